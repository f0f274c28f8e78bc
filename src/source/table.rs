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
///
/// Fields are stored unescaped in one buffer per part of the file rather than one string
/// per field or record: 100,000 rows of 25 fields are a few large allocations, and a
/// large file is parsed in parts on all cores (see [`Table::parse`]).
#[derive(Debug)]
pub struct Table {
    pub path: String,
    pub headers: Vec<String>,
    parts: Vec<Part>,
    pub(super) rows: Vec<RowAt>,
    /// The text ends without a line break: its last row may be cut short.
    unterminated: bool,
}

/// The fields of a run of rows: their text back to back, and each field's byte range.
#[derive(Debug, Default)]
pub(super) struct Part {
    pub(super) text: String,
    pub(super) spans: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct RowAt {
    pub(super) line: u64,
    part: u32,
    pub(super) first: u32,
    pub(super) len: u32,
}

/// One data row, borrowed from its [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The line the row starts on (1-based; a quoted field may span several lines).
    pub line: u64,
    text: &'a str,
    spans: &'a [(u32, u32)],
}

impl<'a> Row<'a> {
    pub(super) fn new(line: u64, text: &'a str, spans: &'a [(u32, u32)]) -> Self {
        Row { line, text, spans }
    }

    /// The field at `idx`, or "" past the row's end (Linear writes rows one field short;
    /// see [`Table::check_widths`]).
    pub fn get(&self, idx: usize) -> &'a str {
        self.spans.get(idx).map_or("", |&(s, e)| &self.text[s as usize..e as usize])
    }

    /// How many fields the row has (at most the header's count).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// Files below this size are parsed in one part: threads cost more than they save.
pub(super) const PARALLEL_FROM: usize = 1 << 20;

impl Table {
    /// Reads and parses `path` (shown as `shown`). Tab-separated when the name ends in
    /// `.tsv` or the header has tabs and no commas.
    pub fn read(shown: &str, path: &std::path::Path) -> Result<Table> {
        let (text, tsv) = read_text(shown, path)?;
        Table::parse(shown, &text, tsv)
    }

    /// [`Table::read`], a file of one line being a header and no rows rather than an
    /// error (a labels file of one label and no header).
    pub(crate) fn read_one_line_too(shown: &str, path: &std::path::Path) -> Result<Table> {
        let (text, tsv) = read_text(shown, path)?;
        Table::parse_rows(shown, &text, tsv, false)
    }

    /// Refuses a row with more than `tolerated` fields fewer than the header names where
    /// that is damage, not a row that leaves off its trailing empty fields (hand-made
    /// files, scripts and spreadsheets write those; they are read padded with blanks):
    /// the last row of a file that ends without a newline (cut short), or a row whose
    /// next row is short too and together they make about one row (a line broken outside
    /// quotes). Linear writes rows one field short, so it passes 1; every other importer
    /// passes 0. A header's trailing empty names (a spreadsheet's extra commas) need no
    /// fields.
    pub(crate) fn check_widths(&self, tolerated: usize) -> Result<()> {
        let width = self.headers.len();
        let named = width - self.headers.iter().rev().take_while(|h| h.is_empty()).count();
        let cut = self.unterminated;
        let lens: Vec<usize> = self.rows.iter().map(|at| at.len as usize).collect();
        match (0..lens.len()).find(|&i| broken(&lens, i, named, tolerated, cut)) {
            Some(i) => {
                let at = &self.rows[i];
                Err(too_short(&self.path, at.line, lens[i], width, i + 1 == lens.len()))
            }
            None => Ok(()),
        }
    }

    /// The data rows, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.iter().map(|at| self.row_at(at))
    }

    /// How many data rows there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub(super) fn row_at(&self, at: &RowAt) -> Row<'_> {
        let part = &self.parts[at.part as usize];
        let spans = &part.spans[at.first as usize..(at.first + at.len) as usize];
        Row { line: at.line, text: &part.text, spans }
    }

    /// Parses `text` with the csv crate. A large file is cut into one part per core at
    /// line ends that the count of quotes before them puts outside any quoted field, and
    /// the parts are parsed at once. Each cut is then checked: the part before it must
    /// end with every quote closed, exactly as one reader from the top would have seen
    /// it. If a cut fell inside a quoted field after all (a stray quote in an unquoted
    /// value fools the count), the whole file is parsed again in one part, so the
    /// result is always that of a single sequential read.
    pub fn parse(shown: &str, text: &str, tsv: bool) -> Result<Table> {
        Table::parse_rows(shown, text, tsv, true)
    }

    fn parse_rows(shown: &str, text: &str, tsv: bool, need_rows: bool) -> Result<Table> {
        let at = || Location::file(shown);
        let delimiter = delimiter(shown, text, tsv)?;

        let threads = crate::par::threads();
        let cuts =
            if text.len() >= PARALLEL_FROM { cuts(text.as_bytes(), threads) } else { vec![] };
        let mut parsed = if cuts.is_empty() {
            vec![parse_part(text, 0, text.len(), delimiter)]
        } else {
            let mut bounds = vec![0];
            bounds.extend(&cuts);
            bounds.push(text.len());
            let parts: Vec<Parsed> = std::thread::scope(|scope| {
                let handles: Vec<_> = bounds
                    .windows(2)
                    .map(|w| scope.spawn(move || parse_part(text, w[0], w[1], delimiter)))
                    .collect();
                handles.into_iter().map(crate::par::join).collect()
            });
            let clean = parts[..parts.len() - 1]
                .iter()
                .all(|p| open_quote(&text.as_bytes()[p.last_start..p.end], delimiter).is_none());
            if clean {
                parts
            } else {
                tracing::debug!("{shown}: a cut fell inside a quoted field; parsing in one part");
                vec![parse_part(text, 0, text.len(), delimiter)]
            }
        };
        let last = parsed.last().expect("at least one part");
        if let Some(i) = open_quote(&text.as_bytes()[last.last_start..], delimiter) {
            let offset = last.last_start + i;
            return Err(Error::input(
                at().line(count_lines(&text.as_bytes()[..offset]) + 1),
                "quoted field is never closed (the file may be truncated)",
            ));
        }

        // Line numbers: each part counted its own from 1; shift by the lines before it.
        let mut lines_before = 0;
        for p in &mut parsed {
            for r in &mut p.rows {
                r.line += lines_before;
            }
            lines_before += p.lines;
        }

        // The header is the first non-blank record; text of only empty fields (`,,,`,
        // `""`) has none. A record that holds nothing but a link, before another record,
        // is a preamble (see [`is_preamble`]), not the header.
        let (hp, hr) = loop {
            let Some((hp, hr)) =
                parsed.iter().enumerate().find_map(|(i, p)| p.rows.first().map(|r| (i, *r)))
            else {
                return Err(Error::input(
                    at(),
                    "has no header row: every line holds only empty fields; expected a CSV export",
                ));
            };
            let p = &parsed[hp].part;
            let fields = p.spans[hr.first as usize..(hr.first + hr.len) as usize]
                .iter()
                .map(|&(s, e)| &p.text.as_bytes()[s as usize..e as usize]);
            let more =
                parsed[hp].rows.len() > 1 || parsed[hp + 1..].iter().any(|p| !p.rows.is_empty());
            if more && is_preamble(fields) {
                tracing::debug!("{shown}:{}: skipped a line that holds only a link", hr.line);
                parsed[hp].rows.remove(0);
                continue;
            }
            break (hp, hr);
        };
        let headers: Vec<String> = parsed[hp].part.spans
            [hr.first as usize..(hr.first + hr.len) as usize]
            .iter()
            .map(|&(s, e)| parsed[hp].part.text[s as usize..e as usize].trim().to_string())
            .collect();
        parsed[hp].rows.remove(0);

        let mut rows = Vec::with_capacity(parsed.iter().map(|p| p.rows.len()).sum());
        let mut parts = Vec::with_capacity(parsed.len());
        for (i, p) in parsed.into_iter().enumerate() {
            for mut r in p.rows {
                if r.len as usize > headers.len() {
                    let extra = &p.part.spans[r.first as usize + headers.len()..]
                        [..r.len as usize - headers.len()];
                    if extra
                        .iter()
                        .any(|&(s, e)| !p.part.text[s as usize..e as usize].trim().is_empty())
                    {
                        return Err(too_long(shown, r.line, r.len as usize, headers.len()));
                    }
                    r.len = headers.len() as u32;
                }
                r.part = i as u32;
                rows.push(r);
            }
            parts.push(p.part);
        }
        if rows.is_empty() && need_rows {
            return Err(Error::input(at(), "has a header row but no data rows"));
        }
        let unterminated = !text.ends_with(['\n', '\r']);
        Ok(Table { path: shown.to_string(), headers, parts, rows, unterminated })
    }
}

/// The file's text, decoded (see [`decode`]), and whether its name says tab-separated.
fn read_text(shown: &str, path: &std::path::Path) -> Result<(Cow<'static, str>, bool)> {
    if path.is_dir() {
        return Err(Error::Read {
            path: shown.to_string(),
            message: "is a directory; give the path of an exported file".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::read(shown, &e))?;
    let tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    Ok((decode(shown, bytes)?, tsv))
}

/// The delimiter: a tab when the name says so or the first line has tabs and no commas.
/// Refuses blank files and files too large for 32-bit offsets.
pub(super) fn delimiter(shown: &str, text: &str, tsv: bool) -> Result<u8> {
    let at = || Location::file(shown);
    if text.trim().is_empty() {
        let what = if text.is_empty() { "file is empty" } else { "file has only blank lines" };
        return Err(Error::input(at(), format!("{what}; expected a CSV export with a header row")));
    }
    if text.len() > u32::MAX as usize {
        return Err(Error::input(at(), "is larger than 4 GiB; export it in smaller files"));
    }
    // Counted outside quotes: `"Cost, EUR"` in a semicolon-separated header is a name.
    let first_line = text.lines().next().unwrap_or("");
    let (mut quoted, mut seen) = (false, [0usize; 3]);
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => seen[0] += 1,
            '\t' if !quoted => seen[1] += 1,
            ';' if !quoted => seen[2] += 1,
            _ => {}
        }
    }
    let only = |d: usize| seen[d] > 0 && seen[0] == 0;
    Ok(if tsv || only(1) {
        b'\t'
    } else if only(2) {
        // Spreadsheets where the decimal mark is a comma save "CSV" with semicolons.
        b';'
    } else {
        b','
    })
}

/// The error for a row with more non-blank fields than the header has names.
pub(super) fn too_long(shown: &str, line: u64, fields: usize, header: usize) -> Error {
    Error::input(
        Location::file(shown).line(line),
        format!(
            "row has {fields} fields but the header has {header} (a value with an unquoted delimiter?)"
        ),
    )
}

/// Whether row `i` of rows `lens` fields long is damaged (see [`Table::check_widths`]):
/// short by more than `tolerated`, and either the last row of a file `cut` short, or
/// followed by a short row that it makes one row with (the two hold the header's
/// `named` fields and one more: the field a broken line splits in two).
pub(super) fn broken(lens: &[usize], i: usize, named: usize, tolerated: usize, cut: bool) -> bool {
    let short = |n: usize| n + tolerated < named;
    if !short(lens[i]) {
        return false;
    }
    let pair = |a: usize, b: Option<&usize>| b.is_some_and(|&b| b <= named && a + b == named + 1);
    match lens.get(i + 1) {
        None => cut,
        // When the next row makes one row with the one after it, the break is there:
        // this row only left off its trailing empty fields.
        Some(&next) => pair(lens[i], Some(&next)) && !(short(next) && pair(next, lens.get(i + 2))),
    }
}

/// The error for a row with fewer fields than the header has names: `last`, the file's
/// last row, was most likely cut off; one before it, broken at a newline outside quotes.
pub(super) fn too_short(shown: &str, line: u64, fields: usize, header: usize, last: bool) -> Error {
    let hint = if last { "the file may be cut short" } else { "a line break outside quotes?" };
    let s = if fields == 1 { "" } else { "s" };
    Error::input(
        Location::file(shown).line(line),
        format!("row has {fields} field{s} but the header has {header} ({hint})"),
    )
}

/// What one part of the file parsed to; row lines count from 1 within the part.
pub(super) struct Parsed {
    pub(super) part: Part,
    pub(super) rows: Vec<RowAt>,
    /// Newlines in the part.
    lines: u64,
    /// Where the part's last record starts, and where the part ends (offsets in the file).
    pub(super) last_start: usize,
    pub(super) end: usize,
}

/// Parses `text[start..end]`, keeping the non-blank records.
///
/// The csv crate's own parser (csv-core, with `csv::Reader`'s settings: `"` quotes,
/// doubled to escape, any of `\r\n`, `\r`, `\n` ends a record, lines with nothing on them
/// skipped) writes each field straight into the part's buffer: `csv::Reader` would copy
/// the input into its buffer, then each record into a `ByteRecord`, then here.
pub(super) fn parse_part(text: &str, start: usize, end: usize, delimiter: u8) -> Parsed {
    use csv_core::ReadRecordResult as R;
    let bytes = &text.as_bytes()[start..end];
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // Unescaping only shortens: the fields of the part fit in its size.
    let mut buf = vec![0u8; bytes.len()];
    let mut filled = 0;
    let mut ends = vec![0usize; 64];
    // Capacity that is never touched costs address space, not memory.
    let mut spans = Vec::with_capacity(bytes.len() / 8);
    let mut rows = Vec::with_capacity(bytes.len() / 64);
    let mut last_start = 0;
    // Lines are counted from the byte offsets, incrementally: a quoted field may span
    // several, and blank lines are skipped.
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut at = 0;
    loop {
        // Where the record starts: after the line ends the reader will skip.
        let mut first_byte = at;
        while first_byte < bytes.len() && matches!(bytes[first_byte], b'\r' | b'\n') {
            first_byte += 1;
        }
        let (mut out, mut nends) = (0, 0);
        let result = loop {
            let (res, nin, nout, nend) =
                reader.read_record(&bytes[at..], &mut buf[filled + out..], &mut ends[nends..]);
            at += nin;
            out += nout;
            nends += nend;
            match res {
                R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                // Cannot happen (the buffer holds the whole part), but never loop.
                R::OutputFull => buf.resize(buf.len() + 64, 0),
                // The input is all read: once more with none, to end the last record.
                R::InputEmpty => {}
                R::Record | R::End => break res,
            }
        };
        if result == R::End {
            break;
        }
        line += count_lines(&bytes[counted_to..first_byte]);
        counted_to = first_byte;
        last_start = first_byte;
        let first = spans.len();
        let mut from = filled;
        for &e in &ends[..nends] {
            spans.push((from as u32, (filled + e) as u32));
            from = filled + e;
        }
        if spans[first..].iter().all(|&(s, e)| is_blank(&buf[s as usize..e as usize])) {
            spans.truncate(first);
            continue; // spreadsheet re-saves leave hundreds of these
        }
        filled += out;
        rows.push(RowAt { line, part: 0, first: first as u32, len: nends as u32 });
    }
    buf.truncate(filled);
    let lines = line - 1 + count_lines(&bytes[counted_to..]);
    // Fields are cut from valid UTF-8 at ASCII delimiters and quotes, so this is valid
    // and not copied; were it not, the lossy copy keeps the promise of never panicking.
    let text = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Parsed { part: Part { text, spans }, rows, lines, last_start: start + last_start, end }
}

/// Whether a record before the header holds nothing but one link: Google Sheets writes
/// `,,` / `,,https://app.asana.com/-/googleSheetsProjectCsv?…` / `,,` above an Asana
/// export it opened, and the header is the first line after.
pub(super) fn is_preamble<'a>(fields: impl Iterator<Item = &'a [u8]>) -> bool {
    let mut filled = fields.filter(|f| !is_blank(f));
    let link = |f: &[u8]| {
        let f = f.trim_ascii();
        (f.starts_with(b"https://") || f.starts_with(b"http://")) && !f.contains(&b' ')
    };
    filled.next().is_some_and(link) && filled.next().is_none()
}

pub(super) fn is_blank(field: &[u8]) -> bool {
    let rest = field.trim_ascii();
    rest.is_empty()
        || (rest[0] >= 0x80 && std::str::from_utf8(rest).is_ok_and(|s| s.trim().is_empty()))
}

pub(super) fn count_lines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where to cut `bytes` into `n` parts: just after a newline near each n-th of the file
/// that an even number of quotes precedes, i.e. outside any quoted field as far as quote
/// counting can tell. Empty when no such cuts are found.
pub(super) fn cuts(bytes: &[u8], n: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let (mut from, mut quotes) = (0usize, 0usize);
    for k in 1..n {
        let target = bytes.len() * k / n;
        if target <= from {
            continue;
        }
        quotes += memchr::memchr_iter(b'"', &bytes[from..target]).count();
        match even_line_end(&bytes[target..], &mut quotes).map(|n| target + n) {
            Some(c) if c < bytes.len() => {
                cuts.push(c);
                from = c;
            }
            _ => break,
        }
    }
    cuts
}

/// Just after the first newline in `bytes` that an even count of quotes precedes, given
/// `quotes` counted before `bytes` (and counted on through what is scanned): a line end
/// outside any quoted field, as far as quote counting can tell. `None` when there is no
/// such newline, with every quote of `bytes` counted.
pub(super) fn even_line_end(bytes: &[u8], quotes: &mut usize) -> Option<usize> {
    let mut at = 0;
    while let Some(nl) = memchr::memchr(b'\n', &bytes[at..]) {
        *quotes += memchr::memchr_iter(b'"', &bytes[at..at + nl]).count();
        at += nl + 1;
        if quotes.is_multiple_of(2) {
            return Some(at);
        }
    }
    *quotes += memchr::memchr_iter(b'"', &bytes[at..]).count();
    None
}

/// Where a quote opened in `tail` (the bytes of one or more records) is still open at
/// its end, if one is. As in the csv crate, only a quote at the start of a field opens
/// one; elsewhere in an unquoted field (`27" monitor`) it is a plain character. The csv
/// crate treats end-of-file inside quotes as the end of the field, so without this a
/// truncated export would silently lose everything after its last opening quote.
pub(super) fn open_quote(tail: &[u8], delimiter: u8) -> Option<usize> {
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
    open_at
}

/// Bytes → text. UTF-8 (with or without BOM) as is; UTF-16 with a BOM (Excel's "Unicode
/// text") decoded; other non-UTF-8 text decoded as Windows-1252 when every byte is defined
/// there, which is what Excel on Windows writes. Binary files are refused.
pub fn decode(shown: &str, bytes: Vec<u8>) -> Result<Cow<'static, str>> {
    decode_text(shown, bytes).map(without_sep_line)
}

/// Excel's "CSV" may begin with a line `sep=;` naming its delimiter. The line is kept,
/// as the delimiter alone (`;`): a record of empty fields, skipped as blank lines are, so
/// the delimiter is read off it and line numbers stay those of the file.
fn without_sep_line(text: Cow<'static, str>) -> Cow<'static, str> {
    let first = text.lines().next().unwrap_or("");
    let is_sep = first.len() == 5
        && first.is_char_boundary(4)
        && first[..4].eq_ignore_ascii_case("sep=")
        && matches!(first.as_bytes()[4], b',' | b';' | b'\t');
    if !is_sep {
        return text;
    }
    let mut owned = text.into_owned();
    owned.replace_range(..4, "");
    Cow::Owned(owned)
}

fn decode_text(shown: &str, bytes: Vec<u8>) -> Result<Cow<'static, str>> {
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
    // Anywhere in the file, not only its start: a NUL past the first page went into a
    // title and on into the JSON reports.
    if let Some(nul) = memchr::memchr(0, body) {
        let head = &body[..body.len().min(512)];
        let odd_nuls = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if nul < 512 && head.len() >= 8 && odd_nuls * 2 >= head.len() / 2 - 1 {
            return Err(Error::input(
                at(),
                "looks like UTF-16 text without a byte-order mark; save it as UTF-8 CSV",
            ));
        }
        // Text up to it (a line, and no control character but tabs and line ends) is a
        // text file with a NUL in it; else, near the start, some binary file.
        let before = &body[..nul];
        let text_before = before.contains(&b'\n')
            && !before.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'));
        if nul < 8192 && !text_before {
            return Err(Error::input(
                at(),
                format!("is not a text file (NUL byte at offset {nul}); expected a CSV export"),
            ));
        }
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        // Counted in characters where the line is UTF-8 so far, else in bytes.
        let column = std::str::from_utf8(&before[line_start..])
            .map_or(nul - line_start, |s| s.chars().count())
            + 1;
        return Err(Error::input(
            at().line(line as u64),
            format!(
                "a NUL byte at character {column} of the line (a damaged export?); remove it and run again"
            ),
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
            // Decided by evidence: text with more well-formed UTF-8 characters than broken
            // bytes is UTF-8 with a few bad bytes (one stray byte must not turn every
            // `ü` into `Ã¼`); without any, it is Windows-1252.
            let (mut good, mut broken, mut lines) = (0usize, 0usize, Vec::new());
            let mut offset = 0;
            for chunk in body.utf8_chunks() {
                good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                offset += chunk.valid().len();
                if !chunk.invalid().is_empty() {
                    broken += 1;
                    if lines.len() < 5 {
                        lines.push(line_at(offset).to_string());
                    }
                }
                offset += chunk.invalid().len();
            }
            if good > broken {
                tracing::warn!(
                    "{shown}: {broken} byte sequence{} that {} not UTF-8 (line {}) replaced by �; the rest is UTF-8",
                    if broken == 1 { "" } else { "s" },
                    if broken == 1 { "is" } else { "are" },
                    lines.join(", ")
                );
                return Ok(Cow::Owned(String::from_utf8_lossy(body).into_owned()));
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

    /// Semicolons or tabs separate the fields when the header has them and no commas.
    #[test]
    fn the_delimiter_is_read_off_the_header() {
        let d = |text: &str| delimiter("x.csv", text, false).unwrap();
        assert_eq!(d("Summary;Issue key\nA;B\n"), b';');
        assert_eq!(d("Summary\tIssue key\nA\tB\n"), b'\t');
        assert_eq!(d("Summary,Issue key;odd\nA,B\n"), b',');
        let t = Table::parse("x.csv", "Summary;Issue key\nFix it, now;X-1\n", false).unwrap();
        let row = t.rows().next().unwrap();
        assert_eq!((row.get(0), row.get(1)), ("Fix it, now", "X-1"));
        // A comma inside a quoted name is not a delimiter (German Excel's headers).
        assert_eq!(d("Summary;Issue key;\"Custom field (Cost, EUR)\";Created\n"), b';');
        assert_eq!(d("Title\tStatus\t\"Effort (days, est.)\"\n"), b'\t');
        // Excel's `sep=;` first line names it; the line reads as blank, numbers stay.
        let text =
            decode("x.csv", b"sep=;\r\nSummary;Issue key\r\nA;X-1\r\nB;X-2;extra\r\n".to_vec());
        let text = text.unwrap();
        assert_eq!(d(&text), b';');
        let e = Table::parse("x.csv", &text, false).unwrap_err().to_string();
        assert!(e.starts_with("x.csv:4:"), "{e}");
        let text = decode("x.csv", b"sep=;\nSummary;Issue key\nA;X-1\n".to_vec()).unwrap();
        let t = Table::parse("x.csv", &text, false).unwrap();
        assert_eq!(t.headers, ["Summary", "Issue key"]);
        assert_eq!(t.rows().next().unwrap().line, 3);
    }

    fn parse(text: &str) -> Result<Table> {
        Table::parse("t.csv", text, false)
    }

    fn row(t: &Table, i: usize) -> Row<'_> {
        t.rows().nth(i).expect("row exists")
    }

    /// Every row as (line, fields).
    fn dump(t: &Table) -> Vec<(u64, Vec<String>)> {
        t.rows().map(|r| (r.line, (0..r.len()).map(|i| r.get(i).to_string()).collect())).collect()
    }

    /// A file large enough to be cut into parts, whose records span lines, hold escaped
    /// quotes, and (with `stray`) a quote inside an unquoted value that fools quote
    /// counting, so a cut lands inside a quoted field and the parse must start over.
    fn big(stray: bool) -> String {
        let mut s = String::from("Key,Title,Body\n");
        for i in 0..30_000 {
            let title = if stray && i == 10 { "27\" screen".to_string() } else { format!("t{i}") };
            s.push_str(&format!("K-{i},{title},\"line one of {i}\nsays \"\"hi\"\"\n\nend\"\n"));
            if i % 1000 == 0 {
                s.push_str(",,\n\n");
            }
        }
        s
    }

    /// The fields and lines a `csv::Reader` gives, as `parse_part` keeps them: blank
    /// records dropped, each record with the line its first byte is on.
    fn by_csv_reader(text: &str) -> Vec<(u64, Vec<String>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for record in reader.byte_records() {
            let record = record.expect("reads from memory");
            let mut at = record.position().expect("has one").byte() as usize;
            while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            if record.iter().all(is_blank) {
                continue;
            }
            let line = count_lines(&text.as_bytes()[..at]) + 1;
            let fields = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
            out.push((line, fields));
        }
        out
    }

    #[test]
    fn a_part_parses_as_the_csv_reader_does() {
        let wide = (0..300).map(|i| format!("f{i}")).collect::<Vec<_>>().join(",");
        let cases = [
            "a,b,c\n1,2,3\n".to_string(),
            "a,b\r\n1,2\r\n\r\n\r\n3,4".to_string(),
            "a,b\r1,2\r3,4\r".to_string(),
            "\n\n a , b \n,,\n  ,\t\n\"x\"\"y\",\"multi\nline\r\nfield\"\nlast,\"\"".to_string(),
            "\u{feff}bom,first\nq\"mid,\"open \"\" \"tail\n".to_string(),
            "only one field".to_string(),
            format!("{wide}\n{wide}\n"),
            "a,\"never closed\nb,c\n".to_string(),
            "é,ü\n\"日本\",x\n".to_string(),
            String::new(),
            "\n\r\n".to_string(),
        ];
        for text in cases {
            let parsed = parse_part(&text, 0, text.len(), b',');
            let table = Table {
                path: "t.csv".into(),
                headers: vec![],
                parts: vec![parsed.part],
                rows: parsed.rows,
                unterminated: false,
            };
            assert_eq!(dump(&table), by_csv_reader(&text), "{text:?}");
            assert_eq!(parsed.lines, count_lines(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn parts_parse_as_one_reader_would() {
        for stray in [false, true] {
            let text = big(stray);
            assert!(text.len() >= PARALLEL_FROM);
            let t = parse(&text).expect("parses");
            let one = parse_part(&text, 0, text.len(), b',');
            assert_eq!(t.len(), 30_000);
            // The same rows and lines as a single part read from the top.
            let mut single = Table {
                path: "t.csv".into(),
                headers: vec![],
                parts: vec![one.part],
                rows: one.rows,
                unterminated: false,
            };
            single.rows.remove(0);
            assert_eq!(dump(&t), dump(&single));
            let r = row(&t, 29_999);
            assert_eq!(r.get(0), "K-29999");
            assert_eq!(r.get(2), "line one of 29999\nsays \"hi\"\n\nend");
            assert_eq!(r.line, 1 + 29_999 * 4 + 30 * 2 + 1);
        }
        // Counting quotes cuts at a record start, unless a stray quote fools it into a
        // description (the case the check above starts over for).
        for (stray, at_record) in [(false, true), (true, false)] {
            let text = big(stray);
            let c = cuts(text.as_bytes(), 2);
            assert_eq!(c.len(), 1);
            let rest = &text[c[0]..];
            assert_eq!(rest.starts_with("K-") || rest.starts_with(",,"), at_record, "{stray}");
        }
    }

    #[test]
    fn skips_blank_rows_and_pads_short_ones() {
        let t = parse("a,b,c\r\n1,2,3\r\n,,\r\n\r\n4,5\r\n").expect("parses");
        assert_eq!(t.len(), 2);
        assert_eq!(row(&t, 1).line, 5);
        assert_eq!(row(&t, 1).get(2), "");
    }

    #[test]
    fn multiline_fields_keep_their_start_line() {
        let t = parse("a,b\n1,\"x\ny\"\n2,z\n").expect("parses");
        assert_eq!(row(&t, 0).get(1), "x\ny");
        assert_eq!(row(&t, 1).line, 4);
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
        assert_eq!(row(&t, 0).get(1), "27\" screen");
        let t = parse("a,b\n1,2\n3,27\" screen\n").expect("literal quote in the last row");
        assert_eq!(row(&t, 1).get(1), "27\" screen");
        // Trailing empty fields (a spreadsheet's extra commas) are fine.
        assert!(parse("a,b\n1,2,,\n").is_ok());
    }

    /// Google Sheets puts a link to the project, between blank lines, above an Asana
    /// export; the header is the line after it, and rows keep their lines in the file.
    #[test]
    fn a_link_only_preamble_is_not_the_header() {
        let text = ",,\n,,https://app.asana.com/-/googleSheetsProjectCsv?domain=1\n,,\nTask ID,Name,Notes\n1,A,see https://x.test\n";
        let t = Table::parse("a.csv", text, false).expect("reads");
        assert_eq!(t.headers, ["Task ID", "Name", "Notes"]);
        assert_eq!(t.rows().map(|r| (r.line, r.get(1))).collect::<Vec<_>>(), [(5, "A")]);
        // A link with other text beside it, or a link alone with nothing after, is kept.
        let t = Table::parse("b.csv", "see,https://x.test\n1,2\n", false).expect("reads");
        assert_eq!(t.headers, ["see", "https://x.test"]);
        let e = Table::parse("c.csv", ",https://x.test\n", false).expect_err("no rows");
        assert_eq!(e.to_string(), "c.csv: has a header row but no data rows");
    }

    /// Found by the fuzzer: text of only empty fields has no header, and says so.
    #[test]
    fn only_empty_fields_is_an_error_not_a_panic() {
        for text in [",,,", "\"\"\n", ",\n,\n", "\"\",\"\"\r\n"] {
            let e = Table::parse("t.csv", text, false).expect_err("no header").to_string();
            assert!(e.starts_with("t.csv: has no header row"), "{text:?}: {e}");
        }
    }

    #[test]
    fn one_stray_byte_in_utf8_is_replaced_not_a_reason_to_redecode() {
        let bytes = b"Summary,City\nA,Z\xC3\xBCrich\nB,K\xC3\xB6ln\nC,bad \xE9 byte\n".to_vec();
        let decoded = decode("t.csv", bytes).expect("decodes");
        assert!(decoded.contains("Zürich") && decoded.contains("Köln"), "{decoded}");
        assert!(decoded.contains("bad \u{FFFD} byte"), "{decoded}");
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
