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
