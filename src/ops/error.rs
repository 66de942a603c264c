//! Why a write was refused, said the same way by every front end.

use crate::store::StoreError;

/// A field of a request, so an error can point at what the bookkeeper typed.
/// Each front end names it its own way (`--amount` on the command line,
/// "Amount" in a form); the message after the name is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// An amount paid or invoiced.
    Amount,
    /// A currency code.
    Currency,
    /// The date of a payment or a promise.
    Date,
    /// The date to follow up next.
    NextDate,
    /// An invoice number.
    Invoice,
    /// A customer code.
    Customer,
    /// The kind of a follow-up.
    Kind,
    /// The ladder stage a follow-up performs.
    Stage,
    /// What came of a follow-up.
    Outcome,
    /// A free note.
    Note,
    /// A payment's reference.
    Reference,
    /// How a payment was made.
    Method,
    /// The reason for a dispute, hold, release or write-off.
    Reason,
    /// How a dispute was resolved.
    Resolution,
    /// The date of a promise made with a follow-up.
    PromiseDate,
    /// The amount of a promise made with a follow-up.
    PromiseAmount,
    /// One instalment of a plan, `DATE:AMOUNT`.
    Instalment,
    /// The number of a new invoice.
    Number,
    /// A customer's credit limit.
    CreditLimit,
    /// The bookkeeper's notes on a customer.
    Notes,
}

impl Field {
    /// The name on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Amount | Field::PromiseAmount => "--amount",
            Field::Currency => "--currency",
            Field::Date | Field::PromiseDate => "--date",
            Field::NextDate => "--next",
            Field::Invoice => "--invoice",
            Field::Customer => "--customer",
            Field::Kind => "--kind",
            Field::Stage => "--stage",
            Field::Outcome => "--outcome",
            Field::Note | Field::Resolution => "--note",
            Field::Reference => "--reference",
            Field::Method => "--method",
            Field::Reason => "--reason",
            Field::Instalment => "--instalment",
            Field::Number => "the invoice number",
            Field::CreditLimit => "--credit-limit",
            Field::Notes => "--notes",
        }
    }

    /// The label in the dashboard's forms.
    pub fn label(self) -> &'static str {
        match self {
            Field::Amount => "Amount",
            Field::Currency => "Currency",
            Field::Date => "Date",
            Field::NextDate => "Next date",
            Field::Invoice => "Invoice",
            Field::Customer => "Customer",
            Field::Kind => "Kind",
            Field::Stage => "Stage",
            Field::Outcome => "Outcome",
            Field::Note => "Note",
            Field::Reference => "Reference",
            Field::Method => "Method",
            Field::Reason => "Reason",
            Field::Resolution => "Resolution",
            Field::PromiseDate => "Promise date",
            Field::PromiseAmount => "Promise amount",
            Field::Instalment => "Instalment",
            Field::Number => "Number",
            Field::CreditLimit => "Credit limit",
            Field::Notes => "Notes",
        }
    }
}

/// A write that did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// A value the bookkeeper typed does not make sense.
    #[error("{}: {message}", field.flag())]
    Invalid {
        /// Which field.
        field: Field,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The request breaks a rule of the ledger.
    #[error("{0}")]
    Refused(String),
    /// The ledger refused or could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl OpError {
    /// A bad value in a field.
    pub fn invalid(field: Field, message: impl Into<String>) -> OpError {
        OpError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// The error as the dashboard's status line says it: a field by its
    /// form label, everything else as on the command line.
    pub fn for_dashboard(&self) -> String {
        match self {
            OpError::Invalid { field, message } => format!("{}: {message}", field.label()),
            other => other.to_string(),
        }
    }

    /// The ledger was busy with another dun's write: trying again later
    /// may succeed.
    pub fn is_busy(&self) -> bool {
        matches!(self, OpError::Store(StoreError::Busy { .. }))
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            OpError::Invalid { field, .. } => Some(*field),
            _ => None,
        }
    }
}
