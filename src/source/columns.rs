//! Finding columns by name in a header where names repeat and spellings vary by version.

use std::collections::HashMap;

use super::table::{Row, Table};

/// Header name (folded: lower case, single spaces) → every position it occupies.
#[derive(Debug)]
pub(crate) struct Columns {
    by_name: HashMap<String, Vec<usize>>,
    /// Positions claimed by a mapped field; the rest go to `Item::fields`.
    used: Vec<bool>,
}

pub(super) fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Columns {
    pub(crate) fn new(table: &Table) -> Self {
        Columns::from_headers(&table.headers)
    }

    pub(crate) fn from_headers(headers: &[String]) -> Self {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let folded = fold(h);
            // A localised Jira header answers to its English name too.
            if let Some((english, _)) = super::jira_l10n::english(&folded) {
                by_name.entry(english).or_default().push(i);
            }
            by_name.entry(folded).or_default().push(i);
        }
        // Jira's timeline (plans) export heads its key column `Key`.
        if !by_name.contains_key("issue key") {
            if let Some(idx) = by_name.get("key").cloned() {
                by_name.insert("issue key".into(), idx);
            }
        }
        Columns { by_name, used: vec![false; headers.len()] }
    }

    /// All positions of the first of `names` present in the header, marked as used.
    pub(crate) fn all(&mut self, names: &[&str]) -> Vec<usize> {
        for name in names {
            if let Some(idx) = self.by_name.get(&fold(name)) {
                for &i in idx {
                    self.used[i] = true;
                }
                return idx.clone();
            }
        }
        Vec::new()
    }

    /// The first position of the first of `names` present, marked as used; a repeat of
    /// that column is left to `Item::fields`, so none of its values is lost.
    pub(crate) fn one(&mut self, names: &[&str]) -> Option<usize> {
        let first =
            names.iter().find_map(|name| self.by_name.get(&fold(name))?.first().copied())?;
        self.used[first] = true;
        Some(first)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(&fold(name))
    }

    /// Positions no mapped field claimed, in header order.
    pub(crate) fn unused(&self) -> Vec<usize> {
        (0..self.used.len()).filter(|i| !self.used[*i]).collect()
    }

    /// Every header (folded) that satisfies `pred`, with its positions.
    pub(crate) fn matching(&self, pred: impl Fn(&str) -> bool) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<_> = self
            .by_name
            .iter()
            .filter(|(k, _)| pred(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.sort_by_key(|(_, v)| v[0]);
        out
    }

    pub(crate) fn mark_used(&mut self, idx: &[usize]) {
        for &i in idx {
            self.used[i] = true;
        }
    }
}

/// The trimmed value at `idx`, if the column exists and the value is not blank.
pub(super) fn value<'a>(row: &Row<'a>, idx: Option<usize>) -> Option<&'a str> {
    let v = trim(row.get(idx?));
    (!v.is_empty()).then_some(v)
}

/// `str::trim`, quick for the usual value that has nothing to trim (it runs for every
/// field of every row).
pub(super) fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The strings of `it` as a list of exactly their number: `collect` on a filtered
/// iterator reserves room for four, which for 100,000 one-label items is 7 MB of nothing.
pub(super) fn list<'a>(it: impl Iterator<Item = &'a str> + Clone) -> Vec<crate::model::Str> {
    let mut out = Vec::with_capacity(it.clone().count());
    out.extend(it.map(crate::model::Str::from));
    out
}

/// Each value once, where it first comes. A scan of those kept for a few values, a set
/// beyond: an item in 16,000 sprints took seconds, compared with each before it.
pub(super) fn distinct<'a>(it: impl Iterator<Item = &'a str>) -> Vec<crate::model::Str> {
    const SCAN: usize = 16;
    let mut kept: Vec<&'a str> = Vec::new();
    let mut seen: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
    for v in it {
        let new = if kept.len() < SCAN {
            !kept.contains(&v)
        } else {
            if seen.is_empty() {
                seen.extend(kept.iter().copied());
            }
            seen.insert(v)
        };
        if new {
            kept.push(v);
        }
    }
    kept.into_iter().map(crate::model::Str::from).collect()
}

/// The non-blank trimmed values of a repeated column, in order.
pub(super) fn values<'a, 'i>(
    row: &Row<'a>,
    idx: &'i [usize],
) -> impl Iterator<Item = &'a str> + Clone + 'i
where
    'a: 'i,
{
    let row = *row;
    idx.iter().map(move |&i| trim(row.get(i))).filter(|v| !v.is_empty())
}
