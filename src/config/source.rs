//! `[[source]]` entries, and the time zone and status map every source reads.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::dates::DateOrder;
use crate::model::State;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceConfig {
    /// `jira:exports/proj.csv`, `snapshot:last.json`, …
    pub spec: String,
    pub date_order: Option<DateOrder>,
    pub timezone: Option<TimeZone>,
    pub status_map: StatusMap,
    /// Tracker web address, to link items: `https://acme.atlassian.net` gives
    /// `https://acme.atlassian.net/browse/PROJ-7`.
    pub base_url: Option<String>,
    /// `csv:` only: read the file as this format (`jira`, `linear`, `asana`,
    /// `github-projects`) instead of detecting it from the header.
    pub format: Option<String>,
    // A column mapping (`csv:` only): each value is a column name of the file. Setting
    // `key` makes the mapping active; every column named must be in the header.
    /// The column holding the item's key (required by a mapping).
    pub key: Option<String>,
    /// Items get the id `<id-prefix>:<key>`. Default: `csv`.
    pub id_prefix: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub status: Option<String>,
    /// The item type (`Bug`, `Story`…); `type` works too.
    #[serde(alias = "type")]
    pub kind: Option<String>,
    pub labels: Option<String>,
    /// What separates several labels in one cell. Default: `,`.
    pub label_separator: Option<String>,
    pub assignee: Option<String>,
    pub author: Option<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub started: Option<String>,
    pub closed: Option<String>,
    pub due: Option<String>,
    /// A chrono/strftime format for every mapped date column (`%d.%m.%Y %H:%M`); without
    /// it the formats rolecall knows are read, day/month order decided per column.
    pub date_format: Option<String>,
    pub milestone: Option<String>,
    pub iteration: Option<String>,
    pub project: Option<String>,
    pub team: Option<String>,
    pub priority: Option<String>,
    pub estimate: Option<String>,
    pub url: Option<String>,
    /// The parent's key, in the same file's key space.
    pub parent: Option<String>,
}

impl SourceConfig {
    /// Whether this entry maps columns (any mapping key set).
    pub fn has_mapping(&self) -> bool {
        self.mapping_keys().iter().any(|(_, v)| v.is_some())
            || self.id_prefix.is_some()
            || self.label_separator.is_some()
            || self.date_format.is_some()
    }

    /// Every column-naming key with its value, in documentation order.
    pub fn mapping_keys(&self) -> Vec<(&'static str, Option<&str>)> {
        [
            ("key", &self.key),
            ("title", &self.title),
            ("body", &self.body),
            ("status", &self.status),
            ("type", &self.kind),
            ("labels", &self.labels),
            ("assignee", &self.assignee),
            ("author", &self.author),
            ("created", &self.created),
            ("updated", &self.updated),
            ("started", &self.started),
            ("closed", &self.closed),
            ("due", &self.due),
            ("milestone", &self.milestone),
            ("iteration", &self.iteration),
            ("project", &self.project),
            ("team", &self.team),
            ("priority", &self.priority),
            ("estimate", &self.estimate),
            ("url", &self.url),
            ("parent", &self.parent),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.as_deref()))
        .collect()
    }
}

/// An IANA zone name, checked when the config is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub Tz);

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<Tz>().map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown time zone `{name}` (use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`)"
            ))
        })
    }
}

/// Status name (matched case-insensitively) → normalised state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusMap(pub BTreeMap<String, State>);

impl StatusMap {
    pub fn get(&self, status: &str) -> Option<State> {
        if self.0.is_empty() {
            return None; // the common case: no allocation per row
        }
        self.0.get(&status.trim().to_lowercase()).copied()
    }
}

impl Serialize for StatusMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for StatusMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Each state is read on its own, so an error points at its line, not the table's.
        struct Named(State);
        impl<'de> Deserialize<'de> for Named {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let state = String::deserialize(d)?;
                State::parse(&state).map(Named).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "a status maps to unknown state `{state}` (expected open, in-progress, done or cancelled)"
                    ))
                })
            }
        }
        let raw = BTreeMap::<String, Named>::deserialize(d)?;
        let map =
            raw.into_iter().map(|(status, Named(state))| (status.trim().to_lowercase(), state));
        Ok(StatusMap(map.collect()))
    }
}

/// `[jira]`: settings for every Jira export.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct JiraConfig {
    /// The Jira site (`https://acme.atlassian.net`): every Jira item links to
    /// `<url>/browse/KEY` unless its source's `base-url` says otherwise.
    pub url: Option<String>,
}
