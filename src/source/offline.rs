//! Offline input: YAML or JSON files, folders of them, stdin, and saved snapshots.
//!
//! Accepts what people already have: `kubectl get ... -o yaml` output (`kind: List` and
//! typed `*List` wrappers), rendered Helm charts (multi-document YAML), JSON, and
//! meshsurface snapshots (recognised by `schemaVersion`). Documents that are not
//! Kubernetes objects are skipped with a warning naming the file and document index.
//!
//! Inputs are streamed (see [`stream`]): one document at a time, and within a List one item
//! at a time, under two caps ([`Limits`]) so that an endless or enormous input ends in a
//! clear error, never in the kernel's OOM killer.

mod seed;
mod stream;
mod walk;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::DeserializeSeed;
use serde_json::{Map, Value};

use self::seed::DocSeed;
use self::stream::{Cap, Documents, Meter, Metered};
use self::walk::Visited;
use super::wire::{add_object, ObjectKind};
use super::{Error, Result};
use crate::inventory::{Inventory, InventoryBuilder, KeepKeys};
use crate::surface::{Snapshot, Warning, WarningCode, SCHEMA_VERSION};

/// How much one input may cost. Both are far above real output: a 50,000-pod
/// `kubectl get -A -o yaml` is a few hundred MB, and the API server refuses objects over
/// 1.5 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one input (a file, or stdin) may hold (`--max-input-size`).
    pub max_input_bytes: u64,
    /// Bytes one object may take: a document, or one item of a List (`--max-object-size`).
    pub max_object_bytes: u64,
}

impl Limits {
    pub const DEFAULT_INPUT_BYTES: u64 = 4 << 30;
    pub const DEFAULT_OBJECT_BYTES: u64 = 64 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: Self::DEFAULT_INPUT_BYTES,
            max_object_bytes: Self::DEFAULT_OBJECT_BYTES,
        }
    }
}

/// The YAML parser's budgets for Kubernetes output: many nodes (a List is one document of
/// millions), few aliases (kubectl and Helm write none). Size is bounded by [`Limits`]
/// instead of node counts; alias bombs ("billion laughs") stay refused by the alias caps.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: None,
            max_events: usize::MAX,
            max_nodes: usize::MAX,
            max_total_scalar_bytes: usize::MAX,
            max_depth: 128,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_recorded_anchor_events: 100_000,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
    }
}

/// The parser's message, with what an alias budget breach means here.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default();
    let alias = ["Alias", "alias", "Anchor", "anchor"]
        .iter()
        .any(|w| first.contains(w));
    if alias && (first.contains("budget") || first.contains("limit")) {
        format!(
            "YAML aliases expand past this reader's budget (kubectl and Helm write none; \
             an alias bomb?): {text}"
        )
    } else {
        text
    }
}

/// What `--from` read: raw objects (one cluster) or saved snapshots.
#[derive(Debug)]
pub struct OfflineInput {
    /// Present when any Kubernetes object was read.
    pub inventory: Option<Inventory>,
    /// Snapshots, with the path each came from.
    pub snapshots: Vec<(String, Snapshot)>,
    /// The paths as given.
    pub paths: Vec<String>,
    /// What reading itself found (empty inputs, skipped links and files) when there is no
    /// inventory to carry it (only snapshots were read).
    pub warnings: Vec<Warning>,
}

/// Reads every `--from` path (`-` is stdin) into one Inventory and/or snapshots.
pub fn read_offline(
    paths: &[String],
    stdin: &mut dyn Read,
    keep: KeepKeys,
    limits: Limits,
) -> Result<OfflineInput> {
    let mut reader = Reader {
        t: Target::new(keep.clone()),
        keep,
        limits,
        snapshots: Vec::new(),
        warnings: Vec::new(),
        failed: None,
    };
    let mut visited = Visited::default();
    for p in paths {
        if p == "-" {
            reader.stream("<stdin>", &mut *stdin, None)?;
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        if !visited.take(&meta, path) {
            reader.warnings.push(
                Warning::new(
                    WarningCode::SkippedFile,
                    format!("{p} was already read (given twice, or through a link); skipped"),
                )
                .on(p.clone()),
            );
            continue;
        }
        if meta.is_dir() {
            let mut files = Vec::new();
            walk::walk(path, &mut visited, &mut files, &mut reader.warnings)?;
            if files.is_empty() {
                return Err(Error::Empty {
                    path: path.to_owned(),
                });
            }
            for f in files {
                reader.file(&f)?;
            }
        } else {
            // A path named on the command line is read whatever it is: `<(kubectl ...)` is
            // a pipe. The caps bound a device that never ends.
            reader.file(path)?;
        }
    }
    let mut warnings = std::mem::take(&mut reader.warnings);
    let inventory = (reader.t.objects > 0 || reader.snapshots.is_empty()).then(|| {
        reader.t.close();
        for w in warnings.drain(..) {
            reader.t.b.warn(w);
        }
        reader.t.b.finish()
    });
    Ok(OfflineInput {
        inventory,
        snapshots: reader.snapshots,
        paths: paths.to_vec(),
        warnings,
    })
}

struct Reader {
    t: Target,
    keep: KeepKeys,
    limits: Limits,
    snapshots: Vec<(String, Snapshot)>,
    warnings: Vec<Warning>,
    /// The error that stopped a document while the parser was driving (see [`seed`]).
    failed: Option<Error>,
}

/// The items of a top-level `items:` sequence, read before the document's `kind` is known.
struct Staged {
    t: Target,
    error: Option<Error>,
}

/// Where objects go: a builder, with counts of what was read.
struct Target {
    b: InventoryBuilder,
    objects: usize,
    /// Documents that were not Kubernetes objects; the first [`LISTED`] are warned one by
    /// one, the rest in one warning (an endless stream of junk must not grow memory).
    unknown: u64,
}

/// How many `unknown-document` warnings are listed one by one.
const LISTED: u64 = 100;

impl Target {
    fn new(keep: KeepKeys) -> Self {
        Self {
            b: InventoryBuilder::new(keep),
            objects: 0,
            unknown: 0,
        }
    }

    /// Adds the summary of the unlisted `unknown-document` warnings.
    fn close(&mut self) {
        if self.unknown > LISTED {
            let more = self.unknown - LISTED;
            self.b.warn(
                Warning::new(
                    WarningCode::UnknownDocument,
                    format!("{more} more documents are not Kubernetes objects; skipped"),
                )
                .times(more),
            );
        }
        self.unknown = 0;
    }

    /// Adds a List read item by item (see [`seed`]).
    fn merge(&mut self, mut other: Target) {
        other.close();
        self.b.merge(other.b);
        self.objects += other.objects;
    }
}

/// Formats a byte count the way the flags take it (`4Gi`, `64Mi`, else bytes).
fn size(n: u64) -> String {
    for (unit, shift) in [("Gi", 30), ("Mi", 20), ("Ki", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

impl Reader {
    fn file(&mut self, path: &Path) -> Result<()> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let ext = path.extension().and_then(|x| x.to_str());
        self.stream(&path.display().to_string(), file, ext)
    }

    fn staging(&self) -> Staged {
        Staged {
            t: Target::new(self.keep.clone()),
            error: None,
        }
    }

    /// The error for a failed read: the reader's own, a cap, or the parser's.
    fn failure(&mut self, name: &str, meter: &Meter, parser: impl FnOnce() -> Error) -> Error {
        if let Some(e) = self.failed.take() {
            return e;
        }
        match meter.tripped() {
            Some(Cap::Input) => Error::TooLarge {
                path: name.to_owned(),
                what: "the input",
                limit: size(self.limits.max_input_bytes),
                flag: "--max-input-size",
            },
            Some(Cap::Object) => Error::TooLarge {
                path: name.to_owned(),
                what: "one object (a document, or one item of a List)",
                limit: size(self.limits.max_object_bytes),
                flag: "--max-object-size",
            },
            None => parser(),
        }
    }

    /// Reads one input: JSON (one value) or YAML (documents), streamed.
    fn stream(&mut self, name: &str, src: impl Read, ext: Option<&str>) -> Result<()> {
        let meter = Meter::new(self.limits);
        let mut buf = BufReader::with_capacity(64 * 1024, Metered::new(src, meter.clone()));
        let io = |source| Error::Io {
            path: name.into(),
            source,
        };
        // Skip leading whitespace (counting lines) to see what the input is.
        let mut line = 1;
        let first = loop {
            let chunk = match buf.fill_buf() {
                Ok(c) => c,
                Err(e) => return Err(self.failure(name, &meter, || io(e))),
            };
            let Some(&b) = chunk.first() else {
                break None;
            };
            if !b.is_ascii_whitespace() {
                break Some(b);
            }
            let n = chunk
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(chunk.len());
            line += chunk[..n].iter().filter(|&&b| b == b'\n').count();
            buf.consume(n);
        };
        let Some(first) = first else {
            self.empty(name);
            return Ok(());
        };
        let json =
            ext.is_some_and(|x| x.eq_ignore_ascii_case("json")) || matches!(first, b'{' | b'[');
        if json {
            meter.start_object();
            let mut de = serde_json::Deserializer::from_reader(&mut buf);
            let seed = DocSeed {
                reader: self,
                name,
                doc: "1".to_owned(),
                meter: Rc::clone(&meter),
            };
            let r = seed.deserialize(&mut de).and_then(|()| de.end());
            return r.map_err(|source| {
                self.failure(name, &meter, || Error::Json {
                    path: name.to_owned(),
                    source,
                })
            });
        }
        let mut docs = Documents::new(buf, line);
        let mut index = 0;
        let mut any = false;
        while let Some(mut doc) = docs.next_document() {
            index += 1;
            meter.start_object();
            let seed = DocSeed {
                reader: self,
                name,
                doc: index.to_string(),
                meter: Rc::clone(&meter),
            };
            let r = serde_saphyr::with_deserializer_from_reader_with_options(
                &mut doc,
                yaml_options(),
                |de| seed.deserialize(de),
            );
            let content = doc.has_content();
            match r {
                Ok(()) => {}
                // An empty document (comments, a bare `---`) is nothing to read.
                Err(_) if !content && self.failed.is_none() && meter.tripped().is_none() => {}
                Err(e) => {
                    let line = doc.first_line;
                    return Err(self.failure(name, &meter, || Error::Yaml {
                        path: name.to_owned(),
                        doc: index,
                        line,
                        message: yaml_message(&e),
                    }));
                }
            }
            if let Err(e) = doc.drain() {
                return Err(self.failure(name, &meter, || io(e)));
            }
            any |= content;
        }
        if !any {
            self.empty(name);
        }
        Ok(())
    }

    /// An input with nothing in it: most often a command that failed upstream of a pipe,
    /// which would otherwise look like a cluster without a mesh.
    fn empty(&mut self, name: &str) {
        self.warnings.push(
            Warning::new(
                WarningCode::EmptyInput,
                format!(
                    "{name} is empty (no YAML or JSON document): if it came through a pipe, \
                     the command before it may have failed"
                ),
            )
            .on(name.to_owned()),
        );
    }

    /// A whole top-level map; `staged` holds its `items` when they were a sequence.
    fn top_map(
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
    fn item(&mut self, name: &str, label: &str, v: Value) -> Result<()> {
        value(&mut self.t, name, label, v)
    }

    fn top_value(&mut self, name: &str, doc: &str, v: Value) -> Result<()> {
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
                    source: Box::new(super::wire::FieldError {
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
fn value(t: &mut Target, name: &str, doc: &str, mut v: Value) -> Result<()> {
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
        t.b.add_other(ns);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<OfflineInput> {
        read_offline(
            &["-".to_owned()],
            &mut text.as_bytes(),
            KeepKeys::default(),
            Limits::default(),
        )
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
    fn items_before_kind_are_kept_only_for_lists() {
        // kubectl's key order: `items` before `kind`.
        let list = "apiVersion: v1\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}}\nkind: NodeList\n";
        let inv = read_text(list).unwrap().inventory.unwrap();
        assert_eq!(inv.nodes.len(), 1);
        // Not a List: its items are not objects of the cluster.
        let other = "apiVersion: example.com/v1\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}}\n- {apiVersion: v1, kind: Pod, spec: {containers: 3}}\nkind: Inventory\nmetadata: {name: x, namespace: a}\n";
        let inv = read_text(other).unwrap().inventory.unwrap();
        assert!(inv.nodes.is_empty());
        assert!(inv.namespaces.contains_key("a"));
        // A bad item of a real List is still an error naming it.
        let bad = "apiVersion: v1\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: 3}}\nkind: List\n";
        let e = read_text(bad).unwrap_err().to_string();
        assert!(
            e.starts_with("<stdin>: document 1 item 1: Pod p: field spec.containers"),
            "{e}"
        );
    }

    #[test]
    fn json_lists_and_arrays_stream_item_by_item() {
        let json = r#"{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Node","metadata":{"name":"b"}}],"kind":"List"}"#;
        assert_eq!(read_text(json).unwrap().inventory.unwrap().nodes.len(), 2);
        let array =
            r#"[{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"}}, {"no": "kind"}]"#;
        let inv = read_text(array).unwrap().inventory.unwrap();
        assert_eq!(inv.nodes.len(), 1);
        assert!(inv.warnings[0].message.contains("document 1 item 2"));
        let e = read_text(r#"{"a": 1} {"b": 2}"#).unwrap_err();
        assert!(e.to_string().starts_with("<stdin>: not valid JSON"), "{e}");
    }

    #[test]
    fn junk_documents_are_warned_about_in_bulk() {
        let junk = "- a\n".repeat(250);
        let inv = read_text(&junk).unwrap().inventory.unwrap();
        let unknown: Vec<_> = inv
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::UnknownDocument)
            .collect();
        assert_eq!(unknown.len(), LISTED as usize + 1);
        assert_eq!(unknown.last().unwrap().count, 150);
    }

    #[test]
    fn caps_name_their_flag() {
        let small = Limits {
            max_input_bytes: 100,
            max_object_bytes: 1 << 20,
        };
        let text = "a: b\n".repeat(100);
        let e = read_offline(
            &["-".to_owned()],
            &mut text.as_bytes(),
            KeepKeys::default(),
            small,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "<stdin>: the input is larger than 100 (the --max-input-size cap): raise the cap if the input is real"
        );
        assert_eq!(size(4 << 30), "4Gi");
        assert_eq!(size(64 << 20), "64Mi");
        assert_eq!(size(1500), "1500");
    }

    #[test]
    fn missing_path_is_named() {
        let e = read_offline(
            &["/no/such/file.yaml".to_owned()],
            &mut std::io::empty(),
            KeepKeys::default(),
            Limits::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("cannot read /no/such/file.yaml"),
            "{e}"
        );
    }
}
