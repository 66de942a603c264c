//! The dunning engine: where every open invoice stands on the ladder, the
//! measures on every account, and the day's worklist, each with a one-line
//! explanation.
//!
//! Pure: [`evaluate`] is a function of account snapshots, a [`Policy`] and
//! an as-of date. No IO happens here.

mod advice;
mod agenda;
mod commitments;
mod evaluate;
mod ladder;
mod measures;
mod snapshot;
pub mod terms;
#[cfg(test)]
mod tests;
mod wording;

pub use advice::{
    NextStep, SlowPayerAdvice, account_next_step, call_order, next_step, slow_payer_advice,
};
pub use agenda::{AgendaItem, AgendaKind, prioritise, priority_order};
pub use commitments::{
    PlanState, PromiseState, average_days_late, covered, plan_state, promise_state,
};
pub use evaluate::{
    AccountAssessment, Assessment, Explain, InvoiceAssessment, Status, assess_account, evaluate,
    evaluate_account, evaluate_with, trace,
};
pub use ladder::{
    DEFAULT_PROBATION_LIMIT_PERCENT, DunningSpec, Policy, SLOW_PAYER_PROFILE, Stage, StageAction,
    StageSpec,
};
pub use measures::{ActiveMeasure, MeasureChange};
pub use snapshot::{
    Account, Activity, ActivityKind, Dispute, FollowUp, Hold, Measure, MeasureEvent, OpenInvoice,
    Plan, Promise, Receipt, WriteOff,
};
pub use wording::{commitment_lines, days, money};
