//! One way of printing a quantity in every document: a value the description gives reads the
//! same in the rule header, the formulas, the assumptions and the workbook-facing JSON.

mod common;

use cmplan::render::{render, Format, RenderContext};

#[test]
fn a_fractional_per_client_figure_reads_the_same_everywhere() {
    let text = std::fs::read_to_string("examples/contoso.toml")
        .unwrap()
        .replace(
            "database_mb_per_client = 2.0 ",
            "database_mb_per_client = 2.25",
        );
    let env = cmplan::input::load_bytes("t.toml", text.as_bytes()).unwrap();
    let plan = common::build(&env);
    assert_eq!(plan.database_mb_per_client, 2.25);
    for format in [Format::Md, Format::Html] {
        let doc =
            String::from_utf8(render(format, &plan, &RenderContext::default()).unwrap()).unwrap();
        // The rule header, each site's formula and the assumption.
        assert!(
            doc.contains("× 2.25 MB per client"),
            "{format:?}: rule header"
        );
        assert!(
            doc.contains("2.25 MB × 17,700 clients"),
            "{format:?}: formula"
        );
        assert!(doc.contains("2.25 MB per client"), "{format:?}: assumption");
        assert!(!doc.contains("2.3 MB"), "{format:?}: a rounded copy");
        // 2.25 × 17,700 = 39,825 MB for CEN, printed whole and grouped.
        assert!(doc.contains("39,825"), "{format:?}");
    }
}

#[test]
fn numbers_are_grouped_and_trimmed() {
    use cmplan::numbers::{fmt_int, fmt_num};
    assert_eq!(fmt_int(17_560), "17,560");
    assert_eq!(fmt_num(2.25), "2.25");
    assert_eq!(fmt_num(2.5), "2.5");
    assert_eq!(fmt_num(35_400.0), "35,400");
    assert_eq!(fmt_num(-1_500.0), "-1,500");
}
