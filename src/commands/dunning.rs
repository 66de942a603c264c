//! `dun agenda`, `dun status`, `dun why`: the engine's answers.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context as _, Result};
use serde_json::json;

use super::Session;
use super::balances::AccountTotals;
use super::report::amount_cell;
use crate::output::{Cell, Format, Report, write_json_value};
use crate::store::{Customers, HistoryOf, LogEntry, Store};
use crate::text::sanitize;
use dun_core::dunning::{
    Account, AccountAssessment, AgendaItem, Assessment, Explain, InvoiceAssessment, OpenInvoice,
    Policy, commitment_lines, evaluate_with, slow_payer_advice, trace,
};
use dun_core::ledger::{Customer, CustomerId, InvoiceId};
use dun_core::money::{Amounts, Money, plain_amount};
use rust_decimal::Decimal;

/// Customers evaluated per chunk: small enough that a chunk's snapshot is a
/// few megabytes, large enough that the per-chunk queries cost little.
const CHUNK: usize = 250;

/// Evaluates the whole ledger chunk by chunk on every core, each thread on
/// its own read connection, handing every chunk's accounts and assessment
/// to `keep`; memory stays at about a chunk per core. Results come back in
/// customer order.
pub(super) fn evaluate_chunks<T: Send>(
    session: &Session,
    store: &Store,
    explain: Explain,
    keep: impl Fn(&[Account], &Assessment) -> T + Sync,
) -> Result<Vec<T>> {
    let ids = store.customer_ids()?;
    let spans: Vec<Customers> = ids
        .chunks(CHUNK)
        .filter_map(|c| Some(Customers(*c.first()?, *c.last()?)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(spans.len().max(1));
    let policy = session.policy();
    let work = |reader: &Store, k: usize| -> Result<Vec<(usize, T)>> {
        let mut out = Vec::new();
        for (i, span) in spans.iter().enumerate().skip(k).step_by(threads) {
            let accounts = reader.accounts_between(session.as_of, *span)?;
            let assessment = evaluate_with(&accounts, &policy, session.as_of, explain);
            out.push((i, keep(&accounts, &assessment)));
        }
        Ok(out)
    };
    let readers = (1..threads)
        .map(|_| store.reader())
        .collect::<Result<Vec<Store>, _>>()?;
    let mut parts: Vec<(usize, T)> = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
        let handles: Vec<_> = readers
            .into_iter()
            .enumerate()
            .map(|(n, reader)| {
                let work = &work;
                scope.spawn(move || work(&reader, n + 1))
            })
            .collect();
        let mut all = work(store, 0)?;
        for handle in handles {
            all.extend(
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("an evaluation thread stopped"))??,
            );
        }
        Ok(all)
    })?;
    parts.sort_by_key(|(i, _)| *i);
    Ok(parts.into_iter().map(|(_, t)| t).collect())
}

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
}

/// Stage labels of the open invoices, of one customer or of every one.
pub(super) fn labels(
    session: &Session,
    store: &Store,
    customer: Option<CustomerId>,
) -> Result<HashMap<InvoiceId, String>> {
    if customer.is_some() {
        return Ok(Evaluation::load(session, store, customer, Explain::DueOnly)?.labels());
    }
    let parts = evaluate_chunks(session, store, Explain::DueOnly, |_, assessment| {
        assessment
            .accounts
            .iter()
            .flat_map(|a| a.invoices.iter().map(|i| (i.invoice_id, i.label.clone())))
            .collect::<Vec<_>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// The measures of every customer.
pub(super) fn all_measures(
    session: &Session,
    store: &Store,
) -> Result<HashMap<CustomerId, Vec<String>>> {
    let parts = evaluate_chunks(session, store, Explain::DueOnly, |_, assessment| {
        assessment
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
            .collect::<Vec<(CustomerId, Vec<String>)>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// Today's agenda over the whole ledger, each item with its invoice numbers.
pub(super) fn whole_agenda(
    session: &Session,
    store: &Store,
) -> Result<Vec<(AgendaItem, Vec<String>)>> {
    let parts = evaluate_chunks(session, store, Explain::DueOnly, |accounts, assessment| {
        assessment
            .agenda
            .iter()
            .map(|item| {
                // Accounts come in customer order.
                let account = accounts
                    .binary_search_by_key(&item.customer_id, |a| a.customer_id)
                    .ok()
                    .map(|i| &accounts[i]);
                let numbers = item
                    .invoices
                    .iter()
                    .filter_map(|id| {
                        account?
                            .invoices
                            .iter()
                            .find(|i| i.id == *id)
                            .map(|i| i.number.clone())
                    })
                    .collect();
                (item.clone(), numbers)
            })
            .collect::<Vec<_>>()
    })?;
    // Prioritised in place, the numbers set aside by item: an item lists
    // every invoice it is about, so on a large ledger a copy would cost
    // as much as the agenda itself.
    let mut numbers: HashMap<(CustomerId, &'static str, dun_core::money::Currency), Vec<String>> =
        HashMap::new();
    let mut order: Vec<AgendaItem> = Vec::new();
    for (item, listed) in parts.into_iter().flatten() {
        numbers.insert(
            (item.customer_id, item.action.as_str(), item.currency),
            listed,
        );
        order.push(item);
    }
    dun_core::dunning::prioritise(&mut order);
    Ok(order
        .into_iter()
        .map(|item| {
            let listed = numbers
                .remove(&(item.customer_id, item.action.as_str(), item.currency))
                .unwrap_or_default();
            (item, listed)
        })
        .collect())
}

pub(super) fn agenda(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let agenda = whole_agenda(session, &store)?;
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
