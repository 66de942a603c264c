//! `dun import`: fixtures in each built-in profile's real layout, imported by
//! the real binary into a temporary ledger, with exact totals and balances;
//! re-imports, newer exports, dry runs, bank payments and their matching.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::Ledger;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Runs `dun import KIND FIXTURE --profile P --format json [extra…]`, which
/// must succeed, and returns its report.
fn import(ledger: &Ledger, kind: &str, name: &str, profile: &str, extra: &[&str]) -> Value {
    let path = fixture(name);
    let mut args = vec!["import", kind, path.to_str().unwrap(), "--profile", profile];
    args.extend(extra);
    ledger.json(&args)
}

/// number → (kind, amount, open_balance, currency, customer).
fn invoices(ledger: &Ledger) -> BTreeMap<String, (String, String, String, String, String)> {
    ledger
        .invoice_fields(["kind", "amount", "open_balance", "currency", "customer"])
        .into_iter()
        .map(|(number, [kind, amount, open, currency, customer])| {
            (number, (kind, amount, open, currency, customer))
        })
        .collect()
}

/// (customer name, currency) → (open_balance, unapplied_credit, code).
fn customers(ledger: &Ledger) -> BTreeMap<(String, String), (String, String, String)> {
    let list = ledger.json(&["customer", "list"]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (
                (s("name"), s("currency")),
                (s("open_balance"), s("unapplied_credit"), s("code")),
            )
        })
        .collect()
}

fn counts(report: &Value) -> [u64; 5] {
    ["rows", "created", "updated", "unchanged", "skipped"].map(|k| report[k].as_u64().unwrap())
}

/// Every row of the ledger but the import history, which records even an
/// import that changed nothing.
fn ledger_rows(ledger: &Ledger) -> Vec<String> {
    ledger
        .dump()
        .into_iter()
        .filter(|row| !row.starts_with("import_batch:"))
        .collect()
}

fn open_of(ledger: &Ledger, number: &str) -> String {
    invoices(ledger)[number].2.clone()
}

#[test]
fn generic_english_export_with_every_quirk() {
    let ledger = Ledger::new();
    let report = import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    assert_eq!(report["outcome"], "imported");
    // Five documents; the quoted two-line note and blank lines are no rows.
    assert_eq!(counts(&report), [5, 5, 0, 0, 0]);
    assert_eq!(report["customers_created"], 2);
    let detected = report["detected"].to_string();
    assert!(detected.contains("dates day first"), "{detected}");
    assert!(detected.contains("decimal mark '.'"), "{detected}");
    let docs = invoices(&ledger);
    // Leading zeros and a 20-digit id are kept as written.
    assert_eq!(
        docs.keys().cloned().collect::<Vec<_>>(),
        ["000123", "000124", "000125", "98765432109876543210", "CN-7"]
    );
    let row = |n: &str| docs[n].clone();
    let t = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            e.to_string(),
        )
    };
    assert_eq!(
        row("000123"),
        t("invoice", "1200.00", "1200.00", "EUR", "ACME")
    );
    assert_eq!(
        row("000124"),
        t("invoice", "350.50", "100.50", "EUR", "ACME")
    );
    assert_eq!(
        row("98765432109876543210"),
        t("invoice", "2000.00", "0.00", "EUR", "BETA")
    );
    assert_eq!(row("000125"), t("invoice", "99.99", "99.99", "USD", "BETA"));
    assert_eq!(row("CN-7").0, "credit_note");
    let people = customers(&ledger);
    // ACME: 1,200.00 + 100.50 open, less the 50.00 credit note not yet used.
    assert_eq!(
        people[&("Acme Ltd".into(), "EUR".into())],
        ("1250.50".into(), "50.00".into(), "ACME".into())
    );
    assert_eq!(people[&("Beta GmbH".into(), "USD".into())].0, "99.99");
    let acme = ledger.json(&["customer", "show", "ACME"]);
    assert_eq!(acme["email"], "ap@acme.example", "{acme}");
    // As of a day before the import the paid part of 000124 was paid
    // already (the export cannot say when): its open balance is the same.
    let before = ledger.run_json(
        ledger
            .dun_as_of("2026-11-21")
            .args(["invoice", "list", "--format", "json"]),
    );
    let paid = before
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == "000124")
        .unwrap();
    assert_eq!(
        paid["open_balance"], "350.50",
        "balances before the import add the settled part back"
    );
}

#[test]
fn italian_windows_1252_semicolon_export() {
    let ledger = Ledger::new();
    let report = import(&ledger, "invoices", "generic-it-cp1252.csv", "generic", &[]);
    assert_eq!(counts(&report), [3, 3, 0, 0, 0]);
    let detected = report["detected"].to_string();
    assert!(detected.contains("delimiter ';'"), "{detected}");
    assert!(detected.contains("decimal mark ','"), "{detected}");
    assert!(detected.contains("Windows-1252"), "{detected}");
    let people = customers(&ledger);
    assert_eq!(
        people[&("Società Rossi S.r.l.".into(), "EUR".into())].0,
        "1434.56"
    );
    assert_eq!(people[&("Caffè Bianchi".into(), "EUR".into())].0, "89.90");
    assert_eq!(open_of(&ledger, "2026/002"), "200.00");
}

#[test]
fn xero_line_items_make_one_invoice_and_drafts_stay_out() {
    let ledger = Ledger::new();
    let report = import(&ledger, "invoices", "xero-SalesInvoices.csv", "xero", &[]);
    // 7 rows: two line items of INV-0001, a draft and a voided invoice left out.
    assert_eq!(counts(&report), [7, 4, 0, 0, 2]);
    let docs = invoices(&ledger);
    assert_eq!(
        docs.keys().cloned().collect::<Vec<_>>(),
        ["CN-0001", "INV-0001", "INV-0002", "INV-0005"]
    );
    assert_eq!(docs["INV-0001"].1, "1320.00");
    assert_eq!(docs["INV-0001"].2, "1000.00", "InvoiceAmountDue");
    assert_eq!(docs["INV-0002"].2, "0.00", "paid in full");
    assert_eq!(docs["CN-0001"].0, "credit_note");
    assert_eq!(docs["INV-0005"].3, "GBP");
    let people = customers(&ledger);
    assert_eq!(
        people[&("Ridgeway University".into(), "EUR".into())].0,
        "900.00"
    );
    assert_eq!(people[&("Bayside Club".into(), "GBP".into())].0, "240.00");
    assert!(!people.keys().any(|(name, _)| name == "Marine Systems"));
}

#[test]
fn quickbooks_aging_detail_with_titles_groups_totals_and_footer() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        "invoices",
        "quickbooks-ar-aging-detail.csv",
        "quickbooks",
        &[],
    );
    assert_eq!(counts(&report), [6, 6, 0, 0, 0]);
    let docs = invoices(&ledger);
    assert_eq!(docs["1030"].1, "2000.00");
    assert_eq!(docs["1030"].2, "1250.00", "Open Balance column");
    assert_eq!(docs["1028"].2, "1081.50", "quoted 1,081.50");
    assert_eq!(docs["1029"].0, "credit_note");
    assert_eq!(docs.len(), 5, "the Payment row is not an invoice");
    let people = customers(&ledger);
    // Mark Cho: 1,250.00 + 314.28 open, 100.00 of credit memo.
    assert_eq!(
        people[&("Mark Cho".into(), "EUR".into())],
        ("1464.28".into(), "100.00".into(), "MARK-CHO".into())
    );
    // The payment row became a payment on account.
    assert_eq!(people[&("Travis Waldron".into(), "EUR".into())].1, "103.55");
    let payments = ledger.json(&["payment", "list"]);
    assert_eq!(payments.as_array().unwrap().len(), 1, "{payments}");
    assert_eq!(payments[0]["amount"], "103.55");
    // The file's total open balance is the ledger's (2,804.30 with the
    // credit memo and the payment netted).
    let net: i64 = people
        .values()
        .map(|(open, _, _)| {
            let (int, frac) = open.trim_start_matches('-').split_once('.').unwrap();
            let minor = int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
            if open.starts_with('-') { -minor } else { minor }
        })
        .sum();
    assert_eq!(net, 280_430);
}

#[test]
fn quickbooks_open_invoices_take_the_customer_from_group_rows() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        "invoices",
        "quickbooks-open-invoices.csv",
        "quickbooks",
        &[],
    );
    assert_eq!(counts(&report), [3, 3, 0, 0, 0]);
    let docs = invoices(&ledger);
    assert_eq!(docs["1030"].4, "MARK-CHO");
    assert_eq!(docs["1035"].4, "MARK-CHO");
    assert_eq!(docs["1037"].4, "SONNENSCHEIN-FAM");
    let people = customers(&ledger);
    assert_eq!(people[&("Mark Cho".into(), "EUR".into())].0, "1564.28");
    // The same customers, named the same, are matched by name on a second
    // report: the Aging Detail adds only what is new.
    let report = import(
        &ledger,
        "invoices",
        "quickbooks-ar-aging-detail.csv",
        "quickbooks",
        &[],
    );
    assert_eq!(report["customers_created"], 2, "{report}");
    assert_eq!(
        counts(&report)[3],
        3,
        "1030, 1035 and 1037 unchanged: {report}"
    );
}

#[test]
fn stripe_export_skips_drafts_and_voids_and_keeps_lower_case_currencies() {
    let ledger = Ledger::new();
    let report = import(&ledger, "invoices", "stripe-invoices.csv", "stripe", &[]);
    assert_eq!(counts(&report), [6, 4, 0, 0, 2]);
    let docs = invoices(&ledger);
    assert_eq!(docs["7F3A2B1C-0001"].2, "120.00");
    assert_eq!(docs["7F3A2B1C-0002"].2, "0.00");
    assert_eq!(docs["7F3A2B1C-0006"].2, "150.00");
    assert_eq!(docs["7F3A2B1C-0004"].3, "USD");
    assert!(!docs.contains_key("7F3A2B1C-0003") && !docs.contains_key("7F3A2B1C-0005"));
    let due = ledger.json(&["invoice", "show", "7F3A2B1C-0004"]);
    assert_eq!(
        due[0]["due_date"], "2026-11-01",
        "blank due date: due on issue, as the stripe profile's terms of 0 days say"
    );
    assert_eq!(report["due_dates_from_default"], 1, "{report}");
    let people = customers(&ledger);
    assert_eq!(
        people[&("Zeta Labs".into(), "USD".into())],
        ("195.00".into(), "0.00".into(), "cus_Pq2bB".into())
    );
}

#[test]
fn the_same_file_twice_changes_nothing_and_says_so() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    let before = ledger_rows(&ledger);
    let again = import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    assert_eq!(again["outcome"], "nothing_changed");
    assert_eq!(counts(&again), [5, 0, 0, 5, 0]);
    assert_eq!(again["seen_before"][0], 1);
    assert_eq!(ledger_rows(&ledger), before);
    let text = ledger.ok(&[
        "import",
        "invoices",
        fixture("generic-en.csv").to_str().unwrap(),
    ]);
    assert!(text.contains("nothing to change"), "{text}");
    assert!(text.contains("imported before: import 2"), "{text}");
    // Every import is in the history, newest first: the first created
    // five invoices, the two after it found them all unchanged.
    let history = ledger.json(&["import", "history"]);
    let rows: Vec<(u64, u64)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["created"].as_u64().unwrap(),
                b["unchanged"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [(0, 5), (0, 5), (5, 0)]);
    assert_eq!(history[2]["file_name"], "generic-en.csv");
    assert_eq!(history[2]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(history[0]["sha256"], history[2]["sha256"]);
}

#[test]
fn a_newer_export_updates_what_changed_and_reports_what_vanished() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    // A dry run says what would change and writes nothing.
    let before = ledger.dump();
    let dry = import(
        &ledger,
        "invoices",
        "generic-en-newer.csv",
        "generic",
        &["--dry-run"],
    );
    assert_eq!(dry["outcome"], "dry_run");
    assert_eq!(counts(&dry), [5, 1, 2, 2, 0]);
    assert_eq!(ledger.dump(), before, "a dry run writes nothing");

    let report = import(&ledger, "invoices", "generic-en-newer.csv", "generic", &[]);
    assert_eq!(report["outcome"], "imported");
    assert_eq!(counts(&report), [5, 1, 2, 2, 0]);
    assert_eq!(report["customers_created"], 1, "GAMMA");
    assert_eq!(report["customers_updated"], 1, "ACME's new email");
    let vanished = report["vanished"].as_array().unwrap();
    assert_eq!(vanished.len(), 1, "{report}");
    assert_eq!(vanished[0]["number"], "000125");
    let docs = invoices(&ledger);
    assert_eq!(docs["000123"].1, "1250.00", "amount updated");
    assert_eq!(docs["000123"].2, "1250.00");
    assert_eq!(docs["000124"].2, "50.50", "paid further");
    assert_eq!(docs["000125"].2, "99.99", "vanished, not deleted");
    let moved = ledger.json(&["invoice", "show", "000124"]);
    assert_eq!(moved[0]["due_date"], "2026-11-21");
    let acme = ledger.json(&["customer", "show", "ACME"]);
    assert_eq!(acme["email"], "accounts@acme.example");
    assert_eq!(
        ledger
            .json(&["import", "history"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_payment_recorded_in_dun_is_kept_when_the_export_lags() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "1200",
        "--date",
        "2026-11-20",
        "--invoice",
        "000123",
    ]);
    let report = import(&ledger, "invoices", "generic-en-newer.csv", "generic", &[]);
    // The export raised 000123 to 1,250.00 and still shows it all open; the
    // ledger knows 1,200.00 was paid and keeps that.
    assert_eq!(open_of(&ledger, "000123"), "50.00");
    let notes = report["notes"].to_string();
    assert!(notes.contains("000123"), "{notes}");
}

#[test]
fn bank_payments_match_by_reference_then_payer_and_amount_else_wait() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-it-cp1252.csv", "generic", &[]);
    let report = import(&ledger, "payments", "bank-it.csv", "generic", &[]);
    assert_eq!(report["outcome"], "imported");
    // Four lines: one charge left out, two matched, one waiting.
    assert_eq!(counts(&report), [4, 3, 0, 0, 1]);
    assert_eq!(report["matched"], 2);
    let waiting = report["waiting"].as_array().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["amount"], "1000.00");
    assert_eq!(waiting[0]["line"], 5);
    // By the invoice number in the reference…
    assert_eq!(open_of(&ledger, "2026/002"), "0.00");
    // …and by the payer's name and the exact open amount.
    assert_eq!(open_of(&ledger, "2026/003"), "0.00");
    assert_eq!(open_of(&ledger, "2026/001"), "1234.56", "never guessed");

    // The same statement again adds nothing.
    let before = ledger_rows(&ledger);
    let again = import(&ledger, "payments", "bank-it.csv", "generic", &[]);
    assert_eq!(again["outcome"], "nothing_changed");
    assert_eq!(ledger_rows(&ledger), before);

    // The bookkeeper allocates the waiting line.
    let list = ledger.json(&["payment", "allocate"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let id = list[0]["id"].to_string();
    let text = ledger.ok(&["payment", "allocate", &id, "--invoice", "2026/001"]);
    assert!(text.contains("ROSSI"), "{text}");
    assert_eq!(open_of(&ledger, "2026/001"), "234.56");
    assert!(
        ledger
            .json(&["payment", "allocate"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let refused = ledger
        .dun()
        .args(["payment", "allocate", &id, "--customer", "ROSSI"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "allocated once only");
}

#[test]
fn a_configured_profile_reads_a_bank_layout() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-it-cp1252.csv", "generic", &[]);
    let config = ledger.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[import.profiles.mybank]\ndelimiter = \"|\"\ndecimal_mark = \",\"\ndate_format = \"%Y%m%d\"\nheader_row = 2\n[import.profiles.mybank.columns]\npaid_on = [\"Buchungstag\"]\namount = [\"Betrag\"]\nreference = [\"Verwendungszweck\"]\n",
    )
    .unwrap();
    let file = ledger.dir.path().join("umsatz.txt");
    std::fs::write(
        &file,
        "Kontoauszug 11/2026|\nBuchungstag|Betrag|Verwendungszweck\n20261116|200,00|Rechnung 2026/002\n",
    )
    .unwrap();
    let report = ledger.run_json(
        ledger
            .dun()
            .arg("--config")
            .arg(&config)
            .args(["import", "payments"])
            .arg(&file)
            .args(["--profile", "mybank", "--format", "json"]),
    );
    assert_eq!(report["matched"], 1, "{report}");
    assert_eq!(open_of(&ledger, "2026/002"), "0.00");
    let check = ledger
        .dun()
        .arg("--config")
        .arg(&config)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(check.status.success());
}

/// Starts importing a 60,000-invoice export, kills the process once the
/// ledger's `watch` file (`-wal` or `-journal`) has grown past 2 MB, and
/// checks that nothing of the import remains. True when it was killed
/// (false: it finished first, and all of it is in).
fn kill_mid_import(ledger: &Ledger, watch: &str) -> bool {
    let before = ledger.dump();
    let big = ledger.dir.path().join("big.csv");
    if !big.exists() {
        common::demo_csv(60000, "2026-11-22", &big);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dun"))
        .env("HOME", ledger.dir.path())
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", "2026-11-22", "import", "invoices"])
        .arg(&big)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut side = ledger.db.clone().into_os_string();
    side.push(watch);
    let grown = |path: &std::ffi::OsStr| std::fs::metadata(path).is_ok_and(|m| m.len() > 2 << 20);
    let started = std::time::Instant::now();
    let mut finished = false;
    while started.elapsed() < std::time::Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            finished = true;
            break;
        }
        // The WAL grows as pages spill into it; with a rollback journal,
        // the ledger file itself grows while the journal exists.
        let writing = if watch == "-wal" {
            grown(&side)
        } else {
            std::path::Path::new(&side).exists() && grown(ledger.db.as_os_str())
        };
        if writing {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().ok();
    child.wait().unwrap();
    let after = ledger.dump();
    if finished {
        // Too fast to interrupt on this machine: then all of it is in.
        assert!(after.len() > before.len() + 60_000);
    } else {
        assert_eq!(after, before, "nothing of a killed import remains");
    }
    !finished
}

#[test]
fn an_import_killed_mid_way_leaves_the_ledger_as_before() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    kill_mid_import(&ledger, "-wal");
}

#[test]
fn a_first_import_killed_mid_way_leaves_an_empty_ledger() {
    // Into an empty ledger the import writes through a rollback journal.
    let ledger = Ledger::new();
    ledger.ok(&["init"]);
    let killed = kill_mid_import(&ledger, "-journal");
    let mode = rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
        .unwrap();
    if killed {
        assert_eq!(
            mode, "delete",
            "left in rollback mode by the kill, until dun opens it"
        );
    }
    ledger.ok(&["aging"]);
    let mode = rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_hostile_file_name_is_shown_escaped() {
    let ledger = Ledger::new();
    let name = ledger.dir.path().join("evil\u{1b}[2J.csv");
    std::fs::write(
        &name,
        "number,customer,issue_date,amount\nINV-1,ACME,2026-11-01,ten\n",
    )
    .unwrap();
    let out = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&name)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    assert!(stderr.contains("evil\\x1b[2J.csv:2:4:"), "{stderr}");
}

#[test]
fn an_open_balance_is_trusted_over_what_was_paid() {
    // Xero's InvoiceAmountDue leaves out credit notes applied: paid + due
    // fall short of the total, and what is due is what stays open.
    let ledger = Ledger::new();
    let file = ledger.dir.path().join("credited.csv");
    std::fs::write(
        &file,
        "number,customer,issue_date,due_date,amount,paid,open balance\nINV-9,ACME,2026-11-01,2026-11-01,500.00,100.00,300.00\n",
    )
    .unwrap();
    ledger.ok(&["import", "invoices", file.to_str().unwrap()]);
    assert_eq!(open_of(&ledger, "INV-9"), "300.00");
}

#[test]
fn a_payment_an_export_listed_is_applied_when_a_newer_export_shows_it_applied() {
    let ledger = Ledger::new();
    let first = ledger.dir.path().join("aging-1.csv");
    let second = ledger.dir.path().join("aging-2.csv");
    let head = ",Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance\n";
    std::fs::write(
        &first,
        format!(
            "{head},10/01/2026,Invoice,1001,Mark Cho,10/31/2026,1000.00,1000.00\n\
             ,10/20/2026,Payment,,Mark Cho,10/20/2026,-300.00,-300.00\n"
        ),
    )
    .unwrap();
    // QuickBooks applied the payment: the invoice shows 700 open and the
    // payment is gone from the report.
    std::fs::write(
        &second,
        format!("{head},10/01/2026,Invoice,1001,Mark Cho,10/31/2026,1000.00,700.00\n"),
    )
    .unwrap();
    for file in [&first, &second] {
        ledger.ok(&[
            "import",
            "invoices",
            file.to_str().unwrap(),
            "--profile",
            "quickbooks",
        ]);
    }
    assert_eq!(open_of(&ledger, "1001"), "700.00");
    let people = customers(&ledger);
    // Not 400.00: the 300.00 is the payment, applied, not paid twice.
    assert_eq!(
        people[&("Mark Cho".into(), "EUR".into())],
        ("700.00".into(), "0.00".into(), "MARK-CHO".into())
    );
}

#[test]
fn a_customer_whose_name_starts_with_total_keeps_its_invoices() {
    let ledger = Ledger::new();
    let file = ledger.dir.path().join("open.csv");
    std::fs::write(
        &file,
        ",Date,Transaction Type,Num,Terms,Due Date,Amount,Open Balance\n\
         Mark Cho,,,,,,,\n\
         ,10/01/2026,Invoice,1030,Net 30,10/31/2026,100.00,100.00\n\
         Total for Mark Cho,,,,,,$100.00,$100.00\n\
         Total Wine & More,,,,,,,\n\
         ,10/02/2026,Invoice,1031,Net 30,11/01/2026,50.00,50.00\n\
         Total for Total Wine & More,,,,,,$50.00,$50.00\n\
         TOTAL,,,,,,$150.00,$150.00\n",
    )
    .unwrap();
    ledger.ok(&[
        "import",
        "invoices",
        file.to_str().unwrap(),
        "--profile",
        "quickbooks",
    ]);
    let docs = invoices(&ledger);
    assert_eq!(docs["1030"].4, "MARK-CHO");
    assert_eq!(docs["1031"].4, "TOTAL-WINE-MORE");
}

#[test]
fn as_of_balances_follow_each_import_that_settled_part_of_an_invoice() {
    let ledger = Ledger::new();
    let file = ledger.dir.path().join("e.csv");
    let write = |open: &str| {
        std::fs::write(
            &file,
            format!("number,customer,issue_date,due_date,amount,open balance\nINV-1,ACME,2026-10-01,2026-10-01,1000.00,{open}\n"),
        )
        .unwrap();
    };
    let run = |as_of: &str, args: &[&str]| {
        let out = ledger.dun_as_of(as_of).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let open_on = |as_of: &str| {
        let v = ledger.run_json(
            ledger
                .dun_as_of(as_of)
                .args(["invoice", "show", "INV-1", "--format", "json"]),
        );
        v[0]["open_balance"].as_str().unwrap().to_string()
    };
    write("700.00");
    run(
        "2026-11-10",
        &["import", "invoices", file.to_str().unwrap()],
    );
    write("500.00");
    run(
        "2026-11-20",
        &["import", "invoices", file.to_str().unwrap()],
    );
    write("900.00");
    run(
        "2026-11-22",
        &["import", "invoices", file.to_str().unwrap()],
    );
    assert_eq!(open_on("2026-11-09"), "1000.00");
    assert_eq!(open_on("2026-11-15"), "700.00");
    assert_eq!(open_on("2026-11-21"), "500.00");
    // The newest export shows it open again: what imports settled is undone.
    assert_eq!(open_on("2026-11-22"), "900.00");
}

#[test]
fn a_dry_run_before_the_ledger_exists_creates_nothing() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        "invoices",
        "generic-en.csv",
        "generic",
        &["--dry-run"],
    );
    assert_eq!(report["outcome"], "dry_run");
    assert_eq!(counts(&report), [5, 5, 0, 0, 0]);
    assert!(
        !ledger.db.exists(),
        "no ledger file where the ledger would be"
    );
}

#[test]
fn a_row_skipped_as_invalid_leaves_no_new_customer_behind() {
    let ledger = Ledger::new();
    import(&ledger, "invoices", "generic-en.csv", "generic", &[]);
    let file = ledger.dir.path().join("clash.csv");
    // 000123 is ACME's: a new customer ZED cannot take it.
    std::fs::write(
        &file,
        "number,customer,issue_date,due_date,amount\n000123,ZED,2026-11-01,2026-11-01,5.00\nNEW-1,ACME,2026-11-01,2026-11-01,7.00\n",
    )
    .unwrap();
    let out = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&file)
        .arg("--skip-invalid")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("clash.csv:2: 000123 belongs to another customer")
    );
    let codes: Vec<String> = ledger
        .json(&["customer", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert!(!codes.contains(&"ZED".to_string()), "{codes:?}");
    assert_eq!(open_of(&ledger, "NEW-1"), "7.00");
}
