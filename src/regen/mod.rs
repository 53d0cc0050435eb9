//! Regeneration: the diff between two plans, and status carried from a previous workbook.
