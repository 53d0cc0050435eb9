mod markdown_support;
#[test]
fn print() {
    let ctx = cmplan::render::RenderContext::default();
    for (n, p) in [("sample", markdown_support::sample_plan()), ("hostile", markdown_support::hostile_plan()), ("regen", markdown_support::regenerated_plan())] {
        match cmplan::render::markdown::render(&p, &ctx) {
            Ok(s) => std::fs::write(format!("/tmp/mdtry/{n}.md"), s).unwrap(),
            Err(e) => panic!("{e}"),
        }
    }
}
