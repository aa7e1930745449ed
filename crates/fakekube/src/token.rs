//! Continue tokens shaped like the API server's: standard base64 of
//! `{"v":"meta.k8s.io/v1","rv":N,"start":"<next key>"}`. Clients must treat them as
//! opaque and URL-encode them (they contain `=`, and may contain `+` and `/`).

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[derive(Serialize, Deserialize)]
struct Continue {
    v: String,
    rv: u64,
    start: String,
}

/// A token that resumes the list at the first key at or after `start`.
pub(crate) fn encode(rv: u64, start: &str) -> String {
    let json = serde_json::to_vec(&Continue {
        v: "meta.k8s.io/v1".into(),
        rv,
        start: start.into(),
    })
    .unwrap_or_default();
    base64(&json)
}

/// The start key of a token, or why it is not one.
pub(crate) fn decode(token: &str) -> Result<String, String> {
    let bytes = unbase64(token).ok_or("not valid base64")?;
    let c: Continue = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if c.v != "meta.k8s.io/v1" {
        return Err(format!("unsupported version {:?}", c.v));
    }
    Ok(c.start)
}

fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)?;
        acc = (acc << 6) | u32::try_from(v).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        for n in 0..10u8 {
            let data: Vec<u8> = (0..n)
                .map(|i| i.wrapping_mul(37).wrapping_add(250))
                .collect();
            assert_eq!(unbase64(&base64(&data)).unwrap(), data);
        }
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = encode(1234, "default/web-0\u{0}");
        assert_eq!(decode(&t).unwrap(), "default/web-0\u{0}");
        assert!(decode("not a token!").is_err());
        assert!(decode(&base64(b"{}")).is_err());
    }
}
