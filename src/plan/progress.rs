//! Recorded progress as the plan reads it: the record the engineers keep (task ID → status,
//! completion date, notes), handed in by whoever read it (regeneration reads it from the previous
//! workbook), and the progress summary every document prints.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Plan, Progress, Task, TaskStatus};

/// What was recorded against each task (or sub-item) ID. Plain data: the planner never reads a
/// workbook itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressRecord {
    tasks: BTreeMap<String, Progress>,
}

impl ProgressRecord {
    /// From `(ID, progress)` pairs; for an ID given twice, the last wins.
    pub fn new(entries: impl IntoIterator<Item = (String, Progress)>) -> ProgressRecord {
        ProgressRecord {
            tasks: entries.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Progress> {
        self.tasks.get(id)
    }

    pub fn status(&self, id: &str) -> Option<TaskStatus> {
        self.get(id).map(|p| p.status)
    }

    /// The completion date, when it reads as `YYYY-MM-DD`.
    pub fn completed_on(&self, id: &str) -> Option<NaiveDate> {
        self.get(id)
            .and_then(|p| NaiveDate::parse_from_str(p.completed_on.trim(), "%Y-%m-%d").ok())
    }
}

/// Tasks by recorded status (a task with nothing recorded is Not started).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
    pub blocked: usize,
    pub not_applicable: usize,
    pub total: usize,
}

impl StatusCounts {
    fn add(&mut self, status: TaskStatus) {
        match status {
            TaskStatus::NotStarted => self.not_started += 1,
            TaskStatus::InProgress => self.in_progress += 1,
            TaskStatus::Done => self.done += 1,
            TaskStatus::Blocked => self.blocked += 1,
            TaskStatus::NotApplicable => self.not_applicable += 1,
        }
        self.total += 1;
    }
}

/// One row of the summary: a wave or a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRow {
    /// `Wave 2`, or a site code; `Hierarchy-wide` for the tasks of no one site.
    pub label: String,
    pub counts: StatusCounts,
}

/// A task recorded Blocked, with what waits on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedTask {
    pub id: String,
    pub title: String,
    pub site: Option<String>,
    pub wave: u32,
    pub notes: String,
    /// Tasks not yet Done that depend on it directly, in plan order.
    pub waiting: Vec<String>,
    /// Tasks not yet Done that depend on it directly or through others.
    pub waiting_total: usize,
}

/// Counts by status for the whole document, per wave and per site, and the blocked tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressSummary {
    pub total: StatusCounts,
    pub waves: Vec<ProgressRow>,
    pub sites: Vec<ProgressRow>,
    pub blocked: Vec<BlockedTask>,
}

/// The label of a wave's summary row: `Wave 2`.
pub fn wave_label(wave: u32) -> String {
    format!("Wave {wave}")
}

/// The label of the summary row of tasks that belong to no one site.
pub const HIERARCHY_WIDE: &str = "Hierarchy-wide";

fn status_of(task: &Task) -> TaskStatus {
    task.progress
        .as_ref()
        .map_or(TaskStatus::NotStarted, |p| p.status)
}

/// The progress summary of a plan (or of a part of it: only its tasks are counted); `None` when
/// nothing is recorded against any of its tasks.
pub fn summarize(plan: &Plan) -> Option<ProgressSummary> {
    if plan.tasks().all(|t| t.progress.is_none()) {
        return None;
    }
    let mut total = StatusCounts::default();
    let mut waves: BTreeMap<u32, StatusCounts> = BTreeMap::new();
    let mut sites: BTreeMap<Option<&str>, StatusCounts> = BTreeMap::new();
    for task in plan.tasks() {
        let status = status_of(task);
        total.add(status);
        waves.entry(task.wave).or_default().add(status);
        sites.entry(task.site.as_deref()).or_default().add(status);
    }
    // Sites in hierarchy order, then the hierarchy-wide tasks.
    let mut site_rows: Vec<ProgressRow> = plan
        .sites
        .iter()
        .filter_map(|s| {
            sites
                .remove(&Some(s.code.as_str()))
                .map(|counts| ProgressRow {
                    label: s.code.clone(),
                    counts,
                })
        })
        .collect();
    site_rows.extend(sites.into_iter().map(|(site, counts)| ProgressRow {
        label: site.unwrap_or(HIERARCHY_WIDE).to_string(),
        counts,
    }));
    let waits = Waits::new(plan);
    let blocked = plan
        .tasks()
        .filter(|t| status_of(t) == TaskStatus::Blocked)
        .enumerate()
        .map(|(k, t)| {
            let (waiting, waiting_total) = waits.on(&t.id, k < TRACED_BLOCKED);
            BlockedTask {
                id: t.id.clone(),
                title: t.title.clone(),
                site: t.site.clone(),
                wave: t.wave,
                notes: t
                    .progress
                    .as_ref()
                    .map(|p| p.notes.clone())
                    .unwrap_or_default(),
                waiting,
                waiting_total,
            }
        })
        .collect();
    Some(ProgressSummary {
        total,
        waves: waves
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, counts)| ProgressRow {
                label: wave_label(n),
                counts,
            })
            .collect(),
        sites: site_rows,
        blocked,
    })
}

/// The progress summary a document of `plan` prints (and the JSON plan carries): the plan's own,
/// or for the summary of a plan split into waves (which holds no task), the whole plan's it
/// carries in its scope. `None` when nothing is recorded.
pub fn of_document(plan: &Plan) -> Option<ProgressSummary> {
    match plan.scope.as_ref().and_then(|s| s.progress.clone()) {
        Some(whole) => Some(whole),
        None => summarize(plan),
    }
}

/// Blocked tasks (the first, in plan order) whose indirect dependents are counted too: each count
/// walks what follows the task, and a workbook may record thousands of tasks Blocked.
pub const TRACED_BLOCKED: usize = 200;

/// Who depends on whom, read once: task → the tasks listing it in `depends_on`, in plan order.
struct Waits<'p> {
    tasks: Vec<&'p Task>,
    dependents: HashMap<&'p str, Vec<usize>>,
}

impl<'p> Waits<'p> {
    fn new(plan: &'p Plan) -> Waits<'p> {
        let tasks: Vec<&Task> = plan.tasks().collect();
        let mut dependents: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, t) in tasks.iter().enumerate() {
            for d in &t.depends_on {
                dependents.entry(d.as_str()).or_default().push(i);
            }
        }
        Waits { tasks, dependents }
    }

    /// The tasks not yet Done (nor Not applicable) that depend on `id` directly, in plan order,
    /// and how many depend on it directly or through such tasks (`traced`; else the direct
    /// ones only).
    fn on(&self, id: &str, traced: bool) -> (Vec<String>, usize) {
        let open = |i: &usize| {
            !matches!(
                status_of(self.tasks[*i]),
                TaskStatus::Done | TaskStatus::NotApplicable
            )
        };
        let mut direct: Vec<usize> = self
            .dependents
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(open)
            .collect();
        direct.dedup();
        let names = direct.iter().map(|&i| self.tasks[i].id.clone()).collect();
        if !traced {
            let n = direct.len();
            return (names, n);
        }
        let mut seen: BTreeSet<usize> = direct.iter().copied().collect();
        let mut stack = direct;
        while let Some(i) = stack.pop() {
            for &j in self
                .dependents
                .get(self.tasks[i].id.as_str())
                .into_iter()
                .flatten()
            {
                if open(&j) && seen.insert(j) {
                    stack.push(j);
                }
            }
        }
        (names, seen.len())
    }
}
