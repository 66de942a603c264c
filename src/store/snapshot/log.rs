//! The follow-up log a snapshot carries: read per span of customers, or
//! for the whole ledger in one pass over the table and shared by every
//! span ([`FollowUpLog`]).
//!
//! Read per span, each entry is a visit to the log table through the
//! customer index, and the log is in the order it was written, so those
//! visits land on pages all over the table: on the 1M demo ledger that was
//! a third of the agenda. One pass in the table's order reads the same
//! entries several times faster.

use chrono::NaiveDate;
use rusqlite::{Connection, Params, params};

use super::super::rows::{self, iso};
use super::super::{Context, Customers, Result, Store, StoreError};
use dun_core::dunning::{Activity, ActivityKind};
use dun_core::ledger::{CustomerId, InvoiceId};
use std::sync::Arc;

/// The counted follow-ups of every customer dated between two days. Held
/// compact (a ledger's log runs to hundreds of thousands of entries), in
/// the parts it was read in, one per connection: each part covers a range
/// of entry ids and is sorted by customer, then id, so a customer's
/// entries are, part after part, in the order they were logged. An
/// [`Activity`] is made only for the span that asks.
#[derive(Debug, Clone, Default)]
pub struct FollowUpLog {
    from: NaiveDate,
    to: NaiveDate,
    parts: Vec<Part>,
}

/// One part of a [`FollowUpLog`]: its entries and the invoices they cover.
#[derive(Debug, Clone, Default)]
struct Part {
    entries: Vec<Compact>,
    invoices: Vec<InvoiceId>,
}

/// One entry of a [`FollowUpLog`].
#[derive(Debug, Clone)]
struct Compact {
    id: i64,
    customer_id: CustomerId,
    occurred_on: NaiveDate,
    next_on: Option<NaiveDate>,
    kind: ActivityKind,
    stage: Option<Arc<str>>,
    /// Where its invoices are in its part's list.
    invoices: (u32, u32),
}

impl FollowUpLog {
    /// True when the log holds every follow-up dated from `since` to
    /// `as_of`.
    pub(super) fn covers(&self, since: NaiveDate, as_of: NaiveDate) -> bool {
        self.from <= since && as_of <= self.to
    }

    /// The entries of a span of customers dated from `since` to `as_of`,
    /// each customer's in the order they were logged.
    pub(super) fn span(
        &self,
        customers: Customers,
        since: NaiveDate,
        as_of: NaiveDate,
    ) -> impl Iterator<Item = (CustomerId, Activity)> + '_ {
        self.parts
            .iter()
            .flat_map(move |part| part.span(customers, since, as_of))
    }
}

impl Part {
    fn span(
        &self,
        customers: Customers,
        since: NaiveDate,
        as_of: NaiveDate,
    ) -> impl Iterator<Item = (CustomerId, Activity)> + '_ {
        let start = self
            .entries
            .partition_point(|e| e.customer_id < customers.0);
        let end = self
            .entries
            .partition_point(|e| e.customer_id <= customers.1);
        let dates = since..=as_of;
        self.entries
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(move |e| dates.contains(&e.occurred_on))
            .map(|e| {
                let (from, to) = (e.invoices.0 as usize, e.invoices.1 as usize);
                let activity = Activity {
                    occurred_on: e.occurred_on,
                    kind: e.kind,
                    stage: e.stage.clone(),
                    invoices: self.invoices.get(from..to).unwrap_or_default().to_vec(),
                    next_on: e.next_on,
                };
                (e.customer_id, activity)
            })
    }
}

/// How far back the whole ledger's log is read; an account open for longer
/// than that (less a month) has its own read when it is evaluated.
const LOOKBACK_DAYS: u64 = 400;

impl Store {
    /// Every customer's counted follow-ups of the 400 days to `to`, for
    /// evaluating the whole ledger a span at a time as of `to` or a date
    /// before it: read in one pass over the log in parts, one on this
    /// connection and one on each of `others`, side by side.
    pub fn ledger_log(&self, others: &mut [Store], to: NaiveDate) -> Result<FollowUpLog> {
        let last: i64 = self
            .conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM activity", [], |r| {
                r.get(0)
            })
            .context("cannot read the follow-up log")?;
        let parts = i64::try_from(others.len() + 1).unwrap_or(1);
        let size = last / parts + 1;
        let ids = |k: i64| (k * size, (k + 1) * size - 1);
        let read = self.on_each(others, "the follow-up reader", |store, k| {
            part(store.conn(), to, ids(i64::try_from(k).unwrap_or(i64::MAX)))
        })?;
        Ok(FollowUpLog {
            from: lookback(to),
            to,
            parts: read,
        })
    }
}

/// The whole ledger's log to `to`, read in one pass on one connection.
pub(super) fn whole(conn: &Connection, to: NaiveDate) -> Result<FollowUpLog> {
    Ok(FollowUpLog {
        from: lookback(to),
        to,
        parts: vec![part(conn, to, (i64::MIN, i64::MAX))?],
    })
}

fn lookback(to: NaiveDate) -> NaiveDate {
    to.checked_sub_days(chrono::Days::new(LOOKBACK_DAYS))
        .unwrap_or(to)
}

/// The counted entries with ids from `ids.0` to `ids.1` dated in the 400
/// days to `to`, and the invoices they cover.
fn part(conn: &Connection, to: NaiveDate, ids: (i64, i64)) -> Result<Part> {
    let sql = format!(
        "SELECT id, customer_id, occurred_on, kind, stage, next_on FROM activity a
         WHERE id BETWEEN ?3 AND ?4 AND occurred_on BETWEEN ?1 AND ?2 AND {}",
        super::super::corrections::counted("a")
    );
    let mut compact = Vec::new();
    let args = params![iso(lookback(to)), iso(to), ids.0, ids.1];
    each_entry(conn, &sql, args, |id, customer_id, a| {
        compact.push(Compact {
            id,
            customer_id,
            occurred_on: a.occurred_on,
            next_on: a.next_on,
            kind: a.kind,
            stage: a.stage,
            invoices: (0, 0),
        });
    })?;
    compact.sort_unstable_by_key(|e| e.id);
    let what = "cannot read the follow-up log";
    let mut stmt = conn
        .prepare_cached(
            "SELECT activity_id, invoice_id FROM activity_invoice
             WHERE activity_id BETWEEN ?1 AND ?2",
        )
        .context(what)?;
    let mut links = stmt
        .query_map(params![ids.0, ids.1], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .context(what)?
        .peekable();
    // Both in id order: each entry takes the links with its id.
    let mut invoices = Vec::new();
    let at = |invoices: &Vec<InvoiceId>| u32::try_from(invoices.len()).unwrap_or(u32::MAX);
    for entry in &mut compact {
        let from = at(&invoices);
        while let Some(link) = links.next_if(|l| {
            l.as_ref()
                .map_or(true, |(activity, _)| *activity <= entry.id)
        }) {
            let (activity, invoice) = link.context(what)?;
            if activity == entry.id {
                invoices.push(invoice);
            }
        }
        entry.invoices = (from, at(&invoices));
    }
    compact.sort_unstable_by_key(|e| (e.customer_id, e.id));
    Ok(Part {
        entries: compact,
        invoices,
    })
}

/// The counted follow-ups of a span of customers dated from `since` to
/// `as_of`, in the order they were logged.
pub(super) fn activities(
    conn: &Connection,
    since: NaiveDate,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<(CustomerId, Activity)>> {
    let sql = format!(
        "SELECT id, customer_id, occurred_on, kind, stage, next_on FROM activity a
         WHERE occurred_on BETWEEN ?1 AND ?2 AND customer_id BETWEEN ?3 AND ?4 AND {}",
        super::super::corrections::counted("a")
    );
    let log = entries(
        conn,
        &sql,
        params![iso(since), iso(as_of), customer.0, customer.1],
    )?;
    let log = linked(
        conn,
        log,
        "SELECT activity_id, invoice_id FROM activity_invoice
         WHERE activity_id IN (SELECT id FROM activity WHERE customer_id BETWEEN ?1 AND ?2)",
        params![customer.0, customer.1],
    )?;
    Ok(log.into_iter().map(|(_, c, a)| (c, a)).collect())
}

/// A log entry with its id and customer.
type Entry = (i64, CustomerId, Activity);

/// The entries `sql` selects (id, customer, date, kind, stage, follow-up
/// date), by id.
fn entries(conn: &Connection, sql: &str, args: impl Params) -> Result<Vec<Entry>> {
    let mut log: Vec<Entry> = Vec::new();
    each_entry(conn, sql, args, |id, customer_id, activity| {
        log.push((id, customer_id, activity));
    })?;
    log.sort_unstable_by_key(|(id, _, _)| *id);
    Ok(log)
}

/// Hands `each` every entry `sql` selects (id, customer, date, kind,
/// stage, follow-up date), its invoices left out.
fn each_entry(
    conn: &Connection,
    sql: &str,
    args: impl Params,
    mut each: impl FnMut(i64, CustomerId, Activity),
) -> Result<()> {
    let what = "cannot read the follow-up log";
    let mut stmt = conn.prepare_cached(sql).context(what)?;
    let mut rows = stmt.query(args).context(what)?;
    let mut stages: Vec<std::sync::Arc<str>> = Vec::new();
    while let Some(r) = rows.next().context(what)? {
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
        let (id, customer_id, occurred, kind, stage, next) = read().context(what)?;
        let occurred =
            occurred.ok_or_else(|| StoreError::Corrupt("a follow-up without a date".into()))?;
        each(
            id,
            customer_id,
            Activity {
                occurred_on: rows::date(occurred)?,
                kind: ActivityKind::parse(kind.unwrap_or("")),
                stage: stage.map(|id| intern(&mut stages, id)),
                invoices: Vec::new(),
                next_on: next.map(rows::date).transpose()?,
            },
        );
    }
    Ok(())
}

/// `log` with the invoices each entry covered, from the (entry, invoice)
/// pairs `sql` selects.
fn linked(
    conn: &Connection,
    mut log: Vec<Entry>,
    sql: &str,
    args: impl Params,
) -> Result<Vec<Entry>> {
    let what = "cannot read the follow-up log";
    let mut stmt = conn.prepare_cached(sql).context(what)?;
    let links = stmt
        .query_map(args, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .context(what)?;
    // The links come in entry order (the table's primary key): each is
    // attached to its entry by binary search.
    for link in links {
        let (activity, invoice) = link.context(what)?;
        if let Ok(i) = log.binary_search_by_key(&activity, |(id, _, _)| *id) {
            log[i].2.invoices.push(invoice);
        }
    }
    Ok(log)
}

/// One shared copy of each stage id.
fn intern(known: &mut Vec<std::sync::Arc<str>>, id: &str) -> std::sync::Arc<str> {
    if let Some(found) = known.iter().find(|k| ***k == *id) {
        return found.clone();
    }
    let new: std::sync::Arc<str> = std::sync::Arc::from(id);
    known.push(new.clone());
    new
}
