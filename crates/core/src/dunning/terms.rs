//! Late-payment interest and fees, as of a date.

use rust_decimal::{Decimal, RoundingStrategy};

use serde::Deserialize;

use crate::money::Currency;

/// How late-payment interest is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InterestKind {
    /// No interest.
    #[default]
    None,
    /// Simple daily interest at `interest_rate` percent a year.
    Simple,
    /// The EU statutory rate: `reference_rate` plus 8 points (Directive 2011/7/EU).
    Statutory,
}

/// Late-payment interest and fees written in the terms, as configured:
/// `[terms]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TermsSpec {
    /// How interest is computed.
    pub interest: InterestKind,
    /// Yearly rate in percent, for `simple` interest.
    pub interest_rate: Decimal,
    /// Central-bank reference rate in percent, for `statutory` interest.
    pub reference_rate: Decimal,
    /// Fixed compensation per late invoice (e.g. 40 under the EU directive).
    pub compensation: Decimal,
    /// Penalty added for each full week an invoice is overdue.
    pub weekly_penalty: Decimal,
}

/// The terms that make a late invoice cost more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LateTerms {
    /// Yearly interest rate in percent, if interest is charged.
    pub yearly_rate: Option<Decimal>,
    /// Fixed compensation per late invoice.
    pub compensation: Decimal,
    /// Penalty per full week overdue.
    pub weekly_penalty: Decimal,
}

/// What a late invoice has accrued on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Charges {
    /// Simple interest on the open balance.
    pub interest: Decimal,
    /// The fixed compensation.
    pub compensation: Decimal,
    /// Weekly penalties.
    pub penalty: Decimal,
}

impl Charges {
    /// Interest, compensation and penalties together.
    pub fn total(&self) -> Decimal {
        self.interest + self.compensation + self.penalty
    }
}

impl LateTerms {
    /// The terms as configured.
    pub fn from_spec(config: &TermsSpec) -> Self {
        let yearly_rate = match config.interest {
            InterestKind::None => None,
            InterestKind::Simple => Some(config.interest_rate),
            InterestKind::Statutory => Some(config.reference_rate + Decimal::from(8)),
        };
        LateTerms {
            yearly_rate: yearly_rate.filter(|r| !r.is_zero()),
            compensation: config.compensation,
            weekly_penalty: config.weekly_penalty,
        }
    }

    /// True when nothing is ever charged.
    pub fn is_free(&self) -> bool {
        self.yearly_rate.is_none() && self.compensation.is_zero() && self.weekly_penalty.is_zero()
    }

    /// One line saying what the terms charge, for letters and status.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(rate) = self.yearly_rate {
            parts.push(format!(
                "interest at {}% a year on the overdue balance",
                rate.normalize()
            ));
        }
        if !self.compensation.is_zero() {
            parts.push(format!(
                "a fixed compensation of {} per late invoice",
                self.compensation.normalize()
            ));
        }
        if !self.weekly_penalty.is_zero() {
            parts.push(format!(
                "a penalty of {} for each week overdue",
                self.weekly_penalty.normalize()
            ));
        }
        if parts.is_empty() {
            "no late-payment charges".into()
        } else {
            parts.join(", ")
        }
    }

    /// What `open` has accrued `days_overdue` days after its due date:
    /// simple daily interest over a 365-day year, the compensation once the
    /// invoice is late, and the penalty per full week. Each figure is
    /// rounded to the currency's minor unit, half away from zero.
    pub fn charges(&self, open: Decimal, days_overdue: i64, currency: Currency) -> Charges {
        if days_overdue <= 0 || open <= Decimal::ZERO {
            return Charges::default();
        }
        let round = |d: Decimal| {
            d.round_dp_with_strategy(
                currency.minor_digits(),
                RoundingStrategy::MidpointAwayFromZero,
            )
        };
        let days = Decimal::from(days_overdue);
        let interest = self
            .yearly_rate
            .map(|rate| round(open * rate / Decimal::ONE_HUNDRED * days / Decimal::from(365)))
            .unwrap_or_default();
        Charges {
            interest,
            compensation: round(self.compensation),
            penalty: round(self.weekly_penalty * Decimal::from(days_overdue / 7)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("literal")
    }

    #[test]
    fn statutory_interest_compensation_and_weekly_penalty() {
        let terms = LateTerms::from_spec(&TermsSpec {
            interest: InterestKind::Statutory,
            reference_rate: dec("2.15"),
            compensation: dec("40"),
            weekly_penalty: dec("5"),
            ..TermsSpec::default()
        });
        assert_eq!(terms.yearly_rate, Some(dec("10.15")));
        // 10,000 at 10.15% for 30 days: 10000 * 0.1015 * 30 / 365 = 83.42465…
        let c = terms.charges(dec("10000"), 30, Currency::EUR);
        assert_eq!(c.interest, dec("83.42"));
        assert_eq!(c.compensation, dec("40"));
        assert_eq!(c.penalty, dec("20"), "four full weeks");
        assert_eq!(c.total(), dec("143.42"));
        assert_eq!(
            terms.charges(dec("10000"), 0, Currency::EUR),
            Charges::default()
        );
        assert_eq!(
            terms.charges(dec("10000"), 6, Currency::EUR).penalty,
            Decimal::ZERO
        );
    }

    #[test]
    fn no_terms_charge_nothing() {
        let terms = LateTerms::from_spec(&TermsSpec::default());
        assert!(terms.is_free());
        assert_eq!(
            terms.charges(dec("500"), 90, Currency::EUR).total(),
            Decimal::ZERO
        );
        assert_eq!(terms.describe(), "no late-payment charges");
    }
}
