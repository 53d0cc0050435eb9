//! Reading one exported CSV file: the bytes decoded (UTF-8 with or without a byte-order mark, or
//! UTF-16 with one, as Management Studio saves "Unicode"), parsed with the `csv` crate, and each
//! cell kept with its byte range so that a problem can be shown at file:line:column.

use std::ops::Range;

/// Why a file's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the first bad byte in the file.
    pub at: usize,
    pub message: String,
}

/// Decodes an export: a UTF-8 BOM is dropped; FF FE / FE FF mark UTF-16 LE / BE.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(body, u16::from_le_bytes);
    }
    if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(body, u16::from_be_bytes);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(DecodeError {
            at: e.valid_up_to() + (bytes.len() - body.len()),
            message: "the file is neither UTF-8 nor UTF-16 with a byte-order mark".into(),
        }),
    }
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError {
            at: body.len() + 1,
            message: "the UTF-16 file ends in the middle of a character".into(),
        });
    }
    let units = body.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(DecodeError {
                    at: 2 + i * 2,
                    message: "the UTF-16 file holds a broken character (an unpaired surrogate)"
                        .into(),
                })
            }
        }
    }
    Ok(text)
}

/// One data row: its 1-based line, and each cell's text (trimmed) and byte range in the text.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<(String, Range<usize>)>,
    /// The whole record, for problems about the row rather than one cell.
    pub span: Range<usize>,
}

/// A parsed export file.
#[derive(Debug)]
pub struct Table {
    /// Header names as written (trimmed).
    pub header: Vec<(String, Range<usize>)>,
    pub rows: Vec<Row>,
}

/// Where a record could not be parsed.
#[derive(Debug)]
pub struct ParseError {
    pub span: Range<usize>,
    pub message: String,
}

/// Parses the decoded text. Quoted fields, CRLF and LF line ends, and rows of different lengths
/// are accepted (a short row has empty cells); a row that is entirely empty is skipped.
pub fn parse(text: &str) -> Result<Table, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Lines are counted here from byte offsets: records only move forward.
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        let start = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e
                    .position()
                    .map(|p| p.byte() as usize)
                    .unwrap_or(start)
                    .min(text.len());
                return Err(ParseError {
                    span: at..at,
                    message: e.to_string(),
                });
            }
        }
        let pos = record.position().expect("read_record sets the position");
        // After a CRLF the reader stops between \r and \n: the record starts past them.
        let mut record_start = pos.byte() as usize;
        while matches!(text.as_bytes().get(record_start), Some(b'\r' | b'\n')) {
            record_start += 1;
        }
        line += text.as_bytes()[counted_to..record_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = record_start;
        let spans = cell_spans(text, record_start, record.len());
        let end = spans.last().map_or(record_start, |s| s.end);
        let cells: Vec<(String, Range<usize>)> = record
            .iter()
            .zip(spans)
            .map(|(value, span)| (value.trim().to_string(), span))
            .collect();
        if header.is_none() {
            header = Some(cells);
            continue;
        }
        if cells.iter().all(|(v, _)| v.is_empty()) {
            continue;
        }
        rows.push(Row {
            line,
            cells,
            span: record_start..end,
        });
    }
    Ok(Table {
        header: header.unwrap_or_default(),
        rows,
    })
}

/// Byte ranges of the `count` cells of the record starting at `start` (quotes included), found
/// by scanning the raw text: the csv crate gives the unescaped values, not where they were.
fn cell_spans(text: &str, start: usize, count: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(count);
    let mut i = start;
    while spans.len() < count {
        let from = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < bytes.len() && !matches!(bytes[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        spans.push(from..i);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        }
    }
    spans
}

impl Table {
    /// Index of a column, matching the header ignoring case and surrounding spaces.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|(h, _)| h.eq_ignore_ascii_case(name))
    }
}

impl Row {
    /// The cell in column `index` (empty past the end of a short row), with its span (the end
    /// of the row when the cell is missing). SQL `NULL` as Management Studio writes it is empty.
    pub fn cell(&self, index: usize) -> (&str, Range<usize>) {
        match self.cells.get(index) {
            Some((value, span)) if value == "NULL" => ("", span.clone()),
            Some((value, span)) => (value.as_str(), span.clone()),
            None => ("", self.span.end..self.span.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_crlf_and_spans() {
        let text = "SiteCode,SiteName\r\nCEN,\"Contoso, \"\"Central\"\"\"\r\n\r\nNYC,New York\r\n";
        let table = parse(text).unwrap();
        assert_eq!(table.column("sitename"), Some(1));
        assert_eq!(table.rows.len(), 2);
        let (name, span) = table.rows[0].cell(1);
        assert_eq!(name, "Contoso, \"Central\"");
        assert_eq!(&text[span], "\"Contoso, \"\"Central\"\"\"");
        assert_eq!(table.rows[1].line, 4);
        assert_eq!(&text[table.rows[1].cell(0).1], "NYC");
    }

    #[test]
    fn byte_order_marks_and_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
        let mut le = vec![0xFF, 0xFE];
        for u in "Caf\u{e9},1".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "Caf\u{e9},1");
        let err = decode(b"ok\xFFno").unwrap_err();
        assert_eq!(err.at, 2);
    }
}
