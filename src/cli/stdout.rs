//! Everything a subcommand prints on standard output goes through here, so that a failing
//! standard output is never a panic: a closed pipe (`cmplan validate big.toml | head -1`) ends
//! the run quietly with exit 0, as `grep` or `rg` do when the reader has all it wanted; any other
//! write error (`cmplan schema > /dev/full`) is one line on stderr and exit 1.

use std::io::Write;

/// Standard output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output: {0}")]
pub struct StdoutError(#[source] pub std::io::Error);

impl StdoutError {
    /// The reader went away (EPIPE): not an error worth reporting.
    pub fn is_closed_pipe(&self) -> bool {
        self.0.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// Writes `bytes` to standard output and flushes it.
pub fn emit(bytes: impl AsRef<[u8]>) -> Result<(), StdoutError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes.as_ref())
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}
