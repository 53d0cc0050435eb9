//! What each stable code means: the readiness findings (`CHK-…`), the input diagnostics (`E0xx`)
//! and the import problems (`I0xx`). `cmplan explain CODE` prints one; `docs/rules.md` is all of
//! them, generated here (a test keeps the file equal to what this writes).

use crate::input::Code;
use crate::plan::findings::{RuleCode, RETIRED};
use crate::plan::sources;

/// Where the input rules come from: the description's contract, or the domain fact behind them.
const CONTRACT: &str = "docs/contract.md §1 (the environment description)";

/// Every input and import diagnostic code, in order.
pub const DIAGNOSTICS: &[Code] = {
    use Code::*;
    &[
        E000, E001, E002, E003, E004, E005, E006, E007, E008, E009, E010, E011, E012, E013, E014,
        E015, E016, E017, E018, E019, E020, E021, E022, E023, E024, E025, E026, E027, E028, E029,
        E030, E031, E032, E033, E034, E035, E036, E037, E038, E039, E040, E041, E042, I001, I002,
        I003, I004, I005, I006, I007, I008, I009, I010, I011, I012, I013, I014, W001,
    ]
};

/// What a diagnostic code means and where its rule comes from (a source id of the reference
/// table, or the contract).
pub fn diagnostic(code: Code) -> (&'static str, &'static str) {
    use Code::*;
    match code {
        E000 => ("The description file cannot be read at all (missing, a folder, no permission).", CONTRACT),
        E001 => ("TOML or JSON syntax error.", CONTRACT),
        E002 => ("The file is not UTF-8 text.", CONTRACT),
        E003 => ("Unknown key (a misspelling is named with the key it was probably meant to be).", CONTRACT),
        E004 => ("A required key is missing.", CONTRACT),
        E005 => ("A value of the wrong type (text where a number is expected, …).", CONTRACT),
        E006 => ("An unknown enumerated value (version, security mode, role, operating system, SQL Server…).", CONTRACT),
        E007 => ("A number out of range: negative, zero where it must be positive, NaN or infinite.", CONTRACT),
        E008 => ("A fraction where a whole number is needed.", CONTRACT),
        E009 => ("A whole number too large.", CONTRACT),
        E010 => ("A malformed site code (three letters or digits).", "S27"),
        E011 => ("Two sites with the same code.", "S27"),
        E012 => ("Two servers with the same name (names are compared ignoring case).", CONTRACT),
        E013 => ("No central site: every site has a parent.", "S27"),
        E014 => ("More than one site without a parent (a hierarchy has one central site).", "S27"),
        E015 => ("The central site is a secondary site (it must be a primary).", "S33"),
        E016 => ("A site's parent does not exist.", "S27"),
        E017 => ("A cycle in the parent relation.", "S27"),
        E018 => ("A secondary site is given as a parent (secondaries have no children).", "S33"),
        E019 => ("A secondary site has a database server (secondaries have no site database).", "S33"),
        E020 => ("A primary site has no database server.", "S33"),
        E021 => ("A reference to a server that is not described.", CONTRACT),
        E022 => ("A site database server without its `sql` version.", CONTRACT),
        E023 => ("`server.site` names a site that does not exist.", CONTRACT),
        E024 => ("A server with roles but no `site`.", CONTRACT),
        E025 => ("A malformed custom task id, or a malformed `after`/`before` kind.", CONTRACT),
        E026 => ("Two custom tasks with the same id.", CONTRACT),
        E027 => ("A duplicate key in a JSON object.", CONTRACT),
        E028 => ("An empty text where a name is needed.", CONTRACT),
        E029 => ("One server is the site server of two sites.", "S27"),
        E030 => ("A site server whose `server.site` names another site.", CONTRACT),
        E031 => ("A malformed date (`plan.start`, `schedule.blackout`): not YYYY-MM-DD, or no such day.", CONTRACT),
        E032 => ("`schedule.weekdays` leaves no day of the week to work on.", CONTRACT),
        E033 => ("A computer name with whitespace before or after it (it would become part of task IDs).", CONTRACT),
        E034 => ("A name or text with no visible character.", CONTRACT),
        E035 => ("A control character in a name or text (multi-line texts of a custom task may hold line breaks and tabs).", CONTRACT),
        E036 => ("A text longer than its kind allows (names 256 characters, titles 1,000, multi-line texts 30,000).", CONTRACT),
        E037 => ("The description file is larger than cmplan reads (64 MiB).", CONTRACT),
        E038 => ("A custom task's `after` or `before` names no kind of task the plan generates.", CONTRACT),
        E039 => ("A custom task with both `after` and `before`.", CONTRACT),
        E040 => ("A `[schedule.days]` key that no rule reads (`CLIENT-UPG`: its duration comes from `schedule.client_days_per_1000`).", CONTRACT),
        E041 => ("A site's `wave` earlier than its parent's (a child is never upgraded before its parent).", "S2"),
        E042 => ("`plan.pilot` names no site of the description, or one the plan cannot lead the client upgrade with.", CONTRACT),
        W001 => ("Warning: a server that no site uses (not a site server, not a database server, no `site`); it appears nowhere in the plan.", CONTRACT),
        I001 => ("`cmplan import`: a required export file is missing or cannot be read.", "docs/import.md"),
        I002 => ("`cmplan import`: an export file is not text (UTF-8, or UTF-16 with a byte-order mark) or not CSV.", "docs/import.md"),
        I003 => ("`cmplan import`: a required column is missing from the header row.", "docs/import.md"),
        I004 => ("`cmplan import`: an unknown coded value (`Type`, `ClientType`, `Status`, `SecurityMode`).", "docs/import.md"),
        I005 => ("`cmplan import`: `ReportingSiteCode` names a site that is not in sites.csv.", "docs/import.md"),
        I006 => ("`cmplan import`: a site code appears twice in sites.csv.", "docs/import.md"),
        I007 => ("`cmplan import`: a version that cannot be read (`Version`, `ProductVersion`).", "docs/import.md"),
        I008 => ("`cmplan import`: a server holds site system roles in two sites.", "docs/import.md"),
        I009 => ("`cmplan import`: a malformed site code.", "docs/import.md"),
        I010 => ("`cmplan import`: a row names a site that is not in sites.csv.", "docs/import.md"),
        I011 => ("`cmplan import`: an empty value where one is needed (site name, server name).", "docs/import.md"),
        I012 => ("`cmplan import`: a server appears twice in servers.csv or sql.csv.", "docs/import.md"),
        I013 => ("`cmplan import`: a count or size that is not a number (`Clients`, `FreeSpaceMB`).", "docs/import.md"),
        I014 => ("`cmplan import`: the sites do not form one hierarchy (no central site, two, a cycle, a secondary as parent).", "docs/import.md"),
    }
}

/// "S8 CM07 General Supported Configurations <http://…>", or the document named.
fn source_text(source: &str) -> String {
    match sources::source(source) {
        Some(s) => format!("[{}] {} <{}>", s.id, s.title, s.url),
        None => source.to_string(),
    }
}

fn rule_text(code: RuleCode) -> String {
    let r = code.info();
    format!(
        "{} — {}\nSeverity: {} (the rule's usual severity; a finding may be milder)\nMeaning: {}\nSource: {}\n",
        r.code,
        r.title,
        r.severity.as_str(),
        r.meaning,
        source_text(r.source)
    )
}

/// The explanation of `code` (any case), or `None` for a code cmplan does not have.
pub fn explain(code: &str) -> Option<String> {
    let wanted = code.trim();
    if let Some(&(old, now, why)) = RETIRED
        .iter()
        .find(|(old, _, _)| old.eq_ignore_ascii_case(wanted))
    {
        return Some(format!(
            "{old} is retired and now reported as {now}. {why}\n\n{}",
            rule_text(now)
        ));
    }
    if let Some(c) = RuleCode::parse(wanted) {
        return Some(rule_text(c));
    }
    DIAGNOSTICS
        .iter()
        .find(|c| c.to_string().eq_ignore_ascii_case(wanted))
        .map(|&c| {
            let (meaning, source) = diagnostic(c);
            let kind = if c.to_string().starts_with('I') {
                "import problem"
            } else {
                "input diagnostic"
            };
            format!(
                "{c} — {kind}\nMeaning: {meaning}\nSource: {}\n",
                source_text(source)
            )
        })
}

/// The message for a code cmplan does not have.
pub fn unknown(code: &str) -> String {
    let range = |prefix: char| {
        let codes: Vec<String> = DIAGNOSTICS
            .iter()
            .map(|c| c.to_string())
            .filter(|c| c.starts_with(prefix))
            .collect();
        match codes.as_slice() {
            [one] => one.clone(),
            [first, .., last] => format!("{first}–{last}"),
            [] => String::new(),
        }
    };
    format!(
        "unknown code `{}`: cmplan's codes are the readiness findings CHK-… ({}), the input diagnostics {}, the warning {} and the import problems {}; docs/rules.md lists them all (cmplan explain --all)",
        code.trim(),
        RuleCode::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        range('E'),
        range('W'),
        range('I')
    )
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn source_cell(source: &str) -> String {
    match sources::source(source) {
        Some(s) => format!("[{} {}]({})", s.id, cell(&s.title), s.url),
        None => source.to_string(),
    }
}

/// docs/rules.md: every code with what it means and its source.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# cmplan codes\n\n");
    out.push_str("Generated by `cargo run -- explain --all`; do not edit (a test compares this file with it).\n");
    out.push_str("`cmplan explain CODE` prints one entry.\n\n");
    out.push_str("## Readiness findings\n\n");
    out.push_str("A finding is part of the plan, not an error: blockers have a task that fixes them before the upgrade they block.\n\n");
    out.push_str(
        "| Code | Title | Usual severity | What it means | Source |\n|---|---|---|---|---|\n",
    );
    for &c in RuleCode::ALL {
        let r = c.info();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.code,
            cell(r.title),
            r.severity.as_str(),
            cell(r.meaning),
            source_cell(r.source)
        ));
    }
    out.push_str("\nRetired codes, still explained:\n\n");
    for (old, now, why) in RETIRED {
        out.push_str(&format!("- `{old}`: now reported as `{now}`. {why}\n"));
    }
    out.push_str("\n## Input diagnostics and import problems\n\n");
    out.push_str("An input diagnostic stops `validate` and `generate` (exit 1, nothing written); every problem is reported in one run with file, line and column.\n\n");
    out.push_str("| Code | What it means | Source |\n|---|---|---|\n");
    for &c in DIAGNOSTICS {
        let (meaning, source) = diagnostic(c);
        out.push_str(&format!(
            "| `{c}` | {} | {} |\n",
            cell(meaning),
            source_cell(source)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_diagnostic_code_is_listed_once_in_order() {
        let names: Vec<String> = DIAGNOSTICS.iter().map(|c| c.to_string()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        for c in DIAGNOSTICS {
            let (meaning, source) = diagnostic(*c);
            assert!(meaning.ends_with('.'), "{c}: {meaning}");
            assert!(
                source.starts_with("docs/") || sources::source(source).is_some(),
                "{c}: {source}"
            );
        }
    }
}
