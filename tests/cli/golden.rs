//! Golden output: the rendered table (every fixture), wide, Markdown, JSON and YAML.
//! Update with `INSTA_UPDATE=always cargo test --test cli golden` and review the diff.

use crate::util::{cases, run, stdout};

fn render(case: &str, output: &str) -> String {
    let o = run(
        &[
            "scan",
            "--from",
            &format!("fixtures/clusters/{case}"),
            "-o",
            output,
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{case}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(&o)
}

#[test]
fn table_of_every_fixture() {
    for case in cases() {
        insta::assert_snapshot!(format!("table-{case}"), render(&case, "table"));
    }
}

#[test]
fn wide_tables() {
    for case in ["istio-ambient-waypoints", "linkerd"] {
        insta::assert_snapshot!(format!("wide-{case}"), render(case, "wide"));
    }
}

#[test]
fn markdown() {
    insta::assert_snapshot!(
        "markdown-istio-revisions",
        render("istio-revisions", "markdown")
    );
}

#[test]
fn json_contract() {
    insta::assert_snapshot!("json-istio-ambient", render("istio-ambient", "json"));
}

#[test]
fn yaml_output() {
    insta::assert_snapshot!(
        "yaml-cilium-istio-ambient",
        render("cilium-istio-ambient", "yaml")
    );
}
