//! `dun log list|remove`, `dun promise list|remove`, `dun payment remove`:
//! the follow-up log and the promises with the ids a removal takes, and
//! removals, through the write path.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Args;

use super::Session;
use super::report::amount_cell;
use crate::cli::{Corrected, Correction, LogArgs, PromiseArgs, RemoveArgs};
use crate::ops::{self, Entry};
use crate::output::{Cell, Report};
use crate::store::Store;
use crate::text::sanitize;
use dun_core::ledger::CustomerId;

/// What a command that records, lists and removes one kind of entry does
/// for each.
struct Entries<T> {
    /// The entry of an id.
    entry: fn(i64) -> Entry,
    /// The list, of one customer or all.
    list: fn(&Store, Option<CustomerId>) -> Result<Report>,
    /// Records one.
    record: fn(&Session, &T, &mut dyn Write) -> Result<()>,
    /// What to type when neither is given.
    usage: &'static str,
}

/// Records an entry, lists them, or removes one.
fn run<T: Args>(
    session: &Session,
    cmd: &Corrected<T>,
    entries: &Entries<T>,
    out: &mut dyn Write,
) -> Result<()> {
    match (&cmd.correct, &cmd.record) {
        (Some(Correction::List { customer, list }), _) => {
            let store = session.open_existing()?;
            let customer_id = session.customer_filter(&store, customer.as_deref())?;
            let report = (entries.list)(&store, customer_id)?;
            Ok(report.write(list.format, session.config.config.locale, out)?)
        }
        (Some(Correction::Remove(args)), _) => remove(session, (entries.entry)(args.id), args, out),
        (None, Some(args)) => (entries.record)(session, args, out),
        (None, None) => bail!("{}", entries.usage),
    }
}

/// `dun log …`: log a follow-up, list the log, or remove an entry.
pub(super) fn log(session: &Session, cmd: &Corrected<LogArgs>, out: &mut dyn Write) -> Result<()> {
    let entries = Entries {
        entry: Entry::FollowUp,
        list: follow_up_log,
        record: super::follow_up::log,
        usage: "say whom the follow-up was with: dun log CODE --kind KIND",
    };
    run(session, cmd, &entries, out)
}

/// `dun promise …`: record a promise, list them, or remove one.
pub(super) fn promise(
    session: &Session,
    cmd: &Corrected<PromiseArgs>,
    out: &mut dyn Write,
) -> Result<()> {
    let entries = Entries {
        entry: Entry::Promise,
        list: promises,
        record: super::follow_up::promise,
        usage: "say who promised: dun promise CODE --date DATE --amount AMOUNT",
    };
    run(session, cmd, &entries, out)
}

/// The follow-up log with its ids and what removed each entry.
fn follow_up_log(store: &Store, customer_id: Option<CustomerId>) -> Result<Report> {
    let mut report = Report::new([
        ("id", "Id"),
        ("customer", "Customer"),
        ("date", "Date"),
        ("kind", "Kind"),
        ("stage", "Stage"),
        ("outcome", "Outcome"),
        ("note", "Note"),
        ("removed_by", "Removed by"),
    ]);
    for row in store.follow_up_log(customer_id)? {
        report.rows.push(vec![
            Cell::Int(row.id),
            Cell::Text(row.code),
            Cell::Date(row.occurred_on),
            Cell::Text(row.kind),
            Cell::opt_text(row.stage.as_deref()),
            Cell::opt_text(row.outcome.as_deref()),
            Cell::opt_text(row.note.as_deref()),
            row.voided_by.map_or(Cell::Empty, Cell::Int),
        ]);
    }
    Ok(report)
}

/// The promises with their ids.
fn promises(store: &Store, customer_id: Option<CustomerId>) -> Result<Report> {
    let mut report = Report::new([
        ("id", "Id"),
        ("customer", "Customer"),
        ("made_on", "Made"),
        ("promised_on", "By"),
        ("amount", "Amount"),
        ("currency", "Cur"),
    ]);
    for listed in store.promise_list(customer_id)? {
        let p = listed.promise;
        report.rows.push(vec![
            Cell::Int(listed.id),
            Cell::Text(listed.code),
            Cell::Date(p.made_on),
            Cell::Date(p.promised_on),
            amount_cell(p.amount, p.currency),
            Cell::Text(p.currency.to_string()),
        ]);
    }
    Ok(report)
}

/// Removes one entry through the write path and says what it was.
pub(super) fn remove(
    session: &Session,
    entry: Entry,
    args: &RemoveArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let request = ops::Remove {
        entries: vec![entry],
        reason: args.reason.clone().unwrap_or_default(),
    };
    let mut store = session.open_existing()?;
    let removed = ops::remove(&mut store, &session.ops(), &request)?;
    for what in &removed.what {
        writeln!(out, "removed {} for {}", what, sanitize(&removed.code))?;
    }
    Ok(())
}
