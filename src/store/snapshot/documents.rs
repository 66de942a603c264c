//! A snapshot's documents: the open invoices, with their disputes and
//! settlements, and the credit of credit notes and payments.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::super::settlements::Of;
use super::super::{Customers, Later, Result};
use super::{Read, Slots, running};
use dun_core::dunning::{Dispute, OpenInvoice};
use dun_core::ledger::{DocumentKind, Invoice, InvoiceId};
use dun_core::money::Money;

impl Read<'_> {
    /// The open invoices (with their disputes and, when asked, their
    /// settlements) and the credits; returns the oldest issue or dispute
    /// date, from which the log matters.
    pub(super) fn documents(&self, accounts: &mut Slots, settlements: bool) -> Result<NaiveDate> {
        let Read {
            conn,
            as_of,
            customer,
            later,
            beside,
            ..
        } = *self;
        let disputes = open_disputes(conn, as_of, customer)?;
        let mut settled = if settlements {
            super::super::settlements::settlements(conn, as_of, customer, Of::Open)?
        } else {
            HashMap::new()
        };
        let mut earliest = as_of;
        // Beside a later snapshot only when few were touched since.
        let beside = beside.filter(|_| later.is_some_and(Later::is_few));
        let mut place = |doc: Invoice| {
            let Some(account) = accounts.get(doc.customer_id) else {
                if doc.kind == DocumentKind::Invoice {
                    earliest = earliest.min(doc.issue_date);
                }
                return;
            };
            if doc.kind != DocumentKind::Invoice {
                account.credits.add(Money::new(doc.open, doc.currency));
                return;
            }
            earliest = earliest.min(doc.issue_date);
            account.invoices.push(OpenInvoice {
                id: doc.id,
                number: doc.number,
                issue_date: doc.issue_date,
                due_date: doc.due_date,
                amount: doc.amount,
                open: doc.open,
                currency: doc.currency,
                dispute: disputes.get(&doc.id).cloned(),
                settlements: settled.remove(&doc.id).unwrap_or_default(),
            });
        };
        // Each document is placed in its account as it is read.
        match (later, beside) {
            (Some(later), Some(_)) => {
                super::super::later::notes_and_touched(conn, later, customer, &mut place)?;
            }
            (Some(later), None) => {
                super::super::later::open_documents(conn, later, customer, &mut place)?;
            }
            (None, _) => {
                let read = super::super::history::Span {
                    as_of,
                    customer,
                    open_only: true,
                    ordered: false,
                };
                super::super::history::each_document(conn, read, &mut place)?;
            }
        }
        if let (Some(later), Some(recorded)) = (later, beside) {
            for from in recorded {
                let Some(account) = accounts.get(from.customer_id) else {
                    continue;
                };
                let kept = from
                    .invoices
                    .iter()
                    .filter(|i| i.issue_date <= as_of && !later.is_touched(from.customer_id, i.id));
                for invoice in kept {
                    earliest = earliest.min(invoice.issue_date);
                    account.invoices.push(OpenInvoice {
                        id: invoice.id,
                        number: invoice.number.clone(),
                        issue_date: invoice.issue_date,
                        due_date: invoice.due_date,
                        amount: invoice.amount,
                        open: invoice.open,
                        currency: invoice.currency,
                        dispute: disputes.get(&invoice.id).cloned(),
                        settlements: settled.remove(&invoice.id).unwrap_or_default(),
                    });
                }
            }
        }
        let unapplied = match later {
            Some(later) => super::super::later::unapplied(conn, later, customer)?,
            None => super::super::history::unapplied_as_of(conn, as_of, customer)?,
        };
        for (customer_id, currency, amount) in unapplied {
            if let Some(account) = accounts.get(customer_id) {
                account.credits.add(Money::new(amount, currency));
            }
        }
        for dispute in disputes.values() {
            earliest = earliest.min(dispute.opened_on);
        }
        Ok(earliest)
    }
}

fn open_disputes(
    conn: &Connection,
    as_of: NaiveDate,
    customer: Customers,
) -> Result<HashMap<InvoiceId, Dispute>> {
    running(
        conn,
        "SELECT d.invoice_id, d.opened_on, d.reason FROM dispute d
         JOIN invoice i ON i.id = d.invoice_id
         WHERE d.opened_on <= ?1 AND (d.resolved_on IS NULL OR d.resolved_on > ?1)
           AND i.customer_id BETWEEN ?2 AND ?3",
        as_of,
        customer,
        "cannot read disputes",
    )?
    .into_iter()
    .map(|(invoice, opened_on, reason)| Ok((invoice, Dispute { opened_on, reason })))
    .collect()
}
