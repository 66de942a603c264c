//! The demo generator: deterministic, and the ledger it promises.

use super::*;

fn collect(options: &DemoOptions) -> Vec<DemoAccount> {
    let mut accounts = Vec::new();
    generate::<()>(
        options,
        dun_core::dunning::Policy::standard().ladder(None),
        |a| {
            accounts.push(a);
            Ok(())
        },
    )
    .expect("infallible sink");
    accounts
}

fn options(invoices: u32, seed: u64) -> DemoOptions {
    DemoOptions {
        invoices,
        seed,
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid"),
    }
}

#[test]
fn same_seed_same_ledger_other_seed_other_ledger() {
    let a = collect(&options(600, 7));
    let b = collect(&options(600, 7));
    let c = collect(&options(600, 8));
    let key = |accounts: &[DemoAccount]| -> Vec<(String, Decimal)> {
        accounts
            .iter()
            .flat_map(|a| a.documents.iter().map(|d| (d.number.clone(), d.open)))
            .collect()
    };
    assert_eq!(key(&a), key(&b));
    assert_ne!(key(&a), key(&c));
}

#[test]
fn the_demo_has_what_it_promises() {
    let accounts = collect(&options(600, 1));
    assert_eq!(accounts.len(), 40);
    let invoices = accounts
        .iter()
        .flat_map(|a| &a.documents)
        .filter(|d| d.kind == DocumentKind::Invoice)
        .count();
    assert_eq!(invoices, 600);
    let names: HashSet<&str> = accounts.iter().map(|a| a.customer.name.as_str()).collect();
    assert_eq!(names.len(), accounts.len(), "customer names are unique");
    let languages: std::collections::BTreeSet<&str> = accounts
        .iter()
        .map(|a| a.customer.language.code())
        .collect();
    assert!(languages.len() >= 4, "{languages:?}");
    assert!(
        accounts
            .iter()
            .flat_map(|a| &a.documents)
            .any(|d| d.kind == DocumentKind::CreditNote)
    );
    assert!(
        accounts
            .iter()
            .flat_map(|a| &a.payments)
            .any(|p| !p.unapplied.is_zero()),
        "an overpayment"
    );
    let as_of = options(600, 1).as_of;
    let far_overdue = accounts
        .iter()
        .filter(|a| {
            a.documents.iter().any(|d| {
                !d.open.is_zero()
                    && d.kind == DocumentKind::Invoice
                    && (as_of - d.due_date).num_days() > 90
            })
        })
        .count();
    assert!(far_overdue >= 2, "{far_overdue} far-overdue customers");
    let partial = accounts
        .iter()
        .flat_map(|a| &a.documents)
        .any(|d| !d.open.is_zero() && d.open < d.amount && d.kind == DocumentKind::Invoice);
    assert!(partial, "a partly paid invoice");
    let logged = accounts.iter().map(|a| a.activities.len()).sum::<usize>();
    assert!(logged > 50, "a follow-up history: {logged} entries");
    for a in &accounts {
        for d in &a.documents {
            assert!(d.open >= Decimal::ZERO && d.open <= d.amount);
            assert!(d.issue_date >= a.customer.created_on && d.issue_date <= as_of);
        }
    }
}

#[test]
fn a_million_invoices_means_twenty_thousand_customers() {
    assert_eq!(options(1_000_000, 1).customers(), 20_000);
    assert_eq!(options(10, 1).customers(), 10);
}
