//! Evaluating the ledger: chunk by chunk on every core for the whole
//! ledger, or one customer's account, and what callers keep of it.

use std::collections::HashMap;

use anyhow::Result;

use super::super::Session;
use crate::store::{Customers, Store};
use dun_core::dunning::{Account, AccountAssessment, Assessment, Explain, evaluate_with};
use dun_core::ledger::{CustomerId, InvoiceId};

/// Customers evaluated per chunk: small enough that a chunk's snapshot is a
/// few megabytes, large enough that the per-chunk queries cost little.
const CHUNK: usize = 250;

/// Evaluates the whole ledger chunk by chunk on every core, each thread on
/// its own read connection, handing every chunk's accounts and assessment
/// to `keep`; memory stays at about a chunk per core. Results come back in
/// customer order.
pub(in crate::commands) fn evaluate_chunks<T: Send>(
    session: &Session,
    store: &Store,
    explain: Explain,
    keep: impl Fn(&[Account], &Assessment) -> T + Sync,
) -> Result<Vec<T>> {
    let ids = store.customer_ids()?;
    let spans: Vec<Customers> = ids
        .chunks(CHUNK)
        .filter_map(|c| Some(Customers(*c.first()?, *c.last()?)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(spans.len().max(1));
    let policy = session.policy();
    let work = |reader: &Store, k: usize| -> Result<Vec<(usize, T)>> {
        let mut out = Vec::new();
        for (i, span) in spans.iter().enumerate().skip(k).step_by(threads) {
            let accounts = reader.accounts_between(session.as_of, *span)?;
            let assessment = evaluate_with(&accounts, &policy, session.as_of, explain);
            out.push((i, keep(&accounts, &assessment)));
        }
        Ok(out)
    };
    let readers = (1..threads)
        .map(|_| store.reader())
        .collect::<Result<Vec<Store>, _>>()?;
    let mut parts: Vec<(usize, T)> = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
        let handles: Vec<_> = readers
            .into_iter()
            .enumerate()
            .map(|(n, reader)| {
                let work = &work;
                scope.spawn(move || work(&reader, n + 1))
            })
            .collect();
        let mut all = work(store, 0)?;
        for handle in handles {
            all.extend(
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("an evaluation thread stopped"))??,
            );
        }
        Ok(all)
    })?;
    parts.sort_by_key(|(i, _)| *i);
    Ok(parts.into_iter().map(|(_, t)| t).collect())
}

/// The ledger evaluated as of the session's date.
pub(in crate::commands) struct Evaluation {
    /// The snapshots evaluated.
    pub accounts: Vec<Account>,
    /// The engine's answer.
    pub assessment: Assessment,
    /// Position of each customer's account.
    index: HashMap<CustomerId, usize>,
}

impl Evaluation {
    /// Evaluates every account, or one customer's.
    pub(in crate::commands) fn load(
        session: &Session,
        store: &Store,
        customer: Option<CustomerId>,
        explain: Explain,
    ) -> Result<Self> {
        let accounts = store.accounts(session.as_of, customer)?;
        let assessment = evaluate_with(&accounts, &session.policy(), session.as_of, explain);
        let index = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.customer_id, i))
            .collect();
        Ok(Evaluation {
            accounts,
            assessment,
            index,
        })
    }

    /// The assessment of one customer's account.
    pub(in crate::commands) fn account(
        &self,
        customer: CustomerId,
    ) -> Option<(&Account, &AccountAssessment)> {
        let i = *self.index.get(&customer)?;
        Some((&self.accounts[i], &self.assessment.accounts[i]))
    }

    /// Stage labels of every open invoice.
    pub(in crate::commands) fn labels(&self) -> HashMap<InvoiceId, String> {
        label_pairs(&self.assessment).collect()
    }

    /// Measure names of every customer.
    pub(in crate::commands) fn measures(&self) -> HashMap<CustomerId, Vec<String>> {
        measure_pairs(&self.assessment).collect()
    }
}

/// Stage labels of the open invoices, of one customer or of every one.
pub(in crate::commands) fn labels(
    session: &Session,
    store: &Store,
    customer: Option<CustomerId>,
) -> Result<HashMap<InvoiceId, String>> {
    if customer.is_some() {
        return Ok(Evaluation::load(session, store, customer, Explain::DueOnly)?.labels());
    }
    let parts = evaluate_chunks(session, store, Explain::DueOnly, |_, assessment| {
        label_pairs(assessment).collect::<Vec<_>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// The measures of every customer.
pub(in crate::commands) fn all_measures(
    session: &Session,
    store: &Store,
) -> Result<HashMap<CustomerId, Vec<String>>> {
    let parts = evaluate_chunks(session, store, Explain::DueOnly, |_, assessment| {
        measure_pairs(assessment).collect::<Vec<_>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// Each open invoice's stage label.
fn label_pairs(assessment: &Assessment) -> impl Iterator<Item = (InvoiceId, String)> + '_ {
    assessment
        .accounts
        .iter()
        .flat_map(|a| a.invoices.iter().map(|i| (i.invoice_id, i.label.clone())))
}

/// Each customer's measure names.
fn measure_pairs(assessment: &Assessment) -> impl Iterator<Item = (CustomerId, Vec<String>)> + '_ {
    assessment.accounts.iter().map(|a| {
        let names = a.measures.iter().map(|m| m.measure.as_str().to_string());
        (a.customer_id, names.collect())
    })
}
