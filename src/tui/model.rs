//! What the dashboard shows, as plain data: built once from the ledger and
//! the engine, updated for one customer after each write. Rendering reads
//! only this; no query runs inside a draw.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use dun_core::aging::{AgingTotals, Buckets, age_account};
use dun_core::dunning::{Account, AccountAssessment, AgendaItem, Measure, Status};
use dun_core::ledger::CustomerId;
use dun_core::money::Currency;

/// A badge beside a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Badge {
    /// Supply stopped.
    StopSupply,
    /// Cash only.
    CashOnly,
    /// On hold by hand.
    Hold,
    /// Over the credit limit.
    OverLimit,
    /// An invoice is disputed.
    Disputed,
}

impl Badge {
    /// Short label for the table.
    pub fn label(self) -> &'static str {
        match self {
            Badge::StopSupply => "STOP",
            Badge::CashOnly => "CASH",
            Badge::Hold => "HOLD",
            Badge::OverLimit => "LIMIT",
            Badge::Disputed => "DISP",
        }
    }
}

/// One customer in one currency on the aging screen: the aging report's
/// row, and the dashboard's own columns beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// The report's row: customer, currency, total and buckets, as
    /// `dun aging` prints them.
    pub report: dun_core::aging::AgingRow,
    /// Code.
    pub code: String,
    /// Name (as stored; sanitised when drawn).
    pub name: String,
    /// Measures and flags.
    pub badges: Vec<Badge>,
    /// Last call, email, letter or visit.
    pub last_contact: Option<NaiveDate>,
    /// The most urgent agenda item's action and stage.
    pub next_action: Option<String>,
    /// Code, name and open invoice numbers, folded (see [`fold`]) and
    /// separated by NULs, for filtering without allocating.
    pub search: String,
    /// The open invoices' ids, in the order of their numbers in `search`
    /// ([`AgingRow::invoice_numbers`]), for a filter that names one.
    pub invoices: Vec<i64>,
    /// Index of the oldest bucket with money in it, for sorting.
    pub oldest: usize,
}

impl AgingRow {
    /// The open invoices' numbers, folded, each with its id.
    pub fn invoice_numbers(&self) -> impl Iterator<Item = (&str, i64)> + '_ {
        self.search
            .split('\u{0}')
            .skip(2)
            .zip(self.invoices.iter().copied())
    }
}

/// One agenda item, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaRow {
    /// The item as the engine made it.
    pub item: AgendaItem,
    /// Customer name.
    pub name: String,
    /// Invoice numbers (a million on a large ledger, so held in one
    /// string).
    pub numbers: crate::output::Items,
    /// The open balance of the item's own invoices (the item's
    /// `overdue_balance` is the customer's, which orders the agenda).
    pub amount: Decimal,
    /// Who to call first about it, with the number to call.
    pub call: Option<std::sync::Arc<ContactLine>>,
}

/// The whole dashboard's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    /// The date of every decision shown.
    pub as_of: NaiveDate,
    /// Bucket titles, e.g. Current, 1-30, …
    pub bucket_titles: Vec<String>,
    /// Aging rows, largest total first.
    pub rows: Vec<AgingRow>,
    /// Today's agenda in priority order. Boxed: a customer's items are
    /// taken out and put back in place after each write, and on a large
    /// ledger the list is long.
    pub agenda: Vec<Box<AgendaRow>>,
    /// Customers in the ledger, owing or not: none means an empty ledger.
    pub customers: usize,
    /// Bank lines waiting to be allocated, oldest first.
    pub waiting: Vec<WaitingLine>,
}

/// A bank line no rule matched with certainty, with its best candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingLine {
    /// Its id (`dun payment allocate ID`).
    pub id: i64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: rust_decimal::Decimal,
    /// Currency.
    pub currency: dun_core::money::Currency,
    /// Who paid, as the bank wrote it.
    pub counterparty: String,
    /// The reference, as the bank wrote it.
    pub reference: String,
    /// Why the import left it waiting.
    pub why: String,
    /// Who may have paid it and for what, best first.
    pub candidates: Vec<crate::import::Candidate>,
}

/// What one account contributes to the board.
pub struct AccountView<'a> {
    /// The snapshot.
    pub account: &'a Account,
    /// The engine's assessment of it.
    pub assessed: &'a AccountAssessment,
    /// Customer name.
    pub name: &'a str,
    /// Last contact from the log.
    pub last_contact: Option<NaiveDate>,
}

impl Board {
    /// Aging rows of one account: the report's rows, one per currency it
    /// has a balance in, with the dashboard's columns beside them.
    pub fn rows_for(
        view: &AccountView<'_>,
        agenda: &[AgendaItem],
        buckets: &Buckets,
        as_of: NaiveDate,
    ) -> Vec<AgingRow> {
        let AccountView {
            account,
            assessed,
            name,
            last_contact,
        } = view;
        let badges = badges(assessed);
        let next_action = agenda
            .iter()
            .find(|i| i.customer_id == account.customer_id)
            .map(|i| format!("{} ({})", i.action.as_str(), i.stage));
        let open = account.invoices.iter().filter(|i| !i.open.is_zero());
        // Sized before they are filled: the board holds a row per
        // customer, and lists grown by doubling would carry up to as much
        // again unused.
        let mut invoices: Vec<i64> = Vec::with_capacity(open.clone().count());
        invoices.extend(open.clone().map(|i| i.id));
        let numbers: usize = open.clone().map(|i| i.number.len() + 1).sum();
        let mut search = String::with_capacity(account.code.len() + 1 + name.len() + numbers);
        fold_into(&mut search, &account.code);
        search.push('\u{0}');
        fold_into(&mut search, name);
        for invoice in open {
            search.push('\u{0}');
            fold_into(&mut search, &invoice.number);
        }
        let reports = age_account(account, buckets, as_of);
        let last = reports.len().saturating_sub(1);
        let (mut search, mut invoices) = (search, invoices);
        reports
            .into_iter()
            .enumerate()
            .map(|(n, report)| AgingRow {
                oldest: report.oldest_bucket(),
                report,
                code: account.code.clone(),
                name: name.to_string(),
                badges: badges.clone(),
                last_contact: *last_contact,
                next_action: next_action.clone(),
                // One row per currency: the last takes what the others copy.
                search: taken_or_copied(&mut search, n == last),
                invoices: taken_or_copied(&mut invoices, n == last),
            })
            .collect()
    }

    /// Sorts rows largest total first, then by code.
    pub fn sort_rows(rows: &mut [AgingRow]) {
        rows.sort_by(row_order);
    }

    /// Puts the agenda in priority order.
    pub fn sort_agenda(&mut self) {
        self.agenda
            .sort_by(|a, b| dun_core::dunning::priority_order(&a.item, &b.item));
    }

    /// Replaces one customer's rows and agenda items after a write, putting
    /// the new ones in place rather than sorting everything again; returns
    /// where the board's rows moved, so a view of them can follow.
    pub fn replace_customer(
        &mut self,
        customer_id: CustomerId,
        mut rows: Vec<AgingRow>,
        agenda: Vec<AgendaRow>,
    ) -> Shift {
        let removed: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i].report.customer_id == customer_id)
            .collect();
        let reports = removed
            .iter()
            .map(|&i| self.rows[i].report.clone())
            .collect();
        // One pass over the board, not one per row removed: the rows are
        // many and large.
        if !removed.is_empty() {
            self.rows.retain(|r| r.report.customer_id != customer_id);
        }
        rows.sort_by(row_order);
        let mut inserted: Vec<usize> = Vec::with_capacity(rows.len());
        for row in rows {
            let at = self
                .rows
                .partition_point(|r| row_order(r, &row) == std::cmp::Ordering::Less);
            self.rows.insert(at, row);
            for earlier in inserted.iter_mut().filter(|p| **p >= at) {
                *earlier += 1;
            }
            inserted.push(at);
        }
        inserted.sort_unstable();
        // One pass: a customer written to is on the agenda more often
        // than not, and asking first would read every item twice.
        self.agenda.retain(|a| a.item.customer_id != customer_id);
        for item in agenda {
            let at = self.agenda.partition_point(|a| {
                dun_core::dunning::priority_order(&a.item, &item.item) == std::cmp::Ordering::Less
            });
            self.agenda.insert(at, Box::new(item));
        }
        Shift {
            removed,
            reports,
            inserted,
        }
    }

    /// The totals of every row, per currency.
    pub fn totals(&self) -> AgingTotals {
        AgingTotals::of(self.rows.iter().map(|r| &r.report))
    }
}

/// `value` itself when `last`, a copy of it otherwise.
fn taken_or_copied<T: Clone + Default>(value: &mut T, last: bool) -> T {
    if last {
        std::mem::take(value)
    } else {
        value.clone()
    }
}

/// Text as the filter compares it: lowercase, without accents, so
/// "electricite" finds "Électricité".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// As [`fold`], onto the end of `out`. A NUL, which separates the parts
/// of a row's search text, becomes a space.
fn fold_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\u{0}' {
            out.push(' ');
            continue;
        }
        if c.is_ascii() {
            // No ASCII letter is accented: the table is for the rest.
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match base_letter(c) {
            Some(base) => out.push_str(base),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// The plain letters of an accented Latin letter, lowercase.
fn base_letter(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăąÀÁÂÃÄÅĀĂĄ", "a"),
        ("çćĉċčÇĆĈĊČ", "c"),
        ("ďđĎĐ", "d"),
        ("èéêëēĕėęěÈÉÊËĒĔĖĘĚ", "e"),
        ("ĝğġģĜĞĠĢ", "g"),
        ("ĥħĤĦ", "h"),
        ("ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", "i"),
        ("ĵĴ", "j"),
        ("ķĶ", "k"),
        ("ĺļľŀłĹĻĽĿŁ", "l"),
        ("ñńņňÑŃŅŇ", "n"),
        ("òóôõöøōŏőÒÓÔÕÖØŌŎŐ", "o"),
        ("ŕŗřŔŖŘ", "r"),
        ("śŝşšșŚŜŞŠȘ", "s"),
        ("ţťŧțŢŤŦȚ", "t"),
        ("ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", "u"),
        ("ŵŴ", "w"),
        ("ýÿŷÝŸŶ", "y"),
        ("źżžŹŻŽ", "z"),
        ("æÆ", "ae"),
        ("œŒ", "oe"),
        ("ß", "ss"),
    ];
    TABLE
        .iter()
        .find(|(accented, _)| accented.contains(c))
        .map(|(_, base)| *base)
}

/// The badges of an account's measures and disputes.
fn badges(assessed: &AccountAssessment) -> Vec<Badge> {
    let mut badges: Vec<Badge> = assessed
        .measures
        .iter()
        .filter_map(|m| match m.measure {
            Measure::StopSupply => Some(Badge::StopSupply),
            Measure::CashOnly => Some(Badge::CashOnly),
            Measure::Hold => Some(Badge::Hold),
            Measure::OverLimit => Some(Badge::OverLimit),
            Measure::Probation => None,
        })
        .collect();
    if assessed
        .invoices
        .iter()
        .any(|i| i.status == Status::Disputed)
    {
        badges.push(Badge::Disputed);
    }
    badges
}

/// Largest total first, then by code.
fn row_order(a: &AgingRow, b: &AgingRow) -> std::cmp::Ordering {
    b.report
        .total
        .cmp(&a.report.total)
        .then_with(|| a.code.cmp(&b.code))
}

/// A contact line on the customer screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactLine {
    /// billing, senior, sales rep.
    pub role: String,
    /// Name, email, phone.
    pub text: String,
    /// Their name.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<String>,
    /// The number to call: theirs, else the customer's main line.
    pub phone: Option<String>,
    /// True when `phone` is the customer's main line, not theirs.
    pub main_phone: bool,
}

impl ContactLine {
    /// Who: "Mihai Popescu, senior", or the role alone.
    pub fn who(&self) -> String {
        match &self.name {
            Some(name) => format!("{name}, {}", self.role),
            None => self.role.clone(),
        }
    }

    /// How to reach them: the phone (marked when it is the main line),
    /// then the email.
    pub fn reach(&self) -> String {
        let phone = match (&self.phone, self.main_phone) {
            (Some(phone), false) => format!("phone {phone}"),
            (Some(phone), true) => format!("phone {phone} (main line)"),
            (None, _) => "no phone on record".to_string(),
        };
        match &self.email {
            Some(email) => format!("{phone} · {email}"),
            None => phone,
        }
    }

    /// Who to call and how, in one line: name, role, phone, email.
    pub fn call_text(&self) -> String {
        format!("{} · {}", self.who(), self.reach())
    }
}

/// One invoice on the customer screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// Store id.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Open balance.
    pub open: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Days overdue.
    pub days_overdue: i64,
    /// Stage label.
    pub stage: String,
    /// Why.
    pub why: String,
    /// True when disputed.
    pub disputed: bool,
}

/// Everything the customer screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetail {
    /// Store id.
    pub customer_id: CustomerId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Who to call first, given the stage reached.
    pub call_first: Option<ContactLine>,
    /// Every contact.
    pub contacts: Vec<ContactLine>,
    /// Measures with since and why.
    pub measures: Vec<(String, NaiveDate, String)>,
    /// Open invoices.
    pub invoices: Vec<InvoiceLine>,
    /// Recent payments: date, amount with currency, reference.
    pub payments: Vec<(NaiveDate, String, String)>,
    /// Promises and plans, one line each.
    pub commitments: Vec<String>,
    /// History, newest first: date, kind, text.
    pub timeline: Vec<(NaiveDate, String, String)>,
    /// The stage the next follow-up most likely performs, and its action.
    pub due: Option<(String, dun_core::dunning::StageAction)>,
    /// True when on hold.
    pub on_hold: bool,
    /// When the ladder next asks for something on this account: the
    /// default follow-up date.
    pub next_step: Option<NaiveDate>,
    /// The bookkeeper's notes on the customer.
    pub notes: Option<String>,
    /// The follow-ups, payments and promises that can be removed from
    /// this screen, newest first.
    pub removable: Vec<super::requests::Undo>,
}

/// Where the board's rows went when one customer's were replaced: the
/// positions its old rows had (ascending), and those its new rows have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Positions of the rows taken out, before.
    pub removed: Vec<usize>,
    /// What those rows reported, in the same order.
    pub reports: Vec<dun_core::aging::AgingRow>,
    /// Positions of the rows put in, after.
    pub inserted: Vec<usize>,
}

impl Shift {
    /// Where a row that was at `before` is now; `None` for one taken out.
    pub fn moved(&self, before: usize) -> Option<usize> {
        if self.removed.binary_search(&before).is_ok() {
            return None;
        }
        let mut at = before - self.removed.partition_point(|&r| r < before);
        for &new in &self.inserted {
            if new <= at {
                at += 1;
            } else {
                break;
            }
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dun_core::dunning::{Explain, OpenInvoice, Policy, assess_account};
    use dun_core::money::Currency;
    use rust_decimal::Decimal;

    #[test]
    fn folding_lowercases_and_strips_accents_ascii_or_not() {
        assert_eq!(fold("ÉLECTRICITÉ Ltd-42/B"), "electricite ltd-42/b");
        assert_eq!(fold("Straße Œuvre ÅSA"), "strasse oeuvre asa");
        assert_eq!(fold("ΣΟΦΙΑ"), "σοφια");
        assert_eq!(fold("A\u{0}B"), "a b");
    }

    #[test]
    fn every_currency_row_of_an_account_carries_its_search_text_and_invoices() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        let mut account = Account::new(7, "ACME", day(1));
        for (id, number, currency) in [(1, "INV-É1", Currency::EUR), (2, "US-2", Currency::USD)] {
            account.invoices.push(OpenInvoice {
                id,
                number: number.into(),
                issue_date: day(1),
                due_date: day(10),
                amount: Decimal::new(1000, 0),
                open: Decimal::new(1000, 0),
                currency,
                dispute: None,
                settlements: Vec::new(),
            });
        }
        let assessed = assess_account(&account, &Policy::standard(), day(20), Explain::Agenda);
        let view = AccountView {
            account: &account,
            assessed: &assessed,
            name: "Acmé Tools",
            last_contact: None,
        };
        let rows = Board::rows_for(&view, &[], &Buckets::default(), day(20));
        assert_eq!(rows.len(), 2);
        for row in &rows {
            assert_eq!(row.search, "acme\u{0}acme tools\u{0}inv-e1\u{0}us-2");
            assert_eq!(row.invoices, [1, 2]);
            assert_eq!(
                row.invoice_numbers().collect::<Vec<_>>(),
                [("inv-e1", 1), ("us-2", 2)]
            );
        }
    }
}
