//! The Insight screen's state: DSO and CEI trends, the forecast's weeks
//! and the top changes of the last week, loaded by the shell (the
//! `LoadInsight` effect) and handed back as a message.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{App, Effect, Screen, Selection};
use dun_core::money::Currency;

/// What the Insight screen shows, in the ledger's main currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightView {
    /// The currency every figure is in.
    pub currency: Currency,
    /// DSO at each of the last 12 months' ends, oldest first.
    pub dso: Vec<(String, Option<Decimal>)>,
    /// CEI of each of the last 12 months, oldest first.
    pub cei: Vec<(String, Option<Decimal>)>,
    /// Each of the 13 weeks' first day and the cash expected in it.
    pub weeks: Vec<(NaiveDate, Decimal)>,
    /// Disputed, left out of the weeks.
    pub disputed: Decimal,
    /// The changes are those after this day.
    pub since: NaiveDate,
    /// The changes that matter most first.
    pub changes: Vec<ChangeRow>,
}

/// One change on the Insight screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    /// The customer, opened by `enter`.
    pub customer_id: i64,
    /// Its code.
    pub code: String,
    /// When, if the ledger says.
    pub on: Option<NaiveDate>,
    /// What kind of change (`promise_broken`, `paid` …).
    pub kind: &'static str,
    /// The invoice, if one.
    pub invoice: Option<String>,
    /// The amount, written in the locale.
    pub amount: String,
    /// One line of detail.
    pub detail: String,
}

impl App {
    /// Shows the Insight screen, asking for its data the first time.
    pub(super) fn show_insight(&mut self) -> Vec<Effect> {
        self.screen = Screen::Insight;
        if self.insight.is_none() || self.insight_stale {
            self.status = "working out the insight figures…".into();
            return vec![Effect::LoadInsight];
        }
        Vec::new()
    }

    /// The insight figures arrived.
    pub(super) fn insight_loaded(&mut self, view: InsightView) {
        let n = view.changes.len();
        self.insight = Some(view);
        self.insight_stale = false;
        self.insight_changes = Selection {
            selected: self.insight_changes.selected.min(n.saturating_sub(1)),
            offset: 0,
        };
        if self.status.starts_with("working out the insight") {
            self.status.clear();
        }
    }

    /// The change selected on the Insight screen.
    pub fn selected_change(&self) -> Option<&ChangeRow> {
        self.insight
            .as_ref()
            .and_then(|v| v.changes.get(self.insight_changes.selected))
    }

    /// How many changes the Insight screen lists.
    pub(super) fn insight_len(&self) -> usize {
        self.insight.as_ref().map_or(0, |v| v.changes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::action::Action;
    use super::super::super::keymap::Keymap;
    use super::super::super::message::Message;
    use super::super::super::model::Board;
    use super::*;

    fn board() -> Board {
        Board {
            as_of: "2026-11-22".parse().expect("a date"),
            bucket_titles: vec!["Current".into()],
            rows: Vec::new(),
            agenda: Vec::new(),
            customers: 2,
            waiting: Vec::new(),
        }
    }

    fn view(codes: &[(i64, &str)]) -> InsightView {
        InsightView {
            currency: Currency::EUR,
            dso: Vec::new(),
            cei: Vec::new(),
            weeks: Vec::new(),
            disputed: Decimal::ZERO,
            since: "2026-11-15".parse().expect("a date"),
            changes: codes
                .iter()
                .map(|(id, code)| ChangeRow {
                    customer_id: *id,
                    code: (*code).to_string(),
                    on: None,
                    kind: "paid",
                    invoice: None,
                    amount: String::new(),
                    detail: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_screen_asks_for_its_figures_once_and_enter_opens_the_change() {
        let mut app = App::new(board(), Keymap::default_map());
        assert_eq!(app.update(Action::ShowInsight), vec![Effect::LoadInsight]);
        assert_eq!(app.screen, Screen::Insight);
        app.handle(Message::InsightLoaded(view(&[(7, "ACME"), (9, "BETA")])));
        assert!(app.update(Action::ShowInsight).is_empty(), "loaded once");
        app.update(Action::MoveDown);
        assert_eq!(app.selected_customer(), Some(9));
        assert_eq!(app.update(Action::Open), vec![Effect::LoadCustomer(9)]);
        // A reload of the ledger works the figures out again while they
        // are on screen.
        app.update(Action::ShowInsight);
        let effects = app.handle(Message::Reloaded {
            board: board(),
            detail: None,
        });
        assert_eq!(effects, vec![Effect::LoadInsight]);
        app.handle(Message::InsightLoaded(view(&[(7, "ACME")])));
        // Elsewhere, only when they are next shown.
        app.update(Action::ShowAging);
        let effects = app.handle(Message::Reloaded {
            board: board(),
            detail: None,
        });
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!(app.update(Action::ShowInsight), vec![Effect::LoadInsight]);
        app.handle(Message::InsightLoaded(view(&[(7, "ACME")])));
        assert!(app.update(Action::ShowInsight).is_empty(), "fresh again");
    }
}
