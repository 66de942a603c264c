//! A file on its way in: checksummed as it streams, its header found, the
//! style of its amounts and dates settled from the data when the profile
//! leaves them open, and its data rows handed out one at a time.

use std::collections::VecDeque;
use std::io::Read;

use sha2::{Digest, Sha256};

use super::RowError;
use super::layout::Layout;
use super::profile::{Field, Profile};
use super::read::{self, Encoding, Record, Records};
use super::values::{self, DateStyle, DayMonth, MarkEvidence, NumberStyle};

mod journal;

/// Records looked through for the header.
const HEADER_SEARCH: usize = 30;

/// Data rows held back, at most, while the style of amounts and dates is
/// still open.
const SAMPLE_ROWS: usize = 50_000;

/// Data rows after which a sample with nothing ambiguous in it ends.
const CLEAR_AFTER: usize = 1_000;

/// Bytes of data rows held back, at most: the sample ends there too, so
/// that wide rows cost no more than narrow ones.
const SAMPLE_BYTES: usize = 4 << 20;

/// A reader that hashes what passes through it and counts bytes.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    /// Bytes read so far.
    pub bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The settled reading of a file.
pub struct Source<R: Read> {
    records: Records<Hashing<R>>,
    /// Where each field is.
    pub layout: Layout,
    /// How amounts are written.
    pub numbers: NumberStyle,
    /// How dates are written.
    pub dates: DateStyle,
    /// What was read from the data, for the report.
    pub detected: Vec<String>,
    held: VecDeque<Result<Record, RowError>>,
    profile_encoding: Encoding,
    legacy_noted: bool,
}

/// Opens a file for import: finds the header among the first records (or
/// where the profile says), requires `required` (each entry: any one of its
/// fields), and settles the style of the `amounts` and `dates` columns.
pub fn open<R: Read>(
    input: R,
    profile: &Profile,
    fields: &[Field],
    required: &[&[Field]],
    amounts: &[Field],
    dates: &[Field],
) -> Result<Source<R>, RowError> {
    let hashing = Hashing {
        inner: input,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let (mut records, sniffed) =
        read::open(hashing, profile.delimiter, profile.quote, profile.encoding)?;
    let mut detected = Vec::new();
    if sniffed.guessed {
        detected.push(format!("delimiter {}", delimiter_name(sniffed.delimiter)));
    }
    let layout = find_header(&mut records, profile, fields, required)?;
    let mut source = Source {
        records,
        layout,
        numbers: NumberStyle {
            decimal: profile.decimal_mark.unwrap_or('.'),
            thousands: profile.thousands.flatten(),
        },
        dates: profile
            .date_format
            .clone()
            .map_or(DateStyle::Numeric(None), DateStyle::Format),
        detected,
        held: VecDeque::new(),
        profile_encoding: profile.encoding,
        legacy_noted: false,
    };
    if profile.thousands == Some(None) {
        // "none": no separator at all; the decimal mark alone.
        source.numbers.thousands = Some('\u{0}');
    }
    source.settle_style(profile, amounts, dates)?;
    if profile.receivable_journal {
        source.fold_journal(profile);
    }
    Ok(source)
}

fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        d => format!("'{}'", char::from(d)),
    }
}

/// The first record, among the first few (or the one the profile names),
/// whose names map every required field.
fn find_header<R: Read>(
    records: &mut Records<R>,
    profile: &Profile,
    fields: &[Field],
    required: &[&[Field]],
) -> Result<Layout, RowError> {
    let missing = |layout: &Layout| -> Vec<String> {
        required
            .iter()
            .filter(|any| !any.iter().any(|f| layout.has(*f)))
            .filter(|any| !(profile.customer_from_group_rows && any.contains(&Field::Customer)))
            .map(|any| {
                any.iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            })
            .collect()
    };
    let mut best: Option<(usize, u64, Vec<String>)> = None;
    let mut seen = 0_u64;
    while let Some(record) = records.next_record() {
        let record = record?;
        seen += 1;
        if let Some(row) = profile.header_row
            && seen < row
        {
            continue;
        }
        let layout = profile.layout(&record, fields);
        let lacking = missing(&layout);
        if lacking.is_empty() {
            return match layout.ambiguous {
                Some(twice) => Err(ambiguous(&layout, record.line, twice)),
                None => Ok(layout),
            };
        }
        if profile.header_row.is_some() {
            return Err(RowError::at_line(
                record.line,
                format!(
                    "the header row (header_row = {seen}) has no column for {}",
                    lacking.join(", ")
                ),
            ));
        }
        let matched = layout.columns.len();
        if best.as_ref().is_none_or(|(n, _, _)| matched > *n) {
            best = Some((matched, record.line, lacking));
        }
        if seen as usize >= HEADER_SEARCH {
            break;
        }
    }
    Err(match best {
        Some((matched, line, lacking)) if matched > 0 => RowError::at_line(
            line,
            format!(
                "no header row found: the closest (line {line}) has no column for {}; name the \
                 columns in a profile ([import.profiles.NAME.columns]) or pick one with --profile",
                lacking.join(", ")
            ),
        ),
        _ => RowError::file(format!(
            "no header row found in the first {HEADER_SEARCH} rows: expected columns for {}",
            required
                .iter()
                .map(|any| any
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(" or "))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    })
}

/// The refusal of a header with two columns for one field.
/// It names the later of the two columns.
fn ambiguous(layout: &Layout, line: u64, (field, taken, other): (Field, usize, usize)) -> RowError {
    let header = |i: usize| layout.headers.get(i).cloned().unwrap_or_default();
    let (first, second) = (taken.min(other), taken.max(other));
    let mut e = RowError::at(line, second, header(second), "");
    e.message = format!(
        "columns {} ('{}') and {} ('{}') would both be read as {}; expected one column \
         for it: rename one, or name the one to use in a profile \
         ([import.profiles.NAME.columns])",
        first + 1,
        crate::text::excerpt(&header(first)),
        second + 1,
        crate::text::excerpt(&header(second)),
        field.name()
    );
    e
}

impl<R: Read> Source<R> {
    /// Holds data rows back until every open question of style has an
    /// answer in the data, or the sample ends.
    fn settle_style(
        &mut self,
        profile: &Profile,
        amounts: &[Field],
        dates: &[Field],
    ) -> Result<(), RowError> {
        let need_dates = profile.date_format.is_none();
        let evidence = self.sample_style(profile.decimal_mark, need_dates, amounts, dates);
        match (evidence.mark, &evidence.ambiguous_amount) {
            (Some((m, line)), _) => {
                if profile.decimal_mark.is_none() {
                    self.detected
                        .push(format!("decimal mark '{m}' (line {line})"));
                }
                self.numbers.decimal = m;
            }
            (None, Some(seen)) => {
                return Err(self.unsettled(
                    seen,
                    "cannot tell from the data whether '.' or ',' is the decimal mark \
                     (no amount settles it); set decimal_mark in a profile",
                ));
            }
            (None, None) => {}
        }
        if need_dates {
            match (evidence.order, &evidence.ambiguous_date) {
                (Some((o, line)), _) => {
                    let order = if o == DayMonth::DayFirst {
                        "day first"
                    } else {
                        "month first"
                    };
                    self.detected.push(format!("dates {order} (line {line})"));
                    self.dates = DateStyle::Numeric(Some(o));
                }
                (None, Some(seen)) => {
                    return Err(self.unsettled(
                        seen,
                        "cannot tell from the data whether dates are day/month or \
                         month/day (no date settles it); set date_format in a profile",
                    ));
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    /// Reads rows ahead (held for `next_row`) until they settle the decimal
    /// mark and, when `need_dates`, the order of day and month, or a fair
    /// sample settles nothing ambiguous.
    fn sample_style(
        &mut self,
        known_mark: Option<char>,
        need_dates: bool,
        amounts: &[Field],
        dates: &[Field],
    ) -> Evidence {
        let columns = |fields: &[Field]| -> Vec<usize> {
            fields
                .iter()
                .filter_map(|f| self.layout.columns.get(f).copied())
                .collect()
        };
        let (amount_columns, date_columns) = (columns(amounts), columns(dates));
        let mut evidence = Evidence {
            mark: known_mark.map(|m| (m, 0)),
            ..Evidence::default()
        };
        let mut held_bytes = 0;
        while (evidence.mark.is_none() || (need_dates && evidence.order.is_none()))
            && self.held.len() < SAMPLE_ROWS
            && held_bytes < SAMPLE_BYTES
        {
            // Nothing ambiguous in a fair sample: later rows settle their
            // own values (an ambiguous one then is an error on its line).
            if self.held.len() >= CLEAR_AFTER
                && evidence.ambiguous_amount.is_none()
                && evidence.ambiguous_date.is_none()
            {
                break;
            }
            let Some(record) = self.records.next_record() else {
                break;
            };
            match record {
                Ok(record) => {
                    held_bytes += record.fields.as_byte_record().as_slice().len();
                    evidence.amounts(&record, &amount_columns);
                    if need_dates {
                        evidence.dates(&record, &date_columns);
                    }
                    self.held.push_back(Ok(record));
                }
                // A broken record is reported when its turn comes.
                Err(e) => self.held.push_back(Err(e)),
            }
        }
        evidence
    }

    /// The error for a style the sample could not settle, at the first
    /// value that left it open.
    fn unsettled(&self, (line, column, value): &(u64, usize, String), message: &str) -> RowError {
        let mut e = RowError::at(
            *line,
            *column,
            crate::text::sanitize(value).into_owned(),
            "",
        );
        e.header = self.layout.headers.get(*column).cloned();
        e.message = message.into();
        e
    }

    /// The next data row (header and rows before it excluded).
    pub fn next_row(&mut self) -> Option<Result<Record, RowError>> {
        let next = match self.held.pop_front() {
            Some(r) => Some(r),
            None => self.records.next_record(),
        };
        if !self.legacy_noted && self.records.legacy_seen && self.profile_encoding == Encoding::Auto
        {
            self.legacy_noted = true;
            self.detected
                .push("encoding Windows-1252 (not UTF-8)".into());
        }
        next
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.records.position
    }

    /// Bytes taken from the file so far (all of it after `finish`).
    pub fn bytes_total(&mut self) -> u64 {
        self.records.source_mut().bytes
    }

    /// Reads to the end and returns the file's SHA-256 as hex.
    pub fn finish(&mut self) -> String {
        let hashing = self.records.source_mut();
        let mut sink = vec![0_u8; 1 << 16];
        while matches!(hashing.read(&mut sink), Ok(n) if n > 0) {}
        let digest = std::mem::take(&mut hashing.hasher).finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What the first rows say about the decimal mark and the order of day and
/// month: each settled with the line that settled it, or the first value
/// that could be read either way.
#[derive(Default)]
struct Evidence {
    mark: Option<(char, u64)>,
    order: Option<(DayMonth, u64)>,
    ambiguous_amount: Option<(u64, usize, String)>,
    ambiguous_date: Option<(u64, usize, String)>,
}

impl Evidence {
    fn amounts(&mut self, record: &Record, columns: &[usize]) {
        if self.mark.is_some() {
            return;
        }
        for &c in columns {
            match values::mark_evidence(record.get(c)) {
                MarkEvidence::Decimal(m) => {
                    self.mark = Some((m, record.line));
                    return;
                }
                MarkEvidence::Ambiguous if self.ambiguous_amount.is_none() => {
                    self.ambiguous_amount = Some((record.line, c, record.get(c).to_string()));
                }
                _ => {}
            }
        }
    }

    fn dates(&mut self, record: &Record, columns: &[usize]) {
        if self.order.is_some() {
            return;
        }
        for &c in columns {
            let text = record.get(c);
            if let Some(o) = values::date_evidence(text) {
                self.order = Some((o, record.line));
                return;
            }
            if self.ambiguous_date.is_none() && values::date_is_ambiguous(text) {
                self.ambiguous_date = Some((record.line, c, text.to_string()));
            }
        }
    }
}
