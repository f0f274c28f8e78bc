//! Data printed to stdout by the inspection commands (`items`, …).

use std::io::Write;

use serde::Serialize;

use crate::classify::{Classification, Concern, Confidence};
use crate::error::{Error, Result};
use crate::model::Item;
use crate::text::truncate;

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Run(format!("cannot serialise JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Items as an aligned text table, one line each.
pub fn items_table(items: &[Item]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.key.to_string(),
                i.kind.to_string(),
                i.state.as_str().to_string(),
                truncate(&i.title, 60),
                i.milestone.as_deref().map(|m| truncate(m, 24)).unwrap_or_default(),
                i.labels.join(","),
            ]
        })
        .collect();
    let mut out = aligned(&["KEY", "KIND", "STATE", "TITLE", "MILESTONE", "LABELS"], &rows);
    out.push_str(&format!("{} item{}\n", items.len(), if items.len() == 1 { "" } else { "s" }));
    out
}

/// Left-aligned columns separated by two spaces; widths in characters.
pub fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            l.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// Classified items as a table: the concern, its confidence, the three scores, the title
/// and the strongest reason.
pub fn classify_table(items: &[Item], classes: &[Classification]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .zip(classes)
        .map(|(i, c)| {
            let top = c
                .reasons
                .iter()
                .filter(|r| r.concern == c.concern)
                .max_by(|a, b| a.weight.total_cmp(&b.weight))
                .map(|r| r.rule.to_string())
                .unwrap_or_else(|| "(no signal)".into());
            vec![
                i.key.to_string(),
                c.concern.as_str().to_string(),
                confidence(c.confidence).to_string(),
                format!(
                    "{}/{}/{}",
                    num(c.scores.product),
                    num(c.scores.program),
                    num(c.scores.project)
                ),
                truncate(&i.title, 56),
                top,
            ]
        })
        .collect();
    let mut out = aligned(&["KEY", "CONCERN", "CONF", "PD/PG/PJ", "TITLE", "TOP RULE"], &rows);
    let count = |c: Concern| classes.iter().filter(|x| x.concern == c).count();
    let low = classes.iter().filter(|x| x.confidence == Confidence::Low).count();
    out.push_str(&format!(
        "{} items: {} product, {} program, {} project; {} low confidence\n",
        items.len(),
        count(Concern::Product),
        count(Concern::Program),
        count(Concern::Project),
        low
    ));
    out
}

fn confidence(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Low => "low",
    }
}

/// A score without trailing zeros: `3`, `2.5`, `0.25`.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Why an item got its concern, rule by rule.
pub fn explain(item: &Item, c: &Classification) -> String {
    let mut s = format!("{}  {}\n", item.key, item.title);
    let mut facts = vec![format!("kind {}", item.kind), format!("state {}", item.state.as_str())];
    if !item.labels.is_empty() {
        facts.push(format!("labels {}", item.labels.join(", ")));
    }
    if let Some(t) = &item.team {
        facts.push(format!("team {t}"));
    }
    if let Some(m) = &item.milestone {
        facts.push(format!("milestone {m}"));
    }
    s.push_str(&facts.join(" · "));
    s.push_str("\n\n");
    s.push_str(&format!(
        "concern: {} ({} confidence)\nscores:  product {} · program {} · project {}\n\n",
        c.concern.as_str(),
        confidence(c.confidence),
        num(c.scores.product),
        num(c.scores.program),
        num(c.scores.project)
    ));
    if c.reasons.is_empty() {
        s.push_str(
            "No rule matched: with no signal an item is a project concern, low confidence.\n",
        );
    } else {
        let rows: Vec<Vec<String>> = c
            .reasons
            .iter()
            .map(|r| {
                vec![
                    format!("+{}", num(r.weight)),
                    r.concern.as_str().to_string(),
                    r.rule.to_string(),
                    r.matched.clone(),
                    r.why.to_string(),
                ]
            })
            .collect();
        s.push_str(&aligned(&["WEIGHT", "CONCERN", "RULE", "MATCHED", "WHY"], &rows));
    }
    s.push_str("\nTies go to program, then project, then product.\n");
    s
}

/// A JSON layout between pretty and compact: the first `levels` levels of objects and
/// arrays are indented one entry per line, anything deeper is written on one line. A
/// report's list of 100,000 items becomes 100,000 lines: readable, diffable, and about
/// half the size of fully pretty JSON.
pub struct Lines {
    levels: usize,
    depth: usize,
    has_value: bool,
}

impl Lines {
    pub fn new(levels: usize) -> Self {
        Lines { levels, depth: 0, has_value: false }
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value && self.depth < self.levels {
            self.newline(w)?;
        }
        w.write_all(b)
    }

    fn entry<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= self.levels {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(b"  ")?;
            }
        }
        Ok(())
    }

    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Lines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.entry(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.depth <= self.levels { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as JSON in the [`Lines`] layout, with a final newline.
pub fn write_json_lines<T: Serialize + ?Sized>(
    w: &mut dyn std::io::Write,
    value: &T,
    levels: usize,
) -> std::io::Result<()> {
    // A buffer of a known type in front of `w`: serde writes a few bytes at a time, and
    // each write through `dyn Write` is a call that cannot be inlined.
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Lines::new(levels));
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    buf.write_all(b"\n")?;
    buf.flush()
}

#[cfg(test)]
mod lines_tests {
    #[test]
    fn two_levels_indented_deeper_on_one_line() {
        let v = serde_json::json!({
            "meta": {"week": "2026-W48", "sources": [{"spec": "a"}], "empty": []},
            "items": [{"key": "A-1", "labels": ["x", "y"]}, {"key": "A-2", "labels": []}],
            "none": [],
            "n": 1
        });
        let mut out = Vec::new();
        super::write_json_lines(&mut out, &v, 2).expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            r#"{
  "items": [
    {"key":"A-1","labels":["x","y"]},
    {"key":"A-2","labels":[]}
  ],
  "meta": {
    "empty": [],
    "sources": [{"spec":"a"}],
    "week": "2026-W48"
  },
  "n": 1,
  "none": []
}
"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, v);
    }
}

/// Serializes an instant as chrono does (RFC 3339 in UTC, `Z`), writing the usual whole
/// second of a year 0–9999 without the formatting machinery: a 100k-item week writes
/// some 330,000 of them. Anything else goes through chrono.
pub fn instant<S: serde::Serializer>(
    t: &Option<chrono::DateTime<chrono::Utc>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    match t {
        Some(t) if t.nanosecond() == 0 && (0..=9999).contains(&t.year()) => {
            let mut b = *b"0000-00-00T00:00:00Z";
            digits(&mut b[0..4], t.year() as u32);
            digits(&mut b[5..7], t.month());
            digits(&mut b[8..10], t.day());
            digits(&mut b[11..13], t.hour());
            digits(&mut b[14..16], t.minute());
            digits(&mut b[17..19], t.second());
            s.serialize_some(std::str::from_utf8(&b).unwrap_or_default())
        }
        other => other.serialize(s),
    }
}

/// Writes `n` into `out` as decimal digits, zero-padded to its length.
fn digits(out: &mut [u8], mut n: u32) {
    for d in out.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    /// The quick path writes what chrono writes; the rest is chrono's.
    #[test]
    fn instants_as_chrono_writes_them() {
        #[derive(serde::Serialize)]
        struct Quick(#[serde(serialize_with = "super::instant")] Option<chrono::DateTime<Utc>>);
        let cases = [
            Utc.with_ymd_and_hms(2024, 4, 26, 15, 14, 0).single(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(2024, 2, 29, 8, 5, 9)
                .single()
                .map(|t| t + chrono::Duration::milliseconds(123)),
            None,
        ];
        for t in cases {
            let quick = serde_json::to_string(&Quick(t)).expect("json");
            assert_eq!(quick, serde_json::to_string(&t).expect("json"), "{t:?}");
        }
    }
}
