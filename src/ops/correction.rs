//! Corrections: taking back a follow-up, a payment or a promise recorded by
//! mistake. The follow-up log stays append-only: a follow-up removed is
//! voided by a new entry saying what it was and why, and the engine reads
//! neither. A payment or a promise removed is gone from the account, and a
//! note in the log keeps the trace. One transaction, with the measure
//! history brought up to date in it.

use super::measures::{Before, in_account};
use super::{Context, Field, OpError, Result, input};
use crate::store::{Correction, Corrects, Store, Tx};
use dun_core::ledger::CustomerId;
use dun_core::money::Money;

/// One entry of the ledger a correction takes back, by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// An entry of the follow-up log.
    FollowUp(i64),
    /// A payment.
    Payment(i64),
    /// A promise to pay.
    Promise(i64),
}

/// Remove entries recorded by mistake, all of one customer, at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remove {
    /// What to take back.
    pub entries: Vec<Entry>,
    /// Why, for the history.
    pub reason: String,
}

/// What [`remove`] took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// The customer's code.
    pub code: String,
    /// Each entry removed, described ("the call of 2026-11-22").
    pub what: Vec<String>,
}

/// Removes entries in one transaction; every entry must exist, be one
/// customer's and not be removed already.
pub fn remove(store: &mut Store, ctx: &Context, req: &Remove) -> Result<Removed> {
    let reason = input::text(Field::Reason, &req.reason)?.unwrap_or_default();
    let Some(first) = req.entries.first() else {
        return Err(OpError::Refused("nothing to remove".into()));
    };
    let customer_id = customer_of(store, *first)?;
    let code = store.customer_by_id(customer_id)?.code;
    let what = in_account(store, ctx, customer_id, Before::Skip(ctx.as_of), |tx| {
        req.entries
            .iter()
            .map(|entry| take_back(tx, ctx, customer_id, *entry, &reason))
            .collect::<Result<Vec<String>>>()
    })?;
    Ok(Removed { code, what })
}

/// The customer an entry belongs to, or why it cannot be removed.
fn customer_of(store: &Store, entry: Entry) -> Result<CustomerId> {
    let found = match entry {
        Entry::FollowUp(id) => store.voidable(id)?.map(|v| v.customer_id),
        Entry::Payment(id) => store.payment_row(id)?.map(|p| p.customer_id),
        Entry::Promise(id) => store.promise_row(id)?.map(|p| p.customer_id),
    };
    found.ok_or_else(|| missing(entry))
}

fn missing(entry: Entry) -> OpError {
    let (what, id) = match entry {
        Entry::FollowUp(id) => ("follow-up", id),
        Entry::Payment(id) => ("payment", id),
        Entry::Promise(id) => ("promise", id),
    };
    OpError::Refused(format!("there is no {what} {id}"))
}

/// Takes one entry back inside the transaction, re-reading it there;
/// returns what it was.
fn take_back(
    tx: &Tx<'_>,
    ctx: &Context,
    customer_id: CustomerId,
    entry: Entry,
    reason: &str,
) -> Result<String> {
    let other = || OpError::Refused("the entries removed at once must be one customer's".into());
    match entry {
        Entry::FollowUp(id) => {
            let found = tx.voidable(id)?.ok_or_else(|| missing(entry))?;
            if found.customer_id != customer_id {
                return Err(other());
            }
            if found.correction {
                return Err(OpError::Refused(format!(
                    "follow-up {id} records a correction; it stays"
                )));
            }
            if found.voided {
                return Err(OpError::Refused(format!(
                    "follow-up {id} was removed already"
                )));
            }
            let what = format!("the {} of {}", found.kind, found.occurred_on);
            trace(
                tx,
                ctx,
                customer_id,
                Corrects::FollowUp(id),
                (&what, reason),
            )?;
            Ok(what)
        }
        Entry::Payment(id) => {
            let found = tx.payment_row(id)?.ok_or_else(|| missing(entry))?;
            if found.customer_id != customer_id {
                return Err(other());
            }
            if !found.written_off.is_empty() {
                return Err(OpError::Refused(format!(
                    "payment {id} paid {}, written off since; it stays",
                    found.written_off.join(", ")
                )));
            }
            let money = Money::new(found.amount, found.currency).display(ctx.locale);
            let what = format!("the payment of {money} received {}", found.paid_on);
            tx.remove_payment(id)?;
            trace(tx, ctx, customer_id, Corrects::Payment, (&what, reason))?;
            Ok(what)
        }
        Entry::Promise(id) => {
            let found = tx.promise_row(id)?.ok_or_else(|| missing(entry))?;
            if found.customer_id != customer_id {
                return Err(other());
            }
            let money = Money::new(found.amount, found.currency).display(ctx.locale);
            let what = format!(
                "the promise of {money} by {} made {}",
                found.promised_on, found.made_on
            );
            tx.remove_promise(id)?;
            trace(tx, ctx, customer_id, Corrects::Promise, (&what, reason))?;
            Ok(what)
        }
    }
}

/// The note in the follow-up log that keeps the trace of a removal: what
/// was removed, and why.
fn trace(
    tx: &Tx<'_>,
    ctx: &Context,
    customer_id: CustomerId,
    corrects: Corrects,
    (what, why): (&str, &str),
) -> Result<()> {
    tx.log_correction(&Correction {
        customer_id,
        on: ctx.as_of,
        corrects,
        what: &format!("removed {what}"),
        why,
    })?;
    Ok(())
}
