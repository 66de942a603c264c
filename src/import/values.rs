//! Amounts and dates as exports write them, and what a column's values say
//! about the style they were written in.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// ISO 4217 codes of currencies in use (funds, metals and test codes left
/// out), sorted: an export's currency column is checked against them.
const ISO_4217: [&str; 161] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP",
    "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF",
    "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
    "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK",
    "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
    "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR",
    "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR",
    "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC",
    "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
    "USD", "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF",
    "YER", "ZAR", "ZMW", "ZWG", "ZWL",
];

/// True for a currency code in use.
pub fn is_iso_currency(code: &str) -> bool {
    let [a, b, c] = code.as_bytes() else {
        return false;
    };
    let upper = [a, b, c].map(u8::to_ascii_uppercase);
    std::str::from_utf8(&upper).is_ok_and(|u| ISO_4217.binary_search(&u).is_ok())
}

/// Characters that group digits in one style or another.
const GROUPERS: [char; 5] = [',', '.', ' ', '\u{a0}', '\u{202f}'];

/// Currency signs stripped from amounts.
const SIGNS: [char; 12] = ['$', '€', '£', '¥', '₹', '₽', '₺', '₩', '₪', '₫', '₴', '₦'];

/// The order of day and month in a numeric date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMonth {
    /// 31/12/2026.
    DayFirst,
    /// 12/31/2026.
    MonthFirst,
}

/// How dates are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateStyle {
    /// A chrono format; a time after the date is ignored.
    Format(String),
    /// ISO dates always; numeric day/month dates in this order.
    Numeric(Option<DayMonth>),
}

impl DateStyle {
    /// What a date should look like, for error messages.
    pub fn expected(&self) -> String {
        match self {
            DateStyle::Format(f) => format!("a date in the form {f}"),
            DateStyle::Numeric(Some(DayMonth::DayFirst)) => {
                "a date like 31/12/2026 (day first, as the rest of the file) or 2026-12-31".into()
            }
            DateStyle::Numeric(Some(DayMonth::MonthFirst)) => {
                "a date like 12/31/2026 (month first, as the rest of the file) or 2026-12-31".into()
            }
            DateStyle::Numeric(None) => "a date like 2026-12-31".into(),
        }
    }

    /// Parses a date; `None` when it is not one in this style.
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        let text = text.trim();
        match self {
            DateStyle::Format(format) => {
                let (date, rest) = NaiveDate::parse_and_remainder(text, format).ok()?;
                time_after(rest).then_some(date)
            }
            DateStyle::Numeric(order) => {
                let cut = text.find([' ', 'T']).unwrap_or(text.len());
                if !time_after(&text[cut..]) {
                    return None;
                }
                let parts = numeric_date(text)?;
                match parts {
                    Parts::Iso(y, m, d) => NaiveDate::from_ymd_opt(y, m, d),
                    Parts::Short(a, b, y) => {
                        let (d, m) = match order {
                            Some(DayMonth::DayFirst) => (a, b),
                            Some(DayMonth::MonthFirst) => (b, a),
                            // Unknown order: only a date that reads the same both ways.
                            None if a == b || a > 12 || b > 12 => {
                                if a > 12 {
                                    (a, b)
                                } else {
                                    (b, a)
                                }
                            }
                            None => return None,
                        };
                        NaiveDate::from_ymd_opt(y, m, d)
                    }
                }
            }
        }
    }
}

/// True when what follows a date is nothing, or a time of day that
/// exists: ` 10:00`, `T10:00:00.5`, `T23:59:59Z`, ` 10:00 +01:00`. A date
/// followed by `25:00` or anything else is not a date.
fn time_after(rest: &str) -> bool {
    let Some(time) = rest.strip_prefix([' ', 'T']) else {
        return rest.is_empty();
    };
    let time = time.trim_start();
    let (clock, zone) = match time.find(['Z', 'z', 'U', 'G', '+', '-', ' ']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let zone = zone.trim_start();
    let zone_ok = zone.is_empty()
        || ["z", "utc", "gmt"]
            .iter()
            .any(|z| zone.eq_ignore_ascii_case(z))
        || zone.strip_prefix(['+', '-']).is_some_and(|z| {
            let z = z.replace(':', "");
            (z.len() == 2 || z.len() == 4)
                && z.bytes().all(|b| b.is_ascii_digit())
                && z[..2].parse::<u32>().is_ok_and(|h| h <= 14)
                && z.get(2..).is_none_or(|m| m.is_empty() || m < "60")
        });
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let clock_ok = match parts.as_slice() {
        [h, m] => number(h, 23) && number(m, 59),
        [h, m, sec] => number(h, 23) && number(m, 59) && number(sec, 60),
        _ => false,
    };
    clock_ok && fraction.bytes().all(|b| b.is_ascii_digit()) && zone_ok
}

enum Parts {
    Iso(i32, u32, u32),
    /// Two day/month numbers and a year.
    Short(u32, u32, i32),
}

/// Splits `2026-12-31`, `31/12/2026`, `12.31.26` and the like; a time
/// after the date (`2026-12-31 10:00`, `2026-12-31T10:00Z`) is ignored.
fn numeric_date(text: &str) -> Option<Parts> {
    let date = text.split([' ', 'T']).next()?;
    let mut parts = date.split(['-', '/', '.']);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(a) && digits(b) && digits(c)) {
        return None;
    }
    let n = |s: &str| s.parse::<u32>().ok();
    if a.len() == 4 {
        return Some(Parts::Iso(i32::try_from(n(a)?).ok()?, n(b)?, n(c)?));
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year = match c.len() {
        4 => i32::try_from(n(c)?).ok()?,
        2 => 2000 + i32::try_from(n(c)?).ok()?,
        _ => return None,
    };
    Some(Parts::Short(n(a)?, n(b)?, year))
}

/// What one date says about the order of day and month.
pub fn date_evidence(text: &str) -> Option<DayMonth> {
    match numeric_date(text.trim())? {
        Parts::Short(a, b, _) if a > 12 && b <= 12 => Some(DayMonth::DayFirst),
        Parts::Short(a, b, _) if b > 12 && a <= 12 => Some(DayMonth::MonthFirst),
        _ => None,
    }
}

/// True when a date's day and month could be read either way and would
/// differ.
pub fn date_is_ambiguous(text: &str) -> bool {
    matches!(numeric_date(text.trim()), Some(Parts::Short(a, b, _)) if a != b && a <= 12 && b <= 12)
}

/// How amounts are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    /// The decimal mark, `.` or `,`.
    pub decimal: char,
    /// The one digit-group separator allowed; `None` allows any of the
    /// usual ones other than the decimal mark.
    pub thousands: Option<char>,
}

/// What one amount says about the decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkEvidence {
    /// The mark is this character.
    Decimal(char),
    /// `1.234` or `1,234`: a mark or a group separator.
    Ambiguous,
    /// Nothing either way (`1234`).
    None,
}

/// Reads what an amount's punctuation says about its decimal mark.
pub fn mark_evidence(text: &str) -> MarkEvidence {
    let Some((_, body, _)) = strip(text) else {
        return MarkEvidence::None;
    };
    let last_dot = body.rfind('.');
    let last_comma = body.rfind(',');
    match (last_dot, last_comma) {
        (Some(d), Some(c)) => MarkEvidence::Decimal(if d > c { '.' } else { ',' }),
        (Some(i), None) | (None, Some(i)) => {
            let mark = if last_dot.is_some() { '.' } else { ',' };
            let other = if mark == '.' { ',' } else { '.' };
            if body.matches(mark).count() > 1 {
                return MarkEvidence::Decimal(other);
            }
            let after = body[i + 1..].len();
            if after == 3 && body[..i].trim_start_matches('0').len() <= 3 && !body[..i].is_empty() {
                if body[..i].bytes().all(|b| b == b'0') {
                    MarkEvidence::Decimal(mark)
                } else {
                    MarkEvidence::Ambiguous
                }
            } else {
                MarkEvidence::Decimal(mark)
            }
        }
        (None, None) => MarkEvidence::None,
    }
}

/// Removes a currency sign or code and the sign, returning (negative, the
/// digits with their punctuation, the sign or code found). `None` when
/// nothing numeric is left or the value has more than one sign.
fn strip(text: &str) -> Option<(bool, &str, Option<&str>)> {
    let mut s = text.trim();
    // Most amounts are digits with punctuation only between them.
    if s.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && s.as_bytes().last().is_some_and(u8::is_ascii_digit)
    {
        return Some((false, s, None));
    }
    let mut signs = 0;
    let mut negative = false;
    let mut marker = None;
    // Currency signs and codes found: one of each at most.
    let (mut symbols, mut codes) = (0, 0);
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        signs += 1;
        s = inner.trim();
    }
    for _ in 0..4 {
        let before = s;
        if let Some(c) = s.chars().next().filter(|c| SIGNS.contains(c)) {
            marker = Some(&s[..c.len_utf8()]);
            s = s[c.len_utf8()..].trim_start();
            symbols += 1;
        }
        if let Some(c) = s.chars().next_back().filter(|c| SIGNS.contains(c)) {
            marker = Some(&s[s.len() - c.len_utf8()..]);
            s = s[..s.len() - c.len_utf8()].trim_end();
            symbols += 1;
        }
        for minus in ['-', '\u{2212}'] {
            if let Some(rest) = s.strip_prefix(minus).or_else(|| s.strip_suffix(minus)) {
                negative = true;
                signs += 1;
                s = rest.trim();
            }
        }
        if let Some(rest) = s.strip_prefix('+') {
            signs += 1;
            s = rest.trim();
        }
        let (rest, code) = strip_code(s);
        if code.is_some() {
            marker = code;
            codes += 1;
        }
        s = rest;
        if s == before {
            break;
        }
    }
    if signs > 1
        || symbols > 1
        || codes > 1
        || s.is_empty()
        || !s
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    Some((negative, s, marker))
}

/// The currency an amount's sign or code names, when it names one for
/// certain (`€`, `£`, `EUR`, `lei`…; not `$`, which many currencies use).
pub fn named_currency(text: &str) -> Option<String> {
    let (_, _, marker) = strip(text)?;
    let marker = marker?;
    match marker {
        "€" => Some("EUR".into()),
        "£" => Some("GBP".into()),
        m if m.eq_ignore_ascii_case("lei") => Some("RON".into()),
        m if m.len() == 3 && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(m.to_ascii_uppercase())
        }
        _ => None,
    }
}

/// Strips a leading or trailing currency code such as `EUR`, `lei` or
/// `kr`, returning what is left and the code.
fn strip_code(s: &str) -> (&str, Option<&str>) {
    let letters =
        |t: &str| (2..=3).contains(&t.chars().count()) && t.chars().all(char::is_alphabetic);
    if let Some((head, rest)) = s.split_once(' ')
        && letters(head)
    {
        return (rest.trim(), Some(head));
    }
    if let Some((rest, tail)) = s.rsplit_once(' ')
        && letters(tail)
    {
        return (rest.trim(), Some(tail));
    }
    let alpha_end = s.len() - s.trim_end_matches(char::is_alphabetic).len();
    if (2..=3).contains(&alpha_end) {
        return (
            s[..s.len() - alpha_end].trim(),
            Some(&s[s.len() - alpha_end..]),
        );
    }
    (s, None)
}

/// Parses an amount in `style`. Accepts currency signs and codes, a
/// leading or trailing minus, parentheses for negatives, and digit groups
/// of three; refuses anything else.
pub fn parse_amount(text: &str, style: NumberStyle) -> Option<Decimal> {
    let (negative, body, _) = strip(text)?;
    let (int_part, frac) = match body.rfind(style.decimal) {
        Some(i) => (&body[..i], Some(&body[i + style.decimal.len_utf8()..])),
        None => (body, None),
    };
    let mut canonical = String::with_capacity(body.len() + 1);
    if int_part.is_empty() {
        canonical.push('0');
    } else if int_part.bytes().all(|b| b.is_ascii_digit()) {
        canonical.push_str(int_part);
    } else {
        let separator = int_part.chars().find(|c| !c.is_ascii_digit())?;
        let allowed = match style.thousands {
            Some(t) => separator == t || (t == ' ' && GROUPERS[2..].contains(&separator)),
            None => GROUPERS.contains(&separator) && separator != style.decimal,
        };
        if !allowed {
            return None;
        }
        let groups: Vec<&str> = int_part.split(separator).collect();
        let first = groups.first()?;
        if first.is_empty()
            || first.len() > 3
            || groups[1..].iter().any(|g| g.len() != 3)
            || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        for g in groups {
            canonical.push_str(g);
        }
    }
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        canonical.push('.');
        canonical.push_str(frac);
    }
    if canonical.len() > 28 {
        return None;
    }
    let value = Decimal::from_str(&canonical).ok()?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot() -> NumberStyle {
        NumberStyle {
            decimal: '.',
            thousands: None,
        }
    }
    fn comma() -> NumberStyle {
        NumberStyle {
            decimal: ',',
            thousands: None,
        }
    }
    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap_or_default()
    }

    #[test]
    fn reads_amounts_as_exports_write_them() {
        for (text, style, want) in [
            ("1234.56", dot(), "1234.56"),
            ("\"1,234.56\"", dot(), "-1"),
            ("1,234.56", dot(), "1234.56"),
            ("$1,234.56", dot(), "1234.56"),
            ("-$1,234.56", dot(), "-1234.56"),
            ("$-12.00", dot(), "-12.00"),
            ("(1,234.56)", dot(), "-1234.56"),
            ("1.234,56 €", comma(), "1234.56"),
            ("1 234,56", comma(), "1234.56"),
            ("1\u{a0}234,56", comma(), "1234.56"),
            ("EUR 99,90", comma(), "99.90"),
            ("99,90 lei", comma(), "99.90"),
            ("12.50-", dot(), "-12.50"),
            ("\u{2212}5", dot(), "-5"),
            (",50", comma(), "0.50"),
            ("1,234,567", dot(), "1234567"),
        ] {
            let got = parse_amount(text, style);
            if want == "-1" {
                assert_eq!(got, None, "{text}");
            } else {
                assert_eq!(got, Some(d(want)), "{text}");
            }
        }
        for bad in [
            "",
            "abc",
            "1,23.4",
            "12,34,5",
            "1.2.3",
            "12..5",
            "1 2",
            "--",
            "$",
            "1e5",
            "$$5",
            "€5€",
            "EUR 5 EUR",
            "5 € €",
        ] {
            assert_eq!(parse_amount(bad, dot()), None, "{bad}");
        }
        assert_eq!(parse_amount("1.234", comma()), Some(d("1234")));
        assert_eq!(parse_amount("1.234", dot()), Some(d("1.234")));
    }

    #[test]
    fn currency_codes_are_the_ones_in_use() {
        assert!(
            ISO_4217.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
        assert!(is_iso_currency("EUR") && is_iso_currency("usd") && is_iso_currency("RON"));
        assert!(!is_iso_currency("XYZ") && !is_iso_currency("EURO") && !is_iso_currency("XXX"));
    }

    #[test]
    fn names_the_currency_only_when_certain() {
        assert_eq!(named_currency("USD 100.00").as_deref(), Some("USD"));
        assert_eq!(named_currency("1.234,56 €").as_deref(), Some("EUR"));
        assert_eq!(named_currency("99,90 lei").as_deref(), Some("RON"));
        assert_eq!(named_currency("$12.00"), None);
        assert_eq!(named_currency("12.00"), None);
    }

    #[test]
    fn tells_the_decimal_mark_only_when_the_value_does() {
        assert_eq!(mark_evidence("1.234,56"), MarkEvidence::Decimal(','));
        assert_eq!(mark_evidence("1,234.56"), MarkEvidence::Decimal('.'));
        assert_eq!(mark_evidence("12,5"), MarkEvidence::Decimal(','));
        assert_eq!(mark_evidence("1.234.567"), MarkEvidence::Decimal(','));
        assert_eq!(mark_evidence("1.234"), MarkEvidence::Ambiguous);
        assert_eq!(mark_evidence("0,125"), MarkEvidence::Decimal(','));
        assert_eq!(mark_evidence("1234"), MarkEvidence::None);
        assert_eq!(mark_evidence("1234.500"), MarkEvidence::Decimal('.'));
    }

    #[test]
    fn reads_dates_in_every_order_it_is_told() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let dmy = DateStyle::Numeric(Some(DayMonth::DayFirst));
        let mdy = DateStyle::Numeric(Some(DayMonth::MonthFirst));
        assert_eq!(dmy.parse("03/04/2026"), ymd(2026, 4, 3));
        assert_eq!(mdy.parse("03/04/2026"), ymd(2026, 3, 4));
        assert_eq!(dmy.parse("03.04.26"), ymd(2026, 4, 3));
        assert_eq!(mdy.parse("2026-03-04 10:00:00"), ymd(2026, 3, 4));
        assert_eq!(mdy.parse("2026-03-04T10:00:00.250Z"), ymd(2026, 3, 4));
        assert_eq!(dmy.parse("03/04/2026 23:59 +01:00"), ymd(2026, 4, 3));
        for bad in [
            "2026-03-04 25:00",
            "2026-03-04T10:60",
            "2026-03-04 10",
            "2026-03-04 noon",
            "2026-03-04 10:00 +25:00",
        ] {
            assert_eq!(mdy.parse(bad), None, "{bad}");
        }
        let f = DateStyle::Format("%d/%m/%Y".into());
        assert_eq!(f.parse("01/02/2026 24:00"), None);
        assert_eq!(DateStyle::Numeric(None).parse("03/04/2026"), None);
        assert_eq!(
            DateStyle::Numeric(None).parse("13/04/2026"),
            ymd(2026, 4, 13)
        );
        assert_eq!(dmy.parse("31/02/2026"), None);
        assert_eq!(f.parse("01/02/2026"), ymd(2026, 2, 1));
        assert_eq!(f.parse("2026-02-01"), None);
        assert_eq!(date_evidence("13/04/2026"), Some(DayMonth::DayFirst));
        assert_eq!(date_evidence("04/13/2026"), Some(DayMonth::MonthFirst));
        assert!(date_is_ambiguous("04/03/2026"));
        assert!(!date_is_ambiguous("2026-04-03"));
    }
}
