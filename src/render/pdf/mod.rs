//! `-f pdf`: the change board's printed plan, typeset from the Markdown over printpdf.

use super::{Format, RenderContext, RenderError};
use crate::plan::Plan;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    let _ = (plan, ctx);
    Err(RenderError::new(
        Format::Pdf,
        "not implemented yet (issue 6)",
    ))
}
