//! The dated facts every insight figure reads: an invoice, and what
//! settled it on which day.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{CustomerId, InvoiceId, SettledBy, Settlement, settled_in_full_on};
use crate::money::Currency;

/// One invoice (never a credit note) and every settlement of it up to the
/// as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    /// Store id.
    pub id: InvoiceId,
    /// Document number.
    pub number: String,
    /// The customer.
    pub customer_id: CustomerId,
    /// Issue date: the day of the credit sale.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// What settled it, oldest first.
    pub settlements: Vec<Settlement>,
}

impl InvoiceRecord {
    /// What was owed at the end of `on`: nothing before it was issued,
    /// then the amount less what settled it by then.
    pub fn open_on(&self, on: NaiveDate) -> Decimal {
        if self.issue_date > on {
            return Decimal::ZERO;
        }
        let settled: Decimal = self
            .settlements
            .iter()
            .filter(|s| s.on <= on)
            .map(|s| s.amount)
            .sum();
        (self.amount - settled).max(Decimal::ZERO)
    }

    /// True when the invoice was owed at the end of `on`.
    pub fn is_open_on(&self, on: NaiveDate) -> bool {
        self.open_on(on) > Decimal::ZERO
    }

    /// The day it was written off, if it was.
    pub fn written_off_on(&self) -> Option<NaiveDate> {
        self.settlements
            .iter()
            .find(|s| s.by == SettledBy::WriteOff)
            .map(|s| s.on)
    }

    /// The invoice as it stood at the end of `on`, from a record read as of
    /// a later day: what settled it after `on` left out; `None` when it was
    /// issued after `on`.
    pub fn then(&self, on: NaiveDate) -> Option<InvoiceRecord> {
        (self.issue_date <= on).then(|| InvoiceRecord {
            number: self.number.clone(),
            settlements: self
                .settlements
                .iter()
                .filter(|s| s.on <= on)
                .copied()
                .collect(),
            ..*self
        })
    }

    /// The day the customer finished paying it: settled in full, not
    /// written off, and the last settlement was dated (an import that
    /// found it paid cannot say when).
    pub fn paid_on(&self) -> Option<NaiveDate> {
        if self.written_off_on().is_some() {
            return None;
        }
        let settled: Decimal = self.settlements.iter().map(|s| s.amount).sum();
        if settled < self.amount {
            return None;
        }
        settled_in_full_on(&self.settlements)
    }
}

/// A span of days, both ends included: a calendar month, or the part of
/// the as-of month up to the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

impl Period {
    /// Number of days in the span.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// True when `on` falls inside it.
    pub fn contains(&self, on: NaiveDate) -> bool {
        self.start <= on && on <= self.end
    }

    /// `YYYY-MM` of its first day.
    pub fn label(&self) -> String {
        self.start.format("%Y-%m").to_string()
    }

    /// The month before this one's first day, whole.
    pub fn previous_month(&self) -> Option<Period> {
        let end = self.start.checked_sub_days(Days::new(1))?;
        Some(Period {
            start: end.with_day(1)?,
            end,
        })
    }
}

/// The `count` months ending with the as-of month, oldest first; the last
/// one ends on the as-of date.
pub fn months_back(as_of: NaiveDate, count: usize) -> Vec<Period> {
    let mut months = Vec::with_capacity(count);
    let Some(first) = as_of.with_day(1) else {
        return months;
    };
    let mut month = Period {
        start: first,
        end: as_of,
    };
    for _ in 0..count {
        months.push(month);
        match month.previous_month() {
            Some(previous) => month = previous,
            None => break,
        }
    }
    months.reverse();
    months
}

/// A figure to one decimal, always written with it ("28.0", not "28").
pub(super) fn one_decimal(value: Decimal) -> Decimal {
    let mut value = value.round_dp(1);
    value.rescale(1);
    value
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub fn date(text: &str) -> NaiveDate {
        text.parse().expect("a test date")
    }

    pub fn dec(text: &str) -> Decimal {
        text.parse().expect("a test amount")
    }

    /// An invoice of `amount` EUR paid by `payments` (date, amount).
    pub fn record(
        id: InvoiceId,
        customer_id: CustomerId,
        dates: (&str, &str),
        amount: &str,
        payments: &[(&str, &str)],
    ) -> InvoiceRecord {
        InvoiceRecord {
            id,
            number: format!("INV-{id}"),
            customer_id,
            issue_date: date(dates.0),
            due_date: date(dates.1),
            amount: dec(amount),
            currency: Currency::EUR,
            settlements: payments
                .iter()
                .map(|(on, amount)| Settlement {
                    on: date(on),
                    amount: dec(amount),
                    by: SettledBy::Payment(id * 100),
                })
                .collect(),
        }
    }

    #[test]
    fn open_balance_follows_the_dated_settlements() {
        let r = record(
            1,
            1,
            ("2026-01-10", "2026-02-09"),
            "100",
            &[("2026-02-01", "40"), ("2026-03-01", "60")],
        );
        assert_eq!(r.open_on(date("2026-01-09")), dec("0"));
        assert_eq!(r.open_on(date("2026-01-10")), dec("100"));
        assert_eq!(r.open_on(date("2026-02-01")), dec("60"));
        assert_eq!(r.open_on(date("2026-03-01")), dec("0"));
        assert_eq!(r.paid_on(), Some(date("2026-03-01")));
    }

    #[test]
    fn months_back_ends_on_the_as_of_date() {
        let months = months_back(date("2026-03-15"), 3);
        assert_eq!(months.len(), 3);
        assert_eq!(
            months[0],
            Period {
                start: date("2026-01-01"),
                end: date("2026-01-31")
            }
        );
        assert_eq!(months[1].days(), 28);
        assert_eq!(
            months[2],
            Period {
                start: date("2026-03-01"),
                end: date("2026-03-15")
            }
        );
    }
}
