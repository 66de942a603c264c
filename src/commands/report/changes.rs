//! `dun report changes --since DATE`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::insight::{Ledger, assess, evaluate};
use crate::output::{Cell, Report};
use crate::store::{Customers, Later, Store};
use dun_core::dunning::Account;
use dun_core::insight::{
    Between, Change, InvoiceRecord, Side, changes_with, invoice_changes, untouched_changes,
};
use dun_core::ledger::CustomerId;

const NOTE: &str = "Changes after --since up to --as-of: the engine evaluated on both dates, and the dated facts between them. A stage reached or a measure lifted is known by the later date only.";

/// Every change on every account (or the one asked for) between `since`
/// and the session's date, by customer then date. Each span of customers
/// is evaluated on both dates and compared; its invoices' dated facts come
/// from the few something touched after `since` or issued since, read
/// exactly, and from the open invoices of the later date nothing touched,
/// which can only have moved to an older bucket.
pub(crate) fn collect(ledger: &Ledger, since: NaiveDate) -> Result<Vec<Change>> {
    let as_of = ledger.session.as_of;
    if since >= as_of {
        bail!("--since {since} must be before the as-of date {as_of}");
    }
    let between = Between {
        since,
        as_of,
        buckets: &ledger.session.config.buckets,
        locale: ledger.session.config.config.locale,
    };
    let (earlier, later) = (ledger.store.later(since)?, ledger.store.later(as_of)?);
    let policy = &ledger.policy;
    let parts = ledger.per_span(|store, span| {
        let (now_accounts, now) = evaluate(store, policy, span, &later)?;
        // The invoices nothing touched since --since stand then as now.
        let then_accounts =
            store.accounts_beside(&earlier, span.customers, &now_accounts, span.log)?;
        let then = assess(&then_accounts, policy, since);
        let mut facts = span_facts(store, span.customers, &earlier, &now_accounts, &between)?;
        let before: HashMap<CustomerId, Side> = then_accounts
            .iter()
            .zip(&then)
            .map(|(account, assessed)| (account.customer_id, Side { account, assessed }))
            .collect();
        let mut out = Vec::new();
        for (account, assessed) in now_accounts.iter().zip(&now) {
            let found = facts.remove(&account.customer_id).unwrap_or_default();
            let before = before.get(&account.customer_id).copied();
            out.extend(changes_with(
                found,
                before,
                Side { account, assessed },
                &between,
            ));
        }
        Ok(out)
    })?;
    Ok(super::super::spans::joined(parts))
}

/// The dated facts of a span's invoices between the two dates, per
/// customer. An invoice open on the later date (in `now`) that nothing
/// touched after the earlier one has its facts in the snapshot; the rest,
/// touched since (`earlier`) or issued since and no longer open, are read
/// with their settlements. When many were touched, every invoice of the
/// span is read so.
fn span_facts(
    store: &Store,
    span: Customers,
    earlier: &Later,
    now: &[Account],
    between: &Between<'_>,
) -> Result<HashMap<CustomerId, Vec<Change>>> {
    let mut facts: HashMap<CustomerId, Vec<Change>> = HashMap::new();
    let read = |records: Vec<InvoiceRecord>, facts: &mut HashMap<_, Vec<_>>| {
        for r in records {
            let found = invoice_changes(&r, between);
            if !found.is_empty() {
                facts.entry(r.customer_id).or_default().extend(found);
            }
        }
    };
    if !earlier.is_few() {
        // So much was touched that every record of the span is read.
        read(
            store.invoice_records_between(between.as_of, span)?,
            &mut facts,
        );
        return Ok(facts);
    }
    let mut open = HashSet::new();
    for account in now {
        let mut titles = None;
        for invoice in &account.invoices {
            open.insert(invoice.id);
            if earlier.is_touched(account.customer_id, invoice.id) {
                continue;
            }
            if let Some(change) =
                untouched_changes(account.customer_id, invoice, between, &mut titles)
            {
                facts.entry(account.customer_id).or_default().push(change);
            }
        }
    }
    let mut exact: BTreeSet<i64> = earlier.touched(span).collect();
    let issued = store.issued_between(span, between.since, between.as_of)?;
    exact.extend(issued.into_iter().filter(|id| !open.contains(id)));
    read(store.invoice_records_of(between.as_of, exact)?, &mut facts);
    Ok(facts)
}

/// `dun report changes`.
pub(super) fn changes(ledger: &Ledger, since: NaiveDate, out: &mut dyn Write) -> Result<()> {
    let found = collect(ledger, since)?;
    let report = Report::new([
        ("customer", "Customer"),
        ("date", "Date"),
        ("change", "Change"),
        ("invoice", "Invoice"),
        ("amount", "Amount"),
        ("currency", "Cur"),
        ("detail", "Detail"),
    ]);
    // The rows are made as they are written: held as cells, the changes'
    // texts would be held twice.
    let rows = || {
        found.iter().map(|c| {
            [
                Cell::Text(ledger.code(c.customer_id)),
                c.on.map_or(Cell::Empty, Cell::Date),
                Cell::Text(c.kind.as_str().into()),
                c.invoice.clone().map_or(Cell::Empty, Cell::Text),
                c.amount
                    .map_or(Cell::Empty, |m| Cell::Amount(m.amount, m.currency)),
                c.amount
                    .map_or(Cell::Empty, |m| Cell::Text(m.currency.to_string())),
                Cell::Text(c.detail.clone()),
            ]
        })
    };
    ledger.write_made(&report, rows, NOTE, out)
}
