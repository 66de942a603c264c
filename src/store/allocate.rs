//! Keeping allocations, open balances and unapplied credit in step.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Transaction, params};

use super::rows::{self, iso};
use super::{Context, Result};
use dun_core::ledger::{
    Allocation, CreditSource, CustomerId, Discount, OpenItem, SourceRef, allocate,
};
use dun_core::money::Currency;

/// Applies every unapplied payment and credit note of a customer in one
/// currency to its open invoices, and records what was applied. Called in
/// the same transaction as any write that changes what is open or unapplied.
pub(crate) fn reallocate(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    currency: Currency,
) -> Result<()> {
    let mut items = open_items(tx, customer_id, currency)?;
    if items.is_empty() {
        return Ok(());
    }
    let dated = credit_sources(tx, customer_id, currency)?;
    if dated.is_empty() {
        return Ok(());
    }
    let dates: HashMap<SourceRef, NaiveDate> = dated.iter().map(|(s, d)| (s.source, *d)).collect();
    let mut sources: Vec<CreditSource> = dated.into_iter().map(|(s, _)| s).collect();
    for allocation in &allocate(&mut items, &mut sources) {
        record(
            tx,
            allocation,
            currency,
            dates.get(&allocation.source).copied(),
        )?;
    }
    Ok(())
}

pub(crate) fn record(
    tx: &Transaction<'_>,
    allocation: &Allocation,
    currency: Currency,
    source_date: Option<NaiveDate>,
) -> Result<()> {
    let minor = rows::minor(allocation.amount, currency)?;
    let discount = rows::minor(allocation.discount, currency)?;
    let invoice_issued: String = tx
        .query_row(
            "SELECT issue_date FROM invoice WHERE id = ?1",
            [allocation.invoice_id],
            |r| r.get(0),
        )
        .context("cannot read invoice for allocation")?;
    let issued = rows::date(&invoice_issued)?;
    let on = source_date.map_or(issued, |d| d.max(issued));
    let (payment_id, credit_note_id) = match allocation.source {
        SourceRef::Payment(id) => (Some(id), None),
        SourceRef::CreditNote(id) => (None, Some(id)),
    };
    tx.prepare_cached(
        "INSERT INTO allocation (invoice_id, payment_id, credit_note_id, amount_minor, allocated_on, discount_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![allocation.invoice_id, payment_id, credit_note_id, minor, iso(on), discount])
    })
    .context("cannot record allocation")?;
    tx.prepare_cached(
        "UPDATE invoice SET open_minor = open_minor - ?2 - ?3, discount_minor = discount_minor + ?3,
            closed_on = CASE WHEN open_minor - ?2 - ?3 = 0 THEN ?4 ELSE closed_on END
         WHERE id = ?1",
    )
    .and_then(|mut s| s.execute(params![allocation.invoice_id, minor, discount, iso(on)]))
    .context("cannot reduce open balance")?;
    match allocation.source {
        SourceRef::Payment(id) => tx
            .prepare_cached(
                "UPDATE payment SET unapplied_minor = unapplied_minor - ?2 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![id, minor])),
        SourceRef::CreditNote(id) => tx
            .prepare_cached(
                "UPDATE invoice SET open_minor = open_minor - ?2,
                    closed_on = CASE WHEN open_minor - ?2 = 0 THEN ?3 ELSE closed_on END
                 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![id, minor, iso(on)])),
    }
    .context("cannot reduce unapplied credit")?;
    Ok(())
}

fn open_items(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    currency: Currency,
) -> Result<Vec<OpenItem>> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT id, due_date, open_minor, discount_minor, discount_offer_minor, discount_until
             FROM invoice
             WHERE customer_id = ?1 AND currency = ?2 AND kind = 'invoice' AND open_minor > 0
             ORDER BY due_date, id",
        )
        .context("cannot read open invoices")?;
    let rows = stmt
        .query_map(params![customer_id, currency.as_str()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .context("cannot read open invoices")?;
    rows.map(|row| {
        let (invoice_id, due, open, granted, offer, until) =
            row.context("cannot read open invoice")?;
        let discount = match rows::opt_date(until)? {
            Some(until) if granted == 0 && offer > 0 => Some(Discount {
                until,
                amount: rows::amount(offer, currency),
            }),
            _ => None,
        };
        Ok(OpenItem {
            invoice_id,
            due_date: rows::date(&due)?,
            currency,
            open: rows::amount(open, currency),
            discount,
        })
    })
    .collect()
}

fn credit_sources(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    currency: Currency,
) -> Result<Vec<(CreditSource, NaiveDate)>> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT 'payment', id, paid_on, unapplied_minor, invoice_id FROM payment
             WHERE customer_id = ?1 AND currency = ?2 AND unapplied_minor > 0
             UNION ALL
             SELECT 'credit_note', id, issue_date, open_minor, NULL FROM invoice
             WHERE customer_id = ?1 AND currency = ?2 AND kind = 'credit_note' AND open_minor > 0
             ORDER BY 3, 2",
        )
        .context("cannot read unapplied credit")?;
    let rows = stmt
        .query_map(params![customer_id, currency.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })
        .context("cannot read unapplied credit")?;
    rows.map(|row| {
        let (kind, id, date, unapplied, target) = row.context("cannot read unapplied credit")?;
        let source = if kind == "payment" {
            SourceRef::Payment(id)
        } else {
            SourceRef::CreditNote(id)
        };
        Ok((
            CreditSource {
                source,
                currency,
                unapplied: rows::amount(unapplied, currency),
                target,
                date: rows::date(&date)?,
            },
            rows::date(&date)?,
        ))
    })
    .collect()
}
