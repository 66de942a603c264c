//! Property tests of the engine over random accounts.

use super::*;
use proptest::prelude::*;

fn arb_account(id: i64) -> impl Strategy<Value = Account> {
    let invoices = prop::collection::vec((-40i64..120, 1i64..5_000, any::<bool>(), 0u8..10), 0..6);
    let activities = prop::collection::vec((0i64..120, 0usize..7, prop::option::of(0i64..6)), 0..6);
    let promises = prop::collection::vec((0i64..60, -20i64..40, 1i64..3_000), 0..2);
    (invoices, activities, promises, prop::option::of(0usize..2)).prop_map(
        move |(inv, acts, proms, profile)| {
            let mut a = account(id, Vec::new());
            for (n, (days, open, usd, disputed)) in inv.into_iter().enumerate() {
                let mut i = invoice(id * 100 + n as i64, days, open);
                if usd {
                    i.currency = Currency::USD;
                }
                if disputed == 0 {
                    i.dispute = Some(Dispute {
                        opened_on: ago(days.max(0)),
                        reason: "quality".into(),
                    });
                }
                a.invoices.push(i);
            }
            for (days_ago, kind, invoice) in acts {
                a.activities.push(logged(
                    days_ago,
                    ActivityKind::LOGGABLE[kind],
                    invoice.map(|n| id * 100 + n).into_iter().collect(),
                ));
            }
            for (n, (made_ago, promised_ago, amount)) in proms.into_iter().enumerate() {
                a.promises.push(Promise {
                    id: n as i64,
                    made_on: ago(made_ago),
                    promised_on: ago(promised_ago.min(made_ago)),
                    amount: eur(amount),
                    currency: Currency::EUR,
                    invoices: vec![],
                });
            }
            a.profile = profile.map(|_| "slow_payer".to_string());
            a
        },
    )
}

fn arb_accounts() -> impl Strategy<Value = Vec<Account>> {
    (arb_account(1), arb_account(2), arb_account(3)).prop_map(|(a, b, c)| vec![a, b, c])
}

proptest! {
    #[test]
    fn the_agenda_is_the_same_however_much_is_explained(accounts in arb_accounts(), offset in -30i64..60) {
        let at = ago(-offset);
        let policy = Policy::standard();
        let full = evaluate(&accounts, &policy, at).agenda;
        for explain in [Explain::DueOnly, Explain::Agenda] {
            prop_assert_eq!(&evaluate_with(&accounts, &policy, at, explain).agenda, &full);
        }
    }

    #[test]
    fn evaluation_is_deterministic(accounts in arb_accounts(), offset in -30i64..60) {
        let at = ago(-offset);
        let policy = Policy::standard();
        prop_assert_eq!(evaluate(&accounts, &policy, at), evaluate(&accounts, &policy, at));
    }

    #[test]
    fn stages_never_move_back_as_time_passes(accounts in arb_accounts(), step in 1u64..90) {
        let policy = Policy::standard();
        let earlier = evaluate(&accounts, &policy, as_of());
        let later = evaluate(&accounts, &policy, as_of() + Days::new(step));
        for (before, after) in earlier.accounts.iter().zip(&later.accounts) {
            for a in &before.invoices {
                let Some(b) = after.invoices.iter().find(|b| b.invoice_id == a.invoice_id) else { continue };
                if let (Status::Stage(i), Status::Stage(j)) = (&a.status, &b.status) {
                    prop_assert!(j >= i, "{} went from {} back to {}", a.invoice_id, a.label, b.label);
                }
                if a.status == Status::Current {
                    prop_assert!(b.status != Status::BelowMinimum);
                }
            }
            let had = |m: &[ActiveMeasure], which: Measure| m.iter().any(|x| x.measure == which);
            for which in [Measure::StopSupply, Measure::CashOnly] {
                if had(&before.measures, which) {
                    // With no new payments the overdue balance only grows.
                    prop_assert!(had(&after.measures, which), "{:?} lifted without a payment", which);
                }
            }
        }
    }

    #[test]
    fn agenda_items_are_for_open_undisputed_balances(accounts in arb_accounts(), offset in -30i64..60) {
        let at = ago(-offset);
        let assessment = evaluate(&accounts, &Policy::standard(), at);
        for item in &assessment.agenda {
            let account = accounts.iter().find(|a| a.customer_id == item.customer_id).expect("known customer");
            let covered: Vec<&OpenInvoice> = account.invoices.iter().filter(|i| item.invoices.contains(&i.id)).collect();
            prop_assert!(!covered.is_empty(), "item covers no open invoice: {:?}", item);
            prop_assert!(covered.iter().all(|i| i.open > Decimal::ZERO && i.currency == item.currency));
            if item.kind != AgendaKind::Dispute {
                prop_assert!(
                    account.invoices.iter().any(|i| i.dispute.is_none() && i.open >= Policy::standard().min_balance && i.issue_date <= at),
                    "item for a customer with no open undisputed balance: {:?}", item
                );
            }
        }
        let mut keys: Vec<(i64, &str, Currency)> = assessment.agenda.iter().map(|i| (i.customer_id, i.action.as_str(), i.currency)).collect();
        let before = keys.len();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), before, "one item per customer, action and currency");
        for pair in assessment.agenda.windows(2) {
            prop_assert!(pair[0].overdue_balance >= pair[1].overdue_balance, "largest overdue balance first");
        }
    }
}
