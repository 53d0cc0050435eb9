//! `-f xlsx`: the tracking workbook (rust_xlsxwriter).
//!
//! Engineers work in the `Checklist` sheet (status dropdown, owner, completion date, notes); the
//! other sheets explain the numbers. Every derived number is a formula carrying the plan's value
//! as its cached result, so viewers that never recalculate still show the right figures. A formula
//! is only written when it reproduces the plan's number: where it would not, the plan's number is
//! written as a plain value (the plan is the authority, the formula a convenience).
//!
//! The layout of `Checklist`, `Summary`'s `Revision` row and the hidden `cmplan-plan` sheet is a
//! contract with regeneration (issue 8), which reads a previous workbook back: keep it stable.

use std::borrow::Cow;
use std::collections::HashMap;

use rust_xlsxwriter::utility::{quote_sheet_name, row_col_to_cell};
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula,
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet, XlsxError,
};

use super::{Paper, RenderContext, RenderError};
use crate::plan::{Plan, Severity, TaskStatus};

/// The sheet engineers track the upgrade in.
pub const CHECKLIST_SHEET: &str = "Checklist";
/// Header texts of the `Checklist` sheet, columns A–N (read back by regeneration).
pub const CHECKLIST_HEADERS: [&str; 14] = [
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
/// Columns O–R of the `Checklist` sheet, written only when the plan has a schedule
/// (`plan.start`): the dates are real Excel dates.
pub const SCHEDULE_HEADERS: [&str; 4] = ["Wave", "Planned start", "Planned end", "Critical path"];
const SCHEDULE_WIDTHS: [f64; 4] = [6.0, 13.0, 13.0, 9.0];
pub const SUMMARY_SHEET: &str = "Summary";
pub const SITES_SHEET: &str = "Sites";
pub const SQL_SERVERS_SHEET: &str = "SQL Servers";
pub const FINDINGS_SHEET: &str = "Findings";
pub const CHANGES_SHEET: &str = "Changes";
pub const REMOVED_TASKS_SHEET: &str = "Removed tasks";
/// Hidden sheet holding the plan's JSON, so a regeneration can diff against this revision.
pub const PLAN_SHEET: &str = "cmplan-plan";
/// Cell A1 of [`PLAN_SHEET`]: identifies the format of the chunks below it.
pub const PLAN_MARKER: &str = "cmplan-plan-json v1";
/// The plan JSON is split into chunks of at most this many characters (A2, A3, …).
pub const PLAN_CHUNK_CHARS: usize = 30_000;
/// Excel's cell limit, in UTF-16 code units.
pub const CELL_LIMIT: usize = 32_767;
/// Appended to a text cut at [`CELL_LIMIT`].
pub const TRUNCATION_MARKER: &str = " […truncated: Excel cells hold at most 32,767 characters]";

// Checklist columns (0-based), named where the code refers to them.
const COL_ID: u16 = 1;
const COL_PHASE: u16 = 2;
const COL_TASK: u16 = 5;
const COL_STATUS: u16 = 10;
const COL_COMPLETED: u16 = 12;
// Narrow enough that a landscape page printed to fit its width stays readable.
const CHECKLIST_WIDTHS: [f64; 14] = [
    5.0, 22.0, 16.0, 6.0, 12.0, 34.0, 30.0, 48.0, 18.0, 18.0, 13.0, 14.0, 13.0, 28.0,
];

// Sites columns (0-based).
const SITES_HEADERS: [&str; 17] = [
    "Code",
    "Name",
    "Type",
    "Parent",
    "Version",
    "Clients",
    "Legacy clients",
    "Subtree clients",
    "Database growth MB",
    "SQL Server",
    "SQL free MB",
    "SQL shortfall MB",
    "Site server",
    "Security",
    "Blockers",
    "Already upgraded",
    "How the estimate is made",
];
const SITES_WIDTHS: [f64; 17] = [
    7.0, 28.0, 10.0, 7.0, 18.0, 10.0, 10.0, 10.0, 12.0, 16.0, 12.0, 12.0, 16.0, 10.0, 9.0, 10.0,
    60.0,
];
const SITE_UPGRADED: u16 = 15;
const SITE_CLIENTS: u16 = 5;
const SITE_LEGACY: u16 = 6;
const SITE_GROWTH: u16 = 8;
const SITE_SQL: u16 = 9;

const SQL_HEADERS: [&str; 7] = [
    "Name",
    "Site databases",
    "SQL Server version",
    "Database growth MB",
    "Free MB",
    "Shortfall MB",
    "How the estimate is made",
];
const SQL_WIDTHS: [f64; 7] = [18.0, 20.0, 16.0, 12.0, 12.0, 12.0, 70.0];
const SQL_FREE: u16 = 4;
const SQL_SHORTFALL: u16 = 5;

const FINDINGS_HEADERS: [&str; 8] = [
    "Code",
    "Severity",
    "Site",
    "Server",
    "Message",
    "Source",
    "Rule",
    "Remediation task",
];
const FINDINGS_WIDTHS: [f64; 8] = [18.0, 10.0, 7.0, 16.0, 70.0, 40.0, 8.0, 26.0];
const FINDING_SEVERITY: u16 = 1;

const REMOVED_HEADERS: [&str; 7] = [
    "ID",
    "Task",
    "Site",
    "Status",
    "Owner",
    "Completed on",
    "Notes",
];
const REMOVED_WIDTHS: [f64; 7] = [26.0, 42.0, 7.0, 14.0, 16.0, 13.0, 40.0];

const CHANGES_HEADERS: [&str; 3] = ["Category", "Subject", "Description"];
const CHANGES_WIDTHS: [f64; 3] = [18.0, 26.0, 90.0];

/// Renders the tracking workbook.
pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<Vec<u8>, RenderError> {
    let json = super::json::render(plan)?;
    // serde_json only ever writes UTF-8.
    let json = String::from_utf8_lossy(&json);
    build(plan, ctx, &json).map_err(|e| RenderError::new(super::Format::Xlsx, e.to_string()))
}

fn build(plan: &Plan, ctx: &RenderContext, json: &str) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let layout = Layout::new(plan);

    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(plan));

    workbook.push_worksheet(checklist(plan, ctx, &styles, &layout)?);
    workbook.push_worksheet(summary(plan, ctx, &styles, &layout)?);
    workbook.push_worksheet(sites(plan, ctx, &styles, &layout)?);
    workbook.push_worksheet(sql_servers(plan, ctx, &styles, &layout)?);
    workbook.push_worksheet(findings(plan, ctx, &styles)?);
    if let Some(changes) = &plan.changes {
        workbook.push_worksheet(changes_sheet(plan, ctx, &styles, changes)?);
    }
    if !plan.removed_tasks.is_empty() {
        workbook.push_worksheet(removed_tasks(plan, ctx, &styles)?);
    }
    workbook.push_worksheet(plan_sheet(json)?);

    workbook.save_to_buffer()
}

/// Title, author, company, keywords, and a creation time fixed by the plan date so the same
/// input and date give the same bytes.
fn properties(plan: &Plan) -> DocProperties {
    let created = parse_date(&plan.date)
        .or_else(|| ExcelDateTime::from_ymd(1980, 1, 1).ok())
        .expect("1980-01-01 is a valid date");
    let mut props = DocProperties::new()
        .set_title(cut(&plan.title))
        .set_subject(format!("Upgrade plan to {}", plan.target_name))
        .set_author(cut(plan.prepared_by.as_deref().unwrap_or("cmplan")))
        .set_keywords("SMS 2003, Configuration Manager 2007, upgrade plan, checklist")
        .set_comment(format!(
            "Generated by cmplan {} (revision {})",
            env!("CARGO_PKG_VERSION"),
            plan.revision
        ))
        .set_creation_datetime(&created);
    if let Some(org) = &plan.organisation {
        props = props.set_company(cut(org));
    }
    if let Some(change) = &plan.change_reference {
        props = props.set_custom_property("Change reference", cut(change).as_ref());
    }
    props
}

/// Cell formats shared by the sheets.
struct Styles {
    header: Format,
    title: Format,
    label: Format,
    label_wrap: Format,
    section: Format,
    text: Format,
    wrap: Format,
    remedy: Format,
    integer: Format,
    /// Sizes with a fraction; whole sizes use `integer` (see [`Styles::mb`]).
    mb_fraction: Format,
    date: Format,
    link: Format,
    blocker: Format,
    warning: Format,
    done: Format,
    in_progress: Format,
    blocked: Format,
    not_applicable: Format,
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0x1F4E78))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Top),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            label_wrap: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            section: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone(),
            wrap: top.clone().set_text_wrap(),
            // Tasks that remedy a blocker stand out, so they are not skipped.
            remedy: top
                .clone()
                .set_text_wrap()
                .set_bold()
                .set_background_color(Color::RGB(0xFCE4D6)),
            integer: top.clone().set_num_format("#,##0"),
            mb_fraction: top.clone().set_num_format("#,##0.0#"),
            date: top.clone().set_num_format("yyyy-mm-dd"),
            link: top
                .clone()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            blocker: top
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            warning: top
                .set_background_color(Color::RGB(0xFFEB9C))
                .set_font_color(Color::RGB(0x9C5700)),
            done: Format::new()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            in_progress: Format::new().set_background_color(Color::RGB(0xFFEB9C)),
            blocked: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            not_applicable: Format::new().set_font_color(Color::RGB(0x808080)),
        }
    }
}

impl Styles {
    /// The format for a size in MB: whole numbers without a decimal point (Excel shows `2.` for
    /// `#,##0.##`), fractions with their decimals.
    fn mb(&self, value: f64) -> &Format {
        if value.fract() == 0.0 {
            &self.integer
        } else {
            &self.mb_fraction
        }
    }
}

/// Where things land: rows of tasks, sites and SQL Servers, and the Summary cell other sheets read.
struct Layout {
    /// Last Checklist row (0-based); at least 1 so ranges stay valid when there are no tasks.
    checklist_last: u32,
    sites_last: u32,
    findings_last: u32,
    /// Row of each SQL Server on the SQL Servers sheet, by lower-case name.
    sql_rows: HashMap<String, u32>,
    /// Absolute reference to the "Database MB per client" value on the Summary sheet.
    mb_per_client_cell: String,
}

impl Layout {
    fn new(plan: &Plan) -> Layout {
        let tasks = plan.tasks().count() as u32;
        Layout {
            checklist_last: tasks.max(1),
            sites_last: (plan.sites.len() as u32).max(1),
            findings_last: (plan.findings.len() as u32).max(1),
            sql_rows: plan
                .sql_servers
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.to_lowercase(), i as u32 + 1))
                .collect(),
            mb_per_client_cell: format!(
                "{}!$B${}",
                SUMMARY_SHEET,
                summary_title_rows(plan).len() // the last title row, 1-based
            ),
        }
    }

    fn checklist_range(&self, col: u16) -> String {
        sheet_range(CHECKLIST_SHEET, col, 1, self.checklist_last)
    }
}

/// `Sheet!$C$2:$C$9`.
fn sheet_range(sheet: &str, col: u16, first: u32, last: u32) -> String {
    format!(
        "{}!{}:{}",
        quote_sheet_name(sheet),
        rust_xlsxwriter::utility::row_col_to_cell_absolute(first, col),
        rust_xlsxwriter::utility::row_col_to_cell_absolute(last, col)
    )
}

// ---------------------------------------------------------------------------------------------
// Checklist
// ---------------------------------------------------------------------------------------------

fn checklist(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(CHECKLIST_SHEET)?;
    header_row(&mut ws, &CHECKLIST_HEADERS, &CHECKLIST_WIDTHS, s)?;
    ws.set_column_format(COL_COMPLETED, &s.date)?;
    // With a schedule, the planned dates follow the tracking columns (regeneration finds its
    // columns by header, so these do not disturb it).
    let scheduled = plan.schedule.is_some();
    let last_col = if scheduled {
        let first = CHECKLIST_HEADERS.len() as u16;
        for (i, (h, w)) in SCHEDULE_HEADERS.iter().zip(SCHEDULE_WIDTHS).enumerate() {
            ws.write_string_with_format(0, first + i as u16, *h, &s.header)?;
            ws.set_column_width(first + i as u16, w)?;
        }
        first + SCHEDULE_HEADERS.len() as u16 - 1
    } else {
        CHECKLIST_HEADERS.len() as u16 - 1
    };

    let mut row = 0u32;
    for phase in &plan.phases {
        for task in &phase.tasks {
            row += 1;
            let body = if task.remedies.is_empty() {
                &s.wrap
            } else {
                &s.remedy
            };
            ws.write_number_with_format(row, 0, row, &s.integer)?;
            let details = if task.remedies.is_empty() {
                Cow::Borrowed(task.details.as_str())
            } else {
                Cow::Owned(format!(
                    "Remedies blocker {}. {}",
                    task.remedies.join(", "),
                    task.details
                ))
            };
            let depends_on = task.depends_on.join(", ");
            let progress = task.progress.as_ref();
            let status = progress.map_or(TaskStatus::NotStarted, |p| p.status);
            let cells: [(u16, &str, &Format); 12] = [
                (COL_ID, &task.id, body),
                (COL_PHASE, &phase.title, &s.wrap),
                (3, task.site.as_deref().unwrap_or(""), &s.text),
                (4, task.server.as_deref().unwrap_or(""), &s.wrap),
                (COL_TASK, &task.title, body),
                (6, &task.expected_result, &s.wrap),
                (7, &details, &s.wrap),
                (8, &task.reference, &s.wrap),
                (9, &depends_on, &s.wrap),
                (COL_STATUS, status.label(), &s.text),
                (11, progress.map_or("", |p| &p.owner), &s.wrap),
                (13, progress.map_or("", |p| &p.notes), &s.wrap),
            ];
            for (col, text, format) in cells {
                put(&mut ws, row, col, text, format)?;
            }
            put_date_or_text(
                &mut ws,
                row,
                COL_COMPLETED,
                progress.map_or("", |p| &p.completed_on),
                s,
            )?;
            if scheduled {
                let first = CHECKLIST_HEADERS.len() as u16;
                ws.write_number_with_format(row, first, task.wave, &s.integer)?;
                for (i, date) in [&task.planned_start, &task.planned_end].iter().enumerate() {
                    put_date_or_text(
                        &mut ws,
                        row,
                        first + 1 + i as u16,
                        date.as_deref().unwrap_or(""),
                        s,
                    )?;
                }
                put(
                    &mut ws,
                    row,
                    first + 3,
                    if task.critical { "yes" } else { "" },
                    &s.text,
                )?;
            }
            fit_row(
                &mut ws,
                row,
                &CHECKLIST_WIDTHS,
                &cells.map(|(c, t, _)| (c, t)),
            )?;
        }
    }
    let last = layout.checklist_last;

    let status_list: Vec<&str> = TaskStatus::ALL.iter().map(|t| t.label()).collect();
    let status_validation = DataValidation::new()
        .allow_list_strings(&status_list)?
        .set_error_title("Status")?
        .set_error_message(format!("Choose one of: {}.", status_list.join(", ")))?;
    ws.add_data_validation(1, COL_STATUS, last, COL_STATUS, &status_validation)?;

    let earliest = ExcelDateTime::from_ymd(1990, 1, 1)?;
    let latest = ExcelDateTime::from_ymd(2099, 12, 31)?;
    let date_validation = DataValidation::new()
        .allow_date(DataValidationRule::Between(earliest, latest))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("Completed on")?
        .set_error_message("Enter a date, e.g. 2027-03-01.")?;
    ws.add_data_validation(1, COL_COMPLETED, last, COL_COMPLETED, &date_validation)?;

    // The whole row takes the colour of its status.
    let status_cell = "$K2";
    for (status, format) in [
        (TaskStatus::Done, &s.done),
        (TaskStatus::InProgress, &s.in_progress),
        (TaskStatus::Blocked, &s.blocked),
        (TaskStatus::NotApplicable, &s.not_applicable),
    ] {
        let rule = ConditionalFormatFormula::new()
            .set_rule(format!("{status_cell}=\"{}\"", status.label()).as_str())
            .set_format(format);
        ws.add_conditional_format(1, 0, last, last_col, &rule)?;
    }

    table_sheet_setup(&mut ws, 0, 0, (last, last_col), plan, ctx, CHECKLIST_SHEET)?;
    ws.set_active(true);
    Ok(ws)
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/// Rows of the title block; the last one is "Database MB per client", which the Sites formulas
/// read (so a what-if on that one cell recomputes every estimate).
fn summary_title_rows(plan: &Plan) -> Vec<(&'static str, TitleValue<'_>)> {
    let mut rows = vec![("Title", TitleValue::Text(&plan.title))];
    if let Some(org) = &plan.organisation {
        rows.push(("Organisation", TitleValue::Text(org)));
    }
    if let Some(change) = &plan.change_reference {
        rows.push(("Change reference", TitleValue::Text(change)));
    }
    if let Some(by) = &plan.prepared_by {
        rows.push(("Prepared by", TitleValue::Text(by)));
    }
    rows.push(("Target", TitleValue::Text(&plan.target_name)));
    rows.push(("Plan date", TitleValue::Date(&plan.date)));
    rows.push(("Revision", TitleValue::Number(f64::from(plan.revision))));
    rows.push(("Input SHA-256", TitleValue::Text(&plan.input_digest)));
    if let Some(schedule) = &plan.schedule {
        rows.push(("Planned start", TitleValue::Date(&schedule.start)));
        rows.push(("Planned end", TitleValue::Date(&schedule.end)));
        rows.push((
            "Working days",
            TitleValue::Number(f64::from(schedule.working_days)),
        ));
    }
    rows.push((
        "Database MB per client",
        TitleValue::Number(plan.database_mb_per_client),
    ));
    rows
}

enum TitleValue<'a> {
    Text(&'a str),
    Date(&'a str),
    Number(f64),
}

fn summary(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SUMMARY_SHEET)?;
    const WIDTHS: [f64; 3] = [42.0, 44.0, 10.0];
    for (col, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }

    let mut row = 0u32;
    for (label, value) in summary_title_rows(plan) {
        ws.write_string_with_format(row, 0, label, &s.label)?;
        let value_format = if row == 0 { &s.title } else { &s.wrap };
        // Values of the title block sit at the left of their column, like the texts among them.

        match value {
            TitleValue::Text(text) => {
                put(&mut ws, row, 1, text, value_format)?;
                // The title is set larger: give it a little more room per line.
                let width = if row == 0 {
                    WIDTHS[1] * 0.75
                } else {
                    WIDTHS[1]
                };
                fit_row(&mut ws, row, &[0.0, width], &[(1, text)])?;
            }
            TitleValue::Date(text) => match parse_date(text) {
                Some(date) => {
                    let format = s.date.clone().set_align(FormatAlign::Left);
                    ws.write_datetime_with_format(row, 1, &date, &format)?;
                }
                None => put(&mut ws, row, 1, text, &s.wrap)?,
            },
            TitleValue::Number(n) => {
                let left = s.mb(n).clone().set_align(FormatAlign::Left);
                ws.write_number_with_format(row, 1, n, &left)?;
            }
        }
        row += 1;
    }

    // Hierarchy totals, each a formula over the sheet it summarises.
    row += 1;
    ws.write_string_with_format(row, 0, "Hierarchy totals", &s.section)?;
    ws.write_blank(row, 1, &s.section)?;
    row += 1;
    let t = &plan.totals;
    let site_col = |col: u16| sheet_range(SITES_SHEET, col, 1, layout.sites_last);
    let count_sites = |site_type: &str| {
        plan.sites
            .iter()
            .filter(|x| x.site_type.as_str() == site_type)
            .count() as f64
    };
    let severity_count =
        |sev: Severity| plan.findings.iter().filter(|f| f.severity == sev).count() as f64;
    let severity_range = sheet_range(FINDINGS_SHEET, FINDING_SEVERITY, 1, layout.findings_last);
    let totals: Vec<(&str, Option<String>, f64, f64)> = vec![
        (
            "Sites",
            Some(format!("COUNTA({})", site_col(0))),
            plan.sites.len() as f64,
            t.sites as f64,
        ),
        (
            "Primary sites",
            Some(format!("COUNTIFS({},\"primary\")", site_col(2))),
            count_sites("primary"),
            t.primary_sites as f64,
        ),
        (
            "Secondary sites",
            Some(format!("COUNTIFS({},\"secondary\")", site_col(2))),
            count_sites("secondary"),
            t.secondary_sites as f64,
        ),
        (
            "Sites to upgrade",
            Some(format!("COUNTIFS({},\"no\")", site_col(SITE_UPGRADED))),
            plan.sites.iter().filter(|x| !x.already_upgraded).count() as f64,
            t.sites_to_upgrade as f64,
        ),
        (
            "Advanced Clients",
            Some(format!("SUM({})", site_col(SITE_CLIENTS))),
            plan.sites.iter().map(|x| x.clients as f64).sum(),
            t.clients as f64,
        ),
        (
            "Legacy Clients",
            Some(format!("SUM({})", site_col(SITE_LEGACY))),
            plan.sites.iter().map(|x| x.legacy_clients as f64).sum(),
            t.legacy_clients as f64,
        ),
        (
            "Database growth MB (all site databases)",
            Some(format!("SUM({})", site_col(SITE_GROWTH))),
            plan.sites.iter().map(|x| x.database_growth_mb).sum(),
            t.database_growth_mb,
        ),
        (
            "Tasks",
            Some(format!("COUNTA({})", layout.checklist_range(COL_ID))),
            plan.tasks().count() as f64,
            t.tasks as f64,
        ),
        (
            "Blocker-remediation tasks (highlighted)",
            None,
            plan.tasks().filter(|x| !x.remedies.is_empty()).count() as f64,
            plan.tasks().filter(|x| !x.remedies.is_empty()).count() as f64,
        ),
        (
            "Blockers",
            Some(format!("COUNTIFS({severity_range},\"blocker\")")),
            severity_count(Severity::Blocker),
            t.blockers as f64,
        ),
        (
            "Warnings",
            Some(format!("COUNTIFS({severity_range},\"warning\")")),
            severity_count(Severity::Warning),
            t.warnings as f64,
        ),
        (
            "Information",
            Some(format!("COUNTIFS({severity_range},\"info\")")),
            severity_count(Severity::Info),
            t.infos as f64,
        ),
    ];
    for (label, formula, computed, value) in totals {
        ws.write_string_with_format(row, 0, label, &s.label)?;
        match formula {
            Some(f) => checked_formula(&mut ws, row, 1, &f, computed, value, s.mb(value))?,
            None => {
                ws.write_number_with_format(row, 1, value, s.mb(value))?;
            }
        }
        row += 1;
    }

    // Counts by status.
    let statuses: Vec<TaskStatus> = plan
        .tasks()
        .map(|t| {
            t.progress
                .as_ref()
                .map_or(TaskStatus::NotStarted, |p| p.status)
        })
        .collect();
    let status_range = layout.checklist_range(COL_STATUS);
    row += 1;
    ws.write_string_with_format(row, 0, "Tasks by status", &s.section)?;
    ws.write_string_with_format(row, 1, "Tasks", &s.section)?;
    row += 1;
    for status in TaskStatus::ALL {
        let n = statuses.iter().filter(|x| **x == status).count();
        ws.write_string_with_format(row, 0, status.label(), &s.label)?;
        let f = format!("COUNTIFS({status_range},\"{}\")", status.label());
        formula_cell(&mut ws, row, 1, &f, n as f64, &s.integer)?;
        row += 1;
    }

    // Counts by phase: total and done.
    let phase_range = layout.checklist_range(COL_PHASE);
    row += 1;
    ws.write_string_with_format(row, 0, "Tasks by phase", &s.section)?;
    ws.write_string_with_format(row, 1, "Tasks", &s.section)?;
    ws.write_string_with_format(row, 2, "Done", &s.section)?;
    row += 1;
    for phase in &plan.phases {
        put(&mut ws, row, 0, &phase.title, &s.label_wrap)?;
        fit_row(&mut ws, row, &WIDTHS, &[(0, &phase.title)])?;
        let total = phase.tasks.len() as f64;
        let done = phase
            .tasks
            .iter()
            .filter(|t| t.progress.as_ref().map(|p| p.status) == Some(TaskStatus::Done))
            .count() as f64;
        match countifs_criterion(&phase.title) {
            Some(criterion) => {
                let f = format!("COUNTIFS({phase_range},{criterion})");
                formula_cell(&mut ws, row, 1, &f, total, &s.integer)?;
                let f = format!("COUNTIFS({phase_range},{criterion},{status_range},\"Done\")");
                formula_cell(&mut ws, row, 2, &f, done, &s.integer)?;
            }
            None => {
                ws.write_number_with_format(row, 1, total, &s.integer)?;
                ws.write_number_with_format(row, 2, done, &s.integer)?;
            }
        }
        row += 1;
    }

    print_setup(&mut ws, plan, ctx, SUMMARY_SHEET)?;
    // A two-column page reads best upright.
    ws.set_portrait();
    Ok(ws)
}

/// A COUNTIFS criterion matching exactly `text`: `=` so a leading `<`, `>` or `=` is not an
/// operator, `~` before the wildcards `*` `?` `~`, quotes doubled. `None` when Excel's 255-character
/// criterion limit is exceeded (the caller then writes a plain number).
fn countifs_criterion(text: &str) -> Option<String> {
    let mut escaped = String::from("=");
    for c in text.chars() {
        if matches!(c, '*' | '?' | '~') {
            escaped.push('~');
        }
        escaped.push(c);
    }
    if escaped.encode_utf16().count() > 255 {
        return None;
    }
    Some(format!("\"{}\"", escaped.replace('"', "\"\"")))
}

// ---------------------------------------------------------------------------------------------
// Sites and SQL Servers
// ---------------------------------------------------------------------------------------------

fn sites(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SITES_SHEET)?;
    header_row(&mut ws, &SITES_HEADERS, &SITES_WIDTHS, s)?;

    // Marks which sites are already in the subtree being collected (stamped with its index + 1).
    let mut stamp = vec![0usize; plan.sites.len()];
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, site) in plan.sites.iter().enumerate() {
        if let Some(parent) = &site.parent {
            children.entry(parent.as_str()).or_default().push(i);
        }
    }
    for (i, site) in plan.sites.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, 0, &site.code, &s.text)?;
        put(&mut ws, row, 1, &site.name, &s.wrap)?;
        put(&mut ws, row, 2, site.site_type.as_str(), &s.text)?;
        put(
            &mut ws,
            row,
            3,
            site.parent.as_deref().unwrap_or(""),
            &s.text,
        )?;
        put(&mut ws, row, 4, site.version.as_str(), &s.text)?;
        ws.write_number_with_format(row, SITE_CLIENTS, site.clients as f64, &s.integer)?;
        ws.write_number_with_format(row, SITE_LEGACY, site.legacy_clients as f64, &s.integer)?;

        // The subtree: this site and every site below it, as runs of consecutive rows (one run
        // when the sites are in pre-order, as the plan lists them).
        stamp[i] = i + 1;
        let mut subtree = vec![i];
        let mut next = 0;
        while next < subtree.len() {
            let code = plan.sites[subtree[next]].code.as_str();
            for &child in children.get(code).map(Vec::as_slice).unwrap_or_default() {
                // A validated hierarchy has no cycles; the guard keeps a broken plan finite.
                if stamp[child] != i + 1 {
                    stamp[child] = i + 1;
                    subtree.push(child);
                }
            }
            next += 1;
        }
        let mut rows: Vec<u32> = subtree.iter().map(|&j| j as u32 + 1).collect();
        rows.sort_unstable();
        let subtree_clients: f64 = subtree
            .iter()
            .map(|&j| (plan.sites[j].clients + plan.sites[j].legacy_clients) as f64)
            .sum();
        let sum = subtree_sum(&rows);

        match &sum {
            Some(sum) => checked_formula(
                &mut ws,
                row,
                7,
                &format!("SUM({sum})"),
                subtree_clients,
                site.subtree_clients as f64,
                &s.integer,
            )?,
            None => {
                ws.write_number_with_format(row, 7, site.subtree_clients as f64, &s.integer)?;
            }
        }
        match (&sum, site.site_type.as_str()) {
            (Some(sum), "primary") => checked_formula(
                &mut ws,
                row,
                SITE_GROWTH,
                &format!("{}*SUM({sum})", layout.mb_per_client_cell),
                plan.database_mb_per_client * subtree_clients,
                site.database_growth_mb,
                s.mb(site.database_growth_mb),
            )?,
            _ => {
                let growth = site.database_growth_mb;
                ws.write_number_with_format(row, SITE_GROWTH, growth, s.mb(growth))?;
            }
        }

        put(
            &mut ws,
            row,
            SITE_SQL,
            site.database_server.as_deref().unwrap_or(""),
            &s.text,
        )?;
        let sql = site.database_server.as_deref().and_then(|name| {
            let r = *layout.sql_rows.get(&name.to_lowercase())?;
            Some((r, &plan.sql_servers[r as usize - 1]))
        });
        if let Some((sql_row, sql)) = sql {
            let cell = |col: u16| {
                format!(
                    "{}!{}",
                    quote_sheet_name(SQL_SERVERS_SHEET),
                    row_col_to_cell(sql_row, col)
                )
            };
            if let Some(free) = sql.free_disk_mb {
                formula_cell(&mut ws, row, 10, &cell(SQL_FREE), free, s.mb(free))?;
            }
            if let Some(shortfall) = sql.shortfall_mb {
                formula_cell(
                    &mut ws,
                    row,
                    11,
                    &cell(SQL_SHORTFALL),
                    shortfall,
                    s.mb(shortfall),
                )?;
            }
        }
        put(&mut ws, row, 12, &site.site_server, &s.text)?;
        put(&mut ws, row, 13, site.security.as_str(), &s.text)?;
        ws.write_number_with_format(row, 14, site.blockers as f64, &s.integer)?;
        let upgraded = if site.already_upgraded { "yes" } else { "no" };
        put(&mut ws, row, SITE_UPGRADED, upgraded, &s.text)?;
        put(&mut ws, row, 16, &site.formula, &s.wrap)?;
        fit_row(
            &mut ws,
            row,
            &SITES_WIDTHS,
            &[(1, &site.name), (16, &site.formula)],
        )?;
    }

    highlight_shortfall(&mut ws, layout.sites_last, 11, s)?;
    table_sheet_setup(
        &mut ws,
        0,
        1,
        (layout.sites_last, SITES_HEADERS.len() as u16 - 1),
        plan,
        ctx,
        SITES_SHEET,
    )?;
    Ok(ws)
}

/// A shortfall stands out (the upgrade cannot proceed until space is found), also when a user
/// edits the free space and the formula recomputes.
fn highlight_shortfall(
    ws: &mut Worksheet,
    last: u32,
    col: u16,
    s: &Styles,
) -> Result<(), XlsxError> {
    let rule = ConditionalFormatCell::new()
        .set_rule(ConditionalFormatCellRule::GreaterThan(0))
        .set_format(&s.blocker);
    ws.add_conditional_format(1, col, last, col, &rule)?;
    Ok(())
}

/// `F2:G6,F9:G9` for the client columns of the given rows; `None` past a size Excel's SUM accepts.
fn subtree_sum(rows: &[u32]) -> Option<String> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &r in rows {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == r => *end = r,
            _ => runs.push((r, r)),
        }
    }
    if runs.is_empty() || runs.len() > 100 {
        return None;
    }
    Some(
        runs.iter()
            .map(|(a, b)| {
                format!(
                    "{}:{}",
                    row_col_to_cell(*a, SITE_CLIENTS),
                    row_col_to_cell(*b, SITE_LEGACY)
                )
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn sql_servers(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SQL_SERVERS_SHEET)?;
    header_row(&mut ws, &SQL_HEADERS, &SQL_WIDTHS, s)?;

    let growth_range = sheet_range(SITES_SHEET, SITE_GROWTH, 1, layout.sites_last);
    let server_range = sheet_range(SITES_SHEET, SITE_SQL, 1, layout.sites_last);
    for (i, sql) in plan.sql_servers.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, 0, &sql.name, &s.text)?;
        put(&mut ws, row, 1, &sql.sites.join(", "), &s.wrap)?;
        put(&mut ws, row, 2, sql.sql.as_deref().unwrap_or(""), &s.text)?;

        // The sum over the databases it hosts, as the Sites sheet lists them.
        let hosted: f64 = plan
            .sites
            .iter()
            .filter(|x| {
                x.database_server
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(&sql.name))
            })
            .map(|x| x.database_growth_mb)
            .sum();
        match countifs_criterion(&sql.name) {
            Some(criterion) => checked_formula(
                &mut ws,
                row,
                3,
                &format!("SUMIFS({growth_range},{server_range},{criterion})"),
                hosted,
                sql.database_growth_mb,
                s.mb(sql.database_growth_mb),
            )?,
            None => {
                let growth = sql.database_growth_mb;
                ws.write_number_with_format(row, 3, growth, s.mb(growth))?;
            }
        }
        if let Some(free) = sql.free_disk_mb {
            ws.write_number_with_format(row, SQL_FREE, free, s.mb(free))?;
        }
        if let Some(shortfall) = sql.shortfall_mb {
            let format = s.mb(shortfall);
            match sql.free_disk_mb {
                Some(free) => {
                    let d = row_col_to_cell(row, 3);
                    let e = row_col_to_cell(row, SQL_FREE);
                    checked_formula(
                        &mut ws,
                        row,
                        SQL_SHORTFALL,
                        &format!("MAX(0,{d}-{e})"),
                        (sql.database_growth_mb - free).max(0.0),
                        shortfall,
                        format,
                    )?;
                }
                None => {
                    ws.write_number_with_format(row, SQL_SHORTFALL, shortfall, format)?;
                }
            }
        } else {
            put(&mut ws, row, SQL_SHORTFALL, "unknown", &s.text)?;
        }
        put(&mut ws, row, 6, &sql.formula, &s.wrap)?;
        let hosted_sites = sql.sites.join(", ");
        fit_row(
            &mut ws,
            row,
            &SQL_WIDTHS,
            &[(1, &hosted_sites), (6, &sql.formula)],
        )?;
    }

    let last = (plan.sql_servers.len() as u32).max(1);
    highlight_shortfall(&mut ws, last, SQL_SHORTFALL, s)?;
    table_sheet_setup(
        &mut ws,
        0,
        1,
        (last, SQL_HEADERS.len() as u16 - 1),
        plan,
        ctx,
        SQL_SERVERS_SHEET,
    )?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------------
// Findings, changes, removed tasks
// ---------------------------------------------------------------------------------------------

fn findings(plan: &Plan, ctx: &RenderContext, s: &Styles) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(FINDINGS_SHEET)?;
    header_row(&mut ws, &FINDINGS_HEADERS, &FINDINGS_WIDTHS, s)?;
    for (i, f) in plan.findings.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, 0, &f.code, &s.text)?;
        let severity_format = match f.severity {
            Severity::Blocker => &s.blocker,
            Severity::Warning => &s.warning,
            Severity::Info => &s.text,
        };
        put(
            &mut ws,
            row,
            FINDING_SEVERITY,
            f.severity.as_str(),
            severity_format,
        )?;
        put(&mut ws, row, 2, f.site.as_deref().unwrap_or(""), &s.text)?;
        put(&mut ws, row, 3, f.server.as_deref().unwrap_or(""), &s.wrap)?;
        put(&mut ws, row, 4, &f.message, &s.wrap)?;
        source_link(&mut ws, row, 5, &f.source, s)?;
        put(&mut ws, row, 6, &f.rule, &s.text)?;
        put(
            &mut ws,
            row,
            7,
            f.remediation_task.as_deref().unwrap_or(""),
            &s.wrap,
        )?;
        let source = format!("{} {}", f.source.id, f.source.title);
        fit_row(
            &mut ws,
            row,
            &FINDINGS_WIDTHS,
            &[
                (3, f.server.as_deref().unwrap_or("")),
                (4, &f.message),
                (5, &source),
                (7, f.remediation_task.as_deref().unwrap_or("")),
            ],
        )?;
    }
    let last = (plan.findings.len() as u32).max(1);
    table_sheet_setup(
        &mut ws,
        0,
        0,
        (last, FINDINGS_HEADERS.len() as u16 - 1),
        plan,
        ctx,
        FINDINGS_SHEET,
    )?;
    Ok(ws)
}

/// The source as a hyperlink to its first address (a source may list several, `a ; b`), with
/// its id and title as the text. Anything that is not a plain web address stays text.
fn source_link(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    source: &crate::plan::Source,
    s: &Styles,
) -> Result<(), XlsxError> {
    let text = format!("{} {}", source.id, source.title);
    let first = source
        .url
        .split([';', ' '])
        .map(str::trim)
        .find(|u| !u.is_empty())
        .unwrap_or("");
    let linkable = (first.starts_with("http://") || first.starts_with("https://"))
        && first.len() <= 2000
        && !first.chars().any(|c| c.is_control() || c == '"');
    if linkable {
        let mut url = Url::new(first).set_text(cut(&text));
        if source.url.len() <= 250 {
            url = url.set_tip(source.url.as_str());
        }
        if ws.write_url_with_format(row, col, url, &s.link).is_ok() {
            return Ok(());
        }
    }
    put(ws, row, col, &format!("{text} ({})", source.url), &s.wrap)
}

fn changes_sheet(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    changes: &crate::plan::RevisionChanges,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(CHANGES_SHEET)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "Changes since revision {} (this is revision {})",
            changes.previous_revision, plan.revision
        ),
        &s.title,
    )?;
    for (col, (h, w)) in CHANGES_HEADERS.iter().zip(CHANGES_WIDTHS).enumerate() {
        ws.write_string_with_format(1, col as u16, *h, &s.header)?;
        ws.set_column_width(col as u16, w)?;
    }
    for (i, e) in changes.entries.iter().enumerate() {
        let row = i as u32 + 2;
        put(&mut ws, row, 0, &e.category, &s.text)?;
        put(&mut ws, row, 1, &e.subject, &s.wrap)?;
        put(&mut ws, row, 2, &e.description, &s.wrap)?;
        fit_row(
            &mut ws,
            row,
            &CHANGES_WIDTHS,
            &[(1, &e.subject), (2, &e.description)],
        )?;
    }
    if changes.entries.is_empty() {
        ws.write_string_with_format(2, 2, "No changes.", &s.wrap)?;
    }
    let last = (changes.entries.len() as u32 + 1).max(2);
    table_sheet_setup(&mut ws, 1, 0, (last, 2), plan, ctx, CHANGES_SHEET)?;
    Ok(ws)
}

fn removed_tasks(plan: &Plan, ctx: &RenderContext, s: &Styles) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(REMOVED_TASKS_SHEET)?;
    header_row(&mut ws, &REMOVED_HEADERS, &REMOVED_WIDTHS, s)?;
    for (i, t) in plan.removed_tasks.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, 0, &t.id, &s.wrap)?;
        put(&mut ws, row, 1, &t.title, &s.wrap)?;
        put(&mut ws, row, 2, t.site.as_deref().unwrap_or(""), &s.text)?;
        put(&mut ws, row, 3, t.progress.status.label(), &s.text)?;
        put(&mut ws, row, 4, &t.progress.owner, &s.wrap)?;
        put_date_or_text(&mut ws, row, 5, &t.progress.completed_on, s)?;
        put(&mut ws, row, 6, &t.progress.notes, &s.wrap)?;
        fit_row(
            &mut ws,
            row,
            &REMOVED_WIDTHS,
            &[
                (1, &t.title),
                (4, &t.progress.owner),
                (6, &t.progress.notes),
            ],
        )?;
    }
    let last = plan.removed_tasks.len() as u32;
    table_sheet_setup(
        &mut ws,
        0,
        0,
        (last, REMOVED_HEADERS.len() as u16 - 1),
        plan,
        ctx,
        REMOVED_TASKS_SHEET,
    )?;
    Ok(ws)
}

/// The hidden sheet with the plan as JSON, in chunks that fit a cell.
fn plan_sheet(json: &str) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(PLAN_SHEET)?;
    ws.write_string(0, 0, PLAN_MARKER)?;
    for (i, chunk) in plan_json_chunks(json).into_iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, chunk)?;
    }
    ws.set_hidden(true);
    Ok(ws)
}

/// Splits `json` on character boundaries into chunks of at most [`PLAN_CHUNK_CHARS`] characters
/// that also stay within that many UTF-16 units (Excel's unit), so no chunk is ever refused.
pub fn plan_json_chunks(json: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut units = 0;
    for (i, c) in json.char_indices() {
        if units + c.len_utf16() > PLAN_CHUNK_CHARS {
            chunks.push(&json[start..i]);
            start = i;
            units = 0;
        }
        units += c.len_utf16();
    }
    if start < json.len() {
        chunks.push(&json[start..]);
    }
    chunks
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn header_row(
    ws: &mut Worksheet,
    headers: &[&str],
    widths: &[f64],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (col, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &s.header)?;
        ws.set_column_width(col as u16, *w)?;
    }
    Ok(())
}

/// Landscape, the chosen paper, the plan title in the header, page numbers in the footer.
/// The finish every table sheet shares: header rows frozen (and `freeze_cols` columns), an
/// autofilter over the table, print setup, and the header row repeated on every printed page.
fn table_sheet_setup(
    ws: &mut Worksheet,
    header_row: u32,
    freeze_cols: u16,
    (last_row, last_col): (u32, u16),
    plan: &Plan,
    ctx: &RenderContext,
    sheet: &str,
) -> Result<(), XlsxError> {
    ws.set_freeze_panes(header_row + 1, freeze_cols)?;
    ws.autofilter(header_row, 0, last_row, last_col)?;
    print_setup(ws, plan, ctx, sheet)?;
    ws.set_repeat_rows(0, header_row)?;
    Ok(())
}

fn print_setup(
    ws: &mut Worksheet,
    plan: &Plan,
    ctx: &RenderContext,
    sheet: &str,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(match ctx.paper {
        Paper::A4 => 9,
        Paper::Letter => 1,
    });
    // `&` starts a control code in headers: double it; keep well under the 255-character limit.
    let title: String = plan
        .title
        .chars()
        .take(80)
        .collect::<String>()
        .replace('&', "&&");
    ws.set_header(format!("&L{title}&R{sheet}"));
    ws.set_footer(format!(
        "&LRevision {} · {}&CPage &P of &N",
        plan.revision, plan.date
    ));
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Writes input text as a string (never a formula: `=HYPERLINK(…)` stays text), cut to the cell
/// limit with a marker.
fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if text.is_empty() {
        ws.write_blank(row, col, format)?;
    } else {
        ws.write_string_with_format(row, col, cut(text), format)?;
    }
    Ok(())
}

/// Sets the row's height to show all of its wrapped text: rows written by rust_xlsxwriter carry
/// no height, and not every viewer (LibreOffice, for one) grows them on opening.
fn fit_row(
    ws: &mut Worksheet,
    row: u32,
    widths: &[f64],
    cells: &[(u16, &str)],
) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(col, text)| wrapped_lines(text, widths[*col as usize]))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        // 15 points per line of 11-point text; Excel's maximum row height is 409 points.
        ws.set_row_height(row, (15.0 * lines as f64).min(409.0))?;
    }
    Ok(())
}

/// Lines `text` takes in a column `width` units wide (an estimate: a width unit is the width of
/// a digit, average text runs about 15% narrower, and word wrapping loses a couple of characters
/// a line).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = ((width * 1.15 - 2.0).max(1.0)) as usize;
    text.split('\n')
        .map(|line| line.chars().count().div_ceil(per_line).max(1))
        .sum()
}

/// A `YYYY-MM-DD` text as a real Excel date; anything else as the text it is.
fn put_date_or_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    s: &Styles,
) -> Result<(), XlsxError> {
    match parse_date(text) {
        Some(date) => {
            ws.write_datetime_with_format(row, col, &date, &s.date)?;
            Ok(())
        }
        None => put(ws, row, col, text, &s.text),
    }
}

fn parse_date(text: &str) -> Option<ExcelDateTime> {
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok()
}

/// Cuts `text` to Excel's cell limit (counted in UTF-16 units, as Excel does) with a marker.
pub fn cut(text: &str) -> Cow<'_, str> {
    if text.len() <= CELL_LIMIT || text.encode_utf16().count() <= CELL_LIMIT {
        return Cow::Borrowed(text);
    }
    let budget = CELL_LIMIT - TRUNCATION_MARKER.encode_utf16().count();
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > budget {
            break;
        }
        units += c.len_utf16();
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}{TRUNCATION_MARKER}", &text[..end]))
}

/// A formula with `value` as its cached result.
fn formula_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    formula: &str,
    value: f64,
    format: &Format,
) -> Result<(), XlsxError> {
    let f = Formula::new(format!("={formula}")).set_result(number_text(value));
    ws.write_formula_with_format(row, col, f, format)?;
    Ok(())
}

/// The formula when it computes the plan's number (`computed` is what it yields on this sheet),
/// else the plan's number as a value: the workbook never shows a figure the plan does not have.
fn checked_formula(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    formula: &str,
    computed: f64,
    plan_value: f64,
    format: &Format,
) -> Result<(), XlsxError> {
    if (computed - plan_value).abs() <= 1e-6 * plan_value.abs().max(1.0) {
        formula_cell(ws, row, col, formula, plan_value, format)
    } else {
        ws.write_number_with_format(row, col, plan_value, format)?;
        Ok(())
    }
}

/// A cached result as Excel stores it: a plain decimal number.
fn number_text(value: f64) -> String {
    if value.is_finite() {
        format!("{value}")
    } else {
        "0".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_the_cell_limit_with_a_marker() {
        let long = "é".repeat(40_000);
        let cut = cut(&long);
        assert_eq!(cut.encode_utf16().count(), CELL_LIMIT);
        assert!(cut.ends_with(TRUNCATION_MARKER));
        // Characters outside the BMP count twice, as in Excel.
        let wide = "𝄞".repeat(20_000);
        let cut_wide = super::cut(&wide);
        assert!(cut_wide.encode_utf16().count() <= CELL_LIMIT);
        assert!(cut_wide.ends_with(TRUNCATION_MARKER));
        assert_eq!(super::cut("short"), "short");
    }

    #[test]
    fn plan_json_chunks_rejoin_and_respect_the_limit() {
        let json = format!("{{\"a\":\"{}\"}}", "ü𝄞x".repeat(25_000));
        let chunks = plan_json_chunks(&json);
        assert!(chunks.len() > 2);
        assert_eq!(chunks.concat(), json);
        for c in &chunks {
            assert!(c.chars().count() <= PLAN_CHUNK_CHARS);
            assert!(c.encode_utf16().count() <= PLAN_CHUNK_CHARS);
        }
        assert_eq!(plan_json_chunks("{}"), vec!["{}"]);
    }

    #[test]
    fn countifs_criterion_matches_text_literally() {
        assert_eq!(countifs_criterion("Prepare").unwrap(), "\"=Prepare\"");
        assert_eq!(
            countifs_criterion("a*b?c~\"d\"").unwrap(),
            "\"=a~*b~?c~~\"\"d\"\"\""
        );
        assert!(countifs_criterion(&"x".repeat(300)).is_none());
    }

    #[test]
    fn wrapped_lines_counts_wrapping_and_line_breaks() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("123456789", 10.0), 1);
        assert_eq!(wrapped_lines("1234567890", 10.0), 2);
        assert_eq!(wrapped_lines("a\nb\n", 10.0), 3);
    }

    #[test]
    fn subtree_sum_merges_consecutive_rows() {
        assert_eq!(subtree_sum(&[1, 2, 3]).unwrap(), "F2:G4");
        assert_eq!(subtree_sum(&[1, 3, 4]).unwrap(), "F2:G2,F4:G5");
        assert!(subtree_sum(&[]).is_none());
    }
}
