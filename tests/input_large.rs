//! Hostile and large inputs: the loader stays linear and never recurses over the hierarchy.

use cmplan::input;

/// The i-th three-character site code (36³ = 46,656 of them).
fn code(i: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    [i / 1296, (i / 36) % 36, i % 36]
        .iter()
        .map(|&d| DIGITS[d] as char)
        .collect()
}

/// A description whose sites form one chain `parent_of(i)` decides; one secondary-free server.
fn description(count: usize, parent_of: impl Fn(usize) -> Option<usize>) -> String {
    let mut text = String::from("[plan]\ntitle = \"Large\"\ntarget = \"sp1\"\n\n[[server]]\nname = \"SRV\"\nos = \"windows-2003-sp2\"\nsql = \"sql2005-sp2\"\n");
    for i in 0..count {
        text.push_str(&format!(
            "\n[[site]]\ncode = \"{}\"\nname = \"Site {i}\"\ntype = \"primary\"\n",
            code(i)
        ));
        if let Some(p) = parent_of(i) {
            text.push_str(&format!("parent = \"{}\"\n", code(p)));
        }
        text.push_str(&format!(
            "version = \"sms2003-sp3\"\nsecurity = \"advanced\"\nsite_server = \"SRV{i}\"\ndatabase_server = \"SRV\"\n"
        ));
        text.push_str(&format!(
            "\n[[server]]\nname = \"SRV{i}\"\nsite = \"{}\"\nos = \"windows-2003-sp2\"\n",
            code(i)
        ));
    }
    text
}

#[test]
fn a_chain_of_40000_sites_loads_in_pre_order() {
    let n = 40_000;
    let text = description(n, |i| i.checked_sub(1));
    let env = input::load_bytes("chain.toml", text.as_bytes()).unwrap();
    assert_eq!(env.sites.len(), n);
    assert_eq!(env.sites[n - 1].depth, n - 1);
    assert_eq!(env.sites[n - 1].code.as_str(), code(n - 1));
}

#[test]
fn a_cycle_of_50_sites_among_40000_is_reported_once() {
    let n = 40_000;
    // Sites 1..=50 form a cycle (1 → 50 → 49 → … → 1); everything else hangs off site 0.
    let text = description(n, |i| match i {
        0 => None,
        1 => Some(50),
        2..=50 => Some(i - 1),
        _ => Some(0),
    });
    let err = input::load_bytes("cycle.toml", text.as_bytes()).unwrap_err();
    assert_eq!(err.codes(), ["E017"]);
    let message = &err.diagnostics[0].message;
    assert!(
        message.contains("the parents of 50 sites form a cycle"),
        "{message}"
    );
    assert!(message.starts_with(&format!(
        "the parents of 50 sites form a cycle: {} → {}",
        code(1),
        code(50)
    )));
}

#[test]
fn thousands_of_problems_are_all_collected_but_only_the_first_are_drawn() {
    let n = 5_000;
    // Every site but the central one names a parent that does not exist.
    let text = description(n, |i| (i > 0).then_some(46_000))
        .replace("parent = \"ZHS\"", "parent = \"ZZZ\"");
    let err = input::load_bytes("broken.toml", text.as_bytes()).unwrap_err();
    assert_eq!(err.count(), n - 1);
    let report = err.render(false);
    assert!(
        report.contains("and 4899 more problems, not shown"),
        "{}",
        &report[report.len() - 300..]
    );
    assert!(report.ends_with("broken.toml: 4999 problems in the environment description\n"));
}

#[test]
fn deep_nesting_is_a_located_error_not_a_crash() {
    let toml = format!("a = {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    assert_eq!(
        input::load_bytes("deep.toml", toml.as_bytes())
            .unwrap_err()
            .codes(),
        ["E001"]
    );
    let json = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    assert_eq!(
        input::load_bytes("deep.json", json.as_bytes())
            .unwrap_err()
            .codes(),
        ["E001"]
    );
}
