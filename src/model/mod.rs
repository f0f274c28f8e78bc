//! The normalised model every source feeds and every later stage reads: the bottom of
//! the pipeline's layers (it imports nothing of the crate above `dates`).
//!
//! Instants (`created`, `updated`, …) are UTC. Calendar dates (`due`) are plain dates and
//! are never shifted through a time zone: a milestone due on the 12th is due on the 12th
//! wherever the report is read.

mod history;
pub(crate) mod instant;
mod item;
pub(crate) mod kind;
mod rewind;
mod role;
mod snapshot;
mod status;
mod week;

pub use history::{MilestoneWeek, WeekSummary};
pub use item::{
    link_kind, FieldValue, Fields, Item, Link, State, Str, REPORT_SCHEMA_VERSION, SCHEMA_VERSION,
};
pub use rewind::{knows_after, rewind, Rewind};
pub use role::{Concern, Format, Role};
pub use snapshot::{
    Baseline, Field, Iteration, Lack, LeftOut, Milestone, Prior, Snapshot, SourceInfo, StatusUpdate,
};
pub use status::Status;
pub use week::{Period, Week, WeekChoice};
