//! What the inspection commands (`items`, `classify`, `explain`) print as text.

use crate::classify::{Classification, Concern, Confidence};
use crate::model::Item;
use crate::text::{aligned, truncate};

/// Items as an aligned text table, one line each.
pub(super) fn items_table(items: &[Item]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.key.to_string(),
                i.kind.to_string(),
                i.state.as_str().to_string(),
                truncate(&crate::text::printable(&i.title), 60),
                i.milestone.as_deref().map(|m| truncate(m, 24)).unwrap_or_default(),
                i.labels.join(","),
            ]
        })
        .collect();
    let mut out = aligned(&["KEY", "KIND", "STATE", "TITLE", "MILESTONE", "LABELS"], &rows);
    out.push_str(&format!("{} item{}\n", items.len(), if items.len() == 1 { "" } else { "s" }));
    out
}

/// Classified items as a table: the concern, its confidence, the three scores, the title
/// and the strongest reason.
pub(super) fn classify_table(items: &[Item], classes: &[Classification]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .zip(classes)
        .map(|(i, c)| {
            let top = c
                .reasons
                .iter()
                .filter(|r| r.concern == c.concern)
                .max_by(|a, b| a.weight.total_cmp(&b.weight))
                .map(|r| r.rule.to_string())
                .unwrap_or_else(|| "(no signal)".into());
            vec![
                i.key.to_string(),
                c.concern.as_str().to_string(),
                confidence(c.confidence).to_string(),
                format!(
                    "{}/{}/{}",
                    num(c.scores.product),
                    num(c.scores.program),
                    num(c.scores.project)
                ),
                truncate(&crate::text::printable(&i.title), 56),
                top,
            ]
        })
        .collect();
    let mut out = aligned(&["KEY", "CONCERN", "CONF", "PD/PG/PJ", "TITLE", "TOP RULE"], &rows);
    let count = |c: Concern| classes.iter().filter(|x| x.concern == c).count();
    let low = classes.iter().filter(|x| x.confidence == Confidence::Low).count();
    out.push_str(&format!(
        "{} items: {} product, {} program, {} project; {} low confidence\n",
        items.len(),
        count(Concern::Product),
        count(Concern::Program),
        count(Concern::Project),
        low
    ));
    out
}

fn confidence(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Low => "low",
    }
}

/// A score without trailing zeros: `3`, `2.5`, `0.25`.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Why an item got its concern, rule by rule.
pub(super) fn explain(item: &Item, c: &Classification) -> String {
    // As long as the reports show a title (a 1 MB one is a paste, not a title).
    let title = crate::text::truncate(&item.title, 1000);
    let mut s = format!("{}  {}\n", item.key, crate::text::printable(&title));
    let mut facts = vec![format!("kind {}", item.kind), format!("state {}", item.state.as_str())];
    if !item.labels.is_empty() {
        facts.push(format!("labels {}", item.labels.join(", ")));
    }
    if let Some(t) = &item.team {
        facts.push(format!("team {t}"));
    }
    if let Some(m) = &item.milestone {
        facts.push(format!("milestone {m}"));
    }
    s.push_str(&facts.join(" · "));
    s.push_str("\n\n");
    s.push_str(&format!(
        "concern: {} ({} confidence{})\nscores:  product {} · program {} · project {}\n\n",
        c.concern.as_str(),
        confidence(c.confidence),
        c.runner_up.map_or(String::new(), |r| format!(
            "; to triage: {} or {}?",
            c.concern.as_str(),
            r.as_str()
        )),
        num(c.scores.product),
        num(c.scores.program),
        num(c.scores.project)
    ));
    if c.reasons.is_empty() {
        s.push_str(
            "No rule matched: with no signal an item is a project concern, low confidence.\n",
        );
    } else {
        // Where the rules overruled the model, its view is not in the scores: apart.
        let overruled = |r: &&crate::classify::Reason| &*r.rule == "model" && r.weight == 0.0;
        let rows: Vec<Vec<String>> = c
            .reasons
            .iter()
            .filter(|r| !overruled(r))
            .map(|r| {
                vec![
                    format!("+{}", num(r.weight)),
                    r.concern.as_str().to_string(),
                    r.rule.to_string(),
                    r.matched.to_string(),
                    r.why.to_string(),
                ]
            })
            .collect();
        s.push_str(&aligned(&["WEIGHT", "CONCERN", "RULE", "MATCHED", "WHY"], &rows));
        if let Some(m) = c.reasons.iter().find(overruled) {
            s.push_str(&format!("\nNot in the scores: {}; {}.\n", m.matched, m.why));
        }
    }
    s.push_str("\nTies go to program, then project, then product.\n");
    s
}
