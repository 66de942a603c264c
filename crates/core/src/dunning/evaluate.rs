//! Evaluating accounts: each open invoice's status and explanation, the
//! account's measures, and the agenda.

use chrono::{Days, NaiveDate};

use super::StageAction;
use super::agenda::{AgendaItem, agenda_for};
use super::commitments::{PlanState, PromiseState, covered, plan_state};
use super::measures::{ActiveMeasure, MeasureChange, measures_for};
use super::snapshot::{Account, Measure, OpenInvoice};
use super::terms::Charges;
use super::wording::{self, money};
use super::{Policy, Stage};
use crate::ledger::{InvoiceId, days_overdue};

mod trace;
pub use trace::trace;

/// Where an open invoice stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not yet at any stage.
    Current,
    /// On the ladder: index into the customer's ladder.
    Stage(usize),
    /// Chasing paused by a pending promise.
    Promised {
        /// The promise's id.
        promise_id: i64,
    },
    /// Chasing paused by a plan on track.
    InPlan {
        /// The plan's id.
        plan_id: i64,
    },
    /// Contested: off the ladder and out of the measures.
    Disputed,
    /// Open balance below the policy's minimum: not chased.
    BelowMinimum,
}

/// One open invoice, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceAssessment {
    /// The invoice.
    pub invoice_id: InvoiceId,
    /// Calendar days past the due date (negative before it).
    pub days_overdue: i64,
    /// Where it stands.
    pub status: Status,
    /// The label: a stage id, or `current`, `promised`, `in_plan`, `disputed`.
    pub label: String,
    /// True when its current stage's action is still to do.
    pub action_due: bool,
    /// Interest and fees accrued.
    pub charges: Charges,
    /// One line: why it stands where it does.
    pub why: String,
}

/// One account, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAssessment {
    /// The customer.
    pub customer_id: crate::ledger::CustomerId,
    /// Each open invoice, in the snapshot's order.
    pub invoices: Vec<InvoiceAssessment>,
    /// Measures in force.
    pub measures: Vec<ActiveMeasure>,
    /// Starts and lifts to record in the measure history.
    pub changes: Vec<MeasureChange>,
    /// Each promise with its state.
    pub promises: Vec<(i64, PromiseState)>,
    /// Each plan with its state.
    pub plans: Vec<(i64, PlanState)>,
}

/// Every account assessed, and the day's agenda in priority order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// One per account, in the order given.
    pub accounts: Vec<AccountAssessment>,
    /// The worklist: one item per customer, action and currency.
    pub agenda: Vec<AgendaItem>,
}

/// How much explaining an evaluation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Explain {
    /// Every invoice gets its `why`.
    All,
    /// Only invoices with an action due (what the agenda shows); the rest
    /// leave `why` empty. Much cheaper on large ledgers.
    DueOnly,
    /// Only the agenda's items: invoices on a stage leave `why` empty, and
    /// an item's reason is written once, for the invoice it names, after
    /// the items are merged. For a caller that reads the agenda's reasons
    /// and no invoice's.
    Agenda,
}

/// Evaluates every account as of a date, explaining everything.
pub fn evaluate(accounts: &[Account], policy: &Policy, as_of: NaiveDate) -> Assessment {
    evaluate_with(accounts, policy, as_of, Explain::All)
}

/// Evaluates every account as of a date, explaining as asked. Large
/// ledgers are split across the machine's cores; the result is the same.
pub fn evaluate_with(
    accounts: &[Account],
    policy: &Policy,
    as_of: NaiveDate,
    explain: Explain,
) -> Assessment {
    const CHUNK_MIN: usize = 2_000;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    let chunk = accounts.len().div_ceil(threads).max(CHUNK_MIN);
    let parts: Vec<(Vec<AccountAssessment>, Vec<AgendaItem>)> = if accounts.len() <= CHUNK_MIN {
        vec![evaluate_part(accounts, policy, as_of, explain)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = accounts
                .chunks(chunk)
                .map(|part| scope.spawn(move || evaluate_part(part, policy, as_of, explain)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
                })
                .collect()
        })
    };
    let mut assessed = Vec::with_capacity(accounts.len());
    let mut agenda = Vec::new();
    for (a, items) in parts {
        assessed.extend(a);
        agenda.extend(items);
    }
    super::agenda::prioritise(&mut agenda);
    Assessment {
        accounts: assessed,
        agenda,
    }
}

fn evaluate_part(
    accounts: &[Account],
    policy: &Policy,
    as_of: NaiveDate,
    explain: Explain,
) -> (Vec<AccountAssessment>, Vec<AgendaItem>) {
    let mut assessed = Vec::with_capacity(accounts.len());
    let mut agenda = Vec::new();
    for account in accounts {
        let assessment = assess_account(account, policy, as_of, explain);
        agenda.extend(agenda_for(account, &assessment, policy, as_of));
        assessed.push(assessment);
    }
    (assessed, agenda)
}

/// What pauses an invoice: the promise or plan covering it, if any.
struct Pauses {
    promised: Vec<(InvoiceId, i64, NaiveDate)>,
    planned: Vec<(InvoiceId, i64)>,
    promises: Vec<(i64, PromiseState)>,
    plans: Vec<(i64, PlanState)>,
}

fn pauses(account: &Account, policy: &Policy, as_of: NaiveDate) -> Pauses {
    let mut out = Pauses {
        promised: Vec::new(),
        planned: Vec::new(),
        promises: Vec::new(),
        plans: Vec::new(),
    };
    let states = super::commitments::promise_states(
        &account.promises,
        &account.invoices,
        &account.payments,
        policy.grace_days,
        as_of,
    );
    for (promise, (_, state)) in account.promises.iter().zip(&states) {
        if let PromiseState::Pending { until } = state {
            for id in covered(
                &promise.invoices,
                promise.currency,
                promise.made_on,
                &account.invoices,
            ) {
                out.promised.push((id, promise.id, *until));
            }
        }
    }
    out.promises = states;
    for plan in &account.plans {
        let ids = covered(
            &plan.invoices,
            plan.currency,
            plan.created_on,
            &account.invoices,
        );
        let state = plan_state(plan, &ids, &account.payments, policy.grace_days, as_of);
        if let PlanState::OnTrack { .. } = state {
            out.planned.extend(ids.into_iter().map(|id| (id, plan.id)));
        }
        out.plans.push((plan.id, state));
    }
    out
}

/// Evaluates one account as of a date, explaining everything.
pub fn evaluate_account(account: &Account, policy: &Policy, as_of: NaiveDate) -> AccountAssessment {
    assess_account(account, policy, as_of, Explain::All)
}

/// Evaluates one account as of a date, explaining as asked, without its
/// agenda items: for a report that reads the assessments alone.
pub fn assess_account(
    account: &Account,
    policy: &Policy,
    as_of: NaiveDate,
    explain: Explain,
) -> AccountAssessment {
    let pauses = pauses(account, policy, as_of);
    let ladder = policy.ladder(account.profile.as_deref());
    let invoices: Vec<InvoiceAssessment> = account
        .invoices
        .iter()
        .filter(|i| i.issue_date <= as_of)
        .map(|invoice| {
            let terms = Assessing {
                ladder,
                policy,
                as_of,
                explain,
            };
            assess_invoice(account, invoice, &pauses, &terms)
        })
        .collect();
    let (measures, changes) = measures_for(account, &invoices, &pauses.promises, policy, as_of);
    AccountAssessment {
        customer_id: account.customer_id,
        invoices,
        measures,
        changes,
        promises: pauses.promises,
        plans: pauses.plans,
    }
}

/// What an invoice is assessed against: the customer's ladder, the policy,
/// the date, and how much to explain.
struct Assessing<'a> {
    ladder: &'a [Stage],
    policy: &'a Policy,
    as_of: NaiveDate,
    explain: Explain,
}

/// Assesses one open invoice: an early status if it is disputed, too small,
/// or paused, otherwise where it stands on the ladder.
fn assess_invoice(
    account: &Account,
    invoice: &OpenInvoice,
    pauses: &Pauses,
    terms: &Assessing<'_>,
) -> InvoiceAssessment {
    let days = days_overdue(invoice.due_date, terms.as_of);
    let base = InvoiceAssessment {
        invoice_id: invoice.id,
        days_overdue: days,
        status: Status::Current,
        label: "current".into(),
        action_due: false,
        charges: Charges::default(),
        why: String::new(),
    };
    // A disputed invoice accrues nothing here, so it leaves before charges.
    if let Some(disputed) = disputed(invoice, &base) {
        return disputed;
    }
    let charges = terms.policy.terms.charges(&invoice.debt(), terms.as_of);
    let base = InvoiceAssessment { charges, ..base };
    if let Some(small) = below_minimum(invoice, terms.policy, &base) {
        return small;
    }
    if let Some(paused) = paused(invoice, pauses, &base) {
        return paused;
    }
    let ladder = terms.ladder;
    match ladder.iter().rposition(|s| days >= i64::from(s.days)) {
        None => current(invoice, ladder, terms.explain, base),
        Some(index) => on_stage(account, invoice, index, terms, base),
    }
}

/// The assessment of a disputed invoice, if it is one.
fn disputed(invoice: &OpenInvoice, base: &InvoiceAssessment) -> Option<InvoiceAssessment> {
    let dispute = invoice.dispute.as_ref()?;
    Some(InvoiceAssessment {
        status: Status::Disputed,
        label: "disputed".into(),
        why: format!(
            "disputed since {}: {}; off the ladder until resolved",
            dispute.opened_on, dispute.reason
        ),
        ..base.clone()
    })
}

/// The assessment of an invoice whose open balance is below the policy's
/// minimum, if it is one.
fn below_minimum(
    invoice: &OpenInvoice,
    policy: &Policy,
    base: &InvoiceAssessment,
) -> Option<InvoiceAssessment> {
    if invoice.open >= policy.min_balance {
        return None;
    }
    Some(InvoiceAssessment {
        status: Status::BelowMinimum,
        label: "below_minimum".into(),
        why: format!(
            "open {} is below the minimum {}: not chased",
            money(invoice.open, invoice.currency, policy.locale),
            policy
                .locale
                .format_amount(policy.min_balance, invoice.currency.minor_digits())
        ),
        ..base.clone()
    })
}

/// The assessment of an invoice paused by a plan on track or, failing that,
/// a pending promise, if one covers it.
fn paused(
    invoice: &OpenInvoice,
    pauses: &Pauses,
    base: &InvoiceAssessment,
) -> Option<InvoiceAssessment> {
    let days = base.days_overdue;
    if let Some((_, plan_id)) = pauses.planned.iter().find(|(id, _)| *id == invoice.id) {
        return Some(InvoiceAssessment {
            status: Status::InPlan { plan_id: *plan_id },
            label: "in_plan".into(),
            why: format!(
                "{}; in a payment plan on track: chasing paused",
                wording::due_phrase(invoice, days)
            ),
            ..base.clone()
        });
    }
    let (_, promise_id, until) = pauses
        .promised
        .iter()
        .find(|(id, _, _)| *id == invoice.id)?;
    Some(InvoiceAssessment {
        status: Status::Promised {
            promise_id: *promise_id,
        },
        label: "promised".into(),
        why: format!(
            "{}; payment promised, chasing paused until {until}",
            wording::due_phrase(invoice, days)
        ),
        ..base.clone()
    })
}

/// The assessment of an invoice not yet at any stage, naming the next one
/// when everything is explained.
fn current(
    invoice: &OpenInvoice,
    ladder: &[Stage],
    explain: Explain,
    base: InvoiceAssessment,
) -> InvoiceAssessment {
    if explain != Explain::All {
        return base;
    }
    let next = super::advice::next_step(invoice, &Status::Current, ladder)
        .map(|n| format!(" ({} from {})", n.stage.id, n.on))
        .unwrap_or_default();
    InvoiceAssessment {
        why: format!(
            "{}: current{next}",
            wording::due_phrase(invoice, base.days_overdue)
        ),
        ..base
    }
}

/// The assessment of an invoice at the ladder's stage `index`: whether its
/// action is still due, and why, with what the earlier stages saw.
fn on_stage(
    account: &Account,
    invoice: &OpenInvoice,
    index: usize,
    terms: &Assessing<'_>,
    base: InvoiceAssessment,
) -> InvoiceAssessment {
    let ladder = terms.ladder;
    let days = base.days_overdue;
    let stage = &ladder[index];
    let done = done_on(account, invoice, stage, ladder);
    // A reminder before the due date is no use once it has passed.
    let window_passed = stage.days < 0 && days > 0;
    let explained = match terms.explain {
        Explain::All => true,
        Explain::DueOnly => done.is_none(),
        Explain::Agenda => false,
    };
    InvoiceAssessment {
        status: Status::Stage(index),
        label: stage.id.clone(),
        action_due: done.is_none() && !window_passed,
        why: if explained {
            let at = OnStage { index, days, done };
            stage_why(account, invoice, ladder, &at)
        } else {
            String::new()
        },
        ..base
    }
}

/// Where an invoice stands on the ladder.
pub(super) struct OnStage {
    /// The stage's place on the ladder.
    pub index: usize,
    /// Days overdue.
    pub days: i64,
    /// When the stage was done, if it was.
    pub done: Option<NaiveDate>,
}

/// Why an invoice stands at a stage: its due date, the stage's threshold,
/// what the earlier stages saw, and whether the stage is done, its window
/// passed, or what is to do.
pub(super) fn stage_why(
    account: &Account,
    invoice: &OpenInvoice,
    ladder: &[Stage],
    at: &OnStage,
) -> String {
    let OnStage { index, days, done } = *at;
    let stage = &ladder[index];
    let threshold = if stage.days < 0 {
        format!(
            " (from {} before due)",
            wording::days(-i64::from(stage.days))
        )
    } else {
        format!(" ≥ {}", stage.days)
    };
    let mut why = format!(
        "{}{threshold}: {}",
        wording::due_phrase(invoice, days),
        stage.id
    );
    let history = history(account, invoice, &ladder[..index], ladder);
    if !history.is_empty() {
        why.push_str("; ");
        why.push_str(&history);
    }
    let end = match done {
        Some(on) => format!("; {} done {on}", stage.id),
        None if stage.days < 0 && days > 0 => format!("; {} window passed", stage.id),
        None => format!("; to do: {}", wording::action_phrase(stage.action)),
    };
    why.push_str(&end);
    why
}

/// The date a stage triggers for an invoice.
pub(super) fn trigger_date(invoice: &OpenInvoice, stage: &Stage) -> NaiveDate {
    let shift = Days::new(u64::from(stage.days.unsigned_abs()));
    let moved = if stage.days < 0 {
        invoice.due_date.checked_sub_days(shift)
    } else {
        invoice.due_date.checked_add_days(shift)
    };
    moved.unwrap_or(invoice.due_date)
}

/// The first day the log shows this stage's action done for the invoice, on
/// or after the stage's trigger date.
///
/// An entry logged for a stage counts for that stage when its kind can
/// perform the stage's action. It also counts for the stage the invoice
/// stood at on the entry's date when the logged stage's notice serves that
/// stage's action: one contact answering an agenda item does every stage
/// the item asked for (an overdue email and a pre-due reminder, a cash-only
/// and a stop-supply notice). An entry logged without a stage counts only
/// for the stage the invoice stood at on the entry's date, and never as the
/// written notice of a customer measure.
pub(super) fn done_on(
    account: &Account,
    invoice: &OpenInvoice,
    stage: &Stage,
    ladder: &[Stage],
) -> Option<NaiveDate> {
    let trigger = trigger_date(invoice, stage);
    account
        .activities
        .iter()
        .filter(|a| {
            a.occurred_on >= trigger && a.covers(invoice.id) && stage.action.performed_by(a.kind)
        })
        .filter(|a| match a.stage.as_deref() {
            Some(id) if id == stage.id => true,
            logged => {
                let days = days_overdue(invoice.due_date, a.occurred_on);
                let stood_here = ladder
                    .iter()
                    .rposition(|s| days >= i64::from(s.days))
                    .is_some_and(|i| ladder[i].id == stage.id);
                stood_here && performs_alongside(logged, stage, ladder)
            }
        })
        .map(|a| a.occurred_on)
        .min()
        .or_else(|| measure_notice(account, stage, ladder))
}

/// True when an entry logged for the stage `logged` (or for none) also
/// performs `stage`, the one its invoice stood at: the logged stage's notice
/// serves it, or, untagged, it is not a customer measure's written notice.
fn performs_alongside(logged: Option<&str>, stage: &Stage, ladder: &[Stage]) -> bool {
    match logged {
        Some(id) => ladder
            .iter()
            .find(|s| s.id == id)
            .is_some_and(|s| s.action.serves(stage.action)),
        None => !matches!(
            stage.action,
            StageAction::StopSupply | StageAction::CashOnly
        ),
    }
}

/// The day the notice of a running stop-supply or cash-only measure was
/// sent. A measure is the customer's, not an invoice's: one notice, tagged
/// with the stage (or with one whose notice serves it), covers every invoice
/// that reaches the stage while the measure runs. A notice from before the
/// measure's latest start does not.
fn measure_notice(account: &Account, stage: &Stage, ladder: &[Stage]) -> Option<NaiveDate> {
    let measure = match stage.action {
        StageAction::StopSupply => Measure::StopSupply,
        StageAction::CashOnly => Measure::CashOnly,
        _ => return None,
    };
    let last = account
        .measure_events
        .iter()
        .rev()
        .find(|e| e.measure == measure)?;
    if !last.start {
        return None;
    }
    account
        .activities
        .iter()
        .filter(|a| {
            a.occurred_on >= last.effective_on
                && stage.action.performed_by(a.kind)
                && a.stage.is_some()
                && performs_alongside(a.stage.as_deref(), stage, ladder)
        })
        .map(|a| a.occurred_on)
        .min()
}

/// "overdue_email done 2026-10-15; skipped: call" for the stages before the current one.
fn history(
    account: &Account,
    invoice: &OpenInvoice,
    earlier: &[Stage],
    ladder: &[Stage],
) -> String {
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    for stage in earlier {
        match done_on(account, invoice, stage, ladder) {
            Some(on) => done.push(format!("{} done {on}", stage.id)),
            None => skipped.push(stage.id.as_str()),
        }
    }
    let mut parts = done;
    if !skipped.is_empty() {
        parts.push(format!("skipped: {}", skipped.join(", ")));
    }
    parts.join(", ")
}
