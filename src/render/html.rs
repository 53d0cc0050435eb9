//! `-f html`: the Markdown rendered by pulldown-cmark into one self-contained HTML file.

use super::{Format, RenderContext, RenderError};
use crate::plan::Plan;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<String, RenderError> {
    let _ = (plan, ctx);
    Err(RenderError::new(
        Format::Html,
        "not implemented yet (issue 5)",
    ))
}
