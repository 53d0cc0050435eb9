//! The optional schedule: planned start and end dates for every task, on working days, that respect
//! every dependency, the allowed weekdays and the blackout dates; and the critical path (the chain of
//! tasks that sets the end date).
//!
//! Durations are whole working days per task kind. A task starts on the first working day on or after
//! the day after its latest dependency ends (or on the plan start), and ends `duration - 1` working
//! days after it starts; a 0-day task is a milestone that starts and ends on its start day.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::model::{Plan, ScheduleDurations, ScheduleSummary, Task, TaskStatus};
use super::progress::ProgressRecord;
use crate::model::{Schedule, SiteType};

/// Defaults, in working days (documented in docs/schedule.md). They are planning assumptions,
/// not figures from the upgrade reference: the reference gives no durations (the resync gate's
/// length, R4.3, is explicitly unknown), so every one can be set in `[schedule]`.
pub const DEFAULT_TASK_DAYS: u32 = 1;
pub const DEFAULT_SITE_UPGRADE_DAYS: u32 = 1;
/// R4.3: the parent resynchronises with each upgraded child; it can replicate many files.
pub const DEFAULT_RESYNC_DAYS: u32 = 2;
pub const DEFAULT_SECONDARY_UPGRADE_DAYS: u32 = 1;
/// `[schedule.days]` key for the upgrade of a secondary site (task kind `SITE-UPG` too).
pub const SECONDARY_UPGRADE: &str = "SITE-UPG-SECONDARY";
/// Client upgrade: one working day per started 1,000 clients of the site (push or SUP-based
/// deployment in daily batches); at least one day.
pub const DEFAULT_CLIENT_DAYS_PER_1000: u32 = 1;
/// A client upgrade is planned at most this long (about 40 years of working days), so that an
/// absurd client count cannot make the planner walk the calendar for ever.
pub const MAX_CLIENT_UPGRADE_DAYS: u32 = 10_000;

/// Task kinds planned as late as their successors allow rather than as early as possible.
pub const JUST_IN_TIME: &[&str] = &["PREPARE"];

/// How the schedule is computed (`plan.start` and `[schedule]` in the description).
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleConfig {
    pub start: NaiveDate,
    /// Working days by task kind (e.g. `SITE-UPG` → 1); kinds not listed take `default_days`.
    pub days_by_kind: BTreeMap<String, u32>,
    pub default_days: u32,
    pub client_days_per_1000: u32,
    /// Weekdays on which work happens (default Monday–Friday), Monday first. (`Weekday` has no
    /// order, hence a list.)
    pub weekdays: Vec<Weekday>,
    pub blackout: BTreeSet<NaiveDate>,
    /// The day the remaining work is planned from (`generate --today`); `None`: `start`. Work is
    /// never planned before `start`.
    pub today: Option<NaiveDate>,
}

impl ScheduleConfig {
    pub fn new(start: NaiveDate) -> ScheduleConfig {
        let days_by_kind = [
            ("SITE-UPG", DEFAULT_SITE_UPGRADE_DAYS),
            ("SITE-RESYNC", DEFAULT_RESYNC_DAYS),
            (SECONDARY_UPGRADE, DEFAULT_SECONDARY_UPGRADE_DAYS),
        ]
        .into_iter()
        .map(|(k, d)| (k.to_string(), d))
        .collect();
        ScheduleConfig {
            start,
            days_by_kind,
            default_days: DEFAULT_TASK_DAYS,
            client_days_per_1000: DEFAULT_CLIENT_DAYS_PER_1000,
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            blackout: BTreeSet::new(),
            today: None,
        }
    }

    /// The defaults, overridden by what the description's `[schedule]` gives.
    pub fn from_description(s: &Schedule) -> ScheduleConfig {
        let mut c = ScheduleConfig::new(s.start);
        for (kind, days) in &s.days {
            c.days_by_kind.insert(kind.clone(), *days);
        }
        if let Some(d) = s.default_days {
            c.default_days = d;
        }
        if let Some(d) = s.client_days_per_1000 {
            c.client_days_per_1000 = d;
        }
        if let Some(w) = &s.weekdays {
            c.weekdays = w.clone();
            c.weekdays.sort_by_key(|d| d.num_days_from_monday());
            c.weekdays.dedup();
        }
        c.blackout = s.blackout.iter().copied().collect();
        c
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.weekdays.contains(&d.weekday()) && !self.blackout.contains(&d)
    }

    /// The first working day on or after `d`.
    fn working_on_or_after(&self, mut d: NaiveDate) -> NaiveDate {
        // A calendar with no working day at all is rejected by validation; bound the walk anyway.
        for _ in 0..3660 {
            if self.is_working_day(d) {
                return d;
            }
            d = d + Days::new(1);
        }
        d
    }

    /// The last working day before `d` (bounded like `working_on_or_after`).
    fn previous_working_day(&self, mut d: NaiveDate) -> NaiveDate {
        for _ in 0..3660 {
            d = d - Days::new(1);
            if self.is_working_day(d) {
                return d;
            }
        }
        d
    }

    fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        self.working_on_or_after(d + Days::new(1))
    }
}

/// One task's planned dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub days: u32,
    pub critical: bool,
    /// Recorded Done: the slot is the day it was completed on, not planned.
    pub done: bool,
}

/// Schedules every task of the plan. A task starts on the first working day after the latest of
/// (a) its dependencies and (b) the previous waves: a wave is a change window the board approves
/// as one unit, so it opens only once every task of the waves before it is done (and a check
/// such as `PREREQ-RECHECK` stays next to the upgrade it checks). Dependencies point backwards
/// and waves are contiguous stretches of the sequence, both in plan order, so one pass in order is
/// enough.
///
/// Recorded progress: a task recorded Done keeps the day it was completed on (a one-day slot its
/// successors start after) and is not planned again; one recorded Done without a readable date,
/// or Not applicable, gets no dates and holds nothing up. Everything else is planned from
/// `config.today` (or the start) with the same rules.
pub fn schedule(
    plan: &Plan,
    config: &ScheduleConfig,
    progress: &ProgressRecord,
) -> BTreeMap<String, Slot> {
    let clients: HashMap<&str, u64> = plan
        .sites
        .iter()
        .map(|s| (s.code.as_str(), s.clients + s.legacy_clients))
        .collect();
    let secondary: HashSet<&str> = plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Secondary)
        .map(|s| s.code.as_str())
        .collect();
    let mut slots: HashMap<&str, Slot> = HashMap::new();
    // For the critical path: the task whose end set each task's start (none: the plan start).
    let mut driver: HashMap<&str, Option<&str>> = HashMap::new();
    let from = config.today.map_or(config.start, |t| t.max(config.start));
    let first_day = config.working_on_or_after(from);
    // The wave being scheduled, and the task that ends last among all earlier waves' tasks
    // (the gate of the current wave) and among all tasks so far.
    let mut wave = None;
    let mut gate: Option<&str> = None;
    let mut latest: Option<&str> = None;
    // The first working day a task may start on once `id` is done (a 0-day milestone does not
    // use up its day).
    let after = |slots: &HashMap<&str, Slot>, id: &str| -> Option<NaiveDate> {
        slots.get(id).map(|d| {
            if d.days == 0 {
                config.working_on_or_after(d.end)
            } else {
                config.next_working_day(d.end)
            }
        })
    };
    for task in plan.tasks() {
        if wave != Some(task.wave) {
            wave = Some(task.wave);
            gate = latest;
        }
        match progress.status(&task.id) {
            Some(TaskStatus::Done) => {
                if let Some(day) = progress.completed_on(&task.id) {
                    driver.insert(task.id.as_str(), None);
                    slots.insert(
                        task.id.as_str(),
                        Slot {
                            start: day,
                            end: day,
                            days: 1,
                            critical: false,
                            done: true,
                        },
                    );
                    if latest
                        .and_then(|l| slots.get(l))
                        .is_none_or(|l| day > l.end)
                    {
                        latest = Some(task.id.as_str());
                    }
                }
                continue;
            }
            Some(TaskStatus::NotApplicable) => continue,
            _ => {}
        }
        let days = duration(task, config, &clients, &secondary);
        let mut start = first_day;
        let mut by = None;
        for dep in gate
            .into_iter()
            .chain(task.depends_on.iter().map(String::as_str))
        {
            if let Some(day) = after(&slots, dep) {
                if day > start || (by.is_none() && day == start) {
                    start = day;
                    by = Some(dep);
                }
            }
        }
        let mut end = start;
        for _ in 1..days.max(1) {
            end = config.next_working_day(end);
        }
        driver.insert(task.id.as_str(), by);
        slots.insert(
            task.id.as_str(),
            Slot {
                start,
                end,
                days,
                critical: false,
                done: false,
            },
        );
        // Ties keep the earlier task: its chain is the one the plan met first.
        if latest
            .and_then(|l| slots.get(l))
            .is_none_or(|l| end > l.end)
        {
            latest = Some(task.id.as_str());
        }
    }
    // A check that is only valid for a while before what it checks (R8.4: a secondary site's
    // prerequisite check must have passed within 7 days of its upgrade) is moved as late as its
    // successors allow: it ends on the working day before the first of them starts. It only
    // moves later, so its dependencies and its wave still hold, and its successors still start
    // after it; a check that drives a successor's start already sits there.
    let tasks: Vec<&Task> = plan.tasks().collect();
    for task in tasks
        .iter()
        .rev()
        .filter(|t| JUST_IN_TIME.contains(&t.kind.as_str()))
    {
        let first_successor = tasks
            .iter()
            .filter(|t| t.depends_on.contains(&task.id))
            .filter_map(|t| slots.get(t.id.as_str()).map(|s| s.start))
            .min();
        let (Some(limit), Some(slot)) = (first_successor, slots.get(task.id.as_str())) else {
            continue;
        };
        if slot.done {
            continue;
        }
        let end = if slot.days == 0 {
            limit
        } else {
            config.previous_working_day(limit)
        };
        let mut start = end;
        for _ in 1..slot.days.max(1) {
            start = config.previous_working_day(start);
        }
        if start > slot.start {
            let slot = slots.get_mut(task.id.as_str()).expect("scheduled above");
            slot.start = start;
            slot.end = end;
        }
    }
    // The critical path: from the task that ends last (the last such task in plan order), follow the
    // dependencies that set each start. Work already done is not on it.
    let last = plan
        .tasks()
        .filter_map(|t| slots.get(t.id.as_str()).map(|s| (s, t.id.as_str())))
        .filter(|(s, _)| !s.done)
        .map(|(s, id)| (s.end, id))
        .fold(None::<(NaiveDate, &str)>, |acc, (end, id)| match acc {
            Some((e, _)) if e > end => acc,
            _ => Some((end, id)),
        });
    let mut cursor = last.map(|(_, id)| id);
    while let Some(id) = cursor {
        match slots.get_mut(id) {
            Some(slot) if !slot.done => slot.critical = true,
            _ => break,
        }
        cursor = driver.get(id).copied().flatten();
    }
    slots.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A task's duration in working days: by kind (a secondary site's upgrade by
/// `SITE-UPG-SECONDARY`), a client upgrade by its site's clients.
fn duration(
    task: &Task,
    config: &ScheduleConfig,
    clients: &HashMap<&str, u64>,
    secondary: &HashSet<&str>,
) -> u32 {
    let site = task.site.as_deref();
    if task.kind == "CLIENT-UPG" {
        // One task for the whole hierarchy (its items per site), or one per site.
        let n = match site {
            Some(s) => clients.get(s).copied().unwrap_or(0),
            None => clients.values().sum(),
        };
        let thousands = u32::try_from(n.div_ceil(1000)).unwrap_or(u32::MAX);
        thousands
            .saturating_mul(config.client_days_per_1000)
            .clamp(1, MAX_CLIENT_UPGRADE_DAYS)
    } else if task.kind == "SITE-UPG" && site.is_some_and(|s| secondary.contains(s)) {
        config
            .days_by_kind
            .get(SECONDARY_UPGRADE)
            .copied()
            .unwrap_or(config.default_days)
    } else {
        config
            .days_by_kind
            .get(&task.kind)
            .copied()
            .unwrap_or(config.default_days)
    }
}

/// Fills the planned dates, the critical-path marks, each wave's dates and `Plan::schedule`.
pub fn apply(plan: &mut Plan, config: &ScheduleConfig) {
    apply_with_progress(plan, config, &ProgressRecord::default());
}

/// As `apply`, with recorded progress (see `schedule`): a task recorded Done is dated on the day
/// it was completed. Replaces whatever dates the plan held.
pub fn apply_with_progress(plan: &mut Plan, config: &ScheduleConfig, progress: &ProgressRecord) {
    let slots = schedule(plan, config, progress);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    for task in plan.phases.iter_mut().flat_map(|p| p.tasks.iter_mut()) {
        let slot = slots.get(&task.id);
        task.planned_start = slot.map(|s| day(s.start));
        task.planned_end = slot.map(|s| day(s.end));
        task.critical = slot.is_some_and(|s| s.critical);
    }
    for wave in &mut plan.waves {
        let in_wave = || {
            plan.phases
                .iter()
                .flat_map(|p| p.tasks.iter())
                .filter(|t| t.wave == wave.number)
                .filter_map(|t| slots.get(&t.id))
        };
        wave.planned_start = in_wave().map(|s| s.start).min().map(day);
        wave.planned_end = in_wave().map(|s| s.end).max().map(day);
    }
    let first = slots.values().map(|s| s.start).min();
    let last = slots.values().map(|s| s.end).max();
    let working_days = match (first, last) {
        (Some(a), Some(b)) => {
            let mut n = 0;
            let mut d = a;
            while d <= b {
                if config.is_working_day(d) {
                    n += 1;
                }
                d = d + Days::new(1);
            }
            n
        }
        _ => 0,
    };
    let mut weekdays = config.weekdays.clone();
    weekdays.sort_by_key(|w| w.num_days_from_monday());
    plan.schedule = Some(ScheduleSummary {
        start: day(config.start),
        end: last.map(day).unwrap_or_else(|| day(config.start)),
        working_days,
        weekdays: weekdays
            .iter()
            .map(|w| crate::model::WEEKDAY_NAMES[w.num_days_from_monday() as usize].to_string())
            .collect(),
        blackout: config.blackout.iter().map(|d| day(*d)).collect(),
        critical_path: plan
            .tasks()
            .filter(|t| t.critical)
            .map(|t| t.id.clone())
            .collect(),
        today: config.today.map(day),
        durations: Some(ScheduleDurations {
            days: config.days_by_kind.clone(),
            default_days: config.default_days,
            client_days_per_1000: config.client_days_per_1000,
        }),
    });
}
