//! The aging screen: one row per customer and currency, largest first, a
//! totals row, and a bar chart of the buckets when there is room.
//!
//! The rows are the aging report's rows (the same `dun aging` prints) with
//! the dashboard's columns beside them. Every column is one entry in
//! [`AGING_COLUMNS`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};
use rust_decimal::Decimal;

use super::{Column, Theme, fit, line_of, money, safe, widths};
use crate::tui::app::App;
use crate::tui::model::{AgingRow, Badge};
use dun_core::aging::AgingTotals;
use dun_core::money::Currency;

/// Where a column's title comes from.
enum Title {
    /// A fixed title.
    Text(&'static str),
    /// One column per configured bucket, titled by it.
    Buckets,
}

/// Which columns stay when the screen is narrow: lower shows first.
enum Priority {
    /// The same for every column of the entry.
    Fixed(u8),
    /// The bucket columns: the oldest show first, then the middle ones,
    /// current last.
    ByAge,
}

/// How a column's cells are aligned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    /// Text.
    Left,
    /// Amounts.
    Right,
}

/// One currency's line of the totals, as the screen draws it.
struct TotalRow {
    /// The currency of every figure in the line.
    currency: Currency,
    /// Net open balance.
    total: Decimal,
    /// Open balance per bucket.
    buckets: Vec<Decimal>,
}

/// One column of the aging screen: its title, width, alignment and what
/// it shows on a customer's row and on a currency's totals line. The
/// `usize` each cell gets is the bucket's index in the bucket column.
struct AgingColumn {
    /// The title.
    title: Title,
    /// Width in cells; a flexible column takes what is left, at least this.
    width: u16,
    /// Which columns show first when space is short.
    priority: Priority,
    /// Left or right.
    align: Align,
    /// Takes the remaining width.
    flex: bool,
    /// The cell of a customer's row.
    row: fn(&App, &AgingRow, usize) -> String,
    /// The cell of a currency's totals line.
    total: fn(&App, &TotalRow, usize) -> String,
}

/// A column with nothing on the totals line.
fn blank(_: &App, _: &TotalRow, _: usize) -> String {
    String::new()
}

/// The aging screen's columns, left to right. Adding a column to the
/// screen is one entry here.
const AGING_COLUMNS: &[AgingColumn] = &[
    AgingColumn {
        title: Title::Text("Code"),
        width: 8,
        priority: Priority::Fixed(0),
        align: Align::Left,
        flex: false,
        row: |_, row, _| safe(&row.code),
        total: |_, _, _| "TOTAL".to_string(),
    },
    AgingColumn {
        title: Title::Text("Name"),
        width: 14,
        priority: Priority::Fixed(0),
        align: Align::Left,
        flex: true,
        row: |_, row, _| safe(&row.name),
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Total"),
        width: 13,
        priority: Priority::Fixed(0),
        align: Align::Right,
        flex: false,
        row: |app, row, _| money(app, row.report.total, row.report.currency),
        total: |app, line, _| money(app, line.total, line.currency),
    },
    AgingColumn {
        title: Title::Buckets,
        width: 11,
        priority: Priority::ByAge,
        align: Align::Right,
        flex: false,
        row: |app, row, bucket| match row.report.buckets.get(bucket) {
            Some(amount) if !amount.is_zero() => money(app, *amount, row.report.currency),
            _ => "·".into(),
        },
        total: |app, line, bucket| {
            let amount = line.buckets.get(bucket).copied().unwrap_or_default();
            money(app, amount, line.currency)
        },
    },
    AgingColumn {
        title: Title::Text("Cur"),
        width: 3,
        priority: Priority::Fixed(0),
        align: Align::Left,
        flex: false,
        row: |_, row, _| row.report.currency.to_string(),
        total: |_, line, _| line.currency.to_string(),
    },
    AgingColumn {
        title: Title::Text("Flags"),
        width: 15,
        priority: Priority::Fixed(1),
        align: Align::Left,
        flex: false,
        row: |_, row, _| {
            let flags: Vec<&str> = row.badges.iter().map(|b| b.label()).collect();
            flags.join(" ")
        },
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Last contact"),
        width: 12,
        priority: Priority::Fixed(5),
        align: Align::Left,
        flex: false,
        row: |_, row, _| row.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Next action"),
        width: 20,
        priority: Priority::Fixed(4),
        align: Align::Left,
        flex: false,
        row: |_, row, _| row.next_action.clone().unwrap_or_default(),
        total: blank,
    },
];

/// The screen's columns laid out for the configured buckets: each entry
/// of [`AGING_COLUMNS`] once, the bucket entry once per bucket.
struct LaidOut {
    /// Each laid-out column's entry and bucket index.
    entries: Vec<(&'static AgingColumn, usize)>,
    /// The same columns as the shared layout code reads them.
    columns: Vec<Column>,
}

fn layout(titles: &[String]) -> LaidOut {
    let mut entries = Vec::new();
    let mut columns = Vec::new();
    let n = titles.len();
    for entry in AGING_COLUMNS {
        let placed: Vec<(usize, &str)> = match entry.title {
            Title::Text(title) => vec![(0, title)],
            Title::Buckets => titles.iter().map(String::as_str).enumerate().collect(),
        };
        for (bucket, title) in placed {
            let priority = match entry.priority {
                Priority::Fixed(p) => p,
                Priority::ByAge if bucket + 1 == n => 1,
                Priority::ByAge if bucket == 0 => 4,
                Priority::ByAge => 2 + u8::from(bucket + 2 < n),
            };
            let mut column = Column::new(title, entry.width, priority);
            if entry.align == Align::Right {
                column = column.right();
            }
            if entry.flex {
                column = column.flex();
            }
            entries.push((entry, bucket));
            columns.push(column);
        }
    }
    LaidOut { entries, columns }
}

/// The totals lines, one per currency, largest total first.
fn total_rows(totals: &AgingTotals) -> Vec<TotalRow> {
    let mut rows: Vec<TotalRow> = totals
        .currencies()
        .map(|currency| TotalRow {
            currency,
            total: totals.total.get(currency),
            buckets: totals.buckets_in(currency),
        })
        .collect();
    rows.sort_by_key(|t| std::cmp::Reverse(t.total));
    rows
}

/// The table as drawn at this width: the columns that fit, and what
/// their cells read.
struct Table<'a> {
    app: &'a App,
    theme: Theme,
    laid_out: LaidOut,
    chosen: Vec<usize>,
    widths: Vec<u16>,
}

impl<'a> Table<'a> {
    fn new(app: &'a App, theme: Theme, width: u16) -> Self {
        let laid_out = layout(&app.board.bucket_titles);
        let chosen = fit(&laid_out.columns, width);
        let widths = widths(&laid_out.columns, &chosen, width);
        Table {
            app,
            theme,
            laid_out,
            chosen,
            widths,
        }
    }

    fn line(&self, values: &[String]) -> String {
        line_of(&self.laid_out.columns, &self.chosen, &self.widths, values)
    }

    fn header(&self) -> String {
        let titles: Vec<String> = self
            .laid_out
            .columns
            .iter()
            .map(|c| c.title.clone())
            .collect();
        self.line(&titles)
    }

    fn row(&self, row: &AgingRow) -> String {
        let values: Vec<String> = self
            .laid_out
            .entries
            .iter()
            .map(|(entry, bucket)| (entry.row)(self.app, row, *bucket))
            .collect();
        self.line(&values)
    }

    fn total(&self, line: &TotalRow) -> String {
        let values: Vec<String> = self
            .laid_out
            .entries
            .iter()
            .map(|(entry, bucket)| (entry.total)(self.app, line, *bucket))
            .collect();
        self.line(&values)
    }
}

/// Draws the aging screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let chart_height = if area.height >= 36 { 10 } else { 0 };
    let totals = total_rows(&app.board.totals());
    let [table_area, totals_area, chart_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(totals.len().clamp(1, 3) as u16 + 1),
        Constraint::Length(chart_height),
    ])
    .areas(area);
    let table = Table::new(app, theme, area.width);
    draw_rows(&table, frame, table_area);
    draw_totals(&table, &totals, frame, totals_area);
    if chart_height > 0
        && let Some(first) = totals.first()
    {
        draw_chart(app, theme, first, frame, chart_area);
    }
}

fn draw_rows(table: &Table<'_>, frame: &mut Frame, area: Rect) {
    let (app, theme) = (table.app, table.theme);
    let mut lines = vec![Line::styled(table.header(), theme.header())];
    let height = usize::from(area.height.saturating_sub(1));
    let selection = app.aging.scrolled(height);
    for (n, &index) in app
        .view
        .iter()
        .enumerate()
        .skip(selection.offset)
        .take(height)
    {
        let row = &app.board.rows[index];
        let style = if n == selection.selected {
            theme.selected()
        } else if row.badges.contains(&Badge::CashOnly) || row.badges.contains(&Badge::StopSupply) {
            theme.alarm()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(table.row(row), style));
    }
    if app.view.is_empty() {
        lines.push(Line::styled("  no customer matches", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_totals(table: &Table<'_>, totals: &[TotalRow], frame: &mut Frame, area: Rect) {
    let (app, theme) = (table.app, table.theme);
    let mut lines = vec![Line::styled(
        format!("{} of {} rows", app.view.len(), app.board.rows.len()),
        theme.dim(),
    )];
    for line in totals.iter().take(3) {
        lines.push(Line::styled(table.total(line), theme.header()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_chart(app: &App, theme: Theme, totals: &TotalRow, frame: &mut Frame, area: Rect) {
    let currency = totals.currency;
    // Bars in whole units of the currency: a picture, not a figure.
    let bars: Vec<Bar> = totals
        .buckets
        .iter()
        .zip(&app.board.bucket_titles)
        .map(|(b, title)| {
            let value = u64::try_from(b.trunc().mantissa().max(0)).unwrap_or(0);
            Bar::default()
                .value(value)
                .label(Line::from(title.clone()))
                .text_value(money(app, *b, currency))
        })
        .collect();
    let chart = BarChart::default()
        .block(Block::bordered().title(Span::styled(
            format!(" Open balance by age, {currency} "),
            theme.accent(),
        )))
        .data(BarGroup::default().bars(&bars))
        .bar_width(
            ((area.width.saturating_sub(4)) / bars.len().max(1) as u16)
                .saturating_sub(2)
                .clamp(3, 24),
        )
        .bar_gap(2)
        .bar_style(theme.warn());
    frame.render_widget(chart, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_entry_lays_out_one_column_per_bucket() {
        let titles = dun_core::aging::Buckets::default().titles();
        let laid_out = layout(&titles);
        let shown: Vec<(&str, u8, bool)> = laid_out
            .columns
            .iter()
            .map(|c| (c.title.as_str(), c.priority, c.right))
            .collect();
        assert_eq!(
            shown,
            [
                ("Code", 0, false),
                ("Name", 0, false),
                ("Total", 0, true),
                ("Current", 4, true),
                ("1-30", 3, true),
                ("31-60", 3, true),
                ("61-90", 2, true),
                ("90+", 1, true),
                ("Cur", 0, false),
                ("Flags", 1, false),
                ("Last contact", 5, false),
                ("Next action", 4, false),
            ]
        );
        let buckets: Vec<usize> = laid_out.entries.iter().map(|(_, b)| *b).collect();
        assert_eq!(buckets, [0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0]);
    }
}
