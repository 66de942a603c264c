//! Building the engine's account snapshots from the ledger, as of a date.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Result, Store, StoreError};
use crate::dunning::{
    Account, Activity, ActivityKind, Dispute, Hold, Measure, MeasureEvent, OpenInvoice, Plan,
    Promise, Receipt,
};
use crate::ledger::{CustomerId, DocumentKind, InvoiceId};
use crate::money::Money;

impl Store {
    /// Every customer's account as of a date (or one customer's).
    pub fn accounts(&self, as_of: NaiveDate, customer: Option<CustomerId>) -> Result<Vec<Account>> {
        accounts(self.conn(), as_of, customer)
    }
}

/// Reads accounts through any connection, so a write can evaluate the
/// ledger inside its own transaction.
pub(crate) fn accounts(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Option<CustomerId>,
) -> Result<Vec<Account>> {
    let mut accounts = customers(conn, customer)?;
    let index: HashMap<CustomerId, usize> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.customer_id, i))
        .collect();
    let slot = |id: CustomerId| index.get(&id).copied();

    let disputes = open_disputes(conn, as_of)?;
    let mut earliest = as_of;
    for doc in super::history::documents_as_of(conn, as_of, customer, true)? {
        if doc.kind != DocumentKind::Invoice {
            continue;
        }
        earliest = earliest.min(doc.issue_date);
        if let Some(i) = slot(doc.customer_id) {
            accounts[i].invoices.push(OpenInvoice {
                id: doc.id,
                number: doc.number,
                issue_date: doc.issue_date,
                due_date: doc.due_date,
                amount: doc.amount,
                open: doc.open,
                currency: doc.currency,
                dispute: disputes.get(&doc.id).cloned(),
            });
        }
    }
    let (promises, plans) = commitments(conn, as_of, customer)?;
    for (customer_id, promise) in promises {
        earliest = earliest.min(promise.made_on);
        if let Some(i) = slot(customer_id) {
            accounts[i].promises.push(promise);
        }
    }
    for (customer_id, plan) in plans {
        earliest = earliest.min(plan.created_on);
        if let Some(i) = slot(customer_id) {
            accounts[i].plans.push(plan);
        }
    }
    for dispute in disputes.values() {
        earliest = earliest.min(dispute.opened_on);
    }
    // Activities older than a month before the oldest open invoice, promise,
    // plan or dispute cannot perform any stage still in question.
    let since = earliest
        .checked_sub_days(chrono::Days::new(31))
        .unwrap_or(earliest);
    for (customer_id, activity) in activities(conn, since, as_of, customer)? {
        if let Some(i) = slot(customer_id) {
            accounts[i].activities.push(activity);
        }
    }
    let needs_payments: Vec<CustomerId> = accounts
        .iter()
        .filter(|a| !a.promises.is_empty() || !a.plans.is_empty())
        .map(|a| a.customer_id)
        .collect();
    for customer_id in needs_payments {
        if let Some(i) = slot(customer_id) {
            accounts[i].payments = receipts(conn, customer_id, since, as_of)?;
        }
    }
    for (customer_id, hold) in holds(conn, as_of, customer)? {
        if let Some(i) = slot(customer_id) {
            accounts[i].hold = Some(hold);
        }
    }
    for (customer_id, event) in measure_events(conn, as_of, customer)? {
        if let Some(i) = slot(customer_id) {
            accounts[i].measure_events.push(event);
        }
    }
    Ok(accounts)
}

fn customers(conn: &Connection, customer: Option<CustomerId>) -> Result<Vec<Account>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, code, policy_profile, credit_limit_minor, credit_currency, created_on
             FROM customer WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )
        .context("cannot read customers")?;
    let rows = stmt
        .query_map([customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .context("cannot read customers")?;
    rows.map(|row| {
        let (id, code, profile, limit, limit_currency, created) =
            row.context("cannot read customer")?;
        let mut account = Account::new(id, &code, rows::date(&created)?);
        account.profile = profile;
        if let (Some(minor), Some(currency)) = (limit, limit_currency) {
            let currency = rows::currency(&currency)?;
            account.credit_limit = Some(Money::new(rows::amount(minor, currency), currency));
        }
        Ok(account)
    })
    .collect()
}

fn open_disputes(conn: &Connection, as_of: NaiveDate) -> Result<HashMap<InvoiceId, Dispute>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT invoice_id, opened_on, reason FROM dispute
             WHERE opened_on <= ?1 AND (resolved_on IS NULL OR resolved_on > ?1)",
        )
        .context("cannot read disputes")?;
    let rows = stmt
        .query_map([iso(as_of)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context("cannot read disputes")?;
    rows.map(|row| {
        let (invoice, opened, reason) = row.context("cannot read dispute")?;
        Ok((
            invoice,
            Dispute {
                opened_on: rows::date(&opened)?,
                reason,
            },
        ))
    })
    .collect()
}

fn activities(
    conn: &Connection,
    since: NaiveDate,
    as_of: NaiveDate,
    customer: Option<CustomerId>,
) -> Result<Vec<(CustomerId, Activity)>> {
    let mut links: HashMap<i64, Vec<InvoiceId>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare_cached(
                "SELECT ai.activity_id, ai.invoice_id FROM activity_invoice ai
                 JOIN activity a ON a.id = ai.activity_id
                 WHERE a.occurred_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR a.customer_id = ?3)",
            )
            .context("cannot read the follow-up log")?;
        let rows = stmt
            .query_map(params![iso(since), iso(as_of), customer], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .context("cannot read the follow-up log")?;
        for row in rows {
            let (activity, invoice) = row.context("cannot read the follow-up log")?;
            links.entry(activity).or_default().push(invoice);
        }
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, customer_id, occurred_on, kind, stage, next_on FROM activity
             WHERE occurred_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR customer_id = ?3)
             ORDER BY occurred_on, id",
        )
        .context("cannot read the follow-up log")?;
    let rows = stmt
        .query_map(params![iso(since), iso(as_of), customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .context("cannot read the follow-up log")?;
    rows.map(|row| {
        let (id, customer_id, occurred, kind, stage, next) =
            row.context("cannot read the follow-up log")?;
        Ok((
            customer_id,
            Activity {
                occurred_on: rows::date(&occurred)?,
                kind: ActivityKind::parse(&kind),
                stage,
                invoices: links.remove(&id).unwrap_or_default(),
                next_on: rows::opt_date(next)?,
            },
        ))
    })
    .collect()
}

type Commitments = (Vec<(CustomerId, Promise)>, Vec<(CustomerId, Plan)>);

fn commitments(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Option<CustomerId>,
) -> Result<Commitments> {
    let linked = |sql: &str| -> Result<HashMap<i64, Vec<InvoiceId>>> {
        let mut stmt = conn
            .prepare_cached(sql)
            .context("cannot read promises and plans")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .context("cannot read promises and plans")?;
        let mut map: HashMap<i64, Vec<InvoiceId>> = HashMap::new();
        for row in rows {
            let (owner, invoice) = row.context("cannot read promises and plans")?;
            map.entry(owner).or_default().push(invoice);
        }
        Ok(map)
    };
    let mut promise_invoices = linked("SELECT promise_id, invoice_id FROM promise_invoice")?;
    let mut plan_invoices = linked("SELECT plan_id, invoice_id FROM plan_invoice")?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, customer_id, made_on, promised_on, amount_minor, currency FROM promise
             WHERE made_on <= ?1 AND (?2 IS NULL OR customer_id = ?2) ORDER BY made_on, id",
        )
        .context("cannot read promises")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer], |r| {
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
             JOIN plan p ON p.id = i.plan_id ORDER BY i.plan_id, i.due_on",
        )
        .context("cannot read instalments")?;
    let rows = stmt
        .query_map([], |r| {
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
             WHERE created_on <= ?1 AND (?2 IS NULL OR customer_id = ?2) ORDER BY created_on, id",
        )
        .context("cannot read plans")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer], |r| {
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

fn receipts(
    conn: &Connection,
    customer: CustomerId,
    since: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<Receipt>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT paid_on, amount_minor, currency FROM payment
             WHERE customer_id = ?1 AND paid_on BETWEEN ?2 AND ?3 ORDER BY paid_on, id",
        )
        .context("cannot read payments")?;
    let rows = stmt
        .query_map(params![customer, iso(since), iso(as_of)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context("cannot read payments")?;
    rows.map(|row| {
        let (paid, amount, currency) = row.context("cannot read payment")?;
        let currency = rows::currency(&currency)?;
        Ok(Receipt {
            paid_on: rows::date(&paid)?,
            amount: rows::amount(amount, currency),
            currency,
        })
    })
    .collect()
}

fn holds(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Option<CustomerId>,
) -> Result<Vec<(CustomerId, Hold)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT customer_id, started_on, reason FROM hold
             WHERE started_on <= ?1 AND (released_on IS NULL OR released_on > ?1)
               AND (?2 IS NULL OR customer_id = ?2)",
        )
        .context("cannot read holds")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context("cannot read holds")?;
    rows.map(|row| {
        let (customer_id, started, reason) = row.context("cannot read hold")?;
        Ok((
            customer_id,
            Hold {
                started_on: rows::date(&started)?,
                reason,
            },
        ))
    })
    .collect()
}

fn measure_events(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Option<CustomerId>,
) -> Result<Vec<(CustomerId, MeasureEvent)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT customer_id, measure, event, effective_on, reason FROM measure_event
             WHERE effective_on <= ?1 AND (?2 IS NULL OR customer_id = ?2) ORDER BY id",
        )
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .context("cannot read the measure history")?;
    rows.map(|row| {
        let (customer_id, measure, event, effective, reason) =
            row.context("cannot read the measure history")?;
        let measure = Measure::parse(&measure)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown measure '{measure}'")))?;
        Ok((
            customer_id,
            MeasureEvent {
                measure,
                start: event == "start",
                effective_on: rows::date(&effective)?,
                reason,
            },
        ))
    })
    .collect()
}
