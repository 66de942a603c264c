//! The ledger a span of customers at a time, on every core: what the
//! reports that run the engine (changes, the forecast) evaluate, so memory
//! holds a few spans' snapshots rather than the whole ledger's.

use anyhow::{Result, anyhow};

use super::insight::Ledger;
use crate::store::{Customers, Store};

/// Customers read and evaluated per span.
const SPAN: usize = 250;

impl Ledger<'_> {
    /// Runs `work` on every span of customers (the one asked for, or the
    /// whole ledger's), each thread on its own read connection; the
    /// answers come back in customer order.
    pub fn per_span<T: Send>(
        &self,
        work: impl Fn(&Store, Customers) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        let spans: Vec<Customers> = match self.customer {
            Some(id) => vec![Customers(id, id)],
            None => self
                .store
                .customer_ids()?
                .chunks(SPAN)
                .filter_map(|c| Some(Customers(*c.first()?, *c.last()?)))
                .collect(),
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, 4)
            .min(spans.len().max(1));
        let run = |store: &Store, k: usize| -> Result<Vec<(usize, T)>> {
            let mut out = Vec::new();
            for (i, span) in spans.iter().enumerate().skip(k).step_by(threads) {
                out.push((i, work(store, *span)?));
            }
            Ok(out)
        };
        let readers = (1..threads)
            .map(|_| self.store.reader())
            .collect::<Result<Vec<Store>, _>>()?;
        let mut parts = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
            let handles: Vec<_> = readers
                .into_iter()
                .enumerate()
                .map(|(n, reader)| {
                    let run = &run;
                    scope.spawn(move || run(&reader, n + 1))
                })
                .collect();
            let mut all = run(self.store, 0)?;
            for handle in handles {
                all.extend(
                    handle
                        .join()
                        .map_err(|_| anyhow!("a report thread stopped"))??,
                );
            }
            Ok(all)
        })?;
        parts.sort_by_key(|(i, _)| *i);
        Ok(parts.into_iter().map(|(_, t)| t).collect())
    }
}
