//! `cmplan import`: the contoso export imports to a description that validates and, with the
//! values the database cannot know filled in, describes and plans exactly what
//! examples/contoso.toml does; `--update` keeps the planner's work; bad exports are reported
//! at file:line:column with their codes, and nothing is written.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cmplan::import;
use cmplan::plan::{self, PlanOptions};
use cmplan::templates::Templates;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Table};

const EXPORT: &str = "examples/import";

fn cmplan() -> Command {
    Command::cargo_bin("cmplan").unwrap()
}

/// A copy of the contoso export to break or change.
fn export_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(EXPORT).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn read(dir: &Path, file: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(file)).unwrap())
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_string()
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).unwrap();
}

fn table_with<'a>(doc: &'a mut DocumentMut, array: &str, key: &str, name: &str) -> &'a mut Table {
    doc[array]
        .as_array_of_tables_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t[key].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no {array} {name}"))
}

/// What the planner adds by hand after importing contoso: what the site database cannot know.
fn fill_in_contoso(text: &str) -> String {
    let mut doc: DocumentMut = text.parse().unwrap();
    doc["plan"]["title"] = value("Contoso SMS 2003 to Configuration Manager 2007 upgrade");
    doc["plan"]["organisation"] = value("Contoso Ltd");
    doc["plan"]["change_reference"] = value("CHG-2027-0042");
    doc["plan"]["prepared_by"] = value("Jane Planner");
    doc["plan"]["target"] = value("sp1");
    let mut consoles = ArrayOfTables::new();
    for computer in ["ADM-WS01", "ADM-WS02"] {
        let mut t = Table::new();
        t["computer"] = value(computer);
        consoles.push(t);
    }
    doc["console"] = toml_edit::Item::ArrayOfTables(consoles);
    for code in ["CEN", "NYC", "BOS", "PHL", "LON", "PAR", "MAN"] {
        let security = if code == "LON" {
            "standard"
        } else {
            "advanced"
        };
        table_with(&mut doc, "site", "code", code)["security"] = value(security);
    }
    let packs = |list: &[&str]| value(list.iter().copied().collect::<Array>());
    table_with(&mut doc, "site", "code", "CEN")["feature_packs"] = packs(&["itmu"]);
    table_with(&mut doc, "site", "code", "NYC")["feature_packs"] = packs(&["itmu", "osd"]);
    table_with(&mut doc, "site", "code", "CEN")["database_size_mb"] = value(18000);
    let cen = table_with(&mut doc, "server", "name", "CEN-SMS01");
    cen["internet_access"] = value(true);
    cen["webdav"] = value(true);
    cen["bits"] = value(true);
    table_with(&mut doc, "server", "name", "NYC-MP01")["bits"] = value(true);
    table_with(&mut doc, "server", "name", "LON-SMS01")["webdav"] = value(true);
    table_with(&mut doc, "server", "name", "PAR-SMS01")["webdav"] = value(true);
    table_with(&mut doc, "server", "name", "LON-SQL01")["sql_replication"] = value(true);
    doc.to_string()
}

fn plan_json(env: &cmplan::model::Environment) -> serde_json::Value {
    let opts = PlanOptions {
        date: "2027-03-01".to_string(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let mut json = serde_json::to_value(plan::build(env, &opts).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("input_digest");
    json
}

#[test]
fn contoso_export_with_the_hand_known_values_plans_what_contoso_plans() {
    let imported = import::import_dir(Path::new(EXPORT), EXPORT).unwrap();
    // As imported (assumptions and all) it is a valid description.
    cmplan::input::load_bytes("imported.toml", imported.text.as_bytes()).unwrap();
    assert_eq!((imported.sites, imported.servers), (7, 10));

    let filled = fill_in_contoso(&imported.text);
    let mut from_export = cmplan::input::load_bytes("filled.toml", filled.as_bytes()).unwrap();
    let contoso = cmplan::input::load(Path::new("examples/contoso.toml")).unwrap();
    from_export.input_digest = contoso.input_digest.clone();
    assert_eq!(
        from_export, contoso,
        "the same environment as examples/contoso.toml"
    );

    let (a, b) = (plan_json(&from_export), plan_json(&contoso));
    let tasks = |p: &serde_json::Value| -> Vec<String> {
        p["phases"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|ph| ph["tasks"].as_array().unwrap())
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(tasks(&b).len() > 50);
    assert_eq!(tasks(&a), tasks(&b));
    assert_eq!(a, b, "the whole plan is the same");
}

#[test]
fn the_description_says_where_each_value_came_from_and_what_to_check() {
    let imported = import::import_dir(Path::new(EXPORT), EXPORT).unwrap();
    let text = &imported.text;
    // Hierarchy order: the central site first, each child after its parent.
    let order: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("code = \""))
        .map(|c| &c[..3])
        .collect();
    assert_eq!(order, ["CEN", "LON", "MAN", "PAR", "NYC", "BOS", "PHL"]);
    // Provenance: LON is on line 4 of sites.csv; its clients on lines 4 and 5 of clients.csv.
    assert!(text.contains(
        "# sites.csv line 4: Version 2.50.3174.1018, BuildNumber 3174; clients.csv lines 4–5\n[[site]]\ncode = \"LON\""
    ), "{text}");
    assert!(text.contains("# site_systems.csv lines 19–20, 31–32; servers.csv line 6; sql.csv line 4: ProductVersion 8.00.2039\n[[server]]\nname = \"LON-SQL01\""), "{text}");
    // The safe assumption, with the comment just above it.
    assert!(text.contains(
        "version = \"sms2003-sp1\"\n# check: assumed \"standard\": Site Properties → General → security mode\nsecurity = \"standard\"\n"
    ), "{text}");
    assert!(text.contains(
        "# check: assumed off: IIS Manager → Web Service Extensions (WebDAV) and BITS on NYC-MP01\nwebdav = false\nbits = false\n"
    ), "{text}");
    let keys: Vec<String> = imported
        .checks
        .iter()
        .map(|c| format!("{} {}", c.subject, c.key))
        .collect();
    for expected in [
        "site LON security",
        "site CEN feature_packs",
        "server LON-SQL01 sql_replication",
        "server NYC-MP01 free_disk_gb",
        "server CEN-SMS01 internet_access",
        "active_directory schema_extended",
    ] {
        assert!(keys.iter().any(|k| k == expected), "{expected} in {keys:?}");
    }
    assert_eq!(
        text.lines().filter(|l| l.starts_with("# check: ")).count(),
        imported.checks.len(),
        "every check is in the file"
    );
}

#[test]
fn the_command_writes_once_deterministically_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("contoso.toml");
    let run = |extra: &[&str]| {
        cmplan()
            .args(["import", EXPORT, "-o"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success(), "{first:?}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("7 sites and 10 servers"), "{stderr}");
    assert!(
        stderr.contains("site.security: CEN, LON, MAN, PAR, NYC, BOS, PHL"),
        "{stderr}"
    );
    let bytes = std::fs::read(&out).unwrap();
    cmplan().arg("validate").arg(&out).assert().success();

    std::fs::write(&out, "mine").unwrap();
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");

    assert!(run(&["--force"]).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), bytes, "same CSVs, same bytes");
}

#[test]
fn queries_are_printed_and_documented() {
    let out = cmplan().args(["import", "--queries"]).output().unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(printed, import::QUERIES);
    let doc = std::fs::read_to_string("docs/import.md").unwrap();
    // Every query in the doc exactly as printed (one home: src/import/queries.sql).
    for query in printed.split("\n\n").filter(|q| q.contains("SELECT")) {
        let sql: String = query
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(doc.contains(&sql), "docs/import.md lacks:\n{sql}");
    }
    for view in [
        "v_Site",
        "v_SystemResourceList",
        "v_R_System",
        "v_RA_System_SMSAssignedSites",
        "v_GS_OPERATING_SYSTEM",
        "v_GS_LOGICAL_DISK",
    ] {
        assert!(printed.contains(view), "{view}");
    }
}

/// (file, code, line, column) of a problem.
type Located = (String, String, usize, usize);

/// The (file, code, line, column) of each problem the export has.
fn problems(dir: &Path) -> Vec<Located> {
    import::read_dir(dir).unwrap_err().locations()
}

fn loc(file: &str, code: &str, line: usize, column: usize) -> Located {
    (file.to_string(), code.to_string(), line, column)
}

#[test]
fn each_kind_of_bad_export_is_located_with_its_code() {
    let sites = read(Path::new(EXPORT), "sites.csv");
    // Line 2 is "BOS,Boston branch,1,NYC,BOS-SEC01,2.50.4160.2000,4160,1".
    let cases: Vec<(&str, String, Located)> = vec![
        (
            "sites.csv",
            sites.replacen("ServerName,Version", "ServerName,SiteVersion", 1),
            loc("sites.csv", "I003", 1, 1),
        ),
        (
            "sites.csv",
            sites.replacen("Boston branch,1,", "Boston branch,3,", 1),
            loc("sites.csv", "I004", 2, 19),
        ),
        (
            "sites.csv",
            sites.replacen("1,NYC,BOS", "1,NYX,BOS", 1),
            loc("sites.csv", "I005", 2, 21),
        ),
        (
            "sites.csv",
            format!("{sites}MAN,Manchester again,1,LON,MAN-SEC02,2.50.4160.2000,4160,1\r\n"),
            loc("sites.csv", "I006", 9, 1),
        ),
        (
            "sites.csv",
            sites.replacen("BOS-SEC01,2.50.4160.2000", "BOS-SEC01,2.50.4160", 1),
            loc("sites.csv", "I007", 2, 35),
        ),
        (
            "site_systems.csv",
            format!(
                "{}BOS,NYC-MP01,SMS Distribution Point\r\n",
                read(Path::new(EXPORT), "site_systems.csv")
            ),
            loc("site_systems.csv", "I008", 41, 1),
        ),
        (
            "sql.csv",
            "ServerName,ProductVersion\r\nCEN-SQL01,nine\r\n".to_string(),
            loc("sql.csv", "I007", 2, 11),
        ),
        (
            "clients.csv",
            "SiteCode,ClientType,Clients\r\nSEA,1,10\r\nCEN,1,lots\r\n".to_string(),
            loc("clients.csv", "I010", 2, 1),
        ),
    ];
    for (file, text, expected) in cases {
        let dir = export_copy();
        write(dir.path(), file, &text);
        let found = problems(dir.path());
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
}

#[test]
fn every_problem_of_every_file_in_one_run_and_nothing_written() {
    let dir = export_copy();
    let sites = read(dir.path(), "sites.csv")
        .replacen("Boston branch,1,", "Boston branch,7,", 1)
        .replacen("2.50.3174.1018", "2.5", 1);
    write(dir.path(), "sites.csv", &sites);
    write(dir.path(), "clients.csv", "SiteCode,Kind,Clients\r\n");
    std::fs::remove_file(dir.path().join("site_systems.csv")).unwrap();
    let out = dir.path().join("out.toml");
    let result = cmplan()
        .arg("import")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert!(!out.exists(), "nothing written");
    let stderr = String::from_utf8_lossy(&result.stderr);
    for expected in [
        "I004",
        "I007",
        "I003",
        "I001",
        "4 problems in the export; nothing was written",
    ] {
        assert!(stderr.contains(expected), "{expected} in\n{stderr}");
    }
    // file:line:column, the line with a caret, and a hint.
    assert!(stderr.contains("sites.csv:2:19]"), "{stderr}");
    assert!(
        stderr.contains("help: SMS_Site.Type is 1 for a secondary site"),
        "{stderr}"
    );
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

#[test]
fn utf16_and_byte_order_mark_files_import_the_same() {
    let dir = export_copy();
    for file in ["sites.csv", "site_systems.csv", "servers.csv"] {
        let text = read(dir.path(), file);
        std::fs::write(dir.path().join(file), utf16le_with_bom(&text)).unwrap();
    }
    // clients.csv with a UTF-8 byte-order mark and LF line ends.
    let clients = read(dir.path(), "clients.csv").replace("\r\n", "\n");
    std::fs::write(
        dir.path().join("clients.csv"),
        [b"\xEF\xBB\xBF".as_slice(), clients.as_bytes()].concat(),
    )
    .unwrap();
    let reference = import::import_dir(Path::new(EXPORT), "X").unwrap();
    let converted = import::import_dir(dir.path(), "X").unwrap();
    assert_eq!(converted.text, reference.text);
}

/// The contoso description as a planner keeps it: imported, filled in, and with a comment of
/// their own.
fn planner_file(dir: &Path) -> PathBuf {
    let imported = import::import_dir(Path::new(EXPORT), EXPORT).unwrap();
    let text = fill_in_contoso(&imported.text).replacen(
        "[[site]]\ncode = \"NYC\"",
        "[[site]]\ncode = \"NYC\"  # our biggest site: upgrade on a weekend",
        1,
    );
    assert!(text.contains("weekend"));
    let path = dir.join("contoso.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn update_changes_only_what_the_database_knows_and_keeps_the_rest() {
    let work = tempfile::tempdir().unwrap();
    let path = planner_file(work.path());
    let before = std::fs::read_to_string(&path).unwrap();
    let export = export_copy();
    // The database moved on: NYC has more clients, LON is on SP3, PHL is gone.
    let clients: String = read(export.path(), "clients.csv")
        .replace("NYC,1,8000", "NYC,1,9100")
        .lines()
        .filter(|l| !l.starts_with("PHL"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    write(export.path(), "clients.csv", &clients);
    let sites: String = read(export.path(), "sites.csv")
        .replace(
            "LON-SMS01,2.50.3174.1018,3174",
            "LON-SMS01,2.50.4253.3000,4253",
        )
        .lines()
        .filter(|l| !l.starts_with("PHL"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    write(export.path(), "sites.csv", &sites);
    for file in ["site_systems.csv", "servers.csv"] {
        let kept: String = read(export.path(), file)
            .lines()
            .filter(|l| !l.contains("PHL"))
            .map(|l| format!("{l}\r\n"))
            .collect();
        write(export.path(), file, &kept);
    }
    let out = cmplan()
        .arg("import")
        .arg(export.path())
        .arg("--update")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for edit in [
        "site NYC: clients changed from 8000 to 9100",
        "site LON: version changed from \"sms2003-sp1\" to \"sms2003-sp3\"",
        "removed site PHL",
        "removed server PHL-SEC01",
    ] {
        assert!(stdout.contains(edit), "{edit} in\n{stdout}");
    }
    let after = std::fs::read_to_string(&path).unwrap();
    // The expected text: the planner's file with exactly those edits.
    let mut expected = before.replace("clients = 8000", "clients = 9100").replace(
        "parent = \"CEN\"\nversion = \"sms2003-sp1\"",
        "parent = \"CEN\"\nversion = \"sms2003-sp3\"",
    );
    for (start, header) in [
        ("code = \"PHL\"", "[[site]]"),
        ("name = \"PHL-SEC01\"", "[[server]]"),
    ] {
        let at = expected.find(start).unwrap();
        let from = expected[..at].rfind(header).unwrap();
        // The table's own comments (provenance) go with it.
        let from = expected[..from].trim_end_matches(|c| c != '\n').len();
        let from = expected[..from - 1].rfind("\n\n").map_or(from, |i| i + 2);
        let to = expected[at..]
            .find("\n\n")
            .map_or(expected.len(), |i| at + i + 2);
        expected.replace_range(from..to, "");
    }
    assert_eq!(after, expected);
    assert!(after.contains("# our biggest site: upgrade on a weekend"));
    cmplan::input::load(&path).unwrap();
}

#[test]
fn update_adds_a_new_site_with_its_checks() {
    let work = tempfile::tempdir().unwrap();
    let path = planner_file(work.path());
    let export = export_copy();
    let sites = format!(
        "{}SEA,Seattle branch,1,NYC,SEA-SEC01,2.50.4253.3000,4253,1\r\n",
        read(export.path(), "sites.csv")
    );
    write(export.path(), "sites.csv", &sites);
    let systems = format!(
        "{}SEA,SEA-SEC01,SMS Distribution Point\r\nSEA,SEA-SEC01,SMS Site Server\r\n",
        read(export.path(), "site_systems.csv")
    );
    write(export.path(), "site_systems.csv", &systems);
    let out = cmplan()
        .arg("import")
        .arg(export.path())
        .arg("--update")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("added site SEA"), "{stdout}");
    assert!(stdout.contains("added server SEA-SEC01"), "{stdout}");
    // The plan diff in `cmplan diff`'s words.
    assert!(
        stdout.contains("SITE-UPG-SEA") || stdout.contains("SEA"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("site.security: SEA"), "{stderr}");
    let env = cmplan::input::load(&path).unwrap();
    assert_eq!(env.sites.len(), 8);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("# our biggest site: upgrade on a weekend"));
    assert!(after.contains("feature_packs = [\"itmu\", \"osd\"]"));
}

#[test]
fn an_unknown_role_is_kept_in_a_comment_and_a_fqdn_is_the_same_server() {
    let dir = export_copy();
    let systems = format!(
        "{}NYC,nyc-mp01.contoso.com,SMS Fallback Status Point\r\n",
        read(dir.path(), "site_systems.csv")
    );
    write(dir.path(), "site_systems.csv", &systems);
    let imported = import::import_dir(dir.path(), "X").unwrap();
    assert_eq!(imported.servers, 10, "nyc-mp01.contoso.com is NYC-MP01");
    assert!(
        imported.text.contains(
            "# site_systems.csv line 41: role \"SMS Fallback Status Point\" has no equivalent in cmplan and is not written\n[[server]]\nname = \"NYC-MP01\""
        ),
        "{}",
        imported.text
    );
}
