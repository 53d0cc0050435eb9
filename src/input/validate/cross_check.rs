//! Everything that involves more than one table: uniqueness, references, the shape of the
//! hierarchy.

use super::*;

impl Cx<'_, '_> {
    /// Everything that involves more than one table: uniqueness, references, the shape of the
    /// hierarchy.
    pub(super) fn cross_check(
        &mut self,
        sites: &[RawSite],
        servers: &[RawServer],
        unread: Unread,
    ) -> Resolved {
        // Site codes: unique.
        let mut by_code: BTreeMap<SiteCode, usize> = BTreeMap::new();
        for (i, s) in sites.iter().enumerate() {
            let Some(code) = &s.code else { continue };
            if let Some(&first) = by_code.get(&code.v) {
                let first_span = sites[first]
                    .code
                    .as_ref()
                    .map(|c| c.span.clone())
                    .unwrap_or(0..0);
                self.sink
                    .error(
                        Code::E011,
                        code.span.clone(),
                        format!("site code {} is used by more than one site", code.v),
                        "used again here",
                    )
                    .also(first_span, "first used here")
                    .hint("site codes are unique in a hierarchy: give this site its own code, or remove the duplicate");
            } else {
                by_code.insert(code.v.clone(), i);
            }
        }

        // Server names: unique ignoring case (Windows computer names are).
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, s) in servers.iter().enumerate() {
            let Some(name) = &s.name else { continue };
            let key = name.v.to_uppercase();
            if let Some(&first) = by_name.get(&key) {
                let first_name = servers[first].name.as_ref().expect("indexed by name");
                let same_case = first_name.v == name.v;
                self.sink
                    .error(
                        Code::E012,
                        name.span.clone(),
                        format!("server {} is described twice", name.v),
                        "described again here",
                    )
                    .also(first_name.span.clone(), "first described here")
                    .hint(if same_case {
                        format!("describe each computer once, in one {} listing all its roles", entry(self.syntax, "server"))
                    } else {
                        format!(
                            "computer names are not case-sensitive: `{}` and `{}` are the same computer; merge the two entries",
                            first_name.v, name.v
                        )
                    });
            } else {
                by_name.insert(key, i);
            }
        }
        let server_names: Vec<&str> = servers
            .iter()
            .filter_map(|s| s.name.as_ref().map(|n| n.v.as_str()))
            .collect();
        let codes: Vec<&str> = by_code.keys().map(SiteCode::as_str).collect();

        // References that resolve to nothing, and whether sites or servers that could not be read
        // may explain them all (`Unread`).
        let parents = sites.iter().filter_map(|s| match &s.parent {
            CodeRef::Valid(p) => Some(&p.v),
            _ => None,
        });
        let server_sites = servers.iter().filter_map(|s| match &s.site {
            // With no usable site at all, these are not reported anyway (below).
            CodeRef::Valid(c) if !by_code.is_empty() => Some(&c.v),
            _ => None,
        });
        let unknown_codes: BTreeSet<&SiteCode> = parents
            .chain(server_sites)
            .filter(|c| !by_code.contains_key(*c))
            .collect();
        let codes_explained = unknown_codes.len() <= unread.sites;
        let unknown_servers: BTreeSet<String> = sites
            .iter()
            .flat_map(|s| {
                let secondary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Secondary);
                // A secondary's `database_server` is E019, never looked up.
                let database = s.database_server.as_ref().filter(|_| !secondary);
                s.site_server.iter().chain(database)
            })
            .map(|r| r.v.to_uppercase())
            .filter(|n| !by_name.contains_key(n))
            .collect();
        let servers_explained = unknown_servers.len() <= unread.servers;

        // Parents: exist, are primary.
        let mut parent_of: Vec<Option<usize>> = vec![None; sites.len()];
        for (i, s) in sites.iter().enumerate() {
            let CodeRef::Valid(p) = &s.parent else {
                continue;
            };
            match by_code.get(&p.v) {
                // Perhaps the code of a site whose own code could not be read (`Unread`).
                None if codes_explained => {}
                None => {
                    let hint = match self.suggest(p.v.as_str(), &codes) {
                        Some(best) => format!("did you mean {best}? The parent must be the code of a site described in this file"),
                        None => format!("the parent must be the code of a site described in this file; add a site with {} or correct the code", kv(self.syntax, "code", &format!("\"{}\"", p.v))),
                    };
                    self.sink
                        .error(
                            Code::E016,
                            p.span.clone(),
                            format!("{}: parent site {} is not described", s.what, p.v),
                            "no site has this code",
                        )
                        .hint(hint);
                }
                Some(&j) => {
                    let parent = &sites[j];
                    if let Some(t) = &parent.site_type {
                        if t.v == SiteType::Secondary {
                            self.sink
                                .error(
                                    Code::E018,
                                    p.span.clone(),
                                    format!(
                                        "{}: its parent {} is a secondary site, and a secondary site cannot have child sites",
                                        s.what, p.v
                                    ),
                                    "parent is a secondary site",
                                )
                                .also(t.span.clone(), format!("{} is a secondary site", p.v))
                                .hint("attach this site to a primary site, or make its parent a primary site");
                        }
                    }
                    // Duplicates are not part of the tree (they are already an error).
                    let is_first = s
                        .code
                        .as_ref()
                        .is_some_and(|c| by_code.get(&c.v) == Some(&i));
                    if is_first {
                        parent_of[i] = Some(j);
                    }
                }
            }
        }
        let has_cycle = self.cycles(sites, &parent_of);

        // Exactly one site without a parent, and it is primary.
        let roots: Vec<usize> = sites
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                matches!(s.parent, CodeRef::Absent)
                    && s.code
                        .as_ref()
                        .is_some_and(|c| by_code.get(&c.v) == Some(i))
            })
            .map(|(i, _)| i)
            .collect();
        // A site that could not be read may be the central site (`Unread`).
        let all_have_codes = unread.sites == 0;
        match roots.as_slice() {
            // With a cycle, the cycle is the explanation; say it once.
            [] if !sites.is_empty() && all_have_codes && !has_cycle => {
                let first = &sites[0];
                self.sink
                    .error(
                        Code::E013,
                        first.span.clone(),
                        "no central site: every site has a parent",
                        "the first site",
                    )
                    .hint("the central site is the primary site at the top of the hierarchy: remove its `parent`");
            }
            [] => {}
            [central, others @ ..] => {
                let central_site = &sites[*central];
                let central_code = central_site.code.as_ref().expect("roots have codes");
                for &o in others {
                    let site = &sites[o];
                    self.sink
                        .error(
                            Code::E014,
                            site.code.as_ref().map(|c| c.span.clone()).unwrap_or(site.span.clone()),
                            format!(
                                "{} has no parent, but {} is already the central site",
                                site.what, central_code.v
                            ),
                            "no `parent`",
                        )
                        .also(central_code.span.clone(), "the central site (no parent)")
                        .hint(format!(
                            "a hierarchy has one central site: add {} (or the code of another primary site) to {}",
                            kv(self.syntax, "parent", &format!("\"{}\"", central_code.v)), site.what
                        ));
                }
                if let Some(t) = &central_site.site_type {
                    if t.v == SiteType::Secondary {
                        self.sink
                            .error(
                                Code::E015,
                                t.span.clone(),
                                format!(
                                    "{} has no parent, so it is the central site, but it is a secondary site",
                                    central_site.what
                                ),
                                "the central site must be primary",
                            )
                            .hint(format!("the central site is a primary site: set {}, or give this secondary site the `parent` it reports to", kv(self.syntax, "type", "\"primary\"")));
                    }
                }
            }
        }

        // Site servers and database servers.
        let mut site_server_of: HashMap<usize, usize> = HashMap::new();
        let mut missing_sql_reported: Vec<usize> = Vec::new();
        for (i, s) in sites.iter().enumerate() {
            let server_ref = |cx: &mut Self, r: &Sp<String>, key: &str| -> Option<usize> {
                match by_name.get(&r.v.to_uppercase()) {
                    Some(&j) => Some(j),
                    // Perhaps the name of a server whose own name could not be read (`Unread`).
                    None if servers_explained => None,
                    None => {
                        let hint = match cx.suggest(&r.v, &server_names) {
                            Some(best) => format!(
                                "did you mean {best}? Each server a site names needs its own {}",
                                entry(cx.syntax, "server")
                            ),
                            None => format!(
                                "add a {} with {}, or correct the name",
                                entry(cx.syntax, "server"),
                                kv(cx.syntax, "name", &format!("\"{}\"", r.v))
                            ),
                        };
                        cx.sink
                            .error(
                                Code::E021,
                                r.span.clone(),
                                format!(
                                    "{}: `{key}` names server {}, which is not described",
                                    s.what, r.v
                                ),
                                "no server has this name",
                            )
                            .hint(hint);
                        None
                    }
                }
            };
            if let Some(r) = &s.site_server {
                if let Some(j) = server_ref(self, r, "site_server") {
                    if let Some(&other) = site_server_of.get(&j) {
                        let first = sites[other].site_server.as_ref().expect("indexed");
                        self.sink
                            .error(
                                Code::E029,
                                r.span.clone(),
                                format!(
                                    "{}: server {} is already the site server of {}",
                                    s.what, r.v, sites[other].what
                                ),
                                "site server again",
                            )
                            .also(first.span.clone(), "first site server here")
                            .hint("a computer is the site server of one site only: name this site's own site server");
                    } else {
                        site_server_of.insert(j, i);
                        // The site server's `site`, if written, must be this site.
                        self.site_server_belongs(s, r, &servers[j]);
                    }
                }
            }
            let is_secondary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Secondary);
            let is_primary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Primary);
            match &s.database_server {
                Some(r) if is_secondary => {
                    self.sink
                        .error(
                            Code::E019,
                            r.span.clone(),
                            format!("{} is a secondary site, which has no site database, but names a `database_server`", s.what),
                            "not for a secondary site",
                        )
                        .hint(format!("remove `database_server` from this site (or set {} if it is a primary site)", kv(self.syntax, "type", "\"primary\"")));
                }
                Some(r) => {
                    if let Some(j) = server_ref(self, r, "database_server") {
                        let server = &servers[j];
                        if !server.sql_written && !missing_sql_reported.contains(&j) {
                            missing_sql_reported.push(j);
                            let name = server.name.as_ref().expect("indexed by name");
                            self.sink
                                .error(
                                    Code::E022,
                                    name.span.clone(),
                                    format!(
                                        "server {} hosts the site database of {} but has no `sql`",
                                        name.v, s.what
                                    ),
                                    "no `sql` on this server",
                                )
                                .also(r.span.clone(), "named as database server here")
                                .hint(format!(
                                    "add the SQL Server version to this server, e.g. {}; accepted: {}",
                                    kv(self.syntax, "sql", "\"sql2005-sp2\""), list(SqlVersion::ALL)
                                ));
                        }
                    }
                }
                None if is_primary => {
                    let at = s
                        .site_type
                        .as_ref()
                        .map(|t| t.span.clone())
                        .unwrap_or(s.span.clone());
                    self.sink
                        .error(
                            Code::E020,
                            at,
                            format!("{} is a primary site but has no `database_server`", s.what),
                            "a primary site has a site database",
                        )
                        .hint(format!("add {} naming the server that hosts its site database (it may be the site server itself)", kv(self.syntax, "database_server", "\"<server name>\"")));
                }
                None => {}
            }
        }

        // Servers: their `site` exists; a server holding roles says for which site.
        for s in servers {
            let what = s
                .name
                .as_ref()
                .map(|n| format!("server {}", n.v))
                .unwrap_or_else(|| "this server".to_string());
            match &s.site {
                // With no usable site at all, the missing sites are the problem, not this reference.
                CodeRef::Valid(c)
                    if !by_code.is_empty() && !codes_explained && !by_code.contains_key(&c.v) =>
                {
                    let hint = match self.suggest(c.v.as_str(), &codes) {
                        Some(best) => format!("did you mean {best}? `site` is the code of the site whose roles this server holds"),
                        None => "`site` is the code of a site described in this file, whose roles this server holds".to_string(),
                    };
                    self.sink
                        .error(
                            Code::E023,
                            c.span.clone(),
                            format!("{what}: site {} is not described", c.v),
                            "no site has this code",
                        )
                        .hint(hint);
                }
                CodeRef::Absent => {
                    if let Some(roles) = s.roles.as_ref().filter(|r| !r.v.is_empty()) {
                        self.sink
                            .error(
                                Code::E024,
                                roles.span.clone(),
                                format!("{what} holds site system roles but has no `site`"),
                                "roles of which site?",
                            )
                            .hint(format!(
                                "add {} naming the site whose roles this server holds",
                                kv(self.syntax, "site", "\"<code>\"")
                            ));
                    }
                }
                _ => {}
            }
        }

        Resolved { servers: by_name }
    }

    /// A site server whose `site` is written must name the site it serves.
    pub(super) fn site_server_belongs(&mut self, s: &RawSite, r: &Sp<String>, server: &RawServer) {
        let (CodeRef::Valid(server_site), Some(code)) = (&server.site, &s.code) else {
            return;
        };
        if server_site.v == code.v {
            return;
        }
        self.sink
            .error(
                Code::E030,
                server_site.span.clone(),
                format!(
                    "server {} is the site server of {} but its `site` is {}",
                    r.v, code.v, server_site.v
                ),
                format!("should be {}", code.v),
            )
            .also(r.span.clone(), format!("site server of {}", code.v))
            .hint(format!(
                "a site server holds the roles of its own site: set {} on this server, or correct `site_server` of {}",
                kv(self.syntax, "site", &format!("\"{}\"", code.v)),
                s.what
            ));
    }

    /// Reports each cycle in the parent relation once. Iterative and linear: a hostile description
    /// may have tens of thousands of sites.
    pub(super) fn cycles(&mut self, sites: &[RawSite], parent_of: &[Option<usize>]) -> bool {
        const UNSEEN: usize = usize::MAX;
        let mut found = false;
        let mut walk_of = vec![UNSEEN; sites.len()];
        let mut path = Vec::new();
        for start in 0..sites.len() {
            if walk_of[start] != UNSEEN {
                continue;
            }
            path.clear();
            let mut at = Some(start);
            while let Some(i) = at {
                if walk_of[i] != UNSEEN {
                    if walk_of[i] == start {
                        // Back on this walk's own path: the path from `i` on is a cycle.
                        let from = path.iter().position(|&p| p == i).expect("on path");
                        self.report_cycle(sites, &path[from..]);
                        found = true;
                    }
                    break;
                }
                walk_of[i] = start;
                path.push(i);
                at = parent_of[i];
            }
        }
        found
    }

    pub(super) fn report_cycle(&mut self, sites: &[RawSite], cycle: &[usize]) {
        // Start the description at the member written first, for stable messages.
        let first = (0..cycle.len())
            .min_by_key(|&k| cycle[k])
            .expect("non-empty");
        let ordered: Vec<usize> = cycle[first..]
            .iter()
            .chain(&cycle[..first])
            .copied()
            .collect();
        let code = |i: usize| {
            sites[i]
                .code
                .as_ref()
                .map(|c| c.v.to_string())
                .unwrap_or_default()
        };
        let head = &sites[ordered[0]];
        let parent_span = match &head.parent {
            CodeRef::Valid(p) => p.span.clone(),
            _ => head.span.clone(),
        };
        if ordered.len() == 1 {
            self.sink
                .error(
                    Code::E017,
                    parent_span,
                    format!("site {} is its own parent", code(ordered[0])),
                    "its own code",
                )
                .hint("set `parent` to the site this one reports to, or remove it if this is the central site");
            return;
        }
        const SHOWN: usize = 8;
        let mut chain: Vec<String> = ordered.iter().take(SHOWN).map(|&i| code(i)).collect();
        if ordered.len() > SHOWN {
            chain.push(format!("… ({} more)", ordered.len() - SHOWN));
        }
        chain.push(code(ordered[0]));
        let d = self.sink.error(
            Code::E017,
            parent_span,
            format!(
                "the parents of {} sites form a cycle: {}",
                ordered.len(),
                chain.join(" → ")
            ),
            "this parent leads back to this site",
        );
        for &i in ordered.iter().skip(1).take(2) {
            if let CodeRef::Valid(p) = &sites[i].parent {
                d.also(p.span.clone(), format!("parent of {}", code(i)));
            }
        }
        d.hint("every chain of parents must end at the central site: correct the `parent` of one of these sites");
    }
}
