//! `-f json`: the plan model itself (contract §3).

use super::{Format, RenderError};
use crate::plan::Plan;

pub fn render(plan: &Plan) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec_pretty(plan)
        .map_err(|e| RenderError::new(Format::Json, e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}
