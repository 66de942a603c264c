//! Reading an export as it comes: any of the usual delimiters, UTF-8 with
//! or without a byte-order mark or a legacy single-byte encoding, CRLF,
//! quoted fields holding delimiters and line breaks. Records stream out one
//! at a time with the line each starts on; nothing here knows what the
//! columns mean.

use std::io::{self, Read};

use csv::{ByteRecord, StringRecord};
use serde::Deserialize;

use super::RowError;

mod lines;

use lines::Lines;
pub use lines::{MAX_FIELD_BYTES, MAX_FIELDS, MAX_RECORD_BYTES};

/// How the bytes of a file map to text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Encoding {
    /// UTF-8 when the file is (it starts with a byte-order mark, or its
    /// first text beyond ASCII is valid UTF-8), else Windows-1252 (which
    /// covers ISO-8859-1's printable characters). A file that turns out to
    /// mix the two is refused at the first value that does not fit.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// UTF-8 only: anything else is an error.
    #[serde(rename = "utf-8", alias = "utf8", alias = "UTF-8")]
    Utf8,
    /// Windows-1252 (Excel's "CSV" on Western Windows).
    #[serde(rename = "windows-1252", alias = "cp1252", alias = "windows1252")]
    Windows1252,
    /// ISO-8859-1 (Latin-1).
    #[serde(
        rename = "iso-8859-1",
        alias = "latin1",
        alias = "latin-1",
        alias = "iso88591"
    )]
    Iso88591,
}

/// The delimiters tried when a profile does not name one.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much of the file is looked at to guess its delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

/// What the file's first bytes tell about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The field delimiter.
    pub delimiter: u8,
    /// True when the profile did not name it and it was guessed.
    pub guessed: bool,
}

/// One record of the file with the line it starts on (1-based).
#[derive(Debug, Clone)]
pub struct Record {
    /// Line of the file where the record starts.
    pub line: u64,
    /// The fields, decoded.
    pub fields: StringRecord,
}

impl Record {
    /// The field at `index`, trimmed; empty when the row is short.
    pub fn get(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", str::trim)
    }

    /// True when every field is empty or blank.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// A streaming reader of records.
pub struct Records<R: Read> {
    csv: csv::Reader<Lines<io::Chain<io::Cursor<Vec<u8>>, R>>>,
    encoding: Encoding,
    record: ByteRecord,
    unclosed_reported: bool,
    /// Set after a read error: the file ends there.
    failed: bool,
    /// Set once a field was read as Windows-1252 under `Encoding::Auto`.
    pub legacy_seen: bool,
    /// Under `Encoding::Auto`, what settled the file's encoding: UTF-8 (a
    /// byte-order mark, or the line with its first UTF-8 text) or
    /// Windows-1252 (the line with its first byte that is not UTF-8).
    settled: Option<Settled>,
    /// Bytes read so far, for progress.
    pub position: u64,
}

/// What settled the encoding of a file read under `Encoding::Auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// A byte-order mark: UTF-8.
    Mark,
    /// UTF-8 text on this line.
    Utf8(u64),
    /// A byte that is not UTF-8 on this line: Windows-1252.
    Legacy(u64),
}

/// Opens `source`: strips a UTF-8 byte-order mark, refuses UTF-16, and
/// settles the delimiter (the given one, or the one that splits the first
/// lines most consistently).
pub fn open<R: Read>(
    mut source: R,
    delimiter: Option<u8>,
    quote: u8,
    encoding: Encoding,
) -> Result<(Records<R>, Sniffed), RowError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut source)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| RowError::file(format!("cannot read: {e}")))?;
    // A file saved twice by tools that each add a byte-order mark starts
    // with two; the csv reader would drop the second itself, so drop them
    // all here, where quotes and line breaks are tracked.
    let marks = head
        .chunks(3)
        .take_while(|c| *c == [0xEF, 0xBB, 0xBF])
        .count();
    if marks > 0 {
        head.drain(..3 * marks);
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(RowError::file(
            "the file is UTF-16 (\"Unicode text\"); save it as CSV UTF-8 or plain CSV".into(),
        ));
    }
    let sniffed = match delimiter {
        Some(d) => Sniffed {
            delimiter: d,
            guessed: false,
        },
        None => Sniffed {
            delimiter: guess_delimiter(&head, quote),
            guessed: true,
        },
    };
    let csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniffed.delimiter)
        .quote(quote)
        .buffer_capacity(1 << 16)
        .from_reader(Lines::new(
            io::Cursor::new(head).chain(source),
            quote,
            sniffed.delimiter,
        ));
    Ok((
        Records {
            csv,
            encoding,
            record: ByteRecord::new(),
            unclosed_reported: false,
            failed: false,
            legacy_seen: false,
            settled: (marks > 0).then_some(Settled::Mark),
            position: 0,
        },
        sniffed,
    ))
}

impl<R: Read> Records<R> {
    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<Result<Record, RowError>> {
        match self.csv.read_byte_record(&mut self.record) {
            Ok(false) => {
                let lines = self.csv.get_ref();
                if lines.in_quotes && !std::mem::replace(&mut self.unclosed_reported, true) {
                    return Some(Err(RowError::at_line(
                        lines.quote_line,
                        "a quote opened on this line is never closed (a stray \" in a field?)"
                            .into(),
                    )
                    .fatal()));
                }
                None
            }
            Ok(true) => {
                let position = self.record.position();
                let line = self
                    .csv
                    .get_ref()
                    .original(position.map_or(0, csv::Position::line));
                self.position = position.map_or(self.position, csv::Position::byte);
                Some(self.decode(line))
            }
            Err(_) if self.failed => None,
            Err(_) if self.csv.get_ref().overflow.is_some() => {
                self.failed = true;
                let overflow = self.csv.get_ref().overflow?;
                let mut e =
                    RowError::at_line(overflow.line, format!("expected {}", overflow.limit));
                e.column = Some(overflow.column);
                Some(Err(e.fatal()))
            }
            Err(e) => {
                // A read error may repeat forever: it ends the file.
                let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                self.failed = fatal;
                let line = self
                    .csv
                    .get_ref()
                    .original(e.position().map_or(0, csv::Position::line));
                let error = RowError::at_line(line, format!("unreadable CSV: {e}"));
                Some(Err(if fatal { error.fatal() } else { error }))
            }
        }
    }

    /// The underlying reader, past what the parser has buffered.
    pub fn source_mut(&mut self) -> &mut R {
        self.csv.get_mut().inner.get_mut().1
    }

    fn decode(&mut self, line: u64) -> Result<Record, RowError> {
        let record = std::mem::take(&mut self.record);
        let fields = match self.encoding {
            Encoding::Auto => self.decode_auto(record, line)?,
            Encoding::Utf8 => StringRecord::from_byte_record(record).map_err(|e| {
                not_utf8(
                    &e.into_byte_record(),
                    line,
                    "UTF-8 text (the profile says encoding = \"utf-8\")",
                )
            })?,
            _ => legacy(&record, self.encoding),
        };
        Ok(Record { line, fields })
    }

    /// A record of a file whose encoding is read from the data: the first
    /// text beyond ASCII settles it, and a later value in the other
    /// encoding is refused rather than guessed.
    fn decode_auto(&mut self, record: ByteRecord, line: u64) -> Result<StringRecord, RowError> {
        let record = match StringRecord::from_byte_record(record) {
            Ok(fields) => {
                if fields.as_byte_record().as_slice().is_ascii() {
                    return Ok(fields);
                }
                match self.settled {
                    Some(Settled::Legacy(from)) => {
                        let column = fields.iter().position(|f| !f.is_ascii()).unwrap_or(0);
                        let mut e = RowError::at(
                            line,
                            column,
                            fields.get(column).unwrap_or("").to_string(),
                            "",
                        );
                        e.message = format!(
                            "this value is UTF-8, but line {from} is Windows-1252: the file \
                             mixes encodings; save it again in one (CSV UTF-8)"
                        );
                        return Err(e);
                    }
                    None => self.settled = Some(Settled::Utf8(line)),
                    Some(_) => {}
                }
                return Ok(fields);
            }
            Err(e) => e.into_byte_record(),
        };
        let since = match self.settled {
            Some(Settled::Mark) => Some("the file starts with a UTF-8 byte-order mark".into()),
            Some(Settled::Utf8(from)) => Some(format!("line {from} is UTF-8")),
            _ => None,
        };
        if let Some(since) = since {
            return Err(not_utf8(
                &record,
                line,
                &format!("UTF-8 text, as the rest of the file ({since}); the file mixes encodings"),
            ));
        }
        // A field of valid UTF-8 beside one that is not: two encodings.
        if record
            .iter()
            .any(|f| !f.is_ascii() && std::str::from_utf8(f).is_ok())
        {
            return Err(not_utf8(
                &record,
                line,
                "one encoding in a row: this value is not UTF-8 but another one is",
            ));
        }
        self.settled.get_or_insert(Settled::Legacy(line));
        self.legacy_seen = true;
        Ok(legacy(&record, Encoding::Windows1252))
    }
}

/// A refusal of the first field of `record` that is not UTF-8.
fn not_utf8(record: &ByteRecord, line: u64, expected: &str) -> RowError {
    let column = record
        .iter()
        .position(|f| std::str::from_utf8(f).is_err())
        .unwrap_or(0);
    RowError::at(
        line,
        column,
        crate::text::sanitize(&String::from_utf8_lossy(record.get(column).unwrap_or(b"")))
            .into_owned(),
        expected,
    )
}

/// Decodes a record in a single-byte encoding.
fn legacy(record: &ByteRecord, encoding: Encoding) -> StringRecord {
    let mut out = StringRecord::with_capacity(record.as_slice().len() * 2, record.len());
    for field in record {
        let text: String = match encoding {
            Encoding::Iso88591 => field.iter().map(|&b| char::from(b)).collect(),
            _ => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(field)
                .0
                .into_owned(),
        };
        out.push_field(&text);
    }
    out
}

/// The delimiter that splits the first lines into the most rows of the
/// same width (two fields at least); a comma when nothing does.
fn guess_delimiter(head: &[u8], quote: u8) -> u8 {
    let mut best = (0_usize, 0_usize, b',');
    for &candidate in &CANDIDATES {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(candidate)
            .quote(quote)
            .from_reader(head);
        let mut widths: Vec<usize> = Vec::new();
        let mut record = ByteRecord::new();
        while widths.len() < 50 {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    // A record's width is its count of fields, empty ones
                    // at its end included (an empty last column is common);
                    // a record with fewer than two values (a title, a
                    // blank line) says nothing.
                    let filled = record.iter().filter(|f| !f.is_empty()).count();
                    if filled >= 2 {
                        widths.push(record.len());
                    }
                }
                // The sniffed prefix may end mid-record.
                Ok(false) | Err(_) => break,
            }
        }
        let mut counts = std::collections::BTreeMap::<usize, usize>::new();
        for &w in widths.iter().filter(|&&w| w >= 2) {
            *counts.entry(w).or_default() += 1;
        }
        if let Some((&width, &rows)) = counts.iter().max_by_key(|(w, n)| (**n, **w))
            && (rows, width) > (best.0, best.1)
        {
            best = (rows, width, candidate);
        }
    }
    best.2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], encoding: Encoding) -> (Vec<Record>, Sniffed, bool) {
        let (mut records, sniffed) = open(bytes, None, b'"', encoding).unwrap_or_else(|e| {
            unreachable!("open failed: {}", e.message);
        });
        let mut out = Vec::new();
        while let Some(r) = records.next_record() {
            if let Ok(r) = r {
                out.push(r);
            }
        }
        (out, sniffed, records.legacy_seen)
    }

    #[test]
    fn guesses_the_delimiter_from_consistent_widths() {
        let (_, s, _) = read_all(b"a;b;c\n1,5;2;3\n4;5,5;6\n", Encoding::Auto);
        assert_eq!(s.delimiter, b';');
        let (_, s, _) = read_all(b"a\tb\n1\t2\n", Encoding::Auto);
        assert_eq!(s.delimiter, b'\t');
        let (_, s, _) = read_all(b"Report title\n\na,b,c\n1,2,3\n", Encoding::Auto);
        assert_eq!(s.delimiter, b',');
    }

    #[test]
    fn strips_the_bom_and_keeps_lines_of_multiline_fields() {
        let (rows, _, _) = read_all(
            b"\xEF\xBB\xBFnumber,note\r\n1,\"two\r\nlines, quoted\"\r\n2,x\r\n",
            Encoding::Auto,
        );
        assert_eq!(rows[0].get(0), "number");
        assert_eq!(rows[1].get(1), "two\nlines, quoted");
        assert_eq!((rows[1].line, rows[2].line), (2, 4));
        let (rows, _, _) = read_all(b"\n\r\na,b\n\n1,\"x\n\ny\"\r\r\n\n3,4", Encoding::Auto);
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5, 10]);
        assert_eq!(rows[1].get(1), "x\n\ny");
    }

    #[test]
    fn reads_windows_1252_when_the_file_is_and_refuses_a_mix() {
        let (rows, _, legacy) = read_all(b"name,amount\nCaf\xe9 \x80,5\n", Encoding::Auto);
        assert!(legacy);
        assert_eq!(rows[1].get(0), "Café €");
        let (rows, _, legacy) = read_all("a,b\nSocietà,Caf\u{e9}\n".as_bytes(), Encoding::Auto);
        assert_eq!(rows[1].get(0), "Società");
        assert!(!legacy);
        let (rows, _, _) = read_all(b"name\nCaf\xe9\n", Encoding::Iso88591);
        assert_eq!(rows[1].get(0), "Café");
        // UTF-8 and Windows-1252 in one file: the first value that does not
        // fit the encoding settled before it is refused.
        let refusal = |bytes: &'static [u8]| {
            let (mut records, _) = open(bytes, None, b'"', Encoding::Auto)
                .unwrap_or_else(|e| unreachable!("{}", e.message));
            std::iter::from_fn(|| records.next_record())
                .find_map(Result::err)
                .map(|e| (e.line, e.column))
        };
        assert_eq!(
            refusal(b"a,b\nSociet\xc3\xa0,Caf\xe9\n"),
            Some((2, Some(1)))
        );
        assert_eq!(
            refusal(b"a,b\nSociet\xc3\xa0,x\ny,Caf\xe9\n"),
            Some((3, Some(1)))
        );
        assert_eq!(
            refusal(b"a,b\nCaf\xe9,x\ny,Societ\xc3\xa0\n"),
            Some((3, Some(1)))
        );
        assert_eq!(refusal(b"\xEF\xBB\xBFa,b\nCaf\xe9,x\n"), Some((2, Some(0))));
        assert_eq!(refusal(b"a,b\nCaf\xe9,x\ny,\x80\n"), None);
    }

    #[test]
    fn bounds_records_fields_and_columns() {
        let first_error = |bytes: Vec<u8>| {
            let (mut records, _) = open(&bytes[..], Some(b','), b'"', Encoding::Auto)
                .unwrap_or_else(|e| unreachable!("{}", e.message));
            std::iter::from_fn(|| records.next_record())
                .find_map(Result::err)
                .map(|e| (e.line, e.column, e.fatal))
        };
        let field = [b"a,b\nx,".as_slice(), &vec![b'y'; MAX_FIELD_BYTES + 1]].concat();
        assert_eq!(first_error(field), Some((2, Some(1), true)));
        let quoted = [b"a,b\n\n\"".as_slice(), &b"z\n".repeat(MAX_FIELD_BYTES)].concat();
        assert_eq!(first_error(quoted), Some((3, Some(0), true)));
        let wide = [b"a,b\n".as_slice(), &b",".repeat(MAX_FIELDS + 5)].concat();
        assert_eq!(first_error(wide), Some((2, Some(MAX_FIELDS), true)));
        // Twenty fields of 60,000 bytes: more than MAX_RECORD_BYTES.
        let long = [
            b"a,b\n".as_slice(),
            &format!("{},", "w".repeat(60_000)).repeat(20).into_bytes(),
        ]
        .concat();
        assert!(first_error(long).is_some_and(|(line, column, _)| line == 2 && column > Some(10)));
        let fits = [b"a,b\n".as_slice(), &vec![b'y'; MAX_FIELD_BYTES], b"\n"].concat();
        assert_eq!(first_error(fits), None);
    }

    #[test]
    fn refuses_utf16_and_non_utf8_when_told_utf8() {
        assert!(open(&b"\xFF\xFEa\0"[..], None, b'"', Encoding::Auto).is_err());
        let (mut records, _) = open(&b"a,b\nx,\xe9\n"[..], None, b'"', Encoding::Utf8)
            .unwrap_or_else(|e| unreachable!("{}", e.message));
        assert!(records.next_record().is_some_and(|r| r.is_ok()));
        let err = records.next_record().and_then(Result::err);
        assert_eq!(err.map(|e| (e.line, e.column)), Some((2, Some(1))));
    }
}
