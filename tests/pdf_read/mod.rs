//! Reads a PDF back in-process (lopdf), the way a reader's tools would: page text in reading
//! lines, document information, outline, links, fonts and the structure tree. Tests need nothing
//! but Rust; poppler and qpdf give a second opinion in `.ci/run`.
#![allow(dead_code)]

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

pub struct Pdf {
    pub doc: Document,
    pages: Vec<ObjectId>,
}

/// Text drawn by one show operator, in points from the page's top-left corner.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub end: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
    /// The font's resource name.
    pub font: String,
    pub marked: Marked,
}

/// What marked-content sequence a run sits in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marked {
    None,
    Artifact,
    /// Tagged content with this marked-content ID.
    Mcid(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutlineItem {
    pub level: usize,
    pub title: String,
    /// Page index from 0.
    pub page: Option<usize>,
    /// Y of the destination from the page's top, when it has one.
    pub top: Option<f32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// x0, top, x1, bottom in points from the page's top-left corner.
    pub rect: [f32; 4],
    pub uri: Option<String>,
    /// Page index from 0 of an internal destination.
    pub page: Option<usize>,
    pub has_alt: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FontInfo {
    pub base_font: String,
    pub subtype: String,
    pub embedded: bool,
    pub subset: bool,
    pub to_unicode: bool,
}

/// An element of the structure tree.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub role: String,
    pub kids: Vec<Element>,
    /// Marked-content IDs directly below this element, with their page index.
    pub mcids: Vec<(usize, i64)>,
    /// Annotations (links) directly below this element.
    pub annotations: usize,
}

impl Element {
    /// Every element below this one (itself included), depth first.
    pub fn walk(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for k in &self.kids {
            out.extend(k.walk());
        }
        out
    }

    pub fn count(&self, role: &str) -> usize {
        self.walk().iter().filter(|e| e.role == role).count()
    }
}

struct FontDecoder {
    /// Bytes per character code (2 for Identity-H).
    code_len: usize,
    to_unicode: HashMap<u32, String>,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

type Matrix = [f32; 6];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn hex_bytes(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap_or(0))
        .collect()
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |a, b| (a << 8) | u32::from(*b))
}

fn utf16_hex(s: &str) -> String {
    let b = hex_bytes(s);
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// The `<…>` tokens of a CMap line range.
fn hex_tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        out.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out
}

fn parse_cmap(text: &str) -> (usize, HashMap<u32, String>) {
    let mut map = HashMap::new();
    let mut code_len = 2;
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("begincodespacerange") {
            section = "space";
            continue;
        }
        if line.ends_with("beginbfchar") {
            section = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            section = "range";
            continue;
        }
        if line.starts_with("end") {
            section = "";
            continue;
        }
        let toks = hex_tokens(line);
        match section {
            "space" if !toks.is_empty() => code_len = hex_bytes(toks[0]).len().max(1),
            "char" if toks.len() >= 2 => {
                map.insert(code_of(&hex_bytes(toks[0])), utf16_hex(toks[1]));
            }
            "range" if toks.len() >= 3 => {
                let lo = code_of(&hex_bytes(toks[0]));
                let hi = code_of(&hex_bytes(toks[1]));
                if line.contains('[') {
                    for (i, t) in toks[2..].iter().enumerate() {
                        map.insert(lo + i as u32, utf16_hex(t));
                    }
                } else {
                    let base = hex_bytes(toks[2]);
                    let units: Vec<u16> = base
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    for (i, code) in (lo..=hi).enumerate() {
                        let mut u = units.clone();
                        if let Some(last) = u.last_mut() {
                            *last += i as u16;
                        }
                        map.insert(code, String::from_utf16_lossy(&u));
                    }
                }
            }
            _ => {}
        }
    }
    (code_len, map)
}

impl Pdf {
    pub fn parse(bytes: &[u8]) -> Pdf {
        let doc = Document::load_mem(bytes).expect("the PDF parses");
        let pages = doc.get_pages().values().copied().collect();
        Pdf { doc, pages }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn deref<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn dict<'a>(&'a self, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        self.deref(d.get(key).ok()?).as_dict().ok()
    }

    fn page_index(&self, id: ObjectId) -> Option<usize> {
        self.pages.iter().position(|p| *p == id)
    }

    /// The page's media box as (width, height).
    pub fn page_size(&self, page: usize) -> (f32, f32) {
        let mut id = self.pages[page];
        loop {
            let d = self.doc.get_dictionary(id).unwrap();
            if let Ok(b) = d.get(b"MediaBox") {
                let b = self.deref(b).as_array().unwrap();
                let v: Vec<f32> = b.iter().map(|o| num(self.deref(o))).collect();
                return (v[2] - v[0], v[3] - v[1]);
            }
            id = d.get(b"Parent").unwrap().as_reference().unwrap();
        }
    }

    /// A document information entry (Title, Author, Subject, Keywords, Producer…).
    pub fn info(&self, key: &str) -> Option<String> {
        let info = self.dict(&self.doc.trailer, b"Info")?;
        lopdf::decode_text_string(self.deref(info.get(key.as_bytes()).ok()?)).ok()
    }

    pub fn catalog(&self) -> &Dictionary {
        self.doc.catalog().unwrap()
    }

    /// The catalog's `/Lang`.
    pub fn language(&self) -> Option<String> {
        lopdf::decode_text_string(self.deref(self.catalog().get(b"Lang").ok()?)).ok()
    }

    fn decoder(&self, font: &Dictionary) -> FontDecoder {
        let (code_len, to_unicode) = match font.get(b"ToUnicode") {
            Ok(o) => match self.deref(o).as_stream() {
                Ok(s) => {
                    let data = s
                        .decompressed_content()
                        .unwrap_or_else(|_| s.content.clone());
                    parse_cmap(&String::from_utf8_lossy(&data))
                }
                Err(_) => (1, HashMap::new()),
            },
            Err(_) => (1, HashMap::new()),
        };
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        let descendant = font
            .get(b"DescendantFonts")
            .ok()
            .and_then(|d| self.deref(d).as_array().ok())
            .and_then(|a| a.first())
            .and_then(|d| self.deref(d).as_dict().ok());
        if let Some(cid) = descendant {
            if let Ok(dw) = cid.get(b"DW") {
                default_width = num(self.deref(dw));
            }
            if let Ok(w) = cid.get(b"W") {
                let w = self.deref(w).as_array().cloned().unwrap_or_default();
                let mut i = 0;
                while i < w.len() {
                    let first = num(self.deref(&w[i])) as u32;
                    match self.deref(&w.get(i + 1).cloned().unwrap_or(Object::Null)) {
                        Object::Array(list) => {
                            for (n, v) in list.iter().enumerate() {
                                widths.insert(first + n as u32, num(self.deref(v)));
                            }
                            i += 2;
                        }
                        _ => {
                            let last = num(self.deref(&w[i + 1])) as u32;
                            let v = num(self.deref(&w[i + 2]));
                            for c in first..=last {
                                widths.insert(c, v);
                            }
                            i += 3;
                        }
                    }
                }
            }
        } else if let (Ok(first), Ok(ws)) = (font.get(b"FirstChar"), font.get(b"Widths")) {
            let first = num(first) as u32;
            for (n, v) in self
                .deref(ws)
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                widths.insert(first + n as u32, num(self.deref(v)));
            }
        }
        FontDecoder {
            code_len,
            to_unicode,
            widths,
            default_width,
        }
    }

    /// Every text show operation of a page, in content order.
    pub fn runs(&self, page: usize) -> Vec<Run> {
        let id = self.pages[page];
        let (_, height) = self.page_size(page);
        let fonts: HashMap<Vec<u8>, FontDecoder> = self
            .doc
            .get_page_fonts(id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, d)| (name, self.decoder(d)))
            .collect();
        let content = Content::decode(&self.doc.get_page_content(id)).expect("content parses");
        let mut runs = Vec::new();
        let mut ctm = IDENTITY;
        let mut stack: Vec<Matrix> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut leading = 0.0;
        let mut font: Option<(&Vec<u8>, &FontDecoder)> = None;
        let mut size = 0.0;
        let mut marks: Vec<Marked> = Vec::new();
        for op in &content.operations {
            let a = &op.operands;
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
                "cm" if a.len() == 6 => {
                    let m = [
                        num(&a[0]),
                        num(&a[1]),
                        num(&a[2]),
                        num(&a[3]),
                        num(&a[4]),
                        num(&a[5]),
                    ];
                    ctm = mul(&m, &ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" if a.len() == 2 => {
                    let name = a[0].as_name().unwrap_or_default().to_vec();
                    font = fonts.get_key_value(&name);
                    size = num(&a[1]);
                }
                "TL" if a.len() == 1 => leading = num(&a[0]),
                "Tm" if a.len() == 6 => {
                    tm = [
                        num(&a[0]),
                        num(&a[1]),
                        num(&a[2]),
                        num(&a[3]),
                        num(&a[4]),
                        num(&a[5]),
                    ];
                    tlm = tm;
                }
                "Td" | "TD" if a.len() == 2 => {
                    if op.operator == "TD" {
                        leading = -num(&a[1]);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(&a[0]), num(&a[1])], &tlm);
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                "BMC" | "BDC" => {
                    let tag = a.first().and_then(|t| t.as_name().ok()).unwrap_or_default();
                    let mcid = a.get(1).and_then(|p| match p {
                        Object::Dictionary(d) => d.get(b"MCID").ok().and_then(|m| m.as_i64().ok()),
                        Object::Name(_) => None,
                        _ => None,
                    });
                    marks.push(if tag == b"Artifact" {
                        Marked::Artifact
                    } else if let Some(m) = mcid {
                        Marked::Mcid(m)
                    } else {
                        marks.last().copied().unwrap_or(Marked::None)
                    });
                }
                "EMC" => {
                    marks.pop();
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if op.operator == "'" || op.operator == "\"" {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                        tm = tlm;
                    }
                    let Some((name, dec)) = font else { continue };
                    let parts: Vec<&Object> = match op.operator.as_str() {
                        "TJ" => a
                            .first()
                            .and_then(|o| o.as_array().ok())
                            .map(|v| v.iter().collect())
                            .unwrap_or_default(),
                        _ => a.last().into_iter().collect(),
                    };
                    let start = mul(&tm, &ctm);
                    let mut text = String::new();
                    for part in parts {
                        match part {
                            Object::String(bytes, _) => {
                                for code in bytes.chunks(dec.code_len) {
                                    let c = code_of(code);
                                    text.push_str(
                                        dec.to_unicode.get(&c).map_or("\u{FFFD}", String::as_str),
                                    );
                                    let w =
                                        dec.widths.get(&c).copied().unwrap_or(dec.default_width);
                                    let adv = w / 1000.0 * size;
                                    tm[4] += adv * tm[0];
                                    tm[5] += adv * tm[1];
                                }
                            }
                            o => {
                                let adv = -num(o) / 1000.0 * size;
                                tm[4] += adv * tm[0];
                                tm[5] += adv * tm[1];
                            }
                        }
                    }
                    let end = mul(&tm, &ctm);
                    let scale = (start[2] * start[2] + start[3] * start[3]).sqrt();
                    runs.push(Run {
                        x: start[4],
                        end: end[4],
                        y: height - start[5],
                        size: size * scale,
                        text,
                        font: String::from_utf8_lossy(name).into_owned(),
                        marked: marks.last().copied().unwrap_or(Marked::None),
                    });
                }
                _ => {}
            }
        }
        runs
    }

    /// A page's text as lines top to bottom, pieces left to right (a space where there is a gap).
    pub fn page_text(&self, page: usize) -> String {
        let mut runs = self.runs(page);
        runs.retain(|r| !r.text.is_empty());
        runs.sort_by(|a, b| a.y.total_cmp(&b.y));
        let mut lines: Vec<Vec<Run>> = Vec::new();
        for r in runs {
            match lines.last_mut() {
                Some(line) if (r.y - line[0].y).abs() < 1.5 => line.push(r),
                _ => lines.push(vec![r]),
            }
        }
        let mut out = String::new();
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut s = String::new();
            let mut prev_end: Option<f32> = None;
            for r in &line {
                if let Some(end) = prev_end {
                    if r.x - end > 0.12 * r.size && !s.ends_with(' ') && !r.text.starts_with(' ') {
                        s.push(' ');
                    }
                }
                s.push_str(&r.text);
                prev_end = Some(r.end);
            }
            out.push_str(&s);
            out.push('\n');
        }
        out
    }

    /// Every page's text.
    pub fn texts(&self) -> Vec<String> {
        (0..self.page_count()).map(|p| self.page_text(p)).collect()
    }

    fn dest_page(&self, dest: &Object) -> (Option<usize>, Option<f32>) {
        let dest = self.deref(dest);
        let arr = match dest {
            Object::Array(a) => a.clone(),
            Object::Dictionary(d) => match d.get(b"D") {
                Ok(o) => self.deref(o).as_array().cloned().unwrap_or_default(),
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        };
        let page = arr
            .first()
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| self.page_index(id));
        let top = match (page, arr.get(1).and_then(|n| n.as_name().ok())) {
            (Some(p), Some(b"XYZ")) => arr.get(3).and_then(|y| match y {
                Object::Null => None,
                y => Some(self.page_size(p).1 - num(y)),
            }),
            _ => None,
        };
        (page, top)
    }

    /// The outline in document order, with each entry's depth from 1.
    pub fn outline(&self) -> Vec<OutlineItem> {
        let mut out = Vec::new();
        let Some(root) = self.dict(self.catalog(), b"Outlines") else {
            return out;
        };
        self.outline_level(root, 1, &mut out);
        out
    }

    fn outline_level(&self, parent: &Dictionary, level: usize, out: &mut Vec<OutlineItem>) {
        let mut next = self.dict(parent, b"First");
        while let Some(item) = next {
            let title = item
                .get(b"Title")
                .ok()
                .and_then(|t| lopdf::decode_text_string(self.deref(t)).ok())
                .unwrap_or_default();
            let dest = item.get(b"Dest").ok().cloned().or_else(|| {
                self.dict(item, b"A")
                    .and_then(|a| a.get(b"D").ok().cloned())
            });
            let (page, top) = dest.map_or((None, None), |d| self.dest_page(&d));
            out.push(OutlineItem {
                level,
                title,
                page,
                top,
            });
            self.outline_level(item, level + 1, out);
            next = self.dict(item, b"Next");
        }
    }

    /// The link annotations of a page.
    pub fn links(&self, page: usize) -> Vec<Link> {
        let (_, height) = self.page_size(page);
        let mut out = Vec::new();
        for a in self
            .doc
            .get_page_annotations(self.pages[page])
            .unwrap_or_default()
        {
            if a.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) != Some(b"Link") {
                continue;
            }
            let r: Vec<f32> = a
                .get(b"Rect")
                .ok()
                .and_then(|r| self.deref(r).as_array().ok())
                .map(|v| v.iter().map(|o| num(self.deref(o))).collect())
                .unwrap_or_default();
            let rect = [r[0], height - r[3], r[2], height - r[1]];
            let action = self.dict(a, b"A");
            let uri = action
                .and_then(|act| act.get(b"URI").ok())
                .and_then(|u| self.deref(u).as_str().ok())
                .map(|u| String::from_utf8_lossy(u).into_owned());
            let dest = a
                .get(b"Dest")
                .ok()
                .cloned()
                .or_else(|| action.and_then(|act| act.get(b"D").ok().cloned()));
            let page = dest.and_then(|d| self.dest_page(&d).0);
            out.push(Link {
                rect,
                uri,
                page,
                has_alt: a.get(b"Contents").is_ok(),
            });
        }
        out
    }

    /// Every font of every page, once each.
    pub fn fonts(&self) -> Vec<FontInfo> {
        let mut seen: Vec<FontInfo> = Vec::new();
        for id in &self.pages {
            for (_, f) in self.doc.get_page_fonts(*id).unwrap_or_default() {
                let name = |d: &Dictionary, k: &[u8]| {
                    d.get(k)
                        .ok()
                        .and_then(|n| n.as_name().ok())
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .unwrap_or_default()
                };
                let base_font = name(f, b"BaseFont");
                let subtype = name(f, b"Subtype");
                let descriptor = self.dict(f, b"FontDescriptor").or_else(|| {
                    f.get(b"DescendantFonts")
                        .ok()
                        .and_then(|d| self.deref(d).as_array().ok())
                        .and_then(|a| a.first())
                        .and_then(|d| self.deref(d).as_dict().ok())
                        .and_then(|d| self.dict(d, b"FontDescriptor"))
                });
                let embedded = descriptor.is_some_and(|d| {
                    d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3")
                });
                let info = FontInfo {
                    subset: base_font.len() > 7 && base_font.as_bytes()[6] == b'+',
                    base_font,
                    subtype,
                    embedded,
                    to_unicode: f.has(b"ToUnicode"),
                };
                if !seen.contains(&info) {
                    seen.push(info);
                }
            }
        }
        seen
    }

    /// The structure tree below `/StructTreeRoot`, or None when the file is not tagged.
    pub fn structure(&self) -> Option<Element> {
        let root = self.dict(self.catalog(), b"StructTreeRoot")?;
        let role_map: HashMap<Vec<u8>, Vec<u8>> = self
            .dict(root, b"RoleMap")
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_name().ok()?.to_vec())))
                    .collect()
            })
            .unwrap_or_default();
        let mut top = Element {
            role: "StructTreeRoot".into(),
            ..Element::default()
        };
        if let Ok(k) = root.get(b"K") {
            self.struct_kids(k, None, &role_map, &mut top);
        }
        Some(top)
    }

    fn struct_kids(
        &self,
        k: &Object,
        page: Option<usize>,
        role_map: &HashMap<Vec<u8>, Vec<u8>>,
        into: &mut Element,
    ) {
        match self.deref(k) {
            Object::Array(items) => {
                for i in items {
                    self.struct_kids(i, page, role_map, into);
                }
            }
            Object::Integer(m) => into.mcids.push((page.unwrap_or(usize::MAX), *m)),
            Object::Dictionary(d) => {
                let ty = d.get(b"Type").ok().and_then(|t| t.as_name().ok());
                match ty {
                    Some(b"MCR") => {
                        let pg = d
                            .get(b"Pg")
                            .ok()
                            .and_then(|p| p.as_reference().ok())
                            .and_then(|id| self.page_index(id))
                            .or(page);
                        let m = d
                            .get(b"MCID")
                            .ok()
                            .and_then(|m| m.as_i64().ok())
                            .unwrap_or(-1);
                        into.mcids.push((pg.unwrap_or(usize::MAX), m));
                    }
                    Some(b"OBJR") => into.annotations += 1,
                    _ => {
                        let raw = d
                            .get(b"S")
                            .ok()
                            .and_then(|s| s.as_name().ok())
                            .unwrap_or_default()
                            .to_vec();
                        let role = role_map.get(&raw).cloned().unwrap_or(raw);
                        let pg = d
                            .get(b"Pg")
                            .ok()
                            .and_then(|p| p.as_reference().ok())
                            .and_then(|id| self.page_index(id))
                            .or(page);
                        let mut e = Element {
                            role: String::from_utf8_lossy(&role).into_owned(),
                            ..Element::default()
                        };
                        if let Ok(kids) = d.get(b"K") {
                            self.struct_kids(kids, pg, role_map, &mut e);
                        }
                        into.kids.push(e);
                    }
                }
            }
            _ => {}
        }
    }
}
