//! The dunning engine: where every open invoice stands on the ladder, the
//! measures on every account, and the day's worklist, each with a one-line
//! explanation.
//!
//! Pure: [`evaluate`] is a function of account snapshots, a [`Policy`] and
//! an as-of date. No IO happens here.

mod agenda;
mod commitments;
mod evaluate;
mod measures;
mod snapshot;
pub mod terms;
#[cfg(test)]
mod tests;

pub use agenda::{AgendaItem, AgendaKind, prioritise, priority_order};
pub use commitments::{PlanState, PromiseState, average_days_late, plan_state, promise_state};
pub use evaluate::{
    AccountAssessment, Assessment, Explain, InvoiceAssessment, Status, evaluate, evaluate_account,
    evaluate_with, performs, trace,
};
pub use measures::{ActiveMeasure, MeasureChange};
pub use snapshot::{
    Account, Activity, ActivityKind, Dispute, FollowUp, Hold, Measure, MeasureEvent, OpenInvoice,
    Plan, Promise, Receipt,
};

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::config::{Config, StageAction};
use terms::LateTerms;

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
    /// Interest and fees on late invoices.
    pub terms: LateTerms,
}

impl Policy {
    /// Builds the policy from validated configuration.
    pub fn from_config(config: &Config) -> Self {
        let dunning = &config.dunning;
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
            probation_months: config.credit.probation_months,
            terms: LateTerms::from_config(&config.terms),
        }
    }

    /// The default policy of DOMAIN.md.
    pub fn standard() -> Self {
        Policy::from_config(&Config::default())
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
