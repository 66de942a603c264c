//! The imperative shell: each subcommand reads the ledger, calls the pure
//! core, writes a report or a change.

mod balances;
mod correction;
mod customer;
pub mod dashboard;
mod demo;
mod dunning;
mod follow_up;
mod import;
mod invoice;
pub mod notify;
mod payment;
mod report;
mod spans;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::CommandFactory;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{self, Loaded, Origin};
use crate::store::Store;

/// Everything a command needs besides its own arguments.
#[derive(Debug)]
pub struct Session {
    /// The validated configuration.
    pub config: Loaded,
    /// The date decisions are made as of.
    pub as_of: NaiveDate,
    /// The ledger file.
    pub db: PathBuf,
    /// The clock's date: the measure history is never written past it.
    pub today: NaiveDate,
}

impl Session {
    /// Opens the ledger for reading; it must exist.
    fn open_existing(&self) -> Result<Store> {
        if !self.db.exists() {
            bail!(
                "no ledger at {}; run `dun init` or pass --db PATH",
                self.db.display()
            );
        }
        self.open()
    }

    /// Opens the ledger, creating it when missing.
    fn open(&self) -> Result<Store> {
        let mut store = Store::open(&self.db)
            .with_context(|| format!("cannot open ledger {}", self.db.display()))?;
        if self.policy().terms.is_free() {
            store.without_settlements();
        }
        Ok(store)
    }

    /// A date flag read against the as-of date: a shortcut (`fri`, `+3`)
    /// is never read against the clock.
    fn date(&self, flag: &str, input: crate::cli::DateInput) -> Result<chrono::NaiveDate> {
        input
            .on(self.as_of)
            .map_err(|e| anyhow::anyhow!("{flag}: {e}"))
    }

    /// What the write path needs: the policy, the as-of date (measure
    /// history never written past the clock's date), how amounts are typed.
    pub fn ops(&self) -> crate::ops::Context {
        crate::ops::Context {
            policy: self.policy(),
            as_of: self.as_of,
            history_on: self.as_of.min(self.today),
            locale: self.config.config.locale,
            currency: self.config.config.currency,
        }
    }

    /// The dunning policy of the configuration.
    fn policy(&self) -> dun_core::dunning::Policy {
        dunning::policy_of(self)
    }

    /// Resolves an optional `--customer CODE` filter to its id.
    fn customer_filter(
        &self,
        store: &Store,
        code: Option<&str>,
    ) -> Result<Option<dun_core::ledger::CustomerId>> {
        code.map(|code| store.customer_by_code(code).map(|c| c.id))
            .transpose()
            .context("--customer")
    }
}

/// Where dun keeps its files by default.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "dun")
}

fn default_db() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("DUN_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    project_dirs()
        .map(|d| d.data_dir().join("dun.db"))
        .context("no home folder to keep the ledger in; pass --db PATH")
}

/// Runs the parsed command line. `today` is the clock's date, read once by
/// the caller; everything below uses the as-of date.
pub fn run(cli: Cli, today: NaiveDate, out: &mut dyn Write) -> Result<()> {
    let default_config = project_dirs().map(|d| d.config_dir().join("config.toml"));
    let config = config::load(cli.config.as_deref(), default_config.as_deref())?;
    let as_of = cli.as_of.unwrap_or(today);
    crate::store::when_waiting(|| {
        let _ = writeln!(
            std::io::stderr(),
            "the ledger is busy with another dun's write (an import?); waiting for it to finish…"
        );
    });
    let db = match (&cli.command, &cli.db) {
        (_, Some(path)) => path.clone(),
        (Some(Command::Demo(_)), None) => demo::default_path()?,
        _ => default_db()?,
    };
    let session = Session {
        config,
        as_of,
        db,
        today,
    };
    match cli.command {
        None => dashboard::run(&session, out),
        Some(Command::Demo(args)) => demo::run(&session, &args, out),
        Some(Command::Init) => init(&session, out),
        Some(Command::Config(ConfigCommand::Check)) => config_check(&session, out),
        Some(Command::Customer(cmd)) => customer::run(&session, *cmd, out),
        Some(Command::Invoice(cmd)) => invoice::run(&session, cmd, out),
        Some(Command::Payment(cmd)) => payment::run(&session, cmd, out),
        Some(Command::Import(cmd)) => import::run(&session, cmd, out),
        Some(Command::Aging(list)) => report::aging(&session, list.format, out),
        Some(Command::Agenda(list)) => dunning::agenda(&session, list.format, out),
        Some(Command::Report(cmd)) => report::insight(&session, &cmd, out),
        Some(Command::Status { code, list }) => dunning::status(&session, &code, list.format, out),
        Some(Command::Why { number, list }) => dunning::why(&session, &number, list.format, out),
        Some(Command::Log(cmd)) => correction::log(&session, &cmd, out),
        Some(Command::Letter { code, stage, file }) => {
            notify::letter(&session, &code, stage.as_deref(), &file, out)
        }
        Some(Command::Statement { code, html, file }) => {
            notify::statement(&session, &code, html, &file, out)
        }
        Some(Command::Send {
            dry_run,
            to_dir,
            force,
        }) => notify::send(&session, dry_run, to_dir.as_deref(), force, out),
        Some(Command::Promise(cmd)) => correction::promise(&session, &cmd, out),
        Some(Command::Plan(args)) => follow_up::plan(&session, &args, out),
        Some(Command::Hold { code, reason }) => {
            follow_up::hold(&session, &code, &reason, false, out)
        }
        Some(Command::Release { code, reason }) => {
            follow_up::hold(&session, &code, &reason, true, out)
        }
        Some(Command::Backup { file }) => backup(&session, &file, out),
        Some(Command::Completions { shell }) => {
            // clap_complete panics when its writer fails; it writes to
            // memory, and a closed pipe is then an error like any other.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dun", &mut script);
            out.write_all(&script)
                .context("cannot write the completion script")
        }
        Some(Command::Man) => clap_mangen::Man::new(Cli::command())
            .render(out)
            .context("cannot write the manual page"),
    }
}

fn init(session: &Session, out: &mut dyn Write) -> Result<()> {
    let existed = session.db.exists();
    let store = session.open()?;
    let verb = if existed {
        "ledger is ready"
    } else {
        "created ledger"
    };
    writeln!(
        out,
        "{verb}: {} (schema {})",
        store.path().display(),
        store.schema_version()?
    )?;
    Ok(())
}

fn config_check(session: &Session, out: &mut dyn Write) -> Result<()> {
    let config = &session.config;
    match &config.origin {
        Origin::Defaults => writeln!(out, "config OK: no file, built-in defaults")?,
        Origin::File(path) => writeln!(out, "config OK: {}", path.display())?,
    }
    let ladder: Vec<String> = config
        .config
        .dunning
        .stage
        .iter()
        .map(|s| format!("{} {:+}", s.id, s.days))
        .collect();
    writeln!(
        out,
        "locale {}, currency {}, ladder: {}",
        config.config.locale,
        config.config.currency,
        ladder.join(", ")
    )?;
    writeln!(out, "terms: {}", session.policy().terms.describe())?;
    let listed = |profiles: Vec<crate::config::InForce>| {
        profiles
            .iter()
            .map(|p| {
                let from = if p.built_in { "built in" } else { "configured" };
                format!("{} ({from})", crate::text::sanitize(&p.name))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "policy profiles: {}",
        listed(config.config.policy_profiles())
    )?;
    writeln!(
        out,
        "import profiles: {}",
        listed(config.config.import_profiles())
    )?;
    for (key, used) in config.config.company.missing_for_letters() {
        writeln!(
            out,
            "warning: [company] {key} is empty; reminders and letters print it ({used})"
        )?;
    }
    Ok(())
}

fn backup(session: &Session, file: &Path, out: &mut dyn Write) -> Result<()> {
    if !session.db.exists() {
        bail!("no ledger at {} to back up", session.db.display());
    }
    if file.exists() {
        bail!("{} already exists; choose a new file name", file.display());
    }
    let store = session.open()?;
    store.backup_to(file)?;
    writeln!(
        out,
        "backed up {} to {}",
        store.path().display(),
        file.display()
    )?;
    Ok(())
}
