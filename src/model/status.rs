//! Red, amber, green — and unknown, when the data cannot say.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Green,
    Unknown,
    Amber,
    Red,
}

impl Status {
    /// The fixed tokens templates print and the PDF renderer draws.
    pub fn badge(self) -> &'static str {
        match self {
            Status::Red => "🔴 Red",
            Status::Amber => "🟠 Amber",
            Status::Green => "🟢 Green",
            Status::Unknown => "⚪ Unknown",
        }
    }

    /// The name JSON writes: `red`, `amber`, `green`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Red => "red",
            Status::Amber => "amber",
            Status::Green => "green",
            Status::Unknown => "unknown",
        }
    }

    /// The worse of two; unknown is worse than green (not knowing is not on track) and
    /// better than amber.
    pub fn worst(self, other: Status) -> Status {
        self.max(other)
    }
}
