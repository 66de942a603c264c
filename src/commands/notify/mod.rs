//! `dun letter`, `dun statement`, `dun send`: reminders and statements in
//! the customer's language, sent over SMTP and logged only once accepted.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use lettre::Transport;
use lettre::message::Mailbox;

use super::Session;
use super::dunning::{Evaluation, whole_agenda};
use crate::cli::OutFile;
use crate::config::{StageAction, TlsMode};
use crate::notify::{ReminderKind, Rendered, Renderer, mailbox, message};
use crate::ops;
use crate::store::Store;
use crate::text::sanitize;
use dun_core::dunning::{AccountAssessment, AgendaItem, AgendaKind, Explain, Status};
use dun_core::ledger::{ContactRole, Customer, InvoiceId};
use dun_core::money::Locale;

mod context;
mod files;

pub use context::date_text;
use context::{Reminded, recipient, reminder_context, statement_context};

/// The renderer with the config's templates folder.
fn renderer(session: &Session) -> Result<Renderer> {
    Ok(Renderer::new(
        session.config.config.notify.templates_dir.as_deref(),
    )?)
}

/// The language a message is written in: the customer's, except for the
/// internal note to our sales rep, which is in the company's.
fn reader_locale(session: &Session, customer: &Customer, kind: ReminderKind) -> Locale {
    if kind == ReminderKind::SalesRep {
        session.config.config.locale
    } else {
        customer.language
    }
}

/// The message an agenda item asks for: a stage's, or the missed
/// instalment's; `None` for items of no stage (disputes, follow-ups).
fn kind_of(session: &Session, item: &AgendaItem) -> Option<ReminderKind> {
    match item.kind {
        AgendaKind::MissedInstalment => Some(ReminderKind::Instalment),
        // The recurring reminder once the ladder is exhausted says the
        // invoices are still overdue.
        AgendaKind::Persistence => Some(ReminderKind::Overdue),
        _ => stage_kind(session, &item.stage),
    }
}

/// The message of the ladder's stage `id`, if the ladder has one.
fn stage_kind(session: &Session, id: &str) -> Option<ReminderKind> {
    let dunning = &session.config.config.dunning;
    let stage = dunning.stage.iter().find(|s| s.id == id)?;
    Some(ReminderKind::for_stage(stage))
}

fn write_out(out: &mut dyn Write, file: &OutFile, text: &str) -> Result<()> {
    match &file.out {
        Some(path) => files::write_private(path, text.as_bytes(), file.force),
        None => Ok(out.write_all(text.as_bytes())?),
    }
}

pub(super) fn letter(
    session: &Session,
    code: &str,
    stage: Option<&str>,
    file: &OutFile,
    out: &mut dyn Write,
) -> Result<()> {
    let store = session.open_existing()?;
    let customer = store.customer_by_code(code)?;
    let evaluation = Evaluation::load(session, &store, Some(customer.id), Explain::DueOnly)?;
    let (account, assessed) = evaluation
        .account(customer.id)
        .context("the customer's account")?;
    let due = evaluation
        .assessment
        .agenda
        .iter()
        .find(|i| kind_of(session, i).is_some_and(|k| k != ReminderKind::SalesRep));
    let kind = match stage {
        Some(name) => ReminderKind::from_template(name)
            .or_else(|| stage_kind(session, name))
            .with_context(|| {
                let kinds: Vec<&str> = ReminderKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "--stage: no letter for '{name}'; expected one of {} or a stage of the ladder",
                    kinds.join(", ")
                )
            })?,
        None => due
            .and_then(|i| kind_of(session, i))
            .unwrap_or(ReminderKind::Overdue),
    };
    let invoices: Vec<InvoiceId> = match (stage, due) {
        (None, Some(item)) => item.invoices.clone(),
        _ => assessed
            .invoices
            .iter()
            // A pre-due reminder is about what is not yet due; every
            // other letter about what is overdue.
            .filter(|a| {
                a.status != Status::Disputed
                    && ((kind == ReminderKind::PreDue) == (a.days_overdue <= 0))
            })
            .map(|a| a.invoice_id)
            .collect(),
    };
    if invoices.is_empty() {
        bail!(
            "{} has no open invoice for a {} letter",
            sanitize(&customer.code),
            kind.name()
        );
    }
    let reminded = Reminded {
        customer: &customer,
        account,
        assessed,
        invoice_ids: &invoices,
    };
    let rendered = letter_text(session, kind, &reminded)?;
    write_out(
        out,
        file,
        &format!("{}\n\n{}", rendered.subject, rendered.body),
    )
}

/// The letter of `kind` about the reminded invoices, in the reader's
/// language.
fn letter_text(session: &Session, kind: ReminderKind, reminded: &Reminded<'_>) -> Result<Rendered> {
    let lang = reader_locale(session, reminded.customer, kind);
    let context = reminder_context(session, lang, reminded);
    if kind == ReminderKind::Instalment && context.instalment.amount.is_empty() {
        bail!(
            "{} has missed no instalment of a payment plan",
            sanitize(&reminded.customer.code)
        );
    }
    Ok(renderer(session)?.reminder(kind, lang, &context)?)
}

/// What the dashboard shows before an agenda item is done: the email it
/// sends, or the letter it prints.
pub(crate) struct Draft {
    /// The recipient: an email address, or the customer a letter is for.
    pub(crate) to: String,
    /// Subject and body.
    pub(crate) rendered: Rendered,
    /// A letter to print rather than an email to send.
    pub(crate) letter: bool,
}

/// The message an agenda item asks for, as the dashboard previews it; no
/// SMTP setting is needed to see it.
pub(crate) fn draft(session: &Session, store: &Store, item: &AgendaItem) -> Result<Draft> {
    if item.action.natural_kind() != dun_core::dunning::ActivityKind::Letter {
        let m = preview(session, store, item)?;
        return Ok(Draft {
            to: m.to.to_string(),
            rendered: m.rendered,
            letter: false,
        });
    }
    let customer = store.customer_by_id(item.customer_id)?;
    let evaluation = Evaluation::load(session, store, Some(customer.id), Explain::DueOnly)?;
    let (account, assessed) = evaluation
        .account(customer.id)
        .context("the customer's account")?;
    let kind = kind_of(session, item).unwrap_or(ReminderKind::Overdue);
    let reminded = Reminded {
        customer: &customer,
        account,
        assessed,
        invoice_ids: &item.invoices,
    };
    Ok(Draft {
        to: customer.name.clone(),
        rendered: letter_text(session, kind, &reminded)?,
        letter: true,
    })
}

pub(super) fn statement(
    session: &Session,
    code: &str,
    html: bool,
    file: &OutFile,
    out: &mut dyn Write,
) -> Result<()> {
    let store = session.open_existing()?;
    let customer = store.customer_by_code(code)?;
    let account = store
        .accounts(session.as_of, Some(customer.id))?
        .pop()
        .context("the customer's account")?;
    let context = statement_context(session, &customer, &account);
    let rendered = renderer(session)?.statement(customer.language, &context, html)?;
    write_out(out, file, &rendered.body)
}

/// One message `send` prepared.
pub(crate) struct Outgoing {
    /// The agenda item it answers.
    pub(crate) item: AgendaItem,
    /// The customer's code.
    pub(crate) code: String,
    /// The recipient.
    pub(crate) to: Mailbox,
    /// The recipient's address, for the log.
    pub(crate) address: String,
    /// The invoices it lists, by the stage it performs for each.
    pub(crate) performed: Vec<(Option<String>, Vec<InvoiceId>)>,
    /// Subject and body.
    pub(crate) rendered: Rendered,
    /// The message as it goes out.
    pub(crate) message: lettre::Message,
}

/// The message an agenda item asks for, or why it cannot be sent; `None`
/// when the item's action is not an email.
pub(crate) fn outgoing_for(
    session: &Session,
    store: &Store,
    renderer: &Renderer,
    item: &AgendaItem,
    from: &Mailbox,
) -> Result<Option<std::result::Result<Outgoing, String>>> {
    let Some(kind) = emailed_kind(session, item) else {
        return Ok(None);
    };
    let customer = store.customer_by_id(item.customer_id)?;
    let account = store
        .accounts(session.as_of, Some(customer.id))?
        .pop()
        .context("the customer's account")?;
    let assessed = dun_core::dunning::evaluate_account(&account, &session.policy(), session.as_of);
    let code = sanitize(&customer.code).into_owned();
    let lang = reader_locale(session, &customer, kind);
    let (name, address) = match addressee(&customer, kind, item) {
        Ok(found) => found,
        Err(why) => return Ok(Some(Err(format!("{code}: {why}")))),
    };
    let reminded = Reminded {
        customer: &customer,
        account: &account,
        assessed: &assessed,
        invoice_ids: &item.invoices,
    };
    let context = reminder_context(session, lang, &reminded);
    let rendered = renderer.reminder(kind, lang, &context)?;
    let statement = renderer.statement(
        customer.language,
        &statement_context(session, &customer, &account),
        true,
    )?;
    let to = match mailbox(&name, &address) {
        Ok(to) => to,
        Err(e) => return Ok(Some(Err(format!("{code}: {e}")))),
    };
    let filename = format!("statement-{}.html", customer.code);
    let built = message(
        from.clone(),
        to.clone(),
        &rendered.subject,
        &rendered.body,
        Some((&filename, "text/html; charset=utf-8", &statement.body)),
    )?;
    Ok(Some(Ok(Outgoing {
        item: item.clone(),
        code: customer.code.clone(),
        to,
        address,
        performed: performed(item, &assessed),
        rendered,
        message: built,
    })))
}

/// The invoices of an item grouped by the stage the message performs for
/// each: for a stage's item, each invoice's own stage, which one message
/// may mix (an overdue email that also reminds of what falls due soon, all
/// stages of the same action); no stage for other items.
fn performed(
    item: &AgendaItem,
    assessed: &AccountAssessment,
) -> Vec<(Option<String>, Vec<InvoiceId>)> {
    let stage_of = |id: InvoiceId| {
        (item.kind == AgendaKind::Stage).then(|| {
            assessed
                .invoices
                .iter()
                .find(|a| a.invoice_id == id && matches!(a.status, Status::Stage(_)))
                .map_or_else(|| item.stage.clone(), |a| a.label.clone())
        })
    };
    let mut groups: Vec<(Option<String>, Vec<InvoiceId>)> = Vec::new();
    for &id in &item.invoices {
        let stage = stage_of(id);
        match groups.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((stage, vec![id])),
        }
    }
    groups
}

/// Which message an agenda item's action sends, if it sends an email at all.
fn emailed_kind(session: &Session, item: &AgendaItem) -> Option<ReminderKind> {
    match item.action {
        StageAction::NotifySalesRep => Some(ReminderKind::SalesRep),
        StageAction::Email => kind_of(session, item),
        _ => None,
    }
}

/// Name and email address the message goes to: the sales rep for a rep's
/// note, the customer's reminder contact otherwise; the error says which
/// address is missing.
fn addressee(
    customer: &Customer,
    kind: ReminderKind,
    item: &AgendaItem,
) -> std::result::Result<(String, String), String> {
    if kind == ReminderKind::SalesRep {
        let rep = customer.contact(ContactRole::SalesRep);
        match rep.and_then(|r| r.email.clone()) {
            Some(email) => Ok((rep.and_then(|r| r.name.clone()).unwrap_or_default(), email)),
            None => Err(format!(
                "no sales rep email to send the {} note to",
                item.stage
            )),
        }
    } else {
        recipient(customer)
            .ok_or_else(|| format!("no email address for the {} reminder", item.stage))
    }
}

/// The messages the agenda asks for today: reminders to customers and
/// notes to sales reps, one per customer and action, statement attached.
fn prepare(
    session: &Session,
    store: &Store,
    from: &Mailbox,
) -> Result<(Vec<Outgoing>, Vec<String>)> {
    let renderer = renderer(session)?;
    let mut ready = Vec::new();
    let mut problems = Vec::new();
    for (item, _) in whole_agenda(session, store)? {
        match outgoing_for(session, store, &renderer, &item, from)? {
            Some(Ok(m)) => ready.push(m),
            Some(Err(problem)) => problems.push(problem),
            None => {}
        }
    }
    Ok((ready, problems))
}

/// The message for one agenda item, ready to show and send.
pub(crate) fn preview(session: &Session, store: &Store, item: &AgendaItem) -> Result<Outgoing> {
    let from = draft_sender(session)?;
    match outgoing_for(session, store, &renderer(session)?, item, &from)? {
        Some(Ok(m)) => Ok(m),
        Some(Err(problem)) => bail!("{problem}"),
        None => bail!("the {} action is not an email", item.action.as_str()),
    }
}

/// How sending one message ended, short of an error.
pub(crate) enum Delivery {
    /// The server accepted it, and it is logged.
    Sent,
    /// Another run sent it or is sending it; this one left it alone.
    Skipped(&'static str),
}

/// Sends one message and logs it. The message is claimed in the ledger
/// first, so no other run sends it too; nothing is logged unless the
/// server accepted it, and a send that failed releases the claim, with
/// the reason, for a later run to retry.
pub(crate) fn send_one(
    session: &Session,
    store: &mut Store,
    mailer: &lettre::SmtpTransport,
    m: &Outgoing,
) -> Result<Delivery> {
    let claim = ops::ClaimMessage::for_item(session.as_of, &m.item);
    match ops::claim_message(store, &session.ops(), &claim)? {
        ops::Claim::Ours => {}
        ops::Claim::BeingSent => return Ok(Delivery::Skipped("another run is sending it")),
        ops::Claim::AlreadySent => return Ok(Delivery::Skipped("another run sent it")),
        ops::Claim::NoLongerDue => return Ok(Delivery::Skipped("it was already done elsewhere")),
    }
    if let Err(e) = mailer.send(&m.message) {
        let why = format!(
            "{} {}: the server did not take it: {e}",
            sanitize(&m.code),
            m.item.stage
        );
        ops::message_failed(store, &claim, &why)?;
        bail!("{why}");
    }
    let kind = if m.item.action == StageAction::NotifySalesRep {
        dun_core::dunning::ActivityKind::SalesRep
    } else {
        dun_core::dunning::ActivityKind::Email
    };
    let sent = ops::Sent {
        customer_id: m.item.customer_id,
        kind,
        performed: m.performed.clone(),
        outcome: format!("sent to {}: {}", m.address, m.rendered.subject),
    };
    ops::message_sent(store, &session.ops(), &claim, &sent)?;
    Ok(Delivery::Sent)
}

/// The From mailbox of `[smtp] from`, "Name <address>" or a bare address.
pub(crate) fn sender(session: &Session) -> Result<Mailbox> {
    let from = session.config.config.smtp.from.trim();
    if from.is_empty() {
        bail!("set [smtp] from in the config: the address reminders are sent from");
    }
    let (name, address) = match from.split_once('<') {
        Some((name, rest)) => (
            name.trim().trim_matches('"'),
            rest.trim_end_matches('>').trim(),
        ),
        None => ("", from),
    };
    mailbox(name, address).context("[smtp] from")
}

/// The From of a message shown or written but not sent: `[smtp] from`,
/// or while that is unset a placeholder that says so. Only sending needs
/// the setting.
pub(crate) fn draft_sender(session: &Session) -> Result<Mailbox> {
    if session.config.config.smtp.from.trim().is_empty() {
        return mailbox("[smtp] from not set", "from-not-set@invalid").context("[smtp] from");
    }
    sender(session)
}

/// The SMTP password: from an environment variable or a command's output.
fn password(session: &Session) -> Result<Option<String>> {
    let smtp = &session.config.config.smtp;
    if let Some(var) = &smtp.password_env {
        return std::env::var(var)
            .map(Some)
            .with_context(|| format!("[smtp] password_env: ${var} is not set"));
    }
    if let Some(command) = &smtp.password_command {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .output()
            .with_context(|| "[smtp] password_command could not run".to_string())?;
        if !output.status.success() {
            bail!("[smtp] password_command failed");
        }
        return Ok(Some(
            String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_string(),
        ));
    }
    Ok(None)
}

/// The mail server's connection; refused without `[smtp] from`, so no
/// message goes out from the placeholder of a draft.
pub(crate) fn transport(session: &Session) -> Result<lettre::SmtpTransport> {
    sender(session)?;
    let smtp = &session.config.config.smtp;
    let builder = match smtp.tls {
        TlsMode::None => lettre::SmtpTransport::builder_dangerous(&smtp.host),
        TlsMode::Starttls => {
            lettre::SmtpTransport::starttls_relay(&smtp.host).context("[smtp] host")?
        }
        TlsMode::Tls => lettre::SmtpTransport::relay(&smtp.host).context("[smtp] host")?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    if let Some(user) = &smtp.username {
        let secret = password(session)?.unwrap_or_default();
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.clone(),
            secret,
        ));
    }
    Ok(builder.build())
}

/// A file name for a message in the outbox: one per customer, stage and
/// currency, so no message overwrites another, and nothing from the data
/// can step out of the folder.
fn outbox_name(as_of: NaiveDate, m: &Outgoing) -> String {
    let code: String = m
        .code
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{as_of}-{code}-{}-{}.eml", m.item.stage, m.item.currency)
}

pub(super) fn send(
    session: &Session,
    dry_run: bool,
    to_dir: Option<&Path>,
    force: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut store = session.open_existing()?;
    let drafts = dry_run || to_dir.is_some();
    let from = if drafts {
        draft_sender(session)?
    } else {
        sender(session)?
    };
    let (ready, mut problems) = prepare(session, &store, &from)?;
    if drafts {
        let dir = to_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(format!("dun-outbox-{}", session.as_of)));
        files::private_dir(&dir)?;
        for m in &ready {
            let path = dir.join(outbox_name(session.as_of, m));
            files::write_private(&path, &m.message.formatted(), force)?;
            writeln!(
                out,
                "wrote {} ({} to {})",
                path.display(),
                m.item.stage,
                sanitize(&m.address)
            )?;
        }
        writeln!(
            out,
            "{} messages written, nothing sent or logged",
            ready.len()
        )?;
    } else {
        let mailer = transport(session)?;
        let (mut sent, mut skipped) = (0, 0);
        for m in &ready {
            let (stage, code) = (&m.item.stage, sanitize(&m.code));
            match send_one(session, &mut store, &mailer, m) {
                Ok(Delivery::Sent) => {
                    sent += 1;
                    let to = sanitize(&m.to.to_string()).into_owned();
                    writeln!(out, "sent {stage} to {code} ({to})")?;
                }
                Ok(Delivery::Skipped(why)) => {
                    skipped += 1;
                    writeln!(out, "left {stage} to {code}: {why}")?;
                }
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
        write!(out, "{sent} of {} messages sent and logged", ready.len())?;
        if skipped > 0 {
            write!(out, "; {skipped} left to another run")?;
        }
        writeln!(out)?;
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("dun: {}", sanitize(p));
        }
        bail!(
            "{} messages not sent; nothing was logged for them",
            problems.len()
        );
    }
    Ok(())
}
