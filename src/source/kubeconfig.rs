//! The kubeconfig, found and checked the way kubectl does, with errors that say what is wrong.
//!
//! kube-rs parses the files and builds the client; this module decides which files are
//! read (`--kubeconfig`, else `$KUBECONFIG` merged in order with missing files skipped, else
//! `~/.kube/config`) and refuses what kube-rs accepts silently or reports vaguely:
//!
//! * a file that cannot be parsed is named, with kube-rs's line and column, whether it came
//!   from `--kubeconfig` or from `$KUBECONFIG` (it is never mistaken for "no kubeconfig");
//! * a `--context` that is not there is named, and the contexts that are there are listed;
//! * a context naming a user or cluster that is not there is refused, as kubectl's
//!   `clientcmd` validation does (`user "x" was not found for context "y"`), where kube-rs
//!   would go on without credentials.
//!
//! It also names the chosen user's exec credential plugin, so that a plugin that hangs or
//! fails is named in the error.

use std::path::{Path, PathBuf};

use kube::config::{Kubeconfig, KubeconfigError};
use thiserror::Error;

/// Why the kubeconfig cannot be used.
#[derive(Debug, Error)]
pub enum Error {
    /// kubectl: `error loading config file "bad.yaml": ...`.
    #[error("error loading config file {path:?}: {}", load_message(source))]
    Load {
        path: PathBuf,
        #[source]
        source: Box<KubeconfigError>,
    },
    #[error("cannot merge the kubeconfig files {files}: {source}")]
    Merge {
        files: String,
        #[source]
        source: Box<KubeconfigError>,
    },
    /// No kubeconfig exists.
    #[error("no kubeconfig found ({searched})")]
    NotFound { searched: String },
    /// No kubeconfig exists, and a context was asked for.
    #[error("context {context:?}: no kubeconfig found ({searched})")]
    Missing { context: String, searched: String },
    #[error(
        "context {name:?} is not in the kubeconfig ({files}); {}",
        available_text(available)
    )]
    NoContext {
        name: String,
        files: String,
        available: Vec<String>,
    },
    #[error(
        "the kubeconfig ({files}) sets no current-context: give --context NAME; {}",
        available_text(available)
    )]
    NoCurrentContext {
        files: String,
        available: Vec<String>,
    },
    #[error("user {user:?} was not found for context {context:?} in the kubeconfig ({files})")]
    NoUser {
        context: String,
        user: String,
        files: String,
    },
    /// kube-rs refused the chosen context (a bad server URL, a certificate file missing).
    #[error("context {context:?} ({files}): {source}")]
    Context {
        context: String,
        files: String,
        #[source]
        source: Box<KubeconfigError>,
    },
    #[error(
        "cluster {cluster:?} was not found for context {context:?} in the kubeconfig ({files})"
    )]
    NoCluster {
        context: String,
        cluster: String,
        files: String,
    },
}

impl Error {
    /// Every kubeconfig error is about the input: the files, or the context asked for.
    pub fn class(&self) -> crate::exit::Class {
        crate::exit::Class::Input
    }
}

fn available_text(available: &[String]) -> String {
    if available.is_empty() {
        "it has no contexts".to_owned()
    } else {
        format!("its contexts: {}", available.join(", "))
    }
}

/// The kubeconfig that was read, and the files it came from (for messages).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Kubeconfig,
    pub files: Vec<PathBuf>,
}

/// The exec credential plugin of a context's user, as the kubeconfig spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecPlugin {
    pub user: String,
    /// The command and its arguments, space-separated.
    pub command: String,
}

impl Loaded {
    pub fn files_text(&self) -> String {
        self.files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every context name, in file order.
    pub fn context_names(&self) -> Vec<String> {
        self.config
            .contexts
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    /// The context to use (`wanted`, else the current one), checked: it exists, and the
    /// user and cluster it names exist.
    pub fn select(&self, wanted: Option<&str>) -> Result<String, Error> {
        let Some(name) = wanted
            .map(str::to_owned)
            .or_else(|| self.config.current_context.clone())
            .filter(|n| !n.is_empty())
        else {
            return Err(Error::NoCurrentContext {
                files: self.files_text(),
                available: self.context_names(),
            });
        };
        let Some(ctx) = self
            .config
            .contexts
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.context.as_ref())
        else {
            return Err(Error::NoContext {
                name,
                files: self.files_text(),
                available: self.context_names(),
            });
        };
        if !self.config.clusters.iter().any(|c| c.name == ctx.cluster) {
            return Err(Error::NoCluster {
                context: name,
                cluster: ctx.cluster.clone(),
                files: self.files_text(),
            });
        }
        // No user at all is allowed (kubectl goes on without credentials); a user that is
        // named but missing is a mistake, and kubectl refuses it.
        if let Some(user) = ctx.user.as_deref().filter(|u| !u.is_empty()) {
            if !self.config.auth_infos.iter().any(|u| u.name == user) {
                return Err(Error::NoUser {
                    context: name,
                    user: user.to_owned(),
                    files: self.files_text(),
                });
            }
        }
        Ok(name)
    }

    /// The exec credential plugin the context's user runs, if it runs one.
    pub fn exec_plugin(&self, context: &str) -> Option<ExecPlugin> {
        let user = self
            .config
            .contexts
            .iter()
            .find(|c| c.name == context)?
            .context
            .as_ref()?
            .user
            .clone()?;
        let exec = self
            .config
            .auth_infos
            .iter()
            .find(|u| u.name == user)?
            .auth_info
            .as_ref()?
            .exec
            .as_ref()?;
        let mut words = vec![exec.command.clone().unwrap_or_default()];
        words.extend(exec.args.iter().flatten().cloned());
        Some(ExecPlugin {
            user,
            command: words.join(" "),
        })
    }
}

/// kube-rs's message without the path it sometimes repeats (the caller names the file).
fn load_message(e: &KubeconfigError) -> String {
    match e {
        KubeconfigError::ReadConfig(io, _) => io.to_string(),
        e => e.to_string(),
    }
}

fn read(path: &Path) -> Result<Kubeconfig, Error> {
    Kubeconfig::read_from(path).map_err(|source| Error::Load {
        path: path.to_owned(),
        source: Box::new(source),
    })
}

/// `~/.kube/config`.
fn default_path() -> Option<PathBuf> {
    std::env::home_dir().map(|h| h.join(".kube").join("config"))
}

/// What looking for a kubeconfig found.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per scan, matched at once: a box would only add an allocation"
)]
pub enum Found {
    Config(Loaded),
    /// No kubeconfig at all (then the in-cluster service account may apply).
    Nothing {
        /// Where it looked, for messages.
        searched: String,
    },
}

/// Reads the kubeconfig kubectl would read, or says where it looked when there is none.
pub fn load(explicit: Option<&Path>) -> Result<Found, Error> {
    if let Some(path) = explicit {
        return Ok(Found::Config(Loaded {
            config: read(path)?,
            files: vec![path.to_owned()],
        }));
    }
    let (paths, searched) = match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(list) => {
            let named: Vec<PathBuf> = std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            let searched = format!(
                "KUBECONFIG names {}; none exists",
                named
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            (named, searched)
        }
        None => match default_path() {
            Some(p) => {
                let searched = format!("KUBECONFIG is unset and {} does not exist", p.display());
                (vec![p], searched)
            }
            None => (
                Vec::new(),
                "KUBECONFIG is unset and there is no home directory".to_owned(),
            ),
        },
    };
    // Missing files are skipped, as kubectl does; a file that exists but cannot be read or
    // parsed is an error naming it.
    let mut merged: Option<Kubeconfig> = None;
    let mut files = Vec::new();
    for path in paths.into_iter().filter(|p| p.exists()) {
        let next = read(&path)?;
        files.push(path);
        merged = Some(match merged {
            None => next,
            Some(m) => m.merge(next).map_err(|source| Error::Merge {
                files: files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                source: Box::new(source),
            })?,
        });
    }
    Ok(match merged {
        Some(config) => Found::Config(Loaded { config, files }),
        None => Found::Nothing { searched },
    })
}

/// The names of every context in the kubeconfig, in file order.
pub fn context_names(explicit: Option<&Path>) -> Result<Vec<String>, Error> {
    match load(explicit)? {
        Found::Config(loaded) => Ok(loaded.context_names()),
        Found::Nothing { searched } => Err(Error::NotFound { searched }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(yaml: &str) -> Loaded {
        Loaded {
            config: Kubeconfig::from_yaml(yaml).unwrap(),
            files: vec![PathBuf::from("kc.yaml")],
        }
    }

    const KC: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:1\"}\nusers:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws, args: [eks, get-token]}\ncontexts:\n- name: eu\n  context: {cluster: c, user: u}\n- name: ghost\n  context: {cluster: c, user: nobody}\n- name: anon\n  context: {cluster: c}\n- name: lost\n  context: {cluster: gone, user: u}\ncurrent-context: eu\n";

    #[test]
    fn a_missing_context_lists_the_ones_there() {
        let kc = loaded(KC);
        assert_eq!(kc.select(None).unwrap(), "eu");
        assert_eq!(kc.select(Some("anon")).unwrap(), "anon");
        let e = kc.select(Some("nope")).unwrap_err().to_string();
        assert_eq!(
            e,
            "context \"nope\" is not in the kubeconfig (kc.yaml); its contexts: eu, ghost, anon, lost"
        );
    }

    #[test]
    fn a_missing_user_or_cluster_is_refused() {
        let kc = loaded(KC);
        let e = kc.select(Some("ghost")).unwrap_err().to_string();
        assert!(
            e.contains("user \"nobody\" was not found for context \"ghost\""),
            "{e}"
        );
        let e = kc.select(Some("lost")).unwrap_err().to_string();
        assert!(e.contains("cluster \"gone\""), "{e}");
    }

    #[test]
    fn a_file_that_does_not_parse_keeps_kube_rs_error_as_its_cause() {
        let dir = std::env::temp_dir().join(format!("meshsurface-kcerr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, "clusters: [\n").unwrap();
        let e = load(Some(&bad)).unwrap_err();
        assert!(
            e.to_string().starts_with("error loading config file"),
            "{e}"
        );
        let cause = std::error::Error::source(&e).expect("the kube-rs error is kept");
        assert!(
            cause.downcast_ref::<Box<KubeconfigError>>().is_some(),
            "{cause}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_exec_plugin_is_named() {
        let kc = loaded(KC);
        assert_eq!(
            kc.exec_plugin("eu"),
            Some(ExecPlugin {
                user: "u".into(),
                command: "aws eks get-token".into()
            })
        );
        assert_eq!(kc.exec_plugin("anon"), None);
    }
}
