//! The readiness findings a consultant expects from a description's shape (advanced under
//! standard, an SMS 2.0 child, software update points, management points) and the combined disk
//! need of each computer, read from the plan as a user reads them.

mod common;

use cmplan::plan::{Finding, Plan};

fn contoso() -> String {
    std::fs::read_to_string("examples/contoso.toml").unwrap()
}

fn load_text(text: &str) -> Plan {
    let env = cmplan::input::load_bytes("t.toml", text.as_bytes()).expect("valid description");
    common::build(&env)
}

/// `text` with `old` replaced once (and the replacement made for sure).
fn edit(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "the example no longer has {old:?}");
    text.replacen(old, new, 1)
}

fn findings<'p>(plan: &'p Plan, code: &str) -> Vec<&'p Finding> {
    plan.findings.iter().filter(|f| f.code == code).collect()
}

fn position(plan: &Plan, id: &str) -> usize {
    plan.tasks()
        .position(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the plan"))
}

#[test]
fn advanced_sites_under_a_standard_parent_are_reported_not_rejected() {
    // contoso.toml has this shape (MAN and PAR in advanced security under LON in standard) and
    // stays valid: the plan is made and asks the planner to check the description.
    let env = cmplan::input::load(std::path::Path::new("examples/contoso.toml"))
        .expect("contoso stays valid");
    let plan = common::build(&env);
    let f = findings(&plan, "CHK-SECPARENT");
    assert_eq!(f.len(), 1, "one finding per standard-security parent");
    let f = f[0];
    assert_eq!(f.site.as_deref(), Some("LON"));
    assert_eq!(f.severity, cmplan::plan::Severity::Warning);
    assert!(f.message.contains("MAN and PAR"), "{}", f.message);
    assert!(
        f.message.contains("checks the security mode"),
        "{}",
        f.message
    );
    assert!(f.source.url.contains("cc987808"), "{:?}", f.source);
    // Once LON is in advanced security too, nothing is inconsistent.
    let text = edit(
        &contoso(),
        "version = \"sms2003-sp1\"\nsecurity = \"standard\"",
        "version = \"sms2003-sp1\"\nsecurity = \"advanced\"",
    );
    assert!(findings(&load_text(&text), "CHK-SECPARENT").is_empty());
}

#[test]
fn an_sms20_child_holds_back_its_parents_upgrade() {
    let text = edit(
        &contoso(),
        "parent = \"LON\"\nversion = \"sms2003-sp2\"\nsecurity = \"advanced\"\nsite_server = \"PAR-SMS01\"",
        "parent = \"LON\"\nversion = \"sms2.0\"\nsecurity = \"advanced\"\nsite_server = \"PAR-SMS01\"",
    );
    let plan = load_text(&text);
    let f = findings(&plan, "CHK-SMS20-CHILD");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].site.as_deref(), Some("LON"));
    assert_eq!(f[0].remediation_task.as_deref(), Some("SMS-SP-PAR"));
    assert!(f[0].message.contains("PAR"), "{}", f[0].message);
    assert!(position(&plan, "SMS-SP-PAR") < position(&plan, "SITE-UPG-LON"));
    assert!(plan
        .task("SITE-UPG-LON")
        .unwrap()
        .depends_on
        .contains(&"SMS-SP-PAR".to_string()));
    assert!(findings(&load_text(&contoso()), "CHK-SMS20-CHILD").is_empty());
    // A secondary upgraded in its parent's window: its fix comes before the parent's upgrade,
    // not right before the secondary's own.
    let text = edit(
        &contoso(),
        "parent = \"LON\"\nversion = \"sms2003-sp2\"\nsecurity = \"advanced\"\nsite_server = \"MAN-SEC01\"",
        "parent = \"LON\"\nversion = \"sms2.0\"\nsecurity = \"advanced\"\nsite_server = \"MAN-SEC01\"",
    );
    let plan = load_text(&text);
    assert_eq!(findings(&plan, "CHK-SMS20-CHILD").len(), 1);
    assert!(position(&plan, "SMS-SP-MAN") < position(&plan, "SITE-UPG-LON"));
    assert!(plan
        .task("SITE-UPG-LON")
        .unwrap()
        .depends_on
        .contains(&"SMS-SP-MAN".to_string()));
}

#[test]
fn a_childs_software_update_point_gets_one_at_its_parent_first() {
    // PAR uses the ITMU; its parent LON does not.
    let text = edit(
        &contoso(),
        "database_server = \"LON-SQL01\"\nclients = 2600",
        "database_server = \"LON-SQL01\"\nclients = 2600\nfeature_packs = [\"itmu\"]",
    );
    let plan = load_text(&text);
    let f = findings(&plan, "CHK-SUP-PARENT");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].site.as_deref(), Some("PAR"));
    assert_eq!(f[0].remediation_task.as_deref(), Some("ROLE-SUP"));
    let sup = plan.task("ROLE-SUP").unwrap();
    let items: Vec<&str> = sup.items.iter().map(|i| i.id.as_str()).collect();
    let at = |id: &str| items.iter().position(|i| *i == id).unwrap();
    assert!(at("ROLE-SUP/LON") < at("ROLE-SUP/PAR"), "{items:?}");
    assert!(at("ROLE-SUP/CEN") < at("ROLE-SUP/LON"), "{items:?}");
    // Contoso as it is: NYC's parent is the central site, which gets a point anyway.
    let plan = load_text(&contoso());
    assert!(findings(&plan, "CHK-SUP-PARENT").is_empty());
    let items: Vec<&str> = plan
        .task("ROLE-SUP")
        .unwrap()
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(items, ["ROLE-SUP/CEN", "ROLE-SUP/NYC"]);
}

#[test]
fn a_site_with_clients_and_no_management_point_is_reported() {
    let text = edit(
        &contoso(),
        "roles = [\"management-point\", \"distribution-point\", \"client-access-point\"]",
        "roles = [\"distribution-point\", \"client-access-point\"]",
    );
    let plan = load_text(&text);
    let f = findings(&plan, "CHK-NO-MP");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].site.as_deref(), Some("LON"));
    // LON's own 5,200 Advanced Clients and MAN's 90, which are assigned to LON.
    assert!(
        f[0].message.contains("5,290 Advanced Clients"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("The planner adds it"),
        "{}",
        f[0].message
    );
    assert!(cmplan::plan::sources::source(&f[0].source.id).is_some());
    assert!(findings(&load_text(&contoso()), "CHK-NO-MP").is_empty());
}

#[test]
fn disk_findings_are_one_per_computer_with_every_part() {
    let plan = load_text(&contoso());
    assert!(plan
        .findings
        .iter()
        .all(|f| f.code != "CHK-DISK-SITE" && f.code != "CHK-DISK-DB"));
    let disk = findings(&plan, "CHK-DISK-SERVER");
    let servers: Vec<&str> = disk.iter().filter_map(|f| f.server.as_deref()).collect();
    assert_eq!(servers, ["LON-SQL01", "NYC-SMS01"]);
    // LON-SQL01 holds two site databases: both growths and the headroom, summed.
    let lon = disk[0];
    assert!(
        lon.message.contains(
            "16,060 MB database growth of LON + 5,200 MB database growth of PAR + 4,252 MB headroom"
        ) && lon.message.contains("= 25,512 MB, against 20,480 MB free: short by 5,032 MB"),
        "{}",
        lon.message
    );
    assert_eq!(lon.remediation_task.as_deref(), Some("PREPARE-LON"));
    // A site server alone, short for its own install.
    let text = edit(&contoso(), "free_disk_gb = 60\n", "free_disk_gb = 4\n");
    let plan = load_text(&text);
    let cen = plan
        .findings
        .iter()
        .find(|f| f.code == "CHK-DISK-SERVER" && f.server.as_deref() == Some("CEN-SMS01"))
        .expect("a finding for CEN-SMS01");
    assert!(
        cen.message.contains("is the site server of CEN and needs 5,120 MB site-server install, against 4,096 MB free: short by 1,024 MB"),
        "{}",
        cen.message
    );
}

#[test]
fn retired_disk_codes_are_still_understood() {
    use cmplan::plan::findings::RuleCode;
    assert_eq!(RuleCode::parse("CHK-DISK-SITE"), Some(RuleCode::DiskServer));
    assert_eq!(RuleCode::parse("chk-disk-db"), Some(RuleCode::DiskServer));
    let text = cmplan::explain::explain("CHK-DISK-DB").unwrap();
    assert!(text.contains("CHK-DISK-SERVER"), "{text}");
}
