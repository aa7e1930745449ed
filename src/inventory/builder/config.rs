//! The configuration objects of the [`InventoryBuilder`]: counted per kind and namespace,
//! never kept (the configuration surface needs how many, not what they say); a copy of an
//! object read from two files is counted once.

use super::InventoryBuilder;

impl InventoryBuilder {
    /// Counts one configuration object (a custom resource of a mesh's API group) read
    /// from a file; a second copy of it is counted once, with a `duplicate-object`
    /// warning.
    pub fn add_config(&mut self, group: &str, kind: &str, namespace: &str, name: &str) {
        self.config_once(group, kind, namespace, name, true);
    }

    pub(super) fn config_once(
        &mut self,
        group: &str,
        kind: &str,
        namespace: &str,
        name: &str,
        warn: bool,
    ) {
        self.saw_namespace(namespace);
        if let Some(place) = self.origin.clone() {
            let key = (
                group.to_owned(),
                kind.to_owned(),
                namespace.to_owned(),
                name.to_owned(),
            );
            if let Some(first) = self.config_seen.insert(key, place.clone()) {
                if !warn {
                    return;
                }
                self.duplicate(kind, namespace, name, (&first, &place), "counted once");
                return;
            }
        }
        self.count_config(group, kind, namespace, 1);
    }

    /// Adds `n` configuration objects of one kind in one namespace (`""`: cluster-scoped),
    /// as a live list counts them.
    pub fn count_config(&mut self, group: &str, kind: &str, namespace: &str, n: u64) {
        self.inv.config.read = true;
        let per_ns = self
            .inv
            .config
            .counts
            .entry((group.to_owned(), kind.to_owned()))
            .or_default();
        let c = per_ns.entry(namespace.to_owned()).or_default();
        *c = c.saturating_add(n);
    }

    /// Marks that the configuration kinds were looked for (a live scan), so that none
    /// found means 0, not "not in the input".
    pub fn config_looked_for(&mut self) {
        self.inv.config.read = true;
    }

    /// A configuration kind whose list failed: its count is unknown.
    pub fn config_unread(&mut self, group: &str, kind: &str) {
        self.inv
            .config
            .unread
            .insert((group.to_owned(), kind.to_owned()));
    }
}
