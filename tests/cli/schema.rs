//! The JSON Schemas in `docs/schema/`: they are what the types generate (the hidden
//! `json-schema --dir`), and every JSON output the fixtures produce validates against its schema
//! (snapshot, plan, compare, diff, headcount), while a broken snapshot does not.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers may unwrap: a panic there is a failed test"
)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::{root, run, stderr, stdout};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("meshsurface-schema-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The committed schema, compiled (the compiler also checks it against its meta-schema).
fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/schema").join(file)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "{file} is not a valid JSON Schema"
    );
    jsonschema::validator_for(&schema).unwrap()
}

/// Every error of `instance` against `v`, one line each (`/path: message`).
fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errs = errors(v, instance);
    assert!(errs.is_empty(), "{what}:\n{}", errs.join("\n"));
}

/// Runs a command that prints JSON (exit 0, or 3 for partial input) and parses stdout.
fn json_of(args: &[&str]) -> Value {
    let o = run(args, None);
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "{args:?}: {}",
        stderr(&o)
    );
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
}

/// Every fixture folder: fixtures/clusters/* and fixtures/upstream/*.
fn fixture_dirs() -> Vec<String> {
    let mut v = Vec::new();
    for folder in ["fixtures/clusters", "fixtures/upstream"] {
        for e in std::fs::read_dir(root().join(folder)).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                v.push(format!("{folder}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    v.sort();
    v
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn committed_schemas_match_the_types() {
    let dir = temp_dir("generated");
    let o = run(&["json-schema", "--dir", &dir.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let committed = root().join("docs/schema");
    let generated = names(&dir);
    assert_eq!(
        generated,
        [
            "compare.schema.json",
            "diff.schema.json",
            "headcount.schema.json",
            "plan.schema.json",
            "snapshot.schema.json"
        ]
    );
    assert_eq!(
        names(&committed),
        generated,
        "docs/schema is stale: run `cargo run -- json-schema --dir docs/schema`"
    );
    for name in &generated {
        assert_eq!(
            std::fs::read_to_string(committed.join(name)).unwrap(),
            std::fs::read_to_string(dir.join(name)).unwrap(),
            "docs/schema/{name} is stale: run `cargo run -- json-schema --dir docs/schema`"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_fixture_scan_validates_against_the_snapshot_schema() {
    let v = validator("snapshot.schema.json");
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 15, "fixtures found: {dirs:?}");
    for dir in &dirs {
        let snap = json_of(&["scan", "--from", dir, "-o", "json", "-q"]);
        assert_eq!(snap["schemaVersion"], "meshsurface/v1");
        assert_valid(&v, &snap, dir);
    }
}

#[test]
fn a_broken_snapshot_is_rejected_where_it_is_broken() {
    let v = validator("snapshot.schema.json");
    let good = json_of(&[
        "scan",
        "--from",
        "fixtures/clusters/istio-sidecar",
        "-o",
        "json",
        "-q",
    ]);
    assert_valid(&v, &good, "the unbroken snapshot");
    let broken = |path: &str, value: Value| {
        let mut s = good.clone();
        *s.pointer_mut(path)
            .unwrap_or_else(|| panic!("{path} exists")) = value;
        errors(&v, &s)
    };
    // A field of the wrong type, named by its path.
    let errs = broken("/totals/crds", json!("fifteen"));
    assert!(
        errs.iter().any(|e| e.starts_with("/totals/crds:")),
        "{errs:?}"
    );
    // A negative count, an enum value the contract does not know, another schema version.
    assert!(!broken("/scale/pods", json!(-1)).is_empty());
    assert!(!broken("/components/0/role", json!("sidecar")).is_empty());
    assert!(!broken("/schemaVersion", json!("meshsurface/v2")).is_empty());
    assert!(!broken("/proxies/0/version", json!(122)).is_empty());
    // A required field missing.
    let mut s = good.clone();
    s.as_object_mut().unwrap().remove("totals");
    assert!(!errors(&v, &s).is_empty(), "totals is required");
}

#[test]
fn plan_and_compare_json_validate_against_their_schemas() {
    let plan = validator("plan.schema.json");
    let compare = validator("compare.schema.json");
    for dir in [
        "fixtures/clusters/istio-sidecar",
        "fixtures/clusters/linkerd",
        "fixtures/clusters/cilium",
    ] {
        let p = json_of(&[
            "plan",
            "--from",
            dir,
            "--enable",
            "mtls,ingress,multicluster",
            "--sweep",
            "pods=10,1000",
            "-o",
            "json",
            "-q",
        ]);
        assert_eq!(p["schemaVersion"], "meshsurface/plan/v1");
        assert!(!p["sweep"].as_array().unwrap().is_empty());
        assert_valid(&plan, &p, dir);
        // A comparison calibrated with the scan, and one from the catalog alone.
        let c = json_of(&["compare", "--from", dir, "-o", "json", "-q"]);
        assert_valid(&compare, &c, dir);
    }
    let c = json_of(&["compare", "-o", "json"]);
    assert_eq!(c["schemaVersion"], "meshsurface/compare/v1");
    assert_valid(&compare, &c, "compare");
    // The two are different documents: a plan is not a comparison.
    let p = json_of(&[
        "plan",
        "--from",
        "fixtures/clusters/istio-sidecar",
        "--enable",
        "mtls",
        "-o",
        "json",
        "-q",
    ]);
    assert!(!errors(&compare, &p).is_empty());
}

#[test]
fn diff_json_validates_against_its_schema() {
    let v = validator("diff.schema.json");
    let dir = temp_dir("diff");
    let save = |case: &str| {
        let path = dir.join(format!("{}.json", case.replace('/', "_")));
        let o = run(&["scan", "--from", case, "-o", "json", "-q"], None);
        assert!(matches!(o.status.code(), Some(0 | 3)), "{}", stderr(&o));
        std::fs::write(&path, &o.stdout).unwrap();
        path.to_string_lossy().into_owned()
    };
    for (before, after) in [
        (
            "fixtures/clusters/istio-sidecar-base",
            "fixtures/clusters/istio-sidecar",
        ),
        (
            "fixtures/clusters/none",
            "fixtures/clusters/cilium-istio-ambient",
        ),
        (
            "fixtures/clusters/istio-revisions",
            "fixtures/clusters/istio-ambient-waypoints",
        ),
        (
            "fixtures/clusters/linkerd",
            "fixtures/clusters/linkerd-base",
        ),
    ] {
        let (b, a) = (save(before), save(after));
        let d = json_of(&["diff", &b, &a, "-o", "json"]);
        assert_eq!(d["schemaVersion"], "meshsurface/diff/v1");
        assert_eq!(d["changed"], true, "{before} -> {after}");
        assert_valid(&v, &d, &format!("{before} -> {after}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn headcount_json_validates_against_its_schema() {
    let v = validator("headcount.schema.json");
    let h = json_of(&[
        "headcount",
        "--from",
        "fixtures/clusters/istio-sidecar",
        "--enable",
        "ingress",
        "-o",
        "json",
        "-q",
    ]);
    assert_eq!(h["schemaVersion"], "meshsurface/headcount/v1");
    assert!(h["projection"].is_object());
    assert_valid(&v, &h, "headcount --enable");
    let h = json_of(&[
        "headcount",
        "--from",
        "fixtures/clusters/linkerd",
        "-o",
        "json",
        "-q",
    ]);
    assert_valid(&v, &h, "headcount");
}
