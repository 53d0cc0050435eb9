//! The offline readiness rules (upgrade-rules.md §6, with the rules of §1–§5 they rest on).
//!
//! Each finding names the site or server it concerns, says what to do, cites its source (§0) and
//! rule, and points at the task that fixes it. Rules that need a fix before an upgrade produce a
//! `Remedy`: a task the sequence places before every upgrade (and database test) it blocks.

use std::collections::BTreeMap;

use super::estimates::Estimates;
use super::model::{Finding, Severity};
use super::sources;
use super::texts::Vars;
use super::{fmt_int, fmt_num, os_label, sql_label, version_label, Ctx};
use crate::model::{
    OsVersion, Role, SchemaExtension, SecurityMode, SiteVersion, SqlVersion, TargetMedia, TaskKind,
};

/// Minimum operating system of a site server: Windows Server 2003 SP1 (R2.1, CONFIRMED by S32).
pub const MIN_SITE_SERVER_OS: OsVersion = OsVersion::Windows2003Sp1;
/// Minimum SQL Server for the site database: SQL Server 2005 SP2. UNCONFIRMED (R2.9 / U3: the
/// service-pack level is from memory; SQL Server 2000 is excluded by derivation from S12).
pub const MIN_SQL_VERSION: SqlVersion = SqlVersion::Sql2005Sp2;
/// Minimum free disk on a site server, in GB. UNCONFIRMED (R2.5 / D5.5 / U1: recalled from S8,
/// whose table could not be read).
pub const SITE_SERVER_MIN_FREE_GB: f64 = 5.0;
/// The same when operating system deployment is used. UNCONFIRMED (R2.5 / D5.5 / U1).
pub const SITE_SERVER_MIN_FREE_GB_OSD: f64 = 15.0;
/// Whether a CM07 management point also needs the BITS server extension. UNCONFIRMED (R2.14 / U9:
/// required in later versions only), so it is not checked by default.
pub const MP_REQUIRES_BITS: bool = false;
/// Capacity maximums (R2.7, CONFIRMED by S30).
pub const MAX_CLIENTS_PER_HIERARCHY: u64 = 200_000;
pub const MAX_CLIENTS_PER_PRIMARY: u64 = 100_000;
pub const MAX_SECONDARIES_PER_PRIMARY: usize = 500;
pub const MAX_CLIENTS_PER_MP: u64 = 25_000;
pub const MAX_DPS_PER_SITE: usize = 100;
pub const MAX_CLIENTS_PER_DP: u64 = 4_000;

/// One rule of the catalogue: its stable code and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub title: &'static str,
    /// The severity the rule usually carries; a finding may be milder (e.g. an UNCONFIRMED case).
    pub severity: Severity,
    /// Source id in upgrade-rules.md §0.
    pub source: &'static str,
    /// Rule id in upgrade-rules.md.
    pub rule: &'static str,
}

use Severity::{Blocker, Info, Warning};

/// The rule catalogue (codes from upgrade-rules.md §6, plus CHK-CAP, CHK-SLP, CHK-UPGRADED and
/// CHK-CUSTOM, which §6 does not name; CHK-DISK is split into its site-server and database parts).
pub const RULES: &[Rule] = &[
    Rule {
        code: "CHK-PATH",
        title: "Supported upgrade path",
        severity: Blocker,
        source: "S3",
        rule: "R1.1",
    },
    Rule {
        code: "CHK-SECMODE",
        title: "Advanced security on the site and its direct children",
        severity: Blocker,
        source: "S3",
        rule: "R3.2",
    },
    Rule {
        code: "CHK-LEGACY",
        title: "No Legacy Clients",
        severity: Blocker,
        source: "S3",
        rule: "R3.3",
    },
    Rule {
        code: "CHK-FP",
        title: "No feature packs except ITMU",
        severity: Blocker,
        source: "S3",
        rule: "R3.6",
    },
    Rule {
        code: "CHK-SQLREPL",
        title: "Site database not replicated",
        severity: Blocker,
        source: "S3",
        rule: "R3.5",
    },
    Rule {
        code: "CHK-SQLVER",
        title: "Supported SQL Server version",
        severity: Blocker,
        source: "S12",
        rule: "R2.9",
    },
    Rule {
        code: "CHK-OS",
        title: "Supported operating system",
        severity: Blocker,
        source: "S8",
        rule: "R2.1",
    },
    Rule {
        code: "CHK-MP-WEB",
        title: "WebDAV on management points (remote ones included)",
        severity: Blocker,
        source: "S3",
        rule: "R3.4",
    },
    Rule {
        code: "CHK-DP-BITS",
        title: "IIS, WebDAV and BITS on BITS-enabled distribution points",
        severity: Blocker,
        source: "S29",
        rule: "R2.15",
    },
    Rule {
        code: "CHK-CAP",
        title: "Client access points do not exist in Configuration Manager 2007",
        severity: Warning,
        source: "S28",
        rule: "R3.3",
    },
    Rule {
        code: "CHK-KEYX",
        title: "Public keys exchanged by hand",
        severity: Warning,
        source: "S40",
        rule: "R3.9",
    },
    Rule {
        code: "CHK-SCHEMA",
        title: "Active Directory schema extended for Configuration Manager 2007",
        severity: Warning,
        source: "S8",
        rule: "R3.10",
    },
    Rule {
        code: "CHK-SLP",
        title: "Server locator point while the schema is not extended",
        severity: Warning,
        source: "S25",
        rule: "R7.4",
    },
    Rule {
        code: "CHK-DISK-SITE",
        title: "Free disk on the site server",
        severity: Warning,
        source: "S8",
        rule: "D5.5",
    },
    Rule {
        code: "CHK-DISK-DB",
        title: "Free disk for the site database growth",
        severity: Warning,
        source: "S1",
        rule: "D5.1",
    },
    Rule {
        code: "CHK-DISK-SERVER",
        title: "Free disk for everything one computer holds (site server and databases together)",
        severity: Warning,
        source: "S1",
        rule: "D5.1",
    },
    Rule {
        code: "CHK-CAPACITY",
        title: "Capacity maximums",
        severity: Warning,
        source: "S30",
        rule: "R2.7",
    },
    Rule {
        code: "CHK-PARENT",
        title: "Parent already on Configuration Manager 2007",
        severity: Warning,
        source: "S2",
        rule: "R4.2",
    },
    Rule {
        code: "CHK-UPGRADED",
        title: "Site already on Configuration Manager 2007",
        severity: Info,
        source: "S7",
        rule: "§1",
    },
    Rule {
        code: "CHK-MIXEDMODE",
        title: "Mixed mode during the upgrade",
        severity: Info,
        source: "S31",
        rule: "R2.19",
    },
    Rule {
        code: "CHK-CUSTOM",
        title: "Company-specific task not placed",
        severity: Info,
        source: "S1",
        rule: "§9",
    },
];

pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// A task that fixes findings, and the upgrades it must precede.
#[derive(Debug, Clone)]
pub(crate) struct Remedy {
    pub id: String,
    pub kind: TaskKind,
    pub variant: Option<&'static str>,
    pub site: Option<usize>,
    /// Server name as written in the description.
    pub server: Option<String>,
    pub vars: Vars,
    /// Site indices whose upgrade must wait for it.
    pub blocks_upgrade: Vec<usize>,
    /// Primary site indices whose database test must wait for it.
    pub blocks_db_test: Vec<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Analysis {
    pub findings: Vec<Finding>,
    /// Remediation tasks, merged by ID, in the order they were first raised.
    pub remedies: Vec<Remedy>,
}

impl Analysis {
    #[allow(clippy::too_many_arguments)]
    fn raise(
        &mut self,
        code: &str,
        severity: Option<Severity>,
        source: Option<(&str, &str)>,
        site: Option<String>,
        server: Option<String>,
        message: String,
        remediation: Option<String>,
    ) {
        let r = rule(code).unwrap_or_else(|| panic!("finding code {code} is not in RULES"));
        let (source_id, rule_id) = source.unwrap_or((r.source, r.rule));
        let source = sources::source(source_id)
            .unwrap_or_else(|| panic!("source {source_id} is not in the §0 table"));
        self.findings.push(Finding {
            code: code.to_string(),
            severity: severity.unwrap_or(r.severity),
            site,
            server,
            message,
            source,
            rule: rule_id.to_string(),
            remediation_task: remediation,
        });
    }

    fn remedy(&mut self, r: Remedy) -> String {
        let id = r.id.clone();
        if let Some(existing) = self.remedies.iter_mut().find(|e| e.id == r.id) {
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

fn vars(pairs: &[(&'static str, String)]) -> Vars {
    pairs.iter().cloned().collect::<BTreeMap<_, _>>()
}

fn pack_name(pack: &str) -> String {
    match pack {
        "osd" => "Operating System Deployment (OSD)".to_string(),
        "device-management" => "Device Management".to_string(),
        "itmu" => "Inventory Tool for Microsoft Updates (ITMU)".to_string(),
        other => other.to_string(),
    }
}

/// Runs every rule over the environment.
pub(crate) fn check(ctx: &Ctx, est: &Estimates) -> Analysis {
    let env = ctx.env;
    let target = env.plan.target;
    let target_name = super::target_name(target);
    let mut a = Analysis::default();
    let any_upgrade = ctx.upgraded_sites().next().is_some();
    let central = ctx.site(0);

    // Hierarchy-wide rules.
    if any_upgrade {
        match env.active_directory.schema_extended {
            SchemaExtension::ConfigMgr2007 => {}
            SchemaExtension::Sms2003 => a.raise(
                "CHK-SCHEMA", None, None, None, None,
                "The Active Directory schema is extended for SMS 2003 only: update it for Configuration Manager 2007 (extadsch.exe), before or after the upgrade; it does not harm SMS 2003.".into(),
                Some("AD-SCHEMA".into()),
            ),
            SchemaExtension::None => a.raise(
                "CHK-SCHEMA", None, None, None, None,
                format!(
                    "The Active Directory schema is not extended: Configuration Manager 2007 clients then need a server locator point to find their site{}. Decide whether to extend it (extadsch.exe) before the upgrade.",
                    if env.sites.len() > 1 { ", and public keys must be exchanged between sites by hand" } else { "" }
                ),
                Some("AD-SCHEMA".into()),
            ),
        }
        let has_slp = env
            .servers
            .iter()
            .any(|s| s.has_role(Role::ServerLocatorPoint));
        if env.active_directory.schema_extended == SchemaExtension::None && !has_slp {
            a.raise(
                "CHK-SLP", None, None, Some(central.code.to_string()), None,
                format!("No server locator point exists and the schema is not extended: install one at the central site {} so that upgraded clients can be assigned to their site.", central.code),
                Some(format!("ROLE-SLP-{}", central.code)),
            );
        }
        a.raise(
            "CHK-MIXEDMODE", None, None, None, None,
            "Keep every site in mixed mode until all SMS 2003 clients and sites are gone: a site serving SMS 2003 clients, or with a mixed-mode parent, cannot be in native mode.".into(),
            None,
        );
    }

    // Manual key exchange (K1): a preparation step, not a defect, so one warning for the
    // hierarchy that says why, pointing at the one task that does it.
    let manual_keys = env.active_directory.schema_extended == SchemaExtension::None
        || !env.active_directory.sites_publish;
    if any_upgrade && manual_keys && env.sites.len() > 1 {
        let why = if env.active_directory.schema_extended == SchemaExtension::None {
            "the Active Directory schema is not extended"
        } else {
            "the sites do not publish site data to Active Directory"
        };
        a.raise(
            "CHK-KEYX", None, None, None, None,
            format!("Sites cannot verify each other's public keys through Active Directory because {why}: once secure key exchange is required, the keys of every parent/child pair must be exchanged by hand (preinst /keyforparent, /keyforchild), or a parent keeps rejecting its child's data. The key-exchange preparation task does this, one item per pair."),
            Some("KEY-EXCHANGE".into()),
        );
    }

    // Per-site rules, in hierarchy order.
    for i in 0..env.sites.len() {
        let site = ctx.site(i);
        let code = site.code.to_string();
        let parent = ctx.parent_of(i);
        if !ctx.upgrade[i] {
            let sp_note = match (site.version, target) {
                (SiteVersion::ConfigMgr2007Rtm, TargetMedia::Sp1 | TargetMedia::Sp2)
                | (SiteVersion::ConfigMgr2007Sp1, TargetMedia::Sp2) => format!(
                    " Apply the {target_name} service pack to it separately; this plan does not include it."
                ),
                _ => String::new(),
            };
            a.raise(
                "CHK-UPGRADED",
                None,
                None,
                Some(code.clone()),
                None,
                format!(
                    "{code} already runs {}: the plan has no upgrade tasks for it.{sp_note}",
                    version_label(site.version)
                ),
                None,
            );
            if let Some(p) = parent.filter(|&p| ctx.upgrade[p]) {
                let pc = &ctx.site(p).code;
                a.raise(
                    "CHK-PARENT", None, None, Some(code.clone()), None,
                    format!("{code} already runs Configuration Manager 2007 but its parent {pc} still runs SMS 2003: a Configuration Manager 2007 site may not report to an SMS 2003 parent. Upgrade {pc} first."),
                    Some(format!("SITE-UPG-{pc}")),
                );
            }
            continue;
        }

        // Upgrade path (R1.1, R1.2, R1.4).
        let path = match site.version {
            SiteVersion::Sms20 => Some((Some("sms20"), ("S35", "R1.4"), format!(
                "{code} runs SMS 2.0, which cannot be upgraded to Configuration Manager 2007: upgrade it to SMS 2003 (from SMS 2.0 SP4 or later), apply SMS 2003 SP3, or migrate it side by side."))),
            SiteVersion::Sms2003Rtm | SiteVersion::Sms2003Sp1 => Some((None, ("S3", "R1.1"), format!(
                "{code} runs {}: every site must be at SMS 2003 SP2 or later before the upgrade. Apply SMS 2003 SP3 (SP2 is the minimum).", version_label(site.version)))),
            SiteVersion::Sms2003Sp2 if target == TargetMedia::Sp2 => Some((Some("sp3"), ("S7", "R1.2"), format!(
                "{code} runs SMS 2003 SP2, which {target_name} media cannot upgrade: apply SMS 2003 SP3 first (or upgrade with SP1 media, then apply SP2)."))),
            _ => None,
        };
        if let Some((variant, src, message)) = path {
            let id = a.remedy(Remedy {
                id: format!("SMS-SP-{code}"),
                kind: TaskKind::SmsSp,
                variant,
                site: Some(i),
                server: None,
                vars: vars(&[("version", version_label(site.version).to_string())]),
                // A child below SMS 2003 SP2 (SMS 2.0 above all) cannot stay under an upgraded
                // parent: the parent's upgrade waits for it too.
                blocks_upgrade: std::iter::once(i)
                    .chain(parent.filter(|&p| ctx.upgrade[p]))
                    .collect(),
                blocks_db_test: if site.is_primary() { vec![i] } else { vec![] },
            });
            a.raise(
                "CHK-PATH",
                None,
                Some(src),
                Some(code.clone()),
                None,
                message,
                Some(id),
            );
        }

        // Security mode of the site, which also blocks its parent (R3.2).
        if site.security == SecurityMode::Standard {
            let mut blocks = vec![i];
            let also = match parent.filter(|&p| ctx.upgrade[p]) {
                Some(p) => {
                    blocks.push(p);
                    format!(" and of its parent {} (a site's direct children must be in advanced security too)", ctx.site(p).code)
                }
                None => String::new(),
            };
            let id = a.remedy(Remedy {
                id: format!("SECMODE-{code}"),
                kind: TaskKind::Secmode,
                variant: None,
                site: Some(i),
                server: None,
                vars: Vars::new(),
                blocks_upgrade: blocks,
                blocks_db_test: vec![],
            });
            a.raise(
                "CHK-SECMODE", None, None, Some(code.clone()), None,
                format!("{code} runs in standard security: switch it to advanced security before the upgrade of {code}{also}."),
                Some(id),
            );
        }

        // Legacy Clients (R3.3): their clients are assigned to the primary (the site itself or,
        // for a secondary, its parent), so both upgrades wait.
        if site.legacy_clients > 0 {
            let mut blocks = vec![i];
            if !site.is_primary() {
                blocks.extend(parent.filter(|&p| ctx.upgrade[p]));
            }
            let id = a.remedy(Remedy {
                id: format!("LEGACY-{code}"),
                kind: TaskKind::Legacy,
                variant: None,
                site: Some(i),
                server: None,
                vars: vars(&[("legacy_clients", fmt_int(site.legacy_clients))]),
                blocks_upgrade: blocks,
                blocks_db_test: vec![],
            });
            a.raise(
                "CHK-LEGACY", None, None, Some(code.clone()), None,
                format!("{code} has {} Legacy Clients: upgrade them to the SMS 2003 Advanced Client (or retire them) before {code} is upgraded.", fmt_int(site.legacy_clients)),
                Some(id),
            );
        }

        // Feature packs other than ITMU (R3.6).
        let packs: Vec<String> = site
            .feature_packs
            .iter()
            .filter(|p| !p.eq_ignore_ascii_case("itmu"))
            .map(|p| pack_name(&p.to_lowercase()))
            .collect();
        if !packs.is_empty() {
            let list = packs.join(", ");
            let id = a.remedy(Remedy {
                id: format!("FP-REMOVE-{code}"),
                kind: TaskKind::FpRemove,
                variant: None,
                site: Some(i),
                server: None,
                vars: vars(&[("feature_packs", list.clone())]),
                blocks_upgrade: vec![i],
                blocks_db_test: vec![],
            });
            a.raise(
                "CHK-FP", None, None, Some(code.clone()), None,
                format!("{code} has SMS 2003 feature packs installed other than ITMU: {list}. Uninstall them before the upgrade (ITMU stays and is upgraded)."),
                Some(id),
            );
        }

        // Site server free disk (D5.5).
        if let Some(srv) = env.server(&site.site_server) {
            let osd = site
                .feature_packs
                .iter()
                .any(|p| p.eq_ignore_ascii_case("osd"));
            let min = if osd {
                SITE_SERVER_MIN_FREE_GB_OSD
            } else {
                SITE_SERVER_MIN_FREE_GB
            };
            if let Some(gb) = srv.free_disk_gb.filter(|gb| *gb < min) {
                let with = if osd {
                    " (operating system deployment is in use)"
                } else {
                    ""
                };
                a.raise(
                    "CHK-DISK-SITE", None, None, Some(code.clone()), Some(srv.name.clone()),
                    format!("Site server {} has {} GB free, below the {} GB minimum{with}: free space before the upgrade.", srv.name, fmt_num(gb), fmt_num(min)),
                    Some(format!("PREPARE-{code}")),
                );
            }
        }

        // Capacity (R2.7).
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
                a.raise("CHK-CAPACITY", None, None, Some(code.clone()), None,
                    format!("{code} has {} clients assigned (with its secondaries), above the {} supported per primary site: split it before or during the upgrade.", fmt_int(assigned), fmt_int(MAX_CLIENTS_PER_PRIMARY)), None);
            }
            if secondaries.len() > MAX_SECONDARIES_PER_PRIMARY {
                a.raise(
                    "CHK-CAPACITY",
                    None,
                    None,
                    Some(code.clone()),
                    None,
                    format!(
                        "{code} has {} secondary sites, above the {} supported per primary site.",
                        secondaries.len(),
                        MAX_SECONDARIES_PER_PRIMARY
                    ),
                    None,
                );
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
                a.raise("CHK-CAPACITY", None, None, Some(code.clone()), None,
                    format!("{code} has {} clients for {mps} management point(s), above {} per management point: use a network load balanced management point.", fmt_int(assigned), fmt_int(MAX_CLIENTS_PER_MP)), None);
            }
        }
        let members: Vec<_> = ctx
            .site_servers(i)
            .into_iter()
            .filter_map(|n| env.server(n))
            .filter(|s| s.site.as_ref() == Some(&site.code))
            .collect();
        let dps = members
            .iter()
            .filter(|s| {
                s.has_role(Role::DistributionPoint) || s.has_role(Role::BitsDistributionPoint)
            })
            .count();
        let own = site.clients + site.legacy_clients;
        if dps > MAX_DPS_PER_SITE {
            a.raise("CHK-CAPACITY", None, None, Some(code.clone()), None,
                format!("{code} has {dps} distribution points, above the {MAX_DPS_PER_SITE} supported per site."), None);
        }
        if dps > 0 && own > MAX_CLIENTS_PER_DP * dps as u64 {
            a.raise("CHK-CAPACITY", None, None, Some(code.clone()), None,
                format!("{code} has {} clients for {dps} distribution point(s); each serves up to {}: add distribution points (or branch distribution points) for the Configuration Manager 2007 client rollout.", fmt_int(own), fmt_int(MAX_CLIENTS_PER_DP)), None);
        }
    }

    let total_clients: u64 = env.sites.iter().map(|s| s.clients + s.legacy_clients).sum();
    if any_upgrade && total_clients > MAX_CLIENTS_PER_HIERARCHY {
        a.raise(
            "CHK-CAPACITY",
            None,
            None,
            None,
            None,
            format!(
                "The hierarchy has {} clients, above the {} supported per hierarchy.",
                fmt_int(total_clients),
                fmt_int(MAX_CLIENTS_PER_HIERARCHY)
            ),
            None,
        );
    }

    let sql_plans: BTreeMap<&str, &super::model::SqlServerPlan> = est
        .sql_servers
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    // Per-server rules, for servers that serve a site this plan upgrades.
    for s in ctx.servers.iter().filter(|s| s.in_scope) {
        let srv = s.srv;
        let name = srv.name.clone();
        let home = s.home().map(|i| ctx.site(i).code.to_string());
        let upgraded: Vec<usize> = s
            .sites
            .iter()
            .copied()
            .filter(|&i| ctx.upgrade[i])
            .collect();
        let hosted: Vec<usize> = s
            .db_of
            .iter()
            .copied()
            .filter(|&i| ctx.upgrade[i])
            .collect();
        let db_only = s.site_server_of.is_empty() && srv.roles.is_empty();
        let is_site_server = !s.site_server_of.is_empty();

        // Operating system (R2.1, R2.2).
        match srv.os {
            OsVersion::Windows2000Sp4 if !db_only => {
                let id = a.remedy(Remedy {
                    id: format!("OS-UPG-{}", s.id),
                    kind: TaskKind::OsUpg,
                    variant: Some("win2000"),
                    site: s.home(),
                    server: Some(name.clone()),
                    vars: vars(&[("os", os_label(srv.os).to_string())]),
                    blocks_upgrade: upgraded.clone(),
                    blocks_db_test: vec![],
                });
                a.raise("CHK-OS", None, None, home.clone(), Some(name.clone()),
                    format!("{name} runs Windows 2000 Server, on which Configuration Manager 2007 supports no site server and no site system role other than the site database server: upgrade it to Windows Server 2003 SP1 or later, rebuild it, or move its roles to another server (a small distribution-only secondary can become a branch distribution point), before its site is upgraded."),
                    Some(id));
            }
            os if os < MIN_SITE_SERVER_OS && !db_only => {
                let severity = if is_site_server { Blocker } else { Warning };
                let id = a.remedy(Remedy {
                    id: format!("OS-UPG-{}", s.id),
                    kind: TaskKind::OsUpg,
                    variant: Some("sp"),
                    site: s.home(),
                    server: Some(name.clone()),
                    vars: vars(&[("os", os_label(srv.os).to_string())]),
                    blocks_upgrade: upgraded.clone(),
                    blocks_db_test: vec![],
                });
                a.raise("CHK-OS", Some(severity), None, home.clone(), Some(name.clone()),
                    format!("{name} runs {}; a site server needs Windows Server 2003 SP1 or later: apply the service pack before its site is upgraded.", os_label(os)),
                    Some(id));
            }
            OsVersion::Windows2008 | OsVersion::Windows2008Sp2 if target == TargetMedia::Rtm => {
                let id = a.remedy(Remedy {
                    id: "PREP-MEDIA".into(),
                    kind: TaskKind::PrepMedia,
                    variant: None,
                    site: None,
                    server: None,
                    vars: Vars::new(),
                    blocks_upgrade: upgraded.clone(),
                    blocks_db_test: vec![],
                });
                a.raise("CHK-OS", None, Some(("S6", "R2.2")), home.clone(), Some(name.clone()),
                    format!("{name} runs Windows Server 2008, supported only with the Configuration Manager 2007 SP1 complete release: upgrade with SP1 (or later) media instead of {target_name}."),
                    Some(id));
            }
            OsVersion::Windows2008R2 => {
                a.raise("CHK-OS", Some(Warning), Some(("S7", "R2.2")), home.clone(), Some(name.clone()),
                    format!("{name} runs Windows Server 2008 R2; this plan assumes it is supported from Configuration Manager 2007 SP2 on: check the supported configurations before relying on it."),
                    None);
            }
            _ => {}
        }

        // WebDAV on management points, including remote ones the checker does not see (R3.4, R2.14).
        let mp_missing: Vec<&str> = if srv.has_role(Role::ManagementPoint) {
            let mut m = Vec::new();
            if !srv.webdav {
                m.push("the WebDAV extension");
            }
            if MP_REQUIRES_BITS && !srv.bits {
                m.push("the BITS server extension");
            }
            m
        } else {
            Vec::new()
        };
        if !mp_missing.is_empty() {
            let remote = if is_site_server {
                ""
            } else {
                " It is a remote management point: Setup's prerequisite checker does not check it."
            };
            let id = a.remedy(Remedy {
                id: format!("WEBDAV-{}", s.id),
                kind: TaskKind::Webdav,
                variant: None,
                site: s.home(),
                server: Some(name.clone()),
                vars: vars(&[("roles", "management point".into())]),
                blocks_upgrade: upgraded.clone(),
                blocks_db_test: vec![],
            });
            a.raise("CHK-MP-WEB", None, None, home.clone(), Some(name.clone()),
                format!("Management point {name} lacks {}: enable it in IIS before its site is upgraded.{remote}", mp_missing.join(" and ")),
                Some(id));
        }
        if srv.has_role(Role::BitsDistributionPoint) && (!srv.webdav || !srv.bits) {
            let mut m = Vec::new();
            if !srv.webdav {
                m.push("the WebDAV extension");
            }
            if !srv.bits {
                m.push("the BITS server extension");
            }
            let id = a.remedy(Remedy {
                id: format!("WEBDAV-{}", s.id),
                kind: TaskKind::Webdav,
                variant: None,
                site: s.home(),
                server: Some(name.clone()),
                vars: vars(&[("roles", "BITS-enabled distribution point".into())]),
                blocks_upgrade: upgraded.clone(),
                blocks_db_test: vec![],
            });
            a.raise("CHK-DP-BITS", None, None, home.clone(), Some(name.clone()),
                format!("BITS-enabled distribution point {name} lacks {}: enable it in IIS before its site is upgraded.", m.join(" and ")),
                Some(id));
        }

        // Client access points disappear (glossary, R3.3).
        if srv.has_role(Role::ClientAccessPoint) {
            let legacy_site = s
                .home()
                .filter(|&i| ctx.upgrade[i] && ctx.site(i).legacy_clients > 0);
            let then = match legacy_site {
                Some(i) => format!(
                    " {}'s Legacy Clients, which use it, must be upgraded first.",
                    ctx.site(i).code
                ),
                None => String::new(),
            };
            a.raise("CHK-CAP", None, None, home.clone(), Some(name.clone()),
                format!("{name} is a client access point, a role Configuration Manager 2007 does not have: the upgrade removes it.{then}"),
                legacy_site.map(|i| format!("LEGACY-{}", ctx.site(i).code)));
        }

        if hosted.is_empty() {
            continue;
        }
        // SQL replication (R3.5): off before the database is copied for the test.
        if srv.sql_replication {
            let id = a.remedy(Remedy {
                id: format!("SQLREPL-OFF-{}", s.id),
                kind: TaskKind::SqlreplOff,
                variant: None,
                site: s.home(),
                server: Some(name.clone()),
                vars: Vars::new(),
                blocks_upgrade: hosted.clone(),
                blocks_db_test: hosted.clone(),
            });
            let codes = site_list(ctx, &hosted);
            a.raise("CHK-SQLREPL", None, None, home.clone(), Some(name.clone()),
                format!("Replication is enabled on {name}, which hosts the database of {codes}: disable it before the database is copied for the upgrade test and before the upgrade."),
                Some(id));
        }
        // SQL Server version (R2.9, R2.10).
        if let Some(sql) = srv.sql {
            let label = sql_label(sql);
            let codes = site_list(ctx, &hosted);
            let (variant, message, src) = if sql < SqlVersion::Sql2005Rtm {
                (Some("sql2000"), format!("{name} runs {label}; the site database of {codes} needs SQL Server 2005, SP2 or later (the service-pack level is an assumption of this plan, see Assumptions): upgrade SQL Server before the database test and the upgrade."), None)
            } else if sql < MIN_SQL_VERSION {
                (Some("sp"), format!("{name} runs {label}; the site database of {codes} needs SQL Server 2005 SP2 or later (an assumption of this plan, see Assumptions): apply the service pack before the database test and the upgrade."), None)
            } else if sql >= SqlVersion::Sql2008Rtm && target == TargetMedia::Rtm {
                (None, format!("{name} runs {label}, supported only with the Configuration Manager 2007 SP1 complete release: upgrade with SP1 (or later) media instead of {target_name}."), Some(("S6", "R2.10")))
            } else {
                (Some("ok"), String::new(), None)
            };
            if variant != Some("ok") {
                let remedy = match variant {
                    Some(v) => Remedy {
                        id: format!("SQL-UPG-{}", s.id),
                        kind: TaskKind::SqlUpg,
                        variant: Some(v),
                        site: s.home(),
                        server: Some(name.clone()),
                        vars: vars(&[("sql", sql_label(sql).to_string())]),
                        blocks_upgrade: hosted.clone(),
                        blocks_db_test: hosted.clone(),
                    },
                    None => Remedy {
                        id: "PREP-MEDIA".into(),
                        kind: TaskKind::PrepMedia,
                        variant: None,
                        site: None,
                        server: None,
                        vars: Vars::new(),
                        blocks_upgrade: hosted.clone(),
                        blocks_db_test: hosted.clone(),
                    },
                };
                let id = a.remedy(remedy);
                a.raise(
                    "CHK-SQLVER",
                    None,
                    src,
                    home.clone(),
                    Some(name.clone()),
                    message,
                    Some(id),
                );
            }
        }
        // Site server and databases on one computer: their needs add up.
        if let Some(k) = ctx.server_position(&srv.name) {
            if let Some(d) = super::disk::need(ctx, est, k) {
                let both = d.parts.len() > 1 && is_site_server;
                if let Some(short) = d.shortfall_mb.filter(|s| *s > 0.0 && both) {
                    a.raise("CHK-DISK-SERVER", None, None, home.clone(), Some(name.clone()),
                        format!("{name} holds the site server and the site database: together they need {}, against {} MB free: short by {} MB. Free or add space before the database test and the upgrade.", d.sum_text(), fmt_num(d.free_mb.unwrap_or(0.0)), fmt_num(short)),
                        home.as_ref().map(|h| format!("PREPARE-{h}")));
                }
            }
        }
        // Database growth against free space (D5.1, D5.2).
        if let Some(plan) = sql_plans.get(srv.name.as_str()) {
            if let Some(short) = plan.shortfall_mb.filter(|s| *s > 0.0) {
                a.raise("CHK-DISK-DB", None, None, home.clone(), Some(name.clone()),
                    format!("{name} is short by {} MB for the database growth of {codes}: {}. Free or add space before the database test and the upgrade.", fmt_num(short), plan.formula, codes = site_list(ctx, &plan_sites(ctx, &plan.sites))),
                    home.as_ref().map(|h| format!("PREPARE-{h}")));
            }
        }
    }
    a
}

fn plan_sites(ctx: &Ctx, codes: &[String]) -> Vec<usize> {
    codes.iter().filter_map(|c| ctx.index_of(c)).collect()
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
        for r in RULES {
            assert!(
                sources::source(r.source).is_some(),
                "{} cites {}, which is not in §0",
                r.code,
                r.source
            );
            assert!(r.code.starts_with("CHK-"), "{}", r.code);
        }
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "rule codes are unique");
    }

    #[test]
    fn unconfirmed_thresholds_keep_the_reference_values() {
        assert_eq!(SITE_SERVER_MIN_FREE_GB, 5.0);
        assert_eq!(SITE_SERVER_MIN_FREE_GB_OSD, 15.0);
        assert_eq!(MIN_SQL_VERSION, SqlVersion::Sql2005Sp2);
        assert_eq!(MIN_SITE_SERVER_OS, OsVersion::Windows2003Sp1);
    }
}
