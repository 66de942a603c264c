//! Watching the ledger for writes made elsewhere (another terminal, `dun
//! send` from cron): what changed is reloaded, customer by customer when
//! the new rows say whose they are, else the whole board.

use anyhow::Result;

use crate::store::{Marks, Store};
use crate::tui::app::Effect;

/// More customers touched at once than this reload the whole board.
const MOST: usize = 64;

/// The ledger as the dashboard last saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    /// SQLite's data version then.
    version: i64,
    /// Where each table's rows ended then.
    marks: Marks,
}

impl Watch {
    /// The ledger as it is now.
    pub fn new(store: &Store) -> Result<Watch> {
        Ok(Watch {
            version: store.data_version()?,
            marks: store.marks()?,
        })
    }

    /// What to reload since the last look: `None` when no other
    /// connection wrote; the customers touched when the rows added say
    /// whose they are; the whole board when they do not (a change made in
    /// place) or when many were.
    pub fn changes(&mut self, store: &Store) -> Result<Option<Effect>> {
        let version = store.data_version()?;
        if version == self.version {
            return Ok(None);
        }
        self.version = version;
        // Rows added from here on are past the new marks: seen next time.
        let marks = store.marks()?;
        let touched = store.touched_since(&self.marks)?;
        self.marks = marks;
        Ok(Some(if touched.is_empty() || touched.len() > MOST {
            Effect::Reload
        } else {
            Effect::Refresh(touched)
        }))
    }
}
