//! The agenda screen: today's worklist, most urgent first, with the
//! selected item's explanation and invoices below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Column, Laid, Theme, money, safe};
use crate::tui::app::App;

fn columns() -> Vec<Column> {
    vec![
        Column::new("Code", 8, 0),
        Column::new("Name", 24, 1),
        Column::new("Action", 16, 0),
        Column::new("Stage", 18, 2),
        Column::new("Amount", 13, 0).right(),
        Column::new("Cur", 3, 1),
        Column::new("Days", 5, 0).right(),
        Column::new("Inv", 4, 3).right(),
        Column::new("Why", 20, 4).flex(),
    ]
}

/// The list's and the explanation's areas of the body.
fn areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(area)
}

/// Where the list goes in the screen's body, with its header line.
pub(super) fn list_area(area: Rect) -> Rect {
    areas(area)[0]
}

/// Draws the agenda screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let [list_area, detail_area] = areas(area);
    let cols = columns();
    let laid = Laid::new(&cols, list_area.width);
    let mut lines = vec![laid.header(theme)];
    let height = usize::from(list_area.height.saturating_sub(1));
    let selection = app.agenda.scrolled(height);
    for (n, row) in app
        .agenda_rows()
        .into_iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let item = &row.item;
        let values = vec![
            safe(&item.code),
            safe(&row.name),
            item.action.as_str().to_string(),
            item.stage.clone(),
            money(app, row.amount, item.currency),
            item.currency.to_string(),
            item.days_overdue.to_string(),
            item.invoices.len().to_string(),
            safe(&item.why),
        ];
        let style = if n == selection.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(laid.line(&values), style));
    }
    if app.board.customers == 0 {
        lines.extend(
            super::EMPTY_LEDGER
                .iter()
                .map(|l| Line::styled(*l, theme.dim())),
        );
    } else if app.board.agenda.is_empty() {
        lines.push(Line::styled("  nothing to do today", theme.dim()));
    } else if app.agenda_view.is_empty() {
        lines.push(Line::styled("  no item for this action", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), list_area);

    let detail = match app.selected_agenda() {
        Some(row) => vec![
            Line::raw(safe(&row.item.why)),
            Line::styled(
                format!("invoices: {}", safe(&row.numbers.join(", "))),
                theme.dim(),
            ),
        ],
        None => Vec::new(),
    };
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Why ").border_style(theme.dim())),
        detail_area,
    );
}
