//! The hostile corpus: every file in `tests/hostile/cases/` (written by `make_cases.py` from
//! `base.toml`) has its exact outcome in `tests/hostile/expected.txt`: the diagnostics as
//! `CODE@line:column` in file order, or `plan` (a valid plan that renders in every format), or
//! `payload` (a valid plan whose title — the payload — is also in every free-text field: it must
//! come out literally, as text, in the Markdown, the HTML, the JSON and the workbook).
//!
//! The big cases (a 10 MB string, 40,000 sites, cycles of 1, 2 and 50 sites) are generated here.
//!
//! `HOSTILE_PRINT=1 cargo test --test hostile` prints each case's actual outcome in the table's
//! format (to review a new case; never paste it in without reading it).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cmplan::input;
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;
use pulldown_cmark::{Event, Parser, Tag};

const ALL_FORMATS: [Format; 5] = [
    Format::Md,
    Format::Json,
    Format::Html,
    Format::Pdf,
    Format::Xlsx,
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Plan,
    Payload,
    Diagnostics(Vec<String>),
    /// Valid input the planning engine refuses, with (a part of) its message.
    Refused(String),
}

fn expectations() -> BTreeMap<String, Outcome> {
    let text = std::fs::read_to_string(dir().join("expected.txt")).unwrap();
    let mut table = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let name = words.next().unwrap().to_string();
        let rest: Vec<String> = words.map(str::to_string).collect();
        let outcome = match rest.as_slice() {
            [w] if w == "plan" => Outcome::Plan,
            [w] if w == "payload" => Outcome::Payload,
            [w, ..] if w == "refused" => Outcome::Refused(rest[1..].join(" ")),
            codes if !codes.is_empty() => Outcome::Diagnostics(codes.to_vec()),
            _ => panic!("expected.txt: no outcome for {name}"),
        };
        assert!(
            table.insert(name.clone(), outcome).is_none(),
            "expected.txt: {name} twice"
        );
    }
    table
}

fn options() -> PlanOptions {
    PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    }
}

/// Loads a case and reduces the result to the table's vocabulary.
fn outcome_of(name: &str, bytes: &[u8]) -> (Outcome, Option<Plan>) {
    match input::load_bytes(name, bytes) {
        Ok(env) => match plan::build(&env, &options()) {
            Ok(plan) => (Outcome::Plan, Some(plan)),
            // The engine refuses what only it can judge (a custom task after an unknown kind).
            Err(e) => (Outcome::Refused(e.to_string()), None),
        },
        Err(err) => {
            let report = err.render(false);
            assert!(
                report.contains("problem"),
                "{name}: the report renders a summary"
            );
            let codes = err
                .locations()
                .into_iter()
                .map(|(code, line, column)| format!("{code}@{line}:{column}"))
                .collect();
            (Outcome::Diagnostics(codes), None)
        }
    }
}

/// Renders every format; each must succeed.
fn render_all(name: &str, plan: &Plan) -> BTreeMap<Format, Vec<u8>> {
    let ctx = RenderContext::default();
    let mut out = BTreeMap::new();
    for format in ALL_FORMATS {
        match render::render(format, plan, &ctx) {
            Ok(bytes) => {
                assert!(!bytes.is_empty(), "{name}: empty {format}");
                out.insert(format, bytes);
            }
            // The only accepted failure: a renderer that has not landed on this branch yet.
            Err(e) if e.message.contains("not implemented yet") => {}
            Err(e) => panic!("{name}: {e}"),
        }
    }
    out
}

#[test]
fn every_case_has_its_exact_outcome() {
    let table = expectations();
    let mut files: Vec<String> = std::fs::read_dir(dir().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert!(
        files.len() >= 60,
        "the corpus has {} cases, fewer than 60",
        files.len()
    );
    let print = std::env::var_os("HOSTILE_PRINT").is_some();
    let mut failures = Vec::new();
    for name in &files {
        let bytes = std::fs::read(dir().join("cases").join(name)).unwrap();
        let (actual, plan) = outcome_of(name, &bytes);
        if print {
            let shown = match &actual {
                Outcome::Plan => "plan".to_string(),
                Outcome::Payload => unreachable!(),
                Outcome::Diagnostics(d) => d.join(" "),
                Outcome::Refused(m) => format!("refused {m}"),
            };
            eprintln!("{name:40} {shown}");
        }
        let Some(expected) = table.get(name) else {
            failures.push(format!("{name}: not in expected.txt (actual {actual:?})"));
            continue;
        };
        match (expected, &plan) {
            (Outcome::Plan, Some(plan)) => {
                render_all(name, plan);
            }
            (Outcome::Payload, Some(plan)) => {
                let files = render_all(name, plan);
                check_payload(name, plan, &files);
            }
            (Outcome::Refused(part), None) => match &actual {
                Outcome::Refused(message) if message.contains(part.as_str()) => {}
                _ => failures.push(format!("{name}: expected {expected:?}, got {actual:?}")),
            },
            _ if *expected != actual => {
                failures.push(format!("{name}: expected {expected:?}, got {actual:?}"))
            }
            _ => {}
        }
    }
    for name in table.keys() {
        if !files.contains(name) {
            failures.push(format!("{name}: in expected.txt but not in cases/"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The Markdown's text, as a reader sees it, and what it would turn into markup.
struct MarkdownView {
    text: String,
    html: Vec<String>,
    links: Vec<String>,
    images: usize,
}

fn view(md: &str) -> MarkdownView {
    let mut v = MarkdownView {
        text: String::new(),
        html: Vec::new(),
        links: Vec::new(),
        images: 0,
    };
    for event in Parser::new_ext(md, render::markdown::parser_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => v.text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => v.text.push(' '),
            Event::End(_) => v.text.push('\n'),
            // The renderer's own page-break marker is the only HTML it writes.
            Event::Html(h) | Event::InlineHtml(h)
                if h.trim() != render::markdown::PAGE_BREAK.trim() =>
            {
                v.html.push(h.to_string())
            }
            Event::Start(Tag::Link { dest_url, .. }) => v.links.push(dest_url.to_string()),
            Event::Start(Tag::Image { .. }) => v.images += 1,
            _ => {}
        }
    }
    v
}

/// A payload case: the plan title is the payload, and every free-text field holds it too.
fn check_payload(name: &str, plan: &Plan, files: &BTreeMap<Format, Vec<u8>>) {
    let payload = plan.title.clone();
    // The Markdown shows it as literal text (at least: title, site names, custom task texts),
    // and it turns into no HTML, link or image.
    let md = String::from_utf8(files[&Format::Md].clone()).unwrap();
    let v = view(&md);
    let shown = v.text.matches(payload.as_str()).count();
    assert!(
        shown >= 4,
        "{name}: the payload shows {shown} times in the Markdown text\n{md}"
    );
    assert!(
        v.html.is_empty(),
        "{name}: raw HTML in Markdown: {:?}",
        v.html
    );
    assert_eq!(v.images, 0, "{name}: an image in the Markdown");
    // The contents list links to its own headings (`#anchor`, letters, digits and hyphens
    // only): a fragment cannot leave the document, whatever words the heading has.
    for link in &v.links {
        if let Some(anchor) = link.strip_prefix('#') {
            assert!(
                anchor
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_'),
                "{name}: an anchor with markup: {link}"
            );
            continue;
        }
        assert!(
            !link.contains("javascript") && !link.contains("evil.example"),
            "{name}: a link from the payload: {link}"
        );
    }
    // The HTML escapes it: no script or img element, no javascript: or evil.example link; the
    // markup characters arrive as entities.
    let html = String::from_utf8(files[&Format::Html].clone()).unwrap();
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<img",
        "href=\"javascript",
        "href=\"http://evil",
        "src=\"http",
    ] {
        assert!(!lower.contains(bad), "{name}: {bad} in the HTML");
    }
    if payload.contains('<') {
        assert!(html.contains("&lt;"), "{name}: < not escaped in the HTML");
    }
    // The JSON carries it unchanged.
    let json: serde_json::Value = serde_json::from_slice(&files[&Format::Json]).unwrap();
    assert_eq!(json["title"], payload.as_str(), "{name}: JSON title");
    assert!(
        json["sites"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["name"] == payload.as_str()),
        "{name}: JSON site names"
    );
    // The workbook has it as string cells, and no formula anywhere contains it.
    if let Some(xlsx) = files.get(&Format::Xlsx) {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.clone())).unwrap();
        let mut as_string = 0;
        for sheet in book.sheet_names() {
            let range = book.worksheet_range(&sheet).unwrap();
            for cell in range.used_cells() {
                match cell.2 {
                    Data::String(s) if s.contains(payload.as_str()) => as_string += 1,
                    Data::String(_) => {}
                    other => assert!(
                        !other.to_string().contains(payload.as_str()),
                        "{name}: {sheet}: the payload in a non-string cell {other:?}"
                    ),
                }
            }
            let formulas = book.worksheet_formula(&sheet).unwrap();
            for (row, column, formula) in formulas.used_cells() {
                let core = payload.trim_start_matches(['=', '+', '-', '@']);
                // Inside a string literal ("…", quotes doubled) text is data, e.g. a phase title
                // as a COUNTIFS criterion: only the formula's code must never hold the payload.
                let code = formula_code(formula);
                assert!(
                    formula.is_empty() || !code.contains(core),
                    "{name}: {sheet} ({row},{column}) has the payload as a formula: {formula}"
                );
            }
        }
        assert!(
            as_string >= 4,
            "{name}: the payload is in {as_string} string cells"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Generated cases: too big to commit, or shaped by a parameter.
// ---------------------------------------------------------------------------------------------

fn base() -> String {
    std::fs::read_to_string(dir().join("base.toml")).unwrap()
}

/// The i-th three-character site code (36³ = 46,656 of them), skipping the base's CEN and SEC.
fn code(i: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const CEN: usize = 12 * 1296 + 14 * 36 + 23;
    const SEC: usize = 28 * 1296 + 14 * 36 + 12;
    let mut i = i;
    for skipped in [CEN, SEC] {
        if i >= skipped {
            i += 1;
        }
    }
    [i / 1296, (i / 36) % 36, i % 36]
        .iter()
        .map(|&d| DIGITS[d] as char)
        .collect()
}

/// The base plus `count` secondary sites under the central site CEN, each with its own site
/// server (as a site needs one of its own), the first `cycle` of them forming a parent cycle
/// instead (site k's parent is site k+1, the last one's the first).
fn with_secondaries(count: usize, cycle: usize) -> String {
    let mut text = base();
    text.reserve(count * 220);
    for i in 0..count {
        let parent = if i < cycle {
            code((i + 1) % cycle)
        } else {
            "CEN".into()
        };
        // A secondary's parent must be a primary: cycle members are primaries.
        let (kind, db) = if i < cycle {
            ("primary", "database_server = \"SMS01\"\n")
        } else {
            ("secondary", "")
        };
        text.push_str(&format!(
            "\n[[site]]\ncode = \"{c}\"\nname = \"Site {i}\"\ntype = \"{kind}\"\nparent = \"{parent}\"\nversion = \"sms2003-sp3\"\nsecurity = \"advanced\"\nsite_server = \"S{i}\"\n{db}clients = 5\n\n[[server]]\nname = \"S{i}\"\nsite = \"{c}\"\nos = \"windows-2003-sp2\"\n",
            c = code(i)
        ));
    }
    text
}

#[test]
fn forty_thousand_sites_make_a_plan() {
    // 40,000 secondaries under CEN (near the 46,656 possible codes): 640,000 tasks.
    let n = 40_000;
    let text = with_secondaries(n, 0);
    let start = Instant::now();
    let env = input::load_bytes("big.toml", text.as_bytes()).unwrap();
    assert_eq!(env.sites.len(), n + 2);
    let plan = plan::build(&env, &options()).unwrap();
    assert_eq!(plan.sites.len(), n + 2);
    assert_eq!(plan.totals.clients, 250 + 40 + 5 * n as u64);
    // Every site gets its upgrade task, the last one too, after its parent's.
    let last = format!("SITE-UPG-{}", code(n - 1));
    let task = plan.task(&last).unwrap_or_else(|| panic!("{last} missing"));
    assert_eq!(task.site.as_deref(), Some(code(n - 1).as_str()));
    // The JSON plan is complete. Markdown/HTML and the workbook are rendered at 300 sites
    // below: at 40,000 the Markdown renderer needs ~12 GB (about 300 KB per site, measured; see
    // docs/hardening.md), more than a shared test machine has.
    let json = render::render(Format::Json, &plan, &RenderContext::default()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["sites"].as_array().unwrap().len(), n + 2);
    let elapsed = start.elapsed();
    // Debug build, 2 shared cores (~100 s measured): generous, but a quadratic step blows it.
    assert!(elapsed.as_secs() < 400, "40,000 sites took {elapsed:?}");
}

#[test]
fn three_hundred_sites_render_in_every_format_with_every_task_id() {
    let n = 300;
    let env = input::load_bytes("k.toml", with_secondaries(n, 0).as_bytes()).unwrap();
    let plan = plan::build(&env, &options()).unwrap();
    let files = render_all("k.toml", &plan);
    // Words of the Markdown (IDs are upper-case letters, digits and hyphens here).
    let md = String::from_utf8(files[&Format::Md].clone()).unwrap();
    let words: std::collections::HashSet<&str> = md
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .collect();
    let json: serde_json::Value = serde_json::from_slice(&files[&Format::Json]).unwrap();
    let in_json: std::collections::HashSet<&str> = json["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["tasks"].as_array().unwrap())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for task in plan.tasks() {
        assert!(words.contains(task.id.as_str()), "{} not in md", task.id);
        assert!(
            in_json.contains(task.id.as_str()),
            "{} not in json",
            task.id
        );
    }
    assert!(plan.task(&format!("SITE-UPG-{}", code(n - 1))).is_some());
}

#[test]
fn a_payload_in_a_server_name_stays_data_in_task_ids() {
    let bytes = std::fs::read(dir().join("cases/payload_server_name.toml")).unwrap();
    let env = input::load_bytes("payload_server_name.toml", &bytes).unwrap();
    let plan = plan::build(&env, &options()).unwrap();
    let ids: Vec<&str> = plan
        .tasks()
        .filter(|t| t.server.as_deref() == Some("=1+1|<b>x</b>"))
        .map(|t| t.id.as_str())
        .collect();
    assert!(!ids.is_empty(), "no task for the server");
    let files = render_all("payload_server_name.toml", &plan);
    let md = view(std::str::from_utf8(&files[&Format::Md]).unwrap());
    assert!(md.html.is_empty(), "{:?}", md.html);
    for id in &ids {
        assert!(
            md.text.contains(id),
            "{id} not shown literally in the Markdown"
        );
    }
    if let Some(xlsx) = files.get(&Format::Xlsx) {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.clone())).unwrap();
        let range = book.worksheet_range("Checklist").unwrap();
        for id in &ids {
            let cell = range
                .used_cells()
                .find(|c| matches!(c.2, Data::String(s) if s == id));
            assert!(
                matches!(cell, Some((_, _, Data::String(_)))),
                "{id}: not a string cell in the checklist"
            );
        }
        let formulas = book.worksheet_formula("Checklist").unwrap();
        assert!(formulas.used_cells().all(|c| !c.2.contains("<b>")));
    }
}

#[test]
fn cycles_of_1_2_and_50_sites_are_one_located_e017_each() {
    // 1: the central site names itself (the cycle also explains why there is no central site:
    // one diagnostic, at the parent).
    let own = base().replacen(
        "type = \"primary\"",
        "type = \"primary\"\nparent = \"CEN\"",
        1,
    );
    let err = input::load_bytes("c1.toml", own.as_bytes()).unwrap_err();
    assert_eq!(
        err.locations(),
        [("E017".to_string(), 25, 10)],
        "{}",
        err.render(false)
    );
    assert!(err.diagnostics[0]
        .message
        .contains("site CEN is its own parent"));
    for len in [2, 50] {
        let text = with_secondaries(len + 10, len);
        let err = input::load_bytes("cycle.toml", text.as_bytes()).unwrap_err();
        assert_eq!(err.codes(), ["E017"], "{}", err.render(false));
        let message = &err.diagnostics[0].message;
        assert!(
            message.contains(&format!("the parents of {len} sites form a cycle")),
            "{message}"
        );
        // The cycle is named starting from its first site in the file.
        assert!(
            message.contains(&format!("{} → {}", code(0), code(1))),
            "{message}"
        );
    }
}

#[test]
fn a_ten_megabyte_name_is_a_located_e036_and_nothing_else() {
    let long = "A|<b>".repeat(2 * 1024 * 1024); // 10 MiB of hostile text
    let text = base().replacen("name = \"Branch\"", &format!("name = \"{long}\""), 1);
    let err = input::load_bytes("long.toml", text.as_bytes()).unwrap_err();
    // Line 36 of base.toml: `name = "Branch"`.
    assert_eq!(err.locations(), [("E036".to_string(), 36, 8)]);
    assert!(err.diagnostics[0]
        .message
        .contains("10485760 characters long"));
    let report = err.render(false);
    assert!(
        report.len() < 10_000,
        "the report is {} bytes",
        report.len()
    );
}

#[test]
fn a_name_at_the_limit_comes_out_whole_and_escaped_in_markdown() {
    let long = "A|<b>".repeat(input::NAME_LIMIT / 5) + "A";
    assert_eq!(long.chars().count(), input::NAME_LIMIT);
    let text = base().replacen("name = \"Branch\"", &format!("name = \"{long}\""), 1);
    let env = input::load_bytes("long.toml", text.as_bytes()).unwrap();
    let plan = plan::build(&env, &options()).unwrap();
    let md = render::render(Format::Md, &plan, &RenderContext::default()).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains(&render::markdown::escape(&long)));
    let v = view(&md);
    assert!(v.text.contains(&long), "the name is not shown literally");
    assert!(
        v.html.is_empty(),
        "markup from the name: {:?}",
        &v.html[..1]
    );
    let json = render::render(Format::Json, &plan, &RenderContext::default()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["sites"][1]["name"].as_str().unwrap(), long);
}

#[test]
fn a_ten_megabyte_syntax_error_is_located() {
    // An unterminated 10 MB string: one E001 on the line it opens.
    let text = base().replacen(
        "name = \"Branch\"",
        &format!("name = \"{}", "x".repeat(10 * 1024 * 1024)),
        1,
    );
    let err = input::load_bytes("long.toml", text.as_bytes()).unwrap_err();
    let (code, line, _) = &err.locations()[0];
    // Line 36 of base.toml: `name = "Branch"`.
    assert_eq!((code.as_str(), *line), ("E001", 36));
    // The report (rendering it used to panic inside miette) gives the place without drawing
    // the 10 MB line.
    let report = err.render(false);
    assert!(
        report.len() < 10_000,
        "the report is {} bytes",
        report.len()
    );
    assert!(report.contains("E001: TOML syntax error"), "{report}");
    assert!(report.contains("(long.toml:36:"), "{report}");
}

/// A formula without its string literals (`"…"`, a quote inside doubled).
fn formula_code(formula: &str) -> String {
    let mut code = String::new();
    let mut in_string = false;
    let mut chars = formula.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (false, '"') => in_string = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (true, '"') => {
                in_string = false;
                code.push_str("\"\"");
            }
            (false, c) => code.push(c),
            (true, _) => {}
        }
    }
    code
}
