//! Hierarchy-wide rules: the Active Directory schema, the server locator point, site mode, the
//! manual key exchange, and the parent/child shapes the upgrade cannot go through as described.

use super::{
    has_feature_pack, manual_key_exchange, site_list, slp_needed, software_update_points, Analysis,
    RuleCode,
};
use crate::model::{SchemaExtension, SecurityMode, SiteVersion};
use crate::plan::Ctx;

pub(super) fn check(ctx: &Ctx, a: &mut Analysis) {
    let env = ctx.env;
    let any_upgrade = ctx.upgraded_sites().next().is_some();
    if !any_upgrade {
        return;
    }
    let central = ctx.site(0);
    match env.active_directory.schema_extended {
        SchemaExtension::ConfigMgr2007 => {}
        SchemaExtension::Sms2003 => {
            a.raise(
                RuleCode::Schema,
                "The Active Directory schema is extended for SMS 2003 only: update it for Configuration Manager 2007 (extadsch.exe), before or after the upgrade; it does not harm SMS 2003.",
            )
            .fixed_by("AD-SCHEMA".to_string());
        }
        SchemaExtension::None => {
            a.raise(
                RuleCode::Schema,
                format!(
                    "The Active Directory schema is not extended: Configuration Manager 2007 clients then need a server locator point to find their site{}. Decide whether to extend it (extadsch.exe) before the upgrade.",
                    if env.sites.len() > 1 { ", and public keys must be exchanged between sites by hand" } else { "" }
                ),
            )
            .fixed_by("AD-SCHEMA".to_string());
        }
    }
    if slp_needed(ctx) {
        a.raise(
            RuleCode::ServerLocatorPoint,
            format!("No server locator point exists and the schema is not extended: install one at the central site {} so that upgraded clients can be assigned to their site.", central.code),
        )
        .site(central.code.to_string())
        .fixed_by(format!("ROLE-SLP-{}", central.code));
    }
    a.raise(
        RuleCode::MixedMode,
        "Keep every site in mixed mode until all SMS 2003 clients and sites are gone: a site serving SMS 2003 clients, or with a mixed-mode parent, cannot be in native mode.",
    );

    // Manual key exchange (K1): a preparation step, not a defect, so one warning for the
    // hierarchy that says why, pointing at the one task that does it.
    if let Some(why) = manual_key_exchange(ctx).filter(|_| env.sites.len() > 1) {
        a.raise(
            RuleCode::KeyExchange,
            format!("Sites cannot verify each other's public keys through Active Directory because {why}: once secure key exchange is required, the keys of every parent/child pair must be exchanged by hand (preinst /keyforparent, /keyforchild), or a parent keeps rejecting its child's data. The key-exchange preparation task does this, one item per pair."),
        )
        .fixed_by("KEY-EXCHANGE".to_string());
    }
}

/// Shapes of the hierarchy the plan must not pass over in silence: an advanced-security site
/// under a standard-security parent (K12), an SMS 2.0 child under a site being upgraded (K14),
/// a child's software update point without one at its parent (K15).
pub(super) fn check_shape(ctx: &Ctx, a: &mut Analysis) {
    let sup = software_update_points(ctx);
    // Advanced-security children of a standard-security parent: one finding per parent.
    for p in 0..ctx.env.sites.len() {
        let parent = ctx.site(p);
        if parent.security != SecurityMode::Standard {
            continue;
        }
        let children: Vec<usize> = parent
            .children
            .iter()
            .filter_map(|c| ctx.index_of(c.as_str()))
            .filter(|&c| ctx.site(c).security == SecurityMode::Advanced)
            .filter(|&c| ctx.upgrade[c] || ctx.upgrade[p])
            .collect();
        if children.is_empty() {
            continue;
        }
        let pc = parent.code.to_string();
        let (list, are, a_site) = match children.len() {
            1 => (site_list(ctx, &children), "is", "a site"),
            _ => (site_list(ctx, &children), "are", "sites"),
        };
        let then = if ctx.upgrade[p] {
            format!(" If the description is right, the switch of {pc} to advanced security (SECMODE-{pc}, before any of these upgrades) ends the inconsistency; if {list} in fact {} standard security, correct the description and the plan adds the switch.", if children.len() == 1 { "runs" } else { "run" })
        } else {
            String::new()
        };
        a.raise(
            RuleCode::SecurityUnderStandard,
            format!("{list} {are} described in advanced security under {pc}, which is described in standard security: {a_site} in advanced security cannot report to a parent in standard security, so the description is inconsistent. The planner checks the security mode of {all} in their Site Properties.{then}", all = site_list(ctx, &std::iter::once(p).chain(children.iter().copied()).collect::<Vec<_>>())),
        )
        .site(pc);
    }
    for i in 0..ctx.env.sites.len() {
        let Some(p) = ctx.parent_of(i) else { continue };
        if !ctx.upgrade[i] && !ctx.upgrade[p] {
            continue;
        }
        let (site, parent) = (ctx.site(i), ctx.site(p));
        let (code, pc) = (site.code.to_string(), parent.code.to_string());
        if site.version == SiteVersion::Sms20 && ctx.upgrade[p] {
            a.raise(
                RuleCode::Sms20Child,
                format!("{pc} has a child site {code} that runs SMS 2.0, which cannot stay under a Configuration Manager 2007 parent: the upgrade of {pc} waits until {code} runs SMS 2003 SP2 or later (SMS-SP-{code}), or until {code} is decommissioned or replaced side by side."),
            )
            .site(pc.clone())
            .fixed_by(format!("SMS-SP-{code}"));
        }
        let described =
            |s: usize| ctx.site(s).is_central() || has_feature_pack(ctx.site(s), "itmu");
        if sup.contains(&i) && described(i) && sup.contains(&p) && !described(p) {
            a.raise(
                RuleCode::UpdatePointParent,
                format!("{code} uses the ITMU and gets a software update point after the upgrade, but its parent {pc} has none: a child's software update point synchronises from its parent's, so the plan installs one at {pc} first (ROLE-SUP)."),
            )
            .site(code.clone())
            .fixed_by("ROLE-SUP".to_string());
        }
    }
}
