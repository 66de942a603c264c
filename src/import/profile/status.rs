//! What a row's status says: left out (a draft, a voided invoice), settled,
//! still owed, or a status the profile does not know.

use super::{Profile, ProfileSpec};
use crate::import::layout::{Layout, fold};
use crate::import::profile::Field;
use crate::import::read::Record;

/// What a row's status column says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// No status column, or an empty cell.
    Unstated,
    /// Never chased: a draft, a voided or cancelled invoice (the folded
    /// status, for the summary).
    LeftOut(String),
    /// Settled.
    Paid,
    /// Still owed (sent, overdue).
    Open,
    /// Partly paid, still owed.
    Partial,
    /// A status the profile does not list; the statuses it knows.
    Unknown(String),
}

impl Profile {
    /// What a data row's status says about it.
    pub fn status(&self, record: &Record, layout: &Layout) -> Status {
        let Some(status) = layout.value(record, Field::Status) else {
            return Status::Unstated;
        };
        let folded = fold(status);
        if self.skip_status.contains(&folded) {
            Status::LeftOut(left_out_label(folded, layout))
        } else if self.paid_status.contains(&folded) {
            Status::Paid
        } else if self.partial_status.contains(&folded) {
            Status::Partial
        } else if self.open_status.is_empty() || self.open_status.contains(&folded) {
            Status::Open
        } else {
            let mut known = self.skip_status.clone();
            known.extend(self.paid_status.iter().cloned());
            known.extend(self.partial_status.iter().cloned());
            known.extend(self.open_status.iter().cloned());
            Status::Unknown(known.join(", "))
        }
    }
}

/// How the summary names a status that leaves rows out: as written
/// (`draft`, `void`), or, for a flag column holding a number (Sage's
/// `DELETED_FLAG` 1), with the column's name: `deleted flag 1`.
fn left_out_label(folded: String, layout: &Layout) -> String {
    if folded
        .trim_start_matches('-')
        .bytes()
        .all(|b| b.is_ascii_digit())
    {
        format!("{} {folded}", fold(layout.header(Field::Status)))
    } else {
        folded
    }
}

/// The first non-empty list of the chain, folded.
pub(super) fn first_list(
    chain: &[ProfileSpec],
    list: impl Fn(&ProfileSpec) -> &Vec<String>,
) -> Vec<String> {
    chain
        .iter()
        .map(&list)
        .find(|l| !l.is_empty())
        .map(|l| l.iter().map(fold).collect())
        .unwrap_or_default()
}
