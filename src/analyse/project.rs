//! The project report: *are we delivering this defined work on schedule?*

use serde::{Deserialize, Serialize};

use super::{median_p85, Ctx, ItemRef, Meta, MilestoneProgress, Note, Verdict};
use crate::classify::Concern;
use crate::model::State;
use crate::model::Status;
use crate::model::Week;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectReport<'a> {
    pub meta: Meta,
    pub verdict: Verdict,
    pub milestones: Vec<MilestoneProgress>,
    /// Items that joined a milestone since the baseline, not from another one (those
    /// are in `scope_moved`).
    pub scope_added: Vec<ItemRef<'a>>,
    /// Keys of the items that left a milestone since the baseline, not for another one
    /// (those are in `scope_moved`); why each left is in `scope_removals`.
    pub scope_removed: Vec<String>,
    /// Items that left one milestone for another since the baseline.
    pub scope_moved: Vec<Moved<'a>>,
    /// `scope_removed` with why each item left: cancelled, no milestone now, moved to a
    /// milestone that does not count it, or no longer in the data.
    pub scope_removals: Vec<Removal>,
    /// Why items of some sources were not compared on their milestone this week: their
    /// export has no column for it while last week's snapshot had milestones ("this
    /// week's export has no Fix versions column"); none when every item was compared.
    pub scope_not_compared: Option<String>,
    /// Items of a milestone whose estimate changed since the baseline (both weeks had
    /// one): remaining work moves with them as with scope.
    pub re_estimated: Vec<ReEstimate<'a>>,
    /// The scope changes of each current sprint since the baseline (items that joined
    /// it, items that left it): where sprints are the schedule, the milestones' scope
    /// changes say nothing. Empty without a baseline that knew sprints.
    pub sprint_scope: Vec<SprintScope<'a>>,
    /// Sprints that `sprint_scope` does not cover (not current, or new this week) and that
    /// gained items since the baseline, with how many: "No scope changes." stood above a
    /// sprint table whose Added column showed 21. Empty without a baseline that knew
    /// sprints.
    pub sprints_added_elsewhere: Vec<SprintAdded>,
    pub planned: Planned,
    pub overdue: Vec<ItemRef<'a>>,
    /// Due from today to Sunday of the report's week.
    pub due_this_week: Vec<ItemRef<'a>>,
    /// Due in the next ISO week, Monday to Sunday.
    pub due_next_week: Vec<ItemRef<'a>>,
    pub throughput: Vec<WeekCount>,
    pub cycle_time: CycleTime,
    /// Ageing work in progress, arrivals against departures, work in progress per team.
    pub flow: super::flow::Flow<'a>,
    /// Forecasts of the current sprints and the open epics (milestones carry their own).
    pub forecasts: Vec<ScopeForecast>,
    /// Milestones whose forecast has a date (the others say why not, in words).
    pub forecast_dates: usize,
    /// The weeks of throughput the milestones' forecasts sample (the most of any).
    pub forecast_weeks: Option<usize>,
    /// Sprints, oldest first per board; what finished ones left open.
    pub sprints: super::sprints::Sprints,
    /// Open work at the top of its priority scale not started `stale-days` or more after
    /// it was created, oldest first: what the headline names ("IN-21 for 7 weeks"), listed
    /// with title, priority and age.
    pub urgent_not_started: Vec<UrgentWaiting<'a>>,
    pub triage: Vec<ItemRef<'a>>,
    pub notes: Vec<Note>,
}

/// An item that moved from one milestone to another since the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved<'a> {
    pub item: ItemRef<'a>,
    pub from: String,
    pub to: String,
}

/// An item that left a milestone since the baseline, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removal {
    pub key: String,
    pub id: String,
    /// Its title: now, or last week's for an item no longer in the data (weeks stored by
    /// earlier versions kept none).
    pub title: Option<String>,
    /// The milestone it left.
    pub milestone: String,
    /// `cancelled`, `no-milestone` (it has none now), `moved` (to a milestone that does
    /// not count it, such as an epic beside its stories) or `gone` (no longer in the
    /// data: deleted, moved out of the export or out of `[scope]`).
    pub why: String,
    /// The same in words: "cancelled", "no milestone now", "moved to R2", "no longer
    /// in the data".
    pub reason: String,
}

/// A current sprint's scope now against the baseline's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SprintScope<'a> {
    pub sprint: String,
    /// No item was in it at the baseline: the sprint first appears this week (a team's
    /// new cycle), so its items are its plan, not scope it grew by.
    pub new: bool,
    /// Items in it at the baseline, and now (cancelled ones not counted).
    pub before: usize,
    pub after: usize,
    /// Items in it now that were not at the baseline (new, or from another sprint).
    pub added: Vec<ItemRef<'a>>,
    /// Items in it at the baseline that are not now, and why.
    pub removed: Vec<SprintRemoval>,
}

/// An urgent item not started: its priority as the tracker names it, and its age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrgentWaiting<'a> {
    pub item: ItemRef<'a>,
    pub priority: String,
    /// Days since it was created…
    pub age_days: i64,
    /// …as the headline says them: "7 weeks", "12 days" under two weeks.
    pub age: String,
}

/// A sprint other than the current ones that gained items since the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintAdded {
    pub sprint: String,
    pub added: usize,
}

/// The sprints [`sprint_scope`] leaves out that gained items since the baseline, in the
/// sprint table's order.
fn sprints_added_elsewhere(ctx: &Ctx<'_>, scope: &[SprintScope<'_>]) -> Vec<SprintAdded> {
    (ctx.sprints().list.iter())
        .filter(|s| !scope.iter().any(|c| c.sprint == s.title))
        .filter(|s| !(s.current && s.committed.is_some()))
        .filter_map(|s| {
            s.added.filter(|&n| n > 0).map(|added| SprintAdded { sprint: s.title.clone(), added })
        })
        .collect()
}

/// An item that left a sprint since the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintRemoval {
    pub key: String,
    /// Its title now; last week's (where the stored week kept one) when it left the data.
    pub title: Option<String>,
    /// "moved to RETAIL Sprint 2", "no sprint now", "cancelled", "no longer in the data".
    pub reason: String,
}

/// The scope changes of every current sprint since the baseline, when the baseline knew
/// sprints: the project manager's "did the sprint's scope change?" where sprints, not
/// milestones, are the schedule.
fn sprint_scope<'a>(ctx: &'a Ctx<'_>) -> Vec<SprintScope<'a>> {
    let Some(baseline) = ctx.input.baseline else { return Vec::new() };
    let mut out = Vec::new();
    for sp in ctx.sprints().list.iter().filter(|s| s.current && s.committed.is_some()) {
        let title = sp.title.as_str();
        let now: Vec<usize> = (0..ctx.items.len())
            .filter(|&i| {
                let it = &ctx.items[i];
                it.state != State::Cancelled
                    && it.iteration.as_deref() == Some(title)
                    && !ctx.lost(i, crate::model::Field::Sprint)
            })
            .collect();
        let was_in = |i: usize| ctx.prior[i].is_some_and(|p| p.iteration.as_deref() == Some(title));
        let added: Vec<usize> = now.iter().copied().filter(|&i| !was_in(i)).collect();
        let then: Vec<&crate::model::Prior> = (baseline.items.iter())
            .filter(|p| p.state != State::Cancelled && p.iteration.as_deref() == Some(title))
            .collect();
        let mut removed = Vec::new();
        for p in &then {
            let key = p.id.split_once(':').map_or(p.id.to_string(), |(_, k)| k.to_string());
            let it = ctx.index.get(&*p.id).map(|&i| (i, &ctx.items[i]));
            let reason = match it {
                None => "no longer in the data".to_string(),
                Some((_, it)) if it.state == State::Cancelled => "cancelled".into(),
                Some((_, it)) if it.iteration.as_deref() == Some(title) => continue,
                Some((i, _)) if ctx.lost(i, crate::model::Field::Sprint) => continue,
                Some((_, it)) => match it.iteration.as_deref() {
                    Some(to) => format!("moved to {to}"),
                    None => "no sprint now".into(),
                },
            };
            removed.push(SprintRemoval {
                key: it.map_or(key, |(_, it)| it.key.to_string()),
                title: it
                    .map(|(_, it)| it.title.to_string())
                    .or_else(|| p.title.as_ref().map(|t| t.to_string())),
                reason,
            });
        }
        if added.is_empty() && removed.is_empty() {
            continue;
        }
        out.push(SprintScope {
            sprint: sp.title.clone(),
            new: then.is_empty(),
            before: then.len(),
            after: now.len(),
            added: added.into_iter().map(|i| ctx.item_ref(i)).collect(),
            removed,
        });
    }
    out
}

/// An item whose estimate changed since the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReEstimate<'a> {
    pub item: ItemRef<'a>,
    pub before: f64,
    pub after: f64,
}

/// What was open at the baseline, and what of it is done now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    /// False on a first run: there is no plan to compare with.
    pub has_baseline: bool,
    pub planned: usize,
    pub done: usize,
    /// Done this week but not open at the baseline (new or unplanned work).
    pub unplanned_done: usize,
    /// Open at the baseline and no longer in the data (deleted, moved out of the export
    /// or out of `[scope]`): part of the plan, neither done nor open now.
    #[serde(default)]
    pub gone: usize,
    /// Done at the baseline and open again now: work the earlier weeks counted as done
    /// (their throughput drops with it).
    #[serde(default)]
    pub reopened: usize,
}

/// The forecast of a sprint or an epic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeForecast {
    /// `sprint` or `epic`.
    pub kind: String,
    pub title: String,
    pub key: Option<String>,
    pub url: Option<String>,
    /// The sprint's end, the epic's due date.
    pub due: Option<chrono::NaiveDate>,
    pub open: usize,
    pub forecast: super::forecast::Forecast,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekCount {
    pub week: String,
    pub done: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleTime {
    /// `cycle` (started → done) or `lead` (created → done), whichever the data allows.
    pub measure: String,
    pub samples: usize,
    pub median_days: Option<f64>,
    pub p85_days: Option<f64>,
    /// The weeks the samples come from.
    pub weeks: usize,
    /// Every sample under an hour (items created and resolved minutes apart: logged after
    /// the work was done): the figures measure the logging, not the work, and the report
    /// says so instead of showing them.
    pub not_meaningful: bool,
    /// The first day of the `weeks` (the Monday three weeks before the report's week),
    /// said in the text: the headline's "finished in the last 4 weeks" counts the same.
    #[serde(default)]
    pub since: chrono::NaiveDate,
    /// Items finished in those weeks with no start (or creation) date to time them by:
    /// left out of `samples`, and said, so that "(1 item)" beside three finished adds up.
    #[serde(default)]
    pub untimed: usize,
}

/// The scope changes of every milestone since the baseline, as the report lists them:
/// items added, items moved from one milestone to another (once, not as a removal and
/// an addition), and items removed with why.
fn scope_changes<'a>(ctx: &'a Ctx<'_>) -> (Vec<ItemRef<'a>>, Vec<Moved<'a>>, Vec<Removal>) {
    // Which milestone each removed item left.
    let mut left: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (m, (_, removed)) in ctx.milestones.iter().zip(&ctx.scope_changes) {
        for id in removed {
            left.entry(id.as_str()).or_insert(m.title.as_str());
        }
    }
    let mut added = Vec::new();
    let mut moved = Vec::new();
    for (m, (joined, _)) in ctx.milestones.iter().zip(&ctx.scope_changes) {
        for &i in joined {
            match left.remove(ctx.items[i].id.as_str()) {
                Some(from) if from != m.title => moved.push(Moved {
                    item: ctx.item_ref(i),
                    from: from.to_string(),
                    to: m.title.clone(),
                }),
                _ => added.push(ctx.item_ref(i)),
            }
        }
    }
    let mut removals = Vec::new();
    let titles_then = std::cell::OnceCell::new();
    for (m, (_, removed)) in ctx.milestones.iter().zip(&ctx.scope_changes) {
        for id in removed.iter().filter(|id| left.contains_key(id.as_str())) {
            let key = id.split_once(':').map_or(id.clone(), |(_, k)| k.to_string());
            let now = ctx.index.get(id.as_str()).map(|&i| &ctx.items[i]);
            let (why, reason) = match now {
                None => ("gone", "no longer in the data".to_string()),
                Some(it) if it.state == State::Cancelled => ("cancelled", "cancelled".into()),
                Some(it) => match &it.milestone {
                    None => ("no-milestone", "no milestone now".into()),
                    Some(to) => ("moved", format!("moved to {to}")),
                },
            };
            // An item gone from the data is named by its title last week, where the
            // stored week kept one.
            let then = || {
                let titles = titles_then.get_or_init(|| {
                    (ctx.input.baseline.iter().flat_map(|b| &b.items))
                        .filter_map(|p| Some((p.id.as_str(), p.title.as_ref()?.as_str())))
                        .collect::<std::collections::HashMap<&str, &str>>()
                });
                titles.get(id.as_str()).map(|t| t.to_string())
            };
            removals.push(Removal {
                key,
                id: id.clone(),
                title: now.map(|it| it.title.to_string()).or_else(then),
                milestone: m.title.clone(),
                why: why.into(),
                reason,
            });
        }
    }
    (added, moved, removals)
}

pub fn build<'a>(ctx: &'a Ctx<'_>, notes: Vec<Note>) -> ProjectReport<'a> {
    let t = ctx.thresholds();
    let mut milestones: Vec<MilestoneProgress> = ctx.progress.clone();
    milestones.sort_by(super::milestone_order);

    let (scope_added, scope_moved, scope_removals) = scope_changes(ctx);
    let scope_removed = scope_removals.iter().map(|r| r.key.clone()).collect();

    let sprint_scope = sprint_scope(ctx);
    let planned = match ctx.input.baseline {
        None => Planned {
            has_baseline: false,
            planned: 0,
            done: 0,
            unplanned_done: 0,
            gone: 0,
            reopened: 0,
        },
        Some(baseline) => {
            let was_open = |i: usize| ctx.prior[i].is_some_and(|b| b.state.is_active());
            let planned: Vec<usize> = (0..ctx.items.len()).filter(|&i| was_open(i)).collect();
            let done = planned.iter().filter(|&&i| ctx.items[i].state == State::Done).count();
            let unplanned_done =
                (0..ctx.items.len()).filter(|&i| ctx.done_this_week(i) && !was_open(i)).count();
            let gone = (baseline.items.iter())
                .filter(|p| p.state.is_active() && !ctx.index.contains_key(p.id.as_str()))
                .count();
            let reopened = (0..ctx.items.len())
                .filter(|&i| {
                    ctx.items[i].state.is_active()
                        && ctx.prior[i].is_some_and(|b| b.state == State::Done)
                })
                .count();
            Planned {
                has_baseline: true,
                planned: planned.len() + gone,
                done,
                unplanned_done,
                gone,
                reopened,
            }
        }
    };

    let by_due = |mut v: Vec<usize>| {
        v.sort_by_key(|&i| (ctx.items[i].due, ctx.items[i].key.clone()));
        v
    };
    // What changed this week first (fell overdue since Monday), then priority, then the
    // longest overdue.
    let week_start = ctx.input.period.week.first_day();
    let mut overdue: Vec<usize> = (0..ctx.items.len()).filter(|&i| ctx.overdue(i)).collect();
    overdue.sort_by_cached_key(|&i| {
        let it = &ctx.items[i];
        (
            it.due.is_none_or(|d| d < week_start),
            !super::is_high_priority(it.priority.as_deref()),
            it.due,
            it.key.clone(),
        )
    });
    let this_week = by_due((0..ctx.items.len()).filter(|&i| ctx.due_this_week(i)).collect());
    let next = by_due((0..ctx.items.len()).filter(|&i| ctx.due_next_week(i)).collect());

    let throughput = throughput(ctx, t.throughput_weeks.max(1));
    let cycle_time = cycle_time(ctx);
    let flow = super::flow::flow(ctx, &throughput);
    let forecasts = scope_forecasts(ctx);
    let forecast_dates =
        milestones.iter().filter(|m| m.forecast.as_ref().is_some_and(|f| f.p50.is_some())).count();

    let forecast_weeks =
        milestones.iter().filter_map(|m| m.forecast.as_ref()).map(|f| f.weeks_sampled).max();

    let verdict = verdict(&milestones, &overdue, ctx);
    ProjectReport {
        meta: ctx.meta(crate::model::Role::Project),
        verdict,
        milestones,
        scope_added,
        scope_removed,
        scope_moved,
        scope_removals,
        re_estimated: (0..ctx.items.len())
            .filter(|&i| {
                let it = &ctx.items[i];
                it.milestone.is_some()
                    && it.state != State::Cancelled
                    && !ctx.lost(i, crate::model::Field::Estimate)
            })
            .filter_map(|i| {
                let (before, after) = (ctx.prior[i]?.estimate?, ctx.items[i].estimate?);
                (before != after).then(|| ReEstimate { item: ctx.item_ref(i), before, after })
            })
            .collect(),
        sprints_added_elsewhere: sprints_added_elsewhere(ctx, &sprint_scope),
        sprint_scope,
        scope_not_compared: (ctx.lost.iter())
            .find(|l| l.field == crate::model::Field::Milestone)
            .map(|l| format!("this week's export has no {}", l.column)),
        planned,
        overdue: overdue.into_iter().map(|i| ctx.item_ref(i)).collect(),
        due_this_week: this_week.into_iter().map(|i| ctx.item_ref(i)).collect(),
        due_next_week: next.into_iter().map(|i| ctx.item_ref(i)).collect(),
        throughput,
        cycle_time,
        flow,
        forecasts,
        forecast_dates,
        forecast_weeks,
        sprints: ctx.sprints().clone(),
        urgent_not_started: urgent_not_started(ctx),
        triage: ctx.triage(Concern::Project),
        notes,
    }
}

/// The urgent work not started, of every item the report counts, as the flow verdict
/// finds it.
fn urgent_not_started<'a>(ctx: &'a Ctx<'_>) -> Vec<UrgentWaiting<'a>> {
    let all: Vec<usize> = (0..ctx.items.len()).collect();
    (super::evidence::urgent_not_started(ctx, &all).into_iter())
        .map(|(i, age_days)| UrgentWaiting {
            item: ctx.item_ref(i),
            priority: ctx.items[i].priority.as_deref().unwrap_or("").trim().to_string(),
            age: super::evidence::weeks_or_days(age_days),
            age_days,
        })
        .collect()
}

/// Items done per ISO week, the report's week last.
fn throughput(ctx: &Ctx, weeks: usize) -> Vec<WeekCount> {
    // Not the weeks before the data begins (its first item's creation, or finish): rows
    // of zeros there read as "the team did nothing".
    let first = (ctx.items.iter())
        .flat_map(|i| [i.created, i.closed])
        .flatten()
        .min()
        .map(|t| Week::of(ctx.date_of(t)));
    let mut list = vec![ctx.input.period.week];
    while list.len() < weeks && first.is_none_or(|f| f < list[0]) {
        let prev = list[0].prev();
        list.insert(0, prev);
    }
    let mut counts = vec![0usize; list.len()];
    // Finished work, not epics (see `flow::is_work`).
    for it in ctx.items.iter().filter(|i| super::flow::is_finished_work(i)) {
        let Some(c) = it.closed.filter(|c| *c <= ctx.input.period.as_of) else { continue };
        let w = Week::of(ctx.date_of(c));
        if let Some(pos) = list.iter().position(|x| *x == w) {
            counts[pos] += 1;
        }
    }
    list.iter().zip(counts).map(|(w, done)| WeekCount { week: w.to_string(), done }).collect()
}

/// Over the last four weeks: started → done where a start exists for every sample, else
/// created → done (lead time), labelled as such.
/// Forecasts of each current sprint (to its end) and each open epic with open children
/// (to its due date), those with a date only: the milestones say why a forecast has none.
fn scope_forecasts(ctx: &Ctx) -> Vec<ScopeForecast> {
    let mut out = Vec::new();
    for sp in ctx.sprints().list.iter().filter(|s| s.current && s.open > 0) {
        let counted: Vec<usize> = (0..ctx.items.len())
            .filter(|&i| {
                let it = &ctx.items[i];
                it.state != State::Cancelled && it.iteration.as_deref() == Some(sp.title.as_str())
            })
            .collect();
        let open = counted.iter().filter(|&&i| ctx.items[i].state.is_active()).count();
        if open == 0 {
            continue;
        }
        out.push(ScopeForecast {
            kind: "sprint".into(),
            title: sp.title.clone(),
            key: None,
            url: None,
            due: sp.end,
            open,
            forecast: ctx.forecast(&format!("sprint:{}", sp.title), sp.end, &counted),
        });
    }
    let mut epics: Vec<usize> = (0..ctx.items.len())
        .filter(|&i| ctx.items[i].state.is_active() && ctx.items[i].is_epic())
        .collect();
    epics.sort_by(|&a, &b| {
        (ctx.items[a].due.is_none(), ctx.items[a].due, &ctx.items[a].key).cmp(&(
            ctx.items[b].due.is_none(),
            ctx.items[b].due,
            &ctx.items[b].key,
        ))
    });
    for e in epics {
        let it = &ctx.items[e];
        let counted: Vec<usize> = ctx
            .children
            .get(it.id.as_str())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&i| ctx.items[i].state != State::Cancelled)
            .collect();
        let open = counted.iter().filter(|&&i| ctx.items[i].state.is_active()).count();
        if open == 0 {
            continue;
        }
        out.push(ScopeForecast {
            kind: "epic".into(),
            title: it.title.to_string(),
            key: Some(it.key.to_string()),
            url: it.url.clone(),
            due: it.due,
            open,
            forecast: ctx.forecast(&it.id, it.due, &counted),
        });
    }
    out.retain(|f| f.forecast.p50.is_some());
    out
}

fn cycle_time(ctx: &Ctx) -> CycleTime {
    let weeks = 4;
    let since = ctx.last_weeks_start(weeks as i64);
    let done: Vec<&crate::model::Item> = ctx
        .items
        .iter()
        .filter(|i| {
            super::flow::is_finished_work(i)
                && i.closed.is_some_and(|c| c >= since && c <= ctx.input.period.as_of)
        })
        .collect();
    let with_start = done.iter().filter(|i| i.started.is_some()).count();
    let cycle = !done.is_empty() && with_start * 2 >= done.len();
    let mut days: Vec<f64> = done
        .iter()
        .filter_map(|i| {
            let from = if cycle { i.started? } else { i.created? };
            // Closed before it was created (or started) is a data error, counted in the
            // data-quality notes, not a 0-day cycle.
            let closed = i.closed.filter(|&c| c >= from && i.created.is_none_or(|o| c >= o))?;
            Some((closed - from).num_minutes() as f64 / 1440.0)
        })
        .collect();
    let not_meaningful = !days.is_empty() && days.iter().all(|&d| d < 1.0 / 24.0);
    // Only those with no date to time them by: one closed before it was created is a
    // data error, said in the data-quality notes.
    let untimed = (done.iter())
        .filter(|i| if cycle { i.started.is_none() } else { i.created.is_none() })
        .count();
    let (median, p85) = median_p85(&mut days);
    CycleTime {
        not_meaningful,
        since: ctx.date_of(since),
        untimed,
        measure: if cycle { "cycle" } else { "lead" }.into(),
        samples: days.len(),
        median_days: median,
        p85_days: p85,
        weeks,
    }
}

fn verdict(milestones: &[MilestoneProgress], overdue: &[usize], ctx: &Ctx) -> Verdict {
    let known: Vec<&MilestoneProgress> =
        milestones.iter().filter(|m| m.status != Status::Unknown && m.open > 0).collect();
    let mut reasons: Vec<String> = known
        .iter()
        .filter(|m| m.status != Status::Green)
        .map(|m| format!("{}: {}", m.title, m.reason))
        .collect();
    let on_track = known.iter().filter(|m| m.status == Status::Green).count();
    let (status, headline) = if known.is_empty() {
        // No open milestone with a date: the items' own due dates, else flow.
        let all: Vec<usize> = (0..ctx.items.len())
            .filter(|&i| ctx.items[i].state != crate::model::State::Cancelled)
            .collect();
        let a = super::evidence::assess(ctx, &all, "item");
        // "No open milestone has a date" read as if some item had a milestone.
        let none = match milestones.is_empty() {
            true => "No item is in a milestone",
            false => "No open milestone has a date",
        };
        let headline = match a.status {
            Status::Unknown => match ctx.nothing_in_scope() {
                Some(why) => format!("The schedule cannot be judged: {why}."),
                None => "The schedule cannot be judged from this data.".to_string(),
            },
            _ if a.basis == super::evidence::Basis::DueDates => {
                format!("{none}; by due dates, {}.", a.reason)
            }
            // "0 items overdue" only where some item has a due date to be overdue by.
            _ if !ctx.items.iter().any(|i| i.due.is_some()) => {
                format!("{none}; by {}, {}.", a.basis.words(), a.reason)
            }
            _ => format!(
                "{none}; by {}, {}; {} overdue.",
                a.basis.words(),
                a.reason,
                super::plural_items(overdue.len(), "item")
            ),
        };
        // An empty scope is said in the headline: not twice.
        if a.status == Status::Unknown && ctx.nothing_in_scope().is_none() {
            reasons.push(format!("{}.", super::capitalised(&a.reason)));
            reasons.extend(a.fix);
        } else if a.status != Status::Unknown {
            // The headline's reason, as a string of its own for the JSON (the Markdown
            // does not say it twice: see `Verdict::for_markdown`).
            reasons.push(format!("By {}, {}.", a.basis.words(), a.reason));
        }
        (a.status, headline)
    } else {
        let status = known.iter().fold(Status::Green, |s, m| s.worst(m.status));
        let headline = format!(
            "{on_track} of {} on schedule; {} overdue.",
            super::plural_items(known.len(), "open milestone"),
            super::plural_items(overdue.len(), "item")
        );
        (status, headline)
    };
    // The list is in the order a reader acts on (newly overdue first); the oldest is
    // the earliest due, then the first key.
    let oldest = overdue.iter().min_by_key(|&&i| (ctx.items[i].due, &ctx.items[i].key));
    if let Some(&first) = oldest {
        let it = &ctx.items[first];
        reasons.push(format!(
            "Oldest overdue: {} (due {}).",
            it.key,
            it.due.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    Verdict { status, headline, reasons }
}

impl ProjectReport<'_> {
    /// A copy with every list cut to `top` for the Markdown templates, and the full
    /// length of each list (the JSON report keeps everything).
    pub fn capped(&self, top: usize) -> (Self, super::Totals) {
        let mut t = super::Totals::new();
        macro_rules! c {
            ($name:literal, $v:expr) => {
                super::cap($name, &$v, top, &mut t)
            };
        }
        let r = ProjectReport {
            meta: self.meta.clone(),
            verdict: self.verdict.for_markdown(),
            milestones: c!("milestones", self.milestones),
            scope_added: c!("scope_added", self.scope_added),
            scope_removed: c!("scope_removed", self.scope_removed),
            scope_moved: c!("scope_moved", self.scope_moved),
            scope_removals: c!("scope_removals", self.scope_removals),
            scope_not_compared: self.scope_not_compared.clone(),
            re_estimated: c!("re_estimated", self.re_estimated),
            sprint_scope: self.sprint_scope.clone(),
            sprints_added_elsewhere: self.sprints_added_elsewhere.clone(),
            planned: self.planned.clone(),
            overdue: c!("overdue", self.overdue),
            due_this_week: c!("due_this_week", self.due_this_week),
            due_next_week: c!("due_next_week", self.due_next_week),
            throughput: self.throughput.clone(),
            cycle_time: self.cycle_time.clone(),
            forecasts: c!("forecasts", self.forecasts),
            forecast_dates: self.forecast_dates,
            forecast_weeks: self.forecast_weeks,
            flow: super::flow::Flow {
                ageing: c!("ageing", self.flow.ageing),
                by_team: super::cap_teams("flow_by_team", &self.flow.by_team, top, &mut t, |w| {
                    (w.beyond_p85, w.wip)
                }),
                ..self.flow.clone()
            },
            sprints: {
                let mut s = self.sprints.clone();
                t.insert("sprints", s.list.len());
                s.list = super::sprints::latest(s.list, top, s.current.as_deref());
                s
            },
            urgent_not_started: c!("urgent_not_started", self.urgent_not_started),
            triage: c!("triage", self.triage),
            notes: self.notes.clone(),
        };
        (r, t)
    }
}
