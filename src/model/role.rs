//! The three concerns an item can be, which are also the three roles a report is for.

use serde::{Deserialize, Serialize};

/// What an item is about: the product (what and why), the program (how and when, across
/// teams) or the project (a defined scope on schedule). Each is also a role with a report
/// of its own, so [`Role`] is the same type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Concern {
    Product,
    Program,
    Project,
}

impl Concern {
    pub const ALL: [Concern; 3] = [Concern::Product, Concern::Program, Concern::Project];

    /// When scores tie, the earlier concern here wins (and confidence is low). Program
    /// first: a tie usually means user-facing or scheduled work that also crosses systems,
    /// and cross-team risk is the costlier one to miss. Then project, then product.
    pub const TIE_ORDER: [Concern; 3] = [Concern::Program, Concern::Project, Concern::Product];

    pub fn as_str(self) -> &'static str {
        match self {
            Concern::Product => "product",
            Concern::Program => "program",
            Concern::Project => "project",
        }
    }

    pub fn parse(s: &str) -> Option<Concern> {
        match s.trim().to_ascii_lowercase().as_str() {
            "product" => Some(Concern::Product),
            "program" | "programme" => Some(Concern::Program),
            "project" => Some(Concern::Project),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// A role as the command line and the config name it: exactly `product`, `program`
    /// or `project`, in any case.
    pub fn from_name(name: &str) -> Result<Role, String> {
        match name.trim().to_lowercase().as_str() {
            "product" => Ok(Concern::Product),
            "program" => Ok(Concern::Program),
            "project" => Ok(Concern::Project),
            _ => Err(format!(
                "unknown role `{}`; expected product, program or project",
                name.trim().to_lowercase()
            )),
        }
    }

    /// The role's name as a heading: `Product`.
    pub fn title(self) -> &'static str {
        match self {
            Concern::Product => "Product",
            Concern::Program => "Program",
            Concern::Project => "Project",
        }
    }

    /// The question the role's report answers.
    pub fn question(self) -> &'static str {
        match self {
            Concern::Product => "Are we building the right thing?",
            Concern::Program => "How do we deliver this across teams, and what is blocking it?",
            Concern::Project => "Are we delivering this defined work on schedule?",
        }
    }
}

impl std::fmt::Display for Concern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reader of one report: the product manager, the technical program manager or the
/// project manager, each caring about items of one [`Concern`].
pub type Role = Concern;

/// A file format `rolecall report` writes for each role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Markdown through the templates.
    Md,
    /// Every list in full, for other tools.
    Json,
    /// The Markdown laid out on pages.
    Pdf,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Md, Format::Json, Format::Pdf];

    /// The name on the command line, which is also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Json => "json",
            Format::Pdf => "pdf",
        }
    }

    /// `md`, `json` or `pdf`, in any case.
    pub fn from_name(name: &str) -> Result<Format, String> {
        let n = name.trim().to_lowercase();
        Format::ALL.into_iter().find(|f| f.as_str() == n).ok_or_else(|| {
            let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown format `{n}`; expected {}", all.join(", "))
        })
    }
}
