//! The ledger's plain data: customers, invoices and credit notes, payments,
//! allocations and the follow-up log. Pure: no database, no terminal.

mod allocation;
mod balance;
mod reference;
mod settlement;
mod subset;

pub use allocation::{Allocation, CreditSource, Discount, OpenItem, SourceRef, allocate};
pub use balance::{CustomerBalance, UnappliedPayment, customer_balances, days_overdue};
pub use reference::{CreditorReference, ReferenceTarget};
pub use settlement::{SettledBy, Settlement, settled_in_full_on};
pub use subset::{Subset, exact_subset};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Currency, Locale, Money};

/// Row id of a customer in the store.
pub type CustomerId = i64;
/// Row id of an invoice or credit note in the store.
pub type InvoiceId = i64;
/// Row id of a payment in the store.
pub type PaymentId = i64;

/// Who a contact is to the customer, which decides when we reach for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Accounts payable: the first person to call.
    Billing,
    /// Owner, CFO or managing director: for later stages.
    Senior,
    /// Our own sales rep or account manager for this customer.
    SalesRep,
}

impl ContactRole {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Billing => "billing",
            ContactRole::Senior => "senior",
            ContactRole::SalesRep => "sales_rep",
        }
    }

    /// Reads a stored role name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "billing" => Some(ContactRole::Billing),
            "senior" => Some(ContactRole::Senior),
            "sales_rep" => Some(ContactRole::SalesRep),
            _ => None,
        }
    }
}

/// A person to reach about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Their role.
    pub role: ContactRole,
    /// Their name.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
}

/// "2/10 net 30": a discount for paying within some days of the invoice date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EarlyDiscount {
    /// Percent off, e.g. 2.
    pub percent: Decimal,
    /// Days after the issue date the discount stays available.
    pub days: u32,
}

impl std::str::FromStr for EarlyDiscount {
    type Err = String;
    /// Reads `PERCENT/DAYS`, e.g. `2/10`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("'{text}' is not a discount; expected PERCENT/DAYS such as 2/10");
        let (percent, days) = text.split_once('/').ok_or_else(expected)?;
        let percent: Decimal = percent.trim().parse().map_err(|_| expected())?;
        let days: u32 = days.trim().parse().map_err(|_| expected())?;
        if percent <= Decimal::ZERO || percent >= Decimal::ONE_HUNDRED {
            return Err(format!("discount {percent}% must be between 0 and 100"));
        }
        if days > 3650 {
            return Err(format!(
                "a discount window of {days} days is too long; expected at most 3650"
            ));
        }
        Ok(EarlyDiscount { percent, days })
    }
}

/// The discount `terms` give an invoice: the percentage of its gross
/// amount, rounded to the currency's minor unit, until `days` after issue.
pub fn discount_for(
    terms: EarlyDiscount,
    amount: Decimal,
    currency: Currency,
    issue_date: NaiveDate,
) -> Option<Discount> {
    let value = (amount * terms.percent / Decimal::ONE_HUNDRED).round_dp_with_strategy(
        currency.minor_digits(),
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let until = issue_date.checked_add_days(chrono::Days::new(u64::from(terms.days)))?;
    (value > Decimal::ZERO).then_some(Discount {
        until,
        amount: value,
    })
}

/// A customer account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// Store id.
    #[serde(skip)]
    pub id: CustomerId,
    /// The code the bookkeeper types: unique, kept as text.
    pub code: String,
    /// Company name.
    pub name: String,
    /// Main email address for reminders.
    pub email: Option<String>,
    /// Main phone number.
    pub phone: Option<String>,
    /// Language for letters and emails.
    pub language: Locale,
    /// Billing, senior and sales-rep contacts.
    pub contacts: Vec<Contact>,
    /// Payment terms in days, when they differ from the invoice's own due date.
    pub payment_terms_days: Option<u32>,
    /// Early-payment discount.
    pub early_discount: Option<EarlyDiscount>,
    /// Credit limit, if one is set.
    #[serde(serialize_with = "crate::money::serialize_opt_money")]
    pub credit_limit: Option<Money>,
    /// Name of the dunning policy profile (e.g. `slow_payer`).
    pub policy_profile: Option<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// The day the account was opened; starts probation.
    pub created_on: NaiveDate,
}

impl Customer {
    /// The early-payment discount an invoice of this customer earns, if any.
    pub fn discount_for(
        &self,
        amount: Decimal,
        currency: Currency,
        issue_date: NaiveDate,
    ) -> Option<Discount> {
        discount_for(self.early_discount?, amount, currency, issue_date)
    }

    /// The contact with a role, if recorded.
    pub fn contact(&self, role: ContactRole) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.role == role)
    }
}

/// Whether a document raises or lowers what the customer owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// An invoice: the customer owes its amount.
    Invoice,
    /// A credit note: credit applied to the customer's invoices.
    CreditNote,
}

impl DocumentKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    /// Reads a stored kind name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "invoice" => Some(DocumentKind::Invoice),
            "credit_note" => Some(DocumentKind::CreditNote),
            _ => None,
        }
    }
}

/// An invoice or credit note with its open balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// Store id.
    pub id: InvoiceId,
    /// The document number, kept exactly as text (leading zeros matter).
    pub number: String,
    /// The customer it was issued to.
    pub customer_id: CustomerId,
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount, always positive.
    pub amount: Decimal,
    /// Currency of the amount.
    pub currency: Currency,
    /// For an invoice: what is still owed. For a credit note: credit not yet applied.
    pub open: Decimal,
    /// The day the rest was written off, if it was.
    pub written_off_on: Option<NaiveDate>,
    /// The day the open balance reached zero.
    pub closed_on: Option<NaiveDate>,
    /// Early-payment discount granted.
    pub discount: Decimal,
}

impl Invoice {
    /// The stage label of a document the engine does not assess:
    /// `credit_note`, `written_off`, `paid`, else `current`.
    pub fn closed_label(&self) -> &'static str {
        match (self.kind, self.written_off_on) {
            (DocumentKind::CreditNote, _) => "credit_note",
            (_, Some(_)) => "written_off",
            _ if self.open.is_zero() => "paid",
            _ => "current",
        }
    }

    /// True when nothing is owed on an invoice (or a credit note is used up).
    pub fn is_settled(&self) -> bool {
        self.open.is_zero()
    }
}

/// A payment received from a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Store id.
    pub id: PaymentId,
    /// Who paid.
    pub customer_id: CustomerId,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount received, positive.
    pub amount: Decimal,
    /// Currency received.
    pub currency: Currency,
    /// Bank transfer, card, cash…
    pub method: Option<String>,
    /// Bank reference or remittance text.
    pub reference: Option<String>,
    /// The invoice the payer named, if any.
    pub invoice_id: Option<InvoiceId>,
    /// Part of the payment not applied to any invoice (credit on account).
    pub unapplied: Decimal,
}
