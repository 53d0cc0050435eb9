//! Text values: strings, the characters they may hold, how long they may be, and computer names.

use super::*;

impl Cx<'_, '_> {
    /// A string; `required` also rejects empty text.
    pub(super) fn string(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        required: bool,
    ) -> Option<Sp<String>> {
        let e = self.entry_or_missing(f, key, required, "\"…\"")?;
        match &e.value.kind {
            Kind::String(s) => {
                if required && s.trim().is_empty() {
                    self.sink
                        .error(
                            Code::E028,
                            e.value.span.clone(),
                            format!("`{key}` of {} is empty", f.what),
                            "empty",
                        )
                        .hint(format!("write the {} here", key.replace('_', " ")));
                    return None;
                }
                let text = Sp {
                    v: s.clone(),
                    span: e.value.span.clone(),
                };
                // Empty optional text is as good as absent (as it always was).
                if !s.is_empty() {
                    self.characters(f, key, required, &text);
                }
                Some(text)
            }
            Kind::Integer(_) | Kind::Float(_) | Kind::Bool(_) => {
                let hint = Some(format!(
                    "put the value in double quotes: {}",
                    kv(
                        self.syntax,
                        key,
                        &format!(
                            "\"{}\"",
                            self.sink.text.get(e.value.span.clone()).unwrap_or("…")
                        )
                    )
                ));
                self.wrong_type(f, e, "a string", hint);
                None
            }
            _ => {
                let hint = format!(
                    "write text in double quotes: {}",
                    kv(self.syntax, key, "\"…\"")
                );
                self.wrong_type(f, e, "a string", Some(hint));
                None
            }
        }
    }

    /// Checks the characters of non-empty text: no control character (E035), and at least one
    /// visible character (E034). The text is kept either way (it is never a reference), so that
    /// nothing else is reported because of it.
    pub(super) fn characters(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        required: bool,
        text: &Sp<String>,
    ) {
        let (limit, kind) = text_limit(key);
        // Counted only as far as needed: a 200 MB name stops at the limit.
        if text.v.chars().nth(limit).is_some() {
            let length = text.v.chars().count();
            self.sink
                .error(
                    Code::E036,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} is {length} characters long; {kind} may have at most {limit}",
                        f.what
                    ),
                    "too long",
                )
                .hint(format!(
                    "shorten it to {limit} characters or fewer{}",
                    if MULTILINE_KEYS.contains(&key) {
                        " (a longer text belongs in a document the task can refer to)"
                    } else {
                        ""
                    }
                ));
            return;
        }
        let multiline = MULTILINE_KEYS.contains(&key);
        let refused = |c: &char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
        if let Some((at, c)) = text.v.chars().enumerate().find(|(_, c)| refused(c)) {
            let more = text.v.chars().filter(refused).count() - 1;
            let more = match more {
                0 => String::new(),
                1 => " and 1 more".to_string(),
                n => format!(" and {n} more"),
            };
            let hint = if multiline {
                format!("remove it: `{key}` may hold line breaks and tabs, but no other control character")
            } else {
                format!(
                    "remove it, or write a space instead: the {} is one line of text, printed in the plan's documents and workbook, where control characters are invisible or break the layout",
                    key.replace('_', " ")
                )
            };
            self.sink
                .error(
                    Code::E035,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} contains a control character, U+{:04X} (character {}){more}",
                        f.what,
                        c as u32,
                        at + 1
                    ),
                    "control character",
                )
                .hint(hint);
            return;
        }
        if !text.v.chars().any(is_visible) {
            let shown: Vec<String> = text
                .v
                .chars()
                .take(6)
                .map(|c| format!("U+{:04X}", c as u32))
                .collect();
            let ellipsis = if text.v.chars().nth(6).is_some() {
                " …"
            } else {
                ""
            };
            let mut hint = format!(
                "write the {} in visible characters: spaces, zero-width characters and direction marks count only next to visible text",
                key.replace('_', " ")
            );
            if !required {
                hint.push_str(&format!(", or remove `{key}`"));
            }
            self.sink
                .error(
                    Code::E034,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} has no visible character ({}{ellipsis})",
                        f.what,
                        shown.join(" ")
                    ),
                    "nothing visible",
                )
                .hint(hint);
        }
    }

    /// A computer name: a console, a server, or the site server or database server a site names.
    /// It becomes part of task IDs (`CONSOLE-UPG-<NAME>`, `PREP-HW-<NAME>`), so whitespace before
    /// or after it is an error (E033), as everywhere an identifier is read: site codes (E010),
    /// custom task ids and kinds (E025) and enumerated values (E006) are not trimmed either. The
    /// value is kept without the whitespace, so that references to it are not reported as well.
    pub(super) fn computer_name(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        required: bool,
    ) -> Option<Sp<String>> {
        let before = self.sink.diagnostics.len();
        let mut name = self.string(f, key, required)?;
        // Zero-width characters at either end are as invisible as spaces (copied from a web page
        // or a spreadsheet) and would end up in task IDs just the same.
        let edge = |c: char| c.is_whitespace() || is_default_ignorable(c);
        let trimmed = name.v.trim_matches(edge);
        if trimmed.is_empty() || trimmed.len() == name.v.len() {
            return Some(name);
        }
        if self.sink.diagnostics.len() > before {
            // Already reported (a tab around it is a control character, E035): one problem per
            // value, but resolve references to it without the whitespace all the same.
            name.v = trimmed.to_string();
            return Some(name);
        }
        let leading = name.v.starts_with(edge);
        let trailing = name.v.ends_with(edge);
        let start = name.v.len() - name.v.trim_start_matches(edge).len();
        let end = name.v.trim_end_matches(edge).len();
        let only_whitespace = name.v[..start]
            .chars()
            .chain(name.v[end..].chars())
            .all(char::is_whitespace);
        let what = match only_whitespace {
            true => "whitespace",
            false => "an invisible character",
        };
        let place = match (leading, trailing) {
            (true, true) => format!("starts and ends with {what}"),
            (true, false) => format!("starts with {what}"),
            _ => format!("ends with {what}"),
        };
        let hint = format!(
            "remove the {}: {} (computer names become part of task IDs, and are never trimmed silently)",
            if only_whitespace { "whitespace" } else { "invisible characters" },
            kv(self.syntax, key, &format!("\"{trimmed}\""))
        );
        self.sink
            .error(
                Code::E033,
                name.span.clone(),
                format!("`{key}` of {}: computer name `{}` {place}", f.what, name.v),
                match only_whitespace {
                    true => "whitespace around the name",
                    false => "invisible character at the edge of the name",
                },
            )
            .hint(hint);
        name.v = trimmed.to_string();
        Some(name)
    }
}

/// Keys whose text may run over several lines: line breaks and tabs are allowed there (E035).
pub(super) const MULTILINE_KEYS: &[&str] = &["expected_result", "details"];

/// The longest text each kind of field may hold, in characters, and what the kind is called. The
/// workbook's 32,767 characters per cell is the ceiling: a task's texts must fit in their cells.
pub const NAME_LIMIT: usize = 256;
pub const TITLE_LIMIT: usize = 1_000;
pub const TEXT_LIMIT: usize = 30_000;

pub(super) fn text_limit(key: &str) -> (usize, &'static str) {
    match key {
        _ if MULTILINE_KEYS.contains(&key) => (TEXT_LIMIT, "a text"),
        "title" => (TITLE_LIMIT, "a title"),
        _ => (NAME_LIMIT, "a name"),
    }
}

/// Whether a character shows something: not whitespace, not a control character, not one of
/// Unicode's default-ignorable code points.
pub(super) fn is_visible(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_default_ignorable(c))
}

/// Unicode's `Default_Ignorable_Code_Point` characters (DerivedCoreProperties.txt): soft hyphen,
/// combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian and other variation
/// selectors, zero-width space / (non-)joiner, direction marks, embeddings, overrides and isolates,
/// invisible operators, the byte order mark, tags. On their own they show nothing.
pub(super) fn is_default_ignorable(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

pub(super) fn is_task_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}
