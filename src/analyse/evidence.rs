//! A status from what an export really has, when no milestone with a date can give one.
//!
//! Real exports rarely date their fix versions, and teams that plan in sprints often set
//! no due dates. A verdict is still owed, so it comes from the next evidence available:
//!
//! 1. **due dates** of the open items: red when `overdue-red-share` or more of those with a
//!    due date are overdue, amber when any is (or one fell overdue this week), else green;
//! 2. **sprints**, for teams that plan in sprints and set no due dates: red when
//!    `overdue-red-share` or more of the open sprint work was left open in finished
//!    sprints, amber when any was, else green (see [`super::sprints`]);
//! 3. **flow**, when the export dates finished work: red when nothing was finished in
//!    the last `flow-weeks` weeks (or in the last four with work in progress); amber when
//!    fewer than [`MIN_SAMPLES`] items were; else, against the cycle-time history, red
//!    when `ageing-red-share` of the work in progress is older than 85 % of finished
//!    items took, amber from `ageing-amber-share`, else green;
//! 4. otherwise **unknown**, with one line naming what is missing and the setting that
//!    fixes it.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{plural_items, Ctx};
use crate::model::Status;

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
    /// What finished sprints left open.
    Sprints,
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
            Basis::Sprints => "sprints",
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
/// else flow, else unknown with what is missing. `noun` is what the sprints' reason calls
/// the items it counts left open ("product item" for the product report's: the sprint's
/// own progress beside it counts every item in the sprint).
pub(crate) fn assess(ctx: &Ctx, items: &[usize], noun: &str) -> Assessment {
    due_dates(ctx, items)
        .or_else(|| sprints(ctx, items, noun))
        .or_else(|| flow(ctx, items))
        .unwrap_or_else(|| nothing(ctx, items))
}

fn sprints(ctx: &Ctx, items: &[usize], noun: &str) -> Option<Assessment> {
    let s = super::sprints::sprints(ctx, Some(items));
    let (status, reason) = super::sprints::status(ctx, &s, noun)?;
    Some(Assessment { status, basis: Basis::Sprints, reason, fix: None })
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

/// Flow: how long finished work took (lead or cycle time, over every item in scope: the
/// team's history) against the age of the work in progress in `items`, and whether
/// anything is finished at all. `None` when the export has no finished work with a date,
/// or nothing in `items` is open.
fn flow(ctx: &Ctx, items: &[usize]) -> Option<Assessment> {
    let t = ctx.thresholds();
    let as_of = ctx.input.period.as_of;
    let finished = |i: usize| super::flow::is_finished_work(&ctx.items[i]);
    if !(0..ctx.items.len()).any(finished) {
        return None;
    }
    let open: Vec<usize> =
        items.iter().copied().filter(|&i| ctx.items[i].state.is_active()).collect();
    if open.is_empty() {
        return None;
    }
    let since = as_of - Duration::weeks(t.flow_weeks as i64);
    // The report's week and the three before, as the Throughput table and the Cycle time
    // section count them: a rolling 28 days here read "3 items finished in the last 4
    // weeks" above a table of those weeks that added up to 1. Dated in the text.
    let four_weeks = ctx.last_weeks_start(4);
    let last4 = format!("in the last 4 weeks (since {})", ctx.date_of(four_weeks));
    let closed_since = |i: usize, from| ctx.items[i].closed.is_some_and(|c| c >= from);
    // What finished work took, measured as the Flow section measures it.
    let done: Vec<usize> =
        (0..ctx.items.len()).filter(|&i| finished(i) && closed_since(i, since)).collect();
    let yard = super::flow::Yardsticks::new(ctx.items, &done);
    let age = |i: usize, until| super::flow::age_days(&ctx.items[i], until, yard.cycle);
    let mine = |from| items.iter().filter(|&&i| finished(i) && closed_since(i, from)).count();
    let (in_window, recent) = (mine(since), mine(four_weeks));
    // Blocked work waits: it is judged as blocked, not as slow work in progress.
    let wip: Vec<usize> = open.iter().copied().filter(|&i| ctx.flowing(i)).collect();
    let weeks = t.flow_weeks;
    let flow =
        |status, reason: String| Some(Assessment { status, basis: Basis::Flow, reason, fix: None });
    // The share of open work that is blocked: red from `ageing-red-share`, amber from
    // `ageing-amber-share`, as for work older than P85 (both say the work does not move).
    let open_work = open.iter().filter(|&&i| super::flow::is_work(&ctx.items[i])).count();
    let blocked: Vec<usize> = open.iter().copied().filter(|&i| ctx.blocked_work(i)).collect();
    let blocked_part = (!blocked.is_empty()).then(|| {
        let status = share_status(blocked.len() as f64 / open_work.max(1) as f64, t);
        let n = blocked.len();
        let linked = blocked.iter().filter(|&&i| !ctx.blockers(i).is_empty()).count();
        let by_status = blocked.iter().filter(|&&i| ctx.blocked_by_status(i)).count();
        let both = (blocked.iter())
            .filter(|&&i| !ctx.blockers(i).is_empty() && ctx.blocked_by_status(i))
            .count();
        // What the linked ones wait on, by kind ("5 open bugs"): "5 wait on other open
        // items" left the reader to open each of them to find out, and "(5 bugs)" after
        // it read as if the blocked items were the bugs. Items both linked and in a
        // blocked status are said once, as in the status, also waiting.
        let on = blocker_kinds(ctx, &blocked);
        let all = if n == 1 { "" } else { "all " };
        let by = match (linked, by_status) {
            (0, _) => format!("{all}in a blocked status"),
            (l, s) if s == n && l == n => format!("{all}in a blocked status and waiting on {on}"),
            (l, s) if s == n => {
                format!("all in a blocked status, {l} of them also waiting on {on}")
            }
            (l, _) if l == n && both == 0 => format!("{all}waiting on {on}"),
            (l, _) if l == n => format!("all waiting on {on}, {both} also in a blocked status"),
            (l, _) => format!(
                "{l} waiting on {on}, {} in a blocked status{}",
                n - l,
                if both > 0 { " only" } else { "" }
            ),
        };
        // Named as what they wait on is, "and N more" after three.
        let shown = named_keys(blocked.iter().map(|&i| &*ctx.items[i].key));
        // "Work items" where epics are open too: the count leaves them out.
        let noun = if open_work < open.len() { "open work item" } else { "open item" };
        let reason = format!(
            "{} of {} {} blocked ({shown}): {by}",
            blocked.len(),
            plural_items(open_work, noun),
            if blocked.len() == 1 { "is" } else { "are" },
        );
        (status, reason)
    });
    // Blocked work said first, and the worse of the two statuses.
    let flow = |status: Status, reason: String| match &blocked_part {
        Some((b, why)) => flow(status.worst(*b), format!("{why}; {reason}")),
        None => flow(status, reason),
    };
    // Work that has stalled is at least amber, however young the work in progress: no
    // work finished in the report's week and the two before (while some did in the four
    // weeks, else the red rules below say more), and urgent items not started for
    // longer than `stale-days`.
    let mut stalled = Vec::new();
    let three_weeks = ctx.last_weeks_start(3);
    // Also when the quiet spell is longer than four weeks (while something finished in the
    // window): a product report stopped saying "no work finished in 3 weeks (the last on
    // 2024-06-15)" the week the spell grew to four. Not where the red rule below says
    // "nothing finished in the last 4 weeks with N in progress".
    if in_window > 0 && mine(three_weeks) == 0 && (recent > 0 || wip.is_empty()) {
        // With the last finish's date: beside "3 items finished in the last 4 weeks" a
        // bare "no work finished in 3 weeks" read as a contradiction.
        let last = (items.iter().copied())
            .filter(|&i| finished(i) && closed_since(i, since))
            .filter_map(|i| ctx.items[i].closed)
            .max();
        // The weeks since the last finish's week, counted from that date: a role's last
        // finish four weeks back was said "3 weeks" (the team's count) beside its date.
        stalled.push(match last {
            Some(c) => {
                let day = ctx.date_of(c);
                let monday = crate::model::Week::of(day).first_day();
                let quiet = (ctx.input.period.week.first_day() - monday).num_weeks();
                format!("no work finished in {quiet} weeks (the last on {day})")
            }
            None => "no work finished in 3 weeks".to_string(),
        });
    }
    // Named, oldest first, each with its age, and the threshold said: "1 urgent item not
    // started (the oldest for 7 weeks)" named nothing a reader could act on, and hid that
    // younger urgent items were not counted.
    let urgent = urgent_not_started(ctx, &open);
    if !urgent.is_empty() {
        let shown: Vec<String> = (urgent.iter().take(3))
            .map(|&(i, d)| format!("{} for {}", ctx.items[i].key, weeks_or_days(d)))
            .collect();
        let more = if urgent.len() > shown.len() { ", …" } else { "" };
        stalled.push(format!(
            "{} not started for {} days or more ({}{more})",
            plural_items(urgent.len(), "urgent item"),
            t.stale_days,
            shown.join(", ")
        ));
    }
    let flow = |status: Status, reason: String| match stalled.is_empty() {
        true => flow(status, reason),
        false => flow(status.worst(Status::Amber), format!("{}; {reason}", stalled.join("; "))),
    };
    if in_window == 0 {
        return flow(
            Status::Red,
            format!(
                "nothing finished in the last {weeks} weeks with {} open ({} in progress)",
                plural_items(open.len(), "item"),
                wip.len()
            ),
        );
    }
    if yard.samples < MIN_SAMPLES {
        if done.len() >= MIN_SAMPLES {
            // Enough finished, too few with the dates to time them (an export without
            // `Created`): flow cannot say, and "only 0 finished" would be false.
            return None;
        }
        // Its own finished work (a workstream's, a role's): the export's is said beside
        // it when larger, as that is what is too little to time work by.
        let all = if done.len() > in_window {
            format!(" ({} counting all work)", done.len())
        } else {
            String::new()
        };
        return flow(
            Status::Amber,
            format!(
                "only {} finished in the last {weeks} weeks{all}, with {} open: too little to call it on track",
                plural_items(in_window, "item"),
                plural_items(open.len(), "item")
            ),
        );
    }
    // Each item against finished items of its own kind where enough of them finished.
    let p85 = yard.p85.unwrap_or(0.0);
    let p85_of = |i: usize| yard.limits(&ctx.items[i].kind).1.unwrap_or(0.0);
    if wip.is_empty() {
        // The epics said, where the blocked count above left them out ("14 open work
        // items" then "15 open" read as a contradiction).
        let epics = open.len() - open_work;
        let reason = format!(
            "nothing {}in progress; {} finished in the last {weeks} weeks, {} open{}",
            if blocked.is_empty() { "" } else { "else " },
            plural_items(in_window, "item"),
            open.len(),
            match epics {
                0 => String::new(),
                1 => " including 1 epic".to_string(),
                e => format!(" including {e} epics"),
            }
        );
        return flow(if recent == 0 { Status::Amber } else { Status::Green }, reason);
    }
    if recent == 0 {
        let reason = format!(
            "nothing finished {last4} with {} in progress",
            plural_items(wip.len(), "item")
        );
        return flow(Status::Red, reason);
    }
    // Finished work logged after it was done (each created or started and done within
    // the hour): its times measure the logging, and no age is held to them (the Cycle
    // time and Flow sections say so too).
    if yard.logged_after {
        let reason = format!(
            "{} in progress, not judged by age (the finished work was {} and done within an hour: logged after the work); {} finished {last4}",
            plural_items(wip.len(), "item"),
            if yard.cycle { "started" } else { "created" },
            plural_items(recent, "item"),
        );
        return flow(Status::Green, reason);
    }
    let old = wip
        .iter()
        .filter(|&&i| age(i, as_of).is_some_and(|a| super::flow::is_ageing(a, p85_of(i))))
        .count();
    let share = old as f64 / wip.len() as f64;
    let fmt = |d: f64| if d < 10.0 { format!("{d:.1}") } else { format!("{d:.0}") };
    // The yardsticks the work in progress was held to: its kinds' own, then all
    // kinds' for the rest ("stories 2.1 days; other kinds: all finished work, 0.3 days").
    let mut own: Vec<&super::flow::KindYardstick> =
        wip.iter().filter_map(|&i| yard.of(&ctx.items[i].kind)).collect();
    own.sort_by(|a, b| a.kind.cmp(&b.kind));
    own.dedup_by(|a, b| a.kind == b.kind);
    let others = wip.iter().any(|&i| yard.of(&ctx.items[i].kind).is_none());
    let days = match (own.as_slice(), others) {
        ([], _) => format!("{} days", fmt(p85)),
        (own, others) => {
            let kinds: Vec<String> = (own.iter())
                .map(|k| format!("{} {} days", k.plural, fmt(k.p85_days.unwrap_or(0.0))))
                .collect();
            let rest = match others {
                true => format!("; other kinds: all finished work, {} days", fmt(p85)),
                false => String::new(),
            };
            format!("of the same kind: {}{rest}", kinds.join(", "))
        }
    };
    // Older than P85 but under a day: never ageing, and not compared (the sentence must
    // not claim a comparison it did not make).
    let young =
        (wip.iter()).filter(|&&i| age(i, as_of).is_some_and(|a| a > p85_of(i) && a < 1.0)).count();
    let which = match old {
        0 if young > 0 => {
            let reason = format!(
                "{}: {young} older than 85% of finished work took ({days}) {} under a day old, never counted as ageing; {} finished {last4}",
                match wip.len() {
                    1 => "the 1 item in progress is not ageing".to_string(),
                    n => format!("none of the {n} items in progress is ageing"),
                },
                if young == 1 { "is" } else { "are" },
                plural_items(recent, "item"),
            );
            return flow(Status::Green, reason);
        }
        // Not "none of the 1 item".
        0 if wip.len() == 1 => "the 1 item in progress is not".to_string(),
        0 => format!("none of the {} in progress is", plural_items(wip.len(), "item")),
        1 => format!("1 of {} in progress is", plural_items(wip.len(), "item")),
        n => format!("{n} of {} in progress are", plural_items(wip.len(), "item")),
    };
    // Which clock both were read on: "older than 85% of finished work took" is only a
    // comparison when the ages and the yardstick start from the same event.
    let from = if yard.cycle { "the start" } else { "creation" };
    let reason = format!(
        "{which} older than 85% of finished work took ({days}), both counted from {from}; {} finished {last4}",
        plural_items(recent, "item")
    );
    flow(share_status(share, t), reason)
}

/// The open items that `blocked` wait on, each counted once, by kind, most first, and
/// the first of them by key: "5 open bugs (RETAIL-69, RETAIL-76, RETAIL-68 and 2 more)" for
/// one kind, "7 other items (5 bugs, 2 stories; ACME-3, ACME-9, ACME-4 and 4 more)" for
/// more, with those not in the export ("1 not exported"); the first four kinds (bugs
/// always among them), then how many more items. Empty when none is linked.
fn blocker_kinds(ctx: &Ctx, blocked: &[usize]) -> String {
    const NAMED: usize = 4;
    let mut known = std::collections::BTreeSet::new();
    let mut unknown = std::collections::BTreeSet::new();
    // How many of the blocked items each blocker holds up, by its key: the keys named
    // are those holding up the most, so "and 2 more" leaves out the least.
    let mut holds: Vec<(String, usize)> = Vec::new();
    for &i in blocked {
        for b in ctx.blockers(i) {
            let key = match &b {
                super::Blocker::Known(b) => ctx.items[*b].key.to_string(),
                super::Blocker::Unknown(id) => {
                    id.split_once(':').map_or(id.as_str(), |(_, k)| k).to_string()
                }
            };
            match holds.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => holds.push((key, 1)),
            }
            match b {
                super::Blocker::Known(b) => known.insert(b),
                super::Blocker::Unknown(key) => unknown.insert(key),
            };
        }
    }
    holds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| key_order(&a.0).cmp(&key_order(&b.0))));
    let keys = named_keys(holds.iter().map(|(k, _)| k.as_str()));
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for &b in &known {
        let kind = &*ctx.items[b].kind;
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // Bugs are named, not hidden among "N more": what waits on a bug is news.
    if let Some(at) = kinds.iter().position(|&(k, _)| k == "bug").filter(|&at| at >= NAMED) {
        let bug = kinds.remove(at);
        kinds.insert(NAMED - 1, bug);
    }
    let mut parts: Vec<String> = kinds
        .iter()
        .take(NAMED)
        .map(|&(k, n)| format!("{n} {}", crate::model::kind::plural(k, n)))
        .collect();
    let rest: usize = kinds.iter().skip(NAMED).map(|&(_, n)| n).sum();
    if rest > 0 {
        parts.push(format!("{rest} more"));
    }
    if !unknown.is_empty() {
        parts.push(format!("{} not exported", unknown.len()));
    }
    let total = known.len() + unknown.len();
    match (kinds.as_slice(), unknown.is_empty()) {
        (_, _) if total == 0 => String::new(),
        ([(k, n)], true) => format!("{n} open {} ({keys})", crate::model::kind::plural(k, *n)),
        _ => format!("{} ({}; {keys})", plural_items(total, "other item"), parts.join(", ")),
    }
}

/// Keys named in a sentence: the first three, then "and N more" ("A-1, A-2 and A-3" when
/// there are three).
fn named_keys<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> String {
    const SHOWN: usize = 3;
    let n = keys.len();
    let keys: Vec<&str> = keys.take(SHOWN).collect();
    match (keys.split_last(), n) {
        (None, _) => String::new(),
        (Some((last, [])), 1) => last.to_string(),
        (Some((last, rest)), n) if n == keys.len() => format!("{} and {last}", rest.join(", ")),
        _ => format!("{} and {} more", keys.join(", "), n - keys.len()),
    }
}

/// Keys in their natural order: `RETAIL-9` before `RETAIL-10`.
fn key_order(key: &str) -> (&str, u64, &str) {
    match key.rsplit_once('-') {
        Some((prefix, n)) => match n.parse() {
            Ok(n) => (prefix, n, ""),
            Err(_) => (key, 0, key),
        },
        None => (key, 0, key),
    }
}

/// Red from `ageing-red-share` of the work, amber from `ageing-amber-share`: for work
/// older than P85 and for work blocked alike (both say the work does not move).
fn share_status(share: f64, t: &crate::config::Thresholds) -> Status {
    if share >= t.ageing_red_share {
        Status::Red
    } else if share >= t.ageing_amber_share {
        Status::Amber
    } else {
        Status::Green
    }
}

/// The open work in `items` at the top of its priority scale and not started, created
/// `stale-days` or more before the report's instant: each with its age in days, oldest
/// first. The flow verdict names them; the project report lists them in its body.
pub(crate) fn urgent_not_started(ctx: &Ctx, items: &[usize]) -> Vec<(usize, i64)> {
    let as_of = ctx.input.period.as_of;
    let stale_days = ctx.thresholds().stale_days;
    let mut urgent: Vec<(usize, i64)> = (items.iter().copied())
        .filter(|&i| {
            let it = &ctx.items[i];
            it.state == crate::model::State::Open
                && super::flow::is_work(it)
                && super::one_of(it.priority.as_deref().unwrap_or("").trim(), URGENT)
        })
        .filter_map(|i| ctx.items[i].created.map(|c| (i, (as_of - c).num_days())))
        .filter(|&(_, days)| days >= stale_days)
        .collect();
    urgent.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| ctx.items[a.0].key.cmp(&ctx.items[b.0].key)));
    urgent
}

/// An age as a headline says it: "7 weeks", "12 days" under two weeks.
pub(crate) fn weeks_or_days(days: i64) -> String {
    match days / 7 {
        w if w >= 2 => format!("{w} weeks"),
        _ => format!("{days} days"),
    }
}

/// Priorities that mean "urgent": the top of each tracker's scale.
const URGENT: &[&str] = &["urgent", "highest", "critical", "blocker", "p0"];

fn nothing(ctx: &Ctx, items: &[usize]) -> Assessment {
    if items.is_empty() {
        return Assessment {
            status: Status::Unknown,
            basis: Basis::Nothing,
            reason: ctx
                .nothing_in_scope()
                .unwrap_or_else(|| "no items of this concern in scope".into()),
            fix: None,
        };
    }
    let open = items.iter().filter(|&&i| ctx.items[i].state.is_active()).count();
    if open == 0 && !items.is_empty() {
        return Assessment {
            status: Status::Green,
            basis: Basis::Nothing,
            // "all 1 item done" read as a slip.
            reason: match items.len() {
                1 => "its one item is done".to_string(),
                n => format!("all {} done", plural_items(n, "item")),
            },
            fix: None,
        };
    }
    Assessment {
        status: Status::Unknown,
        basis: Basis::Nothing,
        reason: {
            let finished = |i: usize| super::flow::is_finished_work(&ctx.items[i]);
            let timed = (0..ctx.items.len())
                .filter(|&i| finished(i))
                .filter(|&i| ctx.items[i].started.or(ctx.items[i].created).is_some())
                .count();
            let finished = (0..ctx.items.len()).filter(|&i| finished(i)).count();
            let flow = match (finished, timed) {
                (0, _) => "nothing finished with a date yet".to_string(),
                (n, t) if t < n => format!(
                    "{} finished, {t} of them with a creation or start date to time them by",
                    plural_items(n, "item")
                ),
                (n, _) => format!("{} finished", plural_items(n, "item")),
            };
            // Sprints left unjudged because the export is later than the report's week
            // (most sprint items changed since) are not "no finished sprint".
            let in_sprints = ctx.items.iter().filter(|it| it.iteration.is_some()).count();
            let changed = ctx.input.rewind.sprint_items_changed;
            let sprints = if in_sprints > 0 && changed * 2 >= in_sprints {
                format!(
                    "sprints not judged ({changed} of {in_sprints} sprint items changed since, in an export taken later)"
                )
            } else {
                "no finished sprint".to_string()
            };
            // Milestones dated in the config but an export with no milestone column: the
            // dates are there, what is missing is which items are in them.
            let milestones = match no_milestone_column(ctx) {
                Some(column) => {
                    let dated: Vec<&str> = (ctx.input.config.milestones.iter())
                        .filter(|m| m.due.is_some())
                        .map(|m| m.title.as_str())
                        .collect();
                    let dated = match dated.len() {
                        0 => String::new(),
                        1 => format!(" ({} is dated in rolecall.toml)", dated[0]),
                        _ => format!(" ({} are dated in rolecall.toml)", dated.join(", ")),
                    };
                    format!("the export has no {column}, so no item is in a milestone{dated}")
                }
                None => "no dated milestone".to_string(),
            };
            format!(
                "nothing to judge the schedule by: {milestones}, {sprints}, no due date on an open item, and {flow}"
            )
        },
        fix: Some({
            // Only the date columns the export lacks (no item has a value in them): one
            // that has them needs due dates on its open items instead.
            let lacking: Vec<&str> = [
                ("Due date", ctx.items.iter().any(|i| i.due.is_some())),
                ("Created", ctx.items.iter().any(|i| i.created.is_some())),
                ("Resolved", ctx.items.iter().any(|i| i.closed.is_some())),
            ]
            .into_iter()
            .filter(|(_, has)| !has)
            .map(|(name, _)| name)
            .collect();
            let or = match lacking.len() {
                0 => "or give the open items due dates".to_string(),
                1 => format!("or export the {} column", lacking[0]),
                _ => format!("or export the {} columns", crate::text::and_list(&lacking)),
            };
            let fix = match no_milestone_column(ctx) {
                Some(column) => {
                    let jira = if column.starts_with("Fix versions") {
                        " (Jira: Export → CSV (all fields) has it)"
                    } else {
                        ""
                    };
                    format!("Export the {column}{jira}, {or}.")
                }
                None => format!("Give milestone dates in rolecall.toml ([[milestone]] title = \"…\" due = 2026-12-11), {or}."),
            };
            // Most of the export in statuses rolecall does not know: they all count as
            // open, so nothing is done, and that comes first (a Spanish workflow's
            // `ACABADO`).
            match ctx.unknown_open_statuses() {
                Some((unknown, shown)) if unknown * 2 >= ctx.items.len() => format!(
                    "Say in [status-map] which of the statuses rolecall does not know mean done, in progress or cancelled: {unknown} of the {} have one and count as open ({shown}). {fix}",
                    plural_items(ctx.items.len(), "item")
                ),
                _ => fix,
            }
        }),
    }
}

/// The milestone column an export of the snapshot lacks (`Fix versions column`), when
/// one does.
fn no_milestone_column(ctx: &Ctx) -> Option<&'static str> {
    (ctx.input.snapshot.sources.iter())
        .flat_map(|s| &s.lacks)
        .find(|l| l.field == crate::model::Field::Milestone)
        .map(|l| l.column)
}
