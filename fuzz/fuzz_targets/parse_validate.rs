//! Arbitrary bytes → the loader, as TOML and as JSON. Any input must give either a valid
//! environment or located diagnostics; never a panic, and the report must render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["fuzz.toml", "fuzz.json"] {
        match cmplan::input::load_bytes(name, data) {
            Ok(env) => assert!(!env.sites.is_empty(), "a valid description has sites"),
            Err(err) => {
                assert!(err.count() > 0, "an error without a diagnostic");
                // Every diagnostic is located (the bytes were read), and the report renders.
                for (code, line, column) in err.locations() {
                    assert!(line >= 1 && column >= 1, "{code} at {line}:{column}");
                }
                let _ = err.render(false);
            }
        }
    }
});
