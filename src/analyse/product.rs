//! The product report: *are we building the right thing?*

use serde::Serialize;

use super::{Ctx, ItemRef, Meta, MilestoneProgress, Note, Verdict};
use crate::classify::Concern;
use crate::model::State;
use crate::model::Status;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductReport<'a> {
    pub meta: Meta,
    pub verdict: Verdict,
    /// Done product items this week, grouped by epic or milestone.
    pub shipped: Vec<Group<'a>>,
    pub shipped_count: usize,
    /// Tests (Jira's `Test`, Xray's test types) done this week, every one in the export
    /// whatever its concern: a test verifies shipped work whichever report the classifier
    /// put it in ("1 test" of 37 counted product tests only). Not shipped work, so neither
    /// in `shipped` nor in `shipped_count`, nor in the verdict's finished work.
    pub tests_done: usize,
    /// Product epics done this week: not among the shipped items, which are the work in
    /// them (see `flow::is_work`).
    pub epics_done: Vec<ItemRef<'a>>,
    /// Done product items with no date they were done: in no week's shipped list.
    pub done_undated: usize,
    /// In progress and not blocked.
    pub in_progress: Vec<ItemRef<'a>>,
    /// Open product work that is blocked (by a link or its status): it waits.
    pub blocked: Vec<ItemRef<'a>>,
    /// Product items created this week, most voted first.
    pub new_requests: Vec<ItemRef<'a>>,
    /// Every product item created this week, `new_requests` and those it leaves out.
    pub new_this_week: NewThisWeek<'a>,
    /// Open product items by votes and comments.
    pub most_wanted: Vec<Wanted<'a>>,
    /// What `most_wanted` is ranked by: `votes`, or `comments` when no item has a vote.
    pub most_wanted_by: &'static str,
    /// Milestones and epics holding product work.
    pub roadmap: Vec<MilestoneProgress>,
    pub epics: Vec<EpicProgress<'a>>,
    /// Items whose due date or milestone date moved later, or that are overdue.
    pub slipped: Vec<Slipped<'a>>,
    /// Open items waiting for a decision (needs-decision, RFC, question).
    pub decisions: Vec<ItemRef<'a>>,
    pub next_week: Vec<ItemRef<'a>>,
    pub triage: Vec<ItemRef<'a>>,
    pub notes: Vec<Note>,
}

/// The product items created this week that `new_requests` does not list, so that
/// "no new product items" is never said of a week whose new items are all to triage
/// (a real export's 11 new product items were all classified with low confidence).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewThisWeek<'a> {
    /// Product items created this week, whatever their state, kind or confidence (tests
    /// aside: they verify work).
    pub total: usize,
    /// Open work items whose concern is a toss-up: listed under To triage, named here.
    pub to_triage: Vec<ItemRef<'a>>,
    /// Epics and initiatives: containers of work, not requests.
    pub containers: usize,
    pub sub_tasks: usize,
    /// Already in progress, done or cancelled.
    pub started: usize,
    /// The above in words, empty when `new_requests` is all of them.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group<'a> {
    pub name: String,
    pub items: Vec<ItemRef<'a>>,
    /// How many items the group holds (`items` is cut to `top` in the Markdown).
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wanted<'a> {
    pub item: ItemRef<'a>,
    /// Votes gained since the baseline; none without one.
    pub new_votes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpicProgress<'a> {
    pub item: ItemRef<'a>,
    pub children: usize,
    pub done: usize,
    pub pct_done: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slipped<'a> {
    pub item: ItemRef<'a>,
    pub why: String,
}

/// Labels that mean "a decision is needed".
const DECISION_LABELS: &[&str] = &[
    "needs-decision",
    "needs decision",
    "decision",
    "rfc",
    "question",
    "needs-product",
    "discussion",
    "proposal",
];

/// A test case or test run (see [`crate::model::kind::is_test`]): it verifies shipped
/// work, it is not shipped work.
fn is_test(it: &crate::model::Item) -> bool {
    crate::model::kind::is_test(&it.kind)
}

pub fn build<'a>(ctx: &'a Ctx<'_>, notes: Vec<Note>) -> ProductReport<'a> {
    let product = ctx.of_concern(Concern::Product);
    let top = ctx.input.config.report.top;

    let mut shipped_groups: Vec<Group<'a>> = Vec::new();
    let mut shipped_count = 0;
    let mut epics_done = Vec::new();
    // Every test done this week, not only those classified as product: a test checks
    // what shipped whatever its concern (a real board resolved 37 tests in a week, and
    // "Also done this week: 1 test" counted the one classified as product).
    let tests_done =
        (0..ctx.items.len()).filter(|&i| is_test(&ctx.items[i]) && ctx.done_this_week(i)).count();
    for &i in product.iter().filter(|&&i| ctx.done_this_week(i)) {
        // An epic is counted as the items in it, as in throughput and flow.
        if !super::flow::is_work(&ctx.items[i]) {
            epics_done.push(ctx.item_ref(i));
            continue;
        }
        // A test run (Jira's `Test`, Xray's test types) checks what shipped: it is not
        // product shipped ("Verify the icon…" was one of "3 product items shipped").
        if is_test(&ctx.items[i]) {
            continue;
        }
        shipped_count += 1;
        let it = &ctx.items[i];
        // Named for what they are: an epic by its key and title, a milestone as one. The
        // demo's "Checkout v2" (the epic) beside "2026.12 Checkout v2" (the release) read
        // as one group listed twice.
        let group = it
            .parent
            .as_ref()
            .and_then(|p| ctx.index.get(p.as_str()))
            .map(|&p| format!("{} {}", ctx.items[p].key, ctx.items[p].title))
            .or_else(|| it.milestone.as_ref().map(|m| format!("{m} (milestone)")))
            .unwrap_or_else(|| "Other".into());
        match shipped_groups.iter_mut().find(|g| g.name == group) {
            Some(g) => {
                g.items.push(ctx.item_ref(i));
                g.total += 1;
            }
            None => shipped_groups.push(Group {
                name: group.to_string(),
                items: vec![ctx.item_ref(i)],
                total: 1,
            }),
        }
    }

    // Epics have their own table; the lists are of work items.
    let work: Vec<usize> = product.iter().copied().filter(|&i| !ctx.items[i].is_epic()).collect();
    // Blocked work waits: listed as blocked, not as in progress.
    let in_progress: Vec<ItemRef<'a>> = work
        .iter()
        .filter(|&&i| ctx.items[i].state == State::InProgress && !ctx.blocked_work(i))
        .map(|&i| ctx.item_ref(i))
        .collect();
    let blocked: Vec<ItemRef<'a>> =
        work.iter().filter(|&&i| ctx.blocked_work(i)).map(|&i| ctx.item_ref(i)).collect();

    // Asked for this week and not started: one already done is under Shipped (or, with
    // no date it was resolved, not news), one cancelled is not a request any more, and
    // one under way is in progress (a real export listed the same items under both).
    // Nor is a sub-task a request (a plan's steps filed at once, under their parent), nor
    // an epic or initiative (a container of work, shown under By epic), nor an item
    // whose concern is a toss-up: that one is under To triage, not listed twice.
    // Those left out are counted and said (`NewThisWeek`): "No new product items this
    // week" was said of a week whose 11 product items were all new and all to triage.
    // A test verifies work, it is not a request (nor counted as product work anywhere).
    let created: Vec<usize> = (product.iter().copied())
        .filter(|&i| ctx.created_this_week(i) && !is_test(&ctx.items[i]))
        .collect();
    let mut new_requests = Vec::new();
    let (mut to_triage, mut containers, mut sub_tasks, mut started) = (Vec::new(), 0, 0, 0);
    for &i in &created {
        let it = &ctx.items[i];
        if it.state != State::Open {
            started += 1;
        } else if crate::model::kind::is_container(&it.kind) {
            containers += 1;
        } else if crate::model::kind::is_sub_task(&it.kind) {
            sub_tasks += 1;
        } else if ctx.classes[i].confidence == crate::classify::Confidence::Low {
            to_triage.push(i);
        } else {
            new_requests.push(i);
        }
    }
    new_requests.sort_by_key(|&i| std::cmp::Reverse(ctx.items[i].votes));
    let new_this_week = NewThisWeek {
        total: created.len(),
        summary: new_summary(
            ctx,
            created.len(),
            new_requests.len(),
            &to_triage,
            [containers, sub_tasks, started],
        ),
        to_triage: to_triage.iter().map(|&i| ctx.item_ref(i)).collect(),
        containers,
        sub_tasks,
        started,
    };

    let mut wanted: Vec<usize> = product
        .iter()
        .copied()
        .filter(|&i| ctx.items[i].state.is_active() && !ctx.items[i].is_epic())
        .collect();
    // By votes, then comments; where no item has a vote (most exports), by comments.
    wanted.sort_by_key(|&i| std::cmp::Reverse((ctx.items[i].votes, ctx.items[i].comments)));
    wanted.retain(|&i| ctx.items[i].votes + ctx.items[i].comments > 0);
    let most_wanted_by =
        if wanted.iter().any(|&i| ctx.items[i].votes > 0) { "votes" } else { "comments" };
    let most_wanted = wanted
        .iter()
        .map(|&i| Wanted {
            item: ctx.item_ref(i),
            new_votes: ctx.input.baseline.map(|_| {
                let before = ctx.prior[i].map_or(0, |b| b.votes);
                i64::from(ctx.items[i].votes) - i64::from(before)
            }),
        })
        .collect();

    let mut roadmap: Vec<MilestoneProgress> = ctx
        .milestones
        .iter()
        .zip(&ctx.progress)
        .filter(|(m, _)| {
            ctx.by_milestone
                .get(m.title.as_str())
                .is_some_and(|idx| idx.iter().any(|&i| ctx.classes[i].concern == Concern::Product))
        })
        .map(|(_, p)| p.clone())
        .collect();
    roadmap.sort_by(super::milestone_order);

    // Largest first: a capped list showed empty epics and left out the two that held
    // 21 and 14 items.
    let mut epics: Vec<EpicProgress> = product
        .iter()
        .filter(|&&i| ctx.items[i].is_epic() && ctx.items[i].state.is_active())
        .map(|&i| {
            let kids: Vec<&crate::model::Item> = ctx
                .children
                .get(ctx.items[i].id.as_str())
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|&c| &ctx.items[c])
                .filter(|c| c.state != State::Cancelled)
                .collect();
            let done = kids.iter().filter(|c| c.state == State::Done).count();
            EpicProgress {
                item: ctx.item_ref(i),
                children: kids.len(),
                done,
                pct_done: if kids.is_empty() { 0.0 } else { done as f64 / kids.len() as f64 },
            }
        })
        .collect();
    epics.sort_by_key(|e| std::cmp::Reverse(e.children));

    // What moved since last week first (news), then the longest overdue.
    let mut slipped: Vec<(bool, Option<chrono::NaiveDate>, Slipped)> = work
        .iter()
        .filter(|&&i| ctx.items[i].state.is_active())
        .filter_map(|&i| {
            let why = slip_reason(ctx, i)?;
            let overdue_only = !why.contains(" moved from ");
            Some((overdue_only, ctx.items[i].due, Slipped { item: ctx.item_ref(i), why }))
        })
        .collect();
    slipped.sort_by_key(|(overdue_only, due, _)| (*overdue_only, *due));
    let slipped = slipped.into_iter().map(|(_, _, s)| s).collect();

    let decisions = (0..ctx.items.len())
        .filter(|&i| ctx.items[i].state.is_active())
        .filter(|&i| ctx.items[i].labels.iter().any(|l| super::one_of(l, DECISION_LABELS)))
        .map(|i| ctx.item_ref(i))
        .collect();

    // Due before next week ends; never what is already overdue (under Slipped). Work in
    // progress is under In progress: listed here too, "Next week" repeated that list with
    // items due a month out, and hid the one item due next week among them.
    let mut next: Vec<usize> = product
        .iter()
        .copied()
        .filter(|&i| ctx.items[i].state.is_active() && !ctx.items[i].is_epic())
        .filter(|&i| !ctx.overdue(i))
        .filter(|&i| ctx.due_this_week(i) || ctx.due_next_week(i))
        .collect();
    next.sort_by_key(|&i| {
        (ctx.items[i].due.is_none(), ctx.items[i].due, std::cmp::Reverse(ctx.items[i].votes))
    });
    next.truncate(top.max(1) * 2);

    // Tests verify the work, they are not product work: the verdict's "N items finished"
    // counted 2 tests beside 2 shipped stories. They are said apart (`tests_done`).
    let product_work: Vec<usize> = (product.iter().copied())
        .filter(|&i| ctx.items[i].state != State::Cancelled && !is_test(&ctx.items[i]))
        .collect();
    let verdict = verdict(ctx, &roadmap, shipped_count, &wanted, &product_work);
    ProductReport {
        meta: ctx.meta(crate::model::Role::Product),
        verdict,
        shipped: shipped_groups,
        shipped_count,
        tests_done,
        epics_done,
        done_undated: (product_work.iter())
            .filter(|&&i| ctx.items[i].state == State::Done && ctx.items[i].closed.is_none())
            .count(),
        in_progress,
        blocked,
        new_requests: new_requests.into_iter().map(|i| ctx.item_ref(i)).collect(),
        new_this_week,
        most_wanted,
        most_wanted_by,
        roadmap,
        epics,
        slipped,
        decisions,
        next_week: next.into_iter().map(|i| ctx.item_ref(i)).collect(),
        triage: ctx.triage(Concern::Product),
        notes,
    }
}

/// The week's new product items in words, when `listed` (the new requests) is not all
/// of them: "11 product items were created this week: 8 still to triage (UA-18, …,
/// all under To triage) and 3 epics." The keys to triage are named, at most five.
fn new_summary(
    ctx: &Ctx,
    total: usize,
    listed: usize,
    to_triage: &[usize],
    [containers, sub_tasks, started]: [usize; 3],
) -> String {
    use crate::text::thousands;
    if total == listed {
        return String::new();
    }
    // All of one kind: said once, not "19 product items …: 19 already started or done".
    if started == total {
        return match total {
            1 => "1 product item was created this week; it is already started or done.".into(),
            n => format!(
                "{} product items were created this week, all already started or done.",
                thousands(n as i64)
            ),
        };
    }
    let mut parts = Vec::new();
    if listed > 0 {
        parts.push(format!("{} listed above", thousands(listed as i64)));
    }
    if !to_triage.is_empty() {
        const NAMED: usize = 5;
        let keys: Vec<&str> =
            to_triage.iter().take(NAMED).map(|&i| ctx.items[i].key.as_str()).collect();
        let more = to_triage.len().saturating_sub(NAMED);
        let more =
            if more > 0 { format!(" and {} more", thousands(more as i64)) } else { String::new() };
        let all = match to_triage.len() {
            1 => "",
            2 => ", both",
            _ => ", all",
        };
        parts.push(format!(
            "{} still to triage ({}{more}{all} under To triage)",
            thousands(to_triage.len() as i64),
            keys.join(", ")
        ));
    }
    if containers > 0 {
        parts.push(super::plural_items(containers, "epic"));
    }
    if sub_tasks > 0 {
        parts.push(super::plural_items(sub_tasks, "sub-task"));
    }
    if started > 0 {
        parts.push(format!("{} already started or done", thousands(started as i64)));
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    format!(
        "{} {} created this week: {}.",
        super::plural_items(total, "product item"),
        if total == 1 { "was" } else { "were" },
        crate::text::and_list(&parts)
    )
}

/// Why an open item slipped: its due date (or its milestone's) moved later since the
/// baseline, or it is past due.
pub fn slip_reason(ctx: &Ctx, i: usize) -> Option<String> {
    let it = &ctx.items[i];
    if let (Some(now), Some(before)) = (it.due, ctx.prior[i].and_then(|b| b.due)) {
        if now > before {
            return Some(format!("due date moved from {before} to {now}"));
        }
    }
    if let Some(m) =
        it.milestone.as_ref().and_then(|t| ctx.milestones.iter().find(|m| m.title == *t))
    {
        if let (Some(now), Some(before)) = (m.due, m.baseline_due) {
            if now > before {
                return Some(format!("milestone {} moved from {before} to {now}", m.title));
            }
        }
    }
    match it.due {
        Some(d) if d < ctx.today => {
            let days = (ctx.today - d).num_days().max(0) as usize;
            Some(format!("{} overdue (due {d})", super::plural_items(days, "day")))
        }
        _ => None,
    }
}

fn verdict(
    ctx: &Ctx,
    roadmap: &[MilestoneProgress],
    shipped: usize,
    wanted: &[usize],
    product: &[usize],
) -> Verdict {
    let known: Vec<&MilestoneProgress> =
        roadmap.iter().filter(|m| m.status != Status::Unknown).collect();
    // A milestone with nothing open is done, not "on track" (a GitHub repository's
    // milestones closed years ago counted as on track).
    let open: Vec<&MilestoneProgress> = known.iter().copied().filter(|m| m.open > 0).collect();
    let on_track = open.iter().filter(|m| m.status == Status::Green).count();
    let done = known.len() - open.len();
    // Open milestones with no date are no milestone's status, but they are open work on
    // the roadmap: "all 5 roadmap milestones done" stood above four open ones at 26-89%.
    // Said in the headline, and judged on their product items' own evidence (due dates,
    // sprints, flow) as a roadmap with no date at all is.
    let undated: Vec<&MilestoneProgress> =
        (roadmap.iter()).filter(|m| m.status == Status::Unknown && m.open > 0).collect();
    let undated_part = (!known.is_empty() && !undated.is_empty()).then(|| {
        let items: Vec<usize> = (product.iter().copied())
            .filter(|i| {
                undated.iter().any(|m| {
                    ctx.by_milestone.get(m.title.as_str()).is_some_and(|idx| idx.contains(i))
                })
            })
            .collect();
        let a = super::evidence::assess(ctx, &items, "product item");
        let shown: Vec<String> = (undated.iter().take(3))
            .map(|m| format!("{} {:.0}% done", m.title, m.pct_done * 100.0))
            .collect();
        let more = if undated.len() > shown.len() { ", …" } else { "" };
        let words = format!("{} open with no date ({}{more})", undated.len(), shown.join(", "));
        (words, a)
    });
    // Done items with no date they were done are in no week: "0 shipped this week" of
    // an export without a Resolved column, all of it done, read as nothing delivered.
    let undated = (product.iter())
        .filter(|&&i| ctx.items[i].state == State::Done && ctx.items[i].closed.is_none())
        .count();
    let shipped_line = match (shipped, undated) {
        (0, n) if n > 0 => format!(
            "{} done with no date to tell which week",
            super::plural_items(n, "product item")
        ),
        (n, _) => format!("{} shipped this week", super::plural_items(n, "product item")),
    };
    // Without a dated roadmap milestone, the product work's own due dates, else flow.
    let fallback = known.is_empty().then(|| super::evidence::assess(ctx, product, "product item"));
    let status = match &fallback {
        Some(a) => a.status,
        None => (known.iter())
            .fold(Status::Green, |s, m| s.worst(m.status))
            .worst(undated_part.as_ref().map_or(Status::Green, |(_, a)| a.status)),
    };
    let mut headline = match &fallback {
        Some(a) if a.status != Status::Unknown => {
            format!("{shipped_line}; by {}, {}", a.basis.words(), a.reason)
        }
        Some(_) => match ctx.nothing_in_scope() {
            Some(why) => format!("{shipped_line}; {why}"),
            None => format!("{shipped_line}; no roadmap milestone has a date"),
        },
        None if open.is_empty() => {
            // "All done" must not hide the next release: open milestones that hold no
            // product item (their work was read as program or project) are named.
            let others: Vec<&str> = (ctx.progress.iter())
                .filter(|p| p.open > 0 && !roadmap.iter().any(|r| r.id == p.id))
                .map(|p| p.title.as_str())
                .collect();
            let also = match others.as_slice() {
                [] => String::new(),
                [one] => format!(" (open milestone {one} holds no product item)"),
                [first, ..] => format!(
                    " ({} open milestones, {first} first, hold no product item)",
                    others.len()
                ),
            };
            match &undated_part {
                // Not "all": the open ones with no date are roadmap milestones too.
                Some((words, _)) => format!(
                    "{shipped_line}; {} done, {words}{}",
                    super::plural_items(known.len(), "roadmap milestone"),
                    // Not a parenthesis after the list's own.
                    match also.trim().trim_start_matches('(').trim_end_matches(')') {
                        "" => String::new(),
                        other => format!("; {other}"),
                    }
                ),
                None => {
                    let all = match known.len() {
                        1 => "the one roadmap milestone".to_string(),
                        n => format!("all {n} roadmap milestones"),
                    };
                    format!("{shipped_line}; {all} done{also}")
                }
            }
        }
        None => format!(
            "{shipped_line}; {on_track} of {} on track{}{}",
            super::plural_items(open.len(), "open roadmap milestone"),
            if done > 0 { format!(" ({done} done)") } else { String::new() },
            undated_part.as_ref().map_or(String::new(), |(words, _)| format!("; {words}"))
        ),
    };
    // What the open milestones with no date were judged by.
    if let Some((_, a)) = &undated_part {
        headline.push_str(&match a.status {
            Status::Unknown => "; nothing to judge those by".to_string(),
            _ => format!("; by {}, {}", a.basis.words(), a.reason),
        });
    }
    if let Some(&top) = wanted.first() {
        let it = &ctx.items[top];
        match it.votes {
            0 => headline.push_str(&format!(
                "; most discussed: {} ({})",
                it.key,
                super::plural_items(it.comments as usize, "comment")
            )),
            v => headline.push_str(&format!(
                "; most wanted: {} ({})",
                it.key,
                super::plural_items(v as usize, "vote")
            )),
        }
    }
    headline.push('.');
    let mut reasons: Vec<String> = known
        .iter()
        .filter(|m| m.status != Status::Green)
        .map(|m| format!("{}: {}", m.title, m.reason))
        .collect();
    if let Some((_, a)) = undated_part {
        match a.status {
            Status::Unknown => {
                reasons.push(format!("{}.", super::capitalised(&a.reason)));
                reasons.extend(a.fix);
            }
            _ => reasons.push(format!("By {}, {}.", a.basis.words(), a.reason)),
        }
    }
    // An empty scope is said in the headline: not twice.
    let empty = ctx.nothing_in_scope().is_some();
    match fallback {
        Some(a) if a.status == Status::Unknown && !empty => {
            reasons.push(format!("{}.", super::capitalised(&a.reason)));
            reasons.extend(a.fix);
        }
        // The headline's reason, as a string of its own for the JSON (the Markdown
        // does not say it twice: see `Verdict::for_markdown`).
        Some(a) if a.status != Status::Unknown => {
            reasons.push(format!("By {}, {}.", a.basis.words(), a.reason));
        }
        _ => {}
    }
    Verdict { status, headline, reasons }
}

impl ProductReport<'_> {
    /// A copy with every list cut to `top` for the Markdown templates, and the full
    /// length of each list (the JSON report keeps everything).
    pub fn capped(&self, top: usize) -> (Self, super::Totals) {
        let mut t = super::Totals::new();
        macro_rules! c {
            ($name:literal, $v:expr) => {
                super::cap($name, &$v, top, &mut t)
            };
        }
        let shipped = c!("shipped", self.shipped)
            .into_iter()
            .map(|g: Group| Group {
                items: g.items.into_iter().take(top).collect(),
                name: g.name,
                total: g.total,
            })
            .collect();
        let r = ProductReport {
            meta: self.meta.clone(),
            verdict: self.verdict.for_markdown(),
            shipped,
            shipped_count: self.shipped_count,
            tests_done: self.tests_done,
            epics_done: c!("epics_done", self.epics_done),
            done_undated: self.done_undated,
            in_progress: c!("in_progress", self.in_progress),
            blocked: c!("blocked", self.blocked),
            new_requests: c!("new_requests", self.new_requests),
            new_this_week: self.new_this_week.clone(),
            most_wanted: c!("most_wanted", self.most_wanted),
            most_wanted_by: self.most_wanted_by,
            roadmap: c!("roadmap", self.roadmap),
            epics: c!("epics", self.epics),
            slipped: c!("slipped", self.slipped),
            decisions: c!("decisions", self.decisions),
            next_week: c!("next_week", self.next_week),
            triage: c!("triage", self.triage),
            notes: self.notes.clone(),
        };
        (r, t)
    }
}
