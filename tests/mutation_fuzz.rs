//! A stable, deterministic stand-in for the cargo-fuzz targets (fuzz/): byte mutations of the seed
//! corpus through the loader (as TOML and JSON) and, when they stay valid, the engine and the
//! text renderers. `MUTATIONS=200000 cargo test --release --test mutation_fuzz` runs it longer.

use std::path::Path;

use cmplan::plan::{self, PlanOptions};
use cmplan::render::{self, Format, RenderContext};
use cmplan::templates::Templates;

/// SplitMix64: the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to TOML, JSON and the validator.
const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"'",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b",",
    b"\n",
    b"#",
    b"\\",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"-",
    b"nan",
    b"inf",
    b"1e308",
    b"18446744073709551616",
    b"0x",
    b"parent = \"CEN\"\n",
    b"type = \"secondary\"\n",
    b"[[site]]\n",
    b"[[server]]\n",
    b"null",
    b"\xe2\x80\xae",
    b"|",
    b"<script>",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let i = at.min(data.len() - 1);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            3 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(200)).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
            _ => data.truncate(at),
        }
    }
    data
}

#[test]
fn mutated_descriptions_never_panic() {
    let mutations: usize = std::env::var("MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_500);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/parse_validate");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    seeds.sort();
    let opts = PlanOptions {
        date: "2027-03-01".into(),
        revision: 1,
        templates: Templates::embedded(),
    };
    let ctx = RenderContext::default();
    let mut rng = Rng(2027);
    let (mut valid, mut rendered) = (0, 0);
    for n in 0..mutations {
        let (name, seed) = &seeds[n % seeds.len()];
        let other = &seeds[rng.below(seeds.len())].1;
        let data = mutate(&mut rng, seed, other);
        let label = if name.ends_with(".json") {
            "m.json"
        } else {
            "m.toml"
        };
        match cmplan::input::load_bytes(label, &data) {
            Ok(env) => {
                valid += 1;
                if let Ok(plan) = plan::build(&env, &opts) {
                    for format in [Format::Md, Format::Json, Format::Html] {
                        render::render(format, &plan, &ctx)
                            .unwrap_or_else(|e| panic!("mutation {n} of {name}: {e}"));
                    }
                    rendered += 1;
                }
            }
            Err(err) => {
                assert!(err.count() > 0, "mutation {n} of {name}: no diagnostic");
                for (code, line, column) in err.locations() {
                    assert!(line >= 1 && column >= 1, "mutation {n}: {code} unlocated");
                }
                let _ = err.render(false);
            }
        }
    }
    eprintln!("{mutations} mutations: {valid} valid, {rendered} planned and rendered");
    // The mutations stay close enough to the seeds to reach the engine regularly.
    assert!(valid > 0 && rendered > 0);
}
