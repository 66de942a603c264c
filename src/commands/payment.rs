//! `dun payment …`

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context as _, Result};

use super::Session;
use super::report::amount_cell;
use crate::cli::{PaymentAddArgs, PaymentCommand};
use crate::ops;
use crate::output::{Cell, Format, Report};
use crate::text::sanitize;
use dun_core::ledger::CustomerId;
use dun_core::money::Money;

pub(super) fn run(session: &Session, cmd: PaymentCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        PaymentCommand::Add(args) => add(session, &args, out),
        PaymentCommand::Remove(args) => {
            super::correction::remove(session, ops::Entry::Payment(args.id), &args, out)
        }
        PaymentCommand::List { customer, list } => {
            list_payments(session, customer.as_deref(), list.format, out)
        }
        PaymentCommand::Allocate {
            id,
            customer,
            invoice,
            list,
        } => super::import::allocate(session, id, customer.as_deref(), &invoice, list.format, out),
    }
}

fn add(session: &Session, args: &PaymentAddArgs, out: &mut dyn Write) -> Result<()> {
    let request = ops::RecordPayment {
        customer: ops::CustomerRef::Code(args.customer.clone()),
        amount: args.amount.clone(),
        currency: args.currency.clone().unwrap_or_default(),
        paid_on: session.date("--date", args.date)?,
        invoice: args.invoice.clone(),
        reference: args.reference.clone().unwrap_or_default(),
        method: args.method.clone().unwrap_or_default(),
    };
    let mut store = session.open_existing()?;
    let ops::Recorded {
        id,
        customer,
        money,
    } = ops::record_payment(&mut store, &session.ops(), &request)?;
    let locale = session.config.config.locale;
    let (payment, applied) = store
        .payments(Some(customer.id))?
        .into_iter()
        .find(|(p, _)| p.id == id)
        .context("the payment just recorded cannot be read back")?;
    write!(
        out,
        "recorded payment of {} from {}",
        money.display(locale),
        sanitize(&customer.code)
    )?;
    if !applied.is_empty() {
        write!(out, ", applied to {}", sanitize(&applied.join(", ")))?;
    }
    if !payment.unapplied.is_zero() {
        write!(
            out,
            "; {} left on account as credit",
            Money::new(payment.unapplied, payment.currency).display(locale)
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn list_payments(
    session: &Session,
    customer: Option<&str>,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let store = session.open_existing()?;
    let customer_id = session.customer_filter(&store, customer)?;
    let codes: HashMap<CustomerId, String> = store
        .customers()?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let mut report = Report::new([
        ("id", "Id"),
        ("customer", "Customer"),
        ("paid_on", "Date"),
        ("amount", "Amount"),
        ("unapplied", "Unapplied"),
        ("currency", "Cur"),
        ("method", "Method"),
        ("reference", "Reference"),
        ("invoices", "Applied to"),
    ]);
    for (p, applied) in store.payments(customer_id)? {
        report.rows.push(vec![
            Cell::Int(p.id),
            Cell::Text(codes.get(&p.customer_id).cloned().unwrap_or_default()),
            Cell::Date(p.paid_on),
            amount_cell(p.amount, p.currency),
            amount_cell(p.unapplied, p.currency),
            Cell::Text(p.currency.to_string()),
            Cell::opt_text(p.method.as_deref()),
            Cell::opt_text(p.reference.as_deref()),
            Cell::List(applied.into()),
        ]);
    }
    report.write(format, session.config.config.locale, out)?;
    Ok(())
}
