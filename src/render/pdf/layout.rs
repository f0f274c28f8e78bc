//! Blocks → stripes: headings, paragraphs, lists, quotes, code, rules, chart placeholders.
//! Tables live in `table.rs`.

use std::collections::HashMap;

use super::boxes::{baseline, line_items, Flow, Item, Stripe, Target};
use super::fonts::{Fonts, Variant};
use super::markdown::{plain, Block, ListItem, Span};
use super::style::{self as st, Rgb};
use super::text::{shape, Run, RunStyle};

pub(super) struct Ctx<'f, 'a> {
    pub fonts: &'f mut Fonts<'a>,
    /// What each Markdown link becomes: `None` for links a PDF must not follow.
    pub links: Vec<Option<Target>>,
    /// The height stripes must fit in (the page body).
    pub body_height: f32,
    slugs: HashMap<String, usize>,
    pub flow: Flow,
}

/// Inherited text settings of the container being laid out.
#[derive(Clone, Copy)]
struct Inherit {
    color: Rgb,
    list_depth: usize,
    /// Inside a list item: blocks follow each other closely.
    tight: bool,
}

impl<'f, 'a> Ctx<'f, 'a> {
    pub(super) fn new(fonts: &'f mut Fonts<'a>, links: &[String], body_height: f32) -> Self {
        Ctx {
            fonts,
            links: links.iter().map(|l| link_target(l)).collect(),
            body_height,
            slugs: HashMap::new(),
            flow: Flow::default(),
        }
    }

    pub(super) fn layout(&mut self, blocks: &[Block], width: f32) {
        let inherit = Inherit { color: st::TEXT, list_depth: 0, tight: false };
        self.blocks(blocks, 0.0, width, inherit);
    }

    fn push(&mut self, stripe: Stripe) {
        self.flow.stripes.push(stripe);
    }

    fn blocks(&mut self, blocks: &[Block], x: f32, width: f32, inh: Inherit) {
        let mut space_after_prev: Option<f32> = None;
        let mut prev_run_in = false;
        let mut i = 0;
        while i < blocks.len() {
            let block = &blocks[i];
            let run_in = short_section(blocks, i).and_then(|(level, heading, body)| {
                self.run_in(level, heading, body, x, width, inh)
            });
            let before = match (&run_in, prev_run_in) {
                (Some(_), true) => st::RUN_IN_SPACE,
                _ => space_before(block),
            };
            if let Some(after) = space_after_prev {
                let space = after.max(before);
                self.push(Stripe::spacer(if inh.tight { space.min(4.0) } else { space }));
            }
            prev_run_in = run_in.is_some();
            if let Some(stripes) = run_in {
                self.flow.stripes.extend(stripes);
                space_after_prev = Some(st::RUN_IN_SPACE);
                i += 2;
                continue;
            }
            self.block(block, x, width, inh);
            space_after_prev = Some(space_after(block));
            i += 1;
        }
    }

    /// A section that is one short sentence ("Nothing slipped.", what sparse exports
    /// have under half the headings) as a line or two with its heading run in:
    /// "**Slipped** — Nothing slipped." It keeps its outline entry and `#slug`. `None`
    /// when the sentence alone is longer than a line: the section is laid out as any
    /// other.
    fn run_in(
        &mut self,
        level: u8,
        heading: &[Span],
        body: &[Span],
        x: f32,
        width: f32,
        inh: Inherit,
    ) -> Option<Vec<Stripe>> {
        let size = st::BODY_SIZE;
        let sentence = self.runs(body, size, inh.color, Variant::Regular);
        if shape(&sentence, self.fonts).max_width() > width {
            return None;
        }
        let mut runs = self.runs(heading, size, st::HEADING, Variant::Bold);
        runs.extend(self.runs(&[Span::plain(" — ")], size, inh.color, Variant::Regular));
        runs.extend(sentence);
        let lines = shape(&runs, self.fonts).wrap(width);
        if lines.is_empty() || lines.len() > 2 {
            return None;
        }
        let title = plain(heading);
        let slug = self.slug(&title);
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut anchor = Some(Item::Anchor { y: 0.0, level, title, slug });
        let n = lines.len();
        let stripes = lines
            .into_iter()
            .map(|line| {
                let h = line.size.max(size) * st::LEADING;
                let y = baseline(h, line.size.max(size));
                let mut items: Vec<Item> = anchor.take().into_iter().collect();
                line_items(line, x, y, &self.links, &mut items);
                // Its two lines stay together, as a paragraph's do.
                let keep_with_next = n == 2 && !items.is_empty() && items[0].is_anchor();
                Stripe { height: h, items, baseline: Some(y), keep_with_next, ..Stripe::default() }
            })
            .collect();
        Some(stripes)
    }

    fn block(&mut self, block: &Block, x: f32, width: f32, inh: Inherit) {
        match block {
            Block::Heading { level, spans } => self.heading(*level, spans, x, width),
            Block::Paragraph(spans) => {
                self.paragraph(spans, x, width, st::BODY_SIZE, inh.color, Variant::Regular);
                // A lead-in (`**Data quality**`, "Critical paths …:") stays with what it
                // introduces, as a heading does: alone at the foot of a page it read as
                // the end of something.
                if leads_in(spans) {
                    if let Some(last) = self.flow.stripes.last_mut() {
                        last.keep_with_next = true;
                    }
                }
            }
            Block::List { start, items } => self.list(*start, items, x, width, inh),
            Block::Quote(blocks) => {
                let first = self.flow.stripes.len();
                let inner = Inherit { color: st::MUTED, ..inh };
                let indent = st::QUOTE_INDENT.min(width / 4.0);
                self.blocks(blocks, x + indent, width - indent, inner);
                for stripe in &mut self.flow.stripes[first..] {
                    let bar =
                        Item::Fill { x, y: 0.0, w: 2.5, h: stripe.height, color: st::QUOTE_BAR };
                    stripe.items.insert(0, bar);
                }
            }
            Block::Code { lang, text } if lang.eq_ignore_ascii_case("mermaid") => {
                match crate::render::chart::parse_mermaid(text) {
                    Some(chart) => {
                        let stripe = super::chart::stripe(&chart, self.fonts, x, width);
                        self.push(stripe);
                    }
                    None => self.chart_placeholder(text, x, width),
                }
            }
            Block::Code { text, .. } => self.code(text, x, width),
            Block::Rule => {
                let h = 10.0;
                let line = Item::Line {
                    x1: x,
                    y1: h / 2.0,
                    x2: x + width,
                    y2: h / 2.0,
                    color: st::RULE,
                    width: 0.8,
                };
                self.push(Stripe { height: h, items: vec![line], ..Stripe::default() });
            }
            Block::Table { aligns, header, rows } => {
                super::table::layout(self, aligns, header, rows, x, width)
            }
        }
    }

    /// Runs for some spans at a base size, colour and face.
    pub(super) fn runs(&self, spans: &[Span], size: f32, color: Rgb, base: Variant) -> Vec<Run> {
        let base_bold = matches!(base, Variant::Bold | Variant::BoldItalic);
        let base_italic = matches!(base, Variant::Italic | Variant::BoldItalic);
        spans
            .iter()
            .map(|s| {
                let link = s.link.filter(|l| matches!(self.links.get(*l), Some(Some(_))));
                let code = s.style.code;
                let variant =
                    Variant::new(s.style.bold || base_bold, s.style.italic || base_italic, code);
                Run {
                    text: s.text.clone(),
                    style: RunStyle {
                        variant,
                        size: if code { size * st::INLINE_CODE_SCALE } else { size },
                        color: if link.is_some() { st::LINK } else { color },
                        strike: s.style.strike,
                        background: code.then_some(st::INLINE_CODE_BG),
                        link,
                    },
                }
            })
            .collect()
    }

    /// Wrapped inline text as one stripe per line; returns how many stripes it pushed.
    fn paragraph(
        &mut self,
        spans: &[Span],
        x: f32,
        width: f32,
        size: f32,
        color: Rgb,
        base: Variant,
    ) -> usize {
        let runs = self.runs(spans, size, color, base);
        let lines = shape(&runs, self.fonts).wrap(width);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let h = line.size.max(size) * st::LEADING;
            let y = baseline(h, line.size.max(size));
            let mut items = Vec::with_capacity(line.frags.len());
            line_items(line, x, y, &self.links, &mut items);
            // No single first line at the foot of a page, no single last line at the top.
            let keep_with_next = n >= 2 && (i == 0 || i + 2 == n);
            let stripe =
                Stripe { height: h, items, baseline: Some(y), keep_with_next, ..Stripe::default() };
            self.push(stripe);
        }
        n
    }

    fn heading(&mut self, level: u8, spans: &[Span], x: f32, width: f32) {
        let i = (level.clamp(1, 6) - 1) as usize;
        let size = st::HEADING_SIZE[i];
        let first = self.flow.stripes.len();
        let title = plain(spans);
        let n = self.paragraph(spans, x, width, size, st::HEADING, Variant::Bold);
        if n == 0 {
            self.push(Stripe { height: size * st::LEADING, ..Stripe::default() });
        }
        let slug = self.slug(&title);
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let stripes = &mut self.flow.stripes[first..];
        stripes[0].items.push(Item::Anchor { y: 0.0, level, title, slug });
        if level <= 2 {
            if let Some(last) = stripes.last_mut() {
                let (color, w) = if level == 1 { (st::RULE, 1.0) } else { (st::HEADING_RULE, 0.7) };
                let y = last.height + 1.5;
                last.items.push(Item::Line { x1: x, y1: y, x2: x + width, y2: y, color, width: w });
                last.height += 2.5;
            }
        }
        for stripe in stripes {
            stripe.keep_with_next = true;
        }
    }

    /// GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens,
    /// `-1`, `-2` … for repeats.
    fn slug(&mut self, title: &str) -> String {
        let base: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = self.slugs.entry(base.clone()).or_insert(0);
        let slug = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
        *n += 1;
        slug
    }

    fn list(&mut self, start: Option<u64>, items: &[ListItem], x: f32, width: f32, inh: Inherit) {
        let size = st::BODY_SIZE;
        let depth = inh.list_depth;
        let markers: Vec<String> = (0..items.len())
            .map(|i| match start {
                Some(n) => format!("{}.", n.saturating_add(i as u64)),
                None => ["•", "◦", "▪"][depth % 3].to_string(),
            })
            .collect();
        let marker_runs: Vec<Vec<Run>> = markers
            .iter()
            .map(|m| {
                let span = Span { text: m.clone(), style: Default::default(), link: None };
                self.runs(&[span], size, inh.color, Variant::Regular)
            })
            .collect();
        let widest =
            marker_runs.iter().map(|r| shape(r, self.fonts).max_width()).fold(0.0f32, f32::max);
        let indent = st::LIST_INDENT.max(widest + 6.0).min(width / 3.0);
        let inner = Inherit { list_depth: depth + 1, tight: true, ..inh };
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(Stripe::spacer(st::LIST_ITEM_SPACE));
            }
            let first = self.flow.stripes.len();
            if item.blocks.is_empty() {
                self.push(Stripe { height: size * st::LEADING, ..Stripe::default() });
            }
            self.blocks(&item.blocks, x + indent, width - indent, inner);
            let Some(stripe) = self.flow.stripes[first..].iter_mut().find(|s| !s.spacer) else {
                continue;
            };
            let y = stripe.baseline.unwrap_or(baseline(size * st::LEADING, size));
            if let Some(checked) = item.task {
                // A task list item shows its box where a bullet would be.
                task_box(&mut stripe.items, x + (indent - 7.5) / 2.0 - 1.0, y, checked);
                continue;
            }
            let line = shape(&marker_runs[i], self.fonts).wrap(f32::MAX);
            if let Some(line) = line.into_iter().next() {
                // Numbers end at the indent; bullets sit in its middle.
                let mx = match start {
                    Some(_) => x + indent - 5.0 - line.width,
                    None => x + (indent - line.width) / 2.0 - 2.0,
                };
                // Drawn before the item's text, so that text taken from the PDF (search,
                // screen readers, copy and paste) reads the marker first, not after the
                // first line.
                let mut marker = Vec::new();
                line_items(line, mx.max(x), y, &[], &mut marker);
                stripe.items.splice(0..0, marker);
            }
        }
    }

    fn code(&mut self, text: &str, x: f32, width: f32) {
        let size = st::CODE_SIZE;
        let pad = st::CODE_PADDING;
        let lh = size * st::CODE_LEADING;
        let style = RunStyle {
            variant: Variant::Mono,
            size,
            color: st::TEXT,
            strike: false,
            background: None,
            link: None,
        };
        let text = text.strip_suffix('\n').unwrap_or(text);
        let first = self.flow.stripes.len();
        for source in text.split('\n') {
            let run = Run { text: expand_tabs(source), style };
            let mut lines = shape(&[run], self.fonts).wrap(width - 2.0 * pad);
            if lines.is_empty() {
                lines.push(Default::default());
            }
            for line in lines {
                let y = baseline(lh, size);
                let mut items = vec![Item::Fill { x, y: 0.0, w: width, h: lh, color: st::CODE_BG }];
                line_items(line, x + pad, y, &[], &mut items);
                self.push(Stripe { height: lh, items, baseline: Some(y), ..Stripe::default() });
            }
        }
        // Padding above the first line and below the last, in the same shade.
        let n = self.flow.stripes.len();
        let top = &mut self.flow.stripes[first];
        top.height += pad;
        for item in &mut top.items {
            *item = item.clone().shifted(0.0, pad);
        }
        top.items.insert(0, Item::Fill { x, y: 0.0, w: width, h: pad, color: st::CODE_BG });
        top.baseline = top.baseline.map(|b| b + pad);
        let bottom = &mut self.flow.stripes[n - 1];
        let h = bottom.height;
        bottom.items.insert(0, Item::Fill { x, y: h, w: width, h: pad, color: st::CODE_BG });
        bottom.height += pad;
    }

    /// A Mermaid diagram rolecall did not write (a user's own): a framed box names it.
    fn chart_placeholder(&mut self, source: &str, x: f32, width: f32) {
        let caption = chart_caption(source);
        let h = 54.0;
        let mut items = vec![
            Item::Fill { x, y: 0.0, w: width, h, color: st::CHART_BG },
            Item::Frame {
                x,
                y: 0.0,
                w: width,
                h,
                color: st::CHART_BORDER,
                width: 0.8,
                dashed: true,
            },
        ];
        let lines = [
            (caption, Variant::Bold, st::BODY_SIZE, st::TEXT, 22.0),
            (
                "This diagram is drawn in the Markdown report only.".to_string(),
                Variant::Italic,
                8.5,
                st::MUTED,
                38.0,
            ),
        ];
        for (text, variant, size, color, y) in lines {
            let style =
                RunStyle { variant, size, color, strike: false, background: None, link: None };
            let wrapped = shape(&[Run { text, style }], self.fonts).wrap(width - 16.0);
            if let Some(line) = wrapped.into_iter().next() {
                let lx = x + (width - line.width) / 2.0;
                line_items(line, lx, y, &[], &mut items);
            }
        }
        self.push(Stripe { height: h, items, ..Stripe::default() });
    }
}

fn task_box(items: &mut Vec<Item>, x: f32, baseline: f32, checked: bool) {
    let s = 7.5;
    let y = baseline - s + 0.5;
    if checked {
        items.push(Item::Fill { x, y, w: s, h: s, color: st::LINK });
        let c = Rgb(1.0, 1.0, 1.0);
        let w = 1.2;
        items.push(Item::Line {
            x1: x + 1.6,
            y1: y + 3.9,
            x2: x + 3.2,
            y2: y + 5.6,
            color: c,
            width: w,
        });
        items.push(Item::Line {
            x1: x + 3.2,
            y1: y + 5.6,
            x2: x + 6.0,
            y2: y + 1.8,
            color: c,
            width: w,
        });
    } else {
        items.push(Item::Frame { x, y, w: s, h: s, color: st::MUTED, width: 0.8, dashed: false });
    }
}

fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// Whether a paragraph introduces what follows: all of it bold (a run-in title such as
/// `**Data quality**`), or ending with a colon.
/// A heading (below the title) whose whole section is one paragraph: the heading, and
/// the paragraph's spans.
fn short_section(blocks: &[Block], i: usize) -> Option<(u8, &[Span], &[Span])> {
    let (Some(Block::Heading { level, spans }), Some(Block::Paragraph(body))) =
        (blocks.get(i), blocks.get(i + 1))
    else {
        return None;
    };
    let ends = match blocks.get(i + 2) {
        None => true,
        Some(Block::Heading { level: next, .. }) => next <= level,
        Some(_) => false,
    };
    let text = plain(body);
    (*level >= 2 && ends && !text.trim().is_empty() && !text.contains('\n')).then_some((
        *level,
        spans.as_slice(),
        body.as_slice(),
    ))
}

fn leads_in(spans: &[Span]) -> bool {
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let all_bold = spans.iter().all(|s| s.style.bold || s.text.trim().is_empty());
    !text.trim().is_empty() && (all_bold || text.trim_end().ends_with(':'))
}

/// "Chart: Burn-up (xychart-beta)" from the chart's title and type, else its first line.
pub(super) fn chart_caption(source: &str) -> String {
    let mut lines = source.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("%%"));
    let mut first = lines.next().unwrap_or("");
    let mut title = None;
    if first == "---" {
        // Front matter: `title: …` until the closing `---`.
        for l in lines.by_ref() {
            if l == "---" {
                break;
            }
            if let Some(t) = l.strip_prefix("title:") {
                title = Some(t.trim().trim_matches('"').to_string());
            }
        }
        first = lines.next().unwrap_or("");
    }
    let kind = first.split_whitespace().next().unwrap_or("chart");
    if title.is_none() {
        title = lines
            .find_map(|l| l.strip_prefix("title "))
            .map(|t| t.trim().trim_matches('"').to_string());
    }
    match title {
        Some(t) if !t.is_empty() => format!("Chart: {t} ({kind})"),
        _ if first.is_empty() => "Chart".to_string(),
        _ => format!("Chart: {first}"),
    }
}

/// Only web and mail links become clickable; `#heading` links jump inside the PDF; a
/// PDF beside this one (`product.pdf`: the index's links to the reports) opens it.
/// Anything else (`javascript:`, `file:`, `data:`, other relative paths) stays plain text.
fn link_target(url: &str) -> Option<Target> {
    let url = url.trim();
    if let Some(slug) = url.strip_prefix('#') {
        return (!slug.is_empty()).then(|| Target::Heading(slug.to_lowercase()));
    }
    let sibling = url.strip_suffix(".pdf").is_some_and(|stem| {
        !stem.is_empty()
            && !stem.starts_with('.')
            && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    if sibling {
        return Some(Target::Uri(url.to_string()));
    }
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    let ok = matches!(scheme.as_deref(), Some("http" | "https" | "mailto"))
        && !url.chars().any(|c| c.is_control() || c == ' ');
    ok.then(|| Target::Uri(url.to_string()))
}

fn space_before(block: &Block) -> f32 {
    match block {
        Block::Heading { level, .. } => {
            st::HEADING_SPACE_BEFORE[(level.clamp(&1, &6) - 1) as usize]
        }
        Block::Table { .. } | Block::Code { .. } => 8.0,
        _ => st::PARAGRAPH_SPACE,
    }
}

fn space_after(block: &Block) -> f32 {
    match block {
        Block::Heading { level, .. } => st::HEADING_SPACE_AFTER[(level.clamp(&1, &6) - 1) as usize],
        Block::Table { .. } | Block::Code { .. } => 9.0,
        _ => st::PARAGRAPH_SPACE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_captions() {
        assert_eq!(
            chart_caption("xychart-beta\n  title \"Burn-up\"\n  x-axis [a, b]\n"),
            "Chart: Burn-up (xychart-beta)"
        );
        assert_eq!(chart_caption("pie showData\n"), "Chart: pie showData");
        assert_eq!(
            chart_caption("---\ntitle: Flow\n---\nflowchart LR\n"),
            "Chart: Flow (flowchart)"
        );
        assert_eq!(chart_caption(""), "Chart");
    }

    #[test]
    fn only_safe_links_are_followed() {
        assert_eq!(link_target("https://a.b/c"), Some(Target::Uri("https://a.b/c".into())));
        assert_eq!(link_target("mailto:x@y.z"), Some(Target::Uri("mailto:x@y.z".into())));
        assert_eq!(link_target("#Risks"), Some(Target::Heading("risks".into())));
        // The index's links to the role reports beside it; no other path.
        assert_eq!(link_target("product.pdf"), Some(Target::Uri("product.pdf".into())));
        assert_eq!(link_target("../x.pdf"), None);
        assert_eq!(link_target("/etc/x.pdf"), None);
        assert_eq!(link_target("product.md"), None);
        for bad in
            ["javascript:alert(1)", " JavaScript:alert(1)", "file:///etc", "data:x", "rel/x.md", ""]
        {
            assert_eq!(link_target(bad), None, "{bad}");
        }
    }

    /// Each list item's marker comes before its text in the page's drawing order, which
    /// is the order text is taken from the PDF in (search, screen readers, copying): a
    /// two-line item read "first line • second line" with the next bullet in the middle.
    #[test]
    fn list_markers_come_before_their_text() {
        let none = super::super::fonts::FallbackFiles::read(&[]).expect("no fallbacks");
        let mut fonts = Fonts::new(&none).expect("fonts");
        let doc = super::super::markdown::parse("- alpha\n- beta\n\n1. gamma\n");
        let mut ctx = Ctx::new(&mut fonts, &doc.links, 700.0);
        ctx.layout(&doc.blocks, 400.0);
        let texts: Vec<String> = (ctx.flow.stripes.iter())
            .flat_map(|s| &s.items)
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        let order: Vec<&str> = texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect();
        assert_eq!(order, ["•", "alpha", "•", "beta", "1.", "gamma"], "{texts:?}");
    }

    /// A bold run-in title or a line ending in a colon keeps with the block it introduces;
    /// an ordinary paragraph does not.
    #[test]
    fn lead_ins_keep_with_what_follows() {
        let none = super::super::fonts::FallbackFiles::read(&[]).expect("no fallbacks");
        let mut fonts = Fonts::new(&none).expect("fonts");
        let keeps = |fonts: &mut Fonts<'_>, md: &str| -> bool {
            let doc = super::super::markdown::parse(md);
            let mut ctx = Ctx::new(fonts, &doc.links, 700.0);
            ctx.layout(&doc.blocks, 400.0);
            ctx.flow.stripes[0].keep_with_next
        };
        assert!(keeps(&mut fonts, "**Data quality**\n- one\n"));
        assert!(keeps(&mut fonts, "Critical paths (the longest chains):\n\n- a\n"));
        assert!(!keeps(&mut fonts, "Nothing is overdue.\n\n- a\n"));
        assert!(!keeps(&mut fonts, "Partly **bold** text.\n\n- a\n"));
    }

    #[test]
    fn tabs_expand_to_stops_of_four() {
        assert_eq!(expand_tabs("a\tb"), "a   b");
        assert_eq!(expand_tabs("\tx"), "    x");
    }
}
