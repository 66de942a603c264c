//! Collections insight: how fast the ledger turns into cash and what is
//! coming in. Days sales outstanding (`dso`), the collection effectiveness
//! index (`cei`), each customer's payment record (`payers`), what changed
//! between two dates (`changes`) and the cash forecast (`forecast`).
//!
//! Pure: every figure is a function of dated invoice records (what each
//! invoice was and what settled it, when) and one as-of date, so the same
//! records as of the same date always give the same answer.

mod book;
mod cei;
mod changes;
mod dso;
mod forecast;
mod payers;
mod record;
#[cfg(test)]
mod tests;

pub use book::{Book, Books};
pub use cei::{CeiMonth, cei, cei_of};
pub use changes::{
    Between, Change, ChangeKind, Side, changes, changes_with, invoice_changes, untouched_changes,
};
pub use dso::{DsoMonth, dso, dso_of};
pub use forecast::{
    Backtest, BacktestWeek, Basis, Expected, FORECAST_WEEKS, Forecast, Receipts, Received, Week,
    backtest, backtest_of, forecast,
};
pub use payers::{InsightSpec, LatenessBook, PaidBook, PayerClass, PayerProfile, Trend, payers};
pub use record::{InvoiceRecord, Period, months_back};
