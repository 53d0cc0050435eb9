//! Checks over the whole description that need every site read first: the pilot site exists, no
//! site's wave comes before its parent's, and every server is used by some site.

use super::*;

impl Cx<'_, '_> {
    /// `plan.pilot` names a site of the description (E042).
    pub(super) fn pilot_exists(&mut self, pilot: Option<&Sp<SiteCode>>, sites: &[RawSite]) {
        let Some(pilot) = pilot else { return };
        if sites
            .iter()
            .any(|s| s.code.as_ref().is_some_and(|c| c.v == pilot.v))
        {
            return;
        }
        let codes: Vec<&str> = sites
            .iter()
            .filter_map(|s| s.code.as_ref().map(|c| c.v.as_str()))
            .collect();
        let hint = match self.suggest(pilot.v.as_str(), &codes) {
            Some(best) => format!("did you mean {best}? `pilot` is the code of the child primary site upgraded first"),
            None => "`pilot` is the code of a child primary site described in this file, upgraded first; remove it to upgrade in the usual order".to_string(),
        };
        self.sink
            .error(
                Code::E042,
                pilot.span.clone(),
                format!("`pilot` names site {}, which is not described", pilot.v),
                "no site has this code",
            )
            .hint(hint);
    }

    /// A site's `wave` is never earlier than the `wave` written for the nearest site above it that
    /// this plan upgrades (E041): a child is upgraded after its parent.
    pub(super) fn waves_follow_parents(&mut self, sites: &[RawSite]) {
        let mut by_code: HashMap<&SiteCode, usize> = HashMap::new();
        for (i, s) in sites.iter().enumerate() {
            if let Some(c) = &s.code {
                by_code.entry(&c.v).or_insert(i);
            }
        }
        let upgraded = |s: &RawSite| s.version.is_some_and(|v| !v.is_configmgr2007());
        let parent = |s: &RawSite| match &s.parent {
            CodeRef::Valid(p) => by_code.get(&p.v).copied(),
            _ => None,
        };
        for s in sites {
            let Some(span) = s.wave_span.clone().filter(|_| s.wave > 0 && upgraded(s)) else {
                continue;
            };
            // The nearest upgraded ancestor (bounded: a cycle is reported elsewhere).
            let mut up = parent(s);
            let mut steps = 0;
            while let Some(p) = up.filter(|&p| !upgraded(&sites[p])) {
                steps += 1;
                up = if steps > sites.len() {
                    None
                } else {
                    parent(&sites[p])
                };
            }
            let Some(p) = up.map(|p| &sites[p]) else {
                continue;
            };
            let (Some(parent_span), Some(parent_code)) = (&p.wave_span, &p.code) else {
                continue;
            };
            if p.wave == 0 || s.wave >= p.wave {
                continue;
            }
            let code = s
                .code
                .as_ref()
                .map_or_else(|| "this site".to_string(), |c| format!("site {}", c.v));
            self.sink
                .error(
                    Code::E041,
                    span,
                    format!(
                        "{code} is given wave {}, before wave {} of {}, the site above it: a site is upgraded after its parent",
                        s.wave, p.wave, parent_code.v
                    ),
                    "earlier than its parent's wave",
                )
                .also(parent_span.clone(), "the parent's wave")
                .hint(format!(
                    "give {code} wave {} or later, or move {} to an earlier wave",
                    p.wave, parent_code.v
                ));
        }
    }

    /// A server that no site uses (no site names it as site server or database server, and it has
    /// no `site`) appears nowhere in the plan: a warning (W001), most often a slip.
    pub(super) fn unused_servers(
        &mut self,
        sites: &[RawSite],
        servers: &[RawServer],
        resolved: &Resolved,
    ) {
        let mut used = vec![false; servers.len()];
        for s in sites {
            for r in [&s.site_server, &s.database_server].into_iter().flatten() {
                if let Some(&j) = resolved.servers.get(&r.v.to_uppercase()) {
                    used[j] = true;
                }
            }
        }
        for (j, server) in servers.iter().enumerate() {
            let Some(name) = &server.name else { continue };
            if used[j] || !matches!(server.site, CodeRef::Absent) {
                continue;
            }
            let message = match server.sql_written {
                true => format!(
                    "SQL Server {} hosts no site database and serves no site: the plan does not mention it",
                    name.v
                ),
                false => format!(
                    "server {} serves no site: the plan does not mention it",
                    name.v
                ),
            };
            self.sink
                .warning(Code::W001, name.span.clone(), message, "used by no site")
                .hint(format!(
                    "name it as a site's `site_server` or `database_server`, give it {} for the site whose roles it holds, or remove the entry",
                    kv(self.syntax, "site", "\"<code>\"")
                ));
        }
    }
}
