//! The reader of one input: what it collects (objects into a builder, snapshots,
//! warnings), how an input is told apart (JSON or YAML documents) and streamed, and which
//! error a failed read reports (the reader's own, a cap, or the parser's).
//!
//! Apart from [`super::document`], which decides what each document is, so that the
//! streaming and the meaning of a document can be read (and changed) one at a time.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::DeserializeSeed;

mod seed;

use super::stream::{Cap, Documents, Meter, Metered};
use super::{Error, Limits, Result};
use crate::inventory::{InventoryBuilder, KeepKeys};
use crate::surface::{Snapshot, Warning, WarningCode};
use seed::DocSeed;

/// The YAML parser's budgets for Kubernetes output: many nodes (a List is one document of
/// millions), few aliases (kubectl and Helm write none). Size is bounded by [`Limits`]
/// instead of node counts; alias bombs ("billion laughs") stay refused by the alias caps.
pub(super) fn yaml_options() -> serde_saphyr::Options {
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
pub(super) fn yaml_message(e: &serde_saphyr::Error) -> String {
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

pub(super) struct Reader {
    pub(super) t: Target,
    pub(super) keep: KeepKeys,
    pub(super) limits: Limits,
    pub(super) snapshots: Vec<(String, Snapshot)>,
    pub(super) warnings: Vec<Warning>,
    /// The error that stopped a document while the parser was driving (see [`seed`]).
    pub(super) failed: Option<Error>,
}

/// The items of a top-level `items:` sequence, read before the document's `kind` is known.
pub(super) struct Staged {
    pub(super) t: Target,
    pub(super) error: Option<Error>,
}

/// Where objects go: a builder, with counts of what was read.
pub(super) struct Target {
    pub(super) b: InventoryBuilder,
    pub(super) objects: usize,
    /// Documents that were not Kubernetes objects; the first [`LISTED`] are warned one by
    /// one, the rest in one warning (an endless stream of junk must not grow memory).
    pub(super) unknown: u64,
}

/// How many `unknown-document` warnings are listed one by one.
pub(super) const LISTED: u64 = 100;

impl Target {
    pub(super) fn new(keep: KeepKeys) -> Self {
        Self {
            b: InventoryBuilder::new(keep),
            objects: 0,
            unknown: 0,
        }
    }

    /// Adds the summary of the unlisted `unknown-document` warnings.
    pub(super) fn close(&mut self) {
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
    pub(super) fn merge(&mut self, mut other: Target) {
        other.close();
        self.b.merge(other.b);
        self.objects += other.objects;
    }
}

/// Formats a byte count the way the flags take it (`4Gi`, `64Mi`, else bytes).
pub(super) fn size(n: u64) -> String {
    for (unit, shift) in [("Gi", 30), ("Mi", 20), ("Ki", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

impl Reader {
    pub(super) fn file(&mut self, path: &Path) -> Result<()> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let ext = path.extension().and_then(|x| x.to_str());
        self.stream(&path.display().to_string(), file, ext)
    }

    pub(super) fn staging(&self) -> Staged {
        Staged {
            t: Target::new(self.keep.clone()),
            error: None,
        }
    }

    /// The error for a failed read: the reader's own, a cap, or the parser's.
    pub(super) fn failure(
        &mut self,
        name: &str,
        meter: &Meter,
        parser: impl FnOnce() -> Error,
    ) -> Error {
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
    pub(super) fn stream(&mut self, name: &str, src: impl Read, ext: Option<&str>) -> Result<()> {
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
            #[expect(
                clippy::naive_bytecount,
                reason = "a few bytes: not worth the bytecount crate"
            )]
            let newlines = chunk[..n].iter().filter(|&&b| b == b'\n').count();
            line += newlines;
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
    pub(super) fn empty(&mut self, name: &str) {
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
}
