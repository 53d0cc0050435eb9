//! Valid-ish descriptions → plan → every format in memory. The input is a valid description
//! (examples/minimal.toml) with the fuzzer's bytes spliced in as TOML lines at the end, so most
//! runs get past validation and exercise the engine and every renderer.
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
    for format in [
        Format::Md,
        Format::Json,
        Format::Html,
        Format::Pdf,
        Format::Xlsx,
    ] {
        // A valid plan renders in every format; the only error allowed is a renderer that has not
        // landed yet on this branch.
        if let Err(e) = render::render(format, &plan, &ctx) {
            assert!(e.message.contains("not implemented yet"), "{e}");
        }
    }
});
