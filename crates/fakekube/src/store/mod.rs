//! The served objects and the API surface they imply.
//!
//! Built once from plain objects: the built-in resource types, every type a
//! CustomResourceDefinition among the objects declares (so a cluster without Cilium's CRDs
//! has no `cilium.io` group), and each object pre-serialized to JSON bytes in etcd key
//! order (`namespace/name`). Serving a page is then a copy of that page's bytes: the work
//! per request follows the page, not the cluster, which is what a 50,000-pod benchmark needs.
//!
//! This module holds the model and its look-ups; [`builtin`] the types a cluster serves
//! without any CRD, [`build`] how objects and CRDs become the model, [`discovery`] the
//! discovery documents derived from it.

mod build;
mod builtin;
mod discovery;

use std::collections::HashMap;

use bytes::Bytes;

pub(crate) use build::StoreBuilder;
pub(crate) use builtin::FieldSpec;

/// One served resource type and its objects.
pub(crate) struct ResourceType {
    pub group: String,
    /// Served versions, most preferred first.
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    /// The kind of its lists: `{kind}List`, or a CRD's `spec.names.listKind`.
    pub list_kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: &'static [&'static str],
    pub fields: &'static [FieldSpec],
    /// Shown in discovery and servable.
    pub served: bool,
    /// A built-in type (not from a CRD, not guessed).
    pub builtin: bool,
    /// Sorted by key (etcd order: `namespace/name`, or `name`).
    pub items: Vec<Item>,
}

/// One stored object.
pub(crate) struct Item {
    /// `namespace/name` or `name`.
    pub key: String,
    /// Where the name starts in `key`.
    name_at: usize,
    /// Labels sorted by key.
    pub labels: Vec<(String, String)>,
    /// Values of the type's extra selectable fields, in `fields` order.
    pub fields: Box<[String]>,
    /// The object as JSON without `apiVersion` and `kind` (set per request: the version
    /// asked for), starting with `{`.
    pub body: Bytes,
    /// `metadata` as JSON.
    pub metadata: Bytes,
}

impl Item {
    pub fn name(&self) -> &str {
        &self.key[self.name_at..]
    }

    /// Empty for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        &self.key[..self.name_at.saturating_sub(1)]
    }
}

/// An API group as discovery shows it.
pub(crate) struct Group {
    pub name: String,
    /// Most preferred first.
    pub versions: Vec<String>,
}

/// Everything the server serves.
pub(crate) struct Store {
    pub types: Vec<ResourceType>,
    /// Non-core groups in discovery order.
    pub groups: Vec<Group>,
    /// The list resourceVersion (the highest object resourceVersion).
    pub resource_version: u64,
    /// Objects that were not served: no `apiVersion`, `kind` or `metadata.name`.
    pub skipped: usize,
    by_plural: HashMap<(String, String), usize>,
}

/// Kubernetes version priority: GA before beta before alpha, higher numbers first, other
/// strings last in name order. Sorting by this key puts the preferred version first.
pub(crate) fn version_priority(v: &str) -> (u8, i64, i64, String) {
    let parse = || -> Option<(u8, i64, i64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major: i64 = rest[..digits].parse().ok()?;
        let tail = &rest[digits..];
        if tail.is_empty() {
            return Some((0, -major, 0));
        }
        let (class, num) = if let Some(n) = tail.strip_prefix("beta") {
            (1, n)
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (2, n)
        } else {
            return None;
        };
        let minor: i64 = num.parse().ok()?;
        Some((class, -major, -minor))
    };
    match parse() {
        Some((c, a, b)) => (c, a, b, String::new()),
        None => (3, 0, 0, v.to_owned()),
    }
}

impl Store {
    /// The served type for (group, version, plural).
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<usize> {
        let &i = self.by_plural.get(&(group.to_owned(), plural.to_owned()))?;
        let t = &self.types[i];
        (t.served && t.versions.iter().any(|v| v == version)).then_some(i)
    }

    /// The type serving objects of this (group, kind), served or not.
    #[cfg(test)]
    pub fn type_of_kind(&self, group: &str, kind: &str) -> Option<&ResourceType> {
        self.types
            .iter()
            .find(|t| t.group == group && t.kind == kind)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Number of stored objects.
    pub fn object_count(&self) -> usize {
        self.types.iter().map(|t| t.items.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_by_kubernetes_priority() {
        let mut v = vec![
            "v1alpha1",
            "v1beta1",
            "v2",
            "v1",
            "v1beta2",
            "foo",
            "v10alpha3",
        ];
        v.sort_by_key(|x| version_priority(x));
        assert_eq!(
            v,
            vec![
                "v2",
                "v1",
                "v1beta2",
                "v1beta1",
                "v10alpha3",
                "v1alpha1",
                "foo"
            ]
        );
    }
}
