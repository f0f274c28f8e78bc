//! Carrying a week's reports to where people read them. Publishing reads what `report`
//! wrote under `OUT/YYYY-Www/` (and the week's statuses from the state folder); it never
//! re-runs the analysis, so what is published is byte for byte what was reviewed.

pub mod digest;
pub mod email;
pub mod github_issue;
pub mod slack;
pub mod step_summary;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Role, Status, Week, WeekChoice};

/// Where to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `$GITHUB_STEP_SUMMARY`: the page of the GitHub Actions run.
    StepSummary,
    /// One issue per week in a GitHub repository.
    GithubIssue(github_issue::Repo),
    /// A Slack channel, through an incoming webhook.
    Slack,
}

impl Target {
    /// `step-summary` or `github-issue:OWNER/REPO`.
    pub fn parse(s: &str) -> Result<Target> {
        let s = s.trim();
        match s {
            "step-summary" => return Ok(Target::StepSummary),
            "slack" => return Ok(Target::Slack),
            _ => {}
        }
        if let Some(repo) = s.strip_prefix("github-issue:") {
            return github_issue::Repo::parse(repo).map(Target::GithubIssue).ok_or_else(|| {
                Error::Usage(format!(
                    "--to `{s}`: expected github-issue:OWNER/REPO, e.g. github-issue:acme/status"
                ))
            });
        }
        Err(Error::Usage(format!(
            "--to `{s}`: expected step-summary (the GitHub Actions run's page), \
             github-issue:OWNER/REPO (one issue per week) or slack (an incoming webhook)"
        )))
    }
}

/// One role's report of the week, as written.
#[derive(Debug)]
pub struct RoleReport {
    pub role: Role,
    pub status: Option<Status>,
    pub markdown: String,
}

/// A week's reports, as `report` wrote them.
#[derive(Debug)]
pub struct WeekReports {
    pub week: Week,
    /// `OUT/YYYY-Www`.
    pub dir: PathBuf,
    pub index: String,
    pub roles: Vec<RoleReport>,
}

/// The largest Markdown file publishing reads (reports are far smaller).
pub(crate) const MAX_FILE: u64 = 64 << 20;

impl WeekReports {
    /// Reads the week `choice` (the newest week in `out` when `None`) from `out`, with the
    /// statuses stored in `state`.
    pub fn read(out: &Path, state: &Path, choice: Option<Week>) -> Result<WeekReports> {
        let week = match choice {
            Some(w) => w,
            None => newest_week(out)?,
        };
        let dir = out.join(week.to_string());
        let index = read_md(&dir, "index.md")?.ok_or_else(|| {
            Error::Usage(format!(
                "{} has no index.md: run `rolecall report --week {week} -o {}` first",
                dir.display(),
                out.display()
            ))
        })?;
        let summary = crate::report::stored_summary(state, week)?;
        let mut roles = Vec::new();
        for role in Role::ALL {
            if let Some(markdown) = read_md(&dir, &format!("{}.md", role.as_str()))? {
                let status = summary.as_ref().and_then(|s| match role {
                    Role::Product => s.product,
                    Role::Program => s.program,
                    Role::Project => s.project,
                });
                roles.push(RoleReport { role, status, markdown });
            }
        }
        if roles.is_empty() {
            // A week written as PDF or JSON alone: publishing reads the Markdown.
            return Err(Error::Usage(format!(
                "{} has no role report in Markdown (product.md, program.md, project.md), which publishing reads: run `rolecall report --week {week} -o {}` with md among the formats",
                dir.display(),
                out.display()
            )));
        }
        Ok(WeekReports { week, dir, index, roles })
    }
}

/// Resolves `--week` for publishing: a given week, `last`, or (none, `this`) the newest
/// week in `out`.
pub fn week_of(choice: Option<WeekChoice>, now: chrono::NaiveDate) -> Option<Week> {
    match choice {
        Some(WeekChoice::Given(w)) => Some(w),
        Some(WeekChoice::Last) => Some(Week::of(now).prev()),
        Some(WeekChoice::This) | None => None,
    }
}

/// The newest `YYYY-Www` folder in `out` that holds an `index.md`.
fn newest_week(out: &Path) -> Result<Week> {
    let entries = std::fs::read_dir(out).map_err(|e| {
        Error::Usage(format!(
            "cannot read {}: {e}; run `rolecall report -o {}` first",
            out.display(),
            out.display()
        ))
    })?;
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(Week::parse))
        .filter(|w| out.join(w.to_string()).join("index.md").is_file())
        .max()
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} holds no week's reports: run `rolecall report -o {}` first",
                out.display(),
                out.display()
            ))
        })
}

/// `dir/name` as text, `None` when it is not there; a regular file inside `dir` only.
fn read_md(dir: &Path, name: &str) -> Result<Option<String>> {
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Run(format!("cannot read {}: {e}", path.display()))),
        Ok(m) if !m.is_file() => {
            return Err(Error::Run(format!(
                "{} is not a regular file (a link or a folder): publishing reads only the files `report` wrote",
                path.display()
            )))
        }
        Ok(m) if m.len() > MAX_FILE => {
            return Err(Error::Run(format!(
                "{} is {} MB, more than a report can be: not published",
                path.display(),
                m.len() >> 20
            )))
        }
        Ok(_) => {}
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| Error::Run(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Error::Run(format!("{} is not UTF-8: not a report rolecall wrote", path.display()))
    })
}

/// Renders the PDFs a week's e-mail attaches when `report` did not write them (its
/// formats left PDF out): each from the Markdown `report` wrote, so the PDF says what
/// was reviewed, with the page setup of `[report.pdf]`. Nothing else in the week's
/// folder or the state is touched. Returns the files written.
pub fn render_missing_pdfs(
    week: &WeekReports,
    config: &crate::config::Config,
    with_index: bool,
) -> Result<Vec<PathBuf>> {
    use crate::render::pdf::{PageSize, PdfOptions};
    let name = week.week.to_string();
    let org = digest::Digest::of(week).org;
    let meta = week.roles.first().and_then(|r| {
        let path = week.dir.join(format!("{}.json", r.role.as_str()));
        // Not waited on if something other than a file is there (a FIFO).
        let v: serde_json::Value =
            serde_json::from_slice(&crate::files::read_state(&path).ok()?).ok()?;
        Some(v["meta"].clone())
    });
    let time = |v: Option<&serde_json::Value>| {
        v.and_then(|t| t.as_str())
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let as_of = time(meta.as_ref().map(|m| &m["as_of"]))
        .unwrap_or_else(|| week.week.end(config.timezone.0));
    let data_as_of = meta
        .as_ref()
        .and_then(|m| m["sources"].as_array())
        .and_then(|s| s.iter().filter_map(|s| time(Some(&s["data_as_of"]))).max())
        .map(|t| t.min(as_of));
    let p = &config.report.pdf;
    let mut jobs: Vec<(String, String, &str)> = week
        .roles
        .iter()
        .map(|r| {
            (format!("{} report", r.role.title()), r.role.as_str().to_string(), r.markdown.as_str())
        })
        .collect();
    if with_index {
        jobs.push(("Weekly status".into(), "index".into(), week.index.as_str()));
    }
    let mut written = Vec::new();
    for (title, file, markdown) in jobs {
        let path = week.dir.join(format!("{file}.pdf"));
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        let opts = PdfOptions {
            title,
            subtitle: if org.is_empty() { name.clone() } else { format!("{org} · {name}") },
            author: "rolecall".into(),
            subject: format!("Weekly status, {name}"),
            keywords: vec![name.clone(), "status report".into()],
            as_of,
            data_as_of,
            timezone: Some(config.timezone.0),
            page: match p.page {
                crate::config::PageName::A4 => PageSize::A4,
                crate::config::PageName::Letter => PageSize::Letter,
            },
            margin_mm: p.margin_mm,
            fallback_fonts: p.fallback_fonts.iter().map(PathBuf::from).collect(),
            lang: p.language.clone(),
        };
        let pdf = crate::render::pdf::render(markdown, &opts)?;
        crate::files::write_inside(&week.dir, &path, |w| w.write_all(&pdf.bytes))
            .map_err(|e| Error::Run(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

/// Markdown links to files beside the report (`[Product](product.md)`) become their text:
/// on the run's page they lead nowhere. A line that was only such a link is dropped (the
/// report it pointed to follows, folded). Web links stay.
pub(crate) fn local_links_as_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let plain = unlink_local(line);
        if plain == line || !is_one_link(line.trim()) {
            out.push_str(&plain);
            out.push('\n');
        }
    }
    out
}

/// Whether `s` is exactly one `[text](target)`.
fn is_one_link(s: &str) -> bool {
    s.strip_prefix('[').and_then(|rest| rest.split_once("](")).is_some_and(|(text, target)| {
        !text.contains(']') && target.ends_with(')') && !target[..target.len() - 1].contains(')')
    })
}

/// `line` with each `[text](local-file)` replaced by `text`.
fn unlink_local(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        // `\[` is a bracket in the text, not a link.
        if rest[..open].ends_with('\\') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        let after = &rest[open + 1..];
        let Some((text, tail)) = after.split_once("](") else { break };
        let Some(close) = tail.find(')') else { break };
        let target = &tail[..close];
        let local = !text.contains('[')
            && !target.contains("://")
            && !target.starts_with('#')
            && !target.starts_with("mailto:")
            && !target.contains(char::is_whitespace);
        if local {
            out.push_str(&rest[..open]);
            out.push_str(text);
        } else {
            out.push_str(&rest[..open + 1 + text.len() + 2 + close + 1]);
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}
