//! The dunning engine alone, on demo ledgers of 10k, 100k and 1M invoices:
//! no database, no terminal. Shows that evaluation time grows linearly.
//!
//! Run: `cargo bench --bench engine` (add `-- quick` to skip the 1M size).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use dun::demo::{DemoOptions, generate};
use dun_core::dunning::{Account, Explain, Policy, evaluate_with};

fn accounts(invoices: u32, policy: &Policy, as_of: NaiveDate) -> Vec<Account> {
    let options = DemoOptions {
        invoices,
        seed: 1,
        as_of,
    };
    let mut accounts = Vec::new();
    let _ = generate::<()>(&options, policy.ladder(None), |a| {
        accounts.push(a.to_engine_account());
        Ok(())
    });
    accounts
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let policy = Policy::standard();
    println!(
        "{:>10} {:>10} {:>12} {:>12} {:>14} {:>12}",
        "invoices", "open", "agenda(ms)", "full(ms)", "ns/open inv", "items"
    );
    let sizes: &[u32] = if quick {
        &[10_000, 100_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    for &size in sizes {
        let accounts = accounts(size, &policy, as_of);
        let open: usize = accounts.iter().map(|a| a.invoices.len()).sum();
        let runs = if size >= 1_000_000 { 5 } else { 11 };
        let mut items = 0;
        let time = |explain: Explain, items: &mut usize| {
            median(
                (0..runs)
                    .map(|_| {
                        let start = Instant::now();
                        let result = evaluate_with(&accounts, &policy, as_of, explain);
                        let elapsed = start.elapsed();
                        *items = result.agenda.len();
                        elapsed
                    })
                    .collect(),
            )
        };
        let agenda = time(Explain::DueOnly, &mut items);
        let full = time(Explain::All, &mut items);
        println!(
            "{:>10} {:>10} {:>12.1} {:>12.1} {:>14.0} {:>12}",
            size,
            open,
            agenda.as_secs_f64() * 1e3,
            full.as_secs_f64() * 1e3,
            agenda.as_nanos() as f64 / open.max(1) as f64,
            items
        );
    }
}
