//! Parts of the plan as plans of their own, so that every renderer prints them unchanged: a site's
//! checklist (`generate --site NYC`), one wave (`--split waves`) and the summary that goes with
//! the per-wave documents. Tasks keep the IDs (and waves, dates, statuses) of the whole plan, so a
//! status recorded against one document lines up with every other; `Plan::scope` says what the
//! part covers and which tasks outside it must be finished first.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::model::{Phase, Plan, PlanScope, ScopeTask, Severity, SitePlan, Task, Totals};
use crate::model::SiteType;

/// The sites `--per-site` writes a checklist for: every primary site this plan upgrades (a
/// secondary's tasks are in its parent's checklist; `--site` can still ask for a secondary).
pub fn checklist_sites(plan: &Plan) -> Vec<String> {
    plan.sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary && !s.already_upgraded)
        .map(|s| s.code.clone())
        .collect()
}

/// The checklist of one site: the tasks whose site is the site or one of its secondaries, or
/// whose server is one of their site servers or database servers (a shared SQL Server's tasks are
/// in the checklist of every site whose database it hosts); for the central site also the
/// hierarchy-wide tasks. `None` when the plan has no such site.
pub fn for_site(plan: &Plan, code: &str) -> Option<Plan> {
    let site = plan.sites.iter().find(|s| s.code == code)?;
    let mut sites: Vec<String> = vec![site.code.clone()];
    if site.site_type == SiteType::Primary {
        sites.extend(
            plan.sites
                .iter()
                .filter(|s| s.parent.as_deref() == Some(code) && s.site_type == SiteType::Secondary)
                .map(|s| s.code.clone()),
        );
    }
    let in_sites: HashSet<&str> = sites.iter().map(String::as_str).collect();
    let servers: HashSet<String> = plan
        .sites
        .iter()
        .filter(|s| in_sites.contains(s.code.as_str()))
        .flat_map(|s| [Some(&s.site_server), s.database_server.as_ref()])
        .flatten()
        .map(|n| n.to_uppercase())
        .collect();
    let central = site.parent.is_none();
    let keep = |t: &Task| {
        t.site.as_deref().is_some_and(|s| in_sites.contains(s))
            || t.server
                .as_ref()
                .is_some_and(|n| servers.contains(&n.to_uppercase()))
            || (central && t.site.is_none())
    };
    let mut path = vec![site.code.clone()];
    let mut up = site.parent.clone();
    while let Some(p) = up {
        up = plan
            .sites
            .iter()
            .find(|s| s.code == p)
            .and_then(|s| s.parent.clone());
        path.insert(0, p);
    }
    let mut view = restrict(plan, &keep, &sites, |f| {
        f.site.as_deref().is_some_and(|s| in_sites.contains(s))
            || f.server
                .as_ref()
                .is_some_and(|n| servers.contains(&n.to_uppercase()))
    });
    view.title = format!("{}: checklist for site {}", plan.title, site.code);
    if let Some(scope) = view.scope.as_mut() {
        scope.kind = "site".into();
        scope.site = Some(site.code.clone());
        scope.wave = site.wave;
        scope.title = site.name.clone();
        scope.path = path;
    }
    Some(view)
}

/// The tasks of one wave, with the sites they concern. `None` when there is no such wave.
pub fn for_wave(plan: &Plan, number: u32) -> Option<Plan> {
    let wave = plan.waves.iter().find(|w| w.number == number)?;
    let keep = |t: &Task| t.wave == number;
    let touched: HashSet<&str> = plan
        .tasks()
        .filter(|t| keep(t))
        .filter_map(|t| t.site.as_deref())
        .collect();
    let sites: Vec<String> = plan
        .sites
        .iter()
        .filter(|s| touched.contains(s.code.as_str()))
        .map(|s| s.code.clone())
        .collect();
    let fixes: HashSet<&str> = plan
        .tasks()
        .filter(|t| keep(t))
        .map(|t| t.id.as_str())
        .collect();
    let mut view = restrict(plan, &keep, &sites, |f| {
        f.remediation_task
            .as_deref()
            .is_some_and(|t| fixes.contains(t))
            || f.site
                .as_deref()
                .is_some_and(|s| wave.sites.contains(&s.to_string()))
    });
    view.title = format!("{}: wave {number}", plan.title);
    if let Some(scope) = view.scope.as_mut() {
        scope.kind = "wave".into();
        scope.wave = Some(number);
        scope.title = wave.title.clone();
    }
    Some(view)
}

/// The summary of a plan split into waves: everything but the tasks, which are in the per-wave
/// `documents` (file names, in wave order).
pub fn summary(plan: &Plan, documents: Vec<String>) -> Plan {
    let mut view = plan.clone();
    view.phases = Vec::new();
    view.scope = Some(PlanScope {
        kind: "summary".into(),
        site: None,
        wave: None,
        title: plan.title.clone(),
        path: Vec::new(),
        sites: plan.sites.iter().map(|s| s.code.clone()).collect(),
        prerequisites: Vec::new(),
        documents,
        plan_tasks: plan.tasks().count(),
        plan_phases: plan.phases.len(),
        phase_numbers: Vec::new(),
        planned_start: plan.schedule.as_ref().map(|s| s.start.clone()),
        planned_end: plan.schedule.as_ref().map(|s| s.end.clone()),
        progress: super::progress::summarize(plan),
    });
    view
}

/// The plan cut down to the tasks `keep` accepts (phases left empty are dropped), the given sites
/// (depths re-based so each site without its parent in the view is a top-level item), the findings
/// `finding` accepts and the SQL Servers of those sites; totals recomputed for the part.
fn restrict(
    plan: &Plan,
    keep: &dyn Fn(&Task) -> bool,
    sites: &[String],
    finding: impl Fn(&super::model::Finding) -> bool,
) -> Plan {
    let mut view = plan.clone();
    let (phase_numbers, phases): (Vec<usize>, Vec<Phase>) = plan
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let phase = Phase {
                id: p.id.clone(),
                title: p.title.clone(),
                tasks: p.tasks.iter().filter(|t| keep(t)).cloned().collect(),
            };
            (i + 1, phase)
        })
        .filter(|(_, p)| !p.tasks.is_empty())
        .unzip();
    view.phases = phases;
    let in_view: HashSet<&str> = view.tasks().map(|t| t.id.as_str()).collect();
    // Outside tasks the part waits for, in plan order, each with the tasks that need it.
    let mut needed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for t in view.tasks() {
        for d in &t.depends_on {
            if !in_view.contains(d.as_str()) {
                needed.entry(d.as_str()).or_default().push(t.id.clone());
            }
        }
    }
    let prerequisites: Vec<ScopeTask> = plan
        .tasks()
        .filter_map(|t| {
            needed.get(t.id.as_str()).map(|by| ScopeTask {
                id: t.id.clone(),
                title: t.title.clone(),
                site: t.site.clone(),
                wave: t.wave,
                needed_by: by.clone(),
                planned_end: t.planned_end.clone(),
            })
        })
        .collect();

    let wanted: BTreeSet<&str> = sites.iter().map(String::as_str).collect();
    let mut depth: BTreeMap<String, usize> = BTreeMap::new();
    view.sites = plan
        .sites
        .iter()
        .filter(|s| wanted.contains(s.code.as_str()))
        .map(|s| {
            let d = s
                .parent
                .as_ref()
                .and_then(|p| depth.get(p))
                .map_or(0, |d| d + 1);
            depth.insert(s.code.clone(), d);
            SitePlan {
                depth: d,
                ..s.clone()
            }
        })
        .collect();
    view.findings = plan
        .findings
        .iter()
        .filter(|f| finding(f))
        .cloned()
        .collect();
    view.sql_servers = plan
        .sql_servers
        .iter()
        .filter(|q| q.sites.iter().any(|s| wanted.contains(s.as_str())))
        .cloned()
        .collect();
    // The servers of the sites shown: members, site servers and database servers.
    let serving: HashSet<String> = view
        .sites
        .iter()
        .flat_map(|s| [Some(&s.site_server), s.database_server.as_ref()])
        .flatten()
        .map(|n| n.to_uppercase())
        .collect();
    view.servers = plan
        .servers
        .iter()
        .filter(|s| {
            s.site.as_deref().is_some_and(|c| wanted.contains(c))
                || serving.contains(&s.name.to_uppercase())
        })
        .cloned()
        .collect();
    let count = |sev| view.findings.iter().filter(|f| f.severity == sev).count();
    view.totals = Totals {
        sites: view.sites.len(),
        primary_sites: view
            .sites
            .iter()
            .filter(|s| s.site_type == SiteType::Primary)
            .count(),
        secondary_sites: view
            .sites
            .iter()
            .filter(|s| s.site_type == SiteType::Secondary)
            .count(),
        sites_to_upgrade: view.sites.iter().filter(|s| !s.already_upgraded).count(),
        clients: view.sites.iter().map(|s| s.clients).sum(),
        legacy_clients: view.sites.iter().map(|s| s.legacy_clients).sum(),
        database_growth_mb: view.sites.iter().map(|s| s.database_growth_mb).sum(),
        tasks: view.tasks().count(),
        blockers: count(Severity::Blocker),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    view.scope = Some(PlanScope {
        kind: String::new(),
        site: None,
        wave: None,
        title: String::new(),
        path: Vec::new(),
        sites: sites.to_vec(),
        prerequisites,
        documents: Vec::new(),
        plan_tasks: plan.tasks().count(),
        plan_phases: plan.phases.len(),
        phase_numbers,
        planned_start: view.tasks().filter_map(|t| t.planned_start.clone()).min(),
        planned_end: view.tasks().filter_map(|t| t.planned_end.clone()).max(),
        progress: None,
    });
    view
}
