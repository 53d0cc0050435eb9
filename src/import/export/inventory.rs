//! servers.csv and sql.csv: operating systems, free disk and SQL Server versions.

use super::*;

impl Checker<'_> {
    pub(super) fn read_inventory(
        &mut self,
        t: &Table,
        servers: &mut BTreeMap<String, ExportedServer>,
    ) {
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

    pub(super) fn read_sql(&mut self, t: &Table, servers: &mut BTreeMap<String, ExportedServer>) {
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
}
