//! Embedded default templates and task texts, overridable file by file from a user's folder
//! (mdBook's theme pattern): `--templates DIR` replaces any file that DIR contains.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Every default file, by name, embedded in the binary so it works anywhere.
pub const DEFAULTS: &[(&str, &str)] = &[
    // Markdown: the main template, then its partials (render::markdown).
    ("plan.md.hbs", include_str!("../templates/plan.md.hbs")),
    ("cover.md.hbs", include_str!("../templates/cover.md.hbs")),
    ("scope.md.hbs", include_str!("../templates/scope.md.hbs")),
    (
        "summary.md.hbs",
        include_str!("../templates/summary.md.hbs"),
    ),
    (
        "progress.md.hbs",
        include_str!("../templates/progress.md.hbs"),
    ),
    (
        "changes.md.hbs",
        include_str!("../templates/changes.md.hbs"),
    ),
    (
        "hierarchy.md.hbs",
        include_str!("../templates/hierarchy.md.hbs"),
    ),
    ("waves.md.hbs", include_str!("../templates/waves.md.hbs")),
    (
        "estimates.md.hbs",
        include_str!("../templates/estimates.md.hbs"),
    ),
    (
        "findings.md.hbs",
        include_str!("../templates/findings.md.hbs"),
    ),
    ("phase.md.hbs", include_str!("../templates/phase.md.hbs")),
    ("task.md.hbs", include_str!("../templates/task.md.hbs")),
    (
        "signoff.md.hbs",
        include_str!("../templates/signoff.md.hbs"),
    ),
    (
        "assumptions.md.hbs",
        include_str!("../templates/assumptions.md.hbs"),
    ),
    (
        "approval.md.hbs",
        include_str!("../templates/approval.md.hbs"),
    ),
    ("tasks.toml", include_str!("../templates/tasks.toml")),
];

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    overrides: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("no template named `{0}`")]
    Unknown(String),
    #[error("cannot read template {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Templates {
    /// The embedded defaults only.
    pub fn embedded() -> Templates {
        Templates { overrides: None }
    }

    /// Defaults, with any file present in `dir` taking precedence.
    pub fn with_overrides(dir: impl Into<PathBuf>) -> Templates {
        Templates {
            overrides: Some(dir.into()),
        }
    }

    pub fn overrides_dir(&self) -> Option<&Path> {
        self.overrides.as_deref()
    }

    /// The text of template `name`, and whether it came from the user's folder (`Some(path)`).
    pub fn get(&self, name: &str) -> Result<(Cow<'static, str>, Option<PathBuf>), TemplateError> {
        if let Some(dir) = &self.overrides {
            let path = dir.join(name);
            if path.is_file() {
                let text =
                    std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                        path: path.clone(),
                        source,
                    })?;
                return Ok((Cow::Owned(text), Some(path)));
            }
        }
        DEFAULTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| (Cow::Borrowed(*text), None))
            .ok_or_else(|| TemplateError::Unknown(name.to_string()))
    }

    /// Writes every default out to `dir` for editing (`cmplan templates export DIR`).
    pub fn export_defaults(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let mut written = Vec::new();
        for (name, text) in DEFAULTS {
            let path = dir.join(name);
            std::fs::write(&path, text)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// How deeply blocks (`{{#if}}`, `{{#each}}`, …) may nest in one template, and how long a chain
/// of partials including partials may be. Far beyond any real template, far below what the
/// handlebars parser and renderer (which recurse) can take on a thread's stack.
pub const MAX_BLOCK_DEPTH: usize = 100;
pub const MAX_PARTIAL_DEPTH: usize = 40;

/// A template that would make the renderer recurse without end (or too deep), found before it
/// is parsed: the file, the place and what is wrong, naming the templates involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureError {
    /// The template the problem is reported in (registered name, e.g. `phase`).
    pub template: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One template as the structure check sees it: its registered name and text.
pub struct TemplateText<'a> {
    pub name: &'a str,
    pub file: &'a str,
    pub text: &'a str,
}

/// A `{{…}}` tag that matters for the structure: an opened block, a closed one, a partial.
struct Tag<'a> {
    offset: usize,
    opens: bool,
    closes: bool,
    partial: Option<&'a str>,
}

/// The tags of a template, skipping comments (`{{! }}`, `{{!-- --}}`).
fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let start = at + found;
        let mut rest = &text[start + 2..];
        rest = rest.trim_start_matches('{'); // raw and triple-stash tags
        rest = rest.strip_prefix('~').unwrap_or(rest);
        if let Some(comment) = rest.strip_prefix("!--") {
            let end = comment.find("--}}").map(|e| e + 4).unwrap_or(comment.len());
            at = text.len() - comment.len() + end;
            continue;
        }
        let end = rest.find("}}").unwrap_or(rest.len());
        let body = &rest[..end];
        at = text.len() - rest.len() + end;
        if body.starts_with('!') {
            continue;
        }
        let opens = body.starts_with('#');
        let closes = body.starts_with('/');
        let after_hash = body.strip_prefix('#').unwrap_or(body);
        let partial = after_hash.strip_prefix('>').map(|p| {
            let p = p.trim_start();
            let name_end = p
                .find(|c: char| c.is_whitespace() || c == '}' || c == '~')
                .unwrap_or(p.len());
            p[..name_end].trim_matches(|c| c == '"' || c == '\'')
        });
        out.push(Tag {
            offset: start,
            opens,
            closes,
            partial: partial.filter(|p| !p.is_empty() && !p.starts_with('(')),
        });
    }
    out
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Checks, before anything is parsed, that no template nests blocks deeper than
/// [`MAX_BLOCK_DEPTH`] and that the partials reachable from `main` include each other neither in
/// a cycle (of any length) nor in a chain longer than [`MAX_PARTIAL_DEPTH`].
pub fn check_structure(main: &str, templates: &[TemplateText<'_>]) -> Result<(), StructureError> {
    let mut includes: std::collections::BTreeMap<&str, Vec<(&str, usize)>> = Default::default();
    for t in templates {
        let mut depth = 0usize;
        let mut list = Vec::new();
        for tag in tags(t.text) {
            if tag.opens {
                depth += 1;
                if depth > MAX_BLOCK_DEPTH {
                    let (line, column) = line_column(t.text, tag.offset);
                    return Err(StructureError {
                        template: t.name.to_string(),
                        line,
                        column,
                        message: format!(
                            "blocks nest more than {MAX_BLOCK_DEPTH} deep in {}; close some of them",
                            t.file
                        ),
                    });
                }
            } else if tag.closes {
                depth = depth.saturating_sub(1);
            }
            if let Some(p) = tag.partial {
                list.push((p, tag.offset));
            }
        }
        includes.insert(t.name, list);
    }
    let file_of = |name: &str| -> String {
        templates
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.file)
            .unwrap_or(name)
            .to_string()
    };
    // Depth-first from the main template; `path` is the chain of includes being followed.
    let mut path: Vec<&str> = vec![main];
    let mut done = std::collections::BTreeSet::new();
    fn visit<'a>(
        includes: &std::collections::BTreeMap<&'a str, Vec<(&'a str, usize)>>,
        templates: &[TemplateText<'a>],
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
        file_of: &dyn Fn(&str) -> String,
    ) -> Result<(), StructureError> {
        let current = *path.last().expect("never empty");
        for &(next, offset) in includes.get(current).map(Vec::as_slice).unwrap_or(&[]) {
            if !includes.contains_key(next) || done.contains(next) {
                continue; // unknown partials are the renderer's to report
            }
            let text = templates
                .iter()
                .find(|t| t.name == current)
                .map(|t| t.text)
                .unwrap_or("");
            let (line, column) = line_column(text, offset);
            let located = |message: String| StructureError {
                template: current.to_string(),
                line,
                column,
                message,
            };
            if let Some(start) = path.iter().position(|p| *p == next) {
                let cycle: Vec<String> = path[start..]
                    .iter()
                    .chain(std::iter::once(&next))
                    .map(|n| file_of(n))
                    .collect();
                return Err(located(format!(
                    "the partials include each other without end: {}; remove one of these includes",
                    cycle.join(" → ")
                )));
            }
            if path.len() >= MAX_PARTIAL_DEPTH {
                return Err(located(format!(
                    "partials include partials more than {MAX_PARTIAL_DEPTH} deep (from {})",
                    file_of(path[0])
                )));
            }
            path.push(next);
            visit(includes, templates, path, done, file_of)?;
            path.pop();
            done.insert(next);
        }
        Ok(())
    }
    visit(&includes, templates, &mut path, &mut done, &file_of)
}

#[cfg(test)]
mod structure_tests {
    use super::*;

    fn t<'a>(name: &'a str, text: &'a str) -> TemplateText<'a> {
        TemplateText {
            name,
            file: name,
            text,
        }
    }

    #[test]
    fn cycles_of_any_length_are_found_and_named() {
        let two = [
            t("plan", "{{> a}}\n"),
            t("a", "x\n{{> b}}"),
            t("b", "{{> a}}"),
        ];
        let err = check_structure("plan", &two).unwrap_err();
        assert_eq!((err.template.as_str(), err.line, err.column), ("b", 1, 1));
        assert!(err.message.contains("a → b → a"), "{}", err.message);
        let self_loop = [t("plan", "{{#each x}}{{~> plan}}{{/each}}")];
        let err = check_structure("plan", &self_loop).unwrap_err();
        assert!(err.message.contains("plan → plan"), "{}", err.message);
        let three = [
            t("plan", "{{> a}}"),
            t("a", "{{#> b}}{{/b}}"),
            t("b", "{{> c x=1}}"),
            t("c", "{{> \"a\"}}"),
        ];
        let err = check_structure("plan", &three).unwrap_err();
        assert!(err.message.contains("a → b → c → a"), "{}", err.message);
        // A partial used twice is not a cycle; comments do not include anything.
        let fine = [
            t(
                "plan",
                "{{> a}}{{> a}}{{!-- {{> plan}} --}}{{! {{> plan}} }}",
            ),
            t("a", "{{> b}}"),
            t("b", "leaf"),
        ];
        assert_eq!(check_structure("plan", &fine), Ok(()));
    }

    #[test]
    fn deep_nesting_is_refused_where_it_goes_too_deep() {
        let deep = "{{#if x}}\n".repeat(5000) + &"{{/if}}".repeat(5000);
        let err = check_structure("plan", &[t("plan", &deep)]).unwrap_err();
        assert_eq!(err.line, MAX_BLOCK_DEPTH + 1);
        let fine = "{{#if x}}".repeat(MAX_BLOCK_DEPTH) + &"{{/if}}".repeat(MAX_BLOCK_DEPTH);
        assert_eq!(check_structure("plan", &[t("plan", &fine)]), Ok(()));
        let names: Vec<String> = (0..=MAX_PARTIAL_DEPTH).map(|i| format!("p{i}")).collect();
        let texts: Vec<String> = (0..=MAX_PARTIAL_DEPTH)
            .map(|i| format!("{{{{> p{}}}}}", i + 1))
            .collect();
        let chain: Vec<TemplateText> = names.iter().zip(&texts).map(|(n, x)| t(n, x)).collect();
        let err = check_structure("p0", &chain).unwrap_err();
        assert!(err.message.contains("deep"), "{}", err.message);
    }
}
