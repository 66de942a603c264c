//! The follow-up commands' options: `dun log`, `dun promise`, `dun plan`,
//! and the `list` and `remove` every record of them takes.

use clap::{Args, Subcommand};

use super::{DateInput, ListArgs, parse_date};

/// A command that records something (`ARGS`), or lists or removes what
/// was recorded: `dun log ACME --kind call`, `dun log list`, `dun log
/// remove 12`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Corrected<T: Args> {
    /// List or remove instead.
    #[command(subcommand)]
    pub correct: Option<Correction>,
    /// What to record.
    #[command(flatten)]
    pub record: Option<T>,
}

/// `dun log list|remove`, `dun promise list|remove`.
#[derive(Debug, Subcommand)]
pub enum Correction {
    /// List what was recorded, with the ids `remove` takes.
    List {
        /// Only this customer's.
        #[arg(long, value_name = "CODE")]
        customer: Option<String>,
        /// Output format.
        #[command(flatten)]
        list: ListArgs,
    },
    /// Remove an entry recorded by mistake; the history keeps a note of it.
    Remove(RemoveArgs),
}

/// Options of every `remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The id, as `list` shows it.
    pub id: i64,
    /// Why, for the history.
    #[arg(long)]
    pub reason: Option<String>,
}

/// Options of `dun log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Customer code.
    pub code: String,
    /// email, call, letter, note, sales_rep, visit or agency.
    #[arg(long)]
    pub kind: String,
    /// An invoice it concerned (repeat for several; none means the whole account).
    #[arg(long = "invoice", value_name = "NUMBER")]
    pub invoices: Vec<String>,
    /// The ladder stage it performed [default: the due stage its kind performs].
    #[arg(long)]
    pub stage: Option<String>,
    /// What came of it.
    #[arg(long)]
    pub outcome: Option<String>,
    /// Free note.
    #[arg(long)]
    pub note: Option<String>,
    /// When to follow up next (a DATE is YYYY-MM-DD, or today, tomorrow, +3, 2w, fri or 15: read from --as-of).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub next: Option<DateInput>,
    /// When it happened (a DATE is YYYY-MM-DD, or today, tomorrow, +3, 2w, fri or 15: read from --as-of) [default: the as-of date].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<DateInput>,
}

/// Options of `dun promise`.
#[derive(Debug, Args)]
pub struct PromiseArgs {
    /// Customer code.
    pub code: String,
    /// The date the customer promised to pay by (a DATE is YYYY-MM-DD, or today, tomorrow, +3, 2w, fri or 15: read from --as-of).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: DateInput,
    /// The amount promised.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Currency [default: the configured currency].
    #[arg(long)]
    pub currency: Option<String>,
    /// An invoice it covers (repeat for several; none means all open ones).
    #[arg(long = "invoice", value_name = "NUMBER")]
    pub invoices: Vec<String>,
    /// Free note.
    #[arg(long)]
    pub note: Option<String>,
}

/// Options of `dun plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Customer code.
    pub code: String,
    /// An instalment as DATE:AMOUNT, e.g. 2026-12-15:500 or 2w:500 (repeat for each).
    #[arg(long = "instalment", value_name = "DATE:AMOUNT", required = true)]
    pub instalments: Vec<String>,
    /// Currency [default: the configured currency].
    #[arg(long)]
    pub currency: Option<String>,
    /// An invoice it covers (repeat for several; none means all open ones).
    #[arg(long = "invoice", value_name = "NUMBER")]
    pub invoices: Vec<String>,
    /// Free note.
    #[arg(long)]
    pub note: Option<String>,
}
