//! The layout model's pagination rules, checked on the model itself (no PDF bytes): table
//! headers repeat on every page, rows never split, headings are never stranded at a page foot,
//! long tokens wrap inside narrow cells, and the page count is stable.

mod pdf_common;

use cmplan::render::fonts::FontStyle;
use cmplan::render::pdf::document::{compose, CONTENTS};
use cmplan::render::pdf::layout::{
    column_widths, layout, wrap, Geometry, Item, Layout, RowKind, TABLE_SIZE,
};
use cmplan::render::pdf::markdown::{parse, Block, Span};
use cmplan::render::Paper;

fn a4() -> Geometry {
    Geometry::for_paper(Paper::A4)
}

fn table(rows: usize, text: impl Fn(usize) -> String) -> Block {
    Block::Table {
        header: vec![
            vec![Span::regular("ID")],
            vec![Span::regular("Task")],
            vec![Span::regular("Expected result")],
        ],
        rows: (0..rows)
            .map(|i| {
                vec![
                    vec![Span::new(format!("SITE-UPG-S{i:02}"), FontStyle::Mono)],
                    vec![Span::regular(text(i))],
                    vec![Span::regular(
                        "The site reports its new version in the console.",
                    )],
                ]
            })
            .collect(),
        right: vec![false; 3],
    }
}

/// Placements of table `t` on each page, in order.
fn placements(l: &Layout, t: usize) -> Vec<Vec<(RowKind, bool)>> {
    l.pages
        .iter()
        .map(|p| {
            p.rows
                .iter()
                .filter(|r| r.table == t)
                .map(|r| (r.kind, r.partial))
                .collect()
        })
        .collect()
}

#[test]
fn a_long_table_repeats_its_header_on_every_page_and_never_splits_a_row() {
    // Rows of varying height (1 to 6 lines of task text).
    let block = table(150, |i| {
        "Upgrade the site server and check the logs. ".repeat(1 + i % 6)
    });
    let l = layout(&[block], a4());
    assert!(
        l.pages.len() >= 4,
        "expected a multi-page table, got {}",
        l.pages.len()
    );

    let mut seen = Vec::new();
    for (n, page) in placements(&l, 0).iter().enumerate() {
        assert!(!page.is_empty(), "page {n} has no rows");
        assert_eq!(
            page[0].0,
            RowKind::Header,
            "page {n} does not start with the header"
        );
        assert_eq!(
            page.iter().filter(|r| r.0 == RowKind::Header).count(),
            1,
            "page {n}"
        );
        for (kind, partial) in &page[1..] {
            assert!(!partial, "a row shorter than a page was split");
            match kind {
                RowKind::Body(i) => seen.push(*i),
                RowKind::Header => unreachable!(),
            }
        }
    }
    // Every row exactly once, in order, and inside the page's content area.
    assert_eq!(seen, (0..150).collect::<Vec<_>>());
    let g = a4();
    for page in &l.pages {
        for r in &page.rows {
            assert!(
                r.top >= g.top - 0.01 && r.bottom <= g.content_bottom() + 0.01,
                "{r:?}"
            );
        }
    }
}

#[test]
fn only_a_row_taller_than_a_page_splits_and_its_parts_sit_under_repeated_headers() {
    let huge = "Verify every distribution point in the hierarchy. ".repeat(400);
    let block = table(3, |i| {
        if i == 1 {
            huge.clone()
        } else {
            "Short task.".to_string()
        }
    });
    let l = layout(&[block], a4());
    let pages = placements(&l, 0);
    let parts: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.iter().any(|r| r.0 == RowKind::Body(1)))
        .map(|(n, _)| n)
        .collect();
    assert!(
        parts.len() >= 2,
        "the tall row should span pages: {pages:?}"
    );
    for n in parts {
        assert_eq!(pages[n][0].0, RowKind::Header);
        assert!(pages[n].iter().any(|r| r.0 == RowKind::Body(1) && r.1));
    }
    assert!(pages
        .iter()
        .flatten()
        .any(|r| r.0 == RowKind::Body(0) && !r.1));
    assert!(pages
        .iter()
        .flatten()
        .any(|r| r.0 == RowKind::Body(2) && !r.1));
}

#[test]
fn a_heading_is_never_left_alone_at_the_foot_of_a_page() {
    // Push the heading down the page a paragraph at a time, through every position.
    for filler in 0..70 {
        let mut blocks: Vec<Block> = (0..filler)
            .map(|i| Block::Paragraph {
                spans: vec![Span::regular(format!(
                    "Filler paragraph {i} about the hierarchy."
                ))],
                quote: false,
            })
            .collect();
        blocks.push(Block::Heading {
            level: 2,
            spans: vec![Span::regular("Phase 3: Upgrade the child sites")],
        });
        blocks.push(table(4, |_| "Upgrade.".to_string()));
        let l = layout(&blocks, a4());
        let anchor = &l.anchors[0];
        let header_page = l
            .pages
            .iter()
            .position(|p| p.rows.iter().any(|r| r.kind == RowKind::Header))
            .unwrap();
        let first_row_page = l
            .pages
            .iter()
            .position(|p| p.rows.iter().any(|r| r.kind == RowKind::Body(0)))
            .unwrap();
        assert_eq!(
            anchor.page, header_page,
            "filler {filler}: heading separated from its table"
        );
        assert_eq!(
            header_page, first_row_page,
            "filler {filler}: header without a row"
        );
    }
}

#[test]
fn a_200_character_token_wraps_inside_a_narrow_cell() {
    let token: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        .chars()
        .cycle()
        .take(200)
        .collect();
    let lines = wrap(
        &[Span::new(token.clone(), FontStyle::Mono)],
        TABLE_SIZE,
        50.0,
    );
    assert!(lines.len() >= 6, "{}", lines.len());
    for line in &lines {
        assert!(
            line.width <= 50.0 + 0.01,
            "line {:?} is {} wide",
            line.text(),
            line.width
        );
    }
    let joined: String = lines.iter().map(|l| l.text()).collect();
    assert_eq!(joined, token, "no character lost or added");

    // The same token in a table's narrow first column stays inside its cell.
    let block = Block::Table {
        header: vec![vec![Span::regular("Server")], vec![Span::regular("Notes")]],
        rows: vec![vec![
            vec![Span::new(token.clone(), FontStyle::Mono)],
            vec![Span::regular("Long words everywhere. ".repeat(30))],
        ]],
        right: vec![false; 2],
    };
    let Block::Table { header, rows, .. } = &block else {
        unreachable!()
    };
    let widths = column_widths(header, rows, a4().content_width());
    let l = layout(&[block], a4());
    let g = a4();
    let mut text = String::new();
    for item in &l.pages[0].items {
        if let Item::Text {
            x,
            text: t,
            font: FontStyle::Mono,
            size,
            ..
        } = item
        {
            let w = cmplan::render::fonts::Fonts::get().width(FontStyle::Mono, t, *size);
            assert!(
                *x >= g.left && x + w <= g.left + widths[0] + 0.01,
                "{t:?} overflows its cell"
            );
            text.push_str(t);
        }
    }
    assert_eq!(text, token);
}

#[test]
fn long_names_break_after_dots_backslashes_hyphens_and_underscores() {
    let unc = r"\\LON-SQL01.eu.corp.contoso.com\SMS_LON\inboxes\auth\dataldr.box";
    let lines = wrap(&[Span::new(unc, FontStyle::Regular)], 10.0, 90.0);
    assert!(lines.len() > 1);
    for line in &lines[..lines.len() - 1] {
        let last = line.text().chars().last().unwrap();
        assert!(
            matches!(last, '.' | '\\' | '-' | '_'),
            "broke inside a name part: {:?}",
            line.text()
        );
        assert!(line.width <= 90.01);
    }
    assert_eq!(lines.iter().map(|l| l.text()).collect::<String>(), unc);
    // Ordinary words wrap at spaces, never mid-word.
    let lines = wrap(
        &[Span::regular("upgrade the central site first")],
        10.0,
        80.0,
    );
    let words: Vec<String> = lines.iter().map(|l| l.text()).collect();
    assert!(words
        .iter()
        .all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
    assert_eq!(words.join(" "), "upgrade the central site first");
}

#[test]
fn the_page_count_is_stable_and_the_contents_point_at_the_right_pages() {
    let md = pdf_common::sample_markdown();
    let cover = pdf_common::cover();
    let a = compose(&cover, &md, Paper::A4);
    let b = compose(&cover, &md, Paper::A4);
    assert_eq!(a, b, "same input, different layout");

    // The body is paginated the same with or without the front matter in front of it.
    let blocks = cmplan::render::pdf::document::strip_title_block(parse(&md), &cover.title);
    let body = layout(&blocks, a4());
    assert_eq!(a.pages.len(), a.front_pages + body.pages.len());

    // Every outline entry (= contents line) lands on the page that shows that heading, and
    // the contents print that page's (1-based) number after the title.
    assert_eq!(a.outline[0].title, CONTENTS);
    let toc: String = a.pages[1..a.front_pages].iter().map(|p| p.text()).collect();
    let mut cursor = 0;
    for entry in &a.outline {
        let page = &a.pages[entry.page];
        assert!(
            page.text().contains(&entry.title),
            "{:?} not on page {}",
            entry.title,
            entry.page + 1
        );
        if entry.title == CONTENTS {
            continue;
        }
        let at = cursor
            + toc[cursor..]
                .find(&entry.title)
                .expect("title in the contents");
        cursor = at + entry.title.len();
        let number = toc[cursor..].split_whitespace().next().unwrap();
        assert_eq!(number, (entry.page + 1).to_string(), "{:?}", entry.title);
    }
    // Letter paper is shorter: never fewer pages than A4.
    let letter = compose(&cover, &md, Paper::Letter);
    assert!(letter.pages.len() >= a.pages.len());
}

/// Body rows of table `t` on each page it appears on.
fn body_rows_per_page(l: &Layout, t: usize) -> Vec<usize> {
    placements(l, t)
        .into_iter()
        .map(|p| {
            p.iter()
                .filter(|(k, _)| matches!(k, RowKind::Body(_)))
                .count()
        })
        .filter(|n| *n > 0)
        .collect()
}

#[test]
fn short_tables_stay_whole_and_long_ones_leave_three_rows_on_each_page() {
    // Filler pushes the table towards the foot of the page at every offset.
    for filler in 0..60 {
        for rows in [2, 6, 7, 9, 40] {
            let mut blocks: Vec<Block> = (0..filler)
                .map(|i| Block::Paragraph {
                    spans: vec![Span::regular(format!("Line {i} of the text before."))],
                    quote: false,
                })
                .collect();
            blocks.push(Block::Paragraph {
                spans: vec![Span::new("Sign-off, phase 8", FontStyle::Bold)],
                quote: false,
            });
            blocks.push(table(rows, |i| format!("Task {i}")));
            let l = layout(&blocks, a4());
            let per_page = body_rows_per_page(&l, 0);
            if rows <= 6 {
                assert_eq!(per_page, [rows], "{rows} rows after {filler} lines");
            } else {
                assert!(
                    per_page.iter().all(|n| *n >= 3),
                    "{rows} rows after {filler} lines: {per_page:?}"
                );
            }
            // The caption sits on the page where the table starts.
            let caption_page = l
                .pages
                .iter()
                .position(|p| p.text().contains("Sign-off, phase 8"))
                .unwrap();
            let table_page = l
                .pages
                .iter()
                .position(|p| p.rows.iter().any(|r| r.table == 0))
                .unwrap();
            assert_eq!(caption_page, table_page, "{rows} rows after {filler} lines");
        }
    }
}
