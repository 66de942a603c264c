//! `dun report changes --since DATE`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;

use super::insight::{Ledger, evaluate};
use crate::output::{Cell, Report};
use dun_core::insight::{Between, Change, Side, changes_with, invoice_changes};
use dun_core::ledger::CustomerId;

const NOTE: &str = "Changes after --since up to --as-of: the engine evaluated on both dates, and the dated facts between them. A stage reached or a measure lifted is known by the later date only.";

/// Every change on every account (or the one asked for) between `since`
/// and the session's date, by customer then date. The invoices' dated
/// facts are found first, one invoice at a time; then each span of
/// customers is evaluated on both dates and compared.
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
    let mut facts: HashMap<CustomerId, Vec<Change>> = HashMap::new();
    ledger.each_record(as_of, |r| {
        let found = invoice_changes(&r, &between);
        if !found.is_empty() {
            facts.entry(r.customer_id).or_default().extend(found);
        }
    })?;
    let facts = Mutex::new(facts);
    let policy = &ledger.policy;
    let parts = ledger.per_span(|store, span| {
        let (then_accounts, then) = evaluate(store, policy, span, since)?;
        let (now_accounts, now) = evaluate(store, policy, span, as_of)?;
        let before: HashMap<CustomerId, Side> = then_accounts
            .iter()
            .zip(&then.accounts)
            .map(|(account, assessed)| (account.customer_id, Side { account, assessed }))
            .collect();
        let mut out = Vec::new();
        for (account, assessed) in now_accounts.iter().zip(&now.accounts) {
            let found = facts
                .lock()
                .map_err(|_| anyhow!("a report thread stopped"))?
                .remove(&account.customer_id)
                .unwrap_or_default();
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
    Ok(parts.into_iter().flatten().collect())
}

/// `dun report changes`.
pub(super) fn changes(ledger: &Ledger, since: NaiveDate, out: &mut dyn Write) -> Result<()> {
    let found = collect(ledger, since)?;
    let mut report = Report::new([
        ("customer", "Customer"),
        ("date", "Date"),
        ("change", "Change"),
        ("invoice", "Invoice"),
        ("amount", "Amount"),
        ("currency", "Cur"),
        ("detail", "Detail"),
    ]);
    // The changes' texts move into the rows rather than being copied.
    report.rows.reserve_exact(found.len());
    for c in found {
        report.rows.push(vec![
            Cell::Text(ledger.code(c.customer_id)),
            c.on.map_or(Cell::Empty, Cell::Date),
            Cell::Text(c.kind.as_str().into()),
            c.invoice.map_or(Cell::Empty, Cell::Text),
            c.amount
                .map_or(Cell::Empty, |m| Cell::Amount(m.amount, m.currency)),
            c.amount
                .map_or(Cell::Empty, |m| Cell::Text(m.currency.to_string())),
            Cell::Text(c.detail),
        ]);
    }
    ledger.write(&report, NOTE, out)
}
