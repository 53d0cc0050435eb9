//! Regeneration end to end through the `cmplan` binary: generate contoso, record status in the
//! workbook as a user would, edit the environment, regenerate, and check that nothing recorded
//! was lost and the diff says exactly what changed.

mod regen_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use cmplan::plan::Plan;
use regen_support::*;

const DATE: &str = "2027-03-01";

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .unwrap()
}

fn generate(env: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        env.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-f",
        "xlsx,json",
        "--date",
        DATE,
    ];
    args.extend_from_slice(extra);
    cmplan(&args)
}

fn read_plan(path: &Path) -> Plan {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Checklist rows as maps header → value.
fn checklist(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    sheet_table(bytes, "Checklist").expect("a Checklist sheet")
}

fn sheet_table(
    bytes: &[u8],
    name: &str,
) -> Option<Vec<std::collections::BTreeMap<String, String>>> {
    let rows = sheet_rows(bytes, name)?;
    let h = rows.iter().position(|r| r.iter().any(|c| c == "ID"))?;
    let header = rows[h].clone();
    Some(
        rows[h + 1..]
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| {
                header
                    .iter()
                    .cloned()
                    .zip(r.iter().cloned().chain(std::iter::repeat(String::new())))
                    .collect()
            })
            .collect(),
    )
}

struct Scenario {
    _dir: tempfile::TempDir,
    env: PathBuf,
    out: PathBuf,
}

fn scenario() -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("contoso.toml");
    std::fs::write(&env, example("contoso.toml")).unwrap();
    let out = dir.path().join("out");
    Scenario {
        env,
        out,
        _dir: dir,
    }
}

#[test]
fn regenerating_keeps_every_recorded_status_and_lists_the_changes() {
    let s = scenario();
    ok(generate(&s.env, &s.out, &[]));
    let workbook = s.out.join("contoso.xlsx");
    let rev1 = read_plan(&s.out.join("contoso.json"));
    assert_eq!(rev1.revision, 1);
    assert!(rev1.changes.is_none());

    // The SQL Server 2000 upgrade of LON-SQL01 is done in revision 2 of the description, so
    // its task disappears; the engineers had recorded it.
    let sql_upgrade = rev1
        .tasks()
        .find(|t| t.server.as_deref() == Some("LON-SQL01") && t.kind.starts_with("SQL-UPG"))
        .expect("rev 1 plans the SQL upgrade of LON-SQL01")
        .id
        .clone();
    let central = rev1
        .tasks()
        .find(|t| t.site.as_deref() == Some("CEN") && t.kind == "SITE-UPG")
        .expect("rev 1 upgrades the central site")
        .id
        .clone();
    let first = rev1.tasks().next().unwrap().id.clone();
    let edited = user_edit(
        &std::fs::read(&workbook).unwrap(),
        &[
            Entry {
                id: &first,
                status: "Done",
                owner: "Ann Admin",
                completed_on: "2027-03-02",
                notes: "full backup on tape 7",
            },
            Entry {
                id: &sql_upgrade,
                status: "Done",
                owner: "Dee DBA",
                completed_on: "2027-03-10",
                notes: "SQL 2005 SP2 installed",
            },
            Entry {
                id: &central,
                status: "Blocked",
                owner: "Bob",
                completed_on: "",
                notes: "waiting for the change board",
            },
        ],
    );
    std::fs::write(&workbook, &edited).unwrap();

    // The description is edited in place (same file, same stem) and the plan regenerated.
    std::fs::write(&s.env, example("contoso-rev2.toml")).unwrap();
    let out = ok(generate(&s.env, &s.out, &[]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kept the previous workbook as"), "{stderr}");

    // The backup holds exactly what the user had.
    let backup = s.out.join("contoso.rev1.xlsx");
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        edited,
        "backup is the edited workbook"
    );

    let rev2 = read_plan(&s.out.join("contoso.json"));
    assert_eq!(rev2.revision, 2);
    let new_bytes = std::fs::read(&workbook).unwrap();
    let rows = checklist(&new_bytes);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["ID"] == id)
            .unwrap_or_else(|| panic!("{id} on the new Checklist"))
            .clone()
    };
    let first_row = row(&first);
    assert_eq!(first_row["Status"], "Done");
    assert_eq!(first_row["Owner"], "Ann Admin");
    assert_eq!(first_row["Completed on"], "2027-03-02");
    assert_eq!(first_row["Notes"], "full backup on tape 7");
    let central_row = row(&central);
    assert_eq!(central_row["Status"], "Blocked");
    assert_eq!(central_row["Notes"], "waiting for the change board");
    assert!(
        rows.iter().all(|r| r["ID"] != sql_upgrade),
        "removed task off the Checklist"
    );

    // New tasks (the new secondary EDI) start Not started.
    let new_ids: Vec<String> = rev2
        .tasks()
        .filter(|t| rev1.task(&t.id).is_none())
        .map(|t| t.id.clone())
        .collect();
    assert!(!new_ids.is_empty());
    for id in &new_ids {
        assert_eq!(row(id)["Status"], "Not started", "{id}");
        assert_eq!(rev2.task(id).unwrap().progress, None);
    }

    // The removed task with its status is on the Removed tasks sheet, and in the plan.
    let removed = sheet_table(&new_bytes, "Removed tasks").expect("a Removed tasks sheet");
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(removed[0]["ID"], sql_upgrade);
    assert_eq!(removed[0]["Status"], "Done");
    assert_eq!(removed[0]["Owner"], "Dee DBA");
    assert_eq!(removed[0]["Completed on"], "2027-03-10");
    assert_eq!(removed[0]["Notes"], "SQL 2005 SP2 installed");
    assert_eq!(rev2.removed_tasks.len(), 1);
    assert_eq!(rev2.removed_tasks[0].id, sql_upgrade);

    // The workbook says which revision it is and what changed since the last one.
    let summary = sheet_rows(&new_bytes, "Summary").unwrap();
    assert!(
        summary
            .iter()
            .any(|r| r.len() > 1 && r[0] == "Revision" && r[1] == "2"),
        "{summary:?}"
    );
    let changes = rev2.changes.as_ref().expect("changes since revision 1");
    assert_eq!(changes.previous_revision, 1);
    let env_edits: Vec<&str> = changes
        .entries
        .iter()
        .filter(|e| e.category == "environment")
        .map(|e| e.description.as_str())
        .collect();
    assert_eq!(
        env_edits,
        [
            "site LON: clients 5,200 → 5,600",
            "site EDI (Edinburgh branch) added: secondary under LON, sms2003-sp3, 210 clients, site server EDI-SEC01",
            "site NYC: clients 8,000 → 8,600",
            "server EDI-SEC01 added (site EDI; windows-2003-sp2; distribution-point)",
            "server LON-SQL01: SQL Server sql2000-sp4 → sql2005-sp2",
        ]
    );
    let subjects = |cat: &str| -> Vec<&str> {
        changes
            .entries
            .iter()
            .filter(|e| e.category == cat)
            .map(|e| e.subject.as_str())
            .collect()
    };
    assert_eq!(
        subjects("task-removed"),
        rev1.tasks()
            .filter(|t| rev2.task(&t.id).is_none())
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
    );
    assert!(subjects("task-removed").contains(&sql_upgrade.as_str()));
    assert_eq!(
        subjects("task-added"),
        new_ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for id in &new_ids {
        let t = rev2.task(id).unwrap();
        assert!(
            t.site.as_deref() == Some("EDI") || t.server.as_deref() == Some("EDI-SEC01"),
            "only the new site brings tasks: {id}"
        );
    }
    // EDI-SEC01, the new secondary's site server, brings its own disk need.
    assert_eq!(
        subjects("estimate-changed"),
        [
            "CEN",
            "LON",
            "NYC",
            "CEN-SQL01",
            "EDI-SEC01",
            "LON-SQL01",
            "NYC-SMS01",
            "hierarchy"
        ]
    );
    // The SQL 2000 finding on LON-SQL01 is resolved, and nothing new is raised but for EDI.
    assert!(
        rev1.findings
            .iter()
            .any(|f| f.server.as_deref() == Some("LON-SQL01") && !rev2.findings.contains(f)),
        "a LON-SQL01 finding is resolved"
    );
    for f in &rev2.findings {
        if !rev1
            .findings
            .iter()
            .any(|o| o.code == f.code && o.site == f.site && o.server == f.server)
        {
            assert!(
                f.site.as_deref() == Some("EDI") || f.server.as_deref() == Some("EDI-SEC01"),
                "unexpected finding raised: {f:?}"
            );
        }
    }

    // The same diff from the command line, between the two descriptions.
    let rev1_env = s.env.with_file_name("contoso-rev1.toml");
    std::fs::write(&rev1_env, example("contoso.toml")).unwrap();
    let out = ok(cmplan(&[
        "diff",
        rev1_env.to_str().unwrap(),
        s.env.to_str().unwrap(),
        "--date",
        DATE,
    ]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "plain text when piped");
    assert!(
        text.starts_with("Plan changes: contoso-rev1.toml → contoso.toml\n"),
        "{text}"
    );
    assert!(text.contains(&format!("  - {sql_upgrade}  ")), "{text}");
    assert!(
        text.contains("  ~ server LON-SQL01: SQL Server sql2000-sp4 → sql2005-sp2\n"),
        "{text}"
    );

    // A third generation without edits keeps everything again; the plan is the same, so it is
    // the same revision and nothing needs a backup.
    ok(generate(&s.env, &s.out, &[]));
    assert!(!s.out.join("contoso.rev2.xlsx").exists());
    let rev3 = read_plan(&s.out.join("contoso.json"));
    assert_eq!(rev3.revision, 2);
    assert_eq!(rev3.changes, rev2.changes, "revision 2's changes stay");
    assert_eq!(rev3.removed_tasks.len(), 1, "the removed task stays kept");
    assert_eq!(
        rev3.task(&first).unwrap().progress.as_ref().unwrap().owner,
        "Ann Admin"
    );
}

#[test]
fn an_unreadable_workbook_is_never_replaced() {
    let s = scenario();
    std::fs::create_dir_all(&s.out).unwrap();
    let workbook = s.out.join("contoso.xlsx");
    std::fs::write(&workbook, b"my own spreadsheet, not a cmplan one").unwrap();

    let out = generate(&s.env, &s.out, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--previous"), "{stderr}");
    assert!(stderr.contains("--discard-status"), "{stderr}");
    assert!(stderr.contains("Nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read(&workbook).unwrap(),
        b"my own spreadsheet, not a cmplan one"
    );
    let names: Vec<_> = std::fs::read_dir(&s.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["contoso.xlsx"], "nothing else written");

    // Starting afresh is explicit, and the old file is still kept.
    ok(generate(&s.env, &s.out, &["--discard-status"]));
    assert_eq!(
        std::fs::read(s.out.join("contoso.previous.xlsx")).unwrap(),
        b"my own spreadsheet, not a cmplan one"
    );
    assert_eq!(read_plan(&s.out.join("contoso.json")).revision, 1);
}

#[test]
fn status_can_come_from_another_copy_with_previous() {
    let s = scenario();
    ok(generate(&s.env, &s.out, &[]));
    let rev1 = read_plan(&s.out.join("contoso.json"));
    let first = rev1.tasks().next().unwrap().id.clone();
    let copy = s.out.with_file_name("from-email.xlsx");
    std::fs::write(
        &copy,
        user_edit(
            &std::fs::read(s.out.join("contoso.xlsx")).unwrap(),
            &[Entry {
                id: &first,
                status: "In progress",
                owner: "Cy",
                completed_on: "",
                notes: "",
            }],
        ),
    )
    .unwrap();
    ok(generate(
        &s.env,
        &s.out,
        &["--previous", copy.to_str().unwrap()],
    ));
    let rev2 = read_plan(&s.out.join("contoso.json"));
    // The same description: the same plan, so the same revision.
    assert_eq!(rev2.revision, 1);
    assert_eq!(
        rev2.task(&first).unwrap().progress.as_ref().unwrap().owner,
        "Cy"
    );
    assert!(rev2.changes.is_none(), "same description: no changes");
    // The workbook that was replaced is kept too (its revision is not read: it was not used).
    assert!(s.out.join("contoso.previous.xlsx").exists());
}

#[test]
fn one_primary_client_count_changes_only_its_branch() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    let text = example("contoso.toml");
    std::fs::write(&old, &text).unwrap();
    // PAR: 2,600 → 3,000 clients. PAR sits under LON under CEN; its database shares LON-SQL01.
    let edited = text.replacen(
        "database_server = \"LON-SQL01\"\nclients = 2600",
        "database_server = \"LON-SQL01\"\nclients = 3000",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&new, edited).unwrap();
    let out = ok(cmplan(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
        "--date",
        DATE,
    ]));
    let d: cmplan::regen::PlanDiff = serde_json::from_slice(&out.stdout).unwrap();
    let env: Vec<_> = d
        .environment
        .iter()
        .map(|e| e.description.as_str())
        .collect();
    assert_eq!(env, ["site PAR: clients 2,600 → 3,000"]);
    let est: Vec<_> = d
        .estimates
        .iter()
        .map(|e| (e.subject.as_str(), e.old_growth_mb, e.new_growth_mb))
        .collect();
    assert_eq!(
        est,
        [
            ("CEN", Some(35_400.0), Some(36_200.0)),
            ("LON", Some(16_060.0), Some(16_860.0)),
            ("PAR", Some(5_200.0), Some(6_000.0)),
            ("CEN-SQL01", Some(35_400.0), Some(36_200.0)),
            ("LON-SQL01", Some(21_260.0), Some(22_860.0)),
            ("hierarchy", Some(73_600.0), Some(76_000.0)),
        ]
    );
    assert!(d.tasks_added.is_empty() && d.tasks_removed.is_empty() && d.tasks_moved.is_empty());
    assert!(d.findings_raised.is_empty() && d.findings_resolved.is_empty());
    // Texts that quote the estimates may change, but only on that branch.
    ok(cmplan(&[
        "generate",
        new.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "-f",
        "json",
        "--date",
        DATE,
    ]));
    let plan = read_plan(&dir.path().join("new.json"));
    let branch = ["CEN", "LON", "PAR"];
    for t in &d.tasks_changed {
        let task = plan.task(&t.id).unwrap();
        let site = task.site.clone().or_else(|| {
            let server = task.server.as_deref()?;
            plan.servers
                .iter()
                .find(|s| s.name == server)
                .and_then(|s| s.site.clone())
                .or_else(|| {
                    plan.sites
                        .iter()
                        .find(|s| s.database_server.as_deref() == Some(server))
                        .map(|s| s.code.clone())
                })
        });
        // Hierarchy-wide client tasks count every client.
        assert!(
            site.as_deref().is_some_and(|s| branch.contains(&s)) || task.kind == "CLIENT-UPG",
            "task {} outside the branch changed: {:?}",
            t.id,
            t.fields
        );
    }
    for f in &d.findings_changed {
        let scope = format!("{:?}{:?}", f.site, f.server);
        assert!(
            ["CEN", "LON", "PAR"].iter().any(|b| scope.contains(b)),
            "finding outside the branch changed: {f:?}"
        );
    }
}

#[test]
fn an_unreadable_workbook_that_is_not_replaced_only_warns() {
    let s = scenario();
    std::fs::create_dir_all(&s.out).unwrap();
    let workbook = s.out.join("contoso.xlsx");
    std::fs::write(&workbook, b"not a workbook").unwrap();
    let out = ok(cmplan(&[
        "generate",
        s.env.to_str().unwrap(),
        "-o",
        s.out.to_str().unwrap(),
        "-f",
        "json",
        "--date",
        DATE,
    ]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(stderr.contains("status not carried over"), "{stderr}");
    assert_eq!(std::fs::read(&workbook).unwrap(), b"not a workbook");
    assert_eq!(read_plan(&s.out.join("contoso.json")).revision, 1);
}

#[test]
fn diff_of_an_invalid_description_exits_1_and_identical_ones_say_so() {
    let s = scenario();
    let bad = s.env.with_file_name("bad.toml");
    std::fs::write(&bad, "[plan]\ntitle = 1\n").unwrap();
    let out = cmplan(&["diff", s.env.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let same = s.env.with_file_name("same.toml");
    std::fs::write(&same, example("contoso.toml")).unwrap();
    let out = ok(cmplan(&[
        "diff",
        s.env.to_str().unwrap(),
        same.to_str().unwrap(),
        "--format",
        "md",
        "--date",
        DATE,
    ]));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "# Plan changes: contoso.toml → same.toml\n\nNo changes.\n"
    );
}

#[test]
fn a_site_checklist_keeps_its_status_and_shares_it_with_the_main_workbook() {
    let s = scenario();
    ok(generate(&s.env, &s.out, &["--site", "NYC"]));
    let site_book = s.out.join("contoso-NYC.xlsx");
    let main_book = s.out.join("contoso.xlsx");
    let rev1 = read_plan(&s.out.join("contoso.json"));
    let nyc = rev1
        .tasks()
        .find(|t| t.site.as_deref() == Some("NYC") && t.kind == "SITE-UPG")
        .unwrap()
        .id
        .clone();
    let first = rev1.tasks().next().unwrap().id.clone();
    // The NYC team ticks its own checklist; the main workbook records another task.
    std::fs::write(
        &main_book,
        user_edit(
            &std::fs::read(&main_book).unwrap(),
            &[Entry {
                id: &first,
                status: "Done",
                owner: "Ann",
                completed_on: "",
                notes: "",
            }],
        ),
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let ticked = user_edit(
        &std::fs::read(&site_book).unwrap(),
        &[Entry {
            id: &nyc,
            status: "Done",
            owner: "Nick NYC",
            completed_on: "2027-03-20",
            notes: "upgraded overnight",
        }],
    );
    std::fs::write(&site_book, &ticked).unwrap();

    let out = ok(generate(&s.env, &s.out, &["--site", "NYC"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The plan is the same revision: the status of both workbooks is in both documents, so
    // neither needed a backup.
    assert!(stderr.contains("revision 1 again"), "{stderr}");
    assert!(!s.out.join("contoso-NYC.rev1.xlsx").exists(), "{stderr}");
    assert!(!s.out.join("contoso.rev1.xlsx").exists(), "{stderr}");
    for book in [&site_book, &main_book] {
        let rows = checklist(&std::fs::read(book).unwrap());
        let row = rows
            .iter()
            .find(|r| r["ID"] == nyc)
            .expect("the NYC upgrade row");
        assert_eq!(row["Status"], "Done", "{}", book.display());
        assert_eq!(row["Owner"], "Nick NYC", "{}", book.display());
    }
    let rows = checklist(&std::fs::read(&main_book).unwrap());
    let row = rows.iter().find(|r| r["ID"] == first).unwrap();
    assert_eq!(row["Owner"], "Ann");

    // A damaged site checklist is never replaced.
    std::fs::write(&site_book, b"not a workbook").unwrap();
    let out = generate(&s.env, &s.out, &["--site", "NYC"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&site_book).unwrap(), b"not a workbook");
}
