//! The integration tests, one module per area, in one test binary: each
//! binary links the whole crate and its dependencies, and one process lets
//! the tests share the ledgers `common` builds once.

mod common;

mod architecture;
mod cli_config;
mod cli_dunning;
mod cli_errors;
mod cli_files;
mod cli_import;
mod cli_import_errors;
mod cli_ledger;
mod cli_send;
mod corrections;
mod engine_rules;
mod import_properties;
mod import_rules;
mod money_rules;
mod notify_golden;
mod send_rules;
mod store_properties;
mod tui_e2e;
mod tui_live;
mod tui_screens;
mod wording;
mod write_path;
