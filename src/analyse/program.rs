//! The program report: *how do we deliver this across teams, and what is blocking it?*

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{is_high_priority, Blocker, Ctx, ItemRef, Meta, MilestoneProgress, Note, Verdict};
use crate::classify::Concern;
use crate::model::State;
use crate::model::Status;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgramReport<'a> {
    pub meta: Meta,
    pub verdict: Verdict,
    /// How many weeks in a row the overall status has been what it is now (weeks with
    /// no stored report skipped, see `held_since`).
    pub weeks_held: usize,
    /// When those weeks cross weeks with no stored report: since when.
    pub held_since: Option<super::HeldSince>,
    pub workstreams: Vec<Workstream>,
    /// Milestones whose items span more than one team.
    pub cross_team_milestones: Vec<MilestoneProgress>,
    pub blocked: Vec<Blocked<'a>>,
    /// Who blocks whom: the top blockers, each milestone-at-risk's critical path, cycles.
    pub dependencies: Dependencies<'a>,
    pub risks: Vec<Risk<'a>>,
    /// Risks, assumptions, issues and decisions, open ones, by label or issue type.
    pub raid: Raid<'a>,
    /// What teams said of their own projects (GitHub Projects' status updates), beside
    /// the data's verdict.
    pub team_says: Vec<TeamSays>,
    /// Never omitted: an empty list means "None".
    pub leadership_asks: Vec<String>,
    pub program_items_open: usize,
    pub triage: Vec<ItemRef<'a>>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workstream {
    pub team: String,
    pub status: Status,
    pub reason: String,
    pub items: usize,
    pub done: usize,
    pub pct_done: f64,
    pub blocked: usize,
    pub next_milestone: Option<String>,
    pub next_due: Option<NaiveDate>,
    /// Weeks in a row, this one included, at this status (from the stored weeks; weeks
    /// with no stored report skipped, see `held_since`).
    pub weeks_held: usize,
    /// When those weeks cross weeks with no stored report: since when.
    #[serde(default)]
    pub held_since: Option<super::HeldSince>,
    /// Its status in each of the last weeks (up to `throughput-weeks`), oldest first,
    /// this one last: a status strip. `None` for a stored week that did not list it.
    pub history: Vec<WeekStatus>,
}

/// A status of a week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekStatus {
    pub week: String,
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blocked<'a> {
    pub item: ItemRef<'a>,
    pub blockers: Vec<BlockerRef>,
    /// Days since the later of the two items was created: trackers do not export when a
    /// link was made, so this is how long the block can have existed at most.
    pub days: i64,
    /// When it was first seen blocked (from the stored weeks); `None` when `days` is the
    /// upper bound from the items' creation.
    pub since: Option<NaiveDate>,
    pub cross_team: bool,
    /// Like `days`, for the wait on another team alone (the blockers from other teams
    /// come first in `blockers`).
    #[serde(skip)]
    pub cross_team_days: i64,
    /// Neither item has a creation date and no stored week saw it blocked: how long it
    /// has been blocked is unknown (`days` is then 0).
    #[serde(default)]
    pub undated: bool,
    /// Blocked by its status (`Blocked`, `On hold`…) rather than by a link: the status.
    pub by_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockerRef {
    pub key: String,
    pub title: String,
    pub url: Option<String>,
    pub team: String,
    pub state: Option<State>,
}

/// The dependency graph as the program report shows it (see [`super::deps`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependencies<'a> {
    /// Open items that hold up the most open work, most first.
    pub top_blockers: Vec<TopBlocker<'a>>,
    /// Per milestone at risk (red or amber), the longest chain of open blockers ending at
    /// one of its items, first blocker first.
    pub critical_paths: Vec<CriticalPath<'a>>,
    /// Items that block each other in a circle, by key: none of them can finish first.
    pub cycles: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopBlocker<'a> {
    pub item: ItemRef<'a>,
    /// Open items it blocks itself…
    pub direct: usize,
    /// …and in all, through chains.
    pub total: usize,
    /// Teams other than its own among those it holds up.
    pub other_teams: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalPath<'a> {
    pub milestone: String,
    pub status: Status,
    pub chain: Vec<super::deps::ChainLink<'a>>,
    /// The chain crosses from one team to another.
    pub cross_team: bool,
    /// Items of the chain before the first shown: a chain is cut to its last
    /// [`super::deps::CHAIN_MAX`] items.
    pub not_shown: usize,
}

/// A team's own status update, and whether the data agrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSays {
    pub project: String,
    pub url: Option<String>,
    /// `On track`, `At risk`, `Off track`, `Complete`, `Inactive`.
    pub status: String,
    /// The colour that status means (On track green, At risk amber, Off track red).
    pub colour: Option<Status>,
    pub date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    /// The update's text, its first 300 characters.
    pub body: String,
    /// The team's colour differs from the program verdict's.
    pub differs: bool,
}

/// The RAID log ([`crate::config::RaidConfig`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Raid<'a> {
    pub risks: Vec<RaidEntry<'a>>,
    pub assumptions: Vec<RaidEntry<'a>>,
    pub issues: Vec<RaidEntry<'a>>,
    pub decisions: Vec<RaidEntry<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaidEntry<'a> {
    pub item: ItemRef<'a>,
    /// The assignee, else the reporter.
    pub owner: Option<String>,
    /// Days since it was raised.
    pub age_days: i64,
    /// Keys of the items it is linked to (blocks, relates to…), as exported.
    pub linked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk<'a> {
    pub item: ItemRef<'a>,
    pub why: String,
}

const RISK_LABELS: &[&str] =
    &["risk", "at-risk", "at risk", "blocker", "critical", "escalation", "red-flag"];

/// Days without any change to a workstream's items (created, updated, started, done)
/// before the export's latest change to any item, after which a red workstream is asked whether it is paused or cancelled, not for a
/// recovery plan: three months, as for work in progress untouched in the data quality.
const IDLE_DAYS: i64 = 90;

pub fn build<'a>(ctx: &'a Ctx<'_>, notes: Vec<Note>) -> ProgramReport<'a> {
    let t = ctx.thresholds();
    let blocked = blocked_items(ctx);

    // Workstreams: every team with items in scope.
    let mut by_team: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for i in 0..ctx.items.len() {
        by_team.entry(ctx.teams[i].as_str()).or_default().push(i);
    }
    let progress: Vec<MilestoneProgress> = ctx.progress.clone();
    // Each team's milestones and blocked items, found once: thousands of teams cost no
    // more than their number.
    let mut milestones_of: HashMap<&str, Vec<&MilestoneProgress>> = HashMap::new();
    for m in &progress {
        for team in &m.teams {
            let mine = milestones_of.entry(team.as_str()).or_default();
            if mine.last().is_none_or(|last| !std::ptr::eq(*last, m)) {
                mine.push(m);
            }
        }
    }
    let mut blocked_of: HashMap<&str, Vec<&Blocked>> = HashMap::new();
    for b in &blocked {
        blocked_of.entry(b.item.team.as_ref()).or_default().push(b);
    }
    let mut workstreams = Vec::new();
    for (team, idx) in &by_team {
        let counted: Vec<usize> =
            idx.iter().copied().filter(|&i| ctx.items[i].state != State::Cancelled).collect();
        let done = counted.iter().filter(|&&i| ctx.items[i].state == State::Done).count();
        let mine: &[&MilestoneProgress] = milestones_of.get(team).map_or(&[], Vec::as_slice);
        // The worst of its dated milestones; without one, its items' due dates or flow.
        let (mut status, mut reason) = match mine
            .iter()
            .filter(|m| m.status != Status::Unknown && m.open > 0)
            .max_by_key(|m| m.status)
        {
            Some(worst) => (worst.status, format!("{}: {}", worst.title, worst.reason)),
            None => {
                let a = super::evidence::assess(ctx, &counted, "item");
                (a.status, a.reason)
            }
        };
        // Every blocked item counts; a long wait on another team makes it amber.
        let team_blocked: &[&Blocked] = blocked_of.get(team).map_or(&[], Vec::as_slice);
        if let Some(long) = team_blocked
            .iter()
            .filter(|b| b.cross_team && b.cross_team_days > t.blocker_days)
            .max_by_key(|b| b.cross_team_days)
        {
            if status < Status::Amber {
                status = Status::Amber;
                reason = format!(
                    "{} blocked by {} ({}) for up to {} days",
                    long.item.key(),
                    long.blockers.first().map_or("?", |b| b.key.as_str()),
                    long.blockers.first().map_or("?", |b| b.team.as_str()),
                    long.cross_team_days
                );
            }
        }
        let next = mine.iter().filter(|m| m.open > 0 && m.due.is_some()).min_by_key(|m| m.due);
        let (weeks_held, held_since) = super::held(ctx.input.period.week, ctx.input.history, |h| {
            h.workstreams.get(*team).map(|s| *s == status)
        });
        workstreams.push(Workstream {
            team: team.to_string(),
            status,
            reason,
            items: counted.len(),
            done,
            pct_done: if counted.is_empty() { 0.0 } else { done as f64 / counted.len() as f64 },
            blocked: team_blocked.len(),
            next_milestone: next.map(|m| m.title.clone()),
            next_due: next.and_then(|m| m.due),
            weeks_held,
            held_since,
            history: {
                // The weeks back to the oldest stored one, up to `throughput-weeks` in
                // all; a week with no stored report shows as none.
                let n = t.throughput_weeks.max(1) - 1;
                let oldest = ctx.input.history.iter().map(|w| w.week).min();
                let mut h: Vec<WeekStatus> = Vec::new();
                let mut w = ctx.input.period.week;
                while h.len() < n && oldest.is_some_and(|o| w > o) {
                    w = w.prev();
                    let stored = ctx.input.history.iter().find(|s| s.week == w);
                    h.push(WeekStatus {
                        week: w.to_string(),
                        status: stored.and_then(|s| s.workstreams.get(*team).copied()),
                    });
                }
                h.reverse();
                h.push(WeekStatus {
                    week: ctx.input.period.week.to_string(),
                    status: Some(status),
                });
                h
            },
        });
    }

    let dependencies = dependencies(ctx, &progress);
    // Cross-team: items of several teams, or waiting on another team's work.
    let mut cross_team_milestones: Vec<MilestoneProgress> = progress
        .iter()
        .filter(|m| {
            m.teams.len() > 1
                || dependencies
                    .critical_paths
                    .iter()
                    .any(|p| p.milestone == m.title && p.cross_team)
        })
        .cloned()
        .collect();
    cross_team_milestones.sort_by(super::milestone_order);

    let risks = risks(ctx);
    let raid = raid(ctx);
    let overall = workstreams.iter().map(|w| w.status).filter(|s| *s != Status::Unknown).max();
    let status = overall.unwrap_or(Status::Unknown);
    let (weeks_held, held_since) =
        super::held(ctx.input.period.week, ctx.input.history, |h| h.program.map(|s| s == status));

    // A workstream red with most of its open work blocked needs it unblocked, not a
    // new plan: cutting scope or adding people moves nothing that waits.
    let blocked_share = |team: &str| {
        let mine = by_team.get(team).map_or(&[][..], Vec::as_slice);
        let open = (mine.iter())
            .filter(|&&i| ctx.items[i].state.is_active() && super::flow::is_work(&ctx.items[i]))
            .count();
        let blocked = mine.iter().filter(|&&i| ctx.blocked_work(i)).count();
        // "Work items" where open epics are left out, as the headline says it.
        let epics = mine.iter().any(|&i| ctx.items[i].state.is_active() && ctx.items[i].is_epic());
        (blocked, open, if epics { "open work item" } else { "open item" })
    };
    // A workstream whose items have not moved for a quarter is not late: it stopped.
    // Whether it is paused or cancelled is the question, not how to recover it.
    let as_of = ctx.input.period.as_of;
    // The latest change to any of `items` (created, updated, started, done) by the
    // report's instant.
    let last_change = |items: &mut dyn Iterator<Item = usize>| {
        items
            .flat_map(|i| {
                let it = &ctx.items[i];
                [it.created, it.updated, it.started, it.closed]
            })
            .flatten()
            .filter(|&t| t <= as_of)
            .max()
    };
    // Against the export's latest activity, not the report's instant: an export taken
    // long ago is not a team that stopped; another team still working while this one
    // did not is.
    let latest = last_change(&mut (0..ctx.items.len()));
    let idle = |team: &str| {
        let mine = by_team.get(team).map_or(&[][..], Vec::as_slice);
        last_change(&mut mine.iter().copied())
            .filter(|&t| latest.is_some_and(|l| (l - t).num_days() >= IDLE_DAYS))
            .map(|t| ctx.date_of(t))
    };
    let mut asks: Vec<String> = workstreams
        .iter()
        .filter(|w| w.status == Status::Red)
        .map(|w| match (idle(&w.team), blocked_share(&w.team)) {
            // The reason after the instruction, not inside parentheses: reasons carry
            // their own ("(RETAIL-62, …)"), and nested ones were hard to read.
            (Some(since), _) => format!(
                "{}: no activity since {since} — confirm whether it is paused or cancelled. It is red: {}.",
                w.team,
                w.reason.trim_end_matches('.')
            ),
            // The blocked share is the reason: said as a count, not the whole headline.
            (None, (b, open, noun)) if b > 0 && b as f64 >= t.ageing_red_share * open as f64 => format!(
                "{} is red with {b} of {} blocked: unblock {} first — settle what they wait on (see Blocked).",
                w.team,
                super::plural_items(open, noun),
                if b == 1 { "it" } else { "them" }
            ),
            _ => format!(
                "{} is red: agree a recovery plan — cut scope, add people or move the date. Why: {}.",
                w.team,
                w.reason.trim_end_matches('.')
            ),
        })
        .collect();
    asks.extend(asks_from_data(ctx, status));
    let waiting = ctx.input.config.report.raid.decision_days;
    for d in raid.decisions.iter().filter(|d| d.age_days > waiting) {
        asks.push(format!(
            "Decide {} ({}): open for {} days{}.",
            d.item.key(),
            d.item.item.title,
            d.age_days,
            d.owner.as_ref().map(|o| format!(", with {o}")).unwrap_or_default()
        ));
    }
    for b in blocked.iter().filter(|b| b.cross_team && b.cross_team_days > t.blocker_days) {
        let by = b.blockers.first();
        asks.push(format!(
            "Unblock {} ({}): waiting on {} from {} for up to {} days.",
            b.item.key(),
            b.item.team,
            by.map_or("?", |x| x.key.as_str()),
            by.map_or("?", |x| x.team.as_str()),
            b.cross_team_days
        ));
    }

    let worst = workstreams
        .iter()
        .filter(|w| w.status == status && status != Status::Unknown)
        .collect::<Vec<_>>();
    let n_blocked = blocked.len();
    let headline = match status {
        Status::Unknown => format!(
            "{}; {}.",
            super::plural_items(workstreams.len(), "workstream"),
            ctx.nothing_in_scope().unwrap_or_else(|| "none can be judged from this data".into())
        ),
        // Workstreams that cannot be judged are neither on track nor off it: counted
        // apart ("0 of 2 on track" read as two in trouble when one had no dates at all).
        _ => format!(
            "{} of {} on track{}; {}.",
            workstreams.iter().filter(|w| w.status == Status::Green).count(),
            super::plural_items(
                workstreams.iter().filter(|w| w.status != Status::Unknown).count(),
                "workstream"
            ),
            match workstreams.iter().filter(|w| w.status == Status::Unknown).count() {
                0 => String::new(),
                n => format!(" ({n} more cannot be judged)"),
            },
            match n_blocked {
                0 => "nothing blocked".to_string(),
                n => format!(
                    "{} ({} across teams)",
                    super::plural_items(n, "blocked item"),
                    blocked.iter().filter(|b| b.cross_team).count()
                ),
            }
        ),
    };
    let reasons = worst.iter().map(|w| format!("{}: {}", w.team, w.reason)).collect();

    let team_says = ctx
        .input
        .snapshot
        .status_updates
        .iter()
        .map(|u| {
            let colour = match u.status.to_ascii_lowercase().as_str() {
                "on track" | "complete" => Some(Status::Green),
                "at risk" => Some(Status::Amber),
                "off track" => Some(Status::Red),
                _ => None,
            };
            TeamSays {
                project: u.project.clone(),
                url: u.url.clone(),
                status: u.status.clone(),
                colour,
                date: u.created.map(|c| ctx.date_of(c)),
                target_date: u.target_date,
                body: crate::text::truncate(&u.body, 300).to_string(),
                differs: colour.is_some_and(|c| c != status && status != Status::Unknown),
            }
        })
        .collect();
    ProgramReport {
        meta: ctx.meta(crate::model::Role::Program),
        verdict: Verdict { status, headline, reasons },
        weeks_held,
        held_since,
        workstreams,
        cross_team_milestones,
        blocked,
        dependencies,
        risks,
        raid,
        team_says,
        leadership_asks: asks,
        program_items_open: ctx
            .of_concern(Concern::Program)
            .into_iter()
            .filter(|&i| ctx.items[i].state.is_active())
            .count(),
        triage: ctx.triage(Concern::Program),
        notes,
    }
}

/// What leadership must decide that the data shows without a red workstream: a verdict
/// that cannot be given, work gone overdue, work left in finished sprints. "None this
/// week" is only ever said when none of these holds.
fn asks_from_data(ctx: &Ctx, status: Status) -> Vec<String> {
    let mut asks = Vec::new();
    let overdue: Vec<usize> = (0..ctx.items.len()).filter(|&i| ctx.overdue(i)).collect();
    let high =
        overdue.iter().filter(|&&i| is_high_priority(ctx.items[i].priority.as_deref())).count();
    let open = (0..ctx.items.len()).filter(|&i| ctx.items[i].state.is_active()).count();
    if !overdue.is_empty() && (status != Status::Green || overdue.len() * 10 >= open.max(1)) {
        let high = match (overdue.len(), high) {
            (_, 0) => String::new(),
            (1, _) => " (high priority)".to_string(),
            (_, n) => format!(", {n} of them high priority"),
        };
        asks.push(match overdue.len() {
            1 => format!(
                "Re-plan the overdue item {}{high}: drop, move or staff it.",
                ctx.items[overdue[0]].key
            ),
            n => format!("Re-plan the {n} overdue items{high}: drop, move or staff them."),
        });
    }
    let sprints = ctx.sprints();
    if sprints.left_behind > 0 {
        asks.push(format!(
            "Decide what happens to the {} left open in finished sprints: plan them into a sprint or close them.",
            super::plural_items(sprints.left_behind, "item")
        ));
    }
    if status == Status::Unknown {
        asks.push("Decide how delivery is tracked: give milestones dates ([[milestone]] in rolecall.toml) or set due dates, so that it can be judged.".into());
    }
    asks
}

/// The dependency graph of the open work, as the report shows it.
fn dependencies<'a>(ctx: &'a Ctx<'_>, progress: &[MilestoneProgress]) -> Dependencies<'a> {
    let g = ctx.graph();
    let key = |i: usize| ctx.items[i].key.to_string();
    // Top blockers: every open item that blocks another, by how much it holds up.
    let mut top: Vec<TopBlocker> = g
        .reach_all()
        .into_iter()
        .map(|(i, (direct, total))| {
            let mut other: Vec<String> = g.out[i]
                .iter()
                .map(|&t| ctx.teams[t].to_string())
                .filter(|t| t.as_str() != ctx.teams[i].as_str())
                .collect();
            other.sort();
            other.dedup();
            TopBlocker { item: ctx.item_ref(i), direct, total, other_teams: other }
        })
        .filter(|t| t.total > 0)
        .collect();
    top.sort_by(|a, b| {
        (b.total, b.direct).cmp(&(a.total, a.direct)).then_with(|| a.item.key().cmp(b.item.key()))
    });
    let chains = g.longest_chains();
    let mut critical_paths = Vec::new();
    for m in progress.iter().filter(|m| matches!(m.status, Status::Red | Status::Amber)) {
        let members = ctx.by_milestone.get(m.title.as_str()).map_or(&[][..], Vec::as_slice);
        let best = members
            .iter()
            .copied()
            .filter(|&i| ctx.items[i].state.is_active() && chains.len[i] > 1)
            .max_by(|&a, &b| chains.len[a].cmp(&chains.len[b]).then_with(|| key(b).cmp(&key(a))));
        let Some(end) = best else { continue };
        let chain = chains.chain(end, super::deps::CHAIN_MAX);
        let links = chain
            .iter()
            .enumerate()
            .map(|(n, &i)| super::deps::ChainLink {
                item: ctx.item_ref(i),
                days_blocked: (n > 0)
                    .then(|| ctx.blocked_since[i].map(|d| (ctx.today - d).num_days()))
                    .flatten(),
                at_most: n > 0 && !ctx.blocked_seen[i],
            })
            .collect();
        let cross_team = chain.windows(2).any(|w| ctx.teams[w[0]] != ctx.teams[w[1]]);
        critical_paths.push(CriticalPath {
            milestone: m.title.clone(),
            status: m.status,
            not_shown: chains.len[end].saturating_sub(chain.len()),
            chain: links,
            cross_team,
        });
    }
    let cycles = g.cycles.iter().map(|c| c.iter().map(|&i| key(i)).collect()).collect();
    Dependencies { top_blockers: top, critical_paths, cycles }
}

fn blocked_items<'a>(ctx: &'a Ctx<'_>) -> Vec<Blocked<'a>> {
    let mut out = Vec::new();
    // Only the items the context found blocked.
    for i in (0..ctx.items.len()).filter(|&i| ctx.blocked[i]) {
        if !ctx.items[i].state.is_active() {
            continue;
        }
        let blockers = ctx.blockers(i);
        let by_status = blockers.is_empty() && ctx.blocked_by_status(i);
        if blockers.is_empty() && !by_status {
            continue;
        }
        let mut refs = Vec::new();
        // Each link can exist at most since the later of its two items was created; the
        // item is blocked at most since the earliest of those, and across teams since the
        // earliest of those to another team.
        let created = ctx.items[i].created;
        let (mut earliest, mut earliest_cross) = (None, None);
        let mut note = |bound: Option<DateTime<Utc>>, across: bool| {
            let earlier = |a: Option<DateTime<Utc>>| a.into_iter().chain(bound).min();
            earliest = earlier(earliest);
            if across {
                earliest_cross = earlier(earliest_cross);
            }
        };
        let mut cross = false;
        for b in blockers {
            match b {
                Blocker::Known(k) => {
                    let other = &ctx.items[k];
                    let across = ctx.teams[k] != ctx.teams[i];
                    note(created.max(other.created), across);
                    cross |= across;
                    refs.push(BlockerRef {
                        key: other.key.to_string(),
                        title: other.title.to_string(),
                        url: other.url.clone(),
                        team: ctx.teams[k].to_string(),
                        state: Some(other.state),
                    });
                }
                Blocker::Unknown(id) => {
                    note(created, true);
                    cross = true;
                    let key = id.split_once(':').map_or(id.as_str(), |(_, k)| k).to_string();
                    refs.push(BlockerRef {
                        key,
                        title: String::new(),
                        url: None,
                        team: "outside scope".into(),
                        state: None,
                    });
                }
            }
        }
        // Since it was first seen blocked when a stored week tells; else at most since the
        // later of the two items was created (trackers do not export when a link was made).
        let up_to = |from: Option<DateTime<Utc>>| {
            from.or(created).map_or(0, |c| (ctx.input.period.as_of - c).num_days().max(0))
        };
        let (days, since, cross_team_days) = match ctx.blocked_since[i] {
            Some(d) => {
                let days = (ctx.today - d).num_days().max(0);
                (days, ctx.blocked_seen[i].then_some(d), days)
            }
            None => (up_to(earliest), None, up_to(earliest_cross)),
        };
        let undated = ctx.blocked_since[i].is_none() && earliest.or(created).is_none();
        // Who is waited on in another team first: that is whom an ask names.
        let own = ctx.teams[i].as_str();
        refs.sort_by_key(|r| r.team == own);
        out.push(Blocked {
            item: ctx.item_ref(i),
            blockers: refs,
            days,
            since,
            cross_team: cross,
            cross_team_days,
            undated,
            by_status: by_status.then(|| ctx.items[i].status.to_string()),
        });
    }
    // What changed this week first (blocked since last week's report), then across
    // teams, then the longest blocked.
    let new_this_week = |b: &Blocked| {
        b.since.is_some_and(|d| {
            ctx.input
                .baseline
                .is_some_and(|base| d >= base.taken_at.with_timezone(&ctx.tz).date_naive())
        })
    };
    out.sort_by(|a, b| {
        new_this_week(b)
            .cmp(&new_this_week(a))
            .then(b.cross_team.cmp(&a.cross_team))
            .then(b.days.cmp(&a.days))
            .then(a.item.key().cmp(b.item.key()))
    });
    out
}

/// The open items of each RAID category, oldest first.
fn raid<'a>(ctx: &'a Ctx<'_>) -> Raid<'a> {
    let cfg = &ctx.input.config.report.raid;
    let of = |class: &crate::config::RaidClass| -> Vec<RaidEntry<'a>> {
        let mut out: Vec<RaidEntry<'a>> = (0..ctx.items.len())
            .filter(|&i| {
                let it = &ctx.items[i];
                it.state.is_active()
                    && (it
                        .labels
                        .iter()
                        .any(|l| class.labels.iter().any(|c| c.eq_ignore_ascii_case(l)))
                        || class.types.iter().any(|t| t.eq_ignore_ascii_case(&it.kind)))
            })
            .map(|i| {
                let it = &ctx.items[i];
                let linked = it
                    .links
                    .iter()
                    .map(|l| match ctx.index.get(l.target.as_str()) {
                        Some(&t) => ctx.items[t].key.to_string(),
                        None => l
                            .target
                            .split_once(':')
                            .map_or(l.target.to_string(), |(_, k)| k.to_string()),
                    })
                    .collect();
                RaidEntry {
                    item: ctx.item_ref(i),
                    owner: it.assignees.first().or(it.author.as_ref()).map(|s| s.to_string()),
                    age_days: it
                        .created
                        .map_or(0, |c| (ctx.input.period.as_of - c).num_days().max(0)),
                    linked,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.age_days.cmp(&a.age_days).then_with(|| a.item.key().cmp(b.item.key()))
        });
        out
    };
    Raid {
        risks: of(&cfg.risks),
        assumptions: of(&cfg.assumptions),
        issues: of(&cfg.issues),
        decisions: of(&cfg.decisions),
    }
}

fn risks<'a>(ctx: &'a Ctx<'_>) -> Vec<Risk<'a>> {
    let t = ctx.thresholds();
    let mut out = Vec::new();
    for (i, it) in ctx.items.iter().enumerate() {
        if !it.state.is_active() {
            continue;
        }
        let why = if let Some(l) = it.labels.iter().find(|l| super::one_of(l, RISK_LABELS)) {
            format!("labelled {l}")
        } else if is_high_priority(it.priority.as_deref()) && it.due.is_some_and(|d| d < ctx.today)
        {
            format!(
                "{} priority, {} overdue",
                it.priority.as_deref().unwrap_or(""),
                super::plural_items(
                    it.due.map_or(0, |d| (ctx.today - d).num_days().max(0) as usize),
                    "day"
                )
            )
        } else if it.state == State::InProgress
            && it.updated.is_some_and(|u| (ctx.input.period.as_of - u).num_days() >= t.stale_days)
        {
            format!(
                "in progress, untouched for {} days",
                it.updated.map_or(0, |u| (ctx.input.period.as_of - u).num_days())
            )
        } else {
            continue;
        };
        out.push(Risk { item: ctx.item_ref(i), why });
    }
    out
}

impl ProgramReport<'_> {
    /// Each workstream's status, as a stored week keeps them.
    pub fn workstream_statuses(&self) -> Vec<(String, Status)> {
        self.workstreams.iter().map(|w| (w.team.clone(), w.status)).collect()
    }

    /// A copy with every list cut to `top` for the Markdown templates, and the full
    /// length of each list (the JSON report keeps everything).
    pub fn capped(&self, top: usize) -> (Self, super::Totals) {
        let mut t = super::Totals::new();
        macro_rules! c {
            ($name:literal, $v:expr) => {
                super::cap($name, &$v, top, &mut t)
            };
        }
        let r = ProgramReport {
            meta: self.meta.clone(),
            verdict: self.verdict.for_markdown(),
            weeks_held: self.weeks_held,
            held_since: self.held_since.clone(),
            workstreams: super::cap_teams("workstreams", &self.workstreams, top, &mut t, |w| {
                (w.status, w.blocked)
            }),
            cross_team_milestones: c!("cross_team_milestones", self.cross_team_milestones),
            blocked: c!("blocked", self.blocked),
            dependencies: Dependencies {
                top_blockers: c!("top_blockers", self.dependencies.top_blockers),
                critical_paths: c!("critical_paths", self.dependencies.critical_paths),
                cycles: c!("cycles", self.dependencies.cycles),
            },
            risks: c!("risks", self.risks),
            raid: Raid {
                risks: c!("raid_risks", self.raid.risks),
                assumptions: c!("raid_assumptions", self.raid.assumptions),
                issues: c!("raid_issues", self.raid.issues),
                decisions: c!("raid_decisions", self.raid.decisions),
            },
            team_says: self.team_says.clone(),
            leadership_asks: c!("leadership_asks", self.leadership_asks),
            program_items_open: self.program_items_open,
            triage: c!("triage", self.triage),
            notes: self.notes.clone(),
        };
        (r, t)
    }
}
