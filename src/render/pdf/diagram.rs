//! The hierarchy diagram as a page of its own at the end of the PDF: the SVG diagram's layout
//! (`render::diagram::layout`) scaled to fit the page and drawn with the layout's items (fills,
//! lines, text). Labels shrink with the drawing and are left out once they would be smaller than
//! 6 pt; the full-size SVG is written next to the PDF.

use std::collections::BTreeMap;

use super::fonts::{FontStyle, Fonts};
use super::layout::{Anchor, Geometry, Item, Page, Rgb, ACCENT, INK, MUTED};
use crate::model::SiteType;
use crate::numbers::fmt_int;
use crate::plan::{Plan, SitePlan};
use crate::render::diagram::{self, NodeBox};

/// The page's heading (also its contents and outline entry).
pub const TITLE: &str = "Hierarchy diagram";
/// SVG pixels to PDF points at most (a 200 px site box is 150 pt wide).
const MAX_SCALE: f32 = 0.75;
/// Smallest label drawn, in points: text below 6 pt does not print legibly. A hierarchy too
/// large for that on one page is drawn as boxes and lines only, and the note sends readers to
/// the full-size SVG (tiling it over several pages is still to be done).
const MIN_LABEL: f32 = 6.0;

fn rgb(hex: u32) -> Rgb {
    let c = |shift: u32| ((hex >> shift) & 0xff) as f32 / 255.0;
    Rgb(c(16), c(8), c(0))
}

/// The diagram page, with its heading's anchor (page index 0); `None` without sites.
pub fn page(plan: &Plan, g: Geometry) -> Option<(Anchor, Page)> {
    let l = diagram::layout(plan);
    if l.boxes.is_empty() {
        return None;
    }
    let mut page = Page::default();
    let heading = 16.0;
    page.items.push(Item::Text {
        x: g.left,
        baseline: g.top + heading,
        text: TITLE.to_string(),
        font: FontStyle::Bold,
        size: heading,
        color: ACCENT,
    });
    page.items.push(Item::Line {
        x1: g.left,
        y1: g.top + heading + 6.0,
        x2: g.width - g.right,
        y2: g.top + heading + 6.0,
        width: 0.8,
        color: ACCENT,
    });

    // The drawing's extent, without the SVG's own title and legend.
    let all = l.boxes.iter().chain(&l.groups);
    let min_x = all.clone().map(|b| b.x).fold(f64::MAX, f64::min) as f32;
    let min_y = all.clone().map(|b| b.y).fold(f64::MAX, f64::min) as f32;
    let max_x = all.clone().map(|b| b.x + b.w).fold(f64::MIN, f64::max) as f32;
    let max_y = all.map(|b| b.y + b.h).fold(f64::MIN, f64::max) as f32;
    let top = g.top + heading + 34.0;
    let (avail_w, avail_h) = (g.content_width(), g.content_bottom() - top);
    let scale = (avail_w / (max_x - min_x))
        .min(avail_h / (max_y - min_y))
        .min(MAX_SCALE);
    let note = if 9.0 * scale < MIN_LABEL {
        "Each box is a site, blockers in red, already upgraded in green. The hierarchy is too large for labels at this size: open the SVG diagram written next to this document (<name>-hierarchy.svg)."
    } else {
        "Each box is a site: code, wave, name, version and clients; red: has blockers, green: already on Configuration Manager 2007. The full-size drawing is the SVG written next to this document."
    };
    let mut y = g.top + heading + 18.0;
    for line in super::layout::wrap(&[super::markdown::Span::regular(note)], 8.0, avail_w) {
        page.items.push(Item::Text {
            x: g.left,
            baseline: y,
            text: line.text(),
            font: FontStyle::Regular,
            size: 8.0,
            color: MUTED,
        });
        y += 10.0;
    }
    let top = top.max(y + 4.0);
    // Centred across the page.
    let left = g.left + (avail_w - (max_x - min_x) * scale) / 2.0;
    let at = |b: &NodeBox| {
        (
            left + (b.x as f32 - min_x) * scale,
            top + (b.y as f32 - min_y) * scale,
            b.w as f32 * scale,
            b.h as f32 * scale,
        )
    };
    let px = |v: f64| v as f32 * scale;

    for group in &l.groups {
        let (x, y, w, h) = at(group);
        page.items.push(Item::Fill {
            x,
            y,
            w,
            h,
            color: rgb(0xfbfcfd),
        });
        outline(&mut page, (x, y, w, h), rgb(0xd5dbe1), 0.5);
    }

    let sites: BTreeMap<&str, &SitePlan> =
        plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let connector = rgb(0x8a96a3);
    // The connectors as the diagram's layout drew them, scaled onto the page.
    let point = |(x, y): (f64, f64)| {
        (
            left + (x as f32 - min_x) * scale,
            top + (y as f32 - min_y) * scale,
        )
    };
    for c in &l.connectors {
        for pair in c.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (point(pair[0]), point(pair[1]));
            page.items.push(Item::Line {
                x1,
                y1,
                x2,
                y2,
                width: (1.2 * scale).max(0.3),
                color: connector,
            });
        }
    }

    let fonts = Fonts::get();
    for b in &l.boxes {
        let Some(site) = sites.get(b.code.as_str()) else {
            continue;
        };
        let primary = site.site_type == SiteType::Primary;
        let (fill, stroke, width) = match (site.blockers > 0, site.already_upgraded) {
            (true, _) => (0xfdecea, 0xc0392b, 2.0),
            (false, true) => (0xe8f5e9, 0x2e7d32, 1.2),
            (false, false) if primary => (0xeaf1fb, 0x2f5d8a, 1.2),
            _ => (0xf5f7fa, 0x6b7b8c, 1.0),
        };
        let rect = at(b);
        let (x, y, w, _) = rect;
        page.items.push(Item::Fill {
            x: rect.0,
            y: rect.1,
            w: rect.2,
            h: rect.3,
            color: rgb(fill),
        });
        outline(&mut page, rect, rgb(stroke), (width * scale).max(0.3));
        if 9.0 * scale < MIN_LABEL {
            continue;
        }
        let version = crate::plan::version_label(site.version);
        let wave = site.wave.map(|n| format!("  wave {n}")).unwrap_or_default();
        let clients = fmt_int(site.clients + site.legacy_clients);
        let status = match (site.blockers, site.already_upgraded) {
            (0, true) => Some(("already on ConfigMgr 2007".to_string(), 0x2e7d32)),
            (0, false) => None,
            (1, _) => Some(("1 blocker".to_string(), 0xc0392b)),
            (n, _) => Some((format!("{n} blockers"), 0xc0392b)),
        };
        let mut lines: Vec<(String, FontStyle, f32, Rgb, f32)> = vec![
            (
                format!("{}{wave}", site.code),
                FontStyle::Bold,
                13.0,
                INK,
                16.0,
            ),
            (site.name.clone(), FontStyle::Regular, 11.0, INK, 30.0),
        ];
        if primary {
            let kind = if site.parent.is_none() {
                "central"
            } else {
                "primary"
            };
            lines.push((
                format!("{kind} · {version}"),
                FontStyle::Regular,
                10.0,
                MUTED,
                43.0,
            ));
            lines.push((
                format!(
                    "{clients} clients · subtree {}",
                    fmt_int(site.subtree_clients)
                ),
                FontStyle::Regular,
                10.0,
                MUTED,
                56.0,
            ));
            if let Some((text, colour)) = status {
                lines.push((text, FontStyle::Bold, 10.0, rgb(colour), 72.0));
            }
        } else {
            lines.push((
                format!("{version} · {clients} clients"),
                FontStyle::Regular,
                10.0,
                MUTED,
                43.0,
            ));
            if let Some((text, colour)) = status {
                lines.push((text, FontStyle::Bold, 9.0, rgb(colour), 54.0));
            }
        }
        for (text, font, size, color, dy) in lines {
            let size = size * scale;
            page.items.push(Item::Text {
                x: x + px(8.0),
                baseline: y + dy * scale,
                text: fit(fonts, &text, font, size, w - px(14.0)),
                font,
                size,
                color,
            });
        }
    }
    let anchor = Anchor {
        level: 1,
        title: TITLE.to_string(),
        page: 0,
        y: g.top,
    };
    Some((anchor, page))
}

/// A rectangle's border as four lines.
fn outline(page: &mut Page, (x, y, w, h): (f32, f32, f32, f32), color: Rgb, width: f32) {
    for (x1, y1, x2, y2) in [
        (x, y, x + w, y),
        (x + w, y, x + w, y + h),
        (x + w, y + h, x, y + h),
        (x, y + h, x, y),
    ] {
        page.items.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        });
    }
}

/// `text` shortened with an ellipsis to `width` points.
fn fit(fonts: &Fonts, text: &str, font: FontStyle, size: f32, width: f32) -> String {
    if fonts.width(font, text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if fonts.width(font, &format!("{out}{c}…"), size) > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}
