//! PDF reports, laid out from the same Markdown the templates produce.
//!
//! The pipeline: Markdown (pulldown-cmark, GitHub extensions) → blocks (`markdown`) →
//! stripes, the box model (`layout`, `table`, `text`, `boxes`) → pages (`paginate`) →
//! PDF (`emit`, on printpdf and lopdf). Fonts are DejaVu, compiled in, plus the
//! configured fallbacks (`fonts`). The output is a pure function of the input: the same
//! Markdown and options give the same bytes on every run and every machine.

mod autolink;
mod boxes;
mod chart;
mod embed;
mod emit;
mod fonts;
mod layout;
mod markdown;
mod paginate;
mod sfnt;
mod style;
mod table;
mod text;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::boxes::{line_items, Item};
use self::fonts::{FallbackFiles, Fonts, Variant};
use self::text::{shape, Run, RunStyle};
use crate::error::Error;

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageSize {
    #[default]
    A4,
    Letter,
}

impl PageSize {
    /// Width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.276, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PdfOptions {
    /// Header left and the document title, e.g. "Program report".
    pub title: String,
    /// Header right, e.g. "Acme Analytics · 2026-W48".
    pub subtitle: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Creation and modification dates, and the footer's "Data as of" date.
    pub as_of: DateTime<Utc>,
    /// How fresh the data is, for the footer ("Data as of"); `as_of` when unknown.
    pub data_as_of: Option<DateTime<Utc>>,
    /// The time zone the footer's date is read in (UTC when none).
    pub timezone: Option<chrono_tz::Tz>,
    pub page: PageSize,
    /// All four margins, in millimetres (clamped to 5–60).
    pub margin_mm: f32,
    /// TrueType/OpenType fonts (or collections) tried, in order, for characters DejaVu
    /// lacks, e.g. Noto Sans CJK.
    pub fallback_fonts: Vec<PathBuf>,
    /// The language of the text, for screen readers and text-to-speech: a BCP 47 tag
    /// (`en`, `de-CH`), the catalog's `/Lang`.
    pub lang: String,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            title: "Report".into(),
            subtitle: String::new(),
            author: "rolecall".into(),
            subject: String::new(),
            keywords: Vec::new(),
            as_of: DateTime::<Utc>::UNIX_EPOCH,
            data_as_of: None,
            timezone: None,
            page: PageSize::A4,
            margin_mm: 18.0,
            fallback_fonts: Vec::new(),
            lang: "en".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters drawn as a box because no font has them.
    pub missing_glyphs: usize,
}

const MM: f32 = 72.0 / 25.4;

/// Lays out `markdown` and writes it as a PDF.
pub fn render(markdown: &str, opts: &PdfOptions) -> Result<PdfOutput, Error> {
    let files = FallbackFiles::read(&opts.fallback_fonts)?;
    let mut fonts = Fonts::new(&files)?;
    let (width, height) = opts.page.points();
    let margin = opts.margin_mm.clamp(5.0, 60.0) * MM;
    let (body_width, body_height) = (width - 2.0 * margin, height - 2.0 * margin);

    let mut doc = markdown::parse(markdown);
    autolink::autolink(&mut doc);
    let mut ctx = layout::Ctx::new(&mut fonts, &doc.links, body_height);
    ctx.layout(&doc.blocks, body_width);
    let flow = std::mem::take(&mut ctx.flow);
    let mut pages = paginate::paginate(flow, margin, margin, body_height);
    decorate(&mut pages, &mut fonts, opts, (width, height), margin);

    let n = pages.len();
    let written = emit::write(pages, &fonts, opts, (width, height), fingerprint(markdown, opts))?;
    if !written.missing.is_empty() {
        warn_missing(&written.missing);
    }
    Ok(PdfOutput { bytes: written.bytes, pages: n, missing_glyphs: written.missing.len() })
}

/// The running header (title left, subtitle right, a thin rule) and footer ("Data as of"
/// left, "Page X of Y" right) on every page.
fn decorate(
    pages: &mut [Vec<Item>],
    fonts: &mut Fonts<'_>,
    opts: &PdfOptions,
    (width, height): (f32, f32),
    margin: f32,
) {
    let body = width - 2.0 * margin;
    let header_y = (margin - 16.0).max(10.0);
    let rule_y = header_y + 5.5;
    let footer_y = height - (margin - 20.0).max(8.0);
    let when = opts.data_as_of.unwrap_or(opts.as_of);
    let day = match opts.timezone {
        Some(tz) => when.with_timezone(&tz).date_naive(),
        None => when.date_naive(),
    };
    let date = format!("Data as of {}", day.format("%Y-%m-%d"));
    let total = pages.len();
    let title = one_line(fonts, &opts.title, Variant::Bold, 8.5, style::HEADING, body * 0.6);
    let subtitle = one_line(fonts, &opts.subtitle, Variant::Regular, 8.5, style::MUTED, body * 0.4);
    let left = one_line(fonts, &date, Variant::Regular, 8.0, style::MUTED, body * 0.5);
    for (p, page) in pages.iter_mut().enumerate() {
        let mut items = Vec::new();
        if let Some(t) = &title {
            line_items(t.clone(), margin, header_y, &[], &mut items);
        }
        if let Some(s) = &subtitle {
            line_items(s.clone(), width - margin - s.width, header_y, &[], &mut items);
        }
        items.push(Item::Line {
            x1: margin,
            y1: rule_y,
            x2: width - margin,
            y2: rule_y,
            color: style::RULE,
            width: 0.6,
        });
        if let Some(l) = &left {
            line_items(l.clone(), margin, footer_y, &[], &mut items);
        }
        let number = format!("Page {} of {}", p + 1, total);
        if let Some(r) = one_line(fonts, &number, Variant::Regular, 8.0, style::MUTED, body * 0.5) {
            let rx = width - margin - r.width;
            line_items(r, rx, footer_y, &[], &mut items);
        }
        page.extend(items);
    }
}

/// `text` set on one line, cut to `max` points.
fn one_line(
    fonts: &mut Fonts<'_>,
    text: &str,
    variant: Variant,
    size: f32,
    color: style::Rgb,
    max: f32,
) -> Option<text::Line> {
    let style = RunStyle { variant, size, color, strike: false, background: None, link: None };
    let line = |fonts: &mut Fonts<'_>, t: String| {
        let shaped = shape(&[Run { text: t, style }], fonts);
        (shaped.max_width() <= max).then(|| shaped.wrap(max).into_iter().next()).flatten()
    };
    let flat = text.replace('\n', " ");
    if let Some(l) = line(fonts, flat.clone()) {
        return Some(l);
    }
    // Too long for its place: cut with `…`, keeping what follows the last ` · ` (the
    // week, after an organisation's long name), rather than losing the end unmarked.
    let (head, tail) = match flat.rfind(" · ") {
        Some(at) => (&flat[..at], &flat[at..]),
        None => (flat.as_str(), ""),
    };
    // A header holds about a hundred characters: longer ones need not be tried.
    let chars: Vec<char> = head.chars().take(300).collect();
    for keep in (0..chars.len()).rev() {
        let cut: String = chars[..keep].iter().collect();
        if let Some(l) = line(fonts, format!("{}…{tail}", cut.trim_end())) {
            return Some(l);
        }
    }
    let shaped = shape(&[Run { text: flat, style }], fonts);
    shaped.wrap(max).into_iter().next()
}

fn warn_missing(missing: &[char]) {
    let mut distinct: Vec<char> = Vec::new();
    for c in missing {
        if !distinct.contains(c) {
            distinct.push(*c);
        }
    }
    let examples: String =
        distinct.iter().take(8).map(|c| format!("{c} U+{:04X}, ", *c as u32)).collect();
    let mut fonts: Vec<&str> = distinct.iter().map(|c| fonts::suggest_font(*c)).collect();
    fonts.dedup();
    fonts.sort_unstable();
    fonts.dedup();
    tracing::warn!(
        "PDF: {} character(s) have no glyph in the embedded fonts and are drawn as boxes \
         ({}…); add a font that has them to the PDF fallback fonts, e.g. {}",
        missing.len(),
        examples.trim_end_matches(", "),
        fonts.join(", ")
    );
}

/// A hash of everything that decides the document's content, for the trailer `/ID`.
fn fingerprint(markdown: &str, opts: &PdfOptions) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(markdown.as_bytes());
    for s in [&opts.title, &opts.subtitle, &opts.author, &opts.subject] {
        eat(s.as_bytes());
    }
    for k in &opts.keywords {
        eat(k.as_bytes());
    }
    eat(&opts.as_of.timestamp().to_le_bytes());
    eat(&[opts.page as u8]);
    eat(&opts.margin_mm.to_le_bytes());
    for f in &opts.fallback_fonts {
        eat(f.to_string_lossy().as_bytes());
    }
    eat(opts.lang.as_bytes());
    h
}
