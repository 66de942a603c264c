//! Balances as of a date.
//!
//! The ledger keeps each document's open balance as of everything recorded.
//! When nothing is dated after the as-of date, that is the answer, read
//! through a partial index. Otherwise balances are rebuilt from the dated
//! allocations: what was applied on or before the date, what was written
//! off by then, what imports found settled by then (always on an import's
//! date, so the batches' dates stand for them), and only documents and
//! payments that existed then.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Customers;
use super::rows::{self, iso};
use super::{Context, Result};
use dun_core::ledger::{CustomerId, Invoice, UnappliedPayment};

/// True when the ledger records anything dated after `as_of`.
pub(crate) fn has_facts_after(conn: &Connection, as_of: NaiveDate) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM invoice WHERE issue_date > ?1)
             OR EXISTS (SELECT 1 FROM allocation WHERE allocated_on > ?1)
             OR EXISTS (SELECT 1 FROM payment WHERE paid_on > ?1)
             OR EXISTS (SELECT 1 FROM invoice WHERE written_off_on > ?1)
             OR EXISTS (SELECT 1 FROM import_batch WHERE imported_on > ?1)",
        [iso(as_of)],
        |r| r.get(0),
    )
    .context("cannot check the ledger's dates")
}

/// Columns of `super::invoices::read_invoice`, with the open balance as of
/// `?1` in place of the recorded one.
pub(super) const AS_OF_SELECT: &str =
    "SELECT i.id, i.number, i.customer_id, i.kind, i.issue_date, i.due_date, i.amount_minor,
        i.currency,
        i.amount_minor
          - COALESCE((SELECT SUM(a.amount_minor + a.discount_minor) FROM allocation a
                      WHERE a.invoice_id = i.id AND a.allocated_on <= ?1), 0)
          - COALESCE((SELECT SUM(a.amount_minor) FROM allocation a
                      WHERE a.credit_note_id = i.id AND a.allocated_on <= ?1), 0)
          - CASE WHEN i.written_off_on <= ?1 THEN i.written_off_minor ELSE 0 END
          - CASE WHEN i.settled_on <= ?1 THEN i.settled_minor ELSE 0 END
          - COALESCE((SELECT SUM(s.amount_minor) FROM settlement s
                      WHERE s.invoice_id = i.id AND s.settled_on <= ?1), 0),
        CASE WHEN i.written_off_on <= ?1 THEN i.written_off_on END,
        CASE WHEN i.closed_on <= ?1 THEN i.closed_on END,
        COALESCE((SELECT SUM(a.discount_minor) FROM allocation a
                  WHERE a.invoice_id = i.id AND a.allocated_on <= ?1), 0)
    FROM invoice i WHERE i.issue_date <= ?1";

const CURRENT_SELECT: &str = "SELECT id, number, customer_id, kind, issue_date, due_date, amount_minor,
        currency, open_minor, written_off_on, closed_on, discount_minor FROM invoice i WHERE ?1 = ?1";

/// Documents (invoices and credit notes) with their open balances as of a
/// date, by due date then number. `open_only` keeps those with a balance
/// (or unapplied credit) then.
pub(crate) fn documents_as_of(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
    open_only: bool,
) -> Result<Vec<Invoice>> {
    documents(conn, as_of, customer, open_only, true)
}

/// As [`documents_as_of`]; `ordered` false leaves the order to SQLite,
/// which spares a sort of every open document when the caller groups them.
pub(crate) fn documents(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
    open_only: bool,
    ordered: bool,
) -> Result<Vec<Invoice>> {
    let mut documents = Vec::new();
    let span = Span {
        as_of,
        customer,
        open_only,
        ordered,
    };
    each_document(conn, span, &mut |d| documents.push(d))?;
    Ok(documents)
}

/// Which documents [`each_document`] reads, as [`documents`] says.
#[derive(Clone, Copy)]
pub(crate) struct Span {
    pub as_of: NaiveDate,
    pub customer: Customers,
    pub open_only: bool,
    pub ordered: bool,
}

/// As [`documents`], each handed to `each` as it is read rather than
/// gathered: a span's documents are many, and the caller places each in
/// its account.
pub(crate) fn each_document(
    conn: &Connection,
    span: Span,
    each: &mut dyn FnMut(Invoice),
) -> Result<()> {
    let Span {
        as_of,
        customer,
        open_only,
        ordered,
    } = span;
    let historical = has_facts_after(conn, as_of)?;
    let mut sql = String::from(if historical {
        AS_OF_SELECT
    } else {
        CURRENT_SELECT
    });
    sql.push_str(" AND i.customer_id BETWEEN ?2 AND ?3");
    if open_only {
        sql.push_str(if historical {
            " AND (i.closed_on IS NULL OR i.closed_on > ?1)"
        } else {
            " AND i.open_minor > 0"
        });
    }
    if ordered {
        sql.push_str(" ORDER BY i.due_date, i.number");
    }
    let mut stmt = conn.prepare_cached(&sql).context("cannot list invoices")?;
    let rows = stmt
        .query_map(
            params![iso(as_of), customer.0, customer.1],
            super::invoices::read_invoice,
        )
        .context("cannot list invoices")?;
    for row in rows {
        let document = row.context("cannot read invoice")??;
        if !open_only || !document.open.is_zero() {
            each(document);
        }
    }
    Ok(())
}

/// Every payment's credit not yet applied on a date, per customer and
/// currency. Summed in Rust: amounts are capped, sums exact.
pub(crate) fn unapplied_as_of(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<Vec<UnappliedPayment>> {
    let historical = has_facts_after(conn, as_of)?;
    let sql = if historical {
        "SELECT p.customer_id, p.currency, p.amount_minor
             - COALESCE((SELECT SUM(a.amount_minor) FROM allocation a
                         WHERE a.payment_id = p.id AND a.allocated_on <= ?1), 0)
         FROM payment p WHERE p.paid_on <= ?1 AND p.customer_id BETWEEN ?2 AND ?3"
    } else {
        "SELECT customer_id, currency, unapplied_minor FROM payment
         WHERE unapplied_minor > 0 AND ?1 = ?1 AND customer_id BETWEEN ?2 AND ?3"
    };
    let mut stmt = conn
        .prepare_cached(sql)
        .context("cannot read unapplied payments")?;
    let rows = stmt
        .query_map(params![iso(as_of), customer.0, customer.1], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .context("cannot read unapplied payments")?;
    let parts = rows
        .map(|r| r.context("cannot read unapplied payment"))
        .collect::<Result<Vec<_>>>()?;
    sum_unapplied(parts)
}

/// Sums each payment's unapplied credit (customer, currency, minor units)
/// per customer and currency, leaving out what is fully applied. Summed in
/// Rust: amounts are capped, sums exact.
pub(super) fn sum_unapplied(
    parts: Vec<(CustomerId, String, i64)>,
) -> Result<Vec<UnappliedPayment>> {
    let mut sums: std::collections::BTreeMap<(CustomerId, String), i128> =
        std::collections::BTreeMap::new();
    for (customer, currency, minor) in parts {
        if minor > 0 {
            *sums.entry((customer, currency)).or_default() += i128::from(minor);
        }
    }
    sums.into_iter()
        .map(|((customer, currency), minor)| {
            let currency = rows::currency(&currency)?;
            let minor = i64::try_from(minor).map_err(|_| {
                super::StoreError::Corrupt(format!(
                    "unapplied credit of customer {customer} overflows"
                ))
            })?;
            Ok((customer, currency, rows::amount(minor, currency)))
        })
        .collect()
}
