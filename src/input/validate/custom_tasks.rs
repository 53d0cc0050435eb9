//! `[[custom_task]]` entries and where each goes.

use super::*;

impl Cx<'_, '_> {
    pub(super) fn custom_task(&mut self, f: &Fields<'_>) -> Option<CustomTask> {
        let id = self.string(f, "id", true);
        let title = self.string(f, "title", true);
        let expected_result = self.string(f, "expected_result", true);
        let details = self.string(f, "details", false);
        let after = self.string(f, "after", false);
        let before = self.string(f, "before", false);
        let scope = self
            .choice(
                f,
                "scope",
                false,
                "scope",
                CustomTaskScope::parse,
                CustomTaskScope::ALL,
            )
            .map(|s| s.v);
        let scope_ok = scope.is_some()
            || f.get("scope")
                .is_none_or(|e| matches!(e.value.kind, Kind::Null));
        let mut ok = true;
        for (field, value) in [("id", &id), ("after", &after), ("before", &before)] {
            if let Some(v) = value {
                if !is_task_word(&v.v) {
                    ok = false;
                    let suggestion: String =
                        v.v.trim()
                            .to_uppercase()
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                            .collect();
                    let what = if field == "id" {
                        "a custom task id"
                    } else {
                        "a task kind"
                    };
                    self.sink
                        .error(
                            Code::E025,
                            v.span.clone(),
                            format!("`{field}` of {}: `{}` is not {what}", f.what, v.v),
                            "only A–Z, 0–9 and - allowed",
                        )
                        .hint(if field == "id" {
                            format!("use upper-case letters, digits and hyphens, e.g. \"{suggestion}\"")
                        } else {
                            format!(
                                "name the kind of task it follows, in upper case with hyphens, e.g. \"SITE-UPG\" or \"PREP-BACKUP\" (here perhaps \"{suggestion}\")"
                            )
                        });
                }
            }
        }
        if !ok || !scope_ok {
            return None;
        }
        if !self.placement(f, after.as_ref(), before.as_ref()) {
            return None;
        }
        Some(CustomTask {
            id: id?.v,
            title: title?.v,
            expected_result: expected_result?.v,
            details: details.map(|d| d.v),
            after: after.map(|a| a.v),
            before: before.map(|b| b.v),
            scope: scope.unwrap_or(CustomTaskScope::Hierarchy),
        })
    }

    /// Where a custom task goes: exactly one of `after` and `before` (E004, E039), naming a kind
    /// of task the engine generates (E038, with the closest kind). Checked here so that the
    /// problem is located in the file, not refused later by the engine.
    pub(super) fn placement(
        &mut self,
        f: &Fields<'_>,
        after: Option<&Sp<String>>,
        before: Option<&Sp<String>>,
    ) -> bool {
        let (key, kind) = match (after, before) {
            (Some(a), None) => ("after", a),
            (None, Some(b)) => ("before", b),
            (Some(_), Some(b)) => {
                self.sink
                    .error(
                        Code::E039,
                        b.span.clone(),
                        format!("{} has both `after` and `before`", f.what),
                        "second placement",
                    )
                    .hint("give one: `after = \"KIND\"` (right after the last task of that kind) or `before = \"KIND\"` (right before the first)");
                return false;
            }
            // Given, but of the wrong type: already reported.
            (None, None) if f.get("after").is_some() || f.get("before").is_some() => return false,
            (None, None) => {
                // E004 like any missing key, at the table's header.
                let before_count = self.sink.diagnostics.len();
                let _ = self.string(f, "after", true);
                if let Some(d) = self.sink.diagnostics.get_mut(before_count) {
                    d.hint = Some(
                        "say where the task goes: `after = \"KIND\"` or `before = \"KIND\"`, e.g. after = \"PREP-BACKUP\""
                            .to_string(),
                    );
                }
                return false;
            }
        };
        // Current and retired kind names alike (a retired one resolves to its successor).
        if crate::model::TaskKind::from_name(&kind.v).is_some() {
            return true;
        }
        let kinds: Vec<&str> = crate::model::TaskKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        let custom = crate::model::CUSTOM_KIND;
        let hint = if kind.v == custom || kind.v.starts_with(&format!("{custom}-")) {
            format!("a custom task cannot be placed against another custom task: give the kind that one is placed against (its `{key}`)")
        } else {
            match closest(&kind.v, &kinds) {
                Some(best) => format!("did you mean \"{best}\"? Task kinds: {}", kinds.join(", ")),
                None => format!("task kinds: {}", kinds.join(", ")),
            }
        };
        self.sink
            .error(
                Code::E038,
                kind.span.clone(),
                format!(
                    "`{key}` of {}: `{}` is not a kind of task the plan has",
                    f.what, kind.v
                ),
                "no such task kind",
            )
            .hint(hint);
        false
    }
}
