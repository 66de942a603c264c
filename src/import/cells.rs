//! A data row's cells read as dun's fields, each refusal naming the line,
//! the column, its header, the value and what was expected.

use std::io::Read;

use chrono::{Datelike, NaiveDate};

use super::RowError;
use super::profile::Field;
use super::read::Record;
use super::source::Source;
use super::values;
use dun_core::money::Currency;

/// The latest date an import takes: a year and a day after its as-of date.
pub fn latest_date(as_of: NaiveDate) -> NaiveDate {
    as_of
        .checked_add_signed(chrono::Duration::days(366))
        .unwrap_or(as_of)
}

/// One row of a file, with its layout and styles.
pub struct Cells<'a, R: Read> {
    record: &'a Record,
    source: &'a Source<R>,
}

impl<'a, R: Read> Cells<'a, R> {
    /// The row's cells; refuses a row with values beyond the header's
    /// columns (a comma inside an unquoted amount, most often).
    pub fn new(record: &'a Record, source: &'a Source<R>) -> Result<Self, RowError> {
        let width = source.layout.headers.len();
        if let Some(extra) = record
            .fields
            .iter()
            .skip(width)
            .position(|f| !f.trim().is_empty())
        {
            return Err(RowError::at(
                record.line,
                width + extra,
                crate::text::sanitize(record.get(width + extra)).into_owned(),
                &format!(
                    "at most {width} values, as in the header (a value with the delimiter in it must be in quotes)"
                ),
            ));
        }
        Ok(Cells { record, source })
    }

    /// The file line of the row.
    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// The trimmed value of a field; `None` when absent or empty.
    pub fn value(&self, field: Field) -> Option<&'a str> {
        self.source.layout.value(self.record, field)
    }

    /// True when the file has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        self.source.layout.has(field)
    }

    /// A refusal of `field`'s cell.
    pub fn bad(&self, field: Field, expected: &str) -> RowError {
        let column = self.source.layout.columns.get(&field).copied().unwrap_or(0);
        let mut e = RowError::at(
            self.record.line,
            column,
            crate::text::sanitize(self.record.get(column)).into_owned(),
            expected,
        );
        e.header = Some(self.source.layout.header(field));
        e
    }

    /// Text with its runs of white space (line breaks included) made one
    /// space; refuses control characters and text longer than
    /// [`crate::text::MAX_SHORT`] characters.
    pub fn text(&self, field: Field, what: &str) -> Result<Option<String>, RowError> {
        let Some(v) = self.value(field) else {
            return Ok(None);
        };
        if crate::text::check_length(what, v, crate::text::MAX_SHORT).is_err() {
            return Err(self.bad(
                field,
                &format!("{what} of at most {} characters", crate::text::MAX_SHORT),
            ));
        }
        // Printable ASCII with single spaces needs neither.
        let plain = v.bytes().all(|b| (0x20..0x7f).contains(&b)) && !v.contains("  ");
        if plain {
            return Ok(Some(v.to_string()));
        }
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        if crate::text::check_field(what, &v).is_err() {
            return Err(self.bad(
                field,
                &format!("{what} as plain text, without control characters"),
            ));
        }
        Ok(Some(v))
    }

    /// The row's currency: its currency column, else `default`.
    pub fn currency(&self, default: Currency) -> Result<Currency, RowError> {
        match self.value(Field::Currency) {
            None => Ok(default),
            Some(c) if values::is_iso_currency(c) => c
                .parse::<Currency>()
                .map_err(|_| self.bad(Field::Currency, "an ISO 4217 currency code such as EUR")),
            Some(_) => Err(self.bad(Field::Currency, "an ISO 4217 currency code such as EUR")),
        }
    }

    /// A date from 1970 on and no later than `latest` (see
    /// [`latest_date`]): a typo'd year is caught, a post-dated invoice is not.
    pub fn date(&self, field: Field, latest: NaiveDate) -> Result<Option<NaiveDate>, RowError> {
        let Some(v) = self.value(field) else {
            return Ok(None);
        };
        let date = self
            .source
            .dates
            .parse(v)
            .ok_or_else(|| self.bad(field, &self.source.dates.expected()))?;
        if date.year() < 1970 || date > latest {
            return Err(self.bad(field, &format!("a date between 1970 and {latest}")));
        }
        Ok(Some(date))
    }

    /// An amount in `currency`, in its minor units: exact in them, and
    /// written with no other currency's sign or code.
    pub fn amount(&self, field: Field, currency: Currency) -> Result<Option<i64>, RowError> {
        let Some(v) = self.value(field) else {
            return Ok(None);
        };
        let example = if self.source.numbers.decimal == ',' {
            "an amount like 1.234,56"
        } else {
            "an amount like 1,234.56"
        };
        let amount =
            values::parse_amount(v, self.source.numbers).ok_or_else(|| self.bad(field, example))?;
        if let Some(named) = values::named_currency(v)
            && named != currency.as_str()
        {
            return Err(self.bad(
                field,
                &format!("an amount in {currency}, the row's currency"),
            ));
        }
        currency
            .to_minor(amount)
            .map(Some)
            .map_err(|e| self.bad(field, &format!("an amount in {currency} ({e})")))
    }
}
