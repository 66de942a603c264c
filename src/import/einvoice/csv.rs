//! A CSV export found in a folder or zip of e-invoices: imported in the
//! same transaction when its header names a known layout, its rows read
//! and committed as `dun import invoices FILE` would (line items of one
//! invoice make one document, statuses honoured); else listed with why.
//! Layouts are the built-in ones: `--profile` reads a single file only.

use std::collections::{BTreeMap, HashMap};

use crate::import::customers::CustomerIndex;
use crate::import::invoice_rows::{Row, parse, same_document};
use crate::import::invoices::{Known, apply, retired_notes};
use crate::import::profile::{Field, INVOICE_FIELDS, Profile, RowType, Status};
use crate::import::read::Record;
use crate::import::recognise::{Recognised, Recognition, recognise};
use crate::import::source;
use crate::import::{ImportError, Options, Report, RowError};
use crate::store::ImportTx;

/// A CSV of a folder, its layout recognised.
pub(super) struct Export {
    /// Its layout, resolved.
    pub(super) profile: Profile,
    /// What recognised it.
    pub(super) recognised: Recognised,
    /// Its bytes.
    pub(super) bytes: Vec<u8>,
}

/// The layout a file of a folder has, when it is a CSV of a known one;
/// `Err` says why it is not imported.
pub(super) fn recognised(bytes: Vec<u8>) -> Result<Export, String> {
    let unknown = "not an e-invoice (XML, signed XML or PDF), nor a CSV of a layout dun \
                   recognises; import it on its own, naming its layout with --profile";
    let recognised = match recognise(&bytes[..], &BTreeMap::new()) {
        Ok(Recognition::Layout(r)) => r,
        Ok(Recognition::Ambiguous(layouts)) => {
            return Err(format!(
                "a CSV whose header fits the layouts {} alike; import it on its own with --profile",
                layouts.join(" and ")
            ));
        }
        Ok(Recognition::Unknown) | Err(_) => return Err(unknown.into()),
    };
    let profile = Profile::resolve(&recognised.layout, &BTreeMap::new())?;
    Ok(Export {
        profile,
        recognised,
        bytes,
    })
}

/// Imports one recognised CSV of a folder inside the folder's transaction.
pub(super) fn commit(
    tx: &mut ImportTx<'_>,
    known: Known<'_>,
    (file, export): (&str, &Export),
    folder: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let mut options = folder.clone();
    options.payment_terms_days = export
        .profile
        .payment_terms_days
        .or(folder.payment_terms_days);
    options.profile = export.profile.clone();
    report.notes.push(format!(
        "{file}: layout {} (recognised from its columns {})",
        export.recognised.layout,
        export.recognised.columns.join(", ")
    ));
    let mut source = match open(export, &options) {
        Ok(s) => s,
        Err(e) => {
            report.error(within(file, e));
            return Ok(());
        }
    };
    let Known {
        customers,
        occurrences,
    } = known;
    let mut pending: Option<Row> = None;
    while let Some(record) = source.next_row() {
        let Some(row) = row_of(record, &source, &options, (file, &mut *report)) else {
            continue;
        };
        if let Some(p) = pending
            .as_mut()
            .filter(|p| p.number == row.number && row.kind != RowType::Payment)
        {
            if let Err(e) = same_document(p, &row, options.profile.sum_lines) {
                report.error(within(file, e));
            }
            continue;
        }
        report.paid_part_unknown += u64::from(row.paid_part_unknown);
        if let Some(done) = pending.replace(row) {
            write(
                tx,
                (customers, occurrences),
                (file, &done),
                &options,
                report,
            )?;
        }
    }
    if let Some(done) = pending.take() {
        write(
            tx,
            (customers, occurrences),
            (file, &done),
            &options,
            report,
        )?;
    }
    Ok(())
}

/// The CSV's reading, its header found and its style settled.
fn open<'b>(export: &'b Export, options: &Options) -> Result<source::Source<&'b [u8]>, RowError> {
    source::open(
        &export.bytes[..],
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
    )
}

/// One record read as a row, counted; `None` for one left out or bad
/// (recorded in the report).
fn row_of(
    record: Result<Record, RowError>,
    source: &source::Source<&[u8]>,
    options: &Options,
    (file, report): (&str, &mut Report),
) -> Option<Row> {
    let record = match record {
        Ok(r) if options.profile.skips(&r) => return None,
        Ok(r) => r,
        Err(e) => {
            report.error(within(file, e));
            return None;
        }
    };
    report.counts.rows += 1;
    match parse(&record, source, options, None) {
        Ok(Some(row)) => Some(row),
        Ok(None) => {
            report.counts.skipped += 1;
            if let Status::LeftOut(status) = options.profile.status(&record, &source.layout) {
                let number = source.layout.value(&record, Field::Number).unwrap_or("");
                report.left_out(status, number.to_string());
            }
            None
        }
        Err(e) => {
            report.error(within(file, e));
            None
        }
    }
}

/// Writes one document of the CSV; its refusals name the file.
fn write(
    tx: &mut ImportTx<'_>,
    (customers, occurrences): (&mut CustomerIndex, &mut HashMap<String, u32>),
    (file, row): (&str, &Row),
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let before = report.errors.len();
    let known = Known {
        customers,
        occurrences,
    };
    apply(tx, known, row, options, report)?;
    for e in report.errors.iter_mut().skip(before) {
        *e = within(file, e.clone());
    }
    for note in retired_notes(tx) {
        report.notes.push(format!("{file}: {note}"));
    }
    Ok(())
}

/// A row's refusal as one of the folder's: the file, line and column go
/// into the message, which the command puts after the folder's name.
fn within(file: &str, e: RowError) -> RowError {
    let mut place = file.to_string();
    if e.line > 0 {
        place.push_str(&format!(":{}", e.line));
        if let Some(c) = e.column {
            place.push_str(&format!(":{}", c + 1));
        }
    }
    let mut text = String::new();
    if let Some(h) = &e.header {
        text.push_str(&format!("column '{h}': "));
    }
    if let Some(v) = &e.value {
        text.push_str(&format!("'{v}': "));
    }
    text.push_str(&e.message);
    let mut refusal = RowError::file(format!("{place}: {text}"));
    refusal.fatal = e.fatal;
    refusal
}
