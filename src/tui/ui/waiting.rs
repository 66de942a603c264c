//! The waiting bank lines: every line no rule matched with certainty, and
//! below, the selected line's candidates with why, the chosen one marked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Column, Laid, Theme, money, safe};
use crate::tui::app::App;

fn columns() -> Vec<Column> {
    vec![
        Column::new("Id", 6, 0).right(),
        Column::new("Date", 10, 0),
        Column::new("Amount", 13, 0).right(),
        Column::new("Cur", 3, 1),
        Column::new("From", 22, 0),
        Column::new("Reference", 20, 2),
        Column::new("Best", 4, 3).right(),
        Column::new("Why it waits", 20, 4).flex(),
    ]
}

/// The list's and the candidates' areas of the body.
fn areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(8)]).areas(area)
}

/// Where the list goes in the screen's body, with its header line.
pub(super) fn list_area(area: Rect) -> Rect {
    areas(area)[0]
}

/// Draws the waiting bank lines.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let [list_area, detail_area] = areas(area);
    let cols = columns();
    let laid = Laid::new(&cols, list_area.width);
    let mut lines = vec![laid.header(theme)];
    let height = usize::from(list_area.height.saturating_sub(1));
    let selection = app.bank.0.scrolled(height);
    for (n, line) in app
        .board
        .waiting
        .iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let values = vec![
            line.id.to_string(),
            line.paid_on.to_string(),
            money(app, line.amount, line.currency),
            line.currency.to_string(),
            safe(&line.counterparty),
            safe(&line.reference),
            line.candidates
                .first()
                .map_or_else(String::new, |c| c.score.to_string()),
            safe(&line.why),
        ];
        let style = if n == selection.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(laid.line(&values), style));
    }
    if app.board.waiting.is_empty() {
        lines.push(Line::styled("  no bank line is waiting", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    frame.render_widget(
        Paragraph::new(candidate_lines(app, theme))
            .wrap(Wrap { trim: true })
            .block(
                Block::bordered()
                    .title(" Candidates (c: next, enter: allocate) ")
                    .border_style(theme.dim()),
            ),
        detail_area,
    );
}

/// The selected line's candidates, one a line, the chosen one marked.
fn candidate_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let Some(line) = app.selected_waiting() else {
        return Vec::new();
    };
    if line.candidates.is_empty() {
        return vec![Line::styled(
            "no candidate: allocate it with dun payment allocate ID --customer CODE",
            theme.dim(),
        )];
    }
    line.candidates
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let pays = if c.invoices.is_empty() {
                "on account".to_string()
            } else {
                c.invoices.join(", ")
            };
            let text = format!(
                "{} {:>3}  {} {}: {}",
                if n == app.bank.1 { ">" } else { " " },
                c.score,
                safe(&c.customer),
                safe(&pays),
                safe(&c.why.join("; "))
            );
            if n == app.bank.1 {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect()
}
