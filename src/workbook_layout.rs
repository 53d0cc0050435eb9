//! The tracking workbook's layout: sheet names, and for every table sheet its columns in order,
//! each with its header text, its widest width and the role it plays. One definition, read by
//! the writer (`render::xlsx`), by the reader that carries recorded status into the next revision
//! (`regen::workbook`) and by the tests.
//!
//! The reader finds columns by header text, never by position, so a workbook written with an
//! earlier column order (or one where a user moved columns) still carries its status: header
//! texts are the contract, positions are not.

/// One column of a table sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column<R> {
    /// The text in the header row; the reader looks columns up by it (case-insensitive).
    pub header: &'static str,
    /// The widest the column gets, in Excel width units (the width of a digit). The writer
    /// narrows a column to its content, never below what the header's longest word needs.
    pub width: f64,
    pub role: R,
}

/// The columns of one sheet, in order.
#[derive(Debug, Clone, Copy)]
pub struct Table<R: 'static> {
    pub sheet: &'static str,
    pub columns: &'static [Column<R>],
}

impl<R: Copy + PartialEq + std::fmt::Debug> Table<R> {
    /// 0-based position of the column with `role`. The tables are constants, so a missing role
    /// is a programming error (the tests walk every role).
    pub fn col(&self, role: R) -> u16 {
        self.columns
            .iter()
            .position(|c| c.role == role)
            .unwrap_or_else(|| panic!("{:?} is not a column of {}", role, self.sheet))
            as u16
    }

    pub fn header(&self, role: R) -> &'static str {
        self.columns[self.col(role) as usize].header
    }

    pub fn headers(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.header).collect()
    }

    /// The column letter(s) of `role`, e.g. `C`.
    pub fn letter(&self, role: R) -> String {
        column_letter(self.col(role))
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

const fn c<R>(header: &'static str, width: f64, role: R) -> Column<R> {
    Column {
        header,
        width,
        role,
    }
}

// Header texts shared by the Checklist and the Removed tasks sheet: the reader looks for the same
// words on both.
pub const ID: &str = "ID";
pub const TASK: &str = "Task";
pub const STATUS: &str = "Status";
pub const OWNER: &str = "Owner";
pub const COMPLETED_ON: &str = "Completed on";
pub const NOTES: &str = "Notes";
pub const SITE: &str = "Site";

/// What a Checklist column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistRole {
    Id,
    Task,
    Status,
    Owner,
    CompletedOn,
    Notes,
    Site,
    Server,
    Wave,
    Phase,
    DependsOn,
    ExpectedResult,
    Details,
    Reference,
    PlannedStart,
    PlannedEnd,
    CriticalPath,
}

impl ChecklistRole {
    /// Columns written only when the plan has a schedule (`plan.start`); they come last.
    pub fn needs_schedule(self) -> bool {
        matches!(
            self,
            ChecklistRole::PlannedStart | ChecklistRole::PlannedEnd | ChecklistRole::CriticalPath
        )
    }
}

/// The sheet engineers track the upgrade in. What a person ticks comes first (ID, task, and the
/// four columns they fill in), then where and when, then the explanation.
pub const CHECKLIST: Table<ChecklistRole> = Table {
    sheet: "Checklist",
    columns: &[
        c(ID, 24.0, ChecklistRole::Id),
        c(TASK, 44.0, ChecklistRole::Task),
        c(STATUS, 12.0, ChecklistRole::Status),
        c(OWNER, 14.0, ChecklistRole::Owner),
        c(COMPLETED_ON, 12.0, ChecklistRole::CompletedOn),
        c(NOTES, 28.0, ChecklistRole::Notes),
        c(SITE, 6.0, ChecklistRole::Site),
        c("Server", 14.0, ChecklistRole::Server),
        c("Wave", 6.0, ChecklistRole::Wave),
        c("Phase", 22.0, ChecklistRole::Phase),
        c("Depends on", 26.0, ChecklistRole::DependsOn),
        c("Expected result", 36.0, ChecklistRole::ExpectedResult),
        c("Details", 70.0, ChecklistRole::Details),
        c("Reference", 30.0, ChecklistRole::Reference),
        c("Planned start", 11.0, ChecklistRole::PlannedStart),
        c("Planned end", 11.0, ChecklistRole::PlannedEnd),
        c("Critical path", 9.0, ChecklistRole::CriticalPath),
    ],
};

/// What a Removed tasks column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovedRole {
    Id,
    Task,
    Status,
    Owner,
    CompletedOn,
    Notes,
    Site,
}

/// Tasks of earlier revisions that are gone from the plan but had something recorded.
pub const REMOVED_TASKS: Table<RemovedRole> = Table {
    sheet: "Removed tasks",
    columns: &[
        c(ID, 26.0, RemovedRole::Id),
        c(TASK, 42.0, RemovedRole::Task),
        c(SITE, 6.0, RemovedRole::Site),
        c(STATUS, 12.0, RemovedRole::Status),
        c(OWNER, 16.0, RemovedRole::Owner),
        c(COMPLETED_ON, 12.0, RemovedRole::CompletedOn),
        c(NOTES, 40.0, RemovedRole::Notes),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRole {
    Code,
    Name,
    Type,
    Parent,
    Version,
    Clients,
    LegacyClients,
    SubtreeClients,
    DatabaseGrowth,
    SqlServer,
    SqlFree,
    SqlShortfall,
    SiteServer,
    Security,
    Blockers,
    AlreadyUpgraded,
    Formula,
}

pub const SITES: Table<SiteRole> = Table {
    sheet: "Sites",
    columns: &[
        c("Code", 6.0, SiteRole::Code),
        c("Name", 28.0, SiteRole::Name),
        c("Type", 10.0, SiteRole::Type),
        c("Parent", 7.0, SiteRole::Parent),
        c("Version", 18.0, SiteRole::Version),
        c("Clients", 9.0, SiteRole::Clients),
        c("Legacy clients", 9.0, SiteRole::LegacyClients),
        c("Subtree clients", 9.0, SiteRole::SubtreeClients),
        c("Database growth MB", 10.0, SiteRole::DatabaseGrowth),
        c("SQL Server", 16.0, SiteRole::SqlServer),
        c("SQL free MB", 10.0, SiteRole::SqlFree),
        c("SQL shortfall MB", 10.0, SiteRole::SqlShortfall),
        c("Site server", 16.0, SiteRole::SiteServer),
        c("Security", 10.0, SiteRole::Security),
        c("Blockers", 9.0, SiteRole::Blockers),
        c("Already upgraded", 9.0, SiteRole::AlreadyUpgraded),
        c("How the estimate is made", 60.0, SiteRole::Formula),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlRole {
    Name,
    Sites,
    Version,
    DatabaseGrowth,
    Free,
    Shortfall,
    Formula,
}

pub const SQL_SERVERS: Table<SqlRole> = Table {
    sheet: "SQL Servers",
    columns: &[
        c("Name", 18.0, SqlRole::Name),
        c("Site databases", 20.0, SqlRole::Sites),
        c("SQL Server version", 16.0, SqlRole::Version),
        c("Database growth MB", 10.0, SqlRole::DatabaseGrowth),
        c("Free MB", 10.0, SqlRole::Free),
        c("Shortfall MB", 10.0, SqlRole::Shortfall),
        c("How the estimate is made", 70.0, SqlRole::Formula),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskRole {
    Server,
    Part,
    Mb,
    Free,
    Shortfall,
}

/// What the upgrade takes from each computer's free space: one row per part, then the server's
/// sum with its free space and shortfall. Every row names its server, so a filter on it shows one
/// computer whole.
pub const DISK: Table<DiskRole> = Table {
    sheet: "Disk",
    columns: &[
        c("Server", 16.0, DiskRole::Server),
        c("What the upgrade takes", 60.0, DiskRole::Part),
        c("MB", 10.0, DiskRole::Mb),
        c("Free MB", 10.0, DiskRole::Free),
        c("Shortfall MB", 10.0, DiskRole::Shortfall),
    ],
};

/// The Part cell of a server's sum row on the [`DISK`] sheet.
pub const DISK_SUM_LABEL: &str = "Needed: the sum of the parts";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingRole {
    Code,
    Severity,
    Site,
    Server,
    Message,
    Source,
    RemediationTask,
}

pub const FINDINGS: Table<FindingRole> = Table {
    sheet: "Findings",
    columns: &[
        c("Code", 18.0, FindingRole::Code),
        c("Severity", 9.0, FindingRole::Severity),
        c(SITE, 6.0, FindingRole::Site),
        c("Server", 16.0, FindingRole::Server),
        c("Message", 70.0, FindingRole::Message),
        // Wide enough for a source's title on one line: LibreOffice does not wrap a link's text.
        c("Source", 64.0, FindingRole::Source),
        c("Remediation task", 26.0, FindingRole::RemediationTask),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssumptionRole {
    Key,
    Value,
    Why,
    Override,
}

/// The values the plan assumes (no Microsoft source), each with how to change it.
pub const ASSUMPTIONS: Table<AssumptionRole> = Table {
    sheet: "Assumptions",
    columns: &[
        c("Assumption", 22.0, AssumptionRole::Key),
        c("Value", 32.0, AssumptionRole::Value),
        c("Why", 60.0, AssumptionRole::Why),
        c("How to override", 40.0, AssumptionRole::Override),
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRole {
    Category,
    Subject,
    Description,
}

/// Its header row is row 2: row 1 says which revisions are compared.
pub const CHANGES: Table<ChangeRole> = Table {
    sheet: "Changes",
    columns: &[
        c("Category", 18.0, ChangeRole::Category),
        c("Subject", 26.0, ChangeRole::Subject),
        c("Description", 90.0, ChangeRole::Description),
    ],
};

/// Title block and totals; its `Revision` row (label in A, number in B) is read back.
pub const SUMMARY_SHEET: &str = "Summary";
/// The label of the Summary row holding the revision number.
pub const REVISION_LABEL: &str = "Revision";
/// Hidden sheet holding the plan's JSON, so a regeneration can diff against this revision.
pub const PLAN_SHEET: &str = "cmplan-plan";
/// Cell A1 of [`PLAN_SHEET`]: identifies the format of the chunks below it.
pub const PLAN_MARKER: &str = "cmplan-plan-json v1";
/// The plan JSON is split into chunks of at most this many characters (A2, A3, …): below the
/// 16,384 at which LibreOffice breaks a cell's text when it saves the workbook.
pub const PLAN_CHUNK_CHARS: usize = 15_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn headers_are_unique_within_a_sheet_and_schedule_columns_come_last() {
        fn unique<R>(t: &Table<R>) {
            let mut seen = std::collections::HashSet::new();
            for col in t.columns {
                assert!(
                    seen.insert(col.header.to_lowercase()),
                    "{}: {}",
                    t.sheet,
                    col.header
                );
            }
        }
        unique(&CHECKLIST);
        unique(&REMOVED_TASKS);
        unique(&SITES);
        unique(&SQL_SERVERS);
        unique(&DISK);
        unique(&FINDINGS);
        unique(&ASSUMPTIONS);
        unique(&CHANGES);
        let first_scheduled = CHECKLIST
            .columns
            .iter()
            .position(|c| c.role.needs_schedule())
            .unwrap();
        assert!(CHECKLIST.columns[first_scheduled..]
            .iter()
            .all(|c| c.role.needs_schedule()));
    }

    #[test]
    fn the_person_ticking_finds_their_columns_first() {
        assert_eq!(
            &CHECKLIST.headers()[..6],
            &[ID, TASK, STATUS, OWNER, COMPLETED_ON, NOTES]
        );
        assert_eq!(CHECKLIST.letter(ChecklistRole::Status), "C");
    }
}
