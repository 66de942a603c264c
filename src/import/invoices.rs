//! `dun import invoices`: documents from an accounting export.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use super::customers::CustomerIndex;
use super::invoice_rows::{Due, Row, parse, same_document};
use super::profile::{Field, INVOICE_FIELDS, RowType, Status};
use super::read::Record;
use super::source::{self, Source};
use super::{ImportError, Options, Report, RowError};
use crate::store::{Existing, Finish, ImportTx, NewPayment, Store};
use chrono::{Days, NaiveDate};
use dun_core::ledger::{CustomerId, DocumentKind};

/// Imports an invoice export into the ledger.
pub(crate) fn import_invoices(
    store: &mut Store,
    input: impl Read + Send,
    options: &Options,
    progress: &mut dyn FnMut(u64),
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let mut report = Report::new("invoices", options);
    let opened = source::open(
        input,
        &options.profile,
        INVOICE_FIELDS,
        &[
            &[Field::Number],
            &[Field::Customer, Field::CustomerCode, Field::CustomerName],
            &[Field::IssueDate],
            &[Field::Amount, Field::Open],
        ],
        &[Field::Amount, Field::Open, Field::Paid],
        &[Field::IssueDate, Field::DueDate, Field::CustomerSince],
    );
    let mut source = match opened {
        Ok(s) => s,
        Err(e) => {
            report.error(e);
            return Ok(report);
        }
    };
    let batch = options.batch("invoices");
    // Reading and checking rows runs on a thread of its own, a batch at a
    // time, while this one writes the batch before.
    let read_bytes = AtomicU64::new(0);
    std::thread::scope(|scope| {
        let (sender, batches) = mpsc::sync_channel::<Batch>(4);
        let (source, read_bytes) = (&mut source, &read_bytes);
        // The sender moves to the reader: its end ends the batches.
        let reader = scope.spawn(move || read_rows(source, options, &sender, read_bytes));
        let written = store.import(&batch, finish, |tx| {
            let customers = write_rows(tx, &batches, options, &mut report, &mut || {
                progress(read_bytes.load(Ordering::Relaxed));
            })?;
            // A reader that died would leave rows unread: nothing is written.
            let (detected, sha256) = reader.join().map_err(|_| ImportError::Reader)?;
            progress(read_bytes.load(Ordering::Relaxed));
            report.customers_created = customers.created;
            report.customers_updated = customers.updated;
            report.detected = detected;
            report.vanished = tx.vanished(&options.profile.name)?;
            report.sha256 = sha256;
            report.seen_before = tx.set_sha256(&report.sha256)?;
            let commit = report.settle(options);
            Ok((
                std::mem::replace(&mut report, Report::new("invoices", options)),
                commit,
            ))
        });
        // The writer may have stopped early; the reader stops at its next send.
        drop(batches);
        written
    })
    .and_then(|report| {
        super::record_unchanged(store, &batch, &report)?;
        Ok(report)
    })
}

/// Writes the rows the reader sends, document by document (line items of
/// one invoice follow each other with its totals repeated: together they
/// are one document); returns the customers it knows by the end.
fn write_rows(
    tx: &mut ImportTx<'_>,
    batches: &mpsc::Receiver<Batch>,
    options: &Options,
    report: &mut Report,
    progress: &mut dyn FnMut(),
) -> Result<CustomerIndex, ImportError> {
    let mut customers = CustomerIndex::load(tx)?;
    let mut occurrences = HashMap::new();
    let mut pending: Option<Row> = None;
    for batch in batches {
        progress();
        for item in batch {
            let Some(row) = take(item, report) else {
                continue;
            };
            if let Some(p) = pending
                .as_mut()
                .filter(|p| p.number == row.number && row.kind != RowType::Payment)
            {
                if let Err(e) = same_document(p, &row, options.profile.sum_lines) {
                    report.error(e);
                }
                continue;
            }
            report.paid_part_unknown += u64::from(row.paid_part_unknown);
            if let Some(done) = pending.replace(row) {
                let known = Known {
                    customers: &mut customers,
                    occurrences: &mut occurrences,
                };
                apply(tx, known, &done, options, report)?;
                note_retired(tx, report);
            }
        }
    }
    if let Some(done) = pending.take() {
        let known = Known {
            customers: &mut customers,
            occurrences: &mut occurrences,
        };
        apply(tx, known, &done, options, report)?;
        note_retired(tx, report);
    }
    Ok(customers)
}

/// The instalments the last document retired, named in the summary.
fn note_retired(tx: &mut ImportTx<'_>, report: &mut Report) {
    report.notes.extend(retired_notes(tx));
}

/// What the summary says of each instalment the last document retired.
pub(super) fn retired_notes(tx: &mut ImportTx<'_>) -> Vec<String> {
    tx.take_retired()
        .iter()
        .map(|old| {
            format!(
                "{}: no longer an instalment of its document (corrected); closed, what was \
                 paid on it moved to the current instalments",
                crate::text::sanitize(old)
            )
        })
        .collect()
}

/// Counts one item from the reader; the row to write, if it is one.
fn take(item: Item, report: &mut Report) -> Option<Row> {
    match item {
        Item::Row(row) => {
            report.counts.rows += 1;
            Some(row)
        }
        Item::Skipped(by_status) => {
            report.counts.rows += 1;
            report.counts.skipped += 1;
            if let Some((status, number)) = by_status {
                report.left_out(status, number);
            }
            None
        }
        Item::Bad(e, counts) => {
            report.counts.rows += u64::from(counts);
            report.error(e);
            None
        }
    }
}

/// Rows on their way from the reading thread to the writing one.
type Batch = Vec<Item>;

/// Rows sent across at a time.
const BATCH_ROWS: usize = 1024;

enum Item {
    Row(Row),
    /// A data row left out on purpose; by its status (a draft, a voided
    /// invoice): the status and the document's number.
    Skipped(Option<(String, String)>),
    /// A bad row; the count says whether it was a data row.
    Bad(RowError, u8),
}

/// Reads and checks every data row, sending them in batches; returns what
/// was read from the data and the file's SHA-256.
fn read_rows<R: Read>(
    source: &mut Source<R>,
    options: &Options,
    sender: &mpsc::SyncSender<Batch>,
    read_bytes: &AtomicU64,
) -> (Vec<String>, String) {
    // Customers named by group rows, when the file has no column for them.
    let group_customers = options.profile.customer_from_group_rows
        && ![Field::Customer, Field::CustomerCode, Field::CustomerName]
            .iter()
            .any(|f| source.layout.has(*f));
    let mut group: Option<String> = None;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    while let Some(record) = source.next_row() {
        let item = match record {
            Err(e) => Item::Bad(e, 0),
            Ok(record) => {
                if group_customers {
                    if let Some(name) = options.profile.group_name(&record) {
                        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
                        if crate::text::check_field("a customer name", &name).is_err() {
                            group = None;
                            batch.push(Item::Bad(
                                RowError::at_line(
                                    record.line,
                                    "expected a customer name as plain text, without control characters"
                                        .into(),
                                ),
                                0,
                            ));
                        } else {
                            group = Some(name);
                        }
                        continue;
                    }
                    // A total closes its customer's rows.
                    if options.profile.is_total(&record) {
                        group = None;
                        continue;
                    }
                }
                if options.profile.skips(&record) {
                    continue;
                }
                match parse(&record, source, options, group.as_deref()) {
                    Ok(Some(row)) => Item::Row(row),
                    Ok(None) => Item::Skipped(left_out_by_status(&record, source, options)),
                    Err(e) => Item::Bad(e, 1),
                }
            }
        };
        batch.push(item);
        if batch.len() >= BATCH_ROWS {
            read_bytes.store(source.bytes_read(), Ordering::Relaxed);
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if sender.send(full).is_err() {
                return (Vec::new(), String::new());
            }
        }
    }
    if !batch.is_empty() && sender.send(batch).is_err() {
        return (Vec::new(), String::new());
    }
    let sha256 = source.finish();
    read_bytes.store(source.bytes_total(), Ordering::Relaxed);
    (std::mem::take(&mut source.detected), sha256)
}

/// The status and number of a row its status leaves out.
fn left_out_by_status<R: Read>(
    record: &Record,
    source: &Source<R>,
    options: &Options,
) -> Option<(String, String)> {
    match options.profile.status(record, &source.layout) {
        Status::LeftOut(status) => {
            let number = source.layout.value(record, Field::Number).unwrap_or("");
            Some((status, number.to_string()))
        }
        _ => None,
    }
}

/// What an import has learnt so far: the customers it knows, and how often
/// each document number came up.
pub(super) struct Known<'a> {
    pub(super) customers: &'a mut CustomerIndex,
    pub(super) occurrences: &'a mut HashMap<String, u32>,
}

/// Writes one document (or payment row) to the ledger.
pub(super) fn apply(
    tx: &mut ImportTx<'_>,
    known: Known<'_>,
    row: &Row,
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let Known {
        customers,
        occurrences,
    } = known;
    // A number the ledger has already belongs to a customer it knows: a
    // new customer is not created for a row that will be refused.
    if row.kind != RowType::Payment
        && matches!(customers.find(&row.customer), Ok(None))
        && tx.invoice(&row.number)?.is_some()
    {
        report.error(RowError::at_line(
            row.line,
            format!(
                "{} belongs to another customer in the ledger, not {}",
                crate::text::sanitize(&row.number),
                crate::text::sanitize(row.customer.label())
            ),
        ));
        return Ok(());
    }
    let customer_id = match customers.resolve(tx, &row.customer)? {
        Ok(id) => id,
        Err(why) => {
            report.error(RowError::at_line(row.line, why));
            return Ok(());
        }
    };
    if row.kind == RowType::Payment {
        let key = payment_key(row, options, occurrences);
        return apply_payment(tx, customer_id, row, &key, report);
    }
    let kind = if row.kind == RowType::CreditNote {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let due_date = match &row.due {
        Due::Given(on) => *on,
        // A credit note is never chased: its date is enough.
        Due::Missing(_) if kind == DocumentKind::CreditNote => row.issue_date,
        Due::Missing(refusal) => match tx.invoice(&row.number)? {
            // The ledger's due date stands when a newer export leaves it out.
            Some(existing) => existing.due_date,
            None => match computed_due(row, customers.terms_days(customer_id), options, report) {
                Some(on) => on,
                None => {
                    report.error(refusal.as_ref().clone());
                    return Ok(());
                }
            },
        },
    };
    let before = report.error_count;
    apply_document(tx, customer_id, (row, kind, due_date), report)?;
    if report.error_count != before {
        return Ok(());
    }
    // A row numbered `N (i/n)` is instalment i of document N; a row
    // numbered `N` is the whole of a document that may have had
    // instalments under an earlier numbering, which it retires.
    match super::einvoice::instalment_parts(&row.number) {
        Some((document, i)) => tx.mark_instalment(&row.number, document, i)?,
        None if kind == DocumentKind::Invoice => {
            tx.retire_instalments(&row.number, std::slice::from_ref(&row.number))?
        }
        None => Vec::new(),
    };
    Ok(())
}

/// A row without a due date of a new invoice: due its customer's payment
/// terms after issue, else the configured default's; counted for the
/// summary. `None` when there are no terms at all.
fn computed_due(
    row: &Row,
    customer_terms: Option<u32>,
    options: &Options,
    report: &mut Report,
) -> Option<NaiveDate> {
    let (days, count) = match (customer_terms, options.payment_terms_days) {
        (Some(days), _) => (days, &mut report.due_dates_from_terms),
        (None, Some(days)) => (days, &mut report.due_dates_from_default),
        (None, None) => return None,
    };
    let on = row
        .issue_date
        .checked_add_days(Days::new(u64::from(days)))?;
    *count += 1;
    Some(on)
}

/// A payment row's key in the ledger: identified without its amount, which
/// a newer export shows lower once part of it is applied; `#n` tells
/// identical rows apart.
fn payment_key(row: &Row, options: &Options, occurrences: &mut HashMap<String, u32>) -> String {
    let base = format!(
        "row:{}:{}:{}:{}:{}",
        options.profile.name,
        row.customer.label(),
        row.number,
        row.issue_date,
        row.currency
    );
    let n = occurrences.entry(base.clone()).or_default();
    *n += 1;
    format!("{base}#{n}")
}

/// A payment row of an invoice export: credit on account, once.
fn apply_payment(
    tx: &mut ImportTx<'_>,
    customer_id: CustomerId,
    row: &Row,
    key: &str,
    report: &mut Report,
) -> Result<(), ImportError> {
    let unapplied = row.open_minor.unwrap_or(row.amount_minor).abs();
    if unapplied == 0 {
        report.counts.unchanged += 1;
        return Ok(());
    }
    let payment = NewPayment {
        customer_id,
        paid_on: row.issue_date,
        amount: row.currency.from_minor(unapplied),
        currency: row.currency,
        method: Some("import".into()),
        reference: (!row.number.is_empty()).then(|| row.number.clone()),
        invoice_id: None,
    };
    if tx.insert_unapplied(&payment, key)? {
        report.counts.created += 1;
    } else {
        report.counts.unchanged += 1;
    }
    Ok(())
}

/// Writes an invoice or credit note due on `due_date`: created when new,
/// else brought in line with the export.
fn apply_document(
    tx: &mut ImportTx<'_>,
    customer_id: CustomerId,
    (row, kind, due_date): (&Row, DocumentKind, NaiveDate),
    report: &mut Report,
) -> Result<(), ImportError> {
    let open = row.open_minor.unwrap_or(row.amount_minor);
    if tx
        .insert_invoice(
            &row.number,
            customer_id,
            kind,
            row.issue_date,
            due_date,
            row.amount_minor,
            row.currency,
            open,
        )?
        .is_some()
    {
        report.counts.created += 1;
        return Ok(());
    }
    let Some(existing) = tx.invoice(&row.number)? else {
        return Ok(());
    };
    if let Some(why) = conflict(&existing, (row, kind), customer_id, tx.batch()) {
        report.error(RowError::at_line(row.line, why));
        return Ok(());
    }
    if existing.written_off {
        report.notes.push(format!(
            "{} is written off in the ledger; left as it is",
            crate::text::sanitize(&row.number)
        ));
        tx.touch(&existing)?;
        report.counts.unchanged += 1;
        return Ok(());
    }
    update_existing(tx, &existing, (row, kind, due_date), report)
}

/// Why a row cannot update the document the ledger has under its number:
/// seen twice in this file, another customer's, another kind or currency.
fn conflict(
    existing: &Existing,
    (row, kind): (&Row, DocumentKind),
    customer_id: CustomerId,
    batch: i64,
) -> Option<String> {
    let number = crate::text::sanitize(&row.number);
    if existing.import_id == Some(batch) {
        return Some(format!(
            "{number} appears twice in the file (line items of one invoice must be next to each other)"
        ));
    }
    if existing.customer_id != customer_id {
        return Some(format!(
            "{number} belongs to another customer in the ledger, not {}",
            crate::text::sanitize(row.customer.label())
        ));
    }
    if existing.kind != kind || existing.currency != row.currency {
        return Some(format!(
            "{number} is {} in {} in the ledger, {} in {} here",
            article(existing.kind),
            existing.currency,
            article(kind),
            row.currency
        ));
    }
    None
}

/// Brings a document the ledger has in line with a newer export: its dates,
/// amount and what is open.
fn update_existing(
    tx: &mut ImportTx<'_>,
    existing: &Existing,
    (row, kind, due_date): (&Row, DocumentKind, NaiveDate),
    report: &mut Report,
) -> Result<(), ImportError> {
    let number = crate::text::sanitize(&row.number);
    let applied = existing.amount_minor - existing.open_minor;
    let base_open = row.amount_minor - applied;
    if base_open < 0 {
        report.error(RowError::at_line(
            row.line,
            format!(
                "{number}: the new amount {} is less than the {} already applied to it in the ledger",
                row.currency.from_minor(row.amount_minor),
                row.currency.from_minor(applied)
            ),
        ));
        return Ok(());
    }
    // What the export says is open now, against what the ledger would
    // have open after the change of amount.
    let (delta, note) = match row.open_minor {
        Some(target) if target < base_open => (base_open - target, None),
        Some(target) if target > base_open => {
            // Open again: undo what earlier imports settled, never what
            // the ledger's own payments paid.
            let undo = (target - base_open).min(existing.settled_minor);
            let note = (target - base_open > undo).then(|| {
                format!(
                    "{number}: the file says {} is open, the ledger {} (it records payments the export does not show); kept the ledger's",
                    row.currency.from_minor(target),
                    row.currency.from_minor(base_open + undo)
                )
            });
            (-undo, note)
        }
        _ => (0, None),
    };
    let changed = existing.issue_date != row.issue_date
        || existing.due_date != due_date
        || existing.amount_minor != row.amount_minor
        || delta != 0;
    if changed {
        tx.update_invoice(
            existing,
            row.issue_date,
            due_date,
            row.amount_minor,
            base_open,
        )?;
        // Paid down: first by payments an earlier export listed on account
        // (now applied), the rest as settled before the import.
        let listed = if delta > 0 && kind == DocumentKind::Invoice {
            tx.apply_listed_credit(existing, delta)?
        } else {
            0
        };
        tx.settle(existing, delta - listed)?;
        report.counts.updated += 1;
    } else {
        tx.touch(existing)?;
        report.counts.unchanged += 1;
    }
    report.notes.extend(note);
    Ok(())
}

fn article(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Invoice => "an invoice",
        DocumentKind::CreditNote => "a credit note",
    }
}
