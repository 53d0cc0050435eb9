//! Laid-out document → PDF bytes, through krilla: our layout decides where every glyph, rule and
//! box goes; krilla embeds and subsets the fonts, writes the content streams (compressed on
//! several threads), the structure tree, outline, links, metadata, and checks the result against
//! the PDF standard asked for.
//!
//! Glyphs are handed over with the advances the layout measured (`Surface::draw_glyphs`), so the
//! PDF draws exactly what was measured; krilla's own text API would reshape and move them.
//!
//! Reproducibility: dates come from the plan date and krilla derives the `/ID` from the content;
//! nothing depends on the clock or the number of threads.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, ValidationError};
use krilla::destination::{Destination, XyzDestination};
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata as PdfMetadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};

use super::document::Document;
use super::fonts::{FontStyle, Fonts};
use super::layout::{Item, Rgb};
use super::structure::{self, ArtifactKind, Child, LinkTarget, Role};

/// Document information and XMP fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The plan date (YYYY-MM-DD).
    pub date: String,
    /// The document's language (BCP 47).
    pub language: String,
}

/// The PDF standard the file is written to and checked against (`--pdf-standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PdfStandard {
    /// PDF/UA-1: tagged and accessible (the default).
    #[default]
    #[value(name = "ua-1")]
    Ua1,
    /// PDF/A-2b: archivable (tagged as well).
    #[value(name = "a-2b")]
    A2b,
    /// PDF/A-2a: archivable and accessible.
    #[value(name = "a-2a")]
    A2a,
    /// Plain PDF 1.7, untagged: the smallest and fastest.
    #[value(name = "none")]
    None,
}

impl PdfStandard {
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::Ua1 => "PDF/UA-1",
            PdfStandard::A2b => "PDF/A-2b",
            PdfStandard::A2a => "PDF/A-2a",
            PdfStandard::None => "PDF 1.7",
        }
    }

    fn settings(self) -> SerializeSettings {
        let builder = ConfigurationBuilder::new();
        let builder = match self {
            PdfStandard::Ua1 => builder.with_accessibility_validator(Accessibility::UA1),
            PdfStandard::A2b => builder.with_archival_validator(Archival::A2_B),
            PdfStandard::A2a => builder.with_archival_validator(Archival::A2_A),
            PdfStandard::None => builder,
        };
        SerializeSettings {
            configuration: builder
                .finish()
                .expect("each standard has a PDF version it allows"),
            enable_tagging: self != PdfStandard::None,
            ..SerializeSettings::default()
        }
    }
}

/// The four faces as krilla fonts, once per process (krilla hashes a font's bytes once).
fn pdf_fonts() -> &'static [Font; 4] {
    static FONTS: OnceLock<[Font; 4]> = OnceLock::new();
    FONTS.get_or_init(|| {
        FontStyle::ALL
            .map(|s| Font::new(s.bytes().into(), 0).expect("the vendored DejaVu fonts parse"))
    })
}

fn style_index(style: FontStyle) -> usize {
    FontStyle::ALL
        .iter()
        .position(|s| *s == style)
        .expect("every style is in ALL")
}

fn color(c: Rgb) -> rgb::Color {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    rgb::Color::new(byte(c.0), byte(c.1), byte(c.2))
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: color(c).into(),
        ..Fill::default()
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: color(c).into(),
        width,
        ..Stroke::default()
    }
}

/// Whether text needs shaping: Hebrew and Arabic (joining forms, right to left) and combining
/// marks (placed on their base). Latin text is drawn glyph by glyph from the layout's widths.
pub fn needs_shaping(text: &str) -> bool {
    text.chars().any(|c| is_rtl(c) || is_mark(c))
}

fn is_rtl(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn is_mark(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    )
}

/// The faces for rustybuzz, parsed once.
fn shaping_faces() -> &'static [rustybuzz::Face<'static>; 4] {
    static FACES: OnceLock<[rustybuzz::Face<'static>; 4]> = OnceLock::new();
    FACES.get_or_init(|| {
        FontStyle::ALL.map(|s| {
            rustybuzz::Face::from_slice(s.bytes(), 0).expect("the vendored DejaVu fonts parse")
        })
    })
}

/// Direction runs of a text set left to right: a stretch of right-to-left letters (with the
/// spaces and punctuation between them) is one run, shaped right to left. Returns
/// (byte range, right to left).
fn direction_runs(text: &str) -> Vec<(std::ops::Range<usize>, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let strong: Vec<Option<bool>> = chars
        .iter()
        .map(|(_, c)| {
            if is_rtl(*c) {
                Some(true)
            } else if c.is_alphanumeric() {
                Some(false)
            } else {
                None
            }
        })
        .collect();
    let mut runs: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    for (i, (at, c)) in chars.iter().enumerate() {
        let rtl = strong[i].unwrap_or_else(|| {
            let before = strong[..i].iter().rev().find_map(|d| *d);
            let after = strong[i + 1..].iter().find_map(|d| *d);
            before == Some(true) && after == Some(true)
        });
        let end = at + c.len_utf8();
        match runs.last_mut() {
            Some((range, dir)) if *dir == rtl => range.end = end,
            _ => runs.push((*at..end, rtl)),
        }
    }
    runs
}

/// Shapes one direction run in `face`: glyphs in visual order, advances and offsets in ems, each
/// glyph's cluster as a byte range of `text`.
pub fn shape(face: FontStyle, text: &str, rtl: bool) -> Vec<KrillaGlyph> {
    let rb = &shaping_faces()[style_index(face)];
    let upem = Fonts::get().metrics(face).units_per_em;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(rb, &[], buffer);
    let infos = shaped.glyph_infos();
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    infos
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = starts
                .iter()
                .find(|s| **s > start)
                .copied()
                .unwrap_or(text.len());
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                0.0,
                start..end,
                None,
            )
        })
        .collect()
}

/// Draws text that needs shaping, run by run left to right, in the face that has its letters.
fn draw_shaped(
    surface: &mut Surface,
    x: f32,
    baseline: f32,
    text: &str,
    font: FontStyle,
    size: f32,
) {
    let fonts = Fonts::get();
    let mut dx = 0.0;
    for (range, rtl) in direction_runs(text) {
        let face = text[range.clone()]
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or(font, |c| fonts.resolve(font, c).0);
        // What the face lacks (emoji, rare marks) shows as a visible replacement, as elsewhere.
        let part: String = text[range]
            .chars()
            .map(|c| {
                if c == ' ' || fonts.has_glyph(face, c) {
                    c
                } else {
                    super::fonts::REPLACEMENT
                }
            })
            .collect();
        let part = part.as_str();
        let replacement = GlyphId::new(u32::from(fonts.glyph_id(face, super::fonts::REPLACEMENT)));
        let mut glyphs = shape(face, part, rtl);
        for g in &mut glyphs {
            if g.glyph_id.to_u32() == 0 {
                g.glyph_id = replacement;
            }
        }
        let width: f32 = glyphs.iter().map(|g| g.x_advance * size).sum();
        surface.draw_glyphs(
            Point::from_xy(x + dx, baseline),
            &glyphs,
            pdf_fonts()[style_index(face)].clone(),
            part,
            size,
            false,
        );
        dx += width;
    }
}

/// Draws a text item: runs of the face that has each character (the layout measured with the
/// same fallback), each glyph advancing by its own width.
#[allow(clippy::too_many_arguments)]
fn draw_text(
    surface: &mut Surface,
    x: f32,
    baseline: f32,
    text: &str,
    font: FontStyle,
    size: f32,
    c: Rgb,
    glyphs: &mut Vec<KrillaGlyph>,
    run_text: &mut String,
) {
    let fonts = Fonts::get();
    surface.set_fill(Some(fill(c)));
    surface.set_stroke(None);
    if needs_shaping(text) {
        draw_shaped(surface, x, baseline, text, font, size);
        return;
    }
    let mut dx = 0.0;
    let mut start_x = 0.0;
    let mut open: Option<FontStyle> = None;
    glyphs.clear();
    run_text.clear();
    let flush = |surface: &mut Surface,
                 face: FontStyle,
                 at: f32,
                 glyphs: &mut Vec<KrillaGlyph>,
                 run_text: &mut String| {
        if !glyphs.is_empty() {
            surface.draw_glyphs(
                Point::from_xy(x + at, baseline),
                glyphs,
                pdf_fonts()[style_index(face)].clone(),
                run_text,
                size,
                false,
            );
        }
        glyphs.clear();
        run_text.clear();
    };
    for ch in text.chars() {
        let (face, drawn) = fonts.resolve(font, ch);
        if open != Some(face) {
            if let Some(prev) = open {
                flush(surface, prev, start_x, glyphs, run_text);
            }
            open = Some(face);
            start_x = dx;
        }
        let gid = fonts.glyph_id(face, drawn);
        let upem = fonts.metrics(face).units_per_em;
        let advance = f32::from(fonts.glyph_advance(face, gid)) / upem;
        let from = run_text.len();
        run_text.push(drawn);
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(u32::from(gid)),
            advance,
            0.0,
            0.0,
            0.0,
            from..run_text.len(),
            None,
        ));
        dx += advance * size;
    }
    if let Some(face) = open {
        flush(surface, face, start_x, glyphs, run_text);
    }
}

fn draw_item(
    surface: &mut Surface,
    item: &Item,
    glyphs: &mut Vec<KrillaGlyph>,
    run_text: &mut String,
) {
    match item {
        Item::Text {
            x,
            baseline,
            text,
            font,
            size,
            color,
        } => draw_text(
            surface, *x, *baseline, text, *font, *size, *color, glyphs, run_text,
        ),
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(*color, *width)));
                surface.draw_path(&path);
            }
        }
        Item::Fill { x, y, w, h, color } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_path(&path);
                }
            }
        }
        Item::Checkbox {
            x,
            y,
            size,
            checked,
        } => {
            let ink = Rgb(0.15, 0.15, 0.15);
            surface.set_fill(None);
            if let Some(rect) = Rect::from_xywh(*x, *y, *size, *size) {
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    surface.set_stroke(Some(stroke(ink, 0.7)));
                    surface.draw_path(&path);
                }
            }
            if *checked {
                let (x, top, s) = (*x, *y, *size);
                let mut pb = PathBuilder::new();
                pb.move_to(x + 0.2 * s, top + 0.55 * s);
                pb.line_to(x + 0.42 * s, top + 0.8 * s);
                pb.line_to(x + 0.85 * s, top + 0.18 * s);
                if let Some(path) = pb.finish() {
                    surface.set_stroke(Some(stroke(ink, 1.2)));
                    surface.draw_path(&path);
                }
            }
        }
    }
}

fn artifact(kind: ArtifactKind) -> ContentTag<'static> {
    ContentTag::Artifact(Artifact::with_kind(match kind {
        ArtifactKind::Header => ArtifactType::Header,
        ArtifactKind::Footer => ArtifactType::Footer,
        ArtifactKind::Layout => ArtifactType::Layout,
    }))
}

fn tag_kind(role: &Role) -> TagKind {
    match role {
        Role::Heading(level, title) => Tag::Hn(
            NonZeroU16::new(u16::from((*level).max(1))).expect("at least 1"),
            Some(title.clone()),
        )
        .into(),
        Role::Paragraph => Tag::P.into(),
        Role::List { ordered } => Tag::L(if *ordered {
            ListNumbering::Decimal
        } else {
            ListNumbering::None
        })
        .into(),
        Role::ListItem => Tag::LI.into(),
        Role::Label(alt) if !alt.is_empty() => Tag::Lbl.with_alt_text(Some(alt.clone())).into(),
        Role::Label(_) => Tag::Lbl.into(),
        Role::ListBody => Tag::LBody.into(),
        Role::Table => Tag::Table.into(),
        Role::TableRow => Tag::TR.into(),
        Role::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
        Role::RowHeaderCell => Tag::TH(TableHeaderScope::Row).into(),
        Role::DataCell => Tag::TD.into(),
        Role::Link => Tag::Link.into(),
        Role::Code => Tag::Code.into(),
        Role::BlockQuote => Tag::BlockQuote.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        Role::Contents => Tag::TOC.into(),
        Role::ContentsItem => Tag::TOCI.into(),
    }
}

/// The identifiers krilla handed out while drawing: per page, per mark and per link.
struct Identifiers {
    marks: Vec<Vec<Option<Identifier>>>,
    links: Vec<Vec<Option<Identifier>>>,
}

/// Builds an element's group; None when nothing of it was drawn (krilla drops empty groups, but
/// an identifier must appear exactly once, so each is taken as it is placed).
fn group(s: &structure::Structure, element: usize, ids: &mut Identifiers) -> Option<TagGroup> {
    let e = &s.elements[element];
    let mut g = TagGroup::new(tag_kind(&e.role));
    for child in &e.children {
        match *child {
            Child::Element(i) => {
                if let Some(sub) = group(s, i, ids) {
                    g.push(Node::from(sub));
                }
            }
            Child::Content { page, mark } => {
                if let Some(id) = ids
                    .marks
                    .get_mut(page)
                    .and_then(|m| m.get_mut(mark)?.take())
                {
                    g.push(id);
                }
            }
            Child::Annotation { page, link } => {
                if let Some(id) = ids
                    .links
                    .get_mut(page)
                    .and_then(|l| l.get_mut(link)?.take())
                {
                    g.push(id);
                }
            }
        }
    }
    (!g.children.is_empty()).then_some(g)
}

fn outline(doc: &Document) -> Outline {
    let mut outline = Outline::new();
    let mut current: Option<OutlineNode> = None;
    for e in &doc.outline {
        let node = OutlineNode::new(
            e.title.clone(),
            XyzDestination::new(e.page, Point::from_xy(0.0, (e.y - 4.0).max(0.0))),
        );
        if e.level <= 1 {
            if let Some(done) = current.take() {
                outline.push_child(done);
            }
            current = Some(node.with_open(true));
        } else if let Some(parent) = current.as_mut() {
            parent.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(done) = current {
        outline.push_child(done);
    }
    outline
}

fn metadata(meta: &Metadata) -> PdfMetadata {
    let version = env!("CARGO_PKG_VERSION");
    let mut m = PdfMetadata::new()
        .title(meta.title.clone())
        .language(meta.language.clone())
        .creator(format!("cmplan {version}"))
        .producer(format!("cmplan {version} (krilla)"));
    if !meta.author.is_empty() {
        m = m.authors(vec![meta.author.clone()]);
    }
    if !meta.subject.is_empty() {
        m = m.description(meta.subject.clone());
    }
    if !meta.keywords.is_empty() {
        m = m.keywords(meta.keywords.clone());
    }
    let mut parts = meta.date.split('-').map(|p| p.parse::<u16>().ok());
    if let (Some(Some(y)), Some(Some(mo)), Some(Some(d))) =
        (parts.next(), parts.next(), parts.next())
    {
        m = m.creation_date(
            DateTime::new(y)
                .month(mo as u8)
                .day(d as u8)
                .hour(0)
                .minute(0)
                .second(0)
                .utc_offset_hour(0)
                .utc_offset_minute(0),
        );
    }
    m
}

fn describe(e: &ValidationError) -> String {
    format!("{e:?}")
}

/// Why a file could not be written, in words a user can act on.
fn explain(error: KrillaError, standard: PdfStandard) -> String {
    match error {
        KrillaError::Validation(errors) => {
            let mut seen: Vec<String> = Vec::new();
            for (e, _) in &errors {
                let d = describe(e);
                if !seen.contains(&d) {
                    seen.push(d);
                }
            }
            format!(
                "the PDF does not meet {} ({} problem{}: {}); write it with \
                 --pdf-standard none, or another standard, to get a file anyway",
                standard.name(),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                seen.join("; ")
            )
        }
        other => format!("writing the PDF failed: {other:?}"),
    }
}

/// Writes the laid-out document as a PDF meeting `standard`.
pub fn write(doc: &Document, meta: &Metadata, standard: PdfStandard) -> Result<Vec<u8>, String> {
    let mut pdf = PdfDocument::new_with(standard.settings());
    let (w, h) = (doc.geometry.width, doc.geometry.height);
    let mut ids = Identifiers {
        marks: Vec::with_capacity(doc.pages.len()),
        links: Vec::with_capacity(doc.pages.len()),
    };
    let mut glyphs = Vec::new();
    let mut run_text = String::new();
    for page in &doc.pages {
        let settings = PageSettings::from_wh(w, h).ok_or("the paper size is not a valid page")?;
        let mut p = pdf.start_page_with(settings);
        let mut page_ids = Vec::with_capacity(page.marks.len());
        {
            let mut surface = p.surface();
            // Items before the first mark (none in practice) are artifacts.
            let first = page
                .marks
                .first()
                .map_or(page.items.len(), |m| m.first_item);
            if first > 0 {
                surface.start_tagged(artifact(ArtifactKind::Layout));
                for item in &page.items[..first] {
                    draw_item(&mut surface, item, &mut glyphs, &mut run_text);
                }
                surface.end_tagged();
            }
            for (n, mark) in page.marks.iter().enumerate() {
                let end = page
                    .marks
                    .get(n + 1)
                    .map_or(page.items.len(), |m| m.first_item);
                let items = &page.items[mark.first_item..end];
                match mark.tag {
                    structure::Tag::Artifact(kind) => {
                        surface.start_tagged(artifact(kind));
                        page_ids.push(None);
                    }
                    structure::Tag::Element(_) => {
                        page_ids.push(Some(surface.start_tagged(ContentTag::Other)));
                    }
                }
                for item in items {
                    draw_item(&mut surface, item, &mut glyphs, &mut run_text);
                }
                surface.end_tagged();
            }
            surface.finish();
        }
        let mut link_ids = Vec::with_capacity(page.links.len());
        for link in &page.links {
            let [x, y, lw, lh] = link.rect;
            let Some(rect) = Rect::from_xywh(x, y, lw.max(1.0), lh.max(1.0)) else {
                link_ids.push(None);
                continue;
            };
            let target = match &link.target {
                LinkTarget::Uri(uri) => Target::Action(Action::Link(LinkAction::new(uri.clone()))),
                LinkTarget::Position { page, y } if *page < doc.pages.len() => {
                    Target::Destination(Destination::Xyz(XyzDestination::new(
                        *page,
                        Point::from_xy(0.0, (y - 4.0).max(0.0)),
                    )))
                }
                // A task that is not in this document (a site's or wave's part of the plan).
                _ => {
                    link_ids.push(None);
                    continue;
                }
            };
            let annotation =
                Annotation::new_link(LinkAnnotation::new(rect, target), Some(link.alt.clone()));
            link_ids.push(Some(p.add_tagged_annotation(annotation)));
        }
        p.finish();
        ids.marks.push(page_ids);
        ids.links.push(link_ids);
    }

    let mut tree = TagTree::new().with_lang(Some(meta.language.clone()));
    for root in &doc.structure.roots {
        if let Some(g) = group(&doc.structure, *root, &mut ids) {
            tree.push(g);
        }
    }
    // Every identifier must sit in the tree exactly once: anything the structure did not claim
    // (it should not happen) goes in at the end rather than make krilla fail.
    let mut stray = TagGroup::new(Tag::Div);
    for id in ids.marks.iter_mut().chain(ids.links.iter_mut()).flatten() {
        if let Some(id) = id.take() {
            stray.push(id);
        }
    }
    if !stray.children.is_empty() {
        tree.push(stray);
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(outline(doc));
    pdf.set_metadata(metadata(meta));
    pdf.finish().map_err(|e| explain(e, standard))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pdf::document::{compose, Cover};
    use crate::render::Paper;

    fn meta() -> Metadata {
        Metadata {
            title: "Plan".into(),
            author: String::new(),
            subject: String::new(),
            keywords: Vec::new(),
            date: "2027-03-01".into(),
            language: "en".into(),
        }
    }

    #[test]
    fn arabic_hebrew_and_combining_marks_are_shaped() {
        let fonts = Fonts::get();
        let unshaped = |text: &str| -> Vec<u32> {
            text.chars()
                .map(|c| u32::from(fonts.glyph_id(FontStyle::Regular, c)))
                .collect()
        };
        let ids = |glyphs: &[KrillaGlyph]| -> Vec<u32> {
            glyphs.iter().map(|g| g.glyph_id.to_u32()).collect()
        };
        // Arabic letters take their joining forms; the run comes out in visual order.
        let arabic = "القاهرة";
        let shaped = shape(FontStyle::Regular, arabic, true);
        assert_ne!(ids(&shaped), unshaped(arabic));
        let mut reversed = unshaped(arabic);
        reversed.reverse();
        assert_ne!(ids(&shaped), reversed, "only reordered, not joined");
        // A base letter and a combining acute become one accented letter (or a placed mark).
        let combining = "Sa\u{301}o Paulo";
        let shaped = shape(FontStyle::Regular, combining, false);
        assert_ne!(ids(&shaped), unshaped(combining));
        // Hebrew is reordered right to left inside a left-to-right line.
        let line = "site תל אביב (TLV)";
        let runs = direction_runs(line);
        assert_eq!(runs.len(), 3, "{runs:?}");
        assert!(!runs[0].1 && runs[1].1 && !runs[2].1, "{runs:?}");
        assert_eq!(&line[runs[1].0.clone()], "תל אביב");
        // Emoji and marks the face lacks show as the replacement character, never .notdef.
        let doc = crate::render::pdf::document::compose(
            &Cover {
                title: "Plan".into(),
                organisation: None,
                change_reference: None,
                prepared_by: None,
                date: "2027-03-01".into(),
                target_name: "Configuration Manager 2007".into(),
                revision: 1,
                input_digest: "0".repeat(64),
            },
            "# Sites\n\n- a\u{354} l\u{355} 🚀 👨\u{200d}👩\u{200d}👧 القاهرة\n",
            Paper::A4,
        );
        write(&doc, &meta(), PdfStandard::Ua1).expect("valid PDF/UA-1");
        // Latin text does not go through the shaper.
        assert!(!needs_shaping("SITE-UPG-NYC Upgrade the central site"));
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_number_of_threads() {
        // 60 sections of text with headings: many pages for krilla's page threads.
        let mut md = String::from("# Plan\n\n<!-- pagebreak -->\n\n");
        for i in 0..60 {
            md.push_str(&format!("# Section {i}\n\n"));
            for j in 0..40 {
                md.push_str(&format!(
                    "- [ ] **TASK-{i}-{j}** Ünïcødé text, 漢 and more words, after TASK-0-1\n"
                ));
            }
            md.push('\n');
        }
        let cover = Cover {
            title: "Plan".into(),
            organisation: None,
            change_reference: None,
            prepared_by: None,
            date: "2027-03-01".into(),
            target_name: "Configuration Manager 2007".into(),
            revision: 1,
            input_digest: "0".repeat(64),
        };
        let doc = compose(&cover, &md, Paper::A4);
        assert!(doc.pages.len() > 64, "{} pages", doc.pages.len());
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| write(&doc, &meta(), PdfStandard::Ua1).unwrap())
        };
        let one = run(1);
        for threads in [2, 3] {
            assert!(run(threads) == one, "{threads} threads");
        }
    }
}
