//! `kubectl_complete-meshsurface`: kubectl (≥ 1.26) runs it for `kubectl meshsurface <TAB>`
//! with the words typed so far, the last one being the word to complete; it prints the
//! candidates and a `:<directive>` line. The protocol and the completion logic live in
//! [`meshsurface::completion`].

use std::io::Write;

fn main() {
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let answer = meshsurface::completion::complete(&words, |kubeconfig| {
        // A kubeconfig that cannot be read offers no contexts; completion never fails loudly.
        meshsurface::source::kubeconfig::context_names(kubeconfig).unwrap_or_default()
    });
    // Nothing useful can be done if the shell stopped reading.
    let _ = std::io::stdout().write_all(answer.render().as_bytes());
}
