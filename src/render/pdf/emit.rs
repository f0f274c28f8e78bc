//! Pages of items → PDF bytes through printpdf, then lopdf for what printpdf does not do
//! the way a report needs: a nested outline in reading order, a content-derived `/ID`.
//!
//! Fonts are embedded by us (`embed`, `sfnt`): printpdf's path parses every face with
//! azul and subsets it with allsorts, ten times the cost of the whole layout. Faces we
//! cannot subset (CFF outlines) still go through printpdf.
//!
//! Everything that ends up in the file is a function of the input: fonts have names
//! derived from their glyphs, dates come from `as_of`, the `/ID` is a hash of the input.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, DictItem, FontId, Line,
    LineDashPattern, LinePoint, LinkAnnotation, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use super::boxes::{Item, Target};
use super::fonts::{FaceId, Fonts};
use super::style::{self as st, Rgb};
use super::PdfOptions;
use crate::error::Error;

pub(super) struct Written {
    pub bytes: Vec<u8>,
    /// The characters drawn as missing-glyph boxes, in order of appearance.
    pub missing: Vec<char>,
}

struct Heading {
    page: usize,
    top: f32,
    level: u8,
    title: String,
}

pub(super) fn write(
    pages: Vec<Vec<Item>>,
    fonts: &Fonts<'_>,
    opts: &PdfOptions,
    size: (f32, f32),
    fingerprint: u64,
) -> Result<Written, Error> {
    let (width, height) = size;
    let mut doc = PdfDocument::new(&opts.title);

    // Headings first: `#slug` links on any page may point at any heading.
    let mut headings = Vec::new();
    let mut slugs: HashMap<String, (usize, f32)> = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        for item in page {
            if let Item::Anchor { y, level, title, slug } = item {
                let top = height - y;
                slugs.entry(slug.clone()).or_insert((p + 1, top));
                headings.push(Heading { page: p, top, level: *level, title: title.clone() });
            }
        }
    }

    // Each face the pages use, the glyphs it draws and the text they stand for.
    let mut seen: BTreeMap<FaceId, Vec<(u16, char)>> = BTreeMap::new();
    for item in pages.iter().flatten() {
        if let Item::Text { face, gids, text, .. } = item {
            seen.entry(*face).or_default().extend(gids.iter().copied().zip(text.chars()));
        }
    }
    let used: BTreeMap<FaceId, BTreeMap<u16, char>> = seen
        .into_iter()
        .map(|(face, mut glyphs)| {
            // The first character drawn with a glyph is the text it stands for.
            glyphs.sort_by_key(|&(gid, _)| gid);
            glyphs.dedup_by_key(|&mut (gid, _)| gid);
            (face, glyphs.into_iter().collect())
        })
        .collect();
    let names = font_names(&used);
    // TrueType faces are subset here; others (CFF outlines, e.g. Noto Sans CJK) go
    // through printpdf, which needs the text of each glyph to write their /ToUnicode.
    let mut by_printpdf = BTreeSet::new();
    for (&face, name) in &names {
        let f = fonts.face(face);
        if super::sfnt::is_truetype(f.bytes, f.index) {
            continue;
        }
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(f.bytes, f.index as usize, &mut warnings)
            .ok_or_else(|| Error::Run(format!("font {} cannot be embedded", f.name)))?;
        doc.resources.fonts.map.insert(FontId(name.clone()), PdfFont::new(parsed));
        by_printpdf.insert(face);
    }

    // Our own faces are subset and compressed on a second core while printpdf writes
    // the pages; the objects join the document in a fixed order either way.
    let prepare = || -> Vec<(String, super::embed::Prepared)> {
        let mut deflater = super::embed::Deflater::new();
        names
            .iter()
            .filter(|(face, _)| !by_printpdf.contains(face))
            .filter_map(|(&face, name)| {
                let prepared =
                    super::embed::prepare(name, fonts.face(face), &used[&face], &mut deflater)?;
                Some((name.clone(), prepared))
            })
            .collect()
    };
    std::thread::scope(|scope| {
        let background = std::thread::Builder::new().spawn_scoped(scope, prepare).ok();

        let mut missing = Vec::new();
        for page in &pages {
            let mut painter = Painter::new(height, &names, &by_printpdf);
            for item in page {
                painter.item(item, &slugs, &mut missing);
            }
            doc.pages.push(PdfPage {
                media_box: Rect::from_wh(Pt(width), Pt(height)),
                trim_box: Rect::from_wh(Pt(width), Pt(height)),
                crop_box: Rect::from_wh(Pt(width), Pt(height)),
                ops: painter.finish(),
            });
        }
        metadata(&mut doc, opts)?;
        // `secure: false` lets our `Tj` operators through (see `Painter::item`); every
        // operator here is ours, none comes from input.
        let save = PdfSaveOptions {
            optimize: false,
            subset_fonts: true,
            secure: false,
            image_optimization: None,
        };
        let mut warnings = Vec::new();
        let mut lo = doc.to_lopdf_document(&save, &mut warnings);

        let prepared = match background {
            Some(handle) => {
                handle.join().map_err(|_| Error::Run("font subsetting failed".into()))?
            }
            None => prepare(),
        };
        let own: Vec<(String, ObjectId)> =
            prepared.into_iter().map(|(name, p)| (name, super::embed::add(&mut lo, p))).collect();
        add_to_font_resources(&mut lo, own)?;
        outline(&mut lo, &headings)?;
        tidy(&mut lo);
        accessibility(&mut lo, opts)?;
        let id_bytes =
            [fingerprint.to_be_bytes(), (!fingerprint).rotate_left(17).to_be_bytes()].concat();
        let id = Object::String(id_bytes, StringFormat::Hexadecimal);
        lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
        compress(&mut lo);
        let mut bytes = Vec::new();
        lo.save_to(&mut bytes).map_err(|e| Error::Run(format!("cannot write the PDF: {e}")))?;
        Ok(Written { bytes, missing })
    })
}

/// Title, author, subject, keywords; creation and modification dates from `as_of`.
fn metadata(doc: &mut PdfDocument, opts: &PdfOptions) -> Result<(), Error> {
    let info = &mut doc.metadata.info;
    let date = printpdf::OffsetDateTime::from_unix_timestamp(opts.as_of.timestamp())
        .map_err(|e| Error::Run(format!("as-of date out of range: {e}")))?;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.document_title = document_title(opts);
    info.author = opts.author.clone();
    info.subject = opts.subject.clone();
    info.keywords = opts.keywords.clone();
    info.creator = "rolecall".into();
    info.producer = concat!("rolecall ", env!("CARGO_PKG_VERSION"), " (printpdf)").into();
    Ok(())
}

/// The title a viewer, a mail preview or a screen reader shows for the file: the
/// header's two halves (`Program report · Acme Analytics · 2026-W48`), so that three
/// attachments do not all read "Program report".
fn document_title(opts: &PdfOptions) -> String {
    let subtitle = opts.subtitle.trim();
    match subtitle.is_empty() {
        true => opts.title.clone(),
        false => format!("{} · {subtitle}", opts.title),
    }
}

/// What screen readers and previews look for in an untagged file: the language of the
/// text (`/Lang`), the title shown instead of the file name (`/DisplayDocTitle`), and
/// the same metadata as XMP (printpdf writes XMP only for PDF/A or PDF/X, and with a
/// random instance id: ours is a function of the input).
fn accessibility(doc: &mut lopdf::Document, opts: &PdfOptions) -> Result<(), Error> {
    let lang = if crate::text::is_language_tag(&opts.lang) { opts.lang.as_str() } else { "en" };
    let xmp = xmp(opts, lang);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let metadata = doc.add_object(Object::Stream(lopdf::Stream::new(dict, xmp.into_bytes())));
    let catalog = doc.catalog_mut().map_err(|e| Error::Run(format!("PDF catalog: {e}")))?;
    catalog.set("Lang", Object::String(lang.as_bytes().to_vec(), StringFormat::Literal));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    catalog.set("Metadata", Object::Reference(metadata));
    // printpdf says 1.3; `/Lang`, `/Metadata` and `/DisplayDocTitle` are 1.4's.
    if doc.version.as_str() < "1.4" {
        doc.version = "1.4".into();
    }
    Ok(())
}

fn xmp(opts: &PdfOptions, lang: &str) -> String {
    let date = opts.as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let alt =
        |v: &str| format!("<rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>", xml(v));
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
         <dc:format>application/pdf</dc:format>\n\
         <dc:title>{title}</dc:title>\n\
         <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:description>{subject}</dc:description>\n\
         <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
         <pdf:Keywords>{keywords}</pdf:Keywords>\n\
         <pdf:Producer>{producer}</pdf:Producer>\n\
         <xmp:CreatorTool>rolecall</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n\
         <xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>",
        title = alt(&document_title(opts)),
        author = xml(&opts.author),
        subject = alt(&opts.subject),
        keywords = xml(&opts.keywords.join(",")),
        producer = xml(concat!("rolecall ", env!("CARGO_PKG_VERSION"), " (printpdf)")),
    )
}

/// Text for XML: markup escaped, characters XML 1.0 cannot hold left out.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// printpdf points every page at one shared font dictionary; our own fonts join it.
fn add_to_font_resources(
    doc: &mut lopdf::Document,
    fonts: Vec<(String, ObjectId)>,
) -> Result<(), Error> {
    let broken = || Error::Run("printpdf wrote pages without a font dictionary".into());
    let page = doc.get_pages().into_values().next().ok_or_else(broken)?;
    let resources =
        doc.get_dictionary(page).and_then(|p| p.get(b"Resources")).map_err(|_| broken())?;
    let resources = match resources {
        Object::Reference(id) => doc.get_dictionary(*id).map_err(|_| broken())?,
        Object::Dictionary(d) => d,
        _ => return Err(broken()),
    };
    let font_dict = resources.get(b"Font").and_then(Object::as_reference).map_err(|_| broken())?;
    let Ok(Object::Dictionary(dict)) = doc.get_object_mut(font_dict) else {
        return Err(broken());
    };
    for (name, id) in fonts {
        dict.set(name, Object::Reference(id));
    }
    Ok(())
}

/// Deflate every stream not yet compressed (see [`super::embed::deflate`]).
fn compress(doc: &mut lopdf::Document) {
    let mut deflater = super::embed::Deflater::new();
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else { continue };
        // XMP stays readable to tools that search a file for it without parsing the PDF.
        let metadata =
            stream.dict.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"Metadata");
        if metadata || stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
            continue;
        }
        if let Some(bytes) = deflater.deflate(&stream.content) {
            stream.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(bytes);
        }
    }
}

/// Turns items into content-stream operations, setting state only when it changes.
struct Painter<'n> {
    height: f32,
    names: &'n BTreeMap<FaceId, String>,
    by_printpdf: &'n BTreeSet<FaceId>,
    ops: Vec<Op>,
    in_text: bool,
    /// Where the text line starts, as the viewer computes it from our `Td` moves.
    line_start: (f32, f32),
    font: Option<(FaceId, f32)>,
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
}

/// Coordinates to a hundredth of a point and colour components to three digits: finer
/// than any printer, and the content streams stay short.
fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn color(c: Rgb) -> Color {
    let r3 = |v: f32| (v * 1000.0).round() / 1000.0;
    Color::Rgb(printpdf::Rgb { r: r3(c.0), g: r3(c.1), b: r3(c.2), icc_profile: None })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(r2(x)), y: Pt(r2(y)) }, bezier: false }
}

impl<'n> Painter<'n> {
    fn new(
        height: f32,
        names: &'n BTreeMap<FaceId, String>,
        by_printpdf: &'n BTreeSet<FaceId>,
    ) -> Self {
        Painter {
            height,
            names,
            by_printpdf,
            ops: Vec::new(),
            in_text: false,
            line_start: (0.0, 0.0),
            font: None,
            fill: None,
            stroke: None,
        }
    }

    fn text_mode(&mut self, on: bool) {
        if on != self.in_text {
            self.ops.push(if on { Op::StartTextSection } else { Op::EndTextSection });
            self.in_text = on;
            self.line_start = (0.0, 0.0);
        }
    }

    fn fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: color(c) });
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, c: Rgb, width: f32) {
        if self.stroke != Some((c, width)) {
            self.ops.push(Op::SetOutlineColor { col: color(c) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(r2(width)) });
            self.stroke = Some((c, width));
        }
    }

    fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, mode: PaintMode) {
        let mut r = Rect::from_xywh(Pt(r2(x)), Pt(r2(self.height - top - h)), Pt(r2(w)), Pt(r2(h)));
        r.mode = Some(mode);
        self.ops.push(Op::DrawRectangle { rectangle: r });
    }

    fn item(
        &mut self,
        item: &Item,
        slugs: &HashMap<String, (usize, f32)>,
        missing: &mut Vec<char>,
    ) {
        let h = self.height;
        match item {
            Item::Text { x, y, face, size, color: c, text, gids } => {
                self.text_mode(true);
                if self.font != Some((*face, *size)) {
                    let name = FontId(self.names.get(face).cloned().unwrap_or_default());
                    let font = PdfFontHandle::External(name);
                    self.ops.push(Op::SetFont { font, size: Pt(r2(*size)) });
                    self.font = Some((*face, *size));
                }
                self.fill(*c);
                // `Td` moves relative to the last line start: two numbers instead of
                // the six of `Tm`, on every piece of text.
                let (sx, sy) = self.line_start;
                let (dx, dy) = (r2(*x - sx), r2(h - y - sy));
                self.ops.push(Op::SetTextCursor { pos: Point { x: Pt(dx), y: Pt(dy) } });
                self.line_start = (sx + dx, sy + dy);
                if self.by_printpdf.contains(face) {
                    // printpdf renumbers these glyphs when it subsets the face.
                    let glyphs = text
                        .chars()
                        .zip(gids)
                        .map(|(c, gid)| Codepoint { gid: *gid, offset: 0.0, cid: Some(c.into()) })
                        .collect();
                    self.ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
                } else {
                    // Our own subsets keep glyph ids: one `(…) Tj` per run, two raw bytes
                    // a glyph (ShowText would write one hex string per glyph).
                    let data = gids.iter().flat_map(|g| g.to_be_bytes()).collect();
                    let value = vec![DictItem::String { data, literal: true }];
                    self.ops.push(Op::Unknown { key: "Tj".into(), value });
                }
            }
            Item::Fill { x, y, w, h: bh, color: c } => {
                self.text_mode(false);
                self.fill(*c);
                self.rect(*x, *y, *w, *bh, PaintMode::Fill);
            }
            Item::Frame { x, y, w, h: bh, color: c, width, dashed } => {
                self.text_mode(false);
                self.stroke(*c, *width);
                if *dashed {
                    self.ops.push(Op::SetLineDashPattern {
                        dash: LineDashPattern::new(0.0, &[3.0, 2.0]),
                    });
                }
                self.rect(*x, *y, *w, *bh, PaintMode::Stroke);
                if *dashed {
                    self.ops.push(Op::SetLineDashPattern { dash: LineDashPattern::solid() });
                }
            }
            Item::Line { x1, y1, x2, y2, color: c, width } => {
                self.text_mode(false);
                self.stroke(*c, *width);
                let line =
                    Line { points: vec![point(*x1, h - y1), point(*x2, h - y2)], is_closed: false };
                self.ops.push(Op::DrawLine { line });
            }
            Item::Missing { x, y, w, size, chars } => {
                self.text_mode(false);
                self.stroke(st::MISSING, 0.6);
                let n = chars.chars().count().max(1);
                let each = w / n as f32;
                for (i, c) in chars.chars().enumerate() {
                    missing.push(c);
                    let bx = x + i as f32 * each + 0.1 * each;
                    self.rect(bx, y - 0.72 * size, each * 0.8, 0.72 * size, PaintMode::Stroke);
                }
            }
            Item::Link { x, y, w, h: bh, target } => {
                let actions = match target {
                    Target::Uri(uri) => Actions::Uri(uri.clone()),
                    Target::Heading(slug) => match slugs.get(slug) {
                        Some(&(page, top)) => Actions::Goto(Destination::Xyz {
                            page,
                            left: Some(0.0),
                            top: Some(top + 4.0),
                            zoom: None,
                        }),
                        None => return,
                    },
                };
                let rect = Rect::from_xywh(Pt(*x), Pt(h - y - bh), Pt(*w), Pt(*bh));
                let link = LinkAnnotation::new(
                    rect,
                    actions,
                    Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                    Some(ColorArray::Transparent),
                    None,
                );
                self.ops.push(Op::LinkAnnotation { link });
            }
            Item::Anchor { .. } => {}
        }
    }

    fn finish(mut self) -> Vec<Op> {
        self.text_mode(false);
        self.ops
    }
}

/// A name for each face the pages use. It doubles as the six-letter subset tag of the
/// embedded font (`ABCDEF+DejaVuSans`), so it is derived from the face and the glyphs
/// used: the same subset always gets the same tag, a different one (almost surely) not.
fn font_names(used: &BTreeMap<FaceId, BTreeMap<u16, char>>) -> BTreeMap<FaceId, String> {
    let mut names = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (&face, glyphs) in used {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(face);
        for &g in glyphs.keys() {
            for b in g.to_be_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        loop {
            let name: String =
                (0..6).map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char).collect();
            if taken.insert(name.clone()) {
                names.insert(face, name);
                break;
            }
            h = h.rotate_left(7).wrapping_add(1);
        }
    }
    names
}

/// What printpdf writes that a report should not carry: a PDF/X version key (this is
/// no PDF/X file) and an empty identifier.
fn tidy(doc: &mut lopdf::Document) {
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(Ok(Object::Dictionary(info))) = info.map(|id| doc.get_object_mut(id)) {
        info.remove(b"GTS_PDFXVersion");
        info.remove(b"Identifier");
    }
}

/// A nested outline in reading order (printpdf's is flat and sorted by title).
fn outline(doc: &mut lopdf::Document, headings: &[Heading]) -> Result<(), Error> {
    if headings.is_empty() {
        return Ok(());
    }
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let root = doc.new_object_id();
    let ids: Vec<lopdf::ObjectId> = headings.iter().map(|_| doc.new_object_id()).collect();
    // Parent of each entry: the nearest earlier heading of a higher level.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(headings.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        while stack.last().is_some_and(|&j| headings[j].level >= h.level) {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> {
        (0..headings.len()).filter(|&i| parent[i] == p).collect()
    };
    let mut dicts: Vec<Dictionary> = Vec::with_capacity(headings.len());
    for (i, h) in headings.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", utf16(&h.title));
        d.set("Parent", Object::Reference(parent[i].map_or(root, |p| ids[p])));
        let page = pages.get(h.page).copied().ok_or_else(|| Error::Run("outline page".into()))?;
        d.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page),
                Object::Name(b"XYZ".to_vec()),
                Object::Integer(0),
                Object::Real(h.top + 4.0),
                Object::Null,
            ]),
        );
        dicts.push(d);
    }
    let link_siblings = |dicts: &mut Vec<Dictionary>, kids: &[usize]| {
        for (k, &i) in kids.iter().enumerate() {
            if k > 0 {
                dicts[i].set("Prev", Object::Reference(ids[kids[k - 1]]));
            }
            if let Some(&next) = kids.get(k + 1) {
                dicts[i].set("Next", Object::Reference(ids[next]));
            }
        }
    };
    for i in 0..headings.len() {
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            dicts[i].set("First", Object::Reference(ids[first]));
            dicts[i].set("Last", Object::Reference(ids[last]));
            dicts[i].set("Count", Object::Integer(kids.len() as i64));
        }
        link_siblings(&mut dicts, &kids);
    }
    let top = children(None);
    link_siblings(&mut dicts, &top);
    for (id, d) in ids.iter().zip(dicts) {
        doc.objects.insert(*id, Object::Dictionary(d));
    }
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    r.set("First", Object::Reference(ids[top[0]]));
    r.set("Last", Object::Reference(ids[top[top.len() - 1]]));
    r.set("Count", Object::Integer(top.len() as i64));
    doc.objects.insert(root, Object::Dictionary(r));
    let catalog = doc.catalog_mut().map_err(|e| Error::Run(format!("PDF catalog: {e}")))?;
    catalog.set("Outlines", Object::Reference(root));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    Ok(())
}

/// A PDF text string: UTF-16BE with a byte-order mark.
fn utf16(s: &str) -> Object {
    let mut bytes = vec![0xfe, 0xff];
    for u in s.encode_utf16() {
        bytes.extend(u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}
