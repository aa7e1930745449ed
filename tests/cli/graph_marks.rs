//! `graph` marks the nodes that carry a hazard (a hazard's object names the node's
//! resource first): in the JSON (`hazards` on the node), the table (a `HAZARDS` column
//! with the severity word), DOT (border colour and a label line) and Mermaid (a class and
//! a label line). istio-revisions has `fail-closed-single-replica` on
//! `Deployment/istio-system/istiod-1-25`, `release-support` on both istiods, and `deprecated-crd-version` on
//! `CustomResourceDefinition/virtualservices.networking.istio.io`.

use serde_json::Value;

use crate::util::{run, stderr, stdout};

fn graph(case: &str, output: &str) -> String {
    graph_as_of(case, output, None)
}

fn graph_as_of(case: &str, output: &str, as_of: Option<&str>) -> String {
    let from = format!("fixtures/clusters/{case}");
    let mut args = vec!["graph", "--from", &from, "-o", output, "--quiet"];
    if let Some(day) = as_of {
        args.extend(["--as-of", day]);
    }
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn nodes_named_by_a_hazard_carry_it_in_every_output() {
    let doc: Value = serde_json::from_str(&graph("istio-revisions", "json")).unwrap();
    let marked: Vec<(String, Value)> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n.get("hazards").is_some())
        .map(|n| (n["id"].as_str().unwrap().to_owned(), n["hazards"].clone()))
        .collect();
    assert_eq!(
        marked,
        [
            (
                "istio/component/istiod".to_owned(),
                serde_json::json!([
                    {"severity": "critical", "code": "release-support"},
                    {"severity": "critical", "code": "fail-closed-single-replica"}
                ])
            ),
            (
                "istio/crds/networking.istio.io".to_owned(),
                serde_json::json!([{"severity": "warning", "code": "deprecated-crd-version"}])
            ),
        ]
    );

    let table = graph("istio-revisions", "table");
    assert!(table.contains("HAZARDS"), "{table}");
    assert!(table.contains("critical"), "severity as a word: {table}");

    let dot = graph("istio-revisions", "dot");
    let istiod = dot
        .lines()
        .find(|l| l.contains("label=\"istiod\\n"))
        .unwrap();
    assert!(
        istiod.contains("color=red") && istiod.contains("critical fail-closed-single-replica"),
        "{istiod}"
    );
    let crds = dot
        .lines()
        .find(|l| l.contains("label=\"networking.istio.io\\n"))
        .unwrap();
    assert!(crds.contains("color=orange"), "{crds}");

    let mermaid = graph("istio-revisions", "mermaid");
    let id = mermaid
        .lines()
        .find(|l| l.trim_start().starts_with('n') && l.contains("istiod<br/>"))
        .and_then(|l| l.trim().split('[').next())
        .unwrap()
        .to_owned();
    assert!(
        mermaid.contains(&format!("class {id} hazardCritical")),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("classDef hazardCritical stroke:red"),
        "{mermaid}"
    );
}

#[test]
fn a_graph_without_hazards_marks_nothing() {
    // istio-sidecar judged at a day its istiod release was supported: its only hazards are
    // fragile-config, whose objects are kinds, and mesh-wide ones that name no node.
    let day = Some("2025-09-01");
    let doc: Value = serde_json::from_str(&graph_as_of("istio-sidecar", "json", day)).unwrap();
    assert!(doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n.get("hazards").is_none()));
    assert!(!graph_as_of("istio-sidecar", "table", day).contains("HAZARDS"));
    assert!(!graph_as_of("istio-sidecar", "mermaid", day).contains("classDef"));
}
