//! `dun agenda`, `dun status`, `dun why`: the engine's answers.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context as _, Result};
use rust_decimal::Decimal;
use serde_json::json;

use super::Session;
use super::report::amount_cell;
use crate::dunning::{
    Account, AccountAssessment, Assessment, Explain, Policy, evaluate_with, trace,
};
use crate::ledger::{CustomerId, InvoiceId};
use crate::money::{Money, plain_amount};
use crate::output::{Cell, Format, Report, write_json_value};
use crate::store::Store;
use crate::text::sanitize;

/// The ledger evaluated as of the session's date.
pub(super) struct Evaluation {
    /// The snapshots evaluated.
    pub accounts: Vec<Account>,
    /// The engine's answer.
    pub assessment: Assessment,
    /// Position of each customer's account.
    index: HashMap<CustomerId, usize>,
}

impl Evaluation {
    /// Evaluates every account, or one customer's.
    pub(super) fn load(
        session: &Session,
        store: &Store,
        customer: Option<CustomerId>,
        explain: Explain,
    ) -> Result<Self> {
        let accounts = store.accounts(session.as_of, customer)?;
        let assessment = evaluate_with(&accounts, &session.policy(), session.as_of, explain);
        let index = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.customer_id, i))
            .collect();
        Ok(Evaluation {
            accounts,
            assessment,
            index,
        })
    }

    /// The assessment of one customer's account.
    pub(super) fn account(&self, customer: CustomerId) -> Option<(&Account, &AccountAssessment)> {
        let i = *self.index.get(&customer)?;
        Some((&self.accounts[i], &self.assessment.accounts[i]))
    }

    /// Stage labels of every open invoice.
    pub(super) fn labels(&self) -> HashMap<InvoiceId, String> {
        self.assessment
            .accounts
            .iter()
            .flat_map(|a| a.invoices.iter().map(|i| (i.invoice_id, i.label.clone())))
            .collect()
    }

    /// Measure names of every customer.
    pub(super) fn measures(&self) -> HashMap<CustomerId, Vec<String>> {
        self.assessment
            .accounts
            .iter()
            .map(|a| {
                (
                    a.customer_id,
                    a.measures
                        .iter()
                        .map(|m| m.measure.as_str().to_string())
                        .collect(),
                )
            })
            .collect()
    }

    fn number(&self, customer: CustomerId, invoice: InvoiceId) -> String {
        self.account(customer)
            .and_then(|(a, _)| a.invoices.iter().find(|i| i.id == invoice))
            .map(|i| i.number.clone())
            .unwrap_or_default()
    }
}

pub(super) fn agenda(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let evaluation = Evaluation::load(session, &store, None, Explain::DueOnly)?;
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
    for item in &evaluation.assessment.agenda {
        let numbers: Vec<String> = item
            .invoices
            .iter()
            .map(|id| evaluation.number(item.customer_id, *id))
            .collect();
        report.rows.push(vec![
            Cell::Text(item.code.clone()),
            Cell::Text(
                names
                    .get(&item.customer_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
            ),
            Cell::Text(item.action.as_str().into()),
            Cell::Text(item.stage.clone()),
            Cell::List(numbers),
            amount_cell(item.overdue_balance, item.currency),
            Cell::Text(item.currency.to_string()),
            Cell::Int(item.days_overdue),
            Cell::Text(item.why.clone()),
        ]);
    }
    report.write(format, session.config.config.locale, out)?;
    if format == Format::Table {
        writeln!(
            out,
            "{} items as of {}",
            evaluation.assessment.agenda.len(),
            session.as_of
        )?;
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
        .unwrap_or_else(|| super::invoice::closed_label(&invoice));
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
    let policy = session.policy();
    let locale = session.config.config.locale;
    let mut history = store.history(customer.id, 200)?;
    history.retain(|h| h.on <= session.as_of);
    history.truncate(20);
    let paid =
        store.recent_lateness(customer.id, session.config.config.dunning.slow_payer_sample)?;
    let average_late = crate::dunning::average_days_late(&paid);
    let threshold = Decimal::from(session.config.config.dunning.slow_payer_after_days);
    let suggestion = average_late
        .filter(|avg| *avg > threshold && customer.policy_profile.as_deref() != Some("slow_payer"))
        .map(|avg| {
            format!(
                "paid {} days late on average over the last {} invoices (> {threshold}): consider `dun customer edit {} --policy slow_payer`",
                avg.round_dp(1),
                paid.len(),
                customer.code
            )
        });
    let mut rows = Vec::new();
    let mut due_total: HashMap<crate::money::Currency, (Decimal, Decimal)> = HashMap::new();
    for a in &assessed.invoices {
        let Some(invoice) = account.invoices.iter().find(|i| i.id == a.invoice_id) else {
            continue;
        };
        let entry = due_total.entry(invoice.currency).or_default();
        entry.0 += invoice.open;
        entry.1 += a.charges.total();
        rows.push((invoice, a));
    }
    if format == Format::Json {
        let invoices: Vec<serde_json::Value> = rows
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
        let history: Vec<serde_json::Value> = history
            .iter()
            .map(|h| json!({"date": h.on.to_string(), "kind": h.kind, "text": h.text}))
            .collect();
        let value = json!({
            "customer": customer.code, "name": customer.name, "policy": customer.policy_profile,
            "invoices": invoices, "measures": measures,
            "promises": assessed.promises.iter().map(|(id, s)| json!({"id": id, "state": s.to_string()})).collect::<Vec<_>>(),
            "plans": assessed.plans.iter().map(|(id, s)| json!({"id": id, "state": s.to_string()})).collect::<Vec<_>>(),
            "average_days_late": average_late.map(|d| d.round_dp(1).to_string()),
            "suggestion": suggestion,
            "history": history,
        });
        write_json_value(out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
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
    for m in &assessed.measures {
        writeln!(
            out,
            "MEASURE {} since {}: {}",
            m.measure.as_str(),
            m.since,
            sanitize(&m.why)
        )?;
    }
    let mut currencies: Vec<_> = due_total.into_iter().collect();
    currencies.sort_by_key(|(c, _)| *c);
    for (currency, (open, charges)) in currencies {
        writeln!(
            out,
            "open {}, interest and fees {}, amount due {}",
            Money::new(open, currency).display(locale),
            Money::new(charges, currency).display(locale),
            Money::new(open + charges, currency).display(locale)
        )?;
    }
    if !policy.terms.is_free() {
        writeln!(out, "terms: {}", policy.terms.describe())?;
    }
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
    for (i, a) in &rows {
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
    for (id, state) in &assessed.promises {
        writeln!(out, "promise #{id}: {state}")?;
    }
    for (id, state) in &assessed.plans {
        writeln!(out, "plan #{id}: {state}")?;
    }
    if let Some(s) = suggestion {
        writeln!(out, "\n{}", sanitize(&s))?;
    }
    if !history.is_empty() {
        writeln!(out, "\nHistory:")?;
        for h in &history {
            writeln!(out, "  {}  {:<9} {}", h.on, h.kind, sanitize(&h.text))?;
        }
    }
    Ok(())
}

/// The policy the session's configuration defines.
pub(super) fn policy_of(session: &Session) -> Policy {
    Policy::from_config(&session.config.config)
}
