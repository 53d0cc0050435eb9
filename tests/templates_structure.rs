//! Template folders whose partials include each other, or whose blocks nest thousands deep, are
//! a located error naming the templates, never a stack overflow.

use std::path::Path;
use std::process::Command;

fn generate_with(templates: &Path) -> std::process::Output {
    let out = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_cmplan"))
        .arg("generate")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/minimal.toml"))
        .arg("-o")
        .arg(out.path())
        .args(["-f", "md", "--date", "2027-03-01", "--templates"])
        .arg(templates)
        .output()
        .unwrap()
}

#[test]
fn partial_cycles_and_deep_nesting_are_located_errors() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("phase.md.hbs", "# {{title}}\n{{> task}}\n"),
                ("task.md.hbs", "{{> phase}}\n"),
            ],
            "phase.md.hbs → task.md.hbs → phase.md.hbs",
        ),
        (
            &[
                ("phase.md.hbs", "{{> task}}\n"),
                ("task.md.hbs", "{{> signoff}}\n"),
                ("signoff.md.hbs", "text\n{{> phase}}\n"),
            ],
            "phase.md.hbs → task.md.hbs → signoff.md.hbs → phase.md.hbs",
        ),
    ];
    for (files, cycle) in cases {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in *files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let out = generate_with(dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(cycle), "{stderr}");
        assert!(stderr.contains("line "), "{stderr}");
    }
    let dir = tempfile::tempdir().unwrap();
    let deep = "{{#if title}}\n".repeat(5000) + &"{{/if}}\n".repeat(5000);
    std::fs::write(dir.path().join("plan.md.hbs"), deep).unwrap();
    let out = generate_with(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("plan.md.hbs"), "{stderr}");
    assert!(stderr.contains("nest more than"), "{stderr}");
}
