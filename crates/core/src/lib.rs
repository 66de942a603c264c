//! dun's pure core: money, the ledger's arithmetic, aging and the dunning
//! engine.
//!
//! Everything here is a function of plain values and an as-of date. The
//! crate depends on chrono, rust_decimal, serde and thiserror only: it reads
//! no file, no clock, no environment and no database, so the rules it holds
//! are tested with plain values and every front end shares them.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aging;
pub mod dunning;
pub mod insight;
pub mod ledger;
pub mod money;
