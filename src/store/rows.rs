//! Reading domain values out of SQLite rows.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Result, StoreError};
use crate::money::{Currency, MoneyError};

/// Reads an ISO date column.
pub(crate) fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("'{text}' is not a YYYY-MM-DD date")))
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
    date.format("%Y-%m-%d").to_string()
}
