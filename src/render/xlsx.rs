//! `-f xlsx`: the tracking workbook (rust_xlsxwriter).

use super::{Format, RenderContext, RenderError};
use crate::plan::Plan;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    let _ = (plan, ctx);
    Err(RenderError::new(
        Format::Xlsx,
        "not implemented yet (issue 7)",
    ))
}
