//! Payments received.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, Transaction, params};
use rust_decimal::Decimal;

use super::allocate::reallocate;
use super::rows::{self, iso};
use super::{Context, Result, Store, StoreError, Tx, now_stamp};
use dun_core::ledger::{CustomerId, DocumentKind, InvoiceId, Payment, PaymentId};
use dun_core::money::Currency;

/// A payment to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// Who paid.
    pub customer_id: CustomerId,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount, positive.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Bank transfer, card, cash…
    pub method: Option<String>,
    /// Bank reference.
    pub reference: Option<String>,
    /// The invoice the payer named.
    pub invoice_id: Option<InvoiceId>,
}

impl Store {
    /// Refuses a payment naming an invoice it cannot pay: another
    /// customer's, a credit note, another currency, a written-off invoice.
    pub fn check_payable(&self, invoice_id: InvoiceId, payment: &NewPayment) -> Result<()> {
        check_payable(self.conn(), invoice_id, payment)
    }

    /// Payments, oldest first, optionally of one customer, each with the
    /// numbers of the invoices it was applied to.
    pub fn payments(&self, customer_id: Option<CustomerId>) -> Result<Vec<(Payment, Vec<String>)>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT id, customer_id, paid_on, amount_minor, currency, method, reference,
                        invoice_id, unapplied_minor
                 FROM payment WHERE customer_id BETWEEN ?1 AND ?2 ORDER BY paid_on, id",
            )
            .context("cannot list payments")?;
        let span = super::Customers::from(customer_id);
        let rows = stmt
            .query_map(rusqlite::params![span.0, span.1], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            })
            .context("cannot list payments")?;
        let mut applied = self.applied_to(customer_id)?;
        rows.map(|row| {
            let (
                id,
                customer_id,
                paid_on,
                amount,
                currency,
                method,
                reference,
                invoice_id,
                unapplied,
            ) = row.context("cannot read payment")?;
            let currency = rows::currency(&currency)?;
            let payment = Payment {
                id,
                customer_id,
                paid_on: rows::date(&paid_on)?,
                amount: rows::amount(amount, currency),
                currency,
                method,
                reference,
                invoice_id,
                unapplied: rows::amount(unapplied, currency),
            };
            Ok((payment, applied.remove(&id).unwrap_or_default()))
        })
        .collect()
    }

    fn applied_to(
        &self,
        customer_id: Option<CustomerId>,
    ) -> Result<HashMap<PaymentId, Vec<String>>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT a.payment_id, i.number FROM invoice i
                 JOIN allocation a ON a.invoice_id = i.id
                 WHERE a.payment_id IS NOT NULL AND i.customer_id BETWEEN ?1 AND ?2
                 ORDER BY a.id",
            )
            .context("cannot read allocations")?;
        let rows = stmt
            .query_map(
                rusqlite::params![
                    super::Customers::from(customer_id).0,
                    super::Customers::from(customer_id).1
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .context("cannot read allocations")?;
        let mut map: HashMap<PaymentId, Vec<String>> = HashMap::new();
        for row in rows {
            let (payment, number) = row.context("cannot read allocation")?;
            map.entry(payment).or_default().push(number);
        }
        Ok(map)
    }
}

pub(crate) fn insert_payment(tx: &Transaction<'_>, payment: &NewPayment) -> Result<PaymentId> {
    insert_payment_from(tx, payment, None)
}

/// Where an imported payment came from: the import, the key that
/// recognises its bank line in a later one, the account it was paid from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub import_id: i64,
    pub key: &'a str,
    pub payer_iban: Option<&'a str>,
}

/// Inserts a payment, with where it came from when an import made it: in
/// one statement, as a statement of a hundred thousand lines needs.
pub(crate) fn insert_payment_from(
    tx: &Transaction<'_>,
    payment: &NewPayment,
    origin: Option<&Origin<'_>>,
) -> Result<PaymentId> {
    if payment.amount <= Decimal::ZERO {
        return Err(StoreError::Refused(
            "a payment's amount must be positive".into(),
        ));
    }
    let minor = rows::minor(payment.amount, payment.currency)?;
    tx.prepare_cached(
        "INSERT INTO payment (customer_id, paid_on, amount_minor, currency, method, reference,
            invoice_id, unapplied_minor, created_at, import_id, import_key, payer_iban)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            payment.customer_id,
            iso(payment.paid_on),
            minor,
            payment.currency.as_str(),
            payment.method,
            payment.reference,
            payment.invoice_id,
            now_stamp(),
            origin.map(|o| o.import_id),
            origin.map(|o| o.key),
            origin.and_then(|o| o.payer_iban),
        ])
    })
    .context("cannot insert payment")?;
    Ok(tx.last_insert_rowid())
}

impl Tx<'_> {
    /// Records a payment and applies it: to the named invoice first, then
    /// oldest due first; the rest stays on account.
    pub(crate) fn insert_payment(&self, payment: &NewPayment) -> Result<PaymentId> {
        let id = insert_payment(self.sql(), payment)?;
        reallocate(self.sql(), payment.customer_id, payment.currency)?;
        Ok(id)
    }
}

fn check_payable(conn: &Connection, invoice_id: InvoiceId, payment: &NewPayment) -> Result<()> {
    let (number, customer, kind, currency, written_off): (
        String,
        i64,
        String,
        String,
        Option<String>,
    ) = conn
        .query_row(
            "SELECT number, customer_id, kind, currency, written_off_on FROM invoice WHERE id = ?1",
            [invoice_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .context("cannot read the named invoice")?;
    let refuse = |why: String| Err(StoreError::Refused(why));
    if customer != payment.customer_id {
        return refuse(format!("invoice {number} belongs to another customer"));
    }
    if DocumentKind::parse(&kind) == Some(DocumentKind::CreditNote) {
        return refuse(format!("{number} is a credit note, not an invoice"));
    }
    if currency != payment.currency.as_str() {
        return refuse(format!(
            "invoice {number} is in {currency}, the payment in {}",
            payment.currency
        ));
    }
    if written_off.is_some() {
        return refuse(format!("invoice {number} is written off"));
    }
    Ok(())
}
