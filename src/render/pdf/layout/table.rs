//! Tables: column widths from content, rows kept together, headers repeated on later pages,
//! signing rows tall enough to sign in.

use super::*;

impl Flow {
    pub(super) fn table(&mut self, header: &[Vec<Span>], rows: &[Vec<Vec<Span>>], right: &[bool]) {
        let table = self.tables;
        self.tables += 1;
        let widths = column_widths(header, rows, self.g.content_width());
        let head = cell_lines(header, &widths, true);
        let head_h = row_height(&head, false);
        let bodies: Vec<Vec<Vec<TextLine>>> =
            rows.iter().map(|r| cell_lines(r, &widths, false)).collect();
        let heights: Vec<f32> = rows
            .iter()
            .zip(&bodies)
            .map(|(r, cells)| row_height(cells, has_empty(r)))
            .collect();

        let n = rows.len();
        // A short table stays whole; a longer one keeps at least KEEP_ROWS rows on each page.
        let lead = if n <= SHORT_TABLE { n } else { KEEP_ROWS };
        let lead_h: f32 = head_h + heights.iter().take(lead).sum::<f32>();
        self.ensure(lead_h.min(self.g.content_height()));
        let table_element = self.begin(Role::Table);
        let head_tags = self.row_elements(true, widths.len());
        self.table_row(
            table,
            RowKind::Header,
            &head,
            &widths,
            head_h,
            right,
            false,
            Some(&head_tags),
        );
        for (i, cells) in bodies.iter().enumerate() {
            let h = heights[i];
            let tags = self.row_elements(false, widths.len());
            let tags = Some(tags.as_slice());
            // Break before the last KEEP_ROWS rows rather than leave fewer alone on a page.
            let tail: f32 = heights[i..].iter().sum();
            let orphan_break = n > SHORT_TABLE
                && i == n - KEEP_ROWS
                && i >= KEEP_ROWS
                && !self.fits(tail)
                && head_h + tail <= self.g.content_height() + EPS;
            if self.fits(h) && !orphan_break {
                self.table_row(
                    table,
                    RowKind::Body(i),
                    cells,
                    &widths,
                    h,
                    right,
                    false,
                    tags,
                );
                continue;
            }
            if head_h + h <= self.g.content_height() + EPS {
                // The row moves whole to the next page, under a repeated header.
                self.new_page();
                self.table_row(
                    table,
                    RowKind::Header,
                    &head,
                    &widths,
                    head_h,
                    right,
                    false,
                    None,
                );
                self.table_row(
                    table,
                    RowKind::Body(i),
                    cells,
                    &widths,
                    h,
                    right,
                    false,
                    tags,
                );
                continue;
            }
            // Taller than a page: split it between lines, repeating the header each page.
            let total = cells.iter().map(Vec::len).max().unwrap_or(0);
            let mut done = 0;
            while done < total {
                let room = ((self.bottom() - self.y - 2.0 * CELL_PAD) / TABLE_LEADING).floor();
                let take = if room >= 1.0 { room as usize } else { 0 };
                if take == 0 {
                    self.new_page();
                    self.table_row(
                        table,
                        RowKind::Header,
                        &head,
                        &widths,
                        head_h,
                        right,
                        false,
                        None,
                    );
                    continue;
                }
                let take = take.min(total - done);
                let part: Vec<Vec<TextLine>> = cells
                    .iter()
                    .map(|c| c.iter().skip(done).take(take).cloned().collect())
                    .collect();
                let ph = take as f32 * TABLE_LEADING + 2.0 * CELL_PAD;
                self.table_row(
                    table,
                    RowKind::Body(i),
                    &part,
                    &widths,
                    ph,
                    right,
                    true,
                    tags,
                );
                done += take;
                if done < total {
                    self.new_page();
                    self.table_row(
                        table,
                        RowKind::Header,
                        &head,
                        &widths,
                        head_h,
                        right,
                        false,
                        None,
                    );
                }
            }
        }
        debug_assert_eq!(self.open.last(), Some(&table_element));
        self.end();
        self.y += PARAGRAPH_GAP + 2.0;
    }

    /// A table row's element and its cells' (content is added as the row is drawn).
    fn row_elements(&mut self, header: bool, columns: usize) -> Vec<usize> {
        self.begin(Role::TableRow);
        let cells = (0..columns)
            .map(|_| {
                let c = self.begin(if header {
                    Role::HeaderCell
                } else {
                    Role::DataCell
                });
                self.end();
                c
            })
            .collect();
        self.end();
        cells
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        table: usize,
        kind: RowKind,
        cells: &[Vec<TextLine>],
        widths: &[f32],
        h: f32,
        right: &[bool],
        partial: bool,
        // The cells' elements; None for a header repeated on a later page (an artifact).
        tags: Option<&[usize]>,
    ) {
        let top = self.y;
        let left = self.g.left;
        let total: f32 = widths.iter().sum();
        let outer = self.tag;
        self.tag = LAYOUT_ARTIFACT;
        if kind == RowKind::Header {
            self.push(Item::Fill {
                x: left,
                y: top,
                w: total,
                h,
                color: HEADER_FILL,
            });
        }
        let mut x = left;
        for (i, w) in widths.iter().enumerate() {
            if let Some(lines) = cells.get(i) {
                let align_right = right.get(i).copied().unwrap_or(false);
                self.tag = match tags.and_then(|t| t.get(i)) {
                    Some(cell) => Tag::Element(*cell),
                    None => LAYOUT_ARTIFACT,
                };
                if let Some(cell) = tags.and_then(|t| t.get(i)) {
                    // Links inside a cell belong to it.
                    self.open.push(*cell);
                }
                for (n, line) in lines.iter().enumerate() {
                    let ltop = top + CELL_PAD + n as f32 * TABLE_LEADING;
                    let lx = if align_right {
                        x + w - CELL_PAD - line.width
                    } else {
                        x + CELL_PAD
                    };
                    self.draw_line(line, lx, ltop, TABLE_SIZE, TABLE_LEADING, INK);
                }
                if tags.and_then(|t| t.get(i)).is_some() {
                    self.open.pop();
                }
                self.tag = LAYOUT_ARTIFACT;
            }
            x += w;
        }
        // Borders: top and bottom, then every column edge.
        for y in [top, top + h] {
            self.push(Item::Line {
                x1: left,
                y1: y,
                x2: left + total,
                y2: y,
                width: 0.5,
                color: RULE,
            });
        }
        let mut x = left;
        for w in std::iter::once(&0.0).chain(widths.iter()) {
            x += w;
            self.push(Item::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: top + h,
                width: 0.5,
                color: RULE,
            });
        }
        let page = self.pages.last_mut().expect("a flow always has a page");
        page.rows.push(RowPlacement {
            table,
            kind,
            top,
            bottom: top + h,
            partial,
        });
        self.tag = outer;
        self.y += h;
    }
}

pub(super) fn has_empty(row: &[Vec<Span>]) -> bool {
    row.iter().any(|c| plain_text(c).is_empty())
}

pub(super) fn cell_lines(cells: &[Vec<Span>], widths: &[f32], header: bool) -> Vec<Vec<TextLine>> {
    widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let spans = cells.get(i).cloned().unwrap_or_default();
            let spans = if header {
                with_style(&spans, FontStyle::Bold)
            } else {
                spans
            };
            wrap(&spans, TABLE_SIZE, w - 2.0 * CELL_PAD)
        })
        .collect()
}

pub(super) fn row_height(cells: &[Vec<TextLine>], signing: bool) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let h = lines as f32 * TABLE_LEADING + 2.0 * CELL_PAD;
    if signing {
        h.max(SIGNING_ROW)
    } else {
        h
    }
}

/// Column widths from content (CSS-style automatic table layout): every column gets at least its
/// widest unbreakable piece (capped, and never under a minimum), the remaining width goes where
/// the text is, and a table narrower than the page is stretched to the full width.
pub fn column_widths(header: &[Vec<Span>], rows: &[Vec<Vec<Span>>], available: f32) -> Vec<f32> {
    let ncols = rows
        .iter()
        .map(Vec::len)
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    if ncols == 0 {
        return Vec::new();
    }
    let cap = (available / ncols as f32).max(available * 0.25);
    let mut min = vec![MIN_COLUMN; ncols];
    let mut max = vec![MIN_COLUMN; ncols];
    let header_bold: Vec<Vec<Span>> = header
        .iter()
        .map(|c| with_style(c, FontStyle::Bold))
        .collect();
    for row in std::iter::once(&header_bold).chain(rows.iter()) {
        for (i, cell) in row.iter().enumerate() {
            let pad = 2.0 * CELL_PAD;
            min[i] = min[i].max((min_content_width(cell, TABLE_SIZE) + pad).min(cap));
            max[i] = max[i].max(natural_width(cell, TABLE_SIZE) + pad);
        }
    }
    for i in 0..ncols {
        max[i] = max[i].max(min[i]);
    }
    let sum_min: f32 = min.iter().sum();
    let sum_max: f32 = max.iter().sum();
    if sum_max <= available {
        // Spread evenly: the empty Name / Date / Signature columns of a sign-off table get
        // room to write in, not just the width of their header.
        let extra = (available - sum_max) / ncols as f32;
        return max.iter().map(|m| m + extra).collect();
    }
    if sum_min >= available {
        return min.iter().map(|m| m * available / sum_min).collect();
    }
    let share = (available - sum_min) / (sum_max - sum_min);
    min.iter()
        .zip(&max)
        .map(|(lo, hi)| lo + (hi - lo) * share)
        .collect()
}
