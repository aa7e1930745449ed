//! The fake API server over real HTTP: discovery, lists, selectors, metadata-only
//! lists, faults, auth, the request log, fixtures, and (when installed) real kubectl.

#![expect(
    clippy::unwrap_used,
    reason = "the whole binary is test code, helpers included: a panic there is a failed test \
              (clippy.toml allows unwrap only inside #[test] functions themselves)"
)]

mod custom;
mod discovery;
mod faults;
mod fixtures;
mod generate;
mod kube_types;
mod kubectl;
mod lists;
mod util;
