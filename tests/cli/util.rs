//! Helpers: run the binary from the crate root, with a pinned clock and no colour.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The crate root (fixture paths in output are relative to it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture case folder, sorted.
pub fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures/clusters"))
        .expect("fixtures/clusters exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs `kubectl-meshsurface ARGS` with STDIN; returns the finished process.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_env(args, stdin, &[])
}

/// Like [`run`], with extra environment variables (`KUBECONFIG`, `HOME`).
pub fn run_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-meshsurface"))
        .args(args)
        // Tables are fitted to COLUMNS: the default width (80) unless a test sets it.
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1795435200")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("stdin written");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("binary finishes")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a scan that must succeed and returns the parsed JSON snapshot.
pub fn scan_json(args: &[&str]) -> serde_json::Value {
    let mut full = vec!["scan", "-o", "json", "--quiet"];
    full.extend_from_slice(args);
    let o = run(&full, None);
    assert_eq!(o.status.code(), Some(0), "scan failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("scan -o json prints JSON")
}

/// The body of the `name` fenced block (```` ```name ````) of `dir/EXPECTED.md`: `Ok(None)`
/// when the file has no such block, `Err` naming the file when it cannot be read. The
/// hand-worked figures of every fixture live in such blocks.
pub fn expected_block(dir: &std::path::Path, name: &str) -> Result<Option<String>, String> {
    let path = dir.join("EXPECTED.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .split(&format!("```{name}\n"))
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .map(str::to_owned))
}

/// The `key SEP value` lines of a block, trimmed (other lines skipped).
pub fn block_pairs(block: &str, sep: &str) -> std::collections::BTreeMap<String, String> {
    block
        .lines()
        .filter_map(|l| l.split_once(sep))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The non-empty lines of a block, whitespace runs made one space, sorted.
pub fn block_lines(block: &str) -> Vec<String> {
    let mut lines: Vec<String> = block
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort();
    lines
}
