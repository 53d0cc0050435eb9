//! Layout → PDF bytes through printpdf, then lopdf for what printpdf cannot do: a nested outline
//! with positioned destinations, and a file `/ID` derived from the content.
//!
//! Reproducibility: font resource IDs are fixed names (printpdf's are process-wide counters),
//! dates come from the plan date, and the `/ID` is a hash of what was typeset, so the same input
//! and date give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use super::document::Document;
use super::fonts::{FontStyle, Fonts};
use super::layout::{Item, Rgb};
use super::subset;

/// Document information dictionary fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Seconds since the Unix epoch (midnight UTC of the plan date).
    pub timestamp: i64,
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

fn pt(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

fn font_id(style: FontStyle) -> FontId {
    FontId(style.resource_name().to_string())
}

/// The page's drawing operations; y is flipped (layout measures from the top).
fn page_ops(items: &[Item], height: f32) -> Vec<Op> {
    let mut ops = Vec::new();
    // Fills first, so that text and rules are drawn over them.
    for item in items {
        if let Item::Fill {
            x,
            y,
            w,
            h,
            color: c,
        } = item
        {
            ops.push(Op::SetFillColor { col: color(*c) });
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(*x),
                    y: Pt(height - y - h),
                    width: Pt(*w),
                    height: Pt(*h),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
    }
    let mut stroke: Option<(Rgb, f32)> = None;
    for item in items {
        match item {
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color: c,
            } => {
                if stroke != Some((*c, *width)) {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    stroke = Some((*c, *width));
                }
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![pt(*x1, height - y1), pt(*x2, height - y2)],
                        is_closed: false,
                    },
                });
            }
            Item::Checkbox {
                x,
                y,
                size,
                checked,
            } => {
                let c = Rgb(0.15, 0.15, 0.15);
                ops.push(Op::SetOutlineColor { col: color(c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(0.7) });
                stroke = Some((c, 0.7));
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(height - y - size),
                        width: Pt(*size),
                        height: Pt(*size),
                        mode: Some(PaintMode::Stroke),
                        winding_order: None,
                    },
                });
                if *checked {
                    let (x, top, s) = (*x, height - y, *size);
                    ops.push(Op::SetOutlineThickness { pt: Pt(1.2) });
                    stroke = Some((c, 1.2));
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                pt(x + 0.2 * s, top - 0.55 * s),
                                pt(x + 0.42 * s, top - 0.8 * s),
                                pt(x + 0.85 * s, top - 0.18 * s),
                            ],
                            is_closed: false,
                        },
                    });
                }
            }
            _ => {}
        }
    }
    let texts: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i, Item::Text { .. }))
        .collect();
    if !texts.is_empty() {
        ops.push(Op::StartTextSection);
        let mut current: Option<(FontStyle, f32)> = None;
        let mut fill: Option<Rgb> = None;
        for item in texts {
            let Item::Text {
                x,
                baseline,
                text,
                font,
                size,
                color: c,
            } = item
            else {
                continue;
            };
            if fill != Some(*c) {
                ops.push(Op::SetFillColor { col: color(*c) });
                fill = Some(*c);
            }
            for (font, dx, text) in resolved_runs(*font, text, *size) {
                if current != Some((font, *size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id(font)),
                        size: Pt(*size),
                    });
                    current = Some((font, *size));
                }
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(x + dx), Pt(height - baseline)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text)],
                });
            }
        }
        ops.push(Op::EndTextSection);
    }
    ops
}

/// Splits text into runs of the face that actually has each character (the layout measured
/// with the same fallback), with each run's offset from the text's start.
fn resolved_runs(style: FontStyle, text: &str, size: f32) -> Vec<(FontStyle, f32, String)> {
    let fonts = Fonts::get();
    let mut runs: Vec<(FontStyle, f32, String)> = Vec::new();
    let mut x = 0.0;
    for c in text.chars() {
        let (font, c) = fonts.resolve(style, c);
        match runs.last_mut() {
            Some((f, _, s)) if *f == font => s.push(c),
            _ => runs.push((font, x, c.to_string())),
        }
        x += fonts.advance(font, c, size);
    }
    runs
}

/// The glyph IDs each face draws in the document.
fn used_glyphs(doc: &Document) -> BTreeMap<FontStyle, BTreeSet<u16>> {
    let fonts = Fonts::get();
    let mut used: BTreeMap<FontStyle, BTreeSet<u16>> = BTreeMap::new();
    for item in doc.pages.iter().flat_map(|p| p.items.iter()) {
        if let Item::Text {
            font, text, size, ..
        } = item
        {
            for (font, _, run) in resolved_runs(*font, text, *size) {
                let set = used.entry(font).or_default();
                set.extend(run.chars().map(|c| fonts.glyph_id(font, c)));
            }
        }
    }
    used
}

/// The `ABCDEF+` tag marking a subset font (ISO 32000-1, 9.6.4), derived from its glyphs.
fn subset_tag(glyphs: &BTreeSet<u16>) -> String {
    let mut h = Sha256::new();
    for g in glyphs {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

fn utf16(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Replaces printpdf's flat, title-sorted bookmarks by a two-level outline in document order,
/// each entry jumping to its heading's position.
fn add_outline(lo: &mut lopdf::Document, doc: &Document) -> Result<(), String> {
    if doc.outline.is_empty() {
        return Ok(());
    }
    let pages: Vec<ObjectId> = lo.get_pages().values().copied().collect();
    let root = lo.new_object_id();
    // Tree: (entry index, children indices).
    let mut tops: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, e) in doc.outline.iter().enumerate() {
        match tops.last_mut() {
            Some((_, children)) if e.level > 1 => children.push(i),
            _ => tops.push((i, Vec::new())),
        }
    }
    let ids: Vec<ObjectId> = doc.outline.iter().map(|_| lo.new_object_id()).collect();
    let height = doc.geometry.height;
    let make = |i: usize, parent: ObjectId, prev: Option<usize>, next: Option<usize>| {
        let e = &doc.outline[i];
        let page = pages.get(e.page).copied().unwrap_or(pages[0]);
        let mut d = Dictionary::new();
        d.set("Title", utf16(&e.title));
        d.set("Parent", Object::Reference(parent));
        d.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(page),
                Object::Name(b"XYZ".to_vec()),
                Object::Null,
                Object::Real(height - e.y + 4.0),
                Object::Null,
            ]),
        );
        if let Some(p) = prev {
            d.set("Prev", Object::Reference(ids[p]));
        }
        if let Some(n) = next {
            d.set("Next", Object::Reference(ids[n]));
        }
        d
    };
    for (t, (i, children)) in tops.iter().enumerate() {
        let prev = t.checked_sub(1).map(|p| tops[p].0);
        let next = tops.get(t + 1).map(|n| n.0);
        let mut d = make(*i, root, prev, next);
        if let (Some(first), Some(last)) = (children.first(), children.last()) {
            d.set("First", Object::Reference(ids[*first]));
            d.set("Last", Object::Reference(ids[*last]));
            // Positive count: sections open, phases visible.
            d.set("Count", Object::Integer(children.len() as i64));
        }
        for (c, child) in children.iter().enumerate() {
            let prev = c.checked_sub(1).map(|p| children[p]);
            let next = children.get(c + 1).copied();
            let cd = make(*child, ids[*i], prev, next);
            lo.set_object(ids[*child], cd);
        }
        lo.set_object(ids[*i], d);
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("First", Object::Reference(ids[tops[0].0]));
    outlines.set("Last", Object::Reference(ids[tops[tops.len() - 1].0]));
    outlines.set("Count", Object::Integer(doc.outline.len() as i64));
    lo.set_object(root, outlines);
    let catalog = lo.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("Outlines", Object::Reference(root));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    Ok(())
}

/// printpdf writes PDF/X keys (an empty `GTS_PDFXVersion`) that make readers take the file
/// for PDF/X, which it is not; drop them and empty entries.
fn tidy_info(lo: &mut lopdf::Document) {
    let Ok(Object::Reference(id)) = lo.trailer.get(b"Info").cloned() else {
        return;
    };
    if let Ok(info) = lo.get_dictionary_mut(id) {
        for key in ["GTS_PDFXVersion", "Trapped"] {
            info.remove(key.as_bytes());
        }
        let empty: Vec<Vec<u8>> = info
            .iter()
            .filter(
                |(_, v)| matches!(v, Object::String(s, _) if s.is_empty() || s == &[0xFE, 0xFF]),
            )
            .map(|(k, _)| k.clone())
            .collect();
        for key in empty {
            info.remove(&key);
        }
    }
}

/// A stable fingerprint of everything drawn, for the trailer `/ID`.
fn content_id(doc: &Document, meta: &Metadata) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(format!("{meta:?}").as_bytes());
    h.update(format!("{:?}", doc.geometry).as_bytes());
    for page in &doc.pages {
        h.update(format!("{:?}", page.items).as_bytes());
    }
    h.update(format!("{:?}", doc.outline).as_bytes());
    h.finalize()[..16].to_vec()
}

pub fn write(doc: &Document, meta: &Metadata) -> Result<Vec<u8>, String> {
    let mut pdf = PdfDocument::new(&meta.title);
    for (style, glyphs) in used_glyphs(doc) {
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(style.bytes(), 0, &mut warnings)
            .ok_or_else(|| format!("cannot load font {}", style.resource_name()))?;
        // Widths and the character map were read from the whole font above; only the
        // embedded program is reduced, glyph IDs unchanged (see subset.rs).
        parsed.original_bytes = subset::strip_unused_glyphs(style.bytes(), &glyphs)
            .map_err(|e| format!("subsetting {}: {e}", style.resource_name()))?;
        parsed.font_name = Some(format!("{}+{}", subset_tag(&glyphs), style.resource_name()));
        pdf.resources
            .fonts
            .map
            .insert(font_id(style), PdfFont::new(parsed));
    }
    let (w, h) = (doc.geometry.width, doc.geometry.height);
    pdf.pages = doc
        .pages
        .iter()
        .map(|p| {
            let mut page =
                PdfPage::new(printpdf::Mm(0.0), printpdf::Mm(0.0), page_ops(&p.items, h));
            let bbox = Rect::from_wh(Pt(w), Pt(h));
            page.media_box = bbox.clone();
            page.trim_box = bbox.clone();
            page.crop_box = bbox;
            page
        })
        .collect();

    let date =
        printpdf::OffsetDateTime::from_unix_timestamp(meta.timestamp).map_err(|e| e.to_string())?;
    let info = &mut pdf.metadata.info;
    info.document_title = meta.title.clone();
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = format!("cmplan {}", env!("CARGO_PKG_VERSION"));
    info.producer = format!("cmplan {} (printpdf)", env!("CARGO_PKG_VERSION"));
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;

    let opts = PdfSaveOptions {
        optimize: true,
        // printpdf's own subsetting needs its `text_layout` feature; we subset ourselves.
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    add_outline(&mut lo, doc)?;
    tidy_info(&mut lo);
    let id = content_id(doc, meta);
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
