//! `rolecall.toml`: one strict file, defaults built in, `ROLECALL_*` environment overrides.
//!
//! Strict means an unknown key is an error naming the file, the line and the nearest valid
//! key: a typo in a config must never be silently ignored, or a report would quietly use a
//! default the user thought they had changed.

mod classify;
mod delivery;
mod github;
mod report;
mod source;

use std::path::Path;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use classify::{ClassifyConfig, Fact, RuleDef};
pub use delivery::{EmailConfig, EmailTls, EmailTo, PublishConfig};
pub use github::{GithubConfig, OnRepoError, PUBLIC_API};
pub use report::{
    ConfigDate, MilestoneConfig, PageName, PdfSettings, RaidClass, RaidConfig, ReportConfig,
    ScopeConfig, TeamConfig, Thresholds,
};
pub use source::{JiraConfig, SourceConfig, StatusMap, TimeZone};

/// Day/month order of numeric dates such as `04/05/2017`.
pub use crate::dates::DateOrder;

use crate::error::{Error, Result};

/// The file looked for in the current directory when `-c` is not given.
pub const DEFAULT_FILE: &str = "rolecall.toml";

/// Environment variables that are not config keys.
const ENV_NOT_KEYS: &[&str] = &[
    "ROLECALL_CONFIG",
    "ROLECALL_LOG",
    "ROLECALL_SMTP_URL",
    "ROLECALL_SMTP_PASSWORD",
    "ROLECALL_OUT",
];

/// The origin of a config that is only the defaults (no file): errors name it as
/// where a setting is missing.
pub const NO_FILE: &str = "(no config file)";
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// IANA time zone used for zone-less timestamps and for ISO weeks.
    pub timezone: TimeZone,
    /// Day/month order for numeric dates when a column's values do not decide it.
    pub date_order: Option<DateOrder>,
    /// Status name → state, for every source (a source's own map wins).
    pub status_map: StatusMap,
    /// Sources used when no `-s` is given, and per-source settings for those that are.
    #[serde(rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Classification rules and settings.
    pub classify: ClassifyConfig,
    /// The GitHub source: API URL, repository selection, retries and rate limits.
    pub github: GithubConfig,
    /// Jira exports: the site they come from, to link their keys.
    pub jira: JiraConfig,
    /// What `rolecall report` writes, and the thresholds behind its statuses.
    pub report: ReportConfig,
    /// Which items the reports count.
    pub scope: ScopeConfig,
    /// Teams and workstreams.
    #[serde(rename = "team")]
    pub teams: Vec<TeamConfig>,
    /// Milestone dates that exports lack.
    #[serde(rename = "milestone")]
    pub milestones: Vec<MilestoneConfig>,
    /// Where `rolecall publish` carries reports (links, the Slack webhook's variable).
    pub publish: PublishConfig,
    /// What `rolecall email` sends, to whom, through which server.
    pub email: EmailConfig,
    /// Where this config came from (`rolecall.toml`, [`NO_FILE`]), for errors.
    #[serde(skip)]
    pub origin: String,
    /// The file's text, so later checks (rules) can point at a line.
    #[serde(skip)]
    pub text: String,
    /// Keys set by `ROLECALL_*` variables (`["report", "thresholds", "red-below"]`) and
    /// the variable that set each, so an error names the variable, not the file.
    #[serde(skip)]
    pub from_env: Vec<(Vec<String>, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            timezone: TimeZone(Tz::UTC),
            date_order: None,
            status_map: StatusMap::default(),
            sources: Vec::new(),
            classify: ClassifyConfig::default(),
            github: Default::default(),
            jira: Default::default(),
            report: Default::default(),
            scope: Default::default(),
            teams: Vec::new(),
            milestones: Vec::new(),
            publish: PublishConfig::default(),
            email: EmailConfig::default(),
            origin: NO_FILE.into(),
            text: String::new(),
            from_env: Vec::new(),
        }
    }
}

/// The `ROLECALL_*` variables of the environment. Others are not read: one not in UTF-8
/// (a Latin-1 value anywhere in a CI's environment) is none of rolecall's business, while
/// one of rolecall's not in UTF-8 is an error naming it. An empty one is as if unset
/// (`${{ vars.TZ }}` in a workflow, with the variable not defined).
fn rolecall_env() -> Result<Vec<(String, String)>> {
    let mut env = Vec::new();
    for (k, v) in std::env::vars_os() {
        let Some(k) = k.to_str().filter(|k| k.starts_with("ROLECALL_")) else { continue };
        // Paths the command line reads as it reads `-c` and `-o`: any bytes will do.
        if matches!(k, "ROLECALL_CONFIG" | "ROLECALL_OUT") {
            continue;
        }
        let v = v.into_string().map_err(|_| Error::Config {
            at: format!("environment variable {k}"),
            message: "not UTF-8: write its value in UTF-8".into(),
        })?;
        if !v.is_empty() {
            env.push((k.to_string(), v));
        }
    }
    env.sort();
    Ok(env)
}

impl Config {
    /// Reads the config: `explicit` (from `-c`) must exist; otherwise `rolecall.toml` in
    /// the current directory is used when present. Environment overrides apply either way.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let env = rolecall_env()?;
        match explicit {
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| Error::read(&shown, &e))?;
                Config::from_parts(&shown, &text, &env)
            }
            None if Path::new(DEFAULT_FILE).is_file() => {
                let text = std::fs::read_to_string(DEFAULT_FILE)
                    .map_err(|e| Error::read(DEFAULT_FILE, &e))?;
                Config::from_parts(DEFAULT_FILE, &text, &env)
            }
            None => Config::from_parts(NO_FILE, "", &env),
        }
    }

    /// Parses `text` (named `origin` in errors), then applies `ROLECALL_*` overrides.
    pub fn from_parts(origin: &str, text: &str, env: &[(String, String)]) -> Result<Config> {
        let config = Config::parse(origin, text, env)?;
        config.check_ranges()?;
        config.check_github_sources()?;
        config.check_source_values()?;
        if config.report.thresholds.lookahead_days.is_some() {
            tracing::warn!(
                "{origin}: [report.thresholds] lookahead-days is no longer used: \"due next week\" is the ISO week after the report's"
            );
        }
        Ok(config)
    }

    fn parse(origin: &str, text: &str, env: &[(String, String)]) -> Result<Config> {
        // Typed parse of the file alone first: its errors carry spans into the file.
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        config.origin = origin.to_string();
        config.text = text.to_string();
        let overrides: Vec<_> =
            env.iter().filter(|(k, _)| !ENV_NOT_KEYS.contains(&k.as_str())).collect();
        if overrides.is_empty() {
            return Ok(config);
        }
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| toml_error(origin, text, &e))?;
        let mut from_env = Vec::new();
        for (name, value) in &overrides {
            from_env.push((apply_env(&mut table, name, value)?, name.to_string()));
            // Check each variable alone, so the error names the one that is wrong.
            Config::deserialize(table.clone()).map_err(|e| Error::Config {
                at: format!("environment variable {name}"),
                message: explain_toml_message(e.message()),
            })?;
        }
        let mut config = Config::deserialize(table).map_err(|e| Error::Config {
            at: "environment".into(),
            message: explain_toml_message(e.message()),
        })?;
        config.origin = origin.to_string();
        config.text = text.to_string();
        config.from_env = from_env;
        Ok(config)
    }

    /// Numbers that parse but make no sense (a red line above the amber one, a history of
    /// a million weeks, a margin wider than the page) are refused, naming where they were
    /// set, rather than turning every report red or overflowing a date.
    fn check_ranges(&self) -> Result<()> {
        let t = &self.report.thresholds;
        let bad = |table: &str, key: &str, message: String| {
            Err(Error::Config { at: self.at(table, key), message })
        };
        let th = "report.thresholds";
        for (key, v, lo, hi, what) in [
            ("due-soon-days", t.due_soon_days, 0, 365, "days"),
            ("stale-days", t.stale_days, 1, 3650, "days"),
            ("blocker-days", t.blocker_days, 0, 3650, "days"),
            ("throughput-weeks", t.throughput_weeks as i64, 1, 104, "weeks"),
            ("flow-weeks", t.flow_weeks as i64, 1, 520, "weeks"),
            ("forecast-weeks", t.forecast_weeks as i64, 4, 26, "weeks of throughput"),
        ] {
            if !(lo..=hi).contains(&v) {
                return bad(th, key, format!("{key} = {v} is out of range ({lo} to {hi} {what})"));
            }
        }
        for (key, v, hi) in [
            ("red-below", t.red_below, 2.0),
            ("amber-below", t.amber_below, 2.0),
            ("overdue-red-share", t.overdue_red_share, 1.0),
            ("ageing-red-share", t.ageing_red_share, 1.0),
            ("ageing-amber-share", t.ageing_amber_share, 1.0),
            ("forecast-red-below", t.forecast_red_below, 1.0),
            ("forecast-amber-below", t.forecast_amber_below, 1.0),
        ] {
            if !(0.0..=hi).contains(&v) {
                let what =
                    if hi == 1.0 { "a share between 0 and 1" } else { "a ratio between 0 and 2" };
                return bad(th, key, format!("{key} = {v} is not {what}"));
            }
        }
        // Whether a key of the thresholds is written (in the file or a variable): an
        // error between two keys names the one written, as a default has no line.
        let written =
            |k: &str| self.env_var(th, k).is_some() || line_of(&self.text, th, k).is_some();
        // Red is the worse status: its line is below amber's (a share of work, above).
        for (red, amber, r, a) in [
            ("red-below", "amber-below", t.red_below, t.amber_below),
            (
                "forecast-red-below",
                "forecast-amber-below",
                t.forecast_red_below,
                t.forecast_amber_below,
            ),
        ] {
            if r > a {
                // Named where the one a variable set is, if either: that is what changed.
                return bad(
                    th,
                    if self.env_var(th, amber).is_some() || (written(amber) && !written(red)) {
                        amber
                    } else {
                        red
                    },
                    format!("{red} = {r} is above {amber} = {a}: nothing could be amber"),
                );
            }
        }
        if t.ageing_amber_share > t.ageing_red_share {
            return bad(
                th,
                if written("ageing-amber-share") || !written("ageing-red-share") {
                    "ageing-amber-share"
                } else {
                    "ageing-red-share"
                },
                format!(
                    "ageing-amber-share = {} is above ageing-red-share = {}: nothing could be amber",
                    t.ageing_amber_share, t.ageing_red_share
                ),
            );
        }
        for (i, m) in self.milestones.iter().enumerate() {
            // Looked up by title, whatever its case: a second entry would silently win.
            if let Some(first) =
                self.milestones[..i].iter().position(|x| x.title.eq_ignore_ascii_case(&m.title))
            {
                let line = |n: usize| entry_line(&self.text, "milestone", n, "title");
                return Err(Error::Config {
                    at: match line(i) {
                        Some((l, c)) => format!("{}:{l}:{c}", self.origin),
                        None => format!("{}: [[milestone]] `{}`", self.origin, m.title),
                    },
                    message: format!(
                        "a second [[milestone]] titled \"{}\"{}; merge the two entries into one",
                        m.title,
                        line(first)
                            .map(|(l, _)| format!(" (the first is on line {l})"))
                            .unwrap_or_default()
                    ),
                });
            }
            if let (Some(start), Some(due)) = (m.start, m.due) {
                if start.0 > due.0 {
                    return Err(Error::Config {
                        at: format!("{}: [[milestone]] `{}`", self.origin, m.title),
                        message: format!(
                            "start = {} is after due = {}: the time gone could not be measured",
                            start.0, due.0
                        ),
                    });
                }
            }
        }
        let margin = self.report.pdf.margin_mm;
        if !(0.0..=50.0).contains(&margin) {
            return bad(
                "report.pdf",
                "margin-mm",
                format!("margin-mm = {margin} is out of range (0 to 50 mm)"),
            );
        }
        let language = &self.report.pdf.language;
        if !crate::text::is_language_tag(language) {
            return bad(
                "report.pdf",
                "language",
                format!(
                    "language = {language:?} is not a language tag such as \"en\" or \"de-CH\""
                ),
            );
        }
        for (i, source) in self.sources.iter().enumerate() {
            // Settings are looked up by spec: a second entry would be silently ignored, and
            // one file read twice is listed twice in every report.
            if let Some(first) =
                self.sources[..i].iter().position(|s| same_source(&s.spec, &source.spec))
            {
                let first_at = match source_line(&self.text, first, "spec") {
                    Some((line, _)) => format!("the first is on line {line}"),
                    None => "given before".into(),
                };
                let first_spec = &self.sources[first].spec;
                return Err(Error::Config {
                    at: self.at_source(i, "spec"),
                    message: if *first_spec == source.spec {
                        format!(
                            "a second [[source]] with spec = \"{}\" ({first_at}); merge the two entries into one",
                            source.spec
                        )
                    } else {
                        format!(
                            "a second [[source]] for the same file: spec = \"{}\" reads what spec = \"{first_spec}\" reads ({first_at}); merge the two entries into one",
                            source.spec
                        )
                    },
                });
            }
            // An empty separator splits every label into its letters.
            if source.label_separator.as_deref() == Some("") {
                return Err(Error::Config {
                    at: self.at_source(i, "label-separator"),
                    message: "label-separator is empty, which would split every label into single characters; write the text between labels (\";\", \"|\") or remove the key for the default \",\"".into(),
                });
            }
        }
        if self.github.concurrency == 0 || self.github.concurrency > 32 {
            return bad(
                "github",
                "concurrency",
                format!("concurrency = {} is out of range (1 to 32)", self.github.concurrency),
            );
        }
        Ok(())
    }

    /// A `[[source]]` key a GitHub source would ignore is refused: whoever wrote it meant
    /// something by it, and a silent no-op would leave them believing it took effect.
    fn check_github_sources(&self) -> Result<()> {
        for (index, s) in self.sources.iter().enumerate() {
            let kind = s.spec.split_once(':').map_or("", |(k, _)| k);
            if !matches!(kind, "github" | "github-project") {
                continue;
            }
            let why = [
                (
                    "base-url",
                    s.base_url.is_some(),
                    "items link to GitHub's own pages; the API's address is `[github] api-url`",
                ),
                (
                    "timezone",
                    s.timezone.is_some(),
                    "GitHub's timestamps carry their zone; the weeks' zone is the top-level `timezone`",
                ),
                ("date-order", s.date_order.is_some(), "GitHub's dates are never ambiguous"),
            ];
            if let Some((key, _, why)) = why.into_iter().find(|(_, set, _)| *set) {
                return Err(Error::Config {
                    at: self.at_source(index, key),
                    message: format!(
                        "`{key}` does not apply to a {kind}: source ({why}): remove it"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Values of `[[source]]` entries and `[jira]` that would only fail, or mislead, once
    /// the data is read are refused where they are written.
    fn check_source_values(&self) -> Result<()> {
        for (index, s) in self.sources.iter().enumerate() {
            // A mapping is read only for `csv:` (a bare path that is not JSON is one).
            let kind = match s.spec.split_once(':') {
                Some((k, _)) if k.len() > 1 => k,
                _ if s.spec.to_ascii_lowercase().ends_with(".json") => "snapshot",
                _ => "csv",
            };
            if kind != "csv" {
                let set = std::iter::once(("format", s.format.as_deref()))
                    .chain(s.mapping_keys())
                    .chain([
                        ("id-prefix", s.id_prefix.as_deref()),
                        ("label-separator", s.label_separator.as_deref()),
                        ("date-format", s.date_format.as_deref()),
                    ])
                    .find(|(_, v)| v.is_some());
                if let Some((key, _)) = set {
                    let path = s.spec.split_once(':').map_or(s.spec.as_str(), |(_, p)| p);
                    return Err(Error::Config {
                        at: self.at_source_line(index, key),
                        message: format!(
                            "`{key}` applies only to `csv:` sources (`format` and column mappings), and this one is `{kind}:`, read by its own importer: remove `{key}`, or write spec = \"csv:{path}\" to map the columns yourself"
                        ),
                    });
                }
            }
            // Ids are `PREFIX:KEY`, and `source:KEY` is how the command line names one: a
            // space or a colon in the prefix would make ids that read as something else.
            if let Some(prefix) = &s.id_prefix {
                let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
                if prefix.is_empty() || !prefix.chars().all(allowed) {
                    return Err(Error::Config {
                        at: self.at_source_line(index, "id-prefix"),
                        message: format!(
                            "id-prefix = \"{prefix}\": only letters, digits, `-`, `_` and `.` are allowed (items get the id PREFIX:KEY, so a space or `:` would make ids that read as something else)"
                        ),
                    });
                }
            }
            if let Some(format) = &s.date_format {
                if let Some(why) = bad_date_format(format) {
                    return Err(Error::Config {
                        at: self.at_source_line(index, "date-format"),
                        message: format!("date-format \"{format}\": {why}"),
                    });
                }
            }
        }
        // Without a scheme, every item's link would be relative (a broken link in a
        // report read anywhere but on the tracker's site).
        let links = self.sources.iter().enumerate().filter_map(|(i, s)| {
            s.base_url.as_deref().map(|u| (self.at_source_line(i, "base-url"), "base-url", u))
        });
        let jira = self.jira.url.as_deref().map(|u| (self.at_line("jira", "url"), "url", u));
        for (at, key, url) in jira.into_iter().chain(links) {
            let lower = url.trim().to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                return Err(Error::Config {
                    at,
                    message: format!(
                        "{key} = \"{url}\" is not a web address: write it with its scheme, \"https://{}\" (items link to {key}/browse/KEY)",
                        url.trim().trim_start_matches('/')
                    ),
                });
            }
        }
        Ok(())
    }

    /// [`Config::at`] as `file:line`, the form of a value's error.
    fn at_line(&self, table: &str, key: &str) -> String {
        match (self.env_var(table, key), line_of(&self.text, table, key)) {
            (None, Some((line, _))) => format!("{}:{line}", self.origin),
            _ => self.at(table, key),
        }
    }

    /// [`Config::at_source`] as `file:line`, the form of a value's error.
    fn at_source_line(&self, index: usize, key: &str) -> String {
        match source_line(&self.text, index, key) {
            Some((line, _)) => format!("{}:{line}", self.origin),
            None => self.at_source(index, key),
        }
    }

    /// The `ROLECALL_*` variable that set `key` of `table`, if one did (the last wins).
    fn env_var(&self, table: &str, key: &str) -> Option<&str> {
        let path: Vec<&str> =
            table.split('.').filter(|s| !s.is_empty()).chain(std::iter::once(key)).collect();
        self.from_env.iter().rev().find(|(p, _)| *p == path).map(|(_, var)| var.as_str())
    }

    /// Where the setting `key` of the table `table` (`"report.thresholds"`, `""` for the
    /// top level) was given, for an error about its value: the `ROLECALL_*` variable that
    /// set it, else `file:line:column` of the key in the file, else `file: [table]`.
    pub fn at(&self, table: &str, key: &str) -> String {
        if let Some(var) = self.env_var(table, key) {
            return format!("environment variable {var}");
        }
        match line_of(&self.text, table, key) {
            Some((line, col)) => format!("{}:{line}:{col}", self.origin),
            None if table.is_empty() => self.origin.clone(),
            None => format!("{}: [{table}]", self.origin),
        }
    }

    /// Where `key` of the `index`th `[[source]]` entry (from 0) is written: `file:line:col`,
    /// else the entry's `spec` line, else the file, for an error about that entry.
    pub fn at_source(&self, index: usize, key: &str) -> String {
        match source_line(&self.text, index, key).or_else(|| source_line(&self.text, index, "spec"))
        {
            Some((line, col)) => format!("{}:{line}:{col}", self.origin),
            None => format!("{}: [[source]] `{}`", self.origin, self.sources[index].spec),
        }
    }

    /// Where `key` of the `[[source]]` entry for `spec` is written (see [`Config::at_source`]).
    pub fn at_source_spec(&self, spec: &str, key: &str) -> String {
        match self.source_index(spec) {
            Some(index) => self.at_source(index, key),
            None => self.origin.clone(),
        }
    }

    /// Settings for a source given on the command line: its `[[source]]` entry if any,
    /// written the same or naming the same path the same kind of way (`csv:./a.csv` is
    /// the entry `csv:a.csv`).
    pub fn source(&self, spec: &str) -> Option<&SourceConfig> {
        self.source_index(spec).map(|i| &self.sources[i])
    }

    /// Where `key` of the `index`th entry of the array of tables `array` (`team`) is
    /// written, as `file:line`, else the file, for a warning about that entry.
    pub fn at_entry_line(&self, array: &str, index: usize, key: &str) -> String {
        match entry_line(&self.text, array, index, key) {
            Some((line, _)) => format!("{}:{line}", self.origin),
            None => format!("{}: [[{array}]] #{}", self.origin, index + 1),
        }
    }

    /// The entries of the top-level `status-map` (`None`) or of the `index`th
    /// `[[source]]`'s, each as written and where (`file:line`, or the variable that set
    /// it), in the file's order.
    pub fn status_map_entries(&self, source: Option<usize>) -> Vec<(String, String)> {
        use toml::de::{DeTable, DeValue};
        let map = match source {
            None => &self.status_map,
            Some(i) => &self.sources[i].status_map,
        };
        let mut found: Vec<(String, String)> = Vec::new();
        if let Ok(parsed) = DeTable::parse(&self.text) {
            let table = match source {
                None => parsed.get_ref().get("status-map").map(|v| v.get_ref()),
                Some(i) => match parsed.get_ref().get("source").map(|v| v.get_ref()) {
                    Some(DeValue::Array(a)) => a
                        .get(i)
                        .and_then(|e| e.get_ref().as_table())
                        .and_then(|t| t.get("status-map"))
                        .map(|v| v.get_ref()),
                    _ => None,
                },
            };
            if let Some(DeValue::Table(t)) = table {
                for (k, _) in t.iter() {
                    let (line, _) = line_col(&self.text, k.span().start);
                    found.push((k.get_ref().to_string(), format!("{}:{line}", self.origin)));
                }
            }
        }
        // Set by a variable (or a file not read as text): named as the config names it.
        for key in map.0.keys() {
            if !found.iter().any(|(k, _)| k.trim().to_lowercase() == *key) {
                let at = match source {
                    None => self.at("status-map", key),
                    Some(i) => self.at_source(i, "status-map"),
                };
                found.push((key.clone(), at));
            }
        }
        // Only what the map holds (a later variable may have replaced a line's state).
        found.retain(|(k, _)| map.0.contains_key(&k.trim().to_lowercase()));
        found
    }

    /// The `[[source]]` entry (from 0) whose settings a spec gets, if any.
    pub fn source_position(&self, spec: &str) -> Option<usize> {
        self.source_index(spec)
    }

    fn source_index(&self, spec: &str) -> Option<usize> {
        (self.sources.iter().position(|s| s.spec == spec))
            .or_else(|| self.sources.iter().position(|s| same_spec(&s.spec, spec)))
    }
}

/// Two specs of the same kind whose paths are the same once `.` steps and doubled
/// separators are left out (no file system: `a.csv` and `/abs/a.csv` differ). A bare
/// path is the kind the command line reads it as: `a.csv` is `csv:a.csv`.
fn same_spec(a: &str, b: &str) -> bool {
    let split = |s: &str| {
        // A bare path (`-s exports/a.csv`, `C:\a.csv`) is `csv:` (`snapshot:` for JSON),
        // as the command line reads it.
        match s.split_once(':') {
            Some((k, p)) if k.len() > 1 => Some((k.to_string(), p.to_string())),
            _ if s.is_empty() => None,
            _ if s.to_ascii_lowercase().ends_with(".json") => {
                Some(("snapshot".to_string(), s.to_string()))
            }
            _ => Some(("csv".to_string(), s.to_string())),
        }
    };
    let (Some((ka, pa)), Some((kb, pb))) = (split(a), split(b)) else {
        return false;
    };
    let parts = |p: &str| -> Vec<std::ffi::OsString> {
        std::path::Path::new(p)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_os_string())
            .collect()
    };
    ka == kb && !pa.is_empty() && parts(&pa) == parts(&pb)
}

/// Whether two specs read the same thing: the same spec however its path is written
/// ([`same_spec`]), or two specs of files (any kinds: `jira:a.csv` and `csv:./a.csv`)
/// whose paths are the same, or name the same file once resolved (links, `..`).
pub fn same_source(a: &str, b: &str) -> bool {
    if a == b || same_spec(a, b) {
        return true;
    }
    // The file's path, when the spec names a file (a bare path is one); `None` for
    // GitHub's repositories and projects.
    let path = |s: &str| -> Option<String> {
        match s.split_once(':') {
            Some(("github" | "github-project", _)) => None,
            Some((k, p)) if k.len() > 1 => Some(p.to_string()).filter(|p| !p.is_empty()),
            _ => Some(s.to_string()).filter(|p| !p.is_empty()),
        }
    };
    let (Some(pa), Some(pb)) = (path(a), path(b)) else {
        return false;
    };
    if same_spec(&format!("csv:{pa}"), &format!("csv:{pb}")) {
        return true;
    }
    match (std::fs::canonicalize(&pa), std::fs::canonicalize(&pb)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Why a `date-format` could read no date, if it could not: a `%` directive chrono does
/// not know (`%Q`), or a `%` at the end.
fn bad_date_format(format: &str) -> Option<String> {
    use chrono::format::{Item, StrftimeItems};
    if !StrftimeItems::new(format).any(|i| matches!(i, Item::Error)) {
        return None;
    }
    // The first directive that is an error on its own: `%` and up to 3 more characters
    // (`%-d`, `%.3f`, `%::z`), the shortest that is valid.
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            i += 1;
            continue;
        }
        let valid = (2..=5).filter(|n| i + n <= chars.len()).find(|&n| {
            let d: String = chars[i..i + n].iter().collect();
            !StrftimeItems::new(&d).any(|x| matches!(x, Item::Error))
        });
        match valid {
            Some(n) => i += n,
            None => {
                let d: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                return Some(if d == "%" {
                    "it ends in a lone `%` (write `%%` for a percent sign)".into()
                } else {
                    format!(
                        "{d} is not a date directive (use chrono's strftime directives: %d day, %m month, %Y year, %H:%M hour and minute, %b month name)"
                    )
                });
            }
        }
    }
    Some("it is not a valid strftime format".into())
}

/// `ROLECALL_DATE_ORDER=day-first` sets `date-order`; a double underscore goes one table
/// deeper: `ROLECALL_STATUS_MAP__PARKED=cancelled` sets `status-map.parked`.
fn apply_env(table: &mut toml::Table, name: &str, value: &str) -> Result<Vec<String>> {
    let raw: Vec<String> = name["ROLECALL_".len()..].split("__").map(str::to_lowercase).collect();
    // Table keys are kebab-case; keys inside a status map are status names, whose words
    // are separated by spaces (`ROLECALL_STATUS_MAP__ON_HOLD` maps "on hold").
    let path: Vec<String> = raw
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let in_status_map = i > 0 && raw[i - 1] == "status_map";
            if in_status_map {
                part.replace('_', " ")
            } else {
                part.replace('_', "-")
            }
        })
        .collect();
    // A value is read as TOML when it is one (`true`, `3`, `["a"]`), else as a string.
    let parsed: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()));
    let (last, parents) = path.split_last().ok_or_else(|| Error::Config {
        at: format!("environment variable {name}"),
        message: "names no key".into(),
    })?;
    let mut cur = table;
    for key in parents {
        cur = cur
            .entry(key.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| Error::Config {
                at: format!("environment variable {name}"),
                message: format!("`{key}` is not a table"),
            })?;
    }
    cur.insert(last.clone(), parsed);
    Ok(path)
}

/// Line and column of `key` in the table `table` (a dotted path; `""` for the top; the
/// first of an array of tables) of a TOML text, found by parsing it, so that a `[table]`
/// line inside a multi-line string, a dotted key or an inline table is read as TOML reads
/// it; `None` when the key is not written there, and the caller names the table instead.
fn line_of(text: &str, table: &str, key: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let parsed = DeTable::parse(text).ok()?;
    let mut current: &DeTable = parsed.get_ref();
    for part in table.split('.').filter(|p| !p.is_empty()) {
        current = match current.get(part)?.get_ref() {
            DeValue::Table(t) => t,
            DeValue::Array(a) => a.first()?.get_ref().as_table()?,
            _ => return None,
        };
    }
    let (found, _) = current.get_key_value(key)?;
    Some(line_col(text, found.span().start))
}

/// Line and column of `key` in the `index`th `[[source]]` entry of a TOML text.
fn source_line(text: &str, index: usize, key: &str) -> Option<(usize, usize)> {
    entry_line(text, "source", index, key)
}

/// Line and column of `key` in the `index`th entry of the array of tables `array`.
fn entry_line(text: &str, array: &str, index: usize, key: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let parsed = DeTable::parse(text).ok()?;
    let DeValue::Array(entries) = parsed.get_ref().get(array)?.get_ref() else {
        return None;
    };
    let entry = entries.get(index)?.get_ref().as_table()?;
    let (found, _) = entry.get_key_value(key)?;
    Some(line_col(text, found.span().start))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    (line, col)
}

pub(crate) fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> Error {
    let at = match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{origin}:{line}:{col}")
        }
        None => origin.to_string(),
    };
    Error::Config { at, message: explain_toml_message(e.message()) }
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into
/// "unknown key `x` (did you mean `a`?)", and otherwise keeps the message.
fn explain_toml_message(message: &str) -> String {
    let message = message.trim();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match crate::text::nearest(unknown, valid.iter().copied()) {
        Some(near) => format!("unknown key `{unknown}` (did you mean `{near}`?)"),
        None if valid.is_empty() => format!("unknown key `{unknown}` (this table takes no keys)"),
        None => format!(
            "unknown key `{unknown}` (valid keys: {})",
            valid.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::State;

    fn err(text: &str, env: &[(&str, &str)]) -> String {
        let env: Vec<_> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_parts("rolecall.toml", text, &env).expect_err("should fail").to_string()
    }

    #[test]
    fn defaults_without_a_file() {
        let c = Config::from_parts(NO_FILE, "", &[]).expect("defaults load");
        assert_eq!(c.timezone.0, Tz::UTC);
        assert!(c.sources.is_empty());
    }

    /// `-s csv:./exports/t.csv` gets the settings of `spec = "csv:exports/t.csv"` (its
    /// column mapping): same kind, same path once `./` is left out.
    #[test]
    fn a_source_entry_is_found_however_its_path_is_written() {
        let text = "[[source]]\nspec = \"csv:exports/t.csv\"\ntimezone = \"Europe/Berlin\"\n";
        let c = Config::from_parts("rolecall.toml", text, &[]).expect("loads");
        for same in [
            "csv:exports/t.csv",
            "csv:./exports/t.csv",
            "csv:exports//t.csv",
            "csv:exports/./t.csv",
            // A bare path is `csv:`, as `-s` reads it.
            "exports/t.csv",
            "./exports/t.csv",
        ] {
            assert!(c.source(same).is_some(), "{same}");
        }
        for other in [
            "jira:exports/t.csv",
            "csv:t.csv",
            "csv:/exports/t.csv",
            "csv:exports/t.csv2",
            "csv:",
            "t.csv",
            "",
        ] {
            assert!(c.source(other).is_none(), "{other}");
        }
        assert_eq!(c.at_source_spec("csv:./exports/t.csv", "timezone"), "rolecall.toml:3:1");
    }

    #[test]
    fn unknown_key_names_line_and_nearest_key() {
        let e = err("timezone = \"UTC\"\ndate-ordr = \"day-first\"\n", &[]);
        assert_eq!(e, "rolecall.toml:2:1: unknown key `date-ordr` (did you mean `date-order`?)");
        let e = err("[[source]]\nspec = \"jira:a.csv\"\nstatus_map = {}\n", &[]);
        assert_eq!(e, "rolecall.toml:3:1: unknown key `status_map` (did you mean `status-map`?)");
    }

    /// Numbers that would overflow a date, turn every report red or push the page off the
    /// paper are refused where they were written: the file's line, or the variable.
    #[test]
    fn senseless_numbers_are_refused_where_set() {
        let e = err("[report.thresholds]\nthroughput-weeks = 100000000\n", &[]);
        assert_eq!(
            e,
            "rolecall.toml:2:1: throughput-weeks = 100000000 is out of range (1 to 104 weeks)"
        );
        let e = err("[report]\n[report.thresholds]\nflow-weeks = 0\n", &[]);
        assert!(e.starts_with("rolecall.toml:3:1: flow-weeks = 0 is out of range"), "{e}");
        let e = err("[report.thresholds]\nred-below = 1.5\namber-below = 0.2\n", &[]);
        assert_eq!(
            e,
            "rolecall.toml:2:1: red-below = 1.5 is above amber-below = 0.2: nothing could be amber"
        );
        // Found as TOML reads the file: not a `[table]` line inside a multi-line string,
        // and also when written as a dotted key or an inline table.
        let text = "[report]\ntitle = \"\"\"\n[report.thresholds]\nflow-weeks = 0\n\"\"\"\n\
                    [report.thresholds]\nflow-weeks = 0\n";
        let e = err(text, &[]);
        assert!(e.starts_with("rolecall.toml:7:1: flow-weeks = 0 is out of range"), "{e}");
        let e = err("[report]\nthresholds.flow-weeks = 0\n", &[]);
        assert!(e.starts_with("rolecall.toml:2:12: flow-weeks = 0 is out of range"), "{e}");
        let e = err("report = { thresholds = { flow-weeks = 0 } }\n", &[]);
        assert!(e.starts_with("rolecall.toml:1:27: flow-weeks = 0 is out of range"), "{e}");
        // Against a default, the key that is written is named, with its line.
        let e = err("[report.thresholds]\nageing-red-share = 0.2\n", &[]);
        assert!(e.starts_with("rolecall.toml:2:1: ageing-amber-share = 0.25 is above"), "{e}");
        let e = err("[report.thresholds]\namber-below = 0.1\n", &[]);
        assert!(e.starts_with("rolecall.toml:2:1: red-below = "), "{e}");
        let text = "[[milestone]]\ntitle = \"R1\"\ndue = 2026-12-31\n\n[[milestone]]\ntitle = \"r1\"\ndue = 2027-12-31\n";
        let e = err(text, &[]);
        assert_eq!(e, "rolecall.toml:6:1: a second [[milestone]] titled \"r1\" (the first is on line 2); merge the two entries into one");
        let e = err("[report.thresholds]\nred-below = nan\n", &[]);
        assert!(e.contains("red-below = NaN is not a ratio between 0 and 2"), "{e}");
        let e = err("[report.pdf]\nmargin-mm = 500\n", &[]);
        assert!(e.starts_with("rolecall.toml:2:1: margin-mm = 500 is out of range"), "{e}");
        let e = err("[report.pdf]\nlanguage = \"en GB\"\n", &[]);
        assert!(
            e.starts_with("rolecall.toml:2:1: language = \"en GB\" is not a language tag"),
            "{e}"
        );
        // Set by a variable: the variable is named, not the file (which has no such key).
        let e = err("timezone = \"UTC\"\n", &[("ROLECALL_GITHUB__CONCURRENCY", "0")]);
        assert_eq!(
            e,
            "environment variable ROLECALL_GITHUB__CONCURRENCY: concurrency = 0 is out of range (1 to 32)"
        );
        let e = err("", &[("ROLECALL_REPORT__THRESHOLDS__FORECAST_WEEKS", "3")]);
        assert!(e.starts_with("environment variable ROLECALL_REPORT__THRESHOLDS__FORECAST_WEEKS: forecast-weeks = 3"), "{e}");
        let e = err("[[milestone]]\ntitle = \"R1\"\nstart = 2026-03-01\ndue = 2026-02-01\n", &[]);
        assert_eq!(
            e,
            "rolecall.toml: [[milestone]] `R1`: start = 2026-03-01 is after due = 2026-02-01: the time gone could not be measured"
        );
        // The pair out of order through a variable: the variable is named.
        let e = err(
            "[report.thresholds]\nred-below = 0.9\n",
            &[("ROLECALL_REPORT__THRESHOLDS__AMBER_BELOW", "0.5")],
        );
        assert!(e.starts_with("environment variable ROLECALL_REPORT__THRESHOLDS__AMBER_BELOW: red-below = 0.9 is above amber-below = 0.5"), "{e}");
        // The defaults pass.
        assert!(Config::from_parts("rolecall.toml", "", &[]).is_ok());
    }

    /// An empty label separator would turn `bug` into the labels `b`, `u`, `g`.
    #[test]
    fn an_empty_label_separator_is_refused_where_written() {
        let text = "[[source]]\nspec = \"csv:a.csv\"\nkey = \"K\"\n\n[[source]]\nspec = \"csv:b.csv\"\nkey = \"K\"\nlabel-separator = \"\"\n";
        let e = err(text, &[]);
        assert!(e.starts_with("rolecall.toml:8:1: label-separator is empty, which would split every label into single characters"), "{e}");
        let ok = text.replace("label-separator = \"\"", "label-separator = \" \"");
        assert!(Config::from_parts("rolecall.toml", &ok, &[]).is_ok());
    }

    /// Two entries for one spec: the second's settings would be ignored without a word.
    #[test]
    fn a_spec_given_twice_is_refused_naming_both_lines() {
        let text = "[[source]]\nspec = \"csv:a.csv\"\nkey = \"K\"\n\n[[source]]\nspec = \"jira:b.csv\"\n\n[[source]]\nspec = \"csv:a.csv\"\ntitle = \"T\"\n";
        assert_eq!(
            err(text, &[]),
            "rolecall.toml:9:1: a second [[source]] with spec = \"csv:a.csv\" (the first is on line 2); merge the two entries into one"
        );
    }

    /// The same file under two spellings or two kinds would be read, and listed, twice.
    #[test]
    fn one_file_under_two_specs_is_refused_naming_both_lines() {
        let text = "[[source]]\nspec = \"jira:exports/j.csv\"\n\n[[source]]\nspec = \"jira:./exports/j.csv\"\n";
        assert_eq!(
            err(text, &[]),
            "rolecall.toml:5:1: a second [[source]] for the same file: spec = \"jira:./exports/j.csv\" reads what spec = \"jira:exports/j.csv\" reads (the first is on line 2); merge the two entries into one"
        );
        let e = err(&text.replace("jira:./", "csv:"), &[]);
        assert!(e.starts_with("rolecall.toml:5:1: a second [[source]] for the same file: spec = \"csv:exports/j.csv\""), "{e}");
        // Found through the file system too: `..` steps back to the same file.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("a.csv"), "x\n").expect("write");
        let a = dir.path().join("a.csv");
        let b = dir.path().join("sub").join("..").join("a.csv");
        assert!(same_source(&format!("jira:{}", a.display()), &format!("csv:{}", b.display())));
        // Different files, and repositories, are not the same.
        assert!(!same_source("jira:a.csv", "jira:b.csv"));
        assert!(!same_source("github:o/a.csv", "csv:o/a.csv"));
        assert!(Config::from_parts(
            "rolecall.toml",
            "[[source]]\nspec = \"jira:a.csv\"\n[[source]]\nspec = \"csv:b.csv\"\n",
            &[]
        )
        .is_ok());
    }

    /// A date-format chrono cannot read would be blamed on every row of the data.
    #[test]
    fn a_bad_date_format_is_refused_where_written() {
        let text = "[[source]]\nspec = \"csv:a.csv\"\nkey = \"K\"\ndate-format = \"%d.%m.%Q\"\n";
        assert_eq!(
            err(text, &[]),
            "rolecall.toml:4: date-format \"%d.%m.%Q\": %Q is not a date directive (use chrono's strftime directives: %d day, %m month, %Y year, %H:%M hour and minute, %b month name)"
        );
        let e = err(&text.replace("%d.%m.%Q", "%d.%m.%Y %"), &[]);
        assert!(e.ends_with("it ends in a lone `%` (write `%%` for a percent sign)"), "{e}");
        for ok in ["%d.%m.%Y %H:%M", "%-d/%-m/%Y", "%Y-%m-%dT%H:%M:%S%.3f%:z", "%d %b %Y 100%%"] {
            let text = text.replace("%d.%m.%Q", ok);
            assert!(Config::from_parts("rolecall.toml", &text, &[]).is_ok(), "{ok}");
        }
    }

    /// `acme.atlassian.net` without `https://` made every item's link relative.
    #[test]
    fn a_site_address_without_a_scheme_is_refused_where_written() {
        assert_eq!(
            err("timezone = \"UTC\"\n[jira]\nurl = \"acme.atlassian.net\"\n", &[]),
            "rolecall.toml:3: url = \"acme.atlassian.net\" is not a web address: write it with its scheme, \"https://acme.atlassian.net\" (items link to url/browse/KEY)"
        );
        let e = err("[[source]]\nspec = \"jira:a.csv\"\nbase-url = \"acme.atlassian.net/\"\n", &[]);
        assert!(
            e.starts_with(
                "rolecall.toml:3: base-url = \"acme.atlassian.net/\" is not a web address"
            ),
            "{e}"
        );
        let e = err("", &[("ROLECALL_JIRA__URL", "acme.atlassian.net")]);
        assert!(e.starts_with("environment variable ROLECALL_JIRA__URL: url = "), "{e}");
        let ok = "[jira]\nurl = \"https://acme.atlassian.net\"\n[[source]]\nspec = \"jira:a.csv\"\nbase-url = \"HTTP://jira.local\"\n";
        assert!(Config::from_parts("rolecall.toml", ok, &[]).is_ok());
    }

    /// `re tail:x` made ids `re tail:x:RETAIL-76`, which read as another source's.
    #[test]
    fn an_id_prefix_with_a_space_or_colon_is_refused() {
        let text = "[[source]]\nspec = \"csv:a.csv\"\nkey = \"K\"\nid-prefix = \"re tail:x\"\n";
        assert_eq!(
            err(text, &[]),
            "rolecall.toml:4: id-prefix = \"re tail:x\": only letters, digits, `-`, `_` and `.` are allowed (items get the id PREFIX:KEY, so a space or `:` would make ids that read as something else)"
        );
        assert!(err(&text.replace("re tail:x", ""), &[])
            .starts_with("rolecall.toml:4: id-prefix = \"\""));
        for ok in ["retail", "help-desk_2.0", "Kundendienst-Ü"] {
            let text = text.replace("re tail:x", ok);
            assert!(Config::from_parts("rolecall.toml", &text, &[]).is_ok(), "{ok}");
        }
    }

    /// A mapping key on a `jira:` source named neither its line nor the key.
    #[test]
    fn a_mapping_key_on_another_kind_of_source_is_refused_where_written() {
        let text = "[[source]]\nspec = \"jira:exports/j.csv\"\nbase-url = \"https://a.test\"\ntitle = \"Summary\"\n";
        assert_eq!(
            err(text, &[]),
            "rolecall.toml:4: `title` applies only to `csv:` sources (`format` and column mappings), and this one is `jira:`, read by its own importer: remove `title`, or write spec = \"csv:exports/j.csv\" to map the columns yourself"
        );
        let e = err("[[source]]\nspec = \"a.json\"\nformat = \"jira\"\n", &[]);
        assert!(e.starts_with("rolecall.toml:3: `format` applies only to `csv:` sources"), "{e}");
        let ok = "[[source]]\nspec = \"exports/j.csv\"\nkey = \"K\"\n[[source]]\nspec = \"csv:b.csv\"\nformat = \"jira\"\n";
        assert!(Config::from_parts("rolecall.toml", ok, &[]).is_ok());
    }

    #[test]
    fn bad_values_are_named() {
        let e = err("timezone = \"Mars/Olympus\"\n", &[]);
        assert!(e.starts_with("rolecall.toml:1:12: unknown time zone `Mars/Olympus`"), "{e}");
        let e = err("[status-map]\nParked = \"shelved\"\n", &[]);
        assert!(
            e.starts_with("rolecall.toml:2:10: a status maps to unknown state `shelved`"),
            "{e}"
        );
    }

    #[test]
    fn roles_and_formats_are_checked_where_they_are_written() {
        let e = err("[report]\nroles = [\"product\", \"marketing\"]\n", &[]);
        assert_eq!(
            e,
            "rolecall.toml:2:9: unknown role `marketing`; expected product, program or project"
        );
        let e = err("[report]\nformats = [\"md\", \"docx\"]\n", &[]);
        assert_eq!(e, "rolecall.toml:2:11: unknown format `docx`; expected md, json, pdf");
        let c = Config::from_parts("rolecall.toml", "[report]\nroles = [\"Program\"]\n", &[])
            .expect("loads");
        assert_eq!(c.report.roles, vec![crate::model::Role::Program]);
    }

    #[test]
    fn environment_overrides() {
        let env = vec![
            ("ROLECALL_TIMEZONE".to_string(), "Europe/Berlin".to_string()),
            ("ROLECALL_STATUS_MAP__ON_HOLD".to_string(), "cancelled".to_string()),
            ("ROLECALL_CONFIG".to_string(), "ignored.toml".to_string()),
            // Variables of the command line and secrets, not config keys (`ROLECALL_OUT`,
            // the `-o` of `report`, used to stop every run with "unknown key `out`").
            ("ROLECALL_OUT".to_string(), "reports".to_string()),
            ("ROLECALL_SMTP_PASSWORD".to_string(), "hunter2".to_string()),
            ("ROLECALL_SMTP_URL".to_string(), "smtps://me@mail.test".to_string()),
        ];
        let c = Config::from_parts("rolecall.toml", "timezone = \"UTC\"\n", &env).expect("loads");
        assert_eq!(c.timezone.0.name(), "Europe/Berlin");
        assert_eq!(c.status_map.get("On Hold"), Some(State::Cancelled));
        let c = Config::from_parts(
            "rolecall.toml",
            "",
            &[("ROLECALL_REPORT__THRESHOLDS__DUE_SOON_DAYS".to_string(), "21".to_string())],
        )
        .expect("nested kebab keys");
        assert_eq!(c.report.thresholds.due_soon_days, 21);
        let e = err("", &[("ROLECALL_TIMEZON", "UTC")]);
        assert_eq!(e, "environment variable ROLECALL_TIMEZON: unknown key `timezon` (did you mean `timezone`?)");
    }
}
