//! The Summary sheet: the title block and counts, each a formula over the sheet it summarises.

use super::*;

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/// Rows of the title block; the last one is "Database MB per client", which the Sites formulas
/// read (so a what-if on that one cell recomputes every estimate).
pub(super) fn summary_title_rows(plan: &Plan) -> Vec<(&'static str, TitleValue<'_>)> {
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
    rows.push((REVISION_LABEL, TitleValue::Number(f64::from(plan.revision))));
    rows.push(("Input SHA-256", TitleValue::Text(&plan.input_digest)));
    if let Some(schedule) = &plan.schedule {
        rows.push(("Planned start", TitleValue::Date(&schedule.start)));
        if let Some(today) = &schedule.today {
            rows.push(("Remaining work planned from", TitleValue::Date(today)));
        }
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

pub(super) enum TitleValue<'a> {
    Text(&'a str),
    Date(&'a str),
    Number(f64),
}

pub(super) fn summary(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SUMMARY_SHEET)?;
    for (col, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }

    let mut row = 0u32;
    for (label, value) in summary_title_rows(plan) {
        ws.write_string_with_format(row, 0, label, &s.label)?;
        let value_format = if row == 0 { &s.title_wrap } else { &s.wrap };
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
    let site_col = |role| sheet_range(SITES.sheet, SITES.col(role), 1, layout.sites_last);
    let count_sites = |site_type: &str| {
        plan.sites
            .iter()
            .filter(|x| x.site_type.as_str() == site_type)
            .count() as f64
    };
    let severity_count =
        |sev: Severity| plan.findings.iter().filter(|f| f.severity == sev).count() as f64;
    let severity_range = sheet_range(
        FINDINGS.sheet,
        FINDINGS.col(FindingRole::Severity),
        1,
        layout.findings_last,
    );
    let tasks_only = layout.tasks_only(plan);
    let totals: Vec<(&str, Option<String>, f64, f64)> = vec![
        (
            "Sites",
            Some(format!("COUNTA({})", site_col(SiteRole::Code))),
            plan.sites.len() as f64,
            t.sites as f64,
        ),
        (
            "Primary sites",
            Some(format!(
                "COUNTIFS({},\"primary\")",
                site_col(SiteRole::Type)
            )),
            count_sites("primary"),
            t.primary_sites as f64,
        ),
        (
            "Secondary sites",
            Some(format!(
                "COUNTIFS({},\"secondary\")",
                site_col(SiteRole::Type)
            )),
            count_sites("secondary"),
            t.secondary_sites as f64,
        ),
        (
            "Sites to upgrade",
            Some(format!(
                "COUNTIFS({},\"no\")",
                site_col(SiteRole::AlreadyUpgraded)
            )),
            plan.sites.iter().filter(|x| !x.already_upgraded).count() as f64,
            t.sites_to_upgrade as f64,
        ),
        (
            "Advanced Clients",
            Some(format!("SUM({})", site_col(SiteRole::Clients))),
            plan.sites.iter().map(|x| x.clients as f64).sum(),
            t.clients as f64,
        ),
        (
            "Legacy Clients",
            Some(format!("SUM({})", site_col(SiteRole::LegacyClients))),
            plan.sites.iter().map(|x| x.legacy_clients as f64).sum(),
            t.legacy_clients as f64,
        ),
        (
            "Database growth MB (all site databases)",
            Some(format!("SUM({})", site_col(SiteRole::DatabaseGrowth))),
            plan.sites.iter().map(|x| x.database_growth_mb).sum(),
            t.database_growth_mb,
        ),
        (
            "Tasks",
            Some(if tasks_only.is_empty() {
                format!("COUNTA({})", layout.checklist_range(ChecklistRole::Id))
            } else {
                format!("COUNTIFS({})", &tasks_only[1..])
            }),
            plan.tasks().count() as f64,
            t.tasks as f64,
        ),
        (
            "Blocker-remediation tasks (highlighted)",
            None,
            plan.tasks().filter(|x| layout.fixes_blocker(x)).count() as f64,
            plan.tasks().filter(|x| layout.fixes_blocker(x)).count() as f64,
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
    let status_range = layout.checklist_range(ChecklistRole::Status);
    row += 1;
    ws.write_string_with_format(row, 0, "Tasks by status", &s.section)?;
    ws.write_string_with_format(row, 1, "Tasks", &s.section)?;
    row += 1;
    for status in TaskStatus::ALL {
        let n = statuses.iter().filter(|x| **x == status).count();
        ws.write_string_with_format(row, 0, status.label(), &s.label)?;
        let f = format!(
            "COUNTIFS({status_range},\"{}\"{tasks_only})",
            status.label()
        );
        formula_cell(&mut ws, row, 1, &f, n as f64, &s.integer)?;
        row += 1;
    }

    // Counts by phase: total and done.
    let phase_range = layout.checklist_range(ChecklistRole::Phase);
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
                let f = format!("COUNTIFS({phase_range},{criterion}{tasks_only})");
                formula_cell(&mut ws, row, 1, &f, total, &s.integer)?;
                let f = format!(
                    "COUNTIFS({phase_range},{criterion},{status_range},\"Done\"{tasks_only})"
                );
                formula_cell(&mut ws, row, 2, &f, done, &s.integer)?;
            }
            None => {
                ws.write_number_with_format(row, 1, total, &s.integer)?;
                ws.write_number_with_format(row, 2, done, &s.integer)?;
            }
        }
        row += 1;
    }

    let progress = progress_block(&mut ws, row, plan, s, layout)?;

    print_setup(&mut ws, plan, ctx, SUMMARY_SHEET)?;
    if progress.is_some() {
        // The progress tables run over seven columns: landscape, at the scale that fits them all
        // on the page's width.
        let mut widths = WIDTHS.to_vec();
        widths.extend([PROGRESS_WIDTH; PROGRESS_COLUMNS]);
        let (_, scale) = print_columns(&widths, PRINT_FILL * printable_width_pt(ctx.paper));
        ws.set_print_scale(scale);
    } else {
        // A two-column page reads best upright.
        print_upright(&mut ws, &WIDTHS, ctx);
    }
    Ok(ws)
}

/// Widths of the Summary's three columns: label, value, and the Done count by phase.
const WIDTHS: [f64; 3] = [42.0, 44.0, 10.0];

/// The columns the progress tables add past the Summary's first three, and their width: the
/// seven columns fit a landscape page at a scale keeping the smallest printed size, on A4 and
/// Letter.
const PROGRESS_COLUMNS: usize = 4;
const PROGRESS_WIDTH: f64 = 13.0;

/// The progress summary (as in the documents): tasks by status per wave and per site, then the
/// blocked tasks with their notes and what waits on them. Nothing when no status is recorded.
/// The counts are formulas over the Checklist's Status column (so they follow the engineers'
/// ticks), with the plan's counts as their cached results; the blocked tasks are as recorded
/// when the workbook was written. Returns the row after the block, `None` when there is none.
fn progress_block(
    ws: &mut Worksheet,
    mut row: u32,
    plan: &Plan,
    s: &Styles,
    layout: &Layout,
) -> Result<Option<u32>, XlsxError> {
    use crate::plan::progress::{ProgressRow, StatusCounts, HIERARCHY_WIDE};

    let Some(summary) = crate::plan::progress::summarize(plan) else {
        return Ok(None);
    };
    // Each column: its header, the Status it counts (`None`: every task) and its number.
    type Count = fn(&StatusCounts) -> usize;
    const COLUMNS: [(&str, Option<TaskStatus>, Count); 6] = [
        ("Not started", Some(TaskStatus::NotStarted), |c| {
            c.not_started
        }),
        ("In progress", Some(TaskStatus::InProgress), |c| {
            c.in_progress
        }),
        ("Done", Some(TaskStatus::Done), |c| c.done),
        ("Blocked", Some(TaskStatus::Blocked), |c| c.blocked),
        ("Not applicable", Some(TaskStatus::NotApplicable), |c| {
            c.not_applicable
        }),
        ("Tasks", None, |c| c.total),
    ];
    let status_range = layout.checklist_range(ChecklistRole::Status);
    let tasks_only = layout.tasks_only(plan);
    // Columns past the first three are this block's alone.
    for col in 3..3 + PROGRESS_COLUMNS as u16 {
        ws.set_column_width(col, PROGRESS_WIDTH)?;
    }
    // `row_criteria`: the COUNTIFS condition pair picking the row's tasks (wave or site), `None`
    // when no criterion can name it (then the numbers are written as values).
    let table = |ws: &mut Worksheet,
                 mut row: u32,
                 title: &str,
                 rows: &[ProgressRow],
                 row_criteria: &dyn Fn(&ProgressRow) -> Option<String>|
     -> Result<u32, XlsxError> {
        row += 1;
        ws.write_string_with_format(row, 0, title, &s.section)?;
        for (i, (header, _, _)) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(row, 1 + i as u16, *header, &s.section)?;
        }
        row += 1;
        for r in rows {
            ws.write_string_with_format(row, 0, &r.label, &s.label)?;
            let criteria = row_criteria(r);
            for (i, (_, status, count)) in COLUMNS.iter().enumerate() {
                let col = 1 + i as u16;
                let n = count(&r.counts) as f64;
                match &criteria {
                    Some(criteria) => {
                        let status = status.map_or(String::new(), |st| {
                            format!(",{status_range},\"{}\"", st.label())
                        });
                        let f = format!("COUNTIFS({criteria}{status}{tasks_only})");
                        formula_cell(ws, row, col, &f, n, &s.integer)?;
                    }
                    None => {
                        ws.write_number_with_format(row, col, n, &s.integer)?;
                    }
                }
            }
            row += 1;
        }
        Ok(row)
    };
    let wave_range = layout.checklist_range(ChecklistRole::Wave);
    let site_range = layout.checklist_range(ChecklistRole::Site);
    let waves: HashMap<String, u32> = plan
        .tasks()
        .map(|t| (crate::plan::progress::wave_label(t.wave), t.wave))
        .collect();
    let by_wave = |r: &ProgressRow| {
        let n = waves.get(&r.label)?;
        Some(format!("{wave_range},{n}"))
    };
    // The hierarchy-wide tasks have an empty Site cell: `""` matches it.
    let by_site = |r: &ProgressRow| {
        let criterion = match r.label.as_str() {
            HIERARCHY_WIDE => "\"\"".to_string(),
            code => countifs_criterion(code)?,
        };
        Some(format!("{site_range},{criterion}"))
    };
    row = table(ws, row, "Progress by wave", &summary.waves, &by_wave)?;
    row = table(ws, row, "Progress by site", &summary.sites, &by_site)?;
    row += 1;
    ws.write_string_with_format(row, 0, "Blocked tasks", &s.section)?;
    ws.write_string_with_format(row, 1, "Notes", &s.section)?;
    ws.write_string_with_format(row, 2, "Waiting on it", &s.section)?;
    for col in 3..3 + PROGRESS_COLUMNS as u16 {
        ws.write_blank(row, col, &s.section)?;
    }
    row += 1;
    if summary.blocked.is_empty() {
        ws.write_string_with_format(row, 0, "None recorded", &s.label)?;
        row += 1;
    }
    for b in &summary.blocked {
        ws.write_string_with_format(row, 0, &b.id, &s.label)?;
        put(ws, row, 1, &b.notes, &s.wrap)?;
        let waiting = crate::render::waiting_text(&b.waiting, b.waiting_total);
        let waiting = waiting.as_deref().unwrap_or("nothing");
        // The list of waiting tasks runs over the columns of the tables above.
        let last = 2 + PROGRESS_COLUMNS as u16;
        ws.merge_range(row, 2, row, last, "", &s.wrap)?;
        put(ws, row, 2, waiting, &s.wrap)?;
        let merged = WIDTHS[2] + PROGRESS_WIDTH * PROGRESS_COLUMNS as f64;
        fit_row(
            ws,
            row,
            &[WIDTHS[0], WIDTHS[1], merged],
            &[(1, &b.notes), (2, waiting)],
        )?;
        row += 1;
    }
    Ok(Some(row))
}

/// A COUNTIFS criterion matching exactly `text`: `=` so a leading `<`, `>` or `=` is not an
/// operator, `~` before the wildcards `*` `?` `~`, quotes doubled. `None` when Excel's 255-character
/// criterion limit is exceeded (the caller then writes a plain number).
pub(super) fn countifs_criterion(text: &str) -> Option<String> {
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
