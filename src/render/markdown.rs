//! `-f md`: the checklist as Markdown from embedded, overridable handlebars templates.
//!
//! The templates (`templates/*.md.hbs`) receive the plan as `-f json` writes it, plus a few
//! derived fields (see [`view`]): wording lives in the templates, numbers and labels here.
//! Every `{{value}}` goes through [`escape`], a Markdown escaper, so that text from the
//! environment description can never change the document's structure; handlebars' own HTML
//! escaping is wrong for Markdown (`=` would become `&#x3D;`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, JsonRender, Output, RenderContext as HbsContext,
};
use serde_json::{json, Map, Value};

use super::{Format, RenderContext, RenderError};
use crate::plan::{Plan, Severity, TaskStatus};
use crate::templates::DEFAULTS;

/// The page-break line of the templates: on its own, between blocks (see `plan.md.hbs`).
pub const PAGE_BREAK: &str = "<!-- pagebreak -->";

/// The pulldown-cmark extensions the plan's Markdown is written for (GFM tables, task lists):
/// what the HTML and the PDF read it with.
pub fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

/// The main template; every other `*.md.hbs` file is a partial named after its stem
/// (`phase.md.hbs` is `{{> phase}}`).
pub const MAIN_TEMPLATE: &str = "plan.md.hbs";
const SUFFIX: &str = ".md.hbs";

/// The Markdown file as a person reads it (on GitHub, in an editor): the text with a contents
/// list of its sections, linked to their headings, and a link to the hierarchy diagram, after
/// the title block. (The PDF and HTML build their own contents from the text.)
pub fn document(text: &str, diagram_file: Option<&str>) -> String {
    let Some(title_end) = text.find(PAGE_BREAK) else {
        return text.to_string();
    };
    let mut list = String::new();
    let mut used: Vec<String> = Vec::new();
    let mut fenced = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.starts_with("```") || line.starts_with("~~~") {
            fenced = !fenced;
        }
        if let Some(heading) = line.strip_prefix("# ").filter(|_| !fenced) {
            let slug = github_slug(heading, &mut used);
            // The title block's heading is the plan title, not a section.
            if start > title_end {
                list.push_str(&format!("1. [{}](#{slug})\n", heading.trim()));
            }
        }
    }
    if !list.is_empty() {
        list.insert_str(0, "**Contents**\n\n");
    }
    if let Some(file) = diagram_file {
        list.push_str(&format!(
            "\nThe hierarchy diagram is in [{file}]({}), beside this document.\n",
            file.replace(' ', "%20")
        ));
    }
    if list.is_empty() {
        return text.to_string();
    }
    format!("{}{}\n{}", &text[..title_end], list, &text[title_end..])
}

/// The anchor GitHub gives a heading: lower case, Markdown escapes and punctuation dropped,
/// spaces as hyphens, `-1`, `-2`… after repeats.
fn github_slug(heading: &str, used: &mut Vec<String>) -> String {
    let base: String = heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    let repeats = used.iter().filter(|u| **u == base).count();
    used.push(base.clone());
    match repeats {
        0 => base,
        n => format!("{base}-{n}"),
    }
}

/// The Markdown text of the plan.
pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<String, RenderError> {
    let sources = template_sources(ctx)?;
    let main = stem(MAIN_TEMPLATE).expect("main template name ends in .md.hbs");
    // The handlebars parser and renderer recurse: refuse what would overflow the stack first.
    let texts: Vec<_> = sources
        .iter()
        .map(|s| crate::templates::TemplateText {
            name: &s.stem,
            file: &s.file,
            text: &s.text,
        })
        .collect();
    crate::templates::check_structure(main, &texts).map_err(|e| {
        located_error(
            &sources,
            Some(&e.template),
            Some(e.line),
            Some(e.column),
            e.message,
        )
    })?;
    let mut hbs = Handlebars::new();
    hbs.set_strict_mode(true);
    hbs.register_escape_fn(escape);
    register_helpers(&mut hbs);
    for source in &sources {
        hbs.register_template_string(&source.stem, &source.text)
            .map_err(|e| template_error(&sources, &e))?;
    }
    // Handed over as a Context: `render(name, &data)` would first copy the whole view into
    // another JSON value (10 % of the Markdown's time at 600 sites, and that much memory).
    let data = handlebars::Context::from(view(plan));
    // handlebars clones the whole current context at every `{{> partial}}` and every value
    // looked up inside one: with thousands of tasks that was most of the time and memory.
    // The same templates with their standalone partials pasted in render the same text
    // without those copies; any error is reported from the templates as written.
    if let Some(flat) = inline_partials(&sources, main) {
        if hbs.register_template_string(INLINED, &flat).is_ok() {
            if let Ok(text) = hbs.render_with_context(INLINED, &data) {
                return Ok(tidy(&text));
            }
        }
    }
    let text = hbs
        .render_with_context(main, &data)
        .map_err(|e| render_error(&sources, e))?;
    Ok(tidy(&text))
}

/// The name the main template with its partials pasted in is registered under (not a file
/// name, so no template of the user's can collide with it).
const INLINED: &str = "<main with partials inlined>";

/// The main template with every partial that can be pasted in place without changing the
/// output replaced by its text, or `None` when the templates use anything whose meaning would
/// change (`../`, block params, partial blocks, inline partials) or nothing was pasted.
///
/// A partial alone on its line (no indentation, no parameters) renders exactly as its own text
/// put in place of that line: handlebars drops a standalone partial's line and newline, and the
/// partial's context is the same current value. Only partials whose text ends with a newline
/// and has no whitespace control at either end are pasted, so no line joins its neighbour.
fn inline_partials(sources: &[TemplateSource], main: &str) -> Option<String> {
    const UNSAFE: [&str; 6] = ["../", " as |", "@partial-block", "{{#>", "{{#*", "{{~#>"];
    if sources
        .iter()
        .any(|s| UNSAFE.iter().any(|u| s.text.contains(u)))
    {
        return None;
    }
    let text = |name: &str| sources.iter().find(|s| s.stem == name).map(|s| &s.text);
    let mut pasted = 0;
    let flat = paste(text(main)?, &text, &mut vec![main.to_string()], &mut pasted);
    (pasted > 0).then_some(flat)
}

fn paste<'a>(
    template: &str,
    text: &dyn Fn(&str) -> Option<&'a String>,
    stack: &mut Vec<String>,
    pasted: &mut usize,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_comment = false;
    let lines: Vec<&str> = template.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let was_in_comment = in_comment;
        in_comment = comment_state(line, in_comment);
        let next_strips = lines
            .get(i + 1)
            .is_some_and(|n| n.trim_start().starts_with("{{~"));
        let partial = (!was_in_comment && !next_strips && line.ends_with('\n'))
            .then(|| standalone_partial(line))
            .flatten()
            .filter(|name| stack.len() < 16 && !stack.iter().any(|s| s == name))
            .and_then(|name| text(name).map(|t| (name, t)))
            .filter(|(_, t)| pastable(t));
        match partial {
            Some((name, body)) => {
                stack.push(name.to_string());
                out.push_str(&paste(body, text, stack, pasted));
                stack.pop();
                *pasted += 1;
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Whether a `{{!-- … --}}` comment is still open at the end of `line`.
fn comment_state(line: &str, mut open: bool) -> bool {
    let mut rest = line;
    loop {
        if open {
            match rest.find("--}}") {
                Some(end) => {
                    open = false;
                    rest = &rest[end + 4..];
                }
                None => return true,
            }
        } else {
            match (rest.find("{{!--"), rest.find("{{~!--")) {
                (None, None) => return false,
                (a, b) => {
                    let start = a.into_iter().chain(b).min().unwrap_or(0);
                    open = true;
                    rest = &rest[start + 4..];
                }
            }
        }
    }
}

/// `{{> name}}` alone on its line, not indented, without parameters: the partial's name.
fn standalone_partial(line: &str) -> Option<&str> {
    let inner = line
        .strip_suffix('\n')?
        .trim_end_matches([' ', '\t'])
        .strip_prefix("{{>")?
        .strip_suffix("}}")?
        .trim();
    let plain = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    plain.then_some(inner)
}

/// A partial whose text can stand in for its line: it ends the line itself, and neither its
/// start nor its end strips whitespace outside it.
fn pastable(text: &str) -> bool {
    text.ends_with('\n')
        && !text.starts_with("{{~")
        && !text.trim_end().ends_with("~}}")
        && !text.contains('\r')
}

/// One template file as loaded: registered under `stem`, reported as `file` (and `origin`
/// when it came from the user's folder).
struct TemplateSource {
    stem: String,
    file: String,
    origin: Option<PathBuf>,
    text: String,
}

fn stem(file: &str) -> Option<&str> {
    file.strip_suffix(SUFFIX).filter(|s| !s.is_empty())
}

/// The embedded `*.md.hbs` files, each possibly overridden, plus any extra `*.md.hbs` partial
/// the user's folder adds (so a custom `plan.md.hbs` can include partials of its own).
fn template_sources(ctx: &RenderContext) -> Result<Vec<TemplateSource>, RenderError> {
    let mut files: Vec<String> = DEFAULTS
        .iter()
        .map(|(name, _)| name.to_string())
        .filter(|name| stem(name).is_some())
        .collect();
    if let Some(dir) = ctx.templates.overrides_dir() {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut extra: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| stem(name).is_some() && !files.contains(name))
                .collect();
            extra.sort();
            files.extend(extra);
        }
    }
    files
        .into_iter()
        .map(|file| {
            let (text, origin) = ctx
                .templates
                .get(&file)
                .map_err(|e| RenderError::new(Format::Md, e.to_string()))?;
            Ok(TemplateSource {
                stem: stem(&file).unwrap_or_default().to_string(),
                file,
                origin,
                text: text.into_owned(),
            })
        })
        .collect()
}

/// "template phase.md.hbs (from DIR/phase.md.hbs), line 3, column 1: what\n   3 | the line":
/// names the file the user has to fix, where, and shows the line.
fn located_error(
    sources: &[TemplateSource],
    registered: Option<&str>,
    line: Option<usize>,
    column: Option<usize>,
    what: String,
) -> RenderError {
    let source = registered.and_then(|n| sources.iter().find(|s| s.stem == n));
    let mut message = match source {
        Some(s) => match &s.origin {
            Some(path) => format!("template {} (from {})", s.file, path.display()),
            None => format!("template {} (embedded)", s.file),
        },
        None => format!("template {}", registered.unwrap_or(MAIN_TEMPLATE)),
    };
    if let Some(l) = line {
        message.push_str(&format!(", line {l}"));
    }
    if let Some(c) = column {
        message.push_str(&format!(", column {c}"));
    }
    message.push_str(": ");
    message.push_str(&what);
    let text = line.and_then(|l| source.and_then(|s| s.text.lines().nth(l.checked_sub(1)?)));
    if let (Some(l), Some(text)) = (line, text) {
        message.push_str(&format!("\n{l:>5} | {text}"));
    }
    RenderError::new(Format::Md, message)
}

fn template_error(sources: &[TemplateSource], e: &handlebars::TemplateError) -> RenderError {
    let (line, column) = e.pos().unzip();
    let what = match e.reason() {
        // handlebars lists every token its grammar expected: too much to help anyone.
        handlebars::TemplateErrorReason::InvalidSyntax(_) => {
            "invalid handlebars syntax (a block left open, or a malformed {{…}})".to_string()
        }
        other => other.to_string(),
    };
    located_error(sources, e.name().map(String::as_str), line, column, what)
}

fn render_error(sources: &[TemplateSource], e: handlebars::RenderError) -> RenderError {
    use handlebars::RenderErrorReason as Reason;
    let what = match e.reason() {
        // A syntax error in a partial surfaces while rendering, wrapped: report its own place.
        Reason::TemplateError(inner) => return template_error(sources, inner),
        Reason::MissingVariable(Some(name)) => {
            format!("`{name}` does not exist here (templates are strict: check the field name)")
        }
        Reason::PartialNotFound(name) => format!(
            "no partial named `{name}` (a partial is a file `{name}{SUFFIX}` in the templates folder)"
        ),
        other => other.to_string(),
    };
    located_error(
        sources,
        e.template_name.as_deref(),
        e.line_no,
        e.column_no,
        what,
    )
}

/// Escapes a value so that Markdown (CommonMark + GFM, as GitHub and pulldown-cmark read it)
/// shows it as literal text on one line: it cannot open emphasis, code, links, HTML, a heading,
/// a list or a block quote, cannot end a table cell, and cannot start a new line.
pub fn escape(value: &str) -> String {
    // Most values (IDs, names, numbers, dates) need nothing: return them without the
    // character-by-character pass below.
    if is_plain(value) {
        return value.to_string();
    }
    escape_chars(value)
}

/// [`escape`] character by character.
fn escape_chars(value: &str) -> String {
    // A line break would end a table row or a list item; whitespace at either end is not
    // visible in Markdown anyway, and two trailing spaces would make a hard break.
    let flat: String = value
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
            c => c,
        })
        .collect();
    let flat = flat.trim();
    let chars: Vec<char> = flat.chars().collect();
    let mut out = String::with_capacity(flat.len() + 8);
    // Characters that open a block only at the start of a line (the value may be put there).
    let leading_digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        let escape_here = match c {
            // Inline syntax anywhere: escapes, code, emphasis, strikethrough, links, images,
            // autolinks and HTML, entities, cells, headings and issue references, math, mentions.
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '&' | '|' | '#' | '$' | '@' => {
                true
            }
            // Block markers at the start: bullet lists, thematic breaks, setext underlines.
            '-' | '+' | '=' if i == 0 => true,
            // An ordered-list marker: digits then `.` or `)` then a space or the end.
            '.' | ')' if i > 0 && i == leading_digits && i <= 9 => {
                chars.get(i + 1).is_none_or(|n| *n == ' ')
            }
            // GitHub's extended autolinks: `scheme://…` and `www.…`.
            ':' => chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'),
            '.' => {
                i >= 3
                    && chars[i - 3..i]
                        .iter()
                        .collect::<String>()
                        .eq_ignore_ascii_case("www")
                    && (i == 3 || !chars[i - 4].is_alphanumeric())
            }
            _ => false,
        };
        if escape_here {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// True when [`escape`] would return `value` unchanged: ASCII letters, digits, inner spaces and
/// punctuation that is inert where it stands (`.` and `)` only when the value does not start
/// with a digit, which could make an ordered-list marker, and `.` never after `www`).
fn is_plain(value: &str) -> bool {
    let bytes = value.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let list_marker_possible = first.is_ascii_digit();
    *first != b' '
        && *last != b' '
        && !matches!(first, b'-' | b'+' | b'=')
        && bytes.iter().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b' ' | b'-'
                        | b','
                        | b'\''
                        | b'"'
                        | b'('
                        | b'/'
                        | b'+'
                        | b'='
                        | b'%'
                        | b'?'
                        | b'!'
                        | b';'
                        | b'{'
                        | b'}'
                        | b'^'
                )
                || (!list_marker_possible && matches!(b, b')' | b'.'))
        })
        && !(bytes.contains(&b'.') && value.to_ascii_lowercase().contains("www"))
}

/// Collapses the runs of blank lines that block helpers leave behind (at most one blank line
/// in a row) and ends the document with exactly one newline; never touches a line's content.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim_start_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The workbook sizes its columns with it (it prints what a cell shows); one formatter for all.
pub use crate::numbers::fmt_num as format_number;

fn register_helpers(hbs: &mut Handlebars<'_>) {
    hbs.register_helper("num", Box::new(num_helper));
    hbs.register_helper("indent", Box::new(indent_helper));
    hbs.register_helper("source", Box::new(source_helper));
    hbs.register_helper("link", Box::new(link_helper));
    hbs.register_helper("plural", Box::new(plural_helper));
}

/// `{{plural n "task" "tasks"}}`: "1 task", "3 tasks" (the words come from the template).
fn plural_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut HbsContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = param(h, 0, "plural")?;
    let count = n.as_f64().unwrap_or(0.0);
    let word = param(h, if count == 1.0 { 1 } else { 2 }, "plural")?;
    out.write(&crate::numbers::fmt_num(count))?;
    out.write(" ")?;
    out.write(&escape(&word.render()))?;
    Ok(())
}

fn param<'a>(
    h: &'a Helper<'_>,
    idx: usize,
    helper: &'static str,
) -> Result<&'a Value, handlebars::RenderError> {
    h.param(idx)
        .filter(|p| !p.is_value_missing())
        .map(|p| p.value())
        .ok_or_else(|| handlebars::RenderErrorReason::ParamNotFoundForIndex(helper, idx).into())
}

/// `{{num x}}`: a number with thousands separators (`null` prints as an en dash).
fn num_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut HbsContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, 0, "num")?;
    let text = match value {
        Value::Number(n) => crate::numbers::fmt_num(n.as_f64().unwrap_or(0.0)),
        Value::Null => "–".to_string(),
        other => escape(&other.render()),
    };
    out.write(&text)?;
    Ok(())
}

/// `{{indent depth}}`: two spaces per level, which nests a list item under the one above.
fn indent_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut HbsContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let depth = param(h, 0, "indent")?.as_u64().unwrap_or(0).min(64) as usize;
    out.write(&"  ".repeat(depth))?;
    Ok(())
}

/// `{{source finding.source}}`: "S3 · Title <https://…>": the title, and every URL as an
/// autolink, so it is both clickable and visible on paper.
fn source_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut HbsContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let source = param(h, 0, "source")?;
    let field = |name: &str| source.get(name).and_then(Value::as_str).unwrap_or("");
    let mut text = String::new();
    if !field("id").is_empty() {
        text.push_str(&escape(field("id")));
        text.push_str(" · ");
    }
    text.push_str(&escape(field("title")));
    // Some sources give several addresses separated by ` ; `.
    let urls: Vec<&str> = field("url")
        .split(|c: char| c == ';' || c.is_whitespace())
        .filter(|u| !u.is_empty())
        .collect();
    for (i, url) in urls.iter().enumerate() {
        text.push_str(if i == 0 { " " } else { ", " });
        text.push_str(&autolink(url));
    }
    out.write(&text)?;
    Ok(())
}

/// `<url>` (a link in every Markdown reader) when the address can be one, else escaped text.
fn autolink(url: &str) -> String {
    let safe = (url.starts_with("http://") || url.starts_with("https://"))
        && url
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | '|'));
    if safe {
        format!("<{url}>")
    } else {
        escape(url)
    }
}

/// `{{link url}}`: the address as a link (see `autolink`).
fn link_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut HbsContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let url = param(h, 0, "link")?;
    out.write(&autolink(url.as_str().unwrap_or("")))?;
    Ok(())
}

/// Human labels for the version strings of the contract.
fn version_label(version: &str) -> String {
    match version {
        "sms2.0" => "SMS 2.0".to_string(),
        "sms2003-rtm" => "SMS 2003".to_string(),
        "configmgr2007-rtm" => "Configuration Manager 2007".to_string(),
        v => {
            let (product, sp) = v.rsplit_once('-').unwrap_or((v, ""));
            let product = match product {
                "sms2003" => "SMS 2003",
                "configmgr2007" => "Configuration Manager 2007",
                p => p,
            };
            format!("{} {}", product, sp.to_uppercase())
                .trim()
                .to_string()
        }
    }
}

/// `sql2005-sp2` → `SQL Server 2005 SP2`.
fn sql_label(sql: &str) -> String {
    let rest = sql.strip_prefix("sql").unwrap_or(sql);
    let mut parts = rest.split('-');
    let year = parts.next().unwrap_or("");
    let level: Vec<String> = parts
        .map(|p| match p.strip_prefix("sp") {
            Some(n) => format!("SP{n}"),
            None => p.to_uppercase(),
        })
        .collect();
    format!("SQL Server {} {}", year, level.join(" "))
        .trim()
        .to_string()
}

/// `["a", "b", "c"]` → `a, b and c`; weekday names are capitalised (`monday` → `Monday`).
fn english_list(items: &[String]) -> String {
    let words: Vec<String> = items
        .iter()
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_lowercase()) {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                w.clone()
            }
        })
        .collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => words.join(""),
    }
}

/// `task-added` → `Task added`.
fn category_label(category: &str) -> String {
    let spaced = category.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocker => "Blockers",
        Severity::Warning => "Warnings",
        Severity::Info => "Information",
    }
}

/// The data the templates see: the plan exactly as `-f json` writes it, plus derived fields:
///
/// - root: `disk_servers` (`[{name, parts, sum, needed_mb, free_mb, shortfall_mb, state}]`, the
///   servers with a disk need; `state` is `short`, `fits` or `unknown`);
/// - root: `phase_count`, `finding_groups` (`[{severity, label, count, findings}]`, non-empty
///   groups only, blockers first), `has_changes`, `has_removed_tasks`;
/// - each site: `type_label`, `version_label`, `name_of_parent`;
/// - each SQL Server: `sql_label`, `sites_list` (codes joined by ", "), `shortfall_state`
///   (`short`, `fits` or `unknown`);
/// - each removed task: `status_label`; each change entry: `category_label` (`Task added`);
/// - each phase: `number` (1-based), `task_count`;
/// - each task: `done` (status Done), `status_label` (`null` when nothing was recorded),
///   `site_name`, `has_depends_on`; `planned_start`, `planned_end` (`null`) and `critical`
///   (`false`) even without a schedule;
/// - `scope` (`null` for the whole plan) with `path_list` ("CEN → NYC"), `secondaries_list`,
///   `sites_upgraded` and, per prerequisite, `needed_by_list`;
/// - each task: `waiting_on_it` (recorded Blocked: the tasks waiting on it, as text; else `null`);
/// - root: `progress` (`null` when nothing is recorded; see `plan::progress::summarize`), each
///   blocked task with `waiting_list` (direct dependents), `waiting_more` (how many later ones)
///   and `waiting_text` (both in words, `null` when nothing waits);
/// - root: `wave_count`; each wave: `sites_list`; `schedule` (`null` without `plan.start`) with
///   `weekdays_list` ("Monday, Tuesday and Friday") and `blackout_list`.
pub fn view(plan: &Plan) -> Value {
    let mut root = serde_json::to_value(plan).expect("the plan serialises to JSON");
    let site_names: BTreeMap<String, String> = plan
        .sites
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let obj = root.as_object_mut().expect("the plan is a JSON object");

    // Computed once: the section and the task lines of blocked tasks read it.
    // A split plan's summary holds no task: it carries the whole plan's.
    let summary = crate::plan::progress::of_document(plan);
    let waiting_by_task: BTreeMap<&str, Option<String>> = summary
        .iter()
        .flat_map(|s| &s.blocked)
        .map(|b| {
            (
                b.id.as_str(),
                super::waiting_text(&b.waiting, b.waiting_total),
            )
        })
        .collect();
    let progress = json!(summary.as_ref().map(|summary| {
        let mut v = serde_json::to_value(summary).expect("a progress summary serialises");
        if let Some(Value::Array(blocked)) = v.get_mut("blocked") {
            for (b, task) in blocked.iter_mut().zip(&summary.blocked) {
                b["waiting_list"] = json!(task.waiting.join(", "));
                b["waiting_more"] = json!(task.waiting_total - task.waiting.len());
                b["waiting_text"] = json!(super::waiting_text(&task.waiting, task.waiting_total));
            }
        }
        v
    }));

    if let Some(Value::Array(sites)) = obj.get_mut("sites") {
        for (site, plan_site) in sites.iter_mut().zip(&plan.sites) {
            let s = site.as_object_mut().expect("a site is an object");
            let type_label = match plan_site.site_type.as_str() {
                "primary" if plan_site.parent.is_none() => "central primary",
                t => t,
            };
            s.insert("type_label".into(), json!(type_label));
            s.insert(
                "version_label".into(),
                json!(version_label(plan_site.version.as_str())),
            );
            let parent_name = plan_site
                .parent
                .as_ref()
                .and_then(|p| site_names.get(p))
                .cloned();
            s.insert("name_of_parent".into(), json!(parent_name));
        }
    }
    if let Some(Value::Array(servers)) = obj.get_mut("sql_servers") {
        for (server, plan_server) in servers.iter_mut().zip(&plan.sql_servers) {
            let s = server.as_object_mut().expect("a SQL Server is an object");
            s.insert(
                "sql_label".into(),
                json!(plan_server.sql.as_deref().map(sql_label)),
            );
            s.insert("sites_list".into(), json!(plan_server.sites.join(", ")));
            let shortfall_state = match plan_server.shortfall_mb {
                None => "unknown",
                Some(x) if x > 0.0 => "short",
                Some(_) => "fits",
            };
            s.insert("shortfall_state".into(), json!(shortfall_state));
        }
    }
    let mut wave_seen = std::collections::BTreeSet::new();
    if let Some(Value::Array(phases)) = obj.get_mut("phases") {
        // A part of the plan (a wave, a site) keeps the whole plan's phase numbers.
        let numbers = plan
            .scope
            .as_ref()
            .map_or(&[][..], |s| &s.phase_numbers[..]);
        for (i, (phase, plan_phase)) in phases.iter_mut().zip(&plan.phases).enumerate() {
            let p = phase.as_object_mut().expect("a phase is an object");
            p.insert(
                "number".into(),
                json!(numbers.get(i).copied().unwrap_or(i + 1)),
            );
            // The first phase of each wave opens with the wave's brief for the change board.
            let opens = plan_phase
                .tasks
                .first()
                .filter(|t| wave_seen.insert(t.wave))
                .and_then(|t| plan.waves.iter().find(|w| w.number == t.wave));
            p.insert(
                "opens_wave".into(),
                opens.map_or(Value::Null, |w| {
                    let mut v = serde_json::to_value(w).expect("a wave serialises");
                    v["planned_start"] = json!(w.planned_start);
                    v["planned_end"] = json!(w.planned_end);
                    v
                }),
            );
            p.insert("task_count".into(), json!(plan_phase.tasks.len()));
            if let Some(Value::Array(tasks)) = p.get_mut("tasks") {
                for (task, plan_task) in tasks.iter_mut().zip(&plan_phase.tasks) {
                    let t = task.as_object_mut().expect("a task is an object");
                    let status = plan_task.progress.as_ref().map(|p| p.status);
                    t.insert("done".into(), json!(status == Some(TaskStatus::Done)));
                    t.insert("status_label".into(), json!(status.map(|s| s.label())));
                    let site_name = plan_task.site.as_ref().and_then(|c| site_names.get(c));
                    t.insert("site_name".into(), json!(site_name));
                    t.insert(
                        "has_depends_on".into(),
                        json!(!plan_task.depends_on.is_empty()),
                    );
                    // Absent from the JSON without a schedule; templates are strict.
                    t.insert("planned_start".into(), json!(plan_task.planned_start));
                    t.insert("planned_end".into(), json!(plan_task.planned_end));
                    t.insert("critical".into(), json!(plan_task.critical));
                    t.insert("backout".into(), json!(plan_task.backout));
                    // A blocked task names what waits on it.
                    let waiting = waiting_by_task
                        .get(plan_task.id.as_str())
                        .cloned()
                        .flatten();
                    t.insert("waiting_on_it".into(), json!(waiting));
                    let items: Vec<Value> = plan_task
                        .items
                        .iter()
                        .map(|it| {
                            let mut v = serde_json::to_value(it).expect("an item serialises");
                            let done =
                                it.progress.as_ref().map(|p| p.status) == Some(TaskStatus::Done);
                            v["done"] = json!(done);
                            v["expected_result"] = json!(it.expected_result);
                            v
                        })
                        .collect();
                    t.insert("items".into(), Value::Array(items));
                }
            }
        }
    }

    if let Some(Value::Array(removed)) = obj.get_mut("removed_tasks") {
        for (task, plan_task) in removed.iter_mut().zip(&plan.removed_tasks) {
            let t = task.as_object_mut().expect("a removed task is an object");
            t.insert(
                "status_label".into(),
                json!(plan_task.progress.status.label()),
            );
        }
    }
    if let Some(Value::Object(changes)) = obj.get_mut("changes") {
        if let Some(Value::Array(entries)) = changes.get_mut("entries") {
            for entry in entries {
                let e = entry.as_object_mut().expect("a change entry is an object");
                let label = category_label(e.get("category").and_then(Value::as_str).unwrap_or(""));
                e.insert("category_label".into(), json!(label));
            }
        }
    }

    let mut groups = Vec::new();
    for severity in [Severity::Blocker, Severity::Warning, Severity::Info] {
        let findings: Vec<Value> = plan
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| serde_json::to_value(f).expect("a finding serialises"))
            .collect();
        if !findings.is_empty() {
            let mut group = Map::new();
            group.insert("severity".into(), json!(severity.as_str()));
            group.insert("label".into(), json!(severity_label(severity)));
            group.insert("count".into(), json!(findings.len()));
            group.insert("findings".into(), Value::Array(findings));
            groups.push(Value::Object(group));
        }
    }
    obj.insert("finding_groups".into(), Value::Array(groups));
    if let Some(Value::Array(waves)) = obj.get_mut("waves") {
        for (wave, plan_wave) in waves.iter_mut().zip(&plan.waves) {
            let w = wave.as_object_mut().expect("a wave is an object");
            w.insert("sites_list".into(), json!(plan_wave.sites.join(", ")));
            w.insert("planned_start".into(), json!(plan_wave.planned_start));
            w.insert("planned_end".into(), json!(plan_wave.planned_end));
        }
    }
    obj.insert("wave_count".into(), json!(plan.waves.len()));
    match &plan.scope {
        Some(scope) => {
            let s = obj
                .get_mut("scope")
                .and_then(Value::as_object_mut)
                .expect("a scope serialises as an object");
            s.insert("path_list".into(), json!(scope.path.join(" → ")));
            let secondaries: Vec<String> = scope
                .sites
                .iter()
                .filter(|c| Some(*c) != scope.site.as_ref())
                .cloned()
                .collect();
            s.insert("secondaries_list".into(), json!(english_list(&secondaries)));
            let upgraded: Vec<String> = scope
                .wave
                .and_then(|n| plan.waves.iter().find(|w| w.number == n))
                .map(|w| w.sites.clone())
                .unwrap_or_default();
            s.insert("sites_upgraded".into(), json!(english_list(&upgraded)));
            let numbers: Vec<String> = scope.phase_numbers.iter().map(|n| n.to_string()).collect();
            s.insert("phase_numbers_list".into(), json!(english_list(&numbers)));
            if let Some(Value::Array(pre)) = s.get_mut("prerequisites") {
                for (p, task) in pre.iter_mut().zip(&scope.prerequisites) {
                    let p = p.as_object_mut().expect("a task is an object");
                    p.insert("needed_by_list".into(), json!(task.needed_by.join(", ")));
                }
            }
        }
        None => {
            obj.insert("scope".into(), Value::Null);
        }
    }
    match &plan.schedule {
        Some(schedule) => {
            let s = obj
                .get_mut("schedule")
                .and_then(Value::as_object_mut)
                .expect("a schedule serialises as an object");
            s.insert(
                "weekdays_list".into(),
                json!(english_list(&schedule.weekdays)),
            );
            s.insert(
                "blackout_list".into(),
                json!(english_list(&schedule.blackout)),
            );
        }
        None => {
            obj.insert("schedule".into(), Value::Null);
        }
    }
    // The summary of a split plan counts the phases it summarises (its tasks are elsewhere).
    let phase_count = match &plan.scope {
        Some(scope) if scope.kind == "summary" => scope.plan_phases,
        _ => plan.phases.len(),
    };
    obj.insert("phase_count".into(), json!(phase_count));
    obj.insert("progress".into(), progress);
    obj.insert("has_changes".into(), json!(plan.changes.is_some()));
    let disk_servers: Vec<Value> = plan
        .servers
        .iter()
        .filter_map(|s| s.disk.as_ref().map(|d| (s, d)))
        .map(|(s, d)| {
            let state = match d.shortfall_mb {
                Some(x) if x > 0.0 => "short",
                Some(_) => "fits",
                None => "unknown",
            };
            json!({
                "name": s.name,
                "parts": d.parts,
                "sum": d.sum_text(),
                "needed_mb": d.needed_mb,
                "free_mb": d.free_mb,
                "shortfall_mb": d.shortfall_mb,
                "state": state,
            })
        })
        .collect();
    obj.insert("disk_servers".into(), Value::Array(disk_servers));
    obj.insert(
        "has_removed_tasks".into(),
        json!(!plan.removed_tasks.is_empty()),
    );
    root
}

#[cfg(test)]
mod tests {
    /// The fast path must never skip an escape: every string of up to three characters over
    /// the plain alphabet (and a few longer ones) that `is_plain` accepts is left as is by the
    /// character-by-character pass too.
    #[test]
    fn plain_values_need_no_escape() {
        let alphabet: Vec<char> = ('a'..='c')
            .chain(['w', 'W'])
            .chain('X'..='Y')
            .chain('0'..='2')
            .chain(" -,'\"(/+=%?!;{}^.):#*_|<>&".chars())
            .collect();
        let mut checked = 0;
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for w in &words {
                for c in &alphabet {
                    longer.push(format!("{w}{c}"));
                }
            }
            for w in &longer {
                if super::is_plain(w) {
                    assert_eq!(super::escape_chars(w), *w, "{w:?}");
                    checked += 1;
                }
            }
            words = longer;
        }
        assert!(checked > 10_000, "{checked}");
        for w in [
            "SITE-UPG-NYC",
            "2,604 MB",
            "1 2",
            "CEN-SQL01 (SQL Server 2005)",
            "a/b/c",
            "sms01.contoso.com",
        ] {
            assert!(super::is_plain(w), "{w}");
            assert_eq!(super::escape(w), w);
        }
        for w in [
            "1. x", "1) x", "- x", " x", "x ", "www.x", "a WwW.b", "a_b", "http://x", "",
        ] {
            assert!(!super::is_plain(w), "{w}");
        }
    }

    use super::*;

    #[test]
    fn escaper_neutralises_markdown_syntax() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("*bold* _x_"), "\\*bold\\* \\_x\\_");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("[a](http://x)"), "\\[a\\](http\\://x)");
        assert_eq!(escape("# title"), "\\# title");
        assert_eq!(escape("line1\nline2"), "line1 line2");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("1. first"), "1\\. first");
        assert_eq!(escape("12.5 MB"), "12.5 MB");
        assert_eq!(escape("CEN-SMS01.contoso.com"), "CEN-SMS01.contoso.com");
        assert_eq!(escape("see www.example.com"), "see www\\.example.com");
        assert_eq!(escape("a\\b"), "a\\\\b");
    }

    #[test]
    fn versions_have_human_labels() {
        assert_eq!(version_label("sms2003-sp3"), "SMS 2003 SP3");
        assert_eq!(version_label("sms2003-rtm"), "SMS 2003");
        assert_eq!(
            version_label("configmgr2007-sp1"),
            "Configuration Manager 2007 SP1"
        );
        assert_eq!(sql_label("sql2005-sp2"), "SQL Server 2005 SP2");
        assert_eq!(sql_label("sql2008-r2"), "SQL Server 2008 R2");
        assert_eq!(sql_label("sql2000-sp3a"), "SQL Server 2000 SP3a");
    }
}
