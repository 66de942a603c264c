//! Reports printed as an aligned table, CSV or JSON from one description.
//!
//! Table and CSV cells pass through [`crate::text::sanitize`], so data never
//! writes control characters to the terminal; JSON escapes them itself.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use crate::text::sanitize;
use dun_core::money::{Currency, Locale, plain_amount};

/// Output format of lists and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for reading.
    #[default]
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// An array of objects with snake_case keys.
    Json,
}

/// One value in a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text.
    Text(String),
    /// An exact amount, shown with the currency's decimals.
    Amount(Decimal, Currency),
    /// A whole number.
    Int(i64),
    /// A date, ISO in every format.
    Date(NaiveDate),
    /// Several short values (JSON array; `;`-joined elsewhere).
    List(Items),
    /// Nothing (JSON null).
    Empty,
}

impl Cell {
    /// Text from an optional string.
    pub fn opt_text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_string()))
    }

    fn right_aligned(&self) -> bool {
        matches!(self, Cell::Amount(..) | Cell::Int(_))
    }

    fn human(&self, locale: Locale) -> String {
        match self {
            Cell::Text(t) => sanitize(t).into_owned(),
            Cell::Amount(a, c) => locale.format_amount(*a, c.minor_digits()),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::List(items) => sanitize(&items.join(", ")).into_owned(),
            Cell::Empty => String::new(),
        }
    }

    /// The width of [`Cell::human`], without making the text where it
    /// can be measured as it is (text with nothing to escape, a date).
    fn human_width(&self, locale: Locale) -> usize {
        match self {
            Cell::Text(t) => sanitize(t).width(),
            Cell::Empty => 0,
            Cell::Date(d) if (0..=9999).contains(&d.year()) => 10,
            _ => self.human(locale).width(),
        }
    }

    /// The cell in a CSV file: text that a spreadsheet would take for a
    /// formula is written with a leading `'`; amounts and numbers, which
    /// dun computed, stay numbers.
    fn plain(&self) -> String {
        match self {
            Cell::Text(t) => inert(t),
            Cell::Amount(a, c) => plain_amount(*a, *c),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::List(items) => inert(&items.join(";")),
            Cell::Empty => String::new(),
        }
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Text(t) => Value::String(t.clone()),
            Cell::Amount(a, c) => Value::String(plain_amount(*a, *c)),
            Cell::Int(n) => Value::from(*n),
            Cell::Date(d) => Value::String(d.format("%Y-%m-%d").to_string()),
            Cell::List(items) => Value::Array(items.iter().map(Value::from).collect()),
            Cell::Empty => Value::Null,
        }
    }
}

/// Several short values held in one string: a long report's lists (an
/// agenda's invoice numbers, a million on a large ledger) would otherwise
/// cost an allocation each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    text: String,
    /// Where each value ends in `text` (a list of short values, never
    /// near 4 GiB: four bytes a value, not eight).
    ends: Vec<u32>,
}

impl Items {
    /// The values, in a string and a list sized for them exactly: for
    /// lists held by the thousand (an agenda's invoice numbers), where a
    /// string grown by doubling would carry half as much again unused.
    pub fn exact<'a>(values: impl Iterator<Item = &'a str> + Clone) -> Items {
        let (bytes, count) = values
            .clone()
            .fold((0, 0), |(bytes, count), v| (bytes + v.len(), count + 1));
        let mut items = Items {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        };
        for value in values {
            items.push(value);
        }
        items
    }

    /// Adds a value at the end.
    pub fn push(&mut self, item: &str) {
        self.text.push_str(item);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The values, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, end)| {
            self.text
                .get(start as usize..*end as usize)
                .unwrap_or_default()
        })
    }

    /// The values joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        let mut joined = String::with_capacity(self.text.len() + separator.len() * self.ends.len());
        for (n, item) in self.iter().enumerate() {
            if n > 0 {
                joined.push_str(separator);
            }
            joined.push_str(item);
        }
        joined
    }
}

impl<S: AsRef<str>> FromIterator<S> for Items {
    fn from_iter<T: IntoIterator<Item = S>>(values: T) -> Self {
        let mut items = Items::default();
        for value in values {
            items.push(value.as_ref());
        }
        items
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl From<Vec<String>> for Items {
    fn from(values: Vec<String>) -> Self {
        values.into_iter().collect()
    }
}

/// A column: its JSON/CSV key and its table title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// snake_case key for JSON and the CSV header.
    pub key: String,
    /// Title in the table header.
    pub title: String,
}

/// A report: columns, rows, and an optional totals row shown in tables.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// A totals row for tables only.
    pub footer: Vec<Vec<Cell>>,
}

impl Report {
    /// A report with these `(key, title)` columns.
    pub fn new<K: Into<String>, T: Into<String>>(
        columns: impl IntoIterator<Item = (K, T)>,
    ) -> Self {
        Report {
            columns: columns
                .into_iter()
                .map(|(key, title)| Column {
                    key: key.into(),
                    title: title.into(),
                })
                .collect(),
            rows: Vec::new(),
            footer: Vec::new(),
        }
    }

    /// Writes the report in a format.
    pub fn write(&self, format: Format, locale: Locale, out: &mut dyn Write) -> io::Result<()> {
        self.write_made(|| self.rows.iter(), format, locale, out)
    }

    /// Writes the report with the rows `rows` makes in place of its own,
    /// for a list too long to hold as cells: `rows` is called once per
    /// pass (a table measures its widths first, so twice; once otherwise)
    /// and must make the same rows each time.
    pub fn write_made<I, R>(
        &self,
        rows: impl Fn() -> I,
        format: Format,
        locale: Locale,
        out: &mut dyn Write,
    ) -> io::Result<()>
    where
        I: Iterator<Item = R>,
        R: AsRef<[Cell]>,
    {
        match format {
            Format::Table => self.write_table(rows, locale, out),
            Format::Csv => self.write_csv(rows(), out),
            Format::Json => self.write_json(rows(), out),
        }
    }

    fn write_table<I, R>(
        &self,
        rows: impl Fn() -> I,
        locale: Locale,
        out: &mut dyn Write,
    ) -> io::Result<()>
    where
        I: Iterator<Item = R>,
        R: AsRef<[Cell]>,
    {
        let render =
            |row: &[Cell]| -> Vec<String> { row.iter().map(|c| c.human(locale)).collect() };
        // Measured, then rendered to write, rather than kept: a large
        // report's text would double what it holds. A column
        // is right-aligned when its first value is an amount or a number.
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.title.width()).collect();
        let mut right: Vec<Option<bool>> = vec![None; self.columns.len()];
        let mut measure = |row: &[Cell]| {
            for ((w, align), cell) in widths.iter_mut().zip(right.iter_mut()).zip(row) {
                *w = (*w).max(cell.human_width(locale));
                if align.is_none() && *cell != Cell::Empty {
                    *align = Some(cell.right_aligned());
                }
            }
        };
        for row in rows() {
            measure(row.as_ref());
        }
        for row in &self.footer {
            measure(row);
        }
        let right: Vec<bool> = right.into_iter().map(|r| r.unwrap_or(false)).collect();
        let titles: Vec<String> = self.columns.iter().map(|c| c.title.clone()).collect();
        write_line(out, &titles, &widths, &right)?;
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        write_line(out, &rule, &widths, &right)?;
        for row in rows() {
            write_line(out, &render(row.as_ref()), &widths, &right)?;
        }
        if !self.footer.is_empty() {
            write_line(out, &rule, &widths, &right)?;
            for row in &self.footer {
                write_line(out, &render(row), &widths, &right)?;
            }
        }
        Ok(())
    }

    fn write_csv<R: AsRef<[Cell]>>(
        &self,
        rows: impl Iterator<Item = R>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(self.columns.iter().map(|c| c.key.as_str()))?;
        for row in rows {
            writer.write_record(row.as_ref().iter().map(Cell::plain))?;
        }
        writer.flush()
    }

    fn write_json<R: AsRef<[Cell]>>(
        &self,
        rows: impl Iterator<Item = R>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut empty = true;
        out.write_all(b"[")?;
        for row in rows {
            out.write_all(if empty { b"\n  {" } else { b",\n  {" })?;
            empty = false;
            for (i, (column, cell)) in self.columns.iter().zip(row.as_ref()).enumerate() {
                if i > 0 {
                    out.write_all(b", ")?;
                }
                serde_json::to_writer(&mut *out, &column.key)?;
                out.write_all(b": ")?;
                write_json_value(out, &cell.json())?;
            }
            out.write_all(b"}")?;
        }
        out.write_all(if empty { b"]\n" } else { b"\n]\n" })
    }
}

/// Text as a CSV cell no spreadsheet evaluates (OWASP's rule): one that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`; control characters are escaped as everywhere.
fn inert(text: &str) -> String {
    let safe = sanitize(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{safe}")
    } else {
        safe.into_owned()
    }
}

/// Writes a value as JSON as it is serialised, with every character
/// [`crate::text::is_unsafe`] finds escaped as `\uXXXX`, so JSON on a
/// terminal is as safe as a table. Nothing is built in memory first: a
/// report of a hundred thousand lines goes out a field at a time.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut json = serde_json::Serializer::with_formatter(out, Inert);
    value.serialize(&mut json).map_err(io::Error::from)
}

/// [`write_json`] of a JSON value.
pub fn write_json_value(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    write_json(out, value)
}

/// serde_json's compact output, with the characters it leaves as they are
/// but a terminal would act on (bidirectional overrides, DEL, C1 controls)
/// escaped too.
struct Inert;

impl serde_json::ser::Formatter for Inert {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if crate::text::is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[from..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                from = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[from..])
    }
}

fn write_line(
    out: &mut dyn Write,
    cells: &[String],
    widths: &[usize],
    right: &[bool],
) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let pad = width.saturating_sub(cell.width());
        let last = i + 1 == cells.len();
        if right.get(i).copied().unwrap_or(false) {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(cell);
        } else {
            line.push_str(cell);
            if !last {
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
    writeln!(out, "{}", line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_measured_as_wide_as_it_is_shown() {
        let eur: Currency = "EUR".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let cells = [
            Cell::Text("C00042".into()),
            Cell::Text("Caffè Ñandú 北京".into()),
            Cell::Text("bell\u{7}and\u{1b}[31mred".into()),
            Cell::Text(String::new()),
            Cell::Empty,
            Cell::Date(day),
            Cell::Amount(Decimal::new(-123456789, 2), eur),
            Cell::Int(-42),
            Cell::List(["A", "B\u{7}"].into_iter().collect()),
        ];
        for locale in [Locale::En, Locale::It, Locale::Fr] {
            for cell in &cells {
                assert_eq!(
                    cell.human_width(locale),
                    cell.human(locale).width(),
                    "{cell:?}"
                );
            }
        }
        // Escaped, the control characters widen the text.
        assert_eq!(
            cells[2].human_width(Locale::En),
            "bell\\x07and\\x1b[31mred".len()
        );
    }

    #[test]
    fn a_list_gives_back_its_values_in_order_empty_ones_too() {
        let items: Items = ["OI-1", "", "A;B, C"].into_iter().collect();
        assert_eq!(items.iter().collect::<Vec<_>>(), ["OI-1", "", "A;B, C"]);
        assert_eq!(items.join(", "), "OI-1, , A;B, C");
        assert_eq!(Items::default().join(";"), "");
        assert_eq!(
            Cell::List(items).json(),
            serde_json::json!(["OI-1", "", "A;B, C"])
        );
    }

    #[test]
    fn a_list_sized_exactly_holds_what_a_collected_one_does() {
        let values = ["OI-1", "", "Ä-2", "A;B, C"];
        let exact = Items::exact(values.iter().copied());
        let collected: Items = values.iter().collect();
        assert_eq!(exact, collected);
        assert_eq!(exact.iter().collect::<Vec<_>>(), values);
        assert_eq!(exact.join("|"), "OI-1||Ä-2|A;B, C");
        assert_eq!(Items::exact(std::iter::empty()).join(";"), "");
    }

    fn sample() -> Report {
        let mut report = Report::new([("customer", "Customer"), ("open_balance", "Open")]);
        report.rows.push(vec![
            Cell::Text("Evil\u{1b}[31m".into()),
            Cell::Amount(Decimal::new(123456, 2), Currency::EUR),
        ]);
        report.rows.push(vec![
            Cell::Text("B".into()),
            Cell::Amount(Decimal::new(5, 1), Currency::EUR),
        ]);
        report
    }

    fn render(format: Format, locale: Locale) -> String {
        let mut out = Vec::new();
        sample().write(format, locale, &mut out).expect("in memory");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn table_aligns_amounts_right_in_the_locale_style() {
        let table = render(Format::Table, Locale::It);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "Customer          Open");
        assert_eq!(lines[2], "Evil\\x1b[31m  1.234,56");
        assert_eq!(lines[3], "B                 0,50");
    }

    #[test]
    fn csv_and_json_use_plain_amounts_and_no_raw_escapes() {
        let csv = render(Format::Csv, Locale::It);
        assert_eq!(
            csv,
            "customer,open_balance\nEvil\\x1b[31m,1234.56\nB,0.50\n"
        );
        let mut formulas = Report::new([("a", "A"), ("b", "B"), ("c", "C")]);
        formulas.rows.push(vec![
            Cell::Text("=1+2".into()),
            Cell::List(vec!["@SUM(A1)".to_string(), "x".into()].into()),
            Cell::Amount(Decimal::new(-5, 0), Currency::EUR),
        ]);
        formulas.rows.push(vec![
            Cell::Text("\tx".into()),
            Cell::Text("a=b".into()),
            Cell::Int(-3),
        ]);
        let mut out = Vec::new();
        formulas
            .write(Format::Csv, Locale::En, &mut out)
            .expect("in memory");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "a,b,c\n'=1+2,'@SUM(A1);x,-5.00\n'\\x09x,a=b,-3\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(Format::Json, Locale::Fr)).expect("valid json");
        assert_eq!(json[0]["open_balance"], "1234.56");
        assert_eq!(json[0]["customer"], "Evil\u{1b}[31m");
        assert!(!render(Format::Json, Locale::En).contains('\u{1b}'));
        let mut out = Vec::new();
        write_json_value(&mut out, &serde_json::json!("a\u{202e}b")).expect("in memory");
        assert_eq!(String::from_utf8(out).expect("utf-8"), "\"a\\u202eb\"");
    }
}
