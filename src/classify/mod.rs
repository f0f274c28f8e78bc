//! Classification: every item gets one concern — product, program or project — a score
//! for each, a confidence, and the reasons, rule by rule.
//!
//! Rules, not magic: a weighted rule set (defaults embedded, the user's from
//! `rolecall.toml` merged in) is applied to each item; the highest score wins. Then two
//! structural passes: an item with children (an epic) adds its children's concerns, weighted
//! by share, so an epic with no signal of its own takes their majority; and a pull request
//! that closes an issue takes that concern. An explicit `concern:<name>` label or a
//! `Concern` field always wins.

pub(crate) mod eval;
pub(crate) mod rules;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::ClassifyConfig;
pub use crate::config::{Fact, RuleDef};
use crate::error::Result;
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
    pub rule: Arc<str>,
    pub concern: Concern,
    pub weight: f64,
    /// What matched: `label "ux"`, `title "migrate"`, `has a due date`.
    pub matched: String,
    /// Why the rule points where it does.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub why: Arc<str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub concern: Concern,
    pub scores: Scores,
    pub confidence: Confidence,
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
}

/// A classifier whose rules are checked and whose automata are not built yet.
pub struct CheckedClassifier {
    rules: rules::CheckedRules,
    settings: ClassifyConfig,
}

impl CheckedClassifier {
    pub fn build(self) -> Result<Classifier> {
        Ok(Classifier { rules: self.rules.build()?, settings: self.settings })
    }
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
        let defs = rules::merge(defaults, &cc.rules);
        let origin = rules::Origin { name: &config.origin, text: &config.text };
        Ok(CheckedClassifier { rules: RuleSet::check(&defs, &origin)?, settings: cc.clone() })
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
    pub(crate) fn text_hits(&self, items: &[Item]) -> Vec<Box<[u8]>> {
        crate::par::map_with(
            items,
            4096,
            || self.rules.scratch(),
            |scratch, item| self.hits(item, scratch).into_boxed_slice(),
        )
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
        self.classify_given(snapshot, reasons, None)
    }

    fn classify_given(
        &self,
        snapshot: &Snapshot,
        reasons: bool,
        hits: Option<&[&[u8]]>,
    ) -> Vec<Classification> {
        let ctx = Context::new(snapshot);
        let mut raw = self.score_all(&snapshot.items, &ctx, reasons, hits);

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
                        reasons: vec![reason],
                    },
                    true,
                ),
                None => (self.finish(*scores, std::mem::take(reasons)), false),
            }
        });
        drop(raw);
        let (mut out, explicit): (Vec<Classification>, Vec<bool>) = decided.into_iter().unzip();

        // A pull request takes the concern of the issue it closes.
        for (i, item) in snapshot.items.iter().enumerate() {
            if explicit[i] {
                continue;
            }
            let closes = item.links.iter().filter(|l| l.kind == link_kind::CLOSES);
            if let Some(&t) = closes.filter_map(|l| ctx.index.get(l.target.as_str())).next() {
                let (concern, confidence) = (out[t].concern, out[t].confidence);
                let c = &mut out[i];
                c.concern = concern;
                c.confidence = confidence;
                c.reasons.insert(
                    0,
                    Reason {
                        rule: "closes".into(),
                        concern,
                        weight: 0.0,
                        matched: format!("closes {}", snapshot.items[t].key),
                        why: "a pull request takes the concern of the issue it closes".into(),
                    },
                );
            }
        }
        out
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
                    matched: format!("{n} of {} children are {}", kids.len(), c.as_str()),
                    why: "".into(),
                });
            }
        }
    }

    /// Scores every item, on all cores for large snapshots; the order of the result is the
    /// order of the items whatever the thread count.
    fn score_all(
        &self,
        items: &[Item],
        ctx: &Context,
        reasons: bool,
        hits: Option<&[&[u8]]>,
    ) -> Vec<(Scores, Vec<Reason>)> {
        let indexed: Vec<usize> = (0..items.len()).collect();
        crate::par::map_with(
            &indexed,
            4096,
            || self.rules.scratch(),
            |scratch, &i| {
                let item = &items[i];
                match hits.and_then(|h| h.get(i)).filter(|h| h.len() == self.rules.rules.len()) {
                    Some(h) => self.score_from(item, h, ctx, reasons, scratch),
                    None => {
                        let h = self.hits(item, scratch);
                        self.score_from(item, &h, ctx, reasons, scratch)
                    }
                }
            },
        )
    }

    fn finish(&self, scores: Scores, reasons: Vec<Reason>) -> Classification {
        let (concern, margin) = decide(&scores);
        let top = scores.get(concern);
        let confidence = if top >= self.settings.high_confidence_score
            && margin >= self.settings.high_confidence_margin
        {
            Confidence::High
        } else {
            Confidence::Low
        };
        Classification { concern, scores: scores.rounded(), confidence, reasons }
    }

    /// `concern:program` label (prefix configurable) or a `Concern` field.
    fn explicit(&self, item: &Item) -> Option<(Concern, Reason)> {
        let prefix = &self.settings.override_prefix;
        for label in &item.labels {
            let rest = label
                .get(..prefix.len())
                .filter(|p| p.eq_ignore_ascii_case(prefix))
                .map(|_| &label[prefix.len()..]);
            if let Some(c) = rest.and_then(Concern::parse) {
                return Some((c, explicit_reason(c, format!("label \"{label}\""))));
            }
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

    /// Every rule that matches `item`, summed per concern.
    /// Per rule: which of its label, title and body conditions the item meets, each found
    /// for all rules at once (a label index, one regex scan per text).
    fn hits(&self, item: &Item, scratch: &mut rules::Scratch) -> Vec<u8> {
        let rs = &self.rules;
        let mut hits = vec![0u8; rs.rules.len()];
        rs.match_title(scratch, &item.title, |r| hits[r] |= TITLE);
        if !item.body.is_empty() {
            // Long bodies are mostly logs and templates; the first part says what it is.
            rs.match_body(scratch, prefix_chars(&item.body, 4000), |r| hits[r] |= BODY);
        }
        for label in &item.labels {
            let lower;
            let label = if label.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
                lower = label.to_lowercase();
                lower.as_str()
            } else {
                label.as_str()
            };
            rs.label_rules(label, |r| hits[r] |= LABEL);
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
    ) -> (Scores, Vec<Reason>) {
        let rs = &self.rules;
        let facts = ctx.facts(item);

        let mut scores = Scores::default();
        let mut reasons = Vec::new();
        // Evidence is only written out when asked for: formatting it is most of the cost.
        macro_rules! note {
            ($matched:ident, $e:expr) => {
                if explain {
                    $matched.push($e);
                }
            };
        }
        'rules: for (i, rule) in rs.rules.iter().enumerate() {
            let mut matched: Vec<String> = Vec::new();
            if !rule.labels.is_empty() {
                if hits[i] & LABEL == 0 {
                    continue;
                }
                if explain {
                    let original = item.labels.iter().find(|l| {
                        let l = l.to_lowercase();
                        rule.labels.iter().any(|p| p.matches(&l))
                    });
                    note!(matched, format!("label \"{}\"", original.map_or("", |s| s.as_str())));
                }
            }
            if !rule.kinds.is_empty() {
                if !rule.kinds.iter().any(|k| *k == item.kind) {
                    continue;
                }
                note!(matched, format!("kind {}", item.kind));
            }
            if let Some(re) = &rule.title {
                if hits[i] & TITLE == 0 {
                    continue;
                }
                note!(matched, found("title", re.get(), &item.title));
            }
            if let Some(re) = &rule.body {
                if hits[i] & BODY == 0 {
                    continue;
                }
                note!(matched, found("body", re.get(), &item.body));
            }
            let mut weight = rule.weight;
            if let Some(re) = &rule.text {
                if hits[i] & TITLE != 0 {
                    note!(matched, found("title", re.get(), &item.title));
                } else if hits[i] & BODY != 0 {
                    // A body mentions everything sooner or later; the title says what
                    // the item is. A body-only match counts half.
                    note!(matched, found("body", re.get(), &item.body));
                    weight *= BODY_ONLY_FACTOR;
                } else {
                    continue;
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
            for fact in &rule.has {
                if !facts.contains(fact) {
                    continue 'rules;
                }
                note!(matched, fact.describe().to_string());
            }
            scores.add(rule.concern, weight);
            if explain {
                reasons.push(Reason {
                    rule: Arc::clone(&rule.name),
                    concern: rule.concern,
                    weight,
                    matched: matched.join(", "),
                    why: Arc::clone(&rule.why),
                });
            }
        }
        (scores, reasons)
    }
}

/// Flags in `score`'s per-rule hits.
const TITLE: u8 = 1;
const BODY: u8 = 2;
const LABEL: u8 = 4;

/// How much a `text` rule counts when it matches the body but not the title.
pub(crate) const BODY_ONLY_FACTOR: f64 = 0.5;

fn explicit_reason(c: Concern, matched: String) -> Reason {
    Reason {
        rule: "explicit".into(),
        concern: c,
        weight: 0.0,
        matched,
        why: "an explicit concern always wins".into(),
    }
}

/// The winning concern (ties by [`Concern::TIE_ORDER`]) and its margin over the runner-up.
/// With no signal at all, project: every tracked item is at least work to schedule.
fn decide(scores: &Scores) -> (Concern, f64) {
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

fn prefix_chars(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s; // no more bytes than `max`, so no more characters
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn found(what: &str, re: Option<&regex::Regex>, text: &str) -> String {
    let m = re.and_then(|re| re.find(text)).map(|m| m.as_str()).unwrap_or("");
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
        _ => item
            .fields
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.values().iter().map(|s| s.as_str()))
            .collect(),
    }
}

/// Snapshot-wide facts: who is whose child, which team an item belongs to.
struct Context<'a> {
    index: FxHashMap<&'a str, usize>,
    children: FxHashMap<&'a str, Vec<usize>>,
    items: &'a [Item],
}

impl<'a> Context<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let items = &snapshot.items;
        let index = || items.iter().enumerate().map(|(i, it)| (it.id.as_str(), i)).collect();
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

    fn facts(&self, item: &Item) -> Vec<Fact> {
        let mut f = Vec::new();
        let mut push = |cond: bool, fact| {
            if cond {
                f.push(fact)
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
