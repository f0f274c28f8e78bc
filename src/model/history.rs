//! What a stored week keeps of its reports, for "weeks at this colour" and trends.

use std::collections::BTreeMap;

use chrono::NaiveDate;
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
    /// Run from an export taken after the week, rebuilt as it stood (see
    /// `model::rewind`): a later run may replace it; a week stored otherwise was taken
    /// live and is kept from such runs unless they say `--overwrite-live`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rewound: bool,
    /// Each workstream's status that week, by team.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub workstreams: BTreeMap<String, Status>,
    /// Each milestone's status and forecast that week, by title.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub milestones: BTreeMap<String, MilestoneWeek>,
}

/// What a stored week keeps of one milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MilestoneWeek {
    pub status: Status,
    /// The forecast's 85th percentile that week, when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p85: Option<NaiveDate>,
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
            rewound: false,
            workstreams: BTreeMap::new(),
            milestones: BTreeMap::new(),
        }
    }

    /// Records the status `role`'s report ended the week with.
    /// A week whose export lacked a column last week's had (a "current fields" export):
    /// a colour it could not judge (unknown) is an artifact of the missing column, not
    /// the week's, and is left out, as for a week with no run, so "weeks at this colour"
    /// passes over it.
    pub fn pass_over_unknown(&mut self) {
        for slot in [&mut self.product, &mut self.program, &mut self.project] {
            if *slot == Some(Status::Unknown) {
                *slot = None;
            }
        }
        self.workstreams.retain(|_, s| *s != Status::Unknown);
    }

    pub fn set(&mut self, role: Role, status: Status) {
        let slot = match role {
            Role::Product => &mut self.product,
            Role::Program => &mut self.program,
            Role::Project => &mut self.project,
        };
        *slot = Some(status);
    }
}
