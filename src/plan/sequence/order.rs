//! The order of sites and the waves: which site runbooks go together, and in which order.
//!
//! A unit is one primary site with the secondaries below it that are upgraded in its window (or a
//! secondary alone, when its parent is already upgraded or the planner gave it a wave of its own).
//! The default order is tier by tier: the central site, every tier-1 primary, then tier 2, …, each
//! tier in site-code order; `plan.order = "depth-first"` walks the tree instead. `plan.pilot` moves
//! one child primary (and the parents it needs) to the front. Each unit is its own wave unless
//! `site.wave` puts several in one; a wave is never before its parent's.

use std::collections::BTreeMap;

use super::super::Ctx;
use crate::model::SiteOrder;

#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The lead site (a primary, or a lone secondary), then its secondaries in code order.
    pub sites: Vec<usize>,
    /// 1-based wave number.
    pub wave: u32,
}

impl Unit {
    pub fn lead(&self) -> usize {
        self.sites[0]
    }
    pub fn secondaries(&self) -> &[usize] {
        &self.sites[1..]
    }
}

/// The units of sites this plan upgrades, in upgrade order, with their waves.
pub(crate) fn units(ctx: &Ctx) -> Vec<Unit> {
    let env = ctx.env;
    let n = env.sites.len();
    let code = |i: usize| ctx.site(i).code.to_string();
    // A secondary joins its parent's unit unless the parent is already upgraded, is not a
    // primary, or the planner gave the secondary a wave of its own.
    let joins = |i: usize| -> Option<usize> {
        let s = ctx.site(i);
        if s.is_primary() || s.wave.is_some() {
            return None;
        }
        ctx.parent_of(i)
            .filter(|&p| ctx.upgrade[p] && ctx.site(p).is_primary())
    };
    let mut leads: Vec<usize> = (0..n)
        .filter(|&i| ctx.upgrade[i] && joins(i).is_none())
        .collect();
    match env.plan.order {
        // Sites are held in pre-order with children sorted by code: that is depth-first.
        SiteOrder::DepthFirst => {}
        SiteOrder::Tiers => leads.sort_by_key(|&i| (ctx.site(i).depth, code(i))),
    }
    if let Some(pilot) = env
        .plan
        .pilot
        .as_ref()
        .and_then(|c| ctx.index_of(c.as_str()))
    {
        if leads.contains(&pilot) {
            // The pilot and the sites above it that this plan upgrades, top first.
            let mut chain = vec![pilot];
            let mut up = ctx.parent_of(pilot);
            while let Some(p) = up {
                chain.insert(0, p);
                up = ctx.parent_of(p);
            }
            chain.retain(|i| leads.contains(i));
            let rest: Vec<usize> = leads
                .iter()
                .copied()
                .filter(|i| !chain.contains(i))
                .collect();
            leads = chain.into_iter().chain(rest).collect();
        }
    }
    // Waves: the planner's, else one per unit; never before the parent's unit.
    let position: BTreeMap<usize, usize> = leads.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let unit_of = |mut i: usize| -> Option<usize> {
        // The unit a site's upgrade belongs to: its own, or its parent's for a joining secondary.
        if let Some(p) = joins(i) {
            i = p;
        }
        position.get(&i).copied()
    };
    let mut wanted: Vec<u64> = Vec::with_capacity(leads.len());
    for (k, &i) in leads.iter().enumerate() {
        let own = ctx.site(i).wave.map_or(k as u64 + 1, u64::from);
        // The nearest upgraded ancestor's unit comes first (the order above guarantees it).
        let mut floor = 0;
        let mut up = ctx.parent_of(i);
        while let Some(p) = up {
            if let Some(pu) = unit_of(p).filter(|&pu| pu < k) {
                floor = wanted[pu];
                break;
            }
            up = ctx.parent_of(p);
        }
        wanted.push(own.max(floor));
    }
    let mut order: Vec<usize> = (0..leads.len()).collect();
    order.sort_by_key(|&k| (wanted[k], k));
    let mut numbers: BTreeMap<u64, u32> = BTreeMap::new();
    for &k in &order {
        let next = numbers.len() as u32 + 1;
        numbers.entry(wanted[k]).or_insert(next);
    }
    order
        .into_iter()
        .map(|k| {
            let lead = leads[k];
            let mut sites = vec![lead];
            sites.extend(
                ctx.site(lead)
                    .children
                    .iter()
                    .filter_map(|c| ctx.index_of(c.as_str()))
                    .filter(|&c| ctx.upgrade[c] && joins(c) == Some(lead)),
            );
            Unit {
                sites,
                wave: numbers[&wanted[k]],
            }
        })
        .collect()
}

/// The position of each upgraded site's unit, by site index.
pub(crate) fn unit_index(units: &[Unit], n: usize) -> Vec<Option<usize>> {
    let mut out = vec![None; n];
    for (u, unit) in units.iter().enumerate() {
        for &i in &unit.sites {
            out[i] = Some(u);
        }
    }
    out
}
