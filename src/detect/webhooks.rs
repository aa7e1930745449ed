//! Webhooks: a Mutating- or ValidatingWebhookConfiguration is a mesh's when one of its
//! webhooks' names ends with one of the mesh's suffixes (catalog `webhookSuffixes`).
//!
//! Apart because a webhook is the one object that can stop pods from starting: one that
//! fails closed (`failurePolicy: Fail`) while its Service is missing from an input that
//! lists Services is an `orphaned-webhook` warning.

use crate::inventory::{WebhookConfig, WebhookKind};
use crate::surface::{WarningCode, WebhookEntry, WebhookItem};

use super::Detector;

/// The mesh webhook configurations of the input (which makes their meshes present).
pub(super) fn webhooks(d: &mut Detector<'_>) -> Vec<WebhookEntry> {
    let (inv, catalog) = (d.inv, d.catalog);
    let mut webhooks = Vec::new();
    for w in &inv.webhooks {
        let owner = catalog.meshes.iter().find(|m| {
            w.webhooks.iter().any(|h| {
                m.webhook_suffixes
                    .iter()
                    .any(|s| h.name.ends_with(s.as_str()))
            })
        });
        let Some(m) = owner else { continue };
        d.acc(&m.mesh);
        orphans(d, w);
        let policy = if w.webhooks.iter().any(|h| h.failure_policy == "Fail") {
            "Fail"
        } else {
            "Ignore"
        };
        webhooks.push(WebhookEntry {
            mesh: m.mesh.clone(),
            kind: kind_str(w.kind).to_owned(),
            name: w.name.clone(),
            failure_policy: policy.to_owned(),
            webhooks: w
                .webhooks
                .iter()
                .map(|h| WebhookItem {
                    name: h.name.clone(),
                    failure_policy: h.failure_policy.clone(),
                    service: h.service.as_ref().map(|(ns, n)| format!("{ns}/{n}")),
                })
                .collect(),
        });
    }
    webhooks
}

/// Warns about each webhook of `w` that fails closed on a Service the input lacks.
fn orphans(d: &mut Detector<'_>, w: &WebhookConfig) {
    for h in &w.webhooks {
        if let (Some(svc), true) = (&h.service, h.failure_policy == "Fail" && d.inv.saw_services) {
            if !d.inv.services.contains(svc) {
                d.warnings.add(
                    WarningCode::OrphanedWebhook,
                    format!("{}WebhookConfiguration/{}", capitalize(kind_str(w.kind)), w.name),
                    format!(
                        "webhook {} fails closed (failurePolicy Fail) but its Service {}/{} is not in the input: pod admission may be blocked",
                        h.name, svc.0, svc.1
                    ),
                    1,
                );
            }
        }
    }
}

fn kind_str(k: WebhookKind) -> &'static str {
    match k {
        WebhookKind::Mutating => "mutating",
        WebhookKind::Validating => "validating",
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::WarningCode;

    fn webhook(name: &str, hook: &str, policy: &str) -> String {
        format!(
            "
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {{name: {name}}}
webhooks:
- name: {hook}
  failurePolicy: {policy}
  clientConfig: {{service: {{name: istiod, namespace: istio-system}}}}
"
        )
    }

    const OTHER_SERVICE: &str = "
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
";

    #[test]
    fn a_configuration_is_the_mesh_whose_suffix_its_webhooks_carry() {
        let s = scan(
            &[
                webhook("istio-validator", "rev.validation.istio.io", "Ignore"),
                webhook("other", "check.example.com", "Fail"),
            ]
            .concat(),
        );
        let found: Vec<(&str, &str, &str)> = s
            .webhooks
            .iter()
            .map(|w| (w.mesh.as_str(), w.kind.as_str(), w.name.as_str()))
            .collect();
        assert_eq!(found, [("istio", "validating", "istio-validator")]);
        assert_eq!(s.webhooks[0].failure_policy, "Ignore");
    }

    #[test]
    fn failing_closed_on_a_missing_service_warns_only_when_services_were_listed() {
        let hook = webhook("istio-validator", "rev.validation.istio.io", "Fail");
        let orphaned = |yaml: &str| {
            scan(yaml)
                .warnings
                .iter()
                .filter(|w| w.code == WarningCode::OrphanedWebhook)
                .map(|w| w.resource.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert!(orphaned(&hook).is_empty(), "no Services listed: no finding");
        assert_eq!(
            orphaned(&[hook.as_str(), OTHER_SERVICE].concat()),
            ["ValidatingWebhookConfiguration/istio-validator"]
        );
    }
}
