//! Payments: typed in, or a waiting bank line allocated to its payer.

use chrono::NaiveDate;

use super::measures::{Before, in_account};
use super::{Context, CustomerRef, Field, InvoiceRef, OpError, Result, input};
use crate::store::{NewPayment, Store};
use dun_core::ledger::{Customer, Invoice, PaymentId};
use dun_core::money::Money;

/// Record a payment received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPayment {
    /// The payer.
    pub customer: CustomerRef,
    /// The amount, as typed.
    pub amount: String,
    /// Its currency, as typed (empty: the configured one).
    pub currency: String,
    /// The day it was received: not after the as-of date.
    pub paid_on: NaiveDate,
    /// The invoice the payer named, if any: applied to it first.
    pub invoice: Option<String>,
    /// The bank's or the payer's reference.
    pub reference: String,
    /// How it was paid (transfer, card…).
    pub method: String,
}

/// A payment written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Its id.
    pub id: PaymentId,
    /// The payer.
    pub customer: Customer,
    /// How much.
    pub money: Money,
}

/// Records a payment and applies it: to the named invoice first, then
/// oldest due first; the rest stays on account.
pub fn record_payment(store: &mut Store, ctx: &Context, req: &RecordPayment) -> Result<Recorded> {
    let money = input::positive_money(ctx, Field::Amount, &req.amount, &req.currency)?;
    received_by(ctx, req.paid_on)?;
    let reference = input::text(Field::Reference, &req.reference)?;
    let method = input::text(Field::Method, &req.method)?;
    let customer = input::customer(store, Some(Field::Customer), &req.customer)?;
    let invoice = match &req.invoice {
        Some(number) if !number.trim().is_empty() => Some(input::payable(
            store,
            Some(Field::Invoice),
            &InvoiceRef::Number(number.clone()),
        )?),
        _ => None,
    };
    let payment = NewPayment {
        customer_id: customer.id,
        paid_on: req.paid_on,
        amount: money.amount,
        currency: money.currency,
        method,
        reference,
        invoice_id: invoice.as_ref().map(|i| i.id),
    };
    check_payable(store, invoice.as_ref(), &payment)?;
    let id = in_account(store, ctx, customer.id, Before::On(payment.paid_on), |tx| {
        Ok(tx.insert_payment(&payment)?)
    })?;
    Ok(Recorded {
        id,
        customer,
        money,
    })
}

/// A payment is recorded once it is received: never dated after the as-of
/// date, typed in or from a bank line.
fn received_by(ctx: &Context, paid_on: NaiveDate) -> Result<()> {
    if paid_on > ctx.as_of {
        return Err(OpError::invalid(
            Field::Date,
            format!(
                "{paid_on} is after {}, the date dun works as of; a payment is recorded once it is received",
                ctx.as_of
            ),
        ));
    }
    Ok(())
}

/// A payment naming an invoice it cannot pay is refused, whichever front
/// end it came from.
fn check_payable(store: &Store, invoice: Option<&Invoice>, payment: &NewPayment) -> Result<()> {
    let Some(invoice) = invoice else {
        return Ok(());
    };
    store
        .check_payable(invoice.id, payment)
        .map_err(|e| match e {
            crate::store::StoreError::Refused(why) => OpError::invalid(Field::Invoice, why),
            other => OpError::Store(other),
        })
}

/// Allocate a bank line that waited for the bookkeeper to its payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocateBankLine {
    /// The waiting line's id.
    pub receipt: i64,
    /// The payer; when not given, the customer of the invoices.
    pub customer: Option<CustomerRef>,
    /// The invoices it pays, in the order given: none (on account), one
    /// (paid first, the rest by the usual rules) or several (each paid in
    /// full in turn while the money lasts, the rest by the usual rules).
    pub invoices: Vec<String>,
}

/// Records a waiting bank line as a payment, once only; returns the
/// payment's id, the payer and the amount.
pub fn allocate_bank_line(
    store: &mut Store,
    ctx: &Context,
    req: &AllocateBankLine,
) -> Result<Recorded> {
    let receipt = store.waiting_payment(req.receipt)?;
    let mut invoices: Vec<Invoice> = Vec::new();
    for number in req.invoices.iter().filter(|n| !n.trim().is_empty()) {
        let invoice = input::payable(
            store,
            Some(Field::Invoice),
            &InvoiceRef::Number(number.clone()),
        )?;
        if !invoices.iter().any(|i| i.id == invoice.id) {
            invoices.push(invoice);
        }
    }
    let customer = match (&req.customer, invoices.first()) {
        (Some(customer), _) => input::customer(store, Some(Field::Customer), customer)?,
        (None, Some(invoice)) => store.customer_by_id(invoice.customer_id)?,
        (None, None) => {
            return Err(OpError::Refused(
                "say who paid: --customer CODE, --invoice NUMBER or both".into(),
            ));
        }
    };
    let first = match invoices.as_slice() {
        [one] => Some(one.id),
        _ => None,
    };
    let payment = receipt.as_payment(customer.id, first);
    received_by(ctx, payment.paid_on)?;
    for invoice in &invoices {
        check_payable(store, Some(invoice), &payment)?;
    }
    let split = if invoices.len() > 1 {
        split_in_turn(&invoices, receipt.amount_minor, payment.currency)?
    } else {
        Vec::new()
    };
    let id = in_account(store, ctx, customer.id, Before::On(payment.paid_on), |tx| {
        Ok(tx.allocate_receipt(&receipt, &payment, &split)?)
    })?;
    Ok(Recorded {
        id,
        customer,
        money: Money::new(payment.amount, payment.currency),
    })
}

/// Each invoice's open balance in turn, while the amount lasts.
fn split_in_turn(
    invoices: &[Invoice],
    mut minor: i64,
    currency: dun_core::money::Currency,
) -> Result<Vec<(dun_core::ledger::InvoiceId, i64)>> {
    let mut split = Vec::new();
    for invoice in invoices {
        let open = currency
            .to_minor(invoice.open)
            .map_err(|e| OpError::invalid(Field::Invoice, e.to_string()))?;
        let part = open.min(minor);
        if part == 0 {
            return Err(OpError::invalid(
                Field::Invoice,
                format!(
                    "{} is paid already, or the line's money is spent before it",
                    crate::text::sanitize(&invoice.number)
                ),
            ));
        }
        split.push((invoice.id, part));
        minor -= part;
    }
    Ok(split)
}
