//! The API server's own version (`GET /version`, `gitVersion`): the Kubernetes version a
//! live scan judges mesh releases against (a live Node list is metadata only, so the
//! kubelets' versions are not read). `/version` is readable by every user, authenticated
//! or not (the built-in `system:public-info-viewer` ClusterRole), so `rbac` need not grant
//! it. An answer that cannot be read leaves the version unknown: only the Kubernetes
//! check of `release-support` depends on it, and it then judges nothing.

use serde::Deserialize;

use super::fetch::Sent;
use super::Lister;

/// `gitVersion` of `GET /version`, when the server gives one.
pub(super) async fn api_server(lister: &Lister) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Info {
        git_version: Option<String>,
    }
    match lister.get("/version", "application/json").await {
        Ok(Sent::Ok(bytes)) => serde_json::from_slice::<Info>(&bytes)
            .ok()
            .and_then(|i| i.git_version)
            .filter(|v| !v.is_empty()),
        _ => None,
    }
}
