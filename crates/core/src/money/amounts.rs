//! Balances in several currencies, each kept apart.

use rust_decimal::Decimal;

use super::{Currency, Locale, Money};

/// Sums of money in several currencies: one sum per currency, listed in
/// currency order. Currencies are never summed together; a report that
/// totals amounts in several currencies keeps them here.
///
/// A currency once added stays listed even when its sum comes back to
/// zero, so a total row still shows it as `0.00 EUR`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Amounts {
    /// One sum per currency, sorted by currency, no currency twice.
    sums: Vec<(Currency, Decimal)>,
}

impl Amounts {
    /// No amount in any currency.
    pub fn new() -> Self {
        Amounts::default()
    }

    /// Adds an amount to its currency's sum (a negative amount lowers it).
    pub fn add(&mut self, money: Money) {
        match self.sums.binary_search_by_key(&money.currency, |(c, _)| *c) {
            Ok(at) => self.sums[at].1 += money.amount,
            Err(at) => self.sums.insert(at, (money.currency, money.amount)),
        }
    }

    /// The sum in one currency; zero when nothing in it was added.
    pub fn get(&self, currency: Currency) -> Decimal {
        self.sums
            .binary_search_by_key(&currency, |(c, _)| *c)
            .map_or(Decimal::ZERO, |at| self.sums[at].1)
    }

    /// True when an amount in this currency was added.
    pub fn contains(&self, currency: Currency) -> bool {
        self.sums
            .binary_search_by_key(&currency, |(c, _)| *c)
            .is_ok()
    }

    /// Each currency's sum, in currency order.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.sums.iter().map(|&(c, amount)| Money::new(amount, c))
    }

    /// The currencies listed, in order.
    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.sums.iter().map(|(c, _)| *c)
    }

    /// How many currencies are listed.
    pub fn len(&self) -> usize {
        self.sums.len()
    }

    /// True when no currency is listed.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// True when every currency's sum is zero, or none is listed.
    pub fn is_zero(&self) -> bool {
        self.sums.iter().all(|(_, amount)| amount.is_zero())
    }

    /// Lists each currency's sum in the locale's style, in currency order:
    /// `1,234.56 EUR; 80.00 USD`. Empty when no currency is listed.
    pub fn display(&self, locale: Locale) -> String {
        self.iter()
            .map(|m| m.display(locale))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Extend<Money> for Amounts {
    fn extend<I: IntoIterator<Item = Money>>(&mut self, amounts: I) {
        for money in amounts {
            self.add(money);
        }
    }
}

impl FromIterator<Money> for Amounts {
    fn from_iter<I: IntoIterator<Item = Money>>(amounts: I) -> Self {
        let mut sums = Amounts::new();
        sums.extend(amounts);
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str, currency: &str) -> Money {
        Money::new(
            amount.parse().expect("test amount"),
            currency.parse().expect("test currency"),
        )
    }

    fn dec(s: &str) -> Decimal {
        s.parse().expect("test literal")
    }

    #[test]
    fn adds_within_a_currency() {
        let mut sums = Amounts::new();
        sums.add(money("0.10", "EUR"));
        sums.add(money("0.20", "EUR"));
        sums.add(money("-0.05", "EUR"));
        assert_eq!(sums.get(Currency::EUR), dec("0.25"));
        assert_eq!(sums.len(), 1);
    }

    #[test]
    fn keeps_currencies_apart_and_in_order() {
        let sums: Amounts = [
            money("5", "USD"),
            money("100", "EUR"),
            money("1500", "JPY"),
            money("2.50", "USD"),
            money("7", "GBP"),
        ]
        .into_iter()
        .collect();
        let listed: Vec<Money> = sums.iter().collect();
        assert_eq!(
            listed,
            [
                money("100", "EUR"),
                money("7", "GBP"),
                money("1500", "JPY"),
                money("7.50", "USD"),
            ]
        );
        assert_eq!(
            sums.currencies().map(|c| c.to_string()).collect::<Vec<_>>(),
            ["EUR", "GBP", "JPY", "USD"]
        );
        assert_eq!(
            sums.display(Locale::En),
            "100.00 EUR; 7.00 GBP; 1,500 JPY; 7.50 USD"
        );
        assert_eq!(
            sums.display(Locale::It),
            "100,00 EUR; 7,00 GBP; 1.500 JPY; 7,50 USD"
        );
    }

    #[test]
    fn zero_sums_stay_listed() {
        let mut sums = Amounts::new();
        assert!(sums.is_zero());
        assert!(sums.is_empty());
        assert_eq!(sums.get(Currency::USD), Decimal::ZERO);
        assert!(!sums.contains(Currency::USD));
        assert_eq!(sums.display(Locale::En), "");

        sums.add(money("40", "EUR"));
        sums.add(money("-40", "EUR"));
        assert!(sums.is_zero());
        assert!(!sums.is_empty());
        assert!(sums.contains(Currency::EUR));
        assert_eq!(sums.display(Locale::En), "0.00 EUR");

        sums.add(money("0.01", "USD"));
        assert!(!sums.is_zero());
        assert_eq!(sums.get(Currency::EUR), Decimal::ZERO);
    }

    #[test]
    fn matches_summing_each_currency_on_its_own() {
        let entries = [
            money("19.99", "EUR"),
            money("0.01", "USD"),
            money("-3.50", "EUR"),
            money("1000", "USD"),
            money("0.001", "KWD"),
        ];
        let sums: Amounts = entries.iter().copied().collect();
        for currency in sums.currencies() {
            let expected: Decimal = entries
                .iter()
                .filter(|m| m.currency == currency)
                .map(|m| m.amount)
                .sum();
            assert_eq!(sums.get(currency), expected, "{currency}");
        }
        assert_eq!(sums.len(), 3);
    }
}
