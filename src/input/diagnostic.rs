//! Located, coded diagnostics and their rendering (miette's graphical report: file:line:column, the
//! source line with a caret under the problem, and a hint).

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SpanContents,
};

use super::tree::Span;

/// Stable diagnostic codes: tests, documentation and users' scripts rely on them, so a code is
/// never reused for another problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file cannot be read at all.
    E000,
    /// TOML / JSON syntax error.
    E001,
    /// The file is not UTF-8.
    E002,
    /// Unknown key.
    E003,
    /// Missing required key.
    E004,
    /// Wrong value type.
    E005,
    /// Unknown enumerated value.
    E006,
    /// Number out of range (negative, zero where it must be positive, NaN, infinite).
    E007,
    /// Fraction where a whole number is needed.
    E008,
    /// Whole number too large.
    E009,
    /// Malformed site code.
    E010,
    /// Duplicate site code.
    E011,
    /// Duplicate server name (ignoring case).
    E012,
    /// No central site (every site has a parent).
    E013,
    /// More than one site without a parent.
    E014,
    /// The central site is a secondary site.
    E015,
    /// Parent site does not exist.
    E016,
    /// Cycle in the parent relation.
    E017,
    /// A secondary site is given as a parent.
    E018,
    /// A secondary site has a database server.
    E019,
    /// A primary site has no database server.
    E020,
    /// Reference to a server that is not described.
    E021,
    /// A site database server without `sql`.
    E022,
    /// `server.site` names a site that does not exist.
    E023,
    /// A server with roles but no `site`.
    E024,
    /// Malformed custom task id or `after` kind.
    E025,
    /// Duplicate custom task id.
    E026,
    /// Duplicate key in a JSON object.
    E027,
    /// Empty text where a name is needed.
    E028,
    /// One server is the site server of two sites.
    E029,
    /// A site server whose `server.site` names another site.
    E030,
    /// A malformed date (`plan.start`, `schedule.blackout`): not `YYYY-MM-DD`, or no such day.
    E031,
    /// `schedule.weekdays` leaves no day of the week to work on.
    E032,
    /// A computer name (console, server, site server, database server) with whitespace before or
    /// after it: it would become part of task IDs. Rejected, never trimmed silently, like site codes
    /// (E010) and custom task ids (E025).
    E033,
    /// A name or text with no visible character: only spaces, zero-width spaces, direction marks
    /// or other characters that show nothing.
    E034,
    /// A control character (U+0000–U+001F, U+007F–U+009F) in a name or text. The multi-line texts
    /// of a custom task (`expected_result`, `details`) may hold line breaks and tabs.
    E035,
    /// A text longer than its kind allows (names 256 characters, titles 1,000, the multi-line
    /// texts of a custom task 30,000).
    E036,
    /// The description file is larger than cmplan reads (64 MiB).
    E037,
    /// A custom task's `after` or `before` names no kind of task the plan generates.
    E038,
    /// A custom task with both `after` and `before`.
    E039,
    /// A `[schedule.days]` key that no rule reads: the kind's duration is decided by another
    /// setting (`CLIENT-UPG`: `client_days_per_1000`).
    E040,
    /// A site's `wave` earlier than the wave of the site above it that this plan upgrades (a
    /// child is never upgraded before its parent).
    E041,
    /// `plan.pilot` names no site of the description, or one the plan cannot lead with.
    E042,
    /// Warning: a server that no site uses (not a site server, not a database server, no `site`):
    /// it appears nowhere in the plan.
    W001,

    // `cmplan import`: problems in the CSV export of the SMS 2003 site database.
    /// A required export file is missing or cannot be read.
    I001,
    /// An export file is not text (UTF-8, or UTF-16 with a byte-order mark) or not CSV.
    I002,
    /// A required column is missing from the header row.
    I003,
    /// An unknown coded value (`Type`, `ClientType`, `Status`, `SecurityMode`).
    I004,
    /// `ReportingSiteCode` names a site that is not in sites.csv.
    I005,
    /// A site code appears twice in sites.csv.
    I006,
    /// A version that cannot be read (`Version`, `ProductVersion`).
    I007,
    /// A server holds site system roles in two sites.
    I008,
    /// A malformed site code.
    I009,
    /// A row names a site that is not in sites.csv.
    I010,
    /// An empty value where one is needed (site name, server name).
    I011,
    /// A server appears twice in servers.csv or sql.csv.
    I012,
    /// A count or size that is not a number (`Clients`, `FreeSpaceMB`).
    I013,
    /// The sites do not form one hierarchy (no central site, two, a cycle, a secondary as parent).
    I014,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location that explains the primary one ("first defined here").
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

/// One problem in the description.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file it is in, as named on the command line.
    pub file: String,
    /// Where: byte range in the text, and its 1-based line and column (characters). `None` only
    /// when the file could not be read at all.
    pub span: Option<Span>,
    pub location: Option<(usize, usize)>,
    /// Text under the caret.
    pub label: String,
    pub related: Vec<Related>,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Collects diagnostics for one file while validation walks it.
pub(crate) struct Sink<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte offset of the start of each line, so that locating a diagnostic does not rescan the
    /// file (hostile input can produce tens of thousands of them).
    line_starts: Vec<usize>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Sink {
            file,
            text,
            diagnostics: Vec::new(),
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line, column + 1)
    }

    /// Whether an error (not only warnings) was recorded.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Records a warning at `span`: the description is accepted, and the warning printed.
    pub fn warning(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = self.error(code, span, message, label);
        d.severity = Severity::Warning;
        d
    }

    /// Records an error at `span` and returns it for optional extra labels / hint.
    pub fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let location = Some(self.line_column(span.start));
        self.diagnostics.push(Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: self.file.to_string(),
            span: Some(span),
            location,
            label: label.into(),
            related: Vec::new(),
            hint: None,
        });
        self.diagnostics.last_mut().expect("just pushed")
    }
}

impl Diagnostic {
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn also(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }
}

/// Width of the report: fixed, so output does not depend on the terminal.
const WIDTH: usize = 100;

/// At most this many problems are drawn with snippets; the rest are counted. Nobody reads the
/// 500th, and drawing each one rescans the file.
pub const MAX_RENDERED: usize = 100;

/// Renders diagnostics of one file as miette graphical reports, one after the other.
pub(crate) fn render(diagnostics: &[Diagnostic], file: &str, text: &str, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        // Wrapping would split hints at the hyphens of accepted values (`distribution-|point`).
        .with_wrap_lines(false)
        .with_links(false)
        .with_context_lines(1);
    // No character of the input reaches the terminal as it is: control characters (an escape
    // sequence in a file received by mail would drive the terminal) are drawn as their symbols.
    let (shown, shifts) = visible_source(text);
    let source = Windows(NamedSource::new(visible(file), shown));
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);
    let mut out = String::new();
    for d in diagnostics.iter().take(MAX_RENDERED) {
        let snippet = d
            .span
            .as_ref()
            .is_some_and(|span| !long_lines_near(text, span));
        // A label far from the problem gets a snippet of its own, which may come first: the
        // message line then says where the problem is.
        let apart = d.span.as_ref().is_some_and(|span| {
            let at = line_of(span.start);
            d.related
                .iter()
                .any(|r| line_of(r.span.start).abs_diff(at) > 2 + JOINED_GAP)
        });
        let d = &displayable(d, &shifts);
        let report = Report {
            d,
            source: &source,
            snippet,
            apart,
        };
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail; keep the plain form just in case.
            out.push_str(&format!("{}: {}: {}\n", d.code, d.file, d.message));
        }
        out.push('\n');
    }
    if diagnostics.len() > MAX_RENDERED {
        out.push_str(&format!(
            "… and {} more problems, not shown: fix the ones above first\n\n",
            diagnostics.len() - MAX_RENDERED
        ));
    }
    out
}

/// The visible symbol for a character that must not reach a terminal raw: C0 controls as
/// U+2400–U+241F (ESC is ␛), DEL as ␡, C1 controls and text-direction controls (which reorder
/// what the terminal shows) as U+FFFD. Line breaks and tabs stay; so does the CR of a CRLF.
fn symbol(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        '\r' if next == Some('\n') => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with every character [`symbol`] names replaced.
pub fn visible(text: &str) -> String {
    visible_source(text).0
}

/// The text with control characters replaced, and where bytes were added: for each replaced
/// character, its offset in `text` and how many bytes were added up to and including it.
fn visible_source(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut shifts = Vec::new();
    if !text
        .chars()
        .any(|c| symbol(c, Some('\n')).is_some() || c == '\r')
    {
        return (text.to_string(), shifts);
    }
    let mut out = String::with_capacity(text.len());
    let mut added = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match symbol(c, chars.peek().map(|(_, n)| *n)) {
            Some(s) => {
                out.push(s);
                added += s.len_utf8() - c.len_utf8();
                shifts.push((at, added));
            }
            None => out.push(c),
        }
    }
    (out, shifts)
}

/// Where byte `offset` of the original text is in the visible one.
fn shifted(offset: usize, shifts: &[(usize, usize)]) -> usize {
    let before = shifts.partition_point(|(at, _)| *at < offset);
    offset + before.checked_sub(1).map_or(0, |i| shifts[i].1)
}

/// A copy of `d` to draw: spans moved onto the visible text, texts made visible.
fn displayable(d: &Diagnostic, shifts: &[(usize, usize)]) -> Diagnostic {
    let span = |s: &Span| shifted(s.start, shifts)..shifted(s.end, shifts);
    Diagnostic {
        code: d.code,
        severity: d.severity,
        message: visible(&d.message),
        file: visible(&d.file),
        span: d.span.as_ref().map(span),
        location: d.location,
        label: visible(&d.label),
        related: d
            .related
            .iter()
            .map(|r| Related {
                span: span(&r.span),
                label: visible(&r.label),
            })
            .collect(),
        hint: d.hint.as_deref().map(visible),
    }
}

/// Longest source line drawn in a snippet. miette pads to the caret's column with a width
/// argument, which panics past 65,535 ("Formatting argument out of range"), and a snippet of a
/// 10 MB line would be a 10 MB report: such a problem is reported with its location only.
const MAX_SNIPPET_LINE: usize = 2_000;

/// Whether a line the snippet would draw (the span's lines and one of context on either side) is
/// longer than [`MAX_SNIPPET_LINE`] bytes.
fn long_lines_near(text: &str, span: &Span) -> bool {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    // From the start of the line before the span to the end of the line after it.
    let mut from = text[..start].rfind('\n').unwrap_or(0);
    from = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let mut to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    if to < text.len() {
        to = text[to + 1..].find('\n').map_or(text.len(), |i| to + 1 + i);
    }
    text[from..to]
        .split('\n')
        .any(|line| line.len() > MAX_SNIPPET_LINE)
}

/// Labels whose windows are at most this many lines apart share one snippet (the lines between
/// are shown); further apart, each gets its own snippet, so a report shows a few lines around
/// each label however far apart they are.
const JOINED_GAP: usize = 2;

/// The source as miette reads it, with the number of lines of each window told right: miette
/// joins the windows of two labels into one snippet when the first window's line plus its line
/// count reaches the second's, but counts the lines from the top of the file, so every window
/// joined the next and a report drew every line between its labels.
struct Windows(NamedSource<String>);

impl SourceCode for Windows {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.0.read_span(span, before, after)?;
        let data = inner.data();
        let lines = data.split(|b| *b == b'\n').count() + JOINED_GAP;
        Ok(Box::new(MietteSpanContents::new_named(
            inner.name().unwrap_or_default().to_string(),
            data,
            *inner.span(),
            inner.line(),
            inner.column(),
            lines,
        )))
    }
}

struct Report<'a> {
    d: &'a Diagnostic,
    source: &'a Windows,
    /// Draw the source lines with a caret (false: the location goes in the message line).
    snippet: bool,
    /// Some label is far from the problem (its snippet is drawn apart).
    apart: bool,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code leads the message line (rustc style) instead of miette's separate header line.
        write!(f, "{}: {}", self.d.code, self.d.message)?;
        match self.d.location {
            Some((line, column)) if !self.snippet || self.apart => {
                write!(f, " ({}:{line}:{column})", self.d.file)
            }
            _ => Ok(()),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        if !self.snippet {
            return None;
        }
        self.d.span.as_ref().map(|_| self.source as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span.as_ref().filter(|_| self.snippet)?;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(self.d.label.clone()),
            span.start..span.end,
        )];
        for r in &self.d.related {
            labels.push(LabeledSpan::new_with_span(
                Some(r.label.clone()),
                r.span.start..r.span.end,
            ));
        }
        Some(Box::new(labels.into_iter()))
    }
}

#[cfg(test)]
mod visible_tests {
    use super::*;

    #[test]
    fn control_characters_are_drawn_as_symbols_and_spans_follow_them() {
        let text = "a = \"\u{1b}]52;c;x\u{7}\"\r\nb = \"\u{1b}[2J\u{85}\u{202e}z\"\r\n";
        let (shown, shifts) = visible_source(text);
        assert_eq!(
            shown,
            "a = \"\u{241b}]52;c;x\u{2407}\"\r\nb = \"\u{241b}[2J\u{fffd}\u{fffd}z\"\r\n"
        );
        // `z` keeps pointing at `z`.
        let z = text.find('z').unwrap();
        assert_eq!(&shown[shifted(z, &shifts)..][..1], "z");
        assert_eq!(shifted(0, &shifts), 0);
        assert_eq!(visible("plain"), "plain");
        assert_eq!(visible("bare\rCR"), "bare\u{240d}CR");
    }
}
