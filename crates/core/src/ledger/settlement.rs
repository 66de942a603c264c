//! What settled part of an invoice, and when.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{InvoiceId, PaymentId};

/// What took part of an invoice's amount off what is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettledBy {
    /// The part of a payment applied to the invoice.
    Payment(PaymentId),
    /// The early-payment discount granted with a payment.
    Discount(PaymentId),
    /// The part of a credit note applied to the invoice.
    CreditNote(InvoiceId),
    /// The rest written off.
    WriteOff,
    /// What the export that brought the invoice in said was paid already,
    /// without saying when.
    BeforeImport,
    /// What a later export found paid (negative when it shows more open
    /// again), on that import's date.
    Import,
}

/// One settlement of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// The day it took effect.
    pub on: NaiveDate,
    /// How much less is owed from then on.
    pub amount: Decimal,
    /// What settled it.
    pub by: SettledBy,
}

/// The day a settled invoice was settled in full, when it is known: the
/// date of the last settlement, unless that was an import, which cannot
/// say when the invoice was paid.
pub fn settled_in_full_on(settlements: &[Settlement]) -> Option<NaiveDate> {
    let last = settlements.iter().max_by_key(|s| s.on)?;
    match last.by {
        SettledBy::Import | SettledBy::BeforeImport => None,
        _ => Some(last.on),
    }
}

impl Settlement {
    /// The day the settled part stops earning late-payment interest. What
    /// an export found paid before the invoice came in may have been paid
    /// on time: it earns none.
    pub fn stops_interest_on(&self, due_date: NaiveDate) -> NaiveDate {
        match self.by {
            SettledBy::BeforeImport => self.on.min(due_date),
            _ => self.on,
        }
    }
}
