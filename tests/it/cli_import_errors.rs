//! Bad import files: every bad row listed on stderr as `FILE:LINE[:COLUMN]:`
//! with what was expected, a last `error:` line, exit code 1, and a ledger
//! exactly as it was (nothing imported, no import recorded).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use common::{Ledger, LedgerBuilder};

/// The header of the generic invoice files below; columns 1..=9 are
/// number, customer, customer_name, email, issue_date, due_date, amount,
/// currency, open balance.
const H: &[u8] =
    b"number,customer,customer_name,email,issue_date,due_date,amount,currency,open balance\n";

/// A good row for a new invoice (so a wrongly accepted file would change
/// the ledger).
const GOOD_300: &[u8] =
    b"INV-300,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,120.00,EUR,120.00\n";
const GOOD_301: &[u8] =
    b"INV-301,BETA,Beta SpA,pay@beta.example,2026-11-02,2026-12-02,75.50,EUR,75.50\n";
const GOOD_302: &[u8] =
    b"INV-302,ACME,Acme Ltd,ar@acme.example,2026-11-03,2026-12-03,1200.00,EUR,600.00\n";

/// Two customers, four invoices (two partly paid through the open
/// balance), then a payment of 30.00 recorded against INV-100.
const SEED: &[u8] = b"\
number,customer,customer_name,email,issue_date,due_date,amount,currency,open balance
INV-100,ACME,Acme Ltd,ar@acme.example,2026-09-01,2026-10-01,100.00,EUR,100.00
INV-101,ACME,Acme Ltd,ar@acme.example,2026-09-15,2026-10-15,250.00,EUR,50.00
INV-200,BETA,Beta SpA,pay@beta.example,2026-10-01,2026-10-31,80.00,EUR,80.00
INV-201,BETA,Beta SpA,pay@beta.example,2026-10-05,2026-11-04,40.00,EUR,10.00
";

/// A profile that refuses anything but UTF-8.
const STRICT_CONFIG: &str = "[import.profiles.strict]\nencoding = \"utf-8\"\n";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invoices,
    Payments,
}

/// Where a bad row is reported and a fragment of what was expected.
struct Bad {
    /// `None`: the whole file (`FILE: message`).
    line: Option<u64>,
    /// 1-based; `None`: the whole row (`FILE:LINE: message`).
    column: Option<usize>,
    fragment: &'static str,
}

fn at(line: u64, column: usize, fragment: &'static str) -> Bad {
    Bad {
        line: Some(line),
        column: Some(column),
        fragment,
    }
}

fn row(line: u64, fragment: &'static str) -> Bad {
    Bad {
        line: Some(line),
        column: None,
        fragment,
    }
}

fn whole_file(fragment: &'static str) -> Bad {
    Bad {
        line: None,
        column: None,
        fragment,
    }
}

struct Case {
    file: &'static str,
    kind: Kind,
    profile: &'static str,
    /// Extra arguments after the file (`--dry-run`, `--format json`).
    extra: &'static [&'static str],
    bytes: Vec<u8>,
    /// Every bad row the file has, in the order reported.
    bad: Vec<Bad>,
}

fn invoices(file: &'static str, bytes: Vec<u8>, bad: Vec<Bad>) -> Case {
    Case {
        file,
        kind: Kind::Invoices,
        profile: "generic",
        extra: &[],
        bytes,
        bad,
    }
}

fn payments(file: &'static str, bytes: Vec<u8>, bad: Vec<Bad>) -> Case {
    Case {
        file,
        kind: Kind::Payments,
        profile: "generic",
        extra: &[],
        bytes,
        bad,
    }
}

fn with_profile(profile: &'static str, case: Case) -> Case {
    Case { profile, ..case }
}

fn with_args(extra: &'static [&'static str], case: Case) -> Case {
    Case { extra, ..case }
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn cases() -> Vec<Case> {
    vec![
        // ── amounts ───────────────────────────────────────────────────
        invoices(
            "amount_word.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,ten,EUR,\n",
            ]),
            vec![at(3, 7, "'ten': expected an amount like 1,234.56")],
        ),
        invoices(
            "grouping.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,\"1,23.4\",EUR,\n",
            ]),
            vec![at(3, 7, "'1,23.4': expected an amount like 1,234.56")],
        ),
        invoices(
            "decimals.csv",
            cat(&[
                H,
                GOOD_300,
                GOOD_301,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.123,EUR,\n",
            ]),
            vec![at(4, 7, "more than 2 decimal places, the most EUR allows")],
        ),
        invoices(
            "too_large.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,2000000000000.00,EUR,\n",
            ]),
            vec![at(3, 7, "too large")],
        ),
        invoices(
            "type_sign.csv",
            b"number,customer,issue_date,due_date,amount,type\n\
              INV-303,ACME,2026-11-01,2026-12-01,50.00,invoice\n\
              INV-304,ACME,2026-11-01,2026-12-01,0,Invoice\n\
              INV-305,BETA,2026-11-01,2026-12-01,-25.00,invoice\n"
                .to_vec(),
            vec![
                at(3, 5, "'0': expected an amount above zero"),
                at(4, 5, "'-25.00': expected an amount above zero"),
            ],
        ),
        invoices(
            "open_above_total.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,100.00,EUR,150.00\n",
            ]),
            vec![at(3, 9, "an open balance between 0 and the total 100.00")],
        ),
        invoices(
            "open_negative_cr.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,100.00,EUR,-5.00\n",
            ])
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect(),
            vec![at(3, 9, "an open balance between 0 and the total")],
        ),
        invoices(
            "open_and_paid.csv",
            b"number,customer,issue_date,due_date,amount,paid,open balance\n\
              INV-303,ACME,2026-11-01,2026-12-01,100.00,100.00,0.00\n\
              INV-304,ACME,2026-11-01,2026-12-01,100.00,30.00,160.00\n"
                .to_vec(),
            vec![at(3, 7, "an open balance between 0 and the total 100.00")],
        ),
        invoices(
            "paid_above_total.csv",
            b"number,customer,issue_date,due_date,amount,paid\n\
              INV-303,ACME,2026-11-01,2026-12-01,100.00,20.00\n\
              INV-304,ACME,2026-11-01,2026-12-01,100.00,150.00\n"
                .to_vec(),
            vec![at(3, 6, "a paid amount no larger than the total 100.00")],
        ),
        // ── dates ─────────────────────────────────────────────────────
        invoices(
            "issue_date.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,yesterday,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(3, 5, "'yesterday': expected a date like 2026-12-31")],
        ),
        invoices(
            "feb31.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,31/02/2026,,10.00,EUR,\n",
            ]),
            vec![at(3, 5, "'31/02/2026': expected a date like 31/12/2026 (day first")],
        ),
        invoices(
            "due_before_issue.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-10,2026-11-01,10.00,EUR,\n",
            ]),
            vec![at(
                3,
                6,
                "'2026-11-01': expected a due date on or after the issue date 2026-11-10",
            )],
        ),
        // ── numbers, customers, currencies, emails, types ─────────────
        invoices(
            "no_number.csv",
            cat(&[
                H,
                GOOD_300,
                b",ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(3, 1, "expected a document number")],
        ),
        invoices(
            "shortened.csv",
            cat(&[
                H,
                GOOD_300,
                GOOD_301,
                b"1.23457E+11,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(4, 1, "'1.23457E+11': expected a document number as written")],
        ),
        invoices(
            "no_customer.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,,,ar@acme.example,2026-11-02,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(3, 2, "expected a customer")],
        ),
        invoices(
            "currency.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EURO,\n",
            ]),
            vec![at(3, 8, "'EURO': expected an ISO 4217 currency code such as EUR")],
        ),
        invoices(
            "email.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme Ltd,accounts-at-acme,2026-11-02,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(
                3,
                4,
                "'accounts-at-acme': expected an email address like accounts@example.com",
            )],
        ),
        invoices(
            "escape.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,Acme\x1b[2J Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EUR,\n",
            ]),
            vec![at(3, 3, "'Acme\\x1b[2J Ltd': expected a customer name as plain text")],
        ),
        invoices(
            "doc_type.csv",
            b"number,customer,issue_date,due_date,amount,type\n\
              INV-303,ACME,2026-11-01,2026-12-01,50.00,invoice\n\
              INV-304,ACME,2026-11-01,2026-12-01,50.00,quote\n"
                .to_vec(),
            vec![at(3, 6, "'quote': expected a document type this profile knows")],
        ),
        // ── documents against each other and against the ledger ───────
        invoices(
            "twice.csv",
            cat(&[H, GOOD_300, GOOD_301, GOOD_300]),
            vec![row(4, "INV-300 appears twice in the file")],
        ),
        invoices(
            "other_customer.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-200,ACME,Acme Ltd,ar@acme.example,2026-10-01,2026-10-31,80.00,EUR,80.00\n",
            ]),
            vec![row(
                3,
                "INV-200 belongs to another customer in the ledger, not ACME",
            )],
        ),
        invoices(
            "other_currency.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-100,ACME,Acme Ltd,ar@acme.example,2026-09-01,2026-10-01,100.00,USD,100.00\n",
            ]),
            vec![row(3, "INV-100 is an invoice in EUR in the ledger, an invoice in USD here")],
        ),
        invoices(
            "below_applied.csv",
            cat(&[
                H,
                GOOD_300,
                GOOD_301,
                b"INV-100,ACME,Acme Ltd,ar@acme.example,2026-09-01,2026-10-01,20.00,EUR,20.00\n",
            ]),
            vec![row(
                4,
                "INV-100: the new amount 20.00 is less than the 30.00 already applied",
            )],
        ),
        invoices(
            "twice_in_ledger.csv",
            cat(&[
                H,
                b"INV-101,ACME,Acme Ltd,ar@acme.example,2026-09-15,2026-10-15,250.00,EUR,50.00\n",
                GOOD_300,
                b"INV-101,ACME,Acme Ltd,ar@acme.example,2026-09-15,2026-10-15,250.00,EUR,50.00\n",
            ]),
            vec![row(4, "INV-101 appears twice in the file")],
        ),
        // ── the file as a whole ───────────────────────────────────────
        invoices(
            "no_header.csv",
            b"INV-303,ACME,Acme Ltd,2026-11-02,2026-12-02,10.00\n\
              INV-304,BETA,Beta SpA,2026-11-02,2026-12-02,20.00\n"
                .to_vec(),
            vec![whole_file(
                "no header row found in the first 30 rows: expected columns for number",
            )],
        ),
        invoices(
            "empty.csv",
            Vec::new(),
            vec![whole_file("no header row found")],
        ),
        invoices(
            "header_no_amount.csv",
            b"Open invoices export\n\
              \n\
              number,customer,issue_date,due_date,currency\n\
              INV-303,ACME,2026-11-02,2026-12-02,EUR\n"
                .to_vec(),
            vec![row(3, "(line 3) has no column for amount or open")],
        ),
        invoices(
            "ambiguous_mark.csv",
            b"number,customer,issue_date,due_date,amount\n\
              INV-303,ACME,2026-11-01,2026-12-01,1234\n\
              INV-304,ACME,2026-11-01,2026-12-01,1.234\n\
              INV-305,ACME,2026-11-01,2026-12-01,2.500\n"
                .to_vec(),
            vec![at(
                3,
                5,
                "'1.234': cannot tell from the data whether '.' or ',' is the decimal mark",
            )],
        ),
        invoices(
            "ambiguous_dates.csv",
            b"number,customer,issue_date,due_date,amount\n\
              INV-303,ACME,2026-11-01,,100.00\n\
              INV-304,ACME,03/04/2026,05/04/2026,100.00\n\
              INV-305,ACME,06/07/2026,08/07/2026,100.00\n"
                .to_vec(),
            vec![at(
                3,
                3,
                "'03/04/2026': cannot tell from the data whether dates are day/month or month/day",
            )],
        ),
        invoices(
            "utf16.csv",
            b"\xff\xfen\0u\0m\0b\0e\0r\0,\0c\0u\0s\0t\0o\0m\0e\0r\0\n\0".to_vec(),
            vec![whole_file("the file is UTF-16")],
        ),
        with_profile(
            "strict",
            invoices(
                "latin1_strict.csv",
                // The first row settles the style (day first), so the bad
                // row is read after the sample; see the report.
                cat(&[
                    H,
                    b"INV-300,ACME,Acme Ltd,ar@acme.example,15/11/2026,2026-12-01,120.00,EUR,120.00\n",
                    b"INV-303,CAFE,Caf\xe9 Ltd,ar@cafe.example,2026-11-02,2026-12-02,10.00,EUR,\n",
                ]),
                vec![at(3, 3, "expected UTF-8 text (the profile says encoding = \"utf-8\")")],
            ),
        ),
        with_profile(
            "strict",
            invoices(
                "latin1_in_sample.csv",
                // ISO dates leave the day/month order open, so this row is
                // read while the style is still being settled: it must be
                // listed all the same.
                cat(&[
                    H,
                    GOOD_300,
                    b"INV-303,CAFE,Caf\xe9 Ltd,ar@cafe.example,2026-11-02,2026-12-02,10.00,EUR,\n",
                    GOOD_301,
                ]),
                vec![at(3, 3, "expected UTF-8 text")],
            ),
        ),
        invoices(
            "stray_quote.csv",
            // A quote inside an unquoted field is a character, not the
            // start of a quoted field: line numbers after it stay right.
            cat(&[
                H,
                b"INV-1,ACME,Acme 12\" Ltd,ar@acme.example,2026-11-01,2026-12-01,10.00,EUR,\n",
                b"\n\n",
                b"INV-2,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,ten,EUR,\n",
            ]),
            vec![at(5, 7, "'ten': expected an amount")],
        ),
        invoices(
            "wider_than_header.csv",
            b"number,customer,issue_date,due_date,amount\n\
              INV-1,ACME,2026-11-01,2026-12-01,5.00\n\
              INV-2,ACME,2026-11-01,2026-12-01,1,200.00\n"
                .to_vec(),
            vec![at(3, 6, "at most 5 values, as in the header")],
        ),
        invoices(
            "double_minus.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-2,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,--5.00,EUR,\n",
                b"INV-3,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,-5.00-,EUR,\n",
            ]),
            vec![
                at(3, 7, "'--5.00': expected an amount"),
                at(4, 7, "'-5.00-': expected an amount"),
            ],
        ),
        invoices(
            "code_in_amount.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-2,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,USD 100.00,EUR,\n",
            ]),
            vec![at(3, 7, "expected an amount in EUR, the row's currency")],
        ),
        invoices(
            "made_up_currency.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-2,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,10.00,XYZ,\n",
            ]),
            vec![at(3, 8, "'XYZ': expected an ISO 4217 currency code")],
        ),
        invoices(
            "shortened_comma.csv",
            cat(&[
                H,
                GOOD_300,
                b"\"1,23457E+11\",ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,10.00,EUR,\n",
                b"1.2E11,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,10.00,EUR,\n",
            ]),
            vec![
                at(3, 1, "not shortened by a spreadsheet"),
                at(4, 1, "not shortened by a spreadsheet"),
            ],
        ),
        invoices(
            "two_ats.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-2,ACME,Acme Ltd,ar@@acme.example,2026-11-01,2026-12-01,10.00,EUR,\n",
                b"INV-3,ACME,Acme Ltd,a@b@c.example,2026-11-01,2026-12-01,10.00,EUR,\n",
            ]),
            vec![
                at(3, 4, "expected an email address"),
                at(4, 4, "expected an email address"),
            ],
        ),
        invoices(
            "typo_year.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-2,ACME,Acme Ltd,ar@acme.example,2031-11-01,2031-12-01,10.00,EUR,\n",
                b"INV-3,ACME,Acme Ltd,ar@acme.example,0026-11-01,2026-12-01,10.00,EUR,\n",
            ]),
            vec![
                at(3, 5, "expected a date between 1970 and 2027-11-23"),
                at(4, 5, "expected a date between 1970 and 2027-11-23"),
            ],
        ),
        invoices(
            "utf16be.csv",
            b"\xfe\xff\0n\0u\0m\0b\0e\0r\0\n".to_vec(),
            vec![whole_file("save it as CSV UTF-8 or plain CSV")],
        ),
        invoices(
            "unterminated_quote.csv",
            cat(&[
                H,
                GOOD_300,
                b"INV-303,ACME,\"Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EUR,\n",
                GOOD_301,
            ]),
            vec![
                at(3, 5, "expected an issue date"),
                row(3, "a quote opened on this line is never closed"),
            ],
        ),
        // ── files with several bad rows, odd line endings, quoting ────
        invoices(
            "several_crlf.csv",
            cat(&[
                b"number,customer,customer_name,email,issue_date,due_date,amount,currency,open balance\r\n",
                b"INV-300,ACME,Acme Ltd,ar@acme.example,2026-11-01,2026-12-01,120.00,EUR,120.00\r\n",
                b"\r\n",
                b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,12.5.0,EUR,\r\n",
                b"INV-301,BETA,Beta SpA,pay@beta.example,2026-11-02,2026-12-02,75.50,EUR,75.50\r\n",
                b"\r\n",
                b"\r\n",
                b"INV-304,BETA,Beta SpA,pay@beta.example,2026-13-01,2026-12-02,5.00,EUR,\r\n",
                b"INV-305,BETA,Beta SpA,pay@beta,2026-11-02,2026-12-02,5.00,EUR,\r\n",
                b"INV-306,,,,2026-11-02,2026-12-02,5.00,EUR,\r\n",
            ]),
            vec![
                at(4, 7, "'12.5.0': expected an amount"),
                at(8, 5, "'2026-13-01': expected a date"),
                at(9, 4, "'pay@beta': expected an email address"),
                at(10, 2, "expected a customer"),
            ],
        ),
        invoices(
            "multiline_name.csv",
            cat(&[
                H,
                b"INV-300,ACME,\"Acme\nLtd\",ar@acme.example,2026-11-01,2026-12-01,120.00,EUR,120.00\n",
                GOOD_301,
                b"INV-303,ACME,\"Acme,\n\nLtd\",ar@acme.example,2026-11-01,2026-12-01,120.00,E1R,\n",
                GOOD_302,
                b"INV-304,BETA,Beta SpA,pay@beta.example,2026-11-01,2026-12-01,5.00,EUR,\"5,00\"\n",
            ]),
            vec![
                at(5, 8, "'E1R': expected an ISO 4217 currency code"),
                at(9, 9, "'5,00': expected an amount like 1,234.56"),
            ],
        ),
        invoices(
            "semicolon_bom.csv",
            b"\xef\xbb\xbfNumero;Cliente;Data;Scadenza;Importo;Valuta\n\
              INV-303;ACME;15/11/2026;15/12/2026;1.234,56;EUR\n\
              INV-304;ACME;16/11/2026;16/12/2026;12.34,5;EUR\n\
              INV-305;BETA;17/11/2026;17/12/2026;99,90;EUR\n\
              INV-306;BETA;11/31/2026;17/12/2026;99,90;EUR\n"
                .to_vec(),
            vec![
                at(3, 5, "'12.34,5': expected an amount like 1.234,56"),
                at(5, 3, "'11/31/2026': expected a date like 31/12/2026 (day first"),
            ],
        ),
        // ── built-in profiles ─────────────────────────────────────────
        with_profile(
            "xero",
            invoices(
                "xero_totals.csv",
                b"*ContactName,EmailAddress,*InvoiceNumber,*InvoiceDate,*DueDate,Total,\
                  InvoiceAmountPaid,InvoiceAmountDue,Currency,Type,Status\n\
                  Acme Ltd,ar@acme.example,INV-400,01/11/2026,01/12/2026,120.00,0.00,120.00,EUR,Sales invoice,Awaiting Payment\n\
                  Acme Ltd,ar@acme.example,INV-400,01/11/2026,01/12/2026,120.00,0.00,120.00,EUR,Sales invoice,Awaiting Payment\n\
                  Acme Ltd,ar@acme.example,INV-400,01/11/2026,01/12/2026,130.00,0.00,130.00,EUR,Sales invoice,Awaiting Payment\n\
                  Beta SpA,pay@beta.example,INV-401,02/11/2026,02/12/2026,60.00,0.00,60.00,EUR,Sales invoice,Awaiting Payment\n"
                    .to_vec(),
                vec![row(
                    4,
                    "invoice INV-400 appears again with a different total than on line 2",
                )],
            ),
        ),
        with_profile(
            "xero",
            invoices(
                "xero_date.csv",
                b"*ContactName,EmailAddress,*InvoiceNumber,*InvoiceDate,*DueDate,Total,\
                  InvoiceAmountPaid,InvoiceAmountDue,Currency,Type,Status\n\
                  Acme Ltd,ar@acme.example,INV-400,01/11/2026,01/12/2026,120.00,0.00,120.00,EUR,Sales invoice,Awaiting Payment\n\
                  Beta SpA,pay@beta.example,INV-401,2026-11-02,02/12/2026,60.00,0.00,60.00,EUR,Sales invoice,Awaiting Payment\n"
                    .to_vec(),
                vec![at(3, 4, "'2026-11-02': expected a date in the form %d/%m/%Y")],
            ),
        ),
        with_profile(
            "quickbooks",
            invoices(
                "qb_date.csv",
                b"Acme Corp\n\
                  Open Invoices\n\
                  \"As of November 22, 2026\"\n\
                  \n\
                  ,Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance\n\
                  ,11/01/2026,Invoice,INV-500,ACME,12/01/2026,\"1,200.00\",\"1,200.00\"\n\
                  ,2026-11-02,Invoice,INV-501,ACME,12/02/2026,50.00,50.00\n\
                  ,11/03/2026,Invoice,INV-502,BETA,12/03/2026,$75.00,$25.00\n\
                  ,,,,,,,\n\
                  TOTAL,,,,,,\"$1,325.00\",\"$1,275.00\"\n\
                  \n\
                  \"Sunday, Nov 22, 2026 09:00:00 AM GMT-08:00\"\n"
                    .to_vec(),
                vec![at(7, 2, "'2026-11-02': expected a date in the form %m/%d/%Y")],
            ),
        ),
        with_profile(
            "quickbooks",
            invoices(
                "qb_type_amount.csv",
                b"Acme Corp\n\
                  A/R Aging Detail\n\
                  ,Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance\n\
                  Current\n\
                  ,11/01/2026,Invoice,INV-500,ACME,12/01/2026,\"1,200.00\",\"1,200.00\"\n\
                  ,11/02/2026,Journal Entry,JE-7,ACME,12/02/2026,50.00,50.00\n\
                  ,11/03/2026,Invoice,INV-502,BETA,12/03/2026,\"1.200,00\",$300.00\n\
                  Total for Current,,,,,,\"$1,250.00\",\"$1,250.00\"\n"
                    .to_vec(),
                vec![
                    at(6, 3, "'Journal Entry': expected a document type this profile knows"),
                    at(7, 7, "'1.200,00': expected an amount like 1,234.56"),
                ],
            ),
        ),
        with_profile(
            "stripe",
            invoices(
                "stripe_totals.csv",
                b"id,Number,Customer,Customer Name,Customer Email,Date (UTC),Due Date (UTC),\
                  Total,Amount Paid,Amount Remaining,Currency,Status\n\
                  in_1,INV-600,ACME,Acme Ltd,ar@acme.example,2026-11-01 10:00:00,,120.00,0.00,120.00,eur,open\n\
                  in_2,INV-601,ACME,Acme Ltd,ar@acme.example,2026-11-02 10:00:00,,120.00,20.00,130.00,eur,open\n\
                  in_3,INV-602,BETA,Beta SpA,pay@beta.example,2026-11-02 10:00:00,,60.00,0.00,60.00,euro,open\n"
                    .to_vec(),
                vec![
                    at(3, 10, "an open balance between 0 and the total 120.00"),
                    at(4, 11, "'euro': expected an ISO 4217 currency code such as EUR"),
                ],
            ),
        ),
        with_profile(
            "stripe",
            invoices(
                "stripe_date.csv",
                b"id,Number,Customer,Customer Name,Customer Email,Date (UTC),Due Date (UTC),\
                  Total,Amount Paid,Amount Remaining,Currency,Status\n\
                  in_1,INV-600,ACME,Acme Ltd,ar@acme.example,2026-11-01 10:00:00,,120.00,0.00,120.00,eur,open\n\
                  in_2,INV-601,ACME,Acme Ltd,ar@acme.example,11/02/2026 10:00,,50.00,0.00,50.00,eur,open\n"
                    .to_vec(),
                vec![at(3, 6, "'11/02/2026 10:00': expected a date in the form %Y-%m-%d")],
            ),
        ),
        // ── payments ──────────────────────────────────────────────────
        payments(
            "pay_date.csv",
            b"date,amount,currency,reference,counterparty\n\
              2026-11-05,30.00,EUR,INV-100,Acme Ltd\n\
              2026-11-31,10.00,EUR,INV-101,Acme Ltd\n"
                .to_vec(),
            vec![at(3, 1, "'2026-11-31': expected a date like 2026-12-31")],
        ),
        payments(
            "pay_amount.csv",
            b"date,amount,currency,reference,counterparty\n\
              2026-11-05,30.00,EUR,INV-100,Acme Ltd\n\
              2026-11-06,n/a,EUR,INV-101,Acme Ltd\n\
              2026-11-07,10.00,EUR,INV-200,Beta SpA\n"
                .to_vec(),
            vec![at(3, 2, "'n/a': expected an amount like 1,234.56")],
        ),
        payments(
            "pay_decimals.csv",
            b"date,amount,currency,reference,counterparty\n\
              2026-11-05,30.00,EUR,INV-100,Acme Ltd\n\
              2026-11-06,10.123,EUR,INV-101,Acme Ltd\n"
                .to_vec(),
            vec![at(3, 2, "expected an amount in EUR (10.123 has more than 2 decimal places")],
        ),
        payments(
            "pay_several.csv",
            b"date,amount,currency,reference,counterparty\n\
              2026-11-05,30.00,EUR,INV-100,Acme Ltd\n\
              2026-11-06,10.00,EURO,INV-101,Acme Ltd\n\
              2026-11-07,10.00,EUR,INV-200,Beta\x1b]0;x\x07SpA\n\
              2026-11-08,,EUR,INV-201,Beta SpA\n"
                .to_vec(),
            vec![
                at(3, 3, "'EURO': expected an ISO 4217 currency code such as EUR"),
                at(4, 5, "as plain text, without control characters"),
                at(5, 2, "expected an amount"),
            ],
        ),
        payments(
            "pay_no_amount.csv",
            b"date,reference,counterparty\n2026-11-05,INV-100,Acme Ltd\n".to_vec(),
            vec![row(1, "has no column for amount or credit")],
        ),
        // ── other ways of asking ──────────────────────────────────────
        with_args(
            &["--dry-run"],
            invoices(
                "dry_run.csv",
                cat(&[
                    H,
                    GOOD_300,
                    b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,ten,EUR,\n",
                ]),
                vec![at(3, 7, "'ten': expected an amount")],
            ),
        ),
        with_args(
            &["--format", "json"],
            invoices(
                "json.csv",
                cat(&[
                    H,
                    GOOD_300,
                    b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EURO,\n",
                ]),
                vec![at(3, 8, "'EURO': expected an ISO 4217 currency code")],
            ),
        ),
    ]
}

/// A ledger with real data in it: [`SEED`] imported, then a payment.
fn seeded() -> Ledger {
    let ledger = LedgerBuilder::new()
        .import_invoices("seed.csv", SEED)
        .payment_to("ACME", "30", "2026-11-01", "INV-100")
        .build();
    std::fs::write(ledger.dir.path().join("config.toml"), STRICT_CONFIG).unwrap();
    ledger
}

/// Runs `dun import KIND FILE` from the ledger's folder, so stderr names the
/// file as given.
fn import(ledger: &Ledger, case: &Case) -> std::process::Output {
    let dir = ledger.dir.path();
    std::fs::write(dir.join(case.file), &case.bytes).unwrap();
    let kind = match case.kind {
        Kind::Invoices => "invoices",
        Kind::Payments => "payments",
    };
    ledger
        .dun()
        .current_dir(dir)
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(["import", kind, case.file, "--profile", case.profile])
        .args(case.extra)
        .output()
        .unwrap()
}

/// What is wrong with the result of a bad import, if anything.
fn check(case: &Case, output: &std::process::Output) -> Vec<String> {
    let mut problems = Vec::new();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() != Some(1) {
        problems.push(format!("exit code {:?}, not 1", output.status.code()));
    }
    if stderr.contains('\u{1b}') || stderr.contains('\u{7}') {
        problems.push("raw control characters on stderr".into());
    }
    if case.extra.contains(&"json") {
        match serde_json::from_slice::<serde_json::Value>(&output.stdout) {
            Ok(report)
                if report["outcome"] == "refused" && report["error_count"] == case.bad.len() => {}
            Ok(report) => problems.push(format!("JSON report {report}")),
            Err(e) => problems.push(format!("stdout is not JSON: {e}")),
        }
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let Some((last, listed)) = lines.split_last() else {
        problems.push("nothing on stderr".into());
        return problems;
    };
    let count = case.bad.len();
    let plural = if count == 1 { "" } else { "s" };
    let verdict = format!(
        "error: {}: {count} bad row{plural}; nothing was imported",
        case.file
    );
    if !last.starts_with(&verdict) {
        problems.push(format!("last line is not {verdict:?}"));
    }
    if listed.len() != count {
        problems.push(format!("{} rows listed, expected {count}", listed.len()));
    }
    for (i, bad) in case.bad.iter().enumerate() {
        let place = match (bad.line, bad.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}: ", case.file),
            (Some(l), None) => format!("{}:{l}: ", case.file),
            (None, _) => format!("{}: ", case.file),
        };
        match listed.get(i) {
            Some(text) if text.starts_with(&place) && text.contains(bad.fragment) => {}
            Some(text) => problems.push(format!(
                "bad row {} is {text:?}; expected it to start with {place:?} and contain {:?}",
                i + 1,
                bad.fragment
            )),
            None => problems.push(format!("bad row {} ({place}) is not listed", i + 1)),
        }
    }
    problems
}

#[test]
fn every_bad_file_is_refused_row_by_row_and_the_ledger_is_unchanged() {
    let ledger = seeded();
    let before = ledger.dump();
    assert!(
        before.iter().filter(|r| r.starts_with("invoice: ")).count() == 4
            && before.iter().any(|r| r.starts_with("payment")),
        "the seed put invoices and payments in the ledger: {before:#?}"
    );
    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.file).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "file names must differ");

    let mut failures = Vec::new();
    for case in &cases {
        let output = import(&ledger, case);
        let mut problems = check(case, &output);
        if ledger.dump() != before {
            problems.push("the ledger changed".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({:?}, profile {}):\n  - {}\n  stderr:\n{}",
                case.file,
                case.kind,
                case.profile,
                problems.join("\n  - "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skip_invalid_imports_the_good_rows_and_still_lists_the_bad_ones() {
    let ledger = seeded();
    let file = "mixed.csv";
    let bytes = cat(&[
        H,
        GOOD_300,
        b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,ten,EUR,\n",
        GOOD_301,
        b"INV-304,BETA,Beta SpA,pay@beta.example,2026-11-02,2026-11-01,5.00,EUR,\n",
        GOOD_302,
    ]);
    std::fs::write(ledger.dir.path().join(file), bytes).unwrap();
    let output = ledger
        .dun()
        .current_dir(ledger.dir.path())
        .args(["import", "invoices", file, "--skip-invalid"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with("mixed.csv:3:7: "), "{stderr}");
    assert!(lines[1].starts_with("mixed.csv:5:6: "), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("2 left out"), "{stdout}");
    assert!(
        stdout.contains("2 of those left out are bad rows"),
        "{stdout}"
    );

    let list = ledger.json(&["invoice", "list"]);
    let invoices = list.as_array().expect("an array");
    let get = |number: &str| invoices.iter().find(|i| i["number"] == number);
    for (number, customer, amount, open) in [
        ("INV-300", "ACME", "120.00", "120.00"),
        ("INV-301", "BETA", "75.50", "75.50"),
        ("INV-302", "ACME", "1200.00", "600.00"),
        ("INV-100", "ACME", "100.00", "70.00"),
    ] {
        let invoice = get(number).unwrap_or_else(|| panic!("{number} missing: {list}"));
        assert_eq!(invoice["customer"], customer, "{invoice}");
        assert_eq!(invoice["amount"], amount, "{invoice}");
        assert_eq!(invoice["open_balance"], open, "{invoice}");
    }
    for bad in ["INV-303", "INV-304"] {
        assert!(get(bad).is_none(), "{bad} imported: {list}");
    }
    assert_eq!(invoices.len(), 7, "{list}");
    let history = ledger.json(&["import", "history"]);
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
}

#[test]
fn a_refused_file_leaves_no_import_recorded() {
    let ledger = LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .invoice("INV-1", "ACME", "2026-09-01", "2026-10-01", "100")
        .build();
    assert_eq!(
        ledger.json(&["import", "history"]),
        serde_json::json!([]),
        "no import yet"
    );
    let before = ledger.dump();
    let path = ledger.dir.path().join("refused.csv");
    std::fs::write(
        &path,
        cat(&[
            H,
            GOOD_300,
            b"INV-303,ACME,Acme Ltd,ar@acme.example,2026-11-02,2026-12-02,10.00,EURO,\n",
        ]),
    )
    .unwrap();
    for extra in [&[][..], &["--dry-run"][..]] {
        let output = ledger
            .dun()
            .args(["import", "invoices"])
            .arg(&path)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{extra:?}");
        assert_eq!(ledger.json(&["import", "history"]), serde_json::json!([]));
        assert_eq!(ledger.dump(), before);
    }
    assert!(history_is_empty(&ledger.db));
}

fn history_is_empty(db: &Path) -> bool {
    !common::dump(db)
        .iter()
        .any(|r| r.starts_with("import_batch: "))
}
