//! Issue 17's promise, checked on the wire: every hazard code is found by a live scan of
//! some fixture served by the fake API server, and the access log of those scans holds
//! only GETs, none of them for a Secret, each allowed by the ClusterRole `rbac` prints
//! (no `exec`, no token, no port-forward: those are not GETs).

use std::collections::BTreeSet;

use meshsurface::surface::HazardCode;

use crate::live::{json, Live};
use crate::util::{cases, run, stderr, stdout};

#[test]
fn every_hazard_is_found_live_with_gets_only_and_no_secrets() {
    let role = stdout(&run(&["rbac"], None));
    let rules = fakekube::rbac::Rules::from_text(&role).expect("the ClusterRole parses");
    let mut found = BTreeSet::new();
    let mut requests_seen = 0usize;
    for case in cases() {
        let live = Live::start(&case, |f| f);
        let o = live.scan(&["--quiet"]);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        for h in json(&o)["hazards"].as_array().expect("hazards[]") {
            found.insert(h["code"].as_str().expect("code").to_owned());
        }
        let requests = live.server().requests();
        requests_seen += requests.len();
        let not_get: Vec<_> = requests.iter().filter(|r| r.method != "GET").collect();
        assert!(not_get.is_empty(), "{case}: {not_get:#?}");
        let secrets: Vec<_> = requests
            .iter()
            .filter(|r| r.path.contains("/secrets"))
            .collect();
        assert!(secrets.is_empty(), "{case}: {secrets:#?}");
        let denied = rules.denied(&requests);
        assert!(
            denied.is_empty(),
            "{case}: not allowed by rbac: {denied:#?}"
        );
    }
    assert!(requests_seen > 0, "the access log recorded nothing");
    let missing: Vec<&str> = HazardCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !found.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "hazard codes no live fixture scan finds: {missing:?} (found {found:?})"
    );
}
