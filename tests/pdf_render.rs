//! End to end: typeset a plan-shaped Markdown document and read the PDF back in-process (the
//! `pdf_read` helper on lopdf). What a reader checks: every task ID is printed, the contents list
//! each section with its page number, pages say "Page X of N", fonts are embedded and subset,
//! the outline nests, same input → same bytes. `.ci/run` repeats this with poppler and qpdf.

mod pdf_common;
mod pdf_read;

use cmplan::render::pdf::render_markdown;
use cmplan::render::Paper;
use pdf_common::{cover, sample_markdown, task_ids};
use pdf_read::Pdf;

#[test]
fn the_printed_plan_reads_back() {
    let bytes = render_markdown(&cover(), &sample_markdown(), Paper::A4).unwrap();
    let pdf = Pdf::parse(&bytes);

    let pages = pdf.page_count();
    assert!(pages >= 8, "{pages} pages");
    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Contoso SMS 2003 to ConfigMgr 2007 upgrade")
    );
    assert_eq!(
        pdf.info("Author").as_deref(),
        Some("J. Smith, Infrastructure")
    );
    assert_eq!(
        pdf.info("Subject").as_deref(),
        Some("Upgrade plan: SMS 2003 to Configuration Manager 2007 SP2, change CHG-2027-0142")
    );
    let (w, h) = pdf.page_size(0);
    assert!(
        (w - 595.276).abs() < 0.01 && (h - 841.89).abs() < 0.01,
        "{w} x {h}"
    );

    let texts = pdf.texts();
    let page_texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    for (i, page) in page_texts.iter().take(pages).enumerate() {
        let footer = format!("Page {} of {pages}", i + 1);
        assert!(
            page.contains(&footer),
            "page {} lacks {footer:?}:\n{page}",
            i + 1
        );
        assert!(page.contains("Change CHG-2027-0142"), "page {}", i + 1);
    }

    // Every task ID, in plan order (IDs may wrap inside their narrow cell: compare without
    // the line breaks `pdftotext` puts in).
    let body: String = page_texts[2..].concat();
    let flat: String = body.split_whitespace().collect();
    let mut from = 0;
    for id in task_ids() {
        let at = flat[from..]
            .find(&id)
            .unwrap_or_else(|| panic!("task {id} missing (or out of order) in the PDF text"));
        from += at + id.len();
    }

    // The contents list sections and phases with the page each one starts on.
    let toc = page_texts[1];
    assert!(toc.contains("Contents"), "{toc}");
    for title in [
        "Hierarchy",
        "Disk estimates",
        "Findings",
        "Blockers",
        "Phase 1: Prepare the hierarchy",
        "Phase 4: Upgrade the clients",
        "Final approval",
    ] {
        let line = toc
            .lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap_or_else(|| panic!("contents lack {title:?}:\n{toc}"));
        let number: usize = line
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no page number on {line:?}"));
        let page = page_texts[number - 1];
        assert!(
            page.lines().any(|l| l.trim() == title),
            "contents say {title:?} is on page {number}, but it is not there:\n{page}"
        );
    }
    // The cover replaces the Markdown's own title block.
    assert!(page_texts[0].contains("Prepared by"));
    assert!(page_texts[0].contains("9f86d081884c7d659a2feaa0c55ad015"));
    // Characters no font has are replaced visibly, not dropped.
    assert!(body.contains('\u{FFFD}'), "CJK text should show U+FFFD");

    let fonts = pdf.fonts();
    assert!(fonts.len() >= 3, "{fonts:?}");
    for f in &fonts {
        assert!(f.base_font.contains("DejaVu"), "{f:?}");
        assert!(f.embedded, "font not embedded: {f:?}");
        assert!(f.subset, "font not subset: {f:?}");
        assert!(f.to_unicode, "font without a ToUnicode map: {f:?}");
    }

    // The outline: sections in document order, their sub-sections nested under them, each
    // jumping to the page its heading is on.
    let outline = pdf.outline();
    let titles: Vec<&str> = outline
        .iter()
        .filter(|o| o.level == 1)
        .map(|o| o.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Contents",
            "Hierarchy",
            "Disk estimates",
            "Findings",
            "Phase 1: Prepare the hierarchy",
            "Phase 2: Upgrade the central site",
            "Phase 3: Upgrade the child sites",
            "Phase 4: Upgrade the clients",
            "Final approval"
        ]
    );
    let findings = outline.iter().position(|o| o.title == "Findings").unwrap();
    let kids: Vec<&str> = outline[findings + 1..]
        .iter()
        .take_while(|o| o.level > 1)
        .map(|o| o.title.as_str())
        .collect();
    assert_eq!(kids, ["Blockers", "Warnings"]);
    for o in outline.iter().skip(1) {
        let page = o.page.expect("every bookmark has a destination page");
        assert!(
            page_texts[page].lines().any(|l| l.trim() == o.title),
            "bookmark {:?} points at page {}",
            o.title,
            page + 1
        );
    }
}

#[test]
fn same_input_same_bytes_and_letter_paper() {
    let md = sample_markdown();
    let a = render_markdown(&cover(), &md, Paper::A4).unwrap();
    let b = render_markdown(&cover(), &md, Paper::A4).unwrap();
    assert!(a == b, "two renders of the same input differ");

    let letter = render_markdown(&cover(), &md, Paper::Letter).unwrap();
    assert_eq!(Pdf::parse(&letter).page_size(0), (612.0, 792.0));
    let mut other = cover();
    other.date = "2027-03-02".to_string();
    assert_ne!(render_markdown(&other, &md, Paper::A4).unwrap(), a);
}

#[test]
fn sparse_and_hostile_plans_still_typeset() {
    let mut c = cover();
    c.title = format!("Upgrade {}", "X".repeat(300));
    c.organisation = None;
    c.change_reference = None;
    c.prepared_by = None;
    // Nothing but a section with an unclosed emphasis, raw HTML and a CJK heading.
    let md = "# 東京 sites\n\n*unclosed <script>alert(1)</script> | a | b\n";
    let bytes = render_markdown(&c, md, Paper::A4).unwrap();
    let text = Pdf::parse(&bytes).texts().join("\u{c}");
    assert!(text.contains("Page 1 of 3"), "{text}");
    assert!(text.contains("\u{FFFD}\u{FFFD} sites"), "{text}");
    assert!(text.contains("*unclosed"), "{text}");
    let empty = render_markdown(&c, "", Paper::Letter).unwrap();
    let empty = Pdf::parse(&empty);
    assert_eq!(empty.page_count(), 2);
    assert!(empty.page_text(1).contains("Page 2 of 2"));
}
