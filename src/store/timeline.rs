//! An account's history as one timeline: the follow-up log, promises,
//! plans, disputes and measure starts and lifts, as it stood on a date.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::rows;
use super::{Context, Result, Store};
use dun_core::dunning::MeasureChange;
use dun_core::ledger::CustomerId;
use dun_core::money::{Locale, Money};

/// Which part of an account's history to read, and how to word it.
#[derive(Debug, Clone, Copy)]
pub struct HistoryOf<'a> {
    /// The date it stood on: nothing dated or recorded later is read.
    pub as_of: NaiveDate,
    /// Starts and lifts the engine finds reached by then that no write has
    /// recorded yet: they are history too.
    pub reached: &'a [MeasureChange],
    /// At most this many entries, the newest.
    pub limit: usize,
    /// The locale amounts are written in.
    pub locale: Locale,
}

/// One line of an account's history, for `dun status` and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When it happened.
    pub on: NaiveDate,
    /// `call`, `email`, …, or `promise`, `plan`, `dispute`, `measure`.
    pub kind: String,
    /// One line of what happened.
    pub text: String,
}

impl Store {
    /// The account's history as of a date, newest first: the follow-up log,
    /// promises, plans, disputes and measure starts and lifts dated on or
    /// before it, and of those only what was recorded as of it, with the
    /// starts and lifts reached but not recorded yet.
    pub fn history(&self, customer_id: CustomerId, of: &HistoryOf<'_>) -> Result<Vec<LogEntry>> {
        let mut timeline = Timeline {
            conn: self.conn(),
            customer_id,
            of,
            entries: Vec::new(),
        };
        timeline.activities()?;
        timeline.commitments()?;
        timeline.disputes()?;
        timeline.measures()?;
        let mut entries = timeline.entries;
        // Newest first; within a day, in the order recorded.
        entries.reverse();
        entries.sort_by_key(|e| std::cmp::Reverse(e.on));
        entries.truncate(of.limit);
        Ok(entries)
    }
}

/// The history being gathered, source by source.
struct Timeline<'a> {
    conn: &'a Connection,
    customer_id: CustomerId,
    of: &'a HistoryOf<'a>,
    entries: Vec<LogEntry>,
}

impl Timeline<'_> {
    /// Adds an entry dated `on`, if it is on or before the as-of date.
    fn push(&mut self, on: &str, kind: &str, text: String) -> Result<()> {
        let on = rows::date(on)?;
        if on <= self.of.as_of {
            self.entries.push(LogEntry {
                on,
                kind: kind.to_string(),
                text,
            });
        }
        Ok(())
    }

    /// The follow-up log: "[call] pays Friday".
    fn activities(&mut self) -> Result<()> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        for (on, kind, stage, outcome, note) in query::<Row>(
            self.conn,
            "SELECT occurred_on, kind, stage, outcome, note FROM activity WHERE customer_id = ?1 ORDER BY id",
            self.customer_id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )? {
            let parts: Vec<String> = [stage.map(|s| format!("[{s}]")), outcome, note]
                .into_iter()
                .flatten()
                .collect();
            self.push(&on, &kind, parts.join(" "))?;
        }
        Ok(())
    }

    /// Promises and plans, each with what was agreed.
    fn commitments(&mut self) -> Result<()> {
        let locale = self.of.locale;
        for (made, promised, amount, currency) in query::<(String, String, i64, String)>(
            self.conn,
            "SELECT made_on, promised_on, amount_minor, currency FROM promise WHERE customer_id = ?1",
            self.customer_id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )? {
            let currency = rows::currency(&currency)?;
            let amount = Money::new(rows::amount(amount, currency), currency).display(locale);
            self.push(&made, "promise", format!("promised {amount} by {promised}"))?;
        }
        for (created, currency, count, total) in query::<(String, String, i64, i64)>(
            self.conn,
            "SELECT p.created_on, p.currency, COUNT(i.due_on), COALESCE(SUM(i.amount_minor), 0)
             FROM plan p LEFT JOIN instalment i ON i.plan_id = p.id
             WHERE p.customer_id = ?1 GROUP BY p.id ORDER BY p.id",
            self.customer_id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )? {
            let currency = rows::currency(&currency)?;
            let total = Money::new(rows::amount(total, currency), currency).display(locale);
            let text = format!(
                "payment plan of {count} instalment{}, {total}",
                if count == 1 { "" } else { "s" }
            );
            self.push(&created, "plan", text)?;
        }
        Ok(())
    }

    /// Disputes opened and resolved.
    fn disputes(&mut self) -> Result<()> {
        type Row = (String, String, String, Option<String>, Option<String>);
        for (opened, number, reason, resolved, resolution) in query::<Row>(
            self.conn,
            "SELECT d.opened_on, i.number, d.reason, d.resolved_on, d.resolution
             FROM dispute d JOIN invoice i ON i.id = d.invoice_id WHERE i.customer_id = ?1",
            self.customer_id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )? {
            self.push(&opened, "dispute", format!("{number} disputed: {reason}"))?;
            if let Some(resolved) = resolved {
                let how = resolution.map(|r| format!(": {r}")).unwrap_or_default();
                let text = format!("{number} dispute resolved{how}");
                self.push(&resolved, "dispute", text)?;
            }
        }
        Ok(())
    }

    /// Measure starts and lifts recorded as of the date, then those reached
    /// but not recorded yet.
    fn measures(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT effective_on, measure, event, reason, {} FROM measure_event
             WHERE customer_id = ?1 ORDER BY id",
            super::measures::RECORDED_ON
        );
        type Row = (String, String, String, String, String);
        for (on, measure, event, reason, recorded) in
            query::<Row>(self.conn, &sql, self.customer_id, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
        {
            if rows::date(&recorded)? <= self.of.as_of {
                let text = measure_text(&measure, event == "start", &reason);
                self.push(&on, "measure", text)?;
            }
        }
        for change in self.of.reached {
            let text = measure_text(change.measure.as_str(), change.start, &change.reason);
            self.push(&change.effective_on.to_string(), "measure", text)?;
        }
        Ok(())
    }
}

/// One line of the measure history: "cash_only started: …".
fn measure_text(measure: &str, start: bool, reason: &str) -> String {
    let verb = if start { "started" } else { "lifted" };
    format!("{measure} {verb}: {reason}")
}

/// Runs a query taking a customer id and collects its rows.
fn query<T>(
    conn: &Connection,
    sql: &str,
    customer_id: CustomerId,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn
        .prepare_cached(sql)
        .context("cannot read the history")?;
    let rows = stmt
        .query_map([customer_id], map)
        .context("cannot read the history")?;
    rows.map(|r| r.context("cannot read the history")).collect()
}
