//! `rbac`: print the ClusterRole a live scan needs, built from the scan's own resource
//! table and the catalog's configuration groups, so that what is granted is exactly what
//! is used: get and list, never Secrets.

use crate::error::Error;
use crate::exit;
use crate::io::Io;
use crate::pipeline::Knowledge;
use crate::render;

/// Prints the ClusterRole YAML.
pub fn run(io: &mut Io<'_>, k: &Knowledge) -> Result<u8, Error> {
    io.stdout
        .write_all(
            render::rbac::cluster_role(
                &k.catalog.config_groups(),
                &k.catalog.anchor_config_map_names(),
            )
            .as_bytes(),
        )
        .map_err(Error::Output)?;
    Ok(exit::OK)
}
