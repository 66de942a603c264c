//! `dun import payments`: money received, from a bank export. A line is
//! matched to an invoice by an invoice number in its reference, else by its
//! customer and an open invoice of exactly its amount; anything less
//! certain waits for `dun payment allocate`.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::cells::{Cells, latest_date};
use super::customers::{CustomerIndex, CustomerKey};
use super::matching::{Keyed, apply};
use super::profile::{Field, PAYMENT_FIELDS};
use super::read::Record;
use super::source::{self, Source};
use super::statement::BankLine;
use super::{ImportError, Options, Report, RowError};
use crate::store::{Finish, Store};

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

/// Identifies a bank line across imports: the bank's own reference when it
/// gives one, else its date, amount, currency, counterparty and reference.
fn bank_key(line: &BankLine, minor: i64) -> String {
    let mut hasher = Sha256::new();
    if let Some(reference) = &line.bank_reference {
        hasher.update(b"bank reference\0");
        hasher.update(reference.as_bytes());
        hasher.update([0]);
        hasher.update(line.currency.to_string().as_bytes());
        return hex16(&hasher.finalize());
    }
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
    hex16(&hasher.finalize())
}

fn hex16(digest: &[u8]) -> String {
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn parse<R: Read>(
    record: &Record,
    source: &Source<R>,
    options: &Options,
) -> Result<BankLine, RowError> {
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
    Ok(BankLine {
        line: cells.line(),
        paid_on,
        amount,
        currency,
        reference: cells.text(Field::Reference, "a reference")?,
        counterparty,
        customer,
        invoice: cells.text(Field::Invoice, "an invoice number")?,
        structured_reference: None,
        payer_iban: cells.text(Field::PayerIban, "an IBAN")?,
        bank_reference: None,
        account: None,
    })
}
