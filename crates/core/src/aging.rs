//! Aging: each customer's open balance split by how long it has been overdue.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::{CustomerId, DocumentKind, Invoice, days_overdue};
use crate::money::Currency;

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

/// One customer's aging in one currency.
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

/// Ages every open document. Rows come largest total first, then by customer.
pub fn age(
    documents: &[Invoice],
    unapplied_payments: &[crate::ledger::UnappliedPayment],
    buckets: &Buckets,
    as_of: NaiveDate,
) -> Vec<AgingRow> {
    let mut rows: BTreeMap<(CustomerId, Currency), AgingRow> = BTreeMap::new();
    let width = buckets.len();
    for doc in documents.iter().filter(|d| !d.open.is_zero()) {
        let row = row_mut(&mut rows, doc.customer_id, doc.currency, width);
        match doc.kind {
            DocumentKind::Invoice => {
                let index = buckets.index(days_overdue(doc.due_date, as_of));
                row.buckets[index] += doc.open;
                row.total += doc.open;
            }
            DocumentKind::CreditNote => {
                row.credit += doc.open;
                row.total -= doc.open;
            }
        }
    }
    for &(customer_id, currency, amount) in unapplied_payments {
        if !amount.is_zero() {
            let row = row_mut(&mut rows, customer_id, currency, width);
            row.credit += amount;
            row.total -= amount;
        }
    }
    let mut rows: Vec<AgingRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then(a.customer_id.cmp(&b.customer_id))
    });
    rows
}

fn row_mut(
    rows: &mut BTreeMap<(CustomerId, Currency), AgingRow>,
    customer_id: CustomerId,
    currency: Currency,
    width: usize,
) -> &mut AgingRow {
    rows.entry((customer_id, currency))
        .or_insert_with(|| AgingRow {
            customer_id,
            currency,
            total: Decimal::ZERO,
            buckets: vec![Decimal::ZERO; width],
            credit: Decimal::ZERO,
        })
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
}
