//! The PDF of the real plan for examples/contoso.toml (engine + Markdown templates + typesetting),
//! read back in-process as a change board member would check it.

mod pdf_read;

use std::path::Path;

use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::{pdf, RenderContext};
use cmplan::templates::Templates;

fn contoso() -> Plan {
    let env = cmplan::input::load(Path::new("examples/contoso.toml")).expect("contoso is valid");
    plan::build(
        &env,
        &PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: Templates::embedded(),
        },
    )
    .expect("contoso plans")
}

#[test]
fn the_contoso_pdf_has_every_task_the_contents_and_page_numbers() {
    let plan = contoso();
    let ctx = RenderContext::default();
    let bytes = pdf::render(&plan, &ctx).unwrap();
    assert_eq!(
        bytes,
        pdf::render(&plan, &ctx).unwrap(),
        "same plan, same bytes"
    );

    let texts = pdf_read::Pdf::parse(&bytes).texts();
    let pages: Vec<&str> = texts.iter().map(String::as_str).collect();
    let n = pages.len();
    assert!(n > 10, "{n} pages");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {n}", i + 1)),
            "page {}",
            i + 1
        );
        if let Some(r) = &plan.change_reference {
            assert!(
                page.contains(r.as_str()),
                "page {} lacks the change reference",
                i + 1
            );
        }
    }

    // Every task ID, in execution order (an ID may wrap at a hyphen: compare without spaces).
    let flat: String = pages[2..].concat().split_whitespace().collect();
    let mut from = 0;
    for task in plan.tasks() {
        let at = flat[from..]
            .find(&task.id)
            .unwrap_or_else(|| panic!("task {} missing or out of order", task.id));
        from += at + task.id.len();
    }

    // The contents: each phase with the page its heading is on.
    let toc = pages[1];
    for (number, phase) in plan.phases.iter().enumerate() {
        let title = format!("Phase {}: {}", number + 1, phase.title);
        // A long title may wrap onto a second contents line: its page number ends the entry.
        let start = toc
            .find(&title[..title.len().min(30)])
            .unwrap_or_else(|| panic!("{title:?} not in the contents:\n{toc}"));
        let page: usize = toc[start..]
            .lines()
            .find_map(|l| l.split_whitespace().last()?.parse().ok())
            .unwrap();
        let heading_start: String = title
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            pages[page - 1].contains(&heading_start),
            "contents put {title:?} on page {page}"
        );
    }
}

#[test]
fn generate_writes_the_pdf_on_letter_paper_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("cmplan")
        .unwrap()
        .args([
            "generate",
            "examples/contoso.toml",
            "-f",
            "pdf",
            "--date",
            "2027-03-01",
            "--paper",
            "letter",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let pdf = dir.path().join("contoso.pdf");
    let pdf = pdf_read::Pdf::parse(&std::fs::read(pdf).unwrap());
    assert_eq!(pdf.page_size(0), (612.0, 792.0));
    let title = pdf.info("Title").unwrap_or_default();
    assert!(title.starts_with("Contoso"), "{title}");
}
