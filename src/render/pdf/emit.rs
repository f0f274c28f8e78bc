//! Pages of items → PDF bytes through printpdf, then lopdf for what printpdf does not do
//! the way a report needs: a nested outline in reading order, a content-derived `/ID`.
//!
//! Everything that ends up in the file is a function of the input: fonts are registered
//! under fixed names, dates come from `as_of`, the `/ID` is a hash of the document.

use std::collections::{BTreeSet, HashMap};

use lopdf::{Dictionary, Object, StringFormat};
use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, FontId, Line, LineDashPattern,
    LinePoint, LinkAnnotation, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, TextItem, TextMatrix,
    WindingOrder,
};

use super::boxes::{Item, Target};
use super::fonts::{FaceId, Fonts};
use super::style::{self as st, Rgb};
use super::PdfOptions;
use crate::error::Error;

pub struct Written {
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

pub fn write(
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

    let mut used = BTreeSet::new();
    let mut missing = Vec::new();
    for page in &pages {
        let mut painter = Painter::new(height);
        for item in page {
            painter.item(item, &slugs, &mut used, &mut missing);
        }
        doc.pages.push(PdfPage {
            media_box: Rect::from_wh(Pt(width), Pt(height)),
            trim_box: Rect::from_wh(Pt(width), Pt(height)),
            crop_box: Rect::from_wh(Pt(width), Pt(height)),
            ops: painter.finish(),
        });
    }

    // Only the faces a page uses are parsed and embedded (as subsets).
    for face in used {
        let f = fonts.face(face);
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(f.bytes, f.index as usize, &mut warnings)
            .ok_or_else(|| Error::Run(format!("font {} cannot be embedded", f.name)))?;
        doc.resources.fonts.map.insert(FontId(f.name.clone()), PdfFont::new(parsed));
    }

    let info = &mut doc.metadata.info;
    let date = printpdf::OffsetDateTime::from_unix_timestamp(opts.as_of.timestamp())
        .map_err(|e| Error::Run(format!("as-of date out of range: {e}")))?;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.document_title = opts.title.clone();
    info.author = opts.author.clone();
    info.subject = opts.subject.clone();
    info.keywords = opts.keywords.clone();
    info.creator = "rolecall".into();
    info.producer = concat!("rolecall ", env!("CARGO_PKG_VERSION"), " (printpdf)").into();

    let save = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&save, &mut warnings);
    outline(&mut lo, &headings)?;
    let id_bytes =
        [fingerprint.to_be_bytes(), (!fingerprint).rotate_left(17).to_be_bytes()].concat();
    let id = Object::String(id_bytes, StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| Error::Run(format!("cannot write the PDF: {e}")))?;
    Ok(Written { bytes, missing })
}

/// Turns items into content-stream operations, setting state only when it changes.
struct Painter {
    height: f32,
    ops: Vec<Op>,
    in_text: bool,
    font: Option<(FaceId, f32)>,
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb { r: c.0, g: c.1, b: c.2, icc_profile: None })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false }
}

impl Painter {
    fn new(height: f32) -> Self {
        Painter { height, ops: Vec::new(), in_text: false, font: None, fill: None, stroke: None }
    }

    fn text_mode(&mut self, on: bool) {
        if on != self.in_text {
            self.ops.push(if on { Op::StartTextSection } else { Op::EndTextSection });
            self.in_text = on;
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
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.stroke = Some((c, width));
        }
    }

    fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, mode: PaintMode) {
        let mut r = Rect::from_xywh(Pt(x), Pt(self.height - top - h), Pt(w), Pt(h));
        r.mode = Some(mode);
        self.ops.push(Op::DrawRectangle { rectangle: r });
    }

    fn item(
        &mut self,
        item: &Item,
        slugs: &HashMap<String, (usize, f32)>,
        used: &mut BTreeSet<FaceId>,
        missing: &mut Vec<char>,
    ) {
        let h = self.height;
        match item {
            Item::Text { x, y, face, size, color: c, text, gids } => {
                self.text_mode(true);
                if self.font != Some((*face, *size)) {
                    let name = FontId(face_name(*face));
                    self.ops
                        .push(Op::SetFont { font: PdfFontHandle::External(name), size: Pt(*size) });
                    self.font = Some((*face, *size));
                }
                used.insert(*face);
                self.fill(*c);
                self.ops
                    .push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(*x), Pt(h - y)) });
                let glyphs = text
                    .chars()
                    .zip(gids)
                    .map(|(c, gid)| Codepoint { gid: *gid, offset: 0.0, cid: Some(c.to_string()) })
                    .collect();
                self.ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
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
            Item::Dot { cx, cy, r, color: c } => {
                self.text_mode(false);
                self.fill(*c);
                let polygon = Polygon {
                    rings: vec![PolygonRing { points: circle(*cx, h - cy, *r) }],
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                };
                self.ops.push(Op::DrawPolygon { polygon });
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

pub fn face_name(face: FaceId) -> String {
    match face {
        0 => "R".into(),
        1 => "B".into(),
        2 => "I".into(),
        3 => "BI".into(),
        4 => "M".into(),
        n => format!("X{}", n - 4),
    }
}

/// A circle as four Bézier arcs.
fn circle(cx: f32, cy: f32, r: f32) -> Vec<LinePoint> {
    let k = 0.552_284_8 * r;
    let on = |x: f32, y: f32| point(cx + x, cy + y);
    let ctl = |x: f32, y: f32| LinePoint { bezier: true, ..point(cx + x, cy + y) };
    vec![
        on(r, 0.0),
        ctl(r, k),
        ctl(k, r),
        on(0.0, r),
        ctl(-k, r),
        ctl(-r, k),
        on(-r, 0.0),
        ctl(-r, -k),
        ctl(-k, -r),
        on(0.0, -r),
        ctl(k, -r),
        ctl(r, -k),
        on(r, 0.0),
    ]
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
