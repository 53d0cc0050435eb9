//! The write transaction: every target checked, every file staged, then all renamed or none.
//!
//! Protocol (all in the one output folder, under the folder lock):
//! 1. stage each new file as `.cmplan-XXXXXX.tmp` (written and synced: a full disk stops here);
//! 2. keep each file about to be replaced under a second name (a hard link, `.cmplan-kept-N.tmp`);
//! 3. write the journal `.cmplan-journal` naming targets, staged and kept files and backups;
//! 4. rename each staged file over its target, then make the backups from the kept files;
//! 5. remove the journal (the commit point), then the kept files.
//!
//! A failure in 4 restores every target from its kept file. A run killed in 4 leaves the journal,
//! and the next run (under the lock, before it reads anything) does the same restoration; a run
//! killed elsewhere leaves only `.cmplan-*` files the next run removes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{parent_dir, OutputError, PendingFile};

const JOURNAL: &str = ".cmplan-journal";

/// A copy of a file this run replaces, made as part of the commit: `to` gets what `of` held
/// before the run, with its permissions. `to` must not exist.
#[derive(Debug, Clone)]
pub struct Backup {
    pub of: PathBuf,
    pub to: PathBuf,
}

/// What a committed run wrote.
#[derive(Debug, Default)]
pub struct Committed {
    pub written: Vec<PathBuf>,
    pub backups: Vec<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    entries: Vec<Entry>,
    backups: Vec<String>,
}

/// File names only: every file of a transaction lives in one folder.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    target: String,
    staged: String,
    kept: Option<String>,
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks, stages and commits `files` (all in one folder) and `backups`, all or nothing.
pub fn commit(
    files: Vec<PendingFile>,
    backups: &[Backup],
    never_replace: &[PathBuf],
) -> Result<Committed, OutputError> {
    let Some(first) = files.first() else {
        return Ok(Committed::default());
    };
    let dir = parent_dir(&first.path);
    if let Some(other) = files.iter().find(|f| parent_dir(&f.path) != dir) {
        return Err(OutputError::Refused {
            path: other.path.clone(),
            reason: "every file of one run goes into one folder".to_string(),
        });
    }
    for file in &files {
        // A file kept as a backup may be anything: nothing in it is lost.
        let backed_up = backups.iter().any(|b| b.of == file.path);
        super::check_target(&file.path, never_replace, backed_up)?;
    }
    for backup in backups {
        if backup.to.symlink_metadata().is_ok() {
            return Err(OutputError::Refused {
                path: backup.to.clone(),
                reason: "the backup name is taken".to_string(),
            });
        }
    }
    std::fs::create_dir_all(&dir).map_err(|source| OutputError::CreateDir {
        path: dir.clone(),
        source,
    })?;

    // 1. Stage. A failure drops `staged`, and NamedTempFile deletes its file on drop.
    let mut staged = Vec::with_capacity(files.len());
    for file in &files {
        staged.push(super::stage(&dir, file).map_err(io_error(&file.path))?);
    }
    // 2. Keep what is replaced. From here on, cleaning up is ours: `keep()` the staged files.
    let staged: Vec<PathBuf> = staged
        .into_iter()
        .zip(&files)
        .map(|(tmp, file)| {
            tmp.keep()
                .map(|(_, p)| p)
                .map_err(|e| io_error(&file.path)(e.error))
        })
        .collect::<Result<_, _>>()?;
    let mut journal = Journal {
        entries: Vec::with_capacity(files.len()),
        backups: backups.iter().map(|b| name_of(&b.to)).collect(),
    };
    for (i, (file, staged_path)) in files.iter().zip(&staged).enumerate() {
        let kept = if file.path.exists() {
            let kept = dir.join(format!(".cmplan-kept-{i}.tmp"));
            if let Err(e) = keep(&file.path, &kept) {
                discard(&dir, &journal, &staged[..]);
                return Err(io_error(&file.path)(e));
            }
            Some(name_of(&kept))
        } else {
            None
        };
        journal.entries.push(Entry {
            target: name_of(&file.path),
            staged: name_of(staged_path),
            kept,
        });
    }
    // 3. The journal makes a kill from here on recoverable.
    if let Err(e) = write_journal(&dir, &journal) {
        discard(&dir, &journal, &staged[..]);
        return Err(io_error(&dir.join(JOURNAL))(e));
    }
    // 4. Rename, then back up.
    let mut step = 0;
    for entry in &journal.entries {
        step += 1;
        let target = dir.join(&entry.target);
        if let Err(e) =
            fault_point(step).and_then(|()| std::fs::rename(dir.join(&entry.staged), &target))
        {
            roll_back(&dir, &journal);
            return Err(io_error(&target)(e));
        }
    }
    for backup in backups {
        step += 1;
        let kept = journal
            .entries
            .iter()
            .find(|e| e.target == name_of(&backup.of))
            .and_then(|e| e.kept.as_ref());
        let result = fault_point(step).and_then(|()| match kept {
            Some(kept) => keep(&dir.join(kept), &backup.to),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the file to back up is not replaced by this run",
            )),
        });
        if let Err(e) = result {
            roll_back(&dir, &journal);
            return Err(io_error(&backup.to)(e));
        }
    }
    // 5. Commit point.
    std::fs::remove_file(dir.join(JOURNAL)).map_err(|e| {
        roll_back(&dir, &journal);
        io_error(&dir.join(JOURNAL))(e)
    })?;
    sync_dir(&dir);
    for kept in journal.entries.iter().filter_map(|e| e.kept.as_ref()) {
        let _ = std::fs::remove_file(dir.join(kept));
    }
    Ok(Committed {
        written: files.into_iter().map(|f| f.path).collect(),
        backups: backups.iter().map(|b| b.to.clone()).collect(),
    })
}

/// A second name for `from` without copying (a hard link shares the bytes and the permissions);
/// a copy where the file system has no hard links. Never replaces `to`.
fn keep(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(to)?;
            std::io::copy(&mut std::fs::File::open(from)?, &mut out)?;
            out.sync_all()?;
            std::fs::set_permissions(to, std::fs::metadata(from)?.permissions())
        }
    }
}

fn write_journal(dir: &Path, journal: &Journal) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".cmplan-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    serde_json::to_writer(&mut tmp, journal)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(JOURNAL)).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Makes the renames durable where the OS allows syncing a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Before any rename: remove the staged and kept files (targets are untouched).
fn discard(dir: &Path, journal: &Journal, staged: &[PathBuf]) {
    for path in staged {
        let _ = std::fs::remove_file(path);
    }
    for kept in journal.entries.iter().filter_map(|e| e.kept.as_ref()) {
        let _ = std::fs::remove_file(dir.join(kept));
    }
}

/// Puts every target back as it was before the run, removes the backups made, the staged files
/// and the journal. Works from the journal alone, so it also repairs a killed run.
fn roll_back(dir: &Path, journal: &Journal) {
    for backup in &journal.backups {
        let _ = std::fs::remove_file(dir.join(backup));
    }
    for entry in journal.entries.iter().rev() {
        let target = dir.join(&entry.target);
        let staged = dir.join(&entry.staged);
        let renamed = !staged.exists();
        match &entry.kept {
            Some(kept) if dir.join(kept).exists() => {
                let _ = std::fs::rename(dir.join(kept), &target);
                // Renaming a link onto another link of the same file does nothing (POSIX).
                let _ = std::fs::remove_file(dir.join(kept));
            }
            Some(_) => {}
            // The target is new in this run: remove it once it was renamed into place.
            None if renamed => {
                let _ = std::fs::remove_file(&target);
            }
            None => {}
        }
        let _ = std::fs::remove_file(&staged);
    }
    sync_dir(dir);
    let _ = std::fs::remove_file(dir.join(JOURNAL));
    sync_dir(dir);
}

/// What a folder held from an interrupted run, repaired by [`recover`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Targets put back as the interrupted run found them.
    pub restored: Vec<String>,
    /// Leftover temporary files removed.
    pub removed: usize,
}

/// Repairs what a killed run left in `dir`: a journal means it was killed while renaming, so
/// every target is restored from the files it kept; any other `.cmplan-*.tmp` file is a
/// leftover. Call it holding the folder lock (no other run is writing).
pub fn recover(dir: &Path) -> std::io::Result<Recovered> {
    let mut recovered = Recovered::default();
    let journal_path = dir.join(JOURNAL);
    match std::fs::read(&journal_path) {
        // A journal is written whole and renamed into place; an unreadable one is not ours.
        Ok(bytes) => {
            if let Ok(journal) = serde_json::from_slice::<Journal>(&bytes) {
                recovered.restored = journal.entries.iter().map(|e| e.target.clone()).collect();
                roll_back(dir, &journal);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(recovered),
        Err(e) => return Err(e),
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".cmplan-")
            && name.ends_with(".tmp")
            && entry.file_type().map(|t| t.is_file()).unwrap_or(false)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            recovered.removed += 1;
        }
    }
    Ok(recovered)
}

/// A test hook, compiled into debug builds only (release binaries never read it):
/// `CMPLAN_FAULT=hang:N` stops before the Nth rename of the commit (after saying so on stderr)
/// until the process is killed; `CMPLAN_FAULT=fail:N` makes that rename fail.
#[cfg(debug_assertions)]
fn fault_point(step: usize) -> std::io::Result<()> {
    let Ok(spec) = std::env::var("CMPLAN_FAULT") else {
        return Ok(());
    };
    let (mode, n) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
    if n.parse() != Ok(step) {
        return Ok(());
    }
    match mode {
        "hang" => {
            eprintln!("cmplan-fault: stopped before rename {step}");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        "fail" => Err(std::io::Error::other(format!(
            "injected failure at rename {step}"
        ))),
        _ => Ok(()),
    }
}

#[cfg(not(debug_assertions))]
fn fault_point(_step: usize) -> std::io::Result<()> {
    Ok(())
}
