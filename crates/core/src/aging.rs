//! Aging: each customer's open balance split by how long it has been
//! overdue.
//!
//! One computation for every front end: `dun aging`, the dashboard's aging
//! screen and statements of account read these rows and their totals and
//! only lay them out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::dunning::Account;
use crate::ledger::{CustomerId, DocumentKind, Invoice, UnappliedPayment, days_overdue};
use crate::money::{Amounts, Currency, Money};

/// Upper bounds, in days overdue, of every bucket but the last.
///
/// `[30, 60, 90]` gives current, 1–30, 31–60, 61–90 and 90+.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buckets {
    bounds: Vec<u32>,
}

impl Default for Buckets {
    fn default() -> Self {
        Buckets {
            bounds: vec![30, 60, 90],
        }
    }
}

impl Buckets {
    /// Buckets from strictly increasing positive bounds.
    pub fn new(bounds: Vec<u32>) -> Result<Self, String> {
        if bounds.is_empty() {
            return Err("aging buckets need at least one bound, e.g. [30, 60, 90]".into());
        }
        if bounds[0] == 0
            || bounds.windows(2).any(|w| w[0] >= w[1])
            || bounds.iter().any(|b| *b > 36_500)
        {
            return Err(format!(
                "aging buckets {bounds:?} must be positive, strictly increasing and at most 36500 days"
            ));
        }
        Ok(Buckets { bounds })
    }

    /// Number of buckets, counting `current` and the open-ended last one.
    pub fn len(&self) -> usize {
        self.bounds.len() + 2
    }

    /// Never empty: there is always a current and a last bucket.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Which bucket an invoice this many days overdue falls in.
    pub fn index(&self, days_overdue: i64) -> usize {
        if days_overdue <= 0 {
            return 0;
        }
        1 + self
            .bounds
            .iter()
            .take_while(|&&bound| days_overdue > i64::from(bound))
            .count()
    }

    /// The fewest days overdue that fall in bucket `index` (0 for current).
    pub fn first_day(&self, index: usize) -> i64 {
        match index {
            0 => 0,
            1 => 1,
            i => self
                .bounds
                .get(i - 2)
                .map_or(i64::MAX, |bound| i64::from(*bound) + 1),
        }
    }

    /// Machine names: `current`, `d1_30`, `d31_60`, `d61_90`, `d90_plus`.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = vec!["current".to_string()];
        let mut low = 1;
        for &bound in &self.bounds {
            keys.push(format!("d{low}_{bound}"));
            low = bound + 1;
        }
        keys.push(format!("d{}_plus", low - 1));
        keys
    }

    /// Column titles: `Current`, `1–30`, …, `90+`.
    pub fn titles(&self) -> Vec<String> {
        let mut titles = vec!["Current".to_string()];
        let mut low = 1;
        for &bound in &self.bounds {
            titles.push(format!("{low}-{bound}"));
            low = bound + 1;
        }
        titles.push(format!("{}+", low - 1));
        titles
    }
}

/// One customer's aging in one currency: a row of the aging report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// The customer.
    pub customer_id: CustomerId,
    /// The currency of every figure in the row.
    pub currency: Currency,
    /// Open balance net of unapplied credit.
    pub total: Decimal,
    /// Open invoice balances per bucket, in [`Buckets`] order.
    pub buckets: Vec<Decimal>,
    /// Unapplied credit (payments on account, unused credit notes).
    pub credit: Decimal,
}

impl AgingRow {
    fn new(customer_id: CustomerId, currency: Currency, width: usize) -> Self {
        AgingRow {
            customer_id,
            currency,
            total: Decimal::ZERO,
            buckets: vec![Decimal::ZERO; width],
            credit: Decimal::ZERO,
        }
    }

    /// Open invoice balances before credit: the sum of the buckets.
    pub fn open(&self) -> Decimal {
        self.buckets.iter().copied().sum()
    }

    /// The oldest bucket with money in it; 0 (current) when none has.
    pub fn oldest_bucket(&self) -> usize {
        self.buckets.iter().rposition(|b| !b.is_zero()).unwrap_or(0)
    }
}

/// The one aging computation: rows per customer and currency, fed open
/// invoice balances and credit, whatever they were read from.
struct Ager<'a> {
    buckets: &'a Buckets,
    as_of: NaiveDate,
    rows: BTreeMap<(CustomerId, Currency), AgingRow>,
}

impl<'a> Ager<'a> {
    fn new(buckets: &'a Buckets, as_of: NaiveDate) -> Self {
        Ager {
            buckets,
            as_of,
            rows: BTreeMap::new(),
        }
    }

    fn row(&mut self, customer_id: CustomerId, currency: Currency) -> &mut AgingRow {
        let width = self.buckets.len();
        self.rows
            .entry((customer_id, currency))
            .or_insert_with(|| AgingRow::new(customer_id, currency, width))
    }

    /// An open invoice balance, in the bucket its due date puts it in. An
    /// invoice issued after the as-of date is not owed yet.
    fn owed(
        &mut self,
        customer_id: CustomerId,
        open: Money,
        issue_date: NaiveDate,
        due_date: NaiveDate,
    ) {
        if open.amount.is_zero() || issue_date > self.as_of {
            return;
        }
        let index = self.buckets.index(days_overdue(due_date, self.as_of));
        let row = self.row(customer_id, open.currency);
        row.buckets[index] += open.amount;
        row.total += open.amount;
    }

    /// Credit on account: it lowers the total and sits in no bucket.
    fn credit(&mut self, customer_id: CustomerId, credit: Money) {
        if credit.amount.is_zero() {
            return;
        }
        let row = self.row(customer_id, credit.currency);
        row.credit += credit.amount;
        row.total -= credit.amount;
    }

    /// The rows by customer, then currency.
    fn into_rows(self) -> Vec<AgingRow> {
        self.rows.into_values().collect()
    }
}

/// Ages every open document and payment credit of the ledger. Rows come
/// largest total first, then by customer.
pub fn age(
    documents: &[Invoice],
    unapplied_payments: &[UnappliedPayment],
    buckets: &Buckets,
    as_of: NaiveDate,
) -> Vec<AgingRow> {
    let mut ager = Ager::new(buckets, as_of);
    for doc in documents {
        let open = Money::new(doc.open, doc.currency);
        match doc.kind {
            DocumentKind::Invoice => {
                ager.owed(doc.customer_id, open, doc.issue_date, doc.due_date);
            }
            DocumentKind::CreditNote if doc.issue_date <= as_of => {
                ager.credit(doc.customer_id, open);
            }
            DocumentKind::CreditNote => {}
        }
    }
    for &(customer_id, currency, amount) in unapplied_payments {
        ager.credit(customer_id, Money::new(amount, currency));
    }
    let mut rows = ager.into_rows();
    order_rows(&mut rows);
    rows
}

/// Puts aging rows in the report's order: largest total first, then by
/// customer. Rows aged a span of customers at a time and put together come
/// out as [`age`] of the whole ledger would give them.
pub fn order_rows(rows: &mut [AgingRow]) {
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.customer_id.cmp(&b.customer_id))
    });
}

/// Ages one account as the engine sees it: one row per currency it has a
/// balance or credit in, in currency order.
pub fn age_account(account: &Account, buckets: &Buckets, as_of: NaiveDate) -> Vec<AgingRow> {
    let mut ager = Ager::new(buckets, as_of);
    for invoice in &account.invoices {
        ager.owed(
            account.customer_id,
            Money::new(invoice.open, invoice.currency),
            invoice.issue_date,
            invoice.due_date,
        );
    }
    for credit in account.credits.iter() {
        ager.credit(account.customer_id, credit);
    }
    ager.into_rows()
}

/// The totals of aging rows, kept per currency: never summed across
/// currencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgingTotals {
    /// Net open balance per currency.
    pub total: Amounts,
    /// Each bucket's open balance per currency, in [`Buckets`] order.
    pub buckets: Vec<Amounts>,
}

impl AgingTotals {
    /// The totals of some rows.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a AgingRow>) -> Self {
        let mut totals = AgingTotals::default();
        for row in rows {
            totals.add(row, false);
        }
        totals
    }

    /// These totals and one more row: what [`AgingTotals::of`] gives for
    /// the rows with this one added.
    pub fn add_row(&mut self, row: &AgingRow) {
        self.add(row, false);
    }

    /// These totals with one of their rows taken back out. A currency
    /// stays listed (at zero) when its last row goes, where
    /// [`AgingTotals::of`] the remaining rows would not list it:
    /// [`AgingTotals::has_zero_currency`] says when to ask it.
    pub fn remove_row(&mut self, row: &AgingRow) {
        self.add(row, true);
    }

    /// True when a currency is listed with nothing in its total or any
    /// bucket.
    pub fn has_zero_currency(&self) -> bool {
        self.currencies().any(|currency| {
            self.total.get(currency).is_zero()
                && self.buckets.iter().all(|b| b.get(currency).is_zero())
        })
    }

    fn add(&mut self, row: &AgingRow, negated: bool) {
        let signed = |amount: Decimal| if negated { -amount } else { amount };
        self.total.add(Money::new(signed(row.total), row.currency));
        if self.buckets.len() < row.buckets.len() {
            self.buckets.resize_with(row.buckets.len(), Amounts::new);
        }
        for (sum, amount) in self.buckets.iter_mut().zip(&row.buckets) {
            sum.add(Money::new(signed(*amount), row.currency));
        }
    }

    /// Every currency with a row, in currency order.
    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.total.currencies()
    }

    /// One currency's bucket totals, in [`Buckets`] order.
    pub fn buckets_in(&self, currency: Currency) -> Vec<Decimal> {
        self.buckets.iter().map(|b| b.get(currency)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_edges_follow_days_overdue() {
        let b = Buckets::default();
        let cases = [
            (-5, 0),
            (0, 0),
            (1, 1),
            (30, 1),
            (31, 2),
            (60, 2),
            (61, 3),
            (90, 3),
            (91, 4),
            (400, 4),
        ];
        for (days, expected) in cases {
            assert_eq!(b.index(days), expected, "{days} days overdue");
        }
        assert_eq!(
            b.keys(),
            ["current", "d1_30", "d31_60", "d61_90", "d90_plus"]
        );
        assert_eq!(b.titles(), ["Current", "1-30", "31-60", "61-90", "90+"]);
    }

    #[test]
    fn custom_bounds_are_validated() {
        assert!(Buckets::new(vec![]).is_err());
        assert!(Buckets::new(vec![30, 30]).is_err());
        assert!(Buckets::new(vec![0, 30]).is_err());
        assert!(Buckets::new(vec![u32::MAX]).is_err());
        let b = Buckets::new(vec![15, 45]).expect("valid");
        assert_eq!(b.keys(), ["current", "d1_15", "d16_45", "d45_plus"]);
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).expect("test date")
    }

    fn dec(s: &str) -> Decimal {
        s.parse().expect("test literal")
    }

    fn document(id: i64, kind: DocumentKind, open: &str, currency: Currency, due: u32) -> Invoice {
        Invoice {
            id,
            number: format!("D{id}"),
            customer_id: 7,
            kind,
            issue_date: date(1),
            due_date: date(due),
            amount: dec(open),
            currency,
            open: dec(open),
            written_off_on: None,
            closed_on: None,
            discount: Decimal::ZERO,
        }
    }

    /// One ledger in both shapes: documents and payments as the ledger
    /// keeps them, and the engine's account of the same customer.
    fn ledger() -> (Vec<Invoice>, Vec<UnappliedPayment>, Account) {
        let documents = vec![
            document(1, DocumentKind::Invoice, "100.00", Currency::EUR, 31),
            document(2, DocumentKind::Invoice, "40.00", Currency::EUR, 1),
            document(3, DocumentKind::CreditNote, "15.00", Currency::EUR, 1),
            document(4, DocumentKind::Invoice, "9.99", Currency::USD, 30),
            document(5, DocumentKind::Invoice, "0.00", Currency::GBP, 1),
        ];
        let unapplied = vec![
            (7, Currency::USD, dec("2.00")),
            (7, Currency::GBP, dec("5")),
        ];
        let mut account = Account::new(7, "C7", date(1));
        for d in documents.iter().filter(|d| d.kind == DocumentKind::Invoice) {
            account.invoices.push(crate::dunning::OpenInvoice {
                id: d.id,
                number: d.number.clone(),
                issue_date: d.issue_date,
                due_date: d.due_date,
                amount: d.amount,
                open: d.open,
                currency: d.currency,
                dispute: None,
                settlements: Vec::new(),
            });
        }
        account.credits.add(Money::new(dec("15.00"), Currency::EUR));
        account.credits.add(Money::new(dec("2.00"), Currency::USD));
        account.credits.add(Money::new(dec("5"), Currency::GBP));
        (documents, unapplied, account)
    }

    #[test]
    fn ledger_and_account_age_alike() {
        let (documents, unapplied, account) = ledger();
        let buckets = Buckets::default();
        let as_of = date(31);
        let mut from_ledger = age(&documents, &unapplied, &buckets, as_of);
        from_ledger.sort_by_key(|r| r.currency);
        assert_eq!(from_ledger, age_account(&account, &buckets, as_of));

        let eur = &from_ledger[0];
        assert_eq!(eur.currency, Currency::EUR);
        assert_eq!(
            eur.buckets,
            [dec("100"), dec("40"), dec("0"), dec("0"), dec("0")]
        );
        assert_eq!(
            (eur.open(), eur.credit, eur.total),
            (dec("140"), dec("15"), dec("125"))
        );
        assert_eq!(eur.oldest_bucket(), 1);
        let gbp = &from_ledger[1];
        assert_eq!((gbp.total, gbp.oldest_bucket()), (dec("-5"), 0));
    }

    #[test]
    fn rows_come_largest_first_and_skip_later_invoices() {
        let (mut documents, unapplied, _) = ledger();
        let mut later = document(6, DocumentKind::Invoice, "1000", Currency::EUR, 31);
        later.issue_date = date(31);
        documents.push(later);
        let rows = age(&documents, &unapplied, &Buckets::default(), date(30));
        let totals: Vec<(Currency, Decimal)> = rows.iter().map(|r| (r.currency, r.total)).collect();
        assert_eq!(
            totals,
            [
                (Currency::EUR, dec("125")),
                (Currency::USD, dec("7.99")),
                (Currency::GBP, dec("-5"))
            ]
        );
    }

    #[test]
    fn totals_keep_currencies_apart() {
        let (documents, unapplied, _) = ledger();
        let mut rows = age(&documents, &unapplied, &Buckets::default(), date(31));
        let mut other = rows[0].clone();
        other.customer_id = 8;
        rows.push(other);
        let totals = AgingTotals::of(&rows);
        assert_eq!(
            totals.currencies().collect::<Vec<_>>(),
            [Currency::EUR, Currency::GBP, Currency::USD]
        );
        assert_eq!(totals.total.get(Currency::EUR), dec("250"));
        assert_eq!(totals.total.get(Currency::USD), dec("7.99"));
        assert_eq!(
            totals.buckets_in(Currency::EUR),
            [dec("200"), dec("80"), dec("0"), dec("0"), dec("0")]
        );
        assert_eq!(totals.buckets_in(Currency::GBP), vec![Decimal::ZERO; 5]);
        assert_eq!(AgingTotals::of(&[]), AgingTotals::default());
    }
}
