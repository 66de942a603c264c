//! Applying payments and credit notes to open invoices.
//!
//! The rule: a payment goes first to the invoice its payer named, then to
//! the customer's other open invoices in the same currency, oldest due date
//! first. What cannot be applied stays on account as unapplied credit, and
//! is applied as soon as an invoice is open again. So a customer never has
//! both unapplied credit and an open invoice in one currency.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{InvoiceId, PaymentId};
use crate::money::Currency;

/// An early-payment discount still available on an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discount {
    /// Last day a payment earns the discount.
    pub until: NaiveDate,
    /// The discount, taken off the open balance when the rest is paid in time.
    pub amount: Decimal,
}

/// An invoice that can still receive credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    /// The invoice.
    pub invoice_id: InvoiceId,
    /// Its due date: older first.
    pub due_date: NaiveDate,
    /// Its currency: credit only applies within one currency.
    pub currency: Currency,
    /// What is still owed; reduced by [`allocate`].
    pub open: Decimal,
    /// The early-payment discount, if the customer has one and it applies.
    pub discount: Option<Discount>,
}

/// Where credit comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceRef {
    /// A payment.
    Payment(PaymentId),
    /// A credit note, by its invoice-table id.
    CreditNote(InvoiceId),
}

/// A payment or credit note with credit left to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditSource {
    /// Which payment or credit note.
    pub source: SourceRef,
    /// Its currency.
    pub currency: Currency,
    /// Credit not yet applied; reduced by [`allocate`].
    pub unapplied: Decimal,
    /// The invoice it was meant for, tried first.
    pub target: Option<InvoiceId>,
    /// Value date: decides whether an early-payment discount is earned.
    pub date: NaiveDate,
}

/// One application of credit to an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The invoice credited.
    pub invoice_id: InvoiceId,
    /// The payment or credit note the credit came from.
    pub source: SourceRef,
    /// The amount applied, positive.
    pub amount: Decimal,
    /// Early-payment discount granted with this application (usually zero).
    pub discount: Decimal,
}

/// Applies the sources, in the order given, to the open items; updates both
/// in place and returns what was applied. Never makes a balance negative.
///
/// A payment dated within the discount windows of the invoices it reaches
/// first that covers their rest less their discounts, but not all of it,
/// settles them: the discounts are granted. One payment may so settle
/// several invoices (2% off 200 and 300: 490 settles both). A payment of
/// the full amounts takes no discount.
pub fn allocate(items: &mut [OpenItem], sources: &mut [CreditSource]) -> Vec<Allocation> {
    items.sort_by(|a, b| {
        a.due_date
            .cmp(&b.due_date)
            .then(a.invoice_id.cmp(&b.invoice_id))
    });
    let mut applied = Vec::new();
    for source in sources.iter_mut() {
        let order = reach_order(items, source);
        let discounted = discounted(items, &order, source);
        for (n, &index) in order.iter().enumerate() {
            if source.unapplied <= Decimal::ZERO {
                break;
            }
            apply(&mut items[index], source, n < discounted, &mut applied);
        }
    }
    applied
}

/// The items a source can credit, in the order it reaches them: the
/// invoice it was meant for first, then by due date.
fn reach_order(items: &[OpenItem], source: &CreditSource) -> Vec<usize> {
    let reachable = |i: &OpenItem| i.currency == source.currency && i.open > Decimal::ZERO;
    let target = source
        .target
        .and_then(|t| items.iter().position(|i| i.invoice_id == t && reachable(i)));
    target
        .into_iter()
        .chain((0..items.len()).filter(|&n| Some(n) != target && reachable(&items[n])))
        .collect()
}

/// The discount a payment on `date` may take on an item settled with it.
fn offered(item: &OpenItem, source: &CreditSource) -> Decimal {
    match item.discount {
        Some(d)
            if matches!(source.source, SourceRef::Payment(_))
                && source.date <= d.until
                && item.open > d.amount =>
        {
            d.amount
        }
        _ => Decimal::ZERO,
    }
}

/// How many of the first items in `order` the source settles with their
/// discounts: the most it covers less their discounts, when it does not
/// cover them in full; otherwise none.
fn discounted(items: &[OpenItem], order: &[usize], source: &CreditSource) -> usize {
    let (mut net, mut full, mut count) = (Decimal::ZERO, Decimal::ZERO, 0);
    for &index in order {
        let item = &items[index];
        let next = net + item.open - offered(item, source);
        if next > source.unapplied {
            break;
        }
        (net, full, count) = (next, full + item.open, count + 1);
    }
    if source.unapplied < full { count } else { 0 }
}

fn apply(
    item: &mut OpenItem,
    source: &mut CreditSource,
    with_discount: bool,
    applied: &mut Vec<Allocation>,
) {
    if item.currency != source.currency || item.open <= Decimal::ZERO {
        return;
    }
    let discount = if with_discount {
        offered(item, source)
    } else {
        Decimal::ZERO
    };
    let amount = (item.open - discount).min(source.unapplied);
    if amount <= Decimal::ZERO {
        return;
    }
    item.open -= amount + discount;
    if !discount.is_zero() {
        item.discount = None;
    }
    source.unapplied -= amount;
    applied.push(Allocation {
        invoice_id: item.invoice_id,
        source: source.source,
        amount,
        discount,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid") + chrono::Days::new(u64::from(n))
    }

    fn item(id: i64, due: u32, open: i64) -> OpenItem {
        OpenItem {
            invoice_id: id,
            due_date: day(due),
            currency: Currency::EUR,
            open: Decimal::from(open),
            discount: None,
        }
    }

    fn payment(id: i64, amount: i64, target: Option<i64>) -> CreditSource {
        CreditSource {
            source: SourceRef::Payment(id),
            currency: Currency::EUR,
            unapplied: Decimal::from(amount),
            target,
            date: day(0),
        }
    }

    #[test]
    fn named_invoice_first_then_oldest_due() {
        let mut items = vec![item(1, 30, 100), item(2, 10, 100), item(3, 20, 100)];
        let mut sources = vec![payment(9, 250, Some(3))];
        let applied = allocate(&mut items, &mut sources);
        let order: Vec<(i64, Decimal)> = applied.iter().map(|a| (a.invoice_id, a.amount)).collect();
        assert_eq!(
            order,
            vec![
                (3, Decimal::from(100)),
                (2, Decimal::from(100)),
                (1, Decimal::from(50))
            ]
        );
        assert_eq!(sources[0].unapplied, Decimal::ZERO);
    }

    #[test]
    fn overpayment_stays_unapplied_and_currencies_never_mix() {
        let mut items = vec![item(1, 1, 40)];
        items.push(OpenItem {
            currency: Currency::USD,
            ..item(2, 0, 500)
        });
        let mut sources = vec![payment(9, 100, None)];
        allocate(&mut items, &mut sources);
        assert_eq!(items[1].open, Decimal::ZERO, "EUR invoice paid");
        assert_eq!(items[0].open, Decimal::from(500), "USD invoice untouched");
        assert_eq!(sources[0].unapplied, Decimal::from(60));
    }

    #[test]
    fn early_payment_earns_the_discount_only_in_the_window_and_in_full() {
        let with_discount = || OpenItem {
            discount: Some(Discount {
                until: day(10),
                amount: Decimal::from(2),
            }),
            ..item(1, 30, 100)
        };
        let mut items = vec![with_discount()];
        let mut sources = vec![CreditSource {
            date: day(9),
            ..payment(9, 98, None)
        }];
        let applied = allocate(&mut items, &mut sources);
        assert_eq!(
            items[0].open,
            Decimal::ZERO,
            "98 paid on day 9 settles 100 with 2 off"
        );
        assert_eq!(applied[0].discount, Decimal::from(2));
        assert_eq!(applied[0].amount, Decimal::from(98));

        let mut items = vec![with_discount()];
        let mut sources = vec![CreditSource {
            date: day(11),
            ..payment(9, 98, None)
        }];
        allocate(&mut items, &mut sources);
        assert_eq!(items[0].open, Decimal::from(2), "a day late: no discount");

        let mut items = vec![with_discount()];
        let mut sources = vec![CreditSource {
            date: day(5),
            ..payment(9, 50, None)
        }];
        allocate(&mut items, &mut sources);
        assert_eq!(
            items[0].open,
            Decimal::from(50),
            "a part payment earns nothing yet"
        );
    }

    fn discounted_item(id: i64, due: u32, open: i64, off: i64, until: u32) -> OpenItem {
        OpenItem {
            discount: Some(Discount {
                until: day(until),
                amount: Decimal::from(off),
            }),
            ..item(id, due, open)
        }
    }

    fn paid_on(date: u32, amount: i64, target: Option<i64>) -> Vec<CreditSource> {
        vec![CreditSource {
            date: day(date),
            ..payment(9, amount, target)
        }]
    }

    #[test]
    fn one_payment_takes_the_discounts_of_every_invoice_it_settles() {
        // 2% off 200 and 300: 490 settles both.
        let mut items = vec![
            discounted_item(1, 30, 200, 4, 10),
            discounted_item(2, 32, 300, 6, 12),
        ];
        let mut sources = paid_on(5, 490, None);
        let applied = allocate(&mut items, &mut sources);
        assert!(items.iter().all(|i| i.open.is_zero()), "{items:?}");
        let discounts: Vec<Decimal> = applied.iter().map(|a| a.discount).collect();
        assert_eq!(discounts, vec![Decimal::from(4), Decimal::from(6)]);
        assert_eq!(sources[0].unapplied, Decimal::ZERO);

        // The full amounts take none.
        let mut items = vec![
            discounted_item(1, 30, 200, 4, 10),
            discounted_item(2, 32, 300, 6, 12),
        ];
        let applied = allocate(&mut items, &mut paid_on(5, 500, None));
        assert!(applied.iter().all(|a| a.discount.is_zero()));
        assert!(items.iter().all(|i| i.open.is_zero()));

        // Past the second window, the second is owed in full: 196 + 300.
        let mut items = vec![
            discounted_item(1, 30, 200, 4, 10),
            discounted_item(2, 32, 300, 6, 3),
        ];
        let applied = allocate(&mut items, &mut paid_on(5, 496, None));
        assert!(items.iter().all(|i| i.open.is_zero()), "{items:?}");
        assert_eq!(applied[0].discount, Decimal::from(4));
        assert_eq!(applied[1].discount, Decimal::ZERO);

        // The first paid in full, the second in part: no discount at all.
        let mut items = vec![
            discounted_item(1, 30, 200, 4, 10),
            discounted_item(2, 32, 300, 6, 12),
        ];
        let applied = allocate(&mut items, &mut paid_on(5, 300, None));
        assert!(applied.iter().all(|a| a.discount.is_zero()));
        assert_eq!(items[1].open, Decimal::from(200));
    }

    #[test]
    fn the_named_invoice_is_settled_first_with_its_discount() {
        let mut items = vec![
            discounted_item(1, 30, 200, 4, 10),
            discounted_item(2, 32, 300, 6, 12),
        ];
        let applied = allocate(&mut items, &mut paid_on(5, 294, Some(2)));
        assert_eq!(applied.len(), 1);
        assert_eq!(
            (applied[0].invoice_id, applied[0].discount),
            (2, Decimal::from(6))
        );
        assert_eq!(items[0].open, Decimal::from(200));
    }

    proptest! {
        #[test]
        fn conserves_money_and_never_goes_negative(
            opens in prop::collection::vec((0u32..100, 1i64..100_000), 0..12),
            pays in prop::collection::vec((1i64..150_000, prop::option::of(0i64..12)), 0..8),
        ) {
            let mut items: Vec<OpenItem> = opens.iter().enumerate()
                .map(|(i, (due, cents))| OpenItem {
                    invoice_id: i as i64,
                    due_date: day(*due),
                    currency: Currency::EUR,
                    open: Decimal::new(*cents, 2),
                    discount: None,
                })
                .collect();
            let mut sources: Vec<CreditSource> = pays.iter().enumerate()
                .map(|(i, (cents, target))| CreditSource {
                    source: SourceRef::Payment(i as i64),
                    currency: Currency::EUR,
                    unapplied: Decimal::new(*cents, 2),
                    target: *target,
                    date: day(0),
                })
                .collect();
            let open_before: Decimal = items.iter().map(|i| i.open).sum();
            let credit_before: Decimal = sources.iter().map(|s| s.unapplied).sum();
            let applied = allocate(&mut items, &mut sources);
            let total_applied: Decimal = applied.iter().map(|a| a.amount).sum();
            let discounts: Decimal = applied.iter().map(|a| a.discount).sum();
            let open_after: Decimal = items.iter().map(|i| i.open).sum();
            let credit_after: Decimal = sources.iter().map(|s| s.unapplied).sum();
            prop_assert_eq!(open_before - total_applied - discounts, open_after);
            prop_assert_eq!(credit_before - total_applied, credit_after);
            prop_assert!(items.iter().all(|i| i.open >= Decimal::ZERO));
            prop_assert!(sources.iter().all(|s| s.unapplied >= Decimal::ZERO));
            prop_assert!(applied.iter().all(|a| a.amount > Decimal::ZERO));
            // Credit is left over only when nothing is open.
            prop_assert!(credit_after.is_zero() || open_after.is_zero());
        }
    }
}
