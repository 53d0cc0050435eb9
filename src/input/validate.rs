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
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
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
    let plan = match root_fields.get("plan") {
        Some(e) => cx
            .table(&e.value, cx.table_name("plan"), "plan", PLAN_KEYS)
            .and_then(|f| {
                start = cx.date(&f, "start");
                cx.plan(&f)
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

    if cx.sink.diagnostics.is_empty() {
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

impl Cx<'_, '_> {
    /// The candidate most like `word`, within the suggestion budget.
    fn suggest<'a>(&mut self, word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        if self.suggestions_left == 0 {
            return None;
        }
        self.suggestions_left -= 1;
        closest(word, candidates)
    }

    /// "`[plan]`" in TOML, "`plan`" in JSON.
    fn table_name(&self, key: &str) -> String {
        match self.syntax {
            Syntax::Toml => format!("`[{key}]` table"),
            Syntax::Json => format!("`{key}` object"),
        }
    }

    /// Checks that `node` is a table and that all its keys are known.
    fn table<'n>(
        &mut self,
        node: &'n Node,
        what: String,
        home: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
        let Kind::Table(entries) = &node.kind else {
            let found = node.kind.describe(self.syntax);
            let expected = Kind::Table(Vec::new()).describe(self.syntax);
            self.sink
                .error(
                    Code::E005,
                    node.span.clone(),
                    format!("{what} must be {expected}, found {found}"),
                    found,
                )
                .hint(match self.syntax {
                    _ if home.is_empty() => "a description is one object: { \"plan\": { … }, \"site\": [ … ], \"server\": [ … ] }".to_string(),
                    Syntax::Toml => {
                        format!("write it as a table: [{home}] followed by key = value lines")
                    }
                    Syntax::Json => {
                        format!("write it as an object: \"{home}\": {{ \"key\": value, … }}")
                    }
                });
            return None;
        };
        for e in entries {
            if allowed.contains(&e.key.as_str()) {
                continue;
            }
            if home.is_empty() && self.syntax == Syntax::Json && e.key == "$schema" {
                continue; // editors' schema reference, not part of the description
            }
            let place = if home.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in {}", self.describe_home(home))
            };
            let hint = unknown_key_hint(&e.key, home, allowed, self.syntax);
            self.sink
                .error(
                    Code::E003,
                    e.key_span.clone(),
                    format!("unknown key `{}` {place}", e.key),
                    "unknown key",
                )
                .hint(hint);
        }
        Some(Fields {
            span: node.span.clone(),
            entries,
            what,
        })
    }

    fn describe_home(&self, home: &str) -> String {
        match home {
            "console" | "site" | "server" | "custom_task" => match self.syntax {
                Syntax::Toml => format!("a [[{home}]] table"),
                Syntax::Json => format!("a `{home}` object"),
            },
            _ => self.table_name(home),
        }
    }

    /// An array of tables (`[[site]]`); an absent key is an empty list.
    fn table_array<'n>(
        &mut self,
        root: &Fields<'n>,
        key: &str,
        allowed: &[&str],
    ) -> Vec<Fields<'n>> {
        let Some(entry) = root.get(key) else {
            return Vec::new();
        };
        let items = match &entry.value.kind {
            Kind::Array(items) => items,
            Kind::Null => return Vec::new(),
            other => {
                let found = other.describe(self.syntax);
                let hint = match self.syntax {
                    Syntax::Toml => {
                        format!("write each one as its own [[{key}]] table (double brackets)")
                    }
                    Syntax::Json => {
                        format!("write \"{key}\": [ {{ … }}, {{ … }} ] with one object each")
                    }
                };
                self.sink
                    .error(
                        Code::E005,
                        entry.value.span.clone(),
                        format!(
                            "`{key}` must be a list of {}, found {found}",
                            match self.syntax {
                                Syntax::Toml => "tables",
                                Syntax::Json => "objects",
                            }
                        ),
                        found,
                    )
                    .hint(hint);
                return Vec::new();
            }
        };
        let noun = key.replace('_', " ");
        items
            .iter()
            .enumerate()
            .filter_map(|(i, node)| self.table(node, format!("{noun} #{}", i + 1), key, allowed))
            .collect()
    }

    fn entry_or_missing<'n>(
        &mut self,
        f: &Fields<'n>,
        key: &str,
        required: bool,
        example: &str,
    ) -> Option<&'n Entry> {
        match f.get(key) {
            Some(e) if matches!(e.value.kind, Kind::Null) && !required => None,
            Some(e) => Some(e),
            None => {
                if required {
                    let hint = format!("add {}", kv(self.syntax, key, example));
                    let span = header_span(&f.span, self.sink.text);
                    self.sink
                        .error(
                            Code::E004,
                            span,
                            format!("{} is missing the required key `{key}`", f.what),
                            format!("`{key}` is missing here"),
                        )
                        .hint(hint);
                }
                None
            }
        }
    }

    fn wrong_type(&mut self, f: &Fields<'_>, e: &Entry, expected: &str, hint: Option<String>) {
        let found = e.value.kind.describe(self.syntax);
        let d = self.sink.error(
            Code::E005,
            e.value.span.clone(),
            format!(
                "`{}` of {} must be {expected}, found {found}",
                e.key, f.what
            ),
            format!("{found}, expected {expected}"),
        );
        if let Some(h) = hint {
            d.hint(h);
        }
    }

    /// A string; `required` also rejects empty text.
    fn string(&mut self, f: &Fields<'_>, key: &str, required: bool) -> Option<Sp<String>> {
        let e = self.entry_or_missing(f, key, required, "\"…\"")?;
        match &e.value.kind {
            Kind::String(s) => {
                if required && s.trim().is_empty() {
                    self.sink
                        .error(
                            Code::E028,
                            e.value.span.clone(),
                            format!("`{key}` of {} is empty", f.what),
                            "empty",
                        )
                        .hint(format!("write the {} here", key.replace('_', " ")));
                    return None;
                }
                let text = Sp {
                    v: s.clone(),
                    span: e.value.span.clone(),
                };
                // Empty optional text is as good as absent (as it always was).
                if !s.is_empty() {
                    self.characters(f, key, required, &text);
                }
                Some(text)
            }
            Kind::Integer(_) | Kind::Float(_) | Kind::Bool(_) => {
                let hint = Some(format!(
                    "put the value in double quotes: {}",
                    kv(
                        self.syntax,
                        key,
                        &format!(
                            "\"{}\"",
                            self.sink.text.get(e.value.span.clone()).unwrap_or("…")
                        )
                    )
                ));
                self.wrong_type(f, e, "a string", hint);
                None
            }
            _ => {
                let hint = format!(
                    "write text in double quotes: {}",
                    kv(self.syntax, key, "\"…\"")
                );
                self.wrong_type(f, e, "a string", Some(hint));
                None
            }
        }
    }

    /// Checks the characters of non-empty text: no control character (E035), and at least one
    /// visible character (E034). The text is kept either way (it is never a reference), so that
    /// nothing else is reported because of it.
    fn characters(&mut self, f: &Fields<'_>, key: &str, required: bool, text: &Sp<String>) {
        let (limit, kind) = text_limit(key);
        // Counted only as far as needed: a 200 MB name stops at the limit.
        if text.v.chars().nth(limit).is_some() {
            let length = text.v.chars().count();
            self.sink
                .error(
                    Code::E036,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} is {length} characters long; {kind} may have at most {limit}",
                        f.what
                    ),
                    "too long",
                )
                .hint(format!(
                    "shorten it to {limit} characters or fewer{}",
                    if MULTILINE_KEYS.contains(&key) {
                        " (a longer text belongs in a document the task can refer to)"
                    } else {
                        ""
                    }
                ));
            return;
        }
        let multiline = MULTILINE_KEYS.contains(&key);
        let refused = |c: &char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
        if let Some((at, c)) = text.v.chars().enumerate().find(|(_, c)| refused(c)) {
            let more = text.v.chars().filter(refused).count() - 1;
            let more = match more {
                0 => String::new(),
                1 => " and 1 more".to_string(),
                n => format!(" and {n} more"),
            };
            let hint = if multiline {
                format!("remove it: `{key}` may hold line breaks and tabs, but no other control character")
            } else {
                format!(
                    "remove it, or write a space instead: the {} is one line of text, printed in the plan's documents and workbook, where control characters are invisible or break the layout",
                    key.replace('_', " ")
                )
            };
            self.sink
                .error(
                    Code::E035,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} contains a control character, U+{:04X} (character {}){more}",
                        f.what,
                        c as u32,
                        at + 1
                    ),
                    "control character",
                )
                .hint(hint);
            return;
        }
        if !text.v.chars().any(is_visible) {
            let shown: Vec<String> = text
                .v
                .chars()
                .take(6)
                .map(|c| format!("U+{:04X}", c as u32))
                .collect();
            let ellipsis = if text.v.chars().nth(6).is_some() {
                " …"
            } else {
                ""
            };
            let mut hint = format!(
                "write the {} in visible characters: spaces, zero-width characters and direction marks count only next to visible text",
                key.replace('_', " ")
            );
            if !required {
                hint.push_str(&format!(", or remove `{key}`"));
            }
            self.sink
                .error(
                    Code::E034,
                    text.span.clone(),
                    format!(
                        "`{key}` of {} has no visible character ({}{ellipsis})",
                        f.what,
                        shown.join(" ")
                    ),
                    "nothing visible",
                )
                .hint(hint);
        }
    }

    /// A computer name: a console, a server, or the site server or database server a site names.
    /// It becomes part of task IDs (`CONSOLE-UPG-<NAME>`, `PREP-HW-<NAME>`), so whitespace before
    /// or after it is an error (E033), as everywhere an identifier is read: site codes (E010),
    /// custom task ids and kinds (E025) and enumerated values (E006) are not trimmed either. The
    /// value is kept without the whitespace, so that references to it are not reported as well.
    fn computer_name(&mut self, f: &Fields<'_>, key: &str, required: bool) -> Option<Sp<String>> {
        let before = self.sink.diagnostics.len();
        let mut name = self.string(f, key, required)?;
        // Zero-width characters at either end are as invisible as spaces (copied from a web page
        // or a spreadsheet) and would end up in task IDs just the same.
        let edge = |c: char| c.is_whitespace() || is_default_ignorable(c);
        let trimmed = name.v.trim_matches(edge);
        if trimmed.is_empty() || trimmed.len() == name.v.len() {
            return Some(name);
        }
        if self.sink.diagnostics.len() > before {
            // Already reported (a tab around it is a control character, E035): one problem per
            // value, but resolve references to it without the whitespace all the same.
            name.v = trimmed.to_string();
            return Some(name);
        }
        let leading = name.v.starts_with(edge);
        let trailing = name.v.ends_with(edge);
        let start = name.v.len() - name.v.trim_start_matches(edge).len();
        let end = name.v.trim_end_matches(edge).len();
        let only_whitespace = name.v[..start]
            .chars()
            .chain(name.v[end..].chars())
            .all(char::is_whitespace);
        let what = match only_whitespace {
            true => "whitespace",
            false => "an invisible character",
        };
        let place = match (leading, trailing) {
            (true, true) => format!("starts and ends with {what}"),
            (true, false) => format!("starts with {what}"),
            _ => format!("ends with {what}"),
        };
        let hint = format!(
            "remove the {}: {} (computer names become part of task IDs, and are never trimmed silently)",
            if only_whitespace { "whitespace" } else { "invisible characters" },
            kv(self.syntax, key, &format!("\"{trimmed}\""))
        );
        self.sink
            .error(
                Code::E033,
                name.span.clone(),
                format!("`{key}` of {}: computer name `{}` {place}", f.what, name.v),
                match only_whitespace {
                    true => "whitespace around the name",
                    false => "invisible character at the edge of the name",
                },
            )
            .hint(hint);
        name.v = trimmed.to_string();
        Some(name)
    }

    /// An optional boolean (default false).
    fn boolean(&mut self, f: &Fields<'_>, key: &str) -> bool {
        let Some(e) = self.entry_or_missing(f, key, false, "") else {
            return false;
        };
        match &e.value.kind {
            Kind::Bool(b) => *b,
            Kind::String(s)
                if matches!(s.to_lowercase().as_str(), "true" | "false" | "yes" | "no") =>
            {
                let word = if matches!(s.to_lowercase().as_str(), "true" | "yes") {
                    "true"
                } else {
                    "false"
                };
                self.wrong_type(
                    f,
                    e,
                    "true or false",
                    Some(format!("write {word} without quotes")),
                );
                false
            }
            _ => {
                self.wrong_type(
                    f,
                    e,
                    "true or false",
                    Some("write true or false, without quotes".to_string()),
                );
                false
            }
        }
    }

    /// An optional whole number ≥ 0 (a count); default 0.
    fn whole(&mut self, f: &Fields<'_>, key: &str) -> u64 {
        let Some(e) = self.entry_or_missing(f, key, false, "") else {
            return 0;
        };
        let span = e.value.span.clone();
        let too_large = |cx: &mut Self| {
            cx.sink
                .error(
                    Code::E009,
                    span.clone(),
                    format!("`{key}` of {} is too large", f.what),
                    "larger than 18446744073709551615",
                )
                .hint("a count must fit in 64 bits; check for a typing slip (extra digits)");
            0
        };
        match &e.value.kind {
            Kind::Integer(Some(v)) if *v < 0 => {
                self.negative(f, e);
                0
            }
            Kind::Integer(Some(v)) if *v > i128::from(MAX_COUNT) && *v <= i128::from(u64::MAX) => {
                self.implausible(f, e, "larger than 1,000,000,000,000");
                0
            }
            Kind::Integer(Some(v)) => match u64::try_from(*v) {
                Ok(v) => v,
                Err(_) => too_large(self),
            },
            Kind::Integer(None) => too_large(self),
            Kind::Float(v) if !v.is_finite() => {
                self.not_finite(f, e);
                0
            }
            Kind::Float(v) if *v < 0.0 => {
                self.negative(f, e);
                0
            }
            Kind::Float(v) if v.fract() != 0.0 => {
                self.sink
                    .error(
                        Code::E008,
                        span.clone(),
                        format!("`{key}` of {} must be a whole number, found {v}", f.what),
                        "has a fraction",
                    )
                    .hint(format!(
                        "`{key}` is a count of {}: write {} or {}",
                        // `[schedule]` durations are whole working days.
                        if f.what.contains("schedule") {
                            "working days"
                        } else {
                            "computers"
                        },
                        v.floor(),
                        v.ceil()
                    ));
                0
            }
            Kind::Float(v) if *v > MAX_COUNT as f64 && *v <= 9_007_199_254_740_992.0 => {
                self.implausible(f, e, "larger than 1,000,000,000,000");
                0
            }
            // An integral float (JSON writers emit 350.0) up to 2^53 is exact.
            Kind::Float(v) if *v <= 9_007_199_254_740_992.0 => *v as u64,
            Kind::Float(_) => too_large(self),
            Kind::String(s) if s.trim().parse::<u64>().is_ok() => {
                self.wrong_type(
                    f,
                    e,
                    "a whole number",
                    Some(format!(
                        "remove the quotes: {}",
                        kv(self.syntax, key, s.trim())
                    )),
                );
                0
            }
            _ => {
                self.wrong_type(
                    f,
                    e,
                    "a whole number",
                    Some(format!(
                        "write a count such as {}",
                        kv(self.syntax, key, "250")
                    )),
                );
                0
            }
        }
    }

    /// An optional number ≥ 0 (> 0 when `positive`).
    fn number(&mut self, f: &Fields<'_>, key: &str, positive: bool) -> Option<Sp<f64>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        let span = e.value.span.clone();
        let v = match &e.value.kind {
            Kind::Integer(Some(v)) => *v as f64,
            Kind::Integer(None) => {
                self.sink
                    .error(
                        Code::E009,
                        span,
                        format!("`{key}` of {} is too large", f.what),
                        "too large",
                    )
                    .hint("check for a typing slip (extra digits)");
                return None;
            }
            Kind::Float(v) => *v,
            Kind::String(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                self.wrong_type(
                    f,
                    e,
                    "a number",
                    Some(format!(
                        "remove the quotes: {}",
                        kv(self.syntax, key, s.trim())
                    )),
                );
                return None;
            }
            _ => {
                let hint = format!("write a plain number: {}", kv(self.syntax, key, "20"));
                self.wrong_type(f, e, "a number", Some(hint));
                return None;
            }
        };
        if !v.is_finite() {
            self.not_finite(f, e);
            return None;
        }
        if v < 0.0 {
            self.negative(f, e);
            return None;
        }
        if v > MAX_QUANTITY {
            self.implausible(f, e, "larger than 9,007,199,254,740,992");
            return None;
        }
        if positive && v == 0.0 {
            self.sink
                .error(
                    Code::E007,
                    span,
                    format!("`{key}` of {} must be greater than 0", f.what),
                    "zero",
                )
                .hint(format!(
                    "give a positive value, or remove `{key}` to use the default ({DEFAULT_DATABASE_MB_PER_CLIENT})"
                ));
            return None;
        }
        Some(Sp { v, span })
    }

    fn negative(&mut self, f: &Fields<'_>, e: &Entry) {
        self.sink
            .error(
                Code::E007,
                e.value.span.clone(),
                format!("`{}` of {} must not be negative", e.key, f.what),
                "negative",
            )
            .hint("write 0 or a positive value");
    }

    /// A value no real hierarchy has, whose sums and products would overflow the estimates.
    fn implausible(&mut self, f: &Fields<'_>, e: &Entry, label: &str) {
        self.sink
            .error(
                Code::E009,
                e.value.span.clone(),
                format!("`{}` of {} is too large", e.key, f.what),
                label,
            )
            .hint("check for a typing slip (extra digits)");
    }

    fn not_finite(&mut self, f: &Fields<'_>, e: &Entry) {
        self.sink
            .error(
                Code::E007,
                e.value.span.clone(),
                format!("`{}` of {} must be a finite number", e.key, f.what),
                "not a finite number",
            )
            .hint("write the actual value (nan and inf are not sizes or counts)");
    }

    /// One of a closed list of lower-case kebab values.
    fn choice<T>(
        &mut self,
        f: &Fields<'_>,
        key: &str,
        required: bool,
        noun: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
    ) -> Option<Sp<T>> {
        let accepted = list(all);
        let example = format!("\"…\", one of {accepted}");
        let e = self.entry_or_missing(f, key, required, &example)?;
        let Kind::String(s) = &e.value.kind else {
            self.wrong_type(
                f,
                e,
                "a string",
                Some(format!("accepted values: {accepted}")),
            );
            return None;
        };
        if let Some(v) = parse(s) {
            return Some(Sp {
                v,
                span: e.value.span.clone(),
            });
        }
        let hint = match closest(s, all) {
            Some(best) => format!("did you mean `{best}`? Accepted values: {accepted}"),
            None => format!("accepted values: {accepted}"),
        };
        self.sink
            .error(
                Code::E006,
                e.value.span.clone(),
                format!("unknown {noun} `{s}` for `{key}` of {}", f.what),
                format!("not a known {noun}"),
            )
            .hint(hint);
        None
    }

    /// A site code, required or not.
    fn site_code(&mut self, f: &Fields<'_>, key: &str, required: bool) -> CodeRef {
        let Some(e) =
            self.entry_or_missing(f, key, required, "\"ABC\" (the 3-character site code)")
        else {
            return CodeRef::Absent;
        };
        let Kind::String(s) = &e.value.kind else {
            self.wrong_type(
                f,
                e,
                "a site code in quotes",
                Some(format!(
                    "write {} (three characters A–Z, 0–9)",
                    kv(self.syntax, key, "\"ABC\"")
                )),
            );
            return CodeRef::Invalid;
        };
        match SiteCode::parse(s) {
            Some(code) => CodeRef::Valid(Sp {
                v: code,
                span: e.value.span.clone(),
            }),
            None => {
                let hint = if SiteCode::parse(&s.to_uppercase()).is_some() {
                    format!("site codes are upper case: write \"{}\"", s.to_uppercase())
                } else {
                    let n = s.chars().count();
                    format!(
                        "a site code is exactly 3 characters, each A–Z or 0–9 (this one has {n} character{})",
                        if n == 1 { "" } else { "s" }
                    )
                };
                self.sink
                    .error(
                        Code::E010,
                        e.value.span.clone(),
                        format!("`{key}` of {}: `{s}` is not a valid site code", f.what),
                        "not a site code",
                    )
                    .hint(hint);
                CodeRef::Invalid
            }
        }
    }

    /// An optional list of strings.
    fn strings(&mut self, f: &Fields<'_>, key: &str) -> Option<Vec<Sp<String>>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        let Kind::Array(items) = &e.value.kind else {
            let hint = match &e.value.kind {
                Kind::String(s) => Some(format!(
                    "write a list, even of one: {}",
                    kv(self.syntax, key, &format!("[\"{s}\"]"))
                )),
                _ => Some(format!(
                    "write a list in square brackets: {}",
                    kv(self.syntax, key, "[\"…\", \"…\"]")
                )),
            };
            self.wrong_type(f, e, "a list of strings", hint);
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match &item.kind {
                Kind::String(s) => out.push(Sp {
                    v: s.clone(),
                    span: item.span.clone(),
                }),
                other => {
                    ok = false;
                    let found = other.describe(self.syntax);
                    self.sink
                        .error(
                            Code::E005,
                            item.span.clone(),
                            format!("`{key}` of {} must list strings, found {found}", f.what),
                            found,
                        )
                        .hint("put each element in double quotes");
                }
            }
        }
        ok.then_some(out)
    }

    /// An optional date, `YYYY-MM-DD`: a string, or in TOML also a bare local date.
    fn date(&mut self, f: &Fields<'_>, key: &str) -> Option<Sp<NaiveDate>> {
        let e = self.entry_or_missing(f, key, false, "")?;
        self.date_value(&e.value, &format!("`{key}` of {}", f.what))
    }

    fn date_value(&mut self, node: &Node, what: &str) -> Option<Sp<NaiveDate>> {
        let text = match &node.kind {
            Kind::String(s) => s.trim().to_string(),
            Kind::Datetime => self
                .sink
                .text
                .get(node.span.clone())
                .unwrap_or("")
                .to_string(),
            other => {
                let found = other.describe(self.syntax);
                self.sink
                    .error(
                        Code::E005,
                        node.span.clone(),
                        format!("{what} must be a date, found {found}"),
                        found,
                    )
                    .hint("write the date as \"YYYY-MM-DD\", e.g. \"2027-03-01\"");
                return None;
            }
        };
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) if text.len() == 10 => Some(Sp {
                v: d,
                span: node.span.clone(),
            }),
            _ => {
                self.sink
                    .error(
                        Code::E031,
                        node.span.clone(),
                        format!("{what}: `{text}` is not a date"),
                        "not a YYYY-MM-DD date",
                    )
                    .hint("write the date as YYYY-MM-DD (year, month, day), e.g. 2027-03-01, and check that the day exists");
                None
            }
        }
    }

    /// A whole number of working days, at most `MAX_SCHEDULE_DAYS`.
    fn days(&mut self, f: &Fields<'_>, key: &str) -> Option<u32> {
        let e = f.get(key)?;
        if matches!(e.value.kind, Kind::Null) {
            return None;
        }
        let v = self.whole(f, key);
        if v > MAX_SCHEDULE_DAYS {
            self.sink
                .error(
                    Code::E007,
                    e.value.span.clone(),
                    format!(
                        "`{key}` of {} is more than {MAX_SCHEDULE_DAYS} working days",
                        f.what
                    ),
                    "too long",
                )
                .hint("durations are in working days: check for a typing slip");
            return None;
        }
        Some(v as u32)
    }

    /// `[schedule]`.
    fn schedule(&mut self, f: &Fields<'_>) -> Option<Schedule> {
        let mut days = BTreeMap::new();
        if let Some(e) = f.get("days") {
            let mut kinds: Vec<&str> = crate::model::TaskKind::accepted_names();
            kinds.push(SECONDARY_UPGRADE_KIND);
            let what = match self.syntax {
                Syntax::Toml => "`[schedule.days]` table".to_string(),
                Syntax::Json => "`schedule.days` object".to_string(),
            };
            if let Some(d) = self.table(&e.value, what, "schedule.days", &kinds) {
                for entry in d.entries {
                    if kinds.contains(&entry.key.as_str()) {
                        if let Some(n) = self.days(&d, &entry.key) {
                            days.insert(entry.key.clone(), n);
                        }
                    }
                }
            }
        }
        let default_days = self.days(f, "default_days");
        let client_days_per_1000 = self.days(f, "client_days_per_1000");
        let weekdays = match self.strings(f, "weekdays") {
            Some(given) => {
                let mut out = Vec::new();
                for item in &given {
                    // Exact, as every enumeration: `Monday` is reported with its lower-case form.
                    let word = item.v.as_str();
                    match WEEKDAYS.iter().position(|w| *w == word) {
                        Some(i) => {
                            let day = chrono::Weekday::try_from(i as u8).expect("0..7");
                            if !out.contains(&day) {
                                out.push(day);
                            }
                        }
                        None => {
                            let lower = word.trim().to_lowercase();
                            let hint = match WEEKDAYS.iter().find(|w| **w == lower) {
                                Some(exact) => {
                                    format!("write it in lower case, as every value: \"{exact}\"")
                                }
                                None => match closest(&lower, WEEKDAYS) {
                                    Some(best) => format!(
                                        "did you mean `{best}`? Accepted values: {}",
                                        list(WEEKDAYS)
                                    ),
                                    None => format!("accepted values: {}", list(WEEKDAYS)),
                                },
                            };
                            self.sink
                                .error(
                                    Code::E006,
                                    item.span.clone(),
                                    format!(
                                        "unknown weekday `{}` in `weekdays` of {}",
                                        item.v, f.what
                                    ),
                                    "not a weekday",
                                )
                                .hint(hint);
                        }
                    }
                }
                if given.is_empty() {
                    let span = f
                        .get("weekdays")
                        .map(|e| e.value.span.clone())
                        .unwrap_or(0..0);
                    self.sink
                        .error(
                            Code::E032,
                            span,
                            format!("`weekdays` of {} lists no day to work on", f.what),
                            "empty",
                        )
                        .hint("list the days work happens on, e.g. [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], or remove the key for Monday to Friday");
                }
                out.sort_by_key(|d| d.num_days_from_monday());
                Some(out)
            }
            None => None,
        };
        let mut blackout = Vec::new();
        if let Some(e) = f.get("blackout") {
            match &e.value.kind {
                Kind::Array(items) => {
                    for item in items {
                        if let Some(d) = self.date_value(item, &format!("`blackout` of {}", f.what))
                        {
                            blackout.push(d.v);
                        }
                    }
                }
                Kind::Null => {}
                _ => self.wrong_type(
                    f,
                    e,
                    "a list of dates",
                    Some(format!(
                        "write a list, even of one: {}",
                        kv(self.syntax, "blackout", "[\"2027-04-02\"]")
                    )),
                ),
            }
        }
        blackout.sort();
        blackout.dedup();
        Some(Schedule {
            start: NaiveDate::default(),
            days,
            default_days,
            client_days_per_1000,
            weekdays,
            blackout,
        })
    }

    fn plan(&mut self, f: &Fields<'_>) -> Option<PlanInfo> {
        let title = self.string(f, "title", true);
        let organisation = self.string(f, "organisation", false);
        let change_reference = self.string(f, "change_reference", false);
        let prepared_by = self.string(f, "prepared_by", false);
        let target = self.choice(
            f,
            "target",
            true,
            "target media",
            TargetMedia::parse,
            TargetMedia::ALL,
        );
        let order = self.choice(
            f,
            "order",
            false,
            "site order",
            crate::model::SiteOrder::parse,
            crate::model::SiteOrder::ALL,
        );
        let pilot = self.site_code(f, "pilot", false);
        Some(PlanInfo {
            title: title?.v,
            organisation: organisation.map(|s| s.v),
            change_reference: change_reference.map(|s| s.v),
            prepared_by: prepared_by.map(|s| s.v),
            target: target?.v,
            order: order.map_or(crate::model::SiteOrder::Tiers, |o| o.v),
            pilot: match pilot {
                CodeRef::Valid(c) => Some(c.v),
                _ => None,
            },
        })
    }

    fn site(&mut self, mut f: Fields<'_>) -> RawSite {
        let code = match self.site_code(&f, "code", true) {
            CodeRef::Valid(c) => Some(c),
            _ => None,
        };
        if let Some(c) = &code {
            f.what = format!("site {}", c.v);
        }
        let name = self.string(&f, "name", true).map(|s| s.v);
        let site_type = self.choice(
            &f,
            "type",
            true,
            "site type",
            SiteType::parse,
            SiteType::ALL,
        );
        let parent = self.site_code(&f, "parent", false);
        let version = self
            .choice(
                &f,
                "version",
                true,
                "site version",
                SiteVersion::parse,
                SiteVersion::ALL,
            )
            .map(|s| s.v);
        let security = self
            .choice(
                &f,
                "security",
                true,
                "security mode",
                SecurityMode::parse,
                SecurityMode::ALL,
            )
            .map(|s| s.v);
        let site_server = self.computer_name(&f, "site_server", true);
        let database_server = self.computer_name(&f, "database_server", false);
        let database_size_mb = self.number(&f, "database_size_mb", false).map(|n| n.v);
        let clients = self.whole(&f, "clients");
        let legacy_clients = self.whole(&f, "legacy_clients");
        let wave = self.whole(&f, "wave");
        let feature_packs = self.strings(&f, "feature_packs").unwrap_or_default();
        // Free text like any name: the same character and length rules.
        for pack in feature_packs.iter().filter(|p| !p.v.is_empty()) {
            self.characters(&f, "feature_packs", false, pack);
        }
        let feature_packs = feature_packs
            .into_iter()
            .map(|s| s.v.trim().to_lowercase())
            .collect();
        RawSite {
            span: header_span(&f.span, self.sink.text),
            what: f.what,
            code,
            name,
            site_type,
            parent,
            version,
            security,
            site_server,
            database_server,
            database_size_mb,
            clients,
            legacy_clients,
            feature_packs,
            wave,
        }
    }

    fn server(&mut self, mut f: Fields<'_>) -> RawServer {
        let name = self.computer_name(&f, "name", true);
        if let Some(n) = &name {
            f.what = format!("server {}", n.v);
        }
        let site = self.site_code(&f, "site", false);
        let os = self
            .choice(
                &f,
                "os",
                true,
                "operating system",
                OsVersion::parse,
                OsVersion::ALL,
            )
            .map(|s| s.v);
        let sql_written = f
            .get("sql")
            .is_some_and(|e| !matches!(e.value.kind, Kind::Null));
        let sql = self
            .choice(
                &f,
                "sql",
                false,
                "SQL Server version",
                SqlVersion::parse,
                SqlVersion::ALL,
            )
            .map(|s| s.v);
        let sql_replication = self.boolean(&f, "sql_replication");
        let free_disk_gb = self.number(&f, "free_disk_gb", false).map(|n| n.v);
        let internet_access = self.boolean(&f, "internet_access");
        let roles = self.roles(&f);
        let webdav = self.boolean(&f, "webdav");
        let bits = self.boolean(&f, "bits");
        RawServer {
            name,
            site,
            os,
            sql,
            sql_written,
            sql_replication,
            free_disk_gb,
            internet_access,
            roles,
            webdav,
            bits,
        }
    }

    fn roles(&mut self, f: &Fields<'_>) -> Option<Sp<Vec<Role>>> {
        let span = f.get("roles")?.value.span.clone();
        let items = self.strings(f, "roles")?;
        let accepted = list(Role::ALL);
        let mut roles = Vec::new();
        for item in items {
            match Role::parse(&item.v) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => {
                    let mut hint = match closest(&item.v, Role::ALL) {
                        Some(best) => format!("did you mean `{best}`? Accepted roles: {accepted}"),
                        None => format!("accepted roles: {accepted}"),
                    };
                    if matches!(
                        item.v.as_str(),
                        "site-server" | "site-database" | "sql" | "database"
                    ) {
                        hint = format!(
                            "the site server and site database are given by the site (`site_server`, `database_server`), not as roles; accepted roles: {accepted}"
                        );
                    }
                    self.sink
                        .error(
                            Code::E006,
                            item.span,
                            format!(
                                "unknown site system role `{}` in `roles` of {}",
                                item.v, f.what
                            ),
                            "not a known role",
                        )
                        .hint(hint);
                }
            }
        }
        Some(Sp { v: roles, span })
    }

    fn custom_task(&mut self, f: &Fields<'_>) -> Option<CustomTask> {
        let id = self.string(f, "id", true);
        let title = self.string(f, "title", true);
        let expected_result = self.string(f, "expected_result", true);
        let details = self.string(f, "details", false);
        let after = self.string(f, "after", false);
        let before = self.string(f, "before", false);
        let scope = self
            .choice(
                f,
                "scope",
                false,
                "scope",
                CustomTaskScope::parse,
                CustomTaskScope::ALL,
            )
            .map(|s| s.v);
        let scope_ok = scope.is_some()
            || f.get("scope")
                .is_none_or(|e| matches!(e.value.kind, Kind::Null));
        let mut ok = true;
        for (field, value) in [("id", &id), ("after", &after), ("before", &before)] {
            if let Some(v) = value {
                if !is_task_word(&v.v) {
                    ok = false;
                    let suggestion: String =
                        v.v.trim()
                            .to_uppercase()
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                            .collect();
                    let what = if field == "id" {
                        "a custom task id"
                    } else {
                        "a task kind"
                    };
                    self.sink
                        .error(
                            Code::E025,
                            v.span.clone(),
                            format!("`{field}` of {}: `{}` is not {what}", f.what, v.v),
                            "only A–Z, 0–9 and - allowed",
                        )
                        .hint(if field == "id" {
                            format!("use upper-case letters, digits and hyphens, e.g. \"{suggestion}\"")
                        } else {
                            format!(
                                "name the kind of task it follows, in upper case with hyphens, e.g. \"SITE-UPG\" or \"PREP-BACKUP\" (here perhaps \"{suggestion}\")"
                            )
                        });
                }
            }
        }
        if !ok || !scope_ok {
            return None;
        }
        if !self.placement(f, after.as_ref(), before.as_ref()) {
            return None;
        }
        Some(CustomTask {
            id: id?.v,
            title: title?.v,
            expected_result: expected_result?.v,
            details: details.map(|d| d.v),
            after: after.map(|a| a.v),
            before: before.map(|b| b.v),
            scope: scope.unwrap_or(CustomTaskScope::Hierarchy),
        })
    }

    /// Where a custom task goes: exactly one of `after` and `before` (E004, E039), naming a kind
    /// of task the engine generates (E038, with the closest kind). Checked here so that the
    /// problem is located in the file, not refused later by the engine.
    fn placement(
        &mut self,
        f: &Fields<'_>,
        after: Option<&Sp<String>>,
        before: Option<&Sp<String>>,
    ) -> bool {
        let (key, kind) = match (after, before) {
            (Some(a), None) => ("after", a),
            (None, Some(b)) => ("before", b),
            (Some(_), Some(b)) => {
                self.sink
                    .error(
                        Code::E039,
                        b.span.clone(),
                        format!("{} has both `after` and `before`", f.what),
                        "second placement",
                    )
                    .hint("give one: `after = \"KIND\"` (right after the last task of that kind) or `before = \"KIND\"` (right before the first)");
                return false;
            }
            // Given, but of the wrong type: already reported.
            (None, None) if f.get("after").is_some() || f.get("before").is_some() => return false,
            (None, None) => {
                // E004 like any missing key, at the table's header.
                let before_count = self.sink.diagnostics.len();
                let _ = self.string(f, "after", true);
                if let Some(d) = self.sink.diagnostics.get_mut(before_count) {
                    d.hint = Some(
                        "say where the task goes: `after = \"KIND\"` or `before = \"KIND\"`, e.g. after = \"PREP-BACKUP\""
                            .to_string(),
                    );
                }
                return false;
            }
        };
        // Current and retired kind names alike (a retired one resolves to its successor).
        if crate::model::TaskKind::from_name(&kind.v).is_some() {
            return true;
        }
        let kinds: Vec<&str> = crate::model::TaskKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        let custom = crate::model::CUSTOM_KIND;
        let hint = if kind.v == custom || kind.v.starts_with(&format!("{custom}-")) {
            format!("a custom task cannot be placed against another custom task: give the kind that one is placed against (its `{key}`)")
        } else {
            match closest(&kind.v, &kinds) {
                Some(best) => format!("did you mean \"{best}\"? Task kinds: {}", kinds.join(", ")),
                None => format!("task kinds: {}", kinds.join(", ")),
            }
        };
        self.sink
            .error(
                Code::E038,
                kind.span.clone(),
                format!(
                    "`{key}` of {}: `{}` is not a kind of task the plan has",
                    f.what, kind.v
                ),
                "no such task kind",
            )
            .hint(hint);
        false
    }

    /// Everything that involves more than one table: uniqueness, references, the shape of the
    /// hierarchy.
    fn cross_check(
        &mut self,
        sites: &[RawSite],
        servers: &[RawServer],
        unread: Unread,
    ) -> Resolved {
        // Site codes: unique.
        let mut by_code: BTreeMap<SiteCode, usize> = BTreeMap::new();
        for (i, s) in sites.iter().enumerate() {
            let Some(code) = &s.code else { continue };
            if let Some(&first) = by_code.get(&code.v) {
                let first_span = sites[first]
                    .code
                    .as_ref()
                    .map(|c| c.span.clone())
                    .unwrap_or(0..0);
                self.sink
                    .error(
                        Code::E011,
                        code.span.clone(),
                        format!("site code {} is used by more than one site", code.v),
                        "used again here",
                    )
                    .also(first_span, "first used here")
                    .hint("site codes are unique in a hierarchy: give this site its own code, or remove the duplicate");
            } else {
                by_code.insert(code.v.clone(), i);
            }
        }

        // Server names: unique ignoring case (Windows computer names are).
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, s) in servers.iter().enumerate() {
            let Some(name) = &s.name else { continue };
            let key = name.v.to_uppercase();
            if let Some(&first) = by_name.get(&key) {
                let first_name = servers[first].name.as_ref().expect("indexed by name");
                let same_case = first_name.v == name.v;
                self.sink
                    .error(
                        Code::E012,
                        name.span.clone(),
                        format!("server {} is described twice", name.v),
                        "described again here",
                    )
                    .also(first_name.span.clone(), "first described here")
                    .hint(if same_case {
                        format!("describe each computer once, in one {} listing all its roles", entry(self.syntax, "server"))
                    } else {
                        format!(
                            "computer names are not case-sensitive: `{}` and `{}` are the same computer; merge the two entries",
                            first_name.v, name.v
                        )
                    });
            } else {
                by_name.insert(key, i);
            }
        }
        let server_names: Vec<&str> = servers
            .iter()
            .filter_map(|s| s.name.as_ref().map(|n| n.v.as_str()))
            .collect();
        let codes: Vec<&str> = by_code.keys().map(SiteCode::as_str).collect();

        // References that resolve to nothing, and whether sites or servers that could not be read
        // may explain them all (`Unread`).
        let parents = sites.iter().filter_map(|s| match &s.parent {
            CodeRef::Valid(p) => Some(&p.v),
            _ => None,
        });
        let server_sites = servers.iter().filter_map(|s| match &s.site {
            // With no usable site at all, these are not reported anyway (below).
            CodeRef::Valid(c) if !by_code.is_empty() => Some(&c.v),
            _ => None,
        });
        let unknown_codes: BTreeSet<&SiteCode> = parents
            .chain(server_sites)
            .filter(|c| !by_code.contains_key(*c))
            .collect();
        let codes_explained = unknown_codes.len() <= unread.sites;
        let unknown_servers: BTreeSet<String> = sites
            .iter()
            .flat_map(|s| {
                let secondary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Secondary);
                // A secondary's `database_server` is E019, never looked up.
                let database = s.database_server.as_ref().filter(|_| !secondary);
                s.site_server.iter().chain(database)
            })
            .map(|r| r.v.to_uppercase())
            .filter(|n| !by_name.contains_key(n))
            .collect();
        let servers_explained = unknown_servers.len() <= unread.servers;

        // Parents: exist, are primary.
        let mut parent_of: Vec<Option<usize>> = vec![None; sites.len()];
        for (i, s) in sites.iter().enumerate() {
            let CodeRef::Valid(p) = &s.parent else {
                continue;
            };
            match by_code.get(&p.v) {
                // Perhaps the code of a site whose own code could not be read (`Unread`).
                None if codes_explained => {}
                None => {
                    let hint = match self.suggest(p.v.as_str(), &codes) {
                        Some(best) => format!("did you mean {best}? The parent must be the code of a site described in this file"),
                        None => format!("the parent must be the code of a site described in this file; add a site with {} or correct the code", kv(self.syntax, "code", &format!("\"{}\"", p.v))),
                    };
                    self.sink
                        .error(
                            Code::E016,
                            p.span.clone(),
                            format!("{}: parent site {} is not described", s.what, p.v),
                            "no site has this code",
                        )
                        .hint(hint);
                }
                Some(&j) => {
                    let parent = &sites[j];
                    if let Some(t) = &parent.site_type {
                        if t.v == SiteType::Secondary {
                            self.sink
                                .error(
                                    Code::E018,
                                    p.span.clone(),
                                    format!(
                                        "{}: its parent {} is a secondary site, and a secondary site cannot have child sites",
                                        s.what, p.v
                                    ),
                                    "parent is a secondary site",
                                )
                                .also(t.span.clone(), format!("{} is a secondary site", p.v))
                                .hint("attach this site to a primary site, or make its parent a primary site");
                        }
                    }
                    // Duplicates are not part of the tree (they are already an error).
                    let is_first = s
                        .code
                        .as_ref()
                        .is_some_and(|c| by_code.get(&c.v) == Some(&i));
                    if is_first {
                        parent_of[i] = Some(j);
                    }
                }
            }
        }
        let has_cycle = self.cycles(sites, &parent_of);

        // Exactly one site without a parent, and it is primary.
        let roots: Vec<usize> = sites
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                matches!(s.parent, CodeRef::Absent)
                    && s.code
                        .as_ref()
                        .is_some_and(|c| by_code.get(&c.v) == Some(i))
            })
            .map(|(i, _)| i)
            .collect();
        // A site that could not be read may be the central site (`Unread`).
        let all_have_codes = unread.sites == 0;
        match roots.as_slice() {
            // With a cycle, the cycle is the explanation; say it once.
            [] if !sites.is_empty() && all_have_codes && !has_cycle => {
                let first = &sites[0];
                self.sink
                    .error(
                        Code::E013,
                        first.span.clone(),
                        "no central site: every site has a parent",
                        "the first site",
                    )
                    .hint("the central site is the primary site at the top of the hierarchy: remove its `parent`");
            }
            [] => {}
            [central, others @ ..] => {
                let central_site = &sites[*central];
                let central_code = central_site.code.as_ref().expect("roots have codes");
                for &o in others {
                    let site = &sites[o];
                    self.sink
                        .error(
                            Code::E014,
                            site.code.as_ref().map(|c| c.span.clone()).unwrap_or(site.span.clone()),
                            format!(
                                "{} has no parent, but {} is already the central site",
                                site.what, central_code.v
                            ),
                            "no `parent`",
                        )
                        .also(central_code.span.clone(), "the central site (no parent)")
                        .hint(format!(
                            "a hierarchy has one central site: add {} (or the code of another primary site) to {}",
                            kv(self.syntax, "parent", &format!("\"{}\"", central_code.v)), site.what
                        ));
                }
                if let Some(t) = &central_site.site_type {
                    if t.v == SiteType::Secondary {
                        self.sink
                            .error(
                                Code::E015,
                                t.span.clone(),
                                format!(
                                    "{} has no parent, so it is the central site, but it is a secondary site",
                                    central_site.what
                                ),
                                "the central site must be primary",
                            )
                            .hint(format!("the central site is a primary site: set {}, or give this secondary site the `parent` it reports to", kv(self.syntax, "type", "\"primary\"")));
                    }
                }
            }
        }

        // Site servers and database servers.
        let mut site_server_of: HashMap<usize, usize> = HashMap::new();
        let mut missing_sql_reported: Vec<usize> = Vec::new();
        for (i, s) in sites.iter().enumerate() {
            let server_ref = |cx: &mut Self, r: &Sp<String>, key: &str| -> Option<usize> {
                match by_name.get(&r.v.to_uppercase()) {
                    Some(&j) => Some(j),
                    // Perhaps the name of a server whose own name could not be read (`Unread`).
                    None if servers_explained => None,
                    None => {
                        let hint = match cx.suggest(&r.v, &server_names) {
                            Some(best) => format!(
                                "did you mean {best}? Each server a site names needs its own {}",
                                entry(cx.syntax, "server")
                            ),
                            None => format!(
                                "add a {} with {}, or correct the name",
                                entry(cx.syntax, "server"),
                                kv(cx.syntax, "name", &format!("\"{}\"", r.v))
                            ),
                        };
                        cx.sink
                            .error(
                                Code::E021,
                                r.span.clone(),
                                format!(
                                    "{}: `{key}` names server {}, which is not described",
                                    s.what, r.v
                                ),
                                "no server has this name",
                            )
                            .hint(hint);
                        None
                    }
                }
            };
            if let Some(r) = &s.site_server {
                if let Some(j) = server_ref(self, r, "site_server") {
                    if let Some(&other) = site_server_of.get(&j) {
                        let first = sites[other].site_server.as_ref().expect("indexed");
                        self.sink
                            .error(
                                Code::E029,
                                r.span.clone(),
                                format!(
                                    "{}: server {} is already the site server of {}",
                                    s.what, r.v, sites[other].what
                                ),
                                "site server again",
                            )
                            .also(first.span.clone(), "first site server here")
                            .hint("a computer is the site server of one site only: name this site's own site server");
                    } else {
                        site_server_of.insert(j, i);
                        // The site server's `site`, if written, must be this site.
                        self.site_server_belongs(s, r, &servers[j]);
                    }
                }
            }
            let is_secondary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Secondary);
            let is_primary = s.site_type.as_ref().map(|t| t.v) == Some(SiteType::Primary);
            match &s.database_server {
                Some(r) if is_secondary => {
                    self.sink
                        .error(
                            Code::E019,
                            r.span.clone(),
                            format!("{} is a secondary site, which has no site database, but names a `database_server`", s.what),
                            "not for a secondary site",
                        )
                        .hint(format!("remove `database_server` from this site (or set {} if it is a primary site)", kv(self.syntax, "type", "\"primary\"")));
                }
                Some(r) => {
                    if let Some(j) = server_ref(self, r, "database_server") {
                        let server = &servers[j];
                        if !server.sql_written && !missing_sql_reported.contains(&j) {
                            missing_sql_reported.push(j);
                            let name = server.name.as_ref().expect("indexed by name");
                            self.sink
                                .error(
                                    Code::E022,
                                    name.span.clone(),
                                    format!(
                                        "server {} hosts the site database of {} but has no `sql`",
                                        name.v, s.what
                                    ),
                                    "no `sql` on this server",
                                )
                                .also(r.span.clone(), "named as database server here")
                                .hint(format!(
                                    "add the SQL Server version to this server, e.g. {}; accepted: {}",
                                    kv(self.syntax, "sql", "\"sql2005-sp2\""), list(SqlVersion::ALL)
                                ));
                        }
                    }
                }
                None if is_primary => {
                    let at = s
                        .site_type
                        .as_ref()
                        .map(|t| t.span.clone())
                        .unwrap_or(s.span.clone());
                    self.sink
                        .error(
                            Code::E020,
                            at,
                            format!("{} is a primary site but has no `database_server`", s.what),
                            "a primary site has a site database",
                        )
                        .hint(format!("add {} naming the server that hosts its site database (it may be the site server itself)", kv(self.syntax, "database_server", "\"<server name>\"")));
                }
                None => {}
            }
        }

        // Servers: their `site` exists; a server holding roles says for which site.
        for s in servers {
            let what = s
                .name
                .as_ref()
                .map(|n| format!("server {}", n.v))
                .unwrap_or_else(|| "this server".to_string());
            match &s.site {
                // With no usable site at all, the missing sites are the problem, not this reference.
                CodeRef::Valid(c)
                    if !by_code.is_empty() && !codes_explained && !by_code.contains_key(&c.v) =>
                {
                    let hint = match self.suggest(c.v.as_str(), &codes) {
                        Some(best) => format!("did you mean {best}? `site` is the code of the site whose roles this server holds"),
                        None => "`site` is the code of a site described in this file, whose roles this server holds".to_string(),
                    };
                    self.sink
                        .error(
                            Code::E023,
                            c.span.clone(),
                            format!("{what}: site {} is not described", c.v),
                            "no site has this code",
                        )
                        .hint(hint);
                }
                CodeRef::Absent => {
                    if let Some(roles) = s.roles.as_ref().filter(|r| !r.v.is_empty()) {
                        self.sink
                            .error(
                                Code::E024,
                                roles.span.clone(),
                                format!("{what} holds site system roles but has no `site`"),
                                "roles of which site?",
                            )
                            .hint(format!(
                                "add {} naming the site whose roles this server holds",
                                kv(self.syntax, "site", "\"<code>\"")
                            ));
                    }
                }
                _ => {}
            }
        }

        Resolved { servers: by_name }
    }

    /// A site server whose `site` is written must name the site it serves.
    fn site_server_belongs(&mut self, s: &RawSite, r: &Sp<String>, server: &RawServer) {
        let (CodeRef::Valid(server_site), Some(code)) = (&server.site, &s.code) else {
            return;
        };
        if server_site.v == code.v {
            return;
        }
        self.sink
            .error(
                Code::E030,
                server_site.span.clone(),
                format!(
                    "server {} is the site server of {} but its `site` is {}",
                    r.v, code.v, server_site.v
                ),
                format!("should be {}", code.v),
            )
            .also(r.span.clone(), format!("site server of {}", code.v))
            .hint(format!(
                "a site server holds the roles of its own site: set {} on this server, or correct `site_server` of {}",
                kv(self.syntax, "site", &format!("\"{}\"", code.v)),
                s.what
            ));
    }

    /// Reports each cycle in the parent relation once. Iterative and linear: a hostile description
    /// may have tens of thousands of sites.
    fn cycles(&mut self, sites: &[RawSite], parent_of: &[Option<usize>]) -> bool {
        const UNSEEN: usize = usize::MAX;
        let mut found = false;
        let mut walk_of = vec![UNSEEN; sites.len()];
        let mut path = Vec::new();
        for start in 0..sites.len() {
            if walk_of[start] != UNSEEN {
                continue;
            }
            path.clear();
            let mut at = Some(start);
            while let Some(i) = at {
                if walk_of[i] != UNSEEN {
                    if walk_of[i] == start {
                        // Back on this walk's own path: the path from `i` on is a cycle.
                        let from = path.iter().position(|&p| p == i).expect("on path");
                        self.report_cycle(sites, &path[from..]);
                        found = true;
                    }
                    break;
                }
                walk_of[i] = start;
                path.push(i);
                at = parent_of[i];
            }
        }
        found
    }

    fn report_cycle(&mut self, sites: &[RawSite], cycle: &[usize]) {
        // Start the description at the member written first, for stable messages.
        let first = (0..cycle.len())
            .min_by_key(|&k| cycle[k])
            .expect("non-empty");
        let ordered: Vec<usize> = cycle[first..]
            .iter()
            .chain(&cycle[..first])
            .copied()
            .collect();
        let code = |i: usize| {
            sites[i]
                .code
                .as_ref()
                .map(|c| c.v.to_string())
                .unwrap_or_default()
        };
        let head = &sites[ordered[0]];
        let parent_span = match &head.parent {
            CodeRef::Valid(p) => p.span.clone(),
            _ => head.span.clone(),
        };
        if ordered.len() == 1 {
            self.sink
                .error(
                    Code::E017,
                    parent_span,
                    format!("site {} is its own parent", code(ordered[0])),
                    "its own code",
                )
                .hint("set `parent` to the site this one reports to, or remove it if this is the central site");
            return;
        }
        const SHOWN: usize = 8;
        let mut chain: Vec<String> = ordered.iter().take(SHOWN).map(|&i| code(i)).collect();
        if ordered.len() > SHOWN {
            chain.push(format!("… ({} more)", ordered.len() - SHOWN));
        }
        chain.push(code(ordered[0]));
        let d = self.sink.error(
            Code::E017,
            parent_span,
            format!(
                "the parents of {} sites form a cycle: {}",
                ordered.len(),
                chain.join(" → ")
            ),
            "this parent leads back to this site",
        );
        for &i in ordered.iter().skip(1).take(2) {
            if let CodeRef::Valid(p) = &sites[i].parent {
                d.also(p.span.clone(), format!("parent of {}", code(i)));
            }
        }
        d.hint("every chain of parents must end at the central site: correct the `parent` of one of these sites");
    }
}

/// The line a table starts on: for a TOML `[[site]]` this is its header; for a JSON object its
/// opening brace (the whole object would underline many lines).
fn header_span(span: &Span, text: &str) -> Span {
    let s = text.get(span.clone()).unwrap_or("");
    if s.starts_with('{') {
        span.start..span.start + 1
    } else {
        let end = s.find('\n').map(|n| span.start + n).unwrap_or(span.end);
        span.start..end
    }
}

/// Keys whose text may run over several lines: line breaks and tabs are allowed there (E035).
const MULTILINE_KEYS: &[&str] = &["expected_result", "details"];

/// The longest text each kind of field may hold, in characters, and what the kind is called. The
/// workbook's 32,767 characters per cell is the ceiling: a task's texts must fit in their cells.
pub const NAME_LIMIT: usize = 256;
pub const TITLE_LIMIT: usize = 1_000;
pub const TEXT_LIMIT: usize = 30_000;

fn text_limit(key: &str) -> (usize, &'static str) {
    match key {
        _ if MULTILINE_KEYS.contains(&key) => (TEXT_LIMIT, "a text"),
        "title" => (TITLE_LIMIT, "a title"),
        _ => (NAME_LIMIT, "a name"),
    }
}

/// Whether a character shows something: not whitespace, not a control character, not one of
/// Unicode's default-ignorable code points.
fn is_visible(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_default_ignorable(c))
}

/// Unicode's `Default_Ignorable_Code_Point` characters (DerivedCoreProperties.txt): soft hyphen,
/// combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian and other variation
/// selectors, zero-width space / (non-)joiner, direction marks, embeddings, overrides and isolates,
/// invisible operators, the byte order mark, tags. On their own they show nothing.
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

fn is_task_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// `a`, `b`, `c` — the accepted spellings, quoted.
fn list(all: &[&str]) -> String {
    all.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate most like `word`, if any is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&w, &c.to_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

fn unknown_key_hint(key: &str, home: &str, allowed: &[&str], syntax: Syntax) -> String {
    let accepted = list(allowed);
    // A top-level key written inside a table: in TOML, every key after a [table] header belongs
    // to that table, an easy slip.
    if !home.is_empty() && ROOT_KEYS.contains(&key) {
        return match syntax {
            Syntax::Toml => format!(
                "in TOML, keys after a [{home}] header belong to that table: write each {} as its own [[{key}]] table instead",
                key.replace('_', " ")
            ),
            Syntax::Json => format!("`{key}` belongs at the top level of the description, not inside `{home}`"),
        };
    }
    if let Some(best) = closest(key, allowed) {
        return format!("did you mean `{best}`? Accepted keys here: {accepted}");
    }
    // A key that exists, but only in one other table.
    let homes: Vec<&str> = KEY_HOMES
        .iter()
        .filter(|(name, keys)| *name != home && keys.contains(&key))
        .map(|(name, _)| *name)
        .collect();
    if let [other] = homes.as_slice() {
        let place = match (*other, syntax) {
            ("console" | "site" | "server" | "custom_task", Syntax::Toml) => format!("[[{other}]]"),
            (_, Syntax::Toml) => format!("[{other}]"),
            (_, Syntax::Json) => format!("`{other}`"),
        };
        return format!("`{key}` belongs in {place}; accepted keys here: {accepted}");
    }
    format!("remove it, or use one of the accepted keys: {accepted}")
}

/// `key = value` in TOML, `"key": value` in JSON.
fn kv(syntax: Syntax, key: &str, value: &str) -> String {
    match syntax {
        Syntax::Toml => format!("{key} = {value}"),
        Syntax::Json => format!("\"{key}\": {value}"),
    }
}

/// "[[server]] entry" in TOML, "`server` object" in JSON.
fn entry(syntax: Syntax, key: &str) -> String {
    match syntax {
        Syntax::Toml => format!("[[{key}]] entry"),
        Syntax::Json => format!("`{key}` object"),
    }
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
