//! The four DejaVu faces the PDF and the hierarchy diagram are set in, with their real glyph
//! advances (the diagram measures its labels with them, so SVG and PDF cut labels alike).
//!
//! The PDF draws glyphs without kerning or shaping, so the sum of `hmtx` advances measured here
//! is exactly the width it draws. Characters a face lacks are resolved here too (see
//! [`Fonts::resolve`]): the Sans faces fall back to Sans regular, and a character no face has
//! (CJK, emoji) becomes a visible U+FFFD instead of an empty `.notdef` box.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// A face of the document's type family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontStyle {
    Regular,
    Bold,
    Oblique,
    Mono,
}

impl FontStyle {
    pub const ALL: [FontStyle; 4] = [
        FontStyle::Regular,
        FontStyle::Bold,
        FontStyle::Oblique,
        FontStyle::Mono,
    ];

    fn index(self) -> usize {
        match self {
            FontStyle::Regular => 0,
            FontStyle::Bold => 1,
            FontStyle::Oblique => 2,
            FontStyle::Mono => 3,
        }
    }

    /// The font program's bytes (DejaVu, vendored by the `dejavu` crate).
    pub fn bytes(self) -> &'static [u8] {
        match self {
            FontStyle::Regular => dejavu::sans::regular(),
            FontStyle::Bold => dejavu::sans::bold(),
            FontStyle::Oblique => dejavu::sans::oblique(),
            FontStyle::Mono => dejavu::sans_mono::regular(),
        }
    }

    /// The PostScript name, also used as the PDF resource name (fixed, so output is reproducible).
    pub fn resource_name(self) -> &'static str {
        match self {
            FontStyle::Regular => "DejaVuSans",
            FontStyle::Bold => "DejaVuSans-Bold",
            FontStyle::Oblique => "DejaVuSans-Oblique",
            FontStyle::Mono => "DejaVuSansMono",
        }
    }
}

/// Drawn in place of a character that no face has.
pub const REPLACEMENT: char = '\u{FFFD}';

pub struct Fonts {
    faces: Vec<Face<'static>>,
    units_per_em: [f32; 4],
    /// Advances of printable ASCII per face (every DejaVu face has it): the common case
    /// skips the cmap lookups.
    ascii: [[u16; 128]; 4],
    /// Glyph IDs of printable ASCII per face, for the same reason.
    ascii_gid: [[u16; 128]; 4],
}

/// What a PDF font descriptor says about a face, in its own units.
#[derive(Debug, Clone, Copy)]
pub struct FaceMetrics {
    pub units_per_em: f32,
    pub bbox: [i16; 4],
    pub ascender: i16,
    pub descender: i16,
    pub cap_height: i16,
    pub italic_angle: f32,
    pub monospaced: bool,
    pub number_of_glyphs: u16,
}

impl Fonts {
    /// The parsed faces, once per process (parsing only reads table directories).
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let faces: Vec<Face<'static>> = FontStyle::ALL
                .iter()
                .map(|s| Face::parse(s.bytes(), 0).expect("the vendored DejaVu fonts parse"))
                .collect();
            let mut units_per_em = [1000.0; 4];
            for (i, f) in faces.iter().enumerate() {
                units_per_em[i] = f32::from(f.units_per_em());
            }
            let mut ascii = [[0u16; 128]; 4];
            let mut ascii_gid = [[0u16; 128]; 4];
            for (i, f) in faces.iter().enumerate() {
                for c in 0x20u8..0x7f {
                    let gid = f.glyph_index(char::from(c)).unwrap_or(GlyphId(0));
                    ascii[i][c as usize] = f.glyph_hor_advance(gid).unwrap_or(0);
                    ascii_gid[i][c as usize] = gid.0;
                }
            }
            Fonts {
                faces,
                units_per_em,
                ascii,
                ascii_gid,
            }
        })
    }

    fn face(&self, style: FontStyle) -> &Face<'static> {
        &self.faces[style.index()]
    }

    pub fn has_glyph(&self, style: FontStyle, c: char) -> bool {
        self.face(style).glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// The face and character actually drawn for `c` requested in `style`.
    pub fn resolve(&self, style: FontStyle, c: char) -> (FontStyle, char) {
        if (' '..='~').contains(&c) || self.has_glyph(style, c) {
            (style, c)
        } else if style != FontStyle::Regular && self.has_glyph(FontStyle::Regular, c) {
            (FontStyle::Regular, c)
        } else if self.has_glyph(style, REPLACEMENT) {
            (style, REPLACEMENT)
        } else {
            (FontStyle::Regular, REPLACEMENT)
        }
    }

    /// The glyph ID drawn for `c` (0, `.notdef`, when the face lacks it).
    pub fn glyph_id(&self, style: FontStyle, c: char) -> u16 {
        if (' '..='~').contains(&c) {
            return self.ascii_gid[style.index()][c as usize];
        }
        self.face(style).glyph_index(c).map_or(0, |g| g.0)
    }

    /// A glyph's advance in font units (the PDF's `/W` entries).
    pub fn glyph_advance(&self, style: FontStyle, gid: u16) -> u16 {
        self.face(style)
            .glyph_hor_advance(GlyphId(gid))
            .unwrap_or(0)
    }

    pub fn metrics(&self, style: FontStyle) -> FaceMetrics {
        let face = self.face(style);
        let b = face.global_bounding_box();
        FaceMetrics {
            units_per_em: self.units_per_em[style.index()],
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            ascender: face.ascender(),
            descender: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            italic_angle: face.italic_angle(),
            monospaced: face.is_monospaced(),
            number_of_glyphs: face.number_of_glyphs(),
        }
    }

    /// Advance of one character (already resolved) at `size` points.
    pub fn advance(&self, style: FontStyle, c: char, size: f32) -> f32 {
        if (' '..='~').contains(&c) {
            let units = self.ascii[style.index()][c as usize];
            return f32::from(units) * size / self.units_per_em[style.index()];
        }
        let face = self.face(style);
        let gid = face.glyph_index(c).unwrap_or(GlyphId(0));
        let units = face.glyph_hor_advance(gid).unwrap_or(0);
        f32::from(units) * size / self.units_per_em[style.index()]
    }

    /// Width of `text` set in `style` at `size` points, after fallback substitution.
    pub fn width(&self, style: FontStyle, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                let (s, c) = self.resolve(style, c);
                self.advance(s, c, size)
            })
            .sum()
    }

    /// Ascender and descender (negative) as fractions of the em.
    pub fn vertical_metrics(&self, style: FontStyle) -> (f32, f32) {
        let face = self.face(style);
        let upem = self.units_per_em[style.index()];
        (
            f32::from(face.ascender()) / upem,
            f32::from(face.descender()) / upem,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_are_the_fonts_own() {
        let f = Fonts::get();
        // DejaVu Sans: 'W' is much wider than 'i'; Mono is fixed pitch.
        assert!(
            f.width(FontStyle::Regular, "W", 10.0) > 2.0 * f.width(FontStyle::Regular, "i", 10.0)
        );
        let m = f.width(FontStyle::Mono, "i", 10.0);
        assert!((f.width(FontStyle::Mono, "W", 10.0) - m).abs() < 1e-4);
        assert!((f.width(FontStyle::Mono, "iiii", 10.0) - 4.0 * m).abs() < 1e-3);
        // Bold is wider than regular.
        assert!(
            f.width(FontStyle::Bold, "SITE-UPG-NYC", 10.0)
                > f.width(FontStyle::Regular, "SITE-UPG-NYC", 10.0)
        );
    }

    #[test]
    fn missing_glyphs_become_a_visible_replacement() {
        let f = Fonts::get();
        assert_eq!(
            f.resolve(FontStyle::Regular, 'é'),
            (FontStyle::Regular, 'é')
        );
        assert_eq!(f.resolve(FontStyle::Regular, '漢').1, REPLACEMENT);
        assert_eq!(f.resolve(FontStyle::Bold, '漢').1, REPLACEMENT);
        // Whatever a character resolves to is drawable (bold lacks emoji; regular has some).
        for c in ['😀', '漢', '\u{10FFFD}', 'ß'] {
            for style in FontStyle::ALL {
                let (font, drawn) = f.resolve(style, c);
                assert!(f.has_glyph(font, drawn), "{c:?} in {style:?}");
            }
        }
        assert!(f.has_glyph(FontStyle::Regular, REPLACEMENT));
        assert!(f.width(FontStyle::Regular, "漢", 10.0) > 1.0);
        // Ballot boxes (task state in tables) exist in Sans.
        assert!(f.has_glyph(FontStyle::Regular, '\u{2610}'));
        assert!(f.has_glyph(FontStyle::Regular, '\u{2611}'));
    }
}
