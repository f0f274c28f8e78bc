//! Large exports read in chunks, for an importer that makes its items in one pass.
//!
//! A [`Table`] holds every field of the file at once, for importers that read rows more
//! than once. A 40 MB Jira export is 110 MB as a table, and the items made from it are
//! another 90: the import's peak was the two together. [`read`] instead scans the file
//! once for cut points, chunks of about 256 KiB that end at record boundaries, and
//! [`RowSource::fold`] has each core read its own chunks, parse them, hand their rows to
//! the importer and reuse the buffers: memory holds the items and a chunk per core.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::table::{
    count_lines, delimiter, is_blank, open_quote, parse_part, too_long, Row, Table,
};
use crate::error::{Error, Location, Result};

/// Files below this size are read as a [`Table`]: one chunk would be all of them.
const CHUNKED_FROM: usize = 8 << 20;

/// About the size of a chunk: each core holds one chunk's text and fields at a time.
/// At 100,000 rows the peak was 121 MB with 512 KiB chunks, 112 MB with 256 KiB and
/// 109–118 MB with 128 KiB, which was also 15 % slower.
const CHUNK: usize = 256 << 10;

/// Rows for an importer that reads each of them once.
pub trait RowSource {
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
pub enum Folded {
    All,
    Recut,
}

/// What [`read`] found: a small file as a table, a large one in chunks.
pub enum Export {
    Whole(Table),
    Chunked(Chunks),
}

/// Reads `path` (shown as `shown`): as a [`Table`] below 8 MB or when it is anything
/// but UTF-8 text with a header on its first lines, else in [`Chunks`]. The checks and
/// errors are those of [`Table::read`]: what chunks cannot read, the table reads.
pub fn read(shown: &str, path: &Path) -> Result<Export> {
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
            Ok(true) if record.iter().all(is_blank) => continue,
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
    let chunks = plan(&mut file, body, first_line).map_err(|e| Error::read(shown, &e))?;
    Ok(Export::Chunked(Chunks {
        path: shown.to_string(),
        file: path.to_path_buf(),
        headers,
        delimiter,
        lines: chunks.last().map_or(0, |c| c.last_line - first_line + 1),
        chunks,
    }))
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

/// The chunks of the data after `body`, read once in blocks: each ends at the first
/// newline after about [`CHUNK`] bytes that an even number of quotes precedes, i.e.
/// outside any quoted field as far as quote counting can tell, as a table's parts are. The
/// fold checks each cut, as [`Table::parse`] does.
fn plan(file: &mut File, body: u64, first_line: u64) -> std::io::Result<Vec<Chunk>> {
    file.seek(SeekFrom::Start(body))?;
    let mut block = vec![0; 1 << 20];
    let mut chunks = Vec::new();
    let (mut start, mut line) = (body, first_line);
    let (mut pos, mut quotes, mut lines) = (body, 0u64, first_line);
    loop {
        let n = read_full(file, &mut block)?;
        if n == 0 {
            break;
        }
        let bytes = &block[..n];
        let mut i = 0;
        while i < n {
            let target = start + CHUNK as u64;
            if pos + (i as u64) < target {
                // Before the target: count and move on.
                let upto = n.min((target - pos) as usize);
                quotes += memchr::memchr_iter(b'"', &bytes[i..upto]).count() as u64;
                lines += count_lines(&bytes[i..upto]);
                i = upto;
                continue;
            }
            let Some(nl) = memchr::memchr(b'\n', &bytes[i..]) else {
                quotes += memchr::memchr_iter(b'"', &bytes[i..]).count() as u64;
                break;
            };
            quotes += memchr::memchr_iter(b'"', &bytes[i..i + nl]).count() as u64;
            lines += 1;
            i += nl + 1;
            if quotes % 2 == 0 {
                let end = pos + i as u64;
                chunks.push(Chunk { start, end, line, last_line: lines - 1 });
                (start, line) = (end, lines);
            }
        }
        pos += n as u64;
    }
    if pos > start || chunks.is_empty() {
        chunks.push(Chunk { start, end: pos, line, last_line: lines });
    }
    Ok(chunks)
}

/// A large export: where its chunks are, the header read.
pub struct Chunks {
    pub path: String,
    /// Where it is read from.
    pub file: PathBuf,
    pub headers: Vec<String>,
    delimiter: u8,
    /// Lines after the header's.
    lines: u64,
    chunks: Vec<Chunk>,
}

/// Bytes `start..end` of the file, which start on `line` and end on `last_line`.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: u64,
    end: u64,
    line: u64,
    last_line: u64,
}

/// What one chunk left after its rows were folded.
struct Done<S> {
    state: S,
    rows: usize,
    /// The line of a quote still open at the chunk's end.
    open: Option<u64>,
    /// Not UTF-8 after all: the table decodes it (Windows-1252) or says why not.
    not_utf8: bool,
    /// A row with more fields than the header has names, or the file failing to read.
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
        // A record takes at least a line.
        self.lines as usize
    }

    fn fold<S: Send>(
        self,
        init: impl Fn(usize) -> S + Sync,
        f: impl Fn(&mut S, Row<'_>) + Sync,
        mut merge: impl FnMut(S),
    ) -> Result<Folded> {
        let (path, width, delimiter) = (&self.path, self.headers.len(), self.delimiter);
        let last = self.chunks.len() - 1;
        let (mut rows, mut open, mut error, mut not_utf8) = (0, None, None, false);
        let mut index = 0;
        // Each thread reads its own chunks into one buffer of its own.
        let file = &self.file;
        crate::par::ordered(
            self.chunks,
            || (File::open(file), Vec::new()),
            |(handle, buf), chunk| {
                let read = match handle {
                    Ok(h) => read_chunk(h, buf, chunk),
                    Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
                };
                match read {
                    Ok(()) => fold_chunk(buf, chunk, path, width, delimiter, &init, &f),
                    Err(e) => Done {
                        state: init(0),
                        rows: 0,
                        open: None,
                        not_utf8: false,
                        error: Some(Error::read(path, &e)),
                    },
                }
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
            Some((i, _)) if i < last => {
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

fn read_chunk(file: &mut File, buf: &mut Vec<u8>, chunk: Chunk) -> std::io::Result<()> {
    buf.resize((chunk.end - chunk.start) as usize, 0);
    file.seek(SeekFrom::Start(chunk.start))?;
    file.read_exact(buf)
}

fn fold_chunk<S>(
    buf: &[u8],
    chunk: Chunk,
    path: &str,
    width: usize,
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
        .map(|i| chunk.line + count_lines(&buf[..parsed.last_start + i]));
    let mut state = init(parsed.rows.len());
    let mut error = None;
    let text = &parsed.part.text;
    for at in &parsed.rows {
        let line = chunk.line + at.line - 1;
        let mut spans = &parsed.part.spans[at.first as usize..(at.first + at.len) as usize];
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

    /// Every row, by either source.
    fn dump(rows: impl RowSource) -> Result<(Folded, Rows)> {
        let mut all = Vec::new();
        let folded = rows.fold(
            |_| Vec::new(),
            |out, r| out.push((r.line, (0..r.len()).map(|i| r.get(i).to_string()).collect())),
            |part: Rows| all.extend(part),
        )?;
        Ok((folded, all))
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
        for stray in [false, true] {
            let text = big(stray);
            let (_dir, path) = write("big.csv", &text);
            let table = Table::read("big.csv", &path).expect("reads");
            let Export::Chunked(chunks) = read("big.csv", &path).expect("reads") else {
                panic!("a 9 MB file is read in chunks")
            };
            assert!(chunks.chunks.len() >= 4, "{}", chunks.chunks.len());
            assert_eq!(chunks.headers, ["Key", "Title", "Body"]);
            let (folded, rows) = dump(chunks).expect("folds");
            // A stray quote moves a cut into a description; the caller reads it whole.
            assert_eq!(folded, if stray { Folded::Recut } else { Folded::All });
            if !stray {
                assert_eq!(rows, dump(&table).expect("folds").1);
                assert_eq!(rows.len(), table.len());
            }
        }
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
