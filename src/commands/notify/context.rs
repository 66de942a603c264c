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
use dun_core::dunning::{Account, AccountAssessment, OpenInvoice, PlanState};
use dun_core::ledger::{
    ContactRole, CreditorReference, Customer, CustomerBalance, InvoiceId, ReferenceTarget,
    days_overdue,
};
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

/// The account a reminder is about and which of its invoices it names.
pub(super) struct Reminded<'a> {
    pub(super) customer: &'a Customer,
    pub(super) account: &'a Account,
    pub(super) assessed: &'a AccountAssessment,
    pub(super) invoice_ids: &'a [InvoiceId],
}

/// What a reminder about some invoices of an account says, with dates and
/// amounts written the way readers of `locale` write them.
pub(super) fn reminder_context(
    session: &Session,
    locale: Locale,
    about: &Reminded,
) -> ReminderContext {
    let (as_of, customer) = (session.as_of, about.customer);
    let (currency, chosen) = chosen_invoices(session, about);
    let (overdue, upcoming): (Vec<&OpenInvoice>, Vec<&OpenInvoice>) = chosen
        .iter()
        .partition(|i| days_overdue(i.due_date, as_of) > 0);
    // What the message asks to be paid now: what is overdue, or the
    // upcoming invoices of a reminder sent before any is due.
    let asked = if overdue.is_empty() {
        &upcoming
    } else {
        &overdue
    };
    let totals = ChargeTotals::of(about.assessed, asked);
    let days = chosen
        .iter()
        .map(|i| days_overdue(i.due_date, as_of))
        .max()
        .unwrap_or(0);
    let earliest = |list: &[&OpenInvoice]| list.iter().map(|i| i.due_date).min();
    let due = earliest(&upcoming)
        .or_else(|| earliest(&chosen))
        .unwrap_or(as_of);
    let deadline = as_of
        .checked_add_days(Days::new(u64::from(
            session.config.config.notify.deadline_days,
        )))
        .unwrap_or(as_of);
    let contact_name = recipient(customer).map_or_else(|| customer.name.clone(), |(name, _)| name);
    let money = |amount: Decimal| money_text(locale, amount, currency);
    let (rate, compensation, penalty) = charge_terms(session, locale, currency);
    ReminderContext {
        instalment: missed_instalment(locale, about, currency, &chosen),
        company: company(session),
        customer: party(customer),
        contact_name,
        date: date_text(locale, as_of),
        due: date_text(locale, due),
        invoices: lines(locale, &chosen),
        overdue: lines(locale, &overdue),
        upcoming: lines(locale, &upcoming),
        upcoming_total: money(upcoming.iter().map(|i| i.open).sum()),
        principal: money(totals.principal),
        interest: money(totals.interest),
        fees: money(totals.fees),
        amount_due: money(totals.principal + totals.interest + totals.fees),
        has_charges: !(totals.interest + totals.fees).is_zero(),
        rate,
        compensation,
        penalty,
        deadline: date_text(locale, deadline),
        reference: reference_for(customer, &chosen),
        days,
    }
}

/// The named invoices in one currency: the first one's, because a reminder
/// states a single total; the configured currency when none is named.
fn chosen_invoices<'a>(
    session: &Session,
    about: &Reminded<'a>,
) -> (Currency, Vec<&'a OpenInvoice>) {
    let chosen: Vec<_> = about
        .account
        .invoices
        .iter()
        .filter(|i| about.invoice_ids.contains(&i.id))
        .collect();
    let currency = chosen
        .first()
        .map_or(session.config.config.currency, |i| i.currency);
    let chosen = chosen
        .into_iter()
        .filter(|i| i.currency == currency)
        .collect();
    (currency, chosen)
}

/// Open principal, interest and fees summed over the chosen invoices.
struct ChargeTotals {
    principal: Decimal,
    interest: Decimal,
    fees: Decimal,
}

impl ChargeTotals {
    /// Sums the chosen invoices' balances and their assessed charges.
    fn of(assessed: &AccountAssessment, chosen: &[&OpenInvoice]) -> Self {
        let charges = |id: InvoiceId| {
            assessed
                .invoices
                .iter()
                .find(|a| a.invoice_id == id)
                .map(|a| a.charges)
                .unwrap_or_default()
        };
        ChargeTotals {
            principal: chosen.iter().map(|i| i.open).sum(),
            interest: chosen.iter().map(|i| charges(i.id).interest).sum(),
            fees: chosen
                .iter()
                .map(|i| charges(i.id).compensation + charges(i.id).penalty)
                .sum(),
        }
    }
}

/// Invoices as the reminder lists them.
fn lines(locale: Locale, invoices: &[&OpenInvoice]) -> Vec<InvoiceLine> {
    invoices.iter().map(|i| invoice_line(locale, i)).collect()
}

/// One invoice as the reminder lists it.
fn invoice_line(locale: Locale, i: &OpenInvoice) -> InvoiceLine {
    InvoiceLine {
        number: i.number.clone(),
        issue_date: date_text(locale, i.issue_date),
        due_date: date_text(locale, i.due_date),
        amount: money_text(locale, i.amount, i.currency),
        open: money_text(locale, i.open, i.currency),
    }
}

/// The yearly interest rate, fixed compensation and weekly penalty the
/// terms charge invoices in `currency`, each empty when they charge none
/// (the fixed amounts are charged only in their own currency).
fn charge_terms(session: &Session, locale: Locale, currency: Currency) -> (String, String, String) {
    let terms = session.policy().terms;
    let rate = terms
        .yearly_rate
        .map(|r| locale.format_amount(r.normalize(), 0))
        .unwrap_or_default();
    let fixed = |amount: Decimal| {
        Some(amount).filter(|c| !c.is_zero() && terms.fees_currency == Some(currency))
    };
    let compensation = fixed(terms.compensation)
        .map(|c| money_text(locale, c, currency))
        .unwrap_or_default();
    let penalty = fixed(terms.weekly_penalty)
        .map(|c| money_text(locale, c, currency))
        .unwrap_or_default();
    (rate, compensation, penalty)
}

/// The missed instalment of a plan over these invoices, if one was missed;
/// empty otherwise, which is how an instalment letter knows to refuse.
fn missed_instalment(
    locale: Locale,
    about: &Reminded,
    currency: Currency,
    chosen: &[&OpenInvoice],
) -> MissedInstalment {
    about
        .account
        .plans
        .iter()
        .filter(|p| p.currency == currency)
        .filter(|p| p.invoices.is_empty() || chosen.iter().any(|i| p.invoices.contains(&i.id)))
        .find_map(
            |p| match about.assessed.plans.iter().find(|(id, _)| *id == p.id) {
                Some((_, PlanState::Broken { missed, .. })) => Some(MissedInstalment {
                    amount: money_text(locale, missed.1, currency),
                    due: date_text(locale, missed.0),
                    agreed: date_text(locale, p.created_on),
                }),
                _ => None,
            },
        )
        .unwrap_or_default()
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
    let balances = account.balances(as_of);
    let mut currencies: Vec<Currency> = Vec::new();
    for c in account
        .invoices
        .iter()
        .map(|i| i.currency)
        .chain(balances.iter().map(|b| b.currency))
    {
        if !currencies.contains(&c) {
            currencies.push(c);
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
    let (credit, net) = credit_and_net(locale, &currencies, &balances);
    StatementContext {
        company: company(session),
        customer: party(customer),
        date: date_text(locale, as_of),
        buckets: bucket_totals,
        total: totals.join("; "),
        items,
        credit,
        net,
        reference: CreditorReference::of(ReferenceTarget::Account(customer.id)).printed(),
    }
}

/// The creditor reference a reminder asks the customer to quote: its
/// invoice's when it asks for one, else the account's.
fn reference_for(customer: &Customer, chosen: &[&OpenInvoice]) -> String {
    let target = match chosen {
        [one] => ReferenceTarget::Invoice(one.id),
        _ => ReferenceTarget::Account(customer.id),
    };
    CreditorReference::of(target).printed()
}

/// The credit on account per currency and, when there is any, the net
/// balance of every currency; both empty when the account has no credit.
fn credit_and_net(
    locale: Locale,
    currencies: &[Currency],
    balances: &[CustomerBalance],
) -> (String, String) {
    let of = |c: Currency| balances.iter().find(|b| b.currency == c);
    let credit: Vec<String> = currencies
        .iter()
        .filter_map(|&c| of(c).filter(|b| !b.unapplied_credit.is_zero()))
        .map(|b| money_text(locale, b.unapplied_credit, b.currency))
        .collect();
    if credit.is_empty() {
        return (String::new(), String::new());
    }
    let net: Vec<String> = currencies
        .iter()
        .map(|&c| money_text(locale, of(c).map_or(Decimal::ZERO, CustomerBalance::net), c))
        .collect();
    (credit.join("; "), net.join("; "))
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
