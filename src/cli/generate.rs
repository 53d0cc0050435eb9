//! `cmplan generate`: load → plan → render every format in memory → write atomically.

use std::process::ExitCode;

use anyhow::{anyhow, Context};

use cmplan::output;
use cmplan::plan::{self, PlanOptions, Severity};
use cmplan::render::RenderContext;
use cmplan::templates::Templates;

use super::GenerateArgs;

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let env = match cmplan::input::load(&args.env) {
        Ok(env) => env,
        Err(err) => {
            eprint!("{}", err.render(super::misc::stderr_color()));
            eprintln!("nothing was written");
            return Ok(ExitCode::from(1));
        }
    };
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let date =
        cmplan::date::resolve(args.date.as_deref(), epoch.as_deref()).map_err(|e| anyhow!(e))?;
    let templates = match &args.templates {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(anyhow!("--templates {}: no such folder", dir.display()));
            }
            Templates::with_overrides(dir)
        }
        None => Templates::embedded(),
    };
    let opts = PlanOptions {
        date: date.to_string(),
        revision: 1,
        templates: templates.clone(),
    };
    let plan = plan::build(&env, &opts).context("cannot build the plan")?;
    let ctx = RenderContext {
        templates,
        paper: args.paper,
    };

    let stem = args
        .env
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".to_string());
    let files = match super::parts::files(&args, &plan, &ctx, &stem) {
        Ok(files) => files,
        Err(super::parts::PartsError::UnknownSite(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(2));
        }
        Err(super::parts::PartsError::Render(e)) => return Err(e.into()),
    };
    let written = output::write_all(files)?;
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    let count = |sev| plan.findings.iter().filter(|f| f.severity == sev).count();
    eprintln!(
        "{} tasks in {} phases; findings: {} blocker(s), {} warning(s), {} info",
        plan.tasks().count(),
        plan.phases.len(),
        count(Severity::Blocker),
        count(Severity::Warning),
        count(Severity::Info),
    );
    Ok(ExitCode::SUCCESS)
}
