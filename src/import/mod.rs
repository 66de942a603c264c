//! Importing invoices and payments from accounting and bank exports.
//!
//! A file streams through [`read`] (bytes to records), a [`profile`] (which
//! column is which field, which rows are not data) and [`values`] (amounts
//! and dates as written), then into the ledger inside one transaction: a
//! file with a bad row imports nothing unless told to skip such rows, a dry
//! run rolls back, and a file that changes nothing is only recorded in the
//! import history.

mod cells;
mod customers;
pub mod einvoice;
mod invoice_rows;
mod invoices;
pub mod layout;
mod matching;
mod payments;
pub mod profile;
pub mod read;
pub mod recognise;
mod source;
mod statement;
pub mod values;

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

pub(crate) use einvoice::import_einvoices;
pub(crate) use invoices::import_invoices;
pub(crate) use matching::candidates::{Candidate, Names, OfAmount, candidates};
pub(crate) use payments::import_payments;
pub use profile::{Profile, ProfileSpec};

use crate::store::{Counts, Vanished};
use dun_core::money::Currency;

/// Most bad rows kept for the report; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 10_000;

/// A problem with a file or one of its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line the row starts on; 0 for the file as a whole.
    pub line: u64,
    /// The column, 0-based; `None` for the whole row. Written 1-based.
    #[serde(serialize_with = "one_based")]
    pub column: Option<usize>,
    /// The column's header, when known.
    pub header: Option<String>,
    /// The value found, made safe for a terminal.
    pub value: Option<String>,
    /// What was expected, or what is wrong.
    pub message: String,
    /// A problem with the file as a whole (unreadable, a quote never
    /// closed): nothing is imported, even with --skip-invalid.
    #[serde(skip)]
    pub fatal: bool,
}

fn one_based<S: serde::Serializer>(column: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
    match column {
        Some(c) => s.serialize_some(&(c + 1)),
        None => s.serialize_none(),
    }
}

impl RowError {
    /// A problem with the whole file.
    pub fn file(message: String) -> RowError {
        RowError {
            line: 0,
            column: None,
            header: None,
            value: None,
            message,
            fatal: false,
        }
    }

    /// A problem with a whole row.
    pub fn at_line(line: u64, message: String) -> RowError {
        RowError {
            line,
            column: None,
            header: None,
            value: None,
            message,
            fatal: false,
        }
    }

    /// A value that is not what its column should hold; only its start is
    /// kept (see [`crate::text::excerpt`]).
    pub fn at(line: u64, column: usize, value: String, expected: &str) -> RowError {
        RowError {
            line,
            column: Some(column),
            header: None,
            value: Some(crate::text::excerpt(&value)),
            message: format!("expected {expected}"),
            fatal: false,
        }
    }

    /// Marks a problem with the file as a whole.
    pub fn fatal(mut self) -> RowError {
        self.fatal = true;
        self
    }

    /// The 1-based column, for people.
    pub fn column_number(&self) -> Option<usize> {
        self.column.map(|c| c + 1)
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}", self.line)?;
            if let Some(c) = self.column_number() {
                write!(f, ", column {c}")?;
            }
            if let Some(h) = &self.header {
                write!(f, " ({})", crate::text::sanitize(h))?;
            }
            f.write_str(": ")?;
        }
        if let Some(v) = &self.value {
            write!(f, "'{v}': ")?;
        }
        f.write_str(&self.message)
    }
}

/// What to do with a file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The layout of the file.
    pub profile: Profile,
    /// The file's name as shown and recorded.
    pub file_name: String,
    /// Validate and report, write nothing.
    pub dry_run: bool,
    /// Import the good rows of a file with bad ones.
    pub skip_invalid: bool,
    /// The import's date: what an export says was paid is applied on it.
    pub as_of: NaiveDate,
    /// Currency of rows without one.
    pub currency: Currency,
    /// Days from issue to due for a new invoice without a due date whose
    /// customer has no payment terms: the profile's, else `[import]`'s.
    pub payment_terms_days: Option<u32>,
    /// Our bank account (`[company] iban`): a statement for another
    /// account is refused.
    pub account: Option<String>,
    /// Our VAT id (`[company] vat_id`): e-invoices others issued are left
    /// out.
    pub vat_id: Option<String>,
}

impl Options {
    /// The import as the ledger records it.
    fn batch(&self, kind: &'static str) -> crate::store::NewBatch {
        crate::store::NewBatch {
            kind,
            profile: self.profile.name.clone(),
            file_name: self.file_name.clone(),
            on: self.as_of,
            dry_run: self.dry_run,
        }
    }
}

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written.
    Imported,
    /// Validated only.
    DryRun,
    /// The file matched the ledger already: nothing written.
    NothingChanged,
    /// Bad rows: nothing written.
    Refused,
}

/// A bank line left for the bookkeeper, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// Its id for `dun payment allocate` (0 in a dry run).
    pub id: i64,
    /// Line in the file.
    pub line: u64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: String,
    /// Currency.
    pub currency: Currency,
    /// Who paid.
    pub counterparty: String,
    /// Why it was not matched.
    pub why: String,
}

/// Which rule matched a bank line, most certain first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The creditor reference (RF) dun gave.
    CreditorReference,
    /// An invoice number in the reference or text.
    InvoiceNumber,
    /// The payer's IBAN, learned from earlier payments of the customer.
    PayerIban,
    /// The payer's name and an exact amount of one invoice or a set.
    NameAndAmount,
    /// Less than the open balance of the invoice the line names.
    PartialPayment,
}

/// A bank line matched to its payer and invoices, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct MatchedLine {
    /// Line in the file.
    pub line: u64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: String,
    /// Currency.
    pub currency: Currency,
    /// The payer's customer code.
    pub customer: String,
    /// The invoices it pays (empty: applied oldest due first).
    pub invoices: Vec<String>,
    /// The rule that matched it.
    pub rule: MatchRule,
    /// Why, in a sentence.
    pub why: String,
}

/// What an import did or would do.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `invoices` or `payments`.
    pub kind: &'static str,
    /// The profile used.
    pub profile: String,
    /// The file.
    pub file: String,
    /// How it ended.
    pub outcome: Outcome,
    /// What was read from the data rather than the profile.
    pub detected: Vec<String>,
    /// Rows and documents.
    #[serde(flatten)]
    pub counts: Counts,
    /// Customers created.
    pub customers_created: u64,
    /// Customers whose name or email changed.
    pub customers_updated: u64,
    /// New invoices without a due date, due their customer's payment terms
    /// after issue.
    pub due_dates_from_terms: u64,
    /// New invoices without a due date, due the default payment terms after
    /// issue.
    pub due_dates_from_default: u64,
    /// Those default terms, in days.
    pub default_terms_days: Option<u32>,
    /// Payments matched to an invoice (payment imports).
    pub matched: u64,
    /// Each matched bank line, with its rule and why.
    pub matches: Vec<MatchedLine>,
    /// Bank lines left for `dun payment allocate`.
    pub waiting: Vec<Waiting>,
    /// Open invoices a newer export of the same profile no longer lists.
    pub vanished: Vec<Vanished>,
    /// The layout recognised from the file's header, when no profile was
    /// named.
    pub recognised: Option<recognise::Recognised>,
    /// Documents left out by their status (drafts, voided ones), by the
    /// status as the file writes it (folded).
    pub left_out_by_status: std::collections::BTreeMap<String, u64>,
    /// Invoices partly paid by their status in a file with no balance
    /// column: imported with their whole amount open.
    pub paid_part_unknown: u64,
    /// Things worth a look that are not errors.
    pub notes: Vec<String>,
    /// Bad rows (the first [`MAX_LISTED_ERRORS`]).
    pub errors: Vec<RowError>,
    /// All bad rows, listed or not.
    pub error_count: u64,
    /// Set by a problem with the file as a whole.
    #[serde(skip)]
    pub fatal: bool,
    /// The number of the last document left out by its status: its other
    /// lines are not counted again.
    #[serde(skip)]
    left_out_number: Option<String>,
    /// An earlier import of a file with the same checksum: (id, date).
    pub seen_before: Option<(i64, NaiveDate)>,
    /// The file's SHA-256.
    pub sha256: String,
}

impl Report {
    fn new(kind: &'static str, options: &Options) -> Report {
        Report {
            kind,
            profile: options.profile.name.clone(),
            file: options.file_name.clone(),
            outcome: Outcome::Refused,
            detected: Vec::new(),
            counts: Counts::default(),
            customers_created: 0,
            customers_updated: 0,
            due_dates_from_terms: 0,
            due_dates_from_default: 0,
            default_terms_days: options.payment_terms_days,
            matched: 0,
            matches: Vec::new(),
            waiting: Vec::new(),
            vanished: Vec::new(),
            recognised: None,
            paid_part_unknown: 0,
            left_out_by_status: std::collections::BTreeMap::new(),
            left_out_number: None,
            notes: Vec::new(),
            errors: Vec::new(),
            error_count: 0,
            fatal: false,
            seen_before: None,
            sha256: String::new(),
        }
    }

    /// Counts a document its status leaves out, once for all its lines.
    fn left_out(&mut self, status: String, number: String) {
        if self.left_out_number.as_ref() != Some(&number) || number.is_empty() {
            *self.left_out_by_status.entry(status).or_default() += 1;
            self.left_out_number = Some(number);
        }
    }

    /// Records a bad row.
    fn error(&mut self, error: RowError) {
        self.fatal |= error.fatal;
        self.error_count += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(error);
        }
    }

    /// Decides whether to commit: `Some(counts)` to write.
    fn settle(&mut self, options: &Options) -> Option<Counts> {
        if options.skip_invalid {
            // The bad rows were left out.
            self.counts.skipped += self.error_count;
        }
        self.outcome = if self.fatal || (self.error_count > 0 && !options.skip_invalid) {
            Outcome::Refused
        } else if self.counts.created + self.counts.updated == 0
            && self.customers_created + self.customers_updated == 0
        {
            Outcome::NothingChanged
        } else if options.dry_run {
            Outcome::DryRun
        } else {
            Outcome::Imported
        };
        (self.outcome == Outcome::Imported).then_some(self.counts)
    }
}

/// Records in the history an import that found nothing to change.
fn record_unchanged(
    store: &mut crate::store::Store,
    batch: &crate::store::NewBatch,
    report: &Report,
) -> Result<(), ImportError> {
    if report.outcome == Outcome::NothingChanged && !batch.dry_run {
        store.record_unchanged_import(batch, report.counts, &report.sha256)?;
    }
    Ok(())
}

/// An import that could not run at all (the ledger, not the file).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The ledger refused.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The thread reading the file stopped before the end.
    #[error("the file's reader stopped unexpectedly; nothing was imported")]
    Reader,
}
