//! `dun log`, `promise`, `plan`, `hold`, `release`, `invoice dispute|resolve`.

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;

use super::Session;
use crate::cli::{LogArgs, PlanArgs, PromiseArgs};
use crate::store::{NewActivity, NewPlan, NewPromise, Store};
use crate::text::{check_field, sanitize};
use dun_core::dunning::ActivityKind;
use dun_core::ledger::InvoiceId;

/// An optional free-text flag, checked for control characters.
fn text(flag: &str, value: &Option<String>) -> Result<Option<String>> {
    match value.as_deref().map(str::trim) {
        Some("") | None => Ok(None),
        Some(v) => {
            check_field(flag, v).map_err(anyhow::Error::msg)?;
            Ok(Some(v.to_string()))
        }
    }
}

/// A required free-text flag.
fn required(flag: &str, value: &str) -> Result<String> {
    text(flag, &Some(value.to_string()))?.with_context(|| format!("{flag} must not be empty"))
}

fn invoice_ids(store: &Store, numbers: &[String]) -> Result<Vec<InvoiceId>> {
    let mut ids = Vec::new();
    for number in numbers {
        let id = store.invoice_by_number(number).context("--invoice")?.id;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The stage a follow-up performs. A stage given must be one the kind can
/// perform; without one, it is the most severe stage due on the covered
/// invoices (all open ones when none are named) that the kind performs.
pub(crate) fn resolve_stage(
    session: &Session,
    store: &Store,
    customer_id: i64,
    kind: ActivityKind,
    stage: Option<&str>,
    invoices: &[InvoiceId],
    on: NaiveDate,
) -> Result<Option<String>> {
    let policy = session.policy();
    if let Some(stage) = stage {
        // Profiles change a stage's days, never its action: the default
        // ladder is enough to check the kind against it.
        let ladder = policy.ladder(None);
        let Some(found) = ladder.iter().find(|s| s.id == stage) else {
            let ids: Vec<&str> = ladder.iter().map(|s| s.id.as_str()).collect();
            bail!(
                "--stage: no stage '{stage}'; expected one of {}",
                ids.join(", ")
            );
        };
        if !found.action.performed_by(kind) {
            bail!(
                "--stage: a {} cannot perform '{stage}', whose action is {}",
                kind.as_str(),
                found.action.as_str()
            );
        }
        return Ok(Some(stage.to_string()));
    }
    let account = store.accounts(on, Some(customer_id))?.pop();
    let profile = account.as_ref().and_then(|a| a.profile.clone());
    let ladder = policy.ladder(profile.as_deref());
    let Some(account) = account else {
        return Ok(None);
    };
    let assessed = dun_core::dunning::evaluate_account(&account, &policy, on);
    Ok(assessed
        .invoices
        .iter()
        .filter(|a| a.action_due && (invoices.is_empty() || invoices.contains(&a.invoice_id)))
        .filter_map(|a| match a.status {
            dun_core::dunning::Status::Stage(i) => ladder.get(i).map(|s| (i, s)),
            _ => None,
        })
        .filter(|(_, s)| s.action.performed_by(kind))
        .max_by_key(|(i, _)| *i)
        .map(|(_, s)| s.id.clone()))
}

pub(super) fn log(session: &Session, args: &LogArgs, out: &mut dyn Write) -> Result<()> {
    let kind = ActivityKind::LOGGABLE
        .into_iter()
        .find(|k| k.as_str() == args.kind.trim())
        .with_context(|| {
            let kinds: Vec<&str> = ActivityKind::LOGGABLE.iter().map(|k| k.as_str()).collect();
            format!(
                "--kind: '{}' is not a kind of follow-up; expected one of {}",
                args.kind,
                kinds.join(", ")
            )
        })?;
    let outcome = text("--outcome", &args.outcome)?;
    let note = text("--note", &args.note)?;
    let occurred_on = args.date.unwrap_or(session.as_of);
    if args.next.is_some_and(|next| next < occurred_on) {
        bail!("--next must be on or after the day of the follow-up, {occurred_on}");
    }
    let mut store = session.open_existing()?;
    let customer = store.customer_by_code(&args.code)?;
    let invoices = invoice_ids(&store, &args.invoices)?;
    let stage = resolve_stage(
        session,
        &store,
        customer.id,
        kind,
        args.stage.as_deref(),
        &invoices,
        occurred_on,
    )?;
    store.log_activity(&NewActivity {
        customer_id: customer.id,
        occurred_on,
        kind,
        stage: stage.clone(),
        outcome,
        note,
        next_on: args.next,
        invoices,
    })?;
    let performed = stage.map(|s| format!(" for {s}")).unwrap_or_default();
    writeln!(
        out,
        "logged {}{performed} with {} on {occurred_on}",
        kind.as_str(),
        sanitize(&customer.code)
    )?;
    Ok(())
}

pub(super) fn promise(session: &Session, args: &PromiseArgs, out: &mut dyn Write) -> Result<()> {
    let money = session.money("amount", &args.amount, args.currency.as_deref())?;
    if money.amount <= rust_decimal::Decimal::ZERO {
        bail!("--amount: '{}' must be positive", args.amount);
    }
    let note = text("--note", &args.note)?;
    let mut store = session.open_existing()?;
    let customer = store.customer_by_code(&args.code)?;
    let invoices = invoice_ids(&store, &args.invoices)?;
    store.add_promise(&NewPromise {
        customer_id: customer.id,
        made_on: session.as_of,
        promised_on: args.date,
        amount: money.amount,
        currency: money.currency,
        note,
        invoices,
    })?;
    writeln!(
        out,
        "recorded {}'s promise to pay {} by {}",
        sanitize(&customer.code),
        money.display(session.config.config.locale),
        args.date
    )?;
    Ok(())
}

/// Parses `DATE:AMOUNT`.
fn instalment(
    session: &Session,
    text: &str,
    currency: Option<&str>,
) -> Result<(NaiveDate, rust_decimal::Decimal)> {
    let (date, amount) = text.split_once(':').with_context(|| {
        format!("--instalment: '{text}' is not DATE:AMOUNT, e.g. 2026-12-15:500")
    })?;
    let date = crate::cli::parse_date(date)
        .map_err(anyhow::Error::msg)
        .context("--instalment")?;
    let money = session.money("instalment", amount, currency)?;
    Ok((date, money.amount))
}

pub(super) fn plan(session: &Session, args: &PlanArgs, out: &mut dyn Write) -> Result<()> {
    let currency = session.currency(args.currency.as_deref())?;
    let instalments = args
        .instalments
        .iter()
        .map(|t| instalment(session, t, args.currency.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    let note = text("--note", &args.note)?;
    let mut store = session.open_existing()?;
    let customer = store.customer_by_code(&args.code)?;
    let invoices = invoice_ids(&store, &args.invoices)?;
    let total: rust_decimal::Decimal = instalments.iter().map(|(_, a)| *a).sum();
    let count = instalments.len();
    store.add_plan(&NewPlan {
        customer_id: customer.id,
        created_on: session.as_of,
        currency,
        instalments,
        invoices,
        note,
    })?;
    writeln!(
        out,
        "recorded a payment plan for {}: {count} instalments, {} in all",
        sanitize(&customer.code),
        dun_core::money::Money::new(total, currency).display(session.config.config.locale)
    )?;
    Ok(())
}

pub(super) fn dispute(
    session: &Session,
    number: &str,
    reason: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let reason = required("--reason", reason)?;
    let mut store = session.open_existing()?;
    store.open_dispute(number, session.as_of, &reason)?;
    writeln!(
        out,
        "invoice {} is disputed: off the ladder until resolved",
        sanitize(number.trim())
    )?;
    Ok(())
}

pub(super) fn resolve(
    session: &Session,
    number: &str,
    note: &Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    let note = text("--note", note)?;
    let mut store = session.open_existing()?;
    store.resolve_dispute(number, session.as_of, note.as_deref())?;
    writeln!(
        out,
        "dispute on invoice {} resolved: back on the ladder",
        sanitize(number.trim())
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
    let reason = required("--reason", reason)?;
    let mut store = session.open_existing()?;
    let customer = store.customer_by_code(code)?;
    if release {
        store.release(customer.id, session.as_of, &reason)?;
        writeln!(out, "released {} from hold", sanitize(&customer.code))?;
    } else {
        store.hold(customer.id, session.as_of, &reason)?;
        writeln!(out, "put {} on hold", sanitize(&customer.code))?;
    }
    Ok(())
}
