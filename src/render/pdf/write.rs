//! Layout → PDF bytes, written directly: page content streams, the four DejaVu faces as
//! subset CID TrueType fonts (Identity-H, with `/W` widths and a ToUnicode map), a nested
//! outline with positioned destinations, the document information and a content-derived `/ID`.
//!
//! Why not printpdf: it turned every drawing operation into an object tree that lopdf then
//! serialised again; at 2,000 sites (≈ 5,000 pages) that was ~60 % of the PDF's time (see
//! BENCHMARKS.md). What the layout draws is four kinds of item, so the operators are written
//! straight into each page's stream.
//!
//! Reproducibility: no process-wide counters or clocks reach the file: object numbers follow
//! the document, dates come from the plan date, and the `/ID` is a hash of the body.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
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

/// zlib level of the page content streams. Level 1 is ~4× faster than the default (6) on this
/// text-operator content and makes the file ~25 % larger; pages dominate the time of a large plan.
const CONTENT_LEVEL: u32 = 1;
/// zlib level of the embedded font programs: four at most per file, so the smaller file wins.
const FONT_LEVEL: u32 = 6;

/// Appends `v` with at most three decimals (a thousandth of a point is below any device's
/// resolution), without a trailing zero or point.
fn num(out: &mut Vec<u8>, v: f32) {
    let scaled = (f64::from(v) * 1000.0).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let a = scaled.unsigned_abs();
    int(out, a / 1000);
    let frac = a % 1000;
    if frac != 0 {
        let digits = [
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        let n = if frac.is_multiple_of(100) {
            1
        } else if frac.is_multiple_of(10) {
            2
        } else {
            3
        };
        out.push(b'.');
        out.extend_from_slice(&digits[..n]);
    }
}

fn int(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends numbers separated by spaces, then the operator.
fn op(out: &mut Vec<u8>, args: &[f32], operator: &[u8]) {
    for a in args {
        num(out, *a);
        out.push(b' ');
    }
    out.extend_from_slice(operator);
    out.push(b'\n');
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends a glyph ID as two bytes of a literal string, escaping what the string syntax
/// would otherwise read: parentheses, backslash, and line ends (which readers normalise).
fn glyph_code(out: &mut Vec<u8>, gid: u16) {
    for b in gid.to_be_bytes() {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
}

fn hex16(out: &mut Vec<u8>, v: u16) {
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((v >> shift) & 0xF)]);
    }
}

/// A text string (ISO 32000-1, 7.9.2.2): UTF-16BE with its byte order mark, in hex.
fn text_string(s: &str) -> String {
    let mut out = Vec::with_capacity(6 + 4 * s.len());
    out.extend_from_slice(b"<FEFF");
    for u in s.encode_utf16() {
        hex16(&mut out, u);
    }
    out.push(b'>');
    String::from_utf8(out).expect("hex digits are ASCII")
}

fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::new(level));
    z.write_all(data).expect("writing to memory");
    z.finish().expect("writing to memory")
}

/// The glyphs each face draws, with the character each stands for (ToUnicode).
struct UsedGlyphs {
    /// Per face (by `FontStyle::ALL` order), per glyph ID: the character + 1, or 0 when unused.
    chars: [Vec<u32>; 4],
}

impl UsedGlyphs {
    fn new(fonts: &Fonts) -> UsedGlyphs {
        UsedGlyphs {
            chars: FontStyle::ALL
                .map(|s| vec![0; usize::from(fonts.metrics(s).number_of_glyphs) + 1]),
        }
    }

    fn record(&mut self, style: FontStyle, gid: u16, c: char) {
        // Glyph IDs come from the face's own cmap, so they are in range; `get_mut` all the same.
        if let Some(slot) = self.chars[style_index(style)].get_mut(usize::from(gid)) {
            if *slot == 0 {
                *slot = u32::from(c) + 1;
            }
        }
    }

    /// Adds what a later run of pages drew (a glyph keeps the character it was first seen with).
    fn merge(&mut self, later: &UsedGlyphs) {
        for (mine, theirs) in self.chars.iter_mut().zip(&later.chars) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                if *m == 0 {
                    *m = *t;
                }
            }
        }
    }

    /// (glyph ID, character) pairs of one face, in glyph order.
    fn of(&self, style: FontStyle) -> Vec<(u16, char)> {
        self.chars[style_index(style)]
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(g, c)| (g as u16, char::from_u32(*c - 1).unwrap_or('\u{FFFD}')))
            .collect()
    }
}

fn style_index(style: FontStyle) -> usize {
    FontStyle::ALL
        .iter()
        .position(|s| *s == style)
        .expect("every style is in ALL")
}

/// Pen state inside a content stream, so that unchanged settings are not repeated.
#[derive(Default)]
struct Pen {
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
    font: Option<(FontStyle, f32)>,
}

impl Pen {
    fn fill(&mut self, out: &mut Vec<u8>, c: Rgb) {
        if self.fill != Some(c) {
            op(out, &[c.0, c.1, c.2], b"rg");
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, out: &mut Vec<u8>, c: Rgb, width: f32) {
        if self.stroke != Some(c) {
            op(out, &[c.0, c.1, c.2], b"RG");
            self.stroke = Some(c);
        }
        if self.width != Some(width) {
            op(out, &[width], b"w");
            self.width = Some(width);
        }
    }
}

/// One page's content stream; y is flipped (layout measures from the top). Fills first, so
/// that rules and text are drawn over them; then rules and boxes; then text.
fn page_content(items: &[Item], height: f32, used: &mut UsedGlyphs, out: &mut Vec<u8>) {
    let fonts = Fonts::get();
    let mut pen = Pen::default();
    for item in items {
        if let Item::Fill { x, y, w, h, color } = item {
            pen.fill(out, *color);
            op(out, &[*x, height - y - h, *w, *h], b"re f");
        }
    }
    for item in items {
        match item {
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                color,
            } => {
                pen.stroke(out, *color, *width);
                op(out, &[*x1, height - y1], b"m");
                op(out, &[*x2, height - y2], b"l S");
            }
            Item::Checkbox {
                x,
                y,
                size,
                checked,
            } => {
                let ink = Rgb(0.15, 0.15, 0.15);
                pen.stroke(out, ink, 0.7);
                op(out, &[*x, height - y - size, *size, *size], b"re S");
                if *checked {
                    let (x, top, s) = (*x, height - y, *size);
                    pen.stroke(out, ink, 1.2);
                    op(out, &[x + 0.2 * s, top - 0.55 * s], b"m");
                    op(out, &[x + 0.42 * s, top - 0.8 * s], b"l");
                    op(out, &[x + 0.85 * s, top - 0.18 * s], b"l S");
                }
            }
            _ => {}
        }
    }
    let mut in_text = false;
    for item in items {
        let Item::Text {
            x,
            baseline,
            text,
            font,
            size,
            color,
        } = item
        else {
            continue;
        };
        if !in_text {
            out.extend_from_slice(b"BT\n");
            in_text = true;
        }
        pen.fill(out, *color);
        // Runs of the face that actually has each character (the layout measured with the
        // same fallback), each placed at its offset from the text's start.
        let mut dx = 0.0;
        let mut open: Option<FontStyle> = None;
        for c in text.chars() {
            let (face, c) = fonts.resolve(*font, c);
            if open != Some(face) {
                if open.is_some() {
                    out.extend_from_slice(b") Tj\n");
                }
                if pen.font != Some((face, *size)) {
                    out.push(b'/');
                    out.extend_from_slice(face.resource_name().as_bytes());
                    out.push(b' ');
                    op(out, &[*size], b"Tf");
                    pen.font = Some((face, *size));
                }
                op(out, &[1.0, 0.0, 0.0, 1.0, x + dx, height - baseline], b"Tm");
                out.push(b'(');
                open = Some(face);
            }
            let gid = fonts.glyph_id(face, c);
            used.record(face, gid, c);
            glyph_code(out, gid);
            dx += fonts.advance(face, c, *size);
        }
        if open.is_some() {
            out.extend_from_slice(b") Tj\n");
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
}

/// Each run of pages: the glyphs it draws and its pages' compressed content streams.
type PageRun = (UsedGlyphs, Vec<Vec<u8>>);

fn page_streams(doc: &Document, height: f32, threads: usize) -> Vec<PageRun> {
    let fonts = Fonts::get();
    let threads = threads.max(1);
    let per_thread = doc.pages.len().div_ceil(threads).max(1);
    let run = |pages: &[super::layout::Page]| -> PageRun {
        let mut used = UsedGlyphs::new(fonts);
        let mut content = Vec::new();
        let packed = pages
            .iter()
            .map(|page| {
                content.clear();
                page_content(&page.items, height, &mut used, &mut content);
                deflate(&content, CONTENT_LEVEL)
            })
            .collect();
        (used, packed)
    };
    if threads == 1 || doc.pages.len() < 32 {
        return vec![run(&doc.pages)];
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = doc
            .pages
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || run(chunk)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The `ABCDEF+` tag marking a subset font (ISO 32000-1, 9.6.4), derived from its glyphs.
fn subset_tag(glyphs: &[(u16, char)]) -> String {
    let mut h = Sha256::new();
    for (g, _) in glyphs {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The file being written: its bytes and each object's offset (object numbers from 1).
struct PdfFile {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl PdfFile {
    fn reserve(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len()
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.offsets[id - 1] = self.out.len();
        let _ = writeln!(self.out, "{id} 0 obj");
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// A stream object; `dict` holds the entries besides `/Length` and `/Filter`.
    fn stream(&mut self, id: usize, dict: &str, data: &[u8], level: u32) {
        self.packed_stream(id, dict, &deflate(data, level));
    }

    /// A stream object whose data is already zlib-compressed.
    fn packed_stream(&mut self, id: usize, dict: &str, packed: &[u8]) {
        self.offsets[id - 1] = self.out.len();
        let _ = write!(
            self.out,
            "{id} 0 obj\n<< /Length {} /Filter /FlateDecode{}{dict} >>\nstream\n",
            packed.len(),
            if dict.is_empty() { "" } else { " " }
        );
        self.out.extend_from_slice(packed);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
}

fn font_objects(
    pdf: &mut PdfFile,
    style: FontStyle,
    glyphs: &[(u16, char)],
) -> Result<usize, String> {
    let fonts = Fonts::get();
    let m = fonts.metrics(style);
    let em = |v: f32| v * 1000.0 / m.units_per_em;
    let name = format!("{}+{}", subset_tag(glyphs), style.resource_name());
    let (type0, cid, descriptor, program, to_unicode) = (
        pdf.reserve(),
        pdf.reserve(),
        pdf.reserve(),
        pdf.reserve(),
        pdf.reserve(),
    );

    let keep = glyphs.iter().map(|(g, _)| *g).collect();
    let font = subset::strip_unused_glyphs(style.bytes(), &keep)
        .map_err(|e| format!("subsetting {}: {e}", style.resource_name()))?;
    pdf.stream(
        program,
        &format!("/Length1 {}", font.len()),
        &font,
        FONT_LEVEL,
    );

    // Widths of the glyphs drawn, in runs of consecutive IDs: `first [w1 w2 …]`.
    let mut w = Vec::new();
    let mut prev: Option<u16> = None;
    for (g, _) in glyphs {
        if prev.is_none_or(|p| p + 1 != *g) {
            if prev.is_some() {
                w.extend_from_slice(b"] ");
            }
            int(&mut w, u64::from(*g));
            w.extend_from_slice(b" [");
        } else {
            w.push(b' ');
        }
        num(&mut w, em(f32::from(fonts.glyph_advance(style, *g))));
        prev = Some(*g);
    }
    if prev.is_some() {
        w.push(b']');
    }

    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in glyphs.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{g:04X}> <{hex}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    pdf.stream(to_unicode, "", cmap.as_bytes(), FONT_LEVEL);

    // Flags (ISO 32000-1, 9.8.2): symbolic (glyphs are addressed by ID), fixed pitch, italic.
    let flags = 4 | if m.monospaced { 1 } else { 0 } | if m.italic_angle != 0.0 { 64 } else { 0 };
    let mut d = Vec::new();
    let _ = write!(
        d,
        "<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox ["
    );
    for (i, v) in m.bbox.iter().enumerate() {
        if i > 0 {
            d.push(b' ');
        }
        num(&mut d, em(f32::from(*v)));
    }
    d.extend_from_slice(b"] /ItalicAngle ");
    num(&mut d, m.italic_angle);
    d.extend_from_slice(b" /Ascent ");
    num(&mut d, em(f32::from(m.ascender)));
    d.extend_from_slice(b" /Descent ");
    num(&mut d, em(f32::from(m.descender)));
    d.extend_from_slice(b" /CapHeight ");
    num(&mut d, em(f32::from(m.cap_height)));
    let _ = write!(d, " /StemV 80 /FontFile2 {program} 0 R >>");
    pdf.object(descriptor, &d);

    let mut c = Vec::new();
    let _ = write!(
        c,
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /W ["
    );
    c.extend_from_slice(&w);
    c.extend_from_slice(b"] >>");
    pdf.object(cid, &c);

    pdf.object(
        type0,
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
             /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>"
        )
        .as_bytes(),
    );
    Ok(type0)
}

/// A two-level outline in document order, each entry jumping to its heading's position.
/// Returns the outline root, or None when the document has no headings.
fn outline(pdf: &mut PdfFile, doc: &Document, pages: &[usize]) -> Option<usize> {
    if doc.outline.is_empty() || pages.is_empty() {
        return None;
    }
    let root = pdf.reserve();
    // Tree: (entry index, children indices).
    let mut tops: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, e) in doc.outline.iter().enumerate() {
        match tops.last_mut() {
            Some((_, children)) if e.level > 1 => children.push(i),
            _ => tops.push((i, Vec::new())),
        }
    }
    let ids: Vec<usize> = doc.outline.iter().map(|_| pdf.reserve()).collect();
    let height = doc.geometry.height;
    let entry = |i: usize, parent: usize, prev: Option<usize>, next: Option<usize>| {
        let e = &doc.outline[i];
        let page = pages.get(e.page).copied().unwrap_or(pages[0]);
        let mut d = Vec::new();
        let _ = write!(
            d,
            "<< /Title {} /Parent {parent} 0 R /Dest [{page} 0 R /XYZ null ",
            text_string(&e.title)
        );
        num(&mut d, height - e.y + 4.0);
        d.extend_from_slice(b" null]");
        if let Some(p) = prev {
            let _ = write!(d, " /Prev {} 0 R", ids[p]);
        }
        if let Some(n) = next {
            let _ = write!(d, " /Next {} 0 R", ids[n]);
        }
        d
    };
    for (t, (i, children)) in tops.iter().enumerate() {
        let prev = t.checked_sub(1).map(|p| tops[p].0);
        let next = tops.get(t + 1).map(|n| n.0);
        let mut d = entry(*i, root, prev, next);
        if let (Some(first), Some(last)) = (children.first(), children.last()) {
            // Positive count: sections open, their sub-sections visible.
            let _ = write!(
                d,
                " /First {} 0 R /Last {} 0 R /Count {}",
                ids[*first],
                ids[*last],
                children.len()
            );
        }
        d.extend_from_slice(b" >>");
        pdf.object(ids[*i], &d);
        for (c, child) in children.iter().enumerate() {
            let prev = c.checked_sub(1).map(|p| children[p]);
            let next = children.get(c + 1).copied();
            let mut d = entry(*child, ids[*i], prev, next);
            d.extend_from_slice(b" >>");
            pdf.object(ids[*child], &d);
        }
    }
    pdf.object(
        root,
        format!(
            "<< /Type /Outlines /First {} 0 R /Last {} 0 R /Count {} >>",
            ids[tops[0].0],
            ids[tops[tops.len() - 1].0],
            doc.outline.len()
        )
        .as_bytes(),
    );
    Some(root)
}

fn info(meta: &Metadata) -> Result<String, String> {
    let date = chrono::DateTime::from_timestamp(meta.timestamp, 0)
        .ok_or_else(|| format!("date out of range: {}", meta.timestamp))?
        .format("(D:%Y%m%d%H%M%SZ)")
        .to_string();
    let version = env!("CARGO_PKG_VERSION");
    let keywords = meta.keywords.join(",");
    let mut d = String::from("<<");
    for (key, value) in [
        ("Title", meta.title.as_str()),
        ("Author", meta.author.as_str()),
        ("Subject", meta.subject.as_str()),
        ("Keywords", keywords.as_str()),
    ] {
        if !value.is_empty() {
            d.push_str(&format!(" /{key} {}", text_string(value)));
        }
    }
    d.push_str(&format!(
        " /Creator (cmplan {version}) /Producer (cmplan {version}) /CreationDate {date} /ModDate {date} >>"
    ));
    Ok(d)
}

pub fn write(doc: &Document, meta: &Metadata) -> Result<Vec<u8>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    write_with_threads(doc, meta, threads)
}

/// [`write`] with the page streams made on `threads` threads (the bytes do not depend on it).
fn write_with_threads(doc: &Document, meta: &Metadata, threads: usize) -> Result<Vec<u8>, String> {
    let fonts = Fonts::get();
    let mut pdf = PdfFile {
        out: Vec::with_capacity(64 * 1024 + doc.pages.len() * 4 * 1024),
        offsets: Vec::new(),
    };
    pdf.out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let (catalog, page_tree, info_id, resources) =
        (pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve());

    let (w, h) = (doc.geometry.width, doc.geometry.height);
    let mut media_box = b"[0 0 ".to_vec();
    op(&mut media_box, &[w, h], b"]");
    let media_box = String::from_utf8(media_box)
        .expect("numbers are ASCII")
        .replace(" ]\n", "]");
    // Content streams are typeset and compressed on every core, in contiguous runs of pages;
    // the file is the same whatever the number of threads (each page's stream depends on that
    // page only, and glyph records are merged in page order).
    let streams = page_streams(doc, h, threads);
    let mut used = UsedGlyphs::new(fonts);
    let mut pages = Vec::with_capacity(doc.pages.len());
    for (chunk_used, chunk) in streams {
        used.merge(&chunk_used);
        for packed in chunk {
            let (page_id, content_id) = (pdf.reserve(), pdf.reserve());
            pdf.packed_stream(content_id, "", &packed);
            pdf.object(
                page_id,
                format!(
                    "<< /Type /Page /Parent {page_tree} 0 R /MediaBox {media_box} /TrimBox {media_box} \
                     /Resources {resources} 0 R /Contents {content_id} 0 R >>"
                )
                .as_bytes(),
            );
            pages.push(page_id);
        }
    }

    let mut font_refs = String::new();
    for style in FontStyle::ALL {
        let glyphs = used.of(style);
        if glyphs.is_empty() {
            continue;
        }
        let id = font_objects(&mut pdf, style, &glyphs)?;
        font_refs.push_str(&format!(" /{} {id} 0 R", style.resource_name()));
    }
    pdf.object(
        resources,
        format!("<< /ProcSet [/PDF /Text] /Font <<{font_refs} >> >>").as_bytes(),
    );

    let kids: Vec<String> = pages.iter().map(|p| format!("{p} 0 R")).collect();
    pdf.object(
        page_tree,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .as_bytes(),
    );
    let outlines = outline(&mut pdf, doc, &pages);
    let catalog_dict = match outlines {
        Some(o) => format!(
            "<< /Type /Catalog /Pages {page_tree} 0 R /Outlines {o} 0 R /PageMode /UseOutlines >>"
        ),
        None => format!("<< /Type /Catalog /Pages {page_tree} 0 R >>"),
    };
    pdf.object(catalog, catalog_dict.as_bytes());
    pdf.object(info_id, info(meta)?.as_bytes());

    // The /ID: a hash of everything above, so it changes exactly when the content does.
    let id: String = Sha256::digest(&pdf.out)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let xref = pdf.out.len();
    let _ = write!(
        pdf.out,
        "xref\n0 {}\n0000000000 65535 f \n",
        pdf.offsets.len() + 1
    );
    for offset in &pdf.offsets {
        let _ = writeln!(pdf.out, "{offset:010} 00000 n ");
    }
    let _ = write!(
        pdf.out,
        "trailer\n<< /Size {} /Root {catalog} 0 R /Info {info_id} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref}\n%%EOF\n",
        pdf.offsets.len() + 1
    );
    Ok(pdf.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_three_decimals_and_no_trailing_zeros() {
        let cases: [(f32, &str); 8] = [
            (0.0, "0"),
            (595.276, "595.276"),
            (841.89, "841.89"),
            (12.5, "12.5"),
            (-3.25, "-3.25"),
            (0.0004, "0"),
            (-0.0004, "0"),
            (1000.0, "1000"),
        ];
        for (v, want) in cases {
            let mut out = Vec::new();
            num(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), want, "{v}");
        }
    }

    #[test]
    fn glyph_codes_escape_what_a_literal_string_would_read() {
        let mut out = Vec::new();
        // 0x28 '(', 0x29 ')', 0x5C '\\', CR and LF (readers turn a raw CR into LF).
        for gid in [0x2829, 0x5C0D, 0x0A41] {
            glyph_code(&mut out, gid);
        }
        assert_eq!(out, b"\\(\\)\\\\\\r\\nA");
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_number_of_threads() {
        use crate::render::pdf::document::{compose, Cover};
        use crate::render::Paper;
        // 60 sections of text with headings: well over the pages one thread handles alone.
        let mut md = String::from("# Plan\n\n<!-- pagebreak -->\n\n");
        for i in 0..60 {
            md.push_str(&format!("# Section {i}\n\n"));
            for j in 0..40 {
                md.push_str(&format!(
                    "- [ ] **TASK-{i}-{j}** Ünïcødé text, 漢 and more words\n"
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
        let meta = Metadata {
            title: "Plan".into(),
            author: String::new(),
            subject: String::new(),
            keywords: Vec::new(),
            timestamp: 0,
        };
        let one = write_with_threads(&doc, &meta, 1).unwrap();
        for threads in [2, 3, 4, 7] {
            assert!(
                write_with_threads(&doc, &meta, threads).unwrap() == one,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn text_strings_are_utf16_with_a_byte_order_mark() {
        assert_eq!(text_string("Aé"), "<FEFF004100E9>");
        assert_eq!(text_string("😀"), "<FEFFD83DDE00>");
    }
}
