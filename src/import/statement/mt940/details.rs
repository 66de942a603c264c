//! The `:86:` field: the German structured form (a transaction code, then
//! `?NN` subfields: `?20`–`?29` remittance with `EREF+`, `SVWZ+`, `KREF+`,
//! `MREF+`…, `?31` the payer's account, `?32`/`?33` the name), the Dutch
//! `/NAME/…/REMI/…` form, or free text.

use super::super::iban;

/// What `:86:` says of a line.
#[derive(Debug, Default)]
pub(super) struct Details {
    /// The remittance text.
    pub(super) reference: Option<String>,
    /// The payer's name.
    pub(super) name: Option<String>,
    /// The payer's account.
    pub(super) iban: Option<String>,
    /// A creditor reference (`RF…`) or the payer's end-to-end reference.
    pub(super) structured: Option<String>,
}

/// The SEPA keywords that open a part of the remittance subfields.
const SEPA_KEYS: &[&str] = &[
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "COAM+", "OAMT+",
    "IBAN+", "BIC+",
];

/// Reads a `:86:` value (its lines as written).
pub(super) fn parse(value: &str) -> Details {
    let b = value.as_bytes();
    let structured = b.len() > 4
        && b[..3].iter().all(u8::is_ascii_digit)
        && !b[3].is_ascii_alphanumeric()
        && !b[3].is_ascii_whitespace();
    let mut details = if structured {
        subfields(&value.replace('\n', ""), char::from(b[3]))
    } else if value.trim_start().starts_with('/')
        && (value.contains("/NAME/") || value.contains("/REMI/"))
    {
        slashed(&value.replace('\n', ""))
    } else {
        Details {
            reference: clean(&value.replace('\n', " ")),
            ..Details::default()
        }
    };
    if let Some(rf) = details.reference.as_deref().and_then(creditor_reference) {
        details.structured = Some(rf);
    }
    details
}

/// The German form: `166?00GUTSCHRIFT?20EREF+…?21…?32NAME`.
fn subfields(value: &str, separator: char) -> Details {
    let mut remittance = String::new();
    let mut name = String::new();
    let mut account = None;
    for part in value.split(separator).skip(1) {
        let (code, text) = part.split_at(part.len().min(2));
        match code {
            "20" | "21" | "22" | "23" | "24" | "25" | "26" | "27" | "28" | "29" | "60" | "61"
            | "62" | "63" => remittance.push_str(text),
            "31" => account = iban(text).or_else(|| clean(text)),
            "32" | "33" => name.push_str(text),
            _ => {}
        }
    }
    let (reference, end_to_end) = sepa(&remittance);
    Details {
        reference,
        name: clean(&name),
        iban: account,
        structured: end_to_end,
    }
}

/// Splits remittance text at the SEPA keywords: the `SVWZ+` part (or the
/// text without keywords) is the reference; `EREF+` the end-to-end one.
fn sepa(text: &str) -> (Option<String>, Option<String>) {
    let mut starts: Vec<(usize, &str)> = SEPA_KEYS
        .iter()
        .flat_map(|k| {
            text.match_indices(k)
                .map(|(i, _)| (i, *k))
                .collect::<Vec<_>>()
        })
        .collect();
    starts.sort_unstable();
    if starts.is_empty() {
        return (clean(text), None);
    }
    let mut svwz = None;
    let mut eref = None;
    let lead = clean(&text[..starts[0].0]);
    for (n, (at, key)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(text.len(), |(e, _)| *e);
        let part = &text[at + key.len()..end];
        match *key {
            "SVWZ+" => svwz = clean(part),
            "EREF+" => {
                eref = clean(part).filter(|e| {
                    !e.eq_ignore_ascii_case("NOTPROVIDED") && !e.eq_ignore_ascii_case("NONREF")
                });
            }
            _ => {}
        }
    }
    // Without SVWZ+, the whole text: an invoice number may be anywhere.
    (svwz.or(lead).or_else(|| clean(text)), eref)
}

/// The Dutch form: `/EREF/…/ORDP//NAME/…/REMI/USTD//…/IBAN/…`.
fn slashed(value: &str) -> Details {
    const KEYS: &[&str] = &[
        "TRTP",
        "EREF",
        "PREF",
        "MARF",
        "CSID",
        "ORDP",
        "BENM",
        "NAME",
        "REMI",
        "IBAN",
        "BIC",
        "CNTP",
        "ID",
        "ADDR",
        "ISDT",
        "RTRN",
        "USTD",
        "STRD",
        "CDTRREFTP",
        "CDTRREF",
        "CD",
        "ISSR",
        "CUR",
        "SVCL",
        "ULTC",
        "ULTD",
        "PURP",
        "FX",
    ];
    let tokens: Vec<&str> = value.trim().split('/').collect();
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for t in tokens {
        if KEYS.contains(&t) {
            pairs.push((t, String::new()));
        } else if let Some((_, v)) = pairs.last_mut() {
            if !v.is_empty() {
                v.push('/');
            }
            v.push_str(t);
        }
    }
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, v)| *k == key && !v.trim().is_empty())
            .and_then(|(_, v)| clean(v))
    };
    let mut details = Details {
        reference: get("USTD").or_else(|| get("REMI")),
        name: get("NAME"),
        iban: get("IBAN").map(|i| iban(&i).unwrap_or(i)),
        structured: get("CDTRREF")
            .or_else(|| get("EREF"))
            .filter(|e| e != "NOTPROVIDED"),
    };
    if let Some(cntp) = get("CNTP") {
        let parts: Vec<&str> = cntp.split('/').collect();
        details.iban = details.iban.or_else(|| parts.first().and_then(|p| iban(p)));
        details.name = details.name.or_else(|| parts.get(2).and_then(|p| clean(p)));
    }
    details
}

/// An ISO 11649 creditor reference in the text (`RF` and two check digits).
fn creditor_reference(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .find(|w| {
            let b = w.as_bytes();
            (5..=25).contains(&b.len())
                && w.starts_with("RF")
                && b[2..4].iter().all(u8::is_ascii_digit)
                && b[4..].iter().all(u8::is_ascii_alphanumeric)
        })
        .map(str::to_string)
}

/// Trimmed, inner runs of spaces made one; `None` when nothing is left.
fn clean(text: &str) -> Option<String> {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn german_subfields_give_the_name_account_and_remittance() {
        let d = parse(
            "166?00GUTSCHRIFT?100399?20EREF+TFNR 21005 EndToEndId ?2100001?22S\n\
             VWZ+Verwend CTSc-01 eBB TF?23Nr 21005?30DRESDEFF508?31DE065088005\n\
             00194780100?32Florian Frech?70Empfaenger Florian Frech UK?71 01",
        );
        assert_eq!(d.name.as_deref(), Some("Florian Frech"));
        assert_eq!(d.iban.as_deref(), Some("DE06508800500194780100"));
        assert_eq!(
            d.reference.as_deref(),
            Some("Verwend CTSc-01 eBB TFNr 21005")
        );
        assert_eq!(d.structured.as_deref(), Some("TFNR 21005 EndToEndId 00001"));
    }

    #[test]
    fn dutch_slashed_details_give_the_name_and_remittance() {
        let d = parse(
            "/TRTP/SEPA OVERBOEKING/IBAN/NL34ABNA0443241198/BIC/ABNANL2A/NAME/\n\
             Acme B.V./REMI/Factuur 2024-017/EREF/NOTPROVIDED",
        );
        assert_eq!(d.name.as_deref(), Some("Acme B.V."));
        assert_eq!(d.iban.as_deref(), Some("NL34ABNA0443241198"));
        assert_eq!(d.reference.as_deref(), Some("Factuur 2024-017"));
        assert_eq!(d.structured, None);
    }

    #[test]
    fn a_creditor_reference_in_free_text_is_taken_as_structured() {
        let d = parse("Payment RF18539007547034 thanks");
        assert_eq!(d.structured.as_deref(), Some("RF18539007547034"));
    }
}
