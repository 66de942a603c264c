//! `dun report payers`.

use std::io::Write;

use anyhow::Result;

use super::insight::Ledger;
use crate::output::{Cell, Report};
use crate::store::Scan;
use dun_core::insight::PaidBook;

const NOTE: &str = "Over each customer's invoices paid in full: days to pay = paid - issued; days beyond terms = paid - due (0 when paid on time). Class by days beyond terms ([insight] late_after_days, chronic_after_days); trend: invoices paid in the last recent_days against the earlier ones.";

/// `dun report payers`: one row per customer with a paid invoice.
pub(super) fn payers(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let session = ledger.session;
    let as_of = session.as_of;
    let mut paid = PaidBook::default();
    for part in ledger.fold_records(as_of, Scan::ALL, PaidBook::default, |p, r| p.add(r, as_of))? {
        paid.absorb(part);
    }
    let mut profiles = ledger.store.policy_profiles()?;
    if let Some(id) = ledger.customer {
        profiles.retain(|c, _| *c == id);
    }
    let rows = paid.profiles(
        &profiles,
        &ledger.policy,
        &session.config.config.insight,
        session.as_of,
    );
    let mut report = Report::new([
        ("customer", "Customer"),
        ("name", "Name"),
        ("paid_invoices", "Paid"),
        ("days_to_pay", "Days to pay"),
        ("days_beyond_terms", "Beyond terms"),
        ("class", "Class"),
        ("trend", "Trend"),
        ("policy", "Policy"),
        ("suggested_policy", "Suggests"),
    ]);
    for row in rows {
        let (code, name) = ledger
            .names
            .get(&row.customer_id)
            .cloned()
            .unwrap_or_default();
        let profile = profiles.get(&row.customer_id).cloned().flatten();
        report.rows.push(vec![
            Cell::Text(code),
            Cell::Text(name),
            Cell::Int(i64::try_from(row.paid).unwrap_or(i64::MAX)),
            Cell::Text(row.days_to_pay.to_string()),
            Cell::Text(row.days_beyond_terms.to_string()),
            Cell::Text(row.class.as_str().into()),
            Cell::Text(row.trend.as_str().into()),
            Cell::opt_text(profile.as_deref()),
            Cell::opt_text(row.suggested_profile),
        ]);
    }
    ledger.write(&report, NOTE, out)
}
