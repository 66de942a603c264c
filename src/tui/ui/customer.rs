//! The customer screen: who to call, measures, open invoices with their
//! stage and why, payments, promises and plans, and the follow-up timeline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Column, Laid, Theme, cell, money, safe};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::Mode;
use crate::tui::model::{CustomerDetail, InvoiceLine};

fn columns() -> Vec<Column> {
    vec![
        Column::new("Invoice", 12, 0),
        Column::new("Due", 10, 0),
        Column::new("Open", 12, 0).right(),
        Column::new("Cur", 3, 2),
        Column::new("Days", 5, 0).right(),
        Column::new("Stage", 18, 1),
        Column::new("Why", 30, 3).flex(),
    ]
}

/// The head's, the invoices' and the rest's areas of the body.
fn areas(c: &CustomerDetail, area: Rect) -> [Rect; 3] {
    // As many lines as head_lines writes.
    let head_height = 1
        + call_lines(c, area.width).len() as u16
        + u16::from(c.notes.is_some())
        + c.measures.len().min(3) as u16;
    let rows = c.invoices.len().clamp(1, 12) as u16 + 1;
    Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Length(rows.min(area.height / 2)),
        Constraint::Min(3),
    ])
    .areas(area)
}

/// Where the invoices go in the screen's body, with their header line.
pub(super) fn invoices_area(app: &App, area: Rect) -> Option<Rect> {
    app.customer.as_ref().map(|c| areas(c, area)[1])
}

/// Draws the customer screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(c) = &app.customer else {
        frame.render_widget(Paragraph::new("no customer open"), area);
        return;
    };
    let [head, invoices, bottom] = areas(c, area);
    frame.render_widget(Paragraph::new(head_lines(app, c, theme, area.width)), head);
    render_invoices(app, c, theme, frame, invoices);
    // Side by side only when the history still gets a readable width.
    let [timeline, side] = if bottom.width >= 100 {
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom)
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(bottom)
    };
    render_timeline(c, theme, frame, timeline);
    render_side(c, theme, frame, side);
}

/// The name, who to call first with the number, the notes and up to
/// three measures.
fn head_lines(app: &App, c: &CustomerDetail, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let mut head_lines = vec![Line::from(vec![
        Span::styled(format!("{} ", safe(&c.code)), theme.accent()),
        Span::styled(safe(&c.name), theme.header()),
    ])];
    for line in call_lines(c, width) {
        head_lines.push(Line::styled(line, theme.accent()));
    }
    if let Some(notes) = &c.notes {
        // One line: the notes' own line breaks become " / ".
        let notes = notes.lines().collect::<Vec<_>>().join(" / ");
        let key = app.keymap.describe(Mode::Screen, Action::EditNotes);
        head_lines.push(Line::styled(
            format!("notes ({key} to edit): {}", safe(&notes)),
            theme.warn(),
        ));
    }
    for (measure, since, why) in c.measures.iter().take(3) {
        head_lines.push(Line::styled(
            format!("{} since {since}: {}", measure.to_uppercase(), safe(why)),
            theme.alarm(),
        ));
    }
    head_lines
}

/// Who to call first and how: one line when it fits `width`, else who on
/// one and the phone and email below.
fn call_lines(c: &CustomerDetail, width: u16) -> Vec<String> {
    let Some(line) = &c.call_first else {
        return vec!["no contact recorded".into()];
    };
    let one = format!("call first: {}", safe(&line.call_text()));
    if unicode_width::UnicodeWidthStr::width(one.as_str()) <= usize::from(width) {
        return vec![one];
    }
    vec![
        format!("call first: {}", safe(&line.who())),
        format!("            {}", safe(&line.reach())),
    ]
}

/// Renders the open invoices table, scrolled to keep the selection visible.
fn render_invoices(app: &App, c: &CustomerDetail, theme: Theme, frame: &mut Frame, area: Rect) {
    let cols = columns();
    let laid = Laid::new(&cols, area.width);
    let row = |values: &[String]| laid.line(values);
    let mut lines = vec![laid.header(theme)];
    let height = usize::from(area.height.saturating_sub(1));
    let selection = app.invoice.scrolled(height);
    for (n, i) in c
        .invoices
        .iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let style = invoice_style(theme, n == selection.selected, i.disputed);
        lines.push(Line::styled(row(&invoice_values(app, i)), style));
    }
    if c.invoices.is_empty() {
        lines.push(Line::styled("  nothing open", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One invoice's cells, in the order of `columns`.
fn invoice_values(app: &App, i: &InvoiceLine) -> Vec<String> {
    vec![
        safe(&i.number),
        i.due_date.to_string(),
        money(app, i.open, i.currency),
        i.currency.to_string(),
        i.days_overdue.to_string(),
        i.stage.clone(),
        safe(&i.why),
    ]
}

/// The selection wins over the dispute warning, so the cursor stays visible.
fn invoice_style(theme: Theme, selected: bool, disputed: bool) -> Style {
    if selected {
        theme.selected()
    } else if disputed {
        theme.warn()
    } else {
        Style::new()
    }
}

/// Renders the follow-up history in its bordered box.
fn render_timeline(c: &CustomerDetail, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = usize::from(area.width.saturating_sub(2));
    let log: Vec<Line> = c
        .timeline
        .iter()
        .map(|(on, kind, text)| {
            Line::raw(cell(
                &format!("{on} {kind:<9} {}", safe(text)),
                inner,
                false,
            ))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(log).block(
            Block::bordered()
                .title(" History ")
                .border_style(theme.dim()),
        ),
        area,
    );
}

/// Renders commitments, the last payments and contacts in their box.
fn render_side(c: &CustomerDetail, theme: Theme, frame: &mut Frame, area: Rect) {
    let inner = usize::from(area.width.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(side_lines(c, theme, inner)).block(
            Block::bordered()
                .title(" Payments, promises, contacts ")
                .border_style(theme.dim()),
        ),
        area,
    );
}

/// Commitments, the last five payments, then the contacts, each cut to
/// `inner` columns.
fn side_lines(c: &CustomerDetail, theme: Theme, inner: usize) -> Vec<Line<'static>> {
    let mut info: Vec<Line> = Vec::new();
    for line in &c.commitments {
        info.push(Line::styled(cell(&safe(line), inner, false), theme.warn()));
    }
    for (on, amount, reference) in c.payments.iter().take(5) {
        let text = format!("paid {on} {amount} {}", safe(reference));
        info.push(Line::raw(cell(&text, inner, false)));
    }
    for contact in &c.contacts {
        let text = format!("{}: {}", contact.role, safe(&contact.text));
        info.push(Line::styled(cell(&text, inner, false), theme.dim()));
    }
    info
}
