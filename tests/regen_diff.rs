//! The plan diff on hand-built plans: a join on stable IDs, each kind of change reported once.

mod regen_support;

use cmplan::model::{SecurityMode, SiteType};
use cmplan::plan::{Plan, Severity};
use cmplan::regen::{self, diff};
use regen_support::*;

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| id(i).to_string()).collect()
}

#[test]
fn identical_plans_have_no_changes() {
    let plan = small_plan();
    let d = diff(&plan, &plan.clone(), "a", "b");
    assert!(d.is_empty(), "{d:#?}");
    assert!(regen::render_text(&d, false).contains("No changes."));
}

#[test]
fn changing_one_primary_client_count_changes_only_its_branch_estimates() {
    let old = small_plan();
    let mut new = old.clone();
    new.sites
        .iter_mut()
        .find(|s| s.code == "LON")
        .unwrap()
        .clients = 5400;
    recompute(&mut new, &[("NYC-SMS01", 14.0 * 1024.0)]);
    let d = diff(&old, &new, "old", "new");

    let env: Vec<_> = d
        .environment
        .iter()
        .map(|e| e.description.as_str())
        .collect();
    assert_eq!(env, ["site LON: clients 5,000 → 5,400"]);
    let est: Vec<_> = d
        .estimates
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.subject.as_str(),
                e.old_growth_mb,
                e.new_growth_mb,
            )
        })
        .collect();
    // LON and the site above it (whose subtree holds LON's clients); NYC and BOS untouched.
    assert_eq!(
        est,
        [
            ("site", "CEN", Some(28_700.0), Some(29_500.0)),
            ("site", "LON", Some(10_000.0), Some(10_800.0)),
            ("sql-server", "CEN-SMS01", Some(28_700.0), Some(29_500.0)),
            ("sql-server", "LON-SMS01", Some(10_000.0), Some(10_800.0)),
            ("total", "hierarchy", Some(55_400.0), Some(57_000.0)),
        ]
    );
    assert_eq!(
        d.estimates[1].description,
        "database growth 10,000 → 10,800 MB (+800 MB)"
    );
    assert!(d.tasks_added.is_empty() && d.tasks_removed.is_empty());
    assert!(d.tasks_changed.is_empty() && d.tasks_moved.is_empty());
    assert!(d.findings_raised.is_empty() && d.findings_resolved.is_empty());
    assert!(d.findings_changed.is_empty());
}

/// The second revision: a new secondary PHL under NYC, LON switched to advanced security (its
/// remediation task and blocker go), NYC-SMS01 given disk (its shortfall disappears), LON
/// upgraded before NYC, and PHL's OS raises a finding.
fn second_revision(old: &Plan) -> Plan {
    let mut new = old.clone();
    new.sites
        .push(site("PHL", Some("NYC"), SiteType::Secondary, 240));
    new.sites
        .iter_mut()
        .find(|s| s.code == "LON")
        .unwrap()
        .security = SecurityMode::Advanced;
    new.servers[0].free_disk_mb = Some(40.0 * 1024.0);
    recompute(&mut new, &[("NYC-SMS01", 40.0 * 1024.0)]);
    new.phases[0].tasks.retain(|t| t.id != "SEC-ADV-LON");
    new.phases[1].tasks[0].depends_on = vec!["PREP-BACKUP".into()];
    let children = &mut new.phases[2].tasks;
    let lon = children.remove(2);
    children.insert(0, lon);
    children.push(task("SITE-UPG-PHL", Some("PHL"), &["SITE-UPG-NYC"]));
    new.findings.retain(|f| f.code != "CHK-SECMODE");
    new.findings.push(finding(
        "CHK-OS",
        Severity::Blocker,
        Some("PHL"),
        "PHL-SMS01 runs Windows 2000",
    ));
    new.findings[0].message = "NYC-SMS01 has enough disk now".into();
    new.findings[0].severity = Severity::Info;
    new
}

#[test]
fn every_kind_of_change_is_reported_once() {
    let old = small_plan();
    let new = second_revision(&old);
    let d = diff(&old, &new, "contoso.toml", "contoso-rev2.toml");

    assert_eq!(ids(&d.tasks_added, |t| &t.id), ["SITE-UPG-PHL"]);
    assert_eq!(d.tasks_added[0].phase, "children");
    assert_eq!(ids(&d.tasks_removed, |t| &t.id), ["SEC-ADV-LON"]);
    assert_eq!(ids(&d.tasks_changed, |t| &t.id), ["SITE-UPG-CEN"]);
    let f = &d.tasks_changed[0].fields;
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].field.as_str(), f[0].old.as_str(), f[0].new.as_str()),
        ("depends_on", "SEC-ADV-LON", "PREP-BACKUP")
    );
    assert_eq!(ids(&d.tasks_moved, |t| &t.id), ["SITE-UPG-LON"]);
    assert_eq!(d.tasks_moved[0].new_after.as_deref(), Some("SITE-UPG-CEN"));
    assert_eq!(d.tasks_moved[0].old_after.as_deref(), Some("SITE-UPG-BOS"));

    assert_eq!(ids(&d.findings_raised, |f| &f.code), ["CHK-OS"]);
    assert_eq!(ids(&d.findings_resolved, |f| &f.code), ["CHK-SECMODE"]);
    assert_eq!(ids(&d.findings_changed, |f| &f.code), ["CHK-DISK"]);
    let fields: Vec<_> = d.findings_changed[0]
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["severity", "message"]);

    let env: Vec<_> = d
        .environment
        .iter()
        .map(|e| e.description.as_str())
        .collect();
    assert_eq!(
        env,
        [
            "site LON: security standard → advanced",
            "site PHL (Site PHL) added: secondary under NYC, sms2003-sp2, 240 clients, site server PHL-SMS01",
            "server NYC-SMS01: free disk 14,336 MB → 40,960 MB",
        ]
    );
    let sql = d
        .estimates
        .iter()
        .find(|e| e.subject == "NYC-SMS01")
        .unwrap();
    assert_eq!(sql.old_shortfall_mb, Some(16_700.0 - 14_336.0));
    assert_eq!(sql.new_shortfall_mb, Some(0.0));
    assert!(
        sql.description
            .contains("shortfall disappears (was 2,364 MB)"),
        "{}",
        sql.description
    );
    let est: Vec<_> = d.estimates.iter().map(|e| e.subject.as_str()).collect();
    assert_eq!(est, ["CEN", "NYC", "CEN-SMS01", "NYC-SMS01", "hierarchy"]);

    // The flattened revision history carries the same changes, in reading order.
    let changes = d.to_revision_changes(1);
    let cen = changes
        .entries
        .iter()
        .find(|e| e.subject == "SITE-UPG-CEN")
        .unwrap();
    assert_eq!(cen.description, "depends_on: +PREP-BACKUP, -SEC-ADV-LON");
    assert_eq!(changes.previous_revision, 1);
    let cats: Vec<_> = changes
        .entries
        .iter()
        .map(|e| format!("{} {}", e.category, e.subject))
        .collect();
    assert_eq!(
        cats,
        [
            "environment LON",
            "environment PHL",
            "environment NYC-SMS01",
            "task-added SITE-UPG-PHL",
            "task-removed SEC-ADV-LON",
            "task-changed SITE-UPG-CEN",
            "task-moved SITE-UPG-LON",
            "finding-raised CHK-OS",
            "finding-resolved CHK-SECMODE",
            "finding-changed CHK-DISK",
            "estimate-changed CEN",
            "estimate-changed NYC",
            "estimate-changed CEN-SMS01",
            "estimate-changed NYC-SMS01",
            "estimate-changed hierarchy",
        ]
    );
}

#[test]
fn a_shortfall_appearing_is_named() {
    let old = small_plan();
    let mut new = old.clone();
    recompute(
        &mut new,
        &[("NYC-SMS01", 14.0 * 1024.0), ("CEN-SMS01", 20_000.0)],
    );
    let mut old2 = old.clone();
    recompute(
        &mut old2,
        &[("NYC-SMS01", 14.0 * 1024.0), ("CEN-SMS01", 40_000.0)],
    );
    let d = diff(&old2, &new, "a", "b");
    let cen = d
        .estimates
        .iter()
        .find(|e| e.subject == "CEN-SMS01")
        .unwrap();
    assert_eq!(
        cen.description,
        "free space 40,000 MB → 20,000 MB; shortfall appears: 8,700 MB"
    );
}

#[test]
fn text_is_plain_without_colour_and_coloured_with_it() {
    let old = small_plan();
    let new = second_revision(&old);
    let d = diff(&old, &new, "contoso.toml", "contoso-rev2.toml");
    let plain = regen::render_text(&d, false);
    assert!(!plain.contains('\x1b'));
    assert!(plain.starts_with("Plan changes: contoso.toml → contoso-rev2.toml\n"));
    assert!(plain.contains("\nTasks added (1)\n  + SITE-UPG-PHL  Do SITE-UPG-PHL [children]\n"));
    assert!(plain.contains("\nTasks removed (1)\n  - SEC-ADV-LON  Do SEC-ADV-LON\n"));
    assert!(plain.contains("  > SITE-UPG-LON  now after SITE-UPG-CEN (was after SITE-UPG-BOS)\n"));
    assert!(plain.contains("  + blocker CHK-OS PHL: PHL-SMS01 runs Windows 2000\n"));
    let coloured = regen::render_text(&d, true);
    assert!(coloured.contains("\x1b[32m+\x1b[0m \x1b[32mSITE-UPG-PHL\x1b[0m"));
}

#[test]
fn markdown_keeps_hostile_names_literal_and_json_round_trips() {
    let old = small_plan();
    let mut new = old.clone();
    new.sites[3].name = "Lon|don *bold* <b>[x](y)".into();
    let d = diff(&old, &new, "a", "b");
    let md = regen::render_md(&d);
    assert!(
        md.contains(r"name Site LON → Lon\|don \*bold\* \<b\>\[x\](y)"),
        "{md}"
    );
    assert!(md.starts_with("# Plan changes: a → b\n\n## Environment edits (1)\n\n- **changed**: "));
    let json = regen::render_json(&d);
    let back: regen::PlanDiff = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn long_texts_are_summarised_by_the_words_that_changed() {
    let old = small_plan();
    let mut new = old.clone();
    let text = |growth: &str, spare: &str| {
        format!(
            "Copy the SMS_NYC database to a test instance and run setup /testdbupgrade; \
             scratch space: {growth} MB growth, {spare} MB to spare on the volume."
        )
    };
    new.phases[0].tasks[2].details = text("16,940", "87,480");
    let mut old = old;
    old.phases[0].tasks[2].details = text("16,700", "87,720");
    new.phases[2].tasks[0].title = "Upgrade New York".into();
    let d = diff(&old, &new, "a", "b");
    let text = regen::render_text(&d, false);
    assert!(
        text.contains("  ~ DBTEST-NYC  details: 16,700 → 16,940, 87,720 → 87,480\n"),
        "{text}"
    );
    assert!(
        text.contains("  ~ SITE-UPG-NYC  title: Do SITE-UPG-NYC → Upgrade New York\n"),
        "{text}"
    );
}

mod common;

/// Contoso planned from `start` with the given `[schedule]` durations and blackout dates.
fn scheduled(start: &str, days: &[(&str, u32)], blackout: &[&str]) -> Plan {
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut env = common::contoso();
    env.schedule = Some(cmplan::model::Schedule {
        start: date(start),
        days: days.iter().map(|(k, d)| (k.to_string(), *d)).collect(),
        blackout: blackout.iter().map(|d| date(d)).collect(),
        ..Default::default()
    });
    common::build(&env)
}

#[test]
fn schedule_settings_and_the_dates_they_moved_are_listed() {
    let old = scheduled("2027-03-01", &[], &[]);
    let new = scheduled("2027-03-01", &[("SITE-RESYNC", 10)], &["2027-03-02"]);
    let d = diff(&old, &new, "a", "b");
    let settings: Vec<_> = d
        .environment
        .iter()
        .map(|e| (e.kind.as_str(), e.subject.as_str(), e.description.as_str()))
        .collect();
    assert_eq!(
        settings,
        [
            (
                "schedule",
                "schedule.blackout",
                "schedule.blackout +2027-03-02"
            ),
            (
                "schedule",
                "schedule.days.SITE-RESYNC",
                "schedule.days SITE-RESYNC 2 → 10 working day(s)"
            ),
        ]
    );
    let (a, b) = (old.schedule.clone().unwrap(), new.schedule.clone().unwrap());
    assert!(b.end > a.end);
    let end = d.schedule.iter().find(|c| c.subject == "end").unwrap();
    assert_eq!(end.old.as_deref(), Some(a.end.as_str()));
    assert_eq!(end.new.as_deref(), Some(b.end.as_str()));
    // Each wave whose dates moved is named with its old and new span.
    for w in &new.waves {
        let before = old.waves.iter().find(|o| o.number == w.number).unwrap();
        let listed = d
            .schedule
            .iter()
            .any(|c| c.subject == format!("wave {}", w.number));
        assert_eq!(
            listed,
            (&before.planned_start, &before.planned_end) != (&w.planned_start, &w.planned_end),
            "wave {}",
            w.number
        );
    }
    // The Changes section carries the same, after the settings.
    let changes = d.to_revision_changes(1);
    let categories: Vec<&str> = changes
        .entries
        .iter()
        .map(|e| e.category.as_str())
        .collect();
    assert_eq!(&categories[..2], ["environment", "environment"]);
    assert!(changes.entries.iter().any(|e| e.category == "schedule"
        && e.subject == "plan"
        && e.description.contains(&b.end)));
    let text = regen::render_text(&d, false);
    assert!(
        text.contains(&format!("planned end {} → {}", a.end, b.end)),
        "{text}"
    );

    // The same schedule: no change at all; a plan newly scheduled names plan.start.
    assert!(diff(&new, &new.clone(), "a", "b").is_empty());
    let unscheduled = common::build(&common::contoso());
    let d = diff(&unscheduled, &old, "a", "b");
    assert_eq!(d.environment[0].subject, "plan.start");
    assert!(d.schedule.iter().any(|c| c.kind == "critical-path"));
    assert!(d.schedule.iter().all(|c| c.kind != "tasks"));
}

#[test]
fn a_plan_is_the_same_revision_whatever_status_and_date() {
    let plan = scheduled("2027-03-01", &[], &[]);
    let mut other = plan.clone();
    other.date = "2027-04-01".into();
    other.revision = 7;
    other.input_digest = "different".into();
    other.phases[0].tasks[0].progress = Some(cmplan::plan::Progress {
        status: cmplan::plan::TaskStatus::Done,
        owner: "Ann".into(),
        completed_on: "2027-03-01".into(),
        notes: String::new(),
    });
    assert!(regen::same_plan(&plan, &other));
    // A plan stored before the durations were recorded compares by its dates.
    let mut older = plan.clone();
    older.schedule.as_mut().unwrap().durations = None;
    assert!(regen::same_plan(&older, &plan));
    let moved = scheduled("2027-03-01", &[("SITE-RESYNC", 3)], &[]);
    assert!(
        !regen::same_plan(&plan, &moved),
        "a planned date is part of a revision"
    );
    let mut reworded = plan.clone();
    reworded.phases[0].tasks[0].details.push_str(" Again.");
    assert!(!regen::same_plan(&plan, &reworded));
}

/// The diff's disk figures are the plan's: `server.disk` (site-server install, database growth
/// and headroom), the same the findings quote, not the database growth alone.
#[test]
fn the_diff_gives_each_servers_shortfall_as_the_plan_does() {
    let build = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let env = cmplan::input::load(&path).expect("valid example");
        let opts = cmplan::plan::PlanOptions {
            date: "2027-03-01".into(),
            revision: 1,
            templates: cmplan::templates::Templates::embedded(),
        };
        cmplan::plan::build(&env, &opts).unwrap()
    };
    let old = build("examples/contoso.toml");
    let new = build("examples/contoso-rev2.toml");
    let d = diff(&old, &new, "old", "new");
    let disk = |plan: &Plan, server: &str| {
        plan.servers
            .iter()
            .find(|s| s.name == server)
            .and_then(|s| s.disk.clone())
    };
    let servers: Vec<_> = d
        .estimates
        .iter()
        .filter(|e| e.kind == "sql-server" || e.kind == "server")
        .collect();
    assert!(
        servers.iter().any(|e| e.subject == "LON-SQL01"),
        "{servers:#?}"
    );
    for e in &servers {
        let (a, b) = (disk(&old, &e.subject), disk(&new, &e.subject));
        assert_eq!(
            e.old_shortfall_mb,
            a.and_then(|d| d.shortfall_mb),
            "{}",
            e.subject
        );
        assert_eq!(
            e.new_shortfall_mb,
            b.and_then(|d| d.shortfall_mb),
            "{}",
            e.subject
        );
    }
    // LON-SQL01 is short in both: the text quotes the figures the findings give.
    let lon = servers.iter().find(|e| e.subject == "LON-SQL01").unwrap();
    let (a, b) = (lon.old_shortfall_mb.unwrap(), lon.new_shortfall_mb.unwrap());
    assert!(a > 0.0 && b > a);
    let want = format!(
        "shortfall {} → {} MB",
        cmplan::numbers::fmt_num(a),
        cmplan::numbers::fmt_num(b)
    );
    assert!(lon.description.contains(&want), "{}", lon.description);
    let finding = |plan: &Plan| {
        plan.findings
            .iter()
            .find(|f| f.code == "CHK-DISK-SERVER" && f.server.as_deref() == Some("LON-SQL01"))
            .unwrap()
            .message
            .clone()
    };
    assert!(
        finding(&old).contains(&format!("{} MB", cmplan::numbers::fmt_num(a))),
        "{}",
        finding(&old)
    );
    assert!(
        finding(&new).contains(&format!("{} MB", cmplan::numbers::fmt_num(b))),
        "{}",
        finding(&new)
    );
}
