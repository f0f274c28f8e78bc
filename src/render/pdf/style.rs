//! The look of a report: sizes in points, colours. One place to tune the typography.

/// An sRGB colour, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub(super) const fn hex(v: u32) -> Rgb {
        Rgb(
            ((v >> 16) & 0xff) as f32 / 255.0,
            ((v >> 8) & 0xff) as f32 / 255.0,
            (v & 0xff) as f32 / 255.0,
        )
    }
}

pub(super) const BODY_SIZE: f32 = 10.0;
pub(super) const LEADING: f32 = 1.45;
pub(super) const TABLE_SIZE: f32 = 8.8;
pub(super) const TABLE_LEADING: f32 = 1.3;
pub(super) const CODE_SIZE: f32 = 8.5;
pub(super) const CODE_LEADING: f32 = 1.35;
/// Inline code is set a little smaller than the text around it.
pub(super) const INLINE_CODE_SCALE: f32 = 0.9;

/// Heading sizes for levels 1–6.
pub(super) const HEADING_SIZE: [f32; 6] = [18.0, 14.0, 12.0, 10.5, 10.0, 10.0];
pub(super) const HEADING_SPACE_BEFORE: [f32; 6] = [6.0, 16.0, 12.0, 10.0, 8.0, 8.0];
pub(super) const HEADING_SPACE_AFTER: [f32; 6] = [8.0, 6.0, 4.0, 3.0, 2.0, 2.0];

pub(super) const PARAGRAPH_SPACE: f32 = 7.0;
pub(super) const LIST_ITEM_SPACE: f32 = 2.5;
/// Between sections of one line, their headings run in ("**Slipped** — Nothing slipped.").
pub(super) const RUN_IN_SPACE: f32 = 3.0;
pub(super) const LIST_INDENT: f32 = 16.0;
pub(super) const QUOTE_INDENT: f32 = 12.0;
pub(super) const CODE_PADDING: f32 = 6.0;
pub(super) const CELL_PAD_X: f32 = 4.5;
pub(super) const CELL_PAD_Y: f32 = 3.2;

pub(super) const TEXT: Rgb = Rgb::hex(0x1f2328);
pub(super) const HEADING: Rgb = Rgb::hex(0x0d1b2a);
pub(super) const MUTED: Rgb = Rgb::hex(0x5f6b7a);
pub(super) const LINK: Rgb = Rgb::hex(0x0b57d0);
pub(super) const RULE: Rgb = Rgb::hex(0xc9ced6);
pub(super) const HEADING_RULE: Rgb = Rgb::hex(0xdde1e6);
pub(super) const CODE_BG: Rgb = Rgb::hex(0xf3f4f6);
pub(super) const INLINE_CODE_BG: Rgb = Rgb::hex(0xeef0f3);
pub(super) const QUOTE_BAR: Rgb = Rgb::hex(0xc3cad3);
pub(super) const TABLE_HEAD_BG: Rgb = Rgb::hex(0xe6e9ee);
pub(super) const TABLE_ZEBRA: Rgb = Rgb::hex(0xf6f7f9);
pub(super) const TABLE_RULE: Rgb = Rgb::hex(0xb8bfc9);
pub(super) const MISSING: Rgb = Rgb::hex(0xc2255c);
pub(super) const CHART_BORDER: Rgb = Rgb::hex(0x9aa5b1);
pub(super) const CHART_BG: Rgb = Rgb::hex(0xf8f9fb);
