//! Overlays: the help screen from the live keymap, and forms.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{Theme, cell, safe};
use crate::tui::action::Action;
use crate::tui::app::{App, EVERYWHERE, Screen, SortColumn, screen_actions};
use crate::tui::form::{Field, FieldKind, Form, Purpose};
use crate::tui::keymap::Mode;

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The keys that work on the screen shown, then those that work
/// everywhere, then those of forms, read from the live keymap; in two
/// columns when one does not fit the height.
pub(super) fn help(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let screen = match app.screen {
        Screen::Aging => "On this screen (aging)",
        Screen::Agenda => "On this screen (agenda)",
        Screen::Customer => "On this screen (customer)",
        Screen::Waiting => "On this screen (bank lines)",
        Screen::Insight => "On this screen (insight)",
    };
    let sections: [(&str, Mode, Vec<Action>); 3] = [
        (screen, Mode::Screen, screen_actions(app.screen).to_vec()),
        ("Everywhere", Mode::Screen, EVERYWHERE.to_vec()),
        (
            "In forms",
            Mode::Form,
            app.keymap
                .help(Mode::Form)
                .into_iter()
                .map(|(_, a)| a)
                .collect(),
        ),
    ];
    let mut entries: Vec<(String, String, bool)> = Vec::new();
    for (title, mode, actions) in sections {
        entries.push((title.to_string(), String::new(), true));
        for action in actions {
            let keys = app.keymap.describe(mode, action);
            if keys.is_empty() {
                continue;
            }
            let text = action.describe().trim_end_matches('.').to_string();
            entries.push((keys, text, false));
        }
    }
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    let columns = if entries.len() > rows { 2 } else { 1 };
    let per_column = entries.len().div_ceil(columns);
    let width = if columns == 2 {
        area.width
    } else {
        72.min(area.width)
    };
    let column_width = usize::from(width.saturating_sub(2)) / columns;
    let keys_width = 16.min(column_width / 3);
    let mut lines = Vec::new();
    for row in 0..per_column {
        let mut spans = Vec::new();
        for column in 0..columns {
            let Some((keys, text, heading)) = entries.get(column * per_column + row) else {
                continue;
            };
            if *heading {
                spans.push(Span::styled(
                    cell(keys, column_width, false),
                    theme.accent(),
                ));
            } else {
                spans.push(Span::styled(
                    format!(" {} ", cell(keys, keys_width, false)),
                    theme.header(),
                ));
                spans.push(Span::raw(cell(
                    text,
                    column_width.saturating_sub(keys_width + 2),
                    false,
                )));
            }
        }
        lines.push(Line::from(spans));
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let box_area = centered(area, width, height);
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys (?, q or esc to close) ")),
        box_area,
    );
}

/// A form: what it is about, then one line per field, the focused one
/// highlighted with a cursor; a date typed as a shortcut shows the day it
/// stands for, read against `as_of`.
pub(super) fn form(
    form: &Form,
    as_of: chrono::NaiveDate,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let mut lines: Vec<Line> = form
        .context
        .iter()
        .map(|l| Line::styled(safe(l), theme.warn()))
        .collect();
    let above = lines.len();
    for (i, field) in form.fields.iter().enumerate() {
        lines.push(field_line(field, i == form.focus, as_of, theme));
    }
    if form.confirm_discard {
        lines.push(Line::styled(
            "Throw away what you typed? esc again to discard, any other key to keep it",
            theme.alarm(),
        ));
    }
    if let Some(error) = &form.error {
        lines.push(Line::styled(safe(error), theme.alarm()));
    }
    let height = lines.len() as u16 + 2;
    let box_area = if form.purpose == Purpose::Filter {
        Rect {
            y: area.bottom().saturating_sub(3),
            height: 3,
            ..area
        }
    } else {
        centered(area, 78, height)
    };
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(
            format!(" {} ", safe(&form.title)),
            theme.accent(),
        ))),
        box_area,
    );
    if let Some(field) = form.fields.get(form.focus)
        && !matches!(field.kind, FieldKind::Choice(_))
    {
        let x = box_area.x + 1 + 17 + field.input.cursor() as u16;
        let y = box_area.y + 1 + (above + form.focus) as u16;
        if x < box_area.right() && y < box_area.bottom() {
            frame.set_cursor_position((x, y));
        }
    }
}

/// One field's line: its label, its value (the focused one reversed) and,
/// for a date typed as a shortcut, the day it stands for.
fn field_line(
    field: &Field,
    focused: bool,
    as_of: chrono::NaiveDate,
    theme: Theme,
) -> Line<'static> {
    let value = match &field.kind {
        FieldKind::Choice(options) => options
            .iter()
            .enumerate()
            .map(|(j, o)| {
                if j == field.choice {
                    format!("[{o}]")
                } else {
                    o.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
        FieldKind::Date if field.input.value().is_empty() => DATE_HINT.into(),
        _ => safe(field.input.value()),
    };
    let resolved = match field.kind {
        FieldKind::Date => resolved_date(field.input.value(), as_of),
        _ => String::new(),
    };
    let label_style = if focused { theme.accent() } else { theme.dim() };
    Line::from(vec![
        Span::styled(format!("{:>15}: ", field.label()), label_style),
        Span::styled(
            value,
            if focused {
                theme.selected()
            } else {
                ratatui::style::Style::new()
            },
        ),
        Span::styled(resolved, theme.dim()),
    ])
}

/// What an empty date field shows it takes.
const DATE_HINT: &str = "YYYY-MM-DD, today, +3, 2w, fri or 15";

/// " = Fri 2026-11-27" for a date typed as a shortcut; nothing for one
/// written out, empty or not understood (saving says why).
fn resolved_date(text: &str, as_of: chrono::NaiveDate) -> String {
    match crate::ops::input::exact_date(text) {
        Ok(_) => String::new(),
        Err(_) => crate::ops::input::parse_date(text, as_of)
            .map(|d| format!(" = {}", d.format("%a %Y-%m-%d")))
            .unwrap_or_default(),
    }
}

/// An email as it will be sent, or a letter as it will print: recipient,
/// subject, body, wrapped to the box.
pub(super) fn preview(
    preview: &crate::tui::app::Preview,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(if preview.letter { "For: " } else { "To: " }, theme.dim()),
            Span::raw(safe(&preview.to)),
        ]),
        Line::from(vec![
            Span::styled("Subject: ", theme.dim()),
            Span::styled(safe(&preview.subject), theme.header()),
        ]),
        Line::raw(""),
    ];
    lines.extend(preview.body.lines().map(|l| Line::raw(safe(l))));
    let title = if preview.letter {
        " Letter to print (dun letter): esc to close "
    } else {
        " Send this message? enter to send, esc to cancel "
    };
    let box_area = centered(area, area.width.min(100), area.height);
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((preview.scroll, 0))
            .block(Block::bordered().title(Span::styled(title, theme.accent()))),
        box_area,
    );
}

/// The sort menu: one key per column of the aging screen.
pub(super) fn sort_menu(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let titles = &app.board.bucket_titles;
    let mut lines = Vec::new();
    for column in SortColumn::menu(titles.len()) {
        let on = app.sort.0 == column;
        let order = if on && app.sort.1 {
            "reversed (again: back)".to_string()
        } else if on {
            format!("{} (again: reverse)", column.order())
        } else {
            column.order().to_string()
        };
        let style = if on {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", column.key()), theme.header()),
            Span::styled(cell(&column.label(titles), 14, false), style),
            Span::styled(format!(" {order}"), theme.dim()),
        ]));
    }
    let height = lines.len() as u16 + 2;
    let box_area = centered(area, 54, height);
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered().title(Span::styled(" Sort by (esc to close) ", theme.accent())),
        ),
        box_area,
    );
}
