//! `dun import payments` on bank statements (camt, MT940/MT942, OFX/QFX),
//! recognised by content: public test files of open-source importers and
//! equivalents of our own (`tests/fixtures/bank/SOURCES.md`), imported by
//! the real binary into a temporary ledger. Incoming lines with their
//! amounts, payers and references; money going out left out; re-imports
//! and overlapping statements add only what is new.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::Ledger;
use serde_json::Value;

/// Statements' dates are in the past of this.
const AS_OF: &str = "2026-11-30";

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bank")
        .join(name)
}

/// `dun import payments FILE --format json [extra…]`, which must succeed.
pub(crate) fn import(ledger: &Ledger, file: &Path, extra: &[&str]) -> Value {
    let mut cmd = ledger.dun_as_of(AS_OF);
    cmd.args(["import", "payments"])
        .arg(file)
        .args(["--format", "json"])
        .args(extra);
    ledger.run_json(&mut cmd)
}

/// The same, which must fail: its output.
pub(crate) fn refused(ledger: &Ledger, file: &Path, extra: &[&str]) -> Output {
    let output = ledger
        .dun_as_of(AS_OF)
        .args(["import", "payments"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    output
}

/// A waiting line: (amount, currency, payer, reference, date).
pub(crate) type Line = (String, String, String, String, String);

/// The lines waiting for `dun payment allocate`, in the file's order.
pub(crate) fn waiting(ledger: &Ledger) -> Vec<Line> {
    let list = ledger.run_json(
        ledger
            .dun_as_of(AS_OF)
            .args(["payment", "allocate", "--format", "json"]),
    );
    let mut rows: Vec<(i64, Line)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (
                r["id"].as_i64().unwrap(),
                (
                    s("amount"),
                    s("currency"),
                    s("counterparty"),
                    s("reference"),
                    s("paid_on"),
                ),
            )
        })
        .collect();
    rows.sort_by_key(|(id, _)| *id);
    rows.into_iter().map(|(_, r)| r).collect()
}

fn row(
    amount: &str,
    ccy: &str,
    payer: &str,
    reference: &str,
    on: &str,
) -> (String, String, String, String, String) {
    (
        amount.into(),
        ccy.into(),
        payer.into(),
        reference.into(),
        on.into(),
    )
}

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// [rows, created, unchanged, skipped].
fn counts(report: &Value) -> [u64; 4] {
    ["rows", "created", "unchanged", "skipped"].map(|k| report[k].as_u64().unwrap())
}

#[test]
fn camt_053_batch_entries_split_outgoing_reversed_and_pending_left_out() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-camt053-v13-batch.xml"), &[]);
    assert_eq!(report["outcome"], "imported", "{report}");
    assert_eq!(report["detected"][0], "format: camt (ISO 20022)");
    // Three lines in: the single entry and the two transactions of the
    // batch; the rent paid out is read and left out.
    assert_eq!(counts(&report), [4, 3, 0, 1]);
    assert_eq!(
        waiting(&ledger),
        [
            row("1190.00", "EUR", "Rossi Forniture S.r.l.", "", "2026-11-27"),
            row(
                "500.00",
                "EUR",
                "Dupont SARL",
                "Facture F-2026-118",
                "2026-11-27"
            ),
            row(
                "250.00",
                "EUR",
                "Muster & Söhne GmbH",
                "Rechnung 2026-0042 Kundennr 77",
                "2026-11-27"
            ),
        ]
    );
    let notes = notes(&report);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Stmt[1]/Ntry[4]") && n.contains("reversal of 99.00 EUR")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Ntry[5]") && n.contains("PDNG")),
        "{notes:?}"
    );
    // Opening 1,000.00 + 1,190.00 + 750.00 − 320.00 + 99.00 is the closing
    // balance: no warning about the balances.
    assert!(!notes.iter().any(|n| n.contains("closes at")), "{notes:?}");
}

#[test]
fn camt_053_public_samples_of_versions_2_4_and_8() {
    // Two statements in one file; the second books only money going out.
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        &fixture("genkgo-camt053.v2.multi.statement.xml"),
        &[],
    );
    assert_eq!(counts(&report), [2, 1, 0, 1]);
    assert_eq!(
        waiting(&ledger),
        [row(
            "8.85",
            "EUR",
            "",
            "Transaction Description 1",
            "2014-12-31"
        )]
    );
    assert!(notes(&report).is_empty(), "{report}");

    // Version 8 names the payer as Dbtr/Pty/Nm and books with a date-time;
    // its closing balance is a debit the entries do not reach: a warning.
    for (file, version) in [("genkgo-camt053.v8.xml", 8), ("genkgo-camt053.v4.xml", 4)] {
        let ledger = Ledger::new();
        let report = import(&ledger, &fixture(file), &[]);
        assert_eq!(report["outcome"], "imported", "v{version}: {report}");
        assert_eq!(
            waiting(&ledger),
            [row("8.85", "EUR", "NAME NAME", "", "2014-12-31")],
            "v{version}"
        );
        let notes = notes(&report);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("Stmt[1]") && n.contains("make 27.00") && n.contains("-27.00")),
            "v{version}: {notes:?}"
        );
    }
}

#[test]
fn camt_structured_reference_names_the_invoice_it_pays() {
    let ledger = Ledger::new();
    ledger.ok(&["customer", "add", "NAMECO", "--name", "Name Name"]);
    ledger.ok(&[
        "invoice",
        "add",
        "4654654654654654",
        "--customer",
        "NAMECO",
        "--issued",
        "2014-12-01",
        "--due",
        "2014-12-31",
        "--amount",
        "8.85",
    ]);
    let report = import(&ledger, &fixture("genkgo-camt053.v8.xml"), &[]);
    assert_eq!(report["matched"], 1, "{report}");
    assert!(waiting(&ledger).is_empty());
}

#[test]
fn camt_054_notifications_are_read_like_statements() {
    // A debit notification of a public sample: its batch goes out.
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("genkgo-camt054.v8.xml"), &["--dry-run"]);
    assert_eq!(counts(&report), [3, 0, 0, 3], "{report}");

    // Our batch statement, written as a camt.054 credit notification.
    let text = std::fs::read_to_string(fixture("own-camt053-v13-batch.xml"))
        .unwrap()
        .replace("camt.053.001.13", "camt.054.001.08")
        .replace("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn")
        .replace("<Stmt>", "<Ntfctn>")
        .replace("</Stmt>", "</Ntfctn>");
    let file = ledger.dir.path().join("camt054.xml");
    std::fs::write(&file, text).unwrap();
    let report = import(&ledger, &file, &[]);
    assert_eq!(counts(&report), [4, 3, 0, 1], "{report}");
    assert!(
        notes(&report)
            .iter()
            .any(|n| n.contains("Ntfctn[1]/Ntry[4]"))
    );
}

#[test]
fn mt940_public_samples_with_structured_and_free_details() {
    // German SEPA statements: ?20–?29 with EREF+/SVWZ+, ?31 account,
    // ?32/?33 name; CR is a credit with funds code R; RC a reversal.
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("wolph-betterplace-sepa_mt9401.sta"), &[]);
    assert_eq!(report["detected"][0], "format: MT940/MT942");
    let lines = waiting(&ledger);
    assert_eq!(lines.len(), 41, "{report}");
    assert_eq!(
        lines[0],
        row(
            "300.00",
            "EUR",
            "",
            "EREF+TFNR 40005 00005MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag",
            "2007-09-04"
        )
    );
    assert!(
        lines.contains(&row(
            "50990.05",
            "EUR",
            "Florian Frech",
            "Verwend CTSc-01 eBB TFNr 21005",
            "2007-09-04"
        )),
        "{lines:?}"
    );
    let reversals = notes(&report)
        .iter()
        .filter(|n| n.contains("reversal (RC) of 204.88 EUR"))
        .count();
    assert_eq!(reversals, 2);
    // Every statement of the sample adds up.
    assert!(
        !notes(&report).iter().any(|n| n.contains("closes at")),
        "{report}"
    );

    // ING: free-text details; debits left out; the sample's balances do
    // not add up, which is said.
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("wolph-jejik-ing.sta"), &[]);
    assert_eq!(counts(&report), [7, 2, 0, 5]);
    let lines = waiting(&ledger);
    assert_eq!(lines[0].0, "3.68");
    assert!(lines[0].3.contains("GPHONGKONG AMSTERDAM"), "{lines:?}");
    assert_eq!(lines[1].0, "1.00");
    assert!(
        lines[1].3.starts_with("0111111111 Hr S Marechal"),
        "{lines:?}"
    );
    assert!(notes(&report).iter().any(|n| n.contains("closes at 3.47")));

    // Three messages; the first in Deutsche Mark, no longer a currency:
    // the file is refused, naming it.
    let ledger = Ledger::new();
    let err = refused(&ledger, &fixture("wolph-cmxl-mt940.sta"), &[]);
    let err = String::from_utf8_lossy(&err.stderr);
    assert!(err.contains("wolph-cmxl-mt940.sta:4: :60F: 'DEM'"), "{err}");
    // In euros, the rest reads: a funds code on the PLN lines.
    let text = std::fs::read_to_string(fixture("wolph-cmxl-mt940.sta")).unwrap();
    let file = ledger.dir.path().join("cmxl.sta");
    std::fs::write(&file, text.replace("DEM", "EUR")).unwrap();
    import(&ledger, &file, &[]);
    let lines = waiting(&ledger);
    assert_eq!(lines.len(), 7);
    assert!(
        lines.contains(&row(
            "3000.00",
            "EUR",
            "MUELLER",
            "Gehalt OktoberFirmaMustermannGmbH",
            "2002-11-02"
        )),
        "{lines:?}"
    );
    assert_eq!(lines.iter().filter(|l| l.1 == "PLN").count(), 2);
}

#[test]
fn mt942_interim_reports_take_the_currency_of_the_floor_limit() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("wolph-mBank-mt942.sta"), &[]);
    assert_eq!(counts(&report), [3, 3, 0, 0], "{report}");
    assert!(
        waiting(&ledger)
            .iter()
            .all(|l| l.0 == "0.01" && l.1 == "PLN")
    );
    // Only a debit: nothing in.
    let report = import(
        &ledger,
        &fixture("wolph-self-provided-mt942.sta"),
        &["--dry-run"],
    );
    assert_eq!(counts(&report), [1, 0, 0, 1]);
}

#[test]
fn mt940_in_a_swift_envelope_with_both_detail_forms() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-mt940-envelope.sta"), &[]);
    assert_eq!(counts(&report), [3, 2, 0, 1], "{report}");
    assert_eq!(
        waiting(&ledger),
        [
            row(
                "1500.00",
                "EUR",
                "Muster Soehne GmbH",
                "Rechnung 2026-0042 Kdnr 77",
                "2026-11-27"
            ),
            row(
                "250.50",
                "EUR",
                "Jansen Installatie B.V.",
                "Factuur F-2026-118",
                "2026-11-27"
            ),
        ]
    );
    assert!(
        notes(&report)
            .iter()
            .any(|n| n.contains("line 14") && n.contains("reversal (RC) of 99.00 EUR"))
    );
}

#[test]
fn mt940_latin1_and_cp852_text_and_the_entry_date_across_a_year_end() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-mt940-yearend-latin1.sta"), &[]);
    // Value date 2 January 2027, entry date 31 December: of 2026.
    assert_eq!(
        waiting(&ledger),
        [row(
            "80.00",
            "EUR",
            "Müller & Töchter",
            "Rechnung 2026-0050",
            "2026-12-31"
        )]
    );
    assert!(notes(&report).iter().any(|n| n.contains("Latin-1")));

    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-mt940-cp852.sta"), &[]);
    assert_eq!(
        waiting(&ledger),
        [row(
            "1230.00",
            "PLN",
            "Przedsiębiorstwo Żyrardowskie",
            "Zapłata za fakturę FV/2026/11",
            "2026-11-27"
        )]
    );
    assert!(notes(&report).iter().any(|n| n.contains("CP852")));
}

#[test]
fn ofx_sgml_several_statements_and_xml() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("ofxparse-multiple_accounts.ofx"), &[]);
    assert_eq!(report["detected"][0], "format: OFX");
    assert_eq!(counts(&report), [5, 3, 0, 2]);
    assert_eq!(
        waiting(&ledger),
        [
            row("219.33", "EUR", "qeairunesuiqre", "", "2011-08-09"),
            row("130.00", "EUR", "7893432948", "", "2011-07-28"),
            row("123.00", "EUR", "Virement 78934567889", "", "2011-07-28"),
        ]
    );
    let ledger = Ledger::new();
    import(&ledger, &fixture("ofxparse-checking.ofx"), &[]);
    let lines = waiting(&ledger);
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].0.as_str(), lines[0].1.as_str()), ("0.01", "USD"));
    assert!(
        lines[0]
            .3
            .starts_with("DIVIDEND EARNED FOR PERIOD OF 03/01/2011")
    );
    // OFX 2 (XML, CDATA values): one debit, nothing in.
    let report = import(&ledger, &fixture("ofxparse-suncorp.ofx"), &["--dry-run"]);
    assert_eq!(counts(&report), [1, 0, 0, 1]);
}

#[test]
fn qfx_corrections_and_a_charset_that_lies() {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-ofx1-utf8-corrections.qfx"), &[]);
    // FR-0002 replaced by FR-0004 (210.00), FR-0001 deleted; the card
    // statement's credit counts too.
    assert_eq!(
        waiting(&ledger),
        [
            row(
                "210.00",
                "EUR",
                "Müller & Fils",
                "Facture F-2026-202",
                "2026-11-05"
            ),
            row("59.00", "EUR", "Remboursement Café Zoé", "", "2026-11-10"),
        ]
    );
    assert!(
        notes(&report)
            .iter()
            .any(|n| n.contains("CHARSET:1252 but is UTF-8"))
    );
}
