//! Where each of dun's fields sits in a file, and the folding that header
//! names and values are compared under.

use std::collections::BTreeMap;

use super::profile::Field;
use super::read::Record;

/// Where each field sits in a file.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Field → column index.
    pub columns: BTreeMap<Field, usize>,
    /// The same, by the field's number: read for every cell.
    slots: [Option<usize>; Field::COUNT],
    /// The header names as written.
    pub headers: Vec<String>,
    /// The header's line.
    pub header_line: u64,
    /// A field two columns of the same name (once folded) would both give:
    /// (field, the column taken, the other one). A file with one is refused
    /// rather than read one way.
    pub ambiguous: Option<(Field, usize, usize)>,
}

impl Layout {
    /// The layout of a header record whose columns were mapped to fields.
    pub fn new(columns: BTreeMap<Field, usize>, header: &Record) -> Layout {
        let mut slots = [None; Field::COUNT];
        for (field, column) in &columns {
            slots[*field as usize] = Some(*column);
        }
        Layout {
            columns,
            slots,
            headers: header.fields.iter().map(|h| h.trim().to_string()).collect(),
            header_line: header.line,
            ambiguous: None,
        }
    }

    /// The field's trimmed value in a record; `None` when the file has no
    /// such column or the cell is empty.
    pub fn value<'r>(&self, record: &'r Record, field: Field) -> Option<&'r str> {
        self.slots[field as usize]
            .map(|i| record.get(i))
            .filter(|v| !v.is_empty())
    }

    /// True when the file has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        self.slots[field as usize].is_some()
    }

    /// The header of `field`'s column, for messages.
    pub fn header(&self, field: Field) -> String {
        self.columns
            .get(&field)
            .and_then(|&i| self.headers.get(i))
            .cloned()
            .unwrap_or_else(|| field.name().to_string())
    }
}

/// Folds a header or a value for comparison: lower case, common accents
/// removed, every run of other characters one space.
pub fn fold(text: impl AsRef<str>) -> String {
    let mut out = String::with_capacity(text.as_ref().len());
    let mut gap = false;
    for c in text.as_ref().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ă' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ș' | 'ş' | 'š' | 'ś' => 's',
            'ț' | 'ţ' => 't',
            'ý' | 'ÿ' => 'y',
            'ž' | 'ź' | 'ż' => 'z',
            c => c,
        };
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}
