//! The ledger a span of customers at a time, on every core: what the
//! agenda, the dashboard and the reports that run the engine evaluate, so
//! memory holds a few spans' snapshots rather than the whole ledger's.

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use crate::store::{Customers, FollowUpLog, Store};

/// Customers read and evaluated per span: small enough that a span's
/// snapshot is a few megabytes, large enough that the per-span queries
/// cost little.
const SPAN: usize = 250;

/// A span of customers, and the whole ledger's follow-up log when it was
/// read once for every span.
#[derive(Clone, Copy)]
pub(in crate::commands) struct Span<'a> {
    /// The customers.
    pub customers: Customers,
    /// The follow-ups of the whole ledger.
    pub log: Option<&'a FollowUpLog>,
}

/// Runs `work` on every span of the ledger's customers (or on the one
/// customer asked for), each thread on its own read connection; the
/// answers come back in customer order. For the whole ledger the
/// follow-up log to `as_of` is read first, once for every span, on every
/// connection.
pub(in crate::commands) fn per_span<T: Send>(
    store: &Store,
    customer: Option<dun_core::ledger::CustomerId>,
    as_of: NaiveDate,
    work: impl Fn(&Store, Span<'_>) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let spans: Vec<Customers> = match customer {
        Some(id) => vec![Customers(id, id)],
        None => store
            .customer_ids()?
            .chunks(SPAN)
            .filter_map(|c| Some(Customers(*c.first()?, *c.last()?)))
            .collect(),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(spans.len().max(1));
    let mut readers = (1..threads)
        .map(|_| store.reader())
        .collect::<Result<Vec<Store>, _>>()?;
    let log = match customer {
        Some(_) => None,
        None => Some(store.ledger_log(&mut readers, as_of)?),
    };
    let run = |store: &Store, k: usize| -> Result<Vec<(usize, T)>> {
        let mut out = Vec::new();
        for (i, customers) in spans.iter().enumerate().skip(k).step_by(threads) {
            let span = Span {
                customers: *customers,
                log: log.as_ref(),
            };
            out.push((i, work(store, span)?));
        }
        Ok(out)
    };
    let mut parts = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
        let handles: Vec<_> = readers
            .into_iter()
            .enumerate()
            .map(|(n, reader)| {
                let run = &run;
                scope.spawn(move || run(&reader, n + 1))
            })
            .collect();
        let mut all = run(store, 0)?;
        for handle in handles {
            all.extend(
                handle
                    .join()
                    .map_err(|_| anyhow!("an evaluation thread stopped"))??,
            );
        }
        Ok(all)
    })?;
    parts.sort_by_key(|(i, _)| *i);
    Ok(parts.into_iter().map(|(_, t)| t).collect())
}

/// The spans' lists one after the other, in one list sized once: grown by
/// doubling, a long list would be copied, and held twice, at its largest.
pub(in crate::commands) fn joined<T>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    all
}
