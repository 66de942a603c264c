//! What an account comes to per currency, as `dun status` shows it: open,
//! credit on account, net balance, interest and fees, amount due, and the
//! charges still owed on invoices paid late.

use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::json;

use crate::store::Store;
use dun_core::dunning::terms::{Debt, LateTerms};
use dun_core::dunning::{Account, Policy};
use dun_core::ledger::{CustomerBalance, settled_in_full_on};
use dun_core::money::{Amounts, Locale, Money, plain_amount};

/// Invoice numbers named on a line before the rest are counted.
const NAMED: usize = 5;

/// One account's totals per currency.
pub(super) struct AccountTotals {
    /// Open, overdue and credit on account per currency.
    balances: Vec<CustomerBalance>,
    /// Interest and fees accrued on the open invoices.
    charges: Amounts,
    /// Invoices paid in full late whose charges are still owed: number and
    /// charges up to the day each was paid.
    paid_late: Vec<(String, Money)>,
}

impl AccountTotals {
    /// The account's totals as of `as_of`, with `charges` accrued on its
    /// open invoices; the charges of invoices paid late are read here.
    pub(super) fn gather(
        store: &Store,
        policy: &Policy,
        account: &Account,
        charges: Amounts,
        as_of: chrono::NaiveDate,
    ) -> Result<Self> {
        Ok(AccountTotals {
            balances: account.balances(as_of),
            charges,
            paid_late: paid_late(store, &policy.terms, account.customer_id, as_of)?,
        })
    }

    /// One line per currency, then one per currency with charges on
    /// invoices paid late.
    pub(super) fn lines(&self, locale: Locale) -> Vec<String> {
        let mut lines = Vec::new();
        for b in &self.balances {
            let money = |amount: Decimal| Money::new(amount, b.currency).display(locale);
            let charges = self.charges.get(b.currency);
            let mut line = format!("open {}", money(b.open));
            if !b.unapplied_credit.is_zero() {
                line.push_str(&format!(
                    ", credit on account {}, net balance {}",
                    money(b.unapplied_credit),
                    money(b.net())
                ));
            }
            line.push_str(&format!(
                ", interest and fees {}, amount due {}",
                money(charges),
                money(b.open + charges)
            ));
            lines.push(line);
        }
        let mut late = Amounts::new();
        for (_, charges) in &self.paid_late {
            late.add(*charges);
        }
        for total in late.iter() {
            let numbers: Vec<&str> = self
                .paid_late
                .iter()
                .filter(|(_, m)| m.currency == total.currency)
                .map(|(n, _)| n.as_str())
                .collect();
            let mut named = numbers
                .iter()
                .take(NAMED)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if numbers.len() > NAMED {
                named.push_str(&format!(" and {} more", numbers.len() - NAMED));
            }
            lines.push(format!(
                "charges on invoices paid late {} ({}), not in the amount due",
                total.display(locale),
                crate::text::sanitize(&named)
            ));
        }
        lines
    }

    /// The totals as JSON: one object per currency.
    pub(super) fn json(&self) -> serde_json::Value {
        let balances: Vec<serde_json::Value> = self
            .balances
            .iter()
            .map(|b| {
                let c = b.currency;
                let charges = self.charges.get(c);
                let late: Decimal = self
                    .paid_late
                    .iter()
                    .filter(|(_, m)| m.currency == c)
                    .map(|(_, m)| m.amount)
                    .sum();
                json!({
                    "currency": c,
                    "open_balance": plain_amount(b.open, c),
                    "unapplied_credit": plain_amount(b.unapplied_credit, c),
                    "net_balance": plain_amount(b.net(), c),
                    "charges": plain_amount(charges, c),
                    "amount_due": plain_amount(b.open + charges, c),
                    "paid_late_charges": plain_amount(late, c),
                })
            })
            .collect();
        serde_json::Value::Array(balances)
    }
}

/// The customer's invoices paid in full late on a known day, each with the
/// charges it accrued until then; none when the terms charge nothing. An
/// invoice an import found paid is left out: nobody knows when it was.
fn paid_late(
    store: &Store,
    terms: &LateTerms,
    customer: dun_core::ledger::CustomerId,
    as_of: chrono::NaiveDate,
) -> Result<Vec<(String, Money)>> {
    if terms.is_free() {
        return Ok(Vec::new());
    }
    Ok(store
        .paid_late(customer, as_of)?
        .into_iter()
        .filter(|(_, settlements)| settled_in_full_on(settlements).is_some())
        .filter_map(|(invoice, settlements)| {
            let total = terms
                .charges(&Debt::of(&invoice, &settlements), as_of)
                .total();
            (!total.is_zero()).then(|| (invoice.number, Money::new(total, invoice.currency)))
        })
        .collect())
}
