//! The Markdown and HTML of the real plan for examples/contoso.toml (planning engine included),
//! read back as a person would check it, and through the command line.

mod markdown_support;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::render::{markdown, RenderContext};
use cmplan::templates::Templates;
use markdown_support::{level1, parse, raw_cells};

fn contoso() -> Plan {
    let env = cmplan::input::load(Path::new("examples/contoso.toml")).expect("contoso is valid");
    plan::build(
        &env,
        &PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: Templates::embedded(),
        },
    )
    .expect("contoso plans")
}

#[test]
fn every_contoso_task_once_in_order_and_every_table_square() {
    let plan = contoso();
    let text = markdown::render(&plan, &RenderContext::default()).unwrap();
    let doc = parse(&text);

    let ids: Vec<&str> = doc
        .items
        .iter()
        .filter(|(marker, _)| marker.is_some())
        .map(|(_, t)| t.split_whitespace().next().unwrap())
        .collect();
    // Every task once, in order; its checklist items nested under it, in order.
    let tasks: Vec<&str> = ids.iter().copied().filter(|i| !i.contains('/')).collect();
    let items: Vec<&str> = ids.iter().copied().filter(|i| i.contains('/')).collect();
    let expected: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
    assert!(expected.len() > 40);
    assert_eq!(tasks, expected);
    let expected_items: Vec<&str> = plan
        .tasks()
        .flat_map(|t| t.items.iter().map(|i| i.id.as_str()))
        .collect();
    assert_eq!(items, expected_items);
    assert!(text.contains("  - [ ] **PREPARE-NYC/NYC-SMS01** NYC-SMS01 (site server"));

    for range in &doc.table_ranges {
        let lines: Vec<&str> = text[range.clone()].lines().collect();
        for line in &lines {
            assert_eq!(raw_cells(line), raw_cells(lines[0]), "row `{line}`");
        }
    }

    let headings = level1(&doc);
    assert_eq!(headings[0], plan.title);
    for (i, phase) in plan.phases.iter().enumerate() {
        assert!(headings.contains(&format!("Phase {}: {}", i + 1, phase.title).as_str()));
    }
    assert_eq!(headings.last(), Some(&"Approval"));

    // Every finding is listed once, under its severity, with its source's address.
    for finding in &plan.findings {
        let item = doc
            .items
            .iter()
            .filter(|(_, t)| {
                t.starts_with(&format!("{},", finding.code))
                    || t.starts_with(&format!("{}:", finding.code))
            })
            .find(|(_, t)| t.contains(&finding.message))
            .unwrap_or_else(|| panic!("{} {}", finding.code, finding.message));
        let url = finding
            .source
            .url
            .split([' ', ';'])
            .find(|u| !u.is_empty())
            .unwrap();
        assert!(item.1.contains(url), "{}", finding.code);
    }
    // Each server's disk need, its free space and shortfall are in the disk table, and its
    // parts with their sum beside it.
    let disk = doc.tables.iter().find(|t| t[0][0] == "Server").unwrap();
    let mut with_disk = 0;
    for server in &plan.servers {
        let Some(d) = &server.disk else { continue };
        with_disk += 1;
        let row = disk.iter().find(|r| r[0] == server.name).unwrap();
        assert_eq!(row[1], cmplan::numbers::fmt_num(d.needed_mb));
        match d.shortfall_mb {
            Some(x) if x > 0.0 => assert_eq!(row[3], cmplan::numbers::fmt_num(x)),
            Some(_) => assert_eq!(row[3], "none"),
            None => assert_eq!(row[3], "unknown"),
        }
        let item = doc
            .items
            .iter()
            .find(|(_, t)| t.starts_with(&format!("{}:", server.name)))
            .unwrap_or_else(|| panic!("no disk item for {}", server.name));
        assert!(item.1.contains(&d.sum_text()), "{}", item.1);
    }
    assert_eq!(disk.len(), with_disk + 1);
}

#[test]
fn generate_writes_identical_markdown_and_html_every_time_and_honours_templates() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        Command::cargo_bin("cmplan")
            .unwrap()
            .args([
                "generate",
                "examples/contoso.toml",
                "-f",
                "md,html",
                "--date",
                "2027-03-01",
                "-o",
            ])
            .arg(out)
            .args(extra)
            .assert()
            .success();
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a, &[]);
    run(&b, &[]);
    for file in ["contoso.md", "contoso.html"] {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    let md = fs::read_to_string(a.join("contoso.md")).unwrap();
    assert!(md.contains("**Plan date:** 2027-03-01"));

    // A custom sign-off partial changes both outputs.
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    fs::write(
        templates.join("signoff.md.hbs"),
        "| Role | Name | Date | Signature |\n|---|---|---|---|\n| Contoso site owner |  |  |  |\n",
    )
    .unwrap();
    let c = dir.path().join("c");
    run(&c, &["--templates", templates.to_str().unwrap()]);
    let md = fs::read_to_string(c.join("contoso.md")).unwrap();
    let html = fs::read_to_string(c.join("contoso.html")).unwrap();
    let phases = contoso().phases.len();
    assert_eq!(md.matches("| Contoso site owner |").count(), phases);
    assert_eq!(html.matches("<td>Contoso site owner</td>").count(), phases);
    assert!(!md.contains("Sign-off, phase"));
}

#[test]
fn a_broken_template_fails_generate_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("phase.md.hbs"), "# {{titel}}\n").unwrap();
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("cmplan")
        .unwrap()
        .args(["generate", "examples/contoso.toml", "-f", "md", "-o"])
        .arg(&out)
        .arg("--templates")
        .arg(dir.path())
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("phase.md.hbs") && stderr.contains("line 1") && stderr.contains("titel"),
        "{stderr}"
    );
    assert!(!out.join("contoso.md").exists(), "nothing written");
}

/// The whole of contoso's Markdown, so that wording and order changes are visible in review.
#[test]
fn contoso_markdown_snapshot() {
    let plan = contoso();
    let text = markdown::render(&plan, &RenderContext::default()).unwrap();
    insta::assert_snapshot!("contoso_markdown", text);
}

#[test]
fn the_markdown_file_lists_its_sections_and_links_the_diagram() {
    let plan = contoso();
    let ctx = cmplan::render::RenderContext {
        diagram_file: Some("contoso-hierarchy.svg".into()),
        ..Default::default()
    };
    let md =
        String::from_utf8(cmplan::render::render(cmplan::render::Format::Md, &plan, &ctx).unwrap())
            .unwrap();
    let first_break = md.find("<!-- pagebreak -->").unwrap();
    let contents = &md[md.find("**Contents**").unwrap()..first_break];
    assert!(contents.contains("1. [Summary](#summary)"), "{contents}");
    assert!(contents.contains("1. [Hierarchy](#hierarchy)"));
    assert!(
        contents.contains("1. [Phase 2: Hierarchy preparation](#phase-2-hierarchy-preparation)")
    );
    assert!(
        !contents.contains(&format!("[{}]", plan.title)),
        "not the title"
    );
    assert!(contents.contains("[contoso-hierarchy.svg](contoso-hierarchy.svg)"));
    // One entry per section heading.
    let sections = md[first_break..]
        .lines()
        .filter(|l| l.starts_with("# "))
        .count();
    assert_eq!(contents.matches("\n1. [").count(), sections);
}
