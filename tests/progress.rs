//! Recorded progress shapes the schedule and every document, end to end through the `cmplan`
//! binary: generate contoso with a start date, record one task Done (with its date) and another
//! Blocked (with a note) in the workbook, regenerate with `--today`, and read every format back.

mod pdf_read;
mod regen_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use cmplan::plan::progress::ProgressRecord;
use cmplan::plan::{self, Plan, PlanOptions, Progress, TaskStatus};
use cmplan::templates::Templates;
use regen_support::{cmplan, ok, sheet_rows, user_edit, Entry};

const DATE: &str = "2027-01-04";
const START: &str = "2027-01-04";
const TODAY: &str = "2027-02-01";
const DONE_ON: &str = "2027-01-06";
const NOTE: &str = "waiting for the change board's approval";

/// contoso with `plan.start`.
fn contoso_with_start() -> String {
    std::fs::read_to_string("examples/contoso.toml")
        .unwrap()
        .replacen("[plan]\n", &format!("[plan]\nstart = {START}\n"), 1)
}

fn generate(env: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        env.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-f",
        "md,html,pdf,xlsx,json",
        "--date",
        DATE,
    ];
    args.extend_from_slice(extra);
    cmplan(&args)
}

fn read_plan(path: &Path) -> Plan {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A folder with the description and a first generation in it.
fn first_generation(dir: &Path) -> (PathBuf, PathBuf, Plan) {
    let env = dir.join("contoso.toml");
    std::fs::write(&env, contoso_with_start()).unwrap();
    let out = dir.join("out");
    ok(generate(&env, &out, &[]));
    let plan = read_plan(&out.join("contoso.json"));
    (env, out, plan)
}

/// The task recorded Done (the first of the plan) and the one recorded Blocked (the central
/// site's upgrade: much waits on it).
fn picks(plan: &Plan) -> (String, String) {
    let done = plan.tasks().next().unwrap().id.clone();
    let blocked = plan
        .tasks()
        .find(|t| t.kind == "SITE-UPG" && t.site.as_deref() == Some("CEN"))
        .expect("the central site is upgraded")
        .id
        .clone();
    (done, blocked)
}

fn record(out: &Path, done: &str, blocked: &str) {
    let workbook = out.join("contoso.xlsx");
    let edited = user_edit(
        &std::fs::read(&workbook).unwrap(),
        &[
            Entry {
                id: done,
                status: "Done",
                owner: "Ann Admin",
                completed_on: DONE_ON,
                notes: "",
            },
            Entry {
                id: blocked,
                status: "Blocked",
                owner: "Bob",
                completed_on: "",
                notes: NOTE,
            },
        ],
    );
    std::fs::write(&workbook, edited).unwrap();
}

#[test]
fn done_work_keeps_its_date_the_rest_is_planned_from_today_and_every_document_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (env, out, rev1) = first_generation(dir.path());
    let (done, blocked) = picks(&rev1);
    // Nothing recorded yet: the JSON plan has no progress summary.
    let rev1_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("contoso.json")).unwrap()).unwrap();
    assert!(rev1_json.get("progress").is_none());
    // Before: the first task is planned on the start day, not on the day it will be done.
    assert_eq!(
        rev1.task(&done).unwrap().planned_start.as_deref(),
        Some(START)
    );
    record(&out, &done, &blocked);

    ok(generate(&env, &out, &["--today", TODAY, "--site", "CEN"]));
    let plan = read_plan(&out.join("contoso.json"));

    // The Done task keeps its completion date and is not planned again.
    let t = plan.task(&done).unwrap();
    assert_eq!(t.progress.as_ref().unwrap().status, TaskStatus::Done);
    assert_eq!(t.planned_start.as_deref(), Some(DONE_ON));
    assert_eq!(t.planned_end.as_deref(), Some(DONE_ON));
    assert!(!t.critical, "done work is not on the critical path");
    // Everything else starts on or after --today.
    for t in plan.tasks().filter(|t| t.id != done) {
        let start = t
            .planned_start
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no date", t.id));
        assert!(
            start >= TODAY,
            "{} planned on {start}, before {TODAY}",
            t.id
        );
    }
    let schedule = plan.schedule.as_ref().unwrap();
    assert_eq!(schedule.today.as_deref(), Some(TODAY));
    assert_eq!(schedule.start, START);
    assert!(schedule.end > rev1.schedule.as_ref().unwrap().end.clone());

    // What waits on the blocked task: its direct dependents, named.
    let direct: Vec<&str> = plan
        .tasks()
        .filter(|t| t.depends_on.contains(&blocked))
        .map(|t| t.id.as_str())
        .collect();
    assert!(!direct.is_empty());
    let total_tasks = plan.tasks().count();

    // Markdown: the progress section, the counts, the blocked task with its note and dependents,
    // the Done task dated on its completion, the blocked task marked where it is.
    let md = std::fs::read_to_string(out.join("contoso.md")).unwrap();
    let section = md
        .split("\n# Progress\n")
        .nth(1)
        .expect("a Progress section")
        .split("\n# ")
        .next()
        .unwrap();
    assert!(
        section.contains(&format!(
            "1 of {total_tasks} tasks done, 0 in progress, 1 blocked"
        )),
        "{section}"
    );
    let wave1 = plan.tasks().filter(|t| t.wave == 1).count();
    let blocked_wave = plan.task(&blocked).unwrap().wave;
    let row = |label: &str| -> Vec<String> {
        section
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("no row {label} in\n{section}"))
            .split('|')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    // | Wave 1 | Not started | In progress | Done | Blocked | Not applicable | Tasks |
    let w1 = row("Wave 1");
    assert_eq!(w1[3], "1", "{w1:?}");
    assert_eq!(w1[6], wave1.to_string(), "{w1:?}");
    let wb = row(&format!("Wave {blocked_wave}"));
    assert_eq!(wb[4], "1", "{wb:?}");
    let cen = row("CEN");
    assert_eq!(cen[4], "1", "{cen:?}");
    let blocked_row = section
        .lines()
        .find(|l| l.starts_with(&format!("| {blocked} ")))
        .unwrap_or_else(|| panic!("no blocked row in\n{section}"));
    json_progress_is_the_markdowns(&out.join("contoso.json"), section);
    summary_progress_counts_are_checklist_formulas(
        &out.join("contoso.xlsx"),
        &out.join("contoso.json"),
    );
    assert!(blocked_row.contains(NOTE), "{blocked_row}");
    for d in &direct {
        assert!(blocked_row.contains(d), "{d} not named in {blocked_row}");
    }
    assert!(
        md.contains(&format!("*Done:* {DONE_ON}")),
        "the done task shows its date"
    );
    let blocked_item = md
        .split(&format!("**{blocked}**"))
        .nth(1)
        .unwrap()
        .split("\n- [")
        .next()
        .unwrap();
    assert!(
        blocked_item.contains("*Blocked; waiting on it:*") && blocked_item.contains(direct[0]),
        "{blocked_item}"
    );

    // The site checklist counts its own tasks, and names the blocked one.
    let site_md = std::fs::read_to_string(out.join("contoso-CEN.md")).unwrap();
    let site_section = site_md
        .split("\n# Progress\n")
        .nth(1)
        .expect("a Progress section");
    assert!(
        site_section.contains(&format!("| {blocked} ")),
        "{site_section}"
    );
    assert!(
        !site_section.contains("| NYC |"),
        "only the site's own tasks"
    );

    // HTML: the same section, as text.
    let html = std::fs::read_to_string(out.join("contoso.html")).unwrap();
    assert!(html.contains(">Progress by wave<"), "HTML has the section");
    assert!(html.contains(NOTE.replace('\'', "&#39;").as_str()) || html.contains(NOTE));

    // PDF: the section and the note, read back in-process.
    let pdf = std::fs::read(out.join("contoso.pdf")).unwrap();
    let text = pdf_read::Pdf::parse(&pdf).texts().join("\n");
    assert!(text.contains("Progress by wave"), "PDF has the section");
    assert!(text.contains("Blocked tasks"));
    assert!(
        text.contains("change board"),
        "PDF names the blocked task's note"
    );

    // Workbook: the Summary sheet's progress block.
    let xlsx = std::fs::read(out.join("contoso.xlsx")).unwrap();
    let rows = sheet_rows(&xlsx, "Summary").expect("a Summary sheet");
    let find = |label: &str| -> &Vec<String> {
        rows.iter()
            .find(|r| r.first().map(String::as_str) == Some(label))
            .unwrap_or_else(|| panic!("no Summary row {label}: {rows:?}"))
    };
    assert_eq!(find("Remaining work planned from")[1], TODAY);
    let header = find("Progress by wave");
    assert_eq!(header[3], "Done");
    let w1 = find("Wave 1");
    assert_eq!(w1[3], "1");
    assert_eq!(w1[6], wave1.to_string());
    assert_eq!(find("CEN")[4], "1");
    let b = find(&blocked);
    assert_eq!(b[1], NOTE);
    assert!(b[2].contains(direct[0]), "{b:?}");
}

/// The JSON plan's `progress` holds the numbers of the Markdown's Progress section: every row of
/// both tables, and the blocked tasks with their notes and what waits on them.
fn json_progress_is_the_markdowns(json: &Path, section: &str) {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let progress = v.get("progress").expect("the JSON plan has `progress`");
    let md_rows = |heading: &str| -> Vec<Vec<String>> {
        section
            .split(&format!("## {heading}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no {heading} in\n{section}"))
            .split("\n## ")
            .next()
            .unwrap()
            .lines()
            .filter(|l| {
                l.starts_with("| ") && !l.starts_with("| Wave |") && !l.starts_with("| Site |")
            })
            .map(|l| {
                l.split('|')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .collect()
    };
    const COUNTS: [&str; 6] = [
        "not_started",
        "in_progress",
        "done",
        "blocked",
        "not_applicable",
        "total",
    ];
    for (key, heading) in [("waves", "Progress by wave"), ("sites", "Progress by site")] {
        let json_rows: Vec<Vec<String>> = progress[key]
            .as_array()
            .unwrap_or_else(|| panic!("progress.{key} is a list"))
            .iter()
            .map(|r| {
                let mut row = vec![r["label"].as_str().unwrap().to_string()];
                row.extend(COUNTS.iter().map(|c| r["counts"][c].to_string()));
                row
            })
            .collect();
        assert_eq!(json_rows, md_rows(heading), "progress.{key}");
    }
    let blocked = progress["blocked"].as_array().unwrap();
    let md_blocked: Vec<&str> = section
        .split("## Blocked tasks\n")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Task |"))
        .collect();
    assert_eq!(blocked.len(), md_blocked.len(), "{md_blocked:?}");
    for (b, line) in blocked.iter().zip(md_blocked) {
        assert!(
            line.starts_with(&format!("| {} ", b["id"].as_str().unwrap())),
            "{line}"
        );
        assert!(line.contains(b["notes"].as_str().unwrap()), "{line}");
        let waiting = b["waiting"].as_array().unwrap();
        assert!(!waiting.is_empty());
        for w in waiting {
            assert!(line.contains(w.as_str().unwrap()), "{w} not in {line}");
        }
    }
    let total = &progress["total"];
    assert!(
        section.contains(&format!(
            "{} of {} tasks done, {} in progress, {} blocked, {} not applicable, {} not started",
            total["done"],
            total["total"],
            total["in_progress"],
            total["blocked"],
            total["not_applicable"],
            total["not_started"]
        )),
        "{total}"
    );
}

/// The workbook Summary's progress counts are COUNTIFS over the Checklist's Status column and
/// its Wave or Site column (so they follow the engineers' ticks), and a reader that does not
/// recalculate sees the plan's counts as their cached results.
fn summary_progress_counts_are_checklist_formulas(xlsx: &Path, json: &Path) {
    use calamine::{Reader, Xlsx};
    use cmplan::workbook_layout::{ChecklistRole, CHECKLIST};

    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    let bytes = std::fs::read(xlsx).unwrap();
    let rows = sheet_rows(&bytes, "Summary").unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let formulas = book.worksheet_formula("Summary").unwrap();
    let column = |role| format!("Checklist!${}$2:", CHECKLIST.letter(role));
    let status = column(ChecklistRole::Status);
    const COUNTS: [&str; 6] = [
        "not_started",
        "in_progress",
        "done",
        "blocked",
        "not_applicable",
        "total",
    ];
    for (key, heading, by) in [
        ("waves", "Progress by wave", ChecklistRole::Wave),
        ("sites", "Progress by site", ChecklistRole::Site),
    ] {
        let start = rows
            .iter()
            .position(|r| r.first().map(String::as_str) == Some(heading))
            .unwrap_or_else(|| panic!("no {heading} on the Summary"));
        let expected = v["progress"][key].as_array().unwrap();
        assert!(!expected.is_empty());
        for (k, r) in expected.iter().enumerate() {
            let at = start + 1 + k;
            assert_eq!(
                rows[at][0],
                r["label"].as_str().unwrap(),
                "{heading} row {k}"
            );
            for (i, count) in COUNTS.iter().enumerate() {
                let col = 1 + i;
                assert_eq!(
                    rows[at][col],
                    r["counts"][count].to_string(),
                    "cached {heading} {} {count}",
                    rows[at][0]
                );
                let f = formulas
                    .get_value((at as u32, col as u32))
                    .unwrap_or_else(|| panic!("no formula at {heading} {} {count}", rows[at][0]));
                assert!(f.starts_with("COUNTIFS("), "{f}");
                assert!(
                    f.contains(&column(by)),
                    "{f} does not read the {by:?} column"
                );
                // Every column but the total counts one Status.
                assert_eq!(f.contains(&status), *count != "total", "{count}: {f}");
            }
        }
    }
}

#[test]
fn a_today_regeneration_names_today_as_what_moved_the_dates() {
    use cmplan::workbook_layout::{ChangeRole, CHANGES};

    let dir = tempfile::tempdir().unwrap();
    let (env, out, rev1) = first_generation(dir.path());
    ok(generate(&env, &out, &["--today", TODAY]));
    let rev2 = read_plan(&out.join("contoso.json"));
    assert_eq!(rev2.revision, 2, "moved dates make a new revision");
    let (end1, end2) = (
        &rev1.schedule.as_ref().unwrap().end,
        &rev2.schedule.as_ref().unwrap().end,
    );
    assert!(end2 > end1, "{end1} → {end2}");
    let setting =
        format!("remaining work planned from plan.start → planned from {TODAY} (--today)");
    let end_line = format!("planned end {end1} → {end2} (settings changed: --today)");

    // The plan's Changes: the setting, and the end date naming it.
    let changes = rev2.changes.as_ref().expect("changes since revision 1");
    let entry = |description: &str| {
        changes
            .entries
            .iter()
            .find(|e| e.description == description)
            .unwrap_or_else(|| panic!("no change {description:?} in {:?}", changes.entries))
    };
    assert_eq!(entry(&setting).subject, "--today");
    assert_eq!(entry(&end_line).subject, "plan");

    // The Markdown's Changes section.
    let md = std::fs::read_to_string(out.join("contoso.md")).unwrap();
    let section = md
        .split("\n# Changes since revision 1\n")
        .nth(1)
        .expect("a Changes section")
        .split("\n# ")
        .next()
        .unwrap();
    let row = section
        .lines()
        .find(|l| l.contains(&setting))
        .unwrap_or_else(|| panic!("no --today row in\n{section}"));
    assert!(row.contains("--today |"), "{row}");
    assert!(section.contains(&end_line), "{section}");

    // The workbook's Changes sheet (its header row is row 2).
    let xlsx = std::fs::read(out.join("contoso.xlsx")).unwrap();
    let rows = sheet_rows(&xlsx, CHANGES.sheet).expect("a Changes sheet");
    let (subject, description) = (
        CHANGES.col(ChangeRole::Subject) as usize,
        CHANGES.col(ChangeRole::Description) as usize,
    );
    let sheet_row = rows
        .iter()
        .find(|r| r[subject] == "--today")
        .unwrap_or_else(|| panic!("no --today row on the Changes sheet: {rows:?}"));
    assert_eq!(sheet_row[description], setting);
    assert!(rows.iter().any(|r| r[description] == end_line), "{rows:?}");

    // `cmplan diff` between the kept revision and the new one says the same.
    let diff = ok(cmplan(&[
        "diff",
        out.join("contoso.rev1.xlsx").to_str().unwrap(),
        out.join("contoso.xlsx").to_str().unwrap(),
    ]));
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(text.contains(&setting), "{text}");
    assert!(text.contains(&end_line), "{text}");
}

#[test]
fn the_same_input_workbook_and_today_give_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let (env, out, rev1) = first_generation(a.path());
    let (done, blocked) = picks(&rev1);
    record(&out, &done, &blocked);
    // A second folder with the same description and the same recorded workbook.
    let b = tempfile::tempdir().unwrap();
    let env_b = b.path().join("contoso.toml");
    std::fs::copy(&env, &env_b).unwrap();
    let out_b = b.path().join("out");
    std::fs::create_dir_all(&out_b).unwrap();
    std::fs::copy(out.join("contoso.xlsx"), out_b.join("contoso.xlsx")).unwrap();
    ok(generate(&env, &out, &["--today", TODAY]));
    ok(generate(&env_b, &out_b, &["--today", TODAY]));
    for file in [
        "contoso.md",
        "contoso.json",
        "contoso.html",
        "contoso.xlsx",
        "contoso.pdf",
    ] {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            std::fs::read(out_b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

fn contoso_plan() -> (cmplan::model::Environment, Plan) {
    let env = cmplan::input::load_bytes("contoso.toml", contoso_with_start().as_bytes()).unwrap();
    let opts = PlanOptions {
        date: DATE.into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    (env, plan)
}

fn progress(status: TaskStatus, completed_on: &str, notes: &str) -> Progress {
    Progress {
        status,
        owner: String::new(),
        completed_on: completed_on.into(),
        notes: notes.into(),
    }
}

#[test]
fn without_today_the_remaining_work_is_planned_from_plan_start() {
    let (env, built) = contoso_plan();
    // Nothing recorded: planning again changes nothing.
    let mut same = built.clone();
    plan::replan(&mut same, &env, &ProgressRecord::default(), None);
    assert_eq!(same, built);

    // A task in the middle recorded Done late: what waits on it starts after that day.
    let mid = built
        .tasks()
        .find(|t| t.kind == "SITE-UPG" && t.site.as_deref() == Some("CEN"))
        .unwrap()
        .clone();
    let late = "2027-06-01";
    let record = ProgressRecord::new([(mid.id.clone(), progress(TaskStatus::Done, late, ""))]);
    let mut p = built.clone();
    plan::replan(&mut p, &env, &record, None);
    assert_eq!(
        p.task(&mid.id).unwrap().planned_start.as_deref(),
        Some(late)
    );
    for t in p.tasks().filter(|t| t.depends_on.contains(&mid.id)) {
        assert!(
            t.planned_start.as_deref().unwrap() > late,
            "{} starts {:?}",
            t.id,
            t.planned_start
        );
    }
    // Tasks before it keep their dates from plan.start.
    let first = built.tasks().next().unwrap();
    assert_eq!(
        p.task(&first.id).unwrap().planned_start,
        first.planned_start
    );
    assert!(p.schedule.as_ref().unwrap().today.is_none());

    // Not applicable, or Done without a date: no dates, and nothing waits for it.
    let record = ProgressRecord::new([
        (mid.id.clone(), progress(TaskStatus::NotApplicable, "", "")),
        (
            first.id.clone(),
            progress(TaskStatus::Done, "last week", ""),
        ),
    ]);
    let mut q = built.clone();
    plan::replan(&mut q, &env, &record, None);
    assert!(q.task(&mid.id).unwrap().planned_start.is_none());
    assert!(q.task(&first.id).unwrap().planned_start.is_none());
    assert!(q.schedule.as_ref().unwrap().end <= built.schedule.as_ref().unwrap().end);
}

#[test]
fn today_without_plan_start_plans_from_today() {
    let text = std::fs::read_to_string("examples/contoso.toml").unwrap();
    let env = cmplan::input::load_bytes("contoso.toml", text.as_bytes()).unwrap();
    let opts = PlanOptions {
        date: DATE.into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let mut p = plan::build(&env, &opts).unwrap();
    assert!(p.schedule.is_none());
    let today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
    plan::replan(&mut p, &env, &ProgressRecord::default(), Some(today));
    let first = p.tasks().next().unwrap();
    assert_eq!(first.planned_start.as_deref(), Some(TODAY));
    assert_eq!(p.schedule.as_ref().unwrap().start, TODAY);
}

#[test]
fn the_progress_summary_counts_by_wave_and_site() {
    let (_, mut p) = contoso_plan();
    assert!(plan::progress::summarize(&p).is_none(), "nothing recorded");
    let ids: Vec<String> = p.tasks().map(|t| t.id.clone()).collect();
    let statuses = [
        TaskStatus::Done,
        TaskStatus::InProgress,
        TaskStatus::Blocked,
        TaskStatus::NotApplicable,
    ];
    let mut expected: BTreeMap<TaskStatus, usize> = BTreeMap::new();
    for phase in &mut p.phases {
        for t in &mut phase.tasks {
            let i = ids.iter().position(|id| *id == t.id).unwrap();
            if i % 3 == 0 {
                let s = statuses[(i / 3) % statuses.len()];
                t.progress = Some(progress(s, "", "note"));
                *expected.entry(s).or_default() += 1;
            }
        }
    }
    let s = plan::progress::summarize(&p).unwrap();
    assert_eq!(s.total.total, ids.len());
    assert_eq!(s.total.done, expected[&TaskStatus::Done]);
    assert_eq!(s.total.in_progress, expected[&TaskStatus::InProgress]);
    assert_eq!(s.total.blocked, expected[&TaskStatus::Blocked]);
    assert_eq!(s.total.not_applicable, expected[&TaskStatus::NotApplicable]);
    assert_eq!(
        s.total.not_started,
        ids.len() - expected.values().sum::<usize>()
    );
    // Each way of cutting adds up to the whole.
    for rows in [&s.waves, &s.sites] {
        assert_eq!(
            rows.iter().map(|r| r.counts.total).sum::<usize>(),
            ids.len()
        );
        assert_eq!(
            rows.iter().map(|r| r.counts.blocked).sum::<usize>(),
            s.total.blocked
        );
    }
    assert_eq!(s.waves.len(), p.waves.len());
    assert_eq!(s.blocked.len(), s.total.blocked);
    assert!(s.blocked.iter().all(|b| b.notes == "note"));
    // What waits on each blocked task: every open task downstream of it, through open tasks.
    let open = |t: &cmplan::plan::Task| {
        !matches!(
            t.progress.as_ref().map(|p| p.status),
            Some(TaskStatus::Done) | Some(TaskStatus::NotApplicable)
        )
    };
    for b in &s.blocked {
        let mut held = std::collections::BTreeSet::from([b.id.as_str()]);
        let mut direct = Vec::new();
        for t in p.tasks().filter(|t| open(t) && t.id != b.id) {
            if t.depends_on.iter().any(|d| held.contains(d.as_str())) {
                held.insert(&t.id);
                if t.depends_on.contains(&b.id) {
                    direct.push(t.id.clone());
                }
            }
        }
        assert_eq!(b.waiting, direct, "{}", b.id);
        assert_eq!(b.waiting_total, held.len() - 1, "{}", b.id);
    }
    assert!(s.blocked.iter().any(|b| b.waiting_total > b.waiting.len()));
}

#[test]
fn a_split_plans_summary_shows_the_whole_plans_progress() {
    let (_, mut p) = contoso_plan();
    let blocked = p
        .tasks()
        .find(|t| t.kind == "SITE-UPG" && t.site.as_deref() == Some("NYC"))
        .unwrap()
        .id
        .clone();
    for t in p.phases.iter_mut().flat_map(|ph| ph.tasks.iter_mut()) {
        if t.id == blocked {
            t.progress = Some(progress(TaskStatus::Blocked, "", NOTE));
        }
    }
    let summary = plan::views::summary(&p, vec!["contoso-wave1.md".into()]);
    assert_eq!(summary.tasks().count(), 0);
    let md = cmplan::render::markdown::render(&summary, &Default::default()).unwrap();
    let section = md
        .split("\n# Progress\n")
        .nth(1)
        .expect("a Progress section");
    assert!(
        section.contains(&format!("0 of {} tasks done", p.tasks().count())),
        "{section}"
    );
    assert!(section.contains(&format!("| {blocked} ")) && section.contains(NOTE));
}
