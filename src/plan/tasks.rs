//! The task-kind catalogue (upgrade-rules.md §9, mapped to the seed checklist's rows) and the
//! ordered sequence (§4): remediation, preparation, the central site, a pre-order walk of the
//! hierarchy with a resync gate after each child primary, roles, consoles, clients, checks.
//!
//! IDs are `KIND-SCOPE` (scope = site code, upper-cased server name, or `PARENT-CHILD`), never
//! positional; a dependency is only recorded on a task that already precedes it.

use std::collections::{BTreeMap, BTreeSet};

use super::estimates::Estimates;
use super::findings::{Analysis, Remedy};
use super::model::{Finding, Phase, Task};
use super::texts::{TaskTexts, Vars};
use super::{fmt_num, Ctx, PlanError};
use crate::model::{CustomTaskScope, Role, SchemaExtension, SiteType};

/// Phase IDs, in execution order (titles in tasks.toml).
pub const PHASES: &[&str] = &[
    "remediate",
    "prepare",
    "central",
    "children",
    "roles",
    "consoles",
    "clients",
    "post",
];
const REMEDIATE: usize = 0;
const PREPARE: usize = 1;
const CENTRAL: usize = 2;
const CHILDREN: usize = 3;
const ROLES: usize = 4;
const CONSOLES: usize = 5;
const CLIENTS: usize = 6;
const POST: usize = 7;

/// One task kind: what it applies to and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    pub kind: &'static str,
    /// `hierarchy`, `site`, `site-pair`, `server`, `sql-server`, `console`.
    pub scope: &'static str,
    /// The row of upgrade-rules.md §9 it implements.
    pub catalogue: &'static str,
}

/// Every task kind the engine produces, in the order they appear within a scope.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "PREP-MEDIA",
        scope: "hierarchy",
        catalogue: "ASSESS-PATH (R2.2, R2.10)",
    },
    KindInfo {
        kind: "SMS-SP",
        scope: "site",
        catalogue: "ASSESS-PATH",
    },
    KindInfo {
        kind: "SECMODE",
        scope: "site",
        catalogue: "ASSESS-SECMODE",
    },
    KindInfo {
        kind: "LEGACY",
        scope: "site",
        catalogue: "ASSESS-LEGACY",
    },
    KindInfo {
        kind: "FP-REMOVE",
        scope: "site",
        catalogue: "ASSESS-FP",
    },
    KindInfo {
        kind: "OS-UPG",
        scope: "server",
        catalogue: "PREP-OS (R2.1)",
    },
    KindInfo {
        kind: "WEBDAV",
        scope: "server",
        catalogue: "PREP-SW (R3.4, R2.14, R2.15)",
    },
    KindInfo {
        kind: "SQLREPL-OFF",
        scope: "sql-server",
        catalogue: "ASSESS-SQLREPL",
    },
    KindInfo {
        kind: "SQL-UPG",
        scope: "sql-server",
        catalogue: "PREP-SQL (R2.9)",
    },
    KindInfo {
        kind: "PREP-ADSCHEMA",
        scope: "hierarchy",
        catalogue: "PREP-ADSCHEMA",
    },
    KindInfo {
        kind: "PREP-KEYX",
        scope: "site",
        catalogue: "PREP-KEYX",
    },
    KindInfo {
        kind: "KEYX",
        scope: "site-pair",
        catalogue: "PREP-KEYX-MANUAL",
    },
    KindInfo {
        kind: "PREP-CUSTOMFILES",
        scope: "site",
        catalogue: "PREP-CUSTOMFILES",
    },
    KindInfo {
        kind: "PREP-BACKUP",
        scope: "site",
        catalogue: "PREP-BACKUP",
    },
    KindInfo {
        kind: "PREP-DISK-SITE",
        scope: "site",
        catalogue: "PREP-DISK-SITE",
    },
    KindInfo {
        kind: "PREP-HW",
        scope: "server",
        catalogue: "PREP-HW",
    },
    KindInfo {
        kind: "PREP-OS",
        scope: "server",
        catalogue: "PREP-OS",
    },
    KindInfo {
        kind: "PREP-SW",
        scope: "server",
        catalogue: "PREP-SW",
    },
    KindInfo {
        kind: "PREP-OSUPD",
        scope: "server",
        catalogue: "PREP-OSUPD",
    },
    KindInfo {
        kind: "PREP-PERMS",
        scope: "server",
        catalogue: "PREP-PERMS",
    },
    KindInfo {
        kind: "PREP-SQLUPD",
        scope: "sql-server",
        catalogue: "PREP-SQLUPD",
    },
    KindInfo {
        kind: "PREP-SQL",
        scope: "sql-server",
        catalogue: "PREP-SQL",
    },
    KindInfo {
        kind: "PREP-DISK-DB",
        scope: "sql-server",
        catalogue: "PREP-DISK-DB",
    },
    KindInfo {
        kind: "DB-TEST",
        scope: "site",
        catalogue: "DB-TEST",
    },
    KindInfo {
        kind: "PREP-PREREQ",
        scope: "server",
        catalogue: "PREP-PREREQ",
    },
    KindInfo {
        kind: "PREREQ-FIX",
        scope: "server",
        catalogue: "PREP-PREREQ-FIX",
    },
    KindInfo {
        kind: "PREP-DOWNLOAD",
        scope: "site",
        catalogue: "PREP-DOWNLOAD",
    },
    KindInfo {
        kind: "PREP-REBOOT",
        scope: "server",
        catalogue: "PREP-REBOOT",
    },
    KindInfo {
        kind: "SITE-UPG",
        scope: "site",
        catalogue: "SITE-UPG-C / SITE-UPG-P / SITE-UPG-S",
    },
    KindInfo {
        kind: "SITE-RESYNC",
        scope: "site",
        catalogue: "SITE-RESYNC",
    },
    KindInfo {
        kind: "SITE-VERIFY",
        scope: "site",
        catalogue: "SITE-VERIFY",
    },
    KindInfo {
        kind: "ITMU-UPG",
        scope: "site",
        catalogue: "ITMU-UPG",
    },
    KindInfo {
        kind: "CONSOLE-KEEP",
        scope: "site",
        catalogue: "SMS-CONSOLE-KEEP",
    },
    KindInfo {
        kind: "PREREQ-RECHECK",
        scope: "site",
        catalogue: "SITE-UPG-S (R8.4)",
    },
    KindInfo {
        kind: "ROLE-SLP",
        scope: "site",
        catalogue: "ROLE-SLP",
    },
    KindInfo {
        kind: "ROLE-SUP",
        scope: "site",
        catalogue: "ROLE-SUP",
    },
    KindInfo {
        kind: "ROLE-NEW",
        scope: "site",
        catalogue: "ROLE-NEW",
    },
    KindInfo {
        kind: "CONSOLE-UPG",
        scope: "console",
        catalogue: "CONSOLE-UPG",
    },
    KindInfo {
        kind: "CLIENT-UPG",
        scope: "site",
        catalogue: "CLIENT-UPG",
    },
    KindInfo {
        kind: "POST-CHECK",
        scope: "site",
        catalogue: "POST-CHECK",
    },
];

/// The kind of a company-specific task.
pub const CUSTOM_KIND: &str = "CUSTOM";

/// A row of the seed checklist (upgrade-rules.md S1, 23 rows in order) and the kinds that carry it.
#[derive(Debug, Clone, Copy)]
pub struct SeedRow {
    pub row: u8,
    pub task: &'static str,
    pub kinds: &'static [&'static str],
}

pub const SEED_ROWS: &[SeedRow] = &[
    SeedRow { row: 1, task: "Verify that hardware meets installation requirements.", kinds: &["PREP-HW"] },
    SeedRow { row: 2, task: "Verify that installed operating system(s) meet installation requirements.", kinds: &["PREP-OS"] },
    SeedRow { row: 3, task: "Install all required software and services.", kinds: &["PREP-SW"] },
    SeedRow { row: 4, task: "Install the latest Operating System software updates.", kinds: &["PREP-OSUPD"] },
    SeedRow { row: 5, task: "Install the latest SQL Server software updates.", kinds: &["PREP-SQLUPD"] },
    SeedRow { row: 6, task: "Ensure there is adequate disk space for site server installation.", kinds: &["PREP-DISK-SITE"] },
    SeedRow { row: 7, task: "Disk space requirements for site database upgrade (estimated 2 MB additional space per client).", kinds: &["PREP-DISK-DB"] },
    SeedRow { row: 8, task: "Configure SQL Server properly to host the site database.", kinds: &["PREP-SQL"] },
    SeedRow { row: 9, task: "Test the existing SMS 2003 site database using the testdbupgrade Setup command-line option.", kinds: &["DB-TEST"] },
    SeedRow { row: 10, task: "Configure SMS 2003 sites to require secure key exchange before beginning the upgrade process.", kinds: &["PREP-KEYX", "KEYX"] },
    SeedRow { row: 11, task: "Configure any new site system computers with the appropriate permissions to allow site system installation.", kinds: &["PREP-PERMS"] },
    SeedRow { row: 12, task: "Apply Active Directory schema extensions (if applicable).", kinds: &["PREP-ADSCHEMA"] },
    SeedRow { row: 13, task: "Run the Setup Prerequisite Checker on site systems.", kinds: &["PREP-PREREQ"] },
    SeedRow { row: 14, task: "Resolve any errors or warnings identified by the Setup Prerequisite Checker (if applicable).", kinds: &["PREREQ-FIX"] },
    SeedRow { row: 15, task: "Manually download updated client installation prerequisite files (if the site servers to be upgraded will not have Internet connectivity).", kinds: &["PREP-DOWNLOAD"] },
    SeedRow { row: 16, task: "Restart site system computers.", kinds: &["PREP-REBOOT"] },
    SeedRow { row: 17, task: "Use the Configuration Manager Setup Wizard to upgrade the central site server.", kinds: &["SITE-UPG"] },
    SeedRow { row: 18, task: "Verify that all site systems have been upgraded (uninstalled and reinstalled) successfully.", kinds: &["SITE-VERIFY", "ITMU-UPG"] },
    SeedRow { row: 19, task: "Use Configuration Manager Setup to upgrade child primary and secondary sites.", kinds: &["SITE-UPG"] },
    SeedRow { row: 20, task: "Install new site systems as necessary.", kinds: &["ROLE-NEW", "ROLE-SUP"] },
    SeedRow { row: 21, task: "Run Configuration Manager Setup Wizard to upgrade existing SMS 2003 Administrator consoles.", kinds: &["CONSOLE-UPG"] },
    SeedRow { row: 22, task: "Select a client deployment method to upgrade, and if necessary, re-assign clients to new sites.", kinds: &["CLIENT-UPG"] },
    SeedRow { row: 23, task: "Perform post-upgrade checks.", kinds: &["POST-CHECK"] },
];

fn kind_rank(kind: &str) -> usize {
    KINDS
        .iter()
        .position(|k| k.kind == kind)
        .unwrap_or(usize::MAX)
}

/// What to add: the engine's description of one task before its texts are looked up.
struct Spec {
    kind: &'static str,
    /// ID suffix; empty for hierarchy-wide tasks.
    scope: String,
    variant: Option<&'static str>,
    site: Option<usize>,
    server: Option<String>,
    vars: Vars,
    deps: Vec<String>,
}

impl Spec {
    fn new(kind: &'static str, scope: impl Into<String>) -> Spec {
        Spec {
            kind,
            scope: scope.into(),
            variant: None,
            site: None,
            server: None,
            vars: Vars::new(),
            deps: Vec::new(),
        }
    }
    fn site(mut self, i: usize) -> Spec {
        self.site = Some(i);
        self
    }
    fn server(mut self, name: &str) -> Spec {
        self.server = Some(name.to_string());
        self
    }
    fn variant(mut self, v: &'static str) -> Spec {
        self.variant = Some(v);
        self
    }
    fn var(mut self, k: &'static str, v: impl Into<String>) -> Spec {
        self.vars.insert(k, v.into());
        self
    }
    fn deps<I: IntoIterator<Item = String>>(mut self, d: I) -> Spec {
        self.deps.extend(d);
        self
    }
}

struct Seq<'a, 'c> {
    ctx: &'c Ctx<'a>,
    texts: &'c TaskTexts,
    phases: Vec<Vec<Task>>,
    ids: BTreeSet<String>,
}

impl Seq<'_, '_> {
    /// Adds a task at the end of `phase` and returns its ID. Dependencies on tasks that this plan
    /// does not contain (conditional ones) are dropped, so every recorded one points backwards.
    fn add(&mut self, phase: usize, spec: Spec) -> Result<String, PlanError> {
        let id = if spec.scope.is_empty() {
            spec.kind.to_string()
        } else {
            format!("{}-{}", spec.kind, spec.scope)
        };
        assert!(!self.ids.contains(&id), "task ID {id} generated twice");
        let mut vars = spec.vars;
        vars.insert(
            "target",
            super::target_name(self.ctx.env.plan.target).to_string(),
        );
        if let Some(i) = spec.site {
            let site = self.ctx.site(i);
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
            if let Some(p) = self.ctx.parent_of(i) {
                vars.insert("parent", self.ctx.site(p).code.to_string());
                vars.insert("parent_name", self.ctx.site(p).name.clone());
            }
        }
        if let Some(s) = &spec.server {
            vars.insert("server", s.clone());
        }
        let text = self.texts.task(spec.kind, spec.variant, &vars)?;
        let mut depends_on: Vec<String> = Vec::new();
        for d in spec.deps {
            if self.ids.contains(&d) && !depends_on.contains(&d) {
                depends_on.push(d);
            }
        }
        self.ids.insert(id.clone());
        self.phases[phase].push(Task {
            id: id.clone(),
            kind: spec.kind.to_string(),
            site: spec.site.map(|i| self.ctx.site(i).code.to_string()),
            server: spec.server,
            title: text.title,
            expected_result: text.expected_result,
            details: text.details,
            reference: text.reference,
            depends_on,
            remedies: Vec::new(),
            progress: None,
            wave: 0,
            planned_start: None,
            planned_end: None,
            critical: false,
            items: Vec::new(),
            backout: None,
        });
        Ok(id)
    }
}

fn id(kind: &str, scope: &str) -> String {
    format!("{kind}-{scope}")
}

/// Builds the ordered phases (custom tasks not yet inserted, remedies not yet linked).
pub(crate) fn sequence(
    ctx: &Ctx,
    est: &Estimates,
    analysis: &Analysis,
    texts: &TaskTexts,
) -> Result<Vec<Phase>, PlanError> {
    let env = ctx.env;
    let mut seq = Seq {
        ctx,
        texts,
        phases: vec![Vec::new(); PHASES.len()],
        ids: BTreeSet::new(),
    };
    let upgraded: Vec<usize> = ctx.upgraded_sites().collect();
    let code = |i: usize| ctx.site(i).code.to_string();
    let scope_servers: Vec<&super::ServerInfo> =
        ctx.servers.iter().filter(|s| s.in_scope).collect();
    let server_id = |name: &str| name.to_uppercase();

    // Remediation: hierarchy first, then sites in hierarchy order, then servers.
    let mut remedies: Vec<&Remedy> = analysis.remedies.iter().collect();
    let server_pos = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| ctx.server_position(n))
            .unwrap_or(0)
    };
    remedies.sort_by_key(|r| {
        let scope = match (&r.server, r.site) {
            (None, None) => 0,
            (None, Some(_)) => 1,
            (Some(_), _) => 2,
        };
        (
            scope,
            r.site.filter(|_| r.server.is_none()).unwrap_or(0),
            server_pos(&r.server),
            kind_rank(r.kind),
        )
    });
    let mut blocking_upgrade: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut blocking_db_test: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for r in &remedies {
        let scope = match (&r.server, r.site) {
            (Some(s), _) => server_id(s),
            (None, Some(i)) => code(i),
            (None, None) => String::new(),
        };
        let mut spec = Spec::new(r.kind, scope);
        spec.site = r.site;
        spec.server = r.server.clone();
        spec.variant = r.variant;
        spec.vars = r.vars.clone();
        if r.kind == "SQL-UPG" {
            if let Some(s) = &r.server {
                spec.deps.push(id("SQLREPL-OFF", &server_id(s)));
            }
        }
        let rid = seq.add(REMEDIATE, spec)?;
        for &i in &r.blocks_upgrade {
            blocking_upgrade.entry(i).or_default().push(rid.clone());
        }
        for &i in &r.blocks_db_test {
            blocking_db_test.entry(i).or_default().push(rid.clone());
        }
    }

    // Preparation: hierarchy, sites, servers, SQL Servers, database tests, checker, restart.
    let ad = &env.active_directory;
    if !upgraded.is_empty() && ad.schema_extended != SchemaExtension::ConfigMgr2007 {
        let v = if ad.schema_extended == SchemaExtension::None {
            "none"
        } else {
            "sms2003"
        };
        seq.add(PREPARE, Spec::new("PREP-ADSCHEMA", "").variant(v))?;
    }
    let manual_keys = ad.schema_extended == SchemaExtension::None || !ad.sites_publish;
    for &i in &upgraded {
        let site = ctx.site(i);
        let c = code(i);
        // Key exchange is between a site and its parent or children: a lone site has none.
        if site.parent.is_some() || !site.children.is_empty() {
            seq.add(PREPARE, Spec::new("PREP-KEYX", &c).site(i))?;
        }
        if let Some(p) = ctx.parent_of(i).filter(|_| manual_keys) {
            let pc = code(p);
            seq.add(
                PREPARE,
                Spec::new("KEYX", format!("{pc}-{c}"))
                    .site(i)
                    .deps([id("PREP-KEYX", &pc), id("PREP-KEYX", &c)]),
            )?;
        }
        seq.add(PREPARE, Spec::new("PREP-CUSTOMFILES", &c).site(i))?;
        if site.is_primary() {
            seq.add(PREPARE, Spec::new("PREP-BACKUP", &c).site(i))?;
        }
        let osd = site
            .feature_packs
            .iter()
            .any(|p| p.eq_ignore_ascii_case("osd"));
        let min = if osd {
            super::findings::SITE_SERVER_MIN_FREE_GB_OSD
        } else {
            super::findings::SITE_SERVER_MIN_FREE_GB
        };
        let free = env
            .server(&site.site_server)
            .and_then(|s| s.free_disk_gb)
            .map(|gb| format!("{} GB", fmt_num(gb)))
            .unwrap_or_else(|| "not given in the description".to_string());
        let mut spec = Spec::new("PREP-DISK-SITE", &c)
            .site(i)
            .server(&site.site_server)
            .var("min_gb", fmt_num(min))
            .var("free_disk", free);
        if osd {
            spec = spec.variant("osd");
        }
        seq.add(PREPARE, spec)?;
    }
    for s in &scope_servers {
        let name = s.srv.name.as_str();
        let sid = &s.id;
        let home = s.home().unwrap_or(0);
        seq.add(PREPARE, Spec::new("PREP-HW", sid).site(home).server(name))?;
        seq.add(
            PREPARE,
            Spec::new("PREP-OS", sid)
                .site(home)
                .server(name)
                .var("os", super::os_label(s.srv.os))
                .deps([id("OS-UPG", sid)]),
        )?;
        seq.add(
            PREPARE,
            Spec::new("PREP-SW", sid)
                .site(home)
                .server(name)
                .var("software", software(ctx, s))
                .deps([id("WEBDAV", sid)]),
        )?;
        seq.add(
            PREPARE,
            Spec::new("PREP-OSUPD", sid).site(home).server(name),
        )?;
        // Primaries whose site server is another computer: their database, or their MP, is here.
        let mut remote_for: Vec<usize> = s.db_of.clone();
        if s.srv.has_role(Role::ManagementPoint) {
            remote_for.extend(s.srv.site.as_ref().and_then(|c| ctx.index_of(c.as_str())));
        }
        remote_for.sort_unstable();
        remote_for.dedup();
        remote_for.retain(|&i| {
            let site = ctx.site(i);
            ctx.upgrade[i] && site.is_primary() && !site.site_server.eq_ignore_ascii_case(name)
        });
        if !remote_for.is_empty() {
            let mut accounts: Vec<String> = remote_for
                .iter()
                .map(|&i| ctx.site(i).site_server.clone())
                .collect();
            accounts.dedup();
            let accounts = match accounts.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => accounts.join(""),
            };
            let mut what = Vec::new();
            let dbs: Vec<usize> = remote_for
                .iter()
                .copied()
                .filter(|i| s.db_of.contains(i))
                .collect();
            if !dbs.is_empty() {
                what.push(format!(
                    "the site database of {}",
                    super::findings::site_list(ctx, &dbs)
                ));
            }
            if s.srv.has_role(Role::ManagementPoint) {
                what.push("a management point".to_string());
            }
            seq.add(
                PREPARE,
                Spec::new("PREP-PERMS", sid)
                    .site(home)
                    .server(name)
                    .var("site_servers", accounts)
                    .var("roles", what.join(" and ")),
            )?;
        }
    }
    let sql_plans: BTreeMap<&str, &super::model::SqlServerPlan> = est
        .sql_servers
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    let sql_hosts: Vec<&&super::ServerInfo> = scope_servers
        .iter()
        .filter(|s| s.db_of.iter().any(|&i| ctx.upgrade[i]))
        .collect();
    for s in &sql_hosts {
        let name = s.srv.name.as_str();
        let sid = &s.id;
        let home = s.home().unwrap_or(0);
        let hosted: Vec<usize> = s
            .db_of
            .iter()
            .copied()
            .filter(|&i| ctx.upgrade[i])
            .collect();
        let sql = s
            .srv
            .sql
            .map(super::sql_label)
            .unwrap_or("an unknown SQL Server version")
            .to_string();
        seq.add(
            PREPARE,
            Spec::new("PREP-SQLUPD", sid)
                .site(home)
                .server(name)
                .var("sql", sql.clone())
                .deps([id("SQL-UPG", sid)]),
        )?;
        seq.add(
            PREPARE,
            Spec::new("PREP-SQL", sid)
                .site(home)
                .server(name)
                .var("sql", sql)
                .var("sites", super::findings::site_list(ctx, &hosted))
                .deps([id("SQL-UPG", sid), id("SQLREPL-OFF", sid)]),
        )?;
        if let Some(plan) = sql_plans.get(s.srv.name.as_str()) {
            let (variant, shortfall) = match plan.shortfall_mb {
                Some(v) if v > 0.0 => ("short", fmt_num(v)),
                Some(_) => ("ok", "0".to_string()),
                None => ("unknown", "unknown".to_string()),
            };
            seq.add(
                PREPARE,
                Spec::new("PREP-DISK-DB", sid)
                    .site(home)
                    .server(name)
                    .variant(variant)
                    .var("formula", plan.formula.clone())
                    .var("growth_mb", fmt_num(plan.database_growth_mb))
                    .var("shortfall_mb", shortfall)
                    .var("sites", super::findings::site_list(ctx, &hosted)),
            )?;
        }
    }
    for &i in upgraded.iter().filter(|&&i| ctx.site(i).is_primary()) {
        let site = ctx.site(i);
        let c = code(i);
        let db = site
            .database_server
            .as_deref()
            .map(server_id)
            .unwrap_or_default();
        let growth = est.sites[i].growth_mb;
        let mut spec = Spec::new("DB-TEST", &c)
            .site(i)
            .server(site.database_server.as_deref().unwrap_or(&site.site_server))
            .var("growth_mb", fmt_num(growth))
            .var("formula", est.sites[i].formula.clone())
            .deps([
                id("PREP-BACKUP", &c),
                id("PREP-SQL", &db),
                id("PREP-DISK-DB", &db),
            ])
            .deps(blocking_db_test.get(&i).cloned().unwrap_or_default());
        if let Some(size) = site.database_size_mb {
            spec = spec
                .variant("sized")
                .var("db_size_mb", fmt_num(size))
                .var("scratch_mb", fmt_num(size + growth));
        }
        seq.add(PREPARE, spec)?;
    }
    for s in &scope_servers {
        let home = s.home().unwrap_or(0);
        let name = s.srv.name.as_str();
        seq.add(
            PREPARE,
            Spec::new("PREP-PREREQ", &s.id)
                .site(home)
                .server(name)
                .deps([id("PREP-SW", &s.id)]),
        )?;
        seq.add(
            PREPARE,
            Spec::new("PREREQ-FIX", &s.id)
                .site(home)
                .server(name)
                .deps([id("PREP-PREREQ", &s.id)]),
        )?;
    }
    for &i in upgraded.iter().filter(|&&i| ctx.site(i).is_primary()) {
        let site = ctx.site(i);
        let online = env
            .server(&site.site_server)
            .is_some_and(|s| s.internet_access);
        if !online {
            seq.add(
                PREPARE,
                Spec::new("PREP-DOWNLOAD", code(i))
                    .site(i)
                    .server(&site.site_server),
            )?;
        }
    }
    for s in &scope_servers {
        let home = s.home().unwrap_or(0);
        seq.add(
            PREPARE,
            Spec::new("PREP-REBOOT", &s.id)
                .site(home)
                .server(&s.srv.name)
                .deps([id("PREREQ-FIX", &s.id), id("PREP-OSUPD", &s.id)]),
        )?;
    }

    // The upgrades: the central site, then a pre-order walk (a primary, its resync gate, its
    // secondaries, then its child primaries), siblings strictly one after another.
    let itmu_site = upgraded.iter().copied().find(|&i| {
        ctx.site(i)
            .feature_packs
            .iter()
            .any(|p| p.eq_ignore_ascii_case("itmu"))
    });
    let mut last_gate: Option<String> = None;
    let mut stack: Vec<usize> = vec![0];
    while let Some(i) = stack.pop() {
        let site = ctx.site(i);
        let c = code(i);
        let phase = if site.is_central() { CENTRAL } else { CHILDREN };
        if ctx.upgrade[i] {
            let ss = server_id(&site.site_server);
            let mut deps: Vec<String> = Vec::new();
            if let Some(p) = ctx.parent_of(i) {
                let pc = code(p);
                deps.push(id("SITE-VERIFY", &pc));
                deps.push(id("CONSOLE-KEEP", &pc));
            }
            if site.is_primary() {
                deps.extend(last_gate.clone());
            }
            deps.extend(blocking_upgrade.get(&i).cloned().unwrap_or_default());
            if let Some(p) = ctx.parent_of(i) {
                deps.push(format!("KEYX-{}-{c}", code(p)));
            }
            deps.extend([
                id("PREP-KEYX", &c),
                id("DB-TEST", &c),
                id("PREP-BACKUP", &c),
                id("PREP-DISK-SITE", &c),
                id("PREP-DOWNLOAD", &c),
                id("PREREQ-FIX", &ss),
                id("PREP-REBOOT", &ss),
            ]);
            let variant = if site.is_central() {
                "central"
            } else if site.is_primary() {
                "primary"
            } else {
                let pre = seq.add(
                    phase,
                    Spec::new("PREREQ-RECHECK", &c)
                        .site(i)
                        .server(&site.site_server)
                        .deps([id("PREREQ-FIX", &ss)]),
                )?;
                deps.push(pre);
                "secondary"
            };
            let upg = seq.add(
                phase,
                Spec::new("SITE-UPG", &c)
                    .site(i)
                    .server(&site.site_server)
                    .variant(variant)
                    .var("growth_mb", fmt_num(est.sites[i].growth_mb))
                    .deps(deps),
            )?;
            let mut verify_deps = vec![upg.clone()];
            if site.is_primary() && !site.is_central() {
                let gate = seq.add(
                    phase,
                    Spec::new("SITE-RESYNC", &c).site(i).deps([upg.clone()]),
                )?;
                verify_deps.push(gate.clone());
                last_gate = Some(gate);
            }
            let verify = seq.add(
                phase,
                Spec::new("SITE-VERIFY", &c).site(i).deps(verify_deps),
            )?;
            if itmu_site == Some(i) {
                seq.add(
                    phase,
                    Spec::new("ITMU-UPG", &c).site(i).deps([verify.clone()]),
                )?;
            }
            let waiting: Vec<usize> = site
                .children
                .iter()
                .filter_map(|ch| ctx.index_of(ch.as_str()))
                .filter(|&ch| ctx.upgrade[ch] && ctx.site(ch).is_primary())
                .collect();
            if site.is_primary() && !waiting.is_empty() {
                seq.add(
                    phase,
                    Spec::new("CONSOLE-KEEP", &c)
                        .site(i)
                        .var("children", super::findings::site_list(ctx, &waiting))
                        .deps([verify]),
                )?;
            }
        }
        // Secondaries first (popped first), then child primaries, each in code order.
        let children: Vec<usize> = site
            .children
            .iter()
            .filter_map(|ch| ctx.index_of(ch.as_str()))
            .collect();
        let (secondaries, primaries): (Vec<usize>, Vec<usize>) = children
            .into_iter()
            .partition(|&ch| !ctx.site(ch).is_primary());
        for &ch in primaries.iter().rev() {
            stack.push(ch);
        }
        for &ch in secondaries.iter().rev() {
            stack.push(ch);
        }
    }

    // New roles.
    let central = 0usize;
    let has_slp = env
        .servers
        .iter()
        .any(|s| s.has_role(Role::ServerLocatorPoint));
    if !upgraded.is_empty() && ad.schema_extended == SchemaExtension::None && !has_slp {
        seq.add(
            ROLES,
            Spec::new("ROLE-SLP", code(central))
                .site(central)
                .deps([id("SITE-VERIFY", &code(central))]),
        )?;
    }
    let itmu_sites: Vec<usize> = upgraded
        .iter()
        .copied()
        .filter(|&i| ctx.site(i).is_primary())
        .filter(|&i| {
            ctx.site(i)
                .feature_packs
                .iter()
                .any(|p| p.eq_ignore_ascii_case("itmu"))
        })
        .collect();
    for &i in upgraded.iter().filter(|&&i| ctx.site(i).is_primary()) {
        let c = code(i);
        let site = ctx.site(i);
        let wants_sup = itmu_sites.contains(&i) || (site.is_central() && !itmu_sites.is_empty());
        if wants_sup {
            let mut deps = vec![id("SITE-VERIFY", &c)];
            let mut up = ctx.parent_of(i);
            while let Some(p) = up {
                deps.push(id("ROLE-SUP", &code(p)));
                up = ctx.parent_of(p);
            }
            seq.add(ROLES, Spec::new("ROLE-SUP", &c).site(i).deps(deps))?;
        }
        let osd = site
            .feature_packs
            .iter()
            .any(|p| p.eq_ignore_ascii_case("osd"));
        let mut spec = Spec::new("ROLE-NEW", &c)
            .site(i)
            .deps([id("SITE-VERIFY", &c)]);
        if osd {
            spec = spec.variant("osd");
        }
        seq.add(ROLES, spec)?;
    }

    // Consoles, one task per SMS 2003 console host.
    if !upgraded.is_empty() {
        let mut seen = BTreeSet::new();
        for console in &env.consoles {
            let cid = console.computer.to_uppercase();
            if !seen.insert(cid.clone()) {
                continue;
            }
            seq.add(
                CONSOLES,
                Spec::new("CONSOLE-UPG", &cid)
                    .server(&console.computer)
                    .deps([id("SITE-VERIFY", &code(central))]),
            )?;
        }
    }

    // Clients, per site after the site; post-upgrade checks last.
    for &i in &upgraded {
        let site = ctx.site(i);
        if site.clients + site.legacy_clients == 0 {
            continue;
        }
        let c = code(i);
        let mut deps = vec![id("SITE-VERIFY", &c), id("ROLE-SUP", &c)];
        if let Some(p) = ctx.parent_of(i) {
            deps.push(id("SITE-VERIFY", &code(p)));
        }
        seq.add(
            CLIENTS,
            Spec::new("CLIENT-UPG", &c)
                .site(i)
                .var(
                    "clients",
                    super::fmt_int(site.clients + site.legacy_clients),
                )
                .deps(deps),
        )?;
    }
    for &i in &upgraded {
        let c = code(i);
        seq.add(
            POST,
            Spec::new("POST-CHECK", &c)
                .site(i)
                .deps([id("SITE-VERIFY", &c), id("CLIENT-UPG", &c)]),
        )?;
    }

    let mut phases = Vec::new();
    for (k, tasks) in seq.phases.into_iter().enumerate() {
        if tasks.is_empty() {
            continue;
        }
        phases.push(Phase {
            id: PHASES[k].to_string(),
            title: texts.phase_title(PHASES[k])?,
            tasks,
        });
    }
    Ok(phases)
}

/// The role-specific prerequisite software of a server (R2.14–R2.17), for PREP-SW.
fn software(ctx: &Ctx, s: &super::ServerInfo) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if s.site_server_of.iter().any(|&i| ctx.site(i).is_primary()) {
        parts.push(
            "MMC 3.0 and .NET Framework 2.0 (SMS Provider and console on the primary site server)",
        );
    }
    if s.srv.has_role(Role::ManagementPoint) {
        parts.push("IIS with the WebDAV extension enabled (management point)");
    }
    if s.srv.has_role(Role::BitsDistributionPoint) {
        parts.push("IIS with the WebDAV and BITS server extensions enabled (BITS-enabled distribution point)");
    }
    if s.srv.has_role(Role::ReportingPoint) {
        parts.push("IIS (reporting point)");
    }
    if !s.db_of.is_empty() {
        parts.push("a supported SQL Server for the site database (see the SQL Server tasks)");
    }
    if parts.is_empty() {
        "no role-specific prerequisite software".to_string()
    } else {
        parts.join("; ")
    }
}

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
        if !KINDS.iter().any(|k| k.kind == kind) {
            let valid: Vec<&str> = KINDS.iter().map(|k| k.kind).collect();
            return Err(PlanError::CustomTask(format!(
                "custom task `{}`: `{kind}` is not a task kind; valid kinds: {}",
                custom.id,
                valid.join(", ")
            )));
        }
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
                    wave: 0,
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
            let r = super::findings::rule("CHK-CUSTOM").expect("CHK-CUSTOM is in RULES");
            let relation = if placed_before { "precedes" } else { "follows" };
            notes.push(Finding {
                code: r.code.to_string(),
                severity: r.severity,
                site: None,
                server: None,
                message: format!(
                    "Custom task `{}` (\"{}\") is not in the plan: it {relation} {kind} tasks, and this plan has none for its scope ({}).",
                    custom.id, custom.title, custom.scope
                ),
                source: super::sources::source(r.source).expect("S1 is in §0"),
                rule: r.rule.to_string(),
                remediation_task: None,
            });
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
    ] {
        v.insert(k, val.to_string());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_no_kind_is_a_prefix_of_another_with_the_same_scope() {
        for (a, ka) in KINDS.iter().enumerate() {
            for (b, kb) in KINDS.iter().enumerate() {
                if a != b {
                    assert_ne!(ka.kind, kb.kind);
                    // `PREP-X` + `-Y…` must never spell `PREP-X-Y…` of another kind.
                    assert!(
                        !kb.kind.starts_with(&format!("{}-", ka.kind))
                            || ka.scope == "site"
                            || ka.scope == "site-pair",
                        "{} is a prefix of {} and both take free-form scopes",
                        ka.kind,
                        kb.kind
                    );
                }
            }
        }
    }

    #[test]
    fn the_seed_checklist_has_23_rows_in_order_each_with_a_known_kind() {
        assert_eq!(SEED_ROWS.len(), 23);
        for (n, row) in SEED_ROWS.iter().enumerate() {
            assert_eq!(row.row as usize, n + 1);
            for k in row.kinds {
                assert!(
                    KINDS.iter().any(|x| x.kind == *k),
                    "seed row {}: {k}",
                    row.row
                );
            }
        }
    }
}
