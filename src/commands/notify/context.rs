//! What reminders and statements say: the values their templates lay out,
//! written in the reader's language.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::super::Session;
use crate::notify::render::BucketTotal;
use crate::notify::{
    InvoiceLine, MissedInstalment, Party, ReminderContext, StatementContext, StatementLine,
};
use dun_core::aging::{AgingRow, age_account};
use dun_core::dunning::{Account, AccountAssessment, PlanState};
use dun_core::ledger::{ContactRole, Customer, InvoiceId, days_overdue};
use dun_core::money::{Currency, Locale};

/// A date as a letter in this language writes it.
pub fn date_text(locale: Locale, date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match locale {
        Locale::En => format!(
            "{} {} {}",
            date.day(),
            MONTHS[date.month0() as usize],
            date.year()
        ),
        _ => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
    }
}

pub(super) fn money_text(locale: Locale, amount: Decimal, currency: Currency) -> String {
    format!(
        "{} {currency}",
        locale.format_amount(amount, currency.minor_digits())
    )
}

fn company(session: &Session) -> Party {
    let c = &session.config.config.company;
    Party {
        name: c.name.clone(),
        code: String::new(),
        address_lines: c.address.lines().map(str::to_string).collect(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        billing_contact: c.billing_contact.clone(),
        iban: c.iban.clone(),
        vat_number: c.vat_number.clone(),
    }
}

fn party(customer: &Customer) -> Party {
    let contact_lines: Vec<String> = [&customer.email, &customer.phone]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    Party {
        name: customer.name.clone(),
        code: customer.code.clone(),
        address_lines: contact_lines,
        email: customer.email.clone().unwrap_or_default(),
        phone: customer.phone.clone().unwrap_or_default(),
        ..Party::default()
    }
}

/// Who a customer reminder goes to: accounts payable, else the main address.
pub(super) fn recipient(customer: &Customer) -> Option<(String, String)> {
    let billing = customer.contact(ContactRole::Billing);
    let email = billing
        .and_then(|c| c.email.clone())
        .or_else(|| customer.email.clone())?;
    let name = billing
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| customer.name.clone());
    Some((name, email))
}

/// What a reminder about some invoices of an account says, with dates and
/// amounts written the way readers of `locale` write them.
pub(super) fn reminder_context(
    session: &Session,
    locale: Locale,
    customer: &Customer,
    account: &Account,
    assessed: &AccountAssessment,
    invoice_ids: &[InvoiceId],
) -> ReminderContext {
    let as_of = session.as_of;
    let chosen: Vec<_> = account
        .invoices
        .iter()
        .filter(|i| invoice_ids.contains(&i.id))
        .collect();
    let currency = chosen
        .first()
        .map_or(session.config.config.currency, |i| i.currency);
    let chosen: Vec<_> = chosen
        .into_iter()
        .filter(|i| i.currency == currency)
        .collect();
    let charges = |id: InvoiceId| {
        assessed
            .invoices
            .iter()
            .find(|a| a.invoice_id == id)
            .map(|a| a.charges)
            .unwrap_or_default()
    };
    let principal: Decimal = chosen.iter().map(|i| i.open).sum();
    let interest: Decimal = chosen.iter().map(|i| charges(i.id).interest).sum();
    let fees: Decimal = chosen
        .iter()
        .map(|i| charges(i.id).compensation + charges(i.id).penalty)
        .sum();
    let days = chosen
        .iter()
        .map(|i| days_overdue(i.due_date, as_of))
        .max()
        .unwrap_or(0);
    let due = chosen.iter().map(|i| i.due_date).min().unwrap_or(as_of);
    let deadline = as_of
        .checked_add_days(Days::new(u64::from(
            session.config.config.notify.deadline_days,
        )))
        .unwrap_or(as_of);
    let contact_name = recipient(customer).map_or_else(|| customer.name.clone(), |(name, _)| name);
    // The missed instalment of a plan over these invoices, if one was missed.
    let instalment = account
        .plans
        .iter()
        .filter(|p| p.currency == currency)
        .filter(|p| p.invoices.is_empty() || chosen.iter().any(|i| p.invoices.contains(&i.id)))
        .find_map(
            |p| match assessed.plans.iter().find(|(id, _)| *id == p.id) {
                Some((_, PlanState::Broken { missed, .. })) => Some(MissedInstalment {
                    amount: money_text(locale, missed.1, currency),
                    due: date_text(locale, missed.0),
                    agreed: date_text(locale, p.created_on),
                }),
                _ => None,
            },
        )
        .unwrap_or_default();
    ReminderContext {
        instalment,
        company: company(session),
        customer: party(customer),
        contact_name,
        date: date_text(locale, as_of),
        due: date_text(locale, due),
        invoices: chosen
            .iter()
            .map(|i| InvoiceLine {
                number: i.number.clone(),
                issue_date: date_text(locale, i.issue_date),
                due_date: date_text(locale, i.due_date),
                amount: money_text(locale, i.amount, i.currency),
                open: money_text(locale, i.open, i.currency),
            })
            .collect(),
        principal: money_text(locale, principal, currency),
        interest: money_text(locale, interest, currency),
        fees: money_text(locale, fees, currency),
        amount_due: money_text(locale, principal + interest + fees, currency),
        has_charges: !(interest + fees).is_zero(),
        rate: session
            .policy()
            .terms
            .yearly_rate
            .map(|r| locale.format_amount(r.normalize(), 0))
            .unwrap_or_default(),
        compensation: Some(session.config.config.terms.compensation)
            .filter(|c| !c.is_zero())
            .map(|c| money_text(locale, c, currency))
            .unwrap_or_default(),
        penalty: Some(session.config.config.terms.weekly_penalty)
            .filter(|c| !c.is_zero())
            .map(|c| money_text(locale, c, currency))
            .unwrap_or_default(),
        deadline: date_text(locale, deadline),
        reference: format!(
            "{}-{}",
            customer.code,
            chosen.first().map_or("", |i| i.number.as_str())
        ),
        days,
    }
}

/// Every open item of an account with its age, for the statement. The
/// subtotals are the aging report's, for this account.
pub(super) fn statement_context(
    session: &Session,
    customer: &Customer,
    account: &Account,
) -> StatementContext {
    let locale = customer.language;
    let as_of = session.as_of;
    let buckets = &session.config.buckets;
    let titles = buckets.titles();
    let aging = age_account(account, buckets, as_of);
    // Each currency is listed and totalled on its own, the account's
    // first currency first.
    let mut currencies: Vec<Currency> = Vec::new();
    for i in &account.invoices {
        if !currencies.contains(&i.currency) {
            currencies.push(i.currency);
        }
    }
    if currencies.is_empty() {
        currencies.push(session.config.config.currency);
    }
    let mut items = Vec::new();
    let mut bucket_totals = Vec::new();
    let mut totals = Vec::new();
    for &currency in &currencies {
        for i in account
            .invoices
            .iter()
            .filter(|i| i.currency == currency && i.issue_date <= as_of)
        {
            let b = buckets.index(days_overdue(i.due_date, as_of));
            items.push(statement_line(locale, i, &titles[b], b == 0));
        }
        let row = aging.iter().find(|r| r.currency == currency);
        let sums = row.map_or_else(|| vec![Decimal::ZERO; titles.len()], |r| r.buckets.clone());
        bucket_totals.extend(
            titles
                .iter()
                .zip(&sums)
                .enumerate()
                .filter(|(_, (_, s))| !s.is_zero())
                .map(|(n, (t, s))| BucketTotal {
                    title: t.clone(),
                    current: n == 0,
                    amount: money_text(locale, *s, currency),
                }),
        );
        let open = row.map_or(Decimal::ZERO, AgingRow::open);
        totals.push(money_text(locale, open, currency));
    }
    StatementContext {
        company: company(session),
        customer: party(customer),
        date: date_text(locale, as_of),
        buckets: bucket_totals,
        total: totals.join("; "),
        items,
    }
}

fn statement_line(
    locale: Locale,
    i: &dun_core::dunning::OpenInvoice,
    bucket: &str,
    current: bool,
) -> StatementLine {
    StatementLine {
        number: i.number.clone(),
        issue_date: date_text(locale, i.issue_date),
        due_date: date_text(locale, i.due_date),
        bucket: bucket.to_string(),
        current,
        open: money_text(locale, i.open, i.currency),
    }
}
