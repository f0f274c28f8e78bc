//! Reading a tracker export into a header and rows, whatever the tracker.
//!
//! This is where bytes become text and text becomes records, so it is also where most
//! bad input is caught: empty and binary files, spreadsheets saved as `.xlsx`, encodings,
//! rows longer than the header, quotes that never close. Every error names the file as
//! the user gave it and, where there is one, the line.

use std::borrow::Cow;

use crate::error::{Error, Location, Result};

/// A parsed export: headers as written (BOM and surrounding spaces removed) and the
/// non-blank rows, each with the line it starts on.
#[derive(Debug)]
pub struct Table {
    pub path: String,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub record: csv::StringRecord,
}

impl Row {
    /// The field at `idx`, or "" when the row is shorter than the header (some trackers
    /// write rows one field short).
    pub fn get(&self, idx: usize) -> &str {
        self.record.get(idx).unwrap_or("")
    }
}

impl Table {
    /// Reads and parses `path` (shown as `shown`). Tab-separated when the name ends in
    /// `.tsv` or the header has tabs and no commas.
    pub fn read(shown: &str, path: &std::path::Path) -> Result<Table> {
        if path.is_dir() {
            return Err(Error::Read {
                path: shown.to_string(),
                message: "is a directory; give the path of an exported file".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::read(shown, &e))?;
        let text = decode(shown, bytes)?;
        let tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        Table::parse(shown, &text, tsv)
    }

    pub fn parse(shown: &str, text: &str, tsv: bool) -> Result<Table> {
        let at = || Location::file(shown);
        if text.trim().is_empty() {
            let what = if text.is_empty() { "file is empty" } else { "file has only blank lines" };
            return Err(Error::input(
                at(),
                format!("{what}; expected a CSV export with a header row"),
            ));
        }
        let first_line = text.lines().next().unwrap_or("");
        let delimiter = if tsv || (first_line.contains('\t') && !first_line.contains(',')) {
            b'\t'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());

        let mut record = csv::StringRecord::new();
        let mut headers = Vec::new();
        let mut rows = Vec::new();
        let mut last_start = 0u64;
        // csv's own line counter skips newlines inside quoted fields and blank lines, so
        // lines are counted here from the byte offsets, incrementally.
        let bytes = text.as_bytes();
        let (mut counted_to, mut line) = (0usize, 1u64);
        loop {
            let more = reader.read_record(&mut record).map_err(|e| csv_error(shown, &e))?;
            if !more {
                break;
            }
            let mut start = record.position().map_or(0, |p| p.byte() as usize).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u64;
            counted_to = start;
            let pos = (line, start as u64);
            last_start = pos.1;
            if headers.is_empty() {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue; // blank lines above the header
                }
                headers = record.iter().map(|h| h.trim().to_string()).collect();
                continue;
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue; // spreadsheet re-saves leave hundreds of these
            }
            if record.len() > headers.len() {
                let extra_filled = record.iter().skip(headers.len()).any(|f| !f.trim().is_empty());
                if extra_filled {
                    return Err(Error::input(
                        at().line(pos.0),
                        format!(
                            "row has {} fields but the header has {} (a value with an unquoted delimiter?)",
                            record.len(),
                            headers.len()
                        ),
                    ));
                }
                record.truncate(headers.len());
            }
            // A clone is sized exactly; the working record keeps its capacity for the next.
            rows.push(Row { line: pos.0, record: record.clone() });
        }
        check_last_quote(shown, text, last_start, delimiter)?;
        if rows.is_empty() {
            return Err(Error::input(at(), "has a header row but no data rows"));
        }
        Ok(Table { path: shown.to_string(), headers, rows })
    }
}

/// The csv crate treats end-of-file inside quotes as the end of the field, so a truncated
/// export would silently lose everything after its last opening quote. Scan the last
/// record's bytes: if a quote is still open at the end, the file is cut or malformed.
/// As in the csv crate, only a quote at the start of a field opens one; elsewhere in an
/// unquoted field (`27" monitor`) it is a plain character.
fn check_last_quote(shown: &str, text: &str, last_start: u64, delimiter: u8) -> Result<()> {
    let tail = &text.as_bytes()[(last_start as usize).min(text.len())..];
    let mut open_at = None;
    let mut field_start = true;
    let mut i = 0;
    while i < tail.len() {
        let b = tail[i];
        if open_at.is_some() {
            if b == b'"' {
                if tail.get(i + 1) == Some(&b'"') {
                    i += 1; // `""`: an escaped quote
                } else {
                    open_at = None;
                }
            }
        } else {
            if b == b'"' && field_start {
                open_at = Some(i);
            }
            field_start = matches!(b, b'\n' | b'\r') || b == delimiter;
        }
        i += 1;
    }
    if let Some(i) = open_at {
        let offset = last_start as usize + i;
        let line = text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        return Err(Error::input(
            Location::file(shown).line(line),
            "quoted field is never closed (the file may be truncated)",
        ));
    }
    Ok(())
}

fn csv_error(shown: &str, e: &csv::Error) -> Error {
    let at = match e.position() {
        Some(p) => Location::file(shown).line(p.line()),
        None => Location::file(shown),
    };
    Error::input(at, format!("cannot read CSV: {e}"))
}

/// Bytes → text. UTF-8 (with or without BOM) as is; UTF-16 with a BOM (Excel's "Unicode
/// text") decoded; other non-UTF-8 text decoded as Windows-1252 when every byte is defined
/// there, which is what Excel on Windows writes. Binary files are refused.
pub fn decode(shown: &str, bytes: Vec<u8>) -> Result<Cow<'static, str>> {
    let at = || Location::file(shown);
    if bytes.is_empty() {
        return Err(Error::input(at(), "file is empty; expected a CSV export with a header row"));
    }
    for (magic, what) in [
        (&b"PK\x03\x04"[..], "an Excel workbook or other zip archive; export or save it as CSV"),
        (&b"%PDF"[..], "a PDF document; give the CSV export instead"),
        (&b"\xD0\xCF\x11\xE0"[..], "an old Excel (.xls) workbook; save it as CSV"),
    ] {
        if bytes.starts_with(magic) {
            return Err(Error::input(at(), format!("is not a text file: looks like {what}")));
        }
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
            if had_errors {
                return Err(Error::input(at(), format!("is not valid {} text", enc.name())));
            }
            return Ok(Cow::Owned(text.into_owned()));
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some(nul) = body.iter().take(8192).position(|b| *b == 0) {
        let head = &body[..body.len().min(512)];
        let odd_nuls = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if head.len() >= 8 && odd_nuls * 2 >= head.len() / 2 - 1 {
            return Err(Error::input(
                at(),
                "looks like UTF-16 text without a byte-order mark; save it as UTF-8 CSV",
            ));
        }
        return Err(Error::input(
            at(),
            format!("is not a text file (NUL byte at offset {nul}); expected a CSV export"),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(_) => {
            let start = bytes.len() - body.len();
            let mut bytes = bytes;
            bytes.drain(..start);
            // Validated just above; this cannot fail, but never panic on input.
            String::from_utf8(bytes).map(Cow::Owned).map_err(|_| Error::input(at(), "is not UTF-8"))
        }
        Err(e) => {
            let bad = e.valid_up_to();
            let line_at = |i: usize| body[..i].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let line = line_at(bad);
            // Bytes Windows-1252 leaves undefined: such a file is neither encoding. Name
            // that byte too, as the first non-UTF-8 byte may be fine in Windows-1252.
            const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];
            if let Some(undef) = body.iter().position(|b| UNDEFINED.contains(b)) {
                let message = if undef == bad {
                    format!(
                        "is not UTF-8 (byte 0x{:02X} is invalid) nor Windows-1252 (where it maps to no character); re-export it as UTF-8 CSV",
                        body[bad]
                    )
                } else {
                    format!(
                        "is not UTF-8 (byte 0x{:02X} on line {line} is invalid) nor Windows-1252 (byte 0x{:02X} maps to no character); re-export it as UTF-8 CSV",
                        body[bad], body[undef]
                    )
                };
                return Err(Error::input(at().line(line_at(undef)), message));
            }
            tracing::warn!("{shown}: not UTF-8 (first at line {line}); decoded as Windows-1252");
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            Ok(Cow::Owned(text.into_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Table> {
        Table::parse("t.csv", text, false)
    }

    #[test]
    fn skips_blank_rows_and_pads_short_ones() {
        let t = parse("a,b,c\r\n1,2,3\r\n,,\r\n\r\n4,5\r\n").expect("parses");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 5);
        assert_eq!(t.rows[1].get(2), "");
    }

    #[test]
    fn multiline_fields_keep_their_start_line() {
        let t = parse("a,b\n1,\"x\ny\"\n2,z\n").expect("parses");
        assert_eq!(t.rows[0].get(1), "x\ny");
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("a,b\n1,2\n3,4,5\n").expect_err("too many fields").to_string();
        assert_eq!(
            e,
            "t.csv:3: row has 3 fields but the header has 2 (a value with an unquoted delimiter?)"
        );
        let e = parse("a,b\n1,2\n3,\"open\n4,5\n").expect_err("open quote").to_string();
        assert_eq!(e, "t.csv:3: quoted field is never closed (the file may be truncated)");
        // A quote inside an unquoted value is a plain character, in the last row too.
        let t = parse("a,b\n1,27\" screen\n2,\"x\"\"y\"\"\"\n").expect("literal quotes");
        assert_eq!(t.rows[0].get(1), "27\" screen");
        let t = parse("a,b\n1,2\n3,27\" screen\n").expect("literal quote in the last row");
        assert_eq!(t.rows[1].get(1), "27\" screen");
        // Trailing empty fields (a spreadsheet's extra commas) are fine.
        assert!(parse("a,b\n1,2,,\n").is_ok());
    }

    #[test]
    fn decodes_windows_1252_and_utf16() {
        let t = decode("t.csv", b"a\ncaf\xE9 \x93q\x94\n".to_vec()).expect("1252");
        assert_eq!(t, "a\ncafé “q”\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "a\tb\n1\t2\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode("t.tsv", utf16).expect("utf-16"), "a\tb\n1\t2\n");
        let e = decode("t.csv", b"a\n\x81\n".to_vec()).expect_err("neither").to_string();
        assert!(e.starts_with("t.csv:2: is not UTF-8 (byte 0x81"), "{e}");
    }
}
