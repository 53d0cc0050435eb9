//! `-f html`: the Markdown rendered by pulldown-cmark into one self-contained HTML file.
//!
//! Same text as `-f md` (so a custom template changes it too), with a small inline stylesheet
//! for screen and print: no scripts, fonts or other external assets.

use std::collections::HashSet;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::markdown::{self, parser_options, PAGE_BREAK};
use super::{RenderContext, RenderError};
use crate::plan::Plan;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45;
       color: #1a1a1a; max-width: 60em; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #1f4e79; padding-bottom: .2em; margin-top: 1.6em; color: #1f4e79; }
h2 { font-size: 1.25em; margin-top: 1.4em; color: #1f4e79; }
table { border-collapse: collapse; margin: .8em 0; width: 100%; }
th, td { border: 1px solid #9aa5b1; padding: .3em .5em; vertical-align: top; overflow-wrap: break-word; }
th { background: #dde6f0; text-align: left; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .92em; }
li { margin: .25em 0; overflow-wrap: break-word; }
ul:has(> li > input[type=checkbox]) { list-style: none; padding-left: 1em; }
li > input[type=checkbox] { margin-right: .5em; transform: scale(1.2); }
a { color: #1f4e79; overflow-wrap: break-word; }
figure.diagram { margin: 1em 0; overflow-x: auto; }
figure.diagram svg { max-width: 100%; height: auto; }
.pagebreak { break-after: page; page-break-after: always; }
nav.toc { border: 1px solid #9aa5b1; padding: .4em 1.2em; margin: 1.5em 0; }
nav.toc h2 { margin-top: .3em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h1 + *, h2 + *, h3 + * { break-before: avoid; page-break-before: avoid; }
  table, figure { break-inside: auto; }
  figure.diagram svg { max-height: 240mm; }
  tr.signoff td { height: 9mm; }
  table.signoff { break-inside: avoid; page-break-inside: avoid; }
  p:has(+ table.signoff) { break-after: avoid; page-break-after: avoid; }
  li { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4; margin: 18mm 16mm; }
"#;

pub fn render(plan: &Plan, ctx: &RenderContext) -> Result<String, RenderError> {
    let text = markdown::render(plan, ctx)?;
    Ok(render_text(plan, &text, ctx))
}

/// The page from Markdown already rendered for this plan (`render_all` writes it once).
pub fn render_text(plan: &Plan, markdown_text: &str, ctx: &RenderContext) -> String {
    let page = html_document(&plan.title, markdown_text, paper_name(ctx.paper));
    with_diagram(page, &super::diagram::render_svg(plan))
}

/// The hierarchy diagram inline, right after the Hierarchy section's introduction (before its
/// site list); at the end of the page when a custom template has no such section.
fn with_diagram(page: String, svg: &str) -> String {
    // The SVG document without its XML prologue, as an element of the page.
    let svg = svg.find("<svg").map_or(svg, |at| &svg[at..]).replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"Site hierarchy diagram\" ",
        1,
    );
    let figure = format!("<figure class=\"diagram\">\n{svg}</figure>\n");
    let at = page
        .find("<h1 id=\"hierarchy\"")
        .and_then(|h| page[h..].find("</p>\n").map(|p| h + p + "</p>\n".len()))
        .or_else(|| page.rfind("</body>"));
    match at {
        Some(at) => format!("{}{}{}", &page[..at], figure, &page[at..]),
        None => page,
    }
}

/// Characters after which a long token (FQDN, UNC path, task ID, URL) may break, as in the PDF.
fn breaks_after(c: char) -> bool {
    matches!(c, '.' | '\\' | '-' | '_' | '/')
}

/// Tokens at most this long never break: site codes, numbers, dates, server names.
const UNBREAKABLE_CHARS: usize = 12;

/// The anchor of a task's item: `task-` and its ID (characters other than letters, digits, `-`
/// and `_` as `-`).
fn task_anchor(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("task-{safe}")
}

/// Text as HTML: a `<wbr>` after each break character of a long token (short tokens, e.g. a site
/// code, `16,940`, `2027-03-01`, get none and, with `overflow-wrap: break-word`, stay whole), and
/// each mention of a task ID in `task_ids` a link to that task. `None`: the text needs neither.
fn text_html(text: &str, task_ids: &HashSet<String>) -> Option<String> {
    let long = |t: &str| t.chars().count() > UNBREAKABLE_CHARS && t.chars().any(breaks_after);
    // A token without the punctuation around it: `(SITE-UPG-LON),` → `SITE-UPG-LON`.
    let core = |t: &str| -> (usize, usize) {
        let start = t.len() - t.trim_start_matches(['(', '[', '"']).len();
        let end = t
            .trim_end_matches([',', '.', ';', ':', ')', ']', '"'])
            .len();
        (start, end.max(start))
    };
    let is_task = |t: &str| {
        let (a, b) = core(t);
        task_ids.contains(&t[a..b])
    };
    if !text.split_whitespace().any(|t| long(t) || is_task(t)) {
        return None;
    }
    let breakable = |out: &mut String, token: &str| {
        let split = long(token);
        let chars: Vec<char> = token.chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            escape_html(out, c.encode_utf8(&mut [0; 4]));
            if split && breaks_after(c) && j + 1 < chars.len() {
                out.push_str("<wbr>");
            }
        }
    };
    let mut out = String::with_capacity(text.len() + 32);
    for (i, token) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if is_task(token) {
            let (a, b) = core(token);
            escape_html(&mut out, &token[..a]);
            out.push_str(&format!("<a href=\"#{}\">", task_anchor(&token[a..b])));
            breakable(&mut out, &token[a..b]);
            out.push_str("</a>");
            escape_html(&mut out, &token[b..]);
        } else {
            breakable(&mut out, token);
        }
    }
    Some(out)
}

/// The CSS `@page` size of a paper.
pub fn paper_name(paper: super::Paper) -> &'static str {
    match paper {
        super::Paper::A4 => "A4",
        super::Paper::Letter => "letter",
    }
}

/// Wraps the Markdown, converted, in a complete HTML page, with a table of contents linking
/// to the document's sections (its `# ` headings after the title block).
pub fn html_document(title: &str, markdown_text: &str, paper: &str) -> String {
    let mut events: Vec<Event> = Parser::new_ext(markdown_text, parser_options())
        .map(|event| match event {
            // Only the templates can produce raw HTML (the escaper turns `<` in values into
            // text): the page-break comment becomes a real break, anything else stays as written.
            Event::Html(ref h) | Event::InlineHtml(ref h) if h.trim() == PAGE_BREAK => {
                Event::Html(CowStr::Borrowed("<div class=\"pagebreak\"></div>\n"))
            }
            other => other,
        })
        .collect();

    // Give every heading an id (its text, slugged; deduplicated) and collect the sections.
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut seen_page_break = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Html(h) if h.contains("pagebreak") => seen_page_break = true,
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let mut text = String::new();
                for e in &events[i + 1..] {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        Event::SoftBreak | Event::HardBreak => text.push(' '),
                        _ => {}
                    }
                }
                let id = unique_slug(&text, &mut used);
                if level == HeadingLevel::H1 && seen_page_break {
                    sections.push((id.clone(), text));
                }
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                    *slot = Some(CowStr::from(id));
                }
            }
            _ => {}
        }
        i += 1;
    }

    // Tasks are task-list items that start with their ID in bold: each gets an anchor, and
    // every other mention of a task ID (After: lines, findings, prerequisites) links to it.
    let mut task_ids: HashSet<String> = HashSet::new();
    for w in events.windows(3) {
        if let (Event::TaskListMarker(_), Event::Start(Tag::Strong), Event::Text(id)) =
            (&w[0], &w[1], &w[2])
        {
            task_ids.insert(id.to_string());
        }
    }
    // Long tokens get the PDF's break opportunities; code keeps its text as written.
    let no_links = HashSet::new();
    let mut in_code = false;
    let mut after_marker = 0u8;
    let mut out_events = Vec::with_capacity(events.len() + task_ids.len());
    for event in events {
        // 1: just after a task-list marker; 2: in the bold that follows; 3: its ID text.
        after_marker = match (&event, after_marker) {
            (Event::TaskListMarker(_), _) => 1,
            (Event::Start(Tag::Strong), 1) => 2,
            (Event::Text(_), 2) => 3,
            _ => 0,
        };
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                out_events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out_events.push(event);
            }
            Event::Text(ref t) if after_marker == 3 => {
                let anchor = format!("<span id=\"{}\"></span>", task_anchor(t));
                out_events.push(Event::InlineHtml(CowStr::from(anchor)));
                match text_html(t, &no_links) {
                    Some(html) => out_events.push(Event::InlineHtml(CowStr::from(html))),
                    None => out_events.push(event),
                }
            }
            Event::Text(ref t) if !in_code => match text_html(t, &task_ids) {
                Some(html) => out_events.push(Event::InlineHtml(CowStr::from(html))),
                None => out_events.push(event),
            },
            other => out_events.push(other),
        }
    }
    let events = out_events.into_iter();
    let mut body = String::with_capacity(markdown_text.len() * 2);
    html::push_html(&mut body, events);
    let body = mark_signoff_rows(body);

    let mut nav = String::new();
    if !sections.is_empty() {
        nav.push_str("<nav class=\"toc\">\n<h2>Contents</h2>\n<ol>\n");
        for (id, text) in &sections {
            let mut escaped = String::new();
            escape_html(&mut escaped, text);
            nav.push_str(&format!("<li><a href=\"#{id}\">{escaped}</a></li>\n"));
        }
        nav.push_str("</ol>\n</nav>\n");
    }
    // The contents go right after the title block (before its first page break).
    let body = match body.find("<div class=\"pagebreak\"></div>") {
        Some(at) if !nav.is_empty() => format!("{}{}{}", &body[..at], nav, &body[at..]),
        _ => body,
    };

    let mut title_escaped = String::new();
    escape_html(&mut title_escaped, title);
    let style = STYLE.replace("size: A4", &format!("size: {paper}"));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"cmplan\">\n<title>{title_escaped}</title>\n\
         <style>{style}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// Rows of a sign-off table (header `Role | Name | Date | Signature`) get the class `signoff`,
/// so print keeps them tall enough to sign.
fn mark_signoff_rows(body: String) -> String {
    const HEAD: &str = "<th>Role</th>";
    if !body.contains(HEAD) {
        return body;
    }
    let mut out = String::with_capacity(body.len() + 1024);
    let mut rest = body.as_str();
    while let Some(at) = rest.find("<table>") {
        let end = rest[at..].find("</table>").map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..at]);
        let table = &rest[at..end];
        if table.contains(HEAD) && table.contains("<th>Signature</th>") {
            out.push_str(
                &table
                    .replacen("<table>", "<table class=\"signoff\">", 1)
                    .replace("<tbody>\n<tr>", "<tbody>\n<tr class=\"signoff\">")
                    .replace("</tr>\n<tr>", "</tr>\n<tr class=\"signoff\">"),
            );
        } else {
            out.push_str(table);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `Phase 1: Resolve findings` → `phase-1-resolve-findings` (ASCII letters and digits kept,
/// other characters folded into single hyphens), made unique with `-2`, `-3`, …
fn unique_slug(text: &str, used: &mut Vec<String>) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let base = match slug.trim_end_matches('-') {
        "" => "section".to_string(),
        s => s.to_string(),
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// HTML-escapes text for the `<title>` element.
fn escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_breaks_become_print_breaks_and_title_is_escaped() {
        let html = html_document(
            "A <b> & C",
            "# One\n\n<!-- pagebreak -->\n\n# Two\n\n- [x] done\n",
            "A4",
        );
        assert!(html.contains("<title>A &lt;b&gt; &amp; C</title>"));
        assert!(html.contains("<div class=\"pagebreak\"></div>"));
        assert!(!html.contains("<!-- pagebreak -->"));
        assert!(html.contains("checked"));
        assert!(!html.contains("http"), "no external assets");
        // The contents link to the sections after the title block, not to the title.
        assert!(html.contains("<li><a href=\"#two\">Two</a></li>"));
        assert!(!html.contains("href=\"#one\""));
        assert!(html.contains("<h1 id=\"two\">Two</h1>"));
    }

    #[test]
    fn heading_ids_are_unique_slugs() {
        let mut used = Vec::new();
        assert_eq!(
            unique_slug("Phase 1: Resolve findings", &mut used),
            "phase-1-resolve-findings"
        );
        assert_eq!(
            unique_slug("Phase 1: Resolve findings", &mut used),
            "phase-1-resolve-findings-2"
        );
        assert_eq!(unique_slug("Über €", &mut used), "ber");
        assert_eq!(unique_slug("***", &mut used), "section");
    }
}

#[cfg(test)]
mod break_tests {
    use super::*;

    #[test]
    fn short_tokens_never_break_and_long_ones_break_after_separators() {
        let none = HashSet::new();
        assert_eq!(text_html("LON 16,940 2027-03-01 NYC-MP01", &none), None);
        assert_eq!(
            text_html("on lon-sql01.corp.contoso.com <x>", &none).unwrap(),
            "on lon-<wbr>sql01.<wbr>corp.<wbr>contoso.<wbr>com &lt;x&gt;"
        );
    }

    #[test]
    fn task_ids_get_anchors_and_mentions_link_to_them() {
        let html = html_document(
            "T",
            "# T\n\n<!-- pagebreak -->\n\n# P\n\n- [ ] **SITE-UPG-LON** Upgrade LON\n- [ ] **KEYX** Swap keys\\\n  *After:* SITE-UPG-LON, KEYX-X\n",
            "A4",
        );
        assert!(
            html.contains("<span id=\"task-SITE-UPG-LON\"></span>"),
            "{html}"
        );
        assert!(html.contains("<span id=\"task-KEYX\"></span>"));
        assert!(
            html.contains("<a href=\"#task-SITE-UPG-LON\">SITE-UPG-LON</a>, KEYX-X"),
            "{html}"
        );
        // The bold ID itself is not a link to itself.
        assert!(!html.contains("<strong><a"));
    }

    #[test]
    fn signoff_rows_are_marked_and_the_diagram_is_inline() {
        let html = html_document(
            "T",
            "# T\n\n<!-- pagebreak -->\n\n# Hierarchy\n\nIntro.\n\n- LON\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Lead | | | |\n| Owner | | | |\n",
            "A4",
        );
        assert_eq!(html.matches("<tr class=\"signoff\">").count(), 2);
        let page = with_diagram(html, "<?xml version=\"1.0\"?>\n<svg width=\"1\"></svg>\n");
        let figure = page.find("<figure class=\"diagram\">").unwrap();
        assert!(page.find("<p>Intro.</p>").unwrap() < figure);
        assert!(figure < page.find("<li>LON</li>").unwrap());
        assert!(!page.contains("<?xml"));
    }
}
