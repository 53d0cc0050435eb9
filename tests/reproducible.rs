//! Reproducibility: the same description and date give byte-identical files in every format
//! (zip timestamps, PDF IDs and dates, document properties), whenever and wherever it runs.

use std::path::{Path, PathBuf};
use std::process::Command;

const FORMATS: [&str; 5] = ["md", "json", "html", "pdf", "xlsx"];

fn contoso() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contoso.toml")
}

/// Runs `cmplan generate` for the given formats (comma-separated) into `out` and returns the
/// file of the first.
fn generate_formats(out: &Path, formats: &str, date: Option<&str>, epoch: Option<&str>) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmplan"));
    cmd.arg("generate")
        .arg(contoso())
        .arg("-o")
        .arg(out)
        .arg("-f")
        .arg(formats)
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(d) = date {
        cmd.args(["--date", d]);
    }
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let result = cmd.output().unwrap();
    assert!(
        result.status.success(),
        "generate -f {formats} failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let first = formats.split(',').next().unwrap();
    std::fs::read(out.join(format!("contoso.{first}"))).unwrap()
}

fn generate(out: &Path, format: &str, date: Option<&str>, epoch: Option<&str>) -> Vec<u8> {
    generate_formats(out, format, date, epoch)
}

#[test]
fn two_runs_with_the_same_date_give_identical_bytes_in_every_format() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let firsts: Vec<_> = FORMATS
        .iter()
        .map(|f| generate(first.path(), f, Some("2027-03-01"), None))
        .collect();
    // Zip entries carry 2-second timestamps: make sure the clock has moved.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    for (format, a) in FORMATS.iter().zip(firsts) {
        let b = generate(second.path(), format, Some("2027-03-01"), None);
        assert!(a == b, "{format}: the two runs differ");
    }
}

/// `generate` renders the Markdown once for md, pdf and html and the workbook on another
/// thread (`render::render_all`): its files must be the ones each renderer gives alone, with
/// every format at once or one at a time (the PDF once lost its hierarchy diagram that way).
#[test]
fn generate_writes_what_each_renderer_gives_alone() {
    use cmplan::plan::{self, PlanOptions};
    use cmplan::render::{self, Format, RenderContext};
    use cmplan::templates::Templates;

    let env = cmplan::input::load(&contoso()).unwrap();
    let opts = PlanOptions {
        date: "2027-03-01".to_string(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let plan = plan::build(&env, &opts).unwrap();
    let together = tempfile::tempdir().unwrap();
    generate_formats(
        together.path(),
        "md,json,html,pdf,xlsx",
        Some("2027-03-01"),
        None,
    );
    for (name, format) in FORMATS.iter().zip([
        Format::Md,
        Format::Json,
        Format::Html,
        Format::Pdf,
        Format::Xlsx,
    ]) {
        let ctx = RenderContext {
            diagram_file: Some("contoso-hierarchy.svg".into()),
            ..RenderContext::default()
        };
        let expected = render::render(format, &plan, &ctx).unwrap();
        let alone = tempfile::tempdir().unwrap();
        let a = generate(alone.path(), name, Some("2027-03-01"), None);
        let b = std::fs::read(together.path().join(format!("contoso.{name}"))).unwrap();
        assert!(
            a == expected,
            "{name}: generate -f {name} differs from the renderer"
        );
        assert!(
            b == expected,
            "{name}: differs when generated with the other formats"
        );
    }
}

#[test]
fn source_date_epoch_gives_the_same_bytes_as_the_same_date() {
    let by_date = tempfile::tempdir().unwrap();
    let by_epoch = tempfile::tempdir().unwrap();
    // 2027-03-01T12:00:00Z.
    for format in FORMATS {
        let a = generate(by_date.path(), format, Some("2027-03-01"), None);
        let b = generate(by_epoch.path(), format, None, Some("1803902400"));
        assert!(a == b, "{format}: --date and SOURCE_DATE_EPOCH differ");
    }
}

#[test]
fn the_date_reaches_the_output() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let one = generate(a.path(), "json", Some("2027-03-01"), None);
    let two = generate(b.path(), "json", Some("2027-03-02"), None);
    let date = |bytes: &[u8]| {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        v["date"].as_str().unwrap().to_string()
    };
    assert_eq!(date(&one), "2027-03-01");
    assert_eq!(date(&two), "2027-03-02");
}
