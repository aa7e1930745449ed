//! The read-only ClusterRole, as YAML, from [`crate::source::live::resources`].

use std::fmt::Write as _;

use std::collections::BTreeMap;

use crate::source::live::{resources, METRICS_GROUP};

/// The name the ClusterRole is given.
pub const ROLE_NAME: &str = "meshsurface-reader";

/// Discovery endpoints the scan reads (verb `get`).
pub const NON_RESOURCE_URLS: &[&str] = &["/api", "/api/*", "/apis", "/apis/*", "/version"];

/// (API group → resources) the scan lists, including metrics when served.
pub fn rules() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut rules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in resources() {
        rules.entry(r.group).or_default().push(r.plural);
    }
    rules.entry(METRICS_GROUP).or_default().push("pods");
    for v in rules.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    rules
}

/// The ClusterRole, ready for `kubectl apply -f -`.
pub fn cluster_role() -> String {
    let mut out = String::from(
        "# Read-only access for `kubectl meshsurface scan`: get and list, no Secrets, no writes.\n\
         # Bind it: kubectl create clusterrolebinding meshsurface-reader \\\n\
         #   --clusterrole=meshsurface-reader --user=<you> (or --serviceaccount=<ns>:<name>)\n",
    );
    out.push_str("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n");
    let _ = write!(
        out,
        "  name: {ROLE_NAME}\n  labels:\n    app.kubernetes.io/name: meshsurface\nrules:\n"
    );
    for (group, resources) in rules() {
        let _ = writeln!(out, "- apiGroups: [\"{group}\"]");
        let _ = writeln!(out, "  resources: [{}]", resources.join(", "));
        out.push_str("  verbs: [get, list]\n");
    }
    let _ = writeln!(out, "- nonResourceURLs: [{}]", NON_RESOURCE_URLS.join(", "));
    out.push_str("  verbs: [get]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_is_read_only_and_never_names_secrets() {
        let role = cluster_role();
        assert!(!role.contains("secrets"));
        let rules_part = role.split("rules:").nth(1).unwrap();
        for verb in ["create", "update", "patch", "delete", "watch", "\"*\""] {
            assert!(!rules_part.contains(verb), "{verb} in {role}");
        }
        assert!(role.contains("- apiGroups: [\"apps\"]\n  resources: [daemonsets, deployments, replicasets, statefulsets]"));
    }
}
