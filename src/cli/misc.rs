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
    // Someone's edited templates are never overwritten silently: check every file first, so
    // that nothing is written unless everything can be.
    if !force {
        let existing: Vec<String> = cmplan::templates::DEFAULTS
            .iter()
            .map(|(name, _)| dir.join(name))
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            eprintln!(
                "error: {} already exist{}; nothing was written (use --force to overwrite):",
                if existing.len() == 1 {
                    "1 file"
                } else {
                    "these files"
                },
                if existing.len() == 1 { "s" } else { "" }
            );
            for path in &existing {
                eprintln!("  {path}");
            }
            return Ok(ExitCode::from(1));
        }
    }
    let written = cmplan::templates::Templates::export_defaults(dir)
        .map_err(|e| anyhow!("cannot write the templates to {}: {e}", dir.display()))?;
    for path in &written {
        println!("{}", path.display());
    }
    println!(
        "{} files written; use them with `cmplan generate ENV --templates {}`",
        written.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let _ = shell;
    Err(anyhow!("not implemented yet (issue 3)"))
}

pub fn man() -> anyhow::Result<ExitCode> {
    Err(anyhow!("not implemented yet (issue 3)"))
}
