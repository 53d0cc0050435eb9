//! The reference sheets (Sites, SQL Servers, Findings, Changes, Removed tasks) and the hidden
//! sheet with the plan's JSON.

use super::*;

// ---------------------------------------------------------------------------------------------
// Sites and SQL Servers
// ---------------------------------------------------------------------------------------------

pub(super) fn sites(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SITES.sheet)?;
    let texts: Vec<Vec<String>> = plan
        .sites
        .iter()
        .map(|site| {
            SITES
                .columns
                .iter()
                .map(|c| match c.role {
                    SiteRole::Code => site.code.clone(),
                    SiteRole::Name => site.name.clone(),
                    SiteRole::Type => site.site_type.as_str().to_string(),
                    SiteRole::Parent => site.parent.clone().unwrap_or_default(),
                    SiteRole::Version => site.version.as_str().to_string(),
                    SiteRole::Clients => shown(site.clients as f64),
                    SiteRole::LegacyClients => shown(site.legacy_clients as f64),
                    SiteRole::SubtreeClients => shown(site.subtree_clients as f64),
                    SiteRole::DatabaseGrowth => shown(site.database_growth_mb),
                    SiteRole::SqlServer => site.database_server.clone().unwrap_or_default(),
                    SiteRole::SqlFree | SiteRole::SqlShortfall => "999,999".to_string(),
                    SiteRole::SiteServer => site.site_server.clone(),
                    SiteRole::Security => site.security.as_str().to_string(),
                    SiteRole::Blockers => shown(site.blockers as f64),
                    SiteRole::AlreadyUpgraded => "yes".to_string(),
                    SiteRole::Formula => site.formula.clone(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&SITES, &texts);
    header_row(
        &mut ws,
        0,
        &SITES.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    let col = |role| SITES.col(role);

    // Marks which sites are already in the subtree being collected (stamped with its index + 1).
    let mut stamp = vec![0usize; plan.sites.len()];
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, site) in plan.sites.iter().enumerate() {
        if let Some(parent) = &site.parent {
            children.entry(parent.as_str()).or_default().push(i);
        }
    }
    for (i, site) in plan.sites.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, col(SiteRole::Code), &site.code, &s.text)?;
        put(&mut ws, row, col(SiteRole::Name), &site.name, &s.wrap)?;
        put(
            &mut ws,
            row,
            col(SiteRole::Type),
            site.site_type.as_str(),
            &s.text,
        )?;
        put(
            &mut ws,
            row,
            col(SiteRole::Parent),
            site.parent.as_deref().unwrap_or(""),
            &s.text,
        )?;
        put(
            &mut ws,
            row,
            col(SiteRole::Version),
            site.version.as_str(),
            &s.text,
        )?;
        ws.write_number_with_format(row, col(SiteRole::Clients), site.clients as f64, &s.integer)?;
        ws.write_number_with_format(
            row,
            col(SiteRole::LegacyClients),
            site.legacy_clients as f64,
            &s.integer,
        )?;

        // The subtree: this site and every site below it, as runs of consecutive rows (one run
        // when the sites are in pre-order, as the plan lists them).
        stamp[i] = i + 1;
        let mut subtree = vec![i];
        let mut next = 0;
        while next < subtree.len() {
            let code = plan.sites[subtree[next]].code.as_str();
            for &child in children.get(code).map(Vec::as_slice).unwrap_or_default() {
                // A validated hierarchy has no cycles; the guard keeps a broken plan finite.
                if stamp[child] != i + 1 {
                    stamp[child] = i + 1;
                    subtree.push(child);
                }
            }
            next += 1;
        }
        let mut rows: Vec<u32> = subtree.iter().map(|&j| j as u32 + 1).collect();
        rows.sort_unstable();
        let subtree_clients: f64 = subtree
            .iter()
            .map(|&j| (plan.sites[j].clients + plan.sites[j].legacy_clients) as f64)
            .sum();
        let sum = subtree_sum(&rows);

        match &sum {
            Some(sum) => checked_formula(
                &mut ws,
                row,
                col(SiteRole::SubtreeClients),
                &format!("SUM({sum})"),
                subtree_clients,
                site.subtree_clients as f64,
                &s.integer,
            )?,
            None => {
                ws.write_number_with_format(
                    row,
                    col(SiteRole::SubtreeClients),
                    site.subtree_clients as f64,
                    &s.integer,
                )?;
            }
        }
        match (&sum, site.site_type.as_str()) {
            (Some(sum), "primary") => checked_formula(
                &mut ws,
                row,
                col(SiteRole::DatabaseGrowth),
                &format!("{}*SUM({sum})", layout.mb_per_client_cell),
                plan.database_mb_per_client * subtree_clients,
                site.database_growth_mb,
                s.mb(site.database_growth_mb),
            )?,
            _ => {
                let growth = site.database_growth_mb;
                ws.write_number_with_format(
                    row,
                    col(SiteRole::DatabaseGrowth),
                    growth,
                    s.mb(growth),
                )?;
            }
        }

        put(
            &mut ws,
            row,
            col(SiteRole::SqlServer),
            site.database_server.as_deref().unwrap_or(""),
            &s.text,
        )?;
        let sql = site.database_server.as_deref().and_then(|name| {
            let r = *layout.sql_rows.get(&name.to_lowercase())?;
            Some((r, &plan.sql_servers[r as usize - 1]))
        });
        if let Some((sql_row, sql)) = sql {
            let cell = |role| {
                format!(
                    "{}!{}",
                    quote_sheet_name(SQL_SERVERS.sheet),
                    row_col_to_cell(sql_row, SQL_SERVERS.col(role))
                )
            };
            if let Some(free) = sql.free_disk_mb {
                formula_cell(
                    &mut ws,
                    row,
                    col(SiteRole::SqlFree),
                    &cell(SqlRole::Free),
                    free,
                    s.mb(free),
                )?;
            }
            if let Some(shortfall) = sql.shortfall_mb {
                formula_cell(
                    &mut ws,
                    row,
                    col(SiteRole::SqlShortfall),
                    &cell(SqlRole::Shortfall),
                    shortfall,
                    s.mb(shortfall),
                )?;
            }
        }
        put(
            &mut ws,
            row,
            col(SiteRole::SiteServer),
            &site.site_server,
            &s.text,
        )?;
        put(
            &mut ws,
            row,
            col(SiteRole::Security),
            site.security.as_str(),
            &s.text,
        )?;
        ws.write_number_with_format(
            row,
            col(SiteRole::Blockers),
            site.blockers as f64,
            &s.integer,
        )?;
        let upgraded = if site.already_upgraded { "yes" } else { "no" };
        put(
            &mut ws,
            row,
            col(SiteRole::AlreadyUpgraded),
            upgraded,
            &s.text,
        )?;
        put(&mut ws, row, col(SiteRole::Formula), &site.formula, &s.wrap)?;
        fit_table_row(&mut ws, row, &widths, &texts[i])?;
    }

    highlight_shortfall(&mut ws, layout.sites_last, col(SiteRole::SqlShortfall), s)?;
    table_sheet_setup(
        &mut ws,
        0,
        1,
        (layout.sites_last, SITES.columns.len() as u16 - 1),
        plan,
        ctx,
        SITES.sheet,
    )?;
    print_whole_table(
        &mut ws,
        &widths,
        (layout.sites_last, SITES.columns.len() as u16 - 1),
        1,
        ctx,
    )?;
    Ok(ws)
}

/// A shortfall stands out (the upgrade cannot proceed until space is found), also when a user
/// edits the free space and the formula recomputes.
pub(super) fn highlight_shortfall(
    ws: &mut Worksheet,
    last: u32,
    col: u16,
    s: &Styles,
) -> Result<(), XlsxError> {
    let rule = ConditionalFormatCell::new()
        .set_rule(ConditionalFormatCellRule::GreaterThan(0))
        .set_format(&s.blocker);
    ws.add_conditional_format(1, col, last, col, &rule)?;
    Ok(())
}

/// `F2:G6,F9:G9` for the client columns of the given rows; `None` past a size Excel's SUM accepts.
pub(super) fn subtree_sum(rows: &[u32]) -> Option<String> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &r in rows {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == r => *end = r,
            _ => runs.push((r, r)),
        }
    }
    if runs.is_empty() || runs.len() > 100 {
        return None;
    }
    Some(
        runs.iter()
            .map(|(a, b)| {
                format!(
                    "{}:{}",
                    row_col_to_cell(*a, SITES.col(SiteRole::Clients)),
                    row_col_to_cell(*b, SITES.col(SiteRole::LegacyClients))
                )
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}

pub(super) fn sql_servers(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    layout: &Layout,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SQL_SERVERS.sheet)?;
    let texts: Vec<Vec<String>> = plan
        .sql_servers
        .iter()
        .map(|sql| {
            SQL_SERVERS
                .columns
                .iter()
                .map(|c| match c.role {
                    SqlRole::Name => sql.name.clone(),
                    SqlRole::Sites => sql.sites.join(", "),
                    SqlRole::Version => sql.sql.clone().unwrap_or_default(),
                    SqlRole::DatabaseGrowth => shown(sql.database_growth_mb),
                    SqlRole::Free => sql.free_disk_mb.map(shown).unwrap_or_default(),
                    SqlRole::Shortfall => sql.shortfall_mb.map_or("unknown".into(), shown),
                    SqlRole::Formula => sql.formula.clone(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&SQL_SERVERS, &texts);
    header_row(
        &mut ws,
        0,
        &SQL_SERVERS.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    let col = |role| SQL_SERVERS.col(role);
    let site_range = |role| sheet_range(SITES.sheet, SITES.col(role), 1, layout.sites_last);
    let growth_range = site_range(SiteRole::DatabaseGrowth);
    let server_range = site_range(SiteRole::SqlServer);
    for (i, sql) in plan.sql_servers.iter().enumerate() {
        let row = i as u32 + 1;
        put(&mut ws, row, col(SqlRole::Name), &sql.name, &s.text)?;
        put(
            &mut ws,
            row,
            col(SqlRole::Sites),
            &sql.sites.join(", "),
            &s.wrap,
        )?;
        put(
            &mut ws,
            row,
            col(SqlRole::Version),
            sql.sql.as_deref().unwrap_or(""),
            &s.text,
        )?;

        // The sum over the databases it hosts, as the Sites sheet lists them.
        let hosted: f64 = plan
            .sites
            .iter()
            .filter(|x| {
                x.database_server
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(&sql.name))
            })
            .map(|x| x.database_growth_mb)
            .sum();
        match countifs_criterion(&sql.name) {
            Some(criterion) => checked_formula(
                &mut ws,
                row,
                col(SqlRole::DatabaseGrowth),
                &format!("SUMIFS({growth_range},{server_range},{criterion})"),
                hosted,
                sql.database_growth_mb,
                s.mb(sql.database_growth_mb),
            )?,
            None => {
                let growth = sql.database_growth_mb;
                ws.write_number_with_format(
                    row,
                    col(SqlRole::DatabaseGrowth),
                    growth,
                    s.mb(growth),
                )?;
            }
        }
        if let Some(free) = sql.free_disk_mb {
            ws.write_number_with_format(row, col(SqlRole::Free), free, s.mb(free))?;
        }
        if let Some(shortfall) = sql.shortfall_mb {
            let format = s.mb(shortfall);
            match sql.free_disk_mb {
                Some(free) => {
                    let d = row_col_to_cell(row, col(SqlRole::DatabaseGrowth));
                    let e = row_col_to_cell(row, col(SqlRole::Free));
                    checked_formula(
                        &mut ws,
                        row,
                        col(SqlRole::Shortfall),
                        &format!("MAX(0,{d}-{e})"),
                        (sql.database_growth_mb - free).max(0.0),
                        shortfall,
                        format,
                    )?;
                }
                None => {
                    ws.write_number_with_format(row, col(SqlRole::Shortfall), shortfall, format)?;
                }
            }
        } else {
            put(&mut ws, row, col(SqlRole::Shortfall), "unknown", &s.text)?;
        }
        put(&mut ws, row, col(SqlRole::Formula), &sql.formula, &s.wrap)?;
        fit_table_row(&mut ws, row, &widths, &texts[i])?;
    }

    let last = (plan.sql_servers.len() as u32).max(1);
    highlight_shortfall(&mut ws, last, col(SqlRole::Shortfall), s)?;
    table_sheet_setup(
        &mut ws,
        0,
        1,
        (last, SQL_SERVERS.columns.len() as u16 - 1),
        plan,
        ctx,
        SQL_SERVERS.sheet,
    )?;
    print_whole_table(
        &mut ws,
        &widths,
        (last, SQL_SERVERS.columns.len() as u16 - 1),
        1,
        ctx,
    )?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------------
// Findings, changes, removed tasks
// ---------------------------------------------------------------------------------------------

pub(super) fn findings(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(FINDINGS.sheet)?;
    let texts: Vec<Vec<String>> = plan
        .findings
        .iter()
        .map(|f| {
            FINDINGS
                .columns
                .iter()
                .map(|c| match c.role {
                    FindingRole::Code => f.code.clone(),
                    FindingRole::Severity => f.severity.as_str().to_string(),
                    FindingRole::Site => f.site.clone().unwrap_or_default(),
                    FindingRole::Server => f.server.clone().unwrap_or_default(),
                    FindingRole::Message => f.message.clone(),
                    FindingRole::Source => source_title(&f.source),
                    FindingRole::RemediationTask => f.remediation_task.clone().unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&FINDINGS, &texts);
    header_row(
        &mut ws,
        0,
        &FINDINGS.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    for (i, f) in plan.findings.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, col) in FINDINGS.columns.iter().enumerate() {
            let c16 = c as u16;
            let text = texts[i][c].as_str();
            match col.role {
                FindingRole::Severity => {
                    let format = match f.severity {
                        Severity::Blocker => &s.blocker,
                        Severity::Warning => &s.warning,
                        Severity::Info => &s.text,
                    };
                    put(&mut ws, row, c16, text, format)?;
                }
                FindingRole::Source => source_link(&mut ws, row, c16, &f.source, s)?,
                FindingRole::Code | FindingRole::Site => put(&mut ws, row, c16, text, &s.text)?,
                _ => put(&mut ws, row, c16, text, &s.wrap)?,
            }
        }
        fit_table_row(&mut ws, row, &widths, &texts[i])?;
    }
    let last = (plan.findings.len() as u32).max(1);
    table_sheet_setup(
        &mut ws,
        0,
        0,
        (last, FINDINGS.columns.len() as u16 - 1),
        plan,
        ctx,
        FINDINGS.sheet,
    )?;
    print_whole_table(
        &mut ws,
        &widths,
        (last, FINDINGS.columns.len() as u16 - 1),
        1,
        ctx,
    )?;
    Ok(ws)
}

/// The values the plan assumes, each with why and how to override it.
pub(super) fn assumptions(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(ASSUMPTIONS.sheet)?;
    let texts: Vec<Vec<String>> = plan
        .assumptions
        .iter()
        .map(|a| {
            ASSUMPTIONS
                .columns
                .iter()
                .map(|c| match c.role {
                    AssumptionRole::Key => a.key.clone(),
                    AssumptionRole::Value => a.value.clone(),
                    AssumptionRole::Why => a.why.clone(),
                    AssumptionRole::Override => a.how_to_override.clone(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&ASSUMPTIONS, &texts);
    header_row(
        &mut ws,
        0,
        &ASSUMPTIONS.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    for (i, row_texts) in texts.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, text) in row_texts.iter().enumerate() {
            put(&mut ws, row, c as u16, text, &s.wrap)?;
        }
        fit_table_row(&mut ws, row, &widths, row_texts)?;
    }
    let last = (plan.assumptions.len() as u32).max(1);
    let range = (last, ASSUMPTIONS.columns.len() as u16 - 1);
    table_sheet_setup(&mut ws, 0, 1, range, plan, ctx, ASSUMPTIONS.sheet)?;
    print_whole_table(&mut ws, &widths, range, 1, ctx)?;
    Ok(ws)
}

/// A source as people cite it: its ID and title (the address is the link behind it).
fn source_title(source: &crate::plan::Source) -> String {
    format!("{} {}", source.id, source.title)
}

/// The source as a hyperlink to its first address (a source may list several, `a ; b`), with
/// its id and title as the text. Anything that is not a plain web address stays text.
fn source_link(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    source: &crate::plan::Source,
    s: &Styles,
) -> Result<(), XlsxError> {
    let text = source_title(source);
    let first = source
        .url
        .split([';', ' '])
        .map(str::trim)
        .find(|u| !u.is_empty())
        .unwrap_or("");
    let linkable = (first.starts_with("http://") || first.starts_with("https://"))
        && first.len() <= 2000
        && !first.chars().any(|c| c.is_control() || c == '"');
    if linkable {
        let mut url = Url::new(first).set_text(cut(&text));
        if source.url.len() <= 250 {
            url = url.set_tip(source.url.as_str());
        }
        if ws.write_url_with_format(row, col, url, &s.link).is_ok() {
            return Ok(());
        }
    }
    put(ws, row, col, &format!("{text} ({})", source.url), &s.wrap)
}

pub(super) fn changes_sheet(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
    changes: &crate::plan::RevisionChanges,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(CHANGES.sheet)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "Changes since revision {} (this is revision {})",
            changes.previous_revision, plan.revision
        ),
        &s.title,
    )?;
    let texts: Vec<Vec<String>> = changes
        .entries
        .iter()
        .map(|e| {
            CHANGES
                .columns
                .iter()
                .map(|c| match c.role {
                    ChangeRole::Category => e.category.clone(),
                    ChangeRole::Subject => e.subject.clone(),
                    ChangeRole::Description => e.description.clone(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&CHANGES, &texts);
    header_row(
        &mut ws,
        1,
        &CHANGES.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    for (i, row_texts) in texts.iter().enumerate() {
        let row = i as u32 + 2;
        for (c, col) in CHANGES.columns.iter().enumerate() {
            let format = match col.role {
                ChangeRole::Category => &s.text,
                _ => &s.wrap,
            };
            put(&mut ws, row, c as u16, &row_texts[c], format)?;
        }
        fit_table_row(&mut ws, row, &widths, row_texts)?;
    }
    if changes.entries.is_empty() {
        ws.write_string_with_format(
            2,
            CHANGES.col(ChangeRole::Description),
            "No changes.",
            &s.wrap,
        )?;
    }
    let last = (changes.entries.len() as u32 + 1).max(2);
    table_sheet_setup(
        &mut ws,
        1,
        0,
        (last, CHANGES.columns.len() as u16 - 1),
        plan,
        ctx,
        CHANGES.sheet,
    )?;
    print_whole_table(
        &mut ws,
        &widths,
        (last, CHANGES.columns.len() as u16 - 1),
        1,
        ctx,
    )?;
    Ok(ws)
}

pub(super) fn removed_tasks(
    plan: &Plan,
    ctx: &RenderContext,
    s: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(REMOVED_TASKS.sheet)?;
    let texts: Vec<Vec<String>> = plan
        .removed_tasks
        .iter()
        .map(|t| {
            REMOVED_TASKS
                .columns
                .iter()
                .map(|c| match c.role {
                    RemovedRole::Id => t.id.clone(),
                    RemovedRole::Task => t.title.clone(),
                    RemovedRole::Status => t.progress.status.label().to_string(),
                    RemovedRole::Owner => t.progress.owner.clone(),
                    RemovedRole::CompletedOn => t.progress.completed_on.clone(),
                    RemovedRole::Notes => t.progress.notes.clone(),
                    RemovedRole::Site => t.site.clone().unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    let widths = table_widths(&REMOVED_TASKS, &texts);
    header_row(
        &mut ws,
        0,
        &REMOVED_TASKS.columns.iter().collect::<Vec<_>>(),
        &widths,
        s,
    )?;
    for (i, row_texts) in texts.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, col) in REMOVED_TASKS.columns.iter().enumerate() {
            let c16 = c as u16;
            let text = row_texts[c].as_str();
            match col.role {
                RemovedRole::CompletedOn => put_date_or_text(&mut ws, row, c16, text, s)?,
                RemovedRole::Status | RemovedRole::Site => put(&mut ws, row, c16, text, &s.text)?,
                _ => put(&mut ws, row, c16, text, &s.wrap)?,
            }
        }
        fit_table_row(&mut ws, row, &widths, row_texts)?;
    }
    let last = plan.removed_tasks.len() as u32;
    table_sheet_setup(
        &mut ws,
        0,
        0,
        (last, REMOVED_TASKS.columns.len() as u16 - 1),
        plan,
        ctx,
        REMOVED_TASKS.sheet,
    )?;
    print_whole_table(
        &mut ws,
        &widths,
        (last, REMOVED_TASKS.columns.len() as u16 - 1),
        1,
        ctx,
    )?;
    Ok(ws)
}

/// The hidden sheet with the plan as JSON, in chunks that fit a cell.
pub(super) fn plan_sheet(json: &str) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(PLAN_SHEET)?;
    ws.write_string(0, 0, PLAN_MARKER)?;
    for (i, chunk) in plan_json_chunks(json).into_iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, chunk)?;
    }
    ws.set_hidden(true);
    Ok(ws)
}

/// Splits `json` on character boundaries into chunks of at most [`PLAN_CHUNK_CHARS`] characters
/// that also stay within that many UTF-16 units (Excel's unit), so no chunk is ever refused.
pub fn plan_json_chunks(json: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut units = 0;
    for (i, c) in json.char_indices() {
        if units + c.len_utf16() > PLAN_CHUNK_CHARS {
            chunks.push(&json[start..i]);
            start = i;
            units = 0;
        }
        units += c.len_utf16();
    }
    if start < json.len() {
        chunks.push(&json[start..]);
    }
    chunks
}
