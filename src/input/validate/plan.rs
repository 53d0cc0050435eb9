//! The `[plan]` and `[schedule]` tables.

use super::*;

impl Cx<'_, '_> {
    /// `[schedule]`.
    pub(super) fn schedule(&mut self, f: &Fields<'_>) -> Option<Schedule> {
        let mut days = BTreeMap::new();
        if let Some(e) = f.get("days") {
            let mut kinds: Vec<&str> = crate::model::TaskKind::accepted_names();
            kinds.push(SECONDARY_UPGRADE_KIND);
            let what = match self.syntax {
                Syntax::Toml => "`[schedule.days]` table".to_string(),
                Syntax::Json => "`schedule.days` object".to_string(),
            };
            if let Some(d) = self.table(&e.value, what, "schedule.days", &kinds) {
                for entry in d.entries {
                    if kinds.contains(&entry.key.as_str()) {
                        if let Some(n) = self.days(&d, &entry.key) {
                            days.insert(entry.key.clone(), n);
                        }
                    }
                }
            }
        }
        let default_days = self.days(f, "default_days");
        let client_days_per_1000 = self.days(f, "client_days_per_1000");
        let weekdays = match self.strings(f, "weekdays") {
            Some(given) => {
                let mut out = Vec::new();
                for item in &given {
                    // Exact, as every enumeration: `Monday` is reported with its lower-case form.
                    let word = item.v.as_str();
                    match WEEKDAYS.iter().position(|w| *w == word) {
                        Some(i) => {
                            let day = chrono::Weekday::try_from(i as u8).expect("0..7");
                            if !out.contains(&day) {
                                out.push(day);
                            }
                        }
                        None => {
                            let lower = word.trim().to_lowercase();
                            let hint = match WEEKDAYS.iter().find(|w| **w == lower) {
                                Some(exact) => {
                                    format!("write it in lower case, as every value: \"{exact}\"")
                                }
                                None => match closest(&lower, WEEKDAYS) {
                                    Some(best) => format!(
                                        "did you mean `{best}`? Accepted values: {}",
                                        list(WEEKDAYS)
                                    ),
                                    None => format!("accepted values: {}", list(WEEKDAYS)),
                                },
                            };
                            self.sink
                                .error(
                                    Code::E006,
                                    item.span.clone(),
                                    format!(
                                        "unknown weekday `{}` in `weekdays` of {}",
                                        item.v, f.what
                                    ),
                                    "not a weekday",
                                )
                                .hint(hint);
                        }
                    }
                }
                if given.is_empty() {
                    let span = f
                        .get("weekdays")
                        .map(|e| e.value.span.clone())
                        .unwrap_or(0..0);
                    self.sink
                        .error(
                            Code::E032,
                            span,
                            format!("`weekdays` of {} lists no day to work on", f.what),
                            "empty",
                        )
                        .hint("list the days work happens on, e.g. [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], or remove the key for Monday to Friday");
                }
                out.sort_by_key(|d| d.num_days_from_monday());
                Some(out)
            }
            None => None,
        };
        let mut blackout = Vec::new();
        if let Some(e) = f.get("blackout") {
            match &e.value.kind {
                Kind::Array(items) => {
                    for item in items {
                        if let Some(d) = self.date_value(item, &format!("`blackout` of {}", f.what))
                        {
                            blackout.push(d.v);
                        }
                    }
                }
                Kind::Null => {}
                _ => self.wrong_type(
                    f,
                    e,
                    "a list of dates",
                    Some(format!(
                        "write a list, even of one: {}",
                        kv(self.syntax, "blackout", "[\"2027-04-02\"]")
                    )),
                ),
            }
        }
        blackout.sort();
        blackout.dedup();
        Some(Schedule {
            start: NaiveDate::default(),
            days,
            default_days,
            client_days_per_1000,
            weekdays,
            blackout,
        })
    }

    pub(super) fn plan(&mut self, f: &Fields<'_>) -> Option<PlanInfo> {
        let title = self.string(f, "title", true);
        let organisation = self.string(f, "organisation", false);
        let change_reference = self.string(f, "change_reference", false);
        let prepared_by = self.string(f, "prepared_by", false);
        let target = self.choice(
            f,
            "target",
            true,
            "target media",
            TargetMedia::parse,
            TargetMedia::ALL,
        );
        let order = self.choice(
            f,
            "order",
            false,
            "site order",
            crate::model::SiteOrder::parse,
            crate::model::SiteOrder::ALL,
        );
        let pilot = self.site_code(f, "pilot", false);
        Some(PlanInfo {
            title: title?.v,
            organisation: organisation.map(|s| s.v),
            change_reference: change_reference.map(|s| s.v),
            prepared_by: prepared_by.map(|s| s.v),
            target: target?.v,
            order: order.map_or(crate::model::SiteOrder::Tiers, |o| o.v),
            pilot: match pilot {
                CodeRef::Valid(c) => Some(c.v),
                _ => None,
            },
        })
    }
}
