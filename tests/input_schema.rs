//! `cmplan schema`: a JSON Schema editors can use, that accepts every example and matches the keys
//! and values the validator accepts.
//!
//! No JSON-Schema validator crate is in the lockfile, so `check` below implements the part of
//! draft-07 this schema uses ($ref, allOf, anyOf, type, enum, properties, required,
//! additionalProperties, items, minItems, minLength, minimum, exclusiveMinimum, pattern for the two
//! patterns it has) and refuses any keyword it does not know, so it cannot silently pass.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::{json, Value};

use cmplan::input;
use cmplan::model::{
    CustomTaskScope, OsVersion, Role, SchemaExtension, SecurityMode, SiteType, SiteVersion,
    SqlVersion, TargetMedia,
};

fn schema() -> Value {
    let out = Command::cargo_bin("cmplan")
        .unwrap()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("cmplan schema prints JSON")
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/definitions/").expect("local $ref");
            &root["definitions"][name]
        }
        None => schema,
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        other => panic!("unknown type {other}"),
    }
}

fn pattern_matches(pattern: &str, s: &str) -> bool {
    match pattern {
        "^[A-Z0-9]{3}$" => {
            s.len() == 3
                && s.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        "^[A-Z0-9-]+$" => {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        }
        other => panic!("the test does not know pattern {other}"),
    }
}

/// Every violation of `schema` by `value`, as "path: problem".
fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    let obj = schema.as_object().expect("schema object");
    for (keyword, arg) in obj {
        match keyword.as_str() {
            "$schema" | "title" | "description" | "default" | "format" | "definitions" | "$ref" => {
            }
            "allOf" => {
                for s in arg.as_array().unwrap() {
                    check(root, s, value, path, errors);
                }
            }
            "anyOf" => {
                let ok = arg.as_array().unwrap().iter().any(|s| {
                    let mut e = Vec::new();
                    check(root, s, value, path, &mut e);
                    e.is_empty()
                });
                if !ok {
                    errors.push(format!("{path}: matches no alternative"));
                }
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad type"),
                };
                if !types.iter().any(|t| type_matches(t, value)) {
                    errors.push(format!("{path}: {value} is not of type {types:?}"));
                }
            }
            "enum" => {
                if !arg.as_array().unwrap().contains(value) {
                    errors.push(format!("{path}: {value} not in {arg}"));
                }
            }
            "properties" => {
                if let Some(map) = value.as_object() {
                    for (k, v) in map {
                        if let Some(s) = arg.get(k) {
                            check(root, s, v, &format!("{path}.{k}"), errors);
                        }
                    }
                }
            }
            "required" => {
                if let Some(map) = value.as_object() {
                    for k in arg.as_array().unwrap() {
                        if !map.contains_key(k.as_str().unwrap()) {
                            errors.push(format!("{path}: missing required {k}"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(map) = value.as_object() {
                    for (k, v) in map {
                        if obj.get("properties").and_then(|p| p.get(k)).is_some() {
                            continue;
                        }
                        if arg == &json!(false) {
                            errors.push(format!("{path}: unknown key {k}"));
                        } else {
                            // A map (`schedule.days`): every value follows `arg`.
                            check(root, arg, v, &format!("{path}.{k}"), errors);
                        }
                    }
                }
            }
            "propertyNames" => {
                if let Some(map) = value.as_object() {
                    for k in map.keys() {
                        check(root, arg, &json!(k), &format!("{path} key {k}"), errors);
                    }
                }
            }
            "maximum" => {
                if value.as_f64().is_some_and(|v| v > arg.as_f64().unwrap()) {
                    errors.push(format!("{path}: above maximum"));
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, v) in items.iter().enumerate() {
                        check(root, arg, v, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            "minItems" => {
                if value
                    .as_array()
                    .is_some_and(|a| (a.len() as u64) < arg.as_u64().unwrap())
                {
                    errors.push(format!("{path}: too few items"));
                }
            }
            "minLength" => {
                if value
                    .as_str()
                    .is_some_and(|s| (s.chars().count() as u64) < arg.as_u64().unwrap())
                {
                    errors.push(format!("{path}: too short"));
                }
            }
            "minimum" => {
                if value.as_f64().is_some_and(|v| v < arg.as_f64().unwrap()) {
                    errors.push(format!("{path}: below minimum"));
                }
            }
            "exclusiveMinimum" => {
                if value.as_f64().is_some_and(|v| v <= arg.as_f64().unwrap()) {
                    errors.push(format!("{path}: not above exclusive minimum"));
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    if !pattern_matches(arg.as_str().unwrap(), s) {
                        errors.push(format!("{path}: {s:?} does not match {arg}"));
                    }
                }
            }
            other => panic!("the schema uses `{other}`, which this test does not check"),
        }
    }
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("examples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn toml_as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn every_example_and_the_init_template_validate_against_the_schema() {
    let schema = schema();
    let mut docs: Vec<(String, String)> = examples()
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    assert!(docs.len() >= 3, "contoso, minimal and fabrikam at least");
    docs.push(("init example".into(), input::INIT_EXAMPLE.to_string()));
    for (name, text) in docs {
        // The examples are also valid for cmplan itself.
        input::load_bytes(&name, text.as_bytes()).unwrap_or_else(|e| panic!("{}", e.render(false)));
        let mut errors = Vec::new();
        check(&schema, &schema, &toml_as_json(&text), "$", &mut errors);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_what_cmplan_rejects() {
    let schema = schema();
    let base = toml_as_json(input::INIT_EXAMPLE);
    type Break = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Break)> = vec![
        (
            "unknown key",
            Box::new(|v| v["site"][0]["clents"] = json!(5)),
        ),
        (
            "unknown enum value",
            Box::new(|v| v["server"][0]["os"] = json!("windows-2003-sp3")),
        ),
        (
            "bad site code",
            Box::new(|v| v["site"][0]["code"] = json!("hq1")),
        ),
        (
            "negative count",
            Box::new(|v| v["site"][0]["clients"] = json!(-1)),
        ),
        (
            "fractional count",
            Box::new(|v| v["site"][0]["clients"] = json!(1.5)),
        ),
        (
            "zero per client",
            Box::new(|v| v["estimates"]["database_mb_per_client"] = json!(0)),
        ),
        (
            "missing title",
            Box::new(|v| {
                v["plan"].as_object_mut().unwrap().remove("title");
            }),
        ),
        (
            "bad custom id",
            Box::new(|v| v["custom_task"][0]["id"] = json!("lower case")),
        ),
        (
            "unknown role",
            Box::new(|v| v["server"][0]["roles"] = json!(["site-server"])),
        ),
        (
            "unknown weekday",
            Box::new(|v| v["schedule"]["weekdays"] = json!(["monday", "funday"])),
        ),
        (
            "unknown task kind in schedule.days",
            Box::new(|v| v["schedule"]["days"] = json!({ "SITE-UPGRADE": 2 })),
        ),
        (
            "negative duration",
            Box::new(|v| v["schedule"]["default_days"] = json!(-1)),
        ),
    ];
    for (what, break_it) in cases {
        let mut doc = base.clone();
        break_it(&mut doc);
        let mut errors = Vec::new();
        check(&schema, &schema, &doc, "$", &mut errors);
        assert!(!errors.is_empty(), "the schema accepted: {what}");
    }
}

fn property_names(schema: &Value, definition: Option<&str>) -> BTreeSet<String> {
    let table = match definition {
        Some(d) => &schema["definitions"][d],
        None => schema,
    };
    assert_eq!(
        table["additionalProperties"],
        json!(false),
        "{definition:?}"
    );
    table["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|s| s.to_string()).collect()
}

#[test]
fn schema_keys_are_exactly_the_keys_the_validator_accepts() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
    assert_eq!(property_names(&schema, None), set(input::ROOT_KEYS));
    assert_eq!(
        property_names(&schema, Some("PlanTable")),
        set(input::PLAN_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("ActiveDirectoryTable")),
        set(input::ACTIVE_DIRECTORY_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("EstimatesTable")),
        set(input::ESTIMATES_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("ConsoleTable")),
        set(input::CONSOLE_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("SiteTable")),
        set(input::SITE_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("ServerTable")),
        set(input::SERVER_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("CustomTaskTable")),
        set(input::CUSTOM_TASK_KEYS)
    );
    assert_eq!(
        property_names(&schema, Some("ScheduleTable")),
        set(input::SCHEDULE_KEYS)
    );
}

#[test]
fn schema_enums_are_the_model_values() {
    let schema = schema();
    let enums: &[(&str, &[&str])] = &[
        ("TargetMedia", TargetMedia::ALL),
        ("SchemaExtension", SchemaExtension::ALL),
        ("SiteType", SiteType::ALL),
        ("SiteVersion", SiteVersion::ALL),
        ("SecurityMode", SecurityMode::ALL),
        ("OsVersion", OsVersion::ALL),
        ("SqlVersion", SqlVersion::ALL),
        ("Role", Role::ALL),
        ("CustomTaskScope", CustomTaskScope::ALL),
    ];
    for (name, all) in enums {
        let values: Vec<&str> = schema["definitions"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(&values, all, "{name}");
    }
}
