//! The one write path. One typed request per user intent (log a follow-up,
//! record a payment, promise, plan, open or resolve a dispute, hold or
//! release, write off, remove a follow-up, payment or promise, allocate a bank line, add an invoice or a customer,
//! commit an import, claim a message and log it sent), validated once here,
//! written in one `BEGIN IMMEDIATE` transaction, with the measure history
//! brought up to date inside it.
//!
//! The CLI commands and the dashboard are adapters: they copy what the
//! bookkeeper typed into a request and show the result or the error. A
//! request carries text where the bookkeeper types text (amounts in the
//! locale's style, invoice numbers), so both front ends get the same
//! parsing and the same error for the same input.

mod account;
mod correction;
mod demo;
mod due;
mod error;
mod follow_up;
mod import;
pub mod input;
mod ledger;
mod measures;
mod message;
mod payment;

pub use account::{
    Dispute, Hold, ResolveDispute, WriteOff, hold, open_dispute, resolve_dispute, write_off,
};
pub use correction::{Entry, Remove, Removed, remove};
pub use demo::load_demo;
pub use error::{Field, OpError};
pub use follow_up::{
    LogFollowUp, Logged, MakePlan, MakePromise, PromiseTerms, StageChoice, log_follow_up,
    make_plan, make_promise,
};
pub use import::{import_einvoices, import_invoices, import_payments};
pub use ledger::{AddInvoice, EditNotes, add_customer, add_invoice, edit_customer, edit_notes};
pub use measures::sync_measures;
pub use message::{Claim, ClaimMessage, Sent, claim_message, message_failed, message_sent};
pub use payment::{AllocateBankLine, RecordPayment, Recorded, allocate_bank_line, record_payment};

use chrono::NaiveDate;
use dun_core::dunning::Policy;
use dun_core::ledger::{CustomerId, InvoiceId};
use dun_core::money::{Currency, Locale};

/// What every write needs besides its request: the rules and the dates.
#[derive(Debug, Clone)]
pub struct Context {
    /// The dunning policy the measure history is evaluated with.
    pub policy: Policy,
    /// The date the bookkeeper works as of: nothing is recorded after it.
    pub as_of: NaiveDate,
    /// The date measure history is written as of: the as-of date, never
    /// past the clock's date.
    pub history_on: NaiveDate,
    /// How amounts are typed: decimal mark and digit groups.
    pub locale: Locale,
    /// The currency of amounts typed without one.
    pub currency: Currency,
}

impl Context {
    /// The default policy, amounts typed in English style, euros: what a
    /// ledger without a configuration file gets. For tests and tools.
    pub fn standard(as_of: NaiveDate) -> Context {
        Context {
            policy: Policy::standard(),
            as_of,
            history_on: as_of,
            locale: Locale::En,
            currency: Currency::EUR,
        }
    }
}

/// A customer as a front end knows it: by code (typed) or by id (selected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerRef {
    /// The code the bookkeeper typed.
    Code(String),
    /// The id of a customer on screen.
    Id(CustomerId),
}

/// An invoice as a front end knows it: by number (typed) or id (selected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceRef {
    /// The number the bookkeeper typed.
    Number(String),
    /// The id of an invoice on screen.
    Id(InvoiceId),
}

/// The result of a write.
pub type Result<T, E = OpError> = std::result::Result<T, E>;
