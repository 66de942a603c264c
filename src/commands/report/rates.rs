//! `dun report dso` and `dun report cei`.

use std::io::Write;

use anyhow::Result;

use super::insight::Ledger;
use crate::output::{Cell, Report};
use crate::store::Scan;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use dun_core::insight::{Books, Period, cei_of, dso_of, months_back};
use dun_core::ledger::CustomerId;

/// Months each report looks back over, the as-of month included.
const MONTHS: usize = 12;

/// How DSO is worked out, printed under the table.
const DSO_NOTE: &str = "DSO by count-back: the receivables at each month's end are matched against the credit sales of that month, then of each earlier month; every month fully used counts its days, the last one the share of its days the rest is of its sales. \"+\": owed longer than the 24 months counted back.";

/// How CEI is worked out.
const CEI_NOTE: &str = "CEI = (beginning receivables + credit sales - ending total receivables) / (beginning receivables + credit sales - ending current receivables) x 100; current: not yet due at the month's end.";

/// `dun report dso`: the portfolio's 12 months, then each customer's DSO
/// at the as-of date; with `--customer`, that customer's 12 months.
pub(super) fn dso(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let as_of = ledger.session.as_of;
    let months = months_back(as_of, MONTHS);
    let last = &months[months.len().saturating_sub(1)..];
    let whole = ledger.customer.is_none();
    let parts = ledger.fold_records(
        as_of,
        Scan::ALL,
        || (Books::new(&months), BTreeMap::<CustomerId, Books>::new()),
        |(books, each), r| {
            books.add(r);
            if whole {
                each.entry(r.customer_id)
                    .or_insert_with(|| Books::new(last))
                    .add(r);
            }
        },
    )?;
    let mut books = Books::new(&months);
    let mut each: BTreeMap<CustomerId, Books> = BTreeMap::new();
    for (part, customers) in parts {
        books.absorb(part);
        for (customer, mine) in customers {
            match each.entry(customer) {
                std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().absorb(mine),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(mine);
                }
            }
        }
    }
    let mut report = Report::new([
        ("scope", "Scope"),
        ("month", "Month"),
        ("currency", "Cur"),
        ("receivables", "Receivables"),
        ("sales", "Sales"),
        ("dso", "DSO days"),
    ]);
    let scope = match ledger.customer {
        Some(id) => ledger.code(id),
        None => "portfolio".to_string(),
    };
    let mut push = |scope: &str, rows: Vec<dun_core::insight::DsoMonth>| {
        for row in rows {
            let days = row.days.map_or(Cell::Empty, |d| {
                Cell::Text(if row.at_least {
                    format!("{d}+")
                } else {
                    d.to_string()
                })
            });
            report.rows.push(vec![
                Cell::Text(scope.to_string()),
                Cell::Text(row.period.label()),
                Cell::Text(row.currency.to_string()),
                Cell::Amount(row.receivables, row.currency),
                Cell::Amount(row.sales, row.currency),
                days,
            ]);
        }
    };
    push(&scope, dso_of(&books));
    for (customer, mine) in &each {
        push(&ledger.code(*customer), dso_of(mine));
    }
    ledger.write(&report, DSO_NOTE, out)
}

/// The books of every invoice issued by `as_of` (of the customer asked
/// for, or the whole ledger's) for `months`, read on every core.
pub(super) fn ledger_books(ledger: &Ledger, as_of: NaiveDate, months: &[Period]) -> Result<Books> {
    let mut books = Books::new(months);
    for part in ledger.fold_records(as_of, Scan::ALL, || Books::new(months), |b, r| b.add(r))? {
        books.absorb(part);
    }
    Ok(books)
}

/// `dun report cei`: the index of each of the last 12 months.
pub(super) fn cei(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let as_of = ledger.session.as_of;
    let books = ledger_books(ledger, as_of, &months_back(as_of, MONTHS))?;
    let mut report = Report::new([
        ("month", "Month"),
        ("currency", "Cur"),
        ("beginning", "Beginning"),
        ("sales", "Sales"),
        ("ending", "Ending"),
        ("ending_current", "Ending current"),
        ("cei", "CEI %"),
    ]);
    for row in cei_of(&books) {
        report.rows.push(vec![
            Cell::Text(row.period.label()),
            Cell::Text(row.currency.to_string()),
            Cell::Amount(row.beginning, row.currency),
            Cell::Amount(row.sales, row.currency),
            Cell::Amount(row.ending, row.currency),
            Cell::Amount(row.ending_current, row.currency),
            row.index.map_or(Cell::Empty, |i| Cell::Text(i.to_string())),
        ]);
    }
    ledger.write(&report, CEI_NOTE, out)
}
