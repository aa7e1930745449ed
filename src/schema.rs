//! JSON Schemas of the machine outputs, derived from the very types serde writes.
//!
//! `scan -o json` ([`Snapshot`], `meshsurface/v1`), `plan -o json` ([`Plan`]),
//! `compare -o json` ([`ComparePlan`]), `diff -o json` ([`Diff`]) and `headcount -o json`
//! ([`Headcount`]) each get a JSON Schema (draft 2020-12) describing what is *written*
//! (fields skipped when empty are optional, `Option` is nullable, enums are their
//! strings). `docs/schema/` holds them, made by the hidden `json-schema --dir DIR`; a test
//! keeps the committed files equal to what the types generate, and validates every
//! fixture's output against them, so editors and CI pipelines can validate snapshots.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

use crate::diff::Diff;
use crate::growth::{ComparePlan, Plan};
use crate::headcount::Headcount;
use crate::surface::Snapshot;

/// One schema: its file name in `docs/schema/` and its JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    pub file: &'static str,
    pub text: String,
}

/// Every schema, in a fixed order, as the text written to `docs/schema/`.
pub fn all() -> Result<Vec<SchemaFile>, serde_json::Error> {
    [
        file::<Snapshot>(
            "snapshot.schema.json",
            "meshsurface snapshot (meshsurface/v1): scan -o json, scan --save, scan --from",
        ),
        file::<Plan>(
            "plan.schema.json",
            "meshsurface plan (meshsurface/plan/v1): plan -o json",
        ),
        file::<ComparePlan>(
            "compare.schema.json",
            "meshsurface comparison (meshsurface/compare/v1): compare -o json",
        ),
        file::<Diff>(
            "diff.schema.json",
            "meshsurface diff (meshsurface/diff/v1): diff -o json",
        ),
        file::<Headcount>(
            "headcount.schema.json",
            "meshsurface headcount (meshsurface/headcount/v1): headcount -o json",
        ),
    ]
    .into_iter()
    .collect()
}

/// The schema of what serde writes for `T`, titled.
fn file<T: JsonSchema>(file: &'static str, title: &str) -> Result<SchemaFile, serde_json::Error> {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    Ok(SchemaFile { file, text })
}
