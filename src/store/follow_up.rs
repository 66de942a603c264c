//! The follow-up log: activities, promises, plans, disputes, holds, and the
//! measure history kept in step with every write.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rust_decimal::Decimal;

use super::measures::{Event, insert_event};
use super::rows::{self, iso};
use super::{Context, Result, StoreError, Tx, now_stamp};
use dun_core::dunning::{ActivityKind, Measure};
use dun_core::ledger::{CustomerId, Invoice, InvoiceId};
use dun_core::money::Currency;

/// A follow-up to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    /// The customer.
    pub customer_id: CustomerId,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// Call, email, …
    pub kind: ActivityKind,
    /// The ladder stage it performed, if logged for one.
    pub stage: Option<String>,
    /// What came of it ("promised to pay Friday", "no answer").
    pub outcome: Option<String>,
    /// Free note.
    pub note: Option<String>,
    /// When to follow up next.
    pub next_on: Option<NaiveDate>,
    /// The invoices it concerned; empty for the whole account.
    pub invoices: Vec<InvoiceId>,
}

/// A promise to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromise {
    /// The customer.
    pub customer_id: CustomerId,
    /// When it was made.
    pub made_on: NaiveDate,
    /// The date promised.
    pub promised_on: NaiveDate,
    /// The amount promised.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// Free note.
    pub note: Option<String>,
    /// The invoices it covers; empty for all open ones.
    pub invoices: Vec<InvoiceId>,
}

/// A payment plan to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    /// The customer.
    pub customer_id: CustomerId,
    /// When it was agreed.
    pub created_on: NaiveDate,
    /// Its currency.
    pub currency: Currency,
    /// (due date, amount) of each instalment.
    pub instalments: Vec<(NaiveDate, Decimal)>,
    /// The invoices it covers; empty for all open ones.
    pub invoices: Vec<InvoiceId>,
    /// Free note.
    pub note: Option<String>,
}

impl Tx<'_> {
    /// Logs a follow-up.
    pub(crate) fn log_activity(&self, activity: &NewActivity) -> Result<i64> {
        insert_activity(self.sql(), activity)
    }

    /// Records a promise to pay.
    pub(crate) fn add_promise(&self, promise: &NewPromise) -> Result<i64> {
        insert_promise(self.sql(), promise)
    }

    /// Records a payment plan.
    pub(crate) fn add_plan(&self, plan: &NewPlan) -> Result<i64> {
        let mut minors = Vec::new();
        for (date, amount) in &plan.instalments {
            minors.push((*date, rows::minor(*amount, plan.currency)?));
        }
        let tx = self.sql();
        tx.execute(
                "INSERT INTO plan (customer_id, created_on, currency, note, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![plan.customer_id, iso(plan.created_on), plan.currency.as_str(), plan.note, now_stamp()],
            )
            .context("cannot record the plan")?;
        let id = tx.last_insert_rowid();
        for (date, minor) in &minors {
            tx.execute(
                "INSERT INTO instalment (plan_id, due_on, amount_minor) VALUES (?1, ?2, ?3)",
                params![id, iso(*date), minor],
            )
            .context("cannot record an instalment")?;
        }
        link(
            tx,
            "INSERT INTO plan_invoice (plan_id, invoice_id) VALUES (?1, ?2)",
            id,
            &plan.invoices,
        )?;
        Ok(id)
    }

    /// Opens a dispute on an open invoice.
    pub(crate) fn open_dispute(
        &self,
        invoice: &Invoice,
        on: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let number = &invoice.number;
        let tx = self.sql();
        if open_dispute_of(tx, invoice.id)?.is_some() {
            return Err(StoreError::Refused(format!(
                "invoice {number} is already disputed"
            )));
        }
        tx.execute(
                "INSERT INTO dispute (invoice_id, opened_on, reason, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                params![invoice.id, iso(on), reason, now_stamp()],
            )
            .context("cannot record the dispute")?;
        Ok(())
    }

    /// Resolves the open dispute of an invoice.
    pub(crate) fn resolve_dispute(
        &self,
        invoice: &Invoice,
        on: NaiveDate,
        resolution: Option<&str>,
    ) -> Result<()> {
        let number = &invoice.number;
        let tx = self.sql();
        let Some((id, opened)) = open_dispute_of(tx, invoice.id)? else {
            return Err(StoreError::Refused(format!(
                "invoice {number} has no open dispute"
            )));
        };
        if on < opened {
            return Err(StoreError::Refused(format!(
                "the dispute on {number} was opened {opened}; it cannot be resolved on {on}"
            )));
        }
        tx.execute(
            "UPDATE dispute SET resolved_on = ?2, resolution = ?3 WHERE id = ?1",
            params![id, iso(on), resolution],
        )
        .context("cannot resolve the dispute")?;
        Ok(())
    }

    /// Puts a customer on hold by hand.
    pub(crate) fn hold(&self, customer_id: CustomerId, on: NaiveDate, reason: &str) -> Result<()> {
        let tx = self.sql();
        let active: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM hold WHERE customer_id = ?1 AND released_on IS NULL)",
                [customer_id],
                |r| r.get(0),
            )
            .context("cannot read holds")?;
        if active {
            return Err(StoreError::Refused(
                "the customer is already on hold".into(),
            ));
        }
        let released: Option<String> = tx
            .query_row(
                "SELECT MAX(released_on) FROM hold WHERE customer_id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .context("cannot read holds")?;
        if let Some(released) = rows::opt_date(released)?
            && on < released
        {
            return Err(StoreError::Refused(format!(
                "the last hold was released {released}; a new one cannot start on {on}"
            )));
        }
        tx.execute(
                "INSERT INTO hold (customer_id, started_on, reason, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                params![customer_id, iso(on), reason, now_stamp()],
            )
            .context("cannot record the hold")?;
        insert_event(
            self,
            customer_id,
            &Event {
                measure: Measure::Hold,
                start: true,
                on,
                reason,
                invoice_id: None,
                recorded_on: on,
                by_hand: false,
            },
        )
    }

    /// Releases a customer's hold.
    pub(crate) fn release(
        &self,
        customer_id: CustomerId,
        on: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let tx = self.sql();
        let started: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, started_on FROM hold WHERE customer_id = ?1 AND released_on IS NULL",
                [customer_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("cannot read holds")?;
        let Some((id, started_on)) = started else {
            return Err(StoreError::Refused("the customer is not on hold".into()));
        };
        if on < rows::date(&started_on)? {
            return Err(StoreError::Refused(format!(
                "the hold started {started_on}; it cannot be released on {on}"
            )));
        }
        tx.execute(
            "UPDATE hold SET released_on = ?2, release_reason = ?3 WHERE id = ?1",
            params![id, iso(on), reason],
        )
        .context("cannot release the hold")?;
        insert_event(
            self,
            customer_id,
            &Event {
                measure: Measure::Hold,
                start: false,
                on,
                reason,
                invoice_id: None,
                recorded_on: on,
                by_hand: false,
            },
        )
    }
}

fn insert_promise(tx: &Transaction<'_>, promise: &NewPromise) -> Result<i64> {
    let minor = rows::minor(promise.amount, promise.currency)?;
    tx.execute(
        "INSERT INTO promise (customer_id, made_on, promised_on, amount_minor, currency, note, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            promise.customer_id,
            iso(promise.made_on),
            iso(promise.promised_on),
            minor,
            promise.currency.as_str(),
            promise.note,
            now_stamp()
        ],
    )
    .context("cannot record the promise")?;
    let id = tx.last_insert_rowid();
    link(
        tx,
        "INSERT INTO promise_invoice (promise_id, invoice_id) VALUES (?1, ?2)",
        id,
        &promise.invoices,
    )?;
    Ok(id)
}

fn open_dispute_of(conn: &Connection, invoice_id: InvoiceId) -> Result<Option<(i64, NaiveDate)>> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, opened_on FROM dispute WHERE invoice_id = ?1 AND resolved_on IS NULL",
            [invoice_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .context("cannot read disputes")?;
    found.map(|(id, on)| Ok((id, rows::date(&on)?))).transpose()
}

fn link(tx: &Transaction<'_>, sql: &str, owner: i64, invoices: &[InvoiceId]) -> Result<()> {
    let mut stmt = tx.prepare_cached(sql).context("cannot link invoices")?;
    for invoice in invoices {
        stmt.execute(params![owner, invoice])
            .context("cannot link invoices")?;
    }
    Ok(())
}

pub(crate) fn insert_activity(tx: &Transaction<'_>, a: &NewActivity) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO activity (customer_id, occurred_on, kind, stage, outcome, note, next_on, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            a.customer_id,
            iso(a.occurred_on),
            a.kind.as_str(),
            a.stage,
            a.outcome,
            a.note,
            a.next_on.map(iso),
            now_stamp()
        ])
    })
    .context("cannot log the follow-up")?;
    let id = tx.last_insert_rowid();
    link(
        tx,
        "INSERT INTO activity_invoice (activity_id, invoice_id) VALUES (?1, ?2)",
        id,
        &a.invoices,
    )?;
    Ok(id)
}
