//! Late-payment charges: interest day by day on what was outstanding,
//! fixed fees in their own currency, rounding once.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::dunning::terms::{Charges, Debt, InterestKind, LateTerms, TermsSpec};
use crate::ledger::{SettledBy, Settlement};
use crate::money::Currency;

fn dec(s: &str) -> Decimal {
    s.parse().expect("literal")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("literal date")
}

fn simple(rate: &str) -> LateTerms {
    LateTerms::from_spec(&TermsSpec {
        interest: InterestKind::Simple,
        interest_rate: dec(rate),
        ..TermsSpec::default()
    })
}

/// 8% a year, 40 EUR compensation and 5 EUR a week.
fn eight_percent_and_fees() -> LateTerms {
    LateTerms::from_spec(&TermsSpec {
        interest: InterestKind::Simple,
        interest_rate: dec("8"),
        compensation: dec("40"),
        weekly_penalty: dec("5"),
        fees_currency: Some(Currency::EUR),
        ..TermsSpec::default()
    })
}

fn paid(on: &str, amount: &str) -> Settlement {
    Settlement {
        on: date(on),
        amount: dec(amount),
        by: SettledBy::Payment(1),
    }
}

fn debt<'a>(due: &str, open: &str, settlements: &'a [Settlement]) -> Debt<'a> {
    Debt {
        due_date: date(due),
        open: dec(open),
        settlements,
        currency: Currency::EUR,
    }
}

#[test]
fn statutory_interest_compensation_and_weekly_penalty() {
    let terms = LateTerms::from_spec(&TermsSpec {
        interest: InterestKind::Statutory,
        reference_rate: dec("2.15"),
        compensation: dec("40"),
        weekly_penalty: dec("5"),
        fees_currency: Some(Currency::EUR),
        ..TermsSpec::default()
    });
    assert_eq!(terms.yearly_rate, Some(dec("10.15")));
    // 10,000 at 10.15% for 30 days: 10000 * 0.1015 * 30 / 365 = 83.42465…
    let open = debt("2026-10-01", "10000", &[]);
    let c = terms.charges(&open, date("2026-10-31"));
    assert_eq!(c.interest, dec("83.42"));
    assert_eq!(c.compensation, dec("40"));
    assert_eq!(c.penalty, dec("20"), "four full weeks");
    assert_eq!(c.total(), dec("143.42"));
    assert_eq!(terms.charges(&open, date("2026-10-01")), Charges::default());
    assert_eq!(
        terms.charges(&open, date("2026-10-07")).penalty,
        Decimal::ZERO
    );
}

#[test]
fn no_terms_charge_nothing() {
    let terms = LateTerms::from_spec(&TermsSpec::default());
    assert!(terms.is_free());
    let open = debt("2026-08-01", "500", &[]);
    assert_eq!(
        terms.charges(&open, date("2026-11-01")).total(),
        Decimal::ZERO
    );
    assert_eq!(terms.describe(), "no late-payment charges");
}

#[test]
fn a_partial_payment_stops_interest_on_its_part_from_its_date() {
    // 10,000 at 8% due 1 Oct, 5,000 paid on 31 Oct: as of 15 Nov,
    // 10000 × 8% × 30/365 + 5000 × 8% × 15/365 = 65.753… + 16.438… = 82.19.
    let settlements = [paid("2026-10-31", "5000")];
    let half = debt("2026-10-01", "5000", &settlements);
    assert_eq!(
        simple("8").charges(&half, date("2026-11-15")).interest,
        dec("82.19")
    );
    // As of the payment's day, the whole amount earned interest until then.
    assert_eq!(
        simple("8").charges(&half, date("2026-10-31")).interest,
        dec("65.75")
    );
    // A payment before the due date: interest only on the rest.
    let early = [paid("2026-09-20", "5000")];
    let early = debt("2026-10-01", "5000", &early);
    assert_eq!(
        simple("8").charges(&early, date("2026-10-31")).interest,
        dec("32.88")
    );
}

#[test]
fn interest_stops_when_the_invoice_is_paid_and_what_accrued_is_kept() {
    let terms = eight_percent_and_fees();
    let settlements = [paid("2026-10-31", "10000")];
    let paid_late = debt("2026-10-01", "0", &settlements);
    for as_of in ["2026-10-31", "2026-12-31", "2027-06-30"] {
        let c = terms.charges(&paid_late, date(as_of));
        assert_eq!(c.interest, dec("65.75"), "as of {as_of}");
        assert_eq!(c.compensation, dec("40"));
        assert_eq!(c.penalty, dec("20"), "four full weeks until paid");
    }
    let on_time = [paid("2026-10-01", "10000")];
    let on_time = debt("2026-10-01", "0", &on_time);
    assert_eq!(
        terms.charges(&on_time, date("2026-12-31")),
        Charges::default()
    );
}

#[test]
fn interest_is_rounded_once_at_the_end() {
    // 100, 99.99 and 99.98 for a day each at 10%: 299.97 × 0.1 / 365 =
    // 0.0822 → 0.08; rounding each day (0.03 three times) would give 0.09.
    let settlements = [paid("2026-10-02", "0.01"), paid("2026-10-03", "0.01")];
    let open = debt("2026-10-01", "99.98", &settlements);
    assert_eq!(
        simple("10").charges(&open, date("2026-10-04")).interest,
        dec("0.08")
    );
}

#[test]
fn fixed_fees_are_charged_only_in_their_own_currency() {
    let terms = eight_percent_and_fees();
    let usd = Debt {
        currency: Currency::USD,
        ..debt("2026-10-01", "10000", &[])
    };
    let c = terms.charges(&usd, date("2026-10-31"));
    assert_eq!(c.interest, dec("65.75"), "a rate is a rate in any currency");
    assert_eq!((c.compensation, c.penalty), (Decimal::ZERO, Decimal::ZERO));
    assert_eq!(
        terms.describe(),
        "interest at 8% a year on the overdue balance, \
         a fixed compensation of 40 EUR per late invoice in EUR, \
         a penalty of 5 EUR for each week overdue in EUR"
    );
}

#[test]
fn what_an_export_found_paid_before_import_earns_no_interest() {
    let settlements = [Settlement {
        on: date("2026-11-10"),
        amount: dec("300"),
        by: SettledBy::BeforeImport,
    }];
    let imported = debt("2026-10-01", "700", &settlements);
    // Only the 700 still open earns interest: 700 × 8% × 30 / 365.
    assert_eq!(
        simple("8").charges(&imported, date("2026-10-31")).interest,
        dec("4.60")
    );
}

#[test]
fn an_invoice_is_paid_on_a_known_day_unless_an_import_settled_it_last() {
    use crate::ledger::settled_in_full_on;
    let by_import = Settlement {
        on: date("2026-11-20"),
        amount: dec("500"),
        by: SettledBy::Import,
    };
    let paid_first = [paid("2026-10-31", "500"), by_import];
    assert_eq!(settled_in_full_on(&paid_first), None);
    let paid_last = [by_import, paid("2026-11-25", "500")];
    assert_eq!(settled_in_full_on(&paid_last), Some(date("2026-11-25")));
    assert_eq!(settled_in_full_on(&[]), None);
}
