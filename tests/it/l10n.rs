//! Jira exports written in other languages import like English ones.

use serde_json::Value;

use crate::common::{fixture, items, run};

/// Every item of `spec`, without what names the file or keeps the export's own words
/// (the source, the raw status, the columns kept as they were headed).
fn comparable(spec: &str) -> Vec<Value> {
    items(&["-s", spec])
        .into_iter()
        .map(|mut v| {
            let o = v.as_object_mut().expect("an object");
            for k in ["source", "status", "fields"] {
                o.remove(k);
            }
            v
        })
        .collect()
}

/// A Spanish export (BOM, `Clave de incidencia`, `04/ago/26`, `Por hacer`/`En curso`/
/// `Listo`, `No se hará`, `Enlace de incidencia saliente (Blocks)`, `Principal`, two
/// sprints) gives the same items as the same export made in English.
#[test]
fn a_spanish_export_gives_the_items_of_its_english_twin() {
    let es = comparable(&format!("jira:{}", fixture("jira/cloud-es.csv")));
    let en = comparable(&format!("jira:{}", fixture("jira/cloud-es-as-en.csv")));
    assert_eq!(es.len(), 5);
    assert_eq!(es, en);
    // And they are right, not only alike.
    let tie2 = &es[1];
    assert_eq!(tie2["kind"], "story");
    assert_eq!(tie2["state"], "done");
    assert_eq!(tie2["closed"], "2026-09-02T11:30:00Z");
    assert_eq!(tie2["iteration"], "TIE Sprint 2");
    assert_eq!(tie2["past_iterations"], serde_json::json!(["TIE Sprint 1"]));
    assert_eq!(tie2["parent"], "jira:TIE-1");
    assert_eq!(tie2["links"], serde_json::json!([{"kind": "blocks", "target": "jira:TIE-3"}]));
    assert_eq!(tie2["estimate"], 5.0);
    assert_eq!(es[4]["state"], "cancelled");
}

#[test]
fn a_german_export_with_german_months_and_states() {
    let de = comparable(&format!("csv:{}", fixture("jira/current-fields-de.csv")));
    let states: Vec<&str> = de.iter().map(|i| i["state"].as_str().expect("state")).collect();
    assert_eq!(states, ["done", "in-progress", "open"]);
    assert_eq!(de[0]["created"], "2025-12-01T09:00:00Z");
    assert_eq!(de[0]["due"], "2025-12-12");
    assert_eq!(de[1]["kind"], "bug");
}

#[test]
fn a_localised_export_without_a_required_column_names_its_language() {
    let (code, _, err) =
        run(&["items", "-s", &format!("csv:{}", fixture("bad/jira-de-no-summary.csv"))]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: ") && err.contains("jira-de-no-summary.csv: a Jira export in German, but rolecall does not know its names for `Summary`"),
        "{err}"
    );
}

/// `[jira] url` links every Jira item to its site; a source's own `base-url` wins.
#[test]
fn jira_keys_link_to_the_configured_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = crate::common::write(
        dir.path(),
        "rolecall.toml",
        "[jira]\nurl = \"https://acme.atlassian.net/\"\n",
    );
    let spec = format!("jira:{}", fixture("jira/cloud-es.csv"));
    let items = items(&["-c", &config, "-s", &spec]);
    assert_eq!(items[0]["url"], "https://acme.atlassian.net/browse/TIE-1");
    let own = crate::common::write(
        dir.path(),
        "own.toml",
        format!("[jira]\nurl = \"https://acme.atlassian.net\"\n[[source]]\nspec = \"{spec}\"\nbase-url = \"https://jira.acme.test\"\n"),
    );
    let items = crate::common::items(&["-c", &own, "-s", &spec]);
    assert_eq!(items[0]["url"], "https://jira.acme.test/browse/TIE-1");
}
