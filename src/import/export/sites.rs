//! sites.csv, site_systems.csv and clients.csv: the sites, their roles and their client counts.

use super::*;

impl Checker<'_> {
    pub(super) fn read_sites(&mut self, t: &Table, notes: &mut Vec<String>) -> Vec<SiteRow> {
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

    pub(super) fn read_site_systems(
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

    pub(super) fn read_clients(
        &mut self,
        t: &Table,
        sites: &mut [SiteRow],
        by_code: &HashMap<String, usize>,
    ) {
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
}
