//! From the user's kubeconfig (or the pod's service account) to a working client.
//!
//! Connection and authentication are kube-rs's (kubeconfig with several files,
//! `--context`, client certificates, tokens, exec credential plugins, in-cluster service
//! accounts); this module only chooses the context, names the kubeconfig files in every
//! error, and bounds the one step kube-rs leaves unbounded: the exec credential plugin.

use std::time::Duration;

use kube::config::KubeConfigOptions;

use super::{fetch, Error, LiveOptions, PluginProblem, Unreachable};
use crate::source::kubeconfig;

/// The names of every context in the kubeconfig (`--kubeconfig`, else `$KUBECONFIG` or
/// `~/.kube/config`), in file order.
pub fn context_names(kubeconfig: Option<&std::path::Path>) -> Result<Vec<String>, Error> {
    Ok(kubeconfig::context_names(kubeconfig)?)
}

/// The client for the chosen context, with the context's name and the server's URL (for
/// messages and the snapshot).
pub(super) async fn connect(opts: &LiveOptions) -> Result<(kube::Client, String, String), Error> {
    use kubeconfig::Error as KcError;
    // --kubeconfig, else $KUBECONFIG or ~/.kube/config, else the in-cluster service account.
    // A kubeconfig that exists but cannot be parsed is an error naming the file, never a
    // reason to try the in-cluster account.
    let (config, context, plugin) = match kubeconfig::load(opts.kubeconfig.as_deref())? {
        kubeconfig::Found::Config(kc) => {
            let name = kc.select(opts.context.as_deref())?;
            let plugin = kc.exec_plugin(&name);
            let kopts = KubeConfigOptions {
                context: Some(name.clone()),
                ..Default::default()
            };
            let files = kc.files_text();
            let config = kube::Config::from_custom_kubeconfig(kc.config, &kopts)
                .await
                .map_err(|source| {
                    Error::Kubeconfig(KcError::Context {
                        context: name.clone(),
                        files,
                        source: Box::new(source),
                    })
                })?;
            (config, name, plugin)
        }
        kubeconfig::Found::Nothing { searched } => {
            if let Some(context) = &opts.context {
                return Err(KcError::Missing {
                    context: context.clone(),
                    searched,
                }
                .into());
            }
            // No kubeconfig: running in a pod (a Job) with a service account.
            let config = kube::Config::incluster().map_err(|source| Error::NoCluster {
                searched,
                source: Box::new(source),
            })?;
            (config, "in-cluster".to_owned(), None)
        }
    };
    let server = config.cluster_url.to_string();
    let client = build_client(config, plugin, opts.request_timeout)
        .await
        .map_err(|cause| Error::Unreachable {
            context: context.clone(),
            server: server.clone(),
            cause,
        })?;
    Ok((client, context, server))
}

/// Builds the client. kube-rs runs the user's exec credential plugin here, synchronously
/// and without a time limit (`kube-client` 5.0.0, `client/auth/mod.rs`, `auth_exec`:
/// `Command::output()`), and offers no way to bound it. So with a plugin the client is
/// built on a thread of its own, and the request timeout bounds the wait, as it bounds
/// every request: a plugin that hangs fails the scan naming the plugin, instead of hanging
/// it. The plugin process itself is not ours to kill (kube-rs holds it); it is left to end
/// on its own.
async fn build_client(
    config: kube::Config,
    plugin: Option<kubeconfig::ExecPlugin>,
    timeout: Option<Duration>,
) -> Result<kube::Client, Unreachable> {
    let Some(plugin) = plugin else {
        return fetch::client(config).map_err(|e| Unreachable::Client(Box::new(e)));
    };
    let named = |problem: PluginProblem| Unreachable::Plugin {
        command: plugin.command.clone(),
        user: plugin.user.clone(),
        problem,
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("exec-credential".to_owned())
        .spawn(move || {
            // The client spawns its connection worker on the scan's runtime.
            let _entered = runtime.enter();
            let _ = tx.send(fetch::client(config));
        })
        .map_err(|e| named(PluginProblem::Thread(e)))?;
    let built = match timeout {
        Some(limit) => tokio::time::timeout(limit, rx)
            .await
            .map_err(|_| named(PluginProblem::Timeout(humane(limit))))?,
        None => rx.await,
    };
    match built {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(named(PluginProblem::Client(Box::new(e)))),
        Err(_) => Err(named(PluginProblem::Stopped)),
    }
}

/// A duration as the user wrote it (`2s`, `500ms`, `1m`).
fn humane(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
