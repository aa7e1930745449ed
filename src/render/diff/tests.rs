use super::*;
use crate::surface::Snapshot;

fn snapshot(components: u64) -> Snapshot {
    let json = serde_json::json!({
        "schemaVersion": "meshsurface/v1",
        "source": {"kind": "offline", "paths": ["x"], "takenAt": "2026-01-01T00:00:00Z"},
        "complete": true, "warnings": [],
        "scale": {"nodes": 1, "namespaces": 1, "pods": 1, "meshedPods": 0,
                  "serviceAccounts": 1, "meshedNamespaces": 0},
        "meshes": [], "components": [], "proxies": [], "crds": [], "webhooks": [],
        "upgradeSteps": [],
        "totals": {"components": components, "componentKinds": 0, "componentInstances": 0,
                   "proxyTypes": 0, "proxyImplementations": 0, "proxyInstances": 0,
                   "crds": 0, "webhooks": 0, "upgradeSteps": 0,
                   "cpuRequestMillicores": 0, "memoryRequestBytes": 0}
    });
    serde_json::from_value(json).unwrap()
}

#[test]
fn colour_only_when_asked() {
    let d = crate::diff::diff(&snapshot(1), &snapshot(3));
    let plain = table(&d, false, 80);
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("+   components"), "{plain}");
    let coloured = table(&d, true, 80);
    assert!(coloured.contains("\x1b[1mTotals\x1b[0m"), "{coloured}");
    assert!(coloured.contains("\x1b[32m+   components"), "{coloured}");
    let shrunk = table(&crate::diff::diff(&snapshot(3), &snapshot(1)), true, 80);
    assert!(shrunk.contains("\x1b[31m-   components"), "{shrunk}");
}

#[test]
fn an_unchanged_surface_has_no_sections() {
    let d = crate::diff::diff(&snapshot(2), &snapshot(2));
    assert!(sections(&d).is_empty());
    assert!(table(&d, false, 80).ends_with("No changes.\n"));
    assert!(markdown(&d).ends_with("No changes.  \n"));
}

#[test]
fn every_section_is_a_part_of_the_page_with_signs() {
    let d = crate::diff::diff(&snapshot(1), &snapshot(3));
    let secs = sections(&d);
    let titles: Vec<&str> = secs.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Totals", "Scale", "Growth"]);
    // `##` in Markdown, as a pull request comment reads them.
    assert!(secs.iter().all(|s| s.level == 1));
    assert!(secs.iter().all(|s| s.signs || s.headers.is_empty()));
    let md = markdown(&d);
    assert!(
        md.contains("\n## Totals\n") && md.contains("\n## Growth\n"),
        "{md}"
    );
}
