//! The look of a report: sizes in points, colours. One place to tune the typography.

/// An sRGB colour, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const fn hex(v: u32) -> Rgb {
        Rgb(
            ((v >> 16) & 0xff) as f32 / 255.0,
            ((v >> 8) & 0xff) as f32 / 255.0,
            (v & 0xff) as f32 / 255.0,
        )
    }
}

pub const BODY_SIZE: f32 = 10.0;
pub const LEADING: f32 = 1.45;
pub const TABLE_SIZE: f32 = 8.8;
pub const TABLE_LEADING: f32 = 1.3;
pub const CODE_SIZE: f32 = 8.5;
pub const CODE_LEADING: f32 = 1.35;
/// Inline code is set a little smaller than the text around it.
pub const INLINE_CODE_SCALE: f32 = 0.9;

/// Heading sizes for levels 1–6.
pub const HEADING_SIZE: [f32; 6] = [18.0, 14.0, 12.0, 10.5, 10.0, 10.0];
pub const HEADING_SPACE_BEFORE: [f32; 6] = [6.0, 16.0, 12.0, 10.0, 8.0, 8.0];
pub const HEADING_SPACE_AFTER: [f32; 6] = [8.0, 6.0, 4.0, 3.0, 2.0, 2.0];

pub const PARAGRAPH_SPACE: f32 = 7.0;
pub const LIST_ITEM_SPACE: f32 = 2.5;
pub const LIST_INDENT: f32 = 16.0;
pub const QUOTE_INDENT: f32 = 12.0;
pub const CODE_PADDING: f32 = 6.0;
pub const CELL_PAD_X: f32 = 4.5;
pub const CELL_PAD_Y: f32 = 3.2;

pub const TEXT: Rgb = Rgb::hex(0x1f2328);
pub const HEADING: Rgb = Rgb::hex(0x0d1b2a);
pub const MUTED: Rgb = Rgb::hex(0x5f6b7a);
pub const LINK: Rgb = Rgb::hex(0x0b57d0);
pub const RULE: Rgb = Rgb::hex(0xc9ced6);
pub const HEADING_RULE: Rgb = Rgb::hex(0xdde1e6);
pub const CODE_BG: Rgb = Rgb::hex(0xf3f4f6);
pub const INLINE_CODE_BG: Rgb = Rgb::hex(0xeef0f3);
pub const QUOTE_BAR: Rgb = Rgb::hex(0xc3cad3);
pub const TABLE_HEAD_BG: Rgb = Rgb::hex(0xe6e9ee);
pub const TABLE_ZEBRA: Rgb = Rgb::hex(0xf6f7f9);
pub const TABLE_RULE: Rgb = Rgb::hex(0xb8bfc9);
pub const MISSING: Rgb = Rgb::hex(0xc2255c);
pub const CHART_BORDER: Rgb = Rgb::hex(0x9aa5b1);
pub const CHART_BG: Rgb = Rgb::hex(0xf8f9fb);
