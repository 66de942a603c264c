//! What the engine reads: one account's open invoices and follow-up log,
//! as plain values. The store builds these; tests write them by hand.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::{CustomerBalance, CustomerId, InvoiceId, Settlement, days_overdue};
use crate::money::{Amounts, Currency, Money};

/// One customer's account as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Store id of the customer.
    pub customer_id: CustomerId,
    /// The customer's code, for explanations and ordering.
    pub code: String,
    /// Policy profile, e.g. `slow_payer`.
    pub profile: Option<String>,
    /// Credit limit, if set.
    pub credit_limit: Option<Money>,
    /// When the account was opened in dun.
    pub created_on: NaiveDate,
    /// When the relationship began, when the customer's record says (an
    /// export's "customer since" column).
    pub since: Option<NaiveDate>,
    /// The issue date of the customer's earliest invoice, paid or not.
    pub first_invoice_on: Option<NaiveDate>,
    /// Open invoices (not credit notes), any currency.
    pub invoices: Vec<OpenInvoice>,
    /// The follow-up log, oldest first.
    pub activities: Vec<Activity>,
    /// Promises to pay, oldest first.
    pub promises: Vec<Promise>,
    /// Payment plans, oldest first.
    pub plans: Vec<Plan>,
    /// Payments applied to invoices since the oldest promise or plan, for
    /// checking them.
    pub payments: Vec<Receipt>,
    /// A manual hold, if one is active.
    pub hold: Option<Hold>,
    /// The measure history (starts and lifts), oldest first.
    pub measure_events: Vec<MeasureEvent>,
    /// Credit on account per currency: unused credit notes and unapplied
    /// payments. Shown beside balances; applied as soon as an invoice opens.
    pub credits: Amounts,
    /// The pending follow-up date, if the log set one.
    pub follow_up: Option<FollowUp>,
    /// Each invoice whose dispute was resolved, with the day it was (the
    /// latest, when it was disputed more than once): it came back onto the
    /// ladder and into the measures that day.
    pub disputes_resolved: Vec<(InvoiceId, NaiveDate)>,
    /// What was written off, oldest first: a write-off is not a payment.
    pub write_offs: Vec<WriteOff>,
    /// The last day cash only was lifted by hand, with a reason: what the
    /// ledger reached before it does not start it again.
    pub cash_only_released: Option<NaiveDate>,
}

impl Account {
    /// An account with no invoices or history.
    pub fn new(customer_id: CustomerId, code: &str, created_on: NaiveDate) -> Self {
        Account {
            customer_id,
            code: code.to_string(),
            profile: None,
            credit_limit: None,
            created_on,
            since: None,
            first_invoice_on: None,
            invoices: Vec::new(),
            activities: Vec::new(),
            promises: Vec::new(),
            plans: Vec::new(),
            payments: Vec::new(),
            hold: None,
            measure_events: Vec::new(),
            credits: Amounts::new(),
            follow_up: None,
            disputes_resolved: Vec::new(),
            write_offs: Vec::new(),
            cash_only_released: None,
        }
    }

    /// When the relationship with the customer began, which starts its
    /// probation: the date its record gives, else its earliest invoice or
    /// the day it was opened in dun, whichever came first. An imported
    /// customer invoiced last year is not a new one.
    pub fn relationship_start(&self) -> NaiveDate {
        self.since.unwrap_or_else(|| {
            self.first_invoice_on
                .map_or(self.created_on, |first| first.min(self.created_on))
        })
    }
}

impl Account {
    /// What the account comes to per currency, in currency order: open and
    /// overdue balances of the invoices issued by `as_of`, credit on account,
    /// and so the net balance.
    pub fn balances(&self, as_of: NaiveDate) -> Vec<CustomerBalance> {
        let (mut open, mut overdue) = (Amounts::new(), Amounts::new());
        for invoice in self.invoices.iter().filter(|i| i.issue_date <= as_of) {
            open.add(Money::new(invoice.open, invoice.currency));
            if days_overdue(invoice.due_date, as_of) > 0 {
                overdue.add(Money::new(invoice.open, invoice.currency));
            }
        }
        let mut currencies: Vec<Currency> =
            open.currencies().chain(self.credits.currencies()).collect();
        currencies.sort();
        currencies.dedup();
        currencies
            .into_iter()
            .map(|currency| CustomerBalance {
                customer_id: self.customer_id,
                currency,
                open: open.get(currency),
                overdue: overdue.get(currency),
                unapplied_credit: self.credits.get(currency),
            })
            .collect()
    }
}

/// An invoice with an open balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvoice {
    /// Store id.
    pub id: InvoiceId,
    /// Document number.
    pub number: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Gross amount.
    pub amount: Decimal,
    /// What is still owed.
    pub open: Decimal,
    /// Currency.
    pub currency: Currency,
    /// An unresolved dispute, if any.
    pub dispute: Option<Dispute>,
    /// What settled part of it up to the as-of date, when anything did:
    /// late-payment interest accrues on what was outstanding each day.
    pub settlements: Vec<Settlement>,
}

impl OpenInvoice {
    /// What it owed, day by day, for accruing charges on.
    pub fn debt(&self) -> crate::dunning::terms::Debt<'_> {
        crate::dunning::terms::Debt {
            due_date: self.due_date,
            open: self.open,
            settlements: &self.settlements,
            currency: self.currency,
        }
    }
}

/// What was still owed on an invoice, written off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    /// The invoice.
    pub invoice_id: InvoiceId,
    /// Its number.
    pub number: String,
    /// When it was written off.
    pub on: NaiveDate,
    /// How much.
    pub amount: Money,
}

/// A customer contesting an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// When it was opened.
    pub opened_on: NaiveDate,
    /// Why the customer contests the invoice.
    pub reason: String,
}

/// What kind of follow-up was logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    /// An email to the customer.
    Email,
    /// A phone call.
    Call,
    /// A letter.
    Letter,
    /// An internal note.
    Note,
    /// A word with our sales rep.
    SalesRep,
    /// A visit.
    Visit,
    /// Handed to a collection agency or lawyer.
    Agency,
    /// Anything else recorded in the log (write-offs, imports).
    Other,
}

impl ActivityKind {
    /// Every kind a bookkeeper logs by hand, in menu order.
    pub const LOGGABLE: [ActivityKind; 7] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Letter,
        ActivityKind::SalesRep,
        ActivityKind::Visit,
        ActivityKind::Note,
        ActivityKind::Agency,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Email => "email",
            ActivityKind::Call => "call",
            ActivityKind::Letter => "letter",
            ActivityKind::Note => "note",
            ActivityKind::SalesRep => "sales_rep",
            ActivityKind::Visit => "visit",
            ActivityKind::Agency => "agency",
            ActivityKind::Other => "other",
        }
    }

    /// Reads a stored name; unknown names are [`ActivityKind::Other`].
    pub fn parse(text: &str) -> Self {
        ActivityKind::LOGGABLE
            .into_iter()
            .find(|k| k.as_str() == text)
            .unwrap_or(ActivityKind::Other)
    }

    /// True for kinds that reach the customer (not notes to ourselves).
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            ActivityKind::Email | ActivityKind::Call | ActivityKind::Letter | ActivityKind::Visit
        )
    }
}

/// One entry of the follow-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// Call, email, …
    pub kind: ActivityKind,
    /// The ladder stage it performed, when logged for one. Shared: a
    /// ledger holds few distinct stage ids and many log entries.
    pub stage: Option<std::sync::Arc<str>>,
    /// The invoices it covered; empty means the whole account.
    pub invoices: Vec<InvoiceId>,
    /// A follow-up date set with it.
    pub next_on: Option<NaiveDate>,
}

impl Activity {
    /// True when the activity concerned this invoice.
    pub fn covers(&self, invoice: InvoiceId) -> bool {
        self.invoices.is_empty() || self.invoices.contains(&invoice)
    }

    /// True when the entry reached the customer about any of `invoices`: a
    /// call, letter or visit about them (or the whole account), or an email
    /// naming one of them. The routine reminder of another invoice is not.
    pub fn is_contact_about(&self, invoices: &[InvoiceId]) -> bool {
        let names_one = invoices.iter().any(|id| self.invoices.contains(id));
        match self.kind {
            ActivityKind::Email => names_one,
            kind => kind.is_contact() && (self.invoices.is_empty() || names_one),
        }
    }
}

/// A promise to pay an amount by a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    /// Store id.
    pub id: i64,
    /// When the customer promised.
    pub made_on: NaiveDate,
    /// The date promised.
    pub promised_on: NaiveDate,
    /// The amount promised.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
    /// The invoices it covers, recorded when it was made (every invoice
    /// open then, when the customer named none). Empty only in a snapshot
    /// written by hand: see [`covered`](super::commitments::covered).
    pub invoices: Vec<InvoiceId>,
}

/// A payment plan: instalments by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Store id.
    pub id: i64,
    /// When it was agreed.
    pub created_on: NaiveDate,
    /// Its currency.
    pub currency: Currency,
    /// (due date, amount), by date.
    pub instalments: Vec<(NaiveDate, Decimal)>,
    /// The invoices it covers, recorded when it was agreed (every invoice
    /// open then, when the customer named none).
    pub invoices: Vec<InvoiceId>,
}

/// Money received and applied to an invoice, as far as promises and plans
/// care: only what reaches the invoices they cover keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// Value date of the payment.
    pub paid_on: NaiveDate,
    /// The part of the payment applied to the invoice.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// The invoice it was applied to.
    pub invoice: InvoiceId,
}

/// A manual hold put on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// Since when.
    pub started_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A state of the whole account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// No deliveries until the overdue balance is paid.
    StopSupply,
    /// No credit until the whole balance is paid.
    CashOnly,
    /// Put on hold by hand.
    Hold,
    /// Open balance above the credit limit.
    OverLimit,
    /// A new customer still on probation.
    Probation,
}

impl Measure {
    /// The name used in reports and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::StopSupply => "stop_supply",
            Measure::CashOnly => "cash_only",
            Measure::Hold => "hold",
            Measure::OverLimit => "over_limit",
            Measure::Probation => "probation",
        }
    }

    /// Reads a stored measure name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Measure::StopSupply,
            Measure::CashOnly,
            Measure::Hold,
            Measure::OverLimit,
            Measure::Probation,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }
}

/// A recorded start or lift of a measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureEvent {
    /// Which measure.
    pub measure: Measure,
    /// True for a start, false for a lift.
    pub start: bool,
    /// The date it took effect.
    pub effective_on: NaiveDate,
    /// Why, in one line.
    pub reason: String,
    /// The invoice whose stage started it, if one did: while that invoice
    /// is disputed the start no longer holds.
    pub invoice_id: Option<InvoiceId>,
}

/// A follow-up date set in the log that no later contact has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// The day it was set.
    pub set_on: NaiveDate,
    /// The day to follow up.
    pub next_on: NaiveDate,
    /// The kind of the entry that set it.
    pub kind: ActivityKind,
}
