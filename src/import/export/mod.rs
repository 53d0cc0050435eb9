//! The export read and checked: every problem of every file is collected (located, coded, with a
//! hint), and when there is none the sites and servers come out in cmplan's terms.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use super::table::{self, Row, Table};
use super::vocabulary::{self, RoleMeaning, SqlMapped, VersionProblem};
use crate::input::{Code, Diagnostic, Severity, Sink};
use crate::model::{OsVersion, Role, SecurityMode, SiteCode, SiteType, SiteVersion};

mod hierarchy;
mod inventory;
mod sites;

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
