//! Golden assertions on the Contoso hierarchy (examples/contoso.toml): the orders, findings and
//! numbers a planner would check first.

mod common;

use cmplan::plan::{Plan, Severity};
use common::{build, contoso, pos};

fn growth(plan: &Plan, code: &str) -> f64 {
    plan.sites
        .iter()
        .find(|s| s.code == code)
        .unwrap()
        .database_growth_mb
}

#[test]
#[ignore = "prints the plan for a human to read"]
fn print_plan() {
    let plan = build(&contoso());
    for f in &plan.findings {
        println!(
            "{:?} {} {:?} {:?} -> {:?}\n    {}",
            f.severity, f.code, f.site, f.server, f.remediation_task, f.message
        );
    }
    for p in &plan.phases {
        println!("== {} ({})", p.title, p.id);
        for t in &p.tasks {
            println!(
                "{:<24} {}\n    deps {:?} remedies {:?}\n    {}\n    {}",
                t.id, t.title, t.depends_on, t.remedies, t.expected_result, t.details
            );
        }
    }
    for s in &plan.sites {
        println!("{} {} {}", s.code, s.database_growth_mb, s.formula);
    }
    for s in &plan.sql_servers {
        println!("{} {:?} {}", s.name, s.shortfall_mb, s.formula);
    }
}

fn task<'a>(plan: &'a Plan, id: &str) -> &'a cmplan::plan::Task {
    plan.task(id).unwrap_or_else(|| panic!("no task {id}"))
}

fn assert_before(plan: &Plan, first: &str, then: &str) {
    assert!(
        pos(plan, first) < pos(plan, then),
        "{first} must come before {then}"
    );
    let t = task(plan, then);
    assert!(
        t.depends_on.iter().any(|d| d == first),
        "{then} must list {first} in depends_on, has {:?}",
        t.depends_on
    );
}

#[test]
fn lon_switches_to_advanced_security_before_the_central_site_is_upgraded() {
    let plan = build(&contoso());
    assert_before(&plan, "SECMODE-LON", "SITE-UPG-CEN");
    assert_before(&plan, "SECMODE-LON", "SITE-UPG-LON");
    let f = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-SECMODE")
        .unwrap();
    assert_eq!(f.severity, Severity::Blocker);
    assert_eq!(f.site.as_deref(), Some("LON"));
    assert_eq!(f.remediation_task.as_deref(), Some("SECMODE-LON"));
    assert!(f.message.contains("CEN"), "{}", f.message);
}

#[test]
fn lon_sql01_is_upgraded_and_unreplicated_before_the_tests_and_upgrades_of_lon_and_par() {
    let plan = build(&contoso());
    for fix in ["SQL-UPG-LON-SQL01", "SQLREPL-OFF-LON-SQL01"] {
        for then in ["PREPARE-LON", "PREPARE-PAR", "SITE-UPG-LON", "SITE-UPG-PAR"] {
            assert_before(&plan, fix, then);
        }
    }
    // Replication goes off before the SQL Server upgrade, and both are hosted-server tasks.
    assert_before(&plan, "SQLREPL-OFF-LON-SQL01", "SQL-UPG-LON-SQL01");
    assert_eq!(
        task(&plan, "SQL-UPG-LON-SQL01").server.as_deref(),
        Some("LON-SQL01")
    );
    // NYC's SQL Server 2005 SP1 needs SP2 (an assumed minimum) before NYC's test.
    assert_before(&plan, "SQL-UPG-NYC-SMS01", "PREPARE-NYC");
    // The SQL Server upgrade waits for the SMS service pack of the site it hosts (K13), and
    // the switch to advanced security for the computer-account rights (K12).
    assert_before(&plan, "SMS-SP-LON", "SQL-UPG-LON-SQL01");
    assert_before(&plan, "SQL-RIGHTS-LON-SQL01", "SECMODE-LON");
}

#[test]
fn nyc_removes_its_osd_feature_pack_before_its_upgrade_and_keeps_itmu() {
    let plan = build(&contoso());
    assert_before(&plan, "FP-REMOVE-NYC", "SITE-UPG-NYC");
    let t = task(&plan, "FP-REMOVE-NYC");
    assert!(
        t.details.contains("OSD") && !t.details.contains("Installed on NYC: Inventory"),
        "{}",
        t.details
    );
    assert_eq!(t.remedies, vec!["CHK-FP".to_string()]);
    // ITMU is upgraded once, after the highest site that has it (CEN) is verified and its
    // sync host has a Configuration Manager 2007 client.
    assert_before(&plan, "SITE-VERIFY-CEN", "ITMU-CLIENT-CEN");
    assert_before(&plan, "ITMU-CLIENT-CEN", "ITMU-UPG-CEN");
    assert!(plan.task("ITMU-UPG-NYC").is_none());
}

#[test]
fn remote_mp_without_webdav_and_windows_2000_secondary_are_blockers_with_fixes() {
    let plan = build(&contoso());
    let mp = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-MP-WEB" && f.server.as_deref() == Some("NYC-MP01"))
        .expect("finding for NYC-MP01's missing WebDAV");
    assert_eq!(mp.severity, Severity::Blocker);
    assert!(mp.message.contains("remote"), "{}", mp.message);
    assert_eq!(mp.remediation_task.as_deref(), Some("WEBDAV-NYC-MP01"));
    assert_before(&plan, "WEBDAV-NYC-MP01", "SITE-UPG-NYC");

    let os = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-OS" && f.server.as_deref() == Some("PHL-SEC01"))
        .expect("finding for PHL-SEC01's Windows 2000");
    assert_eq!(os.severity, Severity::Blocker);
    assert_eq!(os.site.as_deref(), Some("PHL"));
    assert!(os.message.contains("Windows 2000"), "{}", os.message);
    assert_before(&plan, "OS-UPG-PHL-SEC01", "SITE-UPG-PHL");
    // The other findings the reference expects for Contoso.
    for (code, site) in [
        ("CHK-PATH", "LON"),
        ("CHK-LEGACY", "LON"),
        ("CHK-SQLREPL", "LON"),
        ("CHK-SQLVER", "LON"),
        ("CHK-CAP", "LON"),
        ("CHK-DISK-SERVER", "NYC"),
        ("CHK-DISK-SERVER", "LON"),
        ("CHK-SLP", "CEN"),
    ] {
        assert!(
            plan.findings
                .iter()
                .any(|f| f.code == code && f.site.as_deref() == Some(site)),
            "expected {code} for {site}"
        );
    }
    assert!(!plan
        .findings
        .iter()
        .any(|f| f.server.as_deref() == Some("CEN-SQL01")));
}

#[test]
fn database_growth_and_sql_server_shortfalls_match_the_reference_numbers() {
    let plan = build(&contoso());
    assert_eq!(growth(&plan, "CEN"), 35_400.0);
    assert_eq!(growth(&plan, "NYC"), 16_940.0);
    assert_eq!(growth(&plan, "LON"), 16_060.0);
    assert_eq!(growth(&plan, "PAR"), 5_200.0);
    for sec in ["BOS", "PHL", "MAN"] {
        assert_eq!(growth(&plan, sec), 0.0);
    }
    let nyc = plan.sites.iter().find(|s| s.code == "NYC").unwrap();
    assert_eq!(nyc.subtree_clients, 8_470);
    assert_eq!(
        nyc.formula,
        "2 MB × 8,470 clients (NYC 8,000 + BOS 350 + PHL 120) = 16,940 MB"
    );
    let lon = plan.sites.iter().find(|s| s.code == "LON").unwrap();
    assert_eq!(
        lon.formula,
        "2 MB × 8,030 clients (LON 5,200 + 140 legacy + MAN 90 + PAR 2,600) = 16,060 MB"
    );

    let sql = |name: &str| plan.sql_servers.iter().find(|s| s.name == name).unwrap();
    assert_eq!(sql("NYC-SMS01").shortfall_mb, Some(2_604.0));
    assert_eq!(sql("LON-SQL01").sites, vec!["LON", "PAR"]);
    assert_eq!(sql("LON-SQL01").database_growth_mb, 21_260.0);
    assert_eq!(sql("LON-SQL01").free_disk_mb, Some(20_480.0));
    assert_eq!(sql("LON-SQL01").shortfall_mb, Some(780.0));
    assert_eq!(sql("CEN-SQL01").shortfall_mb, Some(0.0));
    assert!(sql("LON-SQL01").formula.contains("short by 780 MB"));
    let names: Vec<&str> = plan.sql_servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["CEN-SQL01", "LON-SQL01", "NYC-SMS01"]);
    assert_eq!(
        plan.totals.database_growth_mb,
        35_400.0 + 16_940.0 + 16_060.0 + 5_200.0
    );

    // The database test states its scratch space when the size is known.
    let item = |task_id: &str, id: &str| {
        task(&plan, task_id)
            .items
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("no item {id}"))
            .text
            .clone()
    };
    let cen = item("PREPARE-CEN", "PREPARE-CEN/TESTDBUPGRADE");
    assert!(
        cen.contains("18,000 MB (current database) + 35,400 MB (growth) = 53,400 MB"),
        "{}",
        cen
    );
    assert!(item("PREPARE-NYC", "PREPARE-NYC/TESTDBUPGRADE").contains("16,940 MB"));
    // NYC-SMS01 hosts the site server and the database: both needs come from the same disk.
    assert!(item("PREPARE-NYC", "PREPARE-NYC/NYC-SMS01")
        .contains("= 35,688 MB needed, 14,336 MB free: free or add 21,352 MB"));
}

#[test]
fn the_hierarchy_is_upgraded_tier_by_tier_with_resync_gates() {
    let plan = build(&contoso());
    let upgrades: Vec<&str> = plan
        .tasks()
        .filter(|t| t.kind == "SITE-UPG")
        .map(|t| t.site.as_deref().unwrap())
        .collect();
    // Central first; then tier 1 (LON, NYC) each with its secondaries; then tier 2 (PAR).
    assert_eq!(upgrades, ["CEN", "LON", "MAN", "NYC", "BOS", "PHL", "PAR"]);
    assert_before(&plan, "SITE-RESYNC-LON", "PREPARE-NYC");
    assert_before(&plan, "SITE-RESYNC-NYC", "PREPARE-PAR");
    assert_before(&plan, "POST-CHECK-NYC", "PREPARE-BOS");
    assert_before(&plan, "CONSOLE-UPG", "POST-CHECK-CEN");
    assert!(plan.task("SITE-RESYNC-CEN").is_none() && plan.task("SITE-RESYNC-BOS").is_none());
    for code in ["CEN", "NYC", "BOS", "PHL", "LON", "PAR", "MAN"] {
        assert_before(
            &plan,
            &format!("SITE-UPG-{code}"),
            &format!("SITE-VERIFY-{code}"),
        );
        assert_before(&plan, "KEY-EXCHANGE", &format!("PREPARE-{code}"));
    }
    for code in ["CEN", "NYC", "LON", "PAR"] {
        assert_before(
            &plan,
            &format!("SITE-VERIFY-{code}"),
            &format!("POST-CHECK-{code}"),
        );
        assert_before(
            &plan,
            &format!("BACKUP-{code}"),
            &format!("SITE-UPG-{code}"),
        );
    }
    let phases: Vec<&str> = plan.phases.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        phases,
        [
            "decisions",
            "preparation",
            "remediation",
            "site-CEN",
            "site-LON",
            "site-NYC",
            "site-PAR",
            "after"
        ]
    );
    let consoles: Vec<&str> = task(&plan, "CONSOLE-UPG")
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(consoles, ["CONSOLE-UPG/ADM-WS01", "CONSOLE-UPG/ADM-WS02"]);
    assert!(
        plan.task("ROLE-SLP-CEN").is_some(),
        "schema not extended and no SLP"
    );
    let sups: Vec<&str> = task(&plan, "ROLE-SUP")
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(sups, ["ROLE-SUP/CEN", "ROLE-SUP/NYC"], "top first");
    let download = task(&plan, "PREP-DOWNLOAD");
    assert!(
        !download.details.contains("CEN-SMS01"),
        "CEN-SMS01 has Internet access"
    );
    assert!(download.details.contains("NYC-SMS01"));
    let nyc = task(&plan, "PREPARE-NYC");
    let mp = nyc
        .items
        .iter()
        .find(|i| i.id == "PREPARE-NYC/NYC-MP01")
        .unwrap();
    assert!(
        mp.text.contains("computer account of NYC-SMS01"),
        "{}",
        mp.text
    );
    let sms = nyc
        .items
        .iter()
        .find(|i| i.id == "PREPARE-NYC/NYC-SMS01")
        .unwrap();
    assert!(
        !sms.text.contains("computer account"),
        "SQL on the site server itself"
    );
}

#[test]
fn every_blocker_has_a_remediation_task_placed_before_the_upgrades_of_its_site() {
    let plan = build(&contoso());
    assert!(plan.totals.blockers > 0);
    for f in plan
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
    {
        let fix = f
            .remediation_task
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no fix", f.code));
        let t = task(&plan, fix);
        assert!(
            t.remedies.contains(&f.code),
            "{fix} remedies {:?}",
            t.remedies
        );
        if let Some(site) = &f.site {
            assert!(
                pos(&plan, fix) < pos(&plan, &format!("SITE-UPG-{site}")),
                "{fix} before {site}"
            );
        }
        assert!(cmplan::plan::sources::source(&f.source.id).is_some());
        assert!(!f.source.url.is_empty() && f.rule.starts_with(['R', 'D', '§']));
    }
    // Sorted blockers → warnings → infos.
    let sev: Vec<Severity> = plan.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    let lon = plan.sites.iter().find(|s| s.code == "LON").unwrap();
    assert_eq!(
        lon.blockers, 5,
        "path, security, legacy, replication, SQL version (key exchange is preparation, not a blocker)"
    );
    // The two on the SQL Server it shares with LON.
    let par = plan.sites.iter().find(|s| s.code == "PAR").unwrap();
    assert_eq!(par.blockers, 2);
    assert!(plan
        .findings
        .iter()
        .all(|f| f.code != "CHK-KEYX" || (f.severity == Severity::Warning && f.site.is_none())));
}

#[test]
fn every_seed_checklist_row_maps_to_a_task_kind_present_in_the_plan() {
    use cmplan::model::SEED_ROWS;
    let plan = build(&contoso());
    assert_eq!(SEED_ROWS.len(), 23);
    for row in SEED_ROWS {
        assert!(
            row.kinds
                .iter()
                .any(|k| plan.tasks().any(|t| t.kind == k.as_str())),
            "seed row {}: no task of {:?} in the plan",
            row.row,
            row.kinds
        );
    }
    // Row 17 is the central site, row 19 the children.
    assert_eq!(
        plan.tasks().find(|t| t.kind == "SITE-UPG").unwrap().id,
        "SITE-UPG-CEN"
    );
}

#[test]
fn the_example_file_gives_the_same_plan_as_the_hand_built_hierarchy() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.toml");
    let env = cmplan::input::load(&path).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let from_file = build(&env);
    let mut by_hand = contoso();
    by_hand.input_digest = env.input_digest.clone();
    assert_eq!(from_file, build(&by_hand));
    assert_eq!(
        from_file.task("SITE-UPG-NYC").map(|t| t.kind.as_str()),
        Some("SITE-UPG")
    );
}
