//! A realistic demo ledger, generated deterministically from a seed and an
//! as-of date: customers in five languages, nine months of invoices,
//! prompt, late and chronic payers, partial payments, a credit note, an
//! overpayment and a couple of accounts far overdue.
//!
//! Pure: customers are produced one at a time and handed to a sink, so a
//! million invoices never sit in memory at once.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use dun_core::dunning::{Activity, Stage};
use dun_core::ledger::{
    Allocation, Contact, ContactRole, CreditSource, Customer, DocumentKind, EarlyDiscount, Invoice,
    OpenItem, Payment, SourceRef, allocate,
};
use dun_core::money::{Currency, Locale, Money};

mod history;
mod names;
use history::follow_ups;
use names::{SALES_REPS, names};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Total invoices (credit notes not counted).
    pub invoices: u32,
    /// Seed of the generator.
    pub seed: u64,
    /// The ledger's "today": invoices span the nine months before it.
    pub as_of: NaiveDate,
}

impl DemoOptions {
    /// About 15 invoices a customer for small ledgers, 50 for large ones
    /// (a million invoices gives 20,000 customers).
    pub fn customers(&self) -> u32 {
        let n = self.invoices;
        if n == 0 { 0 } else { (n / 50).max(40.min(n)) }
    }
}

/// One customer with everything on its account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// The customer.
    pub customer: Customer,
    /// Invoices and credit notes, with open balances after allocation.
    pub documents: Vec<Invoice>,
    /// Payments, with what is left unapplied.
    pub payments: Vec<Payment>,
    /// Credit applied, with the date it was applied.
    pub allocations: Vec<(Allocation, NaiveDate)>,
    /// The follow-up log of the open invoices, each with an outcome.
    pub activities: Vec<(Activity, Option<&'static str>)>,
}

impl DemoAccount {
    /// The account as the dunning engine sees it: open invoices and the
    /// follow-up log (for benchmarks and tests of the engine alone).
    pub fn to_engine_account(&self) -> dun_core::dunning::Account {
        let c = &self.customer;
        let mut account = dun_core::dunning::Account::new(c.id, &c.code, c.created_on);
        account.profile = c.policy_profile.clone();
        account.credit_limit = c.credit_limit;
        account.invoices = self
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Invoice && !d.open.is_zero())
            .map(|d| dun_core::dunning::OpenInvoice {
                id: d.id,
                number: d.number.clone(),
                issue_date: d.issue_date,
                due_date: d.due_date,
                amount: d.amount,
                open: d.open,
                currency: d.currency,
                dispute: None,
                settlements: Vec::new(),
            })
            .collect();
        account.activities = self.activities.iter().map(|(a, _)| a.clone()).collect();
        account
    }
}

/// How a customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    Prompt,
    Late,
    Chronic,
    /// Stopped paying at some point: far overdue.
    Stopped,
}

/// SplitMix64: small, fast, and the same on every platform forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low + 1).max(1) as u64;
        low + (self.next() % span) as i64
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Keeps track of ids and document numbers across customers.
struct Counters {
    invoice_id: i64,
    payment_id: i64,
    invoice_no: u64,
    credit_no: u64,
    /// Customer names given so far; a repeat gets a town.
    names: HashSet<String>,
}

/// Generates the ledger, handing each account to `sink` in customer order.
pub fn generate<E>(
    options: &DemoOptions,
    ladder: &[Stage],
    mut sink: impl FnMut(DemoAccount) -> Result<(), E>,
) -> Result<(), E> {
    let customers = options.customers();
    if customers == 0 {
        return Ok(());
    }
    let base = options.invoices / customers;
    let extra = options.invoices % customers;
    let mut counters = Counters {
        invoice_id: 0,
        payment_id: 0,
        invoice_no: 0,
        credit_no: 0,
        names: HashSet::new(),
    };
    for index in 0..customers {
        let mut rng =
            Rng(options.seed ^ (u64::from(index) + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let count = base + u32::from(index < extra);
        let mut account = account(options, index, count, &mut rng, &mut counters);
        account.activities = follow_ups(options, &account.documents, ladder, &mut rng);
        sink(account)?;
    }
    Ok(())
}

fn habit_for(index: u32, rng: &mut Rng) -> Habit {
    match index {
        1 | 2 => Habit::Stopped,
        3 => Habit::Prompt,
        _ => match rng.range(0, 99) {
            0..=54 => Habit::Prompt,
            55..=79 => Habit::Late,
            80..=96 => Habit::Chronic,
            _ => Habit::Stopped,
        },
    }
}

fn customer(
    options: &DemoOptions,
    index: u32,
    habit: Habit,
    rng: &mut Rng,
    taken: &mut HashSet<String>,
) -> Customer {
    let language = *rng.pick(&Locale::ALL);
    let n = names(language);
    let surname = *rng.pick(n.surnames);
    let sector = *rng.pick(n.sectors);
    let form = *rng.pick(n.forms);
    let mut name = if n.sector_first {
        format!("{sector} {surname} {form}")
    } else {
        format!("{surname} {sector} {form}")
    };
    if taken.contains(&name) {
        let base = name.clone();
        for attempt in 0.. {
            name = match n.towns.get(attempt) {
                Some(town) => format!("{base} ({town})"),
                None => format!("{base} ({})", index + 1),
            };
            if !taken.contains(&name) {
                break;
            }
        }
    }
    taken.insert(name.clone());
    let slug: String = surname
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let code = format!("C{:05}", index + 1);
    let domain = format!("{slug}{}.example", index + 1);
    let billing = *rng.pick(n.first_names);
    let senior = *rng.pick(n.first_names);
    let (rep, rep_email) = *rng.pick(SALES_REPS);
    let age_days = if index % 13 == 5 {
        rng.range(20, 80)
    } else {
        rng.range(280, 900)
    };
    Customer {
        id: i64::from(index) + 1,
        code,
        name,
        email: Some(format!("accounts@{domain}")),
        phone: Some(format!(
            "+{} {:03} {:07}",
            30 + rng.range(0, 9),
            rng.range(100, 999),
            rng.range(0, 9_999_999)
        )),
        language,
        contacts: vec![
            Contact {
                role: ContactRole::Billing,
                name: Some(format!("{billing} {surname}")),
                email: Some(format!("{}@{domain}", billing.to_lowercase())),
                phone: None,
            },
            Contact {
                role: ContactRole::Senior,
                name: Some(format!("{senior} {surname} (CFO)")),
                email: Some(format!("cfo@{domain}")),
                phone: None,
            },
            Contact {
                role: ContactRole::SalesRep,
                name: Some(rep.to_string()),
                email: Some(rep_email.to_string()),
                phone: None,
            },
        ],
        payment_terms_days: None,
        early_discount: (habit == Habit::Prompt && rng.chance(15)).then_some(EarlyDiscount {
            percent: Decimal::from(2),
            days: 10,
        }),
        credit_limit: None,
        policy_profile: (habit == Habit::Chronic && rng.chance(50))
            .then(|| "slow_payer".to_string()),
        notes: None,
        created_on: options.as_of - Days::new(age_days as u64),
    }
}

fn account(
    options: &DemoOptions,
    index: u32,
    count: u32,
    rng: &mut Rng,
    counters: &mut Counters,
) -> DemoAccount {
    let habit = habit_for(index, rng);
    let mut customer = customer(options, index, habit, rng, &mut counters.names);
    let currency = match (customer.language, rng.range(0, 9)) {
        (Locale::En, 0..=2) => Currency::USD,
        (Locale::En, 3) => Currency::GBP,
        _ => Currency::EUR,
    };
    let terms = *rng.pick(&[30_u64, 30, 30, 60, 60, 14]);
    customer.payment_terms_days = Some(terms as u32);
    // Log-uniform-ish scale: most customers small, a few large.
    let scale = *rng.pick(&[200_i64, 400, 800, 1_500, 3_000, 6_000, 12_000]);
    let window = (options.as_of - customer.created_on)
        .num_days()
        .clamp(1, 270);
    let stopped_after = options.as_of - Days::new(rng.range(160, 230) as u64);

    let mut documents = Vec::with_capacity(count as usize + 1);
    let mut payments = Vec::new();
    let mut issue_offsets: Vec<i64> = (0..count).map(|_| rng.range(0, window)).collect();
    issue_offsets.sort_unstable_by(|a, b| b.cmp(a));
    for offset in issue_offsets {
        let issue_date = options.as_of - Days::new(offset as u64);
        let due_date = issue_date + Days::new(terms);
        let amount = Decimal::new(rng.range(scale * 25, scale * 175), 2);
        counters.invoice_id += 1;
        counters.invoice_no += 1;
        let invoice = Invoice {
            id: counters.invoice_id,
            number: format!("INV-{:07}", counters.invoice_no),
            customer_id: customer.id,
            kind: DocumentKind::Invoice,
            issue_date,
            due_date,
            amount,
            currency,
            open: amount,
            written_off_on: None,
            closed_on: None,
            discount: Decimal::ZERO,
        };
        pay(
            options,
            &invoice,
            habit,
            stopped_after,
            rng,
            counters,
            &mut payments,
        );
        documents.push(invoice);
    }
    if index == 3 {
        special_credit(options, &mut documents, &mut payments, counters);
    }
    if rng.chance(60) {
        let monthly: Decimal =
            documents.iter().map(|d| d.amount).sum::<Decimal>() / Decimal::from(9);
        let limit =
            ((monthly * Decimal::from(3)) / Decimal::from(1000)).ceil() * Decimal::from(1000);
        customer.credit_limit = Some(Money::new(limit.max(Decimal::from(1000)), currency));
    }
    let allocations = apply(&customer, &mut documents, &mut payments);
    DemoAccount {
        customer,
        documents,
        payments,
        allocations,
        activities: Vec::new(),
    }
}

/// Adds the payments a customer with this habit made for an invoice.
fn pay(
    options: &DemoOptions,
    invoice: &Invoice,
    habit: Habit,
    stopped_after: NaiveDate,
    rng: &mut Rng,
    counters: &mut Counters,
    payments: &mut Vec<Payment>,
) {
    let delay = match habit {
        Habit::Prompt => rng.range(-12, 4),
        Habit::Late => rng.range(3, 40),
        Habit::Chronic => rng.range(15, 95),
        Habit::Stopped if invoice.issue_date > stopped_after => return,
        Habit::Stopped => rng.range(10, 60),
    };
    let paid_on = (invoice.due_date + chrono::TimeDelta::days(delay)).max(invoice.issue_date);
    if paid_on > options.as_of {
        return;
    }
    let partial = matches!(habit, Habit::Chronic | Habit::Late) && rng.chance(20);
    let first = if partial {
        (invoice.amount * Decimal::new(rng.range(30, 80), 2)).round_dp(2)
    } else {
        invoice.amount
    };
    let mut add = |paid_on: NaiveDate, amount: Decimal, rng: &mut Rng| {
        counters.payment_id += 1;
        payments.push(Payment {
            id: counters.payment_id,
            customer_id: invoice.customer_id,
            paid_on,
            amount,
            currency: invoice.currency,
            method: Some(
                (*rng.pick(&["transfer", "transfer", "transfer", "card", "direct debit"]))
                    .to_string(),
            ),
            reference: Some(format!("Payment {}", invoice.number)),
            invoice_id: Some(invoice.id),
            unapplied: amount,
        });
    };
    add(paid_on, first, rng);
    if partial {
        let rest_on = paid_on + Days::new(rng.range(20, 60) as u64);
        if rest_on <= options.as_of && rng.chance(70) {
            add(rest_on, invoice.amount - first, rng);
        }
    }
}

/// The showcase account: a credit note for returned goods and an overpayment.
fn special_credit(
    options: &DemoOptions,
    documents: &mut Vec<Invoice>,
    payments: &mut Vec<Payment>,
    counters: &mut Counters,
) {
    let Some(first) = documents.first().cloned() else {
        return;
    };
    counters.invoice_id += 1;
    counters.credit_no += 1;
    let amount = (first.amount * Decimal::new(15, 2)).round_dp(2);
    let issue = (first.issue_date + Days::new(5)).min(options.as_of);
    documents.push(Invoice {
        id: counters.invoice_id,
        number: format!("CN-{:06}", counters.credit_no),
        kind: DocumentKind::CreditNote,
        issue_date: issue,
        due_date: issue,
        amount,
        open: amount,
        ..first
    });
    // The customer then settles its whole statement, 50.00 too much.
    let owed: Decimal = documents
        .iter()
        .map(|d| match d.kind {
            DocumentKind::Invoice => d.amount,
            DocumentKind::CreditNote => -d.amount,
        })
        .sum::<Decimal>()
        - payments.iter().map(|p| p.amount).sum::<Decimal>();
    counters.payment_id += 1;
    let amount = owed.max(Decimal::ZERO) + Decimal::new(5000, 2);
    payments.push(Payment {
        id: counters.payment_id,
        customer_id: first.customer_id,
        paid_on: options.as_of,
        amount,
        currency: first.currency,
        method: Some("transfer".into()),
        reference: Some("Statement settlement".into()),
        invoice_id: None,
        unapplied: amount,
    });
}

/// Applies credit notes and payments in date order, as the store would.
fn apply(
    customer: &Customer,
    documents: &mut [Invoice],
    payments: &mut [Payment],
) -> Vec<(Allocation, NaiveDate)> {
    let mut items: Vec<OpenItem> = documents
        .iter()
        .filter(|d| d.kind == DocumentKind::Invoice)
        .map(|d| OpenItem {
            invoice_id: d.id,
            due_date: d.due_date,
            currency: d.currency,
            open: d.amount,
            discount: customer.discount_for(d.amount, d.currency, d.issue_date),
        })
        .collect();
    let mut sources: Vec<CreditSource> = payments
        .iter()
        .map(|p| CreditSource {
            source: SourceRef::Payment(p.id),
            currency: p.currency,
            unapplied: p.amount,
            target: p.invoice_id,
            date: p.paid_on,
        })
        .chain(
            documents
                .iter()
                .filter(|d| d.kind == DocumentKind::CreditNote)
                .map(|d| CreditSource {
                    source: SourceRef::CreditNote(d.id),
                    currency: d.currency,
                    unapplied: d.amount,
                    target: None,
                    date: d.issue_date,
                }),
        )
        .collect();
    sources.sort_by_key(|s| (s.date, matches!(s.source, SourceRef::CreditNote(_))));
    let applied = allocate(&mut items, &mut sources);
    for source in &sources {
        match source.source {
            SourceRef::Payment(id) => {
                if let Some(p) = payments.iter_mut().find(|p| p.id == id) {
                    p.unapplied = source.unapplied;
                }
            }
            SourceRef::CreditNote(id) => {
                if let Some(d) = documents.iter_mut().find(|d| d.id == id) {
                    d.open = source.unapplied;
                }
            }
        }
    }
    let dated: Vec<(Allocation, NaiveDate)> = applied
        .into_iter()
        .map(|a| {
            let source_date = sources
                .iter()
                .find(|s| s.source == a.source)
                .map(|s| s.date);
            let issued = documents
                .iter()
                .find(|d| d.id == a.invoice_id)
                .map(|d| d.issue_date);
            let on = match (source_date, issued) {
                (Some(s), Some(i)) => s.max(i),
                (Some(d), None) | (None, Some(d)) => d,
                (None, None) => NaiveDate::MIN,
            };
            (a, on)
        })
        .collect();
    for item in &items {
        let Some(doc) = documents.iter_mut().find(|d| d.id == item.invoice_id) else {
            continue;
        };
        doc.open = item.open;
        let mine = dated.iter().filter(|(a, _)| a.invoice_id == doc.id);
        doc.discount = mine.clone().map(|(a, _)| a.discount).sum();
        if doc.open.is_zero() {
            doc.closed_on = mine.map(|(_, on)| *on).max();
        }
    }
    for doc in documents
        .iter_mut()
        .filter(|d| d.kind == DocumentKind::CreditNote && d.open.is_zero())
    {
        doc.closed_on = dated
            .iter()
            .filter(|(a, _)| a.source == SourceRef::CreditNote(doc.id))
            .map(|(_, on)| *on)
            .max();
    }
    dated
}

#[cfg(test)]
mod tests;
