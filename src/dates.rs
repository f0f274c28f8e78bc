//! Dates as trackers write them.
//!
//! Every format is parsed explicitly, by a small hand-written scanner rather than by
//! trying a list of `strftime` patterns (that is both slow on 100k-row files and vague
//! about what went wrong). Numeric dates (`16/02/2017`, `4/17/16`) are ambiguous one at a
//! time, so the day/month order is decided per column from all of its values; see
//! [`ColumnOrder`].
//!
//! Accepted shapes:
//! - Jira: `15/Feb/26 4:37 PM`, `15/Feb/2026 16:37`, `12/Dec/26`
//! - ISO 8601: `2024-05-14`, `2024-05-14 08:53`, `2024-05-14T08:53:33.123+02:00`, `…Z`
//! - JavaScript `Date.toString()` (Linear): `Tue May 14 2024 08:53:33 GMT+0000 (GMT)`
//! - numeric, either order: `16/02/2017 15:26`, `4/17/16`, `17.04.2016`, `2/3/2024 1:05 PM`
//! - month name first, as GitHub's web pages and US spreadsheets write: `Mar 18, 2024`,
//!   `March 18, 2024`, `Mar 18 2024`

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Day/month order of purely numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

impl DateOrder {
    pub fn describe(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        }
    }
}

/// A parsed value, before time-zone resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    Date(NaiveDate),
    Local(NaiveDateTime),
    Exact(DateTime<FixedOffset>),
}

impl Parsed {
    /// The instant this value denotes; zone-less values are read in `tz`.
    pub(crate) fn instant(self, tz: Tz) -> DateTime<Utc> {
        match self {
            Parsed::Exact(dt) => dt.with_timezone(&Utc),
            Parsed::Local(ndt) => local_to_utc(ndt, tz),
            Parsed::Date(d) => local_to_utc(d.and_time(NaiveTime::MIN), tz),
        }
    }

    /// The calendar date as written, never shifted through a zone.
    pub(crate) fn date(self) -> NaiveDate {
        match self {
            Parsed::Date(d) => d,
            Parsed::Local(ndt) => ndt.date(),
            Parsed::Exact(dt) => dt.date_naive(),
        }
    }
}

fn local_to_utc(ndt: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&ndt) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        // An autumn hour that happens twice: take the first.
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        // A spring hour that never happens: clocks jumped forward, so did the writer.
        chrono::LocalResult::None => local_to_utc(ndt + chrono::Duration::hours(1), tz),
    }
}

/// What a single numeric value says about day/month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    /// Not a numeric date: named month, ISO or JavaScript.
    NotNumeric,
    /// Both parts ≤ 12: could be either.
    Either,
    DayFirst,
    MonthFirst,
}

/// The day/month order evidence of one column, gathered over all of its values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ColumnOrder {
    day_first: Option<u64>,
    month_first: Option<u64>,
    /// The line of the first numeric date.
    numeric: Option<u64>,
}

impl ColumnOrder {
    /// Records one value (and the line it is on, for the error when evidence conflicts);
    /// true when it is a numeric date, which needs the column's order to be read.
    pub(crate) fn observe(&mut self, value: &str, line: u64) -> bool {
        match evidence(value) {
            Evidence::NotNumeric => return false,
            Evidence::Either => {}
            Evidence::DayFirst => {
                self.day_first.get_or_insert(line);
            }
            Evidence::MonthFirst => {
                self.month_first.get_or_insert(line);
            }
        }
        self.numeric.get_or_insert(line);
        true
    }

    /// Adds the evidence of the rows after these (a later chunk of the same column).
    pub(crate) fn merge(&mut self, later: &ColumnOrder) {
        self.day_first = self.day_first.or(later.day_first);
        self.month_first = self.month_first.or(later.month_first);
        self.numeric = self.numeric.or(later.numeric);
    }

    /// The line of the first value that was a numeric date, when one was: an order
    /// matters at all.
    pub(crate) fn first_numeric(&self) -> Option<u64> {
        self.numeric
    }

    /// The order the values prove, `Ok(None)` when they prove none, or the two lines that
    /// contradict each other.
    pub(crate) fn decided(&self) -> Result<Option<DateOrder>, (u64, u64)> {
        match (self.day_first, self.month_first) {
            (Some(d), Some(m)) => Err((d, m)),
            (Some(_), None) => Ok(Some(DateOrder::DayFirst)),
            (None, Some(_)) => Ok(Some(DateOrder::MonthFirst)),
            (None, None) => Ok(None),
        }
    }
}

fn evidence(value: &str) -> Evidence {
    let Some((a, b)) = numeric_prefix(value.trim()) else {
        return Evidence::NotNumeric;
    };
    match (a > 12, b > 12) {
        (true, false) => Evidence::DayFirst,
        (false, true) => Evidence::MonthFirst,
        // 13/13 is not a date at all; the parser will say so.
        _ => Evidence::Either,
    }
}

/// The first two numbers of `d/m/y`, `d.m.y` or `d-m-y` (not ISO `y-m-d`).
fn numeric_prefix(s: &str) -> Option<(u32, u32)> {
    let mut sc = Scanner::new(s);
    let a = sc.number(1, 2)?;
    let sep = sc.one_of(b"/.-")?;
    let b = sc.number(1, 2)?;
    sc.expect(sep)?;
    Some((a, b))
}

/// Parses one value. `order` is required only for numeric dates; `None` with a numeric
/// date is an error the caller turns into "set date-order".
pub(crate) fn parse(value: &str, order: Option<DateOrder>) -> Result<Parsed, DateError> {
    let s = value.trim();
    let first = s.as_bytes().first().copied().unwrap_or(b' ');
    let parsed = if first.is_ascii_alphabetic() {
        parse_js(s).or_else(|| parse_month_first(s))
    } else if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        parse_iso(s)
    } else if let Some(p) = parse_jira(s) {
        Some(p)
    } else {
        if numeric_prefix(s).is_some() && order.is_none() {
            return Err(DateError::AmbiguousOrder);
        }
        order.and_then(|o| parse_numeric(s, o))
    };
    parsed.ok_or(DateError::Unrecognised)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateError {
    Unrecognised,
    AmbiguousOrder,
}

/// The formats we read, for error messages.
pub(crate) const EXPECTED: &str =
    "expected a date like 15/Feb/26 4:37 PM, 2026-02-15, 2026-02-15T16:37:00Z, \
     16/02/2026 16:37, Feb 15, 2026 or Tue May 14 2024 08:53:33 GMT+0000";

/// Why a value shaped like a date is none (`31/Feb/26`: "February 2026 has no day 31"),
/// for error messages; `None` when the shape itself is not one we read.
pub(crate) fn why_invalid(value: &str, order: Option<DateOrder>) -> Option<String> {
    let s = value.trim();
    let mut sc = Scanner::new(s);
    let (y, month, day) = if s.len() >= 10 && s.as_bytes()[4] == b'-' {
        let y = sc.number(4, 4)?;
        sc.expect(b'-')?;
        let m = sc.number(2, 2)?;
        sc.expect(b'-')?;
        (y as i32, m, sc.number(2, 2)?)
    } else {
        let a = sc.number(1, 2)?;
        let sep = sc.one_of(b"/.-")?;
        let (day, month) = match sc.word() {
            Some(name) => (a, month_from_name(name)?),
            None => {
                let b = sc.number(1, 2)?;
                match order? {
                    DateOrder::DayFirst => (a, b),
                    DateOrder::MonthFirst => (b, a),
                }
            }
        };
        sc.expect(sep)?;
        let (y, digits) = sc.number_len(2, 4)?;
        (year(y, digits), month, day)
    };
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    if NaiveDate::from_ymd_opt(y, month, day).is_some() {
        return None;
    }
    let name = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][month as usize - 1];
    Some(format!("{name} {y} has no day {day}"))
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Month abbreviations of Jira exports in other languages (Java's locale data, old and
/// new: `sep` and `sept`, `Dez` and `Dez.`), lower-case, without a trailing dot.
const LOCALISED_MONTHS: &[(&str, u32)] = &[
    // Spanish, Portuguese, Italian, French, German, Dutch, Polish (seen: es `ago`, `abr`,
    // `sep`; pt `abr`, `mai`; fr `févr.`; de `Dez`; pl `lut`, `lip`).
    ("ene", 1),
    ("gen", 1),
    ("janv", 1),
    ("sty", 1),
    ("fev", 2),
    ("fév", 2),
    ("févr", 2),
    ("lut", 2),
    ("mär", 3),
    ("mrz", 3),
    ("mars", 3),
    ("mrt", 3),
    ("abr", 4),
    ("avr", 4),
    ("kwi", 4),
    ("mai", 5),
    ("mag", 5),
    ("mei", 5),
    ("maj", 5),
    ("giu", 6),
    ("juin", 6),
    ("cze", 6),
    ("lug", 7),
    ("juil", 7),
    ("lip", 7),
    ("ago", 8),
    ("août", 8),
    ("aou", 8),
    ("sie", 8),
    ("set", 9),
    ("sept", 9),
    ("wrz", 9),
    ("okt", 10),
    ("out", 10),
    ("ott", 10),
    ("paź", 10),
    ("paz", 10),
    ("lis", 11),
    ("dic", 12),
    ("dez", 12),
    ("déc", 12),
    ("gru", 12),
];

fn month_from_name(name: &str) -> Option<u32> {
    // French Jira writes `oct.`, `nov.`, `déc.`: the dot ends an abbreviation in any
    // language.
    let name = name.trim_end_matches('.');
    english_month(name).or_else(|| {
        let n = name.to_lowercase();
        LOCALISED_MONTHS.iter().find(|(m, _)| *m == n).map(|(_, i)| *i)
    })
}

fn english_month(name: &str) -> Option<u32> {
    // Without allocating: this runs for every date of a Jira export.
    let prefix = name.get(..3)?;
    let idx = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(prefix))?;
    // Accept `Feb` and `February`, but not `Febxyz`.
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ][idx];
    let n = name.len();
    (n == 3
        || full.eq_ignore_ascii_case(name)
        || (n == 4 && full.get(..4).is_some_and(|f| f.eq_ignore_ascii_case(name)))
        || name.eq_ignore_ascii_case("sept"))
    .then_some(idx as u32 + 1)
}

fn year(y: u32, digits: usize) -> i32 {
    if digits == 2 {
        // Jira and spreadsheets write two-digit years for this century.
        2000 + y as i32
    } else {
        y as i32
    }
}

/// `15/Feb/26 4:37 PM`, `15/Feb/2026`, `15-Feb-2026 16:37`, `07 May 2024` (a
/// spreadsheet's re-save).
fn parse_jira(s: &str) -> Option<Parsed> {
    let mut sc = Scanner::new(s);
    let day = sc.number(1, 2)?;
    let sep = sc.one_of(b"/- ")?;
    let month = month_from_name(sc.word()?)?;
    sc.expect(sep)?;
    let (y, digits) = sc.number_len(2, 4)?;
    let date = NaiveDate::from_ymd_opt(year(y, digits), month, day)?;
    finish_with_time(date, sc)
}

/// `Mar 18, 2024`, `March 18, 2024`, `Mar 18 2024`, optionally with a time: a month
/// name never leaves the day/month order in doubt. The year has four digits (`Mar 18, 24`
/// could as well be the 24th of a year not written).
fn parse_month_first(s: &str) -> Option<Parsed> {
    let mut sc = Scanner::new(s);
    let month = month_from_name(sc.word()?)?;
    sc.expect(b' ')?;
    let day = sc.number(1, 2)?;
    if sc.peek() == Some(b',') {
        sc.advance(1);
    }
    sc.expect(b' ')?;
    let y = sc.number(4, 4)?;
    let date = NaiveDate::from_ymd_opt(y as i32, month, day)?;
    finish_with_time(date, sc)
}

/// `16/02/2017 15:26`, `4/17/16`, `17.04.2016`.
fn parse_numeric(s: &str, order: DateOrder) -> Option<Parsed> {
    let mut sc = Scanner::new(s);
    let a = sc.number(1, 2)?;
    let sep = sc.one_of(b"/.-")?;
    let b = sc.number(1, 2)?;
    sc.expect(sep)?;
    let (y, digits) = sc.number_len(2, 4)?;
    if digits == 3 {
        return None;
    }
    let (day, month) = match order {
        DateOrder::DayFirst => (a, b),
        DateOrder::MonthFirst => (b, a),
    };
    let date = NaiveDate::from_ymd_opt(year(y, digits), month, day)?;
    finish_with_time(date, sc)
}

/// An optional ` h:mm[:ss][ AM|PM]` after a date, then the end of the value.
fn finish_with_time(date: NaiveDate, mut sc: Scanner) -> Option<Parsed> {
    if sc.at_end() {
        return Some(Parsed::Date(date));
    }
    sc.expect(b' ')?;
    sc.skip_spaces();
    let time = sc.clock()?;
    sc.skip_spaces();
    sc.at_end().then_some(Parsed::Local(date.and_time(time)))
}

/// ISO 8601 and the `YYYY-MM-DD HH:MM[:SS[.fff]]` that databases and spreadsheets write.
fn parse_iso(s: &str) -> Option<Parsed> {
    let mut sc = Scanner::new(s);
    let y = sc.number(4, 4)?;
    sc.expect(b'-')?;
    let m = sc.number(2, 2)?;
    sc.expect(b'-')?;
    let d = sc.number(2, 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    if sc.at_end() {
        return Some(Parsed::Date(date));
    }
    sc.one_of(b"T ")?;
    let time = sc.clock()?;
    let local = date.and_time(time);
    if sc.at_end() {
        return Some(Parsed::Local(local));
    }
    let offset = sc.offset()?;
    if !sc.at_end() {
        return None;
    }
    offset.from_local_datetime(&local).single().map(Parsed::Exact)
}

/// JavaScript's `Date.toString()`: `Tue May 14 2024 08:53:33 GMT+0000 (GMT)`.
fn parse_js(s: &str) -> Option<Parsed> {
    let mut sc = Scanner::new(s);
    sc.word()?; // weekday: not checked, the date decides
    sc.expect(b' ')?;
    let month = month_from_name(sc.word()?)?;
    sc.expect(b' ')?;
    let day = sc.number(1, 2)?;
    sc.expect(b' ')?;
    let y = sc.number(4, 4)?;
    let date = NaiveDate::from_ymd_opt(y as i32, month, day)?;
    if sc.at_end() {
        return Some(Parsed::Date(date));
    }
    sc.expect(b' ')?;
    let local = date.and_time(sc.clock()?);
    if sc.at_end() {
        return Some(Parsed::Local(local));
    }
    sc.expect(b' ')?;
    if sc.rest().starts_with("GMT") || sc.rest().starts_with("UTC") {
        sc.advance(3);
    }
    let offset = sc.offset()?;
    // The zone name in brackets is informative only.
    let rest = sc.rest().trim();
    if !(rest.is_empty() || (rest.starts_with('(') && rest.ends_with(')'))) {
        return None;
    }
    offset.from_local_datetime(&local).single().map(Parsed::Exact)
}

/// A byte cursor with just the steps the date shapes need.
struct Scanner<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Self {
        Scanner { s, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn advance(&mut self, n: usize) {
        self.pos += n;
    }

    fn at_end(&self) -> bool {
        self.pos == self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let b = self.peek()?;
        set.contains(&b).then(|| {
            self.pos += 1;
            b
        })
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos += 1;
        }
    }

    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        self.number_len(min, max).map(|(n, _)| n)
    }

    fn number_len(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let start = self.pos;
        let mut n: u32 = 0;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            if self.pos - start == max {
                break;
            }
            n = n * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        let len = self.pos - start;
        (len >= min).then_some((n, len))
    }

    /// Letters (any script: `févr`, `paź`), and a dot ending an abbreviation.
    fn word(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b >= 0x80) {
            self.pos += 1;
        }
        if self.pos > start && self.peek() == Some(b'.') {
            self.pos += 1;
        }
        // Never split a character: stop short of a partial one.
        while self.pos > start && !self.s.is_char_boundary(self.pos) {
            self.pos -= 1;
        }
        (self.pos > start).then(|| &self.s[start..self.pos])
    }

    /// `h:mm`, `hh:mm:ss`, `hh:mm:ss.fff`, each optionally followed by ` AM`/`PM`.
    fn clock(&mut self) -> Option<NaiveTime> {
        let mut h = self.number(1, 2)?;
        self.expect(b':')?;
        let m = self.number(2, 2)?;
        let mut sec = 0;
        let mut nano = 0;
        if self.peek() == Some(b':') {
            self.pos += 1;
            sec = self.number(2, 2)?;
            if self.peek() == Some(b'.') {
                self.pos += 1;
                let (frac, digits) = self.number_len(1, 9)?;
                nano = frac * 10u32.pow(9 - digits as u32);
            }
        }
        let save = self.pos;
        self.skip_spaces();
        match self.rest().get(..2).map(|s| s.to_ascii_uppercase()) {
            Some(ref ampm) if ampm == "AM" || ampm == "PM" => {
                if !(1..=12).contains(&h) {
                    return None;
                }
                h = h % 12 + if ampm == "PM" { 12 } else { 0 };
                self.pos += 2;
            }
            _ => self.pos = save,
        }
        NaiveTime::from_hms_nano_opt(h, m, sec, nano)
    }

    /// `Z`, `+02:00`, `+0200`, `-05`.
    fn offset(&mut self) -> Option<FixedOffset> {
        match self.peek()? {
            b'Z' => {
                self.pos += 1;
                FixedOffset::east_opt(0)
            }
            sign @ (b'+' | b'-') => {
                self.pos += 1;
                let h = self.number(2, 2)? as i32;
                if self.peek() == Some(b':') {
                    self.pos += 1;
                }
                let m = if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.number(2, 2)? as i32
                } else {
                    0
                };
                let secs = (h * 3600 + m * 60) * if sign == b'-' { -1 } else { 1 };
                FixedOffset::east_opt(secs)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Parsed {
        parse(s, Some(DateOrder::DayFirst)).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn month_names() {
        for (name, month) in [
            ("Feb", 2),
            ("feb", 2),
            ("FEBRUARY", 2),
            ("Febr", 2),
            ("Sept", 9),
            ("dec", 12),
            ("Mai", 5),
        ] {
            assert_eq!(month_from_name(name), Some(month), "{name}");
        }
        for name in ["Febxyz", "Fe", "Febru", "Maiz", "é"] {
            assert_eq!(month_from_name(name), None, "{name}");
        }
    }

    #[test]
    fn jira_formats() {
        assert_eq!(
            p("15/Feb/26 4:37 PM"),
            Parsed::Local(ymd(2026, 2, 15).and_hms_opt(16, 37, 0).unwrap())
        );
        assert_eq!(
            p("28/Jun/16 12:05 AM"),
            Parsed::Local(ymd(2016, 6, 28).and_hms_opt(0, 5, 0).unwrap())
        );
        assert_eq!(p("12/Dec/26"), Parsed::Date(ymd(2026, 12, 12)));
        assert_eq!(p("09/Mar/2026 12:00 PM").date(), ymd(2026, 3, 9));
        assert_eq!(p("07 May 2024"), Parsed::Date(ymd(2024, 5, 7)));
        assert_eq!(p("07 May 2024 14:05").date(), ymd(2024, 5, 7));
    }

    /// Jira exports in other languages write their own month abbreviations.
    #[test]
    fn localised_jira_months() {
        assert_eq!(p("04/ago/26 10:15 AM").date(), ymd(2026, 8, 4));
        assert_eq!(p("19/févr./26 9:00 AM").date(), ymd(2026, 2, 19));
        assert_eq!(p("15/Dez/21 6:57 PM").date(), ymd(2021, 12, 15));
        assert_eq!(p("15/Dez./21").date(), ymd(2021, 12, 15));
        assert_eq!(p("12/lut/21").date(), ymd(2021, 2, 12));
        assert_eq!(p("03/mai/24").date(), ymd(2024, 5, 3));
        assert_eq!(p("30/sept./24").date(), ymd(2024, 9, 30));
        assert_eq!(p("7/paź/24").date(), ymd(2024, 10, 7));
        assert_eq!(p("01/Okt/24").date(), ymd(2024, 10, 1));
        // French abbreviations that are also English ones, with their dot.
        assert_eq!(p("09/oct./26 9:40 AM").date(), ymd(2026, 10, 9));
        assert_eq!(p("03/nov./26").date(), ymd(2026, 11, 3));
        assert_eq!(p("03/janv./26").date(), ymd(2026, 1, 3));
        assert_eq!(p("03/avr./26").date(), ymd(2026, 4, 3));
        assert_eq!(p("03/déc./26").date(), ymd(2026, 12, 3));
        assert!(parse("01/Foo/24", None).is_err());
    }

    #[test]
    fn iso_and_js() {
        assert_eq!(p("2024-05-14"), Parsed::Date(ymd(2024, 5, 14)));
        let utc = p("2024-05-14T08:53:33.120+02:00").instant(Tz::UTC);
        assert_eq!(utc.to_rfc3339(), "2024-05-14T06:53:33.120+00:00");
        let js = p("Tue May 14 2024 08:53:33 GMT+0000 (GMT)").instant(Tz::UTC);
        assert_eq!(js.to_rfc3339(), "2024-05-14T08:53:33+00:00");
        let js = p("Tue May 14 2024 08:53:33 GMT-0700 (Pacific Daylight Time)").instant(Tz::UTC);
        assert_eq!(js.to_rfc3339(), "2024-05-14T15:53:33+00:00");
        assert_eq!(
            p("2016-07-05 07:53:01.71").instant(Tz::UTC).to_rfc3339(),
            "2016-07-05T07:53:01.710+00:00"
        );
    }

    /// GitHub's pages and US spreadsheets write the month first, in words.
    #[test]
    fn month_name_first() {
        assert_eq!(p("Mar 18, 2024"), Parsed::Date(ymd(2024, 3, 18)));
        assert_eq!(p("March 8, 2024"), Parsed::Date(ymd(2024, 3, 8)));
        assert_eq!(p("Sep 1 2024"), Parsed::Date(ymd(2024, 9, 1)));
        assert_eq!(p("Mar 18, 2024 4:37 PM").date(), ymd(2024, 3, 18));
        assert_eq!(parse("Feb 30, 2024", None), Err(DateError::Unrecognised));
        assert_eq!(parse("Mar 18, 24", None), Err(DateError::Unrecognised));
        assert_eq!(parse("Mar 18,2024x", None), Err(DateError::Unrecognised));
    }

    #[test]
    fn numeric_needs_an_order() {
        assert_eq!(parse("16/02/2017 15:26", None), Err(DateError::AmbiguousOrder));
        assert_eq!(p("16/02/2017 15:26").date(), ymd(2017, 2, 16));
        let us = parse("4/17/16", Some(DateOrder::MonthFirst)).expect("parses");
        assert_eq!(us.date(), ymd(2016, 4, 17));
        assert_eq!(parse("4/17/16", Some(DateOrder::DayFirst)), Err(DateError::Unrecognised));
    }

    #[test]
    fn column_order_from_evidence() {
        let mut c = ColumnOrder::default();
        c.observe("01/02/2017", 2);
        assert_eq!(c.decided(), Ok(None));
        c.observe("16/02/2017 15:26", 3);
        assert_eq!(c.decided(), Ok(Some(DateOrder::DayFirst)));
        c.observe("02/16/2017", 9);
        assert_eq!(c.decided(), Err((3, 9)));
    }

    #[test]
    fn local_times_use_the_zone() {
        let berlin: Tz = "Europe/Berlin".parse().expect("known zone");
        assert_eq!(
            p("15/Feb/26 4:37 PM").instant(berlin).to_rfc3339(),
            "2026-02-15T15:37:00+00:00"
        );
        // 02:30 on the spring-forward night does not exist in Berlin.
        assert_eq!(
            p("29/Mar/26 2:30 AM").instant(berlin).to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "32/Feb/26",
            "15/Fbr/26",
            "2026-13-01",
            "15/Feb/26 25:00",
            "Tue May 14",
        ] {
            assert!(parse(bad, Some(DateOrder::DayFirst)).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn explains_impossible_dates() {
        let day = Some(DateOrder::DayFirst);
        assert_eq!(
            why_invalid("31/Feb/26 5:00 PM", None).as_deref(),
            Some("February 2026 has no day 31")
        );
        assert_eq!(why_invalid("29/02/2017", day).as_deref(), Some("February 2017 has no day 29"));
        assert_eq!(
            why_invalid("2/30/2024", Some(DateOrder::MonthFirst)).as_deref(),
            Some("February 2024 has no day 30")
        );
        assert_eq!(why_invalid("2026-04-31", None).as_deref(), Some("April 2026 has no day 31"));
        assert_eq!(why_invalid("13/13/2017", day).as_deref(), Some("there is no month 13"));
        // Real dates, or no date shape at all: nothing to explain.
        for fine in ["28/Feb/26", "yesterday", "15/Feb/26 25:00", "01/02/2017", ""] {
            assert_eq!(why_invalid(fine, day), None, "{fine:?}");
        }
    }
}
