//! The ordered plan, built as a consultant works it: hierarchy decisions and preparation once;
//! remediations, each after a backup of what it changes; then waves made of whole site runbooks
//! (readiness, backup and go/no-go, upgrade, verification, post-upgrade checks, resync gate), in
//! the order of sites the decisions state; then what comes after the sites (roles, clients,
//! software update points, close-out).
//!
//! IDs are `KIND` (hierarchy), `KIND-SITE` or `KIND-SERVER`, never positional, so they stay stable
//! across regenerations; a checklist item's ID is its task's ID, `/` and what it is about. A
//! dependency is only recorded on a task that already precedes it.

mod after;
mod custom;
pub(crate) mod decisions;
pub(crate) mod order;
mod remediation;
mod runbook;

pub(crate) use custom::{insert_custom_tasks, link_remedies};

use std::collections::BTreeSet;

use super::estimates::Estimates;
use super::findings::Analysis;
use super::model::{Phase, SubItem, Task};
use super::texts::{TaskTexts, Vars};
use super::{Ctx, PlanError};
use crate::model::{SiteType, TaskKind};

/// Phase IDs (titles in tasks.toml). A site runbook's phase is `site-CODE`, titled from `site`.
pub const PHASES: &[&str] = &["decisions", "preparation", "remediation", "site", "after"];

/// What to add: the engine's description of one task before its texts are looked up.
pub(crate) struct Spec {
    pub kind: TaskKind,
    /// ID suffix; empty for hierarchy-wide tasks.
    pub scope: String,
    pub variant: Option<&'static str>,
    pub site: Option<usize>,
    pub server: Option<String>,
    pub vars: Vars,
    pub deps: Vec<String>,
    pub items: Vec<Item>,
}

/// A checklist item before its texts are looked up: `KIND/key` in tasks.toml.
pub(crate) struct Item {
    /// ID suffix after `TASK-ID/`.
    pub suffix: String,
    pub key: &'static str,
    pub server: Option<String>,
    pub vars: Vars,
}

impl Item {
    pub fn new(suffix: impl Into<String>, key: &'static str) -> Item {
        Item {
            suffix: suffix.into(),
            key,
            server: None,
            vars: Vars::new(),
        }
    }
    pub fn server(mut self, name: &str) -> Item {
        self.server = Some(name.to_string());
        self
    }
    pub fn var(mut self, k: &'static str, v: impl Into<String>) -> Item {
        self.vars.insert(k, v.into());
        self
    }
}

impl Spec {
    pub fn new(kind: TaskKind, scope: impl Into<String>) -> Spec {
        Spec {
            kind,
            scope: scope.into(),
            variant: None,
            site: None,
            server: None,
            vars: Vars::new(),
            deps: Vec::new(),
            items: Vec::new(),
        }
    }
    pub fn site(mut self, i: usize) -> Spec {
        self.site = Some(i);
        self
    }
    pub fn server(mut self, name: &str) -> Spec {
        self.server = Some(name.to_string());
        self
    }
    pub fn variant(mut self, v: &'static str) -> Spec {
        self.variant = Some(v);
        self
    }
    pub fn var(mut self, k: &'static str, v: impl Into<String>) -> Spec {
        self.vars.insert(k, v.into());
        self
    }
    pub fn deps<I: IntoIterator<Item = String>>(mut self, d: I) -> Spec {
        self.deps.extend(d);
        self
    }
    pub fn item(mut self, item: Item) -> Spec {
        self.items.push(item);
        self
    }
}

/// The sequence being built: phases in order, each task in the wave given when it is added.
pub(crate) struct Seq<'a, 'c> {
    pub ctx: &'c Ctx<'a>,
    pub est: &'c Estimates,
    pub texts: &'c TaskTexts,
    pub phases: Vec<Phase>,
    ids: BTreeSet<String>,
    /// The wave of the tasks added now.
    pub wave: u32,
}

pub(crate) fn id(kind: TaskKind, scope: &str) -> String {
    if scope.is_empty() {
        kind.as_str().to_string()
    } else {
        format!("{kind}-{scope}")
    }
}

impl Seq<'_, '_> {
    pub fn has(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Starts a phase (`site` phases are titled from a site).
    pub fn phase(
        &mut self,
        id: &str,
        site: Option<usize>,
        with: &[usize],
    ) -> Result<(), PlanError> {
        let title = match site {
            Some(i) => {
                let mut v = Vars::new();
                v.insert("site", self.ctx.site(i).code.to_string());
                v.insert("site_name", self.ctx.site(i).name.clone());
                let mut t = self.texts.phase_title_with("site", &v)?;
                if !with.is_empty() {
                    t.push_str(" with ");
                    t.push_str(&super::findings::site_list(self.ctx, with));
                }
                t
            }
            None => self.texts.phase_title(id)?,
        };
        self.phases.push(Phase {
            id: id.to_string(),
            title,
            tasks: Vec::new(),
        });
        Ok(())
    }

    fn site_vars(&self, vars: &mut Vars, i: usize) {
        let ctx = self.ctx;
        let site = ctx.site(i);
        vars.insert("site", site.code.to_string());
        vars.insert("site_name", site.name.clone());
        vars.insert("site_server", site.site_server.clone());
        vars.insert(
            "site_type",
            match (site.site_type, site.is_central()) {
                (_, true) => "central site",
                (SiteType::Primary, false) => "child primary site",
                (SiteType::Secondary, false) => "secondary site",
            }
            .to_string(),
        );
        if let Some(p) = ctx.parent_of(i) {
            vars.insert("parent", ctx.site(p).code.to_string());
            vars.insert("parent_name", ctx.site(p).name.clone());
        }
    }

    /// Adds a task at the end of the current phase and returns its ID. Dependencies on tasks
    /// that this plan does not contain (conditional ones) are dropped, so every recorded one
    /// points backwards.
    pub fn add(&mut self, spec: Spec) -> Result<String, PlanError> {
        let id = id(spec.kind, &spec.scope);
        assert!(!self.ids.contains(&id), "task ID {id} generated twice");
        let mut vars = spec.vars;
        vars.insert(
            "target",
            super::target_name(self.ctx.env.plan.target).to_string(),
        );
        if let Some(i) = spec.site {
            self.site_vars(&mut vars, i);
        }
        if let Some(s) = &spec.server {
            vars.insert("server", s.clone());
        }
        let text = self.texts.task(spec.kind.as_str(), spec.variant, &vars)?;
        let mut depends_on: Vec<String> = Vec::new();
        for d in spec.deps {
            if self.ids.contains(&d) && !depends_on.contains(&d) && d != id {
                depends_on.push(d);
            }
        }
        let mut items = Vec::with_capacity(spec.items.len());
        for it in spec.items {
            let mut v = vars.clone();
            v.extend(it.vars);
            if let Some(s) = &it.server {
                v.insert("server", s.clone());
            }
            let key = format!("{}/{}", spec.kind, it.key);
            let (text, expected_result) = self.texts.item(&key, &v)?;
            items.push(SubItem {
                id: format!("{id}/{}", it.suffix),
                server: it.server,
                text,
                expected_result,
                progress: None,
            });
        }
        self.ids.insert(id.clone());
        let phase = self.phases.last_mut().expect("a phase is started first");
        phase.tasks.push(Task {
            id: id.clone(),
            kind: spec.kind.as_str().to_string(),
            site: spec.site.map(|i| self.ctx.site(i).code.to_string()),
            server: spec.server,
            title: text.title,
            expected_result: text.expected_result,
            details: text.details,
            reference: text.reference,
            depends_on,
            remedies: Vec::new(),
            progress: None,
            wave: self.wave,
            planned_start: None,
            planned_end: None,
            critical: false,
            items,
            backout: text.backout,
        });
        Ok(id)
    }
}

/// Builds the ordered phases (custom tasks not yet inserted, remedies not yet linked).
pub(crate) fn sequence(
    ctx: &Ctx,
    est: &Estimates,
    analysis: &Analysis,
    texts: &TaskTexts,
) -> Result<Vec<Phase>, PlanError> {
    let units = order::units(ctx);
    let mut seq = Seq {
        ctx,
        est,
        texts,
        phases: Vec::new(),
        ids: BTreeSet::new(),
        wave: 1,
    };
    let remedies = remediation::Slots::new(ctx, analysis, &units);
    decisions::add(&mut seq, &units, &remedies)?;
    let mut gate = remediation::add_slot(&mut seq, &remedies, None)?;
    for (u, unit) in units.iter().enumerate() {
        seq.wave = unit.wave;
        gate = runbook::add(&mut seq, &remedies, &units, u, gate)?;
    }
    if !units.is_empty() {
        seq.wave = units.last().map_or(1, |u| u.wave) + 1;
        after::add(&mut seq, &units, gate)?;
    }
    seq.phases.retain(|p| !p.tasks.is_empty());
    Ok(seq.phases)
}

/// The role-specific prerequisite software of a server, for its readiness item.
pub(crate) fn software(ctx: &Ctx, s: &super::ServerInfo) -> Vec<&'static str> {
    use crate::model::Role;
    let mut parts: Vec<&str> = Vec::new();
    if s.site_server_of.iter().any(|&i| ctx.site(i).is_primary()) {
        parts.push("MMC 3.0 and .NET Framework 2.0 (SMS Provider and console)");
    }
    if s.srv.has_role(Role::ManagementPoint) {
        parts.push("IIS with WebDAV (management point)");
    }
    if s.srv.has_role(Role::BitsDistributionPoint) {
        parts.push(
            "IIS with WebDAV and the BITS server extension (BITS-enabled distribution point)",
        );
    }
    if s.srv.has_role(Role::ReportingPoint) {
        parts.push("IIS (reporting point)");
    }
    parts
}

#[cfg(test)]
pub(crate) fn common_vars_for_test() -> Vars {
    let mut v = Vars::new();
    for (k, val) in [
        ("target", "Configuration Manager 2007 SP1"),
        ("site", "NYC"),
        ("site_name", "New York"),
        ("site_server", "NYC-SMS01"),
        ("site_type", "child primary site"),
        ("parent", "CEN"),
        ("parent_name", "Contoso Central"),
        ("server", "NYC-SMS01"),
        ("growth_mb", "16,940"),
        ("version_build", "4.00.6221"),
        ("point_of_no_return", "x"),
    ] {
        v.insert(k, val.to_string());
    }
    v
}
