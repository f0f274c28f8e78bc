//! `cargo bench --bench forecast`: the Monte Carlo forecasts alone, in-process — 200
//! milestones of 10,000 trials each over 12 weeks of throughput, as a 100k-item week with
//! 200 releases has them (about 500 items each, a third still open, 5 to 40 finished a
//! week). Prints the median of 7 runs of all 200.

use std::time::Instant;

use chrono::NaiveDate;
use rolecall::analyse::forecast::{forecast, seed, Basis};

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
    let milestones: Vec<(f64, Vec<f64>, NaiveDate)> = (0..200u64)
        .map(|m| {
            let remaining = 100.0 + (m * 37 % 150) as f64;
            let weekly = (0..12u64).map(|w| 5.0 + ((m * 7 + w * 13) % 36) as f64).collect();
            let due = today + chrono::Duration::days(7 + (m % 120) as i64);
            (remaining, weekly, due)
        })
        .collect();
    let mut times = Vec::new();
    let mut check = 0usize;
    for _ in 0..7 {
        let started = Instant::now();
        for (k, (remaining, weekly, due)) in milestones.iter().enumerate() {
            let f = forecast(
                Basis::Items,
                *remaining,
                weekly,
                today,
                Some(*due),
                seed(&format!("R{k:03}")),
            );
            check += usize::from(f.p85.is_some());
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "200 milestones × 10,000 trials: {:.1} ms (median of 7; min {:.1}, max {:.1}; {} forecasts with a date)",
        times[3],
        times[0],
        times[6],
        check / 7
    );
}
