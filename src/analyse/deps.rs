//! The dependency graph: who blocks whom, across teams, projects and sources.
//!
//! Edges run from a blocker to the item it blocks, from `blocks` links and from
//! `blocked-by` links read the other way, between items of the snapshot (a link to an
//! item that was not exported is listed with the blocked item, not followed). Only open
//! work counts: a done or cancelled blocker blocks nothing.
//!
//! - **Top blockers**: open items by how many open items they hold up, directly and
//!   through chains.
//! - **Critical path** of a milestone: the longest chain of open blockers ending at one
//!   of its open items — the order in which work must land before the milestone can.
//! - **Cycles** (A blocks B blocks A): found as strongly connected components and
//!   reported; chains are measured on the graph with each cycle's inner edges left out,
//!   so nothing loops.

use serde::Serialize;

use crate::model::link_kind;

/// How far [`Graph::reach`] counts before it stops ("at least").
pub const REACH_MAX: usize = 1_000;

/// Chain links a report shows (the last ones, nearest the milestone).
pub const CHAIN_MAX: usize = 25;

/// The graph over item indices, open items only.
#[derive(Debug, Default)]
pub struct Graph {
    /// blocker → the items it blocks (sorted, unique).
    pub out: Vec<Vec<usize>>,
    /// blocked → its blockers (sorted, unique).
    pub inc: Vec<Vec<usize>>,
    /// The strongly connected component of each item.
    comp: Vec<usize>,
    /// Components of more than one item (or an item blocking itself), each sorted, the
    /// largest first.
    pub cycles: Vec<Vec<usize>>,
}

impl Graph {
    /// From each item's links: `open[i]` says whether item `i` is still to be done,
    /// `index` finds an item by id.
    pub fn new<'a>(
        links: impl Iterator<Item = &'a [crate::model::Link]>,
        open: &[bool],
        index: impl Fn(&str) -> Option<usize>,
    ) -> Graph {
        let n = open.len();
        let mut out = vec![Vec::new(); n];
        let mut inc = vec![Vec::new(); n];
        for (i, ls) in links.enumerate() {
            if !open[i] {
                continue;
            }
            for l in ls {
                let (from, to) = match l.kind.as_str() {
                    link_kind::BLOCKS => match index(&l.target) {
                        Some(t) => (i, t),
                        None => continue,
                    },
                    link_kind::BLOCKED_BY => match index(&l.target) {
                        Some(t) => (t, i),
                        None => continue,
                    },
                    _ => continue,
                };
                if open[from] && open[to] {
                    out[from].push(to);
                    inc[to].push(from);
                }
            }
        }
        for v in out.iter_mut().chain(inc.iter_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        let comp = components(&out);
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, &c) in comp.iter().enumerate() {
            if !out[i].is_empty() || !inc[i].is_empty() {
                members.entry(c).or_default().push(i);
            }
        }
        let mut cycles: Vec<Vec<usize>> =
            members.into_values().filter(|m| m.len() > 1 || out[m[0]].contains(&m[0])).collect();
        // The largest knot first: it holds up the most.
        cycles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Graph { out, inc, comp, cycles }
    }

    /// An edge that stays inside a cycle: left out of chains.
    fn inner(&self, from: usize, to: usize) -> bool {
        self.comp[from] == self.comp[to]
    }

    /// How many open items `i` holds up: (directly, in all, through chains).
    pub fn reach(&self, i: usize) -> (usize, usize) {
        self.reach_with(i, &mut Visited::new(self.out.len()))
    }

    /// [`Graph::reach`] of every item that blocks something, by item: one visited list
    /// for all of them (a fresh one per item cost a 100k-item week 50 ms).
    pub fn reach_all(&self) -> Vec<(usize, (usize, usize))> {
        let mut visited = Visited::new(self.out.len());
        (0..self.out.len())
            .filter(|&i| !self.out[i].is_empty())
            .map(|i| (i, self.reach_with(i, &mut visited)))
            .collect()
    }

    fn reach_with(&self, i: usize, visited: &mut Visited) -> (usize, usize) {
        let direct = self.out[i].iter().filter(|&&t| t != i).count();
        visited.clear();
        visited.insert(i);
        let mut stack = vec![i];
        let mut all = 0;
        // Counted up to REACH_MAX: past it an item holds up "at least" that many, and a
        // chain of 100,000 items costs REACH_MAX steps an item, not 100,000.
        while let Some(x) = stack.pop() {
            for &y in &self.out[x] {
                if visited.insert(y) {
                    all += 1;
                    if all >= REACH_MAX {
                        return (direct, all);
                    }
                    stack.push(y);
                }
            }
        }
        (direct, all)
    }

    /// For every item, the longest chain of blockers ending at it, cycles' inner edges
    /// left out: its length and the blocker before it. Computed once for the whole graph;
    /// a chain is spelled out only for the items asked ([`Chains::chain`]) — spelled out
    /// for every item, a long chain would be quadratic in memory.
    pub fn longest_chains(&self) -> Chains {
        let n = self.out.len();
        // Length of the longest chain ending at each item, and its predecessor in it.
        let mut len: Vec<Option<usize>> = vec![None; n];
        let mut prev: Vec<Option<usize>> = vec![None; n];
        for start in 0..n {
            if len[start].is_some() {
                continue;
            }
            // Iterative depth-first: an item's length needs its blockers' first.
            let mut stack = vec![(start, 0usize)];
            while let Some(top) = stack.len().checked_sub(1) {
                let (x, k) = stack[top];
                let blockers = &self.inc[x];
                if k < blockers.len() {
                    let b = blockers[k];
                    stack[top].1 += 1;
                    if !self.inner(b, x) && len[b].is_none() {
                        stack.push((b, 0));
                    }
                    continue;
                }
                let best = blockers
                    .iter()
                    .filter(|&&b| !self.inner(b, x))
                    .filter_map(|&b| len[b].map(|l| (l, b)))
                    // The longest; among equals, the lowest index (deterministic).
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                len[x] = Some(best.map_or(1, |(l, _)| l + 1));
                prev[x] = best.map(|(_, b)| b);
                stack.pop();
            }
        }
        Chains { len: len.into_iter().map(|l| l.unwrap_or(1)).collect(), prev }
    }
}

/// The longest chains of blockers, by item (see [`Graph::longest_chains`]).
#[derive(Debug)]
pub struct Chains {
    /// Items in the longest chain ending at each item, itself included.
    pub len: Vec<usize>,
    prev: Vec<Option<usize>>,
}

impl Chains {
    /// The longest chain ending at `i`, first blocker first, its last `max` items.
    pub fn chain(&self, i: usize, max: usize) -> Vec<usize> {
        let mut chain = vec![i];
        let mut cur = i;
        while let Some(p) = self.prev[cur] {
            if chain.len() >= max.max(1) {
                break;
            }
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }
}

/// A set of item indices cleared in O(1): a stamp per item, the current one marks members.
struct Visited {
    stamp: Vec<u32>,
    now: u32,
}

impl Visited {
    fn new(n: usize) -> Visited {
        Visited { stamp: vec![0; n], now: 0 }
    }

    fn clear(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.now = 1;
        }
    }

    /// Adds `i`; whether it was new.
    fn insert(&mut self, i: usize) -> bool {
        let fresh = self.stamp[i] != self.now;
        self.stamp[i] = self.now;
        fresh
    }
}

/// Strongly connected components (Tarjan's algorithm, iterative): a component id per node.
fn components(out: &[Vec<usize>]) -> Vec<usize> {
    let n = out.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut count = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(top) = work.len().checked_sub(1) {
            let (v, k) = work[top];
            if k < out[v].len() {
                let w = out[v][k];
                work[top].1 += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}

/// One link of a chain, as reports show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainLink<'a> {
    pub item: super::ItemRef<'a>,
    /// Days it has been blocked by the link before it (the first link: none).
    pub days_blocked: Option<i64>,
    /// `days_blocked` is an upper bound from the items' creation, not when a stored
    /// week first saw the block.
    pub at_most: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Link;

    fn link(kind: &str, target: usize) -> Link {
        Link { kind: kind.into(), target: format!("i{target}").into() }
    }

    /// A hand-drawn graph of 12 items (see the comment), with a cycle 8 → 9 → 10 → 8 and
    /// a done item (11) that blocks nothing.
    ///
    /// ```text
    /// 0 → 1 → 2 → 3        4 → 2      5 → 6     7 → 3
    ///         8 → 9 → 10 → 8 (cycle)   10 → 3   11 (done) → 6
    /// ```
    fn graph() -> Graph {
        let mut links: Vec<Vec<Link>> = vec![Vec::new(); 12];
        links[0].push(link("blocks", 1));
        links[2].push(link("blocked-by", 1)); // 1 → 2, written on the blocked item
        links[2].push(link("blocks", 3));
        links[4].push(link("blocks", 2));
        links[5].push(link("blocks", 6));
        links[7].push(link("blocks", 3));
        links[8].push(link("blocks", 9));
        links[9].push(link("blocks", 10));
        links[10].push(link("blocks", 8));
        links[10].push(link("blocks", 3));
        links[11].push(link("blocks", 6));
        links[3].push(link("relates-to", 0));
        links[3].push(link("blocked-by", 99)); // not exported: not followed
        let mut open = vec![true; 12];
        open[11] = false;
        Graph::new(links.iter().map(Vec::as_slice), &open, |id| {
            id.strip_prefix('i').and_then(|n| n.parse().ok()).filter(|&n: &usize| n < 12)
        })
    }

    #[test]
    fn cycles_are_found_and_never_looped_on() {
        let g = graph();
        assert_eq!(g.cycles, vec![vec![8, 9, 10]]);
        let chains = g.longest_chains();
        // The longest chain to 3: 0 → 1 → 2 → 3 (the cycle's way in is one edge long).
        assert_eq!(chains.chain(3, 100), vec![0, 1, 2, 3]);
        assert_eq!(chains.len[3], 4);
        assert_eq!(chains.chain(3, 2), vec![2, 3], "the last links of a long chain");
        assert_eq!(chains.chain(6, 100), vec![5, 6], "the done blocker does not count");
        assert_eq!(chains.chain(0, 100), vec![0]);
        // Inside the cycle, no inner edge is used.
        assert_eq!(chains.chain(9, 100), vec![9]);
    }

    #[test]
    fn reach_counts_direct_and_through_chains() {
        let g = graph();
        assert_eq!(g.reach(0), (1, 3)); // 1, 2, 3
        assert_eq!(g.reach(8), (1, 3)); // 9, 10, and through 10: 3 (8 itself not counted)
        assert_eq!(g.reach(3), (0, 0));
        assert_eq!(g.reach(11), (0, 0), "done: no edges");
    }
    /// A chain of 20,000 items (one blocks the next): counted and measured without
    /// quadratic time or memory.
    #[test]
    fn a_very_long_chain_is_bounded() {
        let n = 20_000;
        let links: Vec<Vec<Link>> = (0..n)
            .map(|i| if i + 1 < n { vec![link("blocks", i + 1)] } else { Vec::new() })
            .collect();
        let open = vec![true; n];
        let g = Graph::new(links.iter().map(Vec::as_slice), &open, |id| {
            id.strip_prefix('i').and_then(|x| x.parse().ok()).filter(|&x: &usize| x < n)
        });
        assert_eq!(g.reach(0), (1, REACH_MAX));
        assert_eq!(g.reach(n - 2), (1, 1));
        let chains = g.longest_chains();
        assert_eq!(chains.len[n - 1], n);
        let shown = chains.chain(n - 1, CHAIN_MAX);
        assert_eq!(shown.len(), CHAIN_MAX);
        assert_eq!(shown.last(), Some(&(n - 1)));
        assert_eq!(g.reach_all().len(), n - 1);
    }
}
