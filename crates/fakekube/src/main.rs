//! `fakekube`: serve fixture folders (or a generated cluster) on 127.0.0.1 until killed,
//! for benchmarks and for pointing real `kubectl` at the fake.
#![expect(
    clippy::print_stderr,
    reason = "a standalone binary's entry point reports usage and errors on stderr"
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: fakekube --fixtures DIR [--fixtures DIR ...] [--port N] \
[--kubeconfig-out FILE] [--context NAME] [--token TOKEN]
       [--generate pods=N,nodes=N,namespaces=N,deployments=N,config=N] [--clusters N]
       [--request-log FILE] [--latency MS]

Serves the Kubernetes objects in DIR (YAML or JSON, recursively) as a read-only API
server on 127.0.0.1 until killed. Prints the URL on the first line of stdout.

--generate multiplies the fixture to that scale in memory (see fakekube::generate): its
application namespaces are cloned with their mesh annotations, sidecars and waypoints,
node agents get a pod per node, every generated pod a realistic managedFields block;
config=N adds N mesh configuration objects per generated namespace, spread over the
namespaced kinds the fixture's CRDs declare (VirtualService, Server, CiliumNetworkPolicy...).
--clusters N serves N identical fakes on consecutive ports (from --port, or free ports)
and writes one kubeconfig with contexts CONTEXT-1 .. CONTEXT-N (the first is current);
it prints one URL per line.
--latency MS delays every answer by MS milliseconds (a remote cluster's round trip).
--request-log FILE appends every request the (first) fake answers to FILE, one line each:
METHOD PATH[?QUERY] TAB ACCEPT TAB STATUS (how scripts/bench.sh learns which lists a scan
reads, to time the download floor of exactly those).";

struct Args {
    fixtures: Vec<PathBuf>,
    port: u16,
    kubeconfig_out: Option<PathBuf>,
    context: String,
    token: Option<String>,
    generate: Option<fakekube::generate::Scale>,
    clusters: usize,
    request_log: Option<PathBuf>,
    latency: Option<std::time::Duration>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixtures: Vec::new(),
        port: 0,
        kubeconfig_out: None,
        context: "fakekube".to_owned(),
        token: None,
        generate: None,
        clusters: 1,
        request_log: None,
        latency: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--fixtures" => args.fixtures.push(PathBuf::from(value()?)),
            "--port" => {
                let v = value()?;
                args.port = v.parse().map_err(|_| format!("--port: not a port: {v}"))?;
            }
            "--kubeconfig-out" => args.kubeconfig_out = Some(PathBuf::from(value()?)),
            "--context" => args.context = value()?,
            "--token" => args.token = Some(value()?),
            "--request-log" => args.request_log = Some(PathBuf::from(value()?)),
            "--latency" => {
                let v = value()?;
                let ms: u64 = v
                    .parse()
                    .map_err(|_| format!("--latency: not milliseconds: {v}"))?;
                args.latency = Some(std::time::Duration::from_millis(ms));
            }
            "--generate" => {
                args.generate = Some(
                    fakekube::generate::Scale::parse(&value()?)
                        .map_err(|e| format!("--generate: {e}"))?,
                );
            }
            "--clusters" => {
                let v = value()?;
                args.clusters = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| format!("--clusters: not a number from 1 to 100: {v}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.fixtures.is_empty() {
        return Err("--fixtures DIR is required".to_owned());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fakekube: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fakekube: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let mut objects = Vec::new();
    for dir in &args.fixtures {
        match fakekube::load_path(dir) {
            Ok(o) => objects.extend(o),
            Err(e) => {
                eprintln!("fakekube: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // Built once (a generated cluster serialized object by object, never held whole as
    // `Value`s) and shared by every fake of --clusters.
    let prepared = match &args.generate {
        Some(scale) => fakekube::Prepared::generate(objects, scale),
        None => fakekube::Prepared::new(objects),
    };
    let mut running = Vec::new();
    for i in 0..args.clusters {
        let port = if args.port == 0 {
            0
        } else {
            args.port
                .saturating_add(u16::try_from(i).unwrap_or(u16::MAX))
        };
        let mut fake = fakekube::FakeKube::prepared(&prepared).with_port(port);
        if let Some(t) = &args.token {
            fake = fake.with_token(t);
        }
        if let Some(d) = args.latency {
            fake = fake.with_fault(fakekube::Target::Everything, fakekube::Fault::Slow(d));
        }
        match fake.start().await {
            Ok(r) => running.push(r),
            Err(e) => {
                eprintln!("fakekube: cannot listen on 127.0.0.1:{port}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let names: Vec<String> = if args.clusters == 1 {
        vec![args.context.clone()]
    } else {
        (1..=args.clusters)
            .map(|i| format!("{}-{i}", args.context))
            .collect()
    };
    if let Some(path) = &args.kubeconfig_out {
        let contexts: Vec<_> = running
            .iter()
            .zip(&names)
            .map(|(r, n)| r.context(n))
            .collect();
        if let Err(e) = fakekube::write_kubeconfig(path, &contexts, &names[0]) {
            eprintln!("fakekube: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut out = std::io::stdout().lock();
    for r in &running {
        let _ = writeln!(out, "{}", r.url);
    }
    let _ = out.flush();
    drop(out);
    for r in &running {
        eprintln!(
            "fakekube: serving {} objects ({} groups) at {}{}",
            r.object_count(),
            r.groups().len(),
            r.url,
            args.kubeconfig_out
                .as_ref()
                .map(|p| format!("; KUBECONFIG={}", p.display()))
                .unwrap_or_default()
        );
    }
    if let (Some(path), Some(first)) = (&args.request_log, running.first()) {
        return log_requests(path, first).await;
    }
    // Serve until killed.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

/// Serves until killed, appending the requests `fake` answers to `path` every 100 ms.
async fn log_requests(path: &std::path::Path, fake: &fakekube::Running) -> ExitCode {
    let mut file = match std::fs::File::create(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fakekube: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut written = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let requests = fake.requests();
        for r in requests.iter().skip(written) {
            let q = if r.query.is_empty() { "" } else { "?" };
            let accept = r.accept.as_deref().unwrap_or("");
            let _ = writeln!(
                file,
                "{} {}{q}{}\t{accept}\t{}",
                r.method, r.path, r.query, r.status
            );
        }
        written = requests.len();
        let _ = file.flush();
    }
}
