//! The price flags (`--price`, `--prices`, `--print-prices`), shared by every command that
//! bills: read once, before anything is scanned, so a bad price is a usage error up front.

use crate::cli::PriceArgs;
use crate::cost::{self, Price, Typical};
use crate::error::Error;
use crate::io::Io;
use crate::surface::Snapshot;

/// A price and the typical figures to bill with.
pub(crate) struct Pricing {
    pub price: Price,
    pub typical: Typical,
}

impl Pricing {
    /// Bills `snap` (every mesh and the whole).
    pub fn bill(&self, snap: &mut Snapshot) {
        cost::apply(snap, &self.price, &self.typical);
    }
}

/// `--print-prices`: prints the built-in pricing file; true when it did (the command then
/// stops).
pub(crate) fn print(args: &PriceArgs, io: &mut Io<'_>) -> Result<bool, Error> {
    if args.print_prices {
        io.stdout
            .write_all(cost::DEFAULT_PRICES.as_bytes())
            .map_err(Error::Output)?;
    }
    Ok(args.print_prices)
}

/// The price the flags ask for, if any.
pub(crate) fn pricing(args: &PriceArgs) -> Result<Option<Pricing>, Error> {
    let text = match &args.prices {
        Some(path) => Some(
            std::fs::read_to_string(path).map_err(|source| cost::Error::Read {
                path: path.clone(),
                source,
            })?,
        ),
        None => None,
    };
    let origin = args.prices.as_ref().map(|p| p.display().to_string());
    let file = origin.as_deref().zip(text.as_deref());
    let Some(price) = cost::resolve(args.price.as_deref(), file)? else {
        return Ok(None);
    };
    Ok(Some(Pricing {
        price,
        typical: Typical::load()?,
    }))
}
