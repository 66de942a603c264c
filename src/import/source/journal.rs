//! A journal of accounting transactions read as receivables: of all its
//! lines, only those posted to the receivable account (the profile's
//! `types.invoice` in the type column) count; per invoice number, their
//! debits are what was invoiced and their credits what was paid against
//! it. Each invoice becomes one row, on the line of its first debit, with
//! the debits added up in the amount column and the credits in the paid
//! column: `open = debits − credits`, to the cent, nothing guessed.
//!
//! Lines of other accounts (income, tax, the bank side of a payment) are
//! the same money seen from elsewhere and are left out; receivable lines
//! without an invoice number, and payments of invoices the file does not
//! carry, are left out and counted in what was read.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use super::Source;
use crate::import::RowError;
use crate::import::cells::Cells;
use crate::import::profile::{Field, Profile, RowType};
use crate::import::read::Record;
use crate::import::values;

/// One invoice's receivable lines so far.
struct Receivable {
    /// The line of its first debit, once one is seen.
    invoice: Option<Record>,
    debits: Decimal,
    credits: Decimal,
}

impl<R: Read> Source<R> {
    /// Replaces the data rows with one row per invoice, as the module says.
    pub(super) fn fold_journal(&mut self, profile: &Profile) {
        let mut lines = std::mem::take(&mut self.held);
        while let Some(next) = self.records.next_record() {
            lines.push_back(next);
        }
        let mut order: Vec<String> = Vec::new();
        let mut by_number: HashMap<String, Receivable> = HashMap::new();
        let mut out = std::collections::VecDeque::new();
        let (mut unnumbered, mut orphans) = (0_u64, 0_u64);
        for line in lines {
            let record = match line {
                Ok(r) if profile.skips(&r) => continue,
                Ok(r) => r,
                Err(e) => {
                    out.push_back(Err(e));
                    continue;
                }
            };
            let receivable = self
                .layout
                .value(&record, Field::Type)
                .and_then(|t| profile.row_type(t))
                == Some(RowType::Invoice);
            if !receivable {
                continue;
            }
            let Some(number) = self
                .layout
                .value(&record, Field::Number)
                .map(str::to_string)
            else {
                unnumbered += 1;
                continue;
            };
            let (debit, credit) = match self.sides(&record) {
                Ok(sides) => sides,
                Err(e) => {
                    out.push_back(Err(e));
                    continue;
                }
            };
            let entry = by_number.entry(number.clone()).or_insert_with(|| {
                order.push(number);
                Receivable {
                    invoice: None,
                    debits: Decimal::ZERO,
                    credits: Decimal::ZERO,
                }
            });
            entry.debits += debit;
            entry.credits += credit;
            if entry.invoice.is_none() && debit > Decimal::ZERO {
                entry.invoice = Some(record);
            }
        }
        for number in order {
            let Some(mut receivable) = by_number.remove(&number) else {
                continue;
            };
            match receivable.invoice.take() {
                Some(record) => out.push_back(Ok(self.summed(record, &receivable))),
                None => orphans += 1,
            }
        }
        if unnumbered > 0 {
            self.detected.push(format!(
                "{unnumbered} receivable line(s) without an invoice number left out"
            ));
        }
        if orphans > 0 {
            self.detected.push(format!(
                "payments of {orphans} invoice(s) the file does not carry left out"
            ));
        }
        self.held = out;
    }

    /// A receivable line's debit and credit, each zero when blank.
    fn sides(&self, record: &Record) -> Result<(Decimal, Decimal), RowError> {
        let cells = Cells::new(record, self)?;
        let example = if self.numbers.decimal == ',' {
            "an amount like 1.234,56"
        } else {
            "an amount like 1,234.56"
        };
        let side = |field: Field| -> Result<Decimal, RowError> {
            match cells.value(field) {
                None => Ok(Decimal::ZERO),
                Some(v) => values::parse_amount(v, self.numbers)
                    .filter(|d| !d.is_sign_negative())
                    .ok_or_else(|| cells.bad(field, &format!("{example}, not negative"))),
            }
        };
        Ok((side(Field::Amount)?, side(Field::Paid)?))
    }

    /// The invoice's first debit line with its amount and paid cells made
    /// the sums of all its receivable lines, written in the file's style.
    fn summed(&self, record: Record, receivable: &Receivable) -> Record {
        let write = |d: Decimal| {
            let text = d.normalize().to_string();
            if self.numbers.decimal == ',' {
                text.replace('.', ",")
            } else {
                text
            }
        };
        let amount = self.layout.columns.get(&Field::Amount).copied();
        let paid = self.layout.columns.get(&Field::Paid).copied();
        let fields: csv::StringRecord = record
            .fields
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if Some(i) == amount {
                    write(receivable.debits)
                } else if Some(i) == paid {
                    write(receivable.credits)
                } else {
                    cell.to_string()
                }
            })
            .collect();
        Record {
            line: record.line,
            fields,
        }
    }
}
