//! The small subcommands: validate, schema, init, templates export, completions, man.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::CommandFactory;

use cmplan::plan::{Plan, PlanOptions, Severity};
use cmplan::templates::Templates;

/// Colour diagnostics only on a terminal, and never when NO_COLOR is set.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn validate(env: &Path) -> anyhow::Result<ExitCode> {
    let environment = match cmplan::input::load_checked(env) {
        Ok((environment, warnings)) => {
            eprint!("{}", warnings.render(stderr_color()));
            environment
        }
        Err(err) => {
            eprint!("{}", err.render(stderr_color()));
            return Ok(ExitCode::from(1));
        }
    };
    // The readiness findings need the plan; the date does not matter for them.
    let opts = PlanOptions {
        date: "2000-01-01".to_string(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = cmplan::plan::build(&environment, &opts)?;
    super::stdout::emit(findings_report(&env.display().to_string(), &plan))?;
    Ok(ExitCode::SUCCESS)
}

/// The findings grouped by severity, each with its code, scope, message, remedy and source.
fn findings_report(file: &str, plan: &Plan) -> String {
    let mut out = format!(
        "{file}: valid — {} sites, {} tasks in the plan\n",
        plan.sites.len(),
        plan.tasks().count()
    );
    for (severity, heading) in [
        (
            Severity::Blocker,
            "Blockers (each stops the upgrade of its site until its task is done)",
        ),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Information"),
    ] {
        let group: Vec<_> = plan
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        out.push_str(&format!("\n{heading}: {}\n", group.len()));
        for f in group {
            let scope = match (&f.site, &f.server) {
                (Some(site), Some(server)) => format!("{site}/{server}"),
                (Some(site), None) => site.clone(),
                (None, Some(server)) => server.clone(),
                (None, None) => "hierarchy".to_string(),
            };
            out.push_str(&format!("  {:<15} {:<16} {}\n", f.code, scope, f.message));
            if let Some(task) = &f.remediation_task {
                out.push_str(&format!(
                    "  {:<15} {:<16} resolved by task {task}\n",
                    "", ""
                ));
            }
            out.push_str(&format!(
                "  {:<15} {:<16} source: {} {} ({}, rule {})\n",
                "", "", f.source.id, f.source.title, f.source.url, f.rule
            ));
        }
    }
    out
}

pub fn schema() -> anyhow::Result<ExitCode> {
    super::stdout::emit(cmplan::input::schema::json_schema())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the commented example; an existing file is only replaced with `--force`.
pub fn init(path: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if path.exists() && !force {
        eprintln!(
            "error: {} already exists; nothing was written (use --force to replace it)",
            path.display()
        );
        return Ok(ExitCode::from(1));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(anyhow!(
                "cannot write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            ));
        }
    }
    std::fs::write(path, cmplan::input::INIT_EXAMPLE)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "wrote {}: edit it to describe your hierarchy, then run `cmplan validate {}`",
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
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
    let mut listing = String::new();
    for path in &written {
        listing.push_str(&format!("{}\n", path.display()));
    }
    listing.push_str(&format!(
        "{} files written; use them with `cmplan generate ENV --templates {}`\n",
        written.len(),
        dir.display()
    ));
    super::stdout::emit(listing)?;
    Ok(ExitCode::SUCCESS)
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = super::Cli::command();
    // clap_complete panics when its writer fails: render in memory, then write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cmplan", &mut script);
    super::stdout::emit(script)?;
    Ok(ExitCode::SUCCESS)
}

/// The manual page (roff) of `cmplan`, followed by the pages its SUBCOMMANDS section refers to
/// (`cmplan-generate(1)`, …), so that one file documents every command.
pub fn man() -> anyhow::Result<ExitCode> {
    let command = super::Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("cmplan-{}", sub.get_name());
        let sub = sub
            .clone()
            .bin_name(name.replace('-', " "))
            .version(env!("CARGO_PKG_VERSION"));
        clap_mangen::Man::new(sub).title(name).render(&mut out)?;
    }
    super::stdout::emit(out)?;
    Ok(ExitCode::SUCCESS)
}
