//! The day's worklist: one item per customer, action and currency, listing
//! every invoice it covers, largest overdue balance first.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::StageAction;
use super::commitments::{PlanState, PromiseState, covered};
use super::evaluate::{AccountAssessment, Status};
use super::snapshot::{Account, ActivityKind};
use super::wording::money;
use super::{Policy, Stage};
use crate::ledger::{CustomerId, InvoiceId};
use crate::money::{Amounts, Currency, Money};

mod persistence;

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
    /// Every stage is done and the balance is still overdue: the recurring
    /// reminder is due.
    Persistence,
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
    /// The stage id, or `broken_promise`, `missed_instalment`, `disputed`,
    /// `follow_up`, `persistence`.
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

/// True when the customer was contacted about any of `invoices` on or
/// after `since` (see [`crate::dunning::Activity::is_contact_about`]).
fn contacted_about_since(account: &Account, invoices: &[InvoiceId], since: NaiveDate) -> bool {
    account
        .activities
        .iter()
        .any(|a| a.occurred_on >= since && a.is_contact_about(invoices))
}

/// The agenda items of one account, unmerged and unsorted.
pub(super) fn agenda_for(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &Policy,
    as_of: NaiveDate,
) -> Vec<AgendaItem> {
    let listing = Listing::new(account, assessed, policy, as_of);
    // The order matters: at equal urgency, merging keeps the first reason.
    let mut items = listing.stage_items();
    items.extend(listing.broken_promises());
    items.extend(listing.missed_instalments());
    items.extend(listing.disputes());
    items.extend(listing.follow_ups());
    // A broken promise's call or a missed instalment's reminder already
    // chases its invoices: the recurring reminder leaves them to it.
    let followed: Vec<InvoiceId> = items
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                AgendaKind::BrokenPromise | AgendaKind::MissedInstalment
            )
        })
        .flat_map(|i| i.invoices.iter().copied())
        .collect();
    items.extend(listing.persistence(&followed));
    merge(items)
        .into_iter()
        .map(|(mut item, source)| {
            if let Some(id) = source {
                item.why = listing.stage_why(id);
            }
            if item.invoices.len() > 1 {
                item.why = format!("{} (+{} more invoices)", item.why, item.invoices.len() - 1);
            }
            item
        })
        .collect()
}

/// What one account's agenda items are drawn from.
struct Listing<'a> {
    account: &'a Account,
    assessed: &'a AccountAssessment,
    policy: &'a Policy,
    as_of: NaiveDate,
    ladder: &'a [Stage],
    /// The undisputed overdue balance per currency, above the minimum.
    overdue: Amounts,
    /// The chased invoices per currency: undisputed and above the minimum.
    open: BTreeMap<Currency, Vec<InvoiceId>>,
}

/// One agenda item before the account's details and balances are added.
struct Draft<'s> {
    kind: AgendaKind,
    action: StageAction,
    stage: &'s str,
    currency: Currency,
    invoices: Vec<InvoiceId>,
    severity: usize,
    why: String,
}

impl<'a> Listing<'a> {
    /// Gathers the account's chased invoices and overdue balances.
    fn new(
        account: &'a Account,
        assessed: &'a AccountAssessment,
        policy: &'a Policy,
        as_of: NaiveDate,
    ) -> Self {
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
        Listing {
            account,
            assessed,
            policy,
            as_of,
            ladder: policy.ladder(account.profile.as_deref()),
            overdue,
            open,
        }
    }

    /// Completes a draft with the customer, its balance and the oldest debt.
    fn item(&self, draft: Draft<'_>) -> AgendaItem {
        let days_overdue = draft
            .invoices
            .iter()
            .filter_map(|id| self.assessed.invoices.iter().find(|a| a.invoice_id == *id))
            .map(|a| a.days_overdue)
            .max()
            .unwrap_or(0);
        AgendaItem {
            customer_id: self.account.customer_id,
            code: self.account.code.clone(),
            kind: draft.kind,
            action: draft.action,
            stage: draft.stage.to_string(),
            invoices: draft.invoices,
            overdue_balance: self.overdue.get(draft.currency),
            currency: draft.currency,
            days_overdue,
            severity: draft.severity,
            why: draft.why,
        }
    }

    /// The reason of a stage item left unexplained by the evaluation
    /// ([`super::Explain::Agenda`]): the invoice's, as a full evaluation
    /// words it.
    fn stage_why(&self, id: InvoiceId) -> String {
        let found = self.assessed.invoices.iter().find(|a| a.invoice_id == id);
        let invoice = self.account.invoices.iter().find(|i| i.id == id);
        match (found, invoice) {
            (Some(a), Some(invoice)) => match a.status {
                Status::Stage(index) => super::evaluate::stage_why(
                    self.account,
                    invoice,
                    self.ladder,
                    &super::evaluate::OnStage {
                        index,
                        days: a.days_overdue,
                        done: None,
                    },
                ),
                _ => a.why.clone(),
            },
            _ => String::new(),
        }
    }

    /// One item per invoice whose current stage's action is still to do.
    fn stage_items(&self) -> Vec<AgendaItem> {
        let mut items = Vec::new();
        for a in &self.assessed.invoices {
            let (Status::Stage(index), true) = (&a.status, a.action_due) else {
                continue;
            };
            let Some(invoice) = self.account.invoices.iter().find(|i| i.id == a.invoice_id) else {
                continue;
            };
            let stage = &self.ladder[*index];
            items.push(self.item(Draft {
                kind: AgendaKind::Stage,
                action: stage.action,
                stage: &stage.id,
                currency: invoice.currency,
                invoices: vec![invoice.id],
                severity: index + 1,
                why: a.why.clone(),
            }));
        }
        items
    }

    /// A call for each broken promise not followed up since it broke that
    /// still covers a chased invoice.
    fn broken_promises(&self) -> Vec<AgendaItem> {
        let account = self.account;
        let mut items = Vec::new();
        for promise in &account.promises {
            let Some((_, PromiseState::Broken { on, received })) = self
                .assessed
                .promises
                .iter()
                .find(|(id, _)| *id == promise.id)
            else {
                continue;
            };
            let Some(still_open) = self.open.get(&promise.currency) else {
                continue;
            };
            let mut invoices = covered(
                &promise.invoices,
                promise.currency,
                promise.made_on,
                &account.invoices,
            );
            invoices.retain(|id| still_open.contains(id));
            // Everything the promise covered may be paid, disputed or below
            // the minimum: nothing left to follow up. Only a contact about
            // its invoices follows it up.
            if invoices.is_empty() || contacted_about_since(account, &invoices, *on) {
                continue;
            }
            let why = format!(
                "promise of {} to pay {} by {} broken on {on} (received {}): follow up now",
                promise.made_on,
                money(promise.amount, promise.currency, self.policy.locale),
                promise.promised_on,
                money(*received, promise.currency, self.policy.locale)
            );
            items.push(self.item(Draft {
                kind: AgendaKind::BrokenPromise,
                action: StageAction::Call,
                stage: "broken_promise",
                currency: promise.currency,
                invoices,
                severity: self.ladder.len() + 2,
                why,
            }));
        }
        items
    }

    /// A reminder for each broken plan not followed up since it broke that
    /// still covers a chased invoice.
    fn missed_instalments(&self) -> Vec<AgendaItem> {
        let mut items = Vec::new();
        for plan in &self.account.plans {
            let Some((_, PlanState::Broken { on, missed })) =
                self.assessed.plans.iter().find(|(id, _)| *id == plan.id)
            else {
                continue;
            };
            let Some(still_open) = self.open.get(&plan.currency) else {
                continue;
            };
            // The reminder is about the plan's invoices, not the whole account.
            let still_open: Vec<InvoiceId> = still_open
                .iter()
                .copied()
                .filter(|id| plan.invoices.is_empty() || plan.invoices.contains(id))
                .collect();
            if still_open.is_empty() || contacted_about_since(self.account, &still_open, *on) {
                continue;
            }
            let why = format!(
                "payment plan of {}: instalment of {} due {} missed: remind now",
                plan.created_on,
                money(missed.1, plan.currency, self.policy.locale),
                missed.0
            );
            items.push(self.item(Draft {
                kind: AgendaKind::MissedInstalment,
                action: StageAction::Email,
                stage: "missed_instalment",
                currency: plan.currency,
                invoices: still_open,
                severity: self.ladder.len() + 1,
                why,
            }));
        }
        items
    }

    /// A call for each dispute untouched for the policy's follow-up days.
    fn disputes(&self) -> Vec<AgendaItem> {
        let mut items = Vec::new();
        for invoice in &self.account.invoices {
            let Some(dispute) = &invoice.dispute else {
                continue;
            };
            let last_touch = self
                .account
                .activities
                .iter()
                .filter(|a| {
                    a.kind.is_contact()
                        && a.covers(invoice.id)
                        && a.occurred_on >= dispute.opened_on
                })
                .map(|a| a.occurred_on)
                .max()
                .unwrap_or(dispute.opened_on)
                .max(dispute.opened_on);
            let due = last_touch
                .checked_add_days(Days::new(u64::from(self.policy.dispute_follow_up_days)))
                .unwrap_or(NaiveDate::MAX);
            if self.as_of < due {
                continue;
            }
            let why = format!(
                "{} disputed since {} ({}), untouched since {last_touch}: follow up the dispute",
                invoice.number, dispute.opened_on, dispute.reason
            );
            items.push(self.item(Draft {
                kind: AgendaKind::Dispute,
                action: StageAction::Call,
                stage: "disputed",
                currency: invoice.currency,
                invoices: vec![invoice.id],
                severity: 0,
                why,
            }));
        }
        items
    }

    /// The follow-up set in the log, once its date has come: one item per
    /// currency with chased invoices.
    fn follow_ups(&self) -> Vec<AgendaItem> {
        let Some(follow_up) = self
            .account
            .follow_up
            .as_ref()
            .filter(|f| f.next_on <= self.as_of && f.set_on <= self.as_of)
        else {
            return Vec::new();
        };
        let action = if follow_up.kind == ActivityKind::Email {
            StageAction::Email
        } else {
            StageAction::Call
        };
        self.open
            .iter()
            .map(|(currency, invoices)| {
                let why = format!(
                    "follow-up set for {} when logging the {} of {}",
                    follow_up.next_on,
                    follow_up.kind.as_str(),
                    follow_up.set_on
                );
                self.item(Draft {
                    kind: AgendaKind::FollowUp,
                    action,
                    stage: "follow_up",
                    currency: *currency,
                    invoices: invoices.clone(),
                    severity: 0,
                    why,
                })
            })
            .collect()
    }
}

/// One item per customer, action and currency: the most severe reason
/// leads, and the item lists every invoice any reason covered. A cash-only
/// notice covers what a stop-supply notice would say, so when both are due
/// they go out as one. A missed instalment stays apart: its reminder is
/// about the plan, and must not list invoices the plan does not cover.
fn merge(items: Vec<AgendaItem>) -> Vec<(AgendaItem, Option<InvoiceId>)> {
    let due: Vec<(StageAction, Currency)> = items.iter().map(|i| (i.action, i.currency)).collect();
    // Each with the invoice whose stage reason it still has to be given.
    let mut merged: BTreeMap<(StageAction, Currency, bool), (AgendaItem, Option<InvoiceId>)> =
        BTreeMap::new();
    for item in items {
        // The notice another due item sends that also does this one's work.
        let action = due
            .iter()
            .find(|(a, c)| *c == item.currency && *a != item.action && a.serves(item.action))
            .map_or(item.action, |(a, _)| *a);
        let key = (
            action,
            item.currency,
            item.kind == AgendaKind::MissedInstalment,
        );
        let source = (item.kind == AgendaKind::Stage && item.why.is_empty())
            .then(|| item.invoices.first().copied())
            .flatten();
        match merged.get_mut(&key) {
            None => {
                merged.insert(key, (item, source));
            }
            Some((existing, reason)) => {
                let mut invoices = std::mem::take(&mut existing.invoices);
                let extra = item.invoices.clone();
                let more_urgent =
                    (item.severity, item.days_overdue) > (existing.severity, existing.days_overdue);
                if more_urgent {
                    *existing = item;
                    *reason = source;
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
    merged.into_values().collect()
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
