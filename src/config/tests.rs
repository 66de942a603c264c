//! Configuration: defaults, the example file, and errors that name the key.

use super::*;

fn parse(text: &str) -> Result<Loaded, ConfigError> {
    let path = Path::new("test.toml");
    Config::from_toml(text, path)?.validate(Origin::File(path.into()))
}

#[test]
fn defaults_are_the_domain_ladder() {
    let loaded = parse("").expect("empty config is valid");
    let ladder: Vec<(&str, i32)> = loaded
        .config
        .dunning
        .stage
        .iter()
        .map(|s| (s.id.as_str(), s.days))
        .collect();
    assert_eq!(
        ladder,
        [
            ("pre_due_reminder", -3),
            ("overdue_email", 5),
            ("call", 7),
            ("escalate_sales_rep", 15),
            ("stop_supply", 30),
            ("cash_only", 60)
        ]
    );
}

#[test]
fn the_example_file_is_valid_and_complete() {
    let text = include_str!("../../config.example.toml");
    let loaded = parse(text).expect("config.example.toml parses");
    assert_eq!(loaded.config.locale, Locale::En);
}

#[test]
fn unknown_keys_and_bad_values_name_the_key() {
    let err = parse("colour = 1").expect_err("unknown key").to_string();
    assert!(err.contains("colour") && err.contains("test.toml"), "{err}");
    let err = parse("[smtp]\nprot = 25").expect_err("typo").to_string();
    assert!(err.contains("prot"), "{err}");
    let err = parse("locale = \"de\"")
        .expect_err("bad locale")
        .to_string();
    assert!(err.contains("locale") || err.contains("de"), "{err}");
    let err = parse("[aging]\nbuckets = [60, 30]")
        .expect_err("order")
        .to_string();
    assert!(err.contains("aging.buckets"), "{err}");
    let err = parse("[dunning.profiles.slow]\ncalll = 3")
        .expect_err("profile names a missing stage")
        .to_string();
    assert!(err.contains("dunning.profiles.slow.calll"), "{err}");
    let err = parse("[dunning]\nmin_balance = \"abc\"")
        .expect_err("decimal")
        .to_string();
    assert!(err.contains("min_balance"), "{err}");
}

#[test]
fn the_fees_currency_defaults_to_the_ledger_currency() {
    let loaded = parse("currency = \"USD\"\n").expect("valid");
    assert_eq!(loaded.config.terms.fees_currency, Some(Currency::USD));
    let loaded = parse("currency = \"USD\"\n[terms]\nfees_currency = \"GBP\"\n").expect("valid");
    assert_eq!(loaded.config.terms.fees_currency, Some(Currency::GBP));
    let err = parse("[terms]\nfees_currency = \"EU\"\n")
        .expect_err("bad currency")
        .to_string();
    assert!(err.contains("fees_currency") || err.contains("EU"), "{err}");
}
