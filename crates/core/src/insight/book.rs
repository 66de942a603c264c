//! The sums DSO and CEI read, gathered one invoice at a time: credit sales
//! per month and what was owed at the end of each day the months need, in
//! one currency. Sums are exact, so the order invoices come in never
//! changes a figure, and a ledger of any size is read without holding it.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::record::{InvoiceRecord, Period};

/// How many months back the count may walk before it stops short.
pub(super) const LOOKBACK_MONTHS: usize = 24;

/// A month's place on one calendar line: year × 12 + month.
fn month_number(on: NaiveDate) -> i64 {
    i64::from(on.year()) * 12 + i64::from(on.month0())
}

/// The sums of some invoices in one currency over a span of months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    /// Month number of `sales[0]`.
    first_month: i64,
    /// Credit sales of each month from `first_month` on.
    sales: Vec<Decimal>,
    /// The days whose receivables are kept, in order.
    days: Vec<NaiveDate>,
    /// Owed at the end of each of `days`.
    owed: Vec<Decimal>,
    /// Owed at the end of each of `days` on invoices not yet due then
    /// (due on or after it).
    current: Vec<Decimal>,
}

impl Book {
    /// An empty book for `months` (oldest first): the sales of those months
    /// and of the look-back before them, the receivables at each month's
    /// end and at the end of the day before each began.
    pub fn new(months: &[Period]) -> Self {
        let mut days: Vec<NaiveDate> = Vec::with_capacity(months.len() * 2);
        for m in months {
            days.extend(m.previous_month().map(|p| p.end));
            days.push(m.end);
        }
        days.sort();
        days.dedup();
        let (first, last) = match (months.first(), months.last()) {
            (Some(f), Some(l)) => (month_number(f.start), month_number(l.start)),
            _ => (0, -1),
        };
        let first_month = first - (LOOKBACK_MONTHS as i64 - 1);
        let span = usize::try_from(last - first_month + 1).unwrap_or(0);
        Book {
            first_month,
            sales: vec![Decimal::ZERO; span],
            owed: vec![Decimal::ZERO; days.len()],
            current: vec![Decimal::ZERO; days.len()],
            days,
        }
    }

    /// Adds one invoice (of the book's currency).
    pub fn add(&mut self, record: &InvoiceRecord) {
        let at = month_number(record.issue_date) - self.first_month;
        if let Some(sold) = usize::try_from(at).ok().and_then(|i| self.sales.get_mut(i)) {
            *sold += record.amount;
        }
        // Nothing is owed on it before the day it was issued, and a day
        // with nothing owed adds nothing.
        let issued = self.days.partition_point(|day| *day < record.issue_date);
        let settlements = &record.settlements;
        if !settlements.is_sorted_by_key(|s| s.on) {
            for i in issued..self.days.len() {
                let day = self.days[i];
                self.owe(i, record.open_on(day), record.due_date >= day);
            }
            return;
        }
        // The days and the settlements both in date order: walked
        // together, what settled by each day is summed once, and once the
        // last settlement is in, what is owed no longer changes.
        let (mut settled, mut next) = (Decimal::ZERO, 0);
        for i in issued..self.days.len() {
            let day = self.days[i];
            while let Some(s) = settlements.get(next).filter(|s| s.on <= day) {
                settled += s.amount;
                next += 1;
            }
            let open = (record.amount - settled).max(Decimal::ZERO);
            if open.is_zero() && next == settlements.len() {
                break;
            }
            self.owe(i, open, record.due_date >= day);
        }
    }

    /// Adds what an invoice owed at the end of the `i`th day, to what was
    /// not yet due then too when `current`.
    fn owe(&mut self, i: usize, open: Decimal, current: bool) {
        if open.is_zero() {
            return;
        }
        self.owed[i] += open;
        if current {
            self.current[i] += open;
        }
    }

    #[cfg(test)]
    fn of_one_currency(records: &[InvoiceRecord], months: &[Period]) -> Book {
        let mut book = Book::new(months);
        for r in records {
            book.add(r);
        }
        book
    }

    /// Adds the sums of `other`, a book of the same months.
    fn absorb(&mut self, other: &Book) {
        for (mine, theirs) in [
            (&mut self.sales, &other.sales),
            (&mut self.owed, &other.owed),
            (&mut self.current, &other.current),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += *b;
            }
        }
    }

    /// Credit sales of the month `period` starts in.
    pub(super) fn sales_in(&self, period: Period) -> Decimal {
        let at = month_number(period.start) - self.first_month;
        usize::try_from(at)
            .ok()
            .and_then(|i| self.sales.get(i).copied())
            .unwrap_or_default()
    }

    fn at(&self, day: NaiveDate, of: &[Decimal]) -> Decimal {
        self.days
            .binary_search(&day)
            .ok()
            .and_then(|i| of.get(i).copied())
            .unwrap_or_default()
    }

    /// Owed at the end of `day` (one of the book's days).
    pub(super) fn owed_on(&self, day: NaiveDate) -> Decimal {
        self.at(day, &self.owed)
    }

    /// Owed at the end of `day` and not yet due.
    pub(super) fn current_on(&self, day: NaiveDate) -> Decimal {
        self.at(day, &self.current)
    }
}

/// A [`Book`] per currency, for the same months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Books {
    months: Vec<Period>,
    by_currency: std::collections::BTreeMap<crate::money::Currency, Book>,
}

impl Books {
    /// No invoices yet, for `months` (oldest first).
    pub fn new(months: &[Period]) -> Self {
        Books {
            months: months.to_vec(),
            by_currency: std::collections::BTreeMap::new(),
        }
    }

    /// The books of `records`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a InvoiceRecord>, months: &[Period]) -> Self {
        let mut books = Books::new(months);
        for r in records {
            books.add(r);
        }
        books
    }

    /// Adds one invoice to the book of its currency.
    pub fn add(&mut self, record: &InvoiceRecord) {
        let months = &self.months;
        self.by_currency
            .entry(record.currency)
            .or_insert_with(|| Book::new(months))
            .add(record);
    }

    /// Adds the books of other invoices for the same months: the books of
    /// a ledger read in parts are the books of the whole.
    pub fn absorb(&mut self, other: Books) {
        for (currency, book) in other.by_currency {
            match self.by_currency.entry(currency) {
                std::collections::btree_map::Entry::Occupied(mut mine) => {
                    mine.get_mut().absorb(&book);
                }
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(book);
                }
            }
        }
    }

    /// The months.
    pub fn months(&self) -> &[Period] {
        &self.months
    }

    /// Each currency's book, in currency order.
    pub fn iter(&self) -> impl Iterator<Item = (crate::money::Currency, &Book)> {
        self.by_currency.iter().map(|(c, b)| (*c, b))
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::months_back;
    use super::super::record::tests::{date, record};
    use super::*;
    use crate::money::Currency;

    #[test]
    fn the_books_of_two_parts_are_the_books_of_the_whole() {
        let months = months_back(date("2026-06-30"), 6);
        let mut usd = record(3, 2, ("2026-04-02", "2026-05-02"), "80", &[]);
        usd.currency = Currency::USD;
        let records = [
            record(
                1,
                1,
                ("2026-01-10", "2026-02-09"),
                "100",
                &[("2026-03-05", "40")],
            ),
            record(
                2,
                1,
                ("2026-02-20", "2026-03-22"),
                "250",
                &[("2026-05-31", "250")],
            ),
            usd,
            record(4, 2, ("2026-06-01", "2026-07-01"), "30", &[]),
        ];
        let whole = Books::of(&records, &months);
        for split in 0..=records.len() {
            let mut first = Books::of(&records[..split], &months);
            first.absorb(Books::of(&records[split..], &months));
            assert_eq!(first, whole, "split after {split} invoices");
        }
        // Not an empty book: March's end owes 60 + 250 EUR.
        let eur = whole
            .by_currency
            .get(&Currency::EUR)
            .map(|b| b.owed_on(date("2026-03-31")));
        assert_eq!(eur, Some(Decimal::from(310)));
    }

    /// What [`Book::add`] must give: each day's open balance read one day
    /// at a time.
    fn owed_day_by_day(records: &[InvoiceRecord], months: &[Period]) -> Vec<(Decimal, Decimal)> {
        let book = Book::new(months);
        book.days
            .iter()
            .map(|day| {
                let open = |r: &&InvoiceRecord| r.issue_date <= *day;
                let owed = records.iter().filter(open).map(|r| r.open_on(*day)).sum();
                let current = records
                    .iter()
                    .filter(open)
                    .filter(|r| r.due_date >= *day)
                    .map(|r| r.open_on(*day))
                    .sum();
                (owed, current)
            })
            .collect()
    }

    #[test]
    fn a_books_days_owe_what_each_invoice_owed_that_day_in_any_settlement_order() {
        let months = months_back(date("2026-06-30"), 4);
        let mut shuffled = record(
            5,
            1,
            ("2026-02-10", "2026-04-10"),
            "90",
            &[
                ("2026-05-31", "30"),
                ("2026-03-15", "20"),
                ("2026-04-30", "40"),
            ],
        );
        shuffled.settlements.swap(0, 2);
        let records = [
            // Paid on a month's last day: owes nothing from that day on.
            record(
                1,
                1,
                ("2026-01-05", "2026-02-04"),
                "100",
                &[("2026-03-31", "100")],
            ),
            // Paid in parts, the last after the months end.
            record(
                2,
                1,
                ("2026-03-01", "2026-05-30"),
                "250",
                &[("2026-04-02", "50"), ("2026-07-15", "200")],
            ),
            // Overpaid: never owes less than nothing.
            record(
                3,
                1,
                ("2026-04-20", "2026-05-20"),
                "60",
                &[("2026-05-01", "80")],
            ),
            // Never paid.
            record(4, 1, ("2026-05-12", "2026-06-11"), "45", &[]),
            shuffled,
        ];
        let book = Book::of_one_currency(&records, &months);
        let walked: Vec<(Decimal, Decimal)> = book
            .owed
            .iter()
            .copied()
            .zip(book.current.iter().copied())
            .collect();
        assert_eq!(walked, owed_day_by_day(&records, &months));
        // Not a book of zeros: April's end owes 200 (invoice 2), 60 (3) and
        // 90 - 20 - 40 = 30 (5): 290.
        assert_eq!(book.owed_on(date("2026-04-30")), Decimal::from(290));
    }
}
