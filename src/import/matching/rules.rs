//! The matching rules, most certain first. Each rule either matches the
//! line, stops the search (the line names something it cannot pay: it
//! waits, saying why), or passes it to the next rule with a note.

use dun_core::ledger::{
    CreditorReference, CustomerId, InvoiceId, ReferenceTarget, Subset, exact_subset,
};
use dun_core::money::Currency;

use crate::import::MatchRule;
use crate::store::{MatchReads, OpenDoc, StoreError};

/// Most open invoices a transfer is tried against as a set, oldest first.
pub const MAX_CANDIDATES: usize = 20;

/// What the rules know of a line.
pub struct LineFacts<'a> {
    /// Amount in minor units.
    pub minor: i64,
    /// Currency.
    pub currency: Currency,
    /// The customer its payer's name (or code) names, if exactly one.
    pub payer: Option<CustomerId>,
    /// The payer's IBAN, compact and upper case.
    pub iban: Option<&'a str>,
    /// The structured reference the statement gives apart.
    pub structured: Option<&'a str>,
    /// Every text that may carry a reference or invoice number: the
    /// invoice column, the structured reference, the free text.
    pub texts: Vec<&'a str>,
}

/// How a matched payment is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Split {
    /// To this invoice first, the rest by the usual rules.
    First(InvoiceId),
    /// Exactly across these invoices (minor units each).
    Exact(Vec<(InvoiceId, i64)>),
    /// To the customer's account, oldest due first.
    Account,
}

/// A line matched.
#[derive(Debug, Clone)]
pub struct Found {
    /// The payer.
    pub customer_id: CustomerId,
    /// How it is applied.
    pub split: Split,
    /// The invoices' numbers.
    pub invoices: Vec<String>,
    /// The rule.
    pub rule: MatchRule,
    /// Why.
    pub why: String,
}

/// What one rule concluded.
enum Verdict {
    Match(Found),
    Stop(String),
    Pass(Option<String>),
}

/// Runs the rules in order: `Ok(found)`, or `Err(why)` the line waits.
pub fn decide(
    reads: &MatchReads<'_>,
    l: &LineFacts<'_>,
) -> Result<Result<Found, String>, StoreError> {
    let mut notes: Vec<String> = Vec::new();
    for rule in [by_reference, by_number, by_iban, by_name] {
        match rule(reads, l)? {
            Verdict::Match(found) => return Ok(Ok(found)),
            Verdict::Stop(why) => return Ok(Err(why)),
            Verdict::Pass(note) => notes.extend(note),
        }
    }
    if notes.is_empty() {
        notes.push("no reference or invoice number, and no known payer".into());
    }
    Ok(Err(notes.join("; ")))
}

/// Rule 1: a creditor reference dun gave.
fn by_reference(reads: &MatchReads<'_>, l: &LineFacts<'_>) -> Result<Verdict, StoreError> {
    let mut ours: Vec<(CreditorReference, ReferenceTarget)> = Vec::new();
    let given = l.structured.and_then(CreditorReference::parse);
    let found = given
        .into_iter()
        .chain(l.texts.iter().flat_map(|t| CreditorReference::find_in(t)));
    for reference in found {
        if let Some(target) = reference.target()
            && !ours.iter().any(|(r, _)| *r == reference)
        {
            ours.push((reference, target));
        }
    }
    let (reference, target) = match ours.as_slice() {
        [] => return Ok(Verdict::Pass(None)),
        [one] => one.clone(),
        many => {
            return Ok(Verdict::Stop(format!(
                "quotes {} of dun's references ({})",
                many.len(),
                many.iter()
                    .map(|(r, _)| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let said = format!("creditor reference {reference}");
    match target {
        ReferenceTarget::Invoice(id) => match reads.by_id(id)? {
            Some(doc) => Ok(pay_named(&doc, l, &said)),
            None => Ok(Verdict::Pass(Some(format!("{said} names no invoice")))),
        },
        ReferenceTarget::Account(customer_id) => {
            if !reads.customer_exists(customer_id)? {
                return Ok(Verdict::Pass(Some(format!("{said} names no customer"))));
            }
            let (split, invoices, how) = by_amount(reads, customer_id, l)?.or_account();
            Ok(Verdict::Match(Found {
                customer_id,
                split,
                invoices,
                rule: MatchRule::CreditorReference,
                why: format!("{said} of the customer's account; {how}"),
            }))
        }
    }
}

/// A line naming one invoice (by reference or number) pays it, or waits
/// saying why it cannot.
fn pay_named(doc: &OpenDoc, l: &LineFacts<'_>, said: &str) -> Verdict {
    let number = crate::text::sanitize(&doc.number).into_owned();
    if let Err(why) = payable(doc, l) {
        return Verdict::Stop(format!("{said} names {number}, {why}"));
    }
    let partial = l.minor < doc.open_minor;
    let rule = match (partial, said.starts_with("creditor")) {
        (true, _) => MatchRule::PartialPayment,
        (false, true) => MatchRule::CreditorReference,
        (false, false) => MatchRule::InvoiceNumber,
    };
    let why = if partial {
        format!(
            "{said} names {number}; pays part of its open {}",
            l.currency.from_minor(doc.open_minor)
        )
    } else {
        format!("{said} names {number}")
    };
    Verdict::Match(Found {
        customer_id: doc.customer_id,
        split: Split::First(doc.id),
        invoices: vec![number],
        rule,
        why,
    })
}

/// Why an invoice cannot take this line's payment.
fn payable(doc: &OpenDoc, l: &LineFacts<'_>) -> Result<(), String> {
    if doc.currency != l.currency {
        Err(format!("which is in {}", doc.currency))
    } else if !doc.payable {
        Err("which cannot take a payment".into())
    } else if doc.open_minor == 0 {
        Err("which is paid already".into())
    } else if l.payer.is_some_and(|p| p != doc.customer_id) {
        Err("another customer's invoice than the payer's".into())
    } else {
        Ok(())
    }
}

/// Rules 2 and 5: invoice numbers in the text.
fn by_number(reads: &MatchReads<'_>, l: &LineFacts<'_>) -> Result<Verdict, StoreError> {
    let named = named_invoices(reads, l)?;
    match named.as_slice() {
        [] => Ok(Verdict::Pass(None)),
        [one] => Ok(pay_named(one, l, "the reference")),
        many => Ok(several(many, l)),
    }
}

/// A line naming several invoices pays them when it pays exactly their
/// open balances together.
fn several(many: &[OpenDoc], l: &LineFacts<'_>) -> Verdict {
    let numbers: Vec<String> = many
        .iter()
        .map(|d| crate::text::sanitize(&d.number).into_owned())
        .collect();
    let said = format!("names {} invoices ({})", many.len(), numbers.join(", "));
    if let Some((doc, why)) = many
        .iter()
        .find_map(|d| payable(d, l).err().map(|w| (d, w)))
    {
        let number = crate::text::sanitize(&doc.number).into_owned();
        return Verdict::Stop(format!("{said}; {number} {why}"));
    }
    let customer_id = many[0].customer_id;
    let total: i64 = many.iter().map(|d| d.open_minor).sum();
    if many.iter().any(|d| d.customer_id != customer_id) {
        return Verdict::Stop(format!("{said} of different customers"));
    }
    if total != l.minor {
        return Verdict::Stop(format!(
            "{said}, open {} together, not this amount",
            l.currency.from_minor(total)
        ));
    }
    Verdict::Match(Found {
        customer_id,
        split: Split::Exact(many.iter().map(|d| (d.id, d.open_minor)).collect()),
        invoices: numbers,
        rule: MatchRule::InvoiceNumber,
        why: format!("the reference {said}, paid exactly"),
    })
}

/// Rule 3: the payer's IBAN, learned from earlier payments.
fn by_iban(reads: &MatchReads<'_>, l: &LineFacts<'_>) -> Result<Verdict, StoreError> {
    let Some(iban) = l.iban else {
        return Ok(Verdict::Pass(None));
    };
    match reads.customers_paying_from(iban)?.as_slice() {
        [customer_id] => {
            let (split, invoices, how) = by_amount(reads, *customer_id, l)?.or_account();
            Ok(Verdict::Match(Found {
                customer_id: *customer_id,
                split,
                invoices,
                rule: MatchRule::PayerIban,
                why: format!("the payer's IBAN paid this customer before; {how}"),
            }))
        }
        [] => Ok(Verdict::Pass(None)),
        _ => Ok(Verdict::Pass(Some(
            "the payer's IBAN paid for more than one customer".into(),
        ))),
    }
}

/// Rule 4: the payer's name and an exact amount.
fn by_name(reads: &MatchReads<'_>, l: &LineFacts<'_>) -> Result<Verdict, StoreError> {
    let Some(customer_id) = l.payer else {
        return Ok(Verdict::Pass(Some(
            "no customer of the payer's name".into(),
        )));
    };
    Ok(match by_amount(reads, customer_id, l)? {
        Amounted::Found(split, invoices, how) => Verdict::Match(Found {
            customer_id,
            split,
            invoices,
            rule: MatchRule::NameAndAmount,
            why: format!("the payer's name; {how}"),
        }),
        Amounted::Ambiguous => Verdict::Pass(Some(
            "more than one open invoice or set of them of the payer's adds up to this amount"
                .into(),
        )),
        Amounted::Nothing => Verdict::Pass(Some(
            "no open invoice or set of them of the payer's adds up to this amount".into(),
        )),
    })
}

/// What a customer's open invoices say of an amount.
pub enum Amounted {
    /// One invoice or one set pays it exactly.
    Found(Split, Vec<String>, String),
    /// Several do.
    Ambiguous,
    /// None does.
    Nothing,
}

impl Amounted {
    /// A certain payer's money: exactly what it pays, else on account.
    fn or_account(self) -> (Split, Vec<String>, String) {
        match self {
            Amounted::Found(split, invoices, how) => (split, invoices, how),
            _ => (
                Split::Account,
                Vec::new(),
                "applied to the oldest due first".into(),
            ),
        }
    }
}

/// Which of a customer's open invoices this amount pays exactly: one (any
/// of them, read once with the oldest) or one set of the oldest
/// [`MAX_CANDIDATES`].
pub fn by_amount(
    reads: &MatchReads<'_>,
    customer_id: CustomerId,
    l: &LineFacts<'_>,
) -> Result<Amounted, StoreError> {
    let open = reads.open_payable(customer_id, l.currency)?;
    let singles: Vec<&OpenDoc> = open
        .iter()
        .filter(|d| d.open_minor == l.minor)
        .take(2)
        .collect();
    let oldest = &open[..open.len().min(MAX_CANDIDATES)];
    let amounts: Vec<i64> = oldest.iter().map(|d| d.open_minor).collect();
    let set: Vec<&OpenDoc> = match exact_subset(&amounts, l.minor) {
        Subset::Ambiguous => return Ok(Amounted::Ambiguous),
        Subset::One(positions) => positions.iter().map(|&i| &oldest[i]).collect(),
        Subset::None => Vec::new(),
    };
    // One invoice of exactly the amount, in the oldest or beyond them.
    let single = match (set.as_slice(), singles.as_slice()) {
        ([one], [_]) | ([one], []) => Some((*one).clone()),
        ([_, _, ..], []) => None,
        ([], [one]) => Some((*one).clone()),
        ([], []) => return Ok(Amounted::Nothing),
        _ => return Ok(Amounted::Ambiguous),
    };
    if let Some(doc) = single {
        let number = crate::text::sanitize(&doc.number).into_owned();
        let how = format!("exactly the open balance of {number}");
        return Ok(Amounted::Found(Split::First(doc.id), vec![number], how));
    }
    let numbers: Vec<String> = set
        .iter()
        .map(|d| crate::text::sanitize(&d.number).into_owned())
        .collect();
    let how = format!("exactly the open balances of {}", numbers.join(", "));
    let split = Split::Exact(set.iter().map(|d| (d.id, d.open_minor)).collect());
    Ok(Amounted::Found(split, numbers, how))
}

/// Invoices named by the invoice column or by a word of the texts.
pub fn named_invoices(
    reads: &MatchReads<'_>,
    l: &LineFacts<'_>,
) -> Result<Vec<OpenDoc>, StoreError> {
    let mut found: Vec<OpenDoc> = Vec::new();
    for text in &l.texts {
        for word in words(text) {
            if let Some(doc) = reads.by_number(word)?
                && !found.iter().any(|d| d.id == doc.id)
            {
                found.push(doc);
            }
        }
    }
    Ok(found)
}

/// The words of a text that may be an invoice number: the whole text
/// first (a column holding just the number), then each word.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let whole = text.trim();
    std::iter::once(whole)
        .chain(
            text.split(|c: char| {
                c.is_whitespace()
                    || matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']' | '"' | '\'')
            })
            .map(|w| w.trim_matches(|c: char| c == '.' || c == '-' || c == '#'))
            .filter(move |w| w.len() >= 3 && *w != whole),
        )
        .filter(|w| !w.is_empty())
}
