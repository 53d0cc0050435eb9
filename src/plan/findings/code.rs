//! The typed rule codes: each finding's stable code with its metadata (title, usual severity,
//! source and rule), and what `cmplan explain` and docs/rules.md say about it.

use std::fmt;

use crate::plan::model::Severity::{self, Blocker, Info, Warning};

/// A readiness rule. The code string (`CHK-…`) is stable: users' scripts, custom tasks and the
/// JSON plan rely on it, so a code is never reused for another rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleCode {
    Path,
    Secmode,
    Legacy,
    FeaturePacks,
    SqlReplication,
    SqlVersion,
    Os,
    MpWebdav,
    DpBits,
    ClientAccessPoint,
    KeyExchange,
    Schema,
    ServerLocatorPoint,
    DiskServer,
    Capacity,
    Parent,
    Upgraded,
    MixedMode,
    Custom,
    SecurityUnderStandard,
    Sms20Child,
    UpdatePointParent,
    NoManagementPoint,
}

/// Codes of earlier releases: still understood wherever a user may write one (`explain`), and
/// mapped to the rule that now reports what they did.
pub const RETIRED: &[(&str, RuleCode, &str)] = &[
    (
        "CHK-DISK-SITE",
        RuleCode::DiskServer,
        "The site server's own free disk is now one part of the server's combined disk need.",
    ),
    (
        "CHK-DISK-DB",
        RuleCode::DiskServer,
        "The database growth is now one part of the server's combined disk need.",
    ),
];

/// What a rule is, for the plan and for `cmplan explain`.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: &'static str,
    pub title: &'static str,
    /// The severity the rule usually carries; a finding may be milder.
    pub severity: Severity,
    /// Source id (src/plan/sources.rs).
    pub source: &'static str,
    /// Rule id of the domain reference, kept in the JSON `rule` field.
    pub rule: &'static str,
    /// What it checks and what follows from it, in a sentence or two.
    pub meaning: &'static str,
}

impl RuleCode {
    /// Every rule, in catalogue order.
    pub const ALL: &'static [RuleCode] = &[
        RuleCode::Path,
        RuleCode::Secmode,
        RuleCode::Legacy,
        RuleCode::FeaturePacks,
        RuleCode::SqlReplication,
        RuleCode::SqlVersion,
        RuleCode::Os,
        RuleCode::MpWebdav,
        RuleCode::DpBits,
        RuleCode::ClientAccessPoint,
        RuleCode::KeyExchange,
        RuleCode::Schema,
        RuleCode::ServerLocatorPoint,
        RuleCode::DiskServer,
        RuleCode::Capacity,
        RuleCode::Parent,
        RuleCode::Upgraded,
        RuleCode::MixedMode,
        RuleCode::Custom,
        RuleCode::SecurityUnderStandard,
        RuleCode::Sms20Child,
        RuleCode::UpdatePointParent,
        RuleCode::NoManagementPoint,
    ];

    pub const fn info(self) -> RuleInfo {
        const fn r(
            code: &'static str,
            title: &'static str,
            severity: Severity,
            source: &'static str,
            rule: &'static str,
            meaning: &'static str,
        ) -> RuleInfo {
            RuleInfo {
                code,
                title,
                severity,
                source,
                rule,
                meaning,
            }
        }
        match self {
            RuleCode::Path => r("CHK-PATH", "Supported upgrade path", Blocker, "S3", "R1.1",
                "Every site to be upgraded runs SMS 2003 SP2 or later (SP3 for SP2 media); an SMS 2.0 site cannot be upgraded at all. The fix is the SMS service pack (or an SMS 2003 upgrade) before the site's database test and upgrade; a child below SP2 also holds up its parent's upgrade."),
            RuleCode::Secmode => r("CHK-SECMODE", "Advanced security on the site and its direct children", Blocker, "S3", "R3.2",
                "A site and all its direct children run advanced security before the site is upgraded. The switch is its own change, after a backup, and cannot be undone except by site recovery."),
            RuleCode::Legacy => r("CHK-LEGACY", "No Legacy Clients", Blocker, "S3", "R3.3",
                "Legacy Clients are upgraded to the SMS 2003 Advanced Client (or retired) before the site they are assigned to is upgraded."),
            RuleCode::FeaturePacks => r("CHK-FP", "No feature packs except ITMU", Blocker, "S3", "R3.6",
                "SMS 2003 feature packs other than the Inventory Tool for Microsoft Updates are uninstalled before the upgrade."),
            RuleCode::SqlReplication => r("CHK-SQLREPL", "Site database not replicated", Blocker, "S3", "R3.5",
                "SQL Server replication of a site database is disabled before the database is copied for the upgrade test and before the upgrade."),
            RuleCode::SqlVersion => r("CHK-SQLVER", "Supported SQL Server version", Blocker, "S12", "R2.9",
                "The site database runs on SQL Server 2005 (the service-pack level is a stated assumption); SQL Server 2008 needs the SP1 complete release of Configuration Manager 2007."),
            RuleCode::Os => r("CHK-OS", "Supported operating system", Blocker, "S8", "R2.1",
                "Site servers and site systems run Windows Server 2003 SP1 or later; Windows 2000 hosts no site server and no role other than the site database server; Windows Server 2008 needs SP1 (or later) media."),
            RuleCode::MpWebdav => r("CHK-MP-WEB", "WebDAV on management points (remote ones included)", Blocker, "S3", "R3.4",
                "Every management point has the IIS WebDAV extension before its site is upgraded; Setup's prerequisite checker does not check remote management points."),
            RuleCode::DpBits => r("CHK-DP-BITS", "IIS, WebDAV and BITS on BITS-enabled distribution points", Blocker, "S29", "R2.15",
                "BITS-enabled distribution points have IIS with the WebDAV and BITS server extensions before their site is upgraded."),
            RuleCode::ClientAccessPoint => r("CHK-CAP", "Client access points do not exist in Configuration Manager 2007", Warning, "S28", "R3.3",
                "The upgrade removes client access points; the Legacy Clients that use one are upgraded first."),
            RuleCode::KeyExchange => r("CHK-KEYX", "Public keys exchanged by hand", Warning, "S40", "R3.9",
                "When sites cannot verify each other's public keys through Active Directory (schema not extended, sites not publishing), the keys of every parent/child pair are exchanged by hand once secure key exchange is required. A preparation step, not a defect: one task with an item per pair."),
            RuleCode::Schema => r("CHK-SCHEMA", "Active Directory schema extended for Configuration Manager 2007", Warning, "S8", "R3.10",
                "The schema extension is optional but decides how clients find their site and how sites verify keys; an SMS 2003 extension is updated for Configuration Manager 2007."),
            RuleCode::ServerLocatorPoint => r("CHK-SLP", "Server locator point while the schema is not extended", Warning, "S25", "R7.4",
                "Without the schema extension, upgraded clients need a server locator point to find their site: one is installed at the central site before any client is upgraded."),
            RuleCode::DiskServer => r("CHK-DISK-SERVER", "Free disk for everything one computer holds (site server and databases together)", Warning, "S1", "D5.1",
                "What the upgrade takes from one computer's free space adds up: the site-server install, the database growth of each site it hosts and the headroom for log, tempdb and autogrowth are compared, together, with the free space."),
            RuleCode::Capacity => r("CHK-CAPACITY", "Capacity maximums", Warning, "S30", "R2.7",
                "Clients per hierarchy, per primary site, per management point and per distribution point, and secondaries per primary, stay within the supported maximums."),
            RuleCode::Parent => r("CHK-PARENT", "Parent already on Configuration Manager 2007", Warning, "S2", "R4.2",
                "A Configuration Manager 2007 site may not report to an SMS 2003 parent: the parent is upgraded first."),
            RuleCode::Upgraded => r("CHK-UPGRADED", "Site already on Configuration Manager 2007", Info, "S7", "§1",
                "A site that already runs Configuration Manager 2007 gets no upgrade tasks (a later service pack is applied separately)."),
            RuleCode::MixedMode => r("CHK-MIXEDMODE", "Mixed mode during the upgrade", Info, "S31", "R2.19",
                "Sites stay in mixed mode while they serve SMS 2003 clients or have a mixed-mode parent."),
            RuleCode::Custom => r("CHK-CUSTOM", "Company-specific task not placed", Info, "S1", "§9",
                "A custom task whose `after` or `before` kind has no task in this plan for its scope is left out, and said so."),
            RuleCode::SecurityUnderStandard => r("CHK-SECPARENT", "Advanced-security site under a standard-security parent", Warning, "S43", "K12",
                "A site in advanced security cannot report to a parent in standard security, so a description with that shape is inconsistent: the planner checks both sites' security mode in Site Properties and corrects the description. Not an input error: the plan is still made."),
            RuleCode::Sms20Child => r("CHK-SMS20-CHILD", "SMS 2.0 child under a site being upgraded", Blocker, "S5", "K14",
                "Configuration Manager 2007 interoperates with SMS 2003 sites, not SMS 2.0: a parent's upgrade waits until its SMS 2.0 child runs SMS 2003 SP2 or later (or is decommissioned or replaced side by side)."),
            RuleCode::UpdatePointParent => r("CHK-SUP-PARENT", "Software update point at the parent first", Warning, "S44", "K15",
                "A child's software update point synchronises from its parent's: where a site that uses the ITMU gets one and its parent would not, the plan installs one at the parent first."),
            RuleCode::NoManagementPoint => r("CHK-NO-MP", "Site with clients and no management point described", Warning, "S29", "glossary (MP)",
                "Advanced Clients need a management point at the primary site they are assigned to. When the description names none for a site with clients, the planner adds it (server.roles), so that the plan checks its IIS and WebDAV before the upgrade, or records why the site has none."),
        }
    }

    pub const fn as_str(self) -> &'static str {
        self.info().code
    }

    /// The rule with this code (case-insensitive); a retired code gives the rule that now
    /// reports what it did.
    pub fn parse(code: &str) -> Option<RuleCode> {
        let code = code.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(code))
            .or_else(|| {
                RETIRED
                    .iter()
                    .find(|(old, _, _)| old.eq_ignore_ascii_case(code))
                    .map(|&(_, now, _)| now)
            })
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
