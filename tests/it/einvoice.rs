//! `dun import invoices` on e-invoices: the public FatturaPA, UBL, CII and
//! Factur-X samples in `tests/fixtures/einvoice/` (see its SOURCES.md),
//! imported by the real binary into a temporary ledger; instalments seen in
//! the reports on their own due dates; folders, zips, idempotence, our VAT
//! id, and bad input refused with the file, member and element path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::Ledger;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/einvoice")
        .join(name)
}

/// A config file in the ledger's folder; returns its path.
fn config(ledger: &Ledger, text: &str) -> PathBuf {
    let path = ledger.dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `dun [--config C] import invoices PATH --format json`, which must
/// succeed, and returns its report.
fn import(ledger: &Ledger, path: &Path, config: Option<&Path>) -> Value {
    let mut cmd = ledger.dun();
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.args(["import", "invoices"])
        .arg(path)
        .args(["--format", "json"]);
    ledger.run_json(&mut cmd)
}

/// Runs an import that must fail; returns its stderr.
fn refused(ledger: &Ledger, path: &Path) -> String {
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(path)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{path:?} was accepted");
    String::from_utf8(output.stderr).unwrap()
}

/// number → (kind, customer, due_date, open_balance, currency).
fn invoices(ledger: &Ledger) -> BTreeMap<String, [String; 5]> {
    ledger.invoice_fields(["kind", "customer", "due_date", "open_balance", "currency"])
}

fn row(kind: &str, customer: &str, due: &str, open: &str, currency: &str) -> [String; 5] {
    [kind, customer, due, open, currency].map(str::to_string)
}

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn official_fatturapa_examples_land_on_their_payment_details() {
    let l = Ledger::new();
    let report = import(&l, &fixture("IT01234567890_FPA02.xml"), None);
    assert_eq!(report["created"], 1);
    // The sample's total (36.08 + 7.94 VAT) contradicts what it asks paid.
    assert!(
        notes(&report)
            .iter()
            .any(|n| n.contains("44.02 EUR") && n.contains("36.08 EUR")),
        "{report}"
    );
    // Two bodies of fee notes (TD06), with withholding and split payment.
    let report = import(&l, &fixture("IT02182030391_32.xml"), None);
    assert_eq!(report["created"], 2);
    let all = invoices(&l);
    assert_eq!(
        all["123"],
        row("invoice", "09876543210", "2015-01-30", "36.08", "EUR")
    );
    assert_eq!(
        all["3"],
        row("invoice", "IT01180680397", "2017-02-28", "119.86", "EUR")
    );
    assert_eq!(
        all["4"],
        row("invoice", "IT01180680397", "2017-02-28", "119.86", "EUR")
    );
    let customers = l.json(&["customer", "list"]);
    let names: Vec<&str> = customers
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"CIR 2000 snc"), "{names:?}");
    assert!(names.contains(&"AMMINISTRAZIONE BETA"), "{names:?}");
}

#[test]
fn signed_p7m_files_open_to_their_invoice_in_der_and_in_base64() {
    let l = Ledger::new();
    let c = config(&l, "[import]\npayment_terms_days = 30\n");
    let report = import(&l, &fixture("IT02182030391_31.xml.p7m"), Some(&c));
    assert_eq!(report["created"], 1, "{report}");
    let before = invoices(&l);
    assert_eq!(before.len(), 1);
    let (number, fields) = before.iter().next().unwrap();
    assert_eq!(fields[1], "IT01180680397");
    assert_eq!(fields[0], "invoice");
    // The base64 copy of the same signed file is the same invoice.
    let again = import(&l, &fixture("IT02182030391_31.Base64.xml.p7m"), Some(&c));
    assert_eq!(again["created"], 0);
    assert_eq!(again["unchanged"], 1);
    assert_eq!(&invoices(&l)[number.as_str()], fields);
}

#[test]
fn ubl_cii_and_factur_x_samples_land_with_their_amount_due() {
    let l = Ledger::new();
    import(&l, &fixture("ubl-21-en16931.xml"), None);
    import(&l, &fixture("zugferd-comfort.xml"), None);
    let pdf = import(&l, &fixture("invoice_EN16931.pdf"), None);
    assert_eq!(pdf["created"], 1, "{pdf}");
    let all = invoices(&l);
    // PayableAmount after 100.00 prepaid.
    assert_eq!(
        all["F124212"],
        row("invoice", "FR19787878784", "2026-07-16", "208.03", "EUR")
    );
    assert_eq!(
        all["471102"],
        row("invoice", "KUNDEN-AG-MITTE", "2013-04-04", "529.87", "EUR")
    );
    assert_eq!(
        all["F20260023"],
        row("invoice", "FR05987654321", "2026-03-02", "104.90", "EUR")
    );
    // The XML the PDF carries, on its own, is the same invoice.
    let xml = import(&l, &fixture("factur-x-en16931.xml"), None);
    assert_eq!(xml["outcome"], "nothing_changed", "{xml}");
    let customers = l.json(&["customer", "list"]);
    let boutique = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "FR19787878784")
        .unwrap();
    assert_eq!(boutique["name"], "Ma jolie boutique SARL");
}

#[test]
fn credit_notes_negative_invoices_self_billing_and_cius_ro() {
    let l = Ledger::new();
    for f in [
        "peppol-creditnote.xml",
        "peppol-negative-invoice.xml",
        "cius-ro-invoice.xml",
    ] {
        import(&l, &fixture(f), None);
    }
    let self_billed = import(&l, &fixture("ubl-selfbilled-389.xml"), None);
    assert!(
        notes(&self_billed)
            .iter()
            .any(|n| n.contains("1190.00 EUR") && n.contains("1180.00 EUR")),
        "{self_billed}"
    );
    let all = invoices(&l);
    assert_eq!(
        all["CN-2026-7"],
        row(
            "credit_note",
            "SE556677889901",
            "2026-05-04",
            "-1250.00",
            "NOK"
        )
    );
    assert_eq!(
        all["INV-2026-40"],
        row(
            "credit_note",
            "SE556677889901",
            "2026-05-10",
            "-312.50",
            "NOK"
        )
    );
    assert_eq!(
        all["EXS-2026-118"],
        row("invoice", "RO7654321", "2026-07-02", "5000.00", "RON")
    );
    assert_eq!(
        all["SB-2026-0005"],
        row("invoice", "DE822222220", "2026-07-20", "1180.00", "EUR")
    );
}

#[test]
fn an_instalment_invoice_is_aged_and_chased_on_each_due_date() {
    let l = Ledger::new();
    let report = import(&l, &fixture("fatturapa-instalments.xml"), None);
    assert_eq!(report["created"], 4, "{report}");
    assert_eq!(report["skipped"], 1);
    assert!(
        notes(&report)
            .iter()
            .any(|n| n.contains("AF-7") && n.contains("TD16")),
        "{report}"
    );
    let all = invoices(&l);
    let c = "IT09999999990";
    assert_eq!(
        all["FT-12 (1/3)"],
        row("invoice", c, "2026-04-30", "400.00", "EUR")
    );
    assert_eq!(
        all["FT-12 (2/3)"],
        row("invoice", c, "2026-05-31", "400.00", "EUR")
    );
    assert_eq!(
        all["FT-12 (3/3)"],
        row("invoice", c, "2026-06-30", "420.00", "EUR")
    );
    // TD04 written negative is a credit all the same.
    assert_eq!(
        all["NC-3"],
        row("credit_note", c, "2026-04-10", "-122.00", "EUR")
    );
    assert!(!all.contains_key("AF-7"));
    let dun = |args: &[&str]| {
        let mut cmd = l.dun_as_of("2026-05-15");
        cmd.args(args).args(["--format", "json"]);
        l.run_json(&mut cmd)
    };
    let aging = dun(&["aging"]);
    let rossi = &aging.as_array().unwrap()[0];
    assert_eq!(rossi["customer"], c);
    assert_eq!(rossi["d1_30"], "400.00");
    assert_eq!(rossi["current"], "820.00");
    let agenda = dun(&["agenda"]);
    let item = &agenda.as_array().unwrap()[0];
    assert_eq!(item["customer"], c);
    assert_eq!(item["invoices"], serde_json::json!(["FT-12 (1/3)"]));
    let statement = l
        .dun_as_of("2026-05-15")
        .args(["statement", c])
        .output()
        .unwrap();
    let text = String::from_utf8(statement.stdout).unwrap();
    let line = |n: &str| {
        text.lines()
            .find(|l| l.starts_with(n))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("FT-12 (1/3)").contains("30 Apr 2026"), "{text}");
    assert!(line("FT-12 (1/3)").contains("1-30"), "{text}");
    assert!(line("FT-12 (3/3)").contains("Current"), "{text}");
    let shown = l.ok(&["invoice", "show", "FT-12 (2/3)"]);
    assert!(shown.contains("instalment 2 of 3 of FT-12"), "{shown}");
    // A payment naming the document pays its instalments earliest due
    // first (after the credit note's 122.00).
    l.ok(&[
        "payment",
        "add",
        "--customer",
        c,
        "--amount",
        "500",
        "--date",
        "2026-05-20",
        "--invoice",
        "FT-12",
    ]);
    let all = invoices(&l);
    assert_eq!(all["FT-12 (1/3)"][3], "0.00");
    assert_eq!(all["FT-12 (2/3)"][3], "178.00");
    assert_eq!(all["FT-12 (3/3)"][3], "420.00");
    // So does a bank line naming it.
    let bank = l.dir.path().join("bank.csv");
    std::fs::write(
        &bank,
        "Data contabile;Data valuta;Ordinante;Descrizione;Dare;Avere;Divisa\n\
         21/05/2026;21/05/2026;Mario Rossi;BONIFICO RIF. FT-12;;100,00;EUR\n",
    )
    .unwrap();
    let mut cmd = l.dun();
    cmd.args(["import", "payments"])
        .arg(&bank)
        .args(["--format", "json"]);
    let paid = l.run_json(&mut cmd);
    assert_eq!(paid["matched"], 1, "{paid}");
    assert_eq!(invoices(&l)["FT-12 (2/3)"][3], "78.00");
    // Re-importing the document updates the instalments in place.
    let again = import(&l, &fixture("fatturapa-instalments.xml"), None);
    assert_eq!(again["created"], 0, "{again}");
    assert_eq!(invoices(&l)["FT-12 (2/3)"][3], "78.00");
}

#[test]
fn csv_rows_numbered_as_instalments_are_instalments_of_their_document() {
    let l = Ledger::new();
    let csv = l.dir.path().join("scadenze.csv");
    std::fs::write(
        &csv,
        "number,customer,issue_date,due_date,amount\n\
         FT-9 (1/2),ACME,2026-09-30,2026-10-30,500.00\n\
         FT-9 (2/2),ACME,2026-09-30,2026-11-30,500.00\n",
    )
    .unwrap();
    let report = import(&l, &csv, None);
    assert_eq!(report["created"], 2, "{report}");
    let shown = l.ok(&["invoice", "show", "FT-9 (2/2)"]);
    assert!(shown.contains("instalment 2 of 2 of FT-9"), "{shown}");
    let all = invoices(&l);
    assert_eq!(all["FT-9 (1/2)"][2], "2026-10-30");
    assert_eq!(all["FT-9 (2/2)"][2], "2026-11-30");
}

/// A folder of e-invoices (and a README, which is left out) in the
/// ledger's temporary folder.
fn inbox(l: &Ledger, files: &[&str]) -> PathBuf {
    let dir = l.dir.path().join("inbox");
    std::fs::create_dir_all(&dir).unwrap();
    for f in files {
        std::fs::copy(fixture(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("README.txt"), "invoices of March\n").unwrap();
    dir
}

fn zip_of(path: &Path, members: &[(&str, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn a_folder_imports_in_one_go_and_a_second_time_changes_nothing() {
    let l = Ledger::new();
    let dir = inbox(
        &l,
        &[
            "fatturapa-instalments.xml",
            "ubl-21-en16931.xml",
            "invoice_EN16931.pdf",
        ],
    );
    let first = import(&l, &dir, None);
    assert_eq!(first["outcome"], "imported");
    assert_eq!(first["created"], 6, "{first}");
    let history = l.json(&["import", "history"]);
    assert_eq!(
        history.as_array().unwrap().len(),
        1,
        "one transaction, one batch"
    );
    let before = l.dump();
    let second = import(&l, &dir, None);
    assert_eq!(second["outcome"], "nothing_changed", "{second}");
    let rows = |d: Vec<String>| -> Vec<String> {
        d.into_iter()
            .filter(|r| !r.starts_with("import_batch:"))
            .collect()
    };
    assert_eq!(rows(l.dump()), rows(before));
    // A corrected invoice updates the one the ledger has.
    let corrected = std::fs::read_to_string(fixture("ubl-21-en16931.xml"))
        .unwrap()
        .replace(">208.03</cbc:PayableAmount>", ">198.03</cbc:PayableAmount>");
    std::fs::write(dir.join("ubl-21-en16931.xml"), corrected).unwrap();
    let third = import(&l, &dir, None);
    assert_eq!(third["updated"], 1, "{third}");
    assert_eq!(invoices(&l)["F124212"][3], "198.03");
}

#[test]
fn a_ubl_invoice_without_a_due_date_is_due_by_its_written_terms() {
    let l = Ledger::new();
    // The public sample without its DueDate: its terms say "30 jours net",
    // and it was issued 2026-06-17.
    let text = std::fs::read_to_string(fixture("ubl-21-en16931.xml"))
        .unwrap()
        .replace("<cbc:DueDate>2026-07-16</cbc:DueDate>", "");
    assert!(!text.contains("<cbc:DueDate>"), "the sample changed");
    let file = l.dir.path().join("no-due-date.xml");
    std::fs::write(&file, &text).unwrap();
    import(&l, &file, None);
    assert_eq!(invoices(&l)["F124212"][2], "2026-07-17");
    // Terms counted from the end of a month are not guessed: the import
    // asks for the customer's terms instead, and writes nothing.
    let l = Ledger::new();
    let month_end = text.replace("30 jours net", "30 jours fin de mois");
    std::fs::write(&file, month_end).unwrap();
    let stderr = refused(&l, &file);
    assert!(stderr.contains("no due date"), "{stderr}");
    assert!(invoices(&l).is_empty());
}

#[test]
fn a_zip_of_e_invoices_imports_like_a_folder() {
    let l = Ledger::new();
    let zip = l.dir.path().join("march.zip");
    zip_of(
        &zip,
        &[
            (
                "march/cius-ro-invoice.xml",
                std::fs::read(fixture("cius-ro-invoice.xml")).unwrap(),
            ),
            (
                "march/zugferd-comfort.xml",
                std::fs::read(fixture("zugferd-comfort.xml")).unwrap(),
            ),
        ],
    );
    let report = import(&l, &zip, None);
    assert_eq!(report["created"], 2, "{report}");
    let all = invoices(&l);
    assert!(all.contains_key("EXS-2026-118") && all.contains_key("471102"));
}

#[test]
fn with_our_vat_id_documents_others_issued_are_left_out_and_listed() {
    let l = Ledger::new();
    let c = config(&l, "[company]\nvat_id = \"IT 012.345.678.90\"\n");
    let dir = inbox(
        &l,
        &[
            "fatturapa-instalments.xml",
            "fatturapa-purchase.xml",
            "IT02182030391_32.xml",
        ],
    );
    let report = import(&l, &dir, Some(&c));
    let notes = notes(&report);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("A/991") && n.contains("a purchase")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("IT02182030391_32.xml 3") && n.contains("not by us")),
        "{notes:?}"
    );
    let all = invoices(&l);
    assert!(all.contains_key("FT-12 (1/3)"));
    assert!(!all.contains_key("A/991") && !all.contains_key("3") && !all.contains_key("4"));
    // Without it, the summary says issuers were not checked.
    let l2 = Ledger::new();
    let report = import(&l2, &fixture("fatturapa-purchase.xml"), None);
    assert!(
        self::notes(&report)
            .iter()
            .any(|n| n.contains("issuers not checked")),
        "{report}"
    );
}

/// Runs a refused import and checks that the ledger did not change.
fn refused_untouched(l: &Ledger, path: &Path) -> String {
    let before = l.dump();
    let err = refused(l, path);
    assert_eq!(l.dump(), before, "{err}");
    err
}

#[test]
fn bad_input_is_refused_naming_the_file_member_and_element() {
    let l = Ledger::new();
    import(&l, &fixture("cius-ro-invoice.xml"), None);
    let dir = l.dir.path().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    // Malformed: cut in the middle of an element.
    let text = std::fs::read_to_string(fixture("ubl-selfbilled-389.xml")).unwrap();
    let cut = dir.join("cut.xml");
    std::fs::write(
        &cut,
        &text[..text.find("<cac:LegalMonetaryTotal>").unwrap() + 40],
    )
    .unwrap();
    let err = refused_untouched(&l, &cut);
    assert!(
        err.contains("cut.xml") && err.contains("Invoice/LegalMonetaryTotal"),
        "{err}"
    );
    // An order is not an invoice.
    let err = refused_untouched(&l, &fixture("order-x-basic.xml"));
    assert!(err.contains("another kind"), "{err}");
    // A bad date in the second body of a FatturaPA.
    let text = std::fs::read_to_string(fixture("IT02182030391_32.xml")).unwrap();
    let second = text.rfind("<Data>2017-01-27</Data>").unwrap();
    let mut bad = text.clone();
    bad.replace_range(
        second..second + "<Data>2017-01-27</Data>".len(),
        "<Data>27/01/2017</Data>",
    );
    let date = dir.join("date.xml");
    std::fs::write(&date, bad).unwrap();
    let err = refused_untouched(&l, &date);
    assert!(
        err.contains(
            "FatturaElettronica/FatturaElettronicaBody[2]/DatiGenerali/DatiGeneraliDocumento/Data"
        ) && err.contains("27/01/2017"),
        "{err}"
    );
    // A PDF with no invoice inside.
    let pdf = dir.join("letter.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
    )
    .unwrap();
    let err = refused_untouched(&l, &pdf);
    assert!(
        err.contains("letter.pdf") && err.contains("no e-invoice inside"),
        "{err}"
    );
    // A zip whose member is broken (its bytes no longer match its CRC).
    let zip = l.dir.path().join("broken.zip");
    let member = std::fs::read(fixture("zugferd-comfort.xml")).unwrap();
    zip_of(&zip, &[("a/zugferd-comfort.xml", member)]);
    let mut bytes = std::fs::read(&zip).unwrap();
    let at = bytes.windows(9).position(|w| w == b"Kunden AG").unwrap();
    bytes[at] = b'X';
    std::fs::write(&zip, bytes).unwrap();
    let err = refused_untouched(&l, &zip);
    assert!(err.contains("broken.zip:a/zugferd-comfort.xml"), "{err}");
}
