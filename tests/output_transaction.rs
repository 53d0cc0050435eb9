//! One write transaction per run: after any failure or kill the output folder holds the previous
//! complete set of files or the new complete set, never a mix; a refused run makes no backup; the
//! backup keeps the original's permissions; runs into one folder take turns; cmplan never
//! replaces the description or a file it did not write.
//!
//! Kills and failures at each rename go through `CMPLAN_FAULT`, read by debug builds only.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn command(input: &Path, out: &Path, formats: &str, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmplan"));
    cmd.arg("generate")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["-f", formats, "--date", "2027-03-01"])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("CMPLAN_FAULT");
    cmd
}

fn generate(input: &Path, out: &Path, formats: &str, extra: &[&str]) -> Output {
    command(input, out, formats, extra).output().unwrap()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Compares two folder snapshots, naming the files that differ (not dumping their bytes).
#[track_caller]
fn assert_same(got: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>, what: &str) {
    let differ: Vec<&String> = got
        .keys()
        .chain(expected.keys())
        .filter(|k| got.get(*k) != expected.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what}: these files differ: {differ:?}");
}

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Two revisions of a description under one file name, so both write the same outputs.
struct Scenario {
    _dir: tempfile::TempDir,
    input: PathBuf,
    out: PathBuf,
}

fn scenario() -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("contoso.toml");
    std::fs::copy(root().join("examples/contoso.toml"), &input).unwrap();
    let out = dir.path().join("out");
    Scenario {
        input,
        out,
        _dir: dir,
    }
}

impl Scenario {
    fn to_rev2(&self) {
        std::fs::copy(root().join("examples/contoso-rev2.toml"), &self.input).unwrap();
    }
}

const ALL: &str = "md,pdf,xlsx,json";
/// md, pdf, xlsx, json and the diagram, then the workbook's backup.
const STEPS: usize = 6;

#[test]
fn a_failure_at_any_rename_leaves_the_previous_set_and_no_backup() {
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    let before = snapshot(&s.out);
    s.to_rev2();
    for step in 1..=STEPS {
        let out = command(&s.input, &s.out, ALL, &[])
            .env("CMPLAN_FAULT", format!("fail:{step}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "step {step}: {stderr}");
        assert!(stderr.contains("injected failure"), "step {step}: {stderr}");
        assert_same(&snapshot(&s.out), &before, &format!("fail at step {step}"));
    }
    // Without a fault the same run goes through, with one backup.
    ok(generate(&s.input, &s.out, ALL, &[]));
    let after = snapshot(&s.out);
    assert!(
        after.contains_key("contoso.rev1.xlsx"),
        "{:?}",
        after.keys()
    );
    assert_eq!(after.len(), before.len() + 1);
}

/// The folder after contoso then its second revision were generated into it, undisturbed.
fn rev1_then_rev2() -> BTreeMap<String, Vec<u8>> {
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    s.to_rev2();
    ok(generate(&s.input, &s.out, ALL, &[]));
    snapshot(&s.out)
}

/// Starts a run that stops before rename `step` and returns once it has stopped there.
fn stopped_at(s: &Scenario, step: usize) -> Child {
    let mut child = command(&s.input, &s.out, ALL, &[])
        .env("CMPLAN_FAULT", format!("hang:{step}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("the run ended before the fault point")
            .unwrap();
        if line.starts_with("cmplan-fault: stopped") {
            break;
        }
    }
    child
}

#[test]
fn a_kill_at_any_rename_is_repaired_by_the_next_run() {
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    let before = snapshot(&s.out);
    s.to_rev2();
    let rev2 = rev1_then_rev2();

    for step in 1..=STEPS {
        // SIGKILL in the middle of the commit: some targets replaced, some not.
        let mut child = stopped_at(&s, step);
        child.kill().unwrap();
        child.wait().unwrap();
        // The next run repairs the folder before anything else; stopped before its own first
        // rename, it shows what it found: the previous complete set (plus its staged files).
        let mut next = stopped_at(&s, 1);
        next.kill().unwrap();
        next.wait().unwrap();
        let visible: BTreeMap<_, _> = snapshot(&s.out)
            .into_iter()
            .filter(|(name, _)| !name.starts_with(".cmplan-"))
            .collect();
        assert_same(&visible, &before, &format!("after a kill at rename {step}"));
    }
    // A run to the end leaves no temporary file of any killed run and the new complete set.
    let out = ok(generate(&s.input, &s.out, ALL, &[]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("interrupted"), "{stderr}");
    let after = snapshot(&s.out);
    assert!(
        after.keys().all(|n| !n.starts_with(".cmplan-")),
        "{:?}",
        after.keys()
    );
    for name in ["contoso.md", "contoso.json", "contoso-hierarchy.svg"] {
        assert!(after[name] == rev2[name], "{name}");
    }
    assert!(after["contoso.rev1.xlsx"] == before["contoso.xlsx"]);
}

#[test]
fn a_second_run_into_the_same_folder_waits_for_the_first() {
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    let first = stopped_at(&s, 3);
    // Another description, same output names: it must not mix its files with the first run's.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("contoso.toml");
    std::fs::copy(root().join("examples/contoso-rev2.toml"), &other).unwrap();
    let second = command(&other, &s.out, ALL, &[])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut first = first;
    first.kill().unwrap();
    first.wait().unwrap();
    let out = ok(second.wait_with_output().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("waiting for it to finish"), "{stderr}");
    // Every output is the second run's, which carried the status of the first's workbook.
    let expected = rev1_then_rev2();
    let got = snapshot(&s.out);
    for name in ["contoso.md", "contoso.json", "contoso-hierarchy.svg"] {
        assert!(got[name] == expected[name], "{name}");
    }
}

#[test]
fn a_refused_run_makes_no_backup() {
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    std::fs::remove_file(s.out.join("contoso-hierarchy.svg")).unwrap();
    std::fs::create_dir(s.out.join("contoso-hierarchy.svg")).unwrap();
    let before = snapshot(&s.out);
    for _ in 0..3 {
        let out = generate(&s.input, &s.out, ALL, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("a folder of that name is in the way"),
            "{stderr}"
        );
        assert!(stderr.contains("contoso-hierarchy.svg"), "{stderr}");
    }
    assert_same(&snapshot(&s.out), &before, "refused runs");
}

#[test]
fn a_name_too_long_for_the_file_system_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // 242 characters: `<stem>.md` fits in 255 bytes, `<stem>-hierarchy.svg` does not.
    let input = dir.path().join(format!("{}.toml", "a".repeat(242)));
    std::fs::copy(root().join("examples/contoso.toml"), &input).unwrap();
    let out = dir.path().join("out");
    let o = generate(&input, &out, ALL, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("shorter file name"), "{stderr}");
    assert!(snapshot(&out).is_empty(), "{:?}", snapshot(&out).keys());
}

#[cfg(unix)]
#[test]
fn the_backup_keeps_the_permissions_of_the_workbook() {
    use std::os::unix::fs::PermissionsExt;
    let s = scenario();
    ok(generate(&s.input, &s.out, ALL, &[]));
    let workbook = s.out.join("contoso.xlsx");
    std::fs::set_permissions(&workbook, std::fs::Permissions::from_mode(0o640)).unwrap();
    // A new revision (an unchanged plan keeps its revision and makes no backup).
    s.to_rev2();
    ok(generate(&s.input, &s.out, ALL, &[]));
    let backup = std::fs::metadata(s.out.join("contoso.rev1.xlsx")).unwrap();
    assert_eq!(backup.permissions().mode() & 0o777, 0o640);
}

/// The description as JSON, for the cases where it sits where an output goes.
fn json_description(path: &Path) {
    let text = std::fs::read_to_string(root().join("examples/contoso.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

#[test]
fn the_description_itself_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("site.json");
    json_description(&input);
    let original = std::fs::read(&input).unwrap();
    let o = generate(&input, dir.path(), "md,json", &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the description being read"), "{stderr}");
    assert_eq!(std::fs::read(&input).unwrap(), original);
    assert!(!dir.path().join("site.md").exists(), "nothing written");
}

#[test]
fn a_file_cmplan_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Someone's description (not the input) at the JSON output's name, and an HTML page.
    json_description(&out.join("contoso.json"));
    let description = std::fs::read(out.join("contoso.json")).unwrap();
    let o = generate(&root().join("examples/contoso.toml"), &out, "md,json", &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("does not look like a file cmplan wrote"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("contoso.json")).unwrap(),
        description
    );
    assert!(!out.join("contoso.md").exists());
    std::fs::write(out.join("contoso.html"), "<html>my page</html>").unwrap();
    std::fs::remove_file(out.join("contoso.json")).unwrap();
    let o = generate(&root().join("examples/contoso.toml"), &out, "html", &[]);
    assert_eq!(o.status.code(), Some(1));
    // What cmplan wrote itself it replaces.
    std::fs::remove_file(out.join("contoso.html")).unwrap();
    ok(generate(
        &root().join("examples/contoso.toml"),
        &out,
        "md,json,html",
        &[],
    ));
    ok(generate(
        &root().join("examples/contoso.toml"),
        &out,
        "md,json,html",
        &[],
    ));
}
