//! Trust-anchor ConfigMaps: of all ConfigMaps, only the catalog's (by name) are kept, and
//! of those only the catalog's keys, parsed into certificates while reading. Apart from
//! the builder because this is the one place ConfigMap data is read, and it must stay
//! small: a record holds the certificates' few fields and a fingerprint, not the PEM.

use std::collections::BTreeMap;

use super::InventoryBuilder;
use crate::certs::{self, Certificate};

/// One catalog ConfigMap key found in the input, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorBundle {
    pub namespace: String,
    pub name: String,
    /// Where in the ConfigMap: `ca-bundle.crt`, `values.identityTrustAnchorsPEM`.
    pub place: String,
    /// The certificates, or why the text gives none (never quoting it).
    pub certificates: Result<Vec<Certificate>, String>,
    /// [`certs::text_fingerprint`] of the PEM text: what proxies' environment is compared
    /// with.
    pub fingerprint: String,
}

impl InventoryBuilder {
    /// A ConfigMap: kept only when the catalog names it, and only the catalog's keys.
    pub fn add_config_map(&mut self, namespace: &str, name: &str, data: &super::Labels) {
        self.add_other(Some(namespace));
        let wanted: Vec<_> = self
            .keeps()
            .anchor_config_maps
            .iter()
            .filter(|c| c.name == name)
            .cloned()
            .collect();
        for cm in wanted {
            let Some(text) = data.get(&cm.key) else {
                continue;
            };
            let pem = match &cm.field {
                None => Ok(Some(text.clone())),
                Some(field) => yaml_field(text, field),
            };
            let pem = match pem {
                Ok(Some(pem)) => pem,
                Ok(None) => continue,
                Err(e) => {
                    self.inv.anchors.push(AnchorBundle {
                        namespace: namespace.to_owned(),
                        name: name.to_owned(),
                        place: cm.place(),
                        certificates: Err(e),
                        fingerprint: String::new(),
                    });
                    continue;
                }
            };
            let bundle = AnchorBundle {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                place: cm.place(),
                certificates: certs::parse_bundle(pem.as_bytes()).map_err(|e| e.to_string()),
                fingerprint: certs::text_fingerprint(&pem),
            };
            // A later copy of the same ConfigMap replaces the first.
            self.inv.anchors.retain(|b| {
                !(b.namespace == bundle.namespace
                    && b.name == bundle.name
                    && b.place == bundle.place)
            });
            self.inv.anchors.push(bundle);
        }
    }

    /// A trust-anchor ConfigMap the server refused to give (403).
    pub fn anchor_unread(&mut self, namespace: &str, name: &str) {
        self.inv
            .anchors_unread
            .insert((namespace.to_owned(), name.to_owned()));
    }
}

/// The string `field` of the YAML mapping in `text`: None when absent, Err when the text
/// is not a YAML mapping or the field is not a string.
fn yaml_field(text: &str, field: &str) -> Result<Option<String>, String> {
    let map: BTreeMap<String, serde_json::Value> =
        serde_saphyr::from_str(text).map_err(|_| "the key is not a YAML mapping".to_owned())?;
    match map.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("its field {field} is not a string")),
    }
}
