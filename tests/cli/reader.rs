//! The manifest reader never panics, whatever it is fed: random text, and real fixture
//! documents with random damage. Errors are fine; panics are not.

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
                kind: SourceKind::Offline,
                context: None,
                paths: vec![],
                taken_at: String::new(),
            };
            let _ = meshsurface::detect::detect(&inv, &catalog, src);
        }
    }
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
        let mut s = sample();
        let start = s.char_indices().map(|(i, _)| i).find(|&i| i >= cut.min(s.len())).unwrap_or(s.len());
        let end = s.char_indices().map(|(i, _)| i).find(|&i| i >= start + len).unwrap_or(s.len());
        s.replace_range(start..end, &junk);
        read_and_detect(&s);
    }
}
