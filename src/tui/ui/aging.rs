//! The aging screen: one row per customer and currency, largest first, a
//! totals row, and a bar chart of the buckets when there is room.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use super::{Column, Theme, fit, line_of, money, safe, widths};
use crate::tui::app::App;
use crate::tui::model::{AgingRow, Badge};
use dun_core::money::Currency;
use rust_decimal::Decimal;

fn columns(app: &App) -> Vec<Column> {
    let titles = &app.board.bucket_titles;
    let mut cols = vec![
        Column::new("Code", 8, 0),
        Column::new("Name", 14, 0).flex(),
        Column::new("Total", 13, 0).right(),
    ];
    // The oldest buckets matter most: they show first when space is short.
    let n = titles.len();
    for (i, title) in titles.iter().enumerate() {
        let priority = if i + 1 == n {
            1
        } else if i == 0 {
            4
        } else {
            2 + u8::from(i + 2 < n)
        };
        cols.push(Column::new(title, 11, priority).right());
    }
    cols.extend([
        Column::new("Cur", 3, 0),
        Column::new("Flags", 15, 1),
        Column::new("Last contact", 12, 5),
        Column::new("Next action", 20, 4),
    ]);
    cols
}

fn values(app: &App, row: &AgingRow) -> Vec<String> {
    let mut v = vec![
        safe(&row.code),
        safe(&row.name),
        money(app, row.report.total, row.report.currency),
    ];
    v.extend(row.report.buckets.iter().map(|b| {
        if b.is_zero() {
            "·".into()
        } else {
            money(app, *b, row.report.currency)
        }
    }));
    let flags: Vec<&str> = row.badges.iter().map(|b| b.label()).collect();
    v.extend([
        row.report.currency.to_string(),
        flags.join(" "),
        row.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        row.next_action.clone().unwrap_or_default(),
    ]);
    v
}

/// Draws the aging screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let chart_height = if area.height >= 36 { 10 } else { 0 };
    let board_totals = app.board.totals();
    let mut totals: Vec<(Currency, Decimal, Vec<Decimal>)> = board_totals
        .currencies()
        .map(|c| (c, board_totals.total.get(c), board_totals.buckets_in(c)))
        .collect();
    totals.sort_by_key(|t| std::cmp::Reverse(t.1));
    let [table_area, totals_area, chart_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(totals.len().clamp(1, 3) as u16 + 1),
        Constraint::Length(chart_height),
    ])
    .areas(area);
    let cols = columns(app);
    let chosen = fit(&cols, area.width);
    let widths = widths(&cols, &chosen, area.width);
    let titles: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
    let mut lines = vec![Line::styled(
        line_of(&cols, &chosen, &widths, &titles),
        theme.header(),
    )];
    let height = usize::from(table_area.height.saturating_sub(1));
    let selection = app.aging.scrolled(height);
    for (n, &index) in app
        .view
        .iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let row = &app.board.rows[index];
        let text = line_of(&cols, &chosen, &widths, &values(app, row));
        let style = if n == selection.selected {
            theme.selected()
        } else if row.badges.contains(&Badge::CashOnly) || row.badges.contains(&Badge::StopSupply) {
            theme.alarm()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    if app.view.is_empty() {
        lines.push(Line::styled("  no customer matches", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), table_area);

    let mut total_lines = vec![Line::styled(
        format!("{} of {} rows", app.view.len(), app.board.rows.len()),
        theme.dim(),
    )];
    for (currency, total, buckets) in totals.iter().take(3) {
        let mut v = vec![
            "TOTAL".to_string(),
            String::new(),
            money(app, *total, *currency),
        ];
        v.extend(buckets.iter().map(|b| money(app, *b, *currency)));
        v.extend([
            currency.to_string(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        total_lines.push(Line::styled(
            line_of(&cols, &chosen, &widths, &v),
            theme.header(),
        ));
    }
    frame.render_widget(Paragraph::new(total_lines), totals_area);

    if chart_height > 0
        && let Some((currency, _, buckets)) = totals.first()
    {
        // Bars in whole units of the currency: a picture, not a figure.
        let bars: Vec<Bar> = buckets
            .iter()
            .zip(&app.board.bucket_titles)
            .map(|(b, title)| {
                let value = u64::try_from(b.trunc().mantissa().max(0)).unwrap_or(0);
                Bar::default()
                    .value(value)
                    .label(Line::from(title.clone()))
                    .text_value(money(app, *b, *currency))
            })
            .collect();
        let chart = BarChart::default()
            .block(Block::bordered().title(Span::styled(
                format!(" Open balance by age, {currency} "),
                theme.accent(),
            )))
            .data(BarGroup::default().bars(&bars))
            .bar_width(
                ((chart_area.width.saturating_sub(4)) / bars.len().max(1) as u16)
                    .saturating_sub(2)
                    .clamp(3, 24),
            )
            .bar_gap(2)
            .bar_style(theme.warn());
        frame.render_widget(chart, chart_area);
    }
}
