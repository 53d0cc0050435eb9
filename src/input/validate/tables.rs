//! Tables and their keys: the shape checks every table goes through, and the "did you mean"
//! and "belongs in" hints for keys and values.

use super::*;

impl Cx<'_, '_> {
    /// The candidate most like `word`, within the suggestion budget.
    pub(super) fn suggest<'a>(&mut self, word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        if self.suggestions_left == 0 {
            return None;
        }
        self.suggestions_left -= 1;
        closest(word, candidates)
    }

    /// "`[plan]`" in TOML, "`plan`" in JSON.
    pub(super) fn table_name(&self, key: &str) -> String {
        match self.syntax {
            Syntax::Toml => format!("`[{key}]` table"),
            Syntax::Json => format!("`{key}` object"),
        }
    }

    /// Checks that `node` is a table and that all its keys are known.
    pub(super) fn table<'n>(
        &mut self,
        node: &'n Node,
        what: String,
        home: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
        self.table_except(node, what, home, allowed, &[])
    }

    /// As `table`, but keys in `refused` are left to the caller, which reports them with a
    /// reason of their own (and "did you mean" never suggests them).
    pub(super) fn table_except<'n>(
        &mut self,
        node: &'n Node,
        what: String,
        home: &str,
        allowed: &[&str],
        refused: &[&str],
    ) -> Option<Fields<'n>> {
        let Kind::Table(entries) = &node.kind else {
            let found = node.kind.describe(self.syntax);
            let expected = Kind::Table(Vec::new()).describe(self.syntax);
            self.sink
                .error(
                    Code::E005,
                    node.span.clone(),
                    format!("{what} must be {expected}, found {found}"),
                    found,
                )
                .hint(match self.syntax {
                    _ if home.is_empty() => "a description is one object: { \"plan\": { … }, \"site\": [ … ], \"server\": [ … ] }".to_string(),
                    Syntax::Toml => {
                        format!("write it as a table: [{home}] followed by key = value lines")
                    }
                    Syntax::Json => {
                        format!("write it as an object: \"{home}\": {{ \"key\": value, … }}")
                    }
                });
            return None;
        };
        for e in entries {
            if allowed.contains(&e.key.as_str()) || refused.contains(&e.key.as_str()) {
                continue;
            }
            if home.is_empty() && self.syntax == Syntax::Json && e.key == "$schema" {
                continue; // editors' schema reference, not part of the description
            }
            let place = if home.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in {}", self.describe_home(home))
            };
            let hint = unknown_key_hint(&e.key, home, allowed, self.syntax);
            self.sink
                .error(
                    Code::E003,
                    e.key_span.clone(),
                    format!("unknown key `{}` {place}", e.key),
                    "unknown key",
                )
                .hint(hint);
        }
        Some(Fields {
            span: node.span.clone(),
            entries,
            what,
        })
    }

    pub(super) fn describe_home(&self, home: &str) -> String {
        match home {
            "console" | "site" | "server" | "custom_task" => match self.syntax {
                Syntax::Toml => format!("a [[{home}]] table"),
                Syntax::Json => format!("a `{home}` object"),
            },
            _ => self.table_name(home),
        }
    }

    /// An array of tables (`[[site]]`); an absent key is an empty list.
    pub(super) fn table_array<'n>(
        &mut self,
        root: &Fields<'n>,
        key: &str,
        allowed: &[&str],
    ) -> Vec<Fields<'n>> {
        let Some(entry) = root.get(key) else {
            return Vec::new();
        };
        let items = match &entry.value.kind {
            Kind::Array(items) => items,
            Kind::Null => return Vec::new(),
            other => {
                let found = other.describe(self.syntax);
                let hint = match self.syntax {
                    Syntax::Toml => {
                        format!("write each one as its own [[{key}]] table (double brackets)")
                    }
                    Syntax::Json => {
                        format!("write \"{key}\": [ {{ … }}, {{ … }} ] with one object each")
                    }
                };
                self.sink
                    .error(
                        Code::E005,
                        entry.value.span.clone(),
                        format!(
                            "`{key}` must be a list of {}, found {found}",
                            match self.syntax {
                                Syntax::Toml => "tables",
                                Syntax::Json => "objects",
                            }
                        ),
                        found,
                    )
                    .hint(hint);
                return Vec::new();
            }
        };
        let noun = key.replace('_', " ");
        items
            .iter()
            .enumerate()
            .filter_map(|(i, node)| self.table(node, format!("{noun} #{}", i + 1), key, allowed))
            .collect()
    }

    pub(super) fn entry_or_missing<'n>(
        &mut self,
        f: &Fields<'n>,
        key: &str,
        required: bool,
        example: &str,
    ) -> Option<&'n Entry> {
        match f.get(key) {
            Some(e) if matches!(e.value.kind, Kind::Null) && !required => None,
            Some(e) => Some(e),
            None => {
                if required {
                    let hint = format!("add {}", kv(self.syntax, key, example));
                    let span = header_span(&f.span, self.sink.text);
                    self.sink
                        .error(
                            Code::E004,
                            span,
                            format!("{} is missing the required key `{key}`", f.what),
                            format!("`{key}` is missing here"),
                        )
                        .hint(hint);
                }
                None
            }
        }
    }

    pub(super) fn wrong_type(
        &mut self,
        f: &Fields<'_>,
        e: &Entry,
        expected: &str,
        hint: Option<String>,
    ) {
        let found = e.value.kind.describe(self.syntax);
        let d = self.sink.error(
            Code::E005,
            e.value.span.clone(),
            format!(
                "`{}` of {} must be {expected}, found {found}",
                e.key, f.what
            ),
            format!("{found}, expected {expected}"),
        );
        if let Some(h) = hint {
            d.hint(h);
        }
    }
}

/// The line a table starts on: for a TOML `[[site]]` this is its header; for a JSON object its
/// opening brace (the whole object would underline many lines).
pub(super) fn header_span(span: &Span, text: &str) -> Span {
    let s = text.get(span.clone()).unwrap_or("");
    if s.starts_with('{') {
        span.start..span.start + 1
    } else {
        let end = s.find('\n').map(|n| span.start + n).unwrap_or(span.end);
        span.start..end
    }
}

/// `a`, `b`, `c` — the accepted spellings, quoted.
pub(super) fn list(all: &[&str]) -> String {
    all.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate most like `word`, if any is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&w, &c.to_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

pub(super) fn unknown_key_hint(key: &str, home: &str, allowed: &[&str], syntax: Syntax) -> String {
    let accepted = list(allowed);
    // A top-level key written inside a table: in TOML, every key after a [table] header belongs
    // to that table, an easy slip.
    if !home.is_empty() && ROOT_KEYS.contains(&key) {
        return match syntax {
            Syntax::Toml => format!(
                "in TOML, keys after a [{home}] header belong to that table: write each {} as its own [[{key}]] table instead",
                key.replace('_', " ")
            ),
            Syntax::Json => format!("`{key}` belongs at the top level of the description, not inside `{home}`"),
        };
    }
    if let Some(best) = closest(key, allowed) {
        return format!("did you mean `{best}`? Accepted keys here: {accepted}");
    }
    // A key that exists, but only in one other table.
    let homes: Vec<&str> = KEY_HOMES
        .iter()
        .filter(|(name, keys)| *name != home && keys.contains(&key))
        .map(|(name, _)| *name)
        .collect();
    if let [other] = homes.as_slice() {
        let place = match (*other, syntax) {
            ("console" | "site" | "server" | "custom_task", Syntax::Toml) => format!("[[{other}]]"),
            (_, Syntax::Toml) => format!("[{other}]"),
            (_, Syntax::Json) => format!("`{other}`"),
        };
        return format!("`{key}` belongs in {place}; accepted keys here: {accepted}");
    }
    format!("remove it, or use one of the accepted keys: {accepted}")
}

/// `key = value` in TOML, `"key": value` in JSON.
pub(super) fn kv(syntax: Syntax, key: &str, value: &str) -> String {
    match syntax {
        Syntax::Toml => format!("{key} = {value}"),
        Syntax::Json => format!("\"{key}\": {value}"),
    }
}

/// "[[server]] entry" in TOML, "`server` object" in JSON.
pub(super) fn entry(syntax: Syntax, key: &str) -> String {
    match syntax {
        Syntax::Toml => format!("[[{key}]] entry"),
        Syntax::Json => format!("`{key}` object"),
    }
}
