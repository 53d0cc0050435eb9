//! A realistic plan built by hand (a slice of the Contoso example), for the Markdown tests:
//! they must not depend on the planning engine's wording.

#![allow(dead_code)]

use std::ops::Range;

use cmplan::model::{SecurityMode, SiteType, SiteVersion, TargetMedia};
use cmplan::plan::{
    ChangeEntry, Finding, Phase, Plan, Progress, RemovedTask, RevisionChanges, Severity, SitePlan,
    Source, SqlServerPlan, Task, TaskStatus, Totals,
};
use cmplan::render::markdown;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Every character the escaper must neutralise, and a 500-character token.
pub fn hostile_name() -> String {
    "Ops | *bold* _em_ <b>html</b> `code` # [link](http://evil.example) \\ ~strike~ &amp; @team"
        .to_string()
}

pub fn long_token() -> String {
    "X".repeat(250) + &"y".repeat(250)
}

// One row of the hierarchy, spelt out positionally so the sample reads like a table.
#[allow(clippy::too_many_arguments)]
fn site(
    code: &str,
    name: &str,
    site_type: SiteType,
    parent: Option<&str>,
    version: SiteVersion,
    depth: usize,
    clients: u64,
    subtree_clients: u64,
    per_client: f64,
) -> SitePlan {
    let primary = site_type == SiteType::Primary;
    let growth = if primary {
        subtree_clients as f64 * per_client
    } else {
        0.0
    };
    SitePlan {
        code: code.into(),
        name: name.into(),
        site_type,
        parent: parent.map(Into::into),
        version,
        security: SecurityMode::Advanced,
        depth,
        site_server: format!("{code}-SMS01"),
        database_server: primary.then(|| format!("{code}-SQL01")),
        database_size_mb: primary.then_some(18000.0),
        clients,
        legacy_clients: 0,
        subtree_clients,
        database_growth_mb: growth,
        formula: if primary {
            format!("{subtree_clients} clients × {per_client} MB = {growth} MB")
        } else {
            "secondary site: no site database".into()
        },
        already_upgraded: false,
        blockers: 0,
        wave: None,
    }
}

pub fn task(id: &str, site: Option<&str>, title: &str, depends_on: &[&str]) -> Task {
    Task {
        id: id.into(),
        kind: id.rsplit_once('-').map(|(k, _)| k).unwrap_or(id).into(),
        site: site.map(Into::into),
        server: site.map(|s| format!("{s}-SMS01")),
        title: title.into(),
        expected_result: format!("{title}: done, and the site status is OK"),
        details: "Run Setup from the Configuration Manager 2007 SP1 media.".into(),
        reference: "S9 Configuration Manager In-Place Upgrade".into(),
        depends_on: depends_on.iter().map(|d| d.to_string()).collect(),
        remedies: Vec::new(),
        progress: None,
        wave: 1,
        planned_start: None,
        planned_end: None,
        critical: false,
        items: Vec::new(),
        backout: None,
    }
}

fn source() -> Source {
    Source {
        id: "S3".into(),
        title: "Prerequisites for Upgrading to Configuration Manager".into(),
        url: "http://systemscenter.ru/smsv4.en/html/8e657cdc-306b-4cff-a0bf-939b6df3b940.htm"
            .into(),
    }
}

/// CEN (central) → NYC → BOS, and CEN → LON, with three phases and findings of each severity.
pub fn sample_plan() -> Plan {
    let per_client = 2.0;
    let sites = vec![
        site(
            "CEN",
            "Contoso Central",
            SiteType::Primary,
            None,
            SiteVersion::Sms2003Sp3,
            0,
            1200,
            14550,
            per_client,
        ),
        site(
            "NYC",
            "New York",
            SiteType::Primary,
            Some("CEN"),
            SiteVersion::Sms2003Sp2,
            1,
            8000,
            8350,
            per_client,
        ),
        site(
            "BOS",
            "Boston branch",
            SiteType::Secondary,
            Some("NYC"),
            SiteVersion::Sms2003Sp2,
            2,
            350,
            350,
            per_client,
        ),
        site(
            "LON",
            "London",
            SiteType::Primary,
            Some("CEN"),
            SiteVersion::Sms2003Sp1,
            1,
            5000,
            5000,
            per_client,
        ),
    ];
    let mut blocker_fix = task(
        "SECMODE-LON",
        Some("LON"),
        "Switch LON to advanced security",
        &[],
    );
    blocker_fix.remedies = vec!["CHK-SECMODE".into()];
    let phases = vec![
        Phase {
            id: "prepare".into(),
            title: "Prepare the hierarchy".into(),
            tasks: vec![
                task("PRE-BACKUP-CEN", Some("CEN"), "Back up the CEN site", &[]),
                task(
                    "PRE-TESTDB-CEN",
                    Some("CEN"),
                    "Test the database upgrade of CEN",
                    &["PRE-BACKUP-CEN"],
                ),
                blocker_fix,
                Task {
                    site: None,
                    server: None,
                    ..task("AD-SCHEMA", None, "Extend the Active Directory schema", &[])
                },
            ],
        },
        Phase {
            id: "central".into(),
            title: "Upgrade the central site".into(),
            tasks: vec![task(
                "SITE-UPG-CEN",
                Some("CEN"),
                "Upgrade CEN",
                &["PRE-TESTDB-CEN", "AD-SCHEMA"],
            )],
        },
        Phase {
            id: "children".into(),
            title: "Upgrade the child sites".into(),
            tasks: vec![
                task(
                    "SITE-UPG-NYC",
                    Some("NYC"),
                    "Upgrade NYC",
                    &["SITE-UPG-CEN"],
                ),
                task(
                    "SITE-UPG-BOS",
                    Some("BOS"),
                    "Upgrade BOS",
                    &["SITE-UPG-NYC"],
                ),
                task(
                    "SITE-UPG-LON",
                    Some("LON"),
                    "Upgrade LON",
                    &["SITE-UPG-CEN", "SECMODE-LON"],
                ),
            ],
        },
    ];
    let tasks = phases.iter().map(|p| p.tasks.len()).sum();
    Plan {
        title: "Contoso SMS 2003 to Configuration Manager 2007 upgrade".into(),
        organisation: Some("Contoso Ltd".into()),
        change_reference: Some("CHG-2027-0042".into()),
        prepared_by: Some("Jane Planner".into()),
        target: TargetMedia::Sp1,
        target_name: "Configuration Manager 2007 SP1".into(),
        date: "2027-03-01".into(),
        input_digest: "3f1c9a0e5b7d2c4a6e8f0b1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c".into(),
        revision: 1,
        database_mb_per_client: per_client,
        sql_servers: vec![
            SqlServerPlan {
                name: "CEN-SQL01".into(),
                sites: vec!["CEN".into()],
                sql: Some("sql2005-sp2".into()),
                database_growth_mb: 29100.0,
                free_disk_mb: Some(122880.0),
                shortfall_mb: Some(0.0),
                formula: "29,100 MB needed, 122,880 MB free".into(),
            },
            SqlServerPlan {
                name: "LON-SQL01".into(),
                sites: vec!["LON".into()],
                sql: Some("sql2000-sp4".into()),
                database_growth_mb: 10000.0,
                free_disk_mb: Some(8192.0),
                shortfall_mb: Some(1808.0),
                formula: "10,000 MB needed, 8,192 MB free".into(),
            },
            SqlServerPlan {
                name: "NYC-SQL01".into(),
                sites: vec!["NYC".into()],
                sql: None,
                database_growth_mb: 16700.0,
                free_disk_mb: None,
                shortfall_mb: None,
                formula: "16,700 MB needed, free space unknown".into(),
            },
        ],
        totals: Totals {
            sites: 4,
            primary_sites: 3,
            secondary_sites: 1,
            sites_to_upgrade: 4,
            clients: 14550,
            legacy_clients: 0,
            database_growth_mb: 55800.0,
            tasks,
            blockers: 1,
            warnings: 1,
            infos: 1,
        },
        findings: vec![
            Finding {
                code: "CHK-SECMODE".into(),
                severity: Severity::Blocker,
                site: Some("LON".into()),
                server: None,
                message: "LON runs in standard security; Configuration Manager 2007 needs advanced security.".into(),
                source: source(),
                rule: "R3.2".into(),
                remediation_task: Some("SECMODE-LON".into()),
            },
            Finding {
                code: "CHK-DISK".into(),
                severity: Severity::Warning,
                site: Some("LON".into()),
                server: Some("LON-SQL01".into()),
                message: "LON-SQL01 lacks 1,808 MB of free space for the database growth.".into(),
                source: source(),
                rule: "D5.1".into(),
                remediation_task: None,
            },
            Finding {
                code: "CHK-ITMU".into(),
                severity: Severity::Info,
                site: None,
                server: None,
                message: "ITMU may stay installed during the upgrade.".into(),
                source: Source {
                    id: "S22".into(),
                    title: "Planning the SMS 2003 Software Updates Upgrade".into(),
                    url: "http://a.example/one.htm ; http://b.example/two.htm".into(),
                },
                rule: "R7.1".into(),
                remediation_task: None,
            },
        ],
        sites,
        phases,
        removed_tasks: Vec::new(),
        changes: None,
        assumptions: Vec::new(),
        references: Vec::new(),
        servers: Vec::new(),
        waves: Vec::new(),
        scope: None,
        schedule: None,
    }
}

/// The sample plan with hostile text in every place input text reaches.
pub fn hostile_plan() -> Plan {
    let mut plan = sample_plan();
    let hostile = hostile_name();
    plan.title = format!("# {hostile}");
    plan.organisation = Some(format!("{hostile}\nsecond line"));
    plan.sites[1].name = hostile.clone();
    plan.sites[2].name = long_token();
    plan.sites[0].site_server = "- [x] 1. ---".into();
    let first = &mut plan.phases[0].tasks[0];
    first.title = hostile.clone();
    first.details = format!("line one\n\n| a | b |\n|---|---|\n{}", long_token());
    first.expected_result = "> quoted\n# heading\n<!-- pagebreak -->".into();
    plan
}

/// The sample plan as regenerated over a previous revision with recorded status.
pub fn regenerated_plan() -> Plan {
    let mut plan = sample_plan();
    plan.revision = 2;
    plan.phases[0].tasks[0].progress = Some(Progress {
        status: TaskStatus::Done,
        owner: "Sam Engineer".into(),
        completed_on: "2027-02-20".into(),
        notes: "Backup verified".into(),
    });
    plan.phases[0].tasks[1].progress = Some(Progress {
        status: TaskStatus::InProgress,
        owner: "Sam Engineer".into(),
        completed_on: String::new(),
        notes: String::new(),
    });
    plan.removed_tasks = vec![RemovedTask {
        id: "SITE-UPG-PHL".into(),
        title: "Upgrade PHL".into(),
        site: Some("PHL".into()),
        progress: Progress {
            status: TaskStatus::Done,
            owner: "Kim | Ops".into(),
            completed_on: "2027-02-21".into(),
            notes: "Site removed after consolidation".into(),
        },
    }];
    plan.changes = Some(RevisionChanges {
        previous_revision: 1,
        entries: vec![
            ChangeEntry {
                category: "task-removed".into(),
                subject: "SITE-UPG-PHL".into(),
                description: "PHL was removed from the hierarchy".into(),
            },
            ChangeEntry {
                category: "estimate-changed".into(),
                subject: "NYC".into(),
                description: "Database growth 16,000 MB → 16,700 MB".into(),
            },
        ],
    });
    plan
}

// ---- Reading the Markdown back ----

/// A block of interest with its plain text (escapes resolved, breaks as spaces).
#[derive(Debug, Default)]
pub struct Doc {
    /// (level, text)
    pub headings: Vec<(HeadingLevel, String)>,
    /// Every list item's own text (without nested items), with its task marker if any.
    pub items: Vec<(Option<bool>, String)>,
    /// Every table: rows of cell texts, header first.
    pub tables: Vec<Vec<Vec<String>>>,
    /// Source ranges of the tables, to check the raw rows too.
    pub table_ranges: Vec<Range<usize>>,
    /// Raw HTML blocks or inline HTML.
    pub html: Vec<String>,
    /// Link destinations.
    pub links: Vec<String>,
    /// Text inside `*…*`/`**…**`, code spans, strikethrough.
    pub emphasised: Vec<String>,
    pub code: Vec<String>,
    pub strikethrough: usize,
    pub images: usize,
}

pub fn parse(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut item_stack: Vec<(Option<bool>, String)> = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut cell: Option<String> = None;
    let mut emphasis: Vec<String> = Vec::new();
    let push_text = |s: &str,
                     heading: &mut Option<(HeadingLevel, String)>,
                     items: &mut Vec<(Option<bool>, String)>,
                     cell: &mut Option<String>,
                     emphasis: &mut Vec<String>| {
        if let Some((_, h)) = heading {
            h.push_str(s);
        }
        if let Some(c) = cell {
            c.push_str(s);
        }
        if let Some((_, i)) = items.last_mut() {
            i.push_str(s);
        }
        for e in emphasis.iter_mut() {
            e.push_str(s);
        }
    };
    for (event, range) in Parser::new_ext(text, markdown::parser_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => doc.headings.push(heading.take().unwrap()),
            Event::Start(Tag::Item) => item_stack.push((None, String::new())),
            Event::End(TagEnd::Item) => doc.items.push(item_stack.pop().unwrap()),
            Event::TaskListMarker(checked) => item_stack.last_mut().unwrap().0 = Some(checked),
            Event::Start(Tag::Table(_)) => {
                table = Some(Vec::new());
                doc.table_ranges.push(range);
            }
            Event::End(TagEnd::Table) => doc.tables.push(table.take().unwrap()),
            // Header cells are not wrapped in a row: open the header row here.
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                table.as_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap();
                table
                    .as_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(c.trim().to_string());
            }
            Event::Start(Tag::Emphasis) | Event::Start(Tag::Strong) => emphasis.push(String::new()),
            Event::End(TagEnd::Emphasis) | Event::End(TagEnd::Strong) => {
                doc.emphasised.push(emphasis.pop().unwrap())
            }
            Event::Start(Tag::Strikethrough) => doc.strikethrough += 1,
            Event::Start(Tag::Image { .. }) => doc.images += 1,
            Event::Start(Tag::Link { dest_url, .. }) => doc.links.push(dest_url.to_string()),
            Event::Html(h) | Event::InlineHtml(h) => doc.html.push(h.trim().to_string()),
            Event::Code(c) => {
                doc.code.push(c.to_string());
                push_text(&c, &mut heading, &mut item_stack, &mut cell, &mut emphasis);
            }
            Event::Text(t) => {
                push_text(&t, &mut heading, &mut item_stack, &mut cell, &mut emphasis)
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(" ", &mut heading, &mut item_stack, &mut cell, &mut emphasis)
            }
            _ => {}
        }
    }
    doc
}

/// The document's shape: every tag, break, marker and raw HTML block, text left out.
pub fn shape(text: &str) -> Vec<String> {
    Parser::new_ext(text, markdown::parser_options())
        .filter_map(|e| match e {
            Event::Text(_) | Event::Code(_) | Event::SoftBreak => None,
            other => Some(format!("{other:?}")),
        })
        .collect()
}

/// Splits a raw table row on its unescaped pipes.
pub fn raw_cells(line: &str) -> usize {
    let line = line.trim();
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner
        .strip_suffix('|')
        .filter(|s| !s.ends_with('\\'))
        .unwrap_or(inner);
    let mut count = 1;
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

pub fn level1(doc: &Doc) -> Vec<&str> {
    doc.headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H1)
        .map(|(_, t)| t.as_str())
        .collect()
}
