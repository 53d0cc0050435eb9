//! A plan read back from a file cmplan wrote, for `cmplan diff`: a workbook (the plan is kept in
//! its hidden sheet) or a JSON plan (`-f json`). Anything else is an environment description,
//! which the caller plans itself.

use std::path::Path;

use crate::plan::{views, Plan};

/// A plan read from a file, with how the diff names it.
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub plan: Plan,
    /// The file name, with the revision (`contoso.xlsx (revision 3)`).
    pub label: String,
}

/// `Ok(None)`: the file is not a plan cmplan wrote (an environment description, or something
/// the description reader will explain). `Err`: it is a workbook or a JSON plan that cannot be
/// read, with why and what to do.
pub fn read_plan_file(path: &Path) -> Result<Option<PlanFile>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    // Every xlsx is a zip archive.
    if bytes.starts_with(b"PK\x03\x04") {
        let previous = super::read_previous_bytes(path, &bytes).map_err(|err| {
            format!(
                "{err}\n  hint: each side is a description, a workbook cmplan wrote or a JSON plan (-f json); a backup such as <name>.rev1.xlsx holds the plan of its revision"
            )
        })?;
        let mut plan = previous.plan;
        plan.revision = previous.revision;
        return Ok(Some(PlanFile {
            label: format!("{name} (revision {})", plan.revision),
            plan,
        }));
    }
    let text = String::from_utf8_lossy(&bytes);
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        return Ok(None);
    }
    let Ok(serde_json::Value::Object(object)) = serde_json::from_str(&text) else {
        return Ok(None);
    };
    // A description has a `plan` table; a plan has `phases`.
    if object.contains_key("plan") || !object.contains_key("phases") {
        return Ok(None);
    }
    let plan: Plan = serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
        format!(
            "{} is a cmplan JSON plan but cannot be read: {e}\n  hint: each side is a description, a workbook cmplan wrote or a JSON plan as cmplan wrote it (-f json)",
            path.display()
        )
    })?;
    Ok(Some(PlanFile {
        label: format!("{name} (revision {})", plan.revision),
        plan,
    }))
}

/// The part of `plan` that `part` (a site's checklist or one wave) covers, as the same view, so
/// that a part and a whole plan can be compared. `None` when `part` is a whole plan, or the part
/// is no longer in `plan`.
pub fn same_part(plan: &Plan, part: &Plan) -> Option<Plan> {
    let scope = part.scope.as_ref()?;
    match (scope.kind.as_str(), &scope.site, scope.wave) {
        ("site", Some(code), _) => views::for_site(plan, code),
        ("wave", _, Some(n)) => views::for_wave(plan, n),
        _ => None,
    }
}
