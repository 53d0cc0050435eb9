//! The validated environment: what `input::validate()` produces and what the planner reads.
//!
//! Everything here is already checked: site codes are well formed and unique, every reference
//! resolves, the sites form one tree under a primary central site. Sites are held in canonical
//! pre-order (children sorted by site code) and servers sorted by name, so that the plan does not
//! depend on the order in which the description lists them.

use std::collections::BTreeMap;
use std::fmt;

pub mod kinds;

pub use kinds::{KindScope, Section, SeedRow, TaskKind, CUSTOM_KIND, SEED_ROWS};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A three-character site code (A–Z, 0–9), upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SiteCode(String);

impl SiteCode {
    /// Accepts exactly three characters A–Z / 0–9 (upper case, as SMS writes them).
    pub fn parse(s: &str) -> Option<SiteCode> {
        let ok = s.len() == 3
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        ok.then(|| SiteCode(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Defines a closed, lower-case-kebab enumeration as the contract lists it, with its accepted
/// spellings in one place (used by the input layer for "expected one of …" hints and by the schema).
macro_rules! kebab_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }
        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($text),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kebab_enum!(
    /// Configuration Manager 2007 media used for the upgrade.
    TargetMedia { Rtm => "rtm", Sp1 => "sp1", Sp2 => "sp2" }
);
kebab_enum!(
    /// State of the Active Directory schema extensions.
    SchemaExtension { None => "none", Sms2003 => "sms2003", ConfigMgr2007 => "configmgr2007" }
);
kebab_enum!(
    SiteType { Primary => "primary", Secondary => "secondary" }
);
kebab_enum!(
    /// What a site runs today.
    SiteVersion {
        Sms20 => "sms2.0",
        Sms2003Rtm => "sms2003-rtm",
        Sms2003Sp1 => "sms2003-sp1",
        Sms2003Sp2 => "sms2003-sp2",
        Sms2003Sp3 => "sms2003-sp3",
        ConfigMgr2007Rtm => "configmgr2007-rtm",
        ConfigMgr2007Sp1 => "configmgr2007-sp1",
        ConfigMgr2007Sp2 => "configmgr2007-sp2",
    }
);
kebab_enum!(
    /// SMS 2003 security mode.
    SecurityMode { Standard => "standard", Advanced => "advanced" }
);
kebab_enum!(
    OsVersion {
        Windows2000Sp4 => "windows-2000-sp4",
        Windows2003Rtm => "windows-2003-rtm",
        Windows2003Sp1 => "windows-2003-sp1",
        Windows2003Sp2 => "windows-2003-sp2",
        Windows2003R2 => "windows-2003-r2",
        Windows2003R2Sp2 => "windows-2003-r2-sp2",
        Windows2008 => "windows-2008",
        Windows2008Sp2 => "windows-2008-sp2",
        Windows2008R2 => "windows-2008-r2",
    }
);
kebab_enum!(
    SqlVersion {
        Sql2000Sp3a => "sql2000-sp3a",
        Sql2000Sp4 => "sql2000-sp4",
        Sql2005Rtm => "sql2005-rtm",
        Sql2005Sp1 => "sql2005-sp1",
        Sql2005Sp2 => "sql2005-sp2",
        Sql2005Sp3 => "sql2005-sp3",
        Sql2005Sp4 => "sql2005-sp4",
        Sql2008Rtm => "sql2008-rtm",
        Sql2008Sp1 => "sql2008-sp1",
        Sql2008Sp2 => "sql2008-sp2",
        Sql2008R2 => "sql2008-r2",
    }
);
kebab_enum!(
    /// Site system roles (site server and site database are given by the sites).
    Role {
        ManagementPoint => "management-point",
        DistributionPoint => "distribution-point",
        BitsDistributionPoint => "bits-distribution-point",
        ServerLocatorPoint => "server-locator-point",
        ReportingPoint => "reporting-point",
        ClientAccessPoint => "client-access-point",
    }
);
kebab_enum!(
    /// The order in which child sites are upgraded (`plan.order`).
    SiteOrder { Tiers => "tiers", DepthFirst => "depth-first" }
);
kebab_enum!(
    /// How the existing SMS 2003 Advanced Clients are upgraded in place (`plan.client_method`):
    /// the methods Configuration Manager 2007 offers for it.
    ClientMethod {
        ClientPush => "client-push",
        SoftwareUpdatePoint => "software-update-point",
        GroupPolicy => "group-policy",
        LogonScript => "logon-script",
        SoftwareDistribution => "software-distribution",
        Manual => "manual",
    }
);

/// The client upgrade method when `plan.client_method` is absent (the `client-method`
/// assumption): client push needs no change on the clients' side and reaches every computer the
/// upgraded site discovers.
pub const DEFAULT_CLIENT_METHOD: ClientMethod = ClientMethod::ClientPush;
kebab_enum!(
    /// Where a company-specific task is inserted: once, or once for each site of a kind.
    CustomTaskScope {
        Hierarchy => "hierarchy",
        EachSite => "each-site",
        EachPrimary => "each-primary",
        EachSecondary => "each-secondary",
    }
);

impl SiteVersion {
    /// Already on Configuration Manager 2007: the site gets no upgrade tasks.
    pub fn is_configmgr2007(self) -> bool {
        matches!(
            self,
            SiteVersion::ConfigMgr2007Rtm
                | SiteVersion::ConfigMgr2007Sp1
                | SiteVersion::ConfigMgr2007Sp2
        )
    }
}

/// `[plan]`: the title block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanInfo {
    pub title: String,
    pub organisation: Option<String>,
    pub change_reference: Option<String>,
    pub prepared_by: Option<String>,
    pub target: TargetMedia,
    /// `plan.order`: tier by tier (default) or depth-first.
    pub order: SiteOrder,
    /// `plan.pilot`: the child primary upgraded first among the child sites, in its own wave.
    pub pilot: Option<SiteCode>,
    /// `plan.client_method`: absent, the plan uses [`DEFAULT_CLIENT_METHOD`] and says so.
    pub client_method: Option<ClientMethod>,
}

/// `[active_directory]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveDirectory {
    pub schema_extended: SchemaExtension,
    pub sites_publish: bool,
}

/// `[estimates]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimates {
    /// Extra site-database space per client during the upgrade (seed checklist: 2 MB).
    pub database_mb_per_client: f64,
    /// Extra database space for transaction log, tempdb and autogrowth, as a percentage of the
    /// database growth (an assumption; 0 turns it off).
    pub headroom_percent: f64,
}

/// Default for `estimates.headroom_percent`: no Microsoft figure exists; during the database
/// upgrade the transaction log and tempdb grow with the data converted, and autogrowth steps
/// overshoot, so this plan assumes a fifth of the growth on top of it.
pub const DEFAULT_HEADROOM_PERCENT: f64 = 20.0;

/// Default for `estimates.database_mb_per_client`: the seed checklist's "2 MB additional space per
/// client" (upgrade-rules.md D5.1, from S1: a customer example, not an official sizing rule).
pub const DEFAULT_DATABASE_MB_PER_CLIENT: f64 = 2.0;

/// `[[console]]`: a computer running the SMS 2003 Administrator console.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Console {
    pub computer: String,
}

/// `[[site]]`, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    pub code: SiteCode,
    pub name: String,
    pub site_type: SiteType,
    /// `None` only for the central site.
    pub parent: Option<SiteCode>,
    pub version: SiteVersion,
    pub security: SecurityMode,
    /// Name of the `[[server]]` that is the site server, spelt as in its `[[server]]` entry.
    pub site_server: String,
    /// Name of the `[[server]]` hosting the site database (primary sites only).
    pub database_server: Option<String>,
    pub database_size_mb: Option<f64>,
    pub clients: u64,
    pub legacy_clients: u64,
    /// Feature pack names, lower case as written (`itmu`, `osd`, `device-management`, or another name).
    pub feature_packs: Vec<String>,
    /// Direct children, sorted by site code.
    pub children: Vec<SiteCode>,
    /// 0 for the central site.
    pub depth: usize,
    /// `site.wave`: the planner's choice of wave (never before its parent's).
    pub wave: Option<u32>,
}

impl Site {
    pub fn is_primary(&self) -> bool {
        self.site_type == SiteType::Primary
    }
    pub fn is_central(&self) -> bool {
        self.parent.is_none()
    }
}

/// `[[server]]`, validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Server {
    pub name: String,
    pub site: Option<SiteCode>,
    pub os: OsVersion,
    pub sql: Option<SqlVersion>,
    pub sql_replication: bool,
    pub free_disk_gb: Option<f64>,
    pub internet_access: bool,
    pub roles: Vec<Role>,
    pub webdav: bool,
    pub bits: bool,
}

impl Server {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// `[[custom_task]]`: a company-specific step inserted into the generated sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomTask {
    /// Short upper-case key; the task ID is `CUSTOM-<id>` (plus `-<CODE>` for per-site tasks).
    pub id: String,
    pub title: String,
    pub expected_result: String,
    pub details: Option<String>,
    /// The task kind it follows (e.g. `SITE-UPG`, `PREP-BACKUP`); `None` when it is placed
    /// `before` a kind instead (exactly one of the two is set).
    pub after: Option<String>,
    /// The task kind it precedes (e.g. `SITE-UPG`).
    pub before: Option<String>,
    pub scope: CustomTaskScope,
}

/// `plan.start` and `[schedule]`: when present, every task gets planned dates (see
/// `plan::schedule`). Unset durations take the defaults documented there.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Schedule {
    /// `plan.start`: the first day work may be planned on.
    pub start: chrono::NaiveDate,
    /// Working days by task kind (`SITE-UPG-SECONDARY`: the upgrade of a secondary site).
    pub days: BTreeMap<String, u32>,
    /// Working days of a task whose kind `days` does not list.
    pub default_days: Option<u32>,
    /// Working days of a site's client upgrade per started 1,000 clients.
    pub client_days_per_1000: Option<u32>,
    /// Days of the week work happens on (`None`: Monday to Friday).
    pub weekdays: Option<Vec<chrono::Weekday>>,
    /// Days on which no work is planned, sorted, without repeats.
    pub blackout: Vec<chrono::NaiveDate>,
}

/// The names of the days of the week as the description writes them (`schedule.weekdays`),
/// Monday first: index `Weekday::num_days_from_monday()`.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The validated environment description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Environment {
    pub plan: PlanInfo,
    pub active_directory: ActiveDirectory,
    pub estimates: Estimates,
    pub consoles: Vec<Console>,
    /// Canonical pre-order from the central site; children sorted by code.
    pub sites: Vec<Site>,
    /// Sorted by upper-cased name.
    pub servers: Vec<Server>,
    pub custom_tasks: Vec<CustomTask>,
    /// `plan.start` and `[schedule]`; `None` without `plan.start` (no dates are planned).
    pub schedule: Option<Schedule>,
    /// `[schedule]` as given when there is no `plan.start` (its `start` unset): the calendar
    /// `generate --today` plans on then.
    #[serde(skip)]
    pub calendar: Option<Schedule>,
    /// SHA-256 (hex) of the input file's bytes, printed on the cover so a reader can tell which
    /// description a plan came from.
    pub input_digest: String,
    /// Site code → position in `sites`; server upper-case name → position in `servers`.
    #[serde(skip)]
    site_index: BTreeMap<SiteCode, usize>,
    #[serde(skip)]
    server_index: BTreeMap<String, usize>,
}

impl Environment {
    /// Builds the canonical form from sites and servers in any order: sorts servers by name,
    /// fills `children` and `depth`, and orders sites in pre-order from the central site.
    /// The input layer calls this after it has checked that the sites form one tree.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: PlanInfo,
        active_directory: ActiveDirectory,
        estimates: Estimates,
        consoles: Vec<Console>,
        mut sites: Vec<Site>,
        mut servers: Vec<Server>,
        custom_tasks: Vec<CustomTask>,
        input_digest: String,
    ) -> Environment {
        servers.sort_by_key(|s| s.name.to_uppercase());
        sites.sort_by(|a, b| a.code.cmp(&b.code));
        let mut children: BTreeMap<SiteCode, Vec<SiteCode>> = BTreeMap::new();
        for s in &sites {
            if let Some(p) = &s.parent {
                children.entry(p.clone()).or_default().push(s.code.clone());
            }
        }
        let mut by_code: BTreeMap<SiteCode, Site> = sites
            .into_iter()
            .map(|mut s| {
                s.children = children.remove(&s.code).unwrap_or_default();
                (s.code.clone(), s)
            })
            .collect();
        let mut ordered = Vec::with_capacity(by_code.len());
        let roots: Vec<SiteCode> = by_code
            .values()
            .filter(|s| s.parent.is_none())
            .map(|s| s.code.clone())
            .collect();
        // Iterative pre-order walk (hierarchies can be thousands of sites deep in hostile input).
        let mut stack: Vec<(SiteCode, usize)> = roots.into_iter().rev().map(|c| (c, 0)).collect();
        while let Some((code, depth)) = stack.pop() {
            if let Some(mut site) = by_code.remove(&code) {
                site.depth = depth;
                for child in site.children.iter().rev() {
                    stack.push((child.clone(), depth + 1));
                }
                ordered.push(site);
            }
        }
        // Anything unreachable (only possible if the caller skipped validation) keeps code order.
        ordered.extend(by_code.into_values());
        let site_index = ordered
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        let server_index = servers
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.to_uppercase(), i))
            .collect();
        Environment {
            site_index,
            server_index,
            plan,
            active_directory,
            estimates,
            consoles,
            sites: ordered,
            servers,
            custom_tasks,
            schedule: None,
            calendar: None,
            input_digest,
        }
    }

    /// The central site (the one primary without a parent).
    pub fn central(&self) -> &Site {
        &self.sites[0]
    }

    pub fn site(&self, code: &SiteCode) -> Option<&Site> {
        self.site_index.get(code).map(|&i| &self.sites[i])
    }

    pub fn site_by_str(&self, code: &str) -> Option<&Site> {
        SiteCode::parse(code).and_then(|c| self.site(&c))
    }

    /// Case-insensitive server lookup (server names are unique ignoring case).
    pub fn server(&self, name: &str) -> Option<&Server> {
        self.server_index
            .get(&name.to_uppercase())
            .map(|&i| &self.servers[i])
    }

    /// The site and every site below it, in pre-order.
    pub fn subtree(&self, code: &SiteCode) -> Vec<&Site> {
        let mut out = Vec::new();
        let mut stack = vec![code.clone()];
        while let Some(c) = stack.pop() {
            if let Some(site) = self.site(&c) {
                out.push(site);
                stack.extend(site.children.iter().rev().cloned());
            }
        }
        out
    }

    /// Servers holding roles for a site (its `server.site`), sorted by name.
    pub fn servers_of_site(&self, code: &SiteCode) -> Vec<&Server> {
        self.servers
            .iter()
            .filter(|s| s.site.as_ref() == Some(code))
            .collect()
    }
}
