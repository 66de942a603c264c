//! ISO 20022 camt.052/053/054, every version in use (001.02 to 001.13):
//! statements (`Stmt`), notifications (`Ntfctn`) and reports (`Rpt`), each
//! entry (`Ntry`) a line, or one line per transaction of a batch entry.
//! Errors name the element path (`Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt`).

use std::io::BufRead;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::xml::{Node, Step, Stream};
use super::{Balances, BankLine, Halt, Lines, amount, currency, iban};
use crate::import::RowError;
use crate::import::customers::CustomerKey;
use dun_core::money::{Currency, plain_amount};

/// The elements that hold one account's entries.
const CONTAINERS: &[&str] = &["Stmt", "Ntfctn", "Rpt"];

/// One statement being read.
struct Open {
    path: String,
    account: Option<String>,
    opening: Option<Decimal>,
    closing: Option<Decimal>,
    booked: Decimal,
    currency: Option<Currency>,
    entries: usize,
    balances: usize,
}

/// Reads a camt document, handing each line to `statement` as it is read;
/// returns the file's SHA-256.
pub(super) fn read<R: BufRead>(input: R, statement: &mut Lines<'_>) -> Result<String, Halt> {
    let mut stream = Stream::new(input);
    let mut path: Vec<String> = Vec::new();
    let mut counts: Vec<std::collections::HashMap<String, usize>> = vec![Default::default()];
    let mut open: Option<Open> = None;
    let mut found = 0_usize;
    let mut namespace_seen = false;
    loop {
        match stream.next()? {
            Step::Open(o) => {
                if !namespace_seen {
                    namespace_seen = true;
                    check_namespace(&o)?;
                }
                let n = {
                    let c = counts
                        .last_mut()
                        .map(|m| m.entry(o.name.clone()).or_default());
                    c.map(|n| {
                        *n += 1;
                        *n
                    })
                    .unwrap_or(1)
                };
                if let Some(current) = open.as_mut()
                    && path.len() == depth_of(&current.path)
                    && matches!(o.name.as_str(), "Acct" | "Bal" | "Ntry")
                {
                    let at = format!("{}/{}[{n}]", current.path, o.name);
                    let line = o.line;
                    let node = stream.subtree(o)?;
                    element(current, &node, &at, line, statement)?;
                    continue;
                }
                if CONTAINERS.contains(&o.name.as_str()) && open.is_none() {
                    let here = format!("{}/{}[{n}]", path.join("/"), o.name);
                    open = Some(Open {
                        path: here.trim_start_matches('/').to_string(),
                        account: None,
                        opening: None,
                        closing: None,
                        booked: Decimal::ZERO,
                        currency: None,
                        entries: 0,
                        balances: 0,
                    });
                    found += 1;
                }
                if o.empty {
                    continue;
                }
                path.push(if CONTAINERS.contains(&o.name.as_str()) {
                    format!("{}[{n}]", o.name)
                } else {
                    o.name
                });
                counts.push(Default::default());
            }
            Step::Close => {
                path.pop();
                counts.pop();
                if let Some(current) = open.take_if(|c| path.len() < depth_of(&c.path)) {
                    close(current, statement);
                }
            }
            Step::Text(_) => {}
            Step::End => break,
        }
    }
    if found == 0 {
        return Err(RowError::file(
            "expected a camt statement (Stmt), notification (Ntfctn) or report (Rpt); found none"
                .into(),
        )
        .fatal()
        .into());
    }
    Ok(stream.tally().sha256())
}

/// How many elements deep a statement's path is.
fn depth_of(path: &str) -> usize {
    path.split('/').count()
}

/// Refuses an XML document that is not camt.
fn check_namespace(root: &super::xml::Open) -> Result<(), RowError> {
    let camt = root
        .attrs
        .iter()
        .any(|(_, v)| v.contains("camt.052") || v.contains("camt.053") || v.contains("camt.054"));
    if camt || root.name != "Document" {
        return Ok(());
    }
    Err(RowError::at_line(
        root.line,
        "expected a camt.052, camt.053 or camt.054 document (namespace \
         urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)"
            .into(),
    )
    .fatal())
}

/// Takes in one of a statement's account, balances or entries.
fn element(
    current: &mut Open,
    node: &Node,
    at: &str,
    line: u64,
    statement: &mut Lines<'_>,
) -> Result<(), Halt> {
    match node.name.as_str() {
        "Acct" => {
            current.account = node
                .text_at(&["Id", "IBAN"])
                .or_else(|| node.text_at(&["Id", "Othr", "Id"]))
                .map(|a| iban(a).unwrap_or_else(|| a.to_string()));
        }
        "Bal" => {
            current.balances += 1;
            let code = node.text_at(&["Tp", "CdOrPrtry", "Cd"]).unwrap_or_default();
            if matches!(code, "OPBD" | "PRCD" | "CLBD") {
                let (value, ccy) = signed(node, at)?;
                current.currency = current.currency.or(Some(ccy));
                match code {
                    "CLBD" => current.closing = Some(value),
                    _ => current.opening = current.opening.or(Some(value)),
                }
            }
        }
        _ => {
            current.entries += 1;
            entry(current, node, at, line, statement)?;
        }
    }
    Ok(())
}

/// Ends a statement: its balances checked against its entries.
fn close(current: Open, statement: &mut Lines<'_>) {
    let check = Balances {
        label: &current.path,
        opening: current.opening,
        closing: current.closing,
        booked: current.booked,
        currency: current.currency,
    };
    if let Some(w) = check.check() {
        statement.warnings.push(w);
    }
}

/// An amount with its currency and sign (`CdtDbtInd`): credits positive.
fn signed(node: &Node, at: &str) -> Result<(Decimal, Currency), RowError> {
    let (value, ccy) = unsigned(node, &["Amt"], at)?
        .ok_or_else(|| refuse(at, "Amt", "an amount; the element is missing", None))?;
    Ok((if credit(node, at)? { value } else { -value }, ccy))
}

/// The amount at `path`, when there is one, with its currency.
fn unsigned(node: &Node, path: &[&str], at: &str) -> Result<Option<(Decimal, Currency)>, RowError> {
    let Some(amt) = node.at(path) else {
        return Ok(None);
    };
    let where_ = path.join("/");
    let value = amount(&amt.text)
        .filter(|v| !v.is_sign_negative())
        .ok_or_else(|| refuse(at, &where_, "an amount such as 1234.56", Some(&amt.text)))?;
    let code = amt
        .attr("Ccy")
        .ok_or_else(|| refuse(at, &format!("{where_}@Ccy"), "a currency attribute", None))?;
    let ccy = currency(code).map_err(|m| refuse_msg(at, &format!("{where_}@Ccy"), m))?;
    Ok(Some((value, ccy)))
}

/// Whether `CdtDbtInd` says credit.
fn credit(node: &Node, at: &str) -> Result<bool, RowError> {
    match node.text_at(&["CdtDbtInd"]) {
        Some("CRDT") => Ok(true),
        Some("DBIT") => Ok(false),
        other => Err(refuse(at, "CdtDbtInd", "CRDT or DBIT", other)),
    }
}

/// A refusal naming the element.
fn refuse(at: &str, element: &str, expected: &str, found: Option<&str>) -> RowError {
    let found = found
        .map(|f| format!(", found '{}'", crate::text::excerpt(f.trim())))
        .unwrap_or_default();
    refuse_msg(at, element, format!("expected {expected}{found}"))
}

fn refuse_msg(at: &str, element: &str, message: String) -> RowError {
    RowError::file(format!("{at}/{element}: {message}")).fatal()
}

/// The day an entry was booked: `BookgDt/Dt` or `BookgDt/DtTm`, else its
/// value date.
fn booked_on(node: &Node, at: &str) -> Result<NaiveDate, RowError> {
    for path in [
        ["BookgDt", "Dt"],
        ["BookgDt", "DtTm"],
        ["ValDt", "Dt"],
        ["ValDt", "DtTm"],
    ] {
        if let Some(text) = node.text_at(&path) {
            let day = text.get(..10).unwrap_or(text);
            return NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| refuse(at, &path.join("/"), "a date (YYYY-MM-DD)", Some(text)));
        }
    }
    Err(refuse(
        at,
        "BookgDt",
        "a booking date; the element is missing",
        None,
    ))
}

/// One entry: its lines, or none when it is pending, information only, a
/// reversal or money going out (still counted against the balances).
fn entry(
    current: &mut Open,
    node: &Node,
    at: &str,
    line: u64,
    statement: &mut Lines<'_>,
) -> Result<(), Halt> {
    let (value, ccy) = signed(node, at)?;
    let status = node
        .text_at(&["Sts", "Cd"])
        .or_else(|| node.text_at(&["Sts"]))
        .unwrap_or("BOOK");
    if status != "BOOK" {
        statement.warnings.push(format!(
            "{at}: an entry of {} {ccy} with status {} is left out (not booked)",
            plain_amount(value.abs(), ccy),
            crate::text::sanitize(status)
        ));
        return Ok(());
    }
    current.booked += value;
    let paid_on = booked_on(node, at)?;
    if matches!(node.text_at(&["RvslInd"]), Some("true" | "1")) {
        statement.warnings.push(format!(
            "{at}: a reversal of {} {ccy} is left out: it takes back an earlier entry, \
             it is not a payment received",
            plain_amount(value.abs(), ccy)
        ));
        return Ok(());
    }
    let txs: Vec<&Node> = node.all("NtryDtls").flat_map(|d| d.all("TxDtls")).collect();
    let entry_ref = node
        .text_at(&["AcctSvcrRef"])
        .or_else(|| node.text_at(&["NtryRef"]));
    let base = Base {
        line,
        paid_on,
        currency: ccy,
        account: current.account.clone(),
        entry_info: node.text_at(&["AddtlNtryInf"]),
    };
    let batch = txs.len() > 1
        && txs
            .iter()
            .all(|t| t.at(&["AmtDtls", "TxAmt", "Amt"]).is_some() || t.child("Amt").is_some());
    if !batch {
        if txs.len() > 1 {
            statement.warnings.push(format!(
                "{at}: a batch of {} transactions without their own amounts is taken as one line",
                txs.len()
            ));
        }
        let tx = if txs.len() == 1 {
            txs.first().copied()
        } else {
            None
        };
        let reference = entry_ref
            .or_else(|| tx.and_then(|t| t.text_at(&["Refs", "AcctSvcrRef"])))
            .map(str::to_string);
        statement.line(base.line(value, tx, reference))?;
        return Ok(());
    }
    split(&base, &txs, value, entry_ref, at, statement)
}

/// The lines of a batch entry, one per transaction, each with its own
/// amount; the direction is the entry's (a batch is one booking).
fn split(
    base: &Base<'_>,
    txs: &[&Node],
    value: Decimal,
    entry_ref: Option<&str>,
    at: &str,
    statement: &mut Lines<'_>,
) -> Result<(), Halt> {
    for (i, tx) in txs.iter().enumerate() {
        let tx_at = format!("{at}/NtryDtls/TxDtls[{}]", i + 1);
        let (amount, tx_ccy) = match unsigned(tx, &["AmtDtls", "TxAmt", "Amt"], &tx_at)? {
            Some(a) => a,
            None => unsigned(tx, &["Amt"], &tx_at)?
                .ok_or_else(|| refuse(&tx_at, "Amt", "an amount", None))?,
        };
        let credit = value.is_sign_positive();
        let reference = tx
            .text_at(&["Refs", "AcctSvcrRef"])
            .map(str::to_string)
            .or_else(|| entry_ref.map(|e| format!("{e}/{}", i + 1)));
        let mut one = base.line(if credit { amount } else { -amount }, Some(tx), reference);
        one.currency = tx_ccy;
        statement.line(one)?;
    }
    Ok(())
}

/// What every line of an entry shares.
struct Base<'a> {
    line: u64,
    paid_on: NaiveDate,
    currency: Currency,
    account: Option<String>,
    entry_info: Option<&'a str>,
}

impl Base<'_> {
    /// A line from an entry and its transaction details.
    fn line(&self, amount: Decimal, tx: Option<&Node>, bank_reference: Option<String>) -> BankLine {
        let text = |path: &[&str]| tx.and_then(|t| t.text_at(path)).map(str::to_string);
        let counterparty = text(&["RltdPties", "Dbtr", "Nm"])
            .or_else(|| text(&["RltdPties", "Dbtr", "Pty", "Nm"]))
            .or_else(|| text(&["RltdPties", "UltmtDbtr", "Nm"]))
            .or_else(|| text(&["RltdPties", "UltmtDbtr", "Pty", "Nm"]));
        let payer_iban = text(&["RltdPties", "DbtrAcct", "Id", "IBAN"])
            .or_else(|| text(&["RltdPties", "DbtrAcct", "Id", "Othr", "Id"]));
        let ustrd: Vec<&str> = tx
            .and_then(|t| t.child("RmtInf"))
            .map(|r| {
                r.all("Ustrd")
                    .map(|u| u.text.trim())
                    .filter(|u| !u.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let reference = if ustrd.is_empty() {
            text(&["AddtlTxInf"]).or_else(|| self.entry_info.map(str::to_string))
        } else {
            Some(ustrd.join(" "))
        };
        let structured = tx
            .and_then(|t| t.child("RmtInf"))
            .and_then(|r| {
                r.all("Strd")
                    .find_map(|s| s.text_at(&["CdtrRefInf", "Ref"]))
            })
            .map(|r| r.split_whitespace().collect::<String>());
        BankLine {
            line: self.line,
            paid_on: self.paid_on,
            amount,
            currency: self.currency,
            reference,
            counterparty: counterparty.clone(),
            customer: CustomerKey {
                code: None,
                name: counterparty,
                either: None,
                email: None,
                since: None,
            },
            invoice: None,
            structured_reference: structured,
            payer_iban: payer_iban.map(|i| iban(&i).unwrap_or(i)),
            bank_reference,
            account: self.account.clone(),
        }
    }
}
