//! An import's writes on payments and bank lines, and allocating a bank
//! line that waited for the bookkeeper.

use chrono::NaiveDate;
use rusqlite::params;

use super::super::rows::{self, IsoDate};
use super::super::{Context, NewPayment, Result, Store, StoreError, Tx, allocate, payments};
use super::ImportTx;
use dun_core::ledger::{Allocation, CustomerId, InvoiceId, PaymentId, SourceRef};
use dun_core::money::Currency;

/// A bank line waiting to be allocated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    /// Its id (`dun payment allocate ID`).
    pub id: i64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount in minor units.
    #[serde(skip)]
    pub amount_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Who paid, as the bank wrote it.
    pub counterparty: Option<String>,
    /// The reference, as the bank wrote it.
    pub reference: Option<String>,
    /// The import and line it came from.
    pub import_id: i64,
    /// Its line in that file.
    pub line: u64,
    /// The payer's IBAN, when the bank gave it.
    pub payer_iban: Option<String>,
    /// The structured creditor reference, when the statement gave one.
    pub structured_reference: Option<String>,
    /// Why the import could not match it.
    pub why: Option<String>,
}

impl Store {
    /// Bank lines waiting for `dun payment allocate`, oldest first.
    pub fn receipts(&self) -> Result<Vec<Receipt>> {
        read_receipts(
            self.conn(),
            "WHERE allocated_to IS NULL ORDER BY paid_on, id",
            [],
        )
    }

    /// One waiting bank line, allocated or not.
    pub fn waiting_payment(&self, receipt_id: i64) -> Result<Receipt> {
        read_receipts(self.conn(), "WHERE id = ?1", [receipt_id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "waiting payment",
                key: receipt_id.to_string(),
            })
    }
}

impl Receipt {
    /// The payment this bank line becomes once its payer is known.
    pub fn as_payment(&self, customer_id: CustomerId, invoice_id: Option<InvoiceId>) -> NewPayment {
        NewPayment {
            customer_id,
            paid_on: self.paid_on,
            amount: rows::amount(self.amount_minor, self.currency),
            currency: self.currency,
            method: Some("transfer".into()),
            reference: self.reference.clone(),
            invoice_id,
        }
    }
}

impl Tx<'_> {
    /// Records a waiting bank line as `payment`, applied across `split`
    /// (invoice, minor units) when given; returns the payment's id.
    /// A line is allocated once only: a second claim is refused.
    pub(crate) fn allocate_receipt(
        &self,
        receipt: &Receipt,
        payment: &NewPayment,
        split: &[(InvoiceId, i64)],
    ) -> Result<PaymentId> {
        let tx = self.sql();
        let id = payments::insert_payment(tx, payment)?;
        remember_iban(tx, id, receipt.payer_iban.as_deref())?;
        apply_split(tx, id, payment, split)?;
        let claimed = tx
            .execute(
                "UPDATE receipt SET allocated_to = ?2 WHERE id = ?1 AND allocated_to IS NULL",
                params![receipt.id, id],
            )
            .context("cannot mark the payment allocated")?;
        if claimed == 0 {
            return Err(StoreError::Refused(format!(
                "waiting payment {} is already allocated",
                receipt.id
            )));
        }
        tx.execute(
            "UPDATE payment SET import_id = ?2 WHERE id = ?1",
            params![id, receipt.import_id],
        )
        .context("cannot mark the payment allocated")?;
        allocate::reallocate(tx, payment.customer_id, payment.currency)?;
        Ok(id)
    }
}

/// A bank line's payment, matched by the import.
#[derive(Debug, Clone, Copy)]
pub struct MatchedPayment<'a> {
    /// The payment.
    pub payment: &'a NewPayment,
    /// The key that recognises the line in a later import.
    pub key: &'a str,
    /// The payer's IBAN, learned for the customer.
    pub payer_iban: Option<&'a str>,
    /// Invoices it pays and how much of each, in minor units; empty to
    /// apply it by the usual rules.
    pub split: &'a [(InvoiceId, i64)],
}

fn remember_iban(tx: &rusqlite::Connection, payment: PaymentId, iban: Option<&str>) -> Result<()> {
    if let Some(iban) = iban {
        tx.prepare_cached("UPDATE payment SET payer_iban = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![payment, iban]))
            .context("cannot remember the payer's IBAN")?;
    }
    Ok(())
}

/// Applies a payment exactly across the invoices it pays.
fn apply_split(
    tx: &rusqlite::Transaction<'_>,
    payment_id: PaymentId,
    payment: &NewPayment,
    split: &[(InvoiceId, i64)],
) -> Result<()> {
    for &(invoice_id, minor) in split {
        let allocation = Allocation {
            invoice_id,
            source: SourceRef::Payment(payment_id),
            amount: payment.currency.from_minor(minor),
            discount: rust_decimal::Decimal::ZERO,
        };
        allocate::record(tx, &allocation, payment.currency, Some(payment.paid_on))?;
    }
    Ok(())
}

fn read_receipts(
    conn: &rusqlite::Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Receipt>> {
    let sql = format!(
        "SELECT id, paid_on, amount_minor, currency, counterparty, reference, import_id, line,
                payer_iban, structured_reference, why
         FROM receipt {filter}"
    );
    let mut stmt = conn.prepare(&sql).context("cannot read waiting payments")?;
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ),
                (
                    r.get(4)?,
                    r.get(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ),
                (r.get(8)?, r.get(9)?, r.get(10)?),
            ))
        })
        .context("cannot read waiting payments")?;
    rows.map(|row| {
        let (
            (id, on, minor, currency),
            (counterparty, reference, import_id, line),
            (payer_iban, structured_reference, why),
        ) = row.context("cannot read a waiting payment")?;
        Ok(Receipt {
            id,
            paid_on: rows::date(&on)?,
            amount_minor: minor,
            currency: rows::currency(&currency)?,
            counterparty,
            reference,
            import_id,
            line: u64::try_from(line).unwrap_or(0),
            payer_iban,
            structured_reference,
            why,
        })
    })
    .collect()
}

/// A bank line no payer could be found for, to keep until the bookkeeper
/// allocates it.
#[derive(Debug, Clone, Copy)]
pub struct NewReceipt<'a> {
    /// Its line in the statement.
    pub line: u64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Its currency.
    pub currency: Currency,
    /// Who paid, as the bank names them.
    pub counterparty: Option<&'a str>,
    /// The payment's reference.
    pub reference: Option<&'a str>,
    /// The key that recognises the line in a later import.
    pub key: &'a str,
    /// The payer's IBAN.
    pub payer_iban: Option<&'a str>,
    /// The structured creditor reference.
    pub structured_reference: Option<&'a str>,
    /// Why it waits.
    pub why: &'a str,
}

impl ImportTx<'_> {
    /// True when a bank line with this key was imported before.
    pub fn seen_bank_line(&self, key: &str) -> Result<bool> {
        self.tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM payment WHERE import_key = ?1)
                     OR EXISTS (SELECT 1 FROM receipt WHERE import_key = ?1)",
            )
            .and_then(|mut s| s.query_row([key], |r| r.get(0)))
            .context("cannot look up bank line")
    }

    /// Records a payment matched with certainty, applied to `invoice_id`
    /// first, then by the usual rules.
    pub fn insert_payment(&mut self, payment: &NewPayment, key: &str) -> Result<PaymentId> {
        let id = self.insert_keyed(payment, key, None)?;
        allocate::reallocate(self.tx, payment.customer_id, payment.currency)?;
        Ok(id)
    }

    /// Records a matched bank line's payment, remembering the IBAN it came
    /// from, applied exactly across `split` (invoice, minor units) when
    /// given, then by the usual rules.
    pub fn insert_matched(&mut self, matched: &MatchedPayment<'_>) -> Result<PaymentId> {
        let id = self.insert_keyed(matched.payment, matched.key, matched.payer_iban)?;
        apply_split(self.tx, id, matched.payment, matched.split)?;
        allocate::reallocate(
            self.tx,
            matched.payment.customer_id,
            matched.payment.currency,
        )?;
        Ok(id)
    }

    /// Records a payment on account as the export lists it (unapplied);
    /// false when its key was imported before.
    pub fn insert_unapplied(&mut self, payment: &NewPayment, key: &str) -> Result<bool> {
        if self.seen_bank_line(key)? {
            return Ok(false);
        }
        self.insert_keyed(payment, key, None)?;
        Ok(true)
    }

    /// A payment carrying this import, its key and the account it was paid
    /// from.
    fn insert_keyed(
        &mut self,
        payment: &NewPayment,
        key: &str,
        payer_iban: Option<&str>,
    ) -> Result<PaymentId> {
        let origin = payments::Origin {
            import_id: self.batch,
            key,
            payer_iban,
        };
        let id = payments::insert_payment_from(self.tx, payment, Some(&origin))?;
        self.touched.insert(payment.customer_id);
        Ok(id)
    }

    /// Keeps a bank line for the bookkeeper to allocate.
    pub fn insert_receipt(&mut self, receipt: &NewReceipt<'_>) -> Result<i64> {
        let NewReceipt {
            line,
            paid_on,
            amount_minor,
            currency,
            counterparty,
            reference,
            key,
            payer_iban,
            structured_reference,
            why,
        } = *receipt;
        self.tx
            .prepare_cached(
                "INSERT INTO receipt (import_id, line, paid_on, amount_minor, currency, counterparty,
                    reference, import_key, payer_iban, structured_reference, why)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    self.batch,
                    i64::try_from(line).unwrap_or(i64::MAX),
                    IsoDate::from(paid_on),
                    amount_minor,
                    currency.as_str(),
                    counterparty,
                    reference,
                    key,
                    payer_iban,
                    structured_reference,
                    why
                ])
            })
            .context("cannot keep the payment for allocation")?;
        Ok(self.tx.last_insert_rowid())
    }
}
