//! What the dashboard shows, as plain data: built once from the ledger and
//! the engine, updated for one customer after each write. Rendering reads
//! only this; no query runs inside a draw.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use dun_core::aging::Buckets;
use dun_core::dunning::{Account, AccountAssessment, AgendaItem, Measure, Status};
use dun_core::ledger::{CustomerId, days_overdue};
use dun_core::money::Currency;

/// A badge beside a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Badge {
    /// Supply stopped.
    StopSupply,
    /// Cash only.
    CashOnly,
    /// On hold by hand.
    Hold,
    /// Over the credit limit.
    OverLimit,
    /// An invoice is disputed.
    Disputed,
}

impl Badge {
    /// Short label for the table.
    pub fn label(self) -> &'static str {
        match self {
            Badge::StopSupply => "STOP",
            Badge::CashOnly => "CASH",
            Badge::Hold => "HOLD",
            Badge::OverLimit => "LIMIT",
            Badge::Disputed => "DISP",
        }
    }
}

/// One customer in one currency on the aging screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// The customer.
    pub customer_id: CustomerId,
    /// Code.
    pub code: String,
    /// Name (as stored; sanitised when drawn).
    pub name: String,
    /// Currency of every amount in the row.
    pub currency: Currency,
    /// Open balance net of credit.
    pub total: Decimal,
    /// Open balances per aging bucket.
    pub buckets: Vec<Decimal>,
    /// Measures and flags.
    pub badges: Vec<Badge>,
    /// Last call, email, letter or visit.
    pub last_contact: Option<NaiveDate>,
    /// The most urgent agenda item's action and stage.
    pub next_action: Option<String>,
    /// Lowercase code and name, for filtering without allocating.
    pub search: String,
    /// Index of the oldest bucket with money in it, for sorting.
    pub oldest: usize,
}

/// One agenda item, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaRow {
    /// The item as the engine made it.
    pub item: AgendaItem,
    /// Customer name.
    pub name: String,
    /// Invoice numbers.
    pub numbers: Vec<String>,
}

/// The whole dashboard's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    /// The date of every decision shown.
    pub as_of: NaiveDate,
    /// Bucket titles, e.g. Current, 1-30, …
    pub bucket_titles: Vec<String>,
    /// Aging rows, largest total first.
    pub rows: Vec<AgingRow>,
    /// Today's agenda in priority order.
    pub agenda: Vec<AgendaRow>,
}

/// Unapplied credit per customer and currency (payments on account and
/// unused credit notes), for the aging totals.
pub type Credits = HashMap<(CustomerId, Currency), Decimal>;

/// What one account contributes to the board.
pub struct AccountView<'a> {
    /// The snapshot.
    pub account: &'a Account,
    /// The engine's assessment of it.
    pub assessed: &'a AccountAssessment,
    /// Customer name.
    pub name: &'a str,
    /// Last contact from the log.
    pub last_contact: Option<NaiveDate>,
}

impl Board {
    /// Aging rows of one account: one per currency it has a balance in.
    pub fn rows_for(
        view: &AccountView<'_>,
        credits: &Credits,
        agenda: &[AgendaItem],
        buckets: &Buckets,
        as_of: NaiveDate,
    ) -> Vec<AgingRow> {
        let AccountView {
            account,
            assessed,
            name,
            last_contact,
        } = view;
        let mut badges: Vec<Badge> = assessed
            .measures
            .iter()
            .filter_map(|m| match m.measure {
                Measure::StopSupply => Some(Badge::StopSupply),
                Measure::CashOnly => Some(Badge::CashOnly),
                Measure::Hold => Some(Badge::Hold),
                Measure::OverLimit => Some(Badge::OverLimit),
                Measure::Probation => None,
            })
            .collect();
        if assessed
            .invoices
            .iter()
            .any(|i| i.status == Status::Disputed)
        {
            badges.push(Badge::Disputed);
        }
        let next_action = agenda
            .iter()
            .find(|i| i.customer_id == account.customer_id)
            .map(|i| format!("{} ({})", i.action.as_str(), i.stage));
        let mut by_currency: Vec<(Currency, Vec<Decimal>)> = Vec::new();
        for invoice in account.invoices.iter().filter(|i| i.issue_date <= as_of) {
            let slot = match by_currency.iter().position(|(c, _)| *c == invoice.currency) {
                Some(i) => i,
                None => {
                    by_currency.push((invoice.currency, vec![Decimal::ZERO; buckets.len()]));
                    by_currency.len() - 1
                }
            };
            by_currency[slot].1[buckets.index(days_overdue(invoice.due_date, as_of))] +=
                invoice.open;
        }
        for ((customer, currency), _) in credits
            .iter()
            .filter(|((c, _), _)| *c == account.customer_id)
        {
            if *customer == account.customer_id && !by_currency.iter().any(|(c, _)| c == currency) {
                by_currency.push((*currency, vec![Decimal::ZERO; buckets.len()]));
            }
        }
        by_currency
            .into_iter()
            .map(|(currency, sums)| {
                let credit = credits
                    .get(&(account.customer_id, currency))
                    .copied()
                    .unwrap_or_default();
                let oldest = sums.iter().rposition(|b| !b.is_zero()).unwrap_or(0);
                AgingRow {
                    search: format!(
                        "{}\u{0}{}",
                        account.code.to_lowercase(),
                        name.to_lowercase()
                    ),
                    oldest,
                    customer_id: account.customer_id,
                    code: account.code.clone(),
                    name: name.to_string(),
                    currency,
                    total: sums.iter().copied().sum::<Decimal>() - credit,
                    buckets: sums,
                    badges: badges.clone(),
                    last_contact: *last_contact,
                    next_action: next_action.clone(),
                }
            })
            .collect()
    }

    /// Sorts rows largest total first, then by code.
    pub fn sort_rows(rows: &mut [AgingRow]) {
        rows.sort_by(row_order);
    }

    /// Puts the agenda in priority order.
    pub fn sort_agenda(&mut self) {
        self.agenda
            .sort_by(|a, b| dun_core::dunning::priority_order(&a.item, &b.item));
    }

    /// Replaces one customer's rows and agenda items after a write, putting
    /// the new ones in place rather than sorting everything again.
    pub fn replace_customer(
        &mut self,
        customer_id: CustomerId,
        rows: Vec<AgingRow>,
        agenda: Vec<AgendaRow>,
    ) {
        self.rows.retain(|r| r.customer_id != customer_id);
        for row in rows {
            let at = self
                .rows
                .partition_point(|r| row_order(r, &row) == std::cmp::Ordering::Less);
            self.rows.insert(at, row);
        }
        self.agenda.retain(|a| a.item.customer_id != customer_id);
        for item in agenda {
            let at = self.agenda.partition_point(|a| {
                dun_core::dunning::priority_order(&a.item, &item.item) == std::cmp::Ordering::Less
            });
            self.agenda.insert(at, item);
        }
    }

    /// Totals per currency: (currency, total, buckets).
    pub fn totals(&self) -> Vec<(Currency, Decimal, Vec<Decimal>)> {
        let mut totals: Vec<(Currency, Decimal, Vec<Decimal>)> = Vec::new();
        for row in &self.rows {
            let slot = match totals.iter().position(|(c, _, _)| *c == row.currency) {
                Some(i) => i,
                None => {
                    totals.push((
                        row.currency,
                        Decimal::ZERO,
                        vec![Decimal::ZERO; row.buckets.len()],
                    ));
                    totals.len() - 1
                }
            };
            totals[slot].1 += row.total;
            for (sum, b) in totals[slot].2.iter_mut().zip(&row.buckets) {
                *sum += b;
            }
        }
        totals.sort_by_key(|t| std::cmp::Reverse(t.1));
        totals
    }
}

/// Largest total first, then by code.
fn row_order(a: &AgingRow, b: &AgingRow) -> std::cmp::Ordering {
    b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code))
}

/// A contact line on the customer screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactLine {
    /// billing, senior, sales rep.
    pub role: String,
    /// Name, email, phone.
    pub text: String,
}

/// One invoice on the customer screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// Store id.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open balance.
    pub open: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Days overdue.
    pub days_overdue: i64,
    /// Stage label.
    pub stage: String,
    /// Why.
    pub why: String,
    /// True when disputed.
    pub disputed: bool,
}

/// Everything the customer screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetail {
    /// Store id.
    pub customer_id: CustomerId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Who to call first, given the stage reached.
    pub call_first: Option<ContactLine>,
    /// Every contact.
    pub contacts: Vec<ContactLine>,
    /// Measures with since and why.
    pub measures: Vec<(String, NaiveDate, String)>,
    /// Open invoices.
    pub invoices: Vec<InvoiceLine>,
    /// Recent payments: date, amount with currency, reference.
    pub payments: Vec<(NaiveDate, String, String)>,
    /// Promises and plans, one line each.
    pub commitments: Vec<String>,
    /// History, newest first: date, kind, text.
    pub timeline: Vec<(NaiveDate, String, String)>,
    /// The stage the next follow-up most likely performs, and its action.
    pub due: Option<(String, dun_core::dunning::StageAction)>,
    /// True when on hold.
    pub on_hold: bool,
    /// When the ladder next asks for something on this account: the
    /// default follow-up date.
    pub next_step: Option<NaiveDate>,
}
