//! The labelled corpus of real tracker items and the learned model: the corpus is what
//! the README says it is (size, spread, provenance, agreement between two blind labellers),
//! cross-validation measures the model against the rules, and `rolecall train` adapts the
//! model to an organisation's own labels.

use std::collections::BTreeMap;

use crate::common::{self, root};

const CONCERNS: [&str; 3] = ["product", "program", "project"];

/// Every corpus file, read with the csv crate alone: (file name, rows).
fn corpus() -> Vec<(String, Vec<BTreeMap<String, String>>)> {
    let dir = root().join("fixtures/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let mut r = csv::Reader::from_path(p).expect("readable");
            let rows = r.deserialize().map(|row| row.expect("a row")).collect();
            (p.file_name().expect("a file name").to_string_lossy().into_owned(), rows)
        })
        .collect()
}

#[test]
fn the_corpus_is_large_spread_out_and_every_file_has_provenance() {
    let files = corpus();
    let items: usize = files.iter().map(|(_, r)| r.len()).sum();
    assert!(items >= 1_500, "{items} items");
    assert!(files.len() >= 25, "{} trackers", files.len());
    let sources = std::fs::read_to_string(root().join("fixtures/corpus/SOURCES")).expect("SOURCES");
    let provenance: BTreeMap<&str, &str> = sources
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?))
        })
        .collect();
    for (name, rows) in &files {
        let p = provenance.get(name.as_str()).unwrap_or_else(|| panic!("{name} not in SOURCES"));
        let (repo, rest) = p.split_once('@').unwrap_or_else(|| panic!("{name}: {p}"));
        let (commit, path) = rest.split_once(':').unwrap_or_else(|| panic!("{name}: {p}"));
        assert!(repo.contains('/') && !path.is_empty(), "{name}: {p}");
        assert!(commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit()), "{name}: {p}");
        assert!((20..=120).contains(&rows.len()), "{name}: {} items", rows.len());
        for row in rows {
            assert!(
                CONCERNS.contains(&row["concern"].as_str()),
                "{name} {}: {:?}",
                row["key"],
                row["concern"]
            );
            assert!(!row["title"].is_empty(), "{name} {}: no title", row["key"]);
            // Only what classification needs: the body is cut to 300 characters.
            assert!(row["body"].chars().count() <= 300, "{name} {}: long body", row["key"]);
        }
    }
    // No file of SOURCES is missing.
    for name in provenance.keys() {
        assert!(files.iter().any(|(f, _)| f == name), "SOURCES names {name}, which is not there");
    }
}

/// Cohen's kappa of the two blind labellings, recomputed from the file: the second
/// labeller's labels must still agree with the corpus's first ones.
#[test]
fn two_blind_labellings_agree() {
    let files = corpus();
    let mut first: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (name, rows) in &files {
        for r in rows {
            first.entry((name.clone(), r["key"].clone())).or_default().push(r["concern"].clone());
        }
    }
    let mut r = csv::Reader::from_path(root().join("fixtures/corpus/agreement/second-labels.csv"))
        .expect("second labels");
    let mut pairs = Vec::new();
    for row in r.deserialize::<BTreeMap<String, String>>() {
        let row = row.expect("row");
        let key = (row["file"].clone(), row["key"].clone());
        // The first labels are those of the blind study; rules 15-21 of the rubric changed
        // a few since (agreement/sharpening-changes.csv).
        assert!(first.contains_key(&key), "{key:?} is not in the corpus");
        pairs.push((row["first"].clone(), row["second"].clone()));
    }
    let n = pairs.len() as f64;
    assert!(pairs.len() >= 300, "{} double-labelled items", pairs.len());
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let chance: f64 = CONCERNS
        .iter()
        .map(|c| {
            let a = pairs.iter().filter(|(x, _)| x == c).count() as f64 / n;
            let b = pairs.iter().filter(|(_, y)| y == c).count() as f64 / n;
            a * b
        })
        .sum();
    let kappa = (agree - chance) / (1.0 - chance);
    assert!(kappa >= 0.75, "agreement {agree:.3}, kappa {kappa:.3}");
}

/// Leave-one-tracker-out on the corpus: the model must keep beating the rules on trackers
/// it has not seen (the numbers in the README; see BENCHMARKS.md for all of them).
#[test]
fn cross_validation_measures_the_model_against_the_rules() {
    let (code, out, err) =
        common::run_in(&root(), &["eval", "--corpus", "fixtures/corpus", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let items: usize = corpus().iter().map(|(_, r)| r.len()).sum();
    assert_eq!(r["items"].as_u64(), Some(items as u64));
    let f = |k: &str| r[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    assert!(f("mean_accuracy") >= 0.64, "{out}");
    assert!(f("macro_f1") >= 0.59, "{out}");
    assert!(f("mean_accuracy") >= f("rules_mean_accuracy") + 0.10, "{out}");
    assert!(f("macro_f1") >= f("rules_macro_f1") + 0.08, "{out}");
    // High confidence means what it says, where there is any.
    if f("high_coverage") > 0.0 {
        assert!(f("high_accuracy") >= 0.9, "{out}");
    }
}

/// Adapting to a tracker's own labels (what `rolecall train` does) must pay on that
/// tracker's other items: ten real trackers, each held out in turn, the model trained on
/// the other nine, then adapted with 20 of the held-out tracker's labelled items.
#[test]
fn adapting_to_a_trackers_own_labels_pays_on_its_other_items() {
    let dir = tempfile::tempdir().expect("temp dir");
    let large = corpus().into_iter().filter(|(_, rows)| rows.len() >= 100).take(10);
    let mut items = 0;
    for (name, rows) in large {
        items += rows.len() - 20;
        let from = root().join("fixtures/corpus").join(&name);
        std::fs::copy(from, dir.path().join(&name)).expect("copied");
    }
    let d = dir.path().display().to_string();
    let args = ["eval", "--corpus", &d, "--adapt", "20", "--format", "json"];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let a = &r["adapted"];
    assert_eq!((a["labels"].as_u64(), a["trackers"].as_u64()), (Some(20), Some(10)), "{a}");
    assert_eq!(a["items"].as_u64(), Some(items as u64), "measured on the other items only");
    let f = |k: &str| a[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    assert!(f("after_mean_accuracy") >= f("before_mean_accuracy") + 0.05, "{a}");
    assert!(f("after_macro_f1") >= f("before_macro_f1") + 0.05, "{a}");
    assert!(r["cross_validation"]["mean_accuracy"].is_f64(), "{out}");
    // Which to label: each of the ten has at least 80 items, so 20 are chosen from the
    // first half (every other item by a hash of the keys) and all are measured on the
    // other half.
    let p = &r["adapted"]["least_sure_first"];
    let halves: usize = corpus()
        .into_iter()
        .filter(|(_, rows)| rows.len() >= 100)
        .take(10)
        .map(|(_, rows)| rows.len() / 2)
        .sum();
    assert_eq!((p["trackers"].as_u64(), p["items"].as_u64()), (Some(10), Some(halves as u64)));
    let g = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{k}"));
    assert!(g("sample_mean_accuracy") > g("before_mean_accuracy"), "{p}");
    assert!(g("least_sure_mean_accuracy") > g("before_mean_accuracy"), "{p}");
    let tally = p["least_sure_better_same_worse"].as_array().expect("three counts");
    let tally: Vec<u64> = tally.iter().filter_map(|n| n.as_u64()).collect();
    assert_eq!(tally.iter().sum::<u64>(), 10, "every tracker counted once: {p}");
    // The least sure are not the sample: were they the same items, every tracker would
    // score the same both ways.
    assert!(tally[1] < 10, "{p}");

    // More labels than a tracker can spare is an error that says what to do.
    let args = ["eval", "--corpus", &d, "--adapt", "500"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().next(),
        Some(format!("error: no tracker in {d} has 520 items or more to adapt with 500 of them and measure on the rest: pass a smaller --adapt").as_str())
    );
}

fn org_export(dir: &std::path::Path) -> String {
    let mut csv = String::from("Summary,Issue key,Issue Type,Status,Labels,Labels\n");
    for i in 1..=8 {
        csv.push_str(&format!(
            "Zorblax frobnicator step {i},ORG-{i},Task,To Do,concern:program,\n"
        ));
    }
    for i in 9..=16 {
        csv.push_str(&format!("Quillon tidy-up round {i},ORG-{i},Task,To Do,concern:product,\n"));
    }
    csv.push_str("Zorblax frobnicator step 99,ORG-99,Task,To Do,,\n");
    csv.push_str("Quillon tidy-up round 99,ORG-98,Task,To Do,,\n");
    let path = dir.join("org.csv");
    std::fs::write(&path, csv).expect("written");
    path.display().to_string()
}

fn concern_of(dir: &std::path::Path, key: &str) -> String {
    let (code, out, err) = common::run_in(dir, &["classify", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    let item = items.iter().find(|i| i["key"] == key).expect("the item");
    item["concern"].as_str().expect("concern").to_string()
}

/// An organisation's `concern:*` labels teach the model its own words: `rolecall train`
/// writes rolecall-model.tsv beside the config, and classification uses it from then on.
#[test]
fn train_adapts_the_model_to_an_organisations_labels() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = org_export(dir.path());
    std::fs::write(
        dir.path().join("rolecall.toml"),
        format!("[[source]]\nspec = \"jira:{export}\"\n"),
    )
    .expect("config");
    let (code, out, err) = common::run_in(dir.path(), &["train"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("learnt from 16 labelled items: 8 product, 8 program, 0 project"),
        "{out}"
    );
    let model = dir.path().join("rolecall-model.tsv");
    let text = std::fs::read_to_string(&model).expect("the model is written beside the config");
    assert!(text.contains("adapted to 16 labelled items"), "{}", &text[..300.min(text.len())]);
    assert_eq!(concern_of(dir.path(), "ORG-99"), "program");
    assert_eq!(concern_of(dir.path(), "ORG-98"), "product");
    // The reasons say which words decided, in words.
    let (code, out, err) = common::run_in(dir.path(), &["explain", "ORG-99"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("title word \"zorblax\""), "{out}");
    // Training again on the same data writes the same bytes.
    let (code, _, err) = common::run_in(dir.path(), &["train"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&model).expect("model"), text);
    assert!(!err.contains("older built-in model"), "{err}");
    // Adapted from an older built-in model (after an upgrade): classification says so.
    let older = text.replacen(
        "leave-one-tracker-out: mean accuracy",
        "leave-one-tracker-out: mean accuracy 0.5 (older)",
        1,
    );
    std::fs::write(&model, older).expect("w");
    let (code, _, err) = common::run_in(dir.path(), &["classify"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("rolecall-model.tsv was adapted from an older built-in model: run `rolecall train` again"),
        "{err}"
    );
}

#[test]
fn train_without_labelled_items_says_how_to_label() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plain.csv");
    std::fs::write(&path, "Summary,Issue key,Issue Type,Status\nA thing,X-1,Task,To Do\n")
        .expect("w");
    let src = format!("jira:{}", path.display());
    let (code, _, err) = common::run_in(dir.path(), &["train", "-s", &src], &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().next(),
        Some("error: no labelled items to learn from: label some items `concern:product`, `concern:program` or `concern:project` in the tracker, or pass --labels FILE (key,concern)")
    );
    assert!(!dir.path().join("rolecall-model.tsv").exists());
}

#[test]
fn a_bad_corpus_row_names_the_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.csv");
    std::fs::write(
        &path,
        "key,title,type,labels,components,parent,links,body,concern\nT-1,Do it,Task,,,,,,product\nT-2,Plan it,Task,,,,,,marketing\n",
    )
    .expect("written");
    let d = dir.path().display().to_string();
    let (code, _, err) = common::run_in(dir.path(), &["eval", "--corpus", &d], &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().next(),
        Some(format!("error: {}:3: column \"concern\": unknown concern \"marketing\" (expected product, program or project)", path.display()).as_str())
    );
}

#[test]
fn a_model_that_cannot_be_read_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rolecall.toml"), "[classify]\nmodel = \"org.tsv\"\n")
        .expect("w");
    std::fs::write(dir.path().join("org.tsv"), "bias\t0\t0\t0\nw:x\t1\tnope\t0\n").expect("w");
    let (code, _, err) = common::run_in(dir.path(), &["classify", "--demo"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: org.tsv:2: `nope` is not a number (feature w:x)"), "{err}");
}

/// `train --suggest N` lists the items without a label that the classifier is least sure
/// of, as a CSV to fill in; filled in part, it trains on the rows with a concern.
#[test]
fn train_suggests_what_to_label_and_learns_from_the_filled_in_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = org_export(dir.path());
    let src = format!("jira:{export}");
    // Labelled in the tracker (ORG-1..16) or in a labels file (ORG-99): not suggested.
    let done = dir.path().join("done.csv");
    std::fs::write(&done, "key,concern\nORG-99,program\n").expect("w");
    let done = done.display().to_string();
    let args = ["train", "-s", &src, "--labels", &done, "--suggest", "5"];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rows.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(header, ["key", "concern", "guess", "second", "lead", "title", "file"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("row")).collect();
    let keys: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(keys, ["ORG-98"], "only the one item with no label: {out}");
    assert_eq!(&rows[0][1], "", "the concern is left to fill in");
    assert_eq!(&rows[0][5], "Quillon tidy-up round 99");
    assert_eq!(&rows[0][6], src, "the source, for keys that repeat across sources");
    assert_ne!(&rows[0][2], &rows[0][3], "guess and second differ: {out}");
    assert!(!dir.path().join("rolecall-model.tsv").exists(), "--suggest trains nothing");

    // On the demo, least sure first: leads never fall, and the count is what was asked.
    let (code, out, err) = common::run_in(dir.path(), &["train", "--demo", "--suggest", "12"], &[]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 12, "{out}");
    let leads: Vec<f64> = rows.iter().map(|r| r[4].parse().expect("a lead")).collect();
    assert!(leads.windows(2).all(|w| w[0] <= w[1]), "{leads:?}");
    assert!(rows.iter().all(|r| r[1].is_empty()), "{out}");
    // The first twelve of every item without a label, in the same order: the cut is the
    // least sure, not any twelve.
    let (code, all, err) =
        common::run_in(dir.path(), &["train", "--demo", "--suggest", "100000"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("items without a label to suggest, not 100000"), "{err}");
    let mut r = csv::Reader::from_reader(all.as_bytes());
    let every: Vec<csv::StringRecord> = r.records().map(|r| r.expect("row")).collect();
    assert!(every.len() > 50, "{}", every.len());
    assert_eq!(&every[..12], &rows[..], "{out}");
    let leads: Vec<f64> = every.iter().map(|r| r[4].parse().expect("a lead")).collect();
    assert!(leads.windows(2).all(|w| w[0] <= w[1]), "{leads:?}");
    assert!(leads[0] < 0.2 && leads[leads.len() - 1] > 0.8, "{leads:?}");
    // Asking for none is a usage error.
    let (code, _, err) = common::run_in(dir.path(), &["train", "--demo", "--suggest", "0"], &[]);
    assert_eq!(code, 2, "{err}");

    // Filled in part (one row left empty), the file trains on the rows with a concern.
    let fill = dir.path().join("fill.csv");
    std::fs::write(
        &fill,
        "key,concern,guess,second,lead,title\nORG-98,product,,,,\nORG-99,program,,,,\nORG-7,,,,,\n",
    )
    .expect("w");
    let fill = fill.display().to_string();
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--labels", &fill], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("learnt from 18 labelled items: 9 product, 9 program, 0 project"),
        "{out}"
    );
    assert!(out.contains("skipped 1 row with no concern yet"), "{out}");
    // A second batch in its own file: both files count.
    let first = dir.path().join("first.csv");
    std::fs::write(&first, "key,concern\nORG-98,product\n").expect("w");
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "key,concern\nORG-99,program\nMAR-12,product\n").expect("w");
    let (first, second) = (first.display().to_string(), second.display().to_string());
    let args = ["train", "-s", &src, "--labels", &first, "--labels", &second];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("learnt from 18 labelled items: 9 product, 9 program, 0 project"),
        "{out}"
    );
    assert!(!out.contains("skipped"), "{out}");
    assert!(out.contains("1 label matches no item (the first: MAR-12)"), "{out}");
    // With a `file`, the key must be an item of that file: ORG-99 is in the source, not
    // in `other.csv`, so that label teaches nothing and is named.
    let third = dir.path().join("third.csv");
    std::fs::write(&third, "key,concern,file\nORG-98,product,\nORG-99,program,other.csv\n")
        .expect("w");
    let third = third.display().to_string();
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--labels", &third], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("learnt from 17 labelled items: 9 product, 8 program, 0 project"),
        "{out}"
    );
    assert!(out.contains("1 label matches no item (the first: ORG-99 in other.csv)"), "{out}");
    // `eval --labels` reads the same partly filled file as `train` does, and says so.
    let args = ["eval", "-s", &src, "--labels", &fill];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fill.csv: 1 row with no concern left out"), "{err}");

    // A title a spreadsheet would run as a formula is guarded; the key is left as it is.
    let path = dir.path().join("formula.csv");
    std::fs::write(
        &path,
        "Summary,Issue key,Issue Type,Status\n\"=HYPERLINK(\"\"x\"\")\",F-1,Task,To Do\n",
    )
    .expect("w");
    let src = format!("jira:{}", path.display());
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--suggest", "3"], &[]);
    assert_eq!(code, 0, "{err}");
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.expect("row")).collect();
    assert_eq!((&rows[0][0], &rows[0][5]), ("F-1", "'=HYPERLINK(\"x\")"), "{out}");
}

/// What a user meets training a second time, or by hand: the model the config names is the
/// one written (even before it exists, even when spoilt), labels match their items however
/// the source was written, conflicting labels are an error naming both rows, a label
/// that names no concern is pointed out, and the model file reads like any other file.
#[test]
fn train_writes_the_model_the_config_names_and_reads_labels_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = org_export(dir.path());
    std::fs::create_dir(dir.path().join("models")).expect("dir");
    std::fs::write(dir.path().join("rolecall.toml"), "[classify]\nmodel = \"models/ours.tsv\"\n")
        .expect("config");
    let ours = dir.path().join("models/ours.tsv");
    // Suggest before any model exists: from the built-in one, written as the source was given.
    let src = format!("jira:{export}");
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--suggest", "2"], &[]);
    assert_eq!(code, 0, "{err}");
    let filled = out.replacen(",,", ",project,", 1);
    let labels = dir.path().join("filled.csv");
    std::fs::write(&labels, &filled).expect("w");
    // The same export given another way (another kind, `./`): the rows still match.
    let other_way = "jira:./org.csv";
    let labels_arg = labels.display().to_string();
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", other_way, "--labels", &labels_arg], &[]);
    assert_eq!(code, 0, "{err}\n{filled}");
    assert!(out.contains("learnt from 17 labelled items"), "{out}");
    assert!(!out.contains("no item"), "{out}");
    assert!(out.contains("wrote models/ours.tsv"), "{out}");
    assert!(!out.contains("note: classification does not use"), "{out}");
    let text = std::fs::read_to_string(&ours).expect("written where the config says");
    assert!(text.contains("# weights "), "{}", &text[..300]);
    assert!(!dir.path().join("rolecall-model.tsv").exists());
    // Read like any new file (0666 less the umask), not the temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let fresh = dir.path().join("fresh");
        std::fs::write(&fresh, "x").expect("w");
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&fresh));
    }
    // A spoilt model file: classify names it; train replaces it.
    std::fs::write(&ours, "w:x\t1\t2\t3\n").expect("w");
    let (code, _, err) = common::run_in(dir.path(), &["classify", "-s", &src], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("models/ours.tsv") && err.contains("no `bias` line"), "{err}");
    let (code, _, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--labels", &labels_arg], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&ours).expect("model"), text, "the same model again");

    // Two files giving one item two concerns: an error naming both rows.
    let a = dir.path().join("a.csv");
    std::fs::write(&a, "key,concern\nORG-98,product\n").expect("w");
    let b = dir.path().join("b.csv");
    std::fs::write(&b, "key,concern\nORG-7,program\nORG-98,program\n").expect("w");
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let args = ["train", "-s", &src, "--labels", &a, "--labels", &b];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().next(),
        Some(format!("error: {b}:3: column \"concern\": ORG-98 is program here but product in {a}:2: keep one").as_str())
    );

    // Labels that match nothing: the error says so, not only "no labelled items".
    let none = dir.path().join("none.csv");
    std::fs::write(&none, "key,concern\n2-Mar,product\n").expect("w");
    let plain = dir.path().join("plain.csv");
    std::fs::write(
        &plain,
        "Summary,Issue key,Issue Type,Status,Labels\nA,P-1,Task,To Do,concern:produkt\n",
    )
    .expect("w");
    let (none, plain) = (none.display().to_string(), format!("jira:{}", plain.display()));
    let (code, _, err) =
        common::run_in(dir.path(), &["train", "-s", &plain, "--labels", &none], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1 label matches no item (the first: 2-Mar)"), "{err}");
    // A label meant as a concern that names none is pointed out.
    std::fs::write(&none, "key,concern\nORG-98,product\n").expect("w");
    let args = ["train", "-s", &plain, "-s", &src, "--labels", &none];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 item has a label `concern:…` that names no concern, not learnt from (the first: P-1 `concern:produkt`)"),
        "{out}"
    );

    // Keys match whatever their case (`org-98` is ORG-98).
    std::fs::write(&none, "key,concern\norg-98,product\n").expect("w");
    let (code, out, err) =
        common::run_in(dir.path(), &["train", "-s", &src, "--labels", &none], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("learnt from 17 labelled items"), "{out}");
    assert!(!out.contains("matches no item"), "{out}");

    // --out through a symbolic link writes the file it names, and the link stays.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("models/ours.tsv", dir.path().join("link.tsv")).expect("ln");
        std::fs::write(&ours, "").expect("w");
        let args = ["train", "-s", &src, "--labels", &labels_arg, "--out", "link.tsv"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
        let link = std::fs::symlink_metadata(dir.path().join("link.tsv")).expect("meta");
        assert!(link.file_type().is_symlink(), "the link was replaced by a file");
        assert_eq!(std::fs::read_to_string(&ours).expect("model"), text);
        // A pipe or device (`--out /dev/null` as a dry run) is written to, not replaced
        // by a file.
        use std::os::unix::fs::FileTypeExt;
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the pipe"))
            };
            let args = ["train", "-s", &src, "--labels", &labels_arg, "--out", "pipe"];
            let (code, out, err) = common::run_in(dir.path(), &args, &[]);
            assert_eq!(code, 0, "{err}");
            assert_eq!(reader.join().expect("reader"), text, "the model came through the pipe");
            let kind = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
            assert!(kind.is_fifo(), "the pipe was replaced by a file");
            assert!(!out.contains("note: classification does not use"), "no advice: {out}");
        }
    }

    // --out elsewhere: written, with a note that classification does not read it.
    let args = ["train", "-s", &src, "--labels", &labels_arg, "--out", "elsewhere.tsv"];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("note: classification does not use this file ([classify] model = \"models/ours.tsv\"): set `[classify] model = \"elsewhere.tsv\"`"), "{out}");
    // The configured file however --out writes it: no note.
    let abs = ours.display().to_string();
    let args = ["train", "-s", &src, "--labels", &labels_arg, "--out", &abs];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("note: classification does not use"), "{out}");
    // Run from another folder: the setting to use is given relative to the config.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("dir");
    let args =
        ["train", "-c", "../rolecall.toml", "-s", &src, "--labels", &labels_arg, "--out", "x.tsv"];
    let (code, out, err) = common::run_in(&sub, &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("set `[classify] model = \"sub/x.tsv\"`"), "{out}");
    // A model that cannot be written is a failure while running (1), not bad input.
    std::fs::write(dir.path().join("blocker"), "a file, not a folder").expect("w");
    let args = ["train", "-s", &src, "--labels", &labels_arg, "--out", "blocker/m.tsv"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("error: cannot write the model to blocker/m.tsv"), "{err}");
}

/// Arguments that cannot mean anything are usage errors, not a crash or a silent no-op.
#[test]
fn eval_and_corpus_arguments_that_mean_nothing_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = root().join("fixtures/corpus").display().to_string();
    for n in ["0", "18446744073709551600"] {
        let (code, _, err) =
            common::run_in(dir.path(), &["eval", "--corpus", &d, "--adapt", n], &[]);
        assert_eq!(code, 2, "--adapt {n}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let l = dir.path().join("l.csv");
    std::fs::write(&l, "key,concern\nX-1,product\n").expect("w");
    let l = l.display().to_string();
    let (code, _, err) =
        common::run_in(dir.path(), &["eval", "--labels", &l, "--adapt", "3", "--demo"], &[]);
    assert_eq!(code, 2, "{err}");
    // A learner means something only with a corpus to learn from.
    for args in [
        &["eval", "--algorithm", "bayes", "--demo"][..],
        &["train", "--algorithm", "bayes", "--demo"],
        &["eval", "--algorithm", "bayes", "--labels", &l, "--demo"],
        &["train", "--algorithm", "bayes", "--labels", &l, "--demo"],
        &["train", "--algorithm", "bayes", "--suggest", "2", "--demo"],
    ] {
        let (code, _, err) = common::run_in(dir.path(), args, &[]);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--corpus"), "{args:?}: {err}");
    }
    // One tracker cannot be held out against the others.
    let one = dir.path().join("one");
    std::fs::create_dir(&one).expect("dir");
    std::fs::write(
        one.join("t.csv"),
        "key,title,type,labels,components,parent,links,body,concern\nT-1,Do it,Task,,,,,,product\n",
    )
    .expect("w");
    let o = one.display().to_string();
    let (code, _, err) = common::run_in(dir.path(), &["eval", "--corpus", &o], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("two trackers or more"), "{err}");
}

/// The same label twice in a labels file (a row copied in a spreadsheet) is one label,
/// for `train` and `eval` alike; the same key with another concern is still an error.
#[test]
fn a_label_copied_twice_is_one_label() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("x.csv");
    std::fs::write(
        &export,
        "Summary,Issue key,Issue Type,Status\nAs a user I want dark mode,X-1,Story,To Do\nUpgrade brokers,X-2,Task,To Do\n",
    )
    .expect("w");
    let src = format!("jira:{}", export.display());
    let labels = dir.path().join("l.csv");
    std::fs::write(&labels, "key,concern\nX-1,product\nX-1,product\nX-2,program\n").expect("w");
    let labels = labels.display().to_string();
    let args = ["eval", "-s", &src, "--labels", &labels];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 labelled items"), "{out}");
    let args = ["train", "-s", &src, "--labels", &labels, "--out", "m.tsv"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.path().join("l.csv"), "key,concern\nX-1,product\nX-1,program\n").expect("w");
    let (code, _, err) =
        common::run_in(dir.path(), &["eval", "-s", &src, "--labels", &labels], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("keep one"), "{err}");
}

/// `eval --labels` whose rows name another file says which label matches no item, as
/// `train` does (it said the keys were not in the sources, though they were).
#[test]
fn eval_names_the_label_that_matches_no_item() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("x.csv");
    std::fs::write(&export, "Summary,Issue key,Issue Type,Status\nDark mode,X-1,Story,To Do\n")
        .expect("w");
    let src = format!("jira:{}", export.display());
    let labels = dir.path().join("l.csv");
    std::fs::write(&labels, "key,concern,file\nX-1,product,nothere.csv\n").expect("w");
    let labels = labels.display().to_string();
    let (code, _, err) =
        common::run_in(dir.path(), &["eval", "-s", &src, "--labels", &labels], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1 label matches no item (the first: X-1 in nothere.csv)"), "{err}");
}

/// A labels row against the item's own `concern:` label is an error naming both; an item
/// with two concern labels is said to teach nothing (not taken for a misspelt one), and
/// the misspelt one is named, by `train` and by `classify`.
#[test]
fn train_names_labels_that_contradict_or_teach_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Labels,Labels\n\
        Zorblax frobnicator step,ORG-1,Task,To Do,concern:program,\n\
        Quillon tidy-up round,ORG-2,Task,To Do,concern:program,concern:project\n\
        Quillon tidy-up again,ORG-3,Task,To Do,concern:produkt,\n\
        Plain task,ORG-4,Task,To Do,,\n";
    std::fs::write(dir.path().join("org.csv"), csv).expect("w");
    std::fs::write(dir.path().join("mine.csv"), "key,concern\nORG-4,project\nORG-1,product\n")
        .expect("w");
    let args = ["train", "-s", "jira:org.csv", "--labels", "mine.csv"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().last(),
        Some(
            "error: mine.csv:3: column \"concern\": ORG-1 is product here but program by its label \"concern:program\" in jira:org.csv: keep one"
        )
    );
    std::fs::write(dir.path().join("mine.csv"), "key,concern\nORG-4,project\n").expect("w");
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("learnt from 2 labelled items: 0 product, 1 program, 1 project"), "{out}");
    assert!(
        out.contains("1 item has labels of two concerns, not learnt from (the first: ORG-2 (concern:program, concern:project)): keep one"),
        "{out}"
    );
    assert!(
        out.contains("1 item has a label `concern:…` that names no concern, not learnt from (the first: ORG-3 `concern:produkt`)"),
        "{out}"
    );
    let (code, _, err) = common::run_in(dir.path(), &["classify", "-s", "jira:org.csv"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("\nwarning: 1 item has a label `concern:…` that names no concern (the first: ORG-3 `concern:produkt`); decided as if unlabelled")
            || err.starts_with("warning: 1 item has a label `concern:…` that names no concern (the first: ORG-3 `concern:produkt`); decided as if unlabelled"),
        "{err}"
    );
}

/// The built-in model on eleven real trackers it was never trained on (fixtures/unseen/,
/// labelled blind): 0.591 when measured. A change that costs more than three points
/// there is a regression on real data, whatever the corpus says.
#[test]
fn unseen_trackers_keep_their_accuracy() {
    // The shipped model on 11 real trackers it was never trained on, each item read as
    // leave-one-tracker-out reads it (parent titles, components): 0.591 pooled when measured.
    let dir = root().join("fixtures/unseen");
    let (code, out, err) =
        common::run_in(&dir, &["eval", "--corpus", ".", "--held-out", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["measure"], "as-is", "{json}");
    assert_eq!((json["items"].as_u64(), json["trackers"].as_u64()), (Some(237), Some(11)));
    let accuracy = json["accuracy"].as_f64().expect("accuracy");
    assert!(accuracy >= 0.56, "accuracy {accuracy} on trackers not seen in training");
    // Each tracker keeps what it scored, give or take a couple of items: a change that
    // trades one tracker for another shows here even when the total holds.
    let per: Vec<(String, f64)> = json["per_tracker"]
        .as_array()
        .expect("per tracker")
        .iter()
        .map(|t| {
            (t["tracker"].as_str().unwrap_or("").to_string(), t["accuracy"].as_f64().unwrap_or(0.0))
        })
        .collect();
    assert_eq!(per.len(), 11, "{per:?}");
    let posverdad = per.iter().find(|(t, _)| t == "7v-ga-posverdad").expect("tracker").1;
    assert!(posverdad >= 0.7, "{per:?}");
    // The table says what was measured, not "leave-one-tracker-out".
    let (code, out, err) = common::run_in(&dir, &["eval", "--corpus", ".", "--held-out"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "the model as it is, on trackers it was not trained on: 237 items from 11 trackers\n"
        ),
        "{out}"
    );
    // Taught with 5 of its own labels, the shipped model does better on each tracker's
    // other items (0.645 -> 0.810 over the 4 trackers with 25 items or more when measured):
    // what `rolecall train` is for, on trackers it never saw.
    let (code, out, err) = common::run_in(
        &dir,
        &["eval", "--corpus", ".", "--held-out", "--adapt", "5", "--format", "json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let a = &json["adapted"];
    assert_eq!(a["trackers"], 4, "{a}");
    let (before, after) = (
        a["before_mean_accuracy"].as_f64().expect("before"),
        a["after_mean_accuracy"].as_f64().expect("after"),
    );
    assert!(after >= before + 0.1, "adapting with 5 labels: {before} -> {after}");
    assert_eq!(json["cross_validation"]["measure"], "as-is", "{json}");
    // With the rules alone there is no model to measure: said, not a crash or a silent
    // cross-validation.
    let tmp = tempfile::tempdir().expect("temp dir");
    common::write(tmp.path(), "rolecall.toml", "[classify]\nmodel = \"rules\"\n");
    let d = dir.display().to_string();
    let (code, _, err) = common::run_in(tmp.path(), &["eval", "--corpus", &d, "--held-out"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--held-out measures the learned model"), "{err}");
}
