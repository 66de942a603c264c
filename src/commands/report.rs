//! Balances and the aging report; the insight reports in `report/`.

mod board;
mod changes;
mod forecast;
mod insight;
mod payers;
mod rates;

pub(super) use board::insight_view;
pub(super) use insight::insight;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Session;
use crate::output::{Cell, Format, Report};
use crate::store::{Customers, InvoiceFilter, Store};
use dun_core::aging::{AgingRow, AgingTotals, age, order_rows};
use dun_core::ledger::{CustomerBalance, CustomerId, customer_balances};
use dun_core::money::Currency;

/// An amount cell.
pub(super) fn amount_cell(amount: Decimal, currency: Currency) -> Cell {
    Cell::Amount(amount, currency)
}

/// Every customer's balances per currency on a date.
pub(super) struct Balances {
    by_customer: BTreeMap<(CustomerId, Currency), CustomerBalance>,
}

impl Balances {
    /// Balances of every customer.
    pub(super) fn load(store: &Store, as_of: NaiveDate) -> Result<Self> {
        Self::load_filtered(store, None, as_of)
    }

    /// Balances of one customer.
    pub(super) fn load_for(
        store: &Store,
        customer_id: CustomerId,
        as_of: NaiveDate,
    ) -> Result<Self> {
        Self::load_filtered(store, Some(customer_id), as_of)
    }

    fn load_filtered(
        store: &Store,
        customer_id: Option<CustomerId>,
        as_of: NaiveDate,
    ) -> Result<Self> {
        let open = store.invoices(
            &InvoiceFilter {
                customer_id,
                open_only: true,
            },
            as_of,
        )?;
        let mut unapplied = store.unapplied_payments(as_of)?;
        if let Some(id) = customer_id {
            unapplied.retain(|(c, _, _)| *c == id);
        }
        Ok(Balances {
            by_customer: customer_balances(&open, &unapplied, as_of),
        })
    }

    /// A customer's balances, one per currency it has; a zero balance in
    /// `default` when it has none.
    pub(super) fn of(&self, customer_id: CustomerId, default: Currency) -> Vec<CustomerBalance> {
        let rows: Vec<CustomerBalance> = self
            .by_customer
            .range((customer_id, Currency::MIN)..=(customer_id, Currency::MAX))
            .map(|(_, b)| b.clone())
            .collect();
        if rows.is_empty() {
            vec![CustomerBalance {
                customer_id,
                currency: default,
                open: Decimal::ZERO,
                overdue: Decimal::ZERO,
                unapplied_credit: Decimal::ZERO,
            }]
        } else {
            rows
        }
    }
}

/// The aging rows and the customers' codes and names.
struct Aging {
    rows: Vec<AgingRow>,
    names: HashMap<CustomerId, (String, String)>,
}

/// Customers aged at a time.
const AGING_SPAN: usize = 2_000;

fn load_aging(session: &Session, store: &Store) -> Result<Aging> {
    // A span of customers at a time: memory holds one span's documents,
    // not every open invoice of the ledger.
    let ids = store.customer_ids()?;
    let mut rows = Vec::new();
    for span in ids.chunks(AGING_SPAN) {
        let (Some(&first), Some(&last)) = (span.first(), span.last()) else {
            continue;
        };
        let (open, unapplied) = store.open_between(session.as_of, Customers(first, last))?;
        rows.extend(age(
            &open,
            &unapplied,
            &session.config.buckets,
            session.as_of,
        ));
    }
    order_rows(&mut rows);
    let names = store
        .customers()?
        .into_iter()
        .map(|c| (c.id, (c.code, c.name)))
        .collect();
    Ok(Aging { rows, names })
}

fn aging_report(session: &Session, aging: &Aging, limit: Option<usize>) -> Report {
    let buckets = &session.config.buckets;
    let mut columns = vec![
        ("customer".to_string(), "Customer".to_string()),
        ("name".to_string(), "Name".to_string()),
        ("total".to_string(), "Total".to_string()),
    ];
    columns.extend(buckets.keys().into_iter().zip(buckets.titles()));
    columns.push(("currency".into(), "Cur".into()));
    let mut report = Report::new(columns);
    let shown = limit.unwrap_or(usize::MAX);
    for row in aging.rows.iter().take(shown) {
        let (code, name) = aging
            .names
            .get(&row.customer_id)
            .cloned()
            .unwrap_or_default();
        let mut cells = vec![
            Cell::Text(code),
            Cell::Text(name),
            amount_cell(row.total, row.currency),
        ];
        cells.extend(row.buckets.iter().map(|b| amount_cell(*b, row.currency)));
        cells.push(Cell::Text(row.currency.to_string()));
        report.rows.push(cells);
    }
    let totals = AgingTotals::of(&aging.rows);
    for currency in totals.currencies() {
        let label = if aging.rows.len() > shown {
            match aging.rows.iter().filter(|r| r.currency == currency).count() {
                1 => "1 customer".to_string(),
                n => format!("{n} customers"),
            }
        } else {
            String::new()
        };
        let mut cells = vec![
            Cell::Text("TOTAL".into()),
            Cell::Text(label),
            amount_cell(totals.total.get(currency), currency),
        ];
        cells.extend(
            totals
                .buckets_in(currency)
                .into_iter()
                .map(|b| amount_cell(b, currency)),
        );
        cells.push(Cell::Text(currency.to_string()));
        report.footer.push(cells);
    }
    report
}

/// `dun aging`: one row per customer and currency, largest total first.
pub(super) fn aging(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let aging = load_aging(session, &store)?;
    aging_report(session, &aging, None).write(format, session.config.config.locale, out)?;
    Ok(())
}

/// The 25 largest balances with totals, and a pointer to the full report.
pub(super) fn print_summary(session: &Session, store: &Store, out: &mut dyn Write) -> Result<()> {
    const SHOWN: usize = 25;
    let aging = load_aging(session, store)?;
    writeln!(
        out,
        "Aging as of {} — {}",
        session.as_of,
        store.path().display()
    )?;
    aging_report(session, &aging, Some(SHOWN)).write(
        Format::Table,
        session.config.config.locale,
        out,
    )?;
    if aging.rows.len() > SHOWN {
        writeln!(
            out,
            "{} more rows: dun --db {} aging",
            aging.rows.len() - SHOWN,
            store.path().display()
        )?;
    }
    Ok(())
}
