//! OFX 1.x (SGML: leaf tags left unclosed), 2.x (XML) and Quicken's QFX:
//! every `STMTTRN` of every transaction list of every statement (bank and
//! card). `FITID` is a line's identity; a transaction with `CORRECTFITID`
//! replaces or deletes the one it names. The text is UTF-8 when its bytes
//! are, whatever `CHARSET` declares. Errors name the line.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{BankLine, Statement, amount, currency};
use crate::import::RowError;
use crate::import::customers::CustomerKey;
use dun_core::money::Currency;

/// A tag or a value, with its line.
enum Token<'a> {
    Open(&'a str, u64),
    Close(&'a str),
    Text(&'a str),
}

/// Splits OFX into tags and values; processing instructions, comments and
/// the SGML header are left out.
fn tokens(body: &str, first_line: u64) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut line = first_line;
    let mut rest = body;
    let offset_line = |s: &str| s.bytes().filter(|b| *b == b'\n').count() as u64;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        line += offset_line(text);
        if !text.trim().is_empty() {
            out.push(Token::Text(text.trim()));
        }
        let tag_area = &rest[lt..];
        if let Some(cdata) = tag_area.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            line += offset_line(&cdata[..end]);
            out.push(Token::Text(cdata[..end].trim()));
            rest = cdata.get(end + 3..).unwrap_or_default();
            continue;
        }
        let Some(gt) = tag_area.find('>') else {
            break;
        };
        let tag = &tag_area[1..gt];
        rest = &tag_area[gt + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            line += offset_line(tag);
            continue;
        }
        match tag.strip_prefix('/') {
            Some(name) => out.push(Token::Close(name.trim())),
            None => {
                let name = tag.split_whitespace().next().unwrap_or_default();
                let name = name.trim_end_matches('/');
                out.push(Token::Open(name, line));
            }
        }
    }
    if !rest.trim().is_empty() {
        out.push(Token::Text(rest.trim()));
    }
    out
}

/// A transaction's fields, with the line its `STMTTRN` opens on.
#[derive(Default)]
struct StmtTrn {
    line: u64,
    fields: HashMap<String, String>,
}

/// One statement's context: its currency and account.
#[derive(Default, Clone)]
struct Context {
    currency: Option<String>,
    account: Option<String>,
}

/// Reads an OFX or QFX file.
pub(super) fn read(bytes: &[u8]) -> Result<Statement, RowError> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_uppercase();
    let declared = head
        .split_once("CHARSET:")
        .map(|(_, c)| c.lines().next().unwrap_or_default().trim().to_string());
    let decoded = super::text::decode(bytes, declared.as_deref());
    let start = decoded.text.find('<').unwrap_or(decoded.text.len());
    let body = &decoded.text[start..];
    // The SGML header's lines come before the first tag.
    let first_line = 1 + decoded.text[..start].matches('\n').count() as u64;
    let (taken, statements) = transactions(body, first_line);
    if statements == 0 {
        return Err(RowError::file(
            "expected an OFX statement (STMTRS or CCSTMTRS); found none".into(),
        )
        .fatal());
    }
    let mut statement = Statement::default();
    for (t, ctx) in taken {
        take(&t, &ctx, &mut statement)?;
    }
    if decoded.encoding != "UTF-8" {
        statement
            .warnings
            .push(format!("read as {}", decoded.encoding));
    } else if declared
        .as_deref()
        .is_some_and(|d| !d.contains("UTF") && !d.contains("NONE") && !body.is_ascii())
    {
        statement.warnings.push(format!(
            "the file declares CHARSET:{} but is UTF-8; read as UTF-8",
            crate::text::sanitize(declared.as_deref().unwrap_or_default())
        ));
    }
    Ok(statement)
}

/// Every transaction of every statement, with its statement's currency
/// and account, and how many statements there are.
fn transactions(body: &str, first_line: u64) -> (Vec<(StmtTrn, Context)>, usize) {
    let mut context = Context::default();
    let mut open: Option<StmtTrn> = None;
    let mut leaf: Option<&str> = None;
    let mut taken: Vec<(StmtTrn, Context)> = Vec::new();
    let mut statements = 0;
    for token in tokens(body, first_line) {
        match token {
            Token::Open(name, line) => {
                let name_up = name.to_ascii_uppercase();
                leaf = None;
                match name_up.as_str() {
                    "STMTRS" | "CCSTMTRS" => {
                        statements += 1;
                        context = Context::default();
                    }
                    "STMTTRN" => {
                        if let Some(t) = open.take() {
                            taken.push((t, context.clone()));
                        }
                        open = Some(StmtTrn {
                            line,
                            ..StmtTrn::default()
                        });
                    }
                    _ => leaf = Some(name),
                }
            }
            Token::Text(text) => {
                let Some(name) = leaf.take() else { continue };
                let name = name.to_ascii_uppercase();
                let value = unescape(text);
                match (&mut open, name.as_str()) {
                    (Some(t), _) => {
                        t.fields.insert(name, value);
                    }
                    (None, "CURDEF") => context.currency = Some(value),
                    (None, "ACCTID") => context.account = Some(value),
                    _ => {}
                }
            }
            Token::Close(name) => {
                leaf = None;
                if name.eq_ignore_ascii_case("STMTTRN")
                    && let Some(t) = open.take()
                {
                    taken.push((t, context.clone()));
                }
            }
        }
    }
    if let Some(t) = open.take() {
        taken.push((t, context.clone()));
    }
    (taken, statements)
}

/// The entities OFX values use.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A refusal at a line.
fn refuse(line: u64, message: String) -> RowError {
    RowError::at_line(line, message).fatal()
}

/// Adds one transaction to the statement (or corrects an earlier one).
fn take(t: &StmtTrn, ctx: &Context, statement: &mut Statement) -> Result<(), RowError> {
    let get = |k: &str| t.fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let raw = get("TRNAMT").ok_or_else(|| {
        refuse(
            t.line,
            "STMTTRN: expected TRNAMT, the amount; there is none".into(),
        )
    })?;
    let value = amount(raw).ok_or_else(|| {
        refuse(
            t.line,
            format!(
                "TRNAMT: expected an amount such as -12.50, found '{}'",
                crate::text::excerpt(raw)
            ),
        )
    })?;
    let ccy = transaction_currency(t, ctx)?;
    let posted = get("DTPOSTED").ok_or_else(|| {
        refuse(
            t.line,
            "STMTTRN: expected DTPOSTED, the date; there is none".into(),
        )
    })?;
    let paid_on = posted
        .get(..8)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
        .ok_or_else(|| {
            refuse(
                t.line,
                format!(
                    "DTPOSTED: expected a date (YYYYMMDD…), found '{}'",
                    crate::text::excerpt(posted)
                ),
            )
        })?;
    let fitid = get("FITID").map(str::to_string);
    if let Some(target) = get("CORRECTFITID") {
        let action = get("CORRECTACTION")
            .unwrap_or("REPLACE")
            .to_ascii_uppercase();
        let before = statement.lines.len();
        statement
            .lines
            .retain(|l| l.bank_reference.as_deref() != Some(target));
        if statement.lines.len() == before {
            statement.warnings.push(format!(
                "line {}: a correction ({action}) of transaction {} that this file does not \
                 hold; if an earlier import took it, check that payment by hand",
                t.line,
                crate::text::sanitize(target)
            ));
        }
        if action == "DELETE" {
            return Ok(());
        }
    }
    let name = get("NAME").or_else(|| get("PAYEE")).map(str::to_string);
    statement.lines.push(BankLine {
        line: t.line,
        paid_on,
        amount: value,
        currency: ccy,
        reference: get("MEMO").map(str::to_string),
        counterparty: name.clone(),
        customer: CustomerKey {
            code: None,
            name,
            either: None,
            email: None,
            since: None,
        },
        invoice: None,
        structured_reference: None,
        payer_iban: None,
        bank_reference: fitid,
        account: ctx.account.clone(),
    });
    Ok(())
}

/// The transaction's currency (`CURRENCY/CURSYM`), else the statement's
/// (`CURDEF`).
fn transaction_currency(t: &StmtTrn, ctx: &Context) -> Result<Currency, RowError> {
    let code = t
        .fields
        .get("CURSYM")
        .or(ctx.currency.as_ref())
        .ok_or_else(|| {
            refuse(
                t.line,
                "expected a currency: the statement has no CURDEF".into(),
            )
        })?;
    currency(code).map_err(|m| refuse(t.line, format!("CURDEF: {m}")))
}
