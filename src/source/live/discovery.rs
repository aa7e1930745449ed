//! Which API groups the server serves (`GET /apis`), and what the scan does when the
//! server will not say.
//!
//! Discovery that cannot be read at all (the server is unreachable, times out, refuses the
//! credentials, gives up after retries) stops the scan: nothing else would work either.
//! Discovery that is forbidden (403) or answers with something that is not an
//! `APIGroupList` does not: the scan goes on with the built-in groups every API server
//! serves (`apps`, `apiextensions.k8s.io`, `admissionregistration.k8s.io`), skips the
//! optional ones (Gateway API, pod metrics), and is reported incomplete.

use serde::Deserialize;

use super::fetch::{Fault, Sent};
pub(super) use super::resources::Groups;
use super::{resources, Lister, METRICS_GROUP};
use crate::source::wire::GATEWAY_GROUP;
use crate::surface::{Warning, WarningCode};

/// Where warnings about discovery point.
const DISCOVERY: &str = "/apis";

/// The served groups, with a warning when they are only assumed; an error (the message)
/// when the cluster cannot be read at all.
pub(super) async fn discover(lister: &Lister) -> Result<(Groups, Option<Warning>), String> {
    let (code, why) = match lister.get(DISCOVERY, "application/json").await {
        Ok(Sent::Ok(bytes)) => match parse(&bytes) {
            Ok(groups) => return Ok((groups, None)),
            Err(why) => (WarningCode::InvalidAnswer, why),
        },
        Ok(Sent::Status(403, msg)) => (WarningCode::Forbidden, format!("forbidden: {msg}")),
        Err(Fault::Invalid(why)) => (WarningCode::InvalidAnswer, why),
        Ok(Sent::Status(code, msg)) => {
            return Err(format!("discovery (/apis) answered HTTP {code}: {msg}"))
        }
        Err(Fault::Timeout) => return Err("discovery (/apis) timed out".to_owned()),
        Err(Fault::Forbidden(m) | Fault::Failed(m)) => return Err(m),
        Err(Fault::NotServed) => return Err("discovery (/apis) is not served".to_owned()),
    };
    let groups = builtin();
    let names: Vec<&str> = groups.keys().map(String::as_str).collect();
    let warning = Warning::new(
        code,
        format!(
            "cannot discover the API groups (/apis): {why}; read only the built-in groups ({}), \
             not the Gateway API nor {METRICS_GROUP}",
            names.join(", ")
        ),
    )
    .on(DISCOVERY);
    Ok((groups, Some(warning)))
}

/// An `APIGroupList`: it must hold `groups` (a `Status` answered with 200 does not).
fn parse(bytes: &[u8]) -> Result<Groups, String> {
    #[derive(Debug, Deserialize)]
    struct GroupList {
        kind: Option<String>,
        groups: Option<Vec<Group>>,
    }
    #[derive(Debug, Deserialize)]
    struct Group {
        name: String,
        #[serde(rename = "preferredVersion")]
        preferred: Option<GroupVersion>,
        #[serde(default)]
        versions: Vec<GroupVersion>,
    }
    #[derive(Debug, Deserialize)]
    struct GroupVersion {
        version: String,
    }
    let list: GroupList = serde_json::from_slice(bytes)
        .map_err(|e| format!("the answer is not an APIGroupList: {e}"))?;
    let Some(groups) = list.groups else {
        return Err(format!(
            "the answer is not an APIGroupList (kind {:?}, no groups)",
            list.kind.unwrap_or_default()
        ));
    };
    Ok(groups
        .into_iter()
        .map(|g| {
            let mut versions: Vec<String> = g.preferred.into_iter().map(|v| v.version).collect();
            versions.extend(g.versions.into_iter().map(|v| v.version));
            (g.name, versions)
        })
        .collect())
}

/// The groups of the scan's table that every API server serves.
fn builtin() -> Groups {
    resources()
        .into_iter()
        .filter(|r| !r.group.is_empty() && r.group != GATEWAY_GROUP)
        .map(|r| (r.group.to_owned(), vec![r.version.into_owned()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_must_hold_groups() {
        let g = parse(br#"{"kind":"APIGroupList","groups":[{"name":"apps","preferredVersion":{"version":"v1"},"versions":[{"version":"v1"}]}]}"#).unwrap();
        assert_eq!(g["apps"], vec!["v1", "v1"]);
        assert!(parse(br#"{"kind":"APIGroupList","groups":[]}"#)
            .unwrap()
            .is_empty());
        let e = parse(br#"{"kind":"Status","status":"Success","code":200}"#).unwrap_err();
        assert!(e.contains("kind \"Status\", no groups"), "{e}");
        assert!(parse(b"<html></html>").is_err());
    }

    #[test]
    fn builtin_groups_leave_out_the_optional_ones() {
        let g = builtin();
        let names: Vec<&str> = g.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            vec![
                "admissionregistration.k8s.io",
                "apiextensions.k8s.io",
                "apps",
                "policy"
            ]
        );
    }
}
