//! The raw, spanned tree both input formats are read into, so that validation (and the quality of
//! its locations) is the same for TOML and JSON.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// Byte range in the source text (BOM already removed).
pub type Span = Range<usize>;

/// Which syntax the description was written in: only changes the words of some messages
/// ("table" / "object").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    String(String),
    /// `None`: the literal does not even fit in an i128 (reported as an overflow).
    Integer(Option<i128>),
    Float(f64),
    Bool(bool),
    Datetime,
    /// JSON `null`: read as "absent" for optional keys.
    Null,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Kind {
    /// How a message names the type, in the words of the syntax the user wrote.
    pub fn describe(&self, syntax: Syntax) -> &'static str {
        match (self, syntax) {
            (Kind::String(_), _) => "a string",
            (Kind::Integer(_), _) => "an integer",
            (Kind::Float(_), _) => "a number with a fraction",
            (Kind::Bool(_), _) => "a boolean",
            (Kind::Datetime, _) => "a date-time",
            (Kind::Null, _) => "null",
            (Kind::Array(_), _) => "an array",
            (Kind::Table(_), Syntax::Toml) => "a table",
            (Kind::Table(_), Syntax::Json) => "an object",
        }
    }
}

/// Nesting deeper than this cannot be a valid description (it needs 3 levels); hostile input
/// must not exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Converts toml's spanned document into the shared tree.
pub fn from_toml(root: &toml::Spanned<DeTable<'_>>) -> Node {
    Node {
        span: root.span(),
        kind: Kind::Table(table_entries(root.get_ref(), 0)),
    }
}

fn table_entries(table: &DeTable<'_>, depth: usize) -> Vec<Entry> {
    table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: k.span(),
            value: toml_value(v, depth + 1),
        })
        .collect()
}

fn toml_value(value: &toml::Spanned<DeValue<'_>>, depth: usize) -> Node {
    let span = value.span();
    let kind = match value.get_ref() {
        DeValue::String(s) => Kind::String(s.to_string()),
        DeValue::Integer(i) => Kind::Integer(i128::from_str_radix(i.as_str(), i.radix()).ok()),
        DeValue::Float(f) => Kind::Float(parse_toml_float(f.as_str())),
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Datetime,
        _ if depth > MAX_DEPTH => Kind::Array(Vec::new()),
        DeValue::Array(a) => Kind::Array(a.iter().map(|v| toml_value(v, depth + 1)).collect()),
        DeValue::Table(t) => Kind::Table(table_entries(t, depth)),
    };
    Node { span, kind }
}

/// TOML floats: Rust's parser plus the TOML spellings of infinity and NaN, and `_` separators.
fn parse_toml_float(text: &str) -> f64 {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    match clean.as_str() {
        "inf" | "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "+nan" | "-nan" => f64::NAN,
        other => other.parse().unwrap_or(f64::NAN),
    }
}
