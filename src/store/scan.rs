//! The whole ledger's invoice records read end to end, for the reports
//! that add up every invoice: what settled the invoices is read first, once,
//! in shares (one per core, by allocation id), then the invoice table in
//! spans of ids, each record handed over with its settlements.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::rows::{self, iso};
use super::{Context, Result, Store};
use dun_core::insight::InvoiceRecord;
use dun_core::ledger::{SettledBy, Settlement};

/// Which invoices [`Store::scan_invoice_records`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Only those with nothing owed on them now.
    closed: bool,
    /// Ids from, to, both included.
    ids: (i64, i64),
}

impl Scan {
    /// Every invoice issued by the date.
    pub const ALL: Scan = Scan {
        closed: false,
        ids: (i64::MIN, i64::MAX),
    };
    /// Those with nothing owed on them now.
    pub const CLOSED: Scan = Scan {
        closed: true,
        ids: (i64::MIN, i64::MAX),
    };

    /// Those of these whose ids are from `from` to `to`, both included:
    /// one part of a ledger read on several cores.
    pub fn part(self, from: i64, to: i64) -> Scan {
        Scan {
            ids: (from, to),
            ..self
        }
    }
}

/// The most parts a share reserves room for before it reads: four million,
/// 160 MB of address space at most.
const RESERVED: usize = 1 << 22;

/// One settled part: invoice, day, minor units, what settled it, and its
/// place among the parts of the same day (the order
/// [`super::settlements`] gives them).
#[derive(Debug, Clone, Copy)]
struct Part {
    invoice: i64,
    minor: i64,
    on: NaiveDate,
    rank: u8,
    by: SettledBy,
}

/// One share of what settled the ledger's invoices by a date
/// ([`Store::settled_share`]), by invoice, then day, then rank, parts of
/// one allocation in the order they were written.
#[derive(Debug, Default)]
struct SettledShare(Vec<Part>);

/// What settled the ledger's invoices by a date ([`Store::settled`]), every
/// share of it in the order of the allocation ids it covers: what
/// [`Store::scan_invoice_records`] hands out with each invoice.
#[derive(Debug, Default)]
pub struct Settled(Vec<SettledShare>);

impl Store {
    /// The highest invoice id, 0 for an empty ledger.
    pub fn last_invoice_id(&self) -> Result<i64> {
        self.conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM invoice", [], |r| r.get(0))
            .context("cannot read the invoices issued")
    }

    /// The highest allocation id, 0 when nothing was ever allocated.
    pub fn last_allocation_id(&self) -> Result<i64> {
        self.conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM allocation", [], |r| {
                r.get(0)
            })
            .context("cannot read what settled the invoices")
    }

    /// What settled the ledger's invoices by `as_of`, read on this
    /// connection and on `others` at once, a stretch of the allocation
    /// table each (the settlement table, write-offs and imports on the
    /// last): every allocation is read once, by one of them.
    pub fn settled(&self, others: &mut [Store], as_of: NaiveDate) -> Result<Settled> {
        let last = self.last_allocation_id()?;
        let count = others.len() + 1;
        let read = self.on_each(
            others,
            "a reader of what settled the invoices",
            |store, k| {
                share(
                    store.conn(),
                    as_of,
                    stretch(k, count, last),
                    last,
                    k + 1 == count,
                )
            },
        )?;
        Ok(Settled(read))
    }

    /// Every invoice (not credit note) issued by `as_of` that `scan` asks
    /// for, with its settlements up to `as_of` from `settled` (read as of
    /// the same date), as [`Store::invoice_records`] gives them but for its
    /// number, left empty (no whole-ledger figure names an invoice), handed
    /// to `each` one at a time in invoice order. The table is read from
    /// end to end rather than customer by customer: each page is visited
    /// once, and one invoice is held at a time.
    pub fn scan_invoice_records(
        &self,
        as_of: NaiveDate,
        scan: Scan,
        settled: &Settled,
        mut each: impl FnMut(&InvoiceRecord),
    ) -> Result<()> {
        let sql = format!(
            "SELECT id, customer_id, issue_date, due_date, amount_minor, currency
               FROM invoice
              WHERE kind = 'invoice' AND +issue_date <= ?1 AND id BETWEEN ?2 AND ?3 {}
              ORDER BY id",
            if scan.closed {
                "AND open_minor = 0"
            } else {
                ""
            }
        );
        let mut stmt = self
            .conn()
            .prepare_cached(&sql)
            .context("cannot read the invoices issued")?;
        let mut rows = stmt
            .query(params![iso(as_of), scan.ids.0, scan.ids.1])
            .context("cannot read the invoices issued")?;
        let mut next: Vec<usize> = settled
            .0
            .iter()
            .map(|share| share.0.partition_point(|p| p.invoice < scan.ids.0))
            .collect();
        // One record, filled again for each invoice: its settlements keep
        // their buffer from one to the next.
        let mut record = InvoiceRecord {
            id: 0,
            number: String::new(),
            customer_id: 0,
            issue_date: as_of,
            due_date: as_of,
            amount: rust_decimal::Decimal::ZERO,
            currency: dun_core::money::Currency::EUR,
            settlements: Vec::new(),
        };
        let mut own: Vec<(NaiveDate, u8, Settlement)> = Vec::new();
        while let Some(r) = rows.next().context("cannot read an invoice issued")? {
            fill(&mut record, r)?;
            own.clear();
            for (share, at) in settled.0.iter().zip(next.iter_mut()) {
                while share.0.get(*at).is_some_and(|p| p.invoice < record.id) {
                    *at += 1;
                }
                while let Some(p) = share.0.get(*at).filter(|p| p.invoice == record.id) {
                    let amount = rows::amount(p.minor, record.currency);
                    own.push((
                        p.on,
                        p.rank,
                        Settlement {
                            on: p.on,
                            amount,
                            by: p.by,
                        },
                    ));
                    *at += 1;
                }
            }
            // Each share is in order; parts from several are merged, a
            // stable sort keeping the shares' order within a day and rank.
            if !own.is_sorted_by_key(|(on, rank, _)| (*on, *rank)) {
                own.sort_by_key(|(on, rank, _)| (*on, *rank));
            }
            record.settlements.clear();
            record.settlements.extend(own.drain(..).map(|(.., s)| s));
            each(&record);
        }
        Ok(())
    }
}

/// The `k`th of `count` stretches of ids from 1 to `last`, both ends
/// included; the first and last are open-ended, so every id is in one.
pub fn stretch(k: usize, count: usize, last: i64) -> (i64, i64) {
    let (k, count) = (
        i64::try_from(k).unwrap_or(i64::MAX),
        i64::try_from(count.max(1)).unwrap_or(1),
    );
    let size = (last / count).saturating_add(1);
    let from = if k == 0 {
        i64::MIN
    } else {
        k.saturating_mul(size).saturating_add(1)
    };
    let to = if k.saturating_add(1) >= count {
        i64::MAX
    } else {
        (k + 1).saturating_mul(size)
    };
    (from, to)
}

/// What settled invoices by `as_of` through the allocations whose ids are
/// in `allocations` (that stretch of the table, read once), and with
/// `rest` through the settlement table, write-offs and imports too: one
/// share of [`Settled`].
fn share(
    conn: &Connection,
    as_of: NaiveDate,
    allocations: (i64, i64),
    last: i64,
    rest: bool,
) -> Result<SettledShare> {
    let day = iso(as_of);
    // About one part per allocation id of the stretch (ids are rarely
    // left unused): reserved once, not grown by doubling; at most
    // `RESERVED` ahead, so ids left far apart cannot ask for more room
    // than a ledger needs (what is reserved and never written is not
    // memory in use).
    let ids = allocations.1.min(last).saturating_sub(allocations.0.max(1)) + 1;
    let room = usize::try_from(ids).unwrap_or(0).min(RESERVED);
    let mut parts = Vec::with_capacity(room);
    allocated(conn, &day, allocations, &mut parts)?;
    if rest {
        imported(conn, &day, &mut parts)?;
        whole(conn, &day, &mut parts)?;
    }
    // Stable: parts of one day keep the order they were read in.
    parts.sort_by_key(|p| (p.invoice, p.on, p.rank));
    Ok(SettledShare(parts))
}

/// Fills `record` from the columns id, customer_id, issue_date, due_date,
/// amount_minor and currency, reading the text in place.
fn fill(record: &mut InvoiceRecord, r: &rusqlite::Row<'_>) -> Result<()> {
    let bytes =
        |i: usize| -> rusqlite::Result<&[u8]> { r.get_ref(i)?.as_bytes().map_err(Into::into) };
    let read = || -> rusqlite::Result<_> {
        Ok((
            (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?),
            (bytes(2)?, bytes(3)?, r.get::<_, i64>(4)?),
            r.get_ref(5)?.as_str()?,
        ))
    };
    let ((id, customer_id), (issued, due, minor), currency) =
        read().context("cannot read an invoice issued")?;
    let currency = rows::currency(currency)?;
    record.id = id;
    record.customer_id = customer_id;
    record.issue_date = rows::date_bytes(issued)?;
    record.due_date = rows::date_bytes(due)?;
    record.amount = rows::amount(minor, currency);
    record.currency = currency;
    Ok(())
}

/// Adds the parts of the payments and credit notes allocated by `day`
/// whose allocation ids are in `ids`: that stretch of the table, read in
/// order (a payment's discount right after what it paid).
fn allocated(conn: &Connection, day: &str, ids: (i64, i64), parts: &mut Vec<Part>) -> Result<()> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT invoice_id, allocated_on, amount_minor, payment_id, discount_minor,
                    credit_note_id
               FROM allocation
              WHERE +allocated_on <= ?1 AND id BETWEEN ?2 AND ?3",
        )
        .context("cannot read what settled the invoices")?;
    let mut rows = stmt
        .query(params![day, ids.0, ids.1])
        .context("cannot read what settled the invoices")?;
    while let Some(r) = rows.next().context("cannot read what settled an invoice")? {
        let read = || -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                rows::date_bytes(r.get_ref(1)?.as_bytes()?),
                r.get::<_, i64>(2)?,
                (r.get::<_, Option<i64>>(3)?, r.get::<_, i64>(4)?),
                r.get::<_, Option<i64>>(5)?,
            ))
        };
        let (invoice, on, minor, (payment, discount), note) =
            read().context("cannot read what settled an invoice")?;
        let on = on?;
        let part = |minor, by| Part {
            invoice,
            minor,
            on,
            rank: 0,
            by,
        };
        match (payment, note) {
            (Some(payment), _) => {
                parts.push(part(minor, SettledBy::Payment(payment)));
                if discount > 0 {
                    parts.push(part(discount, SettledBy::Discount(payment)));
                }
            }
            (None, Some(note)) => parts.push(part(minor, SettledBy::CreditNote(note))),
            (None, None) => {}
        }
    }
    Ok(())
}

/// Adds what the settlement table holds by `day`: the instalments an import
/// found paid.
fn imported(conn: &Connection, day: &str, parts: &mut Vec<Part>) -> Result<()> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT invoice_id, settled_on, amount_minor FROM settlement WHERE +settled_on <= ?1",
        )
        .context("cannot read what settled the invoices")?;
    dated_parts(&mut stmt, day, (3, SettledBy::Import), parts)
}

/// Adds what settled an invoice whole by `day`: its write-off, and what an
/// import found already paid on it, each read through the partial index
/// that holds only the invoices that have one (credit notes too: the scan
/// skips the parts of any id it does not read).
fn whole(conn: &Connection, day: &str, parts: &mut Vec<Part>) -> Result<()> {
    let whole = [
        (
            "SELECT id, written_off_on, written_off_minor FROM invoice
              WHERE written_off_on IS NOT NULL AND written_off_on <= ?1 AND written_off_minor > 0",
            (1, SettledBy::WriteOff),
        ),
        (
            "SELECT id, settled_on, settled_minor FROM invoice
              WHERE settled_on IS NOT NULL AND settled_on <= ?1 AND settled_minor > 0",
            (2, SettledBy::BeforeImport),
        ),
    ];
    for (sql, how) in whole {
        let mut stmt = conn
            .prepare_cached(sql)
            .context("cannot read what settled the invoices")?;
        dated_parts(&mut stmt, day, how, parts)?;
    }
    Ok(())
}

/// Adds a part of rank and kind `how` for each row of `stmt` (invoice id,
/// date, minor units), run with `day` as its one parameter.
fn dated_parts(
    stmt: &mut rusqlite::CachedStatement<'_>,
    day: &str,
    (rank, by): (u8, SettledBy),
    parts: &mut Vec<Part>,
) -> Result<()> {
    let mut rows = stmt
        .query(params![day])
        .context("cannot read what settled the invoices")?;
    while let Some(r) = rows.next().context("cannot read what settled an invoice")? {
        let read = || -> rusqlite::Result<_> {
            Ok((
                r.get::<_, i64>(0)?,
                rows::date_bytes(r.get_ref(1)?.as_bytes()?),
                r.get::<_, i64>(2)?,
            ))
        };
        let (invoice, on, minor) = read().context("cannot read what settled an invoice")?;
        parts.push(Part {
            invoice,
            minor,
            on: on?,
            rank,
            by,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stretch;

    #[test]
    fn stretches_cover_every_id_once_in_order() {
        for last in [0, 1, 7, 1_000, i64::MAX - 1, i64::MAX] {
            for count in 1..=5 {
                let all: Vec<(i64, i64)> = (0..count).map(|k| stretch(k, count, last)).collect();
                assert_eq!(all[0].0, i64::MIN, "{last} in {count}");
                assert_eq!(all[count - 1].1, i64::MAX, "{last} in {count}");
                for pair in all.windows(2) {
                    assert!(pair[0].0 <= pair[0].1, "{last} in {count}: {all:?}");
                    assert_eq!(pair[0].1 + 1, pair[1].0, "{last} in {count}: {all:?}");
                }
            }
        }
        // A thousand ids in four: a quarter each, the ends open.
        assert_eq!(stretch(1, 4, 1_000), (252, 502));
    }
}
