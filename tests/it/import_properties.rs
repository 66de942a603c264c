//! Property tests over the import pipeline: arbitrary bytes through the
//! reader, arbitrary rows through whole invoice and payment imports into a
//! real SQLite ledger, exact round trips of generated exports, and the
//! amount parser on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};

use chrono::{Days, NaiveDate};
use dun::import::read::{self, Encoding};
use dun::import::values::{DateStyle, MarkEvidence, NumberStyle, mark_evidence, parse_amount};
use dun::import::{Options, Outcome, Profile, Report};
use dun::ops::{self, Context};
use dun::store::Store;
use dun_core::money::Currency;
use proptest::prelude::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The ledger is as `before`, but for the import history: an import that
/// changed nothing (and was no dry run) adds one entry to it, the others
/// none.
fn unchanged_but_history(
    db: &Path,
    before: &[String],
    report: &Report,
    dry_run: bool,
) -> Result<(), TestCaseError> {
    let after = common::dump(db);
    let history = |rows: &[String]| {
        rows.iter()
            .filter(|r| r.starts_with("import_batch:"))
            .count()
    };
    let rest = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .filter(|r| !r.starts_with("import_batch:"))
            .cloned()
            .collect()
    };
    prop_assert_eq!(
        rest(&after),
        rest(before),
        "{:?} left a trace",
        report.outcome
    );
    let recorded = usize::from(report.outcome == Outcome::NothingChanged && !dry_run);
    prop_assert_eq!(history(&after), history(before) + recorded);
    Ok(())
}

const ENCODINGS: [Encoding; 4] = [
    Encoding::Auto,
    Encoding::Utf8,
    Encoding::Windows1252,
    Encoding::Iso88591,
];

/// What a column of a generated file holds.
#[derive(Debug, Clone, Copy)]
enum Col {
    Number,
    Customer,
    Name,
    Email,
    Date,
    Amount,
    Currency,
    Type,
    Status,
    Text,
}

/// A header line, its delimiter and what its columns hold.
type Header = (&'static str, char, &'static [Col]);

const INVOICE_HEADERS: [Header; 3] = [
    (
        "number,customer,issue_date,due_date,amount,open_balance",
        ',',
        &[
            Col::Number,
            Col::Customer,
            Col::Date,
            Col::Date,
            Col::Amount,
            Col::Amount,
        ],
    ),
    (
        "number;customer;issue_date;due_date;amount;open_balance",
        ';',
        &[
            Col::Number,
            Col::Customer,
            Col::Date,
            Col::Date,
            Col::Amount,
            Col::Amount,
        ],
    ),
    (
        "Invoice No,Customer Code,Customer Name,Email,Date,Due,Total,Paid,Currency,Type,Status",
        ',',
        &[
            Col::Number,
            Col::Customer,
            Col::Name,
            Col::Email,
            Col::Date,
            Col::Date,
            Col::Amount,
            Col::Amount,
            Col::Currency,
            Col::Type,
            Col::Status,
        ],
    ),
];

const PAYMENT_HEADERS: [Header; 2] = [
    (
        "date,amount,reference,counterparty,customer,invoice",
        ',',
        &[
            Col::Date,
            Col::Amount,
            Col::Text,
            Col::Name,
            Col::Customer,
            Col::Number,
        ],
    ),
    (
        "Value Date;Credit;Debit;Currency;Details;Payer",
        ';',
        &[
            Col::Date,
            Col::Amount,
            Col::Amount,
            Col::Currency,
            Col::Text,
            Col::Name,
        ],
    ),
];

/// Invoices already in the ledger before a payment import, for matching.
const SEED_INVOICES: &str = "number,customer,issue_date,due_date,amount,open_balance\n\
     INV-1,ACME,2026-01-10,2026-02-10,100.00,100.00\n\
     INV-2,ACME,2026-02-10,2026-03-10,250.50,200.00\n\
     0042,Beta,2026-03-01,2026-03-31,\"1,000.00\",1000.00\n";

fn options(dry_run: bool, skip_invalid: bool) -> Options {
    Options {
        profile: Profile::resolve("generic", &BTreeMap::new()).unwrap(),
        file_name: "export.csv".into(),
        dry_run,
        skip_invalid,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        currency: Currency::EUR,
        payment_terms_days: None,
        account: None,
        vat_id: None,
    }
}

/// Ledgers made once and copied for each case: a new one, and one holding
/// [`SEED_INVOICES`].
fn templates() -> &'static (TempDir, PathBuf, PathBuf) {
    static TEMPLATES: OnceLock<(TempDir, PathBuf, PathBuf)> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        drop(Store::open(&empty).unwrap());
        let seeded = dir.path().join("seeded.db");
        let mut store = Store::open(&seeded).unwrap();
        let report = import(
            Kind::Invoices,
            &mut store,
            SEED_INVOICES.as_bytes(),
            &options(false, false),
        )
        .unwrap();
        assert_eq!(report.outcome, Outcome::Imported, "{:?}", report.errors);
        drop(store);
        (dir, empty, seeded)
    })
}

/// A ledger of its own for one case: (its folder, its file, the store).
fn ledger(seeded: bool) -> (TempDir, PathBuf, Store) {
    let (_, empty, with_invoices) = templates();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    std::fs::copy(if seeded { with_invoices } else { empty }, &db).unwrap();
    let store = Store::open(&db).unwrap();
    (dir, db, store)
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

// ---------------------------------------------------------------------------
// Generators.

/// Pieces of CSV-ish bytes: delimiters, quotes, line breaks, a BOM, bytes
/// above ASCII, digits and the punctuation of amounts.
fn csv_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(vec![
            &b","[..], b";", b"\t", b"|", b"\"", b"\"\"", b"'", b"\r", b"\n", b"\r\n", b"\n\n",
            b"\xEF\xBB\xBF", b".", b"-", b"(", b")", b"$", "€".as_bytes(), b" ", b"E+",
            b"2026-01-31", b"31/12/2026", b"1,234.56", b"1.234,56", b"number", b"amount",
        ])
        .prop_map(<[u8]>::to_vec),
        3 => (b'0'..=b'9').prop_map(|b| vec![b]),
        2 => (0x80_u8..=0xFF).prop_map(|b| vec![b]),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => "[a-zA-Z]{1,6}".prop_map(String::into_bytes),
    ]
}

fn csv_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec![
            &b""[..],
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
            b"\xFE\xFF",
            b"\xEF\xBB",
        ]),
        prop::collection::vec(csv_piece(), 0..600),
    )
        .prop_map(|(prefix, pieces)| {
            let mut out = prefix.to_vec();
            for p in pieces {
                out.extend(p);
            }
            out
        })
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..4096),
        3 => csv_like_bytes(),
    ]
}

/// A cell as exports write them, and as they should not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "INV-1", "INV-2", "0042", "00042", "12345678901234567890", "1.23457E+11", "A/1",
            "ACME", "Beta", "acme", "Ünïcødé GmbH", "payer@example.com", "bad@", "EUR", "usd",
            "XX", "invoice", "credit note", "payment", "storno", "draft", "voided", "paid",
            "2026-01-15", "2026-02-30", "15/01/2026", "01/02/2026", "02/01/26", "2026-13-01",
            "1,234.56", "1.234,56", "1.234", "1,234", "-5.00", "(12.00)", "0", "0.00", "1e5",
            "12.345", "$1,234.56", "€ 99,90", "99,90 lei", "1 234,56", "9999999999999.99",
            "100000000000000000000000000000", "-", "", " ", "  x  ",
        ])
        .prop_map(str::to_string),
        2 => "[0-9]{1,7}([.,][0-9]{1,3})?",
        1 => "\\PC{0,12}",
        1 => prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ]
}

/// A value that fits a column more often than not.
fn plausible(col: Col) -> BoxedStrategy<String> {
    let pick =
        |values: &[&'static str]| prop::sample::select(values.to_vec()).prop_map(str::to_string);
    match col {
        Col::Number => prop_oneof![
            3 => pick(&["INV-1", "INV-2", "0042", "00042", "A/1"]),
            3 => "INV-[0-9]{1,3}",
            1 => "[0-9]{20}",
        ]
        .boxed(),
        Col::Customer => pick(&["ACME", "Beta", "acme", "C-001", "Ünïcødé GmbH"]).boxed(),
        Col::Name => pick(&["Acme Ltd", "Beta SpA", "ACME", "Beta", "Gamma"]).boxed(),
        Col::Email => pick(&["ap@acme.example", "beta@example.com", "", "bad@"]).boxed(),
        Col::Date => prop_oneof![
            4 => (2025..2028i32, 1..=12u32, 1..=28u32)
                .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
            1 => (1..=28u32, 1..=12u32).prop_map(|(d, m)| format!("{d:02}/{m:02}/2026")),
        ]
        .boxed(),
        Col::Amount => prop_oneof![
            2 => (0..10_000_000i64).prop_map(|m| format_minor(m, '.', None)),
            2 => (0..10_000_000i64).prop_map(|m| format!("\"{}\"", format_minor(m, '.', Some(',')))),
            1 => (-100_000..0i64).prop_map(|m| format_minor(m, '.', None)),
            1 => pick(&["", "0", "100", "12.345", "1.234", "(12.00)", "$5.00"]),
        ]
        .boxed(),
        Col::Currency => pick(&["EUR", "EUR", "usd", "", "XX"]).boxed(),
        Col::Type => pick(&["invoice", "invoice", "credit note", "payment", "draft", ""]).boxed(),
        Col::Status => pick(&["", "paid", "open", "draft", "voided"]).boxed(),
        Col::Text => pick(&["INV-1", "payment INV-2 thanks", "0042", "", "ref 12"]).boxed(),
    }
}

/// A cell written into a row: as is, quoted, or with a broken quote.
fn written(cell: String, how: u8) -> String {
    match how {
        0..=7 => cell,
        8 => format!("\"{}\"", cell.replace('"', "\"\"")),
        _ => format!("\"{cell}"),
    }
}

/// A row for `cols`: mostly plausible values, now and then a wrong one.
fn plausible_row(cols: &'static [Col], delimiter: char) -> impl Strategy<Value = String> {
    let cells: Vec<BoxedStrategy<String>> = cols
        .iter()
        .map(|&c| {
            prop_oneof![
                12 => plausible(c),
                1 => (cell(), 0..10u8).prop_map(|(c, how)| written(c, how)),
            ]
            .boxed()
        })
        .collect();
    (
        cells,
        prop::sample::select(vec!["\n", "\n", "\r\n", "\n\n"]),
    )
        .prop_map(move |(cells, end)| cells.join(&delimiter.to_string()) + end)
}

/// A row of any width with any cells.
fn arbitrary_row(delimiter: char) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (cell(), 0..10u8).prop_map(|(c, how)| written(c, how)),
            0..12,
        ),
        prop::sample::select(vec![delimiter, delimiter, delimiter, ',', ';', '\t', '|']),
        prop::sample::select(vec!["\n", "\n", "\r\n", "\r", "\n\n"]),
    )
        .prop_map(|(cells, d, end)| cells.join(&d.to_string()) + end)
}

/// A header from `headers` followed by rows, mostly plausible, perhaps
/// with a BOM and some raw bytes at the end.
fn file_under(headers: &'static [Header]) -> impl Strategy<Value = Vec<u8>> {
    (0..headers.len(), any::<bool>())
        .prop_flat_map(move |(h, bom)| {
            let (header, delimiter, cols) = headers[h];
            (
                Just(header),
                Just(bom),
                prop::collection::vec(
                    prop_oneof![
                        6 => plausible_row(cols, delimiter),
                        1 => arbitrary_row(delimiter),
                    ],
                    0..30,
                ),
                prop_oneof![
                    6 => Just(Vec::new()),
                    1 => prop::collection::vec(any::<u8>(), 0..64),
                ],
            )
        })
        .prop_map(|(header, bom, rows, tail)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            out.extend_from_slice(header.as_bytes());
            out.push(b'\n');
            for r in rows {
                out.extend_from_slice(r.as_bytes());
            }
            out.extend(tail);
            out
        })
}

/// How one generated amount is written.
#[derive(Debug, Clone, Copy)]
enum AmountStyle {
    /// 1234.56
    Plain,
    /// 1,234.56
    Grouped,
    /// "1,234.56", quoted whatever the delimiter.
    Quoted,
    /// $1,234.56
    Dollar,
}

/// `minor` (cents, not negative) as text with `decimal` as the mark and
/// `group` between digit groups when given.
fn format_minor(minor: i64, decimal: char, group: Option<char>) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    let units = (minor / 100).to_string();
    let cents = minor % 100;
    let mut int = String::new();
    for (i, c) in units.chars().enumerate() {
        if let Some(g) = group
            && i > 0
            && (units.len() - i).is_multiple_of(3)
        {
            int.push(g);
        }
        int.push(c);
    }
    format!("{sign}{int}{decimal}{cents:02}")
}

/// `minor` written in `style`, escaped for a file with `delimiter` whose
/// decimal mark is `decimal`.
fn write_amount(minor: i64, style: AmountStyle, delimiter: char, decimal: char) -> String {
    let group = if decimal == '.' { ',' } else { '.' };
    let text = match style {
        AmountStyle::Plain => format_minor(minor, decimal, None),
        AmountStyle::Grouped | AmountStyle::Quoted => format_minor(minor, decimal, Some(group)),
        AmountStyle::Dollar if decimal == '.' => {
            format!("${}", format_minor(minor, decimal, Some(group)))
        }
        AmountStyle::Dollar => format!("{} €", format_minor(minor, decimal, Some(group))),
    };
    if matches!(style, AmountStyle::Quoted) || text.contains(delimiter) {
        format!("\"{text}\"")
    } else {
        text
    }
}

fn amount_style() -> impl Strategy<Value = AmountStyle> {
    prop::sample::select(vec![
        AmountStyle::Plain,
        AmountStyle::Grouped,
        AmountStyle::Quoted,
        AmountStyle::Dollar,
    ])
}

/// Minor units from cents to the ledger's ceiling (a trillion).
fn minor_amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        1..1_000_i64,
        1..10_000_000_i64,
        1..=100_000_000_000_000_i64,
        Just(100_000_000_000_000_i64),
    ]
}

fn invoice_number() -> impl Strategy<Value = String> {
    prop_oneof![
        "0{1,4}[0-9]{1,6}",
        "[0-9]{20}",
        "[1-9][0-9]{0,8}",
        "[A-Z]{2,4}-[0-9]{1,6}",
        "INV/20[0-9]{2}/[0-9]{3}",
        "[A-Za-z0-9]{1,12}",
    ]
}

#[derive(Debug, Clone)]
struct GenRow {
    number: String,
    customer: usize,
    quote_number: bool,
    issue: u32,
    terms: u32,
    amount: i64,
    open: i64,
    amount_style: AmountStyle,
    open_style: AmountStyle,
}

fn gen_row() -> impl Strategy<Value = GenRow> {
    (
        invoice_number(),
        0..6usize,
        any::<bool>(),
        // 1970-01-01 to 2027-06-01: within a year of the import's date.
        prop_oneof![0..20_970u32, 19_000..20_970u32],
        0..120u32,
        minor_amount(),
        prop_oneof![Just(0_u64), Just(u64::MAX), any::<u64>()],
        amount_style(),
        amount_style(),
    )
        .prop_map(
            |(
                number,
                customer,
                quote_number,
                issue,
                terms,
                amount,
                seed,
                amount_style,
                open_style,
            )| {
                let open = match seed {
                    0 => 0,
                    u64::MAX => amount,
                    s => i64::try_from(s % (amount.unsigned_abs() + 1)).unwrap(),
                };
                GenRow {
                    number,
                    customer,
                    quote_number,
                    issue,
                    terms,
                    amount,
                    open,
                    amount_style,
                    open_style,
                }
            },
        )
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Days::new(u64::from(n))
}

// ---------------------------------------------------------------------------
// Reading and importing.

/// What `next_record` yields for `bytes`: the delimiter used, and per
/// item its line and, for a record, its fields.
type Drained = (u8, Vec<(u64, Option<Vec<String>>)>);

fn drain(
    bytes: &[u8],
    delimiter: Option<u8>,
    quote: u8,
    encoding: Encoding,
) -> Result<Drained, String> {
    let (mut records, sniffed) =
        read::open(bytes, delimiter, quote, encoding).map_err(|e| e.message.clone())?;
    let mut out = Vec::new();
    while let Some(item) = records.next_record() {
        out.push(match item {
            Ok(r) => (r.line, Some(r.fields.iter().map(str::to_string).collect())),
            Err(e) => (e.line, None),
        });
        // A file of n bytes has at most n + 2 items; more means a loop.
        assert!(out.len() <= bytes.len() + 2, "records never end");
    }
    Ok((sniffed.delimiter, out))
}

/// The records the csv crate itself reads from `body` with line breaks
/// made LF, fields as bytes.
fn reference(body: &[u8], delimiter: u8, quote: u8) -> Vec<Vec<Vec<u8>>> {
    let mut plain = Vec::with_capacity(body.len());
    let mut after_cr = false;
    for &b in body {
        if std::mem::take(&mut after_cr) && b == b'\n' {
            continue;
        }
        after_cr = b == b'\r';
        plain.push(if b == b'\r' { b'\n' } else { b });
    }
    // Blank lines are nothing; leading ones would also hide a byte-order
    // mark after them from the csv crate, which drops one at the start.
    let start = plain.iter().take_while(|&&b| b == b'\n').count();
    let plain = &plain[start..];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .from_reader(plain);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while reader.read_byte_record(&mut record).unwrap() {
        out.push(record.iter().map(<[u8]>::to_vec).collect());
    }
    out
}

/// Lines in `bytes` as a person counts them (CRLF, CR and LF each end one).
fn line_count(bytes: &[u8]) -> u64 {
    let mut n = 1;
    let mut after_cr = false;
    for &b in bytes {
        if b == b'\n' && after_cr {
            after_cr = false;
            continue;
        }
        after_cr = b == b'\r';
        if b == b'\r' || b == b'\n' {
            n += 1;
        }
    }
    n
}

fn check_reader(bytes: &[u8], delimiter: Option<u8>, quote: u8) -> Result<(), TestCaseError> {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    let lines = line_count(body);
    let mut first: Option<Vec<u64>> = None;
    for encoding in ENCODINGS {
        let (used, items) = match drain(bytes, delimiter, quote, encoding) {
            Ok(drained) => drained,
            Err(message) => {
                prop_assert!(utf16, "open refused a file: {}", message);
                continue;
            }
        };
        prop_assert!(!utf16, "a UTF-16 byte-order mark was read as text");
        let mut last = 1;
        for &(line, _) in &items {
            prop_assert!(line >= 1, "line {} in {:?}", line, items);
            prop_assert!(line >= last, "lines go back: {:?}", items);
            prop_assert!(line <= lines, "line {} of a {}-line file", line, lines);
            last = line;
        }
        // Records are refused only by a strict UTF-8 reading of a file that
        // is not UTF-8, or by the automatic reading of one that mixes UTF-8
        // (a byte-order mark, a valid character beyond ASCII) with bytes
        // that are not; else the one refusal is a quote never closed, at
        // the end.
        let refused: Vec<usize> = (0..items.len()).filter(|&i| items[i].1.is_none()).collect();
        let not_utf8 = std::str::from_utf8(body).is_err();
        let some_utf8 = body.len() < bytes.len()
            || String::from_utf8_lossy(body)
                .chars()
                .any(|c| c != char::REPLACEMENT_CHARACTER && !c.is_ascii());
        let strict =
            not_utf8 && (encoding == Encoding::Utf8 || (encoding == Encoding::Auto && some_utf8));
        if !strict {
            prop_assert!(
                refused.is_empty() || refused == [items.len() - 1],
                "{:?} refused records {:?} of {:?}",
                encoding,
                refused,
                items
            );
        }
        // The encoding changes the text of fields, never where records are.
        let lines_only: Vec<u64> = items.iter().map(|&(l, _)| l).collect();
        match &first {
            None => first = Some(lines_only),
            Some(f) => prop_assert_eq!(f, &lines_only, "{:?} splits differently", encoding),
        }
        // Latin-1 maps bytes to characters one to one: the fields are the
        // bytes the csv crate reads, line breaks aside.
        if encoding == Encoding::Iso88591 {
            let read: Vec<Vec<Vec<u8>>> = items
                .iter()
                .filter_map(|(_, fields)| fields.as_ref())
                .map(|fields| {
                    fields
                        .iter()
                        .map(|f| {
                            f.chars()
                                .map(|c| u8::try_from(u32::from(c)).unwrap())
                                .collect()
                        })
                        .collect()
                })
                .collect();
            prop_assert_eq!(
                read,
                reference(body, used, quote),
                "fields differ from the csv crate's"
            );
        }
    }
    Ok(())
}

/// Panics on threads without a name: the import's own helper threads
/// (the test harness names its threads after the tests).
static HELPER_PANICS: AtomicUsize = AtomicUsize::new(0);

fn watch_helper_threads() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name().is_none() {
                HELPER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invoices,
    Payments,
}

/// Runs an import that must end with a report, checking what the report
/// and the progress calls say about the file itself.
fn import(
    kind: Kind,
    store: &mut Store,
    bytes: &[u8],
    options: &Options,
) -> Result<Report, TestCaseError> {
    watch_helper_threads();
    let ctx = Context::standard(options.as_of);
    let mut progress = Vec::new();
    let result = match kind {
        Kind::Invoices => {
            ops::import_invoices(store, &ctx, bytes, options, &mut |n| progress.push(n))
        }
        Kind::Payments => {
            ops::import_payments(store, &ctx, bytes, options, &mut |n| progress.push(n))
        }
    };
    prop_assert_eq!(
        HELPER_PANICS.load(Ordering::SeqCst),
        0,
        "a thread of the import panicked (see the output)"
    );
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "the {kind:?} import failed: {e}"
            )));
        }
    };
    prop_assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress goes back: {:?}",
        progress
    );
    prop_assert!(
        progress.iter().all(|&n| n <= bytes.len() as u64),
        "progress past the end of {} bytes: {:?}",
        bytes.len(),
        progress
    );
    // A file that was read at all is checksummed, whole.
    let digest: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if report.counts.rows > 0 || !report.sha256.is_empty() {
        prop_assert_eq!(&report.sha256, &digest);
    }
    Ok(report)
}

/// What every import must leave: balances within their documents, and
/// payments within their amounts.
fn check_balances(db: &Path) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM invoice WHERE open_minor < 0 OR open_minor > amount_minor"
        ),
        0
    );
    prop_assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM payment WHERE unapplied_minor < 0 OR unapplied_minor > amount_minor"
        ),
        0
    );
    Ok(())
}

/// A generated export: the file and the rows it holds.
fn write_export(
    rows: &[GenRow],
    customers: &[String],
    comma_decimal: bool,
    delimiter: char,
    crlf: bool,
    bom: bool,
) -> String {
    let (delimiter, decimal) = if comma_decimal {
        (';', ',')
    } else {
        (delimiter, '.')
    };
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    let header = [
        "number",
        "customer",
        "issue_date",
        "due_date",
        "amount",
        "open_balance",
    ];
    out.push_str(&header.join(&delimiter.to_string()));
    out.push_str(end);
    for r in rows {
        let number = if r.quote_number {
            format!("\"{}\"", r.number)
        } else {
            r.number.clone()
        };
        let cells = [
            number,
            customers[r.customer % customers.len()].clone(),
            day(r.issue).to_string(),
            (day(r.issue) + Days::new(u64::from(r.terms))).to_string(),
            write_amount(r.amount, r.amount_style, delimiter, decimal),
            write_amount(r.open, r.open_style, delimiter, decimal),
        ];
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push_str(end);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any bytes: the reader never panics, every encoding splits records the
    /// same way, and lines only go forward within the file.
    #[test]
    fn reading_any_bytes_never_panics(
        bytes in any_bytes(),
        delimiter in prop_oneof![
            4 => prop::sample::select(vec![b',', b';', b'\t', b'|']),
            // Any other byte a profile could name, bar line breaks.
            1 => (0_u8..0x80).prop_filter("not a quote or a line break", |b| {
                !matches!(*b, b'"' | b'\'' | b'\r' | b'\n')
            }),
        ],
        quote in prop::sample::select(vec![b'"', b'"', b'\'']),
    ) {
        check_reader(&bytes, None, quote)?;
        check_reader(&bytes, Some(delimiter), quote)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, .. ProptestConfig::default() })]

    /// Arbitrary rows under an invoice header: the import ends with a
    /// report; unless it says Imported the ledger is as it was, and when it
    /// does every balance is within its document and every document counted.
    #[test]
    fn importing_arbitrary_invoice_rows_is_all_or_nothing(
        bytes in file_under(&INVOICE_HEADERS),
        dry_run in prop::bool::weighted(0.2),
        skip_invalid in any::<bool>(),
    ) {
        let (_dir, db, mut store) = ledger(false);
        let before = common::dump(&db);
        let report = import(Kind::Invoices, &mut store, &bytes, &options(dry_run, skip_invalid))?;
        check_balances(&db)?;
        let invoices = count(&db, "SELECT COUNT(*) FROM invoice");
        let payments = count(&db, "SELECT COUNT(*) FROM payment");
        match report.outcome {
            Outcome::Refused | Outcome::DryRun | Outcome::NothingChanged => {
                prop_assert_eq!(invoices, 0);
                unchanged_but_history(&db, &before, &report, dry_run)?;
            }
            Outcome::Imported => {
                prop_assert!(!dry_run);
                prop_assert!(report.error_count == 0 || skip_invalid);
                prop_assert_eq!(
                    i64::try_from(report.counts.created).unwrap(),
                    invoices + payments,
                    "created {} for {} invoices and {} payments", report.counts.created, invoices, payments
                );
                prop_assert_eq!(report.counts.updated, 0);
                prop_assert_eq!(count(&db, "SELECT COUNT(*) FROM import_batch"), 1);
            }
        }
        if report.outcome == Outcome::Refused {
            prop_assert!(report.error_count > 0);
        }
    }

    /// The same for payments, into a ledger with a few invoices to match.
    #[test]
    fn importing_arbitrary_payment_rows_is_all_or_nothing(
        bytes in prop_oneof![3 => file_under(&PAYMENT_HEADERS), 1 => file_under(&INVOICE_HEADERS)],
        dry_run in prop::bool::weighted(0.2),
        skip_invalid in any::<bool>(),
    ) {
        let (_dir, db, mut store) = ledger(true);
        prop_assert_eq!(count(&db, "SELECT COUNT(*) FROM invoice"), 3);
        let before = common::dump(&db);
        let payments_before = count(&db, "SELECT COUNT(*) FROM payment");
        let report = import(Kind::Payments, &mut store, &bytes, &options(dry_run, skip_invalid))?;
        check_balances(&db)?;
        match report.outcome {
            Outcome::Refused | Outcome::DryRun | Outcome::NothingChanged => {
                unchanged_but_history(&db, &before, &report, dry_run)?;
            }
            Outcome::Imported => {
                prop_assert!(!dry_run);
                let created = count(&db, "SELECT COUNT(*) FROM payment") - payments_before
                    + count(&db, "SELECT COUNT(*) FROM receipt");
                prop_assert_eq!(i64::try_from(report.counts.created).unwrap(), created);
                prop_assert_eq!(report.matched, report.counts.created - report.waiting.len() as u64);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// A tidy export reads back exactly: numbers as written, every amount
    /// and open balance to the cent, and the totals.
    #[test]
    fn a_generated_export_round_trips_exactly(
        // Now and then past a batch of rows (1,024) and the sniffed 64 KiB.
        rows in prop_oneof![
            24 => prop::collection::vec(gen_row(), 1..40),
            1 => prop::collection::vec(gen_row(), 1000..2200),
        ],
        customers in prop::collection::btree_set("[A-Z][A-Z0-9]{1,7}", 1..6),
        comma_decimal in prop::bool::weighted(0.3),
        delimiter in prop::sample::select(vec![',', ';', '\t', '|']),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let customers: Vec<String> = customers.into_iter().collect();
        let mut seen = BTreeSet::new();
        let rows: Vec<GenRow> = rows.into_iter().filter(|r| seen.insert(r.number.clone())).collect();
        let file = write_export(&rows, &customers, comma_decimal, delimiter, crlf, bom);

        let (_dir, db, mut store) = ledger(false);
        let report = import(Kind::Invoices, &mut store, file.as_bytes(), &options(false, false))?;
        prop_assert_eq!(report.outcome, Outcome::Imported, "{:?}\n{}", report.errors, file);
        prop_assert_eq!(report.error_count, 0);
        prop_assert_eq!(report.counts.created, rows.len() as u64);
        prop_assert_eq!(report.counts.rows, rows.len() as u64);

        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare(
            "SELECT i.number, typeof(i.number), c.name, i.issue_date, i.due_date, i.amount_minor,
                    i.open_minor, i.currency, i.kind
             FROM invoice i JOIN customer c ON c.id = i.customer_id",
        ).unwrap();
        type Stored = (String, String, String, String, i64, i64, String, String);
        let stored: BTreeMap<String, Stored> = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, (
                    r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?,
                    r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?,
                )))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(stored.len(), rows.len());
        for r in &rows {
            let Some(s) = stored.get(&r.number) else {
                return Err(TestCaseError::fail(format!("{} is not in the ledger:\n{file}", r.number)));
            };
            let issue = day(r.issue);
            let due = issue + Days::new(u64::from(r.terms));
            let want: Stored = (
                "text".into(),
                customers[r.customer % customers.len()].clone(),
                issue.to_string(),
                due.to_string(),
                r.amount,
                r.open,
                "EUR".into(),
                "invoice".into(),
            );
            prop_assert_eq!(s, &want, "{}", r.number);
        }
        let (amounts, open): (i64, i64) = conn
            .query_row("SELECT SUM(amount_minor), SUM(open_minor) FROM invoice", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        prop_assert_eq!(amounts, rows.iter().map(|r| r.amount).sum::<i64>());
        prop_assert_eq!(open, rows.iter().map(|r| r.open).sum::<i64>());
        let customers_used: BTreeSet<usize> = rows.iter().map(|r| r.customer % customers.len()).collect();
        prop_assert_eq!(count(&db, "SELECT COUNT(*) FROM customer"), customers_used.len() as i64);
    }
}

fn style(decimal: char, thousands: Option<char>) -> NumberStyle {
    NumberStyle { decimal, thousands }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

    /// Any text: the amount parser and the mark reader never panic, and an
    /// amount read from digits writes back to the same amount.
    #[test]
    fn parse_amount_never_panics(
        text in prop_oneof![
            any::<String>(),
            "[-+0-9.,' ()$€£₹\u{a0}\u{202f}\u{2212}a-zA-Z]{0,32}",
            "[0-9]{25,40}([.,][0-9]{0,12})?",
        ],
    ) {
        for s in [
            style('.', None), style(',', None), style('.', Some(',')), style(',', Some('.')),
            style(',', Some(' ')), style('.', Some('\'')), style('.', Some('\u{0}')),
        ] {
            if let Some(value) = parse_amount(&text, s) {
                // Only digits make an amount, and what was read reads back.
                prop_assert!(text.bytes().any(|b| b.is_ascii_digit()), "{:?} read as {}", text, value);
                prop_assert_eq!(parse_amount(&value.to_string(), style('.', None)), Some(value));
            }
        }
        let _ = mark_evidence(&text);
    }

    /// Any amount to the cent, grouped in threes in either style, parses
    /// back exactly, and its punctuation tells its decimal mark.
    #[test]
    fn grouped_amounts_parse_back_exactly(
        minor in prop_oneof![
            -100_000_i64..100_000,
            -1_000_000_000_000_000_i64..=1_000_000_000_000_000,
        ],
        comma_decimal in any::<bool>(),
        grouped in prop::bool::weighted(0.8),
        parenthesised in prop::bool::weighted(0.2),
        sign in prop::sample::select(vec!["", "$", "€", "EUR ", "€ "]),
    ) {
        let (decimal, group) = if comma_decimal { (',', '.') } else { ('.', ',') };
        let digits = format_minor(minor.abs(), decimal, grouped.then_some(group));
        let text = match (minor < 0, parenthesised) {
            (true, true) => format!("({sign}{digits})"),
            (true, false) => format!("-{sign}{digits}"),
            (false, _) => format!("{sign}{digits}"),
        };
        let want = Decimal::new(minor, 2);
        prop_assert_eq!(parse_amount(&text, style(decimal, None)), Some(want), "{}", text);
        prop_assert_eq!(parse_amount(&text, style(decimal, Some(group))), Some(want), "{}", text);
        prop_assert_eq!(mark_evidence(&text), MarkEvidence::Decimal(decimal), "{}", text);
    }

    /// ISO dates read in every numeric order; day-first and month-first
    /// dates read in theirs.
    #[test]
    fn numeric_dates_parse_back(n in 0..40_000u32) {
        use dun::import::values::DayMonth;
        let date = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Days::new(u64::from(n));
        let iso = date.to_string();
        for order in [None, Some(DayMonth::DayFirst), Some(DayMonth::MonthFirst)] {
            prop_assert_eq!(DateStyle::Numeric(order).parse(&iso), Some(date));
        }
        let dmy = date.format("%d/%m/%Y").to_string();
        let mdy = date.format("%m.%d.%Y").to_string();
        prop_assert_eq!(DateStyle::Numeric(Some(DayMonth::DayFirst)).parse(&dmy), Some(date));
        prop_assert_eq!(DateStyle::Numeric(Some(DayMonth::MonthFirst)).parse(&mdy), Some(date));
    }
}

/// A second byte-order mark after the first, then a quote left open.
#[test]
fn a_doubled_byte_order_mark_splits_like_any_text() {
    let bytes = b"\xEF\xBB\xBF\xEF\xBB\xBF\"\n\n";
    for quote in [b'"', b'\''] {
        check_reader(bytes, None, quote).unwrap();
        check_reader(bytes, Some(b','), quote).unwrap();
    }
}
