//! Rendering: one role's report to Markdown (Handlebars templates), PDF (laid out from
//! that same Markdown, so a template change shows in both) and JSON (every list in full).
//!
//! Each format is a [`Renderer`]; [`renderer`] gives the one for a [`Format`]. They all
//! read the same [`Document`], so a new format is one more implementation.

pub mod chart;
pub mod context;
pub mod json;
pub(crate) mod markdown;
pub mod pdf;
pub(crate) mod strict;

use std::io::Write;

pub use context::{IndexContext, RoleContext, RoleReport};
pub use markdown::Templates;

use crate::model::{Format, Role};

/// One role's report, ready for every format.
pub struct Document<'a> {
    pub role: Role,
    /// The full report, every list complete: what the JSON holds.
    pub full: &'a RoleReport<'a>,
    /// The templates' output for this role.
    pub markdown: &'a str,
    /// The templates' output for the PDF (without placeholders and machine paths).
    pub pdf_markdown: &'a str,
    /// Page setup and metadata, for the PDF.
    pub pdf: &'a pdf::PdfOptions,
}

/// A file format a role's report is written in.
pub trait Renderer: Sync {
    fn format(&self) -> Format;

    /// Writes `doc` in this format. An error of rendering itself (not of writing) is an
    /// [`std::io::Error::other`] holding the crate's [`Error`](crate::Error), so that the
    /// writer can tell the two apart.
    fn render(&self, doc: &Document, w: &mut dyn Write) -> std::io::Result<()>;
}

/// The renderer of `format`.
pub fn renderer(format: Format) -> &'static dyn Renderer {
    match format {
        Format::Md => &Markdown,
        Format::Json => &Json,
        Format::Pdf => &Pdf,
    }
}

/// Markdown: the templates' output as it is.
struct Markdown;

impl Renderer for Markdown {
    fn format(&self) -> Format {
        Format::Md
    }

    fn render(&self, doc: &Document, w: &mut dyn Write) -> std::io::Result<()> {
        w.write_all(doc.markdown.as_bytes())
    }
}

/// JSON: the full report, streamed, one list entry per line.
struct Json;

impl Renderer for Json {
    fn format(&self) -> Format {
        Format::Json
    }

    fn render(&self, doc: &Document, w: &mut dyn Write) -> std::io::Result<()> {
        json::write_json_lines(w, doc.full, 2)
    }
}

/// PDF: the Markdown laid out on pages.
struct Pdf;

impl Renderer for Pdf {
    fn format(&self) -> Format {
        Format::Pdf
    }

    fn render(&self, doc: &Document, w: &mut dyn Write) -> std::io::Result<()> {
        let pdf = pdf::render(doc.pdf_markdown, doc.pdf).map_err(std::io::Error::other)?;
        w.write_all(&pdf.bytes)
    }
}
