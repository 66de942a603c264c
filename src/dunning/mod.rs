//! The dunning ladder: which stage an open invoice has reached.
//!
//! Pure: a function of the policy, the invoice and an as-of date.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::config::{DunningConfig, StageAction};

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

/// The ladder and its profiles, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Policy {
    stages: Vec<Stage>,
    profiles: BTreeMap<String, Vec<Stage>>,
    /// Balances below this are not chased.
    pub min_balance: Decimal,
}

impl Policy {
    /// Builds the policy from validated configuration.
    pub fn from_config(config: &DunningConfig) -> Self {
        let stages: Vec<Stage> = config
            .stage
            .iter()
            .map(|s| Stage {
                id: s.id.clone(),
                days: s.days,
                action: s.action,
            })
            .collect();
        let profiles = config
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
            min_balance: config.min_balance,
        }
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
        self.ladder(profile)
            .iter()
            .rev()
            .find(|s| days_overdue >= i64::from(s.days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_reached_stage_wins_and_profiles_shift_days() {
        let policy = Policy::from_config(&DunningConfig::default());
        let at = |profile, days| {
            policy
                .stage_for(profile, days, Decimal::ONE)
                .map(|s| s.id.as_str())
        };
        assert_eq!(at(None, -5), None);
        assert_eq!(at(None, -3), Some("pre_due_reminder"));
        assert_eq!(at(None, 5), Some("overdue_email"));
        assert_eq!(at(None, 7), Some("call"));
        assert_eq!(at(None, 14), Some("call"));
        assert_eq!(at(None, 15), Some("escalate_sales_rep"));
        assert_eq!(at(None, 30), Some("stop_supply"));
        assert_eq!(at(None, 60), Some("cash_only"));
        assert_eq!(at(Some("slow_payer"), 3), Some("call"));
        assert_eq!(at(Some("slow_payer"), -7), Some("pre_due_reminder"));
        assert_eq!(
            policy.stage_for(None, 90, Decimal::new(1, 3)),
            None,
            "below min_balance"
        );
    }
}
