//! The `cmplan` command: parses arguments and hands each subcommand to its module in `cli/`.
//! Exit codes: 0 done, 1 invalid input or failed write (nothing written), 2 usage, 101 a bug.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    install_panic_message();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => match err.downcast_ref::<cli::stdout::StdoutError>() {
            Some(stdout) if stdout.is_closed_pipe() => ExitCode::SUCCESS,
            _ => {
                eprintln!("error: {err:#}");
                ExitCode::from(1)
            }
        },
    }
}

/// A panic is a bug in cmplan, never the user's fault: say so briefly and exit 101.
fn install_panic_message() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "cmplan hit an internal error (this is a bug, not a problem with your input): {what}{place}\n\
             Nothing was written. Please report it with the description file that caused it."
        );
    }));
}
