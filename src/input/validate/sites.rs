//! `[[site]]` and `[[server]]` entries as read, before the cross-checks.

use super::*;

impl Cx<'_, '_> {
    pub(super) fn site(&mut self, mut f: Fields<'_>) -> RawSite {
        let code = match self.site_code(&f, "code", true) {
            CodeRef::Valid(c) => Some(c),
            _ => None,
        };
        if let Some(c) = &code {
            f.what = format!("site {}", c.v);
        }
        let name = self.string(&f, "name", true).map(|s| s.v);
        let site_type = self.choice(
            &f,
            "type",
            true,
            "site type",
            SiteType::parse,
            SiteType::ALL,
        );
        let parent = self.site_code(&f, "parent", false);
        let version = self
            .choice(
                &f,
                "version",
                true,
                "site version",
                SiteVersion::parse,
                SiteVersion::ALL,
            )
            .map(|s| s.v);
        let security = self
            .choice(
                &f,
                "security",
                true,
                "security mode",
                SecurityMode::parse,
                SecurityMode::ALL,
            )
            .map(|s| s.v);
        let site_server = self.computer_name(&f, "site_server", true);
        let database_server = self.computer_name(&f, "database_server", false);
        let database_size_mb = self.number(&f, "database_size_mb", false).map(|n| n.v);
        let clients = self.whole(&f, "clients");
        let legacy_clients = self.whole(&f, "legacy_clients");
        let wave = self.whole(&f, "wave");
        let wave_span = f.get("wave").map(|e| e.value.span.clone());
        let feature_packs = self.strings(&f, "feature_packs").unwrap_or_default();
        // Free text like any name: the same character and length rules.
        for pack in feature_packs.iter().filter(|p| !p.v.is_empty()) {
            self.characters(&f, "feature_packs", false, pack);
        }
        let feature_packs = feature_packs
            .into_iter()
            .map(|s| s.v.trim().to_lowercase())
            .collect();
        RawSite {
            span: header_span(&f.span, self.sink.text),
            what: f.what,
            code,
            name,
            site_type,
            parent,
            version,
            security,
            site_server,
            database_server,
            database_size_mb,
            clients,
            legacy_clients,
            feature_packs,
            wave,
            wave_span,
        }
    }

    pub(super) fn server(&mut self, mut f: Fields<'_>) -> RawServer {
        let name = self.computer_name(&f, "name", true);
        if let Some(n) = &name {
            f.what = format!("server {}", n.v);
        }
        let site = self.site_code(&f, "site", false);
        let os = self
            .choice(
                &f,
                "os",
                true,
                "operating system",
                OsVersion::parse,
                OsVersion::ALL,
            )
            .map(|s| s.v);
        let sql_written = f
            .get("sql")
            .is_some_and(|e| !matches!(e.value.kind, Kind::Null));
        let sql = self
            .choice(
                &f,
                "sql",
                false,
                "SQL Server version",
                SqlVersion::parse,
                SqlVersion::ALL,
            )
            .map(|s| s.v);
        let sql_replication = self.boolean(&f, "sql_replication");
        let free_disk_gb = self.number(&f, "free_disk_gb", false).map(|n| n.v);
        let internet_access = self.boolean(&f, "internet_access");
        let roles = self.roles(&f);
        let webdav = self.boolean(&f, "webdav");
        let bits = self.boolean(&f, "bits");
        RawServer {
            name,
            site,
            os,
            sql,
            sql_written,
            sql_replication,
            free_disk_gb,
            internet_access,
            roles,
            webdav,
            bits,
        }
    }

    pub(super) fn roles(&mut self, f: &Fields<'_>) -> Option<Sp<Vec<Role>>> {
        let span = f.get("roles")?.value.span.clone();
        let items = self.strings(f, "roles")?;
        let accepted = list(Role::ALL);
        let mut roles = Vec::new();
        for item in items {
            match Role::parse(&item.v) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => {
                    let mut hint = match closest(&item.v, Role::ALL) {
                        Some(best) => format!("did you mean `{best}`? Accepted roles: {accepted}"),
                        None => format!("accepted roles: {accepted}"),
                    };
                    if matches!(
                        item.v.as_str(),
                        "site-server" | "site-database" | "sql" | "database"
                    ) {
                        hint = format!(
                            "the site server and site database are given by the site (`site_server`, `database_server`), not as roles; accepted roles: {accepted}"
                        );
                    }
                    self.sink
                        .error(
                            Code::E006,
                            item.span,
                            format!(
                                "unknown site system role `{}` in `roles` of {}",
                                item.v, f.what
                            ),
                            "not a known role",
                        )
                        .hint(hint);
                }
            }
        }
        Some(Sp { v: roles, span })
    }
}
