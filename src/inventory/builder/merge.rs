//! Merging builders: each list (and, with several parsing threads, each page of pods) is
//! read into a builder of its own, and added to the scan's in a fixed order, so the
//! Inventory does not depend on which list or page finished first.

use super::{fold_hash, InventoryBuilder};

impl InventoryBuilder {
    /// Adds everything another builder read (a resource listed on its own) to this one.
    pub fn merge(&mut self, other: InventoryBuilder) {
        let o = other.inv;
        self.inv.nodes.extend(o.nodes);
        for (name, ns) in o.namespaces {
            self.inv.namespaces.insert(name, ns);
        }
        for mut w in o.workloads {
            self.intern(&mut w.template);
            self.inv.workloads.push(w);
        }
        self.inv.replica_sets.extend(o.replica_sets);
        for mut g in o.pod_groups {
            let hash = fold_hash(&g.namespace, g.owner.as_ref(), &g.shape);
            if let Some(i) = self.group_of(hash, &g.namespace, g.owner.as_ref(), &g.shape) {
                let mine = &mut self.inv.pod_groups[i];
                mine.count = mine.count.saturating_add(g.count);
                for (c, u) in g.usage {
                    mine.usage.entry(c).or_default().add(u);
                }
            } else {
                self.intern(&mut g.shape);
                self.inv.pod_groups.push(g);
                let i = self.inv.pod_groups.len() - 1;
                self.groups.entry(hash).or_default().push(i);
            }
        }
        self.inv.services.extend(o.services);
        self.inv.service_accounts.extend(o.service_accounts);
        self.inv.crds.extend(o.crds);
        self.inv.webhooks.extend(o.webhooks);
        self.inv.gateways.extend(o.gateways);
        for (kind, per_ns) in o.config.counts {
            let mine = self.inv.config.counts.entry(kind).or_default();
            for (ns, n) in per_ns {
                let c = mine.entry(ns).or_default();
                *c = c.saturating_add(n);
            }
        }
        self.inv.config.read |= o.config.read;
        self.inv.config.unread.extend(o.config.unread);
        self.config_seen.extend(other.config_seen);
        self.inv.kubernetes.merge(o.kubernetes);
        self.inv.saw_services |= o.saw_services;
        self.inv.pdbs.extend(o.pdbs);
        self.inv.pdbs_read |= o.pdbs_read;
        self.inv.metrics |= o.metrics;
        self.inv.warnings.extend(o.warnings);
        self.inv.unread.extend(o.unread);
        self.inv.anchors.extend(o.anchors);
        self.inv.anchors_unread.extend(o.anchors_unread);
        self.namespaces_seen.extend(other.namespaces_seen);
    }
}
