//! The numbered backup of a workbook about to be replaced.
//!
//! Naming: `<stem>.rev<N>.xlsx`, N being the revision the workbook holds, so the backup still
//! opens in Excel with a double-click and says what it is; when the revision is unknown (the
//! workbook was not read, `--discard-status`) `<stem>.previous.xlsx`. An existing backup is never
//! overwritten: the next free name gets `-2`, `-3`, … (`contoso.rev2-2.xlsx`).

use std::io::Write;
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

/// Copies `target` to its backup name (never replacing an existing file) and returns that name.
/// The copy goes through a temporary file, so a backup is either complete or absent.
pub fn make_backup(target: &Path, revision: Option<u32>) -> std::io::Result<PathBuf> {
    let bytes = std::fs::read(target)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cmplan-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(&bytes)?;
    tmp.as_file().sync_all()?;
    let mut names = candidates(target, revision);
    loop {
        let name = names.next().expect("unbounded");
        if name.exists() {
            continue;
        }
        match tmp.persist_noclobber(&name) {
            Ok(_) => return Ok(name),
            // Someone created that name meanwhile: take the next one.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(e.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_numbered_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("contoso.xlsx");
        std::fs::write(&target, b"rev 2").unwrap();
        let first = make_backup(&target, Some(2)).unwrap();
        assert_eq!(first, dir.path().join("contoso.rev2.xlsx"));
        std::fs::write(&target, b"rev 2 again").unwrap();
        let second = make_backup(&target, Some(2)).unwrap();
        assert_eq!(second, dir.path().join("contoso.rev2-2.xlsx"));
        assert_eq!(std::fs::read(&first).unwrap(), b"rev 2");
        assert_eq!(std::fs::read(&second).unwrap(), b"rev 2 again");
        assert_eq!(
            backup_path(&target, None),
            dir.path().join("contoso.previous.xlsx")
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(names.is_empty(), "temporary files left: {names:?}");
    }
}
