//! Webhooks: a Mutating- or ValidatingWebhookConfiguration is a mesh's when one of its
//! webhooks' names ends with one of the mesh's suffixes (catalog `webhookSuffixes`).
//!
//! Apart because a webhook is the one object that can stop pods from starting: one whose
//! Service is missing from an input that lists Services is an `orphaned-webhook` hazard,
//! critical when it fails closed (`failurePolicy: Fail`: pod creation is blocked), a
//! warning when it fails open (`Ignore`: pods start without it).

use crate::inventory::{WebhookConfig, WebhookKind};
use crate::surface::{HazardCode, Severity, WebhookEntry, WebhookItem};

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
        orphans(d, &m.mesh, w);
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

/// An `orphaned-webhook` hazard for each webhook of `w` whose Service the input lacks
/// (judged only when the input lists Services at all).
fn orphans(d: &mut Detector<'_>, mesh: &str, w: &WebhookConfig) {
    if !d.inv.saw_services {
        return;
    }
    for h in &w.webhooks {
        let Some(svc) = &h.service else { continue };
        if d.inv.services.contains(svc) {
            continue;
        }
        let severity = if h.failure_policy == "Fail" {
            Severity::Critical
        } else {
            Severity::Warning
        };
        d.hazards.add(
            HazardCode::OrphanedWebhook,
            mesh,
            severity,
            format!(
                "{}WebhookConfiguration/{} ({}, failurePolicy {}, Service {}/{})",
                capitalize(kind_str(w.kind)),
                w.name,
                h.name,
                h.failure_policy,
                svc.0,
                svc.1
            ),
            1,
        );
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
    use crate::surface::{HazardCode, Severity};

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
    fn a_missing_service_is_a_hazard_only_when_services_were_listed() {
        let closed = webhook("istio-validator", "rev.validation.istio.io", "Fail");
        let open = webhook(
            "istio-sidecar-injector",
            "sidecar-injector.istio.io",
            "Ignore",
        );
        let orphaned = |yaml: &str| {
            scan(yaml)
                .hazards
                .into_iter()
                .filter(|h| h.code == HazardCode::OrphanedWebhook)
                .map(|h| (h.mesh, h.severity, h.count, h.objects))
                .collect::<Vec<_>>()
        };
        assert!(
            orphaned(&closed).is_empty(),
            "no Services listed: no finding"
        );
        assert_eq!(
            orphaned(&[closed.as_str(), OTHER_SERVICE].concat()),
            [(
                "istio".to_owned(),
                Severity::Critical,
                1,
                vec!["ValidatingWebhookConfiguration/istio-validator (rev.validation.istio.io, failurePolicy Fail, Service istio-system/istiod)".to_owned()]
            )]
        );
        let ignore_only = orphaned(&[open.as_str(), OTHER_SERVICE].concat());
        assert_eq!(ignore_only.len(), 1);
        assert_eq!(ignore_only[0].1, Severity::Warning, "fails open: a warning");
        let both = orphaned(&[closed.as_str(), open.as_str(), OTHER_SERVICE].concat());
        assert_eq!(both.len(), 1, "one entry per code and mesh");
        assert_eq!((both[0].1, both[0].2), (Severity::Critical, 2));
    }
}
