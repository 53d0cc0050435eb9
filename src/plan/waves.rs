//! Upgrade waves: the task sequence cut into numbered stretches that the change board approves,
//! schedules and hands out as one unit.
//!
//! - Wave 1: remediation, preparation and the central site (with the central site's secondaries).
//! - Then one wave per tier of child primaries, each with its secondaries.
//! - Last: new roles, consoles, clients and the post-upgrade checks.
//!
//! How this relates to the sequence (which stays the engine's pre-order walk, R4.1–R4.5): waves
//! are *contiguous* stretches of it. Walking the tasks in plan order, a task's wave is the
//! largest of (a) its tier (1 + the depth of its primary: the site itself, or a secondary's
//! parent), (b) the wave of the task before it and (c) the waves of the tasks it depends on. So a
//! task's wave never decreases along a dependency (dependencies point backwards in the plan) nor
//! along the plan, a site is never in an earlier wave than its parent, and there are at most
//! (deepest tier + 2) waves however wide the hierarchy. Because siblings are upgraded strictly
//! one after another (R4.3, the resync gate), a site that the walk reaches after a deeper one
//! joins that deeper one's wave: in contoso, NYC waits for PAR's resync gate, so NYC (tier 1) is
//! upgraded in PAR's wave 3; a child primary met that late shares its parent's wave, after it in
//! the sequence. Wave numbers are then made consecutive (a tier whose sites are all already
//! upgraded leaves no gap).

use std::collections::{BTreeMap, HashMap};

use super::model::{Plan, Wave};
use crate::model::SiteType;

/// What a phase contributes to the wave rule.
enum Base {
    /// Remediation, preparation, the central site.
    First,
    /// Child-site upgrades: the tier of the task's primary (itself or its parent).
    Tier,
    /// Roles, consoles, clients, post-upgrade checks: one wave after everything else.
    Last,
    /// A phase this module does not know: stays in the current wave.
    Current,
}

fn base_of(phase: &str) -> Base {
    match phase {
        "remediate" | "prepare" | "central" => Base::First,
        "children" => Base::Tier,
        "roles" | "consoles" | "clients" | "post" => Base::Last,
        _ => Base::Current,
    }
}

/// Assigns `Task::wave`, `SitePlan::wave` and `Plan::waves`. Call once the task sequence is final.
pub fn assign(plan: &mut Plan) {
    let index: HashMap<&str, usize> = plan
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.as_str(), i))
        .collect();
    // The primary whose tier a site follows: itself, or a secondary's parent.
    let primary_of = |code: &str| -> Option<usize> {
        let i = *index.get(code)?;
        match plan.sites[i].site_type {
            SiteType::Primary => Some(i),
            SiteType::Secondary => plan.sites[i]
                .parent
                .as_deref()
                .and_then(|p| index.get(p).copied()),
        }
    };
    let mut waves: HashMap<String, u32> = HashMap::new();
    let mut raw: Vec<Vec<u32>> = Vec::with_capacity(plan.phases.len());
    let mut current = 1u32;
    let mut last_tasks: Vec<(usize, usize)> = Vec::new();
    for (p, phase) in plan.phases.iter().enumerate() {
        let base = base_of(&phase.id);
        let mut row = Vec::with_capacity(phase.tasks.len());
        for (t, task) in phase.tasks.iter().enumerate() {
            let own = match base {
                Base::First => 1,
                Base::Current => current,
                Base::Last => {
                    last_tasks.push((p, t));
                    row.push(0);
                    continue;
                }
                // Tier k (depth k - 1) is wave k at the earliest.
                Base::Tier => match task.site.as_deref().and_then(primary_of) {
                    Some(i) => plan.sites[i].depth as u32 + 1,
                    None => current,
                },
            };
            let after = task
                .depends_on
                .iter()
                .filter_map(|d| waves.get(d).copied())
                .max()
                .unwrap_or(1);
            let wave = own.max(current).max(after);
            current = wave;
            waves.insert(task.id.clone(), wave);
            row.push(wave);
        }
        raw.push(row);
    }
    let last = current + 1;
    for (p, t) in last_tasks {
        raw[p][t] = last;
    }
    // Consecutive numbers, in order.
    let used: std::collections::BTreeSet<u32> = raw.iter().flatten().copied().collect();
    let dense: BTreeMap<u32, u32> = used
        .into_iter()
        .enumerate()
        .map(|(n, w)| (w, n as u32 + 1))
        .collect();
    for (phase, row) in plan.phases.iter_mut().zip(&raw) {
        for (task, w) in phase.tasks.iter_mut().zip(row) {
            task.wave = dense[w];
        }
    }
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
    let mut tier = 0;
    for (w, phases) in out.iter_mut().zip(&phases_of) {
        let has = |id: &str| phases.contains(&id);
        w.title = if has("central") {
            "Preparation and the central site".to_string()
        } else if has("remediate") || has("prepare") {
            if has("children") {
                "Preparation and the first child sites".to_string()
            } else {
                "Preparation".to_string()
            }
        } else if has("children") {
            tier += 1;
            format!("Child sites, tier {tier}")
        } else {
            "Roles, consoles, clients and post-upgrade checks".to_string()
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SecurityMode, SiteVersion, TargetMedia};
    use crate::plan::model::{Phase, SitePlan, Task, Totals};

    fn site(code: &str, t: SiteType, parent: Option<&str>, depth: usize) -> SitePlan {
        SitePlan {
            code: code.into(),
            name: code.into(),
            site_type: t,
            parent: parent.map(Into::into),
            version: SiteVersion::Sms2003Sp3,
            security: SecurityMode::Advanced,
            depth,
            site_server: format!("{code}-SMS01"),
            database_server: None,
            database_size_mb: None,
            clients: 0,
            legacy_clients: 0,
            subtree_clients: 0,
            database_growth_mb: 0.0,
            formula: String::new(),
            already_upgraded: false,
            blockers: 0,
            wave: None,
        }
    }

    fn task(kind: &str, site: Option<&str>, deps: &[&str]) -> Task {
        Task {
            id: match site {
                Some(s) => format!("{kind}-{s}"),
                None => kind.into(),
            },
            kind: kind.into(),
            site: site.map(Into::into),
            server: None,
            title: String::new(),
            expected_result: String::new(),
            details: String::new(),
            reference: String::new(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            remedies: Vec::new(),
            progress: None,
            wave: 0,
            planned_start: None,
            planned_end: None,
            critical: false,
            items: Vec::new(),
            backout: None,
        }
    }

    fn phase(id: &str, tasks: Vec<Task>) -> Phase {
        Phase {
            id: id.into(),
            title: id.into(),
            tasks,
        }
    }

    /// CEN → A (→ A1 primary, AS secondary), CEN → B; pre-order CEN, A, AS, A1, B.
    fn plan() -> Plan {
        use SiteType::*;
        let sites = vec![
            site("CEN", Primary, None, 0),
            site("AAA", Primary, Some("CEN"), 1),
            site("ASS", Secondary, Some("AAA"), 2),
            site("AA1", Primary, Some("AAA"), 2),
            site("BBB", Primary, Some("CEN"), 1),
        ];
        let phases = vec![
            phase("prepare", vec![task("PREP-ADSCHEMA", None, &[])]),
            phase(
                "central",
                vec![task("SITE-UPG", Some("CEN"), &["PREP-ADSCHEMA"])],
            ),
            phase(
                "children",
                vec![
                    task("SITE-UPG", Some("AAA"), &["SITE-UPG-CEN"]),
                    task("SITE-RESYNC", Some("AAA"), &["SITE-UPG-AAA"]),
                    task("SITE-UPG", Some("ASS"), &["SITE-UPG-AAA"]),
                    task("SITE-UPG", Some("AA1"), &["SITE-RESYNC-AAA"]),
                    task("SITE-RESYNC", Some("AA1"), &["SITE-UPG-AA1"]),
                    task("SITE-UPG", Some("BBB"), &["SITE-RESYNC-AA1"]),
                    task("SITE-RESYNC", Some("BBB"), &["SITE-UPG-BBB"]),
                ],
            ),
            phase(
                "clients",
                vec![task("CLIENT-UPG", Some("BBB"), &["SITE-UPG-BBB"])],
            ),
        ];
        Plan {
            title: "t".into(),
            organisation: None,
            change_reference: None,
            prepared_by: None,
            target: TargetMedia::Sp1,
            target_name: String::new(),
            date: "2027-01-01".into(),
            input_digest: String::new(),
            revision: 1,
            database_mb_per_client: 2.0,
            sites,
            sql_servers: Vec::new(),
            totals: Totals {
                sites: 5,
                primary_sites: 4,
                secondary_sites: 1,
                sites_to_upgrade: 5,
                clients: 0,
                legacy_clients: 0,
                database_growth_mb: 0.0,
                tasks: 10,
                blockers: 0,
                warnings: 0,
                infos: 0,
            },
            findings: Vec::new(),
            phases,
            removed_tasks: Vec::new(),
            changes: None,
            servers: Vec::new(),
            waves: Vec::new(),
            scope: None,
            schedule: None,
        }
    }

    fn wave(plan: &Plan, id: &str) -> u32 {
        plan.task(id).unwrap().wave
    }

    #[test]
    fn a_later_sibling_joins_the_wave_of_the_deeper_subtree_it_waits_for() {
        let mut p = plan();
        assign(&mut p);
        assert_eq!(wave(&p, "PREP-ADSCHEMA"), 1);
        assert_eq!(wave(&p, "SITE-UPG-CEN"), 1);
        assert_eq!(wave(&p, "SITE-UPG-AAA"), 2);
        assert_eq!(
            wave(&p, "SITE-UPG-ASS"),
            2,
            "a secondary goes with its parent"
        );
        assert_eq!(wave(&p, "SITE-UPG-AA1"), 3);
        // BBB is tier 1 but waits for AA1's resync gate (siblings are sequential).
        assert_eq!(wave(&p, "SITE-UPG-BBB"), 3);
        assert_eq!(wave(&p, "CLIENT-UPG-BBB"), 4);
        let sites: Vec<(String, Option<u32>)> =
            p.sites.iter().map(|s| (s.code.clone(), s.wave)).collect();
        assert_eq!(sites[3], ("AA1".to_string(), Some(3)));
        let titles: Vec<&str> = p.waves.iter().map(|w| w.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Preparation and the central site",
                "Child sites, tier 1",
                "Child sites, tier 2",
                "Roles, consoles, clients and post-upgrade checks"
            ]
        );
        assert_eq!(p.waves[2].sites, ["AA1", "BBB"]);
        assert_eq!(p.waves.iter().map(|w| w.tasks).sum::<usize>(), 10);
    }

    #[test]
    fn an_already_upgraded_tier_leaves_no_gap_in_the_numbers() {
        let mut p = plan();
        // CEN and AAA already upgraded: their tasks are gone, AA1 and BBB remain.
        p.sites[0].already_upgraded = true;
        p.sites[1].already_upgraded = true;
        p.phases.remove(1);
        p.phases[1].tasks.drain(0..3);
        for t in &mut p.phases[1].tasks {
            t.depends_on.retain(|d| !d.ends_with("AAA"));
        }
        assign(&mut p);
        let numbers: Vec<u32> = p.waves.iter().map(|w| w.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(wave(&p, "SITE-UPG-AA1"), 2);
        assert_eq!(wave(&p, "SITE-UPG-BBB"), 2);
        assert_eq!(p.sites[1].wave, None);
    }
}
