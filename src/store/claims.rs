//! Claims on outgoing messages: taken before a message is sent, finished
//! as sent or failed once the server answered.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::rows::iso;
use super::{Context, Result, StoreError, Tx, now_stamp};
use dun_core::ledger::CustomerId;

/// Where a claimed message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimState {
    /// A run holds it and is sending it.
    Claimed,
    /// The server accepted it.
    Sent,
    /// The send failed; another run may claim it again.
    Failed,
}

impl ClaimState {
    fn as_str(self) -> &'static str {
        match self {
            ClaimState::Claimed => "claimed",
            ClaimState::Sent => "sent",
            ClaimState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<ClaimState> {
        match text {
            "claimed" => Ok(ClaimState::Claimed),
            "sent" => Ok(ClaimState::Sent),
            "failed" => Ok(ClaimState::Failed),
            other => Err(StoreError::Corrupt(format!(
                "message claim in state '{other}'"
            ))),
        }
    }
}

/// A claim to take on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim<'a> {
    /// What identifies the message.
    pub key: &'a str,
    /// The customer it is about.
    pub customer_id: CustomerId,
    /// The as-of date it is sent as of.
    pub as_of: NaiveDate,
}

impl Tx<'_> {
    /// Claims a message nobody holds, or one whose send failed: `None`
    /// when claimed now, else the state of the claim that stands.
    pub(crate) fn claim_message(&self, claim: &NewClaim<'_>) -> Result<Option<ClaimState>> {
        let taken = self
            .sql()
            .execute(
                "INSERT INTO message_claim (message_key, customer_id, as_of, state, claimed_at)
                 VALUES (?1, ?2, ?3, 'claimed', ?4)
                 ON CONFLICT (message_key) DO UPDATE
                 SET state = 'claimed', claimed_at = excluded.claimed_at,
                     finished_at = NULL, outcome = NULL
                 WHERE message_claim.state = 'failed'",
                params![claim.key, claim.customer_id, iso(claim.as_of), now_stamp()],
            )
            .context("cannot claim the message")?;
        if taken == 1 {
            return Ok(None);
        }
        let state: Option<String> = self
            .sql()
            .query_row(
                "SELECT state FROM message_claim WHERE message_key = ?1",
                [claim.key],
                |r| r.get(0),
            )
            .optional()
            .context("cannot read the message's claim")?;
        state.as_deref().map(ClaimState::parse).transpose()
    }

    /// Records how the send of a claimed message ended.
    pub(crate) fn finish_claim(&self, key: &str, state: ClaimState, outcome: &str) -> Result<()> {
        let changed = self
            .sql()
            .execute(
                "UPDATE message_claim SET state = ?2, finished_at = ?3, outcome = ?4
                 WHERE message_key = ?1 AND state = 'claimed'",
                params![key, state.as_str(), now_stamp(), outcome],
            )
            .context("cannot finish the message's claim")?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::Refused(
                "the message is not claimed by this run".into(),
            ))
        }
    }
}
