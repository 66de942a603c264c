//! `dun report …`: the collections insight reports. Each reads the ledger
//! as of the session's date, hands plain values to `dun_core::insight` and
//! renders what comes back through `output.rs`.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;

use super::super::Session;
use crate::cli::{ReportArgs, ReportCommand};
use crate::output::Report;
use crate::store::{Customers, Store, StoreError};
use dun_core::dunning::{Account, Assessment, Explain, evaluate_with};
use dun_core::insight::InvoiceRecord;
use dun_core::ledger::CustomerId;

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
}

impl<'a> Ledger<'a> {
    fn open(session: &'a Session, store: &'a Store, args: &ReportArgs) -> Result<Self> {
        let customer = session.customer_filter(store, args.customer.as_deref())?;
        Ok(Ledger {
            session,
            store,
            customer,
            format: args.list.format,
            names: store.customer_names()?,
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
        })
    }

    /// The invoices issued by `as_of` with what settled them by then, by
    /// customer. The whole ledger is read in two halves of its customers,
    /// each on its own connection and core.
    pub fn records(&self, as_of: NaiveDate) -> Result<Vec<InvoiceRecord>> {
        if self.customer.is_some() {
            return Ok(self.store.invoice_records(as_of, self.customer)?);
        }
        let ids = self.store.customer_ids()?;
        let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
            return Ok(Vec::new());
        };
        let middle = ids[ids.len() / 2];
        if middle == *first {
            return Ok(self.store.invoice_records(as_of, None)?);
        }
        let reader = self.store.reader()?;
        let (low, high) = std::thread::scope(|scope| {
            let high = scope
                .spawn(move || reader.invoice_records_between(as_of, Customers(middle, *last)));
            let low = self
                .store
                .invoice_records_between(as_of, Customers(*first, middle - 1));
            let high = high
                .join()
                .unwrap_or_else(|_| Err(StoreError::Refused("the second reader stopped".into())));
            (low, high)
        });
        let mut all = low?;
        all.extend(high?);
        Ok(all)
    }

    /// The accounts as of a date and the engine's evaluation of them.
    pub fn evaluate(&self, as_of: NaiveDate) -> Result<(Vec<Account>, Assessment)> {
        let accounts = self.store.accounts(as_of, self.customer)?;
        let policy = self.session.policy();
        let assessment = evaluate_with(&accounts, &policy, as_of, Explain::DueOnly);
        Ok((accounts, assessment))
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
        let locale = self.session.config.config.locale;
        report.write(self.format, locale, out)?;
        if self.format == crate::output::Format::Table && !note.is_empty() {
            writeln!(out, "{note}")?;
        }
        Ok(())
    }
}
