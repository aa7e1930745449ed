//! Kubeconfig files pointing at running fakes, so the live client (and real kubectl)
//! connects exactly as it would to a cluster: through a context, a server URL and a
//! bearer token.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde_json::Value;

/// One context of a kubeconfig: its name, server and token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeconfigContext {
    /// Used as the context, cluster and user name.
    pub name: String,
    pub server: String,
    pub token: String,
    /// The context's default namespace, if any.
    pub namespace: Option<String>,
}

impl KubeconfigContext {
    #[must_use]
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_owned());
        self
    }
}

/// A YAML scalar in double quotes (JSON string escaping is valid YAML).
fn q(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

/// The kubeconfig text for these contexts, with `current` as the current context.
pub fn kubeconfig_text(contexts: &[KubeconfigContext], current: &str) -> String {
    let mut s = String::from("apiVersion: v1\nkind: Config\npreferences: {}\n");
    let _ = write!(s, "current-context: {}\nclusters:\n", q(current));
    for c in contexts {
        let _ = write!(
            s,
            "- name: {}\n  cluster:\n    server: {}\n",
            q(&c.name),
            q(&c.server)
        );
    }
    s.push_str("users:\n");
    for c in contexts {
        let _ = write!(
            s,
            "- name: {}\n  user:\n    token: {}\n",
            q(&c.name),
            q(&c.token)
        );
    }
    s.push_str("contexts:\n");
    for c in contexts {
        let _ = write!(
            s,
            "- name: {}\n  context:\n    cluster: {}\n    user: {}\n",
            q(&c.name),
            q(&c.name),
            q(&c.name)
        );
        if let Some(ns) = &c.namespace {
            let _ = writeln!(s, "    namespace: {}", q(ns));
        }
    }
    s
}

/// Writes a kubeconfig with these contexts (e.g. two fakes for `--context` tests).
pub fn write_kubeconfig(
    path: &Path,
    contexts: &[KubeconfigContext],
    current: &str,
) -> io::Result<()> {
    std::fs::write(path, kubeconfig_text(contexts, current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_lists_every_context_and_parses_as_yaml() {
        let a = KubeconfigContext {
            name: "prod-eu".into(),
            server: "http://127.0.0.1:1".into(),
            token: "t1".into(),
            namespace: None,
        };
        let b = KubeconfigContext {
            name: "staging".into(),
            server: "http://127.0.0.1:2".into(),
            token: "t\"2".into(),
            namespace: None,
        }
        .with_namespace("apps");
        let text = kubeconfig_text(&[a, b], "staging");
        let v: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(v["current-context"], "staging");
        assert_eq!(v["clusters"][0]["cluster"]["server"], "http://127.0.0.1:1");
        assert_eq!(v["users"][1]["user"]["token"], "t\"2");
        assert_eq!(v["contexts"][1]["context"]["namespace"], "apps");
        assert_eq!(v["contexts"][0]["context"]["cluster"], "prod-eu");
    }
}
