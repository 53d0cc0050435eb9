//! Loading valid descriptions: the examples, TOML and JSON alike.

use cmplan::input;
use cmplan::model::{SiteType, SqlVersion, TargetMedia};

fn contoso_json() -> String {
    let text = std::fs::read_to_string("examples/contoso.toml").unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_string_pretty(&value).unwrap()
}

#[test]
fn contoso_loads_as_the_hierarchy_it_describes() {
    let env = input::load(std::path::Path::new("examples/contoso.toml")).unwrap();
    assert_eq!(env.plan.target, TargetMedia::Sp1);
    let order: Vec<&str> = env.sites.iter().map(|s| s.code.as_str()).collect();
    // Pre-order from the central site, children by code.
    assert_eq!(order, ["CEN", "LON", "MAN", "PAR", "NYC", "BOS", "PHL"]);
    let lon = env.site_by_str("LON").unwrap();
    assert_eq!(lon.depth, 1);
    assert_eq!(lon.clients, 5200);
    assert_eq!(lon.legacy_clients, 140);
    assert_eq!(lon.database_server.as_deref(), Some("LON-SQL01"));
    let bos = env.site_by_str("BOS").unwrap();
    assert_eq!(bos.site_type, SiteType::Secondary);
    assert_eq!(bos.parent.as_ref().unwrap().as_str(), "NYC");
    assert_eq!(env.servers.len(), 10);
    assert_eq!(
        env.server("lon-sql01").unwrap().sql,
        Some(SqlVersion::Sql2000Sp4)
    );
    assert_eq!(env.consoles.len(), 2);
    assert_eq!(env.estimates.database_mb_per_client, 2.0);
    assert_eq!(env.central().database_size_mb, Some(18000.0));
    assert_eq!(env.input_digest.len(), 64);
}

#[test]
fn json_and_toml_versions_of_contoso_are_the_same_environment() {
    let toml_env = input::load(std::path::Path::new("examples/contoso.toml")).unwrap();
    let json_env = input::load_bytes("contoso.json", contoso_json().as_bytes()).unwrap();
    assert_ne!(toml_env.input_digest, json_env.input_digest);
    let mut json_env = json_env;
    json_env.input_digest = toml_env.input_digest.clone();
    assert_eq!(toml_env, json_env);
}

#[test]
fn the_digest_is_the_sha256_of_the_file_bytes() {
    let env = input::load_bytes("x.toml", include_bytes!("../examples/minimal.toml")).unwrap();
    // The file's SHA-256 computed here, independently of the loader.
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(std::fs::read("examples/minimal.toml").unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(env.input_digest, expected);
    assert!(env
        .input_digest
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn a_byte_order_mark_is_accepted_in_both_syntaxes() {
    let toml_text = std::fs::read("examples/minimal.toml").unwrap();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&toml_text);
    let env = input::load_bytes("bom.toml", &with_bom).unwrap();
    assert_eq!(env.sites.len(), 1);

    let mut json = b"\xEF\xBB\xBF".to_vec();
    json.extend_from_slice(contoso_json().as_bytes());
    assert!(input::load_bytes("bom.json", &json).is_ok());
}

#[test]
fn a_bom_does_not_shift_reported_columns() {
    let text = b"\xEF\xBB\xBF[plan]\ntitle = \"T\"\ntarget = \"sp9\"\n";
    let err = input::load_bytes("bom.toml", text).unwrap_err();
    let located = err.locations();
    assert!(
        located.contains(&("E006".to_string(), 3, 10)),
        "{located:?}"
    );
}

#[test]
fn json_null_means_absent_and_integral_floats_are_counts() {
    let mut value: serde_json::Value = serde_json::from_str(&contoso_json()).unwrap();
    value["site"][0]["parent"] = serde_json::Value::Null;
    value["site"][0]["clients"] = serde_json::json!(1200.0);
    value["server"][0]["sql"] = serde_json::Value::Null;
    let text = serde_json::to_string(&value).unwrap();
    let env = input::load_bytes("nulls.json", text.as_bytes()).unwrap();
    assert!(env.central().parent.is_none());
    assert_eq!(env.central().clients, 1200);
    assert_eq!(env.server("CEN-SMS01").unwrap().sql, None);
}

#[test]
fn fabrikam_loads_with_its_tiers_and_custom_tasks() {
    use cmplan::model::CustomTaskScope;
    let env = input::load(std::path::Path::new("examples/fabrikam.toml")).unwrap();
    assert_eq!(env.sites.len(), 16);
    assert_eq!(env.central().code.as_str(), "FAB");
    assert!(env.central().version.is_configmgr2007());
    assert_eq!(env.sites.iter().map(|s| s.depth).max(), Some(3));
    assert_eq!(env.estimates.database_mb_per_client, 2.5);
    let ids: Vec<&str> = env.custom_tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["CAB-APPROVAL", "NOTIFY-SITE"]);
    assert_eq!(env.custom_tasks[0].scope, CustomTaskScope::Hierarchy);
    assert_eq!(env.custom_tasks[1].scope, CustomTaskScope::EachSite);
    assert_eq!(env.custom_tasks[1].after.as_deref(), Some("SITE-UPG"));
    assert!(env.custom_tasks[0].details.is_none());
    // Server names keep the spelling of their [[server]] entry.
    assert_eq!(
        env.site_by_str("CHI").unwrap().database_server.as_deref(),
        Some("CHI-SMS01")
    );
}

#[test]
fn a_reference_in_another_case_resolves_to_the_server_as_spelt_in_its_entry() {
    let text = std::fs::read_to_string("examples/minimal.toml")
        .unwrap()
        .replace("site_server = \"SMS01\"", "site_server = \"sms01\"");
    let env = input::load_bytes("case.toml", text.as_bytes()).unwrap();
    assert_eq!(env.central().site_server, "SMS01");
}
