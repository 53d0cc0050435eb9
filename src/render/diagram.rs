//! The hierarchy diagram as SVG: one box per site (code, name, type, version, clients, wave;
//! blockers highlighted), primaries as a top-down tree, each primary's secondaries stacked in a
//! compact grid beneath it so that a primary with hundreds of branch sites stays legible.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::plan::{Plan, SitePlan};
use crate::model::SiteType;

const PRIMARY_W: f64 = 190.0;
const PRIMARY_H: f64 = 78.0;
const SECONDARY_W: f64 = 150.0;
const SECONDARY_H: f64 = 62.0;
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 18.0;
const TIER_GAP: f64 = 44.0;
const MARGIN: f64 = 20.0;
const TITLE_H: f64 = 34.0;
/// Secondaries per column before the grid wraps to another column.
const SECONDARIES_PER_COLUMN: usize = 10;
/// Characters of a site name that fit in a box at 11 px (longer names are cut with an ellipsis).
const NAME_CHARS_PRIMARY: usize = 26;
const NAME_CHARS_SECONDARY: usize = 20;

/// A positioned box.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub code: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The computed layout (kept separate from the SVG text so it can be tested).
#[derive(Debug, Clone, PartialEq)]
pub struct DiagramLayout {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<NodeBox>,
    /// (parent code, child code)
    pub edges: Vec<(String, String)>,
}

struct Tree<'a> {
    primaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
    secondaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
}

fn grid_columns(n: usize) -> usize {
    n.div_ceil(SECONDARIES_PER_COLUMN).max(1)
}

fn secondary_block(n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let cols = grid_columns(n);
    let rows = n.min(SECONDARIES_PER_COLUMN);
    (
        cols as f64 * SECONDARY_W + (cols - 1) as f64 * GAP_X / 2.0,
        rows as f64 * (SECONDARY_H + GAP_Y / 2.0),
    )
}

/// Lays out the sites of a plan.
pub fn layout(plan: &Plan) -> DiagramLayout {
    let mut tree = Tree {
        primaries: BTreeMap::new(),
        secondaries: BTreeMap::new(),
    };
    for s in &plan.sites {
        if let Some(p) = &s.parent {
            let list = match s.site_type {
                SiteType::Primary => tree.primaries.entry(p.as_str()).or_default(),
                SiteType::Secondary => tree.secondaries.entry(p.as_str()).or_default(),
            };
            list.push(s);
        }
    }
    // Tier heights: each tier is as tall as its tallest primary + secondary block.
    let mut tier_height: BTreeMap<usize, f64> = BTreeMap::new();
    for s in plan.sites.iter().filter(|s| s.site_type == SiteType::Primary) {
        let n = tree.secondaries.get(s.code.as_str()).map_or(0, Vec::len);
        let h = PRIMARY_H + if n > 0 { GAP_Y + secondary_block(n).1 } else { 0.0 };
        let e = tier_height.entry(s.depth).or_insert(0.0);
        *e = e.max(h);
    }
    let mut tier_y = BTreeMap::new();
    let mut y = MARGIN + TITLE_H;
    for (depth, h) in &tier_height {
        tier_y.insert(*depth, y);
        y += h + TIER_GAP;
    }

    let mut out = DiagramLayout {
        width: 0.0,
        height: y - TIER_GAP + MARGIN,
        boxes: Vec::new(),
        edges: Vec::new(),
    };
    let Some(central) = plan.sites.first() else {
        out.width = 2.0 * MARGIN;
        return out;
    };
    // Post-order widths, then place; iterative to survive very deep hierarchies.
    let mut width: BTreeMap<&str, f64> = BTreeMap::new();
    let primaries: Vec<&SitePlan> = plan.sites.iter().filter(|s| s.site_type == SiteType::Primary).collect();
    for s in primaries.iter().rev() {
        let own = PRIMARY_W.max(secondary_block(tree.secondaries.get(s.code.as_str()).map_or(0, Vec::len)).0);
        let children: f64 = tree.primaries.get(s.code.as_str()).map_or(0.0, |c| {
            c.iter().map(|k| width[k.code.as_str()]).sum::<f64>() + GAP_X * (c.len().saturating_sub(1)) as f64
        });
        width.insert(s.code.as_str(), own.max(children));
    }
    let mut stack = vec![(central, MARGIN)];
    while let Some((site, left)) = stack.pop() {
        let w = width[site.code.as_str()];
        let top = tier_y.get(&site.depth).copied().unwrap_or(MARGIN + TITLE_H);
        let x = left + (w - PRIMARY_W) / 2.0;
        out.boxes.push(NodeBox {
            code: site.code.clone(),
            x,
            y: top,
            w: PRIMARY_W,
            h: PRIMARY_H,
        });
        out.width = out.width.max(left + w + MARGIN);
        if let Some(secs) = tree.secondaries.get(site.code.as_str()) {
            let (bw, _) = secondary_block(secs.len());
            let gx = left + (w - bw) / 2.0;
            for (i, sec) in secs.iter().enumerate() {
                let col = i / SECONDARIES_PER_COLUMN;
                let row = i % SECONDARIES_PER_COLUMN;
                out.boxes.push(NodeBox {
                    code: sec.code.clone(),
                    x: gx + col as f64 * (SECONDARY_W + GAP_X / 2.0),
                    y: top + PRIMARY_H + GAP_Y + row as f64 * (SECONDARY_H + GAP_Y / 2.0),
                    w: SECONDARY_W,
                    h: SECONDARY_H,
                });
                out.edges.push((site.code.clone(), sec.code.clone()));
            }
        }
        if let Some(kids) = tree.primaries.get(site.code.as_str()) {
            let total: f64 =
                kids.iter().map(|k| width[k.code.as_str()]).sum::<f64>() + GAP_X * (kids.len() - 1) as f64;
            let mut l = left + (w - total) / 2.0;
            let mut placed = Vec::new();
            for k in kids {
                placed.push((*k, l));
                out.edges.push((site.code.clone(), k.code.clone()));
                l += width[k.code.as_str()] + GAP_X;
            }
            stack.extend(placed.into_iter().rev());
        }
    }
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Thousands separators for client counts.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The diagram as a standalone SVG document.
pub fn render_svg(plan: &Plan) -> String {
    let l = layout(plan);
    let sites: BTreeMap<&str, &SitePlan> = plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let boxes: BTreeMap<&str, &NodeBox> = l.boxes.iter().map(|b| (b.code.as_str(), b)).collect();
    let mut svg = String::with_capacity(512 + l.boxes.len() * 700);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        w = l.width,
        h = l.height
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="{MARGIN}" y="{}" font-size="16" font-weight="bold" fill="#1f2d3d">{} — site hierarchy</text>"##,
        MARGIN + 16.0,
        esc(&plan.title)
    );
    for (parent, child) in &l.edges {
        let (Some(p), Some(c)) = (boxes.get(parent.as_str()), boxes.get(child.as_str())) else { continue };
        let (x1, y1) = (p.x + p.w / 2.0, p.y + p.h);
        let (x2, y2) = (c.x + c.w / 2.0, c.y);
        let mid = y1 + (y2 - y1).min(GAP_Y * 2.0) / 2.0;
        let _ = writeln!(
            svg,
            r##"<path d="M{x1:.1} {y1:.1} V{mid:.1} H{x2:.1} V{y2:.1}" fill="none" stroke="#8a96a3" stroke-width="1.2"/>"##
        );
    }
    for b in &l.boxes {
        let Some(site) = sites.get(b.code.as_str()) else { continue };
        let primary = site.site_type == SiteType::Primary;
        let (fill, stroke, width) = match (site.blockers > 0, site.already_upgraded) {
            (true, _) => ("#fdecea", "#c0392b", 2.5),
            (false, true) => ("#e8f5e9", "#2e7d32", 1.2),
            (false, false) if primary => ("#eaf1fb", "#2f5d8a", 1.2),
            _ => ("#f5f7fa", "#6b7b8c", 1.0),
        };
        let _ = writeln!(
            svg,
            r#"<g><title>{code} {name}</title><rect x="{x:.1}" y="{y:.1}" width="{w:.0}" height="{h:.0}" rx="5" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>"#,
            code = esc(&site.code),
            name = esc(&site.name),
            x = b.x,
            y = b.y,
            w = b.w,
            h = b.h
        );
        let tx = b.x + 8.0;
        let name_chars = if primary { NAME_CHARS_PRIMARY } else { NAME_CHARS_SECONDARY };
        let wave = site.wave.map(|w| format!("  ·  wave {w}")).unwrap_or_default();
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="13" font-weight="bold" fill="#1f2d3d">{}<tspan font-weight="normal" font-size="10" fill="#4a5a6a">{}</tspan></text>"##,
            b.y + 16.0,
            esc(&site.code),
            esc(&wave)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="11" fill="#1f2d3d">{}</text>"##,
            b.y + 30.0,
            esc(&cut(&site.name, name_chars))
        );
        let kind = if primary { "primary" } else { "secondary" };
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="10" fill="#4a5a6a">{kind} · {} · {} clients</text>"##,
            b.y + 43.0,
            esc(site.version.as_str()),
            group_digits(site.clients + site.legacy_clients)
        );
        if primary {
            let status = if site.blockers > 0 {
                format!("{} blocker{}", site.blockers, if site.blockers == 1 { "" } else { "s" })
            } else if site.already_upgraded {
                "already on ConfigMgr 2007".to_string()
            } else {
                "no blockers".to_string()
            };
            let colour = if site.blockers > 0 { "#c0392b" } else { "#4a5a6a" };
            let _ = writeln!(
                svg,
                r##"<text x="{tx:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="{colour}">{}</text>"##,
                b.y + 60.0,
                esc(&status)
            );
            let _ = writeln!(
                svg,
                r##"<text x="{tx:.1}" y="{:.1}" font-size="9" fill="#4a5a6a">subtree {} clients</text>"##,
                b.y + 72.0,
                group_digits(site.subtree_clients)
            );
        } else if site.blockers > 0 {
            let _ = writeln!(
                svg,
                r##"<text x="{tx:.1}" y="{:.1}" font-size="9" font-weight="bold" fill="#c0392b">{} blocker{}</text>"##,
                b.y + 56.0,
                site.blockers,
                if site.blockers == 1 { "" } else { "s" }
            );
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}
