//! Capacity: the supported maximums (clients, secondaries, management and distribution points)
//! and the free disk the upgrade takes from each computer.

use std::collections::BTreeMap;

use super::{
    site_list, site_server_min_free_gb, uses_osd, Analysis, RuleCode, MAX_CLIENTS_PER_DP,
    MAX_CLIENTS_PER_HIERARCHY, MAX_CLIENTS_PER_MP, MAX_CLIENTS_PER_PRIMARY, MAX_DPS_PER_SITE,
    MAX_SECONDARIES_PER_PRIMARY,
};
use crate::model::Role;
use crate::plan::estimates::Estimates;
use crate::plan::model::SqlServerPlan;
use crate::plan::{disk, fmt_int, fmt_num, Ctx};

/// The maximums per site and per hierarchy (R2.7), and each site server's own free disk.
pub(super) fn check_sites(ctx: &Ctx, a: &mut Analysis) {
    let env = ctx.env;
    for i in ctx.upgraded_sites().collect::<Vec<_>>() {
        let site = ctx.site(i);
        let code = site.code.to_string();

        // Site server free disk (D5.5).
        if let Some(srv) = env.server(&site.site_server) {
            let min = site_server_min_free_gb(site);
            if let Some(gb) = srv.free_disk_gb.filter(|gb| *gb < min) {
                let with = if uses_osd(site) {
                    " (operating system deployment is in use)"
                } else {
                    ""
                };
                a.raise(
                    RuleCode::DiskSite,
                    format!("Site server {} has {} GB free, below the {} GB minimum{with}: free space before the upgrade.", srv.name, fmt_num(gb), fmt_num(min)),
                )
                .site(code.clone())
                .server(srv.name.clone())
                .fixed_by(format!("PREPARE-{code}"));
            }
        }

        if site.is_primary() {
            let secondaries: Vec<usize> = site
                .children
                .iter()
                .filter_map(|c| ctx.index_of(c.as_str()))
                .filter(|&c| !ctx.site(c).is_primary())
                .collect();
            let assigned: u64 = site.clients
                + site.legacy_clients
                + secondaries
                    .iter()
                    .map(|&c| ctx.site(c).clients + ctx.site(c).legacy_clients)
                    .sum::<u64>();
            if assigned > MAX_CLIENTS_PER_PRIMARY {
                a.raise(
                    RuleCode::Capacity,
                    format!("{code} has {} clients assigned (with its secondaries), above the {} supported per primary site: split it before or during the upgrade.", fmt_int(assigned), fmt_int(MAX_CLIENTS_PER_PRIMARY)),
                )
                .site(code.clone());
            }
            if secondaries.len() > MAX_SECONDARIES_PER_PRIMARY {
                a.raise(
                    RuleCode::Capacity,
                    format!(
                        "{code} has {} secondary sites, above the {} supported per primary site.",
                        secondaries.len(),
                        MAX_SECONDARIES_PER_PRIMARY
                    ),
                )
                .site(code.clone());
            }
            let mps = ctx
                .site_servers(i)
                .iter()
                .filter_map(|n| env.server(n))
                .filter(|s| {
                    s.site.as_ref() == Some(&site.code) && s.has_role(Role::ManagementPoint)
                })
                .count() as u64;
            if mps > 0 && assigned / mps > MAX_CLIENTS_PER_MP {
                a.raise(
                    RuleCode::Capacity,
                    format!("{code} has {} clients for {mps} management point(s), above {} per management point: use a network load balanced management point.", fmt_int(assigned), fmt_int(MAX_CLIENTS_PER_MP)),
                )
                .site(code.clone());
            }
        }
        let dps = ctx
            .site_servers(i)
            .into_iter()
            .filter_map(|n| env.server(n))
            .filter(|s| s.site.as_ref() == Some(&site.code))
            .filter(|s| {
                s.has_role(Role::DistributionPoint) || s.has_role(Role::BitsDistributionPoint)
            })
            .count();
        let own = site.clients + site.legacy_clients;
        if dps > MAX_DPS_PER_SITE {
            a.raise(
                RuleCode::Capacity,
                format!("{code} has {dps} distribution points, above the {MAX_DPS_PER_SITE} supported per site."),
            )
            .site(code.clone());
        }
        if dps > 0 && own > MAX_CLIENTS_PER_DP * dps as u64 {
            a.raise(
                RuleCode::Capacity,
                format!("{code} has {} clients for {dps} distribution point(s); each serves up to {}: add distribution points (or branch distribution points) for the Configuration Manager 2007 client rollout.", fmt_int(own), fmt_int(MAX_CLIENTS_PER_DP)),
            )
            .site(code.clone());
        }
    }

    let total_clients: u64 = env.sites.iter().map(|s| s.clients + s.legacy_clients).sum();
    if ctx.upgraded_sites().next().is_some() && total_clients > MAX_CLIENTS_PER_HIERARCHY {
        a.raise(
            RuleCode::Capacity,
            format!(
                "The hierarchy has {} clients, above the {} supported per hierarchy.",
                fmt_int(total_clients),
                fmt_int(MAX_CLIENTS_PER_HIERARCHY)
            ),
        );
    }
}

/// Free disk per computer: what the upgrade takes from it, part by part (D5.1, K17).
pub(super) fn check_disks(ctx: &Ctx, est: &Estimates, a: &mut Analysis) {
    let sql_plans: BTreeMap<&str, &SqlServerPlan> = est
        .sql_servers
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    for (k, s) in ctx.servers.iter().enumerate().filter(|(_, s)| s.in_scope) {
        if !s.db_of.iter().any(|&i| ctx.upgrade[i]) {
            continue;
        }
        let name = s.srv.name.clone();
        let home = s.home().map(|i| ctx.site(i).code.to_string());
        let is_site_server = !s.site_server_of.is_empty();
        // Site server and databases on one computer: their needs add up.
        if let Some(d) = disk::need(ctx, est, k) {
            let both = d.parts.len() > 1 && is_site_server;
            if let Some(short) = d.shortfall_mb.filter(|s| *s > 0.0 && both) {
                a.raise(
                    RuleCode::DiskServer,
                    format!("{name} holds the site server and the site database: together they need {}, against {} MB free: short by {} MB. Free or add space before the database test and the upgrade.", d.sum_text(), fmt_num(d.free_mb.unwrap_or(0.0)), fmt_num(short)),
                )
                .site(home.clone())
                .server(name.clone())
                .fixed_by(home.as_ref().map(|h| format!("PREPARE-{h}")));
            }
        }
        // Database growth against free space (D5.1, D5.2).
        if let Some(plan) = sql_plans.get(name.as_str()) {
            if let Some(short) = plan.shortfall_mb.filter(|s| *s > 0.0) {
                let sites: Vec<usize> = plan.sites.iter().filter_map(|c| ctx.index_of(c)).collect();
                a.raise(
                    RuleCode::DiskDatabase,
                    format!("{name} is short by {} MB for the database growth of {codes}: {}. Free or add space before the database test and the upgrade.", fmt_num(short), plan.formula, codes = site_list(ctx, &sites)),
                )
                .site(home.clone())
                .server(name.clone())
                .fixed_by(home.as_ref().map(|h| format!("PREPARE-{h}")));
            }
        }
    }
}
