//! Carrying out the dashboard's effects against the ledger.

use anyhow::{Context as _, Result};

use super::super::Session;
use super::load::{load_customer, refresh};
use super::log_line;
use crate::store::{NewActivity, NewPayment, NewPromise, Store};
use crate::tui::app::{App, Effect, Request};
use dun_core::ledger::CustomerId;
use dun_core::money::Money;

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
            currency,
            next_on,
        } => {
            let promise = match promise {
                Some((on, amount)) => {
                    let money = session
                        .money("Promise amount", amount, typed(currency))
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
            let resolve = |stage: Option<&str>| {
                super::super::follow_up::resolve_stage(
                    session,
                    store,
                    *customer_id,
                    *kind,
                    stage,
                    invoices,
                    session.as_of,
                )
            };
            // A kind changed in the form may not perform the item's stage:
            // then it counts for what it does perform, and the status says so.
            let (stage, unperformed) = match (resolve(stage.as_deref()), stage) {
                (Ok(found), _) => (found, None),
                (Err(_), Some(asked)) => (resolve(None)?, Some(asked)),
                (Err(e), None) => return Err(e),
            };
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
            } + &unperformed
                .map(|s| format!("; a {} does not perform {s}", kind.as_str()))
                .unwrap_or_default())
        }
        Request::Payment {
            customer_id,
            amount,
            currency,
            date,
            invoice,
            reference,
        } => {
            let money = session
                .money("Amount", amount, typed(currency))
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

/// A currency field as typed: empty means the configured default.
fn typed(currency: &str) -> Option<&str> {
    Some(currency.trim()).filter(|c| !c.is_empty())
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
                let result = apply(session, store, &request).map_err(|e| format!("{e:#}"));
                log_line(
                    session,
                    &format!("save {:?}: {:?}", request_kind(&request), result),
                );
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

fn request_kind(request: &Request) -> &'static str {
    match request {
        Request::FollowUp { .. } => "follow-up",
        Request::Payment { .. } => "payment",
        Request::Dispute { .. } => "dispute",
        Request::Resolve { .. } => "resolve",
        Request::Hold { .. } => "hold",
    }
}
