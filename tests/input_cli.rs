//! The small commands, end to end: validate, init, schema, completions, man.

use assert_cmd::Command;

fn cmplan() -> Command {
    let mut cmd = Command::cargo_bin("cmplan").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

#[test]
fn validate_accepts_the_examples() {
    for example in [
        "examples/contoso.toml",
        "examples/minimal.toml",
        "examples/fabrikam.toml",
    ] {
        cmplan().args(["validate", example]).assert().success();
    }
}

#[test]
fn validate_reports_every_problem_and_exits_1() {
    let out = cmplan()
        .args(["validate", "tests/fixtures/invalid/multiple_problems.toml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.stdout.is_empty());
    // Not a terminal: no colour codes.
    assert!(!stderr.contains('\u{1b}'));
    assert!(stderr.contains("[tests/fixtures/invalid/multiple_problems.toml:19:10]"));
    assert!(stderr.contains("8 problems in the environment description"));
}

#[test]
fn init_writes_a_valid_example_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.toml");
    cmplan().arg("init").arg(&path).assert().success();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, cmplan::input::INIT_EXAMPLE);
    cmplan().arg("validate").arg(&path).assert().success();

    std::fs::write(&path, "# my own work\n").unwrap();
    let out = cmplan()
        .arg("init")
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(String::from_utf8(out.stderr).unwrap().contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# my own work\n");

    cmplan()
        .arg("init")
        .arg("--force")
        .arg(&path)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        cmplan::input::INIT_EXAMPLE
    );
}

#[test]
fn schema_is_json_with_the_draft_it_claims() {
    let out = cmplan()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["required"], serde_json::json!(["plan", "site"]));
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let bash = cmplan()
        .args(["completions", "bash"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let bash = String::from_utf8(bash).unwrap();
    assert!(bash.contains("_cmplan()"));
    assert!(bash.contains("validate"));
    assert!(bash.contains("--force"));

    let man = cmplan()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let man = String::from_utf8(man).unwrap();
    assert!(man.starts_with(".ie"));
    assert!(man.contains(".TH cmplan 1"));
    // Each subcommand's own page follows, so SUBCOMMANDS' references resolve.
    assert!(man.contains(".TH cmplan-generate 1"));
    assert!(man.contains(".TH cmplan-init 1"));

    cmplan().args(["completions", "klingon"]).assert().code(2);
}
