//! Classification: every item gets one concern — product, program or project — a score
//! for each, a confidence, and the reasons, rule by rule.
//!
//! Rules, not magic: a weighted rule set (defaults embedded, the user's from
//! `rolecall.toml` merged in) is applied to each item; the highest score wins. Then two
//! structural passes: an item with children (an epic) adds its children's concerns, weighted
//! by share, so an epic with no signal of its own takes their majority; and a pull request
//! that closes an issue takes that issue's concern. An explicit `concern:<name>` label or a
//! `Concern` field always wins.

pub(crate) mod corpus;
pub(crate) mod eval;
pub(crate) mod model;
pub(crate) mod rules;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::ClassifyConfig;
pub use crate::config::{Fact, RuleDef};
use crate::error::{Error, Result};
pub use crate::model::Concern;
use crate::model::{link_kind, Item, Snapshot};
pub(crate) use rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Low,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub product: f64,
    pub program: f64,
    pub project: f64,
}

impl Scores {
    pub fn get(&self, c: Concern) -> f64 {
        match c {
            Concern::Product => self.product,
            Concern::Program => self.program,
            Concern::Project => self.project,
        }
    }

    fn add(&mut self, c: Concern, w: f64) {
        match c {
            Concern::Product => self.product += w,
            Concern::Program => self.program += w,
            Concern::Project => self.project += w,
        }
    }

    fn rounded(self) -> Self {
        let r = |v: f64| (v * 100.0).round() / 100.0;
        Scores { product: r(self.product), program: r(self.program), project: r(self.project) }
    }
}

/// One rule's contribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Shared with the rule, so a reason costs no copy of the rule's name.
    pub rule: Text,
    pub concern: Concern,
    pub weight: f64,
    /// What matched: `label "ux"`, `title "migrate"`, `has a due date`.
    pub matched: Text,
    /// Why the rule points where it does.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub why: Text,
}

/// The text of a [`Reason`], read as a `str`: written once and shared by every reason
/// that says it (a rule's name, a model feature in words). The built-in model's words
/// are borrowed for the life of the program, so most reasons cost neither an allocation
/// nor a reference count: 100k items have some 860,000 reasons. Two words wide (a
/// shared text is one pointer, to its boxed `str`), so a reason is 64 bytes, not 88.
#[derive(Clone)]
pub struct Text(TextRepr);

#[derive(Clone)]
enum TextRepr {
    Static(&'static str),
    Shared(Arc<Box<str>>),
}

const _: () = assert!(std::mem::size_of::<Text>() == 16 && std::mem::size_of::<Reason>() <= 64);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            TextRepr::Static(s) => s,
            TextRepr::Shared(s) => &s[..],
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &**self == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Text {
        Text(TextRepr::Static(s))
    }
}

impl Text {
    /// The text kept for the life of the program, once for each distinct text: for the
    /// few dozen names and explanations of a configuration's rules, which every reason
    /// they give repeats. A reason then costs no reference count; two cores counting
    /// references to the same rule names was a quarter of writing rules' reasons. A
    /// program that loads many different configurations keeps each one's texts.
    pub(crate) fn interned(s: &str) -> Text {
        static KEPT: std::sync::Mutex<Option<rustc_hash::FxHashSet<&'static str>>> =
            std::sync::Mutex::new(None);
        let mut kept = KEPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = kept.get_or_insert_with(Default::default);
        let s = match kept.get(s) {
            Some(&k) => k,
            None => {
                let k: &'static str = Box::leak(Box::from(s));
                kept.insert(k);
                k
            }
        };
        Text(TextRepr::Static(s))
    }
}

impl From<Arc<str>> for Text {
    /// Copies the text (a shared text is held as one pointer).
    fn from(s: Arc<str>) -> Text {
        Text::from(String::from(&*s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(TextRepr::Shared(Arc::new(s.into_boxed_str())))
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Text, D::Error> {
        Ok(String::deserialize(d)?.into())
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(TextRepr::Static(""))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub concern: Concern,
    pub scores: Scores,
    pub confidence: Confidence,
    /// The close second when the decision is a toss-up (the top two nearly level, or
    /// nothing but the issue type to go on): the item is one to triage, with both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<Concern>,
    pub reasons: Vec<Reason>,
}

/// An item with its classification, as `classify --format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classified {
    #[serde(flatten)]
    pub item: Item,
    #[serde(flatten)]
    pub classification: Classification,
}

/// A compiled classifier: rules plus the settings around them.
#[derive(Debug)]
pub struct Classifier {
    pub rules: RuleSet,
    pub settings: ClassifyConfig,
    /// The learned decision; `None` decides by the rules' sum alone.
    pub(crate) model: Option<Arc<model::Model>>,
    /// Per rule: one the user added (it overrides the model when it matches), not a
    /// built-in one (evidence for the model).
    user_rule: Vec<bool>,
}

/// A classifier whose rules are checked and whose automata are not built yet.
pub struct CheckedClassifier {
    rules: rules::CheckedRules,
    settings: ClassifyConfig,
    model: Option<Arc<model::Model>>,
    user_rule: Vec<bool>,
}

impl CheckedClassifier {
    pub fn build(self) -> Result<Classifier> {
        Ok(Classifier {
            rules: self.rules.build()?,
            settings: self.settings,
            model: self.model,
            user_rule: self.user_rule,
        })
    }
}

/// The model `[classify] model` names, read from beside the config file.
/// The model file the config means: `[classify] model` when it names a file (relative
/// to the config's folder), else `rolecall-model.tsv` beside the config; `None` for
/// `"rules"` and `"builtin"`.
pub(crate) fn model_file(config: &crate::config::Config) -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(&config.origin)
        .parent()
        .filter(|_| config.origin != crate::config::NO_FILE)
        .unwrap_or(std::path::Path::new(""));
    match config.classify.model.trim() {
        "rules" | "builtin" => None,
        "" => Some(dir.join(model::ORG_MODEL_FILE)),
        p => Some(dir.join(p)),
    }
}

fn load_model(config: &crate::config::Config) -> Result<Option<Arc<model::Model>>> {
    let path = match (config.classify.model.trim(), model_file(config)) {
        ("rules", _) => return Ok(None),
        // No organisation's model beside the config (none trained yet): the built-in one.
        (_, None) => return Ok(Some(model::Model::builtin().clone())),
        ("", Some(beside)) if !beside.is_file() => {
            return Ok(Some(model::Model::builtin().clone()))
        }
        (_, Some(path)) => path,
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(
            crate::error::Location::file(&shown),
            format!("cannot read the model ([classify] model): {e}"),
        )
    })?;
    let mut m = model::Model::parse(&text, &shown)?;
    if m.surfaces.is_empty() {
        // Written before models kept the forms their reasons quote: the built-in ones.
        let builtin = model::Model::builtin();
        for (f, form) in &builtin.surfaces {
            if m.weights.contains_key(f) {
                m.surfaces.insert(f.clone(), form.clone());
            }
        }
        m.reindex();
    }
    // Adapted (by `train`) from a built-in model this version no longer has: the labels'
    // lessons still hold, the rest is an older model's.
    let adapted = m.notes.iter().any(|n| n.starts_with("adapted to "));
    // The built-in model's notes, read from its first lines (parsing it all takes longer).
    let settings = ["high-confidence ", "triage-margin ", "weights "];
    let mut builtin = (model::BUILTIN.lines().skip(1))
        .map_while(|l| l.strip_prefix("# "))
        .filter(|b| !settings.iter().any(|s| b.starts_with(s)));
    if adapted && builtin.any(|b| !m.notes.iter().any(|n| n == b)) {
        tracing::warn!(
            "{shown} was adapted from an older built-in model: run `rolecall train` again to adapt this version's"
        );
    }
    Ok(Some(Arc::new(m)))
}

impl Classifier {
    /// The default rules merged with the config's; a bad rule fails here, before any source
    /// is read or any request made.
    pub fn from_config(config: &crate::config::Config) -> Result<Classifier> {
        Self::check(config)?.build()
    }

    /// [`Classifier::from_config`] in two steps: every rule checked now (a bad rule fails
    /// here), the automata built by [`CheckedClassifier::build`], which takes most of the
    /// time and may run on another thread while the sources load.
    pub fn check(config: &crate::config::Config) -> Result<CheckedClassifier> {
        let cc = &config.classify;
        let defaults = if cc.default_rules { rules::default_defs()? } else { Vec::new() };
        let builtin: std::collections::HashSet<String> =
            defaults.iter().map(|r| r.name.clone()).collect();
        let origin = rules::Origin { name: &config.origin, text: &config.text };
        rules::check_names(&defaults, &cc.rules, &origin)?;
        let defs = rules::merge(defaults, &cc.rules);
        let user_rule = defs.iter().map(|d| !builtin.contains(&d.name)).collect();
        Ok(CheckedClassifier {
            rules: RuleSet::check(&defs, &origin)?,
            settings: cc.clone(),
            model: load_model(config)?,
            user_rule,
        })
    }

    /// The rules the config adds (not built-in ones it changes) that match none of the
    /// snapshot's items, in the config's order. Items are scored until every such rule
    /// has matched one (most are found in the first items): the whole snapshot only when
    /// one matches nothing, and nothing at all when the config adds no rule.
    pub fn unmatched_new_rules(&self, snapshot: &Snapshot) -> Vec<&str> {
        let mut open: Vec<usize> =
            (0..self.rules.rules.len()).filter(|&i| self.user_rule[i]).collect();
        if open.is_empty() || snapshot.items.is_empty() {
            return Vec::new();
        }
        let ctx = Context::new(snapshot);
        for chunk in snapshot.items.chunks(BATCH * 16) {
            for (_, _, fired, _) in self.score_all(chunk, &ctx, false, None) {
                open.retain(|&i| !fired.contains(&(i as u16)));
            }
            if open.is_empty() {
                break;
            }
        }
        open.into_iter().map(|i| &*self.rules.rules[i].name).collect()
    }

    /// Classifies every item of the snapshot, in order, with the reasons.
    pub fn classify(&self, snapshot: &Snapshot) -> Vec<Classification> {
        self.classify_with(snapshot, true)
    }

    /// Concern, scores and confidence only: what reports need, without the cost of
    /// writing out every reason (a third of the time on 100k items).
    pub fn concerns(&self, snapshot: &Snapshot) -> Vec<Classification> {
        self.classify_with(snapshot, false)
    }

    /// What the rules' labels, titles and bodies say of each item: the costly part of
    /// classifying, and the same for an item whatever else is in the snapshot. For
    /// [`Classifier::concerns_given`], to classify several snapshots of the same items
    /// (the weeks of a backfill) scanning each text once.
    pub(crate) fn text_hits(&self, items: &[Item]) -> TextHits {
        let batches: Vec<&[Item]> = items.chunks(BATCH).collect();
        let hits = crate::par::map_with(
            &batches,
            4096 / BATCH,
            || self.rules.pooled(),
            |scratch, batch| self.hits(batch, scratch),
        );
        TextHits { per_item: self.rules.rules.len(), flat: hits.concat() }
    }

    /// [`Classifier::concerns`] with each item's text hits given, in item order.
    pub(crate) fn concerns_given(
        &self,
        snapshot: &Snapshot,
        hits: &[&[u8]],
    ) -> Vec<Classification> {
        self.classify_given(snapshot, false, Some(hits))
    }

    fn classify_with(&self, snapshot: &Snapshot, reasons: bool) -> Vec<Classification> {
        if let Some((n, first)) = self.conflicting(&snapshot.items) {
            tracing::warn!(
                "{} labels of two concerns (the first: {first}); decided as if unlabelled: keep one",
                if n == 1 { "1 item has".to_string() } else { format!("{n} items have") }
            );
        }
        if let Some((n, first)) = self.unknown_concern_labels(&snapshot.items) {
            tracing::warn!(
                "{} a label `{}…` that names no concern (the first: {first}); decided as if unlabelled: write product, program or project, or set `[classify] override-prefix`",
                if n == 1 { "1 item has".to_string() } else { format!("{n} items have") },
                self.settings.override_prefix
            );
        }
        self.classify_given(snapshot, reasons, None)
    }

    /// Items with a `concern:produkt` label (the prefix, then no concern's name): how many,
    /// and the first with that label. Such an item has no explicit concern of its own.
    pub(crate) fn unknown_concern_labels(&self, items: &[Item]) -> Option<(usize, String)> {
        if self.settings.override_prefix.is_empty() {
            return None;
        }
        let odd = |it: &Item| -> Option<String> {
            // The label first: most items have none such, and `explicit` reads every field.
            let l = it
                .labels
                .iter()
                .find(|l| self.after_prefix(l).is_some_and(|c| Concern::parse(c).is_none()))?;
            if self.explicit(it).is_some() {
                return None;
            }
            Some(format!("{} `{l}`", it.key))
        };
        let mut found = items.iter().filter_map(odd);
        let first = found.next()?;
        Some((1 + found.count(), first))
    }

    /// Items whose labels name two concerns: how many, and the first with its labels.
    pub(crate) fn conflicting<'i>(
        &self,
        items: impl IntoIterator<Item = &'i Item>,
    ) -> Option<(usize, String)> {
        let concerns = |it: &Item| -> Vec<Concern> {
            let mut v: Vec<Concern> = (it.labels.iter())
                .filter_map(|l| self.after_prefix(l).and_then(Concern::parse))
                .collect();
            v.sort_by_key(|c| c.index());
            v.dedup();
            v
        };
        let mut odd = items.into_iter().filter(|it| concerns(it).len() > 1);
        let first = odd.next()?;
        let labels: Vec<&str> = (first.labels.iter())
            .filter(|l| self.after_prefix(l).is_some())
            .map(|l| l.as_ref())
            .collect();
        Some((1 + odd.count(), format!("{} ({})", first.key, labels.join(", "))))
    }

    fn classify_given(
        &self,
        snapshot: &Snapshot,
        reasons: bool,
        hits: Option<&[&[u8]]>,
    ) -> Vec<Classification> {
        let ctx = Context::new(snapshot);
        // With the model, the rules' own reasons are only shown for the user's rules.
        let rule_reasons = reasons && (self.model.is_none() || self.user_rule.contains(&true));
        // With reasons, each item's text hits are kept: the items the rules decide are
        // scored again with reasons written out, from the same hits (scanning their text
        // again cost as much as a tenth of the whole).
        let own: TextHits;
        let refs: Vec<&[u8]>;
        let hits = match hits {
            None if reasons => {
                own = self.text_hits(&snapshot.items);
                refs = (0..snapshot.items.len()).map(|i| own.get(i)).collect();
                Some(&refs[..])
            }
            hits => hits,
        };
        let raw = self.score_all(&snapshot.items, &ctx, rule_reasons, hits);
        let (mut out, how) = match &self.model {
            Some(m) => self.decide_by_model(m, snapshot, &ctx, raw, hits, reasons),
            None => self.decide_by_rules(snapshot, &ctx, raw),
        };
        self.pull_requests_follow(snapshot, &ctx, &mut out, &how);
        out
    }

    /// The rules' weighted sum decides (`[classify] model = "rules"`).
    fn decide_by_rules(
        &self,
        snapshot: &Snapshot,
        ctx: &Context,
        raw: Vec<Scored>,
    ) -> (Vec<Classification>, Vec<Decided>) {
        let mut raw: Vec<(Scores, Vec<Reason>)> =
            raw.into_iter().map(|(s, r, _, _)| (s, r)).collect();
        // Children vote for their parent, weighted by share. Children are scored on their
        // own rules only, so the vote does not depend on order.
        let own: Vec<Concern> = raw.iter().map(|(s, _)| decide(s).0).collect();
        let decided = crate::par::map_mut(&mut raw, 4096, |i, (scores, reasons)| {
            let item = &snapshot.items[i];
            if let Some(kids) = ctx.children.get(item.id.as_str()) {
                self.children_vote(kids, &own, scores, reasons);
            }
            match self.explicit(item) {
                Some((concern, reason)) => (
                    Classification {
                        concern,
                        scores: scores.rounded(),
                        confidence: Confidence::High,
                        runner_up: None,
                        reasons: vec![reason],
                    },
                    Decided::Settled,
                ),
                None => (self.finish(*scores, std::mem::take(reasons)), Decided::ByRules),
            }
        });
        drop(raw);
        decided.into_iter().unzip()
    }

    /// What the model reads of an item.
    pub(crate) fn model_input<'a>(
        &'a self,
        item: &'a Item,
        ctx: &'a Context,
        rules: &'a [&'a str],
        rule_scores: &Scores,
        rule_text: bool,
    ) -> model::Input<'a> {
        model::Input {
            title: &item.title,
            body: &item.body,
            kind: tracker_kind(item),
            labels: &item.labels,
            skip_prefix: &self.settings.override_prefix,
            components: &item.components,
            parent_title: item
                .parent
                .as_deref()
                .and_then(|p| ctx.index.get(p))
                .map(|&j| ctx.items[j].title.as_str()),
            links: &item.links,
            children: ctx.children.contains_key(item.id.as_str()),
            rules,
            rule_scores: [
                rule_scores.product as f32,
                rule_scores.program as f32,
                rule_scores.project as f32,
            ],
            rule_text,
        }
    }

    /// What the built-in rules among `fired` add up to.
    pub(crate) fn builtin_scores(&self, fired: &[u16]) -> Scores {
        let mut s = Scores::default();
        for &r in fired {
            if !self.user_rule[r as usize] {
                let rule = &self.rules.rules[r as usize];
                s.add(rule.concern, rule.weight);
            }
        }
        s
    }

    /// Whether any built-in rule among `fired` reads what the item says.
    pub(crate) fn builtin_reads_text(&self, fired: &[u16]) -> bool {
        fired
            .iter()
            .any(|&r| !self.user_rule[r as usize] && self.rules.rules[r as usize].reads_text())
    }

    /// What the built-in rules among `fired` tell the model: their names, what they add
    /// up to, and whether any of them reads what the item says.
    pub(crate) fn rule_evidence<'a>(&'a self, fired: &[u16]) -> (Vec<&'a str>, Scores, bool) {
        (self.builtin_fired(fired), self.builtin_scores(fired), self.builtin_reads_text(fired))
    }

    /// Names of the built-in rules among `fired`.
    pub(crate) fn builtin_fired<'a>(&'a self, fired: &[u16]) -> Vec<&'a str> {
        self.builtin_fired_iter(fired).collect()
    }

    /// [`Classifier::builtin_fired`], into a buffer of the caller's.
    fn builtin_fired_iter<'a, 'f>(
        &'a self,
        fired: &'f [u16],
    ) -> impl Iterator<Item = &'a str> + use<'a, 'f> {
        fired
            .iter()
            .filter(|&&r| !self.user_rule[r as usize])
            .map(|&r| &*self.rules.rules[r as usize].name)
    }

    /// The model decides; an explicit concern and the user's own rules still win.
    fn decide_by_model(
        &self,
        m: &model::Model,
        snapshot: &Snapshot,
        ctx: &Context,
        mut raw: Vec<Scored>,
        hits: Option<&[&[u8]]>,
        explain: bool,
    ) -> (Vec<Classification>, Vec<Decided>) {
        let items = &snapshot.items;
        // Each item's own probabilities, and (when asked) the features that weighed most
        // between its top two, found in the same pass over its features.
        // The buffers for the features and their weighing are kept per thread.
        let indexed: Vec<usize> = (0..raw.len()).collect();
        let scored: Vec<(model::Scored, Vec<Reason>)> =
            crate::par::map_with(&indexed, 4096, Default::default, |scratch, &i| {
                let (kept, names): &mut (model::Keep, Vec<&str>) = scratch;
                let fired = &raw[i].2;
                names.clear();
                names.extend(self.builtin_fired_iter(fired));
                let (bs, text) = (self.builtin_scores(fired), self.builtin_reads_text(fired));
                let input = self.model_input(&items[i], ctx, names, &bs, text);
                if !explain {
                    return (m.score(input), Vec::new());
                }
                kept.clear();
                let s = m.score_keeping(input, Some(kept));
                let (first, second) = top_two(&s.probs);
                (s, model_reasons(m, &kept.kept, &kept.words, first, second))
            });
        let (own, mut own_reasons): (Vec<model::Scored>, Vec<Vec<Reason>>) =
            scored.into_iter().unzip();
        let top = top_two;
        let mut both: Vec<_> = raw.iter_mut().zip(own_reasons.iter_mut()).collect();
        let decided = crate::par::map_mut(
            &mut both,
            4096,
            |i, ((rule_scores, rule_reasons, fired, user), mine)| {
                let item = &items[i];
                let probs_of = |p: [f32; 3]| Scores {
                    product: p[0] as f64,
                    program: p[1] as f64,
                    project: p[2] as f64,
                };
                if let Some((concern, reason)) = self.explicit(item) {
                    // Certain: not the model's probabilities, which may say otherwise.
                    let mut certain = [0.0; 3];
                    certain[concern.index()] = 1.0;
                    return (
                        Classification {
                            concern,
                            scores: probs_of(certain),
                            confidence: Confidence::High,
                            runner_up: None,
                            reasons: vec![reason],
                        },
                        Decided::Settled,
                    );
                }
                // The user's own rules override the model where they match.
                let any_user = fired.iter().any(|&r| self.user_rule[r as usize]);
                if any_user {
                    let user = *user;
                    let (concern, margin) = decide(&user);
                    // Sure unless two concerns' rules come close: a tie (or a lead under
                    // the high-confidence margin) is low, with both, for triage.
                    let second = (Concern::TIE_ORDER.iter().copied())
                        .filter(|&c| c != concern)
                        .max_by(|a, b| user.get(*a).total_cmp(&user.get(*b)))
                        .filter(|&c| {
                            user.get(c) > 0.0 && margin < self.settings.high_confidence_margin
                        });

                    let reasons = std::mem::take(rule_reasons)
                        .into_iter()
                        .filter(|r| {
                            self.rules
                                .rules
                                .iter()
                                .zip(&self.user_rule)
                                .any(|(x, &u)| u && *x.name == *r.rule)
                        })
                        .collect();
                    return (
                        Classification {
                            concern,
                            scores: user.rounded(),
                            confidence: if second.is_some() {
                                Confidence::Low
                            } else {
                                Confidence::High
                            },
                            runner_up: second,
                            reasons,
                        },
                        Decided::Settled,
                    );
                }
                let mut probs = own[i].probs;
                let mut reasons = Vec::new();
                // Whether the item took after its children or its parent (then it has a
                // signal, even when it says nothing the model knows).
                let mut leaned = false;
                // Saying little of itself: unsure, or nothing but its type and structure
                // to go on (an epic named "Phoenix" is not product because epics lean so).
                let below = |b: f32| if own[i].text_evidence { b } else { f32::INFINITY };
                // An epic that says little of itself takes after its children: those with
                // something of their own to go on (the model's call for one without is
                // its type and structure again, and the rules decide it).
                if let Some(kids) = ctx.children.get(item.id.as_str()) {
                    let n = kids.iter().filter(|&&k| own[k].text_evidence).count();
                    let mut share = [0f32; 3];
                    for &k in kids.iter().filter(|&&k| own[k].text_evidence) {
                        share[top(&own[k].probs).0.index()] += 1.0 / n as f32;
                    }
                    if n > 0
                        && lean_if_unsure(&mut probs, share, CHILDREN_SHARE, below(CHILDREN_BELOW))
                    {
                        leaned = true;
                        if explain {
                            let (c, _) = top(&share);
                            let of = share[c.index()] * n as f32;
                            let more = match kids.len() - n {
                                0 => String::new(),
                                silent => format!(" ({silent} more say nothing the model knows)"),
                            };
                            reasons.push(reason(
                                "children",
                                c,
                                round2(share[c.index()] as f64),
                                format!("{of:.0} of {n} children are {}{more}", c.as_str()),
                                "an item that says little of itself takes after its children",
                            ));
                        }
                    }
                }
                // A sub-task unsure of itself takes after its parent's own call, when the
                // parent has something of its own to go on.
                let parent = item.parent.as_deref().and_then(|p| ctx.index.get(p));
                let parent = parent.filter(|&&j| {
                    crate::model::kind::is_sub_task(&item.kind) && own[j].text_evidence
                });
                if let Some(&j) = parent {
                    let theirs = own[j].probs;
                    if lean_if_unsure(&mut probs, theirs, PARENT_SHARE, below(PARENT_BELOW)) {
                        leaned = true;
                        if explain {
                            let (c, _) = top(&theirs);
                            reasons.push(reason(
                                "parent",
                                c,
                                round2((PARENT_SHARE * theirs[c.index()]) as f64),
                                format!("sub-task of {} ({})", items[j].key, c.as_str()),
                                "a sub-task that says little of itself is part of its parent's work",
                            ));
                        }
                    }
                }
                let (first, second) = top(&probs);
                let margin = probs[first.index()] - probs[second.index()];
                let triage = margin < m.triage_margin || !own[i].text_evidence;
                let high = probs[first.index()] >= m.high && !triage;
                // Where the model is unsure and the rules are sure of something else (a label
                // they know, a phrase that says it outright), the rules decide, and the item
                // goes to triage with the model's choice as the other candidate.
                // Where the model knows none of the item's words, no rule that reads what it
                // says matched (a rule on its type alone is no evidence of what it is about)
                // and no child or parent spoke, the rules decide too: with no signal at all,
                // a low-confidence project item. (Leave-one-tracker-out: 0.678 / 0.633,
                // against 0.678 / 0.632 counting type-only rules as a signal.)
                let (by_rules, rules_sure) = self.rules_overrule(rule_scores);
                let blind = !leaned && !own[i].text_evidence && !self.builtin_reads_text(fired);
                if (!high && rules_sure || blind) && by_rules != first {
                    if explain {
                        // The rules' own reasons go before this one, written out below;
                        // they add up to the scores. The model's view, with what it
                        // took from the children or the parent, is one line of weight 0
                        // that `explain` shows apart: it is not in the scores.
                        let with: Vec<&str> =
                            (reasons.iter())
                                .map(|r| {
                                    if &*r.rule == "parent" {
                                        "its parent"
                                    } else {
                                        "its children"
                                    }
                                })
                                .collect();
                        reasons.clear();
                        let with = match with.as_slice() {
                            [] => String::new(),
                            w => format!(", with {}", w.join(" and ")),
                        };
                        reasons.push(Reason {
                            rule: "model".into(),
                            concern: first,
                            weight: 0.0,
                            matched: format!(
                                "the model leaned {} ({:.0}%{with}), short of sure",
                                first.as_str(),
                                probs[first.index()] * 100.0
                            )
                            .into(),
                            why: if blind {
                                "the model knows none of its words, and no rule read what it says"
                            } else {
                                "the rules are sure where the model is not"
                            }
                            .into(),
                        });
                    }
                    return (
                        Classification {
                            concern: by_rules,
                            scores: rule_scores.rounded(),
                            confidence: Confidence::Low,
                            runner_up: Some(first),
                            reasons,
                        },
                        Decided::ByRules,
                    );
                }
                if explain {
                    if (first, second) == top(&own[i].probs) {
                        if reasons.is_empty() {
                            // Most items: the model's own reasons as they are, not copied.
                            reasons = std::mem::take(mine);
                        } else {
                            reasons.append(mine);
                        }
                    } else {
                        // The children changed the top two: weigh the features between these.
                        let (names, bs, text) = self.rule_evidence(fired);
                        let mut kept = model::Keep::default();
                        let input = self.model_input(item, ctx, &names, &bs, text);
                        m.score_keeping(input, Some(&mut kept));
                        reasons.extend(model_reasons(m, &kept.kept, &kept.words, first, second));
                    }
                }
                (
                    Classification {
                        concern: first,
                        scores: probs_of(probs).rounded(),
                        confidence: if high { Confidence::High } else { Confidence::Low },
                        runner_up: triage.then_some(second),
                        reasons,
                    },
                    Decided::ByModel,
                )
            },
        );
        let (mut out, how): (Vec<Classification>, Vec<Decided>) = decided.into_iter().unzip();
        if explain {
            // The rules' own reasons where they decided, scored again with reasons written
            // out (only these items: formatting every item's is a third of the time).
            let ruled: Vec<usize> =
                (0..out.len()).filter(|&i| how[i] == Decided::ByRules).collect();
            let written = crate::par::map_with(
                &ruled,
                256,
                || self.rules.pooled(),
                |scratch, &i| self.score_item(items, i, hits, ctx, true, scratch).1,
            );
            for (&i, mut reasons) in ruled.iter().zip(written) {
                reasons.append(&mut out[i].reasons);
                out[i].reasons = reasons;
            }
        }
        (out, how)
    }

    /// A pull request takes the concern of the issue it closes, with its scores,
    /// confidence and runner-up; not when its own explicit concern or the user's own
    /// rules decided it (those win, as everywhere).
    fn pull_requests_follow(
        &self,
        snapshot: &Snapshot,
        ctx: &Context,
        out: &mut [Classification],
        how: &[Decided],
    ) {
        for (i, item) in snapshot.items.iter().enumerate() {
            if how[i] == Decided::Settled {
                continue;
            }
            let closes = item.links.iter().filter(|l| l.kind == link_kind::CLOSES);
            if let Some(&t) = closes.filter_map(|l| ctx.index.get(l.target.as_str())).next() {
                let (concern, confidence) = (out[t].concern, out[t].confidence);
                let (scores, runner_up) = (out[t].scores, out[t].runner_up);
                let c = &mut out[i];
                c.concern = concern;
                c.confidence = confidence;
                c.scores = scores;
                c.runner_up = runner_up;
                c.reasons.insert(
                    0,
                    Reason {
                        rule: "closes".into(),
                        concern,
                        weight: 0.0,
                        matched: format!("closes {}", snapshot.items[t].key).into(),
                        why: "a pull request takes the concern of the issue it closes".into(),
                    },
                );
            }
        }
    }

    /// Adds the children's vote to their parent's scores: each concern weighted by its
    /// share of the children.
    fn children_vote(
        &self,
        kids: &[usize],
        own: &[Concern],
        scores: &mut Scores,
        reasons: &mut Vec<Reason>,
    ) {
        let mut counts = [0usize; 3];
        for &k in kids {
            counts[own[k].index()] += 1;
        }
        let total = kids.len() as f64;
        for c in Concern::ALL {
            let n = counts[c.index()];
            if n > 0 {
                let w = self.settings.children_weight * n as f64 / total;
                scores.add(c, w);
                reasons.push(Reason {
                    rule: "children".into(),
                    concern: c,
                    weight: round2(w),
                    matched: format!("{n} of {} children are {}", kids.len(), c.as_str()).into(),
                    why: "".into(),
                });
            }
        }
    }

    /// Scores every item, on all cores for large snapshots; the order of the result is the
    /// order of the items whatever the thread count.
    pub(crate) fn score_all(
        &self,
        items: &[Item],
        ctx: &Context,
        reasons: bool,
        hits: Option<&[&[u8]]>,
    ) -> Vec<Scored> {
        let n = self.rules.rules.len();
        let given = |i: usize| self.given_hits(hits, i);
        let batches: Vec<(usize, &[Item])> =
            items.chunks(BATCH).enumerate().map(|(b, batch)| (b * BATCH, batch)).collect();
        let scored = crate::par::map_with(
            &batches,
            4096 / BATCH,
            || self.rules.pooled(),
            |scratch, &(start, batch)| {
                let all_given = (start..start + batch.len()).all(|i| given(i).is_some());
                let scanned = if all_given { Vec::new() } else { self.hits(batch, scratch) };
                let mut out = Vec::with_capacity(batch.len());
                for (k, item) in batch.iter().enumerate() {
                    let h = given(start + k).unwrap_or_else(|| &scanned[k * n..(k + 1) * n]);
                    out.push(self.score_from(item, h, ctx, reasons, scratch));
                }
                out
            },
        );
        scored.into_iter().flatten().collect()
    }

    /// Item `i`'s text hits among those given, if they are for this rule set.
    fn given_hits<'h>(&self, hits: Option<&[&'h [u8]]>, i: usize) -> Option<&'h [u8]> {
        hits.and_then(|h| h.get(i)).copied().filter(|h| h.len() == self.rules.rules.len())
    }

    /// Item `i`'s rule scores, from its text hits when given (for this rule set), else
    /// from a scan of its text.
    fn score_item(
        &self,
        items: &[Item],
        i: usize,
        hits: Option<&[&[u8]]>,
        ctx: &Context,
        explain: bool,
        scratch: &mut rules::Scratch,
    ) -> Scored {
        let item = &items[i];
        match self.given_hits(hits, i) {
            Some(h) => self.score_from(item, h, ctx, explain, scratch),
            None => {
                let h = self.hits(std::slice::from_ref(item), scratch);
                self.score_from(item, &h, ctx, explain, scratch)
            }
        }
    }

    /// What the rules decide from these scores, and whether they are sure of it (the
    /// winner at least `high-confidence-score`, leading by `high-confidence-margin`).
    pub(crate) fn rules_call(&self, scores: &Scores) -> (Concern, bool) {
        rules_sure(
            scores,
            self.settings.high_confidence_score,
            self.settings.high_confidence_margin,
        )
    }

    /// Whether the rules overrule an unsure model: they must be surer than for their own
    /// high confidence (a score of at least 2.5 leading by 1.5, or the configured ones when
    /// higher). Measured on the corpus (leave-one-tracker-out, 71 trackers): at 1.5 and
    /// 1.0 the rules' calls cost 0.014 of mean accuracy on real trackers; at 2.5 and 1.5
    /// they add 0.001, and on the written examples' frozen set 0.067 (80 trackers: 0.002
    /// and 0.050).
    pub(crate) fn rules_overrule(&self, scores: &Scores) -> (Concern, bool) {
        rules_sure(
            scores,
            self.settings.high_confidence_score.max(OVERRULE_SCORE),
            self.settings.high_confidence_margin.max(OVERRULE_MARGIN),
        )
    }

    fn finish(&self, scores: Scores, reasons: Vec<Reason>) -> Classification {
        let (concern, margin) = decide(&scores);
        let confidence =
            if self.rules_call(&scores).1 { Confidence::High } else { Confidence::Low };
        // A low-confidence call between two concerns that both have evidence: triage, with both.
        let mut order = Concern::TIE_ORDER;
        order.sort_by(|a, b| scores.get(*b).total_cmp(&scores.get(*a)));
        let second = order[if order[0] == concern { 1 } else { 0 }];
        let runner_up = (confidence == Confidence::Low
            && scores.get(second) > 0.0
            && margin < self.settings.high_confidence_margin)
            .then_some(second);
        Classification { concern, scores: scores.rounded(), confidence, runner_up, reasons }
    }

    /// What follows the concern prefix (`concern:`, any case) in `label`, if it has it.
    pub(crate) fn after_prefix<'l>(&self, label: &'l str) -> Option<&'l str> {
        let prefix = &self.settings.override_prefix;
        (label.get(..prefix.len()))
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &label[prefix.len()..])
    }

    /// `concern:program` label (prefix configurable) or a `Concern` field.
    /// Two labels naming different concerns (`concern:project`, `concern:program`) say
    /// nothing certain: which one won depended on their order. The item is then decided as
    /// if it had neither (see [`Classifier::conflicting`]).
    pub(crate) fn explicit(&self, item: &Item) -> Option<(Concern, Reason)> {
        let mut found: Option<(Concern, &str)> = None;
        for label in &item.labels {
            if let Some(c) = self.after_prefix(label).and_then(Concern::parse) {
                match found {
                    None => found = Some((c, label)),
                    // As if it had neither label: a `Concern` field may still say.
                    Some((first, _)) if first != c => {
                        found = None;
                        break;
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some((c, label)) = found {
            return Some((c, explicit_reason(c, format!("label \"{label}\""))));
        }
        for (name, value) in item.fields.iter() {
            if name.eq_ignore_ascii_case("concern")
                || name.eq_ignore_ascii_case("custom field (concern)")
            {
                if let Some(c) = value.values().iter().find_map(|v| Concern::parse(v)) {
                    return Some((c, explicit_reason(c, format!("field \"{name}\""))));
                }
            }
        }
        None
    }

    /// Per item of `items`, per rule: which of the rule's label, title and body
    /// conditions the item meets, `rules.len()` bytes an item one after another. Each is
    /// found for all rules at once: labels through an index, texts by the rules' automata,
    /// several texts side by side.
    fn hits<'i>(&self, items: &'i [Item], scratch: &mut rules::Scratch) -> Vec<u8> {
        let rs = &self.rules;
        let n = rs.rules.len();
        let mut hits = vec![0u8; n * items.len()];
        // Where ASCII and Unicode word boundaries disagree (`Dr|ücken`), the automata scan
        // the text with its other letters folded (`Drxxcken`), unless a pattern names
        // such letters itself; then each hit in such a text is confirmed.
        let [fold_titles, fold_bodies] = rs.folds();
        let folded = |text: &'i str, fold: bool| -> std::borrow::Cow<'i, str> {
            match fold.then(|| rules::folded(text)).flatten() {
                Some(f) => f.into(),
                None => text.into(),
            }
        };
        let title_texts: Vec<_> = items.iter().map(|i| folded(&i.title, fold_titles)).collect();
        let titles: Vec<&str> = title_texts.iter().map(|t| t.as_ref()).collect();
        rs.match_titles(scratch, &titles, |k, r, text| {
            hits[k * n + r] |= if text { TEXT_TITLE } else { TITLE }
        });
        // Long bodies are mostly logs and templates; the first part says what it is.
        let (with_body, bodies): (Vec<usize>, Vec<&str>) = items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.body.is_empty())
            .map(|(k, item)| (k, crate::text::prefix_chars(&item.body, 4000)))
            .unzip();
        let body_texts: Vec<_> = bodies.iter().map(|b| folded(b, fold_bodies)).collect();
        let scanned: Vec<&str> = body_texts.iter().map(|t| t.as_ref()).collect();
        rs.match_bodies(scratch, &scanned, |k, r, text| {
            hits[with_body[k] * n + r] |= if text { TEXT_BODY } else { BODY }
        });
        let mut confirm =
            |k: usize,
             text: &str,
             (own, in_text): (u8, u8),
             pick: fn(&rules::Rule) -> &Option<rules::LazyRegex>| {
                let row = k * n..(k + 1) * n;
                if text.is_ascii() || hits[row].iter().all(|&h| h & (own | in_text) == 0) {
                    return;
                }
                // Folded once for the rules without letters beyond ASCII of their own.
                let folded = std::cell::OnceCell::new();
                for (r, rule) in rs.rules.iter().enumerate() {
                    let h = &mut hits[k * n + r];
                    for (bit, re) in [(own, pick(rule)), (in_text, &rule.text)] {
                        let gone = |re: &rules::LazyRegex| re.find_in(text, &folded).is_none();
                        if *h & bit != 0 && re.as_ref().is_some_and(gone) {
                            *h &= !bit;
                        }
                    }
                }
            };
        if !fold_titles {
            for (k, item) in items.iter().enumerate() {
                confirm(k, &item.title, (TITLE, TEXT_TITLE), |r| &r.title);
            }
        }
        if !fold_bodies {
            for (&k, body) in with_body.iter().zip(&bodies) {
                confirm(k, body, (BODY, TEXT_BODY), |r| &r.body);
            }
        }
        for (k, item) in items.iter().enumerate() {
            for label in &item.labels {
                let lower;
                let label = if label.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                    lower = label.to_lowercase();
                    lower.as_str()
                } else {
                    label.as_str()
                };
                rs.label_rules(label, |r| hits[k * n + r] |= LABEL);
            }
        }
        hits
    }

    /// An item's scores from its text hits, its fields and its structural facts.
    fn score_from(
        &self,
        item: &Item,
        hits: &[u8],
        ctx: &Context,
        explain: bool,
        scratch: &mut rules::Scratch,
    ) -> Scored {
        let rs = &self.rules;
        // The item's structural facts, found when a rule first asks.
        let mut facts = None;
        let mut fired: Vec<u16> = Vec::new();

        let mut scores = Scores::default();
        let mut user = Scores::default();
        let mut reasons = Vec::new();
        // The title and body with their letters beyond ASCII folded, once asked for.
        let (title_folded, body_folded) = Default::default();
        // The type as built-in rules read it: once an item, not for each rule on types
        // (it reads the item's source up to its `:`, twenty times an item).
        let built_in_kind = tracker_kind(item);
        // Evidence is only written out when asked for: formatting it is most of the cost.
        macro_rules! note {
            ($matched:ident, $e:expr) => {
                if explain {
                    $matched.push($e);
                }
            };
        }
        'rules: for (i, rule) in rs.rules.iter().enumerate() {
            // Most rules fail on a label, title or body they did not find: passed over
            // before anything else about them is checked.
            let h = hits[i];
            if (!rule.labels.is_empty() && h & LABEL == 0)
                || (rule.title.is_some() && h & TITLE == 0)
                || (rule.body.is_some() && h & BODY == 0)
                || (rule.text.is_some() && h & (TEXT_TITLE | TEXT_BODY) == 0)
            {
                continue;
            }
            let mut matched: Vec<String> = Vec::new();
            if !rule.labels.is_empty() && explain {
                let original = item.labels.iter().find(|l| {
                    let l = l.to_lowercase();
                    rule.labels.iter().any(|p| p.matches(&l))
                });
                note!(matched, format!("label \"{}\"", original.map_or("", |s| s.as_str())));
            }
            if !rule.kinds.is_empty() {
                // A built-in rule reads the type the tracker gave, as the model learned
                // it; a rule of the user's matches the type as the reports show it.
                let kind = match self.user_rule[i] {
                    true => item.kind.as_str(),
                    false => built_in_kind,
                };
                if !rule.kinds.iter().any(|k| *k == kind) {
                    continue;
                }
                note!(matched, format!("kind {}", item.kind));
            }
            if let Some(re) = &rule.title {
                note!(matched, found("title", re, &item.title, &title_folded));
            }
            if let Some(re) = &rule.body {
                note!(matched, found("body", re, &item.body, &body_folded));
            }
            let mut weight = rule.weight;
            if let Some(re) = &rule.text {
                if h & TEXT_TITLE != 0 {
                    note!(matched, found("title", re, &item.title, &title_folded));
                } else {
                    // A body mentions everything sooner or later; the title says what
                    // the item is. A body-only match counts half.
                    note!(matched, found("body", re, &item.body, &body_folded));
                    weight *= BODY_ONLY_FACTOR;
                }
            }
            for (name, re) in &rule.fields {
                let values = field_values(item, name);
                match values.iter().find(|v| re.is_match(scratch, v)) {
                    Some(v) => {
                        note!(matched, format!("{name} \"{}\"", crate::text::truncate(v, 40)))
                    }
                    None => continue 'rules,
                }
            }
            for &fact in &rule.has {
                if *facts.get_or_insert_with(|| ctx.facts(item)) & fact_bit(fact) == 0 {
                    continue 'rules;
                }
                note!(matched, fact.describe().to_string());
            }
            scores.add(rule.concern, weight);
            if self.user_rule[i] {
                user.add(rule.concern, weight);
            }
            fired.push(i as u16);
            if explain {
                reasons.push(Reason {
                    rule: rule.name.clone(),
                    concern: rule.concern,
                    weight,
                    matched: matched.join(", ").into(),
                    why: rule.why.clone(),
                });
            }
        }
        (scores, reasons, fired, user)
    }
}

/// Each item's text hits ([`Classifier::text_hits`]), one after another in one buffer.
pub(crate) struct TextHits {
    per_item: usize,
    flat: Vec<u8>,
}

impl TextHits {
    /// Item `i`'s hits, one byte a rule (empty past the last item).
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        self.flat.get(i * self.per_item..(i + 1) * self.per_item).unwrap_or_default()
    }
}

/// Items scanned together ([`Classifier::hits`]): enough to keep the automata's lanes
/// full, few enough that their texts stay in cache.
const BATCH: usize = 64;

/// A structural fact's bit in [`Context::facts`].
fn fact_bit(fact: Fact) -> u16 {
    1 << fact as u16
}

/// An item's rule scores, the reasons behind them, and which rules matched.
/// The fourth part is what the user's own rules add up to, as they count (a body-only
/// match at half weight), for the model's decision, which they override.
type Scored = (Scores, Vec<Reason>, Vec<u16>, Scores);

/// An item whose own top probability is below this takes after its children.
const CHILDREN_BELOW: f32 = 0.6;

/// Moves probabilities `share` of the way towards `other`'s when none of them reaches
/// `below`; whether it did.
fn lean_if_unsure(probs: &mut [f32; 3], other: [f32; 3], share: f32, below: f32) -> bool {
    if probs.iter().copied().fold(0.0, f32::max) >= below {
        return false;
    }
    for (p, o) in probs.iter_mut().zip(other) {
        *p = (1.0 - share) * *p + share * o;
    }
    true
}

/// How far an unsure epic leans towards its children's majority: two thirds, so that a
/// clear majority outweighs what the epic's type alone suggests.
const CHILDREN_SHARE: f32 = 2.0 / 3.0;

/// How far an unsure sub-task leans towards its parent's own call: half.
const PARENT_SHARE: f32 = 0.5;

/// A sub-task whose own top probability is below this takes half its parent's.
const PARENT_BELOW: f32 = 0.6;

/// The item's type as its tracker gave it, or `""` where the importer had none and named
/// one itself: every Linear item is an `issue` and every Asana item a `task`, a Jira or
/// CSV export without a type column makes `issue`, and a GitHub Projects export knows
/// only issue or pull request. The labelled corpus has no type for those trackers, so
/// the model learned `issue` from GitHub's issues (mostly product requests) and `task`
/// from Jira's tasks (mostly project work): read as a type, the made-up name pushed every
/// item of such an export one way (measured leave-one-tracker-out on the 17 trackers
/// concerned: 0.571 with it, 0.586 without).
pub(crate) fn tracker_kind(item: &Item) -> &str {
    let format = item.source.split(':').next().unwrap_or("");
    match format {
        "github" | "github-project" => &item.kind,
        "linear" | "asana" | "github-projects" => "",
        _ if item.kind == "issue" => "",
        _ => &item.kind,
    }
}

/// The top concern of three probabilities and the runner-up (ties by
/// [`Concern::TIE_ORDER`]).
pub(crate) fn top_two(p: &[f32; 3]) -> (Concern, Concern) {
    let mut order = Concern::TIE_ORDER;
    order.sort_by(|a, b| p[b.index()].total_cmp(&p[a.index()]));
    (order[0], order[1])
}

/// The features that weighed most for the winner against the runner-up (six), and
/// against it (three), strongest first; function words left out. Found in one pass over
/// the item's features for both, each kept only while it is among the strongest. A
/// word is quoted as the item wrote it where the feature was first read ([`Kept::spelt`],
/// its words of [`model::Spelt::Other`] in `words`).
///
/// [`Kept::spelt`]: model::Kept::spelt
fn model_reasons(
    m: &model::Model,
    kept: &[model::Kept],
    words: &str,
    win: Concern,
    second: Concern,
) -> Vec<Reason> {
    let (w, r) = (win.index(), second.index());
    // One pass: what weighs against the winner is what weighs for the runner-up.
    let (mut for_win, mut against) = (Strongest::<6>::new(true), Strongest::<3>::new(false));
    for k in kept {
        let strength = (k.weights[w] - k.weights[r]) * k.value;
        for_win.offer(strength, k.index);
        against.offer(-strength, k.index);
    }
    // A word said twice is one feature kept twice: a reason it would give twice is given
    // once, its weighings summed. Rare, so looked for among the few chosen, and only then
    // the features merged and the strongest chosen again.
    let chosen = || for_win.iter().chain(against.iter()).map(|(_, i)| i);
    if chosen().enumerate().any(|(k, i)| chosen().take(k).any(|j| j == i)) {
        let mut merged = kept.to_vec();
        merged.sort_by_key(|k| k.index);
        merged.dedup_by(|later, first| {
            let same = later.index == first.index;
            if same {
                first.value += later.value;
            }
            same
        });
        return model_reasons(m, &merged, words, win, second);
    }
    let mut out = Vec::with_capacity(for_win.iter().count() + against.iter().count());
    let for_win = for_win.iter().map(|f| (f, win));
    for ((d, i), concern) in for_win.chain(against.iter().map(|f| (f, second))) {
        out.push(Reason {
            rule: "model".into(),
            concern,
            weight: round2(d as f64),
            matched: quoted_as(m, i, kept, words),
            why: Text::default(),
        });
    }
    out
}

/// The `N` strongest of the features offered (of at least [`LEAST_SHOWN`]), strongest
/// first; on a tie, by name (the model's features are indexed in name order): A to Z for
/// the winner, Z to A against. Each is kept as one number, its strength's [`rank`] above
/// its tie-break, so keeping the strongest is a row of min/max with no branch to guess:
/// which features make the cut, and which are strong enough to show at all, is data the
/// processor cannot predict (a branch on either cost more than all the rest).
struct Strongest<const N: usize> {
    at: [u64; N],
    a_to_z: bool,
}

/// The least strength a model reason shows.
const LEAST_SHOWN: f32 = 0.01;
/// What [`rank`] subtracts: the bits of +infinity, and one.
const RANK_FROM: u32 = f32::INFINITY.to_bits() + 1;

/// A strength's bits, turned (by a subtraction that wraps) so that those from
/// [`LEAST_SHOWN`] to +infinity come last, in their order, and all others (negative,
/// weaker, not a number) before: the strongest to show are the greatest numbers, with no
/// test (positive floats' bits order as the floats do).
fn rank(strength: f32) -> u32 {
    strength.to_bits().wrapping_sub(RANK_FROM)
}

impl<const N: usize> Strongest<N> {
    fn new(a_to_z: bool) -> Self {
        // 0 is the rank of a NaN: an empty place is one not shown.
        Strongest { at: [0; N], a_to_z }
    }

    #[inline]
    fn offer(&mut self, strength: f32, feature: u32) {
        let tie = if self.a_to_z { !feature } else { feature };
        let mut k = (u64::from(rank(strength)) << 32) | u64::from(tie);
        for place in &mut self.at {
            let kept = (*place).max(k);
            k = (*place).min(k);
            *place = kept;
        }
    }

    /// Strength and feature, strongest first.
    fn iter(&self) -> impl Iterator<Item = (f32, u32)> + '_ {
        let least = rank(LEAST_SHOWN);
        self.at.iter().take_while(move |&&k| (k >> 32) as u32 >= least).map(|&k| {
            let (r, tie) = ((k >> 32) as u32, k as u32);
            (f32::from_bits(r.wrapping_add(RANK_FROM)), if self.a_to_z { !tie } else { tie })
        })
    }
}

/// A model feature in words, as a reason says it: borrowed from the built-in model,
/// shared with any other (each feature is put in words once per model).
fn feature_words(m: &model::Model, feature: u32) -> Text {
    shared(m, |m| m.described(feature))
}

/// A text `m` keeps: borrowed for the life of the program from the built-in model (no
/// reference count), shared from any other.
fn shared(m: &model::Model, text: impl Fn(&model::Model) -> &Text) -> Text {
    // Only compared with, never parsed here: a user's own model does not need it.
    match model::Model::builtin_if_parsed() {
        Some(builtin) if std::ptr::eq(m, &**builtin) => {
            let words: &'static str = text(builtin);
            words.into()
        }
        _ => text(m).clone(),
    }
}

/// A model feature in words as the item wrote it where the feature was first read (the
/// first of `kept` with it, as scoring recorded it: [`model::Kept::spelt`]). A stem the
/// model quotes in another form (`w:statu` as "status"): most items wrote that form, but
/// a German `wir` shares its stem with `wiring`, and an item is quoted as it is written.
/// Only the form or the stem, each put in words once, or a word in neither form costs an
/// allocation.
fn quoted_as(m: &model::Model, feature: u32, kept: &[model::Kept], words: &str) -> Text {
    if m.form(feature).is_none() {
        return feature_words(m, feature);
    }
    let spelt = kept.iter().find(|k| k.index == feature).map_or(model::Spelt::Form, |k| k.spelt);
    match spelt {
        model::Spelt::Form => feature_words(m, feature),
        model::Spelt::Stem => shared(m, |m| m.stem_described(feature)),
        model::Spelt::Other(a, b) => {
            let prefix = m.name(feature).split_once(':').map_or("", |(p, _)| p);
            model::describe(&format!("{prefix}:{}", &words[a as usize..b as usize])).into()
        }
    }
}

/// [`quoted_as`] from the item's text, read again ([`model::written`]): what scoring
/// records, to test it against.
#[cfg(test)]
fn quoted(m: &model::Model, feature: u32, item: Option<model::Input<'_>>) -> Text {
    let (Some(item), Some(form)) = (item, m.form(feature)) else {
        return feature_words(m, feature);
    };
    match model::written(m.name(feature), form, item) {
        model::Written::Form | model::Written::Absent => feature_words(m, feature),
        model::Written::Stem => shared(m, |m| m.stem_described(feature)),
        model::Written::Other(words) => {
            let prefix = m.name(feature).split_once(':').map_or("", |(p, _)| p);
            model::describe(&format!("{prefix}:{words}")).into()
        }
    }
}

/// The least score, and lead, of the rules' winner for the rules to overrule an unsure
/// model ([`Classifier::rules_overrule`]).
const OVERRULE_SCORE: f64 = 2.5;
const OVERRULE_MARGIN: f64 = 1.5;

/// What decided an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decided {
    /// Its own explicit concern, or the user's own rules: final.
    Settled,
    /// The rules, the model being unsure (or `model = "rules"`).
    ByRules,
    ByModel,
}

/// Flags in `score`'s per-rule hits.
const TITLE: u8 = 1;
const BODY: u8 = 2;
const LABEL: u8 = 4;
/// A rule's `text` pattern in the title, in the body.
const TEXT_TITLE: u8 = 8;
const TEXT_BODY: u8 = 16;

/// How much a `text` rule counts when it matches the body but not the title.
pub(crate) const BODY_ONLY_FACTOR: f64 = 0.5;

fn explicit_reason(c: Concern, matched: String) -> Reason {
    // Weighs what the scores say of it: 1 for its concern.
    reason("explicit", c, 1.0, matched, "an explicit concern always wins")
}

/// A reason that is not a rule's: an explicit concern, the children's or parent's call.
fn reason(
    rule: &'static str,
    concern: Concern,
    weight: f64,
    matched: String,
    why: &'static str,
) -> Reason {
    Reason { rule: rule.into(), concern, weight, matched: matched.into(), why: why.into() }
}

/// What the rules decide from `scores`, and whether the winner scores at least
/// `min_score` and leads by at least `min_margin`.
fn rules_sure(scores: &Scores, min_score: f64, min_margin: f64) -> (Concern, bool) {
    let (concern, margin) = decide(scores);
    (concern, scores.get(concern) >= min_score && margin >= min_margin)
}

/// The winning concern (ties by [`Concern::TIE_ORDER`]) and its margin over the runner-up.
/// With no signal at all, project: every tracked item is at least work to schedule.
pub(crate) fn decide(scores: &Scores) -> (Concern, f64) {
    let mut order = Concern::TIE_ORDER;
    order.sort_by(|a, b| scores.get(*b).total_cmp(&scores.get(*a)));
    let (first, second) = (order[0], order[1]);
    if scores.get(first) <= 0.0 {
        return (Concern::Project, 0.0);
    }
    (first, scores.get(first) - scores.get(second))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn found(
    what: &str,
    re: &rules::LazyRegex,
    text: &str,
    folded: &std::cell::OnceCell<Option<String>>,
) -> String {
    let m = re.find_in(text, folded).unwrap_or("");
    format!("{what} \"{}\"", crate::text::truncate(m, 40))
}

/// The values a `fields` condition looks at: the model's own fields by name, else the
/// item's raw `fields` (any case).
fn field_values<'a>(item: &'a Item, name: &str) -> Vec<&'a str> {
    let one = |o: &'a Option<crate::model::Str>| o.as_deref().into_iter().collect::<Vec<_>>();
    match name.to_lowercase().as_str() {
        "components" | "component" => item.components.iter().map(|s| s.as_str()).collect(),
        "team" => one(&item.team),
        "iteration" | "sprint" | "cycle" => one(&item.iteration),
        "milestone" | "fix-version" | "fix version" => one(&item.milestone),
        "priority" => one(&item.priority),
        "project" => one(&item.project),
        "status" => vec![item.status.as_str()],
        "kind" | "type" => vec![item.kind.as_str()],
        "author" => one(&item.author),
        // One item by its key: `fields = { key = "^ACME-12$" }`.
        "key" | "issue key" => vec![item.key.as_str()],
        _ => item
            .fields
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.values().iter().map(|s| s.as_str()))
            .collect(),
    }
}

/// Snapshot-wide facts: who is whose child, which team an item belongs to.
pub(crate) struct Context<'a> {
    index: FxHashMap<&'a str, usize>,
    children: FxHashMap<&'a str, Vec<usize>>,
    items: &'a [Item],
}

impl<'a> Context<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        Self::of(&snapshot.items)
    }

    fn of(items: &'a [Item]) -> Self {
        let index = || {
            let mut index: FxHashMap<&str, usize> =
                FxHashMap::with_capacity_and_hasher(items.len(), Default::default());
            index.extend(items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)));
            index
        };
        let children = || {
            let mut children: FxHashMap<&str, Vec<usize>> = Default::default();
            for (i, it) in items.iter().enumerate() {
                if let Some(p) = &it.parent {
                    children.entry(p.as_str()).or_default().push(i);
                }
            }
            children
        };
        // Side by side for a large snapshot.
        let (index, children) = if items.len() < 4096 {
            (index(), children())
        } else {
            std::thread::scope(|s| {
                let index = s.spawn(index);
                (crate::par::join(index), children())
            })
        };
        Context { index, children, items }
    }

    /// The item's structural facts, one bit each ([`fact_bit`]).
    fn facts(&self, item: &Item) -> u16 {
        let mut f = 0;
        let mut push = |cond: bool, fact| {
            if cond {
                f |= fact_bit(fact);
            }
        };
        push(item.due.is_some(), Fact::Due);
        push(item.milestone.is_some(), Fact::Milestone);
        push(item.iteration.is_some(), Fact::Iteration);
        push(item.estimate.is_some() || item.time_estimate.is_some(), Fact::Estimate);
        push(item.parent.is_some(), Fact::Parent);
        push(self.children.contains_key(item.id.as_str()), Fact::Children);
        push(item.links.iter().any(|l| l.kind == link_kind::BLOCKED_BY), Fact::BlockedBy);
        push(item.links.iter().any(|l| l.kind == link_kind::BLOCKS), Fact::Blocks);
        push(item.kind == "pull-request", Fact::PullRequest);
        push(!item.assignees.is_empty(), Fact::Assignee);
        push(self.has_cross_team_link(item), Fact::CrossTeamLink);
        f
    }

    /// A blocking link to an item of another team (when both teams are known), else of
    /// another GitHub repository.
    fn has_cross_team_link(&self, item: &Item) -> bool {
        item.links.iter().any(|l| {
            // Only a dependency crosses teams: "relates to", duplicates and clones say
            // nothing of who waits on whom.
            if !matches!(l.kind.as_str(), link_kind::BLOCKS | link_kind::BLOCKED_BY) {
                return false;
            }
            let target = self.index.get(l.target.as_str()).map(|&i| &self.items[i]);
            match (target.and_then(|t| t.team.as_deref()), item.team.as_deref()) {
                (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
                // Without teams, another GitHub repository is another team's; another Jira
                // project of the same site is not (a project key is not a team).
                _ => l.target.starts_with("github:") && scope(&l.target) != scope(&item.id),
            }
        })
    }
}

/// `jira:NW-12` → `jira:NW`; `github:o/r#3` → `github:o/r`.
fn scope(id: &str) -> &str {
    match id.rfind(['#', '-']) {
        Some(i) => &id[..i],
        None => id,
    }
}

/// A rule of the config that matched no item (a kind or field name misspelt, a pattern
/// too narrow) is said, with its line: by `classify`, where rules are tuned, and by
/// `report` and `items`, which CI runs.
pub fn warn_unmatched_rules(
    config: &crate::config::Config,
    classifier: &Classifier,
    snapshot: &Snapshot,
) {
    let unused = classifier.unmatched_new_rules(snapshot);
    if unused.is_empty() {
        return;
    }
    let origin = rules::Origin { name: &config.origin, text: &config.text };
    for rule in config.classify.rules.iter().filter(|r| unused.contains(&r.name.as_str())) {
        tracing::warn!(
            "{}: rule `{}` matched none of the {} items: check its {}",
            rules::rule_location(&origin, &rule.name),
            rule.name,
            crate::text::thousands(snapshot.items.len() as i64),
            rule_conditions(rule)
        );
    }
}

/// The conditions a rule has, as the config names them: what to check when it matches
/// nothing.
fn rule_conditions(rule: &RuleDef) -> String {
    let mut c: Vec<&str> = Vec::new();
    for (set, name) in [
        (!rule.labels.is_empty(), "labels"),
        (!rule.kinds.is_empty(), "kinds"),
        (rule.title.is_some(), "title"),
        (rule.body.is_some(), "body"),
        (rule.text.is_some(), "text"),
        (
            !rule.fields.is_empty(),
            "fields (the column names as `rolecall items --format json` shows them)",
        ),
        (!rule.has.is_empty(), "has"),
    ] {
        if set {
            c.push(name);
        }
    }
    if c.is_empty() {
        "conditions".into()
    } else {
        c.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed sequence of pseudo-random numbers from `seed` (not 0).
    pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    /// `Strongest` keeps what sorting them all and taking the first `N` keeps: strongest
    /// first, ties by name (index) A to Z for the winner, Z to A against it. Ties and
    /// near-ties are frequent (weights rounded to four places times a shared value).
    #[test]
    fn the_strongest_features_are_those_a_full_sort_would_pick() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
        // Strengths too weak to count (below 0.01 by one step, negative, zero either way,
        // the smallest, not a number of either sign and any payload), the least shown,
        // the greatest finite and infinite.
        let least = LEAST_SHOWN.to_bits();
        let edges = [
            LEAST_SHOWN,
            f32::from_bits(least - 1),
            f32::from_bits(least + 1),
            0.0,
            -0.0,
            f32::from_bits(1),
            -0.5,
            -f32::INFINITY,
            f32::INFINITY,
            f32::MAX,
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001),
            f32::from_bits(0x7fbf_ffff),
            f32::from_bits(0xff80_0001),
        ];
        for round in 0..4000 {
            let a_to_z = round % 2 == 0;
            let n = (next() % 40) as usize;
            // Few distinct strengths otherwise, so that ties are common; feature numbers
            // near the top of the range too (the tie-break is inverted).
            let base = if round % 3 == 0 { u32::MAX - 40 } else { 0 };
            let with_edges = round % 4 < 2;
            let offered: Vec<(f32, u32)> = (0..n)
                .map(|_| {
                    let r = next();
                    let s = match (r % 24) as usize {
                        e if e < edges.len() && with_edges => edges[e],
                        _ => (r % 8) as f32 * 0.25 + 0.005,
                    };
                    (s, base + (next() % 30) as u32)
                })
                .collect();
            let mut sorted: Vec<_> =
                offered.iter().copied().filter(|o| o.0 >= LEAST_SHOWN).collect();
            sorted.sort_by(|a, b| {
                b.0.total_cmp(&a.0).then(if a_to_z { a.1.cmp(&b.1) } else { b.1.cmp(&a.1) })
            });
            let (mut six, mut three) = (Strongest::<6>::new(a_to_z), Strongest::<3>::new(a_to_z));
            for &(s, i) in &offered {
                six.offer(s, i);
                three.offer(s, i);
            }
            let first = |k: usize| sorted.iter().copied().take(k).collect::<Vec<_>>();
            assert_eq!(six.iter().collect::<Vec<_>>(), first(6), "offered {offered:?}");
            assert_eq!(three.iter().collect::<Vec<_>>(), first(3), "offered {offered:?}");
        }
    }

    /// The model's reasons are the six features that weigh most for the winner over the
    /// runner-up and the three that weigh most the other way, as sorting every feature
    /// each way would pick them (ties A to Z for the winner, Z to A against), in words.
    /// A reason quotes a word as the item wrote it: the model's form where the item wrote
    /// that (`status`), the stem where it wrote the stem (`wir`, which most items that
    /// share the stem wrote `wiring`), else its own word (`updates`).
    #[test]
    fn reasons_quote_the_items_own_word() {
        let text = "bias\t0\t0\t0\nw:statu\t1\t0\t0\tstatus\nw:wir\t1\t0\t0\twiring\nw:updat\t1\t0\t0\tupdate\nww:fix_statu\t1\t0\t0\tfix_status\nb:wir\t1\t0\t0\twiring\n";
        let m = model::Model::parse(text, "m.tsv").unwrap();
        let index = |name: &str| (0..5u32).find(|&i| m.name(i) == name).unwrap();
        let input = model::tests::text_input;
        let said = |f: &str, title: &'static str, body: &'static str| {
            quoted(&m, index(f), Some(input(title, body))).to_string()
        };
        assert_eq!(said("w:statu", "Fix Status page", ""), "title word \"status\"");
        assert_eq!(said("w:wir", "Wir müssen den Typ ändern", ""), "title word \"wir\"");
        assert_eq!(said("w:wir", "Rewiring the rack", ""), "title word \"wiring\"");
        assert_eq!(said("w:updat", "Weekly updates", ""), "title word \"updates\"");
        assert_eq!(said("ww:fix_statu", "Fixed status", ""), "title words \"fixed status\"");
        assert_eq!(said("ww:fix_statu", "fix status", ""), "title words \"fix status\"");
        assert_eq!(said("b:wir", "", "Wir brauchen das"), "body word \"wir\"");
        // With no item to look in (or a word not in it): the model's form.
        assert_eq!(quoted(&m, index("w:wir"), None).to_string(), "title word \"wiring\"");
        assert_eq!(said("w:wir", "Nothing here", ""), "title word \"wiring\"");
    }

    #[test]
    fn model_reasons_weigh_each_way() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let names: Vec<String> = (0..30).map(|i| format!("w:word{i:02}")).collect();
        let mut text = String::from("bias\t0\t0\t0\n");
        for n in &names {
            // Weights in quarters, so that ties are common.
            let w = [(); 3].map(|()| ((next() % 9) as f32 - 4.0) * 0.25);
            text += &format!("{n}\t{}\t{}\t{}\n", w[0], w[1], w[2]);
        }
        let m = model::Model::parse(&text, "test model").unwrap();
        for round in 0..200 {
            let kept: Vec<model::Kept> = (0..(next() % 30) as u32)
                .map(|_| {
                    let index = (next() % 30) as u32;
                    let weights = m.weights[names[index as usize].as_str()];
                    let value = if round % 2 == 0 { 1.0 } else { 0.5 };
                    model::Kept { index, value, weights, spelt: model::Spelt::Form }
                })
                .collect();
            let (win, second) = (Concern::ALL[round % 3], Concern::ALL[(round + 1) % 3]);
            // A feature that would be shown twice (a word said twice) is shown once, its
            // values summed, and the strongest chosen again.
            let mut once: Vec<model::Kept> = Vec::new();
            for k in &kept {
                match once.iter_mut().find(|o| o.index == k.index) {
                    Some(o) => o.value += k.value,
                    None => once.push(*k),
                }
            }
            let side = |from: &[model::Kept], a: Concern, b: Concern, a_to_z: bool, k: usize| {
                let mut all: Vec<(f32, u32)> = (from.iter())
                    .map(|f| ((f.weights[a.index()] - f.weights[b.index()]) * f.value, f.index))
                    .filter(|f| f.0 >= LEAST_SHOWN)
                    .collect();
                all.sort_by(|x, y| {
                    y.0.total_cmp(&x.0).then(if a_to_z { x.1.cmp(&y.1) } else { y.1.cmp(&x.1) })
                });
                all.truncate(k);
                all.into_iter().map(move |(d, i)| (a, round2(d as f64), i)).collect::<Vec<_>>()
            };
            let both = |from: &[model::Kept]| {
                let mut v = side(from, win, second, true, 6);
                v.extend(side(from, second, win, false, 3));
                v
            };
            let mut chosen = both(&kept);
            if chosen.iter().enumerate().any(|(k, c)| chosen[..k].iter().any(|o| o.2 == c.2)) {
                chosen = both(&once);
            }
            let expected: Vec<(Concern, f64, String)> = chosen
                .into_iter()
                .map(|(c, d, i)| (c, d, model::describe(&names[i as usize])))
                .collect();
            let got: Vec<(Concern, f64, String)> = model_reasons(&m, &kept, "", win, second)
                .into_iter()
                .map(|r| (r.concern, r.weight, r.matched.to_string()))
                .collect();
            assert_eq!(got, expected, "round {round}");
        }
    }

    /// A reason's text reads, compares and serialises as the string it holds, borrowed
    /// or shared.
    /// The spelling scoring records for each kept feature is what reading the item's
    /// text again finds ([`model::written`]): on random titles, bodies and parent titles
    /// of words the built-in model quotes in a form not their stem, written in that form,
    /// as the stem, in other forms and cases, repeated and next to other scripts.
    #[test]
    fn scoring_records_how_each_word_was_written() {
        let m = model::Model::builtin();
        let mut forms: Vec<(&str, &str)> = (m.surfaces.iter())
            .filter_map(|(f, form)| Some((f.split_once(':')?.1, &**form)))
            .filter(|(stem, _)| !stem.contains('_'))
            .collect();
        forms.sort();
        let mut next = xorshift(0x5851_f42d_4c95_7f2d_u64);
        let mut pieces: Vec<String> = Vec::new();
        for (k, (stem, form)) in forms.iter().enumerate().filter(|(k, _)| k % 7 == 0) {
            pieces.extend([stem.to_string(), form.to_string(), format!("{form}s")]);
            if k % 3 == 0 {
                pieces.extend([format!("{form}ing"), format!("{stem}ed"), form.to_uppercase()]);
            }
        }
        pieces.extend(["東京", "Zürich", "x", "42", "https://github.com/a/b"].map(String::from));
        let mut text = |n: u64| -> String {
            let len = (next() % n) as usize;
            let words: Vec<&str> =
                (0..len).map(|_| pieces[(next() as usize) % pieces.len()].as_str()).collect();
            words.join(if next().is_multiple_of(4) { ", " } else { " " })
        };
        let mut keep = model::Keep::default();
        let (mut checked, mut other) = (0, 0);
        for _ in 0..3000 {
            let (title, body, parent) = (text(12), text(40), text(8));
            let mut input = model::tests::text_input(&title, &body);
            input.parent_title = Some(&parent);
            keep.clear();
            m.score_keeping(input, Some(&mut keep));
            for k in &keep.kept {
                if m.form(k.index).is_none() {
                    continue;
                }
                checked += 1;
                other += usize::from(matches!(k.spelt, model::Spelt::Other(..)));
                assert_eq!(
                    quoted_as(m, k.index, &keep.kept, &keep.words).to_string(),
                    quoted(m, k.index, Some(input)).to_string(),
                    "{} in {title:?} / {body:?} / {parent:?}",
                    m.name(k.index)
                );
            }
        }
        assert!(checked > 10_000 && other > 1000, "{checked} checked, {other} other");
    }

    #[test]
    fn reason_text_is_its_string() {
        let borrowed: Text = "title word \"deploy\"".into();
        let shared: Text = String::from("title word \"deploy\"").into();
        assert_eq!(borrowed, shared);
        assert_eq!(shared, "title word \"deploy\"");
        assert_eq!(
            format!("{borrowed} {shared:?}"),
            "title word \"deploy\" \"title word \\\"deploy\\\"\""
        );
        let json = serde_json::to_string(&shared).expect("serialises");
        assert_eq!(json, r#""title word \"deploy\"""#);
        let back: Text = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, borrowed);
    }
}
