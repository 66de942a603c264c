//! An account's balances per currency: open, overdue, credit on account
//! and the net balance.

use rust_decimal::Decimal;

use super::{account, as_of, invoice};
use crate::money::{Currency, Money};

#[test]
fn credit_on_account_gives_the_net_balance_per_currency() {
    let mut usd = invoice(2, -5, 80);
    usd.currency = Currency::USD;
    let mut acct = account(1, vec![invoice(1, 10, 100), usd]);
    acct.credits
        .add(Money::new(Decimal::from(30), Currency::EUR));
    acct.credits
        .add(Money::new(Decimal::from(50), Currency::GBP));
    let balances = acct.balances(as_of());
    let got: Vec<(Currency, Decimal, Decimal, Decimal, Decimal)> = balances
        .iter()
        .map(|b| (b.currency, b.open, b.overdue, b.unapplied_credit, b.net()))
        .collect();
    let d = Decimal::from;
    assert_eq!(
        got,
        vec![
            (Currency::EUR, d(100), d(100), d(30), d(70)),
            (Currency::GBP, d(0), d(0), d(50), d(-50)),
            (Currency::USD, d(80), d(0), d(0), d(80)),
        ]
    );
}
