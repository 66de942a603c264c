//! `dun log list|remove`, `dun promise list|remove`, `dun payment remove`:
//! the follow-up log and the promises with the ids a removal takes, and
//! removals, through the write path.

use std::io::Write;

use anyhow::{Result, bail};

use super::Session;
use super::report::amount_cell;
use crate::cli::{Corrected, Correction, LogArgs, PromiseArgs, RemoveArgs};
use crate::ops::{self, Entry};
use crate::output::{Cell, Report};
use crate::text::sanitize;

/// `dun log …`: log a follow-up, list the log, or remove an entry.
pub(super) fn log(session: &Session, cmd: &Corrected<LogArgs>, out: &mut dyn Write) -> Result<()> {
    match (&cmd.correct, &cmd.record) {
        (Some(Correction::List { customer, list }), _) => {
            let store = session.open_existing()?;
            let customer_id = session.customer_filter(&store, customer.as_deref())?;
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
            Ok(report.write(list.format, session.config.config.locale, out)?)
        }
        (Some(Correction::Remove(args)), _) => remove(session, Entry::FollowUp(args.id), args, out),
        (None, Some(args)) => super::follow_up::log(session, args, out),
        (None, None) => bail!("say whom the follow-up was with: dun log CODE --kind KIND"),
    }
}

/// `dun promise …`: record a promise, list them, or remove one.
pub(super) fn promise(
    session: &Session,
    cmd: &Corrected<PromiseArgs>,
    out: &mut dyn Write,
) -> Result<()> {
    match (&cmd.correct, &cmd.record) {
        (Some(Correction::List { customer, list }), _) => {
            let store = session.open_existing()?;
            let customer_id = session.customer_filter(&store, customer.as_deref())?;
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
            Ok(report.write(list.format, session.config.config.locale, out)?)
        }
        (Some(Correction::Remove(args)), _) => remove(session, Entry::Promise(args.id), args, out),
        (None, Some(args)) => super::follow_up::promise(session, args, out),
        (None, None) => bail!("say who promised: dun promise CODE --date DATE --amount AMOUNT"),
    }
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
