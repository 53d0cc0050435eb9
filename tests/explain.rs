//! `cmplan explain` and docs/rules.md: every code a user meets is explained with its source, the
//! file cannot go stale, and an unknown code is a clear usage error.

use assert_cmd::Command;

fn cmplan() -> Command {
    Command::cargo_bin("cmplan").unwrap()
}

#[test]
fn docs_rules_md_is_what_the_generator_writes() {
    let on_disk = std::fs::read_to_string("docs/rules.md").expect("docs/rules.md exists");
    assert!(
        on_disk == cmplan::explain::rules_markdown(),
        "docs/rules.md is stale: regenerate it with `cargo run -- explain --all > docs/rules.md`"
    );
    let out = cmplan().args(["explain", "--all"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), on_disk);
}

#[test]
fn every_code_is_listed_with_what_it_means_and_a_source() {
    use cmplan::plan::findings::RuleCode;
    let doc = cmplan::explain::rules_markdown();
    for &c in RuleCode::ALL {
        let info = c.info();
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", info.code)))
            .unwrap_or_else(|| panic!("{} is not in docs/rules.md", info.code));
        let url = cmplan::plan::sources::source(info.source).unwrap().url;
        assert!(row.contains(&url), "{row}");
        assert!(row.contains(info.meaning), "{row}");
    }
    for &c in cmplan::explain::DIAGNOSTICS {
        assert!(
            doc.lines().any(|l| l.starts_with(&format!("| `{c}` |"))),
            "{c} is not in docs/rules.md"
        );
    }
    // Every finding the examples produce is explained.
    for path in ["examples/contoso.toml", "examples/fabrikam.toml"] {
        let env = cmplan::input::load(std::path::Path::new(path)).unwrap();
        let opts = cmplan::plan::PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: cmplan::templates::Templates::embedded(),
        };
        for f in cmplan::plan::build(&env, &opts).unwrap().findings {
            assert!(doc.contains(&format!("| `{}` |", f.code)), "{}", f.code);
        }
    }
}

#[test]
fn explain_prints_a_code_in_any_case_with_its_source() {
    let out = cmplan()
        .args(["explain", "chk-secparent"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("CHK-SECPARENT — Advanced-security site under a standard-security parent"),
        "{text}"
    );
    assert!(text.contains("cc987808"), "{text}");
    let out = cmplan().args(["explain", "E021"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("A reference to a server that is not described."),
        "{text}"
    );
    // A retired code says what reports it now.
    let out = cmplan().args(["explain", "CHK-DISK-DB"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("CHK-DISK-DB is retired and now reported as CHK-DISK-SERVER."),
        "{text}"
    );
}

#[test]
fn an_unknown_code_is_a_usage_error_naming_the_codes() {
    let out = cmplan().args(["explain", "CHK-NOPE"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: unknown code `CHK-NOPE`"), "{err}");
    assert!(
        err.contains("CHK-DISK-SERVER") && err.contains("E000–E0"),
        "{err}"
    );
    assert!(err.contains("docs/rules.md"), "{err}");
}
