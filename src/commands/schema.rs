//! The hidden `json-schema --dir DIR`: writes the JSON Schemas of the JSON outputs
//! ([`crate::schema`]); `docs/schema` is made with it and a test keeps it current.

use crate::cli::SchemaArgs;
use crate::error::Error;
use crate::exit;

/// `json-schema --dir DIR`: writes `snapshot.schema.json`, `plan.schema.json`, ... into DIR.
pub fn run(args: &SchemaArgs) -> Result<u8, Error> {
    let files = crate::schema::all().map_err(crate::render::Error::from)?;
    std::fs::create_dir_all(&args.dir).map_err(|source| Error::Write {
        path: args.dir.clone(),
        source,
    })?;
    for f in files {
        let path = args.dir.join(f.file);
        std::fs::write(&path, f.text).map_err(|source| Error::Write { path, source })?;
    }
    Ok(exit::OK)
}
