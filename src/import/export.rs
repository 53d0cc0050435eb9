//! The export read and checked: every problem of every file is collected (located, coded, with a
//! hint), and when there is none the sites and servers come out in cmplan's terms.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use super::table::{self, Row, Table};
use super::vocabulary::{self, RoleMeaning, SqlMapped, VersionProblem};
use crate::input::{Code, Diagnostic, Severity, Sink};
use crate::model::{OsVersion, Role, SecurityMode, SiteCode, SiteType, SiteVersion};

/// The export files, in the order their problems are reported.
pub const SITES: &str = "sites.csv";
pub const SITE_SYSTEMS: &str = "site_systems.csv";
pub const CLIENTS: &str = "clients.csv";
pub const SERVERS: &str = "servers.csv";
pub const SQL: &str = "sql.csv";

/// (file, required columns, optional columns, required file)
const FILES: &[(&str, &[&str], &[&str], bool)] = &[
    (
        SITES,
        &[
            "SiteCode",
            "SiteName",
            "Type",
            "ReportingSiteCode",
            "ServerName",
            "Version",
            "BuildNumber",
        ],
        &["Status", "SecurityMode"],
        true,
    ),
    (
        SITE_SYSTEMS,
        &["SiteCode", "ServerName", "RoleName"],
        &[],
        true,
    ),
    (CLIENTS, &["SiteCode", "ClientType", "Clients"], &[], true),
    (
        SERVERS,
        &["ServerName", "Caption", "CSDVersion", "FreeSpaceMB"],
        &["OtherTypeDescription"],
        false,
    ),
    (SQL, &["ServerName", "ProductVersion"], &[], false),
];

/// A site as the database describes it.
#[derive(Debug, Clone)]
pub struct ExportedSite {
    pub code: String,
    pub name: String,
    pub site_type: SiteType,
    pub parent: Option<String>,
    pub version: SiteVersion,
    /// `Version` and `BuildNumber` as exported, for the provenance comment.
    pub version_text: String,
    pub build: String,
    /// Key into [`Export::servers`].
    pub site_server: String,
    /// Key into [`Export::servers`]; `None` for a secondary site or when no "SMS SQL Server" row
    /// names one (then the site server is assumed).
    pub database_server: Option<String>,
    /// Advanced and Legacy Clients (`None`: no row in clients.csv).
    pub clients: Option<u64>,
    pub legacy_clients: Option<u64>,
    /// From the optional `SecurityMode` column.
    pub security: Option<SecurityMode>,
    pub line: usize,
    pub client_lines: Vec<usize>,
}

/// A computer named by the export (a site server or a site system).
#[derive(Debug, Clone)]
pub struct ExportedServer {
    /// As written in the description: the computer name without its domain.
    pub name: String,
    /// The site whose roles it holds (site server or a role of `server.roles`).
    pub site: Option<String>,
    pub roles: Vec<Role>,
    /// Role names cmplan does not know, with their line in site_systems.csv: kept in a comment.
    pub unknown_roles: Vec<(String, usize)>,
    /// Sites whose database it hosts.
    pub databases: Vec<String>,
    pub site_server_of: Option<String>,
    pub os: Option<OsInventory>,
    pub free_disk_mb: Option<f64>,
    pub sql: Option<SqlInventory>,
    /// Its row in sites.csv (when it is a site server) and its rows in site_systems.csv.
    pub site_line: Option<usize>,
    pub system_lines: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct OsInventory {
    pub caption: String,
    pub service_pack: String,
    pub version: Option<OsVersion>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct SqlInventory {
    pub product_version: String,
    pub mapped: SqlMapped,
    pub line: usize,
}

/// The checked export.
#[derive(Debug, Clone)]
pub struct Export {
    /// In hierarchy order: the central site, then each child after its parent (children by code).
    pub sites: Vec<ExportedSite>,
    /// Keyed by the upper-case computer name.
    pub servers: BTreeMap<String, ExportedServer>,
    /// Whether servers.csv / sql.csv were there.
    pub has_inventory: bool,
    pub has_sql: bool,
    /// Things worth saying that are not problems (a deleted site skipped).
    pub notes: Vec<String>,
}

/// Every problem found in the export, per file (never just the first).
#[derive(Debug)]
pub struct ImportError {
    /// (file as shown, its text, its problems sorted by position).
    pub files: Vec<(String, String, Vec<Diagnostic>)>,
}

impl ImportError {
    pub fn count(&self) -> usize {
        self.files.iter().map(|(_, _, d)| d.len()).sum()
    }

    /// (file name, code, line, column) of each problem; (0, 0) when the file is missing.
    pub fn locations(&self) -> Vec<(String, String, usize, usize)> {
        let mut out = Vec::new();
        for (file, _, diagnostics) in &self.files {
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.clone());
            for d in diagnostics {
                let (line, column) = d.location.unwrap_or((0, 0));
                out.push((name.clone(), d.code.to_string(), line, column));
            }
        }
        out
    }

    /// The report printed to stderr: each problem with code, file:line:column, the line with a
    /// caret and a hint, then a summary line.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for (file, text, diagnostics) in &self.files {
            out.push_str(&crate::input::render_diagnostics(
                diagnostics,
                file,
                text,
                color,
            ));
        }
        let n = self.count();
        out.push_str(&format!(
            "{n} problem{} in the export; nothing was written\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} problem(s) in the export", self.count())
    }
}

impl std::error::Error for ImportError {}

/// One export file as read: its name as shown in diagnostics, and its text.
struct Source {
    shown: String,
    text: String,
    /// The problem that kept the file from being read, if any.
    unreadable: Option<Diagnostic>,
    present: bool,
}

/// The computer name as the description writes it: without a domain suffix.
pub fn short_name(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

fn server_key(name: &str) -> String {
    short_name(name).to_ascii_uppercase()
}

/// Reads and checks the export in `dir`.
pub fn read_dir(dir: &Path) -> Result<Export, ImportError> {
    let mut sources = Vec::new();
    for (file, _, _, required) in FILES {
        let path = dir.join(file);
        let shown = path.display().to_string();
        let (text, unreadable, present) = match std::fs::read(&path) {
            Ok(bytes) => match table::decode(&bytes) {
                Ok(text) => (text, None, true),
                Err(e) => {
                    let lossy = String::from_utf8_lossy(&bytes).into_owned();
                    let at = e.at.min(lossy.len());
                    let mut sink = Sink::new(&shown, &lossy);
                    sink.error(Code::I002, at..at, e.message, "this byte")
                        .hint("save the results as CSV in UTF-8, or as Unicode (UTF-16) with its byte-order mark: Management Studio → Save Results As, Query Analyzer → Save As with the Unicode encoding");
                    let d = sink.diagnostics.pop();
                    (lossy, d, true)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                (String::new(), None, false)
            }
            Err(e) => (
                String::new(),
                Some(Diagnostic {
                    code: Code::I001,
                    severity: Severity::Error,
                    message: format!("cannot read {shown}: {e}"),
                    file: shown.clone(),
                    span: None,
                    location: None,
                    label: String::new(),
                    related: Vec::new(),
                    hint: Some(format!(
                        "save the results of the {file} query (see `cmplan import --queries`) as {file} in {}",
                        dir.display()
                    )),
                }),
                false,
            ),
        };
        sources.push(Source {
            shown,
            text,
            unreadable,
            present,
        });
    }
    let mut checker = Checker {
        sinks: sources
            .iter()
            .map(|s| Sink::new(&s.shown, &s.text))
            .collect(),
        listed: Default::default(),
    };
    let mut tables: Vec<Option<Table>> = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        if let Some(d) = &source.unreadable {
            checker.sinks[i].diagnostics.push(d.clone());
            tables.push(None);
            continue;
        }
        if !source.present {
            tables.push(None);
            continue;
        }
        match table::parse(&source.text) {
            Ok(t) => tables.push(checker.check_header(i, t)),
            Err(e) => {
                checker.sinks[i]
                    .error(
                        Code::I002,
                        e.span,
                        format!("not readable as CSV: {}", e.message),
                        "here",
                    )
                    .hint("save the results as comma-separated values with a header row");
                tables.push(None);
            }
        }
    }
    let export = checker.build(&tables);
    let files: Vec<(String, String, Vec<Diagnostic>)> = checker
        .sinks
        .into_iter()
        .zip(&sources)
        .filter(|(sink, _)| !sink.diagnostics.is_empty())
        .map(|(sink, source)| {
            let mut diagnostics = sink.diagnostics;
            diagnostics.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
            (source.shown.clone(), source.text.clone(), diagnostics)
        })
        .collect();
    if files.is_empty() {
        Ok(export.expect("no problem, so the export was built"))
    } else {
        Err(ImportError { files })
    }
}

const SITES_I: usize = 0;
const SYSTEMS_I: usize = 1;
const CLIENTS_I: usize = 2;
const SERVERS_I: usize = 3;
const SQL_I: usize = 4;

struct Checker<'a> {
    sinks: Vec<Sink<'a>>,
    /// Every site code in sites.csv, also of rows with problems (already reported): a row that
    /// names one of them is not reported again.
    listed: std::collections::HashSet<String>,
}

/// Column indexes of a table, in the order of its required then optional columns.
fn columns(t: &Table, file: usize) -> Vec<Option<usize>> {
    let (_, required, optional, _) = FILES[file];
    required
        .iter()
        .chain(optional.iter())
        .map(|c| t.column(c))
        .collect()
}

impl Checker<'_> {
    fn err(
        &mut self,
        file: usize,
        code: Code,
        span: Range<usize>,
        message: String,
        label: &str,
        hint: String,
    ) -> &mut Diagnostic {
        self.sinks[file]
            .error(code, span, message, label)
            .hint(hint)
    }

    fn check_header(&mut self, file: usize, t: Table) -> Option<Table> {
        let (name, required, _, _) = FILES[file];
        let header_span = match (t.header.first(), t.header.last()) {
            (Some(a), Some(b)) => a.1.start..b.1.end,
            _ => 0..0,
        };
        let mut ok = true;
        for column in required.iter() {
            if t.column(column).is_some() {
                continue;
            }
            ok = false;
            let found: Vec<&str> = t.header.iter().map(|(h, _)| h.as_str()).collect();
            let near = found
                .iter()
                .filter(|h| {
                    strsim::jaro_winkler(&h.to_ascii_lowercase(), &column.to_ascii_lowercase())
                        > 0.85
                })
                .copied()
                .next();
            let hint = match near {
                Some(near) => format!(
                    "did you mean {near}? the query's column must be named {column} (use AS {column} in the SELECT)"
                ),
                None => format!(
                    "{name} needs the columns {}; the first row must be the header (in Management Studio: Tools → Options → Query Results → Include column headers)",
                    required.join(", ")
                ),
            };
            self.err(
                file,
                Code::I003,
                header_span.clone(),
                format!("{name} has no column {column}"),
                "the header row",
                hint,
            );
        }
        ok.then_some(t)
    }

    fn build(&mut self, tables: &[Option<Table>]) -> Option<Export> {
        let mut notes = Vec::new();
        let sites = tables[SITES_I]
            .as_ref()
            .map(|t| self.read_sites(t, &mut notes));
        let mut servers: BTreeMap<String, ExportedServer> = BTreeMap::new();
        let mut sites = sites?;
        // Site servers first: v_Site names them, and their spelling wins.
        let mut site_of_server: HashMap<String, (String, usize, Range<usize>, usize)> =
            HashMap::new();
        for site in &sites {
            let key = server_key(&site.server_name);
            let server = servers
                .entry(key.clone())
                .or_insert_with(|| new_server(&site.server_name));
            server.site_line.get_or_insert(site.line);
            if let Some(other) = &server.site_server_of {
                let message = format!(
                    "{} is the site server of both {} and {}",
                    server.name, other, site.code
                );
                let (_, _, first_span, _) = site_of_server[&key].clone();
                self.err(
                    SITES_I,
                    Code::I008,
                    site.server_span.clone(),
                    message,
                    "site server again",
                    "a computer is the site server of one site only; check ServerName of both rows"
                        .into(),
                )
                .also(first_span, "first here");
                continue;
            }
            server.site_server_of = Some(site.code.clone());
            server.site = Some(site.code.clone());
            site_of_server.insert(
                key,
                (
                    site.code.clone(),
                    SITES_I,
                    site.server_span.clone(),
                    site.line,
                ),
            );
        }
        let by_code: HashMap<String, usize> = sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        if let Some(t) = &tables[SYSTEMS_I] {
            self.read_site_systems(t, &mut sites, &by_code, &mut servers, &mut site_of_server);
        }
        if let Some(t) = &tables[CLIENTS_I] {
            self.read_clients(t, &mut sites, &by_code);
        }
        if let Some(t) = &tables[SERVERS_I] {
            self.read_inventory(t, &mut servers);
        }
        if let Some(t) = &tables[SQL_I] {
            self.read_sql(t, &mut servers);
        }
        let order = self.hierarchy(&sites, &by_code)?;
        let sites = order
            .into_iter()
            .map(|i| {
                let s = &sites[i];
                ExportedSite {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    site_type: s.site_type,
                    parent: s.parent.clone(),
                    version: s.version,
                    version_text: s.version_text.clone(),
                    build: s.build.clone(),
                    site_server: server_key(&s.server_name),
                    database_server: s.database_server.clone(),
                    clients: s.clients,
                    legacy_clients: s.legacy_clients,
                    security: s.security,
                    line: s.line,
                    client_lines: s.client_lines.clone(),
                }
            })
            .collect();
        let problems = self.sinks.iter().any(|s| !s.diagnostics.is_empty());
        (!problems).then_some(Export {
            sites,
            servers,
            has_inventory: tables[SERVERS_I].is_some(),
            has_sql: tables[SQL_I].is_some(),
            notes,
        })
    }

    fn read_sites(&mut self, t: &Table, notes: &mut Vec<String>) -> Vec<SiteRow> {
        let c = columns(t, SITES_I);
        let [code_c, name_c, type_c, parent_c, server_c, version_c, build_c, status_c, security_c] =
            [c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]];
        let (code_c, name_c, type_c, parent_c, server_c, version_c, build_c) = (
            code_c.unwrap(),
            name_c.unwrap(),
            type_c.unwrap(),
            parent_c.unwrap(),
            server_c.unwrap(),
            version_c.unwrap(),
            build_c.unwrap(),
        );
        let mut out: Vec<SiteRow> = Vec::new();
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for row in &t.rows {
            if let Some(sc) = status_c {
                let (status, span) = row.cell(sc);
                match status {
                    "" | "1" | "2" | "3" | "5" => {}
                    "4" => {
                        notes.push(format!(
                            "{SITES} line {}: site {} has Status 4 (deleted) and was left out",
                            row.line,
                            row.cell(code_c).0
                        ));
                        continue;
                    }
                    other => {
                        self.err(SITES_I, Code::I004, span, format!("unknown site Status {other:?}"), "not a status", "SMS_Site.Status is 1 active, 2 pending, 3 failed, 4 deleted or 5 upgrade".into());
                    }
                }
            }
            let Some(code) = self.site_code(SITES_I, row, code_c) else {
                continue;
            };
            self.listed.insert(code.clone());
            let code_span = row.cell(code_c).1;
            if let Some(first) = seen.get(&code) {
                let first = first.clone();
                self.err(
                    SITES_I,
                    Code::I006,
                    code_span,
                    format!("site {code} appears twice in {SITES}"),
                    "again here",
                    "each site has one row in v_Site: export it again, or delete the extra row"
                        .into(),
                )
                .also(first, "first here");
                continue;
            }
            seen.insert(code.clone(), code_span);
            let (name, name_span) = row.cell(name_c);
            if name.is_empty() {
                self.err(
                    SITES_I,
                    Code::I011,
                    name_span,
                    format!("site {code} has no SiteName"),
                    "empty",
                    "give the site's friendly name (Site Properties → General)".into(),
                );
            }
            let (type_text, type_span) = row.cell(type_c);
            let site_type = match type_text {
                "1" => Some(SiteType::Secondary),
                "2" => Some(SiteType::Primary),
                other => {
                    self.err(
                        SITES_I,
                        Code::I004,
                        type_span,
                        format!("unknown site Type {other:?} for site {code}"),
                        "not a site type",
                        "SMS_Site.Type is 1 for a secondary site and 2 for a primary site".into(),
                    );
                    None
                }
            };
            let (parent_text, parent_span) = row.cell(parent_c);
            let parent = if parent_text.is_empty() {
                None
            } else {
                match SiteCode::parse(parent_text) {
                    Some(p) => Some(p.to_string()),
                    None => {
                        self.err(SITES_I, Code::I009, parent_span.clone(), format!("ReportingSiteCode {parent_text:?} of site {code} is not a site code"), "not a site code", "a site code is three characters, A–Z and 0–9; leave it empty for the central site".into());
                        None
                    }
                }
            };
            let (server, server_span) = row.cell(server_c);
            if server.is_empty() {
                self.err(
                    SITES_I,
                    Code::I011,
                    server_span.clone(),
                    format!("site {code} has no ServerName"),
                    "empty",
                    "ServerName is the site server's computer name".into(),
                );
            }
            let (version_text, version_span) = row.cell(version_c);
            let version = match vocabulary::site_version(version_text) {
                Ok(v) => Some(v),
                Err(problem) => {
                    let what = match problem {
                        VersionProblem::Malformed => "is not a version number",
                        VersionProblem::Unknown => {
                            "is not an SMS 2.0, SMS 2003 or Configuration Manager 2007 version"
                        }
                    };
                    self.err(SITES_I, Code::I007, version_span, format!("Version {version_text:?} of site {code} {what}"), "this version", "SMS 2003 is 2.50.<build>.<revision>, the first digit of the revision is the service pack (KB 832103): 2.50.2726.0000 is RTM, 2.50.4160.2000 is SP2; SMS 2.0 is 2.00.*".into());
                    None
                }
            };
            let security = match security_c.map(|sc| row.cell(sc)) {
                None => None,
                Some(("", _)) => None,
                Some((s, _)) if s.eq_ignore_ascii_case("advanced") => Some(SecurityMode::Advanced),
                Some((s, _)) if s.eq_ignore_ascii_case("standard") => Some(SecurityMode::Standard),
                Some((s, span)) => {
                    self.err(
                        SITES_I,
                        Code::I004,
                        span,
                        format!("unknown SecurityMode {s:?} for site {code}"),
                        "not a security mode",
                        "write Advanced or Standard, or leave it empty".into(),
                    );
                    None
                }
            };
            if let (Some(site_type), Some(version), false, false) =
                (site_type, version, name.is_empty(), server.is_empty())
            {
                out.push(SiteRow {
                    code,
                    code_span: row.cell(code_c).1,
                    name: name.to_string(),
                    site_type,
                    parent,
                    parent_span,
                    version,
                    version_text: version_text.to_string(),
                    build: row.cell(build_c).0.to_string(),
                    server_name: short_name(server).to_string(),
                    server_span,
                    database_server: None,
                    clients: None,
                    legacy_clients: None,
                    security,
                    line: row.line,
                    client_lines: Vec::new(),
                });
            }
        }
        out
    }

    /// A site code cell: checked, or reported.
    fn site_code(&mut self, file: usize, row: &Row, column: usize) -> Option<String> {
        let (text, span) = row.cell(column);
        match SiteCode::parse(text) {
            Some(code) => Some(code.to_string()),
            None => {
                let hint = if SiteCode::parse(&text.to_ascii_uppercase()).is_some() {
                    format!("site codes are upper case: {}", text.to_ascii_uppercase())
                } else {
                    "a site code is three characters, A–Z and 0–9".to_string()
                };
                self.err(
                    file,
                    Code::I009,
                    span,
                    format!("{text:?} is not a site code"),
                    "not a site code",
                    hint,
                );
                None
            }
        }
    }

    /// The site a row names, which must be in sites.csv.
    fn known_site(
        &mut self,
        file: usize,
        row: &Row,
        column: usize,
        by_code: &HashMap<String, usize>,
    ) -> Option<usize> {
        let code = self.site_code(file, row, column)?;
        match by_code.get(&code) {
            Some(i) => Some(*i),
            None if self.listed.contains(&code) => None,
            None => {
                let span = row.cell(column).1;
                self.err(file, Code::I010, span, format!("site {code} is not in {SITES}"), "unknown site", format!("export {SITES} and this file from the same central site database at the same time")) ;
                None
            }
        }
    }

    fn read_site_systems(
        &mut self,
        t: &Table,
        sites: &mut [SiteRow],
        by_code: &HashMap<String, usize>,
        servers: &mut BTreeMap<String, ExportedServer>,
        site_of_server: &mut HashMap<String, (String, usize, Range<usize>, usize)>,
    ) {
        let c = columns(t, SYSTEMS_I);
        let (code_c, server_c, role_c) = (c[0].unwrap(), c[1].unwrap(), c[2].unwrap());
        for row in &t.rows {
            let site = self.known_site(SYSTEMS_I, row, code_c, by_code);
            let (server, server_span) = row.cell(server_c);
            if server.is_empty() {
                self.err(
                    SYSTEMS_I,
                    Code::I011,
                    server_span,
                    "a site system row without ServerName".into(),
                    "empty",
                    "every row of v_SystemResourceList names its server".into(),
                );
                continue;
            }
            let Some(site) = site else { continue };
            let code = sites[site].code.clone();
            let (role_name, _) = row.cell(role_c);
            let key = server_key(server);
            let entry = servers
                .entry(key.clone())
                .or_insert_with(|| new_server(short_name(server)));
            entry.system_lines.push(row.line);
            let meaning = vocabulary::role(role_name);
            let holds_site_role = match meaning {
                Some(RoleMeaning::Role(role)) => {
                    if !entry.roles.contains(&role) {
                        entry.roles.push(role);
                    }
                    true
                }
                Some(RoleMeaning::SiteServer) => true,
                Some(RoleMeaning::DatabaseServer) => {
                    if sites[site].site_type == SiteType::Primary {
                        if sites[site].database_server.is_none() {
                            sites[site].database_server = Some(key.clone());
                        }
                        if !entry.databases.contains(&code) {
                            entry.databases.push(code.clone());
                        }
                    }
                    false
                }
                Some(RoleMeaning::Nothing) => false,
                None => {
                    entry.unknown_roles.push((role_name.to_string(), row.line));
                    false
                }
            };
            if !holds_site_role {
                continue;
            }
            let code_span = row.cell(code_c).1;
            match site_of_server.get(&key) {
                Some((first, first_file, first_span, first_line)) if *first != code => {
                    let (first, first_file, first_span, first_line) =
                        (first.clone(), *first_file, first_span.clone(), *first_line);
                    let first_where = if first_file == SYSTEMS_I {
                        format!("line {first_line}")
                    } else {
                        format!("{SITES} line {first_line}")
                    };
                    let d = self.err(
                        SYSTEMS_I,
                        Code::I008,
                        code_span,
                        format!("{} holds roles in both {first} ({first_where}) and {code}", entry.name),
                        "second site",
                        "a site system belongs to one site; check the export, or remove the stale role in the SMS Administrator console (Site Settings → Site Systems)".into(),
                    );
                    if first_file == SYSTEMS_I {
                        d.also(first_span, "first site");
                    }
                }
                Some(_) => {}
                None => {
                    entry.site = Some(code.clone());
                    site_of_server.insert(key, (code, SYSTEMS_I, code_span, row.line));
                }
            }
        }
    }

    fn read_clients(&mut self, t: &Table, sites: &mut [SiteRow], by_code: &HashMap<String, usize>) {
        let c = columns(t, CLIENTS_I);
        let (code_c, type_c, count_c) = (c[0].unwrap(), c[1].unwrap(), c[2].unwrap());
        for row in &t.rows {
            let site = self.known_site(CLIENTS_I, row, code_c, by_code);
            let (kind, kind_span) = row.cell(type_c);
            let advanced = match kind {
                "1" => Some(true),
                "0" => Some(false),
                other => {
                    self.err(CLIENTS_I, Code::I004, kind_span, format!("unknown ClientType {other:?}"), "not a client type", "ClientType (v_R_System.Client_Type0) is 1 for an Advanced Client and 0 for a Legacy Client".into());
                    None
                }
            };
            let (count_text, count_span) = row.cell(count_c);
            let count = match count_text.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.err(
                        CLIENTS_I,
                        Code::I013,
                        count_span,
                        format!("Clients {count_text:?} is not a whole number"),
                        "not a count",
                        "Clients is COUNT(*) of the query: a whole number ≥ 0".into(),
                    );
                    None
                }
            };
            if let (Some(site), Some(advanced), Some(count)) = (site, advanced, count) {
                let s = &mut sites[site];
                let slot = if advanced {
                    &mut s.clients
                } else {
                    &mut s.legacy_clients
                };
                *slot = Some(slot.unwrap_or(0).saturating_add(count));
                s.client_lines.push(row.line);
            }
        }
    }

    fn read_inventory(&mut self, t: &Table, servers: &mut BTreeMap<String, ExportedServer>) {
        let c = columns(t, SERVERS_I);
        let (name_c, caption_c, csd_c, free_c, other_c) = (
            c[0].unwrap(),
            c[1].unwrap(),
            c[2].unwrap(),
            c[3].unwrap(),
            c[4],
        );
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for row in &t.rows {
            let (name, name_span) = row.cell(name_c);
            let key = server_key(name);
            if name.is_empty() {
                self.err(
                    SERVERS_I,
                    Code::I011,
                    name_span,
                    "an inventory row without ServerName".into(),
                    "empty",
                    "ServerName is the computer's NetBIOS name".into(),
                );
                continue;
            }
            if let Some(first) = seen.get(&key) {
                let first = first.clone();
                self.err(
                    SERVERS_I,
                    Code::I012,
                    name_span,
                    format!("{name} appears twice in {SERVERS}"),
                    "again here",
                    "one row per server: the query groups by server; keep the newer inventory row"
                        .into(),
                )
                .also(first, "first here");
                continue;
            }
            seen.insert(key.clone(), name_span);
            let (free, free_span) = row.cell(free_c);
            let free_mb = if free.is_empty() {
                None
            } else {
                match free.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                    _ => {
                        self.err(SERVERS_I, Code::I013, free_span, format!("FreeSpaceMB {free:?} of {name} is not a size in MB"), "not a number", "FreeSpaceMB is v_GS_LOGICAL_DISK.FreeSpace0, in megabytes: a number ≥ 0, or empty when unknown".into());
                        None
                    }
                }
            };
            // Inventory of computers that are not site systems is not needed: left out.
            let Some(server) = servers.get_mut(&key) else {
                continue;
            };
            let caption = row.cell(caption_c).0.to_string();
            let service_pack = row.cell(csd_c).0.to_string();
            let other = other_c.map(|o| row.cell(o).0).unwrap_or("");
            if !caption.is_empty() {
                server.os = Some(OsInventory {
                    version: vocabulary::os_version(&caption, &service_pack, other),
                    caption,
                    service_pack,
                    line: row.line,
                });
            }
            server.free_disk_mb = free_mb;
        }
    }

    fn read_sql(&mut self, t: &Table, servers: &mut BTreeMap<String, ExportedServer>) {
        let c = columns(t, SQL_I);
        let (name_c, version_c) = (c[0].unwrap(), c[1].unwrap());
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for row in &t.rows {
            let (name, name_span) = row.cell(name_c);
            if name.is_empty() {
                self.err(
                    SQL_I,
                    Code::I011,
                    name_span,
                    "a row without ServerName".into(),
                    "empty",
                    "ServerName is SERVERPROPERTY('MachineName')".into(),
                );
                continue;
            }
            // A named instance is MACHINE\INSTANCE: the computer is what the description names.
            let key = server_key(name.split('\\').next().unwrap_or(name));
            if let Some(first) = seen.get(&key) {
                let first = first.clone();
                self.err(
                    SQL_I,
                    Code::I012,
                    name_span,
                    format!("{name} appears twice in {SQL}"),
                    "again here",
                    "one row per site database server".into(),
                )
                .also(first, "first here");
                continue;
            }
            seen.insert(key.clone(), name_span);
            let (version, version_span) = row.cell(version_c);
            let mapped = match vocabulary::sql_version(version) {
                Ok(m) => m,
                Err(problem) => {
                    let what = match problem {
                        VersionProblem::Malformed => "is not a version number",
                        VersionProblem::Unknown => "is not SQL Server 2000, 2005 or 2008",
                    };
                    self.err(SQL_I, Code::I007, version_span, format!("ProductVersion {version:?} of {name} {what}"), "this version", "ProductVersion is SERVERPROPERTY('ProductVersion'), four numbers such as 8.00.2039.0 (SQL Server 2000 SP4) or 9.00.3042.00 (SQL Server 2005 SP2)".into());
                    continue;
                }
            };
            if let Some(server) = servers.get_mut(&key) {
                server.sql = Some(SqlInventory {
                    product_version: version.to_string(),
                    mapped,
                    line: row.line,
                });
            }
        }
    }

    /// The hierarchy order, or the problems that keep the sites from being one tree.
    fn hierarchy(
        &mut self,
        sites: &[SiteRow],
        by_code: &HashMap<String, usize>,
    ) -> Option<Vec<usize>> {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); sites.len()];
        let mut roots = Vec::new();
        let mut ok = true;
        for (i, s) in sites.iter().enumerate() {
            match &s.parent {
                None => roots.push(i),
                Some(p) => {
                    match by_code.get(p) {
                        Some(&pi) => {
                            if sites[pi].site_type == SiteType::Secondary {
                                ok = false;
                                self.err(SITES_I, Code::I014, s.parent_span.clone(), format!("site {} reports to {p}, a secondary site", s.code), "a secondary site", "only a primary site can be a parent: check the Type of both rows".into());
                            } else {
                                children[pi].push(i);
                            }
                        }
                        None if self.listed.contains(p) => ok = false,
                        None => {
                            ok = false;
                            self.err(SITES_I, Code::I005, s.parent_span.clone(), format!("ReportingSiteCode {p} of site {} is not in {SITES}", s.code), "unknown parent", "export v_Site from the central site's database: it lists every site of the hierarchy".into());
                        }
                    }
                }
            }
        }
        match roots.as_slice() {
            [] if !sites.is_empty() => {
                ok = false;
                let s = &sites[0];
                self.err(
                    SITES_I,
                    Code::I014,
                    s.parent_span.clone(),
                    "every site has a ReportingSiteCode: there is no central site".into(),
                    "has a parent",
                    "the central site's ReportingSiteCode is empty".into(),
                );
            }
            [_, rest @ ..] => {
                for &r in rest {
                    ok = false;
                    let s = &sites[r];
                    self.err(SITES_I, Code::I014, s.code_span.clone(), format!("site {} has no ReportingSiteCode, like {}: a hierarchy has one central site", s.code, sites[roots[0]].code), "a second central site", "export v_Site from the central site's database, or fill in the parent of this site".into());
                }
            }
            _ => {}
        }
        if let Some(&root) = roots.first() {
            if sites[root].site_type == SiteType::Secondary {
                ok = false;
                let s = &sites[root];
                self.err(
                    SITES_I,
                    Code::I014,
                    s.code_span.clone(),
                    format!("the central site {} is a secondary site", s.code),
                    "central site",
                    "the site at the top of the hierarchy is a primary site: check its Type".into(),
                );
            }
        }
        let mut order = Vec::with_capacity(sites.len());
        for &root in roots.iter().take(1) {
            let mut stack = vec![root];
            while let Some(i) = stack.pop() {
                order.push(i);
                let mut kids = children[i].clone();
                kids.sort_by(|a, b| sites[*b].code.cmp(&sites[*a].code));
                stack.extend(kids);
            }
        }
        if ok && order.len() != sites.len() {
            let reached: std::collections::HashSet<usize> = order.iter().copied().collect();
            for (i, s) in sites.iter().enumerate() {
                if !reached.contains(&i) && s.parent.is_some() {
                    ok = false;
                    self.err(SITES_I, Code::I014, s.parent_span.clone(), format!("site {} is in a cycle of parents that never reaches the central site", s.code), "in a cycle", "follow ReportingSiteCode from this site: one of the sites on the way has the wrong parent".into());
                }
            }
        }
        ok.then_some(order)
    }
}

struct SiteRow {
    code: String,
    code_span: Range<usize>,
    name: String,
    site_type: SiteType,
    parent: Option<String>,
    parent_span: Range<usize>,
    version: SiteVersion,
    version_text: String,
    build: String,
    server_name: String,
    server_span: Range<usize>,
    database_server: Option<String>,
    clients: Option<u64>,
    legacy_clients: Option<u64>,
    security: Option<SecurityMode>,
    line: usize,
    client_lines: Vec<usize>,
}

fn new_server(name: &str) -> ExportedServer {
    ExportedServer {
        name: short_name(name).to_string(),
        site: None,
        roles: Vec::new(),
        unknown_roles: Vec::new(),
        databases: Vec::new(),
        site_server_of: None,
        os: None,
        free_disk_mb: None,
        sql: None,
        site_line: None,
        system_lines: Vec::new(),
    }
}
