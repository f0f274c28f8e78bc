//! Red, amber and green from tracker data alone, with the reason in words.
//!
//! A milestone, in this order:
//! 1. no due date → unknown ("no due date");
//! 2. no items → unknown;
//! 3. every item done → green;
//! 4. past its due date with open items → red ("3 days past due with 4 of 10 open");
//! 5. due within `due-soon-days` with more open than done → red;
//! 6. progress ÷ share of time elapsed below `red-below` → red, below `amber-below` →
//!    amber, else green ("14 of 30 done (47%) with 60% of the time gone").

use chrono::NaiveDate;

use crate::config::Thresholds;
pub(crate) use crate::model::Status;

pub(crate) struct MilestoneFacts<'a> {
    pub scope: usize,
    pub done: usize,
    pub start: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub today: NaiveDate,
    pub thresholds: &'a Thresholds,
}

pub(crate) struct Evaluation {
    pub status: Status,
    pub reason: String,
    pub pct_done: f64,
    pub pct_time: Option<f64>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn milestone(f: MilestoneFacts) -> Evaluation {
    let pct_done = if f.scope == 0 { 0.0 } else { f.done as f64 / f.scope as f64 };
    let open = f.scope - f.done;
    let pct_time = match (f.start, f.due) {
        (Some(s), Some(d)) if d > s => {
            Some(((f.today - s).num_days() as f64 / (d - s).num_days() as f64).clamp(0.0, 1.0))
        }
        _ => None,
    };
    let done_of = format!("{} of {} done", f.done, f.scope);
    let eval = |status, reason: String| Evaluation { status, reason, pct_done, pct_time };
    if f.scope == 0 {
        return eval(Status::Unknown, "no items".into());
    }
    // Done is done, dates or not.
    if open == 0 {
        return eval(Status::Green, format!("all {} done", f.scope));
    }
    let Some(due) = f.due else {
        return eval(Status::Unknown, format!("{done_of}; no due date"));
    };
    let days_left = (due - f.today).num_days();
    if days_left < 0 {
        return eval(
            Status::Red,
            format!(
                "{} past due with {} of {} open",
                plural((-days_left) as usize, "day", "days"),
                open,
                f.scope
            ),
        );
    }
    let left = plural(days_left as usize, "day", "days");
    if days_left <= f.thresholds.due_soon_days && open > f.done {
        return eval(Status::Red, format!("{done_of} with {left} left"));
    }
    let Some(elapsed) = pct_time else {
        return eval(Status::Green, format!("{done_of}, {left} left"));
    };
    if elapsed < 0.1 {
        return eval(Status::Green, format!("{done_of}; just started, {left} left"));
    }
    let ratio = pct_done / elapsed;
    let why = format!(
        "{done_of} ({:.0}%) with {:.0}% of the time gone",
        pct_done * 100.0,
        elapsed * 100.0
    );
    if ratio < f.thresholds.red_below {
        eval(Status::Red, why)
    } else if ratio < f.thresholds.amber_below {
        eval(Status::Amber, why)
    } else {
        eval(Status::Green, why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn run(scope: usize, done: usize, start: &str, due: &str, today: &str) -> (Status, String) {
        let t = Thresholds::default();
        let e = milestone(MilestoneFacts {
            scope,
            done,
            start: Some(d(start)),
            due: Some(d(due)),
            today: d(today),
            thresholds: &t,
        });
        (e.status, e.reason)
    }

    #[test]
    fn the_documented_rules() {
        assert_eq!(
            run(30, 14, "2026-10-01", "2026-12-01", "2026-11-27"),
            (Status::Red, "14 of 30 done with 4 days left".into())
        );
        assert_eq!(
            run(10, 10, "2026-10-01", "2026-11-01", "2026-11-27"),
            (Status::Green, "all 10 done".into())
        );
        assert_eq!(
            run(10, 6, "2026-10-01", "2026-11-24", "2026-11-27"),
            (Status::Red, "3 days past due with 4 of 10 open".into())
        );
        // 50% done with 60% of the time gone: ratio 0.83 → amber.
        assert_eq!(run(10, 5, "2026-10-01", "2027-01-20", "2026-12-07").0, Status::Amber);
        // 30% done with 60% gone: ratio 0.5 → red.
        assert_eq!(run(10, 3, "2026-10-01", "2027-01-20", "2026-12-07").0, Status::Red);
        assert_eq!(run(10, 7, "2026-10-01", "2027-01-20", "2026-12-07").0, Status::Green);
        let t = Thresholds::default();
        let no_due = milestone(MilestoneFacts {
            scope: 3,
            done: 1,
            start: None,
            due: None,
            today: d("2026-11-27"),
            thresholds: &t,
        });
        assert_eq!(
            (no_due.status, no_due.reason.as_str()),
            (Status::Unknown, "1 of 3 done; no due date")
        );
    }

    #[test]
    fn worst_orders_statuses() {
        assert_eq!(Status::Green.worst(Status::Unknown), Status::Unknown);
        assert_eq!(Status::Unknown.worst(Status::Amber), Status::Amber);
        assert_eq!(Status::Red.worst(Status::Amber), Status::Red);
    }
}
