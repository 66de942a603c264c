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
pub(crate) enum Of {
    /// Those still open on the as-of date.
    Open,
    /// Those paid in full after their due date, by the as-of date.
    PaidLate,
    /// This one.
    One(InvoiceId),
}

impl Of {
    /// The condition on invoice `i`; `?4` is the invoice of [`Of::One`].
    fn condition(self) -> &'static str {
        match self {
            Of::Open => "(i.closed_on IS NULL OR i.closed_on > ?1)",
            Of::PaidLate => {
                "i.closed_on <= ?1 AND i.closed_on > i.due_date AND i.written_off_on IS NULL"
            }
            Of::One(_) => "i.id = ?4",
        }
    }
}

/// Every settlement of an invoice up to a date, as one row per part:
/// (invoice, date, minor units, kind, source id, currency).
const PARTS: &str = "
    SELECT a.invoice_id, a.allocated_on, a.amount_minor, 'payment', a.payment_id
      FROM allocation a WHERE a.payment_id IS NOT NULL AND a.allocated_on <= ?1
    UNION ALL
    SELECT a.invoice_id, a.allocated_on, a.discount_minor, 'discount', a.payment_id
      FROM allocation a WHERE a.discount_minor > 0 AND a.allocated_on <= ?1
    UNION ALL
    SELECT a.invoice_id, a.allocated_on, a.amount_minor, 'credit_note', a.credit_note_id
      FROM allocation a WHERE a.credit_note_id IS NOT NULL AND a.allocated_on <= ?1
    UNION ALL
    SELECT id, written_off_on, written_off_minor, 'write_off', NULL
      FROM invoice WHERE written_off_on <= ?1 AND written_off_minor > 0
    UNION ALL
    SELECT id, settled_on, settled_minor, 'before_import', NULL
      FROM invoice WHERE settled_on <= ?1 AND settled_minor > 0
    UNION ALL
    SELECT invoice_id, settled_on, amount_minor, 'import', NULL
      FROM settlement WHERE settled_on <= ?1";

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
    let sql = format!(
        "SELECT p.*, i.currency FROM ({PARTS}) p JOIN invoice i ON i.id = p.invoice_id
         WHERE i.kind = 'invoice' AND i.customer_id BETWEEN ?2 AND ?3 AND {} AND ?4 = ?4
         ORDER BY p.invoice_id, p.allocated_on",
        of.condition()
    );
    let one = match of {
        Of::One(id) => id,
        _ => 0,
    };
    let mut stmt = conn
        .prepare_cached(&sql)
        .context("cannot read what settled the invoices")?;
    let rows = stmt
        .query_map(params![iso(as_of), customers.0, customers.1, one], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .context("cannot read what settled the invoices")?;
    let mut out: HashMap<InvoiceId, Vec<Settlement>> = HashMap::new();
    for row in rows {
        let (invoice, on, minor, kind, source, currency) =
            row.context("cannot read what settled an invoice")?;
        let by = match (kind.as_str(), source) {
            ("payment", Some(id)) => SettledBy::Payment(id),
            ("discount", Some(id)) => SettledBy::Discount(id),
            ("credit_note", Some(id)) => SettledBy::CreditNote(id),
            ("write_off", _) => SettledBy::WriteOff,
            ("before_import", _) => SettledBy::BeforeImport,
            _ => SettledBy::Import,
        };
        out.entry(invoice).or_default().push(Settlement {
            on: rows::date(&on)?,
            amount: rows::amount(minor, rows::currency(&currency)?),
            by,
        });
    }
    Ok(out)
}
