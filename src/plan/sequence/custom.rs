//! Company-specific tasks (`[[custom_task]]`), inserted after the tasks of their `after` kind,
//! and the links from tasks to the findings they remedy.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{CustomTaskScope, TaskKind, CUSTOM_KIND};
use crate::plan::model::{Finding, Phase, Task};
use crate::plan::{Ctx, PlanError};

/// Inserts `[[custom_task]]`s after the tasks of their `after` kind; a custom task whose kind
/// has no task in this plan is reported as an info finding rather than silently dropped.
pub(crate) fn insert_custom_tasks(
    ctx: &Ctx,
    mut phases: Vec<Phase>,
) -> Result<(Vec<Phase>, Vec<Finding>), PlanError> {
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    for custom in &ctx.env.custom_tasks {
        let key = custom.id.to_uppercase();
        if !seen.insert(key.clone()) {
            return Err(PlanError::CustomTask(format!(
                "custom task `{}` is defined twice: give each [[custom_task]] its own id",
                custom.id
            )));
        }
        // A kind of an earlier release resolves to the kind that now does its work.
        let Some(after) = TaskKind::from_name(&custom.after).map(|k| k.as_str()) else {
            let valid: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(PlanError::CustomTask(format!(
                "custom task `{}`: `after = \"{}\"` is not a task kind; valid kinds: {}",
                custom.id,
                custom.after,
                valid.join(", ")
            )));
        };
        // (scope suffix, site) pairs to place.
        let wanted: Vec<(String, Option<usize>)> = match custom.scope {
            CustomTaskScope::Hierarchy => vec![(String::new(), None)],
            scope => (0..ctx.env.sites.len())
                .filter(|&i| match scope {
                    CustomTaskScope::EachPrimary => ctx.site(i).is_primary(),
                    CustomTaskScope::EachSecondary => !ctx.site(i).is_primary(),
                    _ => true,
                })
                .map(|i| (ctx.site(i).code.to_string(), Some(i)))
                .collect(),
        };
        let mut placed = 0;
        for (suffix, site) in wanted {
            let code = site.map(|i| ctx.site(i).code.to_string());
            // The last task of the kind for that site, else a hierarchy-wide one.
            let find = |phases: &[Phase], want: &Option<String>| -> Option<(usize, usize)> {
                let mut hit = None;
                for (p, phase) in phases.iter().enumerate() {
                    for (t, task) in phase.tasks.iter().enumerate() {
                        if task.kind == after && (want.is_none() || &task.site == want) {
                            hit = Some((p, t));
                        }
                    }
                }
                hit
            };
            let anchor = find(&phases, &code).or_else(|| {
                code.as_ref().and_then(|_| {
                    find(&phases, &None).filter(|&(p, t)| phases[p].tasks[t].site.is_none())
                })
            });
            let Some((p, t)) = anchor else { continue };
            let anchor_id = phases[p].tasks[t].id.clone();
            let anchor_wave = phases[p].tasks[t].wave;
            let task_id = if suffix.is_empty() {
                format!("CUSTOM-{key}")
            } else {
                format!("CUSTOM-{key}-{suffix}")
            };
            let mut at = t + 1;
            while at < phases[p].tasks.len()
                && phases[p].tasks[at].kind == CUSTOM_KIND
                && phases[p].tasks[at].depends_on.first() == Some(&anchor_id)
            {
                at += 1;
            }
            phases[p].tasks.insert(
                at,
                Task {
                    id: task_id,
                    kind: CUSTOM_KIND.to_string(),
                    site: code,
                    server: None,
                    title: custom.title.clone(),
                    expected_result: custom.expected_result.clone(),
                    details: custom.details.clone().unwrap_or_default(),
                    reference: "Company-specific task".to_string(),
                    depends_on: vec![anchor_id],
                    remedies: Vec::new(),
                    progress: None,
                    wave: anchor_wave,
                    planned_start: None,
                    planned_end: None,
                    critical: false,
                    items: Vec::new(),
                    backout: None,
                },
            );
            placed += 1;
        }
        if placed == 0 {
            let r = crate::plan::findings::rule("CHK-CUSTOM").expect("CHK-CUSTOM is in RULES");
            notes.push(Finding {
                code: r.code.to_string(),
                severity: r.severity,
                site: None,
                server: None,
                message: format!(
                    "Custom task `{}` (\"{}\") is not in the plan: it follows {after} tasks, and this plan has none for its scope ({}).",
                    custom.id, custom.title, custom.scope
                ),
                source: crate::plan::sources::source(r.source).expect("S1 is in §0"),
                rule: r.rule.to_string(),
                remediation_task: None,
            });
        }
    }
    // A custom ID may spell another one's per-site ID (`A-NYC` vs `A` for NYC): refuse that.
    let mut ids = BTreeSet::new();
    for t in phases.iter().flat_map(|p| p.tasks.iter()) {
        if !ids.insert(t.id.as_str()) {
            return Err(PlanError::CustomTask(format!(
                "two company-specific tasks get the ID {}: rename one of their ids",
                t.id
            )));
        }
    }
    Ok((phases, notes))
}

/// Fills `Task::remedies` from the findings and drops remediation IDs the plan does not contain.
pub(crate) fn link_remedies(mut phases: Vec<Phase>, findings: &mut [Finding]) -> Vec<Phase> {
    let ids: BTreeSet<String> = phases
        .iter()
        .flat_map(|p| p.tasks.iter().map(|t| t.id.clone()))
        .collect();
    let mut by_task: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in findings.iter_mut() {
        if let Some(t) = &f.remediation_task {
            if ids.contains(t) {
                by_task.entry(t.clone()).or_default().insert(f.code.clone());
            } else {
                f.remediation_task = None;
            }
        }
    }
    for task in phases.iter_mut().flat_map(|p| p.tasks.iter_mut()) {
        if let Some(codes) = by_task.remove(&task.id) {
            task.remedies = codes.into_iter().collect();
        }
    }
    phases
}
