//! Profiles: the built-ins parse, headers fold, columns map, and a
//! configured profile overrides and extends.

use super::*;

fn record(fields: &[&str]) -> Record {
    Record {
        line: 1,
        fields: csv::StringRecord::from(fields.to_vec()),
    }
}

#[test]
fn every_field_has_a_slot() {
    assert_eq!(
        Field::PayerIban as usize + 1,
        Field::COUNT,
        "PayerIban is the last field"
    );
}

#[test]
fn builtins_parse_and_resolve() {
    for name in BUILTIN {
        let profile = Profile::resolve(name, &BTreeMap::new());
        assert!(profile.is_ok(), "{name}: {profile:?}");
    }
    assert!(Profile::resolve("nope", &BTreeMap::new()).is_err());
    let defined = builtins().map(|b| b.len()).unwrap_or(0);
    assert_eq!(
        defined,
        BUILTIN.len(),
        "every built-in profile is listed in BUILTIN"
    );
}

#[test]
fn folds_headers_in_five_languages() {
    assert_eq!(fold("N° Fattura"), "n fattura");
    assert_eq!(fold("*InvoiceNumber"), "invoicenumber");
    assert_eq!(fold("Data scadenței"), "data scadentei");
    assert_eq!(fold("Échéance"), "echeance");
    assert_eq!(fold("  Número de factura "), "numero de factura");
}

#[test]
fn maps_columns_by_the_most_specific_name() {
    let generic =
        Profile::resolve("generic", &BTreeMap::new()).unwrap_or_else(|e| unreachable!("{e}"));
    let header = record(&[
        "number",
        "customer",
        "customer_name",
        "Importo",
        "Scadenza",
        "",
    ]);
    let layout = generic.layout(&header, INVOICE_FIELDS);
    assert_eq!(layout.columns.get(&Field::Number), Some(&0));
    assert_eq!(layout.columns.get(&Field::Customer), Some(&1));
    assert_eq!(layout.columns.get(&Field::CustomerName), Some(&2));
    assert_eq!(layout.columns.get(&Field::Amount), Some(&3));
    assert_eq!(layout.columns.get(&Field::DueDate), Some(&4));
}

#[test]
fn a_configured_profile_overrides_and_extends() {
    let spec: BTreeMap<String, ProfileSpec> = toml::from_str(
        "[bank]\ndelimiter = \";\"\ndecimal_mark = \",\"\n[bank.columns]\namount = [\"Importo EUR\"]\n",
    )
    .unwrap_or_default();
    let bank = Profile::resolve("bank", &spec).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!((bank.delimiter, bank.decimal_mark), (Some(b';'), Some(',')));
    let layout = bank.layout(
        &record(&["Data valuta", "Importo EUR", "Causale"]),
        PAYMENT_FIELDS,
    );
    assert_eq!(layout.columns.get(&Field::Amount), Some(&1));
    assert_eq!(layout.columns.get(&Field::PaidOn), Some(&0));
    assert_eq!(layout.columns.get(&Field::Reference), Some(&2));
    for bad in [
        "[x]\ndate_format = \"%Q\"\n",
        "[x]\ndelimiter = \"\\n\"\n",
        "[x]\ndelimiter = \";\"\nquote = \";\"\n",
        "[x]\ndecimal_mark = \";\"\n",
    ] {
        let spec: BTreeMap<String, ProfileSpec> = toml::from_str(bad).unwrap_or_default();
        assert!(spec.contains_key("x"), "{bad}");
        assert!(Profile::resolve("x", &spec).is_err(), "{bad}");
    }
}
