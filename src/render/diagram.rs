//! The hierarchy diagram, drawn once ([`drawing`]: positioned site boxes with their labels,
//! group panels and connecting lines) and serialised from that one list to SVG ([`render_svg`])
//! and to PDF pages (`render::pdf::diagram`). Primaries form a top-down tree, each primary's
//! secondaries a compact grid beneath it; a tier too wide for [`MAX_ROW_WIDTH`] wraps into
//! several rows, its lines running down a lane left of the rows.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::SiteType;
use crate::plan::{Plan, SitePlan};
use crate::render::fonts::{FontStyle, Fonts};

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
/// Between a primary's panel and the row of its child primaries.
const TIER_GAP: f64 = 48.0;
/// Left lane of a panel whose primary has child primaries: the line down to them runs in it,
/// clear of the secondaries' grid to its right.
const TRUNK_LANE: f64 = 32.0;
/// Padding of the panel that groups a primary with its secondaries.
const PAD: f64 = 6.0;
const MARGIN: f64 = 20.0;
/// Room above the drawing for the SVG's title and legend.
const TITLE_H: f64 = 50.0;
/// Secondaries per column before the grid wraps to another column.
const SECONDARIES_PER_COLUMN: usize = 10;
/// Widest row of sibling primaries (and widest grid of secondaries) before it wraps: a tier
/// of many sites becomes several rows rather than a line thousands of pixels long.
pub const MAX_ROW_WIDTH: f64 = 1600.0;
/// Columns of a secondaries' grid at most (taller columns beyond that).
const MAX_GRID_COLUMNS: usize = (MAX_ROW_WIDTH / (SECONDARY_W + COL_GAP)) as usize;
/// Wrapped rows of child primaries start this far right of their parent's block, leaving the
/// lane their lines run down.
const WRAP_INDENT: f64 = PAD + TRUNK_LANE;

/// Colours of the drawing (RGB hex), shared by both formats.
pub const INK: u32 = 0x1f2d3d;
pub const MUTED: u32 = 0x4a5a6a;
pub const CONNECTOR: u32 = 0x8a96a3;
pub const PANEL_FILL: u32 = 0xfbfcfd;
pub const PANEL_STROKE: u32 = 0xd5dbe1;
pub const BLOCKER: u32 = 0xc0392b;
pub const UPGRADED: u32 = 0x2e7d32;

/// A positioned box.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub code: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The computed geometry (kept separate from the labels so it can be tested on its own).
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

/// A line of text in a site's box, already cut to the box's width.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub baseline: f64,
    pub text: String,
    pub size: f64,
    pub bold: bool,
    pub colour: u32,
    /// The site's code (the label a PDF makes a link to the site's section).
    pub is_code: bool,
}

/// A site's box as drawn: where, in which colours, with which labels.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteBox {
    pub rect: NodeBox,
    pub name: String,
    pub fill: u32,
    pub stroke: u32,
    pub stroke_width: f64,
    pub labels: Vec<Label>,
}

/// The whole diagram, as every format draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    pub panels: Vec<NodeBox>,
    pub connectors: Vec<Connector>,
    pub sites: Vec<SiteBox>,
}

impl Drawing {
    /// The smallest label, in drawing units.
    pub fn smallest_label(&self) -> f64 {
        self.sites
            .iter()
            .flat_map(|s| &s.labels)
            .map(|l| l.size)
            .fold(f64::INFINITY, f64::min)
    }
}

struct Tree<'a> {
    primaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
    secondaries: BTreeMap<&'a str, Vec<&'a SitePlan>>,
}

/// Columns and rows of the grid of `n` secondaries.
fn grid_shape(n: usize) -> (usize, usize) {
    let cols = n
        .div_ceil(SECONDARIES_PER_COLUMN)
        .clamp(1, MAX_GRID_COLUMNS);
    (cols, n.div_ceil(cols))
}

/// Width and height of the grid of `n` secondaries.
fn secondary_block(n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let (cols, rows) = grid_shape(n);
    (
        cols as f64 * (SECONDARY_W + COL_GAP),
        rows as f64 * SECONDARY_H + (rows - 1) as f64 * ROW_GAP,
    )
}

/// A primary's subtree as laid out: its panel on top, the rows of its child primaries below.
struct Block {
    w: f64,
    h: f64,
    /// Height of the panel (box and secondaries, padding included).
    own_h: f64,
    /// Child primaries by row, with each row's width and height.
    rows: Vec<(Vec<usize>, f64, f64)>,
}

impl Block {
    fn wrapped(&self) -> bool {
        self.rows.len() > 1
    }
}

/// Lays out the sites of a plan: primaries as a top-down tree, each with its secondaries in a
/// grid beneath it; siblings wider than [`MAX_ROW_WIDTH`] wrap into rows.
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
    let mut out = DiagramLayout {
        width: 2.0 * MARGIN,
        height: 2.0 * MARGIN + TITLE_H,
        boxes: Vec::new(),
        groups: Vec::new(),
        edges: Vec::new(),
        connectors: Vec::new(),
    };
    let Some(central) = plan.sites.first() else {
        return out;
    };
    let n_secondaries = |code: &str| tree.secondaries.get(code).map_or(0, Vec::len);
    let kids_of = |code: &str| tree.primaries.get(code).map_or(&[][..], Vec::as_slice);
    // The width of a primary's box and secondaries, and where in it they sit: with child
    // primaries, the box at the left and the grid right of the trunk lane.
    let content = |code: &str| -> (f64, f64, f64) {
        let bw = secondary_block(n_secondaries(code)).0;
        if bw == 0.0 {
            (PRIMARY_W, 0.0, 0.0)
        } else if !kids_of(code).is_empty() {
            (PRIMARY_W.max(TRUNK_LANE + bw), 0.0, TRUNK_LANE)
        } else {
            let cw = PRIMARY_W.max(bw);
            (cw, (cw - PRIMARY_W) / 2.0, (cw - bw) / 2.0)
        }
    };
    let panel_h = |code: &str| {
        let n = n_secondaries(code);
        PRIMARY_H
            + if n > 0 {
                GAP_Y + secondary_block(n).1
            } else {
                0.0
            }
    };
    // Blocks bottom-up (children follow their parent in the plan's site list), then placement
    // top-down; both iterative, as hierarchies can be very deep.
    let primaries: Vec<&SitePlan> = plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary)
        .collect();
    let mut blocks: BTreeMap<&str, Block> = BTreeMap::new();
    for s in primaries.iter().rev() {
        let own_w = content(&s.code).0 + 2.0 * PAD;
        let own_h = panel_h(&s.code) + 2.0 * PAD;
        let mut rows: Vec<(Vec<usize>, f64, f64)> = Vec::new();
        for (i, k) in kids_of(&s.code).iter().enumerate() {
            let b = &blocks[k.code.as_str()];
            match rows.last_mut() {
                Some((row, w, h)) if *w + GAP_X + b.w <= MAX_ROW_WIDTH => {
                    row.push(i);
                    *w += GAP_X + b.w;
                    *h = h.max(b.h);
                }
                _ => rows.push((vec![i], b.w, b.h)),
            }
        }
        let widest = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        let w = if rows.len() > 1 {
            own_w.max(WRAP_INDENT + widest)
        } else {
            own_w.max(widest)
        };
        let h = own_h + rows.iter().map(|r| TIER_GAP + r.2).sum::<f64>();
        blocks.insert(s.code.as_str(), Block { w, h, own_h, rows });
    }
    // Left edge of a primary's panel content in its block: centred over a single row,
    // at the left when its children wrap (their lines run down the left lane).
    let content_left = |code: &str, left: f64| {
        let b = &blocks[code];
        if b.wrapped() {
            left + PAD
        } else {
            left + (b.w - content(code).0) / 2.0
        }
    };
    let root = &blocks[central.code.as_str()];
    out.height = MARGIN + TITLE_H + root.h + MARGIN;
    let mut stack = vec![(central, MARGIN, MARGIN + TITLE_H)];
    while let Some((site, left, top)) = stack.pop() {
        let block = &blocks[site.code.as_str()];
        let (_, box_dx, grid_dx) = content(&site.code);
        let cl = content_left(&site.code, left);
        let x = cl + box_dx;
        let box_y = top + PAD;
        out.boxes.push(NodeBox {
            code: site.code.clone(),
            x,
            y: box_y,
            w: PRIMARY_W,
            h: PRIMARY_H,
        });
        out.width = out.width.max(left + block.w + MARGIN);
        let kids = kids_of(&site.code);
        if let Some(secs) = tree.secondaries.get(site.code.as_str()) {
            let (bw, bh) = secondary_block(secs.len());
            let (_, rows) = grid_shape(secs.len());
            let gx = cl + grid_dx;
            let gy = box_y + PRIMARY_H + GAP_Y;
            // Secondaries hang from a rail below the box and a bus left of each column; the
            // rail drops from the box above the first bus (clear of the trunk lane).
            let rail_y = box_y + PRIMARY_H + GAP_Y / 2.0;
            let drop_x = if kids.is_empty() {
                x + PRIMARY_W / 2.0
            } else {
                gx + COL_GAP / 2.0
            };
            let mut buses: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
            for (i, sec) in secs.iter().enumerate() {
                let (col, row) = (i / rows, i % rows);
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
                .push(shared(vec![(drop_x, box_y + PRIMARY_H), (drop_x, rail_y)]));
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
                y: box_y - PAD,
                w: gr - gl,
                h: PRIMARY_H + GAP_Y + bh + 2.0 * PAD,
            });
        }
        if kids.is_empty() {
            continue;
        }
        // The trunk leaves the box's bottom edge in the lane left of the secondaries (at the
        // box's left when the children wrap, else at its centre) and turns towards each
        // child between the rows.
        let trunk_x = if n_secondaries(&site.code) > 0 || block.wrapped() {
            x + TRUNK_LANE / 2.0
        } else {
            x + PRIMARY_W / 2.0
        };
        let mut placed = Vec::new();
        let mut row_top = top + block.own_h + TIER_GAP;
        for (row, row_w, row_h) in &block.rows {
            let mut l = if block.wrapped() {
                left + WRAP_INDENT
            } else {
                left + (block.w - row_w) / 2.0
            };
            let turn = row_top - TIER_GAP / 2.0;
            for &i in row {
                let k = kids[i];
                out.edges.push((site.code.clone(), k.code.clone()));
                let kx = content_left(&k.code, l) + content(&k.code).1 + PRIMARY_W / 2.0;
                out.connectors.push(Connector {
                    parent: site.code.clone(),
                    child: Some(k.code.clone()),
                    points: vec![
                        (trunk_x, box_y + PRIMARY_H),
                        (trunk_x, turn),
                        (kx, turn),
                        (kx, row_top + PAD),
                    ],
                });
                placed.push((k, l, row_top));
                l += blocks[k.code.as_str()].w + GAP_X;
            }
            row_top += row_h + TIER_GAP;
        }
        stack.extend(placed.into_iter().rev());
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn face(bold: bool) -> FontStyle {
    if bold {
        FontStyle::Bold
    } else {
        FontStyle::Regular
    }
}

/// Width of a label in drawing units, measured with the DejaVu faces both formats use.
pub fn label_width(text: &str, size: f64, bold: bool) -> f64 {
    f64::from(Fonts::get().width(face(bold), text, size as f32))
}

/// `text` shortened with an ellipsis to `width` (linear in the text's length: names may be
/// long).
fn fit(text: &str, size: f64, bold: bool, width: f64) -> String {
    if label_width(text, size, bold) <= width {
        return text.to_string();
    }
    let room = width - label_width("…", size, bold);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += label_width(c.encode_utf8(&mut [0; 4]), size, bold);
        if used > room {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// Left and right padding of a box's labels.
const LABEL_PAD: f64 = 8.0;

/// The diagram with every box's colours and labels: what the SVG and the PDF both draw.
pub fn drawing(plan: &Plan) -> Drawing {
    let l = layout(plan);
    let sites: BTreeMap<&str, &SitePlan> =
        plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    let mut out = Drawing {
        width: l.width,
        height: l.height,
        panels: l.groups,
        connectors: l.connectors,
        sites: Vec::with_capacity(l.boxes.len()),
    };
    for b in l.boxes {
        let Some(site) = sites.get(b.code.as_str()) else {
            continue;
        };
        let primary = site.site_type == SiteType::Primary;
        let (fill, stroke, stroke_width) = match (site.blockers > 0, site.already_upgraded) {
            (true, _) => (0xfdecea, BLOCKER, 2.5),
            (false, true) => (0xe8f5e9, UPGRADED, 1.2),
            (false, false) if primary => (0xeaf1fb, 0x2f5d8a, 1.2),
            _ => (0xf5f7fa, 0x6b7b8c, 1.0),
        };
        let tx = b.x + LABEL_PAD;
        let room = b.w - 2.0 * LABEL_PAD;
        let mut labels = Vec::new();
        let mut line = |text: &str, dy: f64, size: f64, bold: bool, colour: u32| {
            labels.push(Label {
                x: tx,
                baseline: b.y + dy,
                text: fit(text, size, bold, room),
                size,
                bold,
                colour,
                is_code: false,
            });
        };
        line(&site.code, 16.0, 13.0, true, INK);
        line(&site.name, 30.0, 11.0, false, INK);
        let version = crate::plan::version_label(site.version);
        let clients = crate::numbers::fmt_int(site.clients + site.legacy_clients);
        let status = match (site.blockers, site.already_upgraded) {
            (0, true) => Some(("already on ConfigMgr 2007".to_string(), UPGRADED)),
            (0, false) => None,
            (n, _) => Some((plural(n, "blocker", "blockers"), BLOCKER)),
        };
        if primary {
            let kind = if site.parent.is_none() {
                "central"
            } else {
                "primary"
            };
            line(&format!("{kind} · {version}"), 43.0, 10.0, false, MUTED);
            line(
                &format!(
                    "{clients} clients · subtree {}",
                    crate::numbers::fmt_int(site.subtree_clients)
                ),
                56.0,
                10.0,
                false,
                MUTED,
            );
            let (text, colour) = status.unwrap_or(("no blockers".to_string(), MUTED));
            line(&text, 74.0, 10.0, true, colour);
        } else {
            line(
                &format!("{version} · {clients} clients"),
                43.0,
                10.0,
                false,
                MUTED,
            );
            if let Some((text, colour)) = status {
                line(&text, 54.0, 9.0, true, colour);
            }
        }
        labels[0].is_code = true;
        // The wave follows the code on its line, in the room the code leaves.
        if let Some(w) = site.wave {
            let after = label_width(&labels[0].text, 13.0, true) + 8.0;
            if room - after > 20.0 {
                labels.insert(
                    1,
                    Label {
                        x: tx + after,
                        baseline: b.y + 16.0,
                        text: fit(&format!("wave {w}"), 10.0, false, room - after),
                        size: 10.0,
                        bold: false,
                        colour: MUTED,
                        is_code: false,
                    },
                );
            }
        }
        out.sites.push(SiteBox {
            rect: b,
            name: site.name.clone(),
            fill,
            stroke,
            stroke_width,
            labels,
        });
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

/// The diagram as a standalone SVG document.
pub fn render_svg(plan: &Plan) -> String {
    let d = drawing(plan);
    let title = format!("{} — site hierarchy", plan.title);
    // Wide enough for the title and the legend, whatever the tree.
    let width = d
        .width
        .max(2.0 * MARGIN + label_width(&title, 16.0, true))
        .max(2.0 * MARGIN + 640.0);
    let mut svg = String::with_capacity(1024 + d.sites.len() * 900);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        w = width,
        h = d.height
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{MARGIN}" y="{}" font-size="16" font-weight="bold" fill="#{INK:06x}">{}</text>"##,
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
            r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="10" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#{MUTED:06x}">{label}</text>"##,
            MARGIN + 27.0,
            lx + 19.0,
            MARGIN + 36.0
        );
        lx += 19.0 + label_width(label, 10.0, false) + 18.0;
    }
    for g in &d.panels {
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="#{PANEL_FILL:06x}" stroke="#{PANEL_STROKE:06x}" stroke-dasharray="4 3"/>"##,
            g.x, g.y, g.w, g.h
        );
    }
    // Connectors, as the layout drew them.
    for c in &d.connectors {
        let mut path = String::new();
        for (i, (x, y)) in c.points.iter().enumerate() {
            let _ = write!(path, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" });
        }
        let _ = writeln!(
            svg,
            r##"<path d="{path}" fill="none" stroke="#{CONNECTOR:06x}" stroke-width="1.2"/>"##
        );
    }
    for s in &d.sites {
        let b = &s.rect;
        let _ = writeln!(
            svg,
            r##"<g><title>{code} {name}</title><rect x="{x:.1}" y="{y:.1}" width="{w:.0}" height="{h:.0}" rx="5" fill="#{fill:06x}" stroke="#{stroke:06x}" stroke-width="{sw}"/>"##,
            code = esc(&b.code),
            name = esc(&s.name),
            x = b.x,
            y = b.y,
            w = b.w,
            h = b.h,
            fill = s.fill,
            stroke = s.stroke,
            sw = s.stroke_width,
        );
        for l in &s.labels {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" font-size="{}" font-weight="{}" fill="#{:06x}">{}</text>"##,
                l.x,
                l.baseline,
                l.size,
                if l.bold { "bold" } else { "normal" },
                l.colour,
                esc(&l.text)
            );
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}
