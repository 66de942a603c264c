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

/// A date typed as `YYYY-MM-DD`, from 1900 to 2999.
pub fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
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
    let date = parse_date(date).map_err(|e| OpError::invalid(Field::Instalment, e))?;
    let money = money(ctx, Field::Instalment, amount, currency)?;
    Ok((date, money.amount))
}
