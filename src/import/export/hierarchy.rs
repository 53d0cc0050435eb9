//! The sites as one tree under one central site, or why they are not.

use super::*;

impl Checker<'_> {
    /// The hierarchy order, or the problems that keep the sites from being one tree.
    pub(super) fn hierarchy(
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
