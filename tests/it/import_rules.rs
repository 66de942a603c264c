//! Configuration on real ledgers: configured profiles add to the built-in
//! ones, and `config check` says what is in force and what letters lack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::PathBuf;

use assert_cmd::Command;

use common::Ledger;

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
