//! Line breaking: spans of styled text → lines of positioned runs, with break opportunities
//! after spaces and inside long tokens (after `.`, `\\`, `-`, `_`, `/`).

use super::*;

/// A piece of a line in one face, `x` relative to the line's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub text: String,
    pub font: FontStyle,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextLine {
    pub runs: Vec<Run>,
    pub width: f32,
}

impl TextLine {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, Copy)]
struct Glyph {
    c: char,
    font: FontStyle,
    adv: f32,
}

enum Word {
    Glyphs(Vec<Glyph>),
    Break,
}

/// Characters after which a long token (FQDN, UNC path, ID) may break.
fn breaks_after(c: char) -> bool {
    matches!(c, '.' | '\\' | '-' | '_' | '/')
}

fn words(spans: &[Span], size: f32) -> Vec<Word> {
    let fonts = Fonts::get();
    let mut out = Vec::new();
    let mut cur: Vec<Glyph> = Vec::new();
    for span in spans {
        if span.is_break() {
            if !cur.is_empty() {
                out.push(Word::Glyphs(std::mem::take(&mut cur)));
            }
            out.push(Word::Break);
            continue;
        }
        for c in span.text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                if !cur.is_empty() {
                    out.push(Word::Glyphs(std::mem::take(&mut cur)));
                }
            } else {
                let (font, c) = fonts.resolve(span.style, c);
                cur.push(Glyph {
                    c,
                    font,
                    adv: fonts.advance(font, c, size),
                });
            }
        }
    }
    if !cur.is_empty() {
        out.push(Word::Glyphs(cur));
    }
    out
}

fn glyphs_width(g: &[Glyph]) -> f32 {
    g.iter().map(|g| g.adv).sum()
}

/// Splits a token after each break character.
fn segments(glyphs: &[Glyph]) -> Vec<&[Glyph]> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, g) in glyphs.iter().enumerate() {
        if breaks_after(g.c) && i + 1 < glyphs.len() {
            out.push(&glyphs[start..=i]);
            start = i + 1;
        }
    }
    if start < glyphs.len() {
        out.push(&glyphs[start..]);
    }
    out
}

pub(super) const EPS: f32 = 0.01;

struct LineBuilder {
    lines: Vec<TextLine>,
    cur: TextLine,
    last_font: Option<FontStyle>,
    size: f32,
}

impl LineBuilder {
    fn space(&self) -> f32 {
        match self.last_font {
            Some(f) if !self.cur.runs.is_empty() => Fonts::get().advance(f, ' ', self.size),
            _ => 0.0,
        }
    }

    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
        self.last_font = None;
    }

    /// Appends glyphs, after a space when `spaced` and the line is not empty.
    fn push(&mut self, glyphs: &[Glyph], spaced: bool) {
        let gap = if spaced { self.space() } else { 0.0 };
        let mut x = self.cur.width + gap;
        let mut pending_space = gap > 0.0;
        for g in glyphs {
            match self.cur.runs.last_mut() {
                Some(run) if run.font == g.font => {
                    if pending_space {
                        run.text.push(' ');
                    }
                    run.text.push(g.c);
                }
                _ => self.cur.runs.push(Run {
                    x,
                    text: g.c.to_string(),
                    font: g.font,
                }),
            }
            pending_space = false;
            x += g.adv;
            self.last_font = Some(g.font);
        }
        self.cur.width = x;
    }
}

/// Breaks styled text into lines no wider than `max_width` (a token wider than the line
/// breaks after `.` `\` `-` `_` `/`, and mid-token only when a piece is still too wide).
pub fn wrap(spans: &[Span], size: f32, max_width: f32) -> Vec<TextLine> {
    let mut b = LineBuilder {
        lines: Vec::new(),
        cur: TextLine::default(),
        last_font: None,
        size,
    };
    for word in words(spans, size) {
        let glyphs = match word {
            Word::Break => {
                b.newline();
                continue;
            }
            Word::Glyphs(g) => g,
        };
        let w = glyphs_width(&glyphs);
        if b.cur.width + b.space() + w <= max_width + EPS {
            b.push(&glyphs, true);
            continue;
        }
        if w <= max_width + EPS {
            b.newline();
            b.push(&glyphs, false);
            continue;
        }
        for (i, seg) in segments(&glyphs).into_iter().enumerate() {
            let spaced = i == 0;
            let sw = glyphs_width(seg);
            let gap = if spaced { b.space() } else { 0.0 };
            if b.cur.width + gap + sw <= max_width + EPS {
                b.push(seg, spaced);
                continue;
            }
            if !b.cur.runs.is_empty() {
                b.newline();
            }
            if sw <= max_width + EPS {
                b.push(seg, false);
                continue;
            }
            // A piece with no break character still wider than the line: cut it.
            for g in seg {
                if !b.cur.runs.is_empty() && b.cur.width + g.adv > max_width + EPS {
                    b.newline();
                }
                b.push(std::slice::from_ref(g), false);
            }
        }
    }
    if !b.cur.runs.is_empty() || b.lines.is_empty() {
        b.newline();
    }
    b.lines
}

/// Width of the text on one line (the widest line when it has forced breaks).
pub fn natural_width(spans: &[Span], size: f32) -> f32 {
    wrap(spans, size, f32::INFINITY)
        .iter()
        .map(|l| l.width)
        .fold(0.0, f32::max)
}

/// Tokens up to this wide (IDs, short host names) keep a column wide enough to stay whole;
/// longer ones (FQDNs, UNC paths, URLs) only claim their widest piece between break characters.
const WHOLE_TOKEN: f32 = 95.0;

/// The least width that shows the text without cutting a short token or a name part.
pub fn min_content_width(spans: &[Span], size: f32) -> f32 {
    let mut widest: f32 = 0.0;
    for word in words(spans, size) {
        if let Word::Glyphs(g) = word {
            let whole = glyphs_width(&g);
            if whole <= WHOLE_TOKEN {
                widest = widest.max(whole);
            } else {
                for seg in segments(&g) {
                    widest = widest.max(glyphs_width(seg).min(WHOLE_TOKEN));
                }
            }
        }
    }
    widest
}

pub(super) fn with_style(spans: &[Span], style: FontStyle) -> Vec<Span> {
    spans
        .iter()
        .map(|s| {
            let keep = s.is_break() || s.style == FontStyle::Mono;
            Span::new(s.text.clone(), if keep { s.style } else { style })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Styles
