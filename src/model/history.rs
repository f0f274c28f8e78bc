//! What a stored week keeps of its reports, for "weeks at this colour" and trends.

use serde::{Deserialize, Serialize};

use super::{Role, Status, Week, SCHEMA_VERSION};

/// The statuses a week ended with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekSummary {
    pub schema_version: u32,
    pub week: Week,
    pub product: Option<Status>,
    pub program: Option<Status>,
    pub project: Option<Status>,
    /// Rebuilt from a later export by `report --backfill`, not taken in its own week.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backfilled: bool,
}

impl WeekSummary {
    pub fn new(week: Week) -> Self {
        WeekSummary {
            schema_version: SCHEMA_VERSION,
            week,
            product: None,
            program: None,
            project: None,
            backfilled: false,
        }
    }

    /// Records the status `role`'s report ended the week with.
    pub fn set(&mut self, role: Role, status: Status) {
        let slot = match role {
            Role::Product => &mut self.product,
            Role::Program => &mut self.program,
            Role::Project => &mut self.project,
        };
        *slot = Some(status);
    }
}
