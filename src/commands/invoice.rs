//! `dun invoice …`

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context as _, Result};
use rust_decimal::Decimal;

use super::Session;
use super::dunning::Evaluation;
use super::report::amount_cell;
use crate::cli::{InvoiceAddArgs, InvoiceCommand};
use crate::ops;
use crate::output::{Cell, Format, Report};
use crate::store::{InvoiceFilter, Store};
use crate::text::sanitize;
use dun_core::dunning::terms::Debt;
use dun_core::ledger::{
    Customer, CustomerId, DocumentKind, Invoice, InvoiceId, Payment, PaymentId, SettledBy,
    Settlement, days_overdue, settled_in_full_on,
};
use dun_core::money::Money;

pub(super) fn run(session: &Session, cmd: InvoiceCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        InvoiceCommand::Add(args) => add(session, &args, out),
        InvoiceCommand::List {
            customer,
            open,
            list,
        } => list_invoices(session, customer.as_deref(), open, list.format, out),
        InvoiceCommand::Show { number, list } => show(session, &number, list.format, out),
        InvoiceCommand::Dispute { number, reason } => {
            super::follow_up::dispute(session, &number, &reason, out)
        }
        InvoiceCommand::Resolve { number, note } => {
            super::follow_up::resolve(session, &number, &note, out)
        }
        InvoiceCommand::WriteOff { number, reason } => {
            write_off(session, &number, reason.as_deref(), out)
        }
    }
}

fn add(session: &Session, args: &InvoiceAddArgs, out: &mut dyn Write) -> Result<()> {
    let request = ops::AddInvoice {
        number: args.number.clone(),
        customer: args.customer.clone(),
        issued: session.date("--issued", args.issued)?,
        due: session.date("--due", args.due)?,
        amount: args.amount.clone(),
        currency: args.currency.clone().unwrap_or_default(),
        credit_note: args.credit_note,
    };
    let mut store = session.open_existing()?;
    let (_, customer, money) = ops::add_invoice(&mut store, &session.ops(), &request)?;
    let number = args.number.trim();
    let what = if args.credit_note {
        "credit note"
    } else {
        "invoice"
    };
    writeln!(
        out,
        "added {what} {} for {}: {}",
        sanitize(number),
        sanitize(&customer.code),
        money.display(session.config.config.locale)
    )?;
    Ok(())
}

fn invoice_report() -> Report {
    Report::new([
        ("number", "Number"),
        ("customer", "Customer"),
        ("kind", "Kind"),
        ("issue_date", "Issued"),
        ("due_date", "Due"),
        ("amount", "Amount"),
        ("open_balance", "Open"),
        ("currency", "Cur"),
        ("days_overdue", "Days"),
        ("stage", "Stage"),
    ])
}

fn invoice_row(
    session: &Session,
    labels: &HashMap<InvoiceId, String>,
    invoice: &Invoice,
    customer: Option<&Customer>,
) -> Vec<Cell> {
    let sign = match invoice.kind {
        DocumentKind::Invoice => Decimal::ONE,
        DocumentKind::CreditNote => Decimal::NEGATIVE_ONE,
    };
    let days = (invoice.kind == DocumentKind::Invoice && !invoice.open.is_zero())
        .then(|| days_overdue(invoice.due_date, session.as_of));
    let stage = labels
        .get(&invoice.id)
        .cloned()
        .unwrap_or_else(|| invoice.closed_label().to_string());
    vec![
        Cell::Text(invoice.number.clone()),
        Cell::Text(customer.map(|c| c.code.clone()).unwrap_or_default()),
        Cell::Text(invoice.kind.as_str().into()),
        Cell::Date(invoice.issue_date),
        Cell::Date(invoice.due_date),
        amount_cell(sign * invoice.amount, invoice.currency),
        amount_cell(sign * invoice.open, invoice.currency),
        Cell::Text(invoice.currency.to_string()),
        days.map_or(Cell::Empty, Cell::Int),
        Cell::Text(stage),
    ]
}

fn list_invoices(
    session: &Session,
    customer: Option<&str>,
    open_only: bool,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let store = session.open_existing()?;
    let customer_id = session.customer_filter(&store, customer)?;
    let customers: HashMap<CustomerId, Customer> =
        store.customers()?.into_iter().map(|c| (c.id, c)).collect();
    let invoices = store.invoices(
        &InvoiceFilter {
            customer_id,
            open_only,
        },
        session.as_of,
    )?;
    let labels = super::dunning::labels(session, &store, customer_id)?;
    let mut report = invoice_report();
    report.rows = invoices
        .iter()
        .map(|inv| invoice_row(session, &labels, inv, customers.get(&inv.customer_id)))
        .collect();
    report.write(format, session.config.config.locale, out)?;
    Ok(())
}

fn show(session: &Session, number: &str, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let recorded = store.invoice_by_number(number)?;
    let filter = InvoiceFilter {
        customer_id: Some(recorded.customer_id),
        open_only: false,
    };
    let invoice = store
        .invoices(&filter, session.as_of)?
        .into_iter()
        .find(|i| i.id == recorded.id)
        .with_context(|| {
            format!(
                "invoice {} is issued after {}",
                recorded.number, session.as_of
            )
        })?;
    let customer = store
        .customers()?
        .into_iter()
        .find(|c| c.id == invoice.customer_id);
    let evaluation = Evaluation::load(
        session,
        &store,
        Some(invoice.customer_id),
        dun_core::dunning::Explain::DueOnly,
    )?;
    let mut report = invoice_report();
    report.rows.push(invoice_row(
        session,
        &evaluation.labels(),
        &invoice,
        customer.as_ref(),
    ));
    report.write(format, session.config.config.locale, out)?;
    if format == Format::Table
        && let Some((document, i, n)) = store.instalment_of(invoice.id)?
    {
        writeln!(
            out,
            "\ninstalment {i} of {n} of {}, due on its own date",
            crate::text::sanitize(&document)
        )?;
    }
    if format == Format::Table && invoice.kind == DocumentKind::Invoice {
        let settlements = store.settlements_of(invoice.id, session.as_of)?;
        write_settlements(session, &store, &invoice, &settlements, out)?;
        write_charges(session, &evaluation, &invoice, &settlements, out)?;
    }
    Ok(())
}

/// The late-payment charges of the invoice: accrued to the as-of date
/// while it is open, or until the day it was paid when it was paid late.
/// Nothing for a written-off invoice, or when nothing was charged.
fn write_charges(
    session: &Session,
    evaluation: &Evaluation,
    invoice: &Invoice,
    settlements: &[Settlement],
    out: &mut dyn Write,
) -> Result<()> {
    let assessed = evaluation
        .account(invoice.customer_id)
        .and_then(|(_, a)| a.invoices.iter().find(|a| a.invoice_id == invoice.id));
    let paid_on = settled_in_full_on(settlements).filter(|_| invoice.is_settled());
    let charges = match (assessed, paid_on) {
        (Some(a), _) => Some((a.charges, format!("to {}", session.as_of))),
        (None, Some(on)) if invoice.written_off_on.is_none() => {
            let debt = Debt::of(invoice, settlements);
            Some((
                session.policy().terms.charges(&debt, session.as_of),
                format!("until paid on {on}"),
            ))
        }
        _ => None,
    };
    let Some((charges, until)) = charges.filter(|(c, _)| !c.total().is_zero()) else {
        return Ok(());
    };
    let money = |amount: Decimal| {
        Money::new(amount, invoice.currency).display(session.config.config.locale)
    };
    writeln!(
        out,
        "\nLate-payment charges {until}: interest {}, fees {}",
        money(charges.interest),
        money(charges.compensation + charges.penalty)
    )?;
    Ok(())
}

/// "Settled by:" and one line per part of a payment, credit note,
/// discount, write-off or import that settled the invoice, then their sum
/// against the amount less what is open.
fn write_settlements(
    session: &Session,
    store: &Store,
    invoice: &Invoice,
    settlements: &[Settlement],
    out: &mut dyn Write,
) -> Result<()> {
    let locale = session.config.config.locale;
    let money = |amount: Decimal| Money::new(amount, invoice.currency).display(locale);
    if settlements.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nSettled by:")?;
    let payments: HashMap<PaymentId, Payment> = store
        .payments(Some(invoice.customer_id))?
        .into_iter()
        .map(|(p, _)| (p.id, p))
        .collect();
    for s in settlements {
        let (what, detail) = match s.by {
            SettledBy::Payment(id) => (
                "payment".to_string(),
                payments.get(&id).map_or_else(String::new, |p| {
                    format!(
                        "of {}  {}",
                        Money::new(p.amount, p.currency).display(locale),
                        sanitize(p.reference.as_deref().unwrap_or(""))
                    )
                }),
            ),
            SettledBy::Discount(id) => (
                "discount".to_string(),
                payments.get(&id).map_or_else(String::new, |p| {
                    format!("with the payment of {}", p.paid_on)
                }),
            ),
            SettledBy::CreditNote(id) => (
                format!("credit note {}", sanitize(&store.invoice_by_id(id)?.number)),
                String::new(),
            ),
            SettledBy::WriteOff => ("written off".to_string(), String::new()),
            SettledBy::BeforeImport => ("settled before import".to_string(), String::new()),
            SettledBy::Import => ("settled by import".to_string(), String::new()),
        };
        let line = format!("  {}  {what:<24} {:>16}  {detail}", s.on, money(s.amount));
        writeln!(out, "{}", line.trim_end())?;
    }
    let settled: Decimal = settlements.iter().map(|s| s.amount).sum();
    writeln!(
        out,
        "  settled {} = amount {} - open {}",
        money(settled),
        money(invoice.amount),
        money(invoice.open)
    )?;
    Ok(())
}

fn write_off(
    session: &Session,
    number: &str,
    reason: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    let request = ops::WriteOff {
        invoice: number.to_string(),
        reason: reason.unwrap_or_default().to_string(),
    };
    let mut store = session.open_existing()?;
    let (invoice, amount) = ops::write_off(&mut store, &session.ops(), &request)?;
    writeln!(
        out,
        "wrote off {} on invoice {}",
        amount.display(session.config.config.locale),
        sanitize(&invoice.number)
    )?;
    Ok(())
}
