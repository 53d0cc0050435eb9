//! One timed pass over each stage of the pipeline at the sizes of issue 9, in one process:
//! `cargo run --release --example stage_times [S M L XL]`. A quick profile to read beside
//! `cargo bench` (which repeats each stage) and `bench/compare.sh` (whole runs); never a test.

use std::time::Instant;

use cmplan::plan::{self, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let opts = PlanOptions {
        date: "2027-03-01".to_string(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let ctx = RenderContext::default();
    println!("size  tasks  stage           ms    µs/task");
    for &(size, sites) in cmplan::synth::SIZES {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == size) {
            continue;
        }
        let text = cmplan::synth::generate(sites, 1);
        let t = Instant::now();
        let env = cmplan::input::load_bytes("synth.toml", text.as_bytes()).expect("valid input");
        let load = t.elapsed();
        let t = Instant::now();
        let plan = plan::build(&env, &opts).expect("plan");
        let build = t.elapsed();
        let tasks = plan.tasks().count();
        let row = |stage: &str, d: std::time::Duration| {
            let ms = d.as_secs_f64() * 1e3;
            println!(
                "{size:<4} {tasks:>6}  {stage:<12} {ms:>8.1} {:>8.1}",
                ms * 1e3 / tasks as f64
            );
        };
        row("load", load);
        row("plan", build);
        // The Markdown's own share: the plan as the templates' JSON view, before handlebars.
        let t = Instant::now();
        std::hint::black_box(render::markdown::view(&plan));
        row("md view", t.elapsed());
        for format in [
            Format::Md,
            Format::Pdf,
            Format::Xlsx,
            Format::Json,
            Format::Html,
        ] {
            let t = Instant::now();
            let bytes = render::render(format, &plan, &ctx).expect("render");
            row(format.extension(), t.elapsed());
            std::hint::black_box(bytes);
        }
    }
}
