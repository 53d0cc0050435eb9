//! The Markdown escaper, against any text: it must come back from pulldown-cmark as the same
//! literal text (line breaks as spaces, ends trimmed), in a paragraph, a list item and a table
//! cell, without opening any structure.

use cmplan::render::markdown::{escape, parser_options};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What a value should read as once printed.
fn expected(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The text of the document, and every event that is neither text nor the expected wrapper.
fn read(markdown: &str, allowed: &[&str]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut other = Vec::new();
    for event in Parser::new_ext(markdown, parser_options()) {
        match event {
            Event::Text(t) => text.push_str(&t),
            e => {
                let name = format!("{e:?}");
                if !allowed.iter().any(|a| name.starts_with(a)) {
                    other.push(name);
                }
            }
        }
    }
    (text, other)
}

fn hostile_text() -> impl Strategy<Value = String> {
    // Markdown's special characters, digits, letters, spaces and line breaks, and some Unicode.
    proptest::collection::vec(
        prop_oneof![
            Just("|"),
            Just("*"),
            Just("_"),
            Just("<"),
            Just(">"),
            Just("`"),
            Just("#"),
            Just("["),
            Just("]"),
            Just("("),
            Just(")"),
            Just("\\"),
            Just("!"),
            Just("~"),
            Just("&"),
            Just(";"),
            Just("-"),
            Just("+"),
            Just("="),
            Just("."),
            Just(":"),
            Just("/"),
            Just("\""),
            Just("'"),
            Just("$"),
            Just("@"),
            Just("{"),
            Just("}"),
            Just(" "),
            Just("  "),
            Just("\n"),
            Just("\r\n"),
            Just("\t"),
            Just("1"),
            Just("23"),
            Just("a"),
            Just("www"),
            Just("http"),
            Just("amp"),
            Just("é"),
            Just("→"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_paragraph_of_any_value_is_that_value(value in hostile_text()) {
        prop_assume!(!expected(&value).is_empty());
        let (text, other) = read(&escape(&value), &["Start(Paragraph)", "End(Paragraph)"]);
        prop_assert_eq!(other, Vec::<String>::new());
        prop_assert_eq!(text, expected(&value));
    }

    #[test]
    fn a_list_item_keeps_its_shape(value in hostile_text()) {
        let markdown = format!("- **ID** {}\n- next\n", escape(&value));
        let (text, other) = read(&markdown, &["Start(List", "End(List", "Start(Item)", "End(Item)", "Start(Strong)", "End(Strong)"]);
        prop_assert_eq!(other, Vec::<String>::new());
        let e = expected(&value);
        let want = if e.is_empty() { "IDnext".to_string() } else { format!("ID {e}next") };
        prop_assert_eq!(text, want);
    }

    #[test]
    fn a_table_cell_stays_one_cell(value in hostile_text()) {
        let markdown = format!("| A | B |\n|---|---|\n| {} | x |\n", escape(&value));
        let mut cells = Vec::new();
        let mut cell: Option<String> = None;
        for event in Parser::new_ext(&markdown, parser_options()) {
            match event {
                Event::Start(Tag::TableCell) => cell = Some(String::new()),
                Event::End(TagEnd::TableCell) => cells.push(cell.take().unwrap()),
                Event::Text(t) => cell.as_mut().unwrap().push_str(&t),
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow)
                | Event::End(TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow) => {}
                e => prop_assert!(false, "unexpected {:?} in {:?}", e, markdown),
            }
        }
        prop_assert_eq!(cells, vec!["A".to_string(), "B".into(), expected(&value), "x".into()]);
    }
}
