//! Invalid descriptions: each fixture in `tests/fixtures/invalid/` has one class of problem (plus
//! `multiple_problems.*`, several at once). The codes and locations are asserted here; the full
//! rendered report (wording, snippet, caret, hint) is snapshotted, so a regression in either shows.

use std::collections::BTreeSet;
use std::path::Path;

use cmplan::input::{self, InputError};

/// (code, line, column) of one expected diagnostic.
type At = (&'static str, usize, usize);

/// Fixture → every (code, line, column) it must report, in file order.
const EXPECTED: &[(&str, &[At])] = &[
    ("e001_json_trailing_comma.json", &[("E001", 25, 20)]),
    ("e001_toml_duplicate_key.toml", &[("E001", 24, 1)]),
    ("e001_toml_unclosed_string.toml", &[("E001", 17, 17)]),
    // toml's recovering parser goes on after the first syntax error.
    (
        "e001_toml_several_syntax_errors.toml",
        &[("E001", 3, 10), ("E001", 17, 14)],
    ),
    ("e002_not_utf8.toml", &[("E002", 17, 10)]),
    ("e003_key_in_wrong_table.toml", &[("E003", 14, 1)]),
    ("e003_unknown_key.json", &[("E003", 25, 7)]),
    ("e003_unknown_key.toml", &[("E003", 23, 1)]),
    ("e003_top_level_key_in_table.toml", &[("E003", 7, 1)]),
    ("e003_unknown_table.toml", &[("E003", 38, 3)]),
    ("e004_missing_key.toml", &[("E004", 15, 1)]),
    ("e004_empty_site_list.json", &[("E004", 3, 11)]),
    ("e004_no_plan.toml", &[("E004", 1, 1)]),
    ("e004_no_site.toml", &[("E004", 1, 1)]),
    ("e005_quoted_number.toml", &[("E005", 23, 11)]),
    ("e005_roles_not_a_list.toml", &[("E005", 36, 9)]),
    ("e005_site_as_table.toml", &[("E005", 5, 1)]),
    ("e005_string_for_bool.toml", &[("E005", 37, 10)]),
    ("e006_unknown_os.toml", &[("E006", 35, 6)]),
    ("e006_unknown_role.toml", &[("E006", 36, 32)]),
    ("e006_unknown_scope.toml", &[("E006", 43, 9)]),
    ("e006_upper_case_value.toml", &[("E006", 18, 8)]),
    // `plan.client_method` outside the methods the plan's texts describe.
    ("e006_unknown_client_method.toml", &[("E006", 4, 17)]),
    // Weekdays are an enumeration like the others: exact and lower case.
    (
        "e006_weekday_capitalised.toml",
        &[("E006", 7, 13), ("E006", 7, 34)],
    ),
    ("e007_infinite_disk.toml", &[("E007", 37, 16)]),
    ("e007_nan_size.toml", &[("E007", 14, 20)]),
    ("e007_negative_disk.toml", &[("E007", 37, 16)]),
    ("e007_zero_per_client.toml", &[("E007", 39, 26)]),
    ("e008_fractional_clients.json", &[("E008", 25, 18)]),
    ("e008_fractional_clients.toml", &[("E008", 23, 11)]),
    ("e009_overflow.json", &[("E009", 25, 18)]),
    ("e009_overflow.toml", &[("E009", 23, 18)]),
    ("e010_lower_case_parent.json", &[("E010", 21, 17)]),
    ("e010_lower_case_parent.toml", &[("E010", 19, 10)]),
    // The malformed code is written twice: as the site's code and as its server's `site`.
    (
        "e010_site_code_too_long.toml",
        &[("E010", 16, 8), ("E010", 34, 8)],
    ),
    ("e011_duplicate_site_code.toml", &[("E011", 39, 8)]),
    ("e012_duplicate_server_name.toml", &[("E012", 39, 8)]),
    // The central site was given a parent that does not exist: both facts are reported.
    (
        "e013_no_central_site.toml",
        &[("E013", 5, 1), ("E016", 13, 10)],
    ),
    ("e014_two_central_sites.toml", &[("E014", 39, 8)]),
    ("e015_secondary_central.toml", &[("E015", 8, 8)]),
    ("e016_unknown_parent.toml", &[("E016", 19, 10)]),
    ("e017_cycle.toml", &[("E017", 42, 10)]),
    ("e017_own_parent.toml", &[("E017", 42, 10)]),
    ("e018_secondary_as_parent.toml", &[("E018", 42, 10)]),
    ("e019_secondary_with_database.toml", &[("E019", 23, 19)]),
    ("e020_primary_without_database.toml", &[("E020", 8, 8)]),
    ("e021_unknown_server.toml", &[("E021", 22, 15)]),
    ("e022_database_server_without_sql.json", &[("E022", 30, 15)]),
    ("e022_database_server_without_sql.toml", &[("E022", 26, 8)]),
    ("e023_server_site_unknown.toml", &[("E023", 40, 8)]),
    ("e024_roles_without_site.toml", &[("E024", 41, 9)]),
    ("e025_custom_task_after.toml", &[("E025", 42, 9)]),
    ("e025_custom_task_id.toml", &[("E025", 39, 6)]),
    ("e026_custom_task_duplicate.toml", &[("E026", 45, 6)]),
    ("e027_json_duplicate_key.json", &[("E027", 20, 7)]),
    ("e028_empty_name.toml", &[("E028", 17, 8)]),
    ("e029_shared_site_server.toml", &[("E029", 22, 15)]),
    ("e030_site_server_of_other_site.toml", &[("E030", 34, 8)]),
    // An impossible day as `plan.start`, a date without leading zeros among the blackout days.
    ("e031_bad_date.toml", &[("E031", 4, 9), ("E031", 7, 27)]),
    ("e032_no_weekdays.toml", &[("E032", 7, 12)]),
    // `computer = "ADMIN01 "`: rejected, not trimmed (it would be the task ID `CONSOLE-UPG-ADMIN01 `).
    ("e033_computer_name_whitespace.toml", &[("E033", 6, 12)]),
    // A zero-width space and a right-to-left mark: characters, but nothing to read.
    ("e034_invisible_name.toml", &[("E034", 17, 8)]),
    // An ANSI colour sequence (ESC) in the title.
    ("e035_control_character.json", &[("E035", 3, 14)]),
    // A clipboard-writing escape and a clear-screen in feature-pack names (free text like any).
    (
        "e035_feature_pack_escape.toml",
        &[("E035", 18, 26), ("E035", 18, 55)],
    ),
    // `after` a kind that does not exist (did you mean SITE-UPG?), `before` another custom task.
    (
        "e038_custom_task_unknown_kind.toml",
        &[("E038", 42, 9), ("E038", 48, 10)],
    ),
    (
        "e039_custom_task_after_and_before.toml",
        &[("E039", 43, 10)],
    ),
    // A site name of 360 characters: names may have 256.
    ("e036_name_too_long.toml", &[("E036", 17, 8)]),
    // `[schedule.days] CLIENT-UPG`: the per-1,000-clients rule decides that duration.
    ("e040_client_upgrade_days.toml", &[("E040", 11, 1)]),
    // BOS (wave 2) below NYC (wave 3): pointed at, with the parent's wave beside it.
    ("e041_wave_before_parent.toml", &[("E041", 36, 8)]),
    ("e042_unknown_pilot.toml", &[("E042", 4, 9)]),
    // `[schedule]`: a misspelt weekday, an absurd duration, an unknown task kind, a fraction.
    (
        "schedule_problems.toml",
        &[
            ("E006", 7, 34),
            ("E007", 8, 24),
            ("E003", 11, 1),
            ("E008", 12, 15),
        ],
    ),
    (
        "multiple_problems.json",
        &[("E006", 4, 15), ("E019", 27, 26), ("E005", 46, 9)],
    ),
    (
        "multiple_problems.toml",
        &[
            ("E006", 3, 10),
            ("E007", 13, 11),
            ("E016", 19, 10),
            ("E021", 22, 15),
            ("E019", 23, 19),
            ("E005", 38, 8),
            ("E005", 39, 16),
            ("E012", 42, 8),
        ],
    ),
];

fn load_fixture(name: &str) -> InputError {
    // A relative, '/'-separated name, so the snapshots do not depend on the machine.
    let label = format!("tests/fixtures/invalid/{name}");
    let bytes = std::fs::read(&label).unwrap_or_else(|e| panic!("{label}: {e}"));
    match input::load_bytes(&label, &bytes) {
        Ok(_) => panic!("{label} was accepted"),
        Err(err) => err,
    }
}

#[test]
fn every_fixture_reports_its_problems_where_they_are() {
    for (name, expected) in EXPECTED {
        let err = load_fixture(name);
        let got: Vec<(String, usize, usize)> = err.locations();
        let want: Vec<(String, usize, usize)> = expected
            .iter()
            .map(|(c, l, col)| (c.to_string(), *l, *col))
            .collect();
        assert_eq!(got, want, "{name}");
        for d in &err.diagnostics {
            assert!(d.hint.is_some(), "{name}: {} has no hint", d.code);
            assert_eq!(d.file, format!("tests/fixtures/invalid/{name}"));
        }
    }
}

#[test]
fn every_fixture_is_listed_and_every_code_is_exercised() {
    let on_disk: BTreeSet<String> = std::fs::read_dir("tests/fixtures/invalid")
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let listed: BTreeSet<String> = EXPECTED.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed);
    assert!(on_disk.len() >= 25);
    let codes: BTreeSet<&str> = EXPECTED
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(c, _, _)| *c))
        .collect();
    // E037 (a file over 64 MiB) is too large to commit: `a_file_over_the_size_limit_is_e037`.
    let all: BTreeSet<String> = (1..=42)
        .filter(|&n| n != 37)
        .map(|n| format!("E{n:03}"))
        .collect();
    let all: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    assert_eq!(codes, all);
}

#[test]
fn rendered_reports_match_their_snapshots() {
    for (name, _) in EXPECTED {
        let report = load_fixture(name).render(false);
        insta::assert_snapshot!(*name, report);
    }
}

#[test]
fn colour_is_only_added_when_asked_for() {
    let err = load_fixture("multiple_problems.toml");
    assert!(!err.render(false).contains('\u{1b}'));
    assert!(err.render(true).contains('\u{1b}'));
}

#[test]
fn an_unreadable_file_is_reported_without_a_location() {
    let err = input::load(Path::new("tests/fixtures/no-such-file.toml")).unwrap_err();
    assert_eq!(err.codes(), ["E000"]);
    assert_eq!(err.locations(), [("E000".to_string(), 0, 0)]);
    assert!(err
        .render(false)
        .contains("cannot read tests/fixtures/no-such-file.toml"));
}

#[test]
fn a_file_over_the_size_limit_is_e037() {
    let mut text = std::fs::read_to_string("examples/minimal.toml").unwrap();
    text.push_str(&format!("# {}\n", "x".repeat(input::MAX_FILE_BYTES)));
    let err = input::load_bytes("huge.toml", text.as_bytes()).unwrap_err();
    assert_eq!(err.locations(), [("E037".to_string(), 1, 1)]);
    assert!(err.render(false).contains("larger than 64 MiB"));
    // Read from disk, the file is not held in memory whole first.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    std::fs::write(&path, &text).unwrap();
    let err = input::load(&path).unwrap_err();
    assert_eq!(err.codes(), ["E037"]);
}

#[test]
fn no_byte_of_the_input_reaches_the_terminal_raw() {
    // Raw escapes in a TOML file (E001) and escaped ones in a feature pack (E035).
    let raw = "a = \"x\u{1b}]52;c;aGk=\u{7}\"\u{1b}[2J\n";
    let err = input::load_bytes("esc.toml", raw.as_bytes()).unwrap_err();
    let report = err.render(false);
    assert!(
        !report.contains('\u{1b}') && !report.contains('\u{7}'),
        "{report}"
    );
    assert!(
        report.contains("a = \"x\u{241b}]52;c;aGk=\u{2407}\"\u{241b}[2J"),
        "{report}"
    );
    // The caret stays under the character it points at: column 7, the ESC.
    assert!(report.contains("[esc.toml:1:7]"), "{report}");
    let line = report.lines().find(|l| l.contains('┬')).unwrap();
    let caret = line.chars().position(|c| c == '┬').unwrap();
    let source = report.lines().find(|l| l.contains("a = ")).unwrap();
    let esc = source.chars().position(|c| c == '\u{241b}').unwrap();
    assert_eq!(caret, esc, "{report}");
    let err = load_fixture("e035_feature_pack_escape.toml");
    let report = err.render(true);
    assert!(
        !report.contains("\u{1b}]52") && !report.contains("\u{1b}[2J"),
        "{report}"
    );
}

#[test]
fn old_mac_line_endings_and_deep_dotted_headers_are_located_with_a_hint() {
    let cr = "[plan]\rtitle = \"x\"\rtarget = \"sp1\"\r";
    let err = input::load_bytes("cr.toml", cr.as_bytes()).unwrap_err();
    assert_eq!(err.codes(), ["E001"], "one problem, not one per line");
    let (_, line, _) = &err.locations()[0];
    assert_eq!(*line, 1);
    assert!(err.render(false).contains("old Mac line endings"));
    let dotted = format!(
        "[plan]\ntitle = \"x\"\n[{}]\n",
        vec!["a"; 100_000].join(".")
    );
    let err = input::load_bytes("dot.toml", dotted.as_bytes()).unwrap_err();
    assert_eq!(err.locations(), [("E001".to_string(), 3, 1)]);
    assert!(err.render(false).contains("dotted parts"));
}

/// The source lines a rendered report draws (`  12 │ …`).
fn drawn_lines(report: &str) -> Vec<usize> {
    report
        .lines()
        .filter_map(|l| {
            let (n, _) = l.split_once(" │ ").or_else(|| l.split_once(" │"))?;
            n.trim().parse().ok()
        })
        .collect()
}

#[test]
fn a_report_draws_a_few_lines_around_each_place_however_far_apart() {
    // The same site code 300 lines after the first: two places, one report.
    let mut text = std::fs::read_to_string("examples/minimal.toml").unwrap();
    for i in 0..60 {
        text.push_str(&format!("\n[[console]]\ncomputer = \"ADMIN{i:02}\"\n\n\n"));
    }
    let site = text
        .split("[[site]]")
        .nth(1)
        .unwrap()
        .split("\n[[")
        .next()
        .unwrap()
        .to_string();
    text.push_str(&format!("\n[[site]]{site}"));
    let err = input::load_bytes("far.toml", text.as_bytes()).unwrap_err();
    let report = err.render(false);
    let e011 = report
        .split("\n\n")
        .find(|r| r.contains("E011"))
        .unwrap_or_else(|| panic!("{report}"));
    let lines = drawn_lines(e011);
    assert!(lines.len() <= 8, "{} lines drawn:\n{e011}", lines.len());
    // Both places are shown, each with its own location.
    let places: Vec<usize> = err
        .diagnostics
        .iter()
        .filter(|d| d.code.to_string() == "E011")
        .flat_map(|d| {
            let first = text[..d.related[0].span.start].lines().count();
            [d.location.unwrap().0, first]
        })
        .collect();
    for line in &places {
        assert!(lines.contains(line), "line {line} not drawn:\n{e011}");
    }
    assert!(places[0] - places[1] > 200);
    // The fixtures whose labels lie apart draw no line far from one.
    for name in ["e017_cycle.toml", "e029_shared_site_server.toml"] {
        let err = load_fixture(name);
        let d = &err.diagnostics[0];
        let text = std::fs::read_to_string(format!("tests/fixtures/invalid/{name}")).unwrap();
        let at: Vec<usize> = std::iter::once(d.span.clone().unwrap())
            .chain(d.related.iter().map(|r| r.span.clone()))
            .map(|s| text[..s.start].lines().count().max(1))
            .collect();
        for line in drawn_lines(&err.render(false)) {
            assert!(
                at.iter().any(|a| a.abs_diff(line) <= 1),
                "{name}: line {line} drawn, labels at {at:?}"
            );
        }
    }
}

#[test]
fn did_you_mean_never_suggests_a_schedule_key_that_does_nothing() {
    let text = std::fs::read_to_string("tests/fixtures/invalid/e040_client_upgrade_days.toml")
        .unwrap()
        .replace("CLIENT-UPG = 5", "CLIENT-UPGG = 5");
    let err = input::load_bytes("typo.toml", text.as_bytes()).unwrap_err();
    assert_eq!(err.codes(), ["E003"]);
    let hint = err.diagnostics[0].hint.as_deref().unwrap();
    assert!(!hint.contains("`CLIENT-UPG`"), "{hint}");
    // The JSON Schema offers the same keys as the validator.
    assert!(!input::schema::json_schema().contains("\"CLIENT-UPG\""));
}

#[test]
fn a_server_no_site_uses_is_a_located_warning_not_an_error() {
    let text = format!(
        "{}\n[[server]]\nname = \"OLD-SQL02\"\nos = \"windows-2003-sp2\"\nsql = \"sql2005-sp2\"\n",
        std::fs::read_to_string("examples/minimal.toml").unwrap()
    );
    let (env, warnings) = input::load_bytes_checked("spare.toml", text.as_bytes())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(warnings.codes(), ["W001"]);
    let d = &warnings.diagnostics[0];
    assert_eq!(d.severity, input::Severity::Warning);
    let line = text.lines().position(|l| l.contains("OLD-SQL02")).unwrap() + 1;
    assert_eq!(d.location, Some((line, 8)));
    let report = warnings.render(false);
    assert!(
        report.contains("SQL Server OLD-SQL02 hosts no site database"),
        "{report}"
    );
    assert!(report.contains(&format!("spare.toml:{line}:8")), "{report}");
    assert!(env.servers.iter().any(|s| s.name == "OLD-SQL02"));
    // With errors in the description, no warning is added to them.
    let broken = text.replace("target = \"sp2\"", "target = \"sp9\"");
    let err = input::load_bytes("spare.toml", broken.as_bytes()).unwrap_err();
    assert!(!err.codes().contains(&"W001".to_string()));
    // The examples use every server they describe.
    for example in [
        "contoso.toml",
        "fabrikam.toml",
        "minimal.toml",
        "contoso-rev2.toml",
    ] {
        let (_, w) = input::load_checked(Path::new(&format!("examples/{example}"))).unwrap();
        assert!(w.is_empty(), "{example}: {}", w.render(false));
    }
}

#[test]
fn retired_kind_names_in_schedule_days_set_the_kind_that_does_their_work() {
    let text = std::fs::read_to_string("tests/fixtures/invalid/e040_client_upgrade_days.toml")
        .unwrap()
        .replace("CLIENT-UPG = 5", "PREP-HW = 2\nPREP-OS = 3");
    let env = input::load_bytes("retired.toml", text.as_bytes())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let days = &env.schedule.as_ref().unwrap().days;
    assert_eq!(days.get("PREPARE"), Some(&5));
    assert!(!days.contains_key("PREP-HW"));
    // The kind's own name wins over its retired names.
    let text = text.replace("PREP-OS = 3", "PREP-OS = 3\nPREPARE = 1");
    let env = input::load_bytes("retired.toml", text.as_bytes()).unwrap();
    assert_eq!(env.schedule.as_ref().unwrap().days.get("PREPARE"), Some(&1));
}
