//! Flow: how work moves, not where it stands — the ageing of work in progress against
//! how long finished work took, arrivals against departures per week, and work in
//! progress per team.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{median_p85, Ctx, ItemRef};
use crate::model::{Item, State, Week};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow<'a> {
    /// `cycle` (started → done) or `lead` (created → done): what the ages are measured as.
    pub measure: String,
    /// Finished items over the last `flow-weeks` weeks the percentiles come from.
    pub samples: usize,
    /// Finished items needed before the age of work in progress is judged: with fewer,
    /// no item is ageing (two items done within minutes made everything "ageing").
    pub min_samples: usize,
    pub weeks: usize,
    pub p50_days: Option<f64>,
    pub p85_days: Option<f64>,
    /// Items in progress, and of them older than the 50th and 85th percentiles.
    pub wip: usize,
    pub wip_beyond_p50: usize,
    pub wip_beyond_p85: usize,
    /// Items in progress older than P85 but under a day old: never ageing (see
    /// [`is_ageing`]), so not compared, and said so.
    pub under_a_day: usize,
    /// Items in progress under a day old, whatever finished work took.
    pub wip_under_a_day: usize,
    /// Every finished item of the `weeks` was created (or started) and done within an
    /// hour: logged after the work, so ages are not compared with those times.
    pub logged_after: bool,
    /// In-progress items older than P85, oldest first.
    pub ageing: Vec<Ageing<'a>>,
    /// Kinds whose work in progress is compared with finished items of the same kind
    /// (5 or more of it finished, and more than one kind did), most finished first; an
    /// item of any other kind is compared with all finished items (`p50_days`,
    /// `p85_days`). `wip_beyond_p50`, `wip_beyond_p85` and `ageing` count by these.
    pub by_kind: Vec<KindYardstick>,
    pub by_team: Vec<TeamWip>,
    /// Per week, oldest first: items that arrived (created) and that finished.
    pub net_flow: Vec<NetFlow>,
    /// Items done with no date they were done: in no week's `done`, so said beside it
    /// (an export without a Resolved column read as a backlog that only grew).
    pub done_undated: usize,
    /// Items done, with a date or without, and items in all (created by the report's
    /// instant): with none done at all the report says so once instead of charts of
    /// zeros.
    pub done_total: usize,
    pub items_total: usize,
    /// Most items done have no date they were done (`done_undated` half of `done_total`
    /// or more): the weeks' Done undercounts, and net flow would show a backlog growing
    /// while nearly everything is done, so it is not shown.
    pub net_flow_hidden: bool,
    /// No source says which items are done (no status, resolution or completion
    /// column): every item reads as open, so "nothing finished" would not be a fact.
    pub state_unknown: bool,
    /// Epics left out of work in progress, and of finished work over the last
    /// `flow-weeks` weeks (see [`is_work`]).
    pub epics_in_progress: usize,
    pub epics_done: usize,
    /// Work in progress that is blocked (by a link or its status): left out of work in
    /// progress here, as it waits (listed in the program report's Blocked).
    pub blocked: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ageing<'a> {
    pub item: ItemRef<'a>,
    pub age_days: i64,
    /// What it was compared with: finished items of its own kind (`stories`), or `all
    /// finished items` where too few of its kind finished.
    pub compared_with: String,
    /// The 85th percentile it is older than.
    pub p85_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamWip {
    pub team: String,
    pub wip: usize,
    pub beyond_p85: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetFlow {
    pub week: String,
    pub arrived: usize,
    pub done: usize,
    /// Done minus arrived: above zero the backlog shrank.
    pub net: i64,
}

/// Days, in fractions of a day, to `until`, measured as the yardstick it is held to was:
/// from the start (else the creation) against cycle time, from the creation (else the
/// start) against lead time. Age from the start held to a lead time from creation made
/// 17 items 12 to 17 days old read as "none older than 9.1 days".
pub(crate) fn age_days(it: &Item, until: DateTime<Utc>, cycle: bool) -> Option<f64> {
    let from = if cycle { it.started.or(it.created) } else { it.created.or(it.started) };
    Some(days(until - from?))
}

fn days(d: chrono::Duration) -> f64 {
    (d.num_minutes() as f64 / 1440.0).max(0.0)
}

/// Whether flow counts an item as work: not an epic. An epic holds work for months by
/// design and is counted as the items in it: its age says nothing about whether the work
/// in it flows, and its closing (often all at once, or the minute it was filed) is not
/// one more item finished. Work in progress, throughput, cycle and lead time leave
/// epics out alike.
pub(crate) fn is_work(item: &Item) -> bool {
    !item.is_epic()
}

/// Work in progress whose age is compared with what finished work took: an item in
/// progress, not an epic ([`is_work`]).
pub(crate) fn is_work_in_progress(item: &Item) -> bool {
    item.state == State::InProgress && is_work(item)
}

/// Finished work with the date it was finished: done, not an epic ([`is_work`]).
pub(crate) fn is_finished_work(item: &Item) -> bool {
    item.state == State::Done && item.closed.is_some() && is_work(item)
}

/// Whether an item in progress `age` days is older than `limit` (the 85th percentile of
/// what finished work took): never under a day old — a sample of work finished within
/// minutes made work started that morning "ageing".
pub(crate) fn is_ageing(age: f64, limit: f64) -> bool {
    age >= 1.0 && age > limit
}

/// How long each finished item of `done` took, each with the item it is of, and whether
/// that is cycle time (from the start, where most of them have one) or lead time (from
/// creation): the Flow section's measure, and the verdict's.
fn timed(items: &[Item], done: &[usize]) -> (bool, Vec<(usize, f64)>) {
    let with_start = done.iter().filter(|&&i| items[i].started.is_some()).count();
    let cycle = !done.is_empty() && with_start * 2 >= done.len();
    let took = done
        .iter()
        .filter_map(|&i| {
            let it = &items[i];
            let from = if cycle { it.started } else { it.created }?;
            // Closed before it began: a date is wrong (the data quality counts them), and
            // a 0-day sample would pull the percentiles down.
            let closed = it.closed.filter(|&c| c >= from)?;
            Some((i, days(closed - from)))
        })
        .collect();
    (cycle, took)
}

/// How long the finished items of one kind took: the yardstick of work in progress of
/// that kind, where enough of them finished ([`super::evidence::MIN_SAMPLES`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindYardstick {
    /// The kind as read (`story`, `test`).
    pub kind: String,
    /// The kind as a plural noun (`stories`), for the text.
    pub plural: String,
    pub samples: usize,
    pub p50_days: Option<f64>,
    pub p85_days: Option<f64>,
}

/// What work in progress is compared with: how long finished work took, of every kind
/// and of each kind that has enough finished items of its own. A story is compared with
/// stories, not with the tests that were most of what finished (54 of 61 on a real
/// board, each done within the hour); a kind with too few finished, with all of them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Yardsticks {
    pub cycle: bool,
    pub samples: usize,
    pub p50: Option<f64>,
    pub p85: Option<f64>,
    /// Kinds with [`super::evidence::MIN_SAMPLES`] finished items or more, most first;
    /// none when every finished item is of one kind (all of them is that kind's).
    pub kinds: Vec<KindYardstick>,
    /// Every finished item was created (or started) and done within an hour: logged
    /// after the work, so the times measure the logging and nothing is compared with them
    /// (the Cycle time section says the same of its own weeks).
    pub logged_after: bool,
}

impl Yardsticks {
    pub(crate) fn new(items: &[Item], done: &[usize]) -> Self {
        let (cycle, took) = timed(items, done);
        let logged_after = !took.is_empty() && took.iter().all(|&(_, d)| d < 1.0 / 24.0);
        let mut all: Vec<f64> = took.iter().map(|&(_, d)| d).collect();
        let (p50, p85) = median_p85(&mut all);
        let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
        for &(i, d) in &took {
            by_kind.entry(&*items[i].kind).or_default().push(d);
        }
        let mut kinds: Vec<KindYardstick> = if by_kind.len() < 2 {
            Vec::new()
        } else {
            (by_kind.into_iter())
                .filter(|(_, t)| t.len() >= super::evidence::MIN_SAMPLES)
                .map(|(kind, mut t)| {
                    let (p50_days, p85_days) = median_p85(&mut t);
                    KindYardstick {
                        kind: kind.to_string(),
                        plural: crate::model::kind::plural(kind, 2),
                        samples: t.len(),
                        p50_days,
                        p85_days,
                    }
                })
                .collect()
        };
        kinds.sort_by(|a, b| b.samples.cmp(&a.samples).then_with(|| a.kind.cmp(&b.kind)));
        Yardsticks { cycle, samples: took.len(), p50, p85, kinds, logged_after }
    }

    /// The yardstick of an item of `kind`: its kind's, else every kind's.
    pub(crate) fn of(&self, kind: &str) -> Option<&KindYardstick> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// The 50th and 85th percentiles an item of `kind` is compared with.
    pub(crate) fn limits(&self, kind: &str) -> (Option<f64>, Option<f64>) {
        match self.of(kind) {
            Some(k) => (k.p50_days, k.p85_days),
            None => (self.p50, self.p85),
        }
    }
}

/// The flow of the week's items: net flow over the weeks of `throughput` (whose done
/// counts it takes), percentiles over `flow-weeks`.
pub fn flow<'a>(ctx: &'a Ctx<'_>, throughput: &[super::project::WeekCount]) -> Flow<'a> {
    let as_of = ctx.input.period.as_of;
    let flow_weeks = ctx.thresholds().flow_weeks.max(1);
    let since = as_of - chrono::Duration::weeks(flow_weeks as i64);
    let in_window = |it: &Item| it.closed.is_some_and(|c| c > since && c <= as_of);
    let done: Vec<usize> = (0..ctx.items.len())
        .filter(|&i| is_finished_work(&ctx.items[i]) && in_window(&ctx.items[i]))
        .collect();
    let yard = Yardsticks::new(ctx.items, &done);
    let (cycle, samples, p50, p85) = (yard.cycle, yard.samples, yard.p50, yard.p85);
    let min_samples = super::evidence::MIN_SAMPLES;

    // Work in progress: in progress now; its age from when it started against cycle
    // time, from when it was created against lead time ([`age_days`]).
    // Compared in fractions of a day, as the verdict's reason compares them: in whole
    // days an item 1.8 days old was not older than a P85 of 1.7 here, but was there.
    let wip: Vec<(usize, f64)> = (0..ctx.items.len())
        .filter(|&i| ctx.flowing(i))
        .map(|i| (i, age_days(&ctx.items[i], as_of, cycle).unwrap_or(0.0)))
        .collect();
    // Each item against its own kind's yardstick where there is one, else all kinds'.
    let p50_of = |i: usize| yard.limits(&ctx.items[i].kind).0;
    let p85_of = |i: usize| yard.limits(&ctx.items[i].kind).1;
    // Ages are judged from `min_samples` finished items on.
    let beyond = |limit: Option<f64>, age: f64| {
        samples >= min_samples && !yard.logged_after && limit.is_some_and(|l| is_ageing(age, l))
    };
    let mut ageing: Vec<(usize, i64)> = (wip.iter())
        .filter(|&&(i, a)| beyond(p85_of(i), a))
        .map(|&(i, a)| (i, a.floor() as i64))
        .collect();
    ageing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| ctx.items[a.0].key.cmp(&ctx.items[b.0].key)));
    let mut teams: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for &(i, age) in &wip {
        let e = teams.entry(ctx.teams[i].as_str()).or_default();
        e.0 += 1;
        if beyond(p85_of(i), age) {
            e.1 += 1;
        }
    }

    // Net flow per ISO week: the throughput's weeks and done counts, with arrivals.
    let weeks: Vec<Option<Week>> = throughput.iter().map(|w| Week::parse(&w.week)).collect();
    let mut arrived = vec![0usize; throughput.len()];
    for it in ctx.items {
        let Some(c) = it.created.filter(|c| *c <= as_of) else { continue };
        let week = Some(Week::of(ctx.date_of(c)));
        if let Some(k) = weeks.iter().position(|w| *w == week) {
            arrived[k] += 1;
        }
    }
    let net_flow = throughput
        .iter()
        .zip(arrived)
        .map(|(w, arrived)| NetFlow {
            week: w.week.clone(),
            arrived,
            done: w.done,
            net: w.done as i64 - arrived as i64,
        })
        .collect();

    let in_scope = |it: &&Item| it.created.is_none_or(|c| c <= as_of);
    let done_undated = (ctx.items.iter())
        .filter(|it| it.state == State::Done && it.closed.is_none())
        .filter(in_scope)
        .count();
    let done_total = ctx.items.iter().filter(|it| it.state == State::Done).filter(in_scope).count();
    Flow {
        measure: if cycle { "cycle" } else { "lead" }.into(),
        samples,
        min_samples,
        weeks: flow_weeks,
        p50_days: p50,
        p85_days: p85,
        wip: wip.len(),
        wip_beyond_p50: wip.iter().filter(|&&(i, a)| beyond(p50_of(i), a)).count(),
        wip_beyond_p85: wip.iter().filter(|&&(i, a)| beyond(p85_of(i), a)).count(),
        under_a_day: (wip.iter())
            .filter(|&&(i, a)| {
                samples >= min_samples
                    && !yard.logged_after
                    && p85_of(i).is_some_and(|l| a > l && a < 1.0)
            })
            .count(),
        wip_under_a_day: wip.iter().filter(|&&(_, a)| a < 1.0).count(),
        logged_after: yard.logged_after,
        ageing: ageing
            .into_iter()
            .map(|(i, age_days)| {
                let own = yard.of(&ctx.items[i].kind);
                Ageing {
                    item: ctx.item_ref(i),
                    age_days,
                    compared_with: own.map_or("all finished items".into(), |k| k.plural.clone()),
                    p85_days: p85_of(i),
                }
            })
            .collect(),
        by_kind: yard.kinds.clone(),
        by_team: teams
            .into_iter()
            .map(|(team, (wip, beyond_p85))| TeamWip { team: team.to_string(), wip, beyond_p85 })
            .collect(),
        net_flow,
        done_undated,
        done_total,
        items_total: ctx.items.iter().filter(in_scope).count(),
        net_flow_hidden: done_undated > 0 && done_undated * 2 >= done_total,
        state_unknown: {
            let sources = ctx.input.snapshot.sources.len();
            sources > 0 && ctx.stateless_sources().len() == sources
        },
        epics_in_progress: (ctx.items.iter())
            .filter(|it| it.is_epic() && it.state == State::InProgress)
            .count(),
        epics_done: (ctx.items.iter())
            .filter(|it| it.is_epic() && it.state == State::Done && in_window(it))
            .count(),
        // Only what would otherwise be work in progress: a blocked item not started was
        // never in it, and counting it made "4 in progress, 3 blocked left out" read as 2.
        blocked: (0..ctx.items.len())
            .filter(|&i| ctx.blocked_work(i) && ctx.items[i].state == State::InProgress)
            .count(),
    }
}
