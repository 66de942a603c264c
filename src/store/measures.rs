//! The measure history: every start and lift of a measure, as recorded.
//! Which changes happen is the engine's decision, taken by the write path
//! (`ops`); this module only reads and writes the rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Result, Tx, now_stamp};
use dun_core::dunning::{Measure, MeasureChange};
use dun_core::ledger::{CustomerId, InvoiceId};

/// The latest effective date in each customer's measure history.
pub(crate) fn latest_effective(
    conn: &Connection,
    customer: Option<CustomerId>,
) -> Result<HashMap<CustomerId, NaiveDate>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT customer_id, MAX(effective_on) FROM measure_event
             WHERE ?1 IS NULL OR customer_id = ?1 GROUP BY customer_id",
        )
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map([customer], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .context("cannot read the measure history")?;
    rows.map(|row| {
        let (customer, date) = row.context("cannot read the measure history")?;
        Ok((customer, rows::date(&date)?))
    })
    .collect()
}

/// Records measure changes of one customer; a lift is dated no later than
/// `lift_on` (the day of the write that caused it). Returns how many.
pub(crate) fn insert_changes(
    tx: &Tx<'_>,
    customer_id: CustomerId,
    changes: &[MeasureChange],
    lift_on: Option<NaiveDate>,
) -> Result<usize> {
    for c in changes {
        // A lift takes effect on the day of the write that caused it.
        let on = if c.start {
            c.effective_on
        } else {
            lift_on.map_or(c.effective_on, |d| d.min(c.effective_on))
        };
        insert_event(
            tx,
            customer_id,
            &Event {
                measure: c.measure,
                start: c.start,
                on,
                reason: &c.reason,
                invoice_id: c.invoice_id,
            },
        )?;
    }
    Ok(changes.len())
}

/// One start or lift of a measure, as recorded.
pub(crate) struct Event<'a> {
    /// Which measure.
    pub(crate) measure: Measure,
    /// Start or lift.
    pub(crate) start: bool,
    /// When it took effect.
    pub(crate) on: NaiveDate,
    /// Why.
    pub(crate) reason: &'a str,
    /// The invoice that started it.
    pub(crate) invoice_id: Option<InvoiceId>,
}

pub(crate) fn insert_event(tx: &Tx<'_>, customer_id: CustomerId, e: &Event<'_>) -> Result<()> {
    tx.sql()
        .prepare_cached(
        "INSERT INTO measure_event (customer_id, measure, event, effective_on, reason, invoice_id, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            e.measure.as_str(),
            if e.start { "start" } else { "lift" },
            iso(e.on),
            e.reason,
            e.invoice_id,
            now_stamp()
        ])
    })
    .context("cannot record the measure history")?;
    Ok(())
}

impl Tx<'_> {
    /// The latest effective date in the measure history of one customer, or
    /// of each customer when `customer` is `None`.
    pub fn measure_dates(
        &self,
        customer: Option<CustomerId>,
    ) -> Result<HashMap<CustomerId, NaiveDate>> {
        latest_effective(self.conn(), customer)
    }

    /// Records the measure changes the engine found for one customer; a lift
    /// is dated no later than `lift_on`. Returns how many were recorded.
    pub fn record_measure_changes(
        &self,
        customer_id: CustomerId,
        changes: &[MeasureChange],
        lift_on: Option<NaiveDate>,
    ) -> Result<usize> {
        insert_changes(self, customer_id, changes, lift_on)
    }

    /// The accounts of a span of customers as of a date, read inside the
    /// write so the engine sees what the write is about to commit.
    pub fn accounts(
        &self,
        as_of: NaiveDate,
        customers: super::Customers,
    ) -> Result<Vec<dun_core::dunning::Account>> {
        super::snapshot::accounts(self.conn(), as_of, customers)
    }
}
