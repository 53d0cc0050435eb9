//! End to end: typeset a plan-shaped Markdown document and read the PDF back with poppler's
//! `pdftotext` / `pdfinfo` / `pdffonts` (poppler-utils is a test prerequisite; `qpdf` too when
//! installed). What a reader checks: every task ID is printed, the contents list each section
//! with its page number, pages say "Page X of N", fonts are embedded, same input → same bytes.

mod pdf_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use cmplan::render::pdf::render_markdown;
use cmplan::render::Paper;
use pdf_common::{cover, sample_markdown, task_ids};

fn write_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cmplan-pdf-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{name} is a test prerequisite (poppler-utils / qpdf): {e}"));
    assert!(
        out.status.success(),
        "{name} failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

#[test]
fn the_printed_plan_reads_back() {
    let bytes = render_markdown(&cover(), &sample_markdown(), Paper::A4).unwrap();
    let pdf = write_pdf("sample-a4.pdf", &bytes);

    let info = tool("pdfinfo", &[], &pdf);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo reports the page count");
    assert!(pages >= 8, "{info}");
    assert!(
        info.contains("Title:           Contoso SMS 2003 to ConfigMgr 2007 upgrade"),
        "{info}"
    );
    assert!(
        info.contains("Author:          J. Smith, Infrastructure"),
        "{info}"
    );
    assert!(info.contains("Subject:         Upgrade plan: SMS 2003 to Configuration Manager 2007 SP2, change CHG-2027-0142"), "{info}");
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );

    let text = tool("pdftotext", &["-layout"], &pdf);
    let page_texts: Vec<&str> = text.split('\u{c}').collect();
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

    let fonts = tool("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 3, "{fonts}");
    for row in rows {
        assert!(row.contains("DejaVu"), "{row}");
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni ...: "emb" must be yes.
        assert!(
            cols.iter().rev().nth(4) == Some(&"yes"),
            "font not embedded: {row}"
        );
    }

    if have("qpdf") {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );

        // The outline: sections in document order, their sub-sections nested under them,
        // each jumping to the page its heading is on.
        let out = Command::new("qpdf")
            .args(["--json", "--json-key=outlines"])
            .arg(&pdf)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let outlines = json["outlines"].as_array().unwrap();
        let titles: Vec<&str> = outlines
            .iter()
            .map(|o| o["title"].as_str().unwrap())
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
        let kids: Vec<&str> = outlines[3]["kids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["title"].as_str().unwrap())
            .collect();
        assert_eq!(kids, ["Blockers", "Warnings"]);
        for o in outlines.iter().skip(1) {
            let title = o["title"].as_str().unwrap();
            let page = o["destpageposfrom1"].as_u64().unwrap() as usize;
            assert!(
                page_texts[page - 1].lines().any(|l| l.trim() == title),
                "bookmark {title:?} points at page {page}"
            );
        }
    }
}

#[test]
fn same_input_same_bytes_and_letter_paper() {
    let md = sample_markdown();
    let a = render_markdown(&cover(), &md, Paper::A4).unwrap();
    let b = render_markdown(&cover(), &md, Paper::A4).unwrap();
    assert!(a == b, "two renders of the same input differ");

    let letter = render_markdown(&cover(), &md, Paper::Letter).unwrap();
    let pdf = write_pdf("sample-letter.pdf", &letter);
    let info = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
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
    let pdf = write_pdf("sparse.pdf", &bytes);
    let text = tool("pdftotext", &[], &pdf);
    assert!(text.contains("Page 1 of 3"), "{text}");
    assert!(text.contains("\u{FFFD}\u{FFFD} sites"), "{text}");
    assert!(text.contains("*unclosed"), "{text}");
    let empty = render_markdown(&c, "", Paper::Letter).unwrap();
    let pdf = write_pdf("empty.pdf", &empty);
    assert!(tool("pdftotext", &[], &pdf).contains("Page 2 of 2"));
}
