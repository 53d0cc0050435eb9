//! Whatever a planner's editor does to a description, the loader answers with an environment or
//! with located, hinted diagnostics: it never panics and never points outside the file.

use proptest::prelude::*;

use cmplan::input;

fn contoso() -> String {
    std::fs::read_to_string("examples/contoso.toml").unwrap()
}

fn contoso_json() -> String {
    let value: toml::Value = toml::from_str(&contoso()).unwrap();
    serde_json::to_string_pretty(&value).unwrap()
}

/// An edit at a position given as a fraction of the text, so shrinking stays meaningful.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: f64, len: usize },
    Insert { at: f64, text: String },
    Duplicate { at: f64, len: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippet = prop_oneof![
        Just("\"".to_string()),
        Just("[[site]]\n".to_string()),
        Just("parent = \"CEN\"\n".to_string()),
        Just("-1".to_string()),
        Just("nan".to_string()),
        Just("{".to_string()),
        Just(",".to_string()),
        Just("é".to_string()),
        "[a-z_=\\[\\]{}\",.0-9 \n-]{1,8}",
    ];
    prop_oneof![
        (0.0..1.0f64, 1usize..20).prop_map(|(at, len)| Edit::Delete { at, len }),
        (0.0..1.0f64, snippet).prop_map(|(at, text)| Edit::Insert { at, text }),
        (0.0..1.0f64, 1usize..200).prop_map(|(at, len)| Edit::Duplicate { at, len }),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for e in edits {
        let pos = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
        match e {
            Edit::Delete { at, len } => {
                let start = pos(*at, bytes.len());
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Insert { at, text } => {
                let start = pos(*at, bytes.len());
                bytes.splice(start..start, text.bytes());
            }
            Edit::Duplicate { at, len } => {
                let start = pos(*at, bytes.len());
                let end = (start + len).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

fn check(name: &str, bytes: &[u8]) {
    match input::load_bytes(name, bytes) {
        Ok(env) => {
            // Whatever was accepted is one tree under a primary central site.
            assert!(env.central().is_primary());
            assert!(env.sites.iter().skip(1).all(|s| s.parent.is_some()));
        }
        Err(err) => {
            assert!(err.count() > 0);
            let lines = bytes.split(|&b| b == b'\n').count();
            for d in &err.diagnostics {
                let (line, column) = d.location.expect("in-memory input always has a location");
                assert!(line >= 1 && line <= lines, "{d:?}");
                assert!(column >= 1);
                assert!(d.hint.is_some(), "{d:?}");
            }
            let report = err.render(false);
            assert!(report.ends_with("in the environment description\n"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn edited_toml_never_panics(edits in prop::collection::vec(edit(), 1..4)) {
        check("edited.toml", &apply(&contoso(), &edits));
    }

    #[test]
    fn edited_json_never_panics(edits in prop::collection::vec(edit(), 1..4)) {
        check("edited.json", &apply(&contoso_json(), &edits));
    }
}
