//! Committing an import: the readers in `import` check every row; the
//! write path opens the transaction and brings the measure history of every
//! customer the file touched up to date before it commits.

use std::io::Read;

use super::Context;
use super::measures::record_for;
use crate::import::{self, ImportError, Options, Report};
use crate::store::{Store, Tx};
use dun_core::ledger::CustomerId;

/// Imports an invoice export (all of it, or nothing).
pub fn import_invoices(
    store: &mut Store,
    ctx: &Context,
    input: impl Read + Send,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let finish =
        |tx: &Tx<'_>, touched: &[CustomerId]| record_for(tx, &ctx.policy, touched, ctx.history_on);
    import::import_invoices(store, input, options, progress, &finish)
}

/// Imports the e-invoices under a path (a file, a folder, a zip) in one
/// transaction.
pub fn import_einvoices(
    store: &mut Store,
    ctx: &Context,
    path: &std::path::Path,
    options: &Options,
) -> Result<Report, ImportError> {
    let finish =
        |tx: &Tx<'_>, touched: &[CustomerId]| record_for(tx, &ctx.policy, touched, ctx.history_on);
    import::import_einvoices(store, path, options, &finish)
}

/// Imports a payments export or a bank statement (all of it, or nothing).
pub fn import_payments(
    store: &mut Store,
    ctx: &Context,
    input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ImportError> {
    let finish =
        |tx: &Tx<'_>, touched: &[CustomerId]| record_for(tx, &ctx.policy, touched, ctx.history_on);
    import::import_payments(store, input, options, progress, &finish)
}
