//! The measure history: every start and lift of a measure, as recorded.
//! Which changes happen is the engine's decision, taken by the write path
//! (`ops`); this module only reads and writes the rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Customers, Result, Tx, now_stamp};
use dun_core::dunning::{Measure, MeasureChange, WriteOff};
use dun_core::ledger::{CustomerId, InvoiceId};
use dun_core::money::Money;

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
    // One customer's through the index (a write's, after each follow-up);
    // `?1 IS NULL OR` would read the whole history for it.
    let sql = format!(
        "SELECT customer_id, MAX(effective_on), MAX({RECORDED_ON}) FROM measure_event
         WHERE customer_id BETWEEN ?1 AND ?2 GROUP BY customer_id"
    );
    let span = super::Customers::from(customer);
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map([span.0, span.1], |r| {
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

/// What took an account's invoices off the ladder, or the account out of a
/// measure, up to a date: what the engine dates and keeps measures by.
#[derive(Debug, Default)]
pub(crate) struct LeftLadder {
    pub(crate) disputes_resolved: Vec<(InvoiceId, NaiveDate)>,
    pub(crate) write_offs: Vec<WriteOff>,
    pub(crate) cash_only_released: Option<NaiveDate>,
}

/// Each customer's resolved disputes, write-offs and last release of cash
/// only by hand, dated (and, for the release, recorded) on or before
/// `as_of`.
pub(crate) fn left_ladder(
    conn: &Connection,
    as_of: NaiveDate,
    customers: Customers,
) -> Result<HashMap<CustomerId, LeftLadder>> {
    let mut out: HashMap<CustomerId, LeftLadder> = HashMap::new();
    let bind = params![iso(as_of), customers.0, customers.1];
    let sql = "SELECT i.customer_id, d.invoice_id, MAX(d.resolved_on) FROM dispute d
         JOIN invoice i ON i.id = d.invoice_id
         WHERE d.resolved_on <= ?1 AND i.customer_id BETWEEN ?2 AND ?3
         GROUP BY d.invoice_id ORDER BY d.invoice_id";
    for (customer, (invoice, on)) in per_customer(conn, sql, bind, |r| {
        Ok((r.get::<_, InvoiceId>(1)?, r.get::<_, String>(2)?))
    })? {
        let resolved = (invoice, rows::date(&on)?);
        out.entry(customer)
            .or_default()
            .disputes_resolved
            .push(resolved);
    }
    // Few invoices are written off: through their index, never a visit to
    // every invoice of the span.
    let sql = "SELECT customer_id, id, number, written_off_on, written_off_minor, currency
         FROM invoice INDEXED BY invoice_written_off
         WHERE written_off_on <= ?1 AND customer_id BETWEEN ?2 AND ?3
         ORDER BY written_off_on, id";
    for (customer, (invoice_id, number, on, minor, currency)) in
        per_customer(conn, sql, bind, |r| {
            Ok((
                r.get(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
    {
        let currency = rows::currency(&currency)?;
        let write_off = WriteOff {
            invoice_id,
            number,
            on: rows::date(&on)?,
            amount: Money::new(rows::amount(minor, currency), currency),
        };
        out.entry(customer).or_default().write_offs.push(write_off);
    }
    let sql = format!(
        "SELECT customer_id, MAX(effective_on) FROM measure_event
         WHERE measure = 'cash_only' AND event = 'lift' AND by_hand = 1
           AND effective_on <= ?1 AND {RECORDED_ON} <= ?1 AND customer_id BETWEEN ?2 AND ?3
         GROUP BY customer_id"
    );
    for (customer, on) in per_customer(conn, &sql, bind, |r| r.get::<_, String>(1))? {
        out.entry(customer).or_default().cash_only_released = Some(rows::date(&on)?);
    }
    Ok(out)
}

/// The rows of a query whose first column is a customer id, each read by
/// `read`.
fn per_customer<T>(
    conn: &Connection,
    sql: &str,
    bind: &[&dyn rusqlite::ToSql],
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<(CustomerId, T)>> {
    let what = "cannot read disputes and write-offs";
    let mut stmt = conn.prepare_cached(sql).context(what)?;
    let rows = stmt
        .query_map(bind, |r| Ok((r.get(0)?, read(r)?)))
        .context(what)?;
    rows.map(|r| r.context(what)).collect()
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
                by_hand: false,
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
    /// A lift made by hand, with a reason.
    pub(crate) by_hand: bool,
}

pub(crate) fn insert_event(tx: &Tx<'_>, customer_id: CustomerId, e: &Event<'_>) -> Result<()> {
    tx.sql()
        .prepare_cached(
        "INSERT INTO measure_event (customer_id, measure, event, effective_on, reason, invoice_id,
                                    recorded_at, recorded_on, by_hand)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
            iso(e.recorded_on),
            e.by_hand
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

    /// Records that a measure was lifted by hand on a date, with a reason.
    pub fn lift_by_hand(
        &self,
        customer_id: CustomerId,
        measure: Measure,
        on: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        insert_event(
            self,
            customer_id,
            &Event {
                measure,
                start: false,
                on,
                reason,
                invoice_id: None,
                recorded_on: on,
                by_hand: true,
            },
        )
    }

    /// The accounts of a span of customers as of a date, read inside the
    /// write so the engine sees what the write is about to commit; what
    /// settled each open invoice is read only when `charges` is true:
    /// only late-payment charges read it, so a write under terms that
    /// charge nothing spares the read (on a ledger whose invoice pages are
    /// not in memory, one visit to the table for each invoice).
    pub fn accounts_charging(
        &self,
        as_of: NaiveDate,
        customers: super::Customers,
        charges: bool,
    ) -> Result<Vec<dun_core::dunning::Account>> {
        super::snapshot::accounts_settled(self.conn(), as_of, customers, charges)
    }
}
