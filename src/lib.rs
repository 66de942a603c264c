//! dun: a terminal receivables-collection manager.
//!
//! This crate is the imperative shell around the pure core, `dun_core`
//! (money, the ledger's arithmetic, aging, the dunning engine): SQLite, files,
//! mail and the terminal. `ARCHITECTURE.md` at the root is the map.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod import;
pub mod notify;
pub mod ops;
pub mod output;
pub mod store;
pub mod text;
pub mod tui;
