//! dun: a terminal receivables-collection manager.
//!
//! The pure core (`money`, `ledger`, `aging`) knows nothing of SQLite or the
//! terminal; the shell (`store`, `commands`) does the IO around it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aging;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod dunning;
pub mod import;
pub mod ledger;
pub mod money;
pub mod notify;
pub mod output;
pub mod store;
pub mod text;
pub mod tui;
