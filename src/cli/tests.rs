//! The command line parses as documented, and its value lists come from the catalog.

use super::*;
use std::time::Duration;

#[test]
fn byte_sizes_parse() {
    assert_eq!(parse_bytes("256Mi"), Ok(256 << 20));
    assert_eq!(parse_bytes("300000"), Ok(300_000));
    assert_eq!(parse_bytes("1Gi"), Ok(1 << 30));
    assert!(parse_bytes("10").is_err());
    assert!(parse_bytes("5MB").is_err());
}

#[test]
fn request_timeouts_parse_like_kubectl() {
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("15"), Ok(Duration::from_secs(15)));
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
    assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    assert!(parse_duration("soon").is_err());
    assert!(parse_duration("5d").is_err());
}

#[test]
fn cli_is_well_formed() {
    command().debug_assert();
}

#[test]
fn value_lists_come_from_the_catalog() {
    let catalog = crate::catalog::Catalog::load().unwrap();
    let profiles = crate::catalog::profiles::load(&catalog).unwrap();
    let cli = Cli::from_arg_matches(
        &command()
            .try_get_matches_from(["kubectl-meshsurface", "compare"])
            .unwrap(),
    )
    .unwrap();
    let Command::Compare(args) = cli.command else {
        panic!("compare parsed as another command");
    };
    let names: Vec<&str> = profiles.iter().map(|p| p.profile.as_str()).collect();
    assert_eq!(args.mesh, names);
    let mut cmd = command();
    let plan = cmd.find_subcommand_mut("plan").unwrap();
    let enable = plan
        .get_arguments()
        .find(|a| a.get_id() == "enable")
        .unwrap();
    let help = enable.get_help().unwrap().to_string();
    for f in crate::catalog::profiles::FEATURES {
        assert!(help.contains(f), "{f} missing from {help:?}");
    }
}
