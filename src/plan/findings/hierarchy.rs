//! Hierarchy-wide rules: the Active Directory schema, the server locator point, site mode and the
//! manual key exchange.

use super::{manual_key_exchange, slp_needed, Analysis, RuleCode};
use crate::model::SchemaExtension;
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
