//! What `generate` writes: the plan in each format, the hierarchy diagram, and the parts asked for
//! (`--site`, `--per-site`, `--split waves`), all rendered in memory before anything is written.

use cmplan::output::{output_path, PendingFile};
use cmplan::plan::{views, Plan};
use cmplan::render::{self, diagram, Format, RenderContext, RenderError};

use super::{GenerateArgs, Split};

#[derive(Debug)]
pub enum PartsError {
    /// `--site` names a site the description does not have (a usage error).
    UnknownSite(String),
    Render(RenderError),
}

impl From<RenderError> for PartsError {
    fn from(e: RenderError) -> Self {
        PartsError::Render(e)
    }
}

/// Formats meant for reading, which `--split waves` cuts up; the workbook (for tracking) and the
/// JSON (the plan model itself) always stay whole.
fn is_document(format: Format) -> bool {
    matches!(format, Format::Md | Format::Pdf | Format::Html)
}

/// The sites whose checklists are written (`--site`, `--per-site`), each once, in order.
/// Checked before anything is rendered: a typing slip must not cost a long render.
pub fn site_codes(args: &GenerateArgs, plan: &Plan) -> Result<Vec<String>, PartsError> {
    let mut sites: Vec<String> = Vec::new();
    for code in &args.sites {
        let code = code.trim().to_uppercase();
        if !plan.sites.iter().any(|s| s.code == code) {
            let known: Vec<&str> = plan.sites.iter().map(|s| s.code.as_str()).collect();
            return Err(PartsError::UnknownSite(format!(
                "--site {code}: the description has no such site (its sites: {})",
                known.join(", ")
            )));
        }
        sites.push(code);
    }
    if args.per_site {
        sites.extend(views::checklist_sites(plan));
    }
    let mut seen = std::collections::BTreeSet::new();
    sites.retain(|c| seen.insert(c.clone()));
    Ok(sites)
}

/// Every file to write, in a stable order.
pub fn files(
    args: &GenerateArgs,
    plan: &Plan,
    ctx: &RenderContext,
    stem: &str,
) -> Result<Vec<PendingFile>, PartsError> {
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    let dir = &args.output;

    let sites = site_codes(args, plan)?;

    let split = args.split == Some(Split::Waves);
    let wave_files = |ext: &str| -> Vec<String> {
        plan.waves
            .iter()
            .map(|w| format!("{stem}-wave{}.{ext}", w.number))
            .collect()
    };

    // Unsplit, the whole plan in every format at once: one Markdown for md, pdf and html, and
    // the workbook on the second core (render::render_all).
    let mut wholes = match split {
        false => render::render_all(&formats, plan, ctx)?.into_iter(),
        true => Vec::new().into_iter(),
    };
    let mut files = Vec::new();
    for &format in &formats {
        let ext = format.extension();
        let bytes = match wholes.next() {
            Some(bytes) => bytes,
            None if is_document(format) => {
                render::render(format, &views::summary(plan, wave_files(ext)), ctx)?
            }
            None => render::render(format, plan, ctx)?,
        };
        files.push(PendingFile {
            path: output_path(dir, stem, ext),
            bytes,
        });
        if split && is_document(format) {
            for wave in &plan.waves {
                let part = views::for_wave(plan, wave.number).expect("the wave exists");
                files.push(PendingFile {
                    path: output_path(dir, &format!("{stem}-wave{}", wave.number), ext),
                    bytes: render::render(format, &part, ctx)?,
                });
            }
        }
        for code in &sites {
            let part = views::for_site(plan, code).expect("checked above");
            files.push(PendingFile {
                path: output_path(dir, &format!("{stem}-{code}"), ext),
                bytes: render::render(format, &part, ctx)?,
            });
        }
    }
    // The diagram goes with the documents a person reads.
    if formats.iter().any(|&f| is_document(f)) {
        files.push(PendingFile {
            path: output_path(dir, &format!("{stem}-hierarchy"), "svg"),
            bytes: diagram::render_svg(plan).into_bytes(),
        });
    }
    Ok(files)
}
