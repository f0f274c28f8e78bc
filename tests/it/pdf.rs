//! The PDF renderer, through the library: what a reader can extract from the pages, table
//! headers repeated across page breaks, identical bytes within and across processes,
//! fonts and missing glyphs, metadata, links, outline, and random Markdown that must never
//! break it.

use std::path::{Path, PathBuf};

use lopdf::{Document, Object};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rolecall::render::pdf::{render, PageSize, PdfOptions, PdfOutput};
use rolecall::Error;

use crate::common::child;
use crate::common::rng::Rng;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf").join(name)
}

fn options() -> PdfOptions {
    PdfOptions {
        title: "Program report".into(),
        subtitle: "Acme Analytics · 2026-W48".into(),
        author: "rolecall".into(),
        subject: "Weekly program status".into(),
        keywords: vec!["program".into(), "2026-W48".into()],
        as_of: "2026-11-27T17:00:00Z".parse().expect("well-formed"),
        ..PdfOptions::default()
    }
}

fn load(pdf: &PdfOutput) -> Document {
    let doc = Document::load_mem(&pdf.bytes).expect("lopdf loads the PDF");
    assert_eq!(doc.get_pages().len(), pdf.pages);
    doc
}

/// The text of each page, with all whitespace removed: extraction does not know where
/// the spaces between separately drawn pieces (table cells, wrapped lines) were.
fn page_texts(doc: &Document) -> Vec<String> {
    doc.get_pages()
        .keys()
        .map(|&n| squash(&doc.extract_text(&[n]).expect("text extracts")))
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Headings and table cells of a Markdown document, as plain text.
fn headings_and_cells(markdown: &str) -> (Vec<String>, Vec<String>) {
    let (mut headings, mut cells) = (Vec::new(), Vec::new());
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::TableCell) => current = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = &mut current {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            Event::End(TagEnd::TableCell) => cells.extend(current.take()),
            _ => {}
        }
    }
    // The round status emoji are drawn as coloured ● glyphs.
    let clean = |s: String| squash(&s.replace(['🔴', '🟠', '🟢'], "●"));
    (headings.into_iter().map(clean).collect(), cells.into_iter().map(clean).collect())
}

#[test]
fn every_heading_and_table_cell_of_the_fixture_report_is_in_the_text() {
    let markdown = std::fs::read_to_string(fixture("report.md")).unwrap();
    let pdf = render(&markdown, &options()).unwrap();
    assert_eq!(pdf.missing_glyphs, 0);
    let doc = load(&pdf);
    let text = page_texts(&doc).concat();
    let (headings, cells) = headings_and_cells(&markdown);
    assert!(headings.len() >= 9 && cells.len() >= 40, "{headings:?} {cells:?}");
    for h in &headings {
        assert!(text.contains(h.as_str()), "heading {h:?} missing from {text}");
    }
    for c in cells.iter().filter(|c| !c.is_empty()) {
        assert!(text.contains(c.as_str()), "cell {c:?} missing from {text}");
    }
    for words in
        ["Dataasof2026-11-27", "Page1of2", "Page2of2", "ProgramreportAcmeAnalytics·2026-W48"]
    {
        assert!(text.contains(words), "{words}");
    }
    assert!(text.contains("Ελληνικά") && text.contains("Кириллица") && text.contains("Zürich"));
}

/// Every annotation's action dictionary, as (kind, target) pairs.
fn links(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for page in doc.get_pages().values() {
        let Ok(annots) = doc.get_dictionary(*page).and_then(|p| p.get(b"Annots")) else { continue };
        for a in annots.as_array().expect("well-formed") {
            let a = match a {
                Object::Reference(id) => doc.get_dictionary(*id).expect("well-formed"),
                Object::Dictionary(d) => d,
                other => panic!("annotation {other:?}"),
            };
            let action = a.get(b"A").expect("well-formed").as_dict().expect("well-formed");
            let kind = String::from_utf8_lossy(
                action.get(b"S").expect("well-formed").as_name().expect("well-formed"),
            );
            let target = match action.get(b"URI") {
                Ok(uri) => String::from_utf8_lossy(uri.as_str().expect("well-formed")).into_owned(),
                Err(_) => format!("{:?}", action.get(b"D").expect("well-formed")),
            };
            out.push((kind.into_owned(), target));
        }
    }
    out
}

#[test]
fn links_are_clickable_except_javascript_and_fragments_jump_to_headings() {
    let markdown = std::fs::read_to_string(fixture("report.md")).unwrap();
    let doc = load(&render(&markdown, &options()).unwrap());
    let links = links(&doc);
    let uris: Vec<&str> =
        links.iter().filter(|(k, _)| k == "URI").map(|(_, t)| t.as_str()).collect();
    assert!(uris.contains(&"https://acme.atlassian.net/browse/ACME-402"), "{uris:?}");
    assert!(uris.iter().any(|u| u.starts_with("https://acme.atlassian.net/secure/RapidBoard")));
    assert!(links.iter().all(|(_, t)| !t.to_lowercase().contains("javascript")), "{links:?}");
    assert_eq!(links.iter().filter(|(k, _)| k == "GoTo").count(), 1, "{links:?}");
}

/// Titles of the outline, depth-first, with their depth.
fn outline(doc: &Document) -> Vec<(usize, String)> {
    fn walk(doc: &Document, first: Option<&Object>, depth: usize, out: &mut Vec<(usize, String)>) {
        let mut next = first.and_then(|o| o.as_reference().ok());
        while let Some(id) = next {
            let item = doc.get_dictionary(id).expect("well-formed");
            let title = item.get(b"Title").expect("well-formed").as_str().expect("well-formed");
            let units: Vec<u16> =
                title[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            out.push((depth, String::from_utf16(&units).expect("well-formed")));
            walk(doc, item.get(b"First").ok(), depth + 1, out);
            next = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
        }
    }
    let catalog = doc.catalog().expect("well-formed");
    let root = doc
        .get_dictionary(
            catalog.get(b"Outlines").expect("well-formed").as_reference().expect("well-formed"),
        )
        .expect("well-formed");
    let mut out = Vec::new();
    walk(doc, root.get(b"First").ok(), 0, &mut out);
    out
}

#[test]
fn the_outline_nests_headings_in_reading_order() {
    let markdown = std::fs::read_to_string(fixture("report.md")).unwrap();
    let doc = load(&render(&markdown, &options()).unwrap());
    let outline = outline(&doc);
    assert_eq!(outline[0], (0, "Program report — Acme Analytics, 2026-W48".to_string()));
    assert_eq!(outline[1], (1, "Summary".to_string()));
    assert_eq!(outline[2], (1, "Milestones".to_string()));
    assert_eq!(outline[3], (2, "Checkout v2 — 2026-12-18".to_string()));
    assert!(outline.contains(&(3, "Decisions needed".to_string())), "{outline:?}");
    assert_eq!(outline.len(), 9, "{outline:?}");
}

#[test]
fn metadata_comes_from_the_options() {
    let doc = load(&render("# Hi\n", &options()).unwrap());
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info).unwrap();
    let text = |key: &[u8]| {
        let bytes = info.get(key).unwrap().as_str().unwrap();
        match bytes.strip_prefix(&[0xfe, 0xff]) {
            Some(utf16) => String::from_utf16(
                &utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>(),
            )
            .unwrap(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        }
    };
    // The header's two halves: three attachments do not all read "Program report".
    assert_eq!(text(b"Title"), "Program report · Acme Analytics · 2026-W48");
    assert_eq!(text(b"Author"), "rolecall");
    assert_eq!(text(b"Subject"), "Weekly program status");
    assert_eq!(text(b"Keywords"), "program,2026-W48");
    assert!(text(b"CreationDate").starts_with("D:20261127170000"), "{}", text(b"CreationDate"));
    assert!(text(b"ModDate").starts_with("D:20261127170000"));
    assert!(info.get(b"GTS_PDFXVersion").is_err());
}

/// The catalog of a report: its language, its title shown instead of the file name,
/// and XMP metadata, for screen readers and mail previews.
fn catalog_and_xmp(opts: &PdfOptions) -> (Document, String, String) {
    let doc = load(&render("# Hi\n\nText.\n", opts).expect("well-formed"));
    let catalog = doc.catalog().expect("well-formed");
    let lang = String::from_utf8_lossy(
        catalog.get(b"Lang").expect("well-formed").as_str().expect("well-formed"),
    )
    .into_owned();
    let prefs =
        catalog.get(b"ViewerPreferences").expect("well-formed").as_dict().expect("well-formed");
    assert!(prefs.get(b"DisplayDocTitle").expect("well-formed").as_bool().expect("well-formed"));
    let id = catalog.get(b"Metadata").expect("well-formed").as_reference().expect("well-formed");
    let stream = doc.get_object(id).expect("well-formed").as_stream().expect("well-formed");
    assert!(stream.dict.get(b"Filter").is_err(), "XMP is left uncompressed");
    let xmp = String::from_utf8(stream.content.clone()).expect("well-formed");
    (doc, lang, xmp)
}

#[test]
fn the_language_and_title_are_declared_for_screen_readers() {
    let (doc, lang, xmp) = catalog_and_xmp(&options());
    assert_eq!(lang, "en");
    assert!(doc.version.as_str() >= "1.4", "{}", doc.version);
    assert!(
        xmp.contains(
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Program report · Acme Analytics · 2026-W48</rdf:li>"
        ),
        "{xmp}"
    );
    assert!(xmp.contains("<dc:language><rdf:Bag><rdf:li>en</rdf:li>"), "{xmp}");
    assert!(xmp.contains("<xmp:CreateDate>2026-11-27T17:00:00Z</xmp:CreateDate>"), "{xmp}");
    // Markup in a title is escaped; a language tag that is not one is not written.
    let odd = PdfOptions { subtitle: "R&D <Ops>".into(), lang: "de-CH".into(), ..options() };
    let (_, lang, xmp) = catalog_and_xmp(&odd);
    assert_eq!(lang, "de-CH");
    assert!(xmp.contains("Program report · R&amp;D &lt;Ops&gt;</rdf:li>"), "{xmp}");
    let (_, lang, _) = catalog_and_xmp(&PdfOptions { lang: "en) /JS (x".into(), ..options() });
    assert_eq!(lang, "en");
}

/// Web addresses written in text (a title, as the escaper breaks their `://`) and item
/// keys the document links elsewhere are links, to exactly what they show.
#[test]
fn addresses_and_linked_keys_in_text_are_clickable() {
    let markdown = "# Report\n\n**Red** — most wanted: ACME-30 (31 votes).\n\n\
                    - [ACME-30](https://acme.atlassian.net/browse/ACME-30) Invoices\n\
                    - ACME-31 Read https:\u{200B}//developer.mozilla.org/en-US/docs/Arrow\\_functions. · Web\n";
    let doc = load(&render(markdown, &options()).unwrap());
    let uris: Vec<String> =
        links(&doc).into_iter().filter(|(k, _)| k == "URI").map(|(_, t)| t).collect();
    assert_eq!(
        uris,
        [
            "https://acme.atlassian.net/browse/ACME-30",
            "https://acme.atlassian.net/browse/ACME-30",
            "https://developer.mozilla.org/en-US/docs/Arrow_functions"
        ]
    );
    let text = page_texts(&doc).concat();
    assert!(text.contains("https://developer.mozilla.org/en-US/docs/Arrow_functions."), "{text}");
}

/// A section that is one short sentence is one line, its heading run in, and keeps its
/// bookmark: thirty of them fit on a page (with a heading above each they took three).
#[test]
fn sections_of_one_short_sentence_are_one_line_each() {
    let mut markdown = "# Report\n\n".to_string();
    for i in 0..30 {
        markdown.push_str(&format!("## Section {i}\n\nNothing this week.\n\n"));
    }
    markdown.push_str("## Long\n\n- a list is not one sentence\n");
    let pdf = render(&markdown, &options()).unwrap();
    assert_eq!(pdf.pages, 1);
    let doc = load(&pdf);
    let outline = outline(&doc);
    assert_eq!(outline.len(), 32, "{outline:?}");
    assert_eq!(outline[1], (1, "Section 0".to_string()));
    let text = page_texts(&doc).concat();
    assert!(text.contains("Section0—Nothingthisweek.Section1—"), "{text}");
}

#[test]
fn page_size_and_margins_follow_the_options() {
    let media = |opts: &PdfOptions| {
        let doc = load(&render("text\n", opts).unwrap());
        let page = *doc.get_pages().values().next().unwrap();
        let media = doc.get_dictionary(page).unwrap().get(b"MediaBox").unwrap().as_array().unwrap();
        media.iter().map(|o| o.as_float().unwrap().round() as i64).collect::<Vec<_>>()
    };
    assert_eq!(media(&options()), vec![0, 0, 595, 842]);
    assert_eq!(media(&PdfOptions { page: PageSize::Letter, ..options() }), vec![0, 0, 612, 792]);
    // Wider margins: the same text needs more pages.
    let long = "word ".repeat(6000);
    let narrow = render(&long, &PdfOptions { margin_mm: 10.0, ..options() }).unwrap().pages;
    let wide = render(&long, &PdfOptions { margin_mm: 40.0, ..options() }).unwrap().pages;
    assert!(wide > narrow, "{wide} > {narrow}");
}

fn long_table(rows: usize) -> String {
    let mut md =
        String::from("# Backlog\n\nAll open items.\n\n| Key | Title | Owner |\n|---|---|---|\n");
    for i in 0..rows {
        md.push_str(&format!("| ROW-{i:03} | Item number {i} with a title | person{} |\n", i % 7));
    }
    md
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header_on_every_page() {
    let pdf = render(&long_table(150), &options()).unwrap();
    assert!(pdf.pages >= 3, "{} pages", pdf.pages);
    let pages = page_texts(&load(&pdf));
    for (i, text) in pages.iter().enumerate() {
        let at = text.find("KeyTitleOwner").unwrap_or_else(|| panic!("page {}: {text}", i + 1));
        if i > 0 {
            assert_eq!(at, 0, "the header starts page {}", i + 1);
        }
        assert_eq!(text.matches("KeyTitleOwner").count(), 1);
    }
    let all = pages.concat();
    for i in 0..150 {
        assert_eq!(all.matches(&format!("ROW-{i:03}")).count(), 1, "row {i}");
    }
}

#[test]
fn a_heading_never_ends_a_page() {
    // Fill a page with paragraphs, then a heading right where the page ends.
    for n in 30..46 {
        let mut md = String::new();
        for i in 0..n {
            md.push_str(&format!("Paragraph {i}.\n\n"));
        }
        md.push_str("## Next section\n\nIts first paragraph.\n");
        let pdf = render(&md, &options()).unwrap();
        for text in page_texts(&load(&pdf)) {
            let body = text.split("ProgramreportAcme").next().unwrap();
            assert!(!body.ends_with("Nextsection"), "n = {n}: {text}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes_twice_in_one_process() {
    let markdown = std::fs::read_to_string(fixture("report.md")).unwrap();
    let a = render(&markdown, &options()).unwrap();
    let b = render(&markdown, &options()).unwrap();
    assert!(a.bytes == b.bytes, "two renders differ");
    let c = render(&markdown, &PdfOptions { subtitle: "other".into(), ..options() }).unwrap();
    assert!(a.bytes != c.bytes);
}

/// The test runs again in a child process (see [`child`]), which renders the fixture
/// report to the file that `ROLECALL_PDF_CHILD_OUT` names; the bytes must be this
/// process's.
#[test]
fn the_same_input_gives_the_same_bytes_in_another_process() {
    const NAME: &str = "the_same_input_gives_the_same_bytes_in_another_process";
    let markdown = std::fs::read_to_string(fixture("report.md")).unwrap();
    if child::is_child(module_path!(), NAME) {
        let out = std::env::var_os("ROLECALL_PDF_CHILD_OUT").expect("set by the parent");
        std::fs::write(out, render(&markdown, &options()).unwrap().bytes).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("child.pdf");
    child::run(module_path!(), NAME, &[("ROLECALL_PDF_CHILD_OUT", out.as_os_str())]);
    let here = render(&markdown, &options()).unwrap();
    assert!(std::fs::read(&out).unwrap() == here.bytes, "the other process wrote other bytes");
}

pub const MIXED: &str = "Latin Déjà vu · Ελληνικά · Кириллица · 東京 · 🚀 · 🔴 Red";

#[test]
fn mixed_scripts_are_embedded_or_counted_as_missing() {
    let pdf = render(MIXED, &options()).unwrap();
    // 東, 京 and 🚀 have no glyph in DejaVu; the red dot is drawn, not missing.
    assert_eq!(pdf.missing_glyphs, 3);
    let text = page_texts(&load(&pdf)).concat();
    assert!(text.contains("LatinDéjàvu·Ελληνικά·Кириллица···●Red"), "{text}");
}

#[test]
fn fallback_fonts_supply_what_dejavu_lacks() {
    // A subset of Noto Sans CJK (OFL) with a handful of characters, shipped as a fixture.
    let opts = PdfOptions { fallback_fonts: vec![fixture("NotoSansCJK-subset.otf")], ..options() };
    let pdf = render(MIXED, &opts).unwrap();
    assert_eq!(pdf.missing_glyphs, 1, "only 🚀 is missing");
    let text = page_texts(&load(&pdf)).concat();
    assert!(text.contains("Кириллица·東京··●Red"), "{text}");
}

#[test]
fn an_unreadable_or_invalid_font_is_a_read_error_naming_it() {
    let missing = PdfOptions { fallback_fonts: vec!["/no/such/font.ttf".into()], ..options() };
    match render("x", &missing) {
        Err(Error::Read { path, message }) => {
            assert_eq!(path, "/no/such/font.ttf");
            assert_eq!(message, "no such file (a font named in [report.pdf] fallback-fonts)");
        }
        other => panic!("{other:?}"),
    }
    // A device is not a font: refused, not read until memory runs out.
    let device = PdfOptions { fallback_fonts: vec!["/dev/zero".into()], ..options() };
    match render("x", &device) {
        Err(Error::Read { path, message }) => {
            assert_eq!(path, "/dev/zero");
            assert_eq!(message, "not a regular file (a font named in [report.pdf] fallback-fonts)");
        }
        other => panic!("{other:?}"),
    }
    let not_font = PdfOptions { fallback_fonts: vec![fixture("report.md")], ..options() };
    match render("x", &not_font) {
        Err(Error::Read { path, message }) => {
            assert!(path.ends_with("report.md"));
            assert!(message.contains("not a TrueType or OpenType font"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_three_page_peer_report_fits_its_budget() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf/report-3pages.md");
    let markdown = std::fs::read_to_string(path).unwrap();
    let pdf = render(&markdown, &options()).unwrap();
    assert_eq!(pdf.pages, 3);
    assert!(pdf.bytes.len() <= 60_000, "{} bytes", pdf.bytes.len());
}

const NASTY: &[&str] = &[
    "",
    " ",
    "plain words",
    "\t",
    "\u{0}",
    "\u{202E}override",
    "עברית",
    "العربية",
    "👨\u{200D}👩\u{200D}👧",
    "🏳\u{FE0F}\u{200D}🌈",
    "e\u{301}\u{301}\u{301}",
    "\u{FEFF}",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "東京",
    "ﷺ",
    "\u{FFFD}",
    "a\r\nb",
    "\\|",
    "`",
    "*",
    "<script>alert(1)</script>",
    "&amp; &#0; &#x110000;",
    "🔴 Red",
    "🟠 Amber",
    "🟢 Green",
    "[link](javascript:alert(1))",
    "[frag](#nowhere)",
    "[ok](https://example.com/a_(b))",
    "![img](x.png)",
    "**bold *both* bold**",
    "~~gone~~",
    "`code with  spaces`",
    "<br>",
    "\u{1F}\u{7F}\u{85}",
];

fn word(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "x".repeat(1 + rng.below(600)),
        1 => format!("https://example.com/{}", "very/long/path/".repeat(rng.below(30))),
        2 => rng.below(1_000_000_000).to_string(),
        _ => rng.pick(NASTY).to_string(),
    }
}

fn inline(rng: &mut Rng) -> String {
    (0..rng.below(14)).map(|_| word(rng)).collect::<Vec<_>>().join(" ")
}

fn block(rng: &mut Rng, depth: usize) -> String {
    let line = inline(rng).replace('\n', " ");
    match rng.below(if depth > 6 { 6 } else { 10 }) {
        0 => format!("{} {line}\n", "#".repeat(1 + rng.below(7))),
        1..=2 => format!("{}\n", inline(rng)),
        3 => {
            let cols = 1 + rng.below(12);
            let many = rng.below(8) == 0;
            let rows = rng.below(if many { 70 } else { 6 });
            let mut t = format!("|{}\n|{}\n", " h |".repeat(cols), "---|".repeat(cols));
            for _ in 0..rows {
                let n = rng.below(cols + 3);
                let cells: Vec<String> =
                    (0..n).map(|_| inline(rng).replace(['|', '\n'], " ")).collect();
                t.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            t
        }
        4 => format!("```{}\n{}\n```\n", rng.pick(&["", "mermaid", "rust"]), inline(rng)),
        5 => "---\n".into(),
        6..=7 => {
            // Nested lists, down to a depth that squeezes the text column to nothing.
            let marker = rng.pick(&["-", "*", "1.", "- [ ]", "- [x]", "99999."]);
            let inner = block(rng, depth + 1);
            let indent = " ".repeat(2 + marker.len());
            let nested: String = inner.lines().map(|l| format!("{indent}{l}\n")).collect();
            format!("{marker} {line}\n{nested}")
        }
        _ => {
            let inner = block(rng, depth + 1);
            inner.lines().map(|l| format!("> {l}\n")).collect()
        }
    }
}

#[test]
fn random_markdown_never_panics_and_always_gives_a_valid_pdf() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..300 {
        let blocks = rng.below(16);
        let markdown: String = (0..blocks).map(|_| block(&mut rng, 0) + "\n").collect();
        let opts = PdfOptions {
            page: if rng.below(2) == 0 { PageSize::A4 } else { PageSize::Letter },
            margin_mm: [0.0, 5.0, 18.0, 60.0, 200.0][rng.below(5)],
            title: inline(&mut rng),
            subtitle: inline(&mut rng),
            ..options()
        };
        let pdf = render(&markdown, &opts)
            .unwrap_or_else(|e| panic!("case {case}: {e}\n---\n{markdown}"));
        let doc = Document::load_mem(&pdf.bytes)
            .unwrap_or_else(|e| panic!("case {case}: lopdf cannot load it: {e}\n---\n{markdown}"));
        assert_eq!(doc.get_pages().len(), pdf.pages, "case {case}");
        assert!(pdf.pages >= 1);
        for page in doc.get_pages().keys() {
            doc.extract_text(&[*page]).unwrap_or_else(|e| panic!("case {case}: {e}"));
        }
    }
}

/// What a reader gets: the PDFs carry no "owner to fill" placeholders (the Markdown
/// does), no path of the machine that ran rolecall, the data's own freshness in the
/// footer; and a one-page brief, `index.pdf`, with the three verdicts.
#[test]
fn pdfs_for_readers_have_no_placeholders_or_machine_paths_and_come_with_a_brief() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = format!("jira:{}", crate::common::fixture("demo/acme-jira.csv"));
    let config = crate::common::fixture("demo/rolecall.toml");
    let out = dir.path().display().to_string();
    let (code, _, err) = crate::common::run(&[
        "-c",
        &config,
        "report",
        "-s",
        &source,
        "--as-of",
        "2026-11-27",
        "--format",
        "md,pdf",
        "-o",
        &out,
    ]);
    assert_eq!(code, 0, "{err}");
    let week = dir.path().join("2026-W48");
    let text = |name: &str| {
        let doc = Document::load(week.join(name)).expect("a PDF");
        page_texts(&doc).concat()
    };
    let program = text("program.pdf");
    assert!(!program.contains("Ownertofill"), "placeholders in the PDF");
    assert!(
        !program.contains(&squash(&crate::common::root().display().to_string())),
        "a machine path in the PDF"
    );
    assert!(program.contains("jira:acme-jira.csv"), "the source by its file name");
    assert!(program.contains("Dataasof2026-11-26"), "the footer gives the data's freshness");
    let md = std::fs::read_to_string(week.join("program.md")).expect("markdown");
    assert!(
        md.contains("Owner to fill"),
        "the Markdown keeps the placeholders for the note writers"
    );
    let brief = Document::load(week.join("index.pdf")).expect("index.pdf");
    assert_eq!(brief.get_pages().len(), 1, "the brief is one page");
    let brief = page_texts(&brief).concat();
    for role in ["Product", "Program", "Project"] {
        assert!(brief.contains(&format!("{role}:")), "{role} in the brief");
        // Forwarded alone, the brief says which file each link opens.
        let file = role.to_lowercase();
        assert!(brief.contains(&format!("Readthe{role}reportin{file}.pdf→")), "{brief}");
    }
}

/// With `[publish] report-url`, the brief's links open the published reports: they
/// still work when the brief is forwarded without the files beside it.
#[test]
fn the_brief_links_to_the_published_reports_when_they_have_an_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("rolecall.toml");
    std::fs::write(
        &config,
        "[publish]\nreport-url = \"https://acme.example/status/{week}/{role}.pdf\"\n",
    )
    .unwrap();
    let out = dir.path().join("out").display().to_string();
    let (code, _, err) = crate::common::run(&[
        "-c",
        &config.display().to_string(),
        "report",
        "--demo",
        "--format",
        "md,pdf",
        "-o",
        &out,
    ]);
    assert_eq!(code, 0, "{err}");
    let week = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().contains("-W"))
        .expect("a week folder")
        .path();
    let brief = Document::load(week.join("index.pdf")).expect("index.pdf");
    let uris: Vec<String> = links(&brief).into_iter().map(|(_, t)| t).collect();
    let name = week.file_name().unwrap().to_string_lossy().into_owned();
    for role in ["product", "program", "project"] {
        let url = format!("https://acme.example/status/{name}/{role}.pdf");
        assert_eq!(uris.iter().filter(|u| **u == url).count(), 2, "{uris:?}");
    }
    assert!(page_texts(&brief).concat().contains("ReadtheProductreportonline→"));
    // The Markdown's index links the Markdown reports beside it, as before.
    let md = std::fs::read_to_string(week.join("index.md")).unwrap();
    assert!(md.contains("[Read the Product report →](product.md)"), "{md}");
}

/// The demo's charts are drawn in its PDFs: each chart's title, axis labels and legend
/// entries are text in the page, with the same numbers as the Markdown's Mermaid blocks.
#[test]
fn the_demos_charts_are_drawn_with_their_titles_axes_and_legends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().display().to_string();
    let (code, _, err) =
        crate::common::run(&["report", "--demo", "--format", "md,json,pdf", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    let week = dir.path().join("2026-W48");
    let text = |name: &str| page_texts(&Document::load(week.join(name)).expect("a PDF")).concat();
    let project = text("project.pdf");
    let index = text("index.pdf");
    for pdf in [&project, &index] {
        assert!(
            !pdf.contains("notdrawn") && !pdf.contains("drawnintheMarkdownreportonly"),
            "a placeholder"
        );
    }
    let md = std::fs::read_to_string(week.join("project.md")).expect("md");
    // Every chart title and every x-axis label of the Markdown is in the PDF.
    for line in md.lines().map(str::trim) {
        if let Some(t) = line.strip_prefix("title \"") {
            assert!(project.contains(&squash(t.trim_end_matches('"'))), "title {t}");
        }
        if let Some(x) = line.strip_prefix("x-axis [") {
            for label in x.trim_end_matches(']').split(", ") {
                assert!(project.contains(&squash(label.trim_matches('"'))), "label {label}");
            }
        }
    }
    for want in [
        "Itemsdoneperweek",
        "Burn-upinitems:2026.11Gatewaymigration",
        "done",
        "scope",
        "Netflowperweek",
    ] {
        assert!(project.contains(want), "{want}");
    }
    // The concern mix: legend entries with the Markdown's numbers.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(week.join("product.json")).expect("json"))
            .expect("JSON");
    let mix = &json["meta"]["concern_mix"];
    let total: f64 =
        ["product", "program", "project"].iter().map(|k| mix[k].as_f64().unwrap_or(0.0)).sum();
    for k in ["product", "program", "project"] {
        let n = mix[k].as_f64().expect("a count");
        let want = format!("{k}:{n:.0}({:.0}%)", n / total * 100.0);
        assert!(index.contains(&want), "{want} in the brief");
    }
}

/// A chart costs at most 8 KB of PDF: a document with one of each kind against the same
/// document without them.
#[test]
fn a_chart_adds_at_most_8_kb_and_the_bytes_are_deterministic() {
    let weeks: Vec<String> = (1..=12).map(|w| format!("\"2026-W{w:02}\"")).collect();
    let charts = format!(
        "```mermaid\nxychart-beta\n    title \"Items done per week\"\n    x-axis [{}]\n    bar [4, 6, 4, 5, 5, 5, 5, 3, 7, 2, 0, 9]\n```\n\n\
         ```mermaid\nxychart-beta\n    title \"Burn-up: Checkout v2\"\n    %% lines: done, scope\n    x-axis [{}]\n    line [0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6]\n    line [4, 5, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10]\n```\n\n\
         ```mermaid\npie title Items by concern\n    \"product\" : 26\n    \"program\" : 26\n    \"project\" : 27\n```\n",
        weeks.join(", "),
        weeks.join(", ")
    );
    let plain = "# Charts\n\nSome text.\n".to_string();
    let with = format!("{plain}\n{charts}");
    let a = render(&plain, &options()).expect("renders");
    let b = render(&with, &options()).expect("renders");
    let per_chart = (b.bytes.len() - a.bytes.len()) / 3;
    assert!(per_chart <= 8 * 1024, "{per_chart} bytes a chart");
    assert_eq!(render(&with, &options()).expect("renders").bytes, b.bytes);
}

/// A running header too long for its place is cut with `…` and keeps the week (a long
/// organisation name dropped the week without a mark).
#[test]
fn a_long_header_is_cut_with_an_ellipsis_and_keeps_the_week() {
    let mut opts = options();
    opts.subtitle = "Acme Analytics International Holdings — Payments, Risk, Platform and Mobile Engineering · 2026-W48".into();
    let pdf = render("# Report\n\nText.\n", &opts).unwrap();
    let text = page_texts(&load(&pdf)).concat();
    assert!(text.contains("…·2026-W48"), "{text}");
}

/// A pie of negative values says so, not that every part is zero.
#[test]
fn a_pie_of_negative_values_says_so() {
    let md = "# Mix\n\n```mermaid\npie title Items\n    \"a\" : -2\n    \"b\" : 0\n```\n";
    let pdf = render(md, &options()).unwrap();
    let text = page_texts(&load(&pdf)).concat();
    assert!(text.contains("Nothingtoshow:nopartisabovezero."), "{text}");
}

/// Raw HTML from a template of one's own keeps its text in the PDF, as in the Markdown:
/// `<details><summary>`, `<p align=center>`, `<div>` and an image's alt text were dropped
/// without a word; comments and the tags themselves are still left out.
#[test]
fn text_inside_html_blocks_is_kept() {
    let md = "# T3\n\n<details><summary>SUMMARYTXT</summary>\n\nDETAILSBODY\n\n</details>\n\n<p align=\"center\">PARATXT</p>\n\n<!-- COMMENTTXT -->\n\n<img src=\"x.png\" alt=\"ALTTXT\">\n\n<div>DIVTXT</div>\n\nAFTER\n";
    let pdf = render(md, &options()).expect("renders");
    let text = page_texts(&load(&pdf)).concat();
    for kept in ["SUMMARYTXT", "DETAILSBODY", "PARATXT", "[image:ALTTXT]", "DIVTXT", "AFTER"] {
        assert!(text.contains(kept), "{kept}: {text}");
    }
    for gone in ["COMMENTTXT", "<details>", "summary>", "align="] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
}
