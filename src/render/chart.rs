//! Charts, one model for both formats: the Markdown templates write Mermaid
//! (`xychart-beta`, `pie`) through their chart helpers, and the PDF reads those same
//! blocks back into a [`Chart`] and draws it as vector graphics — so the two can never
//! disagree about a number.

/// A chart as both formats draw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Values per x label: bars and/or lines (a burn-up is two lines).
    Xy {
        title: String,
        labels: Vec<String>,
        bars: Option<Vec<f64>>,
        lines: Vec<Vec<f64>>,
        /// Names of the lines, for the legend (`%% lines: done, scope`).
        line_names: Vec<String>,
        /// A due date to mark (`%% due: 2026-11-30`).
        due: Option<String>,
        /// The forecast's 50th and 85th percentile dates (`%% forecast: P50 P85`).
        forecast: Option<(String, String)>,
    },
    /// Parts of a whole (Mermaid's `pie`), drawn in the PDF as one stacked bar.
    Share { title: String, parts: Vec<(String, f64)> },
    /// Who blocks whom (Mermaid's `flowchart LR`): labelled nodes, edges from blocker to
    /// blocked.
    Graph { title: String, nodes: Vec<String>, edges: Vec<(usize, usize)> },
}

/// Diagrams with more nodes than this are not drawn in the PDF: the table beside them
/// reads better.
pub const GRAPH_MAX_NODES: usize = 25;

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Xy { title, .. } | Chart::Share { title, .. } | Chart::Graph { title, .. } => {
                title
            }
        }
    }
}

/// Reads a Mermaid block rolecall's helpers write; `None` for anything else (a user's own
/// diagram), which the PDF then leaves as a note.
pub fn parse_mermaid(src: &str) -> Option<Chart> {
    let mut lines = src.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if let Some(rest) = first.strip_prefix("pie") {
        let title =
            rest.trim().strip_prefix("title").map(|t| t.trim().to_string()).unwrap_or_default();
        let mut parts = Vec::new();
        for l in lines {
            if l.starts_with("%%") {
                continue;
            }
            let (label, value) = l.rsplit_once(':')?;
            let label = label.trim().trim_matches('"').to_string();
            parts.push((label, value.trim().parse::<f64>().ok()?));
        }
        return Some(Chart::Share { title, parts });
    }
    if first == "flowchart LR" {
        return graph(lines);
    }
    if first != "xychart-beta" {
        return None;
    }
    let (mut title, mut labels, mut bars, mut series, mut names) =
        (String::new(), Vec::new(), None, Vec::new(), Vec::new());
    let (mut due, mut forecast) = (None, None);
    for l in lines {
        if let Some(t) = l.strip_prefix("title") {
            title = unquote(t.trim());
        } else if let Some(x) = l.strip_prefix("x-axis") {
            labels = list(x.trim())?.into_iter().map(|s| unquote(&s)).collect();
        } else if let Some(b) = l.strip_prefix("bar") {
            bars = Some(numbers(b.trim())?);
        } else if let Some(v) = l.strip_prefix("line") {
            series.push(numbers(v.trim())?);
        } else if let Some(n) = l.strip_prefix("%% lines:") {
            names = n.split(',').map(|s| s.trim().to_string()).collect();
        } else if let Some(d) = l.strip_prefix("%% due:") {
            due = Some(d.trim().to_string());
        } else if let Some(f) = l.strip_prefix("%% forecast:") {
            let mut parts = f.split_whitespace();
            if let (Some(a), Some(b)) = (parts.next(), parts.next()) {
                forecast = Some((a.to_string(), b.to_string()));
            }
        }
    }
    let n = labels.len();
    if n == 0 || bars.as_ref().is_some_and(|b| b.len() != n) || series.iter().any(|s| s.len() != n)
    {
        return None;
    }
    Some(Chart::Xy { title, labels, bars, lines: series, line_names: names, due, forecast })
}

/// `%% title: …`, `nK["label"]` and `nA --> nB` lines, as the `chart_deps` helper writes.
fn graph<'a>(lines: impl Iterator<Item = &'a str>) -> Option<Chart> {
    let mut title = String::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for l in lines {
        if let Some(t) = l.strip_prefix("%% title:") {
            title = t.trim().to_string();
        } else if let Some((a, b)) = l.split_once("-->") {
            let find = |id: &str| ids.iter().position(|x| *x == id.trim());
            edges.push((find(a)?, find(b)?));
        } else if let Some((id, rest)) = l.split_once("[\"") {
            ids.push(id.trim());
            nodes.push(rest.strip_suffix("\"]")?.to_string());
        }
    }
    Some(Chart::Graph { title, nodes, edges })
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

/// `["a", "b"]` → its items (quotes kept; commas inside quotes respected).
fn list(s: &str) -> Option<Vec<String>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in inner.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    Some(out)
}

fn numbers(s: &str) -> Option<Vec<f64>> {
    list(s)?.iter().map(|v| v.trim().parse::<f64>().ok()).collect()
}

/// Axis ticks for values up to `max`: a round step (1, 2 or 5 × 10ⁿ) giving 3 to 6
/// ticks, and the top of the axis. Non-positive data gets 0..1 in one step: the charts
/// count items, and an empty week's axis read "0, 0.2, 0.5, 0.8, 1" (0.25 and 0.75
/// rounded: neither whole items nor even steps).
pub fn ticks(max: f64) -> (f64, f64) {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 5.0)
        .unwrap_or(10.0 * mag);
    // Whole numbers of items: never a step below one for counts.
    let step = if max >= 1.0 { step.max(1.0) } else { step };
    (step, (max / step).ceil() * step)
}

/// Which of `n` labels, each `widths[i]` wide, to draw in `slot` points apiece so that
/// none overlaps the next drawn: every k-th, the smallest k that fits (the last one is
/// always drawn when it fits after the previous drawn one).
pub fn label_stride(widths: &[f32], slot: f32, gap: f32) -> usize {
    let widest = widths.iter().copied().fold(0.0f32, f32::max);
    let mut k = 1;
    while (k as f32) * slot < widest + gap && k < widths.len().max(1) {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_the_helpers_write() {
        let bars = "xychart-beta\n    title \"Items done per week\"\n    x-axis [\"2026-W47\", \"2026-W48\"]\n    bar [5, 3]\n";
        assert_eq!(
            parse_mermaid(bars),
            Some(Chart::Xy {
                title: "Items done per week".into(),
                labels: vec!["2026-W47".into(), "2026-W48".into()],
                bars: Some(vec![5.0, 3.0]),
                lines: vec![],
                line_names: vec![],
                due: None,
                forecast: None,
            })
        );
        let pie = "pie title Items by concern\n    \"product\" : 11\n    \"program\" : 9.5\n";
        assert_eq!(
            parse_mermaid(pie),
            Some(Chart::Share {
                title: "Items by concern".into(),
                parts: vec![("product".into(), 11.0), ("program".into(), 9.5)]
            })
        );
        assert_eq!(parse_mermaid("flowchart TD\n  a --> b\n"), None);
        assert_eq!(
            parse_mermaid("flowchart LR\n    %% title: Critical paths\n    n0[\"ACME-12 · Platform\"]\n    n1[\"ACME-3 · Web\"]\n    n0 --> n1\n"),
            Some(Chart::Graph {
                title: "Critical paths".into(),
                nodes: vec!["ACME-12 · Platform".into(), "ACME-3 · Web".into()],
                edges: vec![(0, 1)]
            })
        );
        assert_eq!(
            parse_mermaid("xychart-beta\n x-axis [\"a\"]\n bar [1, 2]\n"),
            None,
            "lengths differ"
        );
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(7.0), (2.0, 8.0));
        assert_eq!(ticks(10.0), (2.0, 10.0));
        assert_eq!(ticks(1.0), (1.0, 1.0));
        assert_eq!(ticks(0.0), (1.0, 1.0));
        assert_eq!(ticks(1234.0), (500.0, 1500.0));
        assert_eq!(ticks(48.0), (10.0, 50.0));
    }

    #[test]
    fn labels_thin_out_until_they_fit() {
        assert_eq!(label_stride(&[30.0; 8], 40.0, 4.0), 1);
        assert_eq!(label_stride(&[30.0; 52], 8.0, 4.0), 5);
        assert_eq!(label_stride(&[], 8.0, 4.0), 1);
    }
}
