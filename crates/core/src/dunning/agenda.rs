//! The day's worklist: one item per customer, action and currency, listing
//! every invoice it covers, largest overdue balance first.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::Policy;
use super::StageAction;
use super::commitments::{PlanState, PromiseState, covered};
use super::evaluate::{AccountAssessment, Status};
use super::snapshot::{Account, ActivityKind};
use crate::ledger::{CustomerId, InvoiceId};
use crate::money::{Amounts, Currency, Money, plain_amount};

/// Why an item is on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgendaKind {
    /// A ladder stage whose action is not done yet.
    Stage,
    /// A promise was broken: follow up at once.
    BrokenPromise,
    /// A plan instalment was missed: remind at once.
    MissedInstalment,
    /// A dispute unresolved for too long.
    Dispute,
    /// A follow-up date set in the log has come.
    FollowUp,
}

/// One thing to do today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    /// The customer.
    pub customer_id: CustomerId,
    /// Its code.
    pub code: String,
    /// Why the item is here.
    pub kind: AgendaKind,
    /// What to do.
    pub action: StageAction,
    /// The stage id, or `broken_promise`, `missed_instalment`, `disputed`, `follow_up`.
    pub stage: String,
    /// Every invoice the action covers.
    pub invoices: Vec<InvoiceId>,
    /// The customer's undisputed overdue balance in this currency.
    pub overdue_balance: Decimal,
    /// The currency of the balance and the invoices.
    pub currency: Currency,
    /// The largest days overdue among the invoices.
    pub days_overdue: i64,
    /// Higher is more urgent at equal balance.
    pub severity: usize,
    /// One line: why this is to do.
    pub why: String,
}

/// The first contact with the customer on or after `since`, if any.
fn contacted_since(account: &Account, since: NaiveDate) -> Option<NaiveDate> {
    account
        .activities
        .iter()
        .filter(|a| a.kind.is_contact() && a.occurred_on >= since)
        .map(|a| a.occurred_on)
        .min()
}

/// The agenda items of one account, unmerged and unsorted.
pub(super) fn agenda_for(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &Policy,
    as_of: NaiveDate,
) -> Vec<AgendaItem> {
    let ladder = policy.ladder(account.profile.as_deref());
    let mut overdue = Amounts::new();
    let mut open: BTreeMap<Currency, Vec<InvoiceId>> = BTreeMap::new();
    for a in &assessed.invoices {
        let Some(invoice) = account.invoices.iter().find(|i| i.id == a.invoice_id) else {
            continue;
        };
        if a.status == Status::Disputed || matches!(a.status, Status::BelowMinimum) {
            continue;
        }
        open.entry(invoice.currency).or_default().push(invoice.id);
        if a.days_overdue > 0 {
            overdue.add(Money::new(invoice.open, invoice.currency));
        }
    }
    let item =
        |kind, action, stage: &str, currency, invoices: Vec<InvoiceId>, severity, why: String| {
            let days_overdue = invoices
                .iter()
                .filter_map(|id| assessed.invoices.iter().find(|a| a.invoice_id == *id))
                .map(|a| a.days_overdue)
                .max()
                .unwrap_or(0);
            AgendaItem {
                customer_id: account.customer_id,
                code: account.code.clone(),
                kind,
                action,
                stage: stage.to_string(),
                invoices,
                overdue_balance: overdue.get(currency),
                currency,
                days_overdue,
                severity,
                why,
            }
        };
    let mut items = Vec::new();
    for a in &assessed.invoices {
        let (Status::Stage(index), true) = (&a.status, a.action_due) else {
            continue;
        };
        let Some(invoice) = account.invoices.iter().find(|i| i.id == a.invoice_id) else {
            continue;
        };
        let stage = &ladder[*index];
        items.push(item(
            AgendaKind::Stage,
            stage.action,
            &stage.id,
            invoice.currency,
            vec![invoice.id],
            index + 1,
            a.why.clone(),
        ));
    }
    for promise in &account.promises {
        let Some((_, PromiseState::Broken { on, received })) =
            assessed.promises.iter().find(|(id, _)| *id == promise.id)
        else {
            continue;
        };
        let Some(still_open) = open.get(&promise.currency) else {
            continue;
        };
        if contacted_since(account, *on).is_some() {
            continue;
        }
        let mut invoices = covered(
            &promise.invoices,
            promise.currency,
            promise.made_on,
            &account.invoices,
        );
        invoices.retain(|id| still_open.contains(id));
        if invoices.is_empty() {
            // Everything the promise covered is paid, disputed or below the
            // minimum: nothing left to follow up.
            continue;
        }
        let why = format!(
            "promise of {} to pay {} {} by {} broken on {on} (received {}): follow up now",
            promise.made_on,
            plain_amount(promise.amount, promise.currency),
            promise.currency,
            promise.promised_on,
            plain_amount(*received, promise.currency)
        );
        items.push(item(
            AgendaKind::BrokenPromise,
            StageAction::Call,
            "broken_promise",
            promise.currency,
            invoices,
            ladder.len() + 2,
            why,
        ));
    }
    for plan in &account.plans {
        let Some((_, PlanState::Broken { on, missed })) =
            assessed.plans.iter().find(|(id, _)| *id == plan.id)
        else {
            continue;
        };
        let Some(still_open) = open.get(&plan.currency) else {
            continue;
        };
        // The reminder is about the plan's invoices, not the whole account.
        let still_open: Vec<InvoiceId> = still_open
            .iter()
            .copied()
            .filter(|id| plan.invoices.is_empty() || plan.invoices.contains(id))
            .collect();
        if still_open.is_empty() || contacted_since(account, *on).is_some() {
            continue;
        }
        let why = format!(
            "payment plan of {}: instalment of {} {} due {} missed: remind now",
            plan.created_on,
            plain_amount(missed.1, plan.currency),
            plan.currency,
            missed.0
        );
        items.push(item(
            AgendaKind::MissedInstalment,
            StageAction::Email,
            "missed_instalment",
            plan.currency,
            still_open,
            ladder.len() + 1,
            why,
        ));
    }
    for invoice in &account.invoices {
        let Some(dispute) = &invoice.dispute else {
            continue;
        };
        let last_touch = account
            .activities
            .iter()
            .filter(|a| {
                a.kind.is_contact() && a.covers(invoice.id) && a.occurred_on >= dispute.opened_on
            })
            .map(|a| a.occurred_on)
            .max()
            .unwrap_or(dispute.opened_on)
            .max(dispute.opened_on);
        let due = last_touch
            .checked_add_days(Days::new(u64::from(policy.dispute_follow_up_days)))
            .unwrap_or(NaiveDate::MAX);
        if as_of >= due {
            let why = format!(
                "{} disputed since {} ({}), untouched since {last_touch}: follow up the dispute",
                invoice.number, dispute.opened_on, dispute.reason
            );
            items.push(item(
                AgendaKind::Dispute,
                StageAction::Call,
                "disputed",
                invoice.currency,
                vec![invoice.id],
                0,
                why,
            ));
        }
    }
    if let Some(follow_up) = &account.follow_up
        && follow_up.next_on <= as_of
        && follow_up.set_on <= as_of
    {
        let action = if follow_up.kind == ActivityKind::Email {
            StageAction::Email
        } else {
            StageAction::Call
        };
        for (currency, invoices) in &open {
            let why = format!(
                "follow-up set for {} when logging the {} of {}",
                follow_up.next_on,
                follow_up.kind.as_str(),
                follow_up.set_on
            );
            items.push(item(
                AgendaKind::FollowUp,
                action,
                "follow_up",
                *currency,
                invoices.clone(),
                0,
                why,
            ));
        }
    }
    merge(items)
}

/// One item per customer, action and currency: the most severe reason
/// leads, and the item lists every invoice any reason covered. A cash-only
/// notice covers what a stop-supply notice would say, so when both are due
/// they go out as one. A missed instalment stays apart: its reminder is
/// about the plan, and must not list invoices the plan does not cover.
fn merge(items: Vec<AgendaItem>) -> Vec<AgendaItem> {
    let cash_only: Vec<Currency> = items
        .iter()
        .filter(|i| i.action == StageAction::CashOnly)
        .map(|i| i.currency)
        .collect();
    let mut merged: BTreeMap<(StageAction, Currency, bool), AgendaItem> = BTreeMap::new();
    for item in items {
        let action = if item.action == StageAction::StopSupply && cash_only.contains(&item.currency)
        {
            StageAction::CashOnly
        } else {
            item.action
        };
        let key = (
            action,
            item.currency,
            item.kind == AgendaKind::MissedInstalment,
        );
        match merged.get_mut(&key) {
            None => {
                merged.insert(key, item);
            }
            Some(existing) => {
                let mut invoices = std::mem::take(&mut existing.invoices);
                let extra = item.invoices.clone();
                let more_urgent =
                    (item.severity, item.days_overdue) > (existing.severity, existing.days_overdue);
                if more_urgent {
                    *existing = item;
                }
                for id in extra {
                    if !invoices.contains(&id) {
                        invoices.push(id);
                    }
                }
                for id in std::mem::take(&mut existing.invoices) {
                    if !invoices.contains(&id) {
                        invoices.push(id);
                    }
                }
                existing.invoices = invoices;
            }
        }
    }
    merged
        .into_values()
        .map(|mut item| {
            if item.invoices.len() > 1 {
                item.why = format!("{} (+{} more invoices)", item.why, item.invoices.len() - 1);
            }
            item
        })
        .collect()
}

impl PartialOrd for StageAction {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for StageAction {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// The agenda's order: largest overdue balance first, then the most severe
/// stage, then the oldest debt, then the customer code.
pub fn priority_order(a: &AgendaItem, b: &AgendaItem) -> std::cmp::Ordering {
    b.overdue_balance
        .cmp(&a.overdue_balance)
        .then(b.severity.cmp(&a.severity))
        .then(b.days_overdue.cmp(&a.days_overdue))
        .then(a.code.cmp(&b.code))
        .then(a.action.cmp(&b.action))
        .then(a.currency.cmp(&b.currency))
}

/// Puts agenda items in priority order (see [`priority_order`]).
pub fn prioritise(items: &mut [AgendaItem]) {
    items.sort_by(priority_order);
}
