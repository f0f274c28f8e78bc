//! Settings of the config that the data read left unused: a `[[team]]` no item is in, a
//! `status-map` entry no status has. Each is a warning naming the config's line, said
//! once the sources are read (never an error: next week's export may have them), by
//! `report`, `items` and `classify` alike.

use crate::config::Config;
use crate::model::{Item, Snapshot};

use super::Teams;

/// Warns of every `[[team]]` and `status-map` entry that nothing in `snapshot` used.
pub fn warn_unused_settings(config: &Config, snapshot: &Snapshot) {
    for warning in unused_settings(config, &snapshot.items) {
        tracing::warn!("{warning}");
    }
}

/// The warnings [`warn_unused_settings`] says, in config order.
pub(crate) fn unused_settings(config: &Config, items: &[Item]) -> Vec<String> {
    let mut out = Vec::new();
    if items.is_empty() {
        return out;
    }
    unused_teams(config, items, &mut out);
    unused_status_maps(config, items, &mut out);
    out
}

fn unused_teams(config: &Config, items: &[Item], out: &mut Vec<String>) {
    if config.teams.is_empty() {
        return;
    }
    let teams = Teams::new(&config.teams);
    // How many items each team got, as the reports assign them: the first team that
    // matches an item has it.
    let mut got = vec![0usize; config.teams.len()];
    for item in items {
        if let Some(t) = teams.first_match(item) {
            got[t] += 1;
        }
    }
    let n = crate::text::thousands(items.len() as i64);
    // The sources none of whose items has a project, and how many items they hold.
    let mut by_source: Vec<(&str, usize, bool)> = Vec::new();
    for item in items {
        let has = item.project.is_some();
        match by_source.iter_mut().find(|(s, _, _)| *s == &*item.source) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 |= has;
            }
            None => by_source.push((&item.source, 1, has)),
        }
    }
    let none: Vec<_> = by_source.iter().filter(|(_, _, has)| !has).collect();
    let projectless: (usize, Vec<&str>) =
        (none.iter().map(|(_, n, _)| n).sum(), none.iter().map(|(s, _, _)| *s).collect());
    for (index, team) in config.teams.iter().enumerate() {
        if got[index] > 0 {
            continue;
        }
        // Items it matches, each taken by a team listed before it.
        let shadowed_by = items
            .iter()
            .find(|i| teams.matches(index, i))
            .and_then(|i| teams.first_match(i))
            .map(|t| config.teams[t].name.as_str());
        let hint = match shadowed_by {
            Some(first) => format!(
                ": every item it matches is in team '{first}', listed before it (an item is in the first team that matches it)"
            ),
            None if !team.repos.is_empty() && !projectless.1.is_empty() => {
                let (count, sources) = &projectless;
                format!(
                    " (`repos` matches an item's project, and the {} items of {} have none: a mapped CSV has one only with a `project = \"COLUMN\"` mapping; `labels`, `components` and `aliases` match otherwise)",
                    crate::text::thousands(*count as i64),
                    sources.join(", ")
                )
            }
            None => String::new(),
        };
        out.push(format!(
            "{}: team '{}' matched none of the {n} items{hint}",
            config.at_entry_line("team", index, "name"),
            team.name
        ));
    }
}

fn unused_status_maps(config: &Config, items: &[Item], out: &mut Vec<String>) {
    // The statuses of the items a map applies to, as the importers look them up.
    let statuses = |of: &dyn Fn(&Item) -> bool| -> Vec<&str> {
        let mut s: Vec<&str> = items.iter().filter(|i| of(i)).map(|i| i.status.trim()).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let check = |entries: Vec<(String, String)>, statuses: &[&str], out: &mut Vec<String>| {
        for (written, at) in entries {
            let key = written.trim().to_lowercase();
            let used = statuses.iter().any(|s| {
                s.to_lowercase() == key
                    || crate::source::status::bare(s).trim().to_lowercase() == key
            });
            if used || statuses.is_empty() {
                continue;
            }
            let hint = crate::text::nearest(&written, statuses.iter().copied())
                .map(|near| format!(" (did you mean \"{near}\"?)"))
                .unwrap_or_default();
            out.push(format!("{at}: status-map \"{written}\" matched no status{hint}"));
        }
    };
    check(config.status_map_entries(None), &statuses(&|_| true), out);
    for (index, source) in config.sources.iter().enumerate() {
        if source.status_map.0.is_empty() {
            continue;
        }
        let of = |i: &Item| config.source_position(&i.source) == Some(index);
        check(config.status_map_entries(Some(index)), &statuses(&of), out);
    }
}
