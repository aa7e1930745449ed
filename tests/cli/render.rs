//! Human output that a terminal can take: every default table fits the terminal's width
//! (80 columns when stdout is not a terminal, `COLUMNS` when set), and no control
//! character from a cluster object or a model file reaches the terminal raw.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers may unwrap: a panic there is a failed test"
)]

use crate::util::{cases, root, run, run_env, stderr, stdout};

/// The widest line of `text`, in characters.
fn widest(text: &str) -> (usize, String) {
    text.lines()
        .map(|l| (l.chars().count(), l.to_owned()))
        .max_by_key(|(n, _)| *n)
        .unwrap_or_default()
}

fn assert_fits(what: &str, args: &[&str], columns: Option<&str>) {
    let env: Vec<(&str, &str)> = columns.map(|c| ("COLUMNS", c)).into_iter().collect();
    let o = run_env(args, None, &env);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{what}: {}",
        stderr(&o)
    );
    let max: usize = columns.map_or(80, |c| c.parse().unwrap());
    let (n, line) = widest(&stdout(&o));
    assert!(n <= max, "{what} at {max} columns: a line of {n}:\n{line}");
}

/// Saves every fixture as a snapshot (for `diff`), in a temp dir of this test.
fn snapshots(test: &str) -> (std::path::PathBuf, Vec<String>) {
    let dir =
        std::env::temp_dir().join(format!("meshsurface-render-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for case in cases() {
        let file = dir.join(format!("{case}.json"));
        let f = file.to_str().unwrap().to_owned();
        let o = run(
            &[
                "scan",
                "--from",
                &format!("fixtures/clusters/{case}"),
                "--quiet",
                "--save",
                &f,
                "-o",
                "json",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        files.push(f);
    }
    (dir, files)
}

#[test]
fn every_table_fits_80_and_120_columns() {
    let (dir, snaps) = snapshots("fits");
    for columns in [None, Some("120")] {
        for case in cases() {
            let from = format!("fixtures/clusters/{case}");
            for cmd in [
                vec!["scan", "--from", &from],
                vec!["graph", "--from", &from],
                vec!["plan", "--from", &from, "--enable", "mtls"],
                vec!["headcount", "--from", &from],
                vec![
                    "compare",
                    "--from",
                    &from,
                    "--mesh",
                    "istio-sidecar,linkerd",
                ],
            ] {
                let mut cmd = cmd;
                match (cmd[0], case.as_str()) {
                    ("plan", "none") => continue, // no mesh to plan for
                    ("plan", "cilium-istio-ambient") => cmd.extend(["--mesh", "istio"]),
                    _ => {}
                }
                assert_fits(&format!("{} {case}", cmd[0]), &cmd, columns);
            }
        }
        // Every fixture against every other (upgrade steps, mesh replaced, added, gone).
        // At 120 columns, each fixture against the next one is enough.
        for (i, a) in snaps.iter().enumerate() {
            for (k, b) in snaps.iter().enumerate() {
                if i == k || (columns.is_some() && k != (i + 1) % snaps.len()) {
                    continue;
                }
                assert_fits(&format!("diff {a} {b}"), &["diff", a, b], columns);
            }
        }
        let snaps: Vec<&str> = snaps.iter().map(String::as_str).collect();
        let mut fleet = vec!["headcount"];
        for s in &snaps {
            fleet.extend(["--from", s]);
        }
        assert_fits("headcount fleet", &fleet, columns);
        assert_fits(
            "compare four meshes",
            &[
                "compare",
                "--mesh",
                "istio-sidecar,istio-ambient,linkerd,cilium",
                "--features",
                "mtls,multicluster",
            ],
            columns,
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn wide_and_json_keep_what_the_table_shortens() {
    let from = "fixtures/clusters/linkerd-multicluster";
    let table = stdout(&run(&["scan", "--from", from], None));
    assert!(
        table.contains("(Shortened to fit 80 columns: -o wide or -o json shows everything.)"),
        "{table}"
    );
    let wide = stdout(&run(&["scan", "--from", from, "-o", "wide"], None));
    assert!(!wide.contains("Shortened"), "{wide}");
    assert!(
        wide.contains("linkerd-multicluster/linkerd-local-service-mirror")
            || wide.contains("linkerd-local-service-mirror")
    );
    assert!(wide.contains("SCALES WITH") && !table.contains("SCALES WITH"));
    // A terminal 200 wide needs nothing shortened.
    let o = run_env(&["scan", "--from", from], None, &[("COLUMNS", "200")]);
    assert!(!stdout(&o).contains("Shortened"), "{}", stdout(&o));
}

/// A copy of the linkerd fixture whose meshed namespace is named with an ANSI colour
/// sequence and a newline.
fn hostile_fixture(test: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("meshsurface-render-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("fixtures/clusters/linkerd")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let evil: String = text
            .lines()
            .map(|l| match l.strip_suffix(": emojivoto") {
                Some(key) => format!("{key}: \"emoji\\e[31mvoto\\nx\""),
                None => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(dir.join(path.file_name().unwrap()), evil).unwrap();
    }
    dir
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = hostile_fixture("escape");
    let from = dir.to_str().unwrap();
    let visible = "emoji\\e[31mvoto\\nx";
    for output in ["table", "wide", "markdown"] {
        let o = run(&["scan", "--from", from, "-o", output], None);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains('\x1b'), "{output}: raw ESC in\n{out}");
        assert!(
            out.contains(visible),
            "{output}: the name is shown escaped\n{out}"
        );
        if output == "markdown" {
            for line in out.lines().filter(|l| l.starts_with('|')) {
                assert!(line.ends_with('|'), "a Markdown row was broken: {line}");
            }
        }
    }
    // JSON keeps the name as it is (escaped by JSON itself).
    let json = stdout(&run(&["scan", "--from", from, "-o", "json"], None));
    assert!(json.contains("emoji\\u001b[31mvoto\\nx"), "{json}");
    // Warnings on stderr, graph and headcount too.
    for args in [
        vec!["scan", "--from", from, "-o", "json"],
        vec!["graph", "--from", from],
        vec!["headcount", "--from", from],
    ] {
        let o = run(&args, None);
        assert!(
            !stdout(&o).contains('\x1b') || args.contains(&"json"),
            "{args:?}"
        );
        assert!(!stderr(&o).contains('\x1b'), "{args:?}: {}", stderr(&o));
    }
    let err = stderr(&run(&["scan", "--from", from, "-o", "json"], None));
    assert!(err.contains(visible), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_model_name_with_escapes_is_shown_escaped() {
    let dir = std::env::temp_dir().join(format!("meshsurface-render-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = stdout(&run(&["headcount", "--print-model"], None)).replace(
        "name = \"meshsurface default (uncalibrated)\"",
        "name = \"ours\\u001b]0;pwned\\u0007\"",
    );
    let file = dir.join("model.toml");
    std::fs::write(&file, model).unwrap();
    let o = run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--model",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out}");
    assert!(out.contains("ours\\e]0;pwned\\x07"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn ambient_namespaces_name_their_node_proxy_and_zeros_say_not_set() {
    let ambient = stdout(&run(
        &["scan", "--from", "fixtures/clusters/cilium-istio-ambient"],
        None,
    ));
    assert!(ambient.contains("node ztunnel"), "{ambient}");
    // Cilium's workloads request nothing: not set, explained once.
    assert!(ambient.contains("not set"), "{ambient}");
    assert!(
        ambient.contains("not set: these pods request no CPU/memory"),
        "{ambient}"
    );
    let headcount = stdout(&run_env(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/cilium-istio-ambient",
        ],
        None,
        &[("COLUMNS", "250")],
    ));
    assert!(headcount.contains("not set"), "{headcount}");
    // Linkerd's viz add-ons request nothing either: in the diff too.
    let compare = stdout(&run(
        &["compare", "--mesh", "linkerd,cilium", "--features", "mtls"],
        None,
    ));
    assert!(compare.contains("not set"), "{compare}");
}

#[test]
fn a_mixed_data_plane_is_stated_in_the_mesh_header() {
    let out = stdout(&run(
        &["scan", "--from", "fixtures/clusters/istio-revisions"],
        None,
    ));
    assert!(
        out.contains(
            "== istio (sidecar, 1.26.3; data plane on 2 versions: 1.25.4 ×5, 1.26.3 ×5) =="
        ),
        "{out}"
    );
    let single = stdout(&run(
        &["scan", "--from", "fixtures/clusters/istio-sidecar"],
        None,
    ));
    assert!(!single.contains("data plane on"), "{single}");
}

#[test]
fn headcount_versions_are_the_mesh_versions_only() {
    let out = stdout(&run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            "csv",
        ],
        None,
    ));
    let row = out.lines().nth(1).unwrap();
    assert!(row.contains(",edge-25.4.4,"), "{row}");
    assert!(
        !row.contains("v2.55.1"),
        "Prometheus is not a Linkerd version: {row}"
    );
    let out = stdout(&run(
        &[
            "headcount",
            "--from",
            "fixtures/clusters/cilium",
            "-o",
            "csv",
        ],
        None,
    ));
    assert!(
        !out.contains("v1.32.6"),
        "cilium-envoy is not a Cilium version: {out}"
    );
}

#[test]
fn diff_wording_names_the_change() {
    let (dir, _) = snapshots("wording");
    let snap = |case: &str| {
        dir.join(format!("{case}.json"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let o = run(&["diff", &snap("linkerd"), &snap("istio-sidecar")], None);
    let out = stdout(&o);
    assert!(
        out.contains("Changed by: mesh replaced: linkerd → istio"),
        "{out}"
    );
    assert!(!out.contains("Changed by: scale, features"), "{out}");
    let o = run(
        &[
            "diff",
            &snap("linkerd"),
            &snap("istio-sidecar"),
            "-o",
            "json",
        ],
        None,
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["growth"]["causes"][0], "mesh-replaced");

    let o = run_env(
        &["diff", &snap("istio-sidecar"), &snap("istio-revisions")],
        None,
        &[("COLUMNS", "200")],
    );
    let out = stdout(&o);
    assert!(out.contains("1.25.4 added beside 1.26.3"), "{out}");
    // A changed upgrade step keeps its number.
    let steps = out.split("Upgrade steps").nth(1).unwrap();
    assert!(
        steps.lines().filter(|l| l.starts_with('~')).all(|l| l[1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())),
        "{steps}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cpu_above_ten_cores_reads_as_cores_in_tables_only() {
    let args = ["compare", "--mesh", "istio-sidecar", "--pods", "5000"];
    let table = stdout(&run(&args, None));
    assert!(table.contains("500.5 cores"), "{table}");
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let json = stdout(&run(&json_args, None));
    assert!(json.contains("\"cpuRequestMillicores\": 500500"), "{json}");
}

#[test]
fn budgets_take_units() {
    let o = run(
        &[
            "scan",
            "--from",
            "fixtures/clusters/istio-sidecar",
            "--fail-on",
            "memoryRequestBytes>1Gi,cpuRequestMillicores>100cores",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("budget exceeded: memoryRequestBytes>1Gi"),
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("cpuRequestMillicores"),
        "{}",
        stderr(&o)
    );
}
