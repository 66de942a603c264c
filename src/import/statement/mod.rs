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
}
