//! `dun report forecast [--explain | --backtest]`.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use chrono::Days;

use super::insight::{Ledger, evaluate};
use crate::output::{Cell, Report};
use crate::store::Later;
use dun_core::insight::{Basis, FORECAST_WEEKS, Forecast, backtest_of, forecast as forecast_of};
use dun_core::ledger::CustomerId;

const NOTE: &str = "Expected cash in per week: pending promises on their date, on-track plan instalments on theirs, every other open invoice on its due date plus the customer's average days beyond terms (already past it: week 1). Disputed invoices apart.";

const BACKTEST_NOTE: &str = "Backtest: the forecast made 13 weeks before --as-of against what was paid each week on the invoices open then. Error = sum of |forecast - actual| / sum of actual x 100.";

/// The forecast as of `later`'s day, from the ledger as it stood then, a
/// span of customers at a time; `items` keeps the amounts behind each week
/// (`--explain`), else only the sums are kept.
pub(crate) fn forecast_on(ledger: &Ledger, later: &Later, items: bool) -> Result<Forecast> {
    forecast_with(ledger, later, &ledger.lateness(later)?, items)
}

/// As [`forecast_on`], with each customer's average days beyond terms
/// already known.
fn forecast_with(
    ledger: &Ledger,
    later: &Later,
    lateness: &BTreeMap<CustomerId, i64>,
    items: bool,
) -> Result<Forecast> {
    let as_of = later.on();
    let policy = &ledger.policy;
    let parts = ledger.per_span(|store, span| {
        let (accounts, assessment) = evaluate(store, policy, span, later)?;
        let pairs: Vec<_> = accounts.iter().zip(&assessment).collect();
        let part = forecast_of(&pairs, lateness, as_of);
        Ok(if items { part } else { part.without_items() })
    })?;
    Ok(Forecast::join(as_of, parts, items))
}

/// `dun report forecast`: one row per week and currency, then what is
/// expected later and what is disputed; `explain` lists the invoices.
pub(super) fn forecast(ledger: &Ledger, explain: bool, out: &mut dyn Write) -> Result<()> {
    let later = ledger.store.later(ledger.session.as_of)?;
    let f = forecast_on(ledger, &later, explain)?;
    if explain {
        return explained(ledger, &f, out);
    }
    let mut report = Report::new([
        ("week", "Week"),
        ("start", "From"),
        ("end", "To"),
        ("currency", "Cur"),
        ("expected", "Expected"),
    ]);
    for (n, week) in f.weeks.iter().enumerate() {
        for money in week.expected.iter() {
            report.rows.push(vec![
                Cell::Text((n + 1).to_string()),
                Cell::Date(week.start),
                Cell::Date(week.end),
                Cell::Text(money.currency.to_string()),
                Cell::Amount(money.amount, money.currency),
            ]);
        }
    }
    for (label, amounts) in [("later", &f.later), ("disputed", &f.disputed)] {
        for money in amounts.iter() {
            report.rows.push(vec![
                Cell::Text(label.into()),
                Cell::Empty,
                Cell::Empty,
                Cell::Text(money.currency.to_string()),
                Cell::Amount(money.amount, money.currency),
            ]);
        }
    }
    ledger.write(&report, NOTE, out)
}

fn explained(ledger: &Ledger, f: &Forecast, out: &mut dyn Write) -> Result<()> {
    let mut report = Report::new([
        ("week", "Week"),
        ("date", "Expected on"),
        ("customer", "Customer"),
        ("invoice", "Invoice"),
        ("basis", "Basis"),
        ("currency", "Cur"),
        ("amount", "Amount"),
    ]);
    for item in &f.items {
        let week = f
            .weeks
            .iter()
            .position(|w| w.start <= item.on && item.on <= w.end);
        let week = match (item.basis, week) {
            (Basis::Disputed, _) => "disputed".to_string(),
            (_, Some(n)) => (n + 1).to_string(),
            (_, None) => "later".to_string(),
        };
        let basis = match item.basis {
            Basis::Due(days) => format!("due + {days} days"),
            other => other.as_str().to_string(),
        };
        report.rows.push(vec![
            Cell::Text(week),
            if item.basis == Basis::Disputed {
                Cell::Empty
            } else {
                Cell::Date(item.on)
            },
            Cell::Text(ledger.code(item.customer_id)),
            Cell::Text(item.invoice.clone()),
            Cell::Text(basis),
            Cell::Text(item.currency.to_string()),
            Cell::Amount(item.amount, item.currency),
        ]);
    }
    ledger.write(&report, NOTE, out)
}

/// `dun report forecast --backtest`.
pub(super) fn backtest(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let as_of = ledger.session.as_of;
    let weeks = u64::try_from(7 * FORECAST_WEEKS).unwrap_or(91);
    let then = as_of
        .checked_sub_days(Days::new(weeks))
        .ok_or_else(|| anyhow::anyhow!("--as-of {as_of} is too early for a backtest"))?;
    let later = ledger.store.later(then)?;
    let (f, received) = if ledger.customer.is_some() || !later.is_few() {
        // Every invoice read once, for the lateness then and what came in.
        let (lateness, receipts) = ledger.lateness_and_receipts(&later, as_of)?;
        let f = forecast_with(ledger, &later, &lateness, false)?;
        let received = receipts.received(&f);
        (f, received)
    } else {
        let f = forecast_on(ledger, &later, false)?;
        let received = ledger.received(&f, &later, as_of)?;
        (f, received)
    };
    let result = backtest_of(&f, &received);
    let mut report = Report::new([
        ("week", "Week"),
        ("start", "From"),
        ("end", "To"),
        ("currency", "Cur"),
        ("forecast", "Forecast"),
        ("actual", "Actual"),
        ("error_percent", "Error %"),
    ]);
    for (n, w) in result.weeks.iter().enumerate() {
        report.rows.push(vec![
            Cell::Text((n % FORECAST_WEEKS + 1).to_string()),
            Cell::Date(w.start),
            Cell::Date(w.end),
            Cell::Text(w.currency.to_string()),
            Cell::Amount(w.forecast, w.currency),
            Cell::Amount(w.actual, w.currency),
            Cell::Empty,
        ]);
    }
    for (currency, forecast, actual, error) in &result.totals {
        report.rows.push(vec![
            Cell::Text("total".into()),
            Cell::Date(f.weeks[0].start),
            Cell::Date(f.weeks[FORECAST_WEEKS - 1].end),
            Cell::Text(currency.to_string()),
            Cell::Amount(*forecast, *currency),
            Cell::Amount(*actual, *currency),
            error.map_or(Cell::Empty, |e| Cell::Text(e.to_string())),
        ]);
    }
    ledger.write(&report, BACKTEST_NOTE, out)
}
