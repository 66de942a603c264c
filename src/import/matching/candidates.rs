//! The best guesses for a bank line that waits: who may have paid it and
//! for which invoices, scored, each with why. The bookkeeper chooses; the
//! guesses never write anything.

use std::collections::{HashMap, HashSet};

use super::compact_iban;
use super::rules::{Amounted, LineFacts, Split, by_amount, named_invoices};
use crate::import::layout::fold;
use crate::store::{MatchReads, OpenDoc, Receipt, StoreError};
use dun_core::ledger::{CreditorReference, Customer, CustomerId, ReferenceTarget};
use dun_core::money::Currency;

/// Most candidates kept for a line.
pub const MAX_KEPT: usize = 5;

/// One guess.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// The customer's code.
    pub customer: String,
    /// The invoices it would pay (empty: on account).
    pub invoices: Vec<String>,
    /// How sure, 0 to 100.
    pub score: u32,
    /// Why, one reason a clause.
    pub why: Vec<String>,
}

/// Scores for each kind of evidence.
const REFERENCE: u32 = 50;
const IBAN: u32 = 25;
const AMOUNT: u32 = 20;
const NAME: u32 = 30;

/// Customers' names as words, indexed by word, so a payer's name is
/// compared only with the names it shares a word with; and their codes.
/// Built once for every line a listing guesses for.
pub struct Names<'a> {
    customers: &'a [Customer],
    words: Vec<Vec<String>>,
    by_word: HashMap<String, Vec<usize>>,
    /// Each customer's code, found by id.
    codes: HashMap<CustomerId, &'a str>,
}

/// A word that many customers' names share says little: it does not make
/// them candidates.
const COMMON_WORD: usize = 50;

impl<'a> Names<'a> {
    /// Indexes the customers' names.
    pub fn new(customers: &'a [Customer]) -> Names<'a> {
        let words: Vec<Vec<String>> = customers.iter().map(|c| name_words(&c.name)).collect();
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            for word in w {
                by_word.entry(word.clone()).or_default().push(i);
            }
        }
        Names {
            customers,
            words,
            by_word,
            codes: customers.iter().map(|c| (c.id, c.code.as_str())).collect(),
        }
    }

    /// The customers whose names are at least half alike `payer`'s, most
    /// alike first, with how alike.
    fn alike(&self, payer: &str) -> Vec<(u32, &'a Customer)> {
        let payer = name_words(payer);
        let mut seen: Vec<usize> = Vec::new();
        for word in &payer {
            match self.by_word.get(word) {
                Some(list) if list.len() <= COMMON_WORD => seen.extend(list),
                _ => {}
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let mut alike: Vec<(u32, &'a Customer)> = seen
            .into_iter()
            .map(|i| (similarity(&payer, &self.words[i]), &self.customers[i]))
            .filter(|(s, _)| *s >= 50)
            .collect();
        alike.sort_by_key(|s| std::cmp::Reverse(s.0));
        alike
    }
}

/// Open invoices of a line's exact amount, as the guesses read them:
/// looked up for each line, or found for many lines at once.
pub enum OfAmount {
    /// One lookup per line (a few lines).
    EachLine,
    /// Found in one pass over the open invoices, by currency and amount.
    Found(HashMap<(Currency, i64), Vec<OpenDoc>>),
}

/// Open invoices offered for an amount, whoever the payer.
const OF_AMOUNT_KEPT: usize = 3;

/// Lines from which one pass over the open invoices costs less than a
/// lookup for each.
const ONE_PASS_FROM: usize = 20;

impl OfAmount {
    /// How the guesses for these lines find invoices of their amounts.
    pub fn for_lines(reads: &MatchReads<'_>, lines: &[Receipt]) -> Result<OfAmount, StoreError> {
        if lines.len() < ONE_PASS_FROM {
            return Ok(OfAmount::EachLine);
        }
        let wanted: HashSet<(Currency, i64)> =
            lines.iter().map(|r| (r.currency, r.amount_minor)).collect();
        Ok(OfAmount::Found(
            reads.open_of_amounts(&wanted, OF_AMOUNT_KEPT)?,
        ))
    }

    fn of(
        &self,
        reads: &MatchReads<'_>,
        currency: Currency,
        minor: i64,
    ) -> Result<Vec<OpenDoc>, StoreError> {
        match self {
            OfAmount::EachLine => reads.open_of_amount(currency, minor, OF_AMOUNT_KEPT),
            OfAmount::Found(found) => {
                Ok(found.get(&(currency, minor)).cloned().unwrap_or_default())
            }
        }
    }
}

/// The best candidates for a waiting line, best first.
pub fn candidates(
    reads: &MatchReads<'_>,
    receipt: &Receipt,
    names: &Names<'_>,
    of_amount: &OfAmount,
) -> Result<Vec<Candidate>, StoreError> {
    let iban = receipt.payer_iban.as_deref().and_then(compact_iban);
    let facts = LineFacts {
        minor: receipt.amount_minor,
        currency: receipt.currency,
        payer: None,
        iban: iban.as_deref(),
        structured: receipt.structured_reference.as_deref(),
        texts: [&receipt.structured_reference, &receipt.reference]
            .into_iter()
            .filter_map(|t| t.as_deref())
            .collect(),
    };
    let mut found = Guesses::default();
    for doc in referenced(reads, &facts)? {
        found.invoice(
            &doc,
            &facts,
            REFERENCE,
            format!("the reference names {}", doc.number),
        );
    }
    if let Some(iban) = facts.iban {
        for customer_id in reads.customers_paying_from(iban)? {
            let why = "the payer's IBAN paid this customer before".to_string();
            found.account(reads, &facts, customer_id, IBAN, why)?;
        }
    }
    if let Some(payer) = receipt.counterparty.as_deref() {
        for (similarity, customer) in names.alike(payer).into_iter().take(3) {
            let why = format!("the payer's name is {similarity}% like {}'s", customer.name);
            found.account(reads, &facts, customer.id, NAME * similarity / 100, why)?;
        }
    }
    for doc in of_amount.of(reads, facts.currency, facts.minor)? {
        found.invoice(&doc, &facts, 0, String::new());
    }
    Ok(found.best(&names.codes))
}

/// Invoices the line's creditor reference or invoice numbers name.
fn referenced(reads: &MatchReads<'_>, facts: &LineFacts<'_>) -> Result<Vec<OpenDoc>, StoreError> {
    let mut docs = named_invoices(reads, facts)?;
    for text in &facts.texts {
        for reference in CreditorReference::find_in(text) {
            if let Some(ReferenceTarget::Invoice(id)) = reference.target()
                && let Some(doc) = reads.by_id(id)?
                && !docs.iter().any(|d| d.id == doc.id)
            {
                docs.push(doc);
            }
        }
    }
    Ok(docs)
}

/// Guesses gathered, merged by customer and invoices.
#[derive(Default)]
struct Guesses {
    by_key: HashMap<(CustomerId, Vec<String>), (u32, Vec<String>)>,
}

impl Guesses {
    fn add(&mut self, customer_id: CustomerId, invoices: Vec<String>, score: u32, why: String) {
        let entry = self.by_key.entry((customer_id, invoices)).or_default();
        entry.0 += score;
        if !why.is_empty() && !entry.1.contains(&why) {
            entry.1.push(why);
        }
    }

    /// An invoice, with the amount's evidence when it is exactly its open.
    fn invoice(&mut self, doc: &OpenDoc, facts: &LineFacts<'_>, score: u32, why: String) {
        if !doc.payable || doc.open_minor == 0 || doc.currency != facts.currency {
            return;
        }
        let number = crate::text::sanitize(&doc.number).into_owned();
        self.add(doc.customer_id, vec![number.clone()], score, why);
        if doc.open_minor == facts.minor {
            let why = format!("the amount is the open balance of {number}");
            self.add(doc.customer_id, vec![number], AMOUNT, why);
        }
    }

    /// A customer, with the invoice or set its amount pays exactly, else
    /// on account.
    fn account(
        &mut self,
        reads: &MatchReads<'_>,
        facts: &LineFacts<'_>,
        customer_id: CustomerId,
        score: u32,
        why: String,
    ) -> Result<(), StoreError> {
        match by_amount(reads, customer_id, facts)? {
            Amounted::Found(split, invoices, how) => {
                let invoices = match split {
                    Split::Account => Vec::new(),
                    _ => invoices,
                };
                self.add(customer_id, invoices.clone(), score, why);
                self.add(
                    customer_id,
                    invoices,
                    AMOUNT,
                    format!("the amount is {how}"),
                );
            }
            _ => self.add(customer_id, Vec::new(), score, why),
        }
        Ok(())
    }

    fn best(self, codes: &HashMap<CustomerId, &str>) -> Vec<Candidate> {
        let mut all: Vec<Candidate> = self
            .by_key
            .into_iter()
            .map(|((customer_id, invoices), (score, why))| Candidate {
                customer: crate::text::sanitize(codes.get(&customer_id).copied().unwrap_or(""))
                    .into_owned(),
                invoices,
                score: score.min(100),
                why,
            })
            .collect();
        all.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.customer.cmp(&b.customer))
                .then_with(|| a.invoices.cmp(&b.invoices))
        });
        all.truncate(MAX_KEPT);
        all
    }
}

/// Words of a company name that say nothing about which company it is.
const LEGAL_FORMS: &[&str] = &[
    "srl", "spa", "sas", "snc", "sl", "sa", "sarl", "ltd", "limited", "plc", "llc", "inc", "gmbh",
    "ag", "kg", "bv", "nv", "co", "the", "and", "e", "y", "et",
];

/// The words of a name that tell companies apart: folded, without legal
/// forms, sorted, once each.
fn name_words(name: &str) -> Vec<String> {
    let folded = fold(name.replace('.', ""));
    let mut w: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !LEGAL_FORMS.contains(w))
        .map(str::to_string)
        .collect();
    w.sort();
    w.dedup();
    w
}

/// How alike two names are, 0 to 100: the share of their words (folded,
/// legal forms left out) they have in common.
#[cfg(test)]
fn name_similarity(a: &str, b: &str) -> u32 {
    similarity(&name_words(a), &name_words(b))
}

fn similarity(a: &[String], b: &[String]) -> u32 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let common = a.iter().filter(|w| b.contains(w)).count();
    let all = a.len() + b.len() - common;
    u32::try_from(common * 100 / all).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::name_similarity;

    #[test]
    fn names_are_alike_whatever_their_case_accents_and_legal_form() {
        assert_eq!(
            name_similarity("ROSSI COSTRUZIONI SRL", "Rossi Costruzioni S.r.l."),
            100
        );
        assert_eq!(
            name_similarity("Société Générale", "SOCIETE GENERALE SA"),
            100
        );
        assert_eq!(name_similarity("Acme Trading", "Acme Trading Ltd"), 100);
        assert_eq!(name_similarity("Acme", "Acme Trading Ltd"), 50);
        assert_eq!(name_similarity("Beta Foods", "Acme Trading"), 0);
        assert_eq!(name_similarity("", "Acme"), 0);
    }
}
