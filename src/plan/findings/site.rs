//! Per-site rules, in hierarchy order: sites already upgraded, the upgrade path, security mode,
//! Legacy Clients, the management point of a site with clients, and feature packs.

use super::{Analysis, Remedy, RuleCode};
use crate::model::{Role, SecurityMode, SiteVersion, TargetMedia, TaskKind};
use crate::plan::{fmt_int, target_name, version_label, Ctx};

fn pack_name(pack: &str) -> String {
    match pack {
        "osd" => "Operating System Deployment (OSD)".to_string(),
        "device-management" => "Device Management".to_string(),
        "itmu" => "Inventory Tool for Microsoft Updates (ITMU)".to_string(),
        other => other.to_string(),
    }
}

pub(super) fn check(ctx: &Ctx, a: &mut Analysis) {
    let target = ctx.env.plan.target;
    let target_name = target_name(target);
    for i in 0..ctx.env.sites.len() {
        let site = ctx.site(i);
        let code = site.code.to_string();
        let parent = ctx.parent_of(i);
        let upgraded_parent = parent.filter(|&p| ctx.upgrade[p]);
        if !ctx.upgrade[i] {
            let sp_note = match (site.version, target) {
                (SiteVersion::ConfigMgr2007Rtm, TargetMedia::Sp1 | TargetMedia::Sp2)
                | (SiteVersion::ConfigMgr2007Sp1, TargetMedia::Sp2) => format!(
                    " Apply the {target_name} service pack to it separately; this plan does not include it."
                ),
                _ => String::new(),
            };
            a.raise(
                RuleCode::Upgraded,
                format!(
                    "{code} already runs {}: the plan has no upgrade tasks for it.{sp_note}",
                    version_label(site.version)
                ),
            )
            .site(code.clone());
            if let Some(p) = upgraded_parent {
                let pc = &ctx.site(p).code;
                a.raise(
                    RuleCode::Parent,
                    format!("{code} already runs Configuration Manager 2007 but its parent {pc} still runs SMS 2003: a Configuration Manager 2007 site may not report to an SMS 2003 parent. Upgrade {pc} first."),
                )
                .site(code.clone())
                .fixed_by(format!("SITE-UPG-{pc}"));
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
        if let Some((variant, (source, rule), message)) = path {
            // A child below SMS 2003 SP2 (SMS 2.0 above all) cannot stay under an upgraded
            // parent: the parent's upgrade waits for it too.
            let upgrade: Vec<usize> = std::iter::once(i).chain(upgraded_parent).collect();
            let db_test: Vec<usize> = if site.is_primary() { vec![i] } else { vec![] };
            let mut r = Remedy::on_site(ctx, TaskKind::SmsSp, i)
                .var("version", version_label(site.version))
                .gates(&upgrade, &db_test);
            r.variant = variant;
            let id = a.remedy(r);
            a.raise(RuleCode::Path, message)
                .cites(source, rule)
                .site(code.clone())
                .fixed_by(id);
        }

        // Security mode of the site, which also blocks its parent (R3.2).
        if site.security == SecurityMode::Standard {
            let mut blocks = vec![i];
            let also = match upgraded_parent {
                Some(p) => {
                    blocks.push(p);
                    format!(" and of its parent {} (a site's direct children must be in advanced security too)", ctx.site(p).code)
                }
                None => String::new(),
            };
            let id = a.remedy(Remedy::on_site(ctx, TaskKind::Secmode, i).gates(&blocks, &[]));
            a.raise(
                RuleCode::Secmode,
                format!("{code} runs in standard security: switch it to advanced security before the upgrade of {code}{also}."),
            )
            .site(code.clone())
            .fixed_by(id);
        }

        // Legacy Clients (R3.3): their clients are assigned to the primary (the site itself or,
        // for a secondary, its parent), so both upgrades wait.
        if site.legacy_clients > 0 {
            let mut blocks = vec![i];
            if !site.is_primary() {
                blocks.extend(upgraded_parent);
            }
            let id = a.remedy(
                Remedy::on_site(ctx, TaskKind::Legacy, i)
                    .var("legacy_clients", fmt_int(site.legacy_clients))
                    .gates(&blocks, &[]),
            );
            a.raise(
                RuleCode::Legacy,
                format!("{code} has {} Legacy Clients: upgrade them to the SMS 2003 Advanced Client (or retire them) before {code} is upgraded.", fmt_int(site.legacy_clients)),
            )
            .site(code.clone())
            .fixed_by(id);
        }

        // Advanced Clients need a management point at the primary they are assigned to (the
        // clients of its secondaries included).
        if site.is_primary() {
            let advanced: u64 = site.clients
                + site
                    .children
                    .iter()
                    .filter_map(|c| ctx.index_of(c.as_str()))
                    .filter(|&c| !ctx.site(c).is_primary())
                    .map(|c| ctx.site(c).clients)
                    .sum::<u64>();
            let has_mp =
                ctx.env.servers.iter().any(|s| {
                    s.site.as_ref() == Some(&site.code) && s.has_role(Role::ManagementPoint)
                });
            if advanced > 0 && !has_mp {
                a.raise(
                    RuleCode::NoManagementPoint,
                    format!("{code} has {} Advanced Clients assigned but no management point is described: Advanced Clients need one at their site. The planner adds it to the description (the roles of its server), so that its IIS and WebDAV are checked before the upgrade, or records why {code} has none.", fmt_int(advanced)),
                )
                .site(code.clone());
            }
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
            let id = a.remedy(
                Remedy::on_site(ctx, TaskKind::FpRemove, i)
                    .var("feature_packs", list.clone())
                    .gates(&[i], &[]),
            );
            a.raise(
                RuleCode::FeaturePacks,
                format!("{code} has SMS 2003 feature packs installed other than ITMU: {list}. Uninstall them before the upgrade (ITMU stays and is upgraded)."),
            )
            .site(code.clone())
            .fixed_by(id);
        }
    }
}
