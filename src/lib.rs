//! meshsurface measures the day-2 operational surface of the service meshes in a cluster.
//!
//! The modules follow the data flow (the snapshot contract is `docs/snapshot.md`):
//! [`source`] (offline files, later the live cluster) fills an [`inventory::Inventory`];
//! [`detect`] attributes it to meshes with the data-driven [`catalog`] and produces a
//! [`surface::Snapshot`]; [`graph`] derives the dependency graph and the upgrade runbook
//! from a snapshot; [`growth`] projects it as features are enabled; [`diff`] compares two
//! snapshots; [`budget`] checks the totals of `scan` and `diff` against `--fail-on` limits;
//! [`render`] formats them. Everything after `source` is a pure function of its
//! input, so offline input and tests need no cluster. [`pipeline`] composes the first
//! steps (source → inventory → detect → upgrade steps) once, for every command and test.

pub mod apigroup;
pub mod arith;
pub mod budget;
pub mod catalog;
pub mod certs;
pub mod cli;
pub mod commands;
pub mod completion;
pub mod cost;
pub mod date;
pub mod detect;
pub mod diff;
pub mod error;
pub mod exit;
pub mod graph;
pub mod growth;
pub mod headcount;
pub mod inventory;
pub mod io;
pub mod pipeline;
pub mod push;
pub mod quantity;
pub mod render;
pub mod schema;
pub mod serve;
pub mod source;
pub mod surface;
pub mod version;
