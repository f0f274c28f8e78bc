//! Large exports read in chunks, for an importer that makes its items in one pass.
//!
//! A [`Table`] holds every field of the file at once, for importers that read rows more
//! than once. A 40 MB Jira export is 110 MB as a table, and the items made from it are
//! another 90: the import's peak was the two together. [`read`] instead reads the header,
//! and [`RowSource::fold`] reads the rest once, from the top, in chunks of about 256 KiB
//! that end at record boundaries: the cores take turns to read their next chunk, then
//! parse it and hand its rows to the importer while the other core reads. Memory holds
//! the items and a few chunks; nothing of the file is read twice or waited for whole.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::table::{
    count_lines, delimiter, even_line_end, is_blank, is_preamble, open_quote, parse_part, too_long,
    too_short, Row, Table,
};
use crate::error::{Error, Location, Result};

/// Files below this size are read as a [`Table`]: one chunk would be all of them.
const CHUNKED_FROM: usize = 8 << 20;

/// About the size of a chunk: each core holds one chunk's text and fields at a time.
/// At 100,000 rows the peak was 121 MB with 512 KiB chunks, 112 MB with 256 KiB and
/// 109–118 MB with 128 KiB, which was also 15 % slower.
const CHUNK: usize = 256 << 10;

/// Rows for an importer that reads each of them once.
pub(crate) trait RowSource {
    /// The file as the user gave it, for messages.
    fn path(&self) -> &str;
    fn headers(&self) -> &[String];
    /// At least as many as there are rows, to size the result once: items are large,
    /// and room reserved but never filled costs address space, not memory.
    fn size_hint(&self) -> usize;
    /// Calls `f` on every data row, chunk by chunk on all cores, each chunk with a state
    /// of its own from `init` (given the chunk's row count), and hands the states to
    /// `merge` in file order. [`Folded::Recut`] when a cut fell inside a quoted field
    /// after all: the states merged so far are wrong and the file must be read whole.
    fn fold<S: Send>(
        self,
        init: impl Fn(usize) -> S + Sync,
        f: impl Fn(&mut S, Row<'_>) + Sync,
        merge: impl FnMut(S),
    ) -> Result<Folded>;
}

/// How a [`RowSource::fold`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Folded {
    All,
    Recut,
}

/// What [`read`] found: a small file as a table, a large one in chunks.
pub(crate) enum Export {
    Whole(Table),
    Chunked(Chunks),
}

/// Reads `path` (shown as `shown`): as a [`Table`] below 8 MB or when it is anything
/// but UTF-8 text with a header on its first lines, else in [`Chunks`]. The checks and
/// errors are those of [`Table::read`]: what chunks cannot read, the table reads.
pub(crate) fn read(shown: &str, path: &Path) -> Result<Export> {
    let whole = || Table::read(shown, path).map(Export::Whole);
    let size = std::fs::metadata(path).map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    if size < CHUNKED_FROM as u64 || size > u32::MAX as u64 {
        return whole();
    }
    let mut file = File::open(path).map_err(|e| Error::read(shown, &e))?;
    let mut head = vec![0; HEAD];
    let got = read_full(&mut file, &mut head).map_err(|e| Error::read(shown, &e))?;
    head.truncate(got);
    let Some(start) = plain_start(&head) else { return whole() };
    // Excel's `sep=;` line: the table reads it.
    if head[start..].get(..4).is_some_and(|h| h.eq_ignore_ascii_case(b"sep=")) {
        return whole();
    }
    // The head may end inside a character: its valid part is enough for the header.
    let text = match std::str::from_utf8(&head[start..]) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[start..start + e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return whole(),
    };
    if text.trim().is_empty() {
        return whole();
    }
    let tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = delimiter(shown, text, tsv)?;
    // The header is the first non-blank record, and must end well inside the head.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let headers: Vec<String> = loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) if record.iter().all(is_blank) || is_preamble(record.iter()) => continue,
            Ok(true) => {
                break record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).trim().to_string())
                    .collect()
            }
            _ => return whole(),
        }
    };
    let header_end = reader.position().byte() as usize;
    if header_end + 1024 > text.len() {
        return whole();
    }
    let body = (start + header_end) as u64;
    let first_line = count_lines(&text.as_bytes()[..header_end]) + 1;
    let rows_at_most = rows_estimate(&text.as_bytes()[header_end..], size - body, headers.len());
    Ok(Export::Chunked(Chunks {
        path: shown.to_string(),
        file: path.to_path_buf(),
        headers,
        delimiter,
        body,
        first_line,
        rows_at_most,
    }))
}

/// The rows of `rest` bytes of data, from `head`, the data's first bytes, to size the
/// items once: each row starts a line that is not empty, so the head's non-empty lines
/// per byte, with some room, are about enough (room never filled costs address space,
/// not memory; too little, and the items grow). Never more than `rest` could hold if
/// every row had its `width` fields, so that an odd head (blank lines, say) cannot ask
/// for gigabytes.
fn rows_estimate(head: &[u8], rest: u64, width: usize) -> usize {
    let lines = head.split(|&b| b == b'\n').filter(|l| !matches!(l, [] | [b'\r'])).count();
    let per_byte = (lines + 1) as f64 / head.len().max(1) as f64;
    let estimate = (rest as f64 * per_byte * 1.25) as usize + 64;
    // A row of `width` fields takes at least `width` bytes: delimiters and a line end.
    estimate.min(rest as usize / width.max(2) + 64)
}

/// How much of the file is read to find the header.
const HEAD: usize = 1 << 20;

/// Where the text of a plain UTF-8 file starts (after a BOM); `None` for anything a
/// table should look at: archives, PDFs, UTF-16, NUL bytes.
fn plain_start(head: &[u8]) -> Option<usize> {
    if encoding_rs::Encoding::for_bom(head).is_some_and(|(enc, _)| enc != encoding_rs::UTF_8) {
        return None;
    }
    if [&b"PK\x03\x04"[..], b"%PDF", b"\xD0\xCF\x11\xE0"].iter().any(|m| head.starts_with(m)) {
        return None;
    }
    let start = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    (!head[start..head.len().min(8192)].contains(&0)).then_some(start)
}

/// Fills `buf` from `file` as far as the file goes; how much it filled.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// A large export: its header read, the rest to be read in chunks.
pub(crate) struct Chunks {
    pub path: String,
    /// Where it is read from.
    pub file: PathBuf,
    pub headers: Vec<String>,
    delimiter: u8,
    /// Where the data after the header starts, and on which line.
    body: u64,
    first_line: u64,
    /// An estimate of the rows from the head's lines, on the high side.
    rows_at_most: usize,
}

/// The data after the header in chunks, read in file order: each ends at the first
/// newline after about [`CHUNK`] bytes that an even number of quotes precedes, i.e.
/// outside any quoted field as far as quote counting can tell, as a table's parts are.
/// The fold checks each cut, as [`Table::parse`] does. Buffers come from `spare`, where
/// the fold puts them back once parsed.
struct Cutter<'a> {
    file: File,
    /// Bytes read past the last cut: the start of the next chunk.
    carry: Vec<u8>,
    /// The line the next chunk starts on.
    line: u64,
    /// The file was read to its end; reading it failed.
    eof: bool,
    failed: bool,
    spare: &'a std::sync::Mutex<Vec<Vec<u8>>>,
}

/// A chunk's text, the line it starts on and whether it is the file's last, or why it
/// could not be read.
type Piece = std::io::Result<(u64, Vec<u8>, bool)>;

impl Iterator for Cutter<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        if self.failed || (self.eof && self.carry.is_empty()) {
            return None;
        }
        let spare = self.spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut buf = spare.unwrap_or_default();
        buf.clear();
        buf.append(&mut self.carry);
        match self.cut(&mut buf) {
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
            Ok(()) if buf.is_empty() => None,
            Ok(()) => {
                let line = self.line;
                self.line += count_lines(&buf);
                Some(Ok((line, buf, self.eof && self.carry.is_empty())))
            }
        }
    }
}

impl Cutter<'_> {
    /// Reads into `buf` (which holds the carried bytes) up to the next cut, and moves
    /// what was read past it to `carry`.
    fn cut(&mut self, buf: &mut Vec<u8>) -> std::io::Result<()> {
        if buf.len() < CHUNK {
            let want = CHUNK - buf.len();
            self.read(buf, want)?;
        }
        let mut at = buf.len().min(CHUNK);
        let mut quotes = memchr::memchr_iter(b'"', &buf[..at]).count();
        loop {
            if let Some(n) = even_line_end(&buf[at..], &mut quotes) {
                at += n;
                break;
            }
            at = buf.len();
            if self.read(buf, 16 << 10)? == 0 {
                break;
            }
        }
        self.carry.extend_from_slice(&buf[at..]);
        buf.truncate(at);
        Ok(())
    }

    /// Appends up to `n` more bytes of the file to `buf`: how many (0 at its end).
    fn read(&mut self, buf: &mut Vec<u8>, n: usize) -> std::io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        let got = (&mut self.file).take(n as u64).read_to_end(buf)?;
        // Fewer than asked for only at the end of the file.
        self.eof = got < n;
        Ok(got)
    }
}

/// What one chunk left after its rows were folded.
struct Done<S> {
    state: S,
    rows: usize,
    /// The line of a quote still open at the chunk's end.
    open: Option<u64>,
    /// Not UTF-8 after all: the table decodes it (Windows-1252) or says why not.
    not_utf8: bool,
    /// A row with more or fewer fields than the header has names, or the file failing
    /// to read.
    error: Option<Error>,
}

impl RowSource for Chunks {
    fn path(&self) -> &str {
        &self.path
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn size_hint(&self) -> usize {
        self.rows_at_most
    }

    fn fold<S: Send>(
        self,
        init: impl Fn(usize) -> S + Sync,
        f: impl Fn(&mut S, Row<'_>) + Sync,
        mut merge: impl FnMut(S),
    ) -> Result<Folded> {
        let (path, width, delimiter) = (&self.path, self.headers.len(), self.delimiter);
        // A header's trailing empty names (a spreadsheet's extra commas) need no fields.
        let named = width - self.headers.iter().rev().take_while(|h| h.is_empty()).count();
        let width = (named, width);
        let mut file = File::open(&self.file).map_err(|e| Error::read(path, &e))?;
        file.seek(SeekFrom::Start(self.body)).map_err(|e| Error::read(path, &e))?;
        let spare = std::sync::Mutex::new(Vec::new());
        let cutter = Cutter {
            file,
            carry: Vec::new(),
            line: self.first_line,
            eof: false,
            failed: false,
            spare: &spare,
        };
        let (mut rows, mut open, mut error, mut not_utf8) = (0, None, None, false);
        let mut index = 0;
        crate::par::ordered(
            cutter,
            || (),
            |(), piece| match piece {
                Ok((line, buf, last)) => {
                    let done = fold_chunk(&buf, line, last, path, width, delimiter, &init, &f);
                    spare.lock().unwrap_or_else(|e| e.into_inner()).push(buf);
                    done
                }
                Err(e) => Done {
                    state: init(0),
                    rows: 0,
                    open: None,
                    not_utf8: false,
                    error: Some(Error::read(path, &e)),
                },
            },
            |done| {
                rows += done.rows;
                not_utf8 |= done.not_utf8;
                if let (Some(line), None) = (done.open, open) {
                    open = Some((index, line));
                }
                if error.is_none() {
                    error = done.error;
                }
                merge(done.state);
                index += 1;
            },
        );
        if not_utf8 {
            return Ok(Folded::Recut);
        }
        match open {
            Some((i, _)) if i + 1 < index => {
                tracing::debug!("{path}: a cut fell inside a quoted field; reading it whole");
                return Ok(Folded::Recut);
            }
            Some((_, line)) => {
                return Err(Error::input(
                    Location::file(path).line(line),
                    "quoted field is never closed (the file may be truncated)",
                ))
            }
            None => {}
        }
        if let Some(e) = error {
            return Err(e);
        }
        if rows == 0 {
            return Err(Error::input(Location::file(path), "has a header row but no data rows"));
        }
        Ok(Folded::All)
    }
}

/// Folds the rows of one chunk (`last`: the file's last), refusing a row with more
/// non-blank fields than the header has names, or a damaged short one (see
/// [`Table::check_widths`]).
#[allow(clippy::too_many_arguments)]
fn fold_chunk<S>(
    buf: &[u8],
    first_line: u64,
    last: bool,
    path: &str,
    (named, width): (usize, usize),
    delimiter: u8,
    init: &impl Fn(usize) -> S,
    f: &impl Fn(&mut S, Row<'_>),
) -> Done<S> {
    // Cut at newlines, so a UTF-8 file's chunks are UTF-8.
    let Ok(text) = std::str::from_utf8(buf) else {
        return Done { state: init(0), rows: 0, open: None, not_utf8: true, error: None };
    };
    let parsed = parse_part(text, 0, text.len(), delimiter);
    let open = open_quote(&buf[parsed.last_start..], delimiter)
        .map(|i| first_line + count_lines(&buf[..parsed.last_start + i]));
    let mut state = init(parsed.rows.len());
    let mut error = None;
    let text = &parsed.part.text;
    for (i, at) in parsed.rows.iter().enumerate() {
        let line = first_line + at.line - 1;
        let mut spans = &parsed.part.spans[at.first as usize..(at.first + at.len) as usize];
        if spans.len() < named {
            // Damage, not trailing empty fields left off (see `Table::check_widths`): the
            // file's last row without a newline after it, or a row that the next one in
            // this chunk completes.
            let is_last = last && i + 1 == parsed.rows.len();
            let lens: Vec<usize> = parsed.rows[i..parsed.rows.len().min(i + 3)]
                .iter()
                .map(|r| r.len as usize)
                .collect();
            let cut = is_last && !buf.ends_with(b"\n") && !buf.ends_with(b"\r");
            let damaged = crate::source::table::broken(&lens, 0, named, 0, cut);
            if damaged {
                error = Some(too_short(path, line, spans.len(), width, is_last));
                break;
            }
        }
        if spans.len() > width {
            if spans[width..].iter().any(|&(s, e)| !text[s as usize..e as usize].trim().is_empty())
            {
                error = Some(too_long(path, line, spans.len(), width));
                break;
            }
            spans = &spans[..width];
        }
        f(&mut state, Row::new(line, text, spans));
    }
    Done { state, rows: parsed.rows.len(), open, not_utf8: false, error }
}

impl RowSource for &Table {
    fn path(&self) -> &str {
        &self.path
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn size_hint(&self) -> usize {
        self.rows.len()
    }

    fn fold<S: Send>(
        self,
        init: impl Fn(usize) -> S + Sync,
        f: impl Fn(&mut S, Row<'_>) + Sync,
        merge: impl FnMut(S),
    ) -> Result<Folded> {
        self.check_widths(0)?;
        const ROWS: usize = 8192;
        let ranges: Vec<std::ops::Range<usize>> = (0..self.rows.len())
            .step_by(ROWS)
            .map(|s| s..(s + ROWS).min(self.rows.len()))
            .collect();
        crate::par::ordered(
            ranges,
            || (),
            |(), r| {
                let mut state = init(r.len());
                for at in &self.rows[r] {
                    f(&mut state, self.row_at(at));
                }
                state
            },
            merge,
        );
        Ok(Folded::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as (line, fields).
    type Rows = Vec<(u64, Vec<String>)>;

    /// Every row, by either source, and how many parts they came in.
    fn dump(rows: impl RowSource) -> Result<(Folded, Rows, usize)> {
        let (mut all, mut parts) = (Vec::new(), 0);
        let folded = rows.fold(
            |_| Vec::new(),
            |out, r| out.push((r.line, (0..r.len()).map(|i| r.get(i).to_string()).collect())),
            |part: Rows| {
                all.extend(part);
                parts += 1;
            },
        )?;
        Ok((folded, all, parts))
    }

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        (dir, path)
    }

    /// 9 MB of records that span lines and hold escaped quotes, with blank rows; `stray`
    /// puts a quote in an unquoted value early on, which fools the count of quotes.
    fn big(stray: bool) -> String {
        let mut s = String::from("\u{feff}\n,,\nKey,Title,Body\n");
        let filler = "x".repeat(200);
        let mut i = 0;
        while s.len() < 9 << 20 {
            let title = if stray && i == 10 { "27\" screen".to_string() } else { format!("t{i}") };
            s.push_str(&format!("K-{i},{title},\"{filler} {i}\nsays \"\"hi\"\"\n\nend\"\n"));
            if i % 1000 == 0 {
                s.push_str(",,\n\n");
            }
            i += 1;
        }
        s
    }

    #[test]
    fn chunks_give_the_rows_and_lines_of_a_table() {
        for (stray, last_newline) in [(false, true), (false, false), (true, true)] {
            let mut text = big(stray);
            if !last_newline {
                text.pop();
            }
            let (_dir, path) = write("big.csv", &text);
            let table = Table::read("big.csv", &path).expect("reads");
            let Export::Chunked(chunks) = read("big.csv", &path).expect("reads") else {
                panic!("a 9 MB file is read in chunks")
            };
            assert_eq!(chunks.headers, ["Key", "Title", "Body"]);
            // Rows are at most lines, and the estimate is on the high side.
            assert!(chunks.size_hint() >= table.len(), "{} < {}", chunks.size_hint(), table.len());
            let (folded, rows, parts) = dump(chunks).expect("folds");
            // A stray quote moves a cut into a description; the caller reads it whole.
            assert_eq!(folded, if stray { Folded::Recut } else { Folded::All });
            if !stray {
                assert!(parts >= 30, "9 MB in chunks of 256 KiB, not {parts}");
                assert_eq!(rows, dump(&table).expect("folds").1);
                assert_eq!(rows.len(), table.len());
            }
        }
    }

    #[test]
    fn the_rows_are_estimated_from_the_head_and_never_wildly() {
        let rows = "K-1,title,\"a body\nof two lines\"\n".repeat(1000);
        let est = rows_estimate(rows.as_bytes(), 40 << 20, 3);
        let real = (40 << 20) / (rows.len() / 1000);
        assert!(est >= real && est <= real * 3, "{est} for {real}");
        // A head of blank lines: the estimate is small and the items grow.
        let blank = "\n".repeat(1 << 20);
        assert!(rows_estimate(blank.as_bytes(), 40 << 20, 3) < 1000);
        // A head of empty records: bounded by the bytes a row of three fields needs.
        let empty = ",,\r\n".repeat(1 << 18);
        assert!(rows_estimate(empty.as_bytes(), 40 << 20, 25) <= (40 << 20) / 25 + 64);
        let (_dir, path) =
            write("blank-head.csv", &format!("Key,Title,Body\n{blank}{}", rows.repeat(250)));
        let Ok(Export::Chunked(chunks)) = read("blank-head.csv", &path) else { panic!("chunked") };
        assert!(chunks.size_hint() < 1000);
        let (_, all, _) = dump(chunks).expect("folds");
        assert_eq!(all.len(), 250_000, "the items grew past the estimate");
    }

    #[test]
    fn chunk_errors_are_the_tables() {
        let mut text = big(false);
        text.push_str("K-x,y,z,oops\n");
        let (_dir, path) = write("long.csv", &text);
        let Ok(Export::Chunked(chunks)) = read("long.csv", &path) else { panic!("chunked") };
        let e = dump(chunks).expect_err("too long").to_string();
        let t = Table::read("long.csv", &path).expect_err("too long").to_string();
        assert_eq!(e, t);
        assert!(e.contains("row has 4 fields but the header has 3"), "{e}");

        let mut text = big(false);
        text.push_str("K-y,\"never closed\n");
        let (_dir, path) = write("open.csv", &text);
        let Ok(Export::Chunked(chunks)) = read("open.csv", &path) else { panic!("chunked") };
        let e = dump(chunks).expect_err("open quote").to_string();
        let t = Table::read("open.csv", &path).expect_err("open quote").to_string();
        assert_eq!(e, t);
        assert!(e.ends_with("quoted field is never closed (the file may be truncated)"), "{e}");
    }
}
