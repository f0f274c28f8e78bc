//! The fonts a PDF is drawn with: DejaVu compiled into the binary, then the fallback fonts
//! the user configured, tried in order for each character.
//!
//! Widths come from `ttf-parser` (zero-copy, so looking at a 20 MB CJK collection costs
//! nothing until a glyph is used); printpdf only parses the faces a document actually
//! uses, when it embeds their subsets.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::error::Error;

/// A face slot. The first five are DejaVu; fallbacks follow from [`FIRST_FALLBACK`].
pub(super) type FaceId = u8;

pub(super) const REGULAR: FaceId = 0;
pub(super) const BOLD: FaceId = 1;
pub(super) const ITALIC: FaceId = 2;
pub(super) const BOLD_ITALIC: FaceId = 3;
pub(super) const MONO: FaceId = 4;
pub(super) const FIRST_FALLBACK: FaceId = 5;

/// Fixed resource names, so the bytes do not depend on printpdf's id counter.
const BUILTIN_NAMES: [&str; 5] = ["R", "B", "I", "BI", "M"];

/// Which DejaVu face a piece of text asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Variant {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    Mono,
}

impl Variant {
    pub(super) fn new(bold: bool, italic: bool, mono: bool) -> Self {
        match (mono, bold, italic) {
            (true, _, _) => Variant::Mono,
            (false, true, true) => Variant::BoldItalic,
            (false, true, false) => Variant::Bold,
            (false, false, true) => Variant::Italic,
            (false, false, false) => Variant::Regular,
        }
    }

    fn face(self) -> FaceId {
        match self {
            Variant::Regular => REGULAR,
            Variant::Bold => BOLD,
            Variant::Italic => ITALIC,
            Variant::BoldItalic => BOLD_ITALIC,
            Variant::Mono => MONO,
        }
    }
}

/// How one character is drawn: by which face, with which glyph, how wide (in em).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Glyph {
    pub face: FaceId,
    pub gid: u16,
    pub advance: f32,
}

pub(super) struct Face<'a> {
    pub name: String,
    pub bytes: &'a [u8],
    pub index: u32,
    pub parsed: ttf_parser::Face<'a>,
    units_per_em: f32,
}

impl Face<'_> {
    fn glyph(&self, id: FaceId, c: char) -> Option<Glyph> {
        let gid = self.parsed.glyph_index(c)?;
        if gid.0 == 0 {
            return None;
        }
        let advance = self.parsed.glyph_hor_advance(gid).unwrap_or(0) as f32 / self.units_per_em;
        Some(Glyph { face: id, gid: gid.0, advance })
    }
}

/// The bytes of the configured fallback fonts, read once; [`Fonts`] borrows them.
pub(super) struct FallbackFiles {
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// The largest fallback font read: the largest CJK font collections are about 40 MB.
const MAX_FONT_BYTES: u64 = 100_000_000;

impl FallbackFiles {
    pub(super) fn read(paths: &[PathBuf]) -> Result<Self, Error> {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let shown = path.display().to_string();
            // Said where it comes from: the path alone puzzled whoever copied it.
            let named = |message: String| Error::Read {
                path: shown.clone(),
                message: format!("{message} (a font named in [report.pdf] fallback-fonts)"),
            };
            let read_error = |e: std::io::Error| match Error::read(&shown, &e) {
                Error::Read { message, .. } => named(message),
                other => other,
            };
            // A regular file of a font's size: `/dev/zero` was read until memory ran out.
            let meta = std::fs::metadata(path).map_err(read_error)?;
            if !meta.is_file() {
                return Err(named("not a regular file".into()));
            }
            if meta.len() > MAX_FONT_BYTES {
                return Err(named(format!(
                    "{} MB, larger than any font ({} MB at most)",
                    meta.len() / 1_000_000,
                    MAX_FONT_BYTES / 1_000_000
                )));
            }
            let bytes = std::fs::read(path).map_err(read_error)?;
            files.push((path.clone(), bytes));
        }
        Ok(FallbackFiles { files })
    }
}

pub(super) struct Fonts<'a> {
    faces: Vec<Face<'a>>,
    ascii: [[Option<Glyph>; 128]; 5],
    cache: HashMap<(char, Variant), Option<Glyph>>,
}

fn parse<'a>(name: String, bytes: &'a [u8]) -> Option<Face<'a>> {
    let parsed = ttf_parser::Face::parse(bytes, 0).ok()?;
    let units_per_em = parsed.units_per_em() as f32;
    Some(Face { name, bytes, index: 0, parsed, units_per_em })
}

impl<'a> Fonts<'a> {
    pub(super) fn new(fallbacks: &'a FallbackFiles) -> Result<Self, Error> {
        let builtin: [&'static [u8]; 5] = [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::sans::bold_oblique(),
            dejavu::sans_mono::regular(),
        ];
        let mut faces = Vec::with_capacity(5 + fallbacks.files.len());
        for (bytes, name) in builtin.into_iter().zip(BUILTIN_NAMES) {
            let face = parse(name.to_string(), bytes)
                .ok_or_else(|| Error::Run("the built-in DejaVu font does not parse".into()))?;
            faces.push(face);
        }
        for (i, (path, bytes)) in fallbacks.files.iter().enumerate() {
            let face = parse(format!("X{}", i + 1), bytes).ok_or_else(|| Error::Read {
                path: path.display().to_string(),
                message: "not a TrueType or OpenType font (or collection)".into(),
            })?;
            faces.push(face);
        }
        Ok(Fonts { faces, ascii: [[None; 128]; 5], cache: HashMap::new() })
    }

    pub(super) fn face(&self, id: FaceId) -> &Face<'a> {
        &self.faces[id as usize]
    }

    /// The glyph for `c` in the face `variant` asks for, else in DejaVu Sans, else in the
    /// first fallback font that has it; `None` when no font has it.
    pub(super) fn glyph(&mut self, c: char, variant: Variant) -> Option<Glyph> {
        if c.is_ascii() {
            let slot = &mut self.ascii[variant.face() as usize][c as usize];
            if slot.is_none() {
                *slot = Self::lookup(&self.faces, c, variant);
            }
            return *slot;
        }
        if let Some(found) = self.cache.get(&(c, variant)) {
            return *found;
        }
        let found = Self::lookup(&self.faces, c, variant);
        self.cache.insert((c, variant), found);
        found
    }

    fn lookup(faces: &[Face<'a>], c: char, variant: Variant) -> Option<Glyph> {
        let first = variant.face();
        let order = std::iter::once(first)
            .chain((first != REGULAR).then_some(REGULAR))
            .chain(FIRST_FALLBACK..faces.len() as FaceId);
        order.into_iter().find_map(|id| faces[id as usize].glyph(id, c))
    }
}

/// Which font to suggest for characters none of the configured fonts has.
pub(super) fn suggest_font(c: char) -> &'static str {
    match c as u32 {
        0x1100..=0x11FF
        | 0x2E80..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF => "Noto Sans CJK",
        0x0900..=0x097F => "Noto Sans Devanagari",
        0x0980..=0x09FF => "Noto Sans Bengali",
        0x0E00..=0x0E7F => "Noto Sans Thai",
        0x1F000..=0x1FAFF | 0x2600..=0x27BF => "Noto Emoji (the monochrome outline font)",
        _ => "Noto Sans",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_latin_greek_cyrillic_and_falls_back_to_regular() {
        let none = FallbackFiles { files: Vec::new() };
        let mut fonts = Fonts::new(&none).unwrap();
        for c in ['A', 'é', 'Ω', 'Ж', '→', '✓'] {
            assert!(fonts.glyph(c, Variant::Regular).is_some(), "{c}");
        }
        let a = fonts.glyph('a', Variant::Mono).unwrap();
        assert_eq!(a.face, MONO);
        assert!((a.advance - 0.602).abs() < 0.01, "{}", a.advance);
        assert!(fonts.glyph('東', Variant::Regular).is_none());
        assert!(fonts.glyph('🔴', Variant::Bold).is_none());
    }

    #[test]
    fn suggestions_name_a_font_for_the_script() {
        assert_eq!(suggest_font('東'), "Noto Sans CJK");
        assert_eq!(suggest_font('ก'), "Noto Sans Thai");
    }
}
