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

use super::{Column, Theme, line_of, money, safe};
use crate::tui::app::{App, SortColumn};
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

/// The buckets one cell shows: one bucket, or the youngest ones folded
/// together when space is short.
type Buckets = std::ops::Range<usize>;

/// One column of the aging screen: its title, width, alignment and what
/// it shows on a customer's row and on a currency's totals line.
struct AgingColumn {
    /// The title.
    title: Title,
    /// Width in cells; a growing column takes a share of what is left.
    width: u16,
    /// Left or right.
    align: Align,
    /// Takes a share of the width left over.
    grow: bool,
    /// The sort it shows, marked in its title (buckets: their own).
    sort: Option<SortColumn>,
    /// The cell of a customer's row.
    row: fn(&App, &AgingRow, Buckets) -> String,
    /// The cell of a currency's totals line.
    total: fn(&App, &TotalRow, Buckets) -> String,
}

/// A column with nothing on the totals line.
fn blank(_: &App, _: &TotalRow, _: Buckets) -> String {
    String::new()
}

/// The aging screen's columns, left to right. Adding a column to the
/// screen is one entry here.
const AGING_COLUMNS: &[AgingColumn] = &[
    AgingColumn {
        title: Title::Text("Code"),
        width: 8,
        align: Align::Left,
        grow: false,
        sort: Some(SortColumn::Code),
        row: |_, row, _| safe(&row.code),
        total: |app, _, _| {
            if app.filter.is_empty() {
                "TOTAL"
            } else {
                "SHOWN"
            }
            .into()
        },
    },
    AgingColumn {
        title: Title::Text("Name"),
        width: 11,
        align: Align::Left,
        grow: true,
        sort: Some(SortColumn::Name),
        row: |_, row, _| safe(&row.name),
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Total"),
        width: 13,
        align: Align::Right,
        grow: false,
        sort: Some(SortColumn::Total),
        row: |app, row, _| money(app, row.report.total, row.report.currency),
        total: |app, line, _| money(app, line.total, line.currency),
    },
    AgingColumn {
        title: Title::Buckets,
        width: 11,
        align: Align::Right,
        grow: false,
        sort: None,
        row: |app, row, span| {
            let amount: Decimal = row
                .report
                .buckets
                .get(span)
                .unwrap_or_default()
                .iter()
                .sum();
            if amount.is_zero() {
                "·".into()
            } else {
                money(app, amount, row.report.currency)
            }
        },
        total: |app, line, span| {
            let amount: Decimal = line.buckets.get(span).unwrap_or_default().iter().sum();
            money(app, amount, line.currency)
        },
    },
    AgingColumn {
        title: Title::Text("Cur"),
        width: 4,
        align: Align::Left,
        grow: false,
        sort: Some(SortColumn::Currency),
        row: |_, row, _| row.report.currency.to_string(),
        total: |_, line, _| line.currency.to_string(),
    },
    AgingColumn {
        title: Title::Text("Flags"),
        width: 15,
        align: Align::Left,
        grow: false,
        sort: Some(SortColumn::Flags),
        row: |_, row, _| {
            let flags: Vec<&str> = row.badges.iter().map(|b| b.label()).collect();
            flags.join(" ")
        },
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Last contact"),
        width: 12,
        align: Align::Left,
        grow: false,
        sort: Some(SortColumn::LastContact),
        row: |_, row, _| row.last_contact.map(|d| d.to_string()).unwrap_or_default(),
        total: blank,
    },
    AgingColumn {
        title: Title::Text("Next action"),
        width: 20,
        align: Align::Left,
        grow: true,
        sort: Some(SortColumn::NextAction),
        row: |_, row, _| row.next_action.clone().unwrap_or_default(),
        total: blank,
    },
];

/// What goes first when the screen is too narrow for every column, in
/// this order: last contact, next action, then the youngest buckets fold
/// into one column (Current with 1-30, then with 31-60…) down to two
/// bucket columns, then flags.
const HIDDEN_FIRST: [&str; 2] = ["Last contact", "Next action"];
/// Hidden after every fold.
const HIDDEN_LAST: &str = "Flags";

/// How the table gives way to a narrow screen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// The youngest buckets shown together in the first bucket column
    /// (1: none folded).
    fold: usize,
    /// The titles of the columns left out.
    hidden: Vec<&'static str>,
}

impl Plan {
    /// The plans from the widest to the narrowest, in the stated order.
    fn all(buckets: usize) -> Vec<Plan> {
        let mut plans = vec![Plan {
            fold: 1,
            hidden: Vec::new(),
        }];
        for n in 1..=HIDDEN_FIRST.len() {
            plans.push(Plan {
                fold: 1,
                hidden: HIDDEN_FIRST[..n].to_vec(),
            });
        }
        for fold in 2..buckets {
            plans.push(Plan {
                fold,
                hidden: HIDDEN_FIRST.to_vec(),
            });
        }
        let mut last = plans.last().cloned().unwrap_or(Plan {
            fold: 1,
            hidden: Vec::new(),
        });
        last.hidden.push(HIDDEN_LAST);
        plans.push(last);
        plans
    }
}

/// The screen's columns laid out for the configured buckets and a plan:
/// each entry of [`AGING_COLUMNS`] once, the bucket entry once per
/// bucket column.
struct LaidOut {
    /// Each laid-out column's entry and the buckets it shows.
    entries: Vec<(&'static AgingColumn, Buckets)>,
    /// The same columns as the shared layout code reads them.
    columns: Vec<Column>,
}

/// The title of the column of the folded youngest buckets: up to the
/// upper bound of the last of them, e.g. "≤60".
fn folded_title(titles: &[String], fold: usize) -> String {
    let last = titles
        .get(fold.saturating_sub(1))
        .map_or("", String::as_str);
    format!("≤{}", last.rsplit('-').next().unwrap_or(last))
}

fn layout(titles: &[String], plan: &Plan) -> LaidOut {
    let mut entries = Vec::new();
    let mut columns = Vec::new();
    for entry in AGING_COLUMNS {
        let placed: Vec<(Buckets, String)> = match entry.title {
            Title::Text(title) if plan.hidden.contains(&title) => Vec::new(),
            Title::Text(title) => vec![(0..0, title.to_string())],
            Title::Buckets => {
                let fold = plan.fold.clamp(1, titles.len().max(1));
                let mut placed = vec![(0..fold, titles.first().cloned().unwrap_or_default())];
                if fold > 1 {
                    placed[0].1 = folded_title(titles, fold);
                }
                placed.extend((fold..titles.len()).map(|b| (b..b + 1, titles[b].clone())));
                placed
            }
        };
        for (span, title) in placed {
            let mut column = Column::new(&title, entry.width, 0);
            if entry.align == Align::Right {
                column = column.right();
            }
            if entry.grow {
                column = column.flex();
            }
            entries.push((entry, span));
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

/// The table as drawn at this width: the plan that fits, its columns and
/// their widths.
struct Table<'a> {
    app: &'a App,
    theme: Theme,
    plan: Plan,
    laid_out: LaidOut,
    widths: Vec<u16>,
}

impl<'a> Table<'a> {
    fn new(app: &'a App, theme: Theme, width: u16) -> Self {
        let titles = &app.board.bucket_titles;
        let plans = Plan::all(titles.len());
        let fits = |plan: &Plan| {
            let laid_out = layout(titles, plan);
            let need: u16 = laid_out.columns.iter().map(|c| c.width + 1).sum();
            (need <= width.saturating_add(1)).then_some(laid_out)
        };
        let (plan, laid_out) = plans
            .iter()
            .find_map(|p| fits(p).map(|l| (p.clone(), l)))
            .unwrap_or_else(|| {
                let last = plans.last().cloned().unwrap_or(Plan {
                    fold: 1,
                    hidden: Vec::new(),
                });
                let laid_out = layout(titles, &last);
                (last, laid_out)
            });
        let widths = grown(&laid_out.columns, width);
        Table {
            app,
            theme,
            plan,
            laid_out,
            widths,
        }
    }

    fn line(&self, values: &[String]) -> String {
        let all: Vec<usize> = (0..self.laid_out.columns.len()).collect();
        line_of(&self.laid_out.columns, &all, &self.widths, values)
    }

    fn header(&self) -> String {
        let (sorted, reversed) = self.app.sort;
        let mark = if reversed { "▲" } else { "▼" };
        let titles: Vec<String> = self
            .laid_out
            .entries
            .iter()
            .zip(&self.laid_out.columns)
            .zip(&self.widths)
            .map(|(((entry, span), column), &width)| {
                let this = match (entry.sort, sorted) {
                    (Some(s), _) => s == sorted,
                    (None, SortColumn::Bucket(b)) => span.contains(&b),
                    (None, _) => false,
                };
                match this {
                    true if column.title.chars().count() + 2 <= usize::from(width) => {
                        format!("{} {mark}", column.title)
                    }
                    true => format!("{}{mark}", column.title),
                    false => column.title.clone(),
                }
            })
            .collect();
        self.line(&titles)
    }

    fn row(&self, row: &AgingRow) -> String {
        let values: Vec<String> = self
            .laid_out
            .entries
            .iter()
            .map(|(entry, span)| (entry.row)(self.app, row, span.clone()))
            .collect();
        self.line(&values)
    }

    fn total(&self, line: &TotalRow) -> String {
        let values: Vec<String> = self
            .laid_out
            .entries
            .iter()
            .map(|(entry, span)| (entry.total)(self.app, line, span.clone()))
            .collect();
        self.line(&values)
    }

    /// What the narrow screen left out or folded, said once.
    fn marker(&self) -> String {
        let titles = &self.app.board.bucket_titles;
        let mut said = Vec::new();
        if self.plan.fold > 1 {
            let first = titles.first().map_or("", String::as_str);
            let last = titles.get(self.plan.fold - 1).map_or("", String::as_str);
            said.push(format!(
                "{} = {first} to {last}",
                folded_title(titles, self.plan.fold)
            ));
        }
        if !self.plan.hidden.is_empty() {
            said.push(format!("hidden: {}", self.plan.hidden.join(", ")));
        }
        said.join("; ")
    }
}

/// Widths of every column in `width`: the growing ones (name, next
/// action) share what the others leave, the first one the odd cell.
fn grown(columns: &[Column], width: u16) -> Vec<u16> {
    let need: u16 = columns.iter().map(|c| c.width + 1).sum();
    let mut extra = width.saturating_add(1).saturating_sub(need);
    let growing = columns.iter().filter(|c| c.flex).count() as u16;
    let mut left = growing;
    columns
        .iter()
        .map(|c| {
            if !c.flex || left == 0 {
                return c.width;
            }
            let share = extra.div_ceil(left);
            extra -= share;
            left -= 1;
            c.width + share
        })
        .collect()
}

/// Where the rows go in the screen's body, with their header line.
pub(super) fn table_area(app: &App, area: Rect) -> Rect {
    layout_areas(app, area).0
}

/// The rows, totals and chart areas of the body.
fn layout_areas(app: &App, area: Rect) -> (Rect, Rect, Rect) {
    let chart_height = if area.height >= 36 { 10 } else { 0 };
    let currencies = app.view_totals.currencies().count();
    let [table_area, totals_area, chart_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(currencies.clamp(1, 3) as u16 + 1),
        Constraint::Length(chart_height),
    ])
    .areas(area);
    (table_area, totals_area, chart_area)
}

/// Draws the aging screen.
pub(super) fn draw(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let totals = total_rows(&app.view_totals);
    let (table_area, totals_area, chart_area) = layout_areas(app, area);
    let table = Table::new(app, theme, area.width);
    draw_rows(&table, frame, table_area);
    draw_totals(&table, &totals, frame, totals_area);
    if chart_area.height > 0
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
        let said = if app.board.customers == 0 {
            super::EMPTY_LEDGER.iter().map(|l| l.to_string()).collect()
        } else if app.board.rows.is_empty() {
            vec![format!("  nobody owes anything as of {}", app.board.as_of)]
        } else {
            vec!["  no customer matches the filter (esc clears it)".to_string()]
        };
        lines.extend(said.into_iter().map(|l| Line::styled(l, theme.dim())));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_totals(table: &Table<'_>, totals: &[TotalRow], frame: &mut Frame, area: Rect) {
    let (app, theme) = (table.app, table.theme);
    let mut info = format!("{} of {} rows", app.view.len(), app.board.rows.len());
    if !app.filter.is_empty() {
        info.push_str(", totals of the rows shown");
    }
    let marker = table.marker();
    let mut spans = vec![Span::styled(info, theme.dim())];
    if !marker.is_empty() {
        spans.push(Span::styled(format!("  ‹ {marker}"), theme.warn()));
    }
    let mut lines = vec![Line::from(spans)];
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
mod tests;
