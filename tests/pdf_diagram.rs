//! The hierarchy diagram page at the end of the PDF (issue 10): every site drawn inside the page,
//! listed in the contents and outline; labels while they can be read; a site checklist shows its
//! own subtree.

mod pdf_read;

use std::path::Path;

use cmplan::plan::{self, views, Plan, PlanOptions};
use cmplan::render::pdf::diagram;
use cmplan::render::pdf::layout::{Geometry, Item, Page};
use cmplan::render::{pdf, Paper, RenderContext};
use cmplan::templates::Templates;

fn build(name: &str, text: &str) -> Plan {
    let env = cmplan::input::load_bytes(name, text.as_bytes()).expect("valid description");
    plan::build(
        &env,
        &PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: Templates::embedded(),
        },
    )
    .expect("plan")
}

fn contoso() -> Plan {
    build(
        "contoso.toml",
        &std::fs::read_to_string(Path::new("examples/contoso.toml")).unwrap(),
    )
}

/// Every box (fill) lies inside the content area, below the heading.
fn assert_inside(page: &Page, g: Geometry) -> usize {
    let mut fills = 0;
    for item in &page.items {
        if let Item::Fill { x, y, w, h, .. } = item {
            fills += 1;
            assert!(*x >= g.left - 0.01, "left {x}");
            assert!(x + w <= g.width - g.right + 0.01, "right {}", x + w);
            assert!(*y >= g.top, "top {y}");
            assert!(y + h <= g.content_bottom() + 0.01, "bottom {}", y + h);
        }
    }
    fills
}

#[test]
fn contoso_diagram_page_draws_every_site_with_its_wave() {
    let plan = contoso();
    for paper in [Paper::A4, Paper::Letter] {
        let g = Geometry::for_paper(paper);
        let (anchor, page) = diagram::page(&plan, g).expect("a diagram page");
        assert_eq!(anchor.title, "Hierarchy diagram");
        let text = page.text();
        for s in &plan.sites {
            let label = format!("{}  wave {}", s.code, s.wave.unwrap());
            assert!(text.contains(&label), "{label} missing");
            assert!(text.contains(&s.name), "{} missing", s.name);
        }
        assert!(text.contains("5 blockers"), "LON's blockers");
        // One box per site plus one panel per primary with secondaries (CEN has none here).
        assert_eq!(assert_inside(&page, g), plan.sites.len() + 2);
    }
}

/// The PDF's text, read back in-process, pages separated by form feeds.
fn pdf_text(plan: &Plan) -> String {
    let bytes = pdf::render(plan, &RenderContext::default()).unwrap();
    pdf_read::Pdf::parse(&bytes).texts().join("\u{c}")
}

#[test]
fn the_pdf_ends_with_the_diagram_listed_in_the_contents() {
    let text = pdf_text(&contoso());
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let last = pages.last().unwrap();
    assert!(last.contains("Hierarchy diagram"));
    let cen = last.lines().find(|l| l.contains("CEN")).expect("CEN drawn");
    assert!(cen.contains("wave 1"), "{cen}");
    assert!(last.contains("Contoso Central"));
    assert!(last.contains(&format!("Page {} of {}", pages.len(), pages.len())));
    // The contents (page 2) point at it.
    let toc_line = pages[1]
        .lines()
        .find(|l| l.contains("Hierarchy diagram"))
        .expect("in the contents");
    assert!(toc_line.trim_end().ends_with(&pages.len().to_string()));
}

#[test]
fn a_site_checklist_draws_its_subtree_and_a_wave_document_none() {
    let plan = contoso();
    let g = Geometry::for_paper(Paper::A4);
    let nyc = views::for_site(&plan, "NYC").unwrap();
    let (_, page) = diagram::page(&nyc, g).unwrap();
    let text = page.text();
    for code in ["NYC", "BOS", "PHL"] {
        assert!(text.contains(&format!("{code}  wave 3")), "{code}");
    }
    for code in ["CEN", "LON", "PAR", "MAN"] {
        assert!(!text.contains(&format!("{code}  wave")), "{code} drawn");
    }
    // The wave document's PDF has no diagram page.
    let wave = views::for_wave(&plan, 3).unwrap();
    let text = pdf_text(&wave);
    assert!(text.contains("SITE-UPG-NYC"));
    assert!(!text.contains("Hierarchy diagram"));
}

#[test]
fn six_hundred_sites_fit_on_the_page_without_unreadable_labels() {
    let plan = build("synth.toml", &cmplan::synth::generate(600, 4));
    let g = Geometry::for_paper(Paper::A4);
    let (_, page) = diagram::page(&plan, g).unwrap();
    assert!(assert_inside(&page, g) >= plan.sites.len());
    // No text under 6 pt: at this size the boxes go unlabelled and the note sends readers to
    // the SVG.
    for item in &page.items {
        if let Item::Text { size, .. } = item {
            assert!(*size >= 6.0, "a {size} pt label");
        }
    }
    assert!(page.text().contains("-hierarchy.svg"));
}
