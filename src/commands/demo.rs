//! `dun demo`: build the demo ledger (or its CSV export) and show it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::{Session, project_dirs, report};
use crate::cli::DemoArgs;
use crate::demo::{DemoAccount, DemoOptions, generate};
use crate::store::{NewActivity, NewPlan, NewPromise, Store, StoreError};
use dun_core::dunning::{ActivityKind, OpenInvoice};
use dun_core::ledger::DocumentKind;
use dun_core::money::Currency;
use dun_core::money::plain_amount;
use rust_decimal::Decimal;

/// The demo ledger's own file, apart from the real ledger.
pub(super) fn default_path() -> Result<PathBuf> {
    project_dirs()
        .map(|d| d.data_dir().join("demo.db"))
        .context("no home folder to keep the demo ledger in; pass --db PATH")
}

pub(super) fn run(session: &Session, args: &DemoArgs, out: &mut dyn Write) -> Result<()> {
    let options = DemoOptions {
        invoices: args.invoices,
        seed: args.seed,
        as_of: session.as_of,
    };
    if let Some(csv) = &args.csv {
        return write_csv(&options, csv, out);
    }
    let started = Instant::now();
    replace_demo_file(&session.db)?;
    let mut store = session.open()?;
    // Marked before anything else, so an interrupted build is still
    // recognised as a demo ledger and replaced next time.
    store.mark_demo()?;
    eprintln!(
        "building a demo ledger: {} invoices, {} customers, as of {}…",
        options.invoices,
        options.customers(),
        options.as_of
    );
    let policy = session.policy();
    store.bulk(|writer| {
        generate(&options, policy.ladder(None), |account| {
            let id = writer.customer(&account.customer)?;
            if id != account.customer.id {
                return Err(StoreError::Refused(format!(
                    "the demo ledger {} was not empty",
                    session.db.display()
                )));
            }
            for doc in &account.documents {
                let offer = match doc.kind {
                    DocumentKind::Invoice => {
                        account
                            .customer
                            .discount_for(doc.amount, doc.currency, doc.issue_date)
                    }
                    DocumentKind::CreditNote => None,
                };
                writer.document(doc, offer)?;
            }
            for payment in &account.payments {
                writer.payment(payment)?;
            }
            for (allocation, on) in &account.allocations {
                let currency = account
                    .documents
                    .iter()
                    .find(|d| d.id == allocation.invoice_id)
                    .map(|d| d.currency)
                    .unwrap_or(session.config.config.currency);
                writer.allocation(allocation, *on, currency)?;
            }
            for (activity, outcome) in &account.activities {
                writer.activity(account.customer.id, activity, *outcome)?;
            }
            Ok(())
        })
    })?;
    showcase(&mut store, session)?;
    let recorded = store.sync_measures(&policy, options.as_of)?;
    eprintln!("recorded {recorded} measure starts");
    eprintln!(
        "built {} in {:.1}s",
        store.path().display(),
        started.elapsed().as_secs_f64()
    );
    if args.no_tui {
        return report::print_summary(session, &store, out);
    }
    drop(store);
    super::dashboard::run(session, out)
}

/// A pending promise, a broken one, a dispute, a payment plan, a hold and a
/// follow-up date, each on a different customer with overdue invoices.
fn showcase(store: &mut Store, session: &Session) -> Result<()> {
    let as_of = session.as_of;
    let days = |n: i64| {
        as_of
            .checked_add_signed(chrono::TimeDelta::days(n))
            .unwrap_or(as_of)
    };
    let mut next_role = 0;
    for customer_id in 5..=40 {
        let Some(account) = store.accounts(as_of, Some(customer_id))?.pop() else {
            continue;
        };
        let overdue: Vec<&OpenInvoice> = account
            .invoices
            .iter()
            .filter(|i| i.due_date < days(-20) && i.currency == Currency::EUR)
            .collect();
        if overdue.is_empty() {
            continue;
        }
        let total: Decimal = overdue.iter().map(|i| i.open).sum();
        let ids: Vec<i64> = overdue.iter().map(|i| i.id).collect();
        let promise = |made: i64, promised: i64| NewPromise {
            customer_id,
            made_on: days(made),
            promised_on: days(promised),
            amount: total,
            currency: Currency::EUR,
            note: None,
            invoices: ids.clone(),
        };
        match next_role {
            0 => {
                store.add_promise(&promise(-2, 5))?;
            }
            1 => {
                store.add_promise(&promise(-12, -3))?;
            }
            2 => store.open_dispute(
                &overdue[0].number,
                days(-9),
                "goods damaged in transit; credit note requested",
            )?,
            3 => {
                let third = (total / Decimal::from(3)).round_dp(2);
                store.add_plan(&NewPlan {
                    customer_id,
                    created_on: days(-3),
                    currency: Currency::EUR,
                    instalments: vec![
                        (days(7), third),
                        (days(37), third),
                        (days(67), total - third - third),
                    ],
                    invoices: ids.clone(),
                    note: Some("agreed with the owner by phone".into()),
                })?;
            }
            4 => store.hold(
                customer_id,
                days(-20),
                "awaiting a signed personal guarantee",
            )?,
            5 => {
                store.log_activity(&NewActivity {
                    customer_id,
                    occurred_on: days(-4),
                    kind: ActivityKind::Call,
                    stage: None,
                    outcome: Some("CFO on holiday until Friday".into()),
                    note: None,
                    next_on: Some(days(-1)),
                    invoices: Vec::new(),
                })?;
            }
            _ => break,
        }
        next_role += 1;
    }
    Ok(())
}

/// Removes an earlier demo ledger; refuses to touch any other file.
fn replace_demo_file(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let is_demo = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false)
        || Store::is_demo_file(path).unwrap_or(false);
    if !is_demo {
        bail!(
            "{} exists and is not a demo ledger; dun demo only replaces its own files",
            path.display()
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot remove {}", Path::new(&name).display()));
            }
        }
    }
    Ok(())
}

/// Writes the demo's invoices as a flat CSV export.
fn write_csv(options: &DemoOptions, path: &Path, out: &mut dyn Write) -> Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    writer.write_record([
        "number",
        "customer",
        "customer_name",
        "email",
        "type",
        "issue_date",
        "due_date",
        "amount",
        "currency",
        "open_balance",
    ])?;
    let mut rows = 0_u64;
    generate(options, &[], |account: DemoAccount| -> Result<()> {
        let c = &account.customer;
        for d in &account.documents {
            writer.write_record([
                d.number.as_str(),
                c.code.as_str(),
                c.name.as_str(),
                c.email.as_deref().unwrap_or(""),
                if d.kind == DocumentKind::CreditNote {
                    "credit_note"
                } else {
                    "invoice"
                },
                &d.issue_date.to_string(),
                &d.due_date.to_string(),
                &plain_amount(d.amount, d.currency),
                d.currency.as_str(),
                &plain_amount(d.open, d.currency),
            ])?;
            rows += 1;
        }
        Ok(())
    })?;
    writer.flush()?;
    writeln!(out, "wrote {rows} rows to {}", path.display())?;
    Ok(())
}
