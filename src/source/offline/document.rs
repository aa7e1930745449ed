//! What one document is: a saved snapshot (its schema version checked), a List (read
//! item by item), a Kubernetes object (reduced by `wire`), or something else (skipped
//! with a warning, the first [`LISTED`] one by one).

use serde_json::{Map, Value};

use super::reader::{Reader, Staged, Target, LISTED};
use super::{Error, Result};
use crate::source::wire::{add_object, ObjectKind};
use crate::surface::{Snapshot, Warning, WarningCode, SCHEMA_VERSION};

impl Reader {
    /// A whole top-level map; `staged` holds its `items` when they were a sequence.
    pub(super) fn top_map(
        &mut self,
        name: &str,
        doc: &str,
        head: Map<String, Value>,
        staged: Option<Staged>,
    ) -> Result<()> {
        let v = Value::Object(head);
        if v.get("schemaVersion").is_some() {
            return self.top_value(name, doc, v);
        }
        let is_list = v.get("apiVersion").and_then(Value::as_str).is_some()
            && v.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"));
        match staged {
            Some(s) if is_list => {
                if let Some(e) = s.error {
                    return Err(e);
                }
                self.t.merge(s.t);
                Ok(())
            }
            // Not a List: its `items` were not objects to count.
            _ => value(&mut self.t, name, doc, v),
        }
    }

    /// One item of a top-level sequence (a JSON array of objects).
    pub(super) fn item(&mut self, name: &str, label: &str, v: Value) -> Result<()> {
        value(&mut self.t, name, label, v)
    }

    pub(super) fn top_value(&mut self, name: &str, doc: &str, v: Value) -> Result<()> {
        if let Some(version) = v.get("schemaVersion") {
            if version.as_str() != Some(SCHEMA_VERSION) {
                let found = match version {
                    Value::String(s) => format!("{s:?}"),
                    other => other.to_string(),
                };
                return Err(Error::SchemaVersion {
                    path: name.to_owned(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
            let snap: Snapshot =
                serde_path_to_error::deserialize(v).map_err(|e| Error::Snapshot {
                    path: name.to_owned(),
                    source: Box::new(crate::source::wire::FieldError {
                        path: e.path().to_string(),
                        message: e.inner().to_string(),
                    }),
                })?;
            self.snapshots.push((name.to_owned(), snap));
            return Ok(());
        }
        value(&mut self.t, name, doc, v)
    }
}

/// One object (or a List of them) into a builder; `objects` counts what was read.
pub(super) fn value(t: &mut Target, name: &str, doc: &str, mut v: Value) -> Result<()> {
    if v.is_null() {
        return Ok(());
    }
    let api_version = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let kind = v.get("kind").and_then(Value::as_str).map(str::to_owned);
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        t.unknown += 1;
        if t.unknown > LISTED {
            return Ok(());
        }
        t.b.warn(
            Warning::new(
                WarningCode::UnknownDocument,
                format!("{name}: document {doc} is not a Kubernetes object (no apiVersion/kind); skipped"),
            )
            .on(format!("{name}#{doc}")),
        );
        return Ok(());
    };
    // `kind: List` and typed lists (`PodList`) as kubectl prints them.
    if kind.ends_with("List") {
        if let Some(Value::Array(items)) = v.get_mut("items").map(Value::take) {
            for (j, item) in items.into_iter().enumerate() {
                value(t, name, &format!("{doc} item {}", j + 1), item)?;
            }
            return Ok(());
        }
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    t.objects += 1;
    let Some(obj_kind) = ObjectKind::classify(group, &kind) else {
        let ns = v.pointer("/metadata/namespace").and_then(Value::as_str);
        if t.b.keeps().is_config(group, &kind) {
            // A mesh's configuration object: counted (once), never kept.
            let obj = v
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("<unnamed>");
            t.b.set_origin(format!("{name} document {doc}"));
            t.b.add_config(group, &kind, ns.unwrap_or(""), obj);
        } else {
            t.b.add_other(ns);
        }
        return Ok(());
    };
    let obj_name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>")
        .to_owned();
    t.b.set_origin(format!("{name} document {doc}"));
    add_object(obj_kind, v, &mut t.b).map_err(|source| Error::Object {
        path: name.to_owned(),
        doc: doc.to_owned(),
        kind,
        name: obj_name,
        source: Box::new(source),
    })
}
