//! Evaluating the ledger: chunk by chunk on every core for the whole
//! ledger, or one customer's account, and what callers keep of it.

use std::collections::HashMap;

use anyhow::Result;

use super::super::Session;
use super::super::spans::per_span;
use crate::store::Store;
use dun_core::dunning::{Account, AccountAssessment, Assessment, Explain, evaluate_with};
use dun_core::ledger::{CustomerId, InvoiceId};

/// Evaluates the whole ledger a span of customers at a time on every core
/// ([`per_span`]), handing every span's accounts and assessment to `keep`;
/// memory stays at about a span per core. Results come back in customer
/// order.
pub(in crate::commands) fn evaluate_chunks<T: Send>(
    session: &Session,
    store: &Store,
    explain: Explain,
    keep: impl Fn(&[Account], &Assessment) -> T + Sync,
) -> Result<Vec<T>> {
    let policy = session.policy();
    per_span(store, None, session.as_of, |reader, span| {
        let accounts = reader.accounts_between(session.as_of, span.customers, span.log)?;
        let assessment = evaluate_with(&accounts, &policy, session.as_of, explain);
        Ok(keep(&accounts, &assessment))
    })
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
