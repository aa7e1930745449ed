//! The command line, as parsed: kubectl-style flags and one struct per subcommand.
//!
//! These types only parse and validate what the user typed (the "low-level" arguments);
//! the commands (`src/commands/`) turn them into work. Flags that several commands share
//! mean the same everywhere (`--from`, `-o/--output`).

use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};

#[cfg(test)]
mod tests;
mod values;

pub use values::{parse_bytes, parse_duration, parse_size, parse_sweep, Sweep};

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

/// The command line, with the value lists that are catalog data filled in from the loaded
/// catalog: the feature vocabulary in `plan --enable`'s help, and every feature profile as
/// `compare --mesh`'s default. Parsing, completion and the man pages all start here, so a
/// mesh added to the catalog shows in all three without a change to this file.
pub fn command() -> clap::Command {
    let features = crate::catalog::profiles::FEATURES.join(", ");
    let profiles = crate::catalog::Catalog::load()
        .and_then(|c| crate::catalog::profiles::load(&c))
        .map(|ps| {
            ps.iter()
                .map(|p| p.profile.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
        // A catalog that does not load fails every command with its own error.
        .unwrap_or_default();
    // clap keeps default values as `&'static str`: built once per process.
    let profiles: &'static str = Box::leak(profiles.into_boxed_str());
    <Cli as clap::CommandFactory>::command()
        .mut_subcommand("plan", |c| {
            c.mut_arg("enable", |a| {
                a.help(format!("Features to enable, in this order ({features})"))
            })
        })
        .mut_subcommand("compare", |c| {
            c.mut_arg("mesh", |a| a.default_value(profiles))
        })
}

/// Parses the process's arguments against [`command`].
pub fn try_parse() -> Result<Cli, clap::Error> {
    Cli::from_arg_matches(&command().try_get_matches()?)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory the mesh surface: components, proxy types, CRDs, webhooks, footprint.
    #[command(mut_arg("context", |a| a.help(SCAN_CONTEXT_HELP)))]
    Scan(ScanArgs),
    /// This cluster's surface after enabling features, step by step, at its own scale.
    Plan(PlanArgs),
    /// Meshes side by side, feature by feature, before anything is installed.
    Compare(CompareArgs),
    /// Scan on a timer and serve the last good scan to Prometheus (/metrics, /snapshot,
    /// /healthz, /readyz).
    Serve(ServeArgs),
    /// Print the minimal read-only ClusterRole the live scan needs.
    Rbac,
    /// What grew and shrank between two snapshots; `--fail-on` budgets for CI.
    Diff(DiffArgs),
    /// The dependency graph: blast radius, single points of failure, the upgrade order.
    Graph(GraphArgs),
    /// The figures for a headcount estimate, per cluster and for a fleet, and a transparent
    /// model of hours per year and FTE over them.
    Headcount(HeadcountArgs),
    /// One self-contained HTML page for people: scorecard, hazards, footprint, dependency
    /// graph, upgrade runbook.
    Report(ReportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(CompletionArgs),
    /// Write one man page per command into DIR (how docs/man is made).
    #[command(hide = true)]
    Man(ManArgs),
    /// Write the JSON Schemas of the JSON outputs into DIR (how docs/schema is made).
    #[command(hide = true, name = "json-schema")]
    Schema(SchemaArgs),
}

impl Command {
    /// `--as-of`, for the commands that scan.
    pub fn as_of(&self) -> Option<crate::date::Day> {
        match self {
            Command::Scan(a) => a.input.judge.as_of,
            Command::Plan(a) => a.input.judge.as_of,
            Command::Graph(a) => a.input.judge.as_of,
            Command::Headcount(a) => a.input.judge.as_of,
            Command::Report(a) => a.input.judge.as_of,
            Command::Diff(a) => a.judge.as_of,
            Command::Serve(a) => a.input.judge.as_of,
            Command::Compare(_)
            | Command::Rbac
            | Command::Completion(_)
            | Command::Man(_)
            | Command::Schema(_) => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CompletionArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Where to write the pages (created if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Where to write the schemas (created if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

/// `scan`'s own help for `--context`, the one command that takes it several times.
const SCAN_CONTEXT_HELP: &str = "The kubeconfig context to use (default: its current context). \
     Repeat it to scan several clusters concurrently, one snapshot each";

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
    /// OpenMetrics text, for Prometheus (docs/metrics.md).
    Openmetrics,
}

/// Where objects come from: offline files (`--from`) or, without it, the live cluster.
#[derive(Debug, Clone, Default, Args)]
pub struct InputArgs {
    /// Read YAML/JSON manifests, a folder of them, a saved snapshot, or `-` for stdin,
    /// instead of the live cluster. Repeatable; raw manifests together are one cluster.
    #[arg(long = "from", value_name = "PATH")]
    pub from: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub judge: JudgeArgs,
}

/// What compute costs (`docs/cost.md`): with a price, outputs carry the bill.
#[derive(Debug, Clone, Default, Args)]
pub struct PriceArgs {
    /// Bill the surface at this price: `cpu=0.031/h,memory=0.0042/GiB-h` (optional
    /// `,currency=EUR`), or a preset's name from the pricing file (see --print-prices).
    #[arg(long, value_name = "PRICE")]
    pub price: Option<String>,
    /// A pricing file (TOML) of named presets; without --price, its `default` preset.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<std::path::PathBuf>,
    /// Print the built-in pricing file (a starting point for --prices) and exit.
    #[arg(long)]
    pub print_prices: bool,
}

/// How a scan judges what it read.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct JudgeArgs {
    /// Judge dated hazards (certificate expiry, end of life) as of this day, YYYY-MM-DD,
    /// instead of today: for reproducible output. A saved snapshot keeps its own judgement.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<crate::date::Day>,
}

/// Caps on what one `--from` input may cost (`docs/limits.md`).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct LimitArgs {
    /// The most one `--from` input (a file, or stdin) may hold (`4Gi`, `500Mi`, bytes)
    /// [default: 4Gi].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_input_size: Option<u64>,
    /// The most one object may take: a document, or one item of a List [default: 64Mi].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_object_size: Option<u64>,
}

impl LimitArgs {
    pub fn limits(&self) -> crate::source::Limits {
        let d = crate::source::Limits::default();
        crate::source::Limits {
            max_input_bytes: self.max_input_size.unwrap_or(d.max_input_bytes),
            max_object_bytes: self.max_object_size.unwrap_or(d.max_object_bytes),
        }
    }
}

/// How to reach a live cluster: the same flags, and the same meaning, as kubectl's.
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the
    /// in-cluster service account).
    #[arg(long, value_name = "FILE", global = true)]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The kubeconfig context to use (default: its current context).
    #[arg(long, value_name = "NAME", global = true, action = clap::ArgAction::Append)]
    pub context: Vec<String>,
    /// Report this namespace's workloads, with the mesh as it is (its control plane and
    /// node agents are still read, wherever they run). Live, or raw manifests with --from.
    #[arg(
        short = 'n',
        long,
        value_name = "NAMESPACE",
        conflicts_with = "all_namespaces",
        global = true
    )]
    pub namespace: Option<String>,
    /// Read every namespace (the default).
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// How long to wait for one request (`30s`, `1m`, `500ms`; `0` waits forever).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, global = true)]
    pub request_timeout: std::time::Duration,
    /// How many resource types are listed at once.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=64), global = true)]
    pub concurrency: u16,
    /// Objects per page (`limit`) when listing.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10000), global = true)]
    pub page_size: u32,
    /// The largest answer read from the cluster, in bytes (`512Mi`, `1Gi`, `300000`): a
    /// bigger page is dropped and the resource reported incomplete.
    #[arg(long, value_name = "BYTES", default_value = "256Mi", value_parser = parse_bytes, global = true)]
    pub max_page_size: u64,
}

impl Default for ClusterArgs {
    fn default() -> Self {
        Self {
            kubeconfig: None,
            context: Vec::new(),
            namespace: None,
            all_namespaces: false,
            request_timeout: std::time::Duration::from_secs(30),
            concurrency: 6,
            page_size: 500,
            max_page_size: crate::source::live::DEFAULT_MAX_PAGE_BYTES,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: Output,
    /// Also write the snapshot JSON to this file.
    #[arg(long, value_name = "FILE", conflicts_with = "save_dir")]
    pub save: Option<std::path::PathBuf>,
    /// Scan every context of the kubeconfig, concurrently (one snapshot per cluster).
    #[arg(long, conflicts_with = "from")]
    pub all_contexts: bool,
    /// Write one snapshot per cluster to DIR/<context>.json (created if missing).
    #[arg(long, value_name = "DIR")]
    pub save_dir: Option<std::path::PathBuf>,
    /// With several contexts: how many clusters are scanned at once (memory grows with
    /// it: one scan's peak per cluster in flight).
    #[arg(long, value_name = "N", default_value_t = crate::commands::scan::FLEET_CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub clusters_at_once: u16,
    /// Do not print warnings on stderr (they stay in the output).
    #[arg(short, long)]
    pub quiet: bool,
    /// Exit 4 when a total is over a budget: absolute terms such as 'proxyTypes>2,crds>20'
    /// (totals field names as in the JSON), comma-separated.
    #[arg(long = "fail-on", value_name = "BUDGET")]
    pub fail_on: Option<String>,
    /// With --from manifests that hold no Node objects: the cluster's node count, which
    /// DaemonSets without status project to (else their instances are unknown).
    #[arg(long, value_name = "N", requires = "from")]
    pub nodes: Option<u64>,
    /// Also push the metrics to this Prometheus Pushgateway (http://HOST:PORT), grouped
    /// by job=meshsurface and cluster (docs/metrics.md).
    #[arg(long, value_name = "URL")]
    pub push: Option<String>,
    /// The cluster's name in the metrics: the `cluster` label and the push's grouping key
    /// (default: the context's name).
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    #[command(flatten)]
    pub cost: PriceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The address to serve on, HOST:PORT (port 0 picks a free one; the address is logged
    /// at start).
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8080")]
    pub listen: std::net::SocketAddr,
    /// Time between scans (`5m`, `30s`, at least 1s), each moved by up to ±10% at random;
    /// the first scan runs at start.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub interval: std::time::Duration,
    /// The log on stderr, one line per event: logfmt (`text`) or JSON objects.
    #[arg(long, value_name = "FORMAT", value_enum, default_value = "text")]
    pub log_format: crate::serve::LogFormat,
    #[command(flatten)]
    pub cost: PriceArgs,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffOutput {
    /// Grouped sections with +/- signs (for people).
    Table,
    /// The `meshsurface/diff/v1` object (for machines).
    Json,
    /// The same object as YAML.
    Yaml,
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
    /// How to reach the cluster for `--live`.
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub judge: JudgeArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: DiffOutput,
    /// Exit 4 when the change is over a budget: comma-separated terms over the totals
    /// (field names as in the JSON) such as 'components>+2' (grew by more than 2),
    /// 'memoryRequestBytes>+20%' (grew by more than 20%), 'proxyTypes>3' (after is above 3).
    #[arg(long = "fail-on", value_name = "BUDGET")]
    pub fail_on: Option<String>,
    /// Do not print warnings or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub cost: PriceArgs,
}

/// Output formats of `plan` and `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportOutput {
    Table,
    Json,
    Yaml,
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    // The help lists the feature vocabulary: filled in by `command()`.
    /// Features to enable, in this order.
    #[arg(long, value_name = "F1,F2", value_delimiter = ',', required = true)]
    pub enable: Vec<String>,
    /// The mesh to plan for, when the cluster runs several.
    #[arg(long, value_name = "MESH")]
    pub mesh: Option<String>,
    /// Which meshed namespaces per-namespace features (waypoints) reach: `all`, a count,
    /// or a fraction such as 0.25.
    #[arg(long = "namespaces-with-l7", value_name = "N", default_value = "all", value_parser = crate::growth::NamespaceShare::parse)]
    pub l7: crate::growth::NamespaceShare,
    /// The growth curve: the surface with every feature at each scale point of one axis.
    #[arg(long, value_name = "AXIS=V1,V2", value_parser = parse_sweep)]
    pub sweep: Option<Sweep>,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: ReportOutput,
    /// Do not draw progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub cost: PriceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    // The default (every feature profile) is filled in by `command()`.
    /// Meshes and modes to compare.
    #[arg(long, value_name = "M1,M2", value_delimiter = ',')]
    pub mesh: Vec<String>,
    /// Features to adopt, in this order.
    #[arg(
        long,
        value_name = "F1,F2",
        value_delimiter = ',',
        default_value = "mtls,l7-policy,ingress,observability,multicluster"
    )]
    pub features: Vec<String>,
    /// Nodes (default: the scanned cluster's with --from, else 10).
    #[arg(long)]
    pub nodes: Option<u64>,
    /// Meshed namespaces (default: the scanned cluster's, else 20).
    #[arg(long)]
    pub namespaces: Option<u64>,
    /// Meshed pods (default: the scanned cluster's, else 500).
    #[arg(long)]
    pub pods: Option<u64>,
    /// Service accounts (default: the scanned cluster's, else 3 per namespace).
    #[arg(long)]
    pub service_accounts: Option<u64>,
    /// Which namespaces per-namespace features reach: `all`, a count, or a fraction.
    #[arg(long = "namespaces-with-l7", value_name = "N", default_value = "all", value_parser = crate::growth::NamespaceShare::parse)]
    pub l7: crate::growth::NamespaceShare,
    /// Calibrate with a real scan (a snapshot or manifests): the installed mesh's column
    /// starts from its scanned surface, and the scale defaults to the cluster's.
    #[arg(long = "from", value_name = "PATH", conflicts_with = "live")]
    pub from: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Calibrate with a scan of the live cluster (the live-scan flags apply).
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: ReportOutput,
    /// Do not print warnings or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub cost: PriceArgs,
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
    /// The same document as YAML.
    Yaml,
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

/// Output formats of `headcount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeadcountOutput {
    /// The figures, then the estimate term by term (for people).
    Table,
    /// One header row, one row per cluster and mesh, then a total row (for a spreadsheet).
    Csv,
    /// The `meshsurface/headcount/v1` object (for machines).
    Json,
    /// The same object as YAML.
    Yaml,
}

#[derive(Debug, Clone, Args)]
pub struct HeadcountArgs {
    /// Snapshots (files or folders; each snapshot is one cluster: a fleet), or raw
    /// manifests (one cluster). Without it, the live cluster.
    #[command(flatten)]
    pub input: InputArgs,
    /// The model: a TOML file of coefficients (default: the built-in one; see --print-model).
    #[arg(long, value_name = "FILE")]
    pub model: Option<std::path::PathBuf>,
    /// Print the built-in model (a starting point for --model) and exit.
    #[arg(long)]
    pub print_model: bool,
    /// Also estimate each cluster after enabling these features (as `plan --enable`).
    #[arg(long, value_name = "F1,F2", value_delimiter = ',')]
    pub enable: Vec<String>,
    #[arg(short = 'o', long = "output", value_enum, default_value = "table")]
    pub output: HeadcountOutput,
    /// Do not print warnings or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// The loaded cost of one FTE for a year, in the price's currency: with --price or
    /// --prices, adds the total cost of ownership (people + compute) per cluster and fleet.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_fte_cost)]
    pub fte_cost: Option<f64>,
    #[command(flatten)]
    pub cost: PriceArgs,
}

/// `--fte-cost`: a finite amount, 0 or more.
fn parse_fte_cost(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "`{s}` is not an amount: a number, 0 or more (a loaded cost per FTE per year)"
        )),
    }
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the HTML page to FILE (default: stdout, when stdout is not a terminal).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Add a before/after section: what changed since this saved snapshot (as `diff`).
    #[arg(long, value_name = "OLD.json")]
    pub before: Option<String>,
    /// Add the growth plan: the surface after enabling these features, step by step (as
    /// `plan --enable`; the feature list is in `plan --help`).
    #[arg(long, value_name = "F1,F2", value_delimiter = ',')]
    pub enable: Vec<String>,
    /// With --enable: the mesh to plan for, when the cluster runs several.
    #[arg(long, value_name = "MESH", requires = "enable")]
    pub mesh: Option<String>,
    /// Add the comparison of every mesh and mode at this cluster's scale (as `compare
    /// --from`), adopting the --enable features (default: compare's).
    #[arg(long)]
    pub compare: bool,
    /// The headcount model: a TOML file of coefficients (default: the built-in one; see
    /// `headcount --print-model`).
    #[arg(long, value_name = "FILE")]
    pub model: Option<std::path::PathBuf>,
    /// Do not print warnings or progress on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub cost: PriceArgs,
}
