//! The bytes of a file on their way to the CSV parser: line endings made
//! plain, the file's own line numbers kept, and every record held to the
//! limits below, so that what a record costs in memory is bounded whatever
//! the file holds.

use std::io::{self, Read};

/// The most bytes one record (a line, or the lines of one quoted field)
/// may hold.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The most bytes one field may hold.
pub const MAX_FIELD_BYTES: usize = 64 << 10;

/// The most fields one record may hold.
pub const MAX_FIELDS: usize = 1024;

/// A record past one of the limits: where, and which limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    /// The file line the record starts on.
    pub line: u64,
    /// The field (0-based) being read when the limit was passed.
    pub column: usize,
    /// What was expected.
    pub limit: &'static str,
}

/// Line endings made plain for the CSV parser, with the file's own line
/// numbers kept: CRLF and a lone CR become LF, and blank lines outside
/// quotes are dropped (the parser would skip them but count them wrong),
/// remembering where, so a record's line can be told in the file's terms.
/// A record past a limit ends the stream with an error, and
/// [`Lines::overflow`] says where.
pub struct Lines<R> {
    pub(super) inner: R,
    quote: u8,
    delimiter: u8,
    pub(super) in_quotes: bool,
    /// At the start of a field, where a quote opens a quoted field.
    at_field_start: bool,
    /// Just after a quote that may close the field or, doubled, be a quote.
    after_quote: bool,
    /// The file line where the open quoted field began.
    pub(super) quote_line: u64,
    /// The file line being read.
    line: u64,
    at_line_start: bool,
    after_cr: bool,
    /// Lines given to the parser so far.
    emitted: u64,
    /// (first parser line, blank lines dropped before it), in order.
    shifts: Vec<(u64, u64)>,
    dropped: u64,
    buffer: Vec<u8>,
    /// The file line the current record starts on.
    record_line: u64,
    /// Bytes of the current record, of its current field, and the fields
    /// before it.
    record_bytes: usize,
    field_bytes: usize,
    column: usize,
    /// Set once a record passed a limit: the stream ends there.
    pub overflow: Option<Overflow>,
}

impl<R: Read> Lines<R> {
    pub fn new(inner: R, quote: u8, delimiter: u8) -> Self {
        Lines {
            inner,
            quote,
            delimiter,
            in_quotes: false,
            at_field_start: true,
            after_quote: false,
            quote_line: 0,
            line: 1,
            at_line_start: true,
            after_cr: false,
            emitted: 0,
            shifts: Vec::new(),
            dropped: 0,
            buffer: vec![0; 1 << 16],
            record_line: 1,
            record_bytes: 0,
            field_bytes: 0,
            column: 0,
            overflow: None,
        }
    }

    /// The file's line number of the parser's line `line` (1-based).
    pub fn original(&self, line: u64) -> u64 {
        let i = self.shifts.partition_point(|(from, _)| *from <= line);
        line + if i == 0 { 0 } else { self.shifts[i - 1].1 }
    }

    /// Counts a run of ordinary bytes (no quote, no line end) into the
    /// current record, field by field, stopping at a field past its limit.
    fn count_run(&mut self, run: &[u8]) {
        self.record_bytes += run.len();
        if self.in_quotes {
            self.field_bytes += run.len();
            return;
        }
        let mut start = 0;
        for end in memchr::memchr_iter(self.delimiter, run) {
            self.field_bytes += end - start;
            if self.field_bytes > MAX_FIELD_BYTES {
                return;
            }
            self.column += 1;
            self.field_bytes = 0;
            start = end + 1;
        }
        self.field_bytes += run.len() - start;
    }

    /// Records a limit passed by the current record, if one was.
    fn check_limits(&mut self) -> bool {
        let limit = if self.column >= MAX_FIELDS {
            "a row of at most 1024 fields"
        } else if self.field_bytes > MAX_FIELD_BYTES {
            "a field of at most 65536 bytes (64 KiB)"
        } else if self.record_bytes > MAX_RECORD_BYTES {
            "a line of at most 1048576 bytes (1 MiB)"
        } else {
            return false;
        };
        self.overflow = Some(Overflow {
            line: self.record_line,
            column: self.column.min(MAX_FIELDS),
            limit,
        });
        true
    }

    /// A record ends: the counts start again on the next line.
    fn end_record(&mut self) {
        self.record_line = self.line;
        self.record_bytes = 0;
        self.field_bytes = 0;
        self.column = 0;
    }
}

fn overflowed() -> io::Error {
    io::Error::other("a record is past the reader's limits")
}

impl<R: Read> Lines<R> {
    /// Copies the run of ordinary bytes `buffer[from..to]` to `out`.
    fn copy_run(&mut self, from: usize, to: usize, out: &mut [u8]) {
        out.copy_from_slice(&self.buffer[from..to]);
        let buffer = std::mem::take(&mut self.buffer);
        self.count_run(&buffer[from..to]);
        self.buffer = buffer;
        self.after_cr = false;
        self.after_quote = false;
        self.at_line_start = false;
        self.at_field_start = !self.in_quotes && self.buffer[to - 1] == self.delimiter;
    }

    /// Takes one line end or quote: the byte to give the parser, if any.
    fn step(&mut self, b: u8) -> Option<u8> {
        if std::mem::take(&mut self.after_cr) && b == b'\n' {
            return None;
        }
        if b == b'\r' || b == b'\n' {
            self.after_cr = b == b'\r';
            self.line += 1;
            if std::mem::take(&mut self.after_quote) {
                self.in_quotes = false;
            }
            if !self.in_quotes && self.at_line_start {
                self.dropped += 1;
                let next = self.emitted + 1;
                match self.shifts.last_mut() {
                    Some(last) if last.0 == next => last.1 = self.dropped,
                    _ => self.shifts.push((next, self.dropped)),
                }
                self.end_record();
                return None;
            }
            self.emitted += 1;
            if self.in_quotes {
                self.record_bytes += 1;
                self.field_bytes += 1;
            } else {
                self.end_record();
            }
            self.at_line_start = !self.in_quotes;
            self.at_field_start = !self.in_quotes;
            return Some(b'\n');
        }
        if b == self.quote {
            if self.in_quotes {
                // Closes the field, unless the next byte doubles it.
                self.in_quotes = false;
                self.after_quote = true;
            } else if std::mem::take(&mut self.after_quote) {
                self.in_quotes = true;
            } else if self.at_field_start {
                self.in_quotes = true;
                self.quote_line = self.line;
            }
        } else {
            self.after_quote = false;
        }
        self.record_bytes += 1;
        self.field_bytes += 1;
        self.at_field_start = !self.in_quotes && b == self.delimiter;
        self.at_line_start = false;
        Some(b)
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.overflow.is_some() {
            return Err(overflowed());
        }
        let want = out.len().min(self.buffer.len());
        loop {
            let n = self.inner.read(&mut self.buffer[..want])?;
            if n == 0 {
                return Ok(0);
            }
            let mut written = 0;
            let mut i = 0;
            while i < n {
                if self.check_limits() {
                    // What came before the record is the parser's still.
                    return if written > 0 {
                        Ok(written)
                    } else {
                        Err(overflowed())
                    };
                }
                // A run of ordinary bytes is copied as it is.
                let special = memchr::memchr3(b'\r', b'\n', self.quote, &self.buffer[i..n])
                    .map_or(n, |k| i + k);
                if special > i {
                    let run = special - i;
                    self.copy_run(i, special, &mut out[written..written + run]);
                    written += run;
                    i = special;
                    continue;
                }
                let b = self.buffer[i];
                i += 1;
                if let Some(byte) = self.step(b) {
                    out[written] = byte;
                    written += 1;
                }
            }
            if self.check_limits() && written == 0 {
                return Err(overflowed());
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
}
