//! Mail messages that cannot be made to carry extra headers or recipients:
//! addresses are parsed strictly, names and subjects lose every control
//! character before they reach a header.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that is not one plain address.
    #[error("'{0}' is not a usable email address")]
    Address(String),
    /// lettre refused the message.
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// Text fit for a header: control characters (CR and LF among them) become
/// spaces, so no value can start a header of its own.
fn header_text(text: &str) -> String {
    text.chars()
        .map(|c| if crate::text::is_unsafe(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A mailbox from a display name and an address. The address must be one
/// plain address, with no control characters, spaces, commas or brackets.
pub fn mailbox(name: &str, address: &str) -> Result<Mailbox, MailError> {
    let address = address.trim();
    let plain = !address.is_empty()
        && !address.chars().any(|c| {
            c.is_control() || c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"')
        });
    let parsed = plain
        .then(|| address.parse::<lettre::Address>().ok())
        .flatten()
        .ok_or_else(|| MailError::Address(crate::text::sanitize(address).into_owned()))?;
    let name = header_text(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), parsed))
}

/// A message with a text body and, optionally, one attachment.
pub fn message(
    from: Mailbox,
    to: Mailbox,
    subject: &str,
    body: &str,
    attachment: Option<(&str, &str, &str)>,
) -> Result<Message, MailError> {
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(header_text(subject));
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string());
    let built = match attachment {
        Some((filename, mime, content)) => {
            let content_type =
                ContentType::parse(mime).map_err(|e| MailError::Build(e.to_string()))?;
            let part =
                Attachment::new(header_text(filename)).body(content.to_string(), content_type);
            builder.multipart(MultiPart::mixed().singlepart(text).singlepart(part))
        }
        None => builder.singlepart(text),
    };
    built.map_err(|e| MailError::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_a_header() {
        let from = mailbox("Accounts", "ar@us.example").expect("valid");
        let to = mailbox(
            "Evil\r\nBcc: victim@else.example\r\nX-Injected: 1",
            "ap@them.example",
        )
        .expect("name is cleaned");
        let m =
            message(from, to, "Overdue\r\nBcc: other@else.example", "body", None).expect("builds");
        let raw = String::from_utf8(m.formatted()).expect("utf-8");
        let headers = raw.split("\r\n\r\n").next().expect("headers");
        assert!(
            !headers
                .lines()
                .any(|l| l.starts_with("Bcc:") || l.starts_with("X-Injected")),
            "{headers}"
        );
        assert_eq!(m.envelope().to().len(), 1, "one recipient only");
    }

    #[test]
    fn addresses_must_be_one_plain_address() {
        for bad in [
            "a@b.example\r\nBcc: c@d.example",
            "a@b.example, c@d.example",
            "<a@b.example>",
            "",
            "no-at-sign",
        ] {
            assert!(mailbox("x", bad).is_err(), "{bad:?}");
        }
        assert!(mailbox("Ünïcode Name", "ap@them.example").is_ok());
    }
}
