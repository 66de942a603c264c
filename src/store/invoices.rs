//! Invoices and credit notes.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::allocate::reallocate;
use super::rows::{self, iso};
use super::{Context, Result, Store, StoreError, Tx, now_stamp};
use dun_core::ledger::{
    CustomerId, Discount, DocumentKind, EarlyDiscount, Invoice, InvoiceId, UnappliedPayment,
    discount_for,
};
use dun_core::money::Currency;

/// An invoice or credit note to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    /// Document number, unique across invoices and credit notes.
    pub number: String,
    /// The customer.
    pub customer_id: CustomerId,
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount, positive.
    pub amount: rust_decimal::Decimal,
    /// Currency.
    pub currency: Currency,
}

/// Which invoices to list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// Only this customer's.
    pub customer_id: Option<CustomerId>,
    /// Only those with an open balance (or unapplied credit).
    pub open_only: bool,
}

const SELECT: &str = "SELECT id, number, customer_id, kind, issue_date, due_date, amount_minor,
        currency, open_minor, written_off_on, closed_on, discount_minor FROM invoice";

impl Store {
    /// The invoice or credit note with this number.
    pub fn invoice_by_number(&self, number: &str) -> Result<Invoice> {
        invoice_by_number(self.conn(), number)
    }

    /// The invoice a payment naming `number` pays first: the invoice of that
    /// number, else the earliest due open instalment of the document of
    /// that number (the last one when all are paid).
    pub fn payable_by_number(&self, number: &str) -> Result<Invoice> {
        match invoice_by_number(self.conn(), number) {
            Err(StoreError::NotFound { .. }) => {}
            found => return found,
        }
        let sql = format!(
            "{SELECT} WHERE document = ?1 AND instalment IS NOT NULL
             ORDER BY open_minor = 0, due_date, instalment LIMIT 1"
        );
        self.conn()
            .query_row(&sql, [number.trim()], read_invoice)
            .optional()
            .context("cannot look up instalment")?
            .ok_or_else(|| StoreError::NotFound {
                what: "invoice",
                key: number.to_string(),
            })?
    }

    /// Which instalment of which document an invoice is, and how many the
    /// document has: `None` for a document with one due date.
    pub fn instalment_of(&self, id: InvoiceId) -> Result<Option<(String, i64, i64)>> {
        self.conn()
            .query_row(
                "SELECT document, instalment,
                        (SELECT COUNT(*) FROM invoice o WHERE o.document = i.document)
                 FROM invoice i WHERE id = ?1 AND document IS NOT NULL AND instalment IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .context("cannot look up instalment")
    }

    /// A customer's documents with an open balance (or unapplied credit),
    /// as [`Store::invoice_by_id`] gives each, read from the open-items
    /// index alone: it holds every column, so the table's pages, which a
    /// morning's first write finds on disk rather than in memory, are not
    /// visited.
    pub fn open_documents_of(&self, customer_id: CustomerId) -> Result<Vec<Invoice>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "{SELECT} WHERE customer_id = ?1 AND open_minor > 0"
            ))
            .context("cannot read open invoices")?;
        let rows = stmt
            .query_map([customer_id], read_invoice)
            .context("cannot read open invoices")?;
        rows.map(|row| row.context("cannot read an open invoice")?)
            .collect()
    }

    /// The invoice or credit note with this id.
    pub fn invoice_by_id(&self, id: InvoiceId) -> Result<Invoice> {
        let sql = format!("{SELECT} WHERE id = ?1");
        self.conn()
            .query_row(&sql, [id], read_invoice)
            .optional()
            .context("cannot look up invoice")?
            .ok_or_else(|| StoreError::NotFound {
                what: "invoice",
                key: id.to_string(),
            })?
    }

    /// Invoices and credit notes with their balances as of a date, by due
    /// date then number.
    pub fn invoices(&self, filter: &InvoiceFilter, as_of: NaiveDate) -> Result<Vec<Invoice>> {
        super::history::documents_as_of(
            self.conn(),
            as_of,
            filter.customer_id.into(),
            filter.open_only,
        )
    }

    /// (due date, date paid) of the customer's last `n` invoices paid in
    /// full, most recent first; write-offs are left out, and so are invoices
    /// an import found paid (it cannot say when), and so are invoices paid
    /// after `as_of`.
    pub fn recent_lateness(
        &self,
        customer_id: CustomerId,
        n: u32,
        as_of: NaiveDate,
    ) -> Result<Vec<(NaiveDate, NaiveDate)>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT due_date, closed_on FROM invoice
                 WHERE customer_id = ?1 AND kind = 'invoice' AND closed_on <= ?3 AND written_off_on IS NULL
                   AND closed_on IS NOT settled_on
                   AND NOT EXISTS (SELECT 1 FROM settlement s
                                   WHERE s.invoice_id = invoice.id AND s.settled_on = invoice.closed_on)
                 ORDER BY closed_on DESC, id DESC LIMIT ?2",
            )
            .context("cannot read paid invoices")?;
        let rows = stmt
            .query_map(params![customer_id, n, iso(as_of)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .context("cannot read paid invoices")?;
        rows.map(|row| {
            let (due, closed) = row.context("cannot read paid invoice")?;
            Ok((rows::date(&due)?, rows::date(&closed)?))
        })
        .collect()
    }

    /// Every payment's unapplied credit on a date, per customer and currency.
    pub fn unapplied_payments(&self, as_of: NaiveDate) -> Result<Vec<UnappliedPayment>> {
        super::history::unapplied_as_of(self.conn(), as_of, super::Customers::ALL)
    }

    /// A span of customers' open documents and unapplied payments as of a
    /// date, in no particular order: what aging that span reads.
    pub fn open_between(
        &self,
        as_of: NaiveDate,
        customers: super::Customers,
    ) -> Result<(Vec<Invoice>, Vec<UnappliedPayment>)> {
        Ok((
            super::history::documents(self.conn(), as_of, customers, true, false)?,
            super::history::unapplied_as_of(self.conn(), as_of, customers)?,
        ))
    }
}

impl Tx<'_> {
    /// Adds an invoice or credit note and applies any credit waiting on
    /// the account. Refuses a number already in use.
    pub(crate) fn insert_invoice(&self, invoice: &NewInvoice) -> Result<InvoiceId> {
        let id = insert_invoice(self.sql(), invoice)?;
        reallocate(self.sql(), invoice.customer_id, invoice.currency)?;
        Ok(id)
    }

    /// Writes off what is still owed on an invoice and logs it in the
    /// follow-up log; returns the amount written off.
    pub(crate) fn write_off(
        &self,
        number: &str,
        on: NaiveDate,
        reason: Option<&str>,
        locale: dun_core::money::Locale,
    ) -> Result<rust_decimal::Decimal> {
        let tx = self.sql();
        let sql = format!("{SELECT} WHERE number = ?1");
        let invoice = tx
            .query_row(&sql, [number.trim()], read_invoice)
            .optional()
            .context("cannot look up invoice")?
            .ok_or_else(|| StoreError::NotFound {
                what: "invoice",
                key: number.to_string(),
            })??;
        if invoice.kind == DocumentKind::CreditNote {
            return Err(StoreError::Refused(format!(
                "{number} is a credit note; only invoices can be written off"
            )));
        }
        if invoice.written_off_on.is_some() {
            return Err(StoreError::Refused(format!(
                "invoice {number} is already written off"
            )));
        }
        if invoice.open.is_zero() {
            return Err(StoreError::Refused(format!(
                "invoice {number} is paid; nothing to write off"
            )));
        }
        if on < invoice.issue_date {
            return Err(StoreError::Refused(format!(
                "invoice {number} was issued {}; it cannot be written off on {on}",
                invoice.issue_date
            )));
        }
        let last: Option<String> = tx
            .query_row(
                "SELECT MAX(allocated_on) FROM allocation WHERE invoice_id = ?1",
                [invoice.id],
                |r| r.get(0),
            )
            .context("cannot read the invoice's allocations")?;
        if let Some(last) = rows::opt_date(last)?
            && on < last
        {
            return Err(StoreError::Refused(format!(
                "invoice {number} received credit on {last}; it cannot be written off on {on}"
            )));
        }
        tx.execute(
                "UPDATE invoice SET written_off_minor = open_minor, open_minor = 0, written_off_on = ?2,
                    closed_on = ?2
                 WHERE id = ?1",
                params![invoice.id, iso(on)],
            )
            .context("cannot write off invoice")?;
        // The log says what happened: which invoice, how much.
        let outcome = format!(
            "{} written off: {}",
            invoice.number,
            dun_core::money::Money::new(invoice.open, invoice.currency).display(locale)
        );
        tx.execute(
            "INSERT INTO activity (customer_id, occurred_on, kind, outcome, note, recorded_at)
                 VALUES (?1, ?2, 'write_off', ?3, ?4, ?5)",
            params![invoice.customer_id, iso(on), outcome, reason, now_stamp()],
        )
        .context("cannot log the write-off")?;
        tx.execute(
            "INSERT INTO activity_invoice (activity_id, invoice_id) VALUES (?1, ?2)",
            params![tx.last_insert_rowid(), invoice.id],
        )
        .context("cannot log the write-off")?;
        Ok(invoice.open)
    }
}

/// The invoice or credit note with this number.
pub(crate) fn invoice_by_number(conn: &Connection, number: &str) -> Result<Invoice> {
    let sql = format!("{SELECT} WHERE number = ?1");
    conn.query_row(&sql, [number.trim()], read_invoice)
        .optional()
        .context("cannot look up invoice")?
        .ok_or_else(|| StoreError::NotFound {
            what: "invoice",
            key: number.to_string(),
        })?
}

pub(crate) fn insert_invoice(tx: &Transaction<'_>, invoice: &NewInvoice) -> Result<InvoiceId> {
    if invoice.amount <= rust_decimal::Decimal::ZERO {
        return Err(StoreError::Refused(format!(
            "amount of {} must be positive (use a credit note for a negative amount)",
            invoice.number
        )));
    }
    if invoice.due_date < invoice.issue_date {
        return Err(StoreError::Refused(format!(
            "{} is due {} before it is issued {}",
            invoice.number, invoice.due_date, invoice.issue_date
        )));
    }
    let taken: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM invoice WHERE number = ?1)",
            [&invoice.number],
            |r| r.get(0),
        )
        .context("cannot check invoice number")?;
    if taken {
        return Err(StoreError::Refused(format!(
            "invoice number '{}' already exists",
            invoice.number
        )));
    }
    let minor = rows::minor(invoice.amount, invoice.currency)?;
    let offer = match invoice.kind {
        DocumentKind::Invoice => discount_offer(tx, invoice)?,
        DocumentKind::CreditNote => None,
    };
    let (offer_minor, offer_until) = match offer {
        Some(d) => (rows::minor(d.amount, invoice.currency)?, Some(iso(d.until))),
        None => (0, None),
    };
    tx.prepare_cached(
        "INSERT INTO invoice (number, customer_id, kind, issue_date, due_date, amount_minor,
            currency, open_minor, created_at, discount_offer_minor, discount_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![
            invoice.number,
            invoice.customer_id,
            invoice.kind.as_str(),
            iso(invoice.issue_date),
            iso(invoice.due_date),
            minor,
            invoice.currency.as_str(),
            now_stamp(),
            offer_minor,
            offer_until,
        ])
    })
    .context("cannot insert invoice")?;
    Ok(tx.last_insert_rowid())
}

/// The early-payment discount the customer's terms offer on a new invoice.
fn discount_offer(tx: &Transaction<'_>, invoice: &NewInvoice) -> Result<Option<Discount>> {
    let (percent, days): (Option<String>, Option<u32>) = tx
        .query_row(
            "SELECT discount_percent, discount_days FROM customer WHERE id = ?1",
            [invoice.customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("cannot read the customer's terms")?;
    let (Some(percent), Some(days)) = (percent, days) else {
        return Ok(None);
    };
    let percent = percent
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("bad discount '{percent}'")))?;
    Ok(discount_for(
        EarlyDiscount { percent, days },
        invoice.amount,
        invoice.currency,
        invoice.issue_date,
    ))
}

pub(crate) fn read_invoice(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Invoice>> {
    // Text columns are read in place: this runs for every document listed.
    let text = |i: usize| -> rusqlite::Result<&str> { r.get_ref(i)?.as_str().map_err(Into::into) };
    let opt_text = |i: usize| -> rusqlite::Result<Option<&str>> {
        r.get_ref(i)?.as_str_or_null().map_err(Into::into)
    };
    let (kind, issue, due, currency) = (text(3)?, text(4)?, text(5)?, text(7)?);
    let (written_off, closed) = (opt_text(9)?, opt_text(10)?);
    let (id, number, customer_id): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
    let (amount, open, discount): (i64, i64, i64) = (r.get(6)?, r.get(8)?, r.get(11)?);
    Ok((|| {
        let currency = rows::currency(currency)?;
        Ok(Invoice {
            id,
            number,
            customer_id,
            kind: DocumentKind::parse(kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown document kind '{kind}'")))?,
            issue_date: rows::date(issue)?,
            due_date: rows::date(due)?,
            amount: rows::amount(amount, currency),
            currency,
            open: rows::amount(open, currency),
            written_off_on: written_off.map(rows::date).transpose()?,
            closed_on: closed.map(rows::date).transpose()?,
            discount: rows::amount(discount, currency),
        })
    })())
}
