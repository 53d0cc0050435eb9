//! `-f md`: the checklist as Markdown from embedded, overridable handlebars templates.

use super::{Format, RenderContext, RenderError};
use crate::plan::Plan;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<String, RenderError> {
    let _ = (plan, ctx);
    Err(RenderError::new(
        Format::Md,
        "not implemented yet (issue 5)",
    ))
}
