//! Bank statements: every reader (a bank's CSV export today) turns its
//! file into [`BankLine`]s, the one shape the matching reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customers::CustomerKey;
use dun_core::money::Currency;

/// One line of a bank statement, checked.
#[derive(Debug, Clone)]
pub(crate) struct BankLine {
    /// Where the line sits in its file: the line it starts on.
    pub(crate) line: u64,
    /// The day the bank booked it.
    pub(crate) paid_on: NaiveDate,
    /// Received (positive) or paid out (negative or zero).
    pub(crate) amount: Decimal,
    /// Its currency.
    pub(crate) currency: Currency,
    /// The reference or remittance text the payer gave.
    pub(crate) reference: Option<String>,
    /// The payer's name, as the bank writes it.
    pub(crate) counterparty: Option<String>,
    /// Who the line names as the customer (a code, a name).
    pub(crate) customer: CustomerKey,
    /// An invoice number the file gives in a column of its own.
    pub(crate) invoice: Option<String>,
    /// A structured creditor reference (ISO 11649 `RF…`, or a national
    /// one), as the statement gives it apart from the free text.
    pub(crate) structured_reference: Option<String>,
    /// The payer's IBAN (or account number), when the bank gives it.
    pub(crate) payer_iban: Option<String>,
    /// The bank's own identity for the line (camt `AcctSvcrRef`/`NtryRef`,
    /// MT940 bank reference, OFX `FITID`), which a later statement
    /// repeating the line repeats.
    pub(crate) bank_reference: Option<String>,
    #[allow(dead_code)]
    /// The account the statement is for (our IBAN), when it says.
    pub(crate) account: Option<String>,
}
