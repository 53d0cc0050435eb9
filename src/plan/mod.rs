//! The planning engine: `Environment` → `Plan` (findings, remediation, task sequence, estimates).
//!
//! Domain rules live here, each citing upgrade-rules.md; wording lives in `templates/tasks.toml`.
//! - `findings`: the offline readiness rules (reference §6) and the remediation each blocker needs;
//! - `tasks`: the task-kind catalogue (reference §9, seed rows) and the ordered sequence (§4);
//! - `estimates`: database growth per site and per SQL Server (§5);
//! - `texts`: the task-text catalogue and its placeholders.

pub mod assumptions;
pub mod disk;
pub mod estimates;
pub mod findings;
pub mod inventory;
pub mod model;
pub mod progress;
pub mod schedule;
pub mod sequence;
pub mod sources;
pub mod texts;
pub mod views;
pub mod waves;

/// Quantities in texts: the one formatter every document uses.
pub use crate::numbers::{fmt_int, fmt_num};
pub use model::*;

use std::collections::BTreeMap;

use crate::model::{Environment, OsVersion, Server, Site, SiteVersion, SqlVersion, TargetMedia};
use crate::templates::Templates;

/// What the plan needs besides the environment.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub revision: u32,
    /// Where task texts (`tasks.toml`) come from: embedded defaults or a user's folder.
    pub templates: Templates,
}

/// Errors the engine can raise: a broken user-supplied task catalogue, or a company-specific task
/// that cannot be placed (the environment is already valid; blockers are findings, not errors).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    TaskTexts(String),
    #[error("{0}")]
    CustomTask(String),
}

/// Builds the plan for a validated environment.
pub fn build(env: &Environment, opts: &PlanOptions) -> Result<Plan, PlanError> {
    let texts = texts::TaskTexts::load(&opts.templates)?;
    let ctx = Ctx::new(env);
    let est = estimates::estimate(&ctx);
    let analysis = findings::check(&ctx, &est);
    let phases = sequence::sequence(&ctx, &est, &analysis, &texts)?;
    let mut findings = analysis.findings;
    let (phases, custom_findings) = sequence::insert_custom_tasks(&ctx, phases)?;
    findings.extend(custom_findings);
    let phases = sequence::link_remedies(phases, &mut findings);
    findings::sort(&ctx, &mut findings);

    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    // Blockers per site: those filed under the site, and those on any server serving it.
    let mut blockers = vec![0usize; env.sites.len()];
    for f in findings.iter().filter(|f| f.severity == Severity::Blocker) {
        let mut hit: Vec<usize> = f
            .site
            .as_deref()
            .and_then(|c| ctx.index_of(c))
            .into_iter()
            .collect();
        if let Some(k) = f.server.as_deref().and_then(|n| ctx.server_position(n)) {
            hit.extend(&ctx.servers[k].sites);
        }
        hit.sort_unstable();
        hit.dedup();
        for i in hit {
            blockers[i] += 1;
        }
    }
    let sites: Vec<SitePlan> = env
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| SitePlan {
            code: s.code.to_string(),
            name: s.name.clone(),
            site_type: s.site_type,
            parent: s.parent.as_ref().map(|p| p.to_string()),
            version: s.version,
            security: s.security,
            depth: s.depth,
            site_server: s.site_server.clone(),
            database_server: s.database_server.clone(),
            database_size_mb: s.database_size_mb,
            clients: s.clients,
            legacy_clients: s.legacy_clients,
            subtree_clients: est.sites[i].subtree_clients,
            database_growth_mb: est.sites[i].growth_mb,
            formula: est.sites[i].formula.clone(),
            already_upgraded: !ctx.upgrade[i],
            blockers: blockers[i],
            wave: None,
        })
        .collect();
    let totals = Totals {
        sites: env.sites.len(),
        primary_sites: env.sites.iter().filter(|s| s.is_primary()).count(),
        secondary_sites: env.sites.iter().filter(|s| !s.is_primary()).count(),
        sites_to_upgrade: ctx.upgrade.iter().filter(|u| **u).count(),
        clients: env.sites.iter().map(|s| s.clients).sum(),
        legacy_clients: env.sites.iter().map(|s| s.legacy_clients).sum(),
        database_growth_mb: est.sites.iter().map(|s| s.growth_mb).sum(),
        tasks: phases.iter().map(|p| p.tasks.len()).sum(),
        blockers: count(Severity::Blocker),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    let mut plan = Plan {
        title: env.plan.title.clone(),
        organisation: env.plan.organisation.clone(),
        change_reference: env.plan.change_reference.clone(),
        prepared_by: env.plan.prepared_by.clone(),
        target: env.plan.target,
        target_name: target_name(env.plan.target).to_string(),
        date: opts.date.clone(),
        input_digest: env.input_digest.clone(),
        revision: opts.revision,
        database_mb_per_client: env.estimates.database_mb_per_client,
        sites,
        sql_servers: est.sql_servers.clone(),
        totals,
        findings,
        phases,
        removed_tasks: Vec::new(),
        changes: None,
        // What the diff between revisions compares for servers (regen::diff).
        servers: inventory::server_inventory(env),
        assumptions: Vec::new(),
        references: Vec::new(),
        waves: Vec::new(),
        scope: None,
        schedule: None,
    };
    for server in &mut plan.servers {
        server.disk = ctx
            .server_position(&server.name)
            .filter(|&k| ctx.servers[k].in_scope)
            .and_then(|k| disk::need(&ctx, &est, k));
    }
    plan.assumptions = assumptions::list(&plan, env);
    plan.references = assumptions::references(&plan);
    waves::assign(&mut plan);
    if let Some(s) = &env.schedule {
        schedule::apply(&mut plan, &schedule::ScheduleConfig::from_description(s));
    }
    Ok(plan)
}

/// Plans the schedule again with recorded progress: tasks recorded Done keep the day they were
/// completed on and are not planned again; the rest is planned from `today` (else `plan.start`)
/// with the same rules. Without `plan.start`, `today` is the start. Without either, the plan has
/// no schedule and is left as it is.
pub fn replan(
    plan: &mut Plan,
    env: &Environment,
    progress: &progress::ProgressRecord,
    today: Option<chrono::NaiveDate>,
) {
    let config = match (&env.schedule, today) {
        (Some(s), _) => schedule::ScheduleConfig::from_description(s),
        (None, Some(today)) => {
            schedule::ScheduleConfig::from_description(&crate::model::Schedule {
                start: today,
                ..env.calendar.clone().unwrap_or_default()
            })
        }
        (None, None) => return,
    };
    let config = schedule::ScheduleConfig { today, ..config };
    schedule::apply_with_progress(plan, &config, progress);
}

/// Human name of the target media.
pub fn target_name(target: TargetMedia) -> &'static str {
    match target {
        TargetMedia::Rtm => "Configuration Manager 2007",
        TargetMedia::Sp1 => "Configuration Manager 2007 SP1",
        TargetMedia::Sp2 => "Configuration Manager 2007 SP2",
    }
}

/// A server as the planner sees it: which sites it serves and how.
#[derive(Debug)]
pub(crate) struct ServerInfo<'a> {
    pub srv: &'a Server,
    /// Upper-cased name, as used in task IDs.
    pub id: String,
    /// Site indices whose site server this is.
    pub site_server_of: Vec<usize>,
    /// Site indices whose database it hosts.
    pub db_of: Vec<usize>,
    /// Every site index it serves (member, site server or database), sorted.
    pub sites: Vec<usize>,
    /// Serves at least one site that this plan upgrades.
    pub in_scope: bool,
}

impl ServerInfo<'_> {
    /// The site a server-level task or finding is filed under: its own site, else the first
    /// site it serves.
    pub fn home(&self) -> Option<usize> {
        self.sites.first().copied()
    }

    /// The sites this plan upgrades whose site server this is.
    pub fn upgraded_site_server_of(&self, ctx: &Ctx) -> Vec<usize> {
        only_upgraded(&self.site_server_of, ctx)
    }

    /// The sites this plan upgrades whose database this server hosts.
    pub fn upgraded_db_of(&self, ctx: &Ctx) -> Vec<usize> {
        only_upgraded(&self.db_of, ctx)
    }
}

fn only_upgraded(sites: &[usize], ctx: &Ctx) -> Vec<usize> {
    sites.iter().copied().filter(|&i| ctx.upgrade[i]).collect()
}

/// The environment with the lookups every part of the engine needs, computed once.
pub(crate) struct Ctx<'a> {
    pub env: &'a Environment,
    /// Per site index: the site is still on SMS (this plan upgrades it).
    pub upgrade: Vec<bool>,
    pub site_index: BTreeMap<String, usize>,
    /// Servers that serve at least one site, in hierarchy order (by first site served, then name).
    pub servers: Vec<ServerInfo<'a>>,
    /// Per site index: positions in `servers` of the servers serving it.
    by_site: Vec<Vec<usize>>,
    /// Server name as written → position in `servers`.
    server_pos: BTreeMap<String, usize>,
}

impl<'a> Ctx<'a> {
    pub fn new(env: &'a Environment) -> Ctx<'a> {
        let site_index: BTreeMap<String, usize> = env
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.to_string(), i))
            .collect();
        let upgrade: Vec<bool> = env
            .sites
            .iter()
            .map(|s| !s.version.is_configmgr2007())
            .collect();
        // Server (upper-cased) → sites it is the site server / database server of, in site order.
        let mut ss_of: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut db_of_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, site) in env.sites.iter().enumerate() {
            ss_of
                .entry(site.site_server.to_uppercase())
                .or_default()
                .push(i);
            if let Some(db) = &site.database_server {
                db_of_map.entry(db.to_uppercase()).or_default().push(i);
            }
        }
        let mut servers: Vec<ServerInfo> = env
            .servers
            .iter()
            .map(|srv| {
                let id = srv.name.to_uppercase();
                let site_server_of = ss_of.get(&id).cloned().unwrap_or_default();
                let db_of = db_of_map.get(&id).cloned().unwrap_or_default();
                let mut sites: Vec<usize> = site_server_of.iter().chain(&db_of).copied().collect();
                if let Some(i) = srv.site.as_ref().and_then(|c| site_index.get(c.as_str())) {
                    sites.push(*i);
                }
                sites.sort_unstable();
                sites.dedup();
                // A member server is filed under its own site first.
                if let Some(&own) = srv.site.as_ref().and_then(|c| site_index.get(c.as_str())) {
                    sites.retain(|&i| i != own);
                    sites.insert(0, own);
                }
                let in_scope = sites.iter().any(|&i| upgrade[i]);
                ServerInfo {
                    srv,
                    id,
                    site_server_of,
                    db_of,
                    sites,
                    in_scope,
                }
            })
            .filter(|s| !s.sites.is_empty())
            .collect();
        // Within a site, its site server first.
        servers.sort_by_key(|s| {
            let home = s.home();
            let not_site_server = home.is_none_or(|h| !s.site_server_of.contains(&h));
            (home, not_site_server, s.id.clone())
        });
        let mut by_site: Vec<Vec<usize>> = vec![Vec::new(); env.sites.len()];
        let mut server_pos = BTreeMap::new();
        for (k, s) in servers.iter().enumerate() {
            for &i in &s.sites {
                by_site[i].push(k);
            }
            server_pos.insert(s.srv.name.clone(), k);
        }
        Ctx {
            env,
            upgrade,
            site_index,
            servers,
            by_site,
            server_pos,
        }
    }

    pub fn site(&self, i: usize) -> &'a Site {
        &self.env.sites[i]
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.site_index.get(code).copied()
    }

    pub fn parent_of(&self, i: usize) -> Option<usize> {
        self.site(i)
            .parent
            .as_ref()
            .and_then(|p| self.index_of(p.as_str()))
    }

    /// Names of the servers related to a site: site server, database server, member servers.
    pub fn site_servers(&self, i: usize) -> Vec<&'a str> {
        self.by_site[i]
            .iter()
            .map(|&k| self.servers[k].srv.name.as_str())
            .collect()
    }

    /// Position of a server (name as written) in `servers`, i.e. in hierarchy order.
    pub fn server_position(&self, name: &str) -> Option<usize> {
        self.server_pos.get(name).copied()
    }

    /// Sites that this plan upgrades, in hierarchy order.
    pub fn upgraded_sites(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.env.sites.len()).filter(|&i| self.upgrade[i])
    }
}

/// "SMS 2003 SP1", as people write it (messages and task texts never show the kebab spelling).
pub fn version_label(v: SiteVersion) -> &'static str {
    match v {
        SiteVersion::Sms20 => "SMS 2.0",
        SiteVersion::Sms2003Rtm => "SMS 2003 (no service pack)",
        SiteVersion::Sms2003Sp1 => "SMS 2003 SP1",
        SiteVersion::Sms2003Sp2 => "SMS 2003 SP2",
        SiteVersion::Sms2003Sp3 => "SMS 2003 SP3",
        SiteVersion::ConfigMgr2007Rtm => "Configuration Manager 2007",
        SiteVersion::ConfigMgr2007Sp1 => "Configuration Manager 2007 SP1",
        SiteVersion::ConfigMgr2007Sp2 => "Configuration Manager 2007 SP2",
    }
}

pub fn os_label(v: OsVersion) -> &'static str {
    match v {
        OsVersion::Windows2000Sp4 => "Windows 2000 Server SP4",
        OsVersion::Windows2003Rtm => "Windows Server 2003 (no service pack)",
        OsVersion::Windows2003Sp1 => "Windows Server 2003 SP1",
        OsVersion::Windows2003Sp2 => "Windows Server 2003 SP2",
        OsVersion::Windows2003R2 => "Windows Server 2003 R2",
        OsVersion::Windows2003R2Sp2 => "Windows Server 2003 R2 SP2",
        OsVersion::Windows2008 => "Windows Server 2008",
        OsVersion::Windows2008Sp2 => "Windows Server 2008 SP2",
        OsVersion::Windows2008R2 => "Windows Server 2008 R2",
    }
}

pub fn sql_label(v: SqlVersion) -> &'static str {
    match v {
        SqlVersion::Sql2000Sp3a => "SQL Server 2000 SP3a",
        SqlVersion::Sql2000Sp4 => "SQL Server 2000 SP4",
        SqlVersion::Sql2005Rtm => "SQL Server 2005 (no service pack)",
        SqlVersion::Sql2005Sp1 => "SQL Server 2005 SP1",
        SqlVersion::Sql2005Sp2 => "SQL Server 2005 SP2",
        SqlVersion::Sql2005Sp3 => "SQL Server 2005 SP3",
        SqlVersion::Sql2005Sp4 => "SQL Server 2005 SP4",
        SqlVersion::Sql2008Rtm => "SQL Server 2008 (no service pack)",
        SqlVersion::Sql2008Sp1 => "SQL Server 2008 SP1",
        SqlVersion::Sql2008Sp2 => "SQL Server 2008 SP2",
        SqlVersion::Sql2008R2 => "SQL Server 2008 R2",
    }
}
