//! The columns the aging screen sorts by.

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
    /// The column after this one; buckets go oldest first.
    pub fn next(self, buckets: usize) -> SortColumn {
        match self {
            SortColumn::Total if buckets > 0 => SortColumn::Bucket(buckets - 1),
            SortColumn::Bucket(i) if i > 0 => SortColumn::Bucket(i - 1),
            SortColumn::Total | SortColumn::Bucket(_) => SortColumn::Oldest,
            SortColumn::Oldest => SortColumn::Code,
            SortColumn::Code => SortColumn::Name,
            SortColumn::Name => SortColumn::Currency,
            SortColumn::Currency => SortColumn::Flags,
            SortColumn::Flags => SortColumn::LastContact,
            SortColumn::LastContact => SortColumn::NextAction,
            SortColumn::NextAction => SortColumn::Total,
        }
    }

    /// Name shown in the title bar.
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
}
