//! ISO weeks in the configured time zone, and the period a report covers.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An ISO 8601 week: `2026-W48`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    pub fn of(date: NaiveDate) -> Week {
        let iso = date.iso_week();
        Week { year: iso.year(), week: iso.week() }
    }

    /// `2026-W48` (also `2026-w48`, `2026W48`); years 1000 to 9999, which name a folder
    /// and sort as text.
    pub fn parse(s: &str) -> Option<Week> {
        let up = s.trim().to_ascii_uppercase();
        let (y, w) = up.split_once('W')?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        if !(1000..=9999).contains(&year) {
            return None;
        }
        let week: u32 = w.parse().ok()?;
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| Week { year, week })
    }

    /// Monday.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(NaiveDate::MIN)
    }

    /// Sunday.
    pub fn last_day(self) -> NaiveDate {
        self.first_day() + Duration::days(6)
    }

    /// The week before. A `Week` built by hand with a week its year does not have (the
    /// fields are public) starts on the earliest date there is, as [`Week::first_day`]
    /// says, and has no week before it: it stays as it is (no panic).
    pub fn prev(self) -> Week {
        (self.first_day().checked_sub_signed(Duration::days(7))).map_or(self, Week::of)
    }

    /// The week after (see [`Week::prev`]).
    pub fn next(self) -> Week {
        (self.first_day().checked_add_signed(Duration::days(7))).map_or(self, Week::of)
    }

    /// Monday 00:00 in `tz`.
    pub fn start(self, tz: Tz) -> DateTime<Utc> {
        local_midnight(self.first_day(), tz)
    }

    /// The next Monday 00:00 in `tz` (exclusive).
    pub fn end(self, tz: Tz) -> DateTime<Utc> {
        local_midnight(self.first_day() + Duration::days(7), tz)
    }
}

fn local_midnight(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let ndt = d.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&ndt)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(ndt + Duration::hours(1))).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| ndt.and_utc())
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl Serialize for Week {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Week {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Week::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an ISO week: {s}")))
    }
}

/// What a report covers: a week, from its Monday up to `as_of` (at most its end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub week: Week,
    pub start: DateTime<Utc>,
    /// The instant the data is taken at; the week's end for a past week.
    pub as_of: DateTime<Utc>,
    /// The calendar date of `as_of` in the configured zone: "today" for the report.
    pub today: NaiveDate,
}

impl Period {
    /// The period for `--week` (a week, `last`) or, without it, the week of `as_of`.
    pub fn resolve(week: Option<WeekChoice>, as_of: DateTime<Utc>, tz: Tz) -> Period {
        let today = as_of.with_timezone(&tz).date_naive();
        let week = match week {
            None | Some(WeekChoice::This) => Week::of(today),
            Some(WeekChoice::Last) => Week::of(today).prev(),
            Some(WeekChoice::Given(w)) => w,
        };
        let end = week.end(tz);
        let as_of = if as_of < end { as_of } else { end - Duration::seconds(1) };
        Period { week, start: week.start(tz), as_of, today: as_of.with_timezone(&tz).date_naive() }
    }
}

/// The week `--week` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekChoice {
    /// The week of `--as-of` (`this`, or no `--week`).
    This,
    /// The last complete week before it.
    Last,
    /// A given ISO week, `2026-W48`.
    Given(Week),
}

impl WeekChoice {
    /// `2026-W48`, `last` or `this`.
    pub fn parse(s: &str) -> Result<WeekChoice> {
        let w = s.trim();
        if w.eq_ignore_ascii_case("last") {
            Ok(WeekChoice::Last)
        } else if w.eq_ignore_ascii_case("this") {
            Ok(WeekChoice::This)
        } else {
            let week = Week::parse(w).ok_or_else(|| {
                Error::Usage(format!(
                    "--week `{w}` is not an ISO week like 2026-W48 (years 1000 to 9999), or `last`"
                ))
            })?;
            // A week whose end falls in the year 10000 cannot be reported as of its end.
            if week.last_day().year() > 9999 {
                return Err(Error::Usage(format!("--week `{w}` ends after the year 9999")));
            }
            Ok(WeekChoice::Given(week))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weeks built by hand with a week number their year does not have do not panic.
    #[test]
    fn an_impossible_week_does_not_panic() {
        let w = Week { year: 2026, week: 60 };
        assert_eq!(w.prev(), w);
        let _ = (w.next(), w.last_day(), w.start(Tz::UTC), w.end(Tz::UTC));
        let w = Week::parse("2026-W48").expect("a week");
        assert_eq!(
            (w.prev().to_string(), w.next().to_string()),
            ("2026-W47".into(), "2026-W49".into())
        );
    }

    #[test]
    fn iso_weeks() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        let w = Week::of(d);
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.first_day().to_string(), "2026-11-23");
        assert_eq!(w.prev().to_string(), "2026-W47");
        assert_eq!(
            Week::parse("2026-w01").map(|w| w.first_day().to_string()).as_deref(),
            Some("2025-12-29")
        );
        assert_eq!(
            Week::parse("2020-W53").map(|w| w.next().to_string()).as_deref(),
            Some("2021-W01")
        );
        assert_eq!(Week::parse("2026-W54"), None);
        for far in ["262143-W01", "999-W01", "0001-W01", "-1-W52", "10000-W01"] {
            assert_eq!(Week::parse(far), None, "{far}");
        }
    }

    #[test]
    fn periods() {
        let as_of = DateTime::parse_from_rfc3339("2026-11-27T17:00:00Z").expect("t").to_utc();
        let p = Period::resolve(None, as_of, Tz::UTC);
        assert_eq!((p.week.to_string(), p.as_of), ("2026-W48".into(), as_of));
        let last = Period::resolve(WeekChoice::parse("last").ok(), as_of, Tz::UTC);
        assert_eq!(last.week.to_string(), "2026-W47");
        assert_eq!(last.as_of.to_rfc3339(), "2026-11-22T23:59:59+00:00");
        assert_eq!(last.today.to_string(), "2026-11-22");
        assert!(WeekChoice::parse("W48").is_err());
    }
}
