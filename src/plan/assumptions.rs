//! What the plan assumes and what it cites: every value without a Microsoft source is a named
//! assumption (value, why, how to override), and every source a task or finding cites resolves
//! to a title and a URL.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::findings::{SITE_SERVER_MIN_FREE_GB, SITE_SERVER_MIN_FREE_GB_OSD};
use super::model::{Plan, Source};
use super::{fmt_num, sources};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// Stable, e.g. `database-mb-per-client`.
    pub key: String,
    pub value: String,
    pub why: String,
    #[serde(rename = "override")]
    pub how_to_override: String,
}

fn a(key: &str, value: String, why: &str, how: &str) -> Assumption {
    Assumption {
        key: key.into(),
        value,
        why: why.into(),
        how_to_override: how.into(),
    }
}

/// The assumptions behind this plan's numbers and texts.
pub fn list(plan: &Plan, env: &crate::model::Environment) -> Vec<Assumption> {
    let headroom_percent = env.estimates.headroom_percent;
    let method = super::sequence::decisions::client_method_text(env);
    let (client_method, client_method_why) = match env.plan.client_method {
        Some(_) => (
            format!("{method} (set in the description), a pilot of about 50 clients, 95 % within 5 working days"),
            "The plan needs a method, a pilot and a success criterion before the clients; the method is the description's, the pilot and criterion this plan's defaults, named in every client task.",
        ),
        None => (
            format!("{method}, a pilot of about 50 clients, 95 % within 5 working days"),
            "The plan needs a method, a pilot and a success criterion before the clients; these are its defaults, named in every client task. Client push needs nothing on the clients' side and reaches every computer the upgraded site discovers.",
        ),
    };
    vec![
        a("database-mb-per-client", format!("{} MB per client", fmt_num(plan.database_mb_per_client)),
          "The seed checklist gives 2 MB per client as an example figure, not as a sizing rule; it is used for the database growth of each primary site (clients of the site and every site below it).",
          "Set [estimates] database_mb_per_client in the description."),
        a("database-headroom", format!("{} % of the database growth", fmt_num(headroom_percent)),
          "No published figure exists for the transaction log, tempdb and autogrowth during the database upgrade; a fifth of the growth is this plan's allowance.",
          "Set [estimates] headroom_percent (0 turns it off)."),
        a("site-server-disk", format!("{} GB free on a site server ({} GB with operating system deployment)", fmt_num(SITE_SERVER_MIN_FREE_GB), fmt_num(SITE_SERVER_MIN_FREE_GB_OSD)),
          "No Microsoft page this plan cites states a free-disk figure for the site server; the value is a working minimum to confirm against the release notes of the target media.",
          "Check the site server's free space against the supported configurations of the target media."),
        a("sql-minimum", "SQL Server 2005 SP2 or later for the site database".into(),
          "The database upgrade test and Configuration Manager 2007 need SQL Server 2005; the service-pack level is this plan's assumption. SQL Server 2005 under an SMS 2003 site needs SMS 2003 SP2 or later on that site first.",
          "Confirm against the supported configurations of the target media."),
        a("resync-exit", "4 hours with the parent's inboxes at their pre-upgrade baseline".into(),
          "No published metric exists for the end of a parent's resynchronisation with an upgraded child; 4 hours without backlog is practice.",
          "Change the wait in the resync tasks' expected result (tasks.toml)."),
        a("version-build", "4.00.5931 (RTM), 4.00.6221 (SP1), 4.00.6487 (SP2)".into(),
          "The version Site Properties shows after the upgrade, from practice; confirm it in the release notes.",
          "Change SITE-VERIFY's text (tasks.toml)."),
        a("client-method", client_method,
          client_method_why,
          &format!("Set plan.client_method ({}) and plan.pilot; for another success criterion, edit the CLIENT-METHOD text (tasks.toml, generate --templates).", crate::model::ClientMethod::ALL.join(", "))),
        a("task-durations", "1 working day per task, site upgrade 1, resync gate 2, clients 1 per started 1,000".into(),
          "Defaults until the lab rehearsal measures Setup on a copy of the central site's database.",
          "Set [schedule] default_days, [schedule.days] and client_days_per_1000."),
    ]
}

/// Every source the plan cites (findings' sources and `[Sn]` in task texts), in id order.
pub fn references(plan: &Plan) -> Vec<Source> {
    let mut ids: BTreeSet<(u32, String)> = BTreeSet::new();
    let mut note = |id: &str| {
        if let Ok(n) = id.trim_start_matches('S').parse::<u32>() {
            ids.insert((n, id.to_string()));
        }
    };
    for f in &plan.findings {
        note(&f.source.id);
    }
    for t in plan.tasks() {
        let mut rest = t.reference.as_str();
        while let Some(i) = rest.find("[S") {
            let after = &rest[i + 1..];
            let end = after
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(after.len());
            // "[S5–S7]" cites a range: note both ends and what lies between.
            let first = &after[..end];
            note(first);
            if let Some(stripped) = after[end..].strip_prefix('–') {
                let e2 = stripped
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(stripped.len());
                let last = &stripped[..e2];
                if let (Ok(a), Ok(b)) = (
                    first[1..].parse::<u32>(),
                    last.trim_start_matches('S').parse::<u32>(),
                ) {
                    for n in a..=b {
                        note(&format!("S{n}"));
                    }
                }
            }
            rest = &after[end..];
        }
    }
    ids.into_iter()
        .filter_map(|(_, id)| sources::source(&id))
        .collect()
}
