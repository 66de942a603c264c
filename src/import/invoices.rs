//! `dun import invoices`: documents from an accounting export.

use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::customers::{CustomerIndex, CustomerKey};
use super::profile::{Field, INVOICE_FIELDS, RowType};
use super::read::Record;
use super::source::{self, Source};
use super::{ImportError, Options, Report, RowError};
use crate::ledger::DocumentKind;
use crate::money::Currency;
use crate::store::{ImportTx, NewBatch, NewPayment, Store};

/// One invoice, credit note or payment row, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    line: u64,
    number: String,
    customer: CustomerKey,
    kind: RowType,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    /// Positive, minor units.
    amount_minor: i64,
    currency: Currency,
    /// What is still open, minor units, when the file says.
    open_minor: Option<i64>,
}

/// Imports an invoice export into the ledger.
pub fn import_invoices(
    store: &mut Store,
    input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(u64),
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
        &[Field::IssueDate, Field::DueDate],
    );
    let mut source = match opened {
        Ok(s) => s,
        Err(e) => {
            report.error(e);
            return Ok(report);
        }
    };
    let batch = NewBatch {
        kind: "invoices",
        profile: options.profile.name.clone(),
        file_name: options.file_name.clone(),
        on: options.as_of,
    };
    store.import(&batch, |tx| {
        let mut customers = CustomerIndex::load(tx)?;
        let mut pending: Option<Row> = None;
        let mut tick = 0_u32;
        // Customers named by group rows, when the file has no column for them.
        let group_customers = options.profile.customer_from_group_rows
            && ![Field::Customer, Field::CustomerCode, Field::CustomerName]
                .iter()
                .any(|f| source.layout.has(*f));
        let mut group: Option<String> = None;
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
            if group_customers && let Some(name) = options.profile.group_name(&record) {
                group = Some(name.to_string());
                continue;
            }
            if options.profile.skips(&record) {
                continue;
            }
            report.counts.rows += 1;
            let row = match parse(&record, &source, options, group.as_deref()) {
                Ok(Some(row)) => row,
                Ok(None) => {
                    report.counts.skipped += 1;
                    continue;
                }
                Err(e) => {
                    report.error(e);
                    continue;
                }
            };
            // Line items of one invoice follow each other with its totals
            // repeated: together they are one document.
            if let Some(p) = pending
                .as_ref()
                .filter(|p| p.number == row.number && row.kind != RowType::Payment)
            {
                if let Err(e) = same_document(p, &row) {
                    report.error(e);
                }
                continue;
            }
            if let Some(done) = pending.replace(row) {
                apply(tx, &mut customers, &done, options, &mut report)?;
            }
        }
        if let Some(done) = pending.take() {
            apply(tx, &mut customers, &done, options, &mut report)?;
        }
        progress(source.bytes_read());
        report.customers_created = customers.created;
        report.customers_updated = customers.updated;
        report.detected.append(&mut source.detected);
        report.vanished = tx.vanished(&options.profile.name)?;
        report.sha256 = source.finish();
        report.seen_before = tx.set_sha256(&report.sha256)?;
        let commit = report.settle(options);
        Ok((
            std::mem::replace(&mut report, Report::new("invoices", options)),
            commit,
        ))
    })
}

/// Reads one row; `Ok(None)` for a row its type says to leave out.
fn parse<R: Read>(
    record: &Record,
    source: &Source<R>,
    options: &Options,
    group: Option<&str>,
) -> Result<Option<Row>, RowError> {
    let layout = &source.layout;
    let line = record.line;
    let cell = |field: Field| layout.value(record, field);
    let bad = |field: Field, expected: &str| {
        let column = layout.columns.get(&field).copied().unwrap_or(0);
        let mut e = RowError::at(
            line,
            column,
            crate::text::sanitize(record.get(column)).into_owned(),
            expected,
        );
        e.header = Some(layout.header(field));
        e
    };
    let text = |field: Field, what: &str| -> Result<Option<String>, RowError> {
        match cell(field) {
            None => Ok(None),
            Some(v) => {
                let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
                if crate::text::check_field(what, &v).is_err() {
                    return Err(bad(
                        field,
                        &format!("{what} as plain text, without control characters"),
                    ));
                }
                Ok(Some(v))
            }
        }
    };
    if options.profile.skipped_status(record, layout) {
        return Ok(None);
    }
    let kind = match cell(Field::Type) {
        None => None,
        Some(t) => match options.profile.row_type(t) {
            Some(RowType::Skip) => return Ok(None),
            Some(k) => Some(k),
            None => {
                return Err(bad(
                    Field::Type,
                    &format!(
                        "a document type this profile knows ({})",
                        options.profile.known_types()
                    ),
                ));
            }
        },
    };
    let number = text(Field::Number, "a document number")?;
    let number = match (number, kind) {
        (Some(n), _) => {
            if looks_shortened(&n) {
                return Err(bad(
                    Field::Number,
                    "a document number as written, not shortened by a spreadsheet (export the column as text)",
                ));
            }
            n
        }
        // A payment on account may have no number of its own.
        (None, Some(RowType::Payment)) => String::new(),
        (None, _) => return Err(bad(Field::Number, "a document number")),
    };
    let mut customer = CustomerKey {
        code: None,
        name: text(Field::CustomerName, "a customer name")?,
        either: None,
        email: None,
    };
    let code = text(Field::CustomerCode, "a customer code")?;
    let either = text(Field::Customer, "a customer")?.or_else(|| group.map(str::to_string));
    match (code, either) {
        (Some(code), _) => customer.code = Some(code),
        (None, Some(e)) if layout.has(Field::CustomerName) && !layout.has(Field::CustomerCode) => {
            customer.code = Some(e)
        }
        (None, e) => customer.either = e,
    }
    if customer.code.is_none() && customer.either.is_none() && customer.name.is_none() {
        if group.is_none()
            && options.profile.customer_from_group_rows
            && !layout.has(Field::Customer)
        {
            return Err(RowError::at_line(
                line,
                "expected a customer: no customer column and no customer row above this one".into(),
            ));
        }
        let field = [Field::CustomerCode, Field::Customer, Field::CustomerName]
            .into_iter()
            .find(|f| layout.has(*f))
            .unwrap_or(Field::Customer);
        return Err(bad(field, "a customer"));
    }
    if let Some(email) = text(Field::Email, "an email address")? {
        if !plausible_email(&email) {
            return Err(bad(
                Field::Email,
                "an email address like accounts@example.com",
            ));
        }
        customer.email = Some(email);
    }
    let currency = match cell(Field::Currency) {
        None => options.currency,
        Some(c) => c
            .parse::<Currency>()
            .map_err(|_| bad(Field::Currency, "a currency code such as EUR"))?,
    };
    let date = |field: Field| -> Result<Option<NaiveDate>, RowError> {
        match cell(field) {
            None => Ok(None),
            Some(v) => source
                .dates
                .parse(v)
                .map(Some)
                .ok_or_else(|| bad(field, &source.dates.expected())),
        }
    };
    let issue_date =
        date(Field::IssueDate)?.ok_or_else(|| bad(Field::IssueDate, "an issue date"))?;
    // A blank due date (paid on receipt, charged automatically) means due on issue.
    let due_date = date(Field::DueDate)?.unwrap_or(issue_date);
    if due_date < issue_date {
        return Err(bad(
            Field::DueDate,
            &format!("a due date on or after the issue date {issue_date}"),
        ));
    }
    let amount = |field: Field| -> Result<Option<Decimal>, RowError> {
        match cell(field) {
            None => Ok(None),
            Some(v) => super::values::parse_amount(v, source.numbers)
                .map(Some)
                .ok_or_else(|| bad(field, &amount_example(source.numbers.decimal))),
        }
    };
    let minor = |field: Field, value: Decimal| -> Result<i64, RowError> {
        currency
            .to_minor(value)
            .map_err(|e| bad(field, &format!("an amount in {currency} ({e})")))
    };
    let open = amount(Field::Open)?;
    let paid = amount(Field::Paid)?;
    let total = match (amount(Field::Amount)?, layout.has(Field::Amount)) {
        (Some(t), _) => t,
        (None, false) => open.unwrap_or_default() + paid.unwrap_or_default(),
        (None, true) => return Err(bad(Field::Amount, "an amount")),
    };
    let kind = match kind {
        Some(k) => k,
        None if total < Decimal::ZERO => RowType::CreditNote,
        None => RowType::Invoice,
    };
    // Credit notes and payments are often written negative; their size is
    // what matters.
    let (total, open, paid) = if kind == RowType::Invoice {
        (total, open, paid)
    } else {
        (total.abs(), open.map(|o| o.abs()), paid.map(|p| p.abs()))
    };
    if total <= Decimal::ZERO && kind != RowType::Payment {
        return Err(bad(Field::Amount, "an amount above zero"));
    }
    let amount_minor = minor(Field::Amount, total)?;
    let open_minor = match (open, paid) {
        (Some(o), Some(p)) if o + p != total && kind != RowType::Payment => {
            return Err(bad(
                Field::Open,
                &format!("what is due plus what was paid ({p}) to make the total {total}"),
            ));
        }
        (Some(o), _) => Some(minor(Field::Open, o)?),
        (None, Some(p)) => Some(minor(Field::Paid, total - p)?),
        (None, None) => None,
    };
    if kind != RowType::Payment
        && let Some(o) = open_minor
        && !(0..=amount_minor).contains(&o)
    {
        let field = if open.is_some() {
            Field::Open
        } else {
            Field::Paid
        };
        return Err(bad(
            field,
            &format!("an open balance between 0 and the total {total}"),
        ));
    }
    Ok(Some(Row {
        line,
        number,
        customer,
        kind,
        issue_date,
        due_date,
        amount_minor,
        currency,
        open_minor,
    }))
}

/// `1.23457E+11`: a long number a spreadsheet turned into a float.
fn looks_shortened(number: &str) -> bool {
    let upper = number.to_ascii_uppercase();
    upper.split_once("E+").is_some_and(|(m, e)| {
        m.contains('.')
            && m.replace('.', "").bytes().all(|b| b.is_ascii_digit())
            && e.bytes().all(|b| b.is_ascii_digit())
    })
}

fn plausible_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
    })
}

fn amount_example(decimal: char) -> String {
    if decimal == ',' {
        "an amount like 1.234,56".into()
    } else {
        "an amount like 1,234.56".into()
    }
}

/// Checks that a line item repeats its invoice's totals.
fn same_document(first: &Row, item: &Row) -> Result<(), RowError> {
    let differs = |what: &str| {
        Err(RowError::at_line(
            item.line,
            format!(
                "invoice {} appears again with a different {what} than on line {}; line items of one \
                 invoice must repeat its totals",
                crate::text::sanitize(&item.number),
                first.line
            ),
        ))
    };
    if item.customer != first.customer {
        return differs("customer");
    }
    if (item.issue_date, item.due_date) != (first.issue_date, first.due_date) {
        return differs("date");
    }
    if (item.amount_minor, item.currency, item.open_minor)
        != (first.amount_minor, first.currency, first.open_minor)
    {
        return differs("total");
    }
    if item.kind != first.kind {
        return differs("type");
    }
    Ok(())
}

/// Writes one document (or payment row) to the ledger.
fn apply(
    tx: &mut ImportTx<'_>,
    customers: &mut CustomerIndex,
    row: &Row,
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let customer_id = match customers.resolve(tx, &row.customer)? {
        Ok(id) => id,
        Err(why) => {
            report.error(RowError::at_line(row.line, why));
            return Ok(());
        }
    };
    if row.kind == RowType::Payment {
        let unapplied = row.open_minor.unwrap_or(row.amount_minor).abs();
        if unapplied == 0 {
            report.counts.unchanged += 1;
            return Ok(());
        }
        let key = format!(
            "{}:{}:{}:{}:{}:{}",
            options.profile.name,
            row.customer.label(),
            row.number,
            row.issue_date,
            unapplied,
            row.currency
        );
        let payment = NewPayment {
            customer_id,
            paid_on: row.issue_date,
            amount: row.currency.from_minor(unapplied),
            currency: row.currency,
            method: Some("import".into()),
            reference: (!row.number.is_empty()).then(|| row.number.clone()),
            invoice_id: None,
        };
        if tx.insert_unapplied(&payment, &key)? {
            report.counts.created += 1;
        } else {
            report.counts.unchanged += 1;
        }
        return Ok(());
    }
    let kind = if row.kind == RowType::CreditNote {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let open = row.open_minor.unwrap_or(row.amount_minor);
    if tx
        .insert_invoice(
            &row.number,
            customer_id,
            kind,
            row.issue_date,
            row.due_date,
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
    let number = crate::text::sanitize(&row.number);
    let refuse = |report: &mut Report, why: String| report.error(RowError::at_line(row.line, why));
    if existing.import_id == Some(tx.batch()) {
        refuse(
            report,
            format!(
                "{number} appears twice in the file (line items of one invoice must be next to each other)"
            ),
        );
        return Ok(());
    }
    if existing.customer_id != customer_id {
        refuse(
            report,
            format!(
                "{number} belongs to another customer in the ledger, not {}",
                crate::text::sanitize(row.customer.label())
            ),
        );
        return Ok(());
    }
    if existing.kind != kind || existing.currency != row.currency {
        refuse(
            report,
            format!(
                "{number} is a {} in {} in the ledger",
                existing.kind.as_str().replace('_', " "),
                existing.currency
            ),
        );
        return Ok(());
    }
    if existing.written_off {
        report.notes.push(format!(
            "{number} is written off in the ledger; left as it is"
        ));
        tx.touch(&existing)?;
        report.counts.unchanged += 1;
        return Ok(());
    }
    let applied = existing.amount_minor - existing.open_minor;
    let base_open = row.amount_minor - applied;
    if base_open < 0 {
        refuse(
            report,
            format!(
                "{number}: the new amount {} is less than the {} already applied to it in the ledger",
                row.currency.from_minor(row.amount_minor),
                row.currency.from_minor(applied)
            ),
        );
        return Ok(());
    }
    let settle = match row.open_minor {
        Some(target) if target < base_open => base_open - target,
        Some(target) if target > base_open => {
            report.notes.push(format!(
                "{number}: the file says {} is open, the ledger {} (it records payments the export does not show); kept the ledger's",
                row.currency.from_minor(target),
                row.currency.from_minor(base_open)
            ));
            0
        }
        _ => 0,
    };
    let new_open = base_open;
    let changed = existing.issue_date != row.issue_date
        || existing.due_date != row.due_date
        || existing.amount_minor != row.amount_minor
        || existing.open_minor != new_open
        || settle > 0;
    if changed {
        tx.update_invoice(
            &existing,
            row.issue_date,
            row.due_date,
            row.amount_minor,
            new_open,
        )?;
        tx.settle(&existing, settle)?;
        report.counts.updated += 1;
    } else {
        tx.touch(&existing)?;
        report.counts.unchanged += 1;
    }
    Ok(())
}
