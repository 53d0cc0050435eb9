//! `cmplan diff OLD NEW`: what changes in the plan between two revisions of the environment.
//! Both are planned with the same date, so only the description's edits show.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context};

use cmplan::plan::{self, PlanOptions};
use cmplan::regen::{self, DiffFormat};
use cmplan::templates::Templates;

pub fn run(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    date: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut envs = Vec::new();
    let mut invalid = false;
    for path in [old, new] {
        match cmplan::input::load(path) {
            Ok(env) => envs.push(env),
            Err(err) => {
                eprint!("{}", err.render(super::misc::stderr_color()));
                invalid = true;
            }
        }
    }
    if invalid {
        return Ok(ExitCode::from(1));
    }
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let date = cmplan::date::resolve(date, epoch.as_deref()).map_err(|e| anyhow!(e))?;
    let mut plans = Vec::new();
    for (i, env) in envs.iter().enumerate() {
        let opts = PlanOptions {
            date: date.to_string(),
            revision: i as u32 + 1,
            templates: Templates::embedded(),
        };
        plans.push(plan::build(env, &opts).context("cannot build the plan")?);
    }
    let label = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let d = regen::diff(&plans[0], &plans[1], &label(old), &label(new));
    let text = match format {
        DiffFormat::Text => regen::render_text(&d, stdout_color()),
        DiffFormat::Md => regen::render_md(&d),
        DiffFormat::Json => regen::render_json(&d),
    };
    super::stdout::emit(text)?;
    Ok(ExitCode::SUCCESS)
}

/// Colour only on a terminal, and never when NO_COLOR is set.
fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
