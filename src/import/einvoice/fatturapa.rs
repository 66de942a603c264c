//! FatturaPA 1.2.x (FPA12 and FPR12), the Italian e-invoice: one header
//! (issuer and customer), one body per document.
//!
//! What the customer pays is what the payment details ask
//! (`DettaglioPagamento/ImportoPagamento`, one per due date); without
//! them, the document's total less the withholding (`DatiRitenuta`) and,
//! under split payment (`EsigibilitaIVA` S), less the VAT the buyer pays
//! the state itself.

use super::document::{
    self, Document, Failure, Instalment, Party, Read, amount_at, date_at, optional_text, text,
};
use super::xml::Node;
use dun_core::ledger::DocumentKind;
use dun_core::money::Currency;

/// Reads every body of a FatturaElettronica.
pub fn read(root: &Node<'_>) -> Result<Vec<Read>, Failure> {
    let header = root.child("FatturaElettronicaHeader").ok_or_else(|| {
        Failure::missing(&root.path_of(&["FatturaElettronicaHeader"]), "the header")
    })?;
    let issuer = party(&header, "CedentePrestatore")?;
    let customer = party(&header, "CessionarioCommittente")?;
    let bodies = root.children("FatturaElettronicaBody");
    if bodies.is_empty() {
        return Err(Failure::missing(
            &root.path_of(&["FatturaElettronicaBody"]),
            "at least one FatturaElettronicaBody",
        ));
    }
    bodies
        .iter()
        .map(|body| read_body(body, &issuer, &customer))
        .collect()
}

fn party(header: &Node<'_>, role: &str) -> Result<Party, Failure> {
    let data = header.at(&[role, "DatiAnagrafici"]).ok_or_else(|| {
        Failure::missing(
            &header.path_of(&[role, "DatiAnagrafici"]),
            "the party's details",
        )
    })?;
    let vat = match (
        data.text_at(&["IdFiscaleIVA", "IdPaese"]),
        data.text_at(&["IdFiscaleIVA", "IdCodice"]),
    ) {
        (Some(country), Some(code)) => Some(document::normalise_vat(&format!("{country}{code}"))),
        (None, Some(code)) => Some(document::normalise_vat(code)),
        _ => None,
    };
    let name = match optional_text(&data, &["Anagrafica", "Denominazione"], "a name")? {
        Some(n) => Some(n),
        None => {
            let first = optional_text(&data, &["Anagrafica", "Nome"], "a name")?;
            let last = optional_text(&data, &["Anagrafica", "Cognome"], "a surname")?;
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l),
            }
        }
    };
    Ok(Party {
        name,
        vat_id: vat,
        tax_code: optional_text(&data, &["CodiceFiscale"], "a tax code")?,
        email: None,
    })
}

/// What a `TipoDocumento` is to a creditor: the kind to import, or why it
/// is left out.
fn kind_of(code: &str) -> Result<DocumentKind, &'static str> {
    match code {
        // Invoice, advance on an invoice or a fee note, fee note, deferred
        // invoices, sale of depreciable goods.
        "TD01" | "TD02" | "TD03" | "TD05" | "TD06" | "TD24" | "TD25" | "TD26" => {
            Ok(DocumentKind::Invoice)
        }
        "TD04" => Ok(DocumentKind::CreditNote),
        "TD16" | "TD17" | "TD18" | "TD19" => {
            Err("a reverse-charge integration of a purchase, not a sale")
        }
        "TD20" => Err("a self-invoice regularising a purchase, not a sale"),
        "TD21" => Err("a self-invoice for exceeding the export ceiling, not a sale to a customer"),
        "TD22" | "TD23" => {
            Err("an extraction of goods from a VAT warehouse, not a sale to a customer")
        }
        "TD27" => Err("a self-invoice for own use or free transfer, nothing to collect"),
        "TD28" => Err("a purchase from San Marino, not a sale"),
        "TD29" => Err("a report of an irregular invoice, not a sale"),
        _ => Err("a document type dun does not know"),
    }
}

fn read_body(body: &Node<'_>, issuer: &Party, customer: &Party) -> Result<Read, Failure> {
    let general = ["DatiGenerali", "DatiGeneraliDocumento"];
    let head = body
        .at(&general)
        .ok_or_else(|| Failure::missing(&body.path_of(&general), "the document's general data"))?;
    let number = text(&head, &["Numero"], "a document number")?;
    let code = text(&head, &["TipoDocumento"], "a document type like TD01")?;
    let kind = match kind_of(&code) {
        Ok(k) => k,
        Err(why) => return Ok(Read::LeftOut(number, format!("{code}: {why}"))),
    };
    let currency = document::currency(
        &head.path_of(&["Divisa"]),
        head.text_at(&["Divisa"]).unwrap_or(""),
    )?;
    let issue_date = date_at(&head, &["Data"])?;
    let expected = expected_payable(body, &head, currency)?;
    let mut warnings = Vec::new();
    let mut instalments = payment_details(body, currency)?;
    let listed = instalments
        .iter()
        .fold(0i64, |a, i| a.saturating_add(i.amount_minor));
    match (instalments.is_empty(), expected) {
        (true, Some(total)) => instalments.push(Instalment {
            due: None,
            amount_minor: total,
        }),
        (true, None) => {
            return Err(Failure::missing(
                &body.path_of(&["DatiPagamento", "DettaglioPagamento", "ImportoPagamento"]),
                "the amount to pay, or the document's total (ImportoTotaleDocumento)",
            ));
        }
        (false, Some(total)) if total != listed => warnings.push(format!(
            "{number}: the document's total less withholding and split-payment VAT is {}, its \
             payment details ask {}; imported on the payment details",
            document::money(currency, total),
            document::money(currency, listed)
        )),
        (false, _) => {}
    }
    if kind == DocumentKind::CreditNote {
        // A credit note is written positive or negative; it is one credit.
        let total = instalments.iter().fold(0i64, |a, i| {
            a.saturating_add(i.amount_minor.saturating_abs())
        });
        instalments = vec![Instalment {
            due: None,
            amount_minor: total,
        }];
    }
    if instalments.iter().any(|i| i.amount_minor <= 0) {
        return Err(Failure::bad(
            &body.path_of(&["DatiPagamento"]),
            &document::money(currency, listed),
            "amounts to pay above zero",
        ));
    }
    Ok(Read::Document(Box::new(Document {
        number,
        kind,
        issuer: issuer.clone(),
        customer: customer.clone(),
        issue_date,
        currency,
        instalments,
        warnings,
        path: body.path.clone(),
    })))
}

/// The total less withholding and split-payment VAT, when the document
/// gives a total (or summary lines to add up).
fn expected_payable(
    body: &Node<'_>,
    head: &Node<'_>,
    currency: Currency,
) -> Result<Option<i64>, Failure> {
    let mut vat_split: i64 = 0;
    let mut summed: i64 = 0;
    let summaries = body
        .child("DatiBeniServizi")
        .map(|b| b.children("DatiRiepilogo"))
        .unwrap_or_default();
    for line in &summaries {
        let base = amount_at(line, &["ImponibileImporto"], currency)?.unwrap_or(0);
        let vat = amount_at(line, &["Imposta"], currency)?.unwrap_or(0);
        summed = summed.saturating_add(base).saturating_add(vat);
        if line.text_at(&["EsigibilitaIVA"]) == Some("S") {
            vat_split = vat_split.saturating_add(vat);
        }
    }
    let total = match amount_at(head, &["ImportoTotaleDocumento"], currency)? {
        Some(t) => t,
        None if !summaries.is_empty() => summed,
        None => return Ok(None),
    };
    let mut withheld: i64 = 0;
    for w in head.children("DatiRitenuta") {
        withheld =
            withheld.saturating_add(amount_at(&w, &["ImportoRitenuta"], currency)?.unwrap_or(0));
    }
    Ok(Some(
        total
            .saturating_abs()
            .saturating_sub(vat_split.saturating_abs())
            .saturating_sub(withheld.saturating_abs()),
    ))
}

/// Every `DettaglioPagamento` with its due date and amount. Details of one
/// `DatiPagamento` that repeat the same amount and date are ways to pay
/// the same sum, counted once.
fn payment_details(body: &Node<'_>, currency: Currency) -> Result<Vec<Instalment>, Failure> {
    let mut parts: Vec<Instalment> = Vec::new();
    for terms in body.children("DatiPagamento") {
        let mut seen: Vec<Instalment> = Vec::new();
        for detail in terms.children("DettaglioPagamento") {
            let Some(amount) = amount_at(&detail, &["ImportoPagamento"], currency)? else {
                return Err(Failure::missing(
                    &detail.path_of(&["ImportoPagamento"]),
                    "the amount to pay",
                ));
            };
            let due = match detail.text_at(&["DataScadenzaPagamento"]) {
                Some(_) => Some(date_at(&detail, &["DataScadenzaPagamento"])?),
                None => terms_due(&detail)?,
            };
            let part = Instalment {
                due,
                amount_minor: amount,
            };
            if !seen.contains(&part) {
                seen.push(part);
            }
        }
        parts.extend(seen);
    }
    Ok(parts)
}

/// A due date written as days from a reference date.
fn terms_due(detail: &Node<'_>) -> Result<Option<chrono::NaiveDate>, Failure> {
    let (Some(_), Some(days)) = (
        detail.text_at(&["DataRiferimentoTerminiPagamento"]),
        detail.text_at(&["GiorniTerminiPagamento"]),
    ) else {
        return Ok(None);
    };
    let from = date_at(detail, &["DataRiferimentoTerminiPagamento"])?;
    let path = detail.path_of(&["GiorniTerminiPagamento"]);
    let days: u64 = days
        .trim()
        .parse()
        .map_err(|_| Failure::bad(&path, days, "a number of days"))?;
    Ok(from.checked_add_days(chrono::Days::new(days)))
}
