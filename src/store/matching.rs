//! The reads that match a bank line to invoices: an invoice by its id or
//! number, a customer's open invoices (oldest first), the customers an
//! IBAN paid for before, each one indexed lookup; and, for guessing many
//! waiting lines at once, the invoices of their amounts in one pass. In an
//! import's transaction or on the ledger as it is.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::imports::ImportTx;
use super::rows;
use super::{Context, Result, Store};
use dun_core::ledger::{CustomerId, InvoiceId};
use dun_core::money::Currency;

/// An invoice or credit note as the matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDoc {
    /// Its id.
    pub id: InvoiceId,
    /// Its number.
    pub number: String,
    /// Its customer.
    pub customer_id: CustomerId,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open balance in minor units.
    pub open_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// An invoice (not a credit note) that is not written off: it can take
    /// a payment.
    pub payable: bool,
}

const DOC: &str = "SELECT id, number, customer_id, due_date, open_minor, currency,
        kind = 'invoice' AND written_off_on IS NULL
     FROM invoice";

fn doc(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, i64, String, i64, String, bool)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn to_doc(row: (i64, String, i64, String, i64, String, bool)) -> Result<OpenDoc> {
    let (id, number, customer_id, due, open_minor, currency, payable) = row;
    Ok(OpenDoc {
        id,
        number,
        customer_id,
        due_date: rows::date(&due)?,
        open_minor,
        currency: rows::currency(&currency)?,
        payable,
    })
}

/// Reads for the matching, on any connection (an import's transaction or
/// the ledger read as it is).
pub struct MatchReads<'c>(&'c Connection, Option<&'c NotNumbers>);

/// Words an import looked up and found to be no invoice's number nor a
/// document's. A payments import creates no invoices and only lowers open
/// balances, so a word found to be none stays none until it commits: the
/// words a statement repeats on every line ("Saldo", "fattura") are looked
/// up once.
#[derive(Debug, Default)]
pub struct NotNumbers(RefCell<HashSet<String>>);

/// Most words remembered (a few MB).
const MAX_NOT_NUMBERS: usize = 200_000;

impl NotNumbers {
    fn has(&self, word: &str) -> bool {
        self.0.borrow().contains(word)
    }

    fn add(&self, word: &str) {
        let mut words = self.0.borrow_mut();
        if words.len() < MAX_NOT_NUMBERS {
            words.insert(word.to_string());
        }
    }
}

impl MatchReads<'_> {
    /// The document with this id.
    pub fn by_id(&self, id: InvoiceId) -> Result<Option<OpenDoc>> {
        let row = self
            .0
            .prepare_cached(&format!("{DOC} WHERE id = ?1"))
            .and_then(|mut s| s.query_row([id], doc).optional())
            .context("cannot look up invoice")?;
        row.map(to_doc).transpose()
    }

    /// The document with this number; for a document kept in instalments,
    /// its earliest due open instalment (they are paid in that order).
    pub fn by_number(&self, number: &str) -> Result<Option<OpenDoc>> {
        if self.1.is_some_and(|n| n.has(number)) {
            return Ok(None);
        }
        let mut row = self
            .0
            .prepare_cached(&format!("{DOC} WHERE number = ?1"))
            .and_then(|mut s| s.query_row([number], doc).optional())
            .context("cannot look up invoice")?;
        if row.is_none() {
            row = self
                .0
                .prepare_cached(&format!(
                    "{DOC} WHERE document = ?1 AND instalment IS NOT NULL AND open_minor > 0
                     ORDER BY due_date, instalment LIMIT 1"
                ))
                .and_then(|mut s| s.query_row([number], doc).optional())
                .context("cannot look up instalment")?;
            if row.is_none()
                && let Some(not_numbers) = self.1
            {
                not_numbers.add(number);
            }
        }
        row.map(to_doc).transpose()
    }

    /// A customer's open invoices in a currency that can take a payment,
    /// oldest due first (then by id): one read of the open-items index,
    /// from which the matching takes both the oldest and those of an
    /// exact amount.
    pub fn open_payable(
        &self,
        customer_id: CustomerId,
        currency: Currency,
    ) -> Result<Vec<OpenDoc>> {
        let sql = format!(
            "{DOC} WHERE customer_id = ?1 AND currency = ?2 AND open_minor > 0
                AND kind = 'invoice' AND written_off_on IS NULL"
        );
        let mut stmt = self
            .0
            .prepare_cached(&sql)
            .context("cannot read open invoices")?;
        let found = stmt
            .query_map(params![customer_id, currency.as_str()], doc)
            .context("cannot read open invoices")?;
        let mut open = found
            .map(|r| to_doc(r.context("cannot read an open invoice")?))
            .collect::<Result<Vec<_>>>()?;
        open.sort_by_key(|d| (d.due_date, d.id));
        Ok(open)
    }

    /// Open invoices of any customer in a currency with exactly this open
    /// balance, at most `limit` (for candidates when the payer is unknown).
    pub fn open_of_amount(
        &self,
        currency: Currency,
        minor: i64,
        limit: usize,
    ) -> Result<Vec<OpenDoc>> {
        let sql = format!(
            "{DOC} WHERE open_minor = ?2 AND open_minor > 0 AND currency = ?1
                AND kind = 'invoice' AND written_off_on IS NULL
             ORDER BY due_date, id LIMIT ?3"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self
            .0
            .prepare_cached(&sql)
            .context("cannot read open invoices")?;
        let found = stmt
            .query_map(params![currency.as_str(), minor, limit], doc)
            .context("cannot read open invoices")?;
        found
            .map(|r| to_doc(r.context("cannot read an open invoice")?))
            .collect()
    }

    /// For each (currency, amount) wanted, the open invoices of any
    /// customer with exactly that open balance, as [`Self::open_of_amount`]
    /// gives them (oldest due first, at most `limit`), found in one pass
    /// over the open invoices: for guessing many waiting lines at once,
    /// where a lookup per line would read them all for each.
    pub fn open_of_amounts(
        &self,
        wanted: &HashSet<(Currency, i64)>,
        limit: usize,
    ) -> Result<HashMap<(Currency, i64), Vec<OpenDoc>>> {
        let mut found: HashMap<(Currency, i64), Vec<OpenDoc>> = HashMap::new();
        if wanted.is_empty() {
            return Ok(found);
        }
        let sql =
            format!("{DOC} WHERE open_minor > 0 AND kind = 'invoice' AND written_off_on IS NULL");
        let mut stmt = self
            .0
            .prepare_cached(&sql)
            .context("cannot read open invoices")?;
        let mut rows = stmt.query([]).context("cannot read open invoices")?;
        while let Some(row) = rows.next().context("cannot read an open invoice")? {
            let minor: i64 = row.get(4).context("cannot read an open invoice")?;
            let code = row.get_ref(5).ok().and_then(|v| v.as_str().ok());
            let Some(currency) = code.and_then(|c| c.parse::<Currency>().ok()) else {
                continue;
            };
            if !wanted.contains(&(currency, minor)) {
                continue;
            }
            let found_doc = to_doc(doc(row).context("cannot read an open invoice")?)?;
            found.entry((currency, minor)).or_default().push(found_doc);
        }
        for docs in found.values_mut() {
            docs.sort_by_key(|d| (d.due_date, d.id));
            docs.truncate(limit);
        }
        Ok(found)
    }

    /// The customers earlier payments from this IBAN were recorded for (at
    /// most two: one teaches who pays from it, two teach nothing).
    pub fn customers_paying_from(&self, iban: &str) -> Result<Vec<CustomerId>> {
        let mut stmt = self
            .0
            .prepare_cached(
                "SELECT DISTINCT customer_id FROM payment WHERE payer_iban = ?1 LIMIT 2",
            )
            .context("cannot look up the payer's account")?;
        let found = stmt
            .query_map([iban], |r| r.get(0))
            .context("cannot look up the payer's account")?;
        found.map(|r| r.context("cannot read a customer")).collect()
    }

    /// Whether a customer with this id exists.
    pub fn customer_exists(&self, id: CustomerId) -> Result<bool> {
        self.0
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM customer WHERE id = ?1)")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
            .context("cannot look up customer")
    }
}

impl ImportTx<'_> {
    /// The matching's reads, inside the import's transaction, remembering
    /// in `not_numbers` the words that are no invoice number.
    pub fn match_reads<'a>(&'a self, not_numbers: &'a NotNumbers) -> MatchReads<'a> {
        MatchReads(self.sql(), Some(not_numbers))
    }
}

impl Store {
    /// The matching's reads, on the ledger as it is.
    pub fn match_reads(&self) -> MatchReads<'_> {
        MatchReads(self.conn(), None)
    }
}
