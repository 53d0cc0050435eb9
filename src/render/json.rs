//! `-f json`: the plan model itself (contract §3), with the progress summary the documents print
//! when status is recorded.

use serde::Serialize;

use super::{Format, RenderError};
use crate::plan::progress::{self, ProgressSummary};
use crate::plan::Plan;

/// The plan's fields, then `progress` (absent when nothing is recorded, so a plan without
/// recorded status keeps its JSON).
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<ProgressSummary>,
}

pub fn render(plan: &Plan) -> Result<Vec<u8>, RenderError> {
    let document = Document {
        plan,
        progress: progress::of_document(plan),
    };
    let mut bytes = serde_json::to_vec_pretty(&document)
        .map_err(|e| RenderError::new(Format::Json, e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}
