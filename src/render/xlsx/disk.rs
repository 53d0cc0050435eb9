//! The Disk sheet: what the upgrade takes from each computer's free space, part by part, and the
//! sum set against the free space, as every other document shows it under *Disk per server*.
//!
//! A sheet of its own, one row per part: a server has one to several parts (site-server install,
//! the growth of each site database it hosts, the headroom), which no fixed set of columns on the
//! Sites or SQL Servers sheet could hold, and the SQL Servers sheet does not list site servers.

use super::tables::highlight_shortfall;
use super::*;
use crate::workbook_layout::{DiskRole, DISK, DISK_SUM_LABEL};

pub(super) fn disk(plan: &Plan, ctx: &RenderContext, s: &Styles) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(DISK.sheet)?;
    let col = |role| DISK.col(role);

    // Rows as text first: they size the columns and the row heights.
    let mut rows: Vec<Vec<String>> = Vec::new();
    for server in &plan.servers {
        let Some(need) = &server.disk else { continue };
        for part in &need.parts {
            rows.push(row_texts(&server.name, &part.what, part.mb, None, None));
        }
        rows.push(row_texts(
            &server.name,
            DISK_SUM_LABEL,
            need.needed_mb,
            need.free_mb,
            Some(need.shortfall_mb),
        ));
    }
    let widths = table_widths(&DISK, &rows);
    header_row(
        &mut ws,
        0,
        &DISK.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;

    let mut row = 1u32;
    for server in &plan.servers {
        let Some(need) = &server.disk else { continue };
        let first = row;
        for part in &need.parts {
            put(&mut ws, row, col(DiskRole::Server), &server.name, &s.text)?;
            put(&mut ws, row, col(DiskRole::Part), &part.what, &s.wrap)?;
            ws.write_number_with_format(row, col(DiskRole::Mb), part.mb, s.mb(part.mb))?;
            ws.write_blank(row, col(DiskRole::Free), &s.text)?;
            ws.write_blank(row, col(DiskRole::Shortfall), &s.text)?;
            fit_table_row(&mut ws, row, &widths, &rows[(row - 1) as usize])?;
            row += 1;
        }
        put(
            &mut ws,
            row,
            col(DiskRole::Server),
            &server.name,
            &s.sum_label,
        )?;
        put(
            &mut ws,
            row,
            col(DiskRole::Part),
            DISK_SUM_LABEL,
            &s.sum_label,
        )?;
        let needed = row_col_to_cell(row, col(DiskRole::Mb));
        if row > first {
            let range = format!(
                "{}:{}",
                row_col_to_cell(first, col(DiskRole::Mb)),
                row_col_to_cell(row - 1, col(DiskRole::Mb))
            );
            let computed: f64 = need.parts.iter().map(|p| p.mb).sum();
            checked_formula(
                &mut ws,
                row,
                col(DiskRole::Mb),
                &format!("SUM({range})"),
                computed,
                need.needed_mb,
                s.mb(need.needed_mb),
            )?;
        } else {
            ws.write_number_with_format(
                row,
                col(DiskRole::Mb),
                need.needed_mb,
                s.mb(need.needed_mb),
            )?;
        }
        match need.free_mb {
            Some(free) => {
                ws.write_number_with_format(row, col(DiskRole::Free), free, s.mb(free))?
            }
            None => ws.write_blank(row, col(DiskRole::Free), &s.text)?,
        };
        match (need.shortfall_mb, need.free_mb) {
            (Some(shortfall), Some(free)) => {
                let free_cell = row_col_to_cell(row, col(DiskRole::Free));
                checked_formula(
                    &mut ws,
                    row,
                    col(DiskRole::Shortfall),
                    &format!("MAX(0,{needed}-{free_cell})"),
                    (need.needed_mb - free).max(0.0),
                    shortfall,
                    s.mb(shortfall),
                )?;
            }
            (Some(shortfall), None) => {
                ws.write_number_with_format(
                    row,
                    col(DiskRole::Shortfall),
                    shortfall,
                    s.mb(shortfall),
                )?;
            }
            (None, _) => put(&mut ws, row, col(DiskRole::Shortfall), "unknown", &s.text)?,
        }
        fit_table_row(&mut ws, row, &widths, &rows[(row - 1) as usize])?;
        row += 1;
    }

    let last = (row - 1).max(1);
    let range = (last, DISK.columns.len() as u16 - 1);
    highlight_shortfall(&mut ws, last, col(DiskRole::Shortfall), s)?;
    table_sheet_setup(&mut ws, 0, 1, range, plan, ctx, DISK.sheet)?;
    print_whole_table(&mut ws, &widths, range, 1, ctx)?;
    Ok(ws)
}

/// One row as the sheet shows it; `shortfall` is `Some` on a sum row only (`Some(None)`: unknown).
fn row_texts(
    server: &str,
    what: &str,
    mb: f64,
    free: Option<f64>,
    shortfall: Option<Option<f64>>,
) -> Vec<String> {
    DISK.columns
        .iter()
        .map(|c| match c.role {
            DiskRole::Server => server.to_string(),
            DiskRole::Part => what.to_string(),
            DiskRole::Mb => shown(mb),
            DiskRole::Free => free.map(shown).unwrap_or_default(),
            DiskRole::Shortfall => match shortfall {
                Some(Some(v)) => shown(v),
                Some(None) => "unknown".into(),
                None => String::new(),
            },
        })
        .collect()
}
