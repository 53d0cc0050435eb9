//! Reading a previous cmplan workbook back (calamine): the status the engineers recorded on the
//! Checklist (and on a Removed tasks sheet), the revision, and the previous plan itself from the
//! hidden `cmplan-plan` sheet.
//!
//! Columns are found by their header text within the first rows, never by position, so a user
//! who inserts or reorders columns loses nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx};

use crate::plan::{Plan, Progress, RecordedTask, TaskStatus};
use crate::workbook_layout::{
    ChecklistRole, RemovedRole, CHECKLIST, PLAN_MARKER, PLAN_SHEET, REMOVED_TASKS, REVISION_LABEL,
    SUMMARY_SHEET,
};

/// How far down a header row is looked for.
const HEADER_SEARCH_ROWS: u32 = 10;

/// What a previous workbook holds for regeneration.
#[derive(Debug, Clone)]
pub struct PreviousWorkbook {
    pub path: PathBuf,
    pub revision: u32,
    pub plan: Plan,
    /// Tasks (and sub-items, `TASK-ID/SUFFIX`) with something recorded, Checklist rows first
    /// (in sheet order), then rows of the Removed tasks sheet not on the Checklist. One entry
    /// per ID.
    pub records: Vec<RecordedTask>,
    /// What the reader had to repair (duplicate rows merged), for the user to see.
    pub warnings: Vec<String>,
    /// Every sheet of the workbook, in order.
    pub sheets: Vec<String>,
    /// Checklist columns a user added and filled in (their header, or `column N`): the new
    /// workbook does not carry them, so the old one must be kept.
    pub added_columns: Vec<String>,
}

/// Why a previous workbook cannot be used. Every variant means: do not replace it.
#[derive(Debug, thiserror::Error)]
pub enum PreviousError {
    #[error("cannot open {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a readable Excel workbook (damaged, or another format): {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} was not written by cmplan: {reason}")]
    NotOurs { path: PathBuf, reason: String },
    #[error("{path} is not read: {reason}")]
    TooLarge { path: PathBuf, reason: String },
    #[error("{path} looks like a cmplan workbook but {reason}")]
    Damaged { path: PathBuf, reason: String },
}

impl PreviousError {
    /// A hint for the person at the keyboard.
    pub fn hint(&self) -> &'static str {
        match self {
            // Windows reports a file open in Excel as a sharing (32) or lock (33) violation.
            PreviousError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied
                    || matches!(source.raw_os_error(), Some(32 | 33)) =>
            {
                "the file is locked or not readable: close it in Excel and run again"
            }
            PreviousError::Io { .. } => "",
            PreviousError::NotOurs { .. } => {
                "if it is another file that happens to have this name, move it away or write the plan to another folder (-o)"
            }
            PreviousError::Unreadable { .. }
            | PreviousError::Damaged { .. }
            | PreviousError::TooLarge { .. } => {
                "if you have an intact copy (an earlier backup such as <name>.rev1.xlsx), pass it with --previous"
            }
        }
    }
}

/// Reads a previous workbook from disk.
pub fn read_previous(path: &Path) -> Result<PreviousWorkbook, PreviousError> {
    let bytes = std::fs::read(path).map_err(|source| PreviousError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_previous_bytes(path, &bytes)
}

/// Reads a previous workbook held in memory; `path` only labels errors.
pub fn read_previous_bytes(path: &Path, bytes: &[u8]) -> Result<PreviousWorkbook, PreviousError> {
    let p = || path.to_path_buf();
    super::bounds::check(bytes).map_err(|reason| PreviousError::TooLarge { path: p(), reason })?;
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| PreviousError::Unreadable {
            path: p(),
            reason: e.to_string(),
        })?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == PLAN_SHEET) {
        return Err(PreviousError::NotOurs {
            path: p(),
            reason: format!("it has no hidden `{PLAN_SHEET}` sheet"),
        });
    }
    let plan_range = book
        .worksheet_range(PLAN_SHEET)
        .map_err(|e| PreviousError::Damaged {
            path: p(),
            reason: format!("its `{PLAN_SHEET}` sheet cannot be read: {e}"),
        })?;
    if cell_text(plan_range.get_value((0, 0))) != PLAN_MARKER {
        return Err(PreviousError::NotOurs {
            path: p(),
            reason: format!("cell A1 of its `{PLAN_SHEET}` sheet is not `{PLAN_MARKER}`"),
        });
    }
    let mut json = String::new();
    let mut row = 1;
    while let Some(Data::String(chunk)) = plan_range.get_value((row, 0)) {
        json.push_str(chunk);
        row += 1;
    }
    let plan: Plan = serde_json::from_str(&json).map_err(|e| PreviousError::Damaged {
        path: p(),
        reason: format!("the plan stored in its `{PLAN_SHEET}` sheet cannot be read: {e}"),
    })?;

    let checklist_sheet = CHECKLIST.sheet;
    if !names.iter().any(|n| n == checklist_sheet) {
        return Err(PreviousError::Damaged {
            path: p(),
            reason: format!("it has no `{checklist_sheet}` sheet"),
        });
    }
    let checklist = book
        .worksheet_range(checklist_sheet)
        .map_err(|e| PreviousError::Damaged {
            path: p(),
            reason: format!("its `{checklist_sheet}` sheet cannot be read: {e}"),
        })?;
    let added_columns = added_columns(&checklist);
    let mut duplicates = Vec::new();
    let mut records = read_status_rows(&checklist, &StatusHeaders::checklist(), &mut duplicates)
        .ok_or_else(|| {
            PreviousError::Damaged {
                path: p(),
                reason: format!(
                    "its `{checklist_sheet}` sheet has no header row with `{}` and `{}` in the first {HEADER_SEARCH_ROWS} rows",
                    CHECKLIST.header(ChecklistRole::Id),
                    CHECKLIST.header(ChecklistRole::Status),
                ),
            }
        })?;

    // Removed tasks kept by an earlier regeneration stay kept: from their sheet (the user may
    // have edited them there), else from the stored plan.
    let mut removed = Vec::new();
    if names.iter().any(|n| n == REMOVED_TASKS.sheet) {
        if let Ok(range) = book.worksheet_range(REMOVED_TASKS.sheet) {
            removed = read_status_rows(&range, &StatusHeaders::removed(), &mut Vec::new())
                .unwrap_or_default();
        }
    }
    for r in &plan.removed_tasks {
        if !removed.iter().any(|x: &RecordedTask| x.id == r.id) {
            removed.push(r.clone());
        }
    }
    for r in removed {
        if !records.iter().any(|x| x.id == r.id) {
            records.push(r);
        }
    }
    // Titles and sites as the previous plan had them, where the sheet lacks them.
    for r in &mut records {
        let task_id = r.id.split_once('/').map_or(r.id.as_str(), |(task, _)| task);
        if let Some(t) = plan.task(task_id) {
            if r.title.is_empty() {
                r.title = match t.items.iter().find(|i| i.id == r.id) {
                    Some(item) => item.text.clone(),
                    None => t.title.clone(),
                };
            }
            if r.site.is_none() {
                r.site = t.site.clone();
            }
        }
    }

    let revision = names
        .iter()
        .any(|n| n == SUMMARY_SHEET)
        .then(|| book.worksheet_range(SUMMARY_SHEET).ok())
        .flatten()
        .and_then(|r| summary_revision(&r))
        .unwrap_or(plan.revision);

    if revision == u32::MAX {
        return Err(PreviousError::Damaged {
            path: p(),
            reason: format!("its revision number {revision} is the last one cmplan can count"),
        });
    }
    let warnings = match duplicates.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "the {} sheet repeats task IDs on these rows; their owners and notes were merged into the first row of each: {}",
            CHECKLIST.sheet,
            duplicates.join(", ")
        )],
    };
    Ok(PreviousWorkbook {
        path: path.to_path_buf(),
        revision,
        plan,
        records,
        warnings,
        sheets: names,
        added_columns,
    })
}

/// The sheet names of a workbook (empty when it cannot be opened).
pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    Xlsx::new(Cursor::new(bytes))
        .map(|book: Xlsx<_>| book.sheet_names())
        .unwrap_or_default()
}

impl PreviousWorkbook {
    /// What a user added that a workbook with the sheets `replacement` would not carry: a sheet
    /// of their own, or a filled-in column on the Checklist. Empty: replacing it loses nothing
    /// but what is carried.
    pub fn added_content(&self, replacement: &[String]) -> Vec<String> {
        let mut out: Vec<String> = self
            .sheets
            .iter()
            .filter(|s| !replacement.contains(s))
            .map(|s| format!("sheet {s}"))
            .collect();
        out.extend(
            self.added_columns
                .iter()
                .map(|c| format!("{} column {c}", CHECKLIST.sheet)),
        );
        out
    }
}

/// The Checklist columns that are not the layout's and hold something below the header row.
fn added_columns(range: &Range<Data>) -> Vec<String> {
    let (Some((r0, c0)), Some((r1, c1))) = (range.start(), range.end()) else {
        return Vec::new();
    };
    let known = CHECKLIST.headers();
    let is_known = |h: &str| known.iter().any(|k| k.eq_ignore_ascii_case(h));
    let Some(header_row) = (r0..=r1.min(r0 + HEADER_SEARCH_ROWS - 1))
        .find(|&r| (c0..=c1).any(|c| is_header(range, r, c, CHECKLIST.header(ChecklistRole::Id))))
    else {
        return Vec::new();
    };
    (c0..=c1)
        .filter_map(|c| {
            let header = cell_text(range.get_value((header_row, c)))
                .trim()
                .to_string();
            if is_known(&header) {
                return None;
            }
            let filled = (header_row + 1..=r1)
                .any(|r| !cell_text(range.get_value((r, c))).trim().is_empty());
            filled.then(|| match header.is_empty() {
                true => format!("column {}", c + 1),
                false => header,
            })
        })
        .collect()
}

/// The header texts the reader looks for on a sheet of tracked rows, from the layout.
struct StatusHeaders {
    id: &'static str,
    status: &'static str,
    owner: &'static str,
    completed_on: &'static str,
    notes: &'static str,
    title: &'static str,
    site: &'static str,
}

impl StatusHeaders {
    fn checklist() -> StatusHeaders {
        let h = |role| CHECKLIST.header(role);
        StatusHeaders {
            id: h(ChecklistRole::Id),
            status: h(ChecklistRole::Status),
            owner: h(ChecklistRole::Owner),
            completed_on: h(ChecklistRole::CompletedOn),
            notes: h(ChecklistRole::Notes),
            title: h(ChecklistRole::Task),
            site: h(ChecklistRole::Site),
        }
    }

    fn removed() -> StatusHeaders {
        let h = |role| REMOVED_TASKS.header(role);
        StatusHeaders {
            id: h(RemovedRole::Id),
            status: h(RemovedRole::Status),
            owner: h(RemovedRole::Owner),
            completed_on: h(RemovedRole::CompletedOn),
            notes: h(RemovedRole::Notes),
            title: h(RemovedRole::Task),
            site: h(RemovedRole::Site),
        }
    }
}

/// The `Revision` row of the Summary sheet (label in A, number in B).
fn summary_revision(range: &Range<Data>) -> Option<u32> {
    let (r0, c0) = range.start()?;
    if c0 > 0 {
        return None;
    }
    let (r1, _) = range.end()?;
    (r0..=r1).find_map(|r| {
        if cell_text(range.get_value((r, 0))).eq_ignore_ascii_case(REVISION_LABEL) {
            match range.get_value((r, 1)) {
                Some(Data::Float(f)) if *f >= 0.0 => Some(*f as u32),
                Some(Data::Int(i)) if *i >= 0 => Some(*i as u32),
                Some(Data::String(s)) => s.trim().parse().ok(),
                _ => None,
            }
        } else {
            None
        }
    })
}

/// Reads every row with something recorded (a status other than Not started, an owner, a
/// completion date or notes). `None` when no header row with `ID` and `Status` is found.
/// Rows repeating an ID already read are merged into it and named in `duplicates`.
fn read_status_rows(
    range: &Range<Data>,
    h: &StatusHeaders,
    duplicates: &mut Vec<String>,
) -> Option<Vec<RecordedTask>> {
    let (r0, c0) = range.start()?;
    let (r1, c1) = range.end()?;
    let header_row = (r0..=r1.min(r0.max(HEADER_SEARCH_ROWS - 1))).find(|&r| {
        (c0..=c1).any(|c| is_header(range, r, c, h.id))
            && (c0..=c1).any(|c| is_header(range, r, c, h.status))
    })?;
    let col = |name: &str| (c0..=c1).find(|&c| is_header(range, header_row, c, name));
    let id_col = col(h.id)?;
    let status_col = col(h.status)?;
    let owner_col = col(h.owner);
    let completed_col = col(h.completed_on);
    let notes_col = col(h.notes);
    let title_col = col(h.title);
    let site_col = col(h.site);
    let text = |r: u32, c: Option<u32>| {
        c.map(|c| cell_text(range.get_value((r, c))).trim().to_string())
            .unwrap_or_default()
    };

    let mut out: Vec<RecordedTask> = Vec::new();
    for r in header_row + 1..=r1 {
        let id = text(r, Some(id_col));
        let raw_status = text(r, Some(status_col));
        let owner = text(r, owner_col);
        let completed_on = completed_col
            .map(|c| cell_date(range.get_value((r, c))))
            .unwrap_or_default();
        let mut notes = text(r, notes_col);
        let status = match TaskStatus::from_label(&raw_status) {
            Some(s) => s,
            None if raw_status.is_empty() => TaskStatus::NotStarted,
            // A status typed by hand that is none of ours: keep the words in the notes.
            None => {
                notes = if notes.is_empty() {
                    format!("[status was: {raw_status}]")
                } else {
                    format!("[status was: {raw_status}] {notes}")
                };
                TaskStatus::NotStarted
            }
        };
        let recorded = status != TaskStatus::NotStarted
            || !owner.is_empty()
            || !completed_on.is_empty()
            || !notes.is_empty();
        if !recorded {
            continue;
        }
        // A row copied to split notes: both rows' owner and notes are kept, merged.
        if let Some(first) = out.iter_mut().find(|x| x.id == id && !id.is_empty()) {
            let p = &mut first.progress;
            if !owner.is_empty() && !p.owner.split("; ").any(|o| o == owner) {
                p.owner = [p.owner.as_str(), owner.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("; ");
            }
            if !notes.is_empty() && p.notes != notes {
                p.notes = if p.notes.is_empty() {
                    notes
                } else {
                    format!("{}\n{notes}", p.notes)
                };
            }
            if p.status == TaskStatus::NotStarted {
                p.status = status;
            }
            if p.completed_on.is_empty() {
                p.completed_on = completed_on;
            }
            duplicates.push(format!("{id} (row {})", r + 1));
            continue;
        }
        // A row the user added without an ID still carries their notes: keep it, named by row.
        let id = if id.is_empty() {
            format!("(row {})", r + 1)
        } else {
            id
        };
        let site = Some(text(r, site_col)).filter(|s| !s.is_empty());
        out.push(RecordedTask {
            id,
            title: text(r, title_col),
            site,
            progress: Progress {
                status,
                owner,
                completed_on,
                notes,
            },
        });
    }
    Some(out)
}

fn is_header(range: &Range<Data>, r: u32, c: u32, name: &str) -> bool {
    cell_text(range.get_value((r, c)))
        .trim()
        .eq_ignore_ascii_case(name)
}

/// A cell as text, as a person would read it.
fn cell_text(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) | Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => {
            s.clone()
        }
        Some(Data::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Some(Data::DateTime(dt)) => excel_date(dt),
        Some(Data::Error(e)) => format!("#{e:?}"),
    }
}

/// A completion date: `YYYY-MM-DD` when Excel holds a date, else the text as entered.
fn cell_date(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::DateTimeIso(s)) if s.len() >= 10 && s.as_bytes()[4] == b'-' => {
            s[..10].to_string()
        }
        other => cell_text(other).trim().to_string(),
    }
}

fn excel_date(dt: &calamine::ExcelDateTime) -> String {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{d:02}")
}
