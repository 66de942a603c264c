//! `dun demo`: build the demo ledger (or its CSV export) and show it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::{Session, project_dirs, report};
use crate::cli::DemoArgs;
use crate::demo::{DemoAccount, DemoOptions, generate};
use crate::ops;
use crate::store::Store;
use dun_core::ledger::DocumentKind;
use dun_core::money::plain_amount;

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
    let mut store = Store::create_demo(&session.db)
        .with_context(|| format!("cannot create the demo ledger {}", session.db.display()))?;
    // Progress goes to stderr; when nobody reads it, the demo is built all
    // the same.
    let mut progress = std::io::stderr();
    let _ = writeln!(
        progress,
        "building a demo ledger: {} invoices, {} customers, as of {}…",
        options.invoices,
        options.customers(),
        options.as_of
    );
    let ctx = session.ops();
    let recorded = ops::load_demo(&mut store, &ctx, &options)?;
    let _ = writeln!(progress, "recorded {recorded} measure starts");
    let _ = writeln!(
        progress,
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

/// Removes an earlier demo ledger; refuses to touch any other file.
fn replace_demo_file(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    if !Store::replaceable_by_demo(path)? {
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
    // Owner-only like every file dun writes; never through a link.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
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
