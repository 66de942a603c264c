//! The ledger as of a past date, read for a whole ledger at once.
//!
//! A document's balance on a past date differs from the one recorded now
//! only when a fact dated after that date touched it: an allocation of a
//! payment or credit note, a write-off, what an import found settled. Such
//! documents (and the payments with credit applied, or received, after the
//! date) are few next to the open items; they are found once
//! ([`Store::later`]) and their balances rebuilt from their dated rows,
//! while every other open document is read as recorded, through the open
//! items' covering index. That spares the random visit to the invoice
//! table for every invoice of the ledger that rebuilding each balance
//! would take.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::iso;
use super::{Context, Customers, Result, Store};
use dun_core::ledger::{CustomerId, Invoice, UnappliedPayment};

/// The documents and payments a fact dated after a day touched, by
/// customer: those whose standing on that day is not what the ledger
/// records now.
#[derive(Debug, Clone)]
pub struct Later {
    on: NaiveDate,
    /// False when nothing at all is dated after the day: then every
    /// balance recorded is the balance on it.
    any: bool,
    /// True when so much was touched that rebuilding every document of a
    /// span from its dated rows costs less than rebuilding the touched
    /// ones one by one ([`Later::is_few`]).
    many: bool,
    documents: Pairs,
    payments: Pairs,
}

/// Invoices applied to after `?1`, and the payments applied: (customer,
/// invoice, and when a payment's, its customer and id). One read of each
/// allocation row serves both.
const APPLIED: &str = "
    SELECT i.customer_id, i.id, p.customer_id, p.id
      FROM allocation a JOIN invoice i ON i.id = a.invoice_id
      LEFT JOIN payment p ON p.id = a.payment_id
     WHERE a.allocated_on > ?1";

/// The other documents touched after `?1`: credit used, settled by an
/// import, written off. Run one by one: as one compound query SQLite
/// gathers them ten times slower.
const DOCUMENTS: [&str; 3] = [
    "SELECT i.customer_id, i.id FROM allocation a JOIN invoice i ON i.id = a.credit_note_id
      WHERE a.allocated_on > ?1",
    "SELECT i.customer_id, i.id FROM settlement s JOIN invoice i ON i.id = s.invoice_id
      WHERE s.settled_on > ?1",
    "SELECT customer_id, id FROM invoice WHERE written_off_on > ?1 OR settled_on > ?1",
];

/// Payments received after `?1` (those with credit applied after it are
/// found by [`APPLIED`]).
const PAYMENTS: [&str; 1] = ["SELECT customer_id, id FROM payment WHERE paid_on > ?1"];

/// The open documents recorded now that were issued by `?1` and not
/// closed by then, with the columns of `super::invoices::read_invoice`.
const RECORDED: &str = "
    SELECT id, number, customer_id, kind, issue_date, due_date, amount_minor, currency,
           open_minor, CASE WHEN written_off_on <= ?1 THEN written_off_on END,
           CASE WHEN closed_on <= ?1 THEN closed_on END, discount_minor
      FROM invoice i
     WHERE open_minor > 0 AND customer_id BETWEEN ?2 AND ?3 AND issue_date <= ?1
       AND (closed_on IS NULL OR closed_on > ?1)";

/// One document in how many may be touched for the touched ones to be
/// rebuilt one by one: a document rebuilt by its id costs about seven
/// times one rebuilt with its span (measured on the 1M demo ledger as of
/// 13 weeks back, a third of its invoices paid since).
const FEW: i64 = 10;

/// Below this many touched documents they are rebuilt one by one whatever
/// the ledger's size: the difference is a few milliseconds.
const ALWAYS_FEW: i64 = 5_000;

impl Store {
    /// What was recorded after `on`, for reading the whole ledger as of
    /// it ([`Store::accounts_then`], [`Later::touched`]).
    pub fn later(&self, on: NaiveDate) -> Result<Later> {
        Later::find(self.conn(), on)
    }
}

impl Later {
    pub(crate) fn find(conn: &Connection, on: NaiveDate) -> Result<Later> {
        let mut later = Later {
            on,
            any: super::history::has_facts_after(conn, on)?,
            many: false,
            documents: BTreeSet::new(),
            payments: BTreeSet::new(),
        };
        if !later.any {
            return Ok(later);
        }
        let count = |sql: &str| -> Result<i64> {
            conn.query_row(sql, [iso(on)], |r| r.get(0))
                .context("cannot read what changed after the date")
        };
        let last = count("SELECT COALESCE(MAX(id), 0) + 0 * ?1 FROM invoice")?;
        // Counted through the date's index first: gathering them all
        // visits each one's rows.
        let applied = count("SELECT count(*) FROM allocation WHERE allocated_on > ?1")?;
        let many = |touched: i64| touched > ALWAYS_FEW && touched.saturating_mul(FEW) > last;
        later.many = many(applied);
        if !later.many {
            (later.documents, later.payments) = applied_after(conn, on)?;
            later.documents.append(&mut pairs(conn, &DOCUMENTS, on)?);
            later.payments.append(&mut pairs(conn, &PAYMENTS, on)?);
            later.many = many(i64::try_from(later.documents.len()).unwrap_or(i64::MAX));
        }
        Ok(later)
    }

    /// True when few enough documents were touched after the day that
    /// reading the rest as recorded and rebuilding those one by one is the
    /// cheaper read; otherwise a span is rebuilt whole, and readers of
    /// invoice records read every one.
    pub fn is_few(&self) -> bool {
        !self.many
    }

    /// The day.
    pub fn on(&self) -> NaiveDate {
        self.on
    }

    /// The documents (invoices and credit notes) of the span touched after
    /// the day, by customer then id; none are listed when many were.
    pub fn touched(&self, span: Customers) -> impl Iterator<Item = i64> + '_ {
        self.documents.range(range(span)).map(|(_, id)| *id)
    }

    /// True when `id`, of `customer`, was touched after the day; when
    /// many were ([`Later::is_few`] false) they are not listed, and every
    /// document counts as touched.
    pub fn is_touched(&self, customer: CustomerId, id: i64) -> bool {
        self.many || self.documents.contains(&(customer, id))
    }
}

fn range(span: Customers) -> RangeInclusive<(CustomerId, i64)> {
    (span.0, i64::MIN)..=(span.1, i64::MAX)
}

/// The invoices and the payments [`APPLIED`] finds.
fn applied_after(conn: &Connection, on: NaiveDate) -> Result<(Pairs, Pairs)> {
    let context = "cannot read what changed after the date";
    let mut stmt = conn.prepare_cached(APPLIED).context(context)?;
    let rows = stmt
        .query_map([iso(on)], |r| {
            let payment: (Option<CustomerId>, Option<i64>) = (r.get(2)?, r.get(3)?);
            Ok(((r.get(0)?, r.get(1)?), payment))
        })
        .context(context)?;
    let (mut invoices, mut payments) = (BTreeSet::new(), BTreeSet::new());
    for row in rows {
        let (invoice, payment) = row.context(context)?;
        invoices.insert(invoice);
        if let (Some(customer), Some(id)) = payment {
            payments.insert((customer, id));
        }
    }
    Ok((invoices, payments))
}

/// Documents or payments, by customer then id.
type Pairs = BTreeSet<(CustomerId, i64)>;

fn pairs(conn: &Connection, queries: &[&str], on: NaiveDate) -> Result<Pairs> {
    let mut out = BTreeSet::new();
    for sql in queries {
        let mut stmt = conn
            .prepare_cached(sql)
            .context("cannot read what changed after the date")?;
        let rows = stmt
            .query_map([iso(on)], |r| Ok((r.get(0)?, r.get(1)?)))
            .context("cannot read what changed after the date")?;
        for row in rows {
            out.insert(row.context("cannot read what changed after the date")?);
        }
    }
    Ok(out)
}

/// The span's documents with a balance on `later`'s day, in no order: the
/// recorded balance of those nothing touched since, the rebuilt one of the
/// rest.
/// Each is handed to `each` as it is read.
pub(crate) fn open_documents(
    conn: &Connection,
    later: &Later,
    span: Customers,
    each: &mut dyn FnMut(Invoice),
) -> Result<()> {
    if !later.any || later.many {
        let read = super::history::Span {
            as_of: later.on,
            customer: span,
            open_only: true,
            ordered: false,
        };
        return super::history::each_document(conn, read, each);
    }
    recorded(conn, later, span, RECORDED, each)?;
    rebuilt(conn, later, span, each)
}

/// As [`open_documents`] without the invoices nothing touched since: the
/// credit notes as recorded and every touched document rebuilt, for a read
/// that takes the untouched invoices from an account read of a later date.
pub(crate) fn notes_and_touched(
    conn: &Connection,
    later: &Later,
    span: Customers,
    each: &mut dyn FnMut(Invoice),
) -> Result<()> {
    let notes = format!("{RECORDED} AND kind = 'credit_note'");
    recorded(conn, later, span, &notes, each)?;
    rebuilt(conn, later, span, each)
}

/// The documents `sql` ([`RECORDED`] or a narrower form of it) finds,
/// less those touched after the day.
fn recorded(
    conn: &Connection,
    later: &Later,
    span: Customers,
    sql: &str,
    each: &mut dyn FnMut(Invoice),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).context("cannot list invoices")?;
    let rows = stmt
        .query_map(
            params![iso(later.on), span.0, span.1],
            super::invoices::read_invoice,
        )
        .context("cannot list invoices")?;
    for row in rows {
        let document = row.context("cannot read invoice")??;
        if !later.is_touched(document.customer_id, document.id) {
            each(document);
        }
    }
    Ok(())
}

/// The span's documents touched after the day that had a balance on it,
/// each rebuilt from its dated rows.
fn rebuilt(
    conn: &Connection,
    later: &Later,
    span: Customers,
    each: &mut dyn FnMut(Invoice),
) -> Result<()> {
    let sql = format!(
        "{} AND i.id IN (SELECT value FROM json_each(?2))
           AND (i.closed_on IS NULL OR i.closed_on > ?1)",
        super::history::AS_OF_SELECT
    );
    let mut stmt = conn.prepare_cached(&sql).context("cannot list invoices")?;
    super::settlements::by_id_lists(later.touched(span), |_, list| {
        let rows = stmt
            .query_map(params![iso(later.on), list], super::invoices::read_invoice)
            .context("cannot list invoices")?;
        for row in rows {
            let document = row.context("cannot read invoice")??;
            if !document.open.is_zero() {
                each(document);
            }
        }
        Ok(())
    })
}

/// Every payment's credit not yet applied on `later`'s day, per customer
/// and currency, as [`super::history::unapplied_as_of`] gives it.
pub(crate) fn unapplied(
    conn: &Connection,
    later: &Later,
    span: Customers,
) -> Result<Vec<UnappliedPayment>> {
    if !later.any || later.many {
        return super::history::unapplied_as_of(conn, later.on, span);
    }
    let day = iso(later.on);
    let mut parts: Vec<(CustomerId, String, i64)> = Vec::new();
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, customer_id, currency, unapplied_minor FROM payment
              WHERE unapplied_minor > 0 AND customer_id BETWEEN ?2 AND ?3 AND paid_on <= ?1",
        )
        .context("cannot read unapplied payments")?;
    let rows = stmt
        .query_map(params![day, span.0, span.1], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .context("cannot read unapplied payments")?;
    for row in rows {
        let (id, customer, currency, minor) = row.context("cannot read unapplied payment")?;
        if !later.payments.contains(&(customer, id)) {
            parts.push((customer, currency, minor));
        }
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.customer_id, p.currency, p.amount_minor
                 - COALESCE((SELECT SUM(a.amount_minor) FROM allocation a
                             WHERE a.payment_id = p.id AND a.allocated_on <= ?1), 0)
               FROM payment p WHERE p.paid_on <= ?1 AND p.id = ?2",
        )
        .context("cannot read unapplied payments")?;
    for (_, id) in later.payments.range(range(span)) {
        let rows = stmt
            .query_map(params![day, id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .context("cannot read unapplied payments")?;
        for row in rows {
            parts.push(row.context("cannot read unapplied payment")?);
        }
    }
    super::history::sum_unapplied(parts)
}
