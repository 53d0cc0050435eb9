//! Upgrade waves: each wave is one change the board approves (one request for change per
//! window) and holds whole site runbooks. The engine gives every task its wave as it builds the
//! sequence (`plan::sequence::order`); this module names the waves after what they hold
//! ("NYC with BOS, PHL"), and writes the brief the board signs for each: scope, service impact,
//! risk class with its reason, back-out and point of no return, test evidence.

use std::collections::HashMap;

use super::model::{Plan, Wave, WaveBrief};
use super::{fmt_int, fmt_num};
use crate::model::SiteType;

/// Fills `SitePlan::wave` and `Plan::waves` from the tasks' waves. Call once the task sequence
/// is final.
pub fn assign(plan: &mut Plan) {
    let upgrade_wave: HashMap<String, u32> = plan
        .tasks()
        .filter(|t| t.kind == "SITE-UPG")
        .filter_map(|t| t.site.clone().map(|s| (s, t.wave)))
        .collect();
    for site in &mut plan.sites {
        site.wave = upgrade_wave.get(&site.code).copied();
    }
    plan.waves = summarise(plan);
}

/// One `Wave` per contiguous stretch of equal wave numbers.
fn summarise(plan: &Plan) -> Vec<Wave> {
    let mut out: Vec<Wave> = Vec::new();
    let mut phases_of: Vec<Vec<&str>> = Vec::new();
    for phase in &plan.phases {
        for task in &phase.tasks {
            if out.last().map(|w| w.number) != Some(task.wave) {
                out.push(Wave {
                    number: task.wave,
                    title: String::new(),
                    sites: Vec::new(),
                    tasks: 0,
                    first_task: task.id.clone(),
                    last_task: task.id.clone(),
                    planned_start: None,
                    planned_end: None,
                    brief: None,
                });
                phases_of.push(Vec::new());
            }
            let w = out.last_mut().expect("pushed above");
            w.tasks += 1;
            w.last_task = task.id.clone();
            if task.kind == "SITE-UPG" {
                if let Some(s) = &task.site {
                    w.sites.push(s.clone());
                }
            }
            let ph = phases_of.last_mut().expect("pushed above");
            if !ph.contains(&phase.id.as_str()) {
                ph.push(phase.id.as_str());
            }
        }
    }
    let site_of: HashMap<&str, &super::model::SitePlan> =
        plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    for (w, phases) in out.iter_mut().zip(&phases_of) {
        let has = |id: &str| phases.contains(&id);
        // Primaries lead, their secondaries follow ("NYC with BOS, PHL").
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for code in &w.sites {
            let s = site_of[code.as_str()];
            let parent_here = s.site_type == SiteType::Secondary
                && s.parent.as_ref().is_some_and(|p| w.sites.contains(p));
            if parent_here {
                let p = s.parent.clone().unwrap_or_default();
                if let Some(g) = groups.iter_mut().find(|g| g.0 == p) {
                    g.1.push(code.clone());
                    continue;
                }
            }
            groups.push((code.clone(), Vec::new()));
        }
        let sites = groups
            .iter()
            .map(|(l, f)| {
                if f.is_empty() {
                    l.clone()
                } else {
                    format!("{l} with {}", f.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        w.title = match (
            has("decisions") || has("preparation") || has("remediation"),
            sites.is_empty(),
        ) {
            (true, false) => format!("hierarchy preparation, then {sites}"),
            (true, true) => "hierarchy preparation".to_string(),
            (false, false) => sites,
            (false, true) if has("after") => {
                "after the sites: roles, clients, software updates, close-out".to_string()
            }
            (false, true) => "company-specific tasks".to_string(),
        };
        w.brief = Some(brief(plan, w, &site_of));
    }
    out
}

/// What the board reads before it approves a wave.
fn brief(plan: &Plan, w: &Wave, site_of: &HashMap<&str, &super::model::SitePlan>) -> WaveBrief {
    let tasks: Vec<&super::model::Task> = plan.tasks().filter(|t| t.wave == w.number).collect();
    let mut servers: Vec<String> = Vec::new();
    for code in &w.sites {
        let s = site_of[code.as_str()];
        for n in std::iter::once(&s.site_server).chain(s.database_server.as_ref()) {
            if !servers.contains(n) {
                servers.push(n.clone());
            }
        }
    }
    for t in &tasks {
        if let Some(n) = &t.server {
            if !servers.iter().any(|x| x.eq_ignore_ascii_case(n)) {
                servers.push(n.clone());
            }
        }
        for it in &t.items {
            if let Some(n) = &it.server {
                if !servers.iter().any(|x| x.eq_ignore_ascii_case(n)) {
                    servers.push(n.clone());
                }
            }
        }
    }
    let clients: u64 = w
        .sites
        .iter()
        .map(|c| site_of[c.as_str()].clients + site_of[c.as_str()].legacy_clients)
        .sum();
    let scope = if w.sites.is_empty() {
        let changes: Vec<&str> = tasks
            .iter()
            .filter(|t| t.backout.is_some())
            .map(|t| t.id.as_str())
            .collect();
        if changes.is_empty() {
            format!("{} tasks; no site is upgraded in this wave.", tasks.len())
        } else {
            format!(
                "{} tasks; no site is upgraded in this wave. Changes: {}.",
                tasks.len(),
                changes.join(", ")
            )
        }
    } else {
        format!(
            "sites {}; servers {}; {} clients assigned to or located at these sites.",
            w.sites.join(", "),
            if servers.is_empty() {
                "none".to_string()
            } else {
                servers.join(", ")
            },
            fmt_int(clients)
        )
    };
    let impact = if w.sites.is_empty() {
        "Each remediation stops the services it changes while it runs (stated in its task); sites keep working between changes.".to_string()
    } else {
        format!(
            "While each of {} is upgraded: no software distribution, inventory or status processing at that site or for the sites below it, and no console access to it; clients keep working with what they have and queue their data. Data from child sites queues at the parent until the resync gate is passed.",
            w.sites.join(", ")
        )
    };
    let irreversible: Vec<&str> = tasks
        .iter()
        .filter(|t| t.kind == "SECMODE")
        .map(|t| t.id.as_str())
        .collect();
    let central = w.sites.iter().any(|c| site_of[c.as_str()].parent.is_none());
    let db_changes: Vec<&str> = tasks
        .iter()
        .filter(|t| matches!(t.kind.as_str(), "SMS-SP" | "SQL-UPG" | "OS-UPG"))
        .map(|t| t.id.as_str())
        .collect();
    let (risk, reason) = if central {
        (
            "high",
            "it upgrades the central site, which every other site reports to".to_string(),
        )
    } else if !irreversible.is_empty() {
        (
            "high",
            format!(
                "{} cannot be undone except by site recovery",
                irreversible.join(", ")
            ),
        )
    } else if !db_changes.is_empty() {
        (
            "medium",
            format!(
                "{} change site databases or servers in place",
                db_changes.join(", ")
            ),
        )
    } else if w
        .sites
        .iter()
        .any(|c| site_of[c.as_str()].site_type == SiteType::Primary)
    {
        (
            "medium",
            "it upgrades a primary site and its database".to_string(),
        )
    } else if !w.sites.is_empty() {
        (
            "low",
            "it upgrades secondary sites only, which are reinstalled if needed".to_string(),
        )
    } else {
        ("low", "no site or database is changed".to_string())
    };
    let mut irreversible_all: Vec<String> = irreversible.iter().map(|s| s.to_string()).collect();
    let backout = if w.sites.is_empty() {
        "each change states its own back-out under its task.".to_string()
    } else {
        "a primary site is restored from the backup taken in this window (Backup SMS Site Server task, SMS 2003 Recovery Expert); a secondary site is reinstalled as SMS 2003; each remediation states its own back-out.".to_string()
    };
    let point = tasks
        .iter()
        .filter(|t| t.kind == "SITE-UPG")
        .filter_map(|t| {
            t.backout
                .as_deref()
                .and_then(|b| b.split("Point of no return: ").nth(1))
                .map(|p| {
                    format!(
                        "{}: {}",
                        t.site.clone().unwrap_or_default(),
                        p.trim_end_matches('.')
                    )
                })
        })
        .collect::<Vec<_>>();
    irreversible_all.sort();
    let point_of_no_return = if !point.is_empty() {
        point.join("; ")
    } else if !irreversible_all.is_empty() {
        format!(
            "{} (irreversible except by site recovery)",
            irreversible_all.join(", ")
        )
    } else {
        "none in this wave".to_string()
    };
    let growth: f64 = w
        .sites
        .iter()
        .map(|c| site_of[c.as_str()].database_growth_mb)
        .sum();
    let evidence = if w
        .sites
        .iter()
        .any(|c| site_of[c.as_str()].site_type == SiteType::Primary)
    {
        format!(
            "the lab rehearsal (LAB-REHEARSAL) and its measured Setup duration; the testdbupgrade result of each primary site's database in this wave ({} MB growth expected); the prerequisite checker's report, no older than 7 days; the verified backups.",
            fmt_num(growth)
        )
    } else if !w.sites.is_empty() {
        "the prerequisite checker's report for each secondary site, no older than 7 days."
            .to_string()
    } else {
        "the backups taken before each change.".to_string()
    };
    WaveBrief {
        scope,
        impact,
        risk: risk.to_string(),
        risk_reason: reason,
        backout,
        point_of_no_return,
        evidence,
    }
}
