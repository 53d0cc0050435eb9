//! A site runbook, in its wave: the remediations of its window, readiness of its servers (one
//! task, a checklist item per server with only its own checks), the prerequisite check on the site
//! server within 7 days and the restart; backup, custom files and go/no-go; the upgrade with its
//! back-out and point of no return; verification; for the site hosting the ITMU, the sync host's
//! client then the ITMU upgrade; for the central site, the consoles; post-upgrade checks; the
//! secondaries of the window; the resync gate that lets the next site start.

use super::decisions::has_pack;
use super::order::Unit;
use super::remediation::{add_homes, Slots};
use super::{id, Item, Seq, Spec};
use crate::model::{Role, TargetMedia, TaskKind as K};
use crate::plan::{fmt_num, os_label, sql_label, PlanError};

/// Adds unit `u`'s runbook; returns the task the next site waits for.
pub(super) fn add(
    seq: &mut Seq,
    slots: &Slots,
    units: &[Unit],
    u: usize,
    gate: Option<String>,
) -> Result<Option<String>, PlanError> {
    let ctx = seq.ctx;
    let unit = &units[u];
    let lead = unit.lead();
    let code = |i: usize| ctx.site(i).code.to_string();
    seq.phase(
        &format!("site-{}", code(lead)),
        Some(lead),
        unit.secondaries(),
    )?;
    let slot = u + 1;
    // A secondary's remediations go right before it, unless the lead's upgrade waits for them
    // too (an SMS 2.0 secondary cannot stay under an upgraded parent): then at the start.
    let early: Vec<usize> = slots
        .homes(slot)
        .into_iter()
        .filter(|&h| !unit.secondaries().contains(&h) || slots.gates(slot, h, lead))
        .collect();
    let gate_deps: Vec<String> = gate.iter().cloned().collect();
    let mut before = add_homes(seq, slots, slot, &early, &gate_deps)?;
    before.extend(gate.clone());
    let itmu_site = units
        .iter()
        .map(Unit::lead)
        .find(|&i| ctx.site(i).is_primary() && has_pack(seq, i, "itmu"));
    let last;
    if ctx.site(lead).is_primary() {
        let (post, _) = primary(seq, slots, lead, before, itmu_site == Some(lead))?;
        let mut previous = post.clone();
        for &s in unit.secondaries() {
            let rems = if early.contains(&s) {
                Vec::new()
            } else {
                add_homes(seq, slots, slot, &[s], std::slice::from_ref(&previous))?
            };
            previous = secondary(seq, slots, s, rems, &previous)?;
        }
        last = if ctx.parent_of(lead).is_some() {
            Some(
                seq.add(
                    Spec::new(K::SiteResync, code(lead))
                        .site(lead)
                        .deps([post, previous]),
                )?,
            )
        } else {
            Some(previous)
        };
    } else {
        // A lone secondary: its remediations are among `before` already.
        let prev = before.last().cloned().unwrap_or_default();
        last = Some(secondary(seq, slots, lead, before, &prev)?);
    }
    Ok(last)
}

/// A primary site's runbook; returns (post-upgrade checks, upgrade) IDs.
fn primary(
    seq: &mut Seq,
    slots: &Slots,
    i: usize,
    before: Vec<String>,
    itmu: bool,
) -> Result<(String, String), PlanError> {
    let ctx = seq.ctx;
    let site = ctx.site(i);
    let c = site.code.to_string();
    let hierarchy = [
        id(K::KeyExchange, ""),
        id(K::LabRehearsal, ""),
        id(K::ChangeFreeze, ""),
    ];
    let mut prep = Spec::new(K::Prepare, &c)
        .site(i)
        .deps(before)
        .deps(hierarchy.clone())
        .deps(slots.blocking_db_test[i].clone());
    prep = readiness_items(seq, i, prep);
    let growth = seq.est.sites[i].growth_mb;
    let db = site
        .database_server
        .clone()
        .unwrap_or_else(|| site.site_server.clone());
    let mut test = Item::new("TESTDBUPGRADE", "testdbupgrade")
        .server(&db)
        .var("growth_mb", fmt_num(growth))
        .var("formula", seq.est.sites[i].formula.clone());
    test = match site.database_size_mb {
        Some(size) => test.var(
            "scratch",
            format!(
                "{} MB (current database) + {} MB (growth) = {} MB",
                fmt_num(size),
                fmt_num(growth),
                fmt_num(size + growth)
            ),
        ),
        None => test.var(
            "scratch",
            format!("a full copy of the database plus {} MB", fmt_num(growth)),
        ),
    };
    prep = prep.item(test);
    prep = prep.item(prereq_item(seq, i));
    prep = prep.item(restart_item(seq, i));
    let prepare = seq.add(prep)?;
    let backup = seq.add(
        Spec::new(K::Backup, &c)
            .site(i)
            .server(&site.site_server)
            .deps([prepare])
            .item(Item::new("BACKUP", "backup"))
            .item(Item::new("CUSTOMFILES", "customfiles"))
            .item(Item::new("RECOVERY", "recovery"))
            .item(Item::new("GO", "go")),
    )?;
    let mut deps = vec![backup];
    if let Some(p) = ctx.parent_of(i) {
        deps.push(id(K::PostCheck, ctx.site(p).code.as_str()));
        deps.push(id(K::SiteUpg, ctx.site(p).code.as_str()));
    }
    deps.extend(slots.blocking_upgrade[i].clone());
    deps.extend(hierarchy);
    deps.push(id(K::PrepDownload, ""));
    let children: Vec<usize> = site
        .children
        .iter()
        .filter_map(|ch| ctx.index_of(ch.as_str()))
        .filter(|&ch| ctx.upgrade[ch])
        .collect();
    let point = if site.is_central() {
        if children.is_empty() {
            "none before the site is in production again".to_string()
        } else {
            format!(
                "the upgrade of the first child site ({}): once a child runs Configuration Manager 2007, {c} can no longer be restored to SMS 2003",
                crate::plan::findings::site_list(ctx, &children)
            )
        }
    } else if children.is_empty() {
        "the end of the window: after the site has processed client data, restoring it loses that data".to_string()
    } else {
        format!(
            "the upgrade of its first child site ({}): a Configuration Manager 2007 site cannot report to an SMS 2003 parent",
            crate::plan::findings::site_list(ctx, &children)
        )
    };
    let variant = if site.is_central() {
        "central"
    } else {
        "primary"
    };
    let upg = seq.add(
        Spec::new(K::SiteUpg, &c)
            .site(i)
            .server(&site.site_server)
            .variant(variant)
            .var("growth_mb", fmt_num(growth))
            .var("point_of_no_return", point)
            .deps(deps),
    )?;
    let verify = seq.add(
        Spec::new(K::SiteVerify, &c)
            .site(i)
            .var("version_build", version_build(seq))
            .deps([upg.clone()]),
    )?;
    let mut post_deps = vec![verify.clone()];
    if itmu {
        let client = seq.add(Spec::new(K::ItmuClient, &c).site(i).deps([verify.clone()]))?;
        post_deps.push(seq.add(Spec::new(K::ItmuUpg, &c).site(i).deps([client]))?);
    }
    if site.is_central() && !ctx.env.consoles.is_empty() {
        let mut spec = Spec::new(K::ConsoleUpg, "").deps([verify.clone()]);
        let waiting: Vec<usize> = ctx
            .upgraded_sites()
            .filter(|&x| x != i && ctx.site(x).is_primary())
            .collect();
        spec = spec.var(
            "waiting",
            if waiting.is_empty() {
                "no other primary site".to_string()
            } else {
                crate::plan::findings::site_list(ctx, &waiting)
            },
        );
        let mut seen = std::collections::BTreeSet::new();
        for console in &ctx.env.consoles {
            let cid = console.computer.to_uppercase();
            if seen.insert(cid.clone()) {
                spec = spec.item(Item::new(cid, "console").server(&console.computer));
            }
        }
        post_deps.push(seq.add(spec)?);
    }
    let post = seq.add(
        Spec::new(K::PostCheck, &c)
            .site(i)
            .deps(post_deps)
            .item(Item::new("STATUS", "status"))
            .item(Item::new("MP", "mp"))
            .item(Item::new(
                "FLOW",
                // The central site has no parent to send its data to.
                if site.is_central() {
                    "flow-central"
                } else {
                    "flow"
                },
            ))
            .item(Item::new("PACKAGE", "package"))
            .item(Item::new("BACKUP", "backup"))
            .item(Item::new("MOF", "mof")),
    )?;
    Ok((post, upg))
}

/// A secondary site: readiness (with the prerequisite check and restart), upgrade, verification.
fn secondary(
    seq: &mut Seq,
    slots: &Slots,
    i: usize,
    before: Vec<String>,
    previous: &str,
) -> Result<String, PlanError> {
    let ctx = seq.ctx;
    let site = ctx.site(i);
    let c = site.code.to_string();
    let mut prep = Spec::new(K::Prepare, &c)
        .site(i)
        .variant("secondary")
        .deps([previous.to_string()])
        .deps(before)
        .deps([id(K::KeyExchange, "")])
        .deps(slots.blocking_db_test[i].clone());
    prep = readiness_items(seq, i, prep);
    prep = prep.item(prereq_item(seq, i));
    prep = prep.item(restart_item(seq, i));
    let prepare = seq.add(prep)?;
    let mut deps = vec![prepare];
    if let Some(p) = ctx.parent_of(i) {
        deps.push(id(K::SiteUpg, ctx.site(p).code.as_str()));
        deps.push(id(K::PostCheck, ctx.site(p).code.as_str()));
    }
    deps.extend(slots.blocking_upgrade[i].clone());
    let upg = seq.add(
        Spec::new(K::SiteUpg, &c)
            .site(i)
            .server(&site.site_server)
            .variant("secondary")
            .var("growth_mb", "0")
            .var(
                "point_of_no_return",
                "none: a secondary site is reinstalled as SMS 2003 if needed",
            )
            .deps(deps),
    )?;
    seq.add(
        Spec::new(K::SiteVerify, &c)
            .site(i)
            .variant("secondary")
            .var("version_build", version_build(seq))
            .deps([upg]),
    )
}

/// The version a site shows after the upgrade (Site Properties), by target media.
fn version_build(seq: &Seq) -> String {
    match seq.ctx.env.plan.target {
        TargetMedia::Rtm => "4.00.5931",
        TargetMedia::Sp1 => "4.00.6221",
        TargetMedia::Sp2 => "4.00.6487",
    }
    .to_string()
}

fn prereq_item(seq: &Seq, i: usize) -> Item {
    let ctx = seq.ctx;
    let site = ctx.site(i);
    let mut params = Vec::new();
    if let Some(db) = site.database_server.as_deref() {
        params.push(format!("/sql {db}"));
    }
    let mp = ctx.site_servers(i).into_iter().find(|n| {
        ctx.env
            .server(n)
            .is_some_and(|s| s.has_role(Role::ManagementPoint))
    });
    if let Some(mp) = mp {
        params.push(format!("/mp {mp}"));
    }
    let mode = if site.is_primary() { "/pri" } else { "/sec" };
    let line = std::iter::once(mode.to_string())
        .chain(params)
        .collect::<Vec<_>>()
        .join(" ");
    Item::new("PREREQ", "prereq")
        .server(&site.site_server)
        .var("params", line)
}

fn restart_item(seq: &Seq, i: usize) -> Item {
    let servers: Vec<&str> = seq.ctx.site_servers(i);
    Item::new("RESTART", "restart").var("servers", servers.join(", "))
}

/// One readiness item per server of the site, with only its own checks and gaps.
fn readiness_items(seq: &Seq, i: usize, mut spec: Spec) -> Spec {
    let ctx = seq.ctx;
    for name in ctx.site_servers(i) {
        let Some(k) = ctx.server_position(name) else {
            continue;
        };
        let s = &ctx.servers[k];
        // A server shared by several sites is prepared in the window of the first one.
        if s.sites.iter().copied().find(|&x| ctx.upgrade[x]) != Some(i) {
            continue;
        }
        let srv = s.srv;
        let mut what: Vec<String> = Vec::new();
        let mut checks: Vec<String> = Vec::new();
        let ss_of: Vec<usize> = s.upgraded_site_server_of(ctx);
        let db_of: Vec<usize> = s.upgraded_db_of(ctx);
        if !ss_of.is_empty() {
            what.push("site server".to_string());
        }
        if !db_of.is_empty() {
            what.push(format!(
                "database server of {}",
                crate::plan::findings::site_list(ctx, &db_of)
            ));
        }
        for r in &srv.roles {
            what.push(r.to_string().replace('-', " "));
        }
        let os_fixed = seq.has(&id(K::OsUpg, &s.id));
        checks.push(if os_fixed {
            format!(
                "operating system upgraded by {} (from {})",
                id(K::OsUpg, &s.id),
                os_label(srv.os)
            )
        } else {
            format!("{}: supported; latest updates installed", os_label(srv.os))
        });
        if !db_of.is_empty() {
            let sql_fixed = seq.has(&id(K::SqlUpg, &s.id));
            checks.push(match (sql_fixed, srv.sql) {
                (true, _) => format!(
                    "SQL Server 2005 SP2 or later since {}; latest SQL Server updates; case-insensitive collation; the person running Setup is sysadmin",
                    id(K::SqlUpg, &s.id)
                ),
                (false, Some(v)) => format!(
                    "{}: latest SQL Server updates; case-insensitive collation; the person running Setup is sysadmin",
                    sql_label(v)
                ),
                (false, None) => "SQL Server version not given: check it is SQL Server 2005 SP2 or later".to_string(),
            });
        }
        let sw = super::software(ctx, s);
        if !sw.is_empty() {
            checks.push(format!("installed: {}", sw.join("; ")));
        }
        if seq.has(&id(K::Webdav, &s.id)) {
            checks.push(format!("WebDAV enabled by {}", id(K::Webdav, &s.id)));
        }
        // Disk: the site-server install and the database growth share the same free space.
        if let Some(d) = crate::plan::disk::need(ctx, seq.est, k) {
            let sum = d.sum_text();
            checks.push(match (d.free_mb, d.shortfall_mb) {
                (Some(free), Some(short)) if short > 0.0 => format!(
                    "disk: {sum} needed, {} MB free: free or add {} MB first",
                    fmt_num(free),
                    fmt_num(short)
                ),
                (Some(free), _) => format!("disk: {sum} needed, {} MB free", fmt_num(free)),
                (None, _) => format!("disk: {sum} needed; free space not given: measure it"),
            });
        }
        // Remote database or management point: the site server's computer account needs rights.
        let remote_for: Vec<String> = db_of
            .iter()
            .map(|&x| ctx.site(x).site_server.clone())
            .filter(|ss| !ss.eq_ignore_ascii_case(&srv.name))
            .collect();
        if !remote_for.is_empty() && !seq.has(&id(K::SqlRights, &s.id)) {
            checks.push(format!(
                "local administrator rights for the computer account of {}",
                remote_for.join(" and ")
            ));
        } else if ss_of.is_empty() && srv.has_role(Role::ManagementPoint) {
            checks.push(format!(
                "local administrator rights for the computer account of {}",
                ctx.site(i).site_server
            ));
        }
        spec = spec.item(
            Item::new(s.id.clone(), "server")
                .server(&srv.name)
                .var("what", what.join(", "))
                .var("checks", checks.join("; ")),
        );
    }
    spec
}
