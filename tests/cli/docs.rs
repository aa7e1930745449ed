//! The samples in `README.md` and `docs/*.md` are the binary's real output, so they cannot
//! drift from it (issue 15 item 10).
//!
//! Convention, visible in the Markdown source: a fenced block right after a line
//! `<!-- sample: ARGS -->` must equal the stdout of `kubectl-meshsurface ARGS`, run from the
//! crate root by [`util::run_env`] (pinned clock, `NO_COLOR`, 80 columns), and the command
//! must succeed. ARGS are split on spaces (no quoting); leading `NAME=value` words set the
//! environment (`COLUMNS=120`), and `@case` stands for a snapshot the test saves from
//! `fixtures/clusters/case` (as `case.json`, so `diff` and `headcount` samples need no setup
//! in the text). `ARGS | section TITLE` keeps only the section of the table output that
//! starts at the line `TITLE` and ends at the next empty line (a section of a real output,
//! still checked); `ARGS | grep WORD` keeps the lines that contain WORD. Every other block
//! of output (any fence but `sh`, `bash`, `rust`, `toml`) must
//! follow a line `<!-- illustrative -->`.
//!
//! `DOCS_SAMPLES_UPDATE=1 cargo test --test cli docs` rewrites the samples from the binary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::util::{root, run, run_env, stderr, stdout};

const SAMPLE: &str = "<!-- sample:";
const ILLUSTRATIVE: &str = "<!-- illustrative";
/// Fences that hold commands or code to type, not output.
const INPUT_FENCES: &[&str] = &["sh", "bash", "rust", "toml"];
const REGENERATE: &str = "DOCS_SAMPLES_UPDATE=1 cargo test --test cli docs";

/// One checked sample: where its block is and what it must show.
#[derive(Debug)]
struct Sample {
    /// 1-based line of the `<!-- sample: -->` marker.
    line: usize,
    args: String,
    /// 0-based line range of the block's body (between the fences).
    body: std::ops::Range<usize>,
    expected: String,
}

/// What one Markdown file holds: its checked samples, and the problems with its markers.
#[derive(Debug, Default)]
struct Parsed {
    samples: Vec<Sample>,
    problems: Vec<String>,
}

fn parse(text: &str) -> Parsed {
    let lines: Vec<&str> = text.lines().collect();
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if line.starts_with(SAMPLE) && !lines.get(i + 1).is_some_and(|l| l.starts_with("```")) {
            parsed.problems.push(format!(
                "line {}: a sample marker not followed by a fenced block",
                i + 1
            ));
        }
        if !line.starts_with("```") {
            i += 1;
            continue;
        }
        let lang = line.trim_start_matches('`').trim();
        let start = i + 1;
        let end = (start..lines.len())
            .find(|&j| lines[j].trim_end() == "```")
            .unwrap_or(lines.len());
        let marker = if i > 0 { lines[i - 1].trim() } else { "" };
        if let Some(rest) = marker.strip_prefix(SAMPLE) {
            match rest.strip_suffix("-->") {
                Some(args) if !args.trim().is_empty() => parsed.samples.push(Sample {
                    line: i,
                    args: args.trim().to_string(),
                    body: start..end,
                    expected: lines[start..end].join("\n"),
                }),
                _ => parsed.problems.push(format!(
                    "line {i}: a sample marker without arguments or `-->`"
                )),
            }
        } else if !marker.starts_with(ILLUSTRATIVE) && !INPUT_FENCES.contains(&lang) {
            parsed.problems.push(format!(
                "line {}: a ```{lang} block neither checked (`<!-- sample: ARGS -->`) nor marked \
                 `<!-- illustrative -->`: {}",
                i + 1,
                lines.get(start).unwrap_or(&"")
            ));
        }
        i = end + 1;
    }
    parsed
}

/// Lines without trailing whitespace, and no trailing empty lines.
fn normalise(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end_matches('\n').to_string()
}

fn doc_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files.insert(0, root().join("README.md"));
    files
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Saves (once) the snapshot of `fixtures/clusters/<case>` as `<dir>/<case>.json`.
fn snapshot(dir: &Path, case: &str, saved: &mut BTreeMap<String, String>) -> String {
    if let Some(p) = saved.get(case) {
        return p.clone();
    }
    let fixture = root().join("fixtures/clusters").join(case);
    assert!(
        fixture.is_dir(),
        "@{case}: no fixture folder {}",
        fixture.display()
    );
    let path = dir.join(format!("{case}.json")).display().to_string();
    let from = format!("fixtures/clusters/{case}");
    let o = run(&["scan", "-q", "--from", &from, "--save", &path], None);
    assert_eq!(o.status.code(), Some(0), "saving @{case}: {}", stderr(&o));
    saved.insert(case.to_string(), path.clone());
    path
}

/// Runs a sample's ARGS; returns its stdout, or why it failed.
fn run_sample(
    args: &str,
    dir: &Path,
    saved: &mut BTreeMap<String, String>,
) -> Result<String, String> {
    let (args, grep) = match args.split_once(" | grep ") {
        Some((a, word)) => (a, Some(word.trim())),
        None => (args, None),
    };
    let (args, section) = match args.split_once(" | section ") {
        Some((a, title)) => (a, Some(title.trim())),
        None => (args, None),
    };
    let mut env: Vec<(String, String)> = Vec::new();
    let mut argv: Vec<String> = Vec::new();
    for word in args.split_whitespace() {
        match word.split_once('=') {
            Some((k, v))
                if argv.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
            {
                env.push((k.to_string(), v.to_string()));
            }
            _ => match word.strip_prefix('@') {
                Some(case) => argv.push(snapshot(dir, case, saved)),
                None => argv.push(word.to_string()),
            },
        }
    }
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let o = run_env(&argv, None, &env);
    if o.status.code() != Some(0) {
        return Err(format!("exited {:?}: {}", o.status.code(), stderr(&o)));
    }
    let out = stdout(&o);
    if let Some(word) = grep {
        let kept: Vec<&str> = out.lines().filter(|l| l.contains(word)).collect();
        if kept.is_empty() {
            return Err(format!("no line of the output contains `{word}`:\n{out}"));
        }
        return Ok(kept.join("\n"));
    }
    let Some(title) = section else {
        return Ok(out);
    };
    let lines: Vec<&str> = out.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == title)
        .ok_or_else(|| format!("no section `{title}` in the output:\n{out}"))?;
    let end = (start..lines.len())
        .find(|&i| lines[i].trim().is_empty())
        .unwrap_or(lines.len());
    Ok(lines[start..end].join("\n"))
}

/// A line diff readable in a test failure: the first differing line, with context.
fn line_diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    let from = first.saturating_sub(2);
    let mut out = format!(
        "  first difference at line {} of the block ({} lines in the doc, {} in the output):\n",
        first + 1,
        e.len(),
        a.len()
    );
    for i in from..(first + 4).min(e.len().max(a.len())) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x == y {
            let _ = writeln!(out, "    {}", x.unwrap_or(""));
        } else {
            if let Some(x) = x {
                let _ = writeln!(out, "  - {x}");
            }
            if let Some(y) = y {
                let _ = writeln!(out, "  + {y}");
            }
        }
    }
    out
}

#[test]
fn docs_samples_equal_the_real_output() {
    let update = std::env::var_os("DOCS_SAMPLES_UPDATE").is_some();
    let dir = std::env::temp_dir().join(format!("meshsurface-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut saved = BTreeMap::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed = parse(&text);
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        // Bottom up, so that a rewritten block does not move the ones above it.
        for sample in parsed.samples.iter().rev() {
            checked += 1;
            let where_ = format!(
                "{}:{}: kubectl-meshsurface {}",
                rel(&file),
                sample.line,
                sample.args
            );
            let actual = match run_sample(&sample.args, &dir, &mut saved) {
                Ok(out) => normalise(&out),
                Err(why) => {
                    failures.push(format!("{where_}\n  {why}"));
                    continue;
                }
            };
            if normalise(&sample.expected) == actual {
                continue;
            }
            if update {
                lines.splice(sample.body.clone(), actual.lines().map(String::from));
            } else {
                failures.push(format!(
                    "{where_}\n{}",
                    line_diff(&normalise(&sample.expected), &actual)
                ));
            }
        }
        if update {
            let mut new = lines.join("\n");
            new.push('\n');
            if new != text {
                std::fs::write(&file, new).unwrap();
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        checked >= 5,
        "only {checked} checked samples found: is the marker still `{SAMPLE} ARGS -->`?"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} doc samples differ from the real output (`-` the doc, `+` the binary);\n\
         regenerate them with `{REGENERATE}` and review `git diff`:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn docs_every_output_block_is_checked_or_illustrative() {
    let mut problems = Vec::new();
    for file in doc_files() {
        let parsed = parse(&std::fs::read_to_string(&file).unwrap());
        problems.extend(
            parsed
                .problems
                .iter()
                .map(|p| format!("{}: {p}", rel(&file))),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_readme_shows_a_checked_scan_of_a_fixture() {
    let readme = parse(&std::fs::read_to_string(root().join("README.md")).unwrap());
    assert!(
        readme
            .samples
            .iter()
            .any(|s| s.args.starts_with("scan --from fixtures/clusters/")),
        "the README's real sample is a checked `scan --from fixtures/clusters/...`"
    );
}

#[test]
fn docs_parser_finds_samples_and_flags_unmarked_output() {
    let text = "intro\n<!-- sample: scan --from x -->\n```text\na  \nb\n```\n\n```sh\nls\n```\n\
                ```json\n{}\n```\n<!-- illustrative -->\n```\nmade up\n```\n<!-- sample: graph -->\nprose\n";
    let parsed = parse(text);
    assert_eq!(parsed.samples.len(), 1);
    assert_eq!(parsed.samples[0].args, "scan --from x");
    assert_eq!(normalise(&parsed.samples[0].expected), "a\nb");
    assert_eq!(parsed.samples[0].body, 3..5);
    assert_eq!(parsed.problems.len(), 2, "{:?}", parsed.problems);
    assert!(
        parsed.problems[0].contains("```json block"),
        "{:?}",
        parsed.problems
    );
    assert!(
        parsed.problems[1].contains("not followed by a fenced block"),
        "{:?}",
        parsed.problems
    );
}

#[test]
fn docs_diff_names_the_first_differing_line() {
    let d = line_diff("a\nb\nc", "a\nB\nc");
    assert!(d.contains("line 2"), "{d}");
    assert!(d.contains("  - b\n  + B\n"), "{d}");
}
