//! The manifest and snapshot readers never panic, whatever they are fed: random text and
//! bytes, real fixture documents and saved snapshots with random damage. Errors are fine;
//! panics are not. Inputs are small and cases few, so each property runs in seconds.

use meshsurface::catalog::Catalog;
use meshsurface::inventory::KeepKeys;
use meshsurface::source::{read_offline, Limits};
use meshsurface::surface::{Source, SourceKind};
use proptest::prelude::*;

fn read_and_detect(text: &str) {
    let catalog = Catalog::load().expect("catalog");
    if let Ok(input) = read_offline(
        &["-".to_owned()],
        &mut text.as_bytes(),
        KeepKeys::default(),
        Limits::default(),
    ) {
        if let Some(inv) = input.inventory {
            let src = Source {
                as_of: None,
                duration_seconds: None,
                kind: SourceKind::Offline,
                context: None,
                paths: vec![],
                namespace: None,
                taken_at: String::new(),
            };
            let _ = meshsurface::detect::detect(&inv, &catalog, src);
        }
    }
}

fn read_bytes(bytes: &[u8]) {
    let mut input = bytes;
    let _ = read_offline(
        &["-".to_owned()],
        &mut input,
        KeepKeys::default(),
        Limits::default(),
    );
}

/// A saved snapshot of a fixture, as JSON and as YAML.
fn snapshot_texts() -> &'static (String, String) {
    static TEXTS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let catalog = Catalog::load().expect("catalog");
        let dir = crate::util::root().join("fixtures/clusters/istio-ambient");
        let input = read_offline(
            &[dir.to_string_lossy().into_owned()],
            &mut std::io::empty(),
            KeepKeys::default(),
            Limits::default(),
        )
        .expect("fixture reads");
        let src = Source {
            as_of: None,
            duration_seconds: None,
            kind: SourceKind::Offline,
            context: None,
            paths: vec![],
            namespace: None,
            taken_at: String::new(),
        };
        let snap = meshsurface::detect::detect(&input.inventory.expect("inventory"), &catalog, src);
        (
            serde_json::to_string_pretty(&snap).expect("json"),
            serde_saphyr::to_string(&snap).expect("yaml"),
        )
    })
}

/// `text` with `len` bytes from `cut` replaced by `junk` (on character boundaries).
fn damage(text: &str, cut: usize, len: usize, junk: &str) -> String {
    let mut s = text.to_owned();
    let start = s
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= cut.min(s.len()))
        .unwrap_or(s.len());
    let end = s
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= start + len)
        .unwrap_or(s.len());
    s.replace_range(start..end, junk);
    s
}

fn sample() -> String {
    let dir = crate::util::root().join("fixtures/clusters/istio-sidecar");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .take(3)
        .collect::<Vec<_>>()
        .join("\n---\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]


    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        read_and_detect(&text);
    }

    #[test]
    fn yamlish_text_never_panics(text in "(apiVersion: v1\n|kind: (Pod|List|Deployment)\n|items:\n|- |  |metadata: \\{name: [a-z]{1,3}\\}\n|---\n|spec:\n|containers: |\\[|\\]|\\{|\\}|[a-z0-9:. -]{0,6}\n){0,40}") {
        read_and_detect(&text);
    }

    #[test]
    fn damaged_fixtures_never_panic(cut in 0usize..4000, len in 0usize..200, junk in "\\PC{0,20}") {
        read_and_detect(&damage(&sample(), cut, len, &junk));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        read_bytes(&bytes);
    }

    #[test]
    fn damaged_bytes_of_fixtures_never_panic(cut in 0usize..4000, flips in proptest::collection::vec((0usize..4000, any::<u8>()), 1..8)) {
        let mut bytes = sample().into_bytes();
        for (at, b) in flips {
            let i = (cut + at) % bytes.len().max(1);
            if let Some(x) = bytes.get_mut(i) {
                *x = b;
            }
        }
        read_bytes(&bytes);
    }

    #[test]
    fn damaged_snapshots_never_panic(yaml in any::<bool>(), cut in 0usize..20000, len in 0usize..100, junk in "(\\PC|[:{}\\[\\],\n -]){0,12}") {
        let (json, yml) = snapshot_texts();
        let text = if yaml { yml } else { json };
        read_and_detect(&damage(text, cut, len, &junk));
    }
}
