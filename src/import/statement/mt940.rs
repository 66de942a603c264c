//! SWIFT MT940 (statement) and MT942 (interim report): the `:61:` lines
//! with their `:86:` details, read by the field grammar; the SWIFT envelope
//! (`{1:…}{2:…}{4:` … `-}`), SOH/ETX bytes and banks' header lines are
//! stepped over. Errors name the line.

mod details;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{Balances, BankLine, Statement, amount, currency, iban};
use crate::import::RowError;
use crate::import::customers::CustomerKey;
use dun_core::money::{Currency, plain_amount};

/// One field (`:61:` and its text), with the line it starts on.
struct Field {
    tag: String,
    value: String,
    line: u64,
}

/// Reads an MT940/MT942 file.
pub(super) fn read(bytes: &[u8]) -> Result<Statement, RowError> {
    let decoded = super::text::decode(bytes, None);
    let mut statement = Statement::default();
    let fields = fields(&decoded.text);
    let mut messages = 0;
    let mut start = 0;
    while start < fields.len() {
        let end = fields[start + 1..]
            .iter()
            .position(|f| f.tag == "20")
            .map_or(fields.len(), |p| start + 1 + p);
        if fields[start].tag == "20" {
            message(&fields[start..end], &mut statement)?;
            messages += 1;
        }
        start = end;
    }
    if messages == 0 {
        return Err(RowError::file(
            "expected an MT940 or MT942 statement (a :20: field); found none".into(),
        )
        .fatal());
    }
    if decoded.encoding != "UTF-8" {
        statement
            .warnings
            .push(format!("read as {}", decoded.encoding));
    }
    Ok(statement)
}

/// Splits the text into fields: a line `:TAG:` starts one, other lines
/// continue it; the envelope and lines before the first field are left out.
fn fields(text: &str) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut open = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = (i + 1) as u64;
        let mut l: &str = raw.trim_end_matches(['\r', '\u{3}', '\u{1}']);
        l = l.trim_start_matches('\u{1}');
        if l.starts_with('{') {
            match l.find("{4:") {
                Some(p) => l = &l[p + 3..],
                None => {
                    open = false;
                    continue;
                }
            }
            if l.is_empty() {
                continue;
            }
        }
        if l.starts_with("-}") || l == "-" || l.starts_with("-XXX") {
            open = false;
            continue;
        }
        if let Some((tag, rest)) = tag_of(l) {
            out.push(Field {
                tag: tag.to_string(),
                value: rest.to_string(),
                line,
            });
            open = true;
        } else if open && let Some(last) = out.last_mut() {
            last.value.push('\n');
            last.value.push_str(l);
        }
    }
    out
}

/// `:61:rest` → ("61", "rest").
fn tag_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let b = tag.as_bytes();
    let shaped = (b.len() == 2 || b.len() == 3)
        && b[..2].iter().all(u8::is_ascii_digit)
        && b.get(2).is_none_or(u8::is_ascii_uppercase);
    shaped.then(|| (tag, &rest[end + 1..]))
}

/// A refusal at a line.
fn refuse(line: u64, message: String) -> RowError {
    RowError::at_line(line, message).fatal()
}

/// A balance field (`:60F:`, `:62F:`…): mark, date, currency, amount.
fn balance(field: &Field) -> Result<(Decimal, Currency), RowError> {
    let v = field.value.trim();
    let bad = |what: &str| {
        refuse(
            field.line,
            format!(
                ":{}: expected {what} (as in C230131EUR1234,56), found '{}'",
                field.tag,
                crate::text::excerpt(v)
            ),
        )
    };
    let sign = match v.get(..1) {
        Some("C") => Decimal::ONE,
        Some("D") => Decimal::NEGATIVE_ONE,
        _ => return Err(bad("a balance starting C or D")),
    };
    let code = v.get(7..10).ok_or_else(|| bad("a currency"))?;
    let ccy = currency(code).map_err(|m| refuse(field.line, format!(":{}: {m}", field.tag)))?;
    let value = v
        .get(10..)
        .and_then(amount)
        .ok_or_else(|| bad("an amount"))?;
    Ok((sign * value, ccy))
}

/// One message, `:20:` to the next.
fn message(fields: &[Field], statement: &mut Statement) -> Result<(), RowError> {
    let first = fields.first().map_or(0, |f| f.line);
    let find = |tags: &[&str]| fields.iter().find(|f| tags.contains(&f.tag.as_str()));
    let opening = find(&["60F", "60M"]).map(balance).transpose()?;
    let closing = find(&["62F", "62M"]).map(balance).transpose()?;
    let floor_currency = find(&["34F"])
        .and_then(|f| f.value.get(..3))
        .map(str::to_string);
    let ccy = match (&opening, floor_currency) {
        (Some((_, c)), _) => *c,
        (None, Some(code)) => currency(&code).map_err(|m| refuse(first, format!(":34F: {m}")))?,
        (None, None) => {
            return Err(refuse(
                first,
                "expected a currency: the message has no :60F: opening balance nor :34F:".into(),
            ));
        }
    };
    let account = find(&["25"]).map(|f| {
        let v = f.value.trim();
        iban(v)
            .or_else(|| v.rsplit('/').next().and_then(iban))
            .unwrap_or_else(|| v.to_string())
    });
    let mut booked = Decimal::ZERO;
    for (i, field) in fields.iter().enumerate() {
        if field.tag != "61" {
            continue;
        }
        let details = fields
            .get(i + 1)
            .filter(|f| f.tag == "86")
            .map(|f| details::parse(&f.value));
        let entry = entry(field)?;
        let signed = if entry.credit {
            entry.amount
        } else {
            -entry.amount
        };
        booked += signed;
        if entry.reversal {
            statement.warnings.push(format!(
                "line {}: a reversal ({}) of {} {ccy} is left out: it takes back an earlier \
                 entry, it is not a payment received",
                field.line,
                if entry.credit { "RD" } else { "RC" },
                plain_amount(entry.amount, ccy)
            ));
            continue;
        }
        let details = details.unwrap_or_default();
        statement
            .lines
            .push(line_of(field.line, &entry, details, ccy, account.clone()));
    }
    if let (Some((open, _)), Some((close, _))) = (opening, closing) {
        let label = format!("the statement at line {first}");
        let check = Balances {
            label: &label,
            opening: Some(open),
            closing: Some(close),
            booked,
            currency: Some(ccy),
        };
        if let Some(w) = check.check() {
            statement.warnings.push(w);
        }
    }
    Ok(())
}

/// The bank line of a `:61:` entry and its `:86:` details.
fn line_of(
    line: u64,
    entry: &Entry,
    details: details::Details,
    currency: Currency,
    account: Option<String>,
) -> BankLine {
    BankLine {
        line,
        paid_on: entry.booked_on,
        amount: if entry.credit {
            entry.amount
        } else {
            -entry.amount
        },
        currency,
        reference: details.reference,
        counterparty: details.name.clone(),
        customer: CustomerKey {
            code: None,
            name: details.name,
            either: None,
            email: None,
            since: None,
        },
        invoice: None,
        structured_reference: details.structured,
        payer_iban: details.iban,
        bank_reference: entry
            .bank_reference
            .as_ref()
            .map(|r| format!("{}/{r}", entry.value_date)),
        account,
    }
}

/// A `:61:` line, read.
#[derive(Debug)]
struct Entry {
    value_date: NaiveDate,
    booked_on: NaiveDate,
    credit: bool,
    reversal: bool,
    amount: Decimal,
    bank_reference: Option<String>,
}

/// Reads `:61:` by the spec: value date YYMMDD, optional entry date MMDD,
/// mark (C, D, RC, RD), optional funds code, amount (decimal comma),
/// transaction type (4), reference, optional `//` bank reference.
fn entry(field: &Field) -> Result<Entry, RowError> {
    let main = field.value.split('\n').next().unwrap_or_default().trim();
    let bad = |what: &str, at: &str| {
        refuse(
            field.line,
            format!(
                ":61: expected {what}, found '{}'",
                crate::text::excerpt(if at.is_empty() { main } else { at })
            ),
        )
    };
    let digits =
        |s: &str, n: usize| s.len() >= n && s.as_bytes()[..n].iter().all(u8::is_ascii_digit);
    if !digits(main, 6) {
        return Err(bad("a value date (YYMMDD)", ""));
    }
    let value_date = yymmdd(&main[..6]).ok_or_else(|| bad("a value date (YYMMDD)", ""))?;
    let mut rest = &main[6..];
    let mut booked_on = value_date;
    if digits(rest, 4) {
        booked_on = entry_date(value_date, &rest[..4])
            .ok_or_else(|| bad("an entry date (MMDD)", &rest[..4]))?;
        rest = &rest[4..];
    }
    let (credit, reversal, after) = if let Some(r) = rest.strip_prefix("RC") {
        (false, true, r)
    } else if let Some(r) = rest.strip_prefix("RD") {
        (true, true, r)
    } else if let Some(r) = rest.strip_prefix('C') {
        (true, false, r)
    } else if let Some(r) = rest.strip_prefix('D') {
        (false, false, r)
    } else {
        return Err(bad("a debit/credit mark (C, D, RC or RD)", rest));
    };
    rest = after;
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        rest = &rest[1..];
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    let amount = amount(&rest[..end]).ok_or_else(|| bad("an amount (as in 1234,56)", after))?;
    let tail = &rest[end..];
    let bank_reference = tail
        .split_once("//")
        .map(|(_, b)| b.trim().to_string())
        .filter(|b| !b.is_empty() && !b.eq_ignore_ascii_case("NONREF"));
    Ok(Entry {
        value_date,
        booked_on,
        credit,
        reversal,
        amount,
        bank_reference,
    })
}

/// YYMMDD (years 00–69 are 20xx).
fn yymmdd(s: &str) -> Option<NaiveDate> {
    let yy: i32 = s.get(..2)?.parse().ok()?;
    let mm: u32 = s.get(2..4)?.parse().ok()?;
    let dd: u32 = s.get(4..6)?.parse().ok()?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    NaiveDate::from_ymd_opt(year, mm, dd)
}

/// The entry date MMDD in the year that puts it nearest the value date
/// (a December entry of a January value date is last year's).
fn entry_date(value: NaiveDate, mmdd: &str) -> Option<NaiveDate> {
    let mm: u32 = mmdd.get(..2)?.parse().ok()?;
    let dd: u32 = mmdd.get(2..4)?.parse().ok()?;
    let year = match (value.month(), mm) {
        (1, 12) => value.year() - 1,
        (12, 1) => value.year() + 1,
        _ => value.year(),
    };
    NaiveDate::from_ymd_opt(year, mm, dd)
}

#[cfg(test)]
mod tests {
    use super::{Field, entry};
    use rust_decimal::Decimal;

    fn line(value: &str) -> Field {
        Field {
            tag: "61".into(),
            value: value.into(),
            line: 7,
        }
    }

    #[test]
    fn a_cr_is_a_credit_with_funds_code_r_not_a_reversal() {
        let e = entry(&line(
            "0709040904CR300,NTRFTFNr 40005 MSGID//0724710345313905",
        ))
        .unwrap();
        assert!(e.credit && !e.reversal);
        assert_eq!(e.amount, Decimal::from(300));
        assert_eq!(e.bank_reference.as_deref(), Some("0724710345313905"));
        let r = entry(&line("0709040904RCR204,88NRTINONREF")).unwrap();
        assert!(r.reversal && !r.credit);
        assert_eq!(r.amount, Decimal::new(20488, 2));
    }

    #[test]
    fn the_entry_date_takes_the_year_across_a_year_end() {
        let e = entry(&line("2401021229C10,00NTRFNONREF")).unwrap();
        assert_eq!(e.booked_on.to_string(), "2023-12-29");
        let e = entry(&line("2312310102C10,00NTRFNONREF")).unwrap();
        assert_eq!(e.booked_on.to_string(), "2024-01-02");
    }

    #[test]
    fn a_line_without_an_amount_is_named() {
        let err = entry(&line("240102CNTRFNONREF")).unwrap_err();
        assert_eq!(err.line, 7);
        assert!(err.message.contains("an amount"), "{}", err.message);
    }
}
