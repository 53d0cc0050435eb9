//! The offline readiness rules (upgrade-rules.md §6, with the rules of §1–§5 they rest on), one
//! module per family: `hierarchy` (schema, keys, locator, mode), `site` (path, security, clients,
//! feature packs), `server` (operating system, IIS, SQL Server) and `capacity` (maximums, disk).
//!
//! Each finding names the site or server it concerns, says what to do, cites its source and
//! points at the task that fixes it. Rules that need a fix before an upgrade produce a `Remedy`:
//! the task the sequence places before every upgrade (and database test) it blocks. Predicates a
//! finding and its task must agree on (manual keys, SLP needed, OSD disk minimum) live here once.

mod capacity;
mod code;
mod hierarchy;
mod server;
mod site;

pub use code::{RuleCode, RuleInfo, RETIRED};

use super::estimates::Estimates;
use super::model::{Finding, Severity};
use super::sources;
use super::texts::Vars;
use super::{Ctx, ServerInfo};
use crate::model::{OsVersion, Role, SchemaExtension, Site, SqlVersion, TaskKind};

/// Minimum operating system of a site server: Windows Server 2003 SP1 (General Supported
/// Configurations).
pub const MIN_SITE_SERVER_OS: OsVersion = OsVersion::Windows2003Sp1;
/// Minimum SQL Server for the site database: SQL Server 2005 SP2. The service-pack level is an
/// assumption (`sql-minimum`); SQL Server 2000 is excluded by the database upgrade test's needs.
pub const MIN_SQL_VERSION: SqlVersion = SqlVersion::Sql2005Sp2;
/// Minimum free disk on a site server, in GB: an assumption (`site-server-disk`).
pub const SITE_SERVER_MIN_FREE_GB: f64 = 5.0;
/// The same when operating system deployment is used (`site-server-disk`).
pub const SITE_SERVER_MIN_FREE_GB_OSD: f64 = 15.0;
/// Whether a CM07 management point also needs the BITS server extension: required in later
/// versions only, so it is not checked by default.
pub const MP_REQUIRES_BITS: bool = false;
/// Capacity maximums (capacity planning, S30).
pub const MAX_CLIENTS_PER_HIERARCHY: u64 = 200_000;
pub const MAX_CLIENTS_PER_PRIMARY: u64 = 100_000;
pub const MAX_SECONDARIES_PER_PRIMARY: usize = 500;
pub const MAX_CLIENTS_PER_MP: u64 = 25_000;
pub const MAX_DPS_PER_SITE: usize = 100;
pub const MAX_CLIENTS_PER_DP: u64 = 4_000;

/// A change that fixes findings, the upgrades it must precede, and where it belongs: the one
/// record both the finding (its task ID) and the remediation task are made from.
#[derive(Debug, Clone)]
pub(crate) struct Remedy {
    pub kind: TaskKind,
    /// The task ID's suffix: the server (upper case), the site code, or empty for the hierarchy.
    pub scope: String,
    pub variant: Option<&'static str>,
    pub site: Option<usize>,
    /// Server name as written in the description.
    pub server: Option<String>,
    pub vars: Vars,
    /// Site indices whose upgrade must wait for it.
    pub blocks_upgrade: Vec<usize>,
    /// Primary site indices whose database test must wait for it.
    pub blocks_db_test: Vec<usize>,
    /// The site whose backup covers it (its own site, or the first site the server serves).
    pub home: usize,
}

impl Remedy {
    /// A change on one server, homed at the first site it serves.
    pub fn on_server(kind: TaskKind, s: &ServerInfo) -> Remedy {
        Remedy {
            kind,
            scope: s.id.clone(),
            variant: None,
            site: s.home(),
            server: Some(s.srv.name.clone()),
            vars: Vars::new(),
            blocks_upgrade: Vec::new(),
            blocks_db_test: Vec::new(),
            home: s.home().unwrap_or(0),
        }
    }

    /// A change to site `i` itself.
    pub fn on_site(ctx: &Ctx, kind: TaskKind, i: usize) -> Remedy {
        Remedy {
            kind,
            scope: ctx.site(i).code.to_string(),
            variant: None,
            site: Some(i),
            server: None,
            vars: Vars::new(),
            blocks_upgrade: Vec::new(),
            blocks_db_test: Vec::new(),
            home: i,
        }
    }

    /// A decision for the whole hierarchy (placed among the decisions).
    pub fn hierarchy(kind: TaskKind) -> Remedy {
        Remedy {
            kind,
            scope: String::new(),
            variant: None,
            site: None,
            server: None,
            vars: Vars::new(),
            blocks_upgrade: Vec::new(),
            blocks_db_test: Vec::new(),
            home: 0,
        }
    }

    pub fn variant(mut self, v: &'static str) -> Remedy {
        self.variant = Some(v);
        self
    }

    pub fn var(mut self, key: &'static str, value: impl Into<String>) -> Remedy {
        self.vars.insert(key, value.into());
        self
    }

    /// The upgrades (and database tests) that wait for it.
    pub fn gates(mut self, upgrade: &[usize], db_test: &[usize]) -> Remedy {
        self.blocks_upgrade = upgrade.to_vec();
        self.blocks_db_test = db_test.to_vec();
        self
    }

    /// Whether it is a decision for the whole hierarchy rather than a change to a site or server.
    pub fn is_hierarchy_wide(&self) -> bool {
        self.site.is_none() && self.server.is_none()
    }

    pub fn id(&self) -> String {
        super::sequence::id(self.kind, &self.scope)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Analysis {
    pub findings: Vec<Finding>,
    /// Remediation tasks, merged by ID, in the order they were first raised.
    pub remedies: Vec<Remedy>,
}

/// A finding being raised: where it is, a milder severity or a more precise source, and the task
/// that fixes it are added by chaining.
pub(crate) struct Raised<'a>(&'a mut Finding);

impl Raised<'_> {
    pub fn site(self, site: impl Into<Option<String>>) -> Self {
        self.0.site = site.into();
        self
    }

    pub fn server(self, server: impl Into<Option<String>>) -> Self {
        self.0.server = server.into();
        self
    }

    pub fn severity(self, severity: Severity) -> Self {
        self.0.severity = severity;
        self
    }

    /// Cites `source` (and the reference's rule `rule`) instead of the rule code's own.
    pub fn cites(self, source: &str, rule: &str) -> Self {
        self.0.source = resolve(source);
        self.0.rule = rule.to_string();
        self
    }

    pub fn fixed_by(self, task: impl Into<Option<String>>) -> Self {
        self.0.remediation_task = task.into();
        self
    }
}

fn resolve(source: &str) -> super::model::Source {
    sources::source(source).unwrap_or_else(|| panic!("source {source} is not in the source table"))
}

/// A finding of rule `code` with the rule's severity and source, for the hierarchy until placed.
pub(crate) fn finding(code: RuleCode, message: String) -> Finding {
    let info = code.info();
    Finding {
        code: info.code.to_string(),
        severity: info.severity,
        site: None,
        server: None,
        message,
        source: resolve(info.source),
        rule: info.rule.to_string(),
        remediation_task: None,
    }
}

impl Analysis {
    fn raise(&mut self, code: RuleCode, message: impl Into<String>) -> Raised<'_> {
        self.findings.push(finding(code, message.into()));
        Raised(self.findings.last_mut().expect("just pushed"))
    }

    /// Records the remedy (merging it with one of the same ID) and returns its task ID.
    fn remedy(&mut self, r: Remedy) -> String {
        let id = r.id();
        if let Some(existing) = self.remedies.iter_mut().find(|e| e.id() == id) {
            existing.blocks_upgrade.extend(r.blocks_upgrade);
            existing.blocks_upgrade.sort_unstable();
            existing.blocks_upgrade.dedup();
            existing.blocks_db_test.extend(r.blocks_db_test);
            existing.blocks_db_test.sort_unstable();
            existing.blocks_db_test.dedup();
        } else {
            self.remedies.push(r);
        }
        id
    }
}

/// Why sites cannot verify each other's public keys through Active Directory, when they cannot:
/// then the keys of every parent/child pair are exchanged by hand (K1). The finding and the
/// key-exchange task both ask this.
pub(crate) fn manual_key_exchange(ctx: &Ctx) -> Option<&'static str> {
    let ad = &ctx.env.active_directory;
    if ad.schema_extended == SchemaExtension::None {
        Some("the Active Directory schema is not extended")
    } else if !ad.sites_publish {
        Some("the sites do not publish site data to Active Directory")
    } else {
        None
    }
}

/// Whether the plan must install a server locator point at the central site: the schema is not
/// extended and none is described.
pub(crate) fn slp_needed(ctx: &Ctx) -> bool {
    ctx.env.active_directory.schema_extended == SchemaExtension::None
        && !ctx
            .env
            .servers
            .iter()
            .any(|s| s.has_role(Role::ServerLocatorPoint))
}

/// Whether the site uses operating system deployment (a larger site-server disk minimum, the OSD
/// roles after the upgrade).
pub(crate) fn uses_osd(site: &Site) -> bool {
    has_feature_pack(site, "osd")
}

pub(crate) fn has_feature_pack(site: &Site, pack: &str) -> bool {
    site.feature_packs
        .iter()
        .any(|p| p.eq_ignore_ascii_case(pack))
}

/// The primary sites that get a software update point after the upgrade, top first: every
/// upgraded site that uses the ITMU, the upgraded central site, and the parents of those up to
/// the central site (a child's point synchronises from its parent's; a parent already on
/// Configuration Manager 2007 gets one too). Empty when no upgraded site uses the ITMU.
pub(crate) fn software_update_points(ctx: &Ctx) -> Vec<usize> {
    let itmu: Vec<usize> = ctx
        .upgraded_sites()
        .filter(|&i| ctx.site(i).is_primary() && has_feature_pack(ctx.site(i), "itmu"))
        .collect();
    if itmu.is_empty() {
        return Vec::new();
    }
    let mut sites: Vec<usize> = ctx
        .upgraded_sites()
        .filter(|&i| ctx.site(i).is_central())
        .collect();
    for &i in &itmu {
        let mut at = Some(i);
        while let Some(s) = at {
            sites.push(s);
            at = ctx.parent_of(s);
        }
    }
    sites.sort_by_key(|&i| (ctx.site(i).depth, i));
    sites.dedup();
    sites
}

/// Free disk the site-server install needs, in GB (the `site-server-disk` assumption).
pub(crate) fn site_server_min_free_gb(site: &Site) -> f64 {
    if uses_osd(site) {
        SITE_SERVER_MIN_FREE_GB_OSD
    } else {
        SITE_SERVER_MIN_FREE_GB
    }
}

/// Runs every rule over the environment.
pub(crate) fn check(ctx: &Ctx, est: &Estimates) -> Analysis {
    let mut a = Analysis::default();
    hierarchy::check(ctx, &mut a);
    hierarchy::check_shape(ctx, &mut a);
    site::check(ctx, &mut a);
    capacity::check_sites(ctx, &mut a);
    server::check(ctx, &mut a);
    capacity::check_disks(ctx, est, &mut a);
    a
}

/// "LON and PAR", "CEN", "A, B and C".
pub(crate) fn site_list(ctx: &Ctx, sites: &[usize]) -> String {
    let codes: Vec<String> = sites
        .iter()
        .map(|&i| ctx.site(i).code.to_string())
        .collect();
    match codes.len() {
        0 => String::new(),
        1 => codes[0].clone(),
        n => format!("{} and {}", codes[..n - 1].join(", "), codes[n - 1]),
    }
}

/// Blockers first, then warnings, then infos; hierarchy-wide before per-site; sites in hierarchy
/// order; then by code, server and message so the order never depends on the input's.
pub(crate) fn sort(ctx: &Ctx, findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.severity,
                f.site
                    .as_deref()
                    .and_then(|c| ctx.index_of(c))
                    .map_or(0, |i| i + 1),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.server.cmp(&b.server))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_cites_a_source_of_the_reference_table() {
        for &c in RuleCode::ALL {
            let r = c.info();
            assert!(
                sources::source(r.source).is_some(),
                "{} cites {}, which is not in the source table",
                r.code,
                r.source
            );
            assert!(r.code.starts_with("CHK-"), "{}", r.code);
            assert_eq!(RuleCode::parse(r.code), Some(c));
            assert!(RETIRED.iter().all(|(old, _, _)| *old != r.code));
            assert_eq!(RuleCode::parse(&r.code.to_lowercase()), Some(c));
        }
        let mut codes: Vec<_> = RuleCode::ALL.iter().map(|r| r.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RuleCode::ALL.len(), "rule codes are unique");
    }

    #[test]
    fn assumed_thresholds_keep_the_reference_values() {
        assert_eq!(SITE_SERVER_MIN_FREE_GB, 5.0);
        assert_eq!(SITE_SERVER_MIN_FREE_GB_OSD, 15.0);
        assert_eq!(MIN_SQL_VERSION, SqlVersion::Sql2005Sp2);
        assert_eq!(MIN_SITE_SERVER_OS, OsVersion::Windows2003Sp1);
    }
}
