//! Reading domain values out of SQLite rows.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Result, StoreError};
use dun_core::money::{Currency, MoneyError};

/// Reads an ISO `YYYY-MM-DD` date column. Hand-parsed: the ledger stores
/// millions of dates and this is on every read path.
pub(crate) fn date(text: &str) -> Result<NaiveDate> {
    date_bytes(text.as_bytes())
}

/// As [`date`], from the column's bytes as SQLite holds them: a report
/// reading a million dates need not check each one is UTF-8 first (a
/// date is ASCII digits and dashes or it is refused).
pub(crate) fn date_bytes(b: &[u8]) -> Result<NaiveDate> {
    let corrupt = || {
        let shown: String = String::from_utf8_lossy(b).chars().take(32).collect();
        StoreError::Corrupt(format!("'{shown}' is not a YYYY-MM-DD date"))
    };
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
    IsoDate::from(date).as_str().to_string()
}

/// A date as stored, without an allocation: for binding in bulk writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IsoDate([u8; 10]);

impl From<NaiveDate> for IsoDate {
    fn from(date: NaiveDate) -> Self {
        use chrono::Datelike;
        let mut b = *b"0000-00-00";
        let year = u32::try_from(date.year()).unwrap_or(0).min(9999);
        for (i, v) in [
            (0, year / 1000),
            (1, year / 100 % 10),
            (2, year / 10 % 10),
            (3, year % 10),
        ] {
            b[i] = b'0' + u8::try_from(v).unwrap_or(0);
        }
        for (at, v) in [(5, date.month()), (8, date.day())] {
            b[at] = b'0' + u8::try_from(v / 10).unwrap_or(0);
            b[at + 1] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        }
        IsoDate(b)
    }
}

impl IsoDate {
    /// The date as text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("0000-00-00")
    }
}

impl rusqlite::ToSql for IsoDate {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_text_is_corrupt() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28).expect("valid");
        assert_eq!(iso(d), "2026-02-28");
        for (y, m, day) in [(1, 1, 1), (999, 12, 31), (9999, 10, 9), (1970, 1, 10)] {
            let d = NaiveDate::from_ymd_opt(y, m, day).expect("valid");
            assert_eq!(iso(d), format!("{y:04}-{m:02}-{day:02}"));
            assert_eq!(date(&iso(d)).expect("valid"), d);
        }
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
