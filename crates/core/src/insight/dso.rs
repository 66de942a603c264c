//! Days sales outstanding by the count-back method.
//!
//! At the end of a month, take what customers owe. Walk back through the
//! credit sales, month by month, from that month: while the receivables
//! exceed a month's sales, count the whole month's days and take its sales
//! off; when they no longer do, count the share of that month's days the
//! rest is of its sales. DSO = the days counted. A ledger whose receivables
//! are all this month's sales has a DSO below the days gone this month; one
//! that owes three months of sales has a DSO of about 90.

use rust_decimal::Decimal;

use super::book::{Book, Books, LOOKBACK_MONTHS};
use super::record::{InvoiceRecord, Period, one_decimal};
use crate::money::Currency;

/// DSO at the end of one month, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsoMonth {
    /// The month (the as-of month ends on the as-of date).
    pub period: Period,
    /// Currency.
    pub currency: Currency,
    /// What was owed at the end of the month.
    pub receivables: Decimal,
    /// Credit sales in the month.
    pub sales: Decimal,
    /// Days sales outstanding, to one decimal; `None` when nothing is owed
    /// and nothing was sold.
    pub days: Option<Decimal>,
    /// True when the receivables outlast the look-back (24 months of
    /// sales): the figure is a floor.
    pub at_least: bool,
}

/// DSO at the end of each of `months` (oldest first), per currency.
pub fn dso(records: &[InvoiceRecord], months: &[Period]) -> Vec<DsoMonth> {
    dso_of(&Books::of(records, months))
}

/// DSO at the end of each of the books' months, per currency.
pub fn dso_of(books: &Books) -> Vec<DsoMonth> {
    let mut out = Vec::new();
    for (currency, book) in books.iter() {
        for month in books.months() {
            out.push(month_dso(book, *month, currency));
        }
    }
    out
}

fn month_dso(book: &Book, month: Period, currency: Currency) -> DsoMonth {
    let receivables = book.owed_on(month.end);
    let sales = book.sales_in(month);
    let mut left = receivables;
    let mut days = Decimal::ZERO;
    let mut period = Some(month);
    let mut at_least = true;
    for _ in 0..LOOKBACK_MONTHS {
        let Some(p) = period else { break };
        if left <= Decimal::ZERO {
            at_least = false;
            break;
        }
        let sold = book.sales_in(p);
        if sold >= left {
            days += left * Decimal::from(p.days()) / sold;
            at_least = false;
            break;
        }
        days += Decimal::from(p.days());
        left -= sold;
        period = p.previous_month();
    }
    let nothing = receivables.is_zero() && sales.is_zero();
    DsoMonth {
        period: month,
        currency,
        receivables,
        sales,
        days: (!nothing).then(|| one_decimal(days)),
        at_least: at_least && !nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::months_back;
    use super::super::record::tests::{date, dec, record};
    use super::*;

    #[test]
    fn count_back_walks_whole_months_then_a_share() {
        // Sales: Jan 300 (one invoice, paid 100 in Feb), Feb 200, Mar 100.
        let records = vec![
            record(
                1,
                1,
                ("2026-01-05", "2026-02-04"),
                "300",
                &[("2026-02-10", "100")],
            ),
            record(2, 1, ("2026-02-05", "2026-03-07"), "200", &[]),
            record(3, 1, ("2026-03-05", "2026-04-04"), "100", &[]),
        ];
        let months = months_back(date("2026-03-31"), 3);
        let rows = dso(&records, &months);
        assert_eq!(rows.len(), 3);
        // End of January: owed 300, January sold 300: 300/300 × 31 = 31.0.
        assert_eq!(rows[0].days, Some(dec("31.0")));
        // End of February: owed 200 + 200 = 400. February sold 200 (< 400):
        // 28 days, 200 left; January sold 300 ≥ 200: 200/300 × 31 = 20.67.
        // 28 + 20.67 = 48.7.
        assert_eq!(rows[1].receivables, dec("400"));
        assert_eq!(rows[1].days, Some(dec("48.7")));
        // End of March: owed 200 + 200 + 100 = 500. March 100: 31 days,
        // 400 left; February 200: 28 days, 200 left; January 300:
        // 200/300 × 31 = 20.67. 31 + 28 + 20.67 = 79.7.
        assert_eq!(rows[2].days, Some(dec("79.7")));
        assert!(!rows[2].at_least);
    }

    #[test]
    fn receivables_older_than_the_look_back_give_a_floor() {
        let records = vec![record(1, 1, ("2023-01-05", "2023-02-04"), "300", &[])];
        let rows = dso(&records, &months_back(date("2026-03-31"), 1));
        // No sales in the 24 months counted back: 31 + 28 + 31 + … days.
        assert!(rows[0].at_least);
        assert!(rows[0].days.is_some_and(|d| d > dec("700")));
    }

    #[test]
    fn nothing_owed_and_nothing_sold_has_no_dso() {
        let records = vec![record(
            1,
            1,
            ("2026-01-05", "2026-02-04"),
            "300",
            &[("2026-01-20", "300")],
        )];
        let rows = dso(&records, &months_back(date("2026-03-31"), 3));
        assert_eq!(rows[0].days, Some(dec("0.0")));
        assert_eq!(rows[1].days, None);
    }
}

#[cfg(test)]
mod currencies {
    use super::super::record::months_back;
    use super::super::record::tests::{date, dec, record};
    use super::*;

    #[test]
    fn each_currency_is_counted_back_on_its_own() {
        let mut usd = record(2, 1, ("2026-03-01", "2026-03-31"), "50", &[]);
        usd.currency = Currency::USD;
        let records = vec![record(1, 1, ("2026-03-01", "2026-03-31"), "100", &[]), usd];
        let rows = dso(&records, &months_back(date("2026-03-31"), 1));
        // EUR: 100 owed of 100 sold in March: 31.0; USD: 50 of 50: 31.0.
        // Never 150 of 150 in one line.
        let seen: Vec<(Currency, Decimal)> =
            rows.iter().map(|r| (r.currency, r.receivables)).collect();
        assert_eq!(
            seen,
            vec![(Currency::EUR, dec("100")), (Currency::USD, dec("50"))]
        );
        assert!(rows.iter().all(|r| r.days == Some(dec("31.0"))));
    }
}
