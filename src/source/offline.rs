//! Offline input: YAML or JSON files, folders of them, stdin, and saved snapshots.
//!
//! Accepts what people already have: `kubectl get ... -o yaml` output (`kind: List` and
//! typed `*List` wrappers), rendered Helm charts (multi-document YAML), JSON, and
//! meshsurface snapshots (recognised by `schemaVersion`). Documents that are not
//! Kubernetes objects are skipped with a warning naming the file and document index.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::wire::{add_object, ObjectKind};
use super::{Error, Result};
use crate::inventory::{Inventory, InventoryBuilder, KeepKeys};
use crate::surface::{Snapshot, Warning, WarningCode, SCHEMA_VERSION};

/// What `--from` read: raw objects (one cluster) or saved snapshots.
#[derive(Debug)]
pub struct OfflineInput {
    /// Present when any Kubernetes object was read.
    pub inventory: Option<Inventory>,
    /// Snapshots, with the path each came from.
    pub snapshots: Vec<(String, Snapshot)>,
    /// The paths as given.
    pub paths: Vec<String>,
}

/// Reads every `--from` path (`-` is stdin) into one Inventory and/or snapshots.
pub fn read_offline(
    paths: &[String],
    stdin: &mut dyn Read,
    keep: KeepKeys,
) -> Result<OfflineInput> {
    let mut reader = Reader {
        b: InventoryBuilder::new(keep),
        objects: 0,
        snapshots: Vec::new(),
    };
    for p in paths {
        if p == "-" {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|source| Error::Io {
                    path: PathBuf::from("<stdin>"),
                    source,
                })?;
            reader.text("<stdin>", &text, None)?;
        } else {
            let path = Path::new(p);
            if path.is_dir() {
                let mut files = Vec::new();
                collect_files(path, &mut files)?;
                if files.is_empty() {
                    return Err(Error::Empty {
                        path: path.to_owned(),
                    });
                }
                for f in files {
                    reader.file(&f)?;
                }
            } else {
                reader.file(path)?;
            }
        }
    }
    let inventory = (reader.objects > 0 || reader.snapshots.is_empty()).then(|| reader.b.finish());
    Ok(OfflineInput {
        inventory,
        snapshots: reader.snapshots,
        paths: paths.to_vec(),
    })
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<std::result::Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out)?;
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

struct Reader {
    b: InventoryBuilder,
    objects: usize,
    snapshots: Vec<(String, Snapshot)>,
}

/// Splits multi-document YAML at `---` lines: (document text, first line number).
fn split_documents(text: &str) -> Vec<(&str, usize)> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        if is_marker && offset > start {
            docs.push((&text[start..offset], start_line));
            start = offset;
            start_line = i + 1;
        }
        offset += line.len();
    }
    docs.push((&text[start..], start_line));
    docs
}

impl Reader {
    fn file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let ext = path.extension().and_then(|x| x.to_str());
        self.text(&path.display().to_string(), &text, ext)
    }

    fn text(&mut self, name: &str, text: &str, ext: Option<&str>) -> Result<()> {
        let trimmed = text.trim_start();
        let looks_json =
            ext == Some("json") || trimmed.starts_with('{') || trimmed.starts_with('[');
        if looks_json {
            let v: Value = serde_json::from_str(text).map_err(|source| Error::Json {
                path: name.to_owned(),
                source,
            })?;
            return self.top_value(name, "1", v);
        }
        for (i, (doc, line)) in split_documents(text).into_iter().enumerate() {
            let values: Vec<Value> = serde_saphyr::from_multiple(doc).map_err(|e| Error::Yaml {
                path: name.to_owned(),
                doc: i + 1,
                line,
                message: e.to_string(),
            })?;
            for v in values {
                self.top_value(name, &(i + 1).to_string(), v)?;
            }
        }
        Ok(())
    }

    fn top_value(&mut self, name: &str, doc: &str, v: Value) -> Result<()> {
        if let Some(version) = v.get("schemaVersion") {
            let found = version.as_str().unwrap_or_default().to_owned();
            if found != SCHEMA_VERSION {
                return Err(Error::SchemaVersion {
                    path: name.to_owned(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
            let snap: Snapshot =
                serde_path_to_error::deserialize(v).map_err(|e| Error::Snapshot {
                    path: name.to_owned(),
                    source: Box::new(super::wire::FieldError {
                        path: e.path().to_string(),
                        message: e.inner().to_string(),
                    }),
                })?;
            self.snapshots.push((name.to_owned(), snap));
            return Ok(());
        }
        if let Value::Array(items) = v {
            for (j, item) in items.into_iter().enumerate() {
                self.value(name, &format!("{doc} item {}", j + 1), item)?;
            }
            return Ok(());
        }
        self.value(name, doc, v)
    }

    fn value(&mut self, name: &str, doc: &str, mut v: Value) -> Result<()> {
        if v.is_null() {
            return Ok(());
        }
        let api_version = v
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let kind = v.get("kind").and_then(Value::as_str).map(str::to_owned);
        let (Some(api_version), Some(kind)) = (api_version, kind) else {
            self.b.warn(
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
                    self.value(name, &format!("{doc} item {}", j + 1), item)?;
                }
                return Ok(());
            }
        }
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        self.objects += 1;
        let Some(obj_kind) = ObjectKind::classify(group, &kind) else {
            let ns = v.pointer("/metadata/namespace").and_then(Value::as_str);
            self.b.add_other(ns);
            return Ok(());
        };
        let obj_name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("<unnamed>")
            .to_owned();
        self.b.set_origin(format!("{name} document {doc}"));
        add_object(obj_kind, v, &mut self.b).map_err(|source| Error::Object {
            path: name.to_owned(),
            doc: doc.to_owned(),
            kind,
            name: obj_name,
            source: Box::new(source),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<OfflineInput> {
        read_offline(&["-".to_owned()], &mut text.as_bytes(), KeepKeys::default())
    }

    #[test]
    fn splits_documents_and_reports_lines() {
        let docs = split_documents("a: 1\n---\nb: 2\n--- # c\nc: 3\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].1, 2);
        assert_eq!(docs[2].1, 4);
        assert_eq!(split_documents("---\na: 1\n").len(), 1);
    }

    #[test]
    fn reads_lists_and_skips_non_objects() {
        let input = read_text(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n1}\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n2}\n---\nfoo: bar\n---\n",
        )
        .unwrap();
        let inv = input.inventory.unwrap();
        assert_eq!(inv.nodes.len(), 2);
        assert_eq!(inv.warnings.len(), 1);
        assert_eq!(inv.warnings[0].code, WarningCode::UnknownDocument);
        assert!(inv.warnings[0].message.contains("<stdin>: document 2"));
    }

    #[test]
    fn typed_lists_and_json() {
        let input = read_text(
            r#"{"apiVersion":"v1","kind":"NamespaceList","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}]}"#,
        )
        .unwrap();
        assert!(input.inventory.unwrap().namespaces.contains_key("a"));
    }

    #[test]
    fn malformed_yaml_names_document_and_line() {
        let e =
            read_text("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\nkind: [unclosed\n")
                .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("<stdin>: document 2 (line 4) is not valid YAML"),
            "{msg}"
        );
    }

    #[test]
    fn bad_field_names_object_and_field() {
        let e = read_text("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a}\nspec: {containers: 3}\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "<stdin>: document 1: Pod web: field spec.containers: invalid type: integer `3`, expected a sequence"
        );
    }

    #[test]
    fn future_snapshot_is_refused() {
        let e = read_text(r#"{"schemaVersion": "meshsurface/v9"}"#).unwrap_err();
        assert!(matches!(e, Error::SchemaVersion { .. }), "{e}");
    }

    #[test]
    fn missing_path_is_named() {
        let e = read_offline(
            &["/no/such/file.yaml".to_owned()],
            &mut std::io::empty(),
            KeepKeys::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("cannot read /no/such/file.yaml"),
            "{e}"
        );
    }
}
