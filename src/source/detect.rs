//! `csv:PATH`: which known export a header belongs to.
//!
//! Formats are tried in a fixed order, most specific header first; the first whose columns
//! are all present wins. An unknown header is an error listing every format tried and the
//! columns each expected.

use super::columns::Columns;
use super::common::listed;
use super::table::Table;
use super::{asana, github_projects, jira, linear};
use crate::error::{Error, Location, Result};

/// A format `csv:` can recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detected {
    Jira,
    Linear,
    Asana,
    GithubProjects,
}

impl Detected {
    /// The name used in `SourceInfo::format` and the spec prefix.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Detected::Jira => "jira",
            Detected::Linear => "linear",
            Detected::Asana => "asana",
            Detected::GithubProjects => "github-projects",
        }
    }

    /// As people write it.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Detected::Jira => "Jira",
            Detected::Linear => "Linear",
            Detected::Asana => "Asana",
            Detected::GithubProjects => "GitHub Projects",
        }
    }

    /// From a `format = "…"` in a `[[source]]` entry.
    pub(crate) fn from_name(name: &str) -> Option<Detected> {
        ORDER.iter().copied().find(|d| d.name() == name)
    }

    fn matches(self, cols: &Columns) -> bool {
        match self {
            Detected::Jira => jira::detect(cols),
            Detected::Linear => linear::detect(cols),
            Detected::Asana => asana::detect(cols),
            Detected::GithubProjects => github_projects::detect(cols),
        }
    }

    fn expects(self) -> String {
        match self {
            Detected::Jira => listed(jira::REQUIRED),
            Detected::Linear => listed(linear::REQUIRED),
            Detected::Asana => listed(asana::REQUIRED),
            Detected::GithubProjects => format!(
                "{} and one of {}",
                listed(github_projects::REQUIRED),
                listed(github_projects::ONE_OF)
            ),
        }
    }
}

/// The order formats are tried in.
pub(crate) const ORDER: &[Detected] =
    &[Detected::Jira, Detected::Linear, Detected::Asana, Detected::GithubProjects];

/// Which export `table` is, or an error listing what was tried.
pub(crate) fn detect(table: &Table) -> Result<Detected> {
    detect_headers(&table.path, &table.headers)
}

/// [`detect`] from a header alone (a large file read in chunks has no table).
pub(crate) fn detect_headers(path: &str, headers: &[String]) -> Result<Detected> {
    let cols = Columns::from_headers(headers);
    if let Some(found) = ORDER.iter().copied().find(|d| d.matches(&cols)) {
        return Ok(found);
    }
    let tried: Vec<String> =
        ORDER.iter().map(|d| format!("{} (needs columns {})", d.title(), d.expects())).collect();
    if let Some(language) = super::jira_l10n::language_of(headers) {
        return Err(Error::input(
            Location::file(path),
            format!(
                "a Jira export in {language}, but rolecall does not know its names for {}; found columns: {}. Export it with your Jira profile in English, or map the columns in a [[source]] entry of rolecall.toml",
                jira::REQUIRED.iter().filter(|c| !cols.has(c)).map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and "),
                super::header_summary(headers)
            ),
        ));
    }
    Err(Error::input(
        Location::file(path),
        format!(
            "unrecognised export: tried {}; found columns: {}. Name the format with a prefix such as `jira:`, `linear:`, `asana:` or `github-projects:`, or map the columns in a [[source]] entry of rolecall.toml",
            tried.join(", "),
            super::header_summary(headers)
        ),
    ))
}
