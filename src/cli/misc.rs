//! The small subcommands: validate, schema, init, templates export, completions, man.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

/// Colour diagnostics only on a terminal, and never when NO_COLOR is set.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn validate(env: &Path) -> anyhow::Result<ExitCode> {
    match cmplan::input::load(env) {
        Ok(_) => {
            println!("{}: valid", env.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprint!("{}", err.render(stderr_color()));
            Ok(ExitCode::from(1))
        }
    }
}

pub fn schema() -> anyhow::Result<ExitCode> {
    Err(anyhow!("not implemented yet (issue 3)"))
}

pub fn init(path: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let _ = (path, force);
    Err(anyhow!("not implemented yet (issue 3)"))
}

pub fn export_templates(dir: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let _ = (dir, force);
    Err(anyhow!("not implemented yet (issue 5)"))
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let _ = shell;
    Err(anyhow!("not implemented yet (issue 3)"))
}

pub fn man() -> anyhow::Result<ExitCode> {
    Err(anyhow!("not implemented yet (issue 3)"))
}
