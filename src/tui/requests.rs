//! Turning a filled form into a typed request, or an error to show in it.

use chrono::NaiveDate;

use super::form::{Form, Purpose};
use crate::ops::{self, CustomerRef, Field, InvoiceRef, PromiseTerms, StageChoice};

/// A write the dashboard asks for: the same requests the command line
/// builds, carried out by the same write path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Log a follow-up, with an optional promise.
    FollowUp(ops::LogFollowUp),
    /// Record a payment.
    Payment(ops::RecordPayment),
    /// Open a dispute.
    Dispute(ops::Dispute),
    /// Resolve a dispute.
    Resolve(ops::ResolveDispute),
    /// Hold or release.
    Hold(ops::Hold),
    /// Replace the customer's notes.
    Notes(ops::EditNotes),
    /// Undo a write of the session.
    Undo(Undo),
    /// Allocate a waiting bank line.
    Allocate(ops::AllocateBankLine),
}

/// How to undo a write: what it recorded, removed in one write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The customer written to.
    pub customer_id: i64,
    /// What it recorded, as the confirmation names it.
    pub what: String,
    /// The entries it recorded.
    pub entries: Vec<ops::Entry>,
    /// Why they are removed, for the history.
    pub reason: &'static str,
}

impl Request {
    /// The customer the request writes to, when the screen knows it.
    pub fn customer_id(&self) -> Option<i64> {
        let customer = match self {
            Request::FollowUp(r) => &r.customer,
            Request::Payment(r) => &r.customer,
            Request::Hold(r) => &r.customer,
            Request::Notes(r) => &r.customer,
            Request::Undo(u) => return Some(u.customer_id),
            Request::Dispute(_) | Request::Resolve(_) | Request::Allocate(_) => return None,
        };
        match customer {
            CustomerRef::Id(id) => Some(*id),
            CustomerRef::Code(_) => None,
        }
    }

    /// The invoice the request is about, for a dispute.
    pub fn invoice_number(&self) -> Option<&str> {
        match self {
            Request::Dispute(r) => Some(&r.invoice),
            Request::Resolve(r) => Some(&r.invoice),
            _ => None,
        }
    }

    /// A short name of what the request does, for the log file.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::FollowUp(_) => "follow-up",
            Request::Payment(_) => "payment",
            Request::Dispute(_) => "dispute",
            Request::Resolve(_) => "resolve",
            Request::Hold(_) => "hold",
            Request::Notes(_) => "notes",
            Request::Undo(_) => "undo",
            Request::Allocate(_) => "allocate",
        }
    }
}

/// What the shell must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Load a customer's detail for the customer screen.
    LoadCustomer(i64),
    /// Carry out a write; then refresh that customer.
    Save(Request),
    /// Show the email an agenda item asks for.
    Preview(dun_core::dunning::AgendaItem),
    /// Send the email an agenda item asks for, and log it.
    SendMessage(dun_core::dunning::AgendaItem),
    /// Reload the board (and the open customer) from the ledger: it was
    /// written elsewhere, or the bookkeeper asked.
    Reload,
    /// Work out the Insight screen's figures.
    LoadInsight,
    /// Reload these customers' rows, agenda items and (when open) screen:
    /// they were written elsewhere.
    Refresh(Vec<i64>),
}

/// Builds a form's request. The write path checks every value; the form
/// only says what is missing altogether.
pub fn request(form: &Form, as_of: NaiveDate) -> Result<Request, String> {
    let text = |field: Field| form.value(field).map_err(|e| e.to_string());
    match &form.purpose {
        Purpose::FollowUp {
            customer_id,
            stage,
            invoices,
        } => follow_up(form, as_of, *customer_id, stage.as_deref(), invoices),
        Purpose::Payment { customer_id } => Ok(Request::Payment(ops::RecordPayment {
            customer: CustomerRef::Id(*customer_id),
            amount: text(Field::Amount)?,
            currency: text(Field::Currency)?,
            paid_on: form.date(Field::Date, as_of)?.unwrap_or(as_of),
            invoice: Some(text(Field::Invoice)?).filter(|i| !i.is_empty()),
            reference: text(Field::Reference)?,
            method: String::new(),
        })),
        Purpose::Dispute { number } => Ok(Request::Dispute(ops::Dispute {
            invoice: number.clone(),
            reason: text(Field::Reason)?,
        })),
        Purpose::Resolve { number } => Ok(Request::Resolve(ops::ResolveDispute {
            invoice: number.clone(),
            resolution: text(Field::Resolution)?,
        })),
        Purpose::Hold {
            customer_id,
            release,
        } => Ok(Request::Hold(ops::Hold {
            customer: CustomerRef::Id(*customer_id),
            release: *release,
            reason: text(Field::Reason)?,
        })),
        Purpose::Notes { customer_id } => Ok(Request::Notes(ops::EditNotes {
            customer: CustomerRef::Id(*customer_id),
            notes: text(Field::Notes)?,
        })),
        Purpose::Filter => Err("nothing to save".into()),
    }
}

/// The follow-up form's request: a promise needs both its date and amount.
/// The amount is filled in with the item's overdue balance: left as it was
/// and without a date, it promises nothing.
fn follow_up(
    form: &Form,
    as_of: NaiveDate,
    customer_id: i64,
    stage: Option<&str>,
    invoices: &[i64],
) -> Result<Request, String> {
    let text = |field: Field| form.value(field).map_err(|e| e.to_string());
    let prefilled = form
        .field(Field::PromiseAmount)
        .map_err(|e| e.to_string())?
        .untouched();
    let amount = text(Field::PromiseAmount)?;
    let date = form.date(Field::PromiseDate, as_of)?;
    let amount = if date.is_none() && prefilled {
        String::new()
    } else {
        amount
    };
    let promise = match (date, amount) {
        (Some(on), amount) if !amount.is_empty() => Some(PromiseTerms {
            date: on,
            amount,
            currency: text(Field::Currency)?,
        }),
        (None, amount) if amount.is_empty() => None,
        (Some(_), _) => {
            return Err(format!(
                "{}: say how much was promised",
                Field::PromiseAmount.label()
            ));
        }
        (None, _) => {
            return Err(format!(
                "{}: say by when it was promised",
                Field::PromiseDate.label()
            ));
        }
    };
    Ok(Request::FollowUp(ops::LogFollowUp {
        customer: CustomerRef::Id(customer_id),
        kind: text(Field::Kind)?,
        stage: stage.map_or(StageChoice::Due, |s| StageChoice::Suggested(s.to_string())),
        invoices: invoices.iter().copied().map(InvoiceRef::Id).collect(),
        occurred_on: None,
        outcome: text(Field::Outcome)?,
        note: text(Field::Note)?,
        next_on: form.date(Field::NextDate, as_of)?,
        promise,
    }))
}
