//! Disputes, holds and write-offs: what takes an invoice or an account off
//! the ladder, and puts it back.

use rust_decimal::Decimal;

use super::measures::{Before, in_account, in_force};
use super::{Context, CustomerRef, Field, InvoiceRef, OpError, Result, input};
use crate::store::Store;
use dun_core::dunning::Measure;
use dun_core::ledger::{DocumentKind, Invoice};
use dun_core::money::Money;

/// Open a dispute on an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// The invoice's number.
    pub invoice: String,
    /// What the customer contests.
    pub reason: String,
}

/// Opens a dispute as of the as-of date; returns the invoice.
pub fn open_dispute(store: &mut Store, ctx: &Context, req: &Dispute) -> Result<Invoice> {
    let reason = input::required(Field::Reason, &req.reason)?;
    let invoice = input::invoice(store, None, &InvoiceRef::Number(req.invoice.clone()))?;
    let number = &invoice.number;
    if invoice.kind != DocumentKind::Invoice || invoice.open.is_zero() {
        return Err(OpError::Refused(format!(
            "invoice {number} is not open; nothing to dispute"
        )));
    }
    if ctx.as_of < invoice.issue_date {
        return Err(OpError::Refused(format!(
            "invoice {number} was issued {}; it cannot be disputed on {}",
            invoice.issue_date, ctx.as_of
        )));
    }
    in_account(
        store,
        ctx,
        invoice.customer_id,
        Before::On(ctx.as_of),
        |tx| Ok(tx.open_dispute(&invoice, ctx.as_of, &reason)?),
    )?;
    Ok(invoice)
}

/// Resolve the open dispute of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveDispute {
    /// The invoice's number.
    pub invoice: String,
    /// How it was resolved (optional).
    pub resolution: String,
}

/// Resolves a dispute as of the as-of date; returns the invoice.
pub fn resolve_dispute(store: &mut Store, ctx: &Context, req: &ResolveDispute) -> Result<Invoice> {
    let resolution = input::text(Field::Resolution, &req.resolution)?;
    let invoice = input::invoice(store, None, &InvoiceRef::Number(req.invoice.clone()))?;
    in_account(
        store,
        ctx,
        invoice.customer_id,
        Before::On(ctx.as_of),
        |tx| Ok(tx.resolve_dispute(&invoice, ctx.as_of, resolution.as_deref())?),
    )?;
    Ok(invoice)
}

/// Put a customer on hold by hand, or release the hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// The customer.
    pub customer: CustomerRef,
    /// True to release the hold, false to start one.
    pub release: bool,
    /// Why.
    pub reason: String,
}

/// Starts or releases a hold as of the as-of date; returns the customer's
/// code. A release also lifts cash only by hand, when it is in force: with
/// a reason, the one way besides payment of the whole balance.
pub fn hold(store: &mut Store, ctx: &Context, req: &Hold) -> Result<String> {
    let reason = input::required(Field::Reason, &req.reason)?;
    let customer = input::customer(store, None, &req.customer)?;
    in_account(store, ctx, customer.id, Before::On(ctx.as_of), |tx| {
        if !req.release {
            return Ok(tx.hold(customer.id, ctx.as_of, &reason)?);
        }
        let in_force = in_force(tx, &ctx.policy, customer.id, ctx.as_of)?;
        let on_hold = in_force.contains(&Measure::Hold);
        let cash_only = in_force.contains(&Measure::CashOnly);
        if on_hold || !cash_only {
            tx.release(customer.id, ctx.as_of, &reason)?;
        }
        if cash_only {
            let why = format!("released by hand: {reason}");
            tx.lift_by_hand(customer.id, Measure::CashOnly, ctx.as_of, &why)?;
        }
        Ok(())
    })?;
    Ok(customer.code)
}

/// Write off what is still owed on an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    /// The invoice's number.
    pub invoice: String,
    /// Why (optional).
    pub reason: String,
}

/// Writes off an invoice as of the as-of date; returns the invoice and the
/// amount written off.
pub fn write_off(store: &mut Store, ctx: &Context, req: &WriteOff) -> Result<(Invoice, Money)> {
    let reason = input::text(Field::Reason, &req.reason)?;
    let invoice = input::invoice(store, None, &InvoiceRef::Number(req.invoice.clone()))?;
    let amount: Decimal = in_account(
        store,
        ctx,
        invoice.customer_id,
        Before::On(ctx.as_of),
        |tx| Ok(tx.write_off(&invoice.number, ctx.as_of, reason.as_deref(), ctx.locale)?),
    )?;
    let currency = invoice.currency;
    Ok((invoice, Money::new(amount, currency)))
}
