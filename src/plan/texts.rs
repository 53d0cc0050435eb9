//! Task texts as data: `templates/tasks.toml` (embedded) holds the title, expected result, details
//! and reference of every task kind, with `{placeholder}`s the engine fills in. A user's
//! `--templates DIR/tasks.toml` overrides it field by field, so a sentence can be changed without
//! touching a rule.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::sequence::PHASES;
use super::PlanError;
use crate::model::TaskKind;
use crate::templates::Templates;

/// Placeholder values for one task: name → text.
pub type Vars = BTreeMap<&'static str, String>;

pub const FILE: &str = "tasks.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TasksFile {
    #[serde(default)]
    phases: BTreeMap<String, String>,
    #[serde(default)]
    tasks: BTreeMap<String, TextEntry>,
    /// Checklist items under a task, keyed `KIND/item`.
    #[serde(default)]
    items: BTreeMap<String, ItemEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemEntry {
    text: Option<String>,
    expected_result: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextEntry {
    title: Option<String>,
    expected_result: Option<String>,
    details: Option<String>,
    reference: Option<String>,
    backout: Option<String>,
}

/// The texts of one task, placeholders filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskText {
    pub title: String,
    pub expected_result: String,
    pub details: String,
    pub reference: String,
    /// How to undo the task's change (kinds that change something).
    pub backout: Option<String>,
}

/// The catalogue: embedded defaults, and the user's file over them. A user's entry wins over
/// every default one, so `[tasks."SITE-UPG"] title` also replaces the titles of its variants.
#[derive(Debug, Clone)]
pub struct TaskTexts {
    phases: BTreeMap<String, String>,
    defaults: BTreeMap<String, TextEntry>,
    user: BTreeMap<String, TextEntry>,
    items: BTreeMap<String, ItemEntry>,
    /// Where a user file came from, for error messages.
    user_file: Option<String>,
}

impl TaskTexts {
    pub fn load(templates: &Templates) -> Result<TaskTexts, PlanError> {
        let (default_text, _) = Templates::embedded()
            .get(FILE)
            .map_err(|e| PlanError::TaskTexts(e.to_string()))?;
        let base = parse(&default_text, "the embedded tasks.toml")?;
        let mut texts = TaskTexts {
            phases: base.phases,
            defaults: base.tasks,
            user: BTreeMap::new(),
            items: base.items,
            user_file: None,
        };
        let (text, from) = templates
            .get(FILE)
            .map_err(|e| PlanError::TaskTexts(e.to_string()))?;
        if let Some(path) = from {
            let label = path.display().to_string();
            let user = parse(&text, &label)?;
            texts.phases.extend(user.phases);
            texts.user = user.tasks;
            for (k, v) in user.items {
                let e = texts.items.entry(k).or_default();
                if v.text.is_some() {
                    e.text = v.text;
                }
                if v.expected_result.is_some() {
                    e.expected_result = v.expected_result;
                }
            }
            texts.user_file = Some(label);
        }
        Ok(texts)
    }

    fn origin(&self) -> &str {
        self.user_file
            .as_deref()
            .unwrap_or("the embedded tasks.toml")
    }

    pub fn phase_title(&self, id: &str) -> Result<String, PlanError> {
        self.phases.get(id).cloned().ok_or_else(|| {
            PlanError::TaskTexts(format!(
                "{}: no title for phase `{id}` in [phases]",
                self.origin()
            ))
        })
    }

    /// The texts for a task of `kind` (its `variant` entry `KIND:variant` first, field by field).
    pub fn task(
        &self,
        kind: &str,
        variant: Option<&str>,
        vars: &Vars,
    ) -> Result<TaskText, PlanError> {
        let var_key = variant.map(|v| format!("{kind}:{v}"));
        // Most specific first: the user's variant, the user's kind, then the defaults.
        let layers: Vec<(&str, &TextEntry)> = [
            (&self.user, var_key.as_deref()),
            (&self.user, Some(kind)),
            (&self.defaults, var_key.as_deref()),
            (&self.defaults, Some(kind)),
        ]
        .into_iter()
        .filter_map(|(map, key)| key.and_then(|k| map.get(k).map(|e| (k, e))))
        .collect();
        let key = layers.first().map_or(kind, |(k, _)| *k);
        let field = |pick: fn(&TextEntry) -> &Option<String>| -> Option<&String> {
            layers.iter().find_map(|(_, e)| pick(e).as_ref())
        };
        let required = |name: &str, v: Option<&String>| -> Result<String, PlanError> {
            v.cloned().ok_or_else(|| {
                PlanError::TaskTexts(format!(
                    "{}: [tasks.\"{key}\"] has no `{name}` (every task kind needs a title and an expected_result)",
                    self.origin()
                ))
            })
        };
        let title = required("title", field(|e| &e.title))?;
        let expected = required("expected_result", field(|e| &e.expected_result))?;
        let details = field(|e| &e.details).cloned().unwrap_or_default();
        let reference = field(|e| &e.reference).cloned().unwrap_or_default();
        let backout = field(|e| &e.backout).cloned();
        let fill = |text: &str, what: &str| {
            fill(
                text,
                vars,
                &format!("[tasks.\"{key}\"] {what}"),
                self.origin(),
            )
        };
        Ok(TaskText {
            title: fill(&title, "title")?,
            expected_result: fill(&expected, "expected_result")?,
            details: fill(&details, "details")?,
            reference: fill(&reference, "reference")?,
            backout: match backout {
                Some(b) => Some(fill(&b, "backout")?),
                None => None,
            },
        })
    }

    /// The text and expected result of the checklist item `key` (`KIND/item`).
    pub fn item(&self, key: &str, vars: &Vars) -> Result<(String, String), PlanError> {
        let e = self.items.get(key).ok_or_else(|| {
            PlanError::TaskTexts(format!("{}: no [items.\"{key}\"]", self.origin()))
        })?;
        let what = format!("[items.\"{key}\"]");
        let text = fill(e.text.as_deref().unwrap_or(""), vars, &what, self.origin())?;
        let expected = fill(
            e.expected_result.as_deref().unwrap_or(""),
            vars,
            &what,
            self.origin(),
        )?;
        Ok((text, expected))
    }

    /// A phase title with `{site}`-style placeholders filled in.
    pub fn phase_title_with(&self, id: &str, vars: &Vars) -> Result<String, PlanError> {
        let t = self.phase_title(id)?;
        fill(&t, vars, &format!("[phases] {id}"), self.origin())
    }

    /// Whether the catalogue has an entry for `key` (`KIND` or `KIND:variant`).
    pub fn has(&self, key: &str) -> bool {
        self.user.contains_key(key) || self.defaults.contains_key(key)
    }
}

fn parse(text: &str, label: &str) -> Result<TasksFile, PlanError> {
    let file: TasksFile =
        toml::from_str(text).map_err(|e| PlanError::TaskTexts(format!("{label}: {e}")))?;
    for key in file.tasks.keys() {
        let kind = key.split(':').next().unwrap_or(key);
        // A kind of an earlier release is accepted (and no longer used), so that an old
        // user catalogue still loads.
        if TaskKind::from_name(kind).is_none() {
            let valid: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
            return Err(PlanError::TaskTexts(format!(
                "{label}: [tasks.\"{key}\"]: `{kind}` is not a task kind; the kinds are {}",
                valid.join(", ")
            )));
        }
    }
    // Phases of earlier releases are accepted (and no longer used), so an old catalogue loads.
    const RETIRED_PHASES: &[&str] = &[
        "remediate",
        "prepare",
        "central",
        "children",
        "roles",
        "consoles",
        "clients",
        "post",
    ];
    for id in file.phases.keys() {
        if !PHASES.contains(&id.as_str()) && !RETIRED_PHASES.contains(&id.as_str()) {
            return Err(PlanError::TaskTexts(format!(
                "{label}: [phases] `{id}` is not a phase; the phases are {}",
                PHASES.join(", ")
            )));
        }
    }
    Ok(file)
}

/// Replaces each `{name}` with its value; a name the task does not offer is an error that lists
/// the ones it does. Text in braces that is not a plain lower-case name is left alone.
fn fill(text: &str, vars: &Vars, what: &str, origin: &str) -> Result<String, PlanError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}');
        let name = end.map(|e| &after[..e]);
        match name {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
                match vars.get(n) {
                    Some(v) => out.push_str(v),
                    None => {
                        let offered: Vec<String> =
                            vars.keys().map(|k| format!("{{{k}}}")).collect();
                        return Err(PlanError::TaskTexts(format!(
                            "{origin}: {what} uses {{{n}}}, which this task does not offer; it offers {}",
                            offered.join(", ")
                        )));
                    }
                }
                rest = &after[n.len() + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&'static str, &str)]) -> Vars {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_are_named() {
        let v = vars(&[("site", "NYC"), ("server", "NYC-SMS01")]);
        assert_eq!(
            fill("Upgrade {site} on {server} {not a name}", &v, "t", "o").unwrap(),
            "Upgrade NYC on NYC-SMS01 {not a name}"
        );
        let err = fill("Upgrade {sitecode}", &v, "title", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("{sitecode}") && err.contains("{site}"),
            "{err}"
        );
    }

    #[test]
    fn the_embedded_catalogue_has_a_title_for_every_kind_and_phase() {
        let texts = TaskTexts::load(&Templates::embedded()).unwrap();
        for k in TaskKind::ALL {
            assert!(texts.has(k.as_str()), "tasks.toml has no entry for {k}");
        }
        for p in PHASES {
            texts.phase_title(p).unwrap();
        }
    }

    #[test]
    fn the_embedded_texts_use_only_placeholders_the_engine_fills() {
        const KNOWN: &[&str] = &[
            "target",
            "site",
            "site_name",
            "site_type",
            "site_server",
            "parent",
            "parent_name",
            "server",
            "version",
            "legacy_clients",
            "feature_packs",
            "os",
            "roles",
            "sql",
            "min_gb",
            "free_disk",
            "software",
            "site_servers",
            "sites",
            "formula",
            "growth_mb",
            "shortfall_mb",
            "db_size_mb",
            "scratch_mb",
            "children",
            "clients",
            "order",
            "how",
            "pilot",
            "method",
            "basis",
            "servers",
            "why",
            "point_of_no_return",
            "version_build",
            "waiting",
            // checklist items
            "child",
            "parent_server",
            "child_server",
            "db_site",
            "what",
            "checks",
            "scratch",
            "params",
            "including",
        ];
        let texts = TaskTexts::load(&Templates::embedded()).unwrap();
        let tasks = texts.defaults.iter().map(|(k, e)| {
            (
                k,
                vec![
                    &e.title,
                    &e.expected_result,
                    &e.details,
                    &e.reference,
                    &e.backout,
                ],
            )
        });
        let items = texts
            .items
            .iter()
            .map(|(k, e)| (k, vec![&e.text, &e.expected_result]));
        for (key, fields) in tasks.chain(items) {
            for text in fields.into_iter().flatten() {
                let mut rest = text.as_str();
                while let Some(i) = rest.find('{') {
                    let after = &rest[i + 1..];
                    let name = &after[..after.find('}').unwrap_or(0)];
                    assert!(
                        KNOWN.contains(&name),
                        "{key}: unknown placeholder {{{name}}} in {text}"
                    );
                    rest = after;
                }
            }
        }
    }

    #[test]
    fn a_user_file_overrides_field_by_field_and_unknown_kinds_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "[tasks.\"SITE-UPG\"]\ntitle = \"Upgrade site {site} (Contoso wording)\"\n",
        )
        .unwrap();
        let texts = TaskTexts::load(&Templates::with_overrides(dir.path())).unwrap();
        let t = texts
            .task(
                "SITE-UPG",
                None,
                &super::super::sequence::common_vars_for_test(),
            )
            .unwrap();
        assert_eq!(t.title, "Upgrade site NYC (Contoso wording)");
        assert!(
            !t.expected_result.is_empty(),
            "other fields keep the default"
        );

        std::fs::write(
            dir.path().join(FILE),
            "[tasks.\"SITE-UPGRADE\"]\ntitle = \"x\"\n",
        )
        .unwrap();
        let err = TaskTexts::load(&Templates::with_overrides(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("SITE-UPGRADE") && err.contains("SITE-UPG,"),
            "{err}"
        );
    }
}
