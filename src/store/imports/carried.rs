//! The invoices an import carries unchanged: marked as carried by it only
//! when it commits. A file that changes nothing (the same export again)
//! writes nothing for them, and one that does writes the marks in id order.

use rusqlite::params;

use super::super::{Context, Result};
use super::ImportTx;
use dun_core::ledger::InvoiceId;

/// A set of invoice ids, one bit each: ids are assigned in order, so the
/// largest is about the number of invoices.
#[derive(Debug, Default)]
pub(super) struct IdSet {
    words: Vec<u64>,
    len: usize,
}

impl IdSet {
    fn slot(id: InvoiceId) -> Option<(usize, u64)> {
        let id = usize::try_from(id).ok()?;
        Some((id / 64, 1u64 << (id % 64)))
    }

    /// Adds `id`; false if it was there already.
    pub(super) fn insert(&mut self, id: InvoiceId) -> bool {
        let Some((word, bit)) = Self::slot(id) else {
            return false;
        };
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let fresh = self.words[word] & bit == 0;
        self.words[word] |= bit;
        self.len += usize::from(fresh);
        fresh
    }

    /// Whether `id` is in the set.
    pub(super) fn contains(&self, id: InvoiceId) -> bool {
        Self::slot(id).is_some_and(|(word, bit)| self.words.get(word).is_some_and(|w| w & bit != 0))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids, in ascending order.
    fn iter(&self) -> impl Iterator<Item = InvoiceId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            (0..64u32)
                .filter(move |b| word & (1u64 << b) != 0)
                .filter_map(move |b| InvoiceId::try_from(i * 64 + b as usize).ok())
        })
    }
}

impl ImportTx<'_> {
    /// Writes the marks of the invoices carried unchanged: done once the
    /// import is known to commit.
    pub(super) fn write_carried(&mut self) -> Result<()> {
        if self.carried.is_empty() {
            return Ok(());
        }
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE invoice SET import_id = ?2 WHERE id = ?1")
            .context("cannot mark invoice")?;
        for id in self.carried.iter() {
            stmt.execute(params![id, self.batch])
                .context("cannot mark invoice")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::IdSet;

    #[test]
    fn an_id_set_holds_each_id_once_and_lists_them_in_order() {
        let mut set = IdSet::default();
        assert!(set.is_empty());
        for id in [130, 1, 64, 63, 1] {
            set.insert(id);
        }
        assert!(!set.insert(64));
        assert!(set.contains(63) && set.contains(130) && !set.contains(2));
        assert!(!set.contains(-1) && !set.contains(1 << 40));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![1, 63, 64, 130]);
        assert_eq!(set.len, 4);
    }
}
