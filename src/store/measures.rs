//! The measure history: every start and lift of a measure, as recorded.
//! Which changes happen is the engine's decision, taken by the write path
//! (`ops`); this module only reads and writes the rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Customers, Result, Tx, now_stamp};
use dun_core::dunning::{Measure, MeasureChange};
use dun_core::ledger::{CustomerId, InvoiceId};

/// The date a row of `measure_event` counts as recorded on, for SQL: the
/// date of the write that recorded it (older rows: the day it took effect).
pub(crate) const RECORDED_ON: &str = "COALESCE(recorded_on, effective_on)";

/// How far a customer's measure history reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latest {
    /// The latest date a start or lift took effect.
    pub effective: NaiveDate,
    /// The latest date it was recorded as of.
    pub recorded: NaiveDate,
}

/// How far each customer's measure history reaches.
pub(crate) fn latest(
    conn: &Connection,
    customer: Option<CustomerId>,
) -> Result<HashMap<CustomerId, Latest>> {
    let sql = format!(
        "SELECT customer_id, MAX(effective_on), MAX({RECORDED_ON}) FROM measure_event
         WHERE ?1 IS NULL OR customer_id = ?1 GROUP BY customer_id"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map([customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context("cannot read the measure history")?;
    rows.map(|row| {
        let (customer, effective, recorded) = row.context("cannot read the measure history")?;
        let latest = Latest {
            effective: rows::date(&effective)?,
            recorded: rows::date(&recorded)?,
        };
        Ok((customer, latest))
    })
    .collect()
}

/// What took an account's invoices off the ladder up to a date: what the
/// engine dates measures by.
#[derive(Debug, Default)]
pub(crate) struct LeftLadder {
    pub(crate) disputes_resolved: Vec<(InvoiceId, NaiveDate)>,
}

/// Each customer's resolved disputes, dated on or before `as_of`.
pub(crate) fn left_ladder(
    conn: &Connection,
    as_of: NaiveDate,
    customers: Customers,
) -> Result<HashMap<CustomerId, LeftLadder>> {
    let what = "cannot read resolved disputes";
    let mut out: HashMap<CustomerId, LeftLadder> = HashMap::new();
    let bind = params![iso(as_of), customers.0, customers.1];
    let mut stmt = conn
        .prepare_cached(
            "SELECT i.customer_id, d.invoice_id, MAX(d.resolved_on) FROM dispute d
             JOIN invoice i ON i.id = d.invoice_id
             WHERE d.resolved_on <= ?1 AND i.customer_id BETWEEN ?2 AND ?3
             GROUP BY d.invoice_id ORDER BY d.invoice_id",
        )
        .context(what)?;
    let mut rows = stmt.query(bind).context(what)?;
    while let Some(r) = rows.next().context(what)? {
        let on: String = r.get(2).context(what)?;
        let entry = out.entry(r.get(0).context(what)?).or_default();
        entry
            .disputes_resolved
            .push((r.get(1).context(what)?, rows::date(&on)?));
    }
    Ok(out)
}

/// When a batch of measure changes is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recording {
    /// The date the engine decided them as of: reports as of an earlier
    /// date do not see them.
    pub as_of: NaiveDate,
    /// A lift is dated no later than this (the day of the write that
    /// caused it), if given.
    pub lift_on: Option<NaiveDate>,
}

/// Records measure changes of one customer. Returns how many.
pub(crate) fn insert_changes(
    tx: &Tx<'_>,
    customer_id: CustomerId,
    changes: &[MeasureChange],
    recording: Recording,
) -> Result<usize> {
    let lift_on = recording.lift_on;
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
                recorded_on: recording.as_of,
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
    /// The date of the write that recorded it.
    pub(crate) recorded_on: NaiveDate,
}

pub(crate) fn insert_event(tx: &Tx<'_>, customer_id: CustomerId, e: &Event<'_>) -> Result<()> {
    tx.sql()
        .prepare_cached(
        "INSERT INTO measure_event (customer_id, measure, event, effective_on, reason, invoice_id,
                                    recorded_at, recorded_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            e.measure.as_str(),
            if e.start { "start" } else { "lift" },
            iso(e.on),
            e.reason,
            e.invoice_id,
            now_stamp(),
            iso(e.recorded_on)
        ])
    })
    .context("cannot record the measure history")?;
    Ok(())
}

impl Tx<'_> {
    /// How far the measure history of one customer (or of each customer
    /// when `customer` is `None`) reaches.
    pub fn measure_dates(
        &self,
        customer: Option<CustomerId>,
    ) -> Result<HashMap<CustomerId, Latest>> {
        latest(self.conn(), customer)
    }

    /// Records the measure changes the engine found for one customer as of
    /// a date. Returns how many were recorded.
    pub fn record_measure_changes(
        &self,
        customer_id: CustomerId,
        changes: &[MeasureChange],
        recording: Recording,
    ) -> Result<usize> {
        insert_changes(self, customer_id, changes, recording)
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
