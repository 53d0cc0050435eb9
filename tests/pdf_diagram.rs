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

/// The text items of a page drawn at one baseline.
fn on_baseline_of<'a>(page: &'a Page, text: &str) -> Vec<&'a str> {
    let baseline = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text {
                text: t, baseline, ..
            } if t == text => Some(*baseline),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{text} not drawn"));
    page.items
        .iter()
        .filter_map(|i| match i {
            Item::Text {
                text, baseline: b, ..
            } if (*b - baseline).abs() < 0.01 => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn contoso_diagram_page_draws_every_site_with_its_wave() {
    let plan = contoso();
    for paper in [Paper::A4, Paper::Letter] {
        let g = Geometry::for_paper(paper);
        let appendix = diagram::pages(&plan, g).expect("a diagram page");
        assert_eq!(appendix.anchor.title, "Hierarchy diagram");
        assert_eq!(appendix.pages.len(), 1, "contoso fits one page");
        let page = &appendix.pages[0];
        let text = page.text();
        for s in &plan.sites {
            let wave = format!("wave {}", s.wave.unwrap());
            assert!(
                on_baseline_of(page, &s.code).contains(&wave.as_str()),
                "{} {wave}",
                s.code
            );
            assert!(text.contains(&s.name), "{} missing", s.name);
        }
        assert!(text.contains("5 blockers"), "LON's blockers");
        // One box per site plus one panel per primary with secondaries (CEN has none here).
        assert_eq!(assert_inside(page, g), plan.sites.len() + 2);
        // Each box links to its site's entry.
        assert_eq!(page.links.len(), plan.sites.len());
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
    let appendix = diagram::pages(&nyc, g).unwrap();
    let page = &appendix.pages[0];
    for code in ["NYC", "BOS", "PHL"] {
        assert!(on_baseline_of(page, code).contains(&"wave 3"), "{code}");
    }
    let drawn: Vec<&str> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    for code in ["CEN", "LON", "PAR", "MAN"] {
        assert!(!drawn.contains(&code), "{code} drawn");
    }
    // The wave document's PDF has no diagram page.
    let wave = views::for_wave(&plan, 3).unwrap();
    let text = pdf_text(&wave);
    assert!(text.contains("SITE-UPG-NYC"));
    assert!(!text.contains("Hierarchy diagram"));
}

/// The PDF's pages of the hierarchy diagram: those after the last body page whose running
/// header names the diagram.
fn diagram_pages(pdf: &pdf_read::Pdf) -> Vec<usize> {
    (0..pdf.page_count())
        .filter(|&p| {
            pdf.page_text(p)
                .lines()
                .next()
                .is_some_and(|l| l.starts_with("Hierarchy diagram ·"))
        })
        .collect()
}

#[test]
fn six_hundred_sites_are_tiled_with_no_text_under_6_pt_and_each_box_links_to_its_site() {
    let plan = build("synth.toml", &cmplan::synth::generate(600, 4));
    let bytes = pdf::render(&plan, &RenderContext::default()).unwrap();
    let pdf = pdf_read::Pdf::parse(&bytes);
    let pages = diagram_pages(&pdf);
    assert!(pages.len() > 1, "tiled over several pages: {pages:?}");
    assert_eq!(*pages.last().unwrap(), pdf.page_count() - 1, "at the end");
    let mut linked: std::collections::BTreeMap<String, usize> = Default::default();
    for &p in &pages {
        let runs = pdf.runs(p);
        for r in &runs {
            assert!(
                r.size >= 6.0 - 1e-3,
                "page {}: {:?} at {} pt",
                p + 1,
                r.text,
                r.size
            );
        }
        for link in pdf.links(p) {
            let target = link.page.expect("an internal destination");
            assert!(link.has_alt);
            // The link covers a box whose code is the run drawn in its top-left corner.
            let code = runs
                .iter()
                .filter(|r| {
                    r.x >= link.rect[0] - 0.5
                        && r.end <= link.rect[2] + 0.5
                        && r.y >= link.rect[1]
                        && r.y <= link.rect[1] + 14.0
                })
                .min_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)))
                .map(|r| r.text.clone())
                .expect("a code in the box");
            let site = plan
                .sites
                .iter()
                .find(|s| s.code == code)
                .unwrap_or_else(|| panic!("{code} is not a site"));
            // The destination is the page listing the site in the Hierarchy section.
            let entry = format!("{} {}:", site.code, site.name);
            assert!(
                pdf.page_text(target).contains(&entry),
                "{code} links to page {}, which does not list it",
                target + 1
            );
            linked.insert(code, target);
        }
    }
    for s in &plan.sites {
        assert!(
            linked.contains_key(&s.code),
            "{} has no box with a link",
            s.code
        );
    }
}

#[test]
fn a_small_hierarchy_stays_on_one_page_and_a_large_one_is_not_drawn_unlabelled() {
    let g = Geometry::for_paper(Paper::A4);
    let small = diagram::pages(&contoso(), g).unwrap();
    assert_eq!(small.pages.len(), 1);
    let large = build("synth.toml", &cmplan::synth::generate(600, 4));
    let appendix = diagram::pages(&large, g).unwrap();
    let text: String = appendix.pages.iter().map(|p| p.text()).collect();
    for s in &large.sites {
        assert!(text.contains(&s.name), "{}'s label missing", s.code);
    }
    for page in &appendix.pages {
        assert_inside(page, g);
        for item in &page.items {
            if let Item::Text { size, .. } = item {
                assert!(*size >= 6.0, "a {size} pt label");
            }
        }
    }
}
