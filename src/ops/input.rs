//! What the bookkeeper types, parsed once for every front end: amounts in
//! the locale's style, currencies, dates, free text, codes and numbers
//! looked up in the ledger. Each error names the field it is about.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Context, CustomerRef, Field, InvoiceRef, OpError, Result};
use crate::store::{Store, StoreError};
use crate::text::{MAX_LONG, MAX_SHORT, check_length, excerpt, unsafe_char};
use dun_core::dunning::ActivityKind;
use dun_core::ledger::{Customer, Invoice};
use dun_core::money::{Currency, Money, MoneyError};

/// An amount typed in the locale's style, in a currency typed beside it
/// (empty: the configured one), checked against the currency's minor units.
pub fn money(ctx: &Context, field: Field, amount: &str, currency: &str) -> Result<Money> {
    let value = ctx
        .locale
        .parse_amount(amount)
        .map_err(|e| OpError::invalid(field, quoted(e)))?;
    let currency = self::currency(ctx, currency)?;
    currency
        .to_minor(value)
        .map_err(|e| OpError::invalid(field, e.to_string()))?;
    Ok(Money::new(value, currency))
}

/// As [`money`], and more than zero.
pub fn positive_money(ctx: &Context, field: Field, amount: &str, currency: &str) -> Result<Money> {
    let money = money(ctx, field, amount, currency)?;
    if money.amount <= Decimal::ZERO {
        return Err(OpError::invalid(
            field,
            format!("'{}' must be positive", excerpt(amount.trim())),
        ));
    }
    Ok(money)
}

/// A currency code; empty means the configured currency.
pub fn currency(ctx: &Context, text: &str) -> Result<Currency> {
    match text.trim() {
        "" => Ok(ctx.currency),
        code => code
            .parse()
            .map_err(|e: MoneyError| OpError::invalid(Field::Currency, quoted(e))),
    }
}

/// A money error's message, quoting only the start of what was typed.
fn quoted(e: MoneyError) -> String {
    match e {
        MoneyError::Malformed { text, expected } => {
            format!("'{}' is not an amount; expected {expected}", excerpt(&text))
        }
        MoneyError::BadCurrency(code) => MoneyError::BadCurrency(excerpt(&code)).to_string(),
        e => e.to_string(),
    }
}

/// A date as the bookkeeper types it: `YYYY-MM-DD`, or a shortcut read
/// against the as-of date (never the clock): `today`, `tomorrow`, `+3` or
/// `3d` (days on), `2w` (weeks on), a weekday (`fri`, `friday`: the next
/// one after the as-of date) or a day of the month (`15`: the next 15th
/// after it). Every front end reads dates through [`parse_date`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateInput {
    /// A date written out.
    On(NaiveDate),
    /// So many days after the as-of date (0 is the as-of date).
    Days(u32),
    /// The next such weekday after the as-of date.
    Weekday(chrono::Weekday),
    /// The next such day of the month after the as-of date.
    DayOfMonth(u32),
}

/// What a date may be typed as, for error messages and help texts.
pub const DATE_FORMS: &str = "YYYY-MM-DD, today, tomorrow, +3, 2w, fri or 15";

impl std::str::FromStr for DateInput {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<DateInput, String> {
        let word = text.trim().to_lowercase();
        let bad = || {
            format!(
                "'{}' is not a date; expected {DATE_FORMS}",
                excerpt(text.trim())
            )
        };
        let count = |digits: &str| {
            digits
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 3660 && digits.bytes().all(|b| b.is_ascii_digit()))
        };
        let days = match word.as_str() {
            "today" => Some(0),
            "tomorrow" => Some(1),
            w if w.starts_with('+') => {
                let w = &w[1..];
                count(w.strip_suffix('d').unwrap_or(w)).or_else(|| {
                    w.strip_suffix('w')
                        .and_then(count)
                        .and_then(|n| n.checked_mul(7))
                })
            }
            w if w.len() > 1 && w.ends_with('d') => count(&w[..w.len() - 1]),
            w if w.len() > 1 && w.ends_with('w') => {
                count(&w[..w.len() - 1]).and_then(|n| n.checked_mul(7))
            }
            _ => None,
        };
        if let Some(days) = days {
            return Ok(DateInput::Days(days));
        }
        if word.len() <= 2 && !word.is_empty() {
            return count(&word)
                .filter(|d| (1..=31).contains(d))
                .map(DateInput::DayOfMonth)
                .ok_or_else(bad);
        }
        if let Some(day) = weekday(&word) {
            return Ok(DateInput::Weekday(day));
        }
        if word.starts_with('+') || word.starts_with('-') {
            return Err(bad());
        }
        exact_date(text)
            .map(DateInput::On)
            .map_err(|e| if e.contains("out of range") { e } else { bad() })
    }
}

impl DateInput {
    /// The date this stands for, read against `as_of`; from 1900 to 2999.
    pub fn on(self, as_of: NaiveDate) -> std::result::Result<NaiveDate, String> {
        use chrono::{Datelike, Days, Months};
        let after = as_of.succ_opt().unwrap_or(as_of);
        let date = match self {
            DateInput::On(date) => Some(date),
            DateInput::Days(n) => as_of.checked_add_days(Days::new(u64::from(n))),
            DateInput::Weekday(day) => {
                let ahead =
                    (7 + day.num_days_from_monday() - after.weekday().num_days_from_monday()) % 7;
                after.checked_add_days(Days::new(u64::from(ahead)))
            }
            DateInput::DayOfMonth(day) => (0..12).find_map(|m| {
                let month = after.with_day(1)?.checked_add_months(Months::new(m))?;
                month.with_day(day).filter(|d| *d >= after)
            }),
        };
        let date = date.ok_or_else(|| "the date is out of range".to_string())?;
        if !(1900..=2999).contains(&date.year()) {
            return Err(format!(
                "{date} is out of range; expected a date from 1900 to 2999"
            ));
        }
        Ok(date)
    }
}

/// A weekday by its English name or its first three letters.
fn weekday(word: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    let names = [
        ("monday", Mon),
        ("tuesday", Tue),
        ("wednesday", Wed),
        ("thursday", Thu),
        ("friday", Fri),
        ("saturday", Sat),
        ("sunday", Sun),
    ];
    names
        .into_iter()
        .find(|(name, _)| word.len() >= 3 && name.starts_with(word))
        .map(|(_, day)| day)
}

/// A date typed as [`DateInput`] shows it, read against the as-of date.
pub fn parse_date(text: &str, as_of: NaiveDate) -> std::result::Result<NaiveDate, String> {
    text.parse::<DateInput>()?.on(as_of)
}

/// A date written out as `YYYY-MM-DD`, from 1900 to 2999: the as-of date
/// itself, which nothing else can be read against.
pub fn exact_date(text: &str) -> std::result::Result<NaiveDate, String> {
    let trimmed = text.trim();
    let plain = trimmed.len() == 10 && trimmed.as_bytes().first().is_some_and(u8::is_ascii_digit);
    let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|_| plain)
        .ok_or_else(|| format!("'{}' is not a date; expected YYYY-MM-DD", excerpt(text)))?;
    if !(1900..=2999).contains(&chrono::Datelike::year(&date)) {
        return Err(format!(
            "'{}' is out of range; expected a date from 1900 to 2999",
            excerpt(text)
        ));
    }
    Ok(date)
}

/// Optional free text, trimmed: empty is none; control characters and
/// text longer than the field takes refused (a note, outcome or reason
/// [`MAX_LONG`] characters, anything else [`MAX_SHORT`]).
pub fn text(field: Field, value: &str) -> Result<Option<String>> {
    let trimmed = value.trim();
    if let Some(why) = unsafe_char(trimmed) {
        return Err(OpError::invalid(field, why));
    }
    let max = match field {
        Field::Note | Field::Outcome | Field::Reason | Field::Resolution => MAX_LONG,
        _ => MAX_SHORT,
    };
    check_length("the text", trimmed, max).map_err(|why| OpError::invalid(field, why))?;
    Ok(Some(trimmed.to_string()).filter(|t| !t.is_empty()))
}

/// A customer's notes, trimmed: empty is none. They may hold line breaks
/// and tabs; other control characters are refused.
pub fn notes(value: &str) -> Result<Option<String>> {
    let trimmed = value.trim();
    if let Some(c) = trimmed
        .chars()
        .find(|c| crate::text::is_unsafe(*c) && !matches!(c, '\n' | '\t'))
    {
        return Err(OpError::invalid(
            Field::Notes,
            format!(
                "contains the control character U+{:04X}; expected plain text",
                u32::from(c)
            ),
        ));
    }
    Ok(Some(trimmed.to_string()).filter(|t| !t.is_empty()))
}

/// Required free text, trimmed and not empty.
pub fn required(field: Field, value: &str) -> Result<String> {
    text(field, value)?.ok_or_else(|| OpError::invalid(field, "must not be empty"))
}

/// A kind of follow-up the bookkeeper can log, by its name.
pub fn kind(text: &str) -> Result<ActivityKind> {
    ActivityKind::LOGGABLE
        .into_iter()
        .find(|k| k.as_str() == text.trim())
        .ok_or_else(|| {
            let kinds: Vec<&str> = ActivityKind::LOGGABLE.iter().map(|k| k.as_str()).collect();
            OpError::invalid(
                Field::Kind,
                format!(
                    "'{}' is not a kind of follow-up; expected one of {}",
                    excerpt(text.trim()),
                    kinds.join(", ")
                ),
            )
        })
}

/// The customer a request names. `field` is the field it was typed in;
/// `None` for the customer a command is about (its first argument).
pub fn customer(store: &Store, field: Option<Field>, customer: &CustomerRef) -> Result<Customer> {
    let found = match customer {
        CustomerRef::Code(code) => store.customer_by_code(code),
        CustomerRef::Id(id) => store.customer_by_id(*id),
    };
    found.map_err(|e| not_found(field, e))
}

/// The invoice (or credit note) a request names.
pub fn invoice(store: &Store, field: Option<Field>, invoice: &InvoiceRef) -> Result<Invoice> {
    let found = match invoice {
        InvoiceRef::Number(number) => store.invoice_by_number(number),
        InvoiceRef::Id(id) => store.invoice_by_id(*id),
    };
    found.map_err(|e| not_found(field, e))
}

/// The invoice a payment names: by number, or the first open instalment of
/// the document of that number.
pub fn payable(store: &Store, field: Option<Field>, invoice: &InvoiceRef) -> Result<Invoice> {
    let found = match invoice {
        InvoiceRef::Number(number) => store.payable_by_number(number),
        InvoiceRef::Id(id) => store.invoice_by_id(*id),
    };
    found.map_err(|e| not_found(field, e))
}

/// A missing customer or invoice is the field's fault; anything else is
/// the ledger's.
fn not_found(field: Option<Field>, e: StoreError) -> OpError {
    match (field, e) {
        (Some(field), e @ StoreError::NotFound { .. }) => OpError::invalid(field, e.to_string()),
        (_, e) => OpError::Store(e),
    }
}

/// `DATE:AMOUNT`, one instalment of a plan.
pub fn instalment(ctx: &Context, text: &str, currency: &str) -> Result<(NaiveDate, Decimal)> {
    let (date, amount) = text.split_once(':').ok_or_else(|| {
        OpError::invalid(
            Field::Instalment,
            format!(
                "'{}' is not DATE:AMOUNT, e.g. 2026-12-15:500",
                excerpt(text.trim())
            ),
        )
    })?;
    let date = parse_date(date, ctx.as_of).map_err(|e| OpError::invalid(Field::Instalment, e))?;
    let money = money(ctx, Field::Instalment, amount, currency)?;
    Ok((date, money.amount))
}
