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
    /// Where this config came from (`rolecall.toml`, `(defaults)`), for errors.
    #[serde(skip)]
    pub origin: String,
    /// The file's text, so later checks (rules) can point at a line.
    #[serde(skip)]
    pub text: String,
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
            origin: "(defaults)".into(),
            text: String::new(),
        }
    }
}

impl Config {
    /// Reads the config: `explicit` (from `-c`) must exist; otherwise `rolecall.toml` in
    /// the current directory is used when present. Environment overrides apply either way.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let env: Vec<(String, String)> =
            std::env::vars().filter(|(k, _)| k.starts_with("ROLECALL_")).collect();
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
            None => Config::from_parts("(defaults)", "", &env),
        }
    }

    /// Parses `text` (named `origin` in errors), then applies `ROLECALL_*` overrides.
    pub fn from_parts(origin: &str, text: &str, env: &[(String, String)]) -> Result<Config> {
        let config = Config::parse(origin, text, env)?;
        let t = &config.report.thresholds;
        if !(4..=26).contains(&t.forecast_weeks) {
            return Err(Error::Config {
                at: format!("{origin}: [report.thresholds]"),
                message: format!(
                    "forecast-weeks = {} is out of range (4 to 26 weeks of throughput)",
                    t.forecast_weeks
                ),
            });
        }
        for (key, v) in [
            ("forecast-red-below", t.forecast_red_below),
            ("forecast-amber-below", t.forecast_amber_below),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::Config {
                    at: format!("{origin}: [report.thresholds]"),
                    message: format!("{key} = {v} is not a share between 0 and 1"),
                });
            }
        }
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
        for (name, value) in &overrides {
            apply_env(&mut table, name, value)?;
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
        Ok(config)
    }

    /// Settings for a source given on the command line: its `[[source]]` entry if any.
    pub fn source(&self, spec: &str) -> Option<&SourceConfig> {
        self.sources.iter().find(|s| s.spec == spec)
    }
}

/// `ROLECALL_DATE_ORDER=day-first` sets `date-order`; a double underscore goes one table
/// deeper: `ROLECALL_STATUS_MAP__PARKED=cancelled` sets `status-map.parked`.
fn apply_env(table: &mut toml::Table, name: &str, value: &str) -> Result<()> {
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
    Ok(())
}

pub(crate) fn toml_error(origin: &str, text: &str, e: &toml::de::Error) -> Error {
    let at = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
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
        let c = Config::from_parts("(defaults)", "", &[]).expect("defaults load");
        assert_eq!(c.timezone.0, Tz::UTC);
        assert!(c.sources.is_empty());
    }

    #[test]
    fn unknown_key_names_line_and_nearest_key() {
        let e = err("timezone = \"UTC\"\ndate-ordr = \"day-first\"\n", &[]);
        assert_eq!(e, "rolecall.toml:2:1: unknown key `date-ordr` (did you mean `date-order`?)");
        let e = err("[[source]]\nspec = \"jira:a.csv\"\nstatus_map = {}\n", &[]);
        assert_eq!(e, "rolecall.toml:3:1: unknown key `status_map` (did you mean `status-map`?)");
    }

    #[test]
    fn bad_values_are_named() {
        let e = err("timezone = \"Mars/Olympus\"\n", &[]);
        assert!(e.starts_with("rolecall.toml:1:12: unknown time zone `Mars/Olympus`"), "{e}");
        let e = err("[status-map]\nParked = \"shelved\"\n", &[]);
        assert!(e.contains("status `Parked` maps to unknown state `shelved`"), "{e}");
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
