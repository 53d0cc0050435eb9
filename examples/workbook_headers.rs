//! The header texts a printed workbook must show, from the layout contract
//! (`src/workbook_layout.rs`): `cargo run --example workbook_headers -- plan.xlsx` prints one
//! `sheet<TAB>header` line for each column of each contract sheet the workbook has, within the
//! sheet's print area. `.ci/run` looks for each in LibreOffice's PDF of the workbook.
//! Fails when a sheet lacks a column of the contract (the schedule's columns are optional).

use std::process::ExitCode;

use calamine::{open_workbook, Data, Reader, Xlsx};
use cmplan::workbook_layout::{
    column_letter, Table, ASSUMPTIONS, CHANGES, CHECKLIST, DISK, FINDINGS, REMOVED_TASKS, SITES,
    SQL_SERVERS,
};

struct Sheet {
    name: &'static str,
    /// Row of the header (the Changes sheet has a title above it).
    header_row: u32,
    /// (header, optional)
    columns: Vec<(&'static str, bool)>,
}

fn sheet<R: Copy + PartialEq + std::fmt::Debug>(
    t: &Table<R>,
    header_row: u32,
    optional: impl Fn(R) -> bool,
) -> Sheet {
    Sheet {
        name: t.sheet,
        header_row,
        columns: t
            .columns
            .iter()
            .map(|c| (c.header, optional(c.role)))
            .collect(),
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: workbook_headers <workbook.xlsx>");
        return ExitCode::FAILURE;
    };
    let mut book: Xlsx<_> = match open_workbook(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sheets = [
        sheet(&CHECKLIST, 0, |r| r.needs_schedule()),
        sheet(&SITES, 0, |_| false),
        sheet(&SQL_SERVERS, 0, |_| false),
        sheet(&DISK, 0, |_| false),
        sheet(&FINDINGS, 0, |_| false),
        sheet(&ASSUMPTIONS, 0, |_| false),
        sheet(&CHANGES, 1, |_| false),
        sheet(&REMOVED_TASKS, 0, |_| false),
    ];
    let names = book.sheet_names();
    let areas: Vec<(String, String)> = book
        .defined_names()
        .iter()
        .filter(|(n, _)| n == "_xlnm.Print_Area")
        .filter_map(|(_, v)| {
            let (sheet, range) = v.rsplit_once('!')?;
            Some((sheet.trim_matches('\'').to_string(), range.to_string()))
        })
        .collect();
    let mut ok = true;
    for s in sheets.iter().filter(|s| names.iter().any(|n| n == s.name)) {
        let range = book.worksheet_range(s.name).expect("a listed sheet reads");
        let written: Vec<String> = (0..range.width() as u32)
            .map(|c| match range.get_value((s.header_row, c)) {
                Some(Data::String(t)) => t.clone(),
                _ => String::new(),
            })
            .collect();
        // Columns inside the print area (all of them without one).
        let printed = areas
            .iter()
            .find(|(sheet, _)| sheet == s.name)
            .and_then(|(_, r)| {
                let last = r.rsplit_once(':')?.1.trim_start_matches('$');
                let letters: String = last.chars().take_while(char::is_ascii_uppercase).collect();
                (0..written.len() as u16).position(|c| column_letter(c) == letters)
            })
            .map_or(written.len(), |last| last + 1);
        for (header, optional) in &s.columns {
            match written.iter().position(|w| w == header) {
                Some(at) if at < printed => println!("{}\t{header}", s.name),
                Some(_) => {}
                None if *optional => {}
                None => {
                    eprintln!("{}: no column headed {header:?}", s.name);
                    ok = false;
                }
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
