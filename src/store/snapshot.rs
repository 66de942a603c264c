//! Building the engine's account snapshots from the ledger, as of a date.

use std::collections::HashMap;

mod documents;
mod log;

pub use log::FollowUpLog;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::commitments::{commitments, receipts};
use super::rows::{self, iso};
use super::{Context, Customers, Later, Result, Store, StoreError};
use dun_core::dunning::{Account, ActivityKind, Hold, Measure, MeasureEvent};
use dun_core::ledger::CustomerId;
use dun_core::money::Money;

impl Store {
    /// Every customer's account as of a date (or one customer's). For the
    /// whole ledger the follow-up log is read on a second connection while
    /// this one reads the invoices.
    pub fn accounts(&self, as_of: NaiveDate, customer: Option<CustomerId>) -> Result<Vec<Account>> {
        let path = self.conn().path().map(str::to_string);
        match (customer, path) {
            (None, Some(path)) if !path.is_empty() => std::thread::scope(|scope| {
                let ahead = scope.spawn(move || -> Result<FollowUpLog> {
                    let conn = Connection::open_with_flags(&path, super::open::READ_ONLY)
                        .context("cannot open a second reader")?;
                    conn.busy_timeout(std::time::Duration::from_secs(5))
                        .context("cannot set the busy timeout")?;
                    log::whole(&conn, as_of)
                });
                let join = move || {
                    ahead.join().unwrap_or_else(|_| {
                        Err(StoreError::Refused("the follow-up reader stopped".into()))
                    })
                };
                let preloaded: Preloaded<'_> = Box::new(join);
                let read = Read::new(self.conn(), as_of, Customers::ALL);
                accounts_with(read, Some(preloaded), self.settlements)
            }),
            _ => accounts_with(
                Read::new(self.conn(), as_of, customer.into()),
                None,
                self.settlements,
            ),
        }
    }
}

impl Store {
    /// The accounts of a span of customers as of a date, read on this
    /// connection alone (for evaluating a ledger chunk by chunk).
    /// The follow-ups come from `log` when it holds those the accounts
    /// need.
    pub fn accounts_between(
        &self,
        as_of: NaiveDate,
        customers: Customers,
        log: Option<&FollowUpLog>,
    ) -> Result<Vec<Account>> {
        let read = Read {
            log,
            ..Read::new(self.conn(), as_of, customers)
        };
        accounts_with(read, None, self.settlements)
    }

    /// As [`Store::accounts_between`], as of `later`'s day: the documents
    /// nothing touched since are read as recorded.
    pub fn accounts_then(
        &self,
        later: &Later,
        customers: Customers,
        log: Option<&FollowUpLog>,
    ) -> Result<Vec<Account>> {
        let read = Read {
            later: Some(later),
            log,
            ..Read::new(self.conn(), later.on(), customers)
        };
        accounts_with(read, None, self.settlements)
    }

    /// As [`Store::accounts_then`], beside `recorded`: the same customers'
    /// accounts read as of a date on or after `later`'s day. Their
    /// invoices that nothing touched since that day, issued by then, are
    /// taken from `recorded` (each with its dispute as of the day) rather
    /// than read again.
    pub fn accounts_beside(
        &self,
        later: &Later,
        customers: Customers,
        recorded: &[Account],
        log: Option<&FollowUpLog>,
    ) -> Result<Vec<Account>> {
        let read = Read {
            later: Some(later),
            beside: Some(recorded),
            log,
            ..Read::new(self.conn(), later.on(), customers)
        };
        accounts_with(read, None, self.settlements)
    }

    /// Every customer id, in order.
    pub fn customer_ids(&self) -> Result<Vec<CustomerId>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM customer ORDER BY id")
            .context("cannot list customers")?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .context("cannot list customers")?;
        rows.map(|r| r.context("cannot read customer")).collect()
    }
}

/// Reads accounts through any connection, so a write can evaluate the
/// ledger inside its own transaction; `settlements` false leaves each open
/// invoice's settlements out.
pub(crate) fn accounts_settled(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
    settlements: bool,
) -> Result<Vec<Account>> {
    accounts_with(Read::new(conn, as_of, customer), None, settlements)
}

type Preloaded<'a> = Box<dyn FnOnce() -> Result<FollowUpLog> + 'a>;

fn accounts_with(
    read: Read<'_>,
    preloaded: Option<Preloaded<'_>>,
    settlements: bool,
) -> Result<Vec<Account>> {
    let (conn, as_of, customer) = (read.conn, read.as_of, read.customer);
    let mut accounts = Slots::new(customers(conn, customer)?);
    let mut earliest = read.documents(&mut accounts, settlements)?;
    earliest = earliest.min(read.commitments(&mut accounts)?);
    // Activities older than a month before the oldest open invoice, promise,
    // plan or dispute cannot perform any stage still in question.
    let since = earliest
        .checked_sub_days(chrono::Days::new(31))
        .unwrap_or(earliest);
    let preloaded = preloaded.map(|load| load()).transpose()?;
    match preloaded.as_ref().or(read.log) {
        Some(log) if log.covers(since, as_of) => {
            for (customer_id, activity) in log.span(customer, since, as_of) {
                if let Some(account) = accounts.get(customer_id) {
                    account.activities.push(activity);
                }
            }
        }
        _ => {
            for (customer_id, activity) in log::activities(conn, since, as_of, customer)? {
                if let Some(account) = accounts.get(customer_id) {
                    account.activities.push(activity);
                }
            }
        }
    }
    for account in &mut accounts.all {
        account.activities.sort_by_key(|a| a.occurred_on);
        account.invoices.sort_by(|a, b| {
            a.due_date
                .cmp(&b.due_date)
                .then_with(|| a.number.cmp(&b.number))
        });
    }
    for account in &mut accounts.all {
        if !account.promises.is_empty() || !account.plans.is_empty() {
            account.payments = receipts(conn, account.customer_id, since, as_of)?;
        }
    }
    read.running(&mut accounts)?;
    Ok(accounts.all)
}

/// The accounts being built, found by customer.
struct Slots {
    /// In customer order.
    all: Vec<Account>,
    /// Position of each customer's account.
    index: HashMap<CustomerId, usize>,
}

impl Slots {
    fn new(all: Vec<Account>) -> Self {
        let index = all
            .iter()
            .enumerate()
            .map(|(i, a)| (a.customer_id, i))
            .collect();
        Slots { all, index }
    }

    fn get(&mut self, customer: CustomerId) -> Option<&mut Account> {
        let i = *self.index.get(&customer)?;
        self.all.get_mut(i)
    }
}

/// What one snapshot read reads: a span of customers as of a date.
#[derive(Clone, Copy)]
struct Read<'a> {
    conn: &'a Connection,
    as_of: NaiveDate,
    customer: Customers,
    /// What was recorded after `as_of`, when found for the whole ledger.
    later: Option<&'a Later>,
    /// The same customers' accounts read as of a later date, whose
    /// invoices nothing touched since `as_of` are taken as they are.
    beside: Option<&'a [Account]>,
    /// The whole ledger's follow-ups, when read once for every span.
    log: Option<&'a FollowUpLog>,
}

impl<'a> Read<'a> {
    fn new(conn: &'a Connection, as_of: NaiveDate, customer: Customers) -> Self {
        Read {
            conn,
            as_of,
            customer,
            later: None,
            beside: None,
            log: None,
        }
    }

    /// Promises and plans; returns the oldest date one was made.
    fn commitments(&self, accounts: &mut Slots) -> Result<NaiveDate> {
        let (promises, plans) = commitments(self.conn, self.as_of, self.customer)?;
        let mut earliest = self.as_of;
        for (customer_id, promise) in promises {
            earliest = earliest.min(promise.made_on);
            if let Some(account) = accounts.get(customer_id) {
                account.promises.push(promise);
            }
        }
        for (customer_id, plan) in plans {
            earliest = earliest.min(plan.created_on);
            if let Some(account) = accounts.get(customer_id) {
                account.plans.push(plan);
            }
        }
        Ok(earliest)
    }

    /// Holds, follow-up dates, the measure history and what left the
    /// ladder.
    fn running(&self, accounts: &mut Slots) -> Result<()> {
        let Read {
            conn,
            as_of,
            customer,
            ..
        } = *self;
        for (customer_id, hold) in holds(conn, as_of, customer)? {
            if let Some(account) = accounts.get(customer_id) {
                account.hold = Some(hold);
            }
        }
        for (customer_id, follow_up) in follow_ups(conn, as_of, customer)? {
            if let Some(account) = accounts.get(customer_id) {
                account.follow_up = Some(follow_up);
            }
        }
        for (customer_id, event) in measure_events(conn, as_of, customer)? {
            if let Some(account) = accounts.get(customer_id) {
                account.measure_events.push(event);
            }
        }
        for (customer_id, left) in super::measures::left_ladder(conn, as_of, customer)? {
            if let Some(account) = accounts.get(customer_id) {
                account.disputes_resolved = left.disputes_resolved;
                account.write_offs = left.write_offs;
                account.cash_only_released = left.cash_only_released;
            }
        }
        Ok(())
    }
}

fn customers(conn: &Connection, customer: Customers) -> Result<Vec<Account>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, code, policy_profile, credit_limit_minor, credit_currency, created_on,
                customer_since,
                (SELECT MIN(issue_date) FROM invoice
                 WHERE invoice.customer_id = customer.id AND kind = 'invoice')
             FROM customer WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )
        .context("cannot read customers")?;
    let rows = stmt
        .query_map(params![customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                [
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ],
            ))
        })
        .context("cannot read customers")?;
    rows.map(|row| {
        let (id, code, profile, limit, limit_currency, created, [since, first]) =
            row.context("cannot read customer")?;
        let mut account = Account::new(id, &code, rows::date(&created)?);
        account.since = since.as_deref().map(rows::date).transpose()?;
        account.first_invoice_on = first.as_deref().map(rows::date).transpose()?;
        account.profile = profile;
        if let (Some(minor), Some(currency)) = (limit, limit_currency) {
            let currency = rows::currency(&currency)?;
            account.credit_limit = Some(Money::new(rows::amount(minor, currency), currency));
        }
        Ok(account)
    })
    .collect()
}

/// Rows of (id, start date, reason) of something running on `as_of` for
/// the customers: open disputes, active holds. `what` names the failure.
fn running(
    conn: &Connection,
    sql: &str,
    as_of: NaiveDate,
    customer: Customers,
    what: &'static str,
) -> Result<Vec<(i64, NaiveDate, String)>> {
    let mut stmt = conn.prepare_cached(sql).context(what)?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .context(what)?;
    rows.map(|row| {
        let (id, started, reason) = row.context(what)?;
        Ok((id, rows::date(&started)?, reason))
    })
    .collect()
}

/// Each customer's latest follow-up date that no later contact answered.
fn follow_ups(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<(CustomerId, dun_core::dunning::FollowUp)>> {
    // Filtered here rather than in the engine: a contact answering an old
    // follow-up may predate the log the snapshot carries. The kinds that
    // count are the core's.
    let sql = format!(
        "SELECT a.customer_id, a.occurred_on, a.next_on, a.kind FROM activity a
         WHERE a.next_on IS NOT NULL AND a.occurred_on <= ?1 AND a.customer_id BETWEEN ?2 AND ?3
           AND a.id = (SELECT b.id FROM activity b
                       WHERE b.customer_id = a.customer_id AND b.next_on IS NOT NULL AND b.occurred_on <= ?1
                         AND {counted_b}
                       ORDER BY b.occurred_on DESC, b.id DESC LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM activity c
                           WHERE c.customer_id = a.customer_id AND c.occurred_on >= a.next_on
                             AND c.occurred_on <= ?1 AND c.kind IN ({kinds}) AND {counted_c})",
        kinds = contact_kinds(),
        counted_b = super::corrections::counted("b"),
        counted_c = super::corrections::counted("c"),
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read follow-up dates")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .context("cannot read follow-up dates")?;
    rows.map(|row| {
        let (customer_id, set, next, kind) = row.context("cannot read follow-up dates")?;
        Ok((
            customer_id,
            dun_core::dunning::FollowUp {
                set_on: rows::date(&set)?,
                next_on: rows::date(&next)?,
                kind: ActivityKind::parse(&kind),
            },
        ))
    })
    .collect()
}

/// The stored names of the kinds that reach the customer, as an SQL list:
/// `'call', 'email', 'letter', 'visit'`. The names are the core's own
/// constants, never user text.
fn contact_kinds() -> String {
    ActivityKind::LOGGABLE
        .into_iter()
        .filter(|k| k.is_contact())
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn holds(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<(CustomerId, Hold)>> {
    Ok(running(
        conn,
        "SELECT customer_id, started_on, reason FROM hold
         WHERE started_on <= ?1 AND (released_on IS NULL OR released_on > ?1)
           AND customer_id BETWEEN ?2 AND ?3",
        as_of,
        customer,
        "cannot read holds",
    )?
    .into_iter()
    .map(|(customer_id, started_on, reason)| (customer_id, Hold { started_on, reason }))
    .collect())
}

fn measure_events(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<(CustomerId, MeasureEvent)>> {
    // Only what was recorded as of the date: a later write's rows are not
    // part of the ledger as it stood then.
    let sql = format!(
        "SELECT customer_id, measure, event, effective_on, reason, invoice_id FROM measure_event
         WHERE effective_on <= ?1 AND {} <= ?1 AND customer_id BETWEEN ?2 AND ?3 ORDER BY id",
        super::measures::RECORDED_ON
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read the measure history")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })
        .context("cannot read the measure history")?;
    rows.map(|row| {
        let (customer_id, measure, event, effective, reason, invoice_id) =
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
                invoice_id,
            },
        ))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_follow_up_is_answered_by_the_kinds_that_reach_the_customer() {
        assert_eq!(super::contact_kinds(), "'call', 'email', 'letter', 'visit'");
    }
}
