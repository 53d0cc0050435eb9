//! Scalar values: booleans, counts, quantities, closed lists of choices, site codes, lists,
//! dates and durations.

use super::*;

impl Cx<'_, '_> {
    /// An optional boolean (default false).
    pub(super) fn boolean(&mut self, f: &Fields<'_>, key: &str) -> bool {
        let Some(e) = self.entry_or_missing(f, key, false, "") else {
            return false;
        };
        match &e.value.kind {
            Kind::Bool(b) => *b,
            Kind::String(s)
                if matches!(s.to_lowercase().as_str(), "true" | "false" | "yes" | "no") =>
            {
                let word = if matches!(s.to_lowercase().as_str(), "true" | "yes") {
                    "true"
                } else {
                    "false"
                };
                self.wrong_type(
                    f,
                    e,
                    "true or false",
                    Some(format!("write {word} without quotes")),
                );
                false
            }
            _ => {
                self.wrong_type(
                    f,
                    e,
                    "true or false",
                    Some("write true or false, without quotes".to_string()),
                );
                false
            }
        }
    }

    /// An optional whole number ≥ 0 (a count); default 0.
    pub(super) fn whole(&mut self, f: &Fields<'_>, key: &str) -> u64 {
        let Some(e) = self.entry_or_missing(f, key, false, "") else {
            return 0;
        };
        let span = e.value.span.clone();
        let too_large = |cx: &mut Self| {
            cx.sink
                .error(
                    Code::E009,
                    span.clone(),
                    format!("`{key}` of {} is too large", f.what),
                    "larger than 18446744073709551615",
                )
                .hint("a count must fit in 64 bits; check for a typing slip (extra digits)");
            0
        };
        match &e.value.kind {
            Kind::Integer(Some(v)) if *v < 0 => {
                self.negative(f, e);
                0
            }
            Kind::Integer(Some(v)) if *v > i128::from(MAX_COUNT) && *v <= i128::from(u64::MAX) => {
                self.implausible(f, e, "larger than 1,000,000,000,000");
                0
            }
            Kind::Integer(Some(v)) => match u64::try_from(*v) {
                Ok(v) => v,
                Err(_) => too_large(self),
            },
            Kind::Integer(None) => too_large(self),
            Kind::Float(v) if !v.is_finite() => {
                self.not_finite(f, e);
                0
            }
            Kind::Float(v) if *v < 0.0 => {
                self.negative(f, e);
                0
            }
            Kind::Float(v) if v.fract() != 0.0 => {
                self.sink
                    .error(
                        Code::E008,
                        span.clone(),
                        format!("`{key}` of {} must be a whole number, found {v}", f.what),
                        "has a fraction",
                    )
                    .hint(format!(
                        "`{key}` is a count of {}: write {} or {}",
                        // `[schedule]` durations are whole working days.
                        if f.what.contains("schedule") {
                            "working days"
                        } else {
                            "computers"
                        },
                        v.floor(),
                        v.ceil()
                    ));
                0
            }
            Kind::Float(v) if *v > MAX_COUNT as f64 && *v <= 9_007_199_254_740_992.0 => {
                self.implausible(f, e, "larger than 1,000,000,000,000");
                0
            }
            // An integral float (JSON writers emit 350.0) up to 2^53 is exact.
            Kind::Float(v) if *v <= 9_007_199_254_740_992.0 => *v as u64,
            Kind::Float(_) => too_large(self),
            Kind::String(s) if s.trim().parse::<u64>().is_ok() => {
                self.wrong_type(
                    f,
                    e,
                    "a whole number",
                    Some(format!(
                        "remove the quotes: {}",
                        kv(self.syntax, key, s.trim())
                    )),
                );
                0
            }
            _ => {
                self.wrong_type(
                    f,
                    e,
                    "a whole number",
                    Some(format!(
                        "write a count such as {}",
                        kv(self.syntax, key, "250")
                    )),
                );
                0
            }
        }
    }

    /// An optional number ≥ 0 (> 0 when `positive`).
    pub(super) fn number(&mut self, f: &Fields<'_>, key: &str, positive: bool) -> Option<Sp<f64>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        let span = e.value.span.clone();
        let v = match &e.value.kind {
            Kind::Integer(Some(v)) => *v as f64,
            Kind::Integer(None) => {
                self.sink
                    .error(
                        Code::E009,
                        span,
                        format!("`{key}` of {} is too large", f.what),
                        "too large",
                    )
                    .hint("check for a typing slip (extra digits)");
                return None;
            }
            Kind::Float(v) => *v,
            Kind::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                self.wrong_type(
                    f,
                    e,
                    "a number",
                    Some(format!(
                        "remove the quotes: {}",
                        kv(self.syntax, key, s.trim())
                    )),
                );
                return None;
            }
            _ => {
                let hint = format!("write a plain number: {}", kv(self.syntax, key, "20"));
                self.wrong_type(f, e, "a number", Some(hint));
                return None;
            }
        };
        if !v.is_finite() {
            self.not_finite(f, e);
            return None;
        }
        if v < 0.0 {
            self.negative(f, e);
            return None;
        }
        if v > MAX_QUANTITY {
            self.implausible(f, e, "larger than 9,007,199,254,740,992");
            return None;
        }
        if positive && v == 0.0 {
            self.sink
                .error(
                    Code::E007,
                    span,
                    format!("`{key}` of {} must be greater than 0", f.what),
                    "zero",
                )
                .hint(format!(
                    "give a positive value, or remove `{key}` to use the default ({DEFAULT_DATABASE_MB_PER_CLIENT})"
                ));
            return None;
        }
        Some(Sp { v, span })
    }

    pub(super) fn negative(&mut self, f: &Fields<'_>, e: &Entry) {
        self.sink
            .error(
                Code::E007,
                e.value.span.clone(),
                format!("`{}` of {} must not be negative", e.key, f.what),
                "negative",
            )
            .hint("write 0 or a positive value");
    }

    /// A value no real hierarchy has, whose sums and products would overflow the estimates.
    pub(super) fn implausible(&mut self, f: &Fields<'_>, e: &Entry, label: &str) {
        self.sink
            .error(
                Code::E009,
                e.value.span.clone(),
                format!("`{}` of {} is too large", e.key, f.what),
                label,
            )
            .hint("check for a typing slip (extra digits)");
    }

    pub(super) fn not_finite(&mut self, f: &Fields<'_>, e: &Entry) {
        self.sink
            .error(
                Code::E007,
                e.value.span.clone(),
                format!("`{}` of {} must be a finite number", e.key, f.what),
                "not a finite number",
            )
            .hint("write the actual value (nan and inf are not sizes or counts)");
    }

    /// One of a closed list of lower-case kebab values.
    pub(super) fn choice<T>(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        required: bool,
        noun: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
    ) -> Option<Sp<T>> {
        let accepted = list(all);
        let example = format!("\"…\", one of {accepted}");
        let e = self.entry_or_missing(f, key, required, &example)?;
        let Kind::String(s) = &e.value.kind else {
            self.wrong_type(
                f,
                e,
                "a string",
                Some(format!("accepted values: {accepted}")),
            );
            return None;
        };
        if let Some(v) = parse(s) {
            return Some(Sp {
                v,
                span: e.value.span.clone(),
            });
        }
        let hint = match closest(s, all) {
            Some(best) => format!("did you mean `{best}`? Accepted values: {accepted}"),
            None => format!("accepted values: {accepted}"),
        };
        self.sink
            .error(
                Code::E006,
                e.value.span.clone(),
                format!("unknown {noun} `{s}` for `{key}` of {}", f.what),
                format!("not a known {noun}"),
            )
            .hint(hint);
        None
    }

    /// A site code, required or not.
    pub(super) fn site_code(&mut self, f: &Fields<'_>, key: &str, required: bool) -> CodeRef {
        let Some(e) =
            self.entry_or_missing(f, key, required, "\"ABC\" (the 3-character site code)")
        else {
            return CodeRef::Absent;
        };
        let Kind::String(s) = &e.value.kind else {
            self.wrong_type(
                f,
                e,
                "a site code in quotes",
                Some(format!(
                    "write {} (three characters A–Z, 0–9)",
                    kv(self.syntax, key, "\"ABC\"")
                )),
            );
            return CodeRef::Invalid;
        };
        match SiteCode::parse(s) {
            Some(code) => CodeRef::Valid(Sp {
                v: code,
                span: e.value.span.clone(),
            }),
            None => {
                let hint = if SiteCode::parse(&s.to_uppercase()).is_some() {
                    format!("site codes are upper case: write \"{}\"", s.to_uppercase())
                } else {
                    let n = s.chars().count();
                    format!(
                        "a site code is exactly 3 characters, each A–Z or 0–9 (this one has {n} character{})",
                        if n == 1 { "" } else { "s" }
                    )
                };
                self.sink
                    .error(
                        Code::E010,
                        e.value.span.clone(),
                        format!("`{key}` of {}: `{s}` is not a valid site code", f.what),
                        "not a site code",
                    )
                    .hint(hint);
                CodeRef::Invalid
            }
        }
    }

    /// An optional list of strings.
    pub(super) fn strings(&mut self, f: &Fields<'_>, key: &str) -> Option<Vec<Sp<String>>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        let Kind::Array(items) = &e.value.kind else {
            let hint = match &e.value.kind {
                Kind::String(s) => Some(format!(
                    "write a list, even of one: {}",
                    kv(self.syntax, key, &format!("[\"{s}\"]"))
                )),
                _ => Some(format!(
                    "write a list in square brackets: {}",
                    kv(self.syntax, key, "[\"…\", \"…\"]")
                )),
            };
            self.wrong_type(f, e, "a list of strings", hint);
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match &item.kind {
                Kind::String(s) => out.push(Sp {
                    v: s.clone(),
                    span: item.span.clone(),
                }),
                other => {
                    ok = false;
                    let found = other.describe(self.syntax);
                    self.sink
                        .error(
                            Code::E005,
                            item.span.clone(),
                            format!("`{key}` of {} must list strings, found {found}", f.what),
                            found,
                        )
                        .hint("put each element in double quotes");
                }
            }
        }
        ok.then_some(out)
    }

    /// An optional date, `YYYY-MM-DD`: a string, or in TOML also a bare local date.
    pub(super) fn date(&mut self, f: &Fields<'_>, key: &str) -> Option<Sp<NaiveDate>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        self.date_value(&e.value, &format!("`{key}` of {}", f.what))
    }

    pub(super) fn date_value(&mut self, node: &Node, what: &str) -> Option<Sp<NaiveDate>> {
        let text = match &node.kind {
            Kind::String(s) => s.trim().to_string(),
            Kind::Datetime => self
                .sink
                .text
                .get(node.span.clone())
                .unwrap_or("")
                .to_string(),
            other => {
                let found = other.describe(self.syntax);
                self.sink
                    .error(
                        Code::E005,
                        node.span.clone(),
                        format!("{what} must be a date, found {found}"),
                        found,
                    )
                    .hint("write the date as \"YYYY-MM-DD\", e.g. \"2027-03-01\"");
                return None;
            }
        };
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) if text.len() == 10 => Some(Sp {
                v: d,
                span: node.span.clone(),
            }),
            _ => {
                self.sink
                    .error(
                        Code::E031,
                        node.span.clone(),
                        format!("{what}: `{text}` is not a date"),
                        "not a YYYY-MM-DD date",
                    )
                    .hint("write the date as YYYY-MM-DD (year, month, day), e.g. 2027-03-01, and check that the day exists");
                None
            }
        }
    }

    /// A whole number of working days, at most `MAX_SCHEDULE_DAYS`.
    pub(super) fn days(&mut self, f: &Fields<'_>, key: &str) -> Option<u32> {
        let e = f.get(key)?;
        if matches!(e.value.kind, Kind::Null) {
            return None;
        }
        let v = self.whole(f, key);
        if v > MAX_SCHEDULE_DAYS {
            self.sink
                .error(
                    Code::E007,
                    e.value.span.clone(),
                    format!(
                        "`{key}` of {} is more than {MAX_SCHEDULE_DAYS} working days",
                        f.what
                    ),
                    "too long",
                )
                .hint("durations are in working days: check for a typing slip");
            return None;
        }
        Some(v as u32)
    }
}
