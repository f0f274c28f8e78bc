//! `rolecall eval`: how well the rules agree with hand labels — accuracy, per-concern
//! precision, recall and F1, macro-F1, and the confusion matrix.

use std::collections::HashMap;

use serde::Serialize;

use super::{Classification, Concern};
use crate::error::{Error, Location, Result};
use crate::model::Item;

/// Reads a `key,concern` CSV (a header row is optional).
pub(crate) fn read_labels(path: &str) -> Result<Vec<(String, Concern, u64)>> {
    let table = crate::source::table::Table::read(path, std::path::Path::new(path))?;
    let mut rows: Vec<(String, String, u64)> = Vec::new();
    let header_is_data = Concern::parse(table.headers.get(1).map_or("", String::as_str)).is_some();
    if header_is_data {
        rows.push((table.headers[0].clone(), table.headers[1].clone(), 1));
    } else {
        let (k, c) = (&table.headers[0], table.headers.get(1).map_or("", String::as_str));
        if !k.eq_ignore_ascii_case("key") || !c.eq_ignore_ascii_case("concern") {
            return Err(Error::input(
                Location::file(path).line(1),
                format!("expected the header `key,concern`, found `{}`", table.headers.join(",")),
            ));
        }
    }
    for row in table.rows() {
        let row = &row;
        rows.push((row.get(0).trim().to_string(), row.get(1).trim().to_string(), row.line));
    }
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (key, concern, line) in rows {
        let at = || Location::file(path).line(line);
        if key.is_empty() {
            return Err(Error::input(at().column("key"), "key is empty"));
        }
        let c = Concern::parse(&concern).ok_or_else(|| {
            Error::input(
                at().column("concern"),
                format!(
                    "unknown concern {} (expected product, program or project)",
                    crate::text::quote(&concern)
                ),
            )
        })?;
        if let Some(first) = seen.insert(key.clone(), line) {
            return Err(Error::input(
                at().column("key"),
                format!("duplicate key {key} (first on line {first})"),
            ));
        }
        out.push((key, c, line));
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
pub(crate) struct PerConcern {
    pub concern: Concern,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Miss {
    pub key: String,
    pub expected: Concern,
    pub got: Concern,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub labelled: usize,
    /// Labels whose key is in none of the sources.
    pub unmatched: Vec<String>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_concern: Vec<PerConcern>,
    /// `confusion[expected][got]`, in product, program, project order.
    pub confusion: [[usize; 3]; 3],
    /// How right each confidence level is, and how many items it covers: does "high"
    /// mean something?
    pub calibration: Vec<Calibration>,
    pub misses: Vec<Miss>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Calibration {
    pub confidence: super::Confidence,
    pub items: usize,
    /// Its share of the labelled items.
    pub coverage: f64,
    pub accuracy: f64,
}

pub(crate) fn evaluate(
    labels: &[(String, Concern, u64)],
    items: &[Item],
    classes: &[Classification],
) -> Report {
    let by_key: HashMap<&str, usize> =
        items.iter().enumerate().map(|(i, it)| (it.key.as_str(), i)).collect();
    let mut confusion = [[0usize; 3]; 3];
    let mut unmatched = Vec::new();
    let mut misses = Vec::new();
    // (items, right) for high and low confidence.
    let mut levels = [(0usize, 0usize); 2];
    for (key, expected, _) in labels {
        let Some(&i) = by_key.get(key.as_str()) else {
            unmatched.push(key.clone());
            continue;
        };
        let got = classes[i].concern;
        let level = &mut levels[usize::from(classes[i].confidence == super::Confidence::Low)];
        level.0 += 1;
        level.1 += usize::from(got == *expected);
        confusion[*expected as usize][got as usize] += 1;
        if got != *expected {
            misses.push(Miss {
                key: key.clone(),
                expected: *expected,
                got,
                title: items[i].title.to_string(),
            });
        }
    }
    let total: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
    let per_concern: Vec<PerConcern> = Concern::ALL
        .iter()
        .map(|&c| {
            let i = c as usize;
            let tp = confusion[i][i] as f64;
            let predicted: usize = (0..3).map(|e| confusion[e][i]).sum();
            let actual: usize = confusion[i].iter().sum();
            let precision = ratio(tp, predicted as f64);
            let recall = ratio(tp, actual as f64);
            let f1 = ratio(2.0 * precision * recall, precision + recall);
            PerConcern { concern: c, precision, recall, f1, support: actual }
        })
        .collect();
    let macro_f1 = per_concern.iter().map(|p| p.f1).sum::<f64>() / 3.0;
    let calibration = [super::Confidence::High, super::Confidence::Low]
        .into_iter()
        .zip(levels)
        .map(|(confidence, (items, right))| Calibration {
            confidence,
            items,
            coverage: ratio(items as f64, total as f64),
            accuracy: ratio(right as f64, items as f64),
        })
        .collect();
    Report {
        labelled: total,
        unmatched,
        accuracy: ratio(correct as f64, total as f64),
        macro_f1,
        per_concern,
        confusion,
        calibration,
        misses,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

impl Report {
    /// The report as text for a terminal.
    pub(crate) fn to_text(&self, show_misses: usize) -> String {
        let mut s = format!(
            "{} labelled items: accuracy {:.3}, macro-F1 {:.3}\n\n",
            self.labelled, self.accuracy, self.macro_f1
        );
        let rows: Vec<Vec<String>> = self
            .per_concern
            .iter()
            .map(|p| {
                vec![
                    p.concern.as_str().to_string(),
                    format!("{:.3}", p.precision),
                    format!("{:.3}", p.recall),
                    format!("{:.3}", p.f1),
                    p.support.to_string(),
                ]
            })
            .collect();
        s.push_str(&crate::text::aligned(
            &["CONCERN", "PRECISION", "RECALL", "F1", "ITEMS"],
            &rows,
        ));
        let rows: Vec<Vec<String>> = self
            .calibration
            .iter()
            .map(|c| {
                vec![
                    format!("{:?}", c.confidence).to_lowercase(),
                    c.items.to_string(),
                    format!("{:.0}%", c.coverage * 100.0),
                    format!("{:.3}", c.accuracy),
                ]
            })
            .collect();
        s.push('\n');
        s.push_str(&crate::text::aligned(&["CONFIDENCE", "ITEMS", "COVERAGE", "ACCURACY"], &rows));
        s.push_str("\nconfusion (rows: labelled, columns: classified)\n");
        let rows: Vec<Vec<String>> = Concern::ALL
            .iter()
            .map(|&c| {
                let mut r = vec![c.as_str().to_string()];
                r.extend(self.confusion[c as usize].iter().map(|n| n.to_string()));
                r
            })
            .collect();
        s.push_str(&crate::text::aligned(&["", "product", "program", "project"], &rows));
        if !self.unmatched.is_empty() {
            s.push_str(&format!(
                "\n{} labelled keys are in no source: {}\n",
                self.unmatched.len(),
                self.unmatched.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if show_misses > 0 && !self.misses.is_empty() {
            s.push_str(&format!("\nmisclassified ({}):\n", self.misses.len()));
            let rows: Vec<Vec<String>> = self
                .misses
                .iter()
                .take(show_misses)
                .map(|m| {
                    vec![
                        m.key.clone(),
                        m.expected.as_str().to_string(),
                        m.got.as_str().to_string(),
                        crate::text::truncate(&m.title, 70),
                    ]
                })
                .collect();
            s.push_str(&crate::text::aligned(&["KEY", "LABELLED", "GOT", "TITLE"], &rows));
        }
        s
    }
}
