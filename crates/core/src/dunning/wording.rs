//! How the engine words amounts, durations and commitments in the lines it
//! explains itself with: amounts in the bookkeeper's locale with their
//! currency, "1 day" but "2 days", every promise with what it promised.

use rust_decimal::Decimal;

use super::StageAction;
use super::commitments::{PlanState, PromiseState};
use super::evaluate::AccountAssessment;
use super::snapshot::{Account, OpenInvoice};
use crate::money::{Currency, Locale, Money};

/// "1 day", "3 days", "0 days".
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// An amount with its currency, in the locale: "1,234.50 EUR", "1.234,50 EUR".
pub fn money(amount: Decimal, currency: Currency, locale: Locale) -> String {
    Money::new(amount, currency).display(locale)
}

impl PromiseState {
    /// The state in words, amounts in `currency` and `locale`.
    pub fn describe(&self, currency: Currency, locale: Locale) -> String {
        match self {
            PromiseState::NotYet => "not in force yet".to_string(),
            PromiseState::Pending { until } => format!("pending until {until}"),
            PromiseState::Kept { on } => format!("kept on {on}"),
            PromiseState::Superseded { on } => format!("replaced by a later promise on {on}"),
            PromiseState::Broken { on, received } => format!(
                "broken on {on} (received {})",
                money(*received, currency, locale)
            ),
        }
    }
}

impl PlanState {
    /// The state in words, amounts in `currency` and `locale`.
    pub fn describe(&self, currency: Currency, locale: Locale) -> String {
        match self {
            PlanState::NotYet => "not in force yet".to_string(),
            PlanState::OnTrack {
                next: Some((on, amount)),
            } => format!(
                "on track; next instalment {} on {on}",
                money(*amount, currency, locale)
            ),
            PlanState::OnTrack { next: None } => "on track".to_string(),
            PlanState::Completed => "completed".to_string(),
            PlanState::Broken { on, missed } => format!(
                "broken on {on}: instalment of {} due {} missed",
                money(missed.1, currency, locale),
                missed.0
            ),
        }
    }
}

/// One line per promise, then per plan, each saying what was agreed and
/// where it stands: "promise #2 of 1,000.00 EUR by 2026-11-20: pending
/// until 2026-11-23", "plan #1 of 3 instalments, 900.00 EUR: on track; …".
pub fn commitment_lines(
    account: &Account,
    assessed: &AccountAssessment,
    locale: Locale,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (id, state) in &assessed.promises {
        let Some(p) = account.promises.iter().find(|p| p.id == *id) else {
            continue;
        };
        lines.push(format!(
            "promise #{id} of {} by {}: {}",
            money(p.amount, p.currency, locale),
            p.promised_on,
            state.describe(p.currency, locale)
        ));
    }
    for (id, state) in &assessed.plans {
        let Some(p) = account.plans.iter().find(|p| p.id == *id) else {
            continue;
        };
        let total: Decimal = p.instalments.iter().map(|(_, a)| *a).sum();
        let count = p.instalments.len();
        lines.push(format!(
            "plan #{id} of {count} instalment{}, {}: {}",
            if count == 1 { "" } else { "s" },
            money(total, p.currency, locale),
            state.describe(p.currency, locale)
        ));
    }
    lines
}

/// "due 2026-10-10, 43 days overdue" or "due 2026-11-24, in 2 days".
pub(super) fn due_phrase(invoice: &OpenInvoice, overdue: i64) -> String {
    match overdue {
        0 => format!("{} due today {}", invoice.number, invoice.due_date),
        d if d > 0 => format!(
            "{} due {}, {} overdue",
            invoice.number,
            invoice.due_date,
            days(d)
        ),
        d => format!(
            "{} due {}, in {}",
            invoice.number,
            invoice.due_date,
            days(-d)
        ),
    }
}

pub(super) fn action_phrase(action: StageAction) -> &'static str {
    match action {
        StageAction::Email => "send the email",
        StageAction::Call => "call the customer",
        StageAction::NotifySalesRep => "tell the sales rep",
        StageAction::StopSupply => "notify the customer that supply stops",
        StageAction::CashOnly => "notify the customer: cash only from now on",
        StageAction::Letter => "send the letter",
        StageAction::Agency => "hand the file to the agency",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_day_is_singular() {
        assert_eq!(days(1), "1 day");
        assert_eq!(days(-1), "-1 day");
        assert_eq!(days(0), "0 days");
        assert_eq!(days(12), "12 days");
    }

    #[test]
    fn amounts_follow_the_locale() {
        let amount = Decimal::new(5_401_772, 2);
        assert_eq!(money(amount, Currency::EUR, Locale::En), "54,017.72 EUR");
        assert_eq!(money(amount, Currency::EUR, Locale::It), "54.017,72 EUR");
    }
}
