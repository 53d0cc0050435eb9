//! The hierarchy diagram as SVG: one box per site (code, name, type, version, clients, wave;
//! blockers highlighted), primaries as a top-down tree, each primary's secondaries stacked in a
//! compact grid beneath it so that a primary with hundreds of branch sites stays legible.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::SiteType;
use crate::plan::{Plan, SitePlan};

const PRIMARY_W: f64 = 200.0;
const PRIMARY_H: f64 = 84.0;
const SECONDARY_W: f64 = 180.0;
const SECONDARY_H: f64 = 58.0;
/// Gap left of each column of secondaries: the column's connector runs in it.
const COL_GAP: f64 = 16.0;
const ROW_GAP: f64 = 8.0;
/// Between the blocks of sibling primaries.
const GAP_X: f64 = 28.0;
/// Between a primary's box and its secondaries.
const GAP_Y: f64 = 18.0;
const TIER_GAP: f64 = 48.0;
/// Left lane of a panel whose primary has child primaries: the line down to them runs in it,
/// clear of the secondaries' grid to its right.
const TRUNK_LANE: f64 = 32.0;
/// Padding of the panel that groups a primary with its secondaries.
const PAD: f64 = 6.0;
const MARGIN: f64 = 20.0;
const TITLE_H: f64 = 50.0;
/// Secondaries per column before the grid wraps to another column: a primary with hundreds of
/// branch sites becomes a compact grid rather than a line thousands of pixels long.
const SECONDARIES_PER_COLUMN: usize = 10;

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
    /// Per primary with secondaries: the panel around it and its secondaries (code = the primary).
    pub groups: Vec<NodeBox>,
    /// (parent code, child code)
    pub edges: Vec<(String, String)>,
    /// The connecting lines, drawn as they are by every format.
    pub connectors: Vec<Connector>,
}

/// A connecting line: a polyline from a parent's box towards its child (or, `child: None`, a
/// rail or bus shared by a primary's secondaries).
#[derive(Debug, Clone, PartialEq)]
pub struct Connector {
    pub parent: String,
    pub child: Option<String>,
    pub points: Vec<(f64, f64)>,
}

struct Tree<'a> {
    primaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
    secondaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
}

fn grid_columns(n: usize) -> usize {
    n.div_ceil(SECONDARIES_PER_COLUMN).max(1)
}

/// Width and height of the grid of `n` secondaries.
fn secondary_block(n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let cols = grid_columns(n);
    let rows = n.min(SECONDARIES_PER_COLUMN);
    (
        cols as f64 * (SECONDARY_W + COL_GAP),
        rows as f64 * SECONDARY_H + (rows - 1) as f64 * ROW_GAP,
    )
}

/// Lays out the sites of a plan: primaries as a top-down tree (one row per depth), each with its
/// secondaries in a grid beneath it.
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
    let n_secondaries = |code: &str| tree.secondaries.get(code).map_or(0, Vec::len);
    // Each tier is as tall as its tallest primary + secondaries block.
    let mut tier_height: BTreeMap<usize, f64> = BTreeMap::new();
    for s in plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary)
    {
        let n = n_secondaries(&s.code);
        let h = PRIMARY_H
            + if n > 0 {
                GAP_Y + secondary_block(n).1
            } else {
                0.0
            };
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
        width: 2.0 * MARGIN,
        height: y - TIER_GAP + MARGIN,
        boxes: Vec::new(),
        groups: Vec::new(),
        edges: Vec::new(),
        connectors: Vec::new(),
    };
    let Some(central) = plan.sites.first() else {
        return out;
    };
    // Widths bottom-up (reverse pre-order), then placement top-down; both iterative, as
    // hierarchies can be very deep.
    let mut width: BTreeMap<&str, f64> = BTreeMap::new();
    let primaries: Vec<&SitePlan> = plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary)
        .collect();
    let has_kids = |code: &str| tree.primaries.get(code).is_some_and(|k| !k.is_empty());
    // The width of a primary's box and secondaries, and where in it they sit: with child
    // primaries, the box at the left and the grid right of the trunk lane.
    let content = |code: &str| -> (f64, f64, f64) {
        let bw = secondary_block(n_secondaries(code)).0;
        if bw == 0.0 {
            (PRIMARY_W, 0.0, 0.0)
        } else if has_kids(code) {
            let cw = PRIMARY_W.max(TRUNK_LANE + bw);
            (cw, 0.0, TRUNK_LANE)
        } else {
            let cw = PRIMARY_W.max(bw);
            (cw, (cw - PRIMARY_W) / 2.0, (cw - bw) / 2.0)
        }
    };
    for s in primaries.iter().rev() {
        let own = content(&s.code).0 + 2.0 * PAD;
        let children: f64 = tree.primaries.get(s.code.as_str()).map_or(0.0, |c| {
            c.iter().map(|k| width[k.code.as_str()]).sum::<f64>()
                + GAP_X * (c.len().saturating_sub(1)) as f64
        });
        width.insert(s.code.as_str(), own.max(children));
    }
    let mut stack = vec![(central, MARGIN)];
    while let Some((site, left)) = stack.pop() {
        let w = width[site.code.as_str()];
        let top = tier_y.get(&site.depth).copied().unwrap_or(MARGIN + TITLE_H);
        let (cw, box_dx, grid_dx) = content(&site.code);
        let cl = left + (w - cw) / 2.0;
        let x = cl + box_dx;
        out.boxes.push(NodeBox {
            code: site.code.clone(),
            x,
            y: top,
            w: PRIMARY_W,
            h: PRIMARY_H,
        });
        out.width = out.width.max(left + w + MARGIN);
        if let Some(secs) = tree.secondaries.get(site.code.as_str()) {
            let (bw, bh) = secondary_block(secs.len());
            let gx = cl + grid_dx;
            let gy = top + PRIMARY_H + GAP_Y;
            // Secondaries hang from a rail below the box and a bus left of each column; the
            // rail drops from the box above the first bus (clear of the trunk lane).
            let rail_y = top + PRIMARY_H + GAP_Y / 2.0;
            let drop_x = if has_kids(&site.code) {
                gx + COL_GAP / 2.0
            } else {
                x + PRIMARY_W / 2.0
            };
            let mut buses: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
            for (i, sec) in secs.iter().enumerate() {
                let col = i / SECONDARIES_PER_COLUMN;
                let row = i % SECONDARIES_PER_COLUMN;
                let b = NodeBox {
                    code: sec.code.clone(),
                    x: gx + COL_GAP + col as f64 * (SECONDARY_W + COL_GAP),
                    y: gy + row as f64 * (SECONDARY_H + ROW_GAP),
                    w: SECONDARY_W,
                    h: SECONDARY_H,
                };
                let bus = b.x - COL_GAP / 2.0;
                let mid = b.y + b.h / 2.0;
                let e = buses.entry(col).or_insert((bus, mid));
                e.1 = e.1.max(mid);
                out.connectors.push(Connector {
                    parent: site.code.clone(),
                    child: Some(sec.code.clone()),
                    points: vec![(bus, mid), (b.x, mid)],
                });
                out.boxes.push(b);
                out.edges.push((site.code.clone(), sec.code.clone()));
            }
            let rail_left = buses.values().map(|b| b.0).fold(drop_x, f64::min);
            let rail_right = buses.values().map(|b| b.0).fold(drop_x, f64::max);
            let shared = |points| Connector {
                parent: site.code.clone(),
                child: None,
                points,
            };
            out.connectors
                .push(shared(vec![(drop_x, top + PRIMARY_H), (drop_x, rail_y)]));
            if rail_right > rail_left {
                out.connectors
                    .push(shared(vec![(rail_left, rail_y), (rail_right, rail_y)]));
            }
            for (bus, low) in buses.values() {
                out.connectors
                    .push(shared(vec![(*bus, rail_y), (*bus, *low)]));
            }
            let gl = gx.min(x) - PAD;
            let gr = (gx + bw).max(x + PRIMARY_W) + PAD;
            out.groups.push(NodeBox {
                code: site.code.clone(),
                x: gl,
                y: top - PAD,
                w: gr - gl,
                h: PRIMARY_H + GAP_Y + bh + 2.0 * PAD,
            });
        }
        if let Some(kids) = tree.primaries.get(site.code.as_str()) {
            let total: f64 = kids.iter().map(|k| width[k.code.as_str()]).sum::<f64>()
                + GAP_X * (kids.len() - 1) as f64;
            let mut l = left + (w - total) / 2.0;
            let mut placed = Vec::new();
            // The trunk leaves the box's bottom edge in the lane left of the secondaries (or
            // at its centre when it has none) and turns towards each child between the tiers.
            let trunk_x = if n_secondaries(&site.code) > 0 {
                x + TRUNK_LANE / 2.0
            } else {
                x + PRIMARY_W / 2.0
            };
            for k in kids {
                placed.push((*k, l));
                out.edges.push((site.code.clone(), k.code.clone()));
                let kw = width[k.code.as_str()];
                let (kcw, kdx, _) = content(&k.code);
                let kx = l + (kw - kcw) / 2.0 + kdx + PRIMARY_W / 2.0;
                let ky = tier_y.get(&k.depth).copied().unwrap_or(top);
                let turn = ky - TIER_GAP / 2.0;
                out.connectors.push(Connector {
                    parent: site.code.clone(),
                    child: Some(k.code.clone()),
                    points: vec![
                        (trunk_x, top + PRIMARY_H),
                        (trunk_x, turn),
                        (kx, turn),
                        (kx, ky),
                    ],
                });
                l += kw + GAP_X;
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

/// Characters of `font_size` text that fit in `width` pixels (DejaVu Sans averages about
/// 0.56 em per character in these labels).
fn fits(width: f64, font_size: f64) -> usize {
    ((width - 16.0) / (font_size * 0.56)).max(4.0) as usize
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The diagram as a standalone SVG document.
pub fn render_svg(plan: &Plan) -> String {
    let l = layout(plan);
    let sites: BTreeMap<&str, &SitePlan> =
        plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let title = format!("{} — site hierarchy", plan.title);
    // Wide enough for the title and the legend, whatever the tree.
    let width = l
        .width
        .max(2.0 * MARGIN + title.chars().count() as f64 * 16.0 * 0.62)
        .max(2.0 * MARGIN + 640.0);
    let mut svg = String::with_capacity(1024 + l.boxes.len() * 900);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        w = width,
        h = l.height
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{MARGIN}" y="{}" font-size="16" font-weight="bold" fill="#1f2d3d">{}</text>"##,
        MARGIN + 16.0,
        esc(&title)
    );
    // Legend: what the colours mean.
    let legend = [
        ("#eaf1fb", "#2f5d8a", "primary site to upgrade"),
        ("#f5f7fa", "#6b7b8c", "secondary site to upgrade"),
        ("#fdecea", "#c0392b", "has blockers"),
        ("#e8f5e9", "#2e7d32", "already on ConfigMgr 2007"),
    ];
    let mut lx = MARGIN;
    for (fill, stroke, label) in legend {
        let _ = writeln!(
            svg,
            r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="10" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#4a5a6a">{label}</text>"##,
            MARGIN + 27.0,
            lx + 19.0,
            MARGIN + 36.0
        );
        lx += 19.0 + label.len() as f64 * 6.0 + 18.0;
    }
    for g in &l.groups {
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="#fbfcfd" stroke="#d5dbe1" stroke-dasharray="4 3"/>"##,
            g.x, g.y, g.w, g.h
        );
    }
    // Connectors, as the layout drew them.
    let stroke = r##"fill="none" stroke="#8a96a3" stroke-width="1.2""##;
    for c in &l.connectors {
        let mut d = String::new();
        for (i, (x, y)) in c.points.iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" });
        }
        let _ = writeln!(svg, r##"<path d="{d}" {stroke}/>"##);
    }
    for b in &l.boxes {
        let Some(site) = sites.get(b.code.as_str()) else {
            continue;
        };
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
        let wave = site.wave.map(|w| format!("wave {w}")).unwrap_or_default();
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="13" font-weight="bold" fill="#1f2d3d">{}<tspan dx="8" font-weight="normal" font-size="10" fill="#4a5a6a">{}</tspan></text>"##,
            b.y + 16.0,
            esc(&site.code),
            esc(&wave)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="11" fill="#1f2d3d">{}</text>"##,
            b.y + 30.0,
            esc(&cut(&site.name, fits(b.w, 11.0)))
        );
        let version = crate::plan::version_label(site.version);
        let blockers = (site.blockers > 0).then(|| plural(site.blockers, "blocker", "blockers"));
        if primary {
            let kind = if site.parent.is_none() {
                "central"
            } else {
                "primary"
            };
            let lines = [
                (
                    format!("{kind} · {version}"),
                    43.0,
                    10.0,
                    "normal",
                    "#4a5a6a",
                ),
                (
                    format!(
                        "{} clients · subtree {}",
                        crate::numbers::fmt_int(site.clients + site.legacy_clients),
                        crate::numbers::fmt_int(site.subtree_clients)
                    ),
                    56.0,
                    10.0,
                    "normal",
                    "#4a5a6a",
                ),
                match (&blockers, site.already_upgraded) {
                    (Some(b), _) => (b.clone(), 74.0, 10.0, "bold", "#c0392b"),
                    (None, true) => (
                        "already on ConfigMgr 2007".to_string(),
                        74.0,
                        10.0,
                        "bold",
                        "#2e7d32",
                    ),
                    (None, false) => ("no blockers".to_string(), 74.0, 10.0, "bold", "#4a5a6a"),
                },
            ];
            for (text, dy, size, weight, colour) in lines {
                let _ = writeln!(
                    svg,
                    r##"<text x="{tx:.1}" y="{:.1}" font-size="{size}" font-weight="{weight}" fill="{colour}">{}</text>"##,
                    b.y + dy,
                    esc(&cut(&text, fits(b.w, size)))
                );
            }
        } else {
            let text = format!(
                "{version} · {} clients",
                crate::numbers::fmt_int(site.clients + site.legacy_clients)
            );
            let _ = writeln!(
                svg,
                r##"<text x="{tx:.1}" y="{:.1}" font-size="10" fill="#4a5a6a">{}</text>"##,
                b.y + 43.0,
                esc(&cut(&text, fits(b.w, 10.0)))
            );
            let status = match (&blockers, site.already_upgraded) {
                (Some(b), _) => Some((b.clone(), "#c0392b")),
                (None, true) => Some(("already on ConfigMgr 2007".to_string(), "#2e7d32")),
                (None, false) => None,
            };
            if let Some((text, colour)) = status {
                let _ = writeln!(
                    svg,
                    r##"<text x="{tx:.1}" y="{:.1}" font-size="9" font-weight="bold" fill="{colour}">{}</text>"##,
                    b.y + 54.0,
                    esc(&text)
                );
            }
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}
