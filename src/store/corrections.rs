//! Corrections: voiding a follow-up (a new entry; the log stays
//! append-only), removing a payment (its allocations undone, the rest of
//! the customer's credit applied again) or a promise. The write path
//! checks and explains; these are the statements.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::allocate::reallocate;
use super::rows::{self, iso};
use super::{Context, Result, StoreError, Tx, now_stamp};
use dun_core::ledger::CustomerId;
use dun_core::money::Currency;
use rust_decimal::Decimal;

/// A follow-up as a removal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voidable {
    /// Its customer.
    pub customer_id: CustomerId,
    /// Its kind, as stored.
    pub kind: String,
    /// The day it was logged for.
    pub occurred_on: NaiveDate,
    /// A later entry voids it already.
    pub voided: bool,
    /// It is itself a correction: a note saying what was removed.
    pub correction: bool,
}

/// A payment as a removal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    /// The payer.
    pub customer_id: CustomerId,
    /// The day it was received.
    pub paid_on: NaiveDate,
    /// How much.
    pub amount: Decimal,
    /// In which currency.
    pub currency: Currency,
    /// Invoices it paid that were written off since.
    pub written_off: Vec<String>,
}

/// A promise as a removal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRow {
    /// The customer who promised.
    pub customer_id: CustomerId,
    /// The day it was made.
    pub made_on: NaiveDate,
    /// The day promised.
    pub promised_on: NaiveDate,
    /// How much.
    pub amount: Decimal,
    /// In which currency.
    pub currency: Currency,
}

/// The SQL condition that follow-up `alias` counts: neither voided by a
/// later entry nor itself a correction. The engine reads only these.
pub(super) fn counted(alias: &str) -> String {
    format!(
        "{alias}.corrects IS NULL AND NOT EXISTS (SELECT 1 FROM activity v WHERE v.voids = {alias}.id)"
    )
}

/// What a correction took back, as the log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corrects {
    /// A follow-up, which the note voids.
    FollowUp(i64),
    /// A payment, deleted.
    Payment,
    /// A promise, deleted.
    Promise,
}

/// The note a correction logs: for whom, on which day, what it took back
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction<'a> {
    /// The customer.
    pub customer_id: CustomerId,
    /// The day it was made.
    pub on: NaiveDate,
    /// What was taken back.
    pub corrects: Corrects,
    /// What it was, in words.
    pub what: &'a str,
    /// Why; empty when not said.
    pub why: &'a str,
}

impl Tx<'_> {
    /// The follow-up `id`, if there is one, read in the transaction.
    pub(crate) fn voidable(&self, id: i64) -> Result<Option<Voidable>> {
        voidable(self.conn(), id)
    }

    /// The payment `id`, if there is one, read in the transaction.
    pub(crate) fn payment_row(&self, id: i64) -> Result<Option<PaymentRow>> {
        payment_row(self.conn(), id)
    }

    /// The promise `id`, if there is one, read in the transaction.
    pub(crate) fn promise_row(&self, id: i64) -> Result<Option<PromiseRow>> {
        promise_row(self.conn(), id)
    }

    /// Logs the note of a correction; a follow-up taken back is voided
    /// by it.
    pub(crate) fn log_correction(&self, c: &Correction<'_>) -> Result<i64> {
        let (corrects, voids) = match c.corrects {
            Corrects::FollowUp(id) => ("follow_up", Some(id)),
            Corrects::Payment => ("payment", None),
            Corrects::Promise => ("promise", None),
        };
        self.sql()
            .execute(
                "INSERT INTO activity (customer_id, occurred_on, kind, outcome, note, recorded_at, corrects, voids)
                 VALUES (?1, ?2, 'note', ?3, ?4, ?5, ?6, ?7)",
                params![
                    c.customer_id,
                    iso(c.on),
                    c.what,
                    Some(c.why).filter(|w| !w.is_empty()),
                    now_stamp(),
                    corrects,
                    voids
                ],
            )
            .context("cannot log the correction")?;
        Ok(self.sql().last_insert_rowid())
    }

    /// Removes payment `id`: the invoices it paid are open again by what
    /// it applied (and the discounts it took), a bank line it came from
    /// waits again, and the customer's other credit in its currency is
    /// applied to what is open now.
    pub(crate) fn remove_payment(&self, id: i64) -> Result<()> {
        let Some(payment) = self.payment_row(id)? else {
            return Err(StoreError::Refused(format!("there is no payment {id}")));
        };
        let tx = self.sql();
        tx.execute(
            "UPDATE invoice SET
                open_minor = open_minor + (SELECT SUM(a.amount_minor + a.discount_minor) FROM allocation a
                                           WHERE a.payment_id = ?1 AND a.invoice_id = invoice.id),
                discount_minor = discount_minor - (SELECT SUM(a.discount_minor) FROM allocation a
                                                   WHERE a.payment_id = ?1 AND a.invoice_id = invoice.id),
                closed_on = NULL
             WHERE id IN (SELECT invoice_id FROM allocation WHERE payment_id = ?1)",
            [id],
        )
        .context("cannot reopen the payment's invoices")?;
        for sql in [
            "DELETE FROM allocation WHERE payment_id = ?1",
            "UPDATE receipt SET allocated_to = NULL WHERE allocated_to = ?1",
            "DELETE FROM payment WHERE id = ?1",
        ] {
            tx.execute(sql, [id]).context("cannot remove the payment")?;
        }
        reallocate(tx, payment.customer_id, payment.currency)
    }

    /// Removes promise `id` and the invoices it covered.
    pub(crate) fn remove_promise(&self, id: i64) -> Result<()> {
        for sql in [
            "DELETE FROM promise_invoice WHERE promise_id = ?1",
            "DELETE FROM promise WHERE id = ?1",
        ] {
            self.sql()
                .execute(sql, [id])
                .context("cannot remove the promise")?;
        }
        Ok(())
    }
}

impl super::Store {
    /// The follow-up `id`, if there is one.
    pub fn voidable(&self, id: i64) -> Result<Option<Voidable>> {
        voidable(self.conn(), id)
    }

    /// The payment `id`, if there is one.
    pub fn payment_row(&self, id: i64) -> Result<Option<PaymentRow>> {
        payment_row(self.conn(), id)
    }

    /// The promise `id`, if there is one.
    pub fn promise_row(&self, id: i64) -> Result<Option<PromiseRow>> {
        promise_row(self.conn(), id)
    }
}

/// The follow-up `id`, if there is one.
fn voidable(conn: &Connection, id: i64) -> Result<Option<Voidable>> {
    let found: Option<(i64, String, String, bool, bool)> = conn
        .query_row(
            "SELECT customer_id, kind, occurred_on,
                    EXISTS (SELECT 1 FROM activity v WHERE v.voids = a.id), corrects IS NOT NULL
             FROM activity a WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .context("cannot read the follow-up")?;
    found
        .map(|(customer_id, kind, on, voided, correction)| {
            Ok(Voidable {
                customer_id,
                kind,
                occurred_on: rows::date(&on)?,
                voided,
                correction,
            })
        })
        .transpose()
}

/// The payment `id`, if there is one, with the invoices it paid that were
/// written off since.
fn payment_row(conn: &Connection, id: i64) -> Result<Option<PaymentRow>> {
    let found: Option<(i64, String, i64, String)> = conn
        .query_row(
            "SELECT customer_id, paid_on, amount_minor, currency FROM payment WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .context("cannot read the payment")?;
    let Some((customer_id, paid_on, minor, currency)) = found else {
        return Ok(None);
    };
    let currency = rows::currency(&currency)?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT i.number FROM allocation a JOIN invoice i ON i.id = a.invoice_id
             WHERE a.payment_id = ?1 AND i.written_off_on IS NOT NULL ORDER BY i.number",
        )
        .context("cannot read the payment's invoices")?;
    let written_off = stmt
        .query_map([id], |r| r.get(0))
        .and_then(Iterator::collect)
        .context("cannot read the payment's invoices")?;
    Ok(Some(PaymentRow {
        customer_id,
        paid_on: rows::date(&paid_on)?,
        amount: rows::amount(minor, currency),
        currency,
        written_off,
    }))
}

/// The promise `id`, if there is one.
fn promise_row(conn: &Connection, id: i64) -> Result<Option<PromiseRow>> {
    let found: Option<(i64, String, String, i64, String)> = conn
        .query_row(
            "SELECT customer_id, made_on, promised_on, amount_minor, currency FROM promise WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .context("cannot read the promise")?;
    found
        .map(|(customer_id, made, promised, minor, currency)| {
            let currency = rows::currency(&currency)?;
            Ok(PromiseRow {
                customer_id,
                made_on: rows::date(&made)?,
                promised_on: rows::date(&promised)?,
                amount: rows::amount(minor, currency),
                currency,
            })
        })
        .transpose()
}

/// One entry of the follow-up log, as `dun log list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// Its id.
    pub id: i64,
    /// Its customer's code.
    pub code: String,
    /// The day it was logged for.
    pub occurred_on: NaiveDate,
    /// Its kind, as stored.
    pub kind: String,
    /// The stage it performed.
    pub stage: Option<String>,
    /// What came of it.
    pub outcome: Option<String>,
    /// Free note.
    pub note: Option<String>,
    /// The entry that voids it, if it was removed.
    pub voided_by: Option<i64>,
    /// It is itself a correction: a note saying what was removed.
    pub correction: bool,
}

/// One promise, as `dun promise list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseListed {
    /// Its id.
    pub id: i64,
    /// Its customer's code.
    pub code: String,
    /// The promise.
    pub promise: PromiseRow,
}

impl super::Store {
    /// The follow-up log, oldest first, of one customer or all.
    pub fn follow_up_log(&self, customer: Option<CustomerId>) -> Result<Vec<LogRow>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT a.id, c.code, a.occurred_on, a.kind, a.stage, a.outcome, a.note,
                        (SELECT v.id FROM activity v WHERE v.voids = a.id), a.corrects IS NOT NULL
                 FROM activity a JOIN customer c ON c.id = a.customer_id
                 WHERE ?1 IS NULL OR a.customer_id = ?1 ORDER BY a.id",
            )
            .context("cannot read the follow-up log")?;
        let rows = stmt
            .query_map([customer], |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?),
                    (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
                ))
            })
            .context("cannot read the follow-up log")?;
        rows.map(|row| {
            let ((id, code, on, kind), (stage, outcome, note, voided_by, correction)) =
                row.context("cannot read the follow-up log")?;
            Ok(LogRow {
                id,
                code,
                occurred_on: rows::date(&on)?,
                kind,
                stage,
                outcome,
                note,
                voided_by,
                correction,
            })
        })
        .collect()
    }

    /// Every promise, oldest first, of one customer or all.
    pub fn promise_list(&self, customer: Option<CustomerId>) -> Result<Vec<PromiseListed>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT p.id, c.code FROM promise p JOIN customer c ON c.id = p.customer_id
                 WHERE ?1 IS NULL OR p.customer_id = ?1 ORDER BY p.id",
            )
            .context("cannot read the promises")?;
        let ids: Vec<(i64, String)> = stmt
            .query_map([customer], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(Iterator::collect)
            .context("cannot read the promises")?;
        ids.into_iter()
            .filter_map(|(id, code)| {
                promise_row(self.conn(), id)
                    .transpose()
                    .map(|p| p.map(|promise| PromiseListed { id, code, promise }))
            })
            .collect()
    }
}
