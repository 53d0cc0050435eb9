//! How text values are checked: computer names (which become task IDs), names, and what a value
//! that cannot be read does not cause (follow-on reports of references to it).
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
        // (a tab is a control character: E035, below)
        (
            r#"site_server = "SEC01""#,
            "site_server = \"SEC01\u{2009}\"",
        ),
        (
            r#"database_server = "SMS01""#,
            "database_server = \"\u{a0}SMS01\u{3000}\"",
        ),
    ] {
        assert_eq!(codes("case.toml", &edit(&[(old, new)])), ["E033"], "{new}");
    }
}

#[test]
fn a_zero_width_character_at_either_end_of_a_computer_name_is_an_error_too() {
    for new in [
        "computer = \"ADMIN01\u{200b}\"",
        "computer = \"\u{feff}ADMIN01\"",
        "computer = \"\u{200e}ADMIN01 \"",
    ] {
        let text = edit(&[(r#"computer = "ADMIN01""#, new)]);
        assert_eq!(codes("case.toml", &text), ["E033"], "{new}");
        let report = input::load_bytes("case.toml", text.as_bytes())
            .unwrap_err()
            .render(false);
        assert!(report.contains("an invisible character"), "{report}");
        assert!(
            report.contains(r#"remove the invisible characters: computer = "ADMIN01""#),
            "{report}"
        );
    }
    // Inside a name it is not at an edge: no E033 (E034/E035 are about names with nothing
    // visible or with control characters).
    let inside = edit(&[(r#"computer = "ADMIN01""#, "computer = \"ADMIN\u{200b}01\"")]);
    assert!(!codes("case.toml", &inside).contains(&"E033".to_string()));
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
    assert!(
        report.contains("starts and ends with whitespace"),
        "{report}"
    );
    assert!(report.contains(r#""computer": "ADMIN01""#), "{report}");
}

#[test]
fn computer_names_with_inner_spaces_or_mixed_case_are_still_accepted() {
    // Only whitespace around the name is refused; what is inside stays as written.
    let env = loads(&edit(&[(
        r#"computer = "ADMIN01""#,
        r#"computer = "Admin 01""#,
    )]));
    assert_eq!(env.consoles[0].computer, "Admin 01");
}

#[test]
fn a_name_with_no_visible_character_is_e034_in_every_text_field() {
    for (old, key) in [
        (r#"title = "Hostile base""#, "title"),
        (r#"organisation = "Contoso""#, "organisation"),
        (r#"change_reference = "CHG-1""#, "change_reference"),
        (r#"prepared_by = "Jane Planner""#, "prepared_by"),
        (r#"name = "Central""#, "name"),
        (r#"title = "Tell the help desk""#, "title"),
        (r#"details = "Send the change reference.""#, "details"),
    ] {
        for invisible in [r"\u200B\u200F", r"\u2060\u00A0", r"\uFEFF", r"\u202E\u202C"] {
            let text = edit(&[(old, &format!("{key} = \"{invisible}\""))]);
            assert_eq!(codes("case.toml", &text), ["E034"], "{key} = {invisible}");
        }
    }
    // A required name of spaces only stays E028 (empty), as before.
    let text = edit(&[(r#"name = "Central""#, r#"name = "   ""#)]);
    assert_eq!(codes("case.toml", &text), ["E028"]);
}

#[test]
fn empty_optional_text_is_still_absent() {
    let env = loads(&edit(&[(
        r#"organisation = "Contoso""#,
        r#"organisation = """#,
    )]));
    assert_eq!(env.plan.organisation.as_deref(), Some(""));
}

#[test]
fn invisible_characters_next_to_visible_text_are_kept() {
    // Right-to-left text and marks, emoji with joiners and variation selectors, combining marks.
    let names = [
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{200f}",
        "\u{202e}Central\u{202c}",
        "\u{1F468}\u{200d}\u{1F469}\u{200d}\u{1F467} \u{2764}\u{fe0f}",
        "Z\u{351}a\u{354}l\u{355}go \u{200b}",
        "\u{645}\u{631}\u{643}\u{632} \u{1F3E2}",
    ];
    for name in names {
        let text = edit(&[(
            r#"name = "Central""#,
            &format!("name = {}", serde_json::to_string(name).unwrap()),
        )]);
        let env = loads(&text);
        assert_eq!(env.site_by_str("CEN").unwrap().name, name);
    }
}

#[test]
fn a_control_character_is_e035_and_located_by_its_character() {
    for c in [
        '\u{0}', '\u{7}', '\u{1b}', '\u{8}', '\t', '\n', '\r', '\u{7f}', '\u{85}', '\u{9f}',
    ] {
        // Escaped: TOML allows only a raw tab in a basic string.
        let name = format!("Cen\\u{:04X}tral", c as u32);
        let text = edit(&[(r#"name = "Central""#, &format!("name = \"{name}\""))]);
        let err = input::load_bytes("case.toml", text.as_bytes()).unwrap_err();
        assert_eq!(err.codes(), ["E035"], "{c:?}");
        let report = err.render(false);
        let shown = format!("U+{:04X} (character 4)", c as u32);
        assert!(report.contains(&shown), "{c:?}: {report}");
    }
    // Several: the first is named, the others counted.
    let text = edit(&[(
        r#"title = "Hostile base""#,
        r#"title = "a\u0007b\u0007c\u0008""#,
    )]);
    let report = input::load_bytes("case.toml", text.as_bytes())
        .unwrap_err()
        .render(false);
    assert!(
        report.contains("U+0007 (character 2) and 2 more"),
        "{report}"
    );
}

#[test]
fn the_multi_line_texts_of_a_custom_task_keep_line_breaks_and_tabs_only() {
    let env = loads(&edit(&[
        (
            r#"details = "Send the change reference.""#,
            r#"details = "Send\tthe change\r\nreference.\n""#,
        ),
        (
            r#"expected_result = "The help desk acknowledged""#,
            r#"expected_result = "The help desk\nacknowledged""#,
        ),
    ]));
    assert_eq!(
        env.custom_tasks[0].details.as_deref(),
        Some("Send\tthe change\r\nreference.\n")
    );
    let text = edit(&[(
        r#"details = "Send the change reference.""#,
        r#"details = "Send\u000Cthe change""#,
    )]);
    assert_eq!(codes("case.toml", &text), ["E035"]);
    // The one-line custom task title keeps none.
    let text = edit(&[(
        r#"title = "Tell the help desk""#,
        r#"title = "Tell\nthe help desk""#,
    )]);
    assert_eq!(codes("case.toml", &text), ["E035"]);
}

#[test]
fn a_computer_name_with_a_control_character_is_one_problem_and_still_resolves() {
    // The tab is reported once (not also as whitespace), and `site_server = "SEC01"` finds it.
    let text = edit(&[(r#"name = "SEC01""#, r#"name = "SEC01\t""#)]);
    assert_eq!(codes("case.toml", &text), ["E035"]);
}

#[test]
fn a_site_code_that_cannot_be_read_does_not_make_references_to_it_dangle() {
    // `code = 100`: SEC's parent and SMS01's site name CEN, which may be that site.
    let text = edit(&[(r#"code = "CEN""#, "code = 100")]);
    assert_eq!(codes("case.toml", &text), ["E005"]);
    // A malformed code or a missing one: the same.
    let text = edit(&[(r#"code = "CEN""#, r#"code = "cen""#)]);
    assert_eq!(codes("case.toml", &text), ["E010"]);
    let text = edit(&[("code = \"CEN\"\n", "")]);
    assert_eq!(codes("case.toml", &text), ["E004"]);
}

#[test]
fn references_to_more_unknown_codes_than_unreadable_sites_are_all_reported() {
    // One unreadable code cannot be both CEN and LON.
    let text = edit(&[
        (r#"code = "CEN""#, "code = 100"),
        (r#"parent = "CEN""#, r#"parent = "LON""#),
    ]);
    assert_eq!(codes("case.toml", &text), ["E005", "E016", "E023"]);
    // Two unreadable codes can.
    let text = edit(&[
        (r#"code = "CEN""#, "code = 100"),
        (r#"code = "SEC""#, "code = true"),
        (r#"site = "SEC""#, r#"site = "LON""#),
    ]);
    assert_eq!(codes("case.toml", &text), ["E005", "E005"]);
}

#[test]
fn without_an_unreadable_site_a_dangling_reference_is_reported_as_before() {
    let text = edit(&[(r#"parent = "CEN""#, r#"parent = "LON""#)]);
    assert_eq!(codes("case.toml", &text), ["E016"]);
    let text = edit(&[(r#"site = "SEC""#, r#"site = "LON""#)]);
    assert_eq!(codes("case.toml", &text), ["E030", "E023"]);
}

#[test]
fn a_site_entry_that_is_not_an_object_counts_as_a_site_without_a_code() {
    let text = r#"{ "plan": { "title": "T", "target": "sp1" },
  "site": [ { "code": "SEC", "name": "S", "type": "secondary", "parent": "CEN",
              "version": "sms2003-sp3", "security": "advanced", "site_server": "S" },
            "CEN" ],
  "server": [ { "name": "S", "site": "SEC", "os": "windows-2003-sp2" } ] }"#;
    assert_eq!(codes("case.json", text), ["E005"]);
}

#[test]
fn a_server_name_that_cannot_be_read_does_not_make_references_to_it_dangle() {
    let text = edit(&[(r#"name = "SEC01""#, "name = 42")]);
    assert_eq!(codes("case.toml", &text), ["E005"]);
    let text = edit(&[(r#"name = "SMS01""#, r#"name = """#)]);
    assert_eq!(codes("case.toml", &text), ["E028"]);
    // One unreadable name cannot be both SEC01 and SEC99.
    let text = edit(&[
        (r#"name = "SEC01""#, "name = 42"),
        (
            r#"database_server = "SMS01""#,
            r#"database_server = "SEC99""#,
        ),
    ]);
    assert_eq!(codes("case.toml", &text), ["E021", "E021", "E005"]);
}
