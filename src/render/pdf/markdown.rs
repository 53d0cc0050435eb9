//! The plan's Markdown (pulldown-cmark events) → a flat list of blocks the layout understands.
//!
//! Only what the templates use is modelled: headings, paragraphs with inline emphasis / strong /
//! code / links, lists and task lists (flattened with their depth), GFM tables, code blocks,
//! rules and the `<!-- pagebreak -->` convention. Other HTML is dropped (it is template comments).

use pulldown_cmark::{Alignment, Event, Parser, Tag, TagEnd};

use super::fonts::FontStyle;

/// A run of text in one face. A span whose text is `"\n"` is a forced line break.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub style: FontStyle,
}

impl Span {
    pub fn new(text: impl Into<String>, style: FontStyle) -> Span {
        Span {
            text: text.into(),
            style,
        }
    }

    pub fn regular(text: impl Into<String>) -> Span {
        Span::new(text, FontStyle::Regular)
    }

    pub fn is_break(&self) -> bool {
        self.text == "\n"
    }
}

/// What precedes a list item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marker {
    Bullet,
    Number(u64),
    /// A task list item: a drawn checkbox, ticked when true.
    Task(bool),
    /// Text of an item continuing after a nested list.
    Continuation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
        /// Inside a block quote: indented and set in oblique.
        quote: bool,
    },
    ListItem {
        /// 0 for a top-level item.
        depth: usize,
        marker: Marker,
        spans: Vec<Span>,
    },
    Table {
        header: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
        /// Columns aligned right (`---:` in GFM: numbers).
        right: Vec<bool>,
    },
    Code {
        text: String,
    },
    Rule,
    PageBreak,
}

/// The text of spans without styling (heading titles for the outline and the TOC).
pub fn plain_text(spans: &[Span]) -> String {
    let mut s = String::new();
    for span in spans {
        if span.is_break() {
            s.push(' ');
        } else {
            s.push_str(&span.text);
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_pagebreak(html: &str) -> bool {
    html.lines()
        .any(|l| l.trim() == crate::render::markdown::PAGE_BREAK)
}

#[derive(Default)]
struct Inline {
    spans: Vec<Span>,
    strong: usize,
    emphasis: usize,
}

impl Inline {
    fn style(&self) -> FontStyle {
        if self.strong > 0 {
            FontStyle::Bold
        } else if self.emphasis > 0 {
            FontStyle::Oblique
        } else {
            FontStyle::Regular
        }
    }

    fn push(&mut self, text: &str, style: FontStyle) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.spans.last_mut() {
            if last.style == style && !last.is_break() && text != "\n" {
                last.text.push_str(text);
                return;
            }
        }
        self.spans.push(Span::new(text, style));
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        self.push(text, style);
    }

    fn hard_break(&mut self) {
        if !self.spans.is_empty() {
            self.spans.push(Span::new("\n", FontStyle::Regular));
        }
    }

    fn take(&mut self) -> Vec<Span> {
        while self.spans.last().is_some_and(Span::is_break) {
            self.spans.pop();
        }
        std::mem::take(&mut self.spans)
    }
}

/// Where inline content currently goes.
enum Target {
    None,
    Heading(u8),
    Paragraph,
    Item,
    Cell,
}

pub fn parse(markdown: &str) -> Vec<Block> {
    let options = crate::render::markdown::parser_options();
    let mut blocks = Vec::new();
    let mut inline = Inline::default();
    let mut target = Target::None;
    // Ordered lists: Some(next number); bullets: None.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // The list item being collected: (depth, marker).
    let mut item: Option<(usize, Marker)> = None;
    let mut quote = 0usize;
    let mut code: Option<String> = None;
    // The table being collected (a `Block::Table`).
    let mut table: Option<Block> = None;
    let mut row: Vec<Vec<Span>> = Vec::new();
    let mut links: Vec<String> = Vec::new();

    // Flushes the list item collected so far (before a nested list or at the item's end).
    fn flush_item(
        blocks: &mut Vec<Block>,
        item: &mut Option<(usize, Marker)>,
        inline: &mut Inline,
    ) {
        if let Some((depth, marker)) = item.take() {
            let spans = inline.take();
            if !spans.is_empty() || !matches!(marker, Marker::Continuation) {
                blocks.push(Block::ListItem {
                    depth,
                    marker,
                    spans,
                });
            }
        }
    }

    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    target = Target::Heading(level as u8);
                }
                Tag::Paragraph => {
                    if matches!(target, Target::Item) {
                        // A loose item's second paragraph continues on a new line.
                        inline.hard_break();
                    } else {
                        target = Target::Paragraph;
                    }
                }
                Tag::BlockQuote(_) => quote += 1,
                Tag::CodeBlock(_) => code = Some(String::new()),
                Tag::List(start) => {
                    if item.is_some() {
                        flush_item(&mut blocks, &mut item, &mut inline);
                    }
                    lists.push(start);
                }
                Tag::Item => {
                    let depth = lists.len().saturating_sub(1);
                    let marker = match lists.last_mut() {
                        Some(Some(n)) => {
                            let m = Marker::Number(*n);
                            *n += 1;
                            m
                        }
                        _ => Marker::Bullet,
                    };
                    item = Some((depth, marker));
                    target = Target::Item;
                }
                Tag::Table(aligns) => {
                    table = Some(Block::Table {
                        header: Vec::new(),
                        rows: Vec::new(),
                        right: aligns.iter().map(|a| *a == Alignment::Right).collect(),
                    })
                }
                Tag::TableHead | Tag::TableRow => row.clear(),
                Tag::TableCell => target = Target::Cell,
                Tag::Emphasis => inline.emphasis += 1,
                Tag::Strong => inline.strong += 1,
                Tag::Link { dest_url, .. } => links.push(dest_url.to_string()),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(_) => {
                    if let Target::Heading(level) = target {
                        blocks.push(Block::Heading {
                            level,
                            spans: inline.take(),
                        });
                    }
                    target = Target::None;
                }
                TagEnd::Paragraph => {
                    if matches!(target, Target::Paragraph) {
                        let spans = inline.take();
                        if !spans.is_empty() {
                            blocks.push(Block::Paragraph {
                                spans,
                                quote: quote > 0,
                            });
                        }
                        target = Target::None;
                    }
                }
                TagEnd::BlockQuote(_) => quote = quote.saturating_sub(1),
                TagEnd::CodeBlock => {
                    if let Some(text) = code.take() {
                        blocks.push(Block::Code {
                            text: text.trim_end_matches('\n').to_string(),
                        });
                    }
                }
                TagEnd::List(_) => {
                    lists.pop();
                    // Text after a nested list belongs to the enclosing item.
                    if !lists.is_empty() {
                        item = Some((lists.len() - 1, Marker::Continuation));
                        target = Target::Item;
                    } else {
                        target = Target::None;
                    }
                }
                TagEnd::Item => {
                    flush_item(&mut blocks, &mut item, &mut inline);
                    target = if lists.is_empty() {
                        Target::None
                    } else {
                        Target::Item
                    };
                }
                TagEnd::TableCell => {
                    row.push(inline.take());
                    target = Target::None;
                }
                TagEnd::TableHead => {
                    if let Some(Block::Table { header, .. }) = table.as_mut() {
                        *header = std::mem::take(&mut row);
                    }
                }
                TagEnd::TableRow => {
                    if let Some(Block::Table { rows, .. }) = table.as_mut() {
                        rows.push(std::mem::take(&mut row));
                    }
                }
                TagEnd::Table => blocks.extend(table.take()),
                TagEnd::Emphasis => inline.emphasis = inline.emphasis.saturating_sub(1),
                TagEnd::Strong => inline.strong = inline.strong.saturating_sub(1),
                TagEnd::Link => {
                    if let Some(url) = links.pop() {
                        // On paper a link is only useful with its address.
                        let shown = plain_text(&inline.spans);
                        if !url.is_empty() && !url.starts_with('#') && !shown.ends_with(&url) {
                            inline.push(" (", FontStyle::Regular);
                            inline.push(&url, FontStyle::Regular);
                            inline.push(")", FontStyle::Regular);
                        }
                    }
                }
                _ => {}
            },
            Event::Text(text) => {
                if let Some(code) = code.as_mut() {
                    code.push_str(&text);
                } else if matches!(target, Target::None) {
                    // Loose text outside any paragraph (e.g. in a tight quote).
                    target = Target::Paragraph;
                    inline.text(&text);
                } else {
                    inline.text(&text);
                }
            }
            Event::Code(text) => {
                if matches!(target, Target::None) {
                    target = Target::Paragraph;
                }
                inline.push(&text, FontStyle::Mono);
            }
            Event::SoftBreak => inline.text(" "),
            Event::HardBreak => inline.hard_break(),
            Event::InlineHtml(html) => {
                let tag = html.trim().to_ascii_lowercase();
                if tag == "<br>" || tag == "<br/>" || tag == "<br />" {
                    inline.hard_break();
                }
            }
            Event::Html(html) if is_pagebreak(&html) => blocks.push(Block::PageBreak),
            Event::Rule => blocks.push(Block::Rule),
            Event::TaskListMarker(checked) => {
                if let Some((_, marker)) = item.as_mut() {
                    *marker = Marker::Task(checked);
                }
            }
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_inline_styles() {
        let blocks = parse("# Findings\n\nSome **bold** and *slanted* and `code` text.\n");
        assert_eq!(
            blocks[0],
            Block::Heading {
                level: 1,
                spans: vec![Span::regular("Findings")]
            }
        );
        let Block::Paragraph { spans, .. } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        let styles: Vec<_> = spans.iter().map(|s| (s.text.as_str(), s.style)).collect();
        assert_eq!(
            styles,
            vec![
                ("Some ", FontStyle::Regular),
                ("bold", FontStyle::Bold),
                (" and ", FontStyle::Regular),
                ("slanted", FontStyle::Oblique),
                (" and ", FontStyle::Regular),
                ("code", FontStyle::Mono),
                (" text.", FontStyle::Regular),
            ]
        );
    }

    #[test]
    fn task_lists_tables_pagebreaks_and_links() {
        let md = "- [ ] `SITE-UPG-NYC` Upgrade\n- [x] Done one\n  - nested\n\n\
                  <!-- pagebreak -->\n\n| ID | Task |\n|---|---:|\n| A-1 | One<br>two |\n| B-2 | [S3](https://example.com/s3) |\n";
        let blocks = parse(md);
        assert!(matches!(
            &blocks[0],
            Block::ListItem { depth: 0, marker: Marker::Task(false), spans } if plain_text(spans) == "SITE-UPG-NYC Upgrade"
        ));
        assert!(matches!(
            &blocks[1],
            Block::ListItem {
                marker: Marker::Task(true),
                ..
            }
        ));
        assert!(matches!(
            &blocks[2],
            Block::ListItem {
                depth: 1,
                marker: Marker::Bullet,
                ..
            }
        ));
        assert_eq!(blocks[3], Block::PageBreak);
        let Block::Table { header, rows, .. } = &blocks[4] else {
            panic!("{blocks:?}")
        };
        assert_eq!(header.len(), 2);
        assert!(matches!(&blocks[4], Block::Table { right, .. } if right == &[false, true]));
        assert_eq!(rows.len(), 2);
        assert!(rows[0][1].iter().any(Span::is_break));
        assert_eq!(plain_text(&rows[1][1]), "S3 (https://example.com/s3)");
    }
}
