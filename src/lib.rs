//! cmplan: an SMS 2003 hierarchy description → a tailored Configuration Manager 2007 upgrade plan.
//!
//! The data flows one way:
//! `input` (parse + validate) → `model::Environment` → `plan` (rules, tasks, estimates) →
//! `render` (markdown | html | pdf | xlsx | json). `regen` compares plans and carries recorded
//! status from a previous workbook; `output` writes files atomically. `import` runs before
//! `input`: it turns CSV exports of the SMS 2003 site database into description text.

pub mod date;
pub mod explain;
pub mod import;
pub mod input;
pub mod model;
pub mod numbers;
pub mod output;
pub mod plan;
pub mod regen;
pub mod render;
pub mod synth;
pub mod templates;
pub mod workbook_layout;
