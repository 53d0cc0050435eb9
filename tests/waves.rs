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
            // A child primary is in a later wave unless the walk reached it late (after a
            // deeper subtree), when it shares its parent's wave.
            if s.site_type == cmplan::model::SiteType::Primary && w == pw {
                assert!(pw > s.depth as u32, "{} shares wave {w} too early", s.code);
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
    // At most one wave per tier, plus preparation and the final wave.
    let deepest = plan.sites.iter().map(|s| s.depth).max().unwrap_or(0);
    assert!(
        plan.waves.len() <= deepest + 2,
        "{} waves",
        plan.waves.len()
    );
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
            ("PAR", Some(3)),
            // NYC is tier 1 but waits for PAR's resync gate (siblings are sequential).
            ("NYC", Some(3)),
            ("BOS", Some(3)),
            ("PHL", Some(3)),
        ]
    );
    assert_eq!(plan.waves.len(), 4);
    assert_eq!(plan.waves[0].title, "Preparation and the central site");
    assert_eq!(
        plan.waves[3].title,
        "Roles, consoles, clients and post-upgrade checks"
    );
    // Remediation and preparation are in wave 1; clients and checks in the last wave.
    assert_eq!(plan.task("SECMODE-LON").unwrap().wave, 1);
    assert_eq!(plan.task("DB-TEST-PAR").unwrap().wave, 1);
    assert_eq!(plan.task("CLIENT-UPG-CEN").unwrap().wave, 4);
    assert_eq!(plan.task("POST-CHECK-PHL").unwrap().wave, 4);
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
    let task = json["phases"][3]["tasks"]
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
        serde_json::json!(["PAR", "NYC", "BOS", "PHL"])
    );
}
