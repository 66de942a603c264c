//! The Insight screen: DSO and CEI over the last 12 months and the cash
//! forecast's 13 weeks as bar charts, and the week's changes below, the
//! most telling first. A pure function of the app's state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Block, Paragraph};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Column, Laid, Theme, money, safe};
use crate::tui::app::{App, InsightView};

fn columns() -> Vec<Column> {
    vec![
        Column::new("Code", 8, 0),
        Column::new("Date", 10, 1),
        Column::new("Change", 15, 0),
        Column::new("Invoice", 12, 2),
        Column::new("Amount", 13, 1).right(),
        Column::new("Detail", 20, 3).flex(),
    ]
}

/// The charts' and the change list's areas of the body.
fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Min(3),
    ])
    .areas(area)
}

/// Where the change list goes in the screen's body, with its header line.
pub(super) fn list_area(area: Rect) -> Rect {
    areas(area)[2]
}

/// Draws the Insight screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(view) = &app.insight else {
        let text = Paragraph::new("  Working out DSO, CEI, the forecast and the week's changes…");
        frame.render_widget(text, area);
        return;
    };
    let [rates, weeks, list] = areas(area);
    let [dso, cei] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rates);
    draw_trend(
        frame,
        dso,
        &format!(" DSO days ({}) ", view.currency),
        &view.dso,
        theme,
    );
    draw_trend(frame, cei, " CEI % ", &view.cei, theme);
    draw_forecast(app, view, frame, weeks, theme);
    draw_changes(app, view, frame, list, theme);
}

/// A month label as the bars show it: `MM`.
fn short_month(label: &str) -> String {
    label.get(5..).unwrap_or(label).to_string()
}

fn whole(value: Decimal) -> u64 {
    value.round().to_u64().unwrap_or(0)
}

fn draw_trend(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    months: &[(String, Option<Decimal>)],
    theme: Theme,
) {
    let bars: Vec<Bar> = months
        .iter()
        .map(|(label, value)| {
            let shown = value.map_or(String::new(), |v| whole(v).to_string());
            Bar::with_label(short_month(label), value.map_or(0, whole)).text_value(shown)
        })
        .collect();
    let chart = BarChart::vertical(bars)
        .block(Block::bordered().title(title.to_string()))
        .bar_width(3)
        .bar_gap(1)
        .bar_style(theme.accent());
    frame.render_widget(chart, area);
}

fn draw_forecast(app: &App, view: &InsightView, frame: &mut Frame, area: Rect, theme: Theme) {
    let bars: Vec<Bar> = view
        .weeks
        .iter()
        .map(|(start, amount)| {
            let shown = if *amount >= Decimal::from(10_000) {
                format!("{}k", whole(*amount / Decimal::ONE_THOUSAND))
            } else {
                whole(*amount).to_string()
            };
            Bar::with_label(start.format("%d/%m").to_string(), whole(*amount)).text_value(shown)
        })
        .collect();
    let title = format!(
        " Cash expected per week ({}), disputed apart: {} ",
        view.currency,
        money(app, view.disputed, view.currency)
    );
    let chart = BarChart::vertical(bars)
        .block(Block::bordered().title(title))
        .bar_width(5)
        .bar_gap(1)
        .bar_style(theme.accent());
    frame.render_widget(chart, area);
}

fn draw_changes(app: &App, view: &InsightView, frame: &mut Frame, area: Rect, theme: Theme) {
    let cols = columns();
    let laid = Laid::new(&cols, area.width);
    let mut lines = vec![laid.header(theme)];
    let height = usize::from(area.height.saturating_sub(1));
    let selection = app.insight_changes.scrolled(height);
    for (n, change) in view
        .changes
        .iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let values = vec![
            safe(&change.code),
            change.on.map(|d| d.to_string()).unwrap_or_default(),
            change.kind.to_string(),
            safe(change.invoice.as_deref().unwrap_or_default()),
            change.amount.clone(),
            safe(&change.detail),
        ];
        let style = if n == selection.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(laid.line(&values), style));
    }
    if view.changes.is_empty() {
        lines.push(Line::from(format!(
            "  Nothing changed since {}.",
            view.since
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
