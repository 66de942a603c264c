//! As of D means as of D: for random ledgers written through the real
//! binary, every report as of D is byte-identical before and after facts
//! dated after D are added (payments, invoices, follow-ups, promises,
//! plans, disputes, write-offs, holds: everything the CLI writes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{AS_OF, Ledger};

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

const CUSTOMERS: [&str; 2] = ["ALFA", "BETA"];

/// One write through the CLI; its day is counted from the phase's start.
#[derive(Debug, Clone)]
enum Fact {
    Invoice {
        customer: usize,
        terms: u32,
        cents: u32,
    },
    Payment {
        customer: usize,
        cents: u32,
        named: Option<usize>,
    },
    Log {
        customer: usize,
        kind: usize,
        next: Option<u32>,
    },
    Promise {
        customer: usize,
        within: u32,
        cents: u32,
    },
    Plan {
        customer: usize,
        first: u32,
        cents: u32,
    },
    Dispute(usize),
    Resolve(usize),
    WriteOff(usize),
    Hold(usize),
    Release(usize),
}

fn fact() -> impl Strategy<Value = Fact> {
    let customer = 0..CUSTOMERS.len();
    prop_oneof![
        5 => (customer.clone(), 0..45u32, 1_000..400_000u32)
            .prop_map(|(customer, terms, cents)| Fact::Invoice { customer, terms, cents }),
        3 => (customer.clone(), 1_000..300_000u32, prop::option::of(0..12usize))
            .prop_map(|(customer, cents, named)| Fact::Payment { customer, cents, named }),
        2 => (customer.clone(), 0..4usize, prop::option::of(1..20u32))
            .prop_map(|(customer, kind, next)| Fact::Log { customer, kind, next }),
        2 => (customer.clone(), 1..20u32, 1_000..300_000u32)
            .prop_map(|(customer, within, cents)| Fact::Promise { customer, within, cents }),
        1 => (customer.clone(), 1..20u32, 1_000..200_000u32)
            .prop_map(|(customer, first, cents)| Fact::Plan { customer, first, cents }),
        1 => (0..12usize).prop_map(Fact::Dispute),
        1 => (0..12usize).prop_map(Fact::Resolve),
        1 => (0..12usize).prop_map(Fact::WriteOff),
        1 => customer.clone().prop_map(Fact::Hold),
        1 => customer.prop_map(Fact::Release),
    ]
}

fn date(from: NaiveDate, days: u32) -> NaiveDate {
    from + Days::new(u64::from(days))
}

fn amount(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What the facts written so far name: each invoice with its customer
/// (and its arguments: number, issued, due, amount), and the invoices
/// disputed.
#[derive(Debug, Clone, Default)]
struct Written {
    invoices: Vec<(String, usize)>,
    rows: Vec<[String; 5]>,
    disputed: Vec<String>,
}

/// An invoice export, as the accounting program would write it on `on`:
/// every invoice written so far paid in full there, and one new invoice
/// of a customer dun has not seen yet.
fn export(written: &Written, on: NaiveDate) -> String {
    let mut csv = String::from(
        "Invoice No,Customer,Customer Name,Email,Invoice Date,Due Date,Amount,Currency,Balance Due\n",
    );
    for [number, customer, issued, due, amount] in &written.rows {
        csv.push_str(&format!(
            "{number},{customer},{customer},,{issued},{due},{amount},EUR,0.00\n"
        ));
    }
    let due = date(on, 30);
    csv.push_str(&format!("G-1,GAMMA,Gamma,,{on},{due},250.00,EUR,250.00\n"));
    csv
}

impl Written {
    fn invoice(&self, i: usize) -> Option<String> {
        let n = self.invoices.len();
        (n > 0).then(|| self.invoices[i % n].0.clone())
    }

    /// One of the customer's invoices.
    fn of(&self, customer: usize, i: usize) -> Option<String> {
        let theirs: Vec<&String> = self
            .invoices
            .iter()
            .filter(|(_, c)| *c == customer)
            .map(|(number, _)| number)
            .collect();
        (!theirs.is_empty()).then(|| theirs[i % theirs.len()].clone())
    }

    fn disputed(&self, i: usize) -> Option<String> {
        let n = self.disputed.len();
        (n > 0).then(|| self.disputed[i % n].clone())
    }
}

/// The CLI arguments of a fact dated `on`, the `n`th written.
fn args(fact: &Fact, on: NaiveDate, n: usize, written: &Written) -> Vec<String> {
    let on_s = on.to_string();
    let invoice = |i: usize| written.invoice(i);
    match fact {
        Fact::Invoice {
            customer,
            terms,
            cents,
        } => vec![
            "invoice".into(),
            "add".into(),
            format!("N-{n:03}"),
            "--customer".into(),
            CUSTOMERS[*customer].into(),
            "--issued".into(),
            on_s.clone(),
            "--due".into(),
            date(on, *terms).to_string(),
            "--amount".into(),
            amount(*cents),
        ],
        Fact::Payment {
            customer,
            cents,
            named,
        } => {
            let mut a = vec![
                "payment".into(),
                "add".into(),
                "--customer".into(),
                CUSTOMERS[*customer].into(),
                "--amount".into(),
                amount(*cents),
                "--date".into(),
                on_s.clone(),
            ];
            if let Some(number) = named.and_then(|i| written.of(*customer, i)) {
                a.extend(["--invoice".into(), number]);
            }
            a
        }
        Fact::Log {
            customer,
            kind,
            next,
        } => {
            let kinds = ["call", "email", "letter", "sales_rep"];
            let mut a = vec![
                "log".into(),
                CUSTOMERS[*customer].into(),
                "--kind".into(),
                kinds[*kind].into(),
                "--date".into(),
                on_s.clone(),
            ];
            if let Some(next) = next {
                a.extend(["--next".into(), date(on, *next).to_string()]);
            }
            a
        }
        Fact::Promise {
            customer,
            within,
            cents,
        } => vec![
            "promise".into(),
            CUSTOMERS[*customer].into(),
            "--date".into(),
            date(on, *within).to_string(),
            "--amount".into(),
            amount(*cents),
        ],
        Fact::Plan {
            customer,
            first,
            cents,
        } => vec![
            "plan".into(),
            CUSTOMERS[*customer].into(),
            "--instalment".into(),
            format!("{}:{}", date(on, *first), amount(*cents)),
            "--instalment".into(),
            format!("{}:{}", date(on, first + 30), amount(*cents)),
        ],
        Fact::Dispute(i) => match invoice(*i) {
            Some(number) => vec![
                "invoice".into(),
                "dispute".into(),
                number,
                "--reason".into(),
                "damaged goods".into(),
            ],
            None => Vec::new(),
        },
        Fact::Resolve(i) => match written.disputed(*i) {
            Some(number) => vec!["invoice".into(), "resolve".into(), number],
            None => Vec::new(),
        },
        Fact::WriteOff(i) => match invoice(*i) {
            Some(number) => vec!["invoice".into(), "write-off".into(), number],
            None => Vec::new(),
        },
        Fact::Hold(c) => vec![
            "hold".into(),
            CUSTOMERS[*c].into(),
            "--reason".into(),
            "credit check".into(),
        ],
        Fact::Release(c) => vec![
            "release".into(),
            CUSTOMERS[*c].into(),
            "--reason".into(),
            "checked".into(),
        ],
    }
}

/// Writes the facts, each as of its own date; a write the program refuses
/// leaves the ledger as it was, so refusals are part of the story.
/// Invoices numbered by position, so a later one never reuses a number.
fn write(
    ledger: &Ledger,
    facts: &[(u32, Fact)],
    from: NaiveDate,
    offset: usize,
    written: &mut Written,
) {
    let mut dated: Vec<(NaiveDate, usize, &Fact)> = facts
        .iter()
        .enumerate()
        .map(|(n, (day, f))| (date(from, *day), n + offset, f))
        .collect();
    dated.sort_by_key(|(on, n, _)| (*on, *n));
    for (on, n, fact) in dated {
        let args = args(fact, on, n, written);
        if args.is_empty() {
            continue;
        }
        let out = ledger
            .dun_as_of(&on.to_string())
            .args(&args)
            .output()
            .unwrap();
        if out.status.success() {
            match fact {
                Fact::Invoice { customer, .. } => {
                    written.invoices.push((args[2].clone(), *customer));
                    let row = [2, 4, 6, 8, 10].map(|i| args[i].clone());
                    written.rows.push(row);
                }
                Fact::Dispute(_) => written.disputed.push(args[2].clone()),
                _ => {}
            }
        }
    }
}

/// Every report as of D, each with its exit status and both streams.
fn reports(ledger: &Ledger, invoices: &[String]) -> Vec<(String, String)> {
    let mut calls: Vec<Vec<String>> = vec![
        vec!["aging".into(), "--format".into(), "json".into()],
        vec!["aging".into()],
        vec!["agenda".into(), "--format".into(), "json".into()],
        vec!["agenda".into()],
    ];
    for report in [
        &["dso"][..],
        &["cei"],
        &["payers"],
        &["changes", "--since", "2026-10-01"],
        &["forecast", "--explain"],
        &["forecast", "--backtest"],
    ] {
        let mut call = vec!["report".to_string()];
        call.extend(report.iter().map(|a| a.to_string()));
        call.extend(["--format".to_string(), "json".to_string()]);
        calls.push(call);
    }
    for code in CUSTOMERS {
        calls.push(vec![
            "status".into(),
            code.into(),
            "--format".into(),
            "json".into(),
        ]);
        calls.push(vec!["status".into(), code.into()]);
        calls.push(vec!["statement".into(), code.into()]);
        calls.push(vec!["letter".into(), code.into()]);
    }
    for number in invoices.iter().take(4) {
        calls.push(vec![
            "why".into(),
            number.clone(),
            "--format".into(),
            "json".into(),
        ]);
    }
    calls
        .into_iter()
        .map(|call| {
            let out = ledger.dun().args(&call).output().unwrap();
            let text = format!(
                "exit {:?}\n{}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (call.join(" "), text)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn reports_as_of_a_date_ignore_every_later_fact(
        before in prop::collection::vec((0..140u32, fact()), 4..16),
        after in prop::collection::vec((1..90u32, fact()), 1..10),
        import_on in prop::option::of(1..90u32),
    ) {
        let d: NaiveDate = AS_OF.parse().unwrap();
        let ledger = Ledger::new();
        for code in CUSTOMERS {
            let out = ledger
                .dun_as_of("2026-06-01")
                .args(["customer", "add", code, "--name", code])
                .output()
                .unwrap();
            prop_assert!(out.status.success());
        }
        let start = d - Days::new(140);
        let mut written = Written::default();
        write(&ledger, &before, start, 0, &mut written);
        let known: Vec<String> = written.invoices.iter().map(|(n, _)| n.clone()).collect();
        let first = reports(&ledger, &known);
        if let Some(day) = import_on {
            // An import after D that finds every invoice paid elsewhere
            // and brings in a new customer.
            let on = date(d, day);
            let file = ledger.dir.path().join("export.csv");
            std::fs::write(&file, export(&written, on)).unwrap();
            let out = ledger
                .dun_as_of(&on.to_string())
                .args(["import", "invoices"])
                .arg(&file)
                .output()
                .unwrap();
            prop_assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        write(&ledger, &after, d, before.len(), &mut written);
        let second = reports(&ledger, &known);
        for ((call, was), (_, is)) in first.iter().zip(&second) {
            prop_assert_eq!(was, is, "dun {} as of {} changed", call, AS_OF);
        }
    }
}
