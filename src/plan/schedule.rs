//! The optional schedule: planned start and end dates for every task, on working days, that respect
//! every dependency, the allowed weekdays and the blackout dates; and the critical path (the chain of
//! tasks that sets the end date).
//!
//! Durations are whole working days per task kind. A task starts on the first working day on or after
//! the day after its latest dependency ends (or on the plan start), and ends `duration - 1` working
//! days after it starts; a 0-day task is a milestone that starts and ends on its start day.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::model::Plan;

/// Defaults, in working days (documented in the README's "Schedule" section).
pub const DEFAULT_TASK_DAYS: u32 = 1;
pub const DEFAULT_SITE_UPGRADE_DAYS: u32 = 1;
pub const DEFAULT_RESYNC_DAYS: u32 = 2;
pub const DEFAULT_SECONDARY_UPGRADE_DAYS: u32 = 1;
/// Client upgrade: one working day per started 1,000 clients of the site (push or SUP-based
/// deployment in daily batches); at least one day.
pub const DEFAULT_CLIENT_DAYS_PER_1000: u32 = 1;

/// How the schedule is computed (`plan.start` and `[schedule]` in the description).
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleConfig {
    pub start: NaiveDate,
    /// Working days by task kind (e.g. `SITE-UPG` → 1); kinds not listed take `default_days`.
    pub days_by_kind: BTreeMap<String, u32>,
    pub default_days: u32,
    pub client_days_per_1000: u32,
    /// Weekdays on which work happens (default Monday–Friday).
    pub weekdays: BTreeSet<Weekday>,
    pub blackout: BTreeSet<NaiveDate>,
}

impl ScheduleConfig {
    pub fn new(start: NaiveDate) -> ScheduleConfig {
        let days_by_kind = [
            ("SITE-UPG", DEFAULT_SITE_UPGRADE_DAYS),
            ("SITE-RESYNC", DEFAULT_RESYNC_DAYS),
            ("SITE-UPG-SEC", DEFAULT_SECONDARY_UPGRADE_DAYS),
        ]
        .into_iter()
        .map(|(k, d)| (k.to_string(), d))
        .collect();
        ScheduleConfig {
            start,
            days_by_kind,
            default_days: DEFAULT_TASK_DAYS,
            client_days_per_1000: DEFAULT_CLIENT_DAYS_PER_1000,
            weekdays: [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
                .into_iter()
                .collect(),
            blackout: BTreeSet::new(),
        }
    }

    fn is_working_day(&self, d: NaiveDate) -> bool {
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
}

/// Schedules every task of the plan; `client_counts` gives the clients per site code (for
/// client-upgrade durations). Dependencies always point backwards in plan order, so one pass in
/// order is enough.
pub fn schedule(plan: &Plan, config: &ScheduleConfig) -> BTreeMap<String, Slot> {
    let clients: HashMap<&str, u64> =
        plan.sites.iter().map(|s| (s.code.as_str(), s.clients + s.legacy_clients)).collect();
    let mut slots: HashMap<&str, Slot> = HashMap::new();
    // For the critical path: which dependency set each task's start.
    let mut driver: HashMap<&str, Option<&str>> = HashMap::new();
    let first_day = config.working_on_or_after(config.start);
    for task in plan.tasks() {
        let days = if task.kind == "CLIENT-UPG" {
            let n = task.site.as_deref().and_then(|s| clients.get(s)).copied().unwrap_or(0);
            (n.div_ceil(1000) as u32 * config.client_days_per_1000).max(1)
        } else {
            config.days_by_kind.get(&task.kind).copied().unwrap_or(config.default_days)
        };
        let mut start = first_day;
        let mut by = None;
        for dep in &task.depends_on {
            if let Some(d) = slots.get(dep.as_str()) {
                let after = if d.days == 0 { config.working_on_or_after(d.end) } else { config.next_working_day(d.end) };
                if after > start || by.is_none() && after == start {
                    start = after;
                    by = Some(dep.as_str());
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
            },
        );
    }
    // The critical path: from the task that ends last (the last such task in plan order), follow the
    // dependencies that set each start.
    let last = plan
        .tasks()
        .filter_map(|t| slots.get(t.id.as_str()).map(|s| (s.end, t.id.as_str())))
        .fold(None::<(NaiveDate, &str)>, |acc, (end, id)| match acc {
            Some((e, _)) if e > end => acc,
            _ => Some((end, id)),
        });
    let mut cursor = last.map(|(_, id)| id);
    while let Some(id) = cursor {
        if let Some(slot) = slots.get_mut(id) {
            slot.critical = true;
        }
        cursor = driver.get(id).copied().flatten();
    }
    slots.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
