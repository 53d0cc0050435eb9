//! Valid-ish descriptions → plan → every format in memory. The input is a valid description
//! (examples/minimal.toml) with the fuzzer's bytes spliced in as TOML lines at the end, so most
//! runs get past validation and exercise the engine and every renderer.
//! Seeds: fuzz/corpus/pipeline/ (a first byte of 0 splices the rest after the base).
#![no_main]

use libfuzzer_sys::fuzz_target;

use cmplan::plan::{self, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;

const BASE: &str = include_str!("../../examples/minimal.toml");

fuzz_target!(|data: &[u8]| {
    // Either the bytes alone (a whole description) or the base with the bytes appended.
    let (own, tail) = match data.split_first() {
        Some((&b, rest)) => (b & 1 == 1, rest),
        None => return,
    };
    let mut bytes = Vec::new();
    if !own {
        bytes.extend_from_slice(BASE.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(tail);
    let Ok(env) = cmplan::input::load_bytes("fuzz.toml", &bytes) else {
        return;
    };
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let Ok(plan) = plan::build(&env, &opts) else {
        return;
    };
    let ctx = RenderContext::default();
    let formats = [
        Format::Md,
        Format::Json,
        Format::Html,
        Format::Pdf,
        Format::Xlsx,
    ];
    // A valid plan renders in every format, one at a time and all at once (as `generate` does),
    // to the same bytes; the plan's JSON names every task.
    let together = render::render_all(&formats, &plan, &ctx)
        .unwrap_or_else(|e| panic!("a valid plan failed to render: {e}"));
    for (format, bytes) in formats.iter().zip(&together) {
        let alone = render::render(*format, &plan, &ctx)
            .unwrap_or_else(|e| panic!("a valid plan failed to render: {e}"));
        assert!(&alone == bytes, "{format}: render_all differs from render");
    }
    let json = String::from_utf8(together[1].clone()).expect("the JSON plan is UTF-8");
    for task in plan.tasks() {
        let quoted = serde_json::to_string(&task.id).expect("an ID serialises");
        assert!(json.contains(&quoted), "{} missing from the JSON plan", task.id);
    }
});
