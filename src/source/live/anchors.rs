//! The trust-anchor round: after the lists, a GET of each catalog ConfigMap by name in the
//! namespaces where its mesh's components run (never a ConfigMap list: the cluster's other
//! ConfigMaps are not read, and `rbac` grants `get` on these names only).
//!
//! A round of its own because where to look is only known from the workloads the first
//! round read. 404 is an absent ConfigMap (the anchors may live in a Secret); 403 makes the
//! scan incomplete and that ConfigMap unknown, never "absent".

use std::sync::atomic::Ordering;

use super::fetch::{Fault, Sent};
use super::lists::Rounds;
use crate::source::wire::{add_object, ObjectKind};
use crate::surface::{Warning, WarningCode};

/// GETs each `(namespace, name)` and keeps its catalog keys.
pub(super) async fn fetch(rounds: &mut Rounds, places: Vec<(String, String)>) {
    let lister = rounds.lister.clone();
    lister
        .progress
        .total
        .fetch_add(places.len(), Ordering::Relaxed);
    for (ns, name) in places {
        let path = format!("/api/v1/namespaces/{ns}/configmaps/{name}");
        let what = format!("configmap {ns}/{name}");
        let answer = lister.get(&path, "application/json").await;
        lister.progress.done.fetch_add(1, Ordering::Relaxed);
        let (code, message) = match answer {
            Ok(Sent::Ok(bytes)) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(v) => match add_object(ObjectKind::ConfigMap, v, &mut rounds.b) {
                    Ok(()) => continue,
                    Err(e) => (WarningCode::InvalidAnswer, format!("{what}: {e}")),
                },
                Err(e) => (
                    WarningCode::InvalidAnswer,
                    format!("{what}: the answer is not JSON: {e}"),
                ),
            },
            // Absent: the mesh keeps its anchors elsewhere (detection says so).
            Ok(Sent::Status(404, _)) | Err(Fault::NotServed) => continue,
            Ok(Sent::Status(403, msg)) | Err(Fault::Forbidden(msg)) => (
                WarningCode::Forbidden,
                format!(
                    "cannot get {what}: {msg}: its trust anchors are not judged (see `kubectl meshsurface rbac`)"
                ),
            ),
            Ok(Sent::Status(status, msg)) => (
                WarningCode::Unreachable,
                format!("cannot get {what}: HTTP {status}: {msg}"),
            ),
            Err(Fault::Timeout) => (
                WarningCode::Timeout,
                format!("getting {what} timed out (--request-timeout)"),
            ),
            Err(Fault::Invalid(msg) | Fault::Failed(msg)) => {
                (WarningCode::Unreachable, format!("cannot get {what}: {msg}"))
            }
        };
        rounds.b.anchor_unread(&ns, &name);
        rounds.incomplete(Warning::new(code, message).on(format!("ConfigMap/{ns}/{name}")));
    }
}
