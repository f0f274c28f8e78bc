//! The box model between layout and pages.
//!
//! Layout turns blocks into a flow of *stripes*: full-width horizontal slices that are
//! never split across pages (one line of a paragraph, one table row, one line of code).
//! Pagination only stacks stripes, so every page break falls between lines or rows, a
//! heading can ask to stay with what follows it, and a table row can name the header
//! stripe to repeat above it on a new page.

use super::fonts::FaceId;
use super::style::Rgb;
use super::text::{FragKind, Line};

/// Something drawn. Coordinates are points from the left and top edges of the stripe
/// (after pagination: of the page); `y` is the top of a box or the baseline of text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    Text {
        x: f32,
        y: f32,
        face: FaceId,
        size: f32,
        color: Rgb,
        text: String,
        gids: Vec<u16>,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
        width: f32,
        dashed: bool,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    /// Characters no font has, drawn as hollow boxes and counted.
    Missing {
        x: f32,
        y: f32,
        w: f32,
        size: f32,
        chars: String,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        target: Target,
    },
    /// A heading: an outline entry and the destination of `#slug` links.
    Anchor {
        y: f32,
        level: u8,
        title: String,
        slug: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    Uri(String),
    /// A heading's slug, resolved to a page once pages exist.
    Heading(String),
}

impl Item {
    pub(super) fn is_anchor(&self) -> bool {
        matches!(self, Item::Anchor { .. })
    }

    /// The same item moved down by `dy` and right by `dx`.
    pub(super) fn shifted(mut self, dx: f32, dy: f32) -> Item {
        match &mut self {
            Item::Text { x, y, .. }
            | Item::Fill { x, y, .. }
            | Item::Frame { x, y, .. }
            | Item::Missing { x, y, .. }
            | Item::Link { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Item::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Anchor { y, .. } => *y += dy,
        }
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Stripe {
    pub height: f32,
    pub items: Vec<Item>,
    /// Vertical space between blocks: dropped at the top of a page.
    pub spacer: bool,
    /// Start a new page rather than end a page with this stripe.
    pub keep_with_next: bool,
    /// The header stripe (index into [`Flow::headers`]) to repeat above this one when it
    /// starts a page.
    pub header: Option<usize>,
    /// Baseline of the first text line, for list markers.
    pub baseline: Option<f32>,
}

impl Stripe {
    pub(super) fn spacer(height: f32) -> Stripe {
        Stripe { height, spacer: true, ..Stripe::default() }
    }
}

#[derive(Debug, Default)]
pub(super) struct Flow {
    pub stripes: Vec<Stripe>,
    pub headers: Vec<Stripe>,
}

/// Where a line's text baseline sits in a line box of height `h`.
pub(super) fn baseline(h: f32, size: f32) -> f32 {
    h / 2.0 + 0.33 * size
}

/// The items that draw `line` with its left edge at `x` and baseline at `y`: shaded
/// backgrounds first, then text, then strike-throughs and link areas.
pub(super) fn line_items(
    line: Line,
    x: f32,
    y: f32,
    links: &[Option<Target>],
    out: &mut Vec<Item>,
) {
    for f in &line.frags {
        if let Some(color) = f.style.background {
            let s = f.style.size;
            out.push(Item::Fill {
                x: x + f.x - 1.2,
                y: y - 0.86 * s,
                w: f.width + 2.4,
                h: 1.12 * s,
                color,
            });
        }
    }
    let areas = link_areas(&line, x, y, links);
    for f in line.frags {
        let s = f.style.size;
        let (fx, fw, style) = (x + f.x, f.width, f.style);
        out.push(match f.kind {
            FragKind::Text { face, text, gids } => {
                Item::Text { x: fx, y, face, size: s, color: style.color, text, gids }
            }
            FragKind::Symbol { symbol, size } => Item::Text {
                x: fx + (fw - symbol.advance * size) / 2.0,
                y,
                face: symbol.face,
                size,
                color: symbol.color,
                text: symbol.glyph.into(),
                gids: vec![symbol.gid],
            },
            FragKind::Missing(chars) => Item::Missing { x: fx, y, w: fw, size: s, chars },
        });
        if style.strike {
            let ys = y - 0.3 * s;
            let (color, width) = (style.color, 0.06 * s);
            out.push(Item::Line { x1: fx, y1: ys, x2: fx + fw, y2: ys, color, width });
        }
    }
    out.extend(areas);
}

/// One link area per run of fragments with the same target.
fn link_areas(line: &Line, x: f32, y: f32, links: &[Option<Target>]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.frags.len() {
        let Some(link) = line.frags[i].style.link else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j + 1 < line.frags.len() && line.frags[j + 1].style.link == Some(link) {
            j += 1;
        }
        if let Some(Some(target)) = links.get(link) {
            let s = line.size;
            let (a, b) = (&line.frags[i], &line.frags[j]);
            out.push(Item::Link {
                x: x + a.x,
                y: y - 0.95 * s,
                w: b.x + b.width - a.x,
                h: 1.25 * s,
                target: target.clone(),
            });
        }
        i = j + 1;
    }
    out
}
