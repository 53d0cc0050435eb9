//! The difference between two plans: a join on stable IDs (task IDs, finding code + scope, site
//! codes, server names), never a guess from positions or wording.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::environment_diff::diff_environment;
pub use super::schedule_diff::ScheduleChange;
use crate::numbers::fmt_num;
use crate::plan::disk::DiskNeed;
use crate::plan::{ChangeEntry, Finding, Plan, RevisionChanges, Severity, SqlServerPlan, Task};

/// Everything that changed between an old and a new plan, in the order a reviewer reads it:
/// the environment edits first (the cause), then what they did to the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDiff {
    /// How the old and new plans are named in the output (file names or "revision N").
    pub old_label: String,
    pub new_label: String,
    pub environment: Vec<EnvironmentEdit>,
    pub tasks_added: Vec<TaskRef>,
    pub tasks_removed: Vec<TaskRef>,
    pub tasks_changed: Vec<TaskChange>,
    pub tasks_moved: Vec<TaskMove>,
    pub findings_raised: Vec<FindingRef>,
    pub findings_resolved: Vec<FindingRef>,
    pub findings_changed: Vec<FindingChange>,
    pub estimates: Vec<EstimateChange>,
    /// The planned dates that moved (the settings that moved them are environment edits of
    /// kind `schedule`). Empty when neither plan is scheduled.
    #[serde(default)]
    pub schedule: Vec<ScheduleChange>,
}

/// One edit of the environment description, read off the plans (sites, servers, plan settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentEdit {
    /// `added`, `removed` or `changed`.
    pub action: String,
    /// `plan`, `site` or `server`.
    pub kind: String,
    /// Site code, server name, or `plan`.
    pub subject: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRef {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub site: Option<String>,
}

/// One field of a task or finding, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskChange {
    pub id: String,
    pub title: String,
    pub fields: Vec<FieldChange>,
}

/// A task present in both plans whose place in the sequence changed relative to the other
/// surviving tasks (it is not part of the longest common order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskMove {
    pub id: String,
    pub title: String,
    /// The task it followed before / follows now (`None`: first in the plan).
    pub old_after: Option<String>,
    pub new_after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRef {
    pub code: String,
    pub severity: Severity,
    pub site: Option<String>,
    pub server: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingChange {
    pub code: String,
    pub site: Option<String>,
    pub server: Option<String>,
    pub fields: Vec<FieldChange>,
}

/// A changed disk estimate: a site's database growth, a SQL Server's total and shortfall, or the
/// hierarchy total. Sizes in MB; `None` where the plan has no such estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateChange {
    /// `site`, `sql-server`, `server` (a computer hosting no site database whose disk need
    /// changed) or `total`.
    pub kind: String,
    pub subject: String,
    pub old_growth_mb: Option<f64>,
    pub new_growth_mb: Option<f64>,
    pub old_shortfall_mb: Option<f64>,
    pub new_shortfall_mb: Option<f64>,
    pub description: String,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.environment.is_empty()
            && self.tasks_added.is_empty()
            && self.tasks_removed.is_empty()
            && self.tasks_changed.is_empty()
            && self.tasks_moved.is_empty()
            && self.findings_raised.is_empty()
            && self.findings_resolved.is_empty()
            && self.findings_changed.is_empty()
            && self.estimates.is_empty()
            && self.schedule.is_empty()
    }

    /// Flattens the diff into the plan's "Changes since revision N" entries.
    pub fn to_revision_changes(&self, previous_revision: u32) -> RevisionChanges {
        let mut entries = Vec::new();
        let mut push = |category: &str, subject: &str, description: String| {
            entries.push(ChangeEntry {
                category: category.to_string(),
                subject: subject.to_string(),
                description,
            })
        };
        for e in &self.environment {
            push("environment", &e.subject, e.description.clone());
        }
        for t in &self.tasks_added {
            push(
                "task-added",
                &t.id,
                format!("{} (phase {})", t.title, t.phase),
            );
        }
        for t in &self.tasks_removed {
            push("task-removed", &t.id, t.title.clone());
        }
        for t in &self.tasks_changed {
            push("task-changed", &t.id, describe_fields(&t.fields));
        }
        for m in &self.tasks_moved {
            push("task-moved", &m.id, describe_move(m));
        }
        for f in &self.findings_raised {
            push(
                "finding-raised",
                &f.code,
                format!("{} {}: {}", f.severity.as_str(), scope(f), f.message),
            );
        }
        for f in &self.findings_resolved {
            push(
                "finding-resolved",
                &f.code,
                format!("{} {}: {}", f.severity.as_str(), scope(f), f.message),
            );
        }
        for f in &self.findings_changed {
            push(
                "finding-changed",
                &f.code,
                format!(
                    "{}: {}",
                    scope_of(&f.site, &f.server),
                    describe_fields(&f.fields)
                ),
            );
        }
        for e in &self.estimates {
            push("estimate-changed", &e.subject, e.description.clone());
        }
        for s in &self.schedule {
            let subject = match s.kind.as_str() {
                "plan" => "plan",
                "critical-path" => "critical path",
                _ => &s.subject,
            };
            push("schedule", subject, s.description.clone());
        }
        RevisionChanges {
            previous_revision,
            entries,
        }
    }
}

/// "site LON, server LON-SQL01", or "hierarchy".
pub(crate) fn scope(f: &FindingRef) -> String {
    scope_of(&f.site, &f.server)
}

pub(crate) fn scope_of(site: &Option<String>, server: &Option<String>) -> String {
    match (site, server) {
        (Some(s), Some(v)) => format!("{s}/{v}"),
        (Some(s), None) => s.clone(),
        (None, Some(v)) => v.clone(),
        (None, None) => "hierarchy".to_string(),
    }
}

pub(crate) fn describe_fields(fields: &[FieldChange]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.field, describe_change(&f.field, &f.old, &f.new)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A change in a few words: lists (`depends_on`, `remedies`) as items added and removed, short
/// values whole, longer texts as the runs of words that differ (`35,400 → 37,820`).
fn describe_change(field: &str, old: &str, new: &str) -> String {
    if field == "depends_on" || field == "remedies" {
        let split = |s: &str| -> Vec<String> {
            s.split(", ")
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        };
        let (a, b) = (split(old), split(new));
        let mut parts: Vec<String> = b
            .iter()
            .filter(|x| !a.contains(x))
            .map(|x| format!("+{x}"))
            .collect();
        parts.extend(a.iter().filter(|x| !b.contains(x)).map(|x| format!("-{x}")));
        if parts.is_empty() {
            return "reordered".to_string();
        }
        return parts.join(", ");
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (
        old.split_whitespace().collect(),
        new.split_whitespace().collect(),
    );
    if a.len() <= 4 && b.len() <= 4 {
        return format!("{} → {}", or_none(old), or_none(new));
    }
    let hunks = word_hunks(&a, &b);
    const SHOWN: usize = 3;
    let mut out: Vec<String> = hunks
        .iter()
        .take(SHOWN)
        .map(|(x, y)| match (x.is_empty(), y.is_empty()) {
            (true, _) => format!("+\"{}\"", clip(y)),
            (_, true) => format!("-\"{}\"", clip(x)),
            _ => format!("{} → {}", clip(x), clip(y)),
        })
        .collect();
    if hunks.len() > SHOWN {
        out.push(format!("… {} more", hunks.len() - SHOWN));
    }
    out.join(", ")
}

fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// The runs of words that differ between two texts (old run, new run), from a word-level longest
/// common subsequence. Texts are task details: a few hundred words at most.
fn word_hunks(a: &[&str], b: &[&str]) -> Vec<(String, String)> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > 4_000_000 {
        return vec![(a.join(" "), b.join(" "))];
    }
    // lcs[i][j] = LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut hunks = Vec::new();
    let (mut x, mut y): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut flush = |x: &mut Vec<&str>, y: &mut Vec<&str>| {
        if !x.is_empty() || !y.is_empty() {
            hunks.push((x.join(" "), y.join(" ")));
            x.clear();
            y.clear();
        }
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut x, &mut y);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            y.push(b[j]);
            j += 1;
        } else {
            x.push(a[i]);
            i += 1;
        }
    }
    flush(&mut x, &mut y);
    hunks
}

pub(crate) fn describe_move(m: &TaskMove) -> String {
    let after = |a: &Option<String>| match a {
        Some(id) => format!("after {id}"),
        None => "first".to_string(),
    };
    format!("now {} (was {})", after(&m.new_after), after(&m.old_after))
}

pub(crate) fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

/// Compares two plans. `old_label`/`new_label` name them in the output.
pub fn diff(old: &Plan, new: &Plan, old_label: &str, new_label: &str) -> PlanDiff {
    let (tasks_added, tasks_removed, tasks_changed, tasks_moved) = diff_tasks(old, new);
    let (findings_raised, findings_resolved, findings_changed) = diff_findings(old, new);
    PlanDiff {
        old_label: old_label.to_string(),
        new_label: new_label.to_string(),
        environment: {
            let mut edits = super::schedule_diff::settings(old, new);
            edits.extend(diff_environment(old, new));
            edits
        },
        tasks_added,
        tasks_removed,
        tasks_changed,
        tasks_moved,
        findings_raised,
        findings_resolved,
        findings_changed,
        estimates: diff_estimates(old, new),
        schedule: super::schedule_diff::dates(old, new),
    }
}

pub(crate) fn fmt_count(n: u64) -> String {
    crate::numbers::fmt_int(n)
}

pub(crate) fn opt_mb(v: Option<f64>) -> String {
    v.map(|v| format!("{} MB", fmt_num(v)))
        .unwrap_or_else(|| "unknown".to_string())
}

pub(crate) fn opt_str(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Tasks with their phase id, in plan order.
fn indexed_tasks(plan: &Plan) -> Vec<(&Task, &str)> {
    plan.phases
        .iter()
        .flat_map(|p| p.tasks.iter().map(move |t| (t, p.id.as_str())))
        .collect()
}

fn task_ref(t: &Task, phase: &str) -> TaskRef {
    TaskRef {
        id: t.id.clone(),
        title: t.title.clone(),
        phase: phase.to_string(),
        site: t.site.clone(),
    }
}

type TaskLists = (Vec<TaskRef>, Vec<TaskRef>, Vec<TaskChange>, Vec<TaskMove>);

fn diff_tasks(old: &Plan, new: &Plan) -> TaskLists {
    let old_tasks = indexed_tasks(old);
    let new_tasks = indexed_tasks(new);
    let old_pos: HashMap<&str, usize> = old_tasks
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (t.id.as_str(), i))
        .collect();
    let new_ids: BTreeSet<&str> = new_tasks.iter().map(|(t, _)| t.id.as_str()).collect();

    let added = new_tasks
        .iter()
        .filter(|(t, _)| !old_pos.contains_key(t.id.as_str()))
        .map(|(t, p)| task_ref(t, p))
        .collect();
    let removed = old_tasks
        .iter()
        .filter(|(t, _)| !new_ids.contains(t.id.as_str()))
        .map(|(t, p)| task_ref(t, p))
        .collect();

    let mut changed = Vec::new();
    // Surviving tasks in new order, with their old positions: those outside the longest
    // increasing run of old positions are the ones that moved.
    let mut common: Vec<(usize, usize)> = Vec::new(); // (new index, old index)
    for (ni, (t, phase)) in new_tasks.iter().enumerate() {
        let Some(&oi) = old_pos.get(t.id.as_str()) else {
            continue;
        };
        common.push((ni, oi));
        let (o, old_phase) = old_tasks[oi];
        let fields = task_fields(o, old_phase, t, phase);
        if !fields.is_empty() {
            changed.push(TaskChange {
                id: t.id.clone(),
                title: t.title.clone(),
                fields,
            });
        }
    }
    let olds: Vec<usize> = common.iter().map(|&(_, o)| o).collect();
    let kept = longest_increasing(&olds);
    let mut moved = Vec::new();
    for (k, &(ni, oi)) in common.iter().enumerate() {
        if kept.contains(&k) {
            continue;
        }
        let (t, _) = new_tasks[ni];
        moved.push(TaskMove {
            id: t.id.clone(),
            title: t.title.clone(),
            old_after: oi.checked_sub(1).map(|i| old_tasks[i].0.id.clone()),
            new_after: ni.checked_sub(1).map(|i| new_tasks[i].0.id.clone()),
        });
    }
    (added, removed, changed, moved)
}

fn task_fields(old: &Task, old_phase: &str, new: &Task, new_phase: &str) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, a: String, b: String| {
        if a != b {
            out.push(FieldChange {
                field: field.to_string(),
                old: a,
                new: b,
            });
        }
    };
    cmp("phase", old_phase.to_string(), new_phase.to_string());
    cmp("kind", old.kind.clone(), new.kind.clone());
    cmp("site", opt_str(&old.site), opt_str(&new.site));
    cmp("server", opt_str(&old.server), opt_str(&new.server));
    cmp("title", old.title.clone(), new.title.clone());
    cmp(
        "expected_result",
        old.expected_result.clone(),
        new.expected_result.clone(),
    );
    cmp("details", old.details.clone(), new.details.clone());
    cmp("reference", old.reference.clone(), new.reference.clone());
    cmp(
        "depends_on",
        old.depends_on.join(", "),
        new.depends_on.join(", "),
    );
    cmp("remedies", old.remedies.join(", "), new.remedies.join(", "));
    out
}

/// Indices (into `seq`) of one longest strictly increasing subsequence; deterministic
/// (patience sorting, earliest tails).
fn longest_increasing(seq: &[usize]) -> BTreeSet<usize> {
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let pos = tails.partition_point(|&t| seq[t] < v);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = BTreeSet::new();
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.insert(i);
        cur = prev[i];
    }
    out
}

/// A finding's identity: rule code, site, server, and occurrence (the message may reword).
type FindingKey = (String, String, String, usize);

/// A finding's identity: its rule code and what it concerns (the message may reword).
fn finding_keys(plan: &Plan) -> Vec<(FindingKey, &Finding)> {
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    plan.findings
        .iter()
        .map(|f| {
            let base = (f.code.clone(), opt_str(&f.site), opt_str(&f.server));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            ((base.0, base.1, base.2, *n), f)
        })
        .collect()
}

fn finding_ref(f: &Finding) -> FindingRef {
    FindingRef {
        code: f.code.clone(),
        severity: f.severity,
        site: f.site.clone(),
        server: f.server.clone(),
        message: f.message.clone(),
    }
}

fn diff_findings(old: &Plan, new: &Plan) -> (Vec<FindingRef>, Vec<FindingRef>, Vec<FindingChange>) {
    let old_keys = finding_keys(old);
    let new_keys = finding_keys(new);
    let old_map: BTreeMap<_, _> = old_keys.iter().cloned().collect();
    let new_map: BTreeMap<_, _> = new_keys.iter().cloned().collect();
    let raised = new_keys
        .iter()
        .filter(|(k, _)| !old_map.contains_key(k))
        .map(|(_, f)| finding_ref(f))
        .collect();
    let resolved = old_keys
        .iter()
        .filter(|(k, _)| !new_map.contains_key(k))
        .map(|(_, f)| finding_ref(f))
        .collect();
    let mut changed = Vec::new();
    for (k, f) in &new_keys {
        let Some(o) = old_map.get(k) else { continue };
        let mut fields = Vec::new();
        if o.severity != f.severity {
            fields.push(FieldChange {
                field: "severity".into(),
                old: o.severity.as_str().into(),
                new: f.severity.as_str().into(),
            });
        }
        if o.message != f.message {
            fields.push(FieldChange {
                field: "message".into(),
                old: o.message.clone(),
                new: f.message.clone(),
            });
        }
        if o.remediation_task != f.remediation_task {
            fields.push(FieldChange {
                field: "remediation_task".into(),
                old: opt_str(&o.remediation_task),
                new: opt_str(&f.remediation_task),
            });
        }
        if !fields.is_empty() {
            changed.push(FindingChange {
                code: f.code.clone(),
                site: f.site.clone(),
                server: f.server.clone(),
                fields,
            });
        }
    }
    (raised, resolved, changed)
}

/// Two sizes are the same estimate when they print the same (to a hundredth of a MB).
pub(crate) fn same_mb(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => fmt_num(a) == fmt_num(b),
        (None, None) => true,
        _ => false,
    }
}

fn diff_estimates<'p>(old: &'p Plan, new: &'p Plan) -> Vec<EstimateChange> {
    let mut out = Vec::new();
    let old_sites: BTreeMap<&str, _> = old.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let new_sites: BTreeMap<&str, _> = new.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    // Sites in new hierarchy order, then the removed ones in old order.
    let mut codes: Vec<&str> = new.sites.iter().map(|s| s.code.as_str()).collect();
    codes.extend(
        old.sites
            .iter()
            .map(|s| s.code.as_str())
            .filter(|c| !new_sites.contains_key(c)),
    );
    for code in codes {
        let a = old_sites
            .get(code)
            .map(|s| s.database_growth_mb)
            .filter(|&g| g != 0.0 || old_sites[code].database_server.is_some());
        let b = new_sites
            .get(code)
            .map(|s| s.database_growth_mb)
            .filter(|&g| g != 0.0 || new_sites[code].database_server.is_some());
        if same_mb(a, b) {
            continue;
        }
        let description = match (a, b) {
            (Some(a), Some(b)) => format!(
                "database growth {} → {} MB ({:+} MB)",
                fmt_num(a),
                fmt_num(b),
                Signed(b - a)
            ),
            (None, Some(b)) => format!("database growth {} MB (new)", fmt_num(b)),
            (Some(a), None) => format!("database growth {} MB no longer needed", fmt_num(a)),
            (None, None) => unreachable!("equal estimates are skipped"),
        };
        out.push(EstimateChange {
            kind: "site".into(),
            subject: code.to_string(),
            old_growth_mb: a,
            new_growth_mb: b,
            old_shortfall_mb: None,
            new_shortfall_mb: None,
            description,
        });
    }

    // Free space and shortfall come from the plan's disk model (`server.disk`: site-server
    // install, database growth, headroom), as the findings and every document give them; a plan
    // written before that model gives only the SQL Servers' figures.
    let sql_of = |plan: &'p Plan| -> BTreeMap<&'p str, &'p SqlServerPlan> {
        plan.sql_servers
            .iter()
            .map(|s| (s.name.as_str(), s))
            .collect()
    };
    let disk_of = |plan: &'p Plan| -> BTreeMap<&'p str, &'p DiskNeed> {
        plan.servers
            .iter()
            .filter_map(|s| s.disk.as_ref().map(|d| (s.name.as_str(), d)))
            .collect()
    };
    let (old_sql, new_sql) = (sql_of(old), sql_of(new));
    let (old_disk, new_disk) = (disk_of(old), disk_of(new));
    let names: BTreeSet<&str> = old_sql
        .keys()
        .chain(new_sql.keys())
        .chain(old_disk.keys())
        .chain(new_disk.keys())
        .copied()
        .collect();
    for name in names {
        let (o, n) = (old_sql.get(name), new_sql.get(name));
        let (od, nd) = (old_disk.get(name), new_disk.get(name));
        let (ga, gb) = (
            o.map(|s| s.database_growth_mb),
            n.map(|s| s.database_growth_mb),
        );
        let shortfall = |sql: Option<&&SqlServerPlan>, disk: Option<&&DiskNeed>| match disk {
            Some(d) => d.shortfall_mb,
            None => sql.and_then(|s| s.shortfall_mb),
        };
        let free = |sql: Option<&&SqlServerPlan>, disk: Option<&&DiskNeed>| match disk {
            Some(d) => d.free_mb,
            None => sql.and_then(|s| s.free_disk_mb),
        };
        let (sa, sb) = (shortfall(o, od), shortfall(n, nd));
        let (fa, fb) = (free(o, od), free(n, nd));
        let (na, nb) = (od.map(|d| d.needed_mb), nd.map(|d| d.needed_mb));
        // A computer that hosts no site database: only its disk need can change.
        let hosts_database = o.is_some() || n.is_some();
        if same_mb(ga, gb) && same_mb(sa, sb) && same_mb(fa, fb) && same_mb(na, nb) {
            continue;
        }
        let mut parts = Vec::new();
        match (ga, gb) {
            (Some(a), Some(b)) if !same_mb(Some(a), Some(b)) => parts.push(format!(
                "databases grow by {} → {} MB",
                fmt_num(a),
                fmt_num(b)
            )),
            (None, Some(b)) => parts.push(format!(
                "now hosts site databases growing by {} MB",
                fmt_num(b)
            )),
            (Some(_), None) => parts.push("no longer hosts a site database".to_string()),
            _ => {}
        }
        if !hosts_database {
            match (na, nb) {
                (Some(a), Some(b)) if !same_mb(na, nb) => {
                    parts.push(format!("disk needed {} → {} MB", fmt_num(a), fmt_num(b)))
                }
                (None, Some(b)) => parts.push(match fb {
                    Some(free) => {
                        format!(
                            "now needs {} MB of disk, {} MB free",
                            fmt_num(b),
                            fmt_num(free)
                        )
                    }
                    None => format!("now needs {} MB of disk, free space unknown", fmt_num(b)),
                }),
                (Some(_), None) => parts.push("no longer needs disk for the upgrade".to_string()),
                _ => {}
            }
        }
        // Free space is said once a computer was in both plans; a new one's is in its need.
        let in_both = (o.is_some() || od.is_some()) && (n.is_some() || nd.is_some());
        if !same_mb(fa, fb) && (in_both || hosts_database) {
            parts.push(format!("free space {} → {}", opt_mb(fa), opt_mb(fb)));
        }
        let short = |v: Option<f64>| v.filter(|&s| s > 0.0);
        match (short(sa), short(sb)) {
            (None, Some(b)) => parts.push(format!("shortfall appears: {} MB", fmt_num(b))),
            (Some(a), None) if n.is_some() || nd.is_some() => {
                parts.push(format!("shortfall disappears (was {} MB)", fmt_num(a)))
            }
            (Some(a), Some(b)) if !same_mb(Some(a), Some(b)) => {
                parts.push(format!("shortfall {} → {} MB", fmt_num(a), fmt_num(b)))
            }
            _ => {}
        }
        if parts.is_empty() {
            continue;
        }
        out.push(EstimateChange {
            kind: if hosts_database {
                "sql-server"
            } else {
                "server"
            }
            .into(),
            subject: name.to_string(),
            old_growth_mb: ga,
            new_growth_mb: gb,
            old_shortfall_mb: sa,
            new_shortfall_mb: sb,
            description: parts.join("; "),
        });
    }

    let (ta, tb) = (old.totals.database_growth_mb, new.totals.database_growth_mb);
    if !same_mb(Some(ta), Some(tb)) {
        out.push(EstimateChange {
            kind: "total".into(),
            subject: "hierarchy".into(),
            old_growth_mb: Some(ta),
            new_growth_mb: Some(tb),
            old_shortfall_mb: None,
            new_shortfall_mb: None,
            description: format!(
                "total database growth {} → {} MB ({:+} MB)",
                fmt_num(ta),
                fmt_num(tb),
                Signed(tb - ta)
            ),
        });
    }
    out
}

/// An MB difference printed with its sign and thousands separators.
struct Signed(f64);

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 >= 0.0 {
            write!(f, "+{}", fmt_num(self.0))
        } else {
            write!(f, "{}", fmt_num(self.0))
        }
    }
}
