//! `dun` and `dun demo`: the dashboard. Loads the board, runs the terminal
//! loop, and carries out the app's effects against the ledger.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseEventKind,
};
use ratatui::crossterm::execute;

use super::Session;
use super::dunning::Evaluation;
use crate::dunning::{Account, AccountAssessment, AgendaItem, Explain, Status, evaluate_account};
use crate::ledger::{ContactRole, CustomerId};
use crate::money::Money;
use crate::store::{NewActivity, NewPayment, NewPromise, Store};
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, Request};
use crate::tui::keymap::Keymap;
use crate::tui::model::{
    AccountView, AgendaRow, Board, ContactLine, Credits, CustomerDetail, InvoiceLine,
};
use crate::tui::ui;

/// Loads the whole board as of the session's date, chunk by chunk: only
/// the rows and agenda items are kept, never the whole ledger's snapshot.
pub fn load_board(session: &Session, store: &Store) -> Result<Board> {
    let names = store.customer_names()?;
    let parts = super::dunning::evaluate_chunks(
        session,
        store,
        Explain::DueOnly,
        |accounts, assessment| {
            let agenda = &assessment.agenda;
            let mut first_items: std::collections::HashMap<CustomerId, usize> =
                std::collections::HashMap::new();
            for (n, item) in agenda.iter().enumerate() {
                first_items.entry(item.customer_id).or_insert(n);
            }
            let mut rows = Vec::new();
            for (account, assessed) in accounts.iter().zip(&assessment.accounts) {
                let name = names
                    .get(&account.customer_id)
                    .map(|(_, n)| n.as_str())
                    .unwrap_or("");
                let first: Vec<AgendaItem> = first_items
                    .get(&account.customer_id)
                    .map(|&i| agenda[i].clone())
                    .into_iter()
                    .collect();
                rows.extend(rows_of(
                    session,
                    account,
                    assessed,
                    name,
                    last_contact(account),
                    &first,
                ));
            }
            let items: Vec<AgendaRow> = agenda
                .iter()
                .map(|item| {
                    let name = names
                        .get(&item.customer_id)
                        .map(|(_, n)| n.as_str())
                        .unwrap_or("");
                    agenda_row(accounts, item, name)
                })
                .collect();
            (rows, items)
        },
    )?;
    let mut board = Board {
        as_of: session.as_of,
        bucket_titles: session.config.buckets.titles(),
        rows: Vec::new(),
        agenda: Vec::new(),
    };
    for (rows, items) in parts {
        board.rows.extend(rows);
        board.agenda.extend(items);
    }
    Board::sort_rows(&mut board.rows);
    board.sort_agenda();
    Ok(board)
}

/// The last call, email, letter or visit in the account's snapshot. The
/// snapshot's log starts a month before its oldest open invoice, which
/// covers every contact about money still owed.
fn last_contact(account: &Account) -> Option<NaiveDate> {
    account
        .activities
        .iter()
        .filter(|a| a.kind.is_contact())
        .map(|a| a.occurred_on)
        .max()
}

fn rows_of(
    session: &Session,
    account: &Account,
    assessed: &AccountAssessment,
    name: &str,
    last_contact: Option<NaiveDate>,
    agenda: &[AgendaItem],
) -> Vec<crate::tui::model::AgingRow> {
    let credits: Credits = account
        .credits
        .iter()
        .map(|(c, a)| ((account.customer_id, *c), *a))
        .collect();
    let view = AccountView {
        account,
        assessed,
        name,
        last_contact,
    };
    Board::rows_for(
        &view,
        &credits,
        agenda,
        &session.config.buckets,
        session.as_of,
    )
}

fn agenda_row(accounts: &[Account], item: &AgendaItem, name: &str) -> AgendaRow {
    // Accounts come in customer order: find the item's by binary search.
    let numbers = accounts
        .binary_search_by_key(&item.customer_id, |a| a.customer_id)
        .ok()
        .map(|i| &accounts[i])
        .map(|account| {
            item.invoices
                .iter()
                .filter_map(|id| {
                    account
                        .invoices
                        .iter()
                        .find(|i| i.id == *id)
                        .map(|i| i.number.clone())
                })
                .collect()
        })
        .unwrap_or_default();
    AgendaRow {
        item: item.clone(),
        name: name.to_string(),
        numbers,
    }
}

/// Recomputes one customer's rows and agenda items after a write.
fn refresh(
    session: &Session,
    store: &Store,
    board: &mut Board,
    customer_id: CustomerId,
) -> Result<()> {
    let evaluation = Evaluation::load(session, store, Some(customer_id), Explain::DueOnly)?;
    let customer = store.customer_by_id(customer_id)?;
    let name = customer.name.as_str();
    let last = evaluation
        .account(customer_id)
        .and_then(|(a, _)| last_contact(a));
    let agenda = &evaluation.assessment.agenda;
    let (rows, items) = match evaluation.account(customer_id) {
        Some((account, assessed)) => (
            rows_of(
                session,
                account,
                assessed,
                name,
                last,
                agenda.get(..1).unwrap_or(&[]),
            ),
            agenda
                .iter()
                .map(|i| agenda_row(&evaluation.accounts, i, name))
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    board.replace_customer(customer_id, rows, items);
    Ok(())
}

/// Everything the customer screen shows.
pub fn load_customer(
    session: &Session,
    store: &Store,
    customer_id: CustomerId,
) -> Result<CustomerDetail> {
    let customer = store.customer_by_id(customer_id)?;
    let account = store
        .accounts(session.as_of, Some(customer_id))?
        .pop()
        .context("the customer's account")?;
    let policy = session.policy();
    let assessed = evaluate_account(&account, &policy, session.as_of);
    let agenda =
        crate::dunning::evaluate(std::slice::from_ref(&account), &policy, session.as_of).agenda;
    let locale = session.config.config.locale;
    let invoices = assessed
        .invoices
        .iter()
        .filter_map(|a| {
            let i = account.invoices.iter().find(|i| i.id == a.invoice_id)?;
            Some(InvoiceLine {
                id: i.id,
                number: i.number.clone(),
                due_date: i.due_date,
                open: i.open,
                currency: i.currency,
                days_overdue: a.days_overdue,
                stage: a.label.clone(),
                why: a.why.clone(),
                disputed: a.status == Status::Disputed,
            })
        })
        .collect();
    let contact = |role: ContactRole| {
        customer.contact(role).map(|c| {
            let parts: Vec<&str> = [&c.name, &c.email, &c.phone]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            ContactLine {
                role: role.as_str().replace('_', " "),
                text: parts.join(", "),
            }
        })
    };
    // Later stages (the sales rep and beyond) or a measure call for the
    // senior contact; before that, accounts payable.
    let late = assessed
        .invoices
        .iter()
        .any(|a| matches!(a.status, Status::Stage(i) if i >= 3))
        || !assessed.measures.is_empty();
    let order = if late {
        [ContactRole::Senior, ContactRole::Billing]
    } else {
        [ContactRole::Billing, ContactRole::Senior]
    };
    let main = || {
        let parts: Vec<&str> = [&customer.email, &customer.phone]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| ContactLine {
            role: "main".into(),
            text: parts.join(", "),
        })
    };
    let call_first = order.iter().find_map(|r| contact(*r)).or_else(main);
    let mut contacts: Vec<ContactLine> = [
        ContactRole::Billing,
        ContactRole::Senior,
        ContactRole::SalesRep,
    ]
    .iter()
    .filter_map(|r| contact(*r))
    .collect();
    contacts.extend(main());
    let mut payments: Vec<(NaiveDate, String, String)> = store
        .payments(Some(customer_id))?
        .into_iter()
        .rev()
        .take(10)
        .map(|(p, _)| {
            (
                p.paid_on,
                Money::new(p.amount, p.currency).display(locale),
                p.reference.unwrap_or_default(),
            )
        })
        .collect();
    payments.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut commitments: Vec<String> = assessed
        .promises
        .iter()
        .map(|(id, s)| format!("promise #{id}: {s}"))
        .collect();
    commitments.extend(
        assessed
            .plans
            .iter()
            .map(|(id, s)| format!("plan #{id}: {s}")),
    );
    let timeline = store
        .history(customer_id, 50)?
        .into_iter()
        .map(|e| (e.on, e.kind, e.text))
        .collect();
    let due = agenda
        .first()
        .map(|i| (i.stage.clone(), i.action.as_str().to_string()));
    Ok(CustomerDetail {
        customer_id,
        code: customer.code.clone(),
        name: customer.name.clone(),
        call_first,
        contacts,
        measures: assessed
            .measures
            .iter()
            .map(|m| (m.measure.as_str().replace('_', " "), m.since, m.why.clone()))
            .collect(),
        invoices,
        payments,
        commitments,
        timeline,
        due,
        on_hold: account.hold.is_some(),
        next_step: next_step(&account, &assessed, &policy, session.as_of),
    })
}

/// The earliest day after `as_of` when the ladder asks for the next stage
/// of one of the account's chased invoices.
fn next_step(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &crate::dunning::Policy,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let ladder = policy.ladder(account.profile.as_deref());
    assessed
        .invoices
        .iter()
        .filter_map(|a| {
            let next = match a.status {
                Status::Current => ladder.first(),
                Status::Stage(i) => ladder.get(i + 1),
                _ => None,
            }?;
            let invoice = account.invoices.iter().find(|i| i.id == a.invoice_id)?;
            invoice
                .due_date
                .checked_add_signed(chrono::TimeDelta::days(i64::from(next.days)))
        })
        .filter(|d| *d > as_of)
        .min()
}

/// Carries out a write; returns the message for the status bar.
pub fn apply(session: &Session, store: &mut Store, request: &Request) -> Result<String> {
    match request {
        Request::FollowUp {
            customer_id,
            kind,
            stage,
            invoices,
            outcome,
            note,
            promise,
            next_on,
        } => {
            let promise = match promise {
                Some((on, amount)) => {
                    let money = session
                        .money("Promise amount", amount, None)
                        .map_err(|e| anyhow::anyhow!("{e:#}"))?;
                    Some(NewPromise {
                        customer_id: *customer_id,
                        made_on: session.as_of,
                        promised_on: *on,
                        amount: money.amount,
                        currency: money.currency,
                        note: None,
                        invoices: invoices.clone(),
                    })
                }
                None => None,
            };
            for (label, text) in [("Outcome", outcome), ("Note", note)] {
                crate::text::check_field(label, text).map_err(anyhow::Error::msg)?;
            }
            let stage = super::follow_up::resolve_stage(
                session,
                store,
                *customer_id,
                *kind,
                stage.as_deref(),
                invoices,
                session.as_of,
            )
            .unwrap_or(None);
            let activity = NewActivity {
                customer_id: *customer_id,
                occurred_on: session.as_of,
                kind: *kind,
                stage,
                outcome: Some(outcome.clone()).filter(|o| !o.is_empty()),
                note: Some(note.clone()).filter(|n| !n.is_empty()),
                next_on: *next_on,
                invoices: invoices.clone(),
            };
            store.log_with_promise(&activity, promise.as_ref())?;
            Ok(match &promise {
                Some(p) => format!(
                    "logged the {} and a promise of {} by {}",
                    kind.as_str(),
                    Money::new(p.amount, p.currency).display(session.config.config.locale),
                    p.promised_on
                ),
                None => format!("logged the {}", kind.as_str()),
            })
        }
        Request::Payment {
            customer_id,
            amount,
            date,
            invoice,
            reference,
        } => {
            let money = session
                .money("Amount", amount, None)
                .map_err(|e| anyhow::anyhow!("{e:#}"))?;
            if money.amount <= rust_decimal::Decimal::ZERO {
                anyhow::bail!("Amount: must be positive");
            }
            crate::text::check_field("Reference", reference).map_err(anyhow::Error::msg)?;
            let invoice_id = match invoice {
                Some(number) => Some(store.invoice_by_number(number).context("Invoice")?.id),
                None => None,
            };
            store.insert_payment(&NewPayment {
                customer_id: *customer_id,
                paid_on: *date,
                amount: money.amount,
                currency: money.currency,
                method: None,
                reference: Some(reference.clone()).filter(|r| !r.is_empty()),
                invoice_id,
            })?;
            Ok(format!(
                "recorded a payment of {}",
                money.display(session.config.config.locale)
            ))
        }
        Request::Dispute { number, reason } => {
            crate::text::check_field("Reason", reason).map_err(anyhow::Error::msg)?;
            store.open_dispute(number, session.as_of, reason)?;
            Ok(format!("{} is disputed", crate::text::sanitize(number)))
        }
        Request::Resolve { number, note } => {
            crate::text::check_field("Resolution", note).map_err(anyhow::Error::msg)?;
            store.resolve_dispute(
                number,
                session.as_of,
                Some(note.as_str()).filter(|n| !n.is_empty()),
            )?;
            Ok(format!(
                "dispute on {} resolved",
                crate::text::sanitize(number)
            ))
        }
        Request::Hold {
            customer_id,
            release,
            reason,
        } => {
            crate::text::check_field("Reason", reason).map_err(anyhow::Error::msg)?;
            if *release {
                store.release(*customer_id, session.as_of, reason)?;
                Ok("hold released".into())
            } else {
                store.hold(*customer_id, session.as_of, reason)?;
                Ok("put on hold".into())
            }
        }
    }
}

/// The customer a request writes to.
fn customer_of(store: &Store, request: &Request) -> Option<CustomerId> {
    request.customer_id().or_else(|| match request {
        Request::Dispute { number, .. } | Request::Resolve { number, .. } => {
            store.invoice_by_number(number).ok().map(|i| i.customer_id)
        }
        _ => None,
    })
}

/// Applies the app's effects; returns true when the board changed.
pub fn run_effects(
    session: &Session,
    store: &mut Store,
    app: &mut App,
    effects: Vec<Effect>,
) -> Result<()> {
    for effect in effects {
        match effect {
            Effect::LoadCustomer(id) => {
                let detail = load_customer(session, store, id)?;
                app.show_customer(detail);
            }
            Effect::Save(request) => {
                let customer = customer_of(store, &request);
                let result = apply(session, store, &request).map_err(|e| format!("{e:#}"));
                log_line(
                    session,
                    &format!("save {:?}: {:?}", request_kind(&request), result),
                );
                let ok = result.is_ok();
                app.saved(result);
                if ok && let Some(id) = customer {
                    refresh(session, store, &mut app.board, id)?;
                    app.refresh_view();
                    if app.customer.as_ref().is_some_and(|c| c.customer_id == id) {
                        let detail = load_customer(session, store, id)?;
                        let screen = app.screen;
                        app.show_customer(detail);
                        app.screen = screen;
                    }
                    app.agenda.selected = app
                        .agenda
                        .selected
                        .min(app.board.agenda.len().saturating_sub(1));
                }
            }
        }
    }
    Ok(())
}

fn request_kind(request: &Request) -> &'static str {
    match request {
        Request::FollowUp { .. } => "follow-up",
        Request::Payment { .. } => "payment",
        Request::Dispute { .. } => "dispute",
        Request::Resolve { .. } => "resolve",
        Request::Hold { .. } => "hold",
    }
}

/// Appends a line to the log file beside the ledger; never to the screen.
fn log_line(session: &Session, line: &str) {
    let mut path = session.db.clone().into_os_string();
    path.push(".log");
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(
            file,
            "{} {}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            crate::text::sanitize(line)
        );
    }
}

/// The keymap: defaults, with `keymap.toml` from the config folder merged over them.
fn keymap() -> Result<Keymap> {
    let Some(path) = super::project_dirs().map(|d| d.config_dir().join("keymap.toml")) else {
        return Ok(Keymap::default_map());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            Keymap::with_user(&text).map_err(|e| anyhow::anyhow!("keymap {}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default_map()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Opens the dashboard on the session's ledger, or prints the aging when
/// the output is not a terminal.
pub(super) fn run(session: &Session, out: &mut dyn Write) -> Result<()> {
    let mut store = session.open_existing()?;
    if !std::io::stdout().is_terminal() {
        writeln!(
            out,
            "(the dashboard needs a terminal; showing the aging instead)"
        )?;
        return super::report::print_summary(session, &store, out);
    }
    let keymap = keymap()?;
    let started = Instant::now();
    let board = load_board(session, &store)?;
    let mut app = App::new(board, keymap);
    app.locale = session.config.config.locale;
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    log_line(session, &format!("board loaded in {:?}", started.elapsed()));
    let mut terminal = ratatui::try_init().context("cannot take over the terminal")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = event_loop(session, &mut store, &mut app, &mut terminal, started);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::try_restore().context("cannot restore the terminal")?;
    result
}

fn event_loop(
    session: &Session,
    store: &mut Store,
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    started: Instant,
) -> Result<()> {
    // A keystroke is timed from its arrival to the end of the frame that
    // shows its result; the log file keeps each time (see BENCHMARKS.md).
    let mut pending: Option<(Instant, String)> = None;
    let mut first = true;
    while !app.quit {
        app.page = ui::page_rows(terminal.size().map(|s| s.height).unwrap_or(24));
        terminal
            .draw(|frame| ui::draw(app, frame))
            .context("cannot draw")?;
        if first {
            log_line(
                session,
                &format!(
                    "first frame after {} ms",
                    started.elapsed().as_secs_f64() * 1e3
                ),
            );
            first = false;
        }
        if let Some((at, key)) = pending.take() {
            log_line(
                session,
                &format!(
                    "keystroke {key} took {:.3} ms",
                    at.elapsed().as_secs_f64() * 1e3
                ),
            );
        }
        let event = event::read().context("cannot read the keyboard")?;
        let arrived = Instant::now();
        let effects = match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                pending = Some((arrived, format!("{:?}", key.code)));
                app.key(key)
            }
            Event::Mouse(mouse) => match mouse.kind {
                MouseEventKind::ScrollDown => app.update(Action::MoveDown),
                MouseEventKind::ScrollUp => app.update(Action::MoveUp),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        if !effects.is_empty()
            && let Err(e) = run_effects(session, store, app, effects)
        {
            app.status = format!("{e:#}");
        }
    }
    Ok(())
}
