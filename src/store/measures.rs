//! The measure history kept in step with the ledger: every write to an
//! account records the starts reached before it and the starts and lifts it
//! causes, in its own transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, params};

use super::rows::{self, iso};
use super::{Context, Customers, Result, Store, now_stamp};
use dun_core::dunning::{Measure, MeasureChange, Policy, evaluate_account};
use dun_core::ledger::{CustomerId, InvoiceId};

/// Measure history is recorded on writes when the store knows the policy.
#[derive(Debug, Clone)]
pub(crate) struct MeasureSync {
    pub(crate) policy: Policy,
    pub(crate) as_of: NaiveDate,
}

impl Store {
    /// From now on, every write to an account records in the measure history
    /// the starts reached before it and the starts and lifts it causes.
    pub fn keep_measures(&mut self, policy: Policy, as_of: NaiveDate) {
        self.sync = Some(MeasureSync { policy, as_of });
    }

    /// Runs a write to one account in one transaction, with the measure
    /// history brought up to date as of `before` first and as of the
    /// command's date after.
    pub(crate) fn write_account<T>(
        &mut self,
        customer_id: CustomerId,
        before: NaiveDate,
        work: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_account_synced(customer_id, before, true, work)
    }

    /// As [`Store::write_account`]; `sync_before` false skips the first
    /// evaluation, for writes that cannot change what was reached before
    /// them (a log entry on its own).
    pub(crate) fn write_account_synced<T>(
        &mut self,
        customer_id: CustomerId,
        before: NaiveDate,
        sync_before: bool,
        work: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let sync = self.sync.clone();
        self.write(|tx| {
            if let Some(s) = sync.as_ref().filter(|_| sync_before) {
                record_changes(tx, &s.policy, customer_id, before.min(s.as_of), None)?;
            }
            let value = work(tx)?;
            if let Some(s) = &sync {
                record_changes(
                    tx,
                    &s.policy,
                    customer_id,
                    s.as_of,
                    Some(before.min(s.as_of)),
                )?;
            }
            Ok(value)
        })
    }

    /// Records every account's measure changes as of a date; returns how
    /// many starts and lifts were recorded.
    pub fn sync_measures(&mut self, policy: &Policy, as_of: NaiveDate) -> Result<usize> {
        self.write(|tx| {
            let latest = latest_effective(tx, None)?;
            let mut recorded = 0;
            for account in super::snapshot::accounts(tx, as_of, Customers::ALL)? {
                if latest.get(&account.customer_id).is_some_and(|d| *d > as_of) {
                    continue;
                }
                let changes = evaluate_account(&account, policy, as_of).changes;
                recorded += insert_changes(tx, account.customer_id, &changes, None)?;
            }
            Ok(recorded)
        })
    }
}

/// The latest effective date in each customer's measure history.
fn latest_effective(
    conn: &Connection,
    customer: Option<CustomerId>,
) -> Result<std::collections::HashMap<CustomerId, NaiveDate>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT customer_id, MAX(effective_on) FROM measure_event
             WHERE ?1 IS NULL OR customer_id = ?1 GROUP BY customer_id",
        )
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map([customer], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .context("cannot read the measure history")?;
    rows.map(|row| {
        let (customer, date) = row.context("cannot read the measure history")?;
        Ok((customer, rows::date(&date)?))
    })
    .collect()
}

/// Evaluates one account as of `on` and records its measure changes, unless
/// the history already holds later events (it is never rewritten).
/// Records the measure changes of the given customers (sorted) as of a
/// date, reading their accounts a chunk at a time: for imports, which touch
/// many at once.
pub(crate) fn record_for(
    tx: &Transaction<'_>,
    policy: &Policy,
    customers: &[CustomerId],
    on: NaiveDate,
) -> Result<()> {
    let wanted: std::collections::HashSet<CustomerId> = customers.iter().copied().collect();
    let latest = latest_effective(tx, None)?;
    // A chunk of customers at a time keeps memory flat on large ledgers.
    for chunk in customers.chunks(1000) {
        let (Some(&first), Some(&last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        for account in super::snapshot::accounts(tx, on, Customers(first, last))? {
            if !wanted.contains(&account.customer_id)
                || latest.get(&account.customer_id).is_some_and(|d| *d > on)
            {
                continue;
            }
            let changes = evaluate_account(&account, policy, on).changes;
            insert_changes(tx, account.customer_id, &changes, None)?;
        }
    }
    Ok(())
}

fn record_changes(
    tx: &Transaction<'_>,
    policy: &Policy,
    customer_id: CustomerId,
    on: NaiveDate,
    lift_on: Option<NaiveDate>,
) -> Result<()> {
    if latest_effective(tx, Some(customer_id))?
        .get(&customer_id)
        .is_some_and(|latest| *latest > on)
    {
        return Ok(());
    }
    for account in super::snapshot::accounts(tx, on, Customers(customer_id, customer_id))? {
        let changes = evaluate_account(&account, policy, on).changes;
        // Never dated before what the history already holds.
        let floor = latest_effective(tx, Some(customer_id))?
            .get(&customer_id)
            .copied();
        let lift_on = lift_on.map(|d| floor.map_or(d, |f| d.max(f)));
        insert_changes(tx, customer_id, &changes, lift_on)?;
    }
    Ok(())
}

fn insert_changes(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    changes: &[MeasureChange],
    lift_on: Option<NaiveDate>,
) -> Result<usize> {
    for c in changes {
        // A lift takes effect on the day of the write that caused it.
        let on = if c.start {
            c.effective_on
        } else {
            lift_on.map_or(c.effective_on, |d| d.min(c.effective_on))
        };
        insert_event(
            tx,
            customer_id,
            &Event {
                measure: c.measure,
                start: c.start,
                on,
                reason: &c.reason,
                invoice_id: c.invoice_id,
            },
        )?;
    }
    Ok(changes.len())
}

/// One start or lift of a measure, as recorded.
pub(crate) struct Event<'a> {
    /// Which measure.
    pub(crate) measure: Measure,
    /// Start or lift.
    pub(crate) start: bool,
    /// When it took effect.
    pub(crate) on: NaiveDate,
    /// Why.
    pub(crate) reason: &'a str,
    /// The invoice that started it.
    pub(crate) invoice_id: Option<InvoiceId>,
}

pub(crate) fn insert_event(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    e: &Event<'_>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO measure_event (customer_id, measure, event, effective_on, reason, invoice_id, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            e.measure.as_str(),
            if e.start { "start" } else { "lift" },
            iso(e.on),
            e.reason,
            e.invoice_id,
            now_stamp()
        ])
    })
    .context("cannot record the measure history")?;
    Ok(())
}
