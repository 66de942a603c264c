//! `dun customer …`

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;

use super::Session;
use super::report::{Balances, amount_cell};
use crate::cli::{CustomerCommand, CustomerFields};
use crate::ops;
use crate::output::{Cell, Format, Report};
use crate::text::{check_field, sanitize};
use dun_core::ledger::{Contact, ContactRole, Customer, CustomerBalance, EarlyDiscount};
use dun_core::money::Locale;

pub(super) fn run(session: &Session, cmd: CustomerCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        CustomerCommand::Add { code, name, fields } => add(session, code, name, &fields, out),
        CustomerCommand::List(list) => list_customers(session, list.format, out),
        CustomerCommand::Show { code, list } => show(session, &code, list.format, out),
        CustomerCommand::Edit { code, name, fields } => edit(session, &code, name, &fields, out),
    }
}

fn add(
    session: &Session,
    code: String,
    name: String,
    fields: &CustomerFields,
    out: &mut dyn Write,
) -> Result<()> {
    let code = required_text("customer code", &code)?;
    let name = required_text("--name", &name)?;
    let mut customer = Customer {
        id: 0,
        code,
        name,
        email: None,
        phone: None,
        language: session.config.config.locale,
        contacts: Vec::new(),
        payment_terms_days: None,
        early_discount: None,
        credit_limit: None,
        policy_profile: None,
        notes: None,
        created_on: session.as_of,
    };
    apply(session, &mut customer, fields)?;
    let mut store = session.open()?;
    ops::add_customer(&mut store, &customer)?;
    writeln!(
        out,
        "added customer {} ({})",
        sanitize(&customer.code),
        sanitize(&customer.name)
    )?;
    Ok(())
}

fn edit(
    session: &Session,
    code: &str,
    name: Option<String>,
    fields: &CustomerFields,
    out: &mut dyn Write,
) -> Result<()> {
    let mut store = session.open_existing()?;
    let mut customer = store.customer_by_code(code)?;
    if let Some(name) = name {
        customer.name = required_text("--name", &name)?;
    }
    apply(session, &mut customer, fields)?;
    ops::edit_customer(&mut store, &session.ops(), &customer)?;
    writeln!(out, "updated customer {}", sanitize(&customer.code))?;
    Ok(())
}

/// A required text value, trimmed and non-empty, free of control characters.
fn required_text(what: &str, text: &str) -> Result<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        bail!("{what} must not be empty");
    }
    check_field(what, trimmed).map_err(anyhow::Error::msg)?;
    Ok(trimmed.to_string())
}

/// An optional text flag: absent leaves the value, empty clears it.
fn set(target: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value {
        let v = v.trim();
        *target = (!v.is_empty()).then(|| v.to_string());
    }
}

/// Every text flag given, checked for control characters.
fn check_fields(f: &CustomerFields) -> Result<()> {
    let named = [
        ("--email", &f.email),
        ("--phone", &f.phone),
        ("--billing-contact", &f.billing_contact),
        ("--billing-email", &f.billing_email),
        ("--billing-phone", &f.billing_phone),
        ("--senior-contact", &f.senior_contact),
        ("--senior-email", &f.senior_email),
        ("--senior-phone", &f.senior_phone),
        ("--sales-rep", &f.sales_rep),
        ("--sales-rep-email", &f.sales_rep_email),
        ("--policy", &f.policy),
    ];
    for (flag, value) in named {
        if let Some(v) = value {
            check_field(flag, v).map_err(anyhow::Error::msg)?;
        }
    }
    // Notes may hold line breaks and tabs; nothing else.
    if let Some(notes) = &f.notes {
        crate::ops::input::notes(notes)?;
    }
    if let Some(notes) = &f.notes {
        crate::text::check_length("--notes", notes, crate::text::MAX_LONG)
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Applies every flag given to the customer, checking each as it goes.
fn apply(session: &Session, customer: &mut Customer, f: &CustomerFields) -> Result<()> {
    check_fields(f)?;
    apply_reachability(customer, f)?;
    apply_terms(session, customer, f)?;
    if let Some(policy) = &f.policy {
        apply_policy(session, customer, policy)?;
    }
    Ok(())
}

/// Email, phone, notes, language and the named contacts, with every email
/// address checked after the change so a bad one is never stored.
fn apply_reachability(customer: &mut Customer, f: &CustomerFields) -> Result<()> {
    set(&mut customer.email, &f.email);
    if let Some(email) = &customer.email
        && !looks_like_email(email)
    {
        bail!("--email: '{email}' is not an email address; expected name@domain");
    }
    set(&mut customer.phone, &f.phone);
    set(&mut customer.notes, &f.notes);
    if let Some(language) = &f.language {
        customer.language = language
            .parse::<Locale>()
            .map_err(anyhow::Error::msg)
            .context("--language")?;
    }
    set_contact(
        customer,
        ContactRole::Billing,
        [&f.billing_contact, &f.billing_email, &f.billing_phone],
    );
    set_contact(
        customer,
        ContactRole::Senior,
        [&f.senior_contact, &f.senior_email, &f.senior_phone],
    );
    set_contact(
        customer,
        ContactRole::SalesRep,
        [&f.sales_rep, &f.sales_rep_email, &None],
    );
    for contact in &customer.contacts {
        if let Some(email) = &contact.email
            && !looks_like_email(email)
        {
            bail!("'{email}' is not an email address; expected name@domain");
        }
    }
    Ok(())
}

/// Payment terms, early-payment discount and credit limit; an empty
/// discount or limit clears it.
fn apply_terms(session: &Session, customer: &mut Customer, f: &CustomerFields) -> Result<()> {
    if let Some(days) = f.terms {
        customer.payment_terms_days = Some(days);
    }
    if let Some(discount) = &f.discount {
        customer.early_discount = if discount.trim().is_empty() {
            None
        } else {
            Some(
                discount
                    .parse::<EarlyDiscount>()
                    .map_err(anyhow::Error::msg)
                    .context("--discount")?,
            )
        };
    }
    if let Some(limit) = &f.credit_limit {
        customer.credit_limit = if limit.trim().is_empty() {
            None
        } else {
            let money = crate::ops::input::money(
                &session.ops(),
                crate::ops::Field::CreditLimit,
                limit,
                f.currency.as_deref().unwrap_or_default(),
            )?;
            if money.amount.is_sign_negative() {
                bail!("--credit-limit must not be negative");
            }
            Some(money)
        };
    }
    Ok(())
}

/// Sets the dunning profile; empty clears it, and an unknown name is refused
/// with the configured ones listed.
fn apply_policy(session: &Session, customer: &mut Customer, policy: &str) -> Result<()> {
    let policy = policy.trim();
    if policy.is_empty() {
        customer.policy_profile = None;
    } else if session.config.config.dunning.profiles.contains_key(policy) {
        customer.policy_profile = Some(policy.to_string());
    } else {
        let known: Vec<&str> = session
            .config
            .config
            .dunning
            .profiles
            .keys()
            .map(String::as_str)
            .collect();
        bail!(
            "--policy: no profile '{policy}'; expected one of: {}",
            known.join(", ")
        );
    }
    Ok(())
}

fn set_contact(
    customer: &mut Customer,
    role: ContactRole,
    [name, email, phone]: [&Option<String>; 3],
) {
    if name.is_none() && email.is_none() && phone.is_none() {
        return;
    }
    let index = match customer.contacts.iter().position(|c| c.role == role) {
        Some(i) => i,
        None => {
            customer.contacts.push(Contact {
                role,
                name: None,
                email: None,
                phone: None,
            });
            customer.contacts.len() - 1
        }
    };
    let contact = &mut customer.contacts[index];
    set(&mut contact.name, name);
    set(&mut contact.email, email);
    set(&mut contact.phone, phone);
    if contact.name.is_none() && contact.email.is_none() && contact.phone.is_none() {
        customer.contacts.remove(index);
    }
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';')
                })
        }
        None => false,
    }
}

fn list_customers(session: &Session, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let customers = store.customers()?;
    let balances = Balances::load(&store, session.as_of)?;
    let engine = super::dunning::all_measures(session, &store)?;
    let mut report = Report::new([
        ("code", "Code"),
        ("name", "Name"),
        ("open_balance", "Open"),
        ("overdue_balance", "Overdue"),
        ("unapplied_credit", "Credit"),
        ("currency", "Cur"),
        ("measures", "Measures"),
    ]);
    for customer in &customers {
        for balance in balances.of(customer.id, session.config.config.currency) {
            report.rows.push(vec![
                Cell::Text(customer.code.clone()),
                Cell::Text(customer.name.clone()),
                amount_cell(balance.net(), balance.currency),
                amount_cell(balance.overdue, balance.currency),
                amount_cell(balance.unapplied_credit, balance.currency),
                Cell::Text(balance.currency.to_string()),
                Cell::List(engine.get(&customer.id).cloned().unwrap_or_default().into()),
            ]);
        }
    }
    report.write(format, session.config.config.locale, out)?;
    Ok(())
}

/// `dun customer show CODE`: the customer's details, measures and balances.
fn show(session: &Session, code: &str, format: Format, out: &mut dyn Write) -> Result<()> {
    let store = session.open_existing()?;
    let customer = store.customer_by_code(code)?;
    let balances = Balances::load_for(&store, customer.id, session.as_of)?;
    let evaluation = super::dunning::Evaluation::load(
        session,
        &store,
        Some(customer.id),
        dun_core::dunning::Explain::DueOnly,
    )?;
    let measures = evaluation
        .measures()
        .remove(&customer.id)
        .unwrap_or_default();
    // Probation runs from here: the export's date, else the first invoice.
    let since = evaluation
        .account(customer.id)
        .map_or(customer.created_on, |(account, _)| {
            account.relationship_start()
        });
    let rows = balances.of(customer.id, session.config.config.currency);
    let locale = session.config.config.locale;
    match format {
        Format::Json => write_customer_json(&customer, &rows, since, &measures, out)?,
        _ => customer_details(&customer, &rows, since, &measures, locale)
            .write(format, locale, out)?,
    }
    Ok(())
}

/// The customer as JSON, with balances and active measures added.
fn write_customer_json(
    customer: &Customer,
    rows: &[CustomerBalance],
    since: NaiveDate,
    measures: &[String],
    out: &mut dyn Write,
) -> Result<()> {
    let balances: Vec<serde_json::Value> = rows
        .iter()
        .map(|b| {
            serde_json::json!({
                "currency": b.currency,
                "open_balance": dun_core::money::plain_amount(b.net(), b.currency),
                "overdue_balance": dun_core::money::plain_amount(b.overdue, b.currency),
                "unapplied_credit": dun_core::money::plain_amount(b.unapplied_credit, b.currency),
            })
        })
        .collect();
    let mut value = serde_json::to_value(customer)?;
    value["balances"] = serde_json::Value::from(balances);
    value["measures"] = serde_json::Value::from(measures.to_vec());
    value["customer_since"] = serde_json::Value::from(since.to_string());
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}

/// A field/value table of the customer; fields with no value are left out.
fn customer_details(
    customer: &Customer,
    rows: &[CustomerBalance],
    since: NaiveDate,
    measures: &[String],
    locale: Locale,
) -> Report {
    let mut details = Report::new([("field", "Field"), ("value", "Value")]);
    let mut field = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            details
                .rows
                .push(vec![Cell::Text(name.into()), Cell::Text(v)]);
        }
    };
    field("code", Some(customer.code.clone()));
    field("name", Some(customer.name.clone()));
    field("email", customer.email.clone());
    field("phone", customer.phone.clone());
    field("language", Some(customer.language.to_string()));
    for contact in &customer.contacts {
        let parts: Vec<&str> = [&contact.name, &contact.email, &contact.phone]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        field(
            &format!("{} contact", contact.role.as_str()),
            Some(parts.join(", ")),
        );
    }
    field(
        "terms",
        customer
            .payment_terms_days
            .map(|d| dun_core::dunning::days(i64::from(d))),
    );
    field(
        "discount",
        customer.early_discount.map(|d| {
            format!(
                "{}% within {}",
                d.percent,
                dun_core::dunning::days(i64::from(d.days))
            )
        }),
    );
    field(
        "credit limit",
        customer.credit_limit.map(|m| m.display(locale)),
    );
    field("policy", customer.policy_profile.clone());
    field("customer since", Some(since.to_string()));
    field("in dun since", Some(customer.created_on.to_string()));
    field("notes", customer.notes.clone());
    if !measures.is_empty() {
        field("measures", Some(measures.join(", ")));
    }
    for b in rows {
        field(
            &format!("balance {}", b.currency),
            Some(format!(
                "open {}, overdue {}, credit {}",
                locale.format_amount(b.net(), b.currency.minor_digits()),
                locale.format_amount(b.overdue, b.currency.minor_digits()),
                locale.format_amount(b.unapplied_credit, b.currency.minor_digits()),
            )),
        );
    }
    details
}
