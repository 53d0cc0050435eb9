//! The whole pipeline over random valid hierarchies, written as TOML text: it loads, plans and
//! renders in every format without a panic or an error, and every task ID is in the Markdown, the
//! HTML, the JSON and the workbook's checklist. Names are drawn from hostile text (markup,
//! formulas, invisible characters, right-to-left marks, emoji).

use std::collections::BTreeSet;
use std::fmt::Write;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cmplan::plan::{self, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;
use proptest::prelude::*;

const TARGETS: [&str; 3] = ["rtm", "sp1", "sp2"];
const SCHEMAS: [&str; 3] = ["none", "sms2003", "configmgr2007"];
const VERSIONS: [&str; 8] = [
    "sms2.0",
    "sms2003-rtm",
    "sms2003-sp1",
    "sms2003-sp2",
    "sms2003-sp3",
    "configmgr2007-rtm",
    "configmgr2007-sp1",
    "configmgr2007-sp2",
];
const OSES: [&str; 9] = [
    "windows-2000-sp4",
    "windows-2003-rtm",
    "windows-2003-sp1",
    "windows-2003-sp2",
    "windows-2003-r2",
    "windows-2003-r2-sp2",
    "windows-2008",
    "windows-2008-sp2",
    "windows-2008-r2",
];
const SQLS: [&str; 11] = [
    "sql2000-sp3a",
    "sql2000-sp4",
    "sql2005-rtm",
    "sql2005-sp1",
    "sql2005-sp2",
    "sql2005-sp3",
    "sql2005-sp4",
    "sql2008-rtm",
    "sql2008-sp1",
    "sql2008-sp2",
    "sql2008-r2",
];
const ROLES: [&str; 6] = [
    "management-point",
    "distribution-point",
    "bits-distribution-point",
    "server-locator-point",
    "reporting-point",
    "client-access-point",
];
const PACKS: [&str; 4] = ["itmu", "osd", "device-management", "Custom | pack"];
const AFTER: [&str; 4] = ["PREP-BACKUP", "SITE-UPG", "POST-CHECK", "CLIENT-UPG"];
const SCOPES: [&str; 4] = ["hierarchy", "each-site", "each-primary", "each-secondary"];

/// Hostile free text: never blank (a name must not be empty).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 ]{0,12}",
        "[|<>*_`#\\[\\]()!=+@&\\\\~$-]{0,12}",
        // Invisible and bidi characters (control characters are refused by the input, E035).
        "[\u{a0}\u{ad}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{feff}]{0,6}",
        "[\u{5d0}-\u{5ea}\u{627}-\u{64a}\u{1F600}-\u{1F64F}é߷]{0,8}",
        Just("=HYPERLINK(\"http://evil.example\",\"x\")".to_string()),
        Just("[x](javascript:alert(1)) <script>".to_string()),
    ]
    .prop_map(|s| format!("N{s}"))
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone)]
struct SiteDraw {
    secondary: bool,
    parent_pick: usize,
    version: usize,
    advanced: bool,
    clients: u64,
    legacy: u64,
    packs: u8,
    name: String,
    os: usize,
    sql: usize,
    roles: u8,
    free_gb: Option<u16>,
    flags: u8,
}

fn site() -> impl Strategy<Value = SiteDraw> {
    (
        (
            prop::bool::weighted(0.4),
            any::<usize>(),
            0..VERSIONS.len(),
            prop::bool::weighted(0.8),
            0u64..80_000,
            prop_oneof![3 => Just(0u64), 1 => 0u64..300],
            any::<u8>(),
        ),
        (
            text(),
            0..OSES.len(),
            0..SQLS.len(),
            any::<u8>(),
            prop::option::of(0u16..300),
            any::<u8>(),
        ),
    )
        .prop_map(|(a, b)| SiteDraw {
            secondary: a.0,
            parent_pick: a.1,
            version: a.2,
            advanced: a.3,
            clients: a.4,
            legacy: a.5,
            packs: a.6,
            name: b.0,
            os: b.1,
            sql: b.2,
            roles: b.3,
            free_gb: b.4,
            flags: b.5,
        })
}

#[derive(Debug, Clone)]
struct Draw {
    title: String,
    organisation: Option<String>,
    target: usize,
    schema: usize,
    publish: bool,
    consoles: Vec<String>,
    sites: Vec<SiteDraw>,
    custom: Vec<(String, usize, usize)>,
}

fn draw() -> impl Strategy<Value = Draw> {
    (
        text(),
        prop::option::of(text()),
        0..TARGETS.len(),
        0..SCHEMAS.len(),
        any::<bool>(),
        // Console computer names become task IDs (`CONSOLE-UPG-<NAME>`): computer-name text.
        prop::collection::vec("C[A-Z0-9-]{0,8}", 0..3),
        prop::collection::vec(site(), 1..10),
        prop::collection::vec((text(), 0..AFTER.len(), 0..SCOPES.len()), 0..3),
    )
        .prop_map(
            |(title, organisation, target, schema, publish, consoles, sites, custom)| Draw {
                title,
                organisation,
                target,
                schema,
                publish,
                consoles,
                sites,
                custom,
            },
        )
}

fn code(i: usize) -> String {
    format!("S{i:02}")
}

/// The description: site 0 is the central primary; every other site hangs off an earlier
/// primary; each site has its own site server, a primary's also hosting its database.
fn description(d: &Draw) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "[plan]\ntitle = {}", quoted(&d.title));
    if let Some(o) = &d.organisation {
        let _ = writeln!(t, "organisation = {}", quoted(o));
    }
    let _ = writeln!(t, "target = \"{}\"\n", TARGETS[d.target]);
    let _ = writeln!(
        t,
        "[active_directory]\nschema_extended = \"{}\"\nsites_publish = {}\n",
        SCHEMAS[d.schema], d.publish
    );
    for c in &d.consoles {
        let _ = writeln!(t, "[[console]]\ncomputer = {}\n", quoted(c));
    }
    let mut primaries = Vec::new();
    for (i, s) in d.sites.iter().enumerate() {
        let secondary = i > 0 && s.secondary;
        let _ = writeln!(
            t,
            "[[site]]\ncode = \"{}\"\nname = {}\ntype = \"{}\"",
            code(i),
            quoted(&s.name),
            if secondary { "secondary" } else { "primary" }
        );
        if i > 0 {
            let parent: usize = primaries[s.parent_pick % primaries.len()];
            let _ = writeln!(t, "parent = \"{}\"", code(parent));
        }
        let _ = writeln!(
            t,
            "version = \"{}\"\nsecurity = \"{}\"\nsite_server = \"SRV{i}\"\nclients = {}\nlegacy_clients = {}",
            VERSIONS[s.version],
            if s.advanced { "advanced" } else { "standard" },
            s.clients,
            s.legacy
        );
        if !secondary {
            let _ = writeln!(t, "database_server = \"SRV{i}\"");
            primaries.push(i);
        }
        let packs: Vec<String> = (0..PACKS.len())
            .filter(|b| s.packs & (1 << b) != 0)
            .map(|b| quoted(PACKS[b]))
            .collect();
        let _ = writeln!(t, "feature_packs = [{}]\n", packs.join(", "));
        let _ = writeln!(
            t,
            "[[server]]\nname = \"SRV{i}\"\nsite = \"{}\"\nos = \"{}\"",
            code(i),
            OSES[s.os]
        );
        if !secondary {
            let _ = writeln!(t, "sql = \"{}\"", SQLS[s.sql]);
        }
        let roles: Vec<String> = (0..ROLES.len())
            .filter(|b| s.roles & (1 << b) != 0)
            .map(|b| format!("\"{}\"", ROLES[b]))
            .collect();
        let _ = writeln!(t, "roles = [{}]", roles.join(", "));
        if let Some(gb) = s.free_gb {
            let _ = writeln!(t, "free_disk_gb = {gb}");
        }
        let _ = writeln!(
            t,
            "webdav = {}\nbits = {}\ninternet_access = {}\nsql_replication = {}\n",
            s.flags & 1 != 0,
            s.flags & 2 != 0,
            s.flags & 4 != 0,
            !secondary && s.flags & 8 != 0
        );
    }
    for (i, (title, after, scope)) in d.custom.iter().enumerate() {
        let _ = writeln!(
            t,
            "[[custom_task]]\nid = \"CUSTOM{i}\"\ntitle = {}\nexpected_result = {}\nafter = \"{}\"\nscope = \"{}\"\n",
            quoted(title),
            quoted(title),
            AFTER[*after],
            SCOPES[*scope]
        );
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_hierarchy_renders_in_every_format_with_every_task_id(d in draw()) {
        let text = description(&d);
        let env = cmplan::input::load_bytes("prop.toml", text.as_bytes())
            .unwrap_or_else(|e| panic!("{}\n{text}", e.render(false)));
        let opts = PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: Templates::embedded(),
        };
        let plan = match plan::build(&env, &opts) {
            Ok(plan) => plan,
            // A custom task after a kind this hierarchy does not have is refused, by design.
            Err(e) if e.to_string().contains("is not a task kind")
                || e.to_string().contains("no task of kind") => return Ok(()),
            Err(e) => panic!("{e}\n{text}"),
        };
        let ids: BTreeSet<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
        prop_assert_eq!(ids.len(), plan.tasks().count(), "task IDs are unique");
        let ctx = RenderContext::default();
        for format in [Format::Md, Format::Json, Format::Html, Format::Pdf, Format::Xlsx] {
            let bytes = match render::render(format, &plan, &ctx) {
                Ok(bytes) => bytes,
                // The only failure accepted: a renderer not merged into this branch yet.
                Err(e) if e.message.contains("not implemented yet") => continue,
                Err(e) => panic!("{e}\n{text}"),
            };
            match format {
                Format::Md => {
                    let md = String::from_utf8(bytes).unwrap();
                    for id in &ids {
                        prop_assert!(md.contains(&render::markdown::escape(id)), "{} not in md", id);
                    }
                }
                Format::Html => {
                    // `<wbr>` marks where a long ID may wrap: the reader sees the ID whole.
                    let html = String::from_utf8(bytes).unwrap().replace("<wbr>", "");
                    for id in &ids {
                        prop_assert!(html.contains(id), "{} not in html", id);
                    }
                }
                Format::Json => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    let in_json: BTreeSet<&str> = v["phases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .flat_map(|p| p["tasks"].as_array().unwrap())
                        .map(|t| t["id"].as_str().unwrap())
                        .collect();
                    prop_assert_eq!(&in_json, &ids);
                    prop_assert_eq!(v["title"].as_str(), Some(plan.title.as_str()));
                }
                Format::Xlsx => {
                    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
                    let range = book.worksheet_range("Checklist").unwrap();
                    let cells: BTreeSet<String> = range
                        .used_cells()
                        .filter_map(|(_, _, c)| match c {
                            Data::String(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    for id in &ids {
                        prop_assert!(cells.contains(*id), "{} not in the checklist", id);
                    }
                }
                Format::Pdf => prop_assert!(bytes.starts_with(b"%PDF-")),
            }
        }
    }
}
