//! Sprints (Jira sprints, Linear cycles): the time-boxes teams that set no due dates plan
//! with. Jira's export gives no sprint dates, so sprints are ordered by the number in
//! their name within a board (`RETAIL Sprint 3` before `RETAIL Sprint 4`); a sprint with
//! a later one on its board is finished, unless its open items are all due ahead (sprints
//! planned ahead). Dates from `[[milestone]]` entries titled like the sprint are used when
//! given.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{plural_items, Ctx};
use crate::model::{State, Status};

/// One sprint as the project report shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sprint {
    pub title: String,
    /// The board: the sprint's name without its number (`RETAIL Sprint`).
    pub board: String,
    /// Items whose sprint it is now (cancelled ones not counted).
    pub items: usize,
    pub done: usize,
    pub open: usize,
    /// The sprint is the latest of its board.
    pub current: bool,
    /// Items in it now that were in the board's sprint before it too: carried over.
    pub carried_over: usize,
    /// Items in it at last week's snapshot: the plan it was committed with, as far as a
    /// weekly snapshot can tell. None without a baseline that knew the sprint.
    pub committed: Option<usize>,
    /// Items in it now that were not at last week's snapshot.
    pub added: Option<usize>,
    /// Items done this week.
    pub done_this_week: usize,
    /// Its dates, when the export (Linear's cycles) or a `[[milestone]]` of its title
    /// gives them.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// With an end date: its status as a milestone's (see `status.rs`), and why.
    pub status: Option<Status>,
    pub reason: Option<String>,
}

/// Every sprint with items, oldest first per board, and what finished sprints left open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sprints {
    pub list: Vec<Sprint>,
    /// The current sprint of the board with the latest activity (then the largest).
    pub current: Option<String>,
    /// Open items whose last sprint is finished (a later one exists on its board) and
    /// that no later sprint took up: left behind.
    pub left_behind: usize,
    /// The finished sprints that left them, with how many each.
    pub left_behind_by: Vec<(String, usize)>,
    /// Sprints the counted items were in and have all moved on from (an item counts in
    /// its latest sprint): not in `list`, named so the table does not read as if they
    /// never were.
    #[serde(default)]
    pub moved_on: Vec<String>,
    /// Sprints with neither a number in their name nor dates (`Transaction in the app`):
    /// each is a board of its own, so their order is unknown. Of them only the one the
    /// headline names (the most recently active board's) is current, and none is finished.
    #[serde(default)]
    pub unordered: usize,
    /// The other boards' current sprints (the table marks each "(current)"), besides the
    /// one `current` names.
    #[serde(default)]
    pub also_current: Vec<String>,
    /// Why `current` is the headline's when another board has a current sprint too:
    /// `dates` (it is running by its dates, the other's is not dated), `latest-activity`
    /// (its board had the latest day of activity), `size` (its board is the largest);
    /// null with one board's current sprint.
    #[serde(default)]
    pub current_chosen_by: Option<String>,
    /// Items done in the listed sprints, all of them (the table may show fewer): with
    /// none, the table's Done columns would be all zeros, so the report says it in a
    /// sentence, as it does for the throughput chart of an export where nothing finished.
    #[serde(default)]
    pub done: usize,
}

/// A sprint with neither a number in its name nor dates: its place among the others is
/// unknown (see [`Sprints::unordered`]).
fn unordered(s: &Sprint) -> bool {
    unknown_order(&s.board, &s.title, s.start, s.end)
}

/// [`unordered`] of a sprint still being put together: its board is its own title (no
/// number in it) and it has no dates.
fn unknown_order(
    board: &str,
    title: &str,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) -> bool {
    board == title.trim() && start.is_none() && end.is_none()
}

/// `RETAIL Sprint 12` → (`RETAIL Sprint`, [12]); the numbers are every run of digits
/// from the first (up to four), compared in turn, so `Sprint 26.10` comes after
/// `Sprint 26.9` and `PI 4 Sprint 1` after `PI 3 Sprint 10`. A name without a number is
/// its own board.
fn board_and_number(title: &str) -> (String, Vec<u64>) {
    if let Some(dated) = board_and_month(title) {
        return dated;
    }
    let Some(start) = title.find(|c: char| c.is_ascii_digit()) else {
        return (title.trim().to_string(), Vec::new());
    };
    let numbers = title[start..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .take(4)
        .map(|run| run.parse().unwrap_or(u64::MAX))
        .collect();
    (title[..start].trim().to_string(), numbers)
}

/// The `top` sprints a report lists, in their order: the one the headline names
/// (`first`), the other current ones, then each board's latest. (The list is oldest first
/// by board, and boards are in name order: cutting it from the front dropped a whole
/// board, the headline's current sprint with it.)
pub(crate) fn latest(list: Vec<Sprint>, top: usize, first: Option<&str>) -> Vec<Sprint> {
    if list.len() <= top {
        return list;
    }
    // How many later sprints of its board each one has.
    let mut later = vec![0usize; list.len()];
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in list.iter().enumerate().rev() {
        let n = seen.entry(s.board.as_str()).or_default();
        later[i] = *n;
        *n += 1;
    }
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_key(|&i| (Some(list[i].title.as_str()) != first, !list[i].current, later[i], i));
    let mut keep = vec![false; list.len()];
    for &i in order.iter().take(top) {
        keep[i] = true;
    }
    let mut keep = keep.into_iter();
    let mut list = list;
    list.retain(|_| keep.next().unwrap_or(false));
    list
}

/// Month names (English, Spanish, German, French; English three-letter forms) → month.
const MONTHS: &[(&str, u64)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("januar", 1),
    ("janvier", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("februar", 2),
    ("février", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("märz", 3),
    ("mars", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("avril", 4),
    ("may", 5),
    ("mayo", 5),
    ("mai", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("juni", 6),
    ("juin", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("juli", 7),
    ("juillet", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("août", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("septembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembre", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dezember", 12),
    ("décembre", 12),
];

/// A sprint named by its month (`April 2022 Sprint`, `November 2nd Sprint`, `Sprint
/// Nov 2`): the board is the rest of the name, case aside (`Sprint`), and the order is
/// (year, month, day), a missing year or day 0. Only when every number is the year or a
/// day beside the month: `Sprint 5 - May release` is sprint 5 of its board.
fn board_and_month(title: &str) -> Option<(String, Vec<u64>)> {
    // Words with where they start, to tell a day beside the month from a number apart.
    let mut words: Vec<&str> = Vec::new();
    let mut starts = Vec::new();
    let mut from = None;
    for (i, c) in title.char_indices().chain(std::iter::once((title.len(), ' '))) {
        match (c.is_alphanumeric(), from) {
            (true, None) => from = Some(i),
            (false, Some(f)) => {
                words.push(&title[f..i]);
                starts.push(f);
                from = None;
            }
            _ => {}
        }
    }
    // Only spaces or a comma between two words: `November 2nd`, `Nov 2, 2022`.
    let beside = |a: usize, b: usize| {
        let (a, b) = (a.min(b), a.max(b));
        b == a + 1
            && title[starts[a] + words[a].len()..starts[b]].trim_matches([' ', ',']).is_empty()
    };
    let (month_at, month) = words.iter().enumerate().find_map(|(at, w)| {
        let w = w.to_lowercase();
        MONTHS.iter().find(|(name, _)| *name == w).map(|&(_, m)| (at, m))
    })?;
    let (mut year, mut day) = (0, 0);
    let mut board = Vec::new();
    for (at, w) in words.iter().enumerate() {
        if at == month_at {
            continue;
        }
        let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
        let ordinal = matches!(&w[digits.len()..], "" | "st" | "nd" | "rd" | "th" | "º" | "o");
        match digits.parse::<u64>() {
            Ok(n) if w.len() == 4 && (1990..=2100).contains(&n) => year = n,
            Ok(n) if ordinal && (1..=31).contains(&n) && beside(at, month_at) => day = n,
            Ok(_) => return None,
            Err(_) if w.chars().any(|c| c.is_ascii_digit()) => return None,
            Err(_) => board.push(w.to_lowercase()),
        }
    }
    // `Sprint` is said or not (`March 2022`, `April 2022 Sprint`): the same board.
    board.retain(|w| !matches!(w.as_str(), "sprint" | "iteration" | "cycle"));
    // Its own board, apart from a numbered `Sprint N` board's.
    board.push("sprints by month".into());
    let board = board.join(" ");
    let mut chars = board.chars();
    let board = chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect());
    Some((board, vec![year, month, day]))
}

/// The sprints of the items at `idx` (all items when `None`).
pub(crate) fn sprints(ctx: &Ctx, idx: Option<&[usize]>) -> Sprints {
    let all: Vec<usize> = (0..ctx.items.len()).collect();
    // Sprint title → its items now, of `items`.
    let members_of = |items: &[usize]| {
        let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in items {
            let it = &ctx.items[i];
            if it.state == State::Cancelled {
                continue;
            }
            if let Some(s) = it.iteration.as_deref() {
                members.entry(s).or_default().push(i);
            }
        }
        members
    };
    // The order of the sprints and which one is running are the board's, whatever part
    // of it is counted (one team's items): a sprint is not finished for one team and
    // current for another.
    let everyone = members_of(&all);
    let subset;
    let members = match idx {
        Some(idx) => {
            subset = members_of(idx);
            &subset
        }
        None => &everyone,
    };
    if members.is_empty() {
        return Sprints::default();
    }
    // Order within each board by number (then title); the last is the board's current.
    // Sprints items only passed through count too, for what came before which: a sprint
    // whose items all moved on still had them carried over from it.
    let mut boards: BTreeMap<String, Vec<(Vec<u64>, &str)>> = BTreeMap::new();
    // A sprint named by its team (`Squad 2 Cycle 5`: Linear's cycles of several teams) is
    // on that team's board, whatever digits the team's name has.
    let teams: std::collections::HashSet<&str> =
        ctx.items.iter().filter_map(|it| it.team.as_deref()).collect();
    let board_of = |title: &str| -> (String, Vec<u64>) {
        // The longest team name the title starts with, then a space and more: `Squad 10`
        // before `Squad 1`. Tried at each space from the end, so thousands of teams cost
        // a lookup a word, not a comparison a team.
        let team = (title.char_indices().rev())
            .filter(|&(at, c)| c == ' ' && at > 0 && at + 1 < title.len())
            .map(|(at, _)| &title[..at])
            .find(|t| teams.contains(t));
        match team {
            Some(team) => {
                let (board, n) = board_and_number(&title[team.len() + 1..]);
                (format!("{team} {board}"), n)
            }
            None => board_and_number(title),
        }
    };
    let past = all.iter().flat_map(|&i| ctx.items[i].past_iterations.iter().map(|p| &**p));
    for title in everyone.keys().copied().chain(past) {
        let (board, mut n) = board_of(title);
        // A sprint named by its month alone (`January Sprint`) is of the year that puts
        // it nearest its items' latest creation: a January after a December is next
        // year's (ordered by month alone, it came first and the running sprint read as
        // finished).
        if n.len() == 3 && n[0] == 0 && board.ends_with(" by month") {
            let latest = (everyone.get(title).into_iter().flatten())
                .filter_map(|&i| ctx.items[i].created)
                .max()
                .map(|c| ctx.date_of(c));
            if let Some(d) = latest {
                use chrono::Datelike;
                let at = i64::from(d.year()) * 12 + i64::from(d.month());
                let month = n[1] as i64;
                let year = (i64::from(d.year()) - 1..=i64::from(d.year()) + 1)
                    .min_by_key(|y| (y * 12 + month - at).abs())
                    .unwrap_or(0);
                n[0] = year.max(0) as u64;
            }
        }
        boards.entry(board).or_default().push((n, title));
    }
    for list in boards.values_mut() {
        list.sort();
        list.dedup();
    }
    // Each sprint's board and place on it, and each sprint's dates (the first given):
    // looked up, so that thousands of sprints cost no more than their number.
    let mut place_of: HashMap<&str, (&str, usize)> = HashMap::new();
    for (board, list) in &boards {
        for (at, (_, title)) in list.iter().enumerate() {
            place_of.entry(title).or_insert((board.as_str(), at));
        }
    }
    let previous_of = |title: &str| -> Option<&str> {
        let &(board, at) = place_of.get(title)?;
        at.checked_sub(1).map(|p| boards[board][p].1)
    };
    let mut dates: HashMap<&str, (Option<NaiveDate>, Option<NaiveDate>)> = HashMap::new();
    for i in &ctx.input.snapshot.iterations {
        dates.entry(i.title.as_str()).or_insert((i.start, i.end));
    }
    let dates_of = |title: &str| dates.get(title).copied().unwrap_or((None, None));
    // Whether a sprint has begun: by its start date; else by its items' due dates —
    // something in it is due by today, or the sprint before it (by number) has nothing
    // due after today: an export of sprints planned ahead has no sprint dates, only the
    // items', and a running sprint's items may all be due at its end.
    let dues = |title: &str| {
        let mut d = (everyone.get(title).into_iter().flatten()).filter_map(|&i| ctx.items[i].due);
        let first = d.next();
        first.map(|f| d.fold((f, f), |(lo, hi), x| (lo.min(x), hi.max(x))))
    };
    let begun = |title: &str| match dates_of(title).0 {
        Some(start) => start <= ctx.today,
        None => match dues(title) {
            Some((first, _)) if first <= ctx.today => true,
            _ => previous_of(title).and_then(dues).is_none_or(|(_, last)| last < ctx.today),
        },
    };
    // Whether a sprint's dates hold today.
    let running = |title: &str| {
        let (s, e) = dates_of(title);
        s.is_some_and(|s| s <= ctx.today) && e.is_some_and(|e| ctx.today <= e)
    };
    // The board's current sprint: the one whose dates hold today, else its latest begun.
    let current_of_board = |board: &str| {
        // Of the sprints that hold items now.
        let list: Vec<&(Vec<u64>, &str)> =
            boards[board].iter().filter(|(_, t)| everyone.contains_key(t)).collect();
        (list.iter())
            .find(|(_, t)| running(t))
            // Else its latest that has begun: by its start date, else by its items' due
            // dates (a sprint whose every item is due ahead is planned, not running: an
            // export of sprints planned ahead has no sprint dates, only the items'), else
            // (nothing dated) it counts as begun. With none begun, none is current.
            .or_else(|| list.iter().rev().find(|(_, t)| begun(t)))
            .map(|(_, t)| *t)
    };
    // Sprints the counted items passed through and none is in now, in board order.
    let passed: std::collections::HashSet<&str> = (idx.unwrap_or(&all).iter())
        .filter(|&&i| ctx.items[i].state != State::Cancelled)
        .flat_map(|&i| ctx.items[i].past_iterations.iter().map(|p| &**p))
        .collect();
    let moved_on: Vec<String> = (boards.values().flatten())
        .filter(|(_, t)| passed.contains(t) && !members.contains_key(t))
        .map(|(_, t)| t.to_string())
        .collect();
    let mut list = Vec::new();
    let mut left_behind_by = Vec::new();
    // Whether last week's snapshot knew sprints at all (older stored weeks did not).
    let baseline_knows_sprints =
        ctx.input.baseline.is_some() && ctx.prior.iter().flatten().any(|p| p.iteration.is_some());
    // The headline's board: of those with a current sprint, one whose dates hold today,
    // then the one with the latest day of activity (an item of it created, started,
    // changed or finished by the report's instant), then the largest. The largest alone named an idle board's sprint (a real
    // export's board untouched for eight months, beside one in use that week).
    let as_of = ctx.input.period.as_of;
    let active = |i: usize| {
        let it = &ctx.items[i];
        [it.updated, it.closed, it.started, it.created]
            .into_iter()
            .flatten()
            .filter(|t| *t <= as_of)
            .max()
    };
    let key = |b: &str, titles: &[(Vec<u64>, &str)]| {
        let items = || titles.iter().flat_map(|(_, t)| members.get(t).into_iter().flatten());
        let size = items().count();
        // By the day: minutes apart on one day are no sign of which board is in use.
        let latest = items().filter_map(|&i| active(i)).max().map(|t| ctx.date_of(t));
        // A sprint current by its dates first: an undated one is the headline's only
        // when no dated sprint holds today (an item moved into an undated sprint does
        // not make it the one running).
        let current = current_of_board(b);
        let dated = current.is_some_and(running);
        (current.is_some(), dated, latest, size)
    };
    let mut ranked: Vec<(&str, _)> =
        boards.iter().map(|(b, titles)| (b.as_str(), key(b, titles))).collect();
    // Stable, so of boards alike the last in name order leads, as `max_by_key` chose.
    ranked.reverse();
    ranked.sort_by_key(|b| std::cmp::Reverse(b.1));
    let headline_board = ranked.first().map(|&(b, _)| b);
    // Why the headline's board leads another with a current sprint: the first of the
    // keys in which it differs from the runner-up.
    let chosen_by = match ranked.as_slice() {
        [(_, first), (_, second), ..] if first.0 && second.0 => Some(
            if first.1 != second.1 {
                "dates"
            } else if first.2 != second.2 {
                "latest-activity"
            } else {
                "size"
            }
            .to_string(),
        ),
        _ => None,
    };
    for (board, titles) in &boards {
        // Each sprint's place on its board, to tell an earlier sprint at once.
        let place: std::collections::HashMap<&str, usize> =
            titles.iter().enumerate().map(|(at, (_, t))| (*t, at)).collect();
        let current_title = current_of_board(board);
        // A sprint after the current one has not finished: what it holds is planned.
        let current_at = current_title.and_then(|c| titles.iter().position(|(_, t)| *t == c));
        for (at, &(_, title)) in titles.iter().enumerate() {
            // A sprint no item is in now is only a step in the order.
            let Some(items) = members.get(title) else { continue };
            let done = items.iter().filter(|&&i| ctx.items[i].state == State::Done).count();
            let open = items.len() - done;
            let (start, end) = dates_of(title);
            // A sprint of unknown order is the current one only when the headline names
            // it: three such sprints were each "(current)" under a headline naming one.
            let unknown_order = unknown_order(board, title, start, end);
            let current = current_title == Some(title)
                && (!unknown_order || Some(board.as_str()) == headline_board);
            // Carried over from any earlier sprint of the board, not only the one just
            // before: a team that skipped a month (`Feb 2022`, `March 2022`, then
            // `April 2022`) still carried Feb's items into April.
            let carried_over = items
                .iter()
                .filter(|&&i| {
                    (ctx.items[i].past_iterations.iter())
                        .any(|x| place.get(&**x).is_some_and(|&p| p < at))
                })
                .count();
            let (committed, added) = if baseline_knows_sprints {
                let was_in =
                    |i: usize| ctx.prior[i].is_some_and(|p| p.iteration.as_deref() == Some(title));
                let committed = items.iter().filter(|&&i| was_in(i)).count();
                (Some(committed), Some(items.len() - committed))
            } else {
                (None, None)
            };
            let done_this_week = items.iter().filter(|&&i| ctx.done_this_week(i)).count();
            let later = Some(at) > current_at;
            // Nor has one whose open items are all due ahead (those with a due date): an
            // export of sprints planned ahead numbers them out of the order they run in,
            // and its open work is not late.
            let dues: Vec<NaiveDate> = (items.iter())
                .filter(|&&i| ctx.items[i].state != State::Done)
                .filter_map(|&i| ctx.items[i].due)
                .collect();
            let planned = !dues.is_empty() && dues.iter().all(|&d| d >= ctx.today);
            if !current && !later && !planned && !unknown_order && open > 0 {
                left_behind_by.push((title.to_string(), open));
            }
            let eval = end.map(|due| {
                super::status::milestone(super::status::MilestoneFacts {
                    scope: items.len(),
                    done,
                    start,
                    due: Some(due),
                    today: ctx.today,
                    thresholds: ctx.thresholds(),
                })
            });
            list.push(Sprint {
                title: title.to_string(),
                board: board.clone(),
                items: items.len(),
                done,
                open,
                current,
                carried_over,
                committed,
                added,
                done_this_week,
                start,
                end,
                status: eval.as_ref().map(|e| e.status),
                reason: eval.map(|e| e.reason),
            });
        }
    }
    let unordered = list.iter().filter(|s| unordered(s)).count();
    let current = headline_board.and_then(current_of_board).map(str::to_string);
    let also_current = (list.iter())
        .filter(|s| s.current && Some(&s.title) != current.as_ref())
        .map(|s| s.title.clone())
        .collect();
    Sprints {
        done: list.iter().map(|s| s.done).sum(),
        also_current,
        current,
        current_chosen_by: chosen_by,
        unordered,
        left_behind: left_behind_by.iter().map(|(_, n)| n).sum(),
        left_behind_by,
        list,
        moved_on,
    }
}

/// A status from sprints alone: what finished sprints left open, against the open work
/// planned in sprints; `None` when no item is in a sprint, or no sprint has finished.
/// `noun` names the items counted ("product item" for the product report's, "item" for
/// every item or a workstream's).
pub(crate) fn status(ctx: &Ctx, s: &Sprints, noun: &str) -> Option<(Status, String)> {
    // The board's current sprint may hold none of the items counted (one team's): what
    // they left in finished sprints still speaks.
    let current = s.list.iter().find(|x| Some(&x.title) == s.current.as_ref());
    if current.is_none() && s.left_behind == 0 {
        return None;
    }
    // A sprint's progress (and its dates' verdict) is the sprint's, every item in it,
    // whichever report or workstream names it, as its row in the project's table: counted
    // of the product items only, the product headline said "INNT Sprint 1: 0 of 2 done"
    // where the project's said "0 of 3" (a real export).
    let current =
        current.map(|c| ctx.sprints().list.iter().find(|x| x.title == c.title).unwrap_or(c));
    // A current sprint with an end date is judged as a milestone is.
    let dated = current.and_then(|c| {
        (c.status.filter(|st| *st != Status::Unknown))
            .map(|st| (st, format!("{}: {}", c.title, c.reason.as_deref().unwrap_or(""))))
    });
    // With no finished sprint and no dates, sprints say nothing about the schedule yet.
    if s.list.iter().all(|x| x.current || unordered(x)) || (s.left_behind == 0 && dated.is_some()) {
        return dated;
    }
    // An export taken after the report's instant has each item in its sprint of then,
    // not of that week: an item moved into a later sprint since made that sprint look
    // current and the running one finished (a real week rebuilt as it stood was "89
    // items left open in finished sprints" while the first sprint was still running).
    // What finished sprints left open is not judged from such sprints.
    // Judged still when few changed: a comment on one item of forty moves nothing.
    let changed = ctx.input.rewind.sprint_items_changed;
    if changed > 0 {
        let in_sprints = ctx.items.iter().filter(|it| it.iteration.is_some()).count();
        if changed * 2 >= in_sprints {
            return dated;
        }
    }
    let open_in_sprints: usize = s.list.iter().map(|x| x.open).sum();
    let now = current
        .map(|c| format!("; {}: {} of {} done", c.title, c.done, c.items))
        .unwrap_or_default();
    if s.left_behind == 0 {
        return Some((Status::Green, format!("nothing left open in finished sprints{now}")));
    }
    // The sprint with most left open; on a tie, every sprint that shares it.
    let most = s.left_behind_by.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let worst: Vec<&str> =
        s.left_behind_by.iter().filter(|(_, n)| *n == most).map(|(t, _)| t.as_str()).collect();
    let where_ = match worst.as_slice() {
        [one] if s.left_behind_by.len() == 1 => format!("in {one}"),
        [one] => format!("most in {one}"),
        // Named up to three; more make a headline of a paragraph.
        all if all.len() == s.left_behind_by.len() && all.len() > 3 => {
            format!("{most} each in {} sprints", all.len())
        }
        all if all.len() == s.left_behind_by.len() => {
            format!("{most} each in {}", crate::text::and_list(all))
        }
        tied if tied.len() > 3 => format!("{most} each in {} sprints", tied.len()),
        tied => format!("most in {}", crate::text::and_list(tied)),
    };
    let reason = format!(
        "{} left open in finished sprints ({where_}){now}",
        plural_items(s.left_behind, noun)
    );
    let share = s.left_behind as f64 / open_in_sprints.max(1) as f64;
    let status =
        if share >= ctx.thresholds().overdue_red_share { Status::Red } else { Status::Amber };
    match dated {
        Some((st, why)) if st > status => Some((st, why)),
        _ => Some((status, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::board_and_number;

    /// A report's sprint table keeps each board's current and latest sprints when cut to
    /// `top`: cut from the front, a board sorted first lost its current sprint.
    #[test]
    fn the_latest_of_every_board_are_kept() {
        let sprint = |board: &str, n: usize, current: bool| super::Sprint {
            title: format!("{board} {n}"),
            board: board.into(),
            current,
            ..Default::default()
        };
        let list = vec![
            sprint("April", 1, true),
            sprint("Web", 1, false),
            sprint("Web", 2, false),
            sprint("Web", 3, false),
            sprint("Web", 4, true),
            sprint("Web", 5, false),
        ];
        let kept: Vec<String> =
            super::latest(list.clone(), 4, None).into_iter().map(|s| s.title).collect();
        assert_eq!(kept, ["April 1", "Web 3", "Web 4", "Web 5"]);
        let kept: Vec<String> =
            super::latest(list, 1, Some("Web 4")).into_iter().map(|s| s.title).collect();
        assert_eq!(kept, ["Web 4"]);
    }

    #[test]
    fn boards_and_numbers() {
        assert_eq!(board_and_number("RETAIL Sprint 12"), ("RETAIL Sprint".into(), vec![12]));
        assert_eq!(board_and_number("Sprint 3 — Content & Balancing"), ("Sprint".into(), vec![3]));
        assert_eq!(board_and_number("Backlog grooming"), ("Backlog grooming".into(), vec![]));
        // Every number counts, in turn: 26.10 is after 26.9, PI 4 after PI 3's sprint 10.
        let order = ["Sprint 26.1", "Sprint 26.2", "Sprint 26.9", "Sprint 26.10", "Sprint 27.1"];
        assert!(order.windows(2).all(|w| board_and_number(w[0]) < board_and_number(w[1])));
        assert!(board_and_number("PI 3 Sprint 10") < board_and_number("PI 4 Sprint 1"));
        // Sprints named by their month are one board, in the order of their dates (a
        // real export's 11 month-named sprints were 10 boards, each "current").
        let by_month = [
            "October Sprint",
            "November 1st Sprint",
            "December Sprint",
            "Feb 2022 Sprint",
            "April 2022 SPrint",
        ];
        assert!(
            by_month.iter().all(|t| board_and_number(t).0 == "Sprints by month"),
            "{by_month:?}"
        );
        assert!(by_month.windows(2).all(|w| board_and_number(w[0]).1 < board_and_number(w[1]).1));
        assert_eq!(
            board_and_number("November 2nd SR Sprint"),
            ("Sr sprints by month".into(), vec![0, 11, 2])
        );
        assert_eq!(board_and_number("Sprint Nov 2"), ("Sprints by month".into(), vec![0, 11, 2]));
        // A first word beyond ASCII (it crashed: a byte, not a letter, was upper-cased).
        assert_eq!(
            board_and_number("équipe April 2026"),
            ("Équipe sprints by month".into(), vec![2026, 4, 0])
        );
        // A numbered sprint that names a month is still numbered.
        assert_eq!(board_and_number("Sprint 5 - May release"), ("Sprint".into(), vec![5]));
        assert_eq!(board_and_number("Marketing Sprint 3"), ("Marketing Sprint".into(), vec![3]));
    }
}
