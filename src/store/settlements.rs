//! What settled each invoice and when: the parts of payments and credit
//! notes applied to it, discounts, write-offs and what imports found paid.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Customers, Result, Store};
use dun_core::ledger::{CustomerId, Invoice, InvoiceId, SettledBy, Settlement};

/// Which invoices' settlements to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Of<'a> {
    /// Those still open on the as-of date.
    Open,
    /// Those paid in full after their due date, by the as-of date.
    PaidLate,
    /// This one.
    One(InvoiceId),
    /// Those whose ids a JSON array ([`by_id_lists`]) lists.
    Among(&'a str),
    /// Every invoice issued by the as-of date.
    Issued,
}

/// How many ids one query looks up through [`Of::Among`] or `json_each`.
const ID_CHUNK: usize = 512;

/// Hands `each` the ids `ids` gives, [`ID_CHUNK`] at a time, each chunk
/// with the JSON array that lists it (read by SQLite's `json_each`, as
/// [`Of::Among`] does): many invoices looked up in one query.
pub(crate) fn by_id_lists(
    ids: impl IntoIterator<Item = InvoiceId>,
    mut each: impl FnMut(&[InvoiceId], &str) -> Result<()>,
) -> Result<()> {
    use std::fmt::Write as _;
    let (mut ids, mut chunk) = (ids.into_iter(), Vec::with_capacity(ID_CHUNK));
    let mut list = String::new();
    loop {
        chunk.clear();
        chunk.extend(ids.by_ref().take(ID_CHUNK));
        if chunk.is_empty() {
            return Ok(());
        }
        list.clear();
        list.push('[');
        for (n, id) in chunk.iter().enumerate() {
            let _ = write!(list, "{}{id}", if n > 0 { "," } else { "" });
        }
        list.push(']');
        each(&chunk, &list)?;
    }
}

impl Of<'_> {
    /// The condition on invoice `i`; `?4` is the invoice of [`Of::One`] or
    /// the list of [`Of::Among`].
    fn condition(self) -> &'static str {
        match self {
            Of::Open => "(i.closed_on IS NULL OR i.closed_on > ?1)",
            Of::PaidLate => {
                "i.closed_on <= ?1 AND i.closed_on > i.due_date AND i.written_off_on IS NULL"
            }
            Of::One(_) => "i.id = ?4",
            Of::Among(_) => "i.id IN (SELECT value FROM json_each(?4))",
            Of::Issued => "i.issue_date <= ?1",
        }
    }
}

/// Every settlement of the chosen invoices up to a date, one row per
/// part: (invoice, date, minor units, kind, source id, currency). The
/// invoices come first (`inv`, by customer through its index), each part
/// then by invoice: reading one customer never scans the whole ledger. An
/// allocation row carries a payment's part, its discount, or a credit
/// note's part; it is split into parts as it is read.
const PARTS: &str = "
    WITH inv AS MATERIALIZED (
      SELECT i.id, i.currency, i.written_off_on, i.written_off_minor, i.settled_on,
             i.settled_minor
        FROM invoice i
       WHERE i.kind = 'invoice' AND i.customer_id BETWEEN ?2 AND ?3 AND {CONDITION}
         AND ?4 = ?4)
    SELECT a.invoice_id, a.allocated_on, a.amount_minor, 'allocation', a.payment_id,
           inv.currency, a.discount_minor, a.credit_note_id
      FROM inv JOIN allocation a ON a.invoice_id = inv.id WHERE a.allocated_on <= ?1
    UNION ALL
    SELECT inv.id, inv.written_off_on, inv.written_off_minor, 'write_off', NULL,
           inv.currency, 0, NULL
      FROM inv WHERE inv.written_off_on <= ?1 AND inv.written_off_minor > 0
    UNION ALL
    SELECT inv.id, inv.settled_on, inv.settled_minor, 'before_import', NULL,
           inv.currency, 0, NULL
      FROM inv WHERE inv.settled_on <= ?1 AND inv.settled_minor > 0
    UNION ALL
    SELECT s.invoice_id, s.settled_on, s.amount_minor, 'import', NULL, inv.currency, 0, NULL
      FROM inv JOIN settlement s ON s.invoice_id = inv.id WHERE s.settled_on <= ?1
    ORDER BY 1, 2";

impl Store {
    /// What settled one invoice up to a date, oldest first.
    pub fn settlements_of(&self, invoice: InvoiceId, as_of: NaiveDate) -> Result<Vec<Settlement>> {
        let mut all = settlements(self.conn(), as_of, Customers::ALL, Of::One(invoice))?;
        Ok(all.remove(&invoice).unwrap_or_default())
    }

    /// A customer's invoices paid in full after their due date by a date,
    /// each with what settled it.
    pub fn paid_late(
        &self,
        customer: CustomerId,
        as_of: NaiveDate,
    ) -> Result<Vec<(Invoice, Vec<Settlement>)>> {
        let span = Customers(customer, customer);
        let mut parts = settlements(self.conn(), as_of, span, Of::PaidLate)?;
        let documents = super::history::documents(self.conn(), as_of, span, false, true)?;
        Ok(documents
            .into_iter()
            .filter_map(|d| parts.remove(&d.id).map(|s| (d, s)))
            .collect())
    }
}

/// The settlements of the customers' invoices `of` up to `as_of`, per
/// invoice, oldest first.
pub(crate) fn settlements(
    conn: &Connection,
    as_of: NaiveDate,
    customers: Customers,
    of: Of,
) -> Result<HashMap<InvoiceId, Vec<Settlement>>> {
    let sql = PARTS.replace("{CONDITION}", of.condition());
    let key: &dyn rusqlite::ToSql = match &of {
        Of::One(id) => id,
        Of::Among(list) => list,
        _ => &0,
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read what settled the invoices")?;
    let rows = stmt
        .query_map(params![iso(as_of), customers.0, customers.1, key], |r| {
            Ok(Part {
                invoice: r.get(0)?,
                on: r.get(1)?,
                minor: r.get(2)?,
                kind: r.get(3)?,
                payment: r.get(4)?,
                currency: r.get(5)?,
                discount: r.get(6)?,
                credit_note: r.get(7)?,
            })
        })
        .context("cannot read what settled the invoices")?;
    let mut out: HashMap<InvoiceId, Vec<Settlement>> = HashMap::new();
    for row in rows {
        let part = row.context("cannot read what settled an invoice")?;
        let (on, currency) = (rows::date(&part.on)?, rows::currency(&part.currency)?);
        let settled = out.entry(part.invoice).or_default();
        for (minor, by) in part.settled_by() {
            settled.push(Settlement {
                on,
                amount: rows::amount(minor, currency),
                by,
            });
        }
    }
    Ok(out)
}

/// One row of [`PARTS`].
struct Part {
    invoice: InvoiceId,
    on: String,
    minor: i64,
    kind: String,
    payment: Option<i64>,
    currency: String,
    discount: i64,
    credit_note: Option<i64>,
}

impl Part {
    /// What the row settled, by what: an allocation gives a payment's part
    /// and its discount, or a credit note's part.
    fn settled_by(&self) -> Vec<(i64, SettledBy)> {
        match (self.kind.as_str(), self.payment, self.credit_note) {
            ("allocation", Some(payment), _) => {
                let mut parts = vec![(self.minor, SettledBy::Payment(payment))];
                if self.discount > 0 {
                    parts.push((self.discount, SettledBy::Discount(payment)));
                }
                parts
            }
            ("allocation", None, Some(note)) => vec![(self.minor, SettledBy::CreditNote(note))],
            ("allocation", None, None) => Vec::new(),
            ("write_off", ..) => vec![(self.minor, SettledBy::WriteOff)],
            ("before_import", ..) => vec![(self.minor, SettledBy::BeforeImport)],
            _ => vec![(self.minor, SettledBy::Import)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_in_lists_of_at_most_a_chunk_each_in_order() {
        let ids = 1..=i64::try_from(2 * ID_CHUNK + 6).unwrap();
        let (mut sizes, mut seen) = (Vec::new(), Vec::new());
        by_id_lists(ids.clone(), |chunk, list| {
            sizes.push(chunk.len());
            let listed: Vec<i64> = serde_json::from_str(list).unwrap();
            assert_eq!(listed, chunk);
            seen.extend_from_slice(chunk);
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [ID_CHUNK, ID_CHUNK, 6]);
        assert_eq!(seen, ids.collect::<Vec<_>>());
        by_id_lists(std::iter::empty(), |_, _| panic!("no ids, no list")).unwrap();
    }
}
