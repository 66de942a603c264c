//! Each customer's payment record: how long it takes to pay, how far past
//! its terms, what kind of payer that makes it, which way it is going, and
//! the policy profile that record calls for.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::record::{InvoiceRecord, one_decimal};
use crate::dunning::{Policy, slow_payer_advice};
use crate::ledger::CustomerId;

/// The thresholds of the payer classes and the trend (`[insight]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InsightSpec {
    /// Average days beyond terms up to which a customer is a prompt payer.
    pub late_after_days: u32,
    /// Average days beyond terms above which a late payer is chronic.
    pub chronic_after_days: u32,
    /// Invoices paid in this many days before the as-of date are the
    /// recent ones the trend compares with the earlier ones.
    pub recent_days: u32,
    /// How many days the recent average must differ from the earlier one
    /// for the trend to be better or worse rather than steady.
    pub trend_days: u32,
}

impl Default for InsightSpec {
    fn default() -> Self {
        InsightSpec {
            late_after_days: 5,
            chronic_after_days: 30,
            recent_days: 90,
            trend_days: 5,
        }
    }
}

/// What kind of payer a customer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayerClass {
    /// Pays within its terms, or nearly.
    Prompt,
    /// Pays late.
    Late,
    /// Pays very late, as a habit.
    Chronic,
}

impl PayerClass {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PayerClass::Prompt => "prompt",
            PayerClass::Late => "late",
            PayerClass::Chronic => "chronic",
        }
    }
}

/// Which way a customer's lateness is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// Recent invoices paid sooner after their terms than earlier ones.
    Better,
    /// About the same.
    Steady,
    /// Recent invoices paid later.
    Worse,
    /// Nothing paid recently, or nothing before: no comparison.
    Unknown,
}

impl Trend {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Better => "better",
            Trend::Steady => "steady",
            Trend::Worse => "worse",
            Trend::Unknown => "",
        }
    }
}

/// One customer's payment record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayerProfile {
    /// The customer.
    pub customer_id: CustomerId,
    /// Invoices paid in full by the as-of date.
    pub paid: usize,
    /// Average days from issue to payment, to one decimal.
    pub days_to_pay: Decimal,
    /// Average days past the due date (paid early counts 0), to one decimal.
    pub days_beyond_terms: Decimal,
    /// Prompt, late or chronic.
    pub class: PayerClass,
    /// Average days beyond terms of the recent invoices against the earlier.
    pub trend: Trend,
    /// The profile its record calls for, when it differs from the one it is
    /// on: the slow-payer advice of the ladder.
    pub suggested_profile: Option<&'static str>,
}

/// The customer's policy profile, as the payers report needs it.
pub type Profiles<'a> = &'a BTreeMap<CustomerId, Option<String>>;

/// Every customer with a paid invoice, by customer id. `profiles` holds the
/// policy profile each customer is on.
pub fn payers(
    records: &[InvoiceRecord],
    profiles: Profiles<'_>,
    policy: &Policy,
    spec: &InsightSpec,
    as_of: NaiveDate,
) -> Vec<PayerProfile> {
    let mut paid = PaidBook::default();
    for r in records {
        paid.add(r, as_of);
    }
    paid.profiles(profiles, policy, spec, as_of)
}

/// One paid invoice: issued, due, paid, and its id (invoices paid the same
/// day are taken in issue order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Paid {
    issued: NaiveDate,
    id: crate::ledger::InvoiceId,
    due: NaiveDate,
    on: NaiveDate,
}

impl Paid {
    fn days_to_pay(&self) -> i64 {
        (self.on - self.issued).num_days().max(0)
    }

    fn beyond(&self) -> i64 {
        (self.on - self.due).num_days().max(0)
    }
}

/// The invoices paid in full by a date, gathered one invoice at a time in
/// any order, per customer.
#[derive(Debug, Clone, Default)]
pub struct PaidBook {
    by_customer: BTreeMap<CustomerId, Vec<Paid>>,
}

impl PaidBook {
    /// Adds `record` if it was paid in full by `as_of`.
    pub fn add(&mut self, r: &InvoiceRecord, as_of: NaiveDate) {
        if let Some(on) = r.paid_on().filter(|on| *on <= as_of) {
            self.by_customer
                .entry(r.customer_id)
                .or_default()
                .push(Paid {
                    issued: r.issue_date,
                    id: r.id,
                    due: r.due_date,
                    on,
                });
        }
    }

    /// Adds the paid invoices of another book: the book of a ledger read
    /// in parts is the book of the whole (every figure sorts or averages
    /// a customer's list).
    pub fn absorb(&mut self, other: PaidBook) {
        for (customer, list) in other.by_customer {
            self.by_customer.entry(customer).or_default().extend(list);
        }
    }

    /// Every customer's payment record, by customer id.
    pub fn profiles(
        self,
        profiles: Profiles<'_>,
        policy: &Policy,
        spec: &InsightSpec,
        as_of: NaiveDate,
    ) -> Vec<PayerProfile> {
        self.by_customer
            .into_iter()
            .map(|(customer_id, mut list)| {
                // Latest paid first; the same day in issue order.
                list.sort_by_key(|p| (std::cmp::Reverse(p.on), p.issued, p.id));
                let profile = profiles.get(&customer_id).and_then(|p| p.as_deref());
                profile_of(customer_id, &list, profile, policy, spec, as_of)
            })
            .collect()
    }
}

/// Each customer's days beyond terms over its invoices paid in full by a
/// date, summed and counted: all the forecast needs to move due dates by,
/// gathered one invoice at a time in any order without keeping them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatenessBook {
    /// Days beyond terms summed, and invoices counted, per customer.
    by_customer: HashMap<CustomerId, (i64, i64)>,
}

impl LatenessBook {
    /// Adds `record` if it was paid in full by `as_of`.
    pub fn add(&mut self, r: &InvoiceRecord, as_of: NaiveDate) {
        if let Some(on) = r.paid_on().filter(|on| *on <= as_of) {
            let beyond = (on - r.due_date).num_days().max(0);
            let (sum, count) = self.by_customer.entry(r.customer_id).or_default();
            *sum += beyond;
            *count += 1;
        }
    }

    /// Adds the sums of another book: the book of a ledger read in parts
    /// is the book of the whole.
    pub fn absorb(&mut self, other: LatenessBook) {
        for (customer, (sum, count)) in other.by_customer {
            let mine = self.by_customer.entry(customer).or_default();
            mine.0 += sum;
            mine.1 += count;
        }
    }

    /// Each customer's average days beyond terms, rounded to whole days as
    /// the payers report shows it to one decimal, then to the day.
    pub fn lateness(&self) -> BTreeMap<CustomerId, i64> {
        use rust_decimal::prelude::ToPrimitive;
        self.by_customer
            .iter()
            .filter(|(_, (_, count))| *count > 0)
            .map(|(c, (sum, count))| {
                let beyond = Decimal::from(*sum) / Decimal::from(*count);
                (*c, one_decimal(beyond).round().to_i64().unwrap_or(0))
            })
            .collect()
    }
}

fn average(values: impl Iterator<Item = i64>) -> Option<Decimal> {
    let (mut sum, mut n) = (0i64, 0i64);
    for v in values {
        sum += v;
        n += 1;
    }
    (n > 0).then(|| Decimal::from(sum) / Decimal::from(n))
}

fn profile_of(
    customer_id: CustomerId,
    paid: &[Paid],
    profile: Option<&str>,
    policy: &Policy,
    spec: &InsightSpec,
    as_of: NaiveDate,
) -> PayerProfile {
    let beyond = average(paid.iter().map(Paid::beyond)).unwrap_or_default();
    let class = if beyond <= Decimal::from(spec.late_after_days) {
        PayerClass::Prompt
    } else if beyond <= Decimal::from(spec.chronic_after_days) {
        PayerClass::Late
    } else {
        PayerClass::Chronic
    };
    let recent_from = as_of
        .checked_sub_days(Days::new(u64::from(spec.recent_days)))
        .unwrap_or(NaiveDate::MIN);
    let recent = average(paid.iter().filter(|p| p.on > recent_from).map(Paid::beyond));
    let earlier = average(
        paid.iter()
            .filter(|p| p.on <= recent_from)
            .map(Paid::beyond),
    );
    let trend = match (recent, earlier) {
        (Some(r), Some(e)) if r - e > Decimal::from(spec.trend_days) => Trend::Worse,
        (Some(r), Some(e)) if e - r > Decimal::from(spec.trend_days) => Trend::Better,
        (Some(_), Some(_)) => Trend::Steady,
        _ => Trend::Unknown,
    };
    let lateness: Vec<(NaiveDate, NaiveDate)> = paid.iter().map(|p| (p.due, p.on)).collect();
    PayerProfile {
        customer_id,
        paid: paid.len(),
        days_to_pay: one_decimal(average(paid.iter().map(Paid::days_to_pay)).unwrap_or_default()),
        days_beyond_terms: one_decimal(beyond),
        class,
        trend,
        suggested_profile: slow_payer_advice(&lateness, profile, policy).map(|a| a.profile),
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::tests::{date, dec, record};
    use super::*;

    fn policy() -> Policy {
        Policy::standard()
    }

    #[test]
    fn averages_class_trend_and_advice_by_hand() {
        // Customer 1: three invoices due 30 days after issue.
        let records = vec![
            // Paid 10 days after due (40 to pay), in January: earlier.
            record(
                1,
                1,
                ("2026-01-01", "2026-01-31"),
                "100",
                &[("2026-02-10", "100")],
            ),
            // Paid 20 days after due (50 to pay), in March: earlier.
            record(
                2,
                1,
                ("2026-02-01", "2026-03-03"),
                "100",
                &[("2026-03-23", "100")],
            ),
            // Paid 60 days after due (90 to pay), in November: recent.
            record(
                3,
                1,
                ("2026-08-15", "2026-09-14"),
                "100",
                &[("2026-11-13", "100")],
            ),
            // Open: not counted.
            record(4, 1, ("2026-10-01", "2026-10-31"), "100", &[]),
            // Customer 2: paid 5 days before due: 0 beyond terms, 25 to pay.
            record(
                5,
                2,
                ("2026-10-01", "2026-10-31"),
                "100",
                &[("2026-10-26", "100")],
            ),
        ];
        let profiles = BTreeMap::from([(1, None), (2, None)]);
        let rows = payers(
            &records,
            &profiles,
            &policy(),
            &InsightSpec::default(),
            date("2026-11-30"),
        );
        assert_eq!(rows.len(), 2);
        let one = &rows[0];
        assert_eq!(one.paid, 3);
        // To pay: (40 + 50 + 90) / 3 = 60.0; beyond: (10 + 20 + 60) / 3 = 30.0.
        assert_eq!(one.days_to_pay, dec("60.0"));
        assert_eq!(one.days_beyond_terms, dec("30.0"));
        // 30.0 ≤ chronic threshold 30: late, not chronic.
        assert_eq!(one.class, PayerClass::Late);
        // Recent (after 1 Sep): 60; earlier: (10 + 20) / 2 = 15; 60 − 15 > 5: worse.
        assert_eq!(one.trend, Trend::Worse);
        // The ladder's slow-payer rule: average 30 > 15 days: slow_payer.
        assert_eq!(one.suggested_profile, Some("slow_payer"));
        let two = &rows[1];
        assert_eq!(
            (two.days_to_pay, two.days_beyond_terms),
            (dec("25.0"), dec("0.0"))
        );
        assert_eq!(two.class, PayerClass::Prompt);
        assert_eq!(two.trend, Trend::Unknown);
        assert_eq!(two.suggested_profile, None);
    }

    #[test]
    fn a_customer_already_on_the_profile_gets_no_advice() {
        let records = vec![record(
            1,
            1,
            ("2026-01-01", "2026-01-31"),
            "100",
            &[("2026-04-10", "100")],
        )];
        let profiles = BTreeMap::from([(1, Some("slow_payer".to_string()))]);
        let rows = payers(
            &records,
            &profiles,
            &policy(),
            &InsightSpec::default(),
            date("2026-11-30"),
        );
        // 69 days beyond terms > 30: chronic.
        assert_eq!(rows[0].class, PayerClass::Chronic);
        assert_eq!(rows[0].suggested_profile, None);
    }

    #[test]
    fn lateness_is_the_days_beyond_terms_of_the_payers_report_to_the_day() {
        let as_of = date("2026-11-30");
        // Customer 1: 3 and 4 days beyond terms, one paid 5 days early
        // (0, not -5), one paid only in part and one paid after the date
        // (neither counted). Customer 2: 10 beyond.
        let records = vec![
            record(
                1,
                1,
                ("2026-01-01", "2026-01-31"),
                "100",
                &[("2026-02-03", "100")],
            ),
            record(
                2,
                1,
                ("2026-02-01", "2026-03-03"),
                "100",
                &[("2026-03-07", "100")],
            ),
            record(
                3,
                1,
                ("2026-03-01", "2026-03-31"),
                "100",
                &[("2026-03-26", "100")],
            ),
            record(
                4,
                1,
                ("2026-04-01", "2026-05-01"),
                "100",
                &[("2026-06-30", "60")],
            ),
            record(
                5,
                1,
                ("2026-05-01", "2026-05-31"),
                "100",
                &[("2026-12-20", "100")],
            ),
            record(
                6,
                2,
                ("2026-06-01", "2026-07-01"),
                "50",
                &[("2026-07-11", "50")],
            ),
        ];
        let mut book = LatenessBook::default();
        for r in &records {
            book.add(r, as_of);
        }
        // (3 + 4 + 0) / 3 = 2.33…, shown 2.3, moved by 2 days; customer 2: 10.
        assert_eq!(book.lateness(), BTreeMap::from([(1, 2), (2, 10)]));
        let profiles = BTreeMap::from([(1, None), (2, None)]);
        let rows = payers(
            &records,
            &profiles,
            &policy(),
            &InsightSpec::default(),
            as_of,
        );
        for row in rows {
            assert_eq!(
                book.lateness().get(&row.customer_id).copied(),
                rust_decimal::prelude::ToPrimitive::to_i64(&row.days_beyond_terms.round()),
                "customer {}",
                row.customer_id
            );
        }
    }
}
