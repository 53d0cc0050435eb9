//! Renderers: one file (or folder) per output format, each reading only the `Plan`.
//!
//! The PDF is typeset from the Markdown text (through pulldown-cmark), so a custom template changes
//! both; no renderer reaches into another's internals.

pub mod diagram;
pub mod fonts;
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
    /// The standard the PDF is written to and checked against.
    pub pdf_standard: pdf::PdfStandard,
    /// The file name of the hierarchy diagram written beside the documents, for the Markdown
    /// document's link to it (`None`: no link).
    pub diagram_file: Option<String>,
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
        Format::Md => markdown::render(plan, ctx)
            .map(|text| markdown::document(&text, ctx.diagram_file.as_deref()).into_bytes()),
        Format::Html => html::render(plan, ctx).map(String::into_bytes),
        Format::Json => json::render(plan),
        Format::Pdf => pdf::render(plan, ctx),
        Format::Xlsx => xlsx::render(plan, ctx),
    }
}

/// Renders the plan in several formats, in the order given: the Markdown is written once for
/// every format typeset from it (md, pdf, html), and the workbook, which reads only the plan,
/// is written on a second thread meanwhile. Same bytes as [`render`] format by format.
pub fn render_all(
    formats: &[Format],
    plan: &Plan,
    ctx: &RenderContext,
) -> Result<Vec<Vec<u8>>, RenderError> {
    let wants = |f: Format| formats.contains(&f);
    std::thread::scope(|scope| {
        let workbook = wants(Format::Xlsx).then(|| scope.spawn(|| xlsx::render(plan, ctx)));
        // Markdown comes first in the order, so its error is the first one either way.
        let typeset = [Format::Md, Format::Pdf, Format::Html];
        let text = match typeset.iter().any(|&f| wants(f)) {
            true => markdown::render(plan, ctx)?,
            false => String::new(),
        };
        let mut others = Vec::with_capacity(formats.len());
        for &format in formats {
            others.push(match format {
                Format::Md => {
                    Ok(markdown::document(&text, ctx.diagram_file.as_deref()).into_bytes())
                }
                Format::Html => Ok(html::render_text(plan, &text, ctx).into_bytes()),
                Format::Pdf => pdf::render_text(plan, &text, ctx),
                Format::Json => json::render(plan),
                // Joined below, in its place in the order.
                Format::Xlsx => Ok(Vec::new()),
            });
        }
        let mut workbook = workbook.map(|h| h.join().expect("the workbook writer panicked"));
        formats
            .iter()
            .zip(others)
            .map(|(format, bytes)| match format {
                Format::Xlsx => workbook.take().expect("the workbook was asked for"),
                _ => bytes,
            })
            .collect()
    })
}

/// "SITE-UPG-NYC, CLIENT-UPG-NYC and 12 later tasks": the tasks waiting on a blocked task.
pub(crate) fn waiting_text(direct: &[String], total: usize) -> Option<String> {
    if total == 0 {
        return None;
    }
    let more = total - direct.len();
    let mut text = direct.join(", ");
    if more > 0 {
        let later = if more == 1 {
            "later task"
        } else {
            "later tasks"
        };
        text = match text.is_empty() {
            true => format!("{more} {later}"),
            false => format!("{text} and {more} {later}"),
        };
    }
    Some(text)
}
