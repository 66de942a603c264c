//! What the ladder advises beyond an invoice's stage: who to call first.
//! Pure functions of the engine's answers and the policy; the CLI and the
//! dashboard only fetch their inputs and render the answers.

use super::evaluate::{AccountAssessment, Status};
use super::ladder::Policy;
use super::snapshot::Account;
use crate::ledger::ContactRole;

/// The customer's contacts in the order to try them, first choice first.
///
/// Once any chased invoice stands at a stage whose action is escalated
/// (the sales rep, a measure, a letter, an agency), or a measure is in
/// force on the account, the call goes to the senior contact: the billing
/// clerk has had the routine reminders already. Before that, accounts
/// payable. The stage's action decides, never its place on the ladder, so
/// a custom ladder gets the same answer for the same kind of step.
pub fn call_order(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &Policy,
) -> [ContactRole; 2] {
    let ladder = policy.ladder(account.profile.as_deref());
    let escalated = assessed.invoices.iter().any(|a| match a.status {
        Status::Stage(i) => ladder.get(i).is_some_and(|s| s.action.is_escalated()),
        _ => false,
    });
    if escalated || !assessed.measures.is_empty() {
        [ContactRole::Senior, ContactRole::Billing]
    } else {
        [ContactRole::Billing, ContactRole::Senior]
    }
}
