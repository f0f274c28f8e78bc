#!/usr/bin/env bash
# Installs rolecall for a GitHub Actions runner (or any machine): the prebuilt release
# binary for its OS and CPU, checked against the release's SHA-256, and only when no
# binary fits, `cargo install --locked` from the release's tag. No GitHub API call is
# made and no token is sent: the files come from the release's download URL.
#
# Inputs, from the environment (the action passes its inputs only this way):
#   RC_VERSION   the release to install, e.g. 0.1.0 (required unless RC_PATH is set)
#   RC_PATH      a rolecall already on the runner (Enterprise or air-gapped): used as is
#   RC_BASE_URL  where releases are [https://github.com/rolecall/rolecall/releases/download]
#   RC_GIT_URL   the repository for the cargo fallback [https://github.com/rolecall/rolecall]
#   RC_OS        Linux, macOS or Windows [$RUNNER_OS, else from uname]
#   RC_ARCH      X64 or ARM64 [$RUNNER_ARCH, else from uname]
#   RC_BIN_DIR   where the binary goes [$RUNNER_TEMP/rolecall/bin, else ~/.rolecall/bin]
# Output: `bin=<path of the binary>` to $GITHUB_OUTPUT when set, and on stdout.
set -euo pipefail

say() { printf 'rolecall install: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

emit() {
  local bin=$1
  "$bin" --version >/dev/null 2>&1 || fail "$bin does not run"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf 'bin=%s\n' "$bin" >>"$GITHUB_OUTPUT"; fi
  if [ -n "${GITHUB_PATH:-}" ]; then dirname "$bin" >>"$GITHUB_PATH"; fi
  printf 'bin=%s\n' "$bin"
}

if [ -n "${RC_PATH:-}" ]; then
  [ -x "$RC_PATH" ] || fail "rolecall-path $RC_PATH is not an executable file"
  say "using the preinstalled $RC_PATH"
  emit "$RC_PATH"
  exit 0
fi

version=${RC_VERSION:-}
version=${version#v}
[ -n "$version" ] || fail "no version to install (RC_VERSION)"
case $version in *[!0-9A-Za-z.+-]*) fail "version '$version' is not a version" ;; esac
base=${RC_BASE_URL:-https://github.com/rolecall/rolecall/releases/download}
os=${RC_OS:-${RUNNER_OS:-$(uname -s)}}
arch=${RC_ARCH:-${RUNNER_ARCH:-$(uname -m)}}
if [ -n "${RUNNER_TEMP:-}" ]; then
  bin_dir=${RC_BIN_DIR:-$RUNNER_TEMP/rolecall/bin}
else
  bin_dir=${RC_BIN_DIR:-$HOME/.rolecall/bin}
fi

case $os in
  Linux | linux) os=linux ;;
  macOS | Darwin | darwin) os=macos ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) os=other ;;
esac
case $arch in
  X64 | x86_64 | amd64) arch=x86_64 ;;
  ARM64 | arm64 | aarch64) arch=aarch64 ;;
  *) arch=other ;;
esac
target=
ext=tar.gz
exe=rolecall
case $os/$arch in
  linux/x86_64) target=x86_64-unknown-linux-musl ;;
  linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macos/x86_64) target=x86_64-apple-darwin ;;
  macos/aarch64) target=aarch64-apple-darwin ;;
  windows/x86_64) target=x86_64-pc-windows-msvc ext=zip exe=rolecall.exe ;;
esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

fallback() {
  say "$1; building it with cargo install --locked (minutes, not seconds)"
  command -v cargo >/dev/null 2>&1 || fail "no cargo to build with: install Rust, or give rolecall-path"
  local root
  root=$(dirname "$bin_dir")
  cargo install --locked --root "$root" --git "${RC_GIT_URL:-https://github.com/rolecall/rolecall}" --tag "v$version" rolecall >&2
  emit "$bin_dir/$exe"
}

if [ -z "$target" ]; then
  fallback "no prebuilt binary for $os/$arch"
  exit 0
fi

asset="rolecall-$target.$ext"
url="$base/v$version/$asset"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say "downloading $url"
if ! curl -fsSL --retry 3 --retry-delay 2 -o "$work/$asset" "$url"; then
  fallback "cannot download $url"
  exit 0
fi
curl -fsSL --retry 3 --retry-delay 2 -o "$work/$asset.sha256" "$url.sha256" ||
  fail "cannot download $url.sha256: refusing a binary that cannot be checked"
want=$(cut -d' ' -f1 <"$work/$asset.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
got=$(sha256 "$work/$asset")
[ "$want" = "$got" ] || fail "$asset: SHA-256 $got does not match the release's $want: not installed"
mkdir -p "$bin_dir" "$work/x"
case $ext in
  zip) (cd "$work/x" && unzip -q "../$asset") ;;
  *) tar -xzf "$work/$asset" -C "$work/x" ;;
esac
found=$(find "$work/x" -type f -name "$exe" | head -n 1)
[ -n "$found" ] || fail "$asset holds no $exe"
install -m 0755 "$found" "$bin_dir/$exe"
say "installed rolecall $version ($target) into $bin_dir"
emit "$bin_dir/$exe"
