//! `dun import payments`: money received, from a bank export. A line is
//! matched to an invoice by an invoice number in its reference, else by its
//! customer and an open invoice of exactly its amount; anything less
//! certain waits for `dun payment allocate`.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::cells::{Cells, latest_date};
use super::customers::{CustomerIndex, CustomerKey};
use super::profile::{Field, PAYMENT_FIELDS};
use super::read::Record;
use super::source::{self, Source};
use super::{ImportError, Options, Report, RowError, Waiting};
use crate::store::{Finish, ImportTx, NewPayment, NewReceipt, Store};
use dun_core::ledger::{DocumentKind, InvoiceId};
use dun_core::money::{Currency, plain_amount};

/// One bank line, checked.
#[derive(Debug, Clone)]
struct Line {
    line: u64,
    paid_on: NaiveDate,
    /// Received (positive) or paid out (negative or zero).
    amount: Decimal,
    currency: Currency,
    reference: Option<String>,
    counterparty: Option<String>,
    customer: CustomerKey,
    invoice: Option<String>,
}

/// Imports a bank export's receipts.
pub(crate) fn import_payments(
    store: &mut Store,
    input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(u64),
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let mut report = Report::new("payments", options);
    let opened = source::open(
        input,
        &options.profile,
        PAYMENT_FIELDS,
        &[&[Field::PaidOn], &[Field::Amount, Field::Credit]],
        &[Field::Amount, Field::Credit, Field::Debit],
        &[Field::PaidOn],
    );
    let mut source = match opened {
        Ok(s) => s,
        Err(e) => {
            report.error(e);
            return Ok(report);
        }
    };
    let batch = options.batch("payments");
    store
        .import(&batch, finish, |tx| {
            let mut customers = CustomerIndex::load(tx)?;
            let mut occurrences: HashMap<String, u32> = HashMap::new();
            let mut tick = 0_u32;
            while let Some(record) = source.next_row() {
                tick = tick.wrapping_add(1);
                if tick.is_multiple_of(4096) {
                    progress(source.bytes_read());
                }
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        report.error(e);
                        continue;
                    }
                };
                if options.profile.skips(&record) {
                    continue;
                }
                report.counts.rows += 1;
                if options.profile.skipped_status(&record, &source.layout) {
                    report.counts.skipped += 1;
                    continue;
                }
                let line = match parse(&record, &source, options) {
                    Ok(l) => l,
                    Err(e) => {
                        report.error(e);
                        continue;
                    }
                };
                if line.amount <= Decimal::ZERO {
                    report.counts.skipped += 1;
                    continue;
                }
                let minor = match line.currency.to_minor(line.amount) {
                    Ok(m) => m,
                    Err(e) => {
                        report.error(RowError::at_line(
                            line.line,
                            format!("amount {}: {e}", line.amount),
                        ));
                        continue;
                    }
                };
                let base = bank_key(&line, minor);
                let n = occurrences.entry(base.clone()).or_default();
                *n += 1;
                let key = format!("{base}#{n}");
                if tx.seen_bank_line(&key)? {
                    report.counts.unchanged += 1;
                    continue;
                }
                let keyed = Keyed {
                    line: &line,
                    minor,
                    key: &key,
                };
                apply(tx, &mut customers, &keyed, options, &mut report)?;
            }
            progress(source.bytes_read());
            report.customers_created = customers.created;
            report.customers_updated = customers.updated;
            report.detected.append(&mut source.detected);
            report.sha256 = source.finish();
            report.seen_before = tx.set_sha256(&report.sha256)?;
            let commit = report.settle(options);
            Ok((
                std::mem::replace(&mut report, Report::new("payments", options)),
                commit,
            ))
        })
        .and_then(|report| {
            super::record_unchanged(store, &batch, &report)?;
            Ok(report)
        })
}

/// Identifies a bank line across imports: its date, amount, currency,
/// counterparty and reference.
fn bank_key(line: &Line, minor: i64) -> String {
    let mut hasher = Sha256::new();
    for part in [
        line.paid_on.to_string(),
        minor.to_string(),
        line.currency.to_string(),
        line.counterparty
            .as_deref()
            .map(super::layout::fold)
            .unwrap_or_default(),
        line.reference.clone().unwrap_or_default(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse<R: Read>(
    record: &Record,
    source: &Source<R>,
    options: &Options,
) -> Result<Line, RowError> {
    let cells = Cells::new(record, source)?;
    let paid_on = cells
        .date(Field::PaidOn, latest_date(options.as_of))?
        .ok_or_else(|| cells.bad(Field::PaidOn, "a date"))?;
    let currency = cells.currency(options.currency)?;
    let amount = match (
        cells.amount(Field::Amount, currency)?,
        cells.amount(Field::Credit, currency)?,
        cells.amount(Field::Debit, currency)?,
    ) {
        (Some(a), _, _) => currency.from_minor(a),
        (None, Some(c), _) => currency.from_minor(c.abs()),
        (None, None, Some(d)) => -currency.from_minor(d.abs()),
        (None, None, None) => {
            let field = if cells.has(Field::Amount) {
                Field::Amount
            } else {
                Field::Credit
            };
            return Err(cells.bad(field, "an amount"));
        }
    };
    let counterparty = cells.text(Field::Counterparty, "a payer")?;
    let customer = CustomerKey {
        code: cells.text(Field::CustomerCode, "a customer code")?,
        name: counterparty.clone(),
        either: cells.text(Field::Customer, "a customer")?,
        email: None,
        since: None,
    };
    Ok(Line {
        line: cells.line(),
        paid_on,
        amount,
        currency,
        reference: cells.text(Field::Reference, "a reference")?,
        counterparty,
        customer,
        invoice: cells.text(Field::Invoice, "an invoice number")?,
    })
}

/// Records a receipt: as a payment when its invoice is certain, else as a
/// line waiting for the bookkeeper.
/// A bank line with its amount in minor units and the key that recognises
/// it in a later import.
struct Keyed<'a> {
    line: &'a Line,
    minor: i64,
    key: &'a str,
}

fn apply(
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
    line: &Line,
) -> Result<Vec<(String, crate::store::Existing)>, ImportError> {
    let mut words: Vec<&str> = Vec::new();
    if let Some(n) = line.invoice.as_deref() {
        words.push(n);
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
        if let Some(invoice) = tx.invoice(word)?
            && !seen.contains(&invoice.id)
        {
            seen.push(invoice.id);
            found.push((crate::text::sanitize(word).into_owned(), invoice));
        }
    }
    Ok(found)
}
