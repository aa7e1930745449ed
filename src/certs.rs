//! X.509 certificates read from trust bundles and webhook `caBundle`s, and how close each
//! is to expiry.
//!
//! Why: an expired trust anchor breaks mTLS for the whole mesh, and an expired webhook CA
//! stops pod creation; both expire silently (Linkerd's generated anchors and webhook CAs
//! live 365 days). The anchors are public certificates that the meshes publish in
//! ConfigMaps (Linkerd's `linkerd-identity-trust-roots` `ca-bundle.crt`, Istio's
//! `istio-ca-root-cert` `root-cert.pem`, Cilium's SPIRE `spire-bundle` `bundle.crt`), and
//! each webhook configuration carries its CA as `caBundle`, so their expiry is visible with
//! `get` alone, without reading a Secret. This module only parses and classifies; which
//! objects are read, and the hazards built from them, belong to hazard detection.
//!
//! Input is untrusted (a ConfigMap or a saved manifest): every failure is an [`Error`]
//! naming the PEM block, never a panic. Only `CERTIFICATE` blocks are decoded as
//! certificates; other blocks (a private key pasted by mistake) are skipped, and neither
//! their bytes nor their text reach a [`Certificate`] or an error message.
//!
//! # Thresholds
//!
//! [`expiry_severity`]: expired or under [`CRITICAL_DAYS`] (30) days left is critical,
//! under [`WARNING_DAYS`] (60) is a warning. The 60 days are `linkerd check`'s own window:
//! linkerd/linkerd2 at tag `edge-26.8.3` (commit 19a0d90d5a4a),
//! `pkg/issuercerts/issuercerts.go` line 22 `const expirationWarningThresholdInDays = 60`,
//! used by `CheckExpiringSoon` (line 131 warns when `now + 60 days` is after `NotAfter`,
//! the same as fewer than 60 whole [`Certificate::days_left`]) for the checks "trust
//! anchors are valid for at least 60 days" (`pkg/healthcheck/healthcheck.go` line 1012, a
//! warning) and "proxy-injector / sp-validator / policy-validator cert is valid for at
//! least 60 days" (lines 1096, 1132, 1171). Upstream has no 30-day step: an expired anchor
//! fails its "within their validity period" check instead (line 994, fatal). The 30-day
//! critical step is this project's (issue 17), so a month's notice pages rather than warns.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use x509_parser::pem::Pem;

/// Days left below which a certificate is a [`Severity::Critical`] hazard (issue 17).
pub const CRITICAL_DAYS: i64 = 30;

/// Days left below which a certificate is a [`Severity::Warning`] hazard: `linkerd check`'s
/// `expirationWarningThresholdInDays` (see the module docs for the citation).
pub const WARNING_DAYS: i64 = 60;

const SECONDS_PER_DAY: i64 = 86_400;

pub use crate::surface::Severity;

/// One X.509 certificate of a bundle, reduced to what the expiry hazards need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Subject distinguished name, `CN=...`-style attributes in the order they are encoded
    /// (as `openssl x509 -subject` prints them).
    pub subject: String,
    /// Issuer distinguished name, same form as `subject`.
    pub issuer: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity (inclusive), seconds since the Unix epoch.
    pub not_after: i64,
    /// `basicConstraints CA:TRUE` (false when the extension is absent or repeated).
    pub is_ca: bool,
    /// SHA-256 of the DER encoding, lowercase hex: the fingerprint `openssl x509
    /// -fingerprint -sha256` prints (without colons), to tell certificates apart.
    pub sha256: String,
}

impl Certificate {
    /// Whole days from `now_unix` to the end of validity, rounded down: 0 on the last day,
    /// negative once expired (-1 from one second after `not_after`).
    pub fn days_left(&self, now_unix: i64) -> i64 {
        self.not_after
            .saturating_sub(now_unix)
            .div_euclid(SECONDS_PER_DAY)
    }
}

/// The hazard severity for a certificate with `days_left` (see [`Certificate::days_left`]):
/// critical when expired or under [`CRITICAL_DAYS`], warning under [`WARNING_DAYS`],
/// otherwise none.
pub fn expiry_severity(days_left: i64) -> Option<Severity> {
    if days_left < CRITICAL_DAYS {
        Some(Severity::Critical)
    } else if days_left < WARNING_DAYS {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// Why a bundle gave no certificates. Messages never quote the input's bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input holds no `CERTIFICATE` PEM block (empty, or only other blocks).
    #[error("no CERTIFICATE PEM block found")]
    NoCertificate,
    /// A PEM block is damaged: `index` counts the bundle's PEM blocks from 0, of every
    /// label, so it points at the block in the text as written.
    #[error("PEM block {index} (counting from 0): {reason}")]
    Parse { index: usize, reason: String },
    /// A `caBundle` field is not valid base64.
    #[error("caBundle is not valid base64: {reason}")]
    Base64 { reason: String },
}

/// The PEM label of an X.509 certificate block.
const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// Every `CERTIFICATE` block of a PEM bundle, in the bundle's order. Text around the blocks
/// is ignored, and so are well-formed blocks with another label. The first damaged block
/// (bad framing, bad base64, not a certificate, bytes after the certificate) is an
/// [`Error::Parse`] naming its position; that holds for a damaged block of any label, since
/// the PEM reader decodes each block's base64 before it is skipped. A bundle without any
/// certificate is [`Error::NoCertificate`].
pub fn parse_bundle(pem: &[u8]) -> Result<Vec<Certificate>, Error> {
    let mut certificates = Vec::new();
    for (index, block) in Pem::iter_from_buffer(pem).enumerate() {
        let block = block.map_err(|e| Error::Parse {
            index,
            reason: pem_reason(&e),
        })?;
        if block.label != CERTIFICATE_LABEL {
            continue;
        }
        let certificate = certificate_from_der(&block.contents)
            .map_err(|reason| Error::Parse { index, reason })?;
        certificates.push(certificate);
    }
    if certificates.is_empty() {
        return Err(Error::NoCertificate);
    }
    Ok(certificates)
}

/// A webhook configuration's `caBundle` as it appears in JSON or YAML (base64 of a PEM
/// bundle; line breaks and spaces from a folded YAML scalar are tolerated), decoded and
/// parsed with [`parse_bundle`]. An empty field is [`Error::NoCertificate`].
pub fn parse_ca_bundle_field(b64: &str) -> Result<Vec<Certificate>, Error> {
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let pem = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| Error::Base64 {
            reason: e.to_string(),
        })?;
    parse_bundle(&pem)
}

/// A PEM framing error in words, without the input's text.
fn pem_reason(e: &x509_parser::error::PEMError) -> String {
    use x509_parser::error::PEMError;
    match e {
        PEMError::Base64DecodeError => "the block's body is not valid base64".to_string(),
        PEMError::IncompletePEM => "the block has no END line (truncated)".to_string(),
        PEMError::InvalidHeader => "the BEGIN line is malformed".to_string(),
        PEMError::MissingHeader => "no BEGIN line".to_string(),
        PEMError::IOError(_) => "the block is not text (invalid UTF-8)".to_string(),
    }
}

/// One DER-encoded certificate, which must fill the block exactly.
fn certificate_from_der(der: &[u8]) -> Result<Certificate, String> {
    let (rest, x509) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "{} bytes after the end of the certificate",
            rest.len()
        ));
    }
    let validity = x509.validity();
    Ok(Certificate {
        subject: x509.subject().to_string(),
        issuer: x509.issuer().to_string(),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
        is_ca: x509.is_ca(),
        sha256: sha256_hex(der),
    })
}

/// A short fingerprint of a PEM text as `linkerd check` compares it (surrounding white
/// space trimmed): the first 16 hex digits of its SHA-256. Kept instead of the text, so a
/// pod's trust anchors cost 16 bytes.
pub fn text_fingerprint(text: &str) -> String {
    let mut hex = sha256_hex(text.trim().as_bytes());
    hex.truncate(16);
    hex
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.as_ref() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    use std::fmt::Write as _;
    use std::time::Duration;

    /// The project's pinned "today" (`SOURCE_DATE_EPOCH` of the docs samples).
    const NOW: i64 = 1_795_435_200;
    const DAY: i64 = SECONDS_PER_DAY;

    /// The parameters of a CA valid from a day before [`NOW`] to `NOW + valid_for` seconds.
    fn ca_params(common_name: &str, valid_for: i64) -> CertificateParams {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        set_validity(&mut params, NOW - DAY, NOW + valid_for);
        params
    }

    /// A self-signed CA (see [`ca_params`]) in PEM, with its private key.
    fn ca(common_name: &str, valid_for: i64) -> (String, KeyPair) {
        let key = KeyPair::generate().unwrap();
        let cert = ca_params(common_name, valid_for).self_signed(&key).unwrap();
        (cert.pem(), key)
    }

    /// Validity from `from` to `to` (Unix seconds, after the epoch in every test).
    fn set_validity(params: &mut CertificateParams, from: i64, to: i64) {
        let epoch = rcgen::date_time_ymd(1970, 1, 1);
        let secs = |unix: i64| Duration::from_secs(u64::try_from(unix).unwrap());
        params.not_before = epoch + secs(from);
        params.not_after = epoch + secs(to);
    }

    fn only(pem: &str) -> Certificate {
        let mut certs = parse_bundle(pem.as_bytes()).unwrap();
        assert_eq!(certs.len(), 1);
        certs.remove(0)
    }

    #[test]
    fn ca_valid_20_days_is_critical() {
        let (pem, _) = ca("identity.linkerd.cluster.local", 20 * DAY);
        let cert = only(&pem);
        assert_eq!(cert.subject, "CN=identity.linkerd.cluster.local");
        assert_eq!(cert.issuer, cert.subject);
        assert!(cert.is_ca);
        assert_eq!(cert.not_before, NOW - DAY);
        assert_eq!(cert.not_after, NOW + 20 * DAY);
        assert_eq!(cert.days_left(NOW), 20);
        assert_eq!(
            expiry_severity(cert.days_left(NOW)),
            Some(Severity::Critical)
        );
    }

    #[test]
    fn ca_valid_45_days_is_a_warning() {
        let cert = only(&ca("root", 45 * DAY).0);
        assert_eq!(cert.days_left(NOW), 45);
        assert_eq!(
            expiry_severity(cert.days_left(NOW)),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn ca_valid_400_days_is_no_hazard() {
        let cert = only(&ca("root", 400 * DAY).0);
        assert_eq!(cert.days_left(NOW), 400);
        assert_eq!(expiry_severity(cert.days_left(NOW)), None);
    }

    #[test]
    fn expired_ca_has_negative_days_and_is_critical() {
        let cert = only(&ca("root", -3 * DAY).0);
        assert_eq!(cert.days_left(NOW), -3);
        assert_eq!(
            expiry_severity(cert.days_left(NOW)),
            Some(Severity::Critical)
        );
    }

    #[test]
    fn days_left_rounds_down() {
        let cert = only(&ca("root", 30 * DAY - 1).0);
        assert_eq!(cert.days_left(NOW), 29);
        assert_eq!(cert.days_left(cert.not_after), 0);
        assert_eq!(cert.days_left(cert.not_after + 1), -1);
        assert_eq!(cert.days_left(i64::MIN), i64::MAX.div_euclid(DAY));
        assert_eq!(
            cert.days_left(i64::MAX),
            (cert.not_after - i64::MAX).div_euclid(DAY)
        );
    }

    #[test]
    fn severity_boundaries_follow_30_and_60_days() {
        assert_eq!(expiry_severity(i64::MIN), Some(Severity::Critical));
        assert_eq!(expiry_severity(-1), Some(Severity::Critical));
        assert_eq!(expiry_severity(0), Some(Severity::Critical));
        assert_eq!(expiry_severity(29), Some(Severity::Critical));
        assert_eq!(expiry_severity(30), Some(Severity::Warning));
        assert_eq!(expiry_severity(59), Some(Severity::Warning));
        assert_eq!(expiry_severity(60), None);
        assert_eq!(expiry_severity(i64::MAX), None);
    }

    #[test]
    fn severity_serializes_lowercase_and_sorts_most_severe_first() {
        let all = [Severity::Info, Severity::Critical, Severity::Warning];
        assert_eq!(
            serde_json::to_string(&all).unwrap(),
            r#"["info","critical","warning"]"#
        );
        let mut sorted = all;
        sorted.sort();
        assert_eq!(
            sorted,
            [Severity::Critical, Severity::Warning, Severity::Info]
        );
        let back: Severity = serde_json::from_str(r#""warning""#).unwrap();
        assert_eq!(back, Severity::Warning);
    }

    #[test]
    fn bundle_of_two_keeps_both_in_order() {
        let (old, _) = ca("old-root", 20 * DAY);
        let (new, _) = ca("new-root", 400 * DAY);
        // As a Linkerd trust-anchor rotation leaves it: the old root, then the new one.
        let bundle = format!("{old}\n{new}");
        let certs = parse_bundle(bundle.as_bytes()).unwrap();
        let subjects: Vec<_> = certs.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["CN=old-root", "CN=new-root"]);
        assert_ne!(certs[0].sha256, certs[1].sha256);
        assert_eq!(certs[0].days_left(NOW), 20);
        assert_eq!(certs[1].days_left(NOW), 400);
    }

    #[test]
    fn sha256_is_the_fingerprint_of_the_der() {
        let (pem, _) = ca("root", 400 * DAY);
        let der = Pem::iter_from_buffer(pem.as_bytes())
            .next()
            .unwrap()
            .unwrap()
            .contents;
        let cert = only(&pem);
        assert_eq!(cert.sha256.len(), 64);
        assert!(cert
            .sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(cert.sha256, sha256_hex(&der));
        // The SHA-256 test vector of FIPS 180-2 ("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_leaf_certificate_is_not_a_ca() {
        let issuer_key = KeyPair::generate().unwrap();
        let issuer = rcgen::Issuer::new(ca_params("root", 400 * DAY), issuer_key);
        let leaf_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["istiod.istio-system.svc".into()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "istiod");
        set_validity(&mut params, NOW - DAY, NOW + 10 * DAY);
        let leaf = params.signed_by(&leaf_key, &issuer).unwrap();
        let cert = only(&leaf.pem());
        assert!(!cert.is_ca);
        assert_eq!(cert.subject, "CN=istiod");
        assert_eq!(cert.issuer, "CN=root");
    }

    #[test]
    fn private_key_blocks_are_skipped_and_never_echoed() {
        let (pem, key) = ca("root", 400 * DAY);
        let key_pem = key.serialize_pem();
        assert!(key_pem.contains("PRIVATE KEY"));
        let key_body: Vec<&str> = key_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let bundle = format!("{key_pem}{pem}");
        let certs = parse_bundle(bundle.as_bytes()).unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].subject, "CN=root");
        let shown = format!("{certs:?}");
        for line in &key_body {
            assert!(!shown.contains(line), "key material in the result");
        }

        // A key alone is no certificate, and the error does not quote it.
        let err = parse_bundle(key_pem.as_bytes()).unwrap_err();
        assert_eq!(err, Error::NoCertificate);

        // A damaged key is reported by position, in fixed words that cannot quote it.
        let damaged_key = key_pem.replacen(key_body[0], &format!("*{}", key_body[0]), 1);
        let err = parse_bundle(format!("{damaged_key}{pem}").as_bytes()).unwrap_err();
        assert!(matches!(err, Error::Parse { index: 0, .. }), "{err:?}");
        let message = format!("{err} {err:?}");
        for line in &key_body {
            assert!(!message.contains(line), "key material in the error");
        }

        // A damaged certificate after the key: the error names the block, not the key.
        let broken = pem.replace("-----END CERTIFICATE-----", "");
        let err = parse_bundle(format!("{key_pem}{broken}").as_bytes()).unwrap_err();
        assert!(matches!(err, Error::Parse { index: 1, .. }), "{err:?}");
        let message = format!("{err} {err:?}");
        for line in &key_body {
            assert!(!message.contains(line), "key material in the error");
        }
    }

    #[test]
    fn ca_bundle_field_round_trip() {
        let (a, _) = ca("webhook-ca", 365 * DAY);
        let (b, _) = ca("next-webhook-ca", 730 * DAY);
        let bundle = format!("{a}{b}");
        let field = base64::engine::general_purpose::STANDARD.encode(bundle.as_bytes());
        let from_field = parse_ca_bundle_field(&field).unwrap();
        assert_eq!(from_field, parse_bundle(bundle.as_bytes()).unwrap());
        assert_eq!(from_field.len(), 2);
        assert_eq!(from_field[0].days_left(NOW), 365);

        // Folded over lines, as a YAML block scalar may hold it.
        let mut folded = String::new();
        for chunk in field.as_bytes().chunks(76) {
            let _ = writeln!(folded, "  {}", String::from_utf8_lossy(chunk));
        }
        assert_eq!(parse_ca_bundle_field(&folded).unwrap(), from_field);
    }

    #[test]
    fn ca_bundle_field_errors_are_typed() {
        assert!(matches!(
            parse_ca_bundle_field("not base64!"),
            Err(Error::Base64 { .. })
        ));
        assert_eq!(parse_ca_bundle_field(""), Err(Error::NoCertificate));
        let not_pem = base64::engine::general_purpose::STANDARD.encode(b"hello");
        assert_eq!(parse_ca_bundle_field(&not_pem), Err(Error::NoCertificate));
    }

    #[test]
    fn empty_and_certificate_free_input_is_no_certificate() {
        assert_eq!(parse_bundle(b""), Err(Error::NoCertificate));
        assert_eq!(parse_bundle(b"just text\n"), Err(Error::NoCertificate));
    }

    /// The error of parsing `bundle`, which must be `Error::Parse` at `index`.
    fn parse_error_at(bundle: &str, index: usize) -> String {
        match parse_bundle(bundle.as_bytes()) {
            Err(Error::Parse { index: at, reason }) => {
                assert_eq!(at, index, "{reason}");
                reason
            }
            other => panic!("expected a parse error at block {index}, got {other:?}"),
        }
    }

    #[test]
    fn damaged_blocks_are_typed_errors_naming_the_block() {
        let (good, _) = ca("root", 400 * DAY);

        // Truncated: the second block stops halfway, without its END line.
        let truncated = &good[..good.len() / 2];
        let reason = parse_error_at(&format!("{good}{truncated}"), 1);
        assert!(reason.contains("truncated"), "{reason}");

        // Bad base64 in the body of the first block.
        let garbage = good.replacen("MI", "M*", 1);
        let reason = parse_error_at(&format!("{garbage}{good}"), 0);
        assert!(reason.contains("base64"), "{reason}");

        // Valid base64 that is not a certificate.
        let not_der = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        let reason = parse_error_at(&format!("{good}{good}{not_der}"), 2);
        assert!(reason.contains("not an X.509 certificate"), "{reason}");

        // A certificate followed by extra bytes inside the same block.
        let der = Pem::iter_from_buffer(good.as_bytes())
            .next()
            .unwrap()
            .unwrap()
            .contents;
        let mut padded = der.clone();
        padded.extend_from_slice(&[0, 0]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&padded);
        let block = format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n");
        let reason = parse_error_at(&block, 0);
        assert!(reason.contains("2 bytes after"), "{reason}");

        // A malformed BEGIN line.
        parse_error_at(
            "-----BEGIN CERTIFICATE\nabcd\n-----END CERTIFICATE-----\n",
            0,
        );

        // The Display names the block too.
        let err = parse_bundle(format!("{good}{truncated}").as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("PEM block 1 "), "{err}");
    }

    #[test]
    fn crlf_line_endings_are_accepted() {
        let (pem, _) = ca("root", 400 * DAY);
        let crlf = pem.replace('\n', "\r\n");
        assert_eq!(only(&crlf), only(&pem));
    }

    fn sample_bundle() -> &'static str {
        use std::sync::OnceLock;
        static BUNDLE: OnceLock<String> = OnceLock::new();
        BUNDLE.get_or_init(|| {
            let (a, key) = ca("a", 20 * DAY);
            let (b, _) = ca("b", 400 * DAY);
            format!("{a}{}{b}", key.serialize_pem())
        })
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = parse_bundle(&bytes);
            let _ = parse_ca_bundle_field(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn random_text_with_pem_framing_never_panics(
            label in "(CERTIFICATE|PRIVATE KEY|X)",
            body in "[A-Za-z0-9+/=\n\r -]{0,600}",
            end in proptest::bool::ANY,
        ) {
            let text = format!(
                "-----BEGIN {label}-----\n{body}{}",
                if end { "\n-----END CERTIFICATE-----\n" } else { "" }
            );
            let _ = parse_bundle(text.as_bytes());
        }

        #[test]
        fn mutations_of_a_valid_bundle_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..16),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = sample_bundle().as_bytes().to_vec();
            for (at, byte, op) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = byte,
                    1 => { bytes.remove(i); }
                    _ => bytes.insert(i, byte),
                }
            }
            let whole = parse_bundle(&bytes);
            if let Err(Error::Parse { index, .. }) = &whole {
                // The index points at a block that exists: one per BEGIN marker at most.
                let begins = bytes.windows(11).filter(|w| w == b"-----BEGIN ").count();
                prop_assert!(*index < begins, "block {} of {}", index, begins);
            }
            let cut_at = cut.index(bytes.len() + 1);
            let _ = parse_bundle(&bytes[..cut_at]);
            let field = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let _ = parse_ca_bundle_field(&field);
        }

        #[test]
        fn mutated_der_in_valid_framing_never_panics(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let first = Pem::iter_from_buffer(sample_bundle().as_bytes()).next();
            let mut der = match first {
                Some(Ok(block)) => block.contents,
                other => panic!("sample bundle: {other:?}"),
            };
            for (at, byte) in edits {
                let i = at.index(der.len());
                der[i] = byte;
            }
            let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
            let block = format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n");
            match parse_bundle(block.as_bytes()) {
                Ok(certs) => prop_assert_eq!(certs.len(), 1),
                Err(Error::Parse { index, .. }) => prop_assert_eq!(index, 0),
                Err(other) => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }
}
