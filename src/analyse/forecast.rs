//! When will it land: a Monte Carlo forecast from past weekly throughput.
//!
//! Each trial draws one of the last N weeks' throughput at random for every week ahead
//! until the remaining work is done; the last week counts only the part of it needed.
//! 10,000 trials give the dates by which the work is done in 50, 85 and 95 of 100 of
//! them, and the share of trials done by the due date. The random numbers are seeded
//! from the milestone's id, so the same data gives the same forecast, byte for byte.
//!
//! The assumptions, which the README repeats: the coming weeks look like the sampled
//! ones (same people, same kind of work); the whole of that throughput goes to this
//! scope (parallel milestones of one team each get all of it, so each is optimistic);
//! the remaining scope does not grow (it is said when it grew faster than work finished).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Trials per forecast.
pub const TRIALS: usize = 10_000;

/// A trial that has not finished after this many weeks stops: "not within 5 years".
const MAX_WEEKS: u32 = 260;

/// The fewest weeks of throughput a forecast samples from: fewer are one pace repeated.
pub const MIN_WEEKS: usize = 3;

/// What a forecast counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    Items,
    /// Story points: when every item of the scope has an estimate.
    Points,
}

/// A forecast, or the sentence that says why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub basis: Basis,
    /// Work left: open items, or their points.
    pub remaining: f64,
    /// Weeks of throughput sampled, and their mean.
    pub weeks_sampled: usize,
    pub mean_per_week: f64,
    /// Done in half, 85 and 95 of 100 trials by these dates; `None` with `note` when the
    /// data cannot say (no history, nothing finished, not within five years).
    pub p50: Option<NaiveDate>,
    pub p85: Option<NaiveDate>,
    pub p95: Option<NaiveDate>,
    /// At the mean throughput.
    pub linear: Option<NaiveDate>,
    /// The share of trials done by the due date.
    pub on_time: Option<f64>,
    pub trials: usize,
    /// Why there is no date, or what to keep in mind about it, in words.
    pub note: Option<String>,
}

/// A small, fast, seeded generator (SplitMix64): the same seed, the same draws.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), without modulo bias worth speaking of for small n.
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
}

/// A stable seed from a name (FNV-1a): forecasts do not depend on the order of anything.
pub fn seed(name: &str) -> u64 {
    name.bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Throughput per week (oldest first) over the `weeks` weeks that end on `last_day`
/// (inclusive), from the days work finished on; weeks before `horizon` (the first day the
/// data knows of) are left out, since nothing could have finished in them.
pub fn weekly(
    finished: impl IntoIterator<Item = (NaiveDate, f64)>,
    last_day: NaiveDate,
    weeks: usize,
    horizon: Option<NaiveDate>,
) -> Vec<f64> {
    let first_day = last_day - Duration::days(7 * weeks as i64 - 1);
    let mut out = vec![0.0; weeks];
    for (day, amount) in finished {
        if day < first_day || day > last_day {
            continue;
        }
        let w = ((day - first_day).num_days() / 7) as usize;
        out[w.min(weeks - 1)] += amount;
    }
    // Whole weeks before the data begins.
    let skip = horizon.map_or(0, |h| {
        if h <= first_day {
            0
        } else {
            (((h - first_day).num_days() / 7) as usize).min(weeks)
        }
    });
    out.split_off(skip)
}

/// The forecast for `remaining` work from weekly throughput `samples`, as of `today`.
pub fn forecast(
    basis: Basis,
    remaining: f64,
    samples: &[f64],
    today: NaiveDate,
    due: Option<NaiveDate>,
    seed: u64,
) -> Forecast {
    let mean =
        if samples.is_empty() { 0.0 } else { samples.iter().sum::<f64>() / samples.len() as f64 };
    let mut f = Forecast {
        basis,
        remaining,
        weeks_sampled: samples.len(),
        mean_per_week: mean,
        p50: None,
        p85: None,
        p95: None,
        linear: None,
        on_time: None,
        trials: 0,
        note: None,
    };
    let unit = match basis {
        Basis::Items => "items",
        Basis::Points => "points",
    };
    if remaining <= 0.0 {
        f.p50 = Some(today);
        f.p85 = Some(today);
        f.p95 = Some(today);
        f.linear = Some(today);
        f.on_time = due.map(|d| if d >= today { 1.0 } else { 0.0 });
        return f;
    }
    if samples.is_empty() {
        f.note = Some("no throughput history yet: no forecast".into());
        return f;
    }
    if samples.len() < MIN_WEEKS {
        // One week drawn 10,000 times is one week's pace taken for certain: "100%
        // likely" beside a milestone the data calls red.
        f.note = Some(format!(
            "only {} of throughput history: a forecast needs {MIN_WEEKS} weeks or more",
            if samples.len() == 1 { "1 week".to_string() } else { plural_weeks(samples.len()) }
        ));
        return f;
    }
    if mean == 0.0 {
        f.note = Some(format!(
            "no {unit} finished in the last {}: no forecast until work finishes",
            plural_weeks(samples.len())
        ));
        return f;
    }
    // Past five years a straight line says nothing, and an absurd estimate (a hundred
    // million points) would put it past the last date there is.
    let line = 7.0 * remaining / mean;
    f.linear = (line.is_finite() && line <= f64::from(MAX_WEEKS) * 7.0).then(|| today + days(line));
    let mut rng = Rng(seed);
    let mut finish: Vec<u32> = Vec::with_capacity(TRIALS);
    // Only weeks that finish something can end a trial; a trial of only empty weeks is
    // bounded by MAX_WEEKS.
    for _ in 0..TRIALS {
        let mut left = remaining;
        let mut weeks = 0u32;
        let mut day_count = None;
        while weeks < MAX_WEEKS {
            let got = samples[rng.below(samples.len())];
            if got >= left {
                // Part of this week: the days the rest takes at this week's pace.
                day_count = Some(
                    ((f64::from(weeks) * 7.0 + 7.0 * left / got) - 1e-9).ceil().max(0.0) as u32,
                );
                break;
            }
            left -= got;
            weeks += 1;
        }
        finish.push(day_count.unwrap_or(u32::MAX));
    }
    f.trials = TRIALS;
    finish.sort_unstable();
    let at = |q: f64| {
        let i = ((q * TRIALS as f64).ceil() as usize).clamp(1, TRIALS) - 1;
        let d = finish[i];
        (d != u32::MAX).then(|| today + Duration::days(i64::from(d)))
    };
    f.p50 = at(0.50);
    f.p85 = at(0.85);
    f.p95 = at(0.95);
    if let Some(due) = due {
        let limit = (due - today).num_days();
        let made = if limit < 0 { 0 } else { finish.partition_point(|&d| i64::from(d) <= limit) };
        f.on_time = Some(made as f64 / TRIALS as f64);
    }
    if f.p95.is_none() {
        f.note = Some(format!(
            "at {mean:.1} {unit} a week, {} take{} more than five years in {} trials",
            fmt_amount(remaining),
            if remaining == 1.0 { "s" } else { "" },
            if finish[0] == u32::MAX { "all" } else { "some" }
        ));
    }
    f
}

fn days(d: f64) -> Duration {
    Duration::days((d - 1e-9).ceil().max(0.0) as i64)
}

fn plural_weeks(n: usize) -> String {
    if n == 1 {
        "week".into()
    } else {
        format!("{n} weeks")
    }
}

/// An amount as a sentence says it: `12`, `2.5`, `10,000,003` (grouped, as the reports
/// write counts), and past a quadrillion in powers of ten rather than 300 digits.
fn fmt_amount(x: f64) -> String {
    if x.abs() >= 1e15 {
        return format!("{x:.1e}");
    }
    let s = if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") };
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    // Below a quadrillion the whole part fits an i64; `-0.5` keeps its sign.
    let grouped = match int {
        "-0" => "-0".to_string(),
        _ => crate::text::thousands(int.parse().unwrap_or(0)),
    };
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn constant_throughput_gives_one_date_the_linear_one() {
        for (remaining, per_week) in [(10.0, 5.0), (7.0, 2.0), (1.0, 3.0), (100.0, 7.0)] {
            let f = forecast(Basis::Items, remaining, &[per_week; 12], d("2026-11-27"), None, 1);
            assert_eq!(f.p50, f.linear, "{remaining}/{per_week}");
            assert_eq!(f.p85, f.linear);
            assert_eq!(f.p95, f.linear);
        }
        // 10 items at 5 a week: two weeks.
        let f = forecast(Basis::Items, 10.0, &[5.0; 12], d("2026-11-27"), Some(d("2026-12-11")), 1);
        assert_eq!(f.p50, Some(d("2026-12-11")));
        assert_eq!(f.on_time, Some(1.0));
        let f = forecast(Basis::Items, 10.0, &[5.0; 12], d("2026-11-27"), Some(d("2026-12-10")), 1);
        assert_eq!(f.on_time, Some(0.0));
    }

    #[test]
    fn without_history_or_throughput_a_sentence_not_a_date() {
        let f = forecast(Basis::Items, 5.0, &[], d("2026-11-27"), Some(d("2026-12-31")), 1);
        assert_eq!((f.p50, f.on_time), (None, None));
        assert_eq!(f.note.as_deref(), Some("no throughput history yet: no forecast"));
        let f = forecast(Basis::Points, 5.0, &[0.0; 8], d("2026-11-27"), None, 1);
        assert_eq!(f.p85, None);
        assert_eq!(
            f.note.as_deref(),
            Some("no points finished in the last 8 weeks: no forecast until work finishes")
        );
        // Rarely anything finishes: some trials never end within five years.
        let mut rare = vec![0.0; 25];
        rare.push(1.0);
        let f = forecast(Basis::Items, 40.0, &rare, d("2026-11-27"), None, 1);
        assert_eq!(f.p95, None);
        assert!(
            f.note.as_deref().is_some_and(|n| n.contains("more than five years")),
            "{:?}",
            f.note
        );
    }

    /// An absurd estimate (a hundred million points, or a quadrillion) is a sentence,
    /// not a panic past the last date there is; and when every trial runs past five
    /// years the note says all, not some.
    #[test]
    fn absurd_amounts_give_no_date_and_no_panic() {
        for remaining in [1e8, 1e15, f64::MAX] {
            let f = forecast(Basis::Points, remaining, &[3.0; 12], d("2026-11-27"), None, 1);
            assert_eq!((f.linear, f.p50, f.p95), (None, None, None), "{remaining}");
            assert!(
                f.note.as_deref().is_some_and(|n| n.contains("more than five years in all trials")),
                "{:?}",
                f.note
            );
        }
        let f = forecast(Basis::Points, 5.0, &[1e-300; 12], d("2026-11-27"), None, 1);
        assert_eq!(f.linear, None);
        // Said as a person reads it, not in 309 digits.
        assert_eq!(fmt_amount(10_000_003.0), "10,000,003");
        assert_eq!(fmt_amount(1234.5), "1,234.5");
        assert_eq!(fmt_amount(12.0), "12");
        assert_eq!(fmt_amount(f64::MAX), "1.8e308");
    }

    #[test]
    fn seeded_runs_are_identical_and_seeds_differ() {
        let s = [3.0, 0.0, 5.0, 1.0, 8.0, 2.0, 2.0, 4.0];
        let a =
            forecast(Basis::Items, 30.0, &s, d("2026-11-27"), Some(d("2027-01-15")), seed("m1"));
        let b =
            forecast(Basis::Items, 30.0, &s, d("2026-11-27"), Some(d("2027-01-15")), seed("m1"));
        assert_eq!(serde_json::to_string(&a).ok(), serde_json::to_string(&b).ok());
        assert_ne!(seed("m1"), seed("m2"));
    }

    /// P50 ≤ P85 ≤ P95, the probability within 0..1 and consistent with the dates, on
    /// random inputs.
    #[test]
    fn percentiles_are_ordered_on_random_inputs() {
        let mut rng = Rng(42);
        let today = d("2026-11-27");
        for round in 0..300 {
            let n = 1 + rng.below(26);
            let samples: Vec<f64> = (0..n).map(|_| rng.below(12) as f64).collect();
            let remaining = 1.0 + rng.below(200) as f64;
            let due = today + Duration::days(rng.below(400) as i64);
            let f = forecast(Basis::Items, remaining, &samples, today, Some(due), round);
            if let (Some(a), Some(b)) = (f.p50, f.p85) {
                assert!(a <= b, "{samples:?} {remaining}");
            }
            if let (Some(b), Some(c)) = (f.p85, f.p95) {
                assert!(b <= c, "{samples:?} {remaining}");
            }
            if f.p50.is_none() {
                assert!(f.p85.is_none() && f.p95.is_none());
            }
            if let Some(p) = f.on_time {
                assert!((0.0..=1.0).contains(&p));
                if f.p50.is_some_and(|x| x <= due) {
                    assert!(p >= 0.5, "{p} with P50 {:?} ≤ due {due}", f.p50);
                }
                if f.p50.is_some_and(|x| x > due) {
                    assert!(p < 0.5 + 1e-9, "{p} with P50 {:?} > due {due}", f.p50);
                }
            }
            assert!(f.p50.is_none() || f.p50 >= Some(today));
        }
    }

    #[test]
    fn weekly_counts_by_week_and_respects_the_horizon() {
        let end = d("2026-11-29"); // a Sunday
        let finished = [
            (d("2026-11-23"), 1.0),
            (d("2026-11-29"), 1.0),
            (d("2026-11-16"), 1.0),
            (d("2026-01-01"), 9.0),
        ];
        assert_eq!(weekly(finished, end, 3, None), vec![0.0, 1.0, 2.0]);
        // The data begins on 2026-11-20: the week of 2026-11-09 is left out, that of the
        // 16th kept (it was partly known).
        assert_eq!(weekly(finished, end, 3, Some(d("2026-11-20"))), vec![1.0, 2.0]);
    }
}
