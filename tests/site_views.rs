//! Site checklists (`--site`, `--per-site`), per-wave documents (`--split waves`) and the
//! hierarchy diagram, end to end through `cmplan generate` on contoso (issue 10).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use assert_cmd::Command;
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::templates::Templates;

fn cmplan() -> Command {
    let mut cmd = Command::cargo_bin("cmplan").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn contoso() -> (cmplan::model::Environment, Plan) {
    let env = cmplan::input::load(Path::new("examples/contoso.toml")).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    (env, plan)
}

/// The task IDs of the checklist items (`- [ ] **ID** …`) of a Markdown document, in order.
fn task_items(md: &str) -> Vec<String> {
    md.lines()
        .filter_map(|l| {
            l.strip_prefix("- [ ] **")
                .or_else(|| l.strip_prefix("- [x] **"))
        })
        .filter_map(|rest| rest.split_once("**").map(|(id, _)| id.replace('\\', "")))
        .collect()
}

fn generate(dir: &Path, extra: &[&str]) {
    let mut cmd = cmplan();
    cmd.args([
        "generate",
        "examples/contoso.toml",
        "-f",
        "md,json",
        "--date",
        "2027-03-01",
    ])
    .arg("-o")
    .arg(dir)
    .args(extra);
    cmd.assert().success();
}

/// Sites, servers: what "belongs to" a set of sites in the description.
fn servers_of(env: &cmplan::model::Environment, sites: &[&str]) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in &env.sites {
        if sites.contains(&s.code.as_str()) {
            out.insert(s.site_server.to_uppercase());
            if let Some(db) = &s.database_server {
                out.insert(db.to_uppercase());
            }
        }
    }
    for s in &env.servers {
        if s.site.as_ref().is_some_and(|c| sites.contains(&c.as_str())) {
            out.insert(s.name.to_uppercase());
        }
    }
    out
}

#[test]
fn the_nyc_checklist_has_every_task_of_nyc_and_its_secondaries_and_nothing_of_lon() {
    let (env, plan) = contoso();
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--site", "nyc"]);
    let md = std::fs::read_to_string(dir.path().join("contoso-NYC.md")).unwrap();
    let items = task_items(&md);
    let listed: HashSet<&str> = items.iter().map(String::as_str).collect();
    assert_eq!(listed.len(), items.len(), "a task listed twice");

    let nyc = ["NYC", "BOS", "PHL"];
    let nyc_servers = servers_of(&env, &nyc);
    let lon = ["LON", "MAN", "PAR"];
    let lon_servers = servers_of(&env, &lon);
    let belongs = |t: &cmplan::plan::Task, sites: &[&str], servers: &HashSet<String>| {
        t.site.as_deref().is_some_and(|s| sites.contains(&s))
            || t.server
                .as_ref()
                .is_some_and(|s| servers.contains(&s.to_uppercase()))
    };
    let mut expected = 0;
    for t in plan.tasks() {
        if belongs(t, &nyc, &nyc_servers) {
            expected += 1;
            assert!(listed.contains(t.id.as_str()), "{} missing", t.id);
        }
        if belongs(t, &lon, &lon_servers) {
            assert!(!listed.contains(t.id.as_str()), "{} is LON's", t.id);
        }
    }
    assert_eq!(items.len(), expected, "nothing beyond NYC's tasks");
    for id in [
        "SITE-UPG-NYC",
        "SITE-UPG-BOS",
        "OS-UPG-PHL-SEC01",
        "WEBDAV-NYC-MP01",
        "PREPARE-NYC",
        "SITE-RESYNC-NYC",
    ] {
        assert!(listed.contains(id), "{id}");
    }
    // Same IDs, in the same order as the full plan.
    let full: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
    let order: Vec<usize> = items
        .iter()
        .map(|id| {
            full.iter()
                .position(|f| f == id)
                .expect("an ID of the full plan")
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));

    // The context: where the site sits, its wave, and the gates it waits for, with their IDs.
    assert!(md.contains("# Checklist for site NYC"));
    assert!(md.contains("**Where the site sits:** CEN → NYC"));
    assert!(md.contains("**Upgraded in:** wave 3"));
    let gate = md
        .lines()
        .find(|l| l.starts_with("| SITE-RESYNC-LON |"))
        .expect("LON's resync gate is a prerequisite");
    assert!(gate.contains("PREPARE-NYC"), "{gate}");
    assert!(md.contains("| POST-CHECK-CEN | CEN | 1 |"));

    // The JSON checklist carries the same tasks and says what it is.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("contoso-NYC.json")).unwrap())
            .unwrap();
    assert_eq!(json["scope"]["kind"], "site");
    assert_eq!(json["scope"]["site"], "NYC");
    let ids: Vec<&str> = json["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["tasks"].as_array().unwrap())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, items.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn per_site_writes_one_checklist_per_primary_and_an_unknown_site_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--per-site"]);
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "contoso-CEN.md",
            "contoso-LON.md",
            "contoso-NYC.md",
            "contoso-PAR.md",
            "contoso.md"
        ]
    );
    // The central site's checklist carries the hierarchy-wide tasks.
    let cen = std::fs::read_to_string(dir.path().join("contoso-CEN.md")).unwrap();
    assert!(task_items(&cen).contains(&"AD-SCHEMA".to_string()));
    // PAR's database is on LON-SQL01: its SQL Server upgrade is in PAR's checklist too.
    let par = std::fs::read_to_string(dir.path().join("contoso-PAR.md")).unwrap();
    assert!(task_items(&par).contains(&"SQL-UPG-LON-SQL01".to_string()));

    let out = tempfile::tempdir().unwrap();
    let mut cmd = cmplan();
    cmd.args([
        "generate",
        "examples/contoso.toml",
        "-f",
        "md",
        "--site",
        "XYZ",
    ])
    .arg("-o")
    .arg(out.path());
    let assert = cmd.assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--site XYZ") && stderr.contains("NYC"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn per_wave_documents_together_hold_every_task_exactly_once() {
    let (_, plan) = contoso();
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--split", "waves"]);
    let summary = std::fs::read_to_string(dir.path().join("contoso.md")).unwrap();
    assert!(
        task_items(&summary).is_empty(),
        "the summary lists no tasks"
    );
    for needed in [
        "# Hierarchy",
        "# Waves",
        "# Disk estimates",
        "# Findings",
        "# Approval",
    ] {
        assert!(summary.contains(needed), "{needed}");
    }
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for wave in &plan.waves {
        let name = format!("contoso-wave{}.md", wave.number);
        assert!(
            summary.contains(&format!("- {name}")),
            "the summary names {name}"
        );
        let md = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert!(md.contains(&format!("# Wave {}: {}", wave.number, wave.title)));
        for id in task_items(&md) {
            assert_eq!(plan.task(&id).unwrap().wave, wave.number, "{id} in {name}");
            *seen.entry(id).or_default() += 1;
        }
    }
    let all: BTreeSet<String> = plan.tasks().map(|t| t.id.clone()).collect();
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), all);
    assert!(
        seen.values().all(|&n| n == 1),
        "a task in two wave documents"
    );
    // The JSON stays the whole plan.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("contoso.json")).unwrap()).unwrap();
    assert!(json.get("scope").is_none());
    assert_eq!(json["totals"]["tasks"], all.len());
}

#[test]
fn the_hierarchy_diagram_is_written_beside_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &[]);
    let svg = std::fs::read_to_string(dir.path().join("contoso-hierarchy.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<g><title>").count(), 7, "one box per site");
    assert!(svg.contains("<title>NYC New York</title>"));
    assert!(
        svg.contains(">3 blockers<"),
        "NYC's blockers (key exchange is preparation)"
    );
    assert!(svg.contains(">wave 3<"));
    // Not for the JSON alone.
    let json_only = tempfile::tempdir().unwrap();
    let mut cmd = cmplan();
    cmd.args(["generate", "examples/contoso.toml", "-f", "json"])
        .arg("-o")
        .arg(json_only.path());
    cmd.assert().success();
    assert!(!json_only.path().join("contoso-hierarchy.svg").exists());
}

#[test]
fn the_diagram_layout_of_600_sites_has_one_box_per_site_none_overlapping_children_below() {
    let text = cmplan::synth::generate(600, 5);
    let env = cmplan::input::load_bytes("synth.toml", text.as_bytes()).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    // Its tiers wrap, and every line still reaches its child clear of the other sites.
    let layout = assert_connectors_clear(&plan);
    assert_eq!(layout.boxes.len(), plan.sites.len());
    let by_code: BTreeMap<&str, &cmplan::render::diagram::NodeBox> =
        layout.boxes.iter().map(|b| (b.code.as_str(), b)).collect();
    assert_eq!(by_code.len(), plan.sites.len());
    // Sweep by x to find overlaps without comparing every pair.
    let mut boxes: Vec<_> = layout.boxes.iter().collect();
    boxes.sort_by(|a, b| a.x.total_cmp(&b.x));
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes[i + 1..].iter().take_while(|b| b.x < a.x + a.w) {
            let apart = b.y >= a.y + a.h || a.y >= b.y + b.h;
            assert!(apart, "{} and {} overlap", a.code, b.code);
        }
        assert!(a.x >= 0.0 && a.x + a.w <= layout.width && a.y + a.h <= layout.height);
    }
    for s in &plan.sites {
        if let Some(p) = &s.parent {
            assert!(
                by_code[s.code.as_str()].y > by_code[p.as_str()].y,
                "{} above its parent",
                s.code
            );
        }
    }
}

/// `# Phase N: title` headings of a Markdown document.
fn phase_headings(md: &str) -> Vec<(usize, String)> {
    md.lines()
        .filter_map(|l| l.strip_prefix("# Phase "))
        .filter_map(|rest| rest.split_once(": "))
        .map(|(n, title)| (n.parse().unwrap(), title.replace('\\', "")))
        .collect()
}

#[test]
fn wave_and_site_documents_keep_the_full_plans_phase_numbers_and_the_summary_counts_them() {
    let (_, plan) = contoso();
    let ctx = cmplan::render::RenderContext::default();
    let full: Vec<(usize, String)> = plan
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| (i + 1, p.title.clone()))
        .collect();
    assert_eq!(
        phase_headings(&cmplan::render::markdown::render(&plan, &ctx).unwrap()),
        full
    );
    let mut parts: Vec<(String, Plan)> = plan
        .waves
        .iter()
        .map(|w| {
            let part = cmplan::plan::views::for_wave(&plan, w.number).unwrap();
            (format!("wave {}", w.number), part)
        })
        .collect();
    for code in ["NYC", "LON", "CEN"] {
        parts.push((
            format!("site {code}"),
            cmplan::plan::views::for_site(&plan, code).unwrap(),
        ));
    }
    let mut renumbered_somewhere = false;
    for (name, part) in &parts {
        let md = cmplan::render::markdown::render(part, &ctx).unwrap();
        let headings = phase_headings(&md);
        assert_eq!(headings.len(), part.phases.len(), "{name}");
        for (n, title) in &headings {
            assert!(
                full.contains(&(*n, title.clone())),
                "{name}: Phase {n}: {title}"
            );
        }
        renumbered_somewhere |= headings.iter().enumerate().any(|(i, (n, _))| *n != i + 1);
        // It says which part of the full plan it is.
        let numbers: Vec<String> = headings.iter().map(|(n, _)| n.to_string()).collect();
        assert!(
            md.contains(&format!("of {}", plan.phases.len()))
                || md.contains(&format!("full plan's {}", plan.phases.len())),
            "{name}"
        );
        assert!(md.contains(numbers.last().unwrap().as_str()), "{name}");
    }
    assert!(
        renumbered_somewhere,
        "some part starts after phase 1, so the test means something"
    );

    // The summary of a split plan counts the phases and tasks it summarises.
    let summary = cmplan::plan::views::summary(&plan, vec!["contoso-wave1.md".into()]);
    let md = cmplan::render::markdown::render(&summary, &ctx).unwrap();
    let line = md
        .lines()
        .find(|l| l.starts_with("| Phases / tasks |"))
        .unwrap();
    assert_eq!(
        line,
        format!(
            "| Phases / tasks | {} / {} |",
            plan.phases.len(),
            plan.tasks().count()
        )
    );
}

/// Whether the segment `a`–`b` (horizontal or vertical) passes through the inside of `r`.
fn crosses(a: (f64, f64), b: (f64, f64), r: &cmplan::render::diagram::NodeBox) -> bool {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    x1 > r.x && x0 < r.x + r.w && y1 > r.y && y0 < r.y + r.h
}

/// Every connector starts on its parent's box edge, ends on its child's box edge, and passes
/// through no other site's box.
fn assert_connectors_clear(plan: &Plan) -> cmplan::render::diagram::DiagramLayout {
    let layout = cmplan::render::diagram::layout(plan);
    let by_code: BTreeMap<&str, &cmplan::render::diagram::NodeBox> =
        layout.boxes.iter().map(|b| (b.code.as_str(), b)).collect();
    let primaries = plan
        .sites
        .iter()
        .filter(|s| s.parent.is_some() && s.site_type == cmplan::model::SiteType::Primary);
    for child in primaries {
        let parent = child.parent.as_deref().unwrap();
        let c = layout
            .connectors
            .iter()
            .find(|c| c.child.as_deref() == Some(child.code.as_str()))
            .unwrap_or_else(|| panic!("no connector to {}", child.code));
        assert_eq!(c.parent, parent);
        let (p, k) = (by_code[parent], by_code[child.code.as_str()]);
        let first = c.points[0];
        assert!(
            first.1 == p.y + p.h && first.0 > p.x && first.0 < p.x + p.w,
            "{}: the line does not leave {}'s box: {first:?}",
            child.code,
            parent
        );
        let last = *c.points.last().unwrap();
        assert!(
            last.1 == k.y && last.0 > k.x && last.0 < k.x + k.w,
            "{}: the line does not reach its box",
            child.code
        );
        for pair in c.points.windows(2) {
            // Only boxes near the segment, found by a sweep over x would be faster; the
            // hierarchies tested here are small enough to check every box.
            for b in &layout.boxes {
                if b.code != parent && b.code != child.code {
                    assert!(
                        !crosses(pair[0], pair[1], b),
                        "the line {parent} → {} passes {}",
                        child.code,
                        b.code
                    );
                }
            }
        }
    }
    layout
}

#[test]
fn diagram_connectors_leave_the_parents_box_and_pass_no_other_site() {
    let (_, plan) = contoso();
    let layout = assert_connectors_clear(&plan);
    // The case that looked wrong: PAR (child primary of LON) below LON's secondary MAN.
    let by_code: BTreeMap<&str, _> = layout.boxes.iter().map(|b| (b.code.as_str(), b)).collect();
    let par = layout
        .connectors
        .iter()
        .find(|c| c.child.as_deref() == Some("PAR"))
        .unwrap();
    let (lon, man) = (by_code["LON"], by_code["MAN"]);
    assert_eq!(par.points[0].1, lon.y + lon.h, "starts at LON's box");
    assert!(par.points[0].0 < man.x, "runs left of MAN, not under it");
    for pair in par.points.windows(2) {
        assert!(!crosses(pair[0], pair[1], man));
    }
    // The SVG draws exactly these lines.
    let svg = cmplan::render::diagram::render_svg(&plan);
    assert_eq!(svg.matches("<path d=").count(), layout.connectors.len());

    let text = cmplan::synth::generate(120, 3);
    let env = cmplan::input::load_bytes("synth.toml", text.as_bytes()).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    assert_connectors_clear(&plan::build(&env, &opts).unwrap());
}

/// A central site with `children` child primaries, each on its own site server (and database).
fn wide_tier(children: usize) -> String {
    let mut toml = String::from(
        "[plan]\ntitle = \"Wide tier\"\ntarget = \"sp2\"\n\n\
         [[site]]\ncode = \"CEN\"\nname = \"Central\"\ntype = \"primary\"\nversion = \"sms2003-sp3\"\n\
         security = \"advanced\"\nsite_server = \"CEN01\"\ndatabase_server = \"CEN01\"\nclients = 100\n\n\
         [[server]]\nname = \"CEN01\"\nsite = \"CEN\"\nos = \"windows-2003-sp2\"\nsql = \"sql2005-sp2\"\n\
         free_disk_gb = 40\nroles = [\"management-point\"]\nwebdav = true\nbits = true\n",
    );
    for i in 0..children {
        let code = format!("P{i:02}");
        toml.push_str(&format!(
            "\n[[site]]\ncode = \"{code}\"\nname = \"Primary {i}\"\ntype = \"primary\"\nparent = \"CEN\"\n\
             version = \"sms2003-sp3\"\nsecurity = \"advanced\"\nsite_server = \"{code}S\"\n\
             database_server = \"{code}S\"\nclients = 100\n\n\
             [[server]]\nname = \"{code}S\"\nsite = \"{code}\"\nos = \"windows-2003-sp2\"\n\
             sql = \"sql2005-sp2\"\nfree_disk_gb = 40\nroles = [\"management-point\"]\nwebdav = true\nbits = true\n"
        ));
    }
    toml
}

#[test]
fn a_wide_tier_wraps_into_rows_and_its_lines_still_reach_every_child_clear_of_the_others() {
    let env = cmplan::input::load_bytes("wide.toml", wide_tier(14).as_bytes()).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    let layout = assert_connectors_clear(&plan);
    let rows: BTreeSet<i64> = layout
        .boxes
        .iter()
        .filter(|b| b.code != "CEN")
        .map(|b| b.y.round() as i64)
        .collect();
    assert!(rows.len() >= 2, "14 child primaries in one row");
    assert!(
        layout.width <= cmplan::render::diagram::MAX_ROW_WIDTH + 200.0,
        "{} wide",
        layout.width
    );
    // The first and the last child are in different rows, each reached by its own line.
    let y = |code: &str| layout.boxes.iter().find(|b| b.code == code).unwrap().y;
    assert!(y("P13") > y("P00"));
}

#[test]
fn every_diagram_label_fits_its_box_and_the_svg_and_pdf_draw_the_same_text() {
    use cmplan::render::diagram::{drawing, label_width};
    let (_, mut plan) = contoso();
    plan.sites[1].name = "A very long site name ".repeat(400);
    let d = drawing(&plan);
    assert_eq!(d.sites.len(), plan.sites.len());
    for s in &d.sites {
        for l in &s.labels {
            let right = l.x + label_width(&l.text, l.size, l.bold);
            assert!(
                right <= s.rect.x + s.rect.w - 8.0 + 1e-6,
                "{:?} overflows {}",
                l.text,
                s.rect.code
            );
        }
    }
    let long = &d
        .sites
        .iter()
        .find(|s| s.rect.code == plan.sites[1].code)
        .unwrap();
    assert!(long
        .labels
        .iter()
        .any(|l| l.text.starts_with("A very long") && l.text.ends_with('…')));
    // The SVG writes exactly the drawing's labels; the PDF page draws the same texts.
    let svg = cmplan::render::diagram::render_svg(&plan);
    let g = cmplan::render::pdf::layout::Geometry::for_paper(cmplan::render::Paper::A4);
    let pdf = cmplan::render::pdf::diagram::pages(&plan, g).unwrap();
    let pdf_text: Vec<String> = pdf
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            cmplan::render::pdf::layout::Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    for l in d.sites.iter().flat_map(|s| &s.labels) {
        let escaped = l
            .text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            svg.contains(&format!(">{escaped}</text>")),
            "SVG lacks {:?}",
            l.text
        );
        assert!(pdf_text.contains(&l.text), "PDF lacks {:?}", l.text);
    }
}
