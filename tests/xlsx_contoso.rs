//! The workbook of examples/contoso.toml through the whole pipeline (input → engine → xlsx),
//! read back with calamine: the formulas the workbook writes must reproduce the engine's numbers.

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::{xlsx, RenderContext};
use cmplan::templates::Templates;
use cmplan::workbook_layout::{ChecklistRole, CHECKLIST};

fn contoso_plan() -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.toml");
    let env = cmplan::input::load(&path).expect("contoso.toml is valid");
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    plan::build(&env, &opts).expect("the engine plans contoso")
}

fn number(v: Option<&Data>) -> f64 {
    match v {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn text(v: Option<&Data>) -> String {
    match v {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

#[test]
fn contoso_workbook_matches_the_plan() {
    let plan = contoso_plan();
    let bytes = xlsx::render(&plan, &RenderContext::default()).unwrap();
    assert_eq!(
        bytes,
        xlsx::render(&plan, &RenderContext::default()).unwrap(),
        "same plan, same bytes"
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();

    // One Checklist row per task, in plan order, each followed by a row per sub-item; each row
    // with its phase.
    let checklist = wb.worksheet_range("Checklist").unwrap();
    let expected: Vec<(String, String)> = plan
        .phases
        .iter()
        .flat_map(|p| {
            p.tasks.iter().flat_map(move |t| {
                std::iter::once((t.id.clone(), p.title.clone()))
                    .chain(t.items.iter().map(move |i| (i.id.clone(), p.title.clone())))
            })
        })
        .collect();
    assert!(
        expected.len() > plan.tasks().count(),
        "contoso has sub-items"
    );
    let rows = checklist.end().unwrap().0 as usize;
    assert_eq!(rows, expected.len());
    for (i, (id, phase)) in expected.iter().enumerate() {
        let r = i as u32 + 1;
        let col = |role| u32::from(CHECKLIST.col(role));
        assert_eq!(
            &text(checklist.get_value((r, col(ChecklistRole::Id)))),
            id,
            "row {}",
            r + 1
        );
        assert_eq!(
            &text(checklist.get_value((r, col(ChecklistRole::Phase)))),
            phase,
            "row {}",
            r + 1
        );
        assert_eq!(
            text(checklist.get_value((r, col(ChecklistRole::Status)))),
            "Not started"
        );
    }

    // Every estimate is a live formula whose cached result is the engine's number.
    let sites = wb.worksheet_range("Sites").unwrap();
    let site_formulas = wb.worksheet_formula("Sites").unwrap();
    for (i, site) in plan.sites.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(sites.get_value((r, 0))), site.code);
        assert_eq!(
            number(sites.get_value((r, 7))),
            site.subtree_clients as f64,
            "{}",
            site.code
        );
        assert_eq!(
            number(sites.get_value((r, 8))),
            site.database_growth_mb,
            "{}",
            site.code
        );
        let growth_formula = site_formulas.get_value((r, 8)).cloned().unwrap_or_default();
        if site.site_type.as_str() == "primary" {
            assert!(
                growth_formula.starts_with("Summary!$B$"),
                "{}: the formula reproduces the engine's estimate, got {growth_formula:?}",
                site.code
            );
        }
    }
    let growth = |code: &str| {
        let r = plan.sites.iter().position(|s| s.code == code).unwrap() as u32 + 1;
        number(sites.get_value((r, 8)))
    };
    assert_eq!(growth("CEN"), 35_400.0);
    assert_eq!(growth("NYC"), 16_940.0);
    assert_eq!(growth("LON"), 16_060.0);
    assert_eq!(growth("PAR"), 5_200.0);

    let sql = wb.worksheet_range("SQL Servers").unwrap();
    let sql_formulas = wb.worksheet_formula("SQL Servers").unwrap();
    for (i, server) in plan.sql_servers.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(text(sql.get_value((r, 0))), server.name);
        assert_eq!(number(sql.get_value((r, 3))), server.database_growth_mb);
        assert!(sql_formulas
            .get_value((r, 3))
            .unwrap()
            .starts_with("SUMIFS("));
        if let Some(shortfall) = server.shortfall_mb {
            assert_eq!(number(sql.get_value((r, 5))), shortfall, "{}", server.name);
            assert_eq!(
                sql_formulas.get_value((r, 5)).unwrap(),
                &format!("MAX(0,D{}-E{})", r + 1, r + 1)
            );
        }
    }
    let shortfall = |name: &str| {
        let r = plan
            .sql_servers
            .iter()
            .position(|s| s.name == name)
            .unwrap() as u32
            + 1;
        number(sql.get_value((r, 5)))
    };
    assert_eq!(shortfall("NYC-SMS01"), 2_604.0);
    assert_eq!(shortfall("LON-SQL01"), 780.0);
    assert_eq!(shortfall("CEN-SQL01"), 0.0);

    // Each finding links to its source's (first) address.
    let links = wb.hyperlinks_by_sheet_name("Findings").unwrap();
    assert_eq!(links.len(), plan.findings.len());
    for (link, finding) in links.iter().zip(&plan.findings) {
        let target = link.target.as_deref().unwrap();
        assert!(finding.source.url.starts_with(target), "{target}");
    }

    // Summary totals agree with the plan's, as formulas.
    let summary = wb.worksheet_range("Summary").unwrap();
    let summary_formulas = wb.worksheet_formula("Summary").unwrap();
    let row = |label: &str| {
        (0..=summary.end().unwrap().0)
            .find(|r| matches!(summary.get_value((*r, 0)), Some(Data::String(s)) if s == label))
            .unwrap_or_else(|| panic!("no {label} row"))
    };
    let t = &plan.totals;
    for (label, value) in [
        ("Sites", t.sites as f64),
        ("Sites to upgrade", t.sites_to_upgrade as f64),
        ("Advanced Clients", t.clients as f64),
        (
            "Database growth MB (all site databases)",
            t.database_growth_mb,
        ),
        ("Tasks", t.tasks as f64),
        ("Blockers", t.blockers as f64),
        ("Warnings", t.warnings as f64),
        ("Not started", t.tasks as f64),
    ] {
        let r = row(label);
        assert_eq!(number(summary.get_value((r, 1))), value, "{label}");
        assert!(
            !summary_formulas
                .get_value((r, 1))
                .cloned()
                .unwrap_or_default()
                .is_empty(),
            "{label} is a formula"
        );
    }
}
