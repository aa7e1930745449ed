//! Kubernetes API group names, matched by suffix: a pattern such as `istio.io` names that
//! group and every group under it (`networking.istio.io`, `security.istio.io`), the way
//! meshes name their API groups.
//!
//! Its own module, below both the catalog (which attributes CRDs and configuration to
//! meshes by group) and the inventory (whose reader keeps configuration objects by group),
//! so neither has to import the other for it.

/// Does `group` equal `pattern` or sit under it (`x.pattern`)?
pub fn within(group: &str, pattern: &str) -> bool {
    group == pattern
        || group
            .strip_suffix(pattern)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn a_pattern_names_itself_and_its_subgroups_only() {
        assert!(within("istio.io", "istio.io"));
        assert!(within("networking.istio.io", "istio.io"));
        assert!(!within("fakeistio.io", "istio.io"));
        assert!(!within("istio.io.example.com", "istio.io"));
    }
}
