//! The Checklist of examples/contoso.toml as the person ticking it works with it, on screen and on
//! paper: read back with calamine for the cells and from the package's XML for what calamine does
//! not expose (frozen panes, row heights, column widths, print setup).

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::{xlsx, Paper, RenderContext};
use cmplan::templates::Templates;
use cmplan::workbook_layout::{column_letter, ChecklistRole, CHECKLIST};

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

/// The Checklist's rows in sheet order: each task, then its sub-items indented under it, as
/// (ID, Task text, wave, Depends on).
fn sheet_rows(plan: &Plan) -> Vec<(String, String, u32, Vec<String>)> {
    let mut rows = Vec::new();
    for task in plan.tasks() {
        rows.push((
            task.id.clone(),
            task.title.clone(),
            task.wave,
            task.depends_on.clone(),
        ));
        for item in &task.items {
            rows.push((item.id.clone(), item.text.clone(), task.wave, Vec::new()));
        }
    }
    rows
}

fn text(v: Option<&Data>) -> String {
    match v {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        _ => String::new(),
    }
}

/// One file of the xlsx package (a zip), inflated; found through the central directory (the
/// local headers may leave their sizes to a trailing descriptor).
fn zip_entry(zip: &[u8], name: &str) -> String {
    let u16_at = |at: usize| u16::from_le_bytes([zip[at], zip[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(zip[at..at + 4].try_into().unwrap()) as usize;
    let eocd = (0..=zip.len() - 22)
        .rev()
        .find(|&i| u32_at(i) == 0x0605_4b50)
        .expect("end of central directory");
    let mut at = u32_at(eocd + 16);
    for _ in 0..u16_at(eocd + 10) {
        let method = u16_at(at + 10);
        let size = u32_at(at + 20);
        let name_len = u16_at(at + 28);
        let local = u32_at(at + 42);
        if &zip[at + 46..at + 46 + name_len] == name.as_bytes() {
            let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let raw = &zip[data..data + size];
            let mut out = String::new();
            match method {
                0 => out = String::from_utf8(raw.to_vec()).unwrap(),
                8 => {
                    flate2::read::DeflateDecoder::new(raw)
                        .read_to_string(&mut out)
                        .unwrap();
                }
                m => panic!("compression method {m}"),
            }
            return out;
        }
        at += 46 + name_len + u16_at(at + 30) + u16_at(at + 32);
    }
    panic!("{name} is not in the package")
}

/// The value of `attr` in the first `<tag …>` of `xml`.
fn attr(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let at = xml.find(&format!("<{tag} "))?;
    let element = &xml[at..at + xml[at..].find('>')?];
    let key = format!(" {attr}=\"");
    let start = element.find(&key)? + key.len();
    Some(element[start..start + element[start..].find('"')?].to_string())
}

/// `<col min max width>` of a sheet, as width per 0-based column.
fn column_widths(sheet: &str) -> Vec<f64> {
    let mut widths = Vec::new();
    for part in sheet.split("<col ").skip(1) {
        let element = &part[..part.find('>').unwrap()];
        let get = |k: &str| {
            let key = format!("{k}=\"");
            let s = element.find(&key).unwrap() + key.len();
            element[s..s + element[s..].find('"').unwrap()].to_string()
        };
        let (min, max): (usize, usize) = (get("min").parse().unwrap(), get("max").parse().unwrap());
        let width: f64 = get("width").parse().unwrap();
        if widths.len() < max {
            widths.resize(max, 8.43);
        }
        for w in &mut widths[min - 1..max] {
            *w = width;
        }
    }
    widths
}

/// Row heights in points by 1-based row number (rows without `ht` are one line, 15 pt).
fn row_heights(sheet: &str) -> std::collections::HashMap<u32, f64> {
    sheet
        .split("<row ")
        .skip(1)
        .filter_map(|part| {
            let element = &part[..part.find('>').unwrap()];
            let r = element
                .split("r=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()?;
            let ht = element
                .split(" ht=\"")
                .nth(1)
                .map_or(15.0, |h| h.split('"').next().unwrap().parse().unwrap());
            Some((r, ht))
        })
        .collect()
}

fn render(plan: &Plan, paper: Paper) -> Vec<u8> {
    let ctx = RenderContext {
        paper,
        ..RenderContext::default()
    };
    xlsx::render(plan, &ctx).unwrap()
}

#[test]
fn the_checklist_puts_what_the_person_ticks_first_and_keeps_id_and_task_in_view() {
    let plan = contoso_plan();
    let bytes = render(&plan, Paper::A4);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let sheet = wb.worksheet_range("Checklist").unwrap();
    let headers: Vec<String> = (0..=sheet.end().unwrap().1)
        .map(|c| text(sheet.get_value((0, c))))
        .collect();
    assert_eq!(
        headers[..10],
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
            "Phase"
        ]
    );
    // The writer, the reader and this test share one layout definition.
    assert_eq!(headers, CHECKLIST.headers()[..headers.len()]);

    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    // Header row and the ID + Task columns frozen.
    assert_eq!(attr(&xml, "pane", "xSplit").as_deref(), Some("2"));
    assert_eq!(attr(&xml, "pane", "ySplit").as_deref(), Some("1"));
    assert_eq!(attr(&xml, "pane", "state").as_deref(), Some("frozen"));

    // Wave present without a schedule, and equal to the plan's.
    let wave = u32::from(CHECKLIST.col(ChecklistRole::Wave));
    let rows = sheet_rows(&plan);
    assert!(
        rows.len() > plan.tasks().count(),
        "contoso's tasks have sub-items, each a row of its own"
    );
    for (i, (id, _, task_wave, _)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        assert_eq!(&text(sheet.get_value((r, 0))), id);
        assert_eq!(
            sheet.get_value((r, wave)),
            Some(&Data::Float(f64::from(*task_wave))),
            "{id}"
        );
    }
    assert!(rows.iter().any(|r| r.2 > 1), "contoso has several waves");
}

#[test]
fn rows_show_a_task_in_one_to_three_lines_and_dependencies_are_never_split() {
    let plan = contoso_plan();
    let bytes = render(&plan, Paper::A4);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let sheet = wb.worksheet_range("Checklist").unwrap();
    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    let widths = column_widths(&xml);
    let heights = row_heights(&xml);
    let task_col = CHECKLIST.col(ChecklistRole::Task) as usize;
    let deps_col = CHECKLIST.col(ChecklistRole::DependsOn) as usize;
    let ids: std::collections::HashSet<&str> = plan.tasks().map(|t| t.id.as_str()).collect();

    let rows = sheet_rows(&plan);
    let mut tallest: f64 = 0.0;
    for (i, (id, title, _, depends_on)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        let height = heights.get(&r).copied().unwrap_or(15.0);
        // More than three lines only when the row's own Task text needs them.
        let title_lines = (title.chars().count() as f64 / widths[task_col]).ceil();
        if title_lines <= 3.0 {
            tallest = tallest.max(height);
        }
        assert!(
            height <= 45.0 || title_lines > 3.0,
            "{id}: row {r} is {height} pt"
        );

        // Depends on: whole IDs on each line, each line within the column's width, so no
        // viewer has to wrap (and split an ID at a hyphen).
        let cell = text(sheet.get_value((r - 1, deps_col as u32)));
        let listed: Vec<&str> = cell
            .lines()
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(&listed, depends_on, "{id}");
        for id in &listed {
            assert!(ids.contains(id), "{id}");
        }
        for line in cell.lines() {
            assert!(
                (line.chars().count() as f64) < widths[deps_col],
                "{id}: `{line}` is wider than its column ({})",
                widths[deps_col]
            );
        }
    }
    // A 1080p screen shows about 60 rows of 15 pt: most tasks take one or two lines (the
    // previous layout averaged 71 pt, 7-9 tasks a screen).
    assert!(tallest <= 45.0, "tallest row {tallest} pt");
    let average: f64 = (2..=rows.len() as u32 + 1)
        .map(|r| heights.get(&r).copied().unwrap_or(15.0))
        .sum::<f64>()
        / rows.len() as f64;
    // Sub-items carry whole sentences (a server's own checks): on average rows stay within three lines.
    assert!(average <= 45.0, "average row {average} pt");
    // No header clipped: the header row is as tall as its most-wrapped header.
    for (c, col) in CHECKLIST.columns.iter().take(14).enumerate() {
        let longest_word = col
            .header
            .split(' ')
            .map(|w| w.chars().count())
            .max()
            .unwrap();
        assert!(
            widths[c] >= longest_word as f64,
            "{} is narrower than its header's longest word",
            col.header
        );
    }
}

#[test]
fn the_printed_checklist_is_landscape_at_least_9_pt_with_its_header_repeated() {
    let plan = contoso_plan();
    for (paper, long_side_pt) in [(Paper::A4, 841.89), (Paper::Letter, 792.0)] {
        let bytes = render(&plan, paper);
        let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert_eq!(
            attr(&xml, "pageSetup", "orientation").as_deref(),
            Some("landscape")
        );
        assert!(!xml.contains("fitToPage"), "a set scale, not fit-to-width");
        let scale: f64 = attr(&xml, "pageSetup", "scale")
            .expect("a print scale")
            .parse()
            .unwrap();
        // Calibri 11 pt at that scale.
        assert!(11.0 * scale / 100.0 >= 9.0, "{scale}%");
        // Row numbers and column letters are not printed.
        assert!(!xml.contains("headings=\"1\""));
        assert!(xml.contains("Page &amp;P of &amp;N"), "page n of N");

        // The print area's columns fit the page between the margins at that scale.
        let workbook = zip_entry(&bytes, "xl/workbook.xml");
        let area = workbook
            .split("<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">")
            .nth(1)
            .expect("the Checklist has a print area")
            .split('<')
            .next()
            .unwrap()
            .to_string();
        assert!(area.starts_with("Checklist!$A$1:$"), "{area}");
        let last_letter: String = area
            .trim_start_matches("Checklist!$A$1:$")
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let widths = column_widths(&xml);
        let cols = (0..widths.len() as u16)
            .position(|c| column_letter(c) == last_letter)
            .unwrap()
            + 1;
        // The columns a person fills in are all on paper.
        assert!(
            cols > CHECKLIST.col(ChecklistRole::Notes) as usize,
            "{area}"
        );
        let pt: f64 = widths[..cols]
            .iter()
            // The package stores Excel's width plus its padding: 7 pixels a unit at 96 dpi.
            .map(|w| (7.0 * w).round() * 0.75)
            .sum();
        let left: f64 = attr(&xml, "pageMargins", "left").unwrap().parse().unwrap();
        let right: f64 = attr(&xml, "pageMargins", "right").unwrap().parse().unwrap();
        let printable = long_side_pt - 72.0 * (left + right);
        assert!(
            pt * scale / 100.0 <= printable,
            "{pt} pt at {scale}% is wider than {printable} pt"
        );
        assert!(
            workbook.contains(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">Checklist!$1:$1"
            ),
            "header row repeated on every printed page"
        );
        // Printed cells have borders.
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains("<left style=\"thin\">"), "cell borders");
    }
}

/// The printed sheets in workbook order (the hidden plan sheet is last and never printed).
const PRINTED: [&str; 7] = [
    "Checklist",
    "Summary",
    "Sites",
    "SQL Servers",
    "Disk",
    "Findings",
    "Assumptions",
];

#[test]
fn every_printed_sheet_is_landscape_at_least_9_pt_with_page_numbers_and_its_header_repeated() {
    let plan = contoso_plan();
    for paper in [Paper::A4, Paper::Letter] {
        let bytes = render(&plan, paper);
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(&wb.sheet_names()[..PRINTED.len()], PRINTED);
        let workbook = zip_entry(&bytes, "xl/workbook.xml");
        for (i, sheet) in PRINTED.iter().enumerate() {
            let xml = zip_entry(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 1));
            // Tables print landscape; the two-column Summary upright.
            let orientation = if *sheet == "Summary" {
                "portrait"
            } else {
                "landscape"
            };
            assert_eq!(
                attr(&xml, "pageSetup", "orientation").as_deref(),
                Some(orientation),
                "{sheet}"
            );
            assert!(!xml.contains("fitToPage"), "{sheet}: shrunk to fit");
            // Without a scale a sheet prints at 100 %.
            let scale: f64 = attr(&xml, "pageSetup", "scale").map_or(100.0, |s| s.parse().unwrap());
            assert!(11.0 * scale / 100.0 >= 9.0, "{sheet}: {scale}%");
            assert!(
                xml.contains("Page &amp;P of &amp;N"),
                "{sheet}: page n of N"
            );
            assert!(
                !xml.contains("headings=\"1\""),
                "{sheet}: row numbers printed"
            );
            if *sheet == "Summary" {
                continue;
            }
            // A table: printed over its own cells, header row on every page.
            let quoted = if sheet.contains(' ') {
                format!("'{sheet}'")
            } else {
                sheet.to_string()
            };
            let titles = format!("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">");
            let titles = workbook
                .split(&titles)
                .nth(1)
                .unwrap_or_else(|| panic!("{sheet}: no repeated header"));
            assert!(
                titles
                    .split('<')
                    .next()
                    .unwrap()
                    .ends_with(&format!("{quoted}!$1:$1")),
                "{sheet}: {titles}"
            );
            assert!(
                workbook.contains(&format!(
                    "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"{i}\">{quoted}!$A$1:"
                )),
                "{sheet}: no print area"
            );
            // Wider than the page at that scale: pages across, each starting with the key column.
            if *sheet != "Checklist" {
                let pt: f64 = column_widths(&xml)
                    .iter()
                    .map(|w| (7.0 * w).round() * 0.75)
                    .sum();
                let left: f64 = attr(&xml, "pageMargins", "left").unwrap().parse().unwrap();
                let long_side = if paper == Paper::A4 { 841.89 } else { 792.0 };
                if pt * scale / 100.0 > long_side - 144.0 * left {
                    assert!(
                        titles.starts_with(&format!("{quoted}!$A:$A,")),
                        "{sheet}: {titles}"
                    );
                    assert!(xml.contains("pageOrder=\"overThenDown\""), "{sheet}");
                }
            }
            let range = wb.worksheet_range(sheet).unwrap();
            assert!(range.height() > 1, "{sheet} has rows");
        }
    }
}

#[test]
fn the_assumptions_sheet_lists_every_assumption_with_why_and_how_to_override() {
    use cmplan::workbook_layout::{AssumptionRole, ASSUMPTIONS};
    let plan = contoso_plan();
    assert!(!plan.assumptions.is_empty());
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(render(&plan, Paper::A4))).unwrap();
    let sheet = wb.worksheet_range(ASSUMPTIONS.sheet).unwrap();
    let headers: Vec<String> = (0..ASSUMPTIONS.columns.len() as u32)
        .map(|c| text(sheet.get_value((0, c))))
        .collect();
    assert_eq!(headers, ASSUMPTIONS.headers());
    assert_eq!(sheet.height(), plan.assumptions.len() + 1);
    let cell =
        |r: usize, role| text(sheet.get_value((r as u32 + 1, u32::from(ASSUMPTIONS.col(role)))));
    for (r, a) in plan.assumptions.iter().enumerate() {
        assert_eq!(cell(r, AssumptionRole::Key), a.key);
        assert_eq!(cell(r, AssumptionRole::Value), a.value);
        assert_eq!(cell(r, AssumptionRole::Why), a.why);
        assert_eq!(cell(r, AssumptionRole::Override), a.how_to_override);
    }
}

/// The severity of each finding a task is the remedy of.
fn remedied(plan: &Plan, task: &str) -> Vec<(cmplan::plan::Severity, String)> {
    plan.findings
        .iter()
        .filter(|f| f.remediation_task.as_deref() == Some(task))
        .map(|f| (f.severity, f.code.clone()))
        .collect()
}

#[test]
fn a_task_that_remedies_a_warning_is_never_called_a_blocker_fix() {
    use cmplan::plan::Severity;
    let plan = contoso_plan();
    let bytes = render(&plan, Paper::A4);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Checklist").unwrap();
    let details = u32::from(CHECKLIST.col(ChecklistRole::Details));
    let (mut warnings, mut blockers) = (0, 0);
    for r in 1..sheet.height() as u32 {
        let id = text(sheet.get_value((r, 0)));
        let Some(task) = plan.tasks().find(|t| t.id == id) else {
            continue; // a sub-item row
        };
        let cell = text(sheet.get_value((r, details)));
        let found = remedied(&plan, &id);
        if task.remedies.is_empty() {
            assert!(!cell.starts_with("Remedies"), "{id}: {cell}");
            continue;
        }
        let note = cell.split_once('.').map_or(cell.as_str(), |(n, _)| n);
        let has = |s| found.iter().any(|(x, _)| *x == s);
        assert_eq!(
            note.contains("blocker"),
            has(Severity::Blocker),
            "{id}: {note}"
        );
        assert_eq!(
            note.contains("warning"),
            has(Severity::Warning),
            "{id}: {note}"
        );
        for (severity, code) in &found {
            assert!(
                note.contains(code.as_str()),
                "{id}: {code} ({severity:?}) missing"
            );
        }
        warnings += usize::from(has(Severity::Warning) && !has(Severity::Blocker));
        blockers += usize::from(has(Severity::Blocker));
    }
    assert!(warnings > 0, "contoso has a task remedying only warnings");
    assert!(blockers > 0, "contoso has blocker fixes");

    // The Summary counts the tasks that remove a blocker, the ones the Checklist highlights.
    let summary = wb.worksheet_range("Summary").unwrap();
    let value = |label: &str| {
        (0..summary.height() as u32)
            .find(|&r| text(summary.get_value((r, 0))) == label)
            .and_then(|r| match summary.get_value((r, 1)) {
                Some(Data::Float(f)) => Some(*f as usize),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {label} row"))
    };
    let fixes: std::collections::BTreeSet<&str> = plan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .filter_map(|f| f.remediation_task.as_deref())
        .collect();
    assert_eq!(
        value("Blocker-remediation tasks (highlighted)"),
        fixes.len()
    );
    assert_eq!(value("Blocker-remediation tasks (highlighted)"), blockers);
    assert!(fixes.len() <= value("Blockers"));
}

/// With recorded status the Summary gains the progress tables (seven columns): it then prints
/// landscape, every column on the page's width, at a scale keeping 9 pt.
#[test]
fn a_summary_with_progress_prints_all_its_columns_on_one_page_width() {
    let mut plan = contoso_plan();
    let blocked = plan.phases[0].tasks[0].id.clone();
    plan.phases[0].tasks[0].progress = Some(cmplan::plan::Progress {
        status: cmplan::plan::TaskStatus::Blocked,
        owner: String::new(),
        completed_on: String::new(),
        notes: "waiting for the change board".into(),
    });
    for (paper, long_side_pt) in [(Paper::A4, 841.89), (Paper::Letter, 792.0)] {
        let bytes = render(&plan, paper);
        let xml = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let summary = wb.worksheet_range("Summary").unwrap();
        assert!(
            summary
                .used_cells()
                .any(|(_, _, v)| text(Some(v)) == blocked),
            "the Summary names the blocked task"
        );
        assert_eq!(
            attr(&xml, "pageSetup", "orientation").as_deref(),
            Some("landscape")
        );
        let scale: f64 = attr(&xml, "pageSetup", "scale")
            .expect("a print scale")
            .parse()
            .unwrap();
        assert!(11.0 * scale / 100.0 >= 9.0, "{scale}%");
        let widths = column_widths(&xml);
        assert_eq!(widths.len(), 7, "{widths:?}");
        let pt: f64 = widths.iter().map(|w| (7.0 * w).round() * 0.75).sum();
        let left: f64 = attr(&xml, "pageMargins", "left").unwrap().parse().unwrap();
        let right: f64 = attr(&xml, "pageMargins", "right").unwrap().parse().unwrap();
        let printable = long_side_pt - 72.0 * (left + right);
        assert!(
            pt * scale / 100.0 <= printable,
            "{paper:?}: {pt} pt at {scale}% is wider than {printable} pt"
        );
    }
}

/// One server on the Disk sheet, every figure read as a number.
struct DiskRows {
    /// (what, MB) for each part.
    parts: Vec<(String, f64)>,
    needed: f64,
    free: f64,
    shortfall: f64,
    /// The formula behind the sum.
    sum_formula: String,
}

fn disk_rows(plan: &Plan, server: &str) -> DiskRows {
    use cmplan::workbook_layout::{DiskRole, DISK, DISK_SUM_LABEL};
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(render(plan, Paper::A4))).unwrap();
    let sheet = wb.worksheet_range(DISK.sheet).unwrap();
    let formulas = wb.worksheet_formula(DISK.sheet).unwrap();
    let headers: Vec<String> = (0..DISK.columns.len() as u32)
        .map(|c| text(sheet.get_value((0, c))))
        .collect();
    assert_eq!(headers, DISK.headers());
    let col = |role| u32::from(DISK.col(role));
    let number = |r: u32, role| match sheet.get_value((r, col(role))) {
        Some(Data::Float(f)) => *f,
        other => panic!("row {r} {role:?}: {other:?} is not a number"),
    };
    let mut parts = Vec::new();
    for r in 1..sheet.height() as u32 {
        if text(sheet.get_value((r, col(DiskRole::Server)))) != server {
            continue;
        }
        let what = text(sheet.get_value((r, col(DiskRole::Part))));
        if what == DISK_SUM_LABEL {
            return DiskRows {
                parts,
                needed: number(r, DiskRole::Mb),
                free: number(r, DiskRole::Free),
                shortfall: number(r, DiskRole::Shortfall),
                sum_formula: formulas
                    .get_value((r, col(DiskRole::Mb)))
                    .cloned()
                    .unwrap_or_default(),
            };
        }
        parts.push((what, number(r, DiskRole::Mb)));
    }
    panic!("{server} has no sum row on the Disk sheet");
}

#[test]
fn the_disk_sheet_shows_each_servers_parts_and_their_sum() {
    // Without headroom: NYC-SMS01 holds the site server and NYC's database on one disk.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.toml"),
    )
    .unwrap()
    .replace(
        "database_mb_per_client = 2.0",
        "database_mb_per_client = 2.0\nheadroom_percent = 0",
    );
    let env = cmplan::input::load_bytes("contoso.toml", text.as_bytes()).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    let nyc = disk_rows(&plan, "NYC-SMS01");
    let parts = &nyc.parts;
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert!(parts[0].0.starts_with("site-server install"));
    assert_eq!(parts[1].0, "database growth of NYC");
    assert_eq!(parts.iter().map(|p| p.1).sum::<f64>(), 32_300.0);
    assert_eq!(nyc.needed, 32_300.0);
    assert_eq!((nyc.free, nyc.shortfall), (14_336.0, 17_964.0));
    assert!(nyc.sum_formula.starts_with("SUM("), "{}", nyc.sum_formula);

    // At the default headroom, the sheet says what the plan says, headroom as a part of its own.
    let plan = contoso_plan();
    for server in plan.servers.iter().filter(|s| s.disk.is_some()) {
        let disk = server.disk.as_ref().unwrap();
        let rows = disk_rows(&plan, &server.name);
        let want: Vec<(String, f64)> = disk.parts.iter().map(|p| (p.what.clone(), p.mb)).collect();
        assert_eq!(rows.parts, want, "{}", server.name);
        assert_eq!(rows.needed, disk.needed_mb, "{}", server.name);
        assert_eq!(Some(rows.free), disk.free_mb, "{}", server.name);
        assert_eq!(Some(rows.shortfall), disk.shortfall_mb, "{}", server.name);
    }
    let nyc = disk_rows(&plan, "NYC-SMS01");
    assert!(
        nyc.parts.iter().any(|p| p.0.starts_with("headroom")),
        "{:?}",
        nyc.parts
    );
    assert!(nyc.needed > 32_300.0);
}
