#!/usr/bin/env bash
# The reports' history on a data branch of the repository: every week's reports and the
# snapshots the next week compares with, as commits, kept forever and browsable.
#
#   data-branch.sh restore   makes $RC_OUT a working copy of the branch: its newest commit,
#                            or a new orphan branch the first time
#   data-branch.sh save      commits $RC_OUT as "rolecall: $RC_WEEK" and pushes; a re-run
#                            of the same week replaces that week's commit (amend), never
#                            adds a second one
#
# Environment: RC_BRANCH [rolecall-data], RC_OUT (required), RC_REMOTE [origin], RC_WEEK
# (for save). Runs in the repository the workflow checked out (its credentials push).
set -euo pipefail

say() { printf 'rolecall data branch: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

branch=${RC_BRANCH:-rolecall-data}
remote=${RC_REMOTE:-origin}
out=${RC_OUT:?RC_OUT: the output folder}
git check-ref-format --branch "$branch" >/dev/null 2>&1 || fail "'$branch' is not a branch name"
who=(-c "user.name=${RC_GIT_NAME:-github-actions[bot]}" -c "user.email=${RC_GIT_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}")

case ${1:-} in
restore)
  if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    fail "$out already exists and is not empty: the data branch is checked out there (choose another out)"
  fi
  rm -rf "$out"
  if git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1; then
    # Two commits deep: a re-run amends the newest, which must keep its parent.
    git fetch --quiet --no-tags --depth=2 "$remote" "+refs/heads/$branch:refs/remotes/$remote/$branch"
    git worktree add --quiet -B "$branch" "$out" "$remote/$branch"
    say "restored $branch ($(git -C "$out" log -1 --format=%s)) into $out"
  else
    git worktree add --quiet --detach "$out"
    git -C "$out" checkout --quiet --orphan "$branch"
    git -C "$out" rm -rfq --ignore-unmatch .
    git -C "$out" clean -fdxq
    say "no $branch branch yet: $out starts empty (the first week has no baseline)"
  fi
  ;;
save)
  week=${RC_WEEK:?RC_WEEK: the week reported}
  [ -d "$out" ] || fail "$out is not there: restore first"
  cd "$out"
  # The GitHub cache holds issue bodies, private ones included: never on the branch.
  if ! grep -qx '/.rolecall/cache/' .gitignore 2>/dev/null; then
    printf '/.rolecall/cache/\n' >>.gitignore
  fi
  git add -A .
  msg="rolecall: $week"
  if git rev-parse -q --verify HEAD >/dev/null && git diff --cached --quiet; then
    say "nothing changed since $(git log -1 --format=%s); nothing to push"
    exit 0
  fi
  lease=()
  if git rev-parse -q --verify HEAD >/dev/null && [ "$(git log -1 --format=%s)" = "$msg" ]; then
    git "${who[@]}" commit --quiet --amend -m "$msg"
    old=$(git rev-parse -q --verify "refs/remotes/$remote/$branch" || true)
    lease=("--force-with-lease=refs/heads/$branch:$old")
    say "replaced the commit of $week"
  else
    git "${who[@]}" commit --quiet -m "$msg"
  fi
  git push --quiet "${lease[@]}" "$remote" "HEAD:refs/heads/$branch"
  say "pushed $msg to $branch"
  ;;
*)
  fail "usage: data-branch.sh restore|save"
  ;;
esac
