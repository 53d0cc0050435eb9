//! After the sites: the server locator point before any client, the new roles (fallback status
//! point decision), the client pilot then the clients per site, software update points top
//! first with the ITMU retired, close-out.

use super::order::Unit;
use super::{id, Item, Seq, Spec};
use crate::model::TaskKind as K;
use crate::plan::{fmt_int, PlanError};

pub(super) fn add(seq: &mut Seq, units: &[Unit], gate: Option<String>) -> Result<(), PlanError> {
    let ctx = seq.ctx;
    seq.phase("after", None, &[])?;
    let gate: Vec<String> = gate.into_iter().collect();
    let central = 0usize;
    if crate::plan::findings::slp_needed(ctx) {
        seq.add(
            Spec::new(K::RoleSlp, ctx.site(central).code.to_string())
                .site(central)
                .deps(gate.clone()),
        )?;
    }
    let primaries: Vec<usize> = units
        .iter()
        .flat_map(|u| u.sites.iter().copied())
        .filter(|&i| ctx.site(i).is_primary())
        .collect();
    let mut roles = Spec::new(K::RoleNew, "").deps(gate.clone());
    for &i in &primaries {
        let key = if crate::plan::findings::uses_osd(ctx.site(i)) {
            "osd"
        } else {
            "site"
        };
        roles = roles.item(
            Item::new(ctx.site(i).code.to_string(), key).var("site", ctx.site(i).code.to_string()),
        );
    }
    let roles = seq.add(roles)?;
    let slp = id(K::RoleSlp, ctx.site(central).code.as_str());
    let pilot = seq.add(
        Spec::new(K::ClientPilot, "")
            .deps([slp.clone(), roles.clone()])
            .var("pilot", super::decisions::pilot_text(seq, units))
            .var("method", super::decisions::client_method_text(ctx.env)),
    )?;
    // Clients are counted where they are assigned: a secondary's clients belong to its primary.
    let mut clients = Spec::new(K::ClientUpg, "")
        .deps([pilot.clone(), slp])
        .var("method", super::decisions::client_method_text(ctx.env));
    let mut total = 0u64;
    for &i in &primaries {
        let mut n = ctx.site(i).clients + ctx.site(i).legacy_clients;
        let mut via = Vec::new();
        for ch in &ctx.site(i).children {
            if let Some(c) = ctx
                .index_of(ch.as_str())
                .filter(|&c| !ctx.site(c).is_primary())
            {
                let m = ctx.site(c).clients + ctx.site(c).legacy_clients;
                if m > 0 {
                    n += m;
                    via.push(format!("{} at {}", fmt_int(m), ctx.site(c).code));
                }
            }
        }
        if n == 0 {
            continue;
        }
        total += n;
        let including = if via.is_empty() {
            String::new()
        } else {
            format!(" (including {})", via.join(", "))
        };
        clients = clients.item(
            Item::new(ctx.site(i).code.to_string(), "site")
                .var("site", ctx.site(i).code.to_string())
                .var("clients", fmt_int(n))
                .var("including", including),
        );
    }
    let clients = if total > 0 {
        Some(seq.add(clients.var("clients", fmt_int(total)))?)
    } else {
        None
    };
    let mut last = clients.unwrap_or(pilot);
    let sup = crate::plan::findings::software_update_points(ctx);
    if !sup.is_empty() {
        // Top first: a child's software update point synchronises from its parent's.
        let mut spec = Spec::new(K::RoleSup, "").deps([last.clone()]);
        for i in sup {
            spec = spec.item(
                Item::new(ctx.site(i).code.to_string(), "site")
                    .var("site", ctx.site(i).code.to_string()),
            );
        }
        last = seq.add(spec)?;
    }
    seq.add(Spec::new(K::CloseOut, "").deps([last]))?;
    Ok(())
}
