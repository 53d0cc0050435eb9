//! The whole document: cover page, table of contents, body, running header and footer.
//!
//! The table of contents needs the body's page numbers and the body's page numbers depend on
//! how many pages the contents take, so it is laid out twice: once to count its pages, once
//! with the real numbers (its entries sit in a fixed-width number column, so the second pass
//! cannot change its length).

use super::fonts::{FontStyle, Fonts};
use super::layout::{
    self, wrap, Anchor, Flow, Geometry, Item, Page, Rgb, TextLine, ACCENT, INK, MUTED, RULE,
};
use super::markdown::{self, plain_text, Block, Span};
use super::structure::{ArtifactKind, LinkArea, LinkTarget, Role, Structure, Tag};
use crate::plan::Plan;
use crate::render::Paper;

/// What the cover, running header and footer print (from the plan's own fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    pub title: String,
    pub organisation: Option<String>,
    pub change_reference: Option<String>,
    pub prepared_by: Option<String>,
    pub date: String,
    pub target_name: String,
    pub revision: u32,
    pub input_digest: String,
}

impl Cover {
    pub fn from_plan(plan: &Plan) -> Cover {
        Cover {
            title: plan.title.clone(),
            organisation: plan.organisation.clone(),
            change_reference: plan.change_reference.clone(),
            prepared_by: plan.prepared_by.clone(),
            date: plan.date.clone(),
            target_name: plan.target_name.clone(),
            revision: plan.revision,
            input_digest: plan.input_digest.clone(),
        }
    }
}

/// An outline (bookmark) entry: level 1 = section, 2 = phase or sub-section.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    /// Page index in the document, from 0.
    pub page: usize,
    pub y: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub geometry: Geometry,
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    /// Pages before the body (cover + contents).
    pub front_pages: usize,
    /// The logical structure, in reading order (the tagged PDF's structure tree).
    pub structure: Structure,
}

pub const CONTENTS: &str = "Contents";
const TOC_NUMBER_COLUMN: f32 = 36.0;

/// The Markdown's own title block is replaced by the cover. By the templates' convention it is
/// everything before the first page break, with the plan title as its one `# ` heading. A
/// custom template without that break loses only a leading title heading (and, when another
/// section follows, the title's own text), never a section.
pub fn strip_title_block(blocks: Vec<Block>, title: &str) -> Vec<Block> {
    let is_title = |b: &Block| matches!(b, Block::Heading { level: 1, spans } if plain_text(spans).eq_ignore_ascii_case(title.trim()));
    let first_h1 = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }));
    let Some(start) = first_h1 else {
        return blocks;
    };
    if !is_title(&blocks[start]) {
        return blocks;
    }
    let mut rest = blocks;
    let after = &rest[start + 1..];
    let next_h1 = after
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }));
    let page_break = after.iter().position(|b| matches!(b, Block::PageBreak));
    let end = match (page_break, next_h1) {
        (Some(p), Some(h)) if p < h => start + 1 + p + 1,
        (Some(p), None) => start + 1 + p + 1,
        (_, Some(h)) => start + 1 + h,
        (None, None) => start + 1,
    };
    rest.drain(..end);
    rest
}

pub fn compose(cover: &Cover, markdown_text: &str, paper: Paper) -> Document {
    compose_with_appendix(cover, markdown_text, paper, None)
}

/// As [`compose`], with pages drawn by the caller (the hierarchy diagram) after the body, listed
/// in the contents and the outline under its anchor's title.
pub fn compose_with_appendix(
    cover: &Cover,
    markdown_text: &str,
    paper: Paper,
    appendix: Option<super::diagram::Appendix>,
) -> Document {
    let g = Geometry::for_paper(paper);
    let blocks = strip_title_block(markdown::parse(markdown_text), &cover.title);
    let mut body = layout::layout(&blocks, g);
    if let Some(appendix) = appendix {
        let offset = body.pages.len();
        body.structure.append(appendix.structure, offset);
        body.anchors.push(Anchor {
            page: appendix.anchor.page + offset,
            ..appendix.anchor
        });
        body.pages.extend(appendix.pages);
    }
    let entries: Vec<&Anchor> = body.anchors.iter().filter(|a| a.level <= 2).collect();

    let counting = contents(&entries, g, |_| 999, 0);
    let front = 1 + counting.pages.len();
    let toc = contents(&entries, g, |a| a.page + front + 1, front);
    debug_assert_eq!(toc.pages.len(), counting.pages.len());

    let (cover_page, cover_structure) = cover_page(cover, g);
    let mut structure = cover_structure;
    structure.append(toc.structure, 1);
    let mut pages = vec![cover_page];
    pages.extend(toc.pages);
    let front_pages = pages.len();
    structure.append(body.structure, front_pages);
    pages.extend(body.pages);

    // Task IDs link to the task's entry, diagram boxes to the site's first entry.
    let tasks: std::collections::HashMap<&str, (usize, f32)> = body
        .tasks
        .iter()
        .map(|(id, page, y)| (id.as_str(), (*page + front_pages, *y)))
        .collect();
    let mut terms: std::collections::HashMap<&str, (usize, f32)> = Default::default();
    for (term, page, y) in &body.terms {
        terms
            .entry(term.as_str())
            .or_insert((*page + front_pages, *y));
    }
    for page in &mut pages {
        for link in &mut page.links {
            let found = match &link.target {
                LinkTarget::Task(id) => tasks.get(id.as_str()),
                LinkTarget::Site(code) => terms.get(code.as_str()),
                _ => None,
            };
            if let Some((page, y)) = found {
                link.target = LinkTarget::Position { page: *page, y: *y };
            }
        }
    }
    // The running header names the section (phase) a page is in.
    let mut sections: Vec<(usize, String)> = body
        .anchors
        .iter()
        .filter(|a| a.level == 1)
        .map(|a| (a.page + front_pages, a.title.clone()))
        .collect();
    sections.insert(0, (1, CONTENTS.to_string()));

    let mut outline = vec![OutlineEntry {
        level: 1,
        title: CONTENTS.to_string(),
        page: 1,
        y: g.top,
    }];
    outline.extend(entries.iter().map(|a| OutlineEntry {
        level: a.level,
        title: a.title.clone(),
        page: a.page + front_pages,
        y: a.y,
    }));

    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        // The first section that starts on the page, else the one it continues.
        let section = sections
            .iter()
            .find(|(p, _)| *p == i)
            .or_else(|| sections.iter().rev().find(|(p, _)| *p < i))
            .map(|(_, t)| t.as_str());
        running_header_and_footer(page, cover, g, i, total, section);
    }
    Document {
        geometry: g,
        pages,
        outline,
        front_pages,
        structure,
    }
}

fn text(x: f32, baseline: f32, text: &str, font: FontStyle, size: f32, color: Rgb) -> Item {
    Item::Text {
        x,
        baseline,
        text: text.to_string(),
        font,
        size,
        color,
    }
}

/// Shortens `s` with an ellipsis to fit `width` (running headers are one line).
fn fit(s: &str, font: FontStyle, size: f32, width: f32) -> String {
    let fonts = Fonts::get();
    if fonts.width(font, s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if fonts.width(font, &format!("{out}{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

fn running_header_and_footer(
    page: &mut Page,
    cover: &Cover,
    g: Geometry,
    index: usize,
    total: usize,
    section: Option<&str>,
) {
    let fonts = Fonts::get();
    let size = 8.0;
    let right = g.width - g.right;
    if index > 0 {
        page.mark(Tag::Artifact(ArtifactKind::Header));
        let y = g.top - 16.0;
        let meta = format!("Revision {} · {}", cover.revision, cover.date);
        let meta_w = fonts.width(FontStyle::Regular, &meta, size);
        let heading = match section {
            Some(s) => format!("{s} · {}", cover.title),
            None => cover.title.clone(),
        };
        let title = fit(
            &heading,
            FontStyle::Regular,
            size,
            g.content_width() - meta_w - 20.0,
        );
        page.items
            .push(text(g.left, y, &title, FontStyle::Regular, size, MUTED));
        page.items.push(text(
            right - meta_w,
            y,
            &meta,
            FontStyle::Regular,
            size,
            MUTED,
        ));
        page.items.push(Item::Line {
            x1: g.left,
            y1: y + 4.0,
            x2: right,
            y2: y + 4.0,
            width: 0.4,
            color: RULE,
        });
    }
    page.mark(Tag::Artifact(ArtifactKind::Footer));
    let y = g.height - g.bottom + 24.0;
    page.items.push(Item::Line {
        x1: g.left,
        y1: y - 10.0,
        x2: right,
        y2: y - 10.0,
        width: 0.4,
        color: RULE,
    });
    let number = format!("Page {} of {}", index + 1, total);
    let number_w = fonts.width(FontStyle::Regular, &number, size);
    page.items.push(text(
        right - number_w,
        y,
        &number,
        FontStyle::Regular,
        size,
        MUTED,
    ));
    let left = match &cover.change_reference {
        Some(r) => format!("Change {r}"),
        None => cover.organisation.clone().unwrap_or_default(),
    };
    if !left.is_empty() {
        let left = fit(
            &left,
            FontStyle::Regular,
            size,
            g.content_width() - number_w - 20.0,
        );
        page.items
            .push(text(g.left, y, &left, FontStyle::Regular, size, MUTED));
    }
}

fn cover_page(cover: &Cover, g: Geometry) -> (Page, Structure) {
    let mut flow = Flow::new(g);
    let width = g.content_width();
    let x = g.left;
    flow.y = g.top + 60.0;
    flow.push(Item::Fill {
        x,
        y: flow.y - 18.0,
        w: 60.0,
        h: 4.0,
        color: ACCENT,
    });
    flow.begin(Role::Paragraph);
    let label = wrap(&[Span::new("CHANGE PLAN", FontStyle::Bold)], 9.0, width);
    for line in &label {
        let top = flow.y;
        flow.draw_line(line, x, top, 9.0, 12.0, MUTED);
        flow.y += 12.0;
    }
    flow.end();
    flow.y += 10.0;
    // A long title steps down in size so the details below always fit on the cover.
    let title = [Span::new(cover.title.clone(), FontStyle::Bold)];
    let (mut size, mut lines) = (24.0, wrap(&title, 24.0, width));
    for smaller in [20.0, 16.0, 13.0, 11.0] {
        if lines.len() <= 4 {
            break;
        }
        (size, lines) = (smaller, wrap(&title, smaller, width));
    }
    if lines.len() > 7 {
        lines.truncate(7);
        if let Some(run) = lines[6].runs.last_mut() {
            run.text.pop();
            run.text.push('…');
        }
    }
    let leading = size * 1.25;
    flow.begin(Role::Heading(1, cover.title.clone()));
    for line in &lines {
        let top = flow.y;
        flow.draw_line(line, x, top, size, leading, INK);
        flow.y += leading;
    }
    flow.end();
    flow.y += 8.0;
    let subtitle = format!(
        "Upgrade of the SMS 2003 site hierarchy to {}",
        cover.target_name
    );
    flow.begin(Role::Paragraph);
    for line in wrap(&[Span::regular(subtitle)], 13.0, width) {
        let top = flow.y;
        flow.draw_line(&line, x, top, 13.0, 17.0, ACCENT);
        flow.y += 17.0;
    }
    flow.end();
    flow.begin(Role::Table);

    flow.y += 50.0;
    let none = || "—".to_string();
    let details: Vec<(&str, String, FontStyle)> = vec![
        (
            "Organisation",
            cover.organisation.clone().unwrap_or_else(none),
            FontStyle::Regular,
        ),
        (
            "Change reference",
            cover.change_reference.clone().unwrap_or_else(none),
            FontStyle::Regular,
        ),
        (
            "Prepared by",
            cover.prepared_by.clone().unwrap_or_else(none),
            FontStyle::Regular,
        ),
        ("Date", cover.date.clone(), FontStyle::Regular),
        ("Target", cover.target_name.clone(), FontStyle::Regular),
        ("Revision", cover.revision.to_string(), FontStyle::Regular),
        ("Input SHA-256", cover.input_digest.clone(), FontStyle::Mono),
    ];
    let label_w = 120.0;
    let value_w = width - label_w;
    for (label, value, style) in details {
        let size = if style == FontStyle::Mono { 8.5 } else { 10.5 };
        let lines = wrap(&[Span::new(value, style)], size, value_w);
        let h = lines.len() as f32 * 15.0 + 8.0;
        flow.push(Item::Line {
            x1: x,
            y1: flow.y,
            x2: x + width,
            y2: flow.y,
            width: 0.4,
            color: RULE,
        });
        let top = flow.y + 4.0;
        let label_line = wrap(&[Span::new(label, FontStyle::Bold)], 9.5, label_w);
        flow.begin(Role::TableRow);
        flow.begin(Role::RowHeaderCell);
        flow.draw_line(&label_line[0], x, top, 9.5, 15.0, MUTED);
        flow.end();
        flow.begin(Role::DataCell);
        for (n, line) in lines.iter().enumerate() {
            flow.draw_line(line, x + label_w, top + n as f32 * 15.0, size, 15.0, INK);
        }
        flow.end();
        flow.end();
        flow.y += h;
    }
    flow.end();
    flow.push(Item::Line {
        x1: x,
        y1: flow.y,
        x2: x + width,
        y2: flow.y,
        width: 0.4,
        color: RULE,
    });

    let note = format!(
        "Generated by cmplan {} from the environment description whose SHA-256 is shown above. \
         The same description and date always produce this same document.",
        env!("CARGO_PKG_VERSION")
    );
    let lines = wrap(&[Span::new(note, FontStyle::Oblique)], 8.5, width);
    flow.y = g.content_bottom() - lines.len() as f32 * 11.0;
    flow.begin(Role::Paragraph);
    for line in &lines {
        let top = flow.y;
        flow.draw_line(line, x, top, 8.5, 11.0, MUTED);
        flow.y += 11.0;
    }
    flow.end();
    let mut done = flow.finish();
    (done.pages.remove(0), done.structure)
}

/// The contents' pages and their structure.
struct Contents {
    pages: Vec<Page>,
    structure: Structure,
}

/// The table of contents: one line per section and phase, dot leaders, page numbers, each
/// entry a link to its heading (`front`: pages before the body).
fn contents(
    entries: &[&Anchor],
    g: Geometry,
    page_of: impl Fn(&Anchor) -> usize,
    front: usize,
) -> Contents {
    let fonts = Fonts::get();
    let mut flow = Flow::new(g);
    let title = vec![Block::Heading {
        level: 1,
        spans: vec![Span::regular(CONTENTS)],
    }];
    flow.blocks(&title);
    flow.anchors.clear();
    let right = g.left + g.content_width();
    flow.begin(Role::Contents);
    for entry in entries {
        let (font, size, leading, indent, before) = match entry.level {
            1 => (FontStyle::Bold, 10.0, 14.0, 0.0, 5.0),
            _ => (FontStyle::Regular, 9.5, 13.0, 14.0, 0.0),
        };
        let x = g.left + indent;
        let width = g.content_width() - indent - TOC_NUMBER_COLUMN;
        let lines: Vec<TextLine> = wrap(&[Span::new(entry.title.clone(), font)], size, width);
        let h = before + lines.len() as f32 * leading;
        if flow.y + h > g.content_bottom() {
            flow.new_page();
        } else if !flow.at_top() {
            flow.y += before;
        }
        flow.begin(Role::ContentsItem);
        let link = flow.begin(Role::Link);
        let first_top = flow.y;
        for (n, line) in lines.iter().enumerate() {
            let top = flow.y;
            flow.draw_line(line, x, top, size, leading, INK);
            if n + 1 == lines.len() {
                let baseline = top + layout::baseline_offset(size, leading);
                let number = page_of(entry).to_string();
                let nw = fonts.width(font, &number, size);
                flow.push(text(right - nw, baseline, &number, font, size, INK));
                // Dot leader between the title's end and the number column.
                let dot = fonts.width(FontStyle::Regular, ". ", size);
                let start = x + line.width + 6.0;
                let end = right - TOC_NUMBER_COLUMN + 6.0;
                let count = ((end - start) / dot).floor();
                if count >= 2.0 {
                    let leader = ". ".repeat(count as usize);
                    flow.page_tag(Tag::Artifact(ArtifactKind::Layout));
                    flow.push(text(
                        end - count * dot,
                        baseline,
                        leader.trim_end(),
                        FontStyle::Regular,
                        size,
                        MUTED,
                    ));
                    flow.page_tag(Tag::Element(link));
                }
            }
            flow.y += leading;
        }
        let number = page_of(entry);
        flow.link(LinkArea {
            rect: [x, first_top, right - x, flow.y - first_top],
            target: LinkTarget::Position {
                page: entry.page + front,
                y: entry.y,
            },
            alt: format!("Go to {} on page {number}", entry.title),
        });
        flow.end();
        flow.end();
    }
    flow.end();
    let done = flow.finish();
    Contents {
        pages: done.pages,
        structure: done.structure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { spans, .. } => Some(plain_text(spans)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_title_block_gives_way_to_the_cover_but_no_section_is_lost() {
        let md = "# Plan\n\n- **Revision:** 1\n\n<!-- pagebreak -->\n\n# Summary\n\ntext\n";
        let kept = strip_title_block(markdown::parse(md), "Plan");
        assert_eq!(headings(&kept), ["Summary"]);
        assert!(matches!(kept[0], Block::Heading { .. }));
        // Without the page break: the title section ends at the next section.
        let md = "# Plan\n\nintro\n\n# Summary\n\ntext\n";
        assert_eq!(
            headings(&strip_title_block(markdown::parse(md), "Plan")),
            ["Summary"]
        );
        // A template with nothing but the title heading keeps everything after it.
        let md = "# Plan\n\n## Hierarchy\n\ntext\n";
        let kept = strip_title_block(markdown::parse(md), "Plan");
        assert_eq!(headings(&kept), ["Hierarchy"]);
        // A first section that is not the title is kept.
        let md = "# Summary\n\ntext\n";
        assert_eq!(
            headings(&strip_title_block(markdown::parse(md), "Plan")),
            ["Summary"]
        );
    }
}
