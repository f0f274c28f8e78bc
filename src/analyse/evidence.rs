//! A status from what an export really has, when no milestone with a date can give one.
//!
//! Real exports rarely date their fix versions, and teams that plan in sprints often set
//! no due dates. A verdict is still owed, so it comes from the next evidence available:
//!
//! 1. **due dates** of the open items: red when `overdue-red-share` or more of those with a
//!    due date are overdue, amber when any is (or one fell overdue this week), else green;
//! 2. **flow**, when finished work gives a cycle-time history (at least
//!    [`MIN_SAMPLES`] items done in the last `flow-weeks` weeks): red when nothing was
//!    finished in the last four weeks while work is in progress, or when
//!    `ageing-red-share` of the work in progress is older than 85 % of finished items
//!    took; amber from `ageing-amber-share`; else green;
//! 3. otherwise **unknown**, with one line naming what is missing and the setting that
//!    fixes it.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{median_p85, plural_items, Ctx};
use crate::model::{State, Status};

/// Finished items needed before flow says anything.
pub(crate) const MIN_SAMPLES: usize = 5;

/// What a status was judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Basis {
    /// Milestones or sprints with dates.
    Milestones,
    /// Due dates of open items.
    DueDates,
    /// Ageing work in progress against the cycle-time history.
    Flow,
    /// Nothing to judge by.
    Nothing,
}

impl Basis {
    /// What a headline says the status rests on: "by due dates".
    pub(crate) fn words(self) -> &'static str {
        match self {
            Basis::Milestones => "milestone dates",
            Basis::DueDates => "due dates",
            Basis::Flow => "flow",
            Basis::Nothing => "what is done",
        }
    }
}

/// A status with its reason, and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assessment {
    pub status: Status,
    pub basis: Basis,
    /// One line: why the status is what it is.
    pub reason: String,
    /// For an unknown status: what to give rolecall so that it can judge.
    pub fix: Option<String>,
}

/// The status of the work in `items` (indices into the context's items) from due dates,
/// else flow, else unknown with what is missing.
pub(crate) fn assess(ctx: &Ctx, items: &[usize]) -> Assessment {
    due_dates(ctx, items).or_else(|| flow(ctx, items)).unwrap_or_else(|| nothing(ctx, items))
}

fn due_dates(ctx: &Ctx, items: &[usize]) -> Option<Assessment> {
    let t = ctx.thresholds();
    let dated: Vec<usize> = items
        .iter()
        .copied()
        .filter(|&i| ctx.items[i].state.is_active() && ctx.items[i].due.is_some())
        .collect();
    if dated.is_empty() {
        return None;
    }
    let overdue: Vec<usize> = dated.iter().copied().filter(|&i| ctx.overdue(i)).collect();
    let week_start = ctx.input.period.week.first_day();
    let newly =
        overdue.iter().filter(|&&i| ctx.items[i].due.is_some_and(|d| d >= week_start)).count();
    let share = overdue.len() as f64 / dated.len() as f64;
    let mut reason = format!(
        "{} of {} with a due date {} overdue",
        overdue.len(),
        plural_items(dated.len(), "open item"),
        if overdue.len() == 1 { "is" } else { "are" }
    );
    if newly > 0 {
        reason.push_str(&format!(" ({newly} since Monday)"));
    }
    let status = if !overdue.is_empty() && share >= t.overdue_red_share {
        Status::Red
    } else if !overdue.is_empty() {
        Status::Amber
    } else {
        reason = format!(
            "none of {} with a due date is overdue",
            plural_items(dated.len(), "open item")
        );
        Status::Green
    };
    Some(Assessment { status, basis: Basis::DueDates, reason, fix: None })
}

/// Ages in days of finished work (lead or cycle time) over the last `flow-weeks` weeks,
/// and of each item in progress.
fn flow(ctx: &Ctx, items: &[usize]) -> Option<Assessment> {
    let t = ctx.thresholds();
    let as_of = ctx.input.period.as_of;
    let since = as_of - Duration::weeks(t.flow_weeks as i64);
    let finished: Vec<usize> = items
        .iter()
        .copied()
        .filter(|&i| {
            let it = &ctx.items[i];
            it.state == State::Done && it.closed.is_some_and(|c| c >= since && c <= as_of)
        })
        .collect();
    let age = |i: usize, until: chrono::DateTime<chrono::Utc>| -> Option<f64> {
        let it = &ctx.items[i];
        let from = it.started.or(it.created)?;
        Some(((until - from).num_minutes() as f64 / 1440.0).max(0.0))
    };
    let mut took: Vec<f64> =
        finished.iter().filter_map(|&i| age(i, ctx.items[i].closed.unwrap_or(as_of))).collect();
    if took.len() < MIN_SAMPLES {
        return None;
    }
    let (_, p85) = median_p85(&mut took);
    let p85 = p85.unwrap_or(0.0);
    let wip: Vec<usize> =
        items.iter().copied().filter(|&i| ctx.items[i].state == State::InProgress).collect();
    let four_weeks = as_of - Duration::weeks(4);
    let recent =
        finished.iter().filter(|&&i| ctx.items[i].closed.is_some_and(|c| c >= four_weeks)).count();
    if wip.is_empty() {
        let open = items.iter().filter(|&&i| ctx.items[i].state == State::Open).count();
        let reason = format!(
            "nothing in progress; {} finished in the last {} weeks, {} open",
            plural_items(finished.len(), "item"),
            t.flow_weeks,
            open
        );
        let status = if recent == 0 && open > 0 { Status::Amber } else { Status::Green };
        return Some(Assessment { status, basis: Basis::Flow, reason, fix: None });
    }
    if recent == 0 {
        let reason = format!(
            "nothing finished in the last 4 weeks with {} in progress",
            plural_items(wip.len(), "item")
        );
        return Some(Assessment { status: Status::Red, basis: Basis::Flow, reason, fix: None });
    }
    let old = wip.iter().filter(|&&i| age(i, as_of).is_some_and(|a| a > p85)).count();
    let share = old as f64 / wip.len() as f64;
    let reason = format!(
        "{old} of {} in progress {} older than 85% of finished work took ({p85:.0} days); {} finished in the last 4 weeks",
        plural_items(wip.len(), "item"),
        if old == 1 { "is" } else { "are" },
        plural_items(recent, "item")
    );
    let status = if share >= t.ageing_red_share {
        Status::Red
    } else if share >= t.ageing_amber_share {
        Status::Amber
    } else {
        Status::Green
    };
    Some(Assessment { status, basis: Basis::Flow, reason, fix: None })
}

fn nothing(ctx: &Ctx, items: &[usize]) -> Assessment {
    let open = items.iter().filter(|&&i| ctx.items[i].state.is_active()).count();
    if open == 0 && !items.is_empty() {
        return Assessment {
            status: Status::Green,
            basis: Basis::Nothing,
            reason: format!("all {} done", plural_items(items.len(), "item")),
            fix: None,
        };
    }
    Assessment {
        status: Status::Unknown,
        basis: Basis::Nothing,
        reason: format!(
            "nothing to judge the schedule by: no dated milestone or sprint, no due date on an open item, and fewer than {MIN_SAMPLES} items finished in the last {} weeks",
            ctx.thresholds().flow_weeks
        ),
        fix: Some("Give milestone dates in rolecall.toml ([[milestone]] title = \"…\" due = 2026-12-11), or export the Due date and Resolved columns.".into()),
    }
}
