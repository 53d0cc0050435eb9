//! The Markdown plan, parsed back with pulldown-cmark: structure, order, escaping.

mod markdown_support;

use cmplan::plan::Plan;
use cmplan::render::{html, markdown, RenderContext};
use markdown_support::{
    hostile_name, hostile_plan, level1, long_token, parse, raw_cells, regenerated_plan,
    sample_plan, shape,
};
use pulldown_cmark::HeadingLevel;

fn render(plan: &Plan) -> String {
    markdown::render(plan, &RenderContext::default()).expect("the default templates render")
}

#[test]
fn every_task_is_one_task_list_item_in_plan_order() {
    let plan = sample_plan();
    let doc = parse(&render(&plan));
    let task_items: Vec<&String> = doc
        .items
        .iter()
        .filter(|(marker, _)| marker.is_some())
        .map(|(_, text)| text)
        .collect();
    let ids_in_doc: Vec<&str> = task_items
        .iter()
        .map(|t| t.split_whitespace().next().unwrap())
        .collect();
    let ids_in_plan: Vec<&str> = plan.tasks().map(|t| t.id.as_str()).collect();
    assert_eq!(ids_in_doc, ids_in_plan);

    // Exactly once: no other list item or table cell starts with a task ID.
    for id in &ids_in_plan {
        let in_items = doc
            .items
            .iter()
            .filter(|(_, text)| text.split_whitespace().next() == Some(id))
            .count();
        let in_cells = doc
            .tables
            .iter()
            .flatten()
            .flatten()
            .filter(|c| c.split_whitespace().next() == Some(id))
            .count();
        assert_eq!((in_items, in_cells), (1, 0), "{id}");
    }

    // Each task item carries its title, expected result and dependencies.
    let upgrade_lon = task_items
        .iter()
        .find(|t| t.starts_with("SITE-UPG-LON "))
        .unwrap();
    assert!(upgrade_lon.contains("Upgrade LON"));
    assert!(upgrade_lon.contains("After: SITE-UPG-CEN, SECMODE-LON"));
    assert!(upgrade_lon.contains("Expected result: Upgrade LON: done, and the site status is OK"));
    assert!(upgrade_lon.contains("site LON (London), server LON-SMS01"));
}

#[test]
fn sections_phases_page_breaks_and_sign_offs() {
    let plan = sample_plan();
    let text = render(&plan);
    let doc = parse(&text);
    assert_eq!(
        level1(&doc),
        [
            "Contoso SMS 2003 to Configuration Manager 2007 upgrade",
            "Summary",
            "Hierarchy",
            "Disk estimates",
            "Findings",
            "Phase 1: Prepare the hierarchy",
            "Phase 2: Upgrade the central site",
            "Phase 3: Upgrade the child sites",
            "Assumptions",
            "References",
            "Approval",
        ]
    );
    // The cover (title block) is what comes before the first page break.
    let cover = text.split("\n<!-- pagebreak -->\n").next().unwrap();
    assert!(cover.contains("CHG-2027-0042") && cover.contains("Jane Planner"));
    assert!(cover.contains("**Revision:** 1"));
    assert!(cover.contains(&plan.input_digest));
    // Each phase starts on a new page.
    for (i, phase) in plan.phases.iter().enumerate() {
        let heading = format!(
            "\n<!-- pagebreak -->\n\n# Phase {}: {}\n",
            i + 1,
            phase.title
        );
        assert!(text.contains(&heading), "{heading}");
    }
    assert!(doc.html.iter().all(|h| h == "<!-- pagebreak -->"));
    // (one more break before Assumptions and References)
    assert_eq!(doc.html.len(), 4 + plan.phases.len());

    // One sign-off table per phase, then the change board's approval table last.
    let sign_off_header = ["Role", "Name", "Date", "Signature"];
    let sign_offs: Vec<_> = doc
        .tables
        .iter()
        .filter(|t| t[0] == sign_off_header)
        .collect();
    assert_eq!(sign_offs.len(), plan.phases.len() + 1);
    let approval = doc.tables.last().unwrap();
    assert_eq!(approval[0], sign_off_header);
    assert_eq!(approval[1][..2], ["Prepared by", "Jane Planner"]);
}

#[test]
fn every_table_row_has_the_header_column_count() {
    for plan in [sample_plan(), hostile_plan(), regenerated_plan()] {
        let text = render(&plan);
        let doc = parse(&text);
        assert!(doc.tables.len() >= 8);
        // pulldown-cmark pads short rows, so count the raw cells of every source line too.
        for range in &doc.table_ranges {
            let lines: Vec<&str> = text[range.clone()].lines().collect();
            let header = raw_cells(lines[0]);
            for line in &lines {
                assert_eq!(raw_cells(line), header, "row `{line}`");
            }
        }
        for table in &doc.tables {
            for row in table {
                assert_eq!(row.len(), table[0].len());
            }
        }
    }
}

#[test]
fn hierarchy_tree_and_estimates() {
    let plan = sample_plan();
    let text = render(&plan);
    let doc = parse(&text);
    // The tree is nested lists: BOS sits under NYC, which sits under CEN.
    assert!(text.contains("\n- **CEN** Contoso Central: central primary, SMS 2003 SP3"));
    assert!(text.contains("\n  - **NYC** New York: primary, SMS 2003 SP2"));
    assert!(text.contains("\n    - **BOS** Boston branch: secondary"));
    let cen = doc
        .items
        .iter()
        .find(|(_, t)| t.starts_with("CEN "))
        .unwrap();
    assert!(cen.1.contains("1,200 clients"));

    let estimates = doc
        .tables
        .iter()
        .find(|t| t[0].contains(&"Database growth (MB)".to_string()))
        .unwrap();
    assert_eq!(
        estimates[1],
        ["CEN", "primary", "1,200", "14,550", "29,100"]
    );
    assert_eq!(estimates[3], ["BOS", "secondary", "350", "350", "0"]);
    let sql = doc.tables.iter().find(|t| t[0][0] == "SQL Server").unwrap();
    assert_eq!(
        sql[2],
        ["LON-SQL01", "SQL Server 2000 SP4", "LON", "10,000", "8,192"]
    );
    assert_eq!(sql[3][4..], ["–"]);
    assert!(
        text.contains("× 2 MB per client"),
        "the formula is spelled out"
    );
}

#[test]
fn findings_grouped_by_severity_with_sources() {
    let plan = sample_plan();
    let doc = parse(&render(&plan));
    let h2: Vec<&str> = doc
        .headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H2)
        .map(|(_, t)| t.as_str())
        .collect();
    let groups: Vec<&str> = h2.into_iter().filter(|h| h.contains('(')).collect();
    assert_eq!(groups, ["Blockers (1)", "Warnings (1)", "Information (1)"]);
    let secmode = doc
        .items
        .iter()
        .find(|(_, t)| t.starts_with("CHK-SECMODE"))
        .unwrap();
    assert!(secmode.1.contains("Resolved by: SECMODE-LON"));
    assert!(secmode
        .1
        .contains("Prerequisites for Upgrading to Configuration Manager"));
    // Source URLs are links whose visible text is the URL itself (readable on paper).
    assert!(doc.links.contains(
        &"http://systemscenter.ru/smsv4.en/html/8e657cdc-306b-4cff-a0bf-939b6df3b940.htm"
            .to_string()
    ));
    assert!(doc.links.contains(&"http://a.example/one.htm".to_string()));
    assert!(doc.links.contains(&"http://b.example/two.htm".to_string()));
}

#[test]
fn hostile_names_stay_literal_text() {
    let hostile = hostile_name();
    let sample = render(&sample_plan());
    let text = render(&hostile_plan());
    // Same document shape: no heading, list, table row, emphasis, link, code or HTML injected.
    assert_eq!(shape(&text), shape(&sample));

    let doc = parse(&text);
    assert_eq!(level1(&doc)[0], format!("# {hostile}"));
    assert!(doc
        .items
        .iter()
        .any(|(_, t)| t.starts_with("Organisation:")
            && t.ends_with(&format!("{hostile} second line"))));
    assert!(doc.items.iter().any(|(_, t)| t
        == &format!("NYC {hostile}: primary, SMS 2003 SP2, advanced security, 8,000 clients")));
    assert!(doc
        .items
        .iter()
        .any(|(_, t)| t.starts_with(&format!("BOS {}:", long_token()))));
    let task = doc.items.iter().find(|(m, _)| m.is_some()).unwrap();
    assert!(task
        .1
        .starts_with(&format!("PRE-BACKUP-CEN {hostile} Where:")));
    assert!(task
        .1
        .contains("Expected result: > quoted # heading <!-- pagebreak -->"));
    assert!(task
        .1
        .contains(&format!("| a | b | |---|---| {}", long_token())));
    let servers = doc
        .tables
        .iter()
        .find(|t| t[0][1] == "Site server")
        .unwrap();
    assert_eq!(servers[1][1], "- [x] 1. ---");
    // Only the template's own markup: no injected links, code, strikethrough or images.
    assert!(doc
        .links
        .iter()
        .all(|l| l.starts_with("http://systemscenter.ru/")
            || l.starts_with("http://a.example/")
            || l.starts_with("http://b.example/")));
    assert!(doc.code.iter().all(|c| c == "[x]"));
    assert_eq!((doc.strikethrough, doc.images), (0, 0));
    assert!(doc.emphasised.iter().all(|e| !e.contains("bold")));
}

#[test]
fn done_tasks_are_ticked_and_changes_are_listed() {
    let plan = regenerated_plan();
    let text = render(&plan);
    let doc = parse(&text);
    let ticks: Vec<(bool, &str)> = doc
        .items
        .iter()
        .filter_map(|(m, t)| m.map(|m| (m, t.split_whitespace().next().unwrap())))
        .collect();
    assert_eq!(ticks[0], (true, "PRE-BACKUP-CEN"));
    assert!(
        ticks[1..].iter().all(|(done, _)| !done),
        "only Done tasks are ticked"
    );
    let backup = doc.items.iter().find(|(m, _)| m.is_some()).unwrap();
    assert!(backup
        .1
        .contains("Status: Done, Sam Engineer, completed 2027-02-20 (Backup verified)"));
    let testdb = doc
        .items
        .iter()
        .find(|(_, t)| t.starts_with("PRE-TESTDB-CEN"))
        .unwrap();
    assert!(testdb.1.contains("Status: In progress, Sam Engineer"));

    assert!(text.contains("**Revision:** 2"));
    assert_eq!(level1(&doc)[2], "Changes since revision 1");
    let changes = doc
        .tables
        .iter()
        .find(|t| t[0] == ["Change", "Subject", "Description"])
        .unwrap();
    assert_eq!(
        changes[1],
        [
            "Task removed",
            "SITE-UPG-PHL",
            "PHL was removed from the hierarchy"
        ]
    );
    assert_eq!(changes.len(), 3);
    let removed = doc.tables.iter().find(|t| t[0][0] == "ID").unwrap();
    assert_eq!(
        removed[1],
        [
            "SITE-UPG-PHL",
            "Upgrade PHL",
            "PHL",
            "Done",
            "Kim | Ops",
            "2027-02-21",
            "Site removed after consolidation"
        ]
    );
    assert!(doc
        .headings
        .iter()
        .any(|(l, t)| *l == HeadingLevel::H2 && t == "Removed tasks"));

    // A first revision has neither section.
    let first = parse(&render(&sample_plan()));
    assert!(!first
        .headings
        .iter()
        .any(|(_, t)| t.contains("Changes since") || t.contains("Removed")));
}

#[test]
fn html_is_one_self_contained_page() {
    let plan = hostile_plan();
    let page = html::render(&plan, &RenderContext::default()).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<style>") && page.contains("@media print"));
    assert!(!page.contains("<script") && !page.contains("<link") && !page.contains("src="));
    // Every task has a checkbox, the hostile markup is text.
    assert_eq!(
        page.matches("type=\"checkbox\"").count(),
        plan.tasks().count()
    );
    assert!(page.contains("&lt;b&gt;html&lt;/b&gt;"));
    assert!(!page.contains("<b>html"));
    assert_eq!(
        page.matches("class=\"pagebreak\"").count(),
        4 + plan.phases.len()
    );
    // Sign-off tables carry a class (print keeps them whole and their rows tall).
    assert!(page.matches("<table").count() >= 8);
    assert_eq!(
        page.matches("<table class=\"signoff\">").count(),
        plan.phases.len() + 1,
        "one per phase and the approval"
    );
}

#[test]
fn a_single_site_plan_without_findings_still_reads() {
    let mut plan = sample_plan();
    plan.sites.truncate(1);
    plan.sql_servers.clear();
    plan.findings.clear();
    plan.organisation = None;
    plan.change_reference = None;
    plan.prepared_by = None;
    plan.phases.truncate(1);
    plan.phases[0].tasks.truncate(1);
    plan.totals.blockers = 0;
    plan.totals.warnings = 0;
    plan.totals.infos = 0;
    let text = render(&plan);
    let doc = parse(&text);
    assert!(text.contains("The readiness checks found nothing to report."));
    assert!(!text.contains("## SQL Servers"));
    assert!(!text.contains("Organisation") && !text.contains("under change"));
    assert!(text.contains("1 task, done in the order listed."));
    assert_eq!(doc.items.iter().filter(|(m, _)| m.is_some()).count(), 1);
    let approval = doc.tables.last().unwrap();
    assert_eq!(approval[1], ["Prepared by", "", "", ""]);
}
