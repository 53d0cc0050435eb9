//! The contoso PDF as a screen reader and an on-screen reader meet it: a structure tree with a
//! heading for every phase, tables with header cells, task lists as lists, nothing on a page
//! outside the tree but artifacts; task IDs and contents entries that link where they say.
//! Read back in-process (see `pdf_read`).

mod pdf_read;

use std::path::Path;

use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::pdf::{self, PdfStandard};
use cmplan::render::RenderContext;
use cmplan::templates::Templates;
use pdf_read::{Element, Marked, Pdf};

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

fn render(plan: &Plan, standard: PdfStandard) -> Vec<u8> {
    let ctx = RenderContext {
        pdf_standard: standard,
        ..RenderContext::default()
    };
    pdf::render(plan, &ctx).unwrap()
}

fn headings(tree: &Element, role: &str) -> usize {
    tree.count(role)
}

#[test]
fn the_structure_tree_has_the_phases_tables_and_task_lists() {
    let plan = contoso();
    let pdf = Pdf::parse(&render(&plan, PdfStandard::Ua1));
    assert_eq!(pdf.language().as_deref(), Some("en"));
    let tree = pdf.structure().expect("the PDF is tagged");

    // One H1 per phase, titled as the phase.
    let h1: Vec<&Element> = tree.walk().into_iter().filter(|e| e.role == "H1").collect();
    assert!(h1.len() >= plan.phases.len() + 3, "{} H1", h1.len());
    assert!(headings(&tree, "H2") > 0);

    // Every table has header cells: a header row (the plan's tables) or a header column (the
    // cover's details).
    let tables: Vec<&Element> = tree
        .walk()
        .into_iter()
        .filter(|e| e.role == "Table")
        .collect();
    assert!(tables.len() >= 5, "{} tables", tables.len());
    for t in &tables {
        let rows: Vec<&Element> = t.kids.iter().filter(|k| k.role == "TR").collect();
        assert!(!rows.is_empty());
        let first: Vec<&str> = rows[0].kids.iter().map(|c| c.role.as_str()).collect();
        let header_row = first.iter().all(|r| *r == "TH");
        let header_column = rows
            .iter()
            .all(|r| r.kids.first().is_some_and(|c| c.role == "TH"));
        assert!(header_row || header_column, "first row: {first:?}");
        if header_row {
            for r in &rows[1..] {
                assert!(
                    r.kids.iter().all(|c| c.role == "TD"),
                    "a body row with a TH"
                );
            }
        }
    }
    // Task lists: L > LI > (Lbl, LBody), one LI per task at least.
    let items = tree.count("LI");
    assert!(items >= plan.tasks().count(), "{items} LI");
    assert!(tree.count("L") > 0 && tree.count("Lbl") > 0 && tree.count("LBody") >= items);

    // No text outside the tree: every run is an artifact or tagged content that the tree claims.
    let claimed: std::collections::HashSet<(usize, i64)> = tree
        .walk()
        .iter()
        .flat_map(|e| e.mcids.iter().copied())
        .collect();
    for page in 0..pdf.page_count() {
        for run in pdf.runs(page) {
            match run.marked {
                Marked::Artifact => {}
                Marked::Mcid(m) => assert!(
                    claimed.contains(&(page, m)),
                    "page {}: {:?} is tagged but not in the tree",
                    page + 1,
                    run.text
                ),
                Marked::None => panic!("page {}: {:?} is not tagged", page + 1, run.text),
            }
        }
    }
}

/// The text drawn inside a rectangle of a page.
fn text_in(pdf: &Pdf, page: usize, rect: [f32; 4]) -> String {
    pdf.runs(page)
        .iter()
        .filter(|r| r.x >= rect[0] - 0.5 && r.end <= rect[2] + 0.5)
        .filter(|r| r.y >= rect[1] - 0.5 && r.y <= rect[3] + 0.5)
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn task_ids_and_contents_entries_link_to_where_they_are_printed() {
    let plan = contoso();
    let pdf = Pdf::parse(&render(&plan, PdfStandard::Ua1));
    let texts = pdf.texts();
    let ids: std::collections::HashSet<&str> = plan.tasks().map(|t| t.id.as_str()).collect();

    // Where each task's entry is: the page whose line starts with its ID (after the contents).
    let entry_page = |id: &str| {
        texts
            .iter()
            .position(|t| t.lines().any(|l| l.starts_with(&format!("{id} "))))
    };

    let mut task_links = 0;
    for page in 0..pdf.page_count() {
        for link in pdf.links(page) {
            assert!(
                link.has_alt,
                "a link without a description on page {}",
                page + 1
            );
            let shown = text_in(&pdf, page, link.rect);
            if ids.contains(shown.as_str()) {
                task_links += 1;
                let want = entry_page(&shown).expect("the task's entry is printed");
                assert_eq!(
                    link.page,
                    Some(want),
                    "{shown} on page {} links to page {:?}, its entry is on page {}",
                    page + 1,
                    link.page.map(|p| p + 1),
                    want + 1
                );
            }
        }
    }
    // Every "After:" reference is a link (an ID wrapped across two lines is the exception).
    let references: usize = plan.tasks().map(|t| t.depends_on.len()).sum();
    assert!(
        task_links * 10 >= references * 9,
        "{task_links} task links for {references} After: references"
    );

    // The contents: each entry links to the page its heading is on.
    let toc = pdf.links(1);
    assert!(
        toc.len() >= plan.phases.len(),
        "{} contents links",
        toc.len()
    );
    for link in toc {
        let entry = text_in(&pdf, 1, link.rect);
        let title: String = entry
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '.')
            .to_string();
        let target = link.page.expect("an internal destination");
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat(&texts[target]).contains(&flat(&title)),
            "contents entry {title:?} links to page {}",
            target + 1
        );
    }
}

#[test]
fn every_standard_is_met_or_refused_and_none_is_untagged() {
    let plan = contoso();
    for standard in [PdfStandard::A2b, PdfStandard::A2a] {
        let pdf = Pdf::parse(&render(&plan, standard));
        assert!(pdf.structure().is_some(), "{standard:?} is tagged");
        assert!(pdf.catalog().has(b"Metadata"), "{standard:?} has XMP");
    }
    let untagged = render(&plan, PdfStandard::None);
    let pdf = Pdf::parse(&untagged);
    assert!(pdf.structure().is_none());
    assert!(!pdf.outline().is_empty());
    assert!(untagged.len() < render(&plan, PdfStandard::Ua1).len());
}
