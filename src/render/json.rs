//! JSON as rolecall writes it: pretty for small documents, and the [`Lines`] layout for
//! reports, whose long lists get one entry per line.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Run(format!("cannot serialise JSON: {e}")))?;
    s.push('\n');
    Ok(s)
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
    value.serialize(&mut ser).map_err(std::io::Error::from)?;
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
