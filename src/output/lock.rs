//! An advisory lock on the output folder, so that two runs writing into one folder take turns
//! instead of leaving files from two different inputs. Taken before the previous workbook is read:
//! the second run then carries the status the first one wrote.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::OutputError;

/// Held for the whole run; the lock is released when this is dropped (or the process ends,
/// however it ends).
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    dir: PathBuf,
}

impl FolderLock {
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Creates `dir` if needed and locks it. When another run holds the lock, `on_wait` is called
/// once (to tell the user) and the lock is waited for.
pub fn lock_folder(dir: &Path, on_wait: impl FnOnce()) -> Result<FolderLock, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let file = open_lock_file(dir).map_err(|source| OutputError::Lock {
        path: dir.to_path_buf(),
        source,
    })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            file.lock().map_err(|source| OutputError::Lock {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(OutputError::Lock {
                path: dir.to_path_buf(),
                source,
            })
        }
    }
    Ok(FolderLock {
        _file: file,
        dir: dir.to_path_buf(),
    })
}

/// On Unix the folder itself is locked (flock works on a directory), so no lock file is left
/// among the user's files; elsewhere a hidden `.cmplan.lock` file is.
#[cfg(unix)]
fn open_lock_file(dir: &Path) -> std::io::Result<File> {
    File::open(dir)
}

#[cfg(not(unix))]
fn open_lock_file(dir: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".cmplan.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_folder(dir.path(), || panic!("the first lock must not wait")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let waited = std::cell::Cell::new(false);
            let lock = lock_folder(&path, || waited.set(true)).unwrap();
            tx.send(()).unwrap();
            drop(lock);
            waited.get()
        });
        // The second run cannot get the lock while the first holds it.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert!(second.join().unwrap(), "the second run was told it waits");
    }
}
