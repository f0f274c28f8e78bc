//! Web addresses and item keys written in plain text become links in the PDF.
//!
//! The Markdown escaper breaks the `://` of an address in a title with a zero-width
//! space, so that no title makes a link in the Markdown, where a link's text and target
//! can differ. In the PDF an address written out is linked to exactly the address shown,
//! as mail and PDF viewers do with plain text, and the zero-width space is dropped so
//! that it copies whole. An item key the Markdown links (`[ACME-12](…/browse/ACME-12)`)
//! gets the same link wherever else the document names it as text: a headline, a
//! reason, a table of blockers.

use std::collections::BTreeMap;

use super::markdown::{Block, Doc, Span};

/// Adds the links to `doc`: new targets join `doc.links`, spans are split around them.
pub(super) fn autolink(doc: &mut Doc) {
    let keys = linked_keys(doc);
    let links = &mut doc.links;
    each_spans(&mut doc.blocks, &mut |spans| {
        if spans.iter().any(|s| s.link.is_none() && !s.style.code) {
            *spans = split(std::mem::take(spans), &keys, links);
        }
    });
}

/// Calls `f` on every run of inline text: headings, paragraphs, table cells, in lists
/// and quotes.
fn each_spans(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Span>)) {
    for block in blocks {
        match block {
            Block::Heading { spans, .. } | Block::Paragraph(spans) => f(spans),
            Block::List { items, .. } => {
                for item in items {
                    each_spans(&mut item.blocks, f);
                }
            }
            Block::Quote(inner) => each_spans(inner, f),
            Block::Table { header, rows, .. } => {
                for cell in header.iter_mut().chain(rows.iter_mut().flatten()) {
                    f(cell);
                }
            }
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// Each key the document links to a web address, and the link it has. A key linked to
/// two different addresses is left out: which one a bare mention means is not known.
fn linked_keys(doc: &mut Doc) -> BTreeMap<String, usize> {
    let mut text: BTreeMap<usize, String> = BTreeMap::new();
    each_spans(&mut doc.blocks, &mut |spans| {
        for s in spans.iter() {
            if let Some(l) = s.link {
                text.entry(l).or_default().push_str(&s.text);
            }
        }
    });
    let mut keys: BTreeMap<String, Option<usize>> = BTreeMap::new();
    for (link, t) in text {
        let (key, url) = (t.trim(), &doc.links[link]);
        if !is_key(key) || !is_web(url) {
            continue;
        }
        keys.entry(key.to_string())
            .and_modify(|known| {
                if known.is_some_and(|k| doc.links[k] != *url) {
                    *known = None;
                }
            })
            .or_insert(Some(link));
    }
    keys.into_iter().filter_map(|(k, l)| Some((k, l?))).collect()
}

fn is_web(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// An item key as the reports write them: `ACME-12`, `ENG-7`, `acme/web#60`, `#60`.
fn is_key(s: &str) -> bool {
    let Some(cut) = s.rfind(['-', '#']) else { return false };
    let (prefix, number) = (&s[..cut], &s[cut + 1..]);
    !number.is_empty()
        && number.len() <= 12
        && number.bytes().all(|b| b.is_ascii_digit())
        && prefix.len() <= 100
        && ((prefix.is_empty() && s.starts_with('#'))
            || (prefix.starts_with(|c: char| c.is_alphabetic())
                && prefix
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'))))
}

/// `spans` with their addresses and linked keys split out as links of their own.
fn split(spans: Vec<Span>, keys: &BTreeMap<String, usize>, links: &mut Vec<String>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        if span.link.is_some() || span.style.code {
            out.push(span);
            continue;
        }
        let mut rest = span.text.as_str();
        while let Some((start, end, found)) = next_link(rest, keys) {
            let (shown, link) = match found {
                Found::Url(url) => {
                    links.push(target(&url));
                    (url, links.len() - 1)
                }
                Found::Key(link) => (rest[start..end].to_string(), link),
            };
            if start > 0 {
                out.push(Span { text: rest[..start].to_string(), ..span.clone() });
            }
            out.push(Span { text: shown, style: span.style, link: Some(link) });
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            out.push(Span { text: rest.to_string(), ..span });
        }
    }
    out
}

enum Found {
    /// The address as it reads, without zero-width spaces.
    Url(String),
    Key(usize),
}

/// The first address or linked key in `text`: its byte range and what it is.
fn next_link(text: &str, keys: &BTreeMap<String, usize>) -> Option<(usize, usize, Found)> {
    let url = find_url(text);
    let key = if keys.is_empty() {
        None
    } else {
        find_key(&text[..url.map_or(text.len(), |u| u.0)], keys)
    };
    match (key, url) {
        (Some((s, e, link)), _) => Some((s, e, Found::Key(link))),
        (None, Some((s, e))) => {
            let shown: String = text[s..e].chars().filter(|&c| c != '\u{200B}').collect();
            Some((s, e, Found::Url(shown)))
        }
        (None, None) => None,
    }
}

/// Where the first `http://` or `https://` address starts and ends. The escaper's
/// zero-width space after the colon is allowed; trailing punctuation (a sentence's full
/// stop, a closing parenthesis it did not open) is not part of it.
fn find_url(text: &str) -> Option<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("http").map(|i| from + i) {
        from = at + 4;
        let before_ok = !text[..at].ends_with(|c: char| c.is_alphanumeric());
        let after = &lower[at + 4..];
        let after = after.strip_prefix('s').unwrap_or(after);
        let Some(after) = after.strip_prefix(':') else { continue };
        let after = after.strip_prefix('\u{200B}').unwrap_or(after);
        let Some(host) = after.strip_prefix("//") else { continue };
        if !before_ok || !host.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let start = text.len() - host.len();
        let len = host
            .find(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(host.len());
        let mut end = start + len;
        loop {
            let url = &text[at..end];
            let Some(last) = url.chars().next_back() else { break };
            let unbalanced = |open: char| url.matches(open).count() < url.matches(last).count();
            let drop = match last {
                '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '\u{200B}' => true,
                ')' => unbalanced('('),
                ']' => unbalanced('['),
                '}' => unbalanced('{'),
                _ => false,
            };
            if !drop {
                break;
            }
            end -= last.len_utf8();
        }
        if end > start {
            return Some((at, end));
        }
    }
    None
}

/// The first whole word of `text` that is a linked key.
fn find_key(text: &str, keys: &BTreeMap<String, usize>) -> Option<(usize, usize, usize)> {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '#');
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(start) = rest.find(word).map(|s| i + s) else { break };
        let len = text[start..].find(|c: char| !word(c)).unwrap_or(text.len() - start);
        // A sentence's full stop, or a hyphen or slash that joins on, is not the key's.
        let token = text[start..start + len].trim_end_matches(['.', '-', '/']);
        if let Some(&link) = keys.get(token) {
            return Some((start, start + token.len(), link));
        }
        i = start + len.max(1);
    }
    None
}

/// The link target for an address as shown: characters a URI cannot hold are
/// percent-encoded (`é`, a space never gets here).
fn target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
        {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::markdown::parse;
    use super::*;

    /// Each span's text and link target, for a paragraph.
    fn linked(markdown: &str) -> Vec<(String, Option<String>)> {
        let mut doc = parse(markdown);
        autolink(&mut doc);
        let mut out = Vec::new();
        each_spans(&mut doc.blocks, &mut |spans| {
            for s in spans.iter() {
                out.push((s.text.clone(), s.link.map(|l| doc.links[l].clone())));
            }
        });
        out
    }

    fn urls(markdown: &str) -> Vec<(String, String)> {
        linked(markdown).into_iter().filter_map(|(t, l)| Some((t, l?))).collect()
    }

    fn pair(t: &str, l: &str) -> (String, String) {
        (t.to_string(), l.to_string())
    }

    #[test]
    fn addresses_in_text_link_to_what_they_show() {
        // As the escaper writes a title: `https:\u{200B}//`, `\_`.
        let md = "- JWP-104 Read about Arrow Functions: https:\u{200B}//developer.mozilla.org/en-US/docs/Arrow\\_functions · JWP\n";
        assert_eq!(
            urls(md),
            [pair(
                "https://developer.mozilla.org/en-US/docs/Arrow_functions",
                "https://developer.mozilla.org/en-US/docs/Arrow_functions"
            )]
        );
        // A sentence's full stop and a parenthesis it did not open stay outside.
        assert_eq!(
            urls("See (http://a.test/x_(y)). And HTTPS://b.test/é, done.\n"),
            [
                pair("http://a.test/x_(y)", "http://a.test/x_(y)"),
                pair("HTTPS://b.test/é", "HTTPS://b.test/%C3%A9")
            ]
        );
        // Not an address: no host, another scheme, inside a word, in code.
        for text in ["https:// x", "javascript://x", "xhttps://a.test", "`https://a.test`"] {
            assert_eq!(urls(text), [], "{text}");
        }
        let all = linked("Text before https://a.test/p after\n");
        assert_eq!(
            all.iter().map(|(t, _)| t.as_str()).collect::<String>(),
            "Text before https://a.test/p after"
        );
    }

    #[test]
    fn keys_the_document_links_are_linked_where_they_are_named() {
        let md = "**Red** — most wanted: ACME-30 (31 votes); ACME-3. ACME-300 and XACME-30 are others.\n\n\
                  | Item | Blocked by |\n|---|---|\n| [ACME-30](https://j.test/browse/ACME-30) Invoices | ACME-3 |\n\n\
                  - [ACME-3](https://j.test/browse/ACME-3) Apple Pay\n- [acme/web\\#60](https://g.test/60) Layout; see acme/web#60.\n";
        let found = urls(md);
        let mentions: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            mentions,
            ["ACME-30", "ACME-3", "ACME-30", "ACME-3", "ACME-3", "acme/web#60", "acme/web#60"]
        );
        assert_eq!(found[1].1, "https://j.test/browse/ACME-3");
        assert_eq!(found[6].1, "https://g.test/60");
        // A key linked to two addresses is not guessed at.
        let two = "[A-1](https://x.test/1) [A-1](https://y.test/1) A-1\n";
        assert_eq!(urls(two).len(), 2);
    }

    #[test]
    fn keys_look_like_keys() {
        for k in ["ACME-12", "acme/web#60", "#60", "ENG-7", "a.b-c/d_e#1"] {
            assert!(is_key(k), "{k}");
        }
        for k in ["Checkout", "2026-12", "ACME-", "-12", "12", "ACME 12", "Checkout v2"] {
            assert!(!is_key(k), "{k}");
        }
    }
}
