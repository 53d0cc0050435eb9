//! `cmplan import DIR`: the environment description from CSV exports of the SMS 2003 site
//! database; `--update FILE` refreshes an existing description; `--queries` prints the queries.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use cmplan::import::{self, Check, Failure};
use cmplan::output::{write_all, PendingFile};
use cmplan::plan::{self, PlanOptions};
use cmplan::templates::Templates;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Folder holding the exported CSV files (sites.csv, site_systems.csv, clients.csv, and
    /// optionally servers.csv and sql.csv).
    #[arg(required_unless_present = "queries")]
    pub dir: Option<PathBuf>,
    /// Where to write the description (default: environment.toml; with --update, that file).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Refresh this description with what the database knows, keeping the planner's values and
    /// comments; prints the edits.
    #[arg(long, value_name = "FILE", conflicts_with = "queries")]
    pub update: Option<PathBuf>,
    /// Print the read-only SQL queries whose results the import reads, and exit.
    #[arg(long)]
    pub queries: bool,
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if args.queries {
        print!("{}", import::QUERIES);
        return Ok(ExitCode::SUCCESS);
    }
    let dir = args.dir.expect("clap requires DIR without --queries");
    let color = super::misc::stderr_color();
    if let Some(existing) = &args.update {
        return update(&dir, existing, args.output.as_deref(), args.force, color);
    }
    let output = args
        .output
        .unwrap_or_else(|| PathBuf::from("environment.toml"));
    if output.exists() && !args.force {
        eprintln!(
            "error: {} already exists; nothing was written (use --force to replace it, or --update {} to refresh it keeping your edits)",
            output.display(),
            output.display()
        );
        return Ok(ExitCode::from(1));
    }
    let imported = match import::import_dir(&dir, &dir.display().to_string()) {
        Ok(imported) => imported,
        Err(failure) => return Ok(report(failure, color)),
    };
    write_all(vec![PendingFile {
        path: output.clone(),
        bytes: imported.text.into_bytes(),
    }])?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    eprintln!(
        "wrote {}: {} sites and {} servers from {}",
        output.display(),
        imported.sites,
        imported.servers,
        dir.display()
    );
    eprint!("{}", checks_report(&imported.checks, &output));
    Ok(ExitCode::SUCCESS)
}

fn report(failure: Failure, color: bool) -> ExitCode {
    match failure {
        Failure::Export(err) => eprint!("{}", err.render(color)),
        Failure::Description(err) => {
            eprintln!(
                "error: the description written from this export does not pass validation (the export \
                 checks did not catch it; please report it); nothing was written:"
            );
            eprint!("{}", err.render(color));
        }
    }
    ExitCode::from(1)
}

/// The `# check:` values, listed after the import: one line per kind of value, with the sites
/// and servers it concerns (a hierarchy of thousands of sites stays readable).
fn checks_report(checks: &[Check], output: &Path) -> String {
    if checks.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "{} value{} the database cannot tell, marked \"# check:\" in {} (verify them, then `cmplan generate`):\n",
        checks.len(),
        if checks.len() == 1 { "" } else { "s" },
        output.display()
    );
    let mut kinds: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for c in checks {
        let (kind, subject) = c
            .subject
            .split_once(' ')
            .unwrap_or((c.subject.as_str(), ""));
        match kinds
            .iter_mut()
            .find(|(k, key, _)| *k == kind && *key == c.key)
        {
            Some((_, _, subjects)) => subjects.push(subject),
            None => kinds.push((kind, c.key, vec![subject])),
        }
    }
    const SHOWN: usize = 8;
    for (kind, key, subjects) in kinds {
        let mut names = subjects
            .iter()
            .take(SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if subjects.len() > SHOWN {
            names.push_str(&format!(" and {} more", subjects.len() - SHOWN));
        }
        if names.is_empty() {
            out.push_str(&format!("  {kind}.{key}\n"));
        } else {
            out.push_str(&format!("  {kind}.{key}: {names}\n"));
        }
    }
    out
}

fn update(
    dir: &Path,
    existing: &Path,
    output: Option<&Path>,
    force: bool,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let output = output.unwrap_or(existing);
    if output != existing && output.exists() && !force {
        eprintln!(
            "error: {} already exists; nothing was written (use --force to replace it)",
            output.display()
        );
        return Ok(ExitCode::from(1));
    }
    // The planner's file must be valid before it is edited, and the plan before and after is
    // what the edits are reported as.
    let old_env = match cmplan::input::load(existing) {
        Ok(env) => env,
        Err(err) => {
            eprint!("{}", err.render(color));
            return Ok(ExitCode::from(1));
        }
    };
    let export = match import::read_dir(dir) {
        Ok(export) => export,
        Err(err) => return Ok(report(Failure::Export(err), color)),
    };
    let text = std::fs::read_to_string(existing)
        .with_context(|| format!("cannot read {}", existing.display()))?;
    let (new_text, edits, checks) = import::update(&text, &export, &dir.display().to_string())
        .map_err(|e| anyhow::anyhow!("cannot update {}: {e}", existing.display()))?;
    let name = existing.display().to_string();
    let new_env = match cmplan::input::load_bytes(&name, new_text.as_bytes()) {
        Ok(env) => env,
        Err(err) => return Ok(report(Failure::Description(err), color)),
    };
    if edits.is_empty() {
        println!(
            "{}: already up to date with {}; nothing was written",
            existing.display(),
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    write_all(vec![PendingFile {
        path: output.to_path_buf(),
        bytes: new_text.into_bytes(),
    }])?;
    println!(
        "{}: {} edit{} from {}",
        output.display(),
        edits.len(),
        if edits.len() == 1 { "" } else { "s" },
        dir.display()
    );
    for edit in &edits {
        println!("  {edit}");
    }
    let opts = |revision| PlanOptions {
        date: "2000-01-01".to_string(),
        revision,
        templates: Templates::embedded(),
    };
    let old_plan = plan::build(&old_env, &opts(1)).context("cannot build the plan")?;
    let new_plan = plan::build(&new_env, &opts(2)).context("cannot build the plan")?;
    let label = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let d = cmplan::regen::diff(&old_plan, &new_plan, &label(existing), &label(output));
    println!();
    print!("{}", cmplan::regen::render_text(&d, false));
    eprint!("{}", checks_report(&checks, output));
    Ok(ExitCode::SUCCESS)
}
