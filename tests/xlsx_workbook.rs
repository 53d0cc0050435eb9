//! The tracking workbook, read back as a user (or the regeneration step) would: with calamine, and
//! for what calamine cannot show (data validations, document properties) by reading the sheet XML
//! out of the package with a small inflater below (no extra crate).

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Xlsx};
use cmplan::model::{SecurityMode, SiteType, SiteVersion, TargetMedia};
use cmplan::plan::*;
use cmplan::render::xlsx::{self, PLAN_MARKER, TRUNCATION_MARKER};
use cmplan::workbook_layout::{ChecklistRole, CHECKLIST};

/// Column (0-based) of a Checklist role, from the one layout definition.
fn cl(role: ChecklistRole) -> u32 {
    u32::from(CHECKLIST.col(role))
}
use cmplan::render::RenderContext;

// ---------------------------------------------------------------------------------------------
// A plan shaped like examples/contoso.toml, built by hand (numbers as issue 4 expects them).
// ---------------------------------------------------------------------------------------------

const HOSTILE_NAME: &str = "=HYPERLINK(\"http://evil.example/x\",\"Click\")";
const HOSTILE_TITLE: &str = "+cmd|' /C calc'!A0";
const HOSTILE_NOTES: &str = "@SUM(1+1)";

fn site(
    code: &str,
    name: &str,
    site_type: SiteType,
    parent: Option<&str>,
    db: Option<&str>,
    (clients, legacy, subtree): (u64, u64, u64),
) -> SitePlan {
    let growth = if site_type == SiteType::Primary {
        2.0 * subtree as f64
    } else {
        0.0
    };
    SitePlan {
        code: code.into(),
        name: name.into(),
        site_type,
        parent: parent.map(Into::into),
        version: SiteVersion::Sms2003Sp2,
        security: SecurityMode::Advanced,
        depth: usize::from(parent.is_some()),
        site_server: format!("{code}-SMS01"),
        database_server: db.map(Into::into),
        database_size_mb: None,
        clients,
        legacy_clients: legacy,
        subtree_clients: subtree,
        database_growth_mb: growth,
        formula: format!("2 MB × {subtree} clients = {growth} MB"),
        already_upgraded: false,
        blockers: 0,
        wave: None,
    }
}

fn sql(name: &str, sites: &[&str], growth: f64, free_gb: Option<f64>) -> SqlServerPlan {
    let free = free_gb.map(|g| g * 1024.0);
    SqlServerPlan {
        name: name.into(),
        sites: sites.iter().map(|s| s.to_string()).collect(),
        sql: Some("sql2005-sp2".into()),
        database_growth_mb: growth,
        free_disk_mb: free,
        shortfall_mb: free.map(|f| (growth - f).max(0.0)),
        formula: format!("sum over {}", sites.join(" + ")),
    }
}

fn task(id: &str, site: Option<&str>, title: &str, depends_on: &[&str]) -> Task {
    Task {
        id: id.into(),
        kind: id.rsplit_once('-').map_or(id, |(k, _)| k).into(),
        site: site.map(Into::into),
        server: None,
        title: title.into(),
        expected_result: format!("{title}: done and verified"),
        details: format!("How to {title}"),
        reference: "S1".into(),
        depends_on: depends_on.iter().map(|d| d.to_string()).collect(),
        remedies: vec![],
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
        title: "Planning to upgrade".into(),
        url: "http://technet.microsoft.com/en-us/library/bb680951.aspx ; https://example.org/copy"
            .into(),
    }
}

fn finding(
    code: &str,
    severity: Severity,
    site: Option<&str>,
    remediation: Option<&str>,
) -> Finding {
    Finding {
        code: code.into(),
        severity,
        site: site.map(Into::into),
        server: None,
        message: format!("{code} message"),
        source: source(),
        rule: "R3.2".into(),
        remediation_task: remediation.map(Into::into),
    }
}

fn contoso() -> Plan {
    use SiteType::{Primary, Secondary};
    let sites = vec![
        site(
            "CEN",
            "Contoso Central",
            Primary,
            None,
            Some("CEN-SQL01"),
            (1200, 0, 17_700),
        ),
        site(
            "LON",
            "London",
            Primary,
            Some("CEN"),
            Some("LON-SQL01"),
            (5200, 140, 8030),
        ),
        site(
            "MAN",
            "Manchester branch",
            Secondary,
            Some("LON"),
            None,
            (90, 0, 90),
        ),
        site(
            "PAR",
            "Paris",
            Primary,
            Some("LON"),
            Some("LON-SQL01"),
            (2600, 0, 2600),
        ),
        site(
            "NYC",
            HOSTILE_NAME,
            Primary,
            Some("CEN"),
            Some("NYC-SMS01"),
            (8000, 0, 8470),
        ),
        site(
            "BOS",
            "Boston branch",
            Secondary,
            Some("NYC"),
            None,
            (350, 0, 350),
        ),
        site(
            "PHL",
            "Philadelphia branch",
            Secondary,
            Some("NYC"),
            None,
            (120, 0, 120),
        ),
    ];
    let sql_servers = vec![
        sql("CEN-SQL01", &["CEN"], 35_400.0, Some(120.0)),
        sql("LON-SQL01", &["LON", "PAR"], 21_260.0, Some(20.0)),
        sql("NYC-SMS01", &["NYC"], 16_940.0, Some(14.0)),
    ];

    let mut secmode = task(
        "SECMODE-LON",
        Some("LON"),
        "Switch LON to advanced security",
        &[],
    );
    secmode.remedies = vec!["CHK-SECMODE".into()];
    secmode.progress = Some(Progress {
        status: TaskStatus::Done,
        owner: "Ann Admin".into(),
        completed_on: "2027-02-15".into(),
        notes: HOSTILE_NOTES.into(),
    });
    let mut backup = task("BACKUP-CEN", Some("CEN"), "Back up the CEN site", &[]);
    backup.progress = Some(Progress {
        status: TaskStatus::InProgress,
        owner: "Bob".into(),
        completed_on: "next week".into(),
        notes: "x".repeat(40_000),
    });
    let mut hostile = task("PREREQ-HIER", None, HOSTILE_TITLE, &["BACKUP-CEN"]);
    hostile.progress = Some(Progress {
        status: TaskStatus::Blocked,
        owner: String::new(),
        completed_on: String::new(),
        notes: String::new(),
    });
    let phases = vec![
        Phase {
            id: "prepare".into(),
            title: "Prepare the hierarchy".into(),
            tasks: vec![secmode, backup, hostile],
        },
        Phase {
            id: "central".into(),
            // Wildcards and quotes in a phase title must not disturb the COUNTIFS criteria.
            title: "Upgrade the central site * \"CEN\"?".into(),
            tasks: vec![task(
                "SITE-UPG-CEN",
                Some("CEN"),
                "Upgrade CEN",
                &["SECMODE-LON"],
            )],
        },
        Phase {
            id: "children".into(),
            title: "Upgrade child sites".into(),
            tasks: vec![
                task(
                    "SITE-UPG-LON",
                    Some("LON"),
                    "Upgrade LON",
                    &["SITE-UPG-CEN"],
                ),
                task(
                    "SITE-UPG-PAR",
                    Some("PAR"),
                    "Upgrade PAR",
                    &["SITE-UPG-LON"],
                ),
                task(
                    "SITE-UPG-NYC",
                    Some("NYC"),
                    "Upgrade NYC",
                    &["SITE-UPG-CEN"],
                ),
            ],
        },
    ];
    let findings = vec![
        finding(
            "CHK-SECMODE",
            Severity::Blocker,
            Some("LON"),
            Some("SECMODE-LON"),
        ),
        finding("CHK-WEBDAV", Severity::Warning, Some("NYC"), None),
        finding("CHK-DISK", Severity::Warning, Some("NYC"), None),
        finding("CHK-INFO", Severity::Info, None, None),
    ];
    Plan {
        title: "Contoso & friends: SMS 2003 → ConfigMgr 2007".into(),
        organisation: Some("Contoso Ltd".into()),
        change_reference: Some("CHG-0042".into()),
        prepared_by: Some("Infrastructure team".into()),
        target: TargetMedia::Sp1,
        target_name: "Configuration Manager 2007 SP1".into(),
        date: "2027-03-01".into(),
        input_digest: "ab".repeat(32),
        revision: 1,
        database_mb_per_client: 2.0,
        totals: Totals {
            sites: 7,
            primary_sites: 4,
            secondary_sites: 3,
            sites_to_upgrade: 7,
            clients: 17_560,
            legacy_clients: 140,
            database_growth_mb: 73_600.0,
            tasks: 7,
            blockers: 1,
            warnings: 2,
            infos: 1,
        },
        sites,
        sql_servers,
        findings,
        phases,
        removed_tasks: vec![],
        changes: None,
        assumptions: Vec::new(),
        references: Vec::new(),
        servers: Vec::new(),
        waves: Vec::new(),
        scope: None,
        schedule: None,
    }
}

fn render(plan: &Plan) -> Vec<u8> {
    xlsx::render(plan, &RenderContext::default()).expect("workbook renders")
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the workbook")
}

fn text(v: Option<&Data>) -> String {
    match v {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("expected text, found {other:?}"),
    }
}

fn number(v: Option<&Data>) -> f64 {
    match v {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

/// An Excel date serial as `YYYY-MM-DD` (day 0 of the 1900 system is 1899-12-30 for modern dates).
fn excel_date(d: &calamine::ExcelDateTime) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (epoch + chrono::Duration::days(d.as_f64() as i64)).to_string()
}

/// Finds the row (0-based) whose column A holds `label`.
fn row_labelled(range: &calamine::Range<Data>, label: &str) -> u32 {
    (0..=range.end().unwrap().0)
        .find(|r| text_or_empty(range.get_value((*r, 0))) == label)
        .unwrap_or_else(|| panic!("no row labelled {label:?}"))
}

fn text_or_empty(v: Option<&Data>) -> String {
    match v {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn checklist_has_one_row_per_task_in_plan_order() {
    let plan = contoso();
    let mut wb = open(&render(&plan));
    assert_eq!(
        wb.sheet_names(),
        [
            "Checklist",
            "Summary",
            "Sites",
            "SQL Servers",
            "Disk",
            "Findings",
            "Assumptions",
            "cmplan-plan"
        ]
    );
    let sheet = wb.worksheet_range("Checklist").unwrap();
    let width = sheet.end().unwrap().1 + 1;
    let headers: Vec<String> = (0..width).map(|c| text(sheet.get_value((0, c)))).collect();
    // What the person ticking needs first; no schedule, so no planned dates.
    assert_eq!(
        headers,
        [
            "ID",
            "Task",
            "Status",
            "Owner",
            "Completed on",
            "Notes",
            "Site",
            "Server",
            "Wave",
            "Phase",
            "Depends on",
            "Expected result",
            "Details",
            "Reference"
        ]
    );
    assert_eq!(headers, &CHECKLIST.headers()[..headers.len()]);

    let ids: Vec<String> = (1..=sheet.end().unwrap().0)
        .map(|r| text(sheet.get_value((r, 0))))
        .collect();
    assert_eq!(
        ids,
        [
            "SECMODE-LON",
            "BACKUP-CEN",
            "PREREQ-HIER",
            "SITE-UPG-CEN",
            "SITE-UPG-LON",
            "SITE-UPG-PAR",
            "SITE-UPG-NYC"
        ]
    );
    // Wave, phase, site, dependencies, status as the plan has them.
    assert_eq!(number(sheet.get_value((7, cl(ChecklistRole::Wave)))), 1.0);
    assert_eq!(
        text(sheet.get_value((4, cl(ChecklistRole::Phase)))),
        "Upgrade the central site * \"CEN\"?"
    );
    assert_eq!(
        text(sheet.get_value((3, cl(ChecklistRole::Site)))),
        "",
        "hierarchy-wide task has no site"
    );
    assert_eq!(text(sheet.get_value((6, cl(ChecklistRole::Site)))), "PAR");
    assert_eq!(
        text(sheet.get_value((6, cl(ChecklistRole::DependsOn)))),
        "SITE-UPG-LON"
    );
    let statuses: Vec<String> = (1..=7)
        .map(|r| text(sheet.get_value((r, cl(ChecklistRole::Status)))))
        .collect();
    assert_eq!(
        statuses,
        [
            "Done",
            "In progress",
            "Blocked",
            "Not started",
            "Not started",
            "Not started",
            "Not started"
        ]
    );
    // The remediation task says which blocker it removes.
    assert!(text(sheet.get_value((1, cl(ChecklistRole::Details))))
        .starts_with("Remedies blocker CHK-SECMODE."));
}

#[test]
fn recorded_progress_is_written_back_with_real_dates() {
    let mut wb = open(&render(&contoso()));
    let sheet = wb.worksheet_range("Checklist").unwrap();
    assert_eq!(
        text(sheet.get_value((1, cl(ChecklistRole::Owner)))),
        "Ann Admin"
    );
    match sheet.get_value((1, cl(ChecklistRole::CompletedOn))) {
        Some(Data::DateTime(d)) => {
            assert!(d.is_datetime());
            assert_eq!(
                excel_date(d),
                "2027-02-15",
                "a YYYY-MM-DD completion is a real Excel date"
            );
        }
        other => panic!("Completed on is not a date: {other:?}"),
    }
    // Not a date: kept as the engineer wrote it.
    assert_eq!(
        text(sheet.get_value((2, cl(ChecklistRole::CompletedOn)))),
        "next week"
    );
    // A 40,000-character note is cut at Excel's limit, with a marker.
    let notes = text(sheet.get_value((2, cl(ChecklistRole::Notes))));
    assert_eq!(notes.encode_utf16().count(), 32_767);
    assert!(notes.ends_with(TRUNCATION_MARKER));
}

#[test]
fn hostile_text_is_stored_as_text_not_formulas() {
    let mut wb = open(&render(&contoso()));
    let sites = wb.worksheet_range("Sites").unwrap();
    assert_eq!(text(sites.get_value((5, 0))), "NYC");
    assert_eq!(text(sites.get_value((5, 1))), HOSTILE_NAME);
    let checklist = wb.worksheet_range("Checklist").unwrap();
    assert_eq!(
        text(checklist.get_value((3, cl(ChecklistRole::Task)))),
        HOSTILE_TITLE
    );
    assert_eq!(
        text(checklist.get_value((1, cl(ChecklistRole::Notes)))),
        HOSTILE_NOTES
    );

    // None of those cells carries a formula.
    let formulas = wb.worksheet_formula("Sites").unwrap();
    assert_eq!(formulas.get_value((5, 1)).map_or("", String::as_str), "");
    let formulas = wb.worksheet_formula("Checklist").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "the Checklist holds no formula at all"
    );
}

#[test]
fn site_estimates_are_formulas_over_the_subtree_with_the_plans_numbers_cached() {
    let plan = contoso();
    let mut wb = open(&render(&plan));
    let sites = wb.worksheet_range("Sites").unwrap();
    let formulas = wb.worksheet_formula("Sites").unwrap();
    let formula = |r: u32, c: u32| formulas.get_value((r, c)).cloned().unwrap_or_default();

    let expected = [
        ("CEN", 17_700.0, 35_400.0),
        ("LON", 8030.0, 16_060.0),
        ("MAN", 90.0, 0.0),
        ("PAR", 2600.0, 5200.0),
        ("NYC", 8470.0, 16_940.0),
        ("BOS", 350.0, 0.0),
        ("PHL", 120.0, 0.0),
    ];
    for (i, (code, subtree, growth)) in expected.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(sites.get_value((r, 0))), *code);
        assert_eq!(
            number(sites.get_value((r, 7))),
            *subtree,
            "subtree clients of {code}"
        );
        assert_eq!(number(sites.get_value((r, 8))), *growth, "growth of {code}");
    }
    // Pre-order makes each subtree one block of rows; the MB-per-client value lives on Summary.
    assert_eq!(formula(1, 7), "SUM(F2:G8)");
    assert_eq!(formula(1, 8), "Summary!$B$9*SUM(F2:G8)");
    assert_eq!(formula(2, 8), "Summary!$B$9*SUM(F3:G5)");
    assert_eq!(formula(5, 8), "Summary!$B$9*SUM(F6:G8)");
    assert_eq!(formula(3, 8), "", "a secondary has no database: a plain 0");

    let summary = wb.worksheet_range("Summary").unwrap();
    assert_eq!(text(summary.get_value((8, 0))), "Database MB per client");
    assert_eq!(number(summary.get_value((8, 1))), 2.0);

    // SQL Server space on the site rows: PAR shares LON-SQL01's shortfall.
    assert_eq!(text(sites.get_value((4, 9))), "LON-SQL01");
    assert_eq!(number(sites.get_value((4, 10))), 20_480.0);
    assert_eq!(number(sites.get_value((4, 11))), 780.0);
    assert_eq!(formula(4, 11), "'SQL Servers'!F3");
}

#[test]
fn sql_server_estimates_and_shortfalls_match_the_plan() {
    let mut wb = open(&render(&contoso()));
    let sql = wb.worksheet_range("SQL Servers").unwrap();
    let formulas = wb.worksheet_formula("SQL Servers").unwrap();
    let expected = [
        ("CEN-SQL01", 35_400.0, 122_880.0, 0.0),
        ("LON-SQL01", 21_260.0, 20_480.0, 780.0),
        ("NYC-SMS01", 16_940.0, 14_336.0, 2604.0),
    ];
    for (i, (name, growth, free, shortfall)) in expected.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(sql.get_value((r, 0))), *name);
        assert_eq!(number(sql.get_value((r, 3))), *growth, "growth on {name}");
        assert_eq!(number(sql.get_value((r, 4))), *free, "free on {name}");
        assert_eq!(
            number(sql.get_value((r, 5))),
            *shortfall,
            "shortfall on {name}"
        );
    }
    assert_eq!(text(sql.get_value((2, 1))), "LON, PAR");
    assert_eq!(
        formulas.get_value((2, 3)).unwrap(),
        "SUMIFS(Sites!$I$2:$I$8,Sites!$J$2:$J$8,\"=LON-SQL01\")"
    );
    assert_eq!(formulas.get_value((2, 5)).unwrap(), "MAX(0,D3-E3)");
}

#[test]
fn a_number_the_formula_would_not_reproduce_is_written_as_the_plans_value() {
    let mut plan = contoso();
    // Say the engine counts NYC differently: the workbook must show the plan's number.
    plan.sites[4].database_growth_mb = 1234.0;
    let mut wb = open(&render(&plan));
    let sites = wb.worksheet_range("Sites").unwrap();
    let formulas = wb.worksheet_formula("Sites").unwrap();
    assert_eq!(number(sites.get_value((5, 8))), 1234.0);
    assert_eq!(formulas.get_value((5, 8)).map_or("", String::as_str), "");
}

#[test]
fn summary_counts_are_countifs_formulas_with_cached_results() {
    let plan = contoso();
    let mut wb = open(&render(&plan));
    let summary = wb.worksheet_range("Summary").unwrap();
    let formulas = wb.worksheet_formula("Summary").unwrap();

    let revision = row_labelled(&summary, "Revision");
    assert_eq!(number(summary.get_value((revision, 1))), 1.0);
    assert_eq!(
        text(summary.get_value((0, 1))),
        "Contoso & friends: SMS 2003 → ConfigMgr 2007"
    );
    match summary.get_value((row_labelled(&summary, "Plan date"), 1)) {
        Some(Data::DateTime(d)) => {
            assert_eq!(excel_date(d), "2027-03-01")
        }
        other => panic!("plan date is not a date: {other:?}"),
    }

    for (label, count) in [
        ("Not started", 4.0),
        ("In progress", 1.0),
        ("Done", 1.0),
        ("Blocked", 1.0),
        ("Not applicable", 0.0),
    ] {
        let r = row_labelled(&summary, label);
        assert_eq!(number(summary.get_value((r, 1))), count, "{label}");
        assert_eq!(
            formulas.get_value((r, 1)).unwrap(),
            &format!("COUNTIFS(Checklist!$C$2:$C$8,\"{label}\")")
        );
    }

    let prepare = row_labelled(&summary, "Prepare the hierarchy");
    assert_eq!(number(summary.get_value((prepare, 1))), 3.0);
    assert_eq!(
        number(summary.get_value((prepare, 2))),
        1.0,
        "one prepare task done"
    );
    let central = row_labelled(&summary, "Upgrade the central site * \"CEN\"?");
    assert_eq!(number(summary.get_value((central, 1))), 1.0);
    assert_eq!(
        formulas.get_value((central, 1)).unwrap(),
        "COUNTIFS(Checklist!$J$2:$J$8,\"=Upgrade the central site ~* \"\"CEN\"\"~?\")"
    );
    let children = row_labelled(&summary, "Upgrade child sites");
    assert_eq!(number(summary.get_value((children, 1))), 3.0);
    assert_eq!(number(summary.get_value((children, 2))), 0.0);

    for (label, value, formula) in [
        ("Sites", 7.0, "COUNTA(Sites!$A$2:$A$8)"),
        (
            "Primary sites",
            4.0,
            "COUNTIFS(Sites!$C$2:$C$8,\"primary\")",
        ),
        (
            "Secondary sites",
            3.0,
            "COUNTIFS(Sites!$C$2:$C$8,\"secondary\")",
        ),
        ("Sites to upgrade", 7.0, "COUNTIFS(Sites!$P$2:$P$8,\"no\")"),
        ("Advanced Clients", 17_560.0, "SUM(Sites!$F$2:$F$8)"),
        ("Legacy Clients", 140.0, "SUM(Sites!$G$2:$G$8)"),
        (
            "Database growth MB (all site databases)",
            73_600.0,
            "SUM(Sites!$I$2:$I$8)",
        ),
        ("Tasks", 7.0, "COUNTA(Checklist!$A$2:$A$8)"),
        ("Blockers", 1.0, "COUNTIFS(Findings!$B$2:$B$5,\"blocker\")"),
        ("Warnings", 2.0, "COUNTIFS(Findings!$B$2:$B$5,\"warning\")"),
    ] {
        let r = row_labelled(&summary, label);
        assert_eq!(number(summary.get_value((r, 1))), value, "{label}");
        assert_eq!(formulas.get_value((r, 1)).unwrap(), formula, "{label}");
    }
}

#[test]
fn findings_link_to_their_source() {
    let mut wb = open(&render(&contoso()));
    let findings = wb.worksheet_range("Findings").unwrap();
    assert_eq!(text(findings.get_value((1, 0))), "CHK-SECMODE");
    assert_eq!(text(findings.get_value((1, 1))), "blocker");
    assert_eq!(text(findings.get_value((1, 5))), "S3 Planning to upgrade");
    let remedy = cmplan::workbook_layout::FINDINGS
        .col(cmplan::workbook_layout::FindingRole::RemediationTask);
    assert_eq!(
        text(findings.get_value((1, u32::from(remedy)))),
        "SECMODE-LON"
    );
    // Internal rule numbers (R2.9) are not printed: the source is the citation.
    for row in findings.rows() {
        for cell in row {
            let t = text(Some(cell));
            let rule_like = t.strip_prefix('R').is_some_and(|n| {
                n.split_once('.').is_some_and(|(a, b)| {
                    !a.is_empty()
                        && !b.is_empty()
                        && (a.to_string() + b).chars().all(|c| c.is_ascii_digit())
                })
            });
            assert!(!rule_like, "{t} printed");
        }
    }
    let links = wb.hyperlinks_by_sheet_name("Findings").unwrap();
    assert_eq!(links.len(), 4);
    assert!(links
        .iter()
        .all(|l| l.target.as_deref()
            == Some("http://technet.microsoft.com/en-us/library/bb680951.aspx")));
}

#[test]
fn hidden_sheet_carries_the_plan_json_for_regeneration() {
    let mut plan = contoso();
    // Large enough to need several chunks.
    plan.phases[0].tasks[0].details = "ünïcødé 𝄞 ".repeat(8_000);
    let mut wb = open(&render(&plan));
    let meta = wb
        .sheets_metadata()
        .iter()
        .find(|s| s.name == "cmplan-plan")
        .cloned()
        .unwrap();
    assert_eq!(meta.visible, SheetVisible::Hidden);
    let sheet = wb.worksheet_range("cmplan-plan").unwrap();
    assert_eq!(text(sheet.get_value((0, 0))), PLAN_MARKER);
    let mut json = String::new();
    let mut r = 1;
    while let Some(Data::String(chunk)) = sheet.get_value((r, 0)) {
        // LibreOffice breaks cell texts over 16,384 characters when it saves.
        assert!(chunk.chars().count() < 16_000);
        json.push_str(chunk);
        r += 1;
    }
    assert!(r > 3, "the JSON spans several cells");
    let expected = cmplan::render::json::render(&plan).unwrap();
    assert_eq!(json.as_bytes(), expected.as_slice());
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn removed_tasks_and_changes_get_their_sheets() {
    let mut plan = contoso();
    plan.revision = 3;
    plan.removed_tasks = vec![RemovedTask {
        id: "SQL-REPL-LON-SQL01".into(),
        title: "Remove SQL replication".into(),
        site: Some("LON".into()),
        progress: Progress {
            status: TaskStatus::Done,
            owner: "Ann".into(),
            completed_on: "2027-01-31".into(),
            notes: "=1+1".into(),
        },
    }];
    plan.changes = Some(RevisionChanges {
        previous_revision: 2,
        entries: vec![ChangeEntry {
            category: "task-added".into(),
            subject: "SITE-UPG-NYC".into(),
            description: "New task".into(),
        }],
    });
    let mut wb = open(&render(&plan));
    assert_eq!(
        wb.sheet_names(),
        [
            "Checklist",
            "Summary",
            "Sites",
            "SQL Servers",
            "Disk",
            "Findings",
            "Assumptions",
            "Changes",
            "Removed tasks",
            "cmplan-plan"
        ]
    );
    let removed = wb.worksheet_range("Removed tasks").unwrap();
    let headers: Vec<String> = (0..7).map(|c| text(removed.get_value((0, c)))).collect();
    assert_eq!(
        headers,
        [
            "ID",
            "Task",
            "Site",
            "Status",
            "Owner",
            "Completed on",
            "Notes"
        ]
    );
    assert_eq!(text(removed.get_value((1, 0))), "SQL-REPL-LON-SQL01");
    assert_eq!(text(removed.get_value((1, 3))), "Done");
    assert_eq!(text(removed.get_value((1, 6))), "=1+1");
    assert!(matches!(removed.get_value((1, 5)), Some(Data::DateTime(_))));

    let changes = wb.worksheet_range("Changes").unwrap();
    assert!(text(changes.get_value((0, 0))).starts_with("Changes since revision 2"));
    let headers: Vec<String> = (0..3).map(|c| text(changes.get_value((1, c)))).collect();
    assert_eq!(headers, ["Category", "Subject", "Description"]);
    assert_eq!(text(changes.get_value((2, 1))), "SITE-UPG-NYC");

    let summary = wb.worksheet_range("Summary").unwrap();
    assert_eq!(
        number(summary.get_value((row_labelled(&summary, "Revision"), 1))),
        3.0
    );
}

#[test]
fn same_plan_gives_the_same_bytes() {
    let plan = contoso();
    let a = render(&plan);
    let b = render(&plan);
    assert!(a == b, "two renders of one plan differ");
    let mut later = plan.clone();
    later.date = "2027-03-02".into();
    assert!(render(&later) != a, "the plan date is part of the output");
}

#[test]
fn status_dropdown_date_validation_and_properties_are_in_the_package() {
    let bytes = render(&contoso());
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    let status = xml_element(&sheet, "<dataValidation type=\"list\"")
        .expect("the Status column has a list validation");
    assert!(status.contains("sqref=\"C2:C8\""), "{status}");
    assert!(
        status.contains(
            "<formula1>\"Not started,In progress,Done,Blocked,Not applicable\"</formula1>"
        ),
        "{status}"
    );
    let date = xml_element(&sheet, "<dataValidation type=\"date\"")
        .expect("Completed on has a date validation");
    assert!(date.contains("sqref=\"E2:E8\""), "{date}");

    // Frozen header row and ID + Task columns, autofilter, print setup.
    assert!(
        sheet.contains(
            "<pane xSplit=\"2\" ySplit=\"1\" topLeftCell=\"C2\" activePane=\"bottomRight\" state=\"frozen\"/>"
        ),
        "{}",
        &sheet[..2000]
    );
    assert!(sheet.contains("<autoFilter ref=\"A1:N8\"/>"));
    assert!(sheet.contains("orientation=\"landscape\""));
    assert!(sheet.contains(
        "<oddFooter>&amp;LRevision 1 · 2027-03-01&amp;CPage &amp;P of &amp;N</oddFooter>"
    ));
    // Printed at a set scale, not fitted to the page width.
    assert!(
        !sheet.contains("fitToPage"),
        "the Checklist is not shrunk to fit"
    );
    // A Checklist row shows at most three lines unless its Task needs more: the
    // 40,000-character note of row 3 stays whole in its cell, the row three lines tall.
    let row_tag = |r: u32| {
        let at = sheet.find(&format!("<row r=\"{r}\" ")).unwrap();
        &sheet[at..at + sheet[at..].find('>').unwrap()]
    };
    assert!(row_tag(3).contains("ht=\"45\""), "{}", row_tag(3));
    // "Completed on" wraps onto two lines of its narrow column: the header row is two lines tall.
    assert!(row_tag(1).contains("ht=\"30\""), "{}", row_tag(1));
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header row repeated on every page"
    );

    let core = zip_entry(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:title>Contoso &amp; friends: SMS 2003 → ConfigMgr 2007</dc:title>"));
    assert!(core.contains("<dc:creator>Infrastructure team</dc:creator>"));
    assert!(core.contains("<cp:keywords>SMS 2003, Configuration Manager 2007"));
    assert!(core.contains("2027-03-01T00:00:00Z"), "{core}");
    let app = zip_entry(&bytes, "docProps/app.xml");
    assert!(app.contains("<Company>Contoso Ltd</Company>"));
    let custom = zip_entry(&bytes, "docProps/custom.xml");
    assert!(
        custom.contains("name=\"Change reference\"><vt:lpwstr>CHG-0042</vt:lpwstr>"),
        "{custom}"
    );
}

fn xml_element<'a>(xml: &'a str, start: &str) -> Option<&'a str> {
    let at = xml.find(start)?;
    let end = xml[at..].find("</dataValidation>")? + at;
    Some(&xml[at..end])
}

// ---------------------------------------------------------------------------------------------
// Reading one file out of the xlsx package: the zip central directory and a raw-deflate inflater
// (RFC 1951), kept small because the tests only read a few XML parts.
// ---------------------------------------------------------------------------------------------

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn zip_entry(zip: &[u8], name: &str) -> String {
    let eocd = (0..=zip.len() - 22)
        .rev()
        .find(|&i| u32_at(zip, i) == 0x0605_4b50)
        .expect("end of central directory");
    let entries = u16_at(zip, eocd + 10);
    let mut at = u32_at(zip, eocd + 16);
    for _ in 0..entries {
        assert_eq!(u32_at(zip, at), 0x0201_4b50, "central directory header");
        let method = u16_at(zip, at + 10);
        let size = u32_at(zip, at + 20);
        let name_len = u16_at(zip, at + 28);
        let extra_len = u16_at(zip, at + 30);
        let comment_len = u16_at(zip, at + 32);
        let local = u32_at(zip, at + 42);
        let entry_name = std::str::from_utf8(&zip[at + 46..at + 46 + name_len]).unwrap();
        if entry_name == name {
            let data = local + 30 + u16_at(zip, local + 26) + u16_at(zip, local + 28);
            let raw = &zip[data..data + size];
            let bytes = match method {
                0 => raw.to_vec(),
                8 => inflate(raw),
                m => panic!("unsupported compression method {m}"),
            };
            return String::from_utf8(bytes).unwrap();
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    panic!("{name} is not in the package");
}

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    buf: u32,
    count: u32,
}

impl Bits<'_> {
    fn take(&mut self, n: u32) -> u32 {
        while self.count < n {
            self.buf |= u32::from(self.data[self.pos]) << self.count;
            self.pos += 1;
            self.count += 8;
        }
        let v = self.buf & ((1u32 << n) - 1);
        self.buf = self.buf.checked_shr(n).unwrap_or(0);
        self.count -= n;
        v
    }
}

struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for i in 1..15 {
            offsets[i + 1] = offsets[i] + counts[i];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offsets[l as usize] as usize] = sym as u16;
                offsets[l as usize] += 1;
            }
        }
        Huffman { counts, symbols }
    }

    fn decode(&self, bits: &mut Bits) -> u16 {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= bits.take(1) as i32;
            let count = i32::from(self.counts[len]);
            if code - count < first {
                return self.symbols[(index + code - first) as usize];
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        panic!("invalid Huffman code");
    }
}

fn inflate(data: &[u8]) -> Vec<u8> {
    const LEN_BASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LEN_EXTRA: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DIST_BASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DIST_EXTRA: [u8; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];

    let mut out = Vec::new();
    let mut bits = Bits {
        data,
        pos: 0,
        buf: 0,
        count: 0,
    };
    loop {
        let last = bits.take(1) == 1;
        match bits.take(2) {
            0 => {
                // Stored: byte-aligned length, its complement, then the bytes.
                bits.buf = 0;
                bits.count = 0;
                let len = u16_at(data, bits.pos);
                bits.pos += 4;
                out.extend_from_slice(&data[bits.pos..bits.pos + len]);
                bits.pos += len;
            }
            kind @ (1 | 2) => {
                let (lit, dist) = if kind == 1 {
                    let mut l = [8u8; 288];
                    l[144..256].fill(9);
                    l[256..280].fill(7);
                    (Huffman::new(&l), Huffman::new(&[5u8; 30]))
                } else {
                    let nlit = bits.take(5) as usize + 257;
                    let ndist = bits.take(5) as usize + 1;
                    let ncode = bits.take(4) as usize + 4;
                    let mut cl = [0u8; 19];
                    for &i in &ORDER[..ncode] {
                        cl[i] = bits.take(3) as u8;
                    }
                    let code_lengths = Huffman::new(&cl);
                    let mut lengths = Vec::with_capacity(nlit + ndist);
                    while lengths.len() < nlit + ndist {
                        match code_lengths.decode(&mut bits) {
                            s @ 0..=15 => lengths.push(s as u8),
                            16 => {
                                let prev = *lengths.last().unwrap();
                                let n = 3 + bits.take(2);
                                lengths.extend(std::iter::repeat_n(prev, n as usize));
                            }
                            17 => {
                                let n = 3 + bits.take(3);
                                lengths.extend(std::iter::repeat_n(0, n as usize));
                            }
                            _ => {
                                let n = 11 + bits.take(7);
                                lengths.extend(std::iter::repeat_n(0, n as usize));
                            }
                        }
                    }
                    (
                        Huffman::new(&lengths[..nlit]),
                        Huffman::new(&lengths[nlit..]),
                    )
                };
                loop {
                    let sym = lit.decode(&mut bits) as usize;
                    if sym < 256 {
                        out.push(sym as u8);
                    } else if sym == 256 {
                        break;
                    } else {
                        let i = sym - 257;
                        let len =
                            LEN_BASE[i] as usize + bits.take(u32::from(LEN_EXTRA[i])) as usize;
                        let d = dist.decode(&mut bits) as usize;
                        let back =
                            DIST_BASE[d] as usize + bits.take(u32::from(DIST_EXTRA[d])) as usize;
                        let start = out.len() - back;
                        for k in 0..len {
                            out.push(out[start + k]);
                        }
                    }
                }
            }
            _ => panic!("invalid deflate block type"),
        }
        if last {
            return out;
        }
    }
}

/// Writes the hand-built contoso workbook for a look in a spreadsheet application
/// (`cargo test --test xlsx_workbook -- --ignored`; used for the LibreOffice check).
#[test]
#[ignore]
fn write_contoso_workbook_for_inspection() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("contoso-handbuilt.xlsx");
    std::fs::write(&path, render(&contoso())).unwrap();
    eprintln!("wrote {}", path.display());
}

#[test]
fn an_empty_plan_still_gives_a_valid_workbook_with_zero_counts() {
    let mut plan = contoso();
    plan.sites.clear();
    plan.sql_servers.clear();
    plan.findings.clear();
    plan.phases.clear();
    plan.totals = Totals {
        sites: 0,
        primary_sites: 0,
        secondary_sites: 0,
        sites_to_upgrade: 0,
        clients: 0,
        legacy_clients: 0,
        database_growth_mb: 0.0,
        tasks: 0,
        blockers: 0,
        warnings: 0,
        infos: 0,
    };
    let mut wb = open(&render(&plan));
    let checklist = wb.worksheet_range("Checklist").unwrap();
    assert_eq!(checklist.end().unwrap().0, 0, "only the header row");
    let summary = wb.worksheet_range("Summary").unwrap();
    for label in ["Sites", "Tasks", "Blockers", "Not started", "Done"] {
        let r = row_labelled(&summary, label);
        assert_eq!(number(summary.get_value((r, 1))), 0.0, "{label}");
    }
}

#[test]
fn a_fractional_estimate_keeps_its_formula_and_decimals() {
    let mut plan = contoso();
    plan.database_mb_per_client = 1.25;
    plan.sites[3].clients = 2601; // PAR, so LON and CEN get fractions too
    let subtree = |code: &str| match code {
        "CEN" => 17_701.0,
        "LON" => 8031.0,
        "PAR" => 2601.0,
        "NYC" => 8470.0,
        _ => 0.0,
    };
    for site in &mut plan.sites {
        site.subtree_clients += u64::from(matches!(site.code.as_str(), "CEN" | "LON" | "PAR"));
        site.database_growth_mb = 1.25 * subtree(&site.code);
    }
    plan.totals.clients += 1;
    plan.totals.database_growth_mb = plan.sites.iter().map(|s| s.database_growth_mb).sum();
    plan.sql_servers[1].database_growth_mb = 1.25 * (8031.0 + 2601.0);
    plan.sql_servers[1].free_disk_mb = Some(13_000.5);
    plan.sql_servers[1].shortfall_mb = Some(289.5);

    let mut wb = open(&render(&plan));
    let sites = wb.worksheet_range("Sites").unwrap();
    let formulas = wb.worksheet_formula("Sites").unwrap();
    assert_eq!(number(sites.get_value((1, 8))), 22_126.25);
    assert_eq!(
        formulas.get_value((1, 8)).unwrap(),
        "Summary!$B$9*SUM(F2:G8)"
    );
    assert_eq!(number(sites.get_value((4, 8))), 3251.25);
    let sql = wb.worksheet_range("SQL Servers").unwrap();
    assert_eq!(number(sql.get_value((2, 3))), 13_290.0);
    assert_eq!(number(sql.get_value((2, 5))), 289.5);
    let sql_formulas = wb.worksheet_formula("SQL Servers").unwrap();
    assert_eq!(sql_formulas.get_value((2, 5)).unwrap(), "MAX(0,D3-E3)");
    let summary = wb.worksheet_range("Summary").unwrap();
    let r = row_labelled(&summary, "Database growth MB (all site databases)");
    assert_eq!(
        number(summary.get_value((r, 1))),
        plan.totals.database_growth_mb
    );
}
