//! `dun agenda`, `dun status`, `dun why`: the engine's answers.

use std::io::Write;

use anyhow::{Context as _, Result};
use serde_json::json;

use super::Session;
use super::balances::AccountTotals;
use super::report::amount_cell;
use crate::output::{Cell, Format, Items, Report, write_json_value};
use crate::store::{HistoryOf, LogEntry, Store};
use crate::text::sanitize;
use dun_core::dunning::{
    Account, AccountAssessment, AgendaItem, Explain, InvoiceAssessment, OpenInvoice, Policy,
    commitment_lines, slow_payer_advice, trace,
};
use dun_core::ledger::{Customer, InvoiceId};
use dun_core::money::{Amounts, Money, plain_amount};
use rust_decimal::Decimal;

mod evaluation;

pub(super) use evaluation::{Evaluation, all_measures, evaluate_chunks, labels};

/// Today's agenda over the whole ledger, each item with its invoice
/// numbers, in priority order.
pub(super) fn whole_agenda(session: &Session, store: &Store) -> Result<Vec<(AgendaItem, Items)>> {
    listed_agenda(session, store, true)
}

/// As [`whole_agenda`]; `ids` false leaves out each item's invoice ids,
/// for a caller that only shows the numbers: on a large ledger the ids
/// would cost as much memory again.
fn listed_agenda(session: &Session, store: &Store, ids: bool) -> Result<Vec<(AgendaItem, Items)>> {
    let parts = evaluate_chunks(session, store, Explain::Agenda, |accounts, assessment| {
        assessment
            .agenda
            .iter()
            .map(|item| {
                // Accounts come in customer order.
                let account = accounts
                    .binary_search_by_key(&item.customer_id, |a| a.customer_id)
                    .ok()
                    .map(|i| &accounts[i]);
                let numbers = invoice_numbers(account, &item.invoices);
                let item = if ids {
                    item.clone()
                } else {
                    without_invoices(item)
                };
                (item, numbers)
            })
            .collect::<Vec<_>>()
    })?;
    let mut agenda: Vec<(AgendaItem, Items)> = super::spans::joined(parts);
    agenda.sort_by(|a, b| dun_core::dunning::priority_order(&a.0, &b.0));
    Ok(agenda)
}

/// The numbers of an account's open invoices among `invoices`, in their
/// order, held exactly (an agenda lists them for every item).
pub(crate) fn invoice_numbers(account: Option<&Account>, invoices: &[InvoiceId]) -> Items {
    let open = account.map_or(&[][..], |a| a.invoices.as_slice());
    Items::exact(
        invoices
            .iter()
            .filter_map(|id| open.iter().find(|i| i.id == *id))
            .map(|i| i.number.as_str()),
    )
}

/// A copy of an agenda item without its invoice ids.
fn without_invoices(item: &AgendaItem) -> AgendaItem {
    AgendaItem {
        customer_id: item.customer_id,
        code: item.code.clone(),
        kind: item.kind,
        action: item.action,
        stage: item.stage.clone(),
        invoices: Vec::new(),
        overdue_balance: item.overdue_balance,
        currency: item.currency,
        days_overdue: item.days_overdue,
        severity: item.severity,
        why: item.why.clone(),
    }
}

pub(super) fn agenda(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let agenda = listed_agenda(session, &store, false)?;
    let names = store.customer_names()?;
    let mut report = Report::new([
        ("customer", "Customer"),
        ("name", "Name"),
        ("action", "Action"),
        ("stage", "Stage"),
        ("invoices", "Invoices"),
        ("overdue_balance", "Overdue"),
        ("currency", "Cur"),
        ("days_overdue", "Days"),
        ("why", "Why"),
    ]);
    let count = agenda.len();
    for (item, numbers) in agenda {
        report.rows.push(vec![
            Cell::Text(item.code),
            Cell::Text(
                names
                    .get(&item.customer_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            ),
            Cell::Text(item.action.as_str().into()),
            Cell::Text(item.stage),
            Cell::List(numbers),
            amount_cell(item.overdue_balance, item.currency),
            Cell::Text(item.currency.to_string()),
            Cell::Int(item.days_overdue),
            Cell::Text(item.why),
        ]);
    }
    report.write(format, session.config.config.locale, out)?;
    if format == Format::Table {
        writeln!(out, "{count} items as of {}", session.as_of)?;
    }
    Ok(())
}

pub(super) fn why(
    session: &Session,
    number: &str,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    if format == Format::Csv {
        anyhow::bail!("--format: why prints table or json");
    }
    let store = session.open_existing()?;
    let invoice = store.invoice_by_number(number)?;
    if invoice.issue_date > session.as_of {
        anyhow::bail!(
            "{} is issued {}, after {}; nothing to explain yet",
            sanitize(&invoice.number),
            invoice.issue_date,
            session.as_of
        );
    }
    let evaluation = Evaluation::load(session, &store, Some(invoice.customer_id), Explain::All)?;
    let (account, assessed) = evaluation
        .account(invoice.customer_id)
        .context("the invoice's customer")?;
    let policy = session.policy();
    let lines = trace(account, invoice.id, &policy, session.as_of);
    let label = assessed
        .invoices
        .iter()
        .find(|i| i.invoice_id == invoice.id)
        .map(|i| i.label.clone())
        .unwrap_or_else(|| invoice.closed_label().to_string());
    match format {
        Format::Json => {
            write_json_value(
                out,
                &json!({
                    "number": invoice.number,
                    "customer": account.code,
                    "stage": label,
                    "trace": lines,
                }),
            )?;
            writeln!(out)?;
        }
        _ => {
            writeln!(
                out,
                "{} ({}) as of {}: {label}",
                sanitize(&invoice.number),
                sanitize(&account.code),
                session.as_of
            )?;
            for line in lines {
                writeln!(out, "  {}", sanitize(&line))?;
            }
        }
    }
    Ok(())
}

/// Everything `dun status` shows for one customer, gathered once so the
/// table and the JSON renderings cannot drift apart.
struct StatusView<'a> {
    customer: &'a Customer,
    account: &'a Account,
    assessed: &'a AccountAssessment,
    policy: Policy,
    /// Assessed open invoices with their ledger rows, in assessment order.
    rows: Vec<(&'a OpenInvoice, &'a InvoiceAssessment)>,
    /// Open, credit, net, charges and amount due per currency.
    totals: AccountTotals,
    /// The latest history entries up to the session's date.
    history: Vec<LogEntry>,
    average_late: Option<Decimal>,
    /// A hint to move a slow payer onto a stricter policy, if warranted.
    suggestion: Option<String>,
}

impl<'a> StatusView<'a> {
    /// Collects the customer's invoices, totals, history and payment advice.
    fn gather(
        session: &Session,
        store: &Store,
        customer: &'a Customer,
        account: &'a Account,
        assessed: &'a AccountAssessment,
    ) -> Result<Self> {
        let policy = session.policy();
        let history = store.history(
            customer.id,
            &HistoryOf {
                as_of: session.as_of,
                reached: &assessed.changes,
                limit: 20,
                locale: policy.locale,
            },
        )?;
        let paid = store.recent_lateness(customer.id, policy.slow_payer_sample, session.as_of)?;
        let average_late = dun_core::dunning::average_days_late(&paid);
        let suggestion = slow_payer_advice(&paid, customer.policy_profile.as_deref(), &policy)
            .map(|advice| {
                format!(
                    "paid {} days late on average over the last {} invoices (> {}): consider `dun customer edit {} --policy {}`; the payment record: `dun report payers --customer {}`",
                    advice.average_days_late.round_dp(1),
                    advice.sample,
                    advice.threshold,
                    customer.code,
                    advice.profile,
                    customer.code
                )
            });
        let mut rows = Vec::new();
        let mut charges = Amounts::new();
        for a in &assessed.invoices {
            let Some(invoice) = account.invoices.iter().find(|i| i.id == a.invoice_id) else {
                continue;
            };
            charges.add(Money::new(a.charges.total(), invoice.currency));
            rows.push((invoice, a));
        }
        let totals = AccountTotals::gather(store, &policy, account, charges, session.as_of)?;
        Ok(StatusView {
            customer,
            account,
            assessed,
            policy,
            rows,
            totals,
            history,
            average_late,
            suggestion,
        })
    }
}

/// `dun status CODE`: one customer's account, invoices and history.
pub(super) fn status(
    session: &Session,
    code: &str,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    if format == Format::Csv {
        anyhow::bail!("--format: status prints table or json");
    }
    let store = session.open_existing()?;
    let customer = store.customer_by_code(code)?;
    let evaluation = Evaluation::load(session, &store, Some(customer.id), Explain::All)?;
    let (account, assessed) = evaluation
        .account(customer.id)
        .context("the customer's account")?;
    let view = StatusView::gather(session, &store, &customer, account, assessed)?;
    if format == Format::Json {
        return write_status_json(&view, out);
    }
    write_status_table(session, &view, out)
}

/// Renders the status view as one JSON object.
fn write_status_json(view: &StatusView, out: &mut dyn Write) -> Result<()> {
    let (customer, assessed) = (view.customer, view.assessed);
    let invoices: Vec<serde_json::Value> = view
        .rows
        .iter()
        .map(|(i, a)| {
            json!({
                "number": i.number, "due_date": i.due_date.to_string(), "open_balance": plain_amount(i.open, i.currency),
                "currency": i.currency, "days_overdue": a.days_overdue, "stage": a.label,
                "interest": plain_amount(a.charges.interest, i.currency),
                "fees": plain_amount(a.charges.compensation + a.charges.penalty, i.currency),
                "amount_due": plain_amount(i.open + a.charges.total(), i.currency),
                "why": a.why,
            })
        })
        .collect();
    let measures: Vec<serde_json::Value> = assessed
        .measures
        .iter()
        .map(|m| json!({"measure": m.measure.as_str(), "since": m.since.to_string(), "why": m.why}))
        .collect();
    let history: Vec<serde_json::Value> = view
        .history
        .iter()
        .map(|h| json!({"date": h.on.to_string(), "kind": h.kind, "text": h.text}))
        .collect();
    let value = json!({
        "customer": customer.code, "name": customer.name, "policy": customer.policy_profile,
        "balances": view.totals.json(), "invoices": invoices, "measures": measures,
        "promises": promises_json(view),
        "plans": plans_json(view),
        "average_days_late": view.average_late.map(|d| d.round_dp(1).to_string()),
        "suggestion": view.suggestion,
        "history": history,
    });
    write_json_value(out, &value)?;
    writeln!(out)?;
    Ok(())
}

/// Each promise: what was promised, by when, and where it stands.
fn promises_json(view: &StatusView<'_>) -> Vec<serde_json::Value> {
    let locale = view.policy.locale;
    view.account
        .promises
        .iter()
        .filter_map(|p| {
            let (_, state) = view.assessed.promises.iter().find(|(id, _)| *id == p.id)?;
            Some(json!({
                "id": p.id, "made_on": p.made_on.to_string(), "promised_on": p.promised_on.to_string(),
                "amount": plain_amount(p.amount, p.currency), "currency": p.currency.to_string(),
                "state": state.describe(p.currency, locale),
            }))
        })
        .collect()
}

/// Each plan: its instalments and where it stands.
fn plans_json(view: &StatusView<'_>) -> Vec<serde_json::Value> {
    let locale = view.policy.locale;
    view.account
        .plans
        .iter()
        .filter_map(|p| {
            let (_, state) = view.assessed.plans.iter().find(|(id, _)| *id == p.id)?;
            let instalments: Vec<serde_json::Value> = p
                .instalments
                .iter()
                .map(|(on, amount)| json!({"due_on": on.to_string(), "amount": plain_amount(*amount, p.currency)}))
                .collect();
            Some(json!({
                "id": p.id, "created_on": p.created_on.to_string(), "currency": p.currency.to_string(),
                "instalments": instalments, "state": state.describe(p.currency, locale),
            }))
        })
        .collect()
}

/// Renders the status view for the terminal: header, invoice table, then
/// commitments, advice and history.
fn write_status_table(session: &Session, view: &StatusView, out: &mut dyn Write) -> Result<()> {
    let locale = session.config.config.locale;
    write_status_header(session, view, out)?;
    let mut report = Report::new([
        ("number", "Invoice"),
        ("due_date", "Due"),
        ("open_balance", "Open"),
        ("charges", "Charges"),
        ("currency", "Cur"),
        ("days_overdue", "Days"),
        ("stage", "Stage"),
        ("why", "Why"),
    ]);
    for (i, a) in &view.rows {
        report.rows.push(vec![
            Cell::Text(i.number.clone()),
            Cell::Date(i.due_date),
            amount_cell(i.open, i.currency),
            amount_cell(a.charges.total(), i.currency),
            Cell::Text(i.currency.to_string()),
            Cell::Int(a.days_overdue),
            Cell::Text(a.label.clone()),
            Cell::Text(a.why.clone()),
        ]);
    }
    writeln!(out)?;
    report.write(Format::Table, locale, out)?;
    for line in commitment_lines(view.account, view.assessed, view.policy.locale) {
        writeln!(out, "{line}")?;
    }
    if let Some(s) = &view.suggestion {
        writeln!(out, "\n{}", sanitize(s))?;
    }
    if !view.history.is_empty() {
        writeln!(out, "\nHistory:")?;
        for h in &view.history {
            writeln!(out, "  {}  {:<9} {}", h.on, h.kind, sanitize(&h.text))?;
        }
    }
    Ok(())
}

/// Writes the lines above the invoice table: who, policy, measures, totals
/// per currency and payment terms.
fn write_status_header(session: &Session, view: &StatusView, out: &mut dyn Write) -> Result<()> {
    let (customer, locale) = (view.customer, session.config.config.locale);
    writeln!(
        out,
        "{} — {} — as of {}",
        sanitize(&customer.code),
        sanitize(&customer.name),
        session.as_of
    )?;
    if let Some(profile) = &customer.policy_profile {
        writeln!(out, "policy: {}", sanitize(profile))?;
    }
    for m in &view.assessed.measures {
        writeln!(
            out,
            "MEASURE {} since {}: {}",
            m.measure.as_str(),
            m.since,
            sanitize(&m.why)
        )?;
    }
    for line in view.totals.lines(locale) {
        writeln!(out, "{line}")?;
    }
    if !view.policy.terms.is_free() {
        writeln!(out, "terms: {}", view.policy.terms.describe())?;
    }
    Ok(())
}

/// The policy the session's configuration defines.
pub(super) fn policy_of(session: &Session) -> Policy {
    session.config.policy()
}
