//! The planning engine: `Environment` → `Plan` (findings, remediation, task sequence, estimates).
//!
//! Domain rules live here, each citing upgrade-rules.md; wording lives in `templates/tasks.toml`.

pub mod model;

pub use model::*;

use crate::model::Environment;
use crate::templates::Templates;

/// What the plan needs besides the environment.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub revision: u32,
    /// Where task texts (`tasks.toml`) come from: embedded defaults or a user's folder.
    pub templates: Templates,
}

/// Errors the engine can raise: only a broken user-supplied task catalogue (the environment is
/// already valid; blockers are findings, not errors).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    TaskTexts(String),
}

/// Builds the plan for a validated environment.
pub fn build(env: &Environment, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let _ = (env, opts);
    todo!("planning engine (issue 4)")
}
