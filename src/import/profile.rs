//! Profiles: how a file's layout maps to dun's fields. The built-in ones
//! are data (`profiles.toml`); a config file adds or extends them under
//! `[import.profiles.NAME]` with the same keys.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::layout::{Layout, fold};
use super::read::{Encoding, Record};

/// A field of dun's that a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Invoice or credit note number.
    Number,
    /// The customer's code in dun (or the exporting system's id).
    CustomerCode,
    /// A customer column that may hold a code or a name.
    Customer,
    /// The customer's name.
    CustomerName,
    /// The customer's billing email.
    Email,
    /// Issue date.
    IssueDate,
    /// Due date.
    DueDate,
    /// Gross amount (or, for payments, the amount received).
    Amount,
    /// Currency code.
    Currency,
    /// What is still owed.
    Open,
    /// What was paid.
    Paid,
    /// Invoice, credit note or payment.
    Type,
    /// Draft, voided, paid…
    Status,
    /// A payment's value date.
    PaidOn,
    /// Payment reference or description.
    Reference,
    /// Who paid.
    Counterparty,
    /// Money in, when in and out are separate columns.
    Credit,
    /// Money out, when in and out are separate columns.
    Debit,
    /// When the customer relationship began ("customer since").
    CustomerSince,
    /// The invoice a payment names, in a column of its own.
    Invoice,
    /// Whether a bank line is money in or out, when a column of its own
    /// says (`D`/`C`, `Af`/`Bij`, `Soll`/`Haben`, `S`/`H`).
    Sign,
    /// The payer's IBAN or account number.
    PayerIban,
}

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = 22;

    /// The name used in config files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::CustomerCode => "customer_code",
            Field::Customer => "customer",
            Field::CustomerName => "customer_name",
            Field::Email => "email",
            Field::IssueDate => "issue_date",
            Field::DueDate => "due_date",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Open => "open",
            Field::Paid => "paid",
            Field::Type => "type",
            Field::Status => "status",
            Field::PaidOn => "paid_on",
            Field::Reference => "reference",
            Field::Counterparty => "counterparty",
            Field::Credit => "credit",
            Field::Debit => "debit",
            Field::CustomerSince => "customer_since",
            Field::Invoice => "invoice",
            Field::Sign => "sign",
            Field::PayerIban => "payer_iban",
        }
    }
}

/// Fields an invoice file may carry, in the order columns are claimed.
pub const INVOICE_FIELDS: &[Field] = &[
    Field::Number,
    Field::CustomerCode,
    Field::CustomerName,
    Field::Customer,
    Field::Email,
    Field::CustomerSince,
    Field::IssueDate,
    Field::DueDate,
    Field::Amount,
    Field::Currency,
    Field::Open,
    Field::Paid,
    Field::Type,
    Field::Status,
];

/// Fields a payment file may carry.
pub const PAYMENT_FIELDS: &[Field] = &[
    Field::PaidOn,
    Field::Amount,
    Field::Credit,
    Field::Debit,
    Field::Currency,
    Field::Invoice,
    Field::CustomerCode,
    Field::PayerIban,
    Field::Counterparty,
    Field::Reference,
    Field::Customer,
    Field::Sign,
    Field::Status,
];

/// Names of the values of a type column.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct TypeNames {
    /// Rows that are invoices.
    pub invoice: Vec<String>,
    /// Rows that are credit notes.
    pub credit_note: Vec<String>,
    /// Rows that are payments received.
    pub payment: Vec<String>,
    /// Rows to leave out.
    pub skip: Vec<String>,
}

/// A profile as written in a config file or `profiles.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSpec {
    /// The built-in profile this one builds on [default: generic]; its
    /// header names are tried after this profile's own.
    pub extends: Option<String>,
    /// Field delimiter: ",", ";", "tab" or "|" [default: read from the file].
    pub delimiter: Option<String>,
    /// Quote character [default: "].
    pub quote: Option<char>,
    /// auto, utf-8, windows-1252 or iso-8859-1 [default: auto].
    pub encoding: Option<Encoding>,
    /// "." or "," [default: read from the data].
    pub decimal_mark: Option<char>,
    /// ",", ".", " ", "'" or "none" [default: any but the decimal mark].
    pub thousands_separator: Option<String>,
    /// A chrono format such as "%d/%m/%Y" [default: read from the data].
    pub date_format: Option<String>,
    /// The header is this record (1 = the first) [default: the first
    /// record, among the first 30, whose names match the fields].
    pub header_row: Option<u64>,
    /// Rows whose first non-empty cell starts with one of these are left out.
    pub skip_prefixes: Vec<String>,
    /// Rows whose first non-empty cell is one of these are left out.
    pub skip_cells: Vec<String>,
    /// Rows with a single non-empty cell (titles, group rows, footers) are
    /// left out.
    pub skip_single_cell_rows: Option<bool>,
    /// Rows whose status is one of these are left out.
    pub skip_status: Vec<String>,
    /// Statuses of settled invoices: nothing open when the file has no
    /// open column.
    pub paid_status: Vec<String>,
    /// Statuses of invoices still owed; when given, a status in none of
    /// these lists is refused rather than guessed at.
    pub open_status: Vec<String>,
    /// Statuses of partly paid invoices (also still owed): a file with no
    /// balance column cannot say how much, so the summary counts them.
    pub partial_status: Vec<String>,
    /// The amount column holds one line's amount: the rows of one invoice
    /// add up to its total.
    pub sum_lines: Option<bool>,
    /// The file is a journal of accounting transactions: only the lines
    /// of the receivable account (type column in `types.invoice`) count,
    /// one invoice per number, its debits invoiced and its credits paid.
    pub receivable_journal: Option<bool>,
    /// Header names that, all present, say a file has this layout (see
    /// `recognise`).
    pub recognise: Vec<String>,
    /// A file without a customer column names the customer in a row of its
    /// own above that customer's rows (QuickBooks' Open Invoices).
    pub customer_from_group_rows: Option<bool>,
    /// Header names per field.
    pub columns: BTreeMap<Field, Vec<String>>,
    /// Names of the values of the type column.
    pub types: TypeNames,
    /// Days from issue to due for a new invoice without a due date whose
    /// customer has no payment terms [default: `[import]
    /// payment_terms_days`; without either, such a file is refused].
    pub payment_terms_days: Option<u32>,
}

/// A profile ready to use: built-ins merged in, names folded.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// Field delimiter, when fixed.
    pub delimiter: Option<u8>,
    /// Quote character.
    pub quote: u8,
    /// Text encoding.
    pub encoding: Encoding,
    /// Decimal mark, when fixed.
    pub decimal_mark: Option<char>,
    /// Thousands separator: `None` any, `Some(None)` none allowed.
    pub thousands: Option<Option<char>>,
    /// Date format, when fixed.
    pub date_format: Option<String>,
    /// Header record, when fixed.
    pub header_row: Option<u64>,
    skip_prefixes: Vec<String>,
    skip_cells: Vec<String>,
    skip_single_cell_rows: bool,
    skip_status: Vec<String>,
    paid_status: Vec<String>,
    open_status: Vec<String>,
    partial_status: Vec<String>,
    /// Rows of one invoice carry line amounts, added up.
    pub sum_lines: bool,
    /// The file is a journal; see [`ProfileSpec::receivable_journal`].
    pub receivable_journal: bool,
    /// Header names (folded) that recognise this layout.
    pub recognise: Vec<String>,
    /// Single-cell rows name the customer of the rows below them.
    pub customer_from_group_rows: bool,
    columns: BTreeMap<Field, Vec<String>>,
    types: TypeNames,
    /// Days from issue to due for an invoice without a due date, when the
    /// profile says.
    pub payment_terms_days: Option<u32>,
}

/// What a row is, by its type column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowType {
    /// An invoice.
    Invoice,
    /// A credit note.
    CreditNote,
    /// A payment received.
    Payment,
    /// To be left out.
    Skip,
}

/// The built-in profiles' specs.
pub fn builtins() -> Result<BTreeMap<String, ProfileSpec>, String> {
    let files = [
        ("profiles.toml", include_str!("profiles.toml")),
        (
            "profiles/invoicing.toml",
            include_str!("profiles/invoicing.toml"),
        ),
        ("profiles/banks.toml", include_str!("profiles/banks.toml")),
    ];
    let mut all = BTreeMap::new();
    for (file, text) in files {
        let specs: BTreeMap<String, ProfileSpec> =
            toml::from_str(text).map_err(|e| format!("built-in import profiles ({file}): {e}"))?;
        for (name, spec) in specs {
            if all.insert(name.clone(), spec).is_some() {
                return Err(format!("built-in import profile '{name}' is defined twice"));
            }
        }
    }
    Ok(all)
}

/// The longest payment terms a profile or the config may give, in days.
pub const MAX_TERMS_DAYS: u32 = 3650;

/// Names of the built-in profiles.
pub const BUILTIN: &[&str] = &[
    "generic",
    "xero",
    "quickbooks",
    "stripe",
    "freshbooks",
    "zoho",
    "invoicely",
    "invoice2go",
    "invoiceninja",
    "odoo",
    "smartbill",
    "erpnext",
    "wave",
    "sage50",
    "sparkasse",
    "deutsche_bank",
    "ing_nl",
    "revolut",
];

impl Profile {
    /// Resolves `name` among the config's profiles and the built-ins.
    pub fn resolve(
        name: &str,
        configured: &BTreeMap<String, ProfileSpec>,
    ) -> Result<Profile, String> {
        let builtins = builtins()?;
        let spec = configured
            .get(name)
            .or_else(|| builtins.get(name))
            .ok_or_else(|| {
                let mut known: Vec<&str> = BUILTIN.to_vec();
                known.extend(configured.keys().map(String::as_str));
                format!("no import profile '{name}'; known: {}", known.join(", "))
            })?;
        let mut chain = vec![spec.clone()];
        let mut seen = vec![name.to_string()];
        let mut next = spec
            .extends
            .clone()
            .or_else(|| (name != "generic").then(|| "generic".into()));
        while let Some(base) = next.take() {
            if seen.contains(&base) {
                return Err(format!(
                    "import profile '{name}' extends itself through '{base}'"
                ));
            }
            let base_spec = configured
                .get(&base)
                .filter(|_| base != name)
                .or_else(|| builtins.get(&base))
                .ok_or_else(|| {
                    format!("import profile '{name}' extends '{base}', which does not exist")
                })?;
            chain.push(base_spec.clone());
            next = base_spec
                .extends
                .clone()
                .or_else(|| (base != "generic").then(|| "generic".into()));
            seen.push(base);
        }
        Self::merge(name, &chain)
    }

    /// Maps a header record's columns to `fields`: each field takes the
    /// unclaimed column whose name matches its earliest header name.
    pub fn layout(&self, header: &Record, fields: &[Field]) -> Layout {
        let names: Vec<String> = header.fields.iter().map(fold).collect();
        let mut claimed = vec![false; names.len()];
        let mut columns = BTreeMap::new();
        for &field in fields {
            let Some(aliases) = self.columns.get(&field) else {
                continue;
            };
            let best = names
                .iter()
                .enumerate()
                .filter(|(i, n)| !claimed[*i] && !n.is_empty())
                .filter_map(|(i, n)| aliases.iter().position(|a| a == n).map(|rank| (rank, i)))
                .min();
            if let Some((_, column)) = best {
                claimed[column] = true;
                columns.insert(field, column);
            }
        }
        // A column left over with the same name as one a field took: the
        // profile's order of names cannot tell which one is meant.
        let ambiguous = columns.iter().find_map(|(field, &chosen)| {
            let other = (0..names.len()).find(|&i| !claimed[i] && names[i] == names[chosen])?;
            Some((*field, chosen, other))
        });
        let mut layout = Layout::new(columns, header);
        layout.ambiguous = ambiguous;
        layout
    }

    /// The text of a group row naming a customer (a single non-empty cell
    /// that is not a total), when this profile reads customers from them.
    pub fn group_name<'r>(&self, record: &'r Record) -> Option<&'r str> {
        if !self.customer_from_group_rows {
            return None;
        }
        let mut cells = record
            .fields
            .iter()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        let only = cells.next()?;
        if cells.next().is_some() || self.is_total(record) {
            return None;
        }
        Some(only)
    }

    /// True for a total row: its first non-empty cell starts with one of
    /// `skip_prefixes` (as whole words) or is one of `skip_cells`.
    pub fn is_total(&self, record: &Record) -> bool {
        if self.skip_prefixes.is_empty() && self.skip_cells.is_empty() {
            return false;
        }
        let first = record
            .fields
            .iter()
            .map(str::trim)
            .find(|f| !f.is_empty())
            .unwrap_or("");
        let folded = fold(first);
        self.skip_cells.contains(&folded)
            || self
                .skip_prefixes
                .iter()
                .any(|p| folded == *p || folded.starts_with(&format!("{p} ")))
    }

    /// True when a row is not data: blank, a title or group row, a total.
    pub fn skips(&self, record: &Record) -> bool {
        if record.is_blank() {
            return true;
        }
        let mut cells = record
            .fields
            .iter()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        cells.next();
        if self.skip_single_cell_rows && cells.next().is_none() {
            return true;
        }
        self.is_total(record)
    }

    /// True when a data row's status says to leave it out (a draft, a
    /// voided invoice).
    pub fn skipped_status(&self, record: &Record, layout: &Layout) -> bool {
        matches!(self.status(record, layout), Status::LeftOut(_))
    }

    /// What a type column value means; `None` when the profile does not
    /// know it.
    pub fn row_type(&self, value: &str) -> Option<RowType> {
        let simple = value.bytes().all(|b| b.is_ascii_lowercase() || b == b' ');
        let v = if simple {
            value.to_string()
        } else {
            fold(value)
        };
        if self.types.skip.contains(&v) {
            Some(RowType::Skip)
        } else if self.types.invoice.contains(&v) {
            Some(RowType::Invoice)
        } else if self.types.credit_note.contains(&v) {
            Some(RowType::CreditNote)
        } else if self.types.payment.contains(&v) {
            Some(RowType::Payment)
        } else {
            None
        }
    }

    /// The type names this profile knows, for error messages.
    pub fn known_types(&self) -> String {
        let mut all: Vec<&str> = Vec::new();
        for names in [
            &self.types.invoice,
            &self.types.credit_note,
            &self.types.payment,
            &self.types.skip,
        ] {
            for name in names {
                if !all.contains(&name.as_str()) {
                    all.push(name);
                }
            }
        }
        all.join(", ")
    }
}

mod merge;
mod status;
pub use status::Status;

#[cfg(test)]
mod tests;
