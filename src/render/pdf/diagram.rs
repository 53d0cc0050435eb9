//! The hierarchy diagram at the end of the PDF: the one drawing of `render::diagram::drawing`
//! (boxes, lines, labels) scaled onto the page. When the whole hierarchy would print its
//! smallest label under 6 pt, it is tiled over several pages at a scale that keeps every label
//! at 6 pt or more; neighbouring tiles overlap by a box, so every box is drawn whole on some
//! page. Each whole box links to the site's entry in the Hierarchy section.

use super::fonts::FontStyle;
use super::layout::{wrap, Anchor, Flow, Geometry, Item, Rgb, ACCENT, MUTED};
use super::markdown::Span;
use super::structure::{LinkArea, LinkTarget, Role};
use crate::plan::Plan;
use crate::render::diagram::{self, Drawing, Label, NodeBox, SiteBox};

/// The pages' heading (also their contents and outline entry).
pub const TITLE: &str = "Hierarchy diagram";
/// Drawing units to PDF points at most (a 200-unit site box is 150 pt wide).
const MAX_SCALE: f32 = 0.75;
/// Smallest label drawn, in points: text below 6 pt does not print legibly.
pub const MIN_LABEL: f32 = 6.0;
const HEADING: f32 = 16.0;
const NOTE_SIZE: f32 = 8.0;
const NOTE_LEADING: f32 = 10.0;
const CAPTION_LINES: usize = 2;

/// The diagram's pages, their own structure (a figure per page, a link per whole box) and the
/// heading's anchor (page indices from 0 within these pages).
pub struct Appendix {
    pub anchor: Anchor,
    pub pages: Vec<super::layout::Page>,
    pub structure: super::structure::Structure,
}

fn rgb(hex: u32) -> Rgb {
    let c = |shift: u32| ((hex >> shift) & 0xff) as f32 / 255.0;
    Rgb(c(16), c(8), c(0))
}

/// A part of the drawing (drawing units) and where it goes on the page.
#[derive(Debug, Clone, Copy)]
struct Tile {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// Page position of (x0, y0), and points per drawing unit.
    left: f32,
    top: f32,
    scale: f32,
    row: usize,
    col: usize,
}

impl Tile {
    fn at(&self, (x, y): (f64, f64)) -> (f32, f32) {
        (
            self.left + ((x - self.x0) as f32) * self.scale,
            self.top + ((y - self.y0) as f32) * self.scale,
        )
    }

    fn contains(&self, b: &NodeBox) -> bool {
        const EPS: f64 = 1e-6;
        b.x >= self.x0 - EPS
            && b.y >= self.y0 - EPS
            && b.x + b.w <= self.x1 + EPS
            && b.y + b.h <= self.y1 + EPS
    }

    /// The part of an axis-parallel (or any) segment inside the tile.
    fn clip(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        // Liang–Barsky.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        (t0 <= t1).then_some((
            (a.0 + t0 * dx, a.1 + t0 * dy),
            (a.0 + t1 * dx, a.1 + t1 * dy),
        ))
    }

    /// The part of a rectangle inside the tile.
    fn clip_rect(&self, b: &NodeBox) -> Option<(f64, f64, f64, f64)> {
        let (x0, y0) = (b.x.max(self.x0), b.y.max(self.y0));
        let (x1, y1) = ((b.x + b.w).min(self.x1), (b.y + b.h).min(self.y1));
        (x1 > x0 && y1 > y0).then_some((x0, y0, x1, y1))
    }
}

/// The drawing's extent, without the SVG's own title and legend.
fn extent(d: &Drawing) -> (f64, f64, f64, f64) {
    let all = d.sites.iter().map(|s| &s.rect).chain(&d.panels);
    let min_x = all.clone().map(|b| b.x).fold(f64::MAX, f64::min);
    let min_y = all.clone().map(|b| b.y).fold(f64::MAX, f64::min);
    let max_x = all.clone().map(|b| b.x + b.w).fold(f64::MIN, f64::max);
    let max_y = all.map(|b| b.y + b.h).fold(f64::MIN, f64::max);
    (min_x, min_y, max_x, max_y)
}

/// Tile origins along one axis: `len` units shown `window` at a time, consecutive windows
/// overlapping by at least `overlap` (the largest box), spread evenly.
fn origins(start: f64, len: f64, window: f64, overlap: f64) -> Vec<f64> {
    if len <= window {
        return vec![start];
    }
    let step = (window - overlap).max(window / 2.0);
    let n = 1 + ((len - window) / step).ceil() as usize;
    let even = (len - window) / (n - 1) as f64;
    (0..n).map(|i| start + i as f64 * even).collect()
}

/// How the drawing goes onto pages: one tile scaled to fit, or tiles at the scale that keeps
/// the smallest label at [`MIN_LABEL`].
fn tiles(d: &Drawing, g: Geometry, top: f32) -> Vec<Tile> {
    let (min_x, min_y, max_x, max_y) = extent(d);
    let (w, h) = (max_x - min_x, max_y - min_y);
    let (avail_w, avail_h) = (g.content_width(), g.content_bottom() - top);
    let fit = (avail_w / w as f32).min(avail_h / h as f32).min(MAX_SCALE);
    let smallest = d.smallest_label() as f32;
    if fit * smallest >= MIN_LABEL {
        return vec![Tile {
            x0: min_x,
            y0: min_y,
            x1: max_x,
            y1: max_y,
            left: g.left + (avail_w - w as f32 * fit) / 2.0,
            top,
            scale: fit,
            row: 0,
            col: 0,
        }];
    }
    let scale = MIN_LABEL / smallest;
    let (window_w, window_h) = (f64::from(avail_w / scale), f64::from(avail_h / scale));
    let widest = d.sites.iter().map(|s| s.rect.w).fold(0.0, f64::max);
    let tallest = d.sites.iter().map(|s| s.rect.h).fold(0.0, f64::max);
    let mut out = Vec::new();
    for (row, y0) in origins(min_y, h, window_h, tallest).into_iter().enumerate() {
        for (col, x0) in origins(min_x, w, window_w, widest).into_iter().enumerate() {
            out.push(Tile {
                x0,
                y0,
                x1: x0 + window_w,
                y1: y0 + window_h,
                left: g.left,
                top,
                scale,
                row,
                col,
            });
        }
    }
    out
}

/// What a tile shows: whole boxes (with labels and links) and the parts of panels, lines and
/// cut boxes inside it.
struct TileContent<'a> {
    items: Vec<Item>,
    whole: Vec<&'a SiteBox>,
}

fn tile_content<'a>(d: &'a Drawing, t: &Tile) -> TileContent<'a> {
    let mut items = Vec::new();
    let mut whole = Vec::new();
    let line = |items: &mut Vec<Item>, a, b, width: f64, colour: u32| {
        if let Some((a, b)) = t.clip(a, b) {
            let ((x1, y1), (x2, y2)) = (t.at(a), t.at(b));
            items.push(Item::Line {
                x1,
                y1,
                x2,
                y2,
                width: (width as f32 * t.scale).max(0.3),
                color: rgb(colour),
            });
        }
    };
    let rect = |items: &mut Vec<Item>, b: &NodeBox, fill: u32, stroke: u32, width: f64| {
        let Some((x0, y0, x1, y1)) = t.clip_rect(b) else {
            return false;
        };
        let (px, py) = t.at((x0, y0));
        let (qx, qy) = t.at((x1, y1));
        items.push(Item::Fill {
            x: px,
            y: py,
            w: qx - px,
            h: qy - py,
            color: rgb(fill),
        });
        let (l, r, top, bottom) = (b.x, b.x + b.w, b.y, b.y + b.h);
        for (a, c) in [
            ((l, top), (r, top)),
            ((r, top), (r, bottom)),
            ((r, bottom), (l, bottom)),
            ((l, bottom), (l, top)),
        ] {
            line(items, a, c, width, stroke);
        }
        true
    };
    for p in &d.panels {
        rect(
            &mut items,
            p,
            diagram::PANEL_FILL,
            diagram::PANEL_STROKE,
            0.7,
        );
    }
    for c in &d.connectors {
        for pair in c.points.windows(2) {
            line(&mut items, pair[0], pair[1], 1.2, diagram::CONNECTOR);
        }
    }
    for s in &d.sites {
        if !rect(&mut items, &s.rect, s.fill, s.stroke, s.stroke_width) {
            continue;
        }
        if t.contains(&s.rect) {
            for l in s.labels.iter().filter(|l| !l.is_code) {
                items.push(text(t, l));
            }
            whole.push(s);
        }
    }
    TileContent { items, whole }
}

fn text(t: &Tile, l: &Label) -> Item {
    let (x, baseline) = t.at((l.x, l.baseline));
    Item::Text {
        x,
        baseline,
        text: l.text.clone(),
        font: if l.bold {
            FontStyle::Bold
        } else {
            FontStyle::Regular
        },
        size: l.size as f32 * t.scale,
        color: rgb(l.colour),
    }
}

/// The diagram's pages; `None` without sites.
pub fn pages(plan: &Plan, g: Geometry) -> Option<Appendix> {
    let d = diagram::drawing(plan);
    if d.sites.is_empty() {
        return None;
    }
    let note = "Each box is a site: code, wave, name, version and clients; red: has blockers, \
                green: already on Configuration Manager 2007. Select a box to go to the site in \
                the Hierarchy section. The full-size drawing is the SVG written next to this \
                document.";
    let note_lines = wrap(&[Span::regular(note)], NOTE_SIZE, g.content_width());
    let note_top = g.top + HEADING + 18.0;
    // Room for the note and a caption of up to two lines on every page, so tiles share one
    // frame.
    let top = note_top + (note_lines.len() + CAPTION_LINES) as f32 * NOTE_LEADING + 6.0;
    let tiles = tiles(&d, g, top);
    let (rows, cols) = (
        tiles.iter().map(|t| t.row + 1).max().unwrap_or(1),
        tiles.iter().map(|t| t.col + 1).max().unwrap_or(1),
    );
    let drawn: Vec<(Tile, TileContent)> = tiles.iter().map(|t| (*t, tile_content(&d, t))).collect();
    // A tile with no whole box holds only pieces of lines and of boxes drawn whole on a
    // neighbour: it is left out rather than printed as a near-empty page.
    let all = drawn.len();
    let drawn: Vec<(Tile, TileContent)> = drawn
        .into_iter()
        .filter(|(_, c)| !c.whole.is_empty())
        .collect();
    let parts = drawn.len();
    let left_out = if parts < all {
        " Parts without a whole site box are left out."
    } else {
        ""
    };

    let mut flow = Flow::new(g);
    for (n, (t, content)) in drawn.into_iter().enumerate() {
        if n > 0 {
            flow.new_page();
        }
        let figure = if parts == 1 {
            format!("{TITLE}: the site hierarchy drawn as a tree, each site with its upgrade wave.")
        } else {
            format!(
                "{TITLE}, part {} of {parts}: the site hierarchy drawn as a tree, each site with its upgrade wave.",
                n + 1
            )
        };
        flow.begin(Role::Figure(figure));
        let heading = if n == 0 {
            TITLE.to_string()
        } else {
            format!("{TITLE} (continued)")
        };
        flow.push(Item::Text {
            x: g.left,
            baseline: g.top + HEADING,
            text: heading,
            font: FontStyle::Bold,
            size: HEADING,
            color: ACCENT,
        });
        flow.push(Item::Line {
            x1: g.left,
            y1: g.top + HEADING + 6.0,
            x2: g.width - g.right,
            y2: g.top + HEADING + 6.0,
            width: 0.8,
            color: ACCENT,
        });
        let mut y = note_top;
        let mut caption = Vec::new();
        if parts > 1 {
            let text = format!(
                "Part {} of {parts}: row {} of {rows}, column {} of {cols} of the drawing; \
                 neighbouring parts overlap by one box.{left_out}",
                n + 1,
                t.row + 1,
                t.col + 1
            );
            caption = wrap(&[Span::regular(text)], NOTE_SIZE, g.content_width());
            caption.truncate(CAPTION_LINES);
        }
        let lines = note_lines.iter().chain(&caption).map(|l| l.text());
        for line in lines {
            flow.push(Item::Text {
                x: g.left,
                baseline: y,
                text: line,
                font: FontStyle::Regular,
                size: NOTE_SIZE,
                color: MUTED,
            });
            y += NOTE_LEADING;
        }
        for item in content.items {
            flow.push(item);
        }
        flow.end();
        // Each whole box's code is a link to the site's entry in the Hierarchy section.
        for s in content.whole {
            let Some(code) = s.labels.iter().find(|l| l.is_code) else {
                continue;
            };
            let (x, y) = t.at((s.rect.x, s.rect.y));
            flow.begin(Role::Link);
            flow.push(text(&t, code));
            flow.link(LinkArea {
                rect: [x, y, s.rect.w as f32 * t.scale, s.rect.h as f32 * t.scale],
                target: LinkTarget::Site(s.rect.code.clone()),
                alt: format!(
                    "Go to site {} ({}) in the Hierarchy section",
                    s.rect.code,
                    s.name.chars().take(80).collect::<String>()
                ),
            });
            flow.end();
        }
    }
    let done = flow.finish();
    Some(Appendix {
        anchor: Anchor {
            level: 1,
            title: TITLE.to_string(),
            page: 0,
            y: g.top,
        },
        pages: done.pages,
        structure: done.structure,
    })
}
