//! Embeds every mesh catalog file (`src/catalog/*.yaml`), feature profile
//! (`src/catalog/profiles/*.yaml`) and release-support table (`src/catalog/releases/*.yaml`)
//! found at build time, so that adding a mesh is adding data
//! files: no list of file names is kept in code. `src/catalog/mod.rs` includes the generated
//! `catalog_files.rs`; the order in which meshes and profiles are used is each file's
//! `order` field, not its name.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let mut code = String::new();
    for (name, dir, prefix) in [
        ("CATALOG_FILES", "src/catalog", ""),
        ("PROFILE_FILES", "src/catalog/profiles", "profiles/"),
        ("RELEASE_FILES", "src/catalog/releases", "releases/"),
    ] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| {
                std::path::Path::new(f)
                    .extension()
                    .is_some_and(|e| e == "yaml")
            })
            .collect();
        files.sort();
        let _ = writeln!(
            code,
            "/// `(file name, contents)` of every `{dir}/*.yaml`, by name."
        );
        let _ = writeln!(code, "pub(crate) const {name}: &[(&str, &str)] = &[");
        for f in files {
            let _ = writeln!(
                code,
                "    ({:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
                format!("{prefix}{f}"),
                format!("/{dir}/{f}"),
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let path = Path::new(&out).join("catalog_files.rs");
    std::fs::write(&path, code).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}
