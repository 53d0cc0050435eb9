//! Hierarchy decisions and preparation, once: strategy and order of sites, Active Directory,
//! client method, software updates; lab rehearsal, change freeze, one download of the client
//! prerequisite files, secure key exchange, antivirus exclusions.

use super::order::Unit;
use super::remediation::Slots;
use super::{Item, Seq, Spec};
use crate::model::{SchemaExtension, TaskKind as K};
use crate::plan::PlanError;

pub(super) fn add(seq: &mut Seq, units: &[Unit], slots: &Slots) -> Result<(), PlanError> {
    let ctx = seq.ctx;
    let env = ctx.env;
    if units.is_empty() {
        return Ok(());
    }
    seq.phase("decisions", None, &[])?;
    let order: Vec<String> = units
        .iter()
        .map(|u| {
            let lead = ctx.site(u.lead()).code.to_string();
            if u.secondaries().is_empty() {
                format!("wave {}: {lead}", u.wave)
            } else {
                format!(
                    "wave {}: {lead} with {}",
                    u.wave,
                    crate::plan::findings::site_list(ctx, u.secondaries())
                )
            }
        })
        .collect();
    let how = match env.plan.order {
        crate::model::SiteOrder::Tiers => {
            "tier by tier (every primary of a tier before any site of the next tier)"
        }
        crate::model::SiteOrder::DepthFirst => {
            "depth first (each primary's subtree before its next sibling)"
        }
    };
    seq.add(
        Spec::new(K::Strategy, "")
            .var("order", order.join("; "))
            .var("how", how),
    )?;
    // Media too old for the environment is a decision for the whole hierarchy.
    for r in &slots.hierarchy {
        let mut spec = Spec::new(r.kind, r.scope.clone());
        spec.variant = r.variant;
        spec.vars = r.vars.clone();
        seq.add(spec)?;
    }
    let ad = &env.active_directory;
    if ad.schema_extended != SchemaExtension::ConfigMgr2007 || !ad.sites_publish {
        let v = match (ad.schema_extended, ad.sites_publish) {
            (SchemaExtension::None, _) => "none",
            (SchemaExtension::Sms2003, _) => "sms2003",
            (SchemaExtension::ConfigMgr2007, _) => "unpublished",
        };
        seq.add(Spec::new(K::AdSchema, "").variant(v))?;
    }
    seq.add(
        Spec::new(K::ClientMethod, "")
            .var("pilot", pilot_text(seq, units))
            .var("method", client_method_text(env))
            .var("basis", client_method_basis(env)),
    )?;
    let itmu = ctx.upgraded_sites().any(|i| has_pack(seq, i, "itmu"));
    if itmu {
        seq.add(Spec::new(K::UpdatesDesign, ""))?;
    }

    seq.phase("preparation", None, &[])?;
    let central = units[0].lead();
    seq.add(
        Spec::new(K::LabRehearsal, "")
            .site(central)
            .deps([super::id(K::Strategy, "")]),
    )?;
    seq.add(Spec::new(K::ChangeFreeze, "").deps([super::id(K::Strategy, "")]))?;
    let offline: Vec<usize> = ctx
        .upgraded_sites()
        .filter(|&i| ctx.site(i).is_primary())
        .filter(|&i| {
            !env.server(&ctx.site(i).site_server)
                .is_some_and(|s| s.internet_access)
        })
        .collect();
    if !offline.is_empty() {
        let servers: Vec<String> = offline
            .iter()
            .map(|&i| ctx.site(i).site_server.clone())
            .collect();
        seq.add(Spec::new(K::PrepDownload, "").var("servers", servers.join(", ")))?;
    }
    // Sites exchange keys with their parent: a lone site has none to exchange.
    let pairs: Vec<(usize, usize)> = (0..env.sites.len())
        .filter_map(|i| ctx.parent_of(i).map(|p| (p, i)))
        .filter(|&(p, i)| ctx.upgrade[p] || ctx.upgrade[i])
        .collect();
    let manual = crate::plan::findings::manual_key_exchange(ctx).filter(|_| !pairs.is_empty());
    if let Some(why) = manual {
        let mut spec = Spec::new(K::KeyExchange, "")
            .var("why", why)
            .deps([super::id(K::AdSchema, "")]);
        for (p, i) in pairs {
            let (pc, c) = (ctx.site(p).code.to_string(), ctx.site(i).code.to_string());
            spec = spec.item(
                Item::new(format!("{pc}-{c}"), "pair")
                    .var("parent", pc)
                    .var("child", c)
                    .var("parent_server", ctx.site(p).site_server.clone())
                    .var("child_server", ctx.site(i).site_server.clone()),
            );
        }
        spec = spec.item(Item::new("VERIFY", "verify"));
        seq.add(spec)?;
    }
    seq.add(Spec::new(K::AvExclusions, ""))?;
    Ok(())
}

/// The client upgrade method of this plan (`plan.client_method`, or the `client-method`
/// assumption's default), in the words every client task uses, so the decision and the work say
/// the same.
pub(crate) fn client_method_text(env: &crate::model::Environment) -> &'static str {
    use crate::model::ClientMethod as M;
    match env.plan.client_method.unwrap_or(crate::model::DEFAULT_CLIENT_METHOD) {
        M::ClientPush => "client push from their upgraded site",
        M::SoftwareUpdatePoint => {
            "software update point-based installation (the client published to WSUS as a mandatory update)"
        }
        M::GroupPolicy => "Group Policy (the client installation assigned to the computers)",
        M::LogonScript => "logon script (ccmsetup.exe /logon)",
        M::SoftwareDistribution => {
            "software distribution (the client upgrade advertised from their upgraded site)"
        }
        M::Manual => "manual installation (ccmsetup.exe run on each computer)",
    }
}

/// Whether the method was chosen in the description or is this plan's default.
pub(crate) fn client_method_basis(env: &crate::model::Environment) -> &'static str {
    match env.plan.client_method {
        Some(_) => "Set in the description",
        None => "Default in this plan",
    }
}

pub(super) fn pilot_text(seq: &Seq, units: &[Unit]) -> String {
    let ctx = seq.ctx;
    match ctx.env.plan.pilot.as_ref() {
        Some(p) => {
            format!("the clients of {p}, the pilot site (upgraded first among the child sites)")
        }
        None => {
            // The clients of the first primary this plan upgrades (the central site's when it
            // is upgraded): clients of a site already on Configuration Manager 2007 need none.
            let c = units
                .iter()
                .map(|u| u.lead())
                .find(|&i| ctx.site(i).is_primary() && ctx.site(i).clients > 0)
                .map_or(ctx.site(0), |i| ctx.site(i));
            format!("a pilot collection of about 50 of {}'s clients", c.code)
        }
    }
}

pub(super) fn has_pack(seq: &Seq, i: usize, pack: &str) -> bool {
    crate::plan::findings::has_feature_pack(seq.ctx.site(i), pack)
}
