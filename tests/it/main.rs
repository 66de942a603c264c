//! The integration tests, one module per area, in one test binary: each
//! binary links the whole crate and its dependencies, and one process lets
//! the tests share the ledgers `common` builds once.

mod common;

mod architecture;
mod as_of;
mod as_of_properties;
mod cli_config;
mod cli_dates;
mod cli_dunning;
mod cli_errors;
mod cli_files;
mod cli_import;
mod cli_import_errors;
mod cli_ledger;
mod cli_send;
mod concurrency;
mod corrections;
mod csv_layouts;
mod csv_layouts_more;
mod csv_layouts_recognition;
mod einvoice;
mod einvoice_csv;
mod einvoice_instalments;
mod engine_rules;
mod hostile_input;
mod import_again;
mod import_properties;
mod import_rules;
mod insight;
mod ledger_file;
mod matching;
mod matching_camt;
mod matching_tui;
mod money_rules;
mod notify_golden;
mod output_files;
mod send_rules;
mod statements;
mod statements_csv;
mod statements_input;
mod store_properties;
mod tui_e2e;
mod tui_forms;
mod tui_live;
mod tui_screens;
mod tui_screens2;
mod wording;
mod write_path;
