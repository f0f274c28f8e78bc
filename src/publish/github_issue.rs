//! `--to github-issue:OWNER/REPO`: one issue per week (`Status 2026-W48`, label
//! `rolecall`) with the index as its body and one comment per role. Every body rolecall
//! writes ends in a hidden marker (`<!-- rolecall:2026-W48:product -->`); a re-run finds
//! the week's issue and its comments by that marker, never by title, and updates them.
//! Bodies longer than GitHub's 65,536 characters go on in further marked comments.

use std::collections::BTreeMap;

use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::WeekReports;
use crate::error::{Error, Result};
use crate::source::github::client::{Client, FetchError};
use crate::source::github::fetch::list;
use crate::source::github::Settings;

/// The label the week's issue carries; the issue is looked for among issues with it.
pub const LABEL: &str = "rolecall";

/// GitHub refuses an issue or comment body over 65,536 characters; a part stays this
/// far below it, with room for the marker and the "continued" line.
pub const MAX_BODY: usize = 65_536 - 512;

/// `OWNER/REPO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    /// `OWNER/REPO`, as GitHub spells names (letters, digits, `-`, `_`, `.`).
    pub fn parse(s: &str) -> Option<Repo> {
        let (owner, name) = s.trim().split_once('/')?;
        let ok = |p: &str| {
            !p.is_empty()
                && p != "."
                && p != ".."
                && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        (ok(owner) && ok(name)).then(|| Repo { owner: owner.into(), name: name.into() })
    }
}

impl std::fmt::Display for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// One body rolecall owns: `index` (the issue's body), `index.2`, `product`, `product.2`…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub id: String,
    pub body: String,
}

/// What a week's issue holds: its title and its parts, the first being the issue body.
#[derive(Debug)]
pub struct Plan {
    pub title: String,
    pub parts: Vec<Part>,
}

/// The hidden marker that ends part `id` of `week`'s issue.
fn marker(week: &str, id: &str) -> String {
    format!("<!-- rolecall:{week}:{id} -->")
}

/// The part a body is, when it ends in a marker of `week`.
fn part_of<'a>(body: &'a str, week: &str) -> Option<&'a str> {
    let line = body.trim_end().rsplit('\n').next()?.trim();
    let rest = line.strip_prefix("<!-- rolecall:")?.strip_suffix(" -->")?;
    let (w, id) = rest.split_once(':')?;
    (w == week).then_some(id)
}

/// The issue and comments a week's reports become.
pub fn plan(week: &WeekReports) -> Plan {
    let name = week.week.to_string();
    let mut parts = Vec::new();
    let mut add = |id: &str, text: &str| {
        let chunks = split(text, MAX_BODY);
        let n = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let pid = if i == 0 { id.to_string() } else { format!("{id}.{}", i + 1) };
            let more = if i + 1 < n {
                format!("\n\n_Continued below ({} of {n})._\n", i + 1)
            } else {
                String::new()
            };
            let body = format!("{}{more}\n\n{}\n", chunk.trim_end(), marker(&name, &pid));
            parts.push(Part { id: pid, body });
        }
    };
    add("index", &super::local_links_as_text(&week.index));
    for r in &week.roles {
        let text = super::local_links_as_text(&r.markdown);
        add(r.role.as_str(), &text);
    }
    Plan { title: format!("Status {name}"), parts }
}

/// `text` in pieces of at most `max` characters, cut at line ends (a longer line is cut
/// at a character boundary).
fn split(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_chars = 0;
    for line in text.split_inclusive('\n') {
        let n = line.chars().count();
        if cur_chars + n <= max {
            cur.push_str(line);
            cur_chars += n;
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur_chars = 0;
        }
        if n <= max {
            cur.push_str(line);
            cur_chars = n;
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        for piece in chars.chunks(max) {
            if piece.len() == max {
                out.push(piece.iter().collect());
            } else {
                cur = piece.iter().collect();
                cur_chars = piece.len();
            }
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// What `--dry-run` prints: the issue and each comment, as they would be posted.
pub fn dry_run(repo: &Repo, plan: &Plan) -> String {
    let mut out = format!(
        "Would publish to {repo}: the issue \"{}\" (label `{LABEL}`), created or updated, and {} comment{}.\n",
        plan.title,
        plan.parts.len() - 1,
        if plan.parts.len() == 2 { "" } else { "s" }
    );
    for (i, part) in plan.parts.iter().enumerate() {
        let what = if i == 0 { "issue body".to_string() } else { format!("comment `{}`", part.id) };
        out.push_str(&format!(
            "\n----- {what} ({} characters) -----\n{}",
            part.body.chars().count(),
            part.body
        ));
    }
    out
}

/// What publishing did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub number: u64,
    pub url: String,
    pub created: bool,
    /// The issue's title or body was written (it had changed).
    pub issue_updated: bool,
    pub comments_added: usize,
    pub comments_updated: usize,
    pub comments_unchanged: usize,
    pub comments_removed: usize,
    pub requests: u64,
}

impl Outcome {
    /// `created acme/web#12 (3 comments added)`.
    pub fn sentence(&self, repo: &Repo) -> String {
        let mut what = Vec::new();
        for (n, verb) in [
            (self.comments_added, "added"),
            (self.comments_updated, "updated"),
            (self.comments_unchanged, "unchanged"),
            (self.comments_removed, "removed"),
        ] {
            if n > 0 {
                what.push(format!("{n} comment{} {verb}", if n == 1 { "" } else { "s" }));
            }
        }
        let changed = self.created
            || self.issue_updated
            || self.comments_added + self.comments_updated + self.comments_removed > 0;
        if !changed {
            let n = self.comments_unchanged;
            return format!(
                "{repo}#{} was up to date ({n} comment{} unchanged): {}",
                self.number,
                if n == 1 { "" } else { "s" },
                self.url
            );
        }
        format!(
            "{} {repo}#{} ({}): {}",
            if self.created { "created" } else { "updated" },
            self.number,
            if what.is_empty() { "no comments".into() } else { what.join(", ") },
            self.url
        )
    }
}

/// The login GitHub Actions' `GITHUB_TOKEN` writes as.
const ACTIONS_BOT: &str = "github-actions[bot]";

#[derive(Debug, Deserialize)]
struct User {
    #[serde(default)]
    login: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    labels: Vec<serde_json::Value>,
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    user: Option<User>,
}

/// Publishes `plan` for `week` to `repo`: a blocking call that runs its own runtime.
/// Publishing to a repository's issues needs a token.
pub fn check_token(repo: &Repo, settings: &Settings) -> Result<()> {
    if settings.token.is_none() {
        return Err(Error::Usage(format!(
            "publishing to {repo}'s issues needs a token that may write issues: set GITHUB_TOKEN \
             (in a workflow, with `permissions: issues: write`)"
        )));
    }
    Ok(())
}

pub fn publish(repo: &Repo, week: &str, plan: &Plan, settings: &Settings) -> Result<Outcome> {
    check_token(repo, settings)?;
    let deadline = std::time::Duration::from_secs(settings.config.deadline_secs.max(1));
    let done = crate::par::block_on(|| async {
        let client = Client::new(settings).map_err(|e| Error::Run(e.to_string()))?;
        let work = Publisher { client: &client, repo, week, plan };
        match tokio::time::timeout(deadline, work.run()).await {
            Ok(done) => done.map(|mut o| {
                o.requests = client.requests();
                o
            }),
            Err(_) => Err(Error::Run(format!(
                "publishing to {repo} took longer than {} s ([github] deadline-secs); \
                 run again: what was published is found and updated, not duplicated",
                deadline.as_secs()
            ))),
        }
    })
    .map_err(|e| Error::Run(format!("cannot start the async runtime: {e}")))?;
    done.map_err(|e| match &settings.token {
        Some(t) => e.map_text(|s| t.redact(s)),
        None => e,
    })
}

struct Publisher<'a> {
    client: &'a Client,
    repo: &'a Repo,
    week: &'a str,
    plan: &'a Plan,
}

impl Publisher<'_> {
    async fn run(&self) -> Result<Outcome> {
        let (first, rest) = self.plan.parts.split_first().expect("a plan has the index");
        let mut outcome = Outcome::default();
        let issue = match self.find_issue().await? {
            Some(issue) => {
                let same = issue.body.as_deref() == Some(first.body.as_str())
                    && issue.title.as_deref() == Some(self.plan.title.as_str());
                if !same {
                    let url = self.api(&format!("/issues/{}", issue.number));
                    let body = json!({ "title": self.plan.title, "body": first.body });
                    self.send::<Issue>(Method::PATCH, &url, &body).await?;
                    outcome.issue_updated = true;
                }
                issue
            }
            None => {
                outcome.created = true;
                self.create_issue(&first.body).await?
            }
        };
        outcome.number = issue.number;
        outcome.url = issue.html_url.clone().unwrap_or_default();
        let author = issue.user.as_ref().and_then(|u| u.login.clone());
        let mut existing = self.comments(issue.number, author.as_deref()).await?;
        for part in rest {
            match existing.remove(&part.id) {
                Some(c) if c.body.as_deref() == Some(part.body.as_str()) => {
                    outcome.comments_unchanged += 1;
                }
                Some(c) => {
                    let url = self.api(&format!("/issues/comments/{}", c.id));
                    self.send::<Comment>(Method::PATCH, &url, &json!({ "body": part.body }))
                        .await?;
                    outcome.comments_updated += 1;
                }
                None => {
                    self.add_comment(issue.number, part, author.as_deref()).await?;
                    outcome.comments_added += 1;
                }
            }
        }
        // Parts an earlier run needed and this one does not (a report that got shorter,
        // a role no longer reported).
        for c in existing.into_values() {
            let url = self.api(&format!("/issues/comments/{}", c.id));
            self.client
                .request::<serde_json::Value>(Method::DELETE, &url, None)
                .await
                .map_err(|e| self.error("DELETE", &url, e))?;
            outcome.comments_removed += 1;
        }
        Ok(outcome)
    }

    fn api(&self, path: &str) -> String {
        self.client.url(&format!("/repos/{}/{}{path}", self.repo.owner, self.repo.name))
    }

    /// The week's issue: among those labelled `rolecall`, else among the 100 newest (in
    /// case the label did not stick), the one whose body ends in the week's marker.
    /// Anyone may open an issue in a public repository, and only people the repository
    /// trusts may label one: so an unlabelled issue is taken only when rolecall's token
    /// wrote it (GitHub Actions' bot, or the token's own user), never one a stranger
    /// opened with the week's marker to have the status posted where they can edit it.
    async fn find_issue(&self) -> Result<Option<Issue>> {
        let labelled = self.api(&format!("/issues?labels={LABEL}&state=all&per_page=100"));
        let issues: Vec<Issue> =
            list(self.client, &labelled).await.map_err(|e| self.error("GET", &labelled, e))?;
        if let Some(found) = issues.into_iter().find(|i| self.is_the_weeks(i)) {
            return Ok(Some(found));
        }
        let newest = self.api("/issues?state=all&sort=created&direction=desc&per_page=100");
        let page = self
            .client
            .get::<Vec<Issue>>(&newest)
            .await
            .map_err(|e| self.error("GET", &newest, e))?;
        let mut me: Option<Option<String>> = None;
        for issue in page.data.into_iter().filter(|i| self.is_the_weeks(i)) {
            let author = issue.user.as_ref().and_then(|u| u.login.clone());
            if author.as_deref() == Some(ACTIONS_BOT) {
                return Ok(Some(issue));
            }
            if me.is_none() {
                me = Some(self.whoami().await);
            }
            if author.is_some() && me.as_ref().is_some_and(|me| *me == author) {
                return Ok(Some(issue));
            }
            tracing::warn!(
                "{}#{} carries {}'s marker but has no `{LABEL}` label and was opened by {}, \
                 not by this token: left alone",
                self.repo,
                issue.number,
                self.week,
                author.as_deref().unwrap_or("someone unknown")
            );
        }
        Ok(None)
    }

    fn is_the_weeks(&self, issue: &Issue) -> bool {
        issue.pull_request.is_none()
            && issue.body.as_deref().and_then(|b| part_of(b, self.week)) == Some("index")
    }

    /// Creates the issue. A create whose outcome is unknown (a 5xx) is looked for
    /// before it is sent again, so a retry never makes a second issue.
    async fn create_issue(&self, body: &str) -> Result<Issue> {
        let url = self.api("/issues");
        let payload = json!({ "title": self.plan.title, "body": body, "labels": [LABEL] });
        let mut tries = 0;
        loop {
            match self.client.request::<Issue>(Method::POST, &url, Some(&payload)).await {
                Ok(page) => {
                    let issue = page.data;
                    let labelled = issue
                        .labels
                        .iter()
                        .any(|l| l.get("name").and_then(|n| n.as_str()) == Some(LABEL));
                    if !labelled {
                        tracing::warn!(
                            "{}#{}: GitHub did not add the `{LABEL}` label (the token may not set labels); \
                             the next run finds the issue among the 100 newest only",
                            self.repo,
                            issue.number
                        );
                    }
                    return Ok(issue);
                }
                Err(FetchError::Unsure(why)) if tries < self.client_retries() => {
                    tries += 1;
                    tracing::info!(
                        "{why}; looking whether the issue was created before trying again"
                    );
                    if let Some(issue) = self.find_issue().await? {
                        return Ok(issue);
                    }
                }
                Err(e) => return Err(self.error("POST", &url, e)),
            }
        }
    }

    async fn add_comment(&self, number: u64, part: &Part, author: Option<&str>) -> Result<()> {
        let url = self.api(&format!("/issues/{number}/comments"));
        let payload = json!({ "body": part.body });
        let mut tries = 0;
        loop {
            match self.client.request::<Comment>(Method::POST, &url, Some(&payload)).await {
                Ok(_) => return Ok(()),
                Err(FetchError::Unsure(why)) if tries < self.client_retries() => {
                    tries += 1;
                    tracing::info!(
                        "{why}; looking whether the comment was added before trying again"
                    );
                    if self.comments(number, author).await?.contains_key(&part.id) {
                        return Ok(());
                    }
                }
                Err(e) => return Err(self.error("POST", &url, e)),
            }
        }
    }

    /// The issue's comments rolecall wrote for this week, by part; only those by the
    /// issue's author, so nobody else's comment is ever edited or removed.
    /// The comments of an earlier run for this week, by part. Only comments written by
    /// rolecall's token count, so another person's comment carrying the marker is never
    /// edited nor deleted: the issue's author, GitHub Actions' bot (a weekly job that
    /// took over from a first run by hand), and — asked of `/user` only when another
    /// author's comment has the marker — whoever this token is.
    async fn comments(
        &self,
        number: u64,
        author: Option<&str>,
    ) -> Result<BTreeMap<String, Comment>> {
        let url = self.api(&format!("/issues/{number}/comments?per_page=100"));
        let all: Vec<Comment> =
            list(self.client, &url).await.map_err(|e| self.error("GET", &url, e))?;
        let login = |c: &Comment| c.user.as_ref().and_then(|u| u.login.clone());
        let marked: Vec<(String, Comment)> = all
            .into_iter()
            .filter_map(|c| {
                let id = c.body.as_deref().and_then(|b| part_of(b, self.week))?.to_string();
                (id != "index").then_some((id, c))
            })
            .collect();
        let trusted =
            |who: Option<&str>| author.is_none() || who == author || who == Some(ACTIONS_BOT);
        let mut me = None;
        if marked.iter().any(|(_, c)| !trusted(login(c).as_deref())) {
            me = self.whoami().await;
        }
        let mut out = BTreeMap::new();
        for (id, c) in marked {
            let who = login(&c);
            if trusted(who.as_deref()) || (me.is_some() && who == me) {
                out.entry(id).or_insert(c);
            }
        }
        Ok(out)
    }

    /// The login of the token's user; `None` when the token cannot say (an Actions
    /// token is refused `/user`).
    async fn whoami(&self) -> Option<String> {
        let url = self.client.url("/user");
        let user = self.client.get::<User>(&url).await.ok()?;
        user.data.login
    }

    fn client_retries(&self) -> u32 {
        self.client.retries()
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        body: &serde_json::Value,
    ) -> Result<T> {
        let verb = method.as_str().to_string();
        self.client
            .request::<T>(method, url, Some(body))
            .await
            .map(|p| p.data)
            .map_err(|e| self.error(&verb, url, e))
    }

    /// A failure, said for someone publishing: what the token lacks, what to do.
    fn error(&self, verb: &str, url: &str, e: FetchError) -> Error {
        let shown = crate::source::github::redact_url(url);
        let repo = self.repo;
        match e {
            FetchError::Access { status: 403, message, .. } => Error::Run(format!(
                "{verb} {shown}: 403 {message}: the token may not write issues in {repo}; \
                 it needs `issues: write` (a fine-grained token: Issues read and write; \
                 in a workflow: `permissions: issues: write`)"
            )),
            FetchError::Access { status: 404, message, .. } => Error::Run(format!(
                "{verb} {shown}: 404 {message}: no repository {repo}, or the token cannot see it"
            )),
            FetchError::Access { status: 410, .. } => Error::Run(format!(
                "{repo} has issues turned off (410): turn them on in the repository's settings, \
                 or publish elsewhere"
            )),
            FetchError::Access { status, message, .. } => {
                Error::Run(format!("{verb} {shown}: {status} {message}"))
            }
            FetchError::NotModified => Error::Run(format!("{verb} {shown}: an unexpected 304")),
            FetchError::Fatal(m) | FetchError::Unsure(m) => Error::Run(format!(
                "{m} (run again: what was published is found and updated, not duplicated)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_are_owner_slash_name() {
        assert_eq!(
            Repo::parse("acme/web.site"),
            Some(Repo { owner: "acme".into(), name: "web.site".into() })
        );
        for bad in ["acme", "acme/", "/web", "a/b/c", "a/..", "a b/c", "a/b?x=1"] {
            assert_eq!(Repo::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn markers_name_the_week_and_the_part() {
        let body = format!("text\n\n{}\n", marker("2026-W48", "product.2"));
        assert_eq!(part_of(&body, "2026-W48"), Some("product.2"));
        assert_eq!(part_of(&body, "2026-W47"), None);
        // Only as the last line: a marker quoted in the middle of a comment is not ours.
        assert_eq!(part_of(&format!("{body}\nthanks!"), "2026-W48"), None);
    }

    #[test]
    fn splits_fall_on_line_ends_and_count_characters() {
        assert_eq!(split("ab\ncd\nef", 6), vec!["ab\ncd\n", "ef"]);
        assert_eq!(split("ééééé", 2), vec!["éé", "éé", "é"]);
        assert_eq!(split("", 10), vec![""]);
        let long = "x\n".repeat(100_000);
        let parts = split(&long, MAX_BODY);
        assert_eq!(parts.concat(), long);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_BODY));
        assert_eq!(parts.len(), 4);
    }
}
