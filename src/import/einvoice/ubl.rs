//! UBL 2.1 `Invoice` and `CreditNote`: Peppol BIS Billing 3.0, EN 16931,
//! CIUS-RO, XRechnung UBL.
//!
//! The amount due is `LegalMonetaryTotal/PayableAmount` (prepaid amounts
//! and rounding sit before it). A negative invoice is a credit; a corrected
//! (384) or self-billed (389) invoice is an invoice.

use super::document::{
    self, Document, Failure, Instalment, Party, Read, amount_at, date_at, optional_text, text,
};
use super::xml::Node;
use chrono::Days;
use dun_core::ledger::DocumentKind;

/// Reads one UBL document (its root is `Invoice` or `CreditNote`).
pub fn read(root: &Node<'_>) -> Result<Vec<Read>, Failure> {
    let credit_root = root.element.name == "CreditNote";
    let number = text(root, &["ID"], "a document number")?;
    let type_name = if credit_root {
        "CreditNoteTypeCode"
    } else {
        "InvoiceTypeCode"
    };
    let code = root
        .text_at(&[type_name])
        .unwrap_or(if credit_root { "381" } else { "380" });
    let mut kind = match kind_of(code, credit_root) {
        Ok(k) => k,
        Err(why) => return Ok(vec![Read::LeftOut(number, format!("type {code}: {why}"))]),
    };
    let currency_path = root.path_of(&["DocumentCurrencyCode"]);
    let currency = document::currency(
        &currency_path,
        root.text_at(&["DocumentCurrencyCode"]).unwrap_or(""),
    )?;
    let issue_date = date_at(root, &["IssueDate"])?;
    let totals_path = ["LegalMonetaryTotal", "PayableAmount"];
    let payable = amount_at(root, &totals_path, currency)?
        .ok_or_else(|| Failure::missing(&root.path_of(&totals_path), "the amount due"))?;
    let mut warnings = Vec::new();
    if let Some(total) = root.child("LegalMonetaryTotal") {
        let inclusive = amount_at(&total, &["TaxInclusiveAmount"], currency)?;
        let prepaid = amount_at(&total, &["PrepaidAmount"], currency)?.unwrap_or(0);
        let rounding = amount_at(&total, &["PayableRoundingAmount"], currency)?.unwrap_or(0);
        if let Some(inclusive) = inclusive
            && inclusive - prepaid + rounding != payable
        {
            warnings.push(format!(
                "{number}: the total with tax less prepaid plus rounding is {}, the amount due \
                 {}; imported on the amount due",
                document::money(currency, inclusive - prepaid + rounding),
                document::money(currency, payable)
            ));
        }
    }
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
    let due = match root.text_at(&["DueDate"]) {
        Some(_) => Some(date_at(root, &["DueDate"])?),
        None => match root.at(&["PaymentMeans", "PaymentDueDate"]) {
            Some(_) => Some(date_at(root, &["PaymentMeans", "PaymentDueDate"])?),
            // Else the terms as written ("30 days net").
            None => root
                .text_at(&["PaymentTerms", "Note"])
                .and_then(document::net_days)
                .and_then(|days| issue_date.checked_add_days(Days::new(u64::from(days)))),
        },
    };
    let issuer = party(root, "AccountingSupplierParty")?;
    let customer = party(root, "AccountingCustomerParty")?;
    Ok(vec![Read::Document(Box::new(Document {
        number,
        kind,
        issuer,
        customer,
        issue_date,
        currency,
        instalments: vec![Instalment {
            due,
            amount_minor: payable.abs(),
        }],
        warnings,
        path: root.path.clone(),
    }))])
}

/// An invoice type code (UNCL 1001) as a creditor reads it.
fn kind_of(code: &str, credit_root: bool) -> Result<DocumentKind, &'static str> {
    match code.trim() {
        "381" | "396" | "532" | "81" | "83" | "261" | "262" | "308" | "458" => {
            Ok(DocumentKind::CreditNote)
        }
        "380" | "383" | "384" | "386" | "389" | "393" | "394" | "395" | "326" | "82" | "84"
        | "102" | "218" | "219" | "331" | "382" | "553" | "575" | "623" | "780" | "875" | "876"
        | "877" | "751" => {
            if credit_root {
                Ok(DocumentKind::CreditNote)
            } else {
                Ok(DocumentKind::Invoice)
            }
        }
        _ => Err("not an invoice or credit note type"),
    }
}

fn party(root: &Node<'_>, role: &str) -> Result<Party, Failure> {
    let Some(party) = root.at(&[role, "Party"]) else {
        return Err(Failure::missing(
            &root.path_of(&[role, "Party"]),
            "the party",
        ));
    };
    let name = match optional_text(&party, &["PartyLegalEntity", "RegistrationName"], "a name")? {
        Some(n) => Some(n),
        None => optional_text(&party, &["PartyName", "Name"], "a name")?,
    };
    let vat_id = party
        .children("PartyTaxScheme")
        .iter()
        .find(|s| {
            s.text_at(&["TaxScheme", "ID"])
                .is_none_or(|id| id.eq_ignore_ascii_case("VAT"))
        })
        .and_then(|s| s.text_at(&["CompanyID"]))
        .map(document::normalise_vat);
    let tax_code = optional_text(&party, &["PartyLegalEntity", "CompanyID"], "a company id")?;
    let email = optional_text(&party, &["Contact", "ElectronicMail"], "an email address")?;
    Ok(Party {
        name,
        vat_id,
        tax_code,
        email,
    })
}
