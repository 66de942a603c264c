//! A chain of profile specs (the profile, then what it extends, down to
//! `generic`) merged into one profile: the first to set a value wins, header
//! names accumulate in order, and every value is checked once here.

use std::collections::BTreeMap;

use super::status::first_list;
use super::{Field, MAX_TERMS_DAYS, Profile, ProfileSpec, TypeNames};
use crate::import::layout::fold;

/// The first value a spec of the chain sets.
fn first<T>(chain: &[ProfileSpec], get: impl Fn(&ProfileSpec) -> Option<T>) -> Option<T> {
    chain.iter().find_map(get)
}

/// The delimiter and quote, checked against each other.
fn delimiter_and_quote(name: &str, chain: &[ProfileSpec]) -> Result<(Option<u8>, u8), String> {
    let delimiter = match first(chain, |s| s.delimiter.clone()).as_deref() {
        None => None,
        Some("tab" | "\\t" | "\t") => Some(b'\t'),
        Some(d) if d.len() == 1 && !matches!(d, "\"" | "\n" | "\r") => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(format!(
                "import profile '{name}': delimiter '{d}' must be one character (\",\", \";\", \"|\") or \"tab\""
            ));
        }
    };
    let quote = first(chain, |s| s.quote).unwrap_or('"');
    let quote = u8::try_from(u32::from(quote))
        .ok()
        .filter(u8::is_ascii)
        .ok_or_else(|| format!("import profile '{name}': the quote must be an ASCII character"))?;
    if delimiter == Some(quote) || matches!(quote, b'\n' | b'\r') {
        return Err(format!(
            "import profile '{name}': the quote must be a character other than the delimiter and line breaks"
        ));
    }
    Ok((delimiter, quote))
}

/// The decimal mark and thousands separator, checked against each other.
#[allow(clippy::type_complexity)]
fn number_style(
    name: &str,
    chain: &[ProfileSpec],
) -> Result<(Option<char>, Option<Option<char>>), String> {
    let decimal_mark = first(chain, |s| s.decimal_mark);
    if decimal_mark.is_some_and(|c| c != '.' && c != ',') {
        return Err(format!(
            "import profile '{name}': decimal_mark must be \".\" or \",\""
        ));
    }
    let thousands = match first(chain, |s| s.thousands_separator.clone()).as_deref() {
        None => None,
        Some("none" | "") => Some(None),
        Some(t) if t.chars().count() == 1 => t.chars().next().map(Some),
        Some(t) => {
            return Err(format!(
                "import profile '{name}': thousands_separator '{t}' must be one character or \"none\""
            ));
        }
    };
    if thousands.flatten().is_some() && thousands.flatten() == decimal_mark {
        return Err(format!(
            "import profile '{name}': the thousands separator and the decimal mark are the same"
        ));
    }
    Ok((decimal_mark, thousands))
}

/// The date format, when set: it must write a date that it reads back.
fn date_format(name: &str, chain: &[ProfileSpec]) -> Result<Option<String>, String> {
    let format = first(chain, |s| s.date_format.clone());
    if let Some(f) = &format {
        use std::fmt::Write as _;
        let mut probe = String::new();
        let written = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
            .is_some_and(|d| write!(probe, "{}", d.format(f)).is_ok());
        if !written || chrono::NaiveDate::parse_from_str(&probe, f).is_err() {
            return Err(format!(
                "import profile '{name}': date_format '{f}' does not read back a date (use e.g. \"%d/%m/%Y\")"
            ));
        }
    }
    Ok(format)
}

/// Header names per field and type names, accumulated along the chain.
fn names(chain: &[ProfileSpec]) -> (BTreeMap<Field, Vec<String>>, TypeNames) {
    let mut columns: BTreeMap<Field, Vec<String>> = BTreeMap::new();
    let mut types = TypeNames::default();
    for spec in chain {
        for (field, names) in &spec.columns {
            columns
                .entry(*field)
                .or_default()
                .extend(names.iter().map(fold));
        }
        for (into, from) in [
            (&mut types.invoice, &spec.types.invoice),
            (&mut types.credit_note, &spec.types.credit_note),
            (&mut types.payment, &spec.types.payment),
            (&mut types.skip, &spec.types.skip),
        ] {
            into.extend(from.iter().map(fold));
        }
    }
    (columns, types)
}

impl Profile {
    /// Merges specs, the first winning; header names accumulate in order.
    pub(super) fn merge(name: &str, chain: &[ProfileSpec]) -> Result<Profile, String> {
        let (delimiter, quote) = delimiter_and_quote(name, chain)?;
        let (decimal_mark, thousands) = number_style(name, chain)?;
        let payment_terms_days = first(chain, |s| s.payment_terms_days);
        if payment_terms_days.is_some_and(|d| d > MAX_TERMS_DAYS) {
            return Err(format!(
                "import profile '{name}': payment_terms_days expected at most {MAX_TERMS_DAYS}"
            ));
        }
        let date_format = date_format(name, chain)?;
        let (columns, types) = names(chain);
        let flag = |get: fn(&ProfileSpec) -> Option<bool>| first(chain, get).unwrap_or(false);
        Ok(Profile {
            name: name.to_string(),
            delimiter,
            quote,
            encoding: first(chain, |s| s.encoding).unwrap_or_default(),
            decimal_mark,
            thousands,
            date_format,
            header_row: first(chain, |s| s.header_row),
            skip_prefixes: first_list(chain, |s| &s.skip_prefixes),
            skip_cells: first_list(chain, |s| &s.skip_cells),
            skip_single_cell_rows: flag(|s| s.skip_single_cell_rows),
            skip_status: first_list(chain, |s| &s.skip_status),
            customer_from_group_rows: flag(|s| s.customer_from_group_rows),
            paid_status: first_list(chain, |s| &s.paid_status),
            open_status: first_list(chain, |s| &s.open_status),
            partial_status: first_list(chain, |s| &s.partial_status),
            sum_lines: flag(|s| s.sum_lines),
            receivable_journal: flag(|s| s.receivable_journal),
            recognise: chain
                .first()
                .map(|s| s.recognise.iter().map(fold).collect())
                .unwrap_or_default(),
            columns,
            types,
            payment_terms_days,
        })
    }
}
