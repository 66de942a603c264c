//! Carrying out the dashboard's effects against the ledger.

use anyhow::Result;

use super::super::Session;
use super::load::{load_customer, refresh};
use super::log_line;
use crate::ops;
use crate::store::Store;
use crate::text::sanitize;
use crate::tui::app::{App, Effect, Request};
use dun_core::ledger::CustomerId;

/// Carries out a write through the write path; returns the message for
/// the status bar. The error is the write path's own: the same value the
/// command line gets for the same request.
pub fn apply(
    session: &Session,
    store: &mut Store,
    request: &Request,
) -> Result<String, ops::OpError> {
    let ctx = session.ops();
    let locale = ctx.locale;
    match request {
        Request::FollowUp(r) => ops::log_follow_up(store, &ctx, r).map(|logged| {
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
                .map(|s| format!("; a {kind} does not perform {s}"))
                .unwrap_or_default();
            said + &unperformed
        }),
        Request::Payment(r) => ops::record_payment(store, &ctx, r)
            .map(|p| format!("recorded a payment of {}", p.money.display(locale))),
        Request::Dispute(r) => ops::open_dispute(store, &ctx, r)
            .map(|i| format!("{} is disputed", sanitize(&i.number))),
        Request::Resolve(r) => ops::resolve_dispute(store, &ctx, r)
            .map(|i| format!("dispute on {} resolved", sanitize(&i.number))),
        Request::Hold(r) => ops::hold(store, &ctx, r).map(|_| {
            if r.release {
                "hold released".to_string()
            } else {
                "put on hold".to_string()
            }
        }),
    }
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

/// Applies the app's effects; returns true when the board changed.
pub fn run_effects(
    session: &Session,
    store: &mut Store,
    app: &mut App,
    effects: Vec<Effect>,
) -> Result<()> {
    for effect in effects {
        match effect {
            Effect::Preview(item) => match super::super::notify::preview(session, store, &item) {
                Ok(m) => {
                    app.preview = Some(crate::tui::app::Preview {
                        item,
                        to: m.to.to_string(),
                        subject: m.rendered.subject.clone(),
                        body: m.rendered.body.clone(),
                        scroll: 0,
                    });
                }
                Err(e) => app.status = format!("{e:#}"),
            },
            Effect::SendMessage(item) => {
                let result = (|| -> Result<String> {
                    let m = super::super::notify::preview(session, store, &item)?;
                    let mailer = super::super::notify::transport(session)?;
                    super::super::notify::send_one(session, store, &mailer, &m)?;
                    Ok(format!("sent the {} to {}", item.stage, m.to))
                })()
                .map_err(|e| format!("{e:#}"));
                log_line(session, &format!("send {}: {:?}", item.stage, result));
                let ok = result.is_ok();
                app.preview = None;
                app.saved(result);
                if ok {
                    refresh(session, store, app, item.customer_id)?;
                }
            }
            Effect::LoadCustomer(id) => {
                let detail = load_customer(session, store, id)?;
                app.show_customer(detail);
            }
            Effect::Save(request) => {
                let customer = customer_of(store, &request);
                let result = apply(session, store, &request).map_err(|e| e.for_dashboard());
                log_line(session, &format!("save {:?}: {:?}", request.kind(), result));
                let ok = result.is_ok();
                app.saved(result);
                if ok && let Some(id) = customer {
                    refresh(session, store, app, id)?;
                    if app.customer.as_ref().is_some_and(|c| c.customer_id == id) {
                        let detail = load_customer(session, store, id)?;
                        let screen = app.screen;
                        app.show_customer(detail);
                        app.screen = screen;
                    }
                }
            }
        }
    }
    Ok(())
}
