//! `report` in a real browser: headless Chromium loads the page of four fixtures from a
//! `file://` URL with name resolution disabled, and the test fails on any console message
//! (the page has no script: a message is a blocked load or a CSP violation), on a headline
//! figure of the snapshot missing from the DOM the browser built, or on a printed PDF
//! whose page count is not one section per page or so. A full-page screenshot of each is
//! kept under `target/tmp/report-browser/` (not compared).
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it, and
//! `poppler-utils` for `pdfinfo`); without it the test says so and passes, except under CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::report::{fleet_files, scratch};
use crate::util::{run, scan_json, stderr};

/// The four meshes of the issue: sidecar with revisions, ambient with waypoints, Linkerd,
/// and Cilium beside Istio ambient.
const CASES: [&str; 4] = [
    "istio-revisions",
    "istio-ambient-waypoints",
    "linkerd",
    "cilium-istio-ambient",
];

/// The sections of every page: printed, each starts a page.
const SECTIONS: u32 = 9;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Runs headless Chromium on `page` with a fresh profile, no network name resolution,
/// logging on stderr, and `args` (`--dump-dom`, `--screenshot=…`, `--print-to-pdf=…`).
fn browse(bin: &Path, page: &Path, args: &[String]) -> Output {
    let profile = scratch(&format!(
        "report-browser/profile-{}",
        page.file_stem().expect("a file name").to_string_lossy()
    ));
    let o = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .expect("chromium starts");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    o
}

/// Lines of Chromium's log that are the page's console (a blocked load, a CSP violation).
fn console(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Content Security Policy"))
        .map(str::to_owned)
        .collect()
}

/// Skips (with a note) without Chromium, except under CI, which must have it.
#[expect(
    clippy::print_stderr,
    reason = "a test skipped for a missing tool says so (shown with --nocapture)"
)]
fn chromium_or_skip() -> Option<PathBuf> {
    let bin = chromium();
    if bin.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium: .ci/run installs Debian's `chromium`"
        );
        eprintln!("note: chromium is not installed: the report is not checked in a browser");
    }
    bin
}

#[test]
fn the_console_check_sees_a_blocked_load() {
    let Some(bin) = chromium_or_skip() else {
        return;
    };
    // The report's own policy, and a load it must block (to this machine only).
    let page = scratch("report-browser").join("blocked.html");
    std::fs::write(
        &page,
        format!(
            r#"<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{}"></head><body><img src="http://127.0.0.1:9/x.png"></body></html>"#,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        ),
    )
    .expect("page written");
    let o = browse(&bin, &page, &["--dump-dom".to_owned()]);
    assert!(
        console(&o).iter().any(|l| l.contains("violates")),
        "the blocked image is seen: {}",
        stderr(&o)
    );
}

#[test]
fn four_reports_in_headless_chromium() {
    let Some(bin) = chromium_or_skip() else {
        return;
    };
    let pdfinfo = Command::new("pdfinfo").arg("-v").output().is_ok();
    assert!(
        pdfinfo || std::env::var_os("CI").is_none(),
        "CI must have pdfinfo: .ci/run installs poppler-utils"
    );
    let dir = scratch("report-browser");
    for case in CASES {
        let from = format!("fixtures/clusters/{case}");
        let snap = scan_json(&["--from", &from]);
        let page = dir.join(format!("{case}.html"));
        let mut args = vec![
            "report",
            "--quiet",
            "--from",
            &from,
            "-o",
            page.to_str().expect("a UTF-8 path"),
        ];
        // One page carries the optional sections too (growth plan, every mesh).
        if case == "istio-ambient-waypoints" {
            args.extend_from_slice(&["--enable", "mtls,ingress", "--compare"]);
        }
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        let mut hc = vec!["headcount", "-q", "-o", "json", "--from", &from];
        if case == "istio-ambient-waypoints" {
            hc.extend_from_slice(&["--enable", "mtls,ingress"]);
        }
        let h: serde_json::Value =
            serde_json::from_slice(&run(&hc, None).stdout).expect("headcount -o json");

        let dom = browse(&bin, &page, &["--dump-dom".to_owned()]);
        assert_eq!(console(&dom), Vec::<String>::new(), "{case}: console");
        let text = String::from_utf8_lossy(&dom.stdout);
        let t = &snap["totals"];
        let hazards = snap["hazards"].as_array().expect("hazards").len();
        for (figure, value) in [
            ("components", t["components"].to_string()),
            ("proxies", t["proxyInstances"].to_string()),
            ("proxyTypes", t["proxyTypes"].to_string()),
            ("crds", t["crds"].to_string()),
            ("hazards", hazards.to_string()),
            ("fte", {
                // As the page writes it: `1`, not `1.0`.
                let fte = h["estimate"]["fte"].as_f64().expect("fte");
                format!("{} FTE", (fte * 100.0).round() / 100.0)
            }),
        ] {
            let cell = format!(r#"data-figure="{figure}">{value}<"#);
            assert!(text.contains(&cell), "{case}: the DOM lacks {cell}");
        }
        for section in [
            "scorecard",
            "hazards",
            "proxies",
            "graph",
            "runbook",
            "headcount",
            "provenance",
        ] {
            assert!(
                text.contains(&format!(r#"<section id="{section}""#)),
                "{case}: {section}"
            );
        }
        if case == "istio-ambient-waypoints" {
            for section in ["growth", "compare"] {
                let tag = format!(r#"<section id="{section}""#);
                assert!(text.contains(&tag), "{case}: {section}");
            }
        }

        let shot = dir.join(format!("{case}.png"));
        let o = browse(
            &bin,
            &page,
            &[
                "--window-size=1280,7000".to_owned(),
                format!("--screenshot={}", shot.display()),
            ],
        );
        assert_eq!(console(&o), Vec::<String>::new(), "{case}: console");
        assert!(
            std::fs::metadata(&shot).expect("a screenshot").len() > 10_000,
            "{case}: screenshot"
        );

        if pdfinfo {
            let pages = printed_pages(&bin, &page);
            // One page break before each section (the print stylesheet), and no section
            // spread over many pages.
            assert!(
                (SECTIONS..=4 * SECTIONS).contains(&pages),
                "{case}: {pages} printed pages"
            );
        }
    }
}

/// Prints `page` to PDF and counts its pages with `pdfinfo`.
fn printed_pages(bin: &Path, page: &Path) -> u32 {
    let pdf = page.with_extension("pdf");
    browse(
        bin,
        page,
        &[
            "--no-pdf-header-footer".to_owned(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}: no page count in {info}", pdf.display()))
}

#[test]
fn a_fleet_of_three_in_headless_chromium() {
    let Some(bin) = chromium_or_skip() else {
        return;
    };
    let files = fleet_files("browser-fleet", |_| {});
    let page = scratch("report-browser").join("fleet.html");
    let mut args = vec![
        "report",
        "--quiet",
        "-o",
        page.to_str().expect("a UTF-8 path"),
    ];
    for f in &files {
        args.extend_from_slice(&["--from", f.as_str()]);
    }
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dom = browse(&bin, &page, &["--dump-dom".to_owned()]);
    assert_eq!(console(&dom), Vec::<String>::new(), "fleet: console");
    let text = String::from_utf8_lossy(&dom.stdout);
    for (i, f) in files.iter().enumerate() {
        let snap: serde_json::Value =
            serde_json::from_slice(&std::fs::read(f).expect("snapshot read")).expect("JSON");
        let start = text
            .find(&format!(r#"<article id="c{}">"#, i + 1))
            .unwrap_or_else(|| panic!("{f}: its article in the DOM"));
        let end = text[start..].find("</article>").expect("its end") + start;
        let t = &snap["totals"];
        for (figure, value) in [
            ("components", t["components"].to_string()),
            ("proxies", t["proxyInstances"].to_string()),
            ("crds", t["crds"].to_string()),
        ] {
            let cell = format!(r#"data-figure="{figure}">{value}<"#);
            assert!(
                text[start..end].contains(&cell),
                "{f}: the DOM lacks {cell}"
            );
        }
    }
    let shot = page.with_extension("png");
    browse(
        &bin,
        &page,
        &[
            "--window-size=1280,7000".to_owned(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    if Command::new("pdfinfo").arg("-v").output().is_ok() {
        let pages = printed_pages(&bin, &page);
        let each = 3 * SECTIONS;
        assert!(
            (1 + each..=4 * (1 + each)).contains(&pages),
            "fleet: {pages} printed pages"
        );
    }
}
