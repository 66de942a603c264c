//! The columns the aging screen sorts by, the order they put rows in, and
//! the sort menu's keys.

use std::cmp::Ordering;

use super::model::AgingRow;

/// Columns the aging screen sorts by: every column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// Open balance (the default), largest first.
    Total,
    /// One aging bucket, largest first.
    Bucket(usize),
    /// Oldest bucket with money in it, then total.
    Oldest,
    /// Customer code.
    Code,
    /// Customer name.
    Name,
    /// Currency.
    Currency,
    /// Most flags (measures) first.
    Flags,
    /// Last contact, oldest first.
    LastContact,
    /// Next action, grouped.
    NextAction,
}

impl SortColumn {
    /// Every column in the sort menu's order: the buckets (keys 1, 2…)
    /// youngest first, then the others.
    pub fn menu(buckets: usize) -> Vec<SortColumn> {
        let mut columns = vec![SortColumn::Total];
        columns.extend((0..buckets.min(9)).map(SortColumn::Bucket));
        columns.extend([
            SortColumn::Oldest,
            SortColumn::Code,
            SortColumn::Name,
            SortColumn::Currency,
            SortColumn::Flags,
            SortColumn::LastContact,
            SortColumn::NextAction,
        ]);
        columns
    }

    /// The key that picks this column in the sort menu.
    pub fn key(self) -> char {
        match self {
            SortColumn::Total => 't',
            SortColumn::Bucket(i) => char::from_digit(i as u32 + 1, 10).unwrap_or('?'),
            SortColumn::Oldest => 'o',
            SortColumn::Code => 'c',
            SortColumn::Name => 'n',
            SortColumn::Currency => 'u',
            SortColumn::Flags => 'f',
            SortColumn::LastContact => 'l',
            SortColumn::NextAction => 'a',
        }
    }

    /// The column the sort menu's key `c` picks.
    pub fn for_key(c: char, buckets: usize) -> Option<SortColumn> {
        SortColumn::menu(buckets).into_iter().find(|s| s.key() == c)
    }

    /// Name shown in the title bar and the menu.
    pub fn label(self, bucket_titles: &[String]) -> String {
        match self {
            SortColumn::Total => "total".into(),
            SortColumn::Bucket(i) => bucket_titles.get(i).cloned().unwrap_or_default(),
            SortColumn::Oldest => "oldest debt".into(),
            SortColumn::Code => "code".into(),
            SortColumn::Name => "name".into(),
            SortColumn::Currency => "currency".into(),
            SortColumn::Flags => "flags".into(),
            SortColumn::LastContact => "last contact".into(),
            SortColumn::NextAction => "next action".into(),
        }
    }

    /// The order it sorts in before being reversed, for the menu.
    pub fn order(self) -> &'static str {
        match self {
            SortColumn::Total | SortColumn::Bucket(_) => "largest first",
            SortColumn::Oldest => "oldest debt first",
            SortColumn::Code | SortColumn::Name | SortColumn::Currency => "A to Z",
            SortColumn::NextAction => "grouped",
            SortColumn::Flags => "most first",
            SortColumn::LastContact => "longest ago first",
        }
    }
}

/// Where the board's row `a` goes against row `b` on the aging screen
/// sorted by `column` (`reversed` turns it round): the column's order, and
/// rows it does not tell apart in board order (largest total first). A
/// total order, so the view can be sorted once and kept sorted as rows
/// change.
pub fn view_order(
    rows: &[AgingRow],
    (column, reversed): (SortColumn, bool),
    a: usize,
    b: usize,
) -> Ordering {
    let (x, y) = (&rows[a], &rows[b]);
    let by = match column {
        SortColumn::Total => Ordering::Equal,
        SortColumn::Oldest => y
            .oldest
            .cmp(&x.oldest)
            .then(y.report.total.cmp(&x.report.total)),
        SortColumn::Code => x.code.cmp(&y.code),
        SortColumn::Name => name_key(x).cmp(name_key(y)),
        SortColumn::LastContact => x.last_contact.cmp(&y.last_contact),
        SortColumn::Bucket(i) => {
            let amount = |r: &AgingRow| r.report.buckets.get(i).copied().unwrap_or_default();
            amount(y).cmp(&amount(x))
        }
        SortColumn::Currency => x.report.currency.cmp(&y.report.currency),
        SortColumn::Flags => y.badges.len().cmp(&x.badges.len()),
        SortColumn::NextAction => x.next_action.cmp(&y.next_action),
    }
    .then(a.cmp(&b));
    if reversed { by.reverse() } else { by }
}

/// The folded name a row sorts by (the second part of its search key).
fn name_key(row: &AgingRow) -> &str {
    row.search.split('\u{0}').nth(1).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::SortColumn;

    #[test]
    fn every_menu_key_is_distinct_and_finds_its_column() {
        let menu = SortColumn::menu(5);
        let mut keys: Vec<char> = menu.iter().map(|c| c.key()).collect();
        for column in &menu {
            assert_eq!(SortColumn::for_key(column.key(), 5), Some(*column));
        }
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), menu.len());
        assert_eq!(SortColumn::for_key('2', 5), Some(SortColumn::Bucket(1)));
        assert_eq!(SortColumn::for_key('6', 5), None);
    }
}
