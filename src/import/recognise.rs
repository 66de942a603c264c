//! Which known layout a file has, read from its header when no profile is
//! named: each layout lists header names that, all present, say it is that
//! layout (`recognise` in the profiles). Similar layouts cannot be confused:
//! a layout is picked only when every one of its names is there, a layout
//! whose names are all among a more specific match's gives way to it, and
//! two matches neither of which contains the other are refused in favour of
//! the generic reading, with a note.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde::Serialize;

use super::RowError;
use super::layout::fold;
use super::profile::{ProfileSpec, builtins};
use super::read::{self, Encoding};

/// Records looked through for a header.
const HEADER_SEARCH: usize = 30;

/// A layout recognised from a header, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recognised {
    /// The profile's name.
    pub layout: String,
    /// The header names that recognised it, as the file writes them.
    pub columns: Vec<String>,
    /// The header's line.
    pub line: u64,
}

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// One known layout.
    Layout(Recognised),
    /// No known layout: read as generic.
    Unknown,
    /// Several layouts fit equally (their names): read as generic.
    Ambiguous(Vec<String>),
}

/// A layout's recognising names, folded.
struct Candidate {
    name: String,
    names: BTreeSet<String>,
}

/// The layouts that can be recognised: the built-ins and the config's
/// profiles that list `recognise` names (a config profile of a built-in's
/// name replaces it).
fn candidates(configured: &BTreeMap<String, ProfileSpec>) -> Result<Vec<Candidate>, String> {
    let mut specs = builtins()?;
    for (name, spec) in configured {
        specs.insert(name.clone(), spec.clone());
    }
    Ok(specs
        .into_iter()
        .filter(|(_, spec)| !spec.recognise.is_empty())
        .map(|(name, spec)| Candidate {
            name,
            names: spec.recognise.iter().map(fold).collect(),
        })
        .collect())
}

/// Reads the start of `input` and says which layout its header has.
pub fn recognise<R: Read>(
    input: R,
    configured: &BTreeMap<String, ProfileSpec>,
) -> Result<Recognition, RowError> {
    let candidates = candidates(configured).map_err(RowError::file)?;
    let (mut records, _) = read::open(input, None, b'"', Encoding::Auto)?;
    for _ in 0..HEADER_SEARCH {
        let Some(record) = records.next_record() else {
            break;
        };
        let record = record?;
        let names: BTreeSet<String> = record.fields.iter().map(fold).collect();
        let matches = pick(&candidates, &names);
        match matches.as_slice() {
            [] => continue,
            [only] => {
                let columns = record
                    .fields
                    .iter()
                    .filter(|h| only.names.contains(&fold(h)))
                    .map(|h| h.trim().to_string())
                    .collect();
                return Ok(Recognition::Layout(Recognised {
                    layout: only.name.clone(),
                    columns,
                    line: record.line,
                }));
            }
            several => {
                return Ok(Recognition::Ambiguous(
                    several.iter().map(|c| c.name.clone()).collect(),
                ));
            }
        }
    }
    Ok(Recognition::Unknown)
}

/// The layouts whose every name `header` has, less those whose names are
/// all among another match's (the more specific one is meant).
fn pick<'c>(candidates: &'c [Candidate], header: &BTreeSet<String>) -> Vec<&'c Candidate> {
    let fits: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.names.is_subset(header))
        .collect();
    fits.iter()
        .filter(|c| {
            !fits
                .iter()
                .any(|o| o.name != c.name && c.names.is_subset(&o.names) && c.names != o.names)
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(fold).collect()
    }

    fn candidate(name: &str, names: &[&str]) -> Candidate {
        Candidate {
            name: name.into(),
            names: header(names),
        }
    }

    #[test]
    fn the_more_specific_layout_wins_and_equals_are_refused() {
        let all = [
            candidate("wide", &["a", "b", "c"]),
            candidate("narrow", &["a", "b"]),
            candidate("other", &["a", "d"]),
        ];
        let names = |h: &[&str]| -> Vec<String> {
            pick(&all, &header(h))
                .iter()
                .map(|c| c.name.clone())
                .collect()
        };
        assert_eq!(names(&["A", "B", "C", "x"]), ["wide"]);
        assert_eq!(names(&["a", "b"]), ["narrow"]);
        assert_eq!(names(&["a", "b", "d"]), ["narrow", "other"]);
        assert!(names(&["a", "c"]).is_empty());
    }

    #[test]
    fn every_builtin_layout_that_recognises_is_told_apart_from_the_others() {
        let all = candidates(&BTreeMap::new()).unwrap();
        assert!(all.len() >= 10, "{} layouts recognise", all.len());
        for c in &all {
            let matched: Vec<&str> = pick(&all, &c.names)
                .iter()
                .map(|m| m.name.as_str())
                .collect();
            assert_eq!(matched, [c.name.as_str()], "{}'s own names", c.name);
        }
    }
}
