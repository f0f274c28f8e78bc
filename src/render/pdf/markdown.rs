//! GitHub-flavoured Markdown (pulldown-cmark) into the block tree the layout works on.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Inline style bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub strike: bool,
}

/// A run of text in one style, perhaps a link (an index into [`Doc::links`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    pub text: String,
    pub style: Style,
    pub link: Option<usize>,
}

impl Span {
    /// Unstyled text, not a link.
    pub(super) fn plain(text: &str) -> Span {
        Span { text: text.to_string(), style: Style::default(), link: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph(Vec<Span>),
    /// `start` is the first number of an ordered list.
    List {
        start: Option<u64>,
        items: Vec<ListItem>,
    },
    Quote(Vec<Block>),
    Code {
        lang: String,
        text: String,
    },
    Rule,
    Table {
        aligns: Vec<Align>,
        header: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct ListItem {
    /// `Some(checked)` for a task list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Default)]
pub(super) struct Doc {
    pub blocks: Vec<Block>,
    /// Link targets as written; the writer decides which become annotations.
    pub links: Vec<String>,
}

/// An open container while parsing.
enum Frame {
    Root(Vec<Block>),
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<ListItem> },
    Item(ListItem),
    Table { aligns: Vec<Align>, header: Vec<Vec<Span>>, rows: Vec<Vec<Vec<Span>>>, in_head: bool },
}

struct Builder {
    stack: Vec<Frame>,
    /// Inline content being collected (paragraph, heading, table cell, or tight list text).
    spans: Vec<Span>,
    style: Style,
    link: Vec<Option<usize>>,
    heading: Option<u8>,
    code: Option<(String, String)>,
    row: Vec<Vec<Span>>,
    links: Vec<String>,
    image_depth: usize,
    /// Quotes, lists and items opened past [`MAX_DEPTH`], not nested further: their
    /// content joins the deepest container kept.
    flattened: usize,
}

/// The deepest nesting of quotes and lists kept. A page has room for a few levels; a
/// notes file of 3,000 `> ` would otherwise be laid out (and dropped) by recursion as
/// deep, past the stack.
const MAX_DEPTH: usize = 24;

pub(super) fn parse(markdown: &str) -> Doc {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let mut b = Builder {
        stack: vec![Frame::Root(Vec::new())],
        spans: Vec::new(),
        style: Style::default(),
        link: Vec::new(),
        heading: None,
        code: None,
        row: Vec::new(),
        links: Vec::new(),
        image_depth: 0,
        flattened: 0,
    };
    for event in Parser::new_ext(markdown, options) {
        b.event(event);
    }
    b.flush_inline();
    // Unbalanced frames cannot happen with pulldown-cmark, but never lose content.
    while b.stack.len() > 1 {
        b.close_container();
    }
    let blocks = match b.stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => Vec::new(),
    };
    Doc { blocks, links: b.links }
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                } else {
                    self.text(&text, self.style);
                }
            }
            Event::Code(text) => {
                let style = Style { code: true, ..self.style };
                self.text(&text, style);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, self.style),
            Event::SoftBreak => self.text(" ", self.style),
            Event::HardBreak => self.text("\n", self.style),
            Event::InlineHtml(html) => self.html(&html, false),
            // Raw HTML blocks (`<details><summary>`, `<p align=center>`, `<div>`) from a
            // template of one's own: their text is kept (it was dropped without a word
            // while the Markdown showed it), tags and comments are not; an image is its
            // alt text.
            Event::Html(html) => self.html(&html, true),
            Event::Rule => {
                self.flush_inline();
                self.push_block(Block::Rule);
            }
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(item)) = self.stack.last_mut() {
                    item.task = Some(checked);
                }
            }
            Event::FootnoteReference(name) => self.text(&format!("[{name}]"), self.style),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        if matches!(tag, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
            && self.stack.len() >= MAX_DEPTH
        {
            self.flush_inline();
            self.flattened += 1;
            return;
        }
        match tag {
            Tag::Paragraph => self.flush_inline(),
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.heading = Some(heading_level(level));
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.stack.push(Frame::Quote(Vec::new()));
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.flush_inline();
                self.stack.push(Frame::List { start, items: Vec::new() });
            }
            Tag::Item => {
                self.flush_inline();
                self.stack.push(Frame::Item(ListItem::default()));
            }
            Tag::Table(aligns) => {
                self.flush_inline();
                let aligns = aligns
                    .into_iter()
                    .map(|a| match a {
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                        Alignment::Left | Alignment::None => Align::Left,
                    })
                    .collect();
                self.stack.push(Frame::Table {
                    aligns,
                    header: Vec::new(),
                    rows: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = true;
                }
            }
            Tag::TableRow | Tag::TableCell => {}
            Tag::Emphasis => self.style.italic = true,
            Tag::Strong => self.style.bold = true,
            Tag::Strikethrough => self.style.strike = true,
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.link.push(Some(self.links.len() - 1));
            }
            Tag::Image { .. } => {
                self.image_depth += 1;
                self.text("[image: ", Style { italic: true, ..self.style });
            }
            // Not enabled, or nothing to draw: their text still flows as paragraphs.
            Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_inline(),
            TagEnd::Heading(_) => {
                let spans = std::mem::take(&mut self.spans);
                let level = self.heading.take().unwrap_or(1);
                self.push_block(Block::Heading { level, spans });
            }
            TagEnd::CodeBlock => {
                if let Some((lang, text)) = self.code.take() {
                    self.push_block(Block::Code { lang, text });
                }
            }
            // Those opened past the depth kept were not nested: the innermost end first.
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item if self.flattened > 0 => {
                self.flush_inline();
                self.flattened -= 1;
            }
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::Table => {
                self.flush_inline();
                self.close_container();
            }
            TagEnd::TableHead => {
                let row = std::mem::take(&mut self.row);
                if let Some(Frame::Table { header, in_head, .. }) = self.stack.last_mut() {
                    *header = row;
                    *in_head = false;
                }
            }
            TagEnd::TableRow => {
                let row = std::mem::take(&mut self.row);
                if let Some(Frame::Table { rows, .. }) = self.stack.last_mut() {
                    rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                self.row.push(cell);
            }
            TagEnd::HtmlBlock => self.end_html_paragraph(),
            TagEnd::Emphasis => self.style.italic = false,
            TagEnd::Strong => self.style.bold = false,
            TagEnd::Strikethrough => self.style.strike = false,
            TagEnd::Link => {
                self.link.pop();
            }
            TagEnd::Image => {
                self.image_depth = self.image_depth.saturating_sub(1);
                self.text("]", Style { italic: true, ..self.style });
            }
            _ => {}
        }
    }

    /// The text of raw HTML: tags and comments left out, an image as `[image: alt]`, a
    /// line break kept, and in a block (`block`), block elements (`<p>`, `<div>`,
    /// `<summary>`…) as paragraphs. A few common entities are decoded.
    fn html(&mut self, html: &str, block: bool) {
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("<!--") {
                rest = after.find("-->").map_or("", |e| &after[e + 3..]);
                continue;
            }
            if rest.starts_with('<') {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                let tag = rest[..end].to_ascii_lowercase();
                let name: String = tag
                    .trim_start_matches(['<', '/'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                match name.as_str() {
                    "br" => self.text("\n", self.style),
                    "img" => {
                        let alt = html_attr(&rest[..end], "alt").unwrap_or_default();
                        let alt = if alt.is_empty() {
                            "image".to_string()
                        } else {
                            format!("image: {alt}")
                        };
                        self.text(&format!("[{alt}]"), Style { italic: true, ..self.style });
                    }
                    "p" | "div" | "details" | "summary" | "li" | "ul" | "ol" | "h1" | "h2"
                    | "h3" | "h4" | "h5" | "h6" | "table" | "tr" | "blockquote" | "pre"
                    | "center" | "section" | "hr"
                        if block =>
                    {
                        self.end_html_paragraph()
                    }
                    "td" | "th" => self.text(" ", self.style),
                    _ => {}
                }
                rest = &rest[end..];
                continue;
            }
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode_entities(&rest[..end]);
            let mut flat = String::with_capacity(text.len());
            for (i, word) in text.split_whitespace().enumerate() {
                if i > 0 || text.starts_with(char::is_whitespace) {
                    flat.push(' ');
                }
                flat.push_str(word);
            }
            if text.ends_with(char::is_whitespace) && !flat.is_empty() {
                flat.push(' ');
            }
            // Spaces at the start of a paragraph are not text.
            let flat = if self.spans.is_empty() { flat.trim_start().to_string() } else { flat };
            if !flat.trim().is_empty() || (!flat.is_empty() && !self.spans.is_empty()) {
                self.text(&flat, self.style);
            }
            rest = &rest[end..];
        }
    }

    /// A paragraph of HTML text ends: without the space its last line break left.
    fn end_html_paragraph(&mut self) {
        if let Some(last) = self.spans.last_mut() {
            last.text.truncate(last.text.trim_end_matches(' ').len());
        }
        self.flush_inline();
    }

    fn text(&mut self, text: &str, style: Style) {
        let link = self.link.last().copied().flatten();
        let style = if self.image_depth > 0 { Style { italic: true, ..style } } else { style };
        match self.spans.last_mut() {
            Some(last) if last.style == style && last.link == link => last.text.push_str(text),
            _ => self.spans.push(Span { text: text.to_string(), style, link }),
        }
    }

    /// Inline content outside a table cell or heading ends as a paragraph.
    fn flush_inline(&mut self) {
        if self.spans.is_empty() || self.heading.is_some() {
            return;
        }
        if matches!(self.stack.last(), Some(Frame::Table { .. })) {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        self.push_block(Block::Paragraph(spans));
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Root(blocks)) | Some(Frame::Quote(blocks)) => blocks.push(block),
            Some(Frame::Item(item)) => item.blocks.push(block),
            // A block directly inside a list or table (never from pulldown-cmark): wrap it.
            Some(Frame::List { items, .. }) => {
                items.push(ListItem { task: None, blocks: vec![block] });
            }
            Some(Frame::Table { rows, .. }) => {
                if let Block::Paragraph(spans) = block {
                    rows.push(vec![spans]);
                }
            }
            None => self.stack.push(Frame::Root(vec![block])),
        }
    }

    fn close_container(&mut self) {
        let Some(frame) = self.stack.pop() else { return };
        let block = match frame {
            Frame::Root(blocks) => {
                self.stack.push(Frame::Root(blocks));
                return;
            }
            Frame::Quote(blocks) => Block::Quote(blocks),
            Frame::List { start, items } => Block::List { start, items },
            Frame::Item(item) => {
                match self.stack.last_mut() {
                    Some(Frame::List { items, .. }) => items.push(item),
                    _ => {
                        for block in item.blocks {
                            self.push_block(block);
                        }
                    }
                }
                return;
            }
            Frame::Table { aligns, header, rows, .. } => Block::Table { aligns, header, rows },
        };
        self.push_block(block);
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The plain text of some spans.
pub(super) fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// An attribute's value in an HTML tag (`alt="A chart"`, `alt='x'`, `alt=x`).
fn html_attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_whitespace());
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value = tag[tag.len() - after.len() + 1..].trim_start();
        let v = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(v));
    }
    None
}

/// The entities a hand-written HTML snippet has: `&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`, `&nbsp;`.
fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Span {
        Span { text: s.into(), style: Style::default(), link: None }
    }

    /// Raw HTML of a template of one's own keeps its text in the PDF (it was dropped):
    /// tags and comments go, an image is its alt text, block elements are paragraphs.
    #[test]
    fn html_blocks_keep_their_text() {
        let doc = parse(
            "# T\n\n<details><summary>Summary &amp; more</summary>\n\nBody\n\n</details>\n\n<p align=\"center\">Centred\ntext</p>\n\n<!-- a comment -->\n\n<img src=\"x.png\" alt=\"A chart\">\n\n<div>\nIn a div\n</div>\n\nInline <b>bold</b> and <img alt='pic' src=y>.\n",
        );
        let paragraphs: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(plain(p)),
                _ => None,
            })
            .collect();
        assert_eq!(
            paragraphs,
            [
                "Summary & more",
                "Body",
                "Centred text",
                "[image: A chart]",
                "In a div",
                "Inline bold and [image: pic]."
            ]
        );
    }

    #[test]
    fn blocks_of_a_small_report() {
        let doc = parse(
            "# Title\n\nSome **bold** [link](https://x.y).\n\n- a\n- [x] b\n\n| h | n |\n|---|--:|\n| c | 1 |\n\n> quote\n\n---\n\n```mermaid\nxychart-beta\n```\n",
        );
        assert_eq!(doc.links, vec!["https://x.y".to_string()]);
        assert_eq!(doc.blocks[0], Block::Heading { level: 1, spans: vec![text("Title")] });
        let Block::Paragraph(p) = &doc.blocks[1] else { panic!("{:?}", doc.blocks[1]) };
        assert_eq!(plain(p), "Some bold link.");
        assert!(p[1].style.bold);
        assert_eq!(p[3].link, Some(0));
        let Block::List { start: None, items } = &doc.blocks[2] else { panic!() };
        assert_eq!(items[1].task, Some(true));
        assert_eq!(items[1].blocks, vec![Block::Paragraph(vec![text("b")])]);
        let Block::Table { aligns, header, rows } = &doc.blocks[3] else { panic!() };
        assert_eq!(aligns, &[Align::Left, Align::Right]);
        assert_eq!(plain(&header[1]), "n");
        assert_eq!(plain(&rows[0][0]), "c");
        assert!(matches!(&doc.blocks[4], Block::Quote(b) if b.len() == 1));
        assert_eq!(doc.blocks[5], Block::Rule);
        assert_eq!(
            doc.blocks[6],
            Block::Code { lang: "mermaid".into(), text: "xychart-beta\n".into() }
        );
    }

    /// Quotes and lists nested thousands deep (a notes file) keep their text, nested no
    /// deeper than a page can show, and parse, lay out and drop without deep recursion.
    #[test]
    fn deep_nesting_is_kept_to_a_depth_with_its_text() {
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::Quote(inner) => 1 + depth(inner),
                    Block::List { items, .. } => {
                        1 + items.iter().map(|i| depth(&i.blocks)).max().unwrap_or(0)
                    }
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        for text in ["> ".repeat(3000) + "deep\n", "- ".repeat(3000) + "deep\n"] {
            let doc = parse(&text);
            assert!(depth(&doc.blocks) <= MAX_DEPTH, "{}", depth(&doc.blocks));
            assert!(format!("{doc:?}").contains("deep"));
        }
    }

    #[test]
    fn empty_cells_and_nested_lists_survive() {
        let doc = parse("| a | b |\n|---|---|\n|  | x |\n\n1. one\n   - two\n     - three\n");
        let Block::Table { rows, .. } = &doc.blocks[0] else { panic!() };
        assert!(rows[0][0].is_empty());
        let Block::List { start: Some(1), items } = &doc.blocks[1] else { panic!() };
        assert!(matches!(&items[0].blocks[1], Block::List { start: None, .. }));
    }
}
