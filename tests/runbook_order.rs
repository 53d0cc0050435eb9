//! The plan's shape, as a change board and the engineers read it: per-site runbooks in waves,
//! remediations after backups, the dependencies a consultant expects (contoso and fabrikam).

mod common;

use std::collections::{BTreeSet, HashMap};

use cmplan::plan::{Plan, Task};

fn load(path: &str) -> Plan {
    let env = cmplan::input::load(std::path::Path::new(path)).expect("valid example");
    common::build(&env)
}

fn load_text(text: &str) -> Plan {
    let env = cmplan::input::load_bytes("t.toml", text.as_bytes()).expect("valid description");
    common::build(&env)
}

fn index(plan: &Plan) -> HashMap<&str, usize> {
    plan.tasks()
        .enumerate()
        .map(|(k, t)| (t.id.as_str(), k))
        .collect()
}

/// Every task a task waits for, directly or not.
fn ancestors<'p>(plan: &'p Plan, id: &str) -> BTreeSet<&'p str> {
    let by_id: HashMap<&str, &Task> = plan.tasks().map(|t| (t.id.as_str(), t)).collect();
    let mut out = BTreeSet::new();
    let mut stack = vec![id.to_string()];
    while let Some(x) = stack.pop() {
        if let Some(t) = by_id.get(x.as_str()) {
            for d in &t.depends_on {
                if out.insert(by_id[d.as_str()].id.as_str()) {
                    stack.push(d.clone());
                }
            }
        }
    }
    out
}

fn upgrades(plan: &Plan) -> Vec<&Task> {
    plan.tasks().filter(|t| t.kind == "SITE-UPG").collect()
}

/// Shared checks for any plan.
fn check_shape(plan: &Plan) {
    let at = index(plan);
    let ups = upgrades(plan);
    // Each site's runbook (prepare, backup) lies between the previous upgrade and its own, in
    // the same wave.
    for (k, up) in ups.iter().enumerate() {
        let site = up.site.as_deref().unwrap();
        let own = at[up.id.as_str()];
        let prev = if k == 0 {
            0
        } else {
            at[ups[k - 1].id.as_str()]
        };
        for kind in ["PREPARE", "BACKUP"] {
            let id = format!("{kind}-{site}");
            if let Some(&p) = at.get(id.as_str()) {
                assert!(
                    p < own && (k == 0 || p > prev),
                    "{id} not between the previous upgrade and {}",
                    up.id
                );
                assert_eq!(
                    plan.task(&id).unwrap().wave,
                    up.wave,
                    "{id} in another wave than {}",
                    up.id
                );
            }
        }
        assert!(
            at.contains_key(format!("PREPARE-{site}").as_str()),
            "no PREPARE-{site}"
        );
        let prep = plan.task(&format!("PREPARE-{site}")).unwrap();
        assert!(prep.items.iter().any(|i| i.id.ends_with("/PREREQ")));
        assert!(prep.items.iter().any(|i| i.id.ends_with("/RESTART")));
        assert!(
            up.backout
                .as_deref()
                .is_some_and(|b| b.contains("Point of no return")),
            "{}",
            up.id
        );
    }
    // Each remediation that changes something waits for a backup of it.
    for t in plan.tasks().filter(|t| {
        matches!(
            t.kind.as_str(),
            "SMS-SP"
                | "SECMODE"
                | "SQL-UPG"
                | "SQLREPL-OFF"
                | "OS-UPG"
                | "WEBDAV"
                | "FP-REMOVE"
                | "SQL-RIGHTS"
        )
    }) {
        assert!(
            ancestors(plan, &t.id)
                .iter()
                .any(|a| a.starts_with("REM-BACKUP-")),
            "{} has no backup before it",
            t.id
        );
        assert!(t.backout.is_some(), "{} states no back-out", t.id);
    }
    // Post-upgrade checks of a primary before the next site's upgrade.
    for (k, up) in ups.iter().enumerate() {
        let site = up.site.as_deref().unwrap();
        if let (Some(&post), Some(next)) = (
            at.get(format!("POST-CHECK-{site}").as_str()),
            ups.get(k + 1),
        ) {
            assert!(
                post < at[next.id.as_str()],
                "POST-CHECK-{site} after {}",
                next.id
            );
        }
    }
    // Consoles before any child site's upgrade; clients after the SLP.
    if let Some(&c) = at.get("CONSOLE-UPG") {
        for up in ups.iter().skip(1) {
            assert!(c < at[up.id.as_str()]);
        }
    }
    if let Some(&slp) = at
        .iter()
        .find(|(k, _)| k.starts_with("ROLE-SLP-"))
        .map(|(_, v)| v)
    {
        for id in ["CLIENT-PILOT", "CLIENT-UPG"] {
            if let Some(&c) = at.get(id) {
                assert!(slp < c);
                assert!(ancestors(plan, id)
                    .iter()
                    .any(|a| a.starts_with("ROLE-SLP-")));
            }
        }
    }
    // The ITMU after its sync host's client and before the next upgrade.
    for t in plan.tasks().filter(|t| t.kind == "ITMU-UPG") {
        let site = t.site.as_deref().unwrap();
        assert!(at[format!("ITMU-CLIENT-{site}").as_str()] < at[t.id.as_str()]);
        let own = at[format!("SITE-UPG-{site}").as_str()];
        if let Some(next) = ups.iter().find(|u| at[u.id.as_str()] > own) {
            assert!(at[t.id.as_str()] < at[next.id.as_str()]);
        }
    }
    // Wave labels name the sites upgraded in them.
    for w in &plan.waves {
        for s in &w.sites {
            assert!(
                w.title.contains(s.as_str()),
                "wave {} '{}' does not name {s}",
                w.number,
                w.title
            );
        }
        assert!(!w.title.contains("tier"), "{}", w.title);
        assert!(w.brief.is_some());
    }
    assert!(plan.tasks().filter(|t| t.kind == "KEY-EXCHANGE").count() <= 1);
    // Waves never decrease along the plan.
    let waves: Vec<u32> = plan.tasks().map(|t| t.wave).collect();
    assert!(waves.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn contoso_is_a_sequence_of_site_runbooks() {
    let plan = load("examples/contoso.toml");
    check_shape(&plan);
    let at = index(&plan);
    let n = plan.tasks().count();
    assert!((45..=65).contains(&n), "{n} top-level tasks");
    // SECMODE after the computer-account rights on the remote SQL Server (K12); the SQL Server
    // upgrade after the SMS service pack of the site it hosts (K13).
    assert!(ancestors(&plan, "SECMODE-LON").contains("SQL-RIGHTS-LON-SQL01"));
    assert!(ancestors(&plan, "SQL-UPG-LON-SQL01").contains("SMS-SP-LON"));
    assert!(ancestors(&plan, "SQL-UPG-LON-SQL01").contains("REM-BACKUP-LON"));
    // Tier by tier: NYC (tier 1) before PAR (tier 2).
    assert!(at["SITE-UPG-NYC"] < at["SITE-UPG-PAR"]);
    let titles: Vec<String> = plan.waves.iter().map(|w| w.title.clone()).collect();
    assert_eq!(titles[2], "NYC with BOS, PHL", "{titles:?}");
    // One key-exchange task, one item per parent/child pair, then a verification.
    let keys = plan.task("KEY-EXCHANGE").unwrap();
    assert_eq!(keys.items.len(), 7, "six pairs and the verification");
    assert!(plan
        .findings
        .iter()
        .all(|f| !(f.code == "CHK-KEYX" && f.severity == cmplan::plan::Severity::Blocker)));
}

#[test]
fn co_located_disk_needs_add_up() {
    // NYC-SMS01 is site server and database server: its needs come from one free space.
    let no_headroom = |text: String| {
        text.replace(
            "database_mb_per_client = 2.0",
            "database_mb_per_client = 2.0\nheadroom_percent = 0",
        )
    };
    let plan = load_text(&no_headroom(
        std::fs::read_to_string("examples/contoso.toml").unwrap(),
    ));
    let nyc = plan.servers.iter().find(|s| s.name == "NYC-SMS01").unwrap();
    let disk = nyc.disk.as_ref().unwrap();
    assert_eq!(disk.parts.iter().map(|p| p.mb).sum::<f64>(), 32_300.0);
    assert_eq!(disk.needed_mb, 32_300.0);
    assert_eq!(disk.shortfall_mb, Some(17_964.0));
    let prepare = plan.task("PREPARE-NYC").unwrap();
    let item = prepare
        .items
        .iter()
        .find(|i| i.id == "PREPARE-NYC/NYC-SMS01")
        .unwrap();
    assert!(
        item.text
            .contains("= 32,300 MB needed, 14,336 MB free: free or add 17,964 MB"),
        "{}",
        item.text
    );
    assert!(plan.findings.iter().any(|f| f.code == "CHK-DISK-SERVER"
        && f.server.as_deref() == Some("NYC-SMS01")
        && f.message.contains("17,964 MB")));
    // The default headroom (20 % of the growth) comes on top.
    let plan = load("examples/contoso.toml");
    let disk = plan
        .servers
        .iter()
        .find(|s| s.name == "NYC-SMS01")
        .unwrap()
        .disk
        .clone()
        .unwrap();
    assert_eq!(disk.needed_mb, 32_300.0 + 3_388.0);
    // A server with room for each part alone but not for both still gets a finding.
    let text = no_headroom(
        std::fs::read_to_string("examples/contoso.toml")
            .unwrap()
            .replace("free_disk_gb = 14\n", "free_disk_gb = 25\n"),
    );
    let plan = load_text(&text);
    let on_nyc = |code: &str| {
        plan.findings
            .iter()
            .any(|f| f.code == code && f.server.as_deref() == Some("NYC-SMS01"))
    };
    assert!(!on_nyc("CHK-DISK-SITE") && !on_nyc("CHK-DISK-DB"));
    assert!(on_nyc("CHK-DISK-SERVER"));
}

#[test]
fn depth_first_upgrades_par_before_nyc() {
    let text = std::fs::read_to_string("examples/contoso.toml")
        .unwrap()
        .replace(
            "target = \"sp1\"",
            "target = \"sp1\"\norder = \"depth-first\"",
        );
    let plan = load_text(&text);
    check_shape(&plan);
    let at = index(&plan);
    assert!(at["SITE-UPG-PAR"] < at["SITE-UPG-NYC"]);
}

#[test]
fn fabrikam_keeps_the_same_shape() {
    check_shape(&load("examples/fabrikam.toml"));
}

#[test]
fn no_key_exchange_task_when_keys_go_through_active_directory() {
    let text = std::fs::read_to_string("examples/contoso.toml")
        .unwrap()
        .replace(
            "schema_extended = \"none\"",
            "schema_extended = \"configmgr2007\"",
        )
        .replace("sites_publish = false", "sites_publish = true");
    let plan = load_text(&text);
    assert!(plan.task("KEY-EXCHANGE").is_none());
    assert!(plan.findings.iter().all(|f| f.code != "CHK-KEYX"));
}

/// Every `[Sn]` cited in the Markdown resolves to a References entry with a URL; the
/// assumptions are listed.
#[test]
fn citations_resolve_and_assumptions_are_listed() {
    use cmplan::render::{render, Format, RenderContext};
    let plan = load("examples/contoso.toml");
    let md =
        String::from_utf8(render(Format::Md, &plan, &RenderContext::default()).unwrap()).unwrap();
    let refs = &md[md.find("# References").expect("a References section")..];
    let mut rest = md.as_str();
    while let Some(i) = rest.find("\\[S") {
        let after = &rest[i + 2..];
        let end = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap();
        let id = &after[..end];
        assert!(
            refs.contains(&format!("- **{id}** ")),
            "{id} is not in References"
        );
        rest = &after[end..];
    }
    assert!(plan.references.iter().all(|r| r.url.starts_with("http")));
    assert!(md.contains("# Assumptions"));
    assert!(plan
        .assumptions
        .iter()
        .any(|a| a.key == "database-headroom" && a.value.starts_with("20 %")));
}
