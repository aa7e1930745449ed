//! Integration tests: the real `kubectl-meshsurface` binary run on the bundled fixtures.
//!
//! One test binary, modules by theme (as ripgrep does): `fixtures` checks every case
//! against its hand-worked `EXPECTED.md`, `golden` pins rendered output with insta,
//! `graph` covers the dependency graph, `input` the input forms and errors, `reader` fuzzes
//! the manifest reader.

mod fixtures;
mod golden;
mod graph;
mod input;
mod reader;
mod util;
