//! Invoices and customers typed in.

use chrono::NaiveDate;

use super::measures::{Before, in_account};
use super::{Context, CustomerRef, Field, OpError, Result, input};
use crate::store::{NewInvoice, Store};
use dun_core::ledger::{Customer, CustomerId, DocumentKind, InvoiceId};
use dun_core::money::Money;

/// Add an invoice or a credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddInvoice {
    /// Its number, unique in the ledger.
    pub number: String,
    /// The customer's code.
    pub customer: String,
    /// Issue date.
    pub issued: NaiveDate,
    /// Due date: on or after the issue date.
    pub due: NaiveDate,
    /// The amount, as typed: positive, also for a credit note.
    pub amount: String,
    /// Its currency, as typed (empty: the configured one).
    pub currency: String,
    /// True for a credit note.
    pub credit_note: bool,
}

/// Adds an invoice or credit note and applies any credit waiting on the
/// account; returns its id, the customer and the amount.
pub fn add_invoice(
    store: &mut Store,
    ctx: &Context,
    req: &AddInvoice,
) -> Result<(InvoiceId, Customer, Money)> {
    let number = input::required(Field::Number, &req.number)?;
    let money = input::money(ctx, Field::Amount, &req.amount, &req.currency)?;
    if money.amount <= rust_decimal::Decimal::ZERO {
        return Err(OpError::invalid(
            Field::Amount,
            format!(
                "'{}' must be positive; for a credit note give its amount with --credit-note",
                req.amount.trim()
            ),
        ));
    }
    let customer = input::customer(
        store,
        Some(Field::Customer),
        &CustomerRef::Code(req.customer.clone()),
    )?;
    let kind = if req.credit_note {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let invoice = NewInvoice {
        number,
        customer_id: customer.id,
        kind,
        issue_date: req.issued,
        due_date: req.due,
        amount: money.amount,
        currency: money.currency,
    };
    // A credit note takes balance away: what was reached before it is
    // recorded as of its date first.
    let before = match kind {
        DocumentKind::CreditNote => Before::On(req.issued),
        DocumentKind::Invoice => Before::On(NaiveDate::MAX),
    };
    let id = in_account(store, ctx, customer.id, before, |tx| {
        Ok(tx.insert_invoice(&invoice)?)
    })?;
    Ok((id, customer, money))
}

/// Adds a customer whose fields the front end has checked; refuses a code
/// already in use. Returns its id.
pub fn add_customer(store: &mut Store, customer: &Customer) -> Result<CustomerId> {
    store.write(|tx| Ok(tx.insert_customer(customer)?))
}

/// Writes back an edited customer. Its profile and credit limit change its
/// measures, so the measure history is brought up to date.
pub fn edit_customer(store: &mut Store, ctx: &Context, customer: &Customer) -> Result<()> {
    in_account(store, ctx, customer.id, Before::On(ctx.as_of), |tx| {
        Ok(tx.update_customer(customer)?)
    })
}

/// Replace a customer's notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditNotes {
    /// The customer.
    pub customer: CustomerRef,
    /// The notes as typed; empty clears them.
    pub notes: String,
}

/// Replaces a customer's notes; returns its code.
pub fn edit_notes(store: &mut Store, ctx: &Context, req: &EditNotes) -> Result<String> {
    let mut customer = input::customer(store, None, &req.customer)?;
    customer.notes = input::notes(&req.notes)?;
    edit_customer(store, ctx, &customer)?;
    Ok(customer.code)
}
