//! The read-only ClusterRole, as YAML, from [`crate::source::live::resources`] and the
//! catalog's configuration groups.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use crate::source::live::{resources, METRICS_GROUP};

/// The name the ClusterRole is given.
pub const ROLE_NAME: &str = "meshsurface-reader";

/// Discovery endpoints the scan reads (verb `get`).
pub const NON_RESOURCE_URLS: &[&str] = &["/api", "/api/*", "/apis", "/apis/*", "/version"];

/// (API group → resources) the scan lists, including metrics when served, and every
/// resource (`*`) of the meshes' configuration groups: which kinds exist there is only
/// known from the cluster's CRDs, and all of them are configuration (never Secrets,
/// which are in the core group).
pub fn rules<'a>(config_groups: &[&'a str]) -> BTreeMap<&'a str, Vec<&'a str>> {
    let mut rules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in resources() {
        rules.entry(r.group).or_default().push(r.plural);
    }
    rules.entry(METRICS_GROUP).or_default().push("pods");
    for g in config_groups {
        // All of the group, then: listing its resources one by one adds nothing.
        rules.insert(g, vec!["\"*\""]);
    }
    for v in rules.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    rules
}

/// The ClusterRole, ready for `kubectl apply -f -`. `config_maps` are the trust-anchor
/// ConfigMaps the scan GETs by name: `get` on those names only, never a ConfigMap list.
pub fn cluster_role(config_groups: &[&str], config_maps: &[String]) -> String {
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
    for (group, resources) in rules(config_groups) {
        let _ = writeln!(out, "- apiGroups: [\"{group}\"]");
        let _ = writeln!(out, "  resources: [{}]", resources.join(", "));
        out.push_str("  verbs: [get, list]\n");
    }
    if !config_maps.is_empty() {
        out.push_str("- apiGroups: [\"\"]\n  resources: [configmaps]\n");
        let _ = writeln!(out, "  resourceNames: [{}]", config_maps.join(", "));
        out.push_str("  verbs: [get]\n");
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
        let role = cluster_role(&["networking.istio.io"], &["linkerd-config".to_owned()]);
        assert!(!role.contains("secrets"));
        let rules_part = role.split("rules:").nth(1).unwrap();
        for verb in ["create", "update", "patch", "delete", "watch"] {
            assert!(!rules_part.contains(verb), "{verb} in {role}");
        }
        // A wildcard only over a configuration group's resources, never over verbs,
        // groups or the core group.
        for line in rules_part.lines().filter(|l| l.contains("\"*\"")) {
            assert_eq!(line, "  resources: [\"*\"]", "{role}");
        }
        assert!(role.contains(
            "- apiGroups: [\"networking.istio.io\"]\n  resources: [\"*\"]\n  verbs: [get, list]"
        ));
        assert!(role.contains("- apiGroups: [\"apps\"]\n  resources: [daemonsets, deployments, replicasets, statefulsets]"));
        // ConfigMaps: get by name only.
        assert!(role.contains(
            "- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [linkerd-config]\n  verbs: [get]\n"
        ));
        assert!(!role.contains("configmaps, "), "{role}");
    }
}
