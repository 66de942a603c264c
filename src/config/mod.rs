//! Configuration: built-in defaults, then the TOML file, then the
//! environment, then command-line flags. Every key is optional; an unknown
//! key or a bad value is an error that names the file and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;

pub use dun_core::dunning::terms::{InterestKind, TermsSpec};
pub use dun_core::dunning::{DunningSpec, Policy, StageAction, StageSpec};

use dun_core::aging::Buckets;
use dun_core::money::{Currency, Locale};

/// A configuration that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a value of the wrong type.
    #[error("config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, which names the key, line and column.
        message: String,
    },
    /// A value that parses but makes no sense.
    #[error("config {origin}: key `{key}`: {message}")]
    Invalid {
        /// The file, or "defaults" when no file was read.
        origin: String,
        /// The dotted key.
        key: String,
        /// What is wrong and what was expected.
        message: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Number display and amount input style: en, it, es, fr, ro.
    pub locale: Locale,
    /// Currency of amounts entered without one.
    pub currency: Currency,
    /// Our company, as printed on letters.
    pub company: Company,
    /// Aging buckets.
    pub aging: AgingConfig,
    /// Credit limits and probation of new customers.
    pub credit: CreditConfig,
    /// Outgoing mail.
    pub smtp: SmtpConfig,
    /// The dunning ladder.
    pub dunning: DunningConfig,
    /// Late-payment interest and fees.
    pub terms: TermsConfig,
    /// Reminders and statements.
    pub notify: NotifyConfig,
    /// Import profiles.
    pub import: ImportConfig,
    /// Thresholds of the payers report (`dun report payers`).
    pub insight: dun_core::insight::InsightSpec,
}

/// `[import]`: profiles for `dun import`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// `[import.profiles.NAME]`: layouts of the files a bookkeeper gets.
    pub profiles: BTreeMap<String, crate::import::ProfileSpec>,
    /// Days from issue to due for a new invoice without a due date whose
    /// customer has no payment terms (a profile's own value wins). None by
    /// default: such a file is refused.
    pub payment_terms_days: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            locale: Locale::En,
            currency: Currency::EUR,
            company: Company::default(),
            aging: AgingConfig::default(),
            credit: CreditConfig::default(),
            smtp: SmtpConfig::default(),
            dunning: DunningConfig::default(),
            terms: TermsConfig::default(),
            notify: NotifyConfig::default(),
            import: ImportConfig::default(),
            insight: dun_core::insight::InsightSpec::default(),
        }
    }
}

/// Reminders and statements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// A folder whose files replace the built-in templates and phrases.
    pub templates_dir: Option<PathBuf>,
    /// Days from the reminder's date to the payment deadline it gives.
    pub deadline_days: u32,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            templates_dir: None,
            deadline_days: 10,
        }
    }
}

/// Our company's details for letters and emails.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Company {
    /// Legal name.
    pub name: String,
    /// Our VAT id: e-invoices issued under another are left out of imports
    /// (compared without spaces, dots or the country prefix).
    pub vat_id: String,
    /// Postal address, lines separated by newlines.
    pub address: String,
    /// Accounts email address.
    pub email: String,
    /// Accounts phone number.
    pub phone: String,
    /// The person customers should contact about payments.
    pub billing_contact: String,
    /// Bank account for payments.
    pub iban: String,
    /// VAT or company registration number.
    pub vat_number: String,
}

/// Aging report settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgingConfig {
    /// Upper bounds in days overdue of each bucket but the last.
    pub buckets: Vec<u32>,
}

impl Default for AgingConfig {
    fn default() -> Self {
        AgingConfig {
            buckets: vec![30, 60, 90],
        }
    }
}

/// Credit limits for new customers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CreditConfig {
    /// Months a new customer stays on probation.
    pub probation_months: u32,
    /// The share of its credit limit, in percent, a customer on probation
    /// may owe before it is flagged over limit.
    pub probation_limit_percent: u32,
}

impl Default for CreditConfig {
    fn default() -> Self {
        CreditConfig {
            probation_months: 3,
            probation_limit_percent: dun_core::dunning::DEFAULT_PROBATION_LIMIT_PERCENT,
        }
    }
}

/// `[dunning]`: the ladder's own type, defined with its defaults in the core.
pub type DunningConfig = DunningSpec;

/// `[terms]`: late-payment interest and fees, defined in the core.
pub type TermsConfig = TermsSpec;

/// Where the configuration came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No file: built-in defaults.
    Defaults,
    /// This file.
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Defaults => f.write_str("defaults"),
            Origin::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// A validated configuration and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The settings.
    pub config: Config,
    /// The file read, if any.
    pub origin: Origin,
    /// Aging buckets, validated.
    pub buckets: Buckets,
}

impl Loaded {
    /// The dunning policy this configuration describes.
    pub fn policy(&self) -> Policy {
        let config = &self.config;
        let mut policy = Policy::new(
            &config.dunning,
            config.credit.probation_months,
            &config.terms,
        );
        policy.locale = config.locale;
        policy.probation_limit_percent = config.credit.probation_limit_percent;
        policy
    }
}

impl Config {
    /// Parses TOML text; `path` is named in errors, with the line and
    /// column of the problem.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    let source = text.lines().nth(line - 1).unwrap_or("").trim();
                    // The key only: a value may be a secret.
                    let source = match source.split_once('=') {
                        Some((key, _)) => format!("{} = …", key.trim()),
                        None => source.chars().take(60).collect(),
                    };
                    format!("line {line}, column {column} (`{source}`): ")
                })
                .unwrap_or_default();
            ConfigError::Parse {
                path: path.to_path_buf(),
                message: format!("{place}{}", e.message().trim_end().replace('\n', "; ")),
            }
        })
    }

    /// Checks the values that types alone cannot, once the built-in policy
    /// profiles are added to the file's, and fills in the defaults that
    /// depend on other keys (`terms.fees_currency`: the ledger's `currency`).
    pub fn validate(mut self, origin: Origin) -> Result<Loaded, ConfigError> {
        self.add_builtin_profiles();
        self.terms.fees_currency.get_or_insert(self.currency);
        let invalid = |(key, message): Problem| ConfigError::Invalid {
            origin: origin.to_string(),
            key,
            message,
        };
        let buckets = Buckets::new(self.aging.buckets.clone())
            .map_err(|m| invalid(problem("aging.buckets", m)))?;
        self.smtp.check().map_err(invalid)?;
        self.check_ladder().map_err(invalid)?;
        self.check_limits().map_err(invalid)?;
        self.check_ranges().map_err(invalid)?;
        self.check_insight().map_err(invalid)?;
        Ok(Loaded {
            config: self,
            origin,
            buckets,
        })
    }

    /// The minimum balance, the import profiles, and the ladder's stages:
    /// ids well formed and unique, templates known, in order of days.
    fn check_ladder(&self) -> Result<(), Problem> {
        if self.dunning.min_balance < Decimal::ZERO {
            return Err(problem(
                "dunning.min_balance",
                "must not be negative".into(),
            ));
        }
        for name in self.import.profiles.keys() {
            crate::import::Profile::resolve(name, &self.import.profiles)
                .map_err(|m| problem(&format!("import.profiles.{name}"), m))?;
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut previous: Option<&StageSpec> = None;
        for stage in &self.dunning.stage {
            if !is_identifier(&stage.id) {
                return Err(problem(
                    "dunning.stage.id",
                    format!("'{}' must be lowercase letters, digits and _", stage.id),
                ));
            }
            if !seen.insert(stage.id.as_str()) {
                return Err(problem(
                    "dunning.stage.id",
                    format!("stage '{}' appears twice", stage.id),
                ));
            }
            check_template(stage)?;
            if let Some(prev) = previous
                && stage.days < prev.days
            {
                return Err(problem(
                    "dunning.stage.days",
                    format!(
                        "stage '{}' ({} days) comes before '{}' ({} days); stages go in order of days",
                        prev.id, prev.days, stage.id, stage.days
                    ),
                ));
            }
            previous = Some(stage);
        }
        Ok(())
    }

    /// The payer classes in order, the day counts plausible.
    fn check_insight(&self) -> Result<(), Problem> {
        let spec = &self.insight;
        if spec.chronic_after_days < spec.late_after_days {
            return Err(problem(
                "insight.chronic_after_days",
                format!(
                    "{} is below late_after_days ({}); a chronic payer is later than a late one",
                    spec.chronic_after_days, spec.late_after_days
                ),
            ));
        }
        if spec.recent_days == 0 || spec.recent_days > 3650 {
            return Err(problem(
                "insight.recent_days",
                format!("{} must be between 1 and 3650", spec.recent_days),
            ));
        }
        Ok(())
    }

    /// Rates, amounts and day counts within plausible bounds.
    fn check_limits(&self) -> Result<(), Problem> {
        self.check_amounts()?;
        self.check_durations()
    }

    /// Rates, fees and the minimum balance: not negative, not absurd.
    fn check_amounts(&self) -> Result<(), Problem> {
        for (key, value) in [
            ("terms.interest_rate", self.terms.interest_rate),
            ("terms.reference_rate", self.terms.reference_rate),
            ("terms.compensation", self.terms.compensation),
            ("terms.weekly_penalty", self.terms.weekly_penalty),
        ] {
            if value < Decimal::ZERO {
                return Err(problem(key, format!("{value} must not be negative")));
            }
        }
        for (key, value) in [
            ("terms.interest_rate", self.terms.interest_rate),
            ("terms.reference_rate", self.terms.reference_rate),
        ] {
            if value > Decimal::ONE_HUNDRED {
                return Err(problem(
                    key,
                    format!("{value}% a year is not a plausible rate; expected at most 100"),
                ));
            }
        }
        for (key, value) in [
            ("terms.compensation", self.terms.compensation),
            ("terms.weekly_penalty", self.terms.weekly_penalty),
            ("dunning.min_balance", self.dunning.min_balance),
        ] {
            if value > Decimal::from(1_000_000_000) {
                return Err(problem(
                    key,
                    format!("{value} is too large; expected at most 1000000000"),
                ));
            }
        }
        Ok(())
    }

    /// Day counts and samples within range.
    fn check_durations(&self) -> Result<(), Problem> {
        for (key, value) in [
            (
                "dunning.promise_grace_days",
                self.dunning.promise_grace_days,
            ),
            (
                "dunning.dispute_follow_up_days",
                self.dunning.dispute_follow_up_days,
            ),
            (
                "dunning.slow_payer_after_days",
                self.dunning.slow_payer_after_days,
            ),
            ("dunning.persistence_days", self.dunning.persistence_days),
        ] {
            if value > 3650 {
                return Err(problem(
                    key,
                    format!("{value} days is too long; expected at most 3650"),
                ));
            }
        }
        if self
            .import
            .payment_terms_days
            .is_some_and(|d| d > crate::import::profile::MAX_TERMS_DAYS)
        {
            return Err(problem(
                "import.payment_terms_days",
                format!(
                    "expected at most {}",
                    crate::import::profile::MAX_TERMS_DAYS
                ),
            ));
        }
        if self.notify.deadline_days > 365 {
            return Err(problem(
                "notify.deadline_days",
                "expected at most 365".into(),
            ));
        }
        if self.dunning.slow_payer_sample > 1000 {
            return Err(problem(
                "dunning.slow_payer_sample",
                "expected at most 1000".into(),
            ));
        }
        Ok(())
    }

    /// Stage days, profile overrides, probation and the slow-payer sample
    /// within range; profiles name only stages of the ladder.
    fn check_ranges(&self) -> Result<(), Problem> {
        let seen: std::collections::BTreeSet<&str> =
            self.dunning.stage.iter().map(|s| s.id.as_str()).collect();
        for stage in &self.dunning.stage {
            if stage.days.abs() > 3650 {
                return Err(problem(
                    "dunning.stage.days",
                    format!(
                        "stage '{}' at {} days; expected -3650 to 3650",
                        stage.id, stage.days
                    ),
                ));
            }
        }
        for (profile, overrides) in &self.dunning.profiles {
            if let Some((id, days)) = overrides.iter().find(|(_, d)| d.abs() > 3650) {
                return Err(problem(
                    &format!("dunning.profiles.{profile}.{id}"),
                    format!("{days} days; expected -3650 to 3650"),
                ));
            }
        }
        if self.credit.probation_months > 1200 {
            return Err(problem(
                "credit.probation_months",
                "expected at most 1200".into(),
            ));
        }
        if self.dunning.persistence_days == 0 {
            return Err(problem(
                "dunning.persistence_days",
                "must be at least 1".into(),
            ));
        }
        if !matches!(
            self.dunning.persistence_action,
            StageAction::Email | StageAction::Call | StageAction::Letter
        ) {
            return Err(problem(
                "dunning.persistence_action",
                format!(
                    "'{}' cannot recur; expected email, call or letter",
                    self.dunning.persistence_action.as_str()
                ),
            ));
        }
        if self.credit.probation_limit_percent > 100 {
            return Err(problem(
                "credit.probation_limit_percent",
                "a share of the credit limit; expected 0 to 100".into(),
            ));
        }
        if self.dunning.slow_payer_sample == 0 {
            return Err(problem(
                "dunning.slow_payer_sample",
                "must be at least 1".into(),
            ));
        }
        for (profile, overrides) in &self.dunning.profiles {
            for id in overrides.keys() {
                if !seen.contains(id.as_str()) {
                    return Err(problem(
                        &format!("dunning.profiles.{profile}.{id}"),
                        format!("no stage '{id}' in the ladder"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A bad value: its dotted key and what is wrong.
pub(crate) type Problem = (String, String);

/// A stage's template, when it names one, is a message dun can write.
fn check_template(stage: &StageSpec) -> Result<(), Problem> {
    use crate::notify::ReminderKind;
    match &stage.template {
        Some(template) if ReminderKind::from_template(template).is_none() => {
            let kinds: Vec<&str> = ReminderKind::ALL.iter().map(|k| k.name()).collect();
            Err(problem(
                "dunning.stage.template",
                format!(
                    "stage '{}': no template '{template}'; expected one of {}",
                    stage.id,
                    kinds.join(", ")
                ),
            ))
        }
        _ => Ok(()),
    }
}

pub(crate) fn problem(key: &str, message: String) -> Problem {
    (key.to_string(), message)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Reads the configuration: `explicit` (from `--config` / `DUN_CONFIG`) must
/// exist; otherwise `default_path` is read when present. `DUN_LOCALE`
/// overrides the file's locale.
pub fn load(explicit: Option<&Path>, default_path: Option<&Path>) -> Result<Loaded, ConfigError> {
    let (mut config, origin) = match (explicit, default_path) {
        (Some(path), _) => (read(path)?, Origin::File(path.to_path_buf())),
        (None, Some(path)) if path.exists() => (read(path)?, Origin::File(path.to_path_buf())),
        _ => (Config::default(), Origin::Defaults),
    };
    if let Ok(locale) = std::env::var("DUN_LOCALE") {
        config.locale = locale.parse().map_err(|message| ConfigError::Invalid {
            origin: "environment".into(),
            key: "DUN_LOCALE".into(),
            message,
        })?;
    }
    config.validate(origin)
}

fn read(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Config::from_toml(&text, path)
}

mod profiles;
mod smtp;
pub use profiles::InForce;
pub use smtp::{SmtpConfig, TlsMode};

#[cfg(test)]
mod tests;
