//! Promises, payment plans and the payments that keep them, as the engine
//! reads them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Customers;
use super::rows::{self, iso};
use super::{Context, Result};
use dun_core::dunning::{Plan, Promise, Receipt};
use dun_core::ledger::{CustomerId, InvoiceId};

/// Promises and plans, each with its customer.
pub(super) type Commitments = (Vec<(CustomerId, Promise)>, Vec<(CustomerId, Plan)>);

pub(super) fn commitments(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Commitments> {
    let linked = |sql: &str| -> Result<HashMap<i64, Vec<InvoiceId>>> {
        let mut stmt = conn
            .prepare_cached(sql)
            .context("cannot read promises and plans")?;
        let rows = stmt
            .query_map(params![customer.0, customer.1], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .context("cannot read promises and plans")?;
        let mut map: HashMap<i64, Vec<InvoiceId>> = HashMap::new();
        for row in rows {
            let (owner, invoice) = row.context("cannot read promises and plans")?;
            map.entry(owner).or_default().push(invoice);
        }
        Ok(map)
    };
    // Only the rows of these customers' promises and plans: evaluation
    // reads the ledger a chunk of customers at a time.
    let mut promise_invoices = linked(
        "SELECT l.promise_id, l.invoice_id FROM promise_invoice l
         JOIN promise p ON p.id = l.promise_id WHERE p.customer_id BETWEEN ?1 AND ?2",
    )?;
    let mut plan_invoices = linked(
        "SELECT l.plan_id, l.invoice_id FROM plan_invoice l
         JOIN plan p ON p.id = l.plan_id WHERE p.customer_id BETWEEN ?1 AND ?2",
    )?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, customer_id, made_on, promised_on, amount_minor, currency FROM promise
             WHERE made_on <= ?1 AND customer_id BETWEEN ?2 AND ?3 ORDER BY made_on, id",
        )
        .context("cannot read promises")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .context("cannot read promises")?;
    let mut promises = Vec::new();
    for row in rows {
        let (id, customer_id, made, promised, amount, currency) =
            row.context("cannot read promise")?;
        let currency = rows::currency(&currency)?;
        promises.push((
            customer_id,
            Promise {
                id,
                made_on: rows::date(&made)?,
                promised_on: rows::date(&promised)?,
                amount: rows::amount(amount, currency),
                currency,
                invoices: promise_invoices.remove(&id).unwrap_or_default(),
            },
        ));
    }
    let mut instalments: HashMap<i64, Vec<(NaiveDate, rust_decimal::Decimal)>> = HashMap::new();
    let mut stmt = conn
        .prepare_cached(
            "SELECT i.plan_id, i.due_on, i.amount_minor, p.currency FROM instalment i
             JOIN plan p ON p.id = i.plan_id WHERE p.customer_id BETWEEN ?1 AND ?2
             ORDER BY i.plan_id, i.due_on",
        )
        .context("cannot read instalments")?;
    let rows = stmt
        .query_map(params![customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .context("cannot read instalments")?;
    for row in rows {
        let (plan, due, amount, currency) = row.context("cannot read instalment")?;
        let currency = rows::currency(&currency)?;
        instalments
            .entry(plan)
            .or_default()
            .push((rows::date(&due)?, rows::amount(amount, currency)));
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, customer_id, created_on, currency FROM plan
             WHERE created_on <= ?1 AND customer_id BETWEEN ?2 AND ?3 ORDER BY created_on, id",
        )
        .context("cannot read plans")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .context("cannot read plans")?;
    let mut plans = Vec::new();
    for row in rows {
        let (id, customer_id, created, currency) = row.context("cannot read plan")?;
        plans.push((
            customer_id,
            Plan {
                id,
                created_on: rows::date(&created)?,
                currency: rows::currency(&currency)?,
                instalments: instalments.remove(&id).unwrap_or_default(),
                invoices: plan_invoices.remove(&id).unwrap_or_default(),
            },
        ));
    }
    Ok((promises, plans))
}

/// The money of a customer's payments applied to each invoice from `since`
/// to `as_of`, dated the day it reached the invoice (the payment's value
/// date, or the invoice's issue date for credit waiting on account): what
/// keeps a promise or a plan is money that reached the invoices it covers.
pub(super) fn receipts(
    conn: &Connection,
    customer: CustomerId,
    since: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<Receipt>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.allocated_on, a.amount_minor, p.currency, a.invoice_id FROM allocation a
             JOIN payment p ON p.id = a.payment_id
             WHERE p.customer_id = ?1 AND a.allocated_on BETWEEN ?2 AND ?3
             ORDER BY a.allocated_on, p.id, a.id",
        )
        .context("cannot read payments")?;
    let rows = stmt
        .query_map(params![customer, iso(since), iso(as_of)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .context("cannot read payments")?;
    rows.map(|row| {
        let (paid, amount, currency, invoice) = row.context("cannot read payment")?;
        let currency = rows::currency(&currency)?;
        Ok(Receipt {
            paid_on: rows::date(&paid)?,
            amount: rows::amount(amount, currency),
            currency,
            invoice,
        })
    })
    .collect()
}
