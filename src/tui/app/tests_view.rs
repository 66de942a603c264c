//! The aging view kept in step with a customer's rows replaced after a
//! write is the view sorting everything again would give: under every
//! sort column, both ways round, with and without a filter, when a row's
//! total changes, a row leaves, a customer gains a currency, and a new
//! customer arrives.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{App, SortColumn};
use crate::tui::keymap::Keymap;
use crate::tui::message::Message;
use crate::tui::model::{AgingRow, Badge, Board};
use dun_core::money::Currency;

/// Row `n` of customer `id`: totals, buckets, dates and flags that tie
/// often, so the order among equals is tested too.
fn row(id: i64, currency: Currency, n: i64) -> AgingRow {
    let code = format!("C{:02}", (id * 7) % 23);
    let total = Decimal::from(100 * (n % 5) + 50);
    AgingRow {
        report: dun_core::aging::AgingRow {
            customer_id: id,
            currency,
            total,
            buckets: vec![Decimal::from(n % 3), total],
            credit: Decimal::ZERO,
        },
        code: code.clone(),
        name: format!("Name {}", n % 4),
        badges: vec![Badge::Hold; usize::try_from(n % 3).unwrap_or(0)],
        last_contact: NaiveDate::from_ymd_opt(2026, 11, 1 + u32::try_from(n % 6).unwrap_or(0)),
        next_action: (n % 2 == 0).then(|| format!("call ({})", n % 3)),
        search: format!("{}\u{0}name {}", code.to_lowercase(), n % 4),
        oldest: usize::try_from(n % 2).unwrap_or(0),
        invoices: Vec::new(),
    }
}

fn board() -> Board {
    let mut rows: Vec<AgingRow> = (1..=30).map(|id| row(id, Currency::EUR, id)).collect();
    rows.push(row(4, Currency::USD, 9));
    Board::sort_rows(&mut rows);
    Board {
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
        bucket_titles: vec!["Current".into(), "1-30".into()],
        rows,
        agenda: Vec::new(),
        customers: 30,
        waiting: Vec::new(),
    }
}

/// The codes of the rows shown, in order, and the view's totals.
fn shown(app: &App) -> (Vec<(i64, Currency)>, String) {
    let rows = app
        .aging_rows()
        .map(|r| (r.report.customer_id, r.report.currency))
        .collect();
    (rows, format!("{:?}", app.view_totals))
}

#[test]
fn a_replaced_customer_moves_in_the_view_as_a_full_sort_would_put_it() {
    let writes: Vec<(i64, Vec<AgingRow>)> = vec![
        (3, vec![row(3, Currency::EUR, 7)]),
        (4, Vec::new()),
        (5, vec![row(5, Currency::EUR, 2), row(5, Currency::USD, 11)]),
        (31, vec![row(31, Currency::EUR, 4)]),
        (12, vec![row(12, Currency::EUR, 12)]),
    ];
    for column in SortColumn::menu(2) {
        for reversed in [false, true] {
            for filter in ["", "name 1", "c1"] {
                let mut app = App::new(board(), Keymap::default_map());
                app.sort = (column, reversed);
                app.filter = filter.into();
                app.refresh_view();
                for (customer_id, rows) in &writes {
                    app.handle(Message::Refreshed {
                        customer_id: *customer_id,
                        rows: rows.clone(),
                        agenda: Vec::new(),
                        detail: None,
                    });
                    let kept = shown(&app);
                    app.refresh_view();
                    assert_eq!(
                        kept,
                        shown(&app),
                        "{column:?} reversed {reversed}, filter {filter:?}, after customer {customer_id}"
                    );
                }
            }
        }
    }
}
