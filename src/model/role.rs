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
}

/// The reader of one report: the product manager, the technical program manager or the
/// project manager, each caring about items of one [`Concern`].
pub type Role = Concern;
