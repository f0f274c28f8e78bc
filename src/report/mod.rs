//! `rolecall report`: the main job, as a pipeline of a dozen readable steps.
//!
//! snapshot → scope → classify → baseline → analyse (one report per role) → render
//! (Markdown through templates, JSON) → write atomically → remember this week.

pub mod notes;
pub mod settings;
pub mod state;
pub mod week;
pub mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::analyse::{self, Ctx, Input, Status, Verdict};
use crate::classify::Classifier;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{link_kind, Snapshot};
use crate::render::markdown::Renderer;
use settings::glob_match;
use state::{State, WeekSummary};
use week::Period;

pub const ROLES: [&str; 3] = ["product", "program", "project"];
pub const FORMATS: [&str; 3] = ["md", "json", "pdf"];

/// What to report on, resolved from flags and config.
#[derive(Debug, Clone)]
pub struct Request {
    pub week: Option<String>,
    pub as_of: DateTime<Utc>,
    pub roles: Vec<String>,
    pub formats: Vec<String>,
    pub out: PathBuf,
    pub state_dir: PathBuf,
    pub templates: Option<PathBuf>,
    pub notes: Option<PathBuf>,
    /// A baseline to use when the state folder has none (the demo's last week).
    pub fallback_baseline: Option<Snapshot>,
}

/// One role's report in every form it is written in.
pub struct Rendered {
    pub role: String,
    pub verdict: Verdict,
    /// The JSON report, every list in full.
    pub json: String,
    pub markdown: String,
}

/// The files written, for the command's output.
pub struct Outcome {
    pub week: String,
    pub files: Vec<PathBuf>,
    pub statuses: Vec<(String, Status)>,
}

pub fn validate(roles: &[String], formats: &[String]) -> Result<()> {
    for r in roles {
        if !ROLES.contains(&r.as_str()) {
            return Err(Error::Usage(format!(
                "unknown role `{r}`; expected product, program or project"
            )));
        }
    }
    for f in formats {
        if !FORMATS.contains(&f.as_str()) {
            return Err(Error::Usage(format!(
                "unknown format `{f}`; expected {}",
                FORMATS.join(", ")
            )));
        }
    }
    Ok(())
}

/// Builds the week's reports from a loaded snapshot, writes them, and stores the week.
pub fn run(
    config: &Config,
    classifier: &Classifier,
    snapshot: Snapshot,
    req: &Request,
) -> Result<Outcome> {
    validate(&req.roles, &req.formats)?;
    let renderer = Renderer::new(req.templates.as_deref())?;
    let period = Period::resolve(req.week.as_deref(), req.as_of, config.timezone.0)?;
    let clock = std::time::Instant::now();
    let lap =
        |stage: &str| tracing::debug!("{stage}: {:.0?} since the report started", clock.elapsed());
    let mut snapshot = scope(snapshot, config);
    apply_milestone_config(&mut snapshot, config);
    snapshot.taken_at = period.as_of;
    let classes = classifier.concerns(&snapshot);
    lap("scoped and classified");

    let state = State::new(&req.state_dir);
    let baseline = match state.baseline(period.week)? {
        Some((_, snap)) => Some(snap),
        None => req.fallback_baseline.clone().map(|b| scope(b, config)),
    };
    let history = state.history_before(period.week)?;
    let input = Input {
        snapshot: &snapshot,
        classes: &classes,
        baseline: baseline.as_ref(),
        period,
        config,
        history: &history,
    };
    let ctx = Ctx::new(&input);
    lap("baseline read, context built");
    let week = period.week.to_string();
    let notes_dir = req.notes.as_deref();
    let notes_path = |role: &str| match notes_dir {
        Some(d) => d.join(&week).join(format!("{role}.md")).display().to_string(),
        None => format!("notes/{week}/{role}.md (pass --notes notes)"),
    };

    let mut rendered = Vec::new();
    for role in &req.roles {
        let notes = notes::load(notes_dir, &week, role)?;
        let top = config.report.top;
        let (json, verdict, mut data) = match role.as_str() {
            "product" => {
                let r = analyse::product::build(&ctx, notes);
                views(&r, &r.verdict, r.capped(top))?
            }
            "program" => {
                let r = analyse::program::build(&ctx, notes);
                views(&r, &r.verdict, r.capped(top))?
            }
            _ => {
                let r = analyse::project::build(&ctx, notes);
                views(&r, &r.verdict, r.capped(top))?
            }
        };
        if let Value::Object(map) = &mut data {
            map.insert("top".into(), Value::from(top));
            map.insert("notes_path".into(), Value::from(notes_path(role)));
        }
        let markdown = renderer.render(&format!("{role}.md"), &data)?;
        rendered.push(Rendered { role: role.clone(), verdict, json, markdown });
    }
    let index = renderer.render("index.md", &index_data(&ctx, &rendered))?;
    lap("analysed and rendered");

    let dir = req.out.join(&week);
    let mut files = Vec::new();
    for r in &rendered {
        if req.formats.iter().any(|f| f == "md") {
            let path = dir.join(format!("{}.md", r.role));
            write::atomic(&path, r.markdown.as_bytes())?;
            files.push(path);
        }
        if req.formats.iter().any(|f| f == "json") {
            let path = dir.join(format!("{}.json", r.role));
            write::atomic(&path, r.json.as_bytes())?;
            files.push(path);
        }
        if req.formats.iter().any(|f| f == "pdf") {
            let path = dir.join(format!("{}.pdf", r.role));
            let pdf = crate::render::pdf::render(
                &r.markdown,
                &pdf_options(config, &r.role, &week, period.as_of),
            )?;
            write::atomic(&path, &pdf.bytes)?;
            files.push(path);
        }
    }
    let index_path = dir.join("index.md");
    write::atomic(&index_path, index.as_bytes())?;
    files.push(index_path);

    let mut summary = WeekSummary::new(period.week);
    for r in &rendered {
        let s = Some(r.verdict.status);
        match r.role.as_str() {
            "product" => summary.product = s,
            "program" => summary.program = s,
            _ => summary.project = s,
        }
    }
    lap("reports written");
    state.save(period.week, &snapshot, &summary)?;
    lap("state saved");
    Ok(Outcome {
        week,
        files,
        statuses: rendered.iter().map(|r| (r.role.clone(), r.verdict.status)).collect(),
    })
}

/// Page setup and metadata of one role's PDF, from `[report.pdf]` and the week.
fn pdf_options(
    config: &Config,
    role: &str,
    week: &str,
    as_of: DateTime<Utc>,
) -> crate::render::pdf::PdfOptions {
    use crate::render::pdf::{PageSize, PdfOptions};
    let p = &config.report.pdf;
    let mut title = format!("{role} report");
    title[..1].make_ascii_uppercase();
    let org = &config.report.title;
    PdfOptions {
        title,
        subtitle: if org.is_empty() { week.to_string() } else { format!("{org} · {week}") },
        author: "rolecall".into(),
        subject: format!("Weekly {role} status, {week}"),
        keywords: vec![role.to_string(), week.to_string(), "status report".into()],
        as_of,
        page: match p.page {
            settings::PageName::A4 => PageSize::A4,
            settings::PageName::Letter => PageSize::Letter,
        },
        margin_mm: p.margin_mm,
        fallback_fonts: p.fallback_fonts.iter().map(PathBuf::from).collect(),
    }
}

/// The JSON file's text (every item), the verdict, and the template's data: the report
/// with lists cut to `top`, plus `totals`, the full length of each list.
fn views<T: Serialize>(
    full: &T,
    verdict: &Verdict,
    (capped, totals): (T, analyse::Totals),
) -> Result<(String, Verdict, Value)> {
    let fail = |e: serde_json::Error| Error::Run(format!("cannot serialise the report: {e}"));
    let json = crate::output::to_json(full)?;
    let mut data = serde_json::to_value(&capped).map_err(fail)?;
    if let Value::Object(map) = &mut data {
        map.insert("totals".into(), serde_json::to_value(&totals).map_err(fail)?);
    }
    Ok((json, verdict.clone(), data))
}

fn index_data(ctx: &Ctx, rendered: &[Rendered]) -> Value {
    let question = |role: &str| match role {
        "product" => "Are we building the right thing?",
        "program" => "How do we deliver this across teams, and what is blocking it?",
        _ => "Are we delivering this defined work on schedule?",
    };
    let roles: Vec<Value> = rendered
        .iter()
        .map(|r| {
            let mut name = r.role.clone();
            name[..1].make_ascii_uppercase();
            serde_json::json!({
                "name": name,
                "file": format!("{}.md", r.role),
                "status": r.verdict.status,
                "headline": r.verdict.headline,
                "reasons": r.verdict.reasons,
                "question": question(&r.role),
            })
        })
        .collect();
    let meta = ctx.meta("index");
    serde_json::json!({
        "title": meta.title,
        "week": meta.week,
        "roles": roles,
        "concern_mix": meta.concern_mix,
        "as_of": meta.as_of,
        "items": meta.items_in_scope,
        "top": ctx.input.config.report.top,
    })
}

/// Gives milestones the dates and teams `[[milestone]]` sets (exports carry none); a
/// title no source knows becomes a milestone of its own. Stored with the week's snapshot,
/// so a date moved in the config shows as a change next week.
pub fn apply_milestone_config(snapshot: &mut Snapshot, config: &Config) {
    for mc in &config.milestones {
        let mut found = false;
        for m in snapshot.milestones.iter_mut().filter(|m| m.title.eq_ignore_ascii_case(&mc.title))
        {
            found = true;
            m.due = mc.due.map(|d| d.0).or(m.due);
            m.start = mc.start.map(|d| d.0).or(m.start);
            m.team = mc.team.clone().or(m.team.take());
        }
        if !found {
            snapshot.milestones.push(crate::model::Milestone {
                id: format!("config:{}", mc.title),
                title: mc.title.clone(),
                source: "rolecall.toml".into(),
                due: mc.due.map(|d| d.0),
                start: mc.start.map(|d| d.0),
                team: mc.team.clone(),
                ..Default::default()
            });
        }
    }
}

/// The items the reports count: the `[scope]` filters, bots out unless asked for, and a
/// pull request that closes an issue in the snapshot counted once, with the issue.
pub fn scope(mut snapshot: Snapshot, config: &Config) -> Snapshot {
    let s = &config.scope;
    let ids: std::collections::HashSet<String> =
        snapshot.items.iter().map(|i| i.id.clone()).collect();
    let any = |patterns: &[String], values: &[&str]| {
        patterns.iter().any(|p| values.iter().any(|v| glob_match(p, v)))
    };
    snapshot.items.retain(|it| {
        let project = [it.project.as_deref().unwrap_or("")];
        let labels: Vec<&str> = it.labels.iter().map(String::as_str).collect();
        let milestone: Vec<&str> = it.milestone.iter().map(String::as_str).collect();
        let components: Vec<&str> = it.components.iter().map(String::as_str).collect();
        let keep = (s.include_repos.is_empty() || any(&s.include_repos, &project))
            && !any(&s.exclude_repos, &project)
            && (s.include_labels.is_empty() || any(&s.include_labels, &labels))
            && !any(&s.exclude_labels, &labels)
            && (s.include_milestones.is_empty() || any(&s.include_milestones, &milestone))
            && !any(&s.exclude_milestones, &milestone)
            && (s.include_components.is_empty() || any(&s.include_components, &components))
            && !any(&s.exclude_components, &components);
        let bot = it.author.as_deref().is_some_and(|a| {
            let a = a.to_lowercase();
            a.ends_with("[bot]") || s.bot_authors.iter().any(|b| b.eq_ignore_ascii_case(&a))
        });
        let counted_with_issue = it.kind == "pull-request"
            && it.links.iter().any(|l| l.kind == link_kind::CLOSES && ids.contains(&l.target));
        keep && (s.bots || !bot) && !counted_with_issue
    });
    snapshot
}

/// `<out>/.rolecall` unless the config says otherwise.
pub fn default_state_dir(out: &Path, config: &Config) -> PathBuf {
    match &config.report.state_dir {
        Some(d) => PathBuf::from(d),
        None => out.join(".rolecall"),
    }
}
