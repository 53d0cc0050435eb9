//! The environment edits of a plan diff, read off the two plans: plan settings, sites and
//! servers (the schedule's settings are in `schedule_diff`).

use std::collections::{BTreeMap, BTreeSet};

use super::diff::{fmt_count, opt_mb, opt_str, or_none, same_mb, EnvironmentEdit};
use crate::numbers::fmt_num;
use crate::plan::Plan;

pub(crate) fn diff_environment(old: &Plan, new: &Plan) -> Vec<EnvironmentEdit> {
    let mut out = Vec::new();
    let mut plan_fields = Vec::new();
    if old.target != new.target {
        plan_fields.push(format!(
            "target media {} → {}",
            old.target_name, new.target_name
        ));
    }
    if old.database_mb_per_client != new.database_mb_per_client {
        plan_fields.push(format!(
            "database MB per client {} → {}",
            old.database_mb_per_client, new.database_mb_per_client
        ));
    }
    if old.title != new.title {
        plan_fields.push(format!("title \"{}\" → \"{}\"", old.title, new.title));
    }
    if !plan_fields.is_empty() {
        out.push(EnvironmentEdit {
            action: "changed".into(),
            kind: "plan".into(),
            subject: "plan".into(),
            description: plan_fields.join("; "),
        });
    }

    let old_sites: BTreeMap<&str, _> = old.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let new_sites: BTreeMap<&str, _> = new.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    for s in &new.sites {
        match old_sites.get(s.code.as_str()) {
            None => {
                let parent = s
                    .parent
                    .as_deref()
                    .map(|p| format!(" under {p}"))
                    .unwrap_or_default();
                out.push(EnvironmentEdit {
                    action: "added".into(),
                    kind: "site".into(),
                    subject: s.code.clone(),
                    description: format!(
                        "site {} ({}) added: {}{parent}, {}, {} clients, site server {}",
                        s.code,
                        s.name,
                        s.site_type,
                        s.version,
                        fmt_count(s.clients + s.legacy_clients),
                        s.site_server
                    ),
                });
            }
            Some(o) => {
                let mut parts = Vec::new();
                let mut cmp = |field: &str, a: String, b: String| {
                    if a != b {
                        parts.push(format!("{field} {} → {}", or_none(&a), or_none(&b)));
                    }
                };
                cmp("name", o.name.clone(), s.name.clone());
                cmp("type", o.site_type.to_string(), s.site_type.to_string());
                cmp("parent", opt_str(&o.parent), opt_str(&s.parent));
                cmp("version", o.version.to_string(), s.version.to_string());
                cmp("security", o.security.to_string(), s.security.to_string());
                cmp("site server", o.site_server.clone(), s.site_server.clone());
                cmp(
                    "database server",
                    opt_str(&o.database_server),
                    opt_str(&s.database_server),
                );
                cmp(
                    "database size",
                    o.database_size_mb.map(opt_mb_some).unwrap_or_default(),
                    s.database_size_mb.map(opt_mb_some).unwrap_or_default(),
                );
                cmp("clients", fmt_count(o.clients), fmt_count(s.clients));
                cmp(
                    "legacy clients",
                    fmt_count(o.legacy_clients),
                    fmt_count(s.legacy_clients),
                );
                if !parts.is_empty() {
                    out.push(EnvironmentEdit {
                        action: "changed".into(),
                        kind: "site".into(),
                        subject: s.code.clone(),
                        description: format!("site {}: {}", s.code, parts.join("; ")),
                    });
                }
            }
        }
    }
    for o in &old.sites {
        if !new_sites.contains_key(o.code.as_str()) {
            out.push(EnvironmentEdit {
                action: "removed".into(),
                kind: "site".into(),
                subject: o.code.clone(),
                description: format!("site {} ({}) removed", o.code, o.name),
            });
        }
    }
    out.extend(diff_servers(old, new));
    out
}

fn opt_mb_some(v: f64) -> String {
    format!("{} MB", fmt_num(v))
}

/// Servers compared by upper-cased name. Plans written before the server inventory existed
/// have none: then only the SQL Servers (always in the plan) are compared.
fn diff_servers(old: &Plan, new: &Plan) -> Vec<EnvironmentEdit> {
    use crate::plan::ServerSummary;
    let from_sql = |p: &Plan| -> Vec<ServerSummary> {
        p.sql_servers
            .iter()
            .map(|s| ServerSummary {
                name: s.name.clone(),
                site: None,
                os: String::new(),
                sql: s.sql.clone(),
                sql_replication: false,
                free_disk_mb: s.free_disk_mb,
                roles: Vec::new(),
                disk: None,
            })
            .collect()
    };
    let (a, b) = if old.servers.is_empty() || new.servers.is_empty() {
        (from_sql(old), from_sql(new))
    } else {
        (old.servers.clone(), new.servers.clone())
    };
    let key = |s: &ServerSummary| s.name.to_uppercase();
    let old_map: BTreeMap<String, &ServerSummary> = a.iter().map(|s| (key(s), s)).collect();
    let new_map: BTreeMap<String, &ServerSummary> = b.iter().map(|s| (key(s), s)).collect();
    let mut out = Vec::new();
    let names: BTreeSet<&String> = old_map.keys().chain(new_map.keys()).collect();
    for k in names {
        match (old_map.get(k), new_map.get(k)) {
            (None, Some(s)) => {
                let mut what = Vec::new();
                if let Some(site) = &s.site {
                    what.push(format!("site {site}"));
                }
                if !s.os.is_empty() {
                    what.push(s.os.clone());
                }
                if let Some(sql) = &s.sql {
                    what.push(sql.clone());
                }
                if !s.roles.is_empty() {
                    what.push(s.roles.join(", "));
                }
                out.push(EnvironmentEdit {
                    action: "added".into(),
                    kind: "server".into(),
                    subject: s.name.clone(),
                    description: format!("server {} added ({})", s.name, what.join("; ")),
                });
            }
            (Some(o), None) => out.push(EnvironmentEdit {
                action: "removed".into(),
                kind: "server".into(),
                subject: o.name.clone(),
                description: format!("server {} removed", o.name),
            }),
            (Some(o), Some(s)) => {
                let mut parts = Vec::new();
                let mut cmp = |field: &str, a: String, b: String| {
                    if a != b {
                        parts.push(format!("{field} {} → {}", or_none(&a), or_none(&b)));
                    }
                };
                cmp("site", opt_str(&o.site), opt_str(&s.site));
                cmp("OS", o.os.clone(), s.os.clone());
                cmp("SQL Server", opt_str(&o.sql), opt_str(&s.sql));
                cmp(
                    "SQL replication",
                    yes_no(o.sql_replication),
                    yes_no(s.sql_replication),
                );
                if !same_mb(o.free_disk_mb, s.free_disk_mb) {
                    cmp("free disk", opt_mb(o.free_disk_mb), opt_mb(s.free_disk_mb));
                }
                cmp("roles", o.roles.join(", "), s.roles.join(", "));
                if !parts.is_empty() {
                    out.push(EnvironmentEdit {
                        action: "changed".into(),
                        kind: "server".into(),
                        subject: s.name.clone(),
                        description: format!("server {}: {}", s.name, parts.join("; ")),
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn yes_no(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}
