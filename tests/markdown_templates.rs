//! Templates: overriding a partial from a folder, located errors, `cmplan templates export`.

mod markdown_support;

use std::fs;

use assert_cmd::Command;
use cmplan::render::{markdown, RenderContext};
use cmplan::templates::{Templates, DEFAULTS};
use markdown_support::sample_plan;

fn ctx_with(dir: &std::path::Path) -> RenderContext {
    RenderContext {
        templates: Templates::with_overrides(dir),
        ..RenderContext::default()
    }
}

#[test]
fn a_partial_in_the_templates_folder_replaces_the_default() {
    let plan = sample_plan();
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("signoff.md.hbs"),
        "**Phase {{number}} approved by the site owner of {{@root.organisation}}**\n\n\
         | Role | Name | Date | Signature |\n|---|---|---|---|\n| Site owner |  |  |  |\n",
    )
    .unwrap();
    let custom = markdown::render(&plan, &ctx_with(dir.path())).unwrap();
    let default = markdown::render(&plan, &RenderContext::default()).unwrap();
    assert!(default.contains("**Sign-off, phase 1:**"));
    assert!(!custom.contains("Sign-off, phase"));
    for n in 1..=plan.phases.len() {
        assert!(custom.contains(&format!(
            "**Phase {n} approved by the site owner of Contoso Ltd**"
        )));
    }
    assert_eq!(custom.matches("| Site owner |").count(), plan.phases.len());
    // Everything else still comes from the embedded defaults.
    assert!(custom.contains("# Hierarchy") && custom.contains("# Approval"));
}

#[test]
fn a_folder_may_add_partials_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (main, _) = Templates::embedded().get("plan.md.hbs").unwrap();
    let main = main.replace("{{> approval}}", "{{> local-notes}}\n\n{{> approval}}");
    fs::write(dir.path().join("plan.md.hbs"), main).unwrap();
    fs::write(
        dir.path().join("local-notes.md.hbs"),
        "# Local notes\n\nCall the service desk before {{date}}.\n",
    )
    .unwrap();
    let text = markdown::render(&sample_plan(), &ctx_with(dir.path())).unwrap();
    assert!(text.contains("# Local notes\n\nCall the service desk before 2027-03-01.\n\n"));
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("phase.md.hbs"),
        "# Phase {{number}}: {{title}}\n\n{{#each tasks}}\n{{> task}}\n",
    )
    .unwrap();
    let err = markdown::render(&sample_plan(), &ctx_with(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("phase.md.hbs"), "{err}");
    assert!(
        err.contains(&dir.path().join("phase.md.hbs").display().to_string()),
        "{err}"
    );
    assert!(err.contains("line "), "{err}");
}

#[test]
fn a_missing_field_is_an_error_not_an_empty_string() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("task.md.hbs"),
        "- [ ] **{{id}}** {{title}}\n  owner: {{task_owner}}\n",
    )
    .unwrap();
    let err = markdown::render(&sample_plan(), &ctx_with(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("task.md.hbs"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("task_owner"), "{err}");
    // The offending line is shown.
    assert!(err.contains("    2 |   owner: {{task_owner}}"), "{err}");
}

#[test]
fn templates_export_writes_the_defaults_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my-templates");
    Command::cargo_bin("cmplan")
        .unwrap()
        .args(["templates", "export"])
        .arg(&out)
        .assert()
        .success();
    for (name, text) in DEFAULTS {
        assert_eq!(&fs::read_to_string(out.join(name)).unwrap(), text, "{name}");
    }
    // The exported folder, used as overrides, gives the same plan as the embedded defaults.
    let plan = sample_plan();
    assert_eq!(
        markdown::render(&plan, &ctx_with(&out)).unwrap(),
        markdown::render(&plan, &RenderContext::default()).unwrap()
    );

    // An edited template survives a second export without --force, and nothing is written.
    fs::write(out.join("cover.md.hbs"), "# {{title}}\nedited\n").unwrap();
    fs::remove_file(out.join("phase.md.hbs")).unwrap();
    let assert = Command::cargo_bin("cmplan")
        .unwrap()
        .args(["templates", "export"])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("cover.md.hbs") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(out.join("cover.md.hbs")).unwrap(),
        "# {{title}}\nedited\n"
    );
    assert!(!out.join("phase.md.hbs").exists());

    Command::cargo_bin("cmplan")
        .unwrap()
        .args(["templates", "export", "--force"])
        .arg(&out)
        .assert()
        .success();
    let (cover, _) = Templates::embedded().get("cover.md.hbs").unwrap();
    assert_eq!(fs::read_to_string(out.join("cover.md.hbs")).unwrap(), cover);
    assert!(out.join("phase.md.hbs").exists());
}
