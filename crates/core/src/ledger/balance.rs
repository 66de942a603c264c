//! Open and overdue balances as of a date.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{CustomerId, DocumentKind, Invoice};
use crate::money::Currency;

/// Calendar days from the due date to `as_of`: negative before the due date.
pub fn days_overdue(due_date: NaiveDate, as_of: NaiveDate) -> i64 {
    (as_of - due_date).num_days()
}

/// What one customer owes in one currency on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerBalance {
    /// The customer.
    pub customer_id: CustomerId,
    /// The currency; balances are never summed across currencies.
    pub currency: Currency,
    /// Sum of open invoice balances.
    pub open: Decimal,
    /// The part of `open` past its due date.
    pub overdue: Decimal,
    /// Payments and credit notes not applied to any invoice.
    pub unapplied_credit: Decimal,
}

impl CustomerBalance {
    fn new(customer_id: CustomerId, currency: Currency) -> Self {
        CustomerBalance {
            customer_id,
            currency,
            open: Decimal::ZERO,
            overdue: Decimal::ZERO,
            unapplied_credit: Decimal::ZERO,
        }
    }

    /// What the customer owes net of credit on account (negative when in credit).
    pub fn net(&self) -> Decimal {
        self.open - self.unapplied_credit
    }
}

/// Unapplied credit from a payment: (customer, currency, amount).
pub type UnappliedPayment = (CustomerId, Currency, Decimal);

/// Balances per customer and currency, from invoices and credit notes with
/// their open amounts and the payments' unapplied credit.
pub fn customer_balances(
    documents: &[Invoice],
    unapplied_payments: &[UnappliedPayment],
    as_of: NaiveDate,
) -> BTreeMap<(CustomerId, Currency), CustomerBalance> {
    let mut balances = BTreeMap::new();
    for doc in documents.iter().filter(|d| !d.open.is_zero()) {
        let entry = balances
            .entry((doc.customer_id, doc.currency))
            .or_insert_with(|| CustomerBalance::new(doc.customer_id, doc.currency));
        match doc.kind {
            DocumentKind::Invoice => {
                entry.open += doc.open;
                if days_overdue(doc.due_date, as_of) > 0 {
                    entry.overdue += doc.open;
                }
            }
            DocumentKind::CreditNote => entry.unapplied_credit += doc.open,
        }
    }
    for &(customer_id, currency, amount) in unapplied_payments {
        if amount.is_zero() {
            continue;
        }
        balances
            .entry((customer_id, currency))
            .or_insert_with(|| CustomerBalance::new(customer_id, currency))
            .unapplied_credit += amount;
    }
    balances
}
