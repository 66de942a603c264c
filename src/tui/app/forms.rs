//! The forms the dashboard opens, filled from what is selected. Each says
//! who and what it is about: the customer's name and the invoices in its
//! title, and above its fields what the bookkeeper needs to hand (the
//! number to call, the open amount).

use chrono::Days;
use rust_decimal::Decimal;

use super::super::form::{Field, FieldKind, Form, Purpose};
use super::super::model::{ContactLine, InvoiceLine};
use super::{App, Effect, Request, Screen};
use crate::ops;
use dun_core::dunning::{ActivityKind, StageAction};
use dun_core::money::{Currency, Money};

/// What a follow-up is about.
pub(super) struct Target {
    /// The customer.
    customer_id: i64,
    /// The stage it performs, when logged from a due stage.
    stage: Option<String>,
    /// The invoices it covers; none is the whole account.
    invoices: Vec<i64>,
    /// Their numbers, for the title.
    numbers: Vec<String>,
    /// The agenda action it answers.
    action: Option<StageAction>,
    /// The overdue balance it is about: what a promise is asked for.
    overdue: Option<Money>,
}

/// At most this many invoice numbers in a title; the rest are counted.
const TITLE_INVOICES: usize = 3;

impl App {
    /// The customer and, on the agenda, its item's stage and invoices.
    pub(super) fn target(&self) -> Option<Target> {
        let customer_id = self.selected_customer()?;
        if self.screen == Screen::Agenda {
            let row = self.selected_agenda()?;
            let stage = row.item.kind == dun_core::dunning::AgendaKind::Stage;
            return Some(Target {
                customer_id,
                stage: stage.then(|| row.item.stage.clone()),
                invoices: row.item.invoices.clone(),
                numbers: row.numbers.iter().map(str::to_string).collect(),
                action: Some(row.item.action),
                overdue: Some(Money::new(row.item.overdue_balance, row.item.currency)),
            });
        }
        let due = self.detail_of(customer_id).and_then(|c| c.due.clone());
        Some(Target {
            customer_id,
            stage: due.as_ref().map(|(stage, _)| stage.clone()),
            invoices: Vec::new(),
            numbers: Vec::new(),
            action: due.map(|(_, action)| action),
            overdue: self.overdue_of(customer_id),
        })
    }

    /// The open customer's detail, when it is `customer_id`'s.
    fn detail_of(&self, customer_id: i64) -> Option<&super::super::model::CustomerDetail> {
        self.customer
            .as_ref()
            .filter(|c| c.customer_id == customer_id)
    }

    /// Who to call first about the customer, with the number.
    fn call_line(&self, customer_id: i64) -> Option<&ContactLine> {
        self.detail_of(customer_id)
            .and_then(|c| c.call_first.as_ref())
            .or_else(|| {
                self.board
                    .agenda
                    .iter()
                    .find(|a| a.item.customer_id == customer_id)
                    .and_then(|a| a.call.as_deref())
            })
    }

    /// The customer's undisputed overdue balance in the currency of what
    /// is selected: the agenda item's, or the open invoices' past due.
    fn overdue_of(&self, customer_id: i64) -> Option<Money> {
        let currency: Currency = self.context_currency().parse().ok()?;
        if let Some(detail) = self.detail_of(customer_id)
            && self.screen == Screen::Customer
        {
            let overdue: Decimal = detail
                .invoices
                .iter()
                .filter(|i| i.currency == currency && i.days_overdue > 0 && !i.disputed)
                .map(|i| i.open)
                .sum();
            return (overdue > Decimal::ZERO).then(|| Money::new(overdue, currency));
        }
        self.board
            .agenda
            .iter()
            .find(|a| a.item.customer_id == customer_id && a.item.currency == currency)
            .map(|a| Money::new(a.item.overdue_balance, currency))
    }

    /// "Acme Srl · INV-1, INV-2": who and which invoices, for a title.
    fn about(&self, customer_id: i64, numbers: &[String]) -> String {
        let name = self.customer_name(customer_id).unwrap_or_default();
        let invoices = match numbers.len() {
            0 => "all open invoices".to_string(),
            n if n <= TITLE_INVOICES => numbers.join(", "),
            n => format!(
                "{} +{} more",
                numbers[..TITLE_INVOICES].join(", "),
                n - TITLE_INVOICES
            ),
        };
        format!("{name} · {invoices}")
    }

    /// The customer's open balance per currency, from the aging rows.
    fn open_line(&self, customer_id: i64) -> String {
        let open: Vec<String> = self
            .board
            .rows
            .iter()
            .filter(|r| r.report.customer_id == customer_id)
            .map(|r| Money::new(r.report.total, r.report.currency).display(self.locale))
            .collect();
        match open.is_empty() {
            true => "Open: nothing".into(),
            false => format!("Open: {}", open.join(", ")),
        }
    }

    /// An amount as the form expects it typed: in the locale, no currency.
    fn typed_amount(&self, money: Money) -> String {
        self.locale
            .format_amount(money.amount, money.currency.minor_digits())
    }

    pub(super) fn open_follow_up(&mut self, _done: bool) {
        let Some(target) = self.target() else {
            return;
        };
        let kind = kind_for(target.action);
        // The ladder's next step on this account, else a week from today.
        let next = self
            .detail_of(target.customer_id)
            .and_then(|c| c.next_step)
            .or_else(|| self.board.as_of.checked_add_days(Days::new(7)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let kinds: Vec<&'static str> = ActivityKind::LOGGABLE.iter().map(|k| k.as_str()).collect();
        let title = format!(
            "Log a follow-up{}: {}",
            target
                .stage
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
            self.about(target.customer_id, &target.numbers)
        );
        let call = match self.call_line(target.customer_id) {
            Some(line) => vec![
                format!("Call: {}", line.who()),
                format!("      {}", line.reach()),
            ],
            None => vec!["No contact on record".to_string()],
        };
        let promised = target
            .overdue
            .map(|m| self.typed_amount(m))
            .unwrap_or_default();
        let currency = target
            .overdue
            .map(|m| m.currency.to_string())
            .unwrap_or_else(|| self.context_currency());
        let fields = vec![
            Field::choice(ops::Field::Kind, kinds, kind.as_str()),
            Field::text(ops::Field::Outcome, FieldKind::Text, ""),
            Field::text(ops::Field::PromiseDate, FieldKind::Date, ""),
            Field::suggested(ops::Field::PromiseAmount, FieldKind::Amount, &promised),
            Field::suggested(ops::Field::Currency, FieldKind::Text, &currency),
            Field::text(ops::Field::Note, FieldKind::Text, ""),
            Field::suggested(ops::Field::NextDate, FieldKind::Date, &next),
        ];
        let purpose = Purpose::FollowUp {
            customer_id: target.customer_id,
            stage: target.stage,
            invoices: target.invoices,
        };
        self.form = Some(Form::new(purpose, title, fields).with_context(call));
    }

    pub(super) fn mark_done(&mut self) -> Vec<Effect> {
        let Some(target) = self.target() else {
            return Vec::new();
        };
        if self.screen != Screen::Agenda {
            self.open_follow_up(true);
            return Vec::new();
        }
        vec![Effect::Save(Request::FollowUp(crate::ops::LogFollowUp {
            customer: crate::ops::CustomerRef::Id(target.customer_id),
            kind: kind_for(target.action).as_str().to_string(),
            stage: target.stage.map_or(
                crate::ops::StageChoice::Due,
                crate::ops::StageChoice::Suggested,
            ),
            invoices: target
                .invoices
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
        let invoice = self.selected_invoice();
        let number = invoice.map(|i| i.number.clone()).unwrap_or_default();
        let mut context = vec![self.open_line(customer_id)];
        context.extend(invoice.map(|i| self.invoice_line(i)));
        let name = self.customer_name(customer_id).unwrap_or_default();
        let title = match number.as_str() {
            "" => format!("Record a payment: {name}"),
            number => format!("Record a payment: {name} · {number}"),
        };
        let fields = vec![
            Field::text(ops::Field::Amount, FieldKind::Amount, ""),
            Field::suggested(
                ops::Field::Currency,
                FieldKind::Text,
                &self.context_currency(),
            ),
            Field::suggested(
                ops::Field::Date,
                FieldKind::Date,
                &self.board.as_of.to_string(),
            ),
            Field::suggested(ops::Field::Invoice, FieldKind::Text, &number),
            Field::text(ops::Field::Reference, FieldKind::Text, ""),
        ];
        self.form =
            Some(Form::new(Purpose::Payment { customer_id }, title, fields).with_context(context));
    }

    /// One invoice as a form's context: what is open on it and since when.
    fn invoice_line(&self, invoice: &InvoiceLine) -> String {
        let open = Money::new(invoice.open, invoice.currency).display(self.locale);
        let days = match invoice.days_overdue {
            d if d > 0 => format!(", {d} days overdue"),
            _ => String::new(),
        };
        format!(
            "{}: {open} open, due {}{days}",
            invoice.number, invoice.due_date
        )
    }

    /// The currency of what is selected: the aging row, the agenda item, or
    /// the customer's selected invoice. Empty when nothing says.
    pub(super) fn context_currency(&self) -> String {
        let currency = match self.screen {
            Screen::Aging => self.selected_row().map(|r| r.report.currency),
            Screen::Agenda => self.selected_agenda().map(|a| a.item.currency),
            Screen::Customer => self.selected_invoice().map(|i| i.currency),
            Screen::Waiting => self.selected_waiting().map(|l| l.currency),
            Screen::Insight => None,
        };
        currency.map(|c| c.to_string()).unwrap_or_default()
    }

    pub(super) fn selected_invoice(&self) -> Option<&InvoiceLine> {
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
        let context = vec![self.invoice_line(invoice)];
        let name = self
            .selected_customer()
            .and_then(|id| self.customer_name(id))
            .unwrap_or_default();
        let (purpose, title, key) = if resolve {
            (
                Purpose::Resolve {
                    number: number.clone(),
                },
                format!("Resolve the dispute on {number}: {name}"),
                ops::Field::Resolution,
            )
        } else {
            (
                Purpose::Dispute {
                    number: number.clone(),
                },
                format!("Dispute {number}: {name}"),
                ops::Field::Reason,
            )
        };
        self.form = Some(
            Form::new(purpose, title, vec![Field::text(key, FieldKind::Text, "")])
                .with_context(context),
        );
    }

    pub(super) fn open_hold(&mut self) {
        let Some(customer_id) = self.selected_customer() else {
            return;
        };
        let release = self.detail_of(customer_id).is_some_and(|c| c.on_hold)
            || (self.screen != Screen::Customer
                && self.board.rows.iter().any(|r| {
                    r.report.customer_id == customer_id
                        && r.badges.contains(&super::super::model::Badge::Hold)
                }));
        let name = self.customer_name(customer_id).unwrap_or_default();
        let title = if release {
            format!("Release the hold on {name}")
        } else {
            format!("Put {name} on hold")
        };
        self.form = Some(
            Form::new(
                Purpose::Hold {
                    customer_id,
                    release,
                },
                title,
                vec![Field::text(ops::Field::Reason, FieldKind::Text, "")],
            )
            .with_context(vec![self.open_line(customer_id)]),
        );
    }

    /// The customer's notes, to edit; they are on the customer screen.
    pub(super) fn open_notes(&mut self) {
        let Some(detail) = self.selected_customer().and_then(|id| self.detail_of(id)) else {
            self.status = "open a customer to edit its notes".into();
            return;
        };
        let notes = detail.notes.clone().unwrap_or_default();
        let customer_id = detail.customer_id;
        let title = format!("Notes on {}", detail.name);
        self.form = Some(Form::new(
            Purpose::Notes { customer_id },
            title,
            vec![Field::text(ops::Field::Notes, FieldKind::Text, &notes)],
        ));
    }
}

/// The kind of follow-up the form pre-selects: the one that performs the
/// action due; a call when nothing is due.
fn kind_for(action: Option<StageAction>) -> ActivityKind {
    action.map_or(ActivityKind::Call, StageAction::natural_kind)
}
