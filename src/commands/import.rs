//! `dun import …` and `dun payment allocate`.

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Session;
use super::report::amount_cell;
use crate::cli::{ImportArgs, ImportCommand};
use crate::import::recognise::Recognition;
use crate::import::{self, Options, Outcome, Profile, Report};
use crate::output::{Cell, Format, Report as Table, write_json};
use crate::text::sanitize;

/// Files smaller than this finish before a progress bar would help.
const PROGRESS_FROM_BYTES: u64 = 4 << 20;

pub(super) fn run(session: &Session, cmd: ImportCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ImportCommand::Invoices(args) => import_file(session, &args, true, out),
        ImportCommand::Payments(args) => import_file(session, &args, false, out),
        ImportCommand::History { list } => history(session, list.format, out),
    }
}

fn import_file(
    session: &Session,
    args: &ImportArgs,
    invoices: bool,
    out: &mut dyn Write,
) -> Result<()> {
    // File names can hold anything; shown escaped like all data.
    let shown = sanitize(&args.file.display().to_string()).into_owned();
    // A folder, a zip, an XML, a signed file or a PDF is read as
    // e-invoices, unless a profile says the file is a CSV.
    let einvoices = invoices && args.profile.is_none() && import::einvoice::recognises(&args.file);
    let recognition = match (&args.profile, invoices && !einvoices) {
        (None, true) => recognise(session, args),
        _ => None,
    };
    let options = import_options(session, args, &shown, recognition.as_ref())?;
    // A dry run with no ledger yet runs against an empty one of its own,
    // removed afterwards: it writes nothing where the ledger would be.
    let scratch = (args.dry_run && !session.db.exists()).then(Scratch::new);
    let mut store = match &scratch {
        Some(scratch) => crate::store::Store::open(&scratch.0)
            .context("cannot open a scratch ledger for the dry run")?,
        None => session.open()?,
    };
    let ctx = session.ops();
    let mut report = if einvoices {
        crate::ops::import_einvoices(&mut store, &ctx, &args.file, &options)
            .with_context(|| format!("cannot import {shown}"))?
    } else {
        import_stream(&mut store, &ctx, (args, invoices), &options, &shown)?
    };
    match recognition {
        Some(Recognition::Layout(recognised)) => report.recognised = Some(recognised),
        Some(Recognition::Ambiguous(layouts)) => report.notes.push(format!(
            "the header fits the layouts {} alike; read as generic (name one with --profile)",
            layouts.join(" and ")
        )),
        Some(Recognition::Unknown) | None => {}
    }
    write_row_errors(&shown, &report)?;
    if args.list.format == Format::Json {
        write_json(out, &report).context("cannot write the report")?;
        writeln!(out)?;
    } else {
        write_summary(session, &shown, &report, out)?;
    }
    if report.outcome == Outcome::Refused {
        bail!(
            "{shown}: {} bad {}{}; nothing was imported and the ledger is unchanged \
             (fix them, or import the rest with --skip-invalid)",
            report.error_count,
            if report.profile == "e-invoice" {
                "document"
            } else {
                "row"
            },
            if report.error_count == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// The layout an invoice file's header says it has. A file that cannot be
/// read is left to the import, which says why.
fn recognise(session: &Session, args: &ImportArgs) -> Option<Recognition> {
    let file = std::fs::File::open(&args.file).ok()?;
    let input = std::io::BufReader::new(file);
    import::recognise::recognise(input, &session.config.config.import.profiles).ok()
}

/// Imports one CSV export or bank statement, with a progress bar for a
/// large one.
fn import_stream(
    store: &mut crate::store::Store,
    ctx: &crate::ops::Context,
    (args, invoices): (&ImportArgs, bool),
    options: &Options,
    shown: &str,
) -> Result<Report> {
    let file = std::fs::File::open(&args.file).with_context(|| format!("cannot open {shown}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(size);
    let mut progress = |bytes: u64| {
        bar.set_position(bytes);
        if bytes >= size {
            bar.set_message("read; writing the ledger");
        }
    };
    let input = std::io::BufReader::with_capacity(1 << 16, file);
    let report = if invoices {
        crate::ops::import_invoices(store, ctx, input, options, &mut progress)
    } else {
        crate::ops::import_payments(store, ctx, input, options, &mut progress)
    }
    .with_context(|| format!("cannot import {shown}"))?;
    bar.finish_and_clear();
    Ok(report)
}

/// Our VAT id for e-invoices: `[company] vat_id`, else the `vat_number`
/// printed on letters.
fn our_vat_id(company: &crate::config::Company) -> Option<String> {
    [&company.vat_id, &company.vat_number]
        .into_iter()
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

/// What the import is told: the profile, the default terms, the dates.
fn import_options(
    session: &Session,
    args: &ImportArgs,
    shown: &str,
    recognition: Option<&Recognition>,
) -> Result<Options> {
    let import_config = &session.config.config.import;
    let name = match (&args.profile, recognition) {
        (Some(name), _) => name.as_str(),
        (None, Some(Recognition::Layout(r))) => r.layout.as_str(),
        (None, _) => "generic",
    };
    let profile = Profile::resolve(name, &import_config.profiles)
        .map_err(anyhow::Error::msg)
        .context("--profile")?;
    Ok(Options {
        payment_terms_days: profile
            .payment_terms_days
            .or(import_config.payment_terms_days),
        profile,
        file_name: args
            .file
            .file_name()
            .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned()),
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        as_of: session.as_of,
        currency: session.config.config.currency,
        account: Some(session.config.config.company.iban.trim().to_string())
            .filter(|i| !i.is_empty()),
        vat_id: our_vat_id(&session.config.config.company),
    })
}

/// The bad rows on standard error, in the file's order (rows are checked
/// out of order around line items), and how many more were not listed.
fn write_row_errors(shown: &str, report: &import::Report) -> Result<()> {
    let mut stderr = std::io::stderr().lock();
    let mut errors: Vec<&import::RowError> = report.errors.iter().collect();
    errors.sort_by_key(|e| e.line);
    for e in errors {
        writeln!(stderr, "{}", located(shown, e))?;
    }
    if report.error_count > report.errors.len() as u64 {
        writeln!(
            stderr,
            "{shown}: … and {} more bad rows",
            report.error_count - report.errors.len() as u64
        )?;
    }
    Ok(())
}

/// A temporary ledger file, removed (with its journal files) when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Scratch(std::env::temp_dir().join(format!("dun-dry-run-{}-{nanos}.db", std::process::id())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.0.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
    }
}

/// `FILE:LINE:COLUMN: …`, the form editors jump to.
fn located(file: &str, e: &import::RowError) -> String {
    let mut place = file.to_string();
    if e.line > 0 {
        place.push_str(&format!(":{}", e.line));
        if let Some(c) = e.column_number() {
            place.push_str(&format!(":{c}"));
        }
    }
    let mut text = String::new();
    if let Some(h) = &e.header {
        text.push_str(&format!("column '{}': ", sanitize(h)));
    }
    if let Some(v) = &e.value {
        text.push_str(&format!("'{v}': "));
    }
    text.push_str(&sanitize(&e.message));
    format!("{place}: {text}")
}

fn progress_bar(size: u64) -> ProgressBar {
    if size < PROGRESS_FROM_BYTES {
        return ProgressBar::hidden();
    }
    // Drawn only when stderr is a terminal.
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} importing {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left) {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Prints what an import did (or would do): verdict, counts, payments left
/// unmatched, invoices gone from the export, and notes.
fn write_summary(
    session: &Session,
    shown: &str,
    report: &Report,
    out: &mut dyn Write,
) -> Result<()> {
    write_verdict(shown, report, out)?;
    write_counts(report, out)?;
    write_computed_due_dates(report, out)?;
    if report.kind == "payments" {
        write_waiting_payments(report, out)?;
    }
    if !report.vanished.is_empty() {
        write_vanished(session, report, out)?;
    }
    for note in &report.notes {
        writeln!(out, "  note: {}", sanitize(note))?;
    }
    if report.error_count > 0 && report.outcome != Outcome::Refused {
        writeln!(
            out,
            "  {} of those left out are bad rows, listed on stderr",
            report.error_count
        )?;
    }
    Ok(())
}

/// The headline: which file, which profile, what came of it, and whether it
/// was seen before or its columns were detected.
fn write_verdict(shown: &str, report: &Report, out: &mut dyn Write) -> Result<()> {
    let verdict = match report.outcome {
        Outcome::Imported => "imported",
        Outcome::DryRun => "dry run, nothing written",
        Outcome::NothingChanged => "nothing to change: the ledger already matches this file",
        Outcome::Refused => "refused",
    };
    writeln!(
        out,
        "{} {shown} (profile {}): {verdict}",
        report.kind,
        sanitize(&report.profile)
    )?;
    if let Some((id, on)) = report.seen_before {
        writeln!(
            out,
            "  the same file was imported before: import {id} on {on}"
        )?;
    }
    if let Some(r) = &report.recognised {
        let columns: Vec<String> = r.columns.iter().map(|c| sanitize(c).into_owned()).collect();
        writeln!(
            out,
            "  layout: {} (recognised from its columns {})",
            sanitize(&r.layout),
            columns.join(", ")
        )?;
    }
    if !report.detected.is_empty() {
        writeln!(out, "  read from the data: {}", report.detected.join(", "))?;
    }
    Ok(())
}

/// Row and customer counts, phrased as "would be" when nothing was written.
fn write_counts(report: &Report, out: &mut dyn Write) -> Result<()> {
    let would = match report.outcome {
        Outcome::DryRun | Outcome::Refused => "would be ",
        Outcome::Imported | Outcome::NothingChanged => "",
    };
    let c = &report.counts;
    writeln!(
        out,
        "  {} rows: {} {would}created, {} {would}updated, {} unchanged, {} left out",
        c.rows, c.created, c.updated, c.unchanged, c.skipped
    )?;
    if !report.left_out_by_status.is_empty() {
        let by: Vec<String> = report
            .left_out_by_status
            .iter()
            .map(|(status, n)| format!("{n} {}", sanitize(status)))
            .collect();
        writeln!(
            out,
            "  left out by their status, never chased: {}",
            by.join(", ")
        )?;
    }
    if report.paid_part_unknown > 0 {
        writeln!(
            out,
            "  {} partly paid by their status, with no balance in the file: imported with their whole amount open",
            report.paid_part_unknown
        )?;
    }
    if report.customers_created + report.customers_updated > 0 {
        writeln!(
            out,
            "  customers: {} {would}created, {} {would}updated",
            report.customers_created, report.customers_updated
        )?;
    }
    Ok(())
}

/// New invoices the file gives no due date for, and which payment terms
/// set it.
fn write_computed_due_dates(report: &Report, out: &mut dyn Write) -> Result<()> {
    let (terms, default) = (report.due_dates_from_terms, report.due_dates_from_default);
    if terms + default == 0 {
        return Ok(());
    }
    let mut sources = Vec::new();
    if terms > 0 {
        sources.push(format!("{terms} from the customer's payment terms"));
    }
    if default > 0 {
        let days = report.default_terms_days.unwrap_or_default();
        sources.push(format!(
            "{default} from the default payment terms of {days} days"
        ));
    }
    writeln!(
        out,
        "  {} with no due date in the file: due dates computed from the issue date, {}",
        if terms + default == 1 {
            "1 invoice".to_string()
        } else {
            format!("{} invoices", terms + default)
        },
        sources.join(", ")
    )?;
    Ok(())
}

/// Most matched lines listed in a table; JSON lists them all.
const MATCHES_LISTED: usize = 50;

/// How many payments matched an invoice, why each did, and each one still
/// waiting for a manual allocation.
fn write_waiting_payments(report: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "  {} matched to an invoice, {} waiting for `dun payment allocate`",
        report.matched,
        report.waiting.len()
    )?;
    for m in report.matches.iter().take(MATCHES_LISTED) {
        let paid = if m.invoices.is_empty() {
            "on account".to_string()
        } else {
            m.invoices.join(", ")
        };
        writeln!(
            out,
            "    line {:<5} {}  {:>12} {}  {} {}: {}",
            m.line,
            m.paid_on,
            m.amount,
            m.currency,
            sanitize(&m.customer),
            sanitize(&paid),
            sanitize(&m.why)
        )?;
    }
    if report.matches.len() > MATCHES_LISTED {
        writeln!(
            out,
            "    … and {} more matched (all of them in --format json)",
            report.matches.len() - MATCHES_LISTED
        )?;
    }
    for w in &report.waiting {
        writeln!(
            out,
            "    {:>5}  line {:<5} {}  {:>12} {}  {}: {}",
            w.id,
            w.line,
            w.paid_on,
            w.amount,
            w.currency,
            sanitize(&w.counterparty),
            sanitize(&w.why)
        )?;
    }
    Ok(())
}

/// Open invoices missing from this export, which are left open rather than
/// assumed paid.
fn write_vanished(session: &Session, report: &Report, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "  {} no longer in this export (probably paid; left as {}):",
        if report.vanished.len() == 1 {
            "1 open invoice is".to_string()
        } else {
            format!("{} open invoices are", report.vanished.len())
        },
        if report.vanished.len() == 1 {
            "it is"
        } else {
            "they are"
        }
    )?;
    let locale = session.config.config.locale;
    for v in &report.vanished {
        writeln!(
            out,
            "    {}  {}  {} {}",
            sanitize(&v.number),
            sanitize(&v.customer),
            locale.format_amount(
                v.currency.from_minor(v.open_minor),
                v.currency.minor_digits()
            ),
            v.currency
        )?;
    }
    Ok(())
}

fn history(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let mut table = Table::new([
        ("id", "Id"),
        ("kind", "Kind"),
        ("imported_on", "Date"),
        ("file_name", "File"),
        ("profile", "Profile"),
        ("rows", "Rows"),
        ("created", "Created"),
        ("updated", "Updated"),
        ("unchanged", "Unchanged"),
        ("skipped", "Left out"),
        ("sha256", "SHA-256"),
    ]);
    let n = |v: u64| Cell::Int(i64::try_from(v).unwrap_or(i64::MAX));
    for b in store.import_history()? {
        table.rows.push(vec![
            Cell::Int(b.id),
            Cell::Text(b.kind),
            Cell::Date(b.imported_on),
            Cell::Text(b.file_name),
            Cell::Text(b.profile),
            n(b.counts.rows),
            n(b.counts.created),
            n(b.counts.updated),
            n(b.counts.unchanged),
            n(b.counts.skipped),
            Cell::Text(if format == Format::Table {
                b.sha256.chars().take(12).collect()
            } else {
                b.sha256
            }),
        ]);
    }
    table.write(format, session.config.config.locale, out)?;
    Ok(())
}

/// `dun payment allocate [ID --customer CODE --invoice NUMBER]`.
/// A candidate in one line: `ACME A-1, A-2 (70: why; why)`.
fn candidate_text(c: &import::Candidate) -> String {
    let pays = if c.invoices.is_empty() {
        "on account".to_string()
    } else {
        c.invoices.join(", ")
    };
    format!("{} {pays} ({}: {})", c.customer, c.score, c.why.join("; "))
}

pub(super) fn allocate(
    session: &Session,
    id: Option<i64>,
    customer: Option<&str>,
    invoice: &[String],
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut store = session.open_existing()?;
    let Some(id) = id else {
        let mut table = Table::new([
            ("id", "Id"),
            ("paid_on", "Date"),
            ("amount", "Amount"),
            ("currency", "Cur"),
            ("counterparty", "From"),
            ("reference", "Reference"),
            ("import", "Import"),
            ("line", "Line"),
            ("why", "Why it waits"),
            ("candidates", "Best candidates (score: why)"),
        ]);
        let customers = store.customers()?;
        let names = import::Names::new(&customers);
        let receipts = store.receipts()?;
        let reads = store.match_reads();
        let of_amount = import::OfAmount::for_lines(&reads, &receipts)?;
        for r in receipts {
            let guesses = import::candidates(&reads, &r, &names, &of_amount)?;
            table.rows.push(vec![
                Cell::Int(r.id),
                Cell::Date(r.paid_on),
                amount_cell(r.currency.from_minor(r.amount_minor), r.currency),
                Cell::Text(r.currency.to_string()),
                Cell::opt_text(r.counterparty.as_deref()),
                Cell::opt_text(r.reference.as_deref()),
                Cell::Int(r.import_id),
                Cell::Int(i64::try_from(r.line).unwrap_or(i64::MAX)),
                Cell::opt_text(r.why.as_deref()),
                Cell::List(guesses.iter().map(candidate_text).collect()),
            ]);
        }
        table.write(format, session.config.config.locale, out)?;
        return Ok(());
    };
    let request = crate::ops::AllocateBankLine {
        receipt: id,
        customer: customer.map(|c| crate::ops::CustomerRef::Code(c.to_string())),
        invoices: invoice.to_vec(),
    };
    let recorded = crate::ops::allocate_bank_line(&mut store, &session.ops(), &request)?;
    let (payment, customer) = (recorded.id, recorded.customer);
    let customer_id = customer.id;
    let applied = store
        .payments(Some(customer_id))?
        .into_iter()
        .find(|(p, _)| p.id == payment)
        .map(|(_, applied)| applied)
        .unwrap_or_default();
    write!(
        out,
        "recorded waiting payment {id} as {}'s",
        sanitize(&customer.code)
    )?;
    if applied.is_empty() {
        writeln!(out, "; left on account as credit")?;
    } else {
        writeln!(out, ", applied to {}", sanitize(&applied.join(", ")))?;
    }
    Ok(())
}
