//! The forms the dashboard opens, filled from what is selected.

use chrono::Days;

use super::super::form::{Field, FieldKind, Form, Purpose};
use super::{App, Effect, Request, Screen};
use crate::ops;
use dun_core::dunning::{ActivityKind, StageAction};

impl App {
    /// The customer and, on the agenda, its item's stage and invoices.
    pub(super) fn target(&self) -> Option<Target> {
        let customer_id = self.selected_customer()?;
        if self.screen == Screen::Agenda {
            let row = self.selected_agenda()?;
            let stage = row.item.kind == dun_core::dunning::AgendaKind::Stage;
            return Some((
                customer_id,
                stage.then(|| row.item.stage.clone()),
                row.item.invoices.clone(),
                Some(row.item.action),
            ));
        }
        let due = self
            .customer
            .as_ref()
            .filter(|c| c.customer_id == customer_id)
            .and_then(|c| c.due.clone());
        Some((
            customer_id,
            due.as_ref().map(|(stage, _)| stage.clone()),
            Vec::new(),
            due.map(|(_, action)| action),
        ))
    }

    pub(super) fn open_follow_up(&mut self, _done: bool) {
        let Some((customer_id, stage, invoices, action)) = self.target() else {
            return;
        };
        let kind = kind_for(action);
        // The ladder's next step on this account, else a week from today.
        let next = self
            .customer
            .as_ref()
            .filter(|c| c.customer_id == customer_id)
            .and_then(|c| c.next_step)
            .or_else(|| self.board.as_of.checked_add_days(Days::new(7)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let kinds: Vec<&'static str> = ActivityKind::LOGGABLE.iter().map(|k| k.as_str()).collect();
        let title = format!(
            "Log a follow-up{}",
            stage
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        );
        self.form = Some(Form::new(
            Purpose::FollowUp {
                customer_id,
                stage,
                invoices,
            },
            title,
            vec![
                Field::choice(ops::Field::Kind, kinds, kind.as_str()),
                Field::text(ops::Field::Outcome, FieldKind::Text, ""),
                Field::text(ops::Field::Note, FieldKind::Text, ""),
                Field::text(ops::Field::PromiseDate, FieldKind::Date, ""),
                Field::text(ops::Field::PromiseAmount, FieldKind::Amount, ""),
                Field::text(
                    ops::Field::Currency,
                    FieldKind::Text,
                    &self.context_currency(),
                ),
                Field::text(ops::Field::NextDate, FieldKind::Date, &next),
            ],
        ));
    }

    pub(super) fn mark_done(&mut self) -> Vec<Effect> {
        let Some((customer_id, stage, invoices, action)) = self.target() else {
            return Vec::new();
        };
        if self.screen != Screen::Agenda {
            self.open_follow_up(true);
            return Vec::new();
        }
        vec![Effect::Save(Request::FollowUp(crate::ops::LogFollowUp {
            customer: crate::ops::CustomerRef::Id(customer_id),
            kind: kind_for(action).as_str().to_string(),
            stage: stage.map_or(
                crate::ops::StageChoice::Due,
                crate::ops::StageChoice::Suggested,
            ),
            invoices: invoices
                .into_iter()
                .map(crate::ops::InvoiceRef::Id)
                .collect(),
            occurred_on: None,
            outcome: String::new(),
            note: "done from the agenda".into(),
            next_on: None,
            promise: None,
        }))]
    }

    pub(super) fn open_payment(&mut self) {
        let Some(customer_id) = self.selected_customer() else {
            return;
        };
        let invoice = self
            .selected_invoice()
            .map(|i| i.number.clone())
            .unwrap_or_default();
        self.form = Some(Form::new(
            Purpose::Payment { customer_id },
            "Record a payment".into(),
            vec![
                Field::text(ops::Field::Amount, FieldKind::Amount, ""),
                Field::text(
                    ops::Field::Currency,
                    FieldKind::Text,
                    &self.context_currency(),
                ),
                Field::text(
                    ops::Field::Date,
                    FieldKind::Date,
                    &self.board.as_of.to_string(),
                ),
                Field::text(ops::Field::Invoice, FieldKind::Text, &invoice),
                Field::text(ops::Field::Reference, FieldKind::Text, ""),
            ],
        ));
    }

    /// The currency of what is selected: the aging row, the agenda item, or
    /// the customer's selected invoice. Empty when nothing says.
    pub(super) fn context_currency(&self) -> String {
        let currency = match self.screen {
            Screen::Aging => self.selected_row().map(|r| r.report.currency),
            Screen::Agenda => self.selected_agenda().map(|a| a.item.currency),
            Screen::Customer => self.selected_invoice().map(|i| i.currency),
        };
        currency.map(|c| c.to_string()).unwrap_or_default()
    }

    pub(super) fn selected_invoice(&self) -> Option<&super::super::model::InvoiceLine> {
        if self.screen != Screen::Customer {
            return None;
        }
        self.customer.as_ref()?.invoices.get(self.invoice.selected)
    }

    pub(super) fn open_dispute(&mut self, resolve: bool) {
        let Some(invoice) = self.selected_invoice() else {
            self.status = "open a customer and select an invoice first".into();
            return;
        };
        let number = invoice.number.clone();
        let (purpose, title, key) = if resolve {
            (
                Purpose::Resolve {
                    number: number.clone(),
                },
                format!("Resolve the dispute on {number}"),
                ops::Field::Resolution,
            )
        } else {
            (
                Purpose::Dispute {
                    number: number.clone(),
                },
                format!("Dispute {number}"),
                ops::Field::Reason,
            )
        };
        self.form = Some(Form::new(
            purpose,
            title,
            vec![Field::text(key, FieldKind::Text, "")],
        ));
    }

    pub(super) fn open_hold(&mut self) {
        let Some(customer_id) = self.selected_customer() else {
            return;
        };
        let release = self
            .customer
            .as_ref()
            .filter(|c| c.customer_id == customer_id)
            .is_some_and(|c| c.on_hold)
            || (self.screen != Screen::Customer
                && self.board.rows.iter().any(|r| {
                    r.report.customer_id == customer_id
                        && r.badges.contains(&super::super::model::Badge::Hold)
                }));
        let title = if release {
            "Release the hold"
        } else {
            "Put on hold"
        };
        self.form = Some(Form::new(
            Purpose::Hold {
                customer_id,
                release,
            },
            title.into(),
            vec![Field::text(ops::Field::Reason, FieldKind::Text, "")],
        ));
    }
}

/// What a follow-up is about: customer, stage performed, invoices covered,
/// and the agenda action it answers.
type Target = (i64, Option<String>, Vec<i64>, Option<StageAction>);

/// The kind of follow-up the form pre-selects: the one that performs the
/// action due; a call when nothing is due.
fn kind_for(action: Option<StageAction>) -> ActivityKind {
    action.map_or(ActivityKind::Call, StageAction::natural_kind)
}
