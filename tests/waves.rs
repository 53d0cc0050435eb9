//! Upgrade waves (issue 10): parent/child order, dependencies, contiguity, on contoso and on
//! synthetic hierarchies of up to 600 sites.

use std::collections::HashMap;

use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::templates::Templates;

fn build(name: &str, text: &str) -> Plan {
    let env = cmplan::input::load_bytes(name, text.as_bytes()).expect("valid description");
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    plan::build(&env, &opts).expect("plan")
}

fn contoso() -> Plan {
    build(
        "contoso.toml",
        &std::fs::read_to_string("examples/contoso.toml").unwrap(),
    )
}

fn check_waves(plan: &Plan) {
    let wave: HashMap<&str, u32> = plan.tasks().map(|t| (t.id.as_str(), t.wave)).collect();
    // Never decreasing along a dependency, nor along the plan order.
    let mut previous = 1;
    for t in plan.tasks() {
        assert!(
            t.wave >= previous,
            "{} (wave {}) after wave {previous}",
            t.id,
            t.wave
        );
        previous = t.wave;
        for d in &t.depends_on {
            assert!(
                wave[d.as_str()] <= t.wave,
                "{} depends on later-wave {d}",
                t.id
            );
        }
    }
    // Parent before child: never an earlier wave, and the upgrade later in the sequence.
    let sites: HashMap<&str, &cmplan::plan::SitePlan> =
        plan.sites.iter().map(|s| (s.code.as_str(), s)).collect();
    for s in &plan.sites {
        let (Some(w), Some(parent)) = (s.wave, s.parent.as_deref()) else {
            continue;
        };
        if let Some(pw) = sites[parent].wave {
            assert!(
                w >= pw,
                "{} (wave {w}) before its parent {parent} ({pw})",
                s.code
            );
            let pos = |code: &str| {
                plan.tasks()
                    .position(|t| t.id == format!("SITE-UPG-{code}"))
                    .unwrap()
            };
            assert!(pos(&s.code) > pos(parent));
            // A child primary has a wave of its own unless the planner said otherwise.
            if s.site_type == cmplan::model::SiteType::Primary {
                assert!(w > pw, "{} shares wave {w} with its parent", s.code);
            }
        }
        assert_eq!(
            Some(w),
            plan.task(&format!("SITE-UPG-{}", s.code)).map(|t| t.wave)
        );
    }
    // Consecutive numbers from 1, each wave a contiguous stretch; summaries add up.
    let numbers: Vec<u32> = plan.waves.iter().map(|w| w.number).collect();
    assert_eq!(numbers, (1..=plan.waves.len() as u32).collect::<Vec<_>>());
    assert_eq!(
        plan.waves.iter().map(|w| w.tasks).sum::<usize>(),
        plan.tasks().count()
    );
    assert_eq!(
        plan.waves.last().map(|w| w.number),
        plan.tasks().last().map(|t| t.wave)
    );
    // One wave per primary runbook (a secondary goes with its parent), plus the one after
    // the sites; each wave's label names the sites it upgrades and none says "tier".
    let units = plan
        .sites
        .iter()
        .filter(|s| !s.already_upgraded)
        .filter(|s| {
            s.site_type == cmplan::model::SiteType::Primary
                || s.parent
                    .as_deref()
                    .is_none_or(|p| sites[p].already_upgraded)
        })
        .count();
    assert!(plan.waves.len() <= units + 1, "{} waves", plan.waves.len());
    for w in &plan.waves {
        assert!(
            w.sites.iter().all(|c| w.title.contains(c.as_str())),
            "{}",
            w.title
        );
        assert!(!w.title.contains("tier"));
    }
}

#[test]
fn contoso_waves_follow_the_hierarchy_and_the_sequence() {
    let plan = contoso();
    check_waves(&plan);
    let site_wave: Vec<(&str, Option<u32>)> = plan
        .sites
        .iter()
        .map(|s| (s.code.as_str(), s.wave))
        .collect();
    assert_eq!(
        site_wave,
        [
            ("CEN", Some(1)),
            ("LON", Some(2)),
            ("MAN", Some(2)),
            ("PAR", Some(4)),
            // Tier by tier: NYC (tier 1) before PAR (tier 2).
            ("NYC", Some(3)),
            ("BOS", Some(3)),
            ("PHL", Some(3)),
        ]
    );
    let titles: Vec<&str> = plan.waves.iter().map(|w| w.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "hierarchy preparation, then CEN",
            "LON with MAN",
            "NYC with BOS, PHL",
            "PAR",
            "after the sites: roles, clients, software updates, close-out"
        ]
    );
    // Decisions, preparation and the remediations gating CEN open wave 1; clients are last.
    assert_eq!(plan.task("SECMODE-LON").unwrap().wave, 1);
    assert_eq!(plan.task("PREPARE-PAR").unwrap().wave, 4);
    assert_eq!(plan.task("CLIENT-UPG").unwrap().wave, 5);
    let brief = plan.waves[0].brief.as_ref().unwrap();
    assert_eq!(brief.risk, "high");
    assert!(
        brief.point_of_no_return.contains("first child site"),
        "{}",
        brief.point_of_no_return
    );
}

#[test]
fn synthetic_hierarchies_keep_every_wave_rule() {
    for (sites, seed) in [(14, 1), (60, 2), (60, 3), (600, 4)] {
        let plan = build("synth.toml", &cmplan::synth::generate(sites, seed));
        check_waves(&plan);
        assert!(
            plan.waves.len() >= 3,
            "{sites} sites: {:?}",
            plan.waves.len()
        );
    }
}

#[test]
fn the_json_plan_carries_the_waves() {
    let plan = contoso();
    let json: serde_json::Value =
        serde_json::from_slice(&cmplan::render::json::render(&plan).unwrap()).unwrap();
    let task = json["phases"][5]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "SITE-UPG-NYC")
        .unwrap();
    assert_eq!(task["wave"], 3);
    // Without plan.start there is no schedule in the JSON.
    assert!(task.get("planned_start").is_none());
    assert!(json.get("schedule").is_none());
    assert_eq!(json["sites"][1]["wave"], 2);
    assert_eq!(
        json["waves"][2]["sites"],
        serde_json::json!(["NYC", "BOS", "PHL"])
    );
    assert_eq!(json["waves"][2]["brief"]["risk"], "medium");
}
