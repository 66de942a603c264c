//! The collection effectiveness index: of what could have been collected
//! in a month, how much was.
//!
//! CEI = (beginning receivables + credit sales − ending total receivables)
//!     / (beginning receivables + credit sales − ending current receivables)
//!     × 100
//!
//! The numerator is what was collected (or credited) in the month; the
//! denominator is what could have been, leaving out what was not due yet
//! at the month's end. 100 means every amount due was collected.

use rust_decimal::Decimal;

use super::book::{Book, Books};
use super::record::{InvoiceRecord, Period, one_decimal};
use crate::money::Currency;

/// The index of one month in one currency, with its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeiMonth {
    /// The month.
    pub period: Period,
    /// Currency.
    pub currency: Currency,
    /// Owed at the end of the day before the month began.
    pub beginning: Decimal,
    /// Credit sales in the month.
    pub sales: Decimal,
    /// Owed at the month's end.
    pub ending: Decimal,
    /// Owed at the month's end and not yet due (due on or after that day).
    pub ending_current: Decimal,
    /// The index, to one decimal; `None` when nothing could be collected.
    pub index: Option<Decimal>,
}

/// The index of each of `months`, per currency.
pub fn cei(records: &[InvoiceRecord], months: &[Period]) -> Vec<CeiMonth> {
    cei_of(&Books::of(records, months))
}

/// The index of each of the books' months, per currency.
pub fn cei_of(books: &Books) -> Vec<CeiMonth> {
    let mut out = Vec::new();
    for (currency, book) in books.iter() {
        for month in books.months() {
            out.push(month_cei(book, *month, currency));
        }
    }
    out
}

fn month_cei(book: &Book, month: Period, currency: Currency) -> CeiMonth {
    let before = month.previous_month().map(|p| p.end);
    let beginning = before.map_or(Decimal::ZERO, |day| book.owed_on(day));
    let sales = book.sales_in(month);
    let ending = book.owed_on(month.end);
    let ending_current = book.current_on(month.end);
    let collectable = beginning + sales - ending_current;
    let index = (collectable > Decimal::ZERO)
        .then(|| one_decimal((beginning + sales - ending) * Decimal::ONE_HUNDRED / collectable));
    CeiMonth {
        period: month,
        currency,
        beginning,
        sales,
        ending,
        ending_current,
        index,
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::months_back;
    use super::super::record::tests::{date, dec, record};
    use super::*;

    #[test]
    fn the_index_is_collected_over_collectable() {
        let records = vec![
            // Open 1000 at the end of January, due 15 Feb; 600 paid 20 Feb.
            record(
                1,
                1,
                ("2026-01-10", "2026-02-15"),
                "1000",
                &[("2026-02-20", "600")],
            ),
            // February sales: 500 due 10 Feb, paid 300 on 25 Feb; 200 due 10 Mar.
            record(
                2,
                1,
                ("2026-02-01", "2026-02-10"),
                "500",
                &[("2026-02-25", "300")],
            ),
            record(3, 1, ("2026-02-08", "2026-03-10"), "200", &[]),
        ];
        let rows = cei(&records, &months_back(date("2026-02-28"), 1));
        let feb = &rows[0];
        // Beginning 1000; sales 500 + 200 = 700; ending 400 + 200 + 200 = 800;
        // ending current: only invoice 3 (due 10 Mar) = 200.
        assert_eq!(feb.beginning, dec("1000"));
        assert_eq!(feb.sales, dec("700"));
        assert_eq!(feb.ending, dec("800"));
        assert_eq!(feb.ending_current, dec("200"));
        // (1000 + 700 − 800) / (1000 + 700 − 200) × 100 = 900 / 1500 × 100 = 60.0
        assert_eq!(feb.index, Some(dec("60.0")));
    }

    #[test]
    fn nothing_collectable_has_no_index() {
        let records = vec![record(1, 1, ("2026-02-10", "2026-04-10"), "100", &[])];
        let rows = cei(&records, &months_back(date("2026-02-28"), 1));
        // 0 + 100 − 100 (all current) = 0: no index.
        assert_eq!(rows[0].index, None);
    }
}
