//! The GitHub Actions step summary: the index, then each role's report folded in a
//! `<details>`, appended to `$GITHUB_STEP_SUMMARY`. GitHub drops a step's whole summary
//! when it passes 1 MiB, so what would pass ~900 KB is left out, saying so.

use std::io::Write;
use std::path::Path;

use super::WeekReports;
use crate::error::{Error, Result};

/// What a step's summary may hold, below GitHub's 1 MiB with room for other steps' lines.
pub const CAP: usize = 900 * 1024;

/// The summary text, and a sentence for each report left out.
#[derive(Debug)]
pub struct Summary {
    pub text: String,
    pub left_out: Vec<String>,
    /// How many role reports are in `text`.
    pub reports_in: usize,
}

/// Builds the summary of `week`, to fit in `room` bytes.
pub fn build(week: &WeekReports, room: usize) -> Summary {
    let mut left_out = Vec::new();
    let mut text = super::local_links_as_text(&week.index);
    if text.len() > room {
        // Never past `room`, even to say what was cut: GitHub would drop the whole page.
        let note =
            "\n\n_The rest of the index is left out: GitHub drops a step summary over 1 MiB._\n";
        let cut = cut_at_line(&text, room.saturating_sub(note.len()));
        left_out.push(format!(
            "the index past its first {} KB (it is {} KB)",
            cut.len() / 1024,
            text.len() / 1024
        ));
        text = if cut.len() + note.len() <= room { format!("{cut}{note}") } else { String::new() };
    }
    let mut reports_in = 0;
    for r in &week.roles {
        let badge = r.status.map(|s| format!(" · {}", s.badge())).unwrap_or_default();
        let head = format!(
            "\n<details><summary><strong>{} report</strong>{badge}</summary>\n\n",
            r.role.title()
        );
        let body = super::local_links_as_text(&r.markdown);
        let block = format!("{head}{}\n\n</details>\n", body.trim_end());
        if text.len() + block.len() <= room {
            text.push_str(&block);
            reports_in += 1;
            continue;
        }
        let file = week.dir.join(format!("{}.md", r.role.as_str()));
        let note = format!(
            "{head}Left out: at {} KB it would take this summary past GitHub's 1 MiB limit, and GitHub would drop all of it. It is in `{}`.\n\n</details>\n",
            block.len().div_ceil(1024),
            file.display()
        );
        left_out.push(format!(
            "the {} report ({} KB)",
            r.role.as_str(),
            block.len().div_ceil(1024)
        ));
        if text.len() + note.len() <= room {
            text.push_str(&note);
        }
    }
    Summary { text, left_out, reports_in }
}

/// Appends `summary` to the step summary file `path` (GitHub's `$GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, summary: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::Run(format!("cannot append to the step summary {}: {e}", path.display()))
    };
    let mut file =
        std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(fail)?;
    file.write_all(summary.as_bytes()).and_then(|()| file.flush()).map_err(fail)
}

/// How much room the step summary at `path` has left.
pub fn room(path: &Path) -> usize {
    let used = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    CAP.saturating_sub(usize::try_from(used).unwrap_or(usize::MAX))
}

/// The longest prefix of `text` ending at a line end, at most `max` bytes.
fn cut_at_line(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(nl) => &text[..nl],
        None => &text[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_files_beside_the_report_become_text() {
        let md = "| [Product](product.md) | 🟠 Amber |\n\n[Read the Product report →](product.md)\n\nSee [ACME-7](https://acme.test/browse/ACME-7) and [top](#top).\n";
        assert_eq!(
            crate::publish::local_links_as_text(md),
            "| Product | 🟠 Amber |\n\n\nSee [ACME-7](https://acme.test/browse/ACME-7) and [top](#top).\n"
        );
        // Escaped brackets in a title are text.
        let title = "Fix \\[login\\](x.md) [a](b.md)";
        assert_eq!(crate::publish::unlink_local(title), "Fix \\[login\\](x.md) a");
    }

    #[test]
    fn cuts_fall_on_line_ends_and_char_boundaries() {
        assert_eq!(cut_at_line("ab\ncd\nef", 7), "ab\ncd");
        assert_eq!(cut_at_line("é", 1), "");
        assert_eq!(cut_at_line("short", 100), "short");
    }
}
