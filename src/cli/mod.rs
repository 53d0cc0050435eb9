//! Command-line definitions (clap derive) and dispatch: one module per subcommand.

mod diff;
mod explain;
mod generate;
mod import;
mod misc;
mod parts;
pub mod stdout;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmplan::regen::DiffFormat;
use cmplan::render::{Format, Paper};

/// Turn a description of an SMS 2003 site hierarchy into a tailored, print-ready plan for
/// upgrading it to System Center Configuration Manager 2007.
#[derive(Debug, Parser)]
#[command(name = "cmplan", version, propagate_version = true)]
#[command(
    after_help = "Examples:\n  cmplan init site.toml\n  cmplan validate site.toml\n  cmplan generate site.toml -o output -f md,pdf,xlsx"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the upgrade plan (Markdown, PDF, workbook, JSON, HTML) for an environment description.
    #[command(
        after_help = "Examples:\n  cmplan generate examples/contoso.toml\n  cmplan generate env.toml -o plans -f pdf,xlsx --date 2027-03-01\n  cmplan generate env.toml -f md --templates my-templates/\n  cmplan generate env.toml --previous mail/contoso-from-ops.xlsx\n\nRegenerating over output/<stem>.xlsx carries the recorded status. When the plan changed it becomes\nthe next revision and the old workbook is kept as output/<stem>.rev<N>.xlsx; when only status\nchanged it keeps its revision number and no backup is made."
    )]
    Generate(GenerateArgs),
    /// Write the environment description from CSV exports of the SMS 2003 site database.
    #[command(
        after_help = "Examples:\n  cmplan import --queries > queries.sql\n  cmplan import exports/ -o contoso.toml\n  cmplan import exports/ --update contoso.toml\n\nRun the queries on the central site's database, save each result as CSV with its header row in\none folder, import it, then verify the values marked \"# check:\"."
    )]
    Import(import::ImportArgs),
    /// Check an environment description and print its readiness findings.
    #[command(after_help = "Example:\n  cmplan validate examples/contoso.toml")]
    Validate {
        /// The environment description (.toml or .json).
        env: PathBuf,
    },
    /// Show what changes in the plan between two revisions: descriptions, workbooks or JSON plans.
    #[command(
        after_help = "Examples:\n  cmplan diff examples/contoso.toml examples/contoso-rev2.toml\n  cmplan diff old.toml new.toml --format md > changes.md\n  cmplan diff output/contoso.xlsx contoso.toml\n  cmplan diff output/contoso.rev1.xlsx output/contoso.json"
    )]
    Diff {
        /// The earlier revision: an environment description, a workbook cmplan wrote, or a JSON plan.
        old: PathBuf,
        /// The later revision: an environment description, a workbook cmplan wrote, or a JSON plan.
        new: PathBuf,
        /// Output format (text is coloured on a terminal, plain when piped or with NO_COLOR).
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Plan date for a description planned here (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
        #[arg(long)]
        date: Option<String>,
    },
    /// Say what a finding or diagnostic code means and where its rule comes from.
    #[command(
        after_help = "Examples:\n  cmplan explain CHK-DISK-SERVER\n  cmplan explain e021\n  cmplan explain --all > rules.md"
    )]
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema of the environment description (for editors and CI).
    #[command(after_help = "Example:\n  cmplan schema > cmplan.schema.json")]
    Schema,
    /// Write a commented example environment description to start from.
    #[command(after_help = "Example:\n  cmplan init my-hierarchy.toml")]
    Init {
        /// Where to write it.
        #[arg(default_value = "environment.toml")]
        path: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Work with the Markdown templates and task texts.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  cmplan completions bash > /etc/bash_completion.d/cmplan")]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  cmplan man > cmplan.1 && man ./cmplan.1")]
    Man,
    /// Print a deterministic synthetic hierarchy (for benchmarks and tests).
    #[command(hide = true)]
    Synth {
        /// Number of sites, or a named size: S (14), M (60), L (600), XL (2000).
        #[arg(long, default_value = "M")]
        size: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the embedded default templates to DIR for editing; use them with `--templates DIR`.
    #[command(after_help = "Example:\n  cmplan templates export my-templates")]
    Export {
        dir: PathBuf,
        /// Overwrite files that already exist in DIR.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The environment description (.toml or .json).
    pub env: PathBuf,
    /// Output directory.
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(short, long, value_delimiter = ',', default_values = ["md", "pdf", "xlsx"])]
    pub format: Vec<Format>,
    /// Plan date (YYYY-MM-DD); default SOURCE_DATE_EPOCH, else today.
    #[arg(long)]
    pub date: Option<String>,
    /// Plan the remaining work from this day (YYYY-MM-DD): tasks recorded Done in the previous
    /// workbook keep their completion date, the rest starts on or after it (default: plan.start).
    #[arg(long, value_name = "DATE", value_parser = parse_today)]
    pub today: Option<chrono::NaiveDate>,
    /// Folder whose templates replace the embedded ones, file by file.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Paper size of the PDF.
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: Paper,
    /// Standard the PDF is written to and checked against: ua-1 (tagged, accessible), a-2b
    /// (archivable), a-2a (archivable and accessible) or none (untagged, smallest). A file that
    /// would not meet it is not written.
    #[arg(long, value_enum, value_name = "STANDARD", default_value = "ua-1")]
    pub pdf_standard: cmplan::render::pdf::PdfStandard,
    /// Previous workbook to carry recorded status from (default: `<stem>.xlsx` in the output
    /// directory, when it exists).
    #[arg(long, value_name = "FILE", conflicts_with = "discard_status")]
    pub previous: Option<PathBuf>,
    /// Start a fresh revision 1 without reading the previous workbook (it is still kept as a
    /// backup before being replaced).
    #[arg(long)]
    pub discard_status: bool,
    /// Also write the checklist of site CODE (its tasks, its servers', its secondaries') as
    /// DIR/<stem>-<CODE>.<ext> in each format; repeat or separate with commas.
    #[arg(long = "site", value_name = "CODE", value_delimiter = ',')]
    pub sites: Vec<String>,
    /// Also write a checklist for every primary site the plan upgrades (as --site does).
    #[arg(long)]
    pub per_site: bool,
    /// `waves`: DIR/<stem>.<ext> becomes a summary and each wave gets its own document,
    /// DIR/<stem>-wave<N>.<ext> (md, pdf and html; the workbook and the JSON stay whole).
    #[arg(long, value_enum, value_name = "HOW")]
    pub split: Option<Split>,
}

/// How `generate --split` cuts the readable documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    /// A summary plus one document per upgrade wave.
    Waves,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Import(args) => import::run(args),
        Command::Validate { env } => misc::validate(&env),
        Command::Diff {
            old,
            new,
            format,
            date,
        } => diff::run(&old, &new, format, date.as_deref()),
        Command::Explain(args) => explain::run(args),
        Command::Schema => misc::schema(),
        Command::Init { path, force } => misc::init(&path, force),
        Command::Templates(TemplatesCommand::Export { dir, force }) => {
            misc::export_templates(&dir, force)
        }
        Command::Completions { shell } => misc::completions(shell),
        Command::Man => misc::man(),
        Command::Synth { size, seed } => {
            let sites = cmplan::synth::SIZES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&size))
                .map(|(_, n)| *n)
                .or_else(|| size.parse().ok())
                .ok_or_else(|| {
                    anyhow::anyhow!("--size {size}: give S, M, L, XL or a number of sites")
                })?;
            stdout::emit(cmplan::synth::generate(sites, seed))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--today YYYY-MM-DD`.
fn parse_today(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2027-03-01"))
}
