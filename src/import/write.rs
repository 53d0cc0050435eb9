//! The description text written from a checked export: commented, in hierarchy order, with the
//! safe assumption and a `# check:` comment wherever the site database cannot tell.

use std::fmt::Write;

use super::export::{self, Export, ExportedServer, ExportedSite};
use crate::model::{OsVersion, Role, SecurityMode, SiteType, SqlVersion};

/// A value the database cannot tell: written with the safe assumption, listed after the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `site LON`, `server LON-SQL01`, `plan`.
    pub subject: String,
    /// The key it is about.
    pub key: &'static str,
    /// What to verify and where.
    pub text: String,
}

/// The safe assumptions, in one place (also used by `--update` for new sites and servers).
pub const ASSUMED_SECURITY: SecurityMode = SecurityMode::Standard;
pub const ASSUMED_OS: OsVersion = OsVersion::Windows2000Sp4;
pub const ASSUMED_SQL: SqlVersion = SqlVersion::Sql2000Sp3a;

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `a, b, c` of line numbers, with runs shortened (`3–7`).
pub fn lines(list: &[usize]) -> String {
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!("{}–{}", sorted[i], sorted[j])
        } else {
            sorted[i].to_string()
        });
        i = j + 1;
    }
    let word = if sorted.len() == 1 { "line" } else { "lines" };
    format!("{word} {}", out.join(", "))
}

/// Free disk in GB (1 GB = 1024 MB), with at most one decimal.
pub fn free_gb(mb: f64) -> String {
    let gb = (mb / 1024.0 * 10.0).floor() / 10.0;
    if gb.fract() == 0.0 {
        format!("{}", gb as u64)
    } else {
        format!("{gb:.1}")
    }
}

/// Collects the text and the checks.
pub struct Writer {
    pub text: String,
    pub checks: Vec<Check>,
}

impl Writer {
    fn check(&mut self, subject: &str, key: &'static str, text: String) {
        let _ = writeln!(self.text, "# check: {text}");
        self.checks.push(Check {
            subject: subject.to_string(),
            key,
            text,
        });
    }
}

/// The whole description for an export read from `source` (the folder as given).
pub fn description(export: &Export, source: &str) -> (String, Vec<Check>) {
    let mut w = Writer {
        text: String::with_capacity(400 * (export.sites.len() + export.servers.len()) + 2000),
        checks: Vec::new(),
    };
    let central = &export.sites[0];
    let _ = writeln!(
        w.text,
        "# Imported by `cmplan import` from the SMS 2003 site database export in {source}"
    );
    let _ = writeln!(
        w.text,
        "# ({} sites, {} servers). Each site and server says which file and row it came from.",
        export.sites.len(),
        export.servers.len()
    );
    w.text.push_str(
        "# What the site database cannot tell is written with the safe assumption (the one that\n\
         # keeps the work in the plan) under a \"# check:\" comment: verify it, correct the value,\n\
         # delete the comment. `cmplan import DIR --update THIS-FILE` refreshes what the database\n\
         # knows and keeps everything else.\n\n",
    );
    w.text.push_str("[plan]\n");
    let _ = writeln!(
        w.text,
        "title = {}",
        quote(&format!(
            "{} SMS 2003 to Configuration Manager 2007 upgrade",
            central.name
        ))
    );
    w.check(
        "plan",
        "target",
        "the Configuration Manager 2007 media you will install: \"rtm\", \"sp1\" or \"sp2\"".into(),
    );
    w.text.push_str("target = \"sp2\"\n\n[active_directory]\n");
    w.check(
        "active_directory",
        "schema_extended",
        "assumed \"none\": is there a System Management container (ADSI Edit → the domain → \
         System)?"
            .into(),
    );
    w.text.push_str("schema_extended = \"none\"\n");
    w.check(
        "active_directory",
        "sites_publish",
        "assumed false: Site Properties → Advanced → \"Publish this site in Active Directory\""
            .into(),
    );
    w.text.push_str("sites_publish = false\n\n");
    w.check(
        "console",
        "computer",
        "add a [[console]] table (computer = \"NAME\") for each computer running the SMS \
         Administrator console"
            .into(),
    );
    w.text.push('\n');
    for site in &export.sites {
        site_table(&mut w, export, site);
    }
    let mut servers: Vec<&ExportedServer> = export.servers.values().collect();
    let position: std::collections::HashMap<&str, usize> = export
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.as_str(), i))
        .collect();
    let home = |s: &ExportedServer| {
        s.site
            .iter()
            .chain(s.databases.iter())
            .filter_map(|c| position.get(c.as_str()).copied())
            .min()
            .unwrap_or(usize::MAX)
    };
    servers.sort_by_cached_key(|s| (home(s), s.name.to_ascii_uppercase()));
    let assumed_databases: std::collections::HashSet<&str> = export
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary && s.database_server.is_none())
        .map(|s| s.site_server.as_str())
        .collect();
    for server in servers {
        let hosts_assumed = assumed_databases.contains(server.name.to_ascii_uppercase().as_str());
        server_table(&mut w, server, hosts_assumed);
    }
    (w.text, w.checks)
}

/// Whether the site's database server is taken from the export or assumed to be its site server.
pub fn database_server<'a>(export: &'a Export, site: &'a ExportedSite) -> (&'a str, bool) {
    match &site.database_server {
        Some(key) => (&export.servers[key].name, false),
        None => (&export.servers[&site.site_server].name, true),
    }
}

fn site_table(w: &mut Writer, export: &Export, site: &ExportedSite) {
    let subject = format!("site {}", site.code);
    let mut provenance = format!(
        "# {} {}: Version {}",
        export::SITES,
        lines(&[site.line]),
        site.version_text
    );
    if !site.build.is_empty() {
        let _ = write!(provenance, ", BuildNumber {}", site.build);
    }
    if !site.client_lines.is_empty() {
        let _ = write!(
            provenance,
            "; {} {}",
            export::CLIENTS,
            lines(&site.client_lines)
        );
    }
    let _ = writeln!(w.text, "{provenance}\n[[site]]");
    let _ = writeln!(w.text, "code = {}", quote(&site.code));
    let _ = writeln!(w.text, "name = {}", quote(&site.name));
    let _ = writeln!(w.text, "type = {}", quote(site.site_type.as_str()));
    if let Some(parent) = &site.parent {
        let _ = writeln!(w.text, "parent = {}", quote(parent));
    }
    let _ = writeln!(w.text, "version = {}", quote(site.version.as_str()));
    let security = match site.security {
        Some(s) => s,
        None => {
            w.check(
                &subject,
                "security",
                "assumed \"standard\": Site Properties → General → security mode".into(),
            );
            ASSUMED_SECURITY
        }
    };
    let _ = writeln!(w.text, "security = {}", quote(security.as_str()));
    let site_server = &export.servers[&site.site_server].name;
    let _ = writeln!(w.text, "site_server = {}", quote(site_server));
    if site.site_type == SiteType::Primary {
        let (db, assumed) = database_server(export, site);
        if assumed {
            w.check(
                &subject,
                "database_server",
                format!(
                    "no \"SMS SQL Server\" row in {}; assumed the site server: Site Properties → \
                     General → site database server",
                    export::SITE_SYSTEMS
                ),
            );
        }
        let _ = writeln!(w.text, "database_server = {}", quote(db));
    }
    if site.site_type == SiteType::Secondary && site.clients.is_none() {
        w.check(
            &subject,
            "clients",
            format!(
                "Advanced Clients are counted in the parent site: count those inside {}'s roaming \
                 boundaries",
                site.code
            ),
        );
    }
    let _ = writeln!(w.text, "clients = {}", site.clients.unwrap_or(0));
    if let Some(legacy) = site.legacy_clients.filter(|n| *n > 0) {
        let _ = writeln!(w.text, "legacy_clients = {legacy}");
    }
    w.check(
        &subject,
        "feature_packs",
        format!(
            "assumed none: Add or Remove Programs on {site_server} (\"itmu\", \"osd\", \
             \"device-management\")"
        ),
    );
    w.text.push_str("feature_packs = []\n\n");
}

/// `hosts_assumed`: the site server of a primary site without an "SMS SQL Server" row, so
/// assumed to hold its database.
fn server_table(w: &mut Writer, server: &ExportedServer, hosts_assumed: bool) {
    let subject = format!("server {}", server.name);
    let mut from = Vec::new();
    if let Some(line) = server.site_line {
        from.push(format!("{} {}", export::SITES, lines(&[line])));
    }
    if !server.system_lines.is_empty() {
        from.push(format!(
            "{} {}",
            export::SITE_SYSTEMS,
            lines(&server.system_lines)
        ));
    }
    if let Some(os) = &server.os {
        from.push(format!("{} {}", export::SERVERS, lines(&[os.line])));
    }
    if let Some(sql) = &server.sql {
        from.push(format!(
            "{} {}: ProductVersion {}",
            export::SQL,
            lines(&[sql.line]),
            sql.product_version
        ));
    }
    let _ = writeln!(w.text, "# {}", from.join("; "));
    for (role, line) in &server.unknown_roles {
        let _ = writeln!(
            w.text,
            "# {} line {line}: role {} has no equivalent in cmplan and is not written",
            export::SITE_SYSTEMS,
            quote(role)
        );
    }
    w.text.push_str("[[server]]\n");
    let _ = writeln!(w.text, "name = {}", quote(&server.name));
    if let Some(site) = &server.site {
        let _ = writeln!(w.text, "site = {}", quote(site));
    }
    let os = match &server.os {
        Some(inv) => match inv.version {
            Some(v) => v,
            None => {
                w.check(
                    &subject,
                    "os",
                    format!(
                        "{} is not an operating system cmplan knows; assumed {}: System \
                         Properties on {}",
                        quote(format!("{} {}", inv.caption, inv.service_pack).trim()),
                        quote(ASSUMED_OS.as_str()),
                        server.name
                    ),
                );
                ASSUMED_OS
            }
        },
        None => {
            w.check(
                &subject,
                "os",
                format!(
                    "no hardware inventory; assumed {}: System Properties on {}",
                    quote(ASSUMED_OS.as_str()),
                    server.name
                ),
            );
            ASSUMED_OS
        }
    };
    let _ = writeln!(w.text, "os = {}", quote(os.as_str()));
    if !server.databases.is_empty() || hosts_assumed {
        let sql = match &server.sql {
            Some(inv) => {
                if inv.mapped.older_than_known {
                    w.check(
                        &subject,
                        "sql",
                        format!(
                            "ProductVersion {} is older than any level cmplan knows; {} is \
                             written, and the plan's SQL Server upgrade covers it",
                            inv.product_version,
                            quote(inv.mapped.version.as_str())
                        ),
                    );
                }
                inv.mapped.version
            }
            None => {
                w.check(
                    &subject,
                    "sql",
                    format!(
                        "not in {}; assumed {}: SELECT SERVERPROPERTY('ProductVersion') on {}",
                        export::SQL,
                        quote(ASSUMED_SQL.as_str()),
                        server.name
                    ),
                );
                ASSUMED_SQL
            }
        };
        let _ = writeln!(w.text, "sql = {}", quote(sql.as_str()));
        w.check(
            &subject,
            "sql_replication",
            format!(
                "assumed false: Management Studio or Enterprise Manager → Replication on {}",
                server.name
            ),
        );
        w.text.push_str("sql_replication = false\n");
    }
    match server.free_disk_mb {
        Some(mb) => {
            let _ = writeln!(w.text, "free_disk_gb = {}", free_gb(mb));
        }
        None => w.check(
            &subject,
            "free_disk_gb",
            format!(
                "no hardware inventory: add free_disk_gb = … (the drive with the SMS or SQL files \
                 on {})",
                server.name
            ),
        ),
    }
    if server.site_server_of.is_some() {
        w.check(
            &subject,
            "internet_access",
            format!(
                "assumed false: can {} reach the Internet (Setup's prerequisite download)?",
                server.name
            ),
        );
        w.text.push_str("internet_access = false\n");
    }
    let mut roles = server.roles.clone();
    roles.sort();
    if !roles.is_empty() {
        let list: Vec<String> = roles.iter().map(|r| quote(r.as_str())).collect();
        let _ = writeln!(w.text, "roles = [{}]", list.join(", "));
    }
    if roles.contains(&Role::ManagementPoint) {
        w.check(
            &subject,
            "webdav",
            format!(
                "assumed off: IIS Manager → Web Service Extensions (WebDAV) and BITS on {}",
                server.name
            ),
        );
        w.text.push_str("webdav = false\nbits = false\n");
    }
    w.text.push('\n');
}
