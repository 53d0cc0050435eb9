//! Writing output files so that nothing a user had is lost: everything is rendered in memory
//! first; one transaction per run (`commit`) checks every target, stages every file next to its
//! target and then replaces all of them or none, with the workbook backup as part of it. A lock
//! on the output folder (`lock`) makes concurrent runs take turns, and the next run repairs what
//! a killed one left.

mod commit;
mod lock;

pub use commit::{commit, recover, Backup, Committed, Recovered};
pub use lock::{lock_folder, FolderLock};

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
    #[error("cannot lock the output folder {path}: {source}")]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cmplan will not replace {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
}

fn hint_for(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "\n  hint: the file or its folder is read-only, or the file is open in another program \
             (close it in Excel or the PDF viewer), then run again"
        }
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            "\n  hint: the disk is full; free some space, then run again"
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

/// Writes every file in one transaction (see [`commit`]): all targets are replaced, or none is
/// and no temporary file is left behind.
pub fn write_all(files: Vec<PendingFile>) -> Result<Vec<PathBuf>, OutputError> {
    commit(files, &[], &[]).map(|c| c.written)
}

/// Writes `file` to a temporary file beside its target.
fn stage(dir: &Path, file: &PendingFile) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cmplan-").suffix(".tmp");
    // A temporary file is private (0600) and the rename keeps that: ask for the mode
    // `File::create` uses (0666 less the umask), so colleagues can read the plan on a
    // shared drive.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(&file.bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// The longest file name most file systems accept (NAME_MAX), in bytes.
const NAME_MAX: usize = 255;

/// Everything that would make a rename fail or replace something that is not ours, found
/// before anything is written: a name too long, a folder or link in the way, a read-only file,
/// the description itself (`never_replace`, compared as canonical paths), or a file that is
/// not a cmplan output (unless it is `backed_up` by this run).
fn check_target(
    path: &Path,
    never_replace: &[PathBuf],
    backed_up: bool,
) -> Result<(), OutputError> {
    let refuse = |reason: &str| {
        Err(OutputError::Refused {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    let name_len = path.file_name().map(|n| n.len()).unwrap_or(0);
    if name_len > NAME_MAX {
        return refuse(&format!(
            "its file name is {name_len} bytes long, more than the {NAME_MAX} a file system accepts\n  \
             hint: rename the description to a shorter file name (the outputs are named after it)"
        ));
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(_) => return Ok(()),
    };
    if let Ok(canonical) = path.canonicalize() {
        let is_input = never_replace
            .iter()
            .any(|p| p.canonicalize().map(|p| p == canonical).unwrap_or(false));
        if is_input {
            return refuse(
                "it is the description being read; nothing was written\n  \
                 hint: write the outputs to another folder with -o DIR",
            );
        }
    }
    if meta.is_dir() {
        return refuse("a folder of that name is in the way; nothing was written");
    }
    if meta.file_type().is_symlink() {
        return refuse(
            "it is a link, and cmplan only replaces the files it wrote; nothing was written",
        );
    }
    if !meta.is_file() {
        return refuse("it is not a regular file; nothing was written");
    }
    // Renaming over a read-only file succeeds on Unix; refuse it, as the user asked for it to stay.
    if meta.permissions().readonly() {
        return Err(OutputError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is read-only",
            ),
        });
    }
    if !backed_up && !looks_like_ours(path) {
        return refuse(
            "it does not look like a file cmplan wrote; nothing was written\n  \
             hint: move it away, or write the outputs to another folder with -o DIR",
        );
    }
    Ok(())
}

/// Whether an existing file at an output path is one cmplan wrote, by what every such file
/// starts with or holds. Markdown has no mark (its templates are the user's to change), so any
/// `.md` is taken as ours.
fn looks_like_ours(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let head = |n: usize| -> Vec<u8> {
        use std::io::Read;
        let mut buf = Vec::new();
        if let Ok(f) = std::fs::File::open(path) {
            let _ = f.take(n as u64).read_to_end(&mut buf);
        }
        buf
    };
    match ext.as_str() {
        "pdf" => head(5) == b"%PDF-",
        "xlsx" => head(4) == b"PK\x03\x04",
        "svg" => contains(&head(4096), b"<svg"),
        "html" => contains(&head(4096), b"<meta name=\"generator\" content=\"cmplan\">"),
        // The plan's JSON has this key, a description never does (unknown keys are refused).
        "json" => std::fs::read(path)
            .map(|bytes| contains(&bytes, b"\"input_digest\":"))
            .unwrap_or(false),
        _ => true,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
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

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_usual_mode_not_the_temporary_files_private_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.md");
        write_all(vec![PendingFile {
            path: path.clone(),
            bytes: b"A".to_vec(),
        }])
        .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // Whatever the umask, the owner can read and write; 0600 is what tempfile gives.
        let reference = dir.path().join("created.md");
        std::fs::write(&reference, "A").unwrap();
        let expected = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, expected,
            "mode {mode:o}, File::create gives {expected:o}"
        );
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
