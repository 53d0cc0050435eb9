//! `cargo bench`: each stage of the pipeline at the sizes of issue 9 (S/M/L/XL synthetic hierarchies).
//! Targets live in BENCHMARKS.md, never in tests.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use cmplan::plan::{self, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;

fn stages(c: &mut Criterion) {
    let opts = PlanOptions {
        date: "2027-03-01".to_string(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let ctx = RenderContext::default();
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for &(size, sites) in cmplan::synth::SIZES {
        let text = cmplan::synth::generate(sites, 1);
        let env = cmplan::input::load_bytes("synth.toml", text.as_bytes())
            .expect("synthetic input is valid");
        let plan = plan::build(&env, &opts).expect("plan");
        group.throughput(Throughput::Elements(plan.tasks().count() as u64));
        group.bench_with_input(
            BenchmarkId::new("parse+validate", size),
            &text,
            |b, text| b.iter(|| cmplan::input::load_bytes("synth.toml", text.as_bytes()).unwrap()),
        );
        group.bench_with_input(BenchmarkId::new("plan", size), &env, |b, env| {
            b.iter(|| plan::build(env, &opts).unwrap())
        });
        for format in [Format::Md, Format::Pdf, Format::Xlsx, Format::Json] {
            group.bench_with_input(
                BenchmarkId::new(format.extension(), size),
                &plan,
                |b, plan| b.iter(|| render::render(format, plan, &ctx).unwrap()),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
