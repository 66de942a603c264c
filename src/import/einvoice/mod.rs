//! E-invoices: FatturaPA, UBL 2.1, UN/CEFACT CII, alone or in a folder, a
//! zip, a signed `.p7m` or a Factur-X PDF, recognised by their content.
//!
//! Every file is read into the same checked [`Document`] values, and each
//! document becomes the rows the CSV path commits (`invoices::apply`): one
//! transaction for the whole folder, the same matching of customers and the
//! same updates of a document seen before. A document with several due
//! dates becomes one open item per instalment, numbered `N (i/n)` (see
//! [`instalment_number`]).

mod cii;
mod container;
mod csv;
mod der;
mod document;
mod fatturapa;
mod ubl;
mod xml;

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use self::container::Kind;
pub use self::document::{Document, Party, Read};
use super::customers::{CustomerIndex, CustomerKey};
use super::invoice_rows::{Due, Row};
use super::invoices::{Known, apply};
use super::profile::RowType;
use super::{ImportError, Options, Report, RowError};
use crate::store::{Finish, ImportTx, Store};
use dun_core::ledger::DocumentKind;

/// Whether a path is for this reader: a folder, or a file whose content is
/// XML, a PDF, a zip or a signed file.
pub fn recognises(path: &Path) -> bool {
    if path.is_dir() {
        return true;
    }
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = &head[..n];
    container::is_zip(path) || container::kind(head) != Kind::Other
}

/// The number an instalment is kept under: the document's own when it has
/// one due date, else `N (i/n)`, which no real document number collides
/// with in practice and which says which part it is wherever it is shown.
pub fn instalment_number(number: &str, i: usize, n: usize) -> String {
    if n <= 1 {
        number.to_string()
    } else {
        format!("{number} ({i}/{n})")
    }
}

/// The document and instalment a number written `N (i/n)` names, for a
/// CSV export that lists instalments as rows of their own.
pub(super) fn instalment_parts(number: &str) -> Option<(&str, usize)> {
    let (document, part) = number.strip_suffix(')')?.rsplit_once(" (")?;
    let (i, n) = part.split_once('/')?;
    let (i, n): (usize, usize) = (i.parse().ok()?, n.parse().ok()?);
    (1 <= i && i <= n && n > 1 && !document.trim().is_empty()).then_some((document, i))
}

/// One file's documents, or why it cannot be read.
struct FileRead {
    name: String,
    read: Result<Content, String>,
}

/// What a file of a folder holds.
enum Content {
    /// E-invoices (or why each is left out).
    Documents(Vec<Read>),
    /// A CSV export of a known layout.
    Csv(Box<csv::Export>),
}

/// Reads every e-invoice under a path and imports them in one transaction.
pub(crate) fn import_einvoices(
    store: &mut Store,
    path: &Path,
    options: &Options,
    finish: Finish<'_>,
) -> Result<Report, ImportError> {
    let mut report = Report::new("invoices", options);
    report.profile = "e-invoice".into();
    let mut items = Vec::new();
    if let Err(why) = container::collect(path, &options.file_name, &mut items) {
        report.error(RowError::file(why).fatal());
        return Ok(report);
    }
    let mut hasher = Sha256::new();
    let files = read_all(items, &mut hasher);
    report.sha256 = format!("{:x}", hasher.finalize());
    let batch = options.batch("invoices");
    let written = store.import(&batch, finish, |tx| {
        let mut customers = CustomerIndex::load(tx)?;
        let mut occurrences = HashMap::new();
        if options.vat_id.is_none() {
            report.notes.push(
                "issuers not checked: set [company] vat_id to leave out documents issued by others \
                 (purchase invoices)"
                    .into(),
            );
        }
        for file in &files {
            let docs = match &file.read {
                Ok(Content::Documents(docs)) => docs,
                Ok(Content::Csv(export)) => {
                    let known = Known {
                        customers: &mut customers,
                        occurrences: &mut occurrences,
                    };
                    csv::commit(tx, known, (&file.name, export), options, &mut report)?;
                    continue;
                }
                Err(why) => {
                    report.error(RowError::file(placed(&file.name, options, why)));
                    continue;
                }
            };
            for read in docs {
                let known = Known {
                    customers: &mut customers,
                    occurrences: &mut occurrences,
                };
                commit(tx, known, (&file.name, read), options, &mut report)?;
            }
        }
        report.customers_created = customers.created;
        report.customers_updated = customers.updated;
        let sha256 = std::mem::take(&mut report.sha256);
        report.seen_before = tx.set_sha256(&sha256)?;
        report.sha256 = sha256;
        let commit = report.settle(options);
        Ok::<_, ImportError>((
            std::mem::replace(&mut report, Report::new("invoices", options)),
            commit,
        ))
    })?;
    super::record_unchanged(store, &batch, &written)?;
    Ok(written)
}

/// Every file read, in order, each into the checksum with its name.
fn read_all(items: Vec<container::Item>, hasher: &mut Sha256) -> Vec<FileRead> {
    let mut files = Vec::with_capacity(items.len());
    for item in items {
        let read = item.read().and_then(|bytes| {
            hasher.update(item.name.as_bytes());
            hasher.update(&bytes);
            if container::kind(&bytes) != Kind::Other {
                return read_file(&bytes).map(Content::Documents);
            }
            Ok(match csv::recognised(bytes) {
                Ok(export) => Content::Csv(Box::new(export)),
                Err(why) => Content::Documents(vec![Read::LeftOut(String::new(), why)]),
            })
        });
        files.push(FileRead {
            name: item.name,
            read,
        });
    }
    files
}

/// The documents of one file's bytes.
fn read_file(bytes: &[u8]) -> Result<Vec<Read>, String> {
    match container::kind(bytes) {
        Kind::Xml => read_xml(bytes),
        Kind::Signed => read_xml(&container::unsign(bytes, false)?),
        Kind::SignedBase64 => read_xml(&container::unsign(bytes, true)?),
        Kind::Pdf => {
            let embedded = container::embedded_files(bytes);
            let mut last = None;
            for file in &embedded {
                if container::kind(file) != Kind::Xml {
                    continue;
                }
                match read_xml(file) {
                    Ok(docs) => return Ok(docs),
                    Err(why) => last = Some(why),
                }
            }
            Err(match last {
                Some(why) => format!("the XML inside the PDF: {why}"),
                None => "a PDF with no e-invoice inside (no embedded Factur-X, ZUGFeRD or \
                         XRechnung XML)"
                    .into(),
            })
        }
        Kind::Other => Ok(vec![Read::LeftOut(
            String::new(),
            "not an e-invoice (XML, signed XML or PDF); a CSV is imported on its own".into(),
        )]),
    }
}

/// The documents of one XML file, by its root element.
fn read_xml(bytes: &[u8]) -> Result<Vec<Read>, String> {
    let root = xml::parse(bytes).map_err(|e| at(&e.path, &e.message))?;
    let node = xml::Node::root(&root);
    let read = match root.name.as_str() {
        "FatturaElettronica" => fatturapa::read(&node),
        "Invoice" | "CreditNote" => ubl::read(&node),
        "CrossIndustryInvoice" | "CrossIndustryDocument" => cii::read(&node),
        other => {
            return Err(format!(
                "an XML document of another kind ({}), not an invoice: dun reads FatturaPA, UBL \
                 Invoice and CreditNote, and CII CrossIndustryInvoice",
                crate::text::excerpt(other)
            ));
        }
    };
    read.map_err(|f| at(&f.path, &f.message))
}

/// A message about a file: named when it is one of a folder or a zip (the
/// command names the path it was given).
fn placed(name: &str, options: &Options, message: &str) -> String {
    if name == options.file_name {
        message.to_string()
    } else {
        format!("{name}: {message}")
    }
}

fn at(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{}: {message}", crate::text::sanitize(path))
    }
}

/// Whether our company issued a document; `Err` says who did.
fn ours(document: &Document, vat_id: &str) -> Result<(), String> {
    let issuer = &document.issuer;
    let matches =
        |id: &Option<String>| id.as_deref().is_some_and(|i| document::same_vat(i, vat_id));
    if matches(&issuer.vat_id) || matches(&issuer.tax_code) {
        return Ok(());
    }
    let who = issuer.name.as_deref().unwrap_or("another company");
    let id = issuer.vat_id.as_deref().unwrap_or("no VAT id");
    if matches(&document.customer.vat_id) || matches(&document.customer.tax_code) {
        Err(format!(
            "a purchase: issued to us by {who} ({id}), not a receivable"
        ))
    } else {
        Err(format!("issued by {who} ({id}), not by us"))
    }
}

/// The document to import, or `None` for one left out (noted).
fn ours_to_import<'r>(
    file: &str,
    read: &'r Read,
    options: &Options,
    report: &mut Report,
) -> Option<&'r Document> {
    let why = match read {
        Read::LeftOut(number, why) => Some((number.as_str(), why.clone())),
        Read::Document(d) => match options.vat_id.as_deref().map(|vat| ours(d, vat)) {
            Some(Err(why)) => Some((d.number.as_str(), why)),
            _ => None,
        },
    };
    match (why, read) {
        (Some((number, why)), _) => {
            report.counts.rows += 1;
            report.counts.skipped += 1;
            let number = crate::text::sanitize(number);
            report
                .notes
                .push(format!("left out {file} {number}: {why}"));
            None
        }
        (None, Read::Document(d)) => Some(d),
        (None, Read::LeftOut(..)) => None,
    }
}

/// Writes one document: its instalments as rows of the CSV path.
fn commit(
    tx: &mut ImportTx<'_>,
    known: Known<'_>,
    (file, read): (&str, &Read),
    options: &Options,
    report: &mut Report,
) -> Result<(), ImportError> {
    let Some(document) = ours_to_import(file, read, options, report) else {
        return Ok(());
    };
    for warning in &document.warnings {
        report.notes.push(placed(file, options, warning));
    }
    let rows = match rows(document) {
        Ok(rows) => rows,
        Err(mut e) => {
            report.counts.rows += 1;
            e.message = placed(file, options, &e.message);
            report.error(e);
            return Ok(());
        }
    };
    let Known {
        customers,
        occurrences,
    } = known;
    let n = rows.len();
    for row in &rows {
        report.counts.rows += 1;
        let before = report.errors.len();
        apply(
            tx,
            Known {
                customers,
                occurrences,
            },
            row,
            options,
            report,
        )?;
        for e in report.errors.iter_mut().skip(before) {
            e.message = placed(file, options, &e.message);
        }
        if report.errors.len() != before {
            continue;
        }
        // `apply` marks a row numbered `N (i/n)` an instalment, retiring an
        // earlier numbering's instalments with the last one; the one row of
        // a document with one due date retires them itself.
        for old in tx.take_retired() {
            report.notes.push(placed(
                file,
                options,
                &format!(
                    "{}: no longer an instalment of {} (now due in {n}); closed, what was \
                     paid on it moved to the current instalments",
                    crate::text::sanitize(&old),
                    crate::text::sanitize(&document.number)
                ),
            ));
        }
    }
    Ok(())
}

/// The rows of a document, one per instalment.
fn rows(document: &Document) -> Result<Vec<Row>, RowError> {
    let number = crate::text::sanitize(&document.number);
    let customer = customer_key(&document.customer).ok_or_else(|| {
        RowError::file(format!(
            "{}: {number}: expected a customer with a name or a VAT id",
            document.path
        ))
    })?;
    let n = document.instalments.len();
    let kind = match document.kind {
        DocumentKind::Invoice => RowType::Invoice,
        DocumentKind::CreditNote => RowType::CreditNote,
    };
    let mut rows = Vec::with_capacity(n);
    for (i, part) in document.instalments.iter().enumerate() {
        let due = match part.due {
            Some(on) if on < document.issue_date => {
                return Err(RowError::file(format!(
                    "{}: {number}: due {on}, before its issue date {}; expected a due date \
                     on or after it",
                    document.path, document.issue_date
                )));
            }
            Some(on) => Due::Given(on),
            None => Due::Missing(Box::new(RowError::file(format!(
                "{number}: no due date in the document, and {} has no payment terms to \
                 compute one; give the customer payment terms (dun customer edit CODE --terms \
                 DAYS) or set a default ([import] payment_terms_days)",
                crate::text::sanitize(customer.label())
            )))),
        };
        rows.push(Row {
            line: 0,
            number: instalment_number(&document.number, i + 1, n),
            customer: customer.clone(),
            kind,
            issue_date: document.issue_date,
            due,
            amount_minor: part.amount_minor,
            currency: document.currency,
            open_minor: None,
            paid_part_unknown: false,
        });
    }
    Ok(rows)
}

/// Who a document names: by VAT id (else tax code) as the customer's code,
/// with its name and email.
fn customer_key(party: &Party) -> Option<CustomerKey> {
    let code = party.vat_id.clone().or_else(|| party.tax_code.clone());
    if code.is_none() && party.name.is_none() {
        return None;
    }
    Some(CustomerKey {
        code,
        name: party.name.clone(),
        either: None,
        email: party.email.clone().filter(|e| e.contains('@')),
        since: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instalment_numbers_read_back() {
        let n = instalment_number("FT-12", 2, 3);
        assert_eq!(n, "FT-12 (2/3)");
        assert_eq!(instalment_parts(&n), Some(("FT-12", 2)));
        assert_eq!(instalment_number("FT-12", 1, 1), "FT-12");
        assert_eq!(instalment_parts("FT-12"), None);
        assert_eq!(instalment_parts("Order (4/3)"), None);
        assert_eq!(instalment_parts("A (x/3)"), None);
    }
}
