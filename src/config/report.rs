//! `[report]` and the tables the reports read: `[report]`, `[report.thresholds]`, `[scope]`, `[[team]]`,
//! `[[milestone]]`. Every threshold a status rule uses lives here and is printed in the
//! report it shaped.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::model::{Format, Role};

/// `roles = ["product", "program"]`, with the command line's error for a wrong name.
fn roles<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Role>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names.iter().map(|n| Role::from_name(n).map_err(serde::de::Error::custom)).collect()
}

/// `formats = ["md", "pdf"]`, with the command line's error for a wrong name.
fn formats<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Format>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names.iter().map(|n| Format::from_name(n).map_err(serde::de::Error::custom)).collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReportConfig {
    /// Shown in every report's title: the organisation or programme name.
    pub title: String,
    /// Output folder; the week's reports go in `<out>/<YYYY-Www>/`.
    pub out: String,
    /// Where weekly snapshots and history live (default: `<out>/.rolecall`).
    pub state_dir: Option<String>,
    #[serde(deserialize_with = "roles")]
    pub roles: Vec<Role>,
    #[serde(deserialize_with = "formats")]
    pub formats: Vec<Format>,
    /// Lists longer than this are cut in Markdown ("and 12 more"); JSON has them all.
    pub top: usize,
    /// A folder of templates overriding the built-in ones file by file.
    pub templates: Option<String>,
    /// A folder of human notes: `<notes>/<YYYY-Www>/<role>.md`.
    pub notes: Option<String>,
    pub thresholds: Thresholds,
    /// Status names (any case) that mean an item is blocked, link or not.
    pub blocked_statuses: Vec<String>,
    /// The program report's RAID log: which labels and issue types make an item a risk,
    /// an assumption, an issue or a decision.
    pub raid: RaidConfig,
    /// Page setup of the PDF reports.
    pub pdf: PdfSettings,
}

/// `[report.pdf]`: page size, margins, and fonts for characters DejaVu lacks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfSettings {
    /// `a4` or `letter`.
    pub page: PageName,
    pub margin_mm: f32,
    /// TrueType/OpenType fonts tried in order for missing glyphs (e.g. Noto Sans CJK).
    pub fallback_fonts: Vec<String>,
    /// Keep the "owner to fill" placeholders of unfilled notes in the PDF (they are for
    /// the people who write the notes, not for the readers a PDF is sent to).
    pub placeholders: bool,
    /// The language the reports are written in (a BCP 47 tag), for screen readers: the
    /// built-in templates are English; a folder of templates in German says `de`.
    pub language: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PageName {
    A4,
    Letter,
}

impl Default for PdfSettings {
    fn default() -> Self {
        PdfSettings {
            page: PageName::A4,
            margin_mm: 18.0,
            fallback_fonts: Vec::new(),
            placeholders: false,
            language: "en".into(),
        }
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            title: String::new(),
            out: "reports".into(),
            state_dir: None,
            roles: Role::ALL.to_vec(),
            formats: vec![Format::Md, Format::Json],
            top: 10,
            templates: None,
            notes: None,
            thresholds: Thresholds::default(),
            blocked_statuses: [
                "blocked",
                "on hold",
                "on-hold",
                "impeded",
                "waiting",
                "bloqueado",
                "blockiert",
            ]
            .map(String::from)
            .to_vec(),
            pdf: PdfSettings::default(),
            raid: RaidConfig::default(),
        }
    }
}

/// The numbers behind red, amber and green.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Thresholds {
    /// A milestone due within this many days with more open than done items is red.
    pub due_soon_days: i64,
    /// Progress ÷ time elapsed below this is red…
    pub red_below: f64,
    /// …and below this amber.
    pub amber_below: f64,
    /// An item in progress and not updated for this many days is a risk.
    pub stale_days: i64,
    /// A blocker open this long goes to the leadership asks.
    pub blocker_days: i64,
    /// How many weeks of throughput to show.
    pub throughput_weeks: usize,
    /// Without dated milestones: this share or more of the open items with a due date
    /// overdue is red (any overdue is amber).
    pub overdue_red_share: f64,
    /// Weeks of finished work that make the cycle-time history flow is judged against.
    pub flow_weeks: usize,
    /// Without dates at all: this share or more of the work in progress older than 85 %
    /// of finished work took is red…
    pub ageing_red_share: f64,
    /// …and this share amber.
    pub ageing_amber_share: f64,
    /// Weeks of throughput the Monte Carlo forecast samples (4 to 26).
    pub forecast_weeks: usize,
    /// A milestone whose due date fewer than this share of forecast trials make is red…
    pub forecast_red_below: f64,
    /// …and below this share amber (0.85: amber when the 85th percentile is past due).
    pub forecast_amber_below: f64,
    /// No longer used: "due next week" is the ISO week after the report's. Accepted so
    /// that older configs load, with a warning.
    #[serde(skip_serializing)]
    pub lookahead_days: Option<i64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            due_soon_days: 14,
            red_below: 0.7,
            amber_below: 0.9,
            stale_days: 14,
            blocker_days: 7,
            throughput_weeks: 8,
            overdue_red_share: 0.25,
            flow_weeks: 12,
            ageing_red_share: 0.5,
            ageing_amber_share: 0.25,
            forecast_weeks: 12,
            forecast_red_below: 0.5,
            forecast_amber_below: 0.85,
            lookahead_days: None,
        }
    }
}

/// Which items a report counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScopeConfig {
    /// Globs on the item's project: `owner/repo` for GitHub, the project key for Jira.
    pub include_repos: Vec<String>,
    pub exclude_repos: Vec<String>,
    pub include_labels: Vec<String>,
    pub exclude_labels: Vec<String>,
    pub include_milestones: Vec<String>,
    pub exclude_milestones: Vec<String>,
    pub include_components: Vec<String>,
    pub exclude_components: Vec<String>,
    /// Count items opened by bots (dependabot, renovate, `*[bot]`).
    pub bots: bool,
    /// Author names treated as bots, besides any ending in `[bot]`.
    pub bot_authors: Vec<String>,
}

impl Default for ScopeConfig {
    fn default() -> Self {
        ScopeConfig {
            include_repos: Vec::new(),
            exclude_repos: Vec::new(),
            include_labels: Vec::new(),
            exclude_labels: Vec::new(),
            include_milestones: Vec::new(),
            exclude_milestones: Vec::new(),
            include_components: Vec::new(),
            exclude_components: Vec::new(),
            bots: false,
            bot_authors: vec!["dependabot".into(), "renovate".into(), "github-actions".into()],
        }
    }
}

/// A team or workstream, and what belongs to it. The first matching team wins; without a
/// match, the item's own team field, else its project.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TeamConfig {
    pub name: String,
    /// Globs on the project (`acme/web*`, `ACME`).
    pub repos: Vec<String>,
    pub components: Vec<String>,
    pub labels: Vec<String>,
    /// Values of the tracker's own team field that mean this team.
    pub aliases: Vec<String>,
}

/// Dates a milestone (or sprint) lacks in an export.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct MilestoneConfig {
    pub title: String,
    pub due: Option<ConfigDate>,
    pub start: Option<ConfigDate>,
    pub team: Option<String>,
}

/// A date written either as a TOML date (`2026-12-11`) or a string (`"2026-12-11"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigDate(pub NaiveDate);

impl Serialize for ConfigDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ConfigDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Toml(toml::value::Datetime),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Toml(dt) => dt.to_string(),
        };
        NaiveDate::parse_from_str(text.get(..10).unwrap_or(&text), "%Y-%m-%d")
            .map(ConfigDate)
            .map_err(|_| {
                serde::de::Error::custom(format!("`{text}` is not a date like 2026-12-11"))
            })
    }
}

/// `[report.raid]`: the RAID log's categories, each by label or issue type (any case).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RaidConfig {
    pub risks: RaidClass,
    pub assumptions: RaidClass,
    pub issues: RaidClass,
    pub decisions: RaidClass,
    /// A decision open longer than this many days goes to the leadership asks.
    pub decision_days: i64,
}

/// Labels and issue types of one RAID category.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RaidClass {
    pub labels: Vec<String>,
    pub types: Vec<String>,
}

impl RaidClass {
    fn of(labels: &[&str], types: &[&str]) -> RaidClass {
        RaidClass {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            types: types.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Default for RaidConfig {
    fn default() -> Self {
        RaidConfig {
            risks: RaidClass::of(&["risk", "at-risk"], &["risk"]),
            assumptions: RaidClass::of(&["assumption"], &["assumption"]),
            issues: RaidClass::of(
                &["incident", "problem", "impediment"],
                &["incident", "problem", "impediment"],
            ),
            decisions: RaidClass::of(&["decision", "needs-decision", "adr"], &["decision"]),
            decision_days: 14,
        }
    }
}
