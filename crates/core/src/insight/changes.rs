//! What changed on each account between two dates: the difference of two
//! evaluations of the engine (as of the earlier date and as of the later)
//! and the dated facts between them.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::record::InvoiceRecord;
use crate::aging::Buckets;
use crate::dunning::{
    Account, AccountAssessment, Measure, OpenInvoice, PlanState, PromiseState, Status, money,
};
use crate::ledger::{CustomerId, days_overdue};
use crate::money::{Locale, Money};

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An invoice was issued.
    InvoiceAdded,
    /// An invoice was paid in full.
    Paid,
    /// An invoice was written off.
    WrittenOff,
    /// An open invoice moved into an older aging bucket.
    OlderBucket,
    /// An invoice reached a later stage of the ladder.
    StageReached,
    /// A measure came into force.
    MeasureStarted,
    /// A measure was lifted.
    MeasureLifted,
    /// The customer promised to pay.
    PromiseMade,
    /// A promise was kept.
    PromiseKept,
    /// A promise was broken.
    PromiseBroken,
    /// A payment plan was agreed.
    PlanMade,
    /// A payment plan was broken.
    PlanBroken,
}

impl ChangeKind {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::InvoiceAdded => "invoice_added",
            ChangeKind::Paid => "paid",
            ChangeKind::WrittenOff => "written_off",
            ChangeKind::OlderBucket => "older_bucket",
            ChangeKind::StageReached => "stage_reached",
            ChangeKind::MeasureStarted => "measure_started",
            ChangeKind::MeasureLifted => "measure_lifted",
            ChangeKind::PromiseMade => "promise_made",
            ChangeKind::PromiseKept => "promise_kept",
            ChangeKind::PromiseBroken => "promise_broken",
            ChangeKind::PlanMade => "plan_made",
            ChangeKind::PlanBroken => "plan_broken",
        }
    }
}

/// One change on one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The customer.
    pub customer_id: CustomerId,
    /// The day it happened, when the ledger says (a stage or a lift is
    /// known to have happened by the later date only).
    pub on: Option<NaiveDate>,
    /// What changed.
    pub kind: ChangeKind,
    /// The invoice it concerns, if one.
    pub invoice: Option<String>,
    /// The amount it concerns, if any.
    pub amount: Option<Money>,
    /// One line: what exactly.
    pub detail: String,
}

/// One account evaluated on one date.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The snapshot as of that date.
    pub account: &'a Account,
    /// The engine's answer as of that date.
    pub assessed: &'a AccountAssessment,
}

/// The two dates, the aging buckets and the locale of the details.
#[derive(Debug, Clone, Copy)]
pub struct Between<'a> {
    /// The earlier date: changes are after it.
    pub since: NaiveDate,
    /// The later date: changes are on or before it.
    pub as_of: NaiveDate,
    /// The aging buckets.
    pub buckets: &'a Buckets,
    /// How amounts are written in the details.
    pub locale: Locale,
}

/// What changed on one account: `records` are its invoices as of the later
/// date, `before` and `after` its evaluations (an account without one on a
/// date had nothing then). In date order, undated changes last.
pub fn changes(
    records: &[&InvoiceRecord],
    before: Option<Side<'_>>,
    after: Side<'_>,
    between: &Between<'_>,
) -> Vec<Change> {
    let customer_id = after.account.customer_id;
    let mut found = Vec::new();
    facts(records, between, customer_id, &mut found);
    changes_with(found, before, after, between)
}

/// The dated facts of one invoice between the two dates: added, paid,
/// written off, moved to an older bucket.
pub fn invoice_changes(record: &InvoiceRecord, between: &Between<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    facts(&[record], between, record.customer_id, &mut out);
    out
}

/// What changed on one account, `found` holding the dated facts of its
/// invoices ([`invoice_changes`]). In date order, undated changes last.
pub fn changes_with(
    found: Vec<Change>,
    before: Option<Side<'_>>,
    after: Side<'_>,
    between: &Between<'_>,
) -> Vec<Change> {
    let mut out = found;
    stages(before, after, &mut out);
    measures(before, after, between, &mut out);
    commitments(before, after, between, &mut out);
    out.sort_by(|a, b| {
        (a.on.is_none(), a.on, a.kind, &a.invoice).cmp(&(b.on.is_none(), b.on, b.kind, &b.invoice))
    });
    out
}

fn in_range(on: NaiveDate, between: &Between<'_>) -> bool {
    between.since < on && on <= between.as_of
}

fn facts(
    records: &[&InvoiceRecord],
    between: &Between<'_>,
    customer_id: CustomerId,
    out: &mut Vec<Change>,
) {
    // The bucket titles are worded only for an invoice that moved.
    let mut titles: Option<Vec<String>> = None;
    for r in records {
        let amount = Money::new(r.amount, r.currency);
        let change = |kind, on, detail: String| Change {
            customer_id,
            on: Some(on),
            kind,
            invoice: Some(r.number.clone()),
            amount: Some(amount),
            detail,
        };
        if in_range(r.issue_date, between) {
            out.push(added(
                customer_id,
                &r.number,
                r.issue_date,
                r.due_date,
                amount,
            ));
        }
        if let Some(on) = r.paid_on().filter(|on| in_range(*on, between)) {
            let late = days_overdue(r.due_date, on);
            let detail = if late > 0 {
                format!("{} after its due date", crate::dunning::days(late))
            } else {
                "on time".to_string()
            };
            out.push(change(ChangeKind::Paid, on, detail));
        }
        if let Some(on) = r.written_off_on().filter(|on| in_range(*on, between)) {
            out.push(change(ChangeKind::WrittenOff, on, String::new()));
        }
        if r.is_open_on(between.since) && r.is_open_on(between.as_of) {
            let open = Money::new(r.open_on(between.as_of), r.currency);
            out.extend(older_bucket(
                customer_id,
                (&r.number, r.due_date, open),
                between,
                &mut titles,
            ));
        }
    }
}

/// The dated fact of an invoice open on the later date that nothing
/// touched after the earlier one (no payment, credit, write-off or import
/// settled any of it since): issued since, or else open with the same
/// balance on both dates and perhaps moved to an older bucket. What
/// [`invoice_changes`] finds for it, without its settlements. `titles`
/// keeps the buckets' titles once one is worded.
pub fn untouched_changes(
    customer_id: CustomerId,
    invoice: &OpenInvoice,
    between: &Between<'_>,
    titles: &mut Option<Vec<String>>,
) -> Option<Change> {
    if invoice.issue_date > between.since {
        let amount = Money::new(invoice.amount, invoice.currency);
        let (number, issued, due) = (&invoice.number, invoice.issue_date, invoice.due_date);
        return in_range(issued, between).then(|| added(customer_id, number, issued, due, amount));
    }
    let open = Money::new(invoice.open, invoice.currency);
    let key = (invoice.number.as_str(), invoice.due_date, open);
    older_bucket(customer_id, key, between, titles)
}

fn added(
    customer_id: CustomerId,
    number: &str,
    issued: NaiveDate,
    due: NaiveDate,
    amount: Money,
) -> Change {
    Change {
        customer_id,
        on: Some(issued),
        kind: ChangeKind::InvoiceAdded,
        invoice: Some(number.to_string()),
        amount: Some(amount),
        detail: format!("due {due}"),
    }
}

/// The move into an older aging bucket of an invoice open on both dates
/// (its number, due date and what is owed on it on the later date), if it
/// moved.
fn older_bucket(
    customer_id: CustomerId,
    (number, due_date, open): (&str, NaiveDate, Money),
    between: &Between<'_>,
    titles: &mut Option<Vec<String>>,
) -> Option<Change> {
    let from = between.buckets.index(days_overdue(due_date, between.since));
    let to = between.buckets.index(days_overdue(due_date, between.as_of));
    if to <= from {
        return None;
    }
    let first = between.buckets.first_day(to);
    let on = u64::try_from(first)
        .ok()
        .and_then(|d| due_date.checked_add_days(Days::new(d)));
    let titles = titles.get_or_insert_with(|| between.buckets.titles());
    Some(Change {
        customer_id,
        on,
        kind: ChangeKind::OlderBucket,
        invoice: Some(number.to_string()),
        amount: Some(open),
        detail: format!("{} → {}", titles[from], titles[to]),
    })
}

fn stage_of(side: Option<Side<'_>>, invoice: i64) -> Option<usize> {
    side?
        .assessed
        .invoices
        .iter()
        .find(|a| a.invoice_id == invoice)
        .and_then(|a| match a.status {
            Status::Stage(i) => Some(i),
            _ => None,
        })
}

fn stages(before: Option<Side<'_>>, after: Side<'_>, out: &mut Vec<Change>) {
    for a in &after.assessed.invoices {
        let Status::Stage(now) = a.status else {
            continue;
        };
        if stage_of(before, a.invoice_id).is_some_and(|then| then >= now) {
            continue;
        }
        let Some(invoice) = after.account.invoices.iter().find(|i| i.id == a.invoice_id) else {
            continue;
        };
        out.push(Change {
            customer_id: after.account.customer_id,
            on: None,
            kind: ChangeKind::StageReached,
            invoice: Some(invoice.number.clone()),
            amount: Some(Money::new(invoice.open, invoice.currency)),
            detail: a.label.clone(),
        });
    }
}

fn measures(
    before: Option<Side<'_>>,
    after: Side<'_>,
    between: &Between<'_>,
    out: &mut Vec<Change>,
) {
    let (since, as_of) = (between.since, between.as_of);
    let then: BTreeSet<Measure> = before
        .map(|b| b.assessed.measures.iter().map(|m| m.measure).collect())
        .unwrap_or_default();
    let now: BTreeSet<Measure> = after.assessed.measures.iter().map(|m| m.measure).collect();
    for m in &after.assessed.measures {
        if !then.contains(&m.measure) {
            out.push(Change {
                customer_id: after.account.customer_id,
                on: (m.since <= as_of && m.since > since).then_some(m.since),
                kind: ChangeKind::MeasureStarted,
                invoice: None,
                amount: None,
                detail: format!("{}: {}", m.measure.as_str(), m.why),
            });
        }
    }
    for m in then.difference(&now) {
        out.push(Change {
            customer_id: after.account.customer_id,
            on: None,
            kind: ChangeKind::MeasureLifted,
            invoice: None,
            amount: None,
            detail: m.as_str().to_string(),
        });
    }
}

fn promise_then(before: Option<Side<'_>>, id: i64) -> Option<PromiseState> {
    before?
        .assessed
        .promises
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, s)| *s)
}

fn plan_then(before: Option<Side<'_>>, id: i64) -> Option<PlanState> {
    before?
        .assessed
        .plans
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, s)| *s)
}

fn commitments(
    before: Option<Side<'_>>,
    after: Side<'_>,
    between: &Between<'_>,
    out: &mut Vec<Change>,
) {
    let customer_id = after.account.customer_id;
    let push = |out: &mut Vec<Change>, on, kind, amount: Money, detail: String| {
        out.push(Change {
            customer_id,
            on: Some(on),
            kind,
            invoice: None,
            amount: Some(amount),
            detail,
        });
    };
    for promise in &after.account.promises {
        let amount = Money::new(promise.amount, promise.currency);
        if in_range(promise.made_on, between) {
            let detail = format!("to pay by {}", promise.promised_on);
            push(
                out,
                promise.made_on,
                ChangeKind::PromiseMade,
                amount,
                detail,
            );
        }
        let now = after
            .assessed
            .promises
            .iter()
            .find(|(p, _)| *p == promise.id);
        let then = promise_then(before, promise.id);
        match now.map(|(_, s)| *s) {
            Some(PromiseState::Kept { on }) if !matches!(then, Some(PromiseState::Kept { .. })) => {
                let detail = format!("promised for {}", promise.promised_on);
                push(out, on, ChangeKind::PromiseKept, amount, detail);
            }
            Some(PromiseState::Broken { on, received })
                if !matches!(then, Some(PromiseState::Broken { .. })) =>
            {
                let detail = format!(
                    "promised for {}; {} received",
                    promise.promised_on,
                    money(received, promise.currency, between.locale)
                );
                push(out, on, ChangeKind::PromiseBroken, amount, detail);
            }
            _ => {}
        }
    }
    for plan in &after.account.plans {
        let total = plan.instalments.iter().map(|(_, a)| *a).sum();
        let amount = Money::new(total, plan.currency);
        if in_range(plan.created_on, between) {
            let detail = format!("{} instalments", plan.instalments.len());
            push(out, plan.created_on, ChangeKind::PlanMade, amount, detail);
        }
        let now = after.assessed.plans.iter().find(|(p, _)| *p == plan.id);
        if let Some((_, PlanState::Broken { on, missed })) = now
            && !matches!(plan_then(before, plan.id), Some(PlanState::Broken { .. }))
        {
            let detail = format!("instalment of {} missed", missed.0);
            push(out, *on, ChangeKind::PlanBroken, amount, detail);
        }
    }
}
