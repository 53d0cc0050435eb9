//! Regeneration: the diff between two plans, status carried over from a previous workbook, the
//! revision history, and the numbered backup of the workbook being replaced.
//!
//! Nothing recorded is ever lost: a task that keeps its ID keeps its status; a task that
//! disappeared with something recorded against it moves to `plan.removed_tasks`; a workbook that
//! cannot be read is never replaced (the CLI refuses); the replaced workbook is kept as a backup.

pub mod backup;
mod bounds;
pub mod diff;
mod environment_diff;
pub mod report;
mod schedule_diff;
mod source;
pub mod workbook;

use std::collections::HashMap;

pub use backup::{backup_path, is_backup_name};
pub use diff::{diff, PlanDiff};
pub use report::{render_json, render_md, render_text, DiffFormat};
pub use source::{read_plan_file, same_part, PlanFile};
pub use workbook::{
    read_previous, read_previous_bytes, sheet_names, PreviousError, PreviousWorkbook,
};

use crate::plan::{Plan, RecordedTask};

/// What carrying over did, for the message printed after `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CarryOver {
    /// Tasks (and sub-items) of the new plan that received recorded status.
    pub carried: usize,
    /// Recorded tasks no longer in the plan (now in `plan.removed_tasks`).
    pub removed: usize,
    /// The plan is the previous revision's (only the status may differ): it kept its number.
    pub unchanged: bool,
}

/// Puts the recorded status of `previous` onto the tasks of `plan` with the same ID; recorded
/// tasks without a match become `plan.removed_tasks`, in the previous workbook's order.
pub fn carry_progress(plan: &mut Plan, previous: &PreviousWorkbook) -> CarryOver {
    let by_id: HashMap<&str, &RecordedTask> = previous
        .records
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut result = CarryOver::default();
    let mut matched = std::collections::HashSet::new();
    for phase in &mut plan.phases {
        for task in &mut phase.tasks {
            if let Some(r) = by_id.get(task.id.as_str()) {
                task.progress = Some(r.progress.clone());
                matched.insert(task.id.clone());
                result.carried += 1;
            }
            // Sub-items are tracked on rows of their own, by their own IDs.
            for item in &mut task.items {
                if let Some(r) = by_id.get(item.id.as_str()) {
                    item.progress = Some(r.progress.clone());
                    matched.insert(item.id.clone());
                    result.carried += 1;
                }
            }
        }
    }
    plan.removed_tasks = previous
        .records
        .iter()
        .filter(|r| !matched.contains(&r.id))
        .cloned()
        .collect();
    result.removed = plan.removed_tasks.len();
    result
}

/// Adds the status recorded in another workbook of the same plan (a site's checklist) to `into`,
/// by task ID. When both hold something different for one ID, the workbook saved last wins
/// (`newer`: whether `other` was saved after `into`). Returns how many IDs differed.
pub fn merge_records(into: &mut Vec<RecordedTask>, other: &[RecordedTask], newer: bool) -> usize {
    let mut differed = 0;
    let mut index: HashMap<String, usize> = into
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for r in other {
        match index.get(&r.id) {
            Some(&i) if into[i].progress != r.progress => {
                differed += 1;
                if newer {
                    into[i].progress = r.progress.clone();
                }
            }
            Some(_) => {}
            None => {
                index.insert(r.id.clone(), into.len());
                into.push(r.clone());
            }
        }
    }
    differed
}

/// Makes `plan` the next revision of `previous`: revision number, carried status, removed tasks,
/// and "Changes since revision N" from the diff of the two plans. Returns the diff as well.
///
/// A plan equal to the previous one (see [`same_plan`]) is not a new revision: it keeps the
/// previous revision's number, date and Changes section, and only the status is carried.
/// A previous part of the plan (a site's checklist) is compared with the same part of `plan`;
/// as the rest of the plan is unknown, that always makes a new revision.
pub fn apply_previous(plan: &mut Plan, previous: &PreviousWorkbook) -> (CarryOver, PlanDiff) {
    let part = same_part(plan, &previous.plan);
    let unchanged = previous.plan.scope.is_none() && same_plan(&previous.plan, plan);
    let d = if unchanged {
        plan.revision = previous.revision;
        plan.date = previous.plan.date.clone();
        plan.changes = previous.plan.changes.clone();
        diff(
            &previous.plan,
            plan,
            &format!("revision {}", previous.revision),
            &format!("revision {}", plan.revision),
        )
    } else {
        // `read_previous` refuses the last countable revision.
        plan.revision = previous.revision.saturating_add(1);
        let d = diff(
            &previous.plan,
            part.as_ref().unwrap_or(plan),
            &format!("revision {}", previous.revision),
            &format!("revision {}", plan.revision),
        );
        plan.changes = Some(d.to_revision_changes(previous.revision));
        d
    };
    let mut carried = carry_progress(plan, previous);
    carried.unchanged = unchanged;
    (carried, d)
}

/// Whether two plans are the same revision: the same tasks, texts, numbers and planned dates.
/// What is not part of a revision is left out: the recorded status (and the removed tasks it
/// keeps), the revision number, its Changes section, the day it was generated and the digest
/// of the description's bytes (a comment edited in the description changes no plan).
pub fn same_plan(a: &Plan, b: &Plan) -> bool {
    fn substance(p: &Plan) -> Plan {
        let mut p = p.clone();
        p.revision = 0;
        p.date.clear();
        p.input_digest.clear();
        p.removed_tasks.clear();
        p.changes = None;
        for task in p.phases.iter_mut().flat_map(|ph| ph.tasks.iter_mut()) {
            task.progress = None;
            for item in &mut task.items {
                item.progress = None;
            }
        }
        p
    }
    let (mut a, mut b) = (substance(a), substance(b));
    // A plan written before the durations were recorded: its dates still say whether they moved.
    if let (Some(x), Some(y)) = (a.schedule.as_mut(), b.schedule.as_mut()) {
        if x.durations.is_none() || y.durations.is_none() {
            x.durations = None;
            y.durations = None;
        }
    }
    a == b
}
