//! Reading fixture folders into plain objects.
//!
//! Fixtures are what `kubectl get -o yaml` and rendered charts look like: multi-document
//! YAML, `kind: List` and typed `*List` wrappers, or JSON (what a generator writes for a
//! big cluster). Lists are flattened here so the server only ever sees single objects.

use std::path::{Path, PathBuf};

use serde_json::Value;
use thiserror::Error;

/// Why a fixture could not be read; every variant names the file.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: document {doc} (line {line}) is not valid YAML: {message}")]
    Yaml {
        path: PathBuf,
        doc: usize,
        line: usize,
        message: String,
    },
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: no YAML or JSON files found")]
    Empty { path: PathBuf },
}

/// Reads every `.yaml`, `.yml` and `.json` file under `path` (recursively, in name order),
/// or the single file `path`, and returns the objects with lists flattened.
pub fn load_path(path: &Path) -> Result<Vec<Value>, LoadError> {
    let mut files = Vec::new();
    if path.is_dir() {
        collect_files(path, &mut files)?;
        if files.is_empty() {
            return Err(LoadError::Empty {
                path: path.to_owned(),
            });
        }
    } else {
        files.push(path.to_owned());
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|source| LoadError::Io {
            path: f.clone(),
            source,
        })?;
        out.extend(parse_text(&f, &text)?);
    }
    Ok(out)
}

/// Parses one file's text (YAML or JSON) into objects with lists flattened.
pub fn parse_text(path: &Path, text: &str) -> Result<Vec<Value>, LoadError> {
    let mut out = Vec::new();
    let trimmed = text.trim_start();
    let is_json = path.extension().and_then(|x| x.to_str()) == Some("json")
        || trimmed.starts_with('{')
        || trimmed.starts_with('[');
    if is_json {
        let v: Value = serde_json::from_str(text).map_err(|source| LoadError::Json {
            path: path.to_owned(),
            source,
        })?;
        flatten(v, &mut out);
        return Ok(out);
    }
    for (i, (doc, line)) in split_documents(text).into_iter().enumerate() {
        let values: Vec<Value> = serde_saphyr::from_multiple(doc).map_err(|e| LoadError::Yaml {
            path: path.to_owned(),
            doc: i + 1,
            line,
            message: e.to_string(),
        })?;
        for v in values {
            flatten(v, &mut out);
        }
    }
    Ok(out)
}

/// Flattens arrays, `kind: List` and typed `*List` objects; drops nulls (empty documents).
/// Items of a typed list that lack `apiVersion`/`kind` get them from the list, as the API
/// server omits them there.
pub fn flatten(v: Value, out: &mut Vec<Value>) {
    match v {
        Value::Null => {}
        Value::Array(items) => items.into_iter().for_each(|i| flatten(i, out)),
        Value::Object(mut map) => {
            let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
            let is_list = kind.ends_with("List") && map.get("items").is_some_and(Value::is_array);
            if !is_list {
                out.push(Value::Object(map));
                return;
            }
            let item_kind = (kind != "List").then(|| kind.trim_end_matches("List").to_owned());
            let api_version = map.get("apiVersion").cloned();
            let Some(Value::Array(items)) = map.remove("items") else {
                return;
            };
            for mut item in items {
                if let (Some(obj), Some(k)) = (item.as_object_mut(), &item_kind) {
                    obj.entry("kind")
                        .or_insert_with(|| Value::String(k.clone()));
                    if let Some(av) = &api_version {
                        obj.entry("apiVersion").or_insert_with(|| av.clone());
                    }
                }
                flatten(item, out);
            }
        }
        other => out.push(other),
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
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

/// Splits multi-document YAML at `---` lines: (document text, first line number), so an
/// error names the document and line it is in.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_lists_give_their_items_kind_and_api_version() {
        let text = "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n- kind: Pod\n  apiVersion: v1\n  metadata: {name: b}\n";
        let objs = parse_text(Path::new("x.yaml"), text).unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0]["kind"], "Pod");
        assert_eq!(objs[0]["apiVersion"], "v1");
        assert_eq!(objs[1]["metadata"]["name"], "b");
    }

    #[test]
    fn generic_lists_and_multi_documents_flatten() {
        let text = "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}}\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n";
        let objs = parse_text(Path::new("x.yaml"), text).unwrap();
        let kinds: Vec<_> = objs.iter().map(|o| o["kind"].clone()).collect();
        assert_eq!(kinds, vec![json!("Node"), json!("Namespace")]);
    }

    #[test]
    fn json_arrays_flatten() {
        let text = r#"[{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"b"}}]}]"#;
        let objs = parse_text(Path::new("x.json"), text).unwrap();
        assert_eq!(objs.len(), 2);
    }

    #[test]
    fn yaml_errors_name_the_document_and_line() {
        let text = "---\nkind: A\n---\nkind: [unclosed\n";
        let err = parse_text(Path::new("bad.yaml"), text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad.yaml: document 2 (line 3)"), "{msg}");
    }
}
