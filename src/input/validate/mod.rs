//! `validate()`: walks the spanned tree, collects every problem as a located diagnostic, and only
//! when there is none builds the validated `Environment`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::diagnostic::{Code, Sink};
use super::tree::{Entry, Kind, Node, Span, Syntax};
use chrono::NaiveDate;

use crate::model::{
    ActiveDirectory, Console, CustomTask, CustomTaskScope, Environment, Estimates, OsVersion,
    PlanInfo, Role, Schedule, SchemaExtension, SecurityMode, Server, Site, SiteCode, SiteType,
    SiteVersion, SqlVersion, TargetMedia, DEFAULT_DATABASE_MB_PER_CLIENT,
};

mod consistency;
mod cross_check;
mod custom_tasks;
mod plan;
mod sites;
mod tables;
mod text;
mod values;

use tables::*;
use text::*;
pub use text::{NAME_LIMIT, TEXT_LIMIT, TITLE_LIMIT};

/// The keys each table accepts. The JSON Schema (`schema.rs`) is tested against these lists.
pub const ROOT_KEYS: &[&str] = &[
    "plan",
    "active_directory",
    "estimates",
    "console",
    "site",
    "server",
    "custom_task",
    "schedule",
];
pub const PLAN_KEYS: &[&str] = &[
    "title",
    "organisation",
    "change_reference",
    "prepared_by",
    "target",
    "start",
    "order",
    "pilot",
    "client_method",
];
pub const SCHEDULE_KEYS: &[&str] = &[
    "days",
    "default_days",
    "client_days_per_1000",
    "weekdays",
    "blackout",
];
/// Longest duration a `[schedule]` entry may give, in working days (about four years): a typing
/// slip must not make the planner walk the calendar for ever.
pub const MAX_SCHEDULE_DAYS: u64 = 1000;
/// `[schedule.days]` accepts the task kinds, plus this one for the upgrade of a secondary site.
pub const SECONDARY_UPGRADE_KIND: &str = "SITE-UPG-SECONDARY";
/// Task kinds whose duration no `[schedule.days]` entry sets: a client upgrade takes
/// `client_days_per_1000` per started 1,000 clients of its site.
pub const KINDS_WITHOUT_DAYS: &[&str] = &["CLIENT-UPG"];

/// The keys `[schedule.days]` accepts: every kind whose duration it sets (current, retired and
/// `CUSTOM`), and `SITE-UPG-SECONDARY`.
pub fn schedule_day_keys() -> Vec<&'static str> {
    let mut kinds: Vec<&str> = crate::model::TaskKind::accepted_names();
    kinds.retain(|k| !KINDS_WITHOUT_DAYS.contains(k));
    kinds.push(SECONDARY_UPGRADE_KIND);
    kinds
}

const WEEKDAYS: &[&str] = &crate::model::WEEKDAY_NAMES;
pub const ACTIVE_DIRECTORY_KEYS: &[&str] = &["schema_extended", "sites_publish"];
pub const ESTIMATES_KEYS: &[&str] = &["database_mb_per_client", "headroom_percent"];
pub const CONSOLE_KEYS: &[&str] = &["computer"];
pub const SITE_KEYS: &[&str] = &[
    "code",
    "name",
    "type",
    "parent",
    "version",
    "security",
    "site_server",
    "database_server",
    "database_size_mb",
    "clients",
    "legacy_clients",
    "feature_packs",
    "wave",
];
pub const SERVER_KEYS: &[&str] = &[
    "name",
    "site",
    "os",
    "sql",
    "sql_replication",
    "free_disk_gb",
    "internet_access",
    "roles",
    "webdav",
    "bits",
];
pub const CUSTOM_TASK_KEYS: &[&str] = &[
    "id",
    "title",
    "expected_result",
    "details",
    "after",
    "before",
    "scope",
];

/// The largest count accepted: summed over all 46,656 possible sites (advanced and legacy clients)
/// it still fits in 64 bits, so the estimates cannot overflow.
const MAX_COUNT: u64 = 1_000_000_000_000;
/// The largest size or ratio accepted (2^53, exact as a float): products of these with counts stay
/// finite, so no estimate becomes infinite (JSON would write `null`).
const MAX_QUANTITY: f64 = 9_007_199_254_740_992.0;

/// Which table a key list belongs to, for "this key belongs in [[server]]" hints.
const KEY_HOMES: &[(&str, &[&str])] = &[
    ("plan", PLAN_KEYS),
    ("active_directory", ACTIVE_DIRECTORY_KEYS),
    ("estimates", ESTIMATES_KEYS),
    ("console", CONSOLE_KEYS),
    ("site", SITE_KEYS),
    ("server", SERVER_KEYS),
    ("custom_task", CUSTOM_TASK_KEYS),
    ("schedule", SCHEDULE_KEYS),
];

/// A value with the span it was read from.
#[derive(Debug, Clone)]
struct Sp<T> {
    v: T,
    span: Span,
}

/// A site-code reference that may be absent, present but malformed (already reported), or valid.
#[derive(Debug, Clone)]
enum CodeRef {
    Absent,
    Invalid,
    Valid(Sp<SiteCode>),
}

/// The entries of one table, with how messages name it.
struct Fields<'n> {
    span: Span,
    entries: &'n [Entry],
    /// e.g. "site NYC", "server #2", "`[plan]`".
    what: String,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

struct Cx<'s, 't> {
    sink: &'s mut Sink<'t>,
    syntax: Syntax,
    /// "Did you mean" searches left: each one scans every candidate, and a hostile file with
    /// 40,000 broken references must not take minutes.
    suggestions_left: usize,
}

/// Validates the whole description. `None` when `sink` holds at least one error.
pub(crate) fn validate(
    root: &Node,
    syntax: Syntax,
    sink: &mut Sink<'_>,
    digest: String,
) -> Option<Environment> {
    let mut cx = Cx {
        sink,
        syntax,
        suggestions_left: 200,
    };
    let root_fields = cx.table(root, "the description".to_string(), "", ROOT_KEYS)?;

    let mut start = None;
    let mut pilot = None;
    let plan = match root_fields.get("plan") {
        Some(e) => cx
            .table(&e.value, cx.table_name("plan"), "plan", PLAN_KEYS)
            .and_then(|f| {
                start = cx.date(&f, "start");
                cx.plan(&f, &mut pilot)
            }),
        None => {
            let d = cx.sink.error(
                Code::E004,
                0..0,
                format!("the description has no {}", cx.table_name("plan")),
                "expected here",
            );
            d.hint(match syntax {
                Syntax::Toml => {
                    "start the file with a [plan] table: title = \"…\" and target = \"sp1\""
                }
                Syntax::Json => "add \"plan\": { \"title\": \"…\", \"target\": \"sp1\" }",
            });
            None
        }
    };
    let active_directory = match root_fields.get("active_directory") {
        Some(e) => cx
            .table(
                &e.value,
                cx.table_name("active_directory"),
                "active_directory",
                ACTIVE_DIRECTORY_KEYS,
            )
            .map(|f| ActiveDirectory {
                schema_extended: cx
                    .choice(
                        &f,
                        "schema_extended",
                        false,
                        "schema state",
                        SchemaExtension::parse,
                        SchemaExtension::ALL,
                    )
                    .map(|s| s.v)
                    .unwrap_or(SchemaExtension::None),
                sites_publish: cx.boolean(&f, "sites_publish"),
            }),
        None => Some(ActiveDirectory {
            schema_extended: SchemaExtension::None,
            sites_publish: false,
        }),
    };
    let estimates = match root_fields.get("estimates") {
        Some(e) => cx
            .table(
                &e.value,
                cx.table_name("estimates"),
                "estimates",
                ESTIMATES_KEYS,
            )
            .map(|f| Estimates {
                database_mb_per_client: cx
                    .number(&f, "database_mb_per_client", true)
                    .map(|n| n.v)
                    .unwrap_or(DEFAULT_DATABASE_MB_PER_CLIENT),
                headroom_percent: if f.get("headroom_percent").is_some() {
                    cx.whole(&f, "headroom_percent") as f64
                } else {
                    crate::model::DEFAULT_HEADROOM_PERCENT
                },
            }),
        None => Some(Estimates {
            database_mb_per_client: DEFAULT_DATABASE_MB_PER_CLIENT,
            headroom_percent: crate::model::DEFAULT_HEADROOM_PERCENT,
        }),
    };

    // Read even without `plan.start`, so that its mistakes are reported; it only takes effect
    // with a start date.
    let schedule = root_fields.get("schedule").and_then(|e| {
        cx.table(
            &e.value,
            cx.table_name("schedule"),
            "schedule",
            SCHEDULE_KEYS,
        )
        .and_then(|f| cx.schedule(&f))
    });

    let consoles: Vec<Console> = cx
        .table_array(&root_fields, "console", CONSOLE_KEYS)
        .into_iter()
        .filter_map(|f| {
            cx.computer_name(&f, "computer", true)
                .map(|c| Console { computer: c.v })
        })
        .collect();

    let site_tables = cx.table_array(&root_fields, "site", SITE_KEYS);
    // Absent, null or an empty list: there is no hierarchy to plan (a list of non-tables is
    // already reported as a wrong type).
    let site_entry = root_fields.get("site");
    let no_site = match site_entry.map(|e| &e.value.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    if no_site {
        let span = site_entry.map(|e| e.value.span.clone()).unwrap_or(0..0);
        let d = cx.sink.error(
            Code::E004,
            span,
            "the description has no site",
            "expected at least one site",
        );
        d.hint(match syntax {
            Syntax::Toml => "describe each site in a [[site]] table; the central site is the one without `parent`",
            Syntax::Json => "add \"site\": [ { \"code\": …, … } ] with one object per site; the central site is the one without \"parent\"",
        });
    }
    let sites: Vec<RawSite> = site_tables.into_iter().map(|f| cx.site(f)).collect();

    let server_tables = cx.table_array(&root_fields, "server", SERVER_KEYS);
    let servers: Vec<RawServer> = server_tables.into_iter().map(|f| cx.server(f)).collect();

    let custom_tasks: Vec<Option<CustomTask>> = cx
        .table_array(&root_fields, "custom_task", CUSTOM_TASK_KEYS)
        .into_iter()
        .map(|f| cx.custom_task(&f))
        .collect();
    // Custom task ids are unique: the task ID is derived from them.
    let mut seen_ids: HashMap<String, Span> = HashMap::new();
    for entry in root_fields.get("custom_task").iter() {
        let Kind::Array(items) = &entry.value.kind else {
            continue;
        };
        for item in items {
            let Kind::Table(entries) = &item.kind else {
                continue;
            };
            let Some(id) = entries.iter().find(|e| e.key == "id") else {
                continue;
            };
            let Kind::String(text) = &id.value.kind else {
                continue;
            };
            if let Some(first) = seen_ids.get(text) {
                cx.sink
                    .error(
                        Code::E026,
                        id.value.span.clone(),
                        format!("custom task id `{text}` is used twice"),
                        "used again here",
                    )
                    .also(first.clone(), "first used here")
                    .hint("task IDs are derived from `id` and must stay unique: give this task its own id");
            } else {
                seen_ids.insert(text.clone(), id.value.span.clone());
            }
        }
    }

    // Tables that could not be read at all are sites and servers all the same (see `Unread`).
    let non_tables = |key: &str| match root_fields.get(key).map(|e| &e.value.kind) {
        Some(Kind::Array(items)) => items
            .iter()
            .filter(|n| !matches!(n.kind, Kind::Table(_)))
            .count(),
        _ => 0,
    };
    let unread = Unread {
        sites: non_tables("site") + sites.iter().filter(|s| s.code.is_none()).count(),
        servers: non_tables("server") + servers.iter().filter(|s| s.name.is_none()).count(),
    };
    let resolved = cx.cross_check(&sites, &servers, unread);
    if unread.sites == 0 {
        cx.pilot_exists(pilot.as_ref(), &sites);
        cx.waves_follow_parents(&sites);
    }
    if !cx.sink.has_errors() {
        // Only for a description otherwise valid: a reference that failed to resolve would make
        // its server look unused.
        cx.unused_servers(&sites, &servers, &resolved);
    }

    if !cx.sink.has_errors() {
        let plan = plan?;
        let sites = sites
            .iter()
            .map(|s| s.build(&servers, &resolved))
            .collect::<Option<Vec<_>>>()?;
        let servers = servers
            .iter()
            .map(RawServer::build)
            .collect::<Option<Vec<_>>>()?;
        let custom_tasks = custom_tasks.into_iter().collect::<Option<Vec<_>>>()?;
        let calendar = match start {
            None => schedule.clone(),
            Some(_) => None,
        };
        let schedule = start.map(|start| Schedule {
            start: start.v,
            ..schedule.unwrap_or_default()
        });
        let mut env = Environment::new(
            plan,
            active_directory?,
            estimates?,
            consoles,
            sites,
            servers,
            custom_tasks,
            digest,
        );
        env.schedule = schedule;
        env.calendar = calendar;
        Some(env)
    } else {
        None
    }
}

/// A site as read, before the cross-checks.
struct RawSite {
    span: Span,
    what: String,
    code: Option<Sp<SiteCode>>,
    name: Option<String>,
    site_type: Option<Sp<SiteType>>,
    parent: CodeRef,
    version: Option<SiteVersion>,
    security: Option<SecurityMode>,
    site_server: Option<Sp<String>>,
    database_server: Option<Sp<String>>,
    database_size_mb: Option<f64>,
    clients: u64,
    legacy_clients: u64,
    feature_packs: Vec<String>,
    wave: u64,
    /// Where `wave` is written.
    wave_span: Option<Span>,
}

impl RawSite {
    fn build(&self, servers: &[RawServer], resolved: &Resolved) -> Option<Site> {
        // Server names are stored spelt as in their [[server]] entry.
        let spelt = |name: &Sp<String>| -> Option<String> {
            let i = *resolved.servers.get(&name.v.to_uppercase())?;
            Some(servers[i].name.as_ref()?.v.clone())
        };
        Some(Site {
            code: self.code.as_ref()?.v.clone(),
            name: self.name.clone()?,
            site_type: self.site_type.as_ref()?.v,
            parent: match &self.parent {
                CodeRef::Absent => None,
                CodeRef::Valid(c) => Some(c.v.clone()),
                CodeRef::Invalid => return None,
            },
            version: self.version?,
            security: self.security?,
            site_server: spelt(self.site_server.as_ref()?)?,
            database_server: match &self.database_server {
                Some(d) => Some(spelt(d)?),
                None => None,
            },
            database_size_mb: self.database_size_mb,
            clients: self.clients,
            legacy_clients: self.legacy_clients,
            feature_packs: self.feature_packs.clone(),
            children: Vec::new(),
            depth: 0,
            wave: u32::try_from(self.wave).ok().filter(|w| *w > 0),
        })
    }
}

/// A server as read, before the cross-checks.
struct RawServer {
    name: Option<Sp<String>>,
    site: CodeRef,
    os: Option<OsVersion>,
    sql: Option<SqlVersion>,
    /// `sql` is written (possibly with an invalid value, already reported).
    sql_written: bool,
    sql_replication: bool,
    free_disk_gb: Option<f64>,
    internet_access: bool,
    roles: Option<Sp<Vec<Role>>>,
    webdav: bool,
    bits: bool,
}

impl RawServer {
    fn build(&self) -> Option<Server> {
        Some(Server {
            name: self.name.as_ref()?.v.clone(),
            site: match &self.site {
                CodeRef::Absent => None,
                CodeRef::Valid(c) => Some(c.v.clone()),
                CodeRef::Invalid => return None,
            },
            os: self.os?,
            sql: self.sql,
            sql_replication: self.sql_replication,
            free_disk_gb: self.free_disk_gb,
            internet_access: self.internet_access,
            roles: self.roles.as_ref().map(|r| r.v.clone()).unwrap_or_default(),
            webdav: self.webdav,
            bits: self.bits,
        })
    }
}

/// Sites whose code, and servers whose name, could not be read (missing, the wrong type,
/// malformed, or the whole entry is not a table): each is already an error, and each may be what a
/// reference that resolves to nothing meant.
///
/// The rule: with `k` such sites, references (`parent`, `server.site`) to at most `k` distinct
/// site codes that no site has are not reported — each of them could be the code of one of those
/// sites, so reporting them would only repeat the first error. With more than `k` distinct unknown
/// codes, at least one is a mistake of its own, and all are reported as before. Servers likewise
/// (`site_server`, `database_server` naming no server). It is sound: it only ever hides a
/// reference while the description is rejected anyway, and the next run, once the unreadable
/// value is corrected, reports any reference that still resolves to nothing.
#[derive(Debug, Clone, Copy)]
struct Unread {
    sites: usize,
    servers: usize,
}

/// What the cross-checks resolved: upper-case server name → index of its (first) `[[server]]`.
struct Resolved {
    servers: HashMap<String, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_but_not_unrelated_words() {
        assert_eq!(closest("primry", SiteType::ALL), Some("primary"));
        assert_eq!(closest("clents", SITE_KEYS), Some("clients"));
        assert_eq!(closest("Secondary", SiteType::ALL), Some("secondary"));
        assert_eq!(
            closest("managment-point", Role::ALL),
            Some("management-point")
        );
        assert_eq!(closest("banana", SITE_KEYS), None);
    }

    #[test]
    fn visible_characters_are_what_shows_something() {
        for c in ['a', 'Ж', 'ש', '🚀', '\u{301}', '\u{fffd}', '.', '␀'] {
            assert!(is_visible(c), "{c:?}");
        }
        for c in [
            ' ',
            '\t',
            '\u{a0}',
            '\u{3000}',
            '\u{200b}',
            '\u{200d}',
            '\u{200f}',
            '\u{202e}',
            '\u{2066}',
            '\u{feff}',
            '\u{fe0f}',
            '\u{ad}',
            '\u{3164}',
            '\u{e0041}',
            '\u{0}',
            '\u{7}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
        ] {
            assert!(!is_visible(c), "{c:?}");
        }
    }

    #[test]
    fn task_words_are_upper_case_digits_and_hyphens() {
        assert!(is_task_word("SITE-UPG"));
        assert!(is_task_word("NOTIFY-2"));
        assert!(!is_task_word("site-upg"));
        assert!(!is_task_word("SITE UPG"));
        assert!(!is_task_word(""));
    }

    #[test]
    fn a_table_is_pointed_at_by_its_header_line_or_opening_brace() {
        let toml = "[[site]]\ncode = \"A\"\n";
        assert_eq!(header_span(&(0..toml.len()), toml), 0..8);
        let json = "{\n \"code\": \"A\"\n}";
        assert_eq!(header_span(&(0..json.len()), json), 0..1);
    }

    #[test]
    fn a_key_of_another_table_is_pointed_there() {
        let hint = unknown_key_hint("sql", "site", SITE_KEYS, Syntax::Toml);
        assert!(hint.starts_with("`sql` belongs in [[server]]"), "{hint}");
        // `name` exists in two other tables: no guess.
        let hint = unknown_key_hint("name", "console", CONSOLE_KEYS, Syntax::Toml);
        assert!(hint.starts_with("remove it"), "{hint}");
    }
}
