//! Creditor references (ISO 11649): `RF`, two check digits (ISO 7064
//! mod 97-10) and up to 21 letters or digits. dun gives one on every
//! message that asks for money, so a transfer quoting it is matched to
//! what was asked for without guessing.
//!
//! The reference is a function of the ledger's ids: `I` and the invoice's
//! id for one invoice, `C` and the customer's id for an account (a message
//! asking for several invoices, a statement). Nothing needs storing, and a
//! message written again carries the same reference.

use std::fmt;

use super::{CustomerId, InvoiceId};

/// Longest body a creditor reference may carry.
const MAX_BODY: usize = 21;

/// What a reference dun gave points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceTarget {
    /// One invoice.
    Invoice(InvoiceId),
    /// A customer's account: every invoice a message or statement asked for.
    Account(CustomerId),
}

/// A valid creditor reference, in its electronic form (`RF18539007547034`:
/// upper case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditorReference(String);

impl CreditorReference {
    /// The reference dun gives for a target.
    pub fn of(target: ReferenceTarget) -> CreditorReference {
        let body = match target {
            ReferenceTarget::Invoice(id) => format!("I{id}"),
            ReferenceTarget::Account(id) => format!("C{id}"),
        };
        CreditorReference::with_body(&body).unwrap_or(CreditorReference(body))
    }

    /// Adds the check digits to a body of 1 to 21 letters or digits.
    pub fn with_body(body: &str) -> Option<CreditorReference> {
        let body = body.to_ascii_uppercase();
        if body.is_empty()
            || body.len() > MAX_BODY
            || !body.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        let remainder = mod97(body.bytes().chain(*b"RF00"))?;
        Some(CreditorReference(format!("RF{:02}{body}", 98 - remainder)))
    }

    /// Reads a reference as written on paper or typed (`RF18 5390 0754
    /// 7034`, any case); `None` unless its check digits are right.
    pub fn parse(text: &str) -> Option<CreditorReference> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = compact.as_bytes();
        if bytes.len() < 5
            || bytes.len() > 4 + MAX_BODY
            || !compact.starts_with("RF")
            || !bytes[2..4].iter().all(u8::is_ascii_digit)
            || !bytes[4..].iter().all(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        let rotated = bytes[4..].iter().chain(&bytes[..4]).copied();
        (mod97(rotated)? == 1).then_some(CreditorReference(compact))
    }

    /// Every valid reference in a free text (remittance information): a
    /// word starting `RF`, or such a word printed in groups of four.
    pub fn find_in(text: &str) -> Vec<CreditorReference> {
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut found: Vec<CreditorReference> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            if word.len() < 4 || !word[..2].eq_ignore_ascii_case("RF") {
                continue;
            }
            // The longest run of following words that still reads as one
            // reference wins: "RF18 5390 0754 7034".
            let mut joined = String::new();
            let mut best = None;
            for next in &words[i..words.len().min(i + 7)] {
                joined.push_str(next);
                if joined.len() > 4 + MAX_BODY {
                    break;
                }
                if let Some(r) = CreditorReference::parse(&joined) {
                    best = Some(r);
                }
            }
            if let Some(r) = best
                && !found.contains(&r)
            {
                found.push(r);
            }
        }
        found
    }

    /// What the reference points at, when dun gave it.
    pub fn target(&self) -> Option<ReferenceTarget> {
        let body = self.0.get(4..)?;
        let (kind, id) = body.split_at_checked(1)?;
        if id.is_empty() || id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: i64 = id.parse().ok()?;
        match kind {
            "I" => Some(ReferenceTarget::Invoice(id)),
            "C" => Some(ReferenceTarget::Account(id)),
            _ => None,
        }
    }

    /// The electronic form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: groups of four characters.
    pub fn printed(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The remainder mod 97 of the number a string of digits and letters
/// stands for, letters as 10 (A) to 35 (Z).
fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut remainder: u32 = 0;
    for c in chars {
        match c {
            b'0'..=b'9' => remainder = (remainder * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => remainder = (remainder * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return None,
        }
    }
    Some(remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_examples_are_valid() {
        for text in [
            "RF18539007547034",
            "RF18 5390 0754 7034",
            "RF712348231",
            "rf712348231",
        ] {
            assert!(CreditorReference::parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn check_digits_are_computed_as_the_standard_does() {
        let made = CreditorReference::with_body("539007547034");
        assert_eq!(made.map(|r| r.0), Some("RF18539007547034".to_string()));
        let made = CreditorReference::with_body("2348231");
        assert_eq!(made.map(|r| r.0), Some("RF712348231".to_string()));
    }

    #[test]
    fn a_wrong_digit_or_a_bad_shape_is_refused() {
        for text in [
            "RF19539007547034",
            "RF18539007547035",
            "RF18",
            "RF1853900754703",
            "XX18539007547034",
            "RF18-5390",
            "RF00I1I1I1I1I1I1I1I1I1I1I1",
        ] {
            assert!(CreditorReference::parse(text).is_none(), "{text}");
        }
        assert!(CreditorReference::with_body("").is_none());
        assert!(CreditorReference::with_body("ABCDEFGHIJKLMNOPQRSTUV").is_none());
        assert!(CreditorReference::with_body("AB-1").is_none());
    }

    #[test]
    fn references_dun_gives_round_trip_to_their_target() {
        for target in [
            ReferenceTarget::Invoice(1),
            ReferenceTarget::Invoice(987_654_321),
            ReferenceTarget::Account(42),
            ReferenceTarget::Invoice(i64::MAX),
        ] {
            let reference = CreditorReference::of(target);
            let read = CreditorReference::parse(reference.as_str());
            assert_eq!(read.and_then(|r| r.target()), Some(target));
            let printed = CreditorReference::parse(&reference.printed());
            assert_eq!(printed.as_ref(), Some(&reference));
        }
        let foreign = CreditorReference::parse("RF18539007547034");
        assert_eq!(foreign.and_then(|r| r.target()), None);
    }

    #[test]
    fn references_are_found_in_free_text() {
        let ours = CreditorReference::of(ReferenceTarget::Invoice(17));
        let text = format!(
            "Payment {} and RF18 5390 0754 7034, not RF99123",
            ours.printed()
        );
        let found = CreditorReference::find_in(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], ours);
        assert_eq!(found[1].as_str(), "RF18539007547034");
        assert!(CreditorReference::find_in("invoice INV-0001 RF").is_empty());
    }
}
