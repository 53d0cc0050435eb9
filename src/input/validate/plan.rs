//! The `[plan]` and `[schedule]` tables.

use super::*;

impl Cx<'_, '_> {
    /// `[schedule]`.
    pub(super) fn schedule(&mut self, f: &Fields<'_>) -> Option<Schedule> {
        let mut days = BTreeMap::new();
        if let Some(e) = f.get("days") {
            let kinds = schedule_day_keys();
            let what = match self.syntax {
                Syntax::Toml => "`[schedule.days]` table".to_string(),
                Syntax::Json => "`schedule.days` object".to_string(),
            };
            if let Some(d) =
                self.table_except(&e.value, what, "schedule.days", &kinds, KINDS_WITHOUT_DAYS)
            {
                // Retired kind names set the duration of the kind that now does their work: the
                // kind's own name wins; several retired names of one kind add up (their tasks
                // became one).
                let mut retired: BTreeMap<String, u32> = BTreeMap::new();
                for entry in d.entries {
                    let key = entry.key.as_str();
                    if KINDS_WITHOUT_DAYS.contains(&key) {
                        self.no_days_rule(&d, entry);
                    } else if kinds.contains(&key) {
                        let Some(n) = self.days(&d, key) else {
                            continue;
                        };
                        match crate::model::kinds::RETIRED_KINDS
                            .iter()
                            .find(|(r, _)| *r == key)
                        {
                            Some((_, kind)) => {
                                let sum = retired.entry(kind.as_str().to_string()).or_default();
                                *sum = sum.saturating_add(n).min(MAX_SCHEDULE_DAYS as u32);
                            }
                            None => {
                                days.insert(key.to_string(), n);
                            }
                        }
                    }
                }
                for (kind, n) in retired {
                    days.entry(kind).or_insert(n);
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

    /// A `[schedule.days]` key naming a kind whose duration another rule decides (E040).
    fn no_days_rule(&mut self, d: &Fields<'_>, entry: &Entry) {
        let hint = match self.syntax {
            Syntax::Toml => "a client upgrade takes `client_days_per_1000` working days per started 1,000 clients of its site: remove this line and set `client_days_per_1000` in [schedule] instead",
            Syntax::Json => "a client upgrade takes `client_days_per_1000` working days per started 1,000 clients of its site: remove this key and set \"client_days_per_1000\" in \"schedule\" instead",
        };
        self.sink
            .error(
                Code::E040,
                entry.key_span.clone(),
                format!(
                    "`{}` in {} would set nothing: no rule reads it",
                    entry.key, d.what
                ),
                "no rule reads this",
            )
            .hint(hint);
    }

    /// `[plan]`; `pilot` receives `plan.pilot` as written (checked against the sites later).
    pub(super) fn plan(
        &mut self,
        f: &Fields<'_>,
        pilot_out: &mut Option<Sp<SiteCode>>,
    ) -> Option<PlanInfo> {
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
        let client_method = self.choice(
            f,
            "client_method",
            false,
            "client upgrade method",
            crate::model::ClientMethod::parse,
            crate::model::ClientMethod::ALL,
        );
        Some(PlanInfo {
            title: title?.v,
            organisation: organisation.map(|s| s.v),
            change_reference: change_reference.map(|s| s.v),
            prepared_by: prepared_by.map(|s| s.v),
            target: target?.v,
            order: order.map_or(crate::model::SiteOrder::Tiers, |o| o.v),
            pilot: match pilot {
                CodeRef::Valid(c) => {
                    *pilot_out = Some(c.clone());
                    Some(c.v)
                }
                _ => None,
            },
            client_method: client_method.map(|m| m.v),
        })
    }
}
