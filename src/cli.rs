//! The command line, as parsed: kubectl-style flags and one struct per subcommand.
//!
//! These types only parse and validate what the user typed (the "low-level" arguments);
//! [`crate::app`] turns them into work. Flags that several commands share mean the same
//! everywhere (`--from`, `-o/--output`).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Measure the day-2 operational surface of the service meshes in a Kubernetes cluster.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-meshsurface",
    bin_name = "kubectl meshsurface",
    version,
    about
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory the mesh surface: components, proxy types, CRDs, webhooks, footprint.
    Scan(ScanArgs),
    /// What grew and shrank between two snapshots; `--fail-on` budgets for CI.
    Diff(DiffArgs),
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Headline totals, then per-mesh sections (for people).
    Table,
    /// The table with more columns (limits, per-CRD rows, webhook services).
    Wide,
    /// The `meshsurface/v1` snapshot (for machines).
    Json,
    /// The same snapshot as YAML.
    Yaml,
    /// Markdown tables, for a pull request or a wiki.
    Markdown,
}

/// Where objects come from: offline files (`--from`) or, without it, the live cluster.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Read YAML/JSON manifests, a folder of them, a saved snapshot, or `-` for stdin,
    /// instead of the live cluster. Repeatable; raw manifests together are one cluster.
    #[arg(long = "from", value_name = "PATH")]
    pub from: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: Output,
    /// Also write the snapshot JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
    /// Do not print warnings on stderr (they stay in the output).
    #[arg(short, long)]
    pub quiet: bool,
    /// Exit 4 when a total is over a budget: absolute terms such as 'proxyTypes>2,crds>20'
    /// (totals field names as in the JSON), comma-separated.
    #[arg(long = "fail-on", value_name = "BUDGET")]
    pub fail_on: Option<String>,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffOutput {
    /// Grouped sections with +/- signs (for people).
    Table,
    /// The `meshsurface/diff/v1` object (for machines).
    Json,
    /// Markdown tables, for a pull request comment.
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The snapshot before the change: a file written by `scan --save` (JSON or YAML), or `-`
    /// for stdin.
    #[arg(value_name = "BEFORE")]
    pub before: String,
    /// The snapshot after the change.
    #[arg(
        value_name = "AFTER",
        required_unless_present = "live",
        conflicts_with = "live"
    )]
    pub after: Option<String>,
    /// Compare BEFORE with the live cluster now instead of with AFTER.
    #[arg(long)]
    pub live: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: DiffOutput,
    /// Exit 4 when the change is over a budget: comma-separated terms over the totals
    /// (field names as in the JSON) such as 'components>+2' (grew by more than 2),
    /// 'memoryRequestBytes>+20%' (grew by more than 20%), 'proxyTypes>3' (after is above 3).
    #[arg(long = "fail-on", value_name = "BUDGET")]
    pub fail_on: Option<String>,
}
