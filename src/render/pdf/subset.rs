//! A small TrueType subsetter that keeps glyph IDs: unused glyphs get an empty outline.
//!
//! Without subsetting the four DejaVu faces add ≈ 1.2 MB to every PDF. Emptying unused
//! outlines (and dropping the layout tables a PDF viewer never reads: we draw without shaping)
//! keeps every glyph ID, so the `/W` widths, ToUnicode map and Identity-H codes written by
//! `write.rs` address the original glyphs, while the embedded program shrinks to the glyphs
//! actually drawn.

use std::collections::{BTreeMap, BTreeSet};

/// Tables a PDF viewer does not use for an embedded CID TrueType font drawn without shaping.
const DROPPED: &[&[u8; 4]] = &[
    b"GPOS", b"GSUB", b"GDEF", b"kern", b"MATH", b"FFTM", b"hdmx", b"VDMX", b"LTSH", b"DSIG",
    b"JSTF", b"BASE",
];

fn u16_at(d: &[u8], o: usize) -> Result<u16, String> {
    d.get(o..o + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "font truncated".to_string())
}

fn u32_at(d: &[u8], o: usize) -> Result<u32, String> {
    d.get(o..o + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "font truncated".to_string())
}

fn checksum(data: &[u8]) -> u32 {
    let mut sum = 0u32;
    for chunk in data.chunks(4) {
        let mut b = [0u8; 4];
        b[..chunk.len()].copy_from_slice(chunk);
        sum = sum.wrapping_add(u32::from_be_bytes(b));
    }
    sum
}

/// Glyph IDs a composite glyph is built from.
fn components(glyph: &[u8]) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Ok(out);
    }
    let mut o = 10;
    loop {
        let flags = u16_at(glyph, o)?;
        out.push(u16_at(glyph, o + 2)?);
        o += 4;
        o += if flags & 0x0001 != 0 { 4 } else { 2 };
        if flags & 0x0008 != 0 {
            o += 2;
        } else if flags & 0x0040 != 0 {
            o += 4;
        } else if flags & 0x0080 != 0 {
            o += 8;
        }
        if flags & 0x0020 == 0 {
            break;
        }
    }
    Ok(out)
}

/// The font with only the glyphs in `keep` (plus `.notdef` and composite parts) drawn.
pub fn strip_unused_glyphs(font: &[u8], keep: &BTreeSet<u16>) -> Result<Vec<u8>, String> {
    let num_tables = u16_at(font, 4)? as usize;
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for i in 0..num_tables {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font
            .get(rec..rec + 4)
            .and_then(|t| t.try_into().ok())
            .ok_or("font truncated")?;
        let offset = u32_at(font, rec + 8)? as usize;
        let length = u32_at(font, rec + 12)? as usize;
        let data = font
            .get(offset..offset + length)
            .ok_or("font table out of bounds")?;
        tables.insert(tag, data.to_vec());
    }
    let head = tables.get(b"head").ok_or("no head table")?.clone();
    let maxp = tables.get(b"maxp").ok_or("no maxp table")?;
    let glyf = tables
        .get(b"glyf")
        .ok_or("no glyf table (not TrueType outlines)")?
        .clone();
    let loca = tables.get(b"loca").ok_or("no loca table")?;
    let num_glyphs = u16_at(maxp, 4)? as usize;
    let long = u16_at(&head, 50)? != 0;
    let offsets: Vec<usize> = (0..=num_glyphs)
        .map(|i| {
            if long {
                u32_at(loca, 4 * i).map(|v| v as usize)
            } else {
                u16_at(loca, 2 * i).map(|v| v as usize * 2)
            }
        })
        .collect::<Result<_, _>>()?;
    let glyph = |g: usize| -> &[u8] {
        let (a, b) = (offsets[g], offsets[g + 1]);
        if a < b && b <= glyf.len() {
            &glyf[a..b]
        } else {
            &[]
        }
    };

    // Every glyph drawn, and every glyph a drawn composite glyph is made of.
    let mut wanted: BTreeSet<usize> = BTreeSet::from([0]);
    let mut todo: Vec<usize> = keep
        .iter()
        .map(|&g| g as usize)
        .filter(|&g| g < num_glyphs)
        .collect();
    while let Some(g) = todo.pop() {
        if wanted.insert(g) {
            for c in components(glyph(g))? {
                if (c as usize) < num_glyphs && !wanted.contains(&(c as usize)) {
                    todo.push(c as usize);
                }
            }
        }
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (num_glyphs + 1));
    for g in 0..num_glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if wanted.contains(&g) {
            new_glyf.extend_from_slice(glyph(g));
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut head = head;
    head[50..52].copy_from_slice(&1u16.to_be_bytes()); // long loca offsets
    head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, computed below
    tables.insert(*b"head", head);
    tables.insert(*b"glyf", new_glyf);
    tables.insert(*b"loca", new_loca);
    for tag in DROPPED {
        tables.remove(*tag);
    }
    // `post` version 3: no glyph names (tens of KB in DejaVu), same metrics.
    if let Some(post) = tables.get_mut(b"post") {
        if post.len() >= 32 {
            post.truncate(32);
            post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        }
    }

    // Reassemble: directory sorted by tag, tables 4-byte aligned.
    let n = tables.len() as u16;
    let mut entry_selector = 0u16;
    while (1u16 << (entry_selector + 1)) <= n {
        entry_selector += 1;
    }
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&font[0..4]);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&search_range.to_be_bytes());
    out.extend_from_slice(&entry_selector.to_be_bytes());
    out.extend_from_slice(&(n * 16 - search_range).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    let mut head_at = 0;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = offset;
        }
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out[head_at + 8..head_at + 12].copy_from_slice(&adjustment.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttf_parser::Face;

    #[test]
    fn kept_glyphs_keep_their_ids_outlines_and_advances() {
        let full = dejavu::sans::regular();
        let face = Face::parse(full, 0).unwrap();
        // 'é' is a composite in DejaVu: its parts must survive too.
        let keep: BTreeSet<u16> = "Aé€"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        let small = strip_unused_glyphs(full, &keep).unwrap();
        assert!(small.len() < full.len() / 4, "{} bytes", small.len());
        let sub = Face::parse(&small, 0).unwrap();
        assert_eq!(sub.number_of_glyphs(), face.number_of_glyphs());
        for c in "Aé€".chars() {
            let g = face.glyph_index(c).unwrap();
            assert_eq!(sub.glyph_index(c), Some(g));
            assert_eq!(sub.glyph_hor_advance(g), face.glyph_hor_advance(g));
            assert_eq!(sub.glyph_bounding_box(g), face.glyph_bounding_box(g), "{c}");
        }
        // An unused glyph is still there (same ID, same advance) but draws nothing.
        let z = face.glyph_index('Z').unwrap();
        assert_eq!(sub.glyph_hor_advance(z), face.glyph_hor_advance(z));
        assert_eq!(sub.glyph_bounding_box(z), None);
        // The whole-font checksum adjustment is right.
        assert_eq!(checksum(&small), 0xB1B0_AFBA);
    }
}
