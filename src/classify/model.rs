//! The learned decision: a linear model over what an item says and how it sits in the
//! tracker, trained offline on a labelled corpus of real tracker items
//! (`fixtures/corpus/`) and compiled into the binary as a small weight table.
//!
//! Features, each a name and a value:
//! - `w:` title words (lower-cased, lightly stemmed) and `ww:` title word pairs (not of
//!   Chinese or Japanese, read as pairs of characters already), and `g:`
//!   character 6-grams of long title words;
//! - `b:` body words of the first [`BODY_CHARS`] characters, and `p:` parent title words,
//!   each group scaled by 1/√n so a long text counts no more than a short one;
//! - `t:` the issue type, `l:` labels, `c:` components;
//! - `r:` the built-in rules that matched (the rules stay, as evidence);
//! - `s:` structure: has a parent, has children, blocks or is blocked.
//!
//! The model scores each concern by the sum of its weights, turns the three sums into
//! probabilities (softmax), and the body's part of each sum is held within
//! ±[`BODY_CAP`] so a long description cannot outvote the title.
//!
//! Weights are written as text (`feature<TAB>product<TAB>program<TAB>project`), one
//! feature a line, so a diff shows what training changed. The same text format holds an
//! organisation's own model (`rolecall train`), which starts from the built-in weights
//! and moves them towards the organisation's labelled items.

use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::Concern;
use crate::error::{Error, Location, Result};
use crate::model::{link_kind, Str};

/// The file `rolecall train` writes beside the config, and classification then uses.
pub(crate) const ORG_MODEL_FILE: &str = "rolecall-model.tsv";

/// The built-in weights.
pub(crate) const BUILTIN: &str = include_str!("model.tsv");

/// How much of a body the model reads: the corpus keeps the first 300 characters.
pub(crate) const BODY_CHARS: usize = 300;

/// The most the body can add to or take from one concern's score.
pub(crate) const BODY_CAP: f32 = 1.0;

/// Kinds of feature, for the body cap and for explaining in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Title,
    Body,
    Parent,
    Type,
    Label,
    Component,
    Rule,
    Structure,
}

/// What the model reads of one item.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub kind: &'a str,
    pub labels: &'a [Str],
    /// Labels with this prefix (`concern:`) are the answer, not evidence.
    pub skip_prefix: &'a str,
    pub components: &'a [Str],
    pub parent_title: Option<&'a str>,
    pub links: &'a [crate::model::Link],
    pub children: bool,
    /// Names of the built-in rules that matched.
    pub rules: &'a [&'a str],
    /// What the rules' weights add up to, per concern.
    pub rule_scores: [f32; 3],
    /// Whether any of those rules read what the item says; rules on its type or
    /// structure alone are not evidence of what it is about.
    pub rule_text: bool,
}

/// Where features go: a feature's name comes in parts (`["ww:", "api", "_", "key"]`), so
/// scoring can hash it without writing it out, with its group.
trait Sink {
    fn feature(&mut self, g: Group, parts: &[&str], v: f32);
    /// Where the feature of this name's hash ([`hash_parts`]) is in the model, when the
    /// sink scores with one (`Some(0)` for any other sink): scoring skips what the model
    /// does not know before spending anything on it, and finds what it does know once.
    fn index_of(&self, _hash: u64) -> Option<u32> {
        Some(0)
    }
    /// [`Sink::feature`] with the feature's [`Sink::index_of`], and how the item wrote
    /// its word (`written`: the word lower-cased, not stemmed; a pair's two words), for a
    /// word feature (`w:`, `ww:`, `b:`, `p:`).
    fn feature_at(&mut self, g: Group, _index: u32, parts: &[&str], v: f32, _written: Written2) {
        self.feature(g, parts, v);
    }
    /// [`Sink::feature`] for a word feature, with how the item wrote it
    /// ([`Sink::feature_at`]).
    fn word(&mut self, g: Group, parts: &[&str], v: f32, _written: Written2) {
        self.feature(g, parts, v);
    }
}

/// A word feature's word as the item wrote it, lower-cased and not stemmed (`["updates",
/// ""]`); a pair's two words (`["fixed", "status"]`).
type Written2<'a> = [&'a str; 2];

/// Calls `f(name, value)` for every feature of the item. `name` lives in a buffer reused
/// from call to call: copy it to keep it.
pub(crate) fn features(input: Input<'_>, f: &mut dyn FnMut(&str, f32)) {
    struct Names<'f> {
        buf: String,
        f: &'f mut dyn FnMut(&str, f32),
    }
    impl Sink for Names<'_> {
        fn feature(&mut self, _: Group, parts: &[&str], v: f32) {
            self.buf.clear();
            for p in parts {
                self.buf.push_str(p);
            }
            (self.f)(&self.buf, v);
        }
    }
    each_feature(input, &mut Names { buf: String::with_capacity(64), f });
}

/// FNV-1a over the parts of a name: the same as over the whole name, so a feature can be
/// hashed where it is made.
pub(crate) fn hash_parts(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn each_feature(input: Input<'_>, sink: &mut impl Sink) {
    // Title words and word pairs, one buffer for the word and one for the one before.
    // `prev` is the word before as written (lower-cased), `prev_stem` its stem's length.
    let (mut word, mut prev) = (String::with_capacity(32), String::with_capacity(32));
    let (mut pad, mut prev_cjk, mut prev_stem) = (String::new(), false, 0);
    each_word(input.title, &mut word, &mut |full, n| {
        let w = &full[..n];
        sink.word(Group::Title, &["w:", w], 1.0, [full, ""]);
        let cjk = !w.is_ascii() && w.chars().any(is_cjk);
        if !cjk {
            title_grams(w, &mut pad, sink);
        }
        // Not next to Chinese or Japanese: their words are already overlapping pairs of
        // characters, and a pair of pairs (`接続 続エ`) adds nothing but an unreadable
        // reason (leave-one-tracker-out: 0.672 / 0.628 either way).
        if !prev.is_empty() && !cjk && !prev_cjk {
            sink.word(Group::Title, &["ww:", &prev[..prev_stem], "_", w], 1.0, [&prev, full]);
        }
        prev_cjk = cjk;
        prev.clear();
        prev.push_str(full);
        prev_stem = n;
    });
    // Body and parent words: each distinct word once, those the model knows in one arena
    // (buffers kept per thread, so an item allocates nothing here).
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = Default::default();
    }
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => distinct_words(input, &mut word, &mut s, sink),
        Err(_) => distinct_words(input, &mut word, &mut Scratch::default(), sink),
    });
    other_features(input, &mut word, sink);
}

/// Title words of at least this many characters also give their character n-grams…
const GRAM_MIN_CHARS: usize = 8;
/// …of this many characters, the word's ends marked (`<integr`, `ration>`)…
const GRAM_CHARS: usize = 6;
/// …each counting this much.
const GRAM_VALUE: f32 = 0.5;

/// The character n-grams of a long title word (not Chinese or Japanese): parts a word shares with its other forms
/// and languages (`integración`, `integration`, `Integrationstest` all hold `ntegra`), and
/// a compound with its parts (`benutzeroberfläche`). Measured leave-one-tracker-out on
/// 119 trackers: mean accuracy 0.660 → 0.672, macro-F1 0.621 → 0.628 (words of 5 or
/// more characters, 4- to 6-grams, values 0.3 to 1.0: 0.654 to 0.672).
fn title_grams(w: &str, pad: &mut String, sink: &mut impl Sink) {
    if w.chars().nth(GRAM_MIN_CHARS - 1).is_none() {
        return;
    }
    pad.clear();
    pad.push('<');
    pad.push_str(w);
    pad.push('>');
    // Where each of the last GRAM_CHARS characters starts, in a ring.
    let mut starts = [0usize; GRAM_CHARS];
    for (k, (at, c)) in pad.char_indices().enumerate() {
        starts[k % GRAM_CHARS] = at;
        if k + 1 >= GRAM_CHARS {
            let from = starts[(k + 1) % GRAM_CHARS];
            sink.feature(Group::Title, &["g:", &pad[from..at + c.len_utf8()]], GRAM_VALUE);
        }
    }
}

/// Buffers for [`distinct_words`].
#[derive(Default)]
struct Scratch {
    /// The words the sink knows as written (lower-cased, not stemmed), one after another.
    arena: String,
    /// Their places in the model ([`Sink::index_of`]) and in `arena` (start, end of the
    /// stem, end), in the order first seen (the same order in training and scoring).
    keyed: Vec<(u32, [u32; 3])>,
    /// The words seen so far, to count the distinct ones without sorting them all.
    seen: Seen,
}

/// The hashes of the words seen so far in one text: open addressing (0 is a free slot;
/// a hash of 0 is kept aside), grown to stay at most half full, emptied slot by slot.
#[derive(Default)]
struct Seen {
    slots: Vec<u64>,
    /// The slots taken, to empty them for the next text.
    used: Vec<u32>,
    zero: bool,
}

impl Seen {
    /// Forgets every hash. Done before each text, so a text abandoned half-way (a panic
    /// caught above) leaves nothing behind; a table grown large for one huge text is let go.
    fn clear(&mut self) {
        if self.slots.len() > 1 << 16 {
            self.slots = Vec::new();
        } else {
            for &at in &self.used {
                self.slots[at as usize] = 0;
            }
        }
        self.used.clear();
        self.zero = false;
    }

    /// Whether `h` is new, now seen.
    fn insert(&mut self, h: u64) -> bool {
        if h == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        if (self.used.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = (h ^ (h >> 29)) as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = h;
                    self.used.push(at as u32);
                    return true;
                }
                x if x == h => return false,
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let old: Vec<u64> = self.used.iter().map(|&at| self.slots[at as usize]).collect();
        self.slots = vec![0; (self.slots.len() * 2).max(256)];
        self.used.clear();
        for h in old {
            self.insert(h);
        }
    }
}

/// The body's and the parent's words, each distinct word once, weighted by one over the
/// square root of their number.
fn distinct_words(
    input: Input<'_>,
    word: &mut String,
    scratch: &mut Scratch,
    sink: &mut impl Sink,
) {
    let Scratch { arena, keyed, seen } = scratch;
    for (prefix, group, text) in [
        ("b:", Group::Body, crate::text::prefix_chars(input.body, BODY_CHARS)),
        ("p:", Group::Parent, input.parent_title.unwrap_or("")),
    ] {
        arena.clear();
        keyed.clear();
        seen.clear();
        let mut distinct = 0usize;
        each_word(text, word, &mut |full, n| {
            let h = hash_parts(&[prefix, &full[..n]]);
            if seen.insert(h) {
                distinct += 1;
                if let Some(i) = sink.index_of(h) {
                    let at = arena.len() as u32;
                    arena.push_str(full);
                    keyed.push((i, [at, at + n as u32, arena.len() as u32]));
                }
            }
        });
        if distinct > 0 {
            let v = 1.0 / (distinct as f32).sqrt();
            for &(i, [a, s, e]) in keyed.iter() {
                let (a, s, e) = (a as usize, s as usize, e as usize);
                sink.feature_at(group, i, &[prefix, &arena[a..s]], v, [&arena[a..e], ""]);
            }
        }
    }
}

/// For each of `list`, whether the same name (whatever its case) came before it. A
/// few names are compared pairwise, without allocating; a long list (an export with
/// thousands of `Labels` columns on a row) by a set, not in time growing as its square.
fn repeated(list: &[Str]) -> Vec<bool> {
    let fold = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    if list.len() <= 16 {
        return (0..list.len())
            .map(|k| {
                let this: &str = &list[k];
                list[..k].iter().any(|p| {
                    p.len() == this.len()
                        && (p.eq_ignore_ascii_case(this)
                            || (!p.is_ascii() && fold(p) == fold(this)))
                })
            })
            .collect();
    }
    let mut names = std::collections::HashSet::with_capacity(list.len());
    list.iter().map(|l| !names.insert(fold(l))).collect()
}

/// Type, labels, components, rule hits and structure; `lower` is a buffer for
/// lower-casing.
fn other_features(input: Input<'_>, lower: &mut String, sink: &mut impl Sink) {
    if !input.kind.is_empty() {
        sink.feature(Group::Type, &["t:", input.kind], 1.0);
    }
    // A label or component counts once, whatever its case and however often it is
    // repeated (`Bug, bug, BUG` weighed three times one `bug`).
    let labels_seen = repeated(input.labels);
    for (k, l) in input.labels.iter().enumerate() {
        if labels_seen[k] {
            continue;
        }
        if l.len() >= input.skip_prefix.len()
            && l.is_char_boundary(input.skip_prefix.len())
            && l[..input.skip_prefix.len()].eq_ignore_ascii_case(input.skip_prefix)
            && !input.skip_prefix.is_empty()
        {
            continue;
        }
        sink.feature(Group::Label, &["l:", lowered(lower, l)], 1.0);
    }
    let components_seen = repeated(input.components);
    for (k, c) in input.components.iter().enumerate() {
        if components_seen[k] {
            continue;
        }
        sink.feature(Group::Component, &["c:", lowered(lower, c)], 0.5);
    }
    let rules = if input.rule_text { Group::Rule } else { Group::Structure };
    for r in input.rules {
        sink.feature(rules, &["r:", r], 1.0);
    }
    for (name, v) in ["rs:product", "rs:program", "rs:project"].iter().zip(input.rule_scores) {
        if v != 0.0 {
            sink.feature(rules, &[name], v.min(6.0));
        }
    }
    let (mut blocks, mut blocked) = (false, false);
    for l in input.links {
        blocks |= l.kind == link_kind::BLOCKS;
        blocked |= l.kind == link_kind::BLOCKED_BY;
    }
    for (on, name) in [
        (input.parent_title.is_some(), "s:parent"),
        (input.children, "s:children"),
        (blocks, "s:blocks"),
        (blocked, "s:blocked"),
        (input.body.trim().is_empty(), "s:no-body"),
    ] {
        if on {
            sink.feature(Group::Structure, &[name], 1.0);
        }
    }
}

/// `s` lower-cased in `buf`.
fn lowered<'b>(buf: &'b mut String, s: &str) -> &'b str {
    buf.clear();
    if s.is_ascii() {
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        // As `str::to_lowercase` (a word-final Σ is ς), which trained models were built with.
        buf.push_str(&s.to_lowercase());
    }
    buf
}

/// Lower-cased words of letters and digits (numbers dropped), lightly stemmed so that
/// `tests`/`test` and `deployed`/`deploying`/`deploy` meet.
#[cfg(test)]
pub(crate) fn tokens(text: &str, out: &mut Vec<String>) {
    out.clear();
    let mut word = String::new();
    each_token(text, &mut word, &mut |w| out.push(w.to_string()));
}

/// Calls `f` with each word of [`tokens`], lower-cased and stemmed in `word` (reused).
#[cfg(test)]
fn each_token(text: &str, word: &mut String, f: &mut impl FnMut(&str)) {
    each_word(text, word, &mut |w, stem| f(&w[..stem]));
}

/// Calls `f` with each word of `text`, lower-cased in `word` (reused), and the length of
/// its stem. Words are split on what is not a letter or digit in any script; a word of
/// ASCII letters and digits (most words, even in text with accents or emoji elsewhere) is
/// lower-cased byte by byte.
fn each_word(text: &str, word: &mut String, f: &mut impl FnMut(&str, usize)) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // ASCII separators, then ASCII letters and digits, by one table: most words of
        // most texts. A character beyond ASCII in or next to the word sends it the
        // general way ([`next_word`]), from where it starts.
        while at < bytes.len() && ASCII_CLASS[bytes[at] as usize] == SEPARATOR {
            at += 1;
        }
        let (start, mut letters) = (at, false);
        while let Some(&b) = bytes.get(at) {
            let class = ASCII_CLASS[b as usize];
            if class & (DIGIT | LETTER) == 0 {
                break;
            }
            letters |= class == LETTER;
            at += 1;
        }
        if bytes.get(at).is_some_and(|&b| b >= 0x80) {
            at = next_word(text, start, word, f);
            continue;
        }
        // A web address says where, not what: `https://github.com/acme/x/issues/4567`
        // gave the words "https", "github", "issues" and hex ids as reasons.
        if is_address(bytes, start, at) {
            at = skip_address(text, at, word, f);
            continue;
        }
        // Words of one character and numbers are left out.
        if at - start >= 2 && letters {
            word.clear();
            word.push_str(&text[start..at]);
            word.make_ascii_lowercase();
            let n = stem_len(word, true);
            f(word, n);
        }
    }
}

/// Whether the word `bytes[start..end]` begins a web address: `http://`, `https://`,
/// `www.`.
fn is_address(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = &bytes[start..end];
    let rest = &bytes[end..];
    ((word.eq_ignore_ascii_case(b"https") || word.eq_ignore_ascii_case(b"http"))
        && rest.starts_with(b"://"))
        || (word.eq_ignore_ascii_case(b"www") && rest.first() == Some(&b'.'))
}

/// Skips the rest of a web address from `at` (after its `https`, `http` or `www`) and
/// gives its site's name as a word (`figma`, `github`: where a link goes can say what the
/// item is about); returns where the address ends.
fn skip_address(
    text: &str,
    mut at: usize,
    word: &mut String,
    f: &mut dyn FnMut(&str, usize),
) -> usize {
    let (bytes, from) = (text.as_bytes(), at);
    while bytes.get(at).is_some_and(|b| {
        !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'<' | b'>' | b')' | b']')
    }) {
        at += 1;
    }
    if let Some(name) = site_name(&text[from..at]) {
        word.clear();
        word.push_str(name);
        word.make_ascii_lowercase();
        let n = stem_len(word, true);
        f(word, n);
    }
    at
}

/// The name of the site an address after its scheme goes to: `://www.figma.com/file/x`
/// → `figma`.
fn site_name(rest: &str) -> Option<&str> {
    let host = rest.trim_start_matches(['.', ':', '/']).split(['/', '?', '#', ':']).next()?;
    let mut labels = host.rsplit('.').filter(|l| !l.is_empty());
    let (_tld, name) = (labels.next()?, labels.next()?);
    (name.len() >= 2 && name.bytes().all(|b| b.is_ascii_alphanumeric()) && name != "www")
        .then_some(name)
}

/// One word of [`each_token`], read the general way from `at` (a char boundary):
/// separators of any script skipped, then letters and digits of any script; returns
/// where the word ends. Each word of a text, read this way from its start to its end,
/// is what [`each_token`] gives (its fast path for ASCII is only quicker).
fn next_word(
    text: &str,
    mut at: usize,
    word: &mut String,
    f: &mut dyn FnMut(&str, usize),
) -> usize {
    let bytes = text.as_bytes();
    // The char at `at` (a char boundary), whether it is a letter or digit, and its length.
    let at_char = |at: usize| -> (bool, usize) {
        let b = bytes[at];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    while at < bytes.len() {
        let (alnum, len) = at_char(at);
        if alnum {
            break;
        }
        at += len;
    }
    let (start, mut ascii) = (at, true);
    // ASCII letters and digits byte by byte (most words end there), then any others.
    while at < bytes.len() && ASCII_CLASS[bytes[at] as usize] & (DIGIT | LETTER) != 0 {
        at += 1;
    }
    while at < bytes.len() {
        let (alnum, len) = at_char(at);
        if !alnum {
            break;
        }
        ascii &= len == 1;
        at += len;
    }
    // An address glued to the word before it (`詳細はhttps://…`): that word, then the
    // address as [`each_word`] reads one.
    let glued = ["https", "http", "www"].iter().map(|p| p.len()).find(|&n| {
        at - start >= n && text.is_char_boundary(at - n) && is_address(bytes, at - n, at)
    });
    if let Some(n) = glued {
        if at - n > start {
            emit_raw(&text[start..at - n], ascii, word, f);
        }
        return skip_address(text, at, word, f);
    }
    emit_raw(&text[start..at], ascii, word, f);
    at
}

/// [`next_word`]'s word `raw`, given to `f` as [`each_token`] gives it (`ascii`: it is
/// ASCII letters and digits alone).
fn emit_raw(raw: &str, ascii: bool, word: &mut String, f: &mut dyn FnMut(&str, usize)) {
    if ascii {
        if raw.len() < 2 || raw.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        word.clear();
        word.push_str(raw);
        word.make_ascii_lowercase();
    } else {
        if raw.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
            return;
        }
        if raw.chars().any(is_cjk) {
            each_cjk_token(raw, word, f);
            return;
        }
        word.clear();
        word.extend(raw.chars().flat_map(char::to_lowercase));
        if word.chars().nth(1).is_none() {
            return;
        }
    }
    let n = stem_len(word, ascii);
    f(word, n);
}

/// [`ASCII_CLASS`]: a byte that is an ASCII separator (anything but a letter or digit)…
const SEPARATOR: u8 = 0;
/// …an ASCII digit…
const DIGIT: u8 = 1;
/// …an ASCII letter…
const LETTER: u8 = 2;
/// …or part of a character beyond ASCII.
const BEYOND: u8 = 4;

/// What each byte is, for [`each_token`] and [`next_word`].
const ASCII_CLASS: [u8; 256] = {
    let mut t = [BEYOND; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            SEPARATOR
        };
        b += 1;
    }
    t
};

/// Chinese and Japanese write words without spaces between them: a run of their
/// characters is read as its overlapping pairs of characters (a lone one as itself), the
/// usual way to index such text without a dictionary; the letters and digits around a run
/// are words as anywhere else (`DB接続エラー` is `db`, `接続`, `続エ`, `エラ`, `ラー`).
fn each_cjk_token(raw: &str, word: &mut String, f: &mut dyn FnMut(&str, usize)) {
    // Half-width katakana (`ﾃﾞｰﾀ`, still written by older Japanese systems) is read as
    // the full-width it stands for (`データ`), so the two meet.
    let full;
    let raw = if raw.chars().any(|c| ('\u{FF66}'..='\u{FF9F}').contains(&c)) {
        full = full_width_kana(raw);
        full.as_str()
    } else {
        raw
    };
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        let cjk = is_cjk(c);
        let end = rest.find(|c: char| is_cjk(c) != cjk).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        if !cjk {
            each_word(run, word, &mut |w: &str, n| f(w, n));
            continue;
        }
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        if chars.len() == 1 {
            f(run, run.len());
        }
        for pair in chars.windows(2) {
            let (at, second) = (pair[0].0, pair[1]);
            let pair = &run[at..second.0 + second.1.len_utf8()];
            f(pair, pair.len());
        }
    }
}

/// `s` with its half-width katakana made full-width, a voicing mark joined to the kana
/// before it (`ｶﾞ` is `ガ`), as Unicode's compatibility normalisation (NFKC) does.
fn full_width_kana(s: &str) -> String {
    // U+FF66 to U+FF9D, in order: ｦ ｧ ｨ ｩ ｪ ｫ ｬ ｭ ｮ ｯ ｰ ｱ … ﾜ ﾝ.
    const KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mark = match c {
            '\u{FF9E}' => 1, // ﾞ voiced
            '\u{FF9F}' => 2, // ﾟ semi-voiced
            '\u{FF66}'..='\u{FF9D}' => {
                let i = c as usize - 0xFF66;
                out.extend(KANA.chars().nth(i));
                continue;
            }
            c => {
                out.push(c);
                continue;
            }
        };
        // Kana that take the mark are followed by their voiced (+1) and, for ハ to ホ,
        // semi-voiced (+2) forms; ウ, ワ and ヲ voiced are ヴ, ヷ and ヺ. Elsewhere the
        // mark stays, as its combining form.
        let prev = out.chars().next_back();
        let joined = prev.and_then(|p| {
            let p = p as u32;
            // Hiragana is laid out as katakana, 0x60 lower (a full-width kana can precede a
            // half-width mark too).
            let hiragana = matches!(p, 0x3041..=0x3096 | 0x309D);
            let k = if hiragana { p + 0x60 } else { p };
            let ha = matches!(k, 0x30CF..=0x30DB) && (k - 0x30CF).is_multiple_of(3);
            let voiced = matches!(k, 0x30AB..=0x30C2) && k % 2 == 1
                || matches!(k, 0x30C4 | 0x30C6 | 0x30C8)
                || ha;
            let j = match (mark, k) {
                (1, 0x30A6) => 0x30F4,                      // ヴ (ゔ)
                (1, 0x30FD) => 0x30FE,                      // ヾ (ゞ)
                (1, 0x30EF..=0x30F2) if !hiragana => k + 8, // ヷ ヸ ヹ ヺ
                (1, _) if voiced => k + 1,
                (2, _) if ha => k + 2,
                _ => return None,
            };
            char::from_u32(if hiragana { j - 0x60 } else { j })
        });
        match joined {
            Some(j) => {
                out.pop();
                out.push(j);
            }
            None => out.push(if mark == 1 { '\u{3099}' } else { '\u{309A}' }),
        }
    }
    out
}

/// Han ideographs, hiragana and katakana (not Hangul: Korean puts spaces between words).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 | 0x303B // 々 〆 〇 〻 (iteration and other ideographic marks)
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x31F0..=0x31FF // katakana extensions
        | 0x3400..=0x4DBF // Han extension A
        | 0x4E00..=0x9FFF // Han
        | 0xF900..=0xFAFF // Han compatibility
        | 0xFF66..=0xFF9F // half-width katakana
        | 0x20000..=0x2FFFF) // Han extensions B-F
}

/// The length of the stem of `w`: `ing`, `ed` or a plural `s` off, then a final `e`.
fn stem_len(w: &str, ascii: bool) -> usize {
    let chars = |s: &str| if ascii { s.len() } else { s.chars().count() };
    let n = chars(w);
    let mut s = w;
    if n > 5 && s.ends_with("ing") {
        s = &s[..s.len() - 3];
    } else if n > 4 && s.ends_with("ed") {
        s = &s[..s.len() - 2];
    } else if n > 3 && s.ends_with('s') && !s.ends_with("ss") {
        s = &s[..s.len() - 1];
    }
    if chars(s) > 4 && s.ends_with('e') {
        s = &s[..s.len() - 1];
    }
    s.len()
}

static BUILTIN_MODEL: std::sync::OnceLock<std::sync::Arc<Model>> = std::sync::OnceLock::new();

/// A trained model: weights per feature, the bias, and the calibrated thresholds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Model {
    pub weights: FxHashMap<Box<str>, [f32; 3]>,
    pub bias: [f32; 3],
    /// Confidence is high when the winner's probability is at least this…
    pub high: f32,
    /// …and an item goes to triage when the top two probabilities are closer than this.
    pub triage_margin: f32,
    /// Free-text provenance lines (`# …`), kept when the model is written again.
    pub notes: Vec<String>,
    /// The weights by the hash of their feature's name, for scoring ([`Model::reindex`]).
    index: FxHashMap<u64, u32>,
    names: Vec<Box<str>>,
    by_index: Vec<[f32; 3]>,
    /// What each feature (by index) is: [`FILLER`], [`HAS_FORM`].
    kinds: Vec<u8>,
    /// Each feature in words ([`describe`]), written when first asked for.
    words: Box<[std::sync::OnceLock<super::Text>]>,
    /// A word feature's words as items most often write them, where that is not its stem
    /// (`w:statu` → `status`, `ww:user_want` → `users_want`): for reasons ([`Surfaces`]).
    pub surfaces: FxHashMap<Box<str>, Box<str>>,
    /// The same by index, and each such feature in words by its stem ([`describe`]), for
    /// an item that wrote the stem itself (`wir`, where most items wrote `wiring`).
    forms: Vec<Option<Box<str>>>,
    stem_words: Box<[std::sync::OnceLock<super::Text>]>,
}

/// How items write the words behind each word feature, counted over a training set: the
/// model keeps stems (`statu`, `updat`), which are not always words, and a reason should
/// quote one a person would write. The most written form is kept in the model file.
#[derive(Debug, Default)]
pub(crate) struct Surfaces(FxHashMap<Box<str>, FxHashMap<Box<str>, u32>>);

impl Surfaces {
    /// Counts the words of one item as the model reads them: its title (`w:`, and pairs
    /// `ww:`), the start of its body (`b:`) and its parent's title (`p:`).
    pub(crate) fn add(&mut self, input: Input<'_>) {
        let (mut word, mut key, mut form) = (String::new(), String::new(), String::new());
        let mut prev: (String, usize) = (String::new(), 0);
        each_word(input.title, &mut word, &mut |w, n| {
            self.count(&mut key, &["w:", &w[..n]], w);
            if !prev.0.is_empty() {
                form.clear();
                form.push_str(&prev.0);
                form.push('_');
                form.push_str(w);
                self.count(&mut key, &["ww:", &prev.0[..prev.1], "_", &w[..n]], &form);
            }
            prev.0.clear();
            prev.0.push_str(w);
            prev.1 = n;
        });
        let body = crate::text::prefix_chars(input.body, BODY_CHARS);
        for (prefix, text) in [("b:", body), ("p:", input.parent_title.unwrap_or(""))] {
            each_word(text, &mut word, &mut |w, n| self.count(&mut key, &[prefix, &w[..n]], w));
        }
    }

    fn count(&mut self, key: &mut String, parts: &[&str], form: &str) {
        key.clear();
        parts.iter().for_each(|p| key.push_str(p));
        if !self.0.contains_key(key.as_str()) {
            self.0.insert(key.as_str().into(), FxHashMap::default());
        }
        if let Some(forms) = self.0.get_mut(key.as_str()) {
            match forms.get_mut(form) {
                Some(n) => *n += 1,
                None => {
                    forms.insert(form.into(), 1);
                }
            }
        }
    }

    /// Leaves out the features `known` has: adapting, the built-in model's words are
    /// its own (a stem it quotes as itself stays so, whatever a few labelled items wrote).
    pub(crate) fn only_new(mut self, known: &Model) -> Self {
        self.0.retain(|f, _| !known.weights.contains_key(f));
        self
    }

    /// Gives each word feature of `m` that has no words yet the form most written (on a
    /// tie, the first from A to Z), where that is not the stem itself.
    pub(crate) fn apply(self, m: &mut Model) {
        for (feature, forms) in self.0 {
            if !m.weights.contains_key(&feature) || m.surfaces.contains_key(&feature) {
                continue;
            }
            let most = forms.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
            let stem = feature.split_once(':').map_or("", |(_, s)| s);
            if let Some((form, _)) = most.filter(|(form, _)| &***form != stem) {
                m.surfaces.insert(feature.clone(), form.clone());
            }
        }
        m.reindex();
    }
}

/// A feature an item has, as [`Model::score_keeping`] keeps it for `explain`: its index
/// (for [`Model::described`]), its value and its weights.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kept {
    pub index: u32,
    pub value: f32,
    pub weights: [f32; 3],
    /// How the item wrote the feature's word, where the model quotes it in a form not
    /// its stem ([`Model::form`]); [`Spelt::Form`] for any other feature.
    pub spelt: Spelt,
}

/// How an item wrote a word feature's word (or pair) where it was read, as [`written`]
/// finds it: recorded while scoring, so a reason need not read the item's text again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelt {
    /// As the model's form (`status` for `w:statu`), or a feature with no form.
    Form,
    /// As the stem itself (`wir` for `w:wir`, quoted `wiring`).
    Stem,
    /// Another way, lower-cased (a pair as `a_b`): this range of [`Keep::words`].
    Other(u32, u32),
}

/// What [`Model::score_keeping`] keeps of an item: its known features, and the words of
/// those written in neither the model's form nor the stem ([`Spelt::Other`]).
#[derive(Debug, Default)]
pub(crate) struct Keep {
    pub kept: Vec<Kept>,
    pub words: String,
}

impl Keep {
    pub(crate) fn clear(&mut self) {
        self.kept.clear();
        self.words.clear();
    }
}

/// How the words `written` of the word feature `parts` (stems) compare with `form`, the
/// model's form of them ([`written`] from the words the feature was read from).
fn spell(parts: &[&str], written: Written2, form: &str, words: &mut String) -> Spelt {
    let (same, stems) = match parts {
        [_, first, _, second] => match form.split_once('_') {
            Some((f1, f2)) => (
                written[0] == f1 && written[1] == f2,
                written[0].len() == first.len() && written[1].len() == second.len(),
            ),
            None => return Spelt::Form,
        },
        [_, stem] => (written[0] == form, written[0].len() == stem.len()),
        _ => return Spelt::Form,
    };
    if same {
        return Spelt::Form;
    }
    if stems {
        return Spelt::Stem;
    }
    let at = words.len() as u32;
    words.push_str(written[0]);
    if parts.len() == 4 {
        words.push('_');
        words.push_str(written[1]);
    }
    Spelt::Other(at, words.len() as u32)
}

/// [`Model::kinds`]: a function word ([`is_filler`])…
const FILLER: u8 = 1;
/// …a word feature quoted in a form not its stem ([`Model::form`]).
const HAS_FORM: u8 = 2;

/// What the model concludes for one item.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored {
    pub probs: [f32; 3],
    /// Whether any text (title, body, parent, labels, components, rules that read them)
    /// carried known weight; without it the decision rests on type and structure alone,
    /// and the item goes to triage.
    pub text_evidence: bool,
}

impl Model {
    /// Builds the scoring index from `weights`; after any change to them.
    pub(crate) fn reindex(&mut self) {
        let mut names: Vec<&Box<str>> = self.weights.keys().collect();
        names.sort();
        self.names = names.iter().map(|n| (*n).clone()).collect();
        self.by_index = self.names.iter().map(|n| self.weights[n]).collect();
        self.kinds = (self.names.iter())
            .map(|n| {
                u8::from(is_filler(n)) * FILLER + u8::from(self.surfaces.contains_key(n)) * HAS_FORM
            })
            .collect();
        self.words = self.names.iter().map(|_| Default::default()).collect();
        self.forms = self.names.iter().map(|n| self.surfaces.get(n).cloned()).collect();
        self.stem_words = self.names.iter().map(|_| Default::default()).collect();
        self.index =
            self.names.iter().enumerate().map(|(i, n)| (hash_parts(&[n]), i as u32)).collect();
    }

    /// Parses the text format; `origin` names the file in errors.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<Model> {
        let mut m = Model { high: 0.8, triage_margin: 0.1, ..Model::default() };
        let (mut bias, mut count) = (false, None);
        // A file saved by an editor that marks UTF-8 with a BOM reads as any other.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (n, line) in text.lines().enumerate() {
            let at = || Location::file(origin).line(n as u64 + 1);
            if line.is_empty() {
                continue;
            }
            if let Some(note) = line.strip_prefix('#') {
                let note = note.trim();
                if let Some(v) = note.strip_prefix("high-confidence ") {
                    m.high = v.trim().parse().map_err(|_| {
                        Error::input(at(), "expected a number after `# high-confidence`")
                    })?;
                } else if let Some(v) = note.strip_prefix("weights ") {
                    count =
                        Some(v.trim().parse::<usize>().map_err(|_| {
                            Error::input(at(), "expected a number after `# weights`")
                        })?);
                } else if let Some(v) = note.strip_prefix("triage-margin ") {
                    m.triage_margin = v.trim().parse().map_err(|_| {
                        Error::input(at(), "expected a number after `# triage-margin`")
                    })?;
                } else {
                    m.notes.push(note.to_string());
                }
                continue;
            }
            let mut parts = line.split('\t');
            let name = parts.next().unwrap_or("");
            let mut w = [0f32; 3];
            for (i, slot) in w.iter_mut().enumerate() {
                let v = parts.next().ok_or_else(|| {
                    Error::input(at(), format!("expected 4 tab-separated fields, found {}", i + 1))
                })?;
                *slot =
                    (v.trim().parse().ok()).filter(|x: &f32| x.is_finite()).ok_or_else(|| {
                        Error::input(at(), format!("`{v}` is not a number (feature {name})"))
                    })?;
            }
            if name == "bias" {
                bias = true;
                m.bias = w;
            } else {
                m.weights.insert(name.into(), w);
                if let Some(form) = parts.next().map(str::trim).filter(|f| !f.is_empty()) {
                    check_form(name, form).map_err(|why| Error::input(at(), why))?;
                    m.surfaces.insert(name.into(), form.into());
                }
                if parts.next().is_some() {
                    return Err(Error::input(
                        at(),
                        format!("more than 5 tab-separated fields (feature {name})"),
                    ));
                }
            }
        }
        if !bias {
            // An empty or cut-short file would otherwise be a model that knows nothing.
            return Err(Error::input(
                Location::file(origin),
                "no `bias` line: not a whole rolecall model (`rolecall train` writes one)",
            ));
        }
        if let Some(n) = count.filter(|&n| n != m.weights.len()) {
            return Err(Error::input(
                Location::file(origin),
                format!(
                    "{} weights where the file says {n}: cut short or edited (train again to write it whole)",
                    m.weights.len()
                ),
            ));
        }
        m.reindex();
        Ok(m)
    }

    /// The built-in model, parsed once.
    pub(crate) fn builtin() -> &'static std::sync::Arc<Model> {
        BUILTIN_MODEL.get_or_init(|| {
            std::sync::Arc::new(
                Model::parse(BUILTIN, "built-in model").expect("the built-in model parses"),
            )
        })
    }

    /// The built-in model if it has been parsed already (without parsing it).
    pub(crate) fn builtin_if_parsed() -> Option<&'static std::sync::Arc<Model>> {
        BUILTIN_MODEL.get()
    }

    /// The text format, features sorted by name: the same model gives the same bytes.
    pub(crate) fn to_text(&self) -> String {
        let mut s = String::from("# rolecall model: feature\tproduct\tprogram\tproject\n");
        for n in &self.notes {
            if !n.starts_with("rolecall model") {
                let _ = writeln!(s, "# {n}");
            }
        }
        let _ = writeln!(s, "# high-confidence {}", self.high);
        let _ = writeln!(s, "# triage-margin {}", self.triage_margin);
        let _ = writeln!(s, "# weights {}", self.weights.len());
        let row = |s: &mut String, name: &str, w: &[f32; 3]| {
            let _ = write!(s, "{name}\t{}\t{}\t{}", num(w[0]), num(w[1]), num(w[2]));
        };
        row(&mut s, "bias", &self.bias);
        s.push('\n');
        let mut names: Vec<&Box<str>> = self.weights.keys().collect();
        names.sort();
        for n in names {
            row(&mut s, n, &self.weights[n]);
            // The words a reason quotes, where they are not the stem (a fifth column).
            if let Some(form) = self.surfaces.get(n) {
                s.push('\t');
                s.push_str(form);
            }
            s.push('\n');
        }
        s
    }

    /// Scores one item from its features.
    pub(crate) fn score(&self, input: Input<'_>) -> Scored {
        self.score_keeping(input, None)
    }

    /// A feature in words ([`describe`]), by its index: written once, then shared.
    pub(crate) fn described(&self, i: u32) -> &super::Text {
        let i = i as usize;
        self.words[i].get_or_init(|| {
            let name = &self.names[i];
            match (self.surfaces.get(name), name.split_once(':')) {
                (Some(form), Some((prefix, _))) => describe(&format!("{prefix}:{form}")),
                _ => describe(name),
            }
            .into()
        })
    }

    /// The name of a feature, by its index (`w:deploy`).
    pub(crate) fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// The form a word feature is quoted in when it is not its stem ([`Surfaces`]).
    pub(crate) fn form(&self, i: u32) -> Option<&str> {
        self.forms[i as usize].as_deref()
    }

    /// A feature with a [`Model::form`] in words by its stem, written once, then shared.
    pub(crate) fn stem_described(&self, i: u32) -> &super::Text {
        let i = i as usize;
        self.stem_words[i].get_or_init(|| describe(&self.names[i]).into())
    }

    /// [`Model::score`], and each known feature that is not a function word into `keep`
    /// (for `explain`; [`Model::described`] puts it in words), with how the item wrote
    /// it ([`Kept::spelt`]).
    pub(crate) fn score_keeping(&self, input: Input<'_>, mut keep: Option<&mut Keep>) -> Scored {
        struct Scoring<'m, 'k> {
            model: &'m Model,
            sum: [f32; 3],
            body: [f32; 3],
            text: bool,
            keep: Option<&'k mut Keep>,
        }
        impl Sink for Scoring<'_, '_> {
            fn feature(&mut self, g: Group, parts: &[&str], v: f32) {
                self.word(g, parts, v, ["", ""]);
            }
            fn word(&mut self, g: Group, parts: &[&str], v: f32, written: Written2) {
                if let Some(i) = self.index_of(hash_parts(parts)) {
                    self.feature_at(g, i, parts, v, written);
                }
            }
            fn index_of(&self, hash: u64) -> Option<u32> {
                self.model.index.get(&hash).copied()
            }
            fn feature_at(&mut self, g: Group, i: u32, parts: &[&str], v: f32, written: Written2) {
                let w = self.model.by_index[i as usize];
                if let Some(keep) = self.keep.as_deref_mut() {
                    let kind = self.model.kinds[i as usize];
                    let spelt = match &self.model.forms[i as usize] {
                        Some(form) if kind & HAS_FORM != 0 => {
                            spell(parts, written, form, &mut keep.words)
                        }
                        _ => Spelt::Form,
                    };
                    // Kept, then let go if a function word: no branch on which it is (a
                    // known word in eight is, in no order to guess).
                    keep.kept.push(Kept { index: i, value: v, weights: w, spelt });
                    keep.kept.truncate(keep.kept.len() - usize::from(kind & FILLER));
                }
                let target = if g == Group::Body { &mut self.body } else { &mut self.sum };
                for c in 0..3 {
                    target[c] += w[c] * v;
                }
                self.text |= !matches!(g, Group::Type | Group::Structure);
            }
        }
        let mut s =
            Scoring { model: self, sum: self.bias, body: [0.0; 3], text: false, keep: keep.take() };
        each_feature(input, &mut s);
        let (mut sum, body, text_evidence) = (s.sum, s.body, s.text);
        for c in 0..3 {
            sum[c] += body[c].clamp(-BODY_CAP, BODY_CAP);
        }
        Scored { probs: softmax(sum), text_evidence }
    }
}

fn num(v: f32) -> String {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

pub(crate) fn softmax(z: [f32; 3]) -> [f32; 3] {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|v| (v - m).exp());
    let s: f32 = e.iter().sum();
    e.map(|v| v / s)
}

/// A feature in words: `title word "deploy"`, `rule migration`, `type bug`.
pub(crate) fn describe(feature: &str) -> String {
    let (p, rest) = feature.split_once(':').unwrap_or(("", feature));
    let quoted = |what: &str, word: &str| {
        let mut s = String::with_capacity(what.len() + word.len() + 3);
        s.push_str(what);
        s.push_str(" \"");
        s.push_str(word);
        s.push('"');
        s
    };
    let plain = |what: &str| {
        let mut s = String::with_capacity(what.len() + rest.len() + 1);
        s.push_str(what);
        s.push(' ');
        s.push_str(rest);
        s
    };
    // Chinese and Japanese are read in pairs of characters, not words.
    let cjk = rest.chars().any(is_cjk);
    match p {
        "w" if cjk => quoted("title characters", rest),
        "b" if cjk => quoted("body characters", rest),
        "p" if cjk => quoted("parent title characters", rest),
        "w" => quoted("title word", rest),
        // `ww:want_to` is the pair "want to" (words never hold a `_`).
        "ww" => quoted("title words", rest).replace('_', " "),
        // `g:<integr` is the start of a word, `g:ration>` its end, `g:ntegra` inside.
        "g" => {
            let start = if rest.starts_with('<') { "" } else { "…" };
            let end = if rest.ends_with('>') { "" } else { "…" };
            let part = rest.trim_start_matches('<').trim_end_matches('>');
            quoted("title word part", &format!("{start}{part}{end}"))
        }
        "b" => quoted("body word", rest),
        "p" => quoted("parent title word", rest),
        "t" => plain("type"),
        "l" => quoted("label", rest),
        "c" => quoted("component", rest),
        // Evidence of the model's, which learnt what a rule's match says of an item (a
        // project rule's match can count for product): "rule task-kind matched".
        "r" => format!("rule {rest} matched"),
        "rs" => plain("the rules' score for"),
        _ => match rest {
            "parent" => "has a parent".into(),
            "children" => "has children".into(),
            "blocks" => "blocks another item".into(),
            "blocked" => "is blocked by another item".into(),
            "no-body" => "has no description".into(),
            other => other.into(),
        },
    }
}

/// A model file's fifth column: the form a word feature (`w:`, `b:`, `p:` a word,
/// `ww:` two joined by `_`) is quoted in, of letters and digits only (it is printed).
fn check_form(feature: &str, form: &str) -> std::result::Result<(), String> {
    let word = |w: &str| !w.is_empty() && w.chars().all(char::is_alphanumeric);
    let ok = match feature.split_once(':').map(|(p, _)| p) {
        Some("w" | "b" | "p") => word(form),
        Some("ww") => form.split_once('_').is_some_and(|(a, b)| word(a) && word(b)),
        _ => {
            return Err(format!(
            "`{}`: only a word feature (w:, ww:, b:, p:) has a form to quote (feature {feature})",
            form.escape_debug()
        ))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a word to quote (letters and digits; a pair joined by `_`) (feature {feature})",
            form.escape_debug()
        ))
    }
}

/// How an item wrote the word (or pair) of a word feature, against the form the model
/// quotes it in ([`written`]).
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// As the model's form (`status` for `w:statu`).
    Form,
    /// As the stem itself (`wir` for `w:wir`, quoted `wiring`).
    Stem,
    /// Another way, lower-cased (a pair as `a_b`).
    Other(String),
    /// Not in the text the feature reads.
    Absent,
}

/// How an item wrote the word of a word feature (`w:`, `ww:`, `b:`, `p:`) that the model
/// quotes as `form`: the first word (or pair) of the text the feature reads whose stem is
/// the feature's. Allocates only for a word in neither form. Scoring records the same as
/// it reads the item ([`Kept::spelt`]); this reads the text again, to test that.
#[cfg(test)]
pub(crate) fn written(feature: &str, form: &str, input: Input<'_>) -> Written {
    let Some((prefix, stem)) = feature.split_once(':') else { return Written::Absent };
    let text = match prefix {
        "w" | "ww" => input.title,
        "b" => crate::text::prefix_chars(input.body, BODY_CHARS),
        "p" => input.parent_title.unwrap_or(""),
        _ => return Written::Absent,
    };
    let pair = prefix == "ww";
    let ((first, second), (form1, form2)) = if pair {
        match (stem.split_once('_'), form.split_once('_')) {
            (Some(s), Some(f)) => (s, f),
            _ => return Written::Absent,
        }
    } else {
        ((stem, ""), (form, ""))
    };
    thread_local! {
        static BUFFERS: std::cell::RefCell<(String, String)> = Default::default();
    }
    let find = |word: &mut String, prev: &mut String| {
        let (mut prev_stem, mut found) = (0, None);
        each_word(text, word, &mut |w, n| {
            if found.is_some() {
                return;
            }
            if !pair {
                if &w[..n] == first {
                    found = Some(if w == form1 {
                        Written::Form
                    } else if w.len() == n {
                        Written::Stem
                    } else {
                        Written::Other(w.to_string())
                    });
                }
                return;
            }
            if &w[..n] == second && prev.get(..prev_stem) == Some(first) {
                found = Some(if prev == form1 && w == form2 {
                    Written::Form
                } else if prev.len() == prev_stem && w.len() == n {
                    Written::Stem
                } else {
                    Written::Other(format!("{prev}_{w}"))
                });
            }
            prev.clear();
            prev.push_str(w);
            prev_stem = n;
        });
        found.unwrap_or(Written::Absent)
    };
    BUFFERS.with(|b| match b.try_borrow_mut() {
        Ok(mut b) => {
            let (word, prev) = &mut *b;
            prev.clear();
            find(word, prev)
        }
        Err(_) => find(&mut String::new(), &mut String::new()),
    })
}

/// Whether a feature is a function word (`the`, `to`, `de`, `und`…): it weighs in the
/// model, but says nothing to a reader as a reason.
pub(crate) fn is_filler(feature: &str) -> bool {
    match feature.as_bytes() {
        [b'w' | b'b' | b'p', b':', ..] => filler_word(&feature[2..]),
        // A pair of them (`on the`, `to the`) says no more.
        [b'w', b'w', b':', ..] => {
            feature[3..].split_once('_').is_some_and(|(a, b)| filler_word(a) && filler_word(b))
        }
        _ => false,
    }
}

fn filler_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "has"
            | "have"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "thi"
            | "this"
            | "to"
            | "was"
            | "we"
            | "when"
            | "which"
            | "will"
            | "with"
            | "de"
            | "del"
            | "el"
            | "en"
            | "la"
            | "las"
            | "lo"
            | "los"
            | "para"
            | "por"
            | "que"
            | "un"
            | "una"
            | "der"
            | "die"
            | "das"
            | "den"
            | "dem"
            | "und"
            | "mit"
            | "von"
            | "zu"
            | "im"
            | "ein"
            | "eine"
            | "le"
            | "les"
            | "du"
            | "des"
            | "et"
            | "pour"
            | "da"
            | "do"
            | "os"
            // More of German, French, Italian, Portuguese and Spanish (`für die`).
            | "für"
            | "auf"
            | "ist"
            | "bei"
            | "aus"
            | "nach"
            | "über"
            | "oder"
            | "als"
            | "sich"
            | "auch"
            | "vom"
            | "zum"
            | "zur"
            | "au"
            | "aux"
            | "sur"
            | "dans"
            | "dan"
            | "par"
            | "avec"
            | "il"
            | "di"
            | "della"
            | "per"
            | "con"
            | "che"
            | "gli"
            | "com"
            | "em"
            | "al"
    )
}

/// The index of a concern in a weight triple.
pub(crate) fn idx(c: Concern) -> usize {
    c.index()
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrainOptions {
    /// Features seen in fewer items are left out.
    pub min_count: usize,
    /// L2 pull towards the prior (zero, or the model being adapted).
    pub l2: f32,
    pub epochs: usize,
    pub rate: f32,
    /// Weigh each concern's examples so the three count alike.
    pub balance: bool,
    /// How much of naive Bayes' log-count ratios is added to logistic regression's
    /// weights ([`blend_bayes`]); 0 for logistic regression alone.
    pub bayes_share: f32,
    /// L2 pull of the bias towards the prior's: none when training from scratch; when
    /// adapting, what keeps a few labels from swinging the whole tracker to one concern.
    pub bias_l2: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            min_count: 2,
            l2: 0.0005,
            epochs: 150,
            rate: 0.5,
            balance: true,
            bayes_share: 0.1,
            bias_l2: 0.0,
        }
    }
}

/// A feature that logistic regression left out (too weak) joins the blend only when its
/// share of naive Bayes' weight is at least this for some concern.
const BLEND_FLOOR: f32 = 0.05;

/// Logistic regression's weights plus `share` of naive Bayes' (centred log-probabilities,
/// trained on the same examples): one weight table, so scoring and `explain` are unchanged.
/// Naive Bayes' log-count ratios steady the weights of rare words, where logistic
/// regression has little to go on (as in Wang and Manning's NB-SVM, 2012). Measured
/// leave-one-tracker-out on 119 trackers: mean accuracy 0.672 → 0.678, macro-F1 0.628 →
/// 0.633 (shares 0.05 to 0.5: 0.674 to 0.678).
pub(crate) fn blend_bayes(m: &mut Model, examples: &[Example], o: TrainOptions) {
    if o.bayes_share <= 0.0 {
        return;
    }
    let nb = train_bayes(examples, o);
    let share = o.bayes_share;
    // Each feature's sum is its own, so the map's order does not matter.
    for (f, w) in &nb.weights {
        let add = w.map(|v| share * v);
        match m.weights.get_mut(f) {
            Some(w) => {
                for c in 0..3 {
                    w[c] += add[c];
                }
            }
            None if add.iter().any(|v| v.abs() >= BLEND_FLOOR) => {
                m.weights.insert(f.clone(), add);
            }
            None => {}
        }
    }
    m.reindex();
}

/// One labelled example: its features, concern and weight.
#[derive(Clone)]
pub(crate) struct Example {
    pub features: Vec<(Box<str>, f32)>,
    pub concern: Concern,
    pub weight: f32,
}

/// Multinomial logistic regression by full-batch AdaGrad, in a fixed order: the same
/// examples give the same weights on every machine and thread count. With a prior, the
/// weights start there and are pulled back towards it (adaptation); features the examples
/// do not have keep the prior's weights.
pub(crate) fn train_logistic(
    examples: &[Example],
    prior: Option<&Model>,
    o: TrainOptions,
) -> Model {
    // Feature index, in first-seen order (deterministic), of features seen often enough.
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    let mut order: Vec<&str> = Vec::new();
    for e in examples {
        for (f, _) in &e.features {
            let n = counts.entry(f).or_insert(0);
            if *n == 0 {
                order.push(f);
            }
            *n += 1;
        }
    }
    let min = if prior.is_some() { 1 } else { o.min_count };
    let names: Vec<&str> = order.into_iter().filter(|f| counts[f] >= min).collect();
    let index: FxHashMap<&str, usize> = names.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let rows: Vec<Vec<(usize, f32)>> = examples
        .iter()
        .map(|e| e.features.iter().filter_map(|(f, v)| index.get(&**f).map(|&i| (i, *v))).collect())
        .collect();
    let prior_of = |f: &str| prior.and_then(|p| p.weights.get(f)).copied().unwrap_or([0.0; 3]);
    let prior_w: Vec<[f32; 3]> = names.iter().map(|f| prior_of(f)).collect();
    let prior_b = prior.map_or([0.0; 3], |p| p.bias);
    let mut w = prior_w.clone();
    let mut b = prior_b;
    let mut gw = vec![[0f32; 3]; names.len()];
    let mut gsq = vec![[1e-6f32; 3]; names.len()];
    let mut bsq = [1e-6f32; 3];
    let mut per_class = [0f32; 3];
    for e in examples {
        per_class[idx(e.concern)] += e.weight;
    }
    let n_all: f32 = per_class.iter().sum();
    let class_w = per_class.map(|n| if o.balance && n > 0.0 { n_all / (3.0 * n) } else { 1.0 });
    let total: f32 =
        examples.iter().map(|e| e.weight * class_w[idx(e.concern)]).sum::<f32>().max(1.0);
    for _ in 0..o.epochs {
        for g in gw.iter_mut() {
            *g = [0.0; 3];
        }
        let mut gb = [0f32; 3];
        for (e, row) in examples.iter().zip(&rows) {
            let mut z = b;
            for &(i, v) in row {
                for c in 0..3 {
                    z[c] += w[i][c] * v;
                }
            }
            let p = softmax(z);
            for c in 0..3 {
                let y = if idx(e.concern) == c { 1.0 } else { 0.0 };
                let d = (p[c] - y) * e.weight * class_w[idx(e.concern)] / total;
                gb[c] += d;
                for &(i, v) in row {
                    gw[i][c] += d * v;
                }
            }
        }
        for c in 0..3 {
            let g = gb[c] + o.bias_l2 * (b[c] - prior_b[c]);
            bsq[c] += g * g;
            b[c] -= o.rate * g / bsq[c].sqrt();
        }
        for i in 0..names.len() {
            for c in 0..3 {
                let g = gw[i][c] + o.l2 * (w[i][c] - prior_w[i][c]);
                gsq[i][c] += g * g;
                w[i][c] -= o.rate * g / gsq[i][c].sqrt();
            }
        }
    }
    let mut weights: FxHashMap<Box<str>, [f32; 3]> =
        prior.map(|p| p.weights.clone()).unwrap_or_default();
    for (i, f) in names.iter().enumerate() {
        // Centre each triple (softmax ignores a shared offset) and drop the negligible.
        let m = (w[i][0] + w[i][1] + w[i][2]) / 3.0;
        let c = w[i].map(|v| v - m);
        if c.iter().any(|v| v.abs() >= 0.005) {
            weights.insert((*f).into(), c);
        } else {
            weights.remove(*f);
        }
    }
    let m = (b[0] + b[1] + b[2]) / 3.0;
    let mut model = Model {
        weights,
        bias: b.map(|v| v - m),
        high: prior.map_or(0.8, |p| p.high),
        triage_margin: prior.map_or(0.1, |p| p.triage_margin),
        ..Model::default()
    };
    model.reindex();
    model
}

/// Multinomial naive Bayes with add-one smoothing, as the same kind of weight table
/// (log-probabilities centred per feature), for comparison with logistic regression.
pub(crate) fn train_bayes(examples: &[Example], o: TrainOptions) -> Model {
    let mut counts: FxHashMap<&str, ([f32; 3], usize)> = FxHashMap::default();
    let mut class_n = [0f32; 3];
    for e in examples {
        let c = idx(e.concern);
        class_n[c] += e.weight;
        for (f, v) in &e.features {
            let entry = counts.entry(f).or_insert(([0.0; 3], 0));
            entry.0[c] += v * e.weight;
            entry.1 += 1;
        }
    }
    counts.retain(|_, (_, n)| *n >= o.min_count);
    let vocab = counts.len() as f32;
    // Summed in name order, not the map's: the same on every platform.
    let mut names: Vec<&&str> = counts.keys().collect();
    names.sort();
    let mut totals = [0f32; 3];
    for (w, _) in names.iter().map(|n| &counts[*n]) {
        for c in 0..3 {
            totals[c] += w[c];
        }
    }
    let mut weights = FxHashMap::default();
    for (f, (w, _)) in &counts {
        let lp = [0, 1, 2].map(|c| ((w[c] + 1.0) / (totals[c] + vocab)).ln());
        let m = (lp[0] + lp[1] + lp[2]) / 3.0;
        weights.insert((*f).into(), lp.map(|v| v - m));
    }
    let n: f32 = class_n.iter().sum();
    let prior = class_n.map(|v| ((v + 1.0) / (n + 3.0)).ln());
    let m = (prior[0] + prior[1] + prior[2]) / 3.0;
    let mut model = Model {
        weights,
        bias: prior.map(|v| v - m),
        high: 0.8,
        triage_margin: 0.1,
        ..Model::default()
    };
    model.reindex();
    model
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A name repeated in another case counts once, in a short list and a long one
    /// alike; a long one (thousands of labels on a row) is not compared pairwise.
    #[test]
    fn repeated_names_whatever_their_case() {
        let short: Vec<Str> =
            ["Bug", "bug", "Ärger", "ärger", "ux"].iter().map(|s| Str::from(*s)).collect();
        assert_eq!(repeated(&short), [false, true, false, true, false]);
        let mut long: Vec<Str> = (0..30_000).map(|i| Str::from(format!("étiquette{i}"))).collect();
        long.push(Str::from("ÉTIQUETTE7"));
        let seen = repeated(&long);
        assert_eq!(seen.iter().filter(|s| **s).count(), 1);
        assert!(seen[30_000]);
    }

    /// What the model reads of an item with this title and body and nothing else.
    pub(crate) fn text_input<'a>(title: &'a str, body: &'a str) -> Input<'a> {
        Input {
            title,
            body,
            kind: "",
            labels: &[],
            skip_prefix: "",
            components: &[],
            parent_title: None,
            links: &[],
            children: false,
            rules: &[],
            rule_scores: [0.0; 3],
            rule_text: false,
        }
    }

    /// Chinese and Japanese titles are read as pairs of characters, so that two items
    /// sharing a word share features (a whole title used to be one "word").
    #[test]
    fn chinese_and_japanese_are_read_in_pairs_of_characters() {
        let mut out = Vec::new();
        tokens("DB接続エラーの調査", &mut out);
        assert_eq!(out, ["db", "接続", "続エ", "エラ", "ラー", "ーの", "の調", "調査"]);
        tokens("修复 登录 bug", &mut out);
        assert_eq!(out, ["修复", "登录", "bug"]);
        tokens("表 (table) 2024年", &mut out);
        assert_eq!(out, ["表", "tabl", "年"]);
        tokens("로그인 오류 수정", &mut out);
        assert_eq!(out, ["로그인", "오류", "수정"]);
        // The iteration mark belongs to the word; full-width numbers are numbers.
        tokens("色々な不具合 ２０２４年", &mut out);
        assert_eq!(out, ["色々", "々な", "な不", "不具", "具合", "年"]);
    }

    /// Half-width katakana meets its full-width form, as NFKC makes it (the expected
    /// strings are Python's `unicodedata.normalize("NFKC", …)`).
    #[test]
    fn half_width_katakana_is_read_as_full_width() {
        for (half, full) in [
            ("ﾃﾞｰﾀ", "データ"),
            ("ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"),
            ("ｻﾞｼﾞｽﾞｾﾞｿﾞﾀﾞﾁﾞﾂﾞﾃﾞﾄﾞ", "ザジズゼゾダヂヅデド"),
            ("ﾊﾞﾊﾟﾋﾞﾋﾟﾌﾞﾌﾟﾍﾞﾍﾟﾎﾞﾎﾟ", "バパビピブプベペボポ"),
            ("ｳﾞﾜﾞｦﾞ", "ヴヷヺ"),
            // Full-width kana before a half-width mark.
            ("かﾞはﾟうﾞゝﾞ", "がぱゔゞ"),
            ("カﾞハﾟヽﾞヰﾞヱﾞ", "ガパヾヸヹ"),
            ("わﾞをﾞ", "わ\u{3099}を\u{3099}"),
            ("ｱﾞﾏﾟﾝﾟ", "ア\u{3099}マ\u{309A}ン\u{309A}"),
            ("ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ", "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"),
        ] {
            assert_eq!(full_width_kana(half), full, "{half}");
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        tokens("ﾃﾞｰﾀ移行ｴﾗｰ", &mut a);
        tokens("データ移行エラー", &mut b);
        assert_eq!(a, b);
        assert_eq!(b, ["デー", "ータ", "タ移", "移行", "行エ", "エラ", "ラー"]);
    }

    /// A web address gives its site's name and nothing else: "https", "issues" and hex ids
    /// were quoted as reasons.
    #[test]
    fn addresses_give_their_site_name_only() {
        let (mut out, mut word) = (Vec::new(), String::new());
        let text = "see https://github.com/acme/foo/issues/4567?id=9f8e and (www.figma.com/file/c01dpg6shfx) now";
        each_word(text, &mut word, &mut |w: &str, _| out.push(w.to_string()));
        assert_eq!(out, ["see", "github", "and", "figma", "now"]);
        // Glued to the word before it, as Chinese and Japanese texts write it.
        out.clear();
        each_word(
            "詳細はhttps://github.com/acme/foo/issues/4567 más",
            &mut word,
            &mut |w: &str, _| out.push(w.to_string()),
        );
        assert!(!out.iter().any(|w| w == "issues" || w == "https" || w == "http"), "{out:?}");
        assert!(out.iter().any(|w| w == "github") && out.iter().any(|w| w == "más"), "{out:?}");
    }

    /// The fast path for ASCII reads every text as the general way does, word by word from
    /// start to end: random texts of ASCII letters, digits and separators mixed with
    /// accented letters, dashes, symbols, Chinese and Japanese (full and half width),
    /// full-width digits and emoji, at every position.
    #[test]
    fn the_ascii_path_reads_as_the_general_way() {
        // The ASCII pieces first: a text of those alone takes the fast path throughout.
        let ascii = 17;
        let pieces = [
            "a", "B", "z", "Q", "0", "7", " ", "-", "_", ".", "/", "\n", "\"", "ing", "ed", "s",
            "e", "é", "Ü", "ß", "—", "✓", "東", "京", "ｱ", "ﾞ", "０", "５", "😀", "Σ", "ǅ",
        ];
        assert!(pieces[..ascii].iter().all(|p| p.is_ascii()) && !pieces[ascii].is_ascii());
        let mut next = crate::classify::tests::xorshift(0x2545_f491_4f6c_dd1d);
        let read = |text: &str, general: bool| {
            let (mut out, mut word) = (Vec::new(), String::new());
            let mut f = |w: &str, n: usize| out.push(w[..n].to_string());
            if general {
                let mut at = 0;
                while at < text.len() {
                    at = next_word(text, at, &mut word, &mut f);
                }
            } else {
                each_word(text, &mut word, &mut f);
            }
            out
        };
        for round in 0..20_000 {
            let len = (next() % 24) as usize;
            // A third of the texts ASCII alone (stems, quotes and all), the rest mixed.
            let ascii_only = round % 3 == 0;
            let text: String = (0..len)
                .map(|_| {
                    let k = (next() as usize) % pieces.len();
                    if ascii_only {
                        pieces[k % ascii]
                    } else {
                        pieces[k]
                    }
                })
                .collect();
            assert_eq!(read(&text, false), read(&text, true), "{text:?}");
        }
        let real = "Fix CSV importer: Déjà vu — 東京 ✓, Zürich; naïve café 2024 x DB接続エラー ok";
        assert_eq!(read(real, false), read(real, true));
        assert!(read(real, false).contains(&"zürich".to_string()));
    }

    /// Text with a few accents or symbols is split as text without them: ASCII words stay
    /// whole next to non-ASCII ones, letters of any script make words, the rest splits.
    #[test]
    fn mixed_scripts_split_where_letters_end() {
        let mut out = Vec::new();
        tokens("Déjà vu — Zürich’s naïve café ✓ API-Keys, Größe 12% x2 ÉTÉ", &mut out);
        assert_eq!(
            out,
            ["déjà", "vu", "zürich", "naïv", "café", "api", "key", "größ", "x2", "été"]
        );
        tokens("ÉCOLE résumé", &mut out);
        assert_eq!(out, ["écol", "résumé"]);
    }

    /// A body's words count once each, however often they repeat, and each weighs one
    /// over the square root of the number of distinct words (here 4: api, key, rotat, fail).
    #[test]
    fn body_words_count_once_each() {
        let input = text_input("", "API key rotated; api keys rotated. API KEY failed");
        let mut seen = Vec::new();
        features(input, &mut |name, v| seen.push((name.to_string(), v)));
        let body: Vec<_> = seen.iter().filter(|(n, _)| n.starts_with("b:")).collect();
        let mut names: Vec<&str> = body.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["b:api", "b:fail", "b:key", "b:rotat"]);
        assert!(body.iter().all(|(_, v)| (*v - 0.5).abs() < 1e-6));
    }

    /// Long title words also count by their parts: the same stem in other forms, other
    /// languages and compounds meets (`ntegra` in each of these); short words and Chinese
    /// or Japanese do not.
    #[test]
    fn long_title_words_give_their_parts() {
        let grams = |title: &str| {
            let input = text_input(title, "");
            let mut out = Vec::new();
            features(input, &mut |name, v| {
                if let Some(g) = name.strip_prefix("g:") {
                    assert_eq!(v, GRAM_VALUE);
                    out.push(g.to_string());
                }
            });
            out
        };
        assert_eq!(
            grams("Integración"),
            ["<integ", "integr", "ntegra", "tegrac", "egraci", "gració", "ración", "ación>"]
        );
        for title in ["integration", "Integrationstest", "Reintegrate"] {
            assert!(grams(title).iter().any(|g| g == "ntegra"), "{title}");
        }
        assert!(grams("Fix the login page").is_empty());
        assert!(grams("データベース接続エラー").is_empty());
        assert_eq!(describe("g:<integr"), "title word part \"integr…\"");
        assert_eq!(describe("g:ration>"), "title word part \"…ration\"");
        assert_eq!(describe("g:ntegra"), "title word part \"…ntegra…\"");
        // Chinese and Japanese are read in pairs of characters: not called words.
        assert_eq!(describe("w:登录"), "title characters \"登录\"");
        assert_eq!(describe("b:ログ"), "body characters \"ログ\"");
        // Function words of other languages are no reason to show (`für die`).
        assert!(is_filler("ww:für_die") && is_filler("w:dan") && !is_filler("w:deploy"));
    }

    /// Title word pairs are of words, not of Chinese or Japanese character pairs.
    #[test]
    fn no_word_pairs_of_character_pairs() {
        let input = text_input("Fix login: DB接続エラー", "");
        let mut pairs = Vec::new();
        features(input, &mut |name, _| {
            if let Some(p) = name.strip_prefix("ww:") {
                pairs.push(p.to_string());
            }
        });
        assert_eq!(pairs, ["fix_login", "login_db"]);
    }

    /// The set counting distinct words: every hash once (0 too), grown as it fills, empty
    /// after `clear`, and a table grown for a huge text let go.
    #[test]
    fn seen_words_are_counted_once() {
        let mut seen = Seen::default();
        for round in 0..2 {
            let new = (0..200_000u64).filter(|&i| seen.insert(i % 100_000 * 7919)).count();
            assert_eq!(new, 100_000, "round {round}");
            assert!(seen.slots.len() >= 200_000);
            seen.clear();
            assert!(seen.slots.is_empty() && seen.used.is_empty());
        }
        assert!(seen.insert(5) && !seen.insert(5) && seen.insert(6));
        seen.clear();
        assert!(seen.insert(5), "forgotten after clear");
        assert_eq!(seen.slots.len(), 256);
    }

    /// A name hashes the same however it is cut into parts (scoring hashes `["w:", word]`,
    /// the model its whole names), and names that differ hash differently.
    #[test]
    fn a_name_hashes_the_same_in_parts() {
        let name = "ww:integración_über-long-words";
        let whole = hash_parts(&[name]);
        for i in (0..=name.len()).filter(|&i| name.is_char_boundary(i)) {
            for j in (i..=name.len()).filter(|&j| name.is_char_boundary(j)) {
                let parts = [&name[..i], &name[i..j], "", &name[j..]];
                assert_eq!(hash_parts(&parts), whole, "cut at {i} and {j}");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for n in ["", "a", "a\0", "ab", "ba", "w:api", "w:apis", "b:api", "12345678", "123456789"] {
            assert!(seen.insert(hash_parts(&[n])), "{n:?} collides");
        }
    }

    /// A fifth column is a word of a word feature, and nothing more follows it.
    #[test]
    fn a_models_forms_are_checked() {
        let e = |line: &str| {
            Model::parse(&format!("bias\t0\t0\t0\n{line}\n"), "org.tsv").unwrap_err().to_string()
        };
        assert_eq!(
            e("r:migration\t1\t0\t0\tDELETE"),
            "org.tsv:2: `DELETE`: only a word feature (w:, ww:, b:, p:) has a form to quote (feature r:migration)"
        );
        assert_eq!(
            e("w:x\t1\t0\t0\t0.5"),
            "org.tsv:2: `0.5` is not a word to quote (letters and digits; a pair joined by `_`) (feature w:x)"
        );
        assert_eq!(
            e("w:x\t1\t0\t0\tx\ty"),
            "org.tsv:2: more than 5 tab-separated fields (feature w:x)"
        );
        assert!(e("ww:a_b\t1\t0\t0\tab").contains("not a word to quote"));
        let bom = Model::parse("\u{feff}bias\t0\t0\t0\nww:a_b\t1\t0\t0\tas_bs\n", "org.tsv");
        assert_eq!(bom.expect("a BOM is no error").surfaces.len(), 1);
    }

    /// Reasons quote words as items write them, not the stems the model keeps: the form
    /// written most (a tie: the first from A to Z), kept in the model file's fifth column.
    #[test]
    fn reasons_quote_words_not_stems() {
        let mut m = Model::parse(
            "bias\t0\t0\t0\nw:statu\t1\t0\t0\nw:updat\t1\t0\t0\nww:fix_statu\t1\t0\t0\nw:api\t1\t0\t0\nb:deploy\t1\t0\t0\n",
            "m.tsv",
        )
        .expect("model");
        let mut surfaces = Surfaces::default();
        for (title, body) in [
            ("Fix status page", "deploying it"),
            ("Status updates for the API", ""),
            ("Update the status", "we deployed"),
            ("APIs", "deploying"),
        ] {
            surfaces.add(text_input(title, body));
        }
        surfaces.apply(&mut m);
        let said = |m: &Model, name: &str| {
            let i = m.names.iter().position(|n| &**n == name).expect("a feature");
            m.described(i as u32).to_string()
        };
        assert_eq!(said(&m, "w:statu"), "title word \"status\"");
        assert_eq!(said(&m, "w:updat"), "title word \"update\"", "a tie: update before updates");
        assert_eq!(said(&m, "ww:fix_statu"), "title words \"fix status\"");
        assert_eq!(said(&m, "w:api"), "title word \"api\"", "the stem is the word most written");
        assert_eq!(said(&m, "b:deploy"), "body word \"deploying\"");
        // Written and read again, the words stay; a file without them reads as before.
        let again = Model::parse(&m.to_text(), "m.tsv").expect("model");
        assert_eq!(again.to_text(), m.to_text());
        assert_eq!(said(&again, "w:statu"), "title word \"status\"");
        assert!(m.to_text().contains("w:statu\t1\t0\t0\tstatus\n"), "{}", m.to_text());
    }

    #[test]
    fn stems_meet() {
        let mut a = Vec::new();
        tokens("Deploying tests: deployed test, deploy; pages 2024 x", &mut a);
        assert_eq!(a, ["deploy", "test", "deploy", "test", "deploy", "page"]);
    }

    #[test]
    fn the_text_format_round_trips() {
        let mut m =
            Model { high: 0.75, triage_margin: 0.2, bias: [0.1, -0.05, -0.05], ..Model::default() };
        m.weights.insert("w:deploy".into(), [-0.5, 1.0, -0.5]);
        let text = m.to_text();
        let back = Model::parse(&text, "m.tsv").unwrap();
        assert_eq!(back.to_text(), text);
        assert_eq!(back.high, 0.75);
    }

    /// The blend is the regression's weights plus the share of naive Bayes' for every
    /// feature both know; the bias stays the regression's.
    #[test]
    fn the_blend_adds_a_share_of_naive_bayes() {
        let ex = |words: &[&str], concern| Example {
            features: words.iter().map(|w| (Box::from(*w), 1.0)).collect(),
            concern,
            weight: 1.0,
        };
        let examples = vec![
            ex(&["w:login", "w:page"], Concern::Product),
            ex(&["w:login", "w:button"], Concern::Product),
            ex(&["w:kafka", "w:cluster"], Concern::Program),
            ex(&["w:kafka", "w:upgrade"], Concern::Program),
            ex(&["w:deadline", "w:sprint"], Concern::Project),
            ex(&["w:deadline", "w:plan"], Concern::Project),
        ];
        let alone = TrainOptions { bayes_share: 0.0, ..TrainOptions::default() };
        let lr = train_logistic(&examples, None, alone);
        let nb = train_bayes(&examples, alone);
        let mut unchanged = lr.clone();
        blend_bayes(&mut unchanged, &examples, alone);
        assert_eq!(unchanged.to_text(), lr.to_text());
        let mut blended = lr.clone();
        blend_bayes(&mut blended, &examples, TrainOptions::default());
        let (a, b) = (lr.weights["w:kafka"], nb.weights["w:kafka"]);
        let want = [0, 1, 2].map(|c| a[c] + 0.1 * b[c]);
        assert_eq!(blended.weights["w:kafka"], want);
        assert!(blended.weights["w:kafka"][1] > lr.weights["w:kafka"][1], "program gains");
        assert_eq!(blended.bias, lr.bias);

        // A feature the regression left out joins only when naive Bayes' share is strong:
        // `w:kafka` (program's alone) does, `w:the` (in every concern alike) does not.
        let mut empty = Model::default();
        let mut with_the = examples;
        for e in &mut with_the {
            e.features.push(("w:the".into(), 1.0));
        }
        blend_bayes(&mut empty, &with_the, TrainOptions::default());
        assert!(empty.weights["w:kafka"][1] >= BLEND_FLOOR, "{:?}", empty.weights);
        assert!(!empty.weights.contains_key("w:the"), "{:?}", empty.weights);
    }

    #[test]
    fn a_bad_weight_names_the_line() {
        let e = Model::parse("bias\t0\t0\t0\nw:x\t1\tnope\t0\n", "org.tsv").unwrap_err();
        assert!(e.to_string().contains("org.tsv:2"), "{e}");
        // Not finite is not a number either: it would score every item NaN.
        let e = Model::parse("bias\t0\t0\t0\nw:x\t1\tinf\t0\n", "org.tsv").unwrap_err();
        assert_eq!(e.to_string(), "org.tsv:2: `inf` is not a number (feature w:x)");
    }

    /// An empty or cut-short model file is an error, not a model that knows nothing.
    #[test]
    fn a_model_cut_short_is_an_error() {
        let e = Model::parse("", "org.tsv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "org.tsv: no `bias` line: not a whole rolecall model (`rolecall train` writes one)"
        );
        let whole = "# weights 2\nbias\t0\t0\t0\nw:a\t1\t0\t0\nw:b\t0\t1\t0\n";
        let m = Model::parse(whole, "org.tsv").expect("whole");
        assert_eq!(Model::parse(&m.to_text(), "again").expect("round trip").weights.len(), 2);
        let cut = &whole[..whole.len() - "w:b\t0\t1\t0\n".len()];
        let e = Model::parse(cut, "org.tsv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "org.tsv: 1 weights where the file says 2: cut short or edited (train again to write it whole)"
        );
        // The built-in model says how many it has, and has them.
        assert!(BUILTIN.contains(&format!("# weights {}\n", Model::builtin().weights.len())));
    }
}
