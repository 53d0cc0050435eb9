//! The layout model: blocks → lines → positioned items on pages, with no PDF involved.
//!
//! Coordinates are points from the page's top-left corner (the writer flips them). Besides the
//! drawing items, each page records where table rows went ([`RowPlacement`]) and each heading
//! where it landed ([`Anchor`]), so tests can check pagination rules directly and the document
//! can build its table of contents and outline.

use super::fonts::{FontStyle, Fonts};
use super::markdown::{plain_text, Block, Marker, Span};
use super::structure::{ArtifactKind, Child, LinkArea, LinkTarget, Mark, Role, Structure, Tag};
use crate::render::Paper;

mod table;
mod wrap;

pub use table::column_widths;
use table::{cell_lines, has_empty, row_height};
pub use wrap::{min_content_width, natural_width, wrap, Run, TextLine};
use wrap::{with_style, EPS};

/// Page size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

const MM: f32 = 72.0 / 25.4;

impl Geometry {
    pub fn for_paper(paper: Paper) -> Geometry {
        let (width, height) = match paper {
            Paper::A4 => (210.0 * MM, 297.0 * MM),
            Paper::Letter => (612.0, 792.0),
        };
        Geometry {
            width,
            height,
            left: 20.0 * MM,
            right: 20.0 * MM,
            top: 22.0 * MM,
            bottom: 20.0 * MM,
        }
    }

    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }

    /// Y of the lowest point content may reach.
    pub fn content_bottom(&self) -> f32 {
        self.height - self.bottom
    }

    pub fn content_height(&self) -> f32 {
        self.content_bottom() - self.top
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
pub const INK: Rgb = Rgb(0.10, 0.12, 0.16);
pub const ACCENT: Rgb = Rgb(0.08, 0.25, 0.45);
pub const MUTED: Rgb = Rgb(0.40, 0.40, 0.40);
pub const RULE: Rgb = Rgb(0.55, 0.55, 0.55);
pub const HEADER_FILL: Rgb = Rgb(0.88, 0.91, 0.95);
pub const CODE_FILL: Rgb = Rgb(0.95, 0.95, 0.95);

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        baseline: f32,
        text: String,
        font: FontStyle,
        size: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Checkbox {
        x: f32,
        y: f32,
        size: f32,
        checked: bool,
    },
}

/// Which row of a table a placement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Header,
    Body(usize),
}

/// Where (part of) a table row was drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowPlacement {
    /// Index of the table in the document, from 0.
    pub table: usize,
    pub kind: RowKind,
    pub top: f32,
    pub bottom: f32,
    /// True when this is only part of a row taller than a page (the one case a row splits).
    pub partial: bool,
}

/// A heading as placed, for the table of contents and the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub level: u8,
    pub title: String,
    /// Page index within the laid-out sequence, from 0.
    pub page: usize,
    /// Top of the heading.
    pub y: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    pub rows: Vec<RowPlacement>,
    /// What stretches of `items` are, for the structure tree (items before the first mark, and
    /// pages without marks, are artifacts).
    pub marks: Vec<Mark>,
    pub links: Vec<LinkArea>,
}

impl Page {
    /// Marks the items pushed from now on as `tag`.
    pub fn mark(&mut self, tag: Tag) {
        if self.marks.last().map(|m| m.tag) != Some(tag) {
            self.marks.push(Mark {
                first_item: self.items.len(),
                tag,
            });
        }
    }

    /// The page's text, runs joined in drawing order (for tests and diagnostics).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for item in &self.items {
            if let Item::Text { text, .. } = item {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(text);
            }
        }
        s
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    pub anchors: Vec<Anchor>,
    pub structure: Structure,
    /// Where each task's entry starts: (ID, page index, y).
    pub tasks: Vec<(String, usize, f32)>,
    /// Where each bulleted entry that starts with a bold term (a site's code in the Hierarchy
    /// section) starts: (term, page index, y); a link goes to a term's first entry.
    pub terms: Vec<(String, usize, f32)>,
}

// ---------------------------------------------------------------------------------------------
pub const BODY_SIZE: f32 = 10.0;
pub const BODY_LEADING: f32 = 13.5;
pub const TABLE_SIZE: f32 = 8.5;
pub const TABLE_LEADING: f32 = 10.8;
pub const CELL_PAD: f32 = 3.2;
pub const CODE_SIZE: f32 = 8.5;
pub const CODE_LEADING: f32 = 11.0;
const PARAGRAPH_GAP: f32 = 6.0;
const LIST_INDENT: f32 = 14.0;
const MIN_COLUMN: f32 = 30.0;
/// A table of up to this many rows never splits across pages.
const SHORT_TABLE: usize = 6;
/// A longer table leaves at least this many rows on each page it spans.
const KEEP_ROWS: usize = 3;
/// Height of a sign-off row with empty cells: room to write by hand.
const SIGNING_ROW: f32 = 26.0;

struct HeadingStyle {
    size: f32,
    leading: f32,
    before: f32,
    after: f32,
    color: Rgb,
}

fn heading_style(level: u8) -> HeadingStyle {
    match level {
        1 => HeadingStyle {
            size: 16.0,
            leading: 20.0,
            before: 14.0,
            after: 8.0,
            color: ACCENT,
        },
        2 => HeadingStyle {
            size: 12.5,
            leading: 16.0,
            before: 12.0,
            after: 5.0,
            color: ACCENT,
        },
        _ => HeadingStyle {
            size: 10.5,
            leading: 14.0,
            before: 8.0,
            after: 3.0,
            color: INK,
        },
    }
}

/// Baseline offset from a line box's top, centring the font's extent in the leading.
pub fn baseline_offset(size: f32, leading: f32) -> f32 {
    let (asc, desc) = Fonts::get().vertical_metrics(FontStyle::Regular);
    (leading - (asc - desc) * size) / 2.0 + asc * size
}

// ---------------------------------------------------------------------------------------------
// Flow: placing blocks on pages

pub struct Flow {
    pub g: Geometry,
    pub pages: Vec<Page>,
    pub anchors: Vec<Anchor>,
    pub y: f32,
    tables: usize,
    pub structure: Structure,
    /// Open structure elements, innermost last.
    open: Vec<usize>,
    /// What items pushed now are.
    tag: Tag,
    /// Open lists: the number of `open` entries below each list's element.
    lists: Vec<usize>,
    /// Task IDs that text links to.
    task_ids: std::collections::HashSet<String>,
    /// The task whose own entry is being drawn (its ID does not link to itself).
    defining: Option<String>,
    tasks: Vec<(String, usize, f32)>,
    terms: Vec<(String, usize, f32)>,
}

const LAYOUT_ARTIFACT: Tag = Tag::Artifact(ArtifactKind::Layout);

impl Flow {
    pub fn new(g: Geometry) -> Flow {
        Flow {
            g,
            pages: vec![Page::default()],
            anchors: Vec::new(),
            y: g.top,
            tables: 0,
            structure: Structure::default(),
            open: Vec::new(),
            tag: LAYOUT_ARTIFACT,
            lists: Vec::new(),
            task_ids: Default::default(),
            defining: None,
            tasks: Vec::new(),
            terms: Vec::new(),
        }
    }

    pub fn finish(mut self) -> Layout {
        self.close_lists();
        Layout {
            pages: self.pages,
            anchors: self.anchors,
            structure: self.structure,
            tasks: self.tasks,
            terms: self.terms,
        }
    }

    /// Opens a structure element inside the innermost open one; content pushed from now on
    /// belongs to it.
    pub fn begin(&mut self, role: Role) -> usize {
        let id = self.structure.add(role, self.open.last().copied());
        self.open.push(id);
        self.tag = Tag::Element(id);
        id
    }

    /// Closes the innermost element; content goes back to its parent (or is an artifact).
    pub fn end(&mut self) {
        self.open.pop();
        self.tag = self
            .open
            .last()
            .map_or(LAYOUT_ARTIFACT, |e| Tag::Element(*e));
    }

    /// Runs `draw` with what it pushes marked as an artifact (rules, fills, borders).
    fn artifact(&mut self, draw: impl FnOnce(&mut Flow)) {
        let saved = self.tag;
        self.tag = LAYOUT_ARTIFACT;
        draw(self);
        self.tag = saved;
    }

    fn close_lists(&mut self) {
        while let Some(depth) = self.lists.pop() {
            self.open.truncate(depth);
        }
        self.tag = self
            .open
            .last()
            .map_or(LAYOUT_ARTIFACT, |e| Tag::Element(*e));
    }

    /// The IDs that text elsewhere links to: each task entry's leading bold ID.
    pub fn link_tasks(&mut self, blocks: &[Block]) {
        for b in blocks {
            if let Some(id) = task_id(b) {
                self.task_ids.insert(id);
            }
        }
    }

    fn bottom(&self) -> f32 {
        self.g.content_bottom()
    }

    pub fn at_top(&self) -> bool {
        (self.y - self.g.top).abs() < EPS
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.g.top;
    }

    fn fits(&self, h: f32) -> bool {
        self.y + h <= self.bottom() + EPS
    }

    /// Moves to a new page unless `h` more points fit here (or the page is still empty).
    fn ensure(&mut self, h: f32) {
        if !self.fits(h) && !self.at_top() {
            self.new_page();
        }
    }

    fn skip(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    pub fn push(&mut self, item: Item) {
        let page_index = self.pages.len() - 1;
        let page = self.pages.last_mut().expect("a flow always has a page");
        let before = page.marks.len();
        page.mark(self.tag);
        if page.marks.len() > before {
            if let Tag::Element(e) = self.tag {
                self.structure.elements[e].children.push(Child::Content {
                    page: page_index,
                    mark: before,
                });
            }
        }
        page.items.push(item);
    }

    /// Sets what items pushed from now on are, without opening an element.
    pub fn page_tag(&mut self, tag: Tag) {
        self.tag = tag;
    }

    /// Adds a clickable area to the current page, inside the innermost element (a Link).
    pub fn link(&mut self, area: LinkArea) {
        let page_index = self.pages.len() - 1;
        let page = self.pages.last_mut().expect("a flow always has a page");
        page.links.push(area);
        if let Some(e) = self.open.last() {
            self.structure.elements[*e]
                .children
                .push(Child::Annotation {
                    page: page_index,
                    link: page.links.len() - 1,
                });
        }
    }

    /// Draws text that links to `target`, as a Link element with its annotation.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_link(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        font: FontStyle,
        size: f32,
        color: Rgb,
        target: LinkTarget,
        alt: String,
    ) {
        let w = Fonts::get().width(font, text, size);
        self.begin(Role::Link);
        self.push(Item::Text {
            x,
            baseline,
            text: text.to_string(),
            font,
            size,
            color,
        });
        self.link(LinkArea {
            rect: [x, baseline - size * 0.95, w, size * 1.25],
            target,
            alt,
        });
        self.end();
    }

    fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    /// Draws one line's runs with its box top at `top`.
    pub fn draw_line(
        &mut self,
        line: &TextLine,
        x: f32,
        top: f32,
        size: f32,
        leading: f32,
        color: Rgb,
    ) {
        let baseline = top + baseline_offset(size, leading);
        for run in &line.runs {
            let mut from = 0;
            for (start, end, target) in self.links_in(&run.text) {
                let fonts = Fonts::get();
                let x0 = x + run.x + fonts.width(run.font, &run.text[..start], size);
                if start > from {
                    let dx = fonts.width(run.font, &run.text[..from], size);
                    self.push(Item::Text {
                        x: x + run.x + dx,
                        baseline,
                        text: run.text[from..start].to_string(),
                        font: run.font,
                        size,
                        color,
                    });
                }
                let token = &run.text[start..end];
                let alt = match &target {
                    LinkTarget::Uri(u) => format!("Open {u}"),
                    _ => format!("Go to task {token}"),
                };
                self.draw_link(x0, baseline, token, run.font, size, color, target, alt);
                from = end;
            }
            if from < run.text.len() {
                let dx = Fonts::get().width(run.font, &run.text[..from], size);
                self.push(Item::Text {
                    x: x + run.x + dx,
                    baseline,
                    text: run.text[from..].to_string(),
                    font: run.font,
                    size,
                    color,
                });
            }
        }
    }

    /// The links in a run's text: web addresses, and task IDs (other than the one whose own
    /// entry this is), as byte ranges.
    fn links_in(&self, text: &str) -> Vec<(usize, usize, LinkTarget)> {
        let mut out = Vec::new();
        let is_token = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | ':');
        let mut i = 0;
        let bytes = text.len();
        while i < bytes {
            let c = text[i..].chars().next().expect("in bounds");
            if !is_token(c) {
                i += c.len_utf8();
                continue;
            }
            let end = text[i..]
                .find(|c: char| !(is_token(c) || matches!(c, '?' | '=' | '&' | '#' | '%' | '~')))
                .map_or(bytes, |n| i + n);
            let token = text[i..end].trim_end_matches(['.', ':', ',']);
            let token_end = i + token.len();
            if token.starts_with("https://") || token.starts_with("http://") {
                out.push((i, token_end, LinkTarget::Uri(token.to_string())));
            } else if self.task_ids.contains(token) && self.defining.as_deref() != Some(token) {
                out.push((i, token_end, LinkTarget::Task(token.to_string())));
            }
            i = end.max(i + c.len_utf8());
        }
        out
    }

    /// Lines that may break across pages between any two lines.
    fn lines(&mut self, lines: &[TextLine], x: f32, size: f32, leading: f32, color: Rgb) {
        for line in lines {
            self.ensure(leading);
            let top = self.y;
            self.draw_line(line, x, top, size, leading, color);
            self.y += leading;
        }
    }

    pub fn blocks(&mut self, blocks: &[Block]) {
        for (i, block) in blocks.iter().enumerate() {
            let next = blocks.get(i + 1);
            if !matches!(block, Block::ListItem { .. }) {
                self.close_lists();
            }
            match block {
                Block::Heading { level, spans } => self.heading(*level, spans, next),
                Block::Paragraph { spans, quote } => {
                    let (x, spans) = if *quote {
                        (
                            self.g.left + LIST_INDENT,
                            with_style(spans, FontStyle::Oblique),
                        )
                    } else {
                        (self.g.left, spans.clone())
                    };
                    let width = self.g.left + self.g.content_width() - x;
                    let lines = wrap(&spans, BODY_SIZE, width);
                    // Keep two lines together so no line is stranded at a page foot; a caption
                    // (a paragraph of up to two lines before a table) stays with its table.
                    let keep = match next {
                        Some(t @ Block::Table { .. }) if lines.len() <= 2 => {
                            lines.len() as f32 * BODY_LEADING + PARAGRAPH_GAP + self.first_height(t)
                        }
                        _ => BODY_LEADING * lines.len().min(2) as f32,
                    };
                    self.ensure(keep.min(self.g.content_height()));
                    if *quote {
                        self.begin(Role::BlockQuote);
                    }
                    self.begin(Role::Paragraph);
                    self.lines(&lines, x, BODY_SIZE, BODY_LEADING, INK);
                    self.end();
                    if *quote {
                        self.end();
                    }
                    self.y += PARAGRAPH_GAP;
                }
                Block::ListItem {
                    depth,
                    marker,
                    spans,
                } => {
                    self.enter_list_item(*depth, *marker);
                    self.list_item(*depth, *marker, spans);
                    let last = !matches!(next, Some(Block::ListItem { .. }));
                    // Tasks (several lines each) read better apart; plain bullets stay tight.
                    let gap = if matches!(marker, Marker::Task(_)) {
                        4.0
                    } else {
                        1.5
                    };
                    self.y += if last { PARAGRAPH_GAP } else { gap };
                }
                Block::Table {
                    header,
                    rows,
                    right,
                } => self.table(header, rows, right),
                Block::Code { text } => self.code(text),
                Block::Rule => {
                    self.ensure(12.0);
                    let y = self.y + 6.0;
                    self.tag = LAYOUT_ARTIFACT;
                    self.push(Item::Line {
                        x1: self.g.left,
                        y1: y,
                        x2: self.g.left + self.g.content_width(),
                        y2: y,
                        width: 0.5,
                        color: RULE,
                    });
                    self.y += 12.0;
                }
                Block::PageBreak => {
                    if !self.at_top() {
                        self.new_page();
                    }
                }
            }
        }
    }

    /// The least height a block needs at the top of its first page (for keep-with-next).
    fn first_height(&self, block: &Block) -> f32 {
        let width = self.g.content_width();
        match block {
            Block::Heading { level, spans } => {
                let s = heading_style(*level);
                s.before
                    + wrap(spans, s.size, width).len() as f32 * s.leading
                    + s.after
                    + BODY_LEADING
            }
            Block::Paragraph { spans, .. } => {
                wrap(spans, BODY_SIZE, width).len().min(2) as f32 * BODY_LEADING
            }
            Block::ListItem { depth, spans, .. } => {
                let indent = (*depth as f32 + 1.0) * LIST_INDENT;
                wrap(spans, BODY_SIZE, width - indent).len() as f32 * BODY_LEADING
            }
            Block::Table { header, rows, .. } => {
                let widths = column_widths(header, rows, width);
                let mut h = row_height(&cell_lines(header, &widths, true), false);
                let lead = if rows.len() <= SHORT_TABLE {
                    rows.len()
                } else {
                    KEEP_ROWS
                };
                for row in rows.iter().take(lead) {
                    h += row_height(&cell_lines(row, &widths, false), has_empty(row));
                }
                h.min(self.g.content_height())
            }
            Block::Code { text } => text.lines().count().min(2) as f32 * CODE_LEADING + 8.0,
            Block::Rule | Block::PageBreak => 0.0,
        }
    }

    fn heading(&mut self, level: u8, spans: &[Span], next: Option<&Block>) {
        let s = heading_style(level);
        let lines = wrap(
            &with_style(spans, FontStyle::Bold),
            s.size,
            self.g.content_width(),
        );
        let own = lines.len() as f32 * s.leading + s.after;
        let follow = match next {
            Some(Block::PageBreak) | None => 0.0,
            Some(b) => self.first_height(b),
        };
        // Never leave a heading alone at the foot of a page.
        let before = if self.at_top() { 0.0 } else { s.before };
        if !self.fits(before + own + follow) && !self.at_top() {
            self.new_page();
        }
        self.skip(s.before);
        let title = plain_text(spans);
        self.anchors.push(Anchor {
            level,
            title: title.clone(),
            page: self.page_index(),
            y: self.y,
        });
        let x = self.g.left;
        self.begin(Role::Heading(level, title));
        self.lines(&lines, x, s.size, s.leading, s.color);
        self.end();
        if level == 1 {
            let y = self.y + 1.0;
            let w = self.g.content_width();
            self.artifact(|f| {
                f.push(Item::Line {
                    x1: x,
                    y1: y,
                    x2: x + w,
                    y2: y,
                    width: 0.8,
                    color: ACCENT,
                })
            });
        }
        self.y += s.after;
    }

    fn list_item(&mut self, depth: usize, marker: Marker, spans: &[Span]) {
        let indent = self.g.left + depth as f32 * LIST_INDENT;
        let text_x = indent + LIST_INDENT;
        let lines = wrap(
            spans,
            BODY_SIZE,
            self.g.left + self.g.content_width() - text_x,
        );
        let h = lines.len() as f32 * BODY_LEADING;
        // An item stays on one page unless it is taller than a page.
        if h <= self.g.content_height() {
            self.ensure(h);
        } else {
            self.ensure(BODY_LEADING);
        }
        let top = self.y;
        let baseline = top + baseline_offset(BODY_SIZE, BODY_LEADING);
        let label = match marker {
            Marker::Task(true) => Some("Done:"),
            Marker::Task(false) => Some("To do:"),
            Marker::Continuation => None,
            _ => Some(""),
        };
        if let Some(alt) = label {
            self.begin(Role::Label(alt.to_string()));
        }
        match marker {
            Marker::Bullet => self.push(Item::Text {
                x: indent + 3.0,
                baseline,
                text: if depth == 0 { "•" } else { "–" }.to_string(),
                font: FontStyle::Regular,
                size: BODY_SIZE,
                color: INK,
            }),
            Marker::Number(n) => self.push(Item::Text {
                x: indent,
                baseline,
                text: format!("{n}."),
                font: FontStyle::Regular,
                size: BODY_SIZE,
                color: INK,
            }),
            Marker::Task(checked) => {
                let size = 8.0;
                self.push(Item::Checkbox {
                    x: indent + 1.0,
                    y: baseline - size + 0.5,
                    size,
                    checked,
                });
            }
            Marker::Continuation => {}
        }
        if label.is_some() {
            self.end();
        }
        let id = task_id(&Block::ListItem {
            depth,
            marker,
            spans: spans.to_vec(),
        });
        if let Some(id) = &id {
            self.tasks.push((id.clone(), self.page_index(), top));
        } else if let (Marker::Bullet, Some(first)) = (marker, spans.first()) {
            let term = first.text.trim();
            if first.style == FontStyle::Bold && !term.is_empty() {
                self.terms.push((term.to_string(), self.page_index(), top));
            }
        }
        self.defining = id;
        self.begin(Role::ListBody);
        self.lines(&lines, text_x, BODY_SIZE, BODY_LEADING, INK);
        self.end();
        self.defining = None;
    }

    /// Opens the lists and the item a list item at `depth` sits in, closing deeper ones.
    fn enter_list_item(&mut self, depth: usize, marker: Marker) {
        while self.lists.len() > depth + 1 {
            let base = self.lists.pop().expect("checked");
            self.open.truncate(base);
        }
        if self.lists.len() == depth + 1 {
            if marker != Marker::Continuation {
                // The previous item ends; a new one starts in the same list.
                let base = *self.lists.last().expect("checked");
                self.open.truncate(base + 1);
                self.begin(Role::ListItem);
            }
        } else {
            while self.lists.len() < depth + 1 {
                self.lists.push(self.open.len());
                self.begin(Role::List {
                    ordered: matches!(marker, Marker::Number(_)),
                });
                self.begin(Role::ListItem);
            }
        }
        self.tag = self
            .open
            .last()
            .map_or(LAYOUT_ARTIFACT, |e| Tag::Element(*e));
    }

    fn code(&mut self, text: &str) {
        let x = self.g.left + 6.0;
        let width = self.g.content_width() - 12.0;
        let mut lines = Vec::new();
        for raw in text.lines() {
            // Keep indentation: no-break spaces are not break opportunities.
            let kept = raw.replace(' ', "\u{a0}");
            lines.extend(wrap(&[Span::new(kept, FontStyle::Mono)], CODE_SIZE, width));
        }
        self.ensure(CODE_LEADING * lines.len().min(2) as f32 + 8.0);
        self.y += 2.0;
        let code = self.begin(Role::Code);
        for line in &lines {
            self.ensure(CODE_LEADING);
            let (fx, fy, fw) = (self.g.left, self.y, self.g.content_width());
            self.artifact(|f| {
                f.push(Item::Fill {
                    x: fx,
                    y: fy,
                    w: fw,
                    h: CODE_LEADING,
                    color: CODE_FILL,
                })
            });
            self.tag = Tag::Element(code);
            let top = self.y;
            self.draw_line(line, x, top, CODE_SIZE, CODE_LEADING, INK);
            self.y += CODE_LEADING;
        }
        self.end();
        self.y += PARAGRAPH_GAP + 2.0;
    }
}

/// The ID a task entry starts with (`- [ ] **ID** title`), when it looks like one.
pub fn task_id(block: &Block) -> Option<String> {
    let Block::ListItem {
        marker: Marker::Task(_),
        spans,
        ..
    } = block
    else {
        return None;
    };
    let first = spans.first()?;
    if first.style != FontStyle::Bold {
        return None;
    }
    let id = first.text.trim();
    let id_like = id.len() >= 3
        && id.contains('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    id_like.then(|| id.to_string())
}

/// Lays out body blocks on pages of `g`.
pub fn layout(blocks: &[Block], g: Geometry) -> Layout {
    let mut flow = Flow::new(g);
    flow.link_tasks(blocks);
    flow.blocks(blocks);
    // A trailing page break (or no content at all) would leave an empty last page.
    while flow.pages.last().is_some_and(|p| p.items.is_empty()) {
        flow.pages.pop();
    }
    flow.finish()
}
