//! What the SMS 2003 site database says, in cmplan's words: site versions (KB 832103), SQL Server
//! product versions, operating system captions and SMS role names.

use crate::model::{OsVersion, Role, SiteVersion, SqlVersion};

/// A version string split into its four numbers (`2.50.4160.2000` → [2, 50, 4160, 2000]);
/// with `three_ok`, a missing fourth is 0 (SQL Server 2000 says `8.00.2039`).
fn four_numbers(text: &str, three_ok: bool) -> Option<[u32; 4]> {
    let mut parts = text.trim().split('.');
    let mut out = [0u32; 4];
    for (i, slot) in out.iter_mut().enumerate() {
        let Some(part) = parts.next() else {
            if i == 3 && three_ok {
                break;
            }
            return None;
        };
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 9 {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Why a version string was not understood, for the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionProblem {
    /// Not four dot-separated numbers.
    Malformed,
    /// Four numbers, but not a product or service pack cmplan knows.
    Unknown,
}

/// `v_Site.Version` → the site's version. SMS 2003 is 2.50.*, and the first digit of the last
/// four (KB 832103) is the service pack: 2.50.2726.0000 is RTM, 2.50.4160.2000 is SP2. SMS 2.0 is
/// 2.00.*; Configuration Manager 2007 (4.00.*) follows the same last-four rule.
pub fn site_version(text: &str) -> Result<SiteVersion, VersionProblem> {
    let [major, minor, _build, revision] =
        four_numbers(text, false).ok_or(VersionProblem::Malformed)?;
    // The revision is written with four digits; its first is the service pack.
    let service_pack = revision / 1000;
    match (major, minor) {
        (2, 0) => Ok(SiteVersion::Sms20),
        (2, 50) => match service_pack {
            0 => Ok(SiteVersion::Sms2003Rtm),
            1 => Ok(SiteVersion::Sms2003Sp1),
            2 => Ok(SiteVersion::Sms2003Sp2),
            3 => Ok(SiteVersion::Sms2003Sp3),
            _ => Err(VersionProblem::Unknown),
        },
        (4, 0) => match service_pack {
            0 => Ok(SiteVersion::ConfigMgr2007Rtm),
            1 => Ok(SiteVersion::ConfigMgr2007Sp1),
            2 => Ok(SiteVersion::ConfigMgr2007Sp2),
            _ => Err(VersionProblem::Unknown),
        },
        _ => Err(VersionProblem::Unknown),
    }
}

/// The SQL Server builds cmplan knows, oldest first within each product: `(major, minor, first
/// build of that level, version)`. A build between two levels (a hotfix) counts as the lower one.
const SQL_BUILDS: &[(u32, u32, u32, SqlVersion)] = &[
    (8, 0, 760, SqlVersion::Sql2000Sp3a),
    (8, 0, 2039, SqlVersion::Sql2000Sp4),
    (9, 0, 1399, SqlVersion::Sql2005Rtm),
    (9, 0, 2047, SqlVersion::Sql2005Sp1),
    (9, 0, 3042, SqlVersion::Sql2005Sp2),
    (9, 0, 4035, SqlVersion::Sql2005Sp3),
    (9, 0, 5000, SqlVersion::Sql2005Sp4),
    (10, 0, 1600, SqlVersion::Sql2008Rtm),
    (10, 0, 2531, SqlVersion::Sql2008Sp1),
    (10, 0, 4000, SqlVersion::Sql2008Sp2),
    (10, 50, 0, SqlVersion::Sql2008R2),
];

/// A mapped SQL Server version, and whether the build was older than the oldest level cmplan
/// knows for that product (SQL Server 2000 before SP3a): then the oldest is assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlMapped {
    pub version: SqlVersion,
    pub older_than_known: bool,
}

/// `SERVERPROPERTY('ProductVersion')` (e.g. `9.00.3042.00`) → cmplan's SQL version.
pub fn sql_version(text: &str) -> Result<SqlMapped, VersionProblem> {
    let [major, minor, build, _] = four_numbers(text, true).ok_or(VersionProblem::Malformed)?;
    let levels: Vec<_> = SQL_BUILDS
        .iter()
        .filter(|(ma, mi, _, _)| *ma == major && *mi == minor)
        .collect();
    let first = levels.first().ok_or(VersionProblem::Unknown)?;
    match levels.iter().rev().find(|(_, _, from, _)| build >= *from) {
        Some(level) => Ok(SqlMapped {
            version: level.3,
            older_than_known: false,
        }),
        None => Ok(SqlMapped {
            version: first.3,
            older_than_known: true,
        }),
    }
}

/// `Win32_OperatingSystem` Caption + CSDVersion (+ OtherTypeDescription, where R2 shows) → the
/// operating system, or `None` when cmplan has no word for it.
pub fn os_version(caption: &str, csd: &str, other: &str) -> Option<OsVersion> {
    let caption = caption.to_ascii_lowercase();
    let r2 = caption.contains("r2") || other.to_ascii_lowercase().contains("r2");
    let sp = service_pack_number(csd);
    if caption.contains("2000") {
        return (sp >= 4).then_some(OsVersion::Windows2000Sp4);
    }
    if caption.contains("2003") {
        return Some(match (r2, sp) {
            (true, sp) if sp >= 2 => OsVersion::Windows2003R2Sp2,
            (true, _) => OsVersion::Windows2003R2,
            (false, 0) => OsVersion::Windows2003Rtm,
            (false, 1) => OsVersion::Windows2003Sp1,
            (false, _) => OsVersion::Windows2003Sp2,
        });
    }
    if caption.contains("2008") {
        return Some(if r2 {
            OsVersion::Windows2008R2
        } else if sp >= 2 {
            OsVersion::Windows2008Sp2
        } else {
            OsVersion::Windows2008
        });
    }
    None
}

/// "Service Pack 2" → 2; blank → 0.
fn service_pack_number(csd: &str) -> u32 {
    csd.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// What an SMS 2003 role name (`v_SystemResourceList.RoleName`) means for the description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleMeaning {
    /// A site system role the description lists under `server.roles`.
    Role(Role),
    /// The site server (the description names it in `site.site_server`).
    SiteServer,
    /// The site database server (`site.database_server`).
    DatabaseServer,
    /// Known, and nothing to write: every site system has "SMS Site System"; the SMS Provider
    /// and component servers are not planned separately.
    Nothing,
}

/// The SMS 2003 role names and their meaning; compared ignoring case.
pub const ROLE_NAMES: &[(&str, RoleMeaning)] = &[
    (
        "SMS Management Point",
        RoleMeaning::Role(Role::ManagementPoint),
    ),
    (
        "SMS Distribution Point",
        RoleMeaning::Role(Role::DistributionPoint),
    ),
    (
        "SMS Server Locator Point",
        RoleMeaning::Role(Role::ServerLocatorPoint),
    ),
    (
        "SMS Reporting Point",
        RoleMeaning::Role(Role::ReportingPoint),
    ),
    (
        "SMS Client Access Point",
        RoleMeaning::Role(Role::ClientAccessPoint),
    ),
    ("SMS Site Server", RoleMeaning::SiteServer),
    ("SMS SQL Server", RoleMeaning::DatabaseServer),
    ("SMS Site System", RoleMeaning::Nothing),
    ("SMS Provider", RoleMeaning::Nothing),
    ("SMS Component Server", RoleMeaning::Nothing),
];

pub fn role(name: &str) -> Option<RoleMeaning> {
    ROLE_NAMES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name.trim()))
        .map(|(_, meaning)| *meaning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_versions_follow_kb_832103() {
        assert_eq!(site_version("2.50.2726.0000"), Ok(SiteVersion::Sms2003Rtm));
        assert_eq!(site_version("2.50.3174.1018"), Ok(SiteVersion::Sms2003Sp1));
        assert_eq!(site_version("2.50.4160.2000"), Ok(SiteVersion::Sms2003Sp2));
        assert_eq!(site_version("2.50.4253.3000"), Ok(SiteVersion::Sms2003Sp3));
        assert_eq!(site_version("2.00.1493.4000"), Ok(SiteVersion::Sms20));
        assert_eq!(
            site_version("4.00.6221.1000"),
            Ok(SiteVersion::ConfigMgr2007Sp1)
        );
        assert_eq!(site_version("2.50"), Err(VersionProblem::Malformed));
        assert_eq!(site_version("2.50.x.0000"), Err(VersionProblem::Malformed));
        assert_eq!(site_version("2.50.9999.7000"), Err(VersionProblem::Unknown));
        assert_eq!(site_version("3.00.1.0000"), Err(VersionProblem::Unknown));
    }

    #[test]
    fn sql_builds_map_to_the_level_at_or_below() {
        let v = |s| sql_version(s).map(|m| (m.version, m.older_than_known));
        assert_eq!(v("8.00.2039"), Ok((SqlVersion::Sql2000Sp4, false)));
        assert_eq!(v("8.00"), Err(VersionProblem::Malformed));
        assert_eq!(v("8.00.2039.0"), Ok((SqlVersion::Sql2000Sp4, false)));
        assert_eq!(v("8.00.760.0"), Ok((SqlVersion::Sql2000Sp3a, false)));
        assert_eq!(v("8.00.534.0"), Ok((SqlVersion::Sql2000Sp3a, true)));
        assert_eq!(v("9.00.3042.00"), Ok((SqlVersion::Sql2005Sp2, false)));
        assert_eq!(v("9.00.3186.00"), Ok((SqlVersion::Sql2005Sp2, false)));
        assert_eq!(v("9.00.2047.00"), Ok((SqlVersion::Sql2005Sp1, false)));
        assert_eq!(v("10.50.1600.1"), Ok((SqlVersion::Sql2008R2, false)));
        assert_eq!(v("7.00.623.0"), Err(VersionProblem::Unknown));
    }

    #[test]
    fn operating_systems_from_caption_and_service_pack() {
        let os = |c, s| os_version(c, s, "");
        assert_eq!(
            os(
                "Microsoft(R) Windows(R) Server 2003, Standard Edition",
                "Service Pack 2"
            ),
            Some(OsVersion::Windows2003Sp2)
        );
        assert_eq!(
            os(
                "Microsoft Windows Server 2003 R2 Enterprise Edition",
                "Service Pack 2"
            ),
            Some(OsVersion::Windows2003R2Sp2)
        );
        assert_eq!(
            os_version("Microsoft Windows Server 2003", "", "R2"),
            Some(OsVersion::Windows2003R2)
        );
        assert_eq!(
            os("Microsoft Windows 2000 Server", "Service Pack 4"),
            Some(OsVersion::Windows2000Sp4)
        );
        assert_eq!(os("Microsoft Windows 2000 Server", "Service Pack 3"), None);
        assert_eq!(os("Microsoft Windows NT Server", ""), None);
    }

    #[test]
    fn role_names_ignore_case() {
        assert_eq!(
            role("sms management point"),
            Some(RoleMeaning::Role(Role::ManagementPoint))
        );
        assert_eq!(role("SMS Fallback Status Point"), None);
    }
}
