//! Keeping allocations, open balances and unapplied credit in step.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

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
    let dated = credit_sources(tx, customer_id, currency)?;
    if dated.is_empty() {
        return Ok(());
    }
    if let [(only, date)] = dated.as_slice()
        && let Some(allocation) = to_target_alone(tx, customer_id, only)?
    {
        return record(tx, &allocation, currency, Some(*date));
    }
    let mut items = open_items(tx, customer_id, currency)?;
    if items.is_empty() {
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

/// What [`allocate`] does with one source meant for one invoice, when it
/// need not see the others: the source is no more than the invoice's open
/// balance, which offers no discount, so all of it goes there (a discount
/// or more money could reach further invoices: then `None`).
fn to_target_alone(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    source: &CreditSource,
) -> Result<Option<Allocation>> {
    let Some(target) = source.target else {
        return Ok(None);
    };
    let row = tx
        .prepare_cached(&format!(
            "{OPEN_ITEM} WHERE id = ?1 AND customer_id = ?2 AND currency = ?3
                AND kind = 'invoice' AND open_minor > 0"
        ))
        .and_then(|mut s| {
            s.query_row(
                params![target, customer_id, source.currency.as_str()],
                open_row,
            )
            .optional()
        })
        .context("cannot read the invoice a payment is for")?;
    let Some(item) = row.map(|r| to_item(r, source.currency)).transpose()? else {
        return Ok(None);
    };
    let alone = item.discount.is_none()
        && source.unapplied > rust_decimal::Decimal::ZERO
        && source.unapplied <= item.open;
    Ok(alone.then_some(Allocation {
        invoice_id: target,
        source: source.source,
        amount: source.unapplied,
        discount: rust_decimal::Decimal::ZERO,
    }))
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
        .prepare_cached("SELECT issue_date FROM invoice WHERE id = ?1")
        .and_then(|mut s| s.query_row([allocation.invoice_id], |r| r.get(0)))
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

/// An open invoice as the allocation reads it.
const OPEN_ITEM: &str =
    "SELECT id, due_date, open_minor, discount_minor, discount_offer_minor, discount_until
     FROM invoice";

type OpenRow = (i64, String, i64, i64, i64, Option<String>);

fn open_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OpenRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_item(row: OpenRow, currency: Currency) -> Result<OpenItem> {
    let (invoice_id, due, open, granted, offer, until) = row;
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
}

fn open_items(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    currency: Currency,
) -> Result<Vec<OpenItem>> {
    let mut stmt = tx
        .prepare_cached(&format!(
            "{OPEN_ITEM}
             WHERE customer_id = ?1 AND currency = ?2 AND kind = 'invoice' AND open_minor > 0
             ORDER BY due_date, id"
        ))
        .context("cannot read open invoices")?;
    let rows = stmt
        .query_map(params![customer_id, currency.as_str()], open_row)
        .context("cannot read open invoices")?;
    rows.map(|row| to_item(row.context("cannot read open invoice")?, currency))
        .collect()
}

/// A customer's unapplied payments and open credit notes in a currency,
/// earliest first. Two reads, each answered from a partial index (the
/// payments with credit left, the open documents), merged here: one query
/// ordered by date had SQLite walk every payment the customer ever made.
fn credit_sources(
    tx: &Transaction<'_>,
    customer_id: CustomerId,
    currency: Currency,
) -> Result<Vec<(CreditSource, NaiveDate)>> {
    const PAYMENTS: &str = "SELECT id, paid_on, unapplied_minor, invoice_id FROM payment
         WHERE customer_id = ?1 AND currency = ?2 AND unapplied_minor > 0";
    const CREDIT_NOTES: &str = "SELECT id, issue_date, open_minor, NULL FROM invoice
         WHERE customer_id = ?1 AND currency = ?2 AND kind = 'credit_note' AND open_minor > 0";
    let mut found = Vec::new();
    for (sql, source) in [
        (PAYMENTS, SourceRef::Payment as fn(i64) -> SourceRef),
        (CREDIT_NOTES, SourceRef::CreditNote),
    ] {
        let mut stmt = tx
            .prepare_cached(sql)
            .context("cannot read unapplied credit")?;
        let rows = stmt
            .query_map(params![customer_id, currency.as_str()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .context("cannot read unapplied credit")?;
        for row in rows {
            let (id, date, unapplied, target) = row.context("cannot read unapplied credit")?;
            let date = rows::date(&date)?;
            let credit = CreditSource {
                source: source(id),
                currency,
                unapplied: rows::amount(unapplied, currency),
                target,
                date,
            };
            found.push((id, credit, date));
        }
    }
    found.sort_by_key(|(id, _, date)| (*date, *id));
    Ok(found
        .into_iter()
        .map(|(_, credit, date)| (credit, date))
        .collect())
}
