//! `dun report …`: the collections insight reports. Each reads the ledger
//! as of the session's date, hands plain values to `dun_core::insight` and
//! renders what comes back through `output.rs`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use chrono::NaiveDate;

use super::super::Session;
use super::super::spans::{self, Span};
use crate::cli::{ReportArgs, ReportCommand};
use crate::output::{Cell, Report};
use crate::store::{Customers, Later, Scan, Store, stretch};
use dun_core::dunning::{Account, AccountAssessment, Explain, Policy, assess_account};
use dun_core::insight::{Forecast, InvoiceRecord, LatenessBook, Receipts, Received};
use dun_core::ledger::CustomerId;

/// Spans of invoice ids a whole-ledger read is cut into for each core: a
/// core that finishes its span early takes the next, so none waits long on
/// another whose span held more.
const SPANS_PER_CORE: usize = 8;

/// Runs one report.
pub(in crate::commands) fn insight(
    session: &Session,
    cmd: &ReportCommand,
    out: &mut dyn Write,
) -> Result<()> {
    let store = session.open_existing()?;
    match cmd {
        ReportCommand::Dso(args) => super::rates::dso(&Ledger::open(session, &store, args)?, out),
        ReportCommand::Cei(args) => super::rates::cei(&Ledger::open(session, &store, args)?, out),
        ReportCommand::Payers(args) => {
            super::payers::payers(&Ledger::open(session, &store, args)?, out)
        }
        ReportCommand::Changes { since, report } => {
            super::changes::changes(&Ledger::open(session, &store, report)?, *since, out)
        }
        ReportCommand::Forecast {
            explain,
            backtest,
            report,
        } => {
            let ledger = Ledger::open(session, &store, report)?;
            if *backtest {
                super::forecast::backtest(&ledger, out)
            } else {
                super::forecast::forecast(&ledger, *explain, out)
            }
        }
    }
}

/// What every report starts from: the session, the ledger, the customer
/// asked for, and the customers' codes and names.
pub(super) struct Ledger<'a> {
    /// The session: as-of date, configuration.
    pub session: &'a Session,
    /// The ledger.
    pub store: &'a Store,
    /// `--customer`, resolved.
    pub customer: Option<CustomerId>,
    /// `--format`.
    pub format: crate::output::Format,
    /// Code and name of every customer.
    pub names: HashMap<CustomerId, (String, String)>,
    /// The dunning policy.
    pub policy: Policy,
}

impl<'a> Ledger<'a> {
    /// Runs `work` on every span of the customers asked for, on every
    /// core ([`spans::per_span`]); the answers come in customer order.
    pub fn per_span<T: Send>(
        &self,
        work: impl Fn(&Store, Span<'_>) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        spans::per_span(self.store, self.customer, self.session.as_of, work)
    }

    fn open(session: &'a Session, store: &'a Store, args: &ReportArgs) -> Result<Self> {
        let customer = session.customer_filter(store, args.customer.as_deref())?;
        Ok(Ledger {
            session,
            store,
            customer,
            format: args.list.format,
            names: store.customer_names()?,
            policy: session.policy(),
        })
    }

    /// The whole ledger, for the dashboard.
    pub fn for_dashboard(session: &'a Session, store: &'a Store) -> Result<Self> {
        Ok(Ledger {
            session,
            store,
            customer: None,
            format: crate::output::Format::Table,
            names: store.customer_names()?,
            policy: session.policy(),
        })
    }

    /// Gathers every invoice issued by `as_of` that `scan` reads (of the
    /// customer asked for: all of theirs; or the whole ledger's) with what
    /// settled it by then into sums made by `start` and added to by `add`.
    /// The whole ledger is read on every core, each on its own
    /// connection: first what settled the invoices, a stretch of the
    /// allocations each, then the invoices in spans of ids, each core
    /// taking the next span as it is free, into sums of its own that come
    /// back to be merged. Every figure built from them is a sum or is
    /// sorted, so the parts give the whole's.
    pub fn fold_records<A: Send>(
        &self,
        as_of: NaiveDate,
        scan: Scan,
        start: impl Fn() -> A + Sync,
        add: impl Fn(&mut A, &InvoiceRecord) + Sync,
    ) -> Result<Vec<A>> {
        if self.customer.is_some() {
            let mut sums = start();
            for r in &self.store.invoice_records(as_of, self.customer)? {
                add(&mut sums, r);
            }
            return Ok(vec![sums]);
        }
        let cores = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 4);
        let mut readers = (1..cores)
            .map(|_| self.store.reader())
            .collect::<Result<Vec<Store>, _>>()?;
        let settled = self.store.settled(&mut readers, as_of)?;
        let (last, spans) = (self.store.last_invoice_id()?, cores * SPANS_PER_CORE);
        let taken = AtomicUsize::new(0);
        let part = |store: &Store, _: usize| -> crate::store::Result<A> {
            let mut sums = start();
            loop {
                let n = taken.fetch_add(1, Ordering::Relaxed);
                if n >= spans {
                    return Ok(sums);
                }
                let (from, to) = stretch(n, spans, last);
                store.scan_invoice_records(as_of, scan.part(from, to), &settled, |r| {
                    add(&mut sums, r);
                })?;
            }
        };
        Ok(self.store.on_each(&mut readers, "a report thread", part)?)
    }

    /// Each customer's average days beyond terms over its invoices paid
    /// in full by `later`'s day ([`LatenessBook`]): read from those with
    /// nothing owed now that nothing touched since, then those something
    /// did (every invoice when many were).
    pub fn lateness(&self, later: &Later) -> Result<BTreeMap<CustomerId, i64>> {
        let on = later.on();
        // The touched invoices read one by one, as they stood then.
        let by_id = later.is_few() && self.customer.is_none();
        let scan = if by_id { Scan::CLOSED } else { Scan::ALL };
        let parts = self.fold_records(on, scan, LatenessBook::default, |paid, r| {
            if !by_id || !later.is_touched(r.customer_id, r.id) {
                paid.add(r, on);
            }
        })?;
        let mut paid = LatenessBook::default();
        for part in parts {
            paid.absorb(part);
        }
        if by_id {
            for r in self
                .store
                .invoice_records_of(on, later.touched(Customers::ALL))?
            {
                paid.add(&r, on);
            }
        }
        Ok(paid.lateness())
    }

    /// For the backtest of the forecast made on `later`'s day when many
    /// invoices were touched since, or for one customer: each customer's
    /// lateness then and what came in since, by `as_of`, from one read of
    /// the invoices as of `as_of` (an invoice as it stood then is its
    /// record less what settled it after).
    pub fn lateness_and_receipts(
        &self,
        later: &Later,
        as_of: NaiveDate,
    ) -> Result<(BTreeMap<CustomerId, i64>, Receipts)> {
        let then = later.on();
        let start = || (LatenessBook::default(), Receipts::new(then));
        let parts = self.fold_records(as_of, Scan::ALL, start, |(book, got), r| {
            got.add(r);
            if r.settlements.iter().all(|s| s.on <= then) {
                if r.issue_date <= then {
                    book.add(r, then);
                }
            } else if let Some(old) = r.then(then) {
                book.add(&old, then);
            }
        })?;
        let (mut book, mut got) = start();
        for (b, g) in parts {
            book.absorb(b);
            got.absorb(g);
        }
        Ok((book.lateness(), got))
    }

    /// What was paid each week of `forecast` on the invoices open on its
    /// date, by `as_of`, when few were touched after that date: read from
    /// those, the only ones paid anything since.
    pub fn received(
        &self,
        forecast: &Forecast,
        later: &Later,
        as_of: NaiveDate,
    ) -> Result<Received> {
        let mut got = Receipts::new(forecast.as_of);
        for r in self
            .store
            .invoice_records_of(as_of, later.touched(Customers::ALL))?
        {
            got.add(&r);
        }
        Ok(got.received(forecast))
    }

    /// A customer's code.
    pub fn code(&self, customer: CustomerId) -> String {
        self.names
            .get(&customer)
            .map(|(code, _)| code.clone())
            .unwrap_or_default()
    }

    /// Writes a report, then in a table its note.
    pub fn write(&self, report: &Report, note: &str, out: &mut dyn Write) -> Result<()> {
        self.write_made(report, || report.rows.iter(), note, out)
    }

    /// As [`Ledger::write`], with the rows `rows` makes as they are
    /// written ([`Report::write_made`]).
    pub fn write_made<I, R>(
        &self,
        report: &Report,
        rows: impl Fn() -> I,
        note: &str,
        out: &mut dyn Write,
    ) -> Result<()>
    where
        I: Iterator<Item = R>,
        R: AsRef<[Cell]>,
    {
        let locale = self.session.config.config.locale;
        report.write_made(rows, self.format, locale, out)?;
        if self.format == crate::output::Format::Table && !note.is_empty() {
            writeln!(out, "{note}")?;
        }
        Ok(())
    }
}

/// The accounts of a span as of `later`'s day and the engine's assessment
/// of each. No report reads an invoice's `why` or the agenda, so neither
/// is made ([`Explain::Agenda`] words no invoice's why): the statuses,
/// labels, measures (with their reasons) and commitments are the same
/// whatever is explained.
pub(super) fn evaluate(
    store: &Store,
    policy: &Policy,
    span: Span<'_>,
    later: &Later,
) -> Result<(Vec<Account>, Vec<AccountAssessment>)> {
    let accounts = store.accounts_then(later, span.customers, span.log)?;
    let assessed = assess(&accounts, policy, later.on());
    Ok((accounts, assessed))
}

/// The engine's assessment of each account as of `on`, as [`evaluate`]
/// makes it.
pub(super) fn assess(
    accounts: &[Account],
    policy: &Policy,
    on: NaiveDate,
) -> Vec<AccountAssessment> {
    accounts
        .iter()
        .map(|a| assess_account(a, policy, on, Explain::Agenda))
        .collect()
}
