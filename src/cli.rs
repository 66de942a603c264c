//! Command-line definitions. Names here are relied on by scripts: extend
//! freely, rename never.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

pub use crate::ops::input::DateInput;
use crate::output::Format;

mod follow_up;
mod report;
pub use follow_up::{Corrected, Correction, LogArgs, PlanArgs, PromiseArgs, RemoveArgs};
pub use report::{ReportArgs, ReportCommand};

/// A terminal receivables-collection manager.
#[derive(Debug, Parser)]
#[command(name = "dun", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Ledger file [env: DUN_DB] [default: ~/.local/share/dun/dun.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Config file [default: ~/.config/dun/config.toml when present]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "DUN_CONFIG",
        hide_env_values = true
    )]
    pub config: Option<PathBuf>,
    /// The date every decision is made as of [default: today]
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,
    /// What to do; without one, show the ledger's aging.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a demo ledger in a file of its own and show it.
    Demo(DemoArgs),
    /// Create the ledger file (or bring its schema up to date).
    Init,
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Customers.
    #[command(subcommand)]
    Customer(Box<CustomerCommand>),
    /// Invoices and credit notes.
    #[command(subcommand)]
    Invoice(InvoiceCommand),
    /// Payments received.
    #[command(subcommand)]
    Payment(PaymentCommand),
    /// Import invoices or payments from an accounting or bank export.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Open balances per customer by age bucket, largest first.
    Aging(ListArgs),
    /// The day's worklist: one item per customer and action, largest overdue balance first.
    Agenda(ListArgs),
    /// Collections insight: DSO, CEI, payers, what changed, the cash forecast.
    #[command(subcommand)]
    Report(ReportCommand),
    /// One customer's invoices, stages, measures, promises, plan and history.
    Status {
        /// Customer code.
        code: String,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// Why an invoice stands where it does: the full trace.
    Why {
        /// Invoice number.
        number: String,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// Log a follow-up: a call, email, letter, note, word with the sales rep,
    /// visit; or list the log, or remove an entry logged by mistake.
    Log(Corrected<LogArgs>),
    /// Record a promise to pay an amount by a date; or list promises, or
    /// remove one recorded by mistake.
    Promise(Corrected<PromiseArgs>),
    /// Record a payment plan of instalments.
    Plan(PlanArgs),
    /// Render a reminder letter for a customer (the stage due, or --stage).
    Letter {
        /// Customer code.
        code: String,
        /// pre_due, overdue, stop_supply, cash_only, letter or sales_rep.
        #[arg(long)]
        stage: Option<String>,
        /// Where it goes.
        #[command(flatten)]
        file: OutFile,
    },
    /// Render a customer's statement of account.
    Statement {
        /// Customer code.
        code: String,
        /// HTML instead of plain text.
        #[arg(long)]
        html: bool,
        /// Where it goes.
        #[command(flatten)]
        file: OutFile,
    },
    /// Send every email the agenda asks for today, logging each one sent.
    Send {
        /// Write the messages as .eml files to --to-dir instead of sending.
        #[arg(long)]
        dry_run: bool,
        /// Folder for the .eml files of --dry-run.
        #[arg(long, value_name = "DIR")]
        to_dir: Option<PathBuf>,
        /// Replace .eml files of the same names already in the folder.
        #[arg(long)]
        force: bool,
    },
    /// Put a customer on hold by hand.
    Hold {
        /// Customer code.
        code: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Release a customer's hold, and lift cash only by hand if it is in force.
    Release {
        /// Customer code.
        code: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Copy the ledger to FILE with SQLite's online backup.
    Backup {
        /// The new file (must not exist).
        file: PathBuf,
    },
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
}

/// Options of `dun demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of invoices to generate.
    #[arg(long, default_value_t = 600)]
    pub invoices: u32,
    /// Seed: the same seed and as-of date give the same ledger.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Do not open the dashboard; print the aging instead.
    #[arg(long)]
    pub no_tui: bool,
    /// Write the invoices as a CSV export to FILE instead of a ledger.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `--format` for lists and reports.
#[derive(Debug, Args, Clone, Copy)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `dun config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and say which file was read.
    Check,
}

/// Fields of a customer, shared by `add` and `edit`.
#[derive(Debug, Args, Default)]
pub struct CustomerFields {
    /// Email address for reminders.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Language of letters: en, it, es, fr or ro.
    #[arg(long)]
    pub language: Option<String>,
    /// Billing (accounts payable) contact's name.
    #[arg(long)]
    pub billing_contact: Option<String>,
    /// Billing contact's email.
    #[arg(long)]
    pub billing_email: Option<String>,
    /// Billing contact's phone.
    #[arg(long)]
    pub billing_phone: Option<String>,
    /// Senior contact (owner, CFO) for later stages.
    #[arg(long)]
    pub senior_contact: Option<String>,
    /// Senior contact's email.
    #[arg(long)]
    pub senior_email: Option<String>,
    /// Senior contact's phone.
    #[arg(long)]
    pub senior_phone: Option<String>,
    /// Our sales rep for this customer.
    #[arg(long)]
    pub sales_rep: Option<String>,
    /// Sales rep's email.
    #[arg(long)]
    pub sales_rep_email: Option<String>,
    /// Payment terms in days.
    #[arg(long, value_name = "DAYS")]
    pub terms: Option<u32>,
    /// Early-payment discount as PERCENT/DAYS, e.g. 2/10.
    #[arg(long, value_name = "PERCENT/DAYS")]
    pub discount: Option<String>,
    /// Credit limit, in the configured currency unless --currency is given.
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub credit_limit: Option<String>,
    /// Currency of the credit limit.
    #[arg(long)]
    pub currency: Option<String>,
    /// Dunning policy profile, e.g. slow_payer.
    #[arg(long, value_name = "PROFILE")]
    pub policy: Option<String>,
    /// Free notes.
    #[arg(long)]
    pub notes: Option<String>,
}

/// `dun customer …`
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Add a customer.
    Add {
        /// Customer code (unique).
        code: String,
        /// Company name.
        #[arg(long)]
        name: String,
        /// The rest of the customer's fields.
        #[command(flatten)]
        fields: CustomerFields,
    },
    /// List customers with their balances.
    List(ListArgs),
    /// One customer: details, balances and open invoices.
    Show {
        /// Customer code.
        code: String,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// Change a customer's fields (an empty value clears one).
    Edit {
        /// Customer code.
        code: String,
        /// New company name.
        #[arg(long)]
        name: Option<String>,
        /// Fields to change.
        #[command(flatten)]
        fields: CustomerFields,
    },
}

/// `dun invoice …`
#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Add an invoice or credit note.
    Add(InvoiceAddArgs),
    /// List invoices and credit notes.
    List {
        /// Only this customer's.
        #[arg(long, value_name = "CODE")]
        customer: Option<String>,
        /// Only open ones.
        #[arg(long)]
        open: bool,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// One invoice with its payments.
    Show {
        /// Invoice number.
        number: String,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// The customer contests an invoice: it leaves the ladder until resolved.
    Dispute {
        /// Invoice number.
        number: String,
        /// What the customer contests.
        #[arg(long)]
        reason: String,
    },
    /// Resolve an invoice's dispute: it goes back on the ladder.
    Resolve {
        /// Invoice number.
        number: String,
        /// How it was resolved.
        #[arg(long)]
        note: Option<String>,
    },
    /// Write off what is still owed on an invoice.
    WriteOff {
        /// Invoice number.
        number: String,
        /// Why, for the follow-up log.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// Options of `dun invoice add`.
#[derive(Debug, Args)]
pub struct InvoiceAddArgs {
    /// Invoice number, kept exactly as typed.
    pub number: String,
    /// Customer code.
    #[arg(long, value_name = "CODE")]
    pub customer: String,
    /// Issue date (a DATE is YYYY-MM-DD, or today, tomorrow, +3, 2w, fri or 15: read from --as-of).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub issued: DateInput,
    /// Due date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub due: DateInput,
    /// Gross amount, in the configured locale's style.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Currency [default: the configured currency].
    #[arg(long)]
    pub currency: Option<String>,
    /// This is a credit note: its amount is credited to the customer.
    #[arg(long)]
    pub credit_note: bool,
}

/// `dun import …`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Invoices and credit notes from an accounting export (Xero, QuickBooks, Stripe, any CSV).
    Invoices(ImportArgs),
    /// Payments received, from a bank export; unmatched ones wait for `dun payment allocate`.
    Payments(ImportArgs),
    /// Every import so far, newest first.
    History {
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
}

/// Options of `dun import invoices|payments`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export (CSV, any common delimiter and encoding).
    pub file: PathBuf,
    /// The file's layout: generic, xero, quickbooks, stripe, freshbooks, zoho,
    /// invoicely, invoice2go, invoiceninja, odoo, smartbill, erpnext, or one from the
    /// config [default: an invoice file's layout recognised from its header,
    /// else generic].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Check everything and say what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows of a file with bad ones, and list the bad ones.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Output format of the summary.
    #[command(flatten)]
    pub list: ListArgs,
}

/// `dun payment …`
#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Record a payment; it is applied to the named invoice, else oldest due first.
    Add(PaymentAddArgs),
    /// List payments.
    List {
        /// Only this customer's.
        #[arg(long, value_name = "CODE")]
        customer: Option<String>,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// Remove a payment recorded by mistake: the invoices it paid are open
    /// again, and the history keeps a note of it.
    Remove(RemoveArgs),
    /// Imported bank lines waiting to be allocated: list them, or record one
    /// as a customer's payment (--customer, --invoice or both).
    Allocate {
        /// The waiting line's id; without it, list them.
        id: Option<i64>,
        /// The customer who paid [default: the invoice's].
        #[arg(long, value_name = "CODE", requires = "id")]
        customer: Option<String>,
        /// The invoice it pays first; repeated, the invoices it pays, each
        /// in full in turn.
        #[arg(long, value_name = "NUMBER", requires = "id")]
        invoice: Vec<String>,
        /// Output format of the list.
        #[command(flatten)]
        list: ListArgs,
    },
}

/// Options of `dun payment add`.
#[derive(Debug, Args)]
pub struct PaymentAddArgs {
    /// Customer code.
    #[arg(long, value_name = "CODE")]
    pub customer: String,
    /// Amount received.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Value date (a DATE is YYYY-MM-DD, or today, tomorrow, +3, 2w, fri or 15: read from --as-of).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: DateInput,
    /// The invoice the payer named.
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Option<String>,
    /// Bank reference.
    #[arg(long)]
    pub reference: Option<String>,
    /// Transfer, card, cash…
    #[arg(long)]
    pub method: Option<String>,
    /// Currency [default: the configured currency].
    #[arg(long)]
    pub currency: Option<String>,
}

/// Parses a date flag as the write path reads dates, so flags and forms
/// agree: `YYYY-MM-DD` or a shortcut, resolved against `--as-of` by the
/// command (see [`DateInput`]).
pub fn parse_date(text: &str) -> Result<DateInput, String> {
    text.parse()
}

/// Parses `--as-of`: a `YYYY-MM-DD` date between 1900 and 2999, the date
/// every shortcut is read against.
pub fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    crate::ops::input::exact_date(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_as_of_date_is_strict_iso_and_other_dates_take_shortcuts() {
        assert!(parse_as_of("2026-02-28").is_ok());
        assert!(parse_as_of("fri").is_err());
        for bad in ["2026-02-30", "28/02/2026", "+262142-12-20", "2026-1-5"] {
            assert!(parse_as_of(bad).is_err(), "{bad}");
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let as_of = parse_as_of("2026-11-22").expect("a date");
        let on = |text: &str| parse_date(text).and_then(|d| d.on(as_of));
        assert!(on("0001-01-01").is_err());
        assert_eq!(on("+3"), parse_as_of("2026-11-25"));
    }
}

/// Where a command writes what it renders: a file of its own, or standard
/// output.
#[derive(Debug, Clone, clap::Args)]
pub struct OutFile {
    /// Write it to FILE (created new, readable by you only) instead of
    /// standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it exists (a link is replaced, not followed).
    #[arg(long, requires = "out")]
    pub force: bool,
}
