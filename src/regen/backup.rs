//! The numbered backup of a workbook about to be replaced.
//!
//! Naming: `<stem>.rev<N>.xlsx`, N being the revision the workbook holds, so the backup still
//! opens in Excel with a double-click and says what it is; when the revision is unknown (the
//! workbook was not read, `--discard-status`) `<stem>.previous.xlsx`. An existing backup is never
//! overwritten (the write transaction in `output` makes it, as a hard link, when the run
//! succeeds): the next free name gets `-2`, `-3`, … (`contoso.rev2-2.xlsx`).

use std::path::{Path, PathBuf};

/// The first free backup name for `target` (which is `<dir>/<stem>.xlsx`).
pub fn backup_path(target: &Path, revision: Option<u32>) -> PathBuf {
    candidates(target, revision)
        .find(|p| !p.exists())
        .expect("the candidate names are unbounded")
}

fn candidates(target: &Path, revision: Option<u32>) -> impl Iterator<Item = PathBuf> + '_ {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plan".to_string());
    let ext = target
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "xlsx".to_string());
    let label = match revision {
        Some(n) => format!("rev{n}"),
        None => "previous".to_string(),
    };
    (1u32..).map(move |k| {
        let name = if k == 1 {
            format!("{stem}.{label}.{ext}")
        } else {
            format!("{stem}.{label}-{k}.{ext}")
        };
        target.with_file_name(name)
    })
}

/// Whether `file_name` is a backup name (`contoso.rev2.xlsx`, `contoso.rev2-3.xlsx`,
/// `contoso.previous.xlsx`): a workbook kept, not one to carry on from.
pub fn is_backup_name(file_name: &str) -> bool {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let Some((_, label)) = stem.rsplit_once('.') else {
        return false;
    };
    let label = match label.split_once('-') {
        Some((label, k)) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) => label,
        Some(_) => return false,
        None => label,
    };
    label == "previous"
        || label
            .strip_prefix("rev")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_are_told_from_plans() {
        for name in [
            "contoso.rev2.xlsx",
            "contoso.rev12-3.xlsx",
            "contoso.previous.xlsx",
            "acme-v2.previous-2.xlsx",
        ] {
            assert!(is_backup_name(name), "{name}");
        }
        for name in [
            "contoso.xlsx",
            "contoso-NYC.xlsx",
            "contoso-rev2.xlsx",
            "acme.v2.xlsx",
            "contoso.rev.xlsx",
        ] {
            assert!(!is_backup_name(name), "{name}");
        }
    }

    #[test]
    fn backups_are_numbered_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("contoso.xlsx");
        std::fs::write(&target, b"rev 2").unwrap();
        let first = backup_path(&target, Some(2));
        assert_eq!(first, dir.path().join("contoso.rev2.xlsx"));
        std::fs::write(&first, b"rev 2").unwrap();
        assert_eq!(
            backup_path(&target, Some(2)),
            dir.path().join("contoso.rev2-2.xlsx")
        );
        assert_eq!(
            backup_path(&target, None),
            dir.path().join("contoso.previous.xlsx")
        );
    }
}
