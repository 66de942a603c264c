//! Carrying out the dashboard's effects against the ledger.

use std::collections::VecDeque;

use anyhow::Result;

use super::super::Session;
use super::load::{load_customer, refresh};
use super::log_line;
use crate::ops;
use crate::store::{Store, Wait};
use crate::text::sanitize;
use crate::tui::app::{App, Effect, Preview, Request, Undo};
use crate::tui::message::Message;
use dun_core::ledger::CustomerId;

/// How long one attempt of a dashboard write waits for another dun's
/// write to finish; past it the save waits on the next idle tick, the
/// keyboard answering in between.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// What a form says while its save waits for the ledger.
const WAITING: &str = "waiting for another dun's write (an import?) to finish: \
                       saved as soon as it does; esc cancels";

/// The history's note on a write undone with `u`.
const UNDONE: &str = "undone on the dashboard";

/// A write carried out: the status bar's message, and how to undo it
/// when the dashboard can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What the status bar says.
    pub message: String,
    /// How to undo it.
    pub undo: Option<Undo>,
}

/// Carries out a write through the write path; returns the message for
/// the status bar and how to undo it. The error is the write path's own:
/// the same value the command line gets for the same request.
pub fn apply(
    session: &Session,
    store: &mut Store,
    request: &Request,
) -> Result<Applied, ops::OpError> {
    let ctx = session.ops();
    let locale = ctx.locale;
    let done = |message: String| Applied {
        message,
        undo: None,
    };
    match request {
        Request::FollowUp(r) => ops::log_follow_up(store, &ctx, r).map(|l| logged(&l, locale)),
        Request::Payment(r) => ops::record_payment(store, &ctx, r).map(|p| {
            let money = p.money.display(locale);
            Applied {
                message: format!("recorded a payment of {money}"),
                undo: Some(Undo {
                    customer_id: p.customer.id,
                    what: format!("the payment of {money} recorded just now"),
                    entries: vec![ops::Entry::Payment(p.id)],
                    reason: UNDONE,
                }),
            }
        }),
        Request::Dispute(r) => ops::open_dispute(store, &ctx, r)
            .map(|i| done(format!("{} is disputed", sanitize(&i.number)))),
        Request::Resolve(r) => ops::resolve_dispute(store, &ctx, r)
            .map(|i| done(format!("dispute on {} resolved", sanitize(&i.number)))),
        Request::Hold(r) => ops::hold(store, &ctx, r).map(|_| {
            done(if r.release {
                "hold released".to_string()
            } else {
                "put on hold".to_string()
            })
        }),
        Request::Notes(r) => ops::edit_notes(store, &ctx, r)
            .map(|code| done(format!("notes on {} saved", sanitize(&code)))),
        Request::Allocate(r) => ops::allocate_bank_line(store, &ctx, r).map(|p| {
            done(format!(
                "allocated {} to {}",
                p.money.display(locale),
                sanitize(&p.customer.code)
            ))
        }),
        Request::Undo(undo) => {
            let remove = ops::Remove {
                entries: undo.entries.clone(),
                reason: undo.reason.into(),
            };
            ops::remove(store, &ctx, &remove)
                .map(|removed| done(format!("removed {}", removed.what.join(" and "))))
        }
    }
}

/// A follow-up logged: what the status bar says, and how to undo it (the
/// entry and the promise recorded with it).
fn logged(logged: &ops::Logged, locale: dun_core::money::Locale) -> Applied {
    let kind = logged.kind.as_str();
    let said = match &logged.promise {
        Some((money, on)) => format!(
            "logged the {kind} and a promise of {} by {on}",
            money.display(locale)
        ),
        None => format!("logged the {kind}"),
    };
    let unperformed = logged
        .unperformed
        .as_ref()
        .map(|s| format!("; a {kind} does not perform {s}"))
        .unwrap_or_default();
    let mut entries = vec![ops::Entry::FollowUp(logged.id)];
    entries.extend(logged.promise_id.map(ops::Entry::Promise));
    let what = match logged.promise_id {
        Some(_) => format!("the {kind} and the promise logged just now"),
        None => format!("the {kind} logged just now"),
    };
    Applied {
        message: said + &unperformed,
        undo: Some(Undo {
            customer_id: logged.customer_id,
            what,
            entries,
            reason: UNDONE,
        }),
    }
}

/// How a write or a send ended, for the log file: whether it went through,
/// never the message, which names amounts, people and addresses.
fn outcome<T, E>(result: &Result<T, E>) -> &'static str {
    if result.is_ok() { "done" } else { "refused" }
}

/// The customer a request writes to.
fn customer_of(store: &Store, request: &Request) -> Option<CustomerId> {
    request.customer_id().or_else(|| {
        request
            .invoice_number()
            .and_then(|number| store.invoice_by_number(number).ok())
            .map(|i| i.customer_id)
    })
}

/// Carries out the app's effects and hands each outcome back to the app
/// as a message; the effects the app asks for in return are carried out
/// too. The app's state is only read here, never written.
pub fn run_effects(
    session: &Session,
    store: &mut Store,
    app: &mut App,
    effects: Vec<Effect>,
) -> Result<()> {
    // The dashboard never freezes behind another dun's long write (an
    // import): past a moment's wait the save is left waiting, its form
    // open saying so and tried again on each idle tick, and the keyboard
    // answers.
    store.wait(Wait::AtMost(BUSY_WAIT))?;
    let mut pending: VecDeque<Effect> = effects.into();
    while let Some(effect) = pending.pop_front() {
        let mut inbox = Inbox {
            app: &mut *app,
            next: Vec::new(),
        };
        carry_out(session, store, &mut inbox, effect)?;
        pending.extend(inbox.next);
    }
    Ok(())
}

/// The app as the shell sees it while it carries out an effect: its state
/// can be read, and messages handed in.
struct Inbox<'a> {
    /// The app the messages go to.
    app: &'a mut App,
    /// The effects the app asked for in answer to them.
    next: Vec<Effect>,
}

impl Inbox<'_> {
    /// Hands a message to the app, keeping the effects it asks for.
    fn send(&mut self, message: Message) {
        let next = self.app.handle(message);
        self.next.extend(next);
    }

    /// The customer whose screen is open.
    fn open_customer(&self) -> Option<CustomerId> {
        self.app.customer.as_ref().map(|c| c.customer_id)
    }
}

/// Carries out one effect, sending its outcome to the app.
fn carry_out(
    session: &Session,
    store: &mut Store,
    inbox: &mut Inbox<'_>,
    effect: Effect,
) -> Result<()> {
    match effect {
        Effect::Preview(item) => match super::super::notify::draft(session, store, &item) {
            Ok(m) => inbox.send(Message::PreviewReady(Preview {
                item,
                to: m.to,
                subject: m.rendered.subject,
                body: m.rendered.body,
                scroll: 0,
                letter: m.letter,
            })),
            Err(e) => inbox.send(Message::Failed(format!("{e:#}"))),
        },
        Effect::SendMessage(item) => send(session, store, inbox, item)?,
        Effect::LoadInsight => match super::super::report::insight_view(session, store) {
            Ok(view) => inbox.send(Message::InsightLoaded(view)),
            Err(e) => inbox.send(Message::Failed(format!("{e:#}"))),
        },
        Effect::LoadCustomer(id) => {
            let detail = load_customer(session, store, id)?;
            inbox.send(Message::CustomerLoaded(detail));
        }
        Effect::Save(request) => save(session, store, inbox, &request)?,
        Effect::Refresh(customers) => refresh_all(session, store, inbox, &customers)?,
        Effect::Reload => reload(session, store, inbox)?,
    }
    Ok(())
}

/// Sends a reminder or letter; once the server took it, the customer's
/// rows and agenda items are worked out again.
fn send(
    session: &Session,
    store: &mut Store,
    inbox: &mut Inbox<'_>,
    item: dun_core::dunning::AgendaItem,
) -> Result<()> {
    let result = (|| -> Result<String> {
        let m = super::super::notify::preview(session, store, &item)?;
        let mailer = super::super::notify::transport(session)?;
        let delivery = super::super::notify::send_one(session, store, &mailer, &m)?;
        if let super::super::notify::Delivery::Skipped(why) = delivery {
            anyhow::bail!("the {} was not sent: {why}", item.stage);
        }
        Ok(format!("sent the {} to {}", item.stage, m.to))
    })()
    .map_err(|e| format!("{e:#}"));
    log_line(
        session,
        &format!("send {}: {}", item.stage, outcome(&result)),
    );
    let ok = result.is_ok();
    inbox.send(Message::Sent(result));
    if ok {
        let (rows, agenda) = refresh(session, store, item.customer_id)?;
        inbox.send(Message::Refreshed {
            customer_id: item.customer_id,
            rows,
            agenda,
            detail: None,
        });
    }
    Ok(())
}

/// Reloads the customers another connection wrote to.
fn refresh_all(
    session: &Session,
    store: &Store,
    inbox: &mut Inbox<'_>,
    customers: &[CustomerId],
) -> Result<()> {
    let started = std::time::Instant::now();
    for id in customers {
        refresh_customer(session, store, inbox, *id)?;
    }
    log_line(
        session,
        &format!(
            "{} customers reloaded in {:?}",
            customers.len(),
            started.elapsed()
        ),
    );
    Ok(())
}

/// Reloads the whole board, and the open customer's screen.
fn reload(session: &Session, store: &Store, inbox: &mut Inbox<'_>) -> Result<()> {
    let started = std::time::Instant::now();
    let board = super::load::load_board(session, store)?;
    let detail = inbox
        .open_customer()
        .map(|id| load_customer(session, store, id))
        .transpose()?;
    log_line(
        session,
        &format!("board reloaded in {:?}", started.elapsed()),
    );
    inbox.send(Message::Reloaded { board, detail });
    Ok(())
}

/// Carries out a write; afterwards the customer's rows, agenda items and
/// (when open) screen are reloaded: after a refused write too, which may
/// have been refused because the ledger changed under a stale screen.
fn save(
    session: &Session,
    store: &mut Store,
    inbox: &mut Inbox<'_>,
    request: &Request,
) -> Result<()> {
    let customer = customer_of(store, request);
    let result = apply(session, store, request);
    if result.as_ref().is_err_and(ops::OpError::is_busy) {
        log_line(session, &format!("save {}: waiting", request.kind()));
        inbox.send(Message::Waiting(WAITING.into()));
        return Ok(());
    }
    let result = result.map_err(|e| e.for_dashboard());
    log_line(
        session,
        &format!("save {}: {}", request.kind(), outcome(&result)),
    );
    match result {
        Ok(applied) => {
            inbox.send(Message::Saved(Ok(applied.message)));
            inbox.send(Message::Undoable(applied.undo));
        }
        Err(error) => inbox.send(Message::Saved(Err(error))),
    }
    if matches!(request, Request::Allocate(_)) {
        let board = super::load::load_board(session, store)?;
        let detail = inbox
            .open_customer()
            .map(|id| load_customer(session, store, id))
            .transpose()?;
        inbox.send(Message::Reloaded { board, detail });
        return Ok(());
    }
    let Some(id) = customer else {
        return Ok(());
    };
    refresh_customer(session, store, inbox, id)
}

/// Reloads one customer's rows, agenda items and, when open, screen. The
/// board is refreshed even when the open screen cannot be reloaded; that
/// failure is then reported after it.
fn refresh_customer(
    session: &Session,
    store: &Store,
    inbox: &mut Inbox<'_>,
    id: CustomerId,
) -> Result<()> {
    let (rows, agenda) = refresh(session, store, id)?;
    let (detail, failed) = match (inbox.open_customer() == Some(id))
        .then(|| load_customer(session, store, id))
        .transpose()
    {
        Ok(detail) => (detail, None),
        Err(e) => (None, Some(e)),
    };
    inbox.send(Message::Refreshed {
        customer_id: id,
        rows,
        agenda,
        detail,
    });
    failed.map_or(Ok(()), Err)
}
