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
