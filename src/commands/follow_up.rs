//! `dun log`, `promise`, `plan`, `hold`, `release`, `invoice dispute|resolve`:
//! each builds its request from the flags and hands it to the write path.

use std::io::Write;

use anyhow::Result;

use super::Session;
use crate::cli::{LogArgs, PlanArgs, PromiseArgs};
use crate::ops::{self, CustomerRef, InvoiceRef, PromiseTerms, StageChoice};
use crate::text::sanitize;

/// The invoices named with `--invoice`.
fn invoices(numbers: &[String]) -> Vec<InvoiceRef> {
    numbers.iter().cloned().map(InvoiceRef::Number).collect()
}

pub(super) fn log(session: &Session, args: &LogArgs, out: &mut dyn Write) -> Result<()> {
    let request = ops::LogFollowUp {
        customer: CustomerRef::Code(args.code.clone()),
        kind: args.kind.clone(),
        stage: args
            .stage
            .clone()
            .map_or(StageChoice::Due, StageChoice::Exactly),
        invoices: invoices(&args.invoices),
        occurred_on: args.date.map(|d| session.date("--date", d)).transpose()?,
        outcome: args.outcome.clone().unwrap_or_default(),
        note: args.note.clone().unwrap_or_default(),
        next_on: args.next.map(|d| session.date("--next", d)).transpose()?,
        promise: None,
    };
    let mut store = session.open_existing()?;
    let logged = ops::log_follow_up(&mut store, &session.ops(), &request)?;
    let performed = logged
        .stage
        .map(|s| format!(" for {s}"))
        .unwrap_or_default();
    writeln!(
        out,
        "logged {}{performed} with {} on {}",
        logged.kind.as_str(),
        sanitize(&logged.code),
        logged.occurred_on
    )?;
    Ok(())
}

pub(super) fn promise(session: &Session, args: &PromiseArgs, out: &mut dyn Write) -> Result<()> {
    let date = session.date("--date", args.date)?;
    let request = ops::MakePromise {
        customer: CustomerRef::Code(args.code.clone()),
        terms: PromiseTerms {
            date,
            amount: args.amount.clone(),
            currency: args.currency.clone().unwrap_or_default(),
        },
        note: args.note.clone().unwrap_or_default(),
        invoices: invoices(&args.invoices),
    };
    let ctx = session.ops();
    let mut store = session.open_existing()?;
    let (code, money) = ops::make_promise(&mut store, &ctx, &request)?;
    writeln!(
        out,
        "recorded {}'s promise to pay {} by {}",
        sanitize(&code),
        money.display(ctx.locale),
        date
    )?;
    Ok(())
}

pub(super) fn plan(session: &Session, args: &PlanArgs, out: &mut dyn Write) -> Result<()> {
    let request = ops::MakePlan {
        customer: CustomerRef::Code(args.code.clone()),
        instalments: args.instalments.clone(),
        currency: args.currency.clone().unwrap_or_default(),
        invoices: invoices(&args.invoices),
        note: args.note.clone().unwrap_or_default(),
    };
    let mut store = session.open_existing()?;
    let ctx = session.ops();
    let (code, total) = ops::make_plan(&mut store, &ctx, &request)?;
    writeln!(
        out,
        "recorded a payment plan for {}: {} instalments, {} in all",
        sanitize(&code),
        args.instalments.len(),
        total.display(ctx.locale)
    )?;
    Ok(())
}

pub(super) fn dispute(
    session: &Session,
    number: &str,
    reason: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let request = ops::Dispute {
        invoice: number.to_string(),
        reason: reason.to_string(),
    };
    let mut store = session.open_existing()?;
    let invoice = ops::open_dispute(&mut store, &session.ops(), &request)?;
    writeln!(
        out,
        "invoice {} is disputed: off the ladder until resolved",
        sanitize(&invoice.number)
    )?;
    Ok(())
}

pub(super) fn resolve(
    session: &Session,
    number: &str,
    note: &Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    let request = ops::ResolveDispute {
        invoice: number.to_string(),
        resolution: note.clone().unwrap_or_default(),
    };
    let mut store = session.open_existing()?;
    let invoice = ops::resolve_dispute(&mut store, &session.ops(), &request)?;
    writeln!(
        out,
        "dispute on invoice {} resolved: back on the ladder",
        sanitize(&invoice.number)
    )?;
    Ok(())
}

pub(super) fn hold(
    session: &Session,
    code: &str,
    reason: &str,
    release: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let request = ops::Hold {
        customer: CustomerRef::Code(code.to_string()),
        release,
        reason: reason.to_string(),
    };
    let mut store = session.open_existing()?;
    let code = ops::hold(&mut store, &session.ops(), &request)?;
    if release {
        writeln!(out, "released {} from hold", sanitize(&code))?;
    } else {
        writeln!(out, "put {} on hold", sanitize(&code))?;
    }
    Ok(())
}
