//! `dun report …`: the collections insight reports.

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::{ListArgs, parse_as_of};

/// `dun report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Days sales outstanding per month for the last 12 months (count-back).
    Dso(ReportArgs),
    /// Collection effectiveness index per month for the last 12 months.
    Cei(ReportArgs),
    /// Per customer: days to pay, days beyond terms, class, trend, profile.
    Payers(ReportArgs),
    /// What changed on each account since a date.
    Changes {
        /// The earlier date, before --as-of.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        since: NaiveDate,
        /// Customer and format.
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Expected cash in, week by week, for the next 13 weeks.
    Forecast {
        /// List the invoices behind each week.
        #[arg(long)]
        explain: bool,
        /// Forecast as of 13 weeks before --as-of and compare it with what came in.
        #[arg(long, conflicts_with = "explain")]
        backtest: bool,
        /// Customer and format.
        #[command(flatten)]
        report: ReportArgs,
    },
}

/// Options every report takes.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this customer's.
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Output format.
    #[command(flatten)]
    pub list: ListArgs,
}
