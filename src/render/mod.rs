//! Rendering: reports to Markdown (Handlebars templates), PDF (from that same Markdown)
//! and JSON.

pub mod json;
pub mod markdown;
pub mod pdf;
