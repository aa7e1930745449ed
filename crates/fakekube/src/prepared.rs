//! A cluster built once into what the fake serves, and shared by any number of fakes.
//!
//! [`FakeKube::new`](crate::FakeKube::new) keeps its objects as `serde_json::Value`s until
//! it starts, and each fake of `fakekube --clusters N` had its own copy. A `Value` takes
//! several times the bytes of its JSON (a generated 10 KB pod, with its `managedFields`, is
//! a few hundred small allocations), which made the 150,000-pod benchmark cluster too big
//! to hold. [`Prepared::generate`] instead serializes each generated object as soon as it is
//! made ([`crate::generate::generate_each`] into the store's builder), so the whole cluster
//! only ever exists as the bytes it is served as; [`FakeKube::prepared`](crate::FakeKube::prepared)
//! serves it, and fakes made from one `Prepared` share its store.

use std::sync::Arc;

use serde_json::Value;

use crate::generate::{generate_each, Scale};
use crate::store::{Store, StoreBuilder};
use crate::{flatten, oldest_kubelet};

/// Objects keyed, defaulted and serialized, ready to serve (cheap to clone: shared).
#[derive(Clone)]
pub struct Prepared {
    pub(crate) store: Arc<Store>,
    /// The oldest kubelet version among the Nodes (the fake's default `/version`).
    pub(crate) kubelet: Option<String>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("objects", &self.store.object_count())
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// These objects (lists are flattened), as [`crate::FakeKube::new`] would serve them.
    pub fn new(objects: Vec<Value>) -> Self {
        let mut flat = Vec::with_capacity(objects.len());
        for o in objects {
            flatten(o, &mut flat);
        }
        Prepared {
            kubelet: oldest_kubelet(&flat),
            store: Arc::new(Store::build(flat, false)),
        }
    }

    /// `base` (a fixture's objects) multiplied to `scale`: the objects of
    /// [`crate::generate::generate`], each serialized as soon as it is generated.
    pub fn generate(base: Vec<Value>, scale: &Scale) -> Self {
        let mut flat = Vec::with_capacity(base.len());
        for o in base {
            flatten(o, &mut flat);
        }
        // Generated Nodes are copies of the fixture's first one, and generated objects
        // are of the fixture's kinds: its CRDs declare every type, its Nodes the version.
        let kubelet = oldest_kubelet(&flat);
        let mut builder = StoreBuilder::new(&flat, false);
        generate_each(flat, scale, &mut |o| builder.add(o));
        Prepared {
            store: Arc::new(builder.finish()),
            kubelet,
        }
    }

    /// Number of objects served.
    pub fn object_count(&self) -> usize {
        self.store.object_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate;

    /// Serialized as generated, or generated whole and then built: the same store.
    #[test]
    fn generating_into_the_store_serves_what_building_from_values_serves() {
        for case in ["istio-sidecar", "linkerd", "cilium"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../fixtures/clusters")
                .join(case);
            let base = crate::load_path(&dir).unwrap();
            let scale = Scale::parse("pods=600,nodes=12,namespaces=6,config=5").unwrap();
            let streamed = Prepared::generate(base.clone(), &scale);
            let whole = Prepared::new(generate(base, &scale));
            assert_eq!(streamed.kubelet, whole.kubelet, "{case}");
            let (a, b) = (&streamed.store, &whole.store);
            assert_eq!(a.resource_version, b.resource_version, "{case}");
            assert_eq!(a.object_count(), b.object_count(), "{case}");
            assert!(a.object_count() > 600, "{case}");
            let groups =
                |s: &Store| -> Vec<String> { s.groups.iter().map(|g| g.name.clone()).collect() };
            assert_eq!(groups(a), groups(b), "{case}");
            for (ta, tb) in a.types.iter().zip(&b.types) {
                assert_eq!((&ta.group, &ta.plural), (&tb.group, &tb.plural), "{case}");
                assert_eq!(ta.items.len(), tb.items.len(), "{case} {}", ta.plural);
                for (x, y) in ta.items.iter().zip(&tb.items) {
                    assert_eq!(x.key, y.key);
                    assert_eq!(x.labels, y.labels);
                    assert_eq!(x.fields, y.fields);
                    assert_eq!(x.body, y.body);
                    assert_eq!(x.metadata, y.metadata);
                    let meta: Value = serde_json::from_slice(&x.metadata).unwrap();
                    let body: Value = serde_json::from_slice(&x.body).unwrap();
                    assert_eq!(meta, body["metadata"], "{case} {}", x.key);
                }
            }
        }
    }
}
