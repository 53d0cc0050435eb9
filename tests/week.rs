//! A planner's week, end to end through the `cmplan` binary: generate, record status in a
//! workbook rewritten by another writer (as a LibreOffice save does: every sheet rewritten from
//! its cells, the hidden plan sheet kept), regenerate with nothing changed, change a schedule
//! setting, rename the description, and bring back a site's checklist with `--previous`.

mod regen_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use cmplan::plan::Plan;
use cmplan::regen::PlanDiff;
use regen_support::{cmplan, ok, sheet_rows, user_edit, Entry};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Contoso, scheduled from Monday 4 January 2027.
fn description() -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.toml"),
    )
    .unwrap();
    let text = text.replacen("[plan]\n", "[plan]\nstart = \"2027-01-04\"\n", 1);
    assert!(text.contains("start = \"2027-01-04\""));
    text
}

struct Week {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    out: PathBuf,
}

impl Week {
    fn new() -> Week {
        let dir = tempfile::tempdir().unwrap();
        Week {
            dir: dir.path().to_path_buf(),
            out: dir.path().join("out"),
            _dir: dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn generate(&self, env: &str, date: &str, extra: &[&str]) -> Output {
        let env = self.path(env);
        let mut args = vec![
            "generate",
            env.to_str().unwrap(),
            "-o",
            self.out.to_str().unwrap(),
            "-f",
            "xlsx,json,md",
            "--date",
            date,
        ];
        args.extend_from_slice(extra);
        ok(cmplan(&args))
    }

    fn plan(&self, stem: &str) -> Plan {
        serde_json::from_slice(&std::fs::read(self.out.join(format!("{stem}.json"))).unwrap())
            .unwrap()
    }

    /// Every file name in the output folder, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The Checklist's rows with something recorded: ID → (Status, Owner, Completed on, Notes).
fn recorded(workbook: &Path) -> BTreeMap<String, [String; 4]> {
    let rows = sheet_rows(&std::fs::read(workbook).unwrap(), "Checklist").unwrap();
    let h = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "ID"))
        .unwrap();
    let col = |name: &str| rows[h].iter().position(|c| c == name).unwrap();
    let (id, st, ow, co, no) = (
        col("ID"),
        col("Status"),
        col("Owner"),
        col("Completed on"),
        col("Notes"),
    );
    let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
    rows[h + 1..]
        .iter()
        .filter(|r| {
            let status = cell(r, st);
            !(status.is_empty() || status == "Not started")
                || !cell(r, ow).is_empty()
                || !cell(r, no).is_empty()
        })
        .map(|r| {
            (
                cell(r, id),
                [cell(r, st), cell(r, ow), cell(r, co), cell(r, no)],
            )
        })
        .collect()
}

fn record(workbook: &Path, entries: &[Entry<'_>]) {
    let rewritten = user_edit(&std::fs::read(workbook).unwrap(), entries);
    std::fs::write(workbook, rewritten).unwrap();
}

fn backups(w: &Week) -> Vec<String> {
    w.files()
        .into_iter()
        .filter(|n| cmplan::regen::is_backup_name(n))
        .collect()
}

#[test]
fn a_week_of_regeneration() {
    let w = Week::new();
    std::fs::write(w.path("acme.toml"), description()).unwrap();

    // Monday: revision 1.
    w.generate("acme.toml", "2027-01-04", &[]);
    let rev1 = w.plan("acme");
    assert_eq!(rev1.revision, 1);
    let schedule1 = rev1
        .schedule
        .clone()
        .expect("plan.start schedules the plan");
    let first = rev1.tasks().next().unwrap().id.clone();
    let nyc = rev1
        .tasks()
        .find(|t| t.site.as_deref() == Some("NYC") && t.kind == "SITE-UPG")
        .unwrap()
        .id
        .clone();
    let lon = rev1
        .tasks()
        .find(|t| t.site.as_deref() == Some("LON") && t.kind == "SITE-UPG")
        .unwrap()
        .id
        .clone();

    // The engineers record status; the workbook comes back rewritten by another writer.
    let workbook = w.out.join("acme.xlsx");
    record(
        &workbook,
        &[
            // Not Done: a task recorded Done is dated on its completion day, which moves the
            // schedule (a new revision); here only the status changes.
            Entry {
                id: &first,
                status: "In progress",
                owner: "Ann",
                completed_on: "",
                notes: "at the board on Thursday",
            },
            Entry {
                id: &lon,
                status: "Blocked",
                owner: "Lee",
                completed_on: "",
                notes: "waiting for SQL 2005",
            },
        ],
    );
    let mut expected = recorded(&workbook);
    assert_eq!(expected.len(), 2, "{expected:?}");

    // Wednesday, nothing changed: the same revision (and date), no backup, status carried.
    let out = w.generate("acme.toml", "2027-01-06", &[]);
    assert!(
        stderr(&out).contains("revision 1 again"),
        "{}",
        stderr(&out)
    );
    let again = w.plan("acme");
    assert_eq!((again.revision, again.date.as_str()), (1, "2027-01-04"));
    assert!(again.changes.is_none());
    assert_eq!(backups(&w), Vec::<String>::new());
    assert_eq!(recorded(&workbook), expected);

    // A schedule setting changes: the resync after each child's upgrade takes 10 days.
    let mut text = description();
    text.push_str("\n[schedule.days]\nSITE-RESYNC = 10\n");
    std::fs::write(w.path("acme.toml"), &text).unwrap();
    // The diff, from the workbook (the plan it holds) to the edited description.
    let diff_args = |format: &str| {
        cmplan(&[
            "diff",
            workbook.to_str().unwrap(),
            w.path("acme.toml").to_str().unwrap(),
            "--format",
            format,
            "--date",
            "2027-01-07",
        ])
    };
    let d: PlanDiff = serde_json::from_slice(&ok(diff_args("json")).stdout).unwrap();
    let listed = ok(diff_args("text"));
    let text_diff = stdout(&listed);

    w.generate("acme.toml", "2027-01-07", &[]);
    let rev2 = w.plan("acme");
    assert_eq!(rev2.revision, 2);
    let schedule2 = rev2.schedule.clone().unwrap();
    assert!(
        schedule2.end > schedule1.end,
        "{} → {}",
        schedule1.end,
        schedule2.end
    );
    assert_eq!(d.old_label, "acme.xlsx (revision 1)");
    let setting: Vec<_> = d
        .environment
        .iter()
        .map(|e| (e.kind.as_str(), e.subject.as_str(), e.description.as_str()))
        .collect();
    assert_eq!(
        setting,
        [(
            "schedule",
            "schedule.days.SITE-RESYNC",
            "schedule.days SITE-RESYNC 2 → 10 working day(s)"
        )]
    );
    let end = d
        .schedule
        .iter()
        .find(|c| c.kind == "plan" && c.subject == "end")
        .expect("the end date moved");
    assert_eq!(
        (end.old.as_deref(), end.new.as_deref()),
        (Some(schedule1.end.as_str()), Some(schedule2.end.as_str()))
    );
    let end_line = format!("planned end {} → {}", schedule1.end, schedule2.end);
    assert!(text_diff.contains(&end_line), "{text_diff}");
    assert!(!text_diff.contains("No changes."), "{text_diff}");
    // Every wave after the first resync moved; the critical path is the new one.
    assert!(d.schedule.iter().any(|c| c.kind == "wave"), "{text_diff}");
    if schedule1.critical_path != schedule2.critical_path {
        let path = d
            .schedule
            .iter()
            .find(|c| c.kind == "critical-path")
            .expect("the critical path changed");
        assert_eq!(path.new, Some(schedule2.critical_path.join(" → ")));
    }
    assert!(schedule2
        .critical_path
        .iter()
        .any(|id| id.starts_with("SITE-RESYNC-")));

    // The plan's Changes say the same, in the JSON and the Markdown.
    let changes = rev2.changes.as_ref().expect("changes since revision 1");
    let described: Vec<&str> = changes
        .entries
        .iter()
        .map(|e| e.description.as_str())
        .collect();
    // The end date names the setting that changed with it.
    assert!(
        described.contains(
            &format!("{end_line} (settings changed: schedule.days.SITE-RESYNC)").as_str()
        ),
        "{described:?}"
    );
    assert!(
        described.contains(&"schedule.days SITE-RESYNC 2 → 10 working day(s)"),
        "{described:?}"
    );
    let md = std::fs::read_to_string(w.out.join("acme.md")).unwrap();
    assert!(md.contains("Changes since revision 1"));
    assert!(
        md.contains(&end_line),
        "the Markdown's Changes name the new end date"
    );
    if schedule1.critical_path != schedule2.critical_path {
        assert!(
            md.contains("critical path"),
            "the Markdown's Changes name the critical path"
        );
    }
    // Revision 1 is kept, with its status; the new workbook carries it.
    assert_eq!(backups(&w), ["acme.rev1.xlsx"]);
    assert_eq!(recorded(&w.out.join("acme.rev1.xlsx")), expected);
    assert_eq!(recorded(&workbook), expected);

    // The same diff between the kept workbook and the JSON plan: cmplan's own files both ways.
    let out = ok(cmplan(&[
        "diff",
        w.out.join("acme.rev1.xlsx").to_str().unwrap(),
        w.out.join("acme.json").to_str().unwrap(),
        "--format",
        "json",
    ]));
    let again: PlanDiff = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again.schedule, d.schedule);
    assert_eq!(again.environment, d.environment);

    // The description is renamed: no acme-v2.xlsx yet, but acme.xlsx is the same hierarchy.
    std::fs::rename(w.path("acme.toml"), w.path("acme-v2.toml")).unwrap();
    let out = w.generate("acme-v2.toml", "2027-01-08", &[]);
    let said = stderr(&out);
    assert!(said.contains(&workbook.display().to_string()), "{said}");
    assert!(
        said.contains(&format!("--previous {}", workbook.display())),
        "{said}"
    );
    assert!(said.contains("central site CEN, revision 2"), "{said}");
    assert_eq!(w.plan("acme-v2").revision, 1);
    // With --previous as named: the same plan as revision 2, its status carried.
    let out = w.generate(
        "acme-v2.toml",
        "2027-01-08",
        &["--previous", workbook.to_str().unwrap()],
    );
    assert!(
        !stderr(&out).contains("does not exist yet"),
        "{}",
        stderr(&out)
    );
    let v2 = w.plan("acme-v2");
    assert_eq!(v2.revision, 2);
    let v2_book = w.out.join("acme-v2.xlsx");
    assert_eq!(recorded(&v2_book), expected);
    // The acme-v2.xlsx it replaced (revision 1, status from no workbook) is kept: its status
    // was not the one carried.
    assert_eq!(backups(&w), ["acme-v2.previous.xlsx", "acme.rev1.xlsx"]);

    // NYC's team gets its checklist (the plan is unchanged: still revision 2), ticks its upgrade
    // and mails it back; meanwhile the main workbook is not touched.
    w.generate("acme-v2.toml", "2027-01-11", &["--site", "NYC"]);
    assert_eq!(w.plan("acme-v2").revision, 2);
    let site_book = w.out.join("acme-v2-NYC.xlsx");
    let site_ids: Vec<String> = recorded_ids_of_all_rows(&site_book);
    assert!(site_ids.contains(&nyc));
    assert!(
        !site_ids.contains(&first) && !site_ids.contains(&lon),
        "outside NYC's checklist"
    );
    let mail = w.path("mail");
    std::fs::create_dir(&mail).unwrap();
    let mailed = mail.join("acme-v2-NYC.xlsx");
    std::fs::copy(&site_book, &mailed).unwrap();
    record(
        &mailed,
        &[Entry {
            id: &nyc,
            status: "In progress",
            owner: "Nick",
            completed_on: "",
            notes: "media copied",
        }],
    );
    // The site's checklist compared with the description: the same part, nothing changed.
    let out = ok(cmplan(&[
        "diff",
        mailed.to_str().unwrap(),
        w.path("acme-v2.toml").to_str().unwrap(),
        "--date",
        "2027-01-07",
    ]));
    assert!(stdout(&out).contains("No changes."), "{}", stdout(&out));

    let kept_before = backups(&w);
    let out = w.generate(
        "acme-v2.toml",
        "2027-01-13",
        &["--previous", mailed.to_str().unwrap()],
    );
    assert!(
        stderr(&out).contains("is a part of the plan"),
        "{}",
        stderr(&out)
    );
    expected.insert(
        nyc.clone(),
        [
            "In progress".into(),
            "Nick".into(),
            String::new(),
            "media copied".into(),
        ],
    );
    assert_eq!(recorded(&v2_book), expected, "no status outside NYC lost");
    let v2 = w.plan("acme-v2");
    assert_eq!(v2.revision, 2);
    // Unchanged, with the site's status added: the main workbook carries everything, no backup.
    assert_eq!(backups(&w), kept_before);
    assert_eq!(
        v2.task(&lon).unwrap().progress.as_ref().unwrap().notes,
        "waiting for SQL 2005"
    );
}

/// Every task ID on a workbook's Checklist.
fn recorded_ids_of_all_rows(workbook: &Path) -> Vec<String> {
    let rows = sheet_rows(&std::fs::read(workbook).unwrap(), "Checklist").unwrap();
    let h = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "ID"))
        .unwrap();
    let id = rows[h].iter().position(|c| c == "ID").unwrap();
    rows[h + 1..]
        .iter()
        .filter_map(|r| r.get(id).cloned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A site's checklist is all there is (the whole plan's workbook is elsewhere): its status is
/// carried, and the plan it holds is compared with the same site's part of the new plan.
#[test]
fn a_site_checklist_alone_carries_its_status() {
    let w = Week::new();
    std::fs::write(w.path("acme.toml"), description()).unwrap();
    w.generate("acme.toml", "2027-01-04", &["--site", "NYC"]);
    let rev1 = w.plan("acme");
    let nyc = rev1
        .tasks()
        .find(|t| t.site.as_deref() == Some("NYC") && t.kind == "SITE-UPG")
        .unwrap()
        .id
        .clone();
    let mailed = w.path("acme-NYC.xlsx");
    std::fs::copy(w.out.join("acme-NYC.xlsx"), &mailed).unwrap();
    record(
        &mailed,
        &[Entry {
            id: &nyc,
            status: "In progress",
            owner: "Nick",
            completed_on: "",
            notes: "",
        }],
    );
    std::fs::remove_dir_all(&w.out).unwrap();
    let out = w.generate(
        "acme.toml",
        "2027-01-05",
        &["--previous", mailed.to_str().unwrap()],
    );
    let plan = w.plan("acme");
    assert_eq!(
        plan.task(&nyc).unwrap().progress.as_ref().unwrap().owner,
        "Nick",
        "{}",
        stderr(&out)
    );
    // Only NYC's part is known, so the rest may have changed: a new revision, whose Changes
    // compare NYC's part only (here, nothing).
    assert_eq!(plan.revision, 2);
    assert!(plan.changes.unwrap().entries.is_empty());
    assert!(
        plan.removed_tasks.is_empty(),
        "no task is taken for removed"
    );
}

/// A workbook or JSON that is not a plan cmplan wrote is named as such, not read as a
/// description ("not valid UTF-8", "no `plan` object").
#[test]
fn diff_says_why_a_file_is_not_a_plan() {
    let w = Week::new();
    std::fs::write(w.path("acme.toml"), description()).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "budget").unwrap();
    std::fs::write(w.path("budget.xlsx"), book.save_to_buffer().unwrap()).unwrap();
    std::fs::write(w.path("cut.json"), r#"{"title": "x", "phases": []}"#).unwrap();
    for (file, says) in [
        ("budget.xlsx", "was not written by cmplan"),
        ("cut.json", "is a cmplan JSON plan but cannot be read"),
    ] {
        let out = cmplan(&[
            "diff",
            w.path(file).to_str().unwrap(),
            w.path("acme.toml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let said = stderr(&out);
        assert!(said.contains(says), "{file}: {said}");
        assert!(said.contains("hint: each side is a description"), "{said}");
    }
}

/// The workbook as another writer saves it after a user added a filled-in column `Ticket` to the
/// Checklist (every sheet rewritten from its cells, hidden state kept).
fn with_ticket_column(bytes: &[u8]) -> Vec<u8> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheets = book.sheets_metadata().to_vec();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for sheet in sheets {
        let range = book.worksheet_range(&sheet.name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        if sheet.visible != calamine::SheetVisible::Visible {
            ws.set_hidden(true);
        }
        let (Some((r0, c0)), Some((r1, c1))) = (range.start(), range.end()) else {
            continue;
        };
        for r in r0..=r1 {
            for c in c0..=c1 {
                match range.get_value((r, c)) {
                    Some(Data::String(s)) => ws.write_string(r, c as u16, s).map(|_| ()),
                    Some(Data::Float(f)) => ws.write_number(r, c as u16, *f).map(|_| ()),
                    Some(Data::Int(i)) => ws.write_number(r, c as u16, *i as f64).map(|_| ()),
                    _ => Ok(()),
                }
                .unwrap();
            }
        }
        if sheet.name == "Checklist" {
            let header = (r0..=r1)
                .find(|&r| matches!(range.get_value((r, 0)), Some(Data::String(s)) if s == "ID"))
                .unwrap();
            ws.write_string(header, c1 as u16 + 1, "Ticket").unwrap();
            ws.write_string(header + 1, c1 as u16 + 1, "INC-4711")
                .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Nothing changed, but a user added a column of their own: the new workbook does not carry
/// it, so the old one is kept as a backup (the revision stays the same).
#[test]
fn a_column_a_user_added_keeps_the_backup() {
    let w = Week::new();
    std::fs::write(w.path("acme.toml"), description()).unwrap();
    w.generate("acme.toml", "2027-01-04", &[]);
    let workbook = w.out.join("acme.xlsx");
    let edited = with_ticket_column(&std::fs::read(&workbook).unwrap());
    std::fs::write(&workbook, &edited).unwrap();
    let out = w.generate("acme.toml", "2027-01-05", &[]);
    assert!(
        stderr(&out).contains("Checklist column Ticket"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.plan("acme").revision, 1);
    assert_eq!(backups(&w), ["acme.rev1.xlsx"]);
    assert_eq!(std::fs::read(w.out.join("acme.rev1.xlsx")).unwrap(), edited);
}

/// Nothing changed: the main workbook and the site checklist carry all their status, so neither
/// is kept, except the site checklist where a user added a column of their own.
#[test]
fn an_unchanged_run_backs_up_only_the_site_checklist_holding_a_users_column() {
    let w = Week::new();
    std::fs::write(w.path("acme.toml"), description()).unwrap();
    w.generate("acme.toml", "2027-01-04", &["--site", "NYC"]);
    let site_book = w.out.join("acme-NYC.xlsx");
    let edited = with_ticket_column(&std::fs::read(&site_book).unwrap());
    std::fs::write(&site_book, &edited).unwrap();

    // Without the column: nothing to keep.
    w.generate("acme.toml", "2027-01-05", &["--site", "LON"]);
    assert_eq!(backups(&w), Vec::<String>::new());

    let out = w.generate("acme.toml", "2027-01-05", &["--site", "NYC"]);
    assert!(
        stderr(&out).contains("revision 1 again"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.plan("acme").revision, 1);
    assert_eq!(backups(&w), ["acme-NYC.rev1.xlsx"], "{}", stderr(&out));
    assert_eq!(
        std::fs::read(w.out.join("acme-NYC.rev1.xlsx")).unwrap(),
        edited
    );
}
