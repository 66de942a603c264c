//! The full trace of one invoice, rung by rung: kept apart from the
//! assessment itself, which it only reads.

use chrono::NaiveDate;

use super::super::Policy;
use super::super::snapshot::Account;
use super::super::wording::commitment_lines;
use super::{done_on, evaluate_account, trigger_date};
use crate::ledger::{InvoiceId, days_overdue};

/// The full trace of one invoice: every rung of the ladder with its trigger
/// date and what the log shows, then what pauses or measures apply.
pub fn trace(
    account: &Account,
    invoice_id: InvoiceId,
    policy: &Policy,
    as_of: NaiveDate,
) -> Vec<String> {
    let Some(invoice) = account.invoices.iter().find(|i| i.id == invoice_id) else {
        return vec!["not open: nothing to chase".into()];
    };
    let assessed = evaluate_account(account, policy, as_of);
    let mut lines = Vec::new();
    if let Some(a) = assessed
        .invoices
        .iter()
        .find(|a| a.invoice_id == invoice_id)
    {
        lines.push(format!("status: {} ({})", a.label, a.why));
        if !a.charges.total().is_zero() {
            lines.push(format!(
                "charges: interest {}, compensation {}, penalty {} ({})",
                a.charges.interest,
                a.charges.compensation,
                a.charges.penalty,
                policy.terms.describe()
            ));
        }
    }
    let profile = account.profile.as_deref();
    lines.push(format!("ladder ({}):", profile.unwrap_or("default")));
    let days = days_overdue(invoice.due_date, as_of);
    for stage in policy.ladder(profile) {
        let trigger = trigger_date(invoice, stage);
        let state = if days < i64::from(stage.days) {
            "not reached".to_string()
        } else {
            match done_on(account, invoice, stage, policy.ladder(profile)) {
                Some(on) => format!("reached, done {on}"),
                None => "reached, not done".to_string(),
            }
        };
        lines.push(format!(
            "  {:<20} {:>+4} days  from {trigger}  {state}",
            stage.id, stage.days
        ));
    }
    lines.extend(commitment_lines(account, &assessed, policy.locale));
    for m in &assessed.measures {
        lines.push(format!(
            "measure {} since {}: {}",
            m.measure.as_str(),
            m.since,
            m.why
        ));
    }
    lines
}
