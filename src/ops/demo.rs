//! Writing the demo ledger: the generated accounts in one bulk load, then a
//! showcase of promises, a dispute, a plan, a hold and a follow-up date
//! through the same writes the bookkeeper's requests use, then the measure
//! history.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::measures::{Before, in_account, sync_measures};
use super::{Context, OpError, Result};
use crate::demo::{DemoAccount, DemoOptions, generate};
use crate::store::{BulkWriter, NewActivity, NewPlan, NewPromise, Store, StoreError};
use dun_core::dunning::{ActivityKind, OpenInvoice};
use dun_core::ledger::{CustomerId, DocumentKind};
use dun_core::money::Currency;

/// Writes the demo ledger into an empty store; returns how many measure
/// starts and lifts were recorded.
pub fn load_demo(store: &mut Store, ctx: &Context, options: &DemoOptions) -> Result<usize> {
    let currency = ctx.currency;
    store.bulk(|writer| {
        generate(options, ctx.policy.ladder(None), |account| {
            write_account(writer, &account, currency)
        })
    })?;
    showcase(store, ctx)?;
    sync_measures(store, ctx)
}

/// One generated account: customer, documents, payments, allocations and
/// its follow-up history.
fn write_account(
    writer: &mut BulkWriter<'_>,
    account: &DemoAccount,
    currency: Currency,
) -> crate::store::Result<()> {
    let id = writer.customer(&account.customer)?;
    if id != account.customer.id {
        return Err(StoreError::Refused("the demo ledger was not empty".into()));
    }
    for doc in &account.documents {
        let offer = match doc.kind {
            DocumentKind::Invoice => {
                account
                    .customer
                    .discount_for(doc.amount, doc.currency, doc.issue_date)
            }
            DocumentKind::CreditNote => None,
        };
        writer.document(doc, offer)?;
    }
    for payment in &account.payments {
        writer.payment(payment)?;
    }
    for (allocation, on) in &account.allocations {
        let currency = account
            .documents
            .iter()
            .find(|d| d.id == allocation.invoice_id)
            .map_or(currency, |d| d.currency);
        writer.allocation(allocation, *on, currency)?;
    }
    for (activity, outcome) in &account.activities {
        writer.activity(account.customer.id, activity, *outcome)?;
    }
    Ok(())
}

/// A pending promise, a broken one, a dispute, a payment plan, a hold and a
/// follow-up date, each on a different customer with overdue invoices.
fn showcase(store: &mut Store, ctx: &Context) -> Result<()> {
    let as_of = ctx.as_of;
    let days = |n: i64| {
        as_of
            .checked_add_signed(chrono::TimeDelta::days(n))
            .unwrap_or(as_of)
    };
    let mut role = 0;
    for customer_id in 5..=40 {
        let Some(account) = store.accounts(as_of, Some(customer_id))?.pop() else {
            continue;
        };
        let overdue: Vec<&OpenInvoice> = account
            .invoices
            .iter()
            .filter(|i| i.due_date < days(-20) && i.currency == Currency::EUR)
            .collect();
        if overdue.is_empty() {
            continue;
        }
        let shown = Showcase {
            customer_id,
            total: overdue.iter().map(|i| i.open).sum(),
            invoices: overdue.iter().map(|i| i.id).collect(),
            first: overdue[0].number.clone(),
        };
        if !shown.write(store, ctx, role, &days)? {
            break;
        }
        role += 1;
    }
    Ok(())
}

/// One customer's part in the showcase.
struct Showcase {
    customer_id: CustomerId,
    total: Decimal,
    invoices: Vec<i64>,
    first: String,
}

impl Showcase {
    /// Writes the showcase's `role`-th piece; false once all are written.
    fn write(
        &self,
        store: &mut Store,
        ctx: &Context,
        role: usize,
        days: &dyn Fn(i64) -> NaiveDate,
    ) -> Result<bool> {
        let id = self.customer_id;
        let promise = |made: i64, promised: i64| NewPromise {
            customer_id: id,
            made_on: days(made),
            promised_on: days(promised),
            amount: self.total,
            currency: Currency::EUR,
            note: None,
            invoices: self.invoices.clone(),
        };
        let on = |n: i64| Before::On(days(n));
        match role {
            0 => write(store, ctx, id, on(-2), |tx| {
                tx.add_promise(&promise(-2, 5)).map(drop)
            }),
            1 => write(store, ctx, id, on(-12), |tx| {
                tx.add_promise(&promise(-12, -3)).map(drop)
            }),
            2 => {
                let invoice = store.invoice_by_number(&self.first)?;
                let reason = "goods damaged in transit; credit note requested";
                write(store, ctx, id, on(-9), |tx| {
                    tx.open_dispute(&invoice, days(-9), reason)
                })
            }
            3 => {
                let third = (self.total / Decimal::from(3)).round_dp(2);
                let plan = NewPlan {
                    customer_id: id,
                    created_on: days(-3),
                    currency: Currency::EUR,
                    instalments: vec![
                        (days(7), third),
                        (days(37), third),
                        (days(67), self.total - third - third),
                    ],
                    invoices: self.invoices.clone(),
                    note: Some("agreed with the owner by phone".into()),
                };
                write(store, ctx, id, on(-3), |tx| tx.add_plan(&plan).map(drop))
            }
            4 => write(store, ctx, id, on(-20), |tx| {
                tx.hold(id, days(-20), "awaiting a signed personal guarantee")
            }),
            5 => {
                let call = NewActivity {
                    customer_id: id,
                    occurred_on: days(-4),
                    kind: ActivityKind::Call,
                    stage: None,
                    outcome: Some("CFO on holiday until Friday".into()),
                    note: None,
                    next_on: Some(days(-1)),
                    invoices: Vec::new(),
                };
                write(store, ctx, id, Before::Skip(days(-4)), |tx| {
                    tx.log_activity(&call).map(drop)
                })
            }
            _ => return Ok(false),
        }?;
        Ok(true)
    }
}

/// One showcase write through the write path's transaction.
fn write(
    store: &mut Store,
    ctx: &Context,
    customer_id: CustomerId,
    before: Before,
    work: impl FnOnce(&crate::store::Tx<'_>) -> crate::store::Result<()>,
) -> Result<()> {
    in_account(store, ctx, customer_id, before, |tx| {
        work(tx).map_err(OpError::from)
    })
}
