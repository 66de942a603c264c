//! Exact money: a decimal amount with its currency beside it.
//!
//! Amounts are `rust_decimal::Decimal` in code and integer minor units in the
//! database. Parsing and display follow the configured [`Locale`]: English
//! style (`1,234.56`) or European style (`1.234,56`, French `1 234,56`).
//! Sums in several currencies are kept apart in [`Amounts`].

mod amounts;

pub use amounts::Amounts;

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why an amount or currency could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not a number in the expected style.
    #[error("'{text}' is not an amount; expected {expected}")]
    Malformed {
        /// The text as given.
        text: String,
        /// What a valid amount looks like in this locale.
        expected: &'static str,
    },
    /// The amount has more decimals than the currency has minor units.
    #[error("{amount} has more than {places} decimal places, the most {currency} allows")]
    TooPrecise {
        /// The amount as parsed.
        amount: Decimal,
        /// The currency it was for.
        currency: Currency,
        /// Its number of minor-unit digits.
        places: u32,
    },
    /// The amount does not fit in the ledger's integer minor units.
    #[error("{0} is too large; amounts go up to 1,000,000,000,000")]
    TooLarge(Decimal),
    /// Not an ISO 4217 code.
    #[error("'{0}' is not a currency code; expected three letters such as EUR or USD")]
    BadCurrency(String),
}

/// Number and date display style. Decides the decimal mark and digit grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English: `1,234.56`.
    #[default]
    En,
    /// Italian: `1.234,56`.
    It,
    /// Spanish: `1.234,56`.
    Es,
    /// French: `1 234,56`.
    Fr,
    /// Romanian: `1.234,56`.
    Ro,
}

impl Locale {
    /// Every supported locale, in display order.
    pub const ALL: [Locale; 5] = [Locale::En, Locale::It, Locale::Es, Locale::Fr, Locale::Ro];

    /// The two-letter code, as written in the config.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::It => "it",
            Locale::Es => "es",
            Locale::Fr => "fr",
            Locale::Ro => "ro",
        }
    }

    fn decimal_mark(self) -> char {
        match self {
            Locale::En => '.',
            _ => ',',
        }
    }

    fn group_separator(self) -> char {
        match self {
            Locale::En => ',',
            Locale::Fr => ' ',
            _ => '.',
        }
    }

    fn example(self) -> &'static str {
        match self {
            Locale::En => "a number like 1234.56 or 1,234.56",
            Locale::Fr => "a number like 1234,56 or 1 234,56",
            _ => "a number like 1234,56 or 1.234,56",
        }
    }

    /// Parses an amount written in this locale's style.
    ///
    /// Digit groups are checked (`1,23.4` is refused in English), so a
    /// figure typed in the other style is an error rather than a silent
    /// factor of a thousand. A leading `-` or surrounding parentheses mean a
    /// negative amount.
    pub fn parse_amount(self, text: &str) -> Result<Decimal, MoneyError> {
        let malformed = || MoneyError::Malformed {
            text: text.to_string(),
            expected: self.example(),
        };
        let trimmed = text.trim();
        let (negative, body) = if let Some(inner) = trimmed
            .strip_prefix('(')
            .and_then(|rest| rest.strip_suffix(')'))
        {
            (true, inner.trim())
        } else if let Some(rest) = trimmed.strip_prefix('-') {
            (true, rest.trim_start())
        } else {
            (false, trimmed.strip_prefix('+').unwrap_or(trimmed))
        };
        let (int_part, frac_part) = match body.split_once(self.decimal_mark()) {
            Some((int_part, frac)) => (int_part, Some(frac)),
            None => (body, None),
        };
        let digits = ungroup(int_part, self.group_separator()).ok_or_else(malformed)?;
        let mut canonical = digits;
        if let Some(frac) = frac_part {
            if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            canonical.push('.');
            canonical.push_str(frac);
        }
        let significant = canonical
            .trim_end_matches('0')
            .trim_end_matches('.')
            .trim_start_matches('0');
        if significant.bytes().filter(u8::is_ascii_digit).count() > 28 {
            return Err(MoneyError::Malformed {
                text: text.to_string(),
                expected: "at most 28 significant digits",
            });
        }
        let value = Decimal::from_str(&canonical).map_err(|_| malformed())?;
        Ok(if negative { -value } else { value })
    }

    /// Formats an amount with this locale's decimal mark and digit groups,
    /// always with at least `places` decimals.
    pub fn format_amount(self, amount: Decimal, places: u32) -> String {
        let rounded = amount.round_dp(places.max(amount.scale()));
        let plain = format!("{:.*}", places.max(rounded.scale()) as usize, rounded.abs());
        let (int_part, frac_part) = plain.split_once('.').unwrap_or((&plain, ""));
        let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
        if rounded.is_sign_negative() && !rounded.is_zero() {
            out.push('-');
        }
        let len = int_part.len();
        for (i, ch) in int_part.chars().enumerate() {
            if i > 0 && (len - i) % 3 == 0 {
                out.push(self.group_separator());
            }
            out.push(ch);
        }
        if !frac_part.is_empty() {
            out.push(self.decimal_mark());
            out.push_str(frac_part);
        }
        out
    }
}

impl FromStr for Locale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("'{s}' is not a locale; expected one of en, it, es, fr, ro"))
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Removes group separators from an integer part after checking that every
/// group after the first has exactly three digits. `None` if malformed.
fn ungroup(int_part: &str, separator: char) -> Option<String> {
    if int_part.is_empty() {
        return None;
    }
    let separators: &[char] = if separator == ' ' {
        &[' ', '\u{a0}', '\u{202f}']
    } else {
        &[separator]
    };
    let groups: Vec<&str> = int_part.split(separators).collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|g| all_digits(g)) {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    Some(groups.concat())
}

/// The largest amount the ledger accepts in any currency. Sums of millions
/// of such amounts still fit in the ledger's 64-bit minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// An ISO 4217 currency code: three ASCII capital letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The euro.
    pub const EUR: Currency = Currency(*b"EUR");
    /// The US dollar.
    pub const USD: Currency = Currency(*b"USD");
    /// The pound sterling.
    pub const GBP: Currency = Currency(*b"GBP");
    /// Sorts before every code, for range queries.
    pub const MIN: Currency = Currency(*b"AAA");
    /// Sorts after every code, for range queries.
    pub const MAX: Currency = Currency(*b"ZZZ");

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII capitals, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point in this currency's minor unit.
    pub fn minor_digits(self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"CLP" | b"ISK" | b"VND" | b"XOF" | b"XAF" | b"PYG" | b"UGX" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" | b"IQD" | b"LYD" => 3,
            _ => 2,
        }
    }

    /// Converts an amount to integer minor units, refusing extra precision
    /// and amounts above a trillion (so that sums always fit).
    pub fn to_minor(self, amount: Decimal) -> Result<i64, MoneyError> {
        let places = self.minor_digits();
        if amount.abs() > Decimal::from(MAX_AMOUNT) {
            return Err(MoneyError::TooLarge(amount.normalize()));
        }
        let scaled = amount
            .checked_mul(Decimal::from(10_i64.pow(places)))
            .ok_or(MoneyError::TooLarge(amount))?;
        if scaled.fract() != Decimal::ZERO {
            return Err(MoneyError::TooPrecise {
                amount: amount.normalize(),
                currency: self,
                places,
            });
        }
        i64::try_from(scaled.trunc()).map_err(|_| MoneyError::TooLarge(amount))
    }

    /// Converts integer minor units back to an exact amount.
    pub fn from_minor(self, minor: i64) -> Decimal {
        Decimal::new(minor, self.minor_digits())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_alphabetic()) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(MoneyError::BadCurrency(s.to_string())),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An exact amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// The amount, exact.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// An amount in a currency.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Displays as `1,234.56 EUR` in the given locale.
    pub fn display(&self, locale: Locale) -> String {
        format!(
            "{} {}",
            locale.format_amount(self.amount, self.currency.minor_digits()),
            self.currency
        )
    }
}

/// Formats an amount for machine output: `.` as the decimal mark, no
/// grouping, exactly the currency's minor digits (`"1234.50"`).
pub fn plain_amount(amount: Decimal, currency: Currency) -> String {
    let places = currency.minor_digits();
    format!("{:.*}", places as usize, amount.round_dp(places))
}

/// Serialises an optional amount as `"1234.50 EUR"` (JSON and other
/// machine-readable output: a '.' decimal mark, the currency beside it).
pub fn serialize_opt_money<S: serde::Serializer>(
    value: &Option<Money>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(m) => s.serialize_str(&format!(
            "{} {}",
            plain_amount(m.amount, m.currency),
            m.currency
        )),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("test literal")
    }

    #[test]
    fn parses_english_and_european_styles() {
        assert_eq!(Locale::En.parse_amount("1,234.56"), Ok(dec("1234.56")));
        assert_eq!(Locale::En.parse_amount("1234.56"), Ok(dec("1234.56")));
        assert_eq!(Locale::It.parse_amount("1.234,56"), Ok(dec("1234.56")));
        assert_eq!(Locale::Ro.parse_amount("1234,5"), Ok(dec("1234.5")));
        assert_eq!(
            Locale::Fr.parse_amount("1 234 567,89"),
            Ok(dec("1234567.89"))
        );
        assert_eq!(
            Locale::Fr.parse_amount("1\u{202f}234,00"),
            Ok(dec("1234.00"))
        );
        assert_eq!(Locale::En.parse_amount("(12.50)"), Ok(dec("-12.50")));
        assert_eq!(Locale::Es.parse_amount("-0,10"), Ok(dec("-0.10")));
        assert_eq!(Locale::En.parse_amount("1,000,000"), Ok(dec("1000000")));
    }

    #[test]
    fn refuses_the_other_style_instead_of_guessing() {
        for (locale, text) in [
            (Locale::En, "1.234,56"),
            (Locale::En, "1,23.4"),
            (Locale::It, "12.50"),
            (Locale::It, "1,234.56"),
            (Locale::En, ""),
            (Locale::En, "12."),
            (Locale::En, "abc"),
            (Locale::En, "1e5"),
            (Locale::En, "--5"),
            (Locale::En, "1,2345"),
            (Locale::En, "1.9999999999999999999999999999999"),
            (Locale::En, "99999999999999999999999999999"),
        ] {
            assert!(
                locale.parse_amount(text).is_err(),
                "{locale} accepted {text:?}"
            );
        }
    }

    #[test]
    fn formats_with_grouping_and_fixed_decimals() {
        assert_eq!(
            Locale::En.format_amount(dec("1234567.5"), 2),
            "1,234,567.50"
        );
        assert_eq!(Locale::It.format_amount(dec("1234.56"), 2), "1.234,56");
        assert_eq!(Locale::Fr.format_amount(dec("-1234.56"), 2), "-1 234,56");
        assert_eq!(Locale::En.format_amount(dec("999"), 0), "999");
        assert_eq!(Locale::En.format_amount(dec("0.3"), 2), "0.30");
        assert_eq!(Locale::En.format_amount(dec("-0.00"), 2), "0.00");
    }

    #[test]
    fn minor_units_round_trip_and_refuse_extra_precision() {
        let eur = Currency::EUR;
        assert_eq!(eur.to_minor(dec("0.10") + dec("0.20")), Ok(30));
        assert_eq!(eur.from_minor(30), dec("0.30"));
        assert!(eur.to_minor(dec("1.005")).is_err());
        assert!(matches!(
            eur.to_minor(dec("792281625142643375935439504")),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(matches!(
            eur.to_minor(dec("1000000000000.01")),
            Err(MoneyError::TooLarge(_))
        ));
        assert_eq!(eur.to_minor(dec("1000000000000")), Ok(100_000_000_000_000));
        let jpy: Currency = "jpy".parse().expect("valid");
        assert_eq!(jpy.to_minor(dec("1500")), Ok(1500));
        assert!(jpy.to_minor(dec("1500.5")).is_err());
        assert!("EURO".parse::<Currency>().is_err());
        assert!("E1R".parse::<Currency>().is_err());
        assert_eq!(plain_amount(dec("1234.5"), eur), "1234.50");
    }
}
