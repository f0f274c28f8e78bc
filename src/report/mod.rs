//! `rolecall report`: the main job, as a pipeline of a dozen readable steps.
//!
//! snapshot → scope → classify → baseline → analyse (one report per role) → render
//! (Markdown through templates, JSON) → write atomically → remember this week.

pub(crate) mod lock;
pub(crate) mod notes;
pub(crate) mod state;
pub(crate) mod write;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::analyse::{self, Ctx, Input, Verdict};
use crate::classify::Classifier;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{link_kind, Baseline, Snapshot};
use crate::model::{Format, Period, Role, Status, WeekChoice, WeekSummary};
use crate::render::{Document, IndexContext, RoleContext, RoleReport, Templates};
use crate::text::Globs;
use state::State;

/// What to report on, resolved from flags and config.
#[derive(Debug, Clone)]
pub struct Request {
    pub week: Option<WeekChoice>,
    pub as_of: DateTime<Utc>,
    pub roles: Vec<Role>,
    pub formats: Vec<Format>,
    pub out: PathBuf,
    pub state_dir: PathBuf,
    pub templates: Option<PathBuf>,
    pub notes: Option<PathBuf>,
    /// A baseline to use when the state folder has none (the demo's last week).
    pub fallback_baseline: Option<Snapshot>,
    /// Weeks before this one to store first, rebuilt from the same export (`--backfill`).
    pub backfill: usize,
    /// Backfill over weeks that were taken live too.
    pub backfill_overwrite: bool,
    /// Replace the week's stored snapshot and statuses even when they were taken live
    /// and this run's export is a later one (rebuilt as the week stood).
    pub overwrite_live: bool,
}

/// One role's verdict, once its files are written.
pub struct Rendered {
    pub role: Role,
    /// The verdict as the Markdown shows it (reasons the headline says left out).
    pub verdict: Verdict,
    /// Every reason, as the role's JSON has them: `index.json`'s.
    pub reasons: Vec<String>,
    /// The program report's workstreams and their statuses, kept with the week.
    pub workstreams: Vec<(String, Status)>,
}

/// The files written, for the command's output.
pub struct Outcome {
    pub week: String,
    pub files: Vec<PathBuf>,
    pub statuses: Vec<(Role, Status)>,
    /// The weeks backfilled before this one, oldest first, and those kept because they
    /// were taken live.
    pub backfilled: Vec<crate::model::Week>,
    pub kept_live: Vec<crate::model::Week>,
    /// This week's stored snapshot and statuses, kept: they were taken live, and this
    /// run's export is later than the week (`Request::overwrite_live` replaces them).
    pub kept_snapshot: Option<crate::model::Week>,
    /// The week's items, classes and baseline, handed back so that a command about to
    /// exit can leave them to the exit (see [`Outcome::leave_to_exit`]) rather than
    /// free them one by one. Dropped with the outcome otherwise.
    week_data: Box<dyn std::any::Any + Send>,
}

impl Outcome {
    /// Forgets the week's data instead of freeing it, for a process that exits next:
    /// the exit returns the memory at once, where freeing 100,000 items one by one cost
    /// 30 ms of CPU (10-20 ms of wall time on two cores) at the end of every 100k report.
    pub fn leave_to_exit(&mut self) {
        std::mem::forget(std::mem::replace(&mut self.week_data, Box::new(())));
    }
}

/// Builds the week's reports from the snapshot `load` gives, classified by the classifier
/// `classifier` builds (on another thread, while `load` runs), writes them, and stores the
/// week.
pub fn run(
    config: &Config,
    classifier: impl FnOnce() -> Result<Classifier> + Send,
    load: impl FnOnce() -> Result<Snapshot>,
    req: &Request,
) -> Result<Outcome> {
    // The user's templates are checked before any source is read; the built-in ones
    // cannot fail and are compiled (2 ms) while the sources load.
    let user_templates = match req.templates.as_deref() {
        Some(dir) => Some(Templates::new(Some(dir))?),
        None => None,
    };
    let period = Period::resolve(req.week, req.as_of, config.timezone.0);
    let lap = crate::usage::lap;
    lap("report started");
    // Last week's snapshot is read while the sources load: for a large project both take
    // a while, and neither needs the other.
    let state = State::new(&req.state_dir);
    // Writes land only where they were asked for: a week or state folder that is a link
    // (planted, or left by another tool) would carry them elsewhere.
    let week_dir = req.out.join(period.week.to_string());
    for dir in [
        &week_dir,
        &req.state_dir,
        &req.state_dir.join("snapshots"),
        &req.state_dir.join("history"),
    ] {
        crate::files::refuse_link(dir).map_err(|e| Error::Run(e.to_string()))?;
    }
    // One run at a time writes this output folder; what killed runs left is removed.
    // Stopped by SIGTERM or Ctrl-C, it removes its temporary files and the lock.
    crate::interrupt::install();
    let _lock = lock::Lock::take(&req.state_dir)?;
    let stale = lock::remove_stale_temporaries(&[
        week_dir,
        req.state_dir.join("snapshots"),
        req.state_dir.join("history"),
    ]);
    if stale > 0 {
        tracing::info!("removed {stale} temporary files left by an earlier run that was stopped");
    }
    // With a backfill, last week is one of the weeks about to be written: read after.
    let prior = (req.backfill == 0).then(|| read_baseline_aside(&state, period.week));
    let (classifier, snapshot, renderer) = load_beside_tools(classifier, load, user_templates)?;
    lap("sources loaded");
    let mut snapshot = snapshot;
    // The week's notes are read before any backfilled week is stored: a notes file that
    // cannot be read fails the run before it changes anything.
    if req.backfill > 0 {
        for &role in &req.roles {
            notes::load(req.notes.as_deref(), &period.week.to_string(), role)?;
        }
    }
    let (backfilled, kept_live) =
        backfill(config, &classifier, &state, &mut snapshot, req, period)?;
    if !backfilled.is_empty() {
        lap("weeks backfilled");
    }
    let prior = prior.unwrap_or_else(|| read_baseline_aside(&state, period.week));
    // The week as it stood at its instant: an export taken later knows the future.
    let mut snapshot = snapshot;
    // A week stored live is not replaced by a run from an export taken after the week
    // was over, unless asked. A second run within the week (Thursday after Wednesday,
    // or a GitHub issue changed while the run fetched it) is the week's latest state:
    // it replaces the first.
    let after_the_week =
        crate::model::knows_after(&snapshot, period.start + chrono::Duration::days(7));
    let rewound = crate::model::rewind(&mut snapshot, period.as_of);
    let later_export = rewound.later() && after_the_week;
    let keep_stored = later_export
        && !req.overwrite_live
        && state.taken_live(period.week)?
        && !state.summary(period.week)?.is_some_and(|s| s.rewound);
    let mut snapshot = scope(snapshot, config);
    apply_milestone_config(&mut snapshot, config);
    snapshot.taken_at = period.as_of;
    crate::analyse::warn_unused_settings(config, &snapshot);
    crate::classify::warn_unmatched_rules(config, &classifier, &snapshot);
    let classes = classifier.concerns(&snapshot);
    // Bodies and raw fields are not needed from here on, but freeing them (100,000
    // strings, on both cores) cost more than it saved: they are left to the exit with the
    // rest (peak memory +2 %).
    lap("scoped and classified");

    let mut baseline = match prior.join().unwrap_or_else(|e| std::panic::resume_unwind(e))? {
        Some((_, snap)) => Some(snap),
        None => req.fallback_baseline.clone().map(|b| Baseline::of(&scope(b, config))),
    };
    if let Some(b) = baseline.as_mut() {
        b.follow(&snapshot.items);
    }
    let history = state.history_before(period.week)?;
    let input = Input {
        snapshot: &snapshot,
        classes: &classes,
        baseline: baseline.as_ref(),
        period,
        config,
        history: &history,
        rewind: rewound,
    };
    let ctx = Ctx::new(&input);
    for sentence in ctx.lost_sentences() {
        tracing::warn!("{sentence}");
    }
    // A field this week's export lost is stored with last week's values of it.
    let carried = ctx.stored_snapshot();
    let stored_snapshot = carried.as_ref().unwrap_or(&snapshot);
    lap("baseline read, context built");
    let week = period.week.to_string();
    let dir = req.out.join(&week);

    // Every file is written under a temporary name first; they and the week's snapshot
    // (written beside them: it keeps when each blocked item was first seen blocked) are
    // renamed into place only when all of them were written.
    let (files_prepared, stored) = std::thread::scope(|s| {
        let stored = s.spawn(|| {
            state.prepare_snapshot(
                period.week,
                stored_snapshot,
                (&ctx.blocked_since, &ctx.blocked_seen),
            )
        });
        (prepare_week_files(&ctx, &renderer, req, &dir, &week), crate::par::join(stored))
    });
    let stored = stored?;
    let (rendered, pending) = match files_prepared {
        Ok(p) => p,
        Err(e) => {
            // The temporary files are gone; so is the week's folder if this run made it.
            let _ = std::fs::remove_dir(&dir);
            return Err(e);
        }
    };
    lap("analysed, rendered and written");

    let mut files = Vec::new();
    // Every file of the week, the state included, is written before any is renamed: a
    // run that fails before this point leaves the week as it was.
    let mut summary = WeekSummary::new(period.week);
    for r in &rendered {
        summary.set(r.role, r.verdict.status);
        summary.workstreams.extend(r.workstreams.iter().cloned());
    }
    summary.milestones = milestone_weeks(&ctx);
    if !ctx.lost.is_empty() {
        summary.pass_over_unknown();
    }
    summary.rewound = later_export;
    let summary = state.prepare_summary(period.week, &summary)?;
    for p in &pending {
        files.push(p.path().to_path_buf());
    }
    if keep_stored {
        // Dropped, the stored week's temporary files are removed; the command says so.
        write::commit_all(pending)?;
    } else {
        write::commit_all(pending.into_iter().chain([stored, summary]))?;
    }
    remove_earlier_reports(&dir, &files);
    lap("reports renamed into place, state saved");
    let statuses = rendered.iter().map(|r| (r.role, r.verdict.status)).collect();
    drop(ctx);
    Ok(Outcome {
        week,
        files,
        statuses,
        backfilled,
        kept_live,
        kept_snapshot: keep_stored.then_some(period.week),
        week_data: Box::new((snapshot, classes, baseline)),
    })
}

/// A run replaces the week's reports: those an earlier run of the week wrote and this
/// one did not (a format or a role left out this time) are removed, so that `email` and
/// `publish`, which send what the week's folder holds, never send last run's PDF beside
/// this run's verdict. Only the names rolecall writes; a failure to remove one is a
/// warning (the reports written are complete).
fn remove_earlier_reports(dir: &Path, written: &[PathBuf]) {
    for name in ["index", "product", "program", "project"] {
        for ext in ["md", "json", "pdf"] {
            let path = dir.join(format!("{name}.{ext}"));
            let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if !is_file || written.contains(&path) {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::info!(
                    "removed {}: an earlier run's, and this run does not write it",
                    path.display()
                ),
                Err(e) => tracing::warn!("cannot remove {}, an earlier run's: {e}", path.display()),
            }
        }
    }
}

/// Stores the `req.backfill` weeks before `period`'s, oldest first, each rebuilt from the
/// export as it stood at that week's end: its snapshot and its statuses, as if it had
/// been reported live (no report files). A week already taken live is kept unless
/// `backfill_overwrite`; a backfilled one is rebuilt (the same bytes for the same
/// export). Returns the weeks written and the live ones kept.
fn backfill(
    config: &Config,
    classifier: &Classifier,
    state: &State,
    snapshot: &mut Snapshot,
    req: &Request,
    period: Period,
) -> Result<(Vec<crate::model::Week>, Vec<crate::model::Week>)> {
    // Refused before anything is written: a week before the year 1000 names no folder.
    let earliest = i64::try_from(req.backfill)
        .ok()
        .and_then(chrono::Duration::try_weeks)
        .and_then(|back| period.week.first_day().checked_sub_signed(back))
        .map(crate::model::Week::of);
    if earliest.is_none_or(|w| w.year < 1000) {
        return Err(Error::Usage(format!(
            "--backfill {} reaches back before the year 1000 from {}: give fewer weeks",
            req.backfill, period.week
        )));
    }
    let (written, kept, bodies, done) =
        backfill_weeks(config, classifier, state, snapshot, req, period);
    for (it, body) in snapshot.items.iter_mut().zip(bodies) {
        it.body = body;
    }
    done?;
    Ok((written, kept))
}

/// [`backfill`]'s weeks, with the bodies it took out of `snapshot` to put back.
#[allow(clippy::type_complexity)]
fn backfill_weeks(
    config: &Config,
    classifier: &Classifier,
    state: &State,
    snapshot: &mut Snapshot,
    req: &Request,
    period: Period,
) -> (Vec<crate::model::Week>, Vec<crate::model::Week>, Vec<String>, Result<()>) {
    let tz = config.timezone.0;
    let mut weeks = vec![];
    let mut w = period.week;
    for _ in 0..req.backfill {
        w = w.prev();
        weeks.push(w);
    }
    weeks.reverse();
    let (mut written, mut kept) = (Vec::new(), Vec::new());
    if weeks.is_empty() {
        return (written, kept, Vec::new(), Ok(()));
    }
    // Each item's text is scanned once for all the weeks; last week is the week before,
    // just stored, so it is taken from memory instead of read back; a week's snapshot is
    // written while the next week is rebuilt and classified.
    let text_hits = classifier.text_hits(&snapshot.items);
    // Past weeks need no bodies once their text is scanned: each week's copy is smaller
    // without them (they are put back for this week's report).
    let bodies: Vec<String> =
        snapshot.items.iter_mut().map(|it| std::mem::take(&mut it.body)).collect();
    let snapshot = &*snapshot;
    let mut last: Option<(crate::model::Week, Baseline)> = None;
    let mut warned_lost = false;
    let done = std::thread::scope(|s| -> Result<()> {
        let mut storing: Option<std::thread::ScopedJoinHandle<'_, Result<()>>> = None;
        for week in weeks {
            let live = state.taken_live(week)?;
            if live && !req.backfill_overwrite {
                kept.push(week);
                continue;
            }
            let started = std::time::Instant::now();
            let p = Period::resolve(Some(WeekChoice::Given(week)), week.end(tz), tz);
            let mut snap = snapshot.clone();
            let rewound = crate::model::rewind(&mut snap, p.as_of);
            let mut snap = scope(snap, config);
            apply_milestone_config(&mut snap, config);
            snap.taken_at = p.as_of;
            let hits = hits_of(&snap.items, &snapshot.items, &text_hits);
            let classes = classifier.concerns_given(&snap, &hits);
            // The week before must be stored before this one reads its history.
            if let Some(h) = storing.take() {
                crate::par::join(h)?;
            }
            let mut baseline = match last.take() {
                Some((w, b)) if w == week.prev() => Some(b),
                _ => state.baseline(week)?.map(|(_, b)| b),
            };
            if let Some(b) = baseline.as_mut() {
                b.follow(&snap.items);
            }
            let history = state.history_before(week)?;
            let input = Input {
                snapshot: &snap,
                classes: &classes,
                baseline: baseline.as_ref(),
                period: p,
                config,
                history: &history,
                rewind: rewound,
            };
            let mut ctx = Ctx::new(&input);
            // An export without a column last week's snapshot had values for: said once
            // (every week backfilled from it lacks it), and each week stored with the
            // values carried, as a week's own run stores it.
            if !warned_lost {
                for sentence in ctx.lost_sentences() {
                    tracing::warn!("{sentence}");
                    warned_lost = true;
                }
            }
            let carried = ctx.stored_snapshot();
            let summary = week_statuses(&ctx, week);
            let blocked_since = std::mem::take(&mut ctx.blocked_since);
            let blocked_seen = std::mem::take(&mut ctx.blocked_seen);
            drop(ctx);
            let snap = carried.unwrap_or(snap);
            last = Some((
                week,
                Baseline::of_with_blocked(&snap, Some((&blocked_since, &blocked_seen))),
            ));
            tracing::debug!(
                "backfill {week}: {} items in {} ms",
                snap.items.len(),
                started.elapsed().as_millis()
            );
            storing = Some(s.spawn(move || {
                let stored =
                    state.prepare_snapshot(week, &snap, (&blocked_since, &blocked_seen))?;
                state.commit(week, stored, &summary)
            }));
            written.push(week);
        }
        match storing {
            Some(h) => crate::par::join(h),
            None => Ok(()),
        }
    });
    (written, kept, bodies, done)
}

/// The statuses a week's reports would have, each role analysed on a thread of its own.
fn week_statuses(ctx: &Ctx, week: crate::model::Week) -> WeekSummary {
    let mut summary = WeekSummary::new(week);
    summary.backfilled = true;
    let statuses = std::thread::scope(|s| {
        let roles: Vec<_> = Role::ALL
            .into_iter()
            .map(|role| {
                s.spawn(move || match role {
                    Role::Product => {
                        (analyse::product::build(ctx, Vec::new()).verdict.status, Vec::new())
                    }
                    Role::Program => {
                        let r = analyse::program::build(ctx, Vec::new());
                        let ws = r.workstream_statuses();
                        (r.verdict.status, ws)
                    }
                    Role::Project => {
                        (analyse::project::build(ctx, Vec::new()).verdict.status, Vec::new())
                    }
                })
            })
            .collect();
        roles.into_iter().map(crate::par::join).collect::<Vec<_>>()
    });
    for (role, (status, workstreams)) in Role::ALL.into_iter().zip(statuses) {
        summary.set(role, status);
        summary.workstreams.extend(workstreams);
    }
    summary.milestones = milestone_weeks(ctx);
    if !ctx.lost.is_empty() {
        summary.pass_over_unknown();
    }
    summary
}

/// The text hits of each of `kept`, a subsequence of `all` (rewinding and scope keep
/// the order), from those of `all`.
fn hits_of<'h>(
    kept: &[crate::model::Item],
    all: &[crate::model::Item],
    hits: &'h crate::classify::TextHits,
) -> Vec<&'h [u8]> {
    let mut out = Vec::with_capacity(kept.len());
    let mut j = 0;
    for it in kept {
        while j < all.len() && all[j].id != it.id {
            j += 1;
        }
        out.push(hits.get(j));
        j += 1;
    }
    out
}

/// Reads the stored week before `week` on a thread of its own.
fn read_baseline_aside(
    state: &State,
    week: crate::model::Week,
) -> std::thread::JoinHandle<Result<Option<(crate::model::Week, Baseline)>>> {
    let state = state.clone();
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let prior = state.baseline(week);
        if let Ok(Some((week, b))) = &prior {
            let ms = started.elapsed().as_millis();
            tracing::debug!("baseline {week}: {} items read in {ms} ms", b.items.len());
        }
        prior
    })
}

/// Runs `load` while the classifier's automata (from rules checked before) and the
/// built-in templates are built on other threads.
fn load_beside_tools(
    classifier: impl FnOnce() -> Result<Classifier> + Send,
    load: impl FnOnce() -> Result<Snapshot>,
    user_templates: Option<Templates>,
) -> Result<(Classifier, Snapshot, Templates)> {
    let (classifier, snapshot, templates) = std::thread::scope(|s| {
        let classifier = s.spawn(classifier);
        let templates = s.spawn(|| match user_templates {
            Some(checked) => Ok(checked),
            None => Templates::new(None),
        });
        let snapshot = load();
        (crate::par::join(classifier), snapshot, crate::par::join(templates))
    });
    Ok((classifier?, snapshot?, templates?))
}

/// Every role's files and the index, written under temporary names, each role on a thread
/// of its own.
fn prepare_week_files(
    ctx: &Ctx,
    templates: &Templates,
    req: &Request,
    dir: &Path,
    week: &str,
) -> Result<(Vec<Rendered>, Vec<write::Pending>)> {
    let roles: Vec<Result<(Rendered, Vec<write::Pending>)>> = std::thread::scope(|s| {
        let roles: Vec<_> = req
            .roles
            .iter()
            .map(|&role| s.spawn(move || role_files(ctx, templates, req, role, dir, week)))
            .collect();
        roles.into_iter().map(crate::par::join).collect()
    });
    let mut rendered = Vec::new();
    let mut pending = Vec::new();
    for r in roles {
        let (r, files) = r?;
        rendered.push(r);
        pending.extend(files);
    }
    // The index links to the reports written: the Markdown, else the PDFs, else the JSON.
    let ext = [(Format::Md, "md"), (Format::Pdf, "pdf"), (Format::Json, "json")]
        .into_iter()
        .find(|(f, _)| req.formats.contains(f))
        .map_or("md", |(_, e)| e);
    let index = templates.render("index.md", &index_data(ctx, &rendered, false, ext))?;
    pending.push(write::prepare(&dir.join("index.md"), |w| w.write_all(index.as_bytes()))?);
    if req.formats.contains(&Format::Json) {
        let json = crate::render::json::to_json(&index_json(ctx, &rendered, &req.formats))?;
        pending.push(write::prepare(&dir.join("index.json"), |w| w.write_all(json.as_bytes()))?);
    }
    if req.formats.contains(&Format::Pdf) {
        // The one-page brief a director opens: the three verdicts, their reasons.
        let brief = templates.render("index.md", &index_data(ctx, &rendered, true, "pdf"))?;
        let config = ctx.input.config;
        let opts = pdf_options(config, "Weekly status", week, ctx);
        let pdf = crate::render::pdf::render(&brief, &opts)?;
        pending.push(write::prepare(&dir.join("index.pdf"), |w| w.write_all(&pdf.bytes))?);
    }
    Ok((rendered, pending))
}

/// One role: analysed, its template rendered, and its files written under temporary names.
fn role_files(
    ctx: &Ctx,
    renderer: &Templates,
    req: &Request,
    role: Role,
    dir: &Path,
    week: &str,
) -> Result<(Rendered, Vec<write::Pending>)> {
    let config = ctx.input.config;
    let started = std::time::Instant::now();
    let notes = notes::load(req.notes.as_deref(), week, role)?;
    let top = config.report.top;
    let (full, context) = match role {
        Role::Product => {
            let r = analyse::product::build(ctx, notes);
            let (capped, totals) = r.capped(top);
            (RoleReport::Product(Box::new(r)), (RoleReport::Product(Box::new(capped)), totals))
        }
        Role::Program => {
            let r = analyse::program::build(ctx, notes);
            let (capped, totals) = r.capped(top);
            (RoleReport::Program(Box::new(r)), (RoleReport::Program(Box::new(capped)), totals))
        }
        Role::Project => {
            let r = analyse::project::build(ctx, notes);
            let (capped, totals) = r.capped(top);
            (RoleReport::Project(Box::new(r)), (RoleReport::Project(Box::new(capped)), totals))
        }
    };
    let notes_path = match req.notes.as_deref() {
        Some(d) => d.join(week).join(format!("{role}.md")).display().to_string(),
        None => format!("notes/{week}/{role}.md"),
    };
    let has_notes = match &context.0 {
        RoleReport::Product(r) => r.notes.iter().any(|n| n.filled),
        RoleReport::Program(r) => r.notes.iter().any(|n| n.filled),
        RoleReport::Project(r) => r.notes.iter().any(|n| n.filled),
    };
    let mut context = RoleContext {
        report: context.0,
        totals: context.1,
        top,
        notes_path,
        notes_configured: req.notes.is_some(),
        has_notes,
        for_pdf: false,
        placeholders: true,
    };
    let verdict = context.report.verdict().clone();
    let reasons = full.verdict().reasons.clone();
    let workstreams = match &full {
        RoleReport::Program(r) => r.workstream_statuses(),
        _ => Vec::new(),
    };
    let analysed = started.elapsed();
    let template = format!("{role}.md");
    let markdown = renderer.render(&template, &context)?;
    // The PDF goes to readers: no placeholders for the note writers (unless asked), no
    // paths of this machine.
    let pdf_markdown = match req.formats.contains(&Format::Pdf) {
        true => {
            context.for_pdf = true;
            context.placeholders = config.report.pdf.placeholders;
            renderer.render(&template, &context)?
        }
        false => String::new(),
    };
    let mut pdf = pdf_options(config, &format!("{} report", role.title()), week, ctx);
    pdf.subject = format!("Weekly {} status, {week}", role.as_str());
    pdf.keywords = vec![role.as_str().to_string(), week.to_string(), "status report".into()];
    let doc =
        Document { role, full: &full, markdown: &markdown, pdf_markdown: &pdf_markdown, pdf: &pdf };
    let mut files = Vec::new();
    for format in Format::ALL.into_iter().filter(|f| req.formats.contains(f)) {
        let path = dir.join(format!("{role}.{}", format.as_str()));
        let renderer = crate::render::renderer(format);
        files.push(write::prepare(&path, |w| renderer.render(&doc, w))?);
    }
    tracing::debug!(
        "{role}: analysed in {} ms, rendered and written in {} ms",
        analysed.as_millis(),
        (started.elapsed() - analysed).as_millis()
    );
    Ok((Rendered { role, verdict, reasons, workstreams }, files))
}

/// What a stored week keeps of each milestone: its status and forecast.
fn milestone_weeks(ctx: &Ctx) -> std::collections::BTreeMap<String, crate::model::MilestoneWeek> {
    ctx.progress
        .iter()
        .map(|m| {
            let week = crate::model::MilestoneWeek {
                status: m.status,
                p85: m.forecast.as_ref().and_then(|f| f.p85),
            };
            (m.title.clone(), week)
        })
        .collect()
}

/// Page setup and metadata of one role's PDF, from `[report.pdf]` and the week.
fn pdf_options(
    config: &Config,
    title: &str,
    week: &str,
    ctx: &Ctx,
) -> crate::render::pdf::PdfOptions {
    use crate::render::pdf::{PageSize, PdfOptions};
    let p = &config.report.pdf;
    let org = &config.report.title;
    PdfOptions {
        title: title.to_string(),
        subtitle: if org.is_empty() { week.to_string() } else { format!("{org} · {week}") },
        author: "rolecall".into(),
        subject: format!("Weekly status, {week}"),
        keywords: vec![week.to_string(), "status report".into()],
        as_of: ctx.input.period.as_of,
        data_as_of: Some(data_as_of(ctx)),
        timezone: Some(ctx.tz),
        page: match p.page {
            crate::config::PageName::A4 => PageSize::A4,
            crate::config::PageName::Letter => PageSize::Letter,
        },
        margin_mm: p.margin_mm,
        fallback_fonts: p.fallback_fonts.iter().map(PathBuf::from).collect(),
        lang: p.language.clone(),
    }
}

/// How fresh the week's data is: the newest change its sources know of, up to the
/// week's instant (the instant itself when no source says).
fn data_as_of(ctx: &Ctx) -> DateTime<Utc> {
    let as_of = ctx.input.period.as_of;
    ctx.input
        .snapshot
        .sources
        .iter()
        .filter_map(|s| s.data_as_of)
        .max()
        .map_or(as_of, |t| t.min(as_of))
}

fn index_data<'a>(
    ctx: &Ctx,
    rendered: &'a [Rendered],
    for_pdf: bool,
    ext: &str,
) -> IndexContext<'a> {
    let meta = ctx.meta("index");
    let publish = &ctx.input.config.publish;
    let url = |role: Role| {
        let url = publish.url_for(&meta.week, role.as_str())?;
        crate::render::markdown::safe_url(&url)
    };
    let roles = rendered
        .iter()
        .map(|r| crate::render::context::IndexRole {
            name: r.role.title(),
            file: format!("{}.{ext}", r.role),
            status: r.verdict.status,
            headline: &r.verdict.headline,
            reasons: &r.verdict.reasons,
            question: r.role.question(),
            url: url(r.role),
        })
        .collect();
    IndexContext {
        title: meta.title,
        week: meta.week,
        roles,
        concern_mix: meta.concern_mix,
        as_of: meta.as_of,
        data_as_of: data_as_of(ctx),
        items: meta.items_in_scope,
        top: ctx.input.config.report.top,
        for_pdf,
        timezone: meta.timezone,
    }
}

/// `index.json`'s data: each role's verdict and files, and the week.
fn index_json<'a>(
    ctx: &Ctx,
    rendered: &'a [Rendered],
    formats: &[Format],
) -> crate::render::context::IndexJson<'a> {
    let meta = ctx.meta("index");
    crate::render::context::IndexJson {
        schema_version: meta.schema_version,
        title: meta.title,
        week: meta.week,
        period_start: meta.period_start,
        period_end: meta.period_end,
        as_of: meta.as_of,
        week_complete: meta.week_complete,
        data_as_of: data_as_of(ctx),
        timezone: meta.timezone,
        items: meta.items_in_scope,
        concern_mix: meta.concern_mix,
        baseline: meta.baseline,
        roles: rendered
            .iter()
            .map(|r| crate::render::context::IndexJsonRole {
                role: r.role.as_str(),
                status: r.verdict.status,
                headline: &r.verdict.headline,
                reasons: &r.reasons,
                files: Format::ALL
                    .into_iter()
                    .filter(|f| formats.contains(f))
                    .map(|f| (f.as_str(), format!("{}.{}", r.role, f.as_str())))
                    .collect(),
            })
            .collect(),
    }
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
        // A title that is a sprint's gives the sprint its dates (its due date is its end).
        let sprint = !found
            && (snapshot.iterations.iter().any(|i| i.title.eq_ignore_ascii_case(&mc.title))
                || snapshot.items.iter().any(|it| {
                    it.iteration.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&mc.title))
                }));
        if sprint {
            let (start, end) = (mc.start.map(|d| d.0), mc.due.map(|d| d.0));
            match snapshot.iterations.iter_mut().find(|i| i.title.eq_ignore_ascii_case(&mc.title)) {
                Some(i) => {
                    i.start = start.or(i.start);
                    i.end = end.or(i.end);
                }
                None => snapshot.iterations.push(crate::model::Iteration {
                    title: snapshot
                        .items
                        .iter()
                        .find_map(|it| {
                            it.iteration.as_deref().filter(|s| s.eq_ignore_ascii_case(&mc.title))
                        })
                        .unwrap_or(&mc.title)
                        .to_string(),
                    start,
                    end,
                }),
            }
            continue;
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
    // Pull requests that close an issue in the snapshot, marked by index; looked for
    // only when any pull request closes anything.
    let closing = |it: &crate::model::Item| {
        it.kind == "pull-request" && it.links.iter().any(|l| l.kind == link_kind::CLOSES)
    };
    let counted_with_issue = if snapshot.items.iter().any(closing) {
        follow_pull_requests(&mut snapshot.items)
    } else {
        Vec::new()
    };
    let globs = |patterns: &[String]| Globs::new(patterns);
    let (include_repos, exclude_repos) = (globs(&s.include_repos), globs(&s.exclude_repos));
    let (include_labels, exclude_labels) = (globs(&s.include_labels), globs(&s.exclude_labels));
    let (include_milestones, exclude_milestones) =
        (globs(&s.include_milestones), globs(&s.exclude_milestones));
    let (include_components, exclude_components) =
        (globs(&s.include_components), globs(&s.exclude_components));
    fn any<'v>(globs: &Globs, mut values: impl Iterator<Item = &'v str>) -> bool {
        !globs.is_empty() && values.any(|v| globs.is_match(v))
    }
    // On all cores: a pass over every item's fields in memory is most of its cost.
    let keep: Vec<Keep> = crate::par::map(&snapshot.items, 4096, |it| {
        let project = || std::iter::once(it.project.as_deref().unwrap_or(""));
        let labels = || it.labels.iter().map(|s| s.as_str());
        let milestone = || it.milestone.iter().map(|s| s.as_str());
        let components = || it.components.iter().map(|s| s.as_str());
        let keep = (include_repos.is_empty() || any(&include_repos, project()))
            && !any(&exclude_repos, project())
            && (include_labels.is_empty() || any(&include_labels, labels()))
            && !any(&exclude_labels, labels())
            && (include_milestones.is_empty() || any(&include_milestones, milestone()))
            && !any(&exclude_milestones, milestone())
            && (include_components.is_empty() || any(&include_components, components()))
            && !any(&exclude_components, components());
        let bot = it.author.as_deref().is_some_and(|a| {
            let b = a.as_bytes();
            (b.len() >= 5 && b[b.len() - 5..].eq_ignore_ascii_case(b"[bot]"))
                || s.bot_authors.iter().any(|b| b.eq_ignore_ascii_case(a))
        });
        match (keep, bot && !s.bots) {
            (false, _) => Keep::Filtered,
            (true, true) => Keep::Bot,
            (true, false) => Keep::Yes,
        }
    });
    let mut left_out = crate::model::LeftOut::default();
    let mut keep = keep.into_iter().enumerate();
    snapshot.items.retain(|_| {
        let Some((i, k)) = keep.next() else { return true };
        match k {
            Keep::Filtered => left_out.filtered += 1,
            Keep::Bot => left_out.bots += 1,
            Keep::Yes if counted_with_issue.get(i).is_some_and(|&c| c) => {
                left_out.pull_requests += 1
            }
            Keep::Yes => return true,
        }
        false
    });
    snapshot.left_out = left_out;
    snapshot
}

/// Whether `scope` counts an item, and if not, why.
#[derive(Clone, Copy)]
enum Keep {
    Yes,
    Filtered,
    Bot,
}

/// A pull request that closes an issue is counted with it (and left out of the counts
/// itself): the issue takes what the pull request says of the work. An open one means
/// the issue is in progress, since the pull request was opened; a pull request's
/// milestone is the issue's when the issue has none (a merged PR filed under a release
/// counted towards it; the issue it closed would not). Returns, by item, whether it is
/// a pull request counted with an issue of the snapshot.
fn follow_pull_requests(items: &mut [crate::model::Item]) -> Vec<bool> {
    use crate::model::State;
    let index: std::collections::HashMap<&str, usize> =
        items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect();
    let mut counted = vec![false; items.len()];
    let mut updates = Vec::new();
    for (i, pr) in items.iter().enumerate().filter(|(_, it)| it.kind == "pull-request") {
        for link in pr.links.iter().filter(|l| l.kind == link_kind::CLOSES) {
            if let Some(&target) = index.get(link.target.as_str()) {
                counted[i] = true;
                let open = pr.state == State::InProgress;
                updates.push((target, open, pr.started.or(pr.created), pr.milestone.clone()));
            }
        }
    }
    for (target, open, started, milestone) in updates {
        let issue = &mut items[target];
        if issue.kind == "pull-request" {
            continue;
        }
        if open && issue.state == State::Open {
            issue.state = State::InProgress;
            issue.started = issue.started.into_iter().chain(started).min();
        }
        if issue.milestone.is_none() {
            issue.milestone = milestone;
        }
    }
    counted
}

/// The statuses `report` stored for `week` in the state folder `state_dir`, if any.
pub fn stored_summary(state_dir: &Path, week: crate::model::Week) -> Result<Option<WeekSummary>> {
    state::State::new(state_dir).summary(week)
}

/// `<out>/.rolecall` unless the config says otherwise.
pub fn default_state_dir(out: &Path, config: &Config) -> PathBuf {
    match &config.report.state_dir {
        Some(d) => PathBuf::from(d),
        None => out.join(".rolecall"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, Link, State};

    /// A pull request that closes an issue is counted with it: an open one makes the
    /// issue in progress since it was opened, and its milestone becomes the issue's.
    #[test]
    fn pull_requests_speak_for_the_issues_they_close() {
        let at = |d: &str| Some(format!("{d}T09:00:00Z").parse().expect("instant"));
        let issue = |n: &str| Item {
            id: format!("github:acme/web#{n}").into(),
            kind: "issue".into(),
            state: State::Open,
            created: at("2026-01-05"),
            ..Item::default()
        };
        let pr = |n: &str, closes: &str, state: State, milestone: Option<&str>| Item {
            id: format!("github:acme/web#{n}").into(),
            kind: "pull-request".into(),
            state,
            created: at("2026-02-02"),
            started: at("2026-02-02"),
            milestone: milestone.map(Into::into),
            links: vec![Link {
                kind: link_kind::CLOSES.into(),
                target: format!("github:acme/web#{closes}").into(),
            }],
            ..Item::default()
        };
        let mut snapshot = Snapshot::empty(chrono::DateTime::UNIX_EPOCH);
        snapshot.items = vec![
            issue("1"),
            issue("2"),
            pr("3", "1", State::InProgress, Some("v1.0")),
            pr("4", "2", State::Done, Some("v1.0")),
        ];
        let kept = scope(snapshot, &Config::default());
        let ids: Vec<&str> = kept.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["github:acme/web#1", "github:acme/web#2"]);
        let (one, two) = (&kept.items[0], &kept.items[1]);
        assert_eq!(
            (one.state, one.started, one.milestone.as_deref()),
            (State::InProgress, at("2026-02-02"), Some("v1.0"))
        );
        // Merged: the issue is closed by GitHub itself; it takes the release it went into.
        assert_eq!(
            (two.state, two.started, two.milestone.as_deref()),
            (State::Open, None, Some("v1.0"))
        );
    }
}
