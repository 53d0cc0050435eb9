//! How text values are checked: computer names (which become task IDs) and, below, names.
//! Each case edits `tests/hostile/base.toml` and states the exact diagnostics, or that it loads.

use cmplan::input;

fn base() -> String {
    std::fs::read_to_string("tests/hostile/base.toml").unwrap()
}

/// The base with each (old, new) replaced once; `old` must occur.
fn edit(pairs: &[(&str, &str)]) -> String {
    let mut text = base();
    for (old, new) in pairs {
        assert!(text.contains(old), "{old}");
        text = text.replacen(old, new, 1);
    }
    text
}

/// The codes reported for a description, in file order; empty when it loads.
fn codes(name: &str, text: &str) -> Vec<String> {
    match input::load_bytes(name, text.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(e) => e.codes(),
    }
}

fn loads(text: &str) -> cmplan::model::Environment {
    input::load_bytes("case.toml", text.as_bytes())
        .unwrap_or_else(|e| panic!("{}", e.render(false)))
}

#[test]
fn whitespace_around_a_computer_name_is_an_error_in_every_place_one_is_written() {
    for (old, new) in [
        (r#"computer = "ADMIN01""#, r#"computer = "ADMIN01 ""#),
        (r#"name = "SMS01""#, r#"name = " SMS01""#),
        (r#"site_server = "SEC01""#, "site_server = \"SEC01\t\""),
        (
            r#"database_server = "SMS01""#,
            "database_server = \"\u{a0}SMS01\u{3000}\"",
        ),
    ] {
        assert_eq!(codes("case.toml", &edit(&[(old, new)])), ["E033"], "{new}");
    }
}

#[test]
fn a_computer_name_reported_for_its_whitespace_still_resolves_references_to_it() {
    // Both the server and the site naming it are reported once each; no "server not described".
    let text = edit(&[
        (r#"name = "SEC01""#, r#"name = "SEC01 ""#),
        (r#"site_server = "SEC01""#, r#"site_server = " SEC01""#),
    ]);
    assert_eq!(codes("case.toml", &text), ["E033", "E033"]);
    let err = input::load_bytes("case.toml", text.as_bytes()).unwrap_err();
    let report = err.render(false);
    assert!(
        report.contains(r#"remove the whitespace: name = "SEC01""#),
        "{report}"
    );
    assert!(report.contains("ends with whitespace"), "{report}");
    assert!(report.contains("starts with whitespace"), "{report}");
}

#[test]
fn the_json_hint_is_written_in_json() {
    let text = r#"{ "plan": { "title": "T", "target": "sp1" },
  "console": [ { "computer": " ADMIN01 " } ],
  "site": [ { "code": "CEN", "name": "C", "type": "primary", "version": "sms2003-sp3",
              "security": "advanced", "site_server": "S", "database_server": "S" } ],
  "server": [ { "name": "S", "site": "CEN", "os": "windows-2003-sp2", "sql": "sql2005-sp2" } ] }"#;
    let err = input::load_bytes("case.json", text.as_bytes()).unwrap_err();
    assert_eq!(err.codes(), ["E033"]);
    let report = err.render(false);
    assert!(report.contains("starts and ends with whitespace"), "{report}");
    assert!(report.contains(r#""computer": "ADMIN01""#), "{report}");
}

#[test]
fn computer_names_with_inner_spaces_or_mixed_case_are_still_accepted() {
    // Only whitespace around the name is refused; what is inside stays as written.
    let env = loads(&edit(&[(r#"computer = "ADMIN01""#, r#"computer = "Admin 01""#)]));
    assert_eq!(env.consoles[0].computer, "Admin 01");
}
