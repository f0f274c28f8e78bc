//! `[classify]` and its `[[classify.rule]]`s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Concern;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClassifyConfig {
    /// A label `<prefix><concern>` (`concern:program`) sets an item's concern outright.
    pub override_prefix: String,
    /// Start from the built-in rules (`false`: only the rules below).
    pub default_rules: bool,
    /// Confidence is high when the winning score is at least this…
    pub high_confidence_score: f64,
    /// …and leads the runner-up by at least this.
    pub high_confidence_margin: f64,
    /// Total weight an item's children add, shared by their concerns.
    pub children_weight: f64,
    /// What decides: `rules` (the rules' weighted sum), `builtin` (the learned model
    /// trained on real trackers, compiled in), or the path of a model written by
    /// `rolecall train` (relative to this file). Empty: `rolecall-model.tsv` beside this
    /// file when it exists, else `builtin`.
    pub model: String,
    /// Rules to add; a rule with a built-in rule's name changes only the keys it sets.
    #[serde(rename = "rule")]
    pub rules: Vec<RuleDef>,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig {
            override_prefix: "concern:".into(),
            default_rules: true,
            high_confidence_score: 1.5,
            high_confidence_margin: 1.0,
            children_weight: 2.0,
            model: String::new(),
            rules: Vec::new(),
        }
    }
}

/// A rule as written in TOML; every condition optional, at least one required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleDef {
    pub name: String,
    pub concern: Option<Concern>,
    pub weight: Option<f64>,
    /// Why this rule points at its concern, shown by `explain`.
    pub why: Option<String>,
    pub labels: Vec<String>,
    pub kinds: Vec<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub text: Option<String>,
    pub fields: BTreeMap<String, String>,
    pub has: Vec<Fact>,
    /// Set to `false` to switch a default rule off.
    pub enabled: Option<bool>,
    /// The patterns are the built-in ones, checked by this crate's tests: checking them
    /// again at every start took 4 ms, before any source could start loading.
    #[serde(skip)]
    pub builtin_patterns: bool,
}

/// Structural facts a rule can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fact {
    Due,
    Milestone,
    Iteration,
    Estimate,
    Parent,
    Children,
    BlockedBy,
    Blocks,
    /// A link to an item of another team, project or repository.
    CrossTeamLink,
    PullRequest,
    Assignee,
}

impl Fact {
    pub fn describe(self) -> &'static str {
        match self {
            Fact::Due => "has a due date",
            Fact::Milestone => "has a milestone",
            Fact::Iteration => "is in a sprint or cycle",
            Fact::Estimate => "has an estimate",
            Fact::Parent => "has a parent",
            Fact::Children => "has children",
            Fact::BlockedBy => "is blocked by another item",
            Fact::Blocks => "blocks another item",
            Fact::CrossTeamLink => "links to another team's work",
            Fact::PullRequest => "is a pull request",
            Fact::Assignee => "has an assignee",
        }
    }
}
