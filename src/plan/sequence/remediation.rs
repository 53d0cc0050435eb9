//! Remediations: changes that fix readiness findings. Each goes in the window of the first site
//! whose upgrade it gates (before the central site's runbook, in a section of its own, when that
//! is the central site), after a backup of what it changes, and states its back-out. The edges the
//! findings alone do not give are added here: the computer-account rights on a remote SQL Server
//! before the switch to advanced security, the SMS service pack before the SQL Server upgrade of
//! a server that hosts the site's database, replication off before the SQL Server upgrade.

use std::collections::BTreeMap;

use super::order::{unit_index, Unit};
use super::{id, Item, Seq, Spec};
use crate::model::TaskKind as K;
use crate::plan::findings::{site_list, Analysis, Remedy};
use crate::plan::{Ctx, PlanError};

/// One remediation task to place: the remedy the findings raised, one record for both.
pub(crate) type Rem = Remedy;

/// Where each remediation goes, and what waits for it.
pub(crate) struct Slots {
    /// Hierarchy-wide (media): among the decisions.
    pub hierarchy: Vec<Rem>,
    /// Slot 0: before the first site's runbook; slot u + 1: at the start of unit u's runbook
    /// (or right before the secondary it concerns). Each: home site → its remediations.
    by_slot: BTreeMap<usize, BTreeMap<usize, Vec<Rem>>>,
    /// Per site index: remediation IDs its upgrade waits for.
    pub blocking_upgrade: Vec<Vec<String>>,
    /// Per site index: remediation IDs its database test waits for.
    pub blocking_db_test: Vec<Vec<String>>,
}

impl Slots {
    pub fn new(ctx: &Ctx, analysis: &Analysis, units: &[Unit]) -> Slots {
        let n = ctx.env.sites.len();
        let mut hierarchy = Vec::new();
        let mut rems: Vec<Rem> = Vec::new();
        for r in &analysis.remedies {
            if r.is_hierarchy_wide() {
                hierarchy.push(r.clone());
            } else {
                rems.push(r.clone());
            }
        }
        // Advanced security needs the site server's computer account to have its rights on a
        // remote SQL Server first.
        let mut rights: Vec<Rem> = Vec::new();
        for r in rems.iter().filter(|r| r.kind == K::Secmode) {
            let Some(i) = r.site else { continue };
            let site = ctx.site(i);
            let Some(db) = site.database_server.as_deref() else {
                continue;
            };
            if db.eq_ignore_ascii_case(&site.site_server) {
                continue;
            }
            let scope = db.to_uppercase();
            match rights.iter_mut().find(|x| x.scope == scope) {
                Some(x) => {
                    let accounts = x.vars.get("site_servers").cloned().unwrap_or_default();
                    x.vars
                        .insert("site_servers", format!("{accounts}, {}", site.site_server));
                    x.blocks_upgrade.extend(&r.blocks_upgrade);
                }
                None => {
                    let mut x = Remedy::on_site(ctx, K::SqlRights, i)
                        .var("site_servers", site.site_server.clone());
                    x.scope = scope;
                    x.server = Some(db.to_string());
                    x.blocks_upgrade = r.blocks_upgrade.clone();
                    x.home = r.home;
                    rights.push(x);
                }
            }
        }
        rems.extend(rights);
        // The SQL Server upgrade stops the SMS services of every site whose database it hosts.
        for r in rems.iter_mut().filter(|r| r.kind == K::SqlUpg) {
            let hosted: Vec<usize> = r.blocks_db_test.clone();
            let servers: Vec<String> = hosted
                .iter()
                .map(|&i| ctx.site(i).site_server.clone())
                .collect();
            r.vars.insert("site_servers", servers.join(" and "));
            r.vars.insert("sites", site_list(ctx, &hosted));
        }

        let unit_of = unit_index(units, n);
        let slot_of = |r: &Rem| -> usize {
            let first = r
                .blocks_upgrade
                .iter()
                .filter_map(|&i| unit_of[i])
                .min()
                .or(unit_of[r.home]);
            match first {
                None | Some(0) => 0,
                Some(u) => u + 1,
            }
        };
        let mut home_slot: BTreeMap<usize, usize> = BTreeMap::new();
        for r in &rems {
            let s = slot_of(r);
            let e = home_slot.entry(r.home).or_insert(s);
            *e = (*e).min(s);
        }
        // The SMS service pack of a site comes before the SQL Server upgrade under it.
        for r in rems.iter().filter(|r| r.kind == K::SqlUpg) {
            let s = home_slot[&r.home];
            for &i in &r.blocks_db_test {
                if rems.iter().any(|x| x.kind == K::SmsSp && x.site == Some(i)) {
                    let hs = rems
                        .iter()
                        .find(|x| x.kind == K::SmsSp && x.site == Some(i))
                        .map(|x| x.home)
                        .unwrap_or(i);
                    let e = home_slot.entry(hs).or_insert(s);
                    *e = (*e).min(s);
                }
            }
        }
        let mut by_slot: BTreeMap<usize, BTreeMap<usize, Vec<Rem>>> = BTreeMap::new();
        let mut blocking_upgrade = vec![Vec::new(); n];
        let mut blocking_db_test = vec![Vec::new(); n];
        for r in &hierarchy {
            for &i in &r.blocks_upgrade {
                blocking_upgrade[i].push(r.id());
            }
            for &i in &r.blocks_db_test {
                blocking_db_test[i].push(r.id());
            }
        }
        for r in rems {
            for &i in &r.blocks_upgrade {
                blocking_upgrade[i].push(r.id());
            }
            for &i in &r.blocks_db_test {
                blocking_db_test[i].push(r.id());
            }
            by_slot
                .entry(home_slot[&r.home])
                .or_default()
                .entry(r.home)
                .or_default()
                .push(r);
        }
        for homes in by_slot.values_mut() {
            for v in homes.values_mut() {
                v.sort_by_key(|r| (r.kind, r.scope.clone()));
            }
        }
        Slots {
            hierarchy,
            by_slot,
            blocking_upgrade,
            blocking_db_test,
        }
    }

    /// Whether a remediation homed at `home` in `slot` must precede the upgrade of `site`.
    pub fn gates(&self, slot: usize, home: usize, site: usize) -> bool {
        self.by_slot
            .get(&slot)
            .and_then(|h| h.get(&home))
            .is_some_and(|rems| rems.iter().any(|r| r.blocks_upgrade.contains(&site)))
    }

    /// The home sites with remediations in `slot`.
    pub fn homes(&self, slot: usize) -> Vec<usize> {
        self.by_slot
            .get(&slot)
            .map(|h| h.keys().copied().collect())
            .unwrap_or_default()
    }
}

/// Adds the remediations gating the first site, in a section of their own before it.
pub(super) fn add_slot(
    seq: &mut Seq,
    slots: &Slots,
    _unit: Option<usize>,
) -> Result<Option<String>, PlanError> {
    if slots.homes(0).is_empty() {
        return Ok(None);
    }
    seq.phase("remediation", None, &[])?;
    let homes = slots.homes(0);
    add_homes(seq, slots, 0, &homes, &[])?;
    Ok(None)
}

/// Adds, for each home site, a backup of what its remediations change, then the remediations
/// (every backup of the slot first, then the changes in kind order, so that the order of kinds
/// gives the edges between homes too). Returns the IDs added.
pub(super) fn add_homes(
    seq: &mut Seq,
    slots: &Slots,
    slot: usize,
    homes: &[usize],
    after: &[String],
) -> Result<Vec<String>, PlanError> {
    let ctx = seq.ctx;
    let Some(groups) = slots.by_slot.get(&slot) else {
        return Ok(Vec::new());
    };
    let mut added = Vec::new();
    let mut all: Vec<&Rem> = Vec::new();
    for &h in homes {
        let Some(rems) = groups.get(&h) else { continue };
        let mut spec = Spec::new(K::RemBackup, ctx.site(h).code.to_string()).site(h);
        let mut seen: Vec<String> = Vec::new();
        let mut push = |spec: Spec, item: Item| -> Spec {
            if seen.contains(&item.suffix) {
                spec
            } else {
                seen.push(item.suffix.clone());
                spec.item(item)
            }
        };
        for r in rems {
            match r.kind {
                K::SqlUpg | K::SqlreplOff | K::SqlRights => {
                    let server = r.server.clone().unwrap_or_default();
                    for &i in &r.blocks_db_test {
                        spec = push(
                            spec,
                            Item::new(format!("SMS_{}", ctx.site(i).code), "database")
                                .server(&server)
                                .var("db_site", ctx.site(i).code.to_string()),
                        );
                    }
                    spec = push(
                        spec,
                        Item::new(server.to_uppercase(), "server").server(&server),
                    );
                }
                K::OsUpg | K::Webdav => {
                    let server = r.server.clone().unwrap_or_default();
                    spec = push(
                        spec,
                        Item::new(server.to_uppercase(), "server").server(&server),
                    );
                }
                _ => {
                    let i = r.site.unwrap_or(h);
                    let site = ctx.site(i);
                    let key = if site.is_primary() {
                        "site"
                    } else {
                        "secondary"
                    };
                    spec = push(
                        spec,
                        Item::new(site.code.to_string(), key)
                            .server(&site.site_server)
                            .var("db_site", site.code.to_string()),
                    );
                }
            }
        }
        // In a site's window: after the previous site's gate.
        added.push(seq.add(spec.deps([id(K::Strategy, "")]).deps(after.to_vec()))?);
        all.extend(rems);
    }
    all.sort_by_key(|r| (r.kind, r.home, r.scope.clone()));
    for r in all {
        let mut deps = vec![id(K::RemBackup, &ctx.site(r.home).code.to_string())];
        match r.kind {
            K::SqlUpg => {
                deps.push(id(K::SqlreplOff, &r.scope));
                for &i in &r.blocks_db_test {
                    deps.push(id(K::SmsSp, ctx.site(i).code.as_str()));
                }
            }
            K::Secmode => {
                if let Some(i) = r.site {
                    deps.push(id(K::SmsSp, ctx.site(i).code.as_str()));
                    if let Some(db) = ctx.site(i).database_server.as_deref() {
                        deps.push(id(K::SqlRights, &db.to_uppercase()));
                    }
                }
            }
            _ => {}
        }
        let mut spec = Spec::new(r.kind, r.scope.clone()).deps(deps);
        spec.site = r.site;
        spec.server = r.server.clone();
        spec.variant = r.variant;
        spec.vars = r.vars.clone();
        added.push(seq.add(spec)?);
    }
    Ok(added)
}
