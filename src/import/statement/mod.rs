//! Bank statements: every reader turns its file into [`BankLine`]s, the
//! one shape the matching reads. A file is recognised by its content
//! ([`detect`]): camt (ISO 20022 XML), MT940/MT942, OFX, else a bank's CSV
//! export, which the profile machinery reads (`import/payments.rs`).

mod camt;
mod mt940;
mod ofx;
mod text;
mod xml;

pub(crate) use text::Utf16;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customers::CustomerKey;
use super::{ImportError, RowError};
use dun_core::money::Currency;

/// One line of a bank statement, checked.
#[derive(Debug, Clone)]
pub(crate) struct BankLine {
    /// Where the line sits in its file: the line it starts on.
    pub(crate) line: u64,
    /// The day the bank booked it.
    pub(crate) paid_on: NaiveDate,
    /// Received (positive) or paid out (negative or zero).
    pub(crate) amount: Decimal,
    /// Its currency.
    pub(crate) currency: Currency,
    /// The reference or remittance text the payer gave.
    pub(crate) reference: Option<String>,
    /// The payer's name, as the bank writes it.
    pub(crate) counterparty: Option<String>,
    /// Who the line names as the customer (a code, a name).
    pub(crate) customer: CustomerKey,
    /// An invoice number the file gives in a column of its own.
    pub(crate) invoice: Option<String>,
    /// A structured creditor reference (ISO 11649 `RF…`, or a national
    /// one), as the statement gives it apart from the free text.
    pub(crate) structured_reference: Option<String>,
    /// The payer's IBAN (or account number), when the bank gives it.
    pub(crate) payer_iban: Option<String>,
    /// The bank's own identity for the line (camt `AcctSvcrRef`/`NtryRef`,
    /// MT940 bank reference, OFX `FITID`), which a later statement
    /// repeating the line repeats.
    pub(crate) bank_reference: Option<String>,
    /// The account the statement is for (our IBAN), when it says.
    pub(crate) account: Option<String>,
}

/// What a statement reader found: the lines, and what is worth a look
/// without being wrong (balances that do not add up, reversals left out).
#[derive(Debug, Default)]
pub(crate) struct Statement {
    /// Every line the statement books, money in and out, in file order.
    pub(crate) lines: Vec<BankLine>,
    /// Notes for the report.
    pub(crate) warnings: Vec<String>,
}

/// Why reading a statement line by line stopped: the file is bad, or the
/// line's taker failed.
#[derive(Debug)]
pub(crate) enum Halt {
    /// The statement is malformed: refused whole.
    Bad(RowError),
    /// Taking a line failed (the ledger).
    Taker(ImportError),
}

impl From<RowError> for Halt {
    fn from(e: RowError) -> Halt {
        Halt::Bad(e)
    }
}

/// Where a streamed statement's lines go, and its notes.
pub(crate) struct Lines<'a> {
    /// Takes each line the statement books, money in and out, in file
    /// order; it may refuse the statement (`Halt::Bad`).
    pub(crate) take: &'a mut dyn FnMut(BankLine) -> Result<(), Halt>,
    /// Notes for the report.
    pub(crate) warnings: Vec<String>,
}

impl Lines<'_> {
    fn line(&mut self, line: BankLine) -> Result<(), Halt> {
        (self.take)(line)
    }
}

/// Reads a camt document from `input` an entry at a time, handing each
/// line on as it is read, so memory follows the entry, not the file;
/// returns the file's SHA-256.
pub(crate) fn camt<R: std::io::BufRead>(input: R, lines: &mut Lines<'_>) -> Result<String, Halt> {
    camt::read(input, lines)
}

/// The formats a bank file comes in, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// ISO 20022 camt.052/053/054 (XML).
    Camt,
    /// SWIFT MT940 or MT942.
    Mt940,
    /// OFX 1.x (SGML), 2.x (XML) or QFX.
    Ofx,
    /// Anything else: a bank's CSV export.
    Csv,
}

impl Format {
    /// The format's name, for the report.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Camt => "camt (ISO 20022)",
            Format::Mt940 => "MT940/MT942",
            Format::Ofx => "OFX",
            Format::Csv => "CSV",
        }
    }
}

/// Bytes looked at to recognise a file.
pub(crate) const HEAD_BYTES: usize = 8192;

/// Recognises a file by its first bytes. A file in UTF-16 is a CSV (no
/// bank writes the structured formats so).
pub(crate) fn detect(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Format::Csv;
    }
    let text = String::from_utf8_lossy(head);
    let upper = text.to_ascii_uppercase();
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{1}');
    if upper.contains("OFXHEADER") || upper.contains("<OFX>") {
        return Format::Ofx;
    }
    if start.starts_with('<') && text.contains("camt.05") {
        return Format::Camt;
    }
    if start.starts_with("{1:") || start.starts_with("{4:") {
        return Format::Mt940;
    }
    let tagged = |tag: &str| text.lines().any(|l| l.trim_start().starts_with(tag));
    if tagged(":20:") && (tagged(":25:") || tagged(":61:") || tagged(":60F:")) {
        return Format::Mt940;
    }
    Format::Csv
}

/// Reads a whole MT940 or OFX statement.
pub(crate) fn read(format: Format, bytes: &[u8]) -> Result<Statement, RowError> {
    match format {
        Format::Mt940 => mt940::read(bytes),
        Format::Ofx => ofx::read(bytes),
        Format::Camt | Format::Csv => {
            Err(RowError::file("not a statement read whole".into()).fatal())
        }
    }
}

/// A currency code as a statement writes it, or an error naming it: one
/// of ISO 4217's codes in use.
pub(crate) fn currency(code: &str) -> Result<Currency, String> {
    let code = code.trim();
    let known = ISO_4217.binary_search(&code).is_ok();
    code.parse::<Currency>()
        .ok()
        .filter(|_| known)
        .ok_or_else(|| {
            format!(
                "'{}': expected a currency in use (an ISO 4217 code such as EUR)",
                crate::text::excerpt(code)
            )
        })
}

/// The ISO 4217 currencies in use (and the funds and metals codes banks
/// report): a statement in any other is refused.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
    "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR",
    "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWL",
];

/// An amount written with a decimal point or comma and no grouping, as
/// the structured formats write them (`1234.56`, `1234,56`, `300,`).
pub(crate) fn amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
        || text.matches(['.', ',']).count() > 1
    {
        return None;
    }
    let text = text.replace(',', ".");
    let text = text.strip_suffix('.').unwrap_or(&text);
    text.parse::<Decimal>().ok()
}

/// An IBAN in `text` (spaces removed, upper case), when it holds one.
pub(crate) fn iban(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = compact.as_bytes();
    let shaped = (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    shaped.then_some(compact)
}

/// The balances a statement states, checked against the lines it books:
/// a warning when they do not add up.
pub(crate) struct Balances<'a> {
    /// How the statement is named in the warning.
    pub(crate) label: &'a str,
    /// The opening balance, signed.
    pub(crate) opening: Option<Decimal>,
    /// The closing balance, signed.
    pub(crate) closing: Option<Decimal>,
    /// The sum of the entries, signed (credits positive).
    pub(crate) booked: Decimal,
    /// The statement's currency, for showing the amounts.
    pub(crate) currency: Option<Currency>,
}

impl Balances<'_> {
    /// The warning, when opening + entries is not closing.
    pub(crate) fn check(&self) -> Option<String> {
        let (Some(opening), Some(closing)) = (self.opening, self.closing) else {
            return None;
        };
        let expected = opening + self.booked;
        let show = |amount: Decimal| match self.currency {
            Some(c) => dun_core::money::plain_amount(amount, c),
            None => amount.normalize().to_string(),
        };
        (expected != closing).then(|| {
            format!(
                "{}: the opening balance {} and the entries ({}) make {}, \
                 but the statement closes at {}; check that no entry is missing",
                self.label,
                show(opening),
                show(self.booked),
                show(expected),
                show(closing)
            )
        })
    }
}
