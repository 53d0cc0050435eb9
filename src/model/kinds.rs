//! The task kinds: a closed vocabulary that the input layer (custom tasks, `[schedule.days]`) and
//! the planner both read, so a misspelt kind cannot compile and neither layer imports the other.

use std::fmt;

/// Where in the plan a kind of task sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Hierarchy decisions, taken once.
    Decisions,
    /// Hierarchy preparation, once.
    Preparation,
    /// Changes that fix readiness findings, each after a backup of what it changes.
    Remediation,
    /// A site's runbook, in its wave.
    SiteRunbook,
    /// Roles, clients, software updates and close-out, after the last site.
    AfterSites,
}

/// What a task of the kind applies to (the suffix of its ID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindScope {
    Hierarchy,
    Site,
    Server,
}

macro_rules! task_kinds {
    ($( $variant:ident = $name:literal, $section:ident, $scope:ident, $catalogue:literal; )*) => {
        /// Every task kind the engine produces.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum TaskKind { $( $variant, )* }

        impl TaskKind {
            /// Every kind, in the order they appear within a scope.
            pub const ALL: &'static [TaskKind] = &[ $( TaskKind::$variant, )* ];

            /// The kind as written in task IDs, `[schedule.days]` and `custom_task.after`.
            pub fn as_str(self) -> &'static str {
                match self { $( TaskKind::$variant => $name, )* }
            }
            pub fn section(self) -> Section {
                match self { $( TaskKind::$variant => Section::$section, )* }
            }
            pub fn scope(self) -> KindScope {
                match self { $( TaskKind::$variant => KindScope::$scope, )* }
            }
            /// The row of the domain reference's task catalogue it implements.
            pub fn catalogue(self) -> &'static str {
                match self { $( TaskKind::$variant => $catalogue, )* }
            }
        }
    };
}

task_kinds! {
    Strategy = "STRATEGY", Decisions, Hierarchy, "SITE-UPG-C (order of sites)";
    PrepMedia = "PREP-MEDIA", Decisions, Hierarchy, "ASSESS-PATH";
    AdSchema = "AD-SCHEMA", Decisions, Hierarchy, "PREP-ADSCHEMA";
    ClientMethod = "CLIENT-METHOD", Decisions, Hierarchy, "CLIENT-UPG";
    UpdatesDesign = "UPDATES-DESIGN", Decisions, Hierarchy, "ITMU-UPG / ROLE-SUP";
    LabRehearsal = "LAB-REHEARSAL", Preparation, Hierarchy, "DB-TEST";
    ChangeFreeze = "CHANGE-FREEZE", Preparation, Hierarchy, "SITE-UPG-C";
    PrepDownload = "PREP-DOWNLOAD", Preparation, Hierarchy, "PREP-DOWNLOAD";
    KeyExchange = "KEY-EXCHANGE", Preparation, Hierarchy, "PREP-KEYX";
    AvExclusions = "AV-EXCLUSIONS", Preparation, Hierarchy, "PREP-SW";
    RemBackup = "REM-BACKUP", Remediation, Site, "PREP-BACKUP";
    SmsSp = "SMS-SP", Remediation, Site, "ASSESS-PATH";
    Legacy = "LEGACY", Remediation, Site, "ASSESS-LEGACY";
    FpRemove = "FP-REMOVE", Remediation, Site, "ASSESS-FP";
    OsUpg = "OS-UPG", Remediation, Server, "PREP-OS";
    Webdav = "WEBDAV", Remediation, Server, "PREP-SW";
    SqlreplOff = "SQLREPL-OFF", Remediation, Server, "ASSESS-SQLREPL";
    SqlUpg = "SQL-UPG", Remediation, Server, "PREP-SQL";
    SqlRights = "SQL-RIGHTS", Remediation, Server, "PREP-PERMS";
    Secmode = "SECMODE", Remediation, Site, "ASSESS-SECMODE";
    Prepare = "PREPARE", SiteRunbook, Site, "PREP-HW … PREP-REBOOT";
    Backup = "BACKUP", SiteRunbook, Site, "PREP-BACKUP / PREP-CUSTOMFILES";
    SiteUpg = "SITE-UPG", SiteRunbook, Site, "SITE-UPG-C / SITE-UPG-P / SITE-UPG-S";
    SiteVerify = "SITE-VERIFY", SiteRunbook, Site, "SITE-VERIFY";
    ItmuClient = "ITMU-CLIENT", SiteRunbook, Site, "ITMU-UPG";
    ItmuUpg = "ITMU-UPG", SiteRunbook, Site, "ITMU-UPG";
    ConsoleUpg = "CONSOLE-UPG", SiteRunbook, Hierarchy, "CONSOLE-UPG";
    PostCheck = "POST-CHECK", SiteRunbook, Site, "POST-CHECK";
    SiteResync = "SITE-RESYNC", SiteRunbook, Site, "SITE-RESYNC";
    RoleSlp = "ROLE-SLP", AfterSites, Site, "ROLE-SLP";
    RoleNew = "ROLE-NEW", AfterSites, Hierarchy, "ROLE-NEW";
    ClientPilot = "CLIENT-PILOT", AfterSites, Hierarchy, "CLIENT-UPG";
    ClientUpg = "CLIENT-UPG", AfterSites, Hierarchy, "CLIENT-UPG";
    RoleSup = "ROLE-SUP", AfterSites, Hierarchy, "ROLE-SUP";
    CloseOut = "CLOSE-OUT", AfterSites, Hierarchy, "POST-CHECK";
}

/// The kind of a company-specific task.
pub const CUSTOM_KIND: &str = "CUSTOM";

/// Kinds of earlier releases, still accepted where a description names a kind (`custom_task.after`,
/// `[schedule.days]`) so that old descriptions stay valid: each maps to the kind that now does
/// its work.
pub const RETIRED_KINDS: &[(&str, TaskKind)] = &[
    ("PREP-ADSCHEMA", TaskKind::AdSchema),
    ("PREP-KEYX", TaskKind::KeyExchange),
    ("KEYX", TaskKind::KeyExchange),
    ("PREP-CUSTOMFILES", TaskKind::Backup),
    ("PREP-BACKUP", TaskKind::Backup),
    ("PREP-DISK-SITE", TaskKind::Prepare),
    ("PREP-HW", TaskKind::Prepare),
    ("PREP-OS", TaskKind::Prepare),
    ("PREP-SW", TaskKind::Prepare),
    ("PREP-OSUPD", TaskKind::Prepare),
    ("PREP-PERMS", TaskKind::Prepare),
    ("PREP-SQLUPD", TaskKind::Prepare),
    ("PREP-SQL", TaskKind::Prepare),
    ("PREP-DISK-DB", TaskKind::Prepare),
    ("DB-TEST", TaskKind::Prepare),
    ("PREP-PREREQ", TaskKind::Prepare),
    ("PREREQ-FIX", TaskKind::Prepare),
    ("PREP-REBOOT", TaskKind::Prepare),
    ("PREREQ-RECHECK", TaskKind::Prepare),
    ("CONSOLE-KEEP", TaskKind::ConsoleUpg),
];

impl TaskKind {
    /// A kind by its name (case-insensitive), a retired name resolving to its successor.
    pub fn from_name(name: &str) -> Option<TaskKind> {
        let name = name.trim();
        TaskKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
            .or_else(|| {
                RETIRED_KINDS
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, k)| *k)
            })
    }

    /// Every name a description may use for a kind: current, retired, and `CUSTOM`.
    pub fn accepted_names() -> Vec<&'static str> {
        let mut v: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
        v.extend(RETIRED_KINDS.iter().map(|(n, _)| *n));
        v.push(CUSTOM_KIND);
        v
    }
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row of the seed checklist (23 rows in order) and the kinds that carry it.
#[derive(Debug, Clone, Copy)]
pub struct SeedRow {
    pub row: u8,
    pub task: &'static str,
    pub kinds: &'static [TaskKind],
}

use TaskKind as K;

#[rustfmt::skip]
pub const SEED_ROWS: &[SeedRow] = &[
    SeedRow { row: 1, task: "Verify that hardware meets installation requirements.", kinds: &[K::Prepare] },
    SeedRow { row: 2, task: "Verify that installed operating system(s) meet installation requirements.", kinds: &[K::Prepare, K::OsUpg] },
    SeedRow { row: 3, task: "Install all required software and services.", kinds: &[K::Prepare, K::Webdav] },
    SeedRow { row: 4, task: "Install the latest Operating System software updates.", kinds: &[K::Prepare] },
    SeedRow { row: 5, task: "Install the latest SQL Server software updates.", kinds: &[K::Prepare, K::SqlUpg] },
    SeedRow { row: 6, task: "Ensure there is adequate disk space for site server installation.", kinds: &[K::Prepare] },
    SeedRow { row: 7, task: "Disk space requirements for site database upgrade (estimated 2 MB additional space per client).", kinds: &[K::Prepare] },
    SeedRow { row: 8, task: "Configure SQL Server properly to host the site database.", kinds: &[K::Prepare] },
    SeedRow { row: 9, task: "Test the existing SMS 2003 site database using the testdbupgrade Setup command-line option.", kinds: &[K::LabRehearsal, K::Prepare] },
    SeedRow { row: 10, task: "Configure SMS 2003 sites to require secure key exchange before beginning the upgrade process.", kinds: &[K::KeyExchange] },
    SeedRow { row: 11, task: "Configure any new site system computers with the appropriate permissions to allow site system installation.", kinds: &[K::Prepare, K::SqlRights] },
    SeedRow { row: 12, task: "Apply Active Directory schema extensions (if applicable).", kinds: &[K::AdSchema] },
    SeedRow { row: 13, task: "Run the Setup Prerequisite Checker on site systems.", kinds: &[K::Prepare] },
    SeedRow { row: 14, task: "Resolve any errors or warnings identified by the Setup Prerequisite Checker (if applicable).", kinds: &[K::Prepare] },
    SeedRow { row: 15, task: "Manually download updated client installation prerequisite files (if the site servers to be upgraded will not have Internet connectivity).", kinds: &[K::PrepDownload] },
    SeedRow { row: 16, task: "Restart site system computers.", kinds: &[K::Prepare] },
    SeedRow { row: 17, task: "Use the Configuration Manager Setup Wizard to upgrade the central site server.", kinds: &[K::SiteUpg] },
    SeedRow { row: 18, task: "Verify that all site systems have been upgraded (uninstalled and reinstalled) successfully.", kinds: &[K::SiteVerify, K::ItmuUpg] },
    SeedRow { row: 19, task: "Use Configuration Manager Setup to upgrade child primary and secondary sites.", kinds: &[K::SiteUpg] },
    SeedRow { row: 20, task: "Install new site systems as necessary.", kinds: &[K::RoleNew, K::RoleSup, K::RoleSlp] },
    SeedRow { row: 21, task: "Run Configuration Manager Setup Wizard to upgrade existing SMS 2003 Administrator consoles.", kinds: &[K::ConsoleUpg] },
    SeedRow { row: 22, task: "Select a client deployment method to upgrade, and if necessary, re-assign clients to new sites.", kinds: &[K::ClientMethod, K::ClientUpg] },
    SeedRow { row: 23, task: "Perform post-upgrade checks.", kinds: &[K::PostCheck] },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_and_resolve_to_themselves() {
        for k in TaskKind::ALL {
            assert_eq!(TaskKind::from_name(k.as_str()), Some(*k));
            assert_eq!(
                TaskKind::ALL
                    .iter()
                    .filter(|x| x.as_str() == k.as_str())
                    .count(),
                1
            );
            assert!(RETIRED_KINDS.iter().all(|(n, _)| *n != k.as_str()));
        }
        assert_eq!(TaskKind::from_name("prep-backup"), Some(TaskKind::Backup));
        assert_eq!(TaskKind::from_name("PREP-BACKUPS"), None);
    }

    #[test]
    fn the_seed_checklist_has_23_rows_in_order() {
        assert_eq!(SEED_ROWS.len(), 23);
        for (n, row) in SEED_ROWS.iter().enumerate() {
            assert_eq!(row.row as usize, n + 1);
            assert!(!row.kinds.is_empty());
        }
    }
}
