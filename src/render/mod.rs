//! Renderers: one file (or folder) per output format, each reading only the `Plan`.
//!
//! The PDF is typeset from the Markdown text (through pulldown-cmark), so a custom template changes
//! both; no renderer reaches into another's internals.

pub mod diagram;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pdf;
pub mod xlsx;

use std::fmt;

use crate::plan::Plan;
use crate::templates::Templates;

/// Paper size for the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

/// Everything a renderer may need besides the plan.
#[derive(Debug, Clone, Default)]
pub struct RenderContext {
    pub templates: Templates,
    pub paper: Paper,
}

/// An output format, as named on the command line (`-f md,pdf,xlsx,json,html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    Md,
    Pdf,
    Xlsx,
    Json,
    Html,
}

impl Format {
    /// The default set when `-f` is not given (contract §2).
    pub const DEFAULT: &'static [Format] = &[Format::Md, Format::Pdf, Format::Xlsx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A renderer failure (a broken user template, a layout that cannot fit, a writer error).
#[derive(Debug, thiserror::Error)]
#[error("{format} output: {message}")]
pub struct RenderError {
    pub format: Format,
    pub message: String,
}

impl RenderError {
    pub fn new(format: Format, message: impl Into<String>) -> RenderError {
        RenderError {
            format,
            message: message.into(),
        }
    }
}

/// Renders the plan in one format, to bytes (the caller writes them atomically).
pub fn render(format: Format, plan: &Plan, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Md => markdown::render(plan, ctx).map(String::into_bytes),
        Format::Html => html::render(plan, ctx).map(String::into_bytes),
        Format::Json => json::render(plan),
        Format::Pdf => pdf::render(plan, ctx),
        Format::Xlsx => xlsx::render(plan, ctx),
    }
}
