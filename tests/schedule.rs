//! The optional schedule (issue 10): with `plan.start`, every task gets planned dates that respect
//! every dependency, the working weekdays, the blackout dates and the wave windows, and the
//! critical path ends on the plan's last date. Without `plan.start` nothing changes.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use cmplan::plan::{self, Plan, PlanOptions};
use cmplan::templates::Templates;

fn build(name: &str, text: &str) -> Plan {
    let env = cmplan::input::load_bytes(name, text.as_bytes())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let opts = PlanOptions {
        date: "2027-01-15".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    plan::build(&env, &opts).expect("plan")
}

/// A description with `plan.start` (inserted after the `[plan]` header) and `[schedule]` added.
fn with_schedule(text: &str, start: &str, schedule: &str) -> String {
    let text = text.replacen("[plan]\n", &format!("[plan]\nstart = {start}\n"), 1);
    format!("{text}\n[schedule]\n{schedule}\n")
}

fn contoso_text() -> String {
    std::fs::read_to_string("examples/contoso.toml").unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Calendar {
    start: NaiveDate,
    weekdays: Vec<Weekday>,
    blackout: BTreeSet<NaiveDate>,
}

impl Calendar {
    fn working(&self, d: NaiveDate) -> bool {
        self.weekdays.contains(&d.weekday()) && !self.blackout.contains(&d)
    }
    /// Working days from `a` to `b`, both included.
    fn working_days(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        a.iter_days()
            .take_while(|d| *d <= b)
            .filter(|d| self.working(*d))
            .count() as u32
    }
}

/// Every rule a reader of the dates relies on; `days` gives the expected duration of a task.
fn check_schedule(plan: &Plan, cal: &Calendar, days: &dyn Fn(&cmplan::plan::Task) -> u32) {
    let summary = plan.schedule.as_ref().expect("a schedule");
    let span: HashMap<&str, (NaiveDate, NaiveDate)> = plan
        .tasks()
        .map(|t| {
            let s = date(t.planned_start.as_deref().expect("planned start"));
            let e = date(t.planned_end.as_deref().expect("planned end"));
            (t.id.as_str(), (s, e))
        })
        .collect();
    // Per wave, its task that ends last.
    let mut wave_end: std::collections::BTreeMap<u32, (&str, NaiveDate)> = Default::default();
    for t in plan.tasks() {
        let e = span[t.id.as_str()].1;
        let slot = wave_end.entry(t.wave).or_insert((t.id.as_str(), e));
        if e > slot.1 {
            *slot = (t.id.as_str(), e);
        }
    }
    let mut last_end = cal.start;
    for t in plan.tasks() {
        let (s, e) = span[t.id.as_str()];
        assert!(s >= cal.start, "{} starts before plan.start", t.id);
        assert!(cal.working(s), "{} starts on a day off: {s}", t.id);
        assert!(cal.working(e), "{} ends on a day off: {e}", t.id);
        let want = days(t).max(1);
        assert_eq!(cal.working_days(s, e), want, "{}: {s}..{e}", t.id);
        for d in &t.depends_on {
            let (_, dep_end) = span[d.as_str()];
            assert!(
                s > dep_end,
                "{} starts {s}, before {d} ends {dep_end}",
                t.id
            );
        }
        // A wave opens only once every earlier wave is done.
        if let Some((other, end)) = wave_end.range(..t.wave).map(|(_, v)| v).max_by_key(|v| v.1) {
            // A milestone (0 days) ending a wave lets the next wave start on its day.
            // (The custom-calendar test checks a copy that counts its milestones as 1 day.)
            let o = plan.task(other).unwrap();
            let milestone =
                days(o) == 0 || (o.kind == "SITE-RESYNC" && o.planned_start == o.planned_end);
            assert!(
                s > *end || (milestone && s == *end),
                "{} (wave {}) starts before {other} of an earlier wave ends",
                t.id,
                t.wave
            );
        }
        last_end = last_end.max(e);
    }
    assert_eq!(summary.end, last_end.format("%Y-%m-%d").to_string());
    assert_eq!(
        summary.working_days,
        cal.working_days(
            plan.tasks().map(|t| span[t.id.as_str()].0).min().unwrap(),
            last_end
        )
    );

    // The critical path: a gapless chain from a task that starts on the first working day to a
    // task that ends on the plan's last date, each link a dependency or a wave boundary.
    let critical: Vec<&cmplan::plan::Task> = plan.tasks().filter(|t| t.critical).collect();
    assert_eq!(
        summary.critical_path,
        critical.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    );
    let first = critical.first().expect("a critical path");
    let first_day = cal.start.iter_days().find(|d| cal.working(*d)).unwrap();
    assert_eq!(span[first.id.as_str()].0, first_day);
    let last = critical.last().unwrap();
    assert_eq!(span[last.id.as_str()].1, last_end, "ends on the last date");
    for pair in critical.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (_, a_end) = span[a.id.as_str()];
        let (b_start, _) = span[b.id.as_str()];
        let next = a_end
            .succ_opt()
            .unwrap()
            .iter_days()
            .find(|d| cal.working(*d));
        assert_eq!(Some(b_start), next, "{} → {}: slack", a.id, b.id);
        assert!(
            b.depends_on.contains(&a.id) || a.wave < b.wave,
            "{} → {} is neither a dependency nor a wave boundary",
            a.id,
            b.id
        );
    }
}

fn weekdays_mon_fri() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

#[test]
fn contoso_dates_follow_dependencies_weekdays_blackouts_and_waves() {
    let text = with_schedule(
        &contoso_text(),
        "2027-03-01",
        r#"blackout = ["2027-03-26", "2027-03-29"]"#,
    );
    let plan = build("contoso.toml", &text);
    let cal = Calendar {
        start: date("2027-03-01"),
        weekdays: weekdays_mon_fri(),
        blackout: [date("2027-03-26"), date("2027-03-29")].into(),
    };
    let clients: HashMap<&str, u64> = plan
        .sites
        .iter()
        .map(|s| (s.code.as_str(), s.clients + s.legacy_clients))
        .collect();
    check_schedule(&plan, &cal, &|t| match t.kind.as_str() {
        "SITE-RESYNC" => 2,
        "CLIENT-UPG" => clients.values().sum::<u64>().div_ceil(1000) as u32,
        _ => 1,
    });

    // What a reader checks against a calendar: the central site is upgraded on the fifth
    // working day (after the chain of preparation on its site server), a two-day resync skips
    // the weekend, NYC's 8,000 clients take eight working days, and the plan ends on 19 April
    // after Good Friday and Easter Monday off.
    let dates = |id: &str| {
        let t = plan.task(id).unwrap();
        (
            t.planned_start.clone().unwrap(),
            t.planned_end.clone().unwrap(),
        )
    };
    assert_eq!(
        dates("SITE-UPG-CEN"),
        ("2027-03-05".into(), "2027-03-05".into())
    );
    assert_eq!(
        dates("SITE-RESYNC-LON"),
        ("2027-03-24".into(), "2027-03-25".into())
    );
    assert_eq!(
        dates("SITE-RESYNC-PAR"),
        ("2027-04-29".into(), "2027-04-30".into())
    );
    assert_eq!(
        dates("CLIENT-UPG"),
        ("2027-05-05".into(), "2027-05-28".into())
    );
    // A secondary's preparation (with its prerequisite check) is planned on the working day
    // before its upgrade, well within the 7 days the Upgrade Secondary Site Wizard accepts.
    for code in ["MAN", "BOS", "PHL"] {
        let check = plan.task(&format!("PREPARE-{code}")).unwrap();
        let upgrade = plan.task(&format!("SITE-UPG-{code}")).unwrap();
        let (end, up) = (
            date(check.planned_end.as_deref().unwrap()),
            date(upgrade.planned_start.as_deref().unwrap()),
        );
        assert_eq!(cal.working_days(end, up), 2, "{code}: {end} .. {up}");
    }
    assert_eq!(
        dates("PREPARE-BOS"),
        ("2027-04-08".into(), "2027-04-08".into())
    );
    let summary = plan.schedule.as_ref().unwrap();
    assert_eq!(summary.start, "2027-03-01");
    assert_eq!(summary.end, "2027-06-01");
    assert_eq!(summary.working_days, 65);
    assert_eq!(summary.blackout, ["2027-03-26", "2027-03-29"]);
    assert_eq!(summary.critical_path.last().unwrap(), "CLOSE-OUT");
    assert!(plan.task("SITE-UPG-CEN").unwrap().critical);
    // The waves are consecutive windows.
    let windows: Vec<(u32, String, String)> = plan
        .waves
        .iter()
        .map(|w| {
            (
                w.number,
                w.planned_start.clone().unwrap(),
                w.planned_end.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            (1, "2027-03-01".into(), "2027-03-11".into()),
            (2, "2027-03-12".into(), "2027-03-25".into()),
            (3, "2027-03-30".into(), "2027-04-21".into()),
            (4, "2027-04-22".into(), "2027-04-30".into()),
            (5, "2027-05-03".into(), "2027-06-01".into()),
        ]
    );
}

#[test]
fn a_custom_calendar_and_durations_are_obeyed() {
    // Work on Tuesday to Thursday only; the start is a Saturday; a blackout on the first
    // Tuesday; resync as a milestone, site upgrades two days, clients two days per 1,000.
    let text = with_schedule(
        &contoso_text(),
        "2027-03-06",
        r#"weekdays = ["thursday", "tuesday", "wednesday"]
blackout = ["2027-03-09", "2027-04-01"]
default_days = 1
client_days_per_1000 = 2

[schedule.days]
SITE-UPG = 2
SITE-UPG-SECONDARY = 3
SITE-RESYNC = 0
POST-CHECK = 4"#,
    );
    let plan = build("contoso.toml", &text);
    let cal = Calendar {
        start: date("2027-03-06"),
        weekdays: vec![Weekday::Tue, Weekday::Wed, Weekday::Thu],
        blackout: [date("2027-03-09"), date("2027-04-01")].into(),
    };
    let secondary: BTreeSet<&str> = plan
        .sites
        .iter()
        .filter(|s| s.site_type == cmplan::model::SiteType::Secondary)
        .map(|s| s.code.as_str())
        .collect();
    let clients: HashMap<&str, u64> = plan
        .sites
        .iter()
        .map(|s| (s.code.as_str(), s.clients + s.legacy_clients))
        .collect();
    // A milestone (0 days) takes the day it falls on but lets the next task start that day;
    // check_schedule's "starts after its dependency ends" is therefore checked apart below.
    let resync: Vec<&cmplan::plan::Task> =
        plan.tasks().filter(|t| t.kind == "SITE-RESYNC").collect();
    assert!(!resync.is_empty());
    for r in &resync {
        assert_eq!(r.planned_start, r.planned_end, "{} is a milestone", r.id);
        let upg = plan.task(&r.depends_on[0]).unwrap();
        assert!(
            r.planned_start > upg.planned_end,
            "{} after {}",
            r.id,
            upg.id
        );
        for t in plan.tasks().filter(|t| t.depends_on.contains(&r.id)) {
            assert!(t.planned_start >= r.planned_end, "{} after {}", t.id, r.id);
        }
    }
    // Everything else as usual (milestones are checked with 1 day: they occupy their day).
    let without_milestones = plan_without_resync_edges(&plan);
    check_schedule(&without_milestones, &cal, &|t| match t.kind.as_str() {
        "SITE-UPG" if secondary.contains(t.site.as_deref().unwrap()) => 3,
        "SITE-UPG" => 2,
        "SITE-RESYNC" => 1,
        "POST-CHECK" => 4,
        "CLIENT-UPG" => 2 * clients.values().sum::<u64>().div_ceil(1000) as u32,
        _ => 1,
    });
    // The Saturday start and the blackout Tuesday push the first work to Wednesday 10 March.
    let first = plan
        .tasks()
        .filter_map(|t| t.planned_start.clone())
        .min()
        .unwrap();
    assert_eq!(first, "2027-03-10");
    assert_eq!(
        plan.schedule.as_ref().unwrap().weekdays,
        ["tuesday", "wednesday", "thursday"]
    );
}

/// The plan with the dependencies on milestones replaced by the milestones' own dependencies
/// (for `check_schedule`, whose rule is "starts after the dependency's last day").
fn plan_without_resync_edges(plan: &Plan) -> Plan {
    let mut p = plan.clone();
    let resync: HashMap<String, Vec<String>> = plan
        .tasks()
        .filter(|t| t.kind == "SITE-RESYNC")
        .map(|t| (t.id.clone(), t.depends_on.clone()))
        .collect();
    for t in p.phases.iter_mut().flat_map(|ph| ph.tasks.iter_mut()) {
        let mut deps = Vec::new();
        for d in &t.depends_on {
            match resync.get(d) {
                Some(up) => deps.extend(up.iter().cloned()),
                None => deps.push(d.clone()),
            }
        }
        t.depends_on = deps;
    }
    // A critical chain through a milestone has no day between the milestone and its
    // successor; count the milestone as part of its successor's link.
    let chain: Vec<String> = p
        .tasks()
        .filter(|t| t.critical && !resync.contains_key(&t.id))
        .map(|t| t.id.clone())
        .collect();
    for t in p.phases.iter_mut().flat_map(|ph| ph.tasks.iter_mut()) {
        if resync.contains_key(&t.id) {
            t.critical = false;
        }
    }
    p.schedule.as_mut().unwrap().critical_path = chain;
    p
}

#[test]
fn synthetic_hierarchies_keep_every_schedule_rule() {
    for (sites, seed) in [(60, 7), (600, 8)] {
        let text = with_schedule(
            &cmplan::synth::generate(sites, seed),
            "2027-01-04",
            r#"blackout = ["2027-01-06", "2027-02-15", "2027-03-01"]
weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]"#,
        );
        let plan = build("synth.toml", &text);
        let mut weekdays = weekdays_mon_fri();
        weekdays.push(Weekday::Sat);
        let cal = Calendar {
            start: date("2027-01-04"),
            weekdays,
            blackout: [date("2027-01-06"), date("2027-02-15"), date("2027-03-01")].into(),
        };
        let clients: HashMap<&str, u64> = plan
            .sites
            .iter()
            .map(|s| (s.code.as_str(), s.clients + s.legacy_clients))
            .collect();
        check_schedule(&plan, &cal, &|t| match t.kind.as_str() {
            "SITE-RESYNC" => 2,
            "CLIENT-UPG" => clients.values().sum::<u64>().div_ceil(1000) as u32,
            _ => 1,
        });
    }
}

#[test]
fn without_a_start_date_nothing_is_scheduled() {
    // `[schedule]` alone is checked but plans nothing.
    let text = format!("{}\n[schedule]\ndefault_days = 3\n", contoso_text());
    let plan = build("contoso.toml", &text);
    assert!(plan.schedule.is_none());
    assert!(plan
        .tasks()
        .all(|t| t.planned_start.is_none() && t.planned_end.is_none() && !t.critical));
    assert!(plan.waves.iter().all(|w| w.planned_start.is_none()));
    // The JSON is that of the description without `[schedule]` (but for the input's digest).
    let plain = build("contoso.toml", &contoso_text());
    let json = |p: &Plan| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&cmplan::render::json::render(p).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("input_digest");
        v
    };
    assert!(json(&plan) == json(&plain), "the JSON changed");
}

#[test]
fn the_markdown_and_json_show_the_dates() {
    let text = with_schedule(
        &contoso_text(),
        "\"2027-03-01\"",
        r#"blackout = ["2027-03-26", "2027-03-29"]"#,
    );
    let plan = build("contoso.toml", &text);
    let ctx = cmplan::render::RenderContext::default();
    let md =
        String::from_utf8(cmplan::render::render(cmplan::render::Format::Md, &plan, &ctx).unwrap())
            .unwrap();
    assert!(md.contains(
        "| 5 | after the sites: roles, clients, software updates, close-out | – | 6 | ROLE-SLP-CEN | CLOSE-OUT | 2027-05-03 | 2027-06-01 |"
    ));
    assert!(md.contains("The plan starts on 2027-03-01 and ends on 2027-06-01 (65 working days)"));
    assert!(md.contains("except 2027-03-26 and 2027-03-29"));
    let task_line = |id: &str| {
        let at = md.find(&format!("**{id}**")).unwrap();
        md[at..]
            .lines()
            .find(|l| l.starts_with("  *Wave:*"))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        task_line("CLIENT-UPG"),
        "  *Wave:* 5 · *Planned:* 2027-05-05 to 2027-05-28 · **critical path**\\"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&cmplan::render::json::render(&plan).unwrap()).unwrap();
    assert_eq!(json["schedule"]["end"], "2027-06-01");
    assert_eq!(json["waves"][1]["planned_start"], "2027-03-12");
    let nyc = json["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["tasks"].as_array().unwrap())
        .find(|t| t["id"] == "CLIENT-UPG")
        .unwrap();
    assert_eq!(nyc["planned_start"], "2027-05-05");
    assert_eq!(nyc["planned_end"], "2027-05-28");
    assert_eq!(nyc["critical"], true);
    // Same input, same bytes.
    let again = build("contoso.toml", &text);
    assert!(
        cmplan::render::json::render(&plan).unwrap()
            == cmplan::render::json::render(&again).unwrap()
    );
}

#[test]
fn the_workbook_holds_the_planned_dates_as_real_dates() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let excel_date = |v: Option<&Data>| match v {
        Some(Data::DateTime(d)) => {
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            (epoch + chrono::Duration::days(d.as_f64() as i64)).to_string()
        }
        other => panic!("not a date: {other:?}"),
    };
    let text = |v: Option<&Data>| match v {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        other => panic!("not text: {other:?}"),
    };
    let scheduled = build(
        "contoso.toml",
        &with_schedule(
            &contoso_text(),
            "2027-03-01",
            r#"blackout = ["2027-03-26", "2027-03-29"]"#,
        ),
    );
    let ctx = cmplan::render::RenderContext::default();
    let bytes = cmplan::render::xlsx::render(&scheduled, &ctx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Checklist").unwrap();
    let headers: Vec<String> = (14..17).map(|c| text(sheet.get_value((0, c)))).collect();
    assert_eq!(headers, ["Planned start", "Planned end", "Critical path"]);
    assert_eq!(text(sheet.get_value((0, 8))), "Wave");
    let row = |id: &str| {
        (1..=sheet.end().unwrap().0)
            .find(|r| text(sheet.get_value((*r, 0))) == id)
            .unwrap()
    };
    let r = row("CLIENT-UPG");
    assert_eq!(sheet.get_value((r, 8)), Some(&Data::Float(5.0)));
    assert_eq!(excel_date(sheet.get_value((r, 14))), "2027-05-05");
    assert_eq!(excel_date(sheet.get_value((r, 15))), "2027-05-28");
    assert_eq!(text(sheet.get_value((r, 16))), "yes");
    let r = row("AV-EXCLUSIONS");
    assert_eq!(text(sheet.get_value((r, 16))), "");
    let summary = wb.worksheet_range("Summary").unwrap();
    let labelled = |label: &str| {
        (0..=summary.end().unwrap().0)
            .find(|r| text(summary.get_value((*r, 0))) == label)
            .unwrap_or_else(|| panic!("no {label}"))
    };
    assert_eq!(
        excel_date(summary.get_value((labelled("Planned end"), 1))),
        "2027-06-01"
    );

    // Without plan.start the checklist has no planned dates (but keeps its Wave column).
    let plain = build("contoso.toml", &contoso_text());
    let bytes = cmplan::render::xlsx::render(&plain, &ctx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("Checklist").unwrap();
    assert_eq!(sheet.end().unwrap().1, 13);
}
