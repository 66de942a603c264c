//! What every e-invoice reader produces: one checked document (or the
//! reason it is left out), and the value parsing the readers share.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::xml::Node;
use dun_core::ledger::DocumentKind;
use dun_core::money::Currency;

/// A party of a document: the customer, or the issuer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// Legal name (or name and surname).
    pub name: Option<String>,
    /// VAT id, normalised (see [`normalise_vat`]).
    pub vat_id: Option<String>,
    /// Another tax or legal identifier (an Italian codice fiscale).
    pub tax_code: Option<String>,
    /// Email address, when the document gives one.
    pub email: Option<String>,
}

/// One part of what a document asks to be paid, on its own due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    /// When it falls due; `None` when the document does not say.
    pub due: Option<NaiveDate>,
    /// Minor units, above zero.
    pub amount_minor: i64,
}

/// An invoice or credit note read from an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document's number.
    pub number: String,
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// Who issued it.
    pub issuer: Party,
    /// Who is to pay it.
    pub customer: Party,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Currency of the amounts.
    pub currency: Currency,
    /// What it asks to be paid, in parts: one for most documents, one per
    /// due date for instalment terms. Their sum is the payable amount.
    pub instalments: Vec<Instalment>,
    /// Things worth a look: totals that contradict each other.
    pub warnings: Vec<String>,
    /// Where the document starts in its file, for messages.
    pub path: String,
}

impl Document {
    /// The payable amount, minor units.
    pub fn payable_minor(&self) -> i64 {
        self.instalments
            .iter()
            .fold(0i64, |a, i| a.saturating_add(i.amount_minor))
    }
}

/// What one document of a file comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// A receivable to import.
    Document(Box<Document>),
    /// A document of a kind that is not a receivable, with its number and
    /// the reason.
    LeftOut(String, String),
}

/// Why a file cannot be read: the element's path and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The path of the element at fault.
    pub path: String,
    /// What was expected, with an excerpt of what was found.
    pub message: String,
}

impl Failure {
    /// A value that is not what its element should hold.
    pub fn bad(path: &str, value: &str, expected: &str) -> Failure {
        Failure {
            path: path.to_string(),
            message: format!("'{}': expected {expected}", crate::text::excerpt(value)),
        }
    }

    /// An element that is missing.
    pub fn missing(path: &str, expected: &str) -> Failure {
        Failure {
            path: path.to_string(),
            message: format!("missing; expected {expected}"),
        }
    }
}

/// A required text: present, plain and short.
pub fn text(node: &Node<'_>, names: &[&str], what: &str) -> Result<String, Failure> {
    let path = node.path_of(names);
    let value = node
        .text_at(names)
        .ok_or_else(|| Failure::missing(&path, what))?;
    checked(&path, value, what)
}

/// An optional text, checked when present.
pub fn optional_text(
    node: &Node<'_>,
    names: &[&str],
    what: &str,
) -> Result<Option<String>, Failure> {
    match node.text_at(names) {
        None => Ok(None),
        Some(value) => checked(&node.path_of(names), value, what).map(Some),
    }
}

fn checked(path: &str, value: &str, what: &str) -> Result<String, Failure> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::check_field(what, &value).map_err(|why| Failure {
        path: path.to_string(),
        message: why,
    })?;
    Ok(value)
}

/// A date, `YYYY-MM-DD` or (format 102) `YYYYMMDD`.
pub fn date(path: &str, value: &str) -> Result<NaiveDate, Failure> {
    let value = value.trim();
    let parsed = if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(value, "%Y%m%d")
    } else {
        // A date-time keeps its date.
        NaiveDate::parse_from_str(value.get(..10).unwrap_or(value), "%Y-%m-%d")
    };
    parsed.map_err(|_| Failure::bad(path, value, "a date like 2024-03-31"))
}

/// A required date down a path.
pub fn date_at(node: &Node<'_>, names: &[&str]) -> Result<NaiveDate, Failure> {
    let path = node.path_of(names);
    let value = node
        .text_at(names)
        .ok_or_else(|| Failure::missing(&path, "a date like 2024-03-31"))?;
    date(&path, value)
}

/// A currency code.
pub fn currency(path: &str, value: &str) -> Result<Currency, Failure> {
    if !crate::import::values::is_iso_currency(value.trim()) {
        return Err(Failure::bad(path, value, "a currency code like EUR"));
    }
    Currency::from_str(value).map_err(|_| Failure::bad(path, value, "a currency code like EUR"))
}

/// An amount written with a '.' (XML's decimal), in minor units of the
/// currency; more decimals than the currency has are rounded half away
/// from zero.
pub fn amount(path: &str, value: &str, currency: Currency) -> Result<i64, Failure> {
    let expected = "an amount like 1234.56";
    let parsed =
        Decimal::from_str(value.trim()).map_err(|_| Failure::bad(path, value, expected))?;
    let rounded = parsed.round_dp_with_strategy(
        currency.minor_digits(),
        RoundingStrategy::MidpointAwayFromZero,
    );
    currency
        .to_minor(rounded)
        .map_err(|_| Failure::bad(path, value, "an amount dun can hold"))
}

/// An optional amount down a path.
pub fn amount_at(
    node: &Node<'_>,
    names: &[&str],
    currency: Currency,
) -> Result<Option<i64>, Failure> {
    match node.text_at(names) {
        None => Ok(None),
        Some(v) => amount(&node.path_of(names), v, currency).map(Some),
    }
}

/// A VAT id as compared: capitals and digits only, without the spaces,
/// dots and dashes people write in it.
pub fn normalise_vat(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether two VAT ids name the same registration: equal once
/// normalised, the two-letter country prefix optional on either side
/// (Greece writes EL where ISO says GR).
pub fn same_vat(a: &str, b: &str) -> bool {
    let (a, b) = (normalise_vat(a), normalise_vat(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let bare = |s: &str| -> String {
        let prefix = s.get(..2).unwrap_or("");
        if prefix.len() == 2 && prefix.chars().all(|c| c.is_ascii_alphabetic()) {
            s[2..].to_string()
        } else {
            s.to_string()
        }
    };
    a == b || bare(&a) == bare(&b)
}

/// The words of a credit note's or invoice's kind, for messages.
pub fn money(currency: Currency, minor: i64) -> String {
    format!("{} {currency}", currency.from_minor(minor))
}

/// The days of net payment terms written as text ("30 jours net", "Net 30",
/// "Zahlbar innerhalb 30 Tagen netto …, 3% Skonto innerhalb 10 Tagen"), in
/// the languages dun knows and German and Dutch. `None` when the text names
/// no such number, more than one without saying which is net, or counts
/// from the end of a month: a due date is better left to the customer's
/// terms than guessed.
pub fn net_days(text: &str) -> Option<u32> {
    let folded = crate::import::layout::fold(text);
    if [
        "end of month",
        "fine mese",
        "fin de mois",
        "fin de mes",
        "sfarsitul lunii",
        "monatsende",
    ]
    .iter()
    .any(|m| folded.contains(m))
    {
        return None;
    }
    const DAYS: &[&str] = &[
        "day", "days", "jour", "jours", "giorni", "giorno", "gg", "dias", "dia", "zile", "zi",
        "tag", "tage", "tagen", "dagen", "dag",
    ];
    const NET: &[&str] = &["net", "netto", "nette", "neto", "netti", "n"];
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut found: Vec<(u32, bool)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        // "n30", "net30"
        let glued = NET
            .iter()
            .find_map(|n| word.strip_prefix(n).filter(|d| !d.is_empty()));
        let (digits, glued) = match glued {
            Some(d) if d.bytes().all(|b| b.is_ascii_digit()) => (d, true),
            _ => (*word, false),
        };
        let Ok(n) = digits.parse::<u32>() else {
            continue;
        };
        let before = i.checked_sub(1).map(|j| words[j]);
        let after = words.get(i + 1).copied();
        let is_days = glued || after.is_some_and(|w| DAYS.contains(&w));
        let net_near = glued
            || before.is_some_and(|w| NET.contains(&w))
            || words
                .get(i + 2)
                .is_some_and(|w| NET.contains(w) && after.is_some_and(|a| DAYS.contains(&a)));
        let net_first = before.is_some_and(|w| NET.contains(&w));
        if (is_days || net_first) && (1..=366).contains(&n) {
            found.push((n, net_near));
        }
    }
    let net: Vec<u32> = found
        .iter()
        .filter(|(_, net)| *net)
        .map(|(n, _)| *n)
        .collect();
    match (net.as_slice(), found.as_slice()) {
        ([one], _) => Some(*one),
        ([], [(one, _)]) => Some(*one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_ids_compare_without_prefix_spaces_or_dots() {
        assert!(same_vat("FR 05 987 654 321", "05987654321"));
        assert!(same_vat("it01234567890", "IT 012.345.678.90"));
        assert!(!same_vat("IT01234567890", "IT01234567891"));
        assert!(!same_vat("", ""));
    }

    #[test]
    fn dates_in_both_formats() {
        let d = NaiveDate::from_ymd_opt(2013, 3, 5);
        assert_eq!(date("x", "20130305").ok(), d);
        assert_eq!(date("x", "2013-03-05").ok(), d);
        assert_eq!(date("x", "2013-03-05T10:00:00").ok(), d);
        assert!(date("x", "05/03/2013").is_err());
    }

    #[test]
    fn amounts_round_to_the_currency() {
        let eur = Currency::from_str("EUR").unwrap_or_else(|_| unreachable!());
        assert_eq!(amount("x", "36.08", eur).ok(), Some(3608));
        assert_eq!(amount("x", "1.005", eur).ok(), Some(101));
        assert_eq!(amount("x", "-5", eur).ok(), Some(-500));
        assert!(amount("x", "1,5", eur).is_err());
    }

    #[test]
    fn net_days_are_read_from_the_terms_as_written() {
        // The public samples' own wording.
        assert_eq!(net_days("30 jours net"), Some(30));
        assert_eq!(net_days("PAIEMENT 30 JOURS NET"), Some(30));
        assert_eq!(
            net_days(
                "Zahlbar innerhalb 30 Tagen netto bis 04.04.2013, 3% Skonto innerhalb 10 Tagen bis 15.03.2013"
            ),
            Some(30)
        );
        assert_eq!(net_days("Net 45"), Some(45));
        assert_eq!(net_days("NET30"), Some(30));
        assert_eq!(net_days("Pagamento a 60 giorni data fattura"), Some(60));
        assert_eq!(net_days("Plata in 15 zile"), Some(15));
        assert_eq!(net_days("Pago a 90 días"), Some(90));
        // Not guessed: end of month, two counts with none net, no count.
        assert_eq!(net_days("30 jours fin de mois"), None);
        assert_eq!(net_days("2% 10 days, 30 days"), None);
        assert_eq!(net_days("Payable on receipt"), None);
        assert_eq!(net_days("Invoice 2026 of 12 March"), None);
    }
}
