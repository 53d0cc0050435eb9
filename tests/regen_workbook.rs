//! Reading a previous workbook back and carrying its recorded status into the next revision.

mod regen_support;

use std::path::Path;

use cmplan::plan::{Progress, TaskStatus};
use cmplan::regen::{self, PreviousError};
use regen_support::*;

fn edited_previous() -> Vec<u8> {
    let mut plan = small_plan();
    plan.revision = 2;
    user_edit(
        &write_workbook(&plan),
        &[
            Entry {
                id: "SEC-ADV-LON",
                status: "Done",
                owner: "Ann",
                completed_on: "2027-03-05",
                notes: "switched on a Sunday",
            },
            Entry {
                id: "SITE-UPG-NYC",
                status: "in progress",
                owner: "Bob",
                completed_on: "",
                notes: "",
            },
            Entry {
                id: "DBTEST-NYC",
                status: "waiting on vendor",
                owner: "",
                completed_on: "next week",
                notes: "call 555",
            },
        ],
    )
}

#[test]
fn recorded_status_is_read_by_task_id_with_dates_normalised() {
    let prev = regen::read_previous_bytes(Path::new("contoso.xlsx"), &edited_previous()).unwrap();
    assert_eq!(prev.revision, 2);
    assert_eq!(prev.plan.tasks().count(), 7);
    let got: Vec<_> = prev
        .records
        .iter()
        .map(|r| (r.id.as_str(), r.progress.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "SEC-ADV-LON",
                Progress {
                    status: TaskStatus::Done,
                    owner: "Ann".into(),
                    completed_on: "2027-03-05".into(),
                    notes: "switched on a Sunday".into(),
                }
            ),
            (
                "DBTEST-NYC",
                Progress {
                    status: TaskStatus::NotStarted,
                    owner: String::new(),
                    completed_on: "next week".into(),
                    notes: "[status was: waiting on vendor] call 555".into(),
                }
            ),
            (
                "SITE-UPG-NYC",
                Progress {
                    status: TaskStatus::InProgress,
                    owner: "Bob".into(),
                    completed_on: String::new(),
                    notes: String::new(),
                }
            ),
        ]
    );
    assert_eq!(prev.records[0].site.as_deref(), Some("LON"));
    assert_eq!(prev.records[0].title, "Do SEC-ADV-LON");
}

#[test]
fn columns_are_found_by_header_text_not_position() {
    // A user moved the header down two rows and put Status first.
    let plan = small_plan();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Checklist").unwrap();
    ws.write_string(0, 0, "Contoso checklist (my copy)")
        .unwrap();
    for (c, h) in ["Status", "Notes", "ID", "Owner"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "Blocked").unwrap();
    ws.write_string(3, 1, "no change window").unwrap();
    ws.write_string(3, 2, "SITE-UPG-CEN").unwrap();
    ws.write_string(4, 0, "Not started").unwrap();
    ws.write_string(4, 2, "SITE-UPG-NYC").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("cmplan-plan").unwrap();
    ws.write_string(0, 0, "cmplan-plan-json v1").unwrap();
    let json = String::from_utf8(cmplan::render::json::render(&plan).unwrap()).unwrap();
    let (a, b) = json.split_at(json.len() / 2);
    ws.write_string(1, 0, a).unwrap();
    ws.write_string(2, 0, b).unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let prev = regen::read_previous_bytes(Path::new("x.xlsx"), &bytes).unwrap();
    assert_eq!(
        prev.plan, plan,
        "the plan JSON is reassembled from its chunks"
    );
    assert_eq!(
        prev.revision, 1,
        "no Summary sheet: the stored plan's revision"
    );
    assert_eq!(prev.records.len(), 1);
    assert_eq!(prev.records[0].id, "SITE-UPG-CEN");
    assert_eq!(prev.records[0].progress.status, TaskStatus::Blocked);
    assert_eq!(prev.records[0].progress.notes, "no change window");
}

#[test]
fn workbooks_that_are_not_ours_or_damaged_are_refused_with_the_reason() {
    let path = Path::new("out/contoso.xlsx");
    let err = regen::read_previous_bytes(path, b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(matches!(err, PreviousError::Unreadable { .. }), "{err}");

    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "budget").unwrap();
    let err = regen::read_previous_bytes(path, &wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(matches!(err, PreviousError::NotOurs { .. }), "{err}");
    assert!(
        err.to_string().contains("was not written by cmplan"),
        "{err}"
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("cmplan-plan").unwrap();
    ws.write_string(0, 0, "cmplan-plan-json v1").unwrap();
    ws.write_string(1, 0, "{\"title\": \"cut short").unwrap();
    let err = regen::read_previous_bytes(path, &wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(matches!(err, PreviousError::Damaged { .. }), "{err}");

    let err = regen::read_previous(Path::new("/nonexistent/contoso.xlsx")).unwrap_err();
    assert!(matches!(err, PreviousError::Io { .. }), "{err}");
}

#[test]
fn the_next_revision_carries_status_and_keeps_removed_tasks() {
    let prev = regen::read_previous_bytes(Path::new("contoso.xlsx"), &edited_previous()).unwrap();
    let mut new = small_plan();
    // LON went advanced: its security task disappears; a new secondary adds a task.
    new.phases[0].tasks.retain(|t| t.id != "SEC-ADV-LON");
    new.phases[2]
        .tasks
        .push(task("SITE-UPG-PHL", Some("PHL"), &["SITE-UPG-NYC"]));
    let (carried, diff) = regen::apply_previous(&mut new, &prev);

    assert_eq!(new.revision, 3);
    assert_eq!((carried.carried, carried.removed), (2, 1));
    assert_eq!(
        new.task("SITE-UPG-NYC")
            .unwrap()
            .progress
            .as_ref()
            .unwrap()
            .owner,
        "Bob"
    );
    assert_eq!(new.task("SITE-UPG-PHL").unwrap().progress, None);
    assert_eq!(new.task("SITE-UPG-CEN").unwrap().progress, None);
    assert_eq!(new.removed_tasks.len(), 1);
    let removed = &new.removed_tasks[0];
    assert_eq!(
        (
            removed.id.as_str(),
            removed.title.as_str(),
            removed.site.as_deref()
        ),
        ("SEC-ADV-LON", "Do SEC-ADV-LON", Some("LON"))
    );
    assert_eq!(removed.progress.status, TaskStatus::Done);
    assert_eq!(removed.progress.completed_on, "2027-03-05");

    let changes = new.changes.as_ref().unwrap();
    assert_eq!(changes.previous_revision, 2);
    let subjects: Vec<_> = changes
        .entries
        .iter()
        .map(|e| format!("{} {}", e.category, e.subject))
        .collect();
    assert_eq!(
        subjects,
        ["task-added SITE-UPG-PHL", "task-removed SEC-ADV-LON"]
    );
    assert_eq!(diff.old_label, "revision 2");
    assert_eq!(diff.new_label, "revision 3");

    // The revision after that: the removed task is still kept (from the stored plan), even
    // though this workbook (written by the test helper) has no Removed tasks sheet.
    let again = regen::read_previous_bytes(Path::new("c.xlsx"), &write_workbook(&new)).unwrap();
    let mut third = new.clone();
    third.removed_tasks.clear();
    third.changes = None;
    for t in third.phases.iter_mut().flat_map(|p| p.tasks.iter_mut()) {
        t.progress = None;
    }
    let (carried, _) = regen::apply_previous(&mut third, &again);
    // Nothing but the status differs: the same revision.
    assert!(carried.unchanged);
    assert_eq!(third.revision, 3);
    assert_eq!(
        third
            .removed_tasks
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["SEC-ADV-LON"]
    );
    assert_eq!(
        third
            .task("SITE-UPG-NYC")
            .unwrap()
            .progress
            .as_ref()
            .unwrap()
            .status,
        TaskStatus::InProgress
    );
}

/// A task with two sub-items, as the engine writes them.
fn with_sub_items(mut plan: cmplan::plan::Plan) -> cmplan::plan::Plan {
    let task = plan
        .phases
        .iter_mut()
        .flat_map(|p| p.tasks.iter_mut())
        .find(|t| t.id == "SITE-UPG-NYC")
        .unwrap();
    task.items = ["NYC-MP01", "NYC-DP01"]
        .iter()
        .map(|server| cmplan::plan::SubItem {
            id: format!("SITE-UPG-NYC/{server}"),
            server: Some(server.to_string()),
            text: format!("Check the site system on {server}"),
            expected_result: String::new(),
            progress: None,
        })
        .collect();
    plan
}

#[test]
fn a_workbook_in_the_current_layout_carries_task_and_sub_item_status() {
    let mut plan = with_sub_items(small_plan());
    plan.revision = 4;
    let bytes = cmplan::render::xlsx::render(&plan, &Default::default()).unwrap();
    // The writer's own layout: the tracking columns come first.
    let rows = sheet_rows(&bytes, "Checklist").unwrap();
    assert_eq!(rows[0][..3], ["ID", "Task", "Status"]);
    let edited = user_edit(
        &bytes,
        &[
            Entry {
                id: "SITE-UPG-NYC",
                status: "In progress",
                owner: "Bob",
                completed_on: "",
                notes: "",
            },
            Entry {
                id: "SITE-UPG-NYC/NYC-DP01",
                status: "Done",
                owner: "Cleo",
                completed_on: "2027-03-09",
                notes: "rebooted twice",
            },
        ],
    );
    let prev = regen::read_previous_bytes(Path::new("c.xlsx"), &edited).unwrap();
    let ids: Vec<&str> = prev.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["SITE-UPG-NYC", "SITE-UPG-NYC/NYC-DP01"]);
    assert_eq!(prev.records[1].title, "Check the site system on NYC-DP01");

    let mut next = with_sub_items(small_plan());
    let (carried, _) = regen::apply_previous(&mut next, &prev);
    assert_eq!(carried.carried, 2);
    assert_eq!(carried.removed, 0);
    let task = next.task("SITE-UPG-NYC").unwrap();
    assert_eq!(
        task.progress.as_ref().unwrap().status,
        TaskStatus::InProgress
    );
    assert_eq!(task.items[0].progress, None);
    assert_eq!(
        task.items[1].progress,
        Some(Progress {
            status: TaskStatus::Done,
            owner: "Cleo".into(),
            completed_on: "2027-03-09".into(),
            notes: "rebooted twice".into(),
        })
    );
    // The next workbook shows the sub-item's status on its own row, under its task.
    let bytes = cmplan::render::xlsx::render(&next, &Default::default()).unwrap();
    let rows = sheet_rows(&bytes, "Checklist").unwrap();
    let at = rows.iter().position(|r| r[0] == "SITE-UPG-NYC").unwrap();
    assert_eq!(rows[at + 1][0], "SITE-UPG-NYC/NYC-MP01");
    assert_eq!(rows[at + 2][0], "SITE-UPG-NYC/NYC-DP01");
    assert_eq!(rows[at + 2][2], "Done");
}

#[test]
fn a_duplicated_row_keeps_both_owners_and_notes_and_is_named() {
    let mut plan = small_plan();
    let first = plan.phases[0].tasks[0].id.clone();
    let progress = |owner: &str, notes: &str| Progress {
        status: TaskStatus::InProgress,
        owner: owner.into(),
        completed_on: String::new(),
        notes: notes.into(),
    };
    plan.phases[0].tasks[0].progress = Some(progress("Ann", "ordered the disks"));
    // The row copied to split the notes: same ID, another owner and note.
    let mut copy = plan.phases[0].tasks[0].clone();
    copy.progress = Some(progress("Bob", "disks arrive Monday"));
    plan.phases[0].tasks.insert(1, copy);
    let prev = regen::read_previous_bytes(Path::new("dup.xlsx"), &write_workbook(&plan)).unwrap();
    let rows: Vec<_> = prev.records.iter().filter(|r| r.id == first).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].progress.owner, "Ann; Bob");
    assert_eq!(
        rows[0].progress.notes,
        "ordered the disks\ndisks arrive Monday"
    );
    assert_eq!(prev.warnings.len(), 1, "{:?}", prev.warnings);
    assert!(
        prev.warnings[0].contains(&format!("{first} (row 3)")),
        "{:?}",
        prev.warnings
    );
}

#[test]
fn the_last_countable_revision_is_refused_not_wrapped() {
    let mut plan = small_plan();
    plan.revision = u32::MAX;
    let err =
        regen::read_previous_bytes(Path::new("max.xlsx"), &write_workbook(&plan)).unwrap_err();
    assert!(matches!(err, PreviousError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("4294967295"), "{err}");
}
