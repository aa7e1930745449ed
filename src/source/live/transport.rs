//! What a failed connection was: kube-rs's own message is only "client error (Connect)",
//! so the whole source chain is read, and a TLS failure (which retrying will not heal) is
//! named with a hint. Apart from `fetch`, which only asks whether to retry.

/// A transport error, described.
pub(super) struct Transport {
    pub message: String,
    /// A TLS failure (a certificate the client does not trust, a server that does not
    /// speak TLS): retrying will not help.
    pub tls: bool,
}

/// Describes a transport error by its whole source chain (kube-rs's own message is only
/// "client error (Connect)"), naming the TLS problem when there is one.
pub(super) fn transport_error(e: &(dyn std::error::Error + 'static)) -> Transport {
    let mut messages: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<rustls::Error>() {
            return Transport {
                message: describe_tls(t),
                tls: true,
            };
        }
        let m = err.to_string();
        // `io::Error` prints its inner error; wrappers often repeat their source.
        if !messages.iter().any(|p| p.ends_with(&m)) {
            messages.push(m);
        }
        cur = next_cause(err);
    }
    Transport {
        message: messages.join(": "),
        tls: false,
    }
}

/// The error under this one. An `io::Error`'s `source()` skips the error it wraps (it is
/// that error's source), so its wrapped error is taken instead.
fn next_cause<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => Some(inner),
        None => e.source(),
    }
}

fn describe_tls(e: &rustls::Error) -> String {
    let hint = match e {
        rustls::Error::InvalidCertificate(_) => {
            " (check the kubeconfig's certificate-authority-data and the server address)"
        }
        rustls::Error::InvalidMessage(_) => " (does the server speak TLS at this address?)",
        _ => "",
    };
    format!("TLS handshake failed: {e}{hint}; not retried")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_failures_are_named_and_not_retried() {
        #[derive(Debug)]
        struct Connect(std::io::Error);
        impl std::fmt::Display for Connect {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("client error (Connect)")
            }
        }
        impl std::error::Error for Connect {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let cert = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, cert);
        // As hyper-timeout wraps the connector's io::Error in another one.
        let t = transport_error(&Connect(std::io::Error::other(io)));
        assert!(t.tls);
        assert!(
            t.message
                .contains("invalid peer certificate: UnknownIssuer"),
            "{}",
            t.message
        );
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let t = transport_error(&Connect(refused));
        assert!(!t.tls);
        assert_eq!(t.message, "client error (Connect): refused");
    }
}
