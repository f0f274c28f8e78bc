//! Small text helpers shared by error messages and table output.

/// The candidate closest to `word` by edit distance, if it is close enough to be what the
/// user meant (at most a third of the word's length, and at least one edit allowed). A
/// swap of two neighbours counts as one edit (optimal string alignment): `jria` is one
/// edit from `jira`.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Text for a terminal or a spreadsheet: control characters (a NUL, an escape sequence)
/// and bidirectional controls (U+202E makes a title read backwards) left out.
/// A tab or line break becomes a space, so the words beside it stay apart.
pub(crate) fn printable(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            c if c.is_control() && c.is_whitespace() => Some(' '),
            '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A source spec with its path cut to the file's name (`jira:/home/me/acme.csv` →
/// `jira:acme.csv`), for documents that leave the machine.
pub(crate) fn spec_file_name(spec: &str) -> String {
    let (prefix, path) = match spec.split_once(':') {
        Some(("github", _)) => return spec.to_string(),
        Some((p, rest)) if p.len() > 1 => (format!("{p}:"), rest),
        _ => (String::new(), spec),
    };
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    format!("{prefix}{name}")
}

/// `n` with its thousands grouped, as the reports write counts: `10,000`, `-1,234`.
pub(crate) fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Standard base64 with padding, for recognising a secret as a server may echo it back
/// (SMTP logins travel base64-encoded).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `s` with every character outside `A–Z a–z 0–9 - . _ ~` percent-encoded, as a server
/// or proxy echoing a URL in a query or an error page may write it.
pub(crate) fn percent_encoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` cut to at most `max` characters, with `…` when cut; newlines become spaces.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    let flat = |c: char| if c.is_control() { ' ' } else { c };
    // Only the first `max` characters are looked at: a title can be 50 MB.
    if s.chars().take(max + 1).count() <= max {
        return s.chars().map(flat).collect();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).map(flat).collect();
    out.push('…');
    out
}

/// A value for an error message: quoted, control characters escaped, long values cut.
pub(crate) fn quote(s: &str) -> String {
    let shown = truncate(&s.escape_debug().to_string(), 60);
    format!("\"{shown}\"")
}

/// Left-aligned columns separated by two spaces; widths in characters.
pub(crate) fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| columns(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(columns(cell));
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            l.extend(std::iter::repeat_n(' ', widths[i] - columns(cell)));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// How many columns of a terminal `s` takes: Chinese, Japanese and Korean characters
/// and emoji two, accents written as their own character none, the rest one. (The
/// East Asian wide blocks, not the whole Unicode table: enough to line up a table of
/// titles.)
pub(crate) fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x300..=0x36F | 0x200B..=0x200F => 0,
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3040..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x1F900..=0x1F9FF
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Glob patterns as the config writes them: `*` matches any run of characters (`/`
/// included), `?` one character, everything else itself; case is ignored. Compiled once
/// into one matcher for the whole list.
#[derive(Debug, Clone)]
pub(crate) struct Globs {
    set: globset::GlobSet,
}

impl Globs {
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Globs {
        let mut set = globset::GlobSetBuilder::new();
        for p in patterns {
            // Only `*` and `?` are special: globset's `[…]`, `{…}` and `\` are escaped.
            // Lower-cased here and in `is_match`: globset ignores the case of ASCII only.
            let mut escaped = String::with_capacity(p.as_ref().len());
            for c in p.as_ref().to_lowercase().chars() {
                if matches!(c, '[' | ']' | '{' | '}' | '\\' | '!') {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            let glob = globset::GlobBuilder::new(&escaped)
                .case_insensitive(true)
                .literal_separator(false)
                .backslash_escape(true)
                .build();
            match glob {
                Ok(g) => {
                    set.add(g);
                }
                // Cannot happen once escaped; a pattern that still fails matches nothing.
                Err(e) => tracing::warn!("glob `{}` ignored: {e}", p.as_ref()),
            }
        }
        Globs { set: set.build().unwrap_or_else(|_| globset::GlobSet::empty()) }
    }

    /// No patterns at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether any pattern matches all of `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        if self.set.is_empty() {
            false
        } else if text.is_ascii() {
            self.set.is_match(text)
        } else {
            self.set.is_match(text.to_lowercase())
        }
    }
}

/// The first `max` characters of `s` (all of it when shorter).
pub(crate) fn prefix_chars(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s; // no more bytes than `max`, so no more characters
    }
    if s.as_bytes()[..max].is_ascii() {
        return &s[..max]; // `max` ASCII characters, and a character starts after them
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Whether `tag` is spelt as a BCP 47 language tag (`en`, `de-CH`, `zh-Hant`): letters,
/// digits and hyphens, a letter first, parts of 1 to 8 characters.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    (2..=35).contains(&tag.len())
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag.split('-').all(|p| (1..=8).contains(&p.len()))
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_and_percent_encoding_as_servers_write_them() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"\0bot\0Sup3rS3cret!"), "AGJvdABTdXAzclMzY3JldCE=");
        assert_eq!(super::percent_encoded("/a b/ü"), "%2Fa%20b%2F%C3%BC");
    }

    #[test]
    fn printable_text_drops_controls() {
        assert_eq!(super::printable("a\u{202E}fdp.exe\u{1b}[31m\0b"), "afdp.exe[31mb");
        // Words either side of a tab or line break stay apart.
        assert_eq!(super::printable("Fix login and\nleft\tpanel"), "Fix login and left panel");
        assert_eq!(super::and_list(&["W2 Sprint 2", "W2 Sprint 3"]), "W2 Sprint 2 and W2 Sprint 3");
        assert_eq!(super::and_list(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn specs_lose_their_folders() {
        use super::spec_file_name;
        assert_eq!(spec_file_name("jira:/home/me/exports/acme.csv"), "jira:acme.csv");
        assert_eq!(spec_file_name("csv:C:\\Users\\me\\a.csv"), "csv:a.csv");
        assert_eq!(spec_file_name("github:acme/web"), "github:acme/web");
        assert_eq!(spec_file_name("exports/a.csv"), "a.csv");
    }

    /// Wide characters take two columns, so a table of Chinese titles lines up.
    #[test]
    fn tables_line_up_wide_characters() {
        assert_eq!(super::columns("東京 ok"), 7);
        assert_eq!(super::columns("cafe\u{301}"), 4);
        let t = super::aligned(
            &["KEY", "TITLE", "TOP"],
            &[
                vec!["A-1".into(), "接続エラー".into(), "model".into()],
                vec!["A-2".into(), "Login".into(), "model".into()],
            ],
        );
        let at: Vec<usize> =
            t.lines().skip(1).map(|l| super::columns(&l[..l.find("model").unwrap_or(0)])).collect();
        assert_eq!(at[0], at[1], "{t}");
    }

    use super::*;

    #[test]
    fn nearest_finds_typos_only() {
        let keys = ["timezone", "date-order", "source", "status-map"];
        assert_eq!(nearest("timezon", keys), Some("timezone"));
        assert_eq!(nearest("sorce", keys), Some("source"));
        assert_eq!(nearest("colour", keys), None);
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("héllo wörld", 5), "héll…");
        assert_eq!(truncate("a\nb", 5), "a b");
    }

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| Globs::new(&[p]).is_match(t);
        assert!(m("acme/web*", "Acme/web-app"));
        assert!(m("*", "x"));
        assert!(m("*", "a/b/c"));
        assert!(m("a*c", "abbbc"));
        assert!(!m("acme/web*", "acme/api"));
        assert!(m("ACME", "acme"));
        assert!(m("api-*", "api-gateway"));
        assert!(!m("api-*", "web-api"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(m("Zürich*", "ZÜRICH-ops"));
        // Only `*` and `?` are special.
        assert!(m("[wip]*", "[WIP] login"));
        assert!(!m("[wip]*", "w login"));
        assert!(m("{a,b}", "{a,b}"));
        assert!(m(r"c:\x*", r"C:\x1"));
        assert!(m("", ""));
        assert!(m("acme/*", "acme/web"));
        assert!(!Globs::new::<&str>(&[]).is_match(""));
        assert!(Globs::new(&["a", "b*"]).is_match("bee"));
    }

    #[test]
    fn prefix_chars_counts_characters_not_bytes() {
        assert_eq!(prefix_chars("short", 10), "short");
        assert_eq!(prefix_chars("abcdef", 3), "abc");
        assert_eq!(prefix_chars("ñandú über", 4), "ñand");
        assert_eq!(prefix_chars("abcñdef", 5), "abcñd");
        assert_eq!(prefix_chars("接続エラー", 2), "接続");
        assert_eq!(prefix_chars("ab", 0), "");
    }
}
