//! Noticing writes made elsewhere (another terminal, `dun send` from cron)
//! and which customers they touched.

use rusqlite::params;

use super::{Context, Result, Store};
use dun_core::ledger::CustomerId;

/// The last row of each table whose rows belong to a customer: what a
/// later write added is what lies past them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks([i64; 9]);

/// The tables whose new rows name the customer they touch, each as the
/// query of the customers of rows past a mark (`?1`).
const TOUCHED: [(&str, &str); 9] = [
    ("activity", "SELECT customer_id FROM activity WHERE id > ?1"),
    ("payment", "SELECT customer_id FROM payment WHERE id > ?1"),
    ("promise", "SELECT customer_id FROM promise WHERE id > ?1"),
    ("plan", "SELECT customer_id FROM plan WHERE id > ?1"),
    ("hold", "SELECT customer_id FROM hold WHERE id > ?1"),
    ("invoice", "SELECT customer_id FROM invoice WHERE id > ?1"),
    (
        "measure_event",
        "SELECT customer_id FROM measure_event WHERE id > ?1",
    ),
    (
        "dispute",
        "SELECT i.customer_id FROM dispute d JOIN invoice i ON i.id = d.invoice_id WHERE d.id > ?1",
    ),
    ("customer", "SELECT id FROM customer WHERE id > ?1"),
];

impl Store {
    /// SQLite's `data_version`: it changes whenever another connection
    /// commits a write to the ledger, and never for this one's own writes.
    pub fn data_version(&self) -> Result<i64> {
        self.conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .context("cannot read the ledger's data version")
    }

    /// Where each table's rows end now.
    pub fn marks(&self) -> Result<Marks> {
        let mut marks = Marks::default();
        for (mark, (table, _)) in marks.0.iter_mut().zip(TOUCHED) {
            // The table names are the constants above, never user text.
            *mark = self
                .conn()
                .query_row(
                    &format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
                    [],
                    |r| r.get(0),
                )
                .context("cannot read where the ledger ends")?;
        }
        Ok(marks)
    }

    /// The customers rows added past `marks` belong to, in order. A write
    /// that only changed rows in place (a customer edited) adds none.
    pub fn touched_since(&self, marks: &Marks) -> Result<Vec<CustomerId>> {
        let mut touched = Vec::new();
        for (mark, (_, sql)) in marks.0.iter().zip(TOUCHED) {
            let mut stmt = self
                .conn()
                .prepare_cached(sql)
                .context("cannot read what changed")?;
            let ids = stmt
                .query_map(params![mark], |r| r.get::<_, CustomerId>(0))
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .context("cannot read what changed")?;
            touched.extend(ids);
        }
        touched.sort_unstable();
        touched.dedup();
        Ok(touched)
    }
}
