//! `cmplan import DIR --update FILE`: refreshes what the site database knows in an existing
//! description (sites added and removed, parents, versions, client counts, site systems and their
//! roles, operating systems, free disk, SQL versions) and keeps everything else the planner wrote
//! — the plan table, schedule, custom tasks, security modes, feature packs, consoles, comments and
//! layout — by editing the TOML document in place with `toml_edit`.

use std::collections::{HashMap, HashSet};

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::export::{short_name, Export, ExportedServer, ExportedSite};
use super::write::{self, Check};
use crate::model::SiteType;

/// One change made to the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// `site LON`, `server LON-SQL01`.
    pub subject: String,
    /// `None` when the whole site or server was added or removed.
    pub key: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl std::fmt::Display for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.key, &self.old, &self.new) {
            (None, None, _) => write!(f, "added {}", self.subject),
            (None, Some(_), _) => write!(f, "removed {}", self.subject),
            (Some(key), None, Some(new)) => write!(f, "{}: {key} set to {new}", self.subject),
            (Some(key), Some(old), None) => write!(f, "{}: {key} {old} removed", self.subject),
            (Some(key), Some(old), Some(new)) => {
                write!(f, "{}: {key} changed from {old} to {new}", self.subject)
            }
            (Some(key), None, None) => write!(f, "{}: {key}", self.subject),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("{0}")]
    Toml(String),
    #[error("{0}")]
    Shape(String),
}

/// The refreshed text, what changed, and the checks for the sites and servers that were added.
pub fn update(
    existing: &str,
    export: &Export,
    source: &str,
) -> Result<(String, Vec<Edit>, Vec<Check>), UpdateError> {
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| UpdateError::Toml(e.to_string()))?;
    // New tables come from the text the import would write, so that they carry the same
    // comments and assumptions.
    let (fresh_text, fresh_checks) = write::description(export, source);
    let fresh: DocumentMut = fresh_text
        .parse()
        .map_err(|e: toml_edit::TomlError| UpdateError::Toml(e.to_string()))?;
    let mut edits = Vec::new();
    let mut checks = Vec::new();

    let fresh_sites = tables(&fresh, "site")?;
    let fresh_servers = tables(&fresh, "server")?;
    let sites = array_of_tables(&mut doc, "site")?;
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, t) in sites.iter().enumerate() {
        if let Some(code) = t.get("code").and_then(|v| v.as_str()) {
            index.insert(code.to_string(), i);
        }
    }
    let exported: HashSet<&str> = export.sites.iter().map(|s| s.code.as_str()).collect();
    // Removed sites first (from the back, so indexes stay valid).
    let mut gone: Vec<(usize, String)> = index
        .iter()
        .filter(|(code, _)| !exported.contains(code.as_str()))
        .map(|(code, i)| (*i, code.clone()))
        .collect();
    gone.sort();
    for (i, code) in gone.iter().rev() {
        sites.remove(*i);
        edits.push(Edit {
            subject: format!("site {code}"),
            key: None,
            old: Some(code.clone()),
            new: None,
        });
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, t) in sites.iter().enumerate() {
        if let Some(code) = t.get("code").and_then(|v| v.as_str()) {
            index.insert(code.to_string(), i);
        }
    }
    for site in &export.sites {
        let subject = format!("site {}", site.code);
        match index.get(&site.code) {
            Some(&i) => {
                let table = sites.get_mut(i).expect("indexed");
                refresh_site(table, export, site, &subject, &mut edits);
            }
            None => {
                let table = fresh_sites
                    .iter()
                    .find(|t| t.get("code").and_then(|v| v.as_str()) == Some(&site.code))
                    .expect("the fresh description has every site");
                sites.push(table.clone());
                edits.push(Edit {
                    subject: subject.clone(),
                    key: None,
                    old: None,
                    new: Some(site.code.clone()),
                });
                checks.extend(
                    fresh_checks
                        .iter()
                        .filter(|c| c.subject == subject)
                        .cloned(),
                );
            }
        }
    }

    let servers = array_of_tables(&mut doc, "server")?;
    let key_of = |t: &Table| {
        t.get("name")
            .and_then(|v| v.as_str())
            .map(|n| short_name(n).to_ascii_uppercase())
    };
    let mut gone: Vec<(usize, String)> = servers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let key = key_of(t)?;
            (!export.servers.contains_key(&key)).then(|| {
                (
                    i,
                    t.get("name")
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string(),
                )
            })
        })
        .collect();
    gone.sort();
    for (i, name) in gone.iter().rev() {
        servers.remove(*i);
        edits.push(Edit {
            subject: format!("server {name}"),
            key: None,
            old: Some(name.clone()),
            new: None,
        });
    }
    let index: HashMap<String, usize> = servers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((key_of(t)?, i)))
        .collect();
    // The fresh description lists servers in hierarchy order: keep that order for new ones.
    for fresh_table in &fresh_servers {
        let Some(key) = key_of(fresh_table) else {
            continue;
        };
        let server = &export.servers[&key];
        let subject = format!("server {}", server.name);
        match index.get(&key) {
            Some(&i) => {
                let table = servers.get_mut(i).expect("indexed");
                refresh_server(table, export, server, &subject, &mut edits);
            }
            None => {
                servers.push(fresh_table.clone());
                edits.push(Edit {
                    subject: subject.clone(),
                    key: None,
                    old: None,
                    new: Some(server.name.clone()),
                });
                checks.extend(
                    fresh_checks
                        .iter()
                        .filter(|c| c.subject == subject)
                        .cloned(),
                );
            }
        }
    }
    Ok((doc.to_string(), edits, checks))
}

fn tables(doc: &DocumentMut, key: &str) -> Result<Vec<Table>, UpdateError> {
    Ok(match doc.get(key) {
        Some(Item::ArrayOfTables(a)) => a.iter().cloned().collect(),
        None => Vec::new(),
        Some(_) => {
            return Err(UpdateError::Shape(format!(
                "{key} is not a list of [[{key}]] tables"
            )))
        }
    })
}

fn array_of_tables<'a>(
    doc: &'a mut DocumentMut,
    key: &str,
) -> Result<&'a mut ArrayOfTables, UpdateError> {
    if doc.get(key).is_none() {
        doc.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    match doc.get_mut(key) {
        Some(Item::ArrayOfTables(a)) => Ok(a),
        _ => Err(UpdateError::Shape(format!(
            "`{key}` must be written as [[{key}]] tables for --update to edit it"
        ))),
    }
}

/// The value's text as TOML writes it, without its comments.
fn shown(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string()
}

/// Sets `key` to `new`, keeping the old value's comments; records an edit when it changes.
fn set(table: &mut Table, key: &str, new: Value, subject: &str, edits: &mut Vec<Edit>) {
    let old = table.get(key).and_then(|i| i.as_value()).cloned();
    let mut new = new;
    if let Some(old) = &old {
        if shown(old) == shown(&new) || same_number(old, &new) {
            return;
        }
        *new.decor_mut() = old.decor().clone();
    }
    edits.push(Edit {
        subject: subject.to_string(),
        key: Some(key.to_string()),
        old: old.as_ref().map(shown),
        new: Some(shown(&new)),
    });
    match table.get_mut(key) {
        Some(item) => *item = Item::Value(new),
        None => {
            table.insert(key, Item::Value(new));
        }
    }
}

fn same_number(a: &Value, b: &Value) -> bool {
    let n = |v: &Value| v.as_integer().map(|i| i as f64).or_else(|| v.as_float());
    matches!((n(a), n(b)), (Some(x), Some(y)) if x == y)
}

fn remove(table: &mut Table, key: &str, subject: &str, edits: &mut Vec<Edit>) {
    if let Some(old) = table.remove(key) {
        edits.push(Edit {
            subject: subject.to_string(),
            key: Some(key.to_string()),
            old: old.as_value().map(shown),
            new: None,
        });
    }
}

fn string(s: &str) -> Value {
    Value::from(s)
}

fn refresh_site(
    table: &mut Table,
    export: &Export,
    site: &ExportedSite,
    subject: &str,
    edits: &mut Vec<Edit>,
) {
    set(table, "name", string(&site.name), subject, edits);
    set(
        table,
        "type",
        string(site.site_type.as_str()),
        subject,
        edits,
    );
    match &site.parent {
        Some(p) => set(table, "parent", string(p), subject, edits),
        None => remove(table, "parent", subject, edits),
    }
    set(
        table,
        "version",
        string(site.version.as_str()),
        subject,
        edits,
    );
    if let Some(security) = site.security {
        set(table, "security", string(security.as_str()), subject, edits);
    }
    let site_server = &export.servers[&site.site_server].name;
    set(table, "site_server", string(site_server), subject, edits);
    match site.site_type {
        SiteType::Primary => {
            let (db, assumed) = write::database_server(export, site);
            // An assumption never replaces what the planner wrote.
            if !assumed || !table.contains_key("database_server") {
                set(table, "database_server", string(db), subject, edits);
            }
        }
        SiteType::Secondary => remove(table, "database_server", subject, edits),
    }
    // A secondary without client rows: the planner's count of clients in its boundaries stays.
    if site.clients.is_some() || site.site_type == SiteType::Primary {
        set(
            table,
            "clients",
            Value::from(site.clients.unwrap_or(0) as i64),
            subject,
            edits,
        );
    }
    match site.legacy_clients {
        Some(n) => set(
            table,
            "legacy_clients",
            Value::from(n as i64),
            subject,
            edits,
        ),
        None if table.contains_key("legacy_clients") && site.site_type == SiteType::Primary => {
            set(table, "legacy_clients", Value::from(0), subject, edits)
        }
        None => {}
    }
}

fn refresh_server(
    table: &mut Table,
    _export: &Export,
    server: &ExportedServer,
    subject: &str,
    edits: &mut Vec<Edit>,
) {
    match &server.site {
        Some(site) => set(table, "site", string(site), subject, edits),
        None => remove(table, "site", subject, edits),
    }
    if let Some(os) = server.os.as_ref().and_then(|o| o.version) {
        set(table, "os", string(os.as_str()), subject, edits);
    }
    if let Some(sql) = &server.sql {
        if !server.databases.is_empty() || table.contains_key("sql") {
            set(
                table,
                "sql",
                string(sql.mapped.version.as_str()),
                subject,
                edits,
            );
        }
    }
    if let Some(mb) = server.free_disk_mb {
        let gb = write::free_gb(mb);
        let value = match gb.parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => Value::from(gb.parse::<f64>().unwrap_or(0.0)),
        };
        set(table, "free_disk_gb", value, subject, edits);
    }
    let mut roles = server.roles.clone();
    roles.sort();
    if roles.is_empty() {
        remove(table, "roles", subject, edits);
    } else {
        let mut array = Array::new();
        for r in &roles {
            array.push(r.as_str());
        }
        set(table, "roles", Value::Array(array), subject, edits);
    }
}
