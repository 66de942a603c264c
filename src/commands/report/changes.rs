//! `dun report changes --since DATE`.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use super::insight::Ledger;
use crate::output::{Cell, Report};
use dun_core::dunning::{Account, AccountAssessment};
use dun_core::insight::{Between, Change, InvoiceRecord, Side, changes as changes_of};
use dun_core::ledger::CustomerId;

const NOTE: &str = "Changes after --since up to --as-of: the engine evaluated on both dates, and the dated facts between them. A stage reached or a measure lifted is known by the later date only.";

/// Every change on every account (or the one asked for) between `since`
/// and the session's date, by customer then date.
pub(crate) fn collect(ledger: &Ledger, since: NaiveDate) -> Result<Vec<Change>> {
    let as_of = ledger.session.as_of;
    if since >= as_of {
        bail!("--since {since} must be before the as-of date {as_of}");
    }
    let records = ledger.records(as_of)?;
    let mut of: HashMap<CustomerId, Vec<&InvoiceRecord>> = HashMap::new();
    for r in &records {
        of.entry(r.customer_id).or_default().push(r);
    }
    let (then_accounts, then) = ledger.evaluate(since)?;
    let (now_accounts, now) = ledger.evaluate(as_of)?;
    let before: HashMap<CustomerId, (&Account, &AccountAssessment)> = then_accounts
        .iter()
        .zip(&then.accounts)
        .map(|(a, e)| (a.customer_id, (a, e)))
        .collect();
    let between = Between {
        since,
        as_of,
        buckets: &ledger.session.config.buckets,
        locale: ledger.session.config.config.locale,
    };
    let mut out = Vec::new();
    for (account, assessed) in now_accounts.iter().zip(&now.accounts) {
        let mine = of.get(&account.customer_id).map_or(&[][..], Vec::as_slice);
        let before = before
            .get(&account.customer_id)
            .map(|(account, assessed)| Side { account, assessed });
        out.extend(changes_of(
            mine,
            before,
            Side { account, assessed },
            &between,
        ));
    }
    Ok(out)
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
    for c in &found {
        report.rows.push(vec![
            Cell::Text(ledger.code(c.customer_id)),
            c.on.map_or(Cell::Empty, Cell::Date),
            Cell::Text(c.kind.as_str().into()),
            Cell::opt_text(c.invoice.as_deref()),
            c.amount
                .map_or(Cell::Empty, |m| Cell::Amount(m.amount, m.currency)),
            c.amount
                .map_or(Cell::Empty, |m| Cell::Text(m.currency.to_string())),
            Cell::Text(c.detail.clone()),
        ]);
    }
    ledger.write(&report, NOTE, out)
}
