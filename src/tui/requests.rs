//! Turning a filled form into a typed request, or an error to show in it.

use chrono::NaiveDate;

use super::form::{Form, Purpose};
use dun_core::dunning::ActivityKind;

/// A typed request the shell turns into a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Log a follow-up, with an optional promise.
    FollowUp {
        /// Customer.
        customer_id: i64,
        /// Call, email…
        kind: ActivityKind,
        /// Stage performed.
        stage: Option<String>,
        /// Invoices covered.
        invoices: Vec<i64>,
        /// Outcome text.
        outcome: String,
        /// Note text.
        note: String,
        /// Promised date and amount (amount as typed).
        promise: Option<(NaiveDate, String)>,
        /// Currency code of the promise as typed; empty for the default.
        currency: String,
        /// Follow-up date.
        next_on: Option<NaiveDate>,
    },
    /// Record a payment (amount as typed).
    Payment {
        /// Customer.
        customer_id: i64,
        /// Amount as typed.
        amount: String,
        /// Currency code as typed; empty for the default.
        currency: String,
        /// Value date.
        date: NaiveDate,
        /// Invoice number named, if any.
        invoice: Option<String>,
        /// Bank reference.
        reference: String,
    },
    /// Open a dispute.
    Dispute {
        /// Invoice number.
        number: String,
        /// Reason.
        reason: String,
    },
    /// Resolve a dispute.
    Resolve {
        /// Invoice number.
        number: String,
        /// Resolution.
        note: String,
    },
    /// Hold or release.
    Hold {
        /// Customer.
        customer_id: i64,
        /// Release instead.
        release: bool,
        /// Reason.
        reason: String,
    },
}

impl Request {
    /// The customer the request writes to, when known.
    pub fn customer_id(&self) -> Option<i64> {
        match self {
            Request::FollowUp { customer_id, .. }
            | Request::Payment { customer_id, .. }
            | Request::Hold { customer_id, .. } => Some(*customer_id),
            Request::Dispute { .. } | Request::Resolve { .. } => None,
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
}

/// Validates a form and builds its request.
pub fn request(form: &Form, as_of: NaiveDate) -> Result<Request, String> {
    let text = |label: &str| form.value(label);
    let date = |label: &str| {
        form.field(label)
            .map(|f| f.date())
            .transpose()
            .map(Option::flatten)
    };
    match &form.purpose {
        Purpose::FollowUp {
            customer_id,
            stage,
            invoices,
        } => {
            let kind = ActivityKind::LOGGABLE
                .into_iter()
                .find(|k| k.as_str() == text("Kind"))
                .unwrap_or(ActivityKind::Call);
            let promise = match (date("Promise date")?, text("Promise amount")) {
                (Some(on), amount) if !amount.is_empty() => Some((on, amount)),
                (None, amount) if amount.is_empty() => None,
                (Some(_), _) => return Err("Promise amount: say how much was promised".into()),
                (None, _) => return Err("Promise date: say by when it was promised".into()),
            };
            Ok(Request::FollowUp {
                customer_id: *customer_id,
                kind,
                stage: stage.clone(),
                invoices: invoices.clone(),
                outcome: text("Outcome"),
                note: text("Note"),
                promise,
                currency: text("Currency"),
                next_on: date("Next date")?,
            })
        }
        Purpose::Payment { customer_id } => {
            let amount = text("Amount");
            if amount.is_empty() {
                return Err("Amount: how much was paid?".into());
            }
            Ok(Request::Payment {
                customer_id: *customer_id,
                amount,
                currency: text("Currency"),
                date: date("Date")?.unwrap_or(as_of),
                invoice: Some(text("Invoice")).filter(|i| !i.is_empty()),
                reference: text("Reference"),
            })
        }
        Purpose::Dispute { number } => {
            let reason = text("Reason");
            if reason.is_empty() {
                return Err("Reason: what does the customer contest?".into());
            }
            Ok(Request::Dispute {
                number: number.clone(),
                reason,
            })
        }
        Purpose::Resolve { number } => Ok(Request::Resolve {
            number: number.clone(),
            note: text("Resolution"),
        }),
        Purpose::Hold {
            customer_id,
            release,
        } => {
            let reason = text("Reason");
            if reason.is_empty() {
                return Err("Reason: why?".into());
            }
            Ok(Request::Hold {
                customer_id: *customer_id,
                release: *release,
                reason,
            })
        }
        Purpose::Filter => Err("nothing to save".into()),
    }
}
