//! Variations of Contoso: company-specific tasks, sites already upgraded, other target media,
//! user task texts, and byte-identical output.

mod common;

use cmplan::model::*;
use cmplan::plan::{self, PlanError, PlanOptions, Severity};
use cmplan::templates::Templates;
use common::{build, contoso, contoso_parts, environment, options, pos};

fn custom(id: &str, after: &str, scope: CustomTaskScope) -> CustomTask {
    CustomTask {
        id: id.into(),
        title: format!("Company step {id}"),
        expected_result: "Done as the runbook says.".into(),
        details: Some("Internal runbook RB-7.".into()),
        after: Some(after.into()),
        before: None,
        scope,
    }
}

/// A custom task placed right before the first task of a kind.
fn custom_before(id: &str, before: &str, scope: CustomTaskScope) -> CustomTask {
    CustomTask {
        after: None,
        before: Some(before.into()),
        ..custom(id, "", scope)
    }
}

#[test]
fn custom_tasks_before_a_kind_come_first_and_hold_it_back() {
    let (sites, servers) = contoso_parts();
    let env = environment(
        sites,
        servers,
        vec![
            custom_before("FREEZE", "SITE-UPG", CustomTaskScope::EachPrimary),
            custom_before("CAB", "AD-SCHEMA", CustomTaskScope::Hierarchy),
            custom("AFTER-SCHEMA", "AD-SCHEMA", CustomTaskScope::Hierarchy),
        ],
    );
    let plan = build(&env);
    let ids: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
    let next = |id: &str| ids[pos(&plan, id) + 1];
    assert_eq!(next("CUSTOM-CAB"), "AD-SCHEMA");
    assert_eq!(next("AD-SCHEMA"), "CUSTOM-AFTER-SCHEMA");
    for site in ["CEN", "LON", "PAR", "NYC"] {
        let freeze = format!("CUSTOM-FREEZE-{site}");
        let upgrade = format!("SITE-UPG-{site}");
        assert_eq!(next(&freeze), upgrade);
        let upg = plan.task(&upgrade).unwrap();
        assert!(upg.depends_on.contains(&freeze), "{:?}", upg.depends_on);
        // It waits for what the upgrade waited for.
        let f = plan.task(&freeze).unwrap();
        assert!(upg.depends_on.starts_with(&f.depends_on));
    }
}

#[test]
fn custom_tasks_follow_each_task_of_their_kind_per_scope() {
    let (sites, servers) = contoso_parts();
    let env = environment(
        sites,
        servers,
        vec![
            custom("CAB", "PREP-ADSCHEMA", CustomTaskScope::Hierarchy),
            custom("SMOKE", "SITE-UPG", CustomTaskScope::EachPrimary),
            custom("NOTIFY", "SITE-UPG", CustomTaskScope::EachPrimary),
            custom("WAN", "site-verify", CustomTaskScope::EachSecondary),
        ],
    );
    let plan = build(&env);
    let after = |id: &str| {
        let ids: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
        ids[pos(&plan, id) + 1].to_string()
    };
    // A kind of an earlier release resolves to the kind that now does its work.
    assert_eq!(after("AD-SCHEMA"), "CUSTOM-CAB");
    for code in ["CEN", "NYC", "LON", "PAR"] {
        // Declaration order is kept when two custom tasks follow the same task.
        assert_eq!(
            after(&format!("SITE-UPG-{code}")),
            format!("CUSTOM-SMOKE-{code}")
        );
        assert_eq!(
            after(&format!("CUSTOM-SMOKE-{code}")),
            format!("CUSTOM-NOTIFY-{code}")
        );
    }
    for code in ["BOS", "PHL", "MAN"] {
        assert_eq!(
            after(&format!("SITE-VERIFY-{code}")),
            format!("CUSTOM-WAN-{code}")
        );
        assert!(plan.task(&format!("CUSTOM-SMOKE-{code}")).is_none());
    }
    let t = plan.task("CUSTOM-SMOKE-NYC").unwrap();
    assert_eq!(t.kind, "CUSTOM");
    assert_eq!(t.site.as_deref(), Some("NYC"));
    assert_eq!(t.depends_on, vec!["SITE-UPG-NYC".to_string()]);
    assert_eq!(t.details, "Internal runbook RB-7.");
    assert_eq!(plan.totals.tasks, plan.tasks().count());
}

#[test]
fn a_custom_task_after_an_unknown_kind_is_an_error_listing_the_kinds() {
    let (sites, servers) = contoso_parts();
    let env = environment(
        sites,
        servers,
        vec![custom("X", "SITE-UPGRADE", CustomTaskScope::EachSite)],
    );
    let err = plan::build(&env, &options()).unwrap_err();
    assert!(matches!(err, PlanError::CustomTask(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("SITE-UPGRADE") && msg.contains("SITE-UPG,") && msg.contains("POST-CHECK"),
        "{msg}"
    );
}

#[test]
fn a_custom_task_whose_kind_has_no_task_is_reported_not_dropped() {
    let (sites, servers) = contoso_parts();
    // Contoso has no Windows Server 2008 or SQL Server 2008 on RTM media: no PREP-MEDIA task.
    let env = environment(
        sites,
        servers,
        vec![custom("MEDIA", "PREP-MEDIA", CustomTaskScope::Hierarchy)],
    );
    let plan = build(&env);
    assert!(plan.task("CUSTOM-MEDIA").is_none());
    let f = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-CUSTOM")
        .expect("info finding");
    assert_eq!(f.severity, Severity::Info);
    assert!(
        f.message.contains("MEDIA") && f.message.contains("PREP-MEDIA"),
        "{}",
        f.message
    );
}

#[test]
fn sites_already_on_configmgr_2007_get_no_upgrade_tasks() {
    let (mut sites, servers) = contoso_parts();
    for s in sites.iter_mut() {
        if ["CEN", "NYC", "BOS"].contains(&s.code.as_str()) {
            s.version = SiteVersion::ConfigMgr2007Sp1;
        }
    }
    let plan = build(&environment(sites, servers, Vec::new()));
    for code in ["CEN", "NYC", "BOS"] {
        assert!(
            !plan.tasks().any(|t| t.site.as_deref() == Some(code)
                && [
                    "SITE-UPG",
                    "SITE-VERIFY",
                    "PREPARE",
                    "CLIENT-UPG",
                    "POST-CHECK",
                    "FP-REMOVE"
                ]
                .contains(&t.kind.as_str())),
            "{code} is done"
        );
        let f = plan
            .findings
            .iter()
            .find(|f| f.code == "CHK-UPGRADED" && f.site.as_deref() == Some(code))
            .unwrap();
        assert_eq!(f.severity, Severity::Info);
        let site = plan.sites.iter().find(|s| s.code == code).unwrap();
        assert!(site.already_upgraded);
        assert_eq!(site.database_growth_mb, 0.0);
    }
    // PHL (still SMS 2003) under NYC (done) is upgraded, without waiting for NYC.
    assert!(plan.task("SITE-UPG-PHL").is_some());
    let phl = plan.task("SITE-UPG-PHL").unwrap();
    assert!(
        !phl.depends_on
            .iter()
            .any(|d| d.starts_with("SITE-") && d.ends_with("NYC")),
        "{:?}",
        phl.depends_on
    );
    assert!(
        plan.task("PREPARE-PHL")
            .unwrap()
            .depends_on
            .contains(&"KEY-EXCHANGE".to_string()),
        "keys are still exchanged with NYC"
    );
    assert!(plan
        .task("KEY-EXCHANGE")
        .unwrap()
        .items
        .iter()
        .any(|i| i.id == "KEY-EXCHANGE/NYC-PHL"));
    assert_eq!(
        plan.tasks().find(|t| t.kind == "SITE-UPG").unwrap().id,
        "SITE-UPG-LON"
    );
    assert!(plan.phases.iter().all(|p| p.id != "central"));
    assert!(
        !plan
            .tasks()
            .any(|t| t.server.as_deref() == Some("NYC-MP01")),
        "NYC's servers are done"
    );
    // The SQL Server of a done site no longer needs room for its growth.
    let nyc_sql = plan
        .sql_servers
        .iter()
        .find(|s| s.name == "NYC-SMS01")
        .unwrap();
    assert_eq!(nyc_sql.shortfall_mb, Some(0.0));
    assert_eq!(plan.totals.sites_to_upgrade, 4);
}

#[test]
fn sp2_media_needs_sms_2003_sp3_at_every_site() {
    let (sites, servers) = contoso_parts();
    let mut env = environment(sites, servers, Vec::new());
    env.plan.target = TargetMedia::Sp2;
    let plan = build(&env);
    for code in ["NYC", "BOS", "PAR", "MAN"] {
        let f = plan
            .findings
            .iter()
            .find(|f| f.code == "CHK-PATH" && f.site.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("{code} runs SMS 2003 SP2"));
        assert_eq!(f.rule, "R1.2");
        assert_eq!(f.source.id, "S7");
        assert!(pos(&plan, &format!("SMS-SP-{code}")) < pos(&plan, &format!("SITE-UPG-{code}")));
    }
    assert!(!plan
        .findings
        .iter()
        .any(|f| f.code == "CHK-PATH" && f.site.as_deref() == Some("PHL")));
    assert!(plan.task("SMS-SP-BOS").unwrap().details.contains("SP3"));
}

#[test]
fn windows_and_sql_server_2008_need_sp1_media() {
    let (sites, mut servers) = contoso_parts();
    for s in servers.iter_mut() {
        if s.name == "CEN-SQL01" {
            s.sql = Some(SqlVersion::Sql2008Sp1);
            s.os = OsVersion::Windows2008;
        }
        if s.name == "PAR-SMS01" {
            s.os = OsVersion::Windows2008Sp2;
        }
    }
    let mut env = environment(sites, servers, Vec::new());
    env.plan.target = TargetMedia::Rtm;
    let plan = build(&env);
    let media: Vec<_> = plan
        .findings
        .iter()
        .filter(|f| f.remediation_task.as_deref() == Some("PREP-MEDIA"))
        .collect();
    assert!(media
        .iter()
        .any(|f| f.code == "CHK-SQLVER" && f.server.as_deref() == Some("CEN-SQL01")));
    assert!(media
        .iter()
        .any(|f| f.code == "CHK-OS" && f.server.as_deref() == Some("PAR-SMS01")));
    assert!(media.iter().all(|f| f.source.id == "S6"));
    assert_eq!(
        plan.tasks().nth(1).unwrap().id,
        "PREP-MEDIA",
        "the media decision comes right after the strategy"
    );
    assert!(plan.task("PREP-MEDIA").unwrap().depends_on.is_empty());
    assert!(pos(&plan, "PREP-MEDIA") < pos(&plan, "PREPARE-CEN"));
    let upg = plan.task("SITE-UPG-PAR").unwrap();
    assert!(upg.depends_on.contains(&"PREP-MEDIA".to_string()));
}

#[test]
fn an_extended_published_schema_needs_no_manual_keys_and_no_slp() {
    let mut env = contoso();
    env.active_directory = ActiveDirectory {
        schema_extended: SchemaExtension::ConfigMgr2007,
        sites_publish: true,
    };
    let plan = build(&env);
    assert!(!plan
        .tasks()
        .any(|t| t.kind == "KEY-EXCHANGE" || t.kind == "ROLE-SLP" || t.kind == "AD-SCHEMA"));
    assert!(!plan
        .findings
        .iter()
        .any(|f| ["CHK-KEYX", "CHK-SLP", "CHK-SCHEMA"].contains(&f.code.as_str())));

    env.active_directory = ActiveDirectory {
        schema_extended: SchemaExtension::Sms2003,
        sites_publish: false,
    };
    let plan = build(&env);
    assert!(
        plan.task("KEY-EXCHANGE").is_some(),
        "not publishing: keys by hand"
    );
    assert!(plan.task("ROLE-SLP-CEN").is_none());
    assert!(plan
        .task("AD-SCHEMA")
        .unwrap()
        .details
        .contains("SMS 2003 only"));
}

#[test]
fn task_texts_come_from_a_user_folder_when_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tasks.toml"),
        "[phases]\nchildren = \"Old phase name, ignored\"\nsite = \"Roll out to {site}\"\n\n[tasks.\"SITE-UPG:secondary\"]\ntitle = \"Upgrade branch {site} via {parent}\"\n",
    )
    .unwrap();
    let opts = PlanOptions {
        templates: Templates::with_overrides(dir.path()),
        ..options()
    };
    let plan = plan::build(&contoso(), &opts).unwrap();
    assert_eq!(
        plan.task("SITE-UPG-BOS").unwrap().title,
        "Upgrade branch BOS via NYC"
    );
    assert_eq!(
        plan.phases
            .iter()
            .find(|p| p.id == "site-NYC")
            .unwrap()
            .title,
        "Roll out to NYC with BOS and PHL"
    );
    assert!(plan
        .task("SITE-UPG-NYC")
        .unwrap()
        .title
        .contains("child primary site NYC"));

    // A user's kind-level entry wins over the built-in variants of that kind.
    std::fs::write(
        dir.path().join("tasks.toml"),
        "[tasks.\"SITE-UPG\"]\ntitle = \"Upgrade {site} now\"\n",
    )
    .unwrap();
    let plan = plan::build(&contoso(), &opts).unwrap();
    assert_eq!(plan.task("SITE-UPG-CEN").unwrap().title, "Upgrade CEN now");
    assert!(
        plan.task("SITE-UPG-CEN")
            .unwrap()
            .details
            .contains("Setup Wizard"),
        "other fields keep the variant's text"
    );

    std::fs::write(
        dir.path().join("tasks.toml"),
        "[tasks.\"SITE-UPG\"]\ntitle = \"Upgrade {sitecode}\"\n",
    )
    .unwrap();
    let err = plan::build(&contoso(), &opts).unwrap_err().to_string();
    assert!(
        err.contains("{sitecode}") && err.contains("{site}"),
        "{err}"
    );
}

#[test]
fn the_same_input_gives_byte_identical_json() {
    let a = serde_json::to_vec_pretty(&build(&contoso())).unwrap();
    let b = serde_json::to_vec_pretty(&build(&contoso())).unwrap();
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    // Contract §3 names.
    for key in [
        "title",
        "target",
        "sites",
        "sql_servers",
        "findings",
        "phases",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let task = &v["phases"][0]["tasks"][0];
    for key in [
        "id",
        "kind",
        "site",
        "server",
        "title",
        "expected_result",
        "details",
        "reference",
        "depends_on",
    ] {
        assert!(task.get(key).is_some(), "task.{key}");
    }
    assert_eq!(v["target"], "sp1");
    assert_eq!(v["findings"][0]["severity"], "blocker");
    assert!(v["removed_tasks"].as_array().unwrap().is_empty() && v["changes"].is_null());
}

fn load_example(name: &str) -> Environment {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    cmplan::input::load(&path).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

#[test]
fn a_single_site_needs_no_key_exchange_and_fits_its_disk() {
    let plan = build(&load_example("minimal.toml"));
    assert!(!plan.tasks().any(|t| t.kind == "KEY-EXCHANGE"));
    assert_eq!(plan.totals.blockers, 0);
    assert_eq!(plan.sites[0].formula, "2 MB × 250 clients = 500 MB");
    assert_eq!(plan.sql_servers[0].shortfall_mb, Some(0.0));
    let ids: Vec<&str> = plan
        .tasks()
        .filter(|t| t.kind.starts_with("SITE-"))
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ids, ["SITE-UPG-CEN", "SITE-VERIFY-CEN"]);
}

#[test]
fn fabrikam_is_planned_from_the_middle_of_its_upgrade() {
    let plan = build(&load_example("fabrikam.toml"));
    // The central site is done: no central phase, the regions follow in code order.
    assert!(plan.task("SITE-UPG-FAB").is_none());
    assert!(plan.phases.iter().all(|p| p.id != "central"));
    let primaries: Vec<&str> = plan
        .tasks()
        .filter(|t| t.kind == "SITE-RESYNC")
        .map(|t| t.site.as_deref().unwrap())
        .collect();
    // Tier by tier: the tier-1 regions, then the tier-2 sites.
    assert_eq!(primaries, ["APA", "EUR", "NAM", "BER", "CHI", "TOR"]);
    // TOR's standard security holds up its parent NAM; SMS 2.0 needs SMS 2003 first.
    assert!(pos(&plan, "SECMODE-TOR") < pos(&plan, "SITE-UPG-NAM"));
    let path = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-PATH" && f.site.as_deref() == Some("TOR"))
        .unwrap();
    assert_eq!(path.rule, "R1.4");
    assert!(plan.task("SMS-SP-TOR").unwrap().title.contains("SMS 2.0"));
    // Schema extended for SMS 2003 and sites publishing: keys travel through AD.
    assert!(!plan.tasks().any(|t| t.kind == "KEY-EXCHANGE"));
    // Company-specific steps: once after the last backup, and after every site's upgrade.
    assert_eq!(
        plan.task("CUSTOM-CAB-APPROVAL").unwrap().depends_on,
        vec!["BACKUP-TOR".to_string()]
    );
    assert!(pos(&plan, "BACKUP-TOR") < pos(&plan, "CUSTOM-CAB-APPROVAL"));
    for code in ["APA", "SIN", "EUR", "MUC", "TOR"] {
        assert_eq!(
            pos(&plan, &format!("CUSTOM-NOTIFY-SITE-{code}")),
            pos(&plan, &format!("SITE-UPG-{code}")) + 1
        );
    }
    // 2.5 MB per client, as the description says.
    assert_eq!(plan.database_mb_per_client, 2.5);
    for s in plan
        .sites
        .iter()
        .filter(|s| s.site_type == SiteType::Primary && !s.already_upgraded)
    {
        assert_eq!(
            s.database_growth_mb,
            2.5 * s.subtree_clients as f64,
            "{}",
            s.code
        );
    }
}

#[test]
fn custom_task_ids_that_collide_are_an_error() {
    let (sites, servers) = contoso_parts();
    let env = environment(
        sites,
        servers,
        vec![
            custom("CHECK", "SITE-UPG", CustomTaskScope::EachSite),
            custom("CHECK-NYC", "PREP-ADSCHEMA", CustomTaskScope::Hierarchy),
        ],
    );
    let err = plan::build(&env, &options()).unwrap_err().to_string();
    assert!(err.contains("CUSTOM-CHECK-NYC"), "{err}");
}
