//! A hostile previous workbook is refused with a clear message, never an abort: one cell at the
//! last row and column of a sheet would make calamine allocate a grid of 17 billion cells.

use std::path::Path;

use cmplan::regen::{read_previous_bytes, PreviousError};
use cmplan::render::xlsx::{PLAN_MARKER, PLAN_SHEET};

#[test]
fn a_cell_at_the_far_corner_is_refused_before_it_is_read() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let plan = book.add_worksheet().set_name(PLAN_SHEET).unwrap();
    plan.write_string(0, 0, PLAN_MARKER).unwrap();
    let checklist = book.add_worksheet().set_name("Checklist").unwrap();
    checklist.write_string(0, 0, "ID").unwrap();
    checklist
        .write_string(1_048_575, 16_383, "far away")
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let err = read_previous_bytes(Path::new("far.xlsx"), &bytes).unwrap_err();
    assert!(matches!(err, PreviousError::TooLarge { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("row 1048576, column 16384"), "{message}");
    assert!(!err.hint().is_empty());
}
