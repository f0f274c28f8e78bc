//! What the templates see: a typed context per report. `rolecall report` documents these
//! fields in the README's Templates section; strict mode makes a misspelled one an error.

use serde::Serialize;

use crate::analyse::{self, Totals};
use crate::model::Status;

/// One role's report, for its JSON file (every list in full) and, cut to `top`, for its
/// template.
#[derive(Serialize)]
#[serde(untagged)]
pub enum RoleReport<'a> {
    Product(Box<analyse::product::ProductReport<'a>>),
    Program(Box<analyse::program::ProgramReport<'a>>),
    Project(Box<analyse::project::ProjectReport<'a>>),
}

impl RoleReport<'_> {
    /// The role's status, headline and reasons.
    pub fn verdict(&self) -> &analyse::Verdict {
        match self {
            RoleReport::Product(r) => &r.verdict,
            RoleReport::Program(r) => &r.verdict,
            RoleReport::Project(r) => &r.verdict,
        }
    }
}

/// A role template's data: the report with its lists cut to `top`, the full length of
/// each list, and where the role's notes go.
#[derive(Serialize)]
pub struct RoleContext<'a> {
    #[serde(flatten)]
    pub report: RoleReport<'a>,
    /// Each list's full length, by name, for "and 12 more".
    pub totals: Totals,
    /// How many entries a list shows.
    pub top: usize,
    /// Where the notes for this role and week are read from (a hint when none are).
    pub notes_path: String,
    /// Whether `--notes` (or `[report] notes`) names a notes folder.
    pub notes_configured: bool,
    /// Whether any note slot is filled.
    pub has_notes: bool,
    /// This rendering is for the PDF: no paths of the machine that ran it.
    pub for_pdf: bool,
    /// Show "owner to fill" placeholders for unfilled notes: in Markdown; in the PDF only
    /// with `[report.pdf] placeholders = true`.
    pub placeholders: bool,
}

/// `index.md`'s data: each role's verdict in a line, and the week's numbers.
#[derive(Serialize)]
pub struct IndexContext<'a> {
    pub title: String,
    pub week: String,
    pub roles: Vec<IndexRole<'a>>,
    pub concern_mix: std::collections::BTreeMap<String, usize>,
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// How fresh the data is: the newest change the sources know of, up to `as_of`.
    pub data_as_of: chrono::DateTime<chrono::Utc>,
    pub items: usize,
    pub top: usize,
    /// This rendering is for the PDF (links go to the PDFs).
    pub for_pdf: bool,
    /// The configured time zone, in which the `date` helper reads an instant.
    pub timezone: String,
}

/// `index.json`: the week's three verdicts as data, for a bot or a CI gate that should
/// not parse Markdown or open three reports.
#[derive(Serialize)]
pub struct IndexJson<'a> {
    pub schema_version: u32,
    pub title: String,
    pub week: String,
    pub period_start: chrono::DateTime<chrono::Utc>,
    pub period_end: Option<chrono::DateTime<chrono::Utc>>,
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// Whether the data is of the whole week, not of the week so far.
    pub week_complete: bool,
    /// How fresh the data is: the newest change the sources know of, up to `as_of`.
    pub data_as_of: chrono::DateTime<chrono::Utc>,
    pub timezone: String,
    /// Items in the week's scope, and how many of each concern.
    pub items: usize,
    pub concern_mix: std::collections::BTreeMap<String, usize>,
    /// Last week's stored week compared against, if any.
    pub baseline: Option<String>,
    pub roles: Vec<IndexJsonRole<'a>>,
}

/// One role in `index.json`.
#[derive(Serialize)]
pub struct IndexJsonRole<'a> {
    /// `product`, `program` or `project`.
    pub role: &'static str,
    pub status: Status,
    pub headline: &'a str,
    pub reasons: &'a [String],
    /// The role's files in the week's folder, by format (`md`, `json`, `pdf`), those
    /// this run wrote.
    pub files: std::collections::BTreeMap<&'static str, String>,
}

/// One role's line in the index.
#[derive(Serialize)]
pub struct IndexRole<'a> {
    pub name: &'static str,
    pub file: String,
    pub status: Status,
    pub headline: &'a str,
    pub reasons: &'a [String],
    pub question: &'static str,
    /// Where the role's report is published (`[publish] report-url`, http(s) only), for
    /// links that still open when the index is forwarded without the files beside it.
    pub url: Option<String>,
}
