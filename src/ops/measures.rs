//! The measure history kept in step with every write: before a write to an
//! account, the starts already reached are recorded as of the write's own
//! date; after it, the starts and lifts it causes, as of the as-of date.
//! The engine decides (`evaluate_account`); the store only keeps the rows.

use chrono::NaiveDate;

use super::{Context, Result};
use crate::store::{Customers, Latest, Recording, Store, Tx};
use dun_core::dunning::{Measure, Policy, evaluate_account};
use dun_core::ledger::CustomerId;

/// When a write can change what was reached before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Before {
    /// Record what was reached as of this date first (a payment dated in
    /// the past, a promise, a credit note).
    On(NaiveDate),
    /// Nothing before the write changes (a follow-up on its own, a new
    /// invoice): only the changes it causes are recorded. Lifts are dated
    /// no earlier than this date.
    Skip(NaiveDate),
}

impl Before {
    fn date(self) -> NaiveDate {
        match self {
            Before::On(d) | Before::Skip(d) => d,
        }
    }
}

/// Runs a write to one account in one transaction, with the measure
/// history brought up to date around it.
pub(crate) fn in_account<T>(
    store: &mut Store,
    ctx: &Context,
    customer_id: CustomerId,
    before: Before,
    work: impl FnOnce(&Tx<'_>) -> Result<T>,
) -> Result<T> {
    let on = ctx.history_on;
    let earlier = before.date().min(on);
    store.write(|tx| {
        if let Before::On(_) = before {
            record(tx, &ctx.policy, customer_id, earlier, None)?;
        }
        let value = work(tx)?;
        record(tx, &ctx.policy, customer_id, on, Some(earlier))?;
        Ok(value)
    })
}

/// The measures in force on an account as of a date, read inside the write.
pub(crate) fn in_force(
    tx: &Tx<'_>,
    policy: &Policy,
    customer_id: CustomerId,
    on: NaiveDate,
) -> Result<Vec<Measure>> {
    let accounts = tx.accounts_charging(
        on,
        Customers(customer_id, customer_id),
        !policy.terms.is_free(),
    )?;
    Ok(accounts
        .iter()
        .flat_map(|a| evaluate_account(a, policy, on).measures)
        .map(|m| m.measure)
        .collect())
}

/// Evaluates one account as of `on` and records its measure changes,
/// unless the history already holds later events (it is never rewritten).
fn record(
    tx: &Tx<'_>,
    policy: &Policy,
    customer_id: CustomerId,
    on: NaiveDate,
    lift_on: Option<NaiveDate>,
) -> Result<()> {
    let latest = tx
        .measure_dates(Some(customer_id))?
        .get(&customer_id)
        .copied();
    if latest.is_some_and(|latest| latest.recorded > on) {
        return Ok(());
    }
    let span = Customers(customer_id, customer_id);
    for account in tx.accounts_charging(on, span, !policy.terms.is_free())? {
        let changes = evaluate_account(&account, policy, on).changes;
        // Never dated before what the history already holds.
        let lift_on = lift_on.map(|d| latest.map_or(d, |f| d.max(f.effective)));
        tx.record_measure_changes(customer_id, &changes, Recording { as_of: on, lift_on })?;
    }
    Ok(())
}

/// Records the measure changes of the given customers (sorted) as of a
/// date, reading their accounts a chunk at a time: for imports, which touch
/// many at once.
pub(crate) fn record_for(
    tx: &Tx<'_>,
    policy: &Policy,
    customers: &[CustomerId],
    on: NaiveDate,
) -> crate::store::Result<()> {
    let wanted: std::collections::HashSet<CustomerId> = customers.iter().copied().collect();
    let latest = tx.measure_dates(None)?;
    // A chunk of customers at a time keeps memory flat on large ledgers.
    for chunk in customers.chunks(1000) {
        let (Some(&first), Some(&last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let accounts = tx.accounts_charging(on, Customers(first, last), !policy.terms.is_free())?;
        let accounts = accounts.iter().filter(|a| wanted.contains(&a.customer_id));
        record_accounts(tx, policy, accounts, &latest, on)?;
    }
    Ok(())
}

/// Records the measure changes of each account as of `on`, but of those
/// whose history was already recorded as of a later date (it is never
/// rewritten); returns how many starts and lifts were recorded.
fn record_accounts<'a>(
    tx: &Tx<'_>,
    policy: &Policy,
    accounts: impl Iterator<Item = &'a dun_core::dunning::Account>,
    latest: &std::collections::HashMap<CustomerId, Latest>,
    on: NaiveDate,
) -> crate::store::Result<usize> {
    let mut recorded = 0;
    for account in accounts {
        if latest
            .get(&account.customer_id)
            .is_some_and(|d| d.recorded > on)
        {
            continue;
        }
        let changes = evaluate_account(account, policy, on).changes;
        let recording = Recording {
            as_of: on,
            lift_on: None,
        };
        recorded += tx.record_measure_changes(account.customer_id, &changes, recording)?;
    }
    Ok(recorded)
}

/// Records every account's measure changes as of the as-of date (a ledger
/// just built, such as the demo's); returns how many starts and lifts were
/// recorded.
pub fn sync_measures(store: &mut Store, ctx: &Context) -> Result<usize> {
    let on = ctx.as_of;
    store.write(|tx| {
        let latest = tx.measure_dates(None)?;
        let charges = !ctx.policy.terms.is_free();
        let accounts = tx.accounts_charging(on, Customers::ALL, charges)?;
        Ok(record_accounts(
            tx,
            &ctx.policy,
            accounts.iter(),
            &latest,
            on,
        )?)
    })
}
