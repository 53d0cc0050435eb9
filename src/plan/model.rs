//! The plan model (contract §3): what every renderer reads, and what `-f json` writes as is.
//!
//! It is plain data: no renderer looks at the environment description, and the engine never
//! formats output. Field names are part of the contract; add fields, never rename them.

use serde::{Deserialize, Serialize};

use crate::model::{SecurityMode, SiteType, SiteVersion, TargetMedia};

/// The whole upgrade plan for one hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub title: String,
    pub organisation: Option<String>,
    pub change_reference: Option<String>,
    pub prepared_by: Option<String>,
    pub target: TargetMedia,
    /// Human name of the target media, e.g. "Configuration Manager 2007 SP1".
    pub target_name: String,
    /// The plan date, `YYYY-MM-DD` (`--date`, `SOURCE_DATE_EPOCH`, or today).
    pub date: String,
    /// SHA-256 (hex) of the environment description's bytes.
    pub input_digest: String,
    /// 1 for a first plan; previous revision + 1 when regenerated over a previous workbook.
    pub revision: u32,
    /// `database_mb_per_client` the estimates were computed with.
    pub database_mb_per_client: f64,
    /// Sites in hierarchy pre-order (central first, children sorted by code).
    pub sites: Vec<SitePlan>,
    /// SQL Servers hosting at least one site database, sorted by name.
    pub sql_servers: Vec<SqlServerPlan>,
    pub totals: Totals,
    /// Sorted by severity (blockers first), then site order, then code.
    pub findings: Vec<Finding>,
    /// In execution order; tasks inside a phase too.
    pub phases: Vec<Phase>,
    /// Tasks of the previous revision that disappeared but had recorded status.
    pub removed_tasks: Vec<RecordedTask>,
    /// Present when the plan was regenerated over a previous revision.
    pub changes: Option<RevisionChanges>,
    /// The upgrade waves, in order (see `plan::waves`).
    #[serde(default)]
    pub waves: Vec<Wave>,
    /// Set when this is a part of the plan (a site's checklist, one wave, or the summary of a
    /// plan split into waves) rather than the whole plan (see `plan::views`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<PlanScope>,
    /// The calendar the dates were planned on; `None` without `plan.start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSummary>,
    /// Values without a Microsoft source, each with why and how to override it.
    #[serde(default)]
    pub assumptions: Vec<super::assumptions::Assumption>,
    /// Every source a task or finding cites.
    #[serde(default)]
    pub references: Vec<Source>,
    /// Every server of the description with what a reviewer compares between revisions
    /// (added for regeneration: the "environment edits" summary of a plan diff needs it).
    /// Filled by `plan::inventory::server_inventory`; absent in older plan JSON, hence the default.
    #[serde(default)]
    pub servers: Vec<ServerSummary>,
}

/// An upgrade wave: a contiguous stretch of the task sequence that the change board approves and
/// schedules as one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    /// 1-based.
    pub number: u32,
    /// What the wave holds, e.g. "hierarchy preparation, then CEN", "NYC with BOS, PHL".
    pub title: String,
    /// Sites upgraded in this wave (their `SITE-UPG` task is in it), in hierarchy order.
    pub sites: Vec<String>,
    /// Number of tasks in the wave.
    pub tasks: usize,
    /// IDs of the first and last task of the wave, in plan order.
    pub first_task: String,
    pub last_task: String,
    /// First planned start and last planned end of its tasks (only with `plan.start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_end: Option<String>,
    /// What the change board reads before approving the wave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<WaveBrief>,
}

/// The summary a change board signs for one wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaveBrief {
    /// Sites, servers and clients affected.
    pub scope: String,
    /// What stops while the window lasts.
    pub impact: String,
    /// `low`, `medium` or `high`.
    pub risk: String,
    pub risk_reason: String,
    pub backout: String,
    pub point_of_no_return: String,
    /// The test results the board sees before approving.
    pub evidence: String,
}

/// What part of the whole plan a document covers, and what it waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanScope {
    /// `site`, `wave` or `summary`.
    pub kind: String,
    /// The site a site checklist is for.
    pub site: Option<String>,
    /// The wave a wave document is for; for a site checklist, the wave of the site's upgrade.
    pub wave: Option<u32>,
    /// The site's name, or the wave's title.
    pub title: String,
    /// Site codes from the central site down to the site (a site checklist).
    pub path: Vec<String>,
    /// The sites whose tasks the document holds, in hierarchy order.
    pub sites: Vec<String>,
    /// Tasks outside this document that a task in it waits for: finish them first.
    pub prerequisites: Vec<ScopeTask>,
    /// For a summary: the file names of the per-wave documents, in wave order.
    pub documents: Vec<String>,
    /// Number of tasks in the whole plan.
    pub plan_tasks: usize,
    /// Number of phases in the whole plan.
    #[serde(default)]
    pub plan_phases: usize,
    /// The whole plan's number (1-based) of each phase of this document, in order: a wave or
    /// site document keeps the full plan's phase numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phase_numbers: Vec<usize>,
    /// First planned start and last planned end of the document's tasks (only with
    /// `plan.start`).
    #[serde(default)]
    pub planned_start: Option<String>,
    #[serde(default)]
    pub planned_end: Option<String>,
    /// For a summary (which holds no task): the whole plan's progress summary, when any status
    /// is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<super::progress::ProgressSummary>,
}

/// A task of the whole plan named in another document's context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeTask {
    pub id: String,
    pub title: String,
    pub site: Option<String>,
    pub wave: u32,
    /// The tasks of this document that wait for it.
    pub needed_by: Vec<String>,
    /// When it is planned to be done (only with `plan.start`).
    #[serde(default)]
    pub planned_end: Option<String>,
}

/// The calendar the schedule was computed on (`plan.start` and `[schedule]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleSummary {
    /// `plan.start`, `YYYY-MM-DD`.
    pub start: String,
    /// The last planned end date of any task.
    pub end: String,
    /// Working days between the first start and the last end, both included.
    pub working_days: u32,
    /// Working weekdays, lower-case English names (`monday`, …).
    pub weekdays: Vec<String>,
    /// Dates on which no work is planned, `YYYY-MM-DD`, sorted.
    pub blackout: Vec<String>,
    /// IDs of the critical-path tasks, in plan order.
    pub critical_path: Vec<String>,
    /// `generate --today`: the day the remaining work was planned from (absent: `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// The durations the tasks were planned with (`[schedule]` over the defaults), so that a
    /// later revision can say which setting moved the dates. Absent in plans written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durations: Option<ScheduleDurations>,
}

/// The working days a schedule gave each kind of task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleDurations {
    /// Working days by task kind (`[schedule.days]` over the defaults).
    pub days: std::collections::BTreeMap<String, u32>,
    /// Working days of a task whose kind `days` does not list.
    pub default_days: u32,
    /// Working days of a client upgrade per started 1,000 clients.
    pub client_days_per_1000: u32,
}

/// A server as the description gives it, for comparing revisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerSummary {
    pub name: String,
    pub site: Option<String>,
    pub os: String,
    pub sql: Option<String>,
    pub sql_replication: bool,
    pub free_disk_mb: Option<f64>,
    pub roles: Vec<String>,
    /// What the upgrade takes from this server's free space, part by part (servers that serve
    /// a site this plan upgrades and hold its site server or a site database).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<super::disk::DiskNeed>,
}

/// One site as the plan sees it, with its disk estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitePlan {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub site_type: SiteType,
    pub parent: Option<String>,
    pub version: SiteVersion,
    pub security: SecurityMode,
    /// 0 for the central site.
    pub depth: usize,
    pub site_server: String,
    pub database_server: Option<String>,
    pub database_size_mb: Option<f64>,
    pub clients: u64,
    pub legacy_clients: u64,
    /// Advanced and legacy clients of this site and every site below it.
    pub subtree_clients: u64,
    /// Extra site-database space the upgrade needs (0 for a secondary: it has no database).
    pub database_growth_mb: f64,
    /// The estimate's formula in words with the numbers filled in.
    pub formula: String,
    /// Already on Configuration Manager 2007: no upgrade tasks.
    pub already_upgraded: bool,
    /// Number of blocker findings concerning this site or its servers.
    pub blockers: usize,
    /// The wave in which the site is upgraded (that of its `SITE-UPG` task); `None` for a site
    /// already on Configuration Manager 2007 (see `plan::waves`).
    #[serde(default)]
    pub wave: Option<u32>,
}

/// A SQL Server hosting site databases, with the space check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SqlServerPlan {
    pub name: String,
    /// Codes of the sites whose databases it hosts, in hierarchy order.
    pub sites: Vec<String>,
    pub sql: Option<String>,
    pub database_growth_mb: f64,
    /// `None` when the description does not give `free_disk_gb`.
    pub free_disk_mb: Option<f64>,
    /// `growth - free` when positive, `0` when it fits, `None` when free space is unknown.
    pub shortfall_mb: Option<f64>,
    pub formula: String,
}

/// Hierarchy totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub sites: usize,
    pub primary_sites: usize,
    pub secondary_sites: usize,
    pub sites_to_upgrade: usize,
    pub clients: u64,
    pub legacy_clients: u64,
    pub database_growth_mb: f64,
    pub tasks: usize,
    pub blockers: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Blocker,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a rule or a task comes from (upgrade-rules.md §0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Our id in the reference, e.g. `S3`.
    pub id: String,
    pub title: String,
    pub url: String,
}

/// A readiness finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule code, e.g. `CHK-SECMODE`.
    pub code: String,
    pub severity: Severity,
    pub site: Option<String>,
    pub server: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
    pub source: Source,
    /// The rule in upgrade-rules.md, e.g. `R3.2`.
    pub rule: String,
    /// ID of the task that fixes it (every blocker has one).
    pub remediation_task: Option<String>,
}

/// A phase: a group of tasks done in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// Stable, e.g. `prepare`, `central`, `children`, `roles`, `consoles`, `clients`, `post`.
    pub id: String,
    pub title: String,
    pub tasks: Vec<Task>,
}

/// One task of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Stable: `KIND-SCOPE`, e.g. `SITE-UPG-NYC`, `SQL-UPG-LON-SQL01`.
    pub id: String,
    /// The task kind, e.g. `SITE-UPG`.
    pub kind: String,
    pub site: Option<String>,
    pub server: Option<String>,
    pub title: String,
    pub expected_result: String,
    pub details: String,
    pub reference: String,
    /// Tasks that must be done first; each appears earlier in the plan.
    pub depends_on: Vec<String>,
    /// Codes of the findings this task remedies, blockers and warnings alike (the finding gives its
    /// severity); empty for ordinary tasks.
    pub remedies: Vec<String>,
    /// What the engineers recorded in the previous workbook (`None`: nothing recorded).
    pub progress: Option<Progress>,
    /// The upgrade wave (1-based) the task belongs to; never lower than the wave of a task it
    /// depends on, and never lower than that of the task before it (see `plan::waves`).
    #[serde(default)]
    pub wave: u32,
    /// Planned first working day, `YYYY-MM-DD` (only when the description gives `plan.start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<String>,
    /// Planned last working day, `YYYY-MM-DD` (only with `plan.start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_end: Option<String>,
    /// On the critical path: the chain of tasks that sets the plan's end date (only with
    /// `plan.start`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    /// Checklist items under the task (one per server, per parent/child pair, …): printed under
    /// the task and tracked as rows of their own in the workbook. IDs are `TASK-ID/SUFFIX`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<SubItem>,
    /// How to undo the change, for a task that changes a site, server or database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backout: Option<String>,
}

/// One checklist item of a task (see `Task::items`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubItem {
    /// Stable: the task's ID, `/`, and a suffix naming what the item is about, e.g.
    /// `PREP-SITE-NYC/NYC-MP01`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expected_result: String,
    /// What the engineers recorded against this item in the previous workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The tracking status of a task, as offered by the workbook's Status dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TaskStatus {
    #[serde(rename = "Not started")]
    NotStarted,
    #[serde(rename = "In progress")]
    InProgress,
    Done,
    Blocked,
    #[serde(rename = "Not applicable")]
    NotApplicable,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::Blocked,
        TaskStatus::NotApplicable,
    ];

    /// The label shown in the workbook dropdown.
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Not started",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Done => "Done",
            TaskStatus::Blocked => "Blocked",
            TaskStatus::NotApplicable => "Not applicable",
        }
    }

    /// Reads a label back (case-insensitive, surrounding spaces ignored).
    pub fn from_label(s: &str) -> Option<TaskStatus> {
        let s = s.trim();
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.label().eq_ignore_ascii_case(s))
    }
}

/// Status recorded against a task in a previous workbook and carried into the new plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub status: TaskStatus,
    pub owner: String,
    /// As the engineer entered it, normalised to `YYYY-MM-DD` when it was a date.
    pub completed_on: String,
    pub notes: String,
}

/// What the engineers recorded against one task (or sub-item) ID in a workbook. Read back from
/// a previous workbook by regeneration; a recorded task that is no longer in the plan stays in
/// `Plan::removed_tasks` (the workbook's "Removed tasks" sheet) so nothing recorded is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedTask {
    pub id: String,
    pub title: String,
    pub site: Option<String>,
    pub progress: Progress,
}

/// The name the plan used before recorded and removed tasks became one type.
pub type RemovedTask = RecordedTask;

/// "Changes since revision N": the diff against the previous revision, flattened for printing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionChanges {
    pub previous_revision: u32,
    pub entries: Vec<ChangeEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEntry {
    /// e.g. `task-added`, `task-removed`, `task-changed`, `finding-raised`, `finding-resolved`,
    /// `estimate-changed`, `environment`.
    pub category: String,
    /// The task ID, finding code, site code or server name concerned.
    pub subject: String,
    pub description: String,
}

impl Plan {
    /// Every task in execution order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.phases.iter().flat_map(|p| p.tasks.iter())
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks().find(|t| t.id == id)
    }
}
