//! `cmplan explain CODE`: what a finding or diagnostic code means and its source;
//! `cmplan explain --all` prints every code (docs/rules.md).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code as cmplan prints it: CHK-… (a readiness finding), E0xx (an input diagnostic) or
    /// I0xx (an import problem); any case.
    #[arg(required_unless_present = "all")]
    pub code: Option<String>,
    /// Print every code as Markdown (the text of docs/rules.md).
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
}

/// Exit 0 explained; 2 for a code cmplan does not have (a usage error, like clap's).
pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    if args.all {
        super::stdout::emit(cmplan::explain::rules_markdown())?;
        return Ok(ExitCode::SUCCESS);
    }
    let code = args.code.unwrap_or_default();
    match cmplan::explain::explain(&code) {
        Some(text) => {
            super::stdout::emit(text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("error: {}", cmplan::explain::unknown(&code));
            Ok(ExitCode::from(2))
        }
    }
}
