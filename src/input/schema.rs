//! The JSON Schema of the environment description (`cmplan schema`), for editors (taplo / Even
//! Better TOML, VS Code) and CI.
//!
//! The validator walks a spanned tree rather than deserialising into structs, so the schema comes
//! from these schema-only mirror types. A test checks that their properties are exactly the keys
//! the validator accepts (`validate::*_KEYS`), so the two cannot drift apart.
#![allow(dead_code)] // the fields exist only to be described

use schemars::{generate::SchemaSettings, JsonSchema};

use crate::model::{
    CustomTaskScope, OsVersion, Role, SchemaExtension, SecurityMode, SiteType, SiteVersion,
    SqlVersion, TargetMedia,
};

/// The JSON Schema (draft-07, the draft editors support best), pretty-printed, ending in a newline.
pub fn json_schema() -> String {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Description>();
    let mut schema = serde_json::to_value(&schema).expect("a schema serialises");
    // The task kinds `[schedule.days]` accepts, listed for editors' completion.
    let kinds = super::validate::schedule_day_keys();
    if let Some(days) = schema.pointer_mut("/definitions/ScheduleTable/properties/days") {
        days["propertyNames"] = serde_json::json!({ "enum": kinds });
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

/// A description of an SMS 2003 site hierarchy, read by cmplan to plan its upgrade to Configuration Manager 2007.
#[derive(JsonSchema)]
#[schemars(title = "cmplan environment description", deny_unknown_fields)]
struct Description {
    plan: PlanTable,
    active_directory: Option<ActiveDirectoryTable>,
    estimates: Option<EstimatesTable>,
    /// Computers running the SMS 2003 Administrator console (one table each).
    console: Option<Vec<ConsoleTable>>,
    /// The sites of the hierarchy (one table each); exactly one primary site has no parent.
    #[schemars(length(min = 1))]
    site: Vec<SiteTable>,
    /// The servers the sites name (one table each).
    server: Option<Vec<ServerTable>>,
    /// Company-specific tasks inserted into the generated sequence.
    custom_task: Option<Vec<CustomTaskTable>>,
    /// Durations and working calendar for the planned dates (used only with `plan.start`).
    schedule: Option<ScheduleTable>,
}

/// Title block of the plan.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct PlanTable {
    /// Plan title, printed on the cover and in headers.
    #[schemars(length(min = 1))]
    title: String,
    organisation: Option<String>,
    change_reference: Option<String>,
    prepared_by: Option<String>,
    /// Configuration Manager 2007 media used for the upgrade.
    target: TargetMedia,
    /// Order of the child sites: `tiers` (default: every primary of a tier before any site of the
    /// next) or `depth-first`.
    order: Option<crate::model::SiteOrder>,
    /// A child primary site upgraded first among the child sites, in its own wave.
    pilot: Option<String>,
    /// How the existing clients are upgraded in place (default `client-push`).
    client_method: Option<crate::model::ClientMethod>,
    /// First day work may be planned on (YYYY-MM-DD; in TOML also a bare date). With it, every
    /// task gets planned start and end dates and the critical path is marked.
    #[schemars(extend("format" = "date"))]
    start: Option<String>,
}

/// Durations in working days and the working calendar (see docs/schedule.md for the defaults).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ScheduleTable {
    /// Working days by task kind (`SITE-UPG`, `SITE-RESYNC`, …, `CUSTOM`, and
    /// `SITE-UPG-SECONDARY` for the upgrade of a secondary site); 0 makes a milestone.
    days: Option<std::collections::BTreeMap<String, u32>>,
    /// Working days of a task whose kind `days` does not list (default 1).
    #[schemars(range(max = 1000), extend("default" = 1))]
    default_days: Option<u32>,
    /// Working days of a site's client upgrade per started 1,000 clients (default 1; at least one
    /// day per site).
    #[schemars(range(max = 1000), extend("default" = 1))]
    client_days_per_1000: Option<u32>,
    /// Days of the week work happens on (default Monday to Friday).
    #[schemars(length(min = 1))]
    weekdays: Option<Vec<WeekdayName>>,
    /// Days on which no work is planned (holidays, change freezes), YYYY-MM-DD.
    blackout: Option<Vec<DateString>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
enum WeekdayName {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A date, YYYY-MM-DD.
#[derive(JsonSchema)]
#[schemars(extend("format" = "date"))]
struct DateString(String);

/// State of Active Directory.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ActiveDirectoryTable {
    /// State of the AD schema extensions (default `none`).
    #[schemars(extend("default" = "none"))]
    schema_extended: Option<SchemaExtension>,
    /// Whether sites publish site data to AD (default false).
    #[schemars(extend("default" = false))]
    sites_publish: Option<bool>,
}

/// Sizing assumptions.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct EstimatesTable {
    /// Extra site-database space per client during the upgrade, in MB (default 2.0).
    #[schemars(extend("exclusiveMinimum" = 0, "default" = 2.0))]
    database_mb_per_client: Option<f64>,
    /// Extra database space for transaction log, tempdb and autogrowth, as a percentage of the
    /// database growth (default 20; 0 turns it off).
    #[schemars(range(min = 0))]
    headroom_percent: Option<u32>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ConsoleTable {
    /// Computer name.
    #[schemars(length(min = 1))]
    computer: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SiteTable {
    /// Site code: three characters A–Z, 0–9, unique in the hierarchy.
    #[schemars(pattern(r"^[A-Z0-9]{3}$"))]
    code: String,
    /// Friendly name.
    #[schemars(length(min = 1))]
    name: String,
    /// Site type.
    r#type: SiteType,
    /// Code of the parent site; only the central site has none.
    #[schemars(pattern(r"^[A-Z0-9]{3}$"))]
    parent: Option<String>,
    /// What the site runs today.
    version: SiteVersion,
    /// SMS 2003 security mode.
    security: SecurityMode,
    /// Name of the [[server]] that is this site's site server.
    #[schemars(length(min = 1))]
    site_server: String,
    /// Name of the [[server]] hosting the site database (may be the site server): required for a primary site, forbidden for a secondary site.
    #[schemars(length(min = 1))]
    database_server: Option<String>,
    /// Current site database size in MB.
    #[schemars(range(min = 0))]
    database_size_mb: Option<f64>,
    /// Advanced Clients assigned to (or, for a secondary site, located in) the site (default 0).
    #[schemars(range(min = 0), extend("default" = 0))]
    clients: Option<u64>,
    /// Legacy Clients (default 0).
    #[schemars(range(min = 0), extend("default" = 0))]
    legacy_clients: Option<u64>,
    /// Installed SMS 2003 feature packs: `itmu`, `osd`, `device-management`, or another name.
    feature_packs: Option<Vec<String>>,
    /// The wave this site is upgraded in (a planner's override; never before its parent's wave).
    #[schemars(range(min = 1))]
    wave: Option<u32>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ServerTable {
    /// Computer name, unique (ignoring case).
    #[schemars(length(min = 1))]
    name: String,
    /// Code of the site whose roles it holds (required when it holds roles).
    #[schemars(pattern(r"^[A-Z0-9]{3}$"))]
    site: Option<String>,
    /// Operating system.
    os: OsVersion,
    /// SQL Server version (required when it hosts a site database).
    sql: Option<SqlVersion>,
    /// Site database replication enabled (default false).
    sql_replication: Option<bool>,
    /// Free disk space in GB (1 GB = 1024 MB).
    #[schemars(range(min = 0))]
    free_disk_gb: Option<f64>,
    /// Whether the computer can reach the Internet (default false).
    internet_access: Option<bool>,
    /// Site system roles (site server and site database are given by the sites).
    roles: Option<Vec<Role>>,
    /// IIS WebDAV extension enabled (default false).
    webdav: Option<bool>,
    /// BITS server extension enabled (default false).
    bits: Option<bool>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CustomTaskTable {
    /// Short key: A–Z, 0–9 and `-`. The task ID is `CUSTOM-<id>` (plus `-<site code>` per site).
    #[schemars(pattern(r"^[A-Z0-9-]+$"))]
    id: String,
    #[schemars(length(min = 1))]
    title: String,
    /// What the operator checks to call the task done.
    #[schemars(length(min = 1))]
    expected_result: String,
    details: Option<String>,
    /// Kind of the generated task this one follows, e.g. `SITE-UPG`, `PREP-BACKUP`, `POST-CHECK`.
    /// Give `after` or `before`, not both.
    #[schemars(pattern(r"^[A-Z0-9-]+$"))]
    after: Option<String>,
    /// Kind of the generated task this one precedes, e.g. `SITE-UPG`: it comes right before the
    /// first task of that kind (for its site), which then waits for it.
    #[schemars(pattern(r"^[A-Z0-9-]+$"))]
    before: Option<String>,
    /// Once for the hierarchy (default), or once for each site of a kind.
    #[schemars(extend("default" = "hierarchy"))]
    scope: Option<CustomTaskScope>,
}
