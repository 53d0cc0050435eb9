//! Printing a `PlanDiff`: text (ANSI colours on request), Markdown, JSON.

use std::fmt::Write as _;

use super::diff::{describe_fields, describe_move, scope, scope_of, PlanDiff};

/// The output formats of `cmplan diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Md,
    Json,
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn head(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn added(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn removed(&self, s: &str) -> String {
        self.paint("31", s)
    }
    fn changed(&self, s: &str) -> String {
        self.paint("33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Plain text for a terminal or a pipe: `+` added/raised, `-` removed/resolved, `~` changed,
/// `>` moved. `color` adds ANSI colours (the caller decides: a terminal and no NO_COLOR).
pub fn render_text(d: &PlanDiff, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        st.head(&format!("Plan changes: {} → {}", d.old_label, d.new_label))
    );
    if d.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let section = |out: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}", st.head(&format!("{title} ({})", lines.len())));
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
    };
    let mark = |action: &str| match action {
        "added" => st.added("+"),
        "removed" => st.removed("-"),
        _ => st.changed("~"),
    };
    section(
        &mut out,
        "Environment edits",
        d.environment
            .iter()
            .map(|e| format!("{} {}", mark(&e.action), e.description))
            .collect(),
    );
    section(
        &mut out,
        "Schedule",
        d.schedule
            .iter()
            .map(|c| format!("{} {}", st.changed("~"), c.description))
            .collect(),
    );
    section(
        &mut out,
        "Tasks added",
        d.tasks_added
            .iter()
            .map(|t| {
                format!(
                    "{} {}  {} {}",
                    st.added("+"),
                    st.added(&t.id),
                    t.title,
                    st.dim(&format!("[{}]", t.phase))
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Tasks removed",
        d.tasks_removed
            .iter()
            .map(|t| format!("{} {}  {}", st.removed("-"), st.removed(&t.id), t.title))
            .collect(),
    );
    section(
        &mut out,
        "Tasks changed",
        d.tasks_changed
            .iter()
            .map(|t| {
                format!(
                    "{} {}  {}",
                    st.changed("~"),
                    st.changed(&t.id),
                    describe_fields(&t.fields)
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Tasks moved",
        d.tasks_moved
            .iter()
            .map(|m| {
                format!(
                    "{} {}  {}",
                    st.changed(">"),
                    st.changed(&m.id),
                    describe_move(m)
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Findings raised",
        d.findings_raised
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}: {}",
                    st.added("+"),
                    f.severity.as_str(),
                    st.added(&f.code),
                    scope(f),
                    f.message
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Findings resolved",
        d.findings_resolved
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}: {}",
                    st.removed("-"),
                    f.severity.as_str(),
                    st.removed(&f.code),
                    scope(f),
                    f.message
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Findings changed",
        d.findings_changed
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}: {}",
                    st.changed("~"),
                    st.changed(&f.code),
                    scope_of(&f.site, &f.server),
                    describe_fields(&f.fields)
                )
            })
            .collect(),
    );
    section(
        &mut out,
        "Estimates changed",
        d.estimates
            .iter()
            .map(|e| {
                let what = match e.kind.as_str() {
                    "sql-server" => "SQL Server ",
                    "server" => "server ",
                    "site" => "site ",
                    _ => "",
                };
                format!(
                    "{} {what}{}: {}",
                    st.changed("~"),
                    st.changed(&e.subject),
                    e.description
                )
            })
            .collect(),
    );
    out
}

/// Markdown (GFM): one section per kind of change, values escaped so that names from the
/// description stay literal text.
pub fn render_md(d: &PlanDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Plan changes: {} → {}\n",
        md(&d.old_label),
        md(&d.new_label)
    );
    if d.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let list = |out: &mut String, title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "## {title} ({})\n", items.len());
        for i in items {
            let _ = writeln!(out, "- {i}");
        }
        out.push('\n');
    };
    list(
        &mut out,
        "Environment edits",
        d.environment
            .iter()
            .map(|e| format!("**{}**: {}", e.action, md(&e.description)))
            .collect(),
    );
    list(
        &mut out,
        "Schedule",
        d.schedule.iter().map(|c| md(&c.description)).collect(),
    );
    list(
        &mut out,
        "Tasks added",
        d.tasks_added
            .iter()
            .map(|t| format!("`{}` {} (phase {})", t.id, md(&t.title), md(&t.phase)))
            .collect(),
    );
    list(
        &mut out,
        "Tasks removed",
        d.tasks_removed
            .iter()
            .map(|t| format!("`{}` {}", t.id, md(&t.title)))
            .collect(),
    );
    list(
        &mut out,
        "Tasks changed",
        d.tasks_changed
            .iter()
            .map(|t| format!("`{}` {}", t.id, md(&describe_fields(&t.fields))))
            .collect(),
    );
    list(
        &mut out,
        "Tasks moved",
        d.tasks_moved
            .iter()
            .map(|m| format!("`{}` {}", m.id, md(&describe_move(m))))
            .collect(),
    );
    list(
        &mut out,
        "Findings raised",
        d.findings_raised
            .iter()
            .map(|f| {
                format!(
                    "{} `{}` {}: {}",
                    f.severity.as_str(),
                    f.code,
                    md(&scope(f)),
                    md(&f.message)
                )
            })
            .collect(),
    );
    list(
        &mut out,
        "Findings resolved",
        d.findings_resolved
            .iter()
            .map(|f| {
                format!(
                    "{} `{}` {}: {}",
                    f.severity.as_str(),
                    f.code,
                    md(&scope(f)),
                    md(&f.message)
                )
            })
            .collect(),
    );
    list(
        &mut out,
        "Findings changed",
        d.findings_changed
            .iter()
            .map(|f| {
                format!(
                    "`{}` {}: {}",
                    f.code,
                    md(&scope_of(&f.site, &f.server)),
                    md(&describe_fields(&f.fields))
                )
            })
            .collect(),
    );
    list(
        &mut out,
        "Estimates changed",
        d.estimates
            .iter()
            .map(|e| {
                let what = match e.kind.as_str() {
                    "sql-server" => "SQL Server ",
                    "server" => "server ",
                    "site" => "site ",
                    _ => "",
                };
                format!("{what}**{}**: {}", md(&e.subject), md(&e.description))
            })
            .collect(),
    );
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The diff as JSON (the `PlanDiff` structure), for scripts.
pub fn render_json(d: &PlanDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).expect("a PlanDiff always serialises");
    s.push('\n');
    s
}

/// Escapes Markdown punctuation and folds line breaks so a value never becomes markup.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
