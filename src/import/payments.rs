//! `dun import payments`: money received, from a bank statement (camt,
//! MT940, OFX: `statement/`) or a bank's CSV export. Each line is matched
//! (`matching.rs`); anything less certain waits for `dun payment allocate`.

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
use super::statement::{self, BankLine, Format, Halt, Lines};
use super::{ImportError, Options, Report, RowError};
use crate::store::{Counts, Finish, ImportTx, NotNumbers, Store};

/// Imports a bank export's receipts: a structured statement (camt, MT940,
/// OFX), recognised by its content, or else a CSV export.
pub(crate) fn import_payments(
    store: &mut Store,
    mut input: impl Read,
    options: &Options,
    progress: &mut dyn FnMut(u64),
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let mut head = Vec::with_capacity(statement::HEAD_BYTES);
    if let Err(e) = (&mut input)
        .take(statement::HEAD_BYTES as u64)
        .read_to_end(&mut head)
    {
        let mut report = Report::new("payments", options);
        report.error(RowError::file(format!("cannot read the file: {e}")).fatal());
        return Ok(report);
    }
    let format = statement::detect(&head);
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    let input = std::io::Cursor::new(head).chain(input);
    match format {
        Format::Csv if utf16 => {
            let input = statement::Utf16::new(input);
            import_csv(store, input, options, progress, finish)
        }
        Format::Csv => import_csv(store, input, options, progress, finish),
        _ => import_statement(store, input, format, options, finish),
    }
}

/// The largest structured statement read (it is read whole, then checked).
const MAX_STATEMENT_BYTES: u64 = 256 << 20;

/// What every line of an import shares: the customers, and how often each
/// key was seen (two equal lines in one file are two payments).
struct Intake {
    customers: CustomerIndex,
    occurrences: HashMap<String, u32>,
    not_numbers: NotNumbers,
}

impl Intake {
    /// Takes one line: money going out is left out, a line seen in an
    /// earlier import is counted unchanged, the rest is matched.
    fn take(
        &mut self,
        tx: &mut ImportTx<'_>,
        line: &BankLine,
        options: &Options,
        report: &mut Report,
    ) -> Result<(), ImportError> {
        if line.amount <= Decimal::ZERO {
            report.counts.skipped += 1;
            return Ok(());
        }
        let minor = match line.currency.to_minor(line.amount) {
            Ok(m) => m,
            Err(e) => {
                report.error(RowError::at_line(
                    line.line,
                    format!("amount {}: {e}", line.amount),
                ));
                return Ok(());
            }
        };
        let base = bank_key(line, minor);
        let n = self.occurrences.entry(base.clone()).or_default();
        *n += 1;
        let key = format!("{base}#{n}");
        if tx.seen_bank_line(&key)? {
            report.counts.unchanged += 1;
            return Ok(());
        }
        let keyed = Keyed {
            line,
            minor,
            key: &key,
            not_numbers: &self.not_numbers,
        };
        apply(tx, &mut self.customers, &keyed, options, report)
    }

    /// Closes the import: customers touched, the file's checksum, the
    /// decision to commit.
    fn close(
        self,
        tx: &mut ImportTx<'_>,
        sha256: String,
        options: &Options,
        report: &mut Report,
    ) -> Result<(Report, Option<Counts>), ImportError> {
        report.customers_created = self.customers.created;
        report.customers_updated = self.customers.updated;
        report.sha256 = sha256;
        report.seen_before = tx.set_sha256(&report.sha256)?;
        let commit = report.settle(options);
        Ok((
            std::mem::replace(report, Report::new("payments", options)),
            commit,
        ))
    }
}

/// A statement: a camt one streamed (`import_camt`), an MT940 or OFX one
/// read whole, checked, then taken line by line in one transaction.
fn import_statement(
    store: &mut Store,
    input: impl Read,
    format: Format,
    options: &Options,
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let mut report = Report::new("payments", options);
    report.detected.push(format!("format: {}", format.name()));
    if format == Format::Camt {
        return import_camt(store, input, report, options, finish);
    }
    let mut bytes = Vec::new();
    if let Err(e) = input.take(MAX_STATEMENT_BYTES + 1).read_to_end(&mut bytes) {
        report.error(RowError::file(format!("cannot read the file: {e}")).fatal());
        return Ok(report);
    }
    if bytes.len() as u64 > MAX_STATEMENT_BYTES {
        report.error(
            RowError::file(format!(
                "the statement is larger than {} MiB; split it by period",
                MAX_STATEMENT_BYTES >> 20
            ))
            .fatal(),
        );
        return Ok(report);
    }
    let sha256: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let read = statement::read(format, &bytes)
        .and_then(|s| ours(&s, options.account.as_deref()).map(|()| s));
    let statement = match read {
        Ok(s) => s,
        Err(e) => {
            report.error(e);
            return Ok(report);
        }
    };
    drop(bytes);
    report.notes.extend(statement.warnings.iter().cloned());
    let batch = options.batch("payments");
    store
        .import(&batch, finish, |tx| {
            let mut intake = Intake {
                customers: CustomerIndex::load(tx)?,
                occurrences: HashMap::new(),
                not_numbers: NotNumbers::default(),
            };
            for line in &statement.lines {
                report.counts.rows += 1;
                intake.take(tx, line, options, &mut report)?;
            }
            intake.close(tx, sha256.clone(), options, &mut report)
        })
        .and_then(|report| {
            super::record_unchanged(store, &batch, &report)?;
            Ok(report)
        })
}

/// A camt statement: read an entry at a time, each line taken as it is
/// read, all in one transaction. A malformed statement is refused whole:
/// the transaction is rolled back and the report says only why.
fn import_camt(
    store: &mut Store,
    input: impl Read,
    mut report: Report,
    options: &Options,
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let batch = options.batch("payments");
    let ours_iban = options.account.as_deref().and_then(statement::iban);
    store
        .import(&batch, finish, |tx| {
            let mut intake = Intake {
                customers: CustomerIndex::load(tx)?,
                occurrences: HashMap::new(),
                not_numbers: NotNumbers::default(),
            };
            let read = {
                let mut take = |line: BankLine| -> Result<(), Halt> {
                    if let Some(refusal) = foreign(&line, ours_iban.as_deref()) {
                        return Err(Halt::Bad(refusal));
                    }
                    report.counts.rows += 1;
                    intake
                        .take(tx, &line, options, &mut report)
                        .map_err(Halt::Taker)
                };
                let mut lines = Lines {
                    take: &mut take,
                    warnings: Vec::new(),
                };
                let input = std::io::BufReader::with_capacity(1 << 16, input);
                statement::camt(input, &mut lines).map(|sha| (sha, lines.warnings))
            };
            match read {
                Ok((sha256, warnings)) => {
                    report.notes.splice(0..0, warnings);
                    intake.close(tx, sha256, options, &mut report)
                }
                Err(Halt::Bad(e)) => {
                    let mut refused = Report::new("payments", options);
                    refused.detected = std::mem::take(&mut report.detected);
                    refused.error(e);
                    Ok((refused, None))
                }
                Err(Halt::Taker(e)) => Err(e),
            }
        })
        .and_then(|report| {
            super::record_unchanged(store, &batch, &report)?;
            Ok(report)
        })
}

/// Refuses a statement for an account that is not ours, when we know ours
/// (`[company] iban`) and the statement names its account by IBAN.
fn ours(statement: &statement::Statement, ours: Option<&str>) -> Result<(), RowError> {
    let ours = ours.and_then(statement::iban);
    match statement
        .lines
        .iter()
        .find_map(|l| foreign(l, ours.as_deref()))
    {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

/// The refusal of a line of a statement for another account than ours
/// (an IBAN, compact), when it names its account by IBAN.
fn foreign(line: &BankLine, ours: Option<&str>) -> Option<RowError> {
    let ours = ours?;
    let other = line
        .account
        .as_deref()
        .and_then(statement::iban)
        .filter(|a| *a != ours)?;
    Some(
        RowError::file(format!(
            "the statement is for account {}, which is not ours ([company] iban is {}); \
             nothing was imported",
            crate::text::sanitize(&other),
            crate::text::sanitize(ours)
        ))
        .fatal(),
    )
}

/// A bank's CSV export, through the profile machinery.
fn import_csv(
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
            let mut intake = Intake {
                customers: CustomerIndex::load(tx)?,
                occurrences: HashMap::new(),
                not_numbers: NotNumbers::default(),
            };
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
                if options.profile.skips(&record) || footer(&record) {
                    continue;
                }
                report.counts.rows += 1;
                if options.profile.skipped_status(&record, &source.layout)
                    || not_booked(&record, &source.layout)
                {
                    report.counts.skipped += 1;
                    continue;
                }
                match parse(&record, &source, options) {
                    Ok(line) => intake.take(tx, &line, options, &mut report)?,
                    Err(e) => report.error(e),
                }
            }
            progress(source.bytes_read());
            report.detected.append(&mut source.detected);
            let sha256 = source.finish();
            intake.close(tx, sha256, options, &mut report)
        })
        .and_then(|report| {
            super::record_unchanged(store, &batch, &report)?;
            Ok(report)
        })
}

/// Identifies a bank line across imports: the bank's own reference when it
/// gives one (with the account, when the statement names it), else its
/// date, amount, currency, counterparty and reference: never its place in
/// the file, so a line repeated by an overlapping statement is known.
fn bank_key(line: &BankLine, minor: i64) -> String {
    let mut hasher = Sha256::new();
    if let Some(reference) = &line.bank_reference {
        hasher.update(b"bank reference\0");
        if let Some(account) = &line.account {
            hasher.update(account.as_bytes());
            hasher.update([0]);
        }
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
    let amount = match cells.value(Field::Sign).map(super::layout::fold) {
        None => amount,
        Some(mark) if DEBIT_MARKS.contains(&mark.as_str()) => -amount.abs(),
        Some(mark) if CREDIT_MARKS.contains(&mark.as_str()) => amount.abs(),
        Some(_) => {
            return Err(cells.bad(Field::Sign, "D or C (Af or Bij, Soll or Haben, S or H)"));
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
        payer_iban: cells
            .text(Field::PayerIban, "an account")?
            .map(|a| statement::iban(&a).unwrap_or(a)),
        bank_reference: None,
        account: None,
    })
}

/// A sign column's marks of money out, folded.
const DEBIT_MARKS: &[&str] = &[
    "d", "af", "soll", "s", "debit", "dbit", "db", "-", "dare", "debe",
];

/// A sign column's marks of money in, folded.
const CREDIT_MARKS: &[&str] = &[
    "c", "bij", "haben", "h", "credit", "crdt", "cr", "+", "avere", "haber",
];

/// Statuses of a bank line not booked (yet): left out.
const NOT_BOOKED: &[&str] = &[
    "pending",
    "reverted",
    "declined",
    "failed",
    "cancelled",
    "canceled",
    "in sospeso",
    "in attesa",
    "pendiente",
    "en attente",
    "en cours",
    "in asteptare",
    "vorgemerkt",
    "in bearbeitung",
    "in behandeling",
    "gereserveerd",
    "umsatz vorgemerkt",
];

/// First cells of a bank export's balance and total lines below (or
/// above) the data, folded: not payments.
const FOOTERS: &[&str] = &[
    "kontostand",
    "saldo",
    "saldo iniziale",
    "saldo finale",
    "saldo contabile",
    "total",
    "totale",
    "summe",
    "opening balance",
    "closing balance",
    "balance",
    "solde",
    "solde initial",
    "solde final",
    "sold initial",
    "sold final",
    "beginsaldo",
    "eindsaldo",
    "anfangssaldo",
    "endsaldo",
    "saldo inicial",
    "saldo final",
];

/// True when a row is a balance or total line of a bank export.
fn footer(record: &Record) -> bool {
    record
        .fields
        .iter()
        .map(|f| f.trim())
        .find(|f| !f.is_empty())
        .is_some_and(|first| FOOTERS.contains(&super::layout::fold(first).as_str()))
}

/// True when the row's status says the bank has not booked it.
fn not_booked(record: &Record, layout: &super::layout::Layout) -> bool {
    layout
        .value(record, Field::Status)
        .is_some_and(|status| NOT_BOOKED.contains(&super::layout::fold(status).as_str()))
}
