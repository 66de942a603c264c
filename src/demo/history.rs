//! The follow-up history of the demo's open invoices.

use chrono::Days;

use super::{DemoOptions, Rng};
use crate::config::StageAction;
use dun_core::dunning::{Activity, ActivityKind, Stage};
use dun_core::ledger::{DocumentKind, Invoice};

const CALL_OUTCOMES: &[&str] = &[
    "no answer, left a message",
    "says the payment is scheduled",
    "asked for a copy of the invoice",
    "will check with accounts payable",
    "promised to call back",
];

/// What the bookkeeper has already done for the open invoices: earlier
/// rungs of the ladder mostly on time, the current rung about half the time.
pub(super) fn follow_ups(
    options: &DemoOptions,
    documents: &[Invoice],
    ladder: &[Stage],
    rng: &mut Rng,
) -> Vec<(Activity, Option<&'static str>)> {
    let mut log = Vec::new();
    for doc in documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Invoice && !d.open.is_zero())
    {
        let days = (options.as_of - doc.due_date).num_days();
        let reached: Vec<&Stage> = ladder
            .iter()
            .filter(|s| days >= i64::from(s.days))
            .collect();
        for (i, stage) in reached.iter().enumerate() {
            let Some(trigger) = doc
                .due_date
                .checked_add_signed(chrono::TimeDelta::days(i64::from(stage.days)))
            else {
                continue;
            };
            let current = i + 1 == reached.len();
            if trigger >= options.as_of || !rng.chance(if current { 55 } else { 90 }) {
                continue;
            }
            let occurred_on =
                (trigger + Days::new(rng.range(0, 2) as u64)).min(options.as_of - Days::new(1));
            let kind = match stage.action {
                StageAction::Email => ActivityKind::Email,
                StageAction::Call => ActivityKind::Call,
                StageAction::NotifySalesRep => ActivityKind::SalesRep,
                StageAction::StopSupply | StageAction::CashOnly | StageAction::Letter => {
                    ActivityKind::Letter
                }
                StageAction::Agency => ActivityKind::Agency,
            };
            let outcome = (kind == ActivityKind::Call).then(|| *rng.pick(CALL_OUTCOMES));
            log.push((
                Activity {
                    occurred_on,
                    kind,
                    stage: Some(std::sync::Arc::from(stage.id.as_str())),
                    invoices: vec![doc.id],
                    next_on: None,
                },
                outcome,
            ));
        }
    }
    log.sort_by_key(|(a, _)| a.occurred_on);
    log
}
