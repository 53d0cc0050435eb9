//! Writing output files so that nothing a user had is lost: everything is rendered in memory
//! first, each file goes to a temporary file in the same directory and is renamed over the target
//! only when every temporary file was written. On any error no partial or zero-byte file remains.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create the output directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}{hint}", hint = hint_for(source))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn hint_for(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "\n  hint: the file or its folder is read-only, or the file is open in another program \
             (close it in Excel or the PDF viewer), then run again"
        }
        _ => "",
    }
}

/// One rendered file waiting to be written.
#[derive(Debug)]
pub struct PendingFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Writes every file atomically. Either all targets are replaced, or (on an error before the
/// renames) none is touched and no temporary file is left behind.
pub fn write_all(files: Vec<PendingFile>) -> Result<Vec<PathBuf>, OutputError> {
    let mut staged = Vec::with_capacity(files.len());
    for file in files {
        let dir = parent_dir(&file.path);
        std::fs::create_dir_all(&dir).map_err(|source| OutputError::CreateDir {
            path: dir.clone(),
            source,
        })?;
        let write = || -> std::io::Result<tempfile::NamedTempFile> {
            let mut tmp = tempfile::Builder::new()
                .prefix(".cmplan-")
                .suffix(".tmp")
                .tempfile_in(&dir)?;
            tmp.write_all(&file.bytes)?;
            tmp.as_file().sync_all()?;
            Ok(tmp)
        };
        // A failure drops `staged`, and NamedTempFile deletes its file on drop.
        let tmp = write().map_err(|source| OutputError::Write {
            path: file.path.clone(),
            source,
        })?;
        staged.push((tmp, file.path));
    }
    for (_, path) in &staged {
        check_writable(path)?;
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, path) in staged {
        tmp.persist(&path).map_err(|e| OutputError::Write {
            path: path.clone(),
            source: e.error,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Renaming over a read-only file succeeds on Unix; refuse it, as the user asked for it to stay.
fn check_writable(path: &Path) -> Result<(), OutputError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.permissions().readonly() => Err(OutputError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only",
            ),
        }),
        _ => Ok(()),
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The output file name for an input stem and an extension, kept inside the output directory:
/// path separators, `..`, control characters and leading dots are replaced, so a crafted input
/// name can never write elsewhere.
pub fn output_path(dir: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut safe: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let dots = safe.len() - safe.trim_start_matches('.').len();
    safe.replace_range(0..dots, &"_".repeat(dots));
    if safe.is_empty() {
        safe.push_str("plan");
    }
    dir.join(format!("{safe}.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_stay_in_the_output_directory() {
        let dir = Path::new("out");
        assert_eq!(
            output_path(dir, "contoso", "md"),
            Path::new("out/contoso.md")
        );
        assert_eq!(
            output_path(dir, "../etc/x", "md"),
            Path::new("out/___etc_x.md")
        );
        assert_eq!(output_path(dir, "..", "pdf"), Path::new("out/__.pdf"));
        assert_eq!(output_path(dir, "a\u{0}b", "pdf"), Path::new("out/a_b.pdf"));
        assert_eq!(output_path(dir, "", "pdf"), Path::new("out/plan.pdf"));
    }

    #[test]
    fn writes_all_files_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            PendingFile {
                path: dir.path().join("a.md"),
                bytes: b"A".to_vec(),
            },
            PendingFile {
                path: dir.path().join("b.json"),
                bytes: b"{}".to_vec(),
            },
        ];
        write_all(files).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a.md", "b.json"]);
        assert_eq!(std::fs::read(dir.path().join("a.md")).unwrap(), b"A");
    }

    #[test]
    fn a_read_only_target_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("plan.md");
        std::fs::write(&target, "mine").unwrap();
        let mut perms = std::fs::metadata(&target).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&target, perms).unwrap();
        let err = write_all(vec![PendingFile {
            path: target.clone(),
            bytes: b"new".to_vec(),
        }])
        .unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file may remain");
    }
}
