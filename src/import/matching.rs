//! Matching a bank line to the invoice it pays: by an invoice number in
//! its reference, else by its customer and an open invoice of exactly its
//! amount; anything less certain waits for `dun payment allocate`.

use super::customers::CustomerIndex;
use super::statement::BankLine;
use super::{ImportError, Options, Report, Waiting};
use crate::store::{ImportTx, NewPayment, NewReceipt};
use dun_core::ledger::{DocumentKind, InvoiceId};
use dun_core::money::plain_amount;

/// Records a receipt: as a payment when its invoice is certain, else as a
/// line waiting for the bookkeeper.
/// A bank line with its amount in minor units and the key that recognises
/// it in a later import.
pub(super) struct Keyed<'a> {
    pub(super) line: &'a BankLine,
    pub(super) minor: i64,
    pub(super) key: &'a str,
}

pub(super) fn apply(
    tx: &mut ImportTx<'_>,
    customers: &mut CustomerIndex,
    keyed: &Keyed<'_>,
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let Keyed { line, minor, key } = *keyed;
    let payer = customers.find(&line.customer).ok().flatten();
    let named = named_invoices(tx, line)?;
    let (matched, why) = match named.as_slice() {
        [(number, invoice)] => {
            if invoice.currency != line.currency {
                (
                    None,
                    format!("names {number}, which is in {}", invoice.currency),
                )
            } else if invoice.kind != DocumentKind::Invoice || invoice.written_off {
                (None, format!("names {number}, which cannot take a payment"))
            } else if invoice.open_minor == 0 {
                (None, format!("names {number}, which is paid already"))
            } else if payer.is_some_and(|p| p != invoice.customer_id) {
                (
                    None,
                    format!("names {number}, another customer's invoice than the payer's"),
                )
            } else {
                (Some((invoice.customer_id, invoice.id)), String::new())
            }
        }
        [] => match payer {
            Some(customer_id) => match tx
                .open_with_balance(customer_id, line.currency, minor)?
                .as_slice()
            {
                [invoice] => (Some((customer_id, *invoice)), String::new()),
                [] => (
                    None,
                    "the payer has no open invoice of exactly this amount".into(),
                ),
                _ => (
                    None,
                    "the payer has more than one open invoice of exactly this amount".into(),
                ),
            },
            None => (
                None,
                "no invoice number in the reference, and no customer of this name".into(),
            ),
        },
        many => (
            None,
            format!(
                "names {} invoices ({})",
                many.len(),
                many.iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    match matched {
        Some((customer_id, invoice_id)) => {
            let payment = NewPayment {
                customer_id,
                paid_on: line.paid_on,
                amount: line.amount,
                currency: line.currency,
                method: Some("transfer".into()),
                reference: line.reference.clone(),
                invoice_id: Some(invoice_id),
            };
            tx.insert_payment(&payment, key)?;
            report.counts.created += 1;
            report.matched += 1;
        }
        None => {
            let id = tx.insert_receipt(&NewReceipt {
                line: line.line,
                paid_on: line.paid_on,
                amount_minor: minor,
                currency: line.currency,
                counterparty: line.counterparty.as_deref(),
                reference: line.reference.as_deref(),
                key,
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

/// Invoices named by the invoice column or by a word of the reference.
fn named_invoices(
    tx: &ImportTx<'_>,
    line: &BankLine,
) -> Result<Vec<(String, crate::store::Existing)>, ImportError> {
    let mut words: Vec<&str> = Vec::new();
    for given in [&line.invoice, &line.structured_reference] {
        if let Some(n) = given.as_deref() {
            words.push(n);
        }
    }
    if let Some(r) = line.reference.as_deref() {
        words.extend(
            r.split(|c: char| {
                c.is_whitespace()
                    || matches!(c, ',' | ';' | ':' | '(' | ')' | '[' | ']' | '"' | '\'')
            })
            .map(|w| w.trim_matches(|c: char| c == '.' || c == '-' || c == '#'))
            .filter(|w| w.len() >= 3),
        );
    }
    let mut found: Vec<(String, crate::store::Existing)> = Vec::new();
    let mut seen: Vec<InvoiceId> = Vec::new();
    for word in words {
        // A document kept in instalments is paid earliest due first.
        let invoice = match tx.invoice(word)? {
            Some(i) => Some(i),
            None => tx.first_open_instalment(word)?,
        };
        if let Some(invoice) = invoice
            && !seen.contains(&invoice.id)
        {
            seen.push(invoice.id);
            found.push((crate::text::sanitize(word).into_owned(), invoice));
        }
    }
    Ok(found)
}
