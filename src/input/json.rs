//! A small JSON parser that keeps the byte span of every key and value (serde_json does not), so
//! that JSON descriptions get diagnostics located as precisely as TOML ones.
//!
//! Strict RFC 8259, plus friendly messages for the usual hand-editing slips (trailing commas,
//! comments, single quotes, NaN).

use super::tree::{Entry, Kind, Node, Span, MAX_DEPTH};

/// A syntax error: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

/// A key that appears twice in one object (JSON allows it; a description must not).
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

#[derive(Debug)]
pub struct Parsed {
    pub root: Node,
    pub duplicates: Vec<DuplicateKey>,
}

pub fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        duplicates: Vec::new(),
    };
    p.skip_ws()?;
    let root = p.value(0)?;
    p.skip_ws()?;
    if p.pos < p.bytes.len() {
        return Err(p.error_at(
            p.pos,
            "unexpected text after the end of the document",
            Some("a description is a single JSON object; remove what follows its closing `}`"),
        ));
    }
    Ok(Parsed {
        root,
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    duplicates: Vec<DuplicateKey>,
}

impl Parser<'_> {
    fn error_at(&self, pos: usize, message: &str, hint: Option<&str>) -> SyntaxError {
        SyntaxError {
            message: message.to_string(),
            span: pos..self.char_end(pos),
            hint: hint.map(str::to_string),
        }
    }

    /// End of the character starting at `pos` (so a caret covers a whole character).
    fn char_end(&self, pos: usize) -> usize {
        if pos >= self.text.len() {
            return self.text.len();
        }
        let mut end = pos + 1;
        while end < self.text.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/') | Some(b'*')) => {
                    return Err(self.error_at(
                        self.pos,
                        "comments are not allowed in JSON",
                        Some("remove the comment, or write the description in TOML, which allows `#` comments"),
                    ));
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                "the document is nested too deeply",
                Some("a description needs at most three levels of nesting"),
            ));
        }
        let start = self.pos;
        match self.peek() {
            None => Err(self.error_at(
                self.pos,
                "unexpected end of the document, expected a value",
                Some("the file ends before the description does; `cmplan init` writes a complete example (in TOML)"),
            )),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node {
                    span: start..self.pos,
                    kind: Kind::String(s),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'\'') => Err(self.error_at(
                start,
                "strings in JSON use double quotes",
                Some("replace the single quotes with double quotes (\")"),
            )),
            Some(_) => {
                let word_end = self.bytes[start..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                    .map(|n| start + n)
                    .unwrap_or(self.bytes.len());
                let word = &self.text[start..word_end];
                let kind = match word {
                    "true" => Kind::Bool(true),
                    "false" => Kind::Bool(false),
                    "null" => Kind::Null,
                    "NaN" | "Infinity" | "nan" | "inf" => {
                        return Err(SyntaxError {
                            message: format!("`{word}` is not a JSON value"),
                            span: start..word_end,
                            hint: Some("JSON has no NaN or infinity: write a finite number".into()),
                        })
                    }
                    "True" | "False" | "TRUE" | "FALSE" | "Null" | "NULL" | "None" => {
                        return Err(SyntaxError {
                            message: format!("`{word}` is not a JSON value"),
                            span: start..word_end,
                            hint: Some(format!(
                                "JSON literals are lower case: write `{}`",
                                match word.to_ascii_lowercase().as_str() {
                                    "none" => "null".to_string(),
                                    w => w.to_string(),
                                }
                            )),
                        })
                    }
                    "" => {
                        return Err(self.error_at(
                            start,
                            &format!("unexpected `{}`, expected a value", self.char_at(start)),
                            Some("a value is a string in double quotes, a number, true, false, null, an array or an object"),
                        ))
                    }
                    _ => {
                        return Err(SyntaxError {
                            message: format!("`{word}` is not a JSON value"),
                            span: start..word_end,
                            hint: Some("put text in double quotes: \"…\"".into()),
                        })
                    }
                };
                self.pos = word_end;
                Ok(Node {
                    span: start..word_end,
                    kind,
                })
            }
        }
    }

    fn char_at(&self, pos: usize) -> &str {
        &self.text[pos..self.char_end(pos)]
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // `{`
        let mut entries: Vec<Entry> = Vec::new();
        let mut comma = start;
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node {
                span: start..self.pos,
                kind: Kind::Table(entries),
            });
        }
        loop {
            self.skip_ws()?;
            let key_start = self.pos;
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') if !entries.is_empty() => {
                    return Err(self.error_at(
                        comma,
                        "trailing comma before `}`",
                        Some("JSON does not allow a comma after the last member: remove it"),
                    ))
                }
                None => {
                    return Err(self.error_at(
                        start,
                        "this object is never closed",
                        Some("add the missing `}`"),
                    ))
                }
                _ => {
                    return Err(self.error_at(
                        key_start,
                        "expected a key in double quotes",
                        Some("object keys are strings: write \"key\": value"),
                    ))
                }
            }
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                return Err(self.error_at(
                    self.pos,
                    "expected `:` after the key",
                    Some("write \"key\": value"),
                ));
            }
            self.pos += 1;
            self.skip_ws()?;
            let value = self.value(depth + 1)?;
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                self.duplicates.push(DuplicateKey {
                    key: key.clone(),
                    span: key_span.clone(),
                    first: first.key_span.clone(),
                });
            } else {
                entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
            }
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    comma = self.pos;
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        span: start..self.pos,
                        kind: Kind::Table(entries),
                    });
                }
                None => {
                    return Err(self.error_at(
                        start,
                        "this object is never closed",
                        Some("add the missing `}`"),
                    ))
                }
                Some(_) => {
                    return Err(self.error_at(
                        self.pos,
                        "expected `,` or `}` after a member",
                        Some("separate the members of an object with commas"),
                    ))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        let mut comma = start;
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node {
                span: start..self.pos,
                kind: Kind::Array(items),
            });
        }
        loop {
            self.skip_ws()?;
            match self.peek() {
                Some(b']') => {
                    return Err(self.error_at(
                        comma,
                        "trailing comma before `]`",
                        Some("JSON does not allow a comma after the last element: remove it"),
                    ))
                }
                None => {
                    return Err(self.error_at(
                        start,
                        "this array is never closed",
                        Some("add the missing `]`"),
                    ))
                }
                _ => {}
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    comma = self.pos;
                    self.pos += 1;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        span: start..self.pos,
                        kind: Kind::Array(items),
                    });
                }
                None => {
                    return Err(self.error_at(
                        start,
                        "this array is never closed",
                        Some("add the missing `]`"),
                    ))
                }
                Some(_) => {
                    return Err(self.error_at(
                        self.pos,
                        "expected `,` or `]` after an element",
                        Some("separate the elements of an array with commas"),
                    ))
                }
            }
        }
    }

    /// A string starting at the current `"`; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => {
                    return Err(self.error_at(
                        start,
                        "this string is never closed",
                        Some("add the closing double quote (\")"),
                    ))
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4(esc)?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos) == Some(&b'\\')
                                    && self.bytes.get(self.pos + 1) == Some(&b'u')
                                {
                                    self.pos += 2;
                                    let lo = self.hex4(esc)?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.bad_escape(esc));
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            match c {
                                Some(c) => {
                                    out.push(c);
                                    continue;
                                }
                                None => return Err(self.bad_escape(esc)),
                            }
                        }
                        _ => return Err(self.bad_escape(esc)),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.error_at(
                        self.pos,
                        "control character (such as a line break) inside a string",
                        Some("write it escaped: \\n for a line break, \\t for a tab"),
                    ))
                }
            }
        }
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.bad_escape(esc)),
        }
    }

    fn bad_escape(&self, esc: usize) -> SyntaxError {
        SyntaxError {
            message: "invalid escape sequence in a string".into(),
            span: esc..self.char_end(esc + 1).max(esc + 1),
            hint: Some(
                "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\"
                    .into(),
            ),
        }
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let malformed = |p: &Parser<'_>, end: usize| {
            SyntaxError {
            message: format!("`{}` is not a valid JSON number", &p.text[start..end.max(start + 1)]),
            span: start..end.max(start + 1),
            hint: Some("write a plain decimal number such as 42 or 2.5 (no leading zeros, no leading `+` or `.`)".into()),
        }
        };
        if i == int_start || (b[int_start] == b'0' && i - int_start > 1) {
            return Err(malformed(self, i));
        }
        let mut integral = true;
        if b.get(i) == Some(&b'.') {
            integral = false;
            i += 1;
            let frac = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == frac {
                return Err(malformed(self, i));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            integral = false;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == exp {
                return Err(malformed(self, i));
            }
        }
        self.pos = i;
        let text = &self.text[start..i];
        let kind = if integral {
            Kind::Integer(text.parse::<i128>().ok())
        } else {
            // Overflowing exponents parse to infinity; validation reports them as out of range.
            Kind::Float(text.parse::<f64>().unwrap_or(f64::NAN))
        };
        Ok(Node {
            span: start..i,
            kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(node: &Node) -> &[Entry] {
        match &node.kind {
            Kind::Table(e) => e,
            other => panic!("not a table: {other:?}"),
        }
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "{\n  \"a\": [1, \"x\\u00e9\"],\n  \"b\": {\"c\": null}\n}";
        let parsed = parse(text).unwrap();
        let entries = table(&parsed.root);
        assert_eq!(&text[entries[0].key_span.clone()], "\"a\"");
        assert_eq!(&text[entries[0].value.span.clone()], "[1, \"x\\u00e9\"]");
        match &entries[0].value.kind {
            Kind::Array(items) => match &items[1].kind {
                Kind::String(s) => assert_eq!(s, "xé"),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        assert_eq!(&text[entries[1].value.span.clone()], "{\"c\": null}");
    }

    #[test]
    fn numbers_keep_integer_and_overflow_apart() {
        let parsed = parse("[18446744073709551616, -3, 2.5, 1e400]").unwrap();
        let Kind::Array(items) = parsed.root.kind else {
            panic!()
        };
        assert!(matches!(items[0].kind, Kind::Integer(Some(v)) if v == 18446744073709551616));
        assert!(matches!(items[1].kind, Kind::Integer(Some(-3))));
        assert!(matches!(items[2].kind, Kind::Float(v) if v == 2.5));
        assert!(matches!(items[3].kind, Kind::Float(v) if v.is_infinite()));
    }

    #[test]
    fn trailing_comma_is_located() {
        let text = "{\"a\": 1,\n}";
        let err = parse(text).unwrap_err();
        assert_eq!(err.span, 7..8);
        assert!(err.message.contains("trailing comma"));
    }

    #[test]
    fn duplicate_keys_are_reported_not_merged() {
        let parsed = parse("{\"a\": 1, \"a\": 2}").unwrap();
        assert_eq!(parsed.duplicates.len(), 1);
        assert_eq!(parsed.duplicates[0].span, 9..12);
        assert_eq!(parsed.duplicates[0].first, 1..4);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text)
            .unwrap_err()
            .message
            .contains("nested too deeply"));
    }
}
