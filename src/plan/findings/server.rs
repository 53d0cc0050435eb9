//! Per-server rules, for servers that serve a site this plan upgrades: operating system, IIS on
//! management and BITS-enabled distribution points, client access points, and the SQL Server of
//! a site database (replication, version).

use super::{
    site_list, Analysis, Remedy, RuleCode, MIN_SITE_SERVER_OS, MIN_SQL_VERSION, MP_REQUIRES_BITS,
};
use crate::model::{OsVersion, Role, SqlVersion, TargetMedia, TaskKind};
use crate::plan::model::Severity::{Blocker, Warning};
use crate::plan::{os_label, sql_label, target_name, Ctx};

pub(super) fn check(ctx: &Ctx, a: &mut Analysis) {
    let target = ctx.env.plan.target;
    let target_name = target_name(target);
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
        let hosted: Vec<usize> = s.upgraded_db_of(ctx);
        let db_only = s.site_server_of.is_empty() && srv.roles.is_empty();
        let is_site_server = !s.site_server_of.is_empty();

        // Operating system (R2.1, R2.2).
        let os_upgrade = |variant| {
            Remedy::on_server(TaskKind::OsUpg, s)
                .variant(variant)
                .var("os", os_label(srv.os))
                .gates(&upgraded, &[])
        };
        match srv.os {
            OsVersion::Windows2000Sp4 if !db_only => {
                let id = a.remedy(os_upgrade("win2000"));
                a.raise(RuleCode::Os,
                    format!("{name} runs Windows 2000 Server, on which Configuration Manager 2007 supports no site server and no site system role other than the site database server: upgrade it to Windows Server 2003 SP1 or later, rebuild it, or move its roles to another server (a small distribution-only secondary can become a branch distribution point), before its site is upgraded."))
                    .site(home.clone())
                    .server(name.clone())
                    .fixed_by(id);
            }
            os if os < MIN_SITE_SERVER_OS && !db_only => {
                let id = a.remedy(os_upgrade("sp"));
                a.raise(RuleCode::Os,
                    format!("{name} runs {}; a site server needs Windows Server 2003 SP1 or later: apply the service pack before its site is upgraded.", os_label(os)))
                    .severity(if is_site_server { Blocker } else { Warning })
                    .site(home.clone())
                    .server(name.clone())
                    .fixed_by(id);
            }
            OsVersion::Windows2008 | OsVersion::Windows2008Sp2 if target == TargetMedia::Rtm => {
                let id = a.remedy(Remedy::hierarchy(TaskKind::PrepMedia).gates(&upgraded, &[]));
                a.raise(RuleCode::Os,
                    format!("{name} runs Windows Server 2008, supported only with the Configuration Manager 2007 SP1 complete release: upgrade with SP1 (or later) media instead of {target_name}."))
                    .cites("S6", "R2.2")
                    .site(home.clone())
                    .server(name.clone())
                    .fixed_by(id);
            }
            OsVersion::Windows2008R2 => {
                a.raise(RuleCode::Os,
                    format!("{name} runs Windows Server 2008 R2; this plan assumes it is supported from Configuration Manager 2007 SP2 on: check the supported configurations before relying on it."))
                    .severity(Warning)
                    .cites("S7", "R2.2")
                    .site(home.clone())
                    .server(name.clone());
            }
            _ => {}
        }

        // WebDAV on management points, including remote ones the checker does not see (R3.4, R2.14).
        let mut mp_missing: Vec<&str> = Vec::new();
        if srv.has_role(Role::ManagementPoint) {
            if !srv.webdav {
                mp_missing.push("the WebDAV extension");
            }
            if MP_REQUIRES_BITS && !srv.bits {
                mp_missing.push("the BITS server extension");
            }
        }
        if !mp_missing.is_empty() {
            let remote = if is_site_server {
                ""
            } else {
                " It is a remote management point: Setup's prerequisite checker does not check it."
            };
            let id = a.remedy(
                Remedy::on_server(TaskKind::Webdav, s)
                    .var("roles", "management point")
                    .gates(&upgraded, &[]),
            );
            a.raise(RuleCode::MpWebdav,
                format!("Management point {name} lacks {}: enable it in IIS before its site is upgraded.{remote}", mp_missing.join(" and ")))
                .site(home.clone())
                .server(name.clone())
                .fixed_by(id);
        }
        if srv.has_role(Role::BitsDistributionPoint) && (!srv.webdav || !srv.bits) {
            let mut m = Vec::new();
            if !srv.webdav {
                m.push("the WebDAV extension");
            }
            if !srv.bits {
                m.push("the BITS server extension");
            }
            let id = a.remedy(
                Remedy::on_server(TaskKind::Webdav, s)
                    .var("roles", "BITS-enabled distribution point")
                    .gates(&upgraded, &[]),
            );
            a.raise(RuleCode::DpBits,
                format!("BITS-enabled distribution point {name} lacks {}: enable it in IIS before its site is upgraded.", m.join(" and ")))
                .site(home.clone())
                .server(name.clone())
                .fixed_by(id);
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
            a.raise(RuleCode::ClientAccessPoint,
                format!("{name} is a client access point, a role Configuration Manager 2007 does not have: the upgrade removes it.{then}"))
                .site(home.clone())
                .server(name.clone())
                .fixed_by(legacy_site.map(|i| format!("LEGACY-{}", ctx.site(i).code)));
        }

        if hosted.is_empty() {
            continue;
        }
        let codes = site_list(ctx, &hosted);
        let (database_of, needs) = if hosted.len() == 1 {
            ("site database of", "needs")
        } else {
            ("site databases of", "need")
        };
        // SQL replication (R3.5): off before the database is copied for the test.
        if srv.sql_replication {
            let id = a.remedy(Remedy::on_server(TaskKind::SqlreplOff, s).gates(&hosted, &hosted));
            a.raise(RuleCode::SqlReplication,
                format!("Replication is enabled on {name}, which hosts the database of {codes}: disable it before the database is copied for the upgrade test and before the upgrade."))
                .site(home.clone())
                .server(name.clone())
                .fixed_by(id);
        }
        // SQL Server version (R2.9, R2.10).
        let Some(sql) = srv.sql else { continue };
        let label = sql_label(sql);
        let sql_upgrade = |variant| {
            Remedy::on_server(TaskKind::SqlUpg, s)
                .variant(variant)
                .var("sql", label)
                .gates(&hosted, &hosted)
        };
        let (remedy, message, cites) = if sql < SqlVersion::Sql2005Rtm {
            (sql_upgrade("sql2000"), format!("{name} runs {label}; the {database_of} {codes} {needs} SQL Server 2005, SP2 or later (the service-pack level is an assumption of this plan, see Assumptions): upgrade SQL Server before the database test and the upgrade."), None)
        } else if sql < MIN_SQL_VERSION {
            (sql_upgrade("sp"), format!("{name} runs {label}; the {database_of} {codes} {needs} SQL Server 2005 SP2 or later (an assumption of this plan, see Assumptions): apply the service pack before the database test and the upgrade."), None)
        } else if sql >= SqlVersion::Sql2008Rtm && target == TargetMedia::Rtm {
            (Remedy::hierarchy(TaskKind::PrepMedia).gates(&hosted, &hosted), format!("{name} runs {label}, supported only with the Configuration Manager 2007 SP1 complete release: upgrade with SP1 (or later) media instead of {target_name}."), Some(("S6", "R2.10")))
        } else {
            continue;
        };
        let id = a.remedy(remedy);
        let raised = a
            .raise(RuleCode::SqlVersion, message)
            .site(home.clone())
            .server(name.clone())
            .fixed_by(id);
        if let Some((source, rule)) = cites {
            raised.cites(source, rule);
        }
    }
}
