//! Messages dun sends itself: claimed in the ledger before they go, so two
//! runs at the same moment never send the same one, and logged as the
//! follow-ups they were once the server accepted them.

use chrono::NaiveDate;

use super::due::{Answering, still_due};
use super::measures::{Before, in_account};
use super::{Context, OpError, Result};
use crate::store::{ClaimState, NewActivity, NewClaim, Store};
use dun_core::dunning::{ActivityKind, AgendaItem, StageAction};
use dun_core::ledger::{CustomerId, InvoiceId};
use dun_core::money::Currency;

/// The claim on one message: the message that answers an agenda item as
/// of a date. The same item on the same day is the same message, whichever
/// run (a terminal, a cron job, the dashboard) sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMessage {
    key: String,
    customer_id: CustomerId,
    as_of: NaiveDate,
    /// The item it answers, re-checked when it is claimed.
    stage: String,
    action: StageAction,
    currency: Currency,
    invoices: Vec<InvoiceId>,
}

impl ClaimMessage {
    /// The claim on the message answering `item` as of `as_of`.
    pub fn for_item(as_of: NaiveDate, item: &AgendaItem) -> ClaimMessage {
        let mut invoices = item.invoices.clone();
        invoices.sort_unstable();
        let invoices: Vec<String> = invoices.iter().map(ToString::to_string).collect();
        ClaimMessage {
            key: format!(
                "{as_of} customer {} {} {} {} invoices {}",
                item.customer_id,
                item.action.as_str(),
                item.currency,
                item.stage,
                invoices.join(",")
            ),
            customer_id: item.customer_id,
            as_of,
            stage: item.stage.clone(),
            action: item.action,
            currency: item.currency,
            invoices: item.invoices.clone(),
        }
    }
}

/// What claiming a message found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This run holds it now: send it, then say how it went.
    Ours,
    /// Another run holds it and is sending it.
    BeingSent,
    /// It was sent already.
    AlreadySent,
    /// The item it answers is no longer on the agenda: done since it was
    /// listed (sent by another run, or logged by hand), or paid.
    NoLongerDue,
}

/// Claims a message before sending it, in its own transaction: nobody
/// else holds it afterwards. The item it answers must still be on the
/// agenda, read in that transaction. A message whose send failed may be
/// claimed again.
pub fn claim_message(store: &mut Store, ctx: &Context, claim: &ClaimMessage) -> Result<Claim> {
    let answering = Answering {
        customer_id: claim.customer_id,
        stage: &claim.stage,
        invoices: &claim.invoices,
    };
    let found = store.write(|tx| {
        let due = still_due(tx, ctx, &answering, |item| {
            item.action == claim.action && item.currency == claim.currency
        });
        match due {
            Ok(()) => {}
            Err(OpError::Refused(_)) => return Ok(Err(Claim::NoLongerDue)),
            Err(e) => return Err(e),
        }
        Ok(Ok(tx.claim_message(&NewClaim {
            key: &claim.key,
            customer_id: claim.customer_id,
            as_of: claim.as_of,
        })?))
    })?;
    Ok(match found {
        Err(claim) => claim,
        Ok(None) => Claim::Ours,
        Ok(Some(ClaimState::Sent)) => Claim::AlreadySent,
        Ok(Some(ClaimState::Claimed | ClaimState::Failed)) => Claim::BeingSent,
    })
}

/// A message the mail server accepted, to be logged as the follow-up it
/// was. Written by dun itself, so its stages are taken as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The customer written to.
    pub customer_id: CustomerId,
    /// An email, or a note to the sales rep.
    pub kind: ActivityKind,
    /// The invoices it listed, grouped by the ladder stage it performed
    /// for them (`None`: sent for no stage, e.g. a missed instalment).
    pub performed: Vec<(Option<String>, Vec<InvoiceId>)>,
    /// To whom and with which subject.
    pub outcome: String,
}

/// Logs a claimed message as sent, as of the as-of date, one entry per
/// stage it performed, and closes its claim: all in one transaction.
pub fn message_sent(
    store: &mut Store,
    ctx: &Context,
    claim: &ClaimMessage,
    sent: &Sent,
) -> Result<()> {
    if sent.customer_id != claim.customer_id || sent.performed.is_empty() {
        return Err(OpError::Refused(
            "a message is logged for the customer and invoices it was claimed for".into(),
        ));
    }
    let activities: Vec<NewActivity> = sent
        .performed
        .iter()
        .map(|(stage, invoices)| NewActivity {
            customer_id: sent.customer_id,
            occurred_on: ctx.as_of,
            kind: sent.kind,
            stage: stage.clone(),
            outcome: Some(sent.outcome.clone()),
            note: None,
            next_on: None,
            invoices: invoices.clone(),
        })
        .collect();
    in_account(
        store,
        ctx,
        sent.customer_id,
        Before::Skip(ctx.as_of),
        |tx| {
            for activity in &activities {
                tx.log_activity(activity)?;
            }
            Ok(tx.finish_claim(&claim.key, ClaimState::Sent, &sent.outcome)?)
        },
    )
}

/// Releases a claimed message whose send failed, recording why: a later
/// run claims it again and retries.
pub fn message_failed(store: &mut Store, claim: &ClaimMessage, reason: &str) -> Result<()> {
    Ok(store.write(|tx| tx.finish_claim(&claim.key, ClaimState::Failed, reason))?)
}
