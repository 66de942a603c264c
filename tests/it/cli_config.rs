//! Configuration errors name the file and the key; good files pass
//! `dun config check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::Ledger;

/// `dun config check` of a file `dun.toml` holding `toml`: (exit code,
/// stdout, stderr).
pub(crate) fn check(ledger: &Ledger, toml: &str) -> (Option<i32>, String, String) {
    let path = ledger.dir.path().join("dun.toml");
    std::fs::write(&path, toml).unwrap();
    let output = ledger
        .dun()
        .arg("--config")
        .arg(&path)
        .args(["config", "check"])
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_example_config_passes_the_check() {
    let ledger = Ledger::new();
    let (code, stdout, stderr) = check(&ledger, include_str!("../../config.example.toml"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("config OK") && stdout.contains("dun.toml"),
        "{stdout}"
    );
    assert!(stdout.contains("call +7"), "{stdout}");
}

#[test]
fn broken_configs_fail_naming_file_and_key() {
    let cases: &[(&str, &[&str])] = &[
        ("colour = \"red\"\n", &["dun.toml", "colour"]),
        ("[smtp]\nport = \"twenty-five\"\n", &["dun.toml", "port"]),
        ("[smtp]\ntls = \"ssl\"\n", &["dun.toml", "tls", "ssl"]),
        ("locale = \"de\"\n", &["dun.toml", "de"]),
        ("currency = \"EU\"\n", &["dun.toml", "EU"]),
        (
            "[aging]\nbuckets = [60, 30]\n",
            &["dun.toml", "aging.buckets"],
        ),
        (
            "[dunning]\nmin_balance = \"1,5\"\n",
            &["dun.toml", "min_balance"],
        ),
        (
            "[[dunning.stage]]\nid = \"call\"\ndays = 7\naction = \"phone\"\n",
            &["dun.toml", "phone"],
        ),
        (
            "[[dunning.stage]]\nid = \"a\"\ndays = 7\naction = \"call\"\n[[dunning.stage]]\nid = \"b\"\ndays = 3\naction = \"email\"\n",
            &["dun.toml", "dunning.stage.days", "'b'"],
        ),
        (
            "[dunning.profiles.slow_payer]\ncal = 3\n",
            &["dun.toml", "dunning.profiles.slow_payer.cal"],
        ),
        ("[company\nname = 1\n", &["dun.toml"]),
        (
            "[credit]\nprobation_limit_percent = 150\n",
            &["dun.toml", "credit.probation_limit_percent"],
        ),
        (
            "[import]\npayment_terms_days = 5000\n",
            &["dun.toml", "import.payment_terms_days"],
        ),
        (
            "[import.profiles.x]\npayment_terms_days = 5000\n",
            &["dun.toml", "import.profiles.x", "payment_terms_days"],
        ),
        (
            "[dunning]\npromise_grace_days = 4000000000\n",
            &["dun.toml", "promise_grace_days"],
        ),
        (
            "[dunning]\ndispute_follow_up_days = 4000\n",
            &["dun.toml", "dispute_follow_up_days", "3650"],
        ),
        (
            "[terms]\nweekly_penalty = \"79228162514264337593543950335\"\n",
            &["dun.toml", "terms.weekly_penalty"],
        ),
        (
            "[terms]\ninterest_rate = \"250\"\n",
            &["dun.toml", "terms.interest_rate"],
        ),
    ];
    let ledger = Ledger::new();
    for (toml, words) in cases {
        let (code, _, stderr) = check(&ledger, toml);
        assert_eq!(code, Some(1), "{toml}: {stderr}");
        for word in *words {
            assert!(stderr.contains(word), "{toml:?}: {stderr:?} lacks {word:?}");
        }
    }
}

#[test]
fn a_missing_explicit_config_file_is_an_error() {
    let ledger = Ledger::new();
    let output = ledger
        .dun()
        .args(["--config", "/nonexistent/dun.toml", "config", "check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/dun.toml"));
}

#[test]
fn config_locale_and_currency_apply_to_commands() {
    let ledger = Ledger::new();
    let path = ledger.dir.path().join("dun.toml");
    std::fs::write(&path, "locale = \"fr\"\ncurrency = \"CHF\"\n").unwrap();
    let run = |args: &[&str]| {
        let out = ledger
            .dun()
            .arg("--config")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["customer", "add", "DUP", "--name", "Dupont SA"]);
    run(&[
        "invoice",
        "add",
        "F-1",
        "--customer",
        "DUP",
        "--issued",
        "2026-11-01",
        "--due",
        "2026-12-01",
        "--amount",
        "12 345,60",
    ]);
    let table = run(&["invoice", "list"]);
    assert!(
        table.contains("12 345,60") && table.contains("CHF"),
        "{table}"
    );
}
