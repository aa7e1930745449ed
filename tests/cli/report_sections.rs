//! `report`'s sections that come from other commands' figures: the scorecard's column
//! after the growth plan (`plan`), the headcount (`headcount`, with `--model`), the
//! provenance's dates, a fleet's trends over time, and long lists folded.

use crate::report::{fleet_files, report, scratch, snapshot_file};
use crate::util::{run, stderr};

/// The part of `html` from `start` to the next `end`.
fn part<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in the page"));
    let j = html[i..]
        .find(end)
        .unwrap_or_else(|| panic!("{end} after {start}"))
        + i;
    &html[i..j]
}

/// A JSON number as the page writes it (`0.14`, `1`: no trailing `.0`).
fn shown(n: &serde_json::Value) -> String {
    let x = n.as_f64().expect("a number");
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

/// `CMD -o json ARGS`, parsed; exit 0.
fn json(cmd: &str, args: &[&str]) -> serde_json::Value {
    let mut full = vec![cmd, "-q", "-o", "json"];
    full.extend_from_slice(args);
    let o = run(&full, None);
    assert_eq!(o.status.code(), Some(0), "{cmd} {args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn enable_puts_the_plans_last_step_beside_today_in_the_scorecard() {
    let from = "fixtures/clusters/istio-ambient";
    let features = "mtls,l7-policy,ingress";
    let html = report(&["--enable", features, "--from", from], 0);
    let card = part(&html, r#"<table class="scorecard">"#, "</table>");
    assert!(
        card.contains(r#"<th class="projected" data-column="after">istio after mtls, l7-policy, ingress (projected)</th>"#),
        "{card}"
    );
    let plan = json("plan", &["--enable", features, "--from", from]);
    let steps = plan["steps"].as_array().expect("steps");
    let (today, after) = (&steps[0]["totals"], &steps[steps.len() - 1]["totals"]);
    assert_ne!(today["components"], after["components"], "the plan grows");
    let row = |name: &str| part(card, &format!(r#"<th scope="row">{name}</th>"#), "</tr>");
    let kinds = |t: &serde_json::Value| {
        format!(
            "{} ({} kinds)",
            t["components"],
            t["componentKinds"].as_u64().expect("kinds")
        )
    };
    for (name, t_today, t_after) in [
        ("Components (kinds)", kinds(today), kinds(after)),
        (
            "Proxy types",
            today["proxyTypes"].to_string(),
            after["proxyTypes"].to_string(),
        ),
        (
            "Proxy instances",
            today["proxyInstances"].to_string(),
            after["proxyInstances"].to_string(),
        ),
        ("CRDs", today["crds"].to_string(), after["crds"].to_string()),
        (
            "Webhooks",
            today["webhooks"].to_string(),
            after["webhooks"].to_string(),
        ),
        (
            "Upgrade steps",
            today["upgradeSteps"].to_string(),
            after["upgradeSteps"].to_string(),
        ),
    ] {
        let r = row(name);
        assert!(
            r.contains(&format!(
                r#"<td class="n">{t_today}</td><td class="n projected">{t_after}</td>"#
            )),
            "{name}: today {t_today}, after {t_after}: {r}"
        );
    }
    // Requests are projected (a figure), usage and hazards are not (said so).
    assert!(row("CPU requests").contains(r#"<td class="n projected">"#));
    assert!(row("Hazards").contains(r#"<td class="n projected">not projected</td>"#));
    assert!(html.contains("a projection, not a measurement"));
    // Without --enable, no projected column.
    let plain = report(&["--from", from], 0);
    assert!(
        !plain.contains(r#"data-column="after""#),
        "no plan, no projection"
    );
    assert!(
        !plain.contains(r#"class="n projected""#),
        "no plan, no projection"
    );
}

#[test]
fn headcount_shows_the_headcount_commands_figures_and_terms() {
    let from = "fixtures/clusters/istio-revisions";
    let html = report(&["--from", from], 0);
    let sec = part(&html, r#"<section id="headcount">"#, "</section>");
    let h = json("headcount", &["--from", from]);
    let fte = shown(&h["estimate"]["fte"]);
    assert!(
        sec.contains(&format!(r#"<strong data-figure="fte">{fte} FTE</strong>"#)),
        "{fte} FTE: {sec}"
    );
    for term in h["estimate"]["clusterTerms"]
        .as_array()
        .into_iter()
        .chain(h["estimate"]["fleetTerms"].as_array())
        .flatten()
    {
        let formula = term["formula"].as_str().expect("formula");
        assert!(sec.contains(&format!("<td>{formula}</td>")), "{formula}");
    }
    assert!(
        sec.contains("meshsurface default (uncalibrated)"),
        "the model named"
    );
    assert!(
        sec.contains("<code>hours_per_fte</code>"),
        "its coefficients listed"
    );

    // --model FILE: a team's own coefficients, named, giving `headcount --model`'s figure.
    let model = String::from_utf8(run(&["headcount", "--print-model"], None).stdout)
        .expect("the model")
        .replace(
            "value = 4.0\nunit = \"engineers\"",
            "value = 12.0\nunit = \"engineers\"",
        );
    let path = scratch("report-sections").join("team.toml");
    std::fs::write(&path, model).expect("model written");
    let file = path.to_string_lossy();
    let html = report(&["--model", &file, "--from", from], 0);
    let theirs = json("headcount", &["--model", &file, "--from", from]);
    let fte = shown(&theirs["estimate"]["fte"]);
    assert_ne!(
        theirs["estimate"]["fte"], h["estimate"]["fte"],
        "the model matters"
    );
    assert!(html.contains(&format!(r#"<strong data-figure="fte">{fte} FTE</strong>"#)));
    assert!(html.contains(&*file), "the model's file named");
    // A bad model is refused before the cluster is read: no page.
    let bad = scratch("report-sections").join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\n[coefficients.engineers]\nvalue = -1.0\nunit = \"engineers\"\n",
    )
    .expect("written");
    let o = run(
        &["report", "--model", &bad.to_string_lossy(), "--from", from],
        None,
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("bad.toml"), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "no page");
}

#[test]
fn a_fleet_has_each_clusters_headcount_and_the_fleet_totals() {
    let files = fleet_files("headcount-fleet", |_| {});
    let mut args = Vec::new();
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let html = report(&args, 0);
    let fleet = part(&html, r#"<section id="fleet-headcount">"#, "</section>");
    let h = json("headcount", &args);
    assert!(fleet.contains("<td>TOTAL (3 clusters)</td>"), "{fleet}");
    let fte = shown(&h["estimate"]["fte"]);
    assert!(fleet.contains(&format!(r#"<strong data-figure="fte">{fte} FTE</strong>"#)));
    for (i, f) in files.iter().enumerate() {
        let own = json("headcount", &["--from", f]);
        let sec = part(
            &html,
            &format!(r#"<section id="c{}-headcount">"#, i + 1),
            "</section>",
        );
        let fte = shown(&own["estimate"]["fte"]);
        assert!(
            sec.contains(&format!(r#"<strong data-figure="fte">{fte} FTE</strong>"#)),
            "{f}"
        );
    }
}

#[test]
fn provenance_names_the_release_data_dates_as_of_and_scan_duration() {
    let from = "fixtures/clusters/linkerd";
    let html = report(&["--as-of", "2026-01-15", "--from", from], 0);
    let sec = part(&html, r#"<section id="provenance">"#, "</section>");
    for mesh in ["istio", "linkerd", "cilium"] {
        let table = std::fs::read_to_string(format!("src/catalog/releases/{mesh}.yaml"))
            .expect("release table");
        let as_of = table
            .lines()
            .find_map(|l| l.strip_prefix("asOf: "))
            .expect("asOf");
        let checked = table
            .lines()
            .find_map(|l| l.strip_prefix("checked: "))
            .expect("checked");
        assert!(
            sec.contains(&format!(
                r#"<td data-release-as-of="{mesh}">{as_of}</td><td>{checked}</td>"#
            )),
            "{mesh}: {sec}"
        );
    }
    assert!(
        sec.contains("<dd>2026-01-15 (<code>--as-of</code>)</dd>"),
        "{sec}"
    );
    assert!(sec.contains("<dt>Tool</dt><dd>meshsurface "), "{sec}");
    assert!(sec.contains(r#"<dd data-figure="complete">true (complete)</dd>"#));
    assert!(!sec.contains("Scan duration"), "files are not timed");
    let timed = snapshot_file("linkerd", "timed.json", |s| {
        s["source"]["durationSeconds"] = 12.34.into();
    });
    let html = report(&["--from", &timed], 0);
    assert!(html.contains(r#"<dt>Scan duration</dt><dd data-figure="duration">12.3 s</dd>"#));
}

/// `linkerd` taken at `day` with `components` components and `extra` more hazards.
fn linkerd_at(tag: &str, day: &str, components: u64, extra: usize) -> String {
    snapshot_file("linkerd", &format!("{tag}/linkerd-{day}.json"), |s| {
        s["source"]["takenAt"] = format!("{day}T00:00:00Z").into();
        s["totals"]["components"] = components.into();
        let first = s["hazards"][0].clone();
        for _ in 0..extra {
            s["hazards"]
                .as_array_mut()
                .expect("hazards")
                .push(first.clone());
        }
    })
}

#[test]
fn a_cluster_seen_several_times_gets_sparklines_with_its_values() {
    // Given out of order: the trend is drawn oldest first.
    let files = [
        linkerd_at("trend", "2026-03-01", 9, 2),
        linkerd_at("trend", "2026-01-01", 7, 0),
        linkerd_at("trend", "2026-02-01", 8, 1),
        snapshot_file("cilium", "trend/cilium.json", |_| {}),
    ];
    let mut args = Vec::new();
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let html = report(&args, 0);
    let table = part(&html, r#"<table class="trends">"#, "</table>");
    assert_eq!(
        table.matches("<svg class=\"spark\"").count(),
        4,
        "one per figure, one cluster"
    );
    assert!(
        table.contains("<td>fixtures/clusters/linkerd</td>"),
        "{table}"
    );
    assert!(!table.contains("cilium"), "cilium appears once: no trend");
    assert!(
        table.contains("<title>Components over time: 2026-01-01T00:00:00Z: 7, 2026-02-01T00:00:00Z: 8, 2026-03-01T00:00:00Z: 9</title>"),
        "{table}"
    );
    assert!(table.contains("7 → 9"), "first → last");
    let h0 = crate::util::scan_json(&["--from", "fixtures/clusters/linkerd"])["hazards"]
        .as_array()
        .expect("hazards")
        .len();
    let hazards = format!(
        "<title>Hazards over time: 2026-01-01T00:00:00Z: {h0}, 2026-02-01T00:00:00Z: {}, 2026-03-01T00:00:00Z: {}</title>",
        h0 + 1,
        h0 + 2
    );
    assert!(table.contains(&hazards), "{hazards}: {table}");
    // Every value is also a table row, oldest first, linking to the snapshot's report.
    let values = part(
        &html,
        "<summary>The values of fixtures/clusters/linkerd (3 snapshots)</summary>",
        "</details>",
    );
    let jan = values.find("2026-01-01T00:00:00Z").expect("january");
    let mar = values.find("2026-03-01T00:00:00Z").expect("march");
    assert!(jan < mar, "oldest first");
    assert!(
        values.contains(r##"<a href="#c2">linkerd-2026-01-01</a>"##),
        "{values}"
    );
}

#[test]
fn a_fleet_of_distinct_clusters_says_there_is_no_trend() {
    let files = fleet_files("no-trend", |_| {});
    let mut args = Vec::new();
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let html = report(&args, 0);
    assert!(html.contains("Every cluster appears once"));
    assert!(!html.contains(r#"<svg class="spark""#), "no sparkline");
}

#[test]
fn hundreds_of_waypoints_are_one_bar_and_one_row_with_every_name_kept() {
    let path = snapshot_file("istio-ambient-waypoints", "waypoints.json", |s| {
        let ns = s["namespaces"][0].clone();
        let comps = s["components"].as_array_mut().expect("components");
        let waypoint = comps
            .iter()
            .find(|c| c["component"] == "waypoint")
            .expect("a waypoint")
            .clone();
        comps.retain(|c| c["component"] != "waypoint");
        let mut names = Vec::new();
        for i in 0..500 {
            let mut w = waypoint.clone();
            w["namespace"] = format!("team-{i:03}").into();
            comps.push(w);
            let mut n = ns.clone();
            n["namespace"] = format!("team-{i:03}").into();
            names.push(n);
        }
        s["namespaces"] = names.into();
    });
    let html = report(&["--from", &path], 0);
    let sec = part(&html, r#"<section id="components">"#, "</section>");
    assert!(sec.contains("istio waypoint ×500 workloads"), "one bar");
    assert_eq!(sec.matches(r#"<tr class="folded">"#).count(), 1, "one row");
    assert!(!sec.contains("<td>Deployment team-"), "no row per waypoint");
    assert!(
        sec.contains("<summary>and 495 more</summary>"),
        "the rest collapsed"
    );
    assert!(
        sec.contains("Deployment team-499/waypoint"),
        "every one kept"
    );
    assert!(sec.contains("<h3>Meshed namespaces (500)</h3>"));
    assert!(
        sec.contains(r#"<td class="n">500</td><td class="n">500</td>"#),
        "{}",
        &sec[sec.len() - 600..]
    );
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
}
