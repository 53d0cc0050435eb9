//! `-f pdf`: the change board's printed plan, typeset from the Markdown.
//!
//! The pipeline: the Markdown renderer's text → [`markdown::parse`] (pulldown-cmark events →
//! blocks) → [`layout`] (lines and pages, measured with the fonts' real advances) →
//! [`document::compose`] (cover, contents with page numbers, running header and footer, the
//! logical structure) → [`serialize`] (krilla: glyph runs at the layout's positions, subset
//! fonts, structure tree, outline, links, metadata, checked against `--pdf-standard`).

pub mod diagram;
pub mod document;
use super::fonts;
pub mod layout;
pub mod markdown;
pub mod serialize;
pub mod structure;

use super::{Format, Paper, RenderContext, RenderError};
use crate::plan::Plan;

pub use document::{Cover, Document};
pub use serialize::PdfStandard;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    let text = super::markdown::render(plan, ctx)?;
    render_text(plan, &text, ctx)
}

/// Typesets the plan's Markdown, already rendered (`render_all` renders it once for md, pdf
/// and html), with the plan's cover and hierarchy diagram.
pub fn render_text(plan: &Plan, text: &str, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    let cover = Cover::from_plan(plan);
    // The hierarchy diagram closes the whole plan, a site's checklist (its subtree) and the
    // summary of a split plan; a wave's sites need not form one tree, so a wave has none.
    let appendix = match plan.scope.as_ref().map(|s| s.kind.as_str()) {
        Some("wave") => None,
        _ => diagram::pages(plan, layout::Geometry::for_paper(ctx.paper)),
    };
    let doc = document::compose_with_appendix(&cover, text, ctx.paper, appendix);
    serialize::write(&doc, &metadata(&cover), ctx.pdf_standard)
        .map_err(|e| RenderError::new(Format::Pdf, e))
}

/// Typesets `markdown_text` under the given cover details (also what tests call directly),
/// as PDF/UA-1.
pub fn render_markdown(
    cover: &Cover,
    markdown_text: &str,
    paper: Paper,
) -> Result<Vec<u8>, RenderError> {
    render_markdown_as(cover, markdown_text, paper, PdfStandard::default())
}

/// [`render_markdown`] to a given PDF standard.
pub fn render_markdown_as(
    cover: &Cover,
    markdown_text: &str,
    paper: Paper,
    standard: PdfStandard,
) -> Result<Vec<u8>, RenderError> {
    let doc = document::compose(cover, markdown_text, paper);
    serialize::write(&doc, &metadata(cover), standard).map_err(|e| RenderError::new(Format::Pdf, e))
}

fn metadata(cover: &Cover) -> serialize::Metadata {
    let author = cover
        .prepared_by
        .clone()
        .or_else(|| cover.organisation.clone())
        .unwrap_or_default();
    let mut subject = format!("Upgrade plan: SMS 2003 to {}", cover.target_name);
    if let Some(r) = &cover.change_reference {
        subject.push_str(&format!(", change {r}"));
    }
    let mut keywords = vec![
        "SMS 2003".to_string(),
        "Configuration Manager 2007".to_string(),
        "upgrade plan".to_string(),
    ];
    keywords.extend(cover.change_reference.clone());
    serialize::Metadata {
        title: cover.title.clone(),
        author,
        subject,
        keywords,
        date: cover.date.clone(),
        // The templates are written in English.
        language: "en".to_string(),
    }
}
