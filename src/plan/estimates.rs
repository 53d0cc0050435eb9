//! Disk estimates (upgrade-rules.md §5): database growth per primary site from the clients of its
//! whole subtree (D5.1, D5.2), none for secondaries (D5.3), summed per SQL Server against its
//! free space (1 GB = 1024 MB). Every number carries its formula in words.

use super::model::SqlServerPlan;
use super::{fmt_int, fmt_num, Ctx};

/// At most this many sites are named in a formula; the rest are summed as "N more sites".
const FORMULA_TERMS: usize = 12;

/// MB per GB, as the contract defines it.
pub const MB_PER_GB: f64 = 1024.0;

#[derive(Debug, Clone)]
pub struct SiteEstimate {
    /// Advanced and legacy clients of the site and every site below it.
    pub subtree_clients: u64,
    pub growth_mb: f64,
    pub formula: String,
}

#[derive(Debug, Clone)]
pub struct Estimates {
    /// Indexed like `Environment::sites`.
    pub sites: Vec<SiteEstimate>,
    /// Sorted by server name.
    pub sql_servers: Vec<SqlServerPlan>,
}

pub(crate) fn estimate(ctx: &Ctx) -> Estimates {
    let env = ctx.env;
    let per_client = env.estimates.database_mb_per_client;
    let n = env.sites.len();
    // Sites are in pre-order, so summing children into parents from the back gives subtree totals.
    let own: Vec<u64> = env
        .sites
        .iter()
        .map(|s| s.clients + s.legacy_clients)
        .collect();
    let mut subtree = own.clone();
    for i in (0..n).rev() {
        if let Some(p) = ctx.parent_of(i) {
            subtree[p] += subtree[i];
        }
    }
    let sites = (0..n)
        .map(|i| {
            let site = ctx.site(i);
            let (growth_mb, formula) = if !site.is_primary() {
                (0.0, "Secondary site: no site database (0 MB)".to_string())
            } else if !ctx.upgrade[i] {
                (
                    0.0,
                    format!(
                        "{} is already on Configuration Manager 2007: no database upgrade (0 MB)",
                        site.code
                    ),
                )
            } else {
                let growth = per_client * subtree[i] as f64;
                (
                    growth,
                    primary_formula(ctx, i, per_client, subtree[i], growth),
                )
            };
            SiteEstimate {
                subtree_clients: subtree[i],
                growth_mb,
                formula,
            }
        })
        .collect::<Vec<_>>();

    let mut sql_servers: Vec<SqlServerPlan> = ctx
        .servers
        .iter()
        .filter(|s| !s.db_of.is_empty())
        .map(|s| {
            let growth: f64 = s.db_of.iter().map(|&i| sites[i].growth_mb).sum();
            let free = s.srv.free_disk_gb.map(|gb| gb * MB_PER_GB);
            let shortfall = free.map(|f| if growth > f { growth - f } else { 0.0 });
            let terms: Vec<String> = s
                .db_of
                .iter()
                .map(|&i| format!("{} {} MB", ctx.site(i).code, fmt_num(sites[i].growth_mb)))
                .collect();
            let mut formula = if terms.len() == 1 {
                format!("{} needed", terms[0])
            } else {
                format!("{} = {} MB needed", terms.join(" + "), fmt_num(growth))
            };
            match (s.srv.free_disk_gb, free, shortfall) {
                (Some(gb), Some(f), Some(short)) => {
                    formula.push_str(&format!("; free {} GB = {} MB", fmt_num(gb), fmt_num(f)));
                    if short > 0.0 {
                        formula.push_str(&format!("; short by {} MB", fmt_num(short)));
                    } else {
                        formula.push_str(&format!("; {} MB to spare", fmt_num(f - growth)));
                    }
                }
                _ => formula.push_str("; free space not given"),
            }
            SqlServerPlan {
                name: s.srv.name.clone(),
                sites: s
                    .db_of
                    .iter()
                    .map(|&i| ctx.site(i).code.to_string())
                    .collect(),
                sql: s.srv.sql.map(|v| v.as_str().to_string()),
                database_growth_mb: growth,
                free_disk_mb: free,
                shortfall_mb: shortfall,
                formula,
            }
        })
        .collect();
    sql_servers.sort_by_key(|s| s.name.to_uppercase());
    Estimates { sites, sql_servers }
}

/// "2 MB × 8,470 clients (NYC 8,000 + BOS 350 + PHL 120) = 16,940 MB".
fn primary_formula(ctx: &Ctx, i: usize, per_client: f64, clients: u64, growth: f64) -> String {
    let site = ctx.site(i);
    let members = ctx.env.subtree(&site.code);
    let mut terms: Vec<String> = Vec::new();
    let mut rest_sites = 0usize;
    let mut rest_clients = 0u64;
    for (k, s) in members.iter().enumerate() {
        let count = s.clients + s.legacy_clients;
        if k > 0 && count == 0 {
            continue;
        }
        if terms.len() >= FORMULA_TERMS {
            rest_sites += 1;
            rest_clients += count;
            continue;
        }
        terms.push(if s.legacy_clients > 0 {
            format!(
                "{} {} + {} legacy",
                s.code,
                fmt_int(s.clients),
                fmt_int(s.legacy_clients)
            )
        } else {
            format!("{} {}", s.code, fmt_int(s.clients))
        });
    }
    if rest_sites > 0 {
        terms.push(format!("{rest_sites} more sites {}", fmt_int(rest_clients)));
    }
    let breakdown = if members.len() == 1 && site.legacy_clients == 0 {
        String::new()
    } else {
        format!(" ({})", terms.join(" + "))
    };
    format!(
        "{} MB × {} clients{} = {} MB",
        fmt_num(per_client),
        fmt_int(clients),
        breakdown,
        fmt_num(growth)
    )
}
