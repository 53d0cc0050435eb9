//! Task texts fit their case: a secondary's preparation has no database test, every client task
//! names the method decided, the pilot is taken from a site this plan upgrades, and a parent
//! already on Configuration Manager 2007 gets its software update point before its children.

mod common;

use cmplan::plan::Plan;

fn load(path: &str) -> Plan {
    let env = cmplan::input::load(std::path::Path::new(path)).expect("valid example");
    common::build(&env)
}

#[test]
fn a_secondarys_preparation_expects_no_database_test() {
    let plan = load("examples/contoso.toml");
    for id in ["PREPARE-MAN", "PREPARE-BOS", "PREPARE-PHL"] {
        let t = plan.task(id).unwrap();
        assert!(
            !t.expected_result.contains("database"),
            "{id}: {}",
            t.expected_result
        );
        assert!(t.expected_result.contains("prerequisite check"), "{id}");
    }
    let t = plan.task("PREPARE-NYC").unwrap();
    assert!(t.expected_result.contains("database test passed"));
}

#[test]
fn client_tasks_name_the_method_and_pilot_decided() {
    for path in ["examples/contoso.toml", "examples/fabrikam.toml"] {
        let plan = load(path);
        let method = plan.task("CLIENT-METHOD").unwrap();
        for id in ["CLIENT-METHOD", "CLIENT-PILOT", "CLIENT-UPG"] {
            let t = plan.task(id).unwrap();
            assert!(
                t.details.contains("client push from their upgraded site"),
                "{path} {id}: {}",
                t.details
            );
            assert!(
                !t.details.contains("choose a deployment method"),
                "{path} {id}"
            );
        }
        let pilot = plan.task("CLIENT-PILOT").unwrap();
        let named = pilot
            .details
            .split("about 50 of ")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .unwrap();
        assert!(method
            .details
            .contains(&format!("about 50 of {named}'s clients")));
        let site = plan.sites.iter().find(|s| s.code == named).unwrap();
        assert!(
            !site.already_upgraded,
            "{path}: the pilot {named} is already upgraded"
        );
    }
    // Fabrikam's central site already runs Configuration Manager 2007: its clients need no upgrade.
    let plan = load("examples/fabrikam.toml");
    assert!(!plan.task("CLIENT-PILOT").unwrap().details.contains("FAB's"));
}

#[test]
fn a_parent_already_upgraded_gets_its_update_point_first() {
    let plan = load("examples/fabrikam.toml");
    let items: Vec<&str> = plan
        .task("ROLE-SUP")
        .unwrap()
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(items[0], "ROLE-SUP/FAB", "{items:?}");
    assert!(items.contains(&"ROLE-SUP/APA"));
}

#[test]
fn a_site_checklist_shows_the_disk_of_its_own_servers() {
    let plan = load("examples/contoso.toml");
    let view = cmplan::plan::views::for_site(&plan, "LON").unwrap();
    let names: Vec<&str> = view
        .servers
        .iter()
        .filter(|s| s.disk.is_some())
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["LON-SMS01", "LON-SQL01", "MAN-SEC01"]);
    let md = String::from_utf8(
        cmplan::render::render(
            cmplan::render::Format::Md,
            &view,
            &cmplan::render::RenderContext::default(),
        )
        .unwrap(),
    )
    .unwrap();
    let disk = &md[md.find("## Disk per server").unwrap()..];
    assert!(
        disk.contains("| LON-SQL01 | 25,512 | 20,480 | **5,032** |"),
        "{disk}"
    );
    assert!(!disk.contains("NYC-SMS01"));
}

#[test]
fn a_client_method_set_in_the_description_is_the_one_every_client_text_names() {
    let text = std::fs::read_to_string("examples/contoso.toml").unwrap();
    let with = text.replacen(
        "\ntarget = ",
        "\nclient_method = \"logon-script\"\ntarget = ",
        1,
    );
    assert_ne!(with, text);
    let env = cmplan::input::load_bytes("contoso-logon.toml", with.as_bytes()).expect("valid");
    let plan = common::build(&env);
    for id in ["CLIENT-METHOD", "CLIENT-PILOT", "CLIENT-UPG"] {
        let t = plan.task(id).unwrap();
        assert!(
            t.details.contains("by logon script (ccmsetup.exe /logon)")
                || t.details.contains("By logon script (ccmsetup.exe /logon)"),
            "{id}: {}",
            t.details
        );
        assert!(!t.details.contains("client push"), "{id}: {}", t.details);
    }
    let decision = &plan.task("CLIENT-METHOD").unwrap().details;
    assert!(
        decision.starts_with("Set in the description:"),
        "{decision}"
    );
    let assumed = |plan: &Plan| {
        plan.assumptions
            .iter()
            .find(|a| a.key == "client-method")
            .unwrap()
            .value
            .clone()
    };
    let value = assumed(&plan);
    assert!(
        value.starts_with("logon script (ccmsetup.exe /logon) (set in the description)"),
        "{value}"
    );

    // Without the key: the default, said to be one.
    let plan = load("examples/contoso.toml");
    let decision = &plan.task("CLIENT-METHOD").unwrap().details;
    assert!(decision.starts_with("Default in this plan:"), "{decision}");
    assert!(!assumed(&plan).contains("set in the description"));
}
