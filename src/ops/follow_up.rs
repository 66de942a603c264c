//! Follow-ups, promises and plans.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::due::{Answering, still_due};
use super::measures::{Before, in_account};
use super::{Context, CustomerRef, Field, InvoiceRef, OpError, Result, input};
use crate::store::{Customers, NewActivity, NewPlan, NewPromise, Store, Tx};
use dun_core::dunning::{ActivityKind, Status, covered, evaluate_account};
use dun_core::ledger::{CustomerId, DocumentKind, Invoice, InvoiceId};
use dun_core::money::{Currency, Money};

/// Which ladder stage a follow-up performs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StageChoice {
    /// The most severe stage due on the covered invoices that the kind
    /// performs, if any.
    #[default]
    Due,
    /// This stage, which the kind must be able to perform.
    Exactly(String),
    /// The stage of the agenda item the follow-up answers, which must
    /// still be on the agenda when it is written (else the follow-up is
    /// refused as already done). When the kind
    /// was changed to one that cannot perform it, the follow-up counts for
    /// what the kind does perform, and the result says so.
    Suggested(String),
}

/// A promise to pay: by when, how much, in which currency (as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseTerms {
    /// The date promised.
    pub date: NaiveDate,
    /// The amount promised, as typed.
    pub amount: String,
    /// Its currency, as typed (empty: the configured one).
    pub currency: String,
}

/// Log a follow-up: a call, an email, a letter, a note…, perhaps with the
/// promise it brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFollowUp {
    /// The customer.
    pub customer: CustomerRef,
    /// Its kind, by name (`call`, `email`…).
    pub kind: String,
    /// The stage it performs.
    pub stage: StageChoice,
    /// The invoices it concerned; empty for the whole account.
    pub invoices: Vec<InvoiceRef>,
    /// When it happened, not after the as-of date; the as-of date when
    /// not given.
    pub occurred_on: Option<NaiveDate>,
    /// What came of it.
    pub outcome: String,
    /// Free note.
    pub note: String,
    /// When to follow up next: on or after the follow-up.
    pub next_on: Option<NaiveDate>,
    /// A promise made during it.
    pub promise: Option<PromiseTerms>,
}

/// What [`log_follow_up`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The entry's id in the follow-up log.
    pub id: i64,
    /// The id of the promise recorded with it.
    pub promise_id: Option<i64>,
    /// The customer.
    pub customer_id: CustomerId,
    /// The customer's code.
    pub code: String,
    /// The kind logged.
    pub kind: ActivityKind,
    /// The day it was logged for.
    pub occurred_on: NaiveDate,
    /// The stage it performed, if any.
    pub stage: Option<String>,
    /// A suggested stage the kind could not perform.
    pub unperformed: Option<String>,
    /// The promise recorded with it.
    pub promise: Option<(Money, NaiveDate)>,
}

/// Logs a follow-up (and its promise) in one transaction.
pub fn log_follow_up(store: &mut Store, ctx: &Context, req: &LogFollowUp) -> Result<Logged> {
    let kind = input::kind(&req.kind)?;
    let outcome = input::text(Field::Outcome, &req.outcome)?;
    let note = input::text(Field::Note, &req.note)?;
    let occurred_on = req.occurred_on.unwrap_or(ctx.as_of);
    check_dates(ctx, occurred_on, req.next_on)?;
    let customer = input::customer(store, None, &req.customer)?;
    let named = named_invoices(store, customer.id, &req.invoices)?;
    let invoices: Vec<InvoiceId> = named.iter().map(|i| i.id).collect();
    let promise = match &req.promise {
        Some(terms) => Some(promise_of(
            ctx,
            customer.id,
            terms,
            (Field::PromiseDate, Field::PromiseAmount),
            &named,
        )?),
        None => None,
    };
    let query = StageQuery {
        customer_id: customer.id,
        kind,
        invoices: &invoices,
        on: occurred_on,
    };
    let (stage, unperformed) = match &req.stage {
        StageChoice::Due => (resolve_stage(store, ctx, &query, None)?, None),
        StageChoice::Exactly(asked) => (resolve_stage(store, ctx, &query, Some(asked))?, None),
        StageChoice::Suggested(asked) => match resolve_stage(store, ctx, &query, Some(asked)) {
            Ok(found) => (found, None),
            Err(_) => (
                resolve_stage(store, ctx, &query, None)?,
                Some(asked.clone()),
            ),
        },
    };
    let activity = NewActivity {
        customer_id: customer.id,
        occurred_on,
        kind,
        stage: stage.clone(),
        outcome,
        note,
        next_on: req.next_on,
        invoices,
    };
    // A follow-up on its own cannot change what was reached before it; a
    // promise can.
    let before = match &promise {
        Some(_) => Before::On(occurred_on),
        None => Before::Skip(occurred_on),
    };
    let (id, promise_id) = in_account(store, ctx, customer.id, before, |tx| {
        // The agenda item it answers must still be to do, now, in this write.
        if let StageChoice::Suggested(stage) = &req.stage {
            let invoices = &activity.invoices;
            let answering = Answering {
                customer_id: customer.id,
                stage,
                invoices,
            };
            still_due(tx, ctx, &answering, |_| true)?;
        }
        let id = tx.log_activity(&activity)?;
        let promise_id = promise.as_ref().map(|p| add_promise(tx, p)).transpose()?;
        Ok((id, promise_id))
    })?;
    Ok(Logged {
        id,
        promise_id,
        customer_id: customer.id,
        code: customer.code,
        kind,
        occurred_on,
        stage,
        unperformed,
        promise: promise.map(|p| (Money::new(p.amount, p.currency), p.promised_on)),
    })
}

/// A follow-up is logged once it happened, never after the as-of date,
/// and its next date is not before it.
fn check_dates(ctx: &Context, occurred_on: NaiveDate, next_on: Option<NaiveDate>) -> Result<()> {
    if occurred_on > ctx.as_of {
        return Err(OpError::invalid(
            Field::Date,
            format!(
                "{occurred_on} is after {}, the date dun works as of; a follow-up is logged once it happened",
                ctx.as_of
            ),
        ));
    }
    if next_on.is_some_and(|next| next < occurred_on) {
        return Err(OpError::invalid(
            Field::NextDate,
            format!("must be on or after the day of the follow-up, {occurred_on}"),
        ));
    }
    Ok(())
}

/// Record a promise to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakePromise {
    /// The customer.
    pub customer: CustomerRef,
    /// By when and how much.
    pub terms: PromiseTerms,
    /// Free note.
    pub note: String,
    /// The invoices it covers; empty for all open ones.
    pub invoices: Vec<InvoiceRef>,
}

/// Records a promise; returns the customer's code and the amount promised.
pub fn make_promise(
    store: &mut Store,
    ctx: &Context,
    req: &MakePromise,
) -> Result<(String, Money)> {
    let customer = input::customer(store, None, &req.customer)?;
    let named = named_invoices(store, customer.id, &req.invoices)?;
    let mut promise = promise_of(
        ctx,
        customer.id,
        &req.terms,
        (Field::Date, Field::Amount),
        &named,
    )?;
    promise.note = input::text(Field::Note, &req.note)?;
    in_account(store, ctx, customer.id, Before::On(promise.made_on), |tx| {
        add_promise(tx, &promise)
    })?;
    Ok((customer.code, Money::new(promise.amount, promise.currency)))
}

/// The promise of `terms`, made on the as-of date, checked.
fn promise_of(
    ctx: &Context,
    customer_id: CustomerId,
    terms: &PromiseTerms,
    (date_field, amount_field): (Field, Field),
    invoices: &[Invoice],
) -> Result<NewPromise> {
    let money = input::positive_money(ctx, amount_field, &terms.amount, &terms.currency)?;
    if terms.date < ctx.as_of {
        return Err(OpError::invalid(
            date_field,
            format!(
                "the promised date {} is before the day the promise is made, {}",
                terms.date, ctx.as_of
            ),
        ));
    }
    Ok(NewPromise {
        customer_id,
        made_on: ctx.as_of,
        promised_on: terms.date,
        amount: money.amount,
        currency: money.currency,
        note: None,
        invoices: covered_ids(invoices, money.currency)?,
    })
}

/// Record a payment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakePlan {
    /// The customer.
    pub customer: CustomerRef,
    /// Each instalment as `DATE:AMOUNT`.
    pub instalments: Vec<String>,
    /// The plan's currency, as typed (empty: the configured one).
    pub currency: String,
    /// The invoices it covers; empty for all open ones.
    pub invoices: Vec<InvoiceRef>,
    /// Free note.
    pub note: String,
}

/// Records a plan; returns the customer's code and the plan's total.
pub fn make_plan(store: &mut Store, ctx: &Context, req: &MakePlan) -> Result<(String, Money)> {
    let currency = input::currency(ctx, &req.currency)?;
    let instalments = req
        .instalments
        .iter()
        .map(|t| input::instalment(ctx, t, &req.currency))
        .collect::<Result<Vec<_>>>()?;
    check_instalments(&instalments, ctx.as_of)?;
    let note = input::text(Field::Note, &req.note)?;
    let customer = input::customer(store, None, &req.customer)?;
    let invoices = covered_ids(
        &named_invoices(store, customer.id, &req.invoices)?,
        currency,
    )?;
    let total: Decimal = instalments.iter().map(|(_, a)| *a).sum();
    let plan = NewPlan {
        customer_id: customer.id,
        created_on: ctx.as_of,
        currency,
        instalments,
        invoices,
        note,
    };
    in_account(store, ctx, customer.id, Before::On(plan.created_on), |tx| {
        let invoices = covering(
            tx,
            plan.customer_id,
            plan.currency,
            plan.created_on,
            &plan.invoices,
        )?;
        Ok(tx.add_plan(&NewPlan { invoices, ..plan })?)
    })?;
    Ok((customer.code, Money::new(total, currency)))
}

/// Records a promise with the invoices it covers.
fn add_promise(tx: &Tx<'_>, promise: &NewPromise) -> Result<i64> {
    let invoices = covering(
        tx,
        promise.customer_id,
        promise.currency,
        promise.made_on,
        &promise.invoices,
    )?;
    Ok(tx.add_promise(&NewPromise {
        invoices,
        ..promise.clone()
    })?)
}

/// The invoices a promise or plan covers, read in the transaction that
/// records it: those named, else every invoice of the customer open in its
/// currency on the day it is made, so that an invoice entered later is
/// never covered. A promise or plan with nothing to cover is refused.
fn covering(
    tx: &Tx<'_>,
    customer_id: CustomerId,
    currency: Currency,
    on: NaiveDate,
    named: &[InvoiceId],
) -> Result<Vec<InvoiceId>> {
    if !named.is_empty() {
        return Ok(named.to_vec());
    }
    // Which invoices are open is all it reads: never what settled them.
    let open = tx
        .accounts_charging(on, Customers(customer_id, customer_id), false)?
        .pop()
        .map(|account| covered(&[], currency, on, &account.invoices))
        .unwrap_or_default();
    if open.is_empty() {
        return Err(OpError::invalid(
            Field::Invoice,
            format!("the customer has no open invoice in {currency} on {on} to cover"),
        ));
    }
    Ok(open)
}

/// At least one instalment, each positive, on distinct dates, none before
/// the plan is agreed.
fn check_instalments(instalments: &[(NaiveDate, Decimal)], agreed: NaiveDate) -> Result<()> {
    let refuse = |message: String| Err(OpError::invalid(Field::Instalment, message));
    let mut dates: Vec<NaiveDate> = instalments.iter().map(|(d, _)| *d).collect();
    dates.sort_unstable();
    let Some(first) = dates.first() else {
        return refuse("a plan needs at least one instalment".into());
    };
    if dates.windows(2).any(|w| w[0] == w[1]) {
        return refuse("two instalments fall on the same date".into());
    }
    if *first < agreed {
        return refuse(format!(
            "an instalment on {first} is before the plan is agreed, {agreed}"
        ));
    }
    if let Some((date, _)) = instalments.iter().find(|(_, a)| *a <= Decimal::ZERO) {
        return refuse(format!("the instalment of {date} must be positive"));
    }
    Ok(())
}

/// The invoices named, each once; each must be the customer's.
fn named_invoices(
    store: &Store,
    customer_id: CustomerId,
    invoices: &[InvoiceRef],
) -> Result<Vec<Invoice>> {
    if invoices.is_empty() {
        return Ok(Vec::new());
    }
    // An agenda item names the customer's open invoices: found among them
    // in one read of the open-items index; any other is looked up alone.
    let open = store.open_documents_of(customer_id)?;
    let mut named: Vec<Invoice> = Vec::new();
    for reference in invoices {
        let found = open.iter().find(|i| match reference {
            InvoiceRef::Id(id) => i.id == *id,
            InvoiceRef::Number(number) => i.number == number.trim(),
        });
        let invoice = match found {
            Some(invoice) => invoice.clone(),
            None => input::invoice(store, Some(Field::Invoice), reference)?,
        };
        if invoice.customer_id != customer_id {
            return Err(OpError::invalid(
                Field::Invoice,
                format!("invoice {} belongs to another customer", invoice.number),
            ));
        }
        if !named.iter().any(|n| n.id == invoice.id) {
            named.push(invoice);
        }
    }
    Ok(named)
}

/// The ids of invoices a promise or plan in `currency` can cover: invoices,
/// not credit notes, in that currency.
fn covered_ids(invoices: &[Invoice], currency: Currency) -> Result<Vec<InvoiceId>> {
    invoices
        .iter()
        .map(|invoice| {
            let number = &invoice.number;
            if invoice.kind != DocumentKind::Invoice {
                return Err(OpError::invalid(
                    Field::Invoice,
                    format!("{number} is a credit note, not an invoice"),
                ));
            }
            if invoice.currency != currency {
                return Err(OpError::invalid(
                    Field::Invoice,
                    format!(
                        "invoice {number} is in {}, not {currency}",
                        invoice.currency
                    ),
                ));
            }
            Ok(invoice.id)
        })
        .collect()
}

/// A follow-up whose stage is to be found.
#[derive(Debug, Clone, Copy)]
struct StageQuery<'a> {
    customer_id: CustomerId,
    kind: ActivityKind,
    invoices: &'a [InvoiceId],
    on: NaiveDate,
}

/// The stage a follow-up performs. A stage given must be one the kind can
/// perform; without one, it is the most severe stage due on the covered
/// invoices (all open ones when none are named) that the kind performs.
fn resolve_stage(
    store: &Store,
    ctx: &Context,
    query: &StageQuery<'_>,
    stage: Option<&str>,
) -> Result<Option<String>> {
    let StageQuery {
        customer_id,
        kind,
        invoices,
        on,
    } = *query;
    let policy = &ctx.policy;
    if let Some(stage) = stage {
        let Some(found) = policy.stage_by_id(stage) else {
            let ids: Vec<&str> = policy.ladder(None).iter().map(|s| s.id.as_str()).collect();
            return Err(OpError::invalid(
                Field::Stage,
                format!("no stage '{stage}'; expected one of {}", ids.join(", ")),
            ));
        };
        if !found.action.performed_by(kind) {
            return Err(OpError::invalid(
                Field::Stage,
                format!(
                    "a {} cannot perform '{stage}', whose action is {}",
                    kind.as_str(),
                    found.action.as_str()
                ),
            ));
        }
        return Ok(Some(stage.to_string()));
    }
    let Some(account) = store.accounts(on, Some(customer_id))?.pop() else {
        return Ok(None);
    };
    let ladder = policy.ladder(account.profile.as_deref());
    let assessed = evaluate_account(&account, policy, on);
    Ok(assessed
        .invoices
        .iter()
        .filter(|a| a.action_due && (invoices.is_empty() || invoices.contains(&a.invoice_id)))
        .filter_map(|a| match a.status {
            Status::Stage(i) => ladder.get(i).map(|s| (i, s)),
            _ => None,
        })
        .filter(|(_, s)| s.action.performed_by(kind))
        .max_by_key(|(i, _)| *i)
        .map(|(_, s)| s.id.clone()))
}
