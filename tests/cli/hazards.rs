//! Every fixture's hazards (clusters and upstream) against the `hazards` block of its
//! EXPECTED.md, worked out by hand: one `code mesh severity count` line per hazard, the
//! block empty when there are none. A hazard that fires on a fixture it should not (or is
//! missing from one it should) names the case.

use crate::util::{block_lines, expected_block, root, scan_json};

/// The folders under `fixtures/<folder>`, sorted.
fn cases_in(folder: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures").join(folder))
        .expect("fixtures folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The sorted lines of the `hazards` block of `fixtures/<folder>/<case>/EXPECTED.md`.
fn expected(folder: &str, case: &str) -> Result<Vec<String>, String> {
    let dir = root().join("fixtures").join(folder).join(case);
    let block = expected_block(&dir, "hazards")?
        .ok_or_else(|| format!("{case}: EXPECTED.md has no `hazards` fenced block"))?;
    Ok(block_lines(&block))
}

/// The same lines, read off `scan -o json`.
fn actual(folder: &str, case: &str) -> Vec<String> {
    let s = scan_json(&["--from", &format!("fixtures/{folder}/{case}")]);
    let mut lines: Vec<String> = s["hazards"]
        .as_array()
        .expect("hazards[]")
        .iter()
        .map(|h| {
            format!(
                "{} {} {} {}",
                h["code"].as_str().unwrap_or("?"),
                h["mesh"].as_str().unwrap_or("?"),
                h["severity"].as_str().unwrap_or("?"),
                h["count"]
            )
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_fixture_raises_exactly_the_hazards_its_expected_md_lists() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut raised = 0;
    for folder in ["clusters", "upstream"] {
        for case in cases_in(folder) {
            checked += 1;
            match expected(folder, &case) {
                Err(e) => failures.push(e),
                Ok(want) => {
                    let got = actual(folder, &case);
                    raised += got.len();
                    if got != want {
                        failures.push(format!(
                            "{folder}/{case}: EXPECTED.md lists {want:?}, scan raises {got:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(checked >= 15, "only {checked} fixtures");
    assert!(
        raised > 0,
        "no fixture raises a hazard: the check checks nothing"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A scan that finds hazards exits 0 (a scan is not a check) unless a budget on them fails.
#[test]
fn hazards_exit_zero_unless_a_budget_says_otherwise() {
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "--from", "fixtures/clusters/istio-sidecar", "-q"];
        args.extend_from_slice(extra);
        let o = crate::util::run(&args, None);
        (o.status.code(), crate::util::stderr(&o))
    };
    assert_eq!(scan(&[]).0, Some(0));
    assert_eq!(
        scan(&["--fail-on", "hazards.orphaned-webhook>0"]).0,
        Some(0)
    );
    // Istio 1.26 is past its end of life at the tests' day (release-support, critical).
    assert_eq!(scan(&["--fail-on", "hazards.critical>0"]).0, Some(4));
    let (code, err) = scan(&["--fail-on", "hazards.fragile-config>0"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains("hazards.fragile-config>0: the value is 1"),
        "{err}"
    );
    let (code, err) = scan(&["--fail-on", "hazards.expired>0"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("hazards.<code>"), "{err}");
}

/// Dated hazards are judged at the scan's day (the tests pin it with `SOURCE_DATE_EPOCH`:
/// 2026-11-23) unless `--as-of` names another, which the snapshot records; a day that is
/// not a date is a usage error naming it.
#[test]
fn as_of_is_recorded_and_a_bad_date_is_refused() {
    let fixture = "fixtures/clusters/istio-sidecar";
    let s = scan_json(&["--from", fixture]);
    assert!(s["source"].get("asOf").is_none(), "{}", s["source"]);
    let s = scan_json(&["--from", fixture, "--as-of", "2027-02-28"]);
    assert_eq!(s["source"]["asOf"], "2027-02-28");
    let o = crate::util::run(&["scan", "--from", fixture, "--as-of", "2027-02-29"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = crate::util::stderr(&o);
    assert!(
        err.contains("`2027-02-29` is not a date (expected YYYY-MM-DD"),
        "{err}"
    );
}
