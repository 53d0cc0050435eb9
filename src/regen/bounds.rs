//! Limits checked before a previous workbook is handed to calamine, which inflates every part
//! it reads whole and holds each sheet as a dense grid: a 4 MB zip bomb would inflate to
//! gigabytes, and one cell at `XFD1048576` would ask for a grid of 17 billion cells. The zip's
//! parts are inflated here as a stream (never held), counting bytes up to a cap, and the
//! worksheets' cell references are scanned for the grid each would need.

use std::io::Read;

/// Most bytes all parts of a workbook may inflate to (a 2,000-site plan's workbook: ~60 MiB).
pub const MAX_INFLATED: u64 = 512 << 20;
/// Most cells (rows × columns of the used area) one sheet may span.
pub const MAX_SHEET_CELLS: u64 = 10_000_000;
/// Most columns a sheet may use: the layout's and a user's added ones, with room to spare.
pub const MAX_COLUMNS: u64 = 256;

/// `Err(reason)` when the workbook is past a limit.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    check_with(bytes, MAX_INFLATED)
}

fn check_with(bytes: &[u8], max_inflated: u64) -> Result<(), String> {
    // Not a zip calamine could open either: it says why.
    let Some(entries) = central_directory(bytes) else {
        return Ok(());
    };
    let mut total = 0u64;
    for e in entries {
        let data =
            local_data(bytes, &e).ok_or_else(|| format!("its part {} is cut off", e.name))?;
        let reader: Box<dyn Read> = match e.method {
            0 => Box::new(data),
            8 => Box::new(flate2::read::DeflateDecoder::new(data)),
            // Other methods are calamine's to refuse.
            _ => continue,
        };
        let left = max_inflated - total;
        let mut scan = Scan::default();
        let is_sheet = e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml");
        let n = stream(reader.take(left + 1), |chunk| {
            if is_sheet {
                scan.feed(chunk)
            }
        })
        .map_err(|err| format!("its part {} cannot be inflated: {err}", e.name))?;
        total += n;
        if total > max_inflated {
            return Err(format!(
                "it inflates to more than {} MiB (a zip bomb, or not a workbook cmplan wrote)",
                max_inflated >> 20
            ));
        }
        if is_sheet {
            let (rows, cols) = (scan.max_row, scan.max_col);
            if cols > MAX_COLUMNS || rows.saturating_mul(cols) > MAX_SHEET_CELLS {
                return Err(format!(
                    "its sheet {} reaches row {rows}, column {cols}: more than any plan's checklist (at most {MAX_COLUMNS} columns and {MAX_SHEET_CELLS} cells); delete the cells far outside the table",
                    e.name
                ));
            }
        }
    }
    Ok(())
}

fn stream(mut r: impl Read, mut f: impl FnMut(&[u8])) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        f(&buf[..n]);
    }
}

/// The largest row and column of `<c r="A1">` and `<dimension ref="A1:B2">` references.
#[derive(Default)]
struct Scan {
    carry: Vec<u8>,
    max_row: u64,
    max_col: u64,
}

impl Scan {
    fn feed(&mut self, chunk: &[u8]) {
        let mut text = std::mem::take(&mut self.carry);
        text.extend_from_slice(chunk);
        let mut i = 1;
        let mut unfinished = false;
        while i + 3 <= text.len() {
            // ` r="` (a cell) and `ref="` (the dimension) both end in `r="`.
            if &text[i..i + 3] == b"r=\"" && matches!(text[i - 1], b' ' | b'f') {
                let start = i + 3;
                let Some(len) = text[start..].iter().position(|&b| b == b'"') else {
                    unfinished = true; // the reference goes on in the next chunk
                    break;
                };
                for part in text[start..start + len].split(|&b| b == b':') {
                    if let Some((row, col)) = cell_ref(part) {
                        self.max_row = self.max_row.max(row);
                        self.max_col = self.max_col.max(col);
                    }
                }
                i = start + len;
            } else {
                i += 1;
            }
        }
        // Keep what may begin a reference (from the byte before `r="`), never much.
        let from = i.saturating_sub(1).min(text.len());
        if !unfinished || text.len() - from <= 64 {
            self.carry = text[from..].to_vec();
        }
    }
}

/// `XFD1048576` → (1048576, 16384); `$A$1` works too.
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let r: Vec<u8> = r.iter().copied().filter(|&b| b != b'$').collect();
    let letters = r.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 || letters == r.len() {
        return None;
    }
    let col = r[..letters]
        .iter()
        .fold(0u64, |n, &b| n * 26 + u64::from(b - b'A' + 1));
    let row = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row, col))
}

struct Entry {
    name: String,
    method: u16,
    compressed: usize,
    local_offset: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn central_directory(b: &[u8]) -> Option<Vec<Entry>> {
    let from = b.len().saturating_sub(22 + 65_535);
    let eocd = (from..b.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(b, i) == Some(0x0605_4b50))?;
    let count = u16_at(b, eocd + 10)? as usize;
    let mut at = u32_at(b, eocd + 16)? as usize;
    let mut out = Vec::with_capacity(count.min(10_000));
    for _ in 0..count {
        if u32_at(b, at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = u16_at(b, at + 28)? as usize;
        let extra = u16_at(b, at + 30)? as usize;
        let comment = u16_at(b, at + 32)? as usize;
        out.push(Entry {
            method: u16_at(b, at + 10)?,
            compressed: u32_at(b, at + 20)? as usize,
            local_offset: u32_at(b, at + 42)? as usize,
            name: String::from_utf8_lossy(b.get(at + 46..at + 46 + name_len)?).into_owned(),
        });
        at += 46 + name_len + extra + comment;
    }
    Some(out)
}

fn local_data<'a>(b: &'a [u8], e: &Entry) -> Option<&'a [u8]> {
    let at = e.local_offset;
    if u32_at(b, at)? != 0x0403_4b50 {
        return None;
    }
    let start = at + 30 + u16_at(b, at + 26)? as usize + u16_at(b, at + 28)? as usize;
    b.get(start..start.checked_add(e.compressed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflating_stops_at_the_cap() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for r in 0..2000 {
            sheet
                .write_string(r, 0, format!("{r:05}{}", "x".repeat(1000)))
                .unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(check(&bytes), Ok(()));
        let err = check_with(&bytes, 1 << 20).unwrap_err();
        assert!(err.contains("inflates to more than 1 MiB"), "{err}");
    }

    #[test]
    fn cell_references_are_read_and_scanned_across_chunks() {
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref(b"$B$7"), Some((7, 2)));
        assert_eq!(cell_ref(b"A"), None);
        let xml = b"<dimension ref=\"A1:C9\"/><row r=\"9\"><c r=\"C9\" t=\"s\"><v>1</v></c><c r=\"AB12\"/>";
        for split in 0..xml.len() {
            let mut s = Scan::default();
            s.feed(&xml[..split]);
            s.feed(&xml[split..]);
            assert_eq!((s.max_row, s.max_col), (12, 28), "split at {split}");
        }
    }
}
