//! Shared fixtures for the PDF tests: a plan-shaped Markdown document like the templates write.

#![allow(dead_code)]

use cmplan::render::pdf::Cover;

pub fn cover() -> Cover {
    Cover {
        title: "Contoso SMS 2003 to ConfigMgr 2007 upgrade".to_string(),
        organisation: Some("Contoso Ltd".to_string()),
        change_reference: Some("CHG-2027-0142".to_string()),
        prepared_by: Some("J. Smith, Infrastructure".to_string()),
        date: "2027-03-01".to_string(),
        target_name: "Configuration Manager 2007 SP2".to_string(),
        revision: 1,
        input_digest: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            .to_string(),
    }
}

pub const SITES: &[&str] = &["CEN", "NYC", "LON", "TOK", "PAR", "SYD"];

/// Task IDs in plan order, as `sample_markdown` lists them.
pub fn task_ids() -> Vec<String> {
    let mut ids = vec![
        "AD-SCHEMA-EXT".to_string(),
        "BACKUP-ALL".to_string(),
        "PREREQ-DL".to_string(),
    ];
    for s in SITES {
        ids.push(format!("SQL-UPG-{s}-SQL01"));
        ids.push(format!("SITE-TESTDB-{s}"));
        ids.push(format!("SITE-UPG-{s}"));
        ids.push(format!("ROLE-MP-{s}"));
        ids.push(format!("ROLE-DP-{s}"));
    }
    ids.push("CLIENT-UPG-ALL".to_string());
    ids
}

/// A long, realistic plan: sections, phases with task tables and sign-off tables, findings
/// with long UNC paths, FQDNs and URLs, a CJK server description and an emoji.
pub fn sample_markdown() -> String {
    let mut md = String::new();
    // The title block, as the templates write it: replaced by the PDF's cover page.
    md.push_str("# Contoso SMS 2003 to ConfigMgr 2007 upgrade\n\n**Upgrade plan: SMS 2003 to Configuration Manager 2007 SP2**\n\n- **Organisation:** Contoso Ltd\n- **Revision:** 1\n\n<!-- pagebreak -->\n\n");
    md.push_str("# Hierarchy\n\n");
    md.push_str("- **CEN** Central site (primary) — `cen-ss01.corp.contoso.com`\n");
    for s in &SITES[1..] {
        md.push_str(&format!(
            "  - **{s}** Site {s} (primary) — `{}-ss01.corp.contoso.com`\n",
            s.to_lowercase()
        ));
    }
    md.push_str("\n# Disk estimates\n\nEach site database grows by *clients × 2.0 MB* during the upgrade.\n\n");
    md.push_str("| Site | Clients | Subtree clients | Database growth (MB) | Formula |\n|---|---:|---:|---:|---|\n");
    for (i, s) in SITES.iter().enumerate() {
        md.push_str(&format!(
            "| {s} | {} | {} | {} | {} clients × 2.0 MB = {} MB |\n",
            1000 * (i + 1),
            5000 + i,
            2000 * (i + 1),
            1000 * (i + 1),
            2000 * (i + 1)
        ));
    }
    md.push_str("\n# Findings\n\n## Blockers\n\n");
    md.push_str("- **CHK-SECMODE** Site NYC runs in standard security; switch to advanced security first. Source: [Planning to upgrade](https://technet.microsoft.com/en-us/library/bb693627.aspx)\n");
    md.push_str("- **CHK-SQL** `\\\\LON-SQL01.eu.corp.contoso.com\\SMS_LON\\inboxes\\auth\\dataldr.box\\process` is on SQL Server 2000 SP3a.\n");
    md.push_str("\n## Warnings\n\n- Server 東京サーバー (TOK) has no free disk figure 🙂.\n\n<!-- pagebreak -->\n\n");
    let titles = [
        ("prepare", "Phase 1: Prepare the hierarchy"),
        ("central", "Phase 2: Upgrade the central site"),
        ("children", "Phase 3: Upgrade the child sites"),
        ("clients", "Phase 4: Upgrade the clients"),
    ];
    let ids = task_ids();
    let chunks: [&[String]; 4] = [
        &ids[0..3],
        &ids[3..8],
        &ids[8..ids.len() - 1],
        &ids[ids.len() - 1..],
    ];
    for (n, ((_, title), tasks)) in titles.iter().zip(chunks).enumerate() {
        md.push_str(&format!(
            "# {title}\n\n{} tasks, in the order in which they are done.\n\n",
            tasks.len()
        ));
        for (i, id) in tasks.iter().enumerate() {
            let done = if i == 0 { "x" } else { " " };
            md.push_str(&format!(
                "- [{done}] **{id}** Upgrade step for {id}\\\n  *Where:* server \\\\{}.corp.contoso.com\\SMS_SITE\\\n  *Expected result:* The step completes and the site status is OK; check `C:\\SMS\\Logs\\ConfigMgrSetup.log`\\\n  *Reference:* [Upgrading sites](https://technet.microsoft.com/en-us/library/bb680951.aspx)\n",
                id.to_lowercase()
            ));
        }
        if n == 2 {
            // A task table too, long enough to run over a page.
            md.push_str("\n| ID | Task | Server |\n|---|---|---|\n");
            for id in tasks {
                md.push_str(&format!(
                    "| `{id}` | Verify {id} after the upgrade | `\\\\{}.corp.contoso.com` |\n",
                    id.to_lowercase()
                ));
            }
        }
        md.push_str(&format!(
            "\n**Sign-off, phase {}:** the tasks above are done.\n\n",
            n + 1
        ));
        md.push_str("## Sign-off\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Engineer |  |  |  |\n| Reviewer |  |  |  |\n\n<!-- pagebreak -->\n\n");
    }
    md.push_str("# Final approval\n\nThe change advisory board approves the plan above.\n\n| Role | Name | Date | Signature |\n|---|---|---|---|\n| Change manager | | | |\n| Service owner | | | |\n");
    md
}
