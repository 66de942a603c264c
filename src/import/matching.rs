//! Matching a bank line to the invoices it pays, most certain first: the
//! creditor reference dun gave, an invoice number in the text, the payer's
//! IBAN learned from earlier payments, the payer's name with an exact
//! amount of one open invoice or a set of them; a line naming an invoice
//! and paying less is a partial payment of it. Anything less certain waits
//! for `dun payment allocate`. Every match says why.

pub mod candidates;
pub mod rules;

use super::customers::CustomerIndex;
use super::statement::BankLine;
use super::{ImportError, MatchedLine, Options, Report, Waiting};
use crate::store::{ImportTx, MatchedPayment, NewPayment, NewReceipt, NotNumbers};
use dun_core::money::plain_amount;
use rules::{Found, LineFacts, Split, decide};

/// A bank line with its amount in minor units and the key that recognises
/// it in a later import, and the words the import found no invoice number.
pub(super) struct Keyed<'a> {
    pub(super) line: &'a BankLine,
    pub(super) minor: i64,
    pub(super) key: &'a str,
    pub(super) not_numbers: &'a NotNumbers,
}

/// An IBAN as compared: upper case, without spaces.
pub fn compact_iban(iban: &str) -> Option<String> {
    let compact: String = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (!compact.is_empty()).then_some(compact)
}

/// Records a bank line: as a payment when the rules match it, else as a
/// line waiting for the bookkeeper.
pub(super) fn apply(
    tx: &mut ImportTx<'_>,
    customers: &mut CustomerIndex,
    keyed: &Keyed<'_>,
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let Keyed {
        line,
        minor,
        key,
        not_numbers,
    } = *keyed;
    let iban = line.payer_iban.as_deref().and_then(compact_iban);
    let facts = LineFacts {
        minor,
        currency: line.currency,
        payer: customers.find(&line.customer).ok().flatten(),
        iban: iban.as_deref(),
        structured: line.structured_reference.as_deref(),
        texts: [&line.invoice, &line.structured_reference, &line.reference]
            .into_iter()
            .filter_map(|t| t.as_deref())
            .collect(),
    };
    match decide(&tx.match_reads(not_numbers), &facts)? {
        Ok(found) => record(tx, customers, keyed, &facts, found, report)?,
        Err(why) => {
            let id = tx.insert_receipt(&NewReceipt {
                line: line.line,
                paid_on: line.paid_on,
                amount_minor: minor,
                currency: line.currency,
                counterparty: line.counterparty.as_deref(),
                reference: line.reference.as_deref(),
                key,
                payer_iban: facts.iban,
                structured_reference: line.structured_reference.as_deref(),
                why: &why,
            })?;
            report.counts.created += 1;
            report.waiting.push(Waiting {
                id: if options.dry_run { 0 } else { id },
                line: line.line,
                paid_on: line.paid_on,
                amount: plain_amount(line.amount, line.currency),
                currency: line.currency,
                counterparty: crate::text::sanitize(line.counterparty.as_deref().unwrap_or(""))
                    .into_owned(),
                why,
            });
        }
    }
    Ok(())
}

fn record(
    tx: &mut ImportTx<'_>,
    customers: &CustomerIndex,
    keyed: &Keyed<'_>,
    facts: &LineFacts<'_>,
    found: Found,
    report: &mut Report,
) -> Result<(), ImportError> {
    let line = keyed.line;
    let (first, split) = match &found.split {
        Split::First(id) => (Some(*id), &[][..]),
        Split::Exact(parts) => (None, parts.as_slice()),
        Split::Account => (None, &[][..]),
    };
    let payment = NewPayment {
        customer_id: found.customer_id,
        paid_on: line.paid_on,
        amount: line.amount,
        currency: line.currency,
        method: Some("transfer".into()),
        reference: line.reference.clone(),
        invoice_id: first,
    };
    tx.insert_matched(&MatchedPayment {
        payment: &payment,
        key: keyed.key,
        payer_iban: facts.iban,
        split,
    })?;
    report.counts.created += 1;
    report.matched += 1;
    report.matches.push(MatchedLine {
        line: line.line,
        paid_on: line.paid_on,
        amount: plain_amount(line.amount, line.currency),
        currency: line.currency,
        customer: crate::text::sanitize(customers.code(found.customer_id).unwrap_or(""))
            .into_owned(),
        invoices: found.invoices,
        rule: found.rule,
        why: found.why,
    });
    Ok(())
}
