//! Late-payment interest and fees, as of a date.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use serde::Deserialize;

use crate::ledger::{Invoice, Settlement};
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
    /// The currency of `compensation` and `weekly_penalty`: only invoices
    /// in it are charged them. The shell defaults it to the ledger's.
    pub fees_currency: Option<Currency>,
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
    /// The currency the fixed amounts are in; invoices in any other
    /// currency are not charged them.
    pub fees_currency: Option<Currency>,
}

/// What an invoice owed, day by day, for accruing charges on: what is open
/// now and what settled the rest, when.
#[derive(Debug, Clone, Copy)]
pub struct Debt<'a> {
    /// Its due date.
    pub due_date: NaiveDate,
    /// What is still owed on the as-of date.
    pub open: Decimal,
    /// Everything that settled part of it up to the as-of date.
    pub settlements: &'a [Settlement],
    /// Its currency.
    pub currency: Currency,
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

impl<'a> Debt<'a> {
    /// What an invoice of the ledger owed, with what settled it.
    pub fn of(invoice: &Invoice, settlements: &'a [Settlement]) -> Self {
        Debt {
            due_date: invoice.due_date,
            open: invoice.open,
            settlements,
            currency: invoice.currency,
        }
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
            fees_currency: config.fees_currency,
        }
    }

    /// True when nothing is ever charged.
    pub fn is_free(&self) -> bool {
        self.yearly_rate.is_none() && self.compensation.is_zero() && self.weekly_penalty.is_zero()
    }

    /// One line saying what the terms charge, for letters and status.
    pub fn describe(&self) -> String {
        let currency = self.fees_currency.map(|c| c.to_string());
        let fixed = |amount: Decimal| match &currency {
            Some(c) => format!("{} {c}", amount.normalize()),
            None => amount.normalize().to_string(),
        };
        let only = currency
            .as_ref()
            .map(|c| format!(" in {c}"))
            .unwrap_or_default();
        let mut parts = Vec::new();
        if let Some(rate) = self.yearly_rate {
            parts.push(format!(
                "interest at {}% a year on the overdue balance",
                rate.normalize()
            ));
        }
        if !self.compensation.is_zero() {
            parts.push(format!(
                "a fixed compensation of {} per late invoice{only}",
                fixed(self.compensation)
            ));
        }
        if !self.weekly_penalty.is_zero() {
            parts.push(format!(
                "a penalty of {} for each week overdue{only}",
                fixed(self.weekly_penalty)
            ));
        }
        if parts.is_empty() {
            "no late-payment charges".into()
        } else {
            parts.join(", ")
        }
    }

    /// What a debt has accrued by `as_of`: simple daily interest over a
    /// 365-day year on what was outstanding each day after the due date (a
    /// settlement stops interest on its part from its date; what accrued
    /// before stays owed), the compensation once anything was owed late,
    /// and the penalty per full week something was owed late. The fixed
    /// amounts are charged only in their own currency. Interest is rounded
    /// once, to the currency's minor unit, half away from zero.
    pub fn charges(&self, debt: &Debt<'_>, as_of: NaiveDate) -> Charges {
        let Some(late) = accrual(debt, as_of) else {
            return Charges::default();
        };
        let round = |d: Decimal| {
            d.round_dp_with_strategy(
                debt.currency.minor_digits(),
                RoundingStrategy::MidpointAwayFromZero,
            )
        };
        let interest = self
            .yearly_rate
            .map(|rate| round(late.balance_days * rate / Decimal::ONE_HUNDRED / Decimal::from(365)))
            .unwrap_or_default();
        if self.fees_currency != Some(debt.currency) {
            return Charges {
                interest,
                ..Charges::default()
            };
        }
        let weeks = (late.owed_until - debt.due_date).num_days() / 7;
        Charges {
            interest,
            compensation: round(self.compensation),
            penalty: round(self.weekly_penalty * Decimal::from(weeks)),
        }
    }
}

/// How late a debt was: the sum over the days after its due date of what
/// was outstanding each day, and the last day anything was.
struct Accrual {
    balance_days: Decimal,
    owed_until: NaiveDate,
}

/// The debt's accrual by `as_of`, or none when nothing was owed late.
fn accrual(debt: &Debt<'_>, as_of: NaiveDate) -> Option<Accrual> {
    let due = debt.due_date;
    if as_of <= due {
        return None;
    }
    let mut steps: Vec<(NaiveDate, Decimal)> = debt
        .settlements
        .iter()
        .filter(|s| s.on <= as_of)
        .map(|s| (s.stops_interest_on(due).max(due), s.amount))
        .collect();
    steps.sort_by_key(|(on, _)| *on);
    // Outstanding on the due date: what is open now plus what settled later.
    let mut balance = debt.open
        + steps
            .iter()
            .filter(|(on, _)| *on > due)
            .map(|(_, amount)| *amount)
            .sum::<Decimal>();
    let (mut day, mut balance_days, mut owed_until) = (due, Decimal::ZERO, None);
    for (on, amount) in steps.into_iter().filter(|(on, _)| *on > due) {
        if balance > Decimal::ZERO {
            balance_days += balance * Decimal::from((on - day).num_days());
            owed_until = Some(on);
        }
        balance -= amount;
        day = on;
    }
    if balance > Decimal::ZERO {
        balance_days += balance * Decimal::from((as_of - day).num_days());
        owed_until = Some(as_of);
    }
    owed_until.map(|owed_until| Accrual {
        balance_days,
        owed_until,
    })
}
