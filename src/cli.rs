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
    /// The dependency graph: blast radius, single points of failure, the upgrade order.
    Graph(GraphArgs),
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
}

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphOutput {
    /// Components by blast radius, single points of failure, then the upgrade order.
    Table,
    /// Graphviz DOT (`| dot -Tsvg > mesh.svg`).
    Dot,
    /// A Mermaid flowchart (pastes into a GitHub issue or wiki).
    Mermaid,
    /// Nodes, typed edges and the analyses (`meshsurface/graph/v1`).
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: GraphOutput,
    /// Do not print warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}
