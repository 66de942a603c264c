//! The rows of an invoice export, read and checked: what each row is, who
//! it names, its dates and its amounts in minor units.

use std::io::Read;

use chrono::NaiveDate;

use super::Options;
use super::RowError;
use super::cells::{Cells, latest_date};
use super::customers::CustomerKey;
use super::profile::{Field, RowType, Status};
use super::read::Record;
use super::source::Source;
use dun_core::money::Currency;

/// One invoice, credit note or payment row, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) number: String,
    pub(super) customer: CustomerKey,
    pub(super) kind: RowType,
    pub(super) issue_date: NaiveDate,
    pub(super) due: Due,
    /// Positive, minor units.
    pub(super) amount_minor: i64,
    pub(super) currency: Currency,
    /// What is still open, minor units, when the file says.
    pub(super) open_minor: Option<i64>,
    /// Partly paid by its status, in a file that does not say how much:
    /// its whole amount is taken as open.
    pub(super) paid_part_unknown: bool,
}

/// A row's due date: the file's, or none, with the refusal to give when
/// no payment terms supply one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Due {
    /// As the file gives it.
    Given(NaiveDate),
    /// Blank, or no due date column.
    Missing(Box<RowError>),
}

impl Due {
    /// The date the file gives, if any.
    pub(super) fn given(&self) -> Option<NaiveDate> {
        match self {
            Due::Given(on) => Some(*on),
            Due::Missing(_) => None,
        }
    }
}

/// Reads one row; `Ok(None)` for a row its type or status says to leave out.
pub(super) fn parse<R: Read>(
    record: &Record,
    source: &Source<R>,
    options: &Options,
    group: Option<&str>,
) -> Result<Option<Row>, RowError> {
    let cells = Cells::new(record, source)?;
    let status = options.profile.status(record, &source.layout);
    match &status {
        Status::LeftOut(_) => return Ok(None),
        Status::Unknown(known) => {
            return Err(cells.bad(
                Field::Status,
                &format!("a status this layout knows ({known})"),
            ));
        }
        Status::Unstated | Status::Paid | Status::Open | Status::Partial => {}
    }
    let kind = match cells.value(Field::Type) {
        None => None,
        Some(t) => match options.profile.row_type(t) {
            Some(RowType::Skip) => return Ok(None),
            Some(k) => Some(k),
            None => {
                return Err(cells.bad(
                    Field::Type,
                    &format!(
                        "a document type this profile knows ({})",
                        options.profile.known_types()
                    ),
                ));
            }
        },
    };
    let number = document_number(&cells, kind)?;
    let mut customer = customer_key(&cells, options, group)?;
    let currency = cells.currency(options.currency)?;
    customer.since = cells.date(Field::CustomerSince, options.as_of)?;
    let (issue_date, due) = dates(&cells, options, &customer)?;
    let amounts = amounts(&cells, currency, kind, &status, options)?;
    Ok(Some(Row {
        line: cells.line(),
        number,
        customer,
        kind: amounts.kind,
        issue_date,
        due,
        amount_minor: amounts.amount_minor,
        currency,
        open_minor: amounts.open_minor,
        paid_part_unknown: status == Status::Partial && amounts.open_minor.is_none(),
    }))
}

/// The row's document number, as written; a payment on account may have
/// none.
fn document_number<R: Read>(
    cells: &Cells<'_, R>,
    kind: Option<RowType>,
) -> Result<String, RowError> {
    match (cells.text(Field::Number, "a document number")?, kind) {
        (Some(n), _) if looks_shortened(&n) => Err(cells.bad(
            Field::Number,
            "a document number as written, not shortened by a spreadsheet (export the column as text)",
        )),
        (Some(n), _) => Ok(n),
        (None, Some(RowType::Payment)) => Ok(String::new()),
        (None, _) => Err(cells.bad(Field::Number, "a document number")),
    }
}

/// Who the row names: by code, name or either (or the group row above),
/// with the email and start of the relationship it gives.
fn customer_key<R: Read>(
    cells: &Cells<'_, R>,
    options: &Options,
    group: Option<&str>,
) -> Result<CustomerKey, RowError> {
    let mut customer = CustomerKey {
        code: None,
        name: cells.text(Field::CustomerName, "a customer name")?,
        either: None,
        email: None,
        since: None,
    };
    let code = cells.text(Field::CustomerCode, "a customer code")?;
    let either = cells
        .text(Field::Customer, "a customer")?
        .or_else(|| group.map(str::to_string));
    match (code, either) {
        (Some(code), _) => customer.code = Some(code),
        (None, Some(e)) if cells.has(Field::CustomerName) && !cells.has(Field::CustomerCode) => {
            customer.code = Some(e);
        }
        (None, e) => customer.either = e,
    }
    if customer.code.is_none() && customer.either.is_none() && customer.name.is_none() {
        if options.profile.customer_from_group_rows && !cells.has(Field::Customer) {
            return Err(RowError::at_line(
                cells.line(),
                "expected a customer: no customer column and no customer row above this one".into(),
            ));
        }
        let field = [Field::CustomerCode, Field::Customer, Field::CustomerName]
            .into_iter()
            .find(|f| cells.has(*f))
            .unwrap_or(Field::Customer);
        return Err(cells.bad(field, "a customer"));
    }
    if let Some(email) = cells.text(Field::Email, "an email address")? {
        if !plausible_email(&email) {
            return Err(cells.bad(Field::Email, "an email address like accounts@example.com"));
        }
        customer.email = Some(email);
    }
    Ok(customer)
}

/// The issue date and the due date, which is never before it.
fn dates<R: Read>(
    cells: &Cells<'_, R>,
    options: &Options,
    customer: &CustomerKey,
) -> Result<(NaiveDate, Due), RowError> {
    let latest = latest_date(options.as_of);
    let issue_date = cells
        .date(Field::IssueDate, latest)?
        .ok_or_else(|| cells.bad(Field::IssueDate, "an issue date"))?;
    // A blank due date is computed from payment terms once the customer is
    // known, never taken to mean due on issue.
    let due = match cells.date(Field::DueDate, latest)? {
        Some(on) if on < issue_date => {
            return Err(cells.bad(
                Field::DueDate,
                &format!("a due date on or after the issue date {issue_date}"),
            ));
        }
        Some(on) => Due::Given(on),
        None => Due::Missing(Box::new(no_due_date(cells, customer.label()))),
    };
    Ok((issue_date, due))
}

/// A row's kind and amounts, checked against each other.
struct Amounts {
    kind: RowType,
    /// Positive, minor units.
    amount_minor: i64,
    /// What is still open, when the file says.
    open_minor: Option<i64>,
}

/// The total, and what is open, from the amount, open and paid columns;
/// a row without a type is a credit note when its total is negative.
fn amounts<R: Read>(
    cells: &Cells<'_, R>,
    currency: Currency,
    kind: Option<RowType>,
    status: &Status,
    options: &Options,
) -> Result<Amounts, RowError> {
    let given = cells.amount(Field::Amount, currency)?;
    let open = cells.amount(Field::Open, currency)?;
    let paid = cells.amount(Field::Paid, currency)?;
    let total = match (given, cells.has(Field::Amount)) {
        (Some(t), _) => t,
        (None, false) => open
            .unwrap_or_default()
            .checked_add(paid.unwrap_or_default())
            .ok_or_else(|| cells.bad(Field::Open, "an amount dun can hold"))?,
        (None, true) => return Err(cells.bad(Field::Amount, "an amount")),
    };
    let kind = match kind {
        Some(k) => k,
        None if total < 0 => RowType::CreditNote,
        None => RowType::Invoice,
    };
    // Credit notes and payments are often written negative; their size is
    // what matters.
    let (amount_minor, open, paid) = if kind == RowType::Invoice {
        (total, open, paid)
    } else {
        (total.abs(), open.map(i64::abs), paid.map(i64::abs))
    };
    // A line of an invoice whose lines add up may be free of charge.
    let least = i64::from(!options.profile.sum_lines);
    if amount_minor < least && kind != RowType::Payment {
        return Err(cells.bad(Field::Amount, "an amount above zero"));
    }
    let shown = |minor: i64| currency.from_minor(minor);
    // What is still open, when the file says: its open column, trusted over
    // a paid column (Xero's InvoiceAmountDue also leaves out credit notes
    // applied, so paid + due can fall short of the total).
    let open_minor = match (open, paid) {
        (Some(o), _) => Some(o),
        (None, Some(p)) if p > amount_minor && kind != RowType::Payment => {
            return Err(cells.bad(
                Field::Paid,
                &format!(
                    "a paid amount no larger than the total {}",
                    shown(amount_minor)
                ),
            ));
        }
        (None, Some(p)) => Some(amount_minor - p),
        // Without an open or paid column, a status of paid settles it.
        (None, None) if *status == Status::Paid => Some(0),
        (None, None) => None,
    };
    if kind != RowType::Payment
        && let Some(o) = open_minor
        && !(0..=amount_minor).contains(&o)
    {
        let field = if open.is_some() {
            Field::Open
        } else {
            Field::Paid
        };
        return Err(cells.bad(
            field,
            &format!(
                "an open balance between 0 and the total {}",
                shown(amount_minor)
            ),
        ));
    }
    Ok(Amounts {
        kind,
        amount_minor,
        open_minor,
    })
}

/// The refusal of a row without a due date whose customer has no payment
/// terms: it names the column the file needs.
fn no_due_date<R: Read>(cells: &Cells<'_, R>, customer: &str) -> RowError {
    let customer = crate::text::sanitize(customer);
    let remedy = "give the customer payment terms (dun customer edit CODE --terms DAYS) or set \
                  a default ([import] payment_terms_days)";
    if cells.has(Field::DueDate) {
        let mut refusal = cells.bad(
            Field::DueDate,
            &format!("a due date: {customer} has no payment terms to compute one; fill it in, or {remedy}"),
        );
        refusal.value = None;
        refusal
    } else {
        RowError::at_line(
            cells.line(),
            format!(
                "no due date: the file has no due date column ({}), and {customer} has no payment \
                 terms to compute one; add the column, or {remedy}",
                Field::DueDate.name()
            ),
        )
    }
}

/// `1.23457E+11`, `1,2E11`: a long number a spreadsheet turned into a float.
fn looks_shortened(number: &str) -> bool {
    let upper = number.to_ascii_uppercase();
    upper.split_once('E').is_some_and(|(m, e)| {
        let e = e.strip_prefix('+').unwrap_or(e);
        (m.contains('.') || m.contains(','))
            && !m.starts_with(['.', ','])
            && m.bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
            && !e.is_empty()
            && e.bytes().all(|b| b.is_ascii_digit())
    })
}

/// One `@`, something before it, a dotted domain after, no spaces.
fn plausible_email(email: &str) -> bool {
    email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.contains(char::is_whitespace)
    })
}

/// Takes a line item into its invoice: with `sum_lines`, its amounts are
/// added to the invoice's; else it must repeat the invoice's totals.
pub(super) fn same_document(first: &mut Row, item: &Row, sum_lines: bool) -> Result<(), RowError> {
    let differs = |what: &str| {
        let must = if sum_lines {
            "its customer, dates and currency"
        } else {
            "its totals"
        };
        Err(RowError::at_line(
            item.line,
            format!(
                "invoice {} appears again with a different {what} than on line {}; line items of one \
                 invoice must repeat {must}",
                crate::text::sanitize(&item.number),
                first.line
            ),
        ))
    };
    if item.customer != first.customer {
        return differs("customer");
    }
    if (item.issue_date, item.due.given()) != (first.issue_date, first.due.given()) {
        return differs("date");
    }
    if item.kind != first.kind {
        return differs("type");
    }
    if sum_lines {
        if item.currency != first.currency
            || item.open_minor.is_some() != first.open_minor.is_some()
        {
            return differs("currency or balance");
        }
        let add = |a: i64, b: i64| {
            a.checked_add(b).ok_or_else(|| {
                RowError::at_line(
                    item.line,
                    "expected line amounts that add up to an amount dun can hold".into(),
                )
            })
        };
        first.amount_minor = add(first.amount_minor, item.amount_minor)?;
        if let (Some(o), Some(i)) = (first.open_minor, item.open_minor) {
            first.open_minor = Some(add(o, i)?);
        }
        return Ok(());
    }
    if (item.amount_minor, item.currency, item.open_minor)
        != (first.amount_minor, first.currency, first.open_minor)
    {
        return differs("total");
    }
    Ok(())
}
