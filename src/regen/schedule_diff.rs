//! The schedule part of a plan diff: the settings that moved the dates (`plan.start`,
//! `[schedule]`), read off the plans as environment edits, and what they moved: the planned start
//! and end of the plan and of each wave, the critical path, and how many tasks changed dates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::diff::EnvironmentEdit;
use crate::plan::{Plan, ScheduleSummary};

/// One change of the planned dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleChange {
    /// `plan` (start, end, working days), `wave`, `critical-path` or `tasks` (tasks whose
    /// planned dates moved).
    pub kind: String,
    /// `start`, `end`, `working-days`, `wave N`, `critical-path` or `tasks`.
    pub subject: String,
    /// Before and after, as printed (`None`: not scheduled on that side).
    pub old: Option<String>,
    pub new: Option<String>,
    pub description: String,
}

/// How many moved tasks are named in the description of the `tasks` change.
const TASKS_NAMED: usize = 5;

/// The schedule settings that differ, as environment edits of kind `schedule` (subject: the
/// setting's name as written in the description).
pub fn settings(old: &Plan, new: &Plan) -> Vec<EnvironmentEdit> {
    let mut out = Vec::new();
    let mut push = |action: &str, subject: String, description: String| {
        out.push(EnvironmentEdit {
            action: action.into(),
            kind: "schedule".into(),
            subject,
            description,
        })
    };
    let (a, b) = match (&old.schedule, &new.schedule) {
        (None, None) => return out,
        (None, Some(b)) => {
            push(
                "added",
                "plan.start".into(),
                format!(
                    "plan.start {} set: every task now has planned dates",
                    b.start
                ),
            );
            return out;
        }
        (Some(a), None) => {
            push(
                "removed",
                "plan.start".into(),
                format!(
                    "plan.start {} removed: tasks no longer have planned dates",
                    a.start
                ),
            );
            return out;
        }
        (Some(a), Some(b)) => (a, b),
    };
    if a.start != b.start {
        push(
            "changed",
            "plan.start".into(),
            format!("plan.start {} → {}", a.start, b.start),
        );
    }
    if a.today != b.today {
        let from = |t: &Option<String>| match t {
            Some(day) => format!("planned from {day} (--today)"),
            None => "planned from plan.start".to_string(),
        };
        push(
            "changed",
            "--today".into(),
            format!("remaining work {} → {}", from(&a.today), from(&b.today)),
        );
    }
    if a.weekdays != b.weekdays {
        push(
            "changed",
            "schedule.weekdays".into(),
            format!(
                "schedule.weekdays {} → {}",
                a.weekdays.join(", "),
                b.weekdays.join(", ")
            ),
        );
    }
    if a.blackout != b.blackout {
        let mut parts: Vec<String> = b
            .blackout
            .iter()
            .filter(|d| !a.blackout.contains(d))
            .map(|d| format!("+{d}"))
            .collect();
        parts.extend(
            a.blackout
                .iter()
                .filter(|d| !b.blackout.contains(d))
                .map(|d| format!("-{d}")),
        );
        push(
            "changed",
            "schedule.blackout".into(),
            format!("schedule.blackout {}", parts.join(", ")),
        );
    }
    // Plans written before the durations were recorded say nothing about them.
    if let (Some(x), Some(y)) = (&a.durations, &b.durations) {
        let kinds: std::collections::BTreeSet<&String> =
            x.days.keys().chain(y.days.keys()).collect();
        for kind in kinds {
            let (p, q) = (
                x.days.get(kind).copied().unwrap_or(x.default_days),
                y.days.get(kind).copied().unwrap_or(y.default_days),
            );
            if p != q {
                push(
                    "changed",
                    format!("schedule.days.{kind}"),
                    format!("schedule.days {kind} {p} → {q} working day(s)"),
                );
            }
        }
        if x.default_days != y.default_days {
            push(
                "changed",
                "schedule.default_days".into(),
                format!(
                    "schedule.default_days {} → {} working day(s)",
                    x.default_days, y.default_days
                ),
            );
        }
        if x.client_days_per_1000 != y.client_days_per_1000 {
            push(
                "changed",
                "schedule.client_days_per_1000".into(),
                format!(
                    "schedule.client_days_per_1000 {} → {} working day(s)",
                    x.client_days_per_1000, y.client_days_per_1000
                ),
            );
        }
    }
    out
}

/// The planned dates that moved: the plan's start and end, each wave's, the critical path, and a
/// count of the tasks whose dates moved.
pub fn dates(old: &Plan, new: &Plan) -> Vec<ScheduleChange> {
    let mut out = Vec::new();
    let (a, b) = (old.schedule.as_ref(), new.schedule.as_ref());
    if a.is_none() && b.is_none() {
        return out;
    }
    let first = |p: &Plan| p.tasks().filter_map(|t| t.planned_start.clone()).min();
    let mut change =
        |kind: &str, subject: String, o: Option<String>, n: Option<String>, what: &str| {
            if o != n {
                let description = format!("{what} {} → {}", or_unscheduled(&o), or_unscheduled(&n));
                out.push(ScheduleChange {
                    kind: kind.into(),
                    subject,
                    old: o,
                    new: n,
                    description,
                });
            }
        };
    change(
        "plan",
        "start".into(),
        a.and(first(old)),
        b.and(first(new)),
        "planned start",
    );
    change(
        "plan",
        "end".into(),
        a.map(|s| s.end.clone()),
        b.map(|s| s.end.clone()),
        "planned end",
    );
    change(
        "plan",
        "working-days".into(),
        a.map(|s| s.working_days.to_string()),
        b.map(|s| s.working_days.to_string()),
        "working days",
    );
    let span = |p: &Plan, n: u32| {
        p.waves.iter().find(|w| w.number == n).and_then(|w| {
            match (&w.planned_start, &w.planned_end) {
                (Some(s), Some(e)) => Some(format!("{s} – {e}")),
                _ => None,
            }
        })
    };
    let numbers: std::collections::BTreeSet<u32> = old
        .waves
        .iter()
        .chain(&new.waves)
        .map(|w| w.number)
        .collect();
    for n in numbers {
        let title = new
            .waves
            .iter()
            .chain(&old.waves)
            .find(|w| w.number == n)
            .map(|w| w.title.clone())
            .unwrap_or_default();
        change(
            "wave",
            format!("wave {n}"),
            span(old, n),
            span(new, n),
            &format!("wave {n} ({title}):"),
        );
    }
    // The plan's own dates name the settings that changed with them (`--today`, `plan.start`,
    // `[schedule]`), so the reader sees what moved them beside how far.
    let changed: Vec<String> = settings(old, new).into_iter().map(|e| e.subject).collect();
    if !changed.is_empty() {
        for c in out.iter_mut().filter(|c| c.kind == "plan") {
            c.description
                .push_str(&format!(" (settings changed: {})", changed.join(", ")));
        }
    }
    critical_path(a, b, &mut out);
    // A schedule that appears or goes moves every task: the entries above say so.
    if a.is_some() && b.is_some() {
        moved_tasks(old, new, &mut out);
    }
    out
}

fn or_unscheduled(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("not scheduled")
}

fn critical_path(
    a: Option<&ScheduleSummary>,
    b: Option<&ScheduleSummary>,
    out: &mut Vec<ScheduleChange>,
) {
    let path = |s: Option<&ScheduleSummary>| s.map(|s| s.critical_path.clone()).unwrap_or_default();
    let (p, q) = (path(a), path(b));
    if p == q {
        return;
    }
    let mut parts: Vec<String> = q
        .iter()
        .filter(|id| !p.contains(id))
        .map(|id| format!("+{id}"))
        .collect();
    parts.extend(
        p.iter()
            .filter(|id| !q.contains(id))
            .map(|id| format!("-{id}")),
    );
    let description = match (p.is_empty(), q.is_empty()) {
        (true, _) => format!("critical path now {}", q.join(" → ")),
        (_, true) => "no critical path any more".to_string(),
        _ if parts.is_empty() => format!("critical path reordered: {}", q.join(" → ")),
        _ => format!("critical path {}; now {}", parts.join(", "), q.join(" → ")),
    };
    let joined = |v: &[String]| (!v.is_empty()).then(|| v.join(" → "));
    out.push(ScheduleChange {
        kind: "critical-path".into(),
        subject: "critical-path".into(),
        old: joined(&p),
        new: joined(&q),
        description,
    });
}

/// One entry for every task present in both plans whose planned dates moved (the plan-level and
/// wave entries say how far; this says how many and which).
fn moved_tasks(old: &Plan, new: &Plan, out: &mut Vec<ScheduleChange>) {
    let before: BTreeMap<&str, (&Option<String>, &Option<String>)> = old
        .tasks()
        .map(|t| (t.id.as_str(), (&t.planned_start, &t.planned_end)))
        .collect();
    let moved: Vec<&str> = new
        .tasks()
        .filter(|t| {
            before
                .get(t.id.as_str())
                .is_some_and(|&(s, e)| *s != t.planned_start || *e != t.planned_end)
        })
        .map(|t| t.id.as_str())
        .collect();
    if moved.is_empty() {
        return;
    }
    let mut named: Vec<&str> = moved.iter().take(TASKS_NAMED).copied().collect();
    if moved.len() > TASKS_NAMED {
        named.push("…");
    }
    out.push(ScheduleChange {
        kind: "tasks".into(),
        subject: "tasks".into(),
        old: None,
        new: None,
        description: format!(
            "planned dates moved for {} task(s): {}",
            moved.len(),
            named.join(", ")
        ),
    });
}
