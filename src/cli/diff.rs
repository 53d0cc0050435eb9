//! `cmplan diff OLD NEW`: what changes in the plan between two revisions. Each side is an
//! environment description (planned here, both with the same date, so only the description's
//! edits show), a workbook cmplan wrote (the plan kept in it) or a JSON plan (`-f json`).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context};

use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::regen::{self, DiffFormat};
use cmplan::templates::Templates;

/// One side of the diff before planning.
enum Side {
    Plan(Box<Plan>, String),
    Description(Box<cmplan::model::Environment>, String),
}

pub fn run(
    old: &Path,
    new: &Path,
    format: DiffFormat,
    date: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut sides = Vec::new();
    let mut invalid = false;
    for path in [old, new] {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        match regen::read_plan_file(path) {
            Ok(Some(file)) => sides.push(Side::Plan(Box::new(file.plan), file.label)),
            Ok(None) => match cmplan::input::load(path) {
                Ok(env) => sides.push(Side::Description(Box::new(env), label)),
                Err(err) => {
                    eprint!("{}", err.render(super::misc::stderr_color()));
                    invalid = true;
                }
            },
            Err(message) => {
                eprintln!("error: {message}");
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
    let mut labels = Vec::new();
    for (i, side) in sides.into_iter().enumerate() {
        match side {
            Side::Plan(plan, label) => {
                plans.push(*plan);
                labels.push(label);
            }
            Side::Description(env, label) => {
                let opts = PlanOptions {
                    date: date.to_string(),
                    revision: i as u32 + 1,
                    templates: Templates::embedded(),
                };
                plans.push(plan::build(&env, &opts).context("cannot build the plan")?);
                labels.push(label);
            }
        }
    }
    // A site's checklist against a whole plan: compare it with the same part of the other.
    let (mut old_plan, mut new_plan) = (plans.remove(0), plans.remove(0));
    match (old_plan.scope.is_some(), new_plan.scope.is_some()) {
        (true, false) => {
            if let Some(part) = regen::same_part(&new_plan, &old_plan) {
                new_plan = part;
            }
        }
        (false, true) => {
            if let Some(part) = regen::same_part(&old_plan, &new_plan) {
                old_plan = part;
            }
        }
        _ => {}
    }
    let d = regen::diff(&old_plan, &new_plan, &labels[0], &labels[1]);
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
