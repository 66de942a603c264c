//! A document corrected to fewer (or other) due dates: the instalments
//! the ledger keeps under its earlier numbering (`N (3/3)` once it is `N
//! (1/2)`, `N (2/2)`) are retired, so the document is open only by its
//! current instalments everywhere (aging, agenda, statements).
//!
//! What was applied to a retired instalment (payments, credit notes) moves
//! to the current instalments, earliest due first, as far as their open
//! balance goes; what is left open on it is closed as settled by the
//! import (an import that shows it again reopens it, as for any settled
//! document); it is then no longer an instalment of the document.

use rusqlite::params;

use super::super::rows::IsoDate;
use super::super::{Context, Result};
use super::ImportTx;
use dun_core::ledger::InvoiceId;

/// An allocation on a retired instalment.
struct Applied {
    id: i64,
    amount_minor: i64,
    discount_minor: i64,
}

/// A current instalment and what it still has open.
struct Target {
    id: InvoiceId,
    open_minor: i64,
}

impl ImportTx<'_> {
    /// Retires the instalments of `document` that are not among `current`
    /// (its numbers as this import writes them); returns their numbers.
    pub fn retire_instalments(
        &mut self,
        document: &str,
        current: &[String],
    ) -> Result<Vec<String>> {
        // Read once per import: during one the ledger's indexes may be
        // set aside, and a query per document would read the whole table.
        if self.instalments.is_none() {
            let all: Vec<(InvoiceId, String, String)> = self
                .tx
                .prepare(
                    "SELECT id, number, document FROM invoice
                     WHERE document IS NOT NULL AND instalment IS NOT NULL
                     ORDER BY instalment, id",
                )
                .and_then(|mut s| {
                    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .context("cannot read the ledger's instalments")?;
            let mut by_document: std::collections::HashMap<String, Vec<(InvoiceId, String)>> =
                std::collections::HashMap::new();
            for (id, number, document) in all {
                by_document.entry(document).or_default().push((id, number));
            }
            self.instalments = Some(by_document);
        }
        let stale: Vec<(InvoiceId, String)> = self
            .instalments
            .as_mut()
            .and_then(|m| m.remove(document))
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, number)| !current.contains(number))
            .collect();
        if stale.is_empty() {
            return Ok(Vec::new());
        }
        let mut targets = self.targets(current)?;
        let mut retired = Vec::with_capacity(stale.len());
        for (id, number) in stale {
            for applied in self.applied_to(id)? {
                self.move_applied(id, &applied, &mut targets)?;
            }
            if let Some(existing) = self.invoice(&number)? {
                self.touched.insert(existing.customer_id);
                self.settle(&existing, existing.open_minor)?;
            }
            self.tx
                .prepare_cached(
                    "UPDATE invoice SET document = NULL, instalment = NULL WHERE id = ?1",
                )
                .and_then(|mut s| s.execute([id]))
                .context("cannot retire an instalment")?;
            retired.push(number);
        }
        self.retired.extend(retired.iter().cloned());
        Ok(retired)
    }

    /// The instalments retired since the last call, for the summary.
    pub fn take_retired(&mut self) -> Vec<String> {
        std::mem::take(&mut self.retired)
    }

    /// The current instalments, earliest due first.
    fn targets(&self, current: &[String]) -> Result<Vec<Target>> {
        let mut targets = Vec::with_capacity(current.len());
        for number in current {
            if let Some(e) = self.invoice(number)? {
                targets.push((
                    e.due_date,
                    Target {
                        id: e.id,
                        open_minor: e.open_minor,
                    },
                ));
            }
        }
        targets.sort_by_key(|(due, t)| (*due, t.id));
        Ok(targets.into_iter().map(|(_, t)| t).collect())
    }

    fn applied_to(&self, invoice: InvoiceId) -> Result<Vec<Applied>> {
        self.tx
            .prepare_cached(
                "SELECT id, amount_minor, discount_minor FROM allocation WHERE invoice_id = ?1
                 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([invoice], |r| {
                    Ok(Applied {
                        id: r.get(0)?,
                        amount_minor: r.get(1)?,
                        discount_minor: r.get(2)?,
                    })
                })?
                .collect()
            })
            .context("cannot read what was applied to an instalment")
    }

    /// Moves one allocation from a retired instalment to the current ones:
    /// whole to the first with room for it, else (without a discount) in
    /// parts; what finds no room stays where it is.
    fn move_applied(&mut self, from: InvoiceId, a: &Applied, targets: &mut [Target]) -> Result<()> {
        let whole = a.amount_minor + a.discount_minor;
        if let Some(t) = targets.iter_mut().find(|t| t.open_minor >= whole) {
            self.tx
                .prepare_cached("UPDATE allocation SET invoice_id = ?2 WHERE id = ?1")
                .and_then(|mut s| s.execute(params![a.id, t.id]))
                .context("cannot move an allocation")?;
            self.shift(from, t, whole, a.discount_minor)?;
            return Ok(());
        }
        if a.discount_minor > 0 {
            return Ok(());
        }
        let mut left = a.amount_minor;
        for t in targets.iter_mut().filter(|t| t.open_minor > 0) {
            if left == 0 {
                break;
            }
            let part = left.min(t.open_minor);
            self.tx
                .prepare_cached(
                    "INSERT INTO allocation (invoice_id, payment_id, credit_note_id, amount_minor, allocated_on, discount_minor)
                     SELECT ?2, payment_id, credit_note_id, ?3, allocated_on, 0 FROM allocation WHERE id = ?1",
                )
                .and_then(|mut s| s.execute(params![a.id, t.id, part]))
                .context("cannot move an allocation")?;
            left -= part;
            self.shift(from, t, part, 0)?;
        }
        let sql = if left == 0 {
            "DELETE FROM allocation WHERE id = ?1"
        } else {
            "UPDATE allocation SET amount_minor = ?2 WHERE id = ?1"
        };
        self.tx
            .prepare_cached(sql)
            .and_then(|mut s| {
                if left == 0 {
                    s.execute([a.id])
                } else {
                    s.execute(params![a.id, left])
                }
            })
            .context("cannot move an allocation")?;
        Ok(())
    }

    /// `minor` applied moves from one invoice's open balance to another's.
    fn shift(&mut self, from: InvoiceId, to: &mut Target, minor: i64, discount: i64) -> Result<()> {
        let on = IsoDate::from(self.on);
        for (id, delta) in [(from, minor), (to.id, -minor)] {
            self.tx
                .prepare_cached(
                    "UPDATE invoice SET open_minor = open_minor + ?2,
                        discount_minor = discount_minor + ?4,
                        closed_on = CASE WHEN open_minor + ?2 = 0 THEN COALESCE(closed_on, ?3)
                                         ELSE NULL END
                     WHERE id = ?1",
                )
                .and_then(|mut s| {
                    let d = if delta > 0 { -discount } else { discount };
                    s.execute(params![id, delta, on, d])
                })
                .context("cannot move an allocation")?;
        }
        to.open_minor -= minor;
        Ok(())
    }
}
