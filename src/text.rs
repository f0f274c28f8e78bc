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
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
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
            l.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
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

#[cfg(test)]
mod tests {
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
