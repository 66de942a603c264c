//! The ladder's vocabulary and its defaults: stages, what each one asks the
//! bookkeeper to do, the policy built from them. The configuration
//! deserialises straight into these types; this file is where the default
//! ladder of the playbook lives.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::snapshot::ActivityKind;
use super::terms::{LateTerms, TermsSpec};
use crate::money::Locale;

/// The profile for known late payers: the default configuration defines it,
/// and the slow-payer advice suggests it.
pub const SLOW_PAYER_PROFILE: &str = "slow_payer";

/// What the bookkeeper does at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageAction {
    /// Send an email.
    Email,
    /// Phone the customer.
    Call,
    /// Tell the customer's sales rep.
    NotifySalesRep,
    /// Stop deliveries to the customer.
    StopSupply,
    /// No more credit: payment at order.
    CashOnly,
    /// Send a formal letter.
    Letter,
    /// Hand the file to a collection agency.
    Agency,
}

impl StageAction {
    /// The snake_case name used in the config and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            StageAction::Email => "email",
            StageAction::Call => "call",
            StageAction::NotifySalesRep => "notify_sales_rep",
            StageAction::StopSupply => "stop_supply",
            StageAction::CashOnly => "cash_only",
            StageAction::Letter => "letter",
            StageAction::Agency => "agency",
        }
    }

    /// True once the account has gone past routine reminders: the sales rep,
    /// a measure, a formal letter or an agency is involved, so the call goes
    /// to the customer's senior contact rather than the billing clerk.
    pub fn is_escalated(self) -> bool {
        !matches!(self, StageAction::Email | StageAction::Call)
    }

    /// True when a logged activity of this kind performs the action: the
    /// one rule for the engine, the log and the dashboard. A letter serves
    /// wherever an email would and a visit wherever a call would; a
    /// measure's notice must be in writing, so a call or a visit does not
    /// serve it.
    pub fn performed_by(self, kind: ActivityKind) -> bool {
        use ActivityKind as K;
        match self {
            StageAction::Email => matches!(kind, K::Email | K::Letter),
            StageAction::Call => matches!(kind, K::Call | K::Visit),
            StageAction::NotifySalesRep => kind == K::SalesRep,
            StageAction::StopSupply | StageAction::CashOnly => matches!(kind, K::Email | K::Letter),
            StageAction::Letter => kind == K::Letter,
            StageAction::Agency => kind == K::Agency,
        }
    }

    /// True when one notice for this action also does what `other` asks:
    /// the same action, or a cash-only notice, which says all a stop-supply
    /// notice says. The agenda merges such items into one, and one contact
    /// logged for the item performs every stage it asked for.
    pub fn serves(self, other: StageAction) -> bool {
        self == other || (self == StageAction::CashOnly && other == StageAction::StopSupply)
    }

    /// The kind of activity a bookkeeper logs to perform the action: what
    /// the dashboard pre-selects. A measure's notice goes out as a letter,
    /// the formal form of a written notice. Always a kind that
    /// [`performed_by`](Self::performed_by) accepts.
    pub fn natural_kind(self) -> ActivityKind {
        match self {
            StageAction::Email => ActivityKind::Email,
            StageAction::Call => ActivityKind::Call,
            StageAction::NotifySalesRep => ActivityKind::SalesRep,
            StageAction::StopSupply | StageAction::CashOnly | StageAction::Letter => {
                ActivityKind::Letter
            }
            StageAction::Agency => ActivityKind::Agency,
        }
    }
}

/// One rung of the dunning ladder, as written in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// Stable id, e.g. `overdue_email`.
    pub id: String,
    /// Trigger in days relative to the due date (negative = before it).
    pub days: i32,
    /// What to do.
    pub action: StageAction,
    /// Template for messages at this stage.
    #[serde(default)]
    pub template: Option<String>,
}

/// The dunning policy as configured: `[dunning]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DunningSpec {
    /// Balances below this are not chased.
    pub min_balance: Decimal,
    /// Days after a promise's date before it counts as broken.
    pub promise_grace_days: u32,
    /// The ladder, in order.
    pub stage: Vec<StageSpec>,
    /// Named profiles overriding stage days: `profile -> stage id -> days`.
    pub profiles: BTreeMap<String, BTreeMap<String, i32>>,
    /// Days after which an unresolved dispute comes back to the agenda.
    pub dispute_follow_up_days: u32,
    /// Average days late above which the slow-payer profile is suggested.
    pub slow_payer_after_days: u32,
    /// How many of the last paid invoices that average looks at.
    pub slow_payer_sample: u32,
    /// Once the last stage's action is done and the invoice is still
    /// overdue, a reminder recurs this many days after the last contact.
    pub persistence_days: u32,
    /// What that recurring reminder does.
    pub persistence_action: StageAction,
}

impl Default for DunningSpec {
    /// The ladder of the playbook: a reminder three days before the due
    /// date, an email at 5 days, a call at 7, the sales rep at 15, stop
    /// supply at 30 and cash only at 60; `slow_payer` moves the first three
    /// earlier. Past the last stage, an email every week while the balance
    /// stays overdue.
    fn default() -> Self {
        let stage = |id: &str, days, action, template: Option<&str>| StageSpec {
            id: id.into(),
            days,
            action,
            template: template.map(Into::into),
        };
        DunningSpec {
            min_balance: Decimal::new(1, 2),
            promise_grace_days: 0,
            stage: vec![
                stage("pre_due_reminder", -3, StageAction::Email, Some("pre_due")),
                stage("overdue_email", 5, StageAction::Email, Some("overdue")),
                stage("call", 7, StageAction::Call, None),
                stage(
                    "escalate_sales_rep",
                    15,
                    StageAction::NotifySalesRep,
                    Some("sales_rep"),
                ),
                stage(
                    "stop_supply",
                    30,
                    StageAction::StopSupply,
                    Some("stop_supply"),
                ),
                stage("cash_only", 60, StageAction::CashOnly, Some("cash_only")),
            ],
            dispute_follow_up_days: 7,
            slow_payer_after_days: 15,
            slow_payer_sample: 10,
            persistence_days: 7,
            persistence_action: StageAction::Email,
            profiles: BTreeMap::from([(
                SLOW_PAYER_PROFILE.to_string(),
                BTreeMap::from([
                    ("pre_due_reminder".to_string(), -7),
                    ("overdue_email".to_string(), 1),
                    ("call".to_string(), 3),
                ]),
            )]),
        }
    }
}

/// One rung of the ladder, with the days that apply to a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Stable id, e.g. `call`.
    pub id: String,
    /// Trigger in days relative to the due date.
    pub days: i32,
    /// What the bookkeeper does.
    pub action: StageAction,
}

/// The share of its credit limit a customer on probation may owe, unless
/// configured: half.
pub const DEFAULT_PROBATION_LIMIT_PERCENT: u32 = 50;

/// The ladder, its profiles and the rules around them, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Policy {
    stages: Vec<Stage>,
    profiles: BTreeMap<String, Vec<Stage>>,
    /// Balances below this are not chased.
    pub min_balance: Decimal,
    /// Days after a promised date before the promise counts as broken (also
    /// applied to plan instalments).
    pub grace_days: u32,
    /// Days after which an unresolved dispute comes back to the agenda.
    pub dispute_follow_up_days: u32,
    /// Months a new customer is on probation.
    pub probation_months: u32,
    /// The share of its credit limit, in percent, a customer on probation
    /// may owe.
    pub probation_limit_percent: u32,
    /// Average days late above which the slow-payer profile is suggested.
    pub slow_payer_after_days: u32,
    /// How many of the last paid invoices that average looks at.
    pub slow_payer_sample: u32,
    /// Days between reminders once the ladder is exhausted.
    pub persistence_days: u32,
    /// What those reminders do.
    pub persistence_action: StageAction,
    /// Interest and fees on late invoices.
    pub terms: LateTerms,
    /// The locale amounts in the policy's explanations are written in.
    pub locale: Locale,
}

impl Policy {
    /// Builds the policy from a validated `[dunning]` section, the months
    /// of probation and the late-payment terms.
    pub fn new(dunning: &DunningSpec, probation_months: u32, terms: &TermsSpec) -> Self {
        let stages: Vec<Stage> = dunning
            .stage
            .iter()
            .map(|s| Stage {
                id: s.id.clone(),
                days: s.days,
                action: s.action,
            })
            .collect();
        let profiles = dunning
            .profiles
            .iter()
            .map(|(name, overrides)| {
                let mut ladder = stages.clone();
                for stage in &mut ladder {
                    if let Some(days) = overrides.get(&stage.id) {
                        stage.days = *days;
                    }
                }
                ladder.sort_by_key(|s| s.days);
                (name.clone(), ladder)
            })
            .collect();
        Policy {
            stages,
            profiles,
            min_balance: dunning.min_balance,
            grace_days: dunning.promise_grace_days,
            dispute_follow_up_days: dunning.dispute_follow_up_days,
            probation_months,
            probation_limit_percent: DEFAULT_PROBATION_LIMIT_PERCENT,
            slow_payer_after_days: dunning.slow_payer_after_days,
            slow_payer_sample: dunning.slow_payer_sample,
            persistence_days: dunning.persistence_days,
            persistence_action: dunning.persistence_action,
            terms: LateTerms::from_spec(terms),
            locale: Locale::default(),
        }
    }

    /// The default policy of the playbook: the default ladder, three months
    /// of probation, no late-payment charges.
    pub fn standard() -> Self {
        Policy::new(&DunningSpec::default(), 3, &TermsSpec::default())
    }

    /// The ladder for a customer's profile (the default ladder when the
    /// profile is absent or unknown).
    pub fn ladder(&self, profile: Option<&str>) -> &[Stage] {
        profile
            .and_then(|p| self.profiles.get(p))
            .unwrap_or(&self.stages)
    }

    /// True when the profile name is defined.
    pub fn has_profile(&self, profile: &str) -> bool {
        self.profiles.contains_key(profile)
    }

    /// A stage of the default ladder by id. Profiles change a stage's days,
    /// never its action, so the default ladder answers what a stage does.
    pub fn stage_by_id(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Index in the ladder of the latest stage reached `days_overdue` days
    /// after the due date, if any.
    pub fn reached(&self, profile: Option<&str>, days_overdue: i64) -> Option<usize> {
        self.ladder(profile)
            .iter()
            .rposition(|s| days_overdue >= i64::from(s.days))
    }

    /// The latest stage whose trigger has been reached, or `None` while the
    /// invoice is current or its balance is below the minimum.
    pub fn stage_for(
        &self,
        profile: Option<&str>,
        days_overdue: i64,
        open: Decimal,
    ) -> Option<&Stage> {
        if open < self.min_balance || open <= Decimal::ZERO {
            return None;
        }
        self.reached(profile, days_overdue)
            .map(|i| &self.ladder(profile)[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIONS: [StageAction; 7] = [
        StageAction::Email,
        StageAction::Call,
        StageAction::NotifySalesRep,
        StageAction::StopSupply,
        StageAction::CashOnly,
        StageAction::Letter,
        StageAction::Agency,
    ];

    /// The kinds that perform an action, in menu order.
    fn performers(action: StageAction) -> Vec<&'static str> {
        ActivityKind::LOGGABLE
            .into_iter()
            .chain([ActivityKind::Other])
            .filter(|k| action.performed_by(*k))
            .map(ActivityKind::as_str)
            .collect()
    }

    #[test]
    fn which_kinds_perform_each_action() {
        use StageAction as A;
        assert_eq!(performers(A::Email), ["email", "letter"]);
        assert_eq!(performers(A::Call), ["call", "visit"]);
        assert_eq!(performers(A::NotifySalesRep), ["sales_rep"]);
        assert_eq!(performers(A::StopSupply), ["email", "letter"]);
        assert_eq!(performers(A::CashOnly), ["email", "letter"]);
        assert_eq!(performers(A::Letter), ["letter"]);
        assert_eq!(performers(A::Agency), ["agency"]);
    }

    #[test]
    fn a_cash_only_notice_serves_a_stop_supply_one_and_not_the_reverse() {
        for action in ACTIONS {
            assert!(action.serves(action), "{action:?}");
        }
        assert!(StageAction::CashOnly.serves(StageAction::StopSupply));
        assert!(!StageAction::StopSupply.serves(StageAction::CashOnly));
        assert!(!StageAction::Email.serves(StageAction::StopSupply));
        assert!(!StageAction::Letter.serves(StageAction::Email));
    }

    #[test]
    fn notes_and_other_entries_perform_nothing() {
        for action in ACTIONS {
            assert!(!action.performed_by(ActivityKind::Note), "{action:?}");
            assert!(!action.performed_by(ActivityKind::Other), "{action:?}");
        }
    }

    #[test]
    fn the_natural_kind_performs_its_action_and_is_loggable() {
        for action in ACTIONS {
            let kind = action.natural_kind();
            assert!(action.performed_by(kind), "{action:?} by {kind:?}");
            assert!(ActivityKind::LOGGABLE.contains(&kind), "{kind:?}");
        }
    }

    #[test]
    fn a_measure_notice_is_preselected_as_a_letter() {
        assert_eq!(StageAction::StopSupply.natural_kind(), ActivityKind::Letter);
        assert_eq!(StageAction::CashOnly.natural_kind(), ActivityKind::Letter);
        assert_eq!(StageAction::Email.natural_kind(), ActivityKind::Email);
        assert_eq!(
            StageAction::NotifySalesRep.natural_kind(),
            ActivityKind::SalesRep
        );
    }

    #[test]
    fn only_email_and_call_are_routine() {
        let escalated: Vec<&str> = ACTIONS
            .into_iter()
            .filter(|a| a.is_escalated())
            .map(StageAction::as_str)
            .collect();
        assert_eq!(
            escalated,
            [
                "notify_sales_rep",
                "stop_supply",
                "cash_only",
                "letter",
                "agency"
            ]
        );
    }

    #[test]
    fn the_default_configuration_defines_the_slow_payer_profile() {
        assert!(Policy::standard().has_profile(SLOW_PAYER_PROFILE));
    }
}
