//! A failing standard output is never a panic: a reader that went away ends the run quietly
//! (exit 0, nothing on stderr), a full device is one line on stderr and exit 1.

use std::path::Path;
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every subcommand that prints on standard output, with its arguments.
fn printing_commands() -> Vec<Vec<String>> {
    let contoso = root().join("examples/contoso.toml").display().to_string();
    let rev2 = root()
        .join("examples/contoso-rev2.toml")
        .display()
        .to_string();
    vec![
        vec!["schema".into()],
        vec!["validate".into(), contoso.clone()],
        vec!["diff".into(), contoso, rev2],
        vec!["man".into()],
        vec!["completions".into(), "bash".into()],
        vec!["synth".into(), "--size".into(), "S".into()],
    ]
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in printing_commands() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cmplan"))
            .args(&args)
            .env("SOURCE_DATE_EPOCH", "1800000000")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the first byte (as `| head -0` would).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} printed: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_is_one_line_and_exit_1() {
    for args in printing_commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_cmplan"))
            .args(&args)
            .env("SOURCE_DATE_EPOCH", "1800000000")
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to standard output"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("internal error"), "{args:?}: {stderr}");
    }
}
