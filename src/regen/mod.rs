//! Regeneration: the diff between two plans, status carried over from a previous workbook, the
//! revision history, and the numbered backup of the workbook being replaced.
//!
//! Nothing recorded is ever lost: a task that keeps its ID keeps its status; a task that
//! disappeared with something recorded against it moves to `plan.removed_tasks`; a workbook that
//! cannot be read is never replaced (the CLI refuses); the replaced workbook is kept as a backup.

pub mod backup;
mod bounds;
pub mod diff;
pub mod report;
pub mod workbook;

use std::collections::HashMap;

pub use backup::backup_path;
pub use diff::{diff, PlanDiff};
pub use report::{render_json, render_md, render_text, DiffFormat};
pub use workbook::{read_previous, read_previous_bytes, PreviousError, PreviousWorkbook};

use crate::plan::{Plan, RecordedTask};

/// What carrying over did, for the message printed after `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CarryOver {
    /// Tasks (and sub-items) of the new plan that received recorded status.
    pub carried: usize,
    /// Recorded tasks no longer in the plan (now in `plan.removed_tasks`).
    pub removed: usize,
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
pub fn apply_previous(plan: &mut Plan, previous: &PreviousWorkbook) -> (CarryOver, PlanDiff) {
    // `read_previous` refuses the last countable revision.
    plan.revision = previous.revision.saturating_add(1);
    let d = diff(
        &previous.plan,
        plan,
        &format!("revision {}", previous.revision),
        &format!("revision {}", plan.revision),
    );
    plan.changes = Some(d.to_revision_changes(previous.revision));
    let carried = carry_progress(plan, previous);
    (carried, d)
}
