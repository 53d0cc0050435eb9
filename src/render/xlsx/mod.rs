//! `-f xlsx`: the tracking workbook (rust_xlsxwriter).
//!
//! Engineers work in the `Checklist` sheet (status dropdown, owner, completion date, notes); the
//! other sheets explain the numbers. Every derived number is a formula carrying the plan's value
//! as its cached result, so viewers that never recalculate still show the right figures. A formula
//! is only written when it reproduces the plan's number: where it would not, the plan's number is
//! written as a plain value (the plan is the authority, the formula a convenience).
//!
//! The sheets' columns, `Summary`'s `Revision` row and the hidden `cmplan-plan` sheet are defined
//! once, in [`crate::workbook_layout`], which regeneration reads a previous workbook back with
//! (by header text, so columns may move; header texts may not).
//!
//! One file per sheet family: `checklist`, `summary`, `disk` (each server's disk parts and
//! their sum), `tables` (the other reference sheets and the hidden plan); here the styles, the print setup and the cell helpers they share.

use std::borrow::Cow;
use std::collections::HashMap;

use rust_xlsxwriter::utility::{quote_sheet_name, row_col_to_cell};
use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula,
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet, XlsxError,
};

use super::{Paper, RenderContext, RenderError};
use crate::plan::{Phase, Plan, Severity, SubItem, Task, TaskStatus};

mod checklist;
mod disk;
mod summary;
mod tables;

use checklist::{checklist, printable_width_pt};
pub use checklist::{column_width_pt, print_columns};
use summary::{countifs_criterion, summary, summary_title_rows};
pub use tables::plan_json_chunks;
use tables::{assumptions, changes_sheet, findings, plan_sheet, removed_tasks, sites, sql_servers};

// The layout (sheet names, columns, the hidden plan sheet) is shared with regeneration.
use crate::workbook_layout::{
    column_letter, AssumptionRole, ChangeRole, ChecklistRole, Column, FindingRole, RemovedRole,
    SiteRole, SqlRole, Table, ASSUMPTIONS, CHANGES, CHECKLIST, FINDINGS, REMOVED_TASKS,
    REVISION_LABEL, SITES, SQL_SERVERS,
};
pub use crate::workbook_layout::{PLAN_CHUNK_CHARS, PLAN_MARKER, PLAN_SHEET, SUMMARY_SHEET};

/// Excel's cell limit, in UTF-16 code units.
pub const CELL_LIMIT: usize = 32_767;
/// Appended to a text cut at [`CELL_LIMIT`].
pub const TRUNCATION_MARKER: &str = " […truncated: Excel cells hold at most 32,767 characters]";

/// The body text size (Excel's default, Calibri 11 pt) and the smallest size it may print at.
const FONT_PT: f64 = 11.0;
const MIN_PRINTED_PT: f64 = 9.0;
/// Points per line of 11-point text, as Excel sizes rows.
const LINE_PT: f64 = 15.0;
/// A Checklist row shows at most this many lines, unless its Task needs more.
const CHECKLIST_MAX_LINES: usize = 3;
/// Margins of every printed sheet, in inches: narrow sides leave room for columns.
const MARGIN_SIDE_IN: f64 = 0.4;

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
    workbook.push_worksheet(disk::disk(plan, ctx, &styles)?);
    workbook.push_worksheet(findings(plan, ctx, &styles)?);
    workbook.push_worksheet(assumptions(plan, ctx, &styles)?);
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
    /// The title in a column it must not spill out of (the Summary's value column).
    title_wrap: Format,
    label: Format,
    label_wrap: Format,
    /// A sum row's label in a table (bold, with the table's borders).
    sum_label: Format,
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
    /// A sub-item's Task cell, indented under its task; and its ID, in grey.
    sub_item: Format,
    sub_item_id: Format,
}

impl Styles {
    fn new() -> Styles {
        // Light borders on every body cell: a printed sheet keeps its grid.
        let top = Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
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
            title_wrap: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_text_wrap()
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
            sum_label: top.clone().set_bold().set_text_wrap(),
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
            sub_item: top.clone().set_text_wrap().set_indent(2),
            sub_item_id: top
                .clone()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x595959)),
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
    /// Per finding code: the task each finding with that code names as its remedy, and its
    /// severity (how a task's `remedies` are told apart: blockers, warnings, information).
    findings_by_code: HashMap<String, Vec<(Option<String>, Severity)>>,
}

impl Layout {
    fn new(plan: &Plan) -> Layout {
        let rows: usize = plan.tasks().map(|t| 1 + t.items.len()).sum();
        Layout {
            checklist_last: (rows as u32).max(1),
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
            findings_by_code: plan.findings.iter().fold(HashMap::new(), |mut m, f| {
                m.entry(f.code.clone())
                    .or_default()
                    .push((f.remediation_task.clone(), f.severity));
                m
            }),
        }
    }

    /// The findings `task` remedies, each with its severity: that of the finding naming this
    /// task as its remedy (else of any finding with the code; a code no finding has counts as
    /// a warning, never as a blocker).
    fn remedied<'t>(&self, task: &'t Task) -> Vec<(Severity, &'t str)> {
        task.remedies
            .iter()
            .map(|code| {
                let found = self.findings_by_code.get(code.as_str());
                let own = found.and_then(|v| {
                    v.iter()
                        .filter(|(t, _)| t.as_deref() == Some(task.id.as_str()))
                        .map(|(_, s)| *s)
                        .min()
                });
                let any = || found.and_then(|v| v.iter().map(|(_, s)| *s).min());
                (own.or_else(any).unwrap_or(Severity::Warning), code.as_str())
            })
            .collect()
    }

    /// Whether `task` removes a blocker (the tasks the Checklist highlights).
    fn fixes_blocker(&self, task: &Task) -> bool {
        self.remedied(task)
            .iter()
            .any(|(s, _)| *s == Severity::Blocker)
    }

    fn checklist_range(&self, role: ChecklistRole) -> String {
        sheet_range(CHECKLIST.sheet, CHECKLIST.col(role), 1, self.checklist_last)
    }

    /// A COUNTIFS condition pair that keeps task rows only, when sub-item rows (IDs with a `/`)
    /// are among them.
    fn tasks_only(&self, plan: &Plan) -> String {
        if plan.tasks().any(|t| !t.items.is_empty()) {
            format!(",{},\"<>*/*\"", self.checklist_range(ChecklistRole::Id))
        } else {
            String::new()
        }
    }
}

/// What a task remedies, by severity: `Remedies blocker CHK-A; warnings CHK-B, CHK-C.`
fn remedy_note(remedied: &[(Severity, &str)]) -> String {
    let mut parts = Vec::new();
    for severity in [Severity::Blocker, Severity::Warning, Severity::Info] {
        let codes: Vec<&str> = remedied
            .iter()
            .filter(|(s, _)| *s == severity)
            .map(|(_, c)| *c)
            .collect();
        let word = match (severity, codes.len()) {
            (_, 0) => continue,
            (Severity::Blocker, 1) => "blocker",
            (Severity::Blocker, _) => "blockers",
            (Severity::Warning, 1) => "warning",
            (Severity::Warning, _) => "warnings",
            (Severity::Info, _) => "information",
        };
        parts.push(format!("{word} {}", codes.join(", ")));
    }
    format!("Remedies {}.", parts.join("; "))
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
// Helpers
// ---------------------------------------------------------------------------------------------

/// Writes the header row and sets the column widths; the row is as tall as its longest
/// wrapped header, so no header is clipped.
fn header_row<R>(
    ws: &mut Worksheet,
    row: u32,
    columns: &[&Column<R>],
    widths: &[f64],
    s: &Styles,
) -> Result<(), XlsxError> {
    let mut lines = 1;
    for (col, (c, w)) in columns.iter().zip(widths).enumerate() {
        ws.write_string_with_format(row, col as u16, c.header, &s.header)?;
        ws.set_column_width(col as u16, *w)?;
        lines = lines.max(wrapped_lines(c.header, *w / HEADER_BOLD));
    }
    if lines > 1 {
        ws.set_row_height(row, LINE_PT * lines as f64)?;
    }
    Ok(())
}

/// Bold header text runs about this much wider than body text.
const HEADER_BOLD: f64 = 1.1;

/// The width a text needs on one line, in width units (a digit's width): capitals and a
/// character or so of padding make it a little more than its length.
fn text_width(text: &str) -> f64 {
    let chars = text.chars().count() as f64;
    let capitals = text.chars().filter(|c| c.is_uppercase()).count() as f64;
    chars + 0.25 * capitals + 1.0
}

/// A column's width from its content: as wide as its longest line, at most the layout's width,
/// and never narrower than the header's longest word (headers wrap between words only).
fn content_width<'t, R>(col: &Column<R>, texts: impl Iterator<Item = &'t str>) -> f64 {
    let header = col
        .header
        .split_whitespace()
        .map(|w| text_width(w) * HEADER_BOLD + 0.5)
        .fold(0.0, f64::max);
    let content = texts
        .flat_map(str::lines)
        .map(text_width)
        .fold(0.0, f64::max);
    content.min(col.width).max(header).ceil()
}

/// Widths of a table sheet from the texts of its rows (one text per column, in column order;
/// numbers as they are displayed).
fn table_widths<R>(table: &Table<R>, rows: &[Vec<String>]) -> Vec<f64> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| content_width(col, rows.iter().map(|r| r[i].as_str())))
        .collect()
}

/// A number about as the sheet displays it (`#,##0`, or with decimals), for sizing its column.
fn shown(value: f64) -> String {
    super::markdown::format_number(value)
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
    ws.set_margins(MARGIN_SIDE_IN, MARGIN_SIDE_IN, 0.6, 0.6, 0.3, 0.3);
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
    // No fit-to-width: it shrinks a wide sheet to about 6 pt. Sheets print at 100 % unless
    // they set a scale that keeps [`MIN_PRINTED_PT`] ([`print_whole_table`]).
    Ok(())
}

/// A reference sheet on paper: the whole table at a set scale that keeps [`MIN_PRINTED_PT`],
/// on one page's width when it fits at that size, else on pages across (over, then down) with
/// its first `key_cols` columns repeated on each, so every printed row still says what it is.
fn print_whole_table(
    ws: &mut Worksheet,
    widths: &[f64],
    (last_row, last_col): (u32, u16),
    key_cols: u16,
    ctx: &RenderContext,
) -> Result<(), XlsxError> {
    let (cols, scale) = print_columns(widths, PRINT_FILL * printable_width_pt(ctx.paper));
    ws.set_print_area(0, 0, last_row, last_col)?;
    ws.set_print_scale(scale);
    if usize::from(cols) < widths.len() {
        ws.set_page_order(false);
        if key_cols > 0 {
            ws.set_repeat_columns(0, key_cols - 1)?;
        }
    }
    Ok(())
}

/// A sheet of a few columns (the Summary) printed upright, on one page's width at a set scale
/// that keeps [`MIN_PRINTED_PT`].
fn print_upright(ws: &mut Worksheet, widths: &[f64], ctx: &RenderContext) {
    ws.set_portrait();
    let short_side = match ctx.paper {
        Paper::A4 => 595.28,
        Paper::Letter => 612.0,
    };
    let printable = short_side - 2.0 * 72.0 * MARGIN_SIDE_IN;
    let (_, scale) = print_columns(widths, PRINT_FILL * printable);
    ws.set_print_scale(scale);
}

/// Share of the printable width a sheet's columns may fill: LibreOffice draws columns about 6 %
/// wider than Excel's pixel rule, and a column pushed past the edge prints on pages of its own.
const PRINT_FILL: f64 = 0.92;

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

/// Sets a table row's height to show all of its wrapped text (`texts` in column order).
fn fit_table_row(
    ws: &mut Worksheet,
    row: u32,
    widths: &[f64],
    texts: &[String],
) -> Result<(), XlsxError> {
    let lines = texts
        .iter()
        .zip(widths)
        .map(|(text, w)| wrapped_lines(text, *w))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, (LINE_PT * lines as f64).min(409.0))?;
    }
    Ok(())
}

/// Lines `text` takes in a column `width` units wide (an estimate: a width unit is the width of
/// a digit, average text runs about 15% narrower, words wrap whole and a word longer than a line
/// is cut).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = ((width * 1.15 - 2.0).max(1.0)) as usize;
    text.split('\n')
        .map(|paragraph| {
            let mut lines = 1;
            let mut used = 0;
            for word in paragraph.split(' ') {
                let len = word.chars().count();
                let need = if used == 0 { len } else { used + 1 + len };
                if need <= per_line {
                    used = need;
                } else if used == 0 {
                    lines += (len - 1) / per_line;
                    used = (len - 1) % per_line + 1;
                } else {
                    lines += 1 + len.saturating_sub(1) / per_line;
                    used = if len == 0 {
                        0
                    } else {
                        (len - 1) % per_line + 1
                    };
                }
            }
            lines
        })
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
    use super::tables::subtree_sum;
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
    fn a_remedy_says_what_it_removes_by_severity() {
        use Severity::*;
        assert_eq!(
            remedy_note(&[(Blocker, "CHK-A")]),
            "Remedies blocker CHK-A."
        );
        assert_eq!(
            remedy_note(&[(Warning, "CHK-S")]),
            "Remedies warning CHK-S."
        );
        assert_eq!(
            remedy_note(&[
                (Warning, "W1"),
                (Blocker, "B1"),
                (Blocker, "B2"),
                (Warning, "W2")
            ]),
            "Remedies blockers B1, B2; warnings W1, W2."
        );
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
