//! Tables: column widths fitted to content, wrapped cells, a shaded header row that
//! repeats on every page the table continues on, zebra-striped rows.

use super::boxes::{baseline, line_items, Item, Stripe};
use super::fonts::Variant;
use super::layout::Ctx;
use super::markdown::{Align, Span};
use super::style as st;
use super::text::{shape, Line, Shaped};

struct Cell {
    shaped: Shaped,
    align: Align,
}

pub(super) fn layout(
    ctx: &mut Ctx<'_, '_>,
    aligns: &[Align],
    header: &[Vec<Span>],
    rows: &[Vec<Vec<Span>>],
    x: f32,
    width: f32,
) {
    let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
    let shape_row = |ctx: &mut Ctx<'_, '_>, row: &[Vec<Span>], variant: Variant, size: f32| {
        (0..cols)
            .map(|c| {
                let spans = row.get(c).map(Vec::as_slice).unwrap_or(&[]);
                let runs = ctx.runs(spans, size, st::TEXT, variant);
                Cell {
                    shaped: shape(&runs, ctx.fonts),
                    align: aligns.get(c).copied().unwrap_or(Align::Left),
                }
            })
            .collect::<Vec<_>>()
    };
    let shape_all = |ctx: &mut Ctx<'_, '_>, size: f32| {
        let head = shape_row(ctx, header, Variant::Bold, size);
        let body: Vec<Vec<Cell>> =
            rows.iter().map(|r| shape_row(ctx, r, Variant::Regular, size)).collect();
        (head, body)
    };
    let mut size = st::TABLE_SIZE;
    let (mut head, mut body) = shape_all(ctx, size);
    // A table whose words do not fit side by side (nine columns of dates) is set smaller,
    // down to three quarters of the size, before any word is broken inside.
    let (min, _) = min_max(&head, &body, cols, width);
    let pads = cols as f32 * PAD;
    let need = min.iter().sum::<f32>() - pads;
    if need > width - pads && width > pads {
        size = (size * (width - pads) / need).max(st::TABLE_SIZE * 0.75);
        (head, body) = shape_all(ctx, size);
    }

    let widths = column_widths(&head, &body, cols, width);
    let lh = size * st::TABLE_LEADING;
    let head_lines = wrap_row(&head, &widths);
    let head_height = row_height(&head_lines, lh);
    // A row taller than a page is cut into pieces that each fit below the header.
    let max_height = (ctx.body_height - head_height - 4.0).max(lh + 2.0 * st::CELL_PAD_Y);

    let header_index = ctx.flow.headers.len();
    let mut header_stripe = row_stripe(ctx, &head, head_lines, &widths, x, lh, None);
    header_stripe.items.insert(
        0,
        Item::Fill {
            x,
            y: 0.0,
            w: width_sum(&widths),
            h: header_stripe.height,
            color: st::TABLE_HEAD_BG,
        },
    );
    let y = header_stripe.height;
    let w = width_sum(&widths);
    header_stripe.items.push(Item::Line {
        x1: x,
        y1: y,
        x2: x + w,
        y2: y,
        color: st::TABLE_RULE,
        width: 0.8,
    });
    header_stripe.keep_with_next = true;
    ctx.flow.headers.push(header_stripe.clone());
    ctx.flow.stripes.push(header_stripe);

    for (r, row) in body.iter().enumerate() {
        let lines = wrap_row(row, &widths);
        let zebra = (r % 2 == 1).then_some(st::TABLE_ZEBRA);
        for piece in split_tall(lines, lh, max_height) {
            let mut stripe = row_stripe(ctx, row, piece, &widths, x, lh, zebra);
            stripe.header = Some(header_index);
            ctx.flow.stripes.push(stripe);
        }
    }
    if let Some(last) = ctx.flow.stripes.last_mut() {
        let y = last.height;
        last.items.push(Item::Line {
            x1: x,
            y1: y,
            x2: x + w,
            y2: y,
            color: st::TABLE_RULE,
            width: 0.8,
        });
    }
}

fn width_sum(widths: &[f32]) -> f32 {
    widths.iter().sum()
}

/// The automatic table layout of CSS, roughly: every column gets at least its widest
/// word, the remaining space goes to columns in proportion to how much more they want.
/// Tables fill the text width, like the rest of the report.
fn column_widths(head: &[Cell], body: &[Vec<Cell>], cols: usize, width: f32) -> Vec<f32> {
    let (mut min, max) = min_max(head, body, cols, width);
    // Short columns (numbers, dates, statuses) are never wrapped while the long ones can
    // give way: a wrapped "1/4 (25%)" reads worse than a title on one more line.
    // As far as the room allows: beyond it, that would break the other columns' words.
    let narrow: f32 = max.iter().filter(|m| **m <= width * 0.16).sum();
    let room = width - min.iter().sum::<f32>();
    let wanted: f32 =
        min.iter().zip(&max).filter(|(_, x)| **x <= width * 0.16).map(|(m, x)| x - m).sum();
    if narrow <= width * 0.6 && room > 0.0 && wanted > 0.0 {
        let share = (room / wanted).min(1.0);
        for (m, x) in min.iter_mut().zip(&max) {
            if *x <= width * 0.16 {
                *m += (*x - *m) * share;
            }
        }
    }
    let (sum_min, sum_max): (f32, f32) = (min.iter().sum(), max.iter().sum());
    if sum_max <= width {
        let extra = width - sum_max;
        return max.iter().map(|m| m + extra * m / sum_max).collect();
    }
    if sum_min >= width {
        return min.iter().map(|m| m * width / sum_min).collect();
    }
    let share = (width - sum_min) / (sum_max - sum_min);
    min.iter().zip(&max).map(|(a, b)| a + (b - a) * share).collect()
}

/// Both sides of a cell, and a hair more: a column exactly as wide as its widest word
/// lost the word's last letter to the next line to rounding.
const PAD: f32 = 2.0 * st::CELL_PAD_X + 0.5;

/// Each column's least width (its widest word, a huge one capped) and the width it
/// takes on one line.
fn min_max(head: &[Cell], body: &[Vec<Cell>], cols: usize, width: f32) -> (Vec<f32>, Vec<f32>) {
    let pad = PAD;
    let mut min = vec![pad + 12.0; cols];
    let mut max = vec![pad + 12.0; cols];
    for (c, cell) in head.iter().enumerate() {
        // A header wraps between its words before any cell breaks inside one: a long
        // header claiming its whole width had a nine-column table break its dates
        // ("2026-11-/25") and names ("Milesto/ne").
        min[c] = min[c].max(cell.shaped.min_width() + pad);
        max[c] = max[c].max(cell.shaped.max_width() + pad);
    }
    for row in body {
        for (c, cell) in row.iter().enumerate() {
            // A single enormous word (a URL) may not claim the whole table.
            min[c] = min[c].max((cell.shaped.min_width() + pad).min(width * 0.3));
            max[c] = max[c].max(cell.shaped.max_width() + pad);
        }
    }
    for m in &mut min {
        *m = m.min(width * 0.3);
    }
    (min, max)
}

fn wrap_row(row: &[Cell], widths: &[f32]) -> Vec<Vec<Line>> {
    row.iter().zip(widths).map(|(cell, w)| cell.shaped.wrap(w - 2.0 * st::CELL_PAD_X)).collect()
}

fn row_height(lines: &[Vec<Line>], lh: f32) -> f32 {
    let n = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
    n as f32 * lh + 2.0 * st::CELL_PAD_Y
}

fn split_tall(lines: Vec<Vec<Line>>, lh: f32, max_height: f32) -> Vec<Vec<Vec<Line>>> {
    if row_height(&lines, lh) <= max_height {
        return vec![lines];
    }
    let per = (((max_height - 2.0 * st::CELL_PAD_Y) / lh).floor() as usize).max(1);
    let n = lines.iter().map(Vec::len).max().unwrap_or(0);
    (0..n.div_ceil(per))
        .map(|k| {
            lines
                .iter()
                .map(|cell| cell.iter().skip(k * per).take(per).cloned().collect())
                .collect()
        })
        .collect()
}

fn row_stripe(
    ctx: &Ctx<'_, '_>,
    row: &[Cell],
    lines: Vec<Vec<Line>>,
    widths: &[f32],
    x: f32,
    lh: f32,
    shade: Option<st::Rgb>,
) -> Stripe {
    let height = row_height(&lines, lh);
    let mut items = Vec::new();
    if let Some(color) = shade {
        items.push(Item::Fill { x, y: 0.0, w: width_sum(widths), h: height, color });
    }
    let mut cx = x;
    for ((cell, cell_lines), w) in row.iter().zip(lines).zip(widths) {
        let inner = w - 2.0 * st::CELL_PAD_X;
        for (k, line) in cell_lines.into_iter().enumerate() {
            let slack = (inner - line.width).max(0.0);
            let dx = match cell.align {
                Align::Left => 0.0,
                Align::Center => slack / 2.0,
                Align::Right => slack,
            };
            let y = st::CELL_PAD_Y + k as f32 * lh + baseline(lh, lh / st::TABLE_LEADING);
            line_items(line, cx + st::CELL_PAD_X + dx, y, &ctx.links, &mut items);
        }
        cx += w;
    }
    let baseline = Some(st::CELL_PAD_Y + baseline(lh, lh / st::TABLE_LEADING));
    Stripe { height, items, baseline, ..Stripe::default() }
}

#[cfg(test)]
mod tests {
    use super::super::fonts::{FallbackFiles, Fonts};
    use super::super::text::{Run, RunStyle};
    use super::*;

    fn cell(fonts: &mut Fonts, text: &str, variant: Variant) -> Cell {
        let style = RunStyle {
            variant,
            size: st::TABLE_SIZE,
            color: st::TEXT,
            strike: false,
            background: None,
            link: None,
        };
        Cell { shaped: shape(&[Run { text: text.into(), style }], fonts), align: Align::Left }
    }

    /// A nine-column forecast table on an A4 page keeps every date and word whole: long
    /// headers and short columns claimed their whole widths first, and the rest was
    /// shrunk below its words ("2026-12-1" / "1", "Milesto" / "ne").
    #[test]
    fn a_wide_table_breaks_no_word_that_fits() {
        let none = FallbackFiles::read(&[]).unwrap();
        let mut fonts = Fonts::new(&none).unwrap();
        let head: Vec<Cell> = [
            "Milestone",
            "Left",
            "Due",
            "50%",
            "85%",
            "95%",
            "Linear",
            "Due date likely",
            "85% since first forecast",
        ]
        .iter()
        .map(|t| cell(&mut fonts, t, Variant::Bold))
        .collect();
        let rows = [
            [
                "2026.11 Gateway migration",
                "3 items",
                "2026-11-30",
                "2026-12-11",
                "2026-12-18",
                "2026-12-25",
                "2026-12-11",
                "0%",
                "first forecast",
            ],
            [
                "2026.12 Checkout v2",
                "5 items",
                "2027-01-15 (moved from 2027-01-08)",
                "2026-12-14",
                "2026-12-18",
                "2026-12-22",
                "2026-12-14",
                "100%",
                "first forecast",
            ],
            [
                "2027.01 Mobile wallet",
                "11 points",
                "2027-01-29",
                "2027-01-05",
                "2027-01-20",
                "2027-02-01",
                "2027-01-05",
                "94%",
                "first forecast",
            ],
        ];
        let body: Vec<Vec<Cell>> = rows
            .iter()
            .map(|r| r.iter().map(|t| cell(&mut fonts, t, Variant::Regular)).collect())
            .collect();
        // A4's text width at the default margins.
        let widths = column_widths(&head, &body, 9, 493.2);
        assert!((widths.iter().sum::<f32>() - 493.2).abs() < 0.1, "{widths:?}");
        for row in std::iter::once(&head).chain(&body) {
            for (c, w) in row.iter().zip(&widths) {
                assert!(
                    c.shaped.min_width() <= w - 2.0 * st::CELL_PAD_X,
                    "a word is broken at {w}: {widths:?}"
                );
            }
        }
    }
}
