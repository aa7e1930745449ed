//! The reader on small inputs: forms, errors naming their place, caps naming their flag.

use super::reader::{size, LISTED};
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
    let e = read_text("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\nkind: [unclosed\n")
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("<stdin>: document 2 (line 4) is not valid YAML"),
        "{msg}"
    );
}

#[test]
fn bad_field_names_object_and_field() {
    let e = read_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a}\nspec: {containers: 3}\n",
    )
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
    let array = r#"[{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"}}, {"no": "kind"}]"#;
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
    assert_eq!(unknown.len(), usize::try_from(LISTED).unwrap() + 1);
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
