//! UN/CEFACT Cross Industry Invoice: Factur-X and ZUGFeRD 2.x, XRechnung
//! CII, and the older ZUGFeRD 1.0 `CrossIndustryDocument`, whose elements
//! have the same names under other parents (so they are found by name).
//!
//! The amount due is `DuePayableAmount`; dates are format 102 (YYYYMMDD).

use super::document::{self, Document, Failure, Instalment, Party, Read, amount_at, text};
use super::xml::Node;
use dun_core::ledger::DocumentKind;
use dun_core::money::Currency;

/// Reads one CII document.
pub fn read(root: &Node<'_>) -> Result<Vec<Read>, Failure> {
    let header = root
        .child("ExchangedDocument")
        .or_else(|| root.child("HeaderExchangedDocument"))
        .ok_or_else(|| {
            Failure::missing(&root.path_of(&["ExchangedDocument"]), "the document header")
        })?;
    let number = text(&header, &["ID"], "a document number")?;
    let code = header.text_at(&["TypeCode"]).unwrap_or("380");
    let Some(mut kind) = kind_of(code.trim()) else {
        return Ok(vec![Read::LeftOut(
            number,
            format!(
                "type {}: not an invoice or credit note type",
                crate::text::excerpt(code.trim())
            ),
        )]);
    };
    let issue = header
        .at(&["IssueDateTime", "DateTimeString"])
        .ok_or_else(|| {
            Failure::missing(
                &header.path_of(&["IssueDateTime", "DateTimeString"]),
                "the issue date",
            )
        })?;
    let issue_date = document::date(&issue.path, &issue.element.text)?;
    let (currency, payable, warnings) = totals(root, &number)?;
    if payable == 0 {
        return Ok(vec![Read::LeftOut(
            number,
            "nothing is due (paid in advance)".into(),
        )]);
    }
    if payable < 0 {
        kind = match kind {
            DocumentKind::Invoice => DocumentKind::CreditNote,
            DocumentKind::CreditNote => DocumentKind::Invoice,
        };
    }
    let (issuer, customer) = parties(root)?;
    let instalments = due_dates(root, currency, payable.abs())?;
    Ok(vec![Read::Document(Box::new(Document {
        number,
        kind,
        issuer,
        customer,
        issue_date,
        currency,
        instalments,
        warnings,
        path: root.path.clone(),
    }))])
}

/// What a type code makes a document; `None` for one that is neither an
/// invoice nor a credit note.
fn kind_of(code: &str) -> Option<DocumentKind> {
    match code {
        "381" | "396" | "261" | "262" | "81" | "83" | "532" => Some(DocumentKind::CreditNote),
        "380" | "383" | "384" | "386" | "389" | "393" | "326" | "82" | "84" | "751" | "875"
        | "876" | "877" => Some(DocumentKind::Invoice),
        _ => None,
    }
}

/// The currency, the amount due (signed) and the notes on totals that
/// contradict it.
fn totals(root: &Node<'_>, number: &str) -> Result<(Currency, i64, Vec<String>), Failure> {
    let currency_node = root.find("InvoiceCurrencyCode").ok_or_else(|| {
        Failure::missing(
            &root.path_of(&["…", "InvoiceCurrencyCode"]),
            "a currency code",
        )
    })?;
    let currency = document::currency(&currency_node.path, &currency_node.element.text)?;
    let summary = root
        .find("SpecifiedTradeSettlementHeaderMonetarySummation")
        .or_else(|| root.find("SpecifiedTradeSettlementMonetarySummation"))
        .ok_or_else(|| {
            Failure::missing(
                &root.path_of(&["…", "SpecifiedTradeSettlementHeaderMonetarySummation"]),
                "the document's totals",
            )
        })?;
    let payable = match amount_at(&summary, &["DuePayableAmount"], currency)? {
        Some(p) => p,
        None => amount_at(&summary, &["GrandTotalAmount"], currency)?.ok_or_else(|| {
            Failure::missing(&summary.path_of(&["DuePayableAmount"]), "the amount due")
        })?,
    };
    let warnings = contradictions(&summary, number, currency, payable)?;
    Ok((currency, payable, warnings))
}

/// The seller and the buyer.
fn parties(root: &Node<'_>) -> Result<(Party, Party), Failure> {
    let seller = root
        .find("SellerTradeParty")
        .ok_or_else(|| Failure::missing(&root.path_of(&["…", "SellerTradeParty"]), "the seller"))?;
    let buyer = root
        .find("BuyerTradeParty")
        .ok_or_else(|| Failure::missing(&root.path_of(&["…", "BuyerTradeParty"]), "the buyer"))?;
    Ok((party(&seller)?, party(&buyer)?))
}

/// Grand total less prepaid plus rounding against the amount due.
fn contradictions(
    summary: &Node<'_>,
    number: &str,
    currency: Currency,
    payable: i64,
) -> Result<Vec<String>, Failure> {
    let Some(grand) = amount_at(summary, &["GrandTotalAmount"], currency)? else {
        return Ok(Vec::new());
    };
    let prepaid = amount_at(summary, &["TotalPrepaidAmount"], currency)?.unwrap_or(0);
    let rounding = amount_at(summary, &["RoundingAmount"], currency)?.unwrap_or(0);
    let expected = grand - prepaid + rounding;
    Ok(if expected == payable {
        Vec::new()
    } else {
        vec![format!(
            "{number}: the grand total less prepaid plus rounding is {}, the amount due {}; \
             imported on the amount due",
            document::money(currency, expected),
            document::money(currency, payable)
        )]
    })
}

/// The due dates of the payment terms: one per term that carries a
/// partial amount, else the first due date for the whole.
fn due_dates(
    root: &Node<'_>,
    currency: Currency,
    payable: i64,
) -> Result<Vec<Instalment>, Failure> {
    let settlement = root
        .find("ApplicableHeaderTradeSettlement")
        .or_else(|| root.find("ApplicableSupplyChainTradeSettlement"));
    let terms = settlement
        .map(|s| s.children("SpecifiedTradePaymentTerms"))
        .unwrap_or_default();
    let mut parts = Vec::new();
    let mut first_due = None;
    for term in &terms {
        let due = match term.at(&["DueDateDateTime", "DateTimeString"]) {
            Some(d) => Some(document::date(&d.path, &d.element.text)?),
            None => None,
        };
        first_due = first_due.or(due);
        if let Some(part) = amount_at(term, &["PartialPaymentAmount"], currency)? {
            parts.push(Instalment {
                due,
                amount_minor: part.abs(),
            });
        }
    }
    let listed = parts
        .iter()
        .fold(0i64, |a, p| a.saturating_add(p.amount_minor));
    if parts.len() > 1 && listed == payable && parts.iter().all(|p| p.due.is_some()) {
        return Ok(parts);
    }
    Ok(vec![Instalment {
        due: first_due,
        amount_minor: payable,
    }])
}

fn party(node: &Node<'_>) -> Result<Party, Failure> {
    let name = document::optional_text(node, &["Name"], "a name")?;
    let vat_id = node
        .children("SpecifiedTaxRegistration")
        .iter()
        .filter_map(|r| r.child("ID"))
        .find(|id| id.attribute("schemeID") == Some("VA"))
        .map(|id| document::normalise_vat(&id.element.text));
    let email = match document::optional_text(
        node,
        &["URIUniversalCommunication", "URIID"],
        "an email address",
    )? {
        Some(e) if e.contains('@') => Some(e),
        _ => document::optional_text(
            node,
            &[
                "DefinedTradeContact",
                "EmailURIUniversalCommunication",
                "URIID",
            ],
            "an email address",
        )?,
    };
    let tax_code = node
        .children("SpecifiedLegalOrganization")
        .first()
        .and_then(|o| o.text_at(&["ID"]))
        .map(str::to_string);
    Ok(Party {
        name,
        vat_id,
        tax_code,
        email,
    })
}
