//! The cash forecast: what should come in, week by week, for the next 13
//! weeks, and its backtest against what did.
//!
//! Each open invoice is expected once, for what is still owed on it:
//! - the part a pending promise covers, on the promised date;
//! - the part an on-track payment plan still asks for, on each
//!   instalment's date;
//! - the rest on its due date moved by the customer's average days beyond
//!   terms; an invoice already past that date is expected in the first week.
//!
//! Disputed invoices are left out of the weeks and shown apart: nobody
//! knows when, or whether, they will be paid.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::record::InvoiceRecord;
use crate::dunning::{Account, AccountAssessment, OpenInvoice, PlanState, PromiseState};
use crate::ledger::{CustomerId, InvoiceId, SettledBy};
use crate::money::{Amounts, Currency, Money};

/// Weeks the forecast looks ahead.
pub const FORECAST_WEEKS: usize = 13;

/// Why an amount is expected when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A pending promise's date.
    Promise,
    /// A payment plan's instalment.
    Instalment,
    /// The due date moved by the customer's average lateness (days).
    Due(i64),
    /// Already past the day it was expected: expected in the first week.
    Overdue,
    /// Disputed: not expected in any week.
    Disputed,
}

impl Basis {
    /// One word for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Promise => "promise",
            Basis::Instalment => "instalment",
            Basis::Due(_) => "due",
            Basis::Overdue => "overdue",
            Basis::Disputed => "disputed",
        }
    }
}

/// An amount expected from one customer on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The customer.
    pub customer_id: CustomerId,
    /// The invoice.
    pub invoice: String,
    /// The day it is expected.
    pub on: NaiveDate,
    /// How much.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Why that day.
    pub basis: Basis,
}

/// One week of the forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// What is expected, per currency.
    pub expected: Amounts,
    /// What it is made of: positions in [`Forecast::items`].
    pub items: Vec<usize>,
}

/// The forecast as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    /// The date it was made as of; week 1 starts the day after.
    pub as_of: NaiveDate,
    /// Every amount expected, disputed ones included, by date.
    pub items: Vec<Expected>,
    /// The 13 weeks.
    pub weeks: Vec<Week>,
    /// Expected after the 13th week.
    pub later: Amounts,
    /// Disputed, apart.
    pub disputed: Amounts,
}

/// Forecasts the cash coming in from `accounts` (each with its evaluation
/// as of `as_of`); `lateness` holds each customer's average days beyond
/// terms (0 when missing).
pub fn forecast(
    accounts: &[(&Account, &AccountAssessment)],
    lateness: &BTreeMap<CustomerId, i64>,
    as_of: NaiveDate,
) -> Forecast {
    let first = week_one(as_of);
    let mut items = Vec::new();
    for (account, assessed) in accounts {
        let late = lateness.get(&account.customer_id).copied().unwrap_or(0);
        expect_account(account, assessed, late, first, &mut items);
    }
    Forecast::of_items(as_of, items)
}

/// The first day of week 1.
fn week_one(as_of: NaiveDate) -> NaiveDate {
    as_of.checked_add_days(Days::new(1)).unwrap_or(as_of)
}

impl Forecast {
    /// The forecast made of `items`, by date.
    fn of_items(as_of: NaiveDate, mut items: Vec<Expected>) -> Forecast {
        items.sort_by(|a, b| {
            (a.on, a.customer_id, &a.invoice).cmp(&(b.on, b.customer_id, &b.invoice))
        });
        let mut f = Forecast::empty(as_of);
        for (i, item) in items.iter().enumerate() {
            let money = Money::new(item.amount, item.currency);
            if item.basis == Basis::Disputed {
                f.disputed.add(money);
            } else if let Some(week) = f
                .weeks
                .iter_mut()
                .find(|w| w.start <= item.on && item.on <= w.end)
            {
                week.expected.add(money);
                week.items.push(i);
            } else {
                f.later.add(money);
            }
        }
        f.items = items;
        f
    }

    /// Nothing expected, as of `as_of`.
    fn empty(as_of: NaiveDate) -> Forecast {
        let first = week_one(as_of);
        let weeks = (0..FORECAST_WEEKS)
            .map(|i| {
                let start = first + Days::new(7 * i as u64);
                Week {
                    start,
                    end: start + Days::new(6),
                    expected: Amounts::new(),
                    items: Vec::new(),
                }
            })
            .collect();
        Forecast {
            as_of,
            items: Vec::new(),
            weeks,
            later: Amounts::new(),
            disputed: Amounts::new(),
        }
    }

    /// The forecast of a whole ledger from the forecasts of its parts (the
    /// same date, customers apart). With `items`, every amount expected is
    /// kept and the weeks are made again from them; without, only the
    /// sums are (the parts may have dropped their items).
    pub fn join(as_of: NaiveDate, parts: Vec<Forecast>, items: bool) -> Forecast {
        if items {
            let all = parts.into_iter().flat_map(|p| p.items).collect();
            return Forecast::of_items(as_of, all);
        }
        let mut f = Forecast::empty(as_of);
        for part in parts {
            for (week, theirs) in f.weeks.iter_mut().zip(part.weeks) {
                week.expected.extend(theirs.expected.iter());
            }
            f.later.extend(part.later.iter());
            f.disputed.extend(part.disputed.iter());
        }
        f
    }

    /// Drops the amounts behind the sums, keeping the sums.
    pub fn without_items(mut self) -> Forecast {
        self.items = Vec::new();
        for week in &mut self.weeks {
            week.items = Vec::new();
        }
        self
    }
}

/// An amount expected of one invoice: its number, how much, currency,
/// when and why.
type Claim = (String, Decimal, Currency, NaiveDate, Basis);

/// What is still owed on each of the account's open invoices, being used
/// up as promises and plans claim it.
struct Owed<'a> {
    invoices: Vec<(&'a OpenInvoice, Decimal)>,
}

impl Owed<'_> {
    /// Takes up to `amount` from the `covered` invoices, earliest due
    /// first, as expected items on `on`.
    fn claim(
        &mut self,
        covered: &[InvoiceId],
        amount: Decimal,
        on: NaiveDate,
        basis: Basis,
    ) -> Vec<Claim> {
        let mut left = amount;
        let mut out = Vec::new();
        for (invoice, owed) in self.invoices.iter_mut() {
            if left <= Decimal::ZERO {
                break;
            }
            if !covered.contains(&invoice.id) || owed.is_zero() {
                continue;
            }
            let part = left.min(*owed);
            *owed -= part;
            left -= part;
            out.push((invoice.number.clone(), part, invoice.currency, on, basis));
        }
        out
    }
}

fn expect_account(
    account: &Account,
    assessed: &AccountAssessment,
    late: i64,
    first: NaiveDate,
    items: &mut Vec<Expected>,
) {
    let as_of = first.pred_opt().unwrap_or(first);
    let mut owed = Owed {
        invoices: account
            .invoices
            .iter()
            .filter(|i| i.issue_date <= as_of && i.open > Decimal::ZERO)
            .map(|i| (i, i.open))
            .collect(),
    };
    owed.invoices.sort_by_key(|(i, _)| (i.due_date, i.id));
    let mut claimed = Vec::new();
    for (invoice, left) in owed.invoices.iter_mut() {
        if invoice.dispute.is_some() {
            claimed.push((
                invoice.number.clone(),
                *left,
                invoice.currency,
                as_of,
                Basis::Disputed,
            ));
            *left = Decimal::ZERO;
        }
    }
    claimed.extend(commitments(account, assessed, &mut owed, first));
    for (invoice, left) in &owed.invoices {
        if left.is_zero() {
            continue;
        }
        let expected = if late >= 0 {
            invoice
                .due_date
                .checked_add_days(Days::new(late.unsigned_abs()))
        } else {
            invoice
                .due_date
                .checked_sub_days(Days::new(late.unsigned_abs()))
        }
        .unwrap_or(invoice.due_date);
        let (on, basis) = if expected < first {
            (first, Basis::Overdue)
        } else {
            (expected, Basis::Due(late))
        };
        claimed.push((invoice.number.clone(), *left, invoice.currency, on, basis));
    }
    items.extend(
        claimed
            .into_iter()
            .map(|(invoice, amount, currency, on, basis)| Expected {
                customer_id: account.customer_id,
                invoice,
                on,
                amount,
                currency,
                basis,
            }),
    );
}

/// What pending promises and on-track plans claim of the account's open
/// invoices, on their dates (never before `first`, week 1's first day).
fn commitments(
    account: &Account,
    assessed: &AccountAssessment,
    owed: &mut Owed<'_>,
    first: NaiveDate,
) -> Vec<Claim> {
    let as_of = first.pred_opt().unwrap_or(first);
    let mut claimed = Vec::new();
    let received = |covered: &[InvoiceId], from: NaiveDate| -> Decimal {
        account
            .payments
            .iter()
            .filter(|p| covered.contains(&p.invoice) && p.paid_on >= from && p.paid_on <= as_of)
            .map(|p| p.amount)
            .sum()
    };
    for promise in &account.promises {
        let pending = assessed
            .promises
            .iter()
            .any(|(id, s)| *id == promise.id && matches!(s, PromiseState::Pending { .. }));
        if pending {
            let rest = promise.amount - received(&promise.invoices, promise.made_on);
            let on = promise.promised_on.max(first);
            claimed.extend(owed.claim(&promise.invoices, rest, on, Basis::Promise));
        }
    }
    for plan in &account.plans {
        let on_track = assessed
            .plans
            .iter()
            .any(|(id, s)| *id == plan.id && matches!(s, PlanState::OnTrack { .. }));
        if !on_track {
            continue;
        }
        let mut paid = received(&plan.invoices, plan.created_on);
        for (due, amount) in &plan.instalments {
            let covered_now = paid.min(*amount);
            paid -= covered_now;
            let rest = *amount - covered_now;
            if rest > Decimal::ZERO {
                let on = (*due).max(first);
                claimed.extend(owed.claim(&plan.invoices, rest, on, Basis::Instalment));
            }
        }
    }
    claimed
}

/// One week of a backtest in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestWeek {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Currency.
    pub currency: Currency,
    /// What the forecast expected.
    pub forecast: Decimal,
    /// What was paid that week on the invoices open when the forecast was
    /// made.
    pub actual: Decimal,
}

/// A forecast against what came in, per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backtest {
    /// Each week and currency.
    pub weeks: Vec<BacktestWeek>,
    /// Per currency: total forecast, total actual, and the weighted
    /// absolute percentage error (Σ|forecast − actual| / Σ actual × 100,
    /// to one decimal; `None` when nothing came in).
    pub totals: Vec<(Currency, Decimal, Decimal, Option<Decimal>)>,
}

/// What was paid each week of a forecast on the invoices open on its
/// date ([`Receipts::received`]).
#[derive(Debug, Clone, Default)]
pub struct Received {
    by_week: BTreeMap<(Currency, usize), Decimal>,
}

/// What was paid by payments after a day on the invoices open on it, by
/// currency and day: what [`Received`] holds, gathered before the forecast
/// of that day is made (its weeks are only needed to sum the days), so one
/// read of the ledger serves both the forecast and its backtest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipts {
    since: NaiveDate,
    by_day: BTreeMap<(Currency, NaiveDate), Decimal>,
}

impl Receipts {
    /// Nothing yet received since `since`.
    pub fn new(since: NaiveDate) -> Self {
        Receipts {
            since,
            by_day: BTreeMap::new(),
        }
    }

    /// Adds what was paid on `r` after the day, if it was open on it.
    pub fn add(&mut self, r: &InvoiceRecord) {
        if !r.is_open_on(self.since) {
            return;
        }
        for s in &r.settlements {
            if matches!(s.by, SettledBy::Payment(_)) && s.on > self.since {
                *self.by_day.entry((r.currency, s.on)).or_default() += s.amount;
            }
        }
    }

    /// Adds what another part of the ledger received.
    pub fn absorb(&mut self, other: Receipts) {
        for (day, amount) in other.by_day {
            *self.by_day.entry(day).or_default() += amount;
        }
    }

    /// What came in each week of `forecast`, made as of the same day.
    pub fn received(&self, forecast: &Forecast) -> Received {
        let mut received = Received::default();
        for ((currency, on), amount) in &self.by_day {
            if let Some(i) = forecast
                .weeks
                .iter()
                .position(|w| w.start <= *on && *on <= w.end)
            {
                *received.by_week.entry((*currency, i)).or_default() += *amount;
            }
        }
        received
    }
}

/// Compares `forecast` with what was paid, week by week, on the invoices
/// open on its date: `records` are read as of a date on or after its last
/// week (payments after that are not counted).
pub fn backtest(forecast: &Forecast, records: &[InvoiceRecord]) -> Backtest {
    let mut got = Receipts::new(forecast.as_of);
    for r in records {
        got.add(r);
    }
    backtest_of(forecast, &got.received(forecast))
}

/// Compares `forecast` with what was `received`.
pub fn backtest_of(forecast: &Forecast, received: &Received) -> Backtest {
    let actual = &received.by_week;
    let mut currencies: Vec<Currency> = actual.keys().map(|(c, _)| *c).collect();
    currencies.extend(forecast.weeks.iter().flat_map(|w| w.expected.currencies()));
    currencies.sort();
    currencies.dedup();
    let mut weeks = Vec::new();
    let mut totals = Vec::new();
    for currency in currencies {
        let (mut f_sum, mut a_sum, mut err) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for (i, w) in forecast.weeks.iter().enumerate() {
            let f = w.expected.get(currency);
            let a = actual.get(&(currency, i)).copied().unwrap_or_default();
            f_sum += f;
            a_sum += a;
            err += (f - a).abs();
            weeks.push(BacktestWeek {
                start: w.start,
                end: w.end,
                currency,
                forecast: f,
                actual: a,
            });
        }
        let wape = (a_sum > Decimal::ZERO)
            .then(|| super::record::one_decimal(err * Decimal::ONE_HUNDRED / a_sum));
        totals.push((currency, f_sum, a_sum, wape));
    }
    Backtest { weeks, totals }
}
