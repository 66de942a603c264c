//! Building the engine's account snapshots from the ledger, as of a date.

use std::collections::HashMap;

mod documents;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::commitments::{commitments, receipts};
use super::rows::{self, iso};
use super::{Context, Customers, Later, Result, Store, StoreError};
use dun_core::dunning::{Account, Activity, ActivityKind, Hold, Measure, MeasureEvent};
use dun_core::ledger::CustomerId;
use dun_core::money::Money;

/// How far back the follow-up log is read ahead, in parallel, for a whole
/// ledger; an account open for longer has the rest read afterwards.
const LOG_LOOKAHEAD_DAYS: u64 = 400;

/// Follow-ups read from some date on.
type Log = (NaiveDate, Vec<(CustomerId, Activity)>);

impl Store {
    /// Every customer's account as of a date (or one customer's). For the
    /// whole ledger the follow-up log is read on a second connection while
    /// this one reads the invoices.
    pub fn accounts(&self, as_of: NaiveDate, customer: Option<CustomerId>) -> Result<Vec<Account>> {
        let path = self.conn().path().map(str::to_string);
        match (customer, path) {
            (None, Some(path)) if !path.is_empty() => std::thread::scope(|scope| {
                let ahead = scope.spawn(move || -> Result<Log> {
                    let conn = Connection::open_with_flags(&path, super::open::READ_ONLY)
                        .context("cannot open a second reader")?;
                    conn.busy_timeout(std::time::Duration::from_secs(5))
                        .context("cannot set the busy timeout")?;
                    let since = as_of
                        .checked_sub_days(chrono::Days::new(LOG_LOOKAHEAD_DAYS))
                        .unwrap_or(as_of);
                    Ok((since, activities(&conn, since, as_of, Customers::ALL)?))
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
    pub fn accounts_between(&self, as_of: NaiveDate, customers: Customers) -> Result<Vec<Account>> {
        let read = Read::new(self.conn(), as_of, customers);
        accounts_with(read, None, self.settlements)
    }

    /// As [`Store::accounts_between`], as of `later`'s day: the documents
    /// nothing touched since are read as recorded.
    pub fn accounts_then(&self, later: &Later, customers: Customers) -> Result<Vec<Account>> {
        let read = Read {
            later: Some(later),
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
    ) -> Result<Vec<Account>> {
        let read = Read {
            later: Some(later),
            beside: Some(recorded),
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
/// ledger inside its own transaction.
pub(crate) fn accounts(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<Account>> {
    accounts_with(Read::new(conn, as_of, customer), None, true)
}

/// As [`accounts`]; `settlements` false leaves each open invoice's
/// settlements out.
pub(crate) fn accounts_settled(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
    settlements: bool,
) -> Result<Vec<Account>> {
    accounts_with(Read::new(conn, as_of, customer), None, settlements)
}

type Preloaded<'a> = Box<dyn FnOnce() -> Result<Log> + 'a>;

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
    let log = match preloaded.map(|load| load()).transpose()? {
        Some((from, log)) if from <= since => log,
        _ => activities(conn, since, as_of, customer)?,
    };
    for (customer_id, activity) in log {
        if activity.occurred_on < since {
            continue;
        }
        if let Some(account) = accounts.get(customer_id) {
            account.activities.push(activity);
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
}

impl<'a> Read<'a> {
    fn new(conn: &'a Connection, as_of: NaiveDate, customer: Customers) -> Self {
        Read {
            conn,
            as_of,
            customer,
            later: None,
            beside: None,
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

fn activities(
    conn: &Connection,
    since: NaiveDate,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<(CustomerId, Activity)>> {
    let sql = format!(
        "SELECT id, customer_id, occurred_on, kind, stage, next_on FROM activity a
         WHERE occurred_on BETWEEN ?1 AND ?2 AND customer_id BETWEEN ?3 AND ?4 AND {}",
        super::corrections::counted("a")
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read the follow-up log")?;
    let mut rows = stmt
        .query(params![iso(since), iso(as_of), customer.0, customer.1])
        .context("cannot read the follow-up log")?;
    let mut log: Vec<(i64, CustomerId, Activity)> = Vec::new();
    let mut stages: Vec<std::sync::Arc<str>> = Vec::new();
    while let Some(r) = rows.next().context("cannot read the follow-up log")? {
        let text = |i: usize| {
            r.get_ref(i)
                .and_then(|v| v.as_str_or_null().map_err(Into::into))
        };
        let read = || -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                text(2)?,
                text(3)?,
                text(4)?,
                text(5)?,
            ))
        };
        let (id, customer_id, occurred, kind, stage, next) =
            read().context("cannot read the follow-up log")?;
        let occurred =
            occurred.ok_or_else(|| StoreError::Corrupt("a follow-up without a date".into()))?;
        log.push((
            id,
            customer_id,
            Activity {
                occurred_on: rows::date(occurred)?,
                kind: ActivityKind::parse(kind.unwrap_or("")),
                stage: stage.map(|id| intern(&mut stages, id)),
                invoices: Vec::new(),
                next_on: next.map(rows::date).transpose()?,
            },
        ));
    }
    drop(rows);
    log.sort_unstable_by_key(|(id, _, _)| *id);
    // The links come in activity order (the table's primary key): attach
    // each to its activity by binary search.
    let mut stmt = conn
        .prepare_cached(
            "SELECT activity_id, invoice_id FROM activity_invoice
             WHERE activity_id IN (SELECT id FROM activity WHERE customer_id BETWEEN ?1 AND ?2)",
        )
        .context("cannot read the follow-up log")?;
    let links = stmt
        .query_map(params![customer.0, customer.1], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .context("cannot read the follow-up log")?;
    for link in links {
        let (activity, invoice) = link.context("cannot read the follow-up log")?;
        if let Ok(i) = log.binary_search_by_key(&activity, |(id, _, _)| *id) {
            log[i].2.invoices.push(invoice);
        }
    }
    Ok(log
        .into_iter()
        .map(|(_, customer_id, activity)| (customer_id, activity))
        .collect())
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

/// The shared copy of a stage id.
fn intern(known: &mut Vec<std::sync::Arc<str>>, id: &str) -> std::sync::Arc<str> {
    if let Some(found) = known.iter().find(|k| ***k == *id) {
        return found.clone();
    }
    let new: std::sync::Arc<str> = std::sync::Arc::from(id);
    known.push(new.clone());
    new
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
