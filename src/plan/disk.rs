//! Disk needs per server: what the upgrade takes from one computer's free space. On a computer
//! that is both site server and database server, the site-server install and the database growth
//! come from the same free space, so they add up; the headroom for transaction log, tempdb and
//! autogrowth is a stated assumption (`estimates.headroom_percent`).

use serde::{Deserialize, Serialize};

use super::estimates::{Estimates, MB_PER_GB};
use super::findings::{site_server_min_free_gb, uses_osd};
use super::Ctx;

/// What one server needs, part by part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskNeed {
    pub free_mb: Option<f64>,
    pub needed_mb: f64,
    /// `None` when the free space is not given.
    pub shortfall_mb: Option<f64>,
    pub parts: Vec<DiskPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskPart {
    pub what: String,
    pub mb: f64,
}

/// The disk need of the server at `ctx.servers[k]`, or `None` when the upgrade takes nothing
/// from it (a member server without a site database).
pub(crate) fn need(ctx: &Ctx, est: &Estimates, k: usize) -> Option<DiskNeed> {
    let s = &ctx.servers[k];
    let mut parts = Vec::new();
    let site_of: Vec<usize> = s.upgraded_site_server_of(ctx);
    if !site_of.is_empty() {
        let osd = site_of.iter().any(|&i| uses_osd(ctx.site(i)));
        let gb = site_of
            .iter()
            .map(|&i| site_server_min_free_gb(ctx.site(i)))
            .fold(0.0, f64::max);
        parts.push(DiskPart {
            what: if osd {
                "site-server install (with operating system deployment)".to_string()
            } else {
                "site-server install".to_string()
            },
            mb: gb * MB_PER_GB,
        });
    }
    let mut growth = 0.0;
    for &i in s.db_of.iter().filter(|&&i| ctx.upgrade[i]) {
        let g = est.sites[i].growth_mb;
        growth += g;
        parts.push(DiskPart {
            what: format!("database growth of {}", ctx.site(i).code),
            mb: g,
        });
    }
    let headroom = growth * ctx.env.estimates.headroom_percent / 100.0;
    if headroom > 0.0 {
        parts.push(DiskPart {
            what: format!(
                "headroom for log, tempdb and autogrowth ({} % of the growth)",
                super::fmt_num(ctx.env.estimates.headroom_percent)
            ),
            mb: headroom.round(),
        });
    }
    if parts.is_empty() {
        return None;
    }
    let needed_mb: f64 = parts.iter().map(|p| p.mb).sum();
    let free_mb = s.srv.free_disk_gb.map(|g| g * MB_PER_GB);
    Some(DiskNeed {
        free_mb,
        needed_mb,
        shortfall_mb: free_mb.map(|f| (needed_mb - f).max(0.0)),
        parts,
    })
}

impl DiskNeed {
    /// "15,360 MB site-server install + 16,940 MB database growth of NYC = 32,300 MB".
    pub fn sum_text(&self) -> String {
        let terms: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{} MB {}", super::fmt_num(p.mb), p.what))
            .collect();
        if terms.len() == 1 {
            terms[0].clone()
        } else {
            format!(
                "{} = {} MB",
                terms.join(" + "),
                super::fmt_num(self.needed_mb)
            )
        }
    }
}
