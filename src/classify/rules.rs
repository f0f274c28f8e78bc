//! Rules: how they are written in TOML, and compiled into a [`RuleSet`] that scores an
//! item in one pass.
//!
//! A rule adds its `weight` to one concern when all of its conditions hold. Conditions:
//! `labels` (any of; `area/*` matches a prefix), `kinds` (any of), `title`, `body` and `text`
//! (title or body) regular expressions, `fields` (field name → regular expression), and
//! `has` (structural facts, all of). Regexes are case-insensitive unless they say otherwise.

use regex::{Regex, RegexBuilder};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::Input;
use serde::Deserialize;

use crate::config::{Fact, RuleDef};

use super::Concern;
use crate::error::{Error, Result};

/// The default rules, compiled into the binary.
pub(crate) const DEFAULT_RULES: &str = include_str!("default_rules.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RuleDef>,
}

/// Parses the built-in rules.
pub(crate) fn default_defs() -> Result<Vec<RuleDef>> {
    let file: RuleFile = toml::from_str(DEFAULT_RULES)
        .map_err(|e| crate::config::toml_error("built-in rules", DEFAULT_RULES, &e))?;
    let mut rules = file.rule;
    for r in &mut rules {
        r.builtin_patterns = true;
    }
    Ok(rules)
}

/// Mistakes in the user's rules that merging would hide: a name given to two new rules
/// (the second would silently change the first), and `enabled = false` for a rule that
/// does not exist (a misspelt built-in name would stay on).
pub(crate) fn check_names(defaults: &[RuleDef], user: &[RuleDef], origin: &Origin) -> Result<()> {
    let builtin = |name: &str| defaults.iter().any(|d| d.name == name);
    let mut seen = std::collections::HashSet::new();
    for u in user {
        let err = |message: String| Error::Config {
            at: rule_location(origin, &u.name),
            message: format!("rule `{}`: {message}", u.name),
        };
        if !seen.insert(u.name.as_str()) {
            // Named at the second entry, with the first's line: merged, one entry's
            // keys would silently win over the other's.
            let lines = rule_lines(origin, &u.name);
            let (at, first) = match lines.as_slice() {
                [first, second, ..] => {
                    (format!("{}:{second}", origin.name), format!(" (first at line {first})"))
                }
                _ => (rule_location(origin, &u.name), String::new()),
            };
            let what = if builtin(&u.name) {
                "is written twice{first}: put both changes to this built-in rule in one entry"
            } else {
                "is defined twice{first}: give each rule its own name"
            };
            return Err(Error::Config {
                at,
                message: format!("rule `{}` {}", u.name, what.replace("{first}", &first)),
            });
        }
        if builtin(&u.name) {
            continue;
        }
        if u.enabled == Some(false) && !defaults.is_empty() {
            let near = crate::text::nearest(&u.name, defaults.iter().map(|d| d.name.as_str()))
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            return Err(err(format!(
                "`enabled = false`, but no built-in rule has this name{near}"
            )));
        }
    }
    Ok(())
}

/// Combines the default rules with the user's: a user rule with a default rule's name
/// changes only the keys it sets (so `weight = 0.5` reweights, `enabled = false` removes);
/// a new name adds a rule.
pub(crate) fn merge(defaults: Vec<RuleDef>, user: &[RuleDef]) -> Vec<RuleDef> {
    let mut rules = defaults;
    for u in user {
        match rules.iter_mut().find(|r| r.name == u.name) {
            Some(r) => {
                macro_rules! take {
                    ($($f:ident),*) => { $( if u.$f.is_some() { r.$f = u.$f.clone(); } )* };
                }
                take!(concern, weight, why, title, body, text, enabled);
                if u.title.is_some() || u.body.is_some() || u.text.is_some() {
                    r.builtin_patterns = false;
                }
                if !u.labels.is_empty() {
                    r.labels = u.labels.clone();
                }
                if !u.kinds.is_empty() {
                    r.kinds = u.kinds.clone();
                }
                if !u.fields.is_empty() {
                    r.fields = u.fields.clone();
                }
                if !u.has.is_empty() {
                    r.has = u.has.clone();
                }
            }
            None => rules.push(u.clone()),
        }
    }
    rules.retain(|r| r.enabled != Some(false));
    rules
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub name: super::Text,
    pub concern: Concern,
    pub weight: f64,
    pub why: super::Text,
    pub labels: Vec<LabelPattern>,
    pub kinds: Vec<String>,
    pub title: Option<LazyRegex>,
    pub body: Option<LazyRegex>,
    pub text: Option<LazyRegex>,
    /// Field name and pattern; the pattern's cache is `Scratch::fields[slot]`.
    pub fields: Vec<(String, FieldRegex)>,
    pub has: Vec<Fact>,
}

impl Rule {
    /// Whether the rule reads what an item says (labels, title, body, fields), not only
    /// its type or structure.
    pub fn reads_text(&self) -> bool {
        !self.labels.is_empty()
            || self.title.is_some()
            || self.body.is_some()
            || self.text.is_some()
            || !self.fields.is_empty()
    }
}

/// A rule's own title, body or text pattern. Matching uses the rule set's combined
/// automata; the pattern on its own is only needed to quote what matched when reasons
/// are written out, so it is compiled then, once. (Compiling every pattern twice at
/// start-up cost about as much as classifying 100k items.)
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
    /// With Unicode word boundaries, to confirm a match in text beyond ASCII.
    unicode: std::sync::OnceLock<Option<regex_automata::meta::Regex>>,
}

impl LazyRegex {
    fn new(pattern: &str) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            compiled: Default::default(),
            unicode: Default::default(),
        }
    }

    /// The compiled pattern; `None` only if it fails to compile on its own, which the
    /// combined set (built from the same pattern) rules out.
    pub fn get(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile_regex(&self.pattern).ok()).as_ref()
    }

    /// The first match in `text`, as the automata find it ([`RuleSet::folds`]): the
    /// pattern's `\b` read the ASCII way but a letter beyond ASCII a letter, so `dr` is
    /// not found in `Drücken`. A pattern with such letters of its own is matched on the
    /// text as it is, each match confirmed from where it starts with Unicode boundaries.
    pub fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.find_in(text, &std::cell::OnceCell::new())
    }

    /// [`LazyRegex::find`], with the text [`folded`] once for all the patterns that look
    /// at it (`folded` holds it once asked for).
    pub fn find_in<'t>(
        &self,
        text: &'t str,
        folded_text: &std::cell::OnceCell<Option<String>>,
    ) -> Option<&'t str> {
        let re = self.get()?;
        if text.is_ascii() || !self.pattern.contains("\\b") {
            return re.find(text).map(|m| m.as_str());
        }
        if !has_other_letters(&self.pattern) {
            // The same bytes at the same places: the match's place is the text's.
            return match folded_text.get_or_init(|| folded(text)) {
                Some(f) => re.find(f).map(|m| &text[m.range()]),
                None => re.find(text).map(|m| m.as_str()),
            };
        }
        let unicode = self.unicode.get_or_init(|| {
            regex_automata::meta::Builder::new()
                .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
                .build(&self.pattern)
                .ok()
        });
        let Some(unicode) = unicode else { return re.find(text).map(|m| m.as_str()) };
        re.find_iter(text)
            .find(|m| {
                let from =
                    Input::new(text).range(m.start()..).anchored(regex_automata::Anchored::Yes);
                unicode.search_half(&from).is_some()
            })
            .map(|m| m.as_str())
    }
}

/// Whether a pattern names a letter or digit beyond ASCII (`integración`), which
/// [`folded`] would hide from it.
fn has_other_letters(pattern: &str) -> bool {
    pattern.chars().any(|c| !c.is_ascii() && letter_or_digit(c))
}

/// `text` with each letter or digit beyond ASCII written as as many `x` as it has bytes
/// (`Drücken` → `Drxxcken`), or `None` when it has none. To an ASCII `\b` such a letter
/// is a space, so the automata (fast with ASCII boundaries) would find `dr` in `Drücken`;
/// folded, it is a letter again, and every byte stays where it was. A sign beyond ASCII
/// (a dash, an emoji) is left as it is: both readings agree there.
pub(crate) fn folded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // The folded text, and how much of `text` it holds so far.
    let mut out: Option<(String, usize)> = None;
    let mut at = 0;
    while at < bytes.len() {
        // ASCII sixteen bytes at a time, then byte by byte up to the next character beyond.
        while bytes.get(at..at + 16).is_some_and(<[u8]>::is_ascii) {
            at += 16;
        }
        if bytes.get(at).is_none_or(|&b| b < 0x80) {
            at += 1;
            continue;
        }
        let c = text[at..].chars().next().unwrap_or(' ');
        let end = at + c.len_utf8();
        if letter_or_digit(c) {
            let (o, from) = out.get_or_insert_with(|| (String::with_capacity(text.len()), 0));
            o.push_str(&text[*from..at]);
            o.extend(std::iter::repeat_n('x', end - at));
            *from = end;
        }
        at = end;
    }
    out.map(|(mut o, from)| {
        o.push_str(&text[from..]);
        o
    })
}

/// [`char::is_alphanumeric`], with the blocks trackers' text is mostly made of beyond
/// ASCII answered without the general table's lookup.
fn letter_or_digit(c: char) -> bool {
    match u32::from(c) {
        // Latin letters with accents (`é`, `ü`, `ł`), but for `×` and `÷`.
        0xC0..=0x24F => c != '×' && c != '÷',
        // Dashes, quotes, bullets, spaces.
        0x2000..=0x206F => false,
        // Chinese and Japanese characters.
        0x4E00..=0x9FFF => true,
        // Emoji.
        0x1F300..=0x1FAFF => false,
        _ => c.is_alphanumeric(),
    }
}

/// A `fields` pattern, matched with a cache the thread brings ([`Scratch`]): `regex`'s
/// own cache pool made the second core wait for the first on every item.
#[derive(Debug)]
pub struct FieldRegex {
    re: regex_automata::meta::Regex,
    slot: usize,
}

impl FieldRegex {
    pub fn is_match(&self, s: &mut Scratch, text: &str) -> bool {
        self.re
            .search_half_with(&mut s.fields[self.slot], &Input::new(text).earliest(true))
            .is_some()
    }
}

#[derive(Debug, Clone)]
pub enum LabelPattern {
    Exact(String),
    Prefix(String),
}

impl LabelPattern {
    fn parse(s: &str) -> Self {
        let lower = s.trim().to_lowercase();
        match lower.strip_suffix('*') {
            Some(prefix) => LabelPattern::Prefix(prefix.to_string()),
            None => LabelPattern::Exact(lower),
        }
    }

    pub fn matches(&self, label: &str) -> bool {
        match self {
            LabelPattern::Exact(l) => l == label,
            LabelPattern::Prefix(p) => label.starts_with(p.as_str()),
        }
    }
}

/// All rules, plus two automata that find every title and body rule matching an item in
/// one scan each, so scoring 100k items stays linear in their text.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Patterns run over the title: `title` and `text` rules. Pattern index → [`slot`]
    /// (the rule, and whether it is its `text` pattern).
    title_dfa: DFA,
    title_rules: Vec<usize>,
    /// Patterns run over the body: `body` and `text` rules.
    body_dfa: DFA,
    body_rules: Vec<usize>,
    /// Lower-case label → the rules naming it exactly; most labels are found here.
    pub label_exact: std::collections::HashMap<String, Vec<usize>>,
    /// `area/*` patterns: (prefix, rule index).
    pub label_prefix: Vec<(String, usize)>,
    /// Whether the title and the body patterns are matched on texts with their letters
    /// beyond ASCII folded ([`RuleSet::folds`]).
    fold: [bool; 2],
    /// Scratch space given back when a scan is done ([`RuleSet::pooled`]).
    spare: std::sync::Mutex<Vec<Scratch>>,
}

/// Scratch space for matching one item after another on one thread.
#[derive(Debug)]
pub struct Scratch {
    title: Cache,
    body: Cache,
    fields: Vec<regex_automata::meta::Cache>,
}

/// A [`Scratch`] of the set's, given back to it when dropped ([`RuleSet::pooled`]).
pub(crate) struct Pooled<'s> {
    scratch: Option<Scratch>,
    set: &'s RuleSet,
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.scratch.as_ref().expect("held until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.scratch.as_mut().expect("held until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        // Not one a scan left half-way.
        if std::thread::panicking() {
            return;
        }
        if let (Some(s), Ok(mut spare)) = (self.scratch.take(), self.set.spare.lock()) {
            // One a thread is all a scan uses; more is memory kept for nothing.
            if spare.len() < crate::par::threads().max(1) {
                spare.push(s);
            }
        }
    }
}

impl RuleSet {
    /// Scratch space given back by a scan done before, or new: the automata's caches,
    /// filled as the last scan met new states, start the next one warm (a new cache meets
    /// them all again: 3 % of classifying 100k items, two cores each on its own), and
    /// making one costs its allocations (six a classification, with reasons).
    pub(crate) fn pooled(&self) -> Pooled<'_> {
        let spare = self.spare.lock().ok().and_then(|mut s| s.pop());
        Pooled { scratch: Some(spare.unwrap_or_else(|| self.scratch())), set: self }
    }

    pub fn scratch(&self) -> Scratch {
        Scratch {
            title: self.title_dfa.create_cache(),
            body: self.body_dfa.create_cache(),
            fields: self
                .rules
                .iter()
                .flat_map(|r| &r.fields)
                .map(|(_, f)| f.re.create_cache())
                .collect(),
        }
    }

    /// Calls `hit(k, rule, text)` for every rule whose `title` pattern (`text` false) or
    /// `text` pattern (`text` true) matches `titles[k]`: a rule with both must find each.
    pub fn match_titles(
        &self,
        s: &mut Scratch,
        titles: &[&str],
        mut hit: impl FnMut(usize, usize, bool),
    ) {
        let own = |slot: usize| [self.pattern(slot, |r| &r.title), None];
        let hit = |k: usize, slot: usize| hit(k, slot >> 1, slot & 1 == 1);
        side_by_side(&self.title_dfa, &mut s.title, titles, &self.title_rules, hit, own);
    }

    /// Calls `hit(k, rule, text)` for every rule whose `body` or `text` pattern matches
    /// `bodies[k]`, as [`RuleSet::match_titles`].
    pub fn match_bodies(
        &self,
        s: &mut Scratch,
        bodies: &[&str],
        mut hit: impl FnMut(usize, usize, bool),
    ) {
        let own = |slot: usize| [self.pattern(slot, |r| &r.body), None];
        let hit = |k: usize, slot: usize| hit(k, slot >> 1, slot & 1 == 1);
        side_by_side(&self.body_dfa, &mut s.body, bodies, &self.body_rules, hit, own);
    }

    /// Whether `[title, body]` texts are to be scanned [`folded`]: so that the automata, fast with ASCII
    /// boundaries, read a letter beyond ASCII as a letter. Not when a pattern names such
    /// a letter itself (a user's `integración`): then each hit in such a text is
    /// confirmed instead ([`LazyRegex::find`]).
    pub fn folds(&self) -> [bool; 2] {
        self.fold
    }

    /// The pattern a [`slot`] stands for: the rule's `text`, or the one `own` picks.
    fn pattern<'r>(
        &'r self,
        slot: usize,
        own: impl Fn(&'r Rule) -> &'r Option<LazyRegex>,
    ) -> Option<&'r LazyRegex> {
        let rule = &self.rules[slot >> 1];
        if slot & 1 == 1 {
            rule.text.as_ref()
        } else {
            own(rule).as_ref()
        }
    }

    /// Marks in `hit` (indexed by rule) every rule with a label pattern matching `label`,
    /// given in lower case.
    pub fn label_rules(&self, label: &str, mut hit: impl FnMut(usize)) {
        if let Some(rules) = self.label_exact.get(label) {
            rules.iter().for_each(|&r| hit(r));
        }
        for (prefix, r) in &self.label_prefix {
            if label.starts_with(prefix.as_str()) {
                hit(*r);
            }
        }
    }
}

/// Where a rule came from, for errors: `rolecall.toml`, or "built-in rules".
pub struct Origin<'a> {
    pub name: &'a str,
    /// The file's text, to find the line a rule starts on.
    pub text: &'a str,
}

impl RuleSet {
    pub fn compile(defs: &[RuleDef], origin: &Origin) -> Result<RuleSet> {
        Self::check(defs, origin)?.build()
    }

    /// Every rule checked (names, concerns, weights, pattern syntax) without building the
    /// automata: fast, so that a bad rule is reported before any source is read, while
    /// the slow part, [`CheckedRules::build`], can run beside the loading.
    pub fn check(defs: &[RuleDef], origin: &Origin) -> Result<CheckedRules> {
        let mut field_slots = 0;
        let rules = defs
            .iter()
            .map(|def| check_rule(def, origin, &mut field_slots))
            .collect::<Result<Vec<Rule>>>()?;
        // Each pattern goes into the title automaton, the body one, or both (`text`).
        let (mut title_pats, mut title_rules, mut body_pats, mut body_rules) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (index, def) in defs.iter().enumerate() {
            for (pat, into_title, into_body, text) in [
                (&def.title, true, false, false),
                (&def.body, false, true, false),
                (&def.text, true, true, true),
            ] {
                if let Some(p) = pat {
                    if into_title {
                        title_pats.push(case_insensitive(p));
                        title_rules.push(slot(index, text));
                    }
                    if into_body {
                        body_pats.push(case_insensitive(p));
                        body_rules.push(slot(index, text));
                    }
                }
            }
        }
        let mut label_exact: std::collections::HashMap<String, Vec<usize>> = Default::default();
        let mut label_prefix = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for p in &rule.labels {
                match p {
                    LabelPattern::Exact(l) => label_exact.entry(l.clone()).or_default().push(i),
                    LabelPattern::Prefix(l) => label_prefix.push((l.clone(), i)),
                }
            }
        }
        Ok(CheckedRules {
            origin: origin.name.to_string(),
            rules,
            title_pats,
            title_rules,
            body_pats,
            body_rules,
            label_exact,
            label_prefix,
        })
    }
}

/// A pattern's place in the automata's tables: its rule, and whether it is the rule's
/// `text` pattern (a rule with `title` and `text`, or `body` and `text`, must find both;
/// one bit for either made one enough).
fn slot(rule: usize, text: bool) -> usize {
    rule << 1 | usize::from(text)
}

/// One rule as written, checked: a name, a concern, a finite weight, patterns that parse
/// and at least one condition. Field patterns take the next `field_slots`.
fn check_rule(def: &RuleDef, origin: &Origin, field_slots: &mut usize) -> Result<Rule> {
    let err = |message: String| Error::Config {
        at: rule_location(origin, &def.name),
        message: format!("rule `{}`: {message}", def.name),
    };
    if def.name.trim().is_empty() {
        return Err(Error::Config {
            at: origin.name.to_string(),
            message: "a rule has no `name`".into(),
        });
    }
    let concern =
        def.concern.ok_or_else(|| err("has no `concern` (product, program or project)".into()))?;
    let weight = def.weight.unwrap_or(1.0);
    if !weight.is_finite() {
        return Err(err("`weight` must be a number".into()));
    }
    // A rule adds evidence for its concern; a weight of zero or below would make every
    // item it matches that concern's, surely (the user's rules win), with no evidence.
    if weight <= 0.0 {
        return Err(err(format!(
            "`weight` must be above 0, not {weight} (to stop a built-in rule, write `enabled = false`)"
        )));
    }
    // Checked here for syntax, so that a bad pattern names its rule; compiled (into the
    // rule set's automata) once.
    let regex = |key: &str, pat: &Option<String>| -> Result<Option<LazyRegex>> {
        pat.as_deref()
            .map(|p| {
                let checked = if def.builtin_patterns { Ok(()) } else { check_regex(p) };
                checked
                    .map_err(|e| err(format!("invalid regular expression in `{key}`: {e}")))
                    .map(|()| LazyRegex::new(p))
            })
            .transpose()
    };
    let title = regex("title", &def.title)?;
    let body = regex("body", &def.body)?;
    let text = regex("text", &def.text)?;
    let mut fields = Vec::new();
    for (name, pat) in &def.fields {
        let re = (if def.builtin_patterns { Ok(()) } else { check_regex(pat) })
            .and_then(|()| compile_field_regex(pat))
            .map_err(|e| err(format!("invalid regular expression for field `{name}`: {e}")))?;
        fields.push((name.clone(), FieldRegex { re, slot: *field_slots }));
        *field_slots += 1;
    }
    let conditions = def.labels.len()
        + def.kinds.len()
        + def.fields.len()
        + def.has.len()
        + usize::from(title.is_some())
        + usize::from(body.is_some())
        + usize::from(text.is_some());
    // An empty label or kind matches no item: a rule that can never fire.
    if let Some(what) = (def.labels.iter().map(|l| ("labels", l)))
        .chain(def.kinds.iter().map(|k| ("kinds", k)))
        .find(|(_, v)| v.trim().is_empty())
        .map(|(w, _)| w)
    {
        return Err(err(format!("`{what}` has an empty entry, which matches no item")));
    }
    if conditions == 0 {
        return Err(err(
            "has no conditions (give labels, kinds, title, body, text, fields or has)".into(),
        ));
    }
    Ok(Rule {
        name: super::Text::interned(&def.name),
        concern,
        weight,
        why: super::Text::interned(def.why.as_deref().unwrap_or_default()),
        labels: def.labels.iter().map(|l| LabelPattern::parse(l)).collect(),
        kinds: def.kinds.iter().map(|k| crate::model::kind::normalise(k)).collect(),
        title,
        body,
        text,
        fields,
        has: def.has.clone(),
    })
}

/// Rules that passed [`RuleSet::check`], their automata not built yet.
pub struct CheckedRules {
    origin: String,
    rules: Vec<Rule>,
    title_pats: Vec<String>,
    title_rules: Vec<usize>,
    body_pats: Vec<String>,
    body_rules: Vec<usize>,
    label_exact: std::collections::HashMap<String, Vec<usize>>,
    label_prefix: Vec<(String, usize)>,
}

impl CheckedRules {
    /// Builds the two automata; fails only when the patterns together are too large.
    pub fn build(self) -> Result<RuleSet> {
        let origin = &self.origin;
        // Forward-only lazy DFAs reporting every pattern that matches: what a `RegexSet`
        // does for `matches`, without the reverse automata it also compiles (half of a
        // 100 ms start-up) and with caches owned by the caller instead of a shared pool.
        let set = |pats: &[String]| {
            DFA::builder()
                .configure(
                    DFA::config()
                        .match_kind(regex_automata::MatchKind::All)
                        .cache_capacity(64 << 20),
                )
                .thompson(
                    regex_automata::nfa::thompson::Config::new()
                        .nfa_size_limit(Some(64 << 20))
                        .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
                )
                .build_many(pats)
                .map_err(|e| Error::Config { at: origin.clone(), message: e.to_string() })
        };
        // The two automata are built side by side: they are most of the start-up.
        let (title_dfa, body_dfa) = std::thread::scope(|s| {
            let body = s.spawn(|| set(&self.body_pats));
            (set(&self.title_pats), crate::par::join(body))
        });
        let plain = |pats: &[String]| !pats.iter().any(|p| has_other_letters(p));
        let fold = [plain(&self.title_pats), plain(&self.body_pats)];
        Ok(RuleSet {
            fold,
            label_exact: self.label_exact,
            label_prefix: self.label_prefix,
            title_dfa: title_dfa?,
            body_dfa: body_dfa?,
            rules: self.rules,
            title_rules: self.title_rules,
            body_rules: self.body_rules,
            spare: Default::default(),
        })
    }
}

/// How many texts one thread scans at once ([`side_by_side`]).
const LANES: usize = 4;

/// Calls `hit(k, rules[pattern])` for every pattern of `dfa` matching `texts[k]` (once or
/// more: a pattern is reported at each place it matches).
///
/// Each step of an automaton waits for the last one (its next state is read from a
/// table far larger than the processor's nearest cache), so a text scanned alone leaves
/// the processor idle most of the time. Here texts of about the same length go [`LANES`]
/// at a time, stepped together over the shortest one's length so that their waits
/// overlap; the rest of each is scanned alone. On 100k items this takes a third off the
/// scan. A match is seen one byte late (the automaton's match states are delayed), so
/// each text's end is a step too.
///
/// Should the lazy DFA give up on a text (it does not with these settings, but the API
/// allows it), each rule's own regex answers for that text instead: slower, same result.
fn side_by_side<'r>(
    dfa: &DFA,
    cache: &mut Cache,
    texts: &[&str],
    rules: &[usize],
    mut hit: impl FnMut(usize, usize),
    own: impl Fn(usize) -> [Option<&'r LazyRegex>; 2],
) {
    if rules.is_empty() {
        return;
    }
    let mut failed = Vec::new();
    // A pattern that can match nothing matches between any two bytes, and the library
    // leaves out the places inside a character, which this scan does not: such rules
    // (rare, a user's) are matched by the library's own search, one text at a time.
    if dfa.get_nfa().has_empty() {
        let mut set = regex_automata::PatternSet::new(dfa.pattern_len());
        for (k, text) in texts.iter().enumerate() {
            set.clear();
            match dfa.try_which_overlapping_matches(cache, &Input::new(text), &mut set) {
                Ok(()) => set.iter().for_each(|p| hit(k, rules[p.as_usize()])),
                Err(_) => failed.push(k),
            }
        }
        return answer_alone(texts, rules, &failed, hit, own);
    }
    // Texts of about the same length side by side: by length, then by place.
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&k| (texts[k].len(), k));
    for group in order.chunks(LANES) {
        // A state is known by its place in the cache, which is emptied when full: after
        // that, the states held for the other lanes mean nothing, and they start over.
        let clears = cache.clear_count();
        let mut sids = [LazyStateID::default(); LANES];
        let mut bytes: [&[u8]; LANES] = [&[]; LANES];
        let mut started = true;
        for (lane, &k) in group.iter().enumerate() {
            bytes[lane] = texts[k].as_bytes();
            match dfa.start_state_forward(cache, &Input::new(bytes[lane])) {
                Ok(sid) => sids[lane] = sid,
                Err(_) => started = false,
            }
        }
        started &= cache.clear_count() == clears;
        // The shortest first: all lanes step together over its length.
        let common = if started && group.len() == LANES { bytes[0].len() } else { 0 };
        let mut at = 0;
        let mut steady = true;
        'steps: while at < common {
            let mut next = [LazyStateID::default(); LANES];
            for lane in 0..LANES {
                match dfa.next_state(cache, sids[lane], bytes[lane][at]) {
                    Ok(sid) if cache.clear_count() == clears => next[lane] = sid,
                    _ => {
                        steady = false;
                        break 'steps;
                    }
                }
            }
            sids = next;
            if sids.iter().any(|s| s.is_tagged()) {
                for lane in 0..LANES {
                    let k = group[lane];
                    if !tagged(dfa, cache, sids[lane], &mut |p| hit(k, rules[p])) {
                        steady = false;
                        break 'steps;
                    }
                }
            }
            at += 1;
        }
        for (lane, &k) in group.iter().enumerate() {
            // Rarely (a text the automaton ended or gave up on), each from its start alone.
            let from = if started && steady && cache.clear_count() == clears {
                Some((sids[lane], at))
            } else {
                dfa.start_state_forward(cache, &Input::new(bytes[lane])).ok().map(|s| (s, 0))
            };
            let done = from.is_some_and(|(sid, at)| {
                alone(dfa, cache, sid, &bytes[lane][at..], &mut |p| hit(k, rules[p]))
            });
            if !done {
                failed.push(k);
            }
        }
    }
    answer_alone(texts, rules, &failed, hit, own);
}

/// Each rule's own regex over each text of `failed`.
fn answer_alone<'r>(
    texts: &[&str],
    rules: &[usize],
    failed: &[usize],
    mut hit: impl FnMut(usize, usize),
    own: impl Fn(usize) -> [Option<&'r LazyRegex>; 2],
) {
    for &k in failed {
        for &r in rules {
            let matches = |re: Option<&LazyRegex>| {
                re.and_then(LazyRegex::get).is_some_and(|re| re.is_match(texts[k]))
            };
            if own(r).into_iter().any(matches) {
                hit(k, r);
            }
        }
    }
}

/// One text's automaton from `sid` over `bytes`, then its end; false if it gave up.
fn alone(
    dfa: &DFA,
    cache: &mut Cache,
    mut sid: LazyStateID,
    bytes: &[u8],
    hit: &mut dyn FnMut(usize),
) -> bool {
    for &b in bytes {
        sid = match dfa.next_state(cache, sid, b) {
            Ok(sid) => sid,
            Err(_) => return false,
        };
        if sid.is_tagged() && !tagged(dfa, cache, sid, &mut *hit) {
            return sid.is_dead();
        }
    }
    match dfa.next_eoi_state(cache, sid) {
        Ok(sid) => {
            tagged(dfa, cache, sid, hit);
            true
        }
        Err(_) => false,
    }
}

/// Reports a match state's patterns; false for a state that ends the scan (dead, quit).
fn tagged(dfa: &DFA, cache: &Cache, sid: LazyStateID, hit: &mut dyn FnMut(usize)) -> bool {
    if sid.is_match() {
        for i in 0..dfa.match_len(cache, sid) {
            hit(dfa.match_pattern(cache, sid, i).as_usize());
        }
    }
    !(sid.is_dead() || sid.is_quit())
}

fn case_insensitive(p: &str) -> String {
    format!("(?i:{})", ascii_boundaries(p))
}

/// Rewrites `\b` and `\B` as ASCII word boundaries. A Unicode `\b` keeps the regex engine
/// off its fast DFA for any text with a non-ASCII letter, which made 100k items take 30 s
/// instead of well under one. Classes (`\w`, `\W`) stay Unicode.
fn ascii_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(b @ ('b' | 'B')) => {
                out.push_str("(?-u:\\");
                out.push(b);
                out.push(')');
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn compile_regex(p: &str) -> std::result::Result<Regex, String> {
    RegexBuilder::new(&ascii_boundaries(p)).case_insensitive(true).build().map_err(last_line)
}

fn compile_field_regex(p: &str) -> std::result::Result<regex_automata::meta::Regex, String> {
    regex_automata::meta::Builder::new()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .build(&ascii_boundaries(p))
        .map_err(|e| match e.syntax_error() {
            Some(syntax) => last_line(syntax),
            None => last_line(e),
        })
}

/// Whether `p` is a valid pattern, without compiling it.
///
/// A pattern that matches an empty text (`""`, `x*`) matches every item: refused, as it
/// would decide every item the rule's way. A pattern too large to compile is refused
/// here, naming its rule, rather than when the rules' automata are built.
fn check_regex(p: &str) -> std::result::Result<(), String> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(&ascii_boundaries(p))
        .map_err(last_line)?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(format!(
            "{} matches every text (it can match an empty one): give the words it must find",
            crate::text::quote(p)
        ));
    }
    regex_automata::nfa::thompson::Compiler::new()
        .configure(
            regex_automata::nfa::thompson::Config::new()
                .nfa_size_limit(Some(16 << 20))
                .which_captures(regex_automata::nfa::thompson::WhichCaptures::None),
        )
        .build_from_hir(&hir)
        .map(drop)
        .map_err(|_| "the pattern is too large (repetitions such as a{1000000} expand)".into())
}

/// The regex crate's messages span several lines with a caret diagram; keep the last
/// line, which says what is wrong.
fn last_line(e: impl std::fmt::Display) -> String {
    let s = e.to_string();
    let last = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&s).trim();
    // Ours already says `error:` once.
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

/// `file:line` of the `name = "…"` line of a rule, or just the file.
/// Where the rule `name` is written: `file:line` of its first `name = …`, else the file.
pub(crate) fn rule_location(origin: &Origin, name: &str) -> String {
    match rule_lines(origin, name).first() {
        Some(line) => format!("{}:{line}", origin.name),
        None => origin.name.to_string(),
    }
}

/// The lines (from 1) of the config where a rule of this name is named.
fn rule_lines(origin: &Origin, name: &str) -> Vec<usize> {
    let needle_dq = format!("\"{name}\"");
    let needle_sq = format!("'{name}'");
    (origin.text.lines().enumerate())
        .filter(|(_, line)| {
            let t = line.trim_start();
            t.starts_with("name") && (t.contains(&needle_dq) || t.contains(&needle_sq))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rules_compile() {
        let defs = default_defs().expect("default rules parse");
        assert!(defs.len() > 30);
        let origin = Origin { name: "built-in rules", text: DEFAULT_RULES };
        RuleSet::compile(&defs, &origin).expect("default rules compile");
        // Their patterns are not checked again at start-up: they are here.
        for d in &defs {
            assert!(d.builtin_patterns, "{}", d.name);
            for p in [&d.title, &d.body, &d.text].into_iter().flatten() {
                check_regex(p).unwrap_or_else(|e| panic!("rule {}: {e}", d.name));
            }
        }
        let mut names: Vec<_> = defs.iter().map(|d| &d.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), defs.len(), "rule names are unique");
    }

    #[test]
    fn a_user_pattern_on_a_built_in_rule_is_checked() {
        let defaults = default_defs().expect("default rules parse");
        let name = defaults.iter().find(|d| d.title.is_some()).expect("a title rule").name.clone();
        let user =
            RuleDef { name: name.clone(), title: Some("(unclosed".into()), ..RuleDef::default() };
        let merged = merge(defaults, &[user]);
        let origin = Origin { name: "rolecall.toml", text: "" };
        let Err(err) = RuleSet::check(&merged, &origin) else { panic!("a bad pattern fails") };
        let err = err.to_string();
        assert!(err.contains(&name) && err.contains("invalid regular expression"), "{err}");
    }

    /// Real titles and bodies (every length, accents, CJK, matches at either end), in a
    /// count that leaves lanes part-filled.
    fn real_texts() -> Vec<String> {
        let edges = ["", "x", "API", "migrate the api", "ロードマップ roadmap"];
        let mut texts: Vec<String> = edges.iter().map(|t| t.to_string()).collect();
        for file in ["abhinaitamang-ibm-jiraproject.csv", "aditechgh-defect-analysis.csv"] {
            let path = format!("{}/fixtures/corpus/{file}", env!("CARGO_MANIFEST_DIR"));
            let mut csv = csv::Reader::from_path(&path).expect("corpus file");
            for record in csv.records().take(150) {
                let record = record.expect("record");
                texts.push(record[1].to_string());
                texts.push(record[7].to_string());
            }
        }
        texts.truncate(303);
        texts
    }

    /// `(text, rule)` for every rule whose own regex (of those `own` names) matches.
    fn found_alone(
        set: &RuleSet,
        texts: &[&str],
        own: &dyn Fn(&Rule) -> [Option<&LazyRegex>; 2],
    ) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for (k, text) in texts.iter().enumerate() {
            for (r, rule) in set.rules.iter().enumerate() {
                let mut re = own(rule).into_iter().flatten().filter_map(LazyRegex::get);
                if re.any(|re| re.is_match(text)) {
                    found.push((k, r));
                }
            }
        }
        found
    }

    fn sorted(mut found: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        found.sort_unstable();
        found.dedup();
        found
    }

    #[test]
    fn texts_scanned_side_by_side_find_what_each_rule_finds_alone() {
        let defs = default_defs().expect("default rules parse");
        let origin = Origin { name: "built-in rules", text: DEFAULT_RULES };
        let set = RuleSet::compile(&defs, &origin).expect("compiles");
        let texts = real_texts();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut scratch = set.scratch();
        let (mut in_title, mut in_body) = (Vec::new(), Vec::new());
        set.match_titles(&mut scratch, &texts, |k, r, _| in_title.push((k, r)));
        set.match_bodies(&mut scratch, &texts, |k, r, _| in_body.push((k, r)));
        let title_alone = found_alone(&set, &texts, &|r| [r.title.as_ref(), r.text.as_ref()]);
        assert!(title_alone.len() > 100, "the texts exercise the rules: {}", title_alone.len());
        assert_eq!(sorted(in_title), title_alone);
        let body_alone = found_alone(&set, &texts, &|r| [r.body.as_ref(), r.text.as_ref()]);
        assert_eq!(sorted(in_body), body_alone);
    }

    /// A scan's scratch is given back to the set and taken by the next scan, its caches
    /// warm (the titles' states met again in bodies, and the other way round): it finds
    /// the same.
    #[test]
    fn a_scratch_given_back_and_taken_again_finds_the_same() {
        let defs = default_defs().expect("default rules parse");
        let origin = Origin { name: "built-in rules", text: DEFAULT_RULES };
        let set = RuleSet::compile(&defs, &origin).expect("compiles");
        let texts = real_texts();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let title_alone = found_alone(&set, &texts, &|r| [r.title.as_ref(), r.text.as_ref()]);
        let body_alone = found_alone(&set, &texts, &|r| [r.body.as_ref(), r.text.as_ref()]);
        for round in 0..3 {
            let mut scratch = set.pooled();
            let (mut in_title, mut in_body) = (Vec::new(), Vec::new());
            set.match_titles(&mut scratch, &texts, |k, r, _| in_title.push((k, r)));
            set.match_bodies(&mut scratch, &texts, |k, r, _| in_body.push((k, r)));
            drop(scratch);
            assert_eq!(sorted(in_title), title_alone, "round {round}");
            assert_eq!(sorted(in_body), body_alone, "round {round}");
            assert_eq!(set.spare.lock().unwrap().len(), 1, "round {round}");
        }
    }

    #[test]
    fn a_scan_whose_cache_is_emptied_mid_way_finds_the_same() {
        // The smallest cache the automaton allows is emptied again and again while four
        // texts are held side by side: the lanes must start over, not read stale states.
        let defs = default_defs().expect("default rules parse");
        let origin = Origin { name: "built-in rules", text: DEFAULT_RULES };
        let set = RuleSet::compile(&defs, &origin).expect("compiles");
        let mut pats = Vec::new();
        for rule in &set.rules {
            pats.extend([&rule.title, &rule.text].into_iter().flatten().map(|re| &re.pattern));
        }
        let pats: Vec<String> = pats.iter().map(|p| case_insensitive(p)).collect();
        let config = DFA::config()
            .match_kind(regex_automata::MatchKind::All)
            .cache_capacity(0)
            .skip_cache_capacity_check(true);
        let dfa = DFA::builder().configure(config).build_many(&pats).expect("builds");
        let mut cache = dfa.create_cache();
        let texts = real_texts();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut found = Vec::new();
        let own = |slot: usize| [set.pattern(slot, |r| &r.title), None];
        let hit = |k: usize, slot: usize| found.push((k, slot >> 1));
        side_by_side(&dfa, &mut cache, &texts, &set.title_rules, hit, own);
        assert!(cache.clear_count() >= 2, "the cache was emptied: {}", cache.clear_count());
        let alone = found_alone(&set, &texts, &|r| [r.title.as_ref(), r.text.as_ref()]);
        assert_eq!(sorted(found), alone);
    }

    #[test]
    fn a_pattern_matching_nothing_is_not_found_inside_a_character() {
        // In `aéa`, `\B` matches only between the two bytes of `é`: the library, and each
        // rule's own regex, leave such places out.
        let rule = RuleDef {
            name: "mine".into(),
            concern: Some(Concern::Project),
            title: Some(r"\B".into()),
            // Of the matcher, not of what a user may write (an empty match is refused).
            builtin_patterns: true,
            ..RuleDef::default()
        };
        let origin = Origin { name: "rolecall.toml", text: "" };
        let set = RuleSet::compile(&[rule], &origin).expect("compiles");
        let texts = ["aéa", "é", "ab", "a b", ""];
        let mut found = Vec::new();
        set.match_titles(&mut set.scratch(), &texts, |k, r, _| found.push((k, r)));
        let alone = found_alone(&set, &texts, &|r| [r.title.as_ref(), None]);
        assert_eq!(sorted(found), alone);
    }

    /// Letters beyond ASCII become `x`, byte for byte, so an ASCII `\b` reads them as
    /// letters and a match's place in the folded text is its place in the text.
    #[test]
    fn the_quick_letter_test_is_the_general_one() {
        for c in (0x80..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(letter_or_digit(c), c.is_alphanumeric(), "{c} U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn letters_beyond_ascii_fold_in_place() {
        assert_eq!(folded("Drücken").as_deref(), Some("Drxxcken"));
        assert_eq!(folded("Poção × 2").as_deref(), Some("Poxxxxo × 2"));
        assert_eq!(folded("Στοιχεία 4").as_deref(), Some("xxxxxxxxxxxxxxxx 4"));
        assert_eq!(folded("cache job — follow-up 🚀"), None, "signs stay, nothing to fold");
        assert_eq!(folded("plain ascii"), None);
        let long = format!("{}é", "a".repeat(40));
        assert_eq!(folded(&long), Some(format!("{}xx", "a".repeat(40))));
        // `dr` is found in `Dr ücken` but not in `Drücken`.
        let defs = default_defs().expect("default rules parse");
        let set = RuleSet::compile(&defs, &Origin { name: "built-in rules", text: DEFAULT_RULES })
            .expect("compiles");
        assert_eq!(set.folds(), [true, true], "no built-in pattern names a letter beyond ASCII");
        let rule = set.rules.iter().find(|r| &*r.name == "nonfunctional").expect("the rule");
        let text = rule.text.as_ref().or(rule.title.as_ref()).expect("a pattern");
        assert_eq!(text.find("Beim Drücken des Buttons"), None);
        assert_eq!(text.find("Das DR-Konzept für Drücken"), Some("DR"));
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_boundaries(r"\bux\b|a\\b|\Bx"), r"(?-u:\b)ux(?-u:\b)|a\\b|(?-u:\B)x");
    }

    #[test]
    fn user_rules_reweight_disable_and_add() {
        let defaults = vec![
            RuleDef {
                name: "a".into(),
                concern: Some(Concern::Product),
                weight: Some(1.0),
                labels: vec!["x".into()],
                ..Default::default()
            },
            RuleDef {
                name: "b".into(),
                concern: Some(Concern::Program),
                labels: vec!["y".into()],
                ..Default::default()
            },
        ];
        let user = vec![
            RuleDef { name: "a".into(), weight: Some(5.0), ..Default::default() },
            RuleDef { name: "b".into(), enabled: Some(false), ..Default::default() },
            RuleDef {
                name: "c".into(),
                concern: Some(Concern::Project),
                labels: vec!["z".into()],
                ..Default::default()
            },
        ];
        let merged = merge(defaults, &user);
        assert_eq!(merged.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(merged[0].weight, Some(5.0));
        assert_eq!(merged[0].labels, ["x"]);
    }

    #[test]
    fn bad_rules_name_the_line() {
        let text =
            "[[classify.rule]]\nname = \"mine\"\nconcern = \"program\"\ntitle = \"(unclosed\"\n";
        let defs = vec![RuleDef {
            name: "mine".into(),
            concern: Some(Concern::Program),
            title: Some("(unclosed".into()),
            ..Default::default()
        }];
        let e = RuleSet::compile(&defs, &Origin { name: "rolecall.toml", text })
            .expect_err("bad regex");
        let e = e.to_string();
        assert!(
            e.starts_with("rolecall.toml:2: rule `mine`: invalid regular expression in `title`"),
            "{e}"
        );
        let defs = vec![RuleDef {
            name: "mine".into(),
            concern: Some(Concern::Program),
            ..Default::default()
        }];
        let e = RuleSet::compile(&defs, &Origin { name: "rolecall.toml", text })
            .expect_err("no conditions");
        assert!(e.to_string().contains("has no conditions"), "{e}");
    }

    #[test]
    fn field_patterns_match_any_case_on_every_thread_and_bad_ones_are_named() {
        let field = |pat: &str| RuleDef {
            name: "mine".into(),
            concern: Some(Concern::Program),
            fields: [("components".to_string(), pat.to_string())].into_iter().collect(),
            ..Default::default()
        };
        let origin = Origin { name: "rolecall.toml", text: "" };
        let set = RuleSet::compile(&[field(r"\bapi\b")], &origin).expect("compiles");
        let (_, re) = &set.rules[0].fields[0];
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    let mut scratch = set.scratch();
                    assert!(re.is_match(&mut scratch, "Public API"));
                    assert!(!re.is_match(&mut scratch, "apis"));
                });
            }
        });
        let e = RuleSet::compile(&[field("(unclosed")], &origin).expect_err("bad regex");
        assert_eq!(
            e.to_string(),
            "rolecall.toml: rule `mine`: invalid regular expression for field `components`: \
             unclosed group"
        );
    }
}
