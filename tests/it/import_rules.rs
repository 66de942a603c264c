//! Imports on real ledgers: imported customers keep the age of their
//! relationship, invoices without a due date get one from payment terms (or
//! the file is refused), and configured profiles add to the built-in ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;

use common::Ledger;
use serde_json::Value;

/// Writes `contents` to `name` in the ledger's folder.
fn file(ledger: &Ledger, name: &str, contents: &str) -> PathBuf {
    let path = ledger.dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// `dun --config CONFIG` as of AS_OF.
fn with_config(ledger: &Ledger, config: &PathBuf) -> Command {
    let mut cmd = ledger.dun();
    cmd.arg("--config").arg(config);
    cmd
}

/// `dun [--config CONFIG] import invoices FILE --format json` as of AS_OF.
fn import(ledger: &Ledger, path: &PathBuf, config: Option<&PathBuf>) -> Output {
    let mut cmd = config.map_or_else(|| ledger.dun(), |c| with_config(ledger, c));
    cmd.args(["import", "invoices"])
        .arg(path)
        .args(["--format", "json"])
        .output()
        .unwrap()
}

/// Imports `contents` as `invoices.csv`, which must succeed, with no config.
fn imported_csv(ledger: &Ledger, contents: &str) -> Value {
    let csv = file(ledger, "invoices.csv", contents);
    imported(ledger, &csv, None)
}

fn imported(ledger: &Ledger, path: &PathBuf, config: Option<&PathBuf>) -> Value {
    let output = import(ledger, path, config);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The measures of a customer in `dun customer list` as `cmd` runs it.
fn measures_in(ledger: &Ledger, cmd: &mut Command, code: &str) -> Vec<String> {
    let list = ledger.run_json(cmd.args(["customer", "list", "--format", "json"]));
    let customer = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no customer {code} in {list}"));
    customer["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect()
}

/// The measures of a customer as of `as_of`.
fn measures(ledger: &Ledger, code: &str, as_of: &str) -> Vec<String> {
    measures_in(ledger, &mut ledger.dun_as_of(as_of), code)
}

fn on_probation(ledger: &Ledger, code: &str, as_of: &str) -> bool {
    measures(ledger, code, as_of).contains(&"probation".to_string())
}

/// One measure of `dun status CODE` as of AS_OF: since when and why.
fn status_measure(ledger: &Ledger, code: &str, measure: &str) -> Value {
    let status = ledger.run_json(ledger.dun().args(["status", code, "--format", "json"]));
    status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"] == measure)
        .unwrap_or_else(|| panic!("no {measure} in {status}"))
        .clone()
}

fn due_date(ledger: &Ledger, number: &str) -> String {
    let shown = ledger.json(&["invoice", "show", number]);
    shown[0]["due_date"].as_str().unwrap().to_string()
}

#[test]
fn an_imported_customer_with_last_years_invoices_is_not_on_probation() {
    let ledger = Ledger::new();
    imported_csv(
        &ledger,
        "Invoice Number,Customer Code,Customer Name,Invoice Date,Due Date,Amount,Open Balance\n\
         2025-101,OLD,Old Friends Srl,2025-06-02,2025-07-02,500.00,0.00\n\
         2026-201,OLD,Old Friends Srl,2026-11-02,2026-12-02,300.00,300.00\n\
         2026-202,NEW,New Faces Ltd,2026-10-15,2026-11-14,200.00,200.00\n",
    );
    assert!(
        !on_probation(&ledger, "OLD", common::AS_OF),
        "a customer invoiced since June 2025 is not new"
    );
    assert!(on_probation(&ledger, "NEW", common::AS_OF));
    // Judged as of the date, from the first invoice: three months after
    // 15 October it is over.
    let probation = status_measure(&ledger, "NEW", "probation");
    assert_eq!(probation["since"], "2026-10-15", "{probation}");
    assert!(!on_probation(&ledger, "NEW", "2027-01-15"));
    assert!(on_probation(&ledger, "NEW", "2027-01-14"));
}

#[test]
fn a_customer_since_column_dates_the_relationship() {
    let ledger = Ledger::new();
    imported_csv(
        &ledger,
        "Invoice Number,Customer Code,Customer Name,Customer Since,Invoice Date,Due Date,Amount\n\
         2026-301,LOYAL,Loyal Sa,2019-03-01,2026-11-02,2026-12-02,300.00\n\
         2026-302,FRESH,Fresh Sarl,,2026-11-05,2026-12-05,100.00\n",
    );
    assert!(
        !on_probation(&ledger, "LOYAL", common::AS_OF),
        "a customer since 2019 is not new, whatever its first invoice in the file"
    );
    assert!(on_probation(&ledger, "FRESH", common::AS_OF));
    // `customer show` dates the relationship the same way.
    let loyal = ledger.json(&["customer", "show", "LOYAL"]);
    assert_eq!(loyal["customer_since"], "2019-03-01", "{loyal}");
    let fresh = ledger.json(&["customer", "show", "FRESH"]);
    assert_eq!(fresh["customer_since"], "2026-11-05", "{fresh}");
    let shown = ledger.ok(&["customer", "show", "LOYAL"]);
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("customer since") && l.contains("2019-03-01")),
        "{shown}"
    );
}

#[test]
fn on_probation_a_smaller_credit_limit_applies() {
    let ledger = Ledger::new();
    imported_csv(
        &ledger,
        "Invoice Number,Customer Code,Customer Name,Invoice Date,Due Date,Amount,Open Balance\n\
         2024-001,OLD,Old Friends Srl,2024-01-10,2024-02-09,50.00,0.00\n\
         2026-401,OLD,Old Friends Srl,2026-11-02,2026-12-02,700.00,700.00\n\
         2026-402,NEW,New Faces Ltd,2026-11-02,2026-12-02,700.00,700.00\n",
    );
    for code in ["OLD", "NEW"] {
        ledger.ok(&["customer", "edit", code, "--credit-limit", "1000"]);
    }
    assert_eq!(
        measures(&ledger, "OLD", common::AS_OF),
        Vec::<String>::new()
    );
    assert_eq!(
        measures(&ledger, "NEW", common::AS_OF),
        ["over_limit", "probation"],
        "700 is within the limit of 1000 but not the probation limit of 500"
    );
    let over = status_measure(&ledger, "NEW", "over_limit");
    assert!(over["why"].as_str().unwrap().contains("500.00"), "{over}");
    // The share is a config key.
    let config = file(
        &ledger,
        "dun.toml",
        "[credit]\nprobation_limit_percent = 80\n",
    );
    let mut cmd = with_config(&ledger, &config);
    assert_eq!(measures_in(&ledger, &mut cmd, "NEW"), ["probation"]);
}

#[test]
fn a_file_without_due_dates_takes_the_customers_terms_and_says_so() {
    let ledger = Ledger::new();
    ledger.ok(&[
        "customer", "add", "ACME", "--name", "Acme Spa", "--terms", "45",
    ]);
    let csv = file(
        &ledger,
        "invoices.csv",
        "Invoice Number,Customer Code,Invoice Date,Amount\n\
         A-1,ACME,2026-10-01,120.00\n",
    );
    let report = imported(&ledger, &csv, None);
    assert_eq!(
        due_date(&ledger, "A-1"),
        "2026-11-15",
        "45 days after issue"
    );
    assert_eq!(report["due_dates_from_terms"], 1, "{report}");
    let text = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(file(
            &ledger,
            "more.csv",
            "Invoice Number,Customer Code,Invoice Date,Amount\nA-2,ACME,2026-10-02,80.00\n",
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("no due date in the file") && text.contains("payment terms"),
        "{text}"
    );
    assert_eq!(due_date(&ledger, "A-2"), "2026-11-16");
}

#[test]
fn a_blank_due_date_takes_the_configured_default() {
    let ledger = Ledger::new();
    let config = file(&ledger, "dun.toml", "[import]\npayment_terms_days = 30\n");
    let csv = file(
        &ledger,
        "invoices.csv",
        "Invoice Number,Customer,Invoice Date,Due Date,Amount\n\
         B-1,Beta Srl,2026-10-01,,100.00\n\
         B-2,Beta Srl,2026-10-01,2026-10-11,100.00\n",
    );
    let report = imported(&ledger, &csv, Some(&config));
    assert_eq!(due_date(&ledger, "B-1"), "2026-10-31");
    assert_eq!(due_date(&ledger, "B-2"), "2026-10-11");
    assert_eq!(report["due_dates_from_default"], 1, "{report}");
}

#[test]
fn without_terms_a_file_without_due_dates_is_refused() {
    let ledger = Ledger::new();
    ledger.ok(&["customer", "add", "ACME", "--name", "Acme Spa"]);
    let before = ledger.dump();
    let blank = file(
        &ledger,
        "blank.csv",
        "Invoice Number,Customer Code,Invoice Date,Scadenza,Amount\n\
         C-1,ACME,2026-10-01,2026-10-31,100.00\n\
         C-2,ACME,2026-10-01,,100.00\n",
    );
    let output = import(&ledger, &blank, None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("blank.csv:3:4") && stderr.contains("Scadenza"),
        "{stderr}"
    );
    assert!(stderr.contains("payment terms"), "{stderr}");
    let missing = file(
        &ledger,
        "nodue.csv",
        "Invoice Number,Customer Code,Invoice Date,Amount\nC-3,ACME,2026-10-01,100.00\n",
    );
    let output = import(&ledger, &missing, None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nodue.csv") && stderr.contains("due_date"),
        "names the column it needs: {stderr}"
    );
    assert_eq!(ledger.dump(), before, "the ledger is untouched");
}

fn config_check(ledger: &Ledger, toml: &str) -> String {
    let config = file(ledger, "dun.toml", toml);
    let output = with_config(ledger, &config)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn configured_policy_profiles_add_to_the_built_in_ones() {
    let ledger = Ledger::new();
    let config = file(&ledger, "dun.toml", "[dunning.profiles.vip]\ncall = 20\n");
    ledger.ok(&["customer", "add", "SLOW", "--name", "Slow Spa"]);
    ledger.ok(&[
        "invoice",
        "add",
        "S-1",
        "--customer",
        "SLOW",
        "--issued",
        "2026-10-19",
        "--due",
        "2026-11-18",
        "--amount",
        "100",
    ]);
    let edited = with_config(&ledger, &config)
        .args(["customer", "edit", "SLOW", "--policy", "slow_payer"])
        .output()
        .unwrap();
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    let invoices = ledger
        .run_json(with_config(&ledger, &config).args(["invoice", "list", "--format", "json"]));
    assert_eq!(
        invoices[0]["stage"], "call",
        "4 days overdue: slow_payer still calls at 3 days: {invoices}"
    );
    let out = config_check(&ledger, "[dunning.profiles.vip]\ncall = 20\n");
    assert!(
        out.contains("slow_payer (built in)") && out.contains("vip (configured)"),
        "{out}"
    );
    // Redefined by name, the configured one is in force.
    let out = config_check(&ledger, "[dunning.profiles.slow_payer]\ncall = 2\n");
    assert!(out.contains("slow_payer (configured)"), "{out}");
    // A ladder of its own keeps the built-in profile for the stages it has.
    let out = config_check(
        &ledger,
        "[[dunning.stage]]\nid = \"call\"\ndays = 7\naction = \"call\"\n",
    );
    assert!(out.contains("slow_payer (built in)"), "{out}");
}

#[test]
fn config_check_lists_import_profiles_and_warns_about_empty_company_fields() {
    let ledger = Ledger::new();
    let out = config_check(
        &ledger,
        "[company]\nname = \"Acme Supplies Ltd\"\n[import.profiles.mybank]\ndelimiter = \";\"\n\
         [import.profiles.xero]\nextends = \"generic\"\n",
    );
    assert!(
        out.contains("generic (built in)")
            && out.contains("quickbooks (built in)")
            && out.contains("mybank (configured)")
            && out.contains("xero (configured)"),
        "{out}"
    );
    assert!(out.contains("[company] iban is empty"), "{out}");
    assert!(!out.contains("[company] name is empty"), "{out}");
    let full = "[company]\nname = \"Acme\"\naddress = \"1 High Street\"\nemail = \"a@acme.example\"\n\
                phone = \"+44 20 7946 0000\"\nbilling_contact = \"Jane\"\niban = \"GB33BUKB20201555555555\"\n";
    let out = config_check(&ledger, full);
    assert!(!out.contains("warning"), "{out}");
}
