//! Noticing writes made elsewhere: another terminal, `dun send` from cron.

use super::{Context, Result, Store};

impl Store {
    /// SQLite's `data_version`: it changes whenever another connection
    /// commits a write to the ledger, and never for this one's own writes.
    pub fn data_version(&self) -> Result<i64> {
        self.conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .context("cannot read the ledger's data version")
    }
}
