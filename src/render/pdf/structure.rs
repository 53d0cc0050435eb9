//! The document's logical structure, recorded by the layout as it places content: what each
//! stretch of a page's items is (a heading, a list item's label, a table cell…) and in which
//! order a reader meets it. The writer turns it into the tagged PDF's structure tree; running
//! headers, footers and table rules are artifacts, outside the tree.

/// What a structure element is (the standard structure types of ISO 32000-1, 14.8.4).
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// H1–H3, with the heading's text.
    Heading(u8, String),
    Paragraph,
    List {
        ordered: bool,
    },
    ListItem,
    /// A list item's bullet, number or check box, with what a check box says ("Done:").
    Label(String),
    ListBody,
    Table,
    TableRow,
    /// A column's header cell.
    HeaderCell,
    /// A row's header cell (the cover's details: label, then value).
    RowHeaderCell,
    DataCell,
    /// A link: its text and its annotation.
    Link,
    Code,
    BlockQuote,
    /// A drawing, with the words that replace it for a reader who cannot see it.
    Figure(String),
    Contents,
    ContentsItem,
}

/// A child of a structure element, in reading order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Child {
    Element(usize),
    /// A marked stretch of a page's items: `Page::marks[mark]`.
    Content {
        page: usize,
        mark: usize,
    },
    /// A link annotation: `Page::links[link]`.
    Annotation {
        page: usize,
        link: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    pub children: Vec<Child>,
}

/// The elements (an arena: children refer to elements by index) and the top-level ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Structure {
    pub elements: Vec<Element>,
    pub roots: Vec<usize>,
}

impl Structure {
    /// Adds an element under `parent` (or at the top level) and returns its index.
    pub fn add(&mut self, role: Role, parent: Option<usize>) -> usize {
        let id = self.elements.len();
        self.elements.push(Element {
            role,
            children: Vec::new(),
        });
        match parent {
            Some(p) => self.elements[p].children.push(Child::Element(id)),
            None => self.roots.push(id),
        }
        id
    }

    /// Appends another structure whose pages come after `page_offset` pages of this one.
    pub fn append(&mut self, other: Structure, page_offset: usize) {
        let base = self.elements.len();
        for mut e in other.elements {
            for c in &mut e.children {
                *c = match *c {
                    Child::Element(i) => Child::Element(i + base),
                    Child::Content { page, mark } => Child::Content {
                        page: page + page_offset,
                        mark,
                    },
                    Child::Annotation { page, link } => Child::Annotation {
                        page: page + page_offset,
                        link,
                    },
                };
            }
            self.elements.push(e);
        }
        self.roots.extend(other.roots.into_iter().map(|r| r + base));
    }
}

/// What a stretch of a page's items is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tag {
    /// Running header, footer, page number, rules and fills: not part of the text.
    Artifact(ArtifactKind),
    Element(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArtifactKind {
    Header,
    Footer,
    Layout,
}

/// From `first_item` on (until the next mark), the page's items are `tag`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub first_item: usize,
    pub tag: Tag,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    Uri(String),
    /// A position in the document: page index and y from the page's top.
    Position {
        page: usize,
        y: f32,
    },
    /// A task's entry, by ID (resolved once the whole document is laid out).
    Task(String),
    /// A site's entry (the list item that starts with its code in bold, in the Hierarchy
    /// section), resolved like a task's.
    Site(String),
}

/// A clickable area of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkArea {
    /// x, y (top), width, height.
    pub rect: [f32; 4],
    pub target: LinkTarget,
    /// What the link says it does (the annotation's `/Contents`, required by PDF/UA).
    pub alt: String,
}
