//! Rendering reminders and statements. The texts are phrases per language
//! (`phrases.toml`) laid out by templates (`templates/`); a templates
//! folder set in the config overrides either, file by file.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

use dun_core::dunning::{StageAction, StageSpec};
use dun_core::money::Locale;

const PHRASES: &str = include_str!("phrases.toml");
const BUILT_IN: &[(&str, &str)] = &[
    ("reminder.txt", include_str!("templates/reminder.txt")),
    ("sales_rep.txt", include_str!("templates/sales_rep.txt")),
    ("statement.txt", include_str!("templates/statement.txt")),
    ("statement.html", include_str!("templates/statement.html")),
];

/// Why a message could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template or phrase is broken (a user's override, usually).
    #[error("template {name}: {message}")]
    Template {
        /// The template or phrase.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The overrides folder could not be read.
    #[error("cannot read templates folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Which message to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Before the due date: a friendly reminder.
    PreDue,
    /// Past the due date.
    Overdue,
    /// Supply stopped.
    StopSupply,
    /// Cash only from now on.
    CashOnly,
    /// A formal demand letter.
    Letter,
    /// The notice that the file goes to a collection agency.
    Agency,
    /// A note to our sales rep.
    SalesRep,
    /// A payment-plan instalment was missed.
    Instalment,
}

impl ReminderKind {
    /// Every kind, for golden tests and `dun letter --stage`.
    pub const ALL: [ReminderKind; 8] = [
        ReminderKind::PreDue,
        ReminderKind::Overdue,
        ReminderKind::StopSupply,
        ReminderKind::CashOnly,
        ReminderKind::Letter,
        ReminderKind::Agency,
        ReminderKind::SalesRep,
        ReminderKind::Instalment,
    ];

    /// The template name a stage's config gives (`pre_due`, `overdue`…).
    pub fn from_template(name: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The message a stage renders: the template its config names, else
    /// the one its action asks for. An email is the friendly reminder
    /// before the due date and the overdue reminder after it; a call's
    /// written record is the overdue reminder; a letter is the formal
    /// notice; an agency stage is the notice of the hand-off.
    pub fn for_stage(stage: &StageSpec) -> ReminderKind {
        if let Some(kind) = stage.template.as_deref().and_then(Self::from_template) {
            return kind;
        }
        match stage.action {
            StageAction::Email if stage.days < 0 => ReminderKind::PreDue,
            StageAction::Email | StageAction::Call => ReminderKind::Overdue,
            StageAction::NotifySalesRep => ReminderKind::SalesRep,
            StageAction::StopSupply => ReminderKind::StopSupply,
            StageAction::CashOnly => ReminderKind::CashOnly,
            StageAction::Letter => ReminderKind::Letter,
            StageAction::Agency => ReminderKind::Agency,
        }
    }

    /// The template name.
    pub fn name(self) -> &'static str {
        match self {
            ReminderKind::PreDue => "pre_due",
            ReminderKind::Overdue => "overdue",
            ReminderKind::StopSupply => "stop_supply",
            ReminderKind::CashOnly => "cash_only",
            ReminderKind::Letter => "letter",
            ReminderKind::Agency => "agency",
            ReminderKind::SalesRep => "sales_rep",
            ReminderKind::Instalment => "instalment",
        }
    }
}

/// A company or person on a message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Code (customers).
    pub code: String,
    /// Address lines.
    pub address_lines: Vec<String>,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Who handles payments on this side.
    pub billing_contact: String,
    /// Bank account.
    pub iban: String,
    /// VAT or registration number.
    pub vat_number: String,
}

/// One invoice on a message, already formatted for its language.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceLine {
    /// Number.
    pub number: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Gross amount with currency.
    pub amount: String,
    /// Open balance with currency.
    pub open: String,
}

/// Everything a reminder says, formatted for the customer's language.
#[derive(Debug, Clone, Serialize)]
pub struct ReminderContext {
    /// Us.
    pub company: Party,
    /// Them.
    pub customer: Party,
    /// Who the message greets.
    pub contact_name: String,
    /// The reminder's date.
    pub date: String,
    /// The earliest due date of the invoices (pre-due reminders).
    pub due: String,
    /// The invoices it is about.
    pub invoices: Vec<InvoiceLine>,
    /// Those of them past their due date.
    pub overdue: Vec<InvoiceLine>,
    /// Those of them not yet due (due today or later).
    pub upcoming: Vec<InvoiceLine>,
    /// Open balance of the invoices not yet due.
    pub upcoming_total: String,
    /// Open balance of what is asked for now: the overdue invoices, or,
    /// when none is overdue yet, the upcoming ones.
    pub principal: String,
    /// Interest accrued.
    pub interest: String,
    /// Fixed compensation and penalties.
    pub fees: String,
    /// Principal, interest and fees.
    pub amount_due: String,
    /// True when interest or fees apply.
    pub has_charges: bool,
    /// The yearly interest rate in percent, empty when none is charged.
    pub rate: String,
    /// The fixed compensation per late invoice, empty when none.
    pub compensation: String,
    /// The penalty per full week overdue, empty when none.
    pub penalty: String,
    /// Pay by this date.
    pub deadline: String,
    /// Quote this when paying.
    pub reference: String,
    /// Days overdue at the longest (sales-rep notes).
    pub days: i64,
    /// A missed instalment's amount, date and plan date (instalment
    /// reminders); empty otherwise.
    pub instalment: MissedInstalment,
}

/// The instalment a reminder asks for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MissedInstalment {
    /// Amount with currency.
    pub amount: String,
    /// The day it was due.
    pub due: String,
    /// The day the plan was agreed.
    pub agreed: String,
}

/// One open item on a statement.
#[derive(Debug, Clone, Serialize)]
pub struct StatementLine {
    /// Number.
    pub number: String,
    /// Issue date.
    pub issue_date: String,
    /// Due date.
    pub due_date: String,
    /// Aging bucket title.
    pub bucket: String,
    /// True for the bucket of invoices not yet due.
    pub current: bool,
    /// Open balance with currency.
    pub open: String,
}

/// A bucket subtotal on a statement.
#[derive(Debug, Clone, Serialize)]
pub struct BucketTotal {
    /// Title.
    pub title: String,
    /// True for the bucket of invoices not yet due.
    pub current: bool,
    /// Amount with currency.
    pub amount: String,
}

/// Everything a statement of account shows.
#[derive(Debug, Clone, Serialize)]
pub struct StatementContext {
    /// Us.
    pub company: Party,
    /// Them.
    pub customer: Party,
    /// The statement's date.
    pub date: String,
    /// Every open item.
    pub items: Vec<StatementLine>,
    /// Subtotals per aging bucket.
    pub buckets: Vec<BucketTotal>,
    /// The total open.
    pub total: String,
    /// Credit on account (unapplied payments and credit notes), per
    /// currency; empty when there is none.
    pub credit: String,
    /// What is owed net of that credit, per currency (negative when the
    /// customer is in credit); shown with `credit`.
    pub net: String,
    /// The account's creditor reference, to quote when paying.
    pub reference: String,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Templates and phrases, ready to render.
pub struct Renderer {
    env: Environment<'static>,
    phrases: BTreeMap<String, BTreeMap<String, String>>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("languages", &self.phrases.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Pads to `width` terminal cells (not bytes), left- or right-aligned.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

fn template_error(name: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::Template {
        name: name.to_string(),
        message: e.to_string(),
    }
}

impl Renderer {
    /// The built-in templates, with files from `overrides` in their place:
    /// `reminder.txt`, `sales_rep.txt`, `statement.txt`, `statement.html`,
    /// and `phrases.toml` (merged over the built-in phrases).
    pub fn new(overrides: Option<&Path>) -> Result<Renderer, RenderError> {
        let mut env = Environment::new();
        // Every phrase is rendered with every message's context, so a
        // phrase may name a value (`instalment.amount`) another kind of
        // message does not carry: that renders empty instead of failing.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.add_filter("pad", |text: String, width: usize| pad(&text, width, false));
        env.add_filter("rpad", |text: String, width: usize| pad(&text, width, true));
        let mut sources: BTreeMap<String, String> = BUILT_IN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut phrases: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(PHRASES).map_err(|e| template_error("phrases.toml", e))?;
        if let Some(dir) = overrides {
            let folder = |source| RenderError::Folder {
                path: dir.display().to_string(),
                source,
            };
            for entry in std::fs::read_dir(dir).map_err(folder)? {
                let path = entry.map_err(folder)?.path();
                let Some(name) = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string)
                else {
                    continue;
                };
                let text = std::fs::read_to_string(&path).map_err(folder)?;
                if name == "phrases.toml" {
                    let user: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(&text)
                        .map_err(|e| template_error(&path.display().to_string(), e))?;
                    for (lang, set) in user {
                        phrases.entry(lang).or_default().extend(set);
                    }
                } else if sources.contains_key(&name) {
                    sources.insert(name, text);
                }
            }
        }
        for (name, source) in sources {
            env.add_template_owned(name.clone(), source)
                .map_err(|e| template_error(&name, e))?;
        }
        Ok(Renderer { env, phrases })
    }

    /// The phrases of a language rendered with a context; English fills
    /// any phrase the language lacks.
    fn phrases<S: Serialize>(
        &self,
        lang: Locale,
        context: &S,
    ) -> Result<BTreeMap<String, String>, RenderError> {
        let english = self.phrases.get("en").cloned().unwrap_or_default();
        let mut set = english;
        if let Some(own) = self.phrases.get(lang.code()) {
            set.extend(own.clone());
        }
        let value = minijinja::Value::from(minijinja::value::Serde(context));
        set.into_iter()
            .map(|(key, text)| {
                let rendered = self
                    .env
                    .render_str(&text, &value)
                    .map_err(|e| template_error(&format!("phrase {key}"), e))?;
                Ok((key, rendered))
            })
            .collect()
    }

    fn render<S: Serialize>(
        &self,
        template: &str,
        lang: Locale,
        context: &S,
        extra: &[(&str, String)],
    ) -> Result<(BTreeMap<String, String>, String), RenderError> {
        let mut t = self.phrases(lang, context)?;
        for (key, phrase) in extra {
            let value = t.get(phrase.as_str()).cloned().unwrap_or_default();
            t.insert((*key).to_string(), value);
        }
        let tmpl = self
            .env
            .get_template(template)
            .map_err(|e| template_error(template, e))?;
        let body = tmpl
            .render(minijinja::context! { t => &t, lang => lang.code(), ..minijinja::Value::from(minijinja::value::Serde(context)) })
            .map_err(|e| template_error(template, e))?;
        Ok((t, body))
    }

    /// A reminder of some kind in a language.
    pub fn reminder(
        &self,
        kind: ReminderKind,
        lang: Locale,
        context: &ReminderContext,
    ) -> Result<Rendered, RenderError> {
        let name = kind.name();
        let template = if kind == ReminderKind::SalesRep {
            "sales_rep.txt"
        } else {
            "reminder.txt"
        };
        let mut extra = vec![
            ("intro", format!("intro_{name}")),
            ("consequence", format!("consequence_{name}")),
        ];
        if kind == ReminderKind::Instalment {
            // What is asked for is the instalment, not the whole balance.
            extra.push(("deadline", "deadline_instalment".to_string()));
        }
        let (t, body) = self.render(template, lang, context, &extra)?;
        let subject = t
            .get(&format!("subject_{name}"))
            .cloned()
            .unwrap_or_default();
        Ok(Rendered { subject, body })
    }

    /// A statement of account, as text or HTML.
    pub fn statement(
        &self,
        lang: Locale,
        context: &StatementContext,
        html: bool,
    ) -> Result<Rendered, RenderError> {
        let template = if html {
            "statement.html"
        } else {
            "statement.txt"
        };
        let (t, body) = self.render(template, lang, context, &[])?;
        Ok(Rendered {
            subject: t.get("subject_statement").cloned().unwrap_or_default(),
            body,
        })
    }
}
