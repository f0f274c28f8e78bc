//! `rolecall eval`: how well the rules agree with hand labels — accuracy, per-concern
//! precision, recall and F1, macro-F1, and the confusion matrix.

use std::collections::HashMap;

use serde::Serialize;

use super::{Classification, Concern};
use crate::error::{Error, Location, Result};
use crate::model::Item;

/// One hand label: the item's key, its concern, and what else the labels file said of it.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub key: String,
    pub concern: Concern,
    /// The `file` column: which source the key is from (keys repeat across exports).
    pub file: Option<String>,
    /// The `confidence` column: how sure the labeller was, in their own words.
    pub confidence: Option<String>,
    /// Where it was read: the labels file and the line.
    pub from: (String, u64),
}

/// Reads a labels CSV: `key,concern` (a header row is optional), or with a header naming
/// `key` and `concern` among other columns, of which `file` and `confidence` are used and
/// the rest ignored.
/// Rows with an empty concern (a `train --suggest` file partly filled in) are left out,
/// with a word, as `train` leaves them.
pub(crate) fn read_labels(path: &str) -> Result<Vec<Label>> {
    let (labels, blank) = read(path, true)?;
    if blank > 0 {
        let rows = if blank == 1 { "1 row".to_string() } else { format!("{blank} rows") };
        tracing::warn!("{path}: {rows} with no concern left out");
    }
    if labels.is_empty() {
        return Err(Error::input(Location::file(path), "has no row with a concern"));
    }
    Ok(labels)
}

/// [`read_labels`] for training, where a file of items to label (`train --suggest`) may
/// be partly filled in: rows with an empty concern are skipped, and counted.
pub(crate) fn read_labels_to_fill(path: &str) -> Result<(Vec<Label>, usize)> {
    read(path, true)
}

fn read(path: &str, skip_blank: bool) -> Result<(Vec<Label>, usize)> {
    let table = crate::source::table::Table::read_one_line_too(path, std::path::Path::new(path))?;
    let h = &table.headers;
    let header_is_data =
        h.len() == 2 && Concern::parse(h.get(1).map_or("", String::as_str)).is_some();
    let col = |name: &str| h.iter().position(|x| x.trim().eq_ignore_ascii_case(name));
    let (key_col, concern_col, file_col, conf_col) = if header_is_data {
        (0, 1, None, None)
    } else {
        match (col("key"), col("concern")) {
            (Some(k), Some(c)) => (k, c, col("file"), col("confidence")),
            _ => {
                return Err(Error::input(
                    Location::file(path).line(1),
                    format!(
                        "expected a header with the columns `key` and `concern` (and optionally `file`, `confidence`), found `{}`",
                        h.join(",")
                    ),
                ))
            }
        }
    };
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut lines = Vec::new();
    if header_is_data {
        rows.push([h[0].clone(), h[1].clone(), String::new(), String::new()]);
        lines.push(1);
    }
    for row in table.rows() {
        let get = |c: Option<usize>| c.map_or(String::new(), |c| row.get(c).trim().to_string());
        rows.push([get(Some(key_col)), get(Some(concern_col)), get(file_col), get(conf_col)]);
        lines.push(row.line);
    }
    let mut seen = HashMap::new();
    let (mut out, mut blank) = (Vec::new(), 0);
    for ([key, concern, file, confidence], line) in rows.into_iter().zip(lines) {
        let at = || Location::file(path).line(line);
        if key.is_empty() {
            return Err(Error::input(at().column("key"), "key is empty"));
        }
        if skip_blank && concern.is_empty() {
            blank += 1;
            continue;
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
        // The same label twice (a row copied in a spreadsheet) is one label; the same
        // item with another concern is a conflict, named below.
        match seen.get(&(file.clone(), key_of(&key))) {
            Some(&first) if first == c => continue,
            Some(_) => {}
            None => {
                seen.insert((file.clone(), key_of(&key)), c);
            }
        }
        let some = |s: String| (!s.is_empty()).then_some(s);
        let from = (path.to_string(), line);
        out.push(Label { key, concern: c, file: some(file), confidence: some(confidence), from });
    }
    if out.is_empty() && blank == 0 {
        return Err(Error::input(Location::file(path), "has a header row but no labels"));
    }
    conflicts(&out)?;
    Ok((out, blank))
}

/// An error when two labels give the same item different concerns: the same key, and
/// the same `file` or no `file` on one of them (then both name the item). Which would
/// win would depend on the order of the rows or files.
pub(crate) fn conflicts(labels: &[Label]) -> Result<()> {
    // The labels before each, by key: the later of two is the one named.
    let mut by_key: HashMap<String, Vec<&Label>> = HashMap::new();
    for l in labels {
        let before = by_key.entry(key_of(&l.key)).or_default();
        let first = before.iter().find(|o| {
            let same_item = match (&o.file, &l.file) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            same_item && o.concern != l.concern
        });
        if let Some(o) = first {
            let at = Location::file(&l.from.0).line(l.from.1).column("concern");
            return Err(Error::input(
                at,
                format!(
                    "{} is {} here but {} in {}:{}: keep one",
                    l.key,
                    l.concern.as_str(),
                    o.concern.as_str(),
                    o.from.0,
                    o.from.1
                ),
            ));
        }
        before.push(l);
    }
    Ok(())
}

/// Labels by key, to find an item's own: the first with its key whose `file`, if any,
/// is the item's source ([`from_file`]).
/// A label whose key is some item's key as written is that item's; only a key no item
/// has as written matches whatever its case (`org-12` for `ORG-12`, not for an `org-12`
/// of another source).
pub(crate) struct ByKey<'l> {
    exact: HashMap<&'l str, Vec<&'l Label>>,
    any_case: HashMap<String, Vec<&'l Label>>,
}

impl<'l> ByKey<'l> {
    pub(crate) fn new(labels: &'l [Label], items: &[crate::model::Item]) -> Self {
        let keys: std::collections::HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
        let (mut exact, mut any_case) = (HashMap::new(), HashMap::new());
        for l in labels {
            if keys.contains(l.key.as_str()) {
                exact.entry(l.key.as_str()).or_insert_with(Vec::new).push(l);
            } else {
                any_case.entry(key_of(&l.key)).or_insert_with(Vec::new).push(l);
            }
        }
        ByKey { exact, any_case }
    }

    pub(crate) fn of(&self, item: &crate::model::Item) -> Option<&'l Label> {
        let mine = |labels: &Vec<&'l Label>| {
            labels
                .iter()
                .find(|l| l.file.as_deref().is_none_or(|f| from_file(&item.source, f)))
                .copied()
        };
        (self.exact.get(item.key.as_str()).and_then(mine))
            .or_else(|| self.any_case.get(&key_of(&item.key)).and_then(mine))
    }
}

/// A key as labels and items are matched by: `acme-12` is `ACME-12` (tracker keys and
/// GitHub's owner and repository names are the same whatever their case).
pub(crate) fn key_of(key: &str) -> String {
    key.to_ascii_lowercase()
}

/// Whether an item from `source` (a source spec, `jira:exports/a.csv`) is from the labels'
/// `file`: the same path, or the same path's tail (`a.csv`, `exports/a.csv`).
/// Either may be a whole source spec (`train --suggest` writes the spec as given), and a
/// path given two ways (`data/a.csv`, `./data/a.csv`, `/home/me/data/a.csv`) is the same
/// file.
pub(crate) fn from_file(source: &str, file: &str) -> bool {
    // `jira:`, `github-projects:`; not a drive letter (`C:`).
    fn path_of(s: &str) -> &str {
        match s.split_once(':') {
            Some((kind, p))
                if kind.len() > 1 && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') =>
            {
                p
            }
            _ => s,
        }
    }
    let norm = |s: &str| s.replace('\\', "/").trim_start_matches("./").to_string();
    let (path, file) = (norm(path_of(source)), norm(path_of(file)));
    if path == file || path.ends_with(&format!("/{file}")) || file.ends_with(&format!("/{path}")) {
        return true;
    }
    match (std::fs::canonicalize(&path), std::fs::canonicalize(&file)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
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
    /// Keys found in more than one source with no `file` column to tell which: the first
    /// source's item was taken.
    pub ambiguous: Vec<String>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub per_concern: Vec<PerConcern>,
    /// `confusion[expected][got]`, in product, program, project order.
    pub confusion: [[usize; 3]; 3],
    /// How right each confidence level is, and how many items it covers: does "high"
    /// mean something?
    pub calibration: Vec<Calibration>,
    /// Per source file the labelled items are from.
    pub per_file: Vec<Group>,
    /// Per level of the labeller's own `confidence` column, when the labels have one.
    pub per_stated_confidence: Vec<Group>,
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

/// Accuracy and macro-F1 of one part of the labelled items.
#[derive(Debug, Serialize)]
pub(crate) struct Group {
    pub name: String,
    pub items: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
}

/// Counts of one part: `confusion[expected][got]`.
#[derive(Default)]
struct Tally([[usize; 3]; 3]);

impl Tally {
    fn add(&mut self, expected: Concern, got: Concern) {
        self.0[expected as usize][got as usize] += 1;
    }

    fn total(&self) -> usize {
        self.0.iter().flatten().sum()
    }

    fn per_concern(&self) -> Vec<PerConcern> {
        let m = &self.0;
        Concern::ALL
            .iter()
            .map(|&c| {
                let i = c as usize;
                let tp = m[i][i] as f64;
                let predicted: usize = (0..3).map(|e| m[e][i]).sum();
                let actual: usize = m[i].iter().sum();
                let precision = ratio(tp, predicted as f64);
                let recall = ratio(tp, actual as f64);
                let f1 = ratio(2.0 * precision * recall, precision + recall);
                PerConcern { concern: c, precision, recall, f1, support: actual }
            })
            .collect()
    }

    fn accuracy(&self) -> f64 {
        ratio((0..3).map(|i| self.0[i][i]).sum::<usize>() as f64, self.total() as f64)
    }

    /// Macro-F1 over the concerns that occur (labelled or classified) in this part.
    fn macro_f1(&self) -> f64 {
        let pc = self.per_concern();
        let seen: Vec<&PerConcern> = pc
            .iter()
            .filter(|p| p.support > 0 || (0..3).any(|e| self.0[e][p.concern as usize] > 0))
            .collect();
        ratio(seen.iter().map(|p| p.f1).sum(), seen.len() as f64)
    }

    fn group(&self, name: String) -> Group {
        Group { name, items: self.total(), accuracy: self.accuracy(), macro_f1: self.macro_f1() }
    }
}

pub(crate) fn evaluate(labels: &[Label], items: &[Item], classes: &[Classification]) -> Report {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut any_case: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        by_key.entry(it.key.as_str()).or_default().push(i);
        any_case.entry(key_of(&it.key)).or_default().push(i);
    }
    let mut all = Tally::default();
    let mut files: std::collections::BTreeMap<String, Tally> = Default::default();
    let mut stated: std::collections::BTreeMap<String, Tally> = Default::default();
    let mut unmatched = Vec::new();
    let mut ambiguous = Vec::new();
    let mut misses = Vec::new();
    // (items, right) for high and low confidence.
    let mut levels = [(0usize, 0usize); 2];
    for label in labels {
        // The items with the key as written, else whatever its case.
        let candidates = (by_key.get(label.key.as_str()))
            .or_else(|| any_case.get(&key_of(&label.key)))
            .map_or(&[][..], Vec::as_slice);
        let found = match &label.file {
            Some(f) => candidates.iter().find(|&&i| from_file(&items[i].source, f)),
            None => {
                if candidates.len() > 1 {
                    ambiguous.push(label.key.clone());
                }
                candidates.first()
            }
        };
        let Some(&i) = found else {
            unmatched.push(match &label.file {
                Some(f) => format!("{} ({f})", label.key),
                None => label.key.clone(),
            });
            continue;
        };
        let (expected, got) = (label.concern, classes[i].concern);
        let level = &mut levels[usize::from(classes[i].confidence == super::Confidence::Low)];
        level.0 += 1;
        level.1 += usize::from(got == expected);
        all.add(expected, got);
        let source = &*items[i].source;
        let file = source.split_once(':').map_or(source, |(_, p)| p).to_string();
        files.entry(file).or_default().add(expected, got);
        if let Some(c) = &label.confidence {
            stated.entry(c.to_lowercase()).or_default().add(expected, got);
        }
        if got != expected {
            misses.push(Miss {
                key: label.key.clone(),
                expected,
                got,
                title: items[i].title.to_string(),
            });
        }
    }
    let total = all.total();
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
        ambiguous,
        accuracy: all.accuracy(),
        macro_f1: all.macro_f1(),
        per_concern: all.per_concern(),
        confusion: all.0,
        calibration,
        per_file: files.into_iter().map(|(n, t)| t.group(n)).collect(),
        per_stated_confidence: stated.into_iter().map(|(n, t)| t.group(n)).collect(),
        misses,
    }
}

/// A table of parts (trackers, files…) with their item counts, accuracy and macro-F1.
pub(crate) fn accuracy_table<'a>(
    title: &str,
    rows: impl Iterator<Item = (&'a str, usize, f64, f64)>,
) -> String {
    let rows: Vec<Vec<String>> = rows
        .map(|(name, items, accuracy, f1)| {
            vec![name.to_string(), items.to_string(), format!("{accuracy:.3}"), format!("{f1:.3}")]
        })
        .collect();
    crate::text::aligned(&[title, "ITEMS", "ACCURACY", "MACRO-F1"], &rows)
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
            "{} labelled {}: accuracy {:.3}, macro-F1 {:.3}\n\n",
            self.labelled,
            if self.labelled == 1 { "item" } else { "items" },
            self.accuracy,
            self.macro_f1
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
        let groups = |title: &str, gs: &[Group]| {
            let rows = gs.iter().map(|g| (g.name.as_str(), g.items, g.accuracy, g.macro_f1));
            format!("\n{}", accuracy_table(title, rows))
        };
        if self.per_file.len() > 1 {
            s.push_str(&groups("FILE", &self.per_file));
        }
        if !self.per_stated_confidence.is_empty() {
            s.push_str(&groups("LABELLER'S CONFIDENCE", &self.per_stated_confidence));
        }
        if !self.ambiguous.is_empty() {
            s.push_str(&format!(
                "\n{} labelled keys are in several sources (add a `file` column to say which): {}\n",
                self.ambiguous.len(),
                self.ambiguous.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::{from_file, Tally};
    use crate::classify::Concern::{Product, Program};

    /// A label's key matches the item with that key as written; another case only when no
    /// item has it as written.
    #[test]
    fn keys_match_as_written_first_then_whatever_their_case() {
        let item = |key: &str, source: &str| crate::model::Item {
            key: key.into(),
            source: source.into(),
            ..Default::default()
        };
        let items =
            [item("AB-1", "jira:a.csv"), item("ab-1", "jira:b.csv"), item("CD-2", "jira:a.csv")];
        let label = |key: &str| super::Label {
            key: key.into(),
            concern: Product,
            file: None,
            confidence: None,
            from: ("l.csv".into(), 2),
        };
        let labels = [label("ab-1"), label("cd-2")];
        let by_key = super::ByKey::new(&labels, &items);
        assert!(by_key.of(&items[0]).is_none(), "AB-1 is not the ab-1 of b.csv");
        assert_eq!(by_key.of(&items[1]).map(|l| l.key.as_str()), Some("ab-1"));
        assert_eq!(by_key.of(&items[2]).map(|l| l.key.as_str()), Some("cd-2"));
    }

    /// Macro-F1 averages the concerns that occur: labels of two concerns, all right, are
    /// 1.0, not two thirds for the concern no one labelled or was given.
    #[test]
    fn macro_f1_averages_the_concerns_that_occur() {
        let mut t = Tally::default();
        t.add(Product, Product);
        t.add(Program, Program);
        assert_eq!(t.macro_f1(), 1.0);
        t.add(Program, Product);
        // Product: precision 1/2, recall 1, F1 2/3; program: precision 1, recall 1/2.
        assert!((t.macro_f1() - 2.0 / 3.0).abs() < 1e-9, "{}", t.macro_f1());
    }

    /// A labels file's `file` names the item's source however either was written: a whole
    /// spec (as `train --suggest` writes it) or a path, with `./`, or a tail of it.
    #[test]
    fn a_file_matches_its_source_however_written() {
        for (source, file) in [
            ("jira:exports/a.csv", "a.csv"),
            ("jira:exports/a.csv", "exports/a.csv"),
            ("jira:exports/a.csv", "jira:exports/a.csv"),
            ("csv:./exports/a.csv", "jira:exports/a.csv"),
            ("jira:exports/a.csv", "/home/me/work/exports/a.csv"),
            ("linear:C:\\data\\a.csv", "C:/data/a.csv"),
        ] {
            assert!(from_file(source, file), "{source} ~ {file}");
        }
        for (source, file) in [
            ("jira:exports/a.csv", "b.csv"),
            ("jira:exports/ba.csv", "a.csv"),
            ("jira:x/a.csv", "jira:y/a.csv"),
        ] {
            assert!(!from_file(source, file), "{source} !~ {file}");
        }
    }
}
