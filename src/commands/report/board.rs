//! The Insight screen's figures: the same reports the CLI prints, in the
//! ledger's main currency, and the last week's changes ranked.

use anyhow::Result;
use chrono::Days;

use super::insight::Ledger;
use crate::tui::app::{ChangeRow, InsightView};
use dun_core::insight::{ChangeKind, cei_of, dso_of, months_back};

/// How many changes the screen lists.
const SHOWN: usize = 200;

/// The order changes are listed in: what needs the bookkeeper first.
fn rank(kind: ChangeKind) -> u8 {
    match kind {
        ChangeKind::PromiseBroken => 0,
        ChangeKind::PlanBroken => 1,
        ChangeKind::MeasureStarted => 2,
        ChangeKind::WrittenOff => 3,
        ChangeKind::StageReached => 4,
        ChangeKind::PromiseMade => 5,
        ChangeKind::PlanMade => 6,
        ChangeKind::Paid => 7,
        ChangeKind::PromiseKept => 8,
        ChangeKind::MeasureLifted => 9,
        ChangeKind::OlderBucket => 10,
        ChangeKind::InvoiceAdded => 11,
    }
}

/// Works out the Insight screen as of the session's date; the changes are
/// those of the seven days before it.
pub(in crate::commands) fn insight_view(
    session: &crate::commands::Session,
    store: &crate::store::Store,
) -> Result<InsightView> {
    let ledger = Ledger::for_dashboard(session, store)?;
    let as_of = session.as_of;
    let currency = session.config.config.currency;
    let months = months_back(as_of, 12);
    let books = super::rates::ledger_books(&ledger, as_of, &months)?;
    let dso = dso_of(&books)
        .into_iter()
        .filter(|m| m.currency == currency)
        .map(|m| (m.period.label(), m.days))
        .collect();
    let cei = cei_of(&books)
        .into_iter()
        .filter(|m| m.currency == currency)
        .map(|m| (m.period.label(), m.index))
        .collect();
    drop(books);
    let later = store.later(as_of)?;
    let forecast = super::forecast::forecast_on(&ledger, &later, false)?;
    let weeks = forecast
        .weeks
        .iter()
        .map(|w| (w.start, w.expected.get(currency)))
        .collect();
    let since = as_of.checked_sub_days(Days::new(7)).unwrap_or(as_of);
    let mut changes = super::changes::collect(&ledger, since)?;
    changes.sort_by_key(|c| {
        let amount = c.amount.map(|m| m.amount).unwrap_or_default();
        (rank(c.kind), std::cmp::Reverse(amount))
    });
    changes.truncate(SHOWN);
    let locale = session.config.config.locale;
    let changes = changes
        .into_iter()
        .map(|c| ChangeRow {
            customer_id: c.customer_id,
            code: ledger.code(c.customer_id),
            on: c.on,
            kind: c.kind.as_str(),
            invoice: c.invoice,
            amount: c.amount.map(|m| m.display(locale)).unwrap_or_default(),
            detail: c.detail,
        })
        .collect();
    Ok(InsightView {
        currency,
        dso,
        cei,
        weeks,
        disputed: forecast.disputed.get(currency),
        since,
        changes,
    })
}
