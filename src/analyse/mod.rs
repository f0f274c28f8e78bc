//! Analysis: from the classified snapshot (and last week's baseline) to one serde
//! `RoleReport` per role. Plain functions over data; "now" is the period's `as_of`.

pub mod deps;
pub(crate) mod evidence;
pub mod flow;
pub mod forecast;
pub mod product;
pub mod program;
pub mod project;
pub mod sprints;
pub(crate) mod status;
mod unused;

pub use unused::warn_unused_settings;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::classify::{Classification, Concern, Confidence};
use crate::config::{Config, TeamConfig, Thresholds};
use crate::model::{
    link_kind, Baseline, Item, Milestone, Prior, Snapshot, SourceInfo, State, Str,
    REPORT_SCHEMA_VERSION,
};
use crate::model::{Period, Status};
use crate::text::Globs;

/// Everything the section builders read.
pub struct Input<'a> {
    pub snapshot: &'a Snapshot,
    /// One classification per item of `snapshot`, in its order: classify the snapshot
    /// the analysis reads (after `report::scope`, if you scope it).
    pub classes: &'a [Classification],
    pub baseline: Option<&'a Baseline>,
    pub period: Period,
    pub config: &'a Config,
    /// Statuses of earlier weeks, newest first, for "held for N weeks".
    pub history: &'a [crate::model::WeekSummary],
    /// What rebuilding the snapshot as of the period's end changed and could not.
    pub rewind: crate::model::Rewind,
}

/// An item as reports show it: enough to list, link and sort, nothing more. It points at
/// the item (a week of 100,000 items lists 125,000 of these; copies of their fields took
/// 25 MB) and is written out with the fields below, in this order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemRef<'a> {
    pub item: &'a Item,
    /// The item's team or workstream (see `[[team]]` in the config).
    pub team: &'a str,
    pub concern: Concern,
    pub confidence: Confidence,
    /// The other candidate of a toss-up (see [`crate::classify::Classification::runner_up`]).
    pub runner_up: Option<Concern>,
}

impl<'a> ItemRef<'a> {
    pub fn key(&self) -> &'a str {
        &self.item.key
    }
}

impl Serialize for ItemRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// An instant as `model::instant::serialize` writes it.
        struct Instant<'t>(&'t Option<DateTime<Utc>>);
        impl Serialize for Instant<'_> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                crate::model::instant::serialize(self.0, s)
            }
        }
        let it = self.item;
        let mut r = s.serialize_struct("ItemRef", 20)?;
        r.serialize_field("key", &it.key)?;
        r.serialize_field("id", &it.id)?;
        r.serialize_field("title", &it.title)?;
        r.serialize_field("url", &it.url)?;
        r.serialize_field("kind", &it.kind)?;
        r.serialize_field("state", &it.state)?;
        r.serialize_field("status", &it.status)?;
        r.serialize_field("concern", &self.concern)?;
        r.serialize_field("confidence", &self.confidence)?;
        // Always present (null when there is none): a template reads it in strict mode.
        r.serialize_field("runner_up", &self.runner_up)?;
        r.serialize_field("team", self.team)?;
        r.serialize_field("milestone", &it.milestone)?;
        r.serialize_field("due", &it.due)?;
        r.serialize_field("priority", &it.priority)?;
        r.serialize_field("labels", &it.labels)?;
        r.serialize_field("votes", &it.votes)?;
        r.serialize_field("comments", &it.comments)?;
        r.serialize_field("created", &Instant(&it.created))?;
        r.serialize_field("updated", &Instant(&it.updated))?;
        r.serialize_field("closed", &Instant(&it.closed))?;
        r.end()
    }
}

/// A red/amber/green status and the sentence that justifies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: Status,
    /// The role's core question answered in a line.
    pub headline: String,
    /// Why the status is what it is, one line each: every reason the headline gives
    /// too, so a reader of the JSON has them as strings.
    pub reasons: Vec<String>,
}

impl Verdict {
    /// The verdict as the Markdown shows it: the headline, then the reasons it does not
    /// already say (the JSON keeps them all).
    pub(crate) fn for_markdown(&self) -> Verdict {
        let headline = self.headline.to_lowercase();
        let said = |r: &String| {
            let r = r.trim_end_matches('.').to_lowercase();
            !r.is_empty() && headline.contains(&r)
        };
        Verdict {
            status: self.status,
            headline: self.headline.clone(),
            reasons: self.reasons.iter().filter(|r| !said(r)).cloned().collect(),
        }
    }
}

/// Progress of one milestone (or epic) against its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneProgress {
    pub title: String,
    pub id: String,
    pub url: Option<String>,
    pub teams: Vec<String>,
    /// Items counted: all but cancelled ones.
    pub scope: usize,
    pub done: usize,
    pub open: usize,
    pub pct_done: f64,
    /// Share of the time from start to due that has passed, when both are known.
    pub pct_time: Option<f64>,
    pub start: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub status: Status,
    pub reason: String,
    /// The due date is the latest due date of its items: neither the export nor the
    /// config gave one.
    #[serde(default)]
    pub due_derived: bool,
    /// The due date at the baseline, when it was different.
    pub due_before: Option<NaiveDate>,
    pub scope_added: usize,
    pub scope_removed: usize,
    /// When the open work will be done, from past throughput (none when all is done).
    #[serde(default)]
    pub forecast: Option<forecast::Forecast>,
    /// The first forecast stored for this milestone, and how far the current one moved.
    #[serde(default)]
    pub forecast_baseline: Option<ForecastBaseline>,
    /// Weeks in a row, this one included, at this status (from the stored weeks; a week
    /// with no stored report is skipped, see [`HeldSince`]).
    pub weeks_held: usize,
    /// When the weeks held cross weeks with no stored report: since when.
    #[serde(default)]
    pub held_since: Option<HeldSince>,
    /// Done and total scope at the end of each of the last weeks, oldest first, rebuilt
    /// from the items' dates (items that joined or left it in between are not known).
    pub burn_up: Vec<BurnUp>,
    /// What the burn-up chart counts: `points` where the forecast beside it is in points
    /// (every item counted has an estimate), else `items`. A chart of items beside a
    /// forecast of "11 points" left read as two measures of one milestone.
    #[serde(default = "items")]
    pub burn_up_unit: String,
}

fn items() -> String {
    "items".to_string()
}

/// The first week of a status held across weeks that have no stored report (a run was
/// missed): `weeks_held` counts the weeks reported at that status, `weeks` the weeks
/// since `week`, this one included, so "since 2026-W42, 3 of 4 weeks reported" says both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldSince {
    pub week: String,
    pub weeks: usize,
}

/// How long a status has held at `week`: the stored weeks in a row (newest first in
/// `history`, which skips weeks with no report) at it, plus this one, and since when when
/// that run crosses weeks with no report. `same` says whether a stored week had the
/// status; `None` when that week did not report it (a milestone missing from an export
/// that lacked its column), which is passed over like a week with no report.
pub(crate) fn held(
    week: crate::model::Week,
    history: &[crate::model::WeekSummary],
    same: impl Fn(&crate::model::WeekSummary) -> Option<bool>,
) -> (usize, Option<HeldSince>) {
    let (mut run, mut first) = (0, week);
    for h in history {
        match same(h) {
            Some(true) => (run, first) = (run + 1, h.week),
            Some(false) => break,
            None => {}
        }
    }
    let weeks = ((week.first_day() - first.first_day()).num_days() / 7) as usize + 1;
    let since = (weeks > run + 1).then(|| HeldSince { week: first.to_string(), weeks });
    (run + 1, since)
}

/// The forecast a milestone had the first week one was stored, against today's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastBaseline {
    pub week: String,
    pub p85: NaiveDate,
    /// Today's P85 minus the baseline's, in days: above zero it slipped.
    pub variance_days: Option<i64>,
}

/// One week of a burn-up chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurnUp {
    pub week: String,
    /// Items.
    pub done: usize,
    pub scope: usize,
    /// The same in points, where every item counted has an estimate (today's: an
    /// estimate's history is not in an export); else null.
    #[serde(default)]
    pub done_points: Option<f64>,
    #[serde(default)]
    pub scope_points: Option<f64>,
}

/// An export older than this, in days, at the report's instant is called stale.
const STALE_EXPORT_DAYS: i64 = 14;

/// Where the data came from, for the freshness line of every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub schema_version: u32,
    pub role: String,
    pub title: String,
    pub week: String,
    pub period_start: DateTime<Utc>,
    /// The week's end: the next Monday 00:00 in the configured zone (exclusive).
    #[serde(default)]
    pub period_end: Option<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
    /// Whether the data is of the whole week (`as_of` at its end or later), not of the
    /// week so far: a dashboard need not work it out from the dates.
    #[serde(default)]
    pub week_complete: bool,
    pub today: NaiveDate,
    /// Days of the week reported so far when only its first one or two are (a plain
    /// `report` on a Monday reads as a week with nothing done); none otherwise.
    #[serde(default)]
    pub days_so_far: Option<i64>,
    pub timezone: String,
    pub sources: Vec<SourceInfo>,
    /// The week whose snapshot deltas are measured against; none on a first run.
    pub baseline: Option<String>,
    /// What "since" means in headings: `last week`, or the baseline's week when it is an
    /// older one (a week's run was missed).
    #[serde(default)]
    pub since: String,
    pub thresholds: Thresholds,
    pub items_in_scope: usize,
    /// What the sources gave that is not counted, and why, in words: pull requests
    /// counted with the issues they close, items outside `[scope]`, bots' items.
    #[serde(default)]
    pub left_out: Vec<String>,
    /// Counts of items per concern, for the concern mix.
    pub concern_mix: BTreeMap<String, usize>,
    /// What the data lacks, said plainly instead of printing zeros that look like facts.
    pub missing: Vec<String>,
    /// The export was taken later than the report's instant: what rebuilding the week as
    /// it stood changed, and what it could not rebuild.
    #[serde(default)]
    pub rewind: crate::model::Rewind,
    /// The same in sentences, for the templates.
    pub as_it_stood: Vec<String>,
    /// What in the data weakens the report, counted, with what to fix.
    pub data_quality: Vec<String>,
}

/// A section of human notes merged from `--notes`, or a placeholder for the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub title: String,
    /// Markdown as the owner wrote it; empty when not filled.
    pub body: String,
    pub filled: bool,
}

/// Shared state for the section builders.
pub struct Ctx<'a> {
    pub(crate) input: &'a Input<'a>,
    pub(crate) items: &'a [Item],
    pub(crate) classes: &'a [Classification],
    pub(crate) teams: Vec<Str>,
    pub(crate) index: FxHashMap<&'a str, usize>,
    /// Target id → the items whose `blocks` links point at it.
    pub(crate) blocked_by: FxHashMap<&'a str, Vec<usize>>,
    /// Each item as it was at the baseline, by item index.
    pub(crate) prior: Vec<Option<&'a Prior>>,
    /// Milestone title → last week's items that carried it, in their order.
    pub(crate) baseline_by_milestone: FxHashMap<&'a str, Vec<&'a Prior>>,
    pub(crate) milestones: Vec<MilestoneInfo<'a>>,
    /// Progress of each milestone, in the order of `milestones`; computed once.
    pub(crate) progress: Vec<MilestoneProgress>,
    /// Per milestone (in `milestones`' order), the items that joined it since the
    /// baseline and the ids of those that left.
    pub(crate) scope_changes: Vec<(Vec<usize>, Vec<String>)>,
    /// Parent id → indices of its children.
    pub(crate) children: FxHashMap<&'a str, Vec<usize>>,
    /// Milestone title → indices of its items.
    pub(crate) by_milestone: FxHashMap<&'a str, Vec<usize>>,
    pub(crate) tz: Tz,
    pub(crate) today: NaiveDate,
    /// By item: blocked by an open item, or by its status.
    pub(crate) blocked: Vec<bool>,
    /// By item: since when it is blocked (see `Ctx::new`); `None` when it is not.
    /// Stored with the week.
    pub blocked_since: Vec<Option<NaiveDate>>,
    /// By item: `blocked_since` is when a stored week first saw it blocked, not a bound
    /// from the items' creation.
    pub blocked_seen: Vec<bool>,
    /// Weekly throughput by team (and of everyone, under ""), for the forecasts.
    pub(crate) throughput: Throughput,
    /// Fields this week's export has no column for while the baseline had values for
    /// them: not compared this week (see [`Lost`]).
    pub lost: Vec<Lost>,
    /// The dependency graph of the open work, built once for the roles that need it.
    graph: std::sync::OnceLock<deps::Graph>,
    /// The sprints of every item, found once for the roles that need them.
    sprints: std::sync::OnceLock<sprints::Sprints>,
    /// What the data lacks and its quality, the same in every role's report.
    about_data: std::sync::OnceLock<(Vec<String>, Vec<String>)>,
}

/// Weekly throughput (items and points finished per week, oldest first) over the
/// `forecast-weeks` weeks up to the report's instant, by team; [`Throughput::EVERYONE`]
/// is everyone.
#[derive(Debug, Default)]
pub(crate) struct Throughput {
    by_team: FxHashMap<Str, (Vec<f64>, Vec<f64>)>,
}

impl Throughput {
    /// The key of everyone's throughput (no team is named this).
    pub(crate) const EVERYONE: &'static str = "\0everyone";

    fn new(ctx: &Ctx) -> Throughput {
        let weeks = ctx.thresholds().forecast_weeks.clamp(4, 26);
        let last_day = ctx.today;
        let horizon = ctx.items.iter().filter_map(|i| i.created).min().map(|c| ctx.date_of(c));
        type Days = Vec<(NaiveDate, f64)>;
        let mut finished: FxHashMap<Str, (Days, Days)> = FxHashMap::default();
        let since = last_day - chrono::Duration::days(7 * weeks as i64);
        for (i, it) in ctx.items.iter().enumerate() {
            if it.state != State::Done {
                continue;
            }
            let Some(day) = it.closed.map(|c| ctx.date_of(c)).filter(|d| *d > since) else {
                continue;
            };
            let points = it.estimate.unwrap_or(0.0);
            for team in [Str::from(Self::EVERYONE), ctx.teams[i].clone()] {
                let e = finished.entry(team).or_default();
                e.0.push((day, 1.0));
                e.1.push((day, points));
            }
        }
        let mut by_team: FxHashMap<Str, (Vec<f64>, Vec<f64>)> = finished
            .into_iter()
            .map(|(team, (items, points))| {
                (
                    team,
                    (
                        forecast::weekly(items, last_day, weeks, horizon),
                        forecast::weekly(points, last_day, weeks, horizon),
                    ),
                )
            })
            .collect();
        // Everyone, and each team, even with nothing finished: weeks of zero are data.
        let zero = forecast::weekly(std::iter::empty(), last_day, weeks, horizon);
        let teams: BTreeSet<&str> = ctx.teams.iter().map(Str::as_str).collect();
        for team in std::iter::once(Self::EVERYONE).chain(teams) {
            by_team.entry(team.into()).or_insert_with(|| (zero.clone(), zero.clone()));
        }
        Throughput { by_team }
    }

    /// Items (or points) per week for `team` ([`Throughput::EVERYONE`]: everyone).
    pub(crate) fn samples(&self, team: &str, points: bool) -> &[f64] {
        self.by_team.get(team).map_or(&[][..], |(items, pts)| if points { pts } else { items })
    }
}

/// A field the baseline had values for and this week's export has no column for (a Jira
/// export of "current fields" has no Fix versions): its absence is not a change, so the
/// items of those sources are not compared on it this week, and the week is stored with
/// the baseline's values of it, for next week to compare with the last week that had it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    pub field: crate::model::Field,
    /// The column (or mapping) that is missing: `Fix versions column`.
    pub column: &'static str,
    /// The specs of the sources that lack it.
    pub sources: Vec<String>,
}

/// The fields `snapshot`'s sources lack while the baseline had values for them, for
/// the items of those sources (`prior`, by item): a source that never had the field (an
/// export beside another that has sprints) loses nothing.
fn lost_fields(snapshot: &Snapshot, prior: &[Option<&Prior>]) -> Vec<Lost> {
    use crate::model::Field;
    let has = |p: &Prior, f: Field| match f {
        Field::Milestone => p.milestone.is_some(),
        Field::Sprint => p.iteration.is_some(),
        Field::Due => p.due.is_some(),
        Field::Estimate => p.estimate.is_some(),
        // A state is not carried over from last week: an export without one says so.
        Field::State => false,
    };
    let mut out: Vec<Lost> = Vec::new();
    for s in &snapshot.sources {
        for lack in &s.lacks {
            let had = (snapshot.items.iter().zip(prior))
                .any(|(it, p)| p.is_some_and(|p| has(p, lack.field)) && *it.source == *s.spec);
            if !had {
                continue;
            }
            match out.iter_mut().find(|l| l.field == lack.field) {
                Some(l) => l.sources.push(s.spec.clone()),
                None => out.push(Lost {
                    field: lack.field,
                    column: lack.column,
                    sources: vec![s.spec.clone()],
                }),
            }
        }
    }
    out
}

/// A milestone with the dates from its source or the config.
pub(crate) struct MilestoneInfo<'a> {
    pub title: String,
    pub id: String,
    pub source: Option<&'a Milestone>,
    pub due: Option<NaiveDate>,
    /// The due date is the latest of its items', for want of one of its own.
    pub due_derived: bool,
    pub start: Option<NaiveDate>,
    pub baseline_due: Option<NaiveDate>,
}

impl<'a> Ctx<'a> {
    /// Indexes the input for the section builders.
    ///
    /// # Panics
    ///
    /// When `input.classes` is not one classification per item of the snapshot.
    pub fn new(input: &'a Input<'a>) -> Ctx<'a> {
        let items = &input.snapshot.items[..];
        assert_eq!(
            input.classes.len(),
            items.len(),
            "analyse::Input: {} classifications for {} items; classify the snapshot the analysis reads",
            input.classes.len(),
            items.len()
        );
        let tz = input.config.timezone.0;
        // Five indexes over every item, independent of each other: built side by side.
        let ((teams, index), (blocked_by, (children, by_milestone), baseline)) =
            std::thread::scope(|s| {
                let teams = s.spawn(|| -> Vec<Str> {
                    let teams = Teams::new(&input.config.teams);
                    items.iter().map(|i| teams.team_of(i)).collect()
                });
                let index = s.spawn(|| -> FxHashMap<&str, usize> {
                    items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect()
                });
                let baseline = s.spawn(|| {
                    let old = input.baseline.map_or(&[][..], |b| &b.items);
                    let mut by_milestone: FxHashMap<&str, Vec<&Prior>> = FxHashMap::default();
                    for p in old {
                        if let Some(m) = &p.milestone {
                            by_milestone.entry(m.as_str()).or_default().push(p);
                        }
                    }
                    (priors(items, old), by_milestone)
                });
                let mut blocked_by: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
                let mut children: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
                let mut by_milestone: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
                for (i, it) in items.iter().enumerate() {
                    for l in it.links.iter().filter(|l| l.kind == link_kind::BLOCKS) {
                        blocked_by.entry(l.target.as_str()).or_default().push(i);
                    }
                    if let Some(p) = &it.parent {
                        children.entry(p.as_str()).or_default().push(i);
                    }
                    if let Some(m) = &it.milestone {
                        by_milestone.entry(m.as_str()).or_default().push(i);
                    }
                }
                use crate::par::join;
                ((join(teams), join(index)), (blocked_by, (children, by_milestone), join(baseline)))
            });
        let (prior, baseline_by_milestone) = baseline;
        let lost = lost_fields(input.snapshot, &prior);
        let mut ctx = Ctx {
            input,
            items,
            classes: input.classes,
            teams,
            index,
            blocked_by,
            prior,
            baseline_by_milestone,
            milestones: Vec::new(),
            progress: Vec::new(),
            scope_changes: Vec::new(),
            children,
            by_milestone,
            tz,
            today: input.period.today,
            blocked: Vec::new(),
            blocked_since: Vec::new(),
            blocked_seen: Vec::new(),
            throughput: Throughput::default(),
            lost,
            graph: std::sync::OnceLock::new(),
            sprints: std::sync::OnceLock::new(),
            about_data: std::sync::OnceLock::new(),
        };
        // Since when each blocked item is blocked: a stored week that saw it blocked says
        // (or, not blocked then, it became blocked since); without one, at most since the
        // later of the two items was created (trackers do not export when a link was
        // made), which is stored too, as a bound.
        let tracked = input.baseline.filter(|b| b.blocked_tracked);
        let indices: Vec<usize> = (0..items.len()).collect();
        // (blocked, since, seen) by item.
        let seen: Vec<(bool, Option<NaiveDate>, bool)> = crate::par::map(&indices, 4096, |&i| {
            let blockers = ctx.blockers(i);
            if blockers.is_empty() && !ctx.blocked_by_status(i) {
                return (false, None, false);
            }
            if let (Some(b), Some(p)) = (tracked, ctx.prior[i]) {
                return match p.blocked_since {
                    Some(d) => (true, Some(d), !p.blocked_bound),
                    None => (true, Some(b.taken_at.with_timezone(&tz).date_naive()), true),
                };
            }
            let mut latest = ctx.items[i].created;
            for b in &blockers {
                if let Blocker::Known(k) = b {
                    latest = latest.max(ctx.items[*k].created);
                }
            }
            (true, latest.map(|c| c.with_timezone(&tz).date_naive()), false)
        });
        ctx.blocked = seen.iter().map(|s| s.0).collect();
        ctx.blocked_since = seen.iter().map(|s| s.1).collect();
        ctx.blocked_seen = seen.iter().map(|s| s.2).collect();
        ctx.milestones = ctx.collect_milestones();
        ctx.throughput = Throughput::new(&ctx);
        // Each milestone's scope change is found once, for its progress and the project
        // report's lists; milestones are few and large, so they are split across cores.
        let per_milestone = crate::par::map(&ctx.milestones, 4, |m| {
            let change = ctx.scope_change(&m.title);
            (ctx.milestone_progress(m, &change), change)
        });
        (ctx.progress, ctx.scope_changes) = per_milestone.into_iter().unzip();
        ctx
    }

    /// Whether item `i`'s source has no column for `field` this week while the baseline
    /// had values for it: the item is not compared on it.
    pub(crate) fn lost(&self, i: usize, field: crate::model::Field) -> bool {
        let source = &*self.items[i].source;
        self.lost.iter().any(|l| l.field == field && l.sources.iter().any(|s| s == source))
    }

    /// This week's snapshot as it is stored for next week to compare with: when a field
    /// is lost (see [`Lost`]), each of its items keeps the baseline's value of it, so next
    /// week compares with the last week that had it. `None` when nothing is lost.
    pub fn stored_snapshot(&self) -> Option<Snapshot> {
        use crate::model::Field;
        if self.lost.is_empty() {
            return None;
        }
        let mut snap = self.input.snapshot.clone();
        for (i, it) in snap.items.iter_mut().enumerate() {
            let Some(p) = self.prior[i] else { continue };
            for l in self.lost.iter().filter(|l| l.sources.iter().any(|s| **s == *it.source)) {
                match l.field {
                    Field::Milestone => it.milestone = p.milestone.clone(),
                    Field::Sprint => it.iteration = p.iteration.clone(),
                    Field::Due => it.due = p.due,
                    Field::Estimate => it.estimate = p.estimate,
                    Field::State => {}
                }
            }
        }
        Some(snap)
    }

    pub(crate) fn thresholds(&self) -> &Thresholds {
        &self.input.config.report.thresholds
    }

    pub(crate) fn item_ref(&self, i: usize) -> ItemRef<'_> {
        let c = &self.classes[i];
        ItemRef {
            item: &self.items[i],
            team: &self.teams[i],
            concern: c.concern,
            confidence: c.confidence,
            runner_up: c.runner_up,
        }
    }

    /// Indices of items of one concern.
    pub(crate) fn of_concern(&self, c: Concern) -> Vec<usize> {
        (0..self.items.len()).filter(|&i| self.classes[i].concern == c).collect()
    }

    /// Done within the report's week, up to `as_of`.
    pub(crate) fn done_this_week(&self, i: usize) -> bool {
        let it = &self.items[i];
        it.state == State::Done
            && it
                .closed
                .is_some_and(|c| c >= self.input.period.start && c <= self.input.period.as_of)
    }

    /// The dependency graph of the open work (see [`deps`]), built once.
    pub(crate) fn graph(&self) -> &deps::Graph {
        self.graph.get_or_init(|| {
            let open: Vec<bool> = self.items.iter().map(|i| i.state.is_active()).collect();
            deps::Graph::new(self.items.iter().map(|i| i.links.as_slice()), &open, |id| {
                self.index.get(id).copied()
            })
        })
    }

    /// The sprints of every item in scope (see [`sprints::sprints`]), found once.
    pub(crate) fn sprints(&self) -> &sprints::Sprints {
        self.sprints.get_or_init(|| sprints::sprints(self, None))
    }

    /// Open or in progress, in a status the config calls blocked (`Blocked`, `On hold`…).
    pub(crate) fn blocked_by_status(&self, i: usize) -> bool {
        let it = &self.items[i];
        let status = it.status.trim();
        it.state.is_active()
            && !status.is_empty()
            && self
                .input
                .config
                .report
                .blocked_statuses
                .iter()
                .any(|b| b.eq_ignore_ascii_case(status))
    }

    /// Work in progress whose age flow judges: in progress, not an epic, and not
    /// blocked (a blocked item waits; it is reported as blocked, not as slow work).
    pub(crate) fn flowing(&self, i: usize) -> bool {
        flow::is_work_in_progress(&self.items[i]) && !self.is_blocked(i)
    }

    /// Blocked, by a link to open work or by its status.
    fn is_blocked(&self, i: usize) -> bool {
        self.blocked.get(i).copied().unwrap_or(false)
    }

    /// Open work (not an epic) that is blocked, by a link or by its status.
    pub(crate) fn blocked_work(&self, i: usize) -> bool {
        let it = &self.items[i];
        it.state.is_active() && flow::is_work(it) && self.is_blocked(i)
    }

    /// Open or in progress, and due before today.
    pub(crate) fn overdue(&self, i: usize) -> bool {
        let it = &self.items[i];
        it.state.is_active() && it.due.is_some_and(|d| d < self.today)
    }

    /// Open or in progress, and due from today to the report week's Sunday.
    pub(crate) fn due_this_week(&self, i: usize) -> bool {
        let it = &self.items[i];
        let sunday = self.input.period.week.last_day();
        it.state.is_active() && it.due.is_some_and(|d| d >= self.today && d <= sunday)
    }

    /// Open or in progress, and due in the ISO week after the report's (Monday to Sunday).
    pub(crate) fn due_next_week(&self, i: usize) -> bool {
        let it = &self.items[i];
        let next = self.input.period.week.next();
        it.state.is_active()
            && it.due.is_some_and(|d| d >= next.first_day() && d <= next.last_day())
    }

    pub(crate) fn created_this_week(&self, i: usize) -> bool {
        self.items[i]
            .created
            .is_some_and(|c| c >= self.input.period.start && c <= self.input.period.as_of)
    }

    /// The start of "the last `n` weeks": the report's week and the `n - 1` before it, as
    /// the Throughput table counts them (not a rolling `7n` days back from the instant).
    pub(crate) fn last_weeks_start(&self, n: i64) -> DateTime<Utc> {
        self.input.period.start - chrono::Duration::weeks(n - 1)
    }

    pub(crate) fn date_of(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// Items blocked by an item that is not done: (blocked, blockers).
    pub(crate) fn blockers(&self, i: usize) -> Vec<Blocker> {
        let it = &self.items[i];
        let mut out = Vec::new();
        for l in &it.links {
            if l.kind != link_kind::BLOCKED_BY {
                continue;
            }
            match self.index.get(l.target.as_str()) {
                Some(&b) if !self.items[b].state.is_active() => {}
                Some(&b) => out.push(Blocker::Known(b)),
                None => out.push(Blocker::Unknown(l.target.to_string())),
            }
        }
        // A `blocks` link on the other item says the same; count it once.
        for &b in self.blocked_by.get(it.id.as_str()).map(Vec::as_slice).unwrap_or_default() {
            if self.items[b].state.is_active()
                && b != i
                && !out.iter().any(|x| matches!(x, Blocker::Known(k) if *k == b))
            {
                out.push(Blocker::Known(b));
            }
        }
        out
    }

    fn collect_milestones(&self) -> Vec<MilestoneInfo<'a>> {
        // In order of first appearance: each title's first member, from the index.
        let mut firsts: Vec<(usize, &str)> =
            self.by_milestone.iter().map(|(title, members)| (members[0], *title)).collect();
        firsts.sort_unstable();
        let mut titles: Vec<&str> = firsts.into_iter().map(|(_, title)| title).collect();
        // A milestone every item left since last week is still shown this week, for the
        // scope it lost (by title, after the others).
        let mut emptied: Vec<&str> = (self.baseline_by_milestone.iter())
            .filter(|(title, old)| {
                let lost = |p: &Prior| {
                    (self.index.get(p.id.as_str()))
                        .is_some_and(|&i| self.lost(i, crate::model::Field::Milestone))
                };
                !self.by_milestone.contains_key(*title)
                    && old.iter().any(|p| p.state != State::Cancelled && !lost(p))
            })
            .map(|(title, _)| *title)
            .collect();
        emptied.sort_unstable();
        titles.extend(emptied);
        // Last week's due date: its own, else (when this week's is derived too) the
        // latest of its items' then, so a derived date that moved is a change as well.
        let baseline_due = |title: &str, derived: bool| -> Option<NaiveDate> {
            let b = self.input.baseline?;
            let own = b.milestones.iter().find(|m| m.title == title).and_then(|m| m.due);
            own.or_else(|| {
                let then = b.items.iter().filter(|p| p.milestone.as_deref() == Some(title));
                then.filter_map(|p| p.due).max().filter(|_| derived)
            })
        };
        titles
            .into_iter()
            .map(|title| {
                let source = self.input.snapshot.milestones.iter().find(|m| m.title == title);
                let own_due = source.and_then(|m| m.due);
                // For want of a date of its own, the latest of its items' due dates.
                let derived = own_due.is_none().then(|| {
                    let members = self.by_milestone.get(title).map_or(&[][..], Vec::as_slice);
                    members.iter().filter_map(|&i| self.items[i].due).max()
                });
                MilestoneInfo {
                    due_derived: derived.flatten().is_some(),
                    id: source
                        .map(|m| m.id.clone())
                        .unwrap_or_else(|| format!("milestone:{title}")),
                    due: own_due.or(derived.flatten()),
                    start: source
                        .and_then(|m| m.start.or_else(|| m.created.map(|c| self.date_of(c)))),
                    baseline_due: baseline_due(title, derived.flatten().is_some()),
                    source,
                    title: title.to_string(),
                }
            })
            .collect()
    }

    /// Progress of a milestone over every item in scope that carries it, given its scope
    /// change since the baseline (items that joined, ids of those that left).
    fn milestone_progress(
        &self,
        m: &MilestoneInfo,
        (added, removed): &(Vec<usize>, Vec<String>),
    ) -> MilestoneProgress {
        let members: &[usize] = self.by_milestone.get(m.title.as_str()).map_or(&[], Vec::as_slice);
        let counts = self.counts_in(members);
        let counted: Vec<usize> = (members.iter().copied())
            .filter(|&i| self.items[i].state != State::Cancelled && counts(i))
            .collect();
        let done = counted.iter().filter(|&&i| self.items[i].state == State::Done).count();
        let scope = counted.len();
        let teams: BTreeSet<&str> = counted.iter().map(|&i| self.teams[i].as_str()).collect();
        let teams: Vec<String> = teams.into_iter().map(String::from).collect();
        let start = m.start.or_else(|| {
            members.iter().filter_map(|&i| self.items[i].created).min().map(|c| self.date_of(c))
        });
        let mut eval = status::milestone(status::MilestoneFacts {
            scope,
            done,
            start,
            due: m.due,
            today: self.today,
            thresholds: self.thresholds(),
        });
        let forecast = (scope > done).then(|| self.forecast(&m.id, m.due, &counted));
        // The forecast can only make a milestone's status worse, and only while it is
        // still ahead of its due date (past due is red already).
        if let (Some(f), Some(due)) = (&forecast, m.due) {
            let t = self.thresholds();
            if let (Some(p), true) = (f.on_time, due >= self.today) {
                let by = if p < t.forecast_red_below {
                    Status::Red
                } else if p < t.forecast_amber_below {
                    Status::Amber
                } else {
                    Status::Green
                };
                if by > eval.status && eval.status != Status::Unknown {
                    eval.status = by;
                    eval.reason = format!(
                        "{}; forecast: {:.0}% likely by the due date (85% by {})",
                        eval.reason,
                        p * 100.0,
                        f.p85.map_or("—".to_string(), |d| d.format("%Y-%m-%d").to_string())
                    );
                }
            }
        }
        let (weeks_held, held_since) = held(self.input.period.week, self.input.history, |h| {
            h.milestones.get(&m.title).map(|w| w.status == eval.status)
        });
        MilestoneProgress {
            title: m.title.clone(),
            id: m.id.clone(),
            url: m.source.and_then(|s| s.url.clone()),
            teams,
            scope,
            done,
            open: scope - done,
            pct_done: eval.pct_done,
            pct_time: eval.pct_time,
            start,
            due: m.due,
            due_derived: m.due_derived,
            days_left: m.due.map(|d| (d - self.today).num_days()),
            status: eval.status,
            reason: if m.due_derived && m.due.is_some() && eval.status != Status::Green {
                format!("{} (due date: its latest item's)", eval.reason)
            } else {
                eval.reason
            },
            due_before: m.baseline_due.filter(|b| Some(*b) != m.due),
            scope_added: added.len(),
            scope_removed: removed.len(),
            forecast_baseline: self.forecast_baseline(&m.title, forecast.as_ref()),
            weeks_held,
            held_since,
            burn_up: self.burn_up(&counted),
            burn_up_unit: match forecast.as_ref().map(|f| f.basis) {
                Some(forecast::Basis::Points) => "points",
                _ => "items",
            }
            .to_string(),
            forecast,
        }
    }

    /// The earliest stored week's forecast of milestone `title`, against `now`'s P85.
    fn forecast_baseline(
        &self,
        title: &str,
        now: Option<&forecast::Forecast>,
    ) -> Option<ForecastBaseline> {
        // History is newest first: the last with a forecast is the first stored.
        let (week, p85) = self
            .input
            .history
            .iter()
            .rev()
            .find_map(|h| h.milestones.get(title).and_then(|m| m.p85).map(|p| (h.week, p)))?;
        let variance_days = now.and_then(|f| f.p85).map(|d| (d - p85).num_days());
        Some(ForecastBaseline { week: week.to_string(), p85, variance_days })
    }

    /// Done and scope of `counted` at the end of each of the last `throughput-weeks`
    /// weeks: an item counts from its creation and as done from its resolution.
    fn burn_up(&self, counted: &[usize]) -> Vec<BurnUp> {
        let weeks = self.thresholds().throughput_weeks.max(1);
        let mut week = self.input.period.week;
        let mut out = Vec::with_capacity(weeks);
        // The forecast's rule for counting in points.
        let estimated = !counted.is_empty()
            && counted.iter().all(|&i| self.items[i].estimate.is_some_and(|e| e > 0.0));
        for k in 0..weeks {
            if k > 0 {
                week = week.prev();
            }
            // The week's last second: its end is the next Monday 00:00, which belongs to
            // the week after (a job that closes issues at midnight counts then).
            let end = if k == 0 {
                self.input.period.as_of
            } else {
                week.end(self.tz) - chrono::Duration::seconds(1)
            };
            let scope: Vec<usize> = (counted.iter().copied())
                .filter(|&i| self.items[i].created.is_none_or(|c| c <= end))
                .collect();
            let done: Vec<usize> = (counted.iter().copied())
                .filter(|&i| {
                    // Done with no date it was done (an export without `Resolved`): done
                    // now, so the last point agrees with the progress beside the chart.
                    let it = &self.items[i];
                    it.state == State::Done && it.closed.map_or(k == 0, |c| c <= end)
                })
                .collect();
            let points = |of: &[usize]| {
                // Folded from 0.0: an empty float sum is −0.0, which the chart prints.
                estimated.then(|| {
                    of.iter().fold(0.0, |sum, &i| sum + self.items[i].estimate.unwrap_or(0.0))
                })
            };
            out.push(BurnUp {
                week: week.to_string(),
                done: done.len(),
                scope: scope.len(),
                done_points: points(&done),
                scope_points: points(&scope),
            });
        }
        out.reverse();
        out
    }

    /// The Monte Carlo forecast of a milestone's open work: in points when every item
    /// counted has an estimate, else in items; from the throughput of its team when it
    /// has one team and teams are configured, else of everyone.
    pub(crate) fn forecast(
        &self,
        id: &str,
        due: Option<NaiveDate>,
        counted: &[usize],
    ) -> forecast::Forecast {
        let points = !counted.is_empty()
            && counted.iter().all(|&i| self.items[i].estimate.is_some_and(|e| e > 0.0));
        let open = counted.iter().filter(|&&i| self.items[i].state.is_active());
        let remaining: f64 = if points {
            open.map(|&i| self.items[i].estimate.unwrap_or(0.0)).sum()
        } else {
            open.count() as f64
        };
        let teams: BTreeSet<&str> = counted.iter().map(|&i| self.teams[i].as_str()).collect();
        let team = match (teams.len(), self.input.config.teams.is_empty()) {
            (1, false) => teams.into_iter().next().unwrap_or(Throughput::EVERYONE),
            _ => Throughput::EVERYONE,
        };
        let samples = self.throughput.samples(team, points);
        let basis = if points { forecast::Basis::Points } else { forecast::Basis::Items };
        let mut f =
            forecast::forecast(basis, remaining, samples, self.today, due, forecast::seed(id));
        // Scope that grows faster than work finishes: no date holds while that lasts.
        // Over the last four weeks: over longer ones the milestone's planning (its items
        // being written) would count as growth.
        let weeks = samples.len().min(4);
        // Only beside dates: a forecast that gave none has said why.
        if weeks > 0 && f.p50.is_some() {
            let since = self.input.period.as_of - chrono::Duration::weeks(weeks as i64);
            let within = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t > since);
            let added = counted.iter().filter(|&&i| within(self.items[i].created)).count();
            let done = counted
                .iter()
                .filter(|&&i| self.items[i].state == State::Done && within(self.items[i].closed))
                .count();
            if added > done && added >= 2 {
                let grew = format!(
                    "its scope grew faster than work on it finished ({added} added, {done} done in the last {weeks} weeks): the dates move out while that lasts"
                );
                f.note = Some(match f.note.take() {
                    Some(n) => format!("{n}; {grew}"),
                    None => grew,
                });
            }
        }
        // Done with no date it was done (a GitHub Projects export has none): the burn-up
        // and the progress count it, the weekly throughput cannot; say so, or "nothing
        // finished" beside a chart that shows work done reads as a contradiction.
        let undated = counted
            .iter()
            .filter(|&&i| self.items[i].state == State::Done && self.items[i].closed.is_none())
            .count();
        if undated > 0 {
            let (n, verb) = if undated == 1 {
                ("1 done item has".to_string(), "it counts")
            } else {
                (format!("{undated} done items have"), "they count")
            };
            let why = format!(
                "{n} no date it was done (the export has none): {verb} as done in the progress and the burn-up's last week, not in the weekly throughput"
            );
            f.note = Some(match f.note.take() {
                Some(n) => format!("{n}; {why}"),
                None => why,
            });
        }
        f
    }

    /// Which of a milestone's `members` its progress counts: an epic filed under the
    /// release with its stories holds them, so it is counted once, as its stories; a
    /// milestone of epics alone counts its epics.
    fn counts_in(&self, members: &[usize]) -> impl Fn(usize) -> bool + '_ {
        let stories = members.iter().any(|&i| !self.items[i].is_epic());
        move |i| !(stories && self.items[i].is_epic())
    }

    /// Items that joined and left a milestone since the baseline (those its progress
    /// counts: see [`Ctx::counts_in`]).
    fn scope_change(&self, title: &str) -> (Vec<usize>, Vec<String>) {
        if self.input.baseline.is_none() {
            return (Vec::new(), Vec::new());
        }
        let now_in = |i: usize| self.items[i].milestone.as_deref() == Some(title);
        let members: &[usize] = self.by_milestone.get(title).map_or(&[], Vec::as_slice);
        let counts = self.counts_in(members);
        // A cancelled item is out of scope, as in progress: cancelling one is a removal.
        let cancelled = |i: usize| self.items[i].state == State::Cancelled;
        let added = members
            .iter()
            .copied()
            .filter(|&i| counts(i) && !cancelled(i))
            .filter(|&i| {
                self.prior[i].is_none_or(|old| {
                    old.milestone.as_deref() != Some(title) || old.state == State::Cancelled
                })
            })
            .collect();
        let was_in: &[&Prior] = self.baseline_by_milestone.get(title).map_or(&[], Vec::as_slice);
        let removed = was_in
            .iter()
            .filter(|old| old.state != State::Cancelled)
            .filter(|old| match self.index.get(old.id.as_str()) {
                // An item whose export lost its milestone column did not leave (unless
                // it was cancelled).
                Some(&i) => {
                    (cancelled(i) || (!now_in(i) && !self.lost(i, crate::model::Field::Milestone)))
                        && counts(i)
                }
                None => true,
            })
            .map(|old| old.id.to_string())
            .collect();
        (added, removed)
    }

    pub(crate) fn meta(&self, role: impl std::fmt::Display) -> Meta {
        let cfg = self.input.config;
        let mut mix = BTreeMap::new();
        for c in Concern::ALL {
            mix.insert(
                c.as_str().to_string(),
                self.classes.iter().filter(|x| x.concern == c).count(),
            );
        }
        Meta {
            schema_version: REPORT_SCHEMA_VERSION,
            role: role.to_string(),
            title: cfg.report.title.clone(),
            week: self.input.period.week.to_string(),
            period_start: self.input.period.start,
            period_end: Some(self.input.period.week.end(self.tz)),
            as_of: self.input.period.as_of,
            week_complete: self.input.period.as_of + chrono::Duration::seconds(1)
                >= self.input.period.week.end(self.tz),
            today: self.today,
            days_so_far: Some((self.today - self.input.period.week.first_day()).num_days() + 1)
                .filter(|d| (1..=2).contains(d)),
            timezone: self.tz.name().to_string(),
            sources: self.input.snapshot.sources.clone(),
            baseline: self
                .input
                .baseline
                .map(|b| crate::model::Week::of(self.date_of(b.taken_at)).to_string()),
            since: match self.input.baseline {
                Some(b) => {
                    let week = crate::model::Week::of(self.date_of(b.taken_at));
                    if week == self.input.period.week.prev() {
                        "last week".to_string()
                    } else {
                        week.to_string()
                    }
                }
                None => "last week".to_string(),
            },
            thresholds: self.thresholds().clone(),
            items_in_scope: self.items.len(),
            left_out: left_out(&self.input.snapshot.left_out),
            concern_mix: mix,
            missing: self.about_data().0.clone(),
            rewind: self.input.rewind.clone(),
            as_it_stood: as_it_stood(&self.input.rewind),
            data_quality: self.about_data().1.clone(),
        }
    }

    fn about_data(&self) -> &(Vec<String>, Vec<String>) {
        self.about_data.get_or_init(|| (self.missing(), self.data_quality()))
    }

    /// Counts of what weakens the report, each with what would fix it.
    fn data_quality(&self) -> Vec<String> {
        let mut out = Vec::new();
        let n = |f: &dyn Fn(&Item) -> bool| self.items.iter().filter(|i| f(i)).count();
        if self.items.is_empty() {
            return out;
        }
        out.extend(self.stale_exports());
        if let Some(moved) = self.input.baseline.map(|b| &b.moved).filter(|m| !m.is_empty()) {
            let key_of = |id: &str| match self.index.get(id) {
                Some(&i) => self.items[i].key.to_string(),
                None => id.split_once(':').map_or(id, |(_, k)| k).to_string(),
            };
            let named: Vec<String> = (moved.iter().take(3))
                .map(|(old, new)| format!("{} → {}", key_of(old), key_of(new)))
                .collect();
            let more = match moved.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            out.push(format!(
                "{} moved since last week and changed key ({}{more}): each is compared with what it was, not counted as one removed and one added.",
                plural_items(moved.len(), "item"),
                named.join(", ")
            ));
        }
        // This week's export has the tracker's ids and last week's data not (stored by an
        // earlier version, or exported without the column): a move is not seen as one.
        if let Some(b) = self.input.baseline.filter(|b| {
            !b.items.iter().any(|p| p.native_id.is_some())
                && self.items.iter().any(|i| i.native_id.is_some())
        }) {
            let gone = b.items.iter().filter(|p| !self.index.contains_key(p.id.as_str())).count();
            if gone > 0 {
                out.push(format!(
                    "Last week's data has no tracker ids (Jira's Issue id, Linear's UUID: stored by an earlier version, or exported without the column): an issue moved since to another project shows as removed and added this week (last week's items no longer in the data: {gone}).",
                ));
            }
        }
        let done_undated = n(&|i| i.state == State::Done && i.closed.is_none());
        if done_undated > 0 {
            // A project view's export has no such column to add: GitHub itself has them.
            let views_only =
                self.input.snapshot.sources.iter().all(|s| s.format == "github-projects");
            let fix = if views_only {
                "A GitHub Projects view export has no closing dates: add the repositories as sources too (-s github:OWNER/REPO)."
            } else {
                "Export the Resolved (or Completed) column."
            };
            out.push(format!(
                "{} done with no resolution date: it counts as done, but not in throughput, cycle time or flow. {fix}",
                plural_items(done_undated, "item")
            ));
        }
        // Open by their status, resolved by the tracker: a status category of In Progress
        // on an issue Jira resolved, a reopened issue that kept its resolution date.
        let mut resolved_open: BTreeMap<&str, usize> = BTreeMap::new();
        for it in self.items.iter().filter(|i| i.state.is_active() && i.closed.is_some()) {
            let status = it.status.trim();
            *resolved_open
                .entry(if status.is_empty() { "no status" } else { status })
                .or_default() += 1;
        }
        if let Some((total, shown)) = most_common(resolved_open) {
            out.push(format!(
                "{} open or in progress by {} status but with a resolution date: counted as not done, as the status says. If a status means done, say so in [status-map]: {shown}.",
                plural_items(total, "item"),
                if total == 1 { "its" } else { "their" },
            ));
        }
        let backwards = n(&|i| i.closed.zip(i.created).is_some_and(|(c, o)| c < o));
        if backwards > 0 {
            out.push(format!(
                "{} closed before {} created: left out of cycle and lead times. Check the Created and Resolved (or Completed) columns.",
                plural_items(backwards, "item"),
                if backwards == 1 { "it was" } else { "they were" }
            ));
        }
        if n(&flow::is_finished_work) == 0 && self.stateless_sources().is_empty() {
            let done = n(&|i| i.state == State::Done);
            out.push(if done == 0 {
                // Not "finished with a date": nothing is finished at all.
                format!(
                    "No item has been finished (0 of {}): throughput, cycle time and flow cannot be measured yet.",
                    n(&|_| true)
                )
            } else if n(&|i| i.state == State::Done && i.closed.is_some()) == 0 {
                "No item is finished with a date: throughput, cycle time and flow cannot be measured.".into()
            } else {
                "Only epics are finished with a date: throughput, cycle time and flow count the items in epics, so cannot be measured.".into()
            });
        }
        let months = self.input.period.as_of - chrono::Duration::days(90);
        let stale = n(&|i| i.state == State::InProgress && i.updated.is_some_and(|u| u < months));
        if stale > 0 {
            out.push(format!(
                "{} in progress and untouched for three months or more: finish them, or move them back to the backlog.",
                plural_items(stale, "item")
            ));
        }
        let undated = n(&|i| i.created.is_none());
        if undated > 0 {
            out.push(format!(
                "{} with no creation date: they cannot be placed in time, and count in every week.",
                plural_items(undated, "item")
            ));
        }
        if let Some(note) = self.unknown_statuses() {
            out.push(note);
        }
        if let Some(note) = self.unknown_statuses_closed() {
            out.push(note);
        }
        let open = n(&|i| i.state.is_active());
        let open_dated = n(&|i| i.state.is_active() && i.due.is_some());
        if open_dated > 0 && open_dated < open {
            out.push(format!(
                "{} of the {open} open items have no due date: they are never overdue.",
                open - open_dated
            ));
        }
        out
    }

    /// Exports whose newest change is more than [`STALE_EXPORT_DAYS`] before the report's
    /// instant: the week's work is not in them, and a report on them would say "nothing
    /// finished" about a team that finished plenty. Named by file name only (the notes
    /// go into PDFs that leave the machine). Not for sources read live from an API.
    fn stale_exports(&self) -> Vec<String> {
        let as_of = self.input.period.as_of;
        (self.input.snapshot.sources.iter())
            .filter(|s| !matches!(s.format.as_str(), "github" | "github-project"))
            .filter_map(|s| {
                let newest = s.data_as_of?;
                let days = (as_of - newest).num_days();
                (days > STALE_EXPORT_DAYS).then(|| {
                    format!(
                        "The export {} was last changed on {}, {days} days before this report: work since then is not in it. Export it again.",
                        crate::text::spec_file_name(&s.spec),
                        self.date_of(newest)
                    )
                })
            })
            .collect()
    }

    /// Open items of exports whose status names the built-in table does not know and no
    /// `status-map` maps (`Dev Complete`, `Parked`): they count as open, which may not be
    /// what the team means. Not for GitHub (its states are its API's) nor Asana (its
    /// sections are often not states at all).
    fn unknown_statuses(&self) -> Option<String> {
        let (total, shown) = self.unknown_open_statuses()?;
        Some(format!(
            "{} with a status rolecall does not know, counted as open: {shown}. If one means in progress, done or cancelled, say so in [status-map].",
            plural_items(total, "open item"),
        ))
    }

    /// [`Self::unknown_statuses`]' items: how many, and the most common names.
    pub(crate) fn unknown_open_statuses(&self) -> Option<(usize, String)> {
        self.unknown_status_names(|it| {
            let kind = it.source.split_once(':').map_or("", |(k, _)| k);
            it.state == State::Open && matches!(kind, "jira" | "linear" | "csv" | "github-projects")
        })
    }

    /// Items of a mapped CSV whose status name rolecall does not know but that have a
    /// closed date: the date made them done, which the team may not mean (`Parked` with a
    /// closing date may be cancelled).
    fn unknown_statuses_closed(&self) -> Option<String> {
        let config = self.input.config;
        let (total, shown) = self.unknown_status_names(|it| {
            it.state == State::Done
                && it.closed.is_some()
                && config.source(&it.source).is_some_and(|s| s.has_mapping())
        })?;
        Some(format!(
            "{} with a status rolecall does not know but a closed date, counted as done: {shown}. If one means cancelled, say so in [status-map].",
            plural_items(total, "item"),
        ))
    }

    /// Of the items `of` picks, those whose status name neither the built-in table nor a
    /// status map knows: how many, and the most common names ([`most_common`]).
    fn unknown_status_names(&self, of: impl Fn(&Item) -> bool) -> Option<(usize, String)> {
        let config = self.input.config;
        // A name the export's own status category explained needs no asking, whatever
        // the week (a rebuilt week reopens done items under their present status).
        let categorised = |status: &str| {
            (self.input.snapshot.sources.iter())
                .any(|s| s.categorised.iter().any(|c| **c == *status))
        };
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for it in self.items.iter().filter(|it| of(it)) {
            let status = it.status.trim();
            if status.is_empty()
                || crate::source::status::is_known(status)
                || status_mapped(config, status)
                || categorised(&it.status)
            {
                continue;
            }
            *names.entry(status).or_default() += 1;
        }
        most_common(names)
    }

    /// Why nothing is in scope, when nothing is: said in each role's headline, which
    /// cannot judge anything ("The schedule cannot be judged from this data." said
    /// nothing of why).
    pub(crate) fn nothing_in_scope(&self) -> Option<String> {
        if !self.items.is_empty() {
            return None;
        }
        Some(match self.input.rewind.not_yet_created {
            0 => "no items in scope".into(),
            n => format!(
                "no item existed yet on {} ({} created later)",
                self.today,
                if n == 1 { "the one item was".to_string() } else { format!("all {n} items were") }
            ),
        })
    }

    /// What the data lacks that the reports would need.
    fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.items.is_empty() && self.input.rewind.not_yet_created > 0 {
            out.push(format!(
                "No item existed yet on {}: all {} were created later. Report a week inside the export's period (--week or --as-of).",
                self.today,
                plural_items(self.input.rewind.not_yet_created, "item")
            ));
            return out;
        }
        if self.items.is_empty() {
            out.push("No items in scope: check the sources and the [scope] settings.".into());
            return out;
        }
        out.extend(self.lost_sentences());
        // Before anything counted as done or not: without a state, nothing is done.
        let stateless = self.stateless_sources();
        if let Some(first) = stateless.first() {
            let all = stateless.len() == self.input.snapshot.sources.len();
            out.push(format!(
                "{} no {}: every item counts as open, so nothing can be seen as done, and throughput, cycle time and progress cannot be measured.",
                if all {
                    "The export has".to_string()
                } else {
                    format!("{} {}", stateless.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join(", "), if stateless.len() == 1 { "has" } else { "have" })
                },
                first.1
            ));
        }
        let no_milestone_column = (self.input.snapshot.sources.iter())
            .flat_map(|s| &s.lacks)
            .find(|l| l.field == crate::model::Field::Milestone);
        if let (true, Some(lack)) = (self.milestones.is_empty(), no_milestone_column) {
            let jira = if lack.column.starts_with("Fix versions") {
                " (Jira's Export → CSV (all fields) has it)"
            } else {
                ""
            };
            out.push(format!(
                "No item has a milestone: the export has no {}{jira}, so progress and dates cannot be judged per milestone.",
                lack.column
            ));
        } else if self.milestones.is_empty() {
            out.push("No item has a milestone (GitHub milestone, Jira fix version): progress and dates cannot be judged per milestone.".into());
        } else if self.milestones.iter().all(|m| m.due.is_none()) {
            out.push("No milestone has a due date: statuses are unknown. Give dates in rolecall.toml with [[milestone]] title = \"…\" due = 2026-12-11.".into());
        }
        if self.items.iter().all(|i| i.labels.is_empty()) {
            out.push(
                "No item has labels: classification relies on titles and structure alone.".into(),
            );
        }
        if self.items.iter().all(|i| i.due.is_none()) {
            out.push("No item has a due date: overdue and due-next-week lists are empty for that reason.".into());
        }
        if self.items.iter().all(|i| i.started.is_none()) {
            out.push(
                "No item has a start date: cycle time is measured as lead time (created → done)."
                    .into(),
            );
        }
        if self.input.baseline.is_none() {
            out.push("No baseline yet: this is the first run, so there are no changes since last week to show.".into());
        }
        out
    }

    /// The sources with no column that says whether an item is done, with that column's
    /// name: every item of theirs reads as open.
    pub(crate) fn stateless_sources(&self) -> Vec<(&String, &'static str)> {
        (self.input.snapshot.sources.iter())
            .filter_map(|s| {
                let lack = s.lacks.iter().find(|l| l.field == crate::model::Field::State)?;
                Some((&s.spec, lack.column))
            })
            .collect()
    }

    /// Each field lost this week (see [`Lost`]), in a sentence: what is missing, that the
    /// last snapshot had it, and that it is not taken for a change.
    pub fn lost_sentences(&self) -> Vec<String> {
        let Some(b) = self.input.baseline else { return Vec::new() };
        let week = crate::model::Week::of(self.date_of(b.taken_at));
        self.lost
            .iter()
            .map(|l| {
                let what = l.field.plural();
                format!(
                    "This week's export has no {col} ({sources}); the snapshot of {week} had {what}. Their absence is not taken for a change: no item's {one} is compared this week, and next week is compared with the last week that had them.",
                    col = l.column,
                    sources = l.sources.join(", "),
                    one = what.trim_end_matches('s'),
                )
            })
            .collect()
    }

    /// The low-confidence items of one concern, to triage.
    pub(crate) fn triage(&self, c: Concern) -> Vec<ItemRef<'_>> {
        (0..self.items.len())
            .filter(|&i| {
                self.classes[i].concern == c
                    && self.classes[i].confidence == Confidence::Low
                    && self.items[i].state.is_active()
            })
            .map(|i| self.item_ref(i))
            .collect()
    }
}

/// What `report::scope` left out of the counts, in words for the "About" section.
fn left_out(l: &crate::model::LeftOut) -> Vec<String> {
    let mut out = Vec::new();
    if l.pull_requests > 0 {
        let prs = plural_items(l.pull_requests, "pull request");
        let closes =
            if l.pull_requests == 1 { "the issue it closes" } else { "the issues they close" };
        out.push(format!("{prs} counted with {closes}"));
    }
    if l.filtered > 0 {
        out.push(format!("{} outside the [scope] filters", plural_items(l.filtered, "item")));
    }
    if l.bots > 0 {
        let bots = plural_items(l.bots, "item");
        out.push(format!("{bots} opened by bots ([scope] bots = true counts them)"));
    }
    out
}

/// What rewinding the export to the report's instant did, in sentences; nothing when the
/// export was taken at that instant.
fn as_it_stood(r: &crate::model::Rewind) -> Vec<String> {
    let mut out = Vec::new();
    let n = |n: usize| plural_items(n, "item");
    if r.not_yet_created > 0 {
        out.push(format!("{} created later are left out.", n(r.not_yet_created)));
    }
    if r.reopened > 0 {
        out.push(format!(
            "{} done or cancelled later count as open, or in progress when started by then.",
            n(r.reopened)
        ));
    }
    if r.not_yet_started > 0 {
        out.push(format!("{} started later count as not started.", n(r.not_yet_started)));
    }
    if r.milestones_rewound > 0 {
        let m = plural_items(r.milestones_rewound, "milestone");
        out.push(format!("{m} created or closed later are left out or open again."));
    }
    if r.changed_since > 0 {
        out.push(format!(
            "Not rewound: {} changed since; their status name, sprint, milestone, due date, labels, assignees and priority are as exported.",
            n(r.changed_since)
        ));
    }
    if r.sprint_items_changed > 0 {
        out.push(format!(
            "{} in sprints changed since, so the sprints may not be those of the week: when half or more did, what finished sprints left open is shown but not judged.",
            n(r.sprint_items_changed)
        ));
    }
    if r.closed_undated > 0 {
        out.push(format!(
            "Not rewound: {} done or cancelled with no resolution date count as they are now.",
            n(r.closed_undated)
        ));
    }
    if r.undated > 0 {
        out.push(format!(
            "Not rewound: {} with no creation date are counted as they are now.",
            n(r.undated)
        ));
    }
    out
}

/// Each item's entry in last week's items (`old`), by item index: matched by position
/// while the two lists agree (a week's export mostly lists the same items in the same
/// order), by id after that. All `None` without a baseline.
fn priors<'a>(items: &[Item], old: &'a [Prior]) -> Vec<Option<&'a Prior>> {
    let mut by_id: Option<FxHashMap<&str, &Prior>> = None;
    items
        .iter()
        .enumerate()
        .map(|(i, it)| match old.get(i) {
            Some(p) if p.id == it.id => Some(p),
            _ => by_id
                .get_or_insert_with(|| old.iter().map(|p| (p.id.as_str(), p)).collect())
                .get(it.id.as_str())
                .copied(),
        })
        .collect()
}

pub(crate) enum Blocker {
    Known(usize),
    Unknown(String),
}

/// The `[[team]]` tables, their globs compiled once.
pub(crate) struct Teams<'a> {
    teams: Vec<(&'a TeamConfig, Globs, Globs)>,
}

impl<'a> Teams<'a> {
    pub(crate) fn new(config: &'a [TeamConfig]) -> Self {
        Teams {
            teams: config
                .iter()
                .map(|t| (t, Globs::new(&t.repos), Globs::new(&t.labels)))
                .collect(),
        }
    }

    /// The team an item belongs to: the first `[[team]]` that matches, else the tracker's
    /// own team field, else its project, else "Unassigned".
    pub(crate) fn team_of(&self, item: &Item) -> Str {
        if let Some(t) = self.first_match(item) {
            return Str::from(self.teams[t].0.name.as_str());
        }
        item.team.clone().or_else(|| item.project.clone()).unwrap_or_else(|| "Unassigned".into())
    }

    /// The first `[[team]]` (from 0) that matches `item`: the one it is in.
    pub(crate) fn first_match(&self, item: &Item) -> Option<usize> {
        (0..self.teams.len()).find(|&t| self.matches(t, item))
    }

    /// Whether the `index`th `[[team]]` matches `item`, whatever the teams before it.
    pub(crate) fn matches(&self, index: usize, item: &Item) -> bool {
        let (t, repos, labels) = &self.teams[index];
        let project = item.project.as_deref().unwrap_or("");
        repos.is_match(project)
            || t.components
                .iter()
                .any(|c| item.components.iter().any(|x| x.eq_ignore_ascii_case(c)))
            || item.labels.iter().any(|x| labels.is_match(x))
            || item.team.as_deref().is_some_and(|own| {
                own.eq_ignore_ascii_case(&t.name)
                    || t.aliases.iter().any(|a| a.eq_ignore_ascii_case(own))
            })
    }
}

/// Median and 85th percentile of `values` (which get sorted).
pub(crate) fn median_p85(values: &mut [f64]) -> (Option<f64>, Option<f64>) {
    if values.is_empty() {
        return (None, None);
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        let v = values[lo] + (values[hi] - values[lo]) * (pos - lo as f64);
        (v * 10.0).round() / 10.0
    };
    (Some(at(0.5)), Some(at(0.85)))
}

/// Priorities that make an overdue item a risk.
pub(crate) fn is_high_priority(p: Option<&str>) -> bool {
    const HIGH: &[&str] =
        &["highest", "high", "critical", "urgent", "blocker", "p0", "p1", "1", "2"];
    p.is_some_and(|p| one_of(p.trim(), HIGH))
}

/// Whether `s`, in lower case, is one of `lowercase` (a list of lower-case words).
/// Without a lower-cased copy for ASCII text: reports ask this of every label of every
/// item.
pub(crate) fn one_of(s: &str, lowercase: &[&str]) -> bool {
    if s.is_ascii() {
        lowercase.iter().any(|w| w.eq_ignore_ascii_case(s))
    } else {
        let lower = s.to_lowercase();
        lowercase.contains(&lower.as_str())
    }
}

/// `1 product item`, `3 product items`.
/// `s` with its first letter upper-case.
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The one order every report lists milestones in: by due date, soonest first, those
/// without one last, then by title. A director reading the product and project reports
/// of a week saw the same milestones in two orders (the roadmap's in the export's order).
pub(crate) fn milestone_order(a: &MilestoneProgress, b: &MilestoneProgress) -> std::cmp::Ordering {
    (a.due.is_none(), a.due, &a.title).cmp(&(b.due.is_none(), b.due, &b.title))
}

pub(crate) fn plural_items(n: usize, noun: &str) -> String {
    // Grouped as the templates' `plural` groups it: "1472 product items" in a headline
    // stood beside "1,472 product items" in the section under it.
    let count = crate::text::thousands(n as i64);
    format!("{count} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The full length of each list of a report, by field name.
pub type Totals = BTreeMap<&'static str, usize>;

/// The first `top` elements of `v` (at least one list's worth: milestones and the like
/// are shown in full up to twice `top`), recording the full length under `name`.
pub(crate) fn cap<T: Clone>(
    name: &'static str,
    v: &[T],
    top: usize,
    totals: &mut Totals,
) -> Vec<T> {
    totals.insert(name, v.len());
    v.iter().take(top.max(1)).cloned().collect()
}

/// How many rows a table of one row per team shows at least (workstreams, work in
/// progress by team): a program of 30 teams is read whole; one of 8,000 (a team per
/// item) is not a report.
pub(crate) const TEAMS_SHOWN: usize = 30;

/// The rows of a table of one row per team: all of them up to `top.max(TEAMS_SHOWN)`;
/// past that, those that most need a look (highest `need` first), in their own order.
/// The full length is recorded under `name`.
pub(crate) fn cap_teams<T: Clone, K: Ord>(
    name: &'static str,
    v: &[T],
    top: usize,
    totals: &mut Totals,
    need: impl Fn(&T) -> K,
) -> Vec<T> {
    totals.insert(name, v.len());
    let shown = top.max(TEAMS_SHOWN);
    if v.len() <= shown {
        return v.to_vec();
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(need(&v[i])), i));
    let mut keep = order[..shown].to_vec();
    keep.sort_unstable();
    keep.into_iter().map(|i| v[i].clone()).collect()
}

/// Whether a status map names `status`, as the importers look a name up: as written,
/// else without its decoration (`parked` maps `🧊 Parked`).
fn status_mapped(config: &crate::config::Config, status: &str) -> bool {
    [status, crate::source::status::bare(status)].into_iter().any(|s| {
        config.status_map.get(s).is_some()
            || config.sources.iter().any(|c| c.status_map.get(s).is_some())
    })
}

/// Of status names counted, how many items in all and the five most common, most first
/// ("Parked (4), Idea (2) and 3 more"); `None` when there are none.
fn most_common(names: BTreeMap<&str, usize>) -> Option<(usize, String)> {
    if names.is_empty() {
        return None;
    }
    let mut by_count: Vec<(&str, usize)> = names.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let total: usize = by_count.iter().map(|(_, n)| n).sum();
    let shown: Vec<String> = by_count.iter().take(5).map(|(s, n)| format!("{s} ({n})")).collect();
    let more = by_count.len().saturating_sub(5);
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    Some((total, format!("{}{more}", shown.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::{is_high_priority, one_of, priors, Ctx, Input};
    use crate::model::{Item, Prior};

    #[test]
    fn each_item_finds_itself_in_last_week_by_position_or_by_id() {
        let item = |id: &str| Item { id: id.into(), ..Item::default() };
        let prior = |id: &str, votes| Prior { id: id.into(), votes, ..Prior::default() };
        let items = [item("a"), item("b"), item("new"), item("c")];
        // Same order for two items, then one added this week, one gone, one moved.
        let old = [prior("a", 1), prior("b", 2), prior("c", 3), prior("gone", 4)];
        let found: Vec<Option<u32>> =
            priors(&items, &old).iter().map(|p| p.map(|p| p.votes)).collect();
        assert_eq!(found, [Some(1), Some(2), None, Some(3)]);
        assert_eq!(priors(&items, &[]), [None; 4]);
    }

    /// Overdue, due this week and due next week never overlap: the report week's
    /// remaining days, then the next ISO week, Monday to Sunday.
    #[test]
    fn due_windows_follow_iso_weeks() {
        use crate::classify::Classification;
        use crate::config::Config;
        use crate::model::{Period, Snapshot, State, WeekChoice};
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(&format!("{s}T17:00:00Z")).expect("t").to_utc()
        };
        // Wednesday 25 Nov 2026, in 2026-W48 (23–29 Nov); W49 is 30 Nov – 6 Dec.
        let as_of = at("2026-11-25");
        let due = |key: &str, d: &str, state: State| Item {
            id: key.into(),
            key: key.into(),
            state,
            due: chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
            ..Item::default()
        };
        let mut snap = Snapshot::empty(as_of);
        snap.items = vec![
            due("monday", "2026-11-23", State::Open),
            due("today", "2026-11-25", State::Open),
            due("sunday", "2026-11-29", State::InProgress),
            due("next-monday", "2026-11-30", State::Open),
            due("next-sunday", "2026-12-06", State::Open),
            due("later", "2026-12-07", State::Open),
            due("done", "2026-11-30", State::Done),
        ];
        let class = Classification {
            concern: crate::model::Concern::Project,
            scores: Default::default(),
            confidence: crate::classify::Confidence::High,
            runner_up: None,
            reasons: Vec::new(),
        };
        let classes = vec![class; snap.items.len()];
        let config = Config::default();
        let input = Input {
            snapshot: &snap,
            classes: &classes,
            baseline: None,
            period: Period::resolve(Some(WeekChoice::This), as_of, chrono_tz::Tz::UTC),
            config: &config,
            history: &[],
            rewind: Default::default(),
        };
        let ctx = Ctx::new(&input);
        let keys = |f: &dyn Fn(usize) -> bool| -> Vec<&str> {
            (0..snap.items.len()).filter(|&i| f(i)).map(|i| snap.items[i].key.as_str()).collect()
        };
        assert_eq!(keys(&|i| ctx.overdue(i)), ["monday"]);
        assert_eq!(keys(&|i| ctx.due_this_week(i)), ["today", "sunday"]);
        assert_eq!(keys(&|i| ctx.due_next_week(i)), ["next-monday", "next-sunday"]);
    }

    #[test]
    fn labels_and_priorities_match_in_any_case() {
        let risk = &["risk", "at risk"];
        assert!(one_of("Risk", risk) && one_of("AT RISK", risk) && one_of("risk", risk));
        assert!(!one_of("risky", risk) && !one_of("", risk));
        // Non-ASCII text is lower-cased as Unicode does: the Kelvin sign becomes `k`.
        assert!(one_of("RIS\u{212A}", risk));
        assert!(!one_of("rïsk", risk));
        assert!(is_high_priority(Some(" Highest ")) && is_high_priority(Some("P1")));
        assert!(!is_high_priority(Some("Medium")) && !is_high_priority(None));
    }
}
