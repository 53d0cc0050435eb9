//! The Checklist sheet: one row per task (and per sub-item, indented under it), the columns a
//! person ticks first, rows one to three lines tall, printed at a scale that keeps 9 pt.

use super::*;

// ---------------------------------------------------------------------------------------------
// Checklist
// ---------------------------------------------------------------------------------------------

/// One Checklist row: a task, or one of its sub-items on an indented row under it.
struct ChecklistRow<'a> {
    task: &'a Task,
    item: Option<&'a SubItem>,
    /// Text of each column, in [`CHECKLIST`] order (Depends on as a `, `-joined list).
    cells: Vec<Cow<'a, str>>,
}

fn checklist_rows<'a>(plan: &'a Plan, layout: &Layout) -> Vec<ChecklistRow<'a>> {
    let mut rows = Vec::new();
    for phase in &plan.phases {
        for task in &phase.tasks {
            rows.push(checklist_row(phase, task, None, layout));
            for item in &task.items {
                rows.push(checklist_row(phase, task, Some(item), layout));
            }
        }
    }
    rows
}

fn checklist_row<'a>(
    phase: &'a Phase,
    task: &'a Task,
    item: Option<&'a SubItem>,
    layout: &Layout,
) -> ChecklistRow<'a> {
    let progress = match item {
        Some(item) => item.progress.as_ref(),
        None => task.progress.as_ref(),
    };
    let status = progress.map_or(TaskStatus::NotStarted, |p| p.status);
    let cells = CHECKLIST
        .columns
        .iter()
        .map(|col| -> Cow<'a, str> {
            let b = Cow::Borrowed;
            match (col.role, item) {
                (ChecklistRole::Id, None) => b(&task.id),
                (ChecklistRole::Id, Some(i)) => b(&i.id),
                (ChecklistRole::Task, None) => b(&task.title),
                (ChecklistRole::Task, Some(i)) => b(&i.text),
                (ChecklistRole::Status, _) => b(status.label()),
                (ChecklistRole::Owner, _) => b(progress.map_or("", |p| &p.owner)),
                (ChecklistRole::CompletedOn, _) => b(progress.map_or("", |p| &p.completed_on)),
                (ChecklistRole::Notes, _) => b(progress.map_or("", |p| &p.notes)),
                (ChecklistRole::Site, _) => b(task.site.as_deref().unwrap_or("")),
                (
                    ChecklistRole::Server,
                    Some(SubItem {
                        server: Some(s), ..
                    }),
                ) => b(s),
                (ChecklistRole::Server, _) => b(task.server.as_deref().unwrap_or("")),
                (ChecklistRole::Wave, _) => Cow::Owned(task.wave.to_string()),
                (ChecklistRole::Phase, _) => b(&phase.title),
                (ChecklistRole::DependsOn, None) => Cow::Owned(task.depends_on.join(", ")),
                (ChecklistRole::ExpectedResult, None) => b(&task.expected_result),
                (ChecklistRole::ExpectedResult, Some(i)) => b(&i.expected_result),
                (ChecklistRole::Details, None) if !task.remedies.is_empty() => Cow::Owned(format!(
                    "{} {}",
                    remedy_note(&layout.remedied(task)),
                    task.details
                )),
                (ChecklistRole::Details, None) => b(&task.details),
                (ChecklistRole::Reference, None) => b(&task.reference),
                (ChecklistRole::PlannedStart, _) => b(task.planned_start.as_deref().unwrap_or("")),
                (ChecklistRole::PlannedEnd, _) => b(task.planned_end.as_deref().unwrap_or("")),
                (ChecklistRole::CriticalPath, _) => b(if task.critical { "yes" } else { "" }),
                // A sub-item inherits its task's dependencies, details and reference.
                (
                    ChecklistRole::DependsOn | ChecklistRole::Details | ChecklistRole::Reference,
                    Some(_),
                ) => b(""),
            }
        })
        .collect();
    ChecklistRow { task, item, cells }
}

pub(super) fn checklist(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(CHECKLIST.sheet)?;
    // With a schedule, the planned dates follow the other columns.
    let scheduled = plan.schedule.is_some();
    let columns: Vec<&Column<ChecklistRole>> = CHECKLIST
        .columns
        .iter()
        .filter(|c| scheduled || !c.role.needs_schedule())
        .collect();
    let last_col = columns.len() as u16 - 1;
    let rows = checklist_rows(plan, layout);

    let widths: Vec<f64> = columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let texts = rows.iter().map(|r| r.cells[i].as_ref());
            match col.role {
                // Wide enough for the longest single ID: IDs are packed whole onto lines.
                ChecklistRole::DependsOn => {
                    let longest = rows
                        .iter()
                        .flat_map(|r| r.task.depends_on.iter())
                        .map(|d| text_width(d))
                        .fold(0.0, f64::max);
                    content_width(col, texts).max(longest)
                }
                // Room to write in, on screen and on paper, however empty they are now.
                ChecklistRole::Status
                | ChecklistRole::Owner
                | ChecklistRole::CompletedOn
                | ChecklistRole::Notes => col.width,
                _ => content_width(col, texts),
            }
        })
        .collect();
    header_row(&mut ws, 0, &columns, &widths, s)?;
    let col_of = |role| CHECKLIST.col(role);
    ws.set_column_format(col_of(ChecklistRole::CompletedOn), &s.date)?;

    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let body = if r.item.is_some() {
            &s.sub_item
        } else if layout.fixes_blocker(r.task) {
            &s.remedy
        } else {
            &s.wrap
        };
        let mut lines_task = 1;
        let mut lines_other = 1;
        for (c, col) in columns.iter().enumerate() {
            let c16 = c as u16;
            let text = r.cells[c].as_ref();
            let lines = wrapped_lines(text, widths[c]);
            match col.role {
                ChecklistRole::Id => put(
                    &mut ws,
                    row,
                    c16,
                    text,
                    if r.item.is_some() {
                        &s.sub_item_id
                    } else {
                        body
                    },
                )?,
                ChecklistRole::Task => {
                    put(&mut ws, row, c16, text, body)?;
                    lines_task = lines;
                    continue;
                }
                ChecklistRole::Wave => {
                    ws.write_number_with_format(row, c16, r.task.wave, &s.integer)?;
                }
                ChecklistRole::CompletedOn
                | ChecklistRole::PlannedStart
                | ChecklistRole::PlannedEnd => put_date_or_text(&mut ws, row, c16, text, s)?,
                ChecklistRole::DependsOn => {
                    let packed = pack_ids(&r.task.depends_on, widths[c]);
                    let packed = if r.item.is_some() {
                        String::new()
                    } else {
                        packed
                    };
                    lines_other = lines_other.max(packed.lines().count().max(1));
                    put(&mut ws, row, c16, &packed, &s.wrap)?;
                    continue;
                }
                ChecklistRole::Site | ChecklistRole::Status | ChecklistRole::CriticalPath => {
                    put(&mut ws, row, c16, text, &s.text)?
                }
                _ => put(&mut ws, row, c16, text, &s.wrap)?,
            }
            // Details, Reference and Phase (the same on every row of a phase) show what fits the
            // row: the whole text stays in the cell
            // (formula bar, a double-click on the row edge) and in the printed plan, so a long
            // explanation never makes the rows a person ticks tall.
            if !matches!(
                col.role,
                ChecklistRole::Details | ChecklistRole::Reference | ChecklistRole::Phase
            ) {
                lines_other = lines_other.max(lines);
            }
        }
        let lines = lines_task.max(lines_other.min(CHECKLIST_MAX_LINES));
        if lines > 1 {
            ws.set_row_height(row, (LINE_PT * lines as f64).min(409.0))?;
        }
    }
    let last = layout.checklist_last;

    let status_col = col_of(ChecklistRole::Status);
    let completed_col = col_of(ChecklistRole::CompletedOn);
    let status_list: Vec<&str> = TaskStatus::ALL.iter().map(|t| t.label()).collect();
    let status_validation = DataValidation::new()
        .allow_list_strings(&status_list)?
        .set_error_title("Status")?
        .set_error_message(format!("Choose one of: {}.", status_list.join(", ")))?;
    ws.add_data_validation(1, status_col, last, status_col, &status_validation)?;

    let earliest = ExcelDateTime::from_ymd(1990, 1, 1)?;
    let latest = ExcelDateTime::from_ymd(2099, 12, 31)?;
    let date_validation = DataValidation::new()
        .allow_date(DataValidationRule::Between(earliest, latest))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("Completed on")?
        .set_error_message("Enter a date, e.g. 2027-03-01.")?;
    ws.add_data_validation(1, completed_col, last, completed_col, &date_validation)?;

    // The whole row takes the colour of its status.
    let status_cell = format!("${}2", column_letter(status_col));
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

    // ID and Task stay in view while the person scrolls right to Status and beyond.
    table_sheet_setup(&mut ws, 0, 2, (last, last_col), plan, ctx, CHECKLIST.sheet)?;
    checklist_print_area(&mut ws, &widths, last, ctx)?;
    ws.set_active(true);
    Ok(ws)
}

/// The printed Checklist: the columns a person ticks on paper (a prefix of the sheet, which puts
/// them first), as many as fit the page's width at a scale that keeps the text at least
/// [`MIN_PRINTED_PT`]; the scale is set, not left to fit-to-width (which shrinks it to ~6 pt).
fn checklist_print_area(
    ws: &mut Worksheet,
    widths: &[f64],
    last_row: u32,
    ctx: &RenderContext,
) -> Result<(), XlsxError> {
    let (cols, scale) = print_columns(widths, PRINT_FILL * printable_width_pt(ctx.paper));
    ws.set_print_area(0, 0, last_row, cols - 1)?;
    ws.set_print_scale(scale);
    Ok(())
}

/// The width a landscape page leaves between the side margins, in points.
pub(super) fn printable_width_pt(paper: Paper) -> f64 {
    let long_side = match paper {
        Paper::A4 => 841.89,
        Paper::Letter => 792.0,
    };
    long_side - 2.0 * 72.0 * MARGIN_SIDE_IN
}

/// Width of a column on paper at 100 %, in points: Excel draws `width` units of the default font
/// as `trunc(7 * width + 5)` pixels at 96 dpi.
pub fn column_width_pt(width: f64) -> f64 {
    (7.0 * width + 5.0).trunc() * 0.75
}

/// How many leading columns to print and at what scale (percent): the most columns whose width
/// still fits `printable_pt` at the smallest scale keeping [`MIN_PRINTED_PT`], then the largest
/// scale (at most 100) at which they fit.
pub fn print_columns(widths: &[f64], printable_pt: f64) -> (u16, u16) {
    let min_scale = (MIN_PRINTED_PT / FONT_PT * 100.0).ceil();
    let mut total = 0.0;
    let mut cols = 0u16;
    for &w in widths {
        let next = total + column_width_pt(w);
        if cols > 0 && next * min_scale / 100.0 > printable_pt {
            break;
        }
        total = next;
        cols += 1;
    }
    let scale = (printable_pt / total * 100.0)
        .floor()
        .clamp(min_scale, 100.0);
    (cols, scale as u16)
}

/// IDs joined by `, ` and packed onto lines that fit `width`, breaking only between IDs: a
/// viewer that wraps at hyphens would otherwise split `SITE-UPG-NYC` across lines.
fn pack_ids(ids: &[String], width: f64) -> String {
    let mut out = String::new();
    let mut line = 0.0;
    for (i, id) in ids.iter().enumerate() {
        // The ID, its comma, and the space before it when it joins a line.
        let w = text_width(id) + 0.5;
        if i > 0 {
            if line + 0.5 + w > width {
                out.push_str(",\n");
                line = 0.0;
            } else {
                out.push_str(", ");
                line += 0.5;
            }
        }
        out.push_str(id);
        line += w;
    }
    out
}
