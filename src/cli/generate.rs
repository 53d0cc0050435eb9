//! `cmplan generate`: load → plan → carry status from the previous workbook → render every format
//! in memory → keep a backup of the workbook being replaced → write atomically.

use std::process::ExitCode;

use anyhow::{anyhow, Context};

use cmplan::output;
use cmplan::plan::{self, PlanOptions, Severity};
use cmplan::regen::{self, PreviousError, PreviousWorkbook};
use cmplan::render::Format;
use cmplan::render::RenderContext;
use cmplan::templates::Templates;

use super::GenerateArgs;

/// `CMPLAN_TIMINGS=1` prints each stage's wall time to stderr (for profiling; see BENCHMARKS.md).
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn new() -> Timings {
        Timings(
            std::env::var_os("CMPLAN_TIMINGS")
                .filter(|v| v != "0")
                .map(|_| std::time::Instant::now()),
        )
    }

    fn stage(&mut self, name: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing: {name:<18} {:>8.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
            *start = std::time::Instant::now();
        }
    }
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let mut timings = Timings::new();
    let env = match cmplan::input::load_checked(&args.env) {
        Ok((env, warnings)) => {
            eprint!("{}", warnings.render(super::misc::stderr_color()));
            env
        }
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
    timings.stage("load + validate");
    let stem = args
        .env
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".to_string());
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();

    // Held until the run ends: a second run into this folder waits, then reads what this one wrote.
    let _lock = output::lock_folder(&args.output, || {
        eprintln!(
            "another cmplan run is writing to {}; waiting for it to finish",
            args.output.display()
        )
    })?;
    let recovered = output::recover(&args.output)
        .with_context(|| format!("cannot tidy the output folder {}", args.output.display()))?;
    if !recovered.restored.is_empty() {
        eprintln!(
            "an earlier run into {} was interrupted while replacing its files: put back the previous {}",
            args.output.display(),
            recovered.restored.join(", ")
        );
    }
    if recovered.removed > 0 {
        eprintln!(
            "removed {} temporary file(s) an interrupted run left in {}",
            recovered.removed,
            args.output.display()
        );
    }
    let workbook = output::output_path(&args.output, &stem, Format::Xlsx.extension());
    let replaces_workbook = formats.contains(&Format::Xlsx) && workbook.exists();
    // The previous workbook (a large one takes as long as the plan) is read meanwhile.
    let central = env.sites.first().map(|s| s.code.as_str());
    let (plan, previous) = std::thread::scope(|scope| {
        let reader =
            scope.spawn(|| previous_workbook(&args, &workbook, replaces_workbook, central));
        let plan = plan::build(&env, &opts);
        let previous = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (plan, previous)
    });
    let mut plan = plan.context("cannot build the plan")?;
    let mut previous = match previous {
        Ok(previous) => previous,
        Err(code) => return Ok(code),
    };
    // The site checklists this run replaces carry status too (same refusal and backup rules).
    let site_codes = match formats.contains(&Format::Xlsx) {
        true => match super::parts::site_codes(&args, &plan) {
            Ok(codes) => codes,
            Err(super::parts::PartsError::UnknownSite(message)) => {
                eprintln!("error: {message}");
                return Ok(ExitCode::from(2));
            }
            Err(super::parts::PartsError::Render(e)) => return Err(e.into()),
        },
        false => Vec::new(),
    };
    let sites = match site_workbooks(&args, &stem, &site_codes) {
        Ok(sites) => sites,
        Err(code) => return Ok(code),
    };
    let mut site_records: Vec<cmplan::plan::RecordedTask> = Vec::new();
    let mut differed = 0;
    let main_saved = previous.as_ref().and_then(|p| modified(&p.path));
    for site in sites.iter().filter_map(|s| s.previous.as_ref()) {
        // Sorted oldest first: for one task ID, the workbook saved last wins.
        match &mut previous {
            Some(main) => {
                let newer = modified(&site.path) > main_saved;
                differed += regen::merge_records(&mut main.records, &site.records, newer);
            }
            None => differed += regen::merge_records(&mut site_records, &site.records, true),
        }
    }
    if differed > 0 {
        eprintln!(
            "note: {differed} task(s) had different status in the main and a site workbook; the workbook saved last was taken"
        );
    }
    timings.stage("plan & read previous");
    let ctx = RenderContext {
        templates,
        paper: args.paper,
        pdf_standard: args.pdf_standard,
        diagram_file: Some(format!("{stem}-hierarchy.svg")),
    };
    // Recorded progress shapes the schedule (before the comparison with the previous revision).
    let progress = cmplan::plan::progress::ProgressRecord::new(
        previous
            .iter()
            .flat_map(|p| &p.records)
            .chain(&site_records)
            .map(|r| (r.id.clone(), r.progress.clone())),
    );
    if args.today.is_some() || !progress.is_empty() {
        plan::replan(&mut plan, &env, &progress, args.today);
    }
    let carried = previous
        .as_ref()
        .map(|prev| regen::apply_previous(&mut plan, prev).0);
    if previous.is_none() && !site_records.is_empty() {
        // Only site checklists were there: their status, on revision 1 of the whole plan.
        let from_sites = PreviousWorkbook {
            path: sites[0].path.clone(),
            revision: 0,
            plan: plan.clone(),
            records: site_records,
            warnings: Vec::new(),
            sheets: Vec::new(),
            added_columns: Vec::new(),
        };
        regen::carry_progress(&mut plan, &from_sites);
    }
    timings.stage("carry status");
    let files = match super::parts::files(&args, &plan, &ctx, &stem) {
        Ok(files) => files,
        Err(super::parts::PartsError::UnknownSite(message)) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(2));
        }
        Err(super::parts::PartsError::Render(e)) => return Err(e.into()),
    };
    timings.stage("render");
    // Keep the workbook being replaced (and everything recorded in it): the backup is made as
    // part of the write, so a run that fails leaves none. The same revision again keeps no
    // backup of a workbook whose status it carries (the new one holds all of it), unless a
    // status was overwritten by another workbook's or rows were merged.
    let repaired = differed > 0 || previous.as_ref().is_some_and(|p| !p.warnings.is_empty());
    let unchanged = carried.is_some_and(|c| c.unchanged) && !repaired;
    let mut backups = Vec::new();
    // What a user added to a workbook (a sheet, a filled-in column) is not carried: keep it.
    let added = |prev: &PreviousWorkbook, path: &std::path::Path| {
        let sheets = files
            .iter()
            .find(|f| f.path == path)
            .map(|f| regen::sheet_names(&f.bytes))
            .unwrap_or_default();
        prev.added_content(&sheets)
    };
    let carries_all_of_it = previous
        .as_ref()
        .filter(|p| same_file(&p.path, &workbook))
        .is_some_and(|p| {
            let added = added(p, &workbook);
            if unchanged && !added.is_empty() {
                eprintln!(
                    "note: {} holds what the new workbook does not carry ({}): it is kept as a backup",
                    workbook.display(),
                    added.join(", ")
                );
            }
            added.is_empty()
        });
    if replaces_workbook && !(unchanged && carries_all_of_it) {
        let revision = previous
            .as_ref()
            .filter(|p| same_file(&p.path, &workbook))
            .map(|p| p.revision);
        backups.push(output::Backup {
            of: workbook.clone(),
            to: regen::backup_path(&workbook, revision),
        });
    }
    for site in &sites {
        if unchanged
            && site
                .previous
                .as_ref()
                .is_some_and(|p| added(p, &site.path).is_empty())
        {
            continue;
        }
        backups.push(output::Backup {
            of: site.path.clone(),
            to: regen::backup_path(&site.path, site.previous.as_ref().map(|p| p.revision)),
        });
    }
    let committed = output::commit(files, &backups, std::slice::from_ref(&args.env))?;
    let (written, kept) = (committed.written, committed.backups);
    timings.stage("backup + write");
    for warning in previous.iter().flat_map(|p| &p.warnings) {
        eprintln!("warning: {warning}");
    }
    if let (Some(prev), Some(c)) = (&previous, carried.filter(|c| c.unchanged)) {
        eprintln!(
            "revision {} again: the plan is the same as in {} (only recorded status may differ), so it keeps its revision number; status carried for {} task(s), {} removed task(s) with recorded status kept",
            plan.revision,
            prev.path.display(),
            c.carried,
            c.removed
        );
    } else if let (Some(prev), Some(c)) = (&previous, carried) {
        eprintln!(
            "revision {} (previous: revision {} in {}): status carried for {} task(s), {} removed task(s) with recorded status kept",
            plan.revision,
            prev.revision,
            prev.path.display(),
            c.carried,
            c.removed
        );
    }
    for path in &kept {
        eprintln!("kept the previous workbook as {}", path.display());
    }
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

/// Finds and reads the workbook to carry status from: `--previous FILE`, else the workbook at
/// the output path. A workbook that would be replaced but cannot be read stops everything
/// (exit 1, nothing written): what is recorded in it would be lost. `--previous` naming a site's
/// checklist adds its status to the whole plan's workbook at the output path (when there is
/// one), never replaces it. With no workbook at all, a workbook of the same hierarchy (same
/// central site) elsewhere in the folder is named, with `--previous`.
fn previous_workbook(
    args: &GenerateArgs,
    workbook: &std::path::Path,
    replaces_workbook: bool,
    central: Option<&str>,
) -> Result<Option<PreviousWorkbook>, ExitCode> {
    if args.discard_status {
        return Ok(None);
    }
    if let Some(path) = &args.previous {
        let given = regen::read_previous(path).map_err(|err| {
            refuse(&err, false);
            ExitCode::from(1)
        })?;
        if given.plan.scope.is_none() || !workbook.exists() || same_file(path, workbook) {
            return Ok(Some(given));
        }
        return match regen::read_previous(workbook) {
            Ok(mut whole) if whole.plan.scope.is_none() => {
                // Sorted like the site checklists: for one task ID, the workbook saved last wins.
                let newer = modified(path) > modified(workbook);
                let differed = regen::merge_records(&mut whole.records, &given.records, newer);
                eprintln!(
                    "{} is a part of the plan ({}): its status is added to that of the whole plan in {}",
                    path.display(),
                    given.plan.title,
                    workbook.display()
                );
                if differed > 0 {
                    whole.warnings.push(format!(
                        "{differed} task(s) had different status in {} and {}; the workbook saved last was taken",
                        path.display(),
                        workbook.display()
                    ));
                }
                whole.warnings.extend(given.warnings);
                Ok(Some(whole))
            }
            Ok(_) => Ok(Some(given)),
            Err(err) if replaces_workbook => {
                refuse(&err, true);
                Err(ExitCode::from(1))
            }
            Err(err) => {
                eprintln!(
                    "warning: {err}; only the status of {} is carried over",
                    path.display()
                );
                Ok(Some(given))
            }
        };
    }
    if !workbook.exists() {
        if let Some(central) = central {
            name_same_hierarchy(&args.output, central, workbook);
        }
        return Ok(None);
    }
    match regen::read_previous(workbook) {
        Ok(prev) => Ok(Some(prev)),
        Err(err) if replaces_workbook => {
            refuse(&err, true);
            Err(ExitCode::from(1))
        }
        // Not replaced (no xlsx asked for): nothing at risk, so go on without its status.
        Err(err) => {
            eprintln!("warning: {err}; status not carried over");
            Ok(None)
        }
    }
}

/// How many workbooks of the output folder are read looking for the same hierarchy (a folder of
/// per-site checklists holds hundreds; the whole plan's is among the newest).
const SAME_HIERARCHY_READS: usize = 20;

/// Says so when the output folder holds the whole plan's workbook of the same hierarchy under
/// another name (the description was renamed): the newest such workbook, not a backup.
fn name_same_hierarchy(dir: &std::path::Path, central: &str, workbook: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut candidates: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| {
                n.to_ascii_lowercase().ends_with(".xlsx")
                    && !n.starts_with('.')
                    && !regen::is_backup_name(&n)
            }) && p.as_path() != workbook
        })
        .map(|p| (modified(&p), p))
        .collect();
    // Newest first; a whole plan's name is shorter than its parts' (`<stem>-<CODE>`).
    candidates.sort_by(|(ta, a), (tb, b)| {
        tb.cmp(ta)
            .then(a.as_os_str().len().cmp(&b.as_os_str().len()))
            .then(a.cmp(b))
    });
    let found = candidates
        .iter()
        .take(SAME_HIERARCHY_READS)
        .filter_map(|(_, p)| regen::read_previous(p).ok())
        .find(|prev| {
            prev.plan.scope.is_none() && prev.plan.sites.first().is_some_and(|s| s.code == central)
        });
    if let Some(prev) = found {
        let recorded = prev
            .records
            .iter()
            .filter(|r| r.progress.status != cmplan::plan::TaskStatus::NotStarted)
            .count();
        eprintln!(
            "note: {} does not exist yet, but {} is a cmplan workbook of the same hierarchy (central site {central}, revision {}, {recorded} task(s) with a recorded status).\n\
             This plan starts at revision 1 without that status. To carry it over and continue its revisions, run again with:\n  --previous {}",
            workbook.display(),
            prev.path.display(),
            prev.revision,
            prev.path.display()
        );
    }
}

/// A site checklist this run replaces: where, and what it holds (unless `--discard-status`).
struct SiteWorkbook {
    path: std::path::PathBuf,
    previous: Option<PreviousWorkbook>,
}

/// Reads the existing checklists of `codes`, oldest first. One that cannot be read stops
/// everything, as the main workbook does: what is recorded in it would be lost.
fn site_workbooks(
    args: &GenerateArgs,
    stem: &str,
    codes: &[String],
) -> Result<Vec<SiteWorkbook>, ExitCode> {
    let mut out = Vec::new();
    for code in codes {
        let path = output::output_path(&args.output, &format!("{stem}-{code}"), "xlsx");
        if !path.exists() {
            continue;
        }
        let previous = match args.discard_status {
            true => None,
            false => Some(regen::read_previous(&path).map_err(|err| {
                refuse(&err, true);
                ExitCode::from(1)
            })?),
        };
        out.push(SiteWorkbook { path, previous });
    }
    out.sort_by_key(|s| modified(&s.path));
    Ok(out)
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn refuse(err: &PreviousError, at_output_path: bool) {
    eprintln!("error: {err}");
    let hint = err.hint();
    if !hint.is_empty() {
        eprintln!("  hint: {hint}");
    }
    if at_output_path {
        eprintln!(
            "cmplan will not replace this workbook: the status recorded in it would be lost. Nothing was written.\n\
             - to carry the status from another copy of the workbook: --previous FILE\n\
             - to start afresh at revision 1 (the workbook is kept as a backup first): --discard-status"
        );
    } else {
        eprintln!(
            "Nothing was written. Give another workbook with --previous FILE, or start afresh with --discard-status."
        );
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
