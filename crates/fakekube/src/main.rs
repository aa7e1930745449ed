//! `fakekube`: serve fixture folders (or a generated cluster) on 127.0.0.1 until killed,
//! for benchmarks and for pointing real `kubectl` at the fake.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: fakekube --fixtures DIR [--fixtures DIR ...] [--port N] \
[--kubeconfig-out FILE] [--context NAME] [--token TOKEN]

Serves the Kubernetes objects in DIR (YAML or JSON, recursively) as a read-only API
server on 127.0.0.1 until killed. Prints the URL on the first line of stdout.";

struct Args {
    fixtures: Vec<PathBuf>,
    port: u16,
    kubeconfig_out: Option<PathBuf>,
    context: String,
    token: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixtures: Vec::new(),
        port: 0,
        kubeconfig_out: None,
        context: "fakekube".to_owned(),
        token: None,
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
    let mut fake = fakekube::FakeKube::new(objects).with_port(args.port);
    if let Some(t) = &args.token {
        fake = fake.with_token(t);
    }
    let running = match fake.start().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fakekube: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.kubeconfig_out {
        if let Err(e) = running.write_kubeconfig(path, &args.context) {
            eprintln!("fakekube: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", running.url);
    let _ = out.flush();
    drop(out);
    eprintln!(
        "fakekube: serving {} objects ({} groups) at {}{}",
        running.object_count(),
        running.groups().len(),
        running.url,
        args.kubeconfig_out
            .as_ref()
            .map(|p| format!("; KUBECONFIG={}", p.display()))
            .unwrap_or_default()
    );
    // Serve until killed.
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
