//! `serve`: the input flags turned into one scan, repeated by [`crate::serve`] on its
//! timer. Live (kubeconfig, `--context`, or the in-cluster service account), or `--from`
//! files read again at every scan (a checked-out GitOps repository kept fresh by a
//! sidecar, and the tests).

use crate::cli::ServeArgs;
use crate::error::Error;
use crate::io::Io;
use crate::pipeline::{self, Files, Knowledge, Scope};
use crate::serve::{self, Config, Scan};

/// The shortest `--interval`: a scan lists every resource of the cluster.
const MIN_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// `serve`: runs until SIGTERM or SIGINT; exit 0 then.
pub fn run(args: &ServeArgs, io: &mut Io<'_>, k: Knowledge) -> Result<u8, Error> {
    if args.interval < MIN_INTERVAL {
        return Err(Error::Usage(format!(
            "--interval {:?} is too short: at least 1s (a scan lists the whole cluster)",
            args.interval
        )));
    }
    super::input::refuse_context_offline(&args.input)?;
    if super::cost::print(&args.cost, io)? {
        return Ok(crate::exit::OK);
    }
    // Read once, up front: a bad price is a usage error before the first scan.
    let pricing = super::cost::pricing(&args.cost)?;
    let input = &args.input;
    let scan: Scan = if input.from.is_empty() {
        let context = match input.cluster.context.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            _ => {
                return Err(Error::Usage(
                    "serve scans one cluster: give one --context (run one serve per cluster)"
                        .to_owned(),
                ))
            }
        };
        let opts = super::input::live_options(&input.cluster, context);
        Box::new(move || {
            let mut snap = pipeline::live(&opts, &k, None).map_err(|e| e.to_string())?;
            if let Some(p) = &pricing {
                p.bill(&mut snap);
            }
            Ok(snap)
        })
    } else {
        if input.from.iter().any(|p| p == "-") {
            return Err(Error::Usage(
                "serve reads its --from files again at every scan: stdin (`-`) cannot be read twice"
                    .to_owned(),
            ));
        }
        let paths = input.from.clone();
        let limits = input.limits.limits();
        let scope = Scope {
            namespace: input.cluster.namespace.clone(),
            nodes: None,
        };
        Box::new(move || {
            let files = Files {
                paths: &paths,
                stdin: &mut std::io::empty(),
                limits,
            };
            let mut snap = pipeline::offline(files, &scope, &k).map_err(|e| e.to_string())?;
            if let Some(p) = &pricing {
                p.bill(&mut snap);
            }
            Ok(snap)
        })
    };
    let config = Config {
        listen: args.listen,
        interval: args.interval,
        log_format: args.log_format,
    };
    serve::run(&config, scan, &mut *io.stderr)?;
    Ok(crate::exit::OK)
}
