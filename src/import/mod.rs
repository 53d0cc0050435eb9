//! `cmplan import`: the environment description from CSV exports of the SMS 2003 central site's
//! database (the read-only queries are in `queries.sql`, printed by `cmplan import --queries`).
//!
//! This module runs before `input`: it reads and checks the export (`export`, with located,
//! coded diagnostics in the input's style), writes the description text (`write`), or refreshes
//! an existing description in place keeping the planner's work (`update`, with `toml_edit`).
//! The text is then validated by the normal input path, like any description a planner types.

mod export;
mod table;
mod update;
mod vocabulary;
mod write;

use std::path::Path;

pub use export::{read_dir, Export, ImportError};
pub use update::{update, Edit, UpdateError};
pub use write::Check;

/// The read-only SQL queries (SQL Server 2000 syntax) whose results the import reads.
pub const QUERIES: &str = include_str!("queries.sql");

/// A description written from an export.
#[derive(Debug)]
pub struct Imported {
    /// The TOML text (validated: `input::load_bytes` accepts it).
    pub text: String,
    /// The values written as safe assumptions, in file order.
    pub checks: Vec<Check>,
    /// Remarks that are not problems (e.g. a deleted site left out).
    pub notes: Vec<String>,
    pub sites: usize,
    pub servers: usize,
}

/// Why an import produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Problems in the export files.
    #[error("{0}")]
    Export(ImportError),
    /// The written description did not pass the input's checks: a problem the export checks
    /// did not catch (reported against the text that would have been written).
    #[error("{0}")]
    Description(crate::input::InputError),
}

/// The description text for a checked export (not yet validated), and its checks.
pub fn describe(export: &Export, source: &str) -> (String, Vec<Check>) {
    write::description(export, source)
}

/// Reads the export in `dir` and writes the description; `source` names the folder in its header.
pub fn import_dir(dir: &Path, source: &str) -> Result<Imported, Failure> {
    let export = read_dir(dir).map_err(Failure::Export)?;
    let (text, checks) = write::description(&export, source);
    crate::input::load_bytes("imported.toml", text.as_bytes()).map_err(Failure::Description)?;
    Ok(Imported {
        text,
        checks,
        notes: export.notes.clone(),
        sites: export.sites.len(),
        servers: export.servers.len(),
    })
}
