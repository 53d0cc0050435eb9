//! Capacity: the supported maximums (clients, secondaries, management and distribution points)
//! and the free disk the upgrade takes from each computer.

use super::{
    site_list, Analysis, RuleCode, MAX_CLIENTS_PER_DP, MAX_CLIENTS_PER_HIERARCHY,
    MAX_CLIENTS_PER_MP, MAX_CLIENTS_PER_PRIMARY, MAX_DPS_PER_SITE, MAX_SECONDARIES_PER_PRIMARY,
};
use crate::model::Role;
use crate::plan::estimates::Estimates;
use crate::plan::{disk, fmt_int, fmt_num, Ctx};

/// The maximums per site and per hierarchy (R2.7).
pub(super) fn check_sites(ctx: &Ctx, a: &mut Analysis) {
    let env = ctx.env;
    for i in ctx.upgraded_sites().collect::<Vec<_>>() {
        let site = ctx.site(i);
        let code = site.code.to_string();

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

/// Free disk per computer (D5.1, D5.5, K17): what the upgrade takes from it, part by part (the
/// site-server install, the growth of each site database it hosts, the headroom), against its
/// free space. One finding per computer, whatever it holds.
pub(super) fn check_disks(ctx: &Ctx, est: &Estimates, a: &mut Analysis) {
    for (k, s) in ctx.servers.iter().enumerate().filter(|(_, s)| s.in_scope) {
        let Some(d) = disk::need(ctx, est, k) else {
            continue;
        };
        let Some(short) = d.shortfall_mb.filter(|s| *s > 0.0) else {
            continue;
        };
        let name = &s.srv.name;
        let home = s.home().map(|i| ctx.site(i).code.to_string());
        let site_of: Vec<usize> = s.upgraded_site_server_of(ctx);
        let db_of: Vec<usize> = s.upgraded_db_of(ctx);
        let (holds, before) = match (site_of.is_empty(), db_of.is_empty()) {
            (false, false) => (
                "holds the site server and the site database: together they need".to_string(),
                "the database test and the upgrade",
            ),
            (false, true) => (
                format!(
                    "is the site server of {} and needs",
                    site_list(ctx, &site_of)
                ),
                "the upgrade",
            ),
            _ => (
                format!(
                    "hosts the site {} of {} and needs",
                    if db_of.len() == 1 {
                        "database"
                    } else {
                        "databases"
                    },
                    site_list(ctx, &db_of)
                ),
                "the database test and the upgrade",
            ),
        };
        a.raise(
            RuleCode::DiskServer,
            format!(
                "{name} {holds} {}, against {} MB free: short by {} MB. Free or add space before {before}.",
                d.sum_text(),
                fmt_num(d.free_mb.unwrap_or(0.0)),
                fmt_num(short)
            ),
        )
        .site(home.clone())
        .server(name.clone())
        .fixed_by(home.map(|h| format!("PREPARE-{h}")));
    }
}
