//! `report`: the HTML page of one cluster. What it must never do (load anything, run a
//! script, print HTML on a terminal, vary between runs of one snapshot) and what it must
//! show (the headline figures, the red banner of an incomplete scan). The page in a real
//! browser is `report_browser`.

use std::path::PathBuf;

use crate::pty::run_on_pty;
use crate::util::{run, scan_json, stderr, stdout};

/// A scratch folder under the target dir, for the snapshots and pages these tests write.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("scratch folder created");
    dir
}

/// `report ARGS` on stdout; asserts the exit code.
pub fn report(args: &[&str], code: i32) -> String {
    let mut full = vec!["report", "--quiet"];
    full.extend_from_slice(args);
    let o = run(&full, None);
    assert_eq!(
        o.status.code(),
        Some(code),
        "report {args:?}: {}",
        stderr(&o)
    );
    stdout(&o)
}

/// A fixture's snapshot, changed by `edit`, saved as `name` in the scratch folder (tests
/// run in parallel: each uses its own names).
pub fn snapshot_file(case: &str, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
    edit(&mut snap);
    let path = scratch("report").join(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("scratch folder created");
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&snap).expect("JSON"))
        .expect("snapshot written");
    path.to_string_lossy().into_owned()
}

#[test]
fn the_page_loads_nothing_and_runs_nothing() {
    let html = report(&["--from", "fixtures/clusters/istio-ambient-waypoints"], 0);
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(
        html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"#),
        "the CSP forbids every load"
    );
    for forbidden in [
        "<script", "<link", "<iframe", "<img", " src=", "@import", "url(http",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert!(html.contains("@media print"), "a print stylesheet");
    assert!(html.contains("<svg"), "charts are inline SVG");
}

/// A hazard's source of several URLs (`url; url`) or a URL and a note links each URL alone.
#[test]
fn hazard_sources_link_each_url_alone() {
    let html = report(&["--from", "fixtures/clusters/istio-revisions"], 0);
    let hrefs: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| h.starts_with("https://"))
        .collect();
    assert!(
        hrefs.contains(&"https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets"),
        "{hrefs:?}"
    );
    assert!(
        hrefs.iter().all(|h| !h.contains([' ', ';', '('])),
        "{hrefs:?}"
    );
}

#[test]
fn headline_figures_are_the_snapshots() {
    for case in ["istio-revisions", "linkerd", "cilium-istio-ambient"] {
        let snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
        let html = report(&["--from", &format!("fixtures/clusters/{case}")], 0);
        let t = &snap["totals"];
        for (figure, value) in [
            ("components", &t["components"]),
            ("proxies", &t["proxyInstances"]),
            ("crds", &t["crds"]),
            ("webhooks", &t["webhooks"]),
        ] {
            let cell = format!(r#"<dd data-figure="{figure}">{value}</dd>"#);
            assert!(html.contains(&cell), "{case}: {cell} missing");
        }
        let hazards = snap["hazards"].as_array().expect("hazards").len();
        assert!(html.contains(&format!(r#"<dd data-figure="hazards">{hazards}</dd>"#)));
    }
}

#[test]
fn a_name_from_the_cluster_renders_as_text() {
    const EVIL: &str = "<script>alert(1)</script>";
    let path = snapshot_file("istio-revisions", "evil.json", |s| {
        s["components"][0]["name"] = EVIL.into();
        s["namespaces"][0]["namespace"] = EVIL.into();
        s["hazards"][0]["objects"][0] = EVIL.into();
        s["hazards"][0]["source"] = format!("https://x.example/\"{EVIL}").into();
        s["source"]["context"] = format!("ctx\"{EVIL}").into();
    });
    let html = report(&["--from", &path], 0);
    assert!(!html.contains("<script"), "a raw <script in the page");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown, escaped"
    );
    assert!(!html.contains("\"<"), "no attribute closed by a name");
}

#[test]
fn the_same_snapshot_gives_the_same_bytes() {
    let path = snapshot_file("istio-ambient-waypoints", "twice.json", |_| {});
    let first = report(&["--from", &path], 0);
    let second = report(&["--from", &path], 0);
    assert!(first == second, "two reports of one snapshot differ");
    // And the time shown is the snapshot's, not the clock's.
    let snap: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("snapshot read")).expect("JSON");
    let taken = snap["source"]["takenAt"].as_str().expect("takenAt");
    assert!(first.contains(taken), "takenAt {taken} shown");
}

#[test]
fn an_incomplete_scan_is_marked_at_the_top_with_what_was_skipped() {
    let path = snapshot_file("linkerd", "partial.json", |s| {
        s["complete"] = false.into();
        s["warnings"] = serde_json::json!([{
            "code": "forbidden",
            "message": "list denied by RBAC",
            "resource": "mutatingwebhookconfigurations",
            "count": 1
        }]);
    });
    let html = report(&["--from", &path], 3);
    let banner = html
        .find(r#"<div class="incomplete" role="alert">"#)
        .expect("banner");
    let first_section = html.find("<section").expect("sections");
    assert!(banner < first_section, "the banner is above every section");
    assert!(
        html[banner..first_section].contains("mutatingwebhookconfigurations: list denied by RBAC")
    );
}

#[test]
fn written_to_a_file_with_o() {
    let path = scratch("report").join("o.html");
    let _ = std::fs::remove_file(&path);
    let out = report(
        &[
            "--from",
            "fixtures/clusters/linkerd",
            "-o",
            path.to_str().expect("a UTF-8 path"),
        ],
        0,
    );
    assert!(out.is_empty(), "nothing on stdout with -o");
    let page = std::fs::read_to_string(&path).expect("the page was written");
    assert!(page.contains("Mesh surface report"));
}

#[test]
fn a_terminal_without_o_is_refused_before_anything_is_read() {
    let screen = run_on_pty(&["report", "--from", "fixtures/clusters/linkerd"], &[], 100);
    assert_eq!(screen.code, 2, "a usage error: {}", screen.text());
    assert!(
        screen.text().contains("-o report.html"),
        "{}",
        screen.text()
    );
    assert!(!screen.text().contains("<html"), "no HTML on the terminal");
}

/// The page's structure, one element per line, without the style sheet and the graph's
/// coordinates (drawn by layout-rs; the browser test looks at the picture).
fn structure(html: &str) -> String {
    let style_start = html.find("<style>").expect("a style sheet");
    let style_end = html.find("</style>").expect("its end");
    let mut s = format!("{}<style>…{}", &html[..style_start], &html[style_end..]);
    let svg = s.find(r#"<div class="graph""#).expect("a graph");
    let end = s[svg..].find("</svg>").expect("its end") + svg;
    s.replace_range(
        svg..end,
        r#"<div class="graph"> … graph drawn by layout-rs …"#,
    );
    for tag in [
        "<section", "<h2", "<h3", "<table", "<tr", "<li", "<p", "<dl", "<div", "<text",
    ] {
        s = s.replace(tag, &format!("\n{tag}"));
    }
    s
}

#[test]
fn golden_structure_of_one_report() {
    let html = report(&["--from", "fixtures/clusters/istio-ambient-waypoints"], 0);
    insta::assert_snapshot!("report-istio-ambient-waypoints", structure(&html));
}

/// Three fixtures' snapshots, saved in folder `tag` for a fleet report; the last one is
/// changed by `edit`.
pub fn fleet_files(tag: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut files = vec![
        snapshot_file("linkerd", &format!("{tag}/linkerd.json"), |_| {}),
        snapshot_file(
            "istio-ambient-waypoints",
            &format!("{tag}/ambient.json"),
            |_| {},
        ),
    ];
    files.push(snapshot_file(
        "cilium-istio-ambient",
        &format!("{tag}/cilium.json"),
        edit,
    ));
    files
}

/// Every `id="..."` of a page.
fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn a_fleet_is_one_table_then_each_cluster_under_its_name() {
    let files = fleet_files("fleet", |_| {});
    let mut args = Vec::new();
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let html = report(&args, 0);
    assert!(html.contains("a fleet of 3 clusters"));
    let table = html
        .find(r#"<table class="fleet">"#)
        .expect("the fleet table");
    for (i, (name, case)) in [
        ("linkerd", "linkerd"),
        ("ambient", "istio-ambient-waypoints"),
        ("cilium", "cilium-istio-ambient"),
    ]
    .iter()
    .enumerate()
    {
        let article = html
            .find(&format!(r#"<article id="c{}">"#, i + 1))
            .unwrap_or_else(|| panic!("{name}: its article"));
        assert!(table < article, "the table comes first");
        let end = html[article..].find("</article>").expect("its end") + article;
        let part = &html[article..end];
        assert!(part.contains(&format!("<h2>{name}</h2>")), "{name}: named");
        assert!(
            part.contains(&format!("<h2>{name}: Scorecard</h2>")),
            "{name}"
        );
        let snap = scan_json(&["--from", &format!("fixtures/clusters/{case}")]);
        let components = &snap["totals"]["components"];
        assert!(
            part.contains(&format!(
                r#"<dd data-figure="components">{components}</dd>"#
            )),
            "{name}: its own figures"
        );
    }
    let mut all = ids(&html);
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "every id on the page is unique");
}

#[test]
fn an_incomplete_cluster_of_a_fleet_is_named_at_the_top() {
    let files = fleet_files("partial-fleet", |s| {
        s["complete"] = false.into();
        s["warnings"] = serde_json::json!([{
            "code": "timeout", "message": "pods list timed out", "resource": "pods", "count": 1
        }]);
    });
    let mut args = Vec::new();
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let html = report(&args, 3);
    let banner = html.find(r#"<div class="incomplete""#).expect("a banner");
    assert!(banner < html.find("<main>").expect("main"), "at the top");
    assert!(
        html[..banner].ends_with(r#"<p class="muted">cilium:</p>"#),
        "named"
    );
    assert!(html[banner..].contains("pods: pods list timed out"));
}

#[test]
fn before_adds_the_changes_diff_finds() {
    let old = snapshot_file("istio-sidecar", "old.json", |_| {});
    let html = report(
        &[
            "--before",
            &old,
            "--from",
            "fixtures/clusters/istio-revisions",
        ],
        0,
    );
    let start = html
        .find(r#"<section id="changes">"#)
        .expect("a before/after section");
    assert!(
        html.find(r#"<section id="scorecard""#).expect("scorecard") < start,
        "after the scorecard"
    );
    let end = html[start..].find("</section>").expect("its end") + start;
    let part = &html[start..end];
    let o = run(
        &[
            "diff",
            "-o",
            "json",
            &old,
            &snapshot_file("istio-revisions", "new.json", |_| {}),
        ],
        None,
    );
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("diff -o json");
    let changed: Vec<&String> = d["totals"]
        .as_object()
        .expect("totals")
        .iter()
        .filter(|(_, f)| f["delta"] != 0)
        .map(|(name, _)| name)
        .collect();
    assert!(!changed.is_empty(), "the fixtures differ");
    for name in changed {
        assert!(part.contains(&format!("<td>{name}</td>")), "{name} changed");
    }
    for h in d["hazards"]["added"].as_array().expect("added") {
        let code = h["code"].as_str().expect("code");
        assert!(part.contains(&format!("<td>{code}</td>")), "{code} added");
    }
}

#[test]
fn before_takes_one_cluster_and_a_snapshot() {
    let old = snapshot_file("istio-sidecar", "old1.json", |_| {});
    let files = fleet_files("before-fleet", |_| {});
    let o = run(
        &[
            "report", "--before", &old, "--from", &files[0], "--from", &files[1],
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--before compares one cluster"),
        "{}",
        stderr(&o)
    );
    // Manifests are not a snapshot: named, before the cluster is read.
    let o = run(
        &[
            "report",
            "--before",
            "fixtures/clusters/linkerd",
            "--from",
            "fixtures/clusters/linkerd",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fixtures/clusters/linkerd is not a meshsurface snapshot"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "no page");
}

#[test]
fn a_live_cluster_is_reported_with_its_context() {
    let live = crate::live::Live::start("istio-ambient-waypoints", |f| f);
    let scan = crate::live::json(&live.scan(&["--quiet"]));
    let html = report(&["--kubeconfig", &live.kubeconfig], 0);
    let context = scan["source"]["context"].as_str().expect("a context");
    assert!(
        html.contains(&format!("<dt>Context</dt><dd>{context}</dd>")),
        "the provenance names the context"
    );
    assert!(html.contains("<dd>live: context "), "a live source");
    let components = &scan["totals"]["components"];
    assert!(html.contains(&format!(
        r#"<dd data-figure="components">{components}</dd>"#
    )));
}

#[test]
fn many_namespaces_fold_into_one_box_and_the_page_stays_small() {
    let path = snapshot_file("istio-sidecar", "wide.json", |s| {
        let first = s["namespaces"][0].clone();
        let many: Vec<serde_json::Value> = (0..500)
            .map(|i| {
                let mut n = first.clone();
                n["namespace"] = format!("app-{i:03}").into();
                n
            })
            .collect();
        s["namespaces"] = many.into();
    });
    let html = report(&["--from", &path], 0);
    let start = html.find(r#"<div class="graph""#).expect("a drawing");
    let end = html[start..].find("</svg>").expect("its end") + start;
    let drawing = &html[start..end];
    assert!(
        drawing.contains("500 namespaces (sidecar)"),
        "one box for all"
    );
    assert!(!drawing.contains("app-000"), "no box per namespace");
    assert!(html.contains("499 nodes folded"), "the folding is said");
    assert!(
        html[end..].contains("istio/namespace/app-499"),
        "the text lists every namespace"
    );
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
}

#[test]
fn enable_adds_the_growth_plan_plan_computes() {
    let from = "fixtures/clusters/istio-ambient";
    let html = report(&["--enable", "mtls,l7-policy,ingress", "--from", from], 0);
    let start = html
        .find(r#"<section id="growth">"#)
        .expect("a growth section");
    let end = html[start..].find("</section>").expect("its end") + start;
    let part = &html[start..end];
    let o = run(
        &[
            "plan",
            "-q",
            "-o",
            "json",
            "--enable",
            "mtls,l7-policy,ingress",
            "--from",
            from,
        ],
        None,
    );
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).expect("plan -o json");
    let steps = plan["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 4, "today and three features");
    for s in steps {
        let label = s["feature"]
            .as_str()
            .map_or_else(|| "today".to_owned(), |f| format!("+ {f}"));
        for figure in ["components", "proxyInstances"] {
            let row = format!(
                r#"<tr><td>{label}</td><td class="n">{}</td></tr>"#,
                s["totals"][figure]
            );
            assert!(part.contains(&row), "{label} {figure}: {row}");
        }
    }
    assert!(
        part.contains("not a measurement"),
        "said to be a projection"
    );
    // One cluster only, and a feature the catalog does not know is refused.
    let files = fleet_files("enable-fleet", |_| {});
    let o = run(
        &[
            "report", "--enable", "mtls", "--from", &files[0], "--from", &files[1],
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&["report", "--enable", "teleport", "--from", from], None);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("teleport"), "{}", stderr(&o));
}

#[test]
fn compare_adds_every_mesh_at_this_scale_as_compare_computes() {
    let from = "fixtures/clusters/istio-ambient";
    let html = report(&["--compare", "--from", from], 0);
    let start = html
        .find(r#"<section id="compare">"#)
        .expect("a compare section");
    let end = html[start..].find("</section>").expect("its end") + start;
    let part = &html[start..end];
    let o = run(&["compare", "-q", "-o", "json", "--from", from], None);
    let cmp: serde_json::Value = serde_json::from_slice(&o.stdout).expect("compare -o json");
    let columns = cmp["columns"].as_array().expect("columns");
    assert!(columns.len() >= 4, "every profile");
    for col in columns {
        let profile = col["profile"].as_str().expect("profile");
        let last = col["steps"]
            .as_array()
            .and_then(|s| s.last())
            .expect("steps");
        let row = format!(
            r#"<tr><td>{profile}</td><td class="n">{}</td></tr>"#,
            last["totals"]["components"]
        );
        assert!(part.contains(&row), "{profile}: {row}");
    }
    assert!(part.contains("baseline calibrated by the scanned cluster"));
}

/// `report --price`: a Cost section whose every figure is `scan -o json --price`'s (per
/// mesh and basis, and the cluster's with several meshes), each chart naming its basis,
/// typical's sources linked; no section without a price.
#[test]
fn price_adds_the_cost_section_with_the_scans_figures() {
    let price = "cpu=0.031/h,memory=0.0042/GiB-h";
    for case in ["istio-sidecar", "cilium-istio-ambient", "linkerd"] {
        let from = format!("fixtures/clusters/{case}");
        let html = report(&["--from", &from, "--price", price], 0);
        let start = html
            .find(r#"<section id="cost">"#)
            .unwrap_or_else(|| panic!("{case}: a cost section"));
        let end = html[start..].find("</section>").expect("its end") + start;
        let part = &html[start..end];
        let snap = scan_json(&["--from", &from, "--price", price]);
        let mut checked = 0;
        let meshes = snap["meshes"].as_array().expect("meshes");
        let mut rows: Vec<(String, &serde_json::Value)> = meshes
            .iter()
            .map(|m| (m["name"].as_str().unwrap().to_owned(), &m["cost"]))
            .collect();
        if meshes.len() > 1 {
            rows.push(("cluster (each container once)".to_owned(), &snap["cost"]));
        }
        for basis in ["requests", "usage", "typical"] {
            assert!(part.contains(&format!("<h3>On {basis}</h3>")), "{case}");
            for (label, cost) in &rows {
                let b = &cost[basis];
                if b.is_null() {
                    continue;
                }
                let cell = format!(
                    r#"<td>{label}</td><td class="n">{:.2} USD/month ({}/h)</td>"#,
                    b["monthly"].as_f64().unwrap(),
                    b["hourly"].as_f64().unwrap()
                );
                let chart = part
                    .split(&format!(
                        r#"<caption class="muted">Monthly bill on {basis} (USD)</caption>"#
                    ))
                    .nth(1)
                    .unwrap_or_else(|| panic!("{case}: a chart on {basis}"));
                let table = chart.split("</table>").next().unwrap();
                assert!(table.contains(&cell), "{case} {basis}: {cell}\n{part}");
                checked += 1;
            }
        }
        assert!(checked > 0, "{case}: some figure checked");
        for s in snap["cost"]["typical"]["sources"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let url = s["source"].as_str().unwrap();
            assert!(
                part.contains(&format!(r#"<a href="{url}">{url}</a>"#)),
                "{case}"
            );
        }
        if snap["cost"]["typical"].is_null() {
            assert!(
                part.contains("No figure on typical")
                    || part.contains("cluster (each container once): no typical bill: "),
                "{case}: a null typical says why\n{part}"
            );
        }
    }
    let html = report(&["--from", "fixtures/clusters/istio-sidecar"], 0);
    assert!(!html.contains(r#"id="cost""#), "no price, no cost section");
}
