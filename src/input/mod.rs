//! Reading the environment description: TOML or JSON → raw values with spans (`tree`) →
//! `validate()`, which collects every problem as a located, coded diagnostic → the validated
//! `Environment`.
//!
//! Both syntaxes are read into the same spanned tree, so every check, message and location is the
//! same whichever one the planner writes.

mod diagnostic;
mod json;
pub mod schema;
mod tree;
mod validate;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use diagnostic::{Code, Diagnostic, Related, Severity};
pub use validate::{
    ACTIVE_DIRECTORY_KEYS, CONSOLE_KEYS, CUSTOM_TASK_KEYS, ESTIMATES_KEYS, NAME_LIMIT, PLAN_KEYS,
    ROOT_KEYS, SCHEDULE_KEYS, SERVER_KEYS, SITE_KEYS, TEXT_LIMIT, TITLE_LIMIT,
};

use crate::model::Environment;
pub(crate) use diagnostic::render as render_diagnostics;
pub(crate) use diagnostic::Sink;
use tree::Syntax;

/// Every problem found in one description (never just the first).
#[derive(Debug, thiserror::Error)]
#[error("{file}: the environment description has {count} problem(s)", count = self.count())]
pub struct InputError {
    /// The file as named on the command line.
    pub file: String,
    /// Sorted by position in the file.
    pub diagnostics: Vec<Diagnostic>,
    /// The text the spans refer to (BOM removed; invalid UTF-8 replaced), for rendering.
    text: String,
}

impl InputError {
    pub fn count(&self) -> usize {
        self.diagnostics.len()
    }

    /// The stable codes of the problems, in file order (e.g. `["E003", "E016"]`).
    pub fn codes(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    }

    /// (code, line, column) of each problem, in file order; line and column are 1-based, and
    /// (0, 0) when the file could not be read at all.
    pub fn locations(&self) -> Vec<(String, usize, usize)> {
        self.diagnostics
            .iter()
            .map(|d| {
                let (line, column) = d.location.unwrap_or((0, 0));
                (d.code.to_string(), line, column)
            })
            .collect()
    }

    /// The full report, as printed to stderr: each problem with its code, file:line:column, the
    /// line with a caret under the problem and a hint, then a summary line. ANSI colours when
    /// `color`; the width is fixed, so the text does not depend on the terminal.
    pub fn render(&self, color: bool) -> String {
        let mut out = diagnostic::render(&self.diagnostics, &self.file, &self.text, color);
        let n = self.count();
        out.push_str(&format!(
            "{}: {n} problem{} in the environment description\n",
            self.file,
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

/// The largest description file cmplan reads.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// What a valid description was accepted with: warnings (a server no site uses, …), each located.
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
    text: String,
}

impl Warnings {
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    pub fn codes(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    }

    /// The warnings drawn like errors (file:line:column, the lines, a hint); empty when none.
    pub fn render(&self, color: bool) -> String {
        if self.is_empty() {
            return String::new();
        }
        diagnostic::render(&self.diagnostics, &self.file, &self.text, color)
    }
}

/// Reads and validates a description file (`.toml` or `.json`, by extension).
pub fn load(path: &Path) -> Result<Environment, InputError> {
    load_checked(path).map(|(env, _)| env)
}

/// As [`load`], with the warnings the description was accepted with.
pub fn load_checked(path: &Path) -> Result<(Environment, Warnings), InputError> {
    let name = path.display().to_string();
    // Read no more than the limit (and one byte to know it is over): a huge file is refused
    // without being held in memory.
    let read = || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    match read() {
        Ok(bytes) => load_bytes_checked(&name, &bytes),
        Err(e) => Err(InputError {
            file: name.clone(),
            diagnostics: vec![Diagnostic {
                code: Code::E000,
                severity: Severity::Error,
                message: format!("cannot read {name}: {e}"),
                file: name,
                span: None,
                location: None,
                label: String::new(),
                related: Vec::new(),
                hint: Some("check the path and that the file is readable".into()),
            }],
            text: String::new(),
        }),
    }
}

/// Validates a description held in memory; `name` (its file name) picks the format (`.json` →
/// JSON, anything else → TOML) and labels diagnostics.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Environment, InputError> {
    load_bytes_checked(name, bytes).map(|(env, _)| env)
}

/// As [`load_bytes`], with the warnings the description was accepted with.
pub fn load_bytes_checked(name: &str, bytes: &[u8]) -> Result<(Environment, Warnings), InputError> {
    if bytes.len() > MAX_FILE_BYTES {
        let mut sink = Sink::new(name, "");
        sink.error(
            Code::E037,
            0..0,
            format!(
                "the file is larger than {} MiB, more than any description needs (40,000 sites take 12 MiB)",
                MAX_FILE_BYTES >> 20
            ),
            "file too large",
        )
        .hint("check that this is the description you meant; a text pasted in by mistake can make it this large");
        return Err(InputError {
            file: name.to_string(),
            diagnostics: sink.diagnostics,
            text: String::new(),
        });
    }
    let digest = hex(&Sha256::digest(bytes));
    let syntax = if Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        Syntax::Json
    } else {
        Syntax::Toml
    };
    // Editors on Windows like to write a byte-order mark; it is not content.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let text = String::from_utf8_lossy(body).into_owned();
            let at = e.valid_up_to();
            let mut sink = Sink::new(name, &text);
            // The lossy text has U+FFFD (3 bytes) where the first bad byte was.
            sink.error(
                Code::E002,
                at..(at + 3).min(text.len()),
                "the file is not valid UTF-8 text",
                "this byte is not UTF-8",
            )
            .hint("save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8)");
            let diagnostics = sink.diagnostics;
            return Err(InputError {
                file: name.to_string(),
                diagnostics,
                text,
            });
        }
    };
    let mut sink = Sink::new(name, text);
    let root = match syntax {
        Syntax::Toml => {
            // The recovering parser reports every syntax error it can, not only the first.
            let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
            let old_mac = has_bare_cr(text);
            for (i, e) in errors.iter().enumerate() {
                let message = e.message().trim_end().to_string();
                // A file with old Mac line endings (CR alone) fails on every line: say it once.
                if old_mac && i > 0 && message.contains("carriage return") {
                    continue;
                }
                // The parser gives no place for nesting too deep: the line nesting deepest.
                let span = match e.span() {
                    Some(span) => span,
                    None if message.contains("recursion") => deepest_line(text),
                    None => 0..0,
                };
                let hint = toml_hint(&message, text, &span);
                sink.error(
                    Code::E001,
                    span,
                    format!("TOML syntax error: {message}"),
                    "here",
                )
                .hint(hint);
            }
            // After a syntax error the recovered tree is a guess: checking it would report
            // problems that are not there.
            errors.is_empty().then(|| tree::from_toml(&doc))
        }
        Syntax::Json => match json::parse(text) {
            Ok(parsed) => {
                for dup in &parsed.duplicates {
                    sink.error(
                        Code::E027,
                        dup.span.clone(),
                        format!("key {} appears twice in the same object", dup.key),
                        "again here",
                    )
                    .also(dup.first.clone(), "first here")
                    .hint("keep one of the two; a key may appear only once in an object");
                }
                Some(parsed.root)
            }
            Err(e) => {
                let d = sink.error(
                    Code::E001,
                    e.span,
                    format!("JSON syntax error: {}", e.message),
                    "here",
                );
                if let Some(h) = e.hint {
                    d.hint(h);
                }
                None
            }
        },
    };
    let env = root.and_then(|root| validate::validate(&root, syntax, &mut sink, digest));
    match env {
        Some(env) if !sink.has_errors() => Ok((
            env,
            Warnings {
                file: name.to_string(),
                // Kept only to draw warnings (the text can be tens of MB).
                text: match sink.diagnostics.is_empty() {
                    true => String::new(),
                    false => text.to_string(),
                },
                diagnostics: sink.diagnostics,
            },
        )),
        _ => {
            let mut diagnostics = sink.diagnostics;
            debug_assert!(
                !diagnostics.is_empty(),
                "validation failed without a diagnostic"
            );
            // File order; ties keep the order the checks ran in.
            diagnostics.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
            Err(InputError {
                file: name.to_string(),
                diagnostics,
                text: text.to_string(),
            })
        }
    }
}

/// A hint for toml's syntax messages, which say what is wrong but not how to fix it.
/// A carriage return not followed by a line feed: the old Mac line ending.
fn has_bare_cr(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// The line with the most nesting characters (dots of a dotted key, brackets, braces).
fn deepest_line(text: &str) -> std::ops::Range<usize> {
    let mut best = (0, 0..0);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let depth = line
            .bytes()
            .filter(|b| matches!(b, b'.' | b'[' | b'{'))
            .count();
        if depth > best.0 {
            let body = line.trim_end_matches(['\n', '\r']);
            best = (depth, start..start + body.len().min(1));
        }
        start += line.len();
    }
    best.1
}

fn toml_hint(message: &str, text: &str, span: &std::ops::Range<usize>) -> String {
    let at = text.get(span.clone()).unwrap_or("");
    if message.contains("carriage return") && has_bare_cr(text) {
        "old Mac line endings (a carriage return alone ends each line): save the file with LF or CRLF line endings".into()
    } else if message.contains("recursion") {
        "a description nests at most three levels deep (a [[site]] table holding a list); remove the extra brackets or dotted parts".into()
    } else if message.contains("must be quoted") {
        "put text in double quotes: key = \"value\"".into()
    } else if message.contains("unclosed table") || message.contains("unclosed array of tables") {
        "close the header on the same line: [plan] for a table, [[site]] for each site or server"
            .into()
    } else if message.contains("basic string") || message.contains("literal string") {
        "a string ends on the line it starts: close it with the quote it opened with (use \"\"\"…\"\"\" for text over several lines)".into()
    } else if message.contains("duplicate key") {
        "a key may appear only once in a table: remove or rename one of them".into()
    } else if message.contains("invalid string")
        || at.starts_with('\'') && message.contains("string")
    {
        "put text in double quotes: key = \"value\"".into()
    } else if message.contains("missing") && message.contains("quote") {
        "close the string with the same quote it opened with".into()
    } else if message.contains("key") && message.contains("expected") && message.contains("=") {
        "write each setting as key = value on its own line".into()
    } else if message.contains("unexpected") || message.contains("invalid") {
        "values are \"text in double quotes\", numbers, true/false, [lists] or tables; see `cmplan init` for a commented example".into()
    } else {
        "see `cmplan init` for a commented example of the format".into()
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The commented example `cmplan init` writes (it validates: see the tests).
pub const INIT_EXAMPLE: &str = include_str!("example.toml");
