//! Company-specific tasks (`[[custom_task]]`), inserted after the tasks of their `after` kind (or before
//! those of their `before` kind),
//! and the links from tasks to the findings they remedy.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{CustomTaskScope, TaskKind, CUSTOM_KIND};
use crate::plan::model::{Finding, Phase, Task};
use crate::plan::{Ctx, PlanError};

/// Inserts `[[custom_task]]`s right after the last task of their `after` kind (or right before
/// the first task of their `before` kind, which then waits for them); a custom task whose kind
/// has no task in this plan is reported as an info finding rather than silently dropped.
///
/// Linear in the plan: the anchors are indexed once, the insertions collected, and each phase
/// rebuilt once (2,000 sites with 40 per-site custom tasks took 46 s with one search and one
/// `Vec::insert` per placement).
pub(crate) fn insert_custom_tasks(
    ctx: &Ctx,
    mut phases: Vec<Phase>,
) -> Result<(Vec<Phase>, Vec<Finding>), PlanError> {
    use std::collections::HashMap;
    // (kind, site) → (first, last) position, and kind → (first, last) over every site.
    type Span = ((usize, usize), (usize, usize));
    let mut by_site: HashMap<(&str, Option<&str>), Span> = HashMap::new();
    let mut by_kind: HashMap<&str, Span> = HashMap::new();
    for (p, phase) in phases.iter().enumerate() {
        for (t, task) in phase.tasks.iter().enumerate() {
            let at = (p, t);
            by_site
                .entry((task.kind.as_str(), task.site.as_deref()))
                .or_insert((at, at))
                .1 = at;
            by_kind.entry(task.kind.as_str()).or_insert((at, at)).1 = at;
        }
    }
    // Insertions per phase: (slot, after-before rank, order, task); anchors gaining a dependency.
    let mut inserts: Vec<Vec<(usize, u8, usize, Task)>> = vec![Vec::new(); phases.len()];
    let mut waits_for: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    let mut order = 0;
    for custom in &ctx.env.custom_tasks {
        let key = custom.id.to_uppercase();
        if !seen.insert(key.clone()) {
            return Err(PlanError::CustomTask(format!(
                "custom task `{}` is defined twice: give each [[custom_task]] its own id",
                custom.id
            )));
        }
        let (placed_before, kind) = match (&custom.after, &custom.before) {
            (Some(after), _) => (false, after.trim().to_uppercase()),
            (None, Some(before)) => (true, before.trim().to_uppercase()),
            (None, None) => {
                return Err(PlanError::CustomTask(format!(
                    "custom task `{}` has neither `after` nor `before`",
                    custom.id
                )))
            }
        };
        // A kind of an earlier release resolves to the kind that now does its work.
        let Some(kind) = TaskKind::from_name(&kind).map(|k| k.as_str().to_string()) else {
            let valid: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(PlanError::CustomTask(format!(
                "custom task `{}`: `{kind}` is not a task kind; valid kinds: {}",
                custom.id,
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
        let pick = |span: &Span| if placed_before { span.0 } else { span.1 };
        let mut placed = 0;
        for (suffix, site) in wanted {
            let code = site.map(|i| ctx.site(i).code.to_string());
            // The site's own task of the kind, else a hierarchy-wide one.
            let anchor = match &code {
                None => by_kind.get(kind.as_str()).map(pick),
                Some(c) => by_site
                    .get(&(kind.as_str(), Some(c.as_str())))
                    .map(pick)
                    .or_else(|| {
                        by_kind
                            .get(kind.as_str())
                            .map(pick)
                            .filter(|&(p, t)| phases[p].tasks[t].site.is_none())
                    }),
            };
            let Some((p, t)) = anchor else { continue };
            let anchor_task = &phases[p].tasks[t];
            let anchor_wave = anchor_task.wave;
            let task_id = if suffix.is_empty() {
                format!("CUSTOM-{key}")
            } else {
                format!("CUSTOM-{key}-{suffix}")
            };
            // After: it waits for its anchor. Before: it waits for what the anchor waited for,
            // and the anchor waits for it.
            let depends_on = if placed_before {
                waits_for.entry((p, t)).or_default().push(task_id.clone());
                anchor_task.depends_on.clone()
            } else {
                vec![anchor_task.id.clone()]
            };
            let (slot, rank) = if placed_before { (t, 1) } else { (t + 1, 0) };
            inserts[p].push((
                slot,
                rank,
                order,
                Task {
                    id: task_id,
                    kind: CUSTOM_KIND.to_string(),
                    site: code,
                    server: None,
                    title: custom.title.clone(),
                    expected_result: custom.expected_result.clone(),
                    details: custom.details.clone().unwrap_or_default(),
                    reference: "Company-specific task".to_string(),
                    depends_on,
                    remedies: Vec::new(),
                    progress: None,
                    wave: anchor_wave,
                    planned_start: None,
                    planned_end: None,
                    critical: false,
                    items: Vec::new(),
                    backout: None,
                },
            ));
            order += 1;
            placed += 1;
        }
        if placed == 0 {
            let relation = if placed_before { "precedes" } else { "follows" };
            notes.push(crate::plan::findings::finding(
                crate::plan::findings::RuleCode::Custom,
                format!(
                    "Custom task `{}` (\"{}\") is not in the plan: it {relation} {kind} tasks, and this plan has none for its scope ({}).",
                    custom.id, custom.title, custom.scope
                ),
            ));
        }
    }
    for ((p, t), ids) in waits_for {
        phases[p].tasks[t].depends_on.extend(ids);
    }
    for (phase, mut list) in phases.iter_mut().zip(inserts) {
        if list.is_empty() {
            continue;
        }
        // Several at one place: those after the task before it first, in definition order.
        list.sort_by_key(|(slot, rank, order, _)| (*slot, *rank, *order));
        let old = std::mem::take(&mut phase.tasks);
        let mut list = list.into_iter().peekable();
        for (t, task) in old.into_iter().enumerate() {
            while let Some((_, _, _, custom)) = list.next_if(|(slot, ..)| *slot == t) {
                phase.tasks.push(custom);
            }
            phase.tasks.push(task);
        }
        phase.tasks.extend(list.map(|(_, _, _, custom)| custom));
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
