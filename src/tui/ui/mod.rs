//! Drawing: a pure function of the app state. No query, no file access.

mod agenda;
mod aging;
mod customer;
mod insight;
mod overlay;
mod palette;
mod waiting;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use rust_decimal::Decimal;

use super::action::Action;
use super::app::{App, Hit, Screen, screen_actions};
use crate::text::sanitize;
use dun_core::money::{Currency, Locale};

/// Styles, plain when colours are off (`NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Theme {
    color: bool,
}

impl Theme {
    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }
    /// Column titles.
    pub(super) fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    /// The selected row: reversed, which needs no colour.
    pub(super) fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    /// Money at risk.
    pub(super) fn alarm(self) -> Style {
        self.fg(Color::Red)
    }
    /// Something to watch.
    pub(super) fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Secondary text.
    pub(super) fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    /// Titles and the focused field.
    pub(super) fn accent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// An amount in the app's locale.
pub(super) fn money(app: &App, amount: Decimal, currency: Currency) -> String {
    format_amount(app.locale, amount, currency)
}

fn format_amount(locale: Locale, amount: Decimal, currency: Currency) -> String {
    locale.format_amount(amount, currency.minor_digits())
}

/// Data text made safe for the terminal.
pub(super) fn safe(text: &str) -> String {
    sanitize(text).into_owned()
}

/// Draws the whole dashboard.
pub fn draw(app: &App, frame: &mut Frame) {
    let theme = Theme { color: app.color };
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_title(app, theme, frame, title);
    match app.screen {
        Screen::Aging => aging::draw(app, theme, frame, body),
        Screen::Agenda => agenda::draw(app, theme, frame, body),
        Screen::Customer => customer::draw(app, theme, frame, body),
        Screen::Waiting => waiting::draw(app, theme, frame, body),
        Screen::Insight => insight::draw(app, theme, frame, body),
    }
    draw_status(app, theme, frame, status);
    if let Some(form) = &app.form {
        overlay::form(form, app.board.as_of, theme, frame, body);
    }
    if let Some(preview) = &app.preview {
        overlay::preview(preview, theme, frame, body);
    }
    if app.sort_menu {
        overlay::sort_menu(app, theme, frame, body);
    }
    if let Some(open) = &app.palette {
        palette::draw(app, open, theme, frame, body);
    }
    if app.help {
        overlay::help(app, theme, frame, body);
    }
}

/// Rows of list content the body area holds at this terminal size, for
/// paging; the shell stores it in `App::page` after a resize.
pub fn page_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(6)).max(1)
}

/// What an empty ledger shows instead of rows.
pub(super) const EMPTY_LEDGER: &[&str] = &[
    "  No customers yet. Add one with",
    "    dun customer add CODE --name NAME",
    "  or import an accounting export with",
    "    dun import invoices FILE",
];

/// The title bar's tabs: each screen's label, in order.
fn tabs(app: &App) -> Vec<(Screen, String)> {
    let mut tabs = vec![
        (Screen::Aging, "1 Aging".to_string()),
        (
            Screen::Agenda,
            format!("2 Agenda ({})", app.agenda_view.len()),
        ),
    ];
    if let Some(c) = &app.customer {
        tabs.push((Screen::Customer, safe(&c.code)));
    }
    if !app.board.waiting.is_empty() {
        tabs.push((
            Screen::Waiting,
            format!("b Bank lines ({})", app.board.waiting.len()),
        ));
    }
    if app.insight.is_some() || app.screen == Screen::Insight {
        tabs.push((Screen::Insight, "i Insight".to_string()));
    }
    tabs
}

/// The title bar's leading label.
const TITLE: &str = " dun ";

fn draw_title(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(TITLE, theme.accent())];
    for (screen, label) in tabs(app) {
        let style = if app.screen == screen {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {label} "), style));
    }
    spans.push(Span::raw(format!("  as of {}", app.board.as_of)));
    match app.screen {
        Screen::Aging => {
            spans.push(Span::styled(
                format!(
                    "  sort: {}{}",
                    app.sort.0.label(&app.board.bucket_titles),
                    if app.sort.1 { " ↑" } else { "" }
                ),
                theme.dim(),
            ));
            if !app.filter.is_empty() {
                spans.push(Span::styled(
                    format!("  filter: {}", safe(&app.filter)),
                    theme.warn(),
                ));
            }
        }
        Screen::Agenda => {
            if let Some(action) = app.agenda_action {
                spans.push(Span::styled(
                    format!("  only: {}", action.as_str()),
                    theme.warn(),
                ));
            }
        }
        Screen::Customer | Screen::Waiting => {}
        Screen::Insight => {
            if let Some(view) = &app.insight {
                spans.push(Span::styled(
                    format!("  changes since {}", view.since),
                    theme.dim(),
                ));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What a click at (`column`, `row`) of a screen of size `area` lands on.
pub fn hit(app: &App, area: Rect, column: u16, row: u16) -> Hit {
    use unicode_width::UnicodeWidthStr;
    if row == area.y {
        let mut x = area.x + TITLE.width() as u16;
        for (screen, label) in tabs(app) {
            let width = label.width() as u16 + 2;
            if (x..x + width).contains(&column) {
                return Hit::Tab(screen);
            }
            x += width;
        }
        return Hit::Nothing;
    }
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    let (list, selection) = match app.screen {
        Screen::Aging => (aging::table_area(app, body), app.aging),
        Screen::Agenda => (agenda::list_area(body), app.agenda),
        Screen::Customer => match customer::invoices_area(app, body) {
            Some(list) => (list, app.invoice),
            None => return Hit::Nothing,
        },
        Screen::Waiting => (waiting::list_area(body), app.bank.0),
        Screen::Insight => (insight::list_area(body), app.insight_changes),
    };
    // The first line of each list is its header.
    if row <= list.y || row >= list.bottom() || !(list.x..list.right()).contains(&column) {
        return Hit::Nothing;
    }
    let shown = usize::from(list.height.saturating_sub(1));
    let offset = selection.scrolled(shown).offset;
    Hit::Row(offset + usize::from(row - list.y - 1))
}

/// The status bar's word for an action.
fn hint_word(action: Action) -> &'static str {
    match action {
        Action::Open => "open",
        Action::Filter => "filter",
        Action::FilterAction => "only one action",
        Action::SortMenu => "sort",
        Action::SortReverse => "reverse",
        Action::LogFollowUp => "log",
        Action::MarkDone => "done",
        Action::RecordPayment => "payment",
        Action::Dispute => "dispute",
        Action::ResolveDispute => "resolve",
        Action::ToggleHold => "hold",
        Action::PreviewMessage => "preview",
        Action::EditNotes => "notes",
        Action::RemoveEntry => "remove",
        Action::Palette => "actions",
        Action::Undo => "undo",
        Action::Reload => "reload",
        Action::Back => "back",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::NextField => "next",
        Action::PreviousField => "previous",
        Action::Submit => "save",
        _ => "",
    }
}

fn draw_status(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mode = app.mode();
    let hint = |action: Action, label: &str| {
        let keys = app.keymap.describe(mode, action);
        (!keys.is_empty()).then(|| format!("{keys} {label}"))
    };
    let wanted: Vec<(Action, &str)> = if app.sort_menu {
        vec![(Action::Back, "close")]
    } else if app.preview.as_ref().is_some_and(|p| p.letter) {
        vec![(Action::NextField, "scroll"), (Action::Back, "close")]
    } else if app.preview.is_some() {
        vec![
            (Action::NextField, "scroll"),
            (Action::Submit, "send"),
            (Action::Back, "cancel"),
        ]
    } else if app.palette.is_some() {
        vec![
            (Action::NextField, "next"),
            (Action::Submit, "run"),
            (Action::Back, "close"),
        ]
    } else if app.form.is_some() {
        vec![
            (Action::NextField, "next"),
            (Action::Submit, "save"),
            (Action::Back, "cancel"),
        ]
    } else {
        let mut wanted: Vec<(Action, &str)> = screen_actions(app.screen)
            .iter()
            .map(|a| (*a, hint_word(*a)))
            .collect();
        if app.screen == Screen::Customer {
            wanted.push((Action::Back, "back"));
        }
        wanted.extend([
            (Action::Undo, "undo"),
            (Action::Palette, "actions"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ]);
        wanted
    };
    let mut hints: Vec<String> = wanted.iter().filter_map(|(a, l)| hint(*a, l)).collect();
    let status = if app.status.is_empty() {
        String::new()
    } else {
        format!("{}  ", safe(&app.status))
    };
    // Too long for the line: the hints before the last two (help and
    // quit, or cancel) go, latest first, rather than cut one in half.
    let room = usize::from(area.width).saturating_sub(status.chars().count());
    let width = |hints: &[String]| hints.iter().map(|h| h.chars().count() + 2).sum::<usize>();
    while hints.len() > 2 && width(&hints) > room + 2 {
        hints.remove(hints.len() - 3);
    }
    let mut spans = vec![Span::styled(hints.join("  "), theme.dim())];
    if !status.is_empty() {
        spans.insert(0, Span::styled(status, theme.warn()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A column that is shown only when there is room, most important first.
pub(super) struct Column {
    /// Title.
    pub title: String,
    /// Width in cells (the flexible column takes what is left).
    pub width: u16,
    /// Lower shows first.
    pub priority: u8,
    /// Right-aligned (amounts).
    pub right: bool,
    /// Takes the remaining width.
    pub flex: bool,
}

impl Column {
    pub(super) fn new(title: &str, width: u16, priority: u8) -> Column {
        Column {
            title: title.to_string(),
            width,
            priority,
            right: false,
            flex: false,
        }
    }
    pub(super) fn right(mut self) -> Column {
        self.right = true;
        self
    }
    pub(super) fn flex(mut self) -> Column {
        self.flex = true;
        self
    }
}

/// A list's columns laid out in a width: those that fit, and how wide.
pub(super) struct Laid<'c> {
    columns: &'c [Column],
    chosen: Vec<usize>,
    widths: Vec<u16>,
}

impl<'c> Laid<'c> {
    /// The columns that fit in `width`, the flexible one taking the rest.
    pub(super) fn new(columns: &'c [Column], width: u16) -> Self {
        let chosen = fit(columns, width);
        let widths = widths(columns, &chosen, width);
        Laid {
            columns,
            chosen,
            widths,
        }
    }

    /// One row's values as a line of fixed-width cells.
    pub(super) fn line(&self, values: &[String]) -> String {
        line_of(self.columns, &self.chosen, &self.widths, values)
    }

    /// The header line: the columns' titles.
    pub(super) fn header(&self, theme: Theme) -> Line<'static> {
        let titles: Vec<String> = self.columns.iter().map(|c| c.title.clone()).collect();
        Line::styled(self.line(&titles), theme.header())
    }
}

/// The indices of the columns that fit in `width`, in their original order.
pub(super) fn fit(columns: &[Column], width: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].priority);
    let mut used = 0u16;
    let mut chosen = Vec::new();
    for i in order {
        let need = columns[i].width + 1;
        if used + need <= width {
            used += need;
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Pads or truncates `text` to `width` cells, right-aligned if asked; a
/// truncated text ends in an ellipsis.
pub(super) fn cell(text: &str, width: usize, right: bool) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let shown = if text.width() <= width {
        text.to_string()
    } else {
        let mut out = String::new();
        let mut used = 0;
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        if width > 0 {
            out.push('…');
        }
        out
    };
    let pad = " ".repeat(width.saturating_sub(shown.width()));
    if right {
        format!("{pad}{shown}")
    } else {
        format!("{shown}{pad}")
    }
}

/// Lays the chosen columns out as one line of fixed-width cells.
pub(super) fn line_of(
    columns: &[Column],
    chosen: &[usize],
    widths: &[u16],
    values: &[String],
) -> String {
    chosen
        .iter()
        .zip(widths)
        .map(|(&i, &w)| cell(&values[i], usize::from(w), columns[i].right))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Widths of the chosen columns in `width`: the flexible one takes the rest.
pub(super) fn widths(columns: &[Column], chosen: &[usize], width: u16) -> Vec<u16> {
    let fixed: u16 = chosen
        .iter()
        .filter(|&&i| !columns[i].flex)
        .map(|&i| columns[i].width + 1)
        .sum();
    let rest = width.saturating_sub(fixed);
    chosen
        .iter()
        .map(|&i| {
            if columns[i].flex {
                rest.saturating_sub(1).max(columns[i].width)
            } else {
                columns[i].width
            }
        })
        .collect()
}
