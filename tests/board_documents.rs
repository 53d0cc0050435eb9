//! What a change board signs, in every format (Markdown, HTML, JSON, PDF, workbook): no
//! "UNCONFIRMED", no "recalled", no internal rule number (`R2.9`), and every `[Sn]` citation
//! resolves to a References entry with a URL. The PDF is read back with lopdf, the workbook with
//! calamine, as their readers' tools would.

mod common;
mod pdf_read;

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use cmplan::plan::Plan;
use cmplan::render::{render, Format, RenderContext};

const EXAMPLES: [&str; 2] = ["examples/contoso.toml", "examples/fabrikam.toml"];

fn load(path: &str) -> Plan {
    let env = cmplan::input::load(std::path::Path::new(path)).expect("valid example");
    common::build(&env)
}

fn bytes(format: Format, plan: &Plan) -> Vec<u8> {
    render(format, plan, &RenderContext::default()).unwrap()
}

/// Every cell of every visible sheet as text, with the sheet and cell named.
fn workbook_cells(plan: &Plan) -> Vec<(String, String)> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes(Format::Xlsx, plan))).unwrap();
    let mut out = Vec::new();
    // The hidden sheet carries the plan as JSON for regeneration: machine data, not read.
    for name in wb.sheet_names().to_owned() {
        if name == "cmplan-plan" {
            continue;
        }
        let range = wb.worksheet_range(&name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let text = match cell {
                    Data::String(s) => s.clone(),
                    Data::Empty => continue,
                    other => other.to_string(),
                };
                out.push((format!("{name}!R{}C{}", r + 1, c + 1), text));
            }
        }
    }
    out
}

/// The documents of `plan` as text: (format, text).
fn documents(plan: &Plan) -> Vec<(&'static str, String)> {
    let text = |f| String::from_utf8(bytes(f, plan)).unwrap();
    // The JSON keeps each finding's `rule` field for scripts; the text must not carry one.
    let mut json: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
    for f in json["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("rule");
    }
    let pdf = pdf_read::Pdf::parse(&bytes(Format::Pdf, plan))
        .texts()
        .join("\n");
    let xlsx: Vec<String> = workbook_cells(plan)
        .into_iter()
        .map(|(at, t)| format!("{at}: {t}"))
        .collect();
    vec![
        ("md", text(Format::Md)),
        ("html", text(Format::Html)),
        ("json", json.to_string()),
        ("pdf", pdf),
        ("xlsx", xlsx.join("\n")),
    ]
}

fn near(text: &str, k: usize) -> &str {
    let mut a = k.saturating_sub(60);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (k + 40).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    &text[a..b]
}

#[test]
fn no_document_carries_internal_markers() {
    for path in EXAMPLES {
        let plan = load(path);
        for (format, text) in documents(&plan) {
            assert!(
                !text.contains("UNCONFIRMED"),
                "{path} {format}: UNCONFIRMED"
            );
            let lower = text.to_lowercase();
            if let Some(k) = lower.find("recalled") {
                panic!("{path} {format}: recalled in {:?}", near(&text, k));
            }
            let bytes = text.as_bytes();
            for (k, w) in bytes.windows(3).enumerate() {
                let rule = w[0] == b'R' && w[1].is_ascii_digit() && w[2] == b'.';
                let standalone = k == 0 || !bytes[k - 1].is_ascii_alphanumeric();
                assert!(
                    !(rule && standalone),
                    "{path} {format}: rule number in {:?}",
                    near(&text, k)
                );
            }
        }
    }
}

/// The source ids cited as `[Sn]` (Markdown escapes the bracket), a range `[S5–S7]` citing both
/// ends and what lies between.
fn citations(text: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("[S") {
        let after = &rest[i + 2..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        rest = &after[digits.len()..];
        let Ok(first) = digits.parse::<u32>() else {
            continue;
        };
        out.insert(first);
        if let Some(tail) = rest.strip_prefix("–S").or_else(|| rest.strip_prefix("-S")) {
            let last: String = tail.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(last) = last.parse::<u32>() {
                out.extend(first..=last);
            }
        }
    }
    out
}

#[test]
fn every_citation_resolves_to_a_reference_with_a_url() {
    for path in EXAMPLES {
        let plan = load(path);
        let url_of = |n: u32| {
            plan.references
                .iter()
                .find(|r| r.id == format!("S{n}"))
                .map(|r| r.url.clone())
        };
        for (format, text) in documents(&plan) {
            // The References section is the last one of that name (a table of contents may
            // name it first); its own text cites nothing.
            let split = match format {
                "md" => text.rfind("\n# References\n"),
                "html" => text.rfind(">References</h1>"),
                "pdf" => text.rfind("\nReferences\n"),
                _ => None,
            };
            let (body, refs) = match split {
                Some(k) => (&text[..k], &text[k..]),
                None => (text.as_str(), ""),
            };
            let cited = citations(body);
            assert!(!cited.is_empty(), "{path} {format}: no citation found");
            for n in cited {
                let url = url_of(n)
                    .unwrap_or_else(|| panic!("{path} {format}: S{n} is not in References"));
                assert!(url.starts_with("http"), "{path}: S{n} has no URL");
                match format {
                    "md" => assert!(
                        refs.contains(&format!("- **S{n}** "))
                            && refs.contains(&format!("<{url}>")),
                        "{path} md: S{n} with its URL is not under References"
                    ),
                    "html" => assert!(
                        refs.contains(&format!("<strong>S{n}</strong>"))
                            && refs.contains(&format!("href=\"{url}\"")),
                        "{path} html: S{n} with its link is not under References"
                    ),
                    // The PDF wraps long URLs: the entry must be there, its link is checked in
                    // the other formats from the same References list.
                    "pdf" => assert!(
                        refs.lines().any(|l| l.contains(&format!("S{n} "))),
                        "{path} pdf: S{n} is not under References"
                    ),
                    // JSON and workbook: the plan's references list (JSON `references`).
                    _ => {}
                }
            }
        }
    }
}
