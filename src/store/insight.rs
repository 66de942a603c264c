//! What the insight reports read: every invoice issued by a date with what
//! settled it, on which day, up to that date.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::settlements::{Of, by_id_lists, settlements};
use super::{Context, Customers, Result, Store};
use dun_core::insight::InvoiceRecord;
use dun_core::ledger::{CustomerId, SettledBy, Settlement};

impl Store {
    /// The invoices (not credit notes) issued by `as_of`, of one customer
    /// or all, each with its settlements up to `as_of`: the dated facts
    /// DSO, CEI, the payers report, the changes and the backtest read.
    pub fn invoice_records(
        &self,
        as_of: NaiveDate,
        customer: Option<CustomerId>,
    ) -> Result<Vec<InvoiceRecord>> {
        self.invoice_records_between(as_of, Customers::from(customer))
    }

    /// As [`Store::invoice_records`], for the customers whose ids fall in
    /// `span`.
    pub fn invoice_records_between(
        &self,
        as_of: NaiveDate,
        span: Customers,
    ) -> Result<Vec<InvoiceRecord>> {
        let mut parts = settlements(self.conn(), as_of, span, Of::Issued)?;
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, number, customer_id, issue_date, due_date, amount_minor, currency
                   FROM invoice
                  WHERE kind = 'invoice' AND issue_date <= ?1 AND customer_id BETWEEN ?2 AND ?3",
            )
            .context("cannot read the invoices issued")?;
        let rows = stmt
            .query_map(params![iso(as_of), span.0, span.1], record_row)
            .context("cannot read the invoices issued")?;
        let mut out = Vec::new();
        for row in rows {
            let mut record = row.context("cannot read an invoice issued")??;
            record.settlements = parts.remove(&record.id).unwrap_or_default();
            out.push(record);
        }
        out.sort_by_key(|r| (r.customer_id, r.issue_date, r.id));
        Ok(out)
    }
}

/// An invoice record from the columns id, number, customer_id,
/// issue_date, due_date, amount_minor and currency, its settlements not
/// yet read.
fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<InvoiceRecord>> {
    let text = |i: usize| -> rusqlite::Result<&str> { r.get_ref(i)?.as_str().map_err(Into::into) };
    let (id, number, customer_id, minor): (i64, String, i64, i64) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(5)?);
    let (issued, due, currency) = (text(3)?, text(4)?, text(6)?);
    Ok((|| {
        let currency = rows::currency(currency)?;
        Ok(InvoiceRecord {
            id,
            number,
            customer_id,
            issue_date: rows::date(issued)?,
            due_date: rows::date(due)?,
            amount: rows::amount(minor, currency),
            currency,
            settlements: Vec::new(),
        })
    })())
}

/// Which invoices [`Store::scan_invoice_records`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Only those with nothing owed on them now.
    closed: bool,
    /// Ids from, to, both included.
    ids: (i64, i64),
}

impl Scan {
    /// Every invoice issued by the date.
    pub const ALL: Scan = Scan {
        closed: false,
        ids: (i64::MIN, i64::MAX),
    };
    /// Those with nothing owed on them now.
    pub const CLOSED: Scan = Scan {
        closed: true,
        ids: (i64::MIN, i64::MAX),
    };

    /// Those of these whose ids are from `from` to `to`, both included:
    /// one part of a ledger read on several cores.
    pub fn part(self, from: i64, to: i64) -> Scan {
        Scan {
            ids: (from, to),
            ..self
        }
    }
}

impl Store {
    /// The highest invoice id, 0 for an empty ledger.
    pub fn last_invoice_id(&self) -> Result<i64> {
        self.conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM invoice", [], |r| r.get(0))
            .context("cannot read the invoices issued")
    }
}

impl Store {
    /// The invoices (not credit notes) among `ids` issued by `as_of`, each
    /// with its settlements up to `as_of`, as [`Store::invoice_records`]
    /// gives them, in the order of `ids` (each once): for the few a report
    /// needs exactly, looked up many to a query.
    pub fn invoice_records_of(
        &self,
        as_of: NaiveDate,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<Vec<InvoiceRecord>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, number, customer_id, issue_date, due_date, amount_minor, currency
                   FROM invoice
                  WHERE id IN (SELECT value FROM json_each(?1)) AND kind = 'invoice'
                    AND issue_date <= ?2",
            )
            .context("cannot read the invoices issued")?;
        let (mut out, mut found) = (Vec::new(), HashMap::new());
        by_id_lists(ids, |chunk, list| {
            let mut parts = settlements(self.conn(), as_of, Customers::ALL, Of::Among(list))?;
            let rows = stmt
                .query_map(params![list, iso(as_of)], record_row)
                .context("cannot read the invoices issued")?;
            for row in rows {
                let mut record = row.context("cannot read an invoice issued")??;
                record.settlements = parts.remove(&record.id).unwrap_or_default();
                found.insert(record.id, record);
            }
            out.extend(chunk.iter().filter_map(|id| found.remove(id)));
            Ok(())
        })?;
        Ok(out)
    }

    /// The ids of the span's invoices (not credit notes) issued after
    /// `after` and by `by`, through the customers' index: one seek per
    /// customer (`CROSS JOIN` keeps that order), not a walk through every
    /// invoice of the span.
    pub fn issued_between(
        &self,
        span: Customers,
        after: NaiveDate,
        by: NaiveDate,
    ) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT i.id FROM customer c CROSS JOIN invoice i ON i.customer_id = c.id
                  WHERE c.id BETWEEN ?1 AND ?2 AND i.kind = 'invoice'
                    AND i.issue_date > ?3 AND i.issue_date <= ?4",
            )
            .context("cannot read the invoices issued")?;
        let rows = stmt
            .query_map(params![span.0, span.1, iso(after), iso(by)], |r| r.get(0))
            .context("cannot read the invoices issued")?;
        rows.map(|r| r.context("cannot read an invoice issued"))
            .collect()
    }
}

/// One settled part read by [`Store::scan_invoice_records`]: invoice, day,
/// minor units, what settled it, and its place among the parts of the same
/// day (the order [`super::settlements`] gives them).
struct ScanPart {
    invoice: i64,
    minor: i64,
    on: NaiveDate,
    rank: u8,
    by: SettledBy,
}

impl Store {
    /// Every invoice (not credit note) issued by `as_of` with its
    /// settlements up to `as_of`, as [`Store::invoice_records`] gives them,
    /// handed to `each` one at a time in invoice order. The table is read
    /// from end to end rather than customer by customer: a whole-ledger
    /// report visits each page once, and holds one invoice at a time (and
    /// the ledger's settled parts, a few bytes each).
    pub fn scan_invoice_records(
        &self,
        as_of: NaiveDate,
        scan: Scan,
        mut each: impl FnMut(&InvoiceRecord),
    ) -> Result<()> {
        let ids = scan.ids;
        let parts = scan_parts(self.conn(), as_of, ids)?;
        let mut next = 0;
        let day = iso(as_of);
        let sql = format!(
            "SELECT id, number, customer_id, issue_date, due_date, amount_minor, currency,
                    written_off_on, written_off_minor, settled_on, settled_minor
               FROM invoice
              WHERE kind = 'invoice' AND +issue_date <= ?1 AND id BETWEEN ?2 AND ?3 {}
              ORDER BY id",
            if scan.closed {
                "AND open_minor = 0"
            } else {
                ""
            }
        );
        let mut stmt = self
            .conn()
            .prepare_cached(&sql)
            .context("cannot read the invoices issued")?;
        let mut rows = stmt
            .query(params![day, ids.0, ids.1])
            .context("cannot read the invoices issued")?;
        // One record, filled again for each invoice: its number and its
        // settlements keep their buffers from one to the next.
        let mut record = InvoiceRecord {
            id: 0,
            number: String::new(),
            customer_id: 0,
            issue_date: as_of,
            due_date: as_of,
            amount: rust_decimal::Decimal::ZERO,
            currency: dun_core::money::Currency::EUR,
            settlements: Vec::new(),
        };
        let mut own: Vec<(NaiveDate, u8, usize, Settlement)> = Vec::new();
        while let Some(r) = rows.next().context("cannot read an invoice issued")? {
            fill(&mut record, r)?;
            let (id, currency) = (record.id, record.currency);
            own.clear();
            while parts.get(next).is_some_and(|p| p.invoice < id) {
                next += 1;
            }
            while let Some(p) = parts.get(next).filter(|p| p.invoice == id) {
                own.push((
                    p.on,
                    p.rank,
                    own.len(),
                    settled(p.on, p.minor, p.by, currency),
                ));
                next += 1;
            }
            let whole = [
                (7, 8, 1, SettledBy::WriteOff),
                (9, 10, 2, SettledBy::BeforeImport),
            ];
            for (on_at, minor_at, rank, by) in whole {
                let read = || -> rusqlite::Result<_> {
                    Ok((
                        r.get_ref(on_at)?.as_str_or_null()?,
                        r.get::<_, i64>(minor_at)?,
                    ))
                };
                let (on, minor) = read().context("cannot read an invoice issued")?;
                if let Some(on) = on.filter(|on| *on <= day.as_str() && minor > 0) {
                    let on = rows::date(on)?;
                    own.push((on, rank, own.len(), settled(on, minor, by, currency)));
                }
            }
            own.sort_by_key(|(on, rank, seq, _)| (*on, *rank, *seq));
            record.settlements.clear();
            record
                .settlements
                .extend(own.drain(..).map(|(.., settlement)| settlement));
            each(&record);
        }
        Ok(())
    }
}

/// Fills `record` from the columns id, number, customer_id, issue_date,
/// due_date, amount_minor and currency, reading the text in place.
fn fill(record: &mut InvoiceRecord, r: &rusqlite::Row<'_>) -> Result<()> {
    let text = |i: usize| -> rusqlite::Result<&str> { r.get_ref(i)?.as_str().map_err(Into::into) };
    let read = || -> rusqlite::Result<_> {
        Ok((
            (r.get::<_, i64>(0)?, text(1)?, r.get::<_, i64>(2)?),
            (text(3)?, text(4)?, r.get::<_, i64>(5)?, text(6)?),
        ))
    };
    let ((id, number, customer_id), (issued, due, minor, currency)) =
        read().context("cannot read an invoice issued")?;
    let currency = rows::currency(currency)?;
    record.id = id;
    record.number.clear();
    record.number.push_str(number);
    record.customer_id = customer_id;
    record.issue_date = rows::date(issued)?;
    record.due_date = rows::date(due)?;
    record.amount = rows::amount(minor, currency);
    record.currency = currency;
    Ok(())
}

fn settled(
    on: NaiveDate,
    minor: i64,
    by: SettledBy,
    currency: dun_core::money::Currency,
) -> Settlement {
    Settlement {
        on,
        amount: rows::amount(minor, currency),
        by,
    }
}

/// Every part of a payment, credit note or import that settled an invoice
/// whose id is in `ids` by `as_of`, by invoice then day: the allocation and
/// settlement tables read from end to end.
fn scan_parts(conn: &Connection, as_of: NaiveDate, ids: (i64, i64)) -> Result<Vec<ScanPart>> {
    let day = iso(as_of);
    // Counted through the invoice indexes, so the parts are reserved once.
    let count: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM allocation WHERE invoice_id BETWEEN ?1 AND ?2)
                  + (SELECT count(*) FROM settlement WHERE invoice_id BETWEEN ?1 AND ?2)",
            [ids.0, ids.1],
            |r| r.get(0),
        )
        .context("cannot count what settled the invoices")?;
    let mut parts = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut stmt = conn
        .prepare_cached(
            "SELECT invoice_id, allocated_on, amount_minor, payment_id, discount_minor,
                    credit_note_id
               FROM allocation
              WHERE +allocated_on <= ?1 AND +invoice_id BETWEEN ?2 AND ?3",
        )
        .context("cannot read what settled the invoices")?;
    let mut rows = stmt
        .query(params![day, ids.0, ids.1])
        .context("cannot read what settled the invoices")?;
    while let Some(r) = rows.next().context("cannot read what settled an invoice")? {
        let read = || -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                rows::date(r.get_ref(1)?.as_str()?),
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        };
        let (invoice, on, minor, payment, discount, note) =
            read().context("cannot read what settled an invoice")?;
        let on = on?;
        let part = |minor, by| ScanPart {
            invoice,
            minor,
            on,
            rank: 0,
            by,
        };
        match (payment, note) {
            (Some(payment), _) => {
                parts.push(part(minor, SettledBy::Payment(payment)));
                if discount > 0 {
                    parts.push(part(discount, SettledBy::Discount(payment)));
                }
            }
            (None, Some(note)) => parts.push(part(minor, SettledBy::CreditNote(note))),
            (None, None) => {}
        }
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT invoice_id, settled_on, amount_minor FROM settlement
              WHERE +settled_on <= ?1 AND +invoice_id BETWEEN ?2 AND ?3",
        )
        .context("cannot read what settled the invoices")?;
    let mut rows = stmt
        .query(params![day, ids.0, ids.1])
        .context("cannot read what settled the invoices")?;
    while let Some(r) = rows.next().context("cannot read what settled an invoice")? {
        let read = || -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                rows::date(r.get_ref(1)?.as_str()?),
                r.get::<_, i64>(2)?,
            ))
        };
        let (invoice, on, minor) = read().context("cannot read what settled an invoice")?;
        parts.push(ScanPart {
            invoice,
            minor,
            on: on?,
            rank: 3,
            by: SettledBy::Import,
        });
    }
    // Stable: parts of one day keep the order they were read in.
    parts.sort_by_key(|p| (p.invoice, p.on, p.rank));
    Ok(parts)
}
