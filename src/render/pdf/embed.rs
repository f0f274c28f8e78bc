//! TrueType faces as PDF Type 0 fonts (Identity-H, glyph ids as character codes):
//! the sparse subset from `sfnt`, glyph widths, and a `/ToUnicode` map so text can be
//! searched and copied.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::fonts::Face;

/// A face's PDF objects, built without the document so that it can happen on another
/// thread while printpdf writes the pages.
pub(super) struct Prepared {
    base_font: String,
    file: Stream,
    descriptor: Dictionary,
    cid_font: Dictionary,
    to_unicode: Stream,
}

/// The objects for face `face` with the glyphs in `used` (glyph id → the text it shows)
/// as `/BaseFont /TAG+PostScriptName`, streams already compressed; `None` when the face
/// has no TrueType outlines.
pub(super) fn prepare(
    tag: &str,
    face: &Face<'_>,
    used: &BTreeMap<u16, char>,
    deflater: &mut Deflater,
) -> Option<Prepared> {
    let gids: BTreeSet<u16> = used.keys().copied().collect();
    let program = super::sfnt::sparse_subset(face.bytes, face.index, &gids)?;
    let parsed = &face.parsed;
    let scale = 1000.0 / parsed.units_per_em() as f32;
    let units = |v: i16| Object::Integer((v as f32 * scale).round() as i64);
    let base_font = format!("{tag}+{}", postscript_name(face));

    let mut file = Dictionary::new();
    file.set("Length1", Object::Integer(program.len() as i64));
    let file = deflater.stream(file, &program);

    let bbox = parsed.global_bounding_box();
    let italic = parsed.italic_angle();
    let mut flags = 32;
    if italic != 0.0 {
        flags |= 64;
    }
    if parsed.is_monospaced() {
        flags |= 1;
    }
    let descriptor = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(base_font.clone().into_bytes())),
        ("Flags", Object::Integer(flags)),
        (
            "FontBBox",
            Object::Array(vec![
                units(bbox.x_min),
                units(bbox.y_min),
                units(bbox.x_max),
                units(bbox.y_max),
            ]),
        ),
        ("ItalicAngle", Object::Real(italic)),
        ("Ascent", units(parsed.ascender())),
        ("Descent", units(parsed.descender())),
        ("CapHeight", units(parsed.capital_height().unwrap_or(parsed.ascender()))),
        ("StemV", Object::Integer(80)),
    ]);
    let cid_font = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"CIDFontType2".to_vec())),
        ("BaseFont", Object::Name(base_font.clone().into_bytes())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("Identity")),
                ("Supplement", Object::Integer(0)),
            ])),
        ),
        ("CIDToGIDMap", Object::Name(b"Identity".to_vec())),
        ("W", widths(face, &gids)),
    ]);
    let to_unicode = deflater.stream(Dictionary::new(), to_unicode(used).as_bytes());
    Some(Prepared { base_font, file, descriptor, cid_font, to_unicode })
}

/// Adds a prepared face to `doc`; returns the Type 0 font's id.
pub(super) fn add(doc: &mut lopdf::Document, font: Prepared) -> ObjectId {
    let Prepared { base_font, file, mut descriptor, mut cid_font, to_unicode } = font;
    descriptor.set("FontFile2", Object::Reference(doc.add_object(file)));
    cid_font.set("FontDescriptor", Object::Reference(doc.add_object(descriptor)));
    let cid_font_id = doc.add_object(cid_font);
    let to_unicode = doc.add_object(to_unicode);
    let font = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(base_font.into_bytes())),
        ("Encoding", Object::Name(b"Identity-H".to_vec())),
        ("DescendantFonts", Object::Array(vec![Object::Reference(cid_font_id)])),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]);
    doc.add_object(font)
}

/// Deflate at level 3. lopdf's own `compress` uses level 9: on the 3-page report that
/// costs 2 ms more (a third of the whole run) for a 1 % smaller file. One state serves
/// many streams: a fresh one is a quarter megabyte to allocate and clear.
pub(super) struct Deflater(flate2::Compress);

impl Deflater {
    pub(super) fn new() -> Self {
        Deflater(flate2::Compress::new(flate2::Compression::new(3), true))
    }

    /// A stream of `content`, deflated.
    pub(super) fn stream(&mut self, mut dict: Dictionary, content: &[u8]) -> Stream {
        match self.deflate(content) {
            Some(bytes) => {
                dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                Stream::new(dict, bytes)
            }
            None => Stream::new(dict, content.to_vec()),
        }
    }

    pub(super) fn deflate(&mut self, content: &[u8]) -> Option<Vec<u8>> {
        self.0.reset();
        let mut out = Vec::with_capacity(content.len() / 2 + 64);
        loop {
            let read = self.0.total_in() as usize;
            let flush = flate2::FlushCompress::Finish;
            match self.0.compress_vec(&content[read..], &mut out, flush) {
                Ok(flate2::Status::StreamEnd) => return Some(out),
                Ok(_) => out.reserve(out.capacity().max(1024)),
                Err(_) => return None,
            }
        }
    }
}

fn postscript_name(face: &Face<'_>) -> String {
    let name = face
        .parsed
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| {
            // Macintosh Roman records are ASCII for a PostScript name.
            n.to_string()
                .or_else(|| n.name.is_ascii().then(|| String::from_utf8_lossy(n.name).into()))
        })
        .unwrap_or_else(|| format!("Font{}", face.name));
    name.chars().filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c)).collect()
}

/// `/W`: runs of consecutive glyph ids with their widths in thousandths of an em.
fn widths(face: &Face<'_>, gids: &BTreeSet<u16>) -> Object {
    let scale = 1000.0 / face.parsed.units_per_em() as f32;
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut start = 0u16;
    let mut prev: Option<u16> = None;
    for &g in gids {
        if prev.is_some_and(|p| p + 1 != g) {
            out.push(Object::Integer(start.into()));
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            start = g;
        }
        let advance = face.parsed.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0);
        run.push(Object::Integer((advance as f32 * scale).round() as i64));
        prev = Some(g);
    }
    if !run.is_empty() {
        out.push(Object::Integer(start.into()));
        out.push(Object::Array(run));
    }
    Object::Array(out)
}

fn to_unicode(used: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (gid, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String =
                c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{gid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_maps_glyphs_to_utf16() {
        let map: BTreeMap<u16, char> = [(36, 'A'), (3000, '東'), (4000, '😀')].into();
        let cmap = to_unicode(&map);
        assert!(cmap.contains("3 beginbfchar\n<0024> <0041>\n<0BB8> <6771>\n<0FA0> <D83DDE00>\n"));
    }
}
