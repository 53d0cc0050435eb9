//! Reading the environment description: TOML or JSON → raw values with spans → `validate()`,
//! which collects every problem as a located, coded diagnostic → the validated `Environment`.

use std::path::Path;

use crate::model::Environment;

/// Every problem found in one description (never just the first).
#[derive(Debug, thiserror::Error)]
#[error("{file}: the environment description has {count} problem(s)", count = self.count())]
pub struct InputError {
    pub file: String,
    // The input issue replaces this with located diagnostics.
    pub messages: Vec<String>,
}

impl InputError {
    pub fn count(&self) -> usize {
        self.messages.len()
    }

    /// The full report, as printed to stderr (ANSI colours when `color`).
    pub fn render(&self, color: bool) -> String {
        let _ = color;
        self.messages.join("\n")
    }
}

/// Reads and validates a description file (`.toml` or `.json`, by extension).
pub fn load(path: &Path) -> Result<Environment, InputError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| InputError {
        file: name.clone(),
        messages: vec![format!("cannot read {name}: {e}")],
    })?;
    load_bytes(&name, &bytes)
}

/// Validates a description held in memory; `name` (its file name) picks the format and labels
/// diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Environment, InputError> {
    let _ = bytes;
    todo!("input layer (issue 3): {name}")
}
