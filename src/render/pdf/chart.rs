//! Charts drawn in the PDF as vector graphics: rectangles, lines and text in the
//! document's fonts, no images. Bars for counts per week, lines for burn-ups, one stacked
//! bar for parts of a whole. Every series is named in a legend or labelled with its
//! value, so a chart printed in grey still reads.

use super::boxes::{line_items, Item, Stripe};
use super::fonts::{Fonts, Variant};
use super::style::{self as st, Rgb};
use super::text::{shape, Run, RunStyle};
use crate::render::chart::{label_stride, ticks, Chart};

const TITLE_SIZE: f32 = 9.5;
const LABEL_SIZE: f32 = 7.0;
const PLOT_HEIGHT: f32 = 110.0;
const BAR: Rgb = Rgb::hex(0x4c78a8);
const SERIES: [Rgb; 4] =
    [Rgb::hex(0x1f2328), Rgb::hex(0xe45756), Rgb::hex(0x54a24b), Rgb::hex(0xb279a2)];
/// Parts of a whole: no orange, green or red, which the page's status marks use (a
/// program part in orange read as Amber beside a Red program); lightness apart for grey
/// print.
const SHARE: [Rgb; 6] = [
    Rgb::hex(0x4c78a8),
    Rgb::hex(0x7b5ea7),
    Rgb::hex(0x8a96a3),
    Rgb::hex(0x9d755d),
    Rgb::hex(0x2f4b7c),
    Rgb::hex(0xb9a7d6),
];
const GRID: Rgb = Rgb::hex(0xe3e6ea);
const DUE: Rgb = Rgb::hex(0xc2255c);
const BAND: Rgb = Rgb::hex(0xdbe7f5);

/// The stripe a chart takes: all of it on one page.
pub(super) fn stripe(chart: &Chart, fonts: &mut Fonts<'_>, x: f32, width: f32) -> Stripe {
    let mut items = Vec::new();
    let height = match chart {
        Chart::Xy { title, labels, bars, lines, line_names, due, forecast } => {
            let marks = Marks { due: due.as_deref(), forecast: forecast.as_ref() };
            xy(
                fonts,
                &mut items,
                (x, width),
                title,
                labels,
                bars.as_deref(),
                (lines, line_names),
                marks,
            )
        }
        Chart::Share { title, parts } => share(fonts, &mut items, x, width, title, parts),
        Chart::Graph { title, nodes, edges } => {
            graph(fonts, &mut items, x, width, title, nodes, edges)
        }
    };
    Stripe { height, items, ..Stripe::default() }
}

/// Text at (`x`, baseline `y`); returns its width.
fn text(
    fonts: &mut Fonts<'_>,
    items: &mut Vec<Item>,
    s: &str,
    (x, y): (f32, f32),
    (size, color, variant): (f32, Rgb, Variant),
) -> f32 {
    let style = RunStyle { variant, size, color, strike: false, background: None, link: None };
    let Some(line) =
        shape(&[Run { text: s.to_string(), style }], fonts).wrap(f32::INFINITY).into_iter().next()
    else {
        return 0.0;
    };
    let w = line.width;
    line_items(line, x, y, &[], items);
    w
}

fn width_of(fonts: &mut Fonts<'_>, s: &str, size: f32) -> f32 {
    let style = RunStyle {
        variant: Variant::Regular,
        size,
        color: st::TEXT,
        strike: false,
        background: None,
        link: None,
    };
    shape(&[Run { text: s.to_string(), style }], fonts)
        .wrap(f32::INFINITY)
        .first()
        .map_or(0.0, |l| l.width)
}

/// A value as the report's tables write it: whole numbers plain, others with what
/// their decimals say (`0.25`, `2.5`), below zero with a minus sign (`−3`), not a hyphen.
fn number(v: f64) -> String {
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    let s = if v.fract() == 0.0 {
        format!("{:.0}", v.abs())
    } else {
        let s = format!("{:.2}", v.abs());
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if v < 0.0 {
        format!("\u{2212}{s}")
    } else {
        s
    }
}

/// A due date and forecast dates to mark on a burn-up.
struct Marks<'c> {
    due: Option<&'c str>,
    forecast: Option<&'c (String, String)>,
}

/// Week labels after the last of `labels` up to the later of the due date and the
/// forecast's P85, at most 16; none when the labels are not ISO weeks or nothing is marked.
fn future_weeks(labels: &[String], marks: &Marks) -> Vec<String> {
    use crate::model::Week;
    let Some(last) = labels.last().and_then(|l| Week::parse(l)) else { return Vec::new() };
    let target = [marks.due, marks.forecast.map(|f| f.1.as_str())]
        .into_iter()
        .flatten()
        .filter_map(|d| week_of(d).and_then(|w| Week::parse(&w)))
        .max();
    let mut out = Vec::new();
    let mut w = last;
    while target.is_some_and(|t| w < t) && out.len() < 16 {
        w = w.next();
        out.push(w.to_string());
    }
    out
}

/// The ISO week label (`2026-W49`) of a `YYYY-MM-DD` date.
fn week_of(date: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let w = chrono::Datelike::iso_week(&d);
    Some(format!("{}-W{:02}", w.year(), w.week()))
}

#[allow(clippy::too_many_arguments)]
fn xy(
    fonts: &mut Fonts<'_>,
    items: &mut Vec<Item>,
    (x, width): (f32, f32),
    title: &str,
    labels: &[String],
    bars: Option<&[f64]>,
    (lines, names): (&[Vec<f64>], &[String]),
    marks: Marks,
) -> f32 {
    let mut y = TITLE_SIZE + 2.0;
    text(fonts, items, title, (x, y), (TITLE_SIZE, st::HEADING, Variant::Bold));
    y += 6.0;
    // Legend for lines (bars are named by the title).
    if !lines.is_empty() {
        let mut lx = x;
        for (k, _) in lines.iter().enumerate() {
            let name = names.get(k).cloned().unwrap_or_else(|| format!("series {}", k + 1));
            let color = SERIES[k % SERIES.len()];
            items.push(Item::Line {
                x1: lx,
                y1: y + 4.0,
                x2: lx + 14.0,
                y2: y + 4.0,
                color,
                width: line_width(k),
            });
            lx += 18.0;
            lx +=
                text(fonts, items, &name, (lx, y + 6.5), (LABEL_SIZE, st::TEXT, Variant::Regular))
                    + 12.0;
        }
        y += 12.0;
    }
    let max = bars
        .into_iter()
        .flatten()
        .chain(lines.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let min =
        bars.into_iter().flatten().chain(lines.iter().flatten()).copied().fold(0.0f64, f64::min);
    let (step, bottom, top) = axis(min, max);
    // The y axis: tick labels right-aligned in a gutter.
    let tick_labels: Vec<(f64, String)> = {
        let mut v = Vec::new();
        let mut t = bottom;
        while t <= top + step * 1e-6 {
            v.push((t, number(t)));
            t += step;
        }
        v
    };
    let gutter =
        tick_labels.iter().map(|(_, s)| width_of(fonts, s, LABEL_SIZE)).fold(0.0, f32::max) + 6.0;
    let plot_x = x + gutter;
    let plot_w = (width - gutter).max(10.0);
    let plot_top = y + 4.0;
    let plot_h = PLOT_HEIGHT;
    let span = (top - bottom).max(f64::MIN_POSITIVE);
    let y_of = |v: f64| plot_top + plot_h - ((v - bottom) / span) as f32 * plot_h;
    for (t, s) in &tick_labels {
        let ty = y_of(*t);
        items.push(Item::Line {
            x1: plot_x,
            y1: ty,
            x2: plot_x + plot_w,
            y2: ty,
            color: GRID,
            width: 0.5,
        });
        let w = width_of(fonts, s, LABEL_SIZE);
        text(
            fonts,
            items,
            s,
            (plot_x - 4.0 - w, ty + 2.4),
            (LABEL_SIZE, st::MUTED, Variant::Regular),
        );
    }
    // Weeks after the data, up to the due date and the forecast's 85th percentile (16 at
    // most), so that both can be drawn where they fall.
    let future = future_weeks(labels, &marks);
    let all: Vec<String> = labels.iter().cloned().chain(future).collect();
    let labels = &all[..];
    let n = labels.len().max(1);
    let slot = plot_w / n as f32;
    let slot_of = |date: &str| week_of(date).and_then(|w| labels.iter().position(|l| *l == w));
    if let Some((p50, p85)) = marks.forecast {
        if let (Some(a), Some(b)) = (slot_of(p50), slot_of(p85)) {
            let x1 = plot_x + slot * a as f32;
            let x2 = plot_x + slot * (b as f32 + 1.0);
            items.push(Item::Fill { x: x1, y: plot_top, w: x2 - x1, h: plot_h, color: BAND });
            text(
                fonts,
                items,
                "forecast 50–85%",
                (x1 + 2.0, plot_top + 16.0),
                (LABEL_SIZE - 0.5, st::MUTED, Variant::Italic),
            );
        }
    }
    if let Some(bars) = bars {
        let bw = (slot * 0.7).min(28.0);
        let zero = y_of(0.0);
        for (i, v) in bars.iter().enumerate() {
            let cx = plot_x + slot * (i as f32 + 0.5);
            let vy = y_of(*v);
            let (top_y, h) = if vy <= zero { (vy, zero - vy) } else { (zero, vy - zero) };
            if h > 0.0 {
                items.push(Item::Fill { x: cx - bw / 2.0, y: top_y, w: bw, h, color: BAR });
            }
            // The value on the bar, when there is room for it. Above the axis for a bar
            // that hangs below it too: under the lowest bar it sat on the week labels.
            let label = number(*v);
            let lw = width_of(fonts, &label, LABEL_SIZE - 0.5);
            if lw <= slot - 2.0 {
                let ly = if *v >= 0.0 { top_y - 2.0 } else { zero - 2.0 };
                text(
                    fonts,
                    items,
                    &label,
                    (cx - lw / 2.0, ly),
                    (LABEL_SIZE - 0.5, st::TEXT, Variant::Regular),
                );
            }
        }
    }
    for (k, series) in lines.iter().enumerate() {
        let color = SERIES[k % SERIES.len()];
        let pts: Vec<(f32, f32)> = series
            .iter()
            .enumerate()
            .map(|(i, v)| (plot_x + slot * (i as f32 + 0.5), y_of(*v)))
            .collect();
        for w in pts.windows(2) {
            items.push(Item::Line {
                x1: w[0].0,
                y1: w[0].1,
                x2: w[1].0,
                y2: w[1].1,
                color,
                width: line_width(k),
            });
        }
        // Point marks: squares for the first series, none for the others (grey print).
        if k == 0 {
            for (px, py) in &pts {
                items.push(Item::Fill { x: px - 1.6, y: py - 1.6, w: 3.2, h: 3.2, color });
            }
        }
    }
    // The axis line at zero, then x labels: every k-th so that none overlaps.
    let zero = y_of(0.0);
    items.push(Item::Line {
        x1: plot_x,
        y1: zero,
        x2: plot_x + plot_w,
        y2: zero,
        color: st::CHART_BORDER,
        width: 0.8,
    });
    let widths: Vec<f32> = labels.iter().map(|l| width_of(fonts, l, LABEL_SIZE)).collect();
    let stride = label_stride(&widths, slot, 4.0);
    let base = plot_top + plot_h + LABEL_SIZE + 4.0;
    for (i, l) in labels.iter().enumerate() {
        if i % stride != 0 {
            continue;
        }
        let cx = plot_x + slot * (i as f32 + 0.5);
        text(
            fonts,
            items,
            l,
            (cx - widths[i] / 2.0, base),
            (LABEL_SIZE, st::MUTED, Variant::Regular),
        );
    }
    // The due date: a dashed rule in its week when the chart shows that week.
    let mut bottom = base + 6.0;
    if let Some(due) = marks.due {
        if let Some(i) = slot_of(due) {
            let cx = plot_x + slot * (i as f32 + 0.5);
            let mut dy = plot_top;
            while dy < plot_top + plot_h {
                let end = (dy + 3.0).min(plot_top + plot_h);
                items.push(Item::Line { x1: cx, y1: dy, x2: cx, y2: end, color: DUE, width: 1.0 });
                dy += 5.0;
            }
            text(fonts, items, "due", (cx + 2.0, plot_top + 7.0), (LABEL_SIZE, DUE, Variant::Bold));
        }
    }
    // In words, for what lies beyond the chart's last week.
    let note = match (marks.due, marks.forecast) {
        (Some(d), Some((p50, p85))) => {
            Some(format!("Due {d}; forecast: half of the trials done by {p50}, 85% by {p85}."))
        }
        (Some(d), None) => Some(format!("Due {d}.")),
        (None, Some((p50, p85))) => {
            Some(format!("Forecast: half of the trials done by {p50}, 85% by {p85}."))
        }
        (None, None) => None,
    };
    if let Some(note) = note {
        text(
            fonts,
            items,
            &note,
            (plot_x, bottom + 4.0),
            (LABEL_SIZE + 0.5, st::MUTED, Variant::Italic),
        );
        bottom += 12.0;
    }
    bottom
}

/// A left-to-right layered diagram: each node in the column of its longest chain of
/// blockers, boxes labelled, arrows from blocker to blocked. Over
/// [`GRAPH_MAX_NODES`](crate::render::chart::GRAPH_MAX_NODES) nodes, a sentence instead.
fn graph(
    fonts: &mut Fonts<'_>,
    items: &mut Vec<Item>,
    x: f32,
    width: f32,
    title: &str,
    nodes: &[String],
    edges: &[(usize, usize)],
) -> f32 {
    let mut y = TITLE_SIZE + 2.0;
    text(fonts, items, title, (x, y), (TITLE_SIZE, st::HEADING, Variant::Bold));
    y += 8.0;
    let n = nodes.len();
    if n > crate::render::chart::GRAPH_MAX_NODES {
        let note = format!("{n} items: too many to draw; the list below has every chain.");
        text(fonts, items, &note, (x, y + 8.0), (LABEL_SIZE + 1.0, st::MUTED, Variant::Italic));
        return y + 14.0;
    }
    // Layer: the longest chain of blockers before a node (edges within bounds only; a
    // cycle cannot lengthen a chain past n).
    let mut layer = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for &(a, b) in edges.iter().filter(|(a, b)| *a < n && *b < n) {
            if layer[b] < layer[a] + 1 && layer[a] + 1 < n {
                layer[b] = layer[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let columns = layer.iter().copied().max().unwrap_or(0) + 1;
    let mut rows = vec![0usize; columns];
    let mut pos = vec![(0usize, 0usize); n];
    for i in 0..n {
        pos[i] = (layer[i], rows[layer[i]]);
        rows[layer[i]] += 1;
    }
    let col_w = width / columns as f32;
    let gap = (col_w * 0.18).clamp(10.0, 28.0);
    let box_w = col_w - gap;
    let box_h = 26.0;
    let row_h = box_h + 10.0;
    let top = y;
    let at = |i: usize| {
        let (c, r) = pos[i];
        (x + c as f32 * col_w, top + r as f32 * row_h)
    };
    for (i, label) in nodes.iter().enumerate() {
        let (bx, by) = at(i);
        items.push(Item::Fill { x: bx, y: by, w: box_w, h: box_h, color: st::CHART_BG });
        items.push(Item::Frame {
            x: bx,
            y: by,
            w: box_w,
            h: box_h,
            color: st::CHART_BORDER,
            width: 0.8,
            dashed: false,
        });
        // The key on the first line, the team on the second; cut to fit the box.
        let (key, team) = label.split_once(" · ").unwrap_or((label.as_str(), ""));
        for (k, (s, variant)) in
            [(key, Variant::Bold), (team, Variant::Regular)].into_iter().enumerate()
        {
            let fitted = fit(fonts, s, LABEL_SIZE, box_w - 8.0);
            text(
                fonts,
                items,
                &fitted,
                (bx + 4.0, by + 10.5 + 9.5 * k as f32),
                (LABEL_SIZE, st::TEXT, variant),
            );
        }
    }
    for &(a, b) in edges.iter().filter(|(a, b)| *a < n && *b < n && a != b) {
        let (ax, ay) = at(a);
        let (bx, by) = at(b);
        let (x1, y1) = (ax + box_w, ay + box_h / 2.0);
        let (x2, y2) = (bx, by + box_h / 2.0);
        items.push(Item::Line { x1, y1, x2, y2, color: st::TEXT, width: 0.9 });
        // The arrowhead, along the edge's direction.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        let (ux, uy) = (dx / len, dy / len);
        for side in [1.0f32, -1.0] {
            let hx = x2 - 5.0 * ux + side * 2.8 * uy;
            let hy = y2 - 5.0 * uy - side * 2.8 * ux;
            items.push(Item::Line { x1: x2, y1: y2, x2: hx, y2: hy, color: st::TEXT, width: 0.9 });
        }
    }
    let tallest = rows.iter().copied().max().unwrap_or(1);
    top + tallest as f32 * row_h + 2.0
}

/// `s` cut with an ellipsis to fit `max` points.
fn fit(fonts: &mut Fonts<'_>, s: &str, size: f32, max: f32) -> String {
    if width_of(fonts, s, size) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let cut: String = chars[..keep].iter().collect::<String>() + "…";
        if width_of(fonts, &cut, size) <= max {
            return cut;
        }
    }
    "…".into()
}

fn line_width(k: usize) -> f32 {
    if k == 0 {
        1.8
    } else {
        1.0
    }
}

fn share(
    fonts: &mut Fonts<'_>,
    items: &mut Vec<Item>,
    x: f32,
    width: f32,
    title: &str,
    parts: &[(String, f64)],
) -> f32 {
    let mut y = TITLE_SIZE + 2.0;
    text(fonts, items, title, (x, y), (TITLE_SIZE, st::HEADING, Variant::Bold));
    y += 6.0;
    let total: f64 = parts.iter().map(|p| p.1.max(0.0)).sum();
    let bar_h = 16.0;
    if total <= 0.0 {
        // A share of a whole has no negative parts: said as it is, not as zero.
        let why = if parts.iter().any(|p| p.1 < 0.0) {
            "Nothing to show: no part is above zero."
        } else {
            "Nothing to show: every part is zero."
        };
        text(fonts, items, why, (x, y + 10.0), (LABEL_SIZE + 1.0, st::MUTED, Variant::Italic));
        return y + 16.0;
    }
    let mut bx = x;
    for (k, (_, v)) in parts.iter().enumerate() {
        let w = (v.max(0.0) / total) as f32 * width;
        if w <= 0.0 {
            continue;
        }
        items.push(Item::Fill { x: bx, y, w, h: bar_h, color: SHARE[k % SHARE.len()] });
        // White separators keep parts apart in grey print.
        if bx > x {
            items.push(Item::Line {
                x1: bx,
                y1: y,
                x2: bx,
                y2: y + bar_h,
                color: Rgb(1.0, 1.0, 1.0),
                width: 1.2,
            });
        }
        let pct = format!("{:.0}%", v / total * 100.0);
        let pw = width_of(fonts, &pct, LABEL_SIZE);
        if pw + 4.0 <= w {
            text(
                fonts,
                items,
                &pct,
                (bx + (w - pw) / 2.0, y + bar_h / 2.0 + 2.5),
                (LABEL_SIZE, Rgb(1.0, 1.0, 1.0), Variant::Bold),
            );
        }
        bx += w;
    }
    // Legend: swatch, name, value, share; one row per part.
    let mut ly = y + bar_h + 6.0;
    for (k, (name, v)) in parts.iter().enumerate() {
        items.push(Item::Fill { x, y: ly, w: 8.0, h: 8.0, color: SHARE[k % SHARE.len()] });
        let label = format!("{name}: {} ({:.0}%)", number(*v), v.max(0.0) / total * 100.0);
        text(
            fonts,
            items,
            &label,
            (x + 12.0, ly + 7.0),
            (LABEL_SIZE + 0.5, st::TEXT, Variant::Regular),
        );
        ly += 11.0;
    }
    ly + 2.0
}

/// The y axis's step, floor and top for values from `min` to `max`: round ticks over
/// the whole range. Below zero (net flow) the step is chosen from the larger side: an
/// all-negative chart (a backlog that grew every week) had the step of an empty one,
/// 0.25, and hundreds of labels drawn over each other down to -118.
fn axis(min: f64, max: f64) -> (f64, f64, f64) {
    if min >= 0.0 {
        let (step, top) = ticks(max);
        return (step, 0.0, top);
    }
    let (step, _) = ticks(max.max(-min));
    let top = if max > 0.0 { (max / step).ceil() * step } else { 0.0 };
    (step, -((-min / step).ceil() * step), top)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Round ticks, a handful of them, also when every value is below zero.
    #[test]
    fn axes_of_all_negative_and_mixed_values() {
        assert_eq!(axis(-118.0, 0.0), (50.0, -150.0, 0.0));
        assert_eq!(axis(-38.0, 12.0), (10.0, -40.0, 20.0));
        assert_eq!(axis(0.0, 7.0), (2.0, 0.0, 8.0));
        assert_eq!(axis(0.0, 0.0), (1.0, 0.0, 1.0));
        let (step, bottom, top) = axis(-118.0, 0.0);
        assert!((top - bottom) / step <= 6.0);
    }
    use crate::render::pdf::fonts::FallbackFiles;

    fn draw(chart: &Chart) -> (f32, Vec<Item>) {
        let none = FallbackFiles::read(&[]).expect("no fallbacks");
        let mut fonts = Fonts::new(&none).expect("fonts");
        let s = stripe(chart, &mut fonts, 0.0, 480.0);
        (s.height, s.items)
    }

    fn bars_chart(values: &[f64]) -> Chart {
        Chart::Xy {
            title: "Items done per week".into(),
            labels: (0..values.len()).map(|i| format!("2026-W{:02}", i + 1)).collect(),
            bars: Some(values.to_vec()),
            lines: vec![],
            line_names: vec![],
            due: None,
            forecast: None,
        }
    }

    fn fills(items: &[Item]) -> Vec<(f32, f32, f32, f32)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Fill { x, y, w, h, color } if *color == BAR => Some((*x, *y, *w, *h)),
                _ => None,
            })
            .collect()
    }

    /// Texts drawn with their x position and baseline, in drawing order.
    fn texts(items: &[Item]) -> Vec<(String, f32, f32)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Text { x, y, text, .. } => Some((text.clone(), *x, *y)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bars_stand_in_the_plot_with_heights_proportional_to_values() {
        let values = [6.0, 3.0, 0.0, 12.0, 9.0];
        let (height, items) = draw(&bars_chart(&values));
        let bars = fills(&items);
        assert_eq!(bars.len(), 4, "a zero draws no bar");
        // Heights proportional: 12 is twice 6 and four times 3.
        let h: Vec<f32> = bars.iter().map(|b| b.3).collect();
        assert!((h[0] / h[1] - 2.0).abs() < 1e-3 && (h[2] / h[0] - 2.0).abs() < 1e-3, "{h:?}");
        // All bars end on the same baseline, inside the chart.
        let bottoms: Vec<f32> = bars.iter().map(|b| b.1 + b.3).collect();
        assert!(bottoms.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-3));
        assert!(bars
            .iter()
            .all(|b| b.0 >= 0.0 && b.0 + b.2 <= 480.0 && b.1 >= 0.0 && b.1 + b.3 <= height));
        // The title, the axis labels and the values are text a reader (and extraction) finds.
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        for want in ["Items done per week", "2026-W01", "2026-W05", "12", "0"] {
            assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
        }
    }

    /// One week, all zeros, an outlier, 52 weeks: something readable, never two x labels
    /// on top of each other.
    #[test]
    fn degenerate_series_stay_readable() {
        let mut outlier = vec![2.0; 12];
        outlier[5] = 900.0;
        for values in [vec![4.0], vec![0.0; 8], outlier, (0..52).map(f64::from).collect::<Vec<_>>()]
        {
            let (_, items) = draw(&bars_chart(&values));
            let labels: Vec<(String, f32, f32)> =
                texts(&items).into_iter().filter(|t| t.0.starts_with("2026-W")).collect();
            assert!(!labels.is_empty());
            let none = FallbackFiles::read(&[]).expect("no fallbacks");
            let mut fonts = Fonts::new(&none).expect("fonts");
            for w in labels.windows(2) {
                let end = w[0].1 + width_of(&mut fonts, &w[0].0, LABEL_SIZE);
                assert!(
                    end + 2.0 <= w[1].1,
                    "{} overlaps {} ({} labels)",
                    w[0].0,
                    w[1].0,
                    labels.len()
                );
            }
            for b in fills(&items) {
                assert!(b.3.is_finite() && b.3 >= 0.0);
            }
        }
    }

    #[test]
    fn net_flow_below_zero_hangs_from_the_axis() {
        let (_, items) = draw(&bars_chart(&[3.0, -2.0]));
        let bars = fills(&items);
        assert_eq!(bars.len(), 2);
        // The positive bar ends where the negative one starts: the zero line.
        assert!((bars[0].1 + bars[0].3 - bars[1].1).abs() < 1e-3, "{bars:?}");
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        // A minus sign, as the tables write it; no "-0" on the axis.
        assert!(t.contains(&"\u{2212}2".to_string()), "{t:?}");
        let values = t.iter().filter(|x| !x.starts_with("2026-W"));
        assert!(!values.clone().any(|x| x.contains('-') || x == "\u{2212}0"), "{t:?}");
        // The value of the lowest bar is above the week labels, not on them: its baseline
        // sits above the top of the week labels' line.
        let all = texts(&items);
        let week = all.iter().find(|t| t.0 == "2026-W02").expect("week label");
        // The last "−2" drawn is the bar's (the first is the axis's tick).
        let value = all.iter().rfind(|t| t.0 == "\u{2212}2").expect("value label");
        assert!(value.2 + 2.0 < week.2 - LABEL_SIZE, "{all:?}");
    }

    /// A chart of nothing but zeros (no item finished with a date) has whole-number ticks:
    /// not "0, 0.2, 0.5, 0.8, 1".
    #[test]
    fn an_empty_count_chart_has_whole_ticks() {
        let (_, items) = draw(&bars_chart(&[0.0, 0.0, 0.0]));
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        assert!(!t.iter().any(|x| x.contains('.')), "{t:?}");
        assert!(t.contains(&"1".to_string()) && t.contains(&"0".to_string()), "{t:?}");
    }

    #[test]
    fn shares_and_lines_are_labelled_for_grey_print() {
        let (_, items) = draw(&Chart::Share {
            title: "Items by concern".into(),
            parts: vec![("product".into(), 11.0), ("program".into(), 9.0), ("project".into(), 5.0)],
        });
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        for want in
            ["Items by concern", "product: 11 (44%)", "program: 9 (36%)", "project: 5 (20%)", "44%"]
        {
            assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
        }
        let (_, items) = draw(&Chart::Xy {
            title: "Burn-up".into(),
            labels: vec!["W1".into(), "W2".into()],
            bars: None,
            lines: vec![vec![1.0, 2.0], vec![5.0, 6.0]],
            line_names: vec!["done".into(), "scope".into()],
            due: Some("2026-11-30".into()),
            forecast: Some(("2026-12-18".into(), "2026-12-25".into())),
        });
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        assert!(t.contains(&"done".to_string()) && t.contains(&"scope".to_string()), "{t:?}");
        let note =
            "Due 2026-11-30; forecast: half of the trials done by 2026-12-18, 85% by 2026-12-25.";
        assert!(t.iter().any(|x| x == note), "{t:?}");
    }
    #[test]
    fn dependency_diagrams_lay_out_left_to_right_and_say_when_too_big() {
        // a → b → c, d → c, and a cycle e ⇄ f that must not loop.
        let nodes: Vec<String> =
            ["A-1 · Web", "B-2 · Platform", "C-3 · Web", "D-4 · Mobile", "E-5 · Web", "F-6 · Web"]
                .map(String::from)
                .to_vec();
        let edges = vec![(0, 1), (1, 2), (3, 2), (4, 5), (5, 4)];
        let (height, items) =
            draw(&Chart::Graph { title: "Critical paths".into(), nodes: nodes.clone(), edges });
        let frames: Vec<(f32, f32)> = items
            .iter()
            .filter_map(|i| match i {
                Item::Frame { x, y, .. } => Some((*x, *y)),
                _ => None,
            })
            .collect();
        assert_eq!(frames.len(), 6);
        // Blockers left of what they block.
        assert!(
            frames[0].0 < frames[1].0 && frames[1].0 < frames[2].0 && frames[3].0 < frames[2].0
        );
        // No two boxes in the same place, all inside the chart.
        for (k, a) in frames.iter().enumerate() {
            assert!(frames[k + 1..].iter().all(|b| a != b), "{frames:?}");
            assert!(a.0 >= 0.0 && a.0 < 480.0 && a.1 < height);
        }
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        for want in ["Critical paths", "A-1", "Platform", "F-6"] {
            assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
        }
        let many: Vec<String> = (0..30).map(|i| format!("K-{i} · T")).collect();
        let edges = (0..29).map(|i| (i, i + 1)).collect();
        let (_, items) = draw(&Chart::Graph { title: "Critical paths".into(), nodes: many, edges });
        let t: Vec<String> = texts(&items).into_iter().map(|t| t.0).collect();
        assert!(t.iter().any(|x| x.starts_with("30 items: too many to draw")), "{t:?}");
    }
    #[test]
    fn burn_ups_run_on_to_the_due_date_and_shade_the_forecast() {
        let (height, items) = draw(&Chart::Xy {
            title: "Burn-up".into(),
            labels: vec!["2026-W47".into(), "2026-W48".into()],
            bars: None,
            lines: vec![vec![1.0, 2.0], vec![5.0, 6.0]],
            line_names: vec!["done".into(), "scope".into()],
            due: Some("2026-12-10".into()), // W50
            forecast: Some(("2026-12-03".into(), "2026-12-17".into())), // W49, W51
        });
        let t: Vec<(String, f32, f32)> = texts(&items);
        let x_of = |label: &str| t.iter().find(|x| x.0 == label).map(|x| x.1);
        assert!(x_of("2026-W51").is_some(), "the weeks run on to the forecast: {t:?}");
        assert!(x_of("2026-W52").is_none(), "and no further");
        let band = items
            .iter()
            .find_map(|i| match i {
                Item::Fill { x, w, h, color, .. } if *color == BAND => Some((*x, *w, *h)),
                _ => None,
            })
            .expect("a band");
        let due = items
            .iter()
            .find_map(|i| match i {
                Item::Line { x1, color, .. } if *color == DUE => Some(*x1),
                _ => None,
            })
            .expect("a due rule");
        // The band covers W49 to W51; the due rule stands inside it, in W50.
        let (w49, w51) = (x_of("2026-W49").expect("W49"), x_of("2026-W51").expect("W51"));
        assert!(band.0 <= w49 && band.0 + band.1 >= w51, "{band:?} {w49} {w51}");
        assert!(due > band.0 && due < band.0 + band.1);
        assert!(band.2 > 0.0 && band.2 < height);
    }
}
