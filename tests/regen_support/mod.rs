//! Test helpers for regeneration: a small hand-built plan, a workbook in the agreed layout, and
//! "a user edits the workbook": every sheet rewritten with rust_xlsxwriter, status cells changed.
#![allow(dead_code)]

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use cmplan::model::{SecurityMode, SiteType, SiteVersion, TargetMedia};
use cmplan::plan::*;

/// The Checklist header row as cmplan wrote it before the layout put the tracking columns first
/// (`#`, ID, …, Status in K). Workbooks in this layout are still in use: the reader must keep
/// carrying their status, so the fixture below deliberately keeps it.
pub const OLD_CHECKLIST_HEADERS: [&str; 14] = [
    "#",
    "ID",
    "Phase",
    "Site",
    "Server",
    "Task",
    "Expected result",
    "Details",
    "Reference",
    "Depends on",
    "Status",
    "Owner",
    "Completed on",
    "Notes",
];

pub fn source() -> Source {
    Source {
        id: "S1".into(),
        title: "Seed checklist".into(),
        url: "https://example.invalid/s1".into(),
    }
}

pub fn task(id: &str, site: Option<&str>, deps: &[&str]) -> Task {
    let kind = id
        .rsplit_once('-')
        .map(|(k, _)| k)
        .unwrap_or(id)
        .to_string();
    Task {
        id: id.into(),
        kind,
        site: site.map(Into::into),
        server: None,
        title: format!("Do {id}"),
        expected_result: format!("{id} done"),
        details: String::new(),
        reference: "S1".into(),
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
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

pub fn site(code: &str, parent: Option<&str>, site_type: SiteType, clients: u64) -> SitePlan {
    SitePlan {
        code: code.into(),
        name: format!("Site {code}"),
        site_type,
        parent: parent.map(Into::into),
        version: SiteVersion::Sms2003Sp2,
        security: SecurityMode::Advanced,
        depth: 0,
        site_server: format!("{code}-SMS01"),
        database_server: (site_type == SiteType::Primary).then(|| format!("{code}-SMS01")),
        database_size_mb: None,
        clients,
        legacy_clients: 0,
        subtree_clients: clients,
        database_growth_mb: 0.0,
        formula: String::new(),
        already_upgraded: false,
        blockers: 0,
        wave: None,
    }
}

pub fn finding(code: &str, severity: Severity, site: Option<&str>, message: &str) -> Finding {
    Finding {
        code: code.into(),
        severity,
        site: site.map(Into::into),
        server: None,
        message: message.into(),
        source: source(),
        rule: "R1".into(),
        remediation_task: None,
    }
}

/// A small hierarchy: CEN (primary) → NYC (primary) → BOS (secondary); CEN → LON (primary,
/// standard security: a blocker).
/// Estimates follow the engine's rule (2 MB × subtree clients for primaries), recomputed by
/// `recompute`.
pub fn small_plan() -> Plan {
    let mut sites = vec![
        site("CEN", None, SiteType::Primary, 1000),
        site("NYC", Some("CEN"), SiteType::Primary, 8000),
        site("BOS", Some("NYC"), SiteType::Secondary, 350),
        site("LON", Some("CEN"), SiteType::Primary, 5000),
    ];
    sites[3].security = SecurityMode::Standard;
    let phases = vec![
        Phase {
            id: "prepare".into(),
            title: "Prepare".into(),
            tasks: vec![
                task("PREP-BACKUP", None, &[]),
                task("SEC-ADV-LON", Some("LON"), &["PREP-BACKUP"]),
                task("DBTEST-NYC", Some("NYC"), &["PREP-BACKUP"]),
            ],
        },
        Phase {
            id: "central".into(),
            title: "Central site".into(),
            tasks: vec![task("SITE-UPG-CEN", Some("CEN"), &["SEC-ADV-LON"])],
        },
        Phase {
            id: "children".into(),
            title: "Child sites".into(),
            tasks: vec![
                task("SITE-UPG-NYC", Some("NYC"), &["SITE-UPG-CEN"]),
                task("SITE-UPG-BOS", Some("BOS"), &["SITE-UPG-NYC"]),
                task("SITE-UPG-LON", Some("LON"), &["SITE-UPG-CEN"]),
            ],
        },
    ];
    let mut plan = Plan {
        title: "Test upgrade".into(),
        organisation: None,
        change_reference: None,
        prepared_by: None,
        target: TargetMedia::Sp1,
        target_name: "Configuration Manager 2007 SP1".into(),
        date: "2027-03-01".into(),
        input_digest: "0".repeat(64),
        revision: 1,
        database_mb_per_client: 2.0,
        sites,
        sql_servers: Vec::new(),
        totals: Totals {
            sites: 4,
            primary_sites: 3,
            secondary_sites: 1,
            sites_to_upgrade: 4,
            clients: 0,
            legacy_clients: 0,
            database_growth_mb: 0.0,
            tasks: 7,
            blockers: 1,
            warnings: 1,
            infos: 0,
        },
        findings: vec![
            finding(
                "CHK-SECMODE",
                Severity::Blocker,
                Some("LON"),
                "LON runs standard security",
            ),
            finding(
                "CHK-DISK",
                Severity::Warning,
                Some("NYC"),
                "NYC-SMS01 is short of disk",
            ),
        ],
        phases,
        removed_tasks: Vec::new(),
        changes: None,
        assumptions: Vec::new(),
        references: Vec::new(),
        servers: vec![ServerSummary {
            name: "NYC-SMS01".into(),
            site: Some("NYC".into()),
            os: "windows-2003-sp1".into(),
            sql: Some("sql2005-sp1".into()),
            sql_replication: false,
            free_disk_mb: Some(14.0 * 1024.0),
            roles: vec!["distribution-point".into()],
            disk: None,
        }],
        waves: Vec::new(),
        scope: None,
        schedule: None,
    };
    recompute(&mut plan, &[("NYC-SMS01", 14.0 * 1024.0)]);
    plan
}

/// Recomputes subtree clients, growth, SQL Servers (each primary on its own `<CODE>-SMS01`),
/// and the total, the way the engine defines them.
pub fn recompute(plan: &mut Plan, free: &[(&str, f64)]) {
    let codes: Vec<String> = plan.sites.iter().map(|s| s.code.clone()).collect();
    for code in &codes {
        let mut sum = 0;
        for s in &plan.sites {
            let mut cur = Some(s.code.clone());
            while let Some(c) = cur {
                if &c == code {
                    sum += s.clients + s.legacy_clients;
                    break;
                }
                cur = plan
                    .sites
                    .iter()
                    .find(|x| x.code == c)
                    .and_then(|x| x.parent.clone());
            }
        }
        let s = plan.sites.iter_mut().find(|s| &s.code == code).unwrap();
        s.subtree_clients = sum;
        s.database_growth_mb = if s.site_type == SiteType::Primary {
            2.0 * sum as f64
        } else {
            0.0
        };
    }
    plan.sql_servers = plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary)
        .map(|s| {
            let name = s.database_server.clone().unwrap();
            let free_mb = free.iter().find(|(n, _)| *n == name).map(|&(_, f)| f);
            SqlServerPlan {
                sites: vec![s.code.clone()],
                sql: Some("sql2005-sp2".into()),
                database_growth_mb: s.database_growth_mb,
                free_disk_mb: free_mb,
                shortfall_mb: free_mb.map(|f| (s.database_growth_mb - f).max(0.0)),
                formula: String::new(),
                name,
            }
        })
        .collect();
    plan.sql_servers.sort_by(|a, b| a.name.cmp(&b.name));
    plan.totals.database_growth_mb = plan.sites.iter().map(|s| s.database_growth_mb).sum();
}

/// What a user types into a Checklist row.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub status: &'a str,
    pub owner: &'a str,
    /// `YYYY-MM-DD` written as a real Excel date, or other text written as text.
    pub completed_on: &'a str,
    pub notes: &'a str,
}

pub fn entry<'a>(id: &'a str, status: &'a str) -> Entry<'a> {
    Entry {
        id,
        status,
        owner: "",
        completed_on: "",
        notes: "",
    }
}

/// A workbook in the earlier layout of the xlsx renderer (the parts regeneration reads):
/// Checklist with [`OLD_CHECKLIST_HEADERS`] on row 1, Summary with Revision, hidden `cmplan-plan`
/// with the JSON in chunks.
pub fn write_workbook(plan: &Plan) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Summary").unwrap();
    ws.write_string(0, 0, "Title").unwrap();
    ws.write_string(0, 1, &plan.title).unwrap();
    ws.write_string(1, 0, "Revision").unwrap();
    ws.write_number(1, 1, plan.revision as f64).unwrap();

    let ws = wb.add_worksheet();
    ws.set_name("Checklist").unwrap();
    for (c, h) in OLD_CHECKLIST_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (t, phase)) in plan
        .phases
        .iter()
        .flat_map(|p| p.tasks.iter().map(move |t| (t, p.id.clone())))
        .enumerate()
    {
        let r = i as u32 + 1;
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(r, 1, &t.id).unwrap();
        ws.write_string(r, 2, &phase).unwrap();
        ws.write_string(r, 3, t.site.clone().unwrap_or_default())
            .unwrap();
        ws.write_string(r, 5, &t.title).unwrap();
        let p = t.progress.clone();
        ws.write_string(
            r,
            10,
            p.as_ref()
                .map(|p| p.status.label())
                .unwrap_or("Not started"),
        )
        .unwrap();
        if let Some(p) = p {
            ws.write_string(r, 11, &p.owner).unwrap();
            ws.write_string(r, 12, &p.completed_on).unwrap();
            ws.write_string(r, 13, &p.notes).unwrap();
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("cmplan-plan").unwrap();
    ws.set_hidden(true);
    ws.write_string(0, 0, "cmplan-plan-json v1").unwrap();
    let json = String::from_utf8(cmplan::render::json::render(plan).unwrap()).unwrap();
    let chars: Vec<char> = json.chars().collect();
    for (i, chunk) in chars.chunks(30_000).enumerate() {
        let s: String = chunk.iter().collect();
        ws.write_string(i as u32 + 1, 0, s).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// A user opens the workbook and fills in Status, Owner, Completed on and Notes for some tasks:
/// every sheet is copied cell by cell (hidden state kept) and the Checklist's cells for the given
/// task IDs replaced, columns found by header text.
pub fn user_edit(bytes: &[u8], entries: &[Entry<'_>]) -> Vec<u8> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheets = book.sheets_metadata().to_vec();
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let range = book.worksheet_range(&sheet.name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        if sheet.visible != calamine::SheetVisible::Visible {
            ws.set_hidden(true);
        }
        let Some((r0, c0)) = range.start() else {
            continue;
        };
        let (r1, c1) = range.end().unwrap();
        for r in r0..=r1 {
            for c in c0..=c1 {
                match range.get_value((r, c)) {
                    Some(Data::String(s)) => {
                        ws.write_string(r, c as u16, s).unwrap();
                    }
                    Some(Data::Float(f)) => {
                        ws.write_number(r, c as u16, *f).unwrap();
                    }
                    Some(Data::Int(i)) => {
                        ws.write_number(r, c as u16, *i as f64).unwrap();
                    }
                    Some(Data::Bool(b)) => {
                        ws.write_boolean(r, c as u16, *b).unwrap();
                    }
                    Some(Data::DateTime(d)) => {
                        ws.write_number_with_format(r, c as u16, d.as_f64(), &date_format)
                            .unwrap();
                    }
                    _ => {}
                }
            }
        }
        if sheet.name != "Checklist" {
            continue;
        }
        let header = (r0..=r1)
            .find(|&r| {
                (c0..=c1)
                    .any(|c| matches!(range.get_value((r, c)), Some(Data::String(s)) if s == "ID"))
            })
            .expect("Checklist header row");
        let col = |name: &str| {
            (c0..=c1)
                .find(
                    |&c| matches!(range.get_value((header, c)), Some(Data::String(s)) if s == name),
                )
                .unwrap_or_else(|| panic!("Checklist column {name}")) as u16
        };
        let (id_c, st_c, ow_c, co_c, no_c) = (
            col("ID"),
            col("Status"),
            col("Owner"),
            col("Completed on"),
            col("Notes"),
        );
        for e in entries {
            let row = (header + 1..=r1)
                .find(|&r| matches!(range.get_value((r, id_c as u32)), Some(Data::String(s)) if s == e.id))
                .unwrap_or_else(|| panic!("task {} on the Checklist", e.id));
            ws.write_string(row, st_c, e.status).unwrap();
            ws.write_string(row, ow_c, e.owner).unwrap();
            if let Ok(d) = ExcelDateTime::parse_from_str(e.completed_on) {
                ws.write_datetime_with_format(row, co_c, &d, &date_format)
                    .unwrap();
            } else {
                ws.write_string(row, co_c, e.completed_on).unwrap();
            }
            ws.write_string(row, no_c, e.notes).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Reads a sheet's rows as text (for assertions).
pub fn sheet_rows(bytes: &[u8], name: &str) -> Option<Vec<Vec<String>>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).ok()?;
    Some(
        range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        Data::DateTime(d) => {
                            let (y, m, dd, ..) = d.to_ymd_hms_milli();
                            format!("{y:04}-{m:02}-{dd:02}")
                        }
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect(),
    )
}

/// Runs the cmplan binary the way a user's shell would (no SOURCE_DATE_EPOCH, no colour).
pub fn cmplan(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cmplan"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cmplan")
}

/// The run's output, after asserting it succeeded (its stderr shown when not).
pub fn ok(out: std::process::Output) -> std::process::Output {
    assert!(
        out.status.success(),
        "cmplan failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
