//! Building what the dashboard shows: the board (chunk by chunk), one
//! customer's screen, and a customer's refresh after a write.

use std::sync::Arc;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;

use super::super::Session;
use super::super::dunning::Evaluation;
use crate::ops::Entry;
use crate::store::{HistoryOf, Store};
use crate::tui::app::Undo;
use crate::tui::model::{AccountView, AgendaRow, Board, ContactLine, CustomerDetail, InvoiceLine};
use dun_core::dunning::{
    Account, AccountAssessment, AgendaItem, Explain, Status, commitment_lines, evaluate_account,
};
use dun_core::ledger::{ContactRole, Customer, CustomerId};
use dun_core::money::Money;

/// What one chunk of customers gives the board: its aging rows, its
/// agenda rows (boxed as the board holds them, so merging the chunks
/// moves pointers, never copies of the rows), and whom to call for each
/// customer on the agenda.
type Part = (
    Vec<crate::tui::model::AgingRow>,
    Vec<Box<AgendaRow>>,
    Vec<(CustomerId, [ContactRole; 2])>,
);

/// Customer names by id, with their codes.
type Names = std::collections::HashMap<CustomerId, (String, String)>;

/// Loads the whole board as of the session's date, chunk by chunk: only
/// the rows and agenda items are kept, never the whole ledger's snapshot.
pub fn load_board(session: &Session, store: &Store) -> Result<Board> {
    let names = store.customer_names()?;
    let policy = session.policy();
    let parts = super::super::dunning::evaluate_chunks(
        session,
        store,
        Explain::Agenda,
        |accounts, assessment| board_part(session, &names, &policy, accounts, assessment),
    )?;
    let mut board = Board {
        as_of: session.as_of,
        bucket_titles: session.config.buckets.titles(),
        rows: Vec::new(),
        agenda: Vec::new(),
        customers: names.len(),
        waiting: waiting_lines(store)?,
    };
    board
        .rows
        .reserve_exact(parts.iter().map(|(rows, ..)| rows.len()).sum());
    board
        .agenda
        .reserve_exact(parts.iter().map(|(_, items, _)| items.len()).sum());
    let mut orders = std::collections::HashMap::new();
    for (rows, items, order) in parts {
        board.rows.extend(rows);
        board.agenda.extend(items);
        orders.extend(order);
    }
    // Whom to call about each agenda item: the customers with their
    // contacts in one read, not a query per customer on the agenda, once
    // the chunks' parts are on the board.
    let mut calls = std::collections::HashMap::new();
    if !orders.is_empty() {
        for customer in store.customers()? {
            if let Some(order) = orders.get(&customer.id) {
                let call = contact_lines(&customer, order).0.map(Arc::new);
                calls.insert(customer.id, call);
            }
        }
    }
    for row in &mut board.agenda {
        row.call = calls.get(&row.item.customer_id).cloned().flatten();
    }
    Board::sort_rows(&mut board.rows);
    board.sort_agenda();
    Ok(board)
}

/// The board's share of one evaluated chunk.
fn board_part(
    session: &Session,
    names: &Names,
    policy: &dun_core::dunning::Policy,
    accounts: &[Account],
    assessment: &dun_core::dunning::Assessment,
) -> Part {
    let agenda = &assessment.agenda;
    let mut first_items: std::collections::HashMap<CustomerId, usize> =
        std::collections::HashMap::new();
    for (n, item) in agenda.iter().enumerate() {
        first_items.entry(item.customer_id).or_insert(n);
    }
    let name_of = |id: &CustomerId| names.get(id).map(|(_, n)| n.as_str()).unwrap_or("");
    let mut rows = Vec::new();
    let mut orders = Vec::new();
    for (account, assessed) in accounts.iter().zip(&assessment.accounts) {
        let first: Vec<AgendaItem> = first_items
            .get(&account.customer_id)
            .map(|&i| agenda[i].clone())
            .into_iter()
            .collect();
        if !first.is_empty() {
            let order = dun_core::dunning::call_order(account, assessed, policy);
            orders.push((account.customer_id, order));
        }
        let view = AccountView {
            account,
            assessed,
            name: name_of(&account.customer_id),
            last_contact: last_contact(account),
        };
        rows.extend(rows_of(session, &view, &first));
    }
    let items: Vec<Box<AgendaRow>> = agenda
        .iter()
        .map(|item| Box::new(agenda_row(accounts, item, name_of(&item.customer_id))))
        .collect();
    (rows, items, orders)
}

/// The last call, email, letter or visit in the account's snapshot. The
/// snapshot's log starts a month before its oldest open invoice, which
/// covers every contact about money still owed.
fn last_contact(account: &Account) -> Option<NaiveDate> {
    account
        .activities
        .iter()
        .filter(|a| a.kind.is_contact())
        .map(|a| a.occurred_on)
        .max()
}

/// The aging rows of one account, one per currency.
fn rows_of(
    session: &Session,
    view: &AccountView<'_>,
    agenda: &[AgendaItem],
) -> Vec<crate::tui::model::AgingRow> {
    Board::rows_for(view, agenda, &session.config.buckets, session.as_of)
}

fn agenda_row(accounts: &[Account], item: &AgendaItem, name: &str) -> AgendaRow {
    // Accounts come in customer order: find the item's by binary search.
    let account = accounts
        .binary_search_by_key(&item.customer_id, |a| a.customer_id)
        .ok()
        .map(|i| &accounts[i]);
    let open = account.map_or(&[][..], |a| a.invoices.as_slice());
    AgendaRow {
        item: item.clone(),
        name: name.to_string(),
        numbers: super::super::dunning::invoice_numbers(account, &item.invoices),
        amount: item
            .invoices
            .iter()
            .filter_map(|id| open.iter().find(|i| i.id == *id))
            .map(|i| i.open)
            .sum(),
        call: None,
    }
}

/// Recomputes one customer's rows and agenda items after a write.
pub(super) fn refresh(
    session: &Session,
    store: &Store,
    customer_id: CustomerId,
) -> Result<(Vec<crate::tui::model::AgingRow>, Vec<AgendaRow>)> {
    let evaluation = Evaluation::load(session, store, Some(customer_id), Explain::Agenda)?;
    let customer = store.customer_by_id(customer_id)?;
    let name = customer.name.as_str();
    let last = evaluation
        .account(customer_id)
        .and_then(|(a, _)| last_contact(a));
    let agenda = &evaluation.assessment.agenda;
    let call = evaluation
        .account(customer_id)
        .and_then(|(account, assessed)| {
            let order = dun_core::dunning::call_order(account, assessed, &session.policy());
            contact_lines(&customer, &order).0.map(Arc::new)
        });
    let (rows, items) = match evaluation.account(customer_id) {
        Some((account, assessed)) => (
            rows_of(
                session,
                &AccountView {
                    account,
                    assessed,
                    name,
                    last_contact: last,
                },
                agenda.get(..1).unwrap_or(&[]),
            ),
            agenda
                .iter()
                .map(|i| AgendaRow {
                    call: call.clone(),
                    ..agenda_row(&evaluation.accounts, i, name)
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok((rows, items))
}

/// Everything the customer screen shows.
pub fn load_customer(
    session: &Session,
    store: &Store,
    customer_id: CustomerId,
) -> Result<CustomerDetail> {
    let customer = store.customer_by_id(customer_id)?;
    let account = store
        .accounts(session.as_of, Some(customer_id))?
        .pop()
        .context("the customer's account")?;
    let policy = session.policy();
    let assessed = evaluate_account(&account, &policy, session.as_of);
    let agenda =
        dun_core::dunning::evaluate(std::slice::from_ref(&account), &policy, session.as_of).agenda;
    let order = dun_core::dunning::call_order(&account, &assessed, &policy);
    let (call_first, contacts) = contact_lines(&customer, &order);
    let payments = recent_payments(store, customer_id, session)?;
    let timeline = store
        .history(
            customer_id,
            &HistoryOf {
                as_of: session.as_of,
                reached: &assessed.changes,
                limit: 50,
                locale: policy.locale,
            },
        )?
        .into_iter()
        .map(|e| (e.on, e.kind, e.text))
        .collect();
    let due = agenda.first().map(|i| (i.stage.clone(), i.action));
    Ok(CustomerDetail {
        customer_id,
        code: customer.code.clone(),
        name: customer.name.clone(),
        call_first,
        contacts,
        measures: measure_lines(&assessed),
        invoices: invoice_lines(&account, &assessed),
        payments,
        commitments: commitment_lines(&account, &assessed, policy.locale),
        timeline,
        due,
        on_hold: account.hold.is_some(),
        next_step: dun_core::dunning::account_next_step(
            &account,
            &assessed,
            &policy,
            session.as_of,
        ),
        notes: customer.notes.clone(),
        removable: removable(session, store, customer_id)?,
    })
}

/// The open invoices in assessment order, each with its stage and why.
fn invoice_lines(account: &Account, assessed: &AccountAssessment) -> Vec<InvoiceLine> {
    assessed
        .invoices
        .iter()
        .filter_map(|a| {
            let i = account.invoices.iter().find(|i| i.id == a.invoice_id)?;
            Some(InvoiceLine {
                id: i.id,
                number: i.number.clone(),
                due_date: i.due_date,
                open: i.open,
                currency: i.currency,
                days_overdue: a.days_overdue,
                stage: a.label.clone(),
                why: a.why.clone(),
                disputed: a.status == Status::Disputed,
            })
        })
        .collect()
}

/// Who to call first, in the policy's order with the main line as the
/// fallback, and every contact on record.
fn contact_lines(
    customer: &Customer,
    order: &[ContactRole],
) -> (Option<ContactLine>, Vec<ContactLine>) {
    // The number to call: the contact's own, else the main line.
    let call_first = order
        .iter()
        .find_map(|r| role_line(customer, *r))
        .or_else(|| main_line(customer))
        .map(|mut line| {
            if line.phone.is_none() {
                line.phone = customer.phone.clone();
                line.main_phone = line.phone.is_some();
            }
            line
        });
    let mut contacts: Vec<ContactLine> = [
        ContactRole::Billing,
        ContactRole::Senior,
        ContactRole::SalesRep,
    ]
    .iter()
    .filter_map(|r| role_line(customer, *r))
    .collect();
    contacts.extend(main_line(customer));
    (call_first, contacts)
}

/// The contact with a role, as the name, email and phone recorded.
fn role_line(customer: &Customer, role: ContactRole) -> Option<ContactLine> {
    customer
        .contact(role)
        .map(|c| contact_line(role.as_str().replace('_', " "), &c.name, &c.email, &c.phone))
}

/// The customer's own email and phone, if either is recorded.
fn main_line(customer: &Customer) -> Option<ContactLine> {
    Some(contact_line(
        "main".into(),
        &None,
        &customer.email,
        &customer.phone,
    ))
    .filter(|line| !line.text.is_empty())
}

fn contact_line(
    role: String,
    name: &Option<String>,
    email: &Option<String>,
    phone: &Option<String>,
) -> ContactLine {
    let parts: Vec<&str> = [name, email, phone]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    ContactLine {
        role,
        text: parts.join(", "),
        name: name.clone(),
        email: email.clone(),
        phone: phone.clone(),
        main_phone: false,
    }
}

/// The last ten payments up to the session's date, newest first, with
/// amount and reference.
fn recent_payments(
    store: &Store,
    customer_id: CustomerId,
    session: &Session,
) -> Result<Vec<(NaiveDate, String, String)>> {
    let locale = session.config.config.locale;
    let mut payments: Vec<(NaiveDate, String, String)> = store
        .payments(Some(customer_id))?
        .into_iter()
        // As of the session's date: a payment dated later has not arrived.
        .filter(|(p, _)| p.paid_on <= session.as_of)
        .rev()
        .take(10)
        .map(|(p, _)| {
            (
                p.paid_on,
                Money::new(p.amount, p.currency).display(locale),
                p.reference.unwrap_or_default(),
            )
        })
        .collect();
    payments.sort_by_key(|p| std::cmp::Reverse(p.0));
    Ok(payments)
}

/// The active measures, each with its start and why.
fn measure_lines(assessed: &AccountAssessment) -> Vec<(String, NaiveDate, String)> {
    assessed
        .measures
        .iter()
        .map(|m| (m.measure.as_str().replace('_', " "), m.since, m.why.clone()))
        .collect()
}

/// What the customer screen can remove, newest first: the follow-ups that
/// still count, the payments received by the session's date, the promises.
fn removable(session: &Session, store: &Store, customer_id: CustomerId) -> Result<Vec<Undo>> {
    let locale = session.config.config.locale;
    let mut found: Vec<(NaiveDate, String, Entry)> = Vec::new();
    for row in store.follow_up_log(Some(customer_id))? {
        if row.voided_by.is_some() || row.correction {
            continue;
        }
        let said = [row.outcome, row.note]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        let said = Some(said)
            .filter(|s| !s.is_empty())
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let what = format!("the {} of {}{said}", row.kind, row.occurred_on);
        found.push((row.occurred_on, what, Entry::FollowUp(row.id)));
    }
    for (p, _) in store.payments(Some(customer_id))? {
        if p.paid_on <= session.as_of {
            let money = Money::new(p.amount, p.currency).display(locale);
            let what = format!("the payment of {money} received {}", p.paid_on);
            found.push((p.paid_on, what, Entry::Payment(p.id)));
        }
    }
    for listed in store.promise_list(Some(customer_id))? {
        let p = listed.promise;
        let money = Money::new(p.amount, p.currency).display(locale);
        let what = format!("the promise of {money} by {}", p.promised_on);
        found.push((p.made_on, what, Entry::Promise(listed.id)));
    }
    // Newest first; within a day, the last recorded first.
    found.reverse();
    found.sort_by_key(|(on, _, _)| std::cmp::Reverse(*on));
    Ok(found
        .into_iter()
        .take(30)
        .map(|(_, what, entry)| Undo {
            customer_id,
            what,
            entries: vec![entry],
            reason: "removed on the dashboard",
        })
        .collect())
}

/// Most waiting bank lines the dashboard lists, oldest first.
const WAITING_SHOWN: usize = 500;

/// The bank lines waiting to be allocated, each with its best candidates.
fn waiting_lines(store: &Store) -> Result<Vec<crate::tui::model::WaitingLine>> {
    let receipts = store.receipts()?;
    if receipts.is_empty() {
        return Ok(Vec::new());
    }
    let customers = store.customers()?;
    let names = crate::import::Names::new(&customers);
    let reads = store.match_reads();
    let shown: Vec<_> = receipts.into_iter().take(WAITING_SHOWN).collect();
    let of_amount = crate::import::OfAmount::for_lines(&reads, &shown)?;
    let mut lines = Vec::new();
    for r in shown {
        let candidates = crate::import::candidates(&reads, &r, &names, &of_amount)?;
        lines.push(crate::tui::model::WaitingLine {
            id: r.id,
            paid_on: r.paid_on,
            amount: r.currency.from_minor(r.amount_minor),
            currency: r.currency,
            counterparty: r.counterparty.unwrap_or_default(),
            reference: r.reference.unwrap_or_default(),
            why: r.why.unwrap_or_default(),
            candidates,
        });
    }
    Ok(lines)
}
