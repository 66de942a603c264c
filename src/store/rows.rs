//! Reading domain values out of SQLite rows.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Result, StoreError};
use crate::money::{Currency, MoneyError};

/// Reads an ISO `YYYY-MM-DD` date column. Hand-parsed: the ledger stores
/// millions of dates and this is on every read path.
pub(crate) fn date(text: &str) -> Result<NaiveDate> {
    let corrupt = || StoreError::Corrupt(format!("'{text}' is not a YYYY-MM-DD date"));
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(corrupt());
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(corrupt());
    };
    i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, month, day))
        .ok_or_else(corrupt)
}

/// Reads an optional ISO date column.
pub(crate) fn opt_date(text: Option<String>) -> Result<Option<NaiveDate>> {
    text.as_deref().map(date).transpose()
}

/// Reads a currency column.
pub(crate) fn currency(text: &str) -> Result<Currency> {
    text.parse()
        .map_err(|e: MoneyError| StoreError::Corrupt(e.to_string()))
}

/// Minor units to an exact amount.
pub(crate) fn amount(minor: i64, currency: Currency) -> Decimal {
    currency.from_minor(minor)
}

/// An exact amount to minor units, refusing amounts the currency cannot hold.
pub(crate) fn minor(amount: Decimal, currency: Currency) -> Result<i64> {
    currency
        .to_minor(amount)
        .map_err(|e| StoreError::Refused(e.to_string()))
}

/// A date as stored.
pub(crate) fn iso(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_text_is_corrupt() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).expect("valid");
        assert_eq!(iso(d), "2026-02-28");
        assert_eq!(date("2026-02-28").expect("valid"), d);
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "20260228",
            "2026-02-2x",
            "+2026-02-2",
            "",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }
}
