//! Inline text: styled runs → measured characters → lines that fit a width.
//!
//! Break opportunities are UAX #14 (`unicode-linebreak`); a word wider than the line
//! (a long URL, a 300-character identifier) is broken between characters instead of
//! overflowing. Characters are measured in the face that will draw them, so the lines
//! the layout computes are the lines the reader sees.

use super::fonts::{FaceId, Fonts, Variant};
use super::style::Rgb;

/// How one run of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RunStyle {
    pub variant: Variant,
    pub size: f32,
    pub color: Rgb,
    pub strike: bool,
    /// A shaded box behind the text (inline code).
    pub background: Option<Rgb>,
    pub link: Option<usize>,
}

#[derive(Debug, Clone)]
pub(super) struct Run {
    pub text: String,
    pub style: RunStyle,
}

/// An emoji drawn as a coloured DejaVu glyph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Symbol {
    pub glyph: char,
    pub color: Rgb,
    pub face: FaceId,
    pub gid: u16,
    /// Size relative to the text.
    pub scale: f32,
    /// Advance of the glyph, in em.
    pub advance: f32,
}

/// What a measured character becomes on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Glyph {
        face: FaceId,
        gid: u16,
    },
    /// 🔴 🟠 🟢 ✅ … drawn as a coloured glyph (see [`symbol`]).
    Symbol(Symbol),
    /// No font has it: a hollow box, counted as a missing glyph.
    Missing,
    /// Zero width and not drawn: joiners, variation selectors, controls.
    Ignored,
    Newline,
}

#[derive(Debug, Clone, Copy)]
struct Char {
    c: char,
    kind: Kind,
    width: f32,
    run: u32,
}

/// A paragraph's characters, measured once and wrapped at any width (tables ask for
/// their minimum and maximum widths before they choose one).
pub(super) struct Shaped {
    chars: Vec<Char>,
    styles: Vec<RunStyle>,
    /// Char index where a new line may start, and whether it must.
    breaks: Vec<(usize, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum FragKind {
    Text {
        face: FaceId,
        text: String,
        gids: Vec<u16>,
    },
    /// A coloured glyph of `size` points, centred in the fragment.
    Symbol {
        symbol: Symbol,
        size: f32,
    },
    Missing(String),
}

/// A piece of a line in one style, `x` from the line's start.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Frag {
    pub x: f32,
    pub width: f32,
    pub kind: FragKind,
    pub style: RunStyle,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Line {
    pub width: f32,
    /// The largest font size on the line.
    pub size: f32,
    pub frags: Vec<Frag>,
}

/// Emoji that reports use as status marks, drawn as a coloured glyph DejaVu has: the
/// round status dots (🔴 🟠 🟢 …) as ●, squares as ■, ✅ as ✔, ❌ as ✘, ⭐ as ★.
/// Returns the glyph, its colour and its size relative to the text.
fn symbol(c: char) -> Option<(char, Rgb, f32)> {
    const RED: u32 = 0xd62d20;
    const ORANGE: u32 = 0xf08c00;
    const YELLOW: u32 = 0xf2c200;
    const GREEN: u32 = 0x2f9e44;
    const BLUE: u32 = 0x1c7ed6;
    const PURPLE: u32 = 0x7048e8;
    const BROWN: u32 = 0x8d5524;
    const BLACK: u32 = 0x222222;
    const WHITE: u32 = 0xdddddd;
    let (glyph, color, scale) = match c {
        '🔴' => ('●', RED, 0.95),
        '🟠' => ('●', ORANGE, 0.95),
        '🟡' => ('●', YELLOW, 0.95),
        '🟢' => ('●', GREEN, 0.95),
        '🔵' => ('●', BLUE, 0.95),
        '🟣' => ('●', PURPLE, 0.95),
        '🟤' => ('●', BROWN, 0.95),
        '⚫' => ('●', BLACK, 0.95),
        '⚪' => ('●', WHITE, 0.95),
        '🟥' => ('■', RED, 0.9),
        '🟧' => ('■', ORANGE, 0.9),
        '🟨' => ('■', YELLOW, 0.9),
        '🟩' => ('■', GREEN, 0.9),
        '🟦' => ('■', BLUE, 0.9),
        '🟪' => ('■', PURPLE, 0.9),
        '🟫' => ('■', BROWN, 0.9),
        '⬛' => ('■', BLACK, 0.9),
        '⬜' => ('■', WHITE, 0.9),
        '✅' => ('✔', GREEN, 1.0),
        '❌' => ('✘', RED, 1.0),
        '⭐' => ('★', ORANGE, 1.0),
        _ => return None,
    };
    Some((glyph, Rgb::hex(color), scale))
}

fn ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x08 | 0x0B..=0x1F | 0x7F..=0x9F | 0xAD | 0x034F | 0x061C | 0x115F | 0x1160
        | 0x17B4 | 0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xFFF0..=0xFFF8 | 0x1F3FB..=0x1F3FF
        | 0xE0000..=0xE0FFF)
}

pub(super) fn shape(runs: &[Run], fonts: &mut Fonts<'_>) -> Shaped {
    let mut text = String::new();
    let mut chars = Vec::new();
    let mut byte_to_char = Vec::new();
    let mut styles = Vec::with_capacity(runs.len());
    for (r, run) in runs.iter().enumerate() {
        styles.push(run.style);
        let size = run.style.size;
        for c in run.text.chars() {
            // A tab in running text is a space; code blocks expand tabs before this.
            let c = if c == '\t' || c == '\r' { ' ' } else { c };
            // "🟠 Amber" is one token: no line break between the dot and its word.
            let after_symbol = matches!(chars.last(), Some(Char { kind: Kind::Symbol(_), .. }));
            let c = if c == ' ' && after_symbol { '\u{A0}' } else { c };
            let drawn_as = symbol(c).and_then(|(glyph, color, scale)| {
                let g = fonts.glyph(glyph, Variant::Regular)?;
                let symbol =
                    Symbol { glyph, color, face: g.face, gid: g.gid, scale, advance: g.advance };
                Some((symbol, (g.advance * scale + 0.15) * size))
            });
            let (kind, width) = if c == '\n' {
                (Kind::Newline, 0.0)
            } else if let Some((symbol, width)) = drawn_as {
                (Kind::Symbol(symbol), width)
            } else if ignorable(c) {
                (Kind::Ignored, 0.0)
            } else if let Some(g) = fonts.glyph(c, run.style.variant) {
                (Kind::Glyph { face: g.face, gid: g.gid }, g.advance * size)
            } else {
                (Kind::Missing, 0.6 * size)
            };
            byte_to_char.resize(text.len(), usize::MAX);
            byte_to_char.push(chars.len());
            text.push(c);
            chars.push(Char { c, kind, width, run: r as u32 });
        }
    }
    byte_to_char.resize(text.len(), usize::MAX);
    byte_to_char.push(chars.len());
    let breaks = unicode_linebreak::linebreaks(&text)
        .map(|(byte, op)| {
            (byte_to_char[byte], op == unicode_linebreak::BreakOpportunity::Mandatory)
        })
        .collect();
    Shaped { chars, styles, breaks }
}

fn is_space(c: &Char) -> bool {
    matches!(c.kind, Kind::Newline | Kind::Ignored) || c.c.is_whitespace()
}

impl Shaped {
    /// The width of everything on one line (hard breaks still break).
    pub(super) fn max_width(&self) -> f32 {
        self.segments()
            .fold((0.0f32, 0.0f32), |(best, line), (a, b, hard)| {
                let line = line + self.width(a, b);
                if hard {
                    (best.max(line - self.trailing(a, b)), 0.0)
                } else {
                    (best.max(line - self.trailing(a, b)), line)
                }
            })
            .0
    }

    /// The widest word: no narrower width avoids breaking inside words.
    pub(super) fn min_width(&self) -> f32 {
        self.segments().map(|(a, b, _)| self.width(a, b) - self.trailing(a, b)).fold(0.0, f32::max)
    }

    fn segments(&self) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
        let mut start = 0;
        self.breaks.iter().filter_map(move |&(end, hard)| {
            if end <= start && !hard {
                return None;
            }
            let seg = (start, end.max(start), hard);
            start = end.max(start);
            Some(seg)
        })
    }

    fn width(&self, a: usize, b: usize) -> f32 {
        self.chars[a..b].iter().map(|c| c.width).sum()
    }

    fn trailing(&self, a: usize, b: usize) -> f32 {
        self.chars[a..b].iter().rev().take_while(|c| is_space(c)).map(|c| c.width).sum()
    }

    /// Greedy line filling at `max` points.
    pub(super) fn wrap(&self, max: f32) -> Vec<Line> {
        let max = max.max(1.0);
        let mut lines = Vec::new();
        let mut start = 0;
        let mut x = 0.0;
        for (a, b, hard) in self.segments() {
            let visible = self.width(a, b) - self.trailing(a, b);
            if a > start && x + visible > max + 0.01 {
                lines.push(self.line(start, a));
                start = a;
                x = 0.0;
            }
            if visible > max + 0.01 {
                // One word wider than the line: break between characters.
                let mut i = a;
                while i < b {
                    let w = self.chars[i].width;
                    if x + w > max + 0.01 && i > start {
                        lines.push(self.line(start, i));
                        start = i;
                        x = 0.0;
                    }
                    x += w;
                    i += 1;
                }
            } else {
                x += self.width(a, b);
            }
            if hard {
                if b > start || self.chars.get(b.saturating_sub(1)).is_some_and(|c| c.c == '\n') {
                    lines.push(self.line(start, b));
                }
                start = b;
                x = 0.0;
            }
        }
        if start < self.chars.len() {
            lines.push(self.line(start, self.chars.len()));
        }
        // A trailing hard break or an empty paragraph leaves empty lines at the end.
        while lines.last().is_some_and(|l: &Line| l.frags.is_empty()) && lines.len() > 1 {
            lines.pop();
        }
        if lines.len() == 1 && lines[0].frags.is_empty() {
            lines.clear();
        }
        lines
    }

    fn line(&self, mut a: usize, mut b: usize) -> Line {
        while b > a && is_space(&self.chars[b - 1]) {
            b -= 1;
        }
        // Spaces after a hard break ("end<br> next") do not indent the next line.
        while a > 0 && a < b && self.chars[a].c == ' ' {
            a += 1;
        }
        let mut line = Line::default();
        let mut x = 0.0;
        for ch in visual_order(&self.chars[a..b]) {
            let style = self.styles[ch.run as usize];
            line.size = line.size.max(style.size);
            match ch.kind {
                Kind::Ignored | Kind::Newline => continue,
                Kind::Symbol(symbol) => {
                    let kind = FragKind::Symbol { symbol, size: symbol.scale * style.size };
                    line.frags.push(Frag { x, width: ch.width, kind, style });
                }
                Kind::Missing => match line.frags.last_mut() {
                    Some(Frag { kind: FragKind::Missing(s), width, style: st, .. })
                        if *st == style =>
                    {
                        s.push(ch.c);
                        *width += ch.width;
                    }
                    _ => line.frags.push(Frag {
                        x,
                        width: ch.width,
                        kind: FragKind::Missing(ch.c.to_string()),
                        style,
                    }),
                },
                Kind::Glyph { face, gid } => match line.frags.last_mut() {
                    Some(Frag {
                        kind: FragKind::Text { face: f, text, gids },
                        width,
                        style: st,
                        ..
                    }) if *f == face && *st == style => {
                        text.push(ch.c);
                        gids.push(gid);
                        *width += ch.width;
                    }
                    _ => line.frags.push(Frag {
                        x,
                        width: ch.width,
                        kind: FragKind::Text { face, text: ch.c.to_string(), gids: vec![gid] },
                        style,
                    }),
                },
            }
            x += ch.width;
        }
        line.width = x;
        if line.size == 0.0 {
            line.size = self.styles.first().map_or(0.0, |s| s.size);
        }
        line
    }
}

/// Hebrew and Arabic are written right to left: each run of such words inside a line is
/// drawn reversed. (Only the reordering of the Unicode bidi algorithm for a left-to-right
/// paragraph; Arabic letters are not joined, which needs shaping.)
fn visual_order(chars: &[Char]) -> Vec<&Char> {
    let rtl = |c: &Char| {
        matches!(c.c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
            && !matches!(c.kind, Kind::Ignored)
    };
    let mut out: Vec<&Char> = chars.iter().collect();
    if !chars.iter().any(rtl) {
        return out;
    }
    let mut i = 0;
    while i < out.len() {
        if !rtl(out[i]) {
            i += 1;
            continue;
        }
        // The run goes on over spaces and punctuation while more right-to-left text follows.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < out.len() && (rtl(out[j]) || !out[j].c.is_alphanumeric()) {
            if rtl(out[j]) {
                end = j + 1;
            }
            j += 1;
        }
        out[i..end].reverse();
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fonts::FallbackFiles;
    use super::*;

    fn style(size: f32) -> RunStyle {
        RunStyle {
            variant: Variant::Regular,
            size,
            color: Rgb::hex(0),
            strike: false,
            background: None,
            link: None,
        }
    }

    fn run(text: &str) -> Run {
        Run { text: text.into(), style: style(10.0) }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.frags
                    .iter()
                    .map(|f| match &f.kind {
                        FragKind::Text { text, .. } => text.clone(),
                        FragKind::Symbol { symbol, .. } => symbol.glyph.into(),
                        FragKind::Missing(s) => format!("[{s}]"),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_breaks_huge_words() {
        let none = FallbackFiles::read(&[]).unwrap();
        let mut fonts = Fonts::new(&none).unwrap();
        let shaped = shape(&[run("aaaa bbbb cccc")], &mut fonts);
        let one = shaped.max_width();
        assert!(one > 60.0 && one < 90.0, "{one}");
        assert_eq!(texts(&shaped.wrap(one)), vec!["aaaa bbbb cccc"]);
        assert_eq!(texts(&shaped.wrap(one * 0.7)), vec!["aaaa bbbb", "cccc"]);
        let long = shape(&[run(&"x".repeat(100))], &mut fonts);
        let lines = long.wrap(50.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| l.width <= 50.01));
        assert!(long.min_width() > 300.0);
    }

    #[test]
    fn hard_breaks_dots_and_missing_glyphs() {
        let none = FallbackFiles::read(&[]).unwrap();
        let mut fonts = Fonts::new(&none).unwrap();
        let shaped = shape(&[run("🔴 Red\nnext 東京\u{200D}")], &mut fonts);
        assert_eq!(texts(&shaped.wrap(500.0)), vec!["●\u{a0}Red", "next [東京]"]);
        let shaped = shape(&[run("a עברית, שלום b")], &mut fonts);
        assert_eq!(texts(&shaped.wrap(500.0)), vec!["a םולש ,תירבע b"]);
        let shaped = shape(&[run("✅ done ❌ failed 🟩<br>\n  after")], &mut fonts);
        assert_eq!(texts(&shaped.wrap(500.0)), vec!["✔\u{a0}done ✘\u{a0}failed ■<br>", "after"]);
        assert!(shape(&[run("")], &mut fonts).wrap(100.0).is_empty());
        assert!(shape(&[run("  \n ")], &mut fonts).wrap(100.0).is_empty());
    }
}
