//! What `cmplan generate` leaves on disk when something goes wrong: nothing new, nothing half
//! written, no temporary file, and the user's existing files untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cmplan(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cmplan"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

fn generate(input: &Path, out: &Path, formats: &str, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "generate".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "-f".as_ref(),
        formats.as_ref(),
        "--date".as_ref(),
        "2027-03-01".as_ref(),
    ];
    args.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
    cmplan(&args)
}

/// File names in `dir`, sorted (empty when it does not exist).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn case(name: &str) -> PathBuf {
    root().join("tests/hostile/cases").join(name)
}

#[test]
fn invalid_input_exits_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for name in [
        "cycle_2.toml",
        "binary_noise.json",
        "empty.toml",
        "clients_2_pow_63.toml",
    ] {
        let o = generate(&case(name), &out, "md,json,html,xlsx", &[]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing was written"), "{name}");
        assert!(!out.exists(), "{name}: the output folder was created");
    }
}

#[test]
fn a_read_only_output_file_is_a_clear_error_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("contoso.md");
    std::fs::write(&target, "the planner's own edits").unwrap();
    let mut perms = std::fs::metadata(&target).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&target, perms).unwrap();
    let o = generate(
        &root().join("examples/contoso.toml"),
        dir.path(),
        "json,md",
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("contoso.md") && err.contains("read-only"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    // Untouched, and the JSON (which could have been written) was not: all or nothing.
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "the planner's own edits"
    );
    assert_eq!(listing(dir.path()), ["contoso.md"]);
}

#[test]
fn a_template_error_after_other_formats_rendered_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("plan.md.hbs"),
        "# {{title}}\n{{#each phases}}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("contoso.json"), "previous plan").unwrap();
    let o = generate(
        &root().join("examples/contoso.toml"),
        &out,
        "json,md,xlsx",
        &["--templates", templates.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("plan.md.hbs"), "{}", stderr(&o));
    assert_eq!(
        listing(&out),
        ["contoso.json"],
        "no new file, no temporary file"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("contoso.json")).unwrap(),
        "previous plan"
    );
}

#[test]
fn an_output_folder_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plans");
    std::fs::write(&out, "a file, not a folder").unwrap();
    let o = generate(&root().join("examples/minimal.toml"), &out, "md", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot create the output directory"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(dir.path()), ["plans"]);
}

#[test]
fn output_names_come_from_the_file_name_and_stay_in_the_output_folder() {
    // The title holds `../`, `/`, `\` and NUL; the file name starts with dots.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("..plan.toml");
    std::fs::copy(case("title_path_like.toml"), &input).unwrap();
    let out = dir.path().join("out");
    let o = generate(&input, &out, "md,json,html,xlsx", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        listing(&out),
        [
            "__plan-hierarchy.svg",
            "__plan.html",
            "__plan.json",
            "__plan.md",
            "__plan.xlsx"
        ]
    );
    assert_eq!(listing(dir.path()), ["..plan.toml", "out"]);
}

#[test]
fn a_successful_run_replaces_files_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("minimal.md"), "old").unwrap();
    let o = generate(
        &root().join("examples/minimal.toml"),
        dir.path(),
        "md,json",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The Markdown comes with its hierarchy diagram.
    assert_eq!(
        listing(dir.path()),
        ["minimal-hierarchy.svg", "minimal.json", "minimal.md"]
    );
    let md = std::fs::read_to_string(dir.path().join("minimal.md")).unwrap();
    assert!(md.starts_with("# Upgrade of the SMS 2003 site CEN"), "{md}");
}
